#!/usr/bin/env bash
# epub_check: builds the fixture book and the IO book as EPUB and checks them with
# epubcheck (0 errors, 0 warnings), xmllint, a structural check and a rebuild (byte-identical).
# Usage: epub_check.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1
SRC=$2
WORK=$3
HERE="$SRC/tests/ebook/epub"
rm -rf "$WORK"
mkdir -p "$WORK"
export QUIRE_DATA_DIR="$SRC"
export SOURCE_DATE_EPOCH=1700000000
export FONTCONFIG_CACHE="$WORK/fc-cache" XDG_CACHE_HOME="$WORK/cache"

. "$SRC/tests/lib.sh"

if [ -f /usr/share/java/epubcheck.jar ]; then
    EPUBCHECK=(java -jar /usr/share/java/epubcheck.jar)
else
    EPUBCHECK=(epubcheck)
fi

books=("$HERE/fixtures/mixed" "$HERE/fixtures/links")
[ -f "$SRC/book/book.yaml" ] && books+=("$SRC/book")

for dir in "${books[@]}"; do
    label=$(basename "$dir")
    out="$WORK/$label"
    if ! "$BIN" build "$dir" --epub -q -o "$out/a" 2>"$out.err"; then
        fail "$label: quire build failed: $(cat "$out.err")"
        continue
    fi
    epub=$(ls "$out"/a/*.epub 2>/dev/null | head -1)
    if [ -z "$epub" ]; then
        fail "$label: no EPUB written"
        continue
    fi
    pass

    # reproducible: a second build is byte-identical
    "$BIN" build "$dir" --epub -q -o "$out/b" 2>/dev/null
    if cmp -s "$epub" "$out/b/$(basename "$epub")"; then pass; else fail "$label: two builds differ"; fi
    # ... also in another time zone
    TZ=America/New_York "$BIN" build "$dir" --epub -q -o "$out/c" 2>/dev/null
    if cmp -s "$epub" "$out/c/$(basename "$epub")"; then pass; else fail "$label: build differs with TZ set"; fi
    # ... also when the build time's UTC clock reading does not exist in the local time
    # zone (it falls in the hour skipped when daylight saving time starts): every entry
    # carries the UTC date and time, as in a UTC build
    for case in "1711852200 Europe/Berlin 2024,3,31,2,30,0" "1710037800 America/New_York 2024,3,10,2,30,0"; do
        read -r epoch zone want <<<"$case"
        SOURCE_DATE_EPOCH=$epoch TZ=UTC "$BIN" build "$dir" --epub -q -o "$out/utc-$epoch" 2>/dev/null
        SOURCE_DATE_EPOCH=$epoch TZ=$zone "$BIN" build "$dir" --epub -q -o "$out/gap-$epoch" 2>/dev/null
        name=$(basename "$epub")
        if cmp -s "$out/utc-$epoch/$name" "$out/gap-$epoch/$name"; then pass; else fail "$label: $epoch in $zone differs from UTC"; fi
        times=$(python3 -c 'import sys, zipfile
print(" ".join(sorted({",".join(map(str, i.date_time)) for i in zipfile.ZipFile(sys.argv[1]).infolist()})))' \
            "$out/gap-$epoch/$name" 2>&1)
        [ "$times" = "$want" ] && pass || fail "$label: $epoch in $zone: entry times $times, want $want"
    done

    # epubcheck: no fatal, error or warning
    "${EPUBCHECK[@]}" "$epub" >"$out/epubcheck.txt" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "0 fatals / 0 errors / 0 warnings" "$out/epubcheck.txt"; then
        pass
    else
        fail "$label: epubcheck (exit $rc):"
        grep -E "FATAL|ERROR|WARNING|Messages" "$out/epubcheck.txt" | head -20
    fi

    # structure: container, manifest, spine, nav, links, NCX
    if python3 "$HERE/epub_structure.py" "$epub" "$out/x" >"$out/structure.txt" 2>&1; then
        pass
    else
        fail "$label: structure:"
        cat "$out/structure.txt"
    fi

    # every XML file parses
    nxml=0
    while IFS= read -r -d '' f; do
        nxml=$((nxml + 1))
        if xmllint --noout "$f" 2>"$out/xmllint.txt"; then pass; else fail "$label: xmllint ${f#"$out"/x/}: $(head -3 "$out/xmllint.txt")"; fi
    done < <(find "$out/x" -type f \( -name '*.xhtml' -o -name '*.opf' -o -name '*.ncx' -o -name '*.svg' -o -name '*.xml' \) -print0)
    [ "$nxml" -gt 3 ] && pass || fail "$label: only $nxml XML files found"
done

# the fixture's specifics
x="$WORK/mixed/x/EPUB"
grep -q '<ol start="3">' "$x/text/ch01.xhtml" && pass || fail "ordered list start"
grep -q '<thead>' "$x/text/ch01.xhtml" && grep -q 'class="align-right"' "$x/text/ch01.xhtml" && pass || fail "table head and alignment"
grep -q '<blockquote class="pull">' "$x/text/ch01.xhtml" && grep -q '<footer>— <cite>Victor Hugo</cite></footer>' "$x/text/ch01.xhtml" \
    && pass || fail "pull quote with its attribution"
grep -q 'href="ch02.xhtml#suite-et-fin"' "$x/text/ch01.xhtml" && pass || fail "link across chapters"
grep -q 'λόγος' "$x/text/ch01.xhtml" && grep -q 'Größe' "$x/text/ch01.xhtml" && pass || fail "non-ASCII text kept"
grep -q 'media-type="image/svg+xml"' "$x/package.opf" && grep -q 'media-type="image/png"' "$x/package.opf" \
    && pass || fail "SVG and PNG images"
grep -q '<figcaption>Histogramme des ventes</figcaption>' "$x/text/ch02.xhtml" && pass || fail "figure caption"
grep -q 'Table des matières' "$x/nav.xhtml" && pass || fail "the nav speaks the book's language"
# reading on screens: tables scroll in their own box, images keep their shape, notes lead back
grep -q '<div class="table-wrap" role="region" tabindex="0" aria-label="Tableau: Prix du marché">' "$x/text/ch01.xhtml" \
    && pass || fail "table in a scrolling box, named by its caption"
grep -q '<table>$' "$x/text/ch01.xhtml" && grep -A1 '<table>$' "$x/text/ch01.xhtml" | grep -q '^<caption>Prix du marché</caption>$' \
    && pass || fail "the table's caption (pandoc's Table: paragraph) is its <caption>"
if no_match 'Table: Prix' "$x/text/ch01.xhtml"; then pass; else fail "the caption paragraph is left as text"; fi
grep -q '<img src="../media/img-01.svg" alt="Trois boîtes reliées par des flèches" width="200" height="100"/>' \
    "$x/text/ch01.xhtml" && pass || fail "figure image with its size"
grep -q '<img role="doc-cover" src="media/cover.png" alt="[^"]*" width="[0-9]*" height="[0-9]*"/>' "$x/cover.xhtml" \
    && pass || fail "cover image with its size"
[ "$(grep -c '<a class="backlink" role="doc-backlink"' "$x/text/ch01.xhtml")" -eq 2 ] && pass || fail "back links"
if no_match $'\xe2\x86\xa9' "$x"/text/*.xhtml; then pass; else fail "U+21A9 used though the notes' face lacks it"; fi
grep -q '@media (max-width: 35em)' "$x/css/book.css" && pass || fail "narrow-screen rules in the CSS"

# the mixed book describes every image: text alternatives and WCAG AA are claimed
opf="$WORK/mixed/x/EPUB/package.opf"
grep -q '<meta property="schema:accessibilityFeature">alternativeText</meta>' "$opf" && pass || fail "mixed: alternativeText"
grep -q '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>' "$opf" \
    && pass || fail "mixed: conformsTo"
if no_match 'certifiedBy' "$opf"; then pass; else fail "mixed: a11y:certifiedBy claimed"; fi

# links: URLs percent-encoded where a URI may not hold a byte, reserved characters and %XX kept
x="$WORK/links/x/EPUB"
for href in "https://example.com/a%22b'c%3Cd%3E" 'https://x.y/?a=1&amp;b=%222%22' 'https://example.com/a%20b/c%20d' \
    'https://de.wikipedia.org/wiki/Gr%C3%B6%C3%9Fe' 'https://example.com/a%20b%25zz%254' \
    'https://example.com/p?q=1#x%23y' 'https://example.com/%7Ba%7D%7Cb%5Ec%60d%5Ce'; do
    grep -qF "<a href=\"$href\">" "$x/text/ch01.xhtml" && pass || fail "links: href $href"
done
# a host with a space cannot be written as a URI: the text stays, unlinked
grep -qF '<span class="link">sp</span>' "$x/text/ch01.xhtml" && pass || fail "links: no link for a host with a space"
# a link around nothing (a web image, not fetched, without alt text) is left out: no link without a name
if no_match -F 'href="https://example.org/backers"' "$x/text/ch01.xhtml"; then pass; else fail "links: a link with nothing to show"; fi
# a picture without alt text in a link: the link is named by its address, as the PDF's annotation is
grep -qF 'href="https://example.org/checklist" aria-label="https://example.org/checklist">' "$x/text/ch01.xhtml" && pass || fail "links: a picture's link has no name"
# a figure without alt text: no claim of text alternatives or of WCAG conformance
opf="$x/package.opf"
grep -q '<img src="../media/img-01.png" alt=""' "$x/text/ch01.xhtml" && pass || fail "links: the figure has empty alt"
if no_match -E 'alternativeText|conformsTo|certifiedBy' "$opf"; then pass; else fail "links: claims what it cannot back"; fi
grep -q '<meta property="schema:accessModeSufficient">textual,visual</meta>' "$opf" && pass || fail "links: accessModeSufficient"
grep -q 'Some images have no text alternative' "$opf" && pass || fail "links: the summary says images lack text"

finish
