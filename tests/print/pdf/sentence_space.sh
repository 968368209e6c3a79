#!/bin/bash
# sentence_space: with `sentence-space: wide` (TeX's \nonfrenchspacing) a space after a
# sentence's stop, a colon or a closing quote after one is a third wider than a word
# space; after a stop that follows a capital ("U.S. Army"), an abbreviation's stop ("et al.
# (1962)", "e.g.", "Dr.": pandoc's list, whose space TeX gets as a tie) or a comma it is not;
# the default (`single`) keeps every space alike. Ragged text, so no glue is set and
# the widths are the natural ones. Usage: sentence_space.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
printf '# Spaces\n\nOne cat sat. Then came U.S. Army men, all said: “go.” And then nothing. Smith et al. (1962) saw\nit, e.g. here, and Dr. Who.\n' >"$WORK/s.md"
printf 'body:\n  text-align: left\n  hyphenate: false\n' >"$WORK/single.yaml"
printf 'body:\n  text-align: left\n  hyphenate: false\n  sentence-space: wide\n' >"$WORK/wide.yaml"
for s in single wide; do
  "$BIN" build "$WORK/s.md" -o "$WORK/$s" --pdf -q --style "$WORK/$s.yaml" || { echo "FAIL: build ($s)"; exit 1; }
done
printf 'body:\n  sentence-space: double\n' >"$WORK/bad.yaml"
if "$BIN" build "$WORK/s.md" -o "$WORK/bad" --pdf -q --style "$WORK/bad.yaml" 2>"$WORK/bad.err"; then
  echo "FAIL: sentence-space: double accepted"; exit 1
fi
grep -q 'bad.yaml:2:.*sentence-space' "$WORK/bad.err" || { echo "FAIL: no file:line for a bad sentence-space:"; cat "$WORK/bad.err"; exit 1; }
python3 - "$WORK/single/s.pdf" "$WORK/wide/s.pdf" <<'PY'
import re, subprocess, sys
def gaps(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    words = [(float(a), float(b), float(y), w) for a, y, b, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', out)]
    g = {}
    for (a0, a1, ay, aw), (b0, b1, by, bw) in zip(words, words[1:]):
        if abs(ay - by) < 1 and b0 - a1 < 10: g[aw] = b0 - a1
    return g
one, wide = gaps(sys.argv[1]), gaps(sys.argv[2])
fail = 0
def check(what, ok):
    global fail
    if not ok: print("FAIL:", what); fail += 1
word = one["cat"]
check(f"single: every space alike {one}", all(abs(v - word) < 0.05 for v in one.values()))
w = wide["cat"]
check(f"wide: a word space kept ({w:.2f} vs {word:.2f})", abs(w - word) < 0.05)
for after in ("sat.", "said:", "“go.”"):
    check(f"wide: the space after {after!r} is {wide[after]:.2f}, not 4/3 of {w:.2f}", abs(wide[after] - w * 4 / 3) < 0.1)
for after in ("U.S.", "men,", "Then", "al.", "e.g.", "Dr."):
    check(f"wide: the space after {after!r} is {wide[after]:.2f}, not {w:.2f}", abs(wide[after] - w) < 0.05)
print(f"word space {w:.2f} pt, after a sentence {wide['sat.']:.2f} pt; {fail} failed")
sys.exit(1 if fail else 0)
PY
