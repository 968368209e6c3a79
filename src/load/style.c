/* style: styles/<name>.yaml (over built-in defaults) -> one resolved style_sheet, lengths in points. */
#include "load/style.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/ytree.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define STYLE_MAX_LENGTH 14400.0 /* 200 in: the largest PDF page */

/*** defaults ***/

#define SERIF "Charis SIL"
#define SANS "Lato"
#define MONO "Noto Sans Mono"
#define INK 0x1c1c1cu
#define GREY 0x5a5a5au
#define ACCENT 0x0b5c73u

/* Roles whose family and colour follow the body unless the file sets them. */
static bool follows_body(style_role r) {
    return r == STYLE_QUOTE || r == STYLE_ATTRIBUTION || r == STYLE_LIST || r == STYLE_FOOTNOTE ||
           r == STYLE_CAPTION || r == STYLE_TABLE || r == STYLE_TOC;
}

/* Roles drawn in the accent colour by default (text colour, background). */
static bool color_is_accent(style_role r) { return r == STYLE_H1 || r == STYLE_H2 || r == STYLE_H3; }
static bool background_is_accent(style_role r) { return r == STYLE_COVER; }

/* Default first-line indent, in em of the role's own size (so it scales with font-size). */
static double default_indent_em(style_role r) { return r == STYLE_BODY ? 1.2 : 0; }

static style_text text(const char *family, double size, int weight, bool italic, double lh, double before,
                       double after, style_align align, uint32_t color) {
    style_text t;
    memset(&t, 0, sizeof t);
    t.family = family;
    t.size = size;
    t.weight = weight;
    t.italic = italic;
    t.line_height = lh;
    t.space_before = before;
    t.space_after = after;
    t.align = align;
    t.color = color;
    t.background = STYLE_NO_COLOR;
    t.hyphenate = align == STYLE_ALIGN_JUSTIFY;
    t.word_stretch = 0.5, t.word_shrink = 0.333; /* XeTeX's glue for an OpenType face: 1/2 and 1/3 */
    t.hyphen_penalty = 50, t.tolerance = 200;
    t.tab_size = 4;
    t.shrink_to_fit = 1;
    return t;
}

void style_defaults(style_sheet *s) {
    memset(s, 0, sizeof *s);
    s->name = "default";
    s->path = NULL;
    s->contents_depth = 2;
    s->page = (style_page){
        .width = MM(210), .height = MM(297),
        .margin_top = MM(22), .margin_bottom = MM(24), .margin_inner = MM(30), .margin_outer = MM(46),
        .columns = 1, .column_gap = MM(7), .bleed = 0, .widows = 2, .orphans = 2,
        .head_recto = STYLE_HEAD_CHAPTER, .head_verso = STYLE_HEAD_TITLE, .figure_placement = STYLE_PLACE_AUTO,
        .figure_natural = true, .stretch = 6, .chapter_recto = false};
    s->accent = ACCENT;
    s->link_color = ACCENT;

    style_text *R = s->roles;
    R[STYLE_BODY] = text(SERIF, 10.5, 400, false, 1.45, 0, 0, STYLE_ALIGN_JUSTIFY, INK);
    R[STYLE_BODY].first_indent = 1.2 * 10.5;

    R[STYLE_H1] = text(SANS, 22, 700, false, 1.15, 36, 16, STYLE_ALIGN_LEFT, ACCENT);
    R[STYLE_H2] = text(SANS, 14, 700, false, 1.25, 18, 6, STYLE_ALIGN_LEFT, ACCENT);
    R[STYLE_H3] = text(SANS, 11.5, 700, false, 1.3, 12, 4, STYLE_ALIGN_LEFT, ACCENT);

    R[STYLE_QUOTE] = text(SERIF, 12.5, 400, true, 1.4, 12, 12, STYLE_ALIGN_LEFT, INK);
    R[STYLE_QUOTE].indent = 24;
    R[STYLE_ATTRIBUTION] = text(SERIF, 9.5, 400, false, 1.3, 4, 12, STYLE_ALIGN_RIGHT, INK);
    R[STYLE_ATTRIBUTION].indent = 24;

    R[STYLE_LIST] = text(SERIF, 10.5, 400, false, 1.45, 0, 3, STYLE_ALIGN_JUSTIFY, INK);
    R[STYLE_LIST].indent = 18;
    R[STYLE_FOOTNOTE] = text(SERIF, 8, 400, false, 1.3, 0, 2, STYLE_ALIGN_JUSTIFY, INK);
    R[STYLE_CAPTION] = text(SERIF, 8.5, 400, true, 1.3, 4, 12, STYLE_ALIGN_LEFT, INK);
    R[STYLE_TABLE] = text(SERIF, 9, 400, false, 1.3, 0, 0, STYLE_ALIGN_LEFT, INK);
    R[STYLE_TABLE].shrink_to_fit = 0.75;
    R[STYLE_CODE] = text(MONO, 8, 400, false, 1.35, 6, 6, STYLE_ALIGN_LEFT, INK);
    R[STYLE_CODE].background = 0xeef2f3u;
    R[STYLE_CODE].shrink_to_fit = 0.625;

    R[STYLE_HEADER] = text(SANS, 8, 400, false, 1.2, 0, 0, STYLE_ALIGN_LEFT, GREY);
    R[STYLE_HEADER].uppercase = true;
    R[STYLE_HEADER].letter_spacing = 0.6;
    R[STYLE_FOOTER] = text(SANS, 8, 400, false, 1.2, 0, 0, STYLE_ALIGN_CENTER, GREY);

    R[STYLE_COVER] = text(SANS, 30, 700, false, 1.15, 0, 12, STYLE_ALIGN_LEFT, 0xffffffu);
    R[STYLE_COVER].background = ACCENT;
    R[STYLE_TOC] = text(SERIF, 10.5, 400, false, 1.5, 0, 3, STYLE_ALIGN_LEFT, INK);

    for (int r = 0; r < STYLE_ROLE_COUNT; r++) R[r].name = style_role_name((style_role)r);
}

