/* admonition: MkDocs admonitions (!!!, ???, ???+) and content tabs (===, ===+) as
 * labelled block quotes, keeping lines and the body's columns (see admonition.h). */
#include "load/admonition.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Deeper than this, a marker is text: a bound on the prefix each line gets. */
#define MAX_DEPTH 16

typedef struct line_view {
    const char *s; /* the line, without its '\n' */
    size_t n;
} line_view;

/* Bytes of one indentation unit (four columns: four spaces, or up to three and a tab)
 * at s, or 0. */
static size_t indent_unit(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && i < 4 && s[i] == ' ') i++;
    if (i == 4) return 4;
    if (i < n && s[i] == '\t') return i + 1;
    return 0;
}

static bool is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

/* A fence opening or closing at s (up to three spaces, then 3+ ` or ~): its
 * character and length in *ch and *len; *bare when only blanks follow. */
static bool fence_at(const char *s, size_t n, char *ch, size_t *len, bool *bare) {
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ') i++;
    if (i >= n || (s[i] != '`' && s[i] != '~')) return false;
    size_t j = i;
    while (j < n && s[j] == s[i]) j++;
    if (j - i < 3) return false;
    *ch = s[i];
    *len = j - i;
    *bare = is_blank(s + j, n - j);
    return true;
}

/* A marker line: up to three spaces, "!!!", "???", "???+", "===" or "===+", a space,
 * for the first two a type word (and further class words), then an optional quoted
 * title, and nothing else. Its label into *label (caller frees), its column in *col. */
static bool marker_at(const char *s, size_t n, char **label, int *col) {
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ') i++;
    if (n - i < 4) return false;
    bool tab = memcmp(s + i, "===", 3) == 0;
    if (!tab && memcmp(s + i, "!!!", 3) != 0 && memcmp(s + i, "???", 3) != 0) return false;
    *col = (int)i + 1;
    size_t p = i + 3;
    if (p < n && s[p] == '+' && s[i] != '!') p++;
    if (p >= n || s[p] != ' ') return false;
    while (p < n && s[p] == ' ') p++;
    const char *type = s + p;
    size_t type_n = 0;
    while (p < n && !tab) {
        size_t w = p;
        while (p < n && (isalnum((unsigned char)s[p]) || s[p] == '-' || s[p] == '_')) p++;
        if (p == w) break;
        if (!type_n) type_n = p - w;
        while (p < n && s[p] == ' ') p++;
    }
    if (!tab && !type_n) return false;
    const char *title = NULL;
    size_t title_n = 0;
    if (p < n && s[p] == '"') {
        const char *q = memchr(s + p + 1, '"', n - p - 1);
        if (!q) return false;
        title = s + p + 1;
        title_n = (size_t)(q - title);
        p = (size_t)(q - s) + 1;
    } else if (tab) {
        return false;
    }
    if (!is_blank(s + p, n - p)) return false;
    if (title) {
        *label = xstrndup(title, title_n);
    } else {
        *label = xstrndup(type, type_n);
        (*label)[0] = (char)toupper((unsigned char)(*label)[0]);
    }
    return true;
}

static void add_label(admonition_set *set, int line, int col, char *label) {
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 8;
        set->labels = xrealloc(set->labels, set->cap * sizeof *set->labels);
    }
    set->labels[set->n++] = (admonition_label){line, col, label};
}

typedef struct rewriter {
    buf out;
    int depth;
    int pending_blanks;
    char fence_ch;   /* an open fence inside the current depth, else 0 */
    size_t fence_len;
    bool block_start; /* the line before was blank or a marker, or there was none */
    bool changed;
} rewriter;

static void put_blank(rewriter *w) {
    for (int k = 0; k < w->depth; k++) buf_puts(&w->out, k ? " >" : ">");
    buf_putc(&w->out, '\n');
}

