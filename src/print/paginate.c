/* paginate: layout boxes → pages (columns, keeps, footnotes, repeated table headers). */
#include "print/paginate.h"

#include <stdlib.h>
#include <string.h>

#define EPS 0.01

static paginate_page *new_page(paginate_result *r) {
    r->pages = xrealloc(r->pages, (size_t)(r->n_pages + 1) * sizeof *r->pages);
    paginate_page *pg = &r->pages[r->n_pages++];
    memset(pg, 0, sizeof *pg);
    pg->chapter = -1;
    pg->mark[0] = pg->mark[1] = -1;
    return pg;
}

static void add_box(paginate_page *pg, int item, int col, double y, bool repeated) {
    if (pg->n_boxes == pg->cap_boxes) {
        pg->cap_boxes = pg->cap_boxes ? pg->cap_boxes * 2 : 64;
        pg->boxes = xrealloc(pg->boxes, (size_t)pg->cap_boxes * sizeof *pg->boxes);
    }
    pg->boxes[pg->n_boxes++] = (paginate_box){item, col, y, repeated};
}

static void add_note(paginate_page *pg, int note, int col, int item) {
    if (pg->n_notes == pg->cap_notes) {
        pg->cap_notes = pg->cap_notes ? pg->cap_notes * 2 : 8;
        pg->notes = xrealloc(pg->notes, (size_t)pg->cap_notes * sizeof *pg->notes);
    }
    pg->notes[pg->n_notes++] = (paginate_note){note, col, item};
}

/* Footnotes first cited by a line: indices into l->notes, not yet placed. */
static int cited_notes(const layout_list *l, const layout_item *it, const bool *placed, int *out, int max) {
    if (it->kind != LAYOUT_LINE || !it->para || !l->n_notes) return 0;
    const text_para *p = it->para;
    const text_line *ln = &p->lines[it->line];
    int k = 0;
    for (int s = 0; s < p->n_spans && k < max; s++) {
        const text_span *sp = &p->spans[s];
        if (sp->kind != TEXT_SPAN_NOTE || sp->start < ln->start || sp->start >= ln->start + ln->length) continue;
        int idx = sp->note - 1;
        if (idx < 0 || idx >= l->n_notes || placed[idx]) continue;
        bool dup = false;
        for (int j = 0; j < k; j++) dup |= out[j] == idx;
        if (!dup) out[k++] = idx;
    }
    return k;
}

double paginate_notes_height(const layout_list *l, const paginate_page *pg, int col) {
    double h = 0;
    int n = 0;
    for (int i = 0; i < pg->n_notes; i++) {
        if (pg->notes[i].col != col) continue;
        h += l->notes[pg->notes[i].note].height + (n ? l->note_gap : 0);
        n++;
    }
    return n ? h + l->note_sep : 0;
}

/* Fills page `pg` (the last of r) from item i with `columns` columns of height colh.
 * Stops at an item that starts a page by rule, when the columns are full or at the end.
 * Returns the first item not placed. */
static int fill_page(const layout_list *l, int i, int columns, double colh, bool *placed, paginate_result *r,
                     paginate_page *pg) {
    int col = 0;
    double y = 0, notes_h = 0;
    int col_start = i;          /* first item placed in this column */
    int col_first_box = 0;      /* index of the column's first box on the page */
    int cites[16];
    while (i < l->n) {
        const layout_item *it = &l->items[i];
        if (it->break_before && pg->n_boxes > 0) break;
        bool fresh = pg->n_boxes == col_first_box;
        /* A table continued in a new column shows its header rows again. */
        if (fresh && it->kind == LAYOUT_ROW && !it->header_row && it->table->header_rows > 0 && it->row > it->table->header_rows &&
            i - it->row >= 0) {
            for (int h = 0; h < it->table->header_rows; h++) {
                int hi = i - it->row + h;
                add_box(pg, hi, col, y, true);
                y += l->items[hi].height;
            }
        }
        double sb = (fresh && !it->break_before) || (fresh && it->kind == LAYOUT_ROW) ? 0 : it->space_before;
        int nc = cited_notes(l, it, placed, cites, 16);
        double nh = 0;
        for (int k = 0; k < nc; k++) nh += l->notes[cites[k]].height + ((notes_h > 0 || k) ? l->note_gap : 0);
        if (nc && notes_h == 0) nh += l->note_sep;
        bool fits = y + sb + it->height + notes_h + nh <= colh + EPS;
        if (fits || fresh) {
            add_box(pg, i, col, y + sb, false);
            y += sb + it->height;
            for (int k = 0; k < nc; k++) {
                add_note(pg, cites[k], col, i);
                placed[cites[k]] = true;
            }
            notes_h += nh;
            r->item_page[i] = r->n_pages - 1;
            if (pg->chapter < 0) pg->chapter = it->chapter;
            if (it->break_before) pg->opens_chapter = true;
            i++;
            continue;
        }
        /* Break before i; back up over a chain of boxes kept with their next. */
        int b = i;
        while (b > col_start && l->items[b - 1].keep_with_next) b--;
        if (b == col_start) b = i;
        while (pg->n_boxes > col_first_box && pg->boxes[pg->n_boxes - 1].item >= b) {
            r->item_page[pg->boxes[pg->n_boxes - 1].item] = -1;
            pg->n_boxes--;
        }
        while (pg->n_notes > 0 && pg->notes[pg->n_notes - 1].col == col && pg->notes[pg->n_notes - 1].item >= b) {
            placed[pg->notes[pg->n_notes - 1].note] = false;
            pg->n_notes--;
        }
        i = b;
        if (++col >= columns) break;
        y = 0, notes_h = 0;
        col_start = i;
        col_first_box = pg->n_boxes;
    }
    return i;
}

