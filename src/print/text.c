/* text: model inlines + style → PangoLayout lines (all Pango calls of the print writer). */
#include "print/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/paraset.h"

struct text_ctx {
    const model_book *book;  /* for messages: paths as the user gave them */
    PangoContext *ctx;
    hyph *hy;
    PangoLanguage *lang;
    /* Ascent and descent per font description: pango_context_get_metrics also
     * measures an average character width by shaping sample text, a tenth of the
     * cost of laying out a short paragraph. */
    GHashTable *metrics;   /* PangoFontDescription* (owned) -> double[2] (owned) */
    bool second;           /* on the second thread's font maps */
    GHashTable *warned;    /* characters no bundled font has, already warned about (GUINT_TO_POINTER) */
    GHashTable *per_script; /* ISO 15924 code -> how many of those characters it had (GUINT_TO_POINTER) */
    PangoContext *sys_ctx; /* on the system's fonts, for characters no book font has; made on first use */
};

/* One PangoContext set up as every one of quire's: 72 dpi (a Pango point is a PDF
 * point), no hinting and unrounded glyph positions (the same breaks on a PDF and a
 * PNG surface), the book's language. */
static PangoContext *context_on(PangoFontMap *fm, PangoLanguage *lang) {
    PangoContext *ctx = pango_font_map_create_context(fm);
    pango_cairo_context_set_resolution(ctx, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_context_set_language(ctx, lang);
    return ctx;
}

/* A system font for a character the book's fonts lack, at the size and style of
 * `like`; NULL when the system has none with it. */
static PangoFont *system_fallback(void *ud, gunichar c, PangoFont *like) {
    text_ctx *tc = ud;
    if (!tc->sys_ctx) {
        PangoFontMap *fm = fontmap_system(tc->second);
        if (!fm) return NULL;
        tc->sys_ctx = context_on(fm, tc->lang);
    }
    char *family = fontmap_system_family(c);
    if (!family) return NULL;
    PangoFontDescription *fd = pango_font_describe_with_absolute_size(like);
    pango_font_description_set_family(fd, family);
    PangoFont *f = pango_font_map_load_font(pango_context_get_font_map(tc->sys_ctx), tc->sys_ctx, fd);
    pango_font_description_free(fd);
    free(family);
    if (f && !pango_font_has_char(f, c)) g_object_unref(f), f = NULL;
    return f;
}

static text_ctx *ctx_on(PangoFontMap *fm, const model_book *book, hyph *hy, bool second) {
    if (!fm) return NULL;
    text_ctx *tc = xcalloc(1, sizeof *tc);
    tc->book = book;
    tc->second = second;
    tc->lang = pango_language_from_string(book->meta.language ? book->meta.language : "en");
    tc->ctx = context_on(fm, tc->lang);
    tc->hy = hy;
    tc->warned = g_hash_table_new(g_direct_hash, g_direct_equal);
    tc->per_script = g_hash_table_new(g_direct_hash, g_direct_equal);
    tc->metrics = g_hash_table_new_full((GHashFunc)pango_font_description_hash, (GEqualFunc)pango_font_description_equal,
                                        (GDestroyNotify)pango_font_description_free, g_free);
    return tc;
}

text_ctx *text_ctx_new(const model_book *book, hyph *hy) {
    return ctx_on(fontmap_for(book), book, hy, false);
}

text_ctx *text_ctx_new_second(const model_book *book, const text_ctx *tc) {
    return ctx_on(fontmap_second(book), book, tc->hy, true);
}

void text_ctx_set_hyph(text_ctx *tc, hyph *hy) {
    tc->hy = hy;
}

void text_ctx_free(text_ctx *tc) {
    if (!tc) return;
    g_hash_table_destroy(tc->metrics);
    g_hash_table_destroy(tc->warned);
    g_hash_table_destroy(tc->per_script);
    g_object_unref(tc->ctx);
    if (tc->sys_ctx) g_object_unref(tc->sys_ctx);
    free(tc);
}

/*** building the text and its attributes ***/

typedef enum { A_ITALIC, A_BOLD, A_STRIKE, A_CODE, A_SUPER, A_SUB, A_COLOR, A_SHAPE } attr_kind;

typedef struct battr {
    attr_kind kind;
    int start, end;
    uint32_t color;
    double w, h;     /* A_SHAPE: the box an inline image takes, points */
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
    int *points;     /* byte offsets where libhyphen allows a break */
    int n_points, cap_points;
    /* Where the text of each text or code node starts: its characters' source positions. */
    const model_node **src;
    int *src_at;
    int n_src, cap_src;
} builder;

static void add_source(builder *b, const model_node *n) {
    if (b->n_src == b->cap_src) {
        b->cap_src = b->cap_src ? b->cap_src * 2 : 8;
        b->src = xrealloc(b->src, (size_t)b->cap_src * sizeof *b->src);
        b->src_at = xrealloc(b->src_at, (size_t)b->cap_src * sizeof *b->src_at);
    }
    b->src[b->n_src] = n, b->src_at[b->n_src++] = (int)b->text.len;
}

static void add_point(builder *b, int at) {
    if (b->n_points == b->cap_points) {
        b->cap_points = b->cap_points ? b->cap_points * 2 : 32;
        b->points = xrealloc(b->points, (size_t)b->cap_points * sizeof *b->points);
    }
    b->points[b->n_points++] = at;
}

/* Appends the text and records the points hyph_insert_soft marked with U+00AD,
 * leaving the text itself as written (a soft hyphen the author wrote stays). */
static void put_hyphenated(builder *b, const char *s, size_t n) {
    size_t hn = 0;
    char *h = hyph_insert_soft(b->hy, s, n, &hn);
    size_t i = 0, j = 0;
    while (j < hn) {
        bool shy = j + 1 < hn && (unsigned char)h[j] == 0xC2 && (unsigned char)h[j + 1] == 0xAD;
        bool own = i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xAD;
        if (shy && !own) {
            add_point(b, (int)b->text.len);
            j += 2;
            continue;
        }
        buf_putc(&b->text, h[j]);
        i++, j++;
    }
    free(h);
}

static void add_attr(builder *b, attr_kind k, int start, int end, uint32_t color) {
    if (end <= start) return;
    if (b->n_attrs == b->cap_attrs) {
        b->cap_attrs = b->cap_attrs ? b->cap_attrs * 2 : 8;
        b->attrs = xrealloc(b->attrs, (size_t)b->cap_attrs * sizeof *b->attrs);
    }
    b->attrs[b->n_attrs++] = (battr){k, start, end, color, 0, 0};
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
        put_hyphenated(b, s, n);
    } else {
        buf_put(&b->text, s, n);
    }
    for (size_t i = start; i < b->text.len; i++)
        if ((unsigned char)b->text.data[i] < 0x20) b->text.data[i] = ' ';
    g_free(up);
}

