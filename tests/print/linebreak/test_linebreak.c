/* linebreak: the Knuth–Plass breaker on hand-made box/glue/penalty lists. Small
 * paragraphs are checked against an exhaustive search over every set of breaks,
 * which scores each line by the rules written out again here (badness, fitness
 * classes, adjacent-line, double-hyphen, final-hyphen and short-last-line demerits,
 * the longest hyphen run); a few cases have optimal breaks worked out by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "print/linebreak.h"

static lb_item box(double w) { return (lb_item){LB_BOX, w, 0, 0, 0, false}; }
static lb_item glue(double w, double y, double z) { return (lb_item){LB_GLUE, w, y, z, 0, false}; }
static lb_item pen(double w, int p, bool flagged) { return (lb_item){LB_PENALTY, w, 0, 0, p, flagged}; }

/* Ends a paragraph as TeX does: no break before the fill, then a forced break. */
static int finish(lb_item *it, int n) {
    it[n++] = pen(0, LB_INF, false);
    it[n++] = glue(0, 1e6, 0);
    it[n++] = pen(0, -LB_INF, false);
    return n;
}

/*** the exhaustive search ***/

static bool legal(const lb_item *it, int i) {
    if (it[i].kind == LB_PENALTY) return it[i].penalty < LB_INF;
    return it[i].kind == LB_GLUE && i > 0 && it[i - 1].kind == LB_BOX;
}

static int first_kept(const lb_item *it, int n, int b) {
    if (b < 0) return 0;
    int i = b + 1;
    while (i < n && it[i].kind != LB_BOX && !(it[i].kind == LB_PENALTY && it[i].penalty <= -LB_INF)) i++;
    return i;
}

/* Scores one line from the item after break a to break b; false when infeasible. */
static bool score_line(const lb_item *it, int n, const lb_params *p, int a, int b, int line, double *bad,
                       double *ratio, double *natural) {
    double w = 0, y = 0, z = 0;
    for (int i = first_kept(it, n, a); i < b; i++) {
        if (it[i].kind == LB_PENALTY) continue;
        w += it[i].width;
        if (it[i].kind == LB_GLUE) y += it[i].stretch, z += it[i].shrink;
    }
    if (it[b].kind == LB_PENALTY) w += it[b].width;
    double lw = line == 0 ? p->first_width : p->width;
    double r = w < lw ? (y > 0 ? (lw - w) / y : INFINITY) : w > lw ? (z > 0 ? -(w - lw) / z : -INFINITY) : 0;
    if (r < -1) return false;
    double bd = fabs(r) >= 10 ? LB_INF : 100 * fabs(r) * fabs(r) * fabs(r);
    if (bd > LB_INF) bd = LB_INF;
    if (bd > p->tolerance) return false;
    *bad = bd, *ratio = r, *natural = w;
    return true;
}

static int fit_class(double r) { return r < -0.5 ? 3 : r <= 0.5 ? 2 : r <= 1 ? 1 : 0; }

/* The demerits of a whole set of breaks (br[0..k), the last one n-1), or -1. */
static double score_set(const lb_item *it, int n, const lb_params *p, const int *br, int k) {
    double total = 0;
    int prev = -1, prev_fit = 2, run = 0;
    bool prev_flag = false;
    for (int l = 0; l < k; l++) {
        int b = br[l];
        double bad, r, nat;
        if (!score_line(it, n, p, prev, b, l, &bad, &r, &nat)) return -1;
        double d = (p->line_penalty + bad) * (p->line_penalty + bad);
        int pe = it[b].kind == LB_PENALTY ? it[b].penalty : 0;
        if (pe > 0) d += (double)pe * pe;
        else if (pe < 0 && pe > -LB_INF) d -= (double)pe * pe;
        bool fl = it[b].kind == LB_PENALTY && it[b].flagged;
        run = fl ? run + 1 : 0;
        if (p->max_hyphen_run > 0 && run > p->max_hyphen_run) return -1;
        if (fl && prev_flag) d += p->double_hyphen_demerits;
        if (b == n - 1 && prev_flag) d += p->final_hyphen_demerits;
        if (b == n - 1 && l > 0 && p->short_last > 0 && nat < p->short_last) d += p->short_last_demerits;
        int f = fit_class(r);
        if (abs(f - prev_fit) > 1) d += p->adj_demerits;
        total += d;
        prev = b, prev_fit = f, prev_flag = fl;
    }
    return total;
}

