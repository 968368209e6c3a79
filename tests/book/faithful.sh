#!/usr/bin/env bash
# book_faithful: the IO book keeps every sentence of its source text, in order, once.
# Usage: bash faithful.sh QUIRE_BIN SOURCE_DIR WORK_DIR
# Loads SOURCE_DIR/book with `quire dump`, takes the visible text of the model and
# checks it against tests/book/io-source.txt (a copy of the source the book was made from).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: bash faithful.sh QUIRE_BIN SOURCE_DIR WORK_DIR" >&2
  exit 2
fi
quire=$1 src=$2 work=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_txt=$here/io-source.txt
checker=$here/faithful.py

mkdir -p "$work"
command -v python3 >/dev/null || { echo "FAIL python3 is needed to read the dump"; exit 1; }

# The checker itself must catch a dropped, repeated, swapped or changed sentence.
python3 "$checker" self-test "$source_txt"

if ! "$quire" dump "$src/book" >"$work/dump.json" 2>"$work/dump.err"; then
  echo "FAIL quire dump $src/book exited with an error:"
  cat "$work/dump.err"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ -s "$work/dump.err" ]; then
  echo "FAIL quire dump $src/book printed diagnostics:"
  cat "$work/dump.err"
  echo "0 passed, 1 failed"
  exit 1
fi

python3 "$checker" dump "$source_txt" "$work/dump.json"
