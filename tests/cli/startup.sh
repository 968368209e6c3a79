# Start-up: libqpdf, librsvg, libxml2 and libzip are opened when a build needs them, not
# mapped at start (base/lazylib.h), so `--version` loads none but libzip (for its version);
# a build of a book with SVG figures opens them all, a PDF alone no libzip, and the PDF
# is finished (by libqpdf) and checks clean, the EPUB zipped (by libzip).
. "$(dirname "$0")/lib.sh"
cd "$WORK"
export QUIRE_DATA_DIR=$SRC

# LD_DEBUG=files: the dynamic loader names each object it maps ("file=libqpdf.so.29 [0];").
LD_DEBUG=files "$QUIRE" --version >v.out 2>v.err </dev/null
check "--version exits 0" [ $? -eq 0 ]
check "the loader's trace was written" grep -q 'file=libcairo' v.err
for lib in libqpdf librsvg libxml2 libicuuc; do # (the sanitizers' runtime brings libstdc++ of its own)
    check "--version does not map $lib" no_match "file=$lib" v.err
done

LD_DEBUG=files "$QUIRE" build "$SRC/book" -o out >b.out 2>b.err </dev/null
check "build exits 0" [ $? -eq 0 ]
for lib in libqpdf librsvg; do
    check "the build opens $lib itself" grep -q "file=$lib.*dynamically loaded by" b.err
done
check "the build maps libxml2" grep -q "file=libxml2" b.err
check "the build opens libzip itself" grep -q "file=libzip.*dynamically loaded by" b.err
check "the EPUB is a zip" unzip -tq out/io.epub

LD_DEBUG=files "$QUIRE" build --pdf "$SRC/book" -o pdf >p.out 2>p.err </dev/null
check "PDF-only build exits 0" [ $? -eq 0 ]
check "a PDF alone does not map libzip" no_match "file=libzip" p.err
if command -v qpdf >/dev/null; then
    check "the finished PDF passes qpdf --check" qpdf --check out/io.pdf >/dev/null
else
    skip "qpdf not installed"
fi
finish