/* Every subset of the legal breaks before the last item. */
static double brute(const lb_item *it, int n, const lb_params *p, int *best, int *best_k) {
    int cand[32], m = 0;
    for (int i = 0; i < n - 1; i++)
        if (legal(it, i)) cand[m++] = i;
    double least = -1;
    int br[33];
    for (long mask = 0; mask < (1L << m); mask++) {
        int k = 0;
        for (int j = 0; j < m; j++)
            if (mask >> j & 1) br[k++] = cand[j];
        br[k++] = n - 1;
        double d = score_set(it, n, p, br, k);
        if (d >= 0 && (least < 0 || d < least - 1e-6)) {
            least = d;
            for (int j = 0; j < k; j++) best[j] = br[j];
            *best_k = k;
        }
    }
    return least;
}

static unsigned rng = 12345;
static double uniform(void) {
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8 & 0xFFFF) / 65536.0;
}

/* A random paragraph of `words` words: boxes 1-6 wide, some split by flagged
 * penalties (hyphenation points) with a hyphen 0.3 wide. */
static int random_para(lb_item *it, int words) {
    int n = 0;
    for (int w = 0; w < words; w++) {
        if (w) it[n++] = glue(1, 0.5, 0.33);
        it[n++] = box(1 + floor(uniform() * 5));
        if (uniform() < 0.3) {
            it[n++] = pen(0.3, 50, true);
            it[n++] = box(1 + floor(uniform() * 3));
        }
    }
    return finish(it, n);
}

static void test_against_brute_force(void) {
    int agree = 0, feasible = 0;
    for (int trial = 0; trial < 400; trial++) {
        lb_item it[64];
        int n = random_para(it, 6 + trial % 7);
        lb_params p = lb_defaults(9 + floor(uniform() * 12));
        p.first_width = p.width - (trial % 3 == 0 ? 1.5 : 0);
        p.tolerance = trial % 3 == 0 ? 200 : trial % 3 == 1 ? 1000 : 10000;
        p.max_hyphen_run = trial % 4 == 0 ? 1 : 2;
        p.short_last = trial % 5 == 0 ? 4 : 0;
        p.short_last_demerits = 20000;
        int want[40], wk = 0;
        double wd = brute(it, n, &p, want, &wk);
        lb_line *lines = NULL;
        double got_d = 0;
        int k = lb_break(it, n, &p, &lines, &got_d);
        if (wd < 0) {
            OK(k == 0, "trial %d: no feasible set, yet %d lines", trial, k);
        } else {
            feasible++;
            bool same = k > 0 && fabs(got_d - wd) < 1e-6 * (1 + wd);
            OK(same, "trial %d: demerits %.3f, optimum %.3f (%d lines, want %d)", trial, got_d, wd, k, wk);
            if (same) agree++;
            /* The set found scores the same under the independent rules. */
            int br[40];
            for (int l = 0; l < k && l < 40; l++) br[l] = lines[l].end;
            OK(k > 0 && fabs(score_set(it, n, &p, br, k) - got_d) < 1e-6 * (1 + got_d), "trial %d: rescored", trial);
        }
        free(lines);
    }
    OK(feasible > 200 && agree == feasible, "%d of %d feasible paragraphs at the optimum", agree, feasible);
}

/* Greedy first-fit sets "aaaa bb" (4 + 1 + 2 = 7 of 8) then leaves "cccccc dd" for the
 * rest; total fit balances the lines. Worked by hand: width 8, glue 1 (+1, -0.5).
 *   first fit: [aaaa bb cc] 4+1+2+1+2 = 10 > 8, shrink 1 needed of 1 -> r = -1 (tight,
 *   feasible), then [cccccc] ... the optimum found by the breaker is checked for
 *   lower demerits than the greedy set and a different first break. */
