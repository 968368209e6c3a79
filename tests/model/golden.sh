#!/bin/bash
# golden: `quire dump` of the fixture book (and of book/) against tests/model/golden/*.json.
# Usage: golden.sh QUIRE_BIN SOURCE_DIR WORK_DIR
set -u
bin=$1 src=$2 work=$3
export QUIRE_DATA_DIR=$src
mkdir -p "$work"
pass=0 fail=0
check() {
    local name=$1 dir=$2 golden=$src/tests/model/golden/$1.json
    if [ ! -f "$golden" ]; then
        echo "FAIL $name: no golden file $golden (run tests/model/regen-golden.sh)"
        fail=$((fail + 1)); return
    fi
    if ! (cd "$src" && "$bin" dump "$dir") >"$work/$name.json" 2>"$work/$name.err"; then
        echo "FAIL $name: quire dump failed"; cat "$work/$name.err"
        fail=$((fail + 1)); return
    fi
    if ! diff -u "$golden" "$work/$name.json" >"$work/$name.diff"; then
        echo "FAIL $name: output differs from $golden"; head -40 "$work/$name.diff"
        fail=$((fail + 1)); return
    fi
    # a second run gives the same bytes
    (cd "$src" && "$bin" dump "$dir") >"$work/$name.2.json" 2>/dev/null
    if ! cmp -s "$work/$name.json" "$work/$name.2.json"; then
        echo "FAIL $name: two runs differ"; fail=$((fail + 1)); return
    fi
    if command -v python3 >/dev/null && ! python3 -m json.tool "$work/$name.json" >/dev/null; then
        echo "FAIL $name: not valid JSON"; fail=$((fail + 1)); return
    fi
    echo "ok   $name"; pass=$((pass + 1))
}
check basic tests/model/fixtures/basic
check book book
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
