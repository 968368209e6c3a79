#!/bin/bash
# preview: `quire preview` writes page-NNN.png for every page and removes the page
# files of an earlier, longer preview (only names of its own pattern), leaving no
# temporary file. Usage: preview.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/pv"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
. "$SRC/tests/lib.sh"
# What a longer book left, and files that are not the preview's.
for n in 001 002 040 099 0003 1000; do echo stale >"$WORK/pv/page-$n.png"; done
echo keep >"$WORK/pv/notes.txt"
echo keep >"$WORK/pv/page-7.png"
echo keep >"$WORK/pv/page-abc.png"
echo keep >"$WORK/pv/my-page-050.png"
mkdir "$WORK/pv/page-500.png"
"$BIN" preview "$SRC/book" -o "$WORK/pv" -q
check "preview exit 0" [ $? -eq 0 ]
"$BIN" build "$SRC/book" -o "$WORK/pdf" --pdf -q
PAGES=$(pdfinfo "$WORK/pdf/io.pdf" | sed -n 's/^Pages: *//p')
want=$(for ((i = 1; i <= PAGES; i++)); do printf 'page-%03d.png\n' "$i"; done)
got=$(cd "$WORK/pv" && ls -d page-[0-9][0-9][0-9]*.png | grep -v '^page-500.png$')
check "exactly the pages written ($(echo $got))" [ "$got" = "$want" ]
for f in "$WORK"/pv/page-*.png; do
    [ -d "$f" ] && continue
    case $(basename "$f") in page-7.png | page-abc.png) continue ;; esac
    check "$f is a PNG" bash -c "head -c 8 '$f' | od -An -c | grep -q 'P   N   G'"
done
for f in notes.txt page-7.png page-abc.png my-page-050.png; do check "$f left alone" [ "$(cat "$WORK/pv/$f")" = keep ]; done
check "a folder of the pattern left alone" [ -d "$WORK/pv/page-500.png" ]
check "contact sheet" [ -s "$WORK/pv/contact-sheet.png" ]
check "no temporary file" [ -z "$(ls -A "$WORK/pv" | grep '^\.')" ]
# A shorter book afterwards: its pages only.
"$BIN" preview "$SRC/tests/print/pdf/fixtures/columns" -o "$WORK/pv" -q
got=$(cd "$WORK/pv" && ls -d page-[0-9][0-9][0-9]*.png | grep -v '^page-500.png$' | wc -l)
check "a shorter book leaves 4 pages (got $got)" [ "$got" = 4 ]
finish
