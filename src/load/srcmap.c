/* srcmap: stretches of a put-together text, found by binary search. */
#include "load/srcmap.h"

#include <stdlib.h>

#include "base/util.h"

static bool before(const srcmap_seg *s, int line, int col) { return s->line < line || (s->line == line && s->col <= col); }

void srcmap_add(srcmap *m, int line, int col, const char *file, const char *shown, int src_line, int src_col) {
    if (m->n) {
        const srcmap_seg *last = &m->seg[m->n - 1];
        /* the next line of the same file, at its first column, is already said */
        bool continues = last->file == file && col == 1 && src_col == 1 && line > last->line &&
                         src_line - last->src_line == line - last->line;
        bool same_place = last->file == file && last->line == line && last->col == col && last->src_line == src_line &&
                          last->src_col == src_col;
        if (continues || same_place) return;
        if (last->line == line && last->col == col) m->n--; /* an empty stretch: replaced */
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->seg = xrealloc(m->seg, m->cap * sizeof *m->seg);
    }
    m->seg[m->n++] = (srcmap_seg){line, col, file, shown, src_line, src_col};
}

bool srcmap_find(const srcmap *m, int line, int col, srcmap_seg *out) {
    if (!m || !m->n || !before(&m->seg[0], line, col)) return false;
    size_t lo = 0, hi = m->n; /* seg[lo] starts at or before; seg[hi] after (or the end) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (before(&m->seg[mid], line, col)) lo = mid;
        else hi = mid;
    }
    const srcmap_seg *s = &m->seg[lo];
    *out = *s;
    out->line = line, out->col = col;
    out->src_line = s->src_line + (line - s->line);
    out->src_col = line == s->line ? s->src_col + (col - s->col) : col;
    return true;
}

void srcmap_free(srcmap *m) {
    free(m->seg);
    m->seg = NULL;
    m->n = m->cap = 0;
}
