#!/usr/bin/env python3
"""pages_vs_pdf: checks `quire dump --pages` against the PDF of the same book, read
back with pdftotext -bbox-layout (poppler): every text box of the dump (line, note,
row) must be a text line of the PDF, on the same page, with the same words, starting
at the same x (within 1.5 pt) and lying inside the box's height. A list label
counts as the start of the line after it, a contents page number as its end; a line ending in a hyphen matches the PDF's
text without it (the hyphen at a break is drawn, not text), or with the whole word, whose rest then is not at the start
of the next line (a hyphenated word is extracted whole, its /ActualText on its first part).

Usage: pages_vs_pdf.py DUMP PDF
Exits 1 naming each box the PDF does not show, 2 when pdftotext fails."""
import html
import re
import subprocess
import sys

BOX = re.compile(r'^  (line|note|label|number) col \d+ x ([\d.]+) y ([\d.]+) w ([\d.]+) h ([\d.]+) "(.*)"$')


def norm(s):
    s = s.replace("\u00a0", " ").replace('\\"', '"').replace("\\\\", "\\")
    return " ".join(s.split())


def pdf_lines(pdf):
    r = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True)
    if r.returncode != 0:
        print("pdftotext failed: " + r.stderr.strip())
        sys.exit(2)
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", r.stdout, re.S):
        lines = []
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                             page, re.S):
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", m.group(5), re.S)]
            lines.append((float(m.group(1)), float(m.group(2)), float(m.group(4)), norm(" ".join(words))))
        pages.append(lines)
    return pages


def main():
    pages = pdf_lines(sys.argv[2])
    boxes = []  # [page, x, y, h, words]
    page, joins = 0, None
    for text in open(sys.argv[1], encoding="utf-8"):
        if text.startswith("page "):
            page = int(text.split()[1])
            continue
        m = BOX.match(text.rstrip("\n"))
        if not m:
            continue
        kind, x, y, h, words = m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(5)), norm(m.group(6))
        if kind == "number" and boxes:
            boxes[-1][4] += " " + words
        elif joins:
            boxes.append([page, joins[0], y, h, joins[1] + " " + words])
        elif kind != "label":
            boxes.append([page, x, y, h, words])
        joins = (x, words) if kind == "label" else None
    # The whole-word reading of each box: a word hyphenated at its end completed from the
    # next box, whose first word is then the rest of it.
    whole = [b[4] for b in boxes]
    rest_first = [False] * len(boxes)   # begins with the rest of a word: its x is that of the next word
    for j in range(len(boxes) - 1):
        w, nxt = whole[j], boxes[j + 1][4]
        if w.endswith("-") and nxt:
            first, _, rest = nxt.partition(" ")
            whole[j] = w[:-1] + first
            whole[j + 1] = rest
            rest_first[j + 1] = True
    bad = seen = 0
    for (page, x, y, h, words), alt, moved in zip(boxes, whole, rest_first):
        if not words:
            continue
        seen += 1
        # pdftotext may split a line where a superscript or a change of font sits, so
        # a box may be several PDF lines side by side: join those centred in its height.
        there = sorted(l for l in pages[page - 1] if y <= (l[1] + l[2]) / 2 <= y + h) if page <= len(pages) else []
        joined = norm(" ".join(l[3] for l in there))
        same = joined == words or (words.endswith("-") and joined == words[:-1]) or joined == alt
        if moved and alt == "" and not joined:
            continue   # the whole line was the rest of a hyphenated word
        if not there or (abs(there[0][0] - x) > 1.5 and not (moved and joined == alt)) or not same:
            bad += 1
            print("page %d: %r at x %.2f y %.2f: the PDF has %r at x %s" % (
                page, words, x, y, joined, "%.2f" % there[0][0] if there else "-"))
    print("%d boxes checked, %d not in the PDF" % (seen, bad))
    return 1 if bad or not seen else 0


if __name__ == "__main__":
    sys.exit(main())
