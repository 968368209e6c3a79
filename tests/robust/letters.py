#!/usr/bin/env python3
"""Every letter of a book's text, in order, is in its PDF.

    letters.py DUMP.json PDF.txt

DUMP.json is `quire dump BOOK`, PDF.txt is `pdftotext PDF`. The letters and digits of
every text node and caption of the chapters, folded to lower case, must appear in the
same order in the PDF's text (which also holds the contents, running heads, folios and
notes, so it is a subsequence test). Exits 1 naming the first letter not found.
"""
import json
import sys


def texts(node, out):
    if isinstance(node, dict):
        for key in ("text", "caption"):
            if isinstance(node.get(key), str):
                out.append(node[key])
        for value in node.values():
            if isinstance(value, (dict, list)):
                texts(value, out)
    elif isinstance(node, list):
        for value in node:
            texts(value, out)


def letters(s):
    return [c for c in s.casefold() if c.isalnum()]


def main():
    dump = json.load(open(sys.argv[1], encoding="utf-8"))
    out = []
    for chapter in dump["chapters"]:
        texts(chapter["blocks"], out)
    want = letters("".join(out))
    have = letters(open(sys.argv[2], encoding="utf-8").read())
    at = 0
    for i, c in enumerate(want):
        while at < len(have) and have[at] != c:
            at += 1
        if at == len(have):
            print("letter %d of %d ('%s', after '%s') is not in the PDF" %
                  (i + 1, len(want), c, "".join(want[max(0, i - 30):i])), file=sys.stderr)
            return 1
        at += 1
    return 0


sys.exit(main())