/* An image in running text: an object replacement character holding a box as tall as
 * the font size (no wider than the line); the PDF writer draws the image into it. */
static void inline_image(builder *b, const model_node *n) {
    const model_image *im = &n->as.figure.image;
    double size = b->st->size > 0 ? b->st->size : 10;
    if (b->o->size_scale > 0) size *= b->o->size_scale;
    double h = size, w = im->height > 0 ? h * im->width / im->height : h;
    if (w > b->o->width) h *= b->o->width / w, w = b->o->width;
    int s = (int)b->text.len;
    buf_puts(&b->text, "\xEF\xBF\xBC");
    add_attr(b, A_SHAPE, s, (int)b->text.len, 0);
    if (b->n_attrs && b->attrs[b->n_attrs - 1].kind == A_SHAPE) b->attrs[b->n_attrs - 1].w = w, b->attrs[b->n_attrs - 1].h = h;
    text_span *sp = add_span(b, TEXT_SPAN_IMAGE, s, (int)b->text.len);
    sp->image = im;
    sp->image_w = w, sp->image_h = h;
    sp->alt = n->as.figure.alt;
}

static void build_inlines(builder *b, const model_node *parent) {
    for (const model_node *n = parent->first_child; n; n = n->next) {
        int s = (int)b->text.len;
        switch (n->type) {
        case MODEL_TEXT:
            add_source(b, n);
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
            add_source(b, n);
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
        case MODEL_SUPERSCRIPT:
        case MODEL_SUBSCRIPT:
            build_inlines(b, n);
            add_attr(b, n->type == MODEL_SUPERSCRIPT ? A_SUPER : A_SUB, s, (int)b->text.len, 0);
            break;
        case MODEL_KEYS:
            build_inlines(b, n);
            add_attr(b, A_CODE, s, (int)b->text.len, 0);
            break;
        case MODEL_IMAGE:
            inline_image(b, n);
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

static PangoAttrList *make_attrs(const builder *b, double size, const PangoFontDescription *fd) {
    PangoAttrList *al = pango_attr_list_new();
    int len = (int)b->text.len;
    pango_attr_list_insert(al, ranged(pango_attr_font_desc_new(fd), 0, len));
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
        case A_SUB:
            pango_attr_list_insert(al, ranged(pango_attr_size_new_absolute((int)(size * 0.62 * PANGO_SCALE)), a->start, a->end));
            pango_attr_list_insert(al, ranged(pango_attr_rise_new((int)(-size * 0.15 * PANGO_SCALE)), a->start, a->end));
            break;
        case A_SHAPE: {
            PangoRectangle r = {0, (int)(-a->h * 0.85 * PANGO_SCALE), (int)(a->w * PANGO_SCALE), (int)(a->h * PANGO_SCALE)};
            pango_attr_list_insert(al, ranged(pango_attr_shape_new(&r, &r), a->start, a->end));
            break;
        }
        case A_COLOR:
            pango_attr_list_insert(al, ranged(pango_attr_foreground_new(c16(a->color, 16), c16(a->color, 8), c16(a->color, 0)), a->start, a->end));
            break;
        }
    }
    return al;
}

int text_hyphen_runs_over_two(const text_para *p) {
    int over = 0, run = 0;
    for (int i = 0; i < p->n_lines; i++) {
        run = p->lines[i].hyphenated ? run + 1 : 0;
        if (run > 2) over++;
    }
    return over;
}

/* One font's ascent and descent in Pango units, as Pango's own metrics of it state them
 * (pangofc-font.c's get_face_metrics: HarfBuzz's extents of the face, scaled by the
 * pattern's FC_MATRIX), without the sample text Pango lays out with every font's first
 * metrics (a million instructions a font, most of the cost of a small book's layout). */
static void face_extents(PangoFont *font, int *asc, int *desc) {
    hb_font_extents_t e;
    hb_font_get_extents_for_direction(pango_font_get_hb_font(font), HB_DIRECTION_LTR, &e);
    FcMatrix *m = NULL;
    FcPattern *pat = PANGO_IS_FC_FONT(font) ? pango_fc_font_get_pattern(PANGO_FC_FONT(font)) : NULL;
    if (pat && FcPatternGetMatrix(pat, FC_MATRIX, 0, &m) == FcResultMatch &&
        (m->xx != 1 || m->xy != 0 || m->yx != 0 || m->yy != 1)) {
        *asc = (int)(e.ascender * m->yy), *desc = (int)(-e.descender * m->yy);
    } else {
        *asc = e.ascender, *desc = -e.descender;
    }
}

typedef struct extents_acc {
    int asc, desc;
} extents_acc;

static gboolean first_font_extents(PangoFontset *fs, PangoFont *font, gpointer data) {
    (void)fs;
    extents_acc *x = data;
    face_extents(font, &x->asc, &x->desc);
    return TRUE; /* the first font only */
}

/* What pango_context_get_metrics gives for ascent and descent: the fontset's first font's,
 * raised to any other font the language's sample text is itemized into. */
static void sample_extents(text_ctx *tc, const PangoFontDescription *fd, int *asc, int *desc) {
    extents_acc x = {0, 0};
    PangoFontset *fs = pango_font_map_load_fontset(pango_context_get_font_map(tc->ctx), tc->ctx, fd, tc->lang);
    if (fs) pango_fontset_foreach(fs, first_font_extents, &x);
    const char *sample = pango_language_get_sample_string(tc->lang);
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_font_desc_new(fd));
    GList *items = pango_itemize(tc->ctx, sample, 0, (int)strlen(sample), attrs, NULL);
    for (GList *l = items; l; l = l->next) {
        PangoFont *font = ((PangoItem *)l->data)->analysis.font;
        int a, d;
        if (!font) continue;
        face_extents(font, &a, &d);
        if (a > x.asc) x.asc = a;
        if (d > x.desc) x.desc = d;
    }
    g_list_free_full(items, (GDestroyNotify)pango_item_free);
    pango_attr_list_unref(attrs);
    if (fs) g_object_unref(fs);
    *asc = x.asc, *desc = x.desc;
}

