#!/bin/bash
# code: code blocks print as written. Every source line (tabs expanded to stops every
# four columns) that fits the measure is one whole line of `pdftotext -layout`; the
# line too long for it wraps into two output lines that together hold it all, the
# second indented; code is set in the bundled monospaced face (one advance for every
# character, tab stops at multiples of it), a block with a line too long for the measure
# just small enough for that line (shrink-to-fit, down to 62.5 %; a line too long even
# then wraps after a space or punctuation and does not shrink the block); a list item's listing too wide for its indent
# at the column's full width instead; the EPUB's CSS names the same face with a
# monospace fallback and embeds it, and wraps a long line. Usage: code.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
BOOK=$SRC/tests/print/pdf/fixtures/code
if ! "$BIN" build "$BOOK" -o "$WORK" -q; then echo "FAIL: build"; exit 1; fi
pdffonts "$WORK/code.pdf" > "$WORK/fonts.txt"
pdftotext -layout "$WORK/code.pdf" "$WORK/layout.txt"
pdftotext -bbox "$WORK/code.pdf" "$WORK/bbox.html"
unzip -o -q "$WORK/code.epub" -d "$WORK/epub"
python3 - "$BOOK/chapters/01-code.md" "$WORK" <<'PY'
import glob, html, re, sys
md, work = sys.argv[1:3]
fail = 0
def bad(msg):
    global fail
    fail += 1
    print("FAIL:", msg)

def expand(line, tab=4):
    out = ""
    for ch in line:
        if ch == "\t":
            out += " " * (tab - len(out) % tab)
        else:
            out += ch
    return out

blocks, cur = [], None
for line in open(md, encoding="utf-8").read().split("\n"):
    if line.startswith("```"):
        if cur is None: cur = []
        else: blocks.append(cur); cur = None
    elif cur is not None:
        cur.append(expand(line))
code = [l for b in blocks for l in b if l.strip()]
norm = lambda s: " ".join(s.split())
out = [norm(l) for l in open(work + "/layout.txt", encoding="utf-8")]
longs = [l for l in code if len(l) > 122] # too long for the measure even at 62.5 %
whole = 0
for l in code:
    if l in longs: continue
    if norm(l) in out: whole += 1
    else: bad(f"code line not whole in pdftotext -layout: {l!r}")
# Each long line: two output lines, in order, that make it up between them.
for longest in longs:
    n = norm(longest)
    hits = [i for i, o in enumerate(out) if o and n.startswith(o) and len(o) < len(n)]
    if not any(norm(out[i] + " " + out[i + 1]) == n or (out[i] + out[i + 1]).replace(" ", "") == n.replace(" ", "") for i in hits):
        bad(f"the long line is not wrapped into two lines holding it all: {longest!r}")
# With no space late enough, the URL wraps after a hyphen or slash, not inside a word.
if not any(o.endswith("latest/download/project-") for o in out):
    bad("the long curl line does not wrap after the last punctuation before the measure")
print(f"{whole} whole code lines")

fonts = open(work + "/fonts.txt").read()
if "NotoSansMono-Regular" not in fonts: bad("the PDF does not embed Noto Sans Mono:\n" + fonts)

