#!/bin/bash
# hyphen_lang: a book whose language has no hyphenation patterns gets one warning naming
# the language and saying its lines are set unhyphenated, and none of its line ends is a
# hyphen; with patterns (English here, and French when Debian's hyphen-fr is installed)
# lines do end in hyphens and nothing is said; a language not hyphenated in print (ja)
# says nothing of hyphenation (it may lack fonts here). QUIRE_HYPHEN_DIR points at a folder holding only the English
# patterns. Usage: hyphen_lang.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/dic"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
EN=$(ls /usr/share/hyphen/hyph_en_US.dic 2>/dev/null) || { echo "SKIP: no hyph_en_US.dic"; exit 77; }
cp "$EN" "$WORK/dic/"
fail=0
para() { # LANG TEXT: a chapter with the text ten times, one paragraph each
  printf -- '---\ntitle: T\nlang: %s\n---\n\n# C\n\n' "$1"
  for i in 1 2 3 4 5 6 7 8 9 10; do printf '%s\n\n' "$2"; done
}
para en "Internationalization considerations notwithstanding, the administrative representatives systematically misunderstood extraordinarily complicated telecommunications specifications, characteristically underestimating interdisciplinary responsibilities." >"$WORK/en.md"
para fr "Les considérations internationales extraordinairement développées, particulièrement intéressantes pour les administrations gouvernementales, transforment considérablement les responsabilités interministérielles." >"$WORK/fr.md"
para ja "これは日本語の文章です。段落は文字の間で改行されます。" >"$WORK/ja.md"
# hyphens NAME: line ends in a hyphen in out/NAME.pdf (the drawn hyphen has no text in
# the PDF's text layer, so mutool's glyphs are read, not pdftotext's).
hyphens() {
  mutool draw -q -F stext -o - "$WORK/out-$1/$1.pdf" 2>/dev/null | python3 -c '
import sys, re
lines = re.findall(r"<line .*?</line>", sys.stdin.read(), re.S)
print(sum(1 for l in lines if re.findall(r"c=\"(.)\"", l)[-1:] == ["-"]))'
}
build() { # NAME: builds, keeps stderr
  QUIRE_HYPHEN_DIR=${DIC:-$WORK/dic} "$BIN" build "$WORK/$1.md" -o "$WORK/out-$1" --pdf 2>"$WORK/$1.err" >/dev/null ||
    { echo "FAIL: $1 does not build"; cat "$WORK/$1.err"; fail=1; }
}
build en
build fr
build ja
n_en=$(hyphens en) n_fr=$(hyphens fr)
[ "$n_en" -gt 0 ] || { echo "FAIL: English with patterns: no hyphenated line end"; fail=1; }
grep -q warning "$WORK/en.err" && { echo "FAIL: English warned:"; cat "$WORK/en.err"; fail=1; }
[ "$n_fr" -eq 0 ] || { echo "FAIL: French without patterns: $n_fr hyphenated line ends"; fail=1; }
[ "$(grep -c warning "$WORK/fr.err")" -eq 1 ] || { echo "FAIL: not one warning for French:"; cat "$WORK/fr.err"; fail=1; }
grep -q "fr.md: warning: no hyphenation patterns for the book's language 'fr'.*unhyphenated" "$WORK/fr.err" ||
  { echo "FAIL: the warning does not name the language and say lines are unhyphenated:"; cat "$WORK/fr.err"; fail=1; }
grep -q hyphenation "$WORK/ja.err" && { echo "FAIL: Japanese warned of hyphenation:"; cat "$WORK/ja.err"; fail=1; }
# With the system's patterns: French hyphenates where Debian's hyphen-fr is installed.
if ls /usr/share/hyphen/hyph_fr*.dic >/dev/null 2>&1; then
  DIC=/usr/share/hyphen build fr
  n=$(hyphens fr)
  [ "$n" -gt 0 ] || { echo "FAIL: French with hyphen-fr: no hyphenated line end"; fail=1; }
  grep -q warning "$WORK/fr.err" && { echo "FAIL: French with hyphen-fr warned:"; cat "$WORK/fr.err"; fail=1; }
  echo "French with the system's patterns: $n hyphenated line ends"
fi
echo "hyphenated line ends: English $n_en, French without patterns $n_fr; $fail failed"
exit $fail
