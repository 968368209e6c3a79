/* paginate: a layout's boxes → pages and columns, honouring keep rules, page breaks,
 * footnotes at the foot of the column that cites them and repeated table headers. */
#ifndef QUIRE_PAGINATE_H
#define QUIRE_PAGINATE_H

#include <stdbool.h>

#include "print/layout.h"

/* One box on a page: `y` is its top within the column (0 = top of the text block). */
typedef struct paginate_box {
    int item;
    int col;
    double y;
    bool repeated;   /* a table header row repeated after a break */
    bool floated;    /* part of a float set away from the text around it (or a column of its own) */
    signed char glue; /* the space above it may stretch: 1 a gap (space before it), 2 a paragraph's start
                       * with none (a little); 0 neither */
} paginate_box;

/* A footnote, or the part of one that fits, set at the foot of a column, in order. */
typedef struct paginate_note {
    int note;        /* index into layout_list.notes */
    int col;
    int item;        /* the line that cites it */
    int from, to;    /* its lines shown here: [from, to) of layout_note.n_lines (from > 0: continued) */
} paginate_note;

typedef struct paginate_page {
    paginate_box *boxes;
    int n_boxes, cap_boxes;
    paginate_note *notes;
    int n_notes, cap_notes;
    int chapter;         /* chapter of the first box (-1: none) */
    bool opens_chapter;  /* a chapter opens here: the page starts by rule or with an h1 */
    bool blank;          /* left empty so that the next chapter opens on a recto */
    /* The running-head marks: the item of the heading shown for level 1 (the h1) and level 2
     * (the h2, or an h1 after it): the first one that opens on the page, else the one in
     * effect at its top. -1: none yet. */
    int mark[2];
} paginate_page;

typedef struct paginate_params {
    int columns;
    double col_height;
    bool recto_chapters;  /* a page that starts by rule is a recto (even index): blank versos */
    style_place placement; /* where figures (items with float_len) go */
    double stretch;       /* most space added to one gap of a full column */
    double float_gap;     /* between a float and the text (0: 12pt) */
} paginate_params;

typedef struct paginate_result {
    paginate_page *pages;
    int n_pages;
    int *item_page;      /* per layout item: the page it landed on (-1: not placed) */
} paginate_result;

/* Distributes every item of `l`, choosing the breaks of each run of pages between forced
 * page breaks by least total cost (penalties of the items broken after, empty space). Items
 * taller than a column are placed alone (they overflow rather than loop). */
void paginate_run(const layout_list *l, const paginate_params *pp, paginate_result *out);
void paginate_result_free(paginate_result *r);


/* Height of the footnote block of column `col` on a page (0 when none). */
double paginate_notes_height(const layout_list *l, const paginate_page *pg, int col);

#endif