/*** paper and lengths ***/

static const struct paper {
    const char *name;
    double w, h;
} papers[] = {
    {"A3", MM(297), MM(420)}, {"A4", MM(210), MM(297)}, {"A5", MM(148), MM(210)},
    {"A6", MM(105), MM(148)}, {"B5", MM(176), MM(250)}, {"Letter", 612, 792}, {"Legal", 612, 1008},
};
static const char *const paper_names[] = {"A3", "A4", "A5", "A6", "B5", "Letter", "Legal", NULL};

bool style_paper_size(const char *name, double *width, double *height) {
    for (size_t i = 0; i < sizeof papers / sizeof papers[0]; i++) {
        if (strcasecmp(papers[i].name, name) == 0) {
            *width = papers[i].w;
            *height = papers[i].h;
            return true;
        }
    }
    return false;
}

bool style_check_page(const style_sheet *s, diag *d) {
    const style_page *pg = &s->page;
    const char *f = s->path;
    bool ok = true;
    double tw = pg->width - pg->margin_inner - pg->margin_outer;
    double th = pg->height - pg->margin_top - pg->margin_bottom;
    if (tw < 72) {
        diag_error(d, f, s->width_at.line, s->width_at.col,
                   "the margins leave %.1fpt of text width on a %.1fpt wide page; at least 72pt is needed", tw, pg->width);
        ok = false;
    }
    if (th < 72) {
        diag_error(d, f, s->height_at.line, s->height_at.col,
                   "the margins leave %.1fpt of text height on a %.1fpt high page; at least 72pt is needed", th,
                   pg->height);
        ok = false;
    }
    if (tw >= 72 && pg->columns > 1) {
        double cw = (tw - pg->column_gap * (pg->columns - 1)) / pg->columns;
        if (cw < 72) {
            diag_error(d, f, s->columns_at.line, s->columns_at.col,
                       "%d columns with a %.1fpt gap leave columns %.1fpt wide; at least 72pt is needed", pg->columns,
                       pg->column_gap, cw);
            ok = false;
        }
    }
    /* Every line of running text must fit on a page, or pagination could never end well. */
    static const style_role flow[] = {STYLE_BODY, STYLE_H1, STYLE_H2, STYLE_H3, STYLE_QUOTE, STYLE_LIST,
                                      STYLE_TABLE, STYLE_CODE, STYLE_FOOTNOTE, STYLE_CAPTION};
    for (size_t i = 0; ok && th >= 72 && i < sizeof flow / sizeof flow[0]; i++) {
        const style_text *t = &s->roles[flow[i]];
        double line = t->size * t->line_height;
        if (line > th) {
            diag_error(d, f, s->height_at.line, s->height_at.col,
                       "the text area is %.1fpt tall: shorter than one line of %s (%.1fpt)", th,
                       t->name ? t->name : style_role_name(flow[i]), line);
            ok = false;
        }
    }
    return ok;
}

bool style_set_paper(style_sheet *s, const char *paper) {
    return style_paper_size(paper, &s->page.width, &s->page.height);
}

