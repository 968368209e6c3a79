#!/usr/bin/env bash
# Hostile input, fourth round: the paragraph engine, the code setter and the table and
# list layout. Each case builds, whole (every letter of its text in the PDF), within a
# bound far above what it needs (a tenth of a second to seconds) and far below what it
# took when work grew with the square of something.
#   bash tests/robust/paragraphs.sh QUIRE_BIN SOURCE_DIR WORK_DIR
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/lib.sh"

# chapter BOOK PYTHON-EXPRESSION: BOOK's second chapter is "# More\n\n" and the value.
chapter() {
  new_book "$1"
  python3 -c "import sys; sys.stdout.write('# More\n\n' + ($2))" >"$1/chapters/02-more.md"
}

# bounded BOOK: builds BOOK into out-BOOK, stopped after 100 s.
bounded() {
  OUT="$WORK/last.out" ERR="$WORK/last.err"
  timeout -k 5 100 "$QUIRE" build "$1" -o "out-$1" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# built CASE BOOK: exit 0 and every letter of the book's text in its PDF.
built() {
  local name="$1" book="$2"
  if [ "$RC" -ne 0 ]; then
    fail "$name: exit $RC"
    sed 's/^/    /' "$ERR" | head -n 10 >&2
    return
  fi
  pass
  "$QUIRE" dump "$book" >"$WORK/dump.json" 2>/dev/null
  pdftotext "out-$book/tiny.pdf" "$WORK/pdf.txt"
  check "$name: a letter of the text is missing from the PDF" python3 "$SRC/tests/robust/letters.py" "$WORK/dump.json" "$WORK/pdf.txt"
}

## a code block of 100,000 tabs (400,000 spaces on one line, 5,000 wrapped lines): each
## line drawn asked whether the whole paragraph showed nothing, scanning it from its start
## (more than 3 minutes; 20,000 tabs took 4 s)

chapter tabs "'\`\`\`\n' + '\t' * 100000 + 'x\n\`\`\`\n\nAfter the code.\n'"
bounded tabs
built "a code line of 100,000 tabs (at most 100 s)" tabs

## a 50,000-letter word in one cell of a two-column table: the columns shared the measure
## by their longest words, so the other column got 0.0 pt and the build stopped ("too
## narrow for one character"); the long word now breaks between characters

# (the short word first: the letters are compared in reading order)
chapter cellword "'| a | b |\n|---|---|\n| yonder | ' + 'x' * 50000 + ' |\n'"
bounded cellword
built "a 50,000-letter word in a table cell" cellword
check "50,000-letter word in a cell: one warning for the table: $(head -c 300 "$ERR")" \
  grep -q "^cellword/chapters/02-more.md:3:1: warning: a table too wide for the measure (2 columns, set at 75 % of its size): 1 of its cells break a word between characters" "$ERR"
check "50,000-letter word in a cell: the other cell's word is whole" grep -qw 'yonder' "$WORK/pdf.txt"

## right-to-left embeddings after spaces, over several lines: the embedding character had
## joined the space's cluster, so a line starting at it had text with no glyph, which
## cairo refuses (the PDF failed: "input clusters do not represent the accompanying text")

chapter bidi "'English \u202bעברית\u202c ' * 40 + '\n\nIsolates \u2067ltr\u2069 \u2066x\u200f\u200e ' * 30 + '\n'"
bounded bidi
built "bidi embeddings across lines" bidi
check "bidi embeddings: no error" no_match 'error' "$ERR"

## 50,000 items of an ordered list: each item's number was found by counting the items
## before it (more than 3 minutes); and numbers from 1000 on were cut to their first three
## characters ("1000." printed "100": the label wrapped in its box, one line drawn)

chapter olist "''.join('%d. item\n' % (i + 1) for i in range(50000))"
bounded olist
built "50,000 ordered list items (at most 100 s)" olist
numbers=$(grep -cE '^[0-9]+\. item$' "$WORK/pdf.txt")
check "50,000 ordered items: $numbers lines 'N. item', want 50000" [ "$numbers" -eq 50000 ]
for n in 999 1000 10000 50000; do
  check "50,000 ordered items: item $n numbered whole" grep -q "^$n\. item$" "$WORK/pdf.txt"
done

## footnotes the PDF never set, their text missing with no message: a line took at most
## 16 new notes, a table row none, and a note cited only inside another note none

chapter notes "'Twenty' + ''.join('[^%d]' % i for i in range(20)) + ' on one line.\n\n| cell[^c1] | b |\n|---|---|\n| row[^c2] | d |\n\nSelf[^a].\n\n' + ''.join('[^%d]: zork %d.\n\n' % (i, i) for i in range(20)) + '[^c1]: zork in a header cell.\n\n[^c2]: zork in a cell.\n\n[^a]: zork cites itself [^a] and [^b].\n\n[^b]: zork cited only in a note, citing [^c].\n\n[^c]: zork two notes deep.\n'"
bounded notes
built "footnotes: twenty on a line, in table cells, cited in notes" notes
zorks=$(grep -c zork "$WORK/pdf.txt")
check "footnotes: $zorks of the 25 notes in the PDF" [ "$zorks" -eq 25 ]
for t in 'zork 19.' 'zork in a cell.' 'zork cited only in a note' 'zork two notes deep.'; do
  check "footnotes: '$t' is in the PDF" grep -qF "$t" "$WORK/pdf.txt"
done

finish
