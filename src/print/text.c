/* text: model inlines + style → PangoLayout lines (all Pango calls of the print writer). */
#include "print/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "model/fontset.h"
#include "print/fontmap.h"

struct text_ctx {
    const model_book *book;  /* for messages: paths as the user gave them */
    PangoContext *ctx;
    hyph *hy;
    PangoLanguage *lang;
    /* Ascent and descent per font description: pango_context_get_metrics also
     * measures an average character width by shaping sample text, a tenth of the
     * cost of laying out a short paragraph. */
    GHashTable *metrics;   /* PangoFontDescription* (owned) -> double[2] (owned) */
};

static text_ctx *ctx_on(PangoFontMap *fm, const model_book *book, hyph *hy) {
    if (!fm) return NULL;
    text_ctx *tc = xcalloc(1, sizeof *tc);
    tc->book = book;
    tc->ctx = pango_font_map_create_context(fm);
    /* 72 dpi: one Pango point is one PDF point. No hinting and unrounded glyph
     * positions: the same line breaks on a PDF and on a PNG surface. */
    pango_cairo_context_set_resolution(tc->ctx, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(tc->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(tc->ctx, FALSE);
    tc->lang = pango_language_from_string(book->meta.language ? book->meta.language : "en");
    pango_context_set_language(tc->ctx, tc->lang);
    tc->hy = hy;
    tc->metrics = g_hash_table_new_full((GHashFunc)pango_font_description_hash, (GEqualFunc)pango_font_description_equal,
                                        (GDestroyNotify)pango_font_description_free, g_free);
    return tc;
}

text_ctx *text_ctx_new(const model_book *book, hyph *hy) {
    return ctx_on(fontmap_for(book), book, hy);
}

text_ctx *text_ctx_new_second(const model_book *book, const text_ctx *tc) {
    return ctx_on(fontmap_second(book), book, tc->hy);
}

void text_ctx_set_hyph(text_ctx *tc, hyph *hy) {
    tc->hy = hy;
}

void text_ctx_free(text_ctx *tc) {
    if (!tc) return;
    g_hash_table_destroy(tc->metrics);
    g_object_unref(tc->ctx);
    free(tc);
}

double text_leading(const style_text *st) {
    double lh = st->line_height > 0 ? st->line_height : 1.2;
    return st->size * lh;
}

/*** building the text and its attributes ***/

typedef enum { A_ITALIC, A_BOLD, A_STRIKE, A_CODE, A_SUPER, A_COLOR } attr_kind;

typedef struct battr {
    attr_kind kind;
    int start, end;
    uint32_t color;
} battr;

typedef struct builder {
    buf text;
    battr *attrs;
    int n_attrs, cap_attrs;
    text_span *spans;
    int n_spans, cap_spans;
    const style_text *st;
    const text_opts *o;
    const hyph *hy;  /* NULL: no hyphenation */
} builder;

static void add_attr(builder *b, attr_kind k, int start, int end, uint32_t color) {
    if (end <= start) return;
    if (b->n_attrs == b->cap_attrs) {
        b->cap_attrs = b->cap_attrs ? b->cap_attrs * 2 : 8;
        b->attrs = xrealloc(b->attrs, (size_t)b->cap_attrs * sizeof *b->attrs);
    }
    b->attrs[b->n_attrs++] = (battr){k, start, end, color};
}

static text_span *add_span(builder *b, text_span_kind k, int start, int end) {
    if (b->n_spans == b->cap_spans) {
        b->cap_spans = b->cap_spans ? b->cap_spans * 2 : 4;
        b->spans = xrealloc(b->spans, (size_t)b->cap_spans * sizeof *b->spans);
    }
    text_span *s = &b->spans[b->n_spans++];
    memset(s, 0, sizeof *s);
    s->kind = k, s->start = start, s->end = end;
    return s;
}

/* Code as written: a tab moves to the next multiple of `tab` columns (a column is a
 * character: the face is monospaced), newlines stay as Pango paragraph ends, a
 * carriage return before one goes, other controls become spaces. */
static void put_verbatim(builder *b, const char *s, size_t n, int tab) {
    if (tab < 1) tab = 4;
    int col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\t') {
            do buf_putc(&b->text, ' ');
            while (++col % tab);
        } else if (ch == '\n') {
            buf_putc(&b->text, '\n');
            col = 0;
        } else if (ch == '\r' && i + 1 < n && s[i + 1] == '\n') {
            continue;
        } else {
            buf_putc(&b->text, ch < 0x20 ? ' ' : (char)ch);
            if ((ch & 0xC0) != 0x80) col++;
        }
    }
}

