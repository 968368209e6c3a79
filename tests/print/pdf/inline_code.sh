#!/bin/bash
# inline_code: justified prose holding long inline code stays evenly spaced on public
# technical books (fixtures/pyo3guide, fixtures/gobook). From `pdftotext -bbox`: a line
# that reaches the text block's right edge in the body's size is justified; its mean
# word gap may not pass twice the median of all such lines (issue 10's measure), and
# the PyO3 list item "`#[derive(IntoPyObjectRef)]` will invoke the function with
# `Cow::Borrowed`", whose code cannot break, keeps "will" at a word space from the
# code (it was stretched to ~10 em when the line held only those two).
# Usage: inline_code.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
FIX=$SRC/tests/print/pdf/fixtures
status=0
for name in pyo3guide gobook; do
  "$BIN" build "$FIX/$name" -o "$WORK/$name" --pdf -q || { echo "FAIL: build $name"; status=1; continue; }
  pdftotext -bbox "$WORK/$name/$name.pdf" "$WORK/$name/bbox.html"
  python3 - "$WORK/$name/bbox.html" "$name" <<'PY' || status=1
import collections, re, statistics, sys
html, name = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
lines = []  # (page, words) with words (x0, x1, height, text)
for pi, page in enumerate(re.split(r"<page ", html)[1:]):
    ws = sorted(((float(y0) + float(y1)) / 2, float(x0), float(x1), round(float(y1) - float(y0), 1), t)
                for x0, y0, x1, y1, t in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page))
    row = []  # words whose middles are within 3 pt of the row's first: one line
    for w in ws + [(1e9, 0, 0, 0, "")]:
        if row and w[0] - row[0][0] > 3:
            lines.append((pi, sorted(r[1:] for r in row)))
            row = []
        row.append(w)
body_h = collections.Counter(w[2] for _, ws in lines for w in ws).most_common(1)[0][0]
def body(ws): return collections.Counter(w[2] for w in ws).most_common(1)[0][0] == body_h
# The right edge on even and odd pages: where most body lines of 4+ words end.
edge = {}
for par in (0, 1):
    ends = collections.Counter(round(ws[-1][1] * 2) / 2 for p, ws in lines if p % 2 == par and len(ws) >= 4 and body(ws))
    if ends: edge[par] = ends.most_common(1)[0][0]
just = []
for p, ws in lines:
    if len(ws) < 3 or not body(ws) or p % 2 not in edge or abs(ws[-1][1] - edge[p % 2]) > 1.5: continue
    if re.fullmatch(r"[0-9]+|[ivxlc]+", ws[-1][3]): continue  # a contents entry and its page
    gaps = [b[0] - a[1] for a, b in zip(ws, ws[1:])]
    just.append((statistics.mean(gaps), p + 1, " ".join(w[3] for w in ws)))
fail = 0
if len(just) < 100:
    print(f"FAIL: {name}: only {len(just)} justified lines found"); fail += 1
med = statistics.median(g for g, _, _ in just)
loose = [j for j in just if j[0] > 2 * med]
for g, p, t in loose[:5]:
    print(f"FAIL: {name} p.{p}: mean gap {g:.2f} pt, over twice the median {med:.2f}: {t[:80]}")
fail += len(loose) > 0
if name == "pyo3guide":
    pairs = [(a, b) for _, ws in lines for a, b in zip(ws, ws[1:]) if a[3] == "#[derive(IntoPyObjectRef)]" and b[3] == "will"]
    if not pairs: print("FAIL: no '#[derive(IntoPyObjectRef)] will' on one line"); fail += 1
    for a, b in pairs:
        if b[0] - a[1] > 2 * med: print(f"FAIL: '#[derive(IntoPyObjectRef)]' and 'will' {b[0] - a[1]:.2f} pt apart"); fail += 1
print(f"{name}: {len(just)} justified lines, median gap {med:.2f} pt, loosest {max(g for g, _, _ in just):.2f}; {fail} failed")
sys.exit(1 if fail else 0)
PY
done
exit $status
