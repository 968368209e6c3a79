#!/bin/bash
# errors: runs quire on broken copies of fixtures/good and checks each message's
# `file:line:col: error:` prefix, exit status 1, and that nothing is written.
# Usage: errors.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
. "$src/tests/lib.sh"

# fresh NAME: a copy of the good book in ./NAME
fresh() { rm -rf "$1" && cp -R "$src/tests/load/errors/fixtures/good" "$1"; }

# expect NAME TEXT: `quire build NAME` fails with status 1, stderr holds TEXT, no output appears
expect() {
    local name=$1 want=$2
    "$bin" build "$name" -o "$name.out" >"$name.stdout" 2>"$name.stderr"
    local rc=$?
    local why=""
    [ "$rc" -eq 1 ] || why="exit status $rc, want 1"
    grep -qF -- "$want" "$name.stderr" || why="${why:+$why; }no '$want' in stderr"
    if [ -e "$name.out" ] && [ -n "$(ls -A "$name.out")" ]; then why="${why:+$why; }files written to $name.out"; fi
    if [ -z "$why" ]; then
        pass "$name"
    else
        fail "$name: $why"; sed 's/^/     | /' "$name.stderr" | grep -v Fontconfig
    fi
}

# expect_warning NAME POS TEXT: `quire build NAME` succeeds with "POS: warning: TEXT"; with
# --strict it fails with status 1, "POS: error: TEXT", and writes nothing
expect_warning() {
    local name=$1 pos=$2 text=$3 why=""
    "$bin" build "$name" -o "$name.lenient" >"$name.stdout" 2>"$name.stderr"
    local rc=$?
    [ "$rc" -eq 0 ] || why="lenient exit status $rc, want 0"
    grep -qF -- "$pos: warning: $text" "$name.stderr" || why="${why:+$why; }no '$pos: warning: $text' in stderr"
    [ -s "$name.lenient/good.pdf" ] && [ -s "$name.lenient/good.epub" ] || why="${why:+$why; }no artifacts"
    "$bin" build --strict "$name" -o "$name.out" >"$name.stdout" 2>"$name.strict"
    rc=$?
    [ "$rc" -eq 1 ] || why="${why:+$why; }strict exit status $rc, want 1"
    grep -qF -- "$pos: error: $text" "$name.strict" || why="${why:+$why; }no '$pos: error: $text' with --strict"
    if [ -e "$name.out" ] && [ -n "$(ls -A "$name.out")" ]; then why="${why:+$why; }files written with --strict"; fi
    if [ -z "$why" ]; then
        pass "$name"
    else
        fail "$name: $why"; sed 's/^/     | /' "$name.stderr" "$name.strict" | grep -v Fontconfig
    fi
}

# the unbroken book passes (so the failures below are the breakage, not the fixture)
fresh good
if "$bin" dump good >good.json 2>good.stderr; then pass "good"
else fail "good: the fixture itself does not load"; cat good.stderr; fi

fresh missing-chapter
sed -i 's|chapters/one.md|chapters/nope.md|' missing-chapter/book.yaml
expect missing-chapter "missing-chapter/book.yaml:10:5: error: chapter 'chapters/nope.md' not found"

fresh malformed-yaml
printf 'name: good\ntitle: [unclosed\nlanguage: en\n' >malformed-yaml/book.yaml
expect malformed-yaml "malformed-yaml/book.yaml:3:9: error:"

fresh unknown-style-key
mkdir -p unknown-style-key/styles
printf 'bogus-key: 12\n' >unknown-style-key/styles/mine.yaml
sed -i 's|^style: brochure|style: mine|' unknown-style-key/book.yaml
expect unknown-style-key "unknown-style-key/styles/mine.yaml:1:1: error: unknown key 'bogus-key'"

fresh wrong-type
sed -i 's|^title: A Good Book|title: [A, Good, Book]|' wrong-type/book.yaml
expect wrong-type "wrong-type/book.yaml:3:8: error: 'title' must be"

fresh unknown-key
sed -i 's|^title: A Good Book|titel: A Good Book|' unknown-key/book.yaml
expect unknown-key "unknown-key/book.yaml:3:1: error: unknown key 'titel'; did you mean 'title'?"

