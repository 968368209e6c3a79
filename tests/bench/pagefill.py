#!/usr/bin/env python3
"""Measures how full a PDF's pages are, from the PDF alone (pdftoppm, pdftotext).

  pagefill.py BOOK.pdf --top PT --bottom PT [--first-body N] [--dpi D] [--chapters MD...]

For each page from --first-body (1-based; default: the first page holding the first h1 of
--chapters as a line of its own, else 3), the text area is the band between
--top and --bottom (the style's margin-top and margin-bottom, in points). It reports:
  * empty: the share of the text area left empty at the foot, below the lowest ink
    (text, figures, rules; rendered in grey at --dpi, default 50);
  * facing pages: for each spread (an even page and the odd page after it), whether
    their lowest lines of text end on the same baseline (the lowest baseline of a
    character above the bottom margin, as `mutool draw -F stext` reads it, within 0.5pt;
    without mutool, the lowest word boxes of pdftotext -bbox, which leave out the rest of
    a hyphenated word and differ with the type size), leaving out spreads where a chapter
    ends (the page after it opens with an h1 of --chapters, or it is the book's last page).
Pages more than 25% empty are listed, marked "chapter end" when the next page opens a
chapter. Always exits 0 (a measurement, not a test) unless the tools fail.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "print", "pdf"))
import heads  # noqa: E402  (the h1s of the Markdown, normalised)


def pgm_rows(data):
    """(width, height, rows) of a binary PGM."""
    parts, pos = [], 0
    while len(parts) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        parts.append(m.group(2))
        pos = m.end()
    w, h = int(parts[1]), int(parts[2])
    pos += 1
    return w, h, [data[pos + y * w: pos + (y + 1) * w] for y in range(h)]


def mutool_baselines(pdf, bottom):
    """{page: lowest character baseline above the bottom margin}, or None without mutool."""
    try:
        xml = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", pdf], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    out = {}
    for n, page in enumerate(re.split(r"<page ", xml)[1:], start=1):
        h = float(re.search(r'height="([\d.]+)"', page).group(1))
        ys = [float(y) for y in re.findall(r'<char [^>]*? y="([\d.]+)"', page)]
        ys = [y for y in ys if y <= h - bottom + 0.5]
        if ys:
            out[n] = max(ys)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf")
    ap.add_argument("--top", type=float, required=True)
    ap.add_argument("--bottom", type=float, required=True)
    ap.add_argument("--first-body", type=int, default=0)
    ap.add_argument("--dpi", type=int, default=50)
    ap.add_argument("--chapters", nargs="*", default=[])
    a = ap.parse_args()
    info = subprocess.run(["pdfinfo", a.pdf], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    h1 = set(heads.h1s(a.chapters)) if a.chapters else set()
    texts = heads.pages(a.pdf)
    bbox = subprocess.run(["pdftotext", "-bbox", a.pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages_xml = re.split(r"<page ", bbox)[1:]

    if not a.first_body:
        a.first_body = 3
        first = heads.h1s(a.chapters)[:1]
        for i, t in enumerate(texts):
            if first and first[0] in [heads.norm(l) for l in t.split("\n")]:
                a.first_body = i + 1
                break

    def first_line(p):  # the first line of text inside the text area of 1-based page p
        pg = pages_xml[p - 1]
        ph = float(re.search(r'height="([\d.]+)"', pg).group(1))
        words = [(float(m.group(2)), float(m.group(1)), m.group(3)) for m in
                 re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', pg)]
        words = sorted(w for w in words if a.top - 6 <= w[0] <= ph - a.bottom)
        if not words:
            return ""
        y = words[0][0]
        line = sorted((x, t) for yy, x, t in words if abs(yy - y) < 2)
        return heads.norm(" ".join(t for x, t in line).replace("&amp;", "&"))

    def opens_chapter(p):  # 1-based page p opens with an h1 (or is past the end)
        if p > n:
            return True
        first = first_line(p)
        # (in two columns the first line runs on into the second column)
        return bool(first) and any(h == first or h.startswith(first + " ") or first.startswith(h + " ") for h in h1)

    empty, lowest_word = {}, {}
    for p in range(a.first_body, n + 1):
        out = subprocess.run(["pdftoppm", "-f", str(p), "-l", str(p), "-r", str(a.dpi), "-gray", a.pdf],
                             capture_output=True, check=True).stdout
        w, hgt, rows = pgm_rows(out)
        page_h_pt = hgt * 72.0 / a.dpi
        y0 = int(a.top * a.dpi / 72.0)
        y1 = int((page_h_pt - a.bottom) * a.dpi / 72.0)
        ink = [y for y in range(y0, min(y1, hgt)) if min(rows[y]) < 200]
        if not ink:
            continue  # a blank page
        empty[p] = (y1 - 1 - ink[-1]) / float(y1 - y0)
        pg = pages_xml[p - 1]
        ph = float(re.search(r'height="([\d.]+)"', pg).group(1))
        # words whose box starts inside the text area (a descender may pass its foot)
        ys = [(float(m.group(1)), float(m.group(2))) for m in
              re.finditer(r'<word [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', pg)]
        ys = [y1 for y0, y1 in ys if a.top <= y0 < ph - a.bottom]
        if ys:
            lowest_word[p] = max(ys)
    base = mutool_baselines(a.pdf, a.bottom)
    if base is not None:
        lowest_word = {p: base[p] for p in lowest_word if p in base}
    over = [p for p in sorted(empty) if empty[p] > 0.25]
    ends = [p for p in over if opens_chapter(p + 1)]
    print(f"pages measured: {len(empty)}")
    print(f"pages with > 25% of the text area empty at the foot: {len(over)} "
          f"({len(ends)} of them at a chapter end, {len(over) - len(ends)} elsewhere)")
    for p in over:
        print(f"  page {p}: {empty[p] * 100:.0f}% empty{' (chapter end)' if p in ends else ''}")
    same = diff = 0
    worst = []
    for v in range(2, n + 1, 2):
        r = v + 1
        if v < a.first_body or r > n or v not in lowest_word or r not in lowest_word:
            continue
        if opens_chapter(r) or opens_chapter(r + 1) or r == n:
            continue  # a chapter ends on this spread (the recto opens one, or the next page does)
        d = abs(lowest_word[v] - lowest_word[r])
        if d <= 0.5:
            same += 1
        else:
            diff += 1
            worst.append((d, v, r))
    print(f"spreads without a chapter end: {same + diff}; ending on the same baseline: {same}; differing: {diff}"
          f" ({'mutool baselines' if base is not None else 'pdftotext word boxes'})")
    for d, v, r in sorted(worst, reverse=True)[:10]:
        print(f"  pages {v}-{r}: {d:.1f}pt apart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
