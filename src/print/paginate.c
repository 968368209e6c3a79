/* paginate: layout boxes → pages and columns.
 *
 * Breaks are chosen by cost, not greedily: between two forced page breaks (a segment) every
 * feasible column break is a node of a shortest-path search (optimal page breaking in the
 * manner of Plass's thesis). A column from break i to break j costs the penalty of breaking
 * after its last item (widow, orphan, a split quote, code block or table; kept headings and
 * figure captions cannot be parted at all) plus the space it leaves empty, squared; the last
 * column of a segment leaves what it leaves for free. Figures float: one that does not fit
 * where it stands goes to the top of the next column while the text flows on, and the queue
 * of floats waiting is carried along the best path to each break. Full columns are then
 * stretched (space above headings, figures, quotes, lists, up to `stretch` per gap) so facing
 * pages end on one baseline. */
#include "print/paginate.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 0.01
#define MAXQ 8               /* floats waiting at once; more are set where they stand */
#define COST_INF 1e30
#define KEEP_BROKEN 1e9      /* a keep broken because nothing else fits (a 300pt line after its heading) */
#define FILL_WEIGHT 100000.0 /* a column a quarter empty costs 6250, a tenth 1000, one line about 40 */
#define STRETCH_COST 100.0   /* a column stretched by its whole height (never that much) */
#define COLUMN_COST 5000.0   /* every column: spreading the text over more pages is no saving */
#define DEFER_COST 30.0      /* a float set away from its place in the text */
#define LEFT_OVER_COST 3000.0 /* a float still waiting when its segment ends */
#define SHORT_COST 1500.0    /* a full column that no stretch can take to the foot: facing pages differ */
#define NOTE_SPLIT_COST 300.0 /* a note continued in the next column */
#define NOTE_MIN_LINES 2     /* lines of a split note on each side */
/* A break this costly (an orphan's or a widow's, a keep broken) is not taken to balance columns. */
#define BAD_BREAK (LAYOUT_PENALTY_ORPHAN < LAYOUT_PENALTY_WIDOW ? LAYOUT_PENALTY_ORPHAN : LAYOUT_PENALTY_WIDOW)
#define BALANCE_RAISE 48.0   /* most a balanced column is made taller to avoid a widow or an orphan */
#define PARA_STRETCH (1.0 / 3) /* of `stretch`: most added between two paragraphs without space between them */

/* What waits at a break: floats, and the rest of a note split in the column before. */
typedef struct fqueue {
    int n;
    int f[MAXQ];             /* first items of waiting floats, in source order */
    int carry;               /* 1 + the item whose notes continue (0: none) */
    int carry_m, carry_line; /* from its note carry_m, line carry_line on */
} fqueue;

typedef struct dpnode {
    double cost;
    double bad;              /* penalties of bad breaks (widows, orphans, broken keeps) along the best path */
    int prev;                /* break the best column into this one starts at; -1: none */
    fqueue q;                /* floats waiting at this break, along the best path */
} dpnode;

typedef struct pctx {
    const layout_list *l;
    const paginate_params *pp;
    double colh;
    double *note_h;          /* per item: heights of the notes it cites first */
    int *note_n;             /* per item: how many */
    int *note_first;         /* per item: index into notes_of of its first note */
    int *notes_of;           /* the notes, item by item */
    int start, end;          /* the segment [start, end) */
    dpnode *nodes;           /* end - start + 1 of them, for breaks start..end */
} pctx;

/* One column being filled: from break `i` with the floats `in` waiting. */
typedef struct colscan {
    double top_h, bot_h;     /* floats at the top / bottom, with their gaps */
    double y;                /* text height so far */
    double notes_h;          /* the notes' own heights */
    int notes_n;
    int k;                   /* next item */
    int last_text;           /* last item set in the text, -1: none */
    bool started;            /* text or repeated headers placed */
    bool force;              /* set items even where they do not fit (a break the search could not avoid) */
    int gaps;                /* places that may stretch */
    int paras;               /* paragraphs starting in the column after its first box, with no space above */
    bool split;              /* a note split here: out.carry says where it goes on */
    int n_deferred;          /* floats this column passed on */
    int after_moved;         /* the item right after a float set away from the text (0: none) */
    int top[2 * MAXQ], n_top;
    int bot[MAXQ], n_bot;
    fqueue out;
    /* with a page: the text boxes, y relative to the text's top */
    paginate_page *pg;
    int col, first_box;
} colscan;

/*** boxes and notes on a page ***/

static paginate_page *new_page(paginate_result *r) {
    r->pages = xrealloc(r->pages, (size_t)(r->n_pages + 1) * sizeof *r->pages);
    paginate_page *pg = &r->pages[r->n_pages++];
    memset(pg, 0, sizeof *pg);
    pg->chapter = -1;
    pg->mark[0] = pg->mark[1] = -1;
    return pg;
}

static paginate_box *add_box(paginate_page *pg, int item, int col, double y, bool repeated) {
    if (pg->n_boxes == pg->cap_boxes) {
        pg->cap_boxes = pg->cap_boxes ? pg->cap_boxes * 2 : 64;
        pg->boxes = xrealloc(pg->boxes, (size_t)pg->cap_boxes * sizeof *pg->boxes);
    }
    paginate_box *b = &pg->boxes[pg->n_boxes++];
    *b = (paginate_box){item, col, y, repeated, false, 0};
    return b;
}

