#!/bin/bash
# print_checks: the print writer on its fixtures and the IO book: no word or glyph past
# its column (one and two columns), ragged lines before hard breaks, a JPEG embedded as
# DCT, figure /Alt and XMP, the contents heading, bleed boxes and crop marks, the
# too-narrow error. (Page layout itself is checked box by box in pages.sh.)
# Usage: print_checks.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
FX=$SRC/tests/print/pdf/fixtures
WB="python3 $SRC/tests/print/pdf/wordbox.py"
build() { "$BIN" build "$@" --pdf -q; }

# Inside the columns: word boxes (0.5 pt) and ink (1 pt), one column and two.
build "$FX/print" -o "$WORK/print" || echo "FAIL: build print"
P=$WORK/print/print.pdf
check_sh "print: words and ink inside the column" '$WB "$P" --style "$SRC/styles/brochure.yaml" --ink --first 3 >"$WORK/wb1.txt" || { cat "$WORK/wb1.txt"; false; }'
build "$SRC/book" -o "$WORK/io" || echo "FAIL: build io"
check_sh "io: words and ink inside the column" '$WB "$WORK/io/io.pdf" --style "$SRC/styles/brochure.yaml" --ink --first 3 >"$WORK/wb2.txt" || { cat "$WORK/wb2.txt"; false; }'
build "$FX/keeps" --style "$SRC/styles/letter-2col.yaml" -o "$WORK/two" || echo "FAIL: build two columns"
check_sh "two columns: words and ink inside the columns" '$WB "$WORK/two/keeps.pdf" --style "$SRC/styles/letter-2col.yaml" --ink --first 3 >"$WORK/wb3.txt" || { cat "$WORK/wb3.txt"; false; }'
check_sh "two columns: both columns used" '[ "$(pdftotext -bbox -f 4 -l 4 "$WORK/two/keeps.pdf" - | grep -c "xMin=\"3[2-9][0-9]\.")" -gt 20 ]'

# The line before a hard break is ragged; justified lines reach the right edge.
check_sh "hard break: ragged line before it" 'python3 - "$P" <<"PY"
import re, subprocess, sys
out = subprocess.run(["pdftotext", "-bbox", sys.argv[1], "-"], capture_output=True, text=True).stdout
right = 595.276 - 46 * 72 / 25.4
ends, rows = {}, {}
for m in re.finditer(r"xMax=\"([\d.]+)\" yMax=\"([\d.]+)\">([^<]*)<", out):
    ends[m.group(3)] = float(m.group(1))
    y = round(float(m.group(2)), 1)
    rows[y] = max(rows.get(y, 0), float(m.group(1)))
# Justified lines end at the column edge (a line-end hyphen is drawn but not extracted).
flush = sum(1 for x in rows.values() if right - 8 < x < right + 0.5)
ok = ends.get("break.", right) < right - 20 and flush >= 6
sys.exit(0 if ok else 1)
PY'

# JPEG figures are embedded as DCT, not re-encoded.
check_sh "jpeg embedded as DCT" 'pdfimages -list "$P" | awk "NR > 2 && \$9 == \"jpeg\"" | grep -q .'
# Figure /Alt (cairo 1.16 writes none) and the XMP packet.
qpdf --qdf --object-streams=disable "$P" "$WORK/q.pdf" 2>/dev/null
check_sh "figure /Alt" 'grep -aq "/Alt (A small panel in shades of teal, the test photograph.)" "$WORK/q.pdf"'
check_sh "every Figure has /Alt" '[ "$(grep -ac "/S /Figure" "$WORK/q.pdf")" = "$(grep -ac "^  /Alt " "$WORK/q.pdf")" ]'
META=$(pdfinfo -meta "$P")
check_sh "xmp title" 'grep -q "<rdf:li xml:lang=\"x-default\">Print Fixture</rdf:li>" <<<"$META"'
check_sh "xmp creators" 'grep -q "<rdf:li>Test Author</rdf:li><rdf:li>Second Author</rdf:li>" <<<"$META"'
check_sh "xmp date" 'grep -q "<xmp:CreateDate>2023-11-14T22:13:20Z</xmp:CreateDate>" <<<"$META"'
check_sh "info title kept" 'pdfinfo "$P" | grep -q "^Title: *Print Fixture"'
# The contents heading comes from contents-title.
check_sh "contents title" 'pdftotext -f 2 -l 2 "$P" - | head -1 | grep -qx "Overview"'
SHY=$(printf '\302\255')
check_sh "hyphens not in the extracted text" 'pdftotext "$P" "$WORK/print.txt" && LC_ALL=C no_match -e "-\$" -e "$SHY\$" "$WORK/print.txt"'

# Bleed: boxes, and crop marks in the slug only.
build "$FX/print" --style "$FX/styles/bleed.yaml" -o "$WORK/bleed" || echo "FAIL: build bleed"
B=$WORK/bleed/print.pdf
BOX=$(pdfinfo -box -f 2 -l 2 "$B")
check_sh "bleed: MediaBox" 'grep -q "MediaBox: *0.00 *0.00 *660.28 *906.90" <<<"$BOX"'
check_sh "bleed: BleedBox" 'grep -q "BleedBox: *24.00 *24.00 *636.28 *882.90" <<<"$BOX"'
check_sh "bleed: TrimBox" 'grep -q "TrimBox: *32.50 *32.50 *627.78 *874.39" <<<"$BOX"'
check_sh "bleed: crop marks outside the bleed, none inside" 'python3 - "$B" "$WORK" <<"PY"
import re, subprocess, sys
pdf, work = sys.argv[1], sys.argv[2]
subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", "2", "-l", "2", pdf, work + "/bl"], check=True)
import glob
data = open(glob.glob(work + "/bl-*.pgm")[0], "rb").read()
m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", data)
w, h = int(m.group(1)), int(m.group(2)); px = data[m.end():]
dark = lambda x, y: px[y * w + x] < 128
# The top-left corner: the trim line y = 32.5 carries a mark from x = 2 to 22.
mark = sum(dark(x, y) for x in range(3, 21) for y in (32, 33))
bleed = sum(dark(x, y) for x in range(24, 33) for y in range(24, 33))
sys.exit(0 if mark >= 10 and bleed == 0 else 1)
PY'

# A style whose margins leave a 5 pt column: a clear error at the style file, exit 1.
"$BIN" build "$FX/print" --style "$FX/styles/narrow.yaml" -o "$WORK/narrow" --pdf -q 2>"$WORK/narrow.err"
rc=$?
check_sh "narrow: exit 1" '[ "$rc" = 1 ]'
check_sh "narrow: message at the style file" 'grep -Eq "narrow\.yaml:[0-9]+:[0-9]+: error: .*text width" "$WORK/narrow.err"'
check_sh "narrow: no PDF" '[ ! -e "$WORK/narrow/print.pdf" ]'

finish
