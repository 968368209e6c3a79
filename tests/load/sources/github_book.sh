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
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

"$bin" build "$book" -o out >build.out 2>build.err
rc=$?
[ "$rc" -eq 0 ] && ok "builds (exit 0)" || { bad "exit $rc"; sed 's/^/     | /' build.err; }
n=$(grep -c ': warning: ' build.err)
[ "$n" -ge 4 ] && ok "$n warnings" || bad "only $n warnings"
grep -q "README.md:13:.*: warning: remote image 'https://img.shields.io/badge/OSSU-computer--science-blue.svg' is not fetched; its alt text is set in its place" build.err \
    && ok "a remote badge warns at its place" || bad "no warning for the badge"
grep -q ': error: ' build.err && bad "errors in a lenient build" || ok "no errors"

# the local images: two PNGs and two WebP files, drawn in the PDF and packed in the EPUB
imgs=$(pdfimages -list out/ossu-cs.pdf 2>/dev/null | tail -n +3 | wc -l)
[ "$imgs" -ge 4 ] && ok "$imgs images in the PDF" || bad "$imgs images in the PDF, want 4"
mkdir -p epub && (cd epub && unzip -q ../out/ossu-cs.epub)
media=$(find epub -name 'img-*.png' | wc -l)
[ "$media" -eq 4 ] && ok "4 PNG images in the EPUB (WebP converted)" || bad "$media PNG images in the EPUB, want 4"
find epub -name '*.webp' | grep -q . && bad "WebP left in the EPUB" || ok "no WebP in the EPUB"

# -raw: the text in drawing order (justified lines are drawn word by word)
pdftotext -raw out/ossu-cs.pdf book.txt
chapters=$(sed -n 's/^  - //p' "$book/book.yaml")
if (cd "$book" && python3 "$src/tests/load/sources/sentences.py" 99 "$work/book.txt" "$work/epub" $chapters) >sentences.out; then
    ok "sentences: $(tr '\n' ' ' <sentences.out | grep -o 'PDF: [^)]*)\|EPUB: [^)]*)' | tr '\n' ' ')"
else
    bad "sentences"; cat sentences.out
fi

if [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null; then
    java -jar /usr/share/java/epubcheck.jar out/ossu-cs.epub >ec.out 2>&1
    grep -q "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" ec.out && ok "EPUBCheck: no message" \
        || { bad "EPUBCheck"; grep -E "ERROR|WARNING|Messages" ec.out | head; }
fi

"$bin" build --strict "$book" -o strict >strict.out 2>strict.err
rc=$?
[ "$rc" -eq 1 ] && ok "--strict exits 1" || bad "--strict exit $rc"
[ -z "$(ls -A strict 2>/dev/null)" ] && ok "--strict writes nothing" || bad "--strict wrote files"
grep -q "error: remote image .* (a warning; strict mode makes it an error)" strict.err && ok "--strict names the warnings as errors" \
    || bad "no promoted warning"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
