/* text: every Pango call of the print writer. Turns a block's inlines (or a plain
 * string) and its style into a PangoLayout broken into lines at a width, and draws
 * those lines with PangoCairo. Lengths are points (the context runs at 72 dpi). */
#ifndef QUIRE_TEXT_H
#define QUIRE_TEXT_H

#include <stdbool.h>

#include <cairo.h>
#include <pango/pango.h>

#include "model/model.h"
#include "model/style.h"
#include "print/hyph.h"

typedef struct text_ctx text_ctx;

/* A PangoContext on the book's own font map (fonts_font_map), at 72 dpi, without
 * hinting, so line breaks never depend on the surface drawn to. `hy` may be NULL. */
text_ctx *text_ctx_new(const model_book *book, hyph *hy);
void text_ctx_free(text_ctx *tc);
/* The same for a second thread: its own Pango context on fonts_font_map_second, the
 * same patterns as `tc`. Paragraphs from both give identical lines and glyphs. */
text_ctx *text_ctx_new_second(const model_book *book, const text_ctx *tc);
/* Sets (or clears, with NULL) the hyphenation patterns of later paragraphs. */
void text_ctx_set_hyph(text_ctx *tc, hyph *hy);

/* Something inside a paragraph the writer has to know about. Byte offsets into the
 * paragraph's text. */
typedef enum text_span_kind {
    TEXT_SPAN_LINK,    /* uri (external) or dest (internal id) */
    TEXT_SPAN_NOTE,    /* a footnote marker: note = footnote number; dest = the note's id, id = the ref's id */
    TEXT_SPAN_ANCHOR,  /* a link target: id; start == end */
    TEXT_SPAN_IMAGE    /* an inline image: image, its box image_w × image_h (top 0.85 h above the baseline), alt */
} text_span_kind;

typedef struct text_span {
    text_span_kind kind;
    int start, end;
    const char *uri;   /* borrowed from the model */
    const char *dest;
    const char *id;
    int note;
    const model_image *image;
    double image_w, image_h;
    const char *alt;
    void *drawable;       /* TEXT_SPAN_IMAGE: the layout's loaded image (layout_image), set by the layout */
} text_span;

typedef struct text_line {
    int start, length;   /* bytes of the text */
    double x;            /* left of the line's logical box from the layout's left */
    double width;        /* logical width */
    bool hyphenated;     /* ends at a soft hyphen */
    bool continued;      /* verbatim text: this line goes on with the source line above */
    bool forced;         /* ends at a forced line break (not the paragraph's end) */
} text_line;

struct paraset;

/* One laid-out paragraph. Owns its shaped runs and text. */
typedef struct text_para {
    struct paraset *set; /* the shaped, broken lines (paraset.h) */
    char *text;
    int len;
    text_span *spans;
    int n_spans;
    text_line *lines;
    int n_lines;
    double width;        /* the wrap width */
    double leading;      /* distance between baselines */
    double ascent;       /* baseline below the top of a line box */
    double size;         /* font size */
    bool justified;      /* lines but the last and those before a forced break fill the width */
    bool verbatim;       /* code: the source's lines, wrapped at characters under a hanging indent */
    bool broken_word;    /* a word wider than the measure was broken between characters */
    double hang;         /* verbatim: the indent of continued lines */
    uint32_t ink;        /* the style's text colour, 0xRRGGBB */
    bool blank;          /* shows nothing: only spaces, line breaks and invisible format
                            characters, no inline image (found once, not for each line drawn) */
} text_para;

typedef struct text_opts {
    double width;          /* wrap width, > 0 */
    double first_indent;   /* first line indent (may be 0) */
    bool no_justify;       /* left-align even when the style says justify */
    int align_override;    /* -1: from the style, else a style_align */
    const char *prefix;    /* text placed before the inlines (footnote numbers), may be NULL */
    double size_scale;     /* 0 or 1: as styled; else multiplies the font size (pull quotes) */
    bool italic;           /* force italic */
    uint32_t link_color;   /* colour of link text; STYLE_NO_COLOR keeps the text colour */
    const style_text *code_style; /* family/size for inline code, may be NULL */
    bool verbatim;         /* code as written (text_para_verbatim sets it) */
    bool quiet_broken;     /* no warning for a word broken between characters (the caller says it once) */
} text_opts;

/* Lays out the inline children of `block` (a heading, paragraph, cell, attribution…).
 * Hyphenates when st->hyphenate and the context has patterns, keeping at most two
 * hyphenated line ends in a row. NULL after an error (a width too narrow for a
 * character) reported at the block's position. */
text_para *text_para_inlines(text_ctx *tc, const model_node *block, const style_text *st, const text_opts *o,
                             diag *d);
/* Sets a code block as written: newlines break lines, tabs go to tab stops
 * (st->tab_size), no hyphens, no justification; a line too long for the width wraps
 * at a character, under a hanging indent with a drawn continuation mark. Warns at
 * the block for characters no font has. NULL after an error, as text_para_inlines. */
text_para *text_para_verbatim(text_ctx *tc, const model_node *block, const char *utf8, const style_text *st,
                              const text_opts *o, diag *d);
/* Lays out a plain UTF-8 string (furniture, TOC entries, list labels, captions). */
text_para *text_para_plain(text_ctx *tc, const char *utf8, const style_text *st, const text_opts *o);
void text_para_free(text_para *p);

/* The widest unbreakable run and the unwrapped width of a block's inlines (table columns). */
void text_measure_inlines(text_ctx *tc, const model_node *block, const style_text *st, const text_opts *o,
                          double *min_width, double *max_width);


/* Draws line i with its baseline at (x + line x, baseline); uses the current source colour
 * where the text has no colour attribute. */
void text_draw_line(cairo_t *cr, const text_para *p, int i, double x, double baseline);
/* The same, calling fn before (after == false) and after each drawn run of glyphs with
 * the bytes [start, end) it shows. Runs are cut at every span's edges, so a tag opened
 * before a run and closed after it wraps exactly the glyphs of a link or note marker. */
typedef void (*text_segment_fn)(void *ud, cairo_t *cr, int start, int end, bool after);
void text_draw_line_hooked(cairo_t *cr, const text_para *p, int i, double x, double baseline, text_segment_fn fn,
                           void *ud);

/* The horizontal extents of bytes [start,end) within line i, relative to the layout's left:
 * fills up to max pairs (x0, x1) and returns how many. */
int text_line_ranges(const text_para *p, int i, int start, int end, double *xs, int max);

/* librsvg sets SVG text with Pango's default font map: point fontconfig's current
 * configuration at the book's fonts first (text_svg_fonts), and drop that map when
 * done (text_svg_fonts_done) so it holds no fontconfig caches at exit. */
void text_svg_fonts(const model_book *book);
void text_svg_fonts_done(void);

/* Counts hyphenated line ends in a row that exceed two (0 when the rule holds). */
int text_hyphen_runs_over_two(const text_para *p);

#endif
