#!/usr/bin/env python3
"""sentences: how many sentences of a book's Markdown sources are in its PDF and EPUB.

  sentences.py MIN_PERCENT PDF_TEXT EPUB_DIR SOURCE.md...

The sources are read independently of quire: Markdown and HTML syntax stripped with
regular expressions (link and image addresses, tags, emphasis marks, list and table
markup, code fences), then split into sentences at . ? ! and line ends. PDF_TEXT is
`pdftotext` output; EPUB_DIR an unzipped EPUB (the text of its XHTML files). Both sides
are compared as lower-case letters and digits only, so line breaks, hyphenation, curly
quotes and dashes do not matter. A sentence passes when it is found in the artifact.
Prints the coverage of each artifact and the first sentences missing; exit 1 when
either is under MIN_PERCENT. Standard library only.
"""
import html
import os
import re
import sys


def squash(text):
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def protect(src, kept):
    """Code (fenced blocks and `spans`) is text as written: it is set aside, as \x00N\x00,
    before markup is stripped, and put back after."""
    def keep(text):
        kept.append(text)
        return "\x00%d\x00" % (len(kept) - 1)
    out, fence = [], None
    for line in src.split("\n"):
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            out.append(" ")
        elif fence is not None:
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
                out.append(" ")
            else:
                out.append(keep(line))
        else:
            out.append(re.sub(r"(`+)(.+?)\1", lambda m: keep(m.group(2)), line))
    return "\n".join(out)


def restore(text, kept):
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def strip_markdown(src):
    kept = []
    src = protect(src, kept)
    src = re.sub(r"<!--.*?-->", " ", src, flags=re.S)
    src = re.sub(r"<(script|style)\b.*?</\1>", " ", src, flags=re.S | re.I)
    # mdBook and pandoc extras a reader never sees
    src = re.sub(r"^---\n.*?\n---\n", " ", src, count=1, flags=re.S)
    src = re.sub(r"\{\{#[^}]*\}\}", " ", src)
    # images: their alt text; links: their text; autolinks: the address
    src = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r" \1 ", src)
    src = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", src)
    src = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", src)
    src = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", src, flags=re.M)
    src = re.sub(r"<(https?://[^>]+)>", r"\1", src)
    src = re.sub(r"<img\b[^>]*\balt=\"([^\"]*)\"[^>]*>", r" \1 ", src, flags=re.I | re.S)
    src = re.sub(r"</?[A-Za-z][^>]*>", " ", src, flags=re.S)
    src = html.unescape(src)
    src = re.sub(r"^\s{0,3}#{1,6}\s*", "", src, flags=re.M)
    src = re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", src, flags=re.M)
    src = re.sub(r"^\s*>+", "", src, flags=re.M)
    src = re.sub(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", " ", src, flags=re.M)
    src = src.replace("|", "\n")
    src = re.sub(r"[*_`~]", "", src)
    src = re.sub(r"\\(.)", r"\1", src)
    return restore(src, kept)


def sentences(src):
    out = []
    for line in strip_markdown(src).split("\n"):
        for s in re.split(r"(?<=[.?!])\s+", line):
            if len(squash(s)) >= 12:  # fragments shorter than this say little
                out.append(s.strip())
    return out


def without_furniture(text):
    """The PDF's text without each page's folio and running head, which `pdftotext -raw`
    gives after the page's text (they are drawn last), so a sentence running on to the next
    page reads whole: a page's last line when it is a folio (digits or a roman number), and
    the line before it when it is in capitals (the head)."""
    pages = []
    for page in text.split("\f"):
        lines = page.rstrip("\n").split("\n")
        if lines and re.fullmatch(r"\s*([0-9]+|[ivxlcdm]+)\s*", lines[-1]):
            lines.pop()
            if lines and lines[-1].strip() and lines[-1] == lines[-1].upper() and re.search(r"[A-Z]", lines[-1]):
                lines.pop()
        pages.append("\n".join(lines))
    return "\n".join(pages)


def epub_text(folder):
    parts = []
    for root, _, files in os.walk(folder):
        for f in sorted(files):
            if f.endswith(".xhtml"):
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    parts.append(html.unescape(re.sub(r"<[^>]+>", " ", fh.read())))
    return "".join(parts)


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    need = float(argv[1])
    with open(argv[2], encoding="utf-8", errors="replace") as fh:
        pdf = squash(without_furniture(fh.read()))
    epub = squash(epub_text(argv[3]))
    sents = []
    for path in argv[4:]:
        with open(path, encoding="utf-8") as fh:
            sents += sentences(fh.read())
    ok = True
    for name, text in (("PDF", pdf), ("EPUB", epub)):
        missing = [s for s in sents if squash(s) not in text]
        pct = 100.0 * (len(sents) - len(missing)) / max(1, len(sents))
        print(f"{name}: {len(sents) - len(missing)} of {len(sents)} sentences ({pct:.1f} %)")
        for s in missing[:10]:
            print(f"  missing: {s[:120]}")
        ok &= pct >= need
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