static void test_total_fit_beats_first_fit(void) {
    lb_item it[32];
    int n = 0;
    double words[] = {3, 2, 2, 3, 3, 1, 4};
    for (int i = 0; i < 7; i++) {
        if (i) it[n++] = glue(1, 1, 0.5);
        it[n++] = box(words[i]);
    }
    n = finish(it, n);
    lb_params p = lb_defaults(9);
    p.tolerance = 10000;
    lb_line *lines = NULL;
    double d = 0;
    int k = lb_break(it, n, &p, &lines, &d);
    OK(k >= 2, "lines %d", k);
    /* First fit: as many words as fit at natural width: 3 2 2 (3+1+2+1+2 = 9) | 3 3 1 (9) | 4. */
    int greedy[] = {5, 11, n - 1};
    double gd = score_set(it, n, &p, greedy, 3);
    OK(gd > 0 && d <= gd + 1e-9, "total fit %.1f vs first fit %.1f", d, gd);
    free(lines);
}

/* Eight words 2 wide, glue 1 (+1, -0.5), measure 10, TeX's defaults (tolerance 200,
 * line penalty 10, 10000 between fitness classes more than one apart). Worked by hand:
 * k words on a line are 3k - 1 wide with k - 1 glues, so
 *   3 words: 8, short by 2 of stretch 2: r = 1, badness 100, loose (class 1);
 *   4 words: 11, over by 1 of shrink 1.5: r = -2/3, badness 100 (2/3)^3 = 29.63, tight (3);
 *   2 words: 5, r = 5: badness 10000 > 200; 5 words: 14, over by 4 > 1.5+0.5: infeasible.
 * The last line ends with the fill, so it only shrinks when over the measure.
 *   4 | 4: 2 (10 + 29.63)^2 = 3141.0 (both tight: no class jump);
 *   3 | 3 | 2: 110^2 + 110^2 + 10^2 = 24300 (what first fit, filling each line at
 *   natural width, gives); 4 | 3 | 1 and 3 | 4 | 1: 1570.5 + 12100 + 10000 + 100 = 23770.5.
 * The optimum is 4 | 4, breaking at the glue after the fourth word (item 7). */
static void test_hand_worked_optimum(void) {
    lb_item it[32];
    int n = 0;
    for (int w = 0; w < 8; w++) {
        if (w) it[n++] = glue(1, 1, 0.5);
        it[n++] = box(2);
    }
    n = finish(it, n);
    lb_params p = lb_defaults(10);
    lb_line *lines = NULL;
    double d = 0;
    int k = lb_break(it, n, &p, &lines, &d);
    INT_EQ(k, 2);
    if (k == 2) {
        INT_EQ(lines[0].end, 7);
        INT_EQ(lines[1].start, 8);
        INT_EQ(lines[1].end, n - 1);
        OK(fabs(lines[0].ratio + 2.0 / 3) < 1e-9 && fabs(lines[1].ratio + 2.0 / 3) < 1e-9, "ratios %g %g",
           lines[0].ratio, lines[1].ratio);
    }
    double b = 100 * 8.0 / 27;
    OK(fabs(d - 2 * (10 + b) * (10 + b)) < 1e-6, "demerits %.4f, want %.4f", d, 2 * (10 + b) * (10 + b));
    int first_fit[] = {5, 11, n - 1};
    OK(fabs(score_set(it, n, &p, first_fit, 3) - 24300) < 1e-6, "first fit scores %.1f", score_set(it, n, &p, first_fit, 3));
    free(lines);
}

/* One line: three words that fit; the ratio is the stretch used. */
static void test_one_line(void) {
    lb_item it[16];
    int n = 0;
    it[n++] = box(2), it[n++] = glue(1, 1, 0.5), it[n++] = box(2), it[n++] = glue(1, 1, 0.5), it[n++] = box(2);
    n = finish(it, n);
    lb_params p = lb_defaults(20);
    lb_line *lines = NULL;
    int k = lb_break(it, n, &p, &lines, NULL);
    INT_EQ(k, 1);
    if (k == 1) {
        INT_EQ(lines[0].start, 0);
        INT_EQ(lines[0].end, n - 1);
        OK(lines[0].ratio < 1e-3, "last line set with the fill: ratio %g", lines[0].ratio);
        OK(fabs(lines[0].natural - 8) < 1e-9, "natural %g", lines[0].natural);
    }
    free(lines);
}

/* Two lines forced by width; the glue at the break is dropped and the hyphen's width
 * counts on the line it ends. Hand-worked: width 7; "ab-" + "cde fg" ... */