/* Splits "12.5mm" into a value and a unit factor; *is_em when the unit is em. */
static bool parse_len(const char *text, double *v, bool *is_em) {
    *is_em = false;
    while (isspace((unsigned char)*text)) text++;
    char *end;
    double x = strtod(text, &end);
    if (end == text || !isfinite(x)) return false;
    /* strtod accepts hex, inf and nan: only plain decimals are lengths */
    for (const char *p = text; p < end; p++)
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+') return false;
    while (isspace((unsigned char)*end)) end++;
    size_t n = strlen(end);
    while (n && isspace((unsigned char)end[n - 1])) n--;
    double f;
    if (n == 0 || (n == 2 && strncmp(end, "pt", 2) == 0)) f = 1;
    else if (n == 2 && strncmp(end, "mm", 2) == 0) f = 72.0 / 25.4;
    else if (n == 2 && strncmp(end, "cm", 2) == 0) f = 72.0 / 2.54;
    else if (n == 2 && strncmp(end, "in", 2) == 0) f = 72.0;
    else if (n == 2 && strncmp(end, "px", 2) == 0) f = 72.0 / 96.0;
    else if (n == 2 && strncmp(end, "em", 2) == 0) f = 1, *is_em = true;
    else return false;
    *v = x * f;
    return true;
}

/* Why parse_len refused `text`, as a clause to append to the message ("" when plain). */
static const char *len_problem(const char *text) {
    while (isspace((unsigned char)*text)) text++;
    const char *p = text;
    if (*p == '+' || *p == '-') p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return ": hexadecimal numbers are not lengths";
    if (!isdigit((unsigned char)*p) && *p != '.') return ": it does not start with a number";
    while (isdigit((unsigned char)*p) || *p == '.') p++;
    if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) || ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2]))))
        return ": a length is written without an exponent (e); write the number out";
    return "";
}

bool style_parse_length(const char *text, double em, double *out) {
    double v;
    bool is_em;
    if (!parse_len(text, &v, &is_em)) return false;
    if (is_em) {
        if (em <= 0) return false;
        v *= em;
    }
    *out = v;
    return true;
}

/*** reading a style file ***/

enum {
    P_FAMILY, P_SIZE, P_WEIGHT, P_STYLE, P_LINE_HEIGHT, P_SPACE_BEFORE, P_SPACE_AFTER, P_ALIGN,
    P_COLOR, P_BACKGROUND, P_TEXT_INDENT, P_INDENT, P_HYPHENATE, P_TRANSFORM, P_LETTER_SPACING,
    P_PAGE_BREAK, P_WORD_STRETCH, P_WORD_SHRINK, P_HYPHEN_PENALTY, P_TOLERANCE, P_PROTRUSION, P_SENTENCE_SPACE, P_TAB_SIZE,
    P_SHRINK_TO_FIT, P_COUNT
};
static const char *const text_keys[P_COUNT + 1] = {
    "font-family", "font-size", "font-weight", "font-style", "line-height", "space-before",
    "space-after", "text-align", "color", "background", "text-indent", "indent", "hyphenate",
    "text-transform", "letter-spacing", "page-break-before", "word-stretch", "word-shrink",
    "hyphen-penalty", "tolerance", "margin-protrusion", "sentence-space", "tab-size",
    "shrink-to-fit", NULL};

enum {
    G_SIZE, G_MT, G_MB, G_MI, G_MO, G_COLUMNS, G_GAP, G_BLEED, G_WIDOWS, G_ORPHANS,
    G_HEAD_RECTO, G_HEAD_VERSO, G_FIG_WIDTH, G_CHAPTER_START, G_PLACEMENT, G_STRETCH, G_COUNT
};
static const char *const page_keys[G_COUNT + 1] = {
    "size", "margin-top", "margin-bottom", "margin-inner", "margin-outer", "columns",
    "column-gap", "bleed", "widows", "orphans", "head-recto", "head-verso", "figure-width", "chapter-start",
    "figure-placement", "vertical-stretch", NULL};

/* The values of the page's word-valued keys, in the order of their enums. */
static const char *const head_names[] = {"none", "title", "chapter", "section", NULL};
static const char *const place_names[] = {"auto", "here", "top", "bottom", "page", NULL};
static const char *const fig_width_names[] = {"column", "natural", NULL};
static const char *const chapter_start_names[] = {"any", "recto", NULL};

static const char *const color_keys[] = {"accent", "link", NULL};

/* A length read from the file, resolved once every font size is known. */
typedef struct pend {
    bool set, em;
    double v;
    int line, col;
} pend;

typedef struct role_in {
    bool set[P_COUNT];
    pend size, before, after, first_indent, indent, letter_spacing, line_height_abs;
    bool color_accent, background_accent; /* the value "accent" */
} role_in;

typedef struct sctx {
    style_sheet *s;
    const char *file;
    diag *d;
    bool ok;
    role_in in[STYLE_ROLE_COUNT];
    bool accent_set, link_set;
} sctx;

