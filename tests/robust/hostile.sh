#!/usr/bin/env bash
# Hostile input, second round: each case ends in a clear error at its place, with the
# artifacts of an earlier build left as they were, or in a complete, valid result
# (EPUBCheck without a message, every letter of the text in the PDF).
#   bash tests/robust/hostile.sh QUIRE_BIN SOURCE_DIR WORK_DIR
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/lib.sh"

keep_good_build

# built_valid CASE BOOK OUTDIR: built, and EPUBCheck has nothing to say about the EPUB.
built_valid() {
  built "$@" && epubcheck_clean "$1: EPUBCheck without a message" "$3/tiny.epub"
}

png() { # png W H FILE: a black RGB PNG, tiny on disk however large it says it is
  python3 - "$@" <<'PY'
import struct, sys, zlib
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
z = zlib.compressobj(9)
row = b"\0" * (1 + 3 * w)
data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                       + chunk(b"IDAT", data) + chunk(b"IEND", b""))
PY
}

jpeg_says() { # jpeg_says W H SRC DEST: SRC with the size in its frame header replaced
  python3 - "$@" <<'PY'
import struct, sys
w, h, src, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
b = bytearray(open(src, "rb").read())
i = 2
while b[i + 1] not in (0xC0, 0xC1, 0xC2):
    i += 2 + struct.unpack(">H", b[i + 2:i + 4])[0]
struct.pack_into(">HH", b, i + 5, h, w)
open(dst, "wb").write(b)
PY
}

peak_kb() { awk '/Maximum resident set size/ { print $NF }' "$1"; }

## 1, 7: images larger than quire decodes, refused from their headers

new_book wide
jpeg_says 40000 16 wide/images/photo.jpg wide/images/photo.jpg
run_quire build wide -o out
refused "JPEG that says 40000 x 16" 1 "wide/chapters/02-more.md:5:1: error: image 'images/photo.jpg' is too large: 40000 × 16 pixels \(at most 32767 pixels a side and 50 million in all\)"

new_book bombs
png 16000 16000 bombs/images/bomb.png
for i in 1 2 3 4; do
  cp bombs/images/bomb.png "bombs/images/bomb$i.png"
  printf '\n![Bomb %d](images/bomb%d.png)\n' "$i" "$i" >>bombs/chapters/02-more.md
done
/usr/bin/time -v -o "$WORK/time.txt" timeout -k 10 600 "$QUIRE" build bombs -o out >"$WORK/last.out" 2>"$WORK/last.err" </dev/null
RC=$? OUT="$WORK/last.out" ERR="$WORK/last.err"
refused "four PNGs of 16000 x 16000" 1 "bombs/chapters/02-more.md:15:1: error: image 'images/bomb1.png' is too large: 16000 × 16000 pixels"
check "four PNG bombs: all four reported" [ "$(grep -c 'is too large' "$ERR")" -eq 4 ]
check "four PNG bombs: peak memory $(peak_kb "$WORK/time.txt") KB, want under 1 GB" [ "$(peak_kb "$WORK/time.txt")" -lt 1000000 ]

# Six large images within the limits (49 million pixels, 196 MB decoded each): each is
# decoded when its page is drawn and released after, so they never add up.
new_book large
png 7000 7000 large/images/large.png
for i in 1 2 3 4 5 6; do
  cp large/images/large.png "large/images/large$i.png"
  printf '\n![Large %d](images/large%d.png "Large %d")\n' "$i" "$i" "$i" >>large/chapters/02-more.md
done
/usr/bin/time -v -o "$WORK/time.txt" timeout -k 10 600 "$QUIRE" build large -o out-large >"$WORK/last.out" 2>"$WORK/last.err" </dev/null
RC=$? OUT="$WORK/last.out" ERR="$WORK/last.err"
expect_ok "six images of 7000 x 7000"
check "six large images: peak memory $(peak_kb "$WORK/time.txt") KB, want under 700 MB (not six decoded images)" \
  [ "$(peak_kb "$WORK/time.txt")" -lt 700000 ]
check "six large images: six figures in the PDF" [ "$(pdfimages -list out-large/tiny.pdf | grep -c ' 7000  7000 ')" -eq 6 ]

## 5: a heading whose id would be a print page marker's

new_book pages
printf '\n# Page 2\n\nText under a heading that reads like a page marker.\n\n## Page\n\nAnd again.\n\n## Page\n\nOnce more.\n' >>pages/chapters/01-start.md
run_quire build pages -o out-pages
built_valid "heading 'Page 2'" pages out-pages
"$QUIRE" dump pages >"$WORK/pages.json"
check "heading 'Page 2': no heading id is a page marker's" no_match -E '"id": "page-[0-9]+"' "$WORK/pages.json"
unzip -p out-pages/tiny.epub 'EPUB/*.xhtml' | grep -o 'id="[^"]*"' | sort | uniq -d >"$WORK/dup-ids"
check "heading 'Page 2': duplicate ids in one XHTML file: $(head -c 200 "$WORK/dup-ids")" [ ! -s "$WORK/dup-ids" ]