static void add_note(paginate_page *pg, int note, int col, int item, int from, int to) {
    if (pg->n_notes == pg->cap_notes) {
        pg->cap_notes = pg->cap_notes ? pg->cap_notes * 2 : 8;
        pg->notes = xrealloc(pg->notes, (size_t)pg->cap_notes * sizeof *pg->notes);
    }
    pg->notes[pg->n_notes++] = (paginate_note){note, col, item, from, to};
}

/* Places for item i the notes cited on lines [from, to) of p that are not yet placed. */
static void cite_lines(pctx *c, int i, const text_para *p, int from, int to, bool *placed, int *total) {
    const layout_list *l = c->l;
    if (!p || !p->n_spans || from >= p->n_lines) return;
    if (to > p->n_lines) to = p->n_lines;
    int ls = p->lines[from].start, le = p->lines[to - 1].start + p->lines[to - 1].length;
    for (int s = 0; s < p->n_spans; s++) {
        const text_span *sp = &p->spans[s];
        if (sp->kind != TEXT_SPAN_NOTE || sp->start < ls || sp->start >= le) continue;
        int idx = sp->note - 1;
        if (idx < 0 || idx >= l->n_notes || placed[idx]) continue;
        placed[idx] = true;
        c->notes_of[(*total)++] = idx;
        c->note_h[i] += l->notes[idx].height;
        c->note_n[i]++;
    }
}

/* Places for item i the notes its line, or the cells of its row (or of its piece), cite first. */
static void cite_item(pctx *c, int i, bool *placed, int *total) {
    const layout_item *it = &c->l->items[i];
    if (it->kind == LAYOUT_LINE) cite_lines(c, i, it->para, it->line, it->line + 1, placed, total);
    if (it->kind != LAYOUT_ROW || !it->table) return;
    const layout_table *t = it->table;
    int from = it->row_lines ? it->row_line : 0, to = it->row_lines ? it->row_line + it->row_lines : INT_MAX;
    for (int col = 0; col < t->cols; col++) cite_lines(c, i, t->cells[it->row * t->cols + col], from, to, placed, total);
}

/* Which notes each item cites first, in reading order, each followed by the notes it cites
 * in turn (a note cited only inside another note is set after it). Every note is placed once,
 * however many one line cites. */
static void find_notes(pctx *c) {
    const layout_list *l = c->l;
    int n = l->n ? l->n : 1;
    c->note_h = xcalloc((size_t)n, sizeof *c->note_h);
    c->note_n = xcalloc((size_t)n, sizeof *c->note_n);
    c->note_first = xcalloc((size_t)n, sizeof *c->note_first);
    c->notes_of = xcalloc((size_t)(l->n_notes ? l->n_notes : 1), sizeof *c->notes_of);
    bool *placed = xcalloc((size_t)(l->n_notes ? l->n_notes : 1), sizeof *placed);
    int total = 0;
    for (int i = 0; i < l->n; i++) {
        c->note_first[i] = total;
        if (!l->n_notes) continue;
        cite_item(c, i, placed, &total);
        for (int q = c->note_first[i]; q < total; q++) {
            const layout_note *nt = &l->notes[c->notes_of[q]];
            for (int k = 0; k < nt->n_paras; k++) cite_lines(c, i, nt->paras[k], 0, INT_MAX, placed, &total);
        }
    }
    free(placed);
}

static double notes_block(const layout_list *l, int n, double h) {
    return n ? h + (n - 1) * l->note_gap + l->note_sep + l->note_lift : 0;
}

double paginate_notes_height(const layout_list *l, const paginate_page *pg, int col) {
    double h = 0;
    int n = 0;
    for (int i = 0; i < pg->n_notes; i++) {
        if (pg->notes[i].col != col) continue;
        h += layout_note_lines_h(&l->notes[pg->notes[i].note], pg->notes[i].from, pg->notes[i].to);
        n++;
    }
    return notes_block(l, n, h);
}

/* The m-th note item k cites first (an index into l->notes). */
static int note_of(const pctx *c, int k, int m) {
    return c->notes_of[c->note_first[k] + m];
}

static void put_note(const pctx *c, colscan *s, int k, int m, int from, int to);

/* Lines of note (k, m) from line `from` that fit when the notes may take `room` in all:
 * all of them, or a piece of at least NOTE_MIN_LINES (in at most half the column) leaving
 * as many for later; -1: none. */
static int note_lines_fit(const pctx *c, const colscan *s, int k, int m, int from, double room) {
    const layout_note *ln = &c->l->notes[note_of(c, k, m)];
    double rest = layout_note_lines_h(ln, from, ln->n_lines);
    if (notes_block(c->l, s->notes_n + 1, s->notes_h + rest) <= room + EPS) return ln->n_lines;
    /* A piece leaves the text at least half the column, so the text goes on beside a note of pages. */
    if (room > c->colh / 2) room = c->colh / 2;
    int to = from;
    while (to < ln->n_lines &&
           notes_block(c->l, s->notes_n + 1, s->notes_h + layout_note_lines_h(ln, from, to + 1)) <= room + EPS)
        to++;
    if (to - from < NOTE_MIN_LINES && from == 0) return -1;
    if (to - from < 1 || ln->n_lines - to < NOTE_MIN_LINES) return -1;
    return to;
}

