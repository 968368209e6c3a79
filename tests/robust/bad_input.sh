# Bad input through the real binary: every case gets a located message, exit 1,
# no crash and nothing in the output folder. (tests/load/errors/ covers the basic cases:
# missing chapter, malformed YAML, unknown keys, encodings, fake and cut PNGs.)
. "$(dirname "$0")/lib.sh"

## the book folder itself

run_quire build "$WORK/no-such-book" -o "$WORK/out-a"
expect_error "missing book folder" 1 ".*no-such-book: error: book folder not found \(No such file or directory\)" "$WORK/out-a"

echo "not a folder" >"$WORK/plain-file"
run_quire build plain-file -o out-b
expect_error "book folder is a file" 1 "plain-file: error: not a folder" out-b

new_book yamldir
rm yamldir/book.yaml && mkdir yamldir/book.yaml
run_quire build yamldir -o out-c
expect_error "book.yaml is a folder" 1 "yamldir/book.yaml: error: book.yaml is a folder, not a file" out-c

# Permissions: root reads through them, so as root the cases run as `nobody` (setpriv)
# in a folder under /tmp that nobody can reach; when that is not possible, root's
# build must simply work.
as_user=()
perm_dir="$WORK"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
  setpriv --reuid=65534 --regid=65534 --clear-groups "$QUIRE" --version >/dev/null 2>&1; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  perm_dir=$(mktemp -d /tmp/quire-robust-perm-XXXXXX)
  chmod 777 "$perm_dir"
