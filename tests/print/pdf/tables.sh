#!/bin/bash
# tables: a table that fits a column floats whole, with its caption, to the top of the next
# column when the space left cannot hold it, while the text after it fills that space; a
# table taller than a page splits between rows where it stands, its header repeated, and a row
# taller than a page splits between its lines (2 at least on each page). Read
# back from the PDF with pdftotext -bbox (page of every word, top to bottom), in the
# brochure (one column) and letter-2col (two). Usage: tables.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/book/chapters"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
command -v pdftotext >/dev/null || { echo "SKIP: no pdftotext"; exit 77; }
cat > "$WORK/book/book.yaml" <<'Y'
name: tables
title: Tables That Float
language: en
identifier: "urn:uuid:6f1c2d3e-0000-4000-8000-00000000ab02"
chapters: [chapters/one.md]
Y
python3 - "$WORK/book/chapters/one.md" <<'PY'
import sys
text = ("The tumour board met every week to weigh each case, and the interventional team set out what "
        "the image showed and what could be done with a needle, a catheter or a probe. ")
out = ["# Tables\n"]
para = lambda n: out.append(f"Paragraph{n} opens here. " + text * 2 + "\n")
for n in range(1, 7): para(n)
out.append("Table: Ablation methods and their reach\n")
out.append("| Method | Energy | Reach |\n|---|---|---|")
out += [f"| shortrow{r} | heat {r} | {r} cm |" for r in range(1, 15)]
out.append("")
for n in range(7, 17): para(n)
out.append("| Longtable | Value |\n|---|---|")
out += [f"| longrow{r} | {r * 7} |" for r in range(1, 71)]
out.append("")
for n in range(17, 21): para(n)
out.append("| Tallhead | Text |\n|---|---|")
out.append("| tall | " + " ".join(f"w{k}" for k in range(1, 1501)) + " |")
out.append("| after | done |\n")
para(21)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
fail=0
check() { # check PDF STYLE-LABEL TEXT-AREA-BOTTOM
    pdftotext -bbox "$1" "$WORK/$2.html" || { echo "FAIL: $2: pdftotext"; fail=$((fail + 1)); return; }
    python3 - "$WORK/$2.html" "$2" "$3" <<'PY' || fail=$((fail + 1))
import re, sys
html, label, foot = sys.argv[1], sys.argv[2], float(sys.argv[3])
words = []   # (page, x, y, text)
page = -1
for line in open(html, encoding="utf-8"):
    if "<page " in line: page += 1
    m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', line)
    if m: words.append((page, float(m.group(1)), float(m.group(2)), m.group(4), float(m.group(3))))
def where(w):
    hits = [x for x in words if x[3] == w]
    return hits[0] if len(hits) == 1 else None
bad = []
def want(cond, msg):
    if not cond: bad.append(msg)
cap, head = where("Ablation"), where("Method")
rows = [where(f"shortrow{r}") for r in range(1, 15)]
want(cap and head and all(rows), "the captioned table's words are each found once")
if not bad:
    pg, col = cap[0], cap[1]
    want(all(r[0] == pg for r in rows) and head[0] == pg, "the caption and every row on one page")
    ys = [cap[2], head[2]] + [r[2] for r in rows]
    want(ys == sorted(ys), "caption, header and rows top to bottom")
    want(all(abs(r[1] - head[1]) < 1 for r in rows), "the rows in one column")
    # it did not fit after paragraph 6: the text after it fills the page before it
    p7 = where("Paragraph7")
    want(p7 and (p7[0] < pg or (p7[0] == pg and p7[1] < col - 30)),
         "paragraph 7 (after the table in the source) is set before it, where the table did not fit")
    # the table stands at the top of its column: no text of its column above it
    above = [w for w in words if w[0] == pg and abs(w[1] - col) < 30 and w[2] < cap[2] - 1 and w[3].startswith("Paragraph")]
    want(not above, "no paragraph above the table in its column")
long = [where(f"longrow{r}") for r in range(1, 71)]
want(all(long), "the long table's rows are each found once")
if all(long):
    pages = sorted({r[0] for r in long})
    want(len(pages) >= 2, "the long table spans pages")
    heads = [w for w in words if w[3] == "Longtable"]
    want(len({w[0] for w in heads}) == len({(r[0]) for r in long}), "its header on each of its pages")
    p16 = where("Paragraph16")
    want(p16 and p16[0] == long[0][0], "it starts on the page of the paragraph before it (it splits, not floats)")
# a row taller than a page: split by its lines, at least 2 on each page, header repeated, inside the text area
tall = [where(f"w{k}") for k in range(1, 1501)]
want(all(tall), "the tall row's words are each found once")
if all(tall):
    pages = sorted({w[0] for w in tall})
    want(len(pages) >= 2, "the tall row spans pages")
    for pg in pages:
        ys = {round(w[2]) for w in tall if w[0] == pg}
        want(len(ys) >= 2, f"page {pg + 1} holds {len(ys)} lines of the tall row")
        want(any(w[3] == "Tallhead" and w[0] == pg for w in words), f"its header on page {pg + 1}")
    low = max(w[4] for w in tall)
    # (a word's box reaches below its line's by the font's descent: body words pass the foot by ~1 pt too)
    want(low <= foot + 2, f"the tall row's words inside the text area (lowest at {low:.1f}, foot {foot})")
print(("ok" if not bad else "FAIL") + f": {label}" + ("" if not bad else ": " + "; ".join(bad)))
sys.exit(1 if bad else 0)
PY
}
"$BIN" build "$WORK/book" -o "$WORK/out" --pdf -q || { echo "FAIL: build"; exit 1; }
check "$WORK/out/tables.pdf" brochure 773.97   # A4, margin-bottom 24mm
"$BIN" build "$WORK/book" -o "$WORK/out2" --pdf -q --style "$SRC/styles/letter-2col.yaml" || { echo "FAIL: build 2col"; exit 1; }
check "$WORK/out2/tables.pdf" letter-2col 734.4   # Letter, margin-bottom 0.8in
exit $fail