static void serr(sctx *c, const ytree_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void serr(sctx *c, const ytree_node *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->d, DIAG_ERROR, c->file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    c->ok = false;
}

static void unknown_key(sctx *c, const ytree_node *k, const char *where, const char *const *keys) {
    const char *hint = diag_suggest(k->value, keys);
    if (hint) serr(c, k, "unknown key '%s' in %s; did you mean '%s'?", k->value, where, hint);
    else serr(c, k, "unknown key '%s' in %s", k->value, where);
}

static int key_index(const char *k, const char *const *keys) {
    for (int i = 0; keys[i]; i++)
        if (strcmp(keys[i], k) == 0) return i;
    return -1;
}

/* The value as a scalar string, or NULL after an error naming what was expected. */
static const char *scalar(sctx *c, const char *key, const ytree_node *v, const char *expect) {
    if (v->kind != YTREE_SCALAR) {
        serr(c, v, "'%s' must be %s, not %s", key, expect, ytree_kind_name(v));
        return NULL;
    }
    return v->value;
}

static bool read_color(sctx *c, const char *key, const ytree_node *v, uint32_t *out, bool allow_none,
                       bool *accent) {
    const char *expect = allow_none ? "a colour \"#rrggbb\", accent or none" : "a colour \"#rrggbb\" or accent";
    const char *s = scalar(c, key, v, expect);
    if (!s) return false;
    if (accent) *accent = false;
    if (allow_none && strcmp(s, "none") == 0) {
        *out = STYLE_NO_COLOR;
        return true;
    }
    if (accent && strcmp(s, "accent") == 0) {
        *accent = true;
        return true;
    }
    size_t n = strlen(s);
    bool hex = s[0] == '#' && (n == 7 || n == 4);
    for (size_t i = 1; hex && i < n; i++) hex = isxdigit((unsigned char)s[i]);
    if (!hex) {
        serr(c, v, "'%s' must be %s, not '%s'", key, expect, s);
        return false;
    }
    unsigned long x = strtoul(s + 1, NULL, 16);
    if (n == 4) /* #rgb -> #rrggbb */
        x = ((x >> 8 & 0xf) * 0x110000) | ((x >> 4 & 0xf) * 0x1100) | ((x & 0xf) * 0x11);
    *out = (uint32_t)x;
    return true;
}

static bool read_bool(sctx *c, const char *key, const ytree_node *v, bool *out) {
    const char *s = scalar(c, key, v, "true or false");
    if (!s) return false;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(s, yes[i]) == 0) return *out = true, true;
    for (int i = 0; no[i]; i++)
        if (strcmp(s, no[i]) == 0) return *out = false, true;
    serr(c, v, "'%s' must be true or false, not '%s'", key, s);
    return false;
}

static bool read_int(sctx *c, const char *key, const ytree_node *v, int lo, int hi, int *out) {
    const char *s = scalar(c, key, v, "a whole number");
    if (!s) return false;
    char *end;
    long x = strtol(s, &end, 10);
    if (end == s || *end) {
        serr(c, v, "'%s' must be a whole number, not '%s'", key, s);
        return false;
    }
    if (x < lo || x > hi) {
        serr(c, v, "'%s' must be between %d and %d, not %ld", key, lo, hi, x);
        return false;
    }
    *out = (int)x;
    return true;
}

/* A plain decimal number in [lo, hi]. */
static bool read_num(sctx *c, const char *key, const ytree_node *v, double lo, double hi, double *out) {
    const char *s = scalar(c, key, v, "a number");
    if (!s) return false;
    char *end;
    double x = strtod(s, &end);
    bool plain = end != s && *end == 0 && isfinite(x);
    for (const char *p = s; plain && p < end; p++)
        plain = isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+';
    if (!plain) {
        serr(c, v, "'%s' must be a number, not '%s'", key, s);
        return false;
    }
    if (x < lo || x > hi) {
        serr(c, v, "'%s' must be between %g and %g, not '%s'", key, lo, hi, s);
        return false;
    }
    *out = x;
    return true;
}

