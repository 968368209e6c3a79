/* Fuzz target: style file bytes → style_load (lengths, colours, fonts, page geometry). */
#include <math.h>

#include "ebook/css.h"
#include "fuzz_common.h"
#include "load/style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_scratch_write(".yaml", data, size);
    diag d;
    fuzz_diag(&d);
    style_sheet *s = style_load(path, &d);
    if (s) {
        if (d.errors) abort();
        /* every role keeps a family, a usable size and finite lengths: the PDF
         * writer multiplies them (size x line-height is the leading) */
        for (int r = 0; r < STYLE_ROLE_COUNT; r++) {
            const style_text *t = &s->roles[r];
            if (!t->family || !(t->size > 0) || !(t->line_height > 0)) abort();
            if (!isfinite(t->size * t->line_height) || !isfinite(t->space_before + t->space_after) ||
                !isfinite(t->first_indent + t->indent + t->letter_spacing))
                abort();
        }
        const style_page *pg = &s->page;
        if (!isfinite(pg->width * pg->height) || !(pg->width > 0) || !(pg->height > 0)) abort();
        if (!isfinite(pg->margin_top + pg->margin_bottom + pg->margin_inner + pg->margin_outer + pg->column_gap +
                      pg->bleed))
            abort();
        char *css = style_to_css(s, NULL);
        if (!css) abort();
        free(css);
        style_free(s);
    } else if (d.errors == 0) {
        abort();
    }
    diag_free(&d);
    fuzz_scratch_remove(path);
    return 0;
}