/* Ascent and descent of a font description, in points. Pango's metrics where a context
 * transform or gravity would change them. */
static void font_extents(text_ctx *tc, const PangoFontDescription *fd, double *asc, double *desc) {
    const double *v = g_hash_table_lookup(tc->metrics, fd);
    if (!v) {
        int a, d;
        if (!pango_context_get_matrix(tc->ctx) && pango_context_get_gravity(tc->ctx) == PANGO_GRAVITY_SOUTH) {
            sample_extents(tc, fd, &a, &d);
        } else {
            PangoFontMetrics *m = pango_context_get_metrics(tc->ctx, fd, tc->lang);
            a = pango_font_metrics_get_ascent(m), d = pango_font_metrics_get_descent(m);
            pango_font_metrics_unref(m);
        }
        double *nv = g_new(double, 2);
        nv[0] = (double)a / PANGO_SCALE;
        nv[1] = (double)d / PANGO_SCALE;
        g_hash_table_insert(tc->metrics, pango_font_description_copy(fd), nv);
        v = nv;
    }
    *asc = v[0], *desc = v[1];
}

static paraset_align align_of(int align, bool justify) {
    if (justify) return PARASET_JUSTIFY;
    return align == STYLE_ALIGN_RIGHT ? PARASET_RIGHT : align == STYLE_ALIGN_CENTER ? PARASET_CENTER : PARASET_LEFT;
}