/* A length into p (em kept for later); `em_ok` false refuses em. */
/* One word of `names` (a NULL-terminated list); *out gets its index. */
static bool read_choice(sctx *c, const char *key, const ytree_node *v, const char *const *names, int *out) {
    buf all;
    buf_init(&all);
    for (int i = 0; names[i]; i++) buf_printf(&all, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
    const char *s = scalar(c, key, v, all.data);
    int i = s ? key_index(s, names) : -1;
    if (s && i < 0) {
        const char *hint = diag_suggest(s, names);
        if (hint) serr(c, v, "'%s' must be %s, not '%s'; did you mean '%s'?", key, all.data, s, hint);
        else serr(c, v, "'%s' must be %s, not '%s'", key, all.data, s);
    }
    buf_free(&all);
    if (i < 0) return false;
    *out = i;
    return true;
}

static bool read_len(sctx *c, const char *key, const ytree_node *v, bool em_ok, bool neg_ok, pend *p) {
    const char *s = scalar(c, key, v, "a length");
    if (!s) return false;
    double x;
    bool em;
    if (!parse_len(s, &x, &em)) {
        serr(c, v, "'%s' must be a length (a number of points, or a number with pt, mm, cm, in, px or em), not '%s'%s",
             key, s, len_problem(s));
        return false;
    }
    if (em && !em_ok) {
        serr(c, v, "'%s' cannot be in em here (em is relative to a font size): '%s'", key, s);
        return false;
    }
    if (x < 0 && !neg_ok) {
        serr(c, v, "'%s' must not be negative: '%s'", key, s);
        return false;
    }
    /* PDF pages end at 200 in (14400 pt); nothing on a page can be larger. */
    if ((!em && fabs(x) > STYLE_MAX_LENGTH) || (em && fabs(x) > 100)) {
        serr(c, v, "'%s' is too large: '%s' (at most 14400pt, 200in, or 100em)", key, s);
        return false;
    }
    p->set = true;
    p->em = em;
    p->v = x;
    p->line = v->line;
    p->col = v->col;
    return true;
}

static bool read_family(sctx *c, const char *key, const ytree_node *v, style_text *t) {
    const char *s = scalar(c, key, v, "a font family name");
    if (!s) return false;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    while (n && isspace((unsigned char)*s)) s++, n--;
    if (!n) {
        serr(c, v, "'%s' must not be empty", key);
        return false;
    }
    t->family = arena_strndup(c->s->mem, s, n);
    t->family_line = v->line;
    t->family_col = v->col;
    return true;
}

/* font-size: a length, em of the body's size except in the body itself. */
static bool read_font_size(sctx *c, style_role r, const char *key, const ytree_node *v, pend *size) {
    if (!read_len(c, key, v, r != STYLE_BODY, false, size)) return false;
    if (size->v == 0) {
        serr(c, v, "'font-size' must be positive");
        return false;
    }
    if (!size->em && size->v > 1000) {
        serr(c, v, "'font-size' must be at most 1000pt, not '%s'", v->value);
        return false;
    }
    return true;
}

static bool read_weight(sctx *c, const char *key, const ytree_node *v, int *weight) {
    const char *s = scalar(c, key, v, "normal, bold or 100..900");
    if (!s) return false;
    if (strcmp(s, "normal") == 0) *weight = 400;
    else if (strcmp(s, "bold") == 0) *weight = 700;
    else {
        char *end;
        long w = strtol(s, &end, 10);
        if (end == s || *end || w < 100 || w > 900 || w % 100) {
            serr(c, v, "'font-weight' must be normal, bold or 100, 200 … 900, not '%s'", s);
            return false;
        }
        *weight = (int)w;
    }
    return true;
}

/* One of two words: *out gets false for `no`, true for `yes`. */
static bool read_two_words(sctx *c, const char *key, const ytree_node *v, const char *no, const char *yes, bool *out) {
    char expect[64];
    snprintf(expect, sizeof expect, "%s or %s", no, yes);
    const char *s = scalar(c, key, v, expect);
    if (!s) return false;
    if (strcmp(s, no) == 0) *out = false;
    else if (strcmp(s, yes) == 0) *out = true;
    else {
        serr(c, v, "'%s' must be %s, not '%s'", key, expect, s);
        return false;
    }
    return true;
}

/* line-height: a number (times the font size) or a length (kept for later, em resolved then). */
static bool read_line_height(sctx *c, const char *key, const ytree_node *v, style_text *t, role_in *in) {
    const char *s = scalar(c, key, v, "a number (times the font size) or a length");
    if (!s) return false;
    char *end;
    double x = strtod(s, &end);
    if (end != s && *end == 0 && isfinite(x)) {
        if (x <= 0) {
            serr(c, v, "'line-height' must be positive, not '%s'", s);
            return false;
        }
        if (x > 10) {
            serr(c, v, "'line-height' must be at most 10 times the font size, not '%s'", s);
            return false;
        }
        t->line_height = x;
        in->line_height_abs.set = false;
        return true;
    }
    if (!read_len(c, key, v, true, false, &in->line_height_abs)) return false;
    if (in->line_height_abs.v == 0) {
        serr(c, v, "'line-height' must be positive, not '%s'", s);
        return false;
    }
    return true;
}

static bool read_align(sctx *c, const char *key, const ytree_node *v, style_align *align) {
    static const char *const aligns[] = {"left", "right", "center", "justify", NULL};
    static const style_align values[] = {STYLE_ALIGN_LEFT, STYLE_ALIGN_RIGHT, STYLE_ALIGN_CENTER, STYLE_ALIGN_JUSTIFY};
    const char *s = scalar(c, key, v, "left, right, center or justify");
    if (!s) return false;
    for (int i = 0; aligns[i]; i++)
        if (strcmp(s, aligns[i]) == 0) {
            *align = values[i];
            return true;
        }
    const char *hint = diag_suggest(s, aligns);
    if (hint) serr(c, v, "'text-align' must be left, right, center or justify, not '%s'; did you mean '%s'?", s, hint);
    else serr(c, v, "'text-align' must be left, right, center or justify, not '%s'", s);
    return false;
}

/* One key of a role (text_keys[p]). False after reporting a bad value. */
static bool read_role_key(sctx *c, style_role r, int p, const ytree_node *v) {
    style_text *t = &c->s->roles[r];
    role_in *in = &c->in[r];
    const char *key = text_keys[p];
    switch (p) {
    case P_FAMILY: return read_family(c, key, v, t);
    case P_SIZE: return read_font_size(c, r, key, v, &in->size);
    case P_WEIGHT: return read_weight(c, key, v, &t->weight);
    case P_STYLE: return read_two_words(c, key, v, "normal", "italic", &t->italic);
    case P_LINE_HEIGHT: return read_line_height(c, key, v, t, in);
    case P_SPACE_BEFORE: return read_len(c, key, v, true, false, &in->before);
    case P_SPACE_AFTER: return read_len(c, key, v, true, false, &in->after);
    case P_TEXT_INDENT: return read_len(c, key, v, true, true, &in->first_indent);
    case P_INDENT: return read_len(c, key, v, true, false, &in->indent);
    case P_LETTER_SPACING: return read_len(c, key, v, true, true, &in->letter_spacing);
    case P_ALIGN: return read_align(c, key, v, &t->align);
    case P_COLOR: return read_color(c, key, v, &t->color, false, &in->color_accent);
    case P_BACKGROUND: return read_color(c, key, v, &t->background, true, &in->background_accent);
    case P_HYPHENATE: return read_bool(c, key, v, &t->hyphenate);
    case P_PAGE_BREAK: return read_bool(c, key, v, &t->page_break_before);
    case P_WORD_STRETCH: return read_num(c, key, v, 0, 10, &t->word_stretch);
    case P_WORD_SHRINK: return read_num(c, key, v, 0, 0.9, &t->word_shrink);
    case P_HYPHEN_PENALTY: return read_int(c, key, v, -10000, 10000, &t->hyphen_penalty);
    case P_TOLERANCE: return read_int(c, key, v, 0, 10000, &t->tolerance);
    case P_PROTRUSION: return read_bool(c, key, v, &t->protrusion);
    case P_SENTENCE_SPACE: return read_two_words(c, key, v, "single", "wide", &t->wide_sentence_space);
    case P_TAB_SIZE: return read_int(c, key, v, 1, 16, &t->tab_size);
    case P_SHRINK_TO_FIT: return read_num(c, key, v, 0.5, 1, &t->shrink_to_fit);
    case P_TRANSFORM: return read_two_words(c, key, v, "none", "uppercase", &t->uppercase);
    default: return true;
    }
}

static void read_role(sctx *c, style_role r, const ytree_node *map) {
    const ytree_node *seen[P_COUNT] = {0};
    char where[40];
    snprintf(where, sizeof where, "'%s'", style_role_name((style_role)r));
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ytree_node *k = map->items[i], *v = map->items[i + 1];
        int p = key_index(k->value, text_keys);
        if (p < 0) {
            unknown_key(c, k, where, text_keys);
            continue;
        }
        if (seen[p]) {
            serr(c, k, "duplicate key '%s' in %s (first at line %d)", k->value, where, seen[p]->line);
            continue;
        }
        seen[p] = k;
        if (read_role_key(c, r, p, v)) c->in[r].set[p] = true;
    }
}

