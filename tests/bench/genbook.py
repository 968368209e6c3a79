#!/usr/bin/env python3
"""Generates large benchmark books from the sample book's own chapters.

Reads book/book.yaml and the chapters it lists, then repeats and permutes
their text into a book of about N A4 pages (240 words a page), written as

  OUT/book.yaml, OUT/chapters/NNNN.md, OUT/images/io-infographic.svg
      a book folder quire reads;
  OUT/<name>.md
      the same text as one Markdown file (with a YAML title block) for
      pandoc, to be run from inside OUT so that image paths resolve. Its
      anchors are pandoc's empty spans ([]{#id}) rather than raw HTML, so
      every pandoc writer (EPUB, HTML, LaTeX, Typst) keeps them.

With --png-figures N the book also holds N PNG figures (images/fig-NNN.png,
each a different chart drawn here, about 1000 x 620 pixels), spread evenly
over its paragraphs, and the SVG infographic is left out.

Every generated chapter is "Chapter N — <title>": the content chapters of
the source book as sections in a seeded order, a small GFM table, a
footnote [^N], the figure, and the chapter's own copy of the references.
Reference anchors are renamed per chapter (ref-1 -> c12-ref-1, links
likewise) so every anchor in the generated book is unique.

Same source, seed and size -> same bytes. Python 3 standard library only.

  python3 tests/bench/genbook.py --out tests/bench/work --pages 30 300 3000
"""

import argparse
import os
import struct
import zlib
import random
import re
import shutil
import sys
import uuid

WORDS_PER_PAGE = 240
MARKER = ".genbook"
FIGURE = "images/io-infographic.svg"
ANCHOR_RE = re.compile(r'<a id="([A-Za-z][\w.-]*)"></a>')
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A figure of its own, used only when the source book has no io-infographic.svg yet.
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">\n'
    '  <rect width="600" height="200" fill="#e6f2f1"/>\n'
    '  <circle cx="100" cy="100" r="60" fill="none" stroke="#0b6e69" stroke-width="6"/>\n'
    '  <circle cx="300" cy="100" r="60" fill="none" stroke="#0b6e69" stroke-width="6"/>\n'
    '  <circle cx="500" cy="100" r="60" fill="none" stroke="#0b6e69" stroke-width="6"/>\n'
    "</svg>\n"
)


def fail(msg):
    sys.stderr.write("genbook: error: %s\n" % msg)
    sys.exit(1)


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read().replace("\r\n", "\n")


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def read_manifest(src):
    """The few book.yaml keys the generator needs: title, authors, chapters."""
    path = os.path.join(src, "book.yaml")
    if not os.path.isfile(path):
        fail("%s not found" % path)
    meta = {"title": "About Interventional Oncology", "authors": [], "chapters": []}
    key = None
    for line in read_text(path).split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z][\w-]*):\s*(.*)$", line)
        if m:
            key, value = m.group(1), m.group(2)
            if key == "title" and value and value[0] not in ">|":
                meta["title"] = unquote(value)
            continue
        m = re.match(r"^\s+-\s+(.*)$", line)
        if m and key in ("authors", "chapters"):
            meta[key].append(unquote(m.group(1)))
    if not meta["chapters"]:
        fail("%s lists no chapters" % path)
    return meta


def split_chapter(text):
    """(title, body) of one source chapter: its first '# ' heading and the rest."""
    lines = text.strip("\n").split("\n")
    for i, line in enumerate(lines):
        m = HEADING_RE.match(line)
        if m and len(m.group(1)) == 1:
            return m.group(2), "\n".join(lines[i + 1:]).strip("\n")
    return None, text.strip("\n")


def demote(body):
    """Moves every heading one level down (## -> ###), outside code fences."""
    out, fence = [], False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence:
            m = HEADING_RE.match(line)
            if m and len(m.group(1)) < 6:
                line = "#" + m.group(1) + " " + m.group(2)
        out.append(line)
    return "\n".join(out)


def load_source(src):
    meta = read_manifest(src)
    sections, references = [], None
    for rel in meta["chapters"]:
        path = os.path.join(src, rel)
        if not os.path.isfile(path):
            fail("chapter %s listed in book.yaml not found" % path)
        title, body = split_chapter(read_text(path))
        if title is None:
            fail("%s has no '# ' title" % path)
        if ANCHOR_RE.search(body) and references is None:
            references = (title, body)
        else:
            sections.append((title, body))
    if not sections:
        fail("no content chapters in %s" % src)
    anchors = set()
    if references:
        anchors.update(ANCHOR_RE.findall(references[1]))
    for _, body in sections:
        anchors.update(ANCHOR_RE.findall(body))
    return meta, sections, references, anchors


