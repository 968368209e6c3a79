#!/bin/bash
# glyphs: a character no bundled font has is set in a system font that has it (found
# through fontconfig) or else as the font's .notdef; either way one warning names it
# (U+XXXX), once, at the line and column where the character first stands (in text,
# after a soft break, in code after a tab, a combining mark inside its letter's cluster),
# and the PDF's text still holds it. Which of the
# two applies is asked of fontconfig (fc-list), so the test holds on any machine.
# Usage: glyphs.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000 NO_COLOR=1
cd "$WORK" || exit 1
cp -r "$SRC/tests/print/pdf/fixtures/glyphs" book
. "$SRC/tests/lib.sh"
"$BIN" build book -o out --pdf 2>err.txt
check "build exits 0: $(cat err.txt)" [ $? -eq 0 ]
pdftotext out/glyphs.pdf text.txt
pdffonts out/glyphs.pdf >fonts.txt
# expect CODE LINE COL: the warning for U+CODE at chapters/01-glyphs.md:LINE:COL (bytes)
expect() {
  local cp=$1 line=$2 col=$3 ch
  ch=$(printf "\\u$cp")
  local at="book/chapters/01-glyphs.md:$line:$col: warning:"
  local fam
  fam=$(fc-list ":charset=$cp" family | head -1 | cut -d, -f1)
  if [ -n "$fam" ]; then
    check "U+$cp: fallback warning" grep -qF "$at no bundled font has U+$(echo "$cp" | tr a-f A-F); set in the system font '" err.txt
  else
    check "U+$cp: missing-glyph warning" grep -qF "$at no font has U+$(echo "$cp" | tr a-f A-F); it prints as the font's missing-glyph box" err.txt
  fi
  check "U+$cp: extracted from the PDF" grep -qF "$ch" text.txt
}
expect 2654 3 8
expect 6912 5 10
expect e000 5 28
expect 2656 8 7
expect 2655 12 14
expect 2603 14 7
# Devanagari: the letters and the virama and vowel sign (combining marks, zero-width)
# between them each warn and extract; the ZERO WIDTH JOINER after it does not warn.
expect 0928 16 10
expect 092e 16 13
expect 0938 16 16
expect 094d 16 19
expect 0924 16 22
expect 0947 16 25
check "नमस्ते extracted whole" grep -qF "नमस्ते" text.txt
check "no warning for U+200D" [ -z "$(grep 'U+200D' err.txt)" ]
check "one warning per character, at its first place: $(cat err.txt)" [ "$(grep -c warning: err.txt)" -eq 12 ]
check "no second warning for U+2654 (line 12)" [ -z "$(grep ':12:[0-9]*: warning: .*U+2654' err.txt)" ]
if [ -n "$(fc-list ':charset=2654' family)" ]; then
  check "a system font beside the bundled ones is embedded" \
    grep -qv -e CharisSIL -e Lato -e NotoSansMono -e '^name' -e '^---' fonts.txt
fi
# A script no bundled font covers (a Chinese book has some 2,000 characters): the first
# ten characters of it are named, the eleventh says the rest go unnamed, and no more.
mkdir -p han
printf '# Han\n\n中文字符测试一二三四五六七八九十，再见。\n\nAgain 中文 and 百.\n' >han/h.md
"$BIN" build han/h.md -o han/out --pdf 2>han/err.txt
check "Han book builds: $(cat han/err.txt)" [ $? -eq 0 ]
han=$(grep -c 'U+[4-9][0-9A-F]\{3\}' han/err.txt)
check "Han: 11 warnings, not one per character: $(cat han/err.txt)" [ "$han" -eq 11 ]
check "Han: the 11th (U+4E94, line 3) closes the list" \
  grep -qF "h.md:3:31: warning: no $( [ -n "$(fc-list ':charset=4e94' family)" ] && echo 'bundled ')font has U+4E94;" han/err.txt
check "Han: it says the rest go unnamed" grep -q 'U+4E94.*further characters of script Hani .* are not named' han/err.txt
pdftotext han/out/h.pdf han/text.txt
check "Han: every character still in the PDF's text" grep -qF "七八九十" han/text.txt
# An mdBook's Rust block hides its "# " lines: the warning still names the character's
# own line (9), not the fence's (5).
mkdir -p rh/src
printf '[book]\ntitle = "Hidden"\n' >rh/book.toml
printf '# Summary\n\n- [One](one.md)\n' >rh/src/SUMMARY.md
printf '# One\n\nText.\n\n```rust\n# fn hidden() {}\n# fn more() {}\nfn main() {\n    let s = "\xe2\x99\x94";\n}\n```\n' >rh/src/one.md
"$BIN" build rh -o rh/out --pdf 2>rh/err.txt
check "mdBook with hidden lines builds: $(cat rh/err.txt)" [ $? -eq 0 ]
check "hidden lines: U+2654 named at its own line and column: $(cat rh/err.txt)" \
  grep -qF "src/one.md:9:14: warning: no $( [ -n "$(fc-list ':charset=2654' family)" ] && echo 'bundled ')font has U+2654" rh/err.txt
finish