/* Sets item k's notes from its note m, line `from`, into `room`: whole while they fit, then
 * one split with the rest carried to the next column. False when not even a piece fits. */
static bool place_notes(const pctx *c, colscan *s, int k, int m, int from, double room) {
    for (; m < c->note_n[k]; m++, from = 0) {
        int to = note_lines_fit(c, s, k, m, from, room);
        if (to < 0) return false;
        put_note(c, s, k, m, from, to);
        if (to < c->l->notes[note_of(c, k, m)].n_lines) {
            s->split = true;
            s->out.carry = k + 1, s->out.carry_m = m, s->out.carry_line = to;
            return true;
        }
    }
    return true;
}

/* All of item k's notes, whole, however much room is left (a float's, or where nothing else fits). */
static void place_notes_whole(const pctx *c, colscan *s, int k) {
    for (int m = 0; m < c->note_n[k]; m++) put_note(c, s, k, m, 0, c->l->notes[note_of(c, k, m)].n_lines);
}

/*** floats ***/

static bool is_float(const pctx *c, int k) {
    return c->pp->placement != STYLE_PLACE_HERE && c->l->items[k].float_len > 0;
}

/* Where float k goes: figures as the style says; a table only floats when it does not fit
 * where it stands (a page of its own for every small table would scatter them). */
static style_place placement_of(const pctx *c, int k) {
    style_place p = c->pp->placement;
    return p == STYLE_PLACE_HERE || c->l->items[k].kind == LAYOUT_FIGURE ? p : STYLE_PLACE_AUTO;
}

/* The height of the first text item from break i on (floats met there are passed over):
 * the room waiting floats must leave at the column's top. 0: none. */
static double first_text_h(const pctx *c, int i) {
    while (i < c->end && is_float(c, i)) i += c->l->items[i].float_len;
    return i < c->end ? c->l->items[i].height : 0;
}

/* A float's height: its image and caption lines with the space between them. */
static double float_h(const pctx *c, int k) {
    const layout_item *it = c->l->items;
    double h = it[k].height;
    for (int m = k + 1; m < k + it[k].float_len && m < c->l->n; m++) h += it[m].space_before + it[m].height;
    return h;
}

/* The notes a float's caption cites: their heights and how many. */
static int float_notes(const pctx *c, int k, double *h) {
    int n = 0;
    *h = 0;
    for (int m = k; m < k + c->l->items[k].float_len && m < c->l->n; m++) *h += c->note_h[m], n += c->note_n[m];
    return n;
}

static void place_float_notes(const pctx *c, colscan *s, int k) {
    for (int m = k; m < k + c->l->items[k].float_len && m < c->l->n; m++) place_notes_whole(c, s, m);
}

static double float_gap(const pctx *c) {
    return c->pp->float_gap > 0 ? c->pp->float_gap : 12;
}

/* Floats waiting that cannot share a column with any text go on columns of their own:
 * how many of q's first floats, packed into `cols` columns. */
static int float_only(const pctx *c, int i, fqueue *q, int *cols) {
    double first = first_text_h(c, i);
    int taken = 0;
    *cols = 0;
    while (taken < q->n) {
        int f = q->f[taken];
        bool alone = placement_of(c, f) == STYLE_PLACE_PAGE;
        if (!alone && float_h(c, f) + float_gap(c) + first <= c->colh + EPS && i < c->end) break;
        /* one column: this float and those after it that fit too */
        double h = float_h(c, f);
        taken++;
        while (taken < q->n && h + float_gap(c) + float_h(c, q->f[taken]) <= c->colh + EPS) h += float_gap(c) + float_h(c, q->f[taken++]);
        (*cols)++;
        if (i < c->end && !alone) break;
    }
    memmove(q->f, q->f + taken, (size_t)(q->n - taken) * sizeof *q->f);
    q->n -= taken;
    return taken;
}

/*** one column ***/

static bool is_heading(const layout_item *it) { return it->node && it->node->type == MODEL_HEADING; }

/* No break after an item kept with the next, nor after a heading's first following line;
 * when that line is a whole paragraph or list item, not before the next line of text either,
 * so a heading never ends a column with one line under it. */
static bool breakable_after(const layout_list *l, int k) {
    const layout_item *it = &l->items[k];
    if (it->keep_with_next) return false;
    if (k > 0 && it->kind == LAYOUT_LINE && it->line == 0 && l->items[k - 1].keep_with_next &&
        is_heading(&l->items[k - 1])) {
        if (!it->para || it->para->n_lines > 1) return false;
        if (k + 1 < l->n && l->items[k + 1].kind == LAYOUT_LINE && !is_heading(&l->items[k + 1])) return false;
    }
    return true;
}

static double used_h(const pctx *c, const colscan *s) {
    return s->top_h + s->y + s->bot_h + notes_block(c->l, s->notes_n, s->notes_h);
}

/* How far item k's box reaches below its last baseline: a line's own, a table row's below its
 * lowest cell line; a figure's as a body line's, so it ends where a body line's box would. */
