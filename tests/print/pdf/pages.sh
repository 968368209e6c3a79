#!/bin/bash
# pages: pagination and layout checked box by box on `quire dump --pages`, against
# positions worked out by hand from the style (fixtures/pages/styles/grid.yaml):
#
#   page 400 x 600 pt; margins top 50, bottom 64, inner 40, outer 60
#   text block 300 pt wide, 486 pt high: 40 body lines of 12 pt (10 pt x 1.2), not 41
#   h1 24 pt high (20 pt x 1.2) and 12 pt after; h2 12 pt high; a note line 12 pt (8 pt x 1.5)
#   page 1 the cover, page 2 the contents (a left-hand page: x 60), page 3 the first
#   body page (right-hand: the inner margin on the left, x 40), page 4 left-hand again
#   grid2.yaml: two columns of 140 pt ((300 - 20 gap) / 2): the second at 40 + 140 + 20 = 200
#
# In the expectations `*` is any number (the width of ragged text depends on the font)
# and "*" any text. Usage: pages.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
FX=$SRC/tests/print/pdf/fixtures/pages
MATCH="python3 $SRC/tests/print/pdf/pages_match.py"
rm -rf "$WORK" && mkdir -p "$WORK"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
. "$SRC/tests/lib.sh"

TOP=50 LEAD=12 RECTO=40 VERSO=60

# line COL X Y H TEXT [W]: one expected line box
num() { if [ "$1" = "*" ]; then echo "*"; else printf '%.2f' "$1"; fi; }
line() { echo "  line col $1 x $(num "$2") y $(num "$3") w $(num "${6:-*}") h $(num "$4") \"$5\""; }
# run COL X FIRST LAST [PREFIX]: the lines PREFIXnn, FIRST to LAST, from the top of the column
run() {
    local i y=$TOP
    for ((i = $3; i <= $4; i++)); do line "$1" "$2" "$y" $LEAD "$(printf '%s%02d' "${5:-L}" "$i")"; y=$((y + LEAD)); done
}
# entry TEXT PAGE: a contents entry (placed by the contents style) and its page number
entry() { line 0 "*" "*" "*" "$1"; echo "  number col 0 x * y * w * h * \"$2\""; }
front() { # the cover and the contents page, its title at the top of a left-hand page
    echo "page 1 folio i cover"
    echo "page 2 folio ii contents"
    line 0 $VERSO $TOP 24 Contents
}
# check_pages NAME BOOK STYLE: dump BOOK with STYLE and compare with the expectation in $WORK/want
check_pages() {
    mv "$WORK/want" "$WORK/$1.want"
    if ! "$BIN" dump --pages --style "$FX/styles/$3.yaml" "$FX/$2" >"$WORK/$1.got" 2>"$WORK/$1.err"; then
        fail "$1: quire dump --pages failed"; cat "$WORK/$1.err"; return
    fi
    if $MATCH "$WORK/$1.want" "$WORK/$1.got"; then pass; else fail "$1"; fi
}

# Margins and leading: lines at the inner margin, 12 pt apart from the top margin;
# justified lines exactly as wide as the text block, the last one ragged.
{
    front
    echo "page 3 folio 1 chapter 0"
    line 0 $RECTO 50 $LEAD "*" 300.00
    line 0 $RECTO 62 $LEAD "*" 300.00
    line 0 $RECTO 74 $LEAD "*"
    line 0 $RECTO 86 $LEAD "Short."
} >"$WORK/want"; check_pages geometry geometry grid

# Widows: 41 lines where 40 fit; one line alone at the top of page 4 is a widow, so
# two go over: 39 on page 3, then 2 on the left-hand page 4 under the running head.
{
    front
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 39
    echo "page 4 folio 2 chapter 0"
    echo '  head "Grid widows"'
    run 0 $VERSO 40 41
} >"$WORK/want"; check_pages widows widows grid

# Orphans: after 39 lines one line is left; the next paragraph's first line alone
# there would be an orphan, so all 5 of its lines start page 4.
{
    front
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 39
    echo "page 4 folio 2 chapter 0"
    echo '  head "Grid orphans"'
    run 0 $VERSO 40 44
} >"$WORK/want"; check_pages orphans orphans grid

# A forced break (`\`) ends a run of lines as a paragraph ends: 37 lines, then a text of
# 4 lines ending in `\`, then 4 more. Filling page 3 would leave the text's last line
# alone at the top of page 4 (a widow); so 2 of its lines end page 3, 2 start page 4.
{
    front
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 37
    line 0 $RECTO 494 $LEAD "*" 300.00
    line 0 $RECTO 506 $LEAD "*" 300.00
    echo "page 4 folio 2 chapter 0"
    echo '  head "Grid forced"'
    line 0 $VERSO 50 $LEAD "*" 300.00
    line 0 $VERSO 62 $LEAD "*"
    y=74; for i in 42 43 44 45; do line 0 $VERSO $y $LEAD "L$i"; y=$((y + LEAD)); done
} >"$WORK/want"; check_pages forced forced grid

