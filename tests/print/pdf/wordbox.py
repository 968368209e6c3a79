#!/usr/bin/env python3
"""wordbox: every word box of a PDF's body pages lies inside a text column.

Usage: wordbox.py PDF (--style STYLE.yaml | --width W --inner I --outer O [--columns N --gap G])
                  [--first P] [--tol T] [--trim-offset X]
Lengths in points; --style reads the page geometry from a style file's page: block
(keys it lacks take the built-in defaults). --ink also renders the pages at 72 dpi and
fails on dark pixels beside the columns within the text block's height (a hyphen or
glyph hanging into a margin or gutter), 1 pt of antialiasing allowed. Pages from --first (1-based, default 2) on; page 1 of the file is
recto (odd pages have the inner margin on the left). A word may sit in any column of
its page; a box that spans two columns is reported. Prints one line per bad box (up to
20) and a last line "wordbox BAD CHECKED"; exits 1 when BAD > 0 or nothing was checked.
"""
import argparse
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("pdf")
ap.add_argument("--style")
ap.add_argument("--width", type=float)
ap.add_argument("--inner", type=float)
ap.add_argument("--outer", type=float)
ap.add_argument("--columns", type=int, default=1)
ap.add_argument("--gap", type=float, default=0)
ap.add_argument("--first", type=int, default=2)
ap.add_argument("--tol", type=float, default=0.5)
ap.add_argument("--ink", action="store_true")
ap.add_argument("--trim-offset", type=float, default=0, help="bleed + slug around the trim box")
a = ap.parse_args()

UNITS = {"pt": 1, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72, "px": 0.75}
PAPER = {"A3": 841.89, "A4": 595.276, "A5": 419.528, "A6": 297.638, "B5": 498.898, "LETTER": 612, "LEGAL": 612}


def length(v):
    m = re.fullmatch(r"\s*([\d.]+)\s*(pt|mm|cm|in|px)?\s*", v)
    return float(m.group(1)) * UNITS[m.group(2) or "pt"]


if a.style:
    page = {"size": "A4", "margin-top": "22mm", "margin-bottom": "24mm", "margin-inner": "30mm", "margin-outer": "46mm", "columns": "1", "column-gap": "7mm"}
    inpage = False
    for line in open(a.style):
        line = line.split("#")[0].rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            inpage = line.strip() == "page:"
            continue
        if inpage and ":" in line:
            k, v = line.split(":", 1)
            page[k.strip()] = v.strip().strip('"')
    size = page["size"]
    a.width = PAPER[size.upper()] if size.upper() in PAPER else length(size.lower().split("x")[0])
    a.inner, a.outer = length(page["margin-inner"]), length(page["margin-outer"])
    a.columns, a.gap = int(page["columns"]), length(page["column-gap"])
    a.top, a.bottom = length(page["margin-top"]), length(page["margin-bottom"])
if a.width is None or a.inner is None or a.outer is None:
    ap.error("give --style or --width, --inner and --outer")

out = subprocess.run(["pdftotext", "-bbox", a.pdf, "-"], capture_output=True, text=True).stdout
page, bad, checked = 0, 0, 0
for line in out.splitlines():
    if "<page " in line:
        page += 1
        page_h = float(re.search(r'height="([\d.]+)"', line).group(1))
        recto = page % 2 == 1
        left = a.trim_offset + (a.inner if recto else a.outer)
        tw = a.width - a.inner - a.outer
        cw = (tw - a.gap * (a.columns - 1)) / a.columns
        cols = [(left + c * (cw + a.gap), left + c * (cw + a.gap) + cw) for c in range(a.columns)]
        continue
    m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', line)
    if not m or page < a.first:
        continue
    # With --style, only the text block's height: the folio and running head are furniture.
    if a.style and not (a.trim_offset + a.top - 2 <= float(m.group(2)) <= page_h - a.trim_offset - a.bottom):
        continue
    x0, x1 = float(m.group(1)), float(m.group(3))
    checked += 1
    if not any(x0 >= c0 - a.tol and x1 <= c1 + a.tol for c0, c1 in cols):
        bad += 1
        if bad <= 20:
            print(f"page {page}: '{m.group(4)}' {x0:.2f}..{x1:.2f} outside {[(round(c0, 2), round(c1, 2)) for c0, c1 in cols]}")
if a.ink:
    if not a.style:
        ap.error("--ink needs --style")
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(a.first), a.pdf, os.path.join(tmp, "p")], check=True)
        for name in sorted(os.listdir(tmp)):
            pno = int(re.search(r"(\d+)\.pgm$", name).group(1))
            data = open(os.path.join(tmp, name), "rb").read()
            m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
            w, h = int(m.group(1)), int(m.group(2))
            px = data[m.end():]
            recto = pno % 2 == 1
            left = a.trim_offset + (a.inner if recto else a.outer)
            tw = a.width - a.inner - a.outer
            cw = (tw - a.gap * (a.columns - 1)) / a.columns
            cols = [(left + c * (cw + a.gap), left + c * (cw + a.gap) + cw) for c in range(a.columns)]
            y0, y1 = int(a.trim_offset + a.top) + 1, int(a.trim_offset + (h - 2 * a.trim_offset) - a.bottom) - 1
            inside = [any(c0 - 1 <= x + 0.5 <= c1 + 1 for c0, c1 in cols) for x in range(w)]
            hits = 0
            for y in range(y0, y1):
                row = px[y * w:(y + 1) * w]
                for x in range(int(a.trim_offset) + 2, w - int(a.trim_offset) - 2):
                    if not inside[x] and row[x] < 128:
                        hits += 1
                        if hits == 1:
                            print(f"page {pno}: ink beside the columns at x={x} y={y}")
            if hits:
                bad += 1
                checked += 1
print(f"wordbox {bad} {checked}")
sys.exit(1 if bad or not checked else 0)