def rename_anchors(text, anchors, prefix):
    """ref-1 -> c12-ref-1 in '<a id="…">' and in '(#…)' link targets."""
    if not anchors:
        return text
    alt = "|".join(re.escape(a) for a in sorted(anchors, key=len, reverse=True))
    text = re.sub(r'<a id="(%s)"></a>' % alt, lambda m: '<a id="%s%s"></a>' % (prefix, m.group(1)), text)
    return re.sub(r"\(#(%s)\)" % alt, lambda m: "(#%s%s)" % (prefix, m.group(1)), text)


TABLE_ROWS = [
    ("Radioembolization", "radiation, directly to the liver", "liver tumors"),
    ("Chemoembolization", "chemotherapy, into the feeding vessels", "cancerous tumors"),
    ("Cryoablation", "cold, through a probe", "tumor cells"),
    ("Microwave ablation", "heat, through a probe", "tumor cells"),
    ("Radiofrequency ablation", "heat, through a probe", "tumor cells"),
]


def make_table(rng, n):
    rows = rng.sample(TABLE_ROWS, 3)
    lines = [
        "Table %d. Three IO therapies and what each delivers." % n,
        "",
        "| Therapy | Delivers | Target |",
        "| :-- | :-- | :-- |",
    ]
    lines += ["| %s | %s | %s |" % r for r in rows]
    return "\n".join(lines)


def add_footnote(body, n):
    """Puts the mark [^n] at the end of the body's first plain paragraph."""
    paras = body.split("\n\n")
    for i, p in enumerate(paras):
        s = p.lstrip()
        if s and not s.startswith(("#", ">", "-", "*", "|", "!", "<", "1.", "`")):
            paras[i] = p.rstrip() + "[^%d]" % n
            return "\n\n".join(paras), True
    return body, False


def drop_svg_figure(text):
    return "\n\n".join(p for p in text.split("\n\n") if FIGURE not in p)


def make_chapter(n, rng, sections, references, anchors):
    order = list(range(len(sections)))
    rng.shuffle(order)
    picked = [sections[i] for i in order]
    parts = []
    title0, body0 = picked[0]
    body0, marked = add_footnote(demote(body0), n)
    parts.append("# Chapter %d — %s" % (n, title0))
    parts.append(body0)
    for title, body in picked[1:]:
        if not marked:
            body, marked = add_footnote(demote(body), n)
        else:
            body = demote(body)
        parts.append("## " + title)
        parts.append(body)
    parts.append(make_table(rng, n))
    if not any(FIGURE in b for _, b in picked):
        parts.append('![Infographic: the three areas of interventional oncology.](%s "IO Infographic")' % FIGURE)
    if references:
        parts.append("## " + references[0])
        parts.append(demote(references[1]))
    if not marked:
        parts[1] = parts[1].rstrip() + "[^%d]" % n
    names = ", ".join(t for t, _ in picked)
    parts.append("[^%d]: Chapter %d repeats the text of the IO book with its sections in this order: %s." % (n, n, names))
    text = "\n\n".join(parts) + "\n"
    return rename_anchors(text, anchors, "c%d-" % n)


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def make_png(rng, width=1000, height=620):
    """An RGB bar chart on a soft vertical gradient: pixels like a real figure's, different for each seed."""
    bars = rng.randint(5, 12)
    heights = [rng.uniform(0.15, 0.9) for _ in range(bars)]
    hue = [rng.randint(20, 190) for _ in range(3)]
    slot = (width - 80) // bars
    rows = []
    for y in range(height):
        g = 235 + (y * 20) // height
        row = bytearray([g, g, min(255, g + 5)]) * width
        level = 1.0 - (y - 40) / (height - 80)
        if 40 <= y < height - 40:
            for b, h in enumerate(heights):
                if level <= h:
                    x0 = 40 + b * slot + slot // 6
                    x1 = 40 + (b + 1) * slot - slot // 6
                    shade = (b * 17) % 60
                    row[3 * x0:3 * x1] = bytes([hue[0] + shade // 2, hue[1], hue[2] + shade]) * (x1 - x0)
        if y % 62 == 0:
            row[3 * 40:3 * (width - 40)] = bytes([190, 190, 190]) * (width - 80)
        rows.append(b"\x00" + bytes(row))
    raw = zlib.compress(b"".join(rows), 6)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b""))


