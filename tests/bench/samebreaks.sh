#!/bin/bash
# samebreaks: does quire break lines where TeX does, given the same paragraph and the
# same settings? Sets every distinct plain paragraph of the benchmark book (emphasis
# kept, links as their text, note markers dropped) with quire and with XeLaTeX at
# quire's own settings: Charis SIL 10.5bp (quire's 10.5pt) on 134 mm, no indent, one
# space between sentences (\frenchspacing, quire's default sentence-space: single), TeX's
# \pretolerance 100, \tolerance 200, \hyphenpenalty 50 and \emergencystretch 3em (as
# pandoc's template), no microtype. Prints how many of quire's body lines XeLaTeX sets
# with the same words, then the lines that differ. On demand only, never a test.
#
#   bash tests/bench/samebreaks.sh [--build DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD="$ROOT/build-bench"
[ "${1:-}" = --build ] && BUILD=$2
WORK="$ROOT/tests/bench/work/samebreaks"
rm -rf "$WORK" && mkdir -p "$WORK"
command -v xelatex >/dev/null && command -v pandoc >/dev/null && command -v mutool >/dev/null ||
  { echo "samebreaks: needs xelatex, pandoc and mutool (see quality.sh)" >&2; exit 1; }
[ -x "$BUILD/quire" ] || { echo "samebreaks: no $BUILD/quire" >&2; exit 1; }
python3 "$ROOT/tests/bench/genbook.py" --out "$WORK" --pages 300 >/dev/null
python3 - "$WORK/300p/io-300p.md" "$WORK/paras.md" <<'PY'
import re, sys
txt = open(sys.argv[1], encoding="utf-8").read()
if txt.startswith("---"):
    txt = txt[txt.index("\n---", 3) + 4:]
seen = []
for para in txt.split("\n\n"):
    p = para.strip()
    if not p or p[0] in "#>-!|[<`" or re.match(r"^\d+[.)] ", p) or "\n" in p:
        continue
    p = re.sub(r"\[\^[^\]]*\]", "", p)
    p = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", p)
    if len(p) >= 150 and p not in seen:
        seen.append(p)
open(sys.argv[2], "w", encoding="utf-8").write("---\ntitle: P\nlang: en\n---\n\n# P\n\n" + "\n\n".join(seen) + "\n")
PY
printf 'body:\n  text-indent: 0\n' >"$WORK/style.yaml"
SOURCE_DATE_EPOCH=0 "$BUILD/quire" build "$WORK/paras.md" -o "$WORK/quire" --pdf -q --style "$WORK/style.yaml"
pandoc "$WORK/paras.md" -t latex | sed '/\\section/d; /\\hypertarget/d; /\\label/d' >"$WORK/body.tex"
cat >"$WORK/tex.tex" <<TEX
\\documentclass{article}
\\usepackage{fontspec}
\\setmainfont[Path=$ROOT/fonts/charis-sil/,ItalicFont=CharisSIL-Italic.ttf,BoldFont=CharisSIL-Bold.ttf]{CharisSIL-Regular.ttf}
\\usepackage[a4paper,textwidth=134mm]{geometry}
\\pagestyle{empty}
\\begin{document}
\\fontsize{10.5bp}{15bp}\\selectfont
\\frenchspacing\\parindent=0pt \\parskip=6pt \\pretolerance=100 \\tolerance=200 \\hyphenpenalty=50
\\emergencystretch=3em
\\input{body}
\\end{document}
TEX
(cd "$WORK" && xelatex -interaction=batchmode tex.tex >/dev/null 2>&1) || { echo "samebreaks: XeLaTeX failed ($WORK/tex.log)" >&2; exit 1; }
for f in quire/paras tex; do mutool draw -q -F stext -o "$WORK/$(basename $f).stext" "$WORK/$f.pdf" 2>/dev/null; done
python3 - "$WORK/paras.stext" "$WORK/tex.stext" <<'PY'
import re, sys
CHAR = re.compile(r'<char quad="([-\d.]+) [-\d.]+ ([-\d.]+) [-\d.]+ [^"]*" x="[-\d.]+" y="([-\d.]+)"[^>]* c="([^"]*)"')
def lines(path):
    out = []
    for page in open(path, encoding="utf-8").read().split("<page ")[1:]:
        rows = {}
        for font in re.split(r"<font ", page)[1:]:
            size = float(re.search(r'size="([\d.]+)"', font).group(1))
            if abs(size - 10.5) > 0.3:
                continue
            for x0, x1, y, c in CHAR.findall(font):
                rows.setdefault(round(float(y)), []).append((float(x0), float(x1), c))
        for y in sorted(rows):
            text, last = "", None
            for x0, x1, c in rows[y]:  # as drawn: left to right, a ligature's letters in order
                if c.isspace():
                    continue
                if last is not None and x0 - last > 1.2:
                    text += " "
                text += c
                last = x1
            c = text.replace("&#x2019;", "\u2019")
            if c.count(" ") >= 3:  # a body line, not the heading or the folio
                out.append(c)
    return out
q, t = lines(sys.argv[1]), lines(sys.argv[2])
same = [l for l in q if l in t]
print(f"{len(same)} of {len(q)} of quire's body lines are XeLaTeX's too ({len(t)} lines in XeLaTeX's)")
for l in q:
    if l not in t:
        print("  quire only:", l)
for l in t:
    if l not in q:
        print("  XeLaTeX only:", l)
PY