static double depth_of(const pctx *c, int k) {
    const layout_item *it = &c->l->items[k];
    if (it->kind == LAYOUT_LINE && it->baseline > 0) return it->height - it->baseline;
    if (it->kind == LAYOUT_ROW && it->table && c->l->foot_depth > 0) {
        const layout_table *t = it->table;
        double low = 0, top = it->row_line > 0 ? 0 : t->pad; /* a piece of a row: its own lines */
        for (int col = 0; col < t->cols; col++) {
            const text_para *p = t->cells[it->row * t->cols + col];
            int from = it->row_line, to = it->row_lines ? it->row_line + it->row_lines : p ? p->n_lines : 0;
            if (p && to > p->n_lines) to = p->n_lines;
            if (p && to > from && top + (to - 1 - from) * p->leading + p->ascent > low)
                low = top + (to - 1 - from) * p->leading + p->ascent;
        }
        if (low > 0 && low < it->height) return it->height - low;
    }
    return c->l->foot_depth;
}

/* The space a full column is stretched by: until its last baseline stands where a body line's
 * would at the foot (the notes' foot is lifted to the same baseline). A line or row deeper than a
 * body line passes the foot by the difference (its glyphs stay inside; a row's rule and padding
 * go below). `miss`: how far the column stays short of that baseline (0 as things are). */
static double slack_of(const pctx *c, const colscan *s, double *miss) {
    double room = c->colh - used_h(c, s), target = room;
    if (s->notes_n == 0 && s->n_bot == 0 && s->last_text >= 0 && c->l->foot_depth > 0) {
        double d = depth_of(c, s->last_text) - c->l->foot_depth;
        target += d;
        if (d > 0) room += d;
    }
    if (miss) *miss = target > room ? target - room : 0;
    double sl = target < room ? target : room;
    return sl > 0 ? sl : 0;
}

static void text_box(colscan *s, int item, double y, bool repeated, int glue) {
    if (s->pg) add_box(s->pg, item, s->col, y, repeated)->glue = (signed char)glue;
}

/* Lines [from, to) of note (k, m) at the foot of the column. */
static void put_note(const pctx *c, colscan *s, int k, int m, int from, int to) {
    const layout_note *ln = &c->l->notes[note_of(c, k, m)];
    s->notes_h += layout_note_lines_h(ln, from, to);
    s->notes_n++;
    if (s->pg) add_note(s->pg, note_of(c, k, m), s->col, k, from, to);
}

/* The notes carried to the column starting at break i, first at its foot: the rest of the
 * one split, the others of its line, then those of the lines set after it (they wait
 * behind it). A floats' notes go with the float. */
static void continue_notes(const pctx *c, colscan *s, const fqueue *in, int i, double room) {
    int k = in->carry - 1;
    for (int it = k; it < i && !s->split; it++) {
        if (it > k && is_float(c, it)) {
            it += c->l->items[it].float_len - 1;
            continue;
        }
        int m0 = it == k ? in->carry_m : 0, from = it == k ? in->carry_line : 0;
        if (c->note_n[it] == 0 || m0 >= c->note_n[it]) continue;
        if (!place_notes(c, s, it, m0, from, room)) { /* a note taller than a column: shown whole */
            for (int m = m0; m < c->note_n[it]; m++, from = 0)
                put_note(c, s, it, m, from, c->l->notes[note_of(c, it, m)].n_lines);
        }
    }
}

/* Starts a column at break i: the waiting floats that fit go on top (leaving room for the
 * first line), a table continued here repeats its header rows. */
static void col_begin(const pctx *c, colscan *s, int i, const fqueue *in, paginate_page *pg, int col) {
    memset(s, 0, sizeof *s);
    s->k = i;
    s->last_text = -1;
    s->pg = pg;
    s->col = col;
    s->first_box = pg ? pg->n_boxes : 0;
    double first = first_text_h(c, i);
    if (in->carry) continue_notes(c, s, in, i, c->colh - first);
    for (int f = 0; f < in->n; f++) {
        double h = float_h(c, in->f[f]) + float_gap(c), nh;
        int nn = float_notes(c, in->f[f], &nh);
        double nb = notes_block(c->l, s->notes_n + nn, s->notes_h + nh) - notes_block(c->l, s->notes_n, s->notes_h);
        if (s->out.n == 0 && s->top_h + h + nb + first + notes_block(c->l, s->notes_n, s->notes_h) <= c->colh + EPS) {
            s->top[s->n_top++] = in->f[f];
            s->top_h += h;
            s->gaps++;
            place_float_notes(c, s, in->f[f]);
        } else {
            s->out.f[s->out.n++] = in->f[f];
        }
    }
    const layout_item *it = i < c->end ? &c->l->items[i] : NULL;
    if (it && it->kind == LAYOUT_ROW && !it->header_row && it->table->header_rows > 0 &&
        (it->row > it->table->header_rows || it->row_line > 0) && i - it->table_at >= 0) {
        for (int h = 0; h < it->table->header_rows; h++) {
            int hi = i - it->table_at + h;
            text_box(s, hi, s->y, true, 0);
            s->y += c->l->items[hi].height;
        }
        s->started = true;
    }
}

