# Nothing lost: artifacts are written to a temporary file in the output folder and
# renamed. A failed build, a signal in the middle of one, a file-size limit and a
# full disk all leave the previous artifacts byte-identical and no temporary file.
# With a fourth argument `full-disk` only the full-disk case runs: it needs a tmpfs
# mount, and reports itself skipped where mounting is not permitted.
MODE=${4:-all}
. "$(dirname "$0")/lib.sh"

export SOURCE_DATE_EPOCH=1700000000 # every build of a book gives the same bytes

new_book good
run_quire build good -o out
expect_ok "first build"

# snapshot: the artifacts now in out/, which the next failed build must keep.
snapshot() {
  cp out/tiny.pdf "$WORK/old.pdf"
  cp out/tiny.epub "$WORK/old.epub"
}
snapshot

old_intact() { # old_intact CASE: the snapshot's artifacts, unchanged, and no temporary file
  check "$1: old PDF byte-identical" cmp -s out/tiny.pdf "$WORK/old.pdf"
  check "$1: old EPUB byte-identical" cmp -s out/tiny.epub "$WORK/old.epub"
  local left
  left=$(tmp_files out)
  check "$1: temporary files left: $left" [ -z "$left" ]
}
no_tmp_named() { # messages never name a temporary file
  check "$1: a message names a temporary file: $(grep -m1 '\.tmp-' "$ERR")" no_match '\.tmp-' "$ERR"
}

if [ "$MODE" = all ]; then
## a bad book: nothing is written over the old artifacts

new_book broken
cp -r good/. broken/
printf '# Broken\n\n![missing](images/none.png)\n' >broken/chapters/02-more.md
run_quire build broken -o out
check "bad book: exit $RC, want 1" [ "$RC" -eq 1 ]
old_intact "bad book"

## the artifact's name is taken by a folder: a write error (exit 3), and the EPUB, complete,
## is not written either (a build writes both or neither)

mkdir -p out-taken/tiny.pdf
run_quire build good -o out-taken
check "PDF name taken by a folder: exit $RC, want 3" [ "$RC" -eq 3 ]
check "PDF name taken by a folder: message" grep -qE '^out-taken/tiny.pdf: error: cannot write' "$ERR"
printf '%s\t%s\n' "artifact name taken by a folder" "$(grep -m1 error "$ERR")" >>"$MESSAGES"
check "PDF name taken by a folder: still a folder" [ -d out-taken/tiny.pdf ]
check "PDF name taken by a folder: no temporary file" [ -z "$(tmp_files out-taken)" ]
no_tmp_named "PDF name taken by a folder"
check "PDF name taken by a folder: no EPUB without its PDF" [ ! -e out-taken/tiny.epub ]
check "PDF name taken by a folder: a note says why" grep -qE '^out-taken/tiny.epub: note: not written either' "$ERR"

## signals in the middle of a build

# A book big enough that writing takes a moment (about 500 pages).
new_book slow
awk 'BEGIN {
  printf "# A slow chapter\n\n"
  p = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."
  for (i = 0; i < 12000; i++) { printf "%s Paragraph %d.\n\n", p, i; if (i % 500 == 0) printf "## Section %d\n\n", i }
}' >slow/chapters/02-more.md

# What an uninterrupted build of the slow book writes.
run_quire build slow -o out-slow
expect_ok "slow book, uninterrupted"

# old_or_new CASE: each artifact is either the snapshot's or the complete new one
# (the PDF and the EPUB are written side by side; one may finish before the signal).
old_or_new() {
  local f
  for f in tiny.pdf tiny.epub; do
    check "$1: $f is neither the old one nor a complete new one" \
      bash -c "cmp -s out/$f '$WORK/old.${f#tiny.}' || cmp -s out/$f out-slow/$f"
  done
  check "$1: temporary files left: $(tmp_files out)" [ -z "$(tmp_files out)" ]
}

