#!/bin/bash
# pdf_checks: builds the fixture book and checks the PDF with qpdf and poppler:
# structure, fonts, metadata, outline, contents page numbers, text, word boxes,
# reproducibility. Usage: pdf_checks.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
. "$2/tests/lib.sh"
begin_test "$@"
BOOK=$SRC/tests/print/pdf/fixtures/keeps
"$BIN" build "$BOOK" -o "$WORK/a" --pdf -q || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
PDF=$WORK/a/keeps.pdf
check_sh "qpdf --check" 'qpdf --check "$PDF" >/dev/null 2>&1'
# finishing left nothing unused behind and no reference dangling (the tagged tree replaced cairo's)
check_sh "objects sound" 'qpdf --json=2 --json-key=qpdf "$PDF" | python3 "$SRC/tests/print/finish/objects.py" >/dev/null'
check_sh "fonts embedded" '[ "$(pdffonts "$PDF" | tail -n +3 | awk "{ if (\$(NF-4) != \"yes\") print }" | wc -l)" = 0 ]'
check_sh "fonts present" '[ "$(pdffonts "$PDF" | tail -n +3 | wc -l)" -ge 2 ]'
INFO=$(pdfinfo "$PDF")
check_sh "tagged" 'grep -q "^Tagged: *yes" <<<"$INFO"'
check_sh "title" 'grep -q "^Title: *Keeps Fixture" <<<"$INFO"'
check_sh "A4 page size" 'grep -q "^Page size: *595.276 x 841.89 pts" <<<"$INFO"'
PAGES=$(sed -n "s/^Pages: *//p" <<<"$INFO")
check_sh "page count" '[ "$PAGES" -ge 10 ]'
"$BIN" preview "$BOOK" -o "$WORK/pv" -q
check_sh "preview pages" '[ "$(ls "$WORK"/pv/page-*.png | wc -l)" = "$PAGES" ] && [ -s "$WORK/pv/contact-sheet.png" ]'
# Reproducible: a second build gives the same bytes.
"$BIN" build "$BOOK" -o "$WORK/b" --pdf -q
check_sh "reproducible" 'cmp -s "$PDF" "$WORK/b/keeps.pdf"'
# Chapters laid out on one thread or split over two give the same bytes.
QUIRE_LAYOUT_THREADS=1 "$BIN" build "$BOOK" -o "$WORK/t1" --pdf -q
QUIRE_LAYOUT_THREADS=2 "$BIN" build "$BOOK" -o "$WORK/t2" --pdf -q
check_sh "one or two layout threads" 'cmp -s "$WORK/t1/keeps.pdf" "$WORK/t2/keeps.pdf" && cmp -s "$PDF" "$WORK/t2/keeps.pdf"'
QUIRE_LAYOUT_THREADS=1 "$BIN" build "$SRC/book" -o "$WORK/io1" --pdf -q
QUIRE_LAYOUT_THREADS=2 "$BIN" build "$SRC/book" -o "$WORK/io2" --pdf -q
check_sh "one or two layout threads (book/)" 'cmp -s "$WORK/io1/io.pdf" "$WORK/io2/io.pdf"'
# Structure: pdffinish writes the tree the print writer describes, one Document element
# at its root. structtree.py checks every /P and that each /ParentTree
# reference is an element of the tree (never the root).
qpdf --json "$WORK/io1/io.pdf" | python3 "$SRC/tests/print/finish/structtree.py" --summary >"$WORK/io-struct.txt" 2>&1
check_sh "structure tree checks (book/): $(grep ERROR "$WORK/io-struct.txt" | head -n 3 | tr '\n' ' ')" \
    'no_match ERROR "$WORK/io-struct.txt" && grep -q "parent tree references" "$WORK/io-struct.txt"'
check_sh "one Document element at the root (book/)" '[ "$(grep -c "^[A-Za-z]" "$WORK/io-struct.txt")" = 1 ] && head -n 1 "$WORK/io-struct.txt" | grep -qx Document'
check_sh "cover Figure and P, contents H1 and TOC, one Sect per chapter under the Document (book/)" \
    '(for t in Figure P H1 TOC "Sect ×6"; do grep -qE "^  $t( ×[0-9]+)?\$" "$WORK/io-struct.txt" || exit 1; done)'