static void put_text(builder *b, const char *s, size_t n) {
    if (b->o->verbatim) {
        put_verbatim(b, s, n, b->st->tab_size);
        return;
    }
    char *up = NULL;
    if (b->st->uppercase) {
        up = g_utf8_strup(s, (gssize)n);
        s = up, n = strlen(up);
    }
    /* Tabs and stray controls would show as boxes: spaces instead. */
    size_t start = b->text.len;
    if (b->hy) {
        size_t hn = 0;
        char *h = hyph_insert_soft(b->hy, s, n, &hn);
        buf_put(&b->text, h, hn);
        free(h);
    } else {
        buf_put(&b->text, s, n);
    }
    for (size_t i = start; i < b->text.len; i++)
        if ((unsigned char)b->text.data[i] < 0x20) b->text.data[i] = ' ';
    g_free(up);
}

static void build_inlines(builder *b, const model_node *parent) {
    for (const model_node *n = parent->first_child; n; n = n->next) {
        int s = (int)b->text.len;
        switch (n->type) {
        case MODEL_TEXT:
            if (n->text) put_text(b, n->text, strlen(n->text));
            break;
        case MODEL_EMPH:
            build_inlines(b, n);
            add_attr(b, A_ITALIC, s, (int)b->text.len, 0);
            break;
        case MODEL_STRONG:
            build_inlines(b, n);
            add_attr(b, A_BOLD, s, (int)b->text.len, 0);
            break;
        case MODEL_STRIKE:
            build_inlines(b, n);
            add_attr(b, A_STRIKE, s, (int)b->text.len, 0);
            break;
        case MODEL_CODE:
            if (n->text) buf_puts(&b->text, n->text);
            add_attr(b, A_CODE, s, (int)b->text.len, 0);
            break;
        case MODEL_LINK: {
            build_inlines(b, n);
            int e = (int)b->text.len;
            text_span *sp = add_span(b, TEXT_SPAN_LINK, s, e);
            if (n->as.link.kind == MODEL_LINK_INTERNAL && n->as.link.target->id) sp->dest = n->as.link.target->id;
            else if (n->as.link.kind == MODEL_LINK_EXTERNAL) sp->uri = n->as.link.url;
            if (b->o->link_color != STYLE_NO_COLOR) add_attr(b, A_COLOR, s, e, b->o->link_color);
            break;
        }
        case MODEL_NOTE_REF: {
            buf_printf(&b->text, "%d", n->as.note_ref.number);
            int e = (int)b->text.len;
            add_attr(b, A_SUPER, s, e, 0);
            if (b->o->link_color != STYLE_NO_COLOR) add_attr(b, A_COLOR, s, e, b->o->link_color);
            text_span *sp = add_span(b, TEXT_SPAN_NOTE, s, e);
            sp->note = n->as.note_ref.number;
            sp->id = n->id;
            sp->dest = n->as.note_ref.note ? n->as.note_ref.note->id : NULL;
            break;
        }
        case MODEL_ANCHOR:
            add_span(b, TEXT_SPAN_ANCHOR, s, s)->id = n->id;
            break;
        case MODEL_SOFT_BREAK:
            buf_putc(&b->text, ' ');
            break;
        case MODEL_LINE_BREAK:
            buf_puts(&b->text, "\xE2\x80\xA8"); /* U+2028: a forced line break inside the paragraph */
            break;
        default:
            build_inlines(b, n);
            break;
        }
    }
}

static PangoFontDescription *font_for(const style_text *st, const text_opts *o) {
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, st->family ? st->family : "serif");
    double size = st->size > 0 ? st->size : 10;
    if (o && o->size_scale > 0) size *= o->size_scale;
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, (PangoWeight)(st->weight ? st->weight : 400));
    pango_font_description_set_style(fd, st->italic || (o && o->italic) ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    return fd;
}

static PangoAttribute *ranged(PangoAttribute *a, int start, int end) {
    a->start_index = (guint)start;
    a->end_index = (guint)end;
    return a;
}

static guint16 c16(uint32_t rgb, int shift) {
    return (guint16)(((rgb >> shift) & 0xFF) * 257);
}