static void test_hyphen_width_counts(void) {
    lb_item it[16];
    int n = 0;
    it[n++] = box(5), it[n++] = glue(1, 0.5, 0.33);
    it[n++] = box(1), it[n++] = pen(1, 50, true), it[n++] = box(4);
    n = finish(it, n);
    /* Width 8: "5 + 1 + 1 + hyphen 1" fits exactly. Width 7.6: the hyphen line is
     * overfull beyond its shrink of 0.33, "5" alone has no stretch (the glue at the
     * break is dropped) and "5 1 1 4" is 11 wide: nothing fits at tolerance 200. */
    lb_params p = lb_defaults(8);
    p.tolerance = 10000;
    lb_line *lines = NULL;
    int k = lb_break(it, n, &p, &lines, NULL);
    INT_EQ(k, 2);
    if (k == 2) {
        INT_EQ(lines[0].end, 3);
        OK(lines[0].hyphenated, "first line hyphenated");
        OK(fabs(lines[0].natural - 8) < 1e-9, "natural %g includes the hyphen", lines[0].natural);
        OK(fabs(lines[0].ratio) < 1e-9, "exact fit: ratio %g", lines[0].ratio);
        INT_EQ(lines[1].start, 4);
    }
    free(lines);
    p.width = p.first_width = 7.6;
    p.tolerance = 200; /* "5" alone has no stretch: badness 10000 */
    k = lb_break(it, n, &p, &lines, NULL);
    INT_EQ(k, 0);
    free(lines);
    /* With overfull lines allowed something is always set, and it is marked. */
    p.allow_overfull = true;
    k = lb_break(it, n, &p, &lines, NULL);
    OK(k >= 1, "overfull fallback sets %d lines", k);
    bool any_over = false;
    for (int i = 0; i < k; i++) any_over |= lines[i].overfull;
    OK(any_over, "an overfull line is marked");
    free(lines);
}

/* At most max_hyphen_run hyphenated lines in a row even when hyphens fit best. */
static void test_hyphen_run_limit(void) {
    lb_item it[64];
    int n = 0;
    for (int w = 0; w < 6; w++) {
        if (w) it[n++] = glue(1, 0.5, 0.33);
        it[n++] = box(3), it[n++] = pen(0.5, 0, true), it[n++] = box(3);
    }
    n = finish(it, n);
    lb_params p = lb_defaults(9.5);
    p.tolerance = 10000;
    p.double_hyphen_demerits = 0;
    p.final_hyphen_demerits = 0;
    p.max_hyphen_run = 1;
    lb_line *lines = NULL;
    int k = lb_break(it, n, &p, &lines, NULL);
    OK(k > 1, "%d lines", k);
    for (int i = 1; i < k; i++) OK(!(lines[i].hyphenated && lines[i - 1].hyphenated), "lines %d and %d both hyphenated", i - 1, i);
    free(lines);
}

static void test_badness(void) {
    OK(fabs(lb_badness(9, 1, 1, 10) - 100) < 1e-9, "r=1 is 100");
    OK(fabs(lb_badness(10.5, 1, 1, 10) - 12.5) < 1e-9, "r=-0.5 is 12.5");
    OK(lb_badness(12, 1, 1, 10) > LB_INF, "overfull");
    OK(lb_badness(10, 0, 0, 10) == 0, "exact");
    OK(lb_badness(5, 0, 0, 10) == LB_INF, "no stretch");
}

/*** Knuth and Plass's own example ***/

/* The paragraph of "Breaking Paragraphs into Lines" (1981; Digital Typography, ch. 3,
 * pp. 75-82) as its boxes, glue and penalties: each word a box of its letters' widths in
 * Monotype machine units (1/18 em, the paper's table), a space glue of width 6, stretch 3,
 * shrink 2, but 6/4/2 after a comma, 6/4/1 after a semicolon and 8/6/1 after a stop; a
 * hyphenation point (U+00AD here) a flagged penalty 50 carrying the hyphen's width 6, the
 * explicit hyphen of "lime-tree" a box of 6 and a flagged penalty 50 of no width. */
static const char frog[] =
    "In olden times when wish\u00ading still helped one, there lived a king whose daugh\u00adters were all "
    "beau\u00adti\u00adful; and the young\u00adest was so beau\u00adti\u00adful that the sun it\u00adself, which has seen so "
    "much, was aston\u00adished when\u00adever it shone in her face. Close by the king\u2019s castle lay a great dark "
    "for\u00adest, and un\u00adder an old lime-tree in the for\u00adest was a well, and when the day was very warm, the "
    "king\u2019s child went out into the for\u00adest and sat down by the side of the cool foun\u00adtain; and when she "
    "was bored she took a golden ball, and threw it up on high and caught it; and this ball was her "
    "favor\u00adite play\u00adthing.";

