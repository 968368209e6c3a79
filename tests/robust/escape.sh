# Nothing escapes the book folder unannounced: '..', absolute paths, symbolic links
# leading out and remote URLs are refused with a located message, except an image that
# exists outside the folder (read, with a warning naming it; --strict refuses it); link
# URLs are written as they are, escaped where the format needs it.
. "$(dirname "$0")/lib.sh"

# Files outside every book, which no case may reach.
mkdir -p "$WORK/outside"
printf '# Outside\n\nSecret text.\n' >"$WORK/outside/secret.md"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n' >"$WORK/outside/secret.svg"
cp "$SRC/styles/brochure.yaml" "$WORK/outside/secret-style.yaml"
OUTSIDE="$WORK/outside"

## chapters

new_book ch-dotdot
sed -i 's#chapters/02-more.md#../outside/secret.md#' ch-dotdot/book.yaml
run_quire build ch-dotdot -o out-1
expect_error "chapter '../'" 1 "ch-dotdot/book.yaml:16:5: error: chapter path leaves the book folder: '../outside/secret.md'" out-1

new_book ch-inner-dotdot
sed -i 's#chapters/02-more.md#chapters/../../outside/secret.md#' ch-inner-dotdot/book.yaml
run_quire build ch-inner-dotdot -o out-2
expect_error "chapter 'chapters/../../'" 1 "ch-inner-dotdot/book.yaml:16:5: error: chapter path leaves the book folder" out-2

new_book ch-abs
sed -i "s#chapters/02-more.md#$OUTSIDE/secret.md#" ch-abs/book.yaml
run_quire build ch-abs -o out-3
expect_error "chapter absolute path" 1 "ch-abs/book.yaml:16:5: error: chapter path leaves the book folder: '.*' is absolute" out-3

new_book ch-link
ln -s "$OUTSIDE/secret.md" ch-link/chapters/link.md
sed -i 's#chapters/02-more.md#chapters/link.md#' ch-link/book.yaml
run_quire build ch-link -o out-4
expect_error "chapter symlink leading out" 1 "ch-link/book.yaml:16:5: error: chapter path leaves the book folder: 'chapters/link.md' links to" out-4

new_book ch-dirlink
ln -s "$OUTSIDE" ch-dirlink/chapters/more
sed -i 's#chapters/02-more.md#chapters/more/secret.md#' ch-dirlink/book.yaml
run_quire build ch-dirlink -o out-5
expect_error "chapter through a linked folder" 1 "ch-dirlink/book.yaml:16:5: error: chapter path leaves the book folder" out-5

# A link that stays inside the book is fine.
new_book ch-inlink
ln -s 02-more.md ch-inlink/chapters/alias.md
sed -i 's#chapters/02-more.md#chapters/alias.md#' ch-inlink/book.yaml
run_quire build ch-inlink -o out-6
expect_ok "chapter symlink inside the book"

## images

img_case() { # name, reference written in chapter 1, expected message (after the position)
  new_book "$1"
  sed -i "s#(images/dot.svg#($2#" "$1/chapters/01-start.md"
  [ -n "${4:-}" ] && eval "$4"
  run_quire build "$1" -o "out-$1"
  expect_error "image: $1" 1 "$1/chapters/01-start.md:5:1: error: $3" "out-$1"
}
# An image file outside the book folder that exists (through '..' or a symbolic link): the
# reader loses nothing, so it is read, with a warning naming the file; --strict: an error.
outside_case() { # name, reference, expected position (file:line:col), what names it, setup
  new_book "$1"
  sed -i "s#(images/dot.svg#($2#" "$1/chapters/01-start.md"
  sed -i "s#^cover: .*#cover: $2#" "$1/book.yaml"
  [ -n "${5:-}" ] && eval "$5"
  run_quire build "$1" -o "out-$1"
  expect_ok "outside: $1"
  check "outside: $1: a warning at the image naming $(realpath "$OUTSIDE/secret.svg"): $(head -c 300 "$ERR")" \
    grep -qxF "$3: warning: $4 is a file outside the book folder: $(realpath "$OUTSIDE/secret.svg")" "$ERR"
  check "outside: $1: the same for the cover" \
    grep -qxF "$1/book.yaml:12:8: warning: $4 is a file outside the book folder: $(realpath "$OUTSIDE/secret.svg")" "$ERR"
  check "outside: $1: both formats hold it" bash -c "[ -s 'out-$1/tiny.pdf' ] && unzip -l 'out-$1/tiny.epub' | grep -q '\.svg'"
  run_quire build --strict "$1" -o "out-$1-strict"
  expect_error "outside: $1 --strict" 1 "$3: error: $4 is a file outside the book folder" "out-$1-strict"
}
outside_case img-dotdot "../outside/secret.svg" "img-dotdot/chapters/01-start.md:5:1" "image '../outside/secret.svg'"
outside_case img-inner-dotdot "images/../../outside/secret.svg" "img-inner-dotdot/chapters/01-start.md:5:1" \
  "image 'images/../../outside/secret.svg'"
