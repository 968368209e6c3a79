#!/bin/bash
# codebook: public technical books' code prints line for line. Five chapters of
# "Learn Go with Tests" (fixtures/gobook, MIT) hold about 750 lines in fenced code
# blocks; four chapters of the PyO3 user guide (fixtures/pyo3guide, an mdBook, MIT)
# about 700, some inside list items, some 103 to 119 columns wide, with rustdoc's
# hidden lines. Read from the Markdown here (tabs to stops every 4 columns, a fence's
# indentation off its lines, hidden Rust lines left out), each shown line must be one
# whole line of `pdftotext -layout`, in the book's order, and no hidden line printed;
# set in the monospaced face (Noto Sans Mono embedded; every code word's characters
# one advance wide), never smaller than 5 pt (an advance of 3 pt).
# Thirty pages of "Makefile Tutorial By Example" (fixtures/maketut, MIT) hold Makefiles
# with tab-indented recipes and comments up to 133 columns; it and the Go book are also
# read in letter-2col, a column at a time.
# Usage: codebook.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
FIX=$SRC/tests/print/pdf/fixtures
status=0

# check BOOK_DIR NAME MIN_LINES RUST_HIDDEN CHAPTER...: in the book's own style, or in
# $STYLE when set (letter-2col: each column read on its own, left then right).
check() {
    local book=$1 name=$2 min=$3 hidden=$4 out=$WORK/$2${STYLE:+-$STYLE} split=0
    shift 4
    mkdir -p "$out"
    if ! "$BIN" build "$book" -o "$out" --pdf -q ${STYLE:+--style "$SRC/styles/$STYLE.yaml"}; then
        echo "FAIL: build $name ${STYLE:-}"
        status=1
        return
    fi
    local pdf=$out/$name.pdf
    if [ "${STYLE:-}" = letter-2col ]; then
        # the middle of the page lies in the gap between the columns on either side
        split=306
        pdftotext -layout -x 0 -y 0 -W $split -H 792 "$pdf" "$out/left.txt"
        pdftotext -layout -x $split -y 0 -W $split -H 792 "$pdf" "$out/right.txt"
        python3 -c 'import sys; l, r = (open(f, encoding="utf-8").read().split("\f") for f in sys.argv[1:3]); open(sys.argv[3], "w", encoding="utf-8").write("".join(a + "\n" + b + "\n" for a, b in zip(l, r)))' \
            "$out/left.txt" "$out/right.txt" "$out/layout.txt"
    else
        pdftotext -layout "$pdf" "$out/layout.txt"
    fi
    pdftotext -bbox "$pdf" "$out/bbox.html"
    pdffonts "$pdf" >"$out/fonts.txt"
    mutool draw -q -F stext -o "$out/page.stext" "$pdf" 2>/dev/null
    echo "== $name ${STYLE:-}"
    (cd "$book" && python3 - "$out" "$min" "$hidden" "$split" "$@" <<'PY') || status=1
import html, re, sys, unicodedata
work, least, hidden, split, mds = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", float(sys.argv[4]), sys.argv[5:]
# The most columns a code line at the 5 pt floor holds: 122 in brochure's measure, 77 in
# a letter-2col column; a longer line wraps.
cap = 77 if split else 122
side = lambda x: int(split > 0 and x >= split)
fail = 0
def bad(msg):
    global fail
    fail += 1
    if fail <= 20: print("FAIL:", msg)

# Fenced code (``` or ~~~, at any indentation: inside list items too, and in block
# quotes), as CommonMark reads it: a line loses up to the fence's indentation (after
# the quote's "> "). mdBook hides a Rust block's lines that start with "# " or are a
# lone "#" ("##" shows as "#").
code, concealed = [], []
quote = re.compile(r"^ {0,3}(?:> ?)+")
for md in mds:
    fence = None
    for line in open(md, encoding="utf-8").read().split("\n"):
        if fence is None: quoted = quote.match(line) is not None
        if quoted: line = quote.sub("", line)
        m = re.match(r"^( *)(`{3,}|~{3,})(.*)$", line)
        if fence is None and m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            fence, indent = m.group(2), len(m.group(1))
            rust = hidden and re.match(r"rust($|[ ,])", m.group(3).strip()) is not None
        elif fence is not None and m and m.group(2).startswith(fence) and not m.group(3).strip():
            fence = None
        elif fence is not None:
            line = line[min(len(line) - len(line.lstrip(" ")), indent):]
            t = line.lstrip(" \t")
            if rust and (t == "#" or t.startswith("# ")):
                concealed.append(t[2:])
                continue
            if rust and t.startswith("##"): line = line.replace("##", "#", 1)
            code.append(line.expandtabs(4).rstrip())
lines = [l for l in code if l.strip()]
if len(lines) < least: bad(f"only {len(lines)} code lines in the fixture")

norm = lambda s: " ".join(s.split())
out = [norm(l) for l in open(work + "/layout.txt", encoding="utf-8")]
# A line longer than cap columns (the 8 pt code's 76 in brochure at the floor of 62.5 %)
# cannot fit: it must wrap into consecutive lines that hold all of it, in order (across
# a column or page break: a running head between its pieces is passed over).
def wrapped(n, at):
    flat = n.replace(" ", "")
    for i in range(at, len(out)):
        if not out[i] or not flat.startswith(out[i].replace(" ", "")): continue
        got, k = "", i
        while k < len(out) and len(got) < len(flat):
            nxt = next((j for j in range(k, min(k + 12, len(out)))
                        if out[j] and flat.startswith(got + out[j].replace(" ", ""))), -1)
            if nxt < 0 or (nxt > k and got == ""): break
            got += out[nxt].replace(" ", "")
            k = nxt + 1
        if got == flat and k > i + 1: return k
    return -1
at, whole, wraps = 0, 0, 0
for l in lines:
    n = norm(l)
    if len(l) > cap and (k := wrapped(n, at)) >= 0:
        at, wraps = k, wraps + 1
        continue
    try:
        at = out.index(n, at) + 1
        whole += 1
    except ValueError:
        bad(f"code line not one whole line of pdftotext -layout (after output line {at}): {l!r}")
print(f"{whole} of {len(lines)} code lines whole, in order; {wraps} longer than {cap} columns wrapped, kept whole")
# A hidden line long enough to be its own (not also a shown line) must not be printed.
shown_code, printed = set(norm(l) for l in lines), set(out)
for l in concealed:
    n = norm(l)
    if len(n) > 20 and n not in shown_code and any(n in o for o in printed):
        bad(f"a hidden Rust line is printed: {l!r}")

if "NotoSansMono-Regular" not in open(work + "/fonts.txt").read(): bad("Noto Sans Mono is not embedded")
# The monospaced face: the row of word boxes of every code line of three or more
# words, each character one advance (a block may be set smaller to fit its longest
# line, so the advance is the same within a row, not across the book), never below
# 3 pt (Noto Sans Mono's 0.6 em at 5 pt: the 8 pt code at its floor of 62.5 %).
rows, checked, smallest = {}, 0, 99.0
for page, body in enumerate(open(work + "/bbox.html", encoding="utf-8").read().split("<page ")[1:]):
    for a, b, c, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', body):
        rows.setdefault((page, side(float(a)), round(float(b), 1)), []).append((float(a), float(c), html.unescape(w)))
by_text = {}
for key, row in rows.items():
    by_text.setdefault(" ".join(w for _, _, w in sorted(row)), []).append(row)
# Columns of a word: a mark or format character (U+FE0F after an emoji) takes none.
cols = lambda w: sum(unicodedata.category(c) not in ("Mn", "Me", "Cf") for c in w)
for l in set(norm(l) for l in lines if len(l.split()) >= 3):
    for row in by_text.get(l, []):
        adv = [(x1 - x) / cols(w) for x, x1, w in row]
        checked += 1
        smallest = min(smallest, min(adv))
        if max(adv) - min(adv) > 0.01:
            bad(f"code characters differ in advance: {min(adv):.3f} .. {max(adv):.3f} pt: {l!r}")
if checked < least * 0.4: bad(f"only {checked} code lines found as rows of word boxes")
if smallest < 2.99: bad(f"code set as small as an advance of {smallest:.3f} pt (under 5 pt)")
print(f"{checked} code lines one advance per character, the smallest {smallest:.3f} pt")

# Every glyph of a code line on one grid (mutool's characters, with their fonts): the
# monospaced face's glyphs one advance wide, each at a whole number of advances from the
# line's first; a glyph from another face (an emoji's .notdef is the face's own; ❰ comes
# from a system font) may sit inside its columns, but what follows it is back on the grid.
# The grid is the face's own advance (the PDF's glyph widths), not a rounded one.
# mutool reads no /ActualText (a .notdef's text) and splits a character beyond U+FFFF, so
# such characters match any.
import xml.etree.ElementTree as ET
raw = re.sub(r'c="&#x[dD][89a-fA-F][0-9a-fA-F]{2};"', 'c="?"', open(work + "/page.stext", encoding="utf-8").read())
srows = []
for page in ET.fromstring(raw).iter("page"):
    cur = {}
    for font in page.iter("font"):
        for ch in font.iter("char"):
            q = [float(v) for v in ch.get("quad").split()]
            cur.setdefault((side(q[0]), round(float(ch.get("y")), 1)), []).append(
                (q[0], q[2], font.get("name"), ch.get("c"), float(font.get("size"))))
    srows += [sorted(cur[y]) for y in sorted(cur)]
wild = lambda t: "".join(c if ord(c) < 0x2000 else "?" for c in t if cols(c))
stext = [wild(norm("".join(c[3] for c in r))) for r in srows]
at, gridded = 0, 0
for l in lines:
    try: at = stext.index(wild(norm(l)), at) + 1
    except ValueError: continue
    row = srows[at - 1]
    mono = [c for c in row if "NotoSansMono" in c[2] and c[1] - c[0] > 0.01]
    if not mono: continue
    w = sorted(c[1] - c[0] for c in mono)[len(mono) // 2]
    # On the grid to 0.01 pt, not only to the nearest column: advances summed from whole
    # Pango units drift further within a line. The PDF places glyphs in steps of 1/1000 em
    # (0.008 pt at 8 pt), so each switch to another face may add one such step.
    x0 = mono[0][0]
    slack = lambda c: 0.01 + 0.001 * c[4] * sum(1 for o in row if o[0] < c[0] and "NotoSansMono" not in o[2])
    off = [c[3] for c in mono if abs(c[1] - c[0] - w) > 0.01 or abs(c[0] - x0 - round((c[0] - x0) / w) * w) > slack(c)]
    gridded += 1
    if off: bad(f"code glyphs off the line's grid of {w:.3f} pt ({off[:4]}): {l!r}")
if gridded < least * 0.8: bad(f"only {gridded} code lines found in mutool's text")
print(f"{gridded} code lines with every glyph on one grid")
print(f"{fail} failed")
sys.exit(1 if fail else 0)
PY
}

check "$FIX/gobook" gobook 600 0 chapters/01-hello-world.md chapters/02-integers.md chapters/03-iteration.md \
    chapters/04-arrays-and-slices.md chapters/05-pointers-and-errors.md
check "$FIX/pyo3guide" pyo3guide 650 1 src/function/signature.md src/conversions/traits.md src/trait-bounds.md \
    src/debugging.md
check "$FIX/comprust" comprust 80 1 src/newtype-pattern.md src/is-it-encapsulated.md src/semantic-confusion.md \
    src/single-use-values.md src/orphan-rule.md
check "$FIX/gowebzh" gowebzh 300 0 chapters/02.6.md chapters/05.4.md
check "$FIX/maketut" maketut 120 0 chapters/01-variables-to-rules.md
# Two columns: a line up to 77 columns whole in its column, a longer one wrapped.
STYLE=letter-2col check "$FIX/gobook" gobook 600 0 chapters/01-hello-world.md chapters/02-integers.md \
    chapters/03-iteration.md chapters/04-arrays-and-slices.md chapters/05-pointers-and-errors.md
STYLE=letter-2col check "$FIX/maketut" maketut 120 0 chapters/01-variables-to-rules.md
exit $status
