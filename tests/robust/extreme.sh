#!/usr/bin/env bash
# Hostile input, third round: Markdown whose size is ordinary but whose shape makes work
# grow with the square of something, or made the layout read freed memory. Each case
# either builds, whole (every letter of its text in the PDF), into files of a size that
# follows the text, or ends in an error at its place with the old artifacts kept.
#   bash tests/robust/extreme.sh QUIRE_BIN SOURCE_DIR WORK_DIR
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/lib.sh"

keep_good_build

# chapter BOOK PYTHON-EXPRESSION: BOOK's second chapter is "# More\n\n" and the value.
chapter() {
  new_book "$1"
  python3 -c "import sys; sys.stdout.write('# More\n\n' + ($2))" >"$1/chapters/02-more.md"
}

# unpacked_kb PDF: the size of the PDF with every stream and object stream unpacked.
unpacked_kb() {
  qpdf --qdf --object-streams=disable "$1" "$WORK/unpacked.pdf" 2>/dev/null
  echo $(($(stat -c %s "$WORK/unpacked.pdf") / 1024))
}

## a heading of 100 KB: it is in the contents, on 1,600 lines, each a link to it. The
## layout kept a pointer into its list of lines across the pushes that moved the list
## (a use after free: the heading's destination and contents entry were written into
## freed memory). Each line's link repeated the whole id and text: 167 MB unpacked.

chapter longhead "'## ' + 'heading ' * 12800 + '\n\nText under it.\n'"
run_quire build longhead -o out-longhead
built "a heading of 100 KB" longhead out-longhead
outline() { # the PDF's outline entries, the first 20 characters of each, one a line
  /usr/bin/python3 - "$1" <<'PY'
import pikepdf, sys
with pikepdf.open(sys.argv[1]) as pdf, pdf.open_outline() as o:
    def walk(items):
        for i in items:
            print(i.title[:20])
            walk(i.children)
    walk(o.root)
PY
}
check "100 KB heading: the outline lists it: $(outline out-longhead/tiny.pdf | tr '\n' '|')" \
  [ "$(outline out-longhead/tiny.pdf | tr '\n' '|')" = "Starting Out|More|heading heading head|" ]
check "100 KB heading: the contents list it" bash -c "pdftotext -f 3 -l 3 out-longhead/tiny.pdf - | grep -q '^heading heading'"
size=$(unpacked_kb out-longhead/tiny.pdf)
check "100 KB heading: the PDF unpacked is $size KB, want under 20 MB (a link's id and text once a line, not whole)" \
  [ "$size" -lt 20000 ]

## a table cell holding a chapter: measuring it unwrapped kept every break active (the
## cell's 100,000 words took 2 minutes); a 1 MB autolink repeated its address in the
## annotation of every one of its 13,000 lines (it ran for more than 5 minutes)

# (the small cell first: the letters are compared in reading order)
chapter bigcell "'| b | a |\n|---|---|\n| x | ' + 'lorem ipsum dolor sit amet ' * 20000 + ' |\n'"
OUT="$WORK/last.out" ERR="$WORK/last.err"
timeout -k 5 100 "$QUIRE" build bigcell -o out-bigcell >"$OUT" 2>"$ERR" </dev/null
RC=$?
built "a table cell of 540 KB (at most 100 s; it took 113 s on the idle machine and minutes under ASan)" bigcell out-bigcell

chapter biglink "'See <https://example.org/' + 'u' * (1 << 20) + '> and [a named one](https://example.org/' + 'v' * 40000 + ').\n\nA [short link](https://example.org/ok).\n'"
timeout -k 5 100 "$QUIRE" build biglink -o out-biglink >"$OUT" 2>"$ERR" </dev/null
RC=$?
built "a link address of 1 MB" biglink out-biglink
check "1 MB address: a warning at the link: $(head -c 200 "$ERR")" \
  grep -q "^biglink/chapters/02-more.md:3:5: warning: link address is 1048596 bytes long, more than 32768; its text is set as plain text" "$ERR"
check "40,000-byte address: a warning at the link" \
  grep -q "^biglink/chapters/02-more.md:3:[0-9]*: warning: link address is 40020 bytes long, more than 32768" "$ERR"