outside_case img-link "images/link.svg" "img-link/chapters/01-start.md:5:1" "image 'images/link.svg'" \
  'ln -s "$OUTSIDE/secret.svg" img-link/images/link.svg'
outside_case img-dirlink "images/up/secret.svg" "img-dirlink/chapters/01-start.md:5:1" "image 'images/up/secret.svg'" \
  'ln -s "$OUTSIDE" img-dirlink/images/up'
# missing files, also ones '..' leads to, are not found (inside the book or outside it)
img_case img-dotdot-missing "../outside/gone.svg" "image '../outside/gone.svg' not found \(No such file or directory\)"
img_case img-inside-missing "../chapters/gone.svg" "image '../chapters/gone.svg' not found \(No such file or directory\)"
img_case img-abs "$OUTSIDE/secret.svg" "image path '.*' leaves the book folder \(it is absolute\)"
# http(s) images are never fetched: their alt text stands in, with a warning (--strict: an error)
remote_case() { # name, reference
  new_book "$1"
  sed -i "s#(images/dot.svg#($2#" "$1/chapters/01-start.md"
  run_quire build "$1" -o "out-$1"
  expect_ok "image: $1"
  check "image: $1: warning" grep -q "^$1/chapters/01-start.md:5:1: warning: remote image '$2' is not fetched" "$ERR"
  run_quire build --strict "$1" -o "out-$1-strict"
  expect_error "image: $1 --strict" 1 "$1/chapters/01-start.md:5:1: error: remote image '$2' is not fetched" "out-$1-strict"
}
remote_case img-https "https://example.org/x.svg"
remote_case img-proto-relative "//example.org/x.svg"
img_case img-file-url "file://$OUTSIDE/secret.svg" "image 'file://.*' is not a local file; remote images are never fetched"
img_case img-data-url "data:image/svg+xml;base64,PHN2Zz4=" "image 'data:image/svg\+xml;base64,PHN2Zz4=' is not a local file"

## the cover

cover_case() {
  new_book "$1"
  sed -i "s#^cover: .*#cover: $2#" "$1/book.yaml"
  [ -n "${4:-}" ] && eval "$4"
  run_quire build "$1" -o "out-$1"
  expect_error "cover: $1" 1 "$1/book.yaml:12:8: error: $3" "out-$1"
}
cover_case cover-dotdot-missing "../outside/gone.svg" "image '../outside/gone.svg' not found"
cover_case cover-abs "$OUTSIDE/secret.svg" "image path '.*' leaves the book folder \(it is absolute\)"
cover_case cover-url "https://example.org/cover.png" "image 'https://example.org/cover.png' is not a local file"

## the style

new_book style-dotdot
sed -i 's#^style: brochure#style: ../outside/secret-style#' style-dotdot/book.yaml
run_quire build style-dotdot -o out-s1
expect_error "style name with '../'" 1 "style-dotdot/book.yaml:11:8: error: 'style' must be the name of a file in styles/" out-s1

new_book style-abs
sed -i "s#^style: brochure#style: $OUTSIDE/secret-style#" style-abs/book.yaml
run_quire build style-abs -o out-s2
expect_error "style name absolute" 1 "style-abs/book.yaml:11:8: error: 'style' must be the name of a file in styles/" out-s2

# styles/<name>.yaml inside the book, but a link to a file outside it.
new_book style-link
mkdir -p style-link/styles
ln -s "$OUTSIDE/secret-style.yaml" style-link/styles/mine.yaml
sed -i 's#^style: brochure#style: mine#' style-link/book.yaml
run_quire build style-link -o out-s3
expect_error "style symlink leading out of the book" 1 "style-link/book.yaml:11:8: error: " out-s3

## fonts and book.yaml behind links leading out