fi
perm_case() { # name, what to lock (relative to the copy), expected message
  rm -rf "${perm_dir:?}/$1"
  cp -r "$FIXTURE" "$perm_dir/$1"
  chmod -R a+rX "$perm_dir/$1"
  chmod 000 "$perm_dir/$1/$2"
  (cd "$perm_dir" && timeout -k 10 600 "${as_user[@]}" "$QUIRE" build "$1" -o "out-$1" >"$WORK/last.out" 2>"$WORK/last.err" </dev/null)
  RC=$?
  ERR="$WORK/last.err"
  OUT="$WORK/last.out"
  if [ "$(id -u)" -eq 0 ] && [ ${#as_user[@]} -eq 0 ]; then
    expect_ok "$1 (as root, without setpriv: readable)"
  else
    expect_error "$1" 1 "$3" "$perm_dir/out-$1"
  fi
  chmod -R u+rwX "$perm_dir/$1"
}
perm_case unreadable-book . "unreadable-book: error: cannot read the book folder \(Permission denied\)"
perm_case unreadable-chapter chapters/01-start.md \
  "unreadable-chapter/book.yaml:15:5: error: cannot read chapter 'chapters/01-start.md': Permission denied"
perm_case unreadable-image images/dot.svg \
  "unreadable-image/chapters/01-start.md:5:1: error: cannot read image 'images/dot.svg': Permission denied"
perm_case unreadable-chapters-folder chapters \
  "unreadable-chapters-folder/book.yaml:15:5: error: cannot open chapter 'chapters/01-start.md': Permission denied"
[ "$perm_dir" != "$WORK" ] && rm -rf "$perm_dir"

## a folder or a special file where a file is expected

new_book chapdir
rm chapdir/chapters/02-more.md && mkdir chapdir/chapters/02-more.md
run_quire build chapdir -o out-f
expect_error "chapter is a folder" 1 "chapdir/book.yaml:16:5: error: chapter 'chapters/02-more.md' is a folder, not a Markdown file" out-f

new_book chapfifo
rm chapfifo/chapters/02-more.md && mkfifo chapfifo/chapters/02-more.md
run_quire build chapfifo -o out-g
expect_error "chapter is a FIFO (must not hang)" 1 "chapfifo/book.yaml:16:5: error: chapter 'chapters/02-more.md' is not a regular file" out-g

new_book styledir
mkdir -p styledir/styles/mine.yaml
sed -i 's/^style: brochure/style: mine/' styledir/book.yaml
run_quire build styledir -o out-h
expect_error "style is a folder" 1 "styledir/book.yaml:11:8: error: style 'mine' not found" out-h

run_quire build styledir --style styledir/styles/mine.yaml -o out-i
expect_error "--style names a folder" 1 "styledir/styles/mine.yaml: error: style file not found" out-i

new_book imgdir
rm imgdir/images/dot.svg && mkdir imgdir/images/dot.svg
run_quire build imgdir -o out-j
expect_error "image is a folder" 1 "imgdir/chapters/01-start.md:5:1: error: image 'images/dot.svg' is a folder, not a file" out-j

new_book coverdir
rm coverdir/images/cover.svg && mkdir coverdir/images/cover.svg
run_quire build coverdir -o out-k
expect_error "cover is a folder" 1 "coverdir/book.yaml:12:8: error: image 'images/cover.svg' is a folder, not a file" out-k

# A fonts/ folder in the book with a folder and junk named like fonts: the bundled
# families still come from quire's own fonts/, the junk is ignored.
new_book fontjunk
mkdir -p fontjunk/fonts/Evil.ttf
echo "not a font" >fontjunk/fonts/Broken.ttf
head -c 3000 /dev/urandom >fontjunk/fonts/Noise.otf
run_quire build fontjunk -o out-l
expect_ok "folder and junk where fonts are expected"
check "fonts junk: both artifacts" [ -s out-l/tiny.pdf ] && check "fonts junk: epub" [ -s out-l/tiny.epub ]

## damaged images

new_book cutjpeg
head -c 300 "$FIXTURE/images/photo.jpg" >cutjpeg/images/photo.jpg
run_quire build cutjpeg -o out-m
expect_error "truncated JPEG" 1 "cutjpeg/chapters/02-more.md:5:1: error: image 'images/photo.jpg' is a damaged JPEG image" out-m

new_book badjpeg
# keep the header, scramble the compressed data
{ head -c 200 "$FIXTURE/images/photo.jpg"; tail -c +201 "$FIXTURE/images/photo.jpg" | tr '\000-\377' '\177-\377\000-\176'; } >badjpeg/images/photo.jpg
run_quire build badjpeg -o out-n
expect_error "corrupt JPEG" 1 "badjpeg/chapters/02-more.md:5:1: error: image 'images/photo.jpg' is a damaged JPEG image" out-n

new_book onlyjpeghdr
printf '\377\330\377' >onlyjpeghdr/images/photo.jpg
run_quire build onlyjpeghdr -o out-o
expect_error "JPEG of 3 bytes" 1 "onlyjpeghdr/chapters/02-more.md:5:1: error: image 'images/photo.jpg' is a damaged JPEG image" out-o

new_book cutsvg
head -c 60 "$FIXTURE/images/dot.svg" >cutsvg/images/dot.svg
run_quire build cutsvg -o out-p
expect_error "truncated SVG" 1 "cutsvg/chapters/01-start.md:5:1: error: image 'images/dot.svg' is not a valid SVG image" out-p

new_book notsvg
printf '<html><body>not an image</body></html>\n' >notsvg/images/dot.svg
run_quire build notsvg -o out-q
expect_error "SVG file holding HTML" 1 "notsvg/chapters/01-start.md:5:1: error: image 'images/dot.svg' is not a PNG, JPEG, SVG, WebP or GIF image" out-q

new_book emptyimg
: >emptyimg/images/dot.svg
run_quire build emptyimg -o out-r
expect_error "empty image file" 1 "emptyimg/chapters/01-start.md:5:1: error: image 'images/dot.svg' is not a PNG, JPEG, SVG, WebP or GIF image" out-r

new_book badcover
head -c 50 "$FIXTURE/images/cover.svg" >badcover/images/cover.svg
run_quire build badcover -o out-s
expect_error "truncated SVG cover" 1 "badcover/book.yaml:12:8: error: image 'images/cover.svg' is not a valid SVG image" out-s

## absurd styles (each through --style; the message points into the style file)

new_book st
style_case() { # name, yaml, expected message regex
  printf '%b' "$2" >"st/$1.yaml"
  run_quire build st --style "st/$1.yaml" -o "out-st-$1"
  expect_error "style: $1" 1 "$3" "out-st-$1"
}
style_case zero-size 'body:\n  font-size: 0\n' "st/zero-size.yaml:2:14: error: 'font-size' must be positive"
style_case negative-size 'h1:\n  font-size: -12pt\n' "st/negative-size.yaml:2:14: error: 'font-size' must not be negative"
style_case negative-margin 'page:\n  margin-top: -5mm\n' "st/negative-margin.yaml:2:15: error: 'margin-top' must not be negative"
style_case negative-page 'page:\n  size: "-100mm x 200mm"\n' "st/negative-page.yaml:2:9: error: "
style_case zero-page 'page:\n  size: "0 x 0"\n' "st/zero-page.yaml:2:9: error: "
style_case margins-wider-than-page 'page:\n  size: A6\n  margin-inner: 60mm\n  margin-outer: 60mm\n' \
  "st/margins-wider-than-page.yaml:[0-9]+:[0-9]+: error: the margins leave -42.5pt of text width"
style_case margins-taller-than-page 'page:\n  size: A6\n  margin-top: 100mm\n  margin-bottom: 100mm\n' \
  "st/margins-taller-than-page.yaml:[0-9]+:[0-9]+: error: the margins leave .*pt of text height"
style_case columns-too-narrow 'page:\n  size: A6\n  margin-inner: 10mm\n  margin-outer: 60mm\n  columns: 4\n' \
  "st/columns-too-narrow.yaml:5:12: error: 4 columns with a .*pt gap leave columns .*pt wide"
style_case zero-columns 'page:\n  columns: 0\n' "st/zero-columns.yaml:2:12: error: 'columns' must be between"
style_case unknown-font 'body:\n  font-family: Comic Sans MS\n' \
  "st/unknown-font.yaml:2:16: error: unknown font family 'Comic Sans MS'"
style_case zero-line-height 'body:\n  line-height: 0\n' "st/zero-line-height.yaml:2:16: error: 'line-height' must be positive"
style_case nan-size 'body:\n  font-size: .nan\n' "st/nan-size.yaml:2:14: error: 'font-size' must be a length"
style_case inf-size 'body:\n  font-size: .inf\n' "st/inf-size.yaml:2:14: error: "
# A font larger than the text block: no line fits. The PDF writer refuses it, and then
# nothing is written: an EPUB without its PDF would be half a book. The message names
# the chapter as the loader does: through the book folder.
pdf_style_case() {
  printf '%b' "$2" >"st/$1.yaml"
  run_quire build st --style "st/$1.yaml" -o "out-st-$1"
  expect_error "style: $1" 1 "$3" "out-st-$1"
}
pdf_style_case text-block-narrower-than-a-letter 'page:\n  margin-inner: 90mm\n  margin-outer: 90mm\nbody:\n  font-size: 200pt\n  line-height: 1\n' \
  "st/chapters/01-start.md:3:1: error: a paragraph block is too narrow"
# a 227pt-high text block and 320pt between body lines: no body line fits a page; the
# style is refused where it is read, at the margin that leaves the text area that short
style_case text-block-shorter-than-a-line 'page:\n  size: "297mm x 100mm"\n  margin-top: 10mm\n  margin-bottom: 10mm\nbody:\n  font-size: 40pt\n  line-height: 8\n' \
  "st/text-block-shorter-than-a-line.yaml:4:18: error: the text area is 226.8pt tall: shorter than one line of body"
style_case font-size-beyond-reason 'body:\n  font-size: 2000pt\n' "st/font-size-beyond-reason.yaml:2:14: error: 'font-size' must be at most 1000pt"
# absurd but finite: must be refused in the style file, not drawn as NaN/inf into the PDF
style_case huge-line-height 'body:\n  line-height: 1e308\n' "st/huge-line-height.yaml:2:16: error: "
style_case page-larger-than-pdf-allows 'page:\n  size: "10000mm x 10000mm"\n' "st/page-larger-than-pdf-allows.yaml:2:9: error: "

## very long words and URLs: the PDF comes out and no word box passes the margins

new_book longword
awk 'BEGIN {
  w = ""; for (i = 0; i < 500; i++) w = w "Supercalifragilistic"
  u = "https://example.org/"; for (i = 0; i < 998; i++) u = u "a1b2c3d4e5"
  printf "# Long words\n\nBefore %s after.\n\nA link <%s> and [a named one](%s).\n\nBare %s end.\n", w, u, u, u
}' >longword/chapters/02-more.md
run_quire build longword -o out-long
expect_ok "10,000-character word and URL"
check "long word: PDF written" [ -s out-long/tiny.pdf ]
# brochure: inner margin 22mm, outer 18mm; either may be on the right
check "long word: no word box past the margins" no_word_past_margins out-long/tiny.pdf 51.0 51.0
check "long word: the URL is kept whole in the EPUB" \
  bash -c "unzip -p out-long/tiny.epub '*.xhtml' | grep -q 'https://example.org/\(a1b2c3d4e5\)\{998\}'"

## nesting: a clear depth limit, no stack overflow

depth_case() { # name, markdown generator (awk program body), expected regex
  new_book "$1"
  awk "BEGIN { printf \"# Deep\\n\\n\"; $2 }" >"$1/chapters/02-more.md"
  run_quire build "$1" -o "out-$1"
  expect_error "$1" 1 "$3" "out-$1"
}
depth_case nested-list-10000 'for (i = 0; i < 10000; i++) printf "- "; print "x"' \
  "nested-list-10000/chapters/02-more.md:3:[0-9]+: error: nesting deeper than 64 levels"
depth_case nested-ordered-10000 'for (i = 0; i < 10000; i++) printf "1. "; print "x"' \
  "nested-ordered-10000/chapters/02-more.md:3:[0-9]+: error: nesting deeper than 64 levels"
depth_case nested-quote-10000 'for (i = 0; i < 10000; i++) printf ">"; print " x"' \
  "nested-quote-10000/chapters/02-more.md:3:[0-9]+: error: nesting deeper than 64 levels"
depth_case nested-quote-lines-10000 'for (i = 1; i <= 10000; i++) { for (k = 0; k < i && k < 10000; k++) printf ">"; print " x" ; if (i > 200) break }; for (i = 0; i < 10000; i++) printf "> "; print "y"' \
  "nested-quote-lines-10000/chapters/02-more.md:[0-9]+:[0-9]+: error: nesting deeper than 64 levels"
depth_case nested-emphasis-10000 'for (i = 0; i < 10000; i++) printf (i % 2 ? "_a " : "*a "); printf "x"; for (i = 9999; i >= 0; i--) printf (i % 2 ? " a_" : " a*"); print ""' \
  "nested-emphasis-10000/chapters/02-more.md:3:[0-9]+: error: nesting deeper than 64 levels"
# 10,000 brackets around an unsafe link: one link (the innermost), set as plain text, the rest text
new_book nested-links-10000
awk 'BEGIN { printf "# Deep\n\n"; for (i = 0; i < 10000; i++) printf "["; printf "x"; for (i = 0; i < 10000; i++) printf "](javascript:a)"; print "" }' \
  >nested-links-10000/chapters/02-more.md
run_quire build nested-links-10000 -o out-nested-links-10000
expect_ok nested-links-10000
check "nested-links-10000: one warning at the link: $(head -c 300 "$ERR")" \
  grep -qE "^nested-links-10000/chapters/02-more.md:3:10000: warning: link scheme 'javascript:' is not allowed" "$ERR"

## a table of 1,000 columns: works (every cell inside the text block) or a stated limit

new_book wide
awk 'BEGIN {
  printf "# Wide\n\n|"; for (i = 0; i < 1000; i++) printf " c%d |", i; printf "\n|"
  for (i = 0; i < 1000; i++) printf "---|"; printf "\n|"
  for (i = 0; i < 1000; i++) printf " %d |", i; printf "\n"
}' >wide/chapters/02-more.md
run_quire build wide -o out-wide
if [ "$RC" -eq 0 ]; then
  expect_ok "table of 1,000 columns"
  check "1,000 columns: no cell text past the margins" no_word_past_margins out-wide/tiny.pdf 51.0 51.0
