/* Fuzz target: chapter Markdown → model → the print layout and pagination
 * (pdf_doc_build: Pango line breaking, tables, figures, footnotes, the contents),
 * with the bundled fonts and the default style. Nothing is written. */
#include "fuzz_book.h"
#include "load/fonts.h"
#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/pdf.h"

/* Pango's cost grows with the text; beyond this the fuzzer only measures Pango. */
#define FUZZ_LAYOUT_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool registered;
    if (!registered) {
        /* fontconfig and Pango caches are dropped at exit, so leak checkers see only real leaks */
        atexit(fontset_release), atexit(fontmap_release); /* run in reverse: maps first */
        registered = true;
    }
    if (size > FUZZ_LAYOUT_MAX) return 0;
    diag d;
    fuzz_diag(&d);
    model_book *book = fuzz_book_from(data, size, &d, true);
    if (book) {
        pdf_doc doc;
        int rc = pdf_doc_build(&doc, book, &d);
        if (rc == QUIRE_OK) {
            if (doc.n_pages < 1 || doc.n_front < 1) abort();
            /* every body item landed on a page */
            for (int i = 0; i < doc.body.n; i++)
                if (doc.bp.item_page[i] < 0 || doc.bp.item_page[i] >= doc.bp.n_pages) abort();
            char folio[32];
            pdf_folio(&doc, doc.n_pages - 1, folio, sizeof folio);
        } else if (d.errors == 0) {
            abort();
        }
        pdf_doc_free(&doc);
        model_book_free(book);
    }
    diag_free(&d);
    return 0;
}