/* Sets item k in the text if it fits (or nothing is in the column yet). */
static bool place_text(const pctx *c, colscan *s, int k) {
    const layout_item *it = &c->l->items[k];
    bool sink = !s->started && it->break_before && c->pp->columns == 1; /* a chapter's sink, one column only */
    /* the space a float asked for after it goes with the float */
    double sb = s->started || sink ? (k == s->after_moved && k > 0 ? it->space_own : it->space_before) : 0;
    if (it->kind == LAYOUT_ROW && !s->started) sb = 0;
    bool strict = (s->started || s->n_top > 0) && !s->force;
    double room = c->colh - (s->top_h + s->y + sb + it->height + s->bot_h);
    if (room < notes_block(c->l, s->notes_n, s->notes_h) - EPS && strict) return false;
    if (c->note_n[k] > 0 && !s->split) { /* (after a split, its notes wait behind the continued one) */
        colscan try = *s;
        try.pg = NULL;
        if (place_notes(c, &try, k, 0, 0, room)) {
            if (s->pg) place_notes(c, s, k, 0, 0, room);
            else *s = try;
        } else if (strict) {
            return false;
        } else {
            place_notes_whole(c, s, k);
        }
    }
    int glue = !s->started ? 0 : sb > 0 ? 1 : it->kind == LAYOUT_LINE && it->line == 0 ? 2 : 0;
    s->gaps += glue == 1;
    s->paras += glue == 2;
    text_box(s, k, s->y + sb, false, glue);
    s->y += sb + it->height;
    s->last_text = k;
    s->started = true;
    return true;
}

/* A float met in the text: set where it stands, at the top or the bottom of this column,
 * or passed on to the next. Returns false when the column is full (nothing was set). */
static bool meet_float(const pctx *c, colscan *s, int k) {
    int len = c->l->items[k].float_len;
    double h = float_h(c, k), gap = float_gap(c);
    style_place pl = placement_of(c, k);
    double nh;
    int nn = float_notes(c, k, &nh);
    double with_notes = notes_block(c->l, s->notes_n + nn, s->notes_h + nh);
    bool notes_ok = !(nn > 0 && s->split); /* after a continued note: the float's notes wait with it */
    bool room = s->top_h + s->y + s->bot_h + with_notes + h + gap <= c->colh + EPS && notes_ok;
    if (s->out.n == 0 && pl == STYLE_PLACE_AUTO && notes_ok) {
        /* where it stands, when all of it fits (its notes too) */
        double need = c->l->items[k].space_before + h;
        if (!s->started || s->top_h + s->y + need + s->bot_h + with_notes <= c->colh + EPS) {
            bool force = s->force;
            s->force = true; /* its lines together, as measured */
            for (int m = k; m < k + len; m++) place_text(c, s, m);
            s->force = force;
            s->k = k + len;
            return true;
        }
    } else if (s->out.n == 0 && room && (pl == STYLE_PLACE_TOP || pl == STYLE_PLACE_BOTTOM)) {
        if (pl == STYLE_PLACE_TOP) s->top[s->n_top++] = k, s->top_h += h + gap;
        else s->bot[s->n_bot++] = k, s->bot_h += h + gap;
        place_float_notes(c, s, k);
        s->gaps++;
        s->k = s->after_moved = k + len;
        return true;
    }
    if (s->out.n == MAXQ) { /* too many waiting: this one stays in the text */
        for (int m = k; m < k + len; m++)
            if (!place_text(c, s, m)) return false;
        s->k = k + len;
        return true;
    }
    s->out.f[s->out.n++] = k;
    s->n_deferred++;
    s->k = s->after_moved = k + len;
    return true;
}

/* Advances by one item or float. False when the column can take nothing more. */
static bool col_step(const pctx *c, colscan *s) {
    int k = s->k;
    if (k >= c->end) return false;
    if (is_float(c, k)) return meet_float(c, s, k);
    if (!place_text(c, s, k)) return false;
    s->k = k + 1;
    return true;
}

/* The penalty of the break after a column's last text (none at its segment's end). */
static double break_penalty(const pctx *c, const colscan *s) {
    if (s->k >= c->end || s->last_text < 0) return 0;
    return breakable_after(c->l, s->last_text) ? c->l->items[s->last_text].penalty : KEEP_BROKEN;
}

/* The penalty of a column's break when it is a bad one: a widow, an orphan, a keep broken
 * (a split quote or code block is not; balanced columns may take those). */
static double bad_break(const pctx *c, const colscan *s) {
    double p = break_penalty(c, s);
    return p >= BAD_BREAK ? p : 0;
}

/* What a column ending at break j costs (COST_INF: not a break). */
static double col_cost(const pctx *c, const colscan *s, int i) {
    int j = s->k;
    if (j <= i) return COST_INF;
    double cost = COLUMN_COST + s->n_deferred * DEFER_COST + (s->split ? NOTE_SPLIT_COST : 0);
    if (j >= c->end) return cost + (s->out.n + (s->out.carry > 0)) * LEFT_OVER_COST;
    if (s->last_text < 0) return COST_INF; /* nothing but floats passed on: no column */
    cost += break_penalty(c, s);
    double miss, slack = slack_of(c, s, &miss), stretch = s->gaps * c->pp->stretch;
    stretch += s->paras * c->pp->stretch * PARA_STRETCH;
    double rem = slack > stretch ? slack - stretch : 0;
    if (rem + miss > 0.5) cost += SHORT_COST;
    cost += FILL_WEIGHT * (rem / c->colh) * (rem / c->colh) + STRETCH_COST * (slack - rem) / c->colh;
    return cost;
}