static PangoAttrList *make_attrs(const builder *b, double size) {
    PangoAttrList *al = pango_attr_list_new();
    int len = (int)b->text.len;
    const style_text *st = b->st;
    pango_attr_list_insert(al, ranged(pango_attr_foreground_new(c16(st->color, 16), c16(st->color, 8), c16(st->color, 0)), 0, len));
    if (st->letter_spacing != 0)
        pango_attr_list_insert(al, ranged(pango_attr_letter_spacing_new((int)(st->letter_spacing * PANGO_SCALE)), 0, len));
    for (int i = 0; i < b->n_attrs; i++) {
        const battr *a = &b->attrs[i];
        switch (a->kind) {
        case A_ITALIC: pango_attr_list_insert(al, ranged(pango_attr_style_new(PANGO_STYLE_ITALIC), a->start, a->end)); break;
        case A_BOLD: pango_attr_list_insert(al, ranged(pango_attr_weight_new(PANGO_WEIGHT_BOLD), a->start, a->end)); break;
        case A_STRIKE: pango_attr_list_insert(al, ranged(pango_attr_strikethrough_new(TRUE), a->start, a->end)); break;
        case A_CODE: {
            const style_text *cs = b->o->code_style;
            const char *fam = cs && cs->family ? cs->family : "monospace";
            pango_attr_list_insert(al, ranged(pango_attr_family_new(fam), a->start, a->end));
            pango_attr_list_insert(al, ranged(pango_attr_size_new_absolute((int)(size * 0.9 * PANGO_SCALE)), a->start, a->end));
            break;
        }
        case A_SUPER:
            pango_attr_list_insert(al, ranged(pango_attr_size_new_absolute((int)(size * 0.62 * PANGO_SCALE)), a->start, a->end));
            pango_attr_list_insert(al, ranged(pango_attr_rise_new((int)(size * 0.36 * PANGO_SCALE)), a->start, a->end));
            break;
        case A_COLOR:
            pango_attr_list_insert(al, ranged(pango_attr_foreground_new(c16(a->color, 16), c16(a->color, 8), c16(a->color, 0)), a->start, a->end));
            break;
        }
    }
    return al;
}

/* Removes n bytes at pos, shifting every attribute and span behind them. */
static void remove_bytes(builder *b, int pos, int n) {
    memmove(b->text.data + pos, b->text.data + pos + n, b->text.len - (size_t)(pos + n) + 1);
    b->text.len -= (size_t)n;
#define SHIFT(v) ((v) > pos ? ((v) - n < pos ? pos : (v) - n) : (v))
    for (int i = 0; i < b->n_attrs; i++) b->attrs[i].start = SHIFT(b->attrs[i].start), b->attrs[i].end = SHIFT(b->attrs[i].end);
    for (int i = 0; i < b->n_spans; i++) b->spans[i].start = SHIFT(b->spans[i].start), b->spans[i].end = SHIFT(b->spans[i].end);
#undef SHIFT
}

static bool is_shy(const char *t, int i, int len) {
    return i >= 0 && i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xAD;
}

/* Takes every soft hyphen out of the word holding byte `pos`. */
static void unhyphenate_word(builder *b, int pos) {
    const char *t = b->text.data;
    int len = (int)b->text.len;
    int ws = pos, we = pos;
    while (ws > 0 && (unsigned char)t[ws - 1] != ' ' && !(t[ws - 1] == '\xA8' && ws >= 3)) ws--;
    while (we < len && (unsigned char)t[we] != ' ') we++;
    for (int i = we - 2; i >= ws; i--)
        if (is_shy(b->text.data, i, (int)b->text.len)) remove_bytes(b, i, 2);
}