/* Reads page: into s->page; checks the text area once everything is known. */
static void read_page(sctx *c, const ytree_node *key, const ytree_node *map) {
    style_page *pg = &c->s->page;
    const ytree_node *seen[G_COUNT] = {0}, *columns_at = key;
    const ytree_node *wpos = key, *hpos = key; /* where to report a too-small text area */
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ytree_node *k = map->items[i], *v = map->items[i + 1];
        int g = key_index(k->value, page_keys);
        if (g < 0) {
            unknown_key(c, k, "'page'", page_keys);
            continue;
        }
        if (seen[g]) {
            serr(c, k, "duplicate key '%s' in 'page' (first at line %d)", k->value, seen[g]->line);
            continue;
        }
        seen[g] = k;
        const char *name = page_keys[g];
        pend p = {0};
        int choice = 0;
        switch (g) {
        case G_SIZE: {
            const char *s = scalar(c, name, v, "a paper name or \"WIDTH x HEIGHT\"");
            if (!s) break;
            double w, h;
            const char *x = strchr(s, 'x');
            if (!x) x = strchr(s, 'X');
            if (style_paper_size(s, &w, &h)) {
                pg->width = w, pg->height = h;
            } else if (x && isdigit((unsigned char)s[0])) {
                char *ws = xstrndup(s, (size_t)(x - s));
                bool em1, em2;
                bool good = parse_len(ws, &w, &em1) && parse_len(x + 1, &h, &em2) && !em1 && !em2 && w > 0 && h > 0 &&
                            w <= STYLE_MAX_LENGTH && h <= STYLE_MAX_LENGTH;
                free(ws);
                if (!good) {
                    serr(c, v, "'size' must be \"WIDTH x HEIGHT\" with two positive lengths up to 200in (e.g. \"148mm x 210mm\"), not '%s'", s);
                    break;
                }
                pg->width = w, pg->height = h;
            } else {
                const char *hint = diag_suggest(s, paper_names);
                if (hint) serr(c, v, "unknown page size '%s'; did you mean '%s'?", s, hint);
                else serr(c, v, "unknown page size '%s' (use A3, A4, A5, A6, B5, Letter, Legal or \"WIDTH x HEIGHT\")", s);
                break;
            }
            wpos = hpos = v;
            break;
        }
        case G_MT: if (read_len(c, name, v, false, false, &p)) pg->margin_top = p.v, hpos = v; break;
        case G_MB: if (read_len(c, name, v, false, false, &p)) pg->margin_bottom = p.v, hpos = v; break;
        case G_MI: if (read_len(c, name, v, false, false, &p)) pg->margin_inner = p.v, wpos = v; break;
        case G_MO: if (read_len(c, name, v, false, false, &p)) pg->margin_outer = p.v, wpos = v; break;
        case G_GAP: if (read_len(c, name, v, false, false, &p)) pg->column_gap = p.v; break;
        case G_BLEED:
            if (read_len(c, name, v, false, false, &p)) {
                if (p.v > MM(20)) serr(c, v, "'bleed' of more than 20mm is surely a mistake");
                else pg->bleed = p.v;
            }
            break;
        case G_COLUMNS:
            read_int(c, name, v, 1, 4, &pg->columns);
            columns_at = v;
            break;
        case G_WIDOWS: read_int(c, name, v, 1, 10, &pg->widows); break;
        case G_ORPHANS: read_int(c, name, v, 1, 10, &pg->orphans); break;
        case G_HEAD_RECTO:
            if (read_choice(c, name, v, head_names, &choice)) pg->head_recto = (style_head)choice;
            break;
        case G_HEAD_VERSO:
            if (read_choice(c, name, v, head_names, &choice)) pg->head_verso = (style_head)choice;
            break;
        case G_PLACEMENT:
            if (read_choice(c, name, v, place_names, &choice)) pg->figure_placement = (style_place)choice;
            break;
        case G_FIG_WIDTH:
            if (read_choice(c, name, v, fig_width_names, &choice)) pg->figure_natural = choice == 1;
            break;
        case G_CHAPTER_START:
            if (read_choice(c, name, v, chapter_start_names, &choice)) pg->chapter_recto = choice == 1;
            break;
        case G_STRETCH:
            if (read_len(c, name, v, false, false, &p)) {
                if (p.v > 72) serr(c, v, "'vertical-stretch' of more than 72pt would open holes between blocks");
                else pg->stretch = p.v;
            }
            break;
        default: break;
        }
    }
    c->s->width_at = (style_where){wpos->line, wpos->col};
    c->s->height_at = (style_where){hpos->line, hpos->col};
    c->s->columns_at = (style_where){columns_at->line, columns_at->col};
}

