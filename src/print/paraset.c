/* paraset: shape once, break by total fit, draw glyph runs. */
#include "print/paraset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "base/util.h"
#include "print/linebreak.h"

#define FILL 1e6           /* the stretch of \parfillskip: "infinite" next to any line's */
#define PRETOLERANCE 100   /* TeX's first pass, without hyphenation */
#define EX_HYPHEN_PENALTY 50
#define RAGGED_BADNESS 1000 /* TeX's \hbadness: a justified line looser than this is set ragged */
/* A break inside inline code, at its punctuation, costs as TeX's \relpenalty (a break
 * in a formula): taken only where the lines would otherwise be loose. */
#define CODE_BREAK_PENALTY 500

enum { F_CLUSTER = 1, F_POINT = 2, F_SPACE = 4, F_CODE_BREAK = 64, F_CODE = 128 };
/* Bits 3-5 of a space's flags: its space factor class (TeX's \sfcode of the character
 * before it), SF_SENTENCE and up with the font's extra space added. */
enum { SF_SHIFT = 3, SF_MASK = 7 << SF_SHIFT };
enum { SF_NORMAL, SF_COMMA, SF_SEMICOLON, SF_COLON, SF_SENTENCE };
static const double sf_value[] = {1000, 1250, 1500, 2000, 3000};
#define EXTRA_SPACE (1.0 / 3) /* XeTeX's \fontdimen7 of an OpenType face: a third of its space */

/* A drawn piece of a line: the glyphs of one run between two cuts, or the added hyphen. */
typedef struct seg {
    PangoGlyphItem *gi;        /* owned; NULL for the hyphen */
    const PangoGlyphItem *run; /* the run it comes from (colour, rise, font) */
    PangoGlyph hyphen;
    double x, width;           /* from the paragraph's left */
    int start, end;            /* bytes */
    int level;                 /* bidi embedding level */
} seg;

typedef struct line_segs {
    seg *v;
    int n;
} line_segs;

struct paraset {
    const char *text;
    int len;
    PangoGlyphItem **runs;   /* logical order */
    int n_runs;
    double *adv;             /* per byte: the width of the cluster starting there */
    unsigned char *flags;    /* per byte: F_* */
    int *run_of;             /* per byte: its run */
    int *cidx;               /* per byte: its character index */
    double *hy_w;            /* per run: the hyphen's width there, < 0 until shaped */
    PangoGlyph *hy_g;
    paraset_line *lines;
    line_segs *segs;
    int n_lines;
    double min_w, max_w;
    double *src_w;           /* verbatim: each source line's width, unwrapped */
    int n_src;
    bool verbatim;
    bool code_breaks;        /* some inline code may break at its punctuation */
};

/*** shaping ***/

static bool is_forced(gunichar c) { return c == 0x2028 || c == '\n'; }
static bool is_nbsp(gunichar c) { return c == 0xA0 || c == 0x202F || c == 0x2007; }
static bool is_space(gunichar c, const PangoLogAttr *a) { return a->is_white && !is_nbsp(c) && !is_forced(c); }

static int sf_class(const paraset *ps, int b) { return (ps->flags[b] & SF_MASK) >> SF_SHIFT; }

/* A space's own width, without the extra space after a sentence. */
static double space_base(const paraset *ps, int b) {
    return sf_class(ps, b) >= SF_COLON ? ps->adv[b] / (1 + EXTRA_SPACE) : ps->adv[b];
}

/* As TeX: the stretch grows with the space factor and the shrink falls with it (a plain
 * space, by far the most common, skips the arithmetic). */
static double glue_stretch(const paraset *ps, int b, double ws) {
    if (ps->flags[b] & F_CODE) return 0;
    if (!(ps->flags[b] & SF_MASK)) return ps->adv[b] * ws;
    return space_base(ps, b) * ws * sf_value[sf_class(ps, b)] / 1000;
}
static double glue_shrink(const paraset *ps, int b, double zs) {
    if (ps->flags[b] & F_CODE) return 0;
    if (!(ps->flags[b] & SF_MASK)) return ps->adv[b] * zs;
    return space_base(ps, b) * zs * 1000 / sf_value[sf_class(ps, b)];
}

static void index_chars(paraset *ps) {
    ps->cidx = xcalloc((size_t)ps->len + 1, sizeof *ps->cidx);
    int ci = 0;
    for (const char *s = ps->text; s < ps->text + ps->len; s = g_utf8_next_char(s), ci++) {
        const char *e = g_utf8_next_char(s);
        for (const char *b = s; b < e && b < ps->text + ps->len; b++) ps->cidx[b - ps->text] = ci;
    }
    ps->cidx[ps->len] = ci;
}

/* Characters a space factor passes through (TeX's \sfcode 0): closing brackets and quotes. */
static bool sf_transparent(gunichar c) {
    return c == ')' || c == ']' || c == '\'' || c == '"' || c == 0x2019 || c == 0x201D || c == 0xBB || c == 0x203A;
}

/* Abbreviations whose stop ends no sentence: pandoc's list (its `abbreviations` extension,
 * which ties the space after one with a no-break space, so TeX sets a word space there). */
static const char *const abbreviations[] = {
    "aet.", "aetat.", "al.", "Apr.", "Aug.", "bk.", "Bros.", "c.", "Capt.", "cf.", "ch.", "chap.", "chs.",
    "Co.", "col.", "Corp.", "cp.", "d.", "Dec.", "Dr.", "e.g.", "ed.", "eds.", "esp.", "f.", "fasc.", "Feb.",
    "ff.", "fig.", "fl.", "fol.", "fols.", "Fr.", "Gen.", "Gov.", "Hon.", "i.e.", "ill.", "Inc.", "incl.",
    "Jan.", "Jr.", "Jul.", "Jun.", "Ltd.", "M.A.", "M.D.", "Mar.", "Mr.", "Mrs.", "Ms.", "n.", "n.b.", "nn.",
    "No.", "Nov.", "Oct.", "p.", "Ph.D.", "pp.", "Pres.", "Prof.", "pt.", "q.v.", "Rep.", "Rev.", "s.v.",
    "s.vv.", "saec.", "sec.", "Sen.", "Sep.", "Sept.", "Sgt.", "Sr.", "St.", "univ.", "viz.", "vol.", "vs.",
};

/* Whether the stop at byte `stop` ends one of those words (after any opening bracket or quote). */
static bool ends_abbreviation(const char *text, int stop) {
    int from = stop;
    while (from > 0) {
        const char *p = g_utf8_prev_char(text + from);
        gunichar d = g_utf8_get_char(p);
        if (g_unichar_isspace(d) || d == 0xA0 || d == '(' || d == '[' || d == 0x201C || d == 0x2018 || d == '"')
            break;
        from = (int)(p - text);
    }
    size_t len = (size_t)(stop + 1 - from);
    for (size_t i = 0; i < sizeof abbreviations / sizeof *abbreviations; i++)
        if (strlen(abbreviations[i]) == len && !memcmp(abbreviations[i], text + from, len)) return true;
    return false;
}

/* The space factor class of a space at byte b, from the characters before it as plain
 * TeX's \nonfrenchspacing has it: 3000 after . ? !, 2000 after :, 1500 after ;, 1250 after
 * a comma, but 1000 after punctuation that follows a capital ("U.S. Army") and after an
 * abbreviation's stop ("et al. (1962)"). */
static int space_factor_at(const char *text, int b) {
    const char *s = text + b;
    gunichar c = 0;
    while (s > text) {
        s = g_utf8_prev_char(s);
        c = g_utf8_get_char(s);
        if (!sf_transparent(c)) break;
        c = 0;
    }
    int k = c == '.' || c == '?' || c == '!' ? SF_SENTENCE : c == ':' ? SF_COLON : c == ';' ? SF_SEMICOLON
          : c == ',' ? SF_COMMA : SF_NORMAL;
    if (k == SF_NORMAL || s == text) return k;
    if (c == '.' && ends_abbreviation(text, (int)(s - text))) return SF_NORMAL;
    /* The factor before the punctuation: below 1000 (a capital) holds it at 1000. */
    while (s > text) {
        s = g_utf8_prev_char(s);
        gunichar d = g_utf8_get_char(s);
        if (sf_transparent(d)) continue;
        return g_unichar_isupper(d) ? SF_NORMAL : k;
    }
    return k;
}

