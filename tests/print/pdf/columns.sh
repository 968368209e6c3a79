#!/bin/bash
# columns: in a two-column style the last page of a chapter that ends before a page
# break, and the book's last page, have balanced columns: the bottoms of the two
# columns' words differ by at most two lines. Usage: columns.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
fail=0
run_book() { # run_book NAME BOOK [ARGS...]: every chapter-end page checked
    local name=$1 book=$2
    shift 2
    if ! "$BIN" build "$book" -o "$WORK/$name" --pdf -q "$@"; then echo "FAIL: $name: build"; fail=$((fail + 1)); return; fi
    python3 - "$WORK/$name"/*.pdf "$SRC/styles/letter-2col.yaml" "$name" <<'PY' || fail=$((fail + 1))
import re, subprocess, sys
pdf, style, name = sys.argv[1:4]
UNITS = {"pt": 1, "mm": 72 / 25.4, "in": 72}
def length(v):
    m = re.fullmatch(r"\s*([\d.]+)\s*(pt|mm|in)?\s*", v); return float(m.group(1)) * UNITS[m.group(2) or "pt"]
page, inpage = {}, False
for line in open(style):
    line = line.split("#")[0].rstrip()
    if line and not line.startswith(" "): inpage = line.strip() == "page:"; continue
    if inpage and ":" in line: k, v = line.split(":", 1); page[k.strip()] = v.strip()
top, bottom = length(page["margin-top"]), length(page["margin-bottom"])
leading = 9.5 * 1.4
html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
pages = re.split(r"<page ", html)[1:]
# The pages whose next page opens a chapter (its first text is a chapter title), and the last.
texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"], capture_output=True, text=True).stdout
         for i in range(1, len(pages) + 1)]
ends = []
for i in range(2, len(pages)):  # body pages: after the cover and the contents
    nxt = texts[i + 1].lstrip() if i + 1 < len(pages) else None
    if nxt is None or re.search(r"^(The \w+ Chapter|IO Research|IO Therapies|References|History of IO)$", nxt, re.M):
        ends.append(i)
bad = 0
checked = 0
for i in ends:
    pg = pages[i]
    w = float(re.match(r'width="([\d.]+)"', pg).group(1)); h = float(re.search(r'height="([\d.]+)"', pg).group(1))
    cols = [[], []]
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', pg):
        x0, y0, x1, y1 = map(float, m.groups())
        if y0 < top - 1 or y1 > h - bottom + 1: continue  # running head, folio
        cols[0 if (x0 + x1) / 2 < w / 2 else 1].append(y1)
    if not cols[0] or not cols[1]:
        print(f"FAIL: {name}: page {i + 1}: one column is empty"); bad += 1; continue
    d = abs(max(cols[0]) - max(cols[1]))
    checked += 1
    if d > 2 * leading + 0.5:
        print(f"FAIL: {name}: page {i + 1}: column bottoms {max(cols[0]):.1f} and {max(cols[1]):.1f} differ by {d:.1f} pt"); bad += 1
print(f"{name}: {checked} chapter-end pages checked")
sys.exit(1 if bad or not checked else 0)
PY
}
run_book columns "$SRC/tests/print/pdf/fixtures/columns"
# The fixture's first chapter ends on page 3, the book on page 4: both balanced.
[ "$(pdfinfo "$WORK/columns/columns.pdf" | sed -n 's/^Pages: *//p')" = 4 ] || { echo "FAIL: the fixture is 4 pages"; fail=$((fail + 1)); }
# Balancing moves boxes, never changes what is printed: one or two layout threads agree.
QUIRE_LAYOUT_THREADS=2 "$BIN" build "$SRC/tests/print/pdf/fixtures/columns" -o "$WORK/t2" --pdf -q
cmp -s "$WORK/columns/columns.pdf" "$WORK/t2/columns.pdf" || { echo "FAIL: two layout threads differ"; fail=$((fail + 1)); }
# Word boxes stay inside the columns.
python3 "$SRC/tests/print/pdf/wordbox.py" "$WORK/columns/columns.pdf" --style "$SRC/styles/letter-2col.yaml" --first 3 >"$WORK/wb.out" ||
    { echo "FAIL: wordbox: $(tail -1 "$WORK/wb.out")"; fail=$((fail + 1)); }
echo "$fail failed"
[ "$fail" = 0 ]