static void read_colors(sctx *c, const ytree_node *map) {
    const ytree_node *seen[2] = {0};
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ytree_node *k = map->items[i], *v = map->items[i + 1];
        int g = key_index(k->value, color_keys);
        if (g < 0) {
            unknown_key(c, k, "'colors'", color_keys);
            continue;
        }
        if (seen[g]) {
            serr(c, k, "duplicate key '%s' in 'colors' (first at line %d)", k->value, seen[g]->line);
            continue;
        }
        seen[g] = k;
        if (g == 0) c->accent_set = read_color(c, "accent", v, &c->s->accent, false, NULL);
        else c->link_set = read_color(c, "link", v, &c->s->link_color, false, NULL);
    }
}

/* contents: which headings the contents list (printed, PDF outline, EPUB nav). */
static void read_contents(sctx *c, const ytree_node *map) {
    static const char *const contents_keys[] = {"depth", NULL};
    const ytree_node *seen = NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ytree_node *k = map->items[i], *v = map->items[i + 1];
        if (key_index(k->value, contents_keys) < 0) {
            unknown_key(c, k, "'contents'", contents_keys);
            continue;
        }
        if (seen) {
            serr(c, k, "duplicate key '%s' in 'contents' (first at line %d)", k->value, seen->line);
            continue;
        }
        seen = k;
        read_int(c, "depth", v, 1, 6, &c->s->contents_depth);
    }
}

static double resolve(const pend *p, double em) { return p->em ? p->v * em : p->v; }

