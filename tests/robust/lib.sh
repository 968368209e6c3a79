# Shared by the robust shell tests: sourced, never run.
#   bash tests/robust/<name>.sh QUIRE_BIN SOURCE_DIR WORK_DIR
# Each case copies the tiny fixture book into WORK_DIR, breaks one thing, runs the
# real binary and checks the exit status, the message and the output folder.
set -uo pipefail

QUIRE="$1"
SRC="$2"
WORK="$3"
FIXTURE="$SRC/tests/robust/fixtures/tiny"
export NO_COLOR=1
unset QUIRE_DATA_DIR

umount "$WORK/full" 2>/dev/null # a tmpfs left by an interrupted run of faults.sh
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

# Every message a case produced, for the README table: "case<TAB>first line of stderr".
MESSAGES="$WORK/messages.tsv"
: >"$MESSAGES"

# pass, fail, check, no_match, finish
. "$SRC/tests/lib.sh"

# new_book NAME: a fresh copy of the fixture at WORK/NAME.
new_book() {
  rm -rf "$WORK/$1"
  cp -r "$FIXTURE" "$WORK/$1"
}

# run_quire ARGS...: runs the binary; sets RC, OUT, ERR (files in WORK). A run that
# hangs is stopped after 10 minutes (exit 124, which no case expects).
run_quire() {
  OUT="$WORK/last.out"
  ERR="$WORK/last.err"
  timeout -k 10 600 "$QUIRE" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# Temporary artifacts ('.NAME.tmp-XXXXXX') left in a folder.
tmp_files() { find "$1" -maxdepth 1 -name '.*.tmp-*' 2>/dev/null; }

# out_clean DIR: the folder is absent or holds no artifact and no temporary file.
out_clean() {
  [ ! -d "$1" ] && return 0
  [ -z "$(find "$1" -mindepth 1 -maxdepth 1 2>/dev/null)" ]
}

# expect_error CASE STATUS PATTERN OUTDIR: exit STATUS, no crash, stderr holding
# PATTERN (an extended regex, anchored to the start of a line), no artifact and no
# temporary file in OUTDIR (a failed build writes neither the PDF nor the EPUB).
expect_error() {
  local name="$1" status="$2" pattern="$3" outdir="$4"
  printf '%s\t%s\n' "$name" "$(grep -m1 -E 'error' "$ERR" || head -n1 "$ERR")" >>"$MESSAGES"
  if [ "$RC" -ge 128 ]; then
    fail "$name: crashed (exit $RC)"
    sed 's/^/    /' "$ERR" | head -n 20 >&2
    return
  fi
  check "$name: exit $RC, want $status" [ "$RC" -eq "$status" ]
  if grep -qE "^$pattern" "$ERR"; then
    pass
  else
    fail "$name: no message matching '^$pattern'; got:"
    sed 's/^/    /' "$ERR" | head -n 5 >&2
  fi
  check "$name: output folder not clean: $(ls -A "$outdir" 2>/dev/null | tr '\n' ' ')" out_clean "$outdir"
}

# expect_ok CASE: exit 0 (for cases that must just work).
expect_ok() {
  local name="$1"
  printf '%s\t%s\n' "$name" "(builds: $(head -n1 "$OUT"))" >>"$MESSAGES"
  if [ "$RC" -ne 0 ]; then
    fail "$name: exit $RC"
    sed 's/^/    /' "$ERR" | head -n 10 >&2
    return 1
  fi
  pass
}

# keep_good_build: the fixture built into out/, its artifacts kept as old.pdf and
# old.epub, which every refused case after it must leave as they are.
keep_good_build() {
  new_book good
  run_quire build good -o out
  expect_ok "the fixture builds"
  cp out/tiny.pdf old.pdf
  cp out/tiny.epub old.epub
}

# refused CASE STATUS PATTERN: the last run ended with STATUS and a message matching
# PATTERN (anchored at a line start), and out/ still holds the old artifacts, nothing more.
refused() {
  local name="$1" status="$2" pattern="$3"
  printf '%s\t%s\n' "$name" "$(grep -m1 -E 'error' "$ERR" || head -n1 "$ERR")" >>"$MESSAGES"
  check "$name: exit $RC, want $status" [ "$RC" -eq "$status" ]
  if grep -qE "^$pattern" "$ERR"; then pass; else
    fail "$name: no message matching '^$pattern'; got:"
    sed 's/^/    /' "$ERR" | head -n 5 >&2
  fi
  check "$name: the old PDF changed" cmp -s out/tiny.pdf old.pdf
  check "$name: the old EPUB changed" cmp -s out/tiny.epub old.epub
  check "$name: temporary files left: $(tmp_files out)" [ -z "$(tmp_files out)" ]
  check "$name: something else in out/: $(ls -A out | tr '\n' ' ')" [ "$(ls -A out | wc -l)" -eq 2 ]
}

# built CASE BOOK OUTDIR: the last run built BOOK into OUTDIR with exit 0 and every
# letter of the book's text is in the PDF.
built() {
  local name="$1" book="$2" dir="$3"
  expect_ok "$name" || return 1
  "$QUIRE" dump "$book" >"$WORK/dump.json" 2>/dev/null
  pdftotext "$dir/tiny.pdf" "$WORK/pdf.txt"
  check "$name: a letter of the text is missing from the PDF" python3 "$SRC/tests/robust/letters.py" "$WORK/dump.json" "$WORK/pdf.txt"
}

# no_word_past_margins PDF LEFT RIGHT: every word box of `pdftotext -bbox` lies
# within [LEFT, page width - RIGHT] (points, half a point of slack).
no_word_past_margins() {
  pdftotext -bbox "$1" - | awk -v L="$2" -v R="$3" '
    /<page / { match($0, /width="[0-9.]+"/); w = substr($0, RSTART + 7, RLENGTH - 8) + 0 }
    /<word / {
      match($0, /xMin="[0-9.]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
      match($0, /xMax="[0-9.]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
      if (x1 > w - R + 0.5 || x0 < L - 0.5) { bad++; if (bad <= 3) printf "    word past the margins: %s\n", $0 > "/dev/stderr" }
    }
    END { exit bad > 0 }'
}

# skip_all WHY: the test cannot run here; ctest reports it as skipped (SKIP_RETURN_CODE 77)
skip_all() {
  echo "skipped: $*"
  exit 77
}