new_book anchor
printf '\nSee <a id="page-3"></a>here.\n' >>anchor/chapters/01-start.md
run_quire build anchor -o out
refused "anchor id 'page-3'" 1 "anchor/chapters/01-start.md:10:5: error: anchor id 'page-3' is reserved for footnotes and print page markers"

## 6: YAML nested 200,000 deep (a minute is a hang: it used to take 95 s)

new_book deep
python3 -c "import sys; sys.stdout.write('name: tiny\ntitle: ' + '[' * 200000 + ']' * 200000 + '\n')" >deep/book.yaml
OUT="$WORK/last.out" ERR="$WORK/last.err"
timeout -k 5 60 "$QUIRE" build deep -o out >"$OUT" 2>"$ERR" </dev/null
RC=$?
refused "book.yaml nested 200,000 deep" 1 "deep/book.yaml:2:71: error: YAML nested deeper than 64 levels"

new_book deepstyle
mkdir -p deepstyle/styles
python3 -c "import sys; sys.stdout.write('body:\n  font-family: ' + '{a: ' * 200000 + '}' * 200000 + '\n')" >deepstyle/styles/brochure.yaml
timeout -k 5 60 "$QUIRE" build deepstyle -o out >"$OUT" 2>"$ERR" </dev/null
RC=$?
refused "style nested 200,000 deep" 1 "deepstyle/styles/brochure.yaml:2:[0-9]+: error: YAML nested deeper than 64 levels"

new_book bigyaml
head -c 5000000 /dev/zero | tr '\0' '#' >>bigyaml/book.yaml
run_quire build bigyaml -o out
refused "book.yaml over 4 MiB" 1 "bigyaml/book.yaml: error: the file is larger than 4 MiB, the limit for book.yaml and style files"

## 9: one chapter under other spellings and links

new_book twice
ln -s 02-more.md twice/chapters/link.md
ln twice/chapters/02-more.md twice/chapters/hard.md
printf '  - %s\n' ./chapters/02-more.md chapters//02-more.md chapters/../chapters/02-more.md chapters/link.md chapters/hard.md >>twice/book.yaml
run_quire build twice -o out
refused "a chapter listed as ./chapters/02-more.md" 1 "twice/book.yaml:17:5: error: chapter './chapters/02-more.md' is listed twice \(first at line 16 as 'chapters/02-more.md'\)"
for line in 18 19 20 21; do
  check "a chapter listed again (line $line)" grep -qE "^twice/book.yaml:$line:5: error: chapter '[^']+' is listed twice \(first at line 16 as 'chapters/02-more.md'\)" "$ERR"
done

## 10: a name no file system takes

new_book longname
sed -i "s/^name: tiny/name: $(printf 'n%.0s' $(seq 1 300))/" longname/book.yaml
run_quire build longname -o out
refused "name of 300 characters" 1 "longname/book.yaml:2:7: error: 'name' must be at most 200 characters \(it names the output files\), not 300"

## 11: the same images as figures again and again, some on one page

new_book reuse
for i in 1 2 3 4 5 6; do printf '\n![A pixel](images/pixel.png)\n\n![A photo](images/photo.jpg)\n' >>reuse/chapters/02-more.md; done
printf '\n![The cover again](images/cover.svg)\n\n![And again](images/cover.svg)\n' >>reuse/chapters/02-more.md
run_quire build reuse -o out-reuse
built_valid "the same PNG, JPEG and SVG as figures many times" reuse out-reuse
check "reused images: no warning: $(head -n 2 "$ERR")" [ ! -s "$ERR" ]
qpdf --check out-reuse/tiny.pdf >"$WORK/qpdf.txt" 2>&1
check "reused images: qpdf --check fails: $(tail -n 2 "$WORK/qpdf.txt")" grep -q 'No syntax or stream encoding errors' "$WORK/qpdf.txt"
check "reused images: qpdf finds a dictionary with a repeated key" no_match 'duplicated key' "$WORK/qpdf.txt"
# one image object for each file, however often it is shown
ids=$(pdfimages -list out-reuse/tiny.pdf | awk 'NR > 2 && $4 == 24 && $5 == 16 { print $11 }' | sort -u | wc -l)
check "reused images: $ids image objects for the two raster files, want 2" [ "$ids" -eq 2 ]

## 3, 4: SVG figures with scripts, event attributes, foreignObject and external references