static int unit_width(const char *s, int *len) {
    static const char *const w[] = {"il,.;", "fjI-", "rst", "cez", "agov", "bdhknpquxy", "", "", "wC", "", "m"};
    static const int units[] = {5, 6, 7, 8, 9, 10, 0, 0, 13, 0, 15};
    *len = 1;
    if ((unsigned char)s[0] == 0xE2) { /* U+2019, the apostrophe */
        *len = 3;
        return 5;
    }
    for (int k = 0; k < 11; k++)
        if (w[k][0] && strchr(w[k], s[0])) return units[k];
    return -1;
}

/* The items, and for each the text it stands for (a box's letters, " " for glue). */
static int frog_items(lb_item *it, char (*text)[24]) {
    int n = 0, bw = 0, bl = 0;
    char last = 0;
    for (const char *s = frog;;) {
        bool shy = (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xAD;
        if (!*s || *s == ' ' || *s == '-' || shy) {
            if (bl) it[n] = box(bw), text[n][bl] = 0, n++, bw = bl = 0;
            if (!*s) break;
            if (*s == ' ') {
                it[n] = last == ',' ? glue(6, 4, 2) : last == ';' ? glue(6, 4, 1) : last == '.' ? glue(8, 6, 1)
                                                                                               : glue(6, 3, 2);
                strcpy(text[n++], " ");
                s++;
            } else if (*s == '-') {
                it[n] = box(6), strcpy(text[n++], "-");
                it[n] = pen(0, 50, true), text[n++][0] = 0;
                s++;
            } else {
                it[n] = pen(6, 50, true), text[n++][0] = 0;
                s += 2;
            }
            continue;
        }
        int len, u = unit_width(s, &len);
        OK(u > 0, "a width for '%c'", *s);
        bw += u;
        memcpy(text[n] + bl, s, (size_t)len), bl += len;
        last = *s;
        s += len;
    }
    for (int i = n; i < n + 3; i++) text[i][0] = 0;
    return finish(it, n);
}

/* Line i's text as the paper prints it: a line broken at a hyphenation point ends in "-". */
static void line_text(const lb_item *it, char (*text)[24], const lb_line *l, char *out) {
    out[0] = 0;
    for (int i = l->start; i < l->end; i++)
        if (it[i].kind != LB_PENALTY) strcat(out, text[i]);
    while (out[0] && out[strlen(out) - 1] == ' ') out[strlen(out) - 1] = 0;
    if (l->hyphenated && it[l->end].width > 0) strcat(out, "-");
}

/* The paper's settings: lines of `width` units, the first indented by an em (18),
 * adjustment ratios within [-1, 1] (badness 100), demerits (1 + b)^2 + p^2 and no extra
 * demerits for hyphens in a row or fitness classes; its breaks and the ratios it prints. */
static void check_frog(double width, const char *const *want, const double *ratio, int count) {
    lb_item it[400];
    char text[400][24];
    int n = frog_items(it, text);
    lb_params p = lb_defaults(width);
    p.first_width = width - 18;
    p.tolerance = 100, p.line_penalty = 1;
    p.adj_demerits = p.double_hyphen_demerits = p.final_hyphen_demerits = 0;
    lb_line *lines = NULL;
    int k = lb_break(it, n, &p, &lines, NULL);
    OK(k == count, "width %.0f: %d lines, got %d", width, count, k);
    for (int i = 0; i < k && i < count; i++) {
        char got[200];
        line_text(it, text, &lines[i], got);
        OK(strcmp(got, want[i]) == 0, "line %d: '%s', the paper has '%s'", i + 1, got, want[i]);
        if (i < count - 1)
            OK(fabs(lines[i].ratio - ratio[i]) < 0.0005, "line %d: ratio %.3f, the paper %.3f", i + 1, lines[i].ratio,
               ratio[i]);
    }
    free(lines);
}

/* The narrow setting (p. 81): lines of 390 units. */
static void test_knuth_plass_1981(void) {
    static const char *const narrow[] = {
        "In olden times when wishing still helped one,",
        "there lived a king whose daughters were all beau-",
        "tiful; and the youngest was so beautiful that the",
        "sun itself, which has seen so much, was aston-",
        "ished whenever it shone in her face. Close by the",
        "king\u2019s castle lay a great dark forest, and under an",
        "old lime-tree in the forest was a well, and when",
        "the day was very warm, the king\u2019s child went out",
        "into the forest and sat down by the side of the",
        "cool fountain; and when she was bored she took a",
        "golden ball, and threw it up on high and caught",
        "it; and this ball was her favorite plaything.",
    };
    static const double narrow_r[] = {0.857, 0.0, 0.280, 1.000, 0.067, -0.278, 0.536, -0.167, 0.700, -0.176, 0.357};
    check_frog(390, narrow, narrow_r, 12);
    /* The wide setting (p. 82): lines of 500 units. */
    static const char *const wide[] = {
        "In olden times when wishing still helped one, there lived a",
        "king whose daughters were all beautiful; and the youngest was",
        "so beautiful that the sun itself, which has seen so much, was",
        "astonished whenever it shone in her face. Close by the king\u2019s",
        "castle lay a great dark forest, and under an old lime-tree in the",
        "forest was a well, and when the day was very warm, the king\u2019s",
        "child went out into the forest and sat down by the side of the",
        "cool fountain; and when she was bored she took a golden ball,",
        "and threw it up on high and caught it; and this ball was her",
        "favorite plaything.",
    };
    static const double wide_r[] = {0.774, 0.179, 0.629, 0.545, 0.0, 0.079, 0.282, 0.294, 0.575};
    check_frog(500, wide, wide_r, 10);
}

/* Where no set of lines fits, the emergency pass must still prefer the least loose: a
 * list item of the PyO3 user guide, "#[derive(IntoPyObjectRef)] will invoke the function
 * with Cow::Borrowed", its two code spans unbreakable boxes (widths in points as set in
 * Charis SIL and Noto Sans Mono, a 325.84 pt measure). Every first line is looser than
 * badness 10000, so with the badness capped there as TeX caps it, "#[derive(...)] will"
 * alone (ratio 102) costs as much as the line through "with" (ratio 5.1) and was chosen. */
static void test_true_badness(void) {
    lb_item it[32];
    int n = 0;
    lb_item g = glue(3.08, 1.54, 1.02), hy = pen(3.36, 50, true);
    it[n++] = box(147.42), it[n++] = g, it[n++] = box(17.64), it[n++] = g;            /* code, will */
    it[n++] = box(9.14), it[n++] = hy, it[n++] = box(22.02), it[n++] = g;             /* in-voke */
    it[n++] = box(14.75), it[n++] = g;                                                /* the */
    it[n++] = box(20.24), it[n++] = hy, it[n++] = box(18.42), it[n++] = g;            /* func-tion */
    int with_glue = n + 1;
    it[n++] = box(21.00), it[n++] = g, it[n++] = box(73.71);                          /* with, code */
    n = finish(it, n);
    lb_params p = lb_defaults(325.84);
    p.tolerance = 10000, p.allow_overfull = true, p.max_hyphen_run = 2;
    p.short_last = 26.25, p.short_last_demerits = 10000;
    p.true_badness = true;
    lb_line *lines = NULL;
    int k = lb_break(it, n, &p, &lines, NULL);
    INT_EQ(k, 2);
    if (k == 2) {
        INT_EQ(lines[0].end, with_glue);
        OK(lines[0].ratio > 5 && lines[0].ratio < 5.3, "ratio %.2f", lines[0].ratio);
    }
    free(lines);
    /* The capped badness: every first line weighs 10000, and the tie goes to the first. */
    p.true_badness = false;
    k = lb_break(it, n, &p, &lines, NULL);
    OK(k == 2 && lines[0].end != with_glue, "capped badness now finds the line through \"with\" too (%d lines)", k);
    free(lines);
}

int main(void) {
    test_badness();
    test_knuth_plass_1981();
    test_one_line();
    test_hyphen_width_counts();
    test_hyphen_run_limit();
    test_total_fit_beats_first_fit();
    test_hand_worked_optimum();
    test_against_brute_force();
    test_true_badness();
    return CHECK_DONE();
}