/* Applies em lengths, body-following families and colours, and the accent. */
static void resolve_roles(sctx *c) {
    style_sheet *s = c->s;
    style_text *body = &s->roles[STYLE_BODY];
    if (c->in[STYLE_BODY].size.set) body->size = c->in[STYLE_BODY].size.v;
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) {
        style_text *t = &s->roles[r];
        role_in *in = &c->in[r];
        if (r != STYLE_BODY && in->size.set) t->size = resolve(&in->size, body->size);
        double em = t->size;
        if (in->before.set) t->space_before = resolve(&in->before, em);
        if (in->after.set) t->space_after = resolve(&in->after, em);
        if (in->indent.set) t->indent = resolve(&in->indent, em);
        if (in->letter_spacing.set) t->letter_spacing = resolve(&in->letter_spacing, em);
        t->first_indent = in->first_indent.set ? resolve(&in->first_indent, em) : default_indent_em(r) * em;
        if (in->line_height_abs.set) t->line_height = resolve(&in->line_height_abs, em) / em;

        if (follows_body((style_role)r)) {
            if (!in->set[P_FAMILY]) {
                t->family = body->family;
                t->family_line = body->family_line;
                t->family_col = body->family_col;
            }
            if (!in->set[P_COLOR]) t->color = body->color;
            if (!in->set[P_WORD_STRETCH]) t->word_stretch = body->word_stretch;
            if (!in->set[P_WORD_SHRINK]) t->word_shrink = body->word_shrink;
            if (!in->set[P_HYPHEN_PENALTY]) t->hyphen_penalty = body->hyphen_penalty;
            if (!in->set[P_TOLERANCE]) t->tolerance = body->tolerance;
            if (!in->set[P_PROTRUSION]) t->protrusion = body->protrusion;
            if (!in->set[P_SENTENCE_SPACE]) t->wide_sentence_space = body->wide_sentence_space;
        }
        if (in->set[P_COLOR] ? in->color_accent : color_is_accent((style_role)r)) t->color = s->accent;
        if (in->set[P_BACKGROUND] ? in->background_accent : background_is_accent((style_role)r))
            t->background = s->accent;
    }
    if (!c->link_set) s->link_color = s->accent;
}

style_sheet *style_load(const char *path, diag *d) {
    style_sheet *s = xcalloc(1, sizeof *s);
    style_defaults(s);
    s->mem = arena_new();
    s->path = arena_strdup(s->mem, path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".yaml") == 0) n -= 5;
    else if (n > 4 && strcmp(base + n - 4, ".yml") == 0) n -= 4;
    s->name = arena_strndup(s->mem, base, n);

    sctx *c = xcalloc(1, sizeof *c);
    c->s = s;
    c->file = s->path;
    c->d = d;
    c->ok = true;

    ytree_node *root = ytree_load(path, s->path, d);
    if (!root) {
        c->ok = false;
        goto done;
    }
    if (ytree_is_null(root)) goto done; /* an empty file: all defaults */
    if (root->kind != YTREE_MAP) {
        serr(c, root, "the top level of a style file must be a mapping (page:, colors:, body:, h1: …), not %s",
             ytree_kind_name(root));
        goto done;
    }
    enum { TOP_PAGE, TOP_COLORS, TOP_CONTENTS, TOP_ROLES };
    const char *top_keys[TOP_ROLES + STYLE_ROLE_COUNT + 1];
    top_keys[TOP_PAGE] = "page";
    top_keys[TOP_COLORS] = "colors";
    top_keys[TOP_CONTENTS] = "contents";
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) top_keys[TOP_ROLES + r] = style_role_name((style_role)r);
    top_keys[TOP_ROLES + STYLE_ROLE_COUNT] = NULL;
    const ytree_node *seen[TOP_ROLES + STYLE_ROLE_COUNT] = {0};
    const ytree_node *page_k = NULL, *page_v = NULL;
    /* colors first: roles may say "accent" */
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ytree_node *k = root->items[i], *v = root->items[i + 1];
        int g = key_index(k->value, top_keys);
        if (g < 0) {
            unknown_key(c, k, "the style file", top_keys);
            continue;
        }
        if (seen[g]) {
            serr(c, k, "duplicate key '%s' (first at line %d)", k->value, seen[g]->line);
            continue;
        }
        seen[g] = k;
        if (ytree_is_null(v)) continue; /* "h2:" with nothing under it */
        if (v->kind != YTREE_MAP) {
            serr(c, v, "'%s' must be a mapping of keys, not %s", k->value, ytree_kind_name(v));
            continue;
        }
        if (g == TOP_PAGE) page_k = k, page_v = v;
        else if (g == TOP_COLORS) read_colors(c, v);
        else if (g == TOP_CONTENTS) read_contents(c, v);
        else read_role(c, (style_role)(g - TOP_ROLES), v);
    }
    if (page_v) read_page(c, page_k, page_v);
    resolve_roles(c);
    if (c->ok && !style_check_page(s, d)) c->ok = false;

done:
    ytree_free(root);
    bool ok = c->ok;
    free(c);
    if (!ok) {
        style_free(s);
        return NULL;
    }
    return s;
}
