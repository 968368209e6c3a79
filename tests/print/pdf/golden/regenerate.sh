#!/bin/bash
# Remakes the stored page renderings after an intended change of the print layout.
# Usage: tests/print/pdf/golden/regenerate.sh QUIRE_BIN   (run from anywhere)
set -eu
BIN=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
"$BIN" build "$SRC/tests/print/pdf/fixtures/keeps" -o "$TMP" --pdf -q
pdftoppm -r 40 -gray -f 3 -l 3 "$TMP/keeps.pdf" "$TMP/p"
gzip -9n <"$TMP"/p-*.pgm >"$SRC/tests/print/pdf/golden/keeps-p3.pgm.gz"
echo "wrote tests/print/pdf/golden/keeps-p3.pgm.gz"