PYOUT=$(python3 - "$PDF" "$BOOK" <<'PY'
import json, re, subprocess, sys
pdf, book = sys.argv[1], sys.argv[2]
passed = failed = 0
def ok(cond, what):
    global passed, failed
    if cond: passed += 1
    else: failed += 1; print("FAIL:", what)
def text(first=None, last=None, extra=()):
    args = ["pdftotext", *extra]
    if first: args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [pdf, "-"], capture_output=True, text=True).stdout
# Headings of the source, in order.
heads = []
for ch in ["01-keeps.md", "02-tables.md"]:
    for line in open(f"{book}/chapters/{ch}"):
        m = re.match(r"(#{1,3}) (.*)", line)
        if m: heads.append((len(m.group(1)), m.group(2).strip()))
# Outline mirrors h1-h3.
js = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf], capture_output=True, text=True).stdout)
flat = []
def walk(items, depth):
    for it in items:
        flat.append((depth, it["title"], it["destpageposfrom1"])); walk(it["kids"], depth + 1)
walk(js["outlines"], 1)
ok([(d, t) for d, t, _ in flat] == heads, f"outline {[(d, t) for d, t, _ in flat]} != headings {heads}")
# Contents: every h1/h2 with the folio of the page it is on.
pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
front = None
for p in range(1, pages + 1):
    if text(p).strip().startswith("Keeping Lines Together") and p > 2: front = p - 1; break
ok(front is not None, "found the first body page")
toc = re.sub(r"\s+", " ", text(2, 2, ("-layout",)))
seen = 0
for d, title in heads:
    if d > 2: continue
    m = re.search(re.escape(title) + r" (\d+)", toc)
    ok(m is not None, f"contents entry for {title}")
    if not m: continue
    page = front + int(m.group(1))
    ok(title in re.sub(r"\s+", " ", text(page)), f"{title} is on page {m.group(1)} as the contents say")
    seen += 1
ok(seen >= 5, "contents entries checked")
# Every word of the prose comes back (hyphenated line ends joined).
full = text().replace("\u00ad\n", "").replace("-\n", "")
words = set(re.findall(r"[A-Za-z]{3,}", full))
ok("\ufffd" not in full, "no U+FFFD")
ok(not re.search("[\ufb00-\ufb06]", full), "no ligature code points")
src = open(f"{book}/chapters/01-keeps.md").read()
src = re.sub(r"\[\^[a-z]\]:?", " ", src)
src = re.sub(r"\]\([^)]*\)", "]", src)
missing = [w for w in set(re.findall(r"[A-Za-z]{3,}", src)) if w not in words]
ok(not missing, f"words missing from the text: {missing[:10]}")
# No word box outside the text block (mirrored margins: inner 22mm, outer 18mm on A4).
W, mm = 595.276, 72 / 25.4
bbox = text(extra=("-bbox",))
bad = 0
page = 0
for line in bbox.splitlines():
    if "<page " in line: page += 1
    m = re.search(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', line)
    if not m or page < 2: continue
    x0, x1 = float(m.group(1)), float(m.group(2))
    if x0 < 18 * mm - 0.5 or x1 > W - 18 * mm + 0.5: bad += 1
ok(bad == 0, f"{bad} word boxes outside the text block")
print(f"PY {passed} {failed}")
sys.exit(0)
PY
)
grep -v '^PY ' <<<"$PYOUT"
read -r _ p f < <(grep '^PY ' <<<"$PYOUT")
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))