static void mark_space_factors(paraset *ps, const PangoLogAttr *la) {
    for (int i = 0; i < ps->len; i = (int)(g_utf8_next_char(ps->text + i) - ps->text))
        if (is_space(g_utf8_get_char(ps->text + i), &la[ps->cidx[i]]))
            ps->flags[i] |= (unsigned char)(space_factor_at(ps->text, i) << SF_SHIFT);
}

/* Glyphs that must not show: a forced break, a soft hyphen left in the text. */
static bool hidden(gunichar c) { return is_forced(c) || c == '\r' || c == 0xAD; }

/* The width an inline image's shape attribute asks for in a run, or -1: the run's glyph
 * draws nothing and takes that width (the PDF writer draws the image into the box). */
static int shape_width(const PangoItem *it) {
    for (GSList *l = it->analysis.extra_attrs; l; l = l->next) {
        const PangoAttribute *a = l->data;
        if (a->klass->type == PANGO_ATTR_SHAPE) return ((const PangoAttrShape *)a)->logical_rect.width;
    }
    return -1;
}

static void shape_item(const paraset *ps, PangoItem *it, PangoGlyphString *gs) {
    pango_shape_with_flags(ps->text + it->offset, it->length, ps->text, ps->len, &it->analysis, gs, PANGO_SHAPE_NONE);
    int sw = shape_width(it);
    for (int g = 0; sw >= 0 && g < gs->num_glyphs; g++)
        gs->glyphs[g].glyph = PANGO_GLYPH_EMPTY, gs->glyphs[g].geometry.width = g ? 0 : sw;
}

/* A character that is not drawn when no font has it, so nobody need hear of it: a space,
 * a forced break, a format character (ZERO WIDTH JOINER, WORD JOINER…). A combining mark
 * is zero-width too but shows, so it is missing like any letter. */
static bool unseen(gunichar c) {
    GUnicodeType t = g_unichar_type(c);
    bool mark = t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK || t == G_UNICODE_SPACING_MARK;
    return hidden(c) || g_unichar_isspace(c) || (g_unichar_iszerowidth(c) && !mark);
}

/* The character an unknown glyph stands for (Pango puts it in the glyph) and its byte:
 * in a cluster of several characters (a letter and its marks) not always the first. */
static gunichar missing_char(const paraset *ps, const PangoItem *it, const PangoGlyphString *gs, int g, int *at) {
    int b = it->offset + gs->log_clusters[g], end = it->offset + it->length;
    gunichar m = gs->glyphs[g].glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
    *at = b;
    for (int k = b, n = 0; m && k < end && n < 16; k = (int)(g_utf8_next_char(ps->text + k) - ps->text), n++)
        if (g_utf8_get_char(ps->text + k) == m) {
            *at = k;
            return m;
        }
    return g_utf8_get_char(ps->text + b);
}

/* The first byte of the item whose glyph the font lacks, or -1. */
static int first_unknown(const paraset *ps, const PangoItem *it, const PangoGlyphString *gs) {
    int at = -1;
    for (int g = 0; g < gs->num_glyphs; g++) {
        if (!(gs->glyphs[g].glyph & PANGO_GLYPH_UNKNOWN_FLAG)) continue;
        int b;
        if (unseen(missing_char(ps, it, gs, g, &b))) continue;
        if (at < 0 || b < at) at = b;
    }
    return at;
}

/* Splits off the item's text before byte `at` as an item of its own. */
static PangoItem *split_before(const paraset *ps, PangoItem *it, int at) {
    int chars = (int)g_utf8_strlen(ps->text + it->offset, at - it->offset);
    return pango_item_split(it, at - it->offset, chars);
}

static void add_run(paraset *ps, PangoItem *it, PangoGlyphString *gs, const paraset_opts *o, PangoLogAttr *la) {
    PangoGlyphItem *gi = g_slice_new0(PangoGlyphItem);
    gi->item = it, gi->glyphs = gs;
    if (o->letter_spacing) pango_glyph_item_letter_space(gi, ps->text, la + ps->cidx[it->offset], o->letter_spacing);
    ps->runs = xrealloc(ps->runs, (size_t)(ps->n_runs + 1) * sizeof *ps->runs);
    ps->runs[ps->n_runs++] = gi;
}

static bool noted(const gunichar *v, int n, gunichar c) {
    for (int i = 0; i < n; i++)
        if (v[i] == c) return true;
    return false;
}

static void note_fallback(paraset_report *rep, gunichar c, int at, PangoFont *f) {
    if (noted(rep->fallback, rep->n_fallback, c) || rep->n_fallback >= PARASET_MAX_CHARS) return;
    PangoFontDescription *fd = pango_font_describe(f);
    const char *fam = pango_font_description_get_family(fd);
    snprintf(rep->fallback_family[rep->n_fallback], sizeof rep->fallback_family[0], "%s", fam ? fam : "?");
    pango_font_description_free(fd);
    rep->fallback_at[rep->n_fallback] = at;
    rep->fallback[rep->n_fallback++] = c;
}

/* Right-to-left glyphs come last character first: keep the lowest byte of each. */
static void note_missing(paraset_report *rep, gunichar c, int at) {
    for (int i = 0; i < rep->n_missing; i++)
        if (rep->missing[i] == c) {
            if (at < rep->missing_at[i]) rep->missing_at[i] = at;
            return;
        }
    if (rep->n_missing >= PARASET_MAX_CHARS) return;
    rep->missing_at[rep->n_missing] = at, rep->missing[rep->n_missing++] = c;
}

/* Shapes one item, handing the characters its font lacks to a fallback font when one
 * has them: the item is cut around each such stretch. */
static void shape_with_fallback(paraset *ps, PangoItem *it, const paraset_opts *o, PangoLogAttr *la,
                                paraset_report *rep) {
    while (it) {
        PangoGlyphString *gs = pango_glyph_string_new();
        shape_item(ps, it, gs);
        int u = o->fallback ? first_unknown(ps, it, gs) : -1;
        gunichar c = u >= 0 ? g_utf8_get_char(ps->text + u) : 0;
        PangoFont *f = u >= 0 ? o->fallback(o->fallback_ud, c, it->analysis.font) : NULL;
        if (!f) {
            add_run(ps, it, gs, o, la);
            return;
        }
        pango_glyph_string_free(gs);
        if (u > it->offset) {
            PangoItem *before = split_before(ps, it, u);
            gs = pango_glyph_string_new();
            shape_item(ps, before, gs);
            add_run(ps, before, gs, o, la);
        }
        /* The stretch the fallback font covers and the item's own font does not. */
        int e = u, end = it->offset + it->length;
        while (e < end) {
            gunichar d = g_utf8_get_char(ps->text + e);
            if (e > u && (pango_font_has_char(it->analysis.font, d) || !pango_font_has_char(f, d))) break;
            note_fallback(rep, d, e, f);
            e = (int)(g_utf8_next_char(ps->text + e) - ps->text);
        }
        PangoItem *mid = e < end ? split_before(ps, it, e) : it;
        if (mid == it) it = NULL;
        g_object_unref(mid->analysis.font);
        mid->analysis.font = f;
        gs = pango_glyph_string_new();
        shape_item(ps, mid, gs);
        add_run(ps, mid, gs, o, la);
    }
}

/* A character Pango shapes to no glyph (a variation selector, ZERO WIDTH JOINER) gets a
 * cluster of its own, which cairo writes with no text: it joins the cluster before it
 * (in logical order) so the PDF's text keeps it ("🛠️" extracts with its U+FE0F). Not where
 * a line may start (a bidi control after a space, "English \u202Bעברית"): a line starting
 * inside a cluster got a piece of text with no glyph, which cairo refuses, failing the PDF. */
static void join_empty_clusters(const paraset *ps, const PangoItem *it, PangoGlyphString *gs, const PangoLogAttr *la) {
    bool rtl = it->analysis.level & 1;
    for (int g = 0; g < gs->num_glyphs; g++) {
        int prev = rtl ? g + 1 : g - 1;
        if (gs->glyphs[g].glyph != PANGO_GLYPH_EMPTY || prev < 0 || prev >= gs->num_glyphs) continue;
        int b = it->offset + gs->log_clusters[g], pb = it->offset + gs->log_clusters[prev];
        gunichar c = g_utf8_get_char(ps->text + b);
        if (hidden(c) || !g_unichar_iszerowidth(c)) continue;
        if (la[ps->cidx[b]].is_line_break || la[ps->cidx[pb]].is_white) continue;
        gs->log_clusters[g] = gs->log_clusters[prev];
    }
}

