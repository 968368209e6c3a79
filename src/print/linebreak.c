/* linebreak: Knuth–Plass total-fit breaking, as in TeX's line_break. */
#include "print/linebreak.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "base/util.h"

#define MAX_RUN 4 /* hyphen-run states kept apart per breakpoint: 0..MAX_RUN-1 */
#define RATIO_CAP 1000 /* true_badness: a line with no stretch at all weighs as this ratio */

lb_params lb_defaults(double width) {
    lb_params p = {0};
    p.first_width = p.width = width;
    p.tolerance = 200;
    p.line_penalty = 10;
    p.adj_demerits = 10000;
    p.double_hyphen_demerits = 10000;
    p.final_hyphen_demerits = 5000;
    return p;
}

double lb_badness(double w, double y, double z, double width) {
    double r;
    if (w < width) {
        if (y <= 0) return LB_INF;
        r = (width - w) / y;
    } else if (w > width) {
        if (z <= 0 || w - width > z + 1e-9) return LB_INF + 1;
        r = (w - width) / z;
    } else {
        return 0;
    }
    double b = 100 * r * r * r;
    return b > LB_INF ? LB_INF : b;
}

/* A feasible break remembered for the trace back (TeX's passive node). */
typedef struct node {
    int pos;          /* the break item; -1 for the paragraph start */
    int prev;         /* node index of the line before, -1 */
    int line;         /* lines so far */
    int fitness;      /* 0 very loose, 1 loose, 2 decent, 3 tight */
    int run;          /* hyphenated lines in a row ending here */
    bool flagged;
    double total;     /* demerits so far */
    double w, y, z;   /* sums up to the first item the next line keeps */
    double ratio, natural;
    bool overfull;
    int next_active;  /* active list link, -1 */
} node;

typedef struct pool {
    node *v;
    int n, cap;
} pool;

static int pool_add(pool *p, node nd) {
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, (size_t)p->cap * sizeof *p->v);
    }
    p->v[p->n] = nd;
    return p->n++;
}

typedef struct sums {
    double *w, *y, *z; /* before item i */
} sums;

static void make_sums(const lb_item *it, int n, sums *s) {
    s->w = xcalloc((size_t)n + 1, sizeof *s->w);
    s->y = xcalloc((size_t)n + 1, sizeof *s->y);
    s->z = xcalloc((size_t)n + 1, sizeof *s->z);
    for (int i = 0; i < n; i++) {
        double w = it[i].kind == LB_PENALTY ? 0 : it[i].width;
        double y = it[i].kind == LB_GLUE ? it[i].stretch : 0, z = it[i].kind == LB_GLUE ? it[i].shrink : 0;
        s->w[i + 1] = s->w[i] + w, s->y[i + 1] = s->y[i] + y, s->z[i + 1] = s->z[i] + z;
    }
}

static void free_sums(sums *s) {
    free(s->w), free(s->y), free(s->z);
}

/* The first item a line after a break at `b` keeps: glue and penalties after a
 * break are discarded up to the next box or forced break (-1: the paragraph start). */
static int kept_from(const lb_item *it, int n, int b) {
    if (b < 0) return 0;
    int i = b + 1;
    while (i < n && it[i].kind != LB_BOX && !(it[i].kind == LB_PENALTY && it[i].penalty <= -LB_INF)) i++;
    return i;
}

static bool legal(const lb_item *it, int i) {
    if (it[i].kind == LB_PENALTY) return it[i].penalty < LB_INF;
    return it[i].kind == LB_GLUE && i > 0 && it[i - 1].kind == LB_BOX;
}

typedef struct cand {
    bool set;
    double total, ratio, natural;
    int from;
    bool overfull;
} cand;

static int fitness_of(double r) {
    if (r < -0.5) return 3;
    if (r <= 0.5) return 2;
    if (r <= 1) return 1;
    return 0;
}