# a font file of the book's own fonts/ that links to a file outside the book
mkdir -p "$OUTSIDE/fonts"
cp "$SRC/fonts/lato/Lato-Regular.ttf" "$OUTSIDE/fonts/Outside.ttf"
new_book font-link
mkdir -p font-link/fonts
ln -s "$OUTSIDE/fonts/Outside.ttf" font-link/fonts/Outside.ttf
run_quire build font-link -o out-f1
expect_error "font file linking out of the book" 1 \
  "font-link/fonts/Outside.ttf: error: font file leaves the book folder \(a symbolic link to $OUTSIDE/fonts/Outside.ttf\)" out-f1

# a folder inside fonts/ that links out
new_book font-dirlink
mkdir -p font-dirlink/fonts
ln -s "$OUTSIDE/fonts" font-dirlink/fonts/more
run_quire build font-dirlink -o out-f2
expect_error "font folder linking out of the book" 1 \
  "font-dirlink/fonts/more: error: font folder leaves the book folder \(a symbolic link to $OUTSIDE/fonts\)" out-f2

# fonts/ itself a link leading out
new_book fonts-link
ln -s "$OUTSIDE/fonts" fonts-link/fonts
run_quire build fonts-link -o out-f3
expect_error "fonts/ linking out of the book" 1 \
  "fonts-link/fonts: error: the fonts folder leaves the book folder \(a symbolic link to $OUTSIDE/fonts\)" out-f3

# links that stay inside the book are fine
new_book font-inside
mkdir -p font-inside/assets font-inside/fonts
cp "$SRC/fonts/lato/Lato-Regular.ttf" font-inside/assets/Inside.ttf
ln -s ../assets/Inside.ttf font-inside/fonts/Inside.ttf
run_quire build font-inside -o out-f4
expect_ok "font file linking inside the book"

# book.yaml itself a link to a file elsewhere
new_book yaml-link
cp yaml-link/book.yaml "$OUTSIDE/book.yaml"
rm yaml-link/book.yaml
ln -s "$OUTSIDE/book.yaml" yaml-link/book.yaml
run_quire build yaml-link -o out-y1
expect_error "book.yaml linking out of the book" 1 \
  "yaml-link/book.yaml: error: book.yaml leaves the book folder \(a symbolic link to $OUTSIDE/book.yaml\)" out-y1

## link URLs: characters a URI cannot hold percent-encoded, escaped in the XHTML, working in the PDF

new_book links
cat >>links/chapters/01-start.md <<'EOF'

A [tricky link](https://example.org/search?a=1&b=\"q\"\<t\>&c='x') and <https://example.org/p?x=1&y=2>.
EOF
run_quire build links -o out-links
expect_ok "link with \"<>& in its URL"
unzip -p out-links/tiny.epub EPUB/text/ch01.xhtml >"$WORK/ch01.xhtml" 2>/dev/null ||
  unzip -p out-links/tiny.epub '*.xhtml' >"$WORK/ch01.xhtml"
check "links: the chapter XHTML is well-formed" xmllint --noout "$WORK/ch01.xhtml"
check "links: \"<> percent-encoded and & escaped in href" \
  grep -qF 'href="https://example.org/search?a=1&amp;b=%22q%22%3Ct%3E&amp;c='"'"'x'"'"'"' "$WORK/ch01.xhtml"
check "links: autolink escaped" grep -qF 'href="https://example.org/p?x=1&amp;y=2"' "$WORK/ch01.xhtml"
check "links: the XHTML has no raw quote inside an href" no_match -E 'href="[^"]*<' "$WORK/ch01.xhtml"
qpdf --qdf --object-streams=disable out-links/tiny.pdf "$WORK/links.qdf" 2>/dev/null
check "links: the PDF link holds the URL, percent-encoded where a URI must be" \
  grep -aqF "/URI (https://example.org/search?a=1&b=%22q%22%3Ct%3E&c='x')" "$WORK/links.qdf"
check "links: the autolink too" grep -aqF "/URI (https://example.org/p?x=1&y=2)" "$WORK/links.qdf"

## nothing of the outside files ended up in any artifact

leaked=""
for f in out-*/*.epub; do
  [ -f "$f" ] && unzip -p "$f" 2>/dev/null | grep -q "Secret text" && leaked="$leaked $f"
done
for f in out-*/*.pdf; do
  [ -f "$f" ] && pdftotext "$f" - 2>/dev/null | grep -q "Secret text" && leaked="$leaked $f"
done
check "no artifact holds the outside chapter:$leaked" [ -z "$leaked" ]
leaked=""
for f in out-*/*.epub; do
  [ -f "$f" ] && unzip -l "$f" 2>/dev/null | grep -q "Outside" && leaked="$leaked $f"
done
check "no EPUB holds the outside font:$leaked" [ -z "$leaked" ]

finish