/* Span edges: drawn segments are cut there so a link's tag holds exactly its glyphs. */
static int *span_cuts(const builder *b, int *n) {
    int *c = xcalloc((size_t)(2 * b->n_spans + 1), sizeof *c);
    *n = 0;
    for (int i = 0; i < b->n_spans; i++) c[(*n)++] = b->spans[i].start, c[(*n)++] = b->spans[i].end;
    return c;
}

/* The inline code of the paragraph, as pairs of bytes [start, end). */
static int *code_spans(const builder *b, int *n) {
    int *c = xcalloc((size_t)(2 * b->n_attrs + 1), sizeof *c);
    *n = 0;
    for (int i = 0; i < b->n_attrs; i++)
        if (b->attrs[i].kind == A_CODE) c[2 * *n] = b->attrs[i].start, c[2 * *n + 1] = b->attrs[i].end, (*n)++;
    return c;
}

static void copy_lines(text_para *p) {
    int n = paraset_line_count(p->set);
    p->lines = xcalloc((size_t)(n ? n : 1), sizeof *p->lines);
    p->n_lines = n;
    for (int i = 0; i < n; i++) {
        const paraset_line *l = paraset_get_line(p->set, i);
        p->lines[i] = (text_line){l->start, l->end - l->start, l->x, l->width, l->hyphenated, l->continued, l->forced};
    }
}

/* Whether code point `cp` draws nothing: a space of any width (U+00A0, U+2000-U+200A, U+3000…),
 * a line or paragraph separator, or an invisible format character (soft hyphen, zero-width
 * space and joiners, word joiner, byte-order mark). */
static bool shows_nothing(gunichar cp) {
    return g_unichar_isspace(cp) || cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
           cp == 0xFEFF;
}

static bool para_blank(const text_para *p) {
    for (int s = 0; s < p->n_spans; s++)
        if (p->spans[s].kind == TEXT_SPAN_IMAGE) return false;
    for (const char *c = p->text, *end = p->text + p->len; c < end; c = g_utf8_next_char(c))
        if (!shows_nothing(g_utf8_get_char(c))) return false;
    return true;
}