/* The demerits of a line from node a ending at break b with badness bad. */
static double line_demerits(const lb_params *p, const lb_item *it, int n, const node *a, int b, double bad,
                            int fit, double natural) {
    double d = p->line_penalty + bad;
    d *= d;
    int pen = it[b].kind == LB_PENALTY ? it[b].penalty : 0;
    if (pen > 0) d += (double)pen * pen;
    else if (pen < 0 && pen > -LB_INF) d -= (double)pen * pen;
    bool fl = it[b].kind == LB_PENALTY && it[b].flagged;
    if (fl && a->flagged) d += p->double_hyphen_demerits;
    bool last = b == n - 1;
    if (last && a->flagged) d += p->final_hyphen_demerits;
    if (last && p->short_last > 0 && natural < p->short_last && a->pos >= 0) d += p->short_last_demerits;
    if (abs(fit - a->fitness) > 1) d += p->adj_demerits;
    return d;
}

/* Tries every active node against break b, recording the best candidates per
 * fitness class and hyphen run; drops nodes that can no longer reach b. */
static void try_break(const lb_item *it, int n, const sums *s, const lb_params *p, pool *pl, int *head, int b,
                      cand best[4][MAX_RUN]) {
    bool forced = it[b].kind == LB_PENALTY && it[b].penalty <= -LB_INF;
    double pw = it[b].kind == LB_PENALTY ? it[b].width : 0;
    bool fl = it[b].kind == LB_PENALTY && it[b].flagged;
    int prev = -1;
    int last_dropped = -1;
    double last_r = 0, last_nat = 0;
    bool any_feasible = false;
    for (int a = *head; a >= 0;) {
        node *nd = &pl->v[a];
        int next = nd->next_active;
        double lw = nd->line == 0 ? p->first_width : p->width;
        double w = s->w[b] - nd->w + pw, y = s->y[b] - nd->y + p->emergency_stretch, z = s->z[b] - nd->z;
        double r;
        if (w < lw) r = y > 0 ? (lw - w) / y : (forced ? 0 : INFINITY);
        else if (w > lw) r = z > 0 ? -(w - lw) / z : -INFINITY;
        else r = 0;
        if (forced && w <= lw && y <= 0) r = 0;
        bool drop = r < -1 || forced;
        double bad = r < -1 ? LB_INF + 1 : fabs(r) >= 10 ? LB_INF : 100 * fabs(r * r * r);
        if (bad > LB_INF) bad = LB_INF;
        bool run_ok = !(fl && p->max_hyphen_run > 0 && nd->run >= p->max_hyphen_run);
        if (r >= -1 && bad <= p->tolerance && run_ok) {
            int fit = fitness_of(r);
            int run = fl ? nd->run + 1 : 0;
            if (run >= MAX_RUN) run = MAX_RUN - 1;
            double rr = r < RATIO_CAP ? r : RATIO_CAP;
            double weight = p->true_badness && r > 0 ? 100 * rr * rr * rr : bad;
            double d = nd->total + line_demerits(p, it, n, nd, b, weight, fit, w);
            cand *c = &best[fit][run];
            if (!c->set || d < c->total) *c = (cand){true, d, r, w, a, false};
            any_feasible = true;
        }
        if (drop) {
            last_dropped = a, last_r = r, last_nat = w;
            if (prev < 0) *head = next;
            else pl->v[prev].next_active = next;
        } else {
            prev = a;
        }
        a = next;
    }
    /* Nothing left to break from: with overfull lines allowed, break anyway from the
     * last node dropped (TeX's final pass does the same). */
    if (*head < 0 && !any_feasible && p->allow_overfull && last_dropped >= 0) {
        const node *nd = &pl->v[last_dropped];
        double r = last_r < -1 ? -1 : last_r;
        int fit = fitness_of(r);
        double d = nd->total + line_demerits(p, it, n, nd, b, LB_INF, fit, last_nat);
        int run = fl ? (nd->run + 1 < MAX_RUN ? nd->run + 1 : MAX_RUN - 1) : 0;
        best[fit][run] = (cand){true, d, last_r, last_nat, last_dropped, last_r < -1};
    }
}