/* A glyph's advance unrounded, in Pango units: Pango's widths are whole units (a 0.6 em
 * advance at 8 pt is 4915.2, given as 4915), so columns added up from them drift a unit
 * every few characters, and the PDF's glyphs drift off the face's own grid. */
static double exact_advance(PangoFont *font, PangoGlyph glyph) {
    hb_font_t *hb = pango_font_get_hb_font(font);
    if (!hb) return 0;
    hb_face_t *face = hb_font_get_face(hb);
    hb_font_t *units = hb_font_create(face); /* scaled to the face's units per em */
    hb_position_t adv = hb_font_get_glyph_h_advance(units, glyph);
    hb_font_destroy(units);
    int x_scale, y_scale;
    hb_font_get_scale(hb, &x_scale, &y_scale);
    unsigned upem = hb_face_get_upem(face);
    return upem ? (double)adv * x_scale / upem : 0;
}

/* The advance every printable ASCII character has in the paragraph's runs, when they all
 * have the same one (a monospaced face), unrounded, in Pango units; else 0. */
static double cell_width(const paraset *ps) {
    int cell = 0;
    double exact = 0;
    for (int r = 0; r < ps->n_runs; r++) {
        const PangoItem *it = ps->runs[r]->item;
        const PangoGlyphString *gs = ps->runs[r]->glyphs;
        for (int g = 0; g < gs->num_glyphs; g++) {
            unsigned char ch = (unsigned char)ps->text[it->offset + gs->log_clusters[g]];
            if (ch < 0x20 || ch > 0x7E || gs->glyphs[g].glyph & PANGO_GLYPH_UNKNOWN_FLAG) continue;
            int w = gs->glyphs[g].geometry.width;
            if (cell && abs(w - cell) > 1) return 0;
            if (!cell) exact = exact_advance(it->analysis.font, gs->glyphs[g].glyph);
            cell = w;
        }
    }
    return fabs(exact - cell) <= 1 ? exact : cell;
}

/* Verbatim text on the monospaced face's grid: each cluster (a fallback font's glyph, an
 * emoji or CJK box of another width) takes whole cells, its glyphs centred in them, and
 * column n starts at n cells rounded to a whole unit, so no rounding adds up along a line.
 * `col`: the cells before this run. */
static void snap_to_cells(PangoGlyphString *gs, double cell, long *col) {
    for (int g = 0; g < gs->num_glyphs;) {
        int e = g, w = 0;
        while (e < gs->num_glyphs && gs->log_clusters[e] == gs->log_clusters[g]) w += gs->glyphs[e++].geometry.width;
        if (w > 0) {
            long cells = lround(w / cell);
            if (cells < 1) cells = 1;
            int want = (int)(lround((double)(*col + cells) * cell) - lround((double)*col * cell)), d = want - w;
            *col += cells;
            for (int k = g; k < e; k++) gs->glyphs[k].geometry.x_offset += d / 2;
            gs->glyphs[e - 1].geometry.width += d;
        }
        g = e;
    }
}

/* The glyph widths and clusters of every run, per byte; glyphs that must not show
 * are emptied, characters no font has counted. */
static void index_runs(paraset *ps, const PangoLogAttr *la, paraset_report *rep) {
    for (int r = 0; r < ps->n_runs; r++) join_empty_clusters(ps, ps->runs[r]->item, ps->runs[r]->glyphs, la);
    double cell = ps->verbatim ? cell_width(ps) : 0;
    long col = 0;
    for (int r = 0; r < ps->n_runs; r++) {
        const PangoItem *it = ps->runs[r]->item;
        PangoGlyphString *gs = ps->runs[r]->glyphs;
        for (int b = it->offset; b < it->offset + it->length; b++) ps->run_of[b] = r;
        for (int g = 0; g < gs->num_glyphs; g++) {
            int b = it->offset + gs->log_clusters[g], at;
            gunichar c = g_utf8_get_char(ps->text + b);
            if (hidden(c)) {
                gs->glyphs[g].glyph = PANGO_GLYPH_EMPTY, gs->glyphs[g].geometry.width = 0;
            } else if (gs->glyphs[g].glyph & PANGO_GLYPH_UNKNOWN_FLAG && !unseen(missing_char(ps, it, gs, g, &at))) {
                note_missing(rep, missing_char(ps, it, gs, g, &at), at);
                /* The font's own .notdef, not Pango's hex box: the glyph still maps
                 * to its character, so the text extracts. */
                PangoRectangle lg;
                pango_font_get_glyph_extents(it->analysis.font, 0, NULL, &lg);
                gs->glyphs[g].glyph = 0;
                gs->glyphs[g].geometry.width = lg.width;
            }
        }
        if (cell > 0) snap_to_cells(gs, cell, &col);
        for (int g = 0; g < gs->num_glyphs; g++) {
            int b = it->offset + gs->log_clusters[g];
            ps->adv[b] += gs->glyphs[g].geometry.width / (double)PANGO_SCALE;
            ps->flags[b] |= F_CLUSTER;
        }
    }
}

/* sentence-space: wide: the font's extra space added to each space after a sentence
 * (or a colon), its glyph and its byte's width alike. */
static void widen_sentence_spaces(paraset *ps) {
    for (int r = 0; r < ps->n_runs; r++) {
        const PangoItem *it = ps->runs[r]->item;
        PangoGlyphString *gs = ps->runs[r]->glyphs;
        for (int g = 0; g < gs->num_glyphs; g++) {
            int b = it->offset + gs->log_clusters[g];
            if (sf_class(ps, b) < SF_COLON) continue;
            int extra = (int)lround(gs->glyphs[g].geometry.width * EXTRA_SPACE);
            gs->glyphs[g].geometry.width += extra;
            ps->adv[b] += extra / (double)PANGO_SCALE;
        }
    }
}

static void shape_runs(paraset *ps, PangoContext *ctx, PangoAttrList *attrs, const paraset_opts *o, PangoLogAttr *la,
                       paraset_report *rep) {
    GList *items = pango_itemize(ctx, ps->text, 0, ps->len, attrs, NULL);
    for (GList *l = items; l; l = l->next) shape_with_fallback(ps, l->data, o, la, rep);
    g_list_free(items);
    if (!ps->runs) ps->runs = xcalloc(1, sizeof *ps->runs);
    index_runs(ps, la, rep);
    if (!o->verbatim && o->wide_sentence_space) widen_sentence_spaces(ps);
}

/* The hyphen of run r's font: shaped once per run, when a line first needs it. */
static void hyphen_of(paraset *ps, int r) {
    if (ps->hy_w[r] >= 0) return;
    PangoGlyphString *gs = pango_glyph_string_new();
    PangoAnalysis an = ps->runs[r]->item->analysis;
    pango_shape_with_flags("-", 1, "-", 1, &an, gs, PANGO_SHAPE_NONE);
    bool ok = gs->num_glyphs == 1 && !(gs->glyphs[0].glyph & PANGO_GLYPH_UNKNOWN_FLAG);
    ps->hy_g[r] = ok ? gs->glyphs[0].glyph : PANGO_GLYPH_EMPTY;
    ps->hy_w[r] = ok ? gs->glyphs[0].geometry.width / (double)PANGO_SCALE : 0;
    pango_glyph_string_free(gs);
}

/*** boxes, glue and penalties ***/

typedef enum { K_BOX, K_SPACE, K_DISC, K_BREAK, K_OTHER } ikind;

typedef struct items {
    lb_item *v;
    int *byte;       /* where each item starts in the text */
    unsigned char *kind;
    int n, cap;
} items;

static void push(items *b, lb_item it, int byte, ikind k) {
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = xrealloc(b->v, (size_t)b->cap * sizeof *b->v);
        b->byte = xrealloc(b->byte, (size_t)b->cap * sizeof *b->byte);
        b->kind = xrealloc(b->kind, (size_t)b->cap);
    }
    b->v[b->n] = it, b->byte[b->n] = byte, b->kind[b->n] = (unsigned char)k;
    b->n++;
}

static void items_free(items *b) {
    free(b->v), free(b->byte), free(b->kind);
}

typedef struct build_opts {
    bool points;        /* hyphenation points as discretionaries */
    bool char_breaks;   /* words wider than `measure` may break between characters */
    bool code_breaks;   /* inline code may break at its punctuation */
    double measure;
    bool justify;
} build_opts;

static void push_box(items *b, double w, int byte) {
    if (b->n && b->kind[b->n - 1] == K_BOX) b->v[b->n - 1].width += w;
    else push(b, (lb_item){LB_BOX, w, 0, 0, 0, false}, byte, K_BOX);
}