fresh bad-utf8
printf '# One\n\nSome caf\xe9 text.\n' >bad-utf8/chapters/one.md
expect bad-utf8 "bad-utf8/chapters/one.md:3:9: error: invalid UTF-8"

fresh nul-byte
printf '# One\n\nab\0cd\n' >nul-byte/chapters/one.md
expect nul-byte "nul-byte/chapters/one.md:3:3: error: NUL byte"

fresh dotdot
printf '# Outside\n' >outside.md
sed -i 's|chapters/one.md|../outside.md|' dotdot/book.yaml
expect dotdot "dotdot/book.yaml:10:5: error: chapter path leaves the book folder"

fresh absolute
sed -i "s|chapters/one.md|$work/outside.md|" absolute/book.yaml
expect absolute "absolute/book.yaml:10:5: error: chapter path leaves the book folder"

fresh symlink-out
ln -s "$work/outside.md" symlink-out/chapters/link.md
sed -i 's|chapters/one.md|chapters/link.md|' symlink-out/book.yaml
expect symlink-out "symlink-out/book.yaml:10:5: error: chapter path leaves the book folder"

fresh remote-image
sed -i 's|images/dot.svg|https://example.org/dot.png|' remote-image/chapters/one.md
expect_warning remote-image remote-image/chapters/one.md:5:1 \
    "remote image 'https://example.org/dot.png' is not fetched; its alt text is set in its place"

fresh text-as-png
echo "not really an image" >text-as-png/images/fake.png
sed -i 's|images/dot.svg|images/fake.png|' text-as-png/chapters/one.md
expect text-as-png "text-as-png/chapters/one.md:5:1: error: image 'images/fake.png' is not a PNG, JPEG, SVG, WebP or GIF image"

fresh truncated-png
head -c 60 "$src/tests/load/errors/fixtures/good/images/pixel.png" >truncated-png/images/cut.png
sed -i 's|images/dot.svg|images/cut.png|' truncated-png/chapters/one.md
expect truncated-png "truncated-png/chapters/one.md:5:1: error: image 'images/cut.png' is a damaged PNG image"

fresh truncated-jpeg
head -c 300 "$src/tests/load/errors/fixtures/good/images/square.jpg" >truncated-jpeg/images/cut.jpg
sed -i 's|images/dot.svg|images/cut.jpg|' truncated-jpeg/chapters/one.md
expect truncated-jpeg "truncated-jpeg/chapters/one.md:5:1: error: image 'images/cut.jpg' is a damaged JPEG image"

fresh empty-chapter
printf '  \n\n\t\n' >empty-chapter/chapters/one.md
expect empty-chapter "empty-chapter/chapters/one.md:1:1: error: chapter is empty"

fresh no-chapters
sed -i '/^chapters:/,$d' no-chapters/book.yaml
echo "chapters: []" >>no-chapters/book.yaml
expect no-chapters "no-chapters/book.yaml:9:11: error: 'chapters' is empty"

fresh chapter-folder
rm -rf chapter-folder/chapters/one.md && mkdir chapter-folder/chapters/one.md
expect chapter-folder "chapter-folder/book.yaml:10:5: error: chapter 'chapters/one.md' is a folder"

fresh inline-image
printf '# One\n\nText ![dot](images/dot.svg) text.\n' >inline-image/chapters/one.md
expect_warning inline-image inline-image/chapters/one.md:3:6 \
    "image 'images/dot.svg' inside running text is set inline, at the height of the line"

fresh linked-image
printf '# One\n\n[![dot](images/dot.svg)](https://example.org/)\n' >linked-image/chapters/one.md
expect_warning linked-image linked-image/chapters/one.md:3:2 \
    "image 'images/dot.svg' inside running text is set inline, at the height of the line"

fresh outside-link
printf '# One\n\nSee the [licence](../LICENSE).\n' >outside-link/chapters/one.md
expect_warning outside-link outside-link/chapters/one.md:3:9 \
    "link to '../LICENSE', which is not a chapter of the book, is set as plain text"