check "1 MB address: the short link is still a link" \
  bash -c "pdftotext -raw out-biglink/tiny.pdf - >/dev/null && unzip -p out-biglink/tiny.epub EPUB/text/ch02.xhtml | grep -q 'href=\"https://example.org/ok\"'"
check "1 MB address: the long ones are no links in the EPUB" \
  no_match -E 'href="https://example.org/(u|v)' <(unzip -p out-biglink/tiny.epub EPUB/text/ch02.xhtml)
size=$(unpacked_kb out-biglink/tiny.pdf)
check "1 MB address: the PDF unpacked is $size KB, want under 20 MB" [ "$size" -lt 20000 ]

## combining marks: HarfBuzz takes time that grows with the square of a run of marks on
## one character (100,000 took 80 s); more than 200 is refused wherever they come from

chapter marks "'a' + '\u0301' * 100000 + ' b\n'"
run_quire build marks -o out
refused "100,000 combining marks on one letter" 1 "marks/chapters/02-more.md:3:1: error: more than 200 combining marks in a row on one character"

chapter markrefs "'Text a' + '&#x301;' * 20000 + ' b\n'"
run_quire build markrefs -o out
refused "20,000 combining marks as character references" 1 "markrefs/chapters/02-more.md:3:1: error: more than 200 combining marks in a row"

chapter marksplit "'a' + ('\u0301' * 150 + '<!-- -->') * 3 + ' b\n'"
run_quire build marksplit -o out
refused "450 combining marks split by comments" 1 "marksplit/chapters/02-more.md:3:1: error: more than 200 combining marks in a row"

chapter marknote "'A note.[^1]\n\n[^1]: a' + '\u0301' * 5000 + '\n'"
run_quire build marknote -o out
refused "5,000 combining marks in a footnote" 1 "marknote/chapters/02-more.md:5:7: error: more than 200 combining marks in a row"

chapter marks200 "'a' + '\u0301' * 200 + ' b ' + 'e\u0301\u0302 ' * 100 + 'Ti\u1ebfng Vi\u1ec7t.\n'"
run_quire build marks200 -o out-marks200
built "200 combining marks on one letter, and Vietnamese" marks200 out-marks200

## a PNG chunk stating 2 GB in a 44-byte file: libpng allocated what it stated (2.1 GB)
## before finding the file cut off

new_book chunk
python3 - chunk/images/pixel.png <<'PY'
import struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                              + struct.pack(">I", 0x7FFFFFFF) + b"tEXtabc")
PY
/usr/bin/time -v -o "$WORK/time.txt" timeout -k 10 100 "$QUIRE" build chunk -o out >"$WORK/last.out" 2>"$WORK/last.err" </dev/null
RC=$? OUT="$WORK/last.out" ERR="$WORK/last.err"
refused "a PNG chunk stating 2 GB" 1 "chunk/chapters/02-more.md:7:1: error: image 'images/pixel.png' is a damaged PNG image \(a chunk runs past the end of the file \(truncated\?\)\)"
kb=$(awk '/Maximum resident set size/ { print $NF }' "$WORK/time.txt")
check "a PNG chunk stating 2 GB: peak memory $kb KB, want under 500 MB" [ "${kb:-9999999}" -lt 500000 ]

## SVG text at a font size no font can be made at: librsvg 2.54 aborted the process
## ("assertion failed: h >= 0.0", exit 134), in an attribute, a style or a <style>

svgfont() { # svgfont CASE SVG-BODY [OUTDIR]: the book's dot.svg with that body, built into OUTDIR (out)
  new_book "$1"
  printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">%s</svg>\n' "$2" >"$1/images/dot.svg"
  run_quire build "$1" -o "${3:-out}"
}
svgfont svgfont1 '<text font-size="1e7">xy</text>'
refused "SVG font-size=\"1e7\"" 1 "svgfont1/chapters/01-start.md:5:1: error: image 'images/dot.svg' asks for a font size past what can be drawn \(line 1; at most 10000 units, or 100 em\)"
svgfont svgfont2 '<style>.a { font: bold 1e9px/2 serif }</style><text class="a">xy</text>'
refused "SVG <style> font: 1e9px" 1 "svgfont2/chapters/01-start.md:5:1: error: image 'images/dot.svg' asks for a font size"
svgfont svgfont3 '<g style="fill: red; FONT-SIZE : 1e8%"><text>xy</text></g>'
refused "SVG style font-size: 1e8%" 1 "svgfont3/chapters/01-start.md:5:1: error: image 'images/dot.svg' asks for a font size"
svgfont svgfont4 '<style>.a { font: 900 12px/1.5 "Font 2000", serif; font-size: 2em }</style><text class="a" font-size="240" style="font-family: f100000x">xy</text>' out-svgfont4
check "SVG with ordinary font sizes, weights and names with digits builds: $(head -c 200 "$ERR")" [ "$RC" -eq 0 ]

