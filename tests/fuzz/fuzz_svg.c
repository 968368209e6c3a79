/* Fuzz target: SVG bytes → svgsan_clean, the SVG made safe for the e-book. What it
 * keeps must be clean: a second pass over its output reads it and takes nothing out.
 * A changed SVG need not say what went: the doctype's identifiers and stray text outside
 * text elements go silently. */
#include "base/svgsan.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    svgsan_result r;
    bool ok = svgsan_clean(data, size, &r);
    if (ok == (r.refused != NULL)) abort();
    if (r.data) {
        svgsan_result again;
        if (!svgsan_clean(r.data, r.len, &again) || again.data || again.removed) {
            if (getenv("QUIRE_FUZZ_VERBOSE"))
                fprintf(stderr, "second pass: %s\n", again.refused ? again.refused : again.removed);
            abort();
        }
        svgsan_result_free(&again);
    }
    svgsan_result_free(&r);
    return 0;
}
