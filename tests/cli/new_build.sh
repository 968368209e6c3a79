# `quire new` scaffolds a book that `quire build` turns into a PDF and an EPUB.
. "$(dirname "$0")/lib.sh"
cd "$WORK"

run n new my-book
check "new: exit 0 (got $RC: $(cat n.err))" [ "$RC" -eq 0 ]
# A SOURCE_DATE_EPOCH that is not a date is an error, not a silent fallback to the clock.
SOURCE_DATE_EPOCH=yesterday run bad-epoch new bad-epoch-book
check "new: a bad SOURCE_DATE_EPOCH exits 1" [ "$RC" -eq 1 ]
check "new: a bad SOURCE_DATE_EPOCH is named" grep -q "^SOURCE_DATE_EPOCH: error: 'yesterday' is not a number of seconds" bad-epoch.err
check "new: nothing made with a bad SOURCE_DATE_EPOCH" [ ! -e bad-epoch-book ]
for f in book.yaml chapters/01-introduction.md styles/brochure.yaml; do
    check "new writes $f" [ -s "my-book/$f" ]
done
check "new: the style is quire's default, copied" cmp -s my-book/styles/brochure.yaml "$SRC/styles/brochure.yaml"
check "new: name from the folder" grep -qx 'name: my-book' my-book/book.yaml
check "new: title from the folder" grep -qx 'title: "My book"' my-book/book.yaml
check "new: language en" grep -qx 'language: en' my-book/book.yaml
check "new: date from SOURCE_DATE_EPOCH" grep -qx 'date: "2023-11-14"' my-book/book.yaml
uuid_re='^identifier: "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$'
check "new: a urn:uuid identifier (v4)" grep -Eq "$uuid_re" my-book/book.yaml
check "new: the next step is printed" grep -q 'quire build my-book -o my-book/out' n.out
ch=my-book/chapters/01-introduction.md
check "chapter: a heading" grep -q '^# ' "$ch"
check "chapter: a list" grep -q '^- ' "$ch"
check "chapter: a footnote" grep -q '^\[^[a-z]*\]: ' "$ch"

run n2 new other-book
check "a second book gets another identifier" \
    bash -c '[ "$(grep ^identifier my-book/book.yaml)" != "$(grep ^identifier other-book/book.yaml)" ]'

# An existing empty folder is fine; one with anything in it is refused and left alone.
mkdir empty
run e new empty
check "new into an empty folder: exit 0" [ "$RC" -eq 0 ]
mkdir full
echo keep >full/notes.txt
run f new full
check "new into a non-empty folder: refused (got $RC)" [ "$RC" -eq 1 ]
check "refusal says why" grep -q "'full' is not empty" f.err
check "refusal leaves the folder alone" bash -c '[ "$(ls full)" = notes.txt ] && [ "$(cat full/notes.txt)" = keep ]'
run f2 new my-book
check "new over a scaffolded book: refused" [ "$RC" -eq 1 ]
touch afile
run f3 new afile
check "new onto a file: refused (got $RC)" [ "$RC" -eq 1 ]
check "new onto a file: message" grep -q "afile" f3.err
run q new -q quiet-book
check "new --quiet: silent" bash -c "[ $RC -eq 0 ] && [ ! -s q.out ]"
run nest new deep/er/book
check "new makes parent folders" [ -f deep/er/book/book.yaml ]

# The EPUB alone, with timings.
run b1 build my-book -o my-book/out --epub -v
check "build --epub: exit 0 (got $RC: $(cat b1.err))" [ "$RC" -eq 0 ]
check "build --epub: an EPUB" bash -c 'head -c 58 my-book/out/my-book.epub | grep -q "mimetypeapplication/epub+zip"'
check "build --epub: no PDF" [ ! -e my-book/out/my-book.pdf ]
check "build --epub: summary" grep -Eq '^my-book/out/my-book\.epub  [0-9.]+ [KM]B · [0-9]+\.[0-9]{2} s$' b1.out
check "--verbose: stage timings" grep -Eq '^quire: load [0-9.]+ s · epub [0-9.]+ s · total [0-9.]+ s$' b1.err

# The whole book: PDF and EPUB at once.
run b build my-book -o my-book/out
check "build: exit 0 (got $RC: $(cat b.err))" [ "$RC" -eq 0 ]
check "build: a PDF" bash -c 'head -c 5 my-book/out/my-book.pdf | grep -q "%PDF-"'
check "build: an EPUB" [ -s my-book/out/my-book.epub ]
check "build: one summary line" \
    grep -Eq '^my-book/out/my-book\.pdf  [0-9]+ pages?  [0-9.]+ [KM]B · my-book/out/my-book\.epub  [0-9.]+ [KM]B · [0-9]+\.[0-9]{2} s' b.out
run bq build my-book -o my-book/out -q
check "build --quiet: nothing on stdout" bash -c "[ $RC -eq 0 ] && [ ! -s bq.out ]"

# From inside the book folder, with the default output folder.
(cd other-book && "$QUIRE" build . >../o.out 2>../o.err)
check "build . from inside the book" [ -s other-book/out/other-book.pdf ]

# --style NAME: one of quire's styles, copied and named in book.yaml; the book builds with it.
run nb new trade-book --style book
check "new --style book: exit 0 (got $RC: $(cat nb.err))" [ "$RC" -eq 0 ]
check "new --style book: the style copied" cmp -s trade-book/styles/book.yaml "$SRC/styles/book.yaml"
check "new --style book: named in book.yaml" grep -qx 'style: book' trade-book/book.yaml
check "new --style book: no brochure copy" [ ! -e trade-book/styles/brochure.yaml ]
run nbb build trade-book -o trade-book/out --pdf
check "new --style book: builds (got $RC: $(cat nbb.err))" [ "$RC" -eq 0 ]
check "new --style book: a 6 x 9 in page" bash -c "pdfinfo trade-book/out/trade-book.pdf | grep -q 'Page size: *432 x 648 pts'"
run nx new no-style-book --style nosuch
check "new --style nosuch: exit 1 (got $RC)" [ "$RC" -eq 1 ]
check "new --style nosuch: named" grep -q "no style 'nosuch'" nx.err
check "new --style nosuch: nothing made" [ ! -e no-style-book ]

finish
