# A 50 MB chapter: loads and makes an EPUB (the model and the e-book have no size
# limit below 64 MiB). The full PDF of it (about 11,700 pages) takes minutes and
# gigabytes: with a fourth argument `pdf` only that runs, and only with
# QUIRE_SLOW_TESTS=1 (else the test reports itself skipped).
MODE=${4:-epub}
. "$(dirname "$0")/lib.sh"
[ "$MODE" = epub ] || [ "${QUIRE_SLOW_TESTS:-}" = 1 ] ||
  skip_all "the PDF of the 50 MB chapter (minutes, GBs of memory); set QUIRE_SLOW_TESTS=1 to run it"

new_book big
awk 'BEGIN {
  printf "# A big chapter\n\n"
  p = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."
  for (i = 0; i < 400000; i++) {
    printf "%s Paragraph %d of a long chapter.\n\n", p, i
    if (i % 5000 == 0) printf "## Section %d\n\n", i / 5000
  }
}' >big/chapters/02-more.md
size=$(stat -c %s big/chapters/02-more.md)
check "the chapter is over 50 MB ($size bytes)" [ "$size" -gt 50000000 ]

if [ "$MODE" = epub ]; then
  "$QUIRE" dump big >"$WORK/dump.json" 2>"$WORK/dump.err"
  RC=$?
  check "dump of a 50 MB chapter: exit $RC" [ "$RC" -eq 0 ]
  check "dump of a 50 MB chapter: every paragraph is in the model" \
    grep -q 'Paragraph 399999 of a long chapter' "$WORK/dump.json"
  rm -f "$WORK/dump.json"

  run_quire build big --epub -o out-epub
  expect_ok "EPUB of a 50 MB chapter"
  check "EPUB of a 50 MB chapter: a sound zip" unzip -tq out-epub/tiny.epub
  check "EPUB of a 50 MB chapter: no temporary file" [ -z "$(tmp_files out-epub)" ]
fi

if [ "$MODE" = pdf ]; then
  run_quire build big --pdf -o out-pdf
  expect_ok "PDF of a 50 MB chapter"
  check "PDF of a 50 MB chapter: written" [ -s out-pdf/tiny.pdf ]
fi
rm -rf big out-epub out-pdf
finish
