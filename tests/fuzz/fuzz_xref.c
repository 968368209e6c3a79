/* Fuzz target: PDF bytes → pdfpack_read_xref (the classic cross-reference table the compact
 * rewrite reads from cairo's file), pdfpack_object_at on every object it names, and the
 * token reader (pdfpack_next, pdfpack_skip) over each object's text. */
#include "fuzz_common.h"
#include "print/pdfpack.h"

/* Every token stays inside the text; skipping a value never runs past its end. */
static void lex_all(const char *text, size_t len) {
    pdfpack_lex lx = {text, text + len};
    for (int i = 0; i < 100000; i++) {
        pdfpack_tok t = pdfpack_next(&lx);
        if (lx.p < text || lx.p > text + len) abort();
        if (t.kind == PDFPACK_END || t.kind == PDFPACK_BAD) return;
        if (t.kind == PDFPACK_NAME && (t.name < text || t.name + t.name_len > text + len || *t.name != '/')) abort();
        if ((t.kind == PDFPACK_DICT || t.kind == PDFPACK_ARRAY) && i % 2 && !pdfpack_skip(&lx, t)) return;
        if (lx.p > text + len) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* NUL-terminated like a file read in, without reading past `size`. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    lex_all(text, size);
    pdfpack_xref x;
    if (pdfpack_read_xref(text, size, &x)) {
        if (x.size < 1 || x.table_at <= 0 || (size_t)x.table_at >= size) abort();
        for (int id = 0; id < x.size; id++) {
            if (x.offset[id] < 0) continue;
            if (x.offset[id] >= x.table_at || x.end[id] <= x.offset[id] || x.end[id] > x.table_at) abort();
            const char *body;
            size_t len;
            bool is_stream;
            if (pdfpack_object_at(text, &x, id, &body, &len, &is_stream)) {
                if (body < text + x.offset[id] || body + len > text + x.end[id]) abort();
                if (!is_stream) lex_all(body, len);
            }
        }
        pdfpack_xref_free(&x);
    }
    free(text);
    return 0;
}
