#!/bin/bash
# codebook: a public technical book's code prints line for line. Five chapters of
# "Learn Go with Tests" (fixtures/gobook, MIT) hold about 750 lines in fenced code
# blocks; read from the Markdown here (tabs to stops every 4 columns), each must be
# one whole line of `pdftotext -layout`, in the book's order, set in the monospaced
# face (Noto Sans Mono embedded; every code word's characters one advance wide).
# Usage: codebook.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
BOOK=$SRC/tests/print/pdf/fixtures/gobook
if ! "$BIN" build "$BOOK" -o "$WORK" --pdf -q; then echo "FAIL: build"; exit 1; fi
pdftotext -layout "$WORK/gobook.pdf" "$WORK/layout.txt"
pdftotext -bbox "$WORK/gobook.pdf" "$WORK/bbox.html"
pdffonts "$WORK/gobook.pdf" >"$WORK/fonts.txt"
python3 - "$BOOK/chapters" "$WORK" <<'PY'
import glob, html, re, sys
chapters, work = sys.argv[1:3]
fail = 0
def bad(msg):
    global fail
    fail += 1
    if fail <= 20: print("FAIL:", msg)

code, prose = [], []
for md in sorted(glob.glob(chapters + "/*.md")):
    fence = None
    for line in open(md, encoding="utf-8").read().split("\n"):
        m = re.match(r"^( {0,3})(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(2)
        elif fence is not None and m and m.group(2).startswith(fence) and not line.strip()[len(m.group(2)):]:
            fence = None
        elif fence is not None:
            code.append(line.expandtabs(4).rstrip())
        else:
            prose.append(line)
lines = [l for l in code if l.strip()]
if len(lines) < 600: bad(f"only {len(lines)} code lines in the fixture")

norm = lambda s: " ".join(s.split())
out = [norm(l) for l in open(work + "/layout.txt", encoding="utf-8")]
at, whole = 0, 0
for l in lines:
    n = norm(l)
    try:
        at = out.index(n, at) + 1
        whole += 1
    except ValueError:
        bad(f"code line not one whole line of pdftotext -layout (after output line {at}): {l!r}")
print(f"{whole} of {len(lines)} code lines whole, in order")

if "NotoSansMono-Regular" not in open(work + "/fonts.txt").read(): bad("Noto Sans Mono is not embedded")
# The monospaced face: the row of word boxes of every code line of three or more
# words, each character one advance (a block may be set smaller to fit its longest
# line, so the advance is the same within a row, not across the book).
rows, checked = {}, 0
for page, body in enumerate(open(work + "/bbox.html", encoding="utf-8").read().split("<page ")[1:]):
    for a, b, c, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', body):
        rows.setdefault((page, round(float(b), 1)), []).append((float(a), float(c), html.unescape(w)))
by_text = {}
for key, row in rows.items():
    by_text.setdefault(" ".join(w for _, _, w in sorted(row)), []).append(row)
for l in set(norm(l) for l in lines if len(l.split()) >= 3):
    for row in by_text.get(l, []):
        adv = [(x1 - x) / len(w) for x, x1, w in row]
        checked += 1
        if max(adv) - min(adv) > 0.01:
            bad(f"code characters differ in advance: {min(adv):.3f} .. {max(adv):.3f} pt: {l!r}")
if checked < 300: bad(f"only {checked} code lines found as rows of word boxes")
print(f"{checked} code lines one advance per character")
print(f"{fail} failed")
sys.exit(1 if fail else 0)
PY
