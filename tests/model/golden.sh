#!/bin/bash
# golden: `quire dump` of the fixture book (and of book/) against tests/model/golden/*.json.
# Usage: golden.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src
mkdir -p "$work"
. "$src/tests/lib.sh"
check_golden() {
    local name=$1 dir=$2 golden=$src/tests/model/golden/$1.json
    if [ ! -f "$golden" ]; then
        fail "$name: no golden file $golden (run tests/model/regen-golden.sh)"; return
    fi
    if ! (cd "$src" && "$bin" dump "$dir") >"$work/$name.json" 2>"$work/$name.err"; then
        fail "$name: quire dump failed"; cat "$work/$name.err"; return
    fi
    if ! diff -u "$golden" "$work/$name.json" >"$work/$name.diff"; then
        fail "$name: output differs from $golden"; head -40 "$work/$name.diff"; return
    fi
    # a second run gives the same bytes
    (cd "$src" && "$bin" dump "$dir") >"$work/$name.2.json" 2>/dev/null
    if ! cmp -s "$work/$name.json" "$work/$name.2.json"; then
        fail "$name: two runs differ"; return
    fi
    if command -v python3 >/dev/null && ! python3 -m json.tool "$work/$name.json" >/dev/null; then
        fail "$name: not valid JSON"; return
    fi
    pass "$name"
}
check_golden basic tests/model/fixtures/basic
check_golden book book
finish
