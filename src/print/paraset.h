/* paraset: the paragraph engine behind text.c. A paragraph's text and attributes are
 * itemized and shaped once (Pango, HarfBuzz); the glyph widths become boxes, glue
 * and penalties (libhyphen's points as discretionaries carrying the hyphen's own
 * width) that linebreak.c breaks by total fit; each line keeps the pieces of the
 * shaped runs it covers, justified by setting its glue, and is drawn glyph run by
 * glyph run so every glyph keeps its characters. */
#ifndef QUIRE_PARASET_H
#define QUIRE_PARASET_H

#include <stdbool.h>

#include <cairo.h>
#include <pango/pango.h>

typedef struct paraset paraset;

typedef enum paraset_align { PARASET_LEFT, PARASET_RIGHT, PARASET_CENTER, PARASET_JUSTIFY } paraset_align;

typedef struct paraset_opts {
    double width;            /* the measure; <= 0: one line per forced break, unwrapped */
    double first_indent;     /* > 0 indents the first line, < 0 hangs every other line */
    paraset_align align;
    bool verbatim;           /* code: '\n' breaks, a too-long line wraps at a character under `hang` */
    double hang;
    double size;             /* the paragraph's font size: em for the rag and the short-last-line rule */
    double word_stretch, word_shrink; /* of a space, times its width */
    int hyphen_penalty;
    int tolerance;
    bool protrusion;         /* a line-end hyphen or stop hangs into the margin */
    bool wide_sentence_space; /* TeX's \nonfrenchspacing: a space after a sentence is wider and stretches more */
    int letter_spacing;      /* Pango units, 0: none */
    /* Inline code, as pairs of bytes [start, end): its spaces keep their width (a
     * monospaced text's columns), and a line may break inside it at its punctuation. */
    const int *code_spans;
    int n_code_spans;
    /* A font for character c where the run's font `like` has none (a new reference),
     * or NULL; may be NULL itself. */
    PangoFont *(*fallback)(void *ud, gunichar c, PangoFont *like);
    void *fallback_ud;
} paraset_opts;

#define PARASET_MAX_CHARS 16

/* What setting the paragraph had to do that the writer should hear about. */
typedef struct paraset_report {
    bool emergency;          /* no set of lines within the tolerance: set looser */
    int overfull;            /* lines wider than the measure */
    int char_broken;         /* words wider than the measure, broken between characters */
    double widest_word;      /* the widest of those, points */
    /* Characters no bundled font has, each once (up to PARASET_MAX_CHARS): those set
     * in a fallback font, with its family, and those no font has (drawn as .notdef);
     * *_at: the byte of the text where each is first. */
    int n_fallback;
    gunichar fallback[PARASET_MAX_CHARS];
    int fallback_at[PARASET_MAX_CHARS];
    char fallback_family[PARASET_MAX_CHARS][64];
    int n_missing;
    gunichar missing[PARASET_MAX_CHARS];
    int missing_at[PARASET_MAX_CHARS];
} paraset_report;

/* One line as text.c publishes it. */
typedef struct paraset_line {
    int start, end;          /* bytes covered: lines partition the text */
    double x, width;         /* left of the ink box from the paragraph's left; its width */
    bool hyphenated;         /* a hyphen was added at its end */
    bool continued;          /* verbatim: goes on with the source line above */
    bool forced;             /* ends at a forced line break inside the paragraph */
} paraset_line;

/* Shapes and breaks `text` (kept borrowed: it must outlive the result). `points`
 * are byte offsets where a word may be hyphenated. `spans` (pairs of byte offsets)
 * split drawn segments so a tag or link can wrap exactly their glyphs. */
paraset *paraset_new(PangoContext *ctx, const char *text, int len, PangoAttrList *attrs, const int *points,
                     int n_points, const int *cuts, int n_cuts, const paraset_opts *o, paraset_report *rep);
void paraset_free(paraset *ps);

int paraset_line_count(const paraset *ps);
const paraset_line *paraset_get_line(const paraset *ps, int i);

/* The natural width of the widest forced-break-delimited line and the widest
 * unbreakable run (no hyphenation), for table columns; verbatim text: both are its
 * widest source line, unwrapped. */
void paraset_measure(const paraset *ps, double *min_width, double *max_width);

/* Verbatim text: the widest source line no wider than `limit`, unwrapped; 0 if none. */
double paraset_widest_within(const paraset *ps, double limit);

/* Draws line i with its left at x (the paragraph's left) and its baseline at y. */
typedef void (*paraset_segment_fn)(void *ud, cairo_t *cr, int start, int end, bool after);
void paraset_draw_line(const paraset *ps, cairo_t *cr, int i, double x, double y, paraset_segment_fn fn, void *ud);

/* x extents of the glyphs of bytes [start, end) on line i (from the paragraph's
 * left), merged into up to max ranges. */
int paraset_line_ranges(const paraset *ps, int i, int start, int end, double *xs, int max);

#endif