new_book svg
python3 - svg/images/dot.svg "$SRC/tests/robust/fixtures/tiny/images/pixel.png" <<'PY'
import base64, sys
pixel = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
open(sys.argv[1], "w").write(f"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="http://example.org/x.css"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100" onload="alert(1)">
  <style>@import url(http://example.org/a.css); rect {{ stroke: url(http://example.org/x.svg#p); }}</style>
  <script>alert(2)</script>
  <rect id="r" width="50" height="50" fill="teal" onclick="alert(3)" style="fill: url('http://example.org/p.png')"/>
  <foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" src="http://example.org/"/></foreignObject>
  <image href="http://example.org/remote.png" width="10" height="10"/>
  <use xlink:href="other.svg#x"/>
  <use xlink:href="#r" x="50"/>
  <image href="data:image/png;base64,{pixel}" width="10" height="10"/>
  <a href="javascript:alert(4)"><text y="20">x</text></a>
  <set attributeName="href" to="javascript:alert(5)"/>
</svg>
""")
PY
run_quire build svg -o out-svg
built_valid "SVG with scripts and external references" svg out-svg
check "SVG: a warning at the figure saying what was taken out: $(head -c 300 "$ERR")" \
  grep -q "^svg/chapters/01-start.md:5:1: warning: image 'images/dot.svg': taken out of the SVG, which may not run or fetch anything: a processing instruction <?xml-stylesheet?> (line 2), an event attribute 'onload' (line 3)" "$ERR"
unzip -p out-svg/tiny.epub EPUB/media/img-01.svg >"$WORK/clean.svg"
for bad in '<script' 'onload' 'onclick' 'foreignObject' 'iframe' 'example.org' 'javascript:' '@import' 'other.svg' 'xml-stylesheet'; do
  check "SVG: '$bad' is still in the e-book's copy" no_match -i -- "$bad" "$WORK/clean.svg"
done
check "SVG: the embedded PNG and the reference inside the file stay" \
  bash -c "grep -q 'data:image/png;base64,' '$WORK/clean.svg' && grep -q 'xlink:href=\"#r\"' '$WORK/clean.svg'"

new_book svgbomb
python3 - svgbomb/images/dot.svg "$WORK/bombs/images/bomb.png" <<'PY'
import base64, sys
bomb = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
open(sys.argv[1], "w").write(f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                             f'<image href="data:image/png;base64,{bomb}" width="100" height="100"/></svg>\n')
PY
/usr/bin/time -v -o "$WORK/time.txt" timeout -k 10 600 "$QUIRE" build svgbomb -o out >"$WORK/last.out" 2>"$WORK/last.err" </dev/null
RC=$? OUT="$WORK/last.out" ERR="$WORK/last.err"
refused "SVG holding a PNG of 16000 x 16000" 1 "svgbomb/chapters/01-start.md:5:1: error: image 'images/dot.svg' holds an embedded image \(line 1\) that is too large: 16000 × 16000 pixels"
check "SVG bomb: peak memory $(peak_kb "$WORK/time.txt") KB, want under 1 GB" [ "$(peak_kb "$WORK/time.txt")" -lt 1000000 ]

new_book svgxxe
printf '<?xml version="1.0"?>\n<!DOCTYPE svg [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&secret;</text></svg>\n' >svgxxe/images/dot.svg
run_quire build svgxxe -o out
refused "SVG declaring an external entity" 1 "svgxxe/chapters/01-start.md:5:1: error: image 'images/dot.svg' (declares an external or parameter entity 'secret'|is not a valid SVG image)"

## 12: damaged font files of the book's own, and font links to devices

damaged_font() { # damaged_font BOOK HOW: fonts/Lato-Regular.ttf, the bundled one damaged
  mkdir -p "$1/fonts"
  python3 - "$SRC/fonts/lato/Lato-Regular.ttf" "$1/fonts/Lato-Regular.ttf" "$2" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
random.seed(7)
if sys.argv[3] == "scrambled":
    for i in range(200000, 260000):
        b[i] = random.randrange(256)
else:
    b = b[: len(b) // 2]
open(sys.argv[2], "wb").write(b)
PY
}
for how in scrambled truncated; do
  new_book "font-$how"
  damaged_font "font-$how" "$how"
  run_quire build "font-$how" -o "out-font-$how"
  built_valid "a $how fonts/Lato-Regular.ttf" "font-$how" "out-font-$how"
  check "$how font: a warning naming the file: $(head -c 200 "$ERR")" \
    grep -qE "^font-$how/fonts/Lato-Regular.ttf: warning: font file not used: table '[^']+' (is damaged|lies past the end)" "$ERR"
  size=$(unzip -l "out-font-$how/tiny.epub" | awk '/Lato-Regular.ttf/ { print $1 }')
  check "$how font: the e-book embeds a subset of the bundled face ($size bytes), not the whole file" bash -c "[ ${size:-0} -gt 0 ] && [ ${size:-0} -lt 200000 ]"
done

for target in /dev/zero /proc/self/fd/0; do
  new_book fontlink
  mkdir -p fontlink/fonts
  ln -s "$target" fontlink/fonts/Device.ttf
  run_quire build fontlink -o out
  refused "a font that links to $target" 1 "fontlink/fonts/Device.ttf: error: font file leaves the book folder \(a symbolic link to /"
done

## smaller ones

new_book exponent
mkdir -p exponent/styles
printf 'body:\n  font-size: 1e6pt\n' >exponent/styles/brochure.yaml
run_quire build exponent -o out
refused "font-size: 1e6pt" 1 "exponent/styles/brochure.yaml:2:14: error: 'font-size' must be a length .*not '1e6pt': a length is written without an exponent"

run_quire build good -o ""
refused "-o ''" 2 "quire: error: -o/--output needs a value, not an empty string"

finish