# interrupt SIG: start a build over the old artifacts, wait (bounded) until its
# temporary file exists, send SIG, then check the artifacts.
interrupt() {
  local sig="$1" want="$2"
  "$QUIRE" build slow -o out >"$WORK/sig.out" 2>"$WORK/sig.err" &
  local pid=$! waited=0 seen=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 6000 ]; do # at most 120 s
    if [ -n "$(tmp_files out)" ]; then
      seen=1
      break
    fi
    sleep 0.02
    waited=$((waited + 1))
  done
  kill -s "$sig" "$pid" 2>/dev/null
  wait "$pid"
  local rc=$?
  check "SIG$sig: the signal came while a temporary file was being written" [ $seen -eq 1 ]
  check "SIG$sig: exit $rc, want $want (killed by the signal)" [ "$rc" -eq "$want" ]
  old_or_new "SIG$sig"
  snapshot
}
interrupt INT 130
interrupt TERM 143
# Every other signal that ends a process by default takes the same cleanup path
# (the synchronous faults too, but a sanitizer build leaves those to its reports).
for sig in HUP QUIT USR1 USR2 PIPE ALRM XCPU VTALRM PROF RTMIN+3; do
  interrupt "$sig" $((128 + $(kill -l "$sig")))
done

# A CPU-time limit (ulimit -t, as CI systems set): SIGXCPU from the kernel.
( ulimit -S -t 1 && exec "$QUIRE" build slow -o out ) >"$WORK/xcpu.out" 2>"$WORK/xcpu.err"
rc=$?
check "ulimit -t 1: exit $rc, want 152 (SIGXCPU)" [ "$rc" -eq 152 ]
old_or_new "ulimit -t 1"
snapshot

# A signal while the book is still loading: nothing was opened, nothing changes.
"$QUIRE" build slow -o out >/dev/null 2>&1 &
pid=$!
kill -s TERM "$pid"
wait "$pid"
old_or_new "SIGTERM at start"
snapshot

## a file-size limit (ulimit -f): a clear I/O error, exit 3

run_limited() { # run with a file-size limit of LIMIT KiB (20 unless set)
  (
    ulimit -f "${LIMIT:-20}"
    exec "$QUIRE" "$@"
  ) >"$WORK/last.out" 2>"$WORK/last.err" </dev/null
  RC=$?
  ERR="$WORK/last.err"
}
run_limited build good --epub -o out
check "ulimit -f, EPUB: exit $RC, want 3" [ "$RC" -eq 3 ]
check "ulimit -f, EPUB: message" grep -qE '^out/tiny.epub: error: cannot write the EPUB: File too large' "$ERR"
printf '%s\t%s\n' "file-size limit (ulimit -f 20), EPUB" "$(grep -m1 error "$ERR")" >>"$MESSAGES"
old_intact "ulimit -f, EPUB"

run_limited build good --pdf -o out
check "ulimit -f, PDF: exit $RC, want 3" [ "$RC" -eq 3 ]
check "ulimit -f, PDF: message names the PDF and the cause: $(grep -m1 error "$ERR")" \
  grep -qE '^out/tiny.pdf: error: .*File too large' "$ERR"
printf '%s\t%s\n' "file-size limit (ulimit -f 20), PDF" "$(grep -m1 error "$ERR")" >>"$MESSAGES"
no_tmp_named "ulimit -f, PDF"
old_intact "ulimit -f, PDF"