static bool is_hyphen_char(gunichar c) { return c == '-' || c == 0x2010 || c == 0x2013 || c == 0x2014; }
/* TeX breaks after every explicit hyphen in a word; Unicode's line breaking (UAX #14,
 * Pango) does not before a digit, so "593-603" or "COVID-19" could not break at all. */
static bool explicit_hyphen_break(gunichar before, gunichar hy, gunichar next) {
    return (hy == '-' || hy == 0x2010 || hy == 0x2013) && g_unichar_isalnum(before) && g_unichar_isalnum(next);
}

/* How much of a line-end character hangs into the margin: microtype's default protrusion
 * factors (its `default` set, in thousandths of the glyph's width); 0 for the rest. */
#define HYPHEN_HANG 0.5
static double hang_factor(gunichar c) {
    switch (c) {
    case '.': return 0.7;
    case ',': case ':': case '-': return 0.5;
    case 0x2019: return 0.4; /* right single quote */
    case ';': case 0x201D: return 0.3;
    case ')': case 0x2013: return 0.2;
    case 0x2014: return 0.15;
    case '!': case '?': return 0.1;
    default: return 0;
    }
}

/* One word: the characters between two spaces, with its break opportunities. */
static void push_word(paraset *ps, const PangoLogAttr *la, const paraset_opts *o, const build_opts *bo, int from,
                      int to, items *b, paraset_report *rep) {
    double ww = 0;
    for (int k = from; k < to; k++) ww += ps->adv[k];
    bool chars = bo->char_breaks && bo->measure > 0 && ww > bo->measure;
    if (chars) {
        rep->char_broken++;
        if (ww > rep->widest_word) rep->widest_word = ww;
    }
    gunichar prev = 0, before = 0;
    for (int k = from; k < to; k = (int)(g_utf8_next_char(ps->text + k) - ps->text)) {
        gunichar c = g_utf8_get_char(ps->text + k);
        const PangoLogAttr *a = &la[ps->cidx[k]];
        if (k > from && ps->flags[k] & F_CLUSTER) {
            int r = ps->run_of[k - 1];
            if (bo->points && ps->flags[k] & F_POINT) {
                hyphen_of(ps, r);
                double hw = ps->hy_w[r] * (o->protrusion ? 1 - HYPHEN_HANG : 1);
                push(b, (lb_item){LB_PENALTY, hw, 0, 0, o->hyphen_penalty, true}, k, K_DISC);
            } else if (a->is_line_break || explicit_hyphen_break(before, prev, c)) {
                bool hy = is_hyphen_char(prev);
                push(b, (lb_item){LB_PENALTY, 0, 0, 0, EX_HYPHEN_PENALTY, hy}, k, K_BREAK);
            } else if (bo->code_breaks && ps->flags[k] & F_CODE_BREAK) {
                push(b, (lb_item){LB_PENALTY, 0, 0, 0, CODE_BREAK_PENALTY, false}, k, K_BREAK);
            } else if (chars && a->is_cursor_position) {
                push(b, (lb_item){LB_PENALTY, 0, 0, 0, 0, false}, k, K_BREAK);
            }
        }
        push_box(b, ps->adv[k], k);
        before = prev, prev = c;
    }
    /* A stop or hyphen at a line end may hang out: a break just after the word,
     * before its space, with a negative width. */
    if (o->protrusion && prev && hang_factor(prev) > 0 && to < ps->len) {
        double hang = ps->adv[(int)(g_utf8_prev_char(ps->text + to) - ps->text)] * hang_factor(prev);
        push(b, (lb_item){LB_PENALTY, -hang, 0, 0, 0, false}, to, K_OTHER);
    }
}

static void push_end(items *b, int byte) {
    push(b, (lb_item){LB_PENALTY, 0, 0, 0, LB_INF, false}, byte, K_OTHER);
    push(b, (lb_item){LB_GLUE, 0, FILL, 0, 0, false}, byte, K_OTHER);
    push(b, (lb_item){LB_PENALTY, 0, 0, 0, -LB_INF, false}, byte, K_OTHER);
}

static void build_items(paraset *ps, const PangoLogAttr *la, const paraset_opts *o, const build_opts *bo, items *b,
                        paraset_report *rep) {
    b->n = 0;
    double ys = bo->justify ? o->word_stretch : 0, zs = bo->justify ? o->word_shrink : 0;
    int i = 0;
    while (i < ps->len) {
        gunichar c = g_utf8_get_char(ps->text + i);
        int next = (int)(g_utf8_next_char(ps->text + i) - ps->text);
        const PangoLogAttr *a = &la[ps->cidx[i]];
        double w = ps->adv[i];
        if (is_forced(c)) {
            push_end(b, i);
        } else if (is_nbsp(c)) {
            push(b, (lb_item){LB_PENALTY, 0, 0, 0, LB_INF, false}, i, K_OTHER);
            push(b, (lb_item){LB_GLUE, w, glue_stretch(ps, i, ys), glue_shrink(ps, i, zs), 0, false}, i, K_SPACE);
        } else if (is_space(c, a)) {
            push(b, (lb_item){LB_GLUE, w, glue_stretch(ps, i, ys), glue_shrink(ps, i, zs), 0, false}, i, K_SPACE);
        } else {
            int j = i;
            while (j < ps->len) {
                gunichar d = g_utf8_get_char(ps->text + j);
                if (is_forced(d) || is_nbsp(d) || is_space(d, &la[ps->cidx[j]])) break;
                j = (int)(g_utf8_next_char(ps->text + j) - ps->text);
            }
            push_word(ps, la, o, bo, i, j, b, rep);
            next = j;
        }
        i = next;
    }
    push_end(b, ps->len);
}

/* Table columns: the widest unbreakable run and the widest line at natural width. */
static void measure_items(paraset *ps, const items *b) {
    double run = 0, line = 0;
    ps->min_w = ps->max_w = 0;
    for (int i = 0; i < b->n; i++) {
        const lb_item *it = &b->v[i];
        if (it->kind == LB_BOX) run += it->width, line += it->width;
        else if (it->kind == LB_GLUE) run = 0, line += it->width;
        else if (b->kind[i] == K_BREAK) run = 0;
        if (run > ps->min_w) ps->min_w = run;
        if (line > ps->max_w) ps->max_w = line;
        if (it->kind == LB_PENALTY && it->penalty <= -LB_INF) line = 0, run = 0;
    }
}

/*** breaking ***/

static lb_params params_for(const paraset_opts *o, bool justify, int pass) {
    double indent = o->first_indent;
    lb_params p = lb_defaults(o->width);
    p.first_width = indent > 0 ? o->width - indent : o->width;
    p.width = indent < 0 ? o->width + indent : o->width;
    p.max_hyphen_run = 2;
    p.short_last = 2.5 * o->size;
    p.short_last_demerits = justify ? 10000 : 0;
    p.tolerance = pass == 1 ? PRETOLERANCE : pass == 2 ? o->tolerance : 10000;
    /* Ragged text: spaces keep their width, and every line may fall short of the
     * measure by a stretch of 3 em (TeX's \raggedright rightskip). */
    if (!justify) p.emergency_stretch = 3 * o->size;
    /* The emergency pass accepts any badness but still weighs it as it is, past TeX's
     * 10000 too: no \emergencystretch, whose extra stretch would hide how loose a line
     * really is. */
    if (pass >= 3) p.allow_overfull = true, p.true_badness = true;
    return p;
}

static int break_items(const items *b, const paraset_opts *o, bool justify, int pass, lb_line **lines) {
    lb_params p = params_for(o, justify, pass);
    int n = lb_break(b->v, b->n, &p, lines, NULL);
    return n;
}

static bool any_overfull(const lb_line *l, int n) {
    for (int i = 0; i < n; i++)
        if (l[i].overfull) return true;
    return false;
}

/* TeX's passes: without hyphens at the pretolerance, with them at the tolerance, then
 * an emergency pass that may leave lines loose or overfull, then with over-wide words
 * broken between characters. Unwrapped (measuring a table cell), only the forced breaks. */
