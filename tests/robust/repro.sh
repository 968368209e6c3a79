# Reproducible output: the same book built twice with the same SOURCE_DATE_EPOCH
# gives byte-identical PDF and EPUB files, whatever the output folder, the time of
# day or the order files were created in.
. "$(dirname "$0")/lib.sh"

new_book book
export SOURCE_DATE_EPOCH=1700000000

run_quire build book -o out1
expect_ok "first build"
sleep 1.1 # a different wall-clock second for the second build
touch book/chapters/*.md book/images/*
run_quire build book -o "$WORK/elsewhere/out2"
expect_ok "second build"
check "PDF byte-identical" cmp out1/tiny.pdf "$WORK/elsewhere/out2/tiny.pdf"
check "EPUB byte-identical" cmp out1/tiny.epub "$WORK/elsewhere/out2/tiny.epub"

# The same book in another folder (another absolute path) and run from elsewhere.
cp -r book "$WORK/moved-book"
(cd / && "$QUIRE" build "$WORK/moved-book" -o "$WORK/out3" >/dev/null 2>"$WORK/out3.err")
check "build from another folder: exit 0" [ $? -eq 0 ]
check "PDF identical when the book moved" cmp out1/tiny.pdf "$WORK/out3/tiny.pdf"
check "EPUB identical when the book moved" cmp out1/tiny.epub "$WORK/out3/tiny.epub"

# The date is the one given, not the clock.
check "EPUB modified date from SOURCE_DATE_EPOCH" \
  bash -c "unzip -p out1/tiny.epub '*.opf' | grep -q '2023-11-14T22:13:20Z'"
check "PDF creation date from SOURCE_DATE_EPOCH" \
  bash -c "TZ=UTC pdfinfo out1/tiny.pdf | grep -q 'CreationDate:.*Nov 14.*2023'"

# Another epoch changes the dates (and only proves the variable is read).
SOURCE_DATE_EPOCH=1600000000 run_quire build book -o out4
expect_ok "build with another epoch"
check "another epoch gives another EPUB" bash -c "! cmp -s out1/tiny.epub out4/tiny.epub"

# The artifacts get 0666 less the umask, as any file a program creates.
(umask 077 && "$QUIRE" build book -o out-u1 >/dev/null 2>&1)
check "umask 077: PDF mode 600 (got $(stat -c %a out-u1/tiny.pdf 2>/dev/null))" [ "$(stat -c %a out-u1/tiny.pdf)" = 600 ]
check "umask 077: EPUB mode 600" [ "$(stat -c %a out-u1/tiny.epub)" = 600 ]
(umask 002 && "$QUIRE" build book -o out-u2 >/dev/null 2>&1)
check "umask 002: PDF mode 664 (got $(stat -c %a out-u2/tiny.pdf 2>/dev/null))" [ "$(stat -c %a out-u2/tiny.pdf)" = 664 ]
check "umask 002: EPUB mode 664" [ "$(stat -c %a out-u2/tiny.epub)" = 664 ]
(umask 022 && "$QUIRE" build book -o out-u3 >/dev/null 2>&1)
check "umask 022: PDF mode 644" [ "$(stat -c %a out-u3/tiny.pdf)" = 644 ]
finish