# One artifact fits the limit, the other does not: the complete one is not written
# either, so the old PDF and EPUB stay a pair (a new PDF beside the old EPUB would
# not say that the EPUB failed), and a note says why it is missing.
pdf_kb=$(( $(stat -c %s out-slow/tiny.pdf) / 1024 )) epub_kb=$(( $(stat -c %s out-slow/tiny.epub) / 1024 ))
tiny_pdf_kb=$(( $(stat -c %s "$WORK/old.pdf") / 1024 )) tiny_epub_kb=$(( $(stat -c %s "$WORK/old.epub") / 1024 ))
check "the slow book's PDF ($pdf_kb KiB) is over twice its EPUB ($epub_kb KiB)" [ "$pdf_kb" -gt $((2 * epub_kb)) ]
check "the tiny book's EPUB ($tiny_epub_kb KiB) is over twice its PDF ($tiny_pdf_kb KiB)" [ "$tiny_epub_kb" -gt $((2 * tiny_pdf_kb)) ]
LIMIT=$(( (tiny_pdf_kb + tiny_epub_kb) / 2 )) run_limited build good -o out
check "ulimit -f, only the PDF fits: exit $RC, want 3" [ "$RC" -eq 3 ]
check "ulimit -f, only the PDF fits: message" grep -qE '^out/tiny.epub: error: cannot write the EPUB: File too large' "$ERR"
check "ulimit -f, only the PDF fits: a note on the PDF: $(cat "$ERR")" \
  grep -qE '^out/tiny.pdf: note: not written either: a build writes its PDF and its EPUB together or neither' "$ERR"
printf '%s\t%s\n' "file-size limit, only the PDF fits" "$(grep -m1 note "$ERR")" >>"$MESSAGES"
old_intact "ulimit -f, only the PDF fits"
# the PDF fails while it is drawn (cairo's write), after the EPUB is complete
LIMIT=$(( (pdf_kb + epub_kb) / 2 )) run_limited build slow -o out
check "ulimit -f, only the EPUB fits: exit $RC, want 3" [ "$RC" -eq 3 ]
check "ulimit -f, only the EPUB fits: message" grep -qE '^out/tiny.pdf: error: cannot write: File too large' "$ERR"
check "ulimit -f, only the EPUB fits: a note on the EPUB: $(cat "$ERR")" \
  grep -qE '^out/tiny.epub: note: not written either' "$ERR"
old_intact "ulimit -f, only the EPUB fits"

fi # the cases but the full disk

if [ "$MODE" = full-disk ]; then
## a full disk: a small tmpfs holding the old artifacts and 24 KiB more

mkdir -p "$WORK/full"
kb=$(( ($(stat -c %s "$WORK/old.pdf") + $(stat -c %s "$WORK/old.epub")) / 1024 + 4 + 24 ))
if mount -t tmpfs -o size=${kb}k quire-robust "$WORK/full" 2>/dev/null; then
  trap 'umount "$WORK/full" 2>/dev/null' EXIT
  cp "$WORK/old.pdf" "$WORK/full/tiny.pdf"
  cp "$WORK/old.epub" "$WORK/full/tiny.epub"
  run_quire build good -o "$WORK/full"
  check "full disk: exit $RC, want 3" [ "$RC" -eq 3 ]
  check "full disk: EPUB message" grep -qE "^$WORK/full/tiny.epub: error: cannot write the EPUB: No space left on device" "$ERR"
  check "full disk: PDF message names the PDF and the cause: $(grep -m1 error "$ERR")" \
    grep -qE "^$WORK/full/tiny.pdf: error: .*No space left on device" "$ERR"
  printf '%s\t%s\n' "full disk (tmpfs), EPUB" "$(grep -m1 'epub: error' "$ERR" | sed "s#$WORK/##")" >>"$MESSAGES"
  printf '%s\t%s\n' "full disk (tmpfs), PDF" "$(grep -m1 'error' "$ERR" | sed "s#$WORK/##")" >>"$MESSAGES"
  no_tmp_named "full disk"
  check "full disk: old PDF byte-identical" cmp -s "$WORK/full/tiny.pdf" "$WORK/old.pdf"
  check "full disk: old EPUB byte-identical" cmp -s "$WORK/full/tiny.epub" "$WORK/old.epub"
  check "full disk: no temporary file" [ -z "$(tmp_files "$WORK/full")" ]
  umount "$WORK/full"
  trap - EXIT
else
  skip_all "the full-disk case (mounting a tmpfs is not permitted here)"
fi

fi # the full disk
rm -rf slow
finish
