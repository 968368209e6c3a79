#!/bin/bash
# protrusion: with `margin-protrusion: true` line-end hyphens and stops hang into the
# right margin (by up to 70 % of their width: under 3 pt at 10.5 pt), and without it no
# glyph passes the text block's edge. Usage: protrusion.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
cp -r "$SRC/book" "$WORK/hang" && mkdir -p "$WORK/hang/styles"
sed 's/margin-protrusion: false/margin-protrusion: true/' "$SRC/styles/brochure.yaml" >"$WORK/hang/styles/brochure.yaml"
grep -q 'margin-protrusion: true' "$WORK/hang/styles/brochure.yaml" || { echo "FAIL: no margin-protrusion key to turn on"; exit 1; }
"$BIN" build "$WORK/hang" -o "$WORK/on" --pdf -q || { echo "FAIL: build with protrusion"; exit 1; }
"$BIN" build "$SRC/book" -o "$WORK/off" --pdf -q || { echo "FAIL: build without"; exit 1; }
python3 - "$WORK/on/io.pdf" "$WORK/off/io.pdf" <<'PY'
import re, subprocess, sys
def ends(pdf):
    out = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "3", pdf, "-"], capture_output=True, text=True).stdout
    return [float(x) for x in re.findall(r'xMax="([\d.]+)"', out)]
# The body's right edge on page 3 (recto): 210 mm - 46 mm outer margin.
edge = (210 - 46) * 72 / 25.4
on, off = ends(sys.argv[1]), ends(sys.argv[2])
fail = 0
hang = [x - edge for x in on if x > edge + 0.3]
if len(hang) < 3: print(f"FAIL: only {len(hang)} line ends hang into the margin"); fail += 1
if hang and max(hang) > 3: print(f"FAIL: a line end hangs {max(hang):.2f} pt"); fail += 1
if any(x > edge + 0.3 for x in off): print("FAIL: without protrusion a word passes the edge"); fail += 1
print(f"{len(hang)} hanging line ends, at most {max(hang, default=0):.2f} pt; {fail} failed")
sys.exit(1 if fail else 0)
PY