fresh unknown-tag
printf '# One\n\nSome <u>underlined</u> text.\n' >unknown-tag/chapters/one.md
expect_warning unknown-tag unknown-tag/chapters/one.md:3:6 \
    "raw HTML tag <u> is not supported; dropped, its text kept"

fresh strict-yaml
printf '# One\n\nSome <u>underlined</u> text.\n' >strict-yaml/chapters/one.md
echo "strict: true" >>strict-yaml/book.yaml
expect strict-yaml "strict-yaml/chapters/one.md:3:6: error: raw HTML tag <u> is not supported; dropped, its text kept (a warning; strict mode makes it an error)"

fresh strict-not-bool
echo "strict: yes" >>strict-not-bool/book.yaml
expect strict-not-bool "strict-not-bool/book.yaml:11:9: error: 'strict' must be true or false"

fresh links-base-bad
echo "links-base: ftp://example.org/" >>links-base-bad/book.yaml
expect links-base-bad "links-base-bad/book.yaml:11:13: error: 'links-base' must be an http:// or https:// address"

# a link to nowhere keeps its text (a warning); strict mode refuses it
fresh bad-link
printf '# One\n\nSee [there](#nowhere).\n' >bad-link/chapters/one.md
echo "strict: true" >>bad-link/book.yaml
expect bad-link "bad-link/chapters/one.md:3:5: error: link target '#nowhere' does not exist; set as plain text (a warning; strict mode makes it an error)"

fresh no-manifest
rm -r no-manifest/book.yaml no-manifest/chapters  # a folder without Markdown: nothing to read
expect no-manifest "no-manifest/book.yaml: error: no book.yaml in the book folder"

fresh unknown-style
sed -i 's|^style: brochure|style: nosuchstyle|' unknown-style/book.yaml
expect unknown-style "unknown-style/book.yaml:8:8: error: style 'nosuchstyle' not found"

# characters no text may hold: noncharacters and C0 controls (cairo fails on the
# first without a position, the second end up in the PDF's metadata)
fresh nonchar-chapter
printf '# One\n\nA \xef\xbf\xbe here.\n' >nonchar-chapter/chapters/one.md
expect nonchar-chapter "nonchar-chapter/chapters/one.md:3:3: error: Unicode noncharacter U+FFFE in a text file"

fresh nonchar-plane
printf '# One\n\nA \xf0\x9f\xbf\xbf and \xef\xb7\x90.\n' >nonchar-plane/chapters/one.md
expect nonchar-plane "nonchar-plane/chapters/one.md:3:3: error: Unicode noncharacter U+1FFFF in a text file"

fresh control-chapter
printf '# One\n\nA bell\a rings.\n' >control-chapter/chapters/one.md
expect control-chapter "control-chapter/chapters/one.md:3:7: error: control character U+0007 in a text file (only tabs and line ends may be used)"

fresh control-reference
printf '# One\n\nA bell &#7; rings.\n' >control-reference/chapters/one.md
expect control-reference "control-reference/chapters/one.md:3:8: error: control character U+0007 in the text (from a character reference)"

fresh nonchar-title
sed -i 's|^title: A Good Book|title: "a\\uFFFEb"|' nonchar-title/book.yaml
expect nonchar-title "nonchar-title/book.yaml:3:8: error: Unicode noncharacter U+FFFE in a string"

# a YAML tag asks for a reading quire does not do: !!binary would decode base64
fresh yaml-tag
sed -i 's|^title: A Good Book|title: !!binary aGVsbG8=|' yaml-tag/book.yaml
expect yaml-tag "yaml-tag/book.yaml:3:8: error: YAML tag '!!binary' is not supported on a string"

fresh control-title
sed -i 's|^title: A Good Book|title: "A\\x01 Good Book"|' control-title/book.yaml
expect control-title "control-title/book.yaml:3:8: error: control character U+0001 in a string"

fresh control-author
sed -i 's|^  - Ada Writer|  - "Ada\\tWriter\\e"|' control-author/book.yaml
expect control-author "control-author/book.yaml:5:5: error: control character U+001B in a string"

