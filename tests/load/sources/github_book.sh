#!/bin/bash
# github_book: a public curriculum written as GitHub Markdown (tests/load/sources/ossu: raw
# HTML, remote badges, WebP images, GitHub anchors, links between READMEs) builds as it is:
# exit 0 with warnings, 99 % of its sentences in the PDF and the EPUB, its local images in
# both, EPUBCheck without a message; and --strict refuses the same sources.
# Usage: github_book.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src SOURCE_DATE_EPOCH=1700000000
book=$src/tests/load/sources/ossu
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"

"$bin" build "$book" -o out >build.out 2>build.err
check_exit0 builds $? build.err
n=$(grep -c ': warning: ' build.err)
[ "$n" -ge 4 ] && pass "$n warnings" || fail "only $n warnings"
grep -q "README.md:13:.*: warning: remote image 'https://img.shields.io/badge/OSSU-computer--science-blue.svg' is not fetched; its alt text is set in its place" build.err \
    && pass "a remote badge warns at its place" || fail "no warning for the badge"
grep -q ': error: ' build.err && fail "errors in a lenient build" || pass "no errors"

# the local images: two PNGs and two WebP files, drawn in the PDF and packed in the EPUB
imgs=$(pdfimages -list out/ossu-cs.pdf 2>/dev/null | tail -n +3 | wc -l)
[ "$imgs" -ge 4 ] && pass "$imgs images in the PDF" || fail "$imgs images in the PDF, want 4"
mkdir -p epub && (cd epub && unzip -q ../out/ossu-cs.epub)
media=$(find epub -name 'img-*.png' | wc -l)
[ "$media" -eq 4 ] && pass "4 PNG images in the EPUB (WebP converted)" || fail "$media PNG images in the EPUB, want 4"
find epub -name '*.webp' | grep -q . && fail "WebP left in the EPUB" || pass "no WebP in the EPUB"

# -raw: the text in drawing order (justified lines are drawn word by word)
pdftotext -raw out/ossu-cs.pdf book.txt
chapters=$(sed -n 's/^  - //p' "$book/book.yaml")
sentences_kept "$book" "$work/book.txt" "$work/epub" $chapters

epubcheck_clean "EPUBCheck: no message" out/ossu-cs.epub

"$bin" build --strict "$book" -o strict >strict.out 2>strict.err
rc=$?
[ "$rc" -eq 1 ] && pass "--strict exits 1" || fail "--strict exit $rc"
[ -z "$(ls -A strict 2>/dev/null)" ] && pass "--strict writes nothing" || fail "--strict wrote files"
grep -q "error: remote image .* (a warning; strict mode makes it an error)" strict.err && pass "--strict names the warnings as errors" \
    || fail "no promoted warning"

finish
