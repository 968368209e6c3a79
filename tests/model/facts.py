#!/usr/bin/env python3
"""facts: the PDF and the EPUB of one book show the same contents title, labels and
contents, read back from each file on its own: the PDF's contents page (pdftotext)
and outline (qpdf --json), the EPUB's nav document.

Usage: facts.py PDF EPUB TITLE ENTRY...
ENTRY is LEVEL:TEXT (1:Premier chapitre), the contents in order, as expected.
Exits 1 naming each difference, 2 when a tool fails."""
import json
import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

H = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("%s failed: %s" % (cmd[0], r.stderr.strip()))
        sys.exit(2)
    return r.stdout


def pdf_contents_page(pdf):
    """The contents page's title and entries (page numbers and dot leaders dropped)."""
    lines = [l.strip() for l in run(["pdftotext", "-f", "2", "-l", "2", "-layout", pdf, "-"]).splitlines()]
    lines = [l for l in lines if l]
    entries = [re.sub(r"[\s.]*\d+$", "", l).strip() for l in lines[1:] if re.search(r"\d+$", l)]
    return lines[0] if lines else None, entries


def pdf_outline(pdf):
    """The outline as (level, title), depth first."""
    data = json.loads(run(["qpdf", "--json", "--json-key=outlines", pdf]))
    out = []

    def walk(items, level):
        for it in items:
            out.append((level, it["title"]))
            walk(it.get("kids", []), level + 1)

    walk(data["outlines"], 1)
    return out


def epub_nav(epub):
    """The nav's title, its toc entries as (level, text) and its landmarks' toc label."""
    z = zipfile.ZipFile(epub)
    nav_name = [n for n in z.namelist() if n.endswith("nav.xhtml")][0]
    root = ET.fromstring(z.read(nav_name))
    toc = [n for n in root.iter(H + "nav") if n.get(EPUB_TYPE) == "toc"][0]
    title = "".join(toc.find(H + "h1").itertext())
    entries = []

    def walk(ol, level):
        for li in ol.findall(H + "li"):
            entries.append((level, "".join(li.find(H + "a").itertext())))
            for sub in li.findall(H + "ol"):
                walk(sub, level + 1)

    walk(toc.find(H + "ol"), 1)
    marks = [n for n in root.iter(H + "nav") if n.get(EPUB_TYPE) == "landmarks"][0]
    mark = ["".join(a.itertext()) for a in marks.iter(H + "a") if a.get(EPUB_TYPE) == "toc"]
    head = "".join(root.find(H + "head").find(H + "title").itertext())
    return title, entries, mark[0] if mark else None, head


def main():
    pdf, epub, title = sys.argv[1], sys.argv[2], sys.argv[3]
    want = [(int(e.split(":", 1)[0]), e.split(":", 1)[1]) for e in sys.argv[4:]]
    bad = []

    def check(ok, what):
        if not ok:
            bad.append(what)

    page_title, page_entries = pdf_contents_page(pdf)
    check(page_title == title, "PDF contents page title %r, want %r" % (page_title, title))
    check(page_entries == [t for _, t in want], "PDF contents page %r, want %r" % (page_entries, [t for _, t in want]))
    outline = pdf_outline(pdf)
    check(outline == want, "PDF outline %r, want %r" % (outline, want))
    nav_title, nav_entries, mark, head = epub_nav(epub)
    check(nav_title == title, "EPUB nav title %r, want %r" % (nav_title, title))
    check(head == title, "EPUB nav <title> %r, want %r" % (head, title))
    check(mark == title, "EPUB landmark for the contents %r, want %r" % (mark, title))
    check(nav_entries == want, "EPUB nav %r, want %r" % (nav_entries, want))
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