static text_para *para_from_builder(text_ctx *tc, builder *b, const style_text *st, const text_opts *o,
                                    paraset_report *rep) {
    text_para *p = xcalloc(1, sizeof *p);
    PangoFontDescription *fd = font_for(st, o);
    double size = (st->size > 0 ? st->size : 10) * (o->size_scale > 0 ? o->size_scale : 1);
    int align = o->align_override >= 0 ? o->align_override : (int)st->align;
    bool justify = align == STYLE_ALIGN_JUSTIFY && !o->no_justify && !o->verbatim && o->width > 0;
    p->verbatim = o->verbatim;
    p->ink = st->color;
    /* Code's continued lines start two columns in, behind the continuation mark. */
    p->hang = o->verbatim ? 1.2 * (st->size > 0 ? st->size : 10) : 0;
    p->width = o->width;
    p->size = size;
    double lh = st->line_height > 0 ? st->line_height : 1.2;
    p->leading = size * lh;
    double asc, desc;
    font_extents(tc, fd, &asc, &desc);
    p->ascent = (p->leading - (asc + desc)) / 2 + asc; /* half-leading above, as CSS does */
    p->len = (int)b->text.len;
    p->text = xstrndup(b->text.data ? b->text.data : "", b->text.len);
    PangoAttrList *al = make_attrs(b, size, fd);
    paraset_opts po = {.width = o->width, .first_indent = o->first_indent, .align = align_of(align, justify),
                       .verbatim = o->verbatim, .hang = p->hang, .size = size, .word_stretch = st->word_stretch,
                       .word_shrink = st->word_shrink, .hyphen_penalty = st->hyphen_penalty,
                       .tolerance = st->tolerance > 0 ? st->tolerance : 200, .protrusion = st->protrusion,
                       .wide_sentence_space = st->wide_sentence_space,
                       .letter_spacing = (int)(st->letter_spacing * PANGO_SCALE), .fallback = system_fallback,
                       .fallback_ud = tc};
    int n_cuts = 0;
    int *cuts = span_cuts(b, &n_cuts);
    po.code_spans = code_spans(b, &po.n_code_spans);
    p->set = paraset_new(tc->ctx, p->text, p->len, al, b->points, b->n_points, cuts, n_cuts, &po, rep);
    free((int *)po.code_spans);
    free(cuts);
    pango_attr_list_unref(al);
    copy_lines(p);
    p->justified = justify;
    pango_font_description_free(fd);
    p->spans = b->spans;
    p->n_spans = b->n_spans;
    b->spans = NULL;
    p->blank = para_blank(p);
    return p;
}

static void builder_free(builder *b) {
    buf_free(&b->text);
    free(b->attrs);
    free(b->spans);
    free(b->points);
    free(b->src);
    free(b->src_at);
}

/* A line of one character still wider than the column: nothing can make it fit. */
static bool too_narrow(const text_para *p) {
    if (p->width <= 0) return false;
    for (int i = 0; i < p->n_lines; i++) {
        const text_line *ln = &p->lines[i];
        const char *s = p->text + ln->start;
        int n = ln->length;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n')) n--;
        if (n > 0 && g_utf8_strlen(s, n) == 1 && ln->x + ln->width > p->width + 0.01) return true;
    }
    return false;
}

/* The source position of character c, first at byte `at` of the paragraph's text. Code:
 * the line of the block it is on, its column in that line as written (before tabs went
 * to stops). Inlines: the text node it is in, counted on from the node's start (exact
 * where the node's text is its source, as cmark keeps escapes and entities apart). */
static model_pos char_pos(const model_node *block, const builder *b, const char *code, int at, gunichar c) {
    model_pos p = block->pos;
    const char *text = b->text.data;
    if (code) {
        if (block->type != MODEL_CODE_BLOCK || block->as.code.first_line <= 0) return p;
        int line = 0;
        for (int i = 0; i < at; i++) line += text[i] == '\n';
        const char *s = code;
        for (int k = 0; k < line && s; k++) s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL;
        if (!s) return p;
        const char *e = strchr(s, '\n');
        char ch[8];
        ch[g_unichar_to_utf8(c, ch)] = 0;
        const char *hit = g_strstr_len(s, e ? e - s : -1, ch);
        if (block->as.code.lines_file) p.file = block->as.code.lines_file;
        p.line = block->as.code.first_line + (block->as.code.line_at ? block->as.code.line_at[line] : line);
        p.col = block->as.code.first_col + (hit ? (int)(hit - s) : 0);
        return p;
    }
    int k = -1;
    for (int i = 0; i < b->n_src && b->src_at[i] <= at; i++) k = i;
    if (k < 0 || b->src[k]->pos.line <= 0) return p;
    p = b->src[k]->pos;
    p.col += at - b->src_at[k];
    return p;
}

