#!/bin/bash
# natural: raster figures are set at their own size: the resolution the file states (PNG pHYs,
# JPEG JFIF density), else 150 ppi, never wider than the column; `figure-width: column` fills
# the column. The PNGs are written here (python3, zlib); pdfimages -list reports the resolution
# each image is drawn at. Usage: natural.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/book/chapters" "$WORK/book/images" "$WORK/book/styles"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
command -v pdfimages >/dev/null || { echo "SKIP: no pdfimages"; exit 77; }
fail=0
python3 - "$WORK/book/images" <<'PY'
import struct, sys, zlib
def png(path, w, h, ppm=None):
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    rows = b"".join(b"\0" + bytes((x * 7 + y * 3) & 255 for x in range(w)) for y in range(h))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    if ppm: out += chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    out += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    open(path, "wb").write(out)
png(sys.argv[1] + "/dpi300.png", 300, 120, 11811)   # 300 ppi: 1 in wide
png(sys.argv[1] + "/plain.png", 240, 100)           # no pHYs: 150 ppi, 1.6 in
png(sys.argv[1] + "/wide.png", 3000, 300)           # 20 in at 150 ppi: capped at the column
PY
cat > "$WORK/book/book.yaml" <<'Y'
name: natural
title: Natural Size
language: en
identifier: "urn:uuid:6f1c2d3e-0000-4000-8000-00000000aa01"
chapters: [chapters/one.md]
Y
cat > "$WORK/book/chapters/one.md" <<'M'
# Figures

Text before the figures.

![A grey ramp at 300 ppi.](images/dpi300.png "Stated 300 ppi")

![A grey ramp with no stated resolution.](images/plain.png "No resolution")

![A wide grey ramp.](images/wide.png "Wider than the column")
M
sed -e "s/^  figure-width: natural/  figure-width: column/" "$SRC/styles/brochure.yaml" > "$WORK/book/styles/column.yaml"
"$BIN" build "$WORK/book" -o "$WORK/out" --pdf -q || { echo "FAIL: build"; exit 1; }
"$BIN" build "$WORK/book" -o "$WORK/outc" --pdf -q --style "$WORK/book/styles/column.yaml" || { echo "FAIL: build column"; exit 1; }
# the column of the brochure: A4 minus the inner and outer margins, in inches
colw_in=$(python3 -c "print((210 - 30 - 46) / 25.4)")
check() { # check PDF "w1 w2 w3" (expected ppi of the three images, in order) label
    python3 - "$1" "$2" "$3" <<'PY' || fail=$((fail + 1))
import subprocess, sys
pdf, want, label = sys.argv[1], [float(x) for x in sys.argv[2].split()], sys.argv[3]
rows = [l.split() for l in subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout.splitlines()[2:]]
got = [float(r[12]) for r in rows if r[2] == "image" and r[3] in ("3000", "300", "240")]
ok = len(got) == len(want) and all(abs(g - w) <= 2 for g, w in zip(got, want))
print(("ok" if ok else "FAIL") + f": {label}: x-ppi {got}, expected {want}")
sys.exit(0 if ok else 1)
PY
}
check "$WORK/out/natural.pdf" "300 150 $(python3 -c "print(3000 / $colw_in)")" natural
check "$WORK/outc/natural.pdf" "$(python3 -c "print(300 / $colw_in, 240 / $colw_in, 3000 / $colw_in)")" column
exit $fail
