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
} paginate_box;

/* A footnote set at the foot of a column, in order. */
typedef struct paginate_note {
    int note;        /* index into layout_list.notes */
    int col;
    int item;        /* the line that cites it */
} paginate_note;

typedef struct paginate_page {
    paginate_box *boxes;
    int n_boxes, cap_boxes;
    paginate_note *notes;
    int n_notes, cap_notes;
    int chapter;         /* chapter of the first box (-1: none) */
    bool opens_chapter;  /* a box here starts a page by rule (a chapter title) */
} paginate_page;

typedef struct paginate_params {
    int columns;
    double col_height;
} paginate_params;

typedef struct paginate_result {
    paginate_page *pages;
    int n_pages;
    int *item_page;      /* per layout item: the page it landed on (-1: not placed) */
} paginate_result;

/* Distributes every item of `l`. Items taller than a column are placed alone (they
 * overflow rather than loop). */
void paginate_run(const layout_list *l, const paginate_params *pp, paginate_result *out);
void paginate_result_free(paginate_result *r);

/* Height of the footnote block of column `col` on a page (0 when none). */
double paginate_notes_height(const layout_list *l, const paginate_page *pg, int col);

#endif
