#!/bin/bash
# png_passthrough: a PNG figure (8-bit RGB) reaches the PDF as the PNG's own compressed
# data (FlateDecode, PNG predictors) and shows exactly the PNG's pixels: qpdf's decoding of
# the image object against png_rows.py's of the file. Usage: png_passthrough.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
BOOK=$SRC/tests/ebook/epub/fixtures/mixed
"$BIN" build "$BOOK" -o "$WORK/a" --pdf -q || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
PDF=$WORK/a/mixed.pdf
check_sh "qpdf --check" 'qpdf --check "$PDF" >/dev/null 2>&1'
# Every image object: its size, filter and predictor, and the SHA-256 of its decoded pixels.
qpdf --json=2 --json-key=qpdf "$PDF" | python3 -c '
import json, sys
for key, o in json.load(sys.stdin)["qpdf"][1].items():
    d = o.get("stream", {}).get("dict", {})
    if d.get("/Subtype") == "/Image":
        p = d.get("/DecodeParms", {})
        print(key.split(":")[1].split()[0], d.get("/Width"), d.get("/Height"), d.get("/Filter"), p.get("/Predictor"), p.get("/Colors"))
' > "$WORK/images.txt"
check_sh "images found" '[ -s "$WORK/images.txt" ]'
while read -r id w h filter pred colors; do
  qpdf --show-object="$id" --filtered-stream-data "$PDF" > "$WORK/img-$id.raw" 2>/dev/null
  echo "${w}x${h} $(sha256sum < "$WORK/img-$id.raw" | cut -d' ' -f1) $filter $pred" >> "$WORK/shown.txt"
done < "$WORK/images.txt"
for png in "$BOOK/images/cover.png" "$BOOK/images/chart.png"; do
  want=$(python3 "$SRC/tests/print/pdf/png_rows.py" "$png")
  check_sh "$(basename "$png") shown as its own pixels, from its own data" \
    'grep -qx "$want /FlateDecode 15" "$WORK/shown.txt"'
done
"$BIN" build "$BOOK" -o "$WORK/b" --pdf -q
check_sh "reproducible" 'cmp -s "$PDF" "$WORK/b/mixed.pdf"'
check_sh "objects sound" 'qpdf --json=2 --json-key=qpdf "$PDF" | python3 "$SRC/tests/print/finish/objects.py" >/dev/null'
finish
