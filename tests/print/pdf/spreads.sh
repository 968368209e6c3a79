#!/bin/bash
# spreads: facing pages end on the same baseline except where a chapter ends. A 30-page book
# is generated from the sample book's chapters (tests/bench/genbook.py: headings, lists, pull
# quotes, tables, notes, a figure), built in the brochure and the book style, and every
# spread measured from the PDF (the lowest baseline of each page, as mutool reads it) with
# tests/bench/spreads.py. At least 85 % of the spreads without a chapter end must end together
# (before pages were stretched to a baseline: 1 of 9 in the brochure style). A spread may still
# differ where no break is free of a widow or orphan and the gaps cannot stretch further.
# Usage: spreads.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
command -v mutool >/dev/null || { echo "SKIP: no mutool (mupdf-tools)"; exit 77; }
python3 "$SRC/tests/bench/genbook.py" --src "$SRC/book" --out "$WORK" --pages 30 >/dev/null || { echo "FAIL: genbook"; exit 1; }
BOOK=$WORK/30p
fail=0
# check STYLE BOTTOM_MARGIN_PT
check() {
    local out=$WORK/$1
    if ! "$BIN" build "$BOOK" -o "$out" --pdf --style "$SRC/styles/$1.yaml" >/dev/null 2>"$WORK/$1.err" ||
        ! "$BIN" dump --pages --style "$SRC/styles/$1.yaml" "$BOOK" >"$WORK/$1.pages" 2>>"$WORK/$1.err"; then
        echo "FAIL: $1: quire failed"; cat "$WORK/$1.err"; fail=1; return
    fi
    if python3 "$SRC/tests/bench/spreads.py" "$WORK/$1.pages" --pdf "$out/io-30p.pdf" --bottom "$2" --require 0.85 >"$WORK/$1.txt"; then
        echo "ok: $1: $(head -1 "$WORK/$1.txt")"
    else
        echo "FAIL: $1:"; cat "$WORK/$1.txt"; fail=1
    fi
}
check brochure 68.03   # margin-bottom 24mm
check book 57.6        # margin-bottom 0.8in
exit $fail