def add_png_figures(chapters, count, out, rng):
    """Spreads `count` PNG figures evenly over the chapters' plain paragraphs (after each chosen one)."""
    slots = []
    for c, text in enumerate(chapters):
        paras = text.split("\n\n")
        for i, p in enumerate(paras):
            s = p.lstrip()
            if s and not s.startswith(("#", ">", "-", "*", "|", "!", "<", "[", "1.", "`", "Table ")):
                slots.append((c, i))
    if not slots:
        fail("no paragraph to put a figure after")
    step = max(1, len(slots) // count)
    chosen = slots[::step][:count]
    split = [t.split("\n\n") for t in chapters]
    for n, (c, i) in enumerate(chosen, 1):
        name = "images/fig-%03d.png" % n
        with open(os.path.join(out, name), "wb") as f:
            f.write(make_png(rng))
        split[c][i] += '\n\n![Bar chart %d: values of a made-up series.](%s "Figure %d")' % (n, name, n)
    return ["\n\n".join(parts) for parts in split], len(chosen)


def pandoc_anchors(text):
    """<a id="x"></a> -> []{#x}: pandoc's EPUB passes raw HTML on, but its Typst and LaTeX writers drop it."""
    return ANCHOR_RE.sub(lambda m: "[]{#%s}" % m.group(1), text)


def words(text):
    return len(text.split())


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(src, out, pages, seed, png_figures=0):
    meta, sections, references, anchors = load_source(src)
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, MARKER)):
            fail("%s exists and was not made by genbook.py; refusing to overwrite it" % out)
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "chapters"))
    os.makedirs(os.path.join(out, "images"))
    write_text(os.path.join(out, MARKER), "generated by tests/bench/genbook.py; safe to delete\n")

    fig = os.path.join(src, FIGURE)
    if png_figures:
        pass   # the PNGs are the figures
    elif os.path.isfile(fig):
        shutil.copyfile(fig, os.path.join(out, FIGURE))
    else:
        sys.stderr.write("genbook: warning: %s missing; using a placeholder figure\n" % fig)
        write_text(os.path.join(out, FIGURE), PLACEHOLDER_SVG)

    name = "io-%dp" % pages + ("-%dpng" % png_figures if png_figures else "")
    title = "%s (%d-page edition%s)" % (meta["title"], pages, ", %d figures" % png_figures if png_figures else "")
    target = pages * WORDS_PER_PAGE
    rng = random.Random(seed * 1000003 + pages)
    chapters, total, n = [], 0, 0
    while True:
        text = make_chapter(n + 1, rng, sections, references, anchors)
        w = words(text)
        # Stop at the chapter count closest to the target.
        if chapters and total + w / 2 > target:
            break
        n += 1
        chapters.append(text)
        total += w

    if png_figures:
        chapters = [drop_svg_figure(t) for t in chapters]
        chapters, placed = add_png_figures(chapters, png_figures, out, random.Random(seed * 7919 + pages))
        if placed < png_figures:
            fail("room for only %d of %d figures in %d pages" % (placed, png_figures, pages))

    width = max(3, len(str(n)))
    files = []
    for i, text in enumerate(chapters, 1):
        rel = "chapters/%0*d.md" % (width, i)
        write_text(os.path.join(out, rel), text)
        files.append(rel)

    ident = uuid.uuid5(uuid.NAMESPACE_URL, "quire-bench:%s:%d" % (name, seed))
    y = [
        "# Generated by tests/bench/genbook.py from book/ (seed %d): a benchmark book, not for reading." % seed,
        "name: %s" % name,
        "title: %s" % yaml_str(title),
    ]
    if meta["authors"]:
        y.append("authors:")
        y += ["  - %s" % yaml_str(a) for a in meta["authors"]]
    y += [
        "language: en-US",
        'identifier: "urn:uuid:%s"' % ident,
        'date: "2026-01-01"',
        "style: brochure",
        "chapters:",
    ]
    y += ["  - %s" % f for f in files]
    write_text(os.path.join(out, "book.yaml"), "\n".join(y) + "\n")

    head = ["---", "title: %s" % yaml_str(title), "lang: en-US"]
    if meta["authors"]:
        head.append("author:")
        head += ["  - %s" % yaml_str(a) for a in meta["authors"]]
    head.append("---")
    write_text(os.path.join(out, name + ".md"), "\n".join(head) + "\n\n" + pandoc_anchors("\n".join(chapters)))
    return name, n, total


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=os.path.join(root, "book"), help="source book folder (default: the project's book/)")
    ap.add_argument("--out", required=True, help="work folder; each size goes to OUT/<pages>p/")
    ap.add_argument("--pages", type=int, nargs="+", default=[30, 300, 3000], help="target A4 page counts")
    ap.add_argument("--seed", type=int, default=1, help="permutation seed (default 1)")
    ap.add_argument("--png-figures", type=int, default=0, metavar="N",
                    help="N PNG figures instead of the SVG one; the folder is OUT/<pages>p-<N>png/")
    a = ap.parse_args()
    for p in a.pages:
        if p < 1:
            fail("--pages must be positive")
        d = os.path.join(a.out, "%dp" % p + ("-%dpng" % a.png_figures if a.png_figures else ""))
        name, n, total = generate(a.src, d, p, a.seed, a.png_figures)
        print("%s\t%s\t%d chapters\t%d words\t~%d pages" % (d, name, n, total, total // WORDS_PER_PAGE))


if __name__ == "__main__":
    main()