/* True the first time a character no bundled font has is met in this context's text
 * (a book laid out on two threads has one context for each half). */
static bool first_time(text_ctx *tc, gunichar c) {
    gpointer key = GUINT_TO_POINTER(c);
    if (g_hash_table_contains(tc->warned, key)) return false;
    g_hash_table_add(tc->warned, key);
    return true;
}

/* A book in a script no bundled font covers would name every character of it (some 2,000
 * for a Chinese book): each script's first WARN_PER_SCRIPT are named, then one more warning
 * says the rest go unreported. Returns 0 for a character to name, 1 for the one that
 * closes its script's list, 2 for one to leave out; *script gets its ISO 15924 code. */
#define WARN_PER_SCRIPT 10
static int script_turn(text_ctx *tc, gunichar c, char script[5]) {
    guint32 iso = g_unicode_script_to_iso15924(g_unichar_get_script(c));
    for (int i = 0; i < 4; i++) script[i] = (char)(iso >> (24 - 8 * i) & 0xFF);
    script[4] = 0;
    gpointer key = GUINT_TO_POINTER(iso);
    unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(tc->per_script, key)) + 1;
    g_hash_table_insert(tc->per_script, key, GUINT_TO_POINTER(n));
    return n <= WARN_PER_SCRIPT ? 0 : n == WARN_PER_SCRIPT + 1 ? 1 : 2;
}

/* What the engine had to do that the author should know: at the block, and for a
 * character no font has, where that character first is. */
static void report(text_ctx *tc, const model_node *block, const builder *b, const char *code, const paraset_report *r,
                   diag *d) {
    if (!d || !block) return;
    char *file = model_display_path(tc->book, block->pos.file);
    if (r->char_broken && !b->o->quiet_broken)
        diag_warning(d, file, block->pos.line, block->pos.col,
                     "a word %.1f pt wide does not fit the %s's measure; it is broken between characters",
                     r->widest_word, model_type_name(block->type));
    else if (r->overfull)
        diag_warning(d, file, block->pos.line, block->pos.col, "%d line%s of this %s run past the measure",
                     r->overfull, r->overfull == 1 ? "" : "s", model_type_name(block->type));
    char script[5];
    for (int i = 0; i < r->n_fallback; i++) {
        if (!first_time(tc, r->fallback[i])) continue;
        int turn = script_turn(tc, r->fallback[i], script);
        if (turn == 2) continue;
        model_pos at = char_pos(block, b, code, r->fallback_at[i], r->fallback[i]);
        char *f = model_display_path(tc->book, at.file);
        diag_warning(d, f, at.line, at.col, "no bundled font has U+%04X; set in the system font '%s'%s%s%s",
                     (unsigned)r->fallback[i], r->fallback_family[i], turn ? "; further characters of script " : "",
                     turn ? script : "", turn ? " that no bundled font has are not named" : "");
        free(f);
    }
    for (int i = 0; i < r->n_missing; i++) {
        if (!first_time(tc, r->missing[i])) continue;
        int turn = script_turn(tc, r->missing[i], script);
        if (turn == 2) continue;
        model_pos at = char_pos(block, b, code, r->missing_at[i], r->missing[i]);
        char *f = model_display_path(tc->book, at.file);
        diag_warning(d, f, at.line, at.col, "no font has U+%04X; it prints as the font's missing-glyph box%s%s%s",
                     (unsigned)r->missing[i], turn ? "; further characters of script " : "", turn ? script : "",
                     turn ? " that no bundled font has are not named" : "");
        free(f);
    }
    free(file);
}

/* Code with a line wider than the measure: set again as much smaller (down to the
 * style's shrink-to-fit) as makes its widest line fit, so fewer lines wrap, or none. A
 * line too long even at that floor wraps anyway: the block is made only as small as its
 * widest line that can fit needs, so one long command does not shrink the whole listing. */
