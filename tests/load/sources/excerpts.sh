#!/bin/bash
# excerpts: small pieces of public books (tests/load/sources/excerpts, each with its
# licence and SOURCE.md) that once failed, built as they are:
#   eng-practices      kramdown heading ids ("## Why? {#why}"), the same id in two files;
#   nomicon            an mdBook chapter whose SVG figure has the public SVG 1.1 doctype;
#   nodebestpractices  a GitHub README: an all-contributors table whose "#content-…" links
#                      lead nowhere, inline SVG icons (one with stray text in it), raw HTML
#                      positions;
#   learnxinyminutes   pages whose title is in their front matter (`name: Make`) and whose
#                      text opens without a heading.
# Each must build (exit 0) with exactly the warnings it deserves, at the right places, keep
# its text in the PDF and the EPUB, and give an EPUB that EPUBCheck passes without a message.
# Usage: excerpts.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src SOURCE_DATE_EPOCH=1700000000
books=$src/tests/load/sources/excerpts
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"
has() { grep -qF -- "$2" "$1"; }

# build NAME SOURCE: out-NAME/, NAME.err, NAME.txt (pdftotext), NAME.epub.d (unzipped)
build() {
    local name=$1 source=$2
    "$bin" build "$source" -o "out-$name" >"$name.out" 2>"$name.err"
    check_exit0 "$name builds" $? "$name.err"
    local pdf epub
    pdf=$(ls out-"$name"/*.pdf 2>/dev/null | head -1) epub=$(ls out-"$name"/*.epub 2>/dev/null | head -1)
    pdftotext "$pdf" "$name.txt" 2>/dev/null || fail "$name: pdftotext"
    mkdir -p "$name.epub.d" && (cd "$name.epub.d" && unzip -q "../$epub") || fail "$name: unzip"
    epubcheck_clean "$name: EPUBCheck without a message" "$epub"
}
nwarn() { grep -c ': warning: ' "$1.err"; }

## eng-practices: "{#id}" gives the heading its id and is not text
e=$books/eng-practices
build eng "$e"
check "eng: every link target found" no_match 'does not exist' eng.err
check "eng: only the six links to other files warn" [ "$(nwarn eng)" -eq 6 ]
check "eng: the heading's text without its braces (PDF)" has eng.txt "Why Should Code Reviews Be Fast?"
check "eng: no '{#' in the PDF" no_match '{#' eng.txt
check "eng: no '{#' in the EPUB" no_match '{#' eng.epub.d/EPUB/text/ch01.xhtml eng.epub.d/EPUB/text/ch02.xhtml
check "eng: speed.md's heading is #why" grep -q '<h2 id="why">Why Should Code Reviews Be Fast?' eng.epub.d/EPUB/text/ch01.xhtml
check "eng: comments.md's own {#why} is why-2" grep -q '<h2 id="why-2">Explain Why' eng.epub.d/EPUB/text/ch02.xhtml
check "eng: comments.md's #why leads to its own heading" grep -qE 'href="(ch02\.xhtml)?#why-2"' eng.epub.d/EPUB/text/ch02.xhtml
check "eng: ../emergencies.md#what leads into that chapter" grep -qE 'href="ch03\.xhtml#what"' eng.epub.d/EPUB/text/ch01.xhtml

## nomicon: the SVG figure keeps its drawing and loses its doctype, silently
build nomicon "$books/nomicon"
check "nomicon: no warning" [ "$(nwarn nomicon)" -eq 0 ]
check "nomicon: the chapter's text" has nomicon.txt "Safe Rust is the true Rust programming language"
svg=$(ls nomicon.epub.d/EPUB/media/*.svg 2>/dev/null | head -1)
check "nomicon: the SVG is in the EPUB" [ -n "$svg" ]
check "nomicon: without its doctype" no_match 'DOCTYPE' "$svg"
check "nomicon: with all its paths" [ "$(grep -o '<path' "$svg" | wc -l)" -eq "$(grep -o '<path' "$books/nomicon/src/img/safeandunsafe.svg" | wc -l)" ]

## nodebestpractices: links to nowhere keep their text, with a warning at the link
n=$books/nodebestpractices
build nbp "$n/README.md"
check "nbp: a link to nowhere warns at its <a" has nbp.err \
    "README.md:19:354: warning: link target '#content-kevinrambaud' does not exist; set as plain text"
check "nbp: all seven" [ "$(grep -c "does not exist; set as plain text" nbp.err)" -eq 7 ]
check "nbp: a remote image in an HTML block warns at its <img" has nbp.err \
    "README.md:19:96: warning: remote image 'https://avatars1.githubusercontent.com/u/7501477?v=4' is not fetched"
check "nbp: the second image of a line at its own <img" has nbp.err "README.md:7:49: warning: image 'assets/images/linkedin.svg' inside running text"
check "nbp: no error" no_match ': error: ' nbp.err
check "nbp: the contributors' names (PDF)" has nbp.txt "Kevin Rambaud"
check "nbp: the contributors' names (EPUB)" grep -q "Kevin Rambaud" nbp.epub.d/EPUB/text/ch01.xhtml
check "nbp: no link to nowhere is left in the EPUB" no_match 'href="#content-' nbp.epub.d/EPUB/text/ch01.xhtml
check "nbp: inline icons point into media/ from text/" grep -q 'class="inline" src="../media/' nbp.epub.d/EPUB/text/ch01.xhtml
check "nbp: the stray '&gt;' is out of the LinkedIn icon" no_match 'viewBox="0 0 24 24">&gt;' nbp.epub.d/EPUB/media/*.svg
"$bin" build "$n/README.md" --strict -o strict >strict.out 2>strict.err
check "nbp --strict: exit 1" [ $? -eq 1 ]
check "nbp --strict: the link to nowhere is an error" has strict.err \
    "README.md:19:354: error: link target '#content-kevinrambaud' does not exist; set as plain text (a warning; strict mode makes it an error)"
check "nbp --strict: nothing written" [ -z "$(ls -A strict 2>/dev/null)" ]

## learnxinyminutes: the front matter's name opens the chapter
build lx "$books/learnxinyminutes"
check "lx: no warning" [ "$(nwarn lx)" -eq 0 ]
check "lx: make.md opens with its title" grep -q '<h1 id="make">Make</h1>' lx.epub.d/EPUB/text/ch01.xhtml
check "lx: apl.md too" grep -q '<h1 id="apl">APL</h1>' lx.epub.d/EPUB/text/ch02.xhtml
check "lx: the contents name both" grep -q 'href="text/ch02.xhtml#apl">APL<' lx.epub.d/EPUB/nav.xhtml
check "lx: the PDF outline too" sh -c "qpdf --json out-lx/lxym.pdf 2>/dev/null | grep -q '\"title\": \"Make\"'"
check "lx: the front matter is not text" no_match 'nooodl' lx.txt
check "lx: a tab-indented recipe line whole" sh -c "pdftotext -layout out-lx/lxym.pdf - | grep -q '^ *echo \"foo\" > file0.txt\$'"

# inline HTML in a GFM table cell (a cell takes only some inline types from cmark): its
# text stays, in both editions (<kbd>Ctrl</kbd> and x<sub>2</sub> were dropped, and leaked)
mkdir -p cellhtml
printf '# Keys\n\n| key | note |\n|---|---|\n| press <kbd>Ctrl</kbd> now | H<sub>2</sub>O<br>water |\n' >cellhtml/keys.md
"$bin" build cellhtml/keys.md -o out-cell -q 2>cell.err
check "cell html: builds" test -s out-cell/keys.pdf
check "cell html: the PDF keeps the key and the digit" sh -c "pdftotext -layout out-cell/keys.pdf - | grep -q 'press Ctrl now.*H2 *O'"
check "cell html: the EPUB too" sh -c "unzip -p out-cell/keys.epub '*.xhtml' | grep -q '<td>press <kbd>Ctrl</kbd> now</td><td>H<sub>2</sub>O<br/>'"

finish
