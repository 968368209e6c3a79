#!/usr/bin/env python3
"""The benchmark's table and its "Done when" checks, from run.sh's results.tsv.

  python3 tests/bench/report.py results.tsv

Each row is the median of a tool's runs on one book; ratios compare medians.
"""
import statistics
import sys

LABEL = {
    "quire": "quire PDF + EPUB", "quire-pdf": "quire --pdf", "quire-epub": "quire --epub",
    "typst": "Typst 0.14 PDF", "pandoc-epub": "pandoc EPUB",
    "pandoc-weasyprint": "pandoc + WeasyPrint PDF", "pandoc-xelatex": "pandoc + XeLaTeX PDF",
}
# Each other tool is compared with the quire run that writes the same kind of output
# (Typst with quire's whole build: the yardstick).
AGAINST = {"typst": "quire", "pandoc-epub": "quire-epub", "pandoc-weasyprint": "quire-pdf",
           "pandoc-xelatex": "quire-pdf"}
BOOK = {"io": "IO brochure (book/)", "300p": "~300 pages", "200p-100png": "~200 pages, 100 PNG",
        "3000p": "~3,000 pages"}


def load(path):
    runs, order = {}, []
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) != 8:
            continue
        book, tool, _, wall, cpu, kb, pages, size = f
        key = (book, tool)
        if key not in runs:
            runs[key] = []
            order.append(key)
        runs[key].append(None if wall == "FAIL" else (float(wall), float(cpu), int(kb), pages, int(size)))
    med = {}
    for key, rs in runs.items():
        ok = [r for r in rs if r]
        if ok and len(ok) == len(rs):
            med[key] = {"wall": statistics.median(r[0] for r in ok), "cpu": statistics.median(r[1] for r in ok),
                        "mb": max(r[2] for r in ok) / 1024, "pages": ok[-1][3], "kb": ok[-1][4] / 1024,
                        "n": len(ok)}
    return runs, order, med


def table(runs, order, med):
    print("| book | tool | runs | median wall s | median CPU s | peak MB | pages | output KB | time vs quire |")
    print("| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key in order:
        book, tool = key
        m = med.get(key)
        if not m:
            print("| %s | %s | %d | FAILED | | | | | |" % (BOOK.get(book, book), LABEL[tool], len(runs[key])))
            continue
        vs = ""
        q = med.get((book, AGAINST.get(tool, "")))
        if q and q["wall"] > 0:
            vs = "%.1fx %s" % (m["wall"] / q["wall"], LABEL[AGAINST[tool]].replace("quire ", ""))
        print("| %s | %s | %d | %.3f | %.2f | %.0f | %s | %.0f | %s |" % (
            BOOK.get(book, book), LABEL[tool], m["n"], m["wall"], m["cpu"], m["mb"], m["pages"], m["kb"], vs))


def goals(med):
    """The issue's "Done when" figures: (what, measured, goal, met)."""
    out = []

    def ratio(what, book, slow, fast, goal):
        a, b = med.get((book, slow)), med.get((book, fast))
        if a and b:
            r = a["wall"] / b["wall"]
            out.append((what, "%.2fx" % r, ">= %gx" % goal, r >= goal))

    ratio("300 pages: Typst PDF / quire PDF + EPUB", "300p", "typst", "quire", 3)
    ratio("300 pages: pandoc + WeasyPrint / quire --pdf", "300p", "pandoc-weasyprint", "quire-pdf", 18)
    ratio("300 pages: pandoc + XeLaTeX / quire --pdf", "300p", "pandoc-xelatex", "quire-pdf", 10)
    ratio("300 pages: pandoc EPUB / quire --epub", "300p", "pandoc-epub", "quire-epub", 2)
    ratio("IO brochure: pandoc EPUB / quire PDF + EPUB", "io", "pandoc-epub", "quire", 1)
    m = med.get(("300p", "quire"))
    if m:
        out.append(("300 pages: quire PDF + EPUB peak memory", "%.0f MB" % m["mb"], "< 100 MB", m["mb"] < 100))
    a, b = med.get(("3000p", "quire")), med.get(("300p", "quire"))
    if a and b:
        r = a["wall"] / b["wall"]
        out.append(("3,000 / 300 pages, quire PDF + EPUB time", "%.2fx" % r, "<= 10.5x", r <= 10.5))
    ratio("200 pages + 100 PNG: pandoc EPUB / quire PDF + EPUB", "200p-100png", "pandoc-epub", "quire", 1)
    return out


def main():
    runs, order, med = load(sys.argv[1])
    table(runs, order, med)
    g = goals(med)
    if g:
        print()
        print("| goal | measured | wanted | met |")
        print("| :--- | ---: | ---: | :--- |")
        for what, got, want, ok in g:
            print("| %s | %s | %s | %s |" % (what, got, want, "yes" if ok else "**no**"))


if __name__ == "__main__":
    main()