/*** the search ***/

static void relax(pctx *c, int i, double base, const colscan *s) {
    double cost = col_cost(c, s, i);
    if (cost >= COST_INF) return;
    dpnode *n = &c->nodes[s->k - c->start];
    if (base + cost < n->cost) {
        n->cost = base + cost;
        n->bad = c->nodes[i - c->start].bad + bad_break(c, s);
        n->prev = i;
        n->q = s->out;
    }
}

/* Every column that can start at break i, with the floats waiting there. */
static void expand(pctx *c, int i) {
    dpnode *n = &c->nodes[i - c->start];
    fqueue q = n->q;
    int cols;
    float_only(c, i, &q, &cols);
    colscan s;
    col_begin(c, &s, i, &q, NULL, 0);
    bool any = false;
    while (col_step(c, &s)) {
        double before = c->nodes[s.k - c->start].cost;
        relax(c, i, n->cost, &s);
        any |= c->nodes[s.k - c->start].cost < before || before < COST_INF;
    }
    /* Never a dead end: item i alone, overflowing, rather than text lost. */
    dpnode *next = &c->nodes[i + 1 - c->start];
    if (!any && next->cost >= COST_INF) {
        col_begin(c, &s, i, &q, NULL, 0); /* the floats it leaves waiting */
        *next = (dpnode){n->cost + 2 * KEEP_BROKEN, n->bad + 2 * KEEP_BROKEN, i, s.out};
    }
}

static void search(pctx *c, const fqueue *q0) {
    int n = c->end - c->start + 1;
    for (int k = 0; k < n; k++) c->nodes[k] = (dpnode){COST_INF, 0, -1, {0, {0}, 0, 0, 0}};
    c->nodes[0].cost = 0;
    c->nodes[0].q = *q0;
    for (int i = c->start; i < c->end; i++)
        if (c->nodes[i - c->start].cost < COST_INF) expand(c, i);
}

/*** setting the chosen columns on pages ***/

typedef struct placer {
    paginate_result *r;
    int columns;
    int col;                 /* next column on the current page; == columns: a new page first */
    int n_cols;              /* columns set so far in this segment */
    bool *note_placed;
} placer;

static paginate_page *next_column(placer *pl, int *col) {
    if (pl->col >= pl->columns || pl->r->n_pages == 0) {
        new_page(pl->r);
        pl->col = 0;
    }
    *col = pl->col++;
    pl->n_cols++;
    return &pl->r->pages[pl->r->n_pages - 1];
}

static void place_float(const pctx *c, paginate_page *pg, int col, int f, double y, paginate_result *r) {
    const layout_item *it = c->l->items;
    int page = (int)(pg - r->pages);
    for (int m = f; m < f + it[f].float_len && m < c->l->n; m++) {
        if (m > f) y += it[m].space_before;
        add_box(pg, m, col, y, false)->floated = true;
        r->item_page[m] = page;
        y += it[m].height;
    }
}

/* A column of floats only (they fit no text beside them). */
static void set_float_column(const pctx *c, placer *pl, fqueue *q, int take) {
    int col;
    paginate_page *pg = next_column(pl, &col);
    double y = 0;
    for (int t = 0; t < take; t++) {
        if (t > 0 && y + float_h(c, q->f[t]) > c->colh + EPS) {
            pg = next_column(pl, &col);
            y = 0;
        }
        place_float(c, pg, col, q->f[t], y, pl->r);
        for (int m = q->f[t]; m < q->f[t] + c->l->items[q->f[t]].float_len && m < c->l->n; m++)
            for (int n = 0; n < c->note_n[m]; n++) add_note(pg, note_of(c, m, n), col, m, 0, c->l->notes[note_of(c, m, n)].n_lines);
        y += float_h(c, q->f[t]) + float_gap(c);
    }
}

/* The rest of a note still carried when its segment ends: a column of its own. */
static void set_note_column(const pctx *c, placer *pl, const fqueue *q) {
    int col;
    paginate_page *pg = next_column(pl, &col);
    colscan s;
    memset(&s, 0, sizeof s);
    s.pg = pg, s.col = col;
    continue_notes(c, &s, q, c->end, 1e9);
}

/* A column's notes in reading order: one continued from the column before first, one that
 * continues in the next last, the others by number (a float's may have been met late). */
static int note_rank(const paginate_note *n, const layout_list *l) {
    if (n->from > 0) return -1;
    if (n->to < l->notes[n->note].n_lines) return 1 << 30;
    return l->notes[n->note].number;
}

static void order_notes_of(paginate_page *pg, int from, const layout_list *l) {
    for (int a = from + 1; a < pg->n_notes; a++) { /* insertion sort: a column holds few notes */
        paginate_note t = pg->notes[a];
        int b = a;
        while (b > from && note_rank(&pg->notes[b - 1], l) > note_rank(&t, l)) pg->notes[b] = pg->notes[b - 1], b--;
        pg->notes[b] = t;
    }
}

