/* test_paginate: paginate_run on hand-made box lists, each line 10 pt high, with the
 * penalties layout gives (widows, orphans, a pull quote's), so every expected break can be
 * worked out by hand: a widow avoided by cost, a long quote split with two lines on each
 * side and no hole, a table row taller than a page split by its lines with the header repeated, a float
 * (a figure, a table) passed to the next page while the text flows on, the running
 * head marks, full pages stretched to the foot (to a baseline), a long note continued on the next page,
 * the note of a float's caption going with the float, balanced columns without a widow and a
 * heading never left with a single line under it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "print/paginate.h"

#define LINE 10.0

static layout_item *add(layout_list *l, double h, double sb) {
    layout_item *it = layout_push(l);
    it->kind = LAYOUT_LINE;
    it->height = h;
    it->space_before = sb;
    it->chapter = 0;
    return it;
}

/* A paragraph of n lines with the widow and orphan costs of 2-line rules; returns its first item. */
static int para(layout_list *l, int n, double sb) {
    int first = l->n;
    for (int i = 0; i < n; i++) {
        layout_item *it = add(l, LINE, i == 0 ? sb : 0);
        it->line = i;
        if (i < n - 1 && i < 1) it->penalty += LAYOUT_PENALTY_ORPHAN;
        if (i < n - 1 && i >= n - 2) it->penalty += LAYOUT_PENALTY_WIDOW;
    }
    return first;
}

static paginate_params params(double colh) {
    paginate_params p = {0};
    p.columns = 1;
    p.col_height = colh;
    p.placement = STYLE_PLACE_AUTO;
    p.stretch = 0;
    p.float_gap = 10;
    return p;
}

static int boxes_of_page(const paginate_result *r, int page) {
    return page < r->n_pages ? r->pages[page].n_boxes : -1;
}

/* 9 lines, then a paragraph of 4, on pages of 12 lines: filling the page leaves the 4th
 * line alone overleaf (a widow, 3000). Carrying two lines costs one empty line (~700). */
