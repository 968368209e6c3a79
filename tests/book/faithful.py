#!/usr/bin/env python3
"""faithful: checks that every sentence of the IO source text appears in the book,
in order, exactly once.

  faithful.py dump SOURCE.txt DUMP.json       the text of `quire dump` (the model)
  faithful.py markdown SOURCE.txt BOOK_DIR    the chapters' Markdown, syntax stripped
  faithful.py self-test SOURCE.txt            the checker must catch a dropped,
                                              a repeated and a swapped sentence

Prints one line per failing sentence and ends with "N passed, N failed".
Exit status: 0 when every sentence passed, 1 otherwise, 2 on bad input.
Standard library only.
"""
import json
import os
import re
import sys

# Abbreviations after which a period does not end a sentence (as in the references).
ABBREVIATIONS = {"al", "vol", "no", "dr", "vs", "ii", "iii", "iv", "st", "mr", "ms", "e.g", "i.e"}
# An attribution's leading dash, as in "– Isabel G. Newton, MD".
DASH_LEAD = re.compile(r"^(?:—|–|--)\s*")
LIST_MARKER = re.compile(r"^\d+[.)]\s+")


def normalise(text):
    """Collapses every run of white space (no-break spaces included) to one space."""
    return re.sub(r"[\s\u00a0\u202f\u2007]+", " ", text).strip()


def split_sentences(para):
    """Splits a paragraph after . ? or ! (and a closing quote or bracket) when the next
    word starts a sentence; initials ("G.") and ABBREVIATIONS do not end one."""
    out, start = [], 0
    for m in re.finditer(r"[.?!][’”)\"']*(?=\s+[A-Z‘“\"'])", para):
        word = re.search(r"(\S+?)[.?!][’”)\"']*$", para[start:m.end()])
        token = word.group(1) if word else ""
        token = token.lstrip("(‘“\"'")
        if re.fullmatch(r"[A-Z]", token) or token.lower() in ABBREVIATIONS:
            continue
        out.append(para[start:m.end()].strip())
        start = m.end()
    rest = para[start:].strip()
    if rest:
        out.append(rest)
    return [normalise(s) for s in out if normalise(s)]


def source_sentences(path):
    """The source's sentences in order. A line is a paragraph. Structure that the
    book renders differently is dropped before comparing visible text: a reference
    list's "1." numbers, an attribution's leading dash, a heading's trailing colon."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    sentences = []
    for raw in lines:
        line = normalise(raw)
        if not line:
            continue
        line = LIST_MARKER.sub("", line)
        line = DASH_LEAD.sub("", line)
        if line.endswith(":") and not re.search(r"[.?!]", line):
            line = line[:-1]
        sentences.extend(split_sentences(line))
    return sentences


# ---- the dump ------------------------------------------------------------------

def kind(t):
    return re.sub(r"[^a-z]", "", str(t).lower())


TEXT_KINDS = {"text", "code", "codeblock"}
BREAK_KINDS = {"softbreak", "linebreak"}
INLINE_KINDS = {"emph", "strong", "strike", "link", "noteref", "anchor", "image"} | TEXT_KINDS | BREAK_KINDS


def dump_text(doc):
    """Visible text of every node, in document order. Text comes only from typed
    nodes (so metadata and chapter titles are not counted twice): inlines are
    joined as they are, every block starts a new line, a figure gives its alt
    text and caption as lines of their own."""
    parts = []

    def field(node, name):
        v = node.get(name)
        if v is None:
            for sub in node.values():
                if isinstance(sub, dict) and isinstance(sub.get(name), str):
                    return sub[name]
        return v if isinstance(v, str) else None

    def walk(x):
        if isinstance(x, list):
            for item in x:
                walk(item)
            return
        if not isinstance(x, dict):
            return
        if "type" in x and isinstance(x["type"], str):
            k = kind(x["type"])
            if k not in INLINE_KINDS:
                parts.append("\n")
            if k in TEXT_KINDS and isinstance(x.get("text"), str):
                parts.append(x["text"])
            elif k in BREAK_KINDS:
                parts.append(" ")
            elif k == "figure":
                for name in ("alt", "caption"):
                    v = field(x, name)
                    if v:
                        parts.append("\n" + v + "\n")
        for key, v in x.items():
            if isinstance(v, (list, dict)):
                walk(v)

    walk(doc)
    return "".join(parts)


def find_values(x, key):
    """Every string value stored under `key` anywhere in the JSON."""
    if isinstance(x, list):
        for item in x:
            yield from find_values(item, key)
    elif isinstance(x, dict):
        for k, v in x.items():
            if k == key and isinstance(v, str):
                yield v
            yield from find_values(v, key)


def all_strings(x):
    if isinstance(x, list):
        for item in x:
            yield from all_strings(item)
    elif isinstance(x, dict):
        for v in x.values():
            yield from all_strings(v)
    elif isinstance(x, str):
        yield x


# ---- Markdown, for checking the chapters without the loader --------------------

def markdown_text(book_dir):
    """The chapters' visible text, roughly: block markers, emphasis, link targets,
    anchors and image syntax removed. Enough for this book's Markdown."""
    chapters = []
    with open(os.path.join(book_dir, "book.yaml"), encoding="utf-8") as f:
        in_chapters = False
        for line in f:
            if re.match(r"^chapters:\s*$", line):
                in_chapters = True
                continue
            if in_chapters:
                m = re.match(r"^\s+-\s+(\S+)\s*$", line)
                if m:
                    chapters.append(m.group(1))
                elif re.match(r"^\S", line):
                    in_chapters = False
    if not chapters:
        raise ValueError("no chapters listed in book.yaml")
    out = []
    for ch in chapters:
        with open(os.path.join(book_dir, ch), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                line = re.sub(r"\\$", " ", line)                  # hard break
                line = re.sub(r"^\s*(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", "", line)
                line = re.sub(r"^\s*>\s?", "", line)
                line = re.sub(r'!\[([^\]]*)\]\(\S+(?:\s+"([^"]*)")?\)',
                              lambda m: "\n" + m.group(1) + "\n" + (m.group(2) or "") + "\n", line)
                line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
                line = re.sub(r"<a\s+id=\"[^\"]*\"\s*>\s*</a>", "", line)
                line = re.sub(r"\*\*|__|(?<!\w)\*|\*(?!\w)", "", line)
                line = DASH_LEAD.sub("", line.strip())
                out.append(line)
        out.append("")
    return "\n".join(out)


# ---- the check -----------------------------------------------------------------

def check(sentences, text, quiet=False):
    """Each sentence must occur exactly once in `text`, after the one before it.
    Returns (passed, failed)."""
    text = normalise(text)
    passed = failed = 0
    cursor = 0
    for s in sentences:
        # Whole words only: "Radiology." must not match inside "…Interventional Radiology."
        pattern = re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)")
        hits = [m.start() for m in pattern.finditer(text)]
        problem = None
        if not hits:
            problem = "missing"
        elif len(hits) > 1:
            problem = "appears %d times" % len(hits)
        elif hits[0] < cursor:
            problem = "out of order"
        else:
            cursor = hits[0] + len(s)
        if problem:
            failed += 1
            if not quiet:
                print("FAIL %s: %s" % (problem, s))
        else:
            passed += 1
    return passed, failed


