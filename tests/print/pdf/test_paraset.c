/* test_paraset: the paragraph engine on real fonts (the keeps fixture's style and
 * fonts): where lines may break. Widths are measured by laying the text out first,
 * never written in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load/book.h"
#include "model/model.h"
#include "print/hyph.h"
#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/text.h"
#include "check.h"

static text_ctx *tc;
static style_text body;
static model_book *book;

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

/* One hyphenated paragraph of `s` set ragged at `width` (the book's patterns). */
static text_para *hyphenated(const char *s, double width) {
    model_node *para = model_node_new(book, MODEL_PARAGRAPH, (model_pos){"t.md", 1, 1});
    model_node *t = model_node_new(book, MODEL_TEXT, (model_pos){"t.md", 1, 1});
    t->text = s;
    model_append_child(para, t);
    style_text st = body;
    st.hyphenate = true;
    text_opts o = {.width = width, .no_justify = true, .align_override = -1};
    return text_para_inlines(tc, para, &st, &o, NULL);
}

/* A word hyphenated at a line end: the letter before the break is shaped with the
 * hyphen, so their kerning is the pair's and not the letter's with the one that went
 * to the next line. The first line is exactly as wide as "prefix-" set alone; among the
 * words tried at least one has a letter that kerns differently with the two. */
static void test_edge_reshaped(void) {
    style_text keep = body;
    body.family = book->style->roles[STYLE_H1].family; /* Lato: it kerns c, f, k with a hyphen */
    static const char *words[][2] = {{"structure", "struc"}, {"practice", "prac"}, {"election", "elec"},
                                     {"doctor", "doc"}, {"making", "mak"}, {"taking", "tak"}, {"factor", "fac"},
                                     {"chemotherapy", "chemother"}, {"preserving", "preserv"}};
    int kerned = 0;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *w = words[i][0], *pre = words[i][1];
        char *dash = xasprintf("%s-", pre), *two = xstrndup(w, strlen(pre) + 1);
        char *last = xasprintf("%c-", pre[strlen(pre) - 1]), *pair = xstrndup(two + strlen(pre) - 1, 2);
        double with_hyphen = natural(dash);
        double k1 = natural(last) - natural(last + 1) - natural((char[]){pre[strlen(pre) - 1], 0});
        double k2 = natural(pair) - natural(pair + 1) - natural((char[]){pre[strlen(pre) - 1], 0});
        if (fabs(k1 - k2) > 0.01) kerned++;
        text_para *p = hyphenated(w, with_hyphen + 0.3);
        OK(p && p->n_lines >= 2 && p->lines[0].hyphenated && p->lines[0].length == (int)strlen(pre),
           "%s: not broken after %s", w, pre);
        if (p && p->n_lines >= 2)
            OK(fabs(p->lines[0].width - with_hyphen) < 0.01, "%s: the line %s- is %.3f wide, set alone %.3f (kerns %.3f, %.3f)", w,
               pre, p->lines[0].width, with_hyphen, k1, k2);
        text_para_free(p);
        free(dash), free(two), free(last), free(pair);
    }
    OK(kerned > 0, "no word tried kerns differently before its hyphen");
    body = keep;
}

/* A paragraph of text and inline code: parts alternate, text first ("" for none). */
static text_para *with_code(const char *const *parts, int n, double width, bool justify) {
    model_node *para = model_node_new(book, MODEL_PARAGRAPH, (model_pos){"t.md", 1, 1});
    for (int i = 0; i < n; i++) {
        if (!parts[i][0]) continue;
        model_node *t = model_node_new(book, i % 2 ? MODEL_CODE : MODEL_TEXT, (model_pos){"t.md", 1, 1});
        t->text = parts[i];
        model_append_child(para, t);
    }
    text_opts o = {.width = width, .no_justify = !justify, .align_override = justify ? STYLE_ALIGN_JUSTIFY : -1,
                   .code_style = &book->style->roles[STYLE_CODE]};
    return text_para_inlines(tc, para, &body, &o, NULL);
}

static char *line_texts(const text_para *p) {
    char *out = xcalloc((size_t)p->len + (size_t)p->n_lines + 1, 1);
    for (int i = 0; i < p->n_lines; i++) {
        int n = p->lines[i].length;
        while (n > 0 && p->text[p->lines[i].start + n - 1] == ' ') n--;
        if (i) strcat(out, "|");
        strncat(out, p->text + p->lines[i].start, (size_t)n);
    }
    return out;
}

/* Inline code breaks at its punctuation when a line would otherwise be loose (the PyO3
 * user guide's list item), and a line that no break can fill is set ragged, not
 * justified with gaps of several em. */
static void test_inline_code(void) {
    const char *item[] = {"", "#[derive(IntoPyObjectRef)]", " will invoke the function with ", "Cow::Borrowed"};
    const char *head[] = {"", "#[derive(IntoPyObjectRef)]", " will invoke the function with ", "Cow::"};
    text_para *p = with_code(head, 4, 1e5, false);
    double w = p->lines[0].width;
    text_para_free(p);
    p = with_code(item, 4, w + 2, true);
    char *got = line_texts(p);
    STR_EQ(got, "#[derive(IntoPyObjectRef)] will invoke the function with Cow::|Borrowed");
    OK(p->justified && fabs(p->lines[0].width - (w + 2)) < 0.05, "the first line fills %.2f: %.2f", w + 2, p->lines[0].width);
    free(got);
    text_para_free(p);
    /* No break inside "IntoPyObjectRef": "one two" alone would need its one space
     * stretched by some 40 pt. It keeps its natural width instead. */
    const char *code[] = {"", "IntoPyObjectRef"}, *two[] = {"one two"};
    p = with_code(code, 2, 1e5, false);
    double cw = p->lines[0].width;
    text_para_free(p);
    p = with_code(two, 1, 1e5, false);
    double tw = p->lines[0].width;
    text_para_free(p);
    const char *both[] = {"one two ", "IntoPyObjectRef"};
    p = with_code(both, 2, cw + 1, true);
    got = line_texts(p);
    STR_EQ(got, "one two|IntoPyObjectRef");
    OK(p->n_lines == 2 && fabs(p->lines[0].width - tw) < 0.05, "'one two' set at %.2f, natural %.2f", p->lines[0].width, tw);
    free(got);
    text_para_free(p);
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1);
    diag d;
    diag_init(&d);
    d.capture = true;
    char *dir = xasprintf("%s/tests/print/pdf/fixtures/keeps", QUIRE_SOURCE_DIR);
    book_options bo = {0};
    book = book_load(dir, &bo, &d);
    free(dir);
    OK(book != NULL, "keeps fixture loads: %s", d.captured ? d.captured : "");
    if (book) {
        text_svg_fonts(book);
        hyph *hy = hyph_load("en-US");
        tc = text_ctx_new(book, hy);
        body = book->style->roles[STYLE_BODY];
        body.align = STYLE_ALIGN_LEFT;
        test_explicit_hyphen();
        test_edge_reshaped();
        test_inline_code();
        text_ctx_free(tc);
        hyph_free(hy);
        text_svg_fonts_done();
        model_book_free(book);
    }
    diag_free(&d);
    fontmap_release();
    fontset_release();
    return CHECK_DONE();
}
