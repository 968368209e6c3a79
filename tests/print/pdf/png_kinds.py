#!/usr/bin/python3
"""png_kinds.py PDF IMAGES_DIR: every PNG (and GIF: its first frame) of IMAGES_DIR (each of its own width) against the image
the PDF shows at that width. The PNG's pixels come from Pillow's decoder; the PDF's from
pikepdf (libqpdf undoes FlateDecode and the PNG predictors), unpacked here by the image's
/BitsPerComponent, /ColorSpace (grey, RGB, indexed), /Mask (colour key) and /SMask. Colour is
compared where a pixel is not fully transparent, alpha everywhere; a 16-bit PNG within 1 (Pillow
keeps its high byte, the PDF shows all 16 bits or libpng's rounding to 8). It also says how each
image is carried: "own" when its stream is the PNG's IDAT data byte for byte (/Predictor 15),
else "decoded"; with "key" or "soft" for its transparency. Prints one line per PNG:
NAME ok|FAIL own|decoded [key|soft] (...); exits 1 on any failure."""
import glob
import os
import struct
import sys

import pikepdf
from PIL import Image


def idat(path):
    d, at, out = open(path, "rb").read(), 8, b""
    while at < len(d):
        n, kind = struct.unpack(">I4s", d[at:at + 8])
        if kind == b"IDAT":
            out += d[at + 8:at + 8 + n]
        at += 12 + n
    return out


def samples(data, w, h, comps, bpc):
    """Rows of samples of an image's decoded stream (rows padded to a byte)."""
    stride = (w * comps * bpc + 7) // 8
    assert len(data) >= stride * h, "stream too short: %d < %d" % (len(data), stride * h)
    rows = []
    for y in range(h):
        row = data[y * stride:(y + 1) * stride]
        if bpc == 16:
            vals = [row[2 * i] << 8 | row[2 * i + 1] for i in range(w * comps)]
        elif bpc == 8:
            vals = list(row[:w * comps])
        else:
            per = 8 // bpc
            vals = [(row[i // per] >> (8 - bpc * (i % per + 1))) & ((1 << bpc) - 1) for i in range(w * comps)]
        rows.append(vals)
    return rows


def shown(img):
    """The RGBA pixels (0..255 floats) an image XObject shows, and how it is carried."""
    w, h, bpc = int(img.Width), int(img.Height), int(img.BitsPerComponent)
    cs = img.ColorSpace
    top = (1 << bpc) - 1
    if isinstance(cs, pikepdf.Array) and cs[0] == "/Indexed":
        base, hival, lut = cs[1], int(cs[2]), bytes(cs[3])
        assert base == "/DeviceRGB", base
        comps, colour = 1, lambda v: tuple(lut[3 * min(v[0], hival) + c] for c in range(3))
    elif cs == "/DeviceRGB":
        comps, colour = 3, lambda v: tuple(x * 255.0 / top for x in v)
    elif cs == "/DeviceGray":
        comps, colour = 1, lambda v: (v[0] * 255.0 / top,) * 3
    else:
        raise AssertionError("colour space %s" % cs)
    rows = samples(img.read_bytes(), w, h, comps, bpc)
    key = [int(x) for x in img.Mask] if "/Mask" in img else None
    alpha = None
    if "/SMask" in img:
        sm = img.SMask
        abpc = int(sm.BitsPerComponent)
        alpha = [[v * 255.0 / ((1 << abpc) - 1) for v in r] for r in samples(sm.read_bytes(), w, h, 1, abpc)]
    px = []
    for y in range(h):
        line = []
        for x in range(w):
            v = rows[y][x * comps:(x + 1) * comps]
            a = 255.0
            if key and all(key[2 * c] <= v[c] <= key[2 * c + 1] for c in range(comps)):
                a = 0.0
            if alpha:
                a = alpha[y][x]
            line.append(colour(v) + (a,))
        px.append(line)
    parms = img.get("/DecodeParms")
    how = "decoded"
    if parms is not None and int(parms.get("/Predictor", 0)) == 15:
        how = "own"
    if key:
        how += " key"
    if alpha:
        how += " soft"
    return px, how


def expected(path):
    """The PNG's RGBA pixels as Pillow decodes it; the tolerance of the comparison."""
    im = Image.open(path)
    im.load()
    w, h = im.size
    if im.mode in ("I", "I;16", "I;16B"):        # 16-bit grey: Pillow's convert would clip
        t = im.info.get("transparency")
        return [[(v / 257.0,) * 3 + (0.0 if v == t else 255.0,) for v in
                 (im.getpixel((x, y)) for x in range(w))] for y in range(h)], 1.01
    if path.endswith(".gif"):                    # the first frame
        rgba = im.convert("RGBA")
        return [[tuple(float(c) for c in rgba.getpixel((x, y))) for x in range(w)] for y in range(h)], 0.51
    depth, ctype = open(path, "rb").read()[24:26]
    if ctype == 0 and depth < 8 and "transparency" in im.info:
        # Pillow scales 1-, 2- and 4-bit grey to 8 bits but not the tRNS value
        t = im.info["transparency"] * 255 // ((1 << depth) - 1)
        grey = im.convert("L")
        return [[(float(v),) * 3 + (0.0 if v == t else 255.0,) for v in
                 (grey.getpixel((x, y)) for x in range(w))] for y in range(h)], 0.51
    rgba = im.convert("RGBA")
    return [[tuple(float(c) for c in rgba.getpixel((x, y))) for x in range(w)] for y in range(h)], \
        1.01 if depth == 16 else 0.51


def compare(want, got, tol):
    for y, (wr, gr) in enumerate(zip(want, got)):
        for x, (a, b) in enumerate(zip(wr, gr)):
            if abs(a[3] - b[3]) > tol:
                return "alpha at %d,%d: %s vs %s" % (x, y, a, b)
            if a[3] > 0 and any(abs(a[c] - b[c]) > tol for c in range(3)):
                return "colour at %d,%d: %s vs %s" % (x, y, a, b)
    return None


def main(pdf_path, images):
    pdf = pikepdf.open(pdf_path)
    by_width = {}
    for page in pdf.pages:
        for _, xo in page.images.items():
            by_width.setdefault(int(xo.Width), xo)
    failed = 0
    for path in sorted(glob.glob(os.path.join(images, "*.png")) + glob.glob(os.path.join(images, "*.gif"))):
        name = os.path.basename(path)[:-4]
        want, tol = expected(path)
        img = by_width.get(len(want[0]))
        if img is None:
            print(name, "FAIL", "(not in the PDF)")
            failed += 1
            continue
        got, how = shown(img)
        why = compare(want, got, tol) if len(got) == len(want) else "height"
        if how.startswith("own") and path.endswith(".png") and img.read_raw_bytes() != idat(path):
            why = "a predictor but not the PNG's own data"
        print(name, "FAIL" if why else "ok", how, "(%s)" % why if why else "")
        failed += bool(why)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