## a <use> bomb: ten groups each using the one before ten times (10^9 elements); librsvg
## gave up after 36 s, and the PDF failed with a cairo error naming no place

bomb='<rect id="l0" width="1" height="1"/>'
for i in 1 2 3 4 5 6 7 8 9; do
  bomb="$bomb<g id=\"l$i\">$(for k in 1 2 3 4 5 6 7 8 9 10; do printf '<use href="#l%d"/>' $((i - 1)); done)</g>"
done
svgfont svguse "$bomb<use href=\"#l9\"/>"
refused "an SVG <use> bomb" 1 "svguse/chapters/01-start.md:5:1: error: image 'images/dot.svg' draws more than 1000000 elements through its <use> references"
svgfont svgusecycle '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/><rect width="5" height="5"/></g><use href="#a"/>' out-svgusecycle
check "an SVG <use> cycle builds: $(head -c 200 "$ERR")" [ "$RC" -eq 0 ]

## a "billion laughs" SVG: libxml2 stops at the entity loop; the message is one line

new_book laughs
python3 - laughs/images/dot.svg <<'PY'
import sys
ents = '<!ENTITY a "aaaaaaaaaa">\n' + "".join('<!ENTITY %s "%s">\n' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9))
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE svg [\n' + ents + ']>\n'
                             '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&j;</text></svg>\n')
PY
run_quire build laughs -o out
refused "an SVG of nested entities (billion laughs)" 1 "laughs/chapters/01-start.md:5:1: error: image 'images/dot.svg' is not a valid SVG image \(XML parse error: .*Detected an entity reference loop\)$"

## a title of 1 MB: set on the title page and in every running head (63 s, 600 MB)

new_book bigtitle
python3 -c "import sys; sys.stdout.write(open('bigtitle/book.yaml').read().replace('title: A Tiny Book', 'title: ' + 'T' * (1 << 20)))" >bigtitle/book.new
mv bigtitle/book.new bigtitle/book.yaml
run_quire build bigtitle -o out
refused "a title of 1 MB" 1 "bigtitle/book.yaml:3:8: error: 'title' must be at most 1000 bytes, not 1048576"

## an mdBook chapter including a file ten times that includes the next ten times, 8 deep:
## 10^8 includes, stopped only by the 64 MiB limit after 6 minutes and 740 MB

mkdir -p incbomb/src
printf '[book]\ntitle = "Bomb"\n' >incbomb/book.toml
printf '# Summary\n\n- [A](a.md)\n' >incbomb/src/SUMMARY.md
python3 - incbomb/src <<'PY'
import sys
d, names = sys.argv[1], "abcdefgh"
open(d + "/a.md", "w").write("# A\n\n" + "{{#include b.md}}\n" * 10)
for i, x in enumerate(names[1:], 1):
    nxt = names[i + 1] if i + 1 < len(names) else "z"
    open("%s/%s.md" % (d, x), "w").write("{{#include %s.md}}\n" % nxt * 10)
open(d + "/z.md", "w").write("leaf text\n")
PY
OUT="$WORK/last.out" ERR="$WORK/last.err"
timeout -k 5 100 "$QUIRE" build incbomb -o out-incbomb >"$OUT" 2>"$ERR" </dev/null
RC=$?
check "10^8 includes: exit $RC, want 1" [ "$RC" -eq 1 ]
check "10^8 includes: one error at the include past the limit: $(head -c 300 "$ERR")" \
  [ "$(cat "$ERR")" = "incbomb/src/h.md:8:1: error: more than 10000 includes in one chapter ('z.md')" ]
check "10^8 includes: nothing written" out_clean out-incbomb

finish