/* Takes everything off a page again. */
static void clear_page(paginate_page *pg, bool *placed, paginate_result *r) {
    for (int k = 0; k < pg->n_boxes; k++)
        if (!pg->boxes[k].repeated) r->item_page[pg->boxes[k].item] = -1;
    for (int k = 0; k < pg->n_notes; k++) placed[pg->notes[k].note] = false;
    pg->n_boxes = pg->n_notes = 0;
    pg->chapter = -1;
    pg->opens_chapter = false;
}

/* The lowest point any column of the page reaches, its footnotes included. */
static double page_bottom(const layout_list *l, const paginate_page *pg, int columns) {
    double bottom = 0;
    for (int c = 0; c < columns; c++) {
        double y = 0;
        for (int k = 0; k < pg->n_boxes; k++)
            if (pg->boxes[k].col == c && pg->boxes[k].y + l->items[pg->boxes[k].item].height > y)
                y = pg->boxes[k].y + l->items[pg->boxes[k].item].height;
        y += paginate_notes_height(l, pg, c);
        if (y > bottom) bottom = y;
    }
    return bottom;
}

void paginate_run(const layout_list *l, const paginate_params *pp, paginate_result *r) {
    memset(r, 0, sizeof *r);
    r->item_page = xmalloc((size_t)(l->n ? l->n : 1) * sizeof *r->item_page);
    for (int i = 0; i < l->n; i++) r->item_page[i] = -1;
    bool *placed = xcalloc((size_t)(l->n_notes ? l->n_notes : 1), sizeof *placed);
    int columns = pp->columns > 0 ? pp->columns : 1;
    double colh = pp->col_height;
    int i = 0;
    while (i < l->n) {
        /* A chapter opening by rule on a verso: that verso stays blank. */
        if (pp->recto_chapters && l->items[i].break_before && r->n_pages % 2 == 1) new_page(r)->blank = true;
        paginate_page *pg = new_page(r);
        int start = i;
        int next = fill_page(l, i, columns, colh, placed, r, pg);
        /* The last page of a chapter that ends before a page break, and of the book: its
         * columns are balanced, as short as they can be with everything on the page and the
         * keep rules kept, so they end at about the same height. */
        if (columns > 1 && next > start && (next >= l->n || l->items[next].break_before)) {
            double lo = 0, hi = colh;
            while (hi - lo > 0.25) {
                double mid = (lo + hi) / 2;
                clear_page(pg, placed, r);
                int got = fill_page(l, start, columns, mid, placed, r, pg);
                if (got == next && page_bottom(l, pg, columns) <= mid + EPS) hi = mid;
                else lo = mid;
            }
            clear_page(pg, placed, r);
            fill_page(l, start, columns, hi, placed, r, pg);
        }
        i = next;
    }
    free(placed);
    paginate_marks(l, r);
}

void paginate_marks(const layout_list *l, paginate_result *r) {
    int in_effect[2] = {-1, -1}; /* the last heading of each level before the page */
    for (int p = 0; p < r->n_pages; p++) {
        paginate_page *pg = &r->pages[p];
        pg->mark[0] = pg->mark[1] = -1;
        int last[2] = {in_effect[0], in_effect[1]};
        for (int b = 0; b < pg->n_boxes; b++) {
            if (pg->boxes[b].repeated) continue;
            int item = pg->boxes[b].item, lv = l->items[item].heading_level;
            if (lv < 1 || lv > 2) continue;
            if (b == 0 && lv == 1) pg->opens_chapter = true;
            /* An h1 is also the section mark until an h2 follows it. */
            for (int k = lv - 1; k < 2; k++) {
                if (pg->mark[k] < 0) pg->mark[k] = item;
                last[k] = item;
            }
        }
        for (int k = 0; k < 2; k++) {
            if (pg->mark[k] < 0) pg->mark[k] = in_effect[k];
            in_effect[k] = last[k];
        }
    }
}

void paginate_result_free(paginate_result *r) {
    for (int i = 0; i < r->n_pages; i++) {
        free(r->pages[i].boxes);
        free(r->pages[i].notes);
    }
    free(r->pages);
    free(r->item_page);
    memset(r, 0, sizeof *r);
}
