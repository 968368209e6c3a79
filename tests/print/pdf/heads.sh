#!/bin/bash
# heads: the running heads follow the reader. A generated benchmark book is built as it
# is (one chapter per file) and as one Markdown file holding every chapter; on every body
# page the head is the book title, the h1 in effect at the page top or one opening on the
# page, and a page that opens with a chapter title has none (heads.py reads the PDF with
# pdftotext and the h1s from the Markdown). Usage: heads.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
fail=0
python3 "$SRC/tests/bench/genbook.py" --out "$WORK/gen" --pages 40 >/dev/null || { echo "FAIL: genbook"; exit 1; }
multi=$(dirname "$(ls "$WORK"/gen/*/book.yaml | head -1)")
title=$(sed -n 's/^title: *"\(.*\)"$/\1/p' "$multi/book.yaml")
one=$WORK/one
mkdir -p "$one/chapters" && cp -r "$multi/images" "$one/"
cat "$multi"/chapters/*.md > "$one/chapters/all.md"
sed '/^chapters:/,$d' "$multi/book.yaml" > "$one/book.yaml"
printf 'chapters:\n  - chapters/all.md\n' >> "$one/book.yaml"
[ "$(grep -c '^# ' "$one/chapters/all.md")" -ge 3 ] || { echo "FAIL: the one-file book has fewer than 3 chapters"; exit 1; }
for b in "$multi" "$one"; do
    name=$(basename "$b")
    if ! "$BIN" build "$b" -o "$WORK/out-$name" --pdf -q; then echo "FAIL: $name: build"; fail=$((fail + 1)); continue; fi
    if [ "$b" = "$one" ]; then srcs=("$one/chapters/all.md"); else srcs=("$multi"/chapters/*.md); fi
    python3 "$SRC/tests/print/pdf/heads.py" "$WORK/out-$name"/*.pdf "$title" "${srcs[@]}" || { echo "FAIL: $name: running heads"; fail=$((fail + 1)); }
done
[ $fail -eq 0 ] && echo "heads: all passed"
exit $fail
