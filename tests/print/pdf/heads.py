#!/usr/bin/env python3
"""Checks the running heads of a PDF against the book's Markdown sources.

  heads.py BOOK.pdf TITLE CHAPTER.md... [--first-body N]

Every body page (from --first-body, 1-based, default 3) must show as its first text line
the book title, the h1 in effect at the page's top (the last h1 printed on an earlier page)
or an h1 that opens on the page, or no head at all on a page where an h1 is the first text.
The h1 texts come from the Markdown (ATX `# ` lines outside fenced code), not from quire.
Prints one line per page that fails and a summary; exits 1 on any failure.
"""
import re
import subprocess
import sys


def norm(s):
    s = s.replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = re.sub(r"[*_`]", "", s)
    return re.sub(r"\s+", " ", s).strip().upper()


def h1s(paths):
    out = []
    for p in paths:
        fence = False
        for line in open(p, encoding="utf-8"):
            if re.match(r"^\s*(```|~~~)", line):
                fence = not fence
            if not fence and re.match(r"^# ", line):
                out.append(norm(re.sub(r"\s+#*\s*$", "", line[2:])))
    return out


def top_is_h1(lines, h, in_effect, heads):
    """A page's first line is a chapter title, not a head: it is the h1 after the one in effect."""
    k = heads.index(in_effect) + 1 if in_effect in heads else 0
    return k < len(heads) and lines[0] == heads[k] == h


def pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def main():
    args = sys.argv[1:]
    first = 3
    if "--first-body" in args:
        k = args.index("--first-body")
        first = int(args[k + 1])
        del args[k:k + 2]
    pdf, title, srcs = args[0], norm(args[1]), args[2:]
    heads = h1s(srcs)
    pgs = pages(pdf)
    in_effect = None
    bad = checked = 0
    for n, page in enumerate(pgs, 1):
        lines = [norm(l) for l in page.split("\n") if l.strip()]
        if not lines:
            continue
        # h1s printed below the first line (the head, when there is one)
        opened = [h for h in heads if h in lines[1:]]
        if n >= first:
            top = lines[0]
            checked += 1
            ok = top == title or top in opened or top == in_effect
            # a page that opens with a chapter title has no head: its first line is the next h1
            k = heads.index(in_effect) + 1 if in_effect in heads else 0
            ok = ok or (k < len(heads) and top == heads[k])
            if ok and len(lines) > 1 and k < len(heads) and lines[1] == heads[k] and top != heads[k]:
                ok = False  # a head over a page that opens with a chapter title
            if not ok:
                bad += 1
                print(f"page {n}: head {top!r}; in effect {in_effect!r}; opening {opened}")
        # the last h1 printed on this page is in effect at the next page's top
        best = None
        for h in heads:
            pos = [i for i, l in enumerate(lines) if l == h and (i > 0 or n < first or top_is_h1(lines, h, in_effect, heads))]
            if pos and (best is None or pos[-1] >= best[0]):
                best = (pos[-1], h)
        if best:
            in_effect = best[1]
    print(f"{checked} pages checked, {bad} with a wrong running head")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