# And the first line of a text after a forced break is an orphan alone at the foot: 39
# lines, a text of 3 lines; its first line would fit on page 3, all 3 go to page 4.
{
    front
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 39
    echo "page 4 folio 2 chapter 0"
    echo '  head "Grid forced orphan"'
    line 0 $VERSO 50 $LEAD "*" 300.00
    line 0 $VERSO 62 $LEAD "*" 300.00
    line 0 $VERSO 74 $LEAD "*"
    y=86; for i in 43 44 45; do line 0 $VERSO $y $LEAD "L$i"; y=$((y + LEAD)); done
} >"$WORK/want"; check_pages forced-orphan forced2 grid

# A heading keeps with its text: after 38 lines the heading and one line would fit,
# not the two lines (orphans) it must keep with; it moves to page 4 with them.
{
    echo "page 1 folio i cover"
    echo "page 2 folio ii contents"
    line 0 $VERSO $TOP 24 Contents
    entry Heading 2
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 38
    echo "page 4 folio 2 chapter 0"
    echo '  head "Grid keep"'
    line 0 $VERSO 50 $LEAD Heading
    line 0 $VERSO 62 $LEAD M01
    line 0 $VERSO 74 $LEAD M02
} >"$WORK/want"; check_pages keep keep grid

# A footnote at the foot of the page that cites it: its one line ends at the bottom
# of the text block, 600 - 64 = 536, so it starts at 524. Its number hangs at the
# column's edge and the text is indented by the widest number (a zero of the 8 pt
# face, 4.5 pt) and half an em (4 pt).
{
    front
    echo "page 3 folio 1 chapter 0"
    line 0 $RECTO 50 $LEAD "Text with a note.1"
    echo '  label col 0 x 40.00 y 524.00 w * h 12.00 "1"'
    echo '  note col 0 x 48.50 y 524.00 w * h 12.00 "The note."'
} >"$WORK/want"; check_pages notes notes grid

# Chapters that open a page (h1 page-break-before): no running head there; the
# title at the top margin, the text 24 + 12 pt below it; the second chapter on page 4.
{
    echo "page 1 folio i cover"
    echo "page 2 folio ii contents"
    line 0 $VERSO $TOP 24 Contents
    entry One 1
    entry Two 2
    echo "page 3 folio 1 chapter 0 opens"
    line 0 $RECTO 50 24 One
    line 0 $RECTO 86 $LEAD First.
    echo "page 4 folio 2 chapter 1 opens"
    line 0 $VERSO 50 24 Two
    line 0 $VERSO 86 $LEAD Second.
} >"$WORK/want"; check_pages openers openers grid

# Two columns, balanced on the last page: 41 lines give 21 in the first column and
# 20 in the second, which starts at x 200.
{
    front
    echo "page 3 folio 1 chapter 0"
    run 0 $RECTO 1 21
    run 1 200 22 41
} >"$WORK/want"; check_pages columns widows grid2

# The sample book, box by box, against tests/print/pdf/golden/io-pages.txt. The stored
# dump is checked against the PDF itself (pdftotext -bbox-layout: every line's words,
# page, x and height), so it says what the PDF shows; and a one-word change in the
# book must make it differ. After an intended change of the book or the layout:
#   QUIRE_DATA_DIR=. quire dump --pages book > tests/print/pdf/golden/io-pages.txt
# and read the diff.
GOLD=$SRC/tests/print/pdf/golden/io-pages.txt
if "$BIN" dump --pages "$SRC/book" >"$WORK/io.txt" && "$BIN" build "$SRC/book" -o "$WORK/io" --pdf -q; then
    if diff -u "$GOLD" "$WORK/io.txt" >"$WORK/io.diff"; then pass; else
        fail "io: the pages differ from $GOLD:"; head -40 "$WORK/io.diff"; fi
    if python3 "$SRC/tests/print/pdf/pages_vs_pdf.py" "$GOLD" "$WORK/io/io.pdf" >"$WORK/io.vs"; then pass; else
        fail "io: the stored pages are not what the PDF shows:"; tail -20 "$WORK/io.vs"; fi
else
    fail "io: quire dump --pages or build failed"
fi
# One word of the first chapter changed ("minimally" to "maximally", as long): the
# layout test must see it.
cp -r "$SRC/book" "$WORK/io1"
sed -i '0,/minimally/s//maximally/' "$WORK/io1/chapters/01-about-io.md"
if ! cmp -s "$SRC/book/chapters/01-about-io.md" "$WORK/io1/chapters/01-about-io.md" &&
    "$BIN" dump --pages "$WORK/io1" >"$WORK/io1.txt" && ! diff -q "$GOLD" "$WORK/io1.txt" >/dev/null; then
    pass
else
    fail "io: a one-word change went unseen"
fi

finish