/* Re-runs the column from break i to break j onto the page, then stretches its gaps when it
 * is not the segment's last. */
static void set_column(const pctx *c, placer *pl, int i, int j, const fqueue *in) {
    fqueue q = *in;
    int cols;
    int take = float_only(c, i, &q, &cols);
    if (take > 0) {
        fqueue all = *in;
        set_float_column(c, pl, &all, take);
    }
    int col;
    paginate_page *pg = next_column(pl, &col);
    int page = (int)(pg - pl->r->pages);
    colscan s;
    int first_note = pg->n_notes;
    col_begin(c, &s, i, &q, pg, col);
    while (s.k < j && col_step(c, &s)) {
    }
    s.force = true; /* only when the search had no other way on */
    while (s.k < j && col_step(c, &s)) {
    }
    double slack = j < c->end ? slack_of(c, &s, NULL) : 0;
    double extra = s.gaps > 0 ? slack / s.gaps : 0;
    if (extra > c->pp->stretch) extra = c->pp->stretch;
    /* what the gaps cannot take, shared between the paragraphs (a little each, as TeX's \parskip) */
    double para_extra = s.paras > 0 ? (slack - extra * s.gaps) / s.paras : 0;
    if (para_extra > c->pp->stretch * PARA_STRETCH) para_extra = c->pp->stretch * PARA_STRETCH;
    if (para_extra < 0.01) para_extra = 0;
    /* floats at the top, then the text below them, each gap widened by `extra` */
    double y = 0;
    for (int t = 0; t < s.n_top; t++) {
        place_float(c, pg, col, s.top[t], y, pl->r);
        y += float_h(c, s.top[t]) + float_gap(c) + extra;
    }
    double shift = y;
    for (int b = s.first_box; b < pg->n_boxes; b++) {
        paginate_box *bx = &pg->boxes[b];
        if (bx->floated) continue;
        shift += bx->glue == 1 ? extra : bx->glue == 2 ? para_extra : 0; /* as place_text counted them */
        bx->y += shift;
        if (!bx->repeated) pl->r->item_page[bx->item] = page;
    }
    order_notes_of(pg, first_note, c->l);
    double bottom = c->colh - notes_block(c->l, s.notes_n, s.notes_h);
    for (int t = s.n_bot - 1; t >= 0; t--) {
        bottom -= float_h(c, s.bot[t]);
        place_float(c, pg, col, s.bot[t], bottom, pl->r);
        bottom -= float_gap(c);
    }
}

/* The columns of the best path from c->start to c->end, in order: breaks[0..n]. */
static int best_path(const pctx *c, int *breaks) {
    int n = 0;
    for (int j = c->end; j != c->start; j = c->nodes[j - c->start].prev) breaks[n++] = j;
    breaks[n++] = c->start;
    for (int a = 0, b = n - 1; a < b; a++, b--) {
        int t = breaks[a];
        breaks[a] = breaks[b], breaks[b] = t;
    }
    return n - 1;
}

static void set_path(pctx *c, placer *pl, const int *breaks, int n) {
    for (int k = 0; k < n; k++) set_column(c, pl, breaks[k], breaks[k + 1], &c->nodes[breaks[k] - c->start].q);
    fqueue left = c->nodes[c->end - c->start].q;
    if (left.n) set_float_column(c, pl, &left, left.n);
    if (left.carry) set_note_column(c, pl, &left);
}

/* The fewest columns a path from `from` (floats q waiting) needs at column height h, and the
 * penalties of its bad breaks (*bad). */
static int columns_needed(pctx *c, int from, const fqueue *q, double h, double *bad) {
    pctx t = *c;
    t.start = from;
    t.colh = h;
    search(&t, q);
    *bad = t.nodes[t.end - t.start].bad;
    if (t.nodes[t.end - t.start].cost >= COST_INF || t.nodes[t.end - t.start].q.n || t.nodes[t.end - t.start].q.carry)
        return 1 << 30;
    int n = 0;
    for (int j = t.end; j != t.start; j = t.nodes[j - t.start].prev) {
        int i = t.nodes[j - t.start].prev, cols;
        fqueue wq = t.nodes[i - t.start].q;
        float_only(&t, i, &wq, &cols); /* columns of floats alone count too */
        n += 1 + cols;
    }
    return n;
}

/* One segment: the search, then its columns; the last page's columns balanced when there
 * are several (as short as they can be with everything on the page, so they end together,
 * and with no break there worse than at full height: no widow for the sake of balance). */