# Word boxes of the code lines: every character the same advance; tab stops on columns.
words = [(float(a), float(b), float(c), html.unescape(w)) for a, b, c, w in
         re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', open(work + "/bbox.html", encoding="utf-8").read())]
def line_words(text):
    first = text.split()[0]
    for i, (x, y, x1, w) in enumerate(words):
        if w != first: continue
        row = [t for t in words if abs(t[1] - y) < 0.5 and t[0] >= x - 0.1]
        if " ".join(t[3] for t in row).startswith(norm(text)): return row
    return None
def advances(l):
    row = line_words(l)
    if not row: bad(f"no word boxes for {l!r}"); return []
    return [(x1 - x) / len(w) for x, y, x1, w in row]
adv = advances("abcd    e   f") + advances("drwxr-xr-x  2 root root 4096 Jan  1 00:00 adduser")
if adv and max(adv) - min(adv) > 0.01:
    bad(f"code characters differ in advance: {min(adv):.3f} to {max(adv):.3f} pt")
a = sum(adv) / len(adv) if adv else 0
# The Go block's one line too wide is too long even at 62.5 % (the style's shrink-to-fit):
# it wraps, and the block keeps the code size.
go = advances("package main") + advances("// main prints its arguments, one to a line, numbered.")
if go and (max(go) - min(go) > 0.01 or abs(sum(go) / len(go) - a) > 0.01):
    bad(f"the Go block's advance {min(go):.3f} to {max(go):.3f} pt is not the code's {a:.3f}")
# The block with a 100-column line is set just small enough for it (76 columns fit at the
# code size): 76 % of the size, above the floor; its longer line wraps at that size.
small = advances("// This comment is exactly one hundred columns wide, so the block is set smaller to fit it whole....")
if small and (max(small) - min(small) > 0.01 or not 0.74 * a < sum(small) / len(small) < 0.78 * a):
    bad(f"the 100-column block's advance {min(small):.3f} to {max(small):.3f} pt is not about 76 % of {a:.3f}")
# A list item's listing too wide for the item's indent (74 columns; 72 fit beside it,
# 76 in the column) takes the column's width at the code size: it starts where the
# shell session's lines start, one whole line, its advance the code's own. The narrow
# one stays indented.
def left(l):
    row = line_words(l)
    if not row: bad(f"no word boxes for {l!r}"); return None
    return row[0][0]
wide = 'grep -rn "other words" --include=*.md chapters/ | sort -t: -k1,1 | uniq -c'
if norm(wide) not in out: bad(f"the list item's wide listing is not one whole line: {wide!r}")
xs, xw, xn = left("$ ls -l /usr/share/doc | head -n 3"), left(wide), left("make test")
if None not in (xs, xw, xn):
    if abs(xw - xs) > 0.1: bad(f"the wide listing in a list starts at {xw:.1f}, not at the column's code edge {xs:.1f}")
    if xn < xs + 10: bad(f"the narrow listing in a list is not indented ({xn:.1f}, column code at {xs:.1f})")
wa = advances(wide)
if wa and abs(sum(wa) / len(wa) - a) > 0.01: bad(f"the wide listing in a list is set smaller ({min(wa):.3f} pt, not {a:.3f})")
for l in ("a   b   c", "ab  c   d", "abc d   e", "abcd    e   f"):
    row = line_words(l)
    if not row or not a: bad(f"no word boxes for the tab line {l!r}"); continue
    cols = [round((x - row[0][0]) / a, 2) for x, _, _, _ in row]
    want = [float(m.start()) for m in re.finditer(r"\S+", l)]
    if cols != want: bad(f"tab stops of {l!r}: columns {cols}, want {want}")

css = "".join(open(f, encoding="utf-8").read() for f in glob.glob(work + "/epub/**/*.css", recursive=True))
rule = re.search(r"pre, code \{[^}]*\}", css)
if not rule or not re.search(r'font-family: "Noto Sans Mono", monospace', rule.group(0)):
    bad("the EPUB's CSS does not set code in \"Noto Sans Mono\", monospace")
if not re.search(r'@font-face \{[^}]*"Noto Sans Mono"', css): bad("the EPUB does not embed Noto Sans Mono")
# On a reading system's page a long line wraps (at a space, else inside a word), never runs off it.
# (overflow-wrap is inherited: the body's reaches pre and code.)
pre = " ".join(re.findall(r"(?:^|\n)(?:pre|body) \{([^}]*)\}", css))
if "white-space: pre-wrap" not in pre or "overflow-wrap: break-word" not in pre:
    bad("the EPUB's pre does not wrap long lines (white-space: pre-wrap, overflow-wrap: break-word)")
print(f"{fail} failed")
sys.exit(1 if fail else 0)
PY