static int break_passes(paraset *ps, const PangoLogAttr *la, const paraset_opts *o, bool justify, bool have_points,
                        bool unwrapped, items *b, lb_line **lines, paraset_report *rep) {
    build_opts bo = {.points = false, .measure = o->width, .justify = justify};
    paraset_report scratch = {0};
    int n = 0;
    build_items(ps, la, o, &bo, b, &scratch);
    measure_items(ps, b);
    if (unwrapped) return lb_forced(b->v, b->n, lines);
    /* Breaks inside words (hyphens) and inside inline code come with the second pass. */
    bool inside = have_points || ps->code_breaks;
    if (!justify) {
        /* Ragged: any line may fall short, so one pass decides (the rag's badness
         * still prefers even lines); hyphens only where the style allows them. */
        if (inside) bo.points = have_points, bo.code_breaks = true, build_items(ps, la, o, &bo, b, &scratch);
    } else {
        if (inside) {
            n = break_items(b, o, justify, 1, lines);
            if (n) return n;
            bo.points = have_points, bo.code_breaks = true;
            build_items(ps, la, o, &bo, b, &scratch);
        }
        n = break_items(b, o, justify, 2, lines);
        if (n) return n;
        rep->emergency = true;
    }
    n = break_items(b, o, justify, 3, lines);
    if (n && !any_overfull(*lines, n)) return n;
    free(*lines);
    bo.char_breaks = true;
    build_items(ps, la, o, &bo, b, rep);
    return break_items(b, o, justify, 4, lines);
}

/*** lines ***/

/* The first glyph whose cluster starts at or after byte `at` (item-relative) in
 * logical order: glyphs run forwards in a left-to-right item, backwards otherwise. */