static void test_widow(void) {
    layout_list l = {0};
    para(&l, 9, 0);
    int b = para(&l, 4, 0);
    para(&l, 10, 0);
    paginate_params p = params(12 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 11);
    INT_EQ(r.item_page[b + 1], 0);
    INT_EQ(r.item_page[b + 2], 1);
    INT_EQ(r.item_page[b + 3], 1);
    /* the greedy fill, for contrast, would have put 12 lines on page 1 */
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* 5 lines of text, a pull quote of 30 lines, more text, on pages of 20 lines: the quote
 * splits (it cannot fit any page) and page 1 is full, with at least 2 quote lines each side. */
static void test_long_quote(void) {
    layout_list l = {0};
    para(&l, 5, 0);
    int q = l.n;
    for (int i = 0; i < 30; i++) {
        layout_item *it = add(&l, LINE, 0);
        it->bar = true;
        it->keep_with_next = i == 0 || i >= 28;
        it->penalty = i < 29 ? LAYOUT_PENALTY_QUOTE : 0;
        if (i == 29) it->keep_with_next = false;
    }
    para(&l, 10, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 20);
    INT_EQ(r.item_page[q], 0);
    INT_EQ(r.item_page[q + 14], 0);
    INT_EQ(r.item_page[q + 15], 1);
    int on_first = 0;
    for (int i = q; i < q + 30; i++) on_first += r.item_page[i] == 0;
    OK(on_first >= 2 && 30 - on_first >= 2, "%d quote lines before the break", on_first);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* 15 lines, a figure 80 pt high that no longer fits, 20 lines: the figure goes to the top
 * of page 2 while 5 more lines fill page 1; on page 2 it comes first (source order). */
static void test_float(void) {
    layout_list l = {0};
    para(&l, 15, 0);
    layout_item *fig = add(&l, 80, 10);
    fig->kind = LAYOUT_FIGURE;
    fig->float_len = 1;
    int f = l.n - 1;
    int after = para(&l, 20, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(r.item_page[f], 1);
    INT_EQ(boxes_of_page(&r, 0), 20);
    INT_EQ(r.item_page[after + 4], 0);
    INT_EQ(r.item_page[after + 5], 1);
    if (r.n_pages > 1 && r.pages[1].n_boxes > 1) {
        const paginate_box *b0 = &r.pages[1].boxes[0];
        INT_EQ(b0->item, f);
        OK(b0->floated && fabs(b0->y) < 0.01, "the figure at the top of page 2 (y %.1f)", b0->y);
        const paginate_box *b1 = &r.pages[1].boxes[1];
        OK(fabs(b1->y - 90) < 0.01, "text under the figure and its gap (y %.1f)", b1->y);
    }
    /* placement `here` keeps the old behaviour: the figure where it stands, on page 2 */
    p.placement = STYLE_PLACE_HERE;
    paginate_result_free(&r);
    paginate_run(&l, &p, &r);
    INT_EQ(r.item_page[f], 1);
    INT_EQ(boxes_of_page(&r, 0), 15);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* A table of `rows` rows of one cell, each LINE high, with a caption line above it; layout
 * makes it a float when it fits a column. Returns its first item (the caption). */
static int table(layout_list *l, int rows) {
    layout_table *t = xcalloc(1, sizeof *t);
    t->rows = rows, t->cols = 1, t->header_rows = 1;
    t->col_x = xcalloc(1, sizeof *t->col_x);
    t->col_w = xcalloc(1, sizeof *t->col_w);
    t->cells = xcalloc((size_t)rows, sizeof *t->cells);
    t->row_h = xcalloc((size_t)rows, sizeof *t->row_h);
    l->tables = xrealloc(l->tables, (size_t)(l->n_tables + 1) * sizeof *l->tables);
    l->tables[l->n_tables++] = t;
    int first = l->n;
    add(l, LINE, 10)->keep_with_next = true; /* the caption */
    for (int r = 0; r < rows; r++) {
        layout_item *it = add(l, LINE, r == 0 ? 4 : 0);
        it->kind = LAYOUT_ROW;
        it->table = t, it->row = r, it->header_row = r == 0;
        it->keep_with_next = r <= 1 || (r >= rows - 2 && r < rows - 1);
        it->penalty = LAYOUT_PENALTY_ROW;
    }
    l->items[first].float_len = l->n - first;
    return first;
}

/* 14 lines, a captioned table of 8 rows (94 pt with its caption) that the 6 lines left cannot
 * hold, 20 lines: the table goes whole to the top of page 2, caption first, while 6 more lines
 * fill page 1 (without the space the table left after it); the text goes on under it. With figures placed `top`, a table that fits where it
 * stands stays there (tables only float when they must). */
static void test_table_float(void) {
    layout_list l = {0};
    para(&l, 14, 0);
    int t = table(&l, 8);
    int after = para(&l, 20, 10); /* the table's space after, which goes with it */
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 20);
    if (r.n_pages > 0 && r.pages[0].n_boxes > 14)
        OK(r.pages[0].boxes[14].item == after && fabs(r.pages[0].boxes[14].y - 140) < 0.01,
           "the text after the table right under the text before it (y %.1f)", r.pages[0].boxes[14].y);
    INT_EQ(r.item_page[after + 5], 0);
    INT_EQ(r.item_page[after + 6], 1);
    for (int k = t; k < t + 9; k++) INT_EQ(r.item_page[k], 1);
    if (r.n_pages > 1 && r.pages[1].n_boxes > 10) {
        const paginate_box *b = r.pages[1].boxes;
        INT_EQ(b[0].item, t);
        OK(b[0].floated && fabs(b[0].y) < 0.01, "the caption at the top of page 2 (y %.1f)", b[0].y);
        OK(b[1].item == t + 1 && fabs(b[1].y - 14) < 0.01, "the header row under it (y %.1f)", b[1].y);
        OK(b[8].item == t + 8 && fabs(b[8].y - 84) < 0.01, "the last row at 84 (y %.1f)", b[8].y);
        OK(b[9].item == after + 6 && fabs(b[9].y - 104) < 0.01, "the text under the table (y %.1f)", b[9].y);
    }
    paginate_result_free(&r);
    layout_list_free(&l);

    layout_list m = {0};
    para(&m, 4, 0);
    t = table(&m, 8);
    para(&m, 20, 0);
    p.placement = STYLE_PLACE_TOP;
    paginate_run(&m, &p, &r);
    OK(r.n_pages >= 1 && r.pages[0].n_boxes > 5 && r.pages[0].boxes[4].item == t && !r.pages[0].boxes[4].floated &&
           fabs(r.pages[0].boxes[4].y - 50) < 0.01,
       "the table where it stands, after 4 lines");
    paginate_result_free(&r);
    layout_list_free(&m);
}

/* 5 lines, then a table: a header row and one body row of 30 lines, cut (as layout cuts a row
 * taller than a column) into one box per line, kept 2 together at each end, on pages of 20
 * lines: the row splits, page 1 full, at least 2 of its lines on each side, and page 2 starts
 * with the header repeated above the rest of the row. */
static void test_tall_row(void) {
    layout_list l = {0};
    para(&l, 5, 0);
    layout_table *t = xcalloc(1, sizeof *t);
    t->rows = 2, t->cols = 1, t->header_rows = 1;
    t->col_x = xcalloc(1, sizeof *t->col_x);
    t->col_w = xcalloc(1, sizeof *t->col_w);
    t->cells = xcalloc(2, sizeof *t->cells);
    t->row_h = xcalloc(2, sizeof *t->row_h);
    l.tables = xcalloc(1, sizeof *l.tables);
    l.tables[l.n_tables++] = t;
    int head = l.n;
    layout_item *h = add(&l, LINE, 0);
    h->kind = LAYOUT_ROW, h->table = t, h->header_row = true, h->keep_with_next = true;
    for (int k = 0; k < 30; k++) {
        layout_item *it = add(&l, LINE, 0);
        it->kind = LAYOUT_ROW, it->table = t, it->row = 1;
        it->row_line = k, it->row_lines = 1, it->table_at = k + 1;
        it->keep_with_next = k == 0 || k == 28;
        it->penalty = k < 29 ? LAYOUT_PENALTY_QUOTE : 0;
    }
    para(&l, 10, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 20);
    int on_first = 0;
    for (int i = head + 1; i <= head + 30; i++) on_first += r.item_page[i] == 0;
    OK(on_first >= 2 && 30 - on_first >= 2, "%d of the row's 30 lines on page 1", on_first);
    if (r.n_pages > 1 && r.pages[1].n_boxes > 1) {
        const paginate_box *b = r.pages[1].boxes;
        OK(b[0].item == head && b[0].repeated && fabs(b[0].y) < 0.01, "page 2 opens with the header repeated");
        OK(b[1].item == head + 1 + on_first && fabs(b[1].y - LINE) < 0.01, "then the row's next line (item %d, y %.1f)",
           b[1].item, b[1].y);
    }
    paginate_result_free(&r);
    layout_list_free(&l);
}

static void heading(layout_list *l, int level, const char *text) {
    layout_item *it = add(l, 2 * LINE, 0);
    it->heading_level = level;
    it->heading_text = text;
    it->keep_with_next = true;
}

/* Page 1 opens with h1 A; page 2 has A in effect at its top and B opening half-way (the
 * mark is B); page 3 has B in effect; its h2 "b.1" is the section mark there and after. */
static void test_marks(void) {
    layout_list l = {0};
    heading(&l, 1, "A");
    int a = 0;
    para(&l, 18, 0);
    para(&l, 10, 0);
    heading(&l, 1, "B");
    int b = l.n - 1;
    para(&l, 8, 0);
    para(&l, 10, 0);
    heading(&l, 2, "b.1");
    int b1 = l.n - 1;
    para(&l, 12, 0);
    para(&l, 20, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    OK(r.n_pages >= 4, "%d pages", r.n_pages);
    if (r.n_pages < 4) return;
    INT_EQ(r.item_page[b], 1);
    INT_EQ(r.item_page[b1], 2);
    INT_EQ(r.pages[0].mark[0], a);
    OK(r.pages[0].opens_chapter, "page 1 opens a chapter");
    INT_EQ(r.pages[1].mark[0], b);
    OK(!r.pages[1].opens_chapter, "B opens mid-page 2, not at its top");
    INT_EQ(r.pages[2].mark[0], b);
    INT_EQ(r.pages[2].mark[1], b1);
    INT_EQ(r.pages[1].mark[1], b);   /* the h1 is the section mark until an h2 */
    INT_EQ(r.pages[3].mark[0], b);
    INT_EQ(r.pages[3].mark[1], b1);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* Paragraphs of 3 lines 4 pt apart on pages of 195 pt: five fit (166 pt), a sixth does not
 * and cannot split (widow and orphan). The 29 pt left are spread over the four gaps, so
 * the page ends at its foot; the book's last page is not stretched. */
static void test_stretch(void) {
    layout_list l = {0};
    for (int k = 0; k < 8; k++) para(&l, 3, k ? 4 : 0);
    paginate_params p = params(195);
    p.stretch = 10;
    paginate_result r;
    paginate_run(&l, &p, &r);
    OK(r.n_pages == 2, "%d pages", r.n_pages);
    if (r.n_pages == 2) {
        const paginate_page *pg = &r.pages[0];
        INT_EQ(pg->n_boxes, 15);
        const paginate_box *last = &pg->boxes[pg->n_boxes - 1];
        OK(fabs(last->y + LINE - 195) < 0.01, "page 1 ends at %.2f, not 195", last->y + LINE);
        const paginate_page *p2 = &r.pages[1];
        const paginate_box *l2 = &p2->boxes[p2->n_boxes - 1];
        OK(fabs(l2->y + LINE - (9 * LINE + 2 * 4)) < 0.01, "the last page keeps its spacing: %.2f", l2->y + LINE);
    }
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* A paragraph of n lines, each NOTE_LINE high, as a footnote's text (layout gives it real lines). */
#define NOTE_LINE 8.0
static int note(layout_list *l, int lines) {
    l->notes = xrealloc(l->notes, (size_t)(l->n_notes + 1) * sizeof *l->notes);
    layout_note *n = &l->notes[l->n_notes++];
    memset(n, 0, sizeof *n);
    text_para *p = layout_keep_para(l, xcalloc(1, sizeof *p));
    p->n_lines = lines;
    p->leading = NOTE_LINE;
    n->paras = xcalloc(1, sizeof *n->paras);
    n->paras[n->n_paras++] = p;
    n->n_lines = lines;
    n->number = l->n_notes;
    n->height = lines * NOTE_LINE;
    return l->n_notes - 1;
}

/* Makes line item `it` cite note number `number`. */
static void cite(layout_list *l, layout_item *it, int number) {
    text_para *p = layout_keep_para(l, xcalloc(1, sizeof *p));
    p->text = xstrdup("x");
    p->len = 1;
    p->n_lines = 1;
    p->lines = xcalloc(1, sizeof *p->lines);
    p->lines[0] = (text_line){.start = 0, .length = 1};
    p->spans = xcalloc(1, sizeof *p->spans);
    p->spans[0] = (text_span){.kind = TEXT_SPAN_NOTE, .start = 0, .end = 1, .note = number};
    p->n_spans = 1;
    it->para = p;
    it->line = 0;
}

/* The height the notes of page pg take at its foot. */
static double notes_at(const layout_list *l, const paginate_result *r, int pg) {
    return pg < r->n_pages ? paginate_notes_height(l, &r->pages[pg], 0) : -1;
}

/* 10 lines, the 10th citing a note of 30 lines (240 pt), then 30 lines, on pages of 20 text
 * lines (200 pt): the note cannot fit under its line, so it starts there and goes on at the
 * foot of page 2, with at least 2 of its lines on each page and none lost or shown twice. */
static void test_note_continues(void) {
    layout_list l = {0};
    l.note_sep = 10;
    l.note_gap = 0;
    int n = note(&l, 30);
    para(&l, 9, 0);
    int c = l.n;
    cite(&l, add(&l, LINE, 0), 1);
    para(&l, 30, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    OK(r.n_pages >= 2, "%d pages", r.n_pages);
    if (r.n_pages < 2) return;
    INT_EQ(r.item_page[c], 0);
    INT_EQ(r.pages[0].n_notes, 1);
    INT_EQ(r.pages[1].n_notes, 1);
    if (r.pages[0].n_notes == 1 && r.pages[1].n_notes == 1) {
        const paginate_note *a = &r.pages[0].notes[0], *b = &r.pages[1].notes[0];
        INT_EQ(a->note, n);
        INT_EQ(b->note, n);
        INT_EQ(a->from, 0);
        OK(a->to >= 2 && a->to <= 28, "page 1 shows lines 0-%d", a->to);
        INT_EQ(b->from, a->to);
        INT_EQ(b->to, 30);
    }
    for (int pg = 0; pg < 2; pg++) {
        const paginate_page *page = &r.pages[pg];
        double bottom = 0;
        for (int k = 0; k < page->n_boxes; k++)
            if (page->boxes[k].y + l.items[page->boxes[k].item].height > bottom) bottom = page->boxes[k].y + l.items[page->boxes[k].item].height;
        OK(bottom + notes_at(&l, &r, pg) <= 20 * LINE + 0.01, "page %d: text to %.1f and notes of %.1f", pg + 1,
           bottom, notes_at(&l, &r, pg));
    }
    /* page 1 is full: the citing line, 9 before it and text after it above the note's start */
    OK(notes_at(&l, &r, 0) + r.pages[0].n_boxes * LINE > 20 * LINE - LINE, "page 1 left %.1f pt empty",
       20 * LINE - notes_at(&l, &r, 0) - r.pages[0].n_boxes * LINE);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* The caption of a figure that floats to page 2 cites a note: the note goes with it to page 2. */
static void test_float_note(void) {
    layout_list l = {0};
    l.note_sep = 10;
    l.note_gap = 0;
    note(&l, 2);
    para(&l, 15, 0);
    layout_item *fig = add(&l, 60, 10);
    fig->kind = LAYOUT_FIGURE;
    fig->float_len = 2;
    int f = l.n - 1;
    cite(&l, add(&l, LINE, 4), 1);
    para(&l, 20, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(r.item_page[f], 1);
    INT_EQ(r.item_page[f + 1], 1);
    OK(r.n_pages >= 2, "%d pages", r.n_pages);
    if (r.n_pages >= 2) {
        INT_EQ(r.pages[0].n_notes, 0);
        INT_EQ(r.pages[1].n_notes, 1);
        if (r.pages[1].n_notes == 1) INT_EQ(r.pages[1].notes[0].to, 2);
    }
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* Three paragraphs of 3 lines with no space between them on pages of 100 pt; a fourth cannot
 * split (widow and orphan). The lines have their baseline 7 pt down (a depth of 3, the body's);
 * the page's last line is smaller (8 pt, baseline at 6, depth 2). The page is stretched until
 * that last baseline stands where a body line's would, 3 pt above the foot: 100 - 88 - 1 = 11 pt,
 * 5.5 between each two paragraphs (at most a third of `stretch` each), none inside them. */
static void test_baseline(void) {
    layout_list l = {0};
    l.foot_depth = 3;
    for (int k = 0; k < 4; k++) {
        int f = para(&l, 3, 0);
        for (int i = f; i < f + 3; i++) l.items[i].baseline = 7;
    }
    l.items[8].height = 8, l.items[8].baseline = 6;
    paginate_params p = params(100);
    p.stretch = 18;
    paginate_result r;
    paginate_run(&l, &p, &r);
    OK(r.n_pages == 2, "%d pages", r.n_pages);
    if (r.n_pages == 2 && r.pages[0].n_boxes == 9) {
        const paginate_box *b = r.pages[0].boxes;
        OK(fabs(b[1].y - 10) < 0.01, "line 2 of paragraph 1 at %.2f, not 10", b[1].y);
        OK(fabs(b[3].y - 35.5) < 0.01, "paragraph 2 at %.2f, not 35.5", b[3].y);
        OK(fabs(b[6].y - 71) < 0.01, "paragraph 3 at %.2f, not 71", b[6].y);
        OK(fabs(b[8].y + 6 - 97) < 0.01, "the last baseline at %.2f, not 97", b[8].y + 6);
    } else {
        OK(false, "page 1 has %d boxes, not 9", r.n_pages ? r.pages[0].n_boxes : -1);
    }
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* A paragraph of 16 lines, a heading 2 lines high kept with the first two lines of a
 * paragraph of 3, on pages of 20 lines: page 1 full ends with that paragraph's second line,
 * leaving its last alone overleaf (a widow, 6000); ending page 1 before the heading leaves it
 * a fifth empty (4000, and 1500 for falling short of the foot). A widow costs more. */
static void test_widow_before_heading(void) {
    layout_list l = {0};
    para(&l, 16, 0);
    int h = l.n;
    heading(&l, 2, "H");
    int b = para(&l, 3, 0);
    l.items[b].keep_with_next = true; /* a heading's first line: no break after it */
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 16);
    INT_EQ(r.item_page[h], 1);
    INT_EQ(r.item_page[b + 2], 1);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* A paragraph of 17 lines, a heading 2 lines high, a one-line paragraph (a list item's
 * whole text), then a paragraph of 6, on pages of 20 lines: page 1 full would end with the
 * heading and only that one line under it. The heading goes overleaf with both. */
static void test_heading_two_lines(void) {
    static model_node hnode = {.type = MODEL_HEADING};
    layout_list l = {0};
    para(&l, 17, 0);
    int h = l.n;
    heading(&l, 2, "H");
    l.items[h].node = &hnode;
    int one = para(&l, 1, 0);
    text_para *tp = layout_keep_para(&l, xcalloc(1, sizeof *tp));
    tp->n_lines = 1;
    l.items[one].para = tp;
    int b = para(&l, 6, 0);
    paginate_params p = params(20 * LINE);
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(boxes_of_page(&r, 0), 17);
    INT_EQ(r.item_page[h], 1);
    INT_EQ(r.item_page[one], 1);
    INT_EQ(r.item_page[b], 1);
    paginate_result_free(&r);
    layout_list_free(&l);
}

/* The column item k is set in on page 0 (-1: not there). */
static int col_on_first_page(const paginate_result *r, int k) {
    for (int b = 0; r->n_pages > 0 && b < r->pages[0].n_boxes; b++)
        if (r->pages[0].boxes[b].item == k) return r->pages[0].boxes[b].col;
    return -1;
}

/* Paragraphs of 2, 3 and 2 lines on a last page of two columns 12 lines high: balanced as
 * short as they go (4 lines), the first column would end with the 3-line paragraph's first
 * line (an orphan) or its first two (a widow). Balanced a line taller instead, the first
 * column holds the first two paragraphs whole and the second column the third. */
static void test_balance_no_widow(void) {
    layout_list l = {0};
    para(&l, 2, 0);
    int b = para(&l, 3, 0);
    int c = para(&l, 2, 0);
    paginate_params p = params(12 * LINE);
    p.columns = 2;
    paginate_result r;
    paginate_run(&l, &p, &r);
    INT_EQ(r.n_pages, 1);
    for (int k = 0; k < c; k++) OK(col_on_first_page(&r, k) == 0, "line %d in column %d, not 0", k, col_on_first_page(&r, k));
    for (int k = c; k < l.n; k++) OK(col_on_first_page(&r, k) == 1, "line %d in column %d, not 1", k, col_on_first_page(&r, k));
    INT_EQ(col_on_first_page(&r, b + 2), 0);
    paginate_result_free(&r);
    layout_list_free(&l);
}

int main(void) {
    test_widow();
    test_long_quote();
    test_float();
    test_table_float();
    test_tall_row();
    test_marks();
    test_stretch();
    test_note_continues();
    test_float_note();
    test_baseline();
    test_balance_no_widow();
    test_widow_before_heading();
    test_heading_two_lines();
    return CHECK_DONE();
}
