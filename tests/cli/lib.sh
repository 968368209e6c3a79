# Shared by the cli shell tests: sourced with QUIRE_BIN SOURCE_DIR WORK_DIR as $1 $2 $3.
set -u
# Absolute paths: the tests change folders.
QUIRE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
WORK=$3
case $WORK in /*) ;; *) WORK=$PWD/$WORK ;; esac
rm -rf "$WORK"
mkdir -p "$WORK"
# Messages must not depend on the machine running the tests.
unset QUIRE_DATA_DIR NO_COLOR
export SOURCE_DATE_EPOCH=1700000000

# pass, fail, skip, check, no_match, finish
. "$SRC/tests/lib.sh"
# run OUT_PREFIX ARGS...: runs quire, keeps stdout/stderr in files, status in $RC
run() {
    local p=$1
    shift
    "$QUIRE" "$@" >"$p.out" 2>"$p.err" </dev/null
    RC=$?
}