static int glyph_bound(const PangoGlyphString *gs, bool rtl, int at) {
    int lo = 0, hi = gs->num_glyphs;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        bool before = rtl ? gs->log_clusters[mid] >= at : gs->log_clusters[mid] < at;
        if (before) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The glyphs of run for bytes [a, z) as an item of their own (a and z are cluster
 * edges). Found by binary search: a long run is not copied once per line. */
static PangoGlyphItem *piece(const PangoGlyphItem *run, const char *text, int a, int z) {
    const PangoItem *it = run->item;
    const PangoGlyphString *gs = run->glyphs;
    bool rtl = it->analysis.level % 2;
    int ra = a - it->offset, rz = z - it->offset;
    int g0, g1;
    if (!rtl) g0 = glyph_bound(gs, false, ra), g1 = glyph_bound(gs, false, rz);
    else g0 = glyph_bound(gs, true, rz), g1 = glyph_bound(gs, true, ra);
    PangoGlyphItem *g = g_slice_new0(PangoGlyphItem);
    g->item = pango_item_copy((PangoItem *)it);
    g->item->offset = a;
    g->item->length = z - a;
    g->item->num_chars = (int)g_utf8_strlen(text + a, z - a);
    g->glyphs = pango_glyph_string_new();
    pango_glyph_string_set_size(g->glyphs, g1 - g0);
    for (int k = g0; k < g1; k++) {
        g->glyphs->glyphs[k - g0] = gs->glyphs[k];
        g->glyphs->log_clusters[k - g0] = gs->log_clusters[k] - ra;
    }
    g->y_offset = run->y_offset;
    return g;
}

static void add_seg(line_segs *ls, seg s) {
    ls->v = xrealloc(ls->v, (size_t)(ls->n + 1) * sizeof *ls->v);
    ls->v[ls->n++] = s;
}

/* The pieces of runs covering bytes [from, to), cut also at `cuts`. */
static void cut_runs(paraset *ps, int from, int to, const int *cuts, int n_cuts, line_segs *ls) {
    int a = from;
    while (a < to) {
        int r = ps->run_of[a];
        const PangoGlyphItem *run = ps->runs[r];
        int z = run->item->offset + run->item->length;
        if (z > to) z = to;
        for (int c = 0; c < n_cuts; c++)
            if (cuts[c] > a && cuts[c] < z && ps->flags[cuts[c]] & F_CLUSTER) z = cuts[c];
        add_seg(ls, (seg){piece(run, ps->text, a, z), run, 0, 0, 0, a, z, run->item->analysis.level});
        a = z;
    }
}

/* Widens (ratio > 0) or narrows the spaces of a piece as the line's glue is set. */
static void set_glue(paraset *ps, PangoGlyphString *gs, int offset, double ratio, const paraset_opts *o, double *carry) {
    if (ratio == 0) return;
    for (int g = 0; g < gs->num_glyphs; g++) {
        int b = offset + gs->log_clusters[g];
        if (!(ps->flags[b] & F_SPACE)) continue;
        double d = ratio > 0 ? ratio * glue_stretch(ps, b, o->word_stretch) : ratio * glue_shrink(ps, b, o->word_shrink);
        double want = d * PANGO_SCALE + *carry;
        int u = (int)lround(want);
        *carry = want - u;
        gs->glyphs[g].geometry.width += u;
    }
}

static double glyphs_width(const PangoGlyphString *gs) {
    double w = 0;
    for (int g = 0; g < gs->num_glyphs; g++) w += gs->glyphs[g].geometry.width;
    return w / PANGO_SCALE;
}

/* Bidi rule L2: reverse every run of pieces at or above each odd level. */
static void reorder(line_segs *ls) {
    int hi = 0, lo_odd = 127;
    for (int i = 0; i < ls->n; i++) {
        if (ls->v[i].level > hi) hi = ls->v[i].level;
        if (ls->v[i].level % 2 && ls->v[i].level < lo_odd) lo_odd = ls->v[i].level;
    }
    for (int lev = hi; lev >= lo_odd && lev > 0; lev--)
        for (int i = 0; i < ls->n;) {
            if (ls->v[i].level < lev) {
                i++;
                continue;
            }
            int j = i;
            while (j < ls->n && ls->v[j].level >= lev) j++;
            for (int a = i, z = j - 1; a < z; a++, z--) {
                seg t = ls->v[a];
                ls->v[a] = ls->v[z], ls->v[z] = t;
            }
            i = j;
        }
}

/* A line ending in an added hyphen: the last cluster before it was shaped with the
 * letter that now starts the next line (its advance holds their kerning). Shapes that
 * cluster again with the hyphen and takes both glyphs from there, when the font gives
 * one glyph for the hyphen and as many as before for the cluster. */
static void reshape_edge(const paraset *ps, seg *last, seg *hy, int to) {
    PangoGlyphString *gs = last && last->gi ? last->gi->glyphs : NULL;
    if (!gs || gs->num_glyphs == 0 || last->level % 2) return;
    int g0 = gs->num_glyphs - 1;
    while (g0 > 0 && gs->log_clusters[g0 - 1] == gs->log_clusters[gs->num_glyphs - 1]) g0--;
    int at = last->gi->item->offset + gs->log_clusters[g0], n = to - at;
    if (n <= 0 || n > 32) return;
    char s[40];
    memcpy(s, ps->text + at, (size_t)n);
    s[n] = '-';
    PangoGlyphString *re = pango_glyph_string_new();
    PangoAnalysis an = last->run->item->analysis;
    pango_shape_with_flags(s, n + 1, s, n + 1, &an, re, PANGO_SHAPE_NONE);
    int k = gs->num_glyphs - g0;
    const PangoGlyphInfo *h = &re->glyphs[re->num_glyphs - 1];
    if (re->num_glyphs == k + 1 && h->glyph == hy->hyphen && re->log_clusters[k] == n) {
        for (int g = 0; g < k; g++) gs->glyphs[g0 + g] = re->glyphs[g];
        hy->width = h->geometry.width / (double)PANGO_SCALE;
    }
    pango_glyph_string_free(re);
}

/* Builds line li's pieces for content bytes [from, to), places them and fills its box. */
static void set_line(paraset *ps, int li, int from, int to, bool justify, bool shrink_only, double protrude, bool hyphen, double x0,
                     double avail, paraset_align align, const int *cuts, int n_cuts, const paraset_opts *o) {
    line_segs *ls = &ps->segs[li];
    cut_runs(ps, from, to, cuts, n_cuts, ls);
    if (hyphen && to > 0) {
        int r = ps->run_of[to - 1];
        hyphen_of(ps, r);
        add_seg(ls, (seg){NULL, ps->runs[r], ps->hy_g[r], 0, ps->hy_w[r], to, to, ps->runs[r]->item->analysis.level});
        if (ls->n >= 2) reshape_edge(ps, &ls->v[ls->n - 2], &ls->v[ls->n - 1], to);
    }
    /* Justified: the glue is set to fill the measure exactly from the widths as
     * shaped (the breaker's ratio counts the emergency stretch, the lines do not). */
    if ((justify || shrink_only) && avail > 0) {
        double nat = 0, y = 0, z = 0;
        for (int s = 0; s < ls->n; s++) nat += ls->v[s].gi ? glyphs_width(ls->v[s].gi->glyphs) : ls->v[s].width;
        for (int k = from; k < to; k++)
            if (ps->flags[k] & F_SPACE) y += glue_stretch(ps, k, o->word_stretch), z += glue_shrink(ps, k, o->word_shrink);
        double extra = avail + protrude - nat;
        double ratio = extra > 0 ? (y > 0 && !shrink_only ? extra / y : 0) : (z > 0 ? extra / z : 0);
        if (ratio < -1) ratio = -1;
        /* A line TeX would report as underfull (a long unbreakable code span or URL in
         * a narrow measure) is set ragged instead of with gaps of an em or more. */
        if (ratio > 0 && 100 * ratio * ratio * ratio > RAGGED_BADNESS) ratio = 0;
        double carry = 0;
        for (int s = 0; s < ls->n; s++)
            if (ls->v[s].gi) set_glue(ps, ls->v[s].gi->glyphs, ls->v[s].gi->item->offset, ratio, o, &carry);
    }
    reorder(ls);
    double total = 0;
    for (int s = 0; s < ls->n; s++) {
        seg *sg = &ls->v[s];
        if (sg->gi) sg->width = glyphs_width(sg->gi->glyphs);
        total += sg->width;
    }
    double x = x0;
    if (avail > 0 && align == PARASET_RIGHT) x += avail - total;
    else if (avail > 0 && align == PARASET_CENTER) x += (avail - total) / 2;
    for (int s = 0; s < ls->n; s++) ls->v[s].x = x, x += ls->v[s].width;
    paraset_line *pl = &ps->lines[li];
    pl->x = ls->n ? ls->v[0].x : x0;
    pl->width = total;
    pl->hyphenated = hyphen;
}

static void grow_lines(paraset *ps, int n) {
    ps->lines = xcalloc((size_t)(n ? n : 1), sizeof *ps->lines);
    ps->segs = xcalloc((size_t)(n ? n : 1), sizeof *ps->segs);
    ps->n_lines = n;
}

static void lines_from_breaks(paraset *ps, const items *b, const lb_line *br, int n, const paraset_opts *o,
                              bool justify, const int *cuts, int n_cuts, paraset_report *rep) {
    grow_lines(ps, n);
    double indent = o->first_indent;
    for (int i = 0; i < n; i++) {
        int from = br[i].start < b->n ? b->byte[br[i].start] : ps->len;
        int to = b->byte[br[i].end];
        if (to < from) to = from;
        const lb_item *at = &b->v[br[i].end];
        bool forced = at->kind == LB_PENALTY && at->penalty <= -LB_INF;
        bool disc = b->kind[br[i].end] == K_DISC;
        if (br[i].overfull) rep->overfull++;
        /* A negative-width break hangs its stop into the margin. */
        double protrude = at->kind == LB_PENALTY && at->width < 0 ? -at->width : 0;
        if (disc && o->protrusion) protrude = ps->hy_w[ps->run_of[to - 1]] * HYPHEN_HANG;
        double x0 = i == 0 ? (indent > 0 ? indent : 0) : (indent < 0 ? -indent : 0);
        double avail = o->width > 0 ? o->width - x0 : 0;
        ps->lines[i].start = i == 0 ? 0 : from;
        ps->lines[i].forced = forced && i + 1 < n;
        /* A last line (or one before a forced break) keeps its natural spaces unless
         * the breaker shrank them to make it fit. */
        set_line(ps, i, from, to, justify && !forced, forced, protrude, disc, x0, avail, o->align, cuts, n_cuts, o);
    }
    for (int i = 0; i < n; i++) ps->lines[i].end = i + 1 < n ? ps->lines[i + 1].start : ps->len;
}

/* Punctuation a code line may wrap after when it has no space late enough: between
 * a path's or URL's parts, after a list's comma, an operator, a call's bracket. */
static bool breaks_after(char c) { return c && strchr(",;:./\\-&|?!=+)]}>([{", c) != NULL; }

/* Code: each source line wraps where the next character would pass the measure, or
 * after the last space before it when that keeps at least 60 % of the line, else after
 * the last punctuation that does, the rest hanging; nothing stretches. */
static void verbatim_lines(paraset *ps, const paraset_opts *o, const int *cuts, int n_cuts, paraset_report *rep) {
    int cap = 16, n = 0, cap_src = 0;
    int *from = xcalloc((size_t)cap, sizeof *from), *to = xcalloc((size_t)cap, sizeof *to);
    bool *cont = xcalloc((size_t)cap, sizeof *cont);
    int start = 0;
    bool continued = false;
    double acc = 0, whole = 0, widest = 0; /* whole: the source line so far, unwrapped */
    int space = -1;      /* the last space after a word on this line, -1 */
    double at_space = 0; /* acc just after it */
    int punct = -1;      /* the byte after the last punctuation that may end a piece, -1 */
    double at_punct = 0;
    bool inked = false;  /* a character other than a space on this line so far */
    for (int k = 0; k <= ps->len; k++) {
        bool end = k == ps->len || ps->text[k] == '\n';
        bool wrap = false;
        int next = k;
        if (!end && ps->flags[k] & F_CLUSTER) {
            double lw = o->width - (continued ? o->hang : 0);
            wrap = o->width > 0 && k > start && acc + ps->adv[k] > lw + 1e-6;
            if (wrap && space > start && at_space >= 0.6 * lw) next = space + 1, acc -= at_space;
            else if (wrap && punct > start && at_punct >= 0.6 * lw) next = punct, acc -= at_punct;
            else if (wrap) next = k, acc = 0;
            acc += ps->adv[k];
            whole += ps->adv[k];
            if (ps->text[k] == ' ' && inked) space = k, at_space = acc;
            else if (ps->text[k] != ' ') inked = true;
            if (inked && breaks_after(ps->text[k]) && ps->flags[k + 1] & F_CLUSTER) punct = k + 1, at_punct = acc;
        }
        if (end) {
            widest = whole > widest ? whole : widest;
            if (ps->n_src == cap_src) {
                cap_src = cap_src ? 2 * cap_src : 16;
                ps->src_w = xrealloc(ps->src_w, (size_t)cap_src * sizeof *ps->src_w);
            }
            ps->src_w[ps->n_src++] = whole, whole = 0;
        }
        if (!end && !wrap) continue;
        if (n + 1 >= cap) {
            cap *= 2;
            from = xrealloc(from, (size_t)cap * sizeof *from), to = xrealloc(to, (size_t)cap * sizeof *to);
            cont = xrealloc(cont, (size_t)cap * sizeof *cont);
        }
        from[n] = start, to[n] = next, cont[n] = continued, n++;
        if (wrap) {
            start = next, continued = true;
        } else {
            start = k + 1, continued = false, acc = 0, inked = false;
        }
        space = punct = -1;
    }
    grow_lines(ps, n);
    for (int i = 0; i < n; i++) {
        double x0 = cont[i] ? o->hang : 0;
        ps->lines[i].start = from[i];
        ps->lines[i].continued = cont[i];
        set_line(ps, i, from[i], to[i], false, false, 0, false, x0, 0, PARASET_LEFT, cuts, n_cuts, o);
        if (o->width > 0 && ps->lines[i].x + ps->lines[i].width > o->width + 0.01) rep->overfull++;
    }
    for (int i = 0; i < n; i++) ps->lines[i].end = i + 1 < n ? ps->lines[i + 1].start : ps->len;
    ps->min_w = ps->max_w = widest; /* the widest source line as written */
    free(from), free(to), free(cont);
}

/* Once the lines hold their pieces, what only breaking them needed goes: the runs' glyphs
 * (each line has its own copy, justified) and the per-byte widths and indices. The runs'
 * items stay (a piece's font, colour and rise; the hyphen's font), and the per-byte flags
 * (a split word's ends, found when drawing). */
static void drop_shaping(paraset *ps) {
    for (int r = 0; r < ps->n_runs; r++) {
        pango_glyph_string_free(ps->runs[r]->glyphs);
        ps->runs[r]->glyphs = NULL;
    }
    free(ps->adv), free(ps->run_of), free(ps->cidx);
    ps->adv = NULL, ps->run_of = ps->cidx = NULL;
}

/*** inline code ***/

static bool opens(gunichar c) { return c == '(' || c == '[' || c == '{' || c == '<'; }
static bool closes(gunichar c) { return c == ')' || c == ']' || c == '}' || c == '>'; }

/* Whether a line may break before c, inside inline code, between p (after pp) and c
 * (before nx), as book typography breaks a URL or an identifier (Chicago 7.47): after
 * an opening bracket, a comma, a semicolon, `::`, `//`, `->`, `=>` or `=`; before a
 * single `/`, a `.` (not between digits) and a `_` after a letter or digit. */
static bool code_break_at(gunichar pp, gunichar p, gunichar c, gunichar nx) {
    if (g_unichar_isspace(p) || g_unichar_isspace(c) || closes(c) || c == ',' || c == ';') return false;
    if (opens(p) || p == ',' || p == ';') return !opens(c) || p == ',';
    if (p == ':' && pp == ':') return c != ':';
    if (p == '/' && pp == '/') return c != '/';
    if (p == '>' && (pp == '-' || pp == '=')) return true;
    if (p == '=') return c != '=' && c != '>' && pp != '=' && pp != '!' && pp != '<' && pp != '>';
    if (c == '/') return p != '/' && p != ':' && nx != '/';
    if (c == '.') return p != '.' && nx != '.' && !(g_unichar_isdigit(p) && g_unichar_isdigit(nx));
    if (c == '_') return g_unichar_isalnum(p);
    return false;
}

/* Marks the bytes of each code span, and where a line may break inside it: never within
 * its first or last two characters. */
static void mark_code(paraset *ps, const paraset_opts *o) {
    for (int i = 0; i + 1 < 2 * o->n_code_spans; i += 2) {
        int a = o->code_spans[i], z = o->code_spans[i + 1];
        if (a < 0 || z > ps->len || a >= z) continue;
        for (int k = a; k < z; k++) ps->flags[k] |= F_CODE;
        const char *t = ps->text, *end = t + z;
        gunichar pp = 0, p = 0;
        int n = 0;
        for (const char *q = t + a; q < end; q = g_utf8_next_char(q), n++) {
            gunichar c = g_utf8_get_char(q);
            const char *nq = g_utf8_next_char(q);
            gunichar nx = nq < end ? g_utf8_get_char(nq) : 0;
            if (n >= 2 && nq < end && code_break_at(pp, p, c, nx)) {
                ps->flags[q - t] |= F_CODE_BREAK;
                ps->code_breaks = true;
            }
            pp = p, p = c;
        }
    }
}

paraset *paraset_new(PangoContext *ctx, const char *text, int len, PangoAttrList *attrs, const int *points,
                     int n_points, const int *cuts, int n_cuts, const paraset_opts *o, paraset_report *rep) {
    memset(rep, 0, sizeof *rep);
    paraset *ps = xcalloc(1, sizeof *ps);
    ps->text = text, ps->len = len, ps->verbatim = o->verbatim;
    ps->adv = xcalloc((size_t)len + 1, sizeof *ps->adv);
    ps->flags = xcalloc((size_t)len + 1, 1);
    ps->run_of = xcalloc((size_t)len + 1, sizeof *ps->run_of);
    index_chars(ps);
    int nch = ps->cidx[len];
    PangoLogAttr *la = xcalloc((size_t)nch + 1, sizeof *la);
    pango_get_log_attrs(text, len, -1, pango_context_get_language(ctx), la, nch + 1);
    if (!o->verbatim && o->wide_sentence_space) mark_space_factors(ps, la);
    shape_runs(ps, ctx, attrs, o, la, rep);
    ps->hy_w = xcalloc((size_t)(ps->n_runs ? ps->n_runs : 1), sizeof *ps->hy_w);
    ps->hy_g = xcalloc((size_t)(ps->n_runs ? ps->n_runs : 1), sizeof *ps->hy_g);
    for (int r = 0; r < ps->n_runs; r++) ps->hy_w[r] = -1;
    ps->flags[len] |= F_CLUSTER;
    for (int i = 0; i < n_points; i++)
        if (points[i] > 0 && points[i] < len) ps->flags[points[i]] |= F_POINT;
    for (int i = 0; i < len; i = (int)(g_utf8_next_char(text + i) - text))
        if (is_space(g_utf8_get_char(text + i), &la[ps->cidx[i]]) || is_nbsp(g_utf8_get_char(text + i)))
            ps->flags[i] |= F_SPACE;
    if (!o->verbatim) mark_code(ps, o);
    if (o->verbatim) {
        verbatim_lines(ps, o, cuts, n_cuts, rep);
    } else {
        bool justify = o->align == PARASET_JUSTIFY && o->width > 0;
        paraset_opts oo = *o;
        if (oo.width <= 0) oo.width = 1e7; /* unwrapped: only forced breaks */
        items b = {0};
        lb_line *br = NULL;
        int n = break_passes(ps, la, &oo, justify, n_points > 0, o->width <= 0, &b, &br, rep);
        if (o->width <= 0) oo.width = 0;
        lines_from_breaks(ps, &b, br, n, &oo, justify, cuts, n_cuts, rep);
        free(br);
        items_free(&b);
    }
    free(la);
    drop_shaping(ps);
    return ps;
}

void paraset_free(paraset *ps) {
    if (!ps) return;
    for (int i = 0; i < ps->n_lines; i++) {
        for (int s = 0; s < ps->segs[i].n; s++)
            if (ps->segs[i].v[s].gi) pango_glyph_item_free(ps->segs[i].v[s].gi);
        free(ps->segs[i].v);
    }
    for (int r = 0; r < ps->n_runs; r++) pango_glyph_item_free(ps->runs[r]);
    free(ps->runs), free(ps->adv), free(ps->flags), free(ps->run_of), free(ps->cidx);
    free(ps->hy_w), free(ps->hy_g), free(ps->lines), free(ps->segs), free(ps->src_w);
    free(ps);
}

int paraset_line_count(const paraset *ps) { return ps->n_lines; }

const paraset_line *paraset_get_line(const paraset *ps, int i) { return &ps->lines[i]; }

void paraset_measure(const paraset *ps, double *min_width, double *max_width) {
    *min_width = ps->min_w, *max_width = ps->max_w;
}

double paraset_widest_within(const paraset *ps, double limit) {
    double w = 0;
    for (int i = 0; i < ps->n_src; i++)
        if (ps->src_w[i] <= limit && ps->src_w[i] > w) w = ps->src_w[i];
    return w;
}

/*** drawing ***/

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

static int run_attr_int(const PangoGlyphItem *run, PangoAttrType t) {
    for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
        const PangoAttribute *at = a->data;
        if (at->klass->type == t) return ((const PangoAttrInt *)at)->value;
    }
    return 0;
}

