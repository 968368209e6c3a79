/* Fuzz target: book.yaml bytes → manifest_load (libyaml, the YAML tree, every key's checks). */
#include "fuzz_common.h"
#include "load/manifest.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_scratch_write(".yaml", data, size);
    diag d;
    fuzz_diag(&d);
    model_book *book = model_book_new();
    manifest m;
    memset(&m, 0, sizeof m);
    bool ok = manifest_load(book, path, "book.yaml", &m, &d);
    if (ok) {
        /* what book_load relies on after a clean manifest */
        if (!book->meta.name || !book->meta.title || !book->meta.language || !book->meta.identifier) abort();
        for (size_t i = 0; i < m.n_chapters; i++)
            if (!m.chapters[i].value || m.chapters[i].pos.line < 1) abort();
        if (d.errors) abort();
    } else if (d.errors == 0) {
        abort(); /* a refusal always says why */
    }
    model_book_free(book);
    diag_free(&d);
    fuzz_scratch_remove(path);
    return 0;
}