/* One line: its body prefix rewritten, the fence state followed, a marker opening a level. */
static void rewrite_line(rewriter *w, line_view l, int line_no, admonition_set *set) {
    if (is_blank(l.s, l.n)) {
        w->pending_blanks++;
        w->block_start = true;
        return;
    }
    size_t at = 0, unit_at[MAX_DEPTH + 1];
    int units = 0;
    while (units < w->depth) {
        size_t u = indent_unit(l.s + at, l.n - at);
        if (!u) break;
        unit_at[units++] = at;
        at += u;
    }
    unit_at[units] = at;
    if (units < w->depth) {
        w->depth = units;
        w->fence_ch = 0;
    }
    for (; w->pending_blanks; w->pending_blanks--) put_blank(w);
    for (int k = 0; k < units; k++) {
        size_t u = unit_at[k + 1] - unit_at[k];
        /* "  > ": the quote's text starts where the body's does, so what is indented further
         * (a footnote's text two more, code four more) keeps its own indent */
        if (u == 4) buf_puts(&w->out, "  > ");
        else buf_putc(&w->out, '>'), buf_put(&w->out, l.s + unit_at[k], u); /* a tab keeps its stop */
    }
    const char *rest = l.s + at;
    size_t rest_n = l.n - at;
    char ch;
    size_t len;
    bool bare;
    char *label;
    int col;
    if (w->fence_ch) {
        if (fence_at(rest, rest_n, &ch, &len, &bare) && ch == w->fence_ch && len >= w->fence_len && bare) w->fence_ch = 0;
    } else if (fence_at(rest, rest_n, &ch, &len, &bare)) {
        w->fence_ch = ch;
        w->fence_len = len;
    } else if (w->block_start && w->depth < MAX_DEPTH && marker_at(rest, rest_n, &label, &col)) {
        add_label(set, line_no, (int)at + col, label);
        buf_put(&w->out, rest, (size_t)col - 1);
        buf_putc(&w->out, '>');
        if (rest_n && rest[rest_n - 1] == '\r') buf_putc(&w->out, '\r');
        buf_putc(&w->out, '\n');
        w->depth++;
        w->block_start = true;
        w->changed = true;
        return;
    }
    buf_put(&w->out, rest, rest_n);
    buf_putc(&w->out, '\n');
    w->block_start = false;
}

char *admonition_rewrite(const char *src, size_t len, size_t *out_len, admonition_set *set) {
    /* most chapters have none: a quick look for a marker before any copy */
    bool maybe = false;
    for (const char *p = src; p + 3 <= src + len && !maybe; p++) {
        p = memchr(p, '\n', (size_t)(src + len - p));
        if (!p) break;
        const char *q = p + 1;
        while (q < src + len && *q == ' ') q++;
        maybe = src + len - q >= 3 && (!memcmp(q, "!!!", 3) || !memcmp(q, "???", 3) || !memcmp(q, "===", 3));
    }
    if (!maybe && !(len >= 3 && (!memcmp(src, "!!!", 3) || !memcmp(src, "???", 3) || !memcmp(src, "===", 3))))
        return NULL;
    rewriter w = {.block_start = true};
    buf_init(&w.out);
    const char *p = src, *end = src + len;
    int line_no = 1;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        rewrite_line(&w, (line_view){p, n}, line_no++, set);
        p += n + (eol ? 1 : 0);
    }
    for (; w.pending_blanks; w.pending_blanks--) buf_putc(&w.out, '\n');
    if (!w.changed) {
        buf_free(&w.out);
        return NULL;
    }
    /* the source's last line had no '\n': neither has the copy */
    if (len && src[len - 1] != '\n' && w.out.len) w.out.data[--w.out.len] = '\0';
    return buf_detach(&w.out, out_len);
}

const admonition_label *admonition_at(const admonition_set *set, int line) {
    /* labels are added in line order */
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->labels[mid].line < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < set->n && set->labels[lo].line == line ? &set->labels[lo] : NULL;
}

void admonition_set_free(admonition_set *set) {
    for (size_t i = 0; i < set->n; i++) free(set->labels[i].label);
    free(set->labels);
    *set = (admonition_set){0};
}

/*** Docusaurus and VuePress ::: containers ***/

#define CONTAINER_MAX_OPEN 16

/* A marker line: up to three spaces, three or more colons, then (to open) a type word
 * and an optional title ("Title", or "[Title]" right after the type); *kind 1 opens,
 * 2 closes, 0 is neither. */
/* pymdownx.blocks' names ("/// tip", "/// details | Title", "/// tab | Python"): a
 * "///" line naming anything else is text (a Rust doc comment in indented code). */
static bool block_name(const char *s, size_t n) {
    static const char *const names[] = {"admonition", "note",    "attention", "caution", "danger",  "error",
                                        "hint",       "important", "tip",     "warning", "info",    "success",
                                        "question",   "failure", "bug",       "example", "quote",   "abstract",
                                        "summary",    "tldr",    "todo",      "seealso", "details", "tab",
                                        NULL};
    for (int k = 0; names[k]; k++)
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0) return true;
    return false;
}