static void draw_strike(cairo_t *cr, const seg *s, double x, double y) {
    PangoFontMetrics *m = pango_font_get_metrics(s->run->item->analysis.font, NULL);
    double pos = pango_font_metrics_get_strikethrough_position(m) / (double)PANGO_SCALE;
    double th = pango_font_metrics_get_strikethrough_thickness(m) / (double)PANGO_SCALE;
    pango_font_metrics_unref(m);
    cairo_rectangle(cr, x, y - pos, s->width, th > 0 ? th : 0.5);
    cairo_fill(cr);
}

/* The hyphen outside the text: drawn with an empty string (an empty /ActualText),
 * so extraction and search see the word's two halves and no hyphen in it. */
static void draw_hyphen(cairo_t *cr, const seg *s, double x, double y) {
    if (s->hyphen == PANGO_GLYPH_EMPTY) return;
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(s->run->item->analysis.font));
    if (!sf) return;
    cairo_set_scaled_font(cr, sf);
    cairo_glyph_t g = {s->hyphen, x, y};
    cairo_text_cluster_t cl = {0, 1};
    cairo_show_text_glyphs(cr, "", 0, &g, 1, &cl, 1, 0);
}

/* A word hyphenated at the end of line i, drawn so it is extracted whole: bytes [ws, we)
 * of the text; its first part is the last piece of line i from glyph k on (drawn with the
 * hyphen as one cluster whose text is the whole word), its rest the first piece of line
 * i+1 up to glyph m (one cluster with no text). */
typedef struct split_word {
    int ws, we, k, m;
} split_word;

static int first_glyph_at(const PangoGlyphItem *gi, int byte) {
    const PangoGlyphString *gs = gi->glyphs;
    int g = 0;
    while (g < gs->num_glyphs && gi->item->offset + gs->log_clusters[g] < byte) g++;
    return g;
}

/* False when the word does not sit so (right to left). A word that goes on before the
 * line's last piece or after the next line's first (a link's word followed by a comma, a
 * word partly in bold) is taken as far as those two pieces hold it: the pieces around them
 * show their own text, so extraction still reads the whole word. */
