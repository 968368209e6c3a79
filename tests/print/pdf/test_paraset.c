/* test_paraset: the paragraph engine on real fonts (the keeps fixture's style and
 * fonts): where lines may break. Widths are measured by laying the text out first,
 * never written in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load/book.h"
#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/text.h"
#include "check.h"

static text_ctx *tc;
static style_text body;

/* The natural width of `s` set on one line. */
static double natural(const char *s) {
    text_opts o = {.width = 1e5, .no_justify = true, .align_override = -1};
    text_para *p = text_para_plain(tc, s, &body, &o);
    double w = p->n_lines == 1 ? p->lines[0].width : -1;
    text_para_free(p);
    return w;
}

/* The lines of `s` set at `width`, justified or ragged, as "line|line|…" (trailing
 * spaces dropped). */
static char *lines_of(const char *s, double width, bool justify) {
    text_opts o = {.width = width, .no_justify = !justify, .align_override = justify ? STYLE_ALIGN_JUSTIFY : -1};
    text_para *p = text_para_plain(tc, s, &body, &o);
    char *out = xcalloc(strlen(s) + (size_t)p->n_lines + 1, 1);
    for (int i = 0; i < p->n_lines; i++) {
        int n = p->lines[i].length;
        while (n > 0 && p->text[p->lines[i].start + n - 1] == ' ') n--;
        if (i) strcat(out, "|");
        strncat(out, p->text + p->lines[i].start, (size_t)n);
    }
    text_para_free(p);
    return out;
}

/* TeX breaks after an explicit hyphen between letters or digits; Unicode's rules do
 * not before a digit, which left "17(6):593-603." unbreakable. */
static void test_explicit_hyphen(void) {
    const char *ref = "C. (1974) 17(6):593-603. Hepatic";
    double w = natural("C. (1974) 17(6):593-");
    OK(w > 0, "measured %.2f", w);
    char *got = lines_of(ref, w, true);
    STR_EQ(got, "C. (1974) 17(6):593-|603. Hepatic");
    free(got);
    /* A minus sign before a number is no hyphen: nothing before it to stay with. */
    got = lines_of("x -5", natural("x -") + 1, false);
    STR_EQ(got, "x|-5");
    free(got);
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1);
    diag d;
    diag_init(&d);
    d.capture = true;
    char *dir = xasprintf("%s/tests/print/pdf/fixtures/keeps", QUIRE_SOURCE_DIR);
    book_options bo = {0};
    model_book *book = book_load(dir, &bo, &d);
    free(dir);
    OK(book != NULL, "keeps fixture loads: %s", d.captured ? d.captured : "");
    if (book) {
        text_svg_fonts(book);
        tc = text_ctx_new(book, NULL);
        body = book->style->roles[STYLE_BODY];
        body.align = STYLE_ALIGN_LEFT;
        test_explicit_hyphen();
        text_ctx_free(tc);
        text_svg_fonts_done();
        model_book_free(book);
    }
    diag_free(&d);
    fontmap_release();
    fontset_release();
    return CHECK_DONE();
}