else
  expect_error "table of 1,000 columns" 1 "wide/chapters/02-more.md:3:1: error: " out-wide
fi

## tables too wide for the measure: set smaller first (shrink-to-fit); a table whose columns
## still cannot each hold a character is one error at the table, and nothing is written

new_book widecells
awk 'BEGIN {
  printf "# Wide cells\n\n|"; for (i = 0; i < 30; i++) printf " h%d |", i; printf "\n|"
  for (i = 0; i < 30; i++) printf "---|"; printf "\n"
  for (r = 0; r < 5; r++) { printf "|"; for (i = 0; i < 30; i++) printf " c1999%d |", r; printf "\n" }
}' >widecells/chapters/02-more.md
run_quire build widecells -o out-widecells
expect_ok "table of 30 columns of 6-character words"
check "30 columns: no cell text past the margins" no_word_past_margins out-widecells/tiny.pdf 51.0 51.0
new_book toowide
awk 'BEGIN {
  printf "# Too wide\n\n|"; for (i = 0; i < 120; i++) printf " h%d |", i; printf "\n|"
  for (i = 0; i < 120; i++) printf "---|"; printf "\n"
  for (r = 0; r < 200; r++) { printf "|"; for (i = 0; i < 120; i++) printf " c1999%d |", r % 10; printf "\n" }
}' >toowide/chapters/02-more.md
run_quire build toowide -o out-toowide
expect_error "table of 120 columns" 1 "toowide/chapters/02-more.md:3:1: error: a table of 120 columns does not fit" out-toowide
check "120 columns: one error for the whole table, not one per cell" [ "$(grep -c 'error' "$ERR")" -eq 1 ]

## size limits

# Over the stated 64 MiB limit: refused before reading (a sparse file, instant).
new_book huge
truncate -s 65M huge/chapters/02-more.md
run_quire build huge -o out-huge
expect_error "65 MiB chapter" 1 "huge/book.yaml:16:5: error: chapter 'chapters/02-more.md' is larger than 64 MiB" out-huge

new_book hugeimg
truncate -s 65M hugeimg/images/photo.jpg
run_quire build hugeimg -o out-hugeimg
expect_error "65 MiB image" 1 "hugeimg/chapters/02-more.md:5:1: error: image 'images/photo.jpg' is larger than 64 MiB" out-hugeimg

finish
