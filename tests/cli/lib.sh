# Shared by the cli shell tests: sourced with QUIRE_BIN SOURCE_DIR WORK_DIR as $1 $2 $3.
set -u
# Absolute paths: the tests change folders.
QUIRE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
WORK=$3
case $WORK in /*) ;; *) WORK=$PWD/$WORK ;; esac
PASSED=0
FAILED=0
SKIPPED=0
rm -rf "$WORK"
mkdir -p "$WORK"
# Messages must not depend on the machine running the tests.
unset QUIRE_DATA_DIR NO_COLOR
export SOURCE_DATE_EPOCH=1700000000

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip: $*" >&2; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}
# no_match GREP-ARGS...: grep ran and found nothing (a missing file or a grep error fails)
no_match() { grep -q "$@"; [ $? -eq 1 ]; }
# run OUT_PREFIX ARGS...: runs quire, keeps stdout/stderr in files, status in $RC
run() {
    local p=$1
    shift
    "$QUIRE" "$@" >"$p.out" 2>"$p.err" </dev/null
    RC=$?
}
# finish: 0 when all passed, 1 on a failure, 77 (ctest: skipped) when a check could not run
finish() {
    if [ "$SKIPPED" -gt 0 ]; then echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    else echo "$PASSED passed, $FAILED failed"; fi
    [ "$FAILED" -eq 0 ] || return 1
    [ "$SKIPPED" -eq 0 ] || return 77
}
