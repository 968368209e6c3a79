#!/bin/bash
# Rewrites tests/model/golden/*.json from the current `quire dump` output.
# Usage: tests/model/regen-golden.sh [QUIRE_BIN]   (run from anywhere; default binary: build/quire)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$src/build/quire}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
export QUIRE_DATA_DIR=$src
cd "$src"
"$bin" dump tests/model/fixtures/basic >tests/model/golden/basic.json
"$bin" dump book >tests/model/golden/book.json
echo "wrote tests/model/golden/basic.json and book.json"
