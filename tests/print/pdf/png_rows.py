#!/usr/bin/env python3
"""png_rows.py FILE.png: the SHA-256 of a PNG's pixel rows, decoded here from its IDAT data
(zlib, then the five PNG row filters) for 8-bit grey or RGB, not interlaced; prints
"WIDTHxHEIGHT sha256". An independent decoder for checking what a PDF shows."""
import hashlib
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def rows(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, w = 8, b"", 0
    while at < len(d):
        n, kind = struct.unpack(">I4s", d[at:at + 8])
        body = d[at + 8:at + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (0, 2) and lace == 0, "not 8-bit grey/RGB"
            bpp = 3 if ctype == 2 else 1
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[f]) & 0xFF
        out += line
        prev = line
    return w, h, bytes(out)


w, h, px = rows(sys.argv[1])
print("%dx%d %s" % (w, h, hashlib.sha256(px).hexdigest()))