def self_test(sentences):
    """The checker must pass the source itself and fail on broken copies of it."""
    full = "\n".join(sentences)
    ok = True
    if check(sentences, full, quiet=True)[1] != 0:
        print("FAIL self-test: the source text does not pass against itself")
        ok = False
    mid = len(sentences) // 2
    broken = {
        "a dropped sentence": sentences[:mid] + sentences[mid + 1:],
        "a repeated sentence": sentences + [sentences[mid]],
        "two swapped sentences": sentences[:mid] + [sentences[mid + 1], sentences[mid]] + sentences[mid + 2:],
        "a changed word": sentences[:mid] + [sentences[mid].replace(" ", "  x ", 1)] + sentences[mid + 1:],
    }
    for what, copy in broken.items():
        if check(sentences, "\n".join(copy), quiet=True)[1] == 0:
            print("FAIL self-test: %s was not caught" % what)
            ok = False
    if len(sentences) < 40:
        print("FAIL self-test: only %d sentences found in the source" % len(sentences))
        ok = False
    return ok


def main(argv):
    if len(argv) < 3 or argv[1] not in ("dump", "markdown", "self-test"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sentences = source_sentences(argv[2])
    if argv[1] == "self-test":
        ok = self_test(sentences)
        print("self-test: %d sentences; %s" % (len(sentences), "checker catches errors" if ok else "FAILED"))
        return 0 if ok else 1
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    extra_failed = 0
    if argv[1] == "markdown":
        text = markdown_text(argv[3])
    else:
        with open(argv[3], encoding="utf-8") as f:
            try:
                doc = json.load(f)
            except ValueError as e:
                print("FAIL the dump is not JSON: %s" % e)
                print("0 passed, 1 failed")
                return 1
        text = dump_text(doc)
        # Citations: each reference has its anchor and at least one link to it.
        ids = set(find_values(doc, "id"))
        strings = set(all_strings(doc))
        for n in range(1, 6):
            if "ref-%d" % n not in ids:
                print("FAIL no anchor ref-%d in the references" % n)
                extra_failed += 1
            if "#ref-%d" % n not in strings:
                print("FAIL no link to #ref-%d" % n)
                extra_failed += 1
    if len(normalise(text)) < 1000:
        print("FAIL the book's text is only %d characters: is the dump empty?" % len(normalise(text)))
        extra_failed += 1
    passed, failed = check(sentences, text)
    failed += extra_failed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