# Link URLs: a /URI holds a URI, so bytes a URI may not hold are percent-encoded (as in
# the EPUB); reserved characters and valid %XX escapes stay. A host no URI can hold
# (a space in it) gives no link at all. A figure without alt text gets no /Alt.
LINKS=$SRC/tests/ebook/epub/fixtures/links
if "$BIN" build "$LINKS" -o "$WORK/links" --pdf -q; then
    qpdf --qdf --object-streams=disable "$WORK/links/links.pdf" "$WORK/links.qdf" 2>/dev/null
    grep -a '^ */URI (' "$WORK/links.qdf" | sed 's/^ *\/URI (//; s/)$//' | sort >"$WORK/uris.txt"
    sort >"$WORK/uris.want" <<'URIS'
https://example.com/a%22b'c%3Cd%3E
https://x.y/?a=1&b=%222%22
https://example.com/a%20b/c%20d
https://de.wikipedia.org/wiki/Gr%C3%B6%C3%9Fe
https://example.com/a%20b%25zz%254
https://example.com/p?q=1#x%23y
https://example.com/%7Ba%7D%7Cb%5Ec%60d%5Ce
URIS
    check_sh "link /URIs percent-encoded: $(diff "$WORK/uris.want" "$WORK/uris.txt" | tr '\n' ' ')" \
        'cmp -s "$WORK/uris.want" "$WORK/uris.txt"'
    # An image without alt text is decorative (alt="" in the e-book): an artifact, no Figure.
    check_sh "one Figure (the cover; the undescribed image is an artifact)" '[ "$(grep -ac "/S /Figure" "$WORK/links.qdf")" = 1 ]'
    check_sh "artifacts of /Type /Layout in the content" 'grep -aq "/Artifact << /Type /Layout >> BDC" "$WORK/links.qdf"'
    check_sh "only the cover has /Alt" \
        '[ "$(grep -ac "^  /Alt " "$WORK/links.qdf")" = 1 ] && grep -aq "/Alt (A yellow disc on a blue field.)" "$WORK/links.qdf"'
    check_sh "no empty /Alt" 'no_match -aE "/Alt \(( *)\)" "$WORK/links.qdf"'
else
    check_sh "links fixture builds" false
fi
# An SVG shown on two pages, by chapters laid out on two threads: drawn once, as one form
# XObject both pages paint, and its text stays text (librsvg draws text as outlines unless
# it draws for a PDF surface).
rm -rf "$WORK/twice" && cp -r "$SRC/book" "$WORK/twice"
printf '# Once more\n\nThe figure again.\n\n![The same infographic.](images/io-infographic.svg "Again")\n' \
    >"$WORK/twice/chapters/07-again.md"
printf '  - chapters/07-again.md\n' >>"$WORK/twice/book.yaml"
if tail -n 3 "$WORK/twice/book.yaml" | grep -q '^  - chapters/' &&
   QUIRE_LAYOUT_THREADS=2 "$BIN" build "$WORK/twice" -o "$WORK/twice/out" --pdf -q; then
    qpdf --json "$WORK/twice/out/io.pdf" | python3 -c '
import json, sys
j = json.load(sys.stdin)
objs = {}
for o in j["qpdf"][1:]:
    objs.update(o)
def val(ref):
    v = objs.get("obj:" + ref, {}) if isinstance(ref, str) else {}
    return v.get("value", v.get("stream", {}).get("dict", {})) if v else ref
for p in j["pages"]:
    res = val(val(p["object"]).get("/Resources", {})) or {}
    print(" ".join(sorted(set((val(res.get("/XObject", {})) or {}).values()))))
' >"$WORK/twice-xobjects.txt"
    check_sh "one form for the SVG on two pages: $(tr '\n' '|' <"$WORK/twice-xobjects.txt")" \
        '[ "$(grep -v "^$" "$WORK/twice-xobjects.txt" | tail -n +2 | sort -u | wc -l)" = 1 ] &&
         [ "$(grep -v "^$" "$WORK/twice-xobjects.txt" | tail -n +2 | wc -l)" = 2 ]'
    check_sh "the SVG text extracts on both pages" \
        '[ "$(pdftotext "$WORK/twice/out/io.pdf" - | grep -c "THREE AREAS OF CANCER INTERVENTION")" = 2 ]'
else
    check_sh "the book with the SVG twice builds" false
fi
finish
