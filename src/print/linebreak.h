/* linebreak: Knuth–Plass total-fit line breaking over boxes, glue and penalties
 * (Knuth & Plass, "Breaking Paragraphs into Lines", 1981; TeX's \linepenalty,
 * \adjdemerits, \doublehyphendemerits, \finalhyphendemerits). Pure: no fonts, no
 * text; widths in points. */
#ifndef QUIRE_LINEBREAK_H
#define QUIRE_LINEBREAK_H

#include <stdbool.h>

#define LB_INF 10000 /* a penalty >= this forbids a break, <= -LB_INF forces one */

typedef enum lb_kind { LB_BOX, LB_GLUE, LB_PENALTY } lb_kind;

typedef struct lb_item {
    lb_kind kind;
    double width;    /* a penalty's width counts only when the line breaks there (a hyphen) */
    double stretch;  /* glue */
    double shrink;   /* glue */
    int penalty;     /* penalty */
    bool flagged;    /* penalty: a hyphen (for the consecutive-hyphen rules) */
} lb_item;

typedef struct lb_params {
    double first_width;      /* the first line's measure */
    double width;            /* every other line's */
    double tolerance;        /* largest badness accepted (TeX: 200) */
    double line_penalty;     /* added to every line's badness (TeX: 10) */
    double adj_demerits;     /* fitness classes of neighbouring lines more than one apart (TeX: 10000) */
    double double_hyphen_demerits; /* two hyphenated lines in a row (TeX: 10000) */
    double final_hyphen_demerits;  /* the last full line hyphenated (TeX: 5000) */
    int max_hyphen_run;      /* > 0: never more hyphenated lines in a row than this */
    double short_last;       /* > 0: a last line with less content than this... */
    double short_last_demerits; /* ...costs this much more (a short orphan word) */
    double emergency_stretch;   /* extra stretch per line (TeX's \emergencystretch) */
    bool allow_overfull;     /* when nothing fits: lines may run past the measure (last resort) */
    bool true_badness;       /* demerits weigh a loose line's badness as 100 r^3 even past 10000
                                (feasibility still caps it), so where no line fits well the least
                                loose set wins, not the first of many equally "infinite" ones */
} lb_params;

/* TeX's defaults for everything but the widths. */
lb_params lb_defaults(double width);

/* One chosen line: items [start, end) where `end` is the break item (a glue or
 * penalty, or n). `ratio` is the glue set: > 0 stretches, < 0 shrinks (-1 at most,
 * unless the line is overfull). */
typedef struct lb_line {
    int start, end;
    double ratio;
    double natural;   /* width of the line's content at ratio 0, the break penalty's width included */
    bool hyphenated;  /* ends at a flagged penalty */
    bool overfull;    /* wider than the measure even fully shrunk */
} lb_line;

/* Breaks items[0..n) (which should end with a forced break) into lines. Returns the
 * number of lines written to *out (malloc'd, the caller frees) or 0 when no set of
 * lines fits the tolerance (and allow_overfull is off). *demerits, when not NULL,
 * gets the total of the chosen set. */
int lb_break(const lb_item *items, int n, const lb_params *p, lb_line **out, double *demerits);

/* The lines of an unwrapped paragraph: a break at each forced break and nowhere else (what
 * lb_break gives for a measure no line reaches, in linear time: there every break stays
 * active, and a table cell of 100,000 words took minutes to measure). Returns the
 * number of lines (0 when there is no forced break); ratios are 0. */
int lb_forced(const lb_item *items, int n, lb_line **out);

/* Badness of a line of natural width w, stretch y and shrink z set to `width`
 * (TeX's formula, 100 r^3, > 10000 for an overfull line). */
double lb_badness(double w, double y, double z, double width);

#endif