static void collect_lines(text_para *p) {
    PangoLayoutIter *it = pango_layout_get_iter(p->layout);
    int n = pango_layout_get_line_count(p->layout);
    p->lines = xrealloc(p->lines, (size_t)(n > 0 ? n : 1) * sizeof *p->lines);
    p->n_lines = 0;
    do {
        PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        text_line *tl = &p->lines[p->n_lines++];
        tl->start = ln->start_index;
        tl->length = ln->length;
        tl->x = (double)logical.x / PANGO_SCALE;
        tl->width = (double)logical.width / PANGO_SCALE;
        int e = ln->start_index + ln->length;
        tl->hyphenated = is_shy(p->text, e - 2, p->len);
        tl->continued = p->verbatim && !ln->is_paragraph_start;
        /* Pango's logical width counts the spaces a line ends with: measure the ink side. */
        int te = e;
        while (te > ln->start_index && (p->text[te - 1] == ' ' || (te - 3 >= ln->start_index && (unsigned char)p->text[te - 3] == 0xE2 &&
                                                               (unsigned char)p->text[te - 2] == 0x80 && (unsigned char)p->text[te - 1] == 0xA8)))
            te -= p->text[te - 1] == ' ' ? 1 : 3;
        if (te < e && te > ln->start_index) {
            int *r = NULL, nr = 0;
            pango_layout_line_get_x_ranges(ln, ln->start_index, te, &r, &nr);
            double right = 0;
            for (int k = 0; k < nr; k++)
                if (r[2 * k + 1] > right) right = r[2 * k + 1];
            if (nr) tl->width = (double)right / PANGO_SCALE - tl->x;
            g_free(r);
        }
    } while (p->n_lines < n && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* True when the line's text, trailing spaces aside, ends with a forced break (U+2028). */
static bool ends_hard_break(const text_para *p, const text_line *tl) {
    int e = tl->start + tl->length;
    while (e > tl->start && p->text[e - 1] == ' ') e--;
    return e - 3 >= tl->start && (unsigned char)p->text[e - 3] == 0xE2 && (unsigned char)p->text[e - 2] == 0x80 &&
           (unsigned char)p->text[e - 1] == 0xA8;
}

static bool is_space_at(const char *t, int i, int len) {
    return t[i] == ' ' || (i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA0);
}

/* Justifies every line but the last and those ending in a forced break by widening the
 * line's inner spaces, as Pango's own justify_words does. Pango 1.50 justifies before
 * it adds a hyphen glyph, so its justified hyphenated lines overhang the column; here
 * the hyphen is already in the line's measured width. The lines come from the
 * non-read-only list, which tells Pango their extents must not be cached. */
static void justify_lines(text_para *p) {
    if (p->width <= 0 || p->n_lines < 2) return;
    int i = 0;
    for (GSList *l = pango_layout_get_lines(p->layout); l && i < p->n_lines - 1; l = l->next, i++) {
        PangoLayoutLine *ln = l->data;
        text_line *tl = &p->lines[i];
        if (ends_hard_break(p, tl)) continue;
        double extra = p->width - (tl->x + tl->width);
        if (extra <= 0.001) continue;
        int te = tl->start + tl->length;
        while (te > tl->start && p->text[te - 1] == ' ') te--;
        int spaces = 0;
        for (GSList *r = ln->runs; r; r = r->next) {
            const PangoGlyphItem *run = r->data;
            for (int g = 0; g < run->glyphs->num_glyphs; g++) {
                int at = run->item->offset + run->glyphs->log_clusters[g];
                if (at < te && is_space_at(p->text, at, p->len)) spaces++;
            }
        }
        if (!spaces) continue;
        /* Whole Pango units, the remainder spread one unit at a time from the left. */
        int total = (int)floor(extra * PANGO_SCALE), each = total / spaces, rest = total - each * spaces;
        for (GSList *r = ln->runs; r; r = r->next) {
            PangoGlyphItem *run = r->data;
            for (int g = 0; g < run->glyphs->num_glyphs; g++) {
                int at = run->item->offset + run->glyphs->log_clusters[g];
                if (at < te && is_space_at(p->text, at, p->len)) {
                    run->glyphs->glyphs[g].geometry.width += each + (rest > 0 ? 1 : 0);
                    if (rest > 0) rest--;
                }
            }
        }
        tl->width += (double)total / PANGO_SCALE;
    }
}

static int hyphen_violation(const text_para *p) {
    int run = 0;
    for (int i = 0; i < p->n_lines; i++) {
        run = p->lines[i].hyphenated ? run + 1 : 0;
        if (run > 2) return i;
    }
    return -1;
}

int text_hyphen_runs_over_two(const text_para *p) {
    int over = 0, run = 0;
    for (int i = 0; i < p->n_lines; i++) {
        run = p->lines[i].hyphenated ? run + 1 : 0;
        if (run > 2) over++;
    }
    return over;
}

static void apply(text_ctx *tc, text_para *p, builder *b, PangoFontDescription *fd, double size) {
    free(p->text);
    p->len = (int)b->text.len;
    p->text = xstrndup(b->text.data, b->text.len);
    pango_layout_set_text(p->layout, p->text, p->len);
    PangoAttrList *al = make_attrs(b, size);
    pango_layout_set_attributes(p->layout, al);
    pango_attr_list_unref(al);
    (void)tc, (void)fd;
    collect_lines(p);
}

/* Ascent and descent of a font description, in points. */
static void font_extents(text_ctx *tc, const PangoFontDescription *fd, double *asc, double *desc) {
    const double *v = g_hash_table_lookup(tc->metrics, fd);
    if (!v) {
        PangoFontMetrics *m = pango_context_get_metrics(tc->ctx, fd, tc->lang);
        double *nv = g_new(double, 2);
        nv[0] = (double)pango_font_metrics_get_ascent(m) / PANGO_SCALE;
        nv[1] = (double)pango_font_metrics_get_descent(m) / PANGO_SCALE;
        pango_font_metrics_unref(m);
        g_hash_table_insert(tc->metrics, pango_font_description_copy(fd), nv);
        v = nv;
    }
    *asc = v[0], *desc = v[1];
}

static text_para *para_from_builder(text_ctx *tc, builder *b, const style_text *st, const text_opts *o) {
    text_para *p = xcalloc(1, sizeof *p);
    p->layout = pango_layout_new(tc->ctx);
    PangoFontDescription *fd = font_for(st, o);
    double size = (st->size > 0 ? st->size : 10) * (o->size_scale > 0 ? o->size_scale : 1);
    pango_layout_set_font_description(p->layout, fd);
    pango_layout_set_width(p->layout, o->width > 0 ? (int)(o->width * PANGO_SCALE) : -1);
    /* WORD_CHAR: a word longer than the line still breaks at the edge. Code wraps
     * at any character, as a terminal does. */
    pango_layout_set_wrap(p->layout, o->verbatim ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    int align = o->align_override >= 0 ? o->align_override : (int)st->align;
    /* Justified text is set ragged first and justified line by line at the end. */
    bool justify = align == STYLE_ALIGN_JUSTIFY && !o->no_justify && o->width > 0;
    pango_layout_set_justify(p->layout, FALSE);
    pango_layout_set_alignment(p->layout, align == STYLE_ALIGN_RIGHT    ? PANGO_ALIGN_RIGHT
                                          : align == STYLE_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                                        : PANGO_ALIGN_LEFT);
    p->verbatim = o->verbatim;
    p->ink = st->color;
    /* A negative indent hangs every line of a Pango paragraph but its first: code's
     * continued lines start two columns in, behind the continuation mark. */
    p->hang = o->verbatim ? 1.2 * (st->size > 0 ? st->size : 10) : 0;
    pango_layout_set_indent(p->layout, (int)((o->verbatim ? -p->hang : o->first_indent) * PANGO_SCALE));
    p->width = o->width;
    p->size = size;
    double lh = st->line_height > 0 ? st->line_height : 1.2;
    p->leading = size * lh;
    double asc, desc;
    font_extents(tc, fd, &asc, &desc);
    p->ascent = (p->leading - (asc + desc)) / 2 + asc; /* half-leading above, as CSS does */

    apply(tc, p, b, fd, size);
    /* At most two hyphenated line ends in a row: unhyphenate the third's word and redo. */
    for (int guard = 0; guard < 64; guard++) {
        int v = hyphen_violation(p);
        if (v < 0) break;
        unhyphenate_word(b, p->lines[v].start + p->lines[v].length - 2);
        apply(tc, p, b, fd, size);
    }
    /* Soft hyphens that did not break a line go: left inside a word they split its
     * ligatures and end up in the extracted text. */
    bool *keep = xcalloc((size_t)p->len + 1, sizeof *keep);
    bool any = false;
    for (int i = 0; i < p->n_lines; i++)
        if (p->lines[i].hyphenated) keep[p->lines[i].start + p->lines[i].length - 2] = true;
    for (int i = (int)b->text.len - 2; i >= 0; i--)
        if (is_shy(b->text.data, i, (int)b->text.len) && !keep[i]) remove_bytes(b, i, 2), any = true;
    free(keep);
    if (any) apply(tc, p, b, fd, size);
    if (justify) justify_lines(p);
    p->justified = justify;
    pango_font_description_free(fd);
    p->spans = b->spans;
    p->n_spans = b->n_spans;
    b->spans = NULL;
    return p;
}

static void builder_free(builder *b) {
    buf_free(&b->text);
    free(b->attrs);
    free(b->spans);
}

/* A line of one character still wider than the column: nothing can make it fit. */
static bool too_narrow(const text_para *p) {
    if (p->width <= 0) return false;
    for (int i = 0; i < p->n_lines; i++) {
        const text_line *ln = &p->lines[i];
        const char *s = p->text + ln->start;
        int n = ln->length;
        while (n > 0 && (s[n - 1] == ' ' || (unsigned char)s[n - 1] == 0xAD)) n--;
        if (n > 0 && g_utf8_strlen(s, n) == 1 && ln->x + ln->width > p->width + 0.01) return true;
    }
    return false;
}

text_para *text_para_inlines(text_ctx *tc, const model_node *block, const style_text *st, const text_opts *o, diag *d) {
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = o;
    b.hy = st->hyphenate ? tc->hy : NULL;
    if (o->prefix) buf_puts(&b.text, o->prefix);
    build_inlines(&b, block);
    text_para *p = para_from_builder(tc, &b, st, o);
    builder_free(&b);
    if (too_narrow(p)) {
        char *file = model_display_path(tc->book, block->pos.file);
        diag_error(d, file, block->pos.line, block->pos.col,
                   "a %s block is too narrow (%.1f pt) for one character", model_type_name(block->type), o->width);
        free(file);
        text_para_free(p);
        return NULL;
    }
    return p;
}

text_para *text_para_plain(text_ctx *tc, const char *utf8, const style_text *st, const text_opts *o) {
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = o;
    if (o->prefix) buf_puts(&b.text, o->prefix);
    put_text(&b, utf8, strlen(utf8));
    text_para *p = para_from_builder(tc, &b, st, o);
    builder_free(&b);
    return p;
}

void text_para_free(text_para *p) {
    if (!p) return;
    if (p->layout) g_object_unref(p->layout);
    free(p->text);
    free(p->spans);
    free(p->lines);
    free(p);
}

void text_measure_inlines(text_ctx *tc, const model_node *block, const style_text *st, const text_opts *o,
                          double *min_width, double *max_width) {
    text_opts oo = *o;
    oo.width = -1;
    oo.first_indent = 0;
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = &oo;
    build_inlines(&b, block);
    text_para *p = para_from_builder(tc, &b, st, &oo);
    builder_free(&b);
    PangoRectangle lr;
    pango_layout_get_extents(p->layout, NULL, &lr);
    *max_width = (double)lr.width / PANGO_SCALE;
    /* Narrowest width without breaking inside a word. */
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD);
    pango_layout_set_width(p->layout, 1);
    pango_layout_get_extents(p->layout, NULL, &lr);
    *min_width = (double)lr.width / PANGO_SCALE;
    if (*min_width > *max_width) *min_width = *max_width;
    text_para_free(p);
}

/* The foreground colour of a run, false when it has none. */
static bool run_color(const PangoGlyphItem *run, double rgb[3]) {
    for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
        const PangoAttribute *at = a->data;
        if (at->klass->type != PANGO_ATTR_FOREGROUND) continue;
        const PangoColor *c = &((const PangoAttrColor *)at)->color;
        rgb[0] = c->red / 65535.0, rgb[1] = c->green / 65535.0, rgb[2] = c->blue / 65535.0;
        return true;
    }
    return false;
}

/* Draws a hyphenated line with its hyphen glyph outside the text it maps to: the
 * run is drawn without the soft hyphen's bytes and glyph, then the glyph alone with
 * an empty text (cairo writes it under an empty /ActualText). Text extraction and
 * search then see the word's two halves, not a hyphen that is not part of it. False
 * when the line does not end in a shaped soft hyphen in an LTR run. */
static bool draw_hyphenated(cairo_t *cr, const text_para *p, int i, double x, double baseline) {
    const text_line *tl = &p->lines[i];
    PangoLayoutLine *ln = pango_layout_get_line(p->layout, i);
    GSList *lr = ln ? g_slist_last(ln->runs) : NULL;
    if (!lr) return false;
    PangoGlyphItem *run = lr->data;
    PangoGlyphString *gs = run->glyphs;
    int n = gs->num_glyphs, shy = tl->start + tl->length - 2;
    if (run->item->analysis.level % 2 || run->item->offset + run->item->length != shy + 2) return false;
    /* The soft hyphen's cluster: Pango 1.50 gives it an empty glyph and the hyphen. */
    int k = 0;
    while (k < n && run->item->offset + gs->log_clusters[n - 1 - k] == shy) k++;
    if (k == 0 || k == n || gs->glyphs[n - 1].glyph == PANGO_GLYPH_EMPTY) return false;
    double hx = x + tl->x;
    for (GSList *r = ln->runs; r != lr; r = r->next) hx += pango_glyph_string_get_width(((PangoGlyphItem *)r->data)->glyphs) / (double)PANGO_SCALE;
    for (int g = 0; g < n - 1; g++) hx += gs->glyphs[g].geometry.width / (double)PANGO_SCALE;
    PangoGlyphInfo hy = gs->glyphs[n - 1];
    gs->num_glyphs -= k, run->item->length -= 2, run->item->num_chars--;
    cairo_move_to(cr, x + tl->x, baseline);
    pango_cairo_show_layout_line(cr, ln);
    gs->num_glyphs += k, run->item->length += 2, run->item->num_chars++;
    if (hy.glyph & PANGO_GLYPH_UNKNOWN_FLAG) return true;
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
    if (!sf) return true;
    cairo_save(cr);
    double rgb[3];
    if (run_color(run, rgb)) cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_scaled_font(cr, sf);
    cairo_glyph_t g = {hy.glyph, hx + hy.geometry.x_offset / (double)PANGO_SCALE,
                       baseline + (hy.geometry.y_offset - run->y_offset) / (double)PANGO_SCALE};
    cairo_text_cluster_t cl = {0, 1};
    cairo_show_text_glyphs(cr, "", 0, &g, 1, &cl, 1, 0);
    cairo_restore(cr);
    return true;
}

/* A hooked arrow in the hanging indent of a continued code line: drawn, not set as
 * text, so the code's extracted text stays as written. */
static void draw_continuation(cairo_t *cr, const text_para *p, double x, double baseline) {
    double u = p->size / 10;
    cairo_save(cr);
    cairo_set_source_rgb(cr, (p->ink >> 16 & 0xFF) / 255.0, (p->ink >> 8 & 0xFF) / 255.0, (p->ink & 0xFF) / 255.0);
    cairo_set_line_width(cr, 0.6 * u);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double x0 = x + 1.5 * u, x1 = x + p->hang - 2.5 * u, y0 = baseline - 6.5 * u, y1 = baseline - 3 * u;
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x0, y1);
    cairo_line_to(cr, x1, y1);
    cairo_move_to(cr, x1 - 2 * u, y1 - 2 * u);
    cairo_line_to(cr, x1, y1);
    cairo_line_to(cr, x1 - 2 * u, y1 + 2 * u);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void text_draw_line(cairo_t *cr, const text_para *p, int i, double x, double baseline) {
    if (i < 0 || i >= p->n_lines) return;
    if (p->lines[i].continued) draw_continuation(cr, p, x, baseline);
    if (p->lines[i].hyphenated && draw_hyphenated(cr, p, i, x, baseline)) return;
    PangoLayoutLine *ln = pango_layout_get_line_readonly(p->layout, i);
    if (!ln) return;
    cairo_move_to(cr, x + p->lines[i].x, baseline);
    pango_cairo_show_layout_line(cr, ln);
}

int text_line_ranges(const text_para *p, int i, int start, int end, double *xs, int max) {
    const text_line *tl = &p->lines[i];
    int ls = tl->start, le = tl->start + tl->length;
    if (end <= ls || start >= le) return 0;
    if (start < ls) start = ls;
    if (end > le) end = le;
    PangoLayoutLine *ln = pango_layout_get_line_readonly(p->layout, i);
    int *ranges = NULL, n = 0;
    pango_layout_line_get_x_ranges(ln, start, end, &ranges, &n);
    int k = 0;
    for (int r = 0; r < n && k < max; r++, k++) {
        xs[2 * k] = (double)ranges[2 * r] / PANGO_SCALE;
        xs[2 * k + 1] = (double)ranges[2 * r + 1] / PANGO_SCALE;
    }
    g_free(ranges);
    return k;
}

void text_svg_fonts(const model_book *book) {
    /* Not FcConfigGetCurrent(): with no current configuration yet it loads the whole
     * system one (a tenth of a build) only to be replaced. SetCurrent takes a reference. */
    FcConfig *c = fontset_config(book);
    if (c) FcConfigSetCurrent(c);
}

void text_svg_fonts_done(void) {
    pango_cairo_font_map_set_default(NULL);
}