static int container_marker(const char *s, size_t n, char **label, int *col) {
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ') i++;
    char mark = i < n && (s[i] == ':' || s[i] == '/') ? s[i] : 0;
    size_t c = i;
    while (mark && c < n && s[c] == mark) c++;
    if (c - i < 3) return 0;
    *col = (int)i + 1;
    size_t p = c;
    while (p < n && s[p] == ' ') p++;
    if (is_blank(s + p, n - p)) return 2;
    size_t type = p;
    while (p < n && (isalnum((unsigned char)s[p]) || s[p] == '-' || s[p] == '_')) p++;
    if (p == type) return 0;
    size_t type_n = p - type;
    const char *title = NULL;
    size_t title_n = 0;
    if (mark == '/') {
        if (!block_name(s + type, type_n)) return 0;
        while (p < n && s[p] == ' ') p++;
        if (p < n && s[p] == '|') {
            p++;
            while (p < n && s[p] == ' ') p++;
            size_t e = n;
            while (e > p && (s[e - 1] == ' ' || s[e - 1] == '\r')) e--;
            if (e > p) title = s + p, title_n = e - p;
        } else if (!is_blank(s + p, n - p)) {
            return 0;
        }
    } else if (p < n && s[p] == '[') {
        const char *q = memchr(s + p, ']', n - p);
        if (!q || !is_blank(q + 1, (size_t)(s + n - q - 1))) return 0;
        title = s + p + 1, title_n = (size_t)(q - s) - p - 1;
    } else if (p < n && s[p] != ' ' && s[p] != '\r') {
        return 0;
    } else {
        while (p < n && s[p] == ' ') p++;
        size_t e = n;
        while (e > p && (s[e - 1] == ' ' || s[e - 1] == '\r')) e--;
        if (e > p) title = s + p, title_n = e - p;
    }
    if (title && title_n) {
        *label = xstrndup(title, title_n);
    } else {
        *label = xstrndup(s + type, type_n);
        (*label)[0] = (char)toupper((unsigned char)(*label)[0]);
    }
    return 1;
}

static void add_span(container_set *set, container_span sp) {
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 8;
        set->spans = xrealloc(set->spans, set->cap * sizeof *set->spans);
    }
    set->spans[set->n++] = sp;
}

char *container_rewrite(const char *src, size_t len, size_t *out_len, container_set *set) {
    bool maybe = false;
    for (size_t i = 0; i + 3 <= len && !maybe; i++)
        maybe = (src[i] == ':' || src[i] == '/') && src[i + 1] == src[i] && src[i + 2] == src[i];
    if (!maybe) return NULL;
    buf out;
    buf_init(&out);
    container_span open[CONTAINER_MAX_OPEN];
    int depth = 0, line_no = 1;
    char fence_ch = 0;
    size_t fence_len = 0;
    bool changed = false;
    const char *p = src, *end = src + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        char ch;
        size_t flen;
        bool bare;
        char *label = NULL;
        int col = 0, kind = 0;
        size_t lead = 0;
        while (lead < n && (p[lead] == ' ' || p[lead] == '\t')) lead++;
        if (fence_ch) {
            if (fence_at(p + (lead > 3 ? lead - 3 : 0), n - (lead > 3 ? lead - 3 : 0), &ch, &flen, &bare) && ch == fence_ch &&
                flen >= fence_len && bare)
                fence_ch = 0;
        } else if (fence_at(p + (lead > 3 ? lead - 3 : 0), n - (lead > 3 ? lead - 3 : 0), &ch, &flen, &bare)) {
            fence_ch = ch, fence_len = flen;
        } else {
            /* inside a list item the marker is indented as the item's text */
            kind = container_marker(p + (lead > 3 ? lead - 3 : 0), n - (lead > 3 ? lead - 3 : 0), &label, &col);
            col += (int)(lead > 3 ? lead - 3 : 0);
        }
        if (kind == 1 && depth == CONTAINER_MAX_OPEN) free(label), kind = 0;
        if (kind == 2 && depth == 0) kind = 0;
        if (kind == 1) {
            open[depth++] = (container_span){line_no, 0, col, label};
        } else if (kind == 2) {
            container_span sp = open[--depth];
            sp.close = line_no;
            add_span(set, sp);
        }
        if (kind) {
            changed = true;
            if (n && p[n - 1] == '\r') buf_putc(&out, '\r');
        } else {
            buf_put(&out, p, n);
        }
        if (eol) buf_putc(&out, '\n');
        p += n + (eol ? 1 : 0);
        line_no++;
    }
    while (depth) {
        container_span sp = open[--depth];
        sp.close = line_no;
        add_span(set, sp);
    }
    if (!changed) {
        buf_free(&out);
        return NULL;
    }
    return buf_detach(&out, out_len);
}

void container_set_free(container_set *set) {
    for (size_t i = 0; i < set->n; i++) free(set->spans[i].label);
    free(set->spans);
    *set = (container_set){0};
}
