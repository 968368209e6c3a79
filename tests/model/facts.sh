#!/bin/bash
# facts: one book, both writers: the same contents title, labels and contents (the
# style's contents depth) in the PDF's contents page and outline and the EPUB's nav.
# Usage: facts.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1 SRC=$2 WORK=$3
FX=$SRC/tests/model/fixtures/facts
rm -rf "$WORK" && mkdir -p "$WORK"
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
. "$SRC/tests/lib.sh"
FACTS="python3 $SRC/tests/model/facts.py"

# contents-title given, contents depth 3 (styles/deep.yaml): h1 to h3, never the h4.
if "$BIN" build "$FX" -o "$WORK/deep" -q; then
    check "contents-title and depth 3 in both" $FACTS "$WORK/deep/facts.pdf" "$WORK/deep/facts.epub" Sommaire \
        "1:Premier chapitre" "2:Une section" "3:Une sous-section" "1:Second chapitre" "2:Autre section" \
        "3:Autre sous-section"
else
    check "build with contents depth 3" false
fi

# No contents-title: the French word for both (fr-CA matches fr); the default depth, 2.
cp -r "$FX" "$WORK/plain"
sed -i '/^contents-title:/d; s/^style: deep$/style: brochure/' "$WORK/plain/book.yaml"
if "$BIN" build "$WORK/plain" -o "$WORK/plain/out" -q; then
    check "French label and depth 2 in both" $FACTS "$WORK/plain/out/facts.pdf" "$WORK/plain/out/facts.epub" \
        "Table des matières" "1:Premier chapitre" "2:Une section" "1:Second chapitre" "2:Autre section"
    # the table's label in the EPUB comes from the same French words
    if unzip -p "$WORK/plain/out/facts.epub" EPUB/text/ch01.xhtml >"$WORK/ch01.xhtml"; then
        check "French table label in the EPUB" grep -q 'aria-label="Tableau: ' "$WORK/ch01.xhtml"
    else
        check "unzip the EPUB" false
    fi
else
    check "build with the default depth" false
fi

finish