/* Turns the candidates at b into active nodes. */
static void add_actives(const lb_item *it, int n, const sums *s, pool *pl, int *head, int b, cand best[4][MAX_RUN]) {
    int k = kept_from(it, n, b);
    double w = s->w[k], y = s->y[k], z = s->z[k];
    for (int f = 0; f < 4; f++)
        for (int r = 0; r < MAX_RUN; r++) {
            cand *c = &best[f][r];
            if (!c->set) continue;
            const node *from = &pl->v[c->from];
            node nd = {.pos = b, .prev = c->from, .line = from->line + 1, .fitness = f, .run = r,
                       .flagged = it[b].kind == LB_PENALTY && it[b].flagged, .total = c->total, .w = w, .y = y,
                       .z = z, .ratio = c->ratio, .natural = c->natural, .overfull = c->overfull, .next_active = *head};
            *head = pool_add(pl, nd);
            c->set = false;
        }
}

static int trace(const lb_item *it, int n, const pool *pl, int best, lb_line **out) {
    int count = 0;
    for (int k = best; pl->v[k].pos >= 0; k = pl->v[k].prev) count++;
    lb_line *lines = xcalloc((size_t)(count ? count : 1), sizeof *lines);
    int i = count;
    for (int k = best; pl->v[k].pos >= 0; k = pl->v[k].prev) {
        const node *nd = &pl->v[k], *pr = &pl->v[nd->prev];
        lb_line *ln = &lines[--i];
        ln->end = nd->pos;
        ln->ratio = nd->ratio;
        ln->natural = nd->natural;
        ln->hyphenated = it[nd->pos].kind == LB_PENALTY && it[nd->pos].flagged;
        ln->overfull = nd->overfull;
        /* The line starts after the previous break's discarded glue and penalties. */
        ln->start = kept_from(it, n, pr->pos);
    }
    *out = lines;
    return count;
}

int lb_break(const lb_item *it, int n, const lb_params *p, lb_line **out, double *demerits) {
    *out = NULL;
    if (n <= 0) return 0;
    sums s;
    make_sums(it, n, &s);
    pool pl = {0};
    node start = {.pos = -1, .prev = -1, .line = 0, .fitness = 2, .next_active = -1};
    int head = pool_add(&pl, start);
    cand best[4][MAX_RUN] = {{{0}}};
    for (int b = 0; b < n && head >= 0; b++) {
        if (!legal(it, b)) continue;
        try_break(it, n, &s, p, &pl, &head, b, best);
        add_actives(it, n, &s, &pl, &head, b, best);
    }
    int found = -1;
    double least = DBL_MAX;
    for (int a = head; a >= 0; a = pl.v[a].next_active)
        if (pl.v[a].pos == n - 1 && pl.v[a].total < least) least = pl.v[a].total, found = a;
    int count = 0;
    if (found >= 0) {
        count = trace(it, n, &pl, found, out);
        if (demerits) *demerits = least;
    }
    free(pl.v);
    free_sums(&s);
    return count;
}

int lb_forced(const lb_item *it, int n, lb_line **out) {
    *out = NULL;
    int count = 0;
    for (int i = 0; i < n; i++)
        if (it[i].kind == LB_PENALTY && it[i].penalty <= -LB_INF) count++;
    if (!count) return 0;
    lb_line *lines = xcalloc((size_t)count, sizeof *lines);
    int k = 0, start = 0;
    double w = 0;
    for (int i = 0; i < n; i++) {
        if (it[i].kind != LB_PENALTY) {
            if (i >= start) w += it[i].width;
            continue;
        }
        if (it[i].penalty > -LB_INF) continue;
        lines[k++] = (lb_line){.start = start, .end = i, .natural = w + it[i].width};
        start = kept_from(it, n, i), w = 0;
    }
    *out = lines;
    return count;
}
