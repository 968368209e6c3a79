/* Fuzz target: PDF bytes → pdfpack_read_xref (the classic cross-reference table the compact
 * rewrite reads from cairo's file) and pdfpack_object_at on every object it names. */
#include "fuzz_common.h"
#include "print/pdfpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* NUL-terminated like a file read in, without reading past `size`. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    pdfpack_xref x;
    if (pdfpack_read_xref(text, size, &x)) {
        if (x.size < 1 || x.table_at <= 0 || (size_t)x.table_at >= size) abort();
        for (int id = 0; id < x.size; id++) {
            if (x.offset[id] < 0) continue;
            if (x.offset[id] >= x.table_at || x.end[id] <= x.offset[id] || x.end[id] > x.table_at) abort();
            const char *body;
            size_t len;
            bool is_stream;
            if (pdfpack_object_at(text, &x, id, &body, &len, &is_stream) &&
                (body < text + x.offset[id] || body + len > text + x.end[id]))
                abort();
        }
        pdfpack_xref_free(&x);
    }
    free(text);
    return 0;
}
