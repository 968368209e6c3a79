#!/usr/bin/env python3
"""linequality: the word-gap distribution of a PDF's justified lines, for comparing
quire's paragraphs with another typesetter's on the same text, font and measure.

Usage: linequality.py PDF [--first N] [--label L] [--header]

Reads every character with `mutool draw -F stext` (mupdf-tools), rebuilds lines by
baseline and the page's columns, and keeps the lines set in the body size (the most
common size). Column right edges are the x where many line ends fall; a line is
justified when it ends within 1.5 pt of one. For each justified line of two or more
words the gap is the mean space between neighbouring words, in em of its size. Prints
one Markdown row: justified lines, the median, 95th percentile and largest gap, lines
looser than twice the median, hyphenated line ends per 1,000 body lines, and lines
more than 2 pt past their column's edge. Standard library only; never a test.
"""
import argparse
import collections
import re
import statistics
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("pdf")
ap.add_argument("--first", type=int, default=1, help="first page of the body (1-based)")
ap.add_argument("--label", default="")
ap.add_argument("--header", action="store_true", help="print the table header first")
a = ap.parse_args()

with tempfile.NamedTemporaryFile(suffix=".stext") as tmp:
    subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", tmp.name, a.pdf],
                   check=True, stderr=subprocess.DEVNULL)
    stext = open(tmp.name, encoding="utf-8", errors="replace").read()

CHAR = re.compile(r'<char quad="([-\d.]+) [-\d.]+ ([-\d.]+) [-\d.]+ [^"]*" x="[-\d.]+" y="([-\d.]+)"[^>]* c="([^"]*)"')
pages = []
for pg in stext.split("<page ")[1:]:
    width = float(re.search(r'width="([\d.]+)"', pg).group(1))
    chars, size = [], 10.0
    for part in re.split(r"(<font [^>]*>)", pg):
        m = re.match(r'<font name="[^"]*" size="([\d.]+)"', part)
        if m:
            size = float(m.group(1))
            continue
        for c in CHAR.finditer(part):
            x0, x1, y, ch = float(c.group(1)), float(c.group(2)), float(c.group(3)), c.group(4)
            ch = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}.get(ch, ch)
            chars.append((x0, x1, y, size, ch))
    pages.append((width, chars))
pages = pages[a.first - 1:]
body = collections.Counter(round(c[3], 2) for _, cs in pages for c in cs if not c[4].isspace()).most_common(1)[0][0]


def lines_of(width, chars):
    rows = collections.defaultdict(list)
    for c in chars:
        if abs(c[3] - body) < 0.01:
            rows[round(c[2], 1)].append(c)
    out = []
    for y, cs in rows.items():
        cs.sort()
        # Columns: a horizontal run of characters broken by a gap wider than 3 em.
        cur = [cs[0]]
        for c in cs[1:]:
            if c[0] - cur[-1][1] > 3 * body:
                out.append(cur)
                cur = []
            cur.append(c)
        out.append(cur)
    return out


def words_of(line):
    words, cur = [], []
    for c in line:
        if c[4].isspace() or c[4] == "":
            if cur:
                words.append(cur)
                cur = []
            continue
        if cur and c[0] - cur[-1][1] > 0.12 * c[3]:
            words.append(cur)
            cur = []
        cur.append(c)
    if cur:
        words.append(cur)
    return [(w[0][0], w[-1][1], "".join(c[4] for c in w)) for w in words]


gaps, total, hyphenated, overfull = [], 0, 0, 0
for width, chars in pages:
    lines = [w for w in (words_of(l) for l in lines_of(width, chars)) if w]
    ends = collections.Counter(round(ws[-1][1]) for ws in lines)
    edges = sorted(e for e, n in ends.items() if n >= max(3, len(lines) // 8))
    for ws in lines:
        total += 1
        last = ws[-1][2]
        if len(last) > 1 and last[-1] in "-\u2010" and last[-2].isalpha():
            hyphenated += 1
        right = ws[-1][1]
        near = [e for e in edges if abs(e - right) <= 1.5]
        if any(right - e > 2 and right - e < 0.2 * width and ws[0][0] < e for e in edges) and not near:
            overfull += 1
        if not near or len(ws) < 2:
            continue
        g = [ws[i + 1][0] - ws[i][1] for i in range(len(ws) - 1)]
        gaps.append(statistics.mean(g) / body)

if a.header:
    print("| PDF | justified lines | gap median (em) | 95th percentile | max | lines > 2x median | hyphens / 1,000 lines | lines > 2 pt past the edge |")
    print("| :-- | --: | --: | --: | --: | --: | --: | --: |")
label = a.label or a.pdf
if not gaps:
    print(f"| {label} | 0 | - | - | - | - | - | - |")
    sys.exit(0)
gaps.sort()
med = statistics.median(gaps)
p95 = gaps[int(0.95 * (len(gaps) - 1))]
print(f"| {label} | {len(gaps)} | {med:.3f} | {p95:.3f} | {gaps[-1]:.3f} | {sum(1 for x in gaps if x > 2 * med)} | "
      f"{1000 * hyphenated / max(1, total):.1f} | {overfull} |")