static void set_segment(pctx *c, placer *pl) {
    fqueue none = {0, {0}, 0, 0, 0};
    search(c, &none);
    int *breaks = xmalloc((size_t)(c->end - c->start + 2) * sizeof *breaks);
    int n = best_path(c, breaks);
    int C = pl->columns;
    if (C == 1 || n == 0 || c->nodes[c->end - c->start].q.n > 0 || c->nodes[c->end - c->start].q.carry) {
        set_path(c, pl, breaks, n);
        free(breaks);
        return;
    }
    int last_from = n - 1 - (n - 1) % C; /* the first column of the last page */
    for (int k = 0; k < last_from; k++) set_column(c, pl, breaks[k], breaks[k + 1], &c->nodes[breaks[k] - c->start].q);
    int from = breaks[last_from], cols = C;
    fqueue q = c->nodes[from - c->start].q;
    double full_bad = c->nodes[c->end - c->start].bad - c->nodes[from - c->start].bad, bad;
    free(breaks);
    /* (the searches below reuse c->nodes from index 0 for the breaks from `from` on) */
    double lo = 0, hi = c->colh;
    while (hi - lo > 0.25) {
        double mid = (lo + hi) / 2;
        if (columns_needed(c, from, &q, mid, &bad) <= cols) hi = mid;
        else lo = mid;
    }
    /* Balanced with a widow or an orphan the full height would not leave: taller a point at a
     * time until the breaks are no worse (a line or two does it), else not balanced. */
    if (hi < c->colh && columns_needed(c, from, &q, hi, &bad) <= cols && bad > full_bad + EPS) {
        double h = hi + 1;
        while (h < hi + BALANCE_RAISE && h < c->colh && !(columns_needed(c, from, &q, h, &bad) <= cols && bad <= full_bad + EPS))
            h += 1;
        hi = h < hi + BALANCE_RAISE && h < c->colh ? h : c->colh;
    }
    pctx t = *c;
    t.start = from;
    t.colh = hi;
    search(&t, &q);
    int *tb = xmalloc((size_t)(t.end - t.start + 2) * sizeof *tb);
    int tn = best_path(&t, tb);
    set_path(&t, pl, tb, tn);
    free(tb);
}

/* Boxes in source order within a page, so the structure tags follow the text even where a
 * float was set above text that precedes it; repeated header rows go with the row after them. */
static int cmp_key(const void *a, const void *b) {
    const long *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static void source_order(paginate_page *pg) {
    int n = pg->n_boxes;
    if (n < 2) return;
    long *keys = xmalloc((size_t)n * 2 * sizeof *keys);
    long next = 1L << 40;
    for (int b = n - 1; b >= 0; b--) {
        long k = pg->boxes[b].repeated ? next : pg->boxes[b].item;
        if (!pg->boxes[b].repeated) next = k;
        keys[2 * b] = pg->boxes[b].repeated ? next * 2 - 1 : k * 2, keys[2 * b + 1] = b;
    }
    qsort(keys, (size_t)n, 2 * sizeof *keys, cmp_key);
    paginate_box *sorted = xmalloc((size_t)n * sizeof *sorted);
    for (int b = 0; b < n; b++) sorted[b] = pg->boxes[keys[2 * b + 1]];
    memcpy(pg->boxes, sorted, (size_t)n * sizeof *sorted);
    free(sorted);
    free(keys);
}

static void paginate_marks(const layout_list *l, paginate_result *r);

void paginate_run(const layout_list *l, const paginate_params *pp, paginate_result *r) {
    memset(r, 0, sizeof *r);
    r->item_page = xmalloc((size_t)(l->n ? l->n : 1) * sizeof *r->item_page);
    for (int i = 0; i < l->n; i++) r->item_page[i] = -1;
    paginate_params p = *pp;
    if (p.columns < 1) p.columns = 1;
    pctx c = {0};
    c.l = l;
    c.pp = &p;
    c.colh = p.col_height;
    find_notes(&c);
    c.nodes = xmalloc((size_t)(l->n + 1) * sizeof *c.nodes);
    placer pl = {r, p.columns, p.columns, 0, NULL};
    int i = 0;
    while (i < l->n) {
        int end = i + 1;
        while (end < l->n && !l->items[end].break_before) end++;
        /* A chapter opening by rule on a verso: that verso stays blank. */
        if (p.recto_chapters && l->items[i].break_before && r->n_pages % 2 == 1) new_page(r)->blank = true;
        c.start = i, c.end = end;
        pl.col = p.columns; /* a segment starts a page */
        int first_page = r->n_pages;
        set_segment(&c, &pl);
        if (r->n_pages > first_page && l->items[i].break_before) r->pages[first_page].opens_chapter = true;
        i = end;
    }
    for (int k = 0; k < r->n_pages; k++) {
        paginate_page *pg = &r->pages[k];
        source_order(pg);
        for (int b = 0; b < pg->n_boxes && pg->chapter < 0; b++) pg->chapter = l->items[pg->boxes[b].item].chapter;
    }
    free(c.nodes);
    free(c.note_h), free(c.note_n), free(c.note_first), free(c.notes_of);
    paginate_marks(l, r);
}

/* Sets every page's running-head marks from the heading items on the pages. */
static void paginate_marks(const layout_list *l, paginate_result *r) {
    int in_effect[2] = {-1, -1}; /* the last heading of each level before the page */
    for (int p = 0; p < r->n_pages; p++) {
        paginate_page *pg = &r->pages[p];
        pg->mark[0] = pg->mark[1] = -1;
        int last[2] = {in_effect[0], in_effect[1]};
        bool first_text = true;
        for (int b = 0; b < pg->n_boxes; b++) {
            if (pg->boxes[b].repeated || pg->boxes[b].floated) continue;
            int item = pg->boxes[b].item, lv = l->items[item].heading_level;
            if (first_text && lv == 1) pg->opens_chapter = true;
            first_text = false;
            if (lv < 1 || lv > 2) continue;
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