static text_para *fit_code(text_ctx *tc, builder *b, const style_text *st, const text_opts *o, text_para *p,
                           paraset_report *rep) {
    bool wraps = false;
    for (int i = 0; i < p->n_lines; i++) wraps |= p->lines[i].continued;
    if (!wraps || st->shrink_to_fit >= 1 || o->width <= 0) return p;
    double widest = paraset_widest_within(p->set, o->width / st->shrink_to_fit);
    if (widest <= o->width) return p; /* what wraps would wrap at any size */
    double scale = o->width / widest * 0.999;
    if (scale < st->shrink_to_fit) scale = st->shrink_to_fit;
    text_opts oo = *o;
    oo.size_scale = (o->size_scale > 0 ? o->size_scale : 1) * scale;
    text_para_free(p);
    return para_from_builder(tc, b, st, &oo, rep);
}

static text_para *para_checked(text_ctx *tc, builder *b, const model_node *block, const char *code,
                               const style_text *st, const text_opts *o, diag *d) {
    paraset_report rep;
    text_para *p = para_from_builder(tc, b, st, o, &rep);
    if (o->verbatim) p = fit_code(tc, b, st, o, p, &rep);
    if (too_narrow(p)) {
        char *file = model_display_path(tc->book, block->pos.file);
        diag_error(d, file, block->pos.line, block->pos.col,
                   "a %s block is too narrow (%.1f pt) for one character", model_type_name(block->type), o->width);
        free(file);
        text_para_free(p);
        return NULL;
    }
    p->broken_word = rep.char_broken > 0;
    report(tc, block, b, code, &rep, d);
    return p;
}

text_para *text_para_inlines(text_ctx *tc, const model_node *block, const style_text *st, const text_opts *o, diag *d) {
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = o;
    b.hy = st->hyphenate ? tc->hy : NULL;
    if (o->prefix) buf_puts(&b.text, o->prefix);
    build_inlines(&b, block);
    text_para *p = para_checked(tc, &b, block, NULL, st, o, d);
    builder_free(&b);
    return p;
}

text_para *text_para_verbatim(text_ctx *tc, const model_node *block, const char *utf8, const style_text *st,
                              const text_opts *o, diag *d) {
    text_opts oo = *o;
    oo.verbatim = true;
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = &oo;
    put_text(&b, utf8, strlen(utf8));
    text_para *p = para_checked(tc, &b, block, utf8, st, &oo, d);
    builder_free(&b);
    return p;
}

text_para *text_para_plain(text_ctx *tc, const char *utf8, const style_text *st, const text_opts *o) {
    builder b = {0};
    buf_init(&b.text);
    b.st = st, b.o = o;
    if (o->prefix) buf_puts(&b.text, o->prefix);
    put_text(&b, utf8, strlen(utf8));
    paraset_report rep;
    text_para *p = para_from_builder(tc, &b, st, o, &rep);
    builder_free(&b);
    return p;
}

void text_para_free(text_para *p) {
    if (!p) return;
    paraset_free(p->set);
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
    paraset_report rep;
    text_para *p = para_from_builder(tc, &b, st, &oo, &rep);
    builder_free(&b);
    paraset_measure(p->set, min_width, max_width);
    if (*min_width > *max_width) *min_width = *max_width;
    text_para_free(p);
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

void text_draw_line_hooked(cairo_t *cr, const text_para *p, int i, double x, double baseline, text_segment_fn fn,
                           void *ud) {
    if (i < 0 || i >= p->n_lines) return;
    if (p->lines[i].continued) draw_continuation(cr, p, x, baseline);
    paraset_draw_line(p->set, cr, i, x, baseline, fn, ud);
}

void text_draw_line(cairo_t *cr, const text_para *p, int i, double x, double baseline) {
    text_draw_line_hooked(cr, p, i, x, baseline, NULL, NULL);
}

int text_line_ranges(const text_para *p, int i, int start, int end, double *xs, int max) {
    const text_line *tl = &p->lines[i];
    int ls = tl->start, le = tl->start + tl->length;
    if (end <= ls || start >= le) return 0;
    return paraset_line_ranges(p->set, i, start, end, xs, max);
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
