# Words wider than the measure (issue 15, row 2): a 400,000-letter word in the default
# style, and a 6,000-letter word at 300pt (a letter is then over a third of the
# measure). Each builds (exit 0) with one warning at the paragraph's position, every
# letter comes back from the PDF in order, and no word box passes the text block's
# right edge.
. "$(dirname "$0")/lib.sh"

long_word_case() { # long_word_case NAME LETTERS SIZE
  local name=$1 letters=$2 size=$3
  new_book "$name"
  python3 - "$name/chapters/02-more.md" "$letters" <<'PY'
import random, sys
random.seed(7)
word = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(int(sys.argv[2])))
open(sys.argv[1], "w").write("# More\n\nBefore the word. " + word + " after the word.\n")
PY
  if [ "$size" != default ]; then
    mkdir -p "$name/styles"
    sed "0,/font-size: 10.5pt/s//font-size: $size/" "$SRC/styles/brochure.yaml" >"$name/styles/brochure.yaml"
  fi
  run_quire build "$name" --pdf -o "out-$name"
  check "$name: exit $RC (0 wanted): $(head -c 300 "$ERR")" [ "$RC" -eq 0 ]
  check "$name: one warning at the paragraph: $(head -c 300 "$ERR")" \
    grep -q "^$name/chapters/02-more.md:3:1: warning: a word [0-9.]* pt wide does not fit the paragraph's measure; it is broken between characters$" "$ERR"
  check "$name: every letter in the PDF, in order" python3 - "out-$name/tiny.pdf" "$name/chapters/02-more.md" <<'PY'
import re, subprocess, sys
text = subprocess.run(["pdftotext", sys.argv[1], "-"], capture_output=True, text=True).stdout
# Page furniture (running heads in capitals, folios in digits) falls between the pieces.
flat = re.sub(r"[^a-z]", "", text)
word = re.sub(r"[^a-z]", "", open(sys.argv[2]).read().split("\n")[2])
sys.exit(0 if word in flat else 1)
PY
  check "$name: no word past the right edge of the text" python3 - "out-$name/tiny.pdf" <<'PY'
import re, subprocess, sys
out = subprocess.run(["pdftotext", "-bbox", sys.argv[1], "-"], capture_output=True, text=True).stdout
bad = 0
for page in out.split("<page ")[1:]:
    w = float(re.match(r'width="([\d.]+)"', page).group(1))
    right = max(w - 30 * 72 / 25.4, w - 46 * 72 / 25.4)  # the wider of the two text blocks' right edges
    for m in re.finditer(r'xMax="([\d.]+)"', page):
        if float(m.group(1)) > right + 1: bad += 1
sys.exit(1 if bad else 0)
PY
  rm -rf "$name" "out-$name"
}

long_word_case long 400000 default
long_word_case huge 6000 300pt
finish