static bool split_word_at(const paraset *ps, int i, split_word *w) {
    if (i < 0 || i + 1 >= ps->n_lines || !ps->lines[i].hyphenated) return false;
    const line_segs *a = &ps->segs[i], *b = &ps->segs[i + 1];
    if (a->n < 2 || b->n < 1) return false;
    const seg *hy = &a->v[a->n - 1], *last = &a->v[a->n - 2], *next = &b->v[0];
    if (hy->gi || !last->gi || !next->gi || last->level % 2 || next->level % 2 || next->start != hy->start) return false;
    int ws = hy->start, we = hy->start;
    while (ws > last->start && !(ps->flags[ws - 1] & F_SPACE)) ws--;
    while (we < next->end && !(ps->flags[we] & F_SPACE)) we++;
    w->ws = ws, w->we = we;
    w->k = first_glyph_at(last->gi, ws);
    w->m = first_glyph_at(next->gi, we);
    return w->k < last->gi->glyphs->num_glyphs && w->m > 0 && we > hy->start;
}

/* Glyphs [from, to) of a piece whose left is x, and `extra` (the hyphen, unless EMPTY) at
 * extra_x, shown as one cluster with the text utf8[0, len). */
static void show_cluster(cairo_t *cr, const seg *sg, int from, int to, double x, double y, PangoGlyph extra,
                         double extra_x, const char *utf8, int len) {
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(sg->run->item->analysis.font));
    if (!sf) return;
    const PangoGlyphString *gs = sg->gi->glyphs;
    cairo_glyph_t *g = xmalloc((size_t)(to - from + 1) * sizeof *g);
    int n = 0;
    double gx = x;
    for (int k = 0; k < to; k++) {
        const PangoGlyphInfo *gi = &gs->glyphs[k];
        if (k >= from && !(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && gi->glyph != PANGO_GLYPH_EMPTY)
            g[n++] = (cairo_glyph_t){gi->glyph, gx + gi->geometry.x_offset / (double)PANGO_SCALE,
                                     y + gi->geometry.y_offset / (double)PANGO_SCALE};
        gx += gi->geometry.width / (double)PANGO_SCALE;
    }
    if (extra != PANGO_GLYPH_EMPTY) g[n++] = (cairo_glyph_t){extra, extra_x, y};
    if (n > 0) {
        cairo_set_scaled_font(cr, sf);
        cairo_text_cluster_t cl = {len, n};
        cairo_show_text_glyphs(cr, utf8, len, g, n, &cl, 1, 0);
    }
    free(g);
}

/* Shows glyphs [from, to) of a piece through Pango (the glyphs keep their own text),
 * the piece's glyph item narrowed to them for the call. */
static void show_part(const paraset *ps, cairo_t *cr, const seg *sg, int from, int to, double x, double y) {
    PangoGlyphItem *gi = sg->gi;
    PangoGlyphString *gs = gi->glyphs;
    PangoItem *it = gi->item;
    if (from >= to) return;
    int n = gs->num_glyphs, off = it->offset, len = it->length, chars = it->num_chars;
    int b0 = off + gs->log_clusters[from], b1 = to < n ? off + gs->log_clusters[to] : off + len;
    double skip = 0;
    for (int g = 0; g < from; g++) skip += gs->glyphs[g].geometry.width / (double)PANGO_SCALE;
    gs->glyphs += from, gs->log_clusters += from, gs->num_glyphs = to - from;
    for (int g = 0; g < gs->num_glyphs; g++) gs->log_clusters[g] -= b0 - off;
    it->offset = b0, it->length = b1 - b0, it->num_chars = (int)g_utf8_strlen(ps->text + b0, b1 - b0);
    cairo_move_to(cr, x + skip, y);
    pango_cairo_show_glyph_item(cr, ps->text, gi);
    for (int g = 0; g < gs->num_glyphs; g++) gs->log_clusters[g] += b0 - off;
    gs->glyphs -= from, gs->log_clusters -= from, gs->num_glyphs = n;
    it->offset = off, it->length = len, it->num_chars = chars;
}

/* Draws one glyph piece; `head` and `tail` are the words split by the line's breaks, or NULL. */
static void draw_piece(const paraset *ps, cairo_t *cr, const seg *sg, const seg *hyphen, const split_word *head,
                       const split_word *tail, double x, double y) {
    int n = sg->gi->glyphs->num_glyphs, from = 0, to = n;
    if (n == 0) return; /* text without a glyph: cairo would refuse it and fail the whole PDF */
    if (head) { /* the rest of the word hyphenated on the line before: no text of its own */
        show_cluster(cr, sg, 0, head->m, x + sg->x, y, PANGO_GLYPH_EMPTY, 0, "", 0);
        from = head->m;
    }
    if (tail) to = tail->k;
    if (!head && !tail) {
        cairo_move_to(cr, x + sg->x, y);
        pango_cairo_show_glyph_item(cr, ps->text, sg->gi);
    } else {
        show_part(ps, cr, sg, from, to, x + sg->x, y);
    }
    if (tail) /* the word's first part and the hyphen: the whole word's text */
        show_cluster(cr, sg, tail->k, n, x + sg->x, y, hyphen->hyphen, x + hyphen->x, ps->text + tail->ws,
                     tail->we - tail->ws);
}

/* Whether piece s of line i is spaces ending the paragraph (a soft break before raw HTML
 * the print leaves out): the paragraph's final glue, which TeX drops too. Drawn, cairo
 * may write no glyph for it (a space at the measure's end) and leave its tag empty. */
static bool final_spaces(const paraset *ps, int i, int s) {
    const seg *sg = &ps->segs[i].v[s];
    if (ps->verbatim || i != ps->n_lines - 1 || s != ps->segs[i].n - 1 || sg->start >= sg->end) return false;
    for (int b = sg->start; b < sg->end; b++)
        if (ps->text[b] != ' ') return false;
    return true;
}

void paraset_draw_line(const paraset *ps, cairo_t *cr, int i, double x, double y, paraset_segment_fn fn, void *ud) {
    if (i < 0 || i >= ps->n_lines) return;
    const line_segs *ls = &ps->segs[i];
    split_word head, tail;
    bool has_head = split_word_at(ps, i - 1, &head), has_tail = split_word_at(ps, i, &tail);
    for (int s = 0; s < ls->n; s++) {
        const seg *sg = &ls->v[s];
        bool tail_here = has_tail && s == ls->n - 2;
        if (has_tail && s == ls->n - 1) break; /* the hyphen went with its word */
        if (final_spaces(ps, i, s)) break;
        if (fn) fn(ud, cr, sg->start, sg->end, false);
        cairo_save(cr);
        double rgb[3];
        if (run_color(sg->run, rgb)) cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        double sy = y - run_attr_int(sg->run, PANGO_ATTR_RISE) / (double)PANGO_SCALE;
        if (sg->gi) {
            draw_piece(ps, cr, sg, tail_here ? &ls->v[s + 1] : NULL, has_head && s == 0 ? &head : NULL,
                       tail_here ? &tail : NULL, x, sy);
            if (run_attr_int(sg->run, PANGO_ATTR_STRIKETHROUGH)) draw_strike(cr, sg, x + sg->x, sy);
        } else {
            draw_hyphen(cr, sg, x + sg->x, sy);
        }
        cairo_restore(cr);
        if (fn) fn(ud, cr, sg->start, sg->end, true);
    }
}

static int add_range(double *xs, int k, int max, double a, double z) {
    if (k > 0 && fabs(xs[2 * k - 1] - a) < 0.01) {
        xs[2 * k - 1] = z;
        return k;
    }
    if (k >= max) return k;
    xs[2 * k] = a, xs[2 * k + 1] = z;
    return k + 1;
}

int paraset_line_ranges(const paraset *ps, int i, int start, int end, double *xs, int max) {
    if (i < 0 || i >= ps->n_lines) return 0;
    const line_segs *ls = &ps->segs[i];
    int k = 0;
    for (int s = 0; s < ls->n; s++) {
        const seg *sg = &ls->v[s];
        if (!sg->gi) {
            if (sg->start > start && sg->start <= end) k = add_range(xs, k, max, sg->x, sg->x + sg->width);
            continue;
        }
        const PangoGlyphString *gs = sg->gi->glyphs;
        double gx = sg->x;
        for (int g = 0; g < gs->num_glyphs; g++) {
            double w = gs->glyphs[g].geometry.width / (double)PANGO_SCALE;
            int b = sg->gi->item->offset + gs->log_clusters[g];
            if (b >= start && b < end) k = add_range(xs, k, max, gx, gx + w);
            gx += w;
        }
    }
    return k;
}
