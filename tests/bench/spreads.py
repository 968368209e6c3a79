#!/usr/bin/env python3
"""Do facing pages end on the same baseline? Measured in seconds, where pagefill.py renders
every page.

  quire dump --pages BOOK > pages.txt
  spreads.py pages.txt [--pdf BOOK.pdf --bottom PT] [--tolerance PT] [--list N] [--require SHARE]

For each spread (an even page and the odd page after it, page 1 being the cover), the foot
of each page is the bottom of its lowest box in the dump (line, label, number, note, figure,
table row); with --pdf it is the lowest baseline of any character above the bottom margin
(--bottom, in points), as `mutool draw -F stext` reads it, so a page ending on a note and
one ending on body text compare where their last lines stand. A spread is left out where a chapter ends on it: its recto or the page after the
recto opens a chapter (`opens` in the dump), or the recto is the book's last page; blank
pages and the contents are left out too. It prints how many spreads end within
--tolerance (default 0.5 pt) and the worst that do not. With --require SHARE (0 to 1) it
exits 1 when fewer spreads than that share end together, or none is measured (a test);
otherwise always 0 (a measurement).
"""
import argparse
import re
import sys

from pagefill import mutool_baselines  # the same lowest baselines, read with mutool

PAGE = re.compile(r"^page (\d+) folio \S+(.*)$")
BOX = re.compile(r"^  (line|label|number|note|figure|row|rule|header) col \d+ x [\d.-]+ y ([\d.-]+) w [\d.*-]+ h ([\d.-]+)")


def read_pages(path):
    """{page: (kind, foot)}: kind 'body', 'blank', 'cover', 'contents' or 'opens'."""
    pages, cur = {}, None
    for text in open(path, encoding="utf-8"):
        m = PAGE.match(text.rstrip("\n"))
        if m:
            rest = m.group(2)
            kind = ("cover" if "cover" in rest else "blank" if "blank" in rest else
                    "contents" if "contents" in rest else "opens" if rest.endswith(" opens") else "body")
            cur = int(m.group(1))
            pages[cur] = [kind, None]
            continue
        m = BOX.match(text)
        if m and cur is not None:
            foot = float(m.group(2)) + float(m.group(3))
            if pages[cur][1] is None or foot > pages[cur][1]:
                pages[cur][1] = foot
    return pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--tolerance", type=float, default=0.5)
    ap.add_argument("--list", type=int, default=10)
    ap.add_argument("--require", type=float)
    ap.add_argument("--pdf")
    ap.add_argument("--bottom", type=float, default=0)
    a = ap.parse_args()
    pages = read_pages(a.dump)
    if a.pdf:
        base = mutool_baselines(a.pdf, a.bottom)
        if base is None:
            sys.exit("spreads.py: mutool draw -F stext failed on " + a.pdf)
        for p in pages:
            pages[p][1] = base.get(p)
    last = max(pages) if pages else 0
    same, worst = 0, []
    for v in range(2, last + 1, 2):
        r = v + 1
        if r > last or r == last:
            continue
        kv, fv = pages[v]
        kr, fr = pages[r]
        if kv not in ("body", "opens") or kr != "body" or fv is None or fr is None:
            continue  # blank, contents, or the recto opens a chapter
        if pages.get(r + 1, ["opens"])[0] in ("opens", "blank"):
            continue  # a chapter ends on the recto
        d = abs(fv - fr)
        if d <= a.tolerance:
            same += 1
        else:
            worst.append((d, v, r, fv, fr))
    total = same + len(worst)
    print(f"spreads without a chapter end: {total}; ending on the same line: {same}; differing: {len(worst)}")
    for d, v, r, fv, fr in sorted(worst, reverse=True)[:a.list]:
        print(f"  pages {v}-{r}: feet at {fv:.2f} and {fr:.2f}, {d:.1f}pt apart")
    if a.require is not None and (not total or same < a.require * total):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
