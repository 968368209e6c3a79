#!/bin/bash
# png_kinds: every kind of PNG (palette of 1 to 8 bits, grey of 1 to 16 bits, RGB, grey and RGB
# with alpha, colour keys, partial palette alpha, interlaced) shows in the PDF exactly the pixels
# Pillow decodes from the file (png_kinds.py, through pikepdf), and is carried as expected: a PNG
# that is not interlaced and has no alpha beyond one transparent colour or one run of palette
# entries as its own IDAT data ("own"), any other decoded once, its alpha a soft mask.
# Usage: png_kinds.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
PY=/usr/bin/python3   # Debian's, where python3-pikepdf and python3-pil are installed
"$PY" -c 'import pikepdf, PIL' 2>/dev/null || { echo "python3-pikepdf is not installed (bash .ci/deps.sh --test)"; exit 77; }
. "$SRC/tests/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
BOOK=$SRC/tests/print/pdf/fixtures/pngs
"$BIN" build "$BOOK" -o "$WORK/a" --pdf -q || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
PDF=$WORK/a/pngs.pdf
check_sh "qpdf --check" 'qpdf --check "$PDF" >/dev/null 2>&1'
"$PY" "$SRC/tests/print/pdf/png_kinds.py" "$PDF" "$BOOK/images" > "$WORK/kinds.txt"
kinds_rc=$?
check_sh "every PNG shows its own pixels" '[ "$kinds_rc" -eq 0 ]'
cat "$WORK/kinds.txt"
# How each kind is carried (by hand, from the PNG and PDF specifications).
while read -r name how; do
  check_sh "$name carried as '$how'" 'grep -qx "$name ok $how " "$WORK/kinds.txt"'
done <<'KINDS'
palette8 own
palette4 own
palette2 own
palette1 own
palette-key own key
palette-two-clear decoded soft
palette-alpha decoded soft
palette8-interlaced decoded
grey1 own
grey2 own
grey4 own
grey8 own
grey16 own
grey2-key own key
grey8-key own key
grey16-key own key
grey4-interlaced-key decoded soft
rgb16 own
rgb8-key own key
rgb8-interlaced decoded
grey-alpha8 decoded soft
rgba8 decoded soft
rgba16 decoded soft
rgba8-interlaced decoded soft
rgba8-opaque decoded
animation own key
KINDS
check_sh "every fixture listed" '[ "$(wc -l < "$WORK/kinds.txt")" -eq 26 ]'
# The GIF's first frame is an indexed PNG in the EPUB too, of the same pixels.
"$BIN" build "$BOOK" -o "$WORK/e" --epub -q && unzip -qo "$WORK/e/pngs.epub" -d "$WORK/e/x"
check_sh "the GIF an indexed PNG of its first frame in the EPUB" '"$PY" - "$WORK/e/x" "$BOOK/images/animation.gif" <<"PY"
import glob, sys
from PIL import Image, ImageChops
gif = Image.open(sys.argv[2]).convert("RGBA")
for f in glob.glob(sys.argv[1] + "/**/*.png", recursive=True):
    im = Image.open(f)
    if im.size == gif.size:
        a, b = im.convert("RGBA"), gif
        same = all(p == q or (p[3] == 0 and q[3] == 0) for p, q in zip(a.getdata(), b.getdata()))
        sys.exit(0 if im.mode == "P" and same else 1)
sys.exit(1)
PY'

# poppler and MuPDF draw every image without a word
check_sh "pdftoppm draws it silently" '[ -z "$(pdftoppm -r 30 -png "$PDF" "$WORK/p" 2>&1)" ]'
if command -v mutool >/dev/null; then
  check_sh "mutool draws it silently" '[ -z "$(mutool draw -q -r 30 -o "$WORK/m%d.png" "$PDF" 2>&1 | grep -v "ICC support is not available")" ]'
fi
"$BIN" build "$BOOK" -o "$WORK/b" --pdf -q
check_sh "reproducible" 'cmp -s "$PDF" "$WORK/b/pngs.pdf"'
check_sh "objects sound" 'qpdf --json=2 --json-key=qpdf "$PDF" | python3 "$SRC/tests/print/finish/objects.py" >/dev/null'
finish
