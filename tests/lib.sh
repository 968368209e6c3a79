# Shared by the shell tests: sourced, never run. Each check counts as passed or failed;
# a failure is said on a line of its own ("FAIL: what"), a pass too when it has a name
# ("ok   what"). `finish` prints the totals and ends the script: 0 when all passed, 1 on
# a failure, 77 (ctest's SKIP_RETURN_CODE) when a check could not run and none failed.
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0
failed=0
skipped=0

# begin_test QUIRE_BIN SOURCE_DIR WORK_DIR: a script's three arguments as BIN, SRC and WORK,
# WORK emptied; builds read quire's styles and fonts from SRC and date their files by a
# fixed SOURCE_DATE_EPOCH, so that they are reproducible
begin_test() {
  BIN=$1 SRC=$2 WORK=$3
  rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
  export QUIRE_DATA_DIR=$SRC SOURCE_DATE_EPOCH=1700000000
}
pass() { # pass [WHAT]
  passed=$((passed + 1))
  [ $# -eq 0 ] || echo "ok   $*"
}
fail() { # fail WHAT
  failed=$((failed + 1))
  echo "FAIL: $*"
}
skip() { # skip WHAT
  skipped=$((skipped + 1))
  echo "skip: $*"
}
check() { # check WHAT COMMAND...: passes when the command succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
check_sh() { # check_sh WHAT 'SHELL TEXT': passes when the text, run by eval, succeeds
  local what=$1
  shift
  if eval "$@"; then pass "$what"; else fail "$what"; fi
}
# no_match GREP-ARGS...: grep ran and found nothing (a missing file or a grep error fails)
no_match() {
  grep -q "$@"
  [ $? -eq 1 ]
}
# check_exit0 WHAT STATUS ERR_FILE: passes when STATUS is 0; a failure shows ERR_FILE
check_exit0() {
  if [ "$2" -eq 0 ]; then pass "$1 (exit 0)"; else
    fail "$1: exit $2"
    sed 's/^/     | /' "$3"
  fi
}
# epubcheck_clean WHAT EPUB: EPUBCheck reports not one message (not even an info) on EPUB;
# a skip where EPUBCheck is not installed
epubcheck_clean() {
  local what=$1 epub=$2 log
  log=$(mktemp) || return 1
  if [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null; then
    java -jar /usr/share/java/epubcheck.jar "$epub" >"$log" 2>&1
  elif command -v epubcheck >/dev/null; then
    epubcheck "$epub" >"$log" 2>&1
  else
    skip "$what: EPUBCheck is not installed"
    rm -f "$log"
    return 0
  fi
  if grep -q 'Messages: 0 fatals / 0 errors / 0 warnings / 0 infos' "$log"; then pass "$what"; else
    fail "$what"
    grep -E '^(FATAL|ERROR|WARNING|INFO|USAGE)' "$log" | head -n 5 | sed 's/^/     | /'
  fi
  rm -f "$log"
}
# sentences_kept SOURCE_DIR PDF_TEXT EPUB_DIR CHAPTER...: 99 % of the sentences of the
# chapters' Markdown (paths in SOURCE_DIR) are in the PDF's text and in the unzipped
# EPUB, as tests/load/sources/sentences.py counts them; PDF_TEXT and EPUB_DIR absolute
sentences_kept() {
  local dir=$1 txt=$2 epub=$3 log
  shift 3
  log=$(mktemp) || return 1
  if (cd "$dir" && python3 "$TESTS_DIR/load/sources/sentences.py" 99 "$txt" "$epub" "$@") >"$log"; then
    pass "sentences: $(tr '\n' ' ' <"$log" | grep -o 'PDF: [^)]*)\|EPUB: [^)]*)' | tr '\n' ' ')"
  else
    fail "sentences"
    cat "$log"
  fi
  rm -f "$log"
}
finish() {
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
  else echo "$passed passed, $failed failed"; fi
  [ "$failed" -eq 0 ] || exit 1
  [ "$skipped" -eq 0 ] || exit 77
  exit 0
}