# libyaml's own reader errors name the place of the character, not 1:1
fresh raw-control-yaml
printf 'name: good\ntitle: A \001Good Book\n' >raw-control-yaml/book.yaml
expect raw-control-yaml "raw-control-yaml/book.yaml:2:10: error: malformed YAML: control characters are not allowed (U+0001)"

fresh raw-nonchar-yaml
printf 'name: good\ntitle: A \xef\xbf\xbfGood Book\n' >raw-nonchar-yaml/book.yaml
expect raw-nonchar-yaml "raw-nonchar-yaml/book.yaml:2:10: error: Unicode noncharacter U+FFFF in a text file"

# SOURCE_DATE_EPOCH beyond the year 9999 or not a number is an error, not the clock
fresh epoch-too-late
SOURCE_DATE_EPOCH=253402300800 expect epoch-too-late "SOURCE_DATE_EPOCH: error: '253402300800' is not a number of seconds between 0 and 253402300799"
SOURCE_DATE_EPOCH=yesterday expect epoch-too-late "SOURCE_DATE_EPOCH: error: 'yesterday' is not a number of seconds between 0 and 253402300799"
SOURCE_DATE_EPOCH=-1 expect epoch-too-late "SOURCE_DATE_EPOCH: error: '-1' is not a number of seconds between 0 and 253402300799"
fresh epoch-last
if SOURCE_DATE_EPOCH=253402300799 "$bin" build epoch-last -o epoch-last.out >/dev/null 2>epoch-last.stderr; then
    pass "epoch-last"
else fail "epoch-last: 253402300799 is allowed"; cat epoch-last.stderr; fi

# links, anchors and footnote references in the text
fresh link-scheme
printf '# One\n\nClick [here](javascript:alert(1)) or [there][demo].\n\n[demo]: vbscript:msgbox\n' >link-scheme/chapters/one.md
expect_warning link-scheme link-scheme/chapters/one.md:3:7 "link scheme 'javascript:' is not allowed (use http, https, mailto, tel or ftp); its text is set as plain text"
expect_warning link-scheme link-scheme/chapters/one.md:3:38 "link scheme 'vbscript:' is not allowed"
# the reader keeps the text, with no link, in both writers
if pdftotext link-scheme.lenient/good.pdf - 2>/dev/null | grep -q "Click here or there." &&
   unzip -p link-scheme.lenient/good.epub 'EPUB/text/*.xhtml' | grep -q "Click here or there." &&
   ! unzip -p link-scheme.lenient/good.epub '*.xhtml' | grep -qi "script:" &&
   /usr/bin/python3 -c "import pikepdf, sys; p = pikepdf.open(sys.argv[1]); sys.exit(any('/A' in a for pg in p.pages for a in pg.get('/Annots', [])))" link-scheme.lenient/good.pdf; then
    pass "link-scheme-text"
else fail "link-scheme-text: the link's text is not kept as plain text in both writers"; fi

fresh anchor-id
printf '# One\n\nA <a id="2 bad\x27s"></a> mark.\n' >anchor-id/chapters/one.md
expect anchor-id "anchor-id/chapters/one.md:3:3: error: anchor id '2 bad's' must be one word: not empty, without spaces"

fresh escaped-footnote
printf '# One\n\nEscaped \\[^nope] here.\n' >escaped-footnote/chapters/one.md
if "$bin" dump escaped-footnote >escaped-footnote.json 2>escaped-footnote.stderr && grep -qF '"Escaped [^nope] here."' escaped-footnote.json; then
    pass "escaped-footnote"
else fail "escaped-footnote: \\[^nope] is text"; cat escaped-footnote.stderr; fi

# every error is reported, not just the first
fresh two-errors
printf 'name: good\ntitle: Two\nlanguage: en\nidentifier: "urn:isbn:9780306406157"\nchapters:\n  - a.md\n  - b.md\n' >two-errors/book.yaml
printf '# A\n\nA note[^gone].\n' >two-errors/a.md
printf '\n\n' >two-errors/b.md
expect two-errors "two-errors/a.md:3:7: error: footnote '[^gone]' has no definition"
expect two-errors "two-errors/b.md:1:1: error: chapter is empty"

finish
