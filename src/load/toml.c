/* toml: book.toml's TOML into a tree, strictly (the first problem stops it, at its place). */
#include "load/toml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Arrays and inline tables nested deeper than this are refused (recursion stays bounded). */
#define TOML_MAX_DEPTH 32

typedef struct tparser {
    const char *s;
    size_t n, i;
    int line;
    size_t line_start;
    const char *display;
    diag *d;
    bool ok;
} tparser;

static int col_at(const tparser *p, size_t i) { return (int)(i - p->line_start) + 1; }

static void fail_at(tparser *p, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail_at(tparser *p, int line, int col, const char *fmt, ...) {
    if (!p->ok) return; /* the first problem only: what follows it cannot be trusted */
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(p->d, DIAG_ERROR, p->display, line, col, fmt, ap);
    va_end(ap);
    p->ok = false;
}
#define FAIL(p, ...) fail_at((p), (p)->line, col_at((p), (p)->i), __VA_ARGS__)

static bool at_end(const tparser *p) { return p->i >= p->n; }
static char cur(const tparser *p) { return p->i < p->n ? p->s[p->i] : '\0'; }
static bool starts(const tparser *p, const char *lit) {
    size_t k = strlen(lit);
    return p->n - p->i >= k && memcmp(p->s + p->i, lit, k) == 0;
}

/*** the tree ***/

static toml_value *value_new(toml_kind kind, int line, int col) {
    toml_value *v = xcalloc(1, sizeof *v);
    v->kind = kind;
    v->line = line, v->col = col;
    return v;
}

void toml_free(toml_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys) free(v->keys[i]);
        toml_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->string);
    free(v);
}

static void push_item(toml_value *t, char *key, toml_value *v) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
        if (t->kind == TOML_TABLE) t->keys = xrealloc(t->keys, t->cap * sizeof *t->keys);
    }
    if (t->kind == TOML_TABLE) t->keys[t->n] = key;
    t->items[t->n++] = v;
}

const toml_value *toml_get(const toml_value *table, const char *key) {
    if (!table || table->kind != TOML_TABLE) return NULL;
    for (size_t i = 0; i < table->n; i++)
        if (strcmp(table->keys[i], key) == 0) return table->items[i];
    return NULL;
}

const char *toml_kind_name(const toml_value *v) {
    switch (v->kind) {
    case TOML_TABLE: return "a table";
    case TOML_ARRAY: return "an array";
    case TOML_STRING: return "a string";
    case TOML_INTEGER: return "an integer";
    case TOML_FLOAT: return "a number";
    case TOML_BOOL: return "a boolean";
    }
    return "a value";
}

/*** white space, comments, line ends ***/

static void skip_blanks(tparser *p) {
    while (!at_end(p) && (cur(p) == ' ' || cur(p) == '\t')) p->i++;
}

static bool control_char(unsigned char ch) { return (ch < 0x20 && ch != '\t') || ch == 0x7F; }

static void skip_comment(tparser *p) {
    if (cur(p) != '#') return;
    while (!at_end(p) && cur(p) != '\n') {
        if (control_char((unsigned char)cur(p)) && !(cur(p) == '\r' && p->i + 1 < p->n && p->s[p->i + 1] == '\n')) {
            FAIL(p, "control character U+%04X in a comment", (unsigned char)cur(p));
            return;
        }
        p->i++;
    }
}

/* Past a line end ("\n" or "\r\n"); true when there was one. */
static bool newline(tparser *p) {
    if (starts(p, "\r\n")) p->i++;
    if (cur(p) != '\n') return false;
    p->i++;
    p->line++;
    p->line_start = p->i;
    return true;
}

/* The rest of a line after a key/value pair or a table header: blanks, a comment, its end. */
static void end_of_line(tparser *p) {
    skip_blanks(p);
    skip_comment(p);
    if (p->ok && !at_end(p) && !newline(p)) FAIL(p, "expected the end of the line, found '%c'", cur(p));
}

/* Blanks, comments and line ends (inside arrays). */
static void skip_space(tparser *p) {
    while (p->ok && !at_end(p)) {
        skip_blanks(p);
        skip_comment(p);
        if (!newline(p)) break;
    }
}

/*** strings ***/

static void put_utf8(buf *b, uint32_t u) {
    char e[4];
    size_t k;
    if (u < 0x80) e[0] = (char)u, k = 1;
    else if (u < 0x800) e[0] = (char)(0xC0 | u >> 6), e[1] = (char)(0x80 | (u & 0x3F)), k = 2;
    else if (u < 0x10000)
        e[0] = (char)(0xE0 | u >> 12), e[1] = (char)(0x80 | ((u >> 6) & 0x3F)), e[2] = (char)(0x80 | (u & 0x3F)), k = 3;
    else
        e[0] = (char)(0xF0 | u >> 18), e[1] = (char)(0x80 | ((u >> 12) & 0x3F)), e[2] = (char)(0x80 | ((u >> 6) & 0x3F)),
        e[3] = (char)(0x80 | (u & 0x3F)), k = 4;
    buf_put(b, e, k);
}

/* One escape after a backslash in a basic string. */
static void escape(tparser *p, buf *b) {
    int col = col_at(p, p->i - 1);
    char e = cur(p);
    p->i++;
    switch (e) {
    case 'b': buf_putc(b, '\b'); return;
    case 't': buf_putc(b, '\t'); return;
    case 'n': buf_putc(b, '\n'); return;
    case 'f': buf_putc(b, '\f'); return;
    case 'r': buf_putc(b, '\r'); return;
    case '"': buf_putc(b, '"'); return;
    case '\\': buf_putc(b, '\\'); return;
    case 'u':
    case 'U': {
        int digits = e == 'u' ? 4 : 8;
        uint32_t u = 0;
        for (int k = 0; k < digits; k++, p->i++) {
            char h = cur(p);
            int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (v < 0) {
                fail_at(p, p->line, col, "\\%c needs %d hexadecimal digits", e, digits);
                return;
            }
            u = u * 16 + (uint32_t)v;
        }
        if (u == 0 || (u >= 0xD800 && u < 0xE000) || u > 0x10FFFF || (u >= 0xFDD0 && u <= 0xFDEF) || (u & 0xFFFE) == 0xFFFE)
            fail_at(p, p->line, col, "\\%c%0*X is not a character a string may hold", e, digits, (unsigned)u);
        else
            put_utf8(b, u);
        return;
    }
    default:
        fail_at(p, p->line, col, "unknown escape '\\%c' in a string", e ? e : ' ');
    }
}

/* A string of either kind, single- or multi-line; the opening quote(s) at p->i. */
static char *read_string(tparser *p) {
    char q = cur(p);
    bool multi = starts(p, q == '"' ? "\"\"\"" : "'''");
    int line = p->line, col = col_at(p, p->i);
    p->i += multi ? 3 : 1;
    if (multi) newline(p); /* a line end right after the opening quotes is not part of it */
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    while (p->ok) {
        if (at_end(p)) {
            fail_at(p, line, col, "string not closed");
            break;
        }
        char ch = cur(p);
        if (ch == q && (!multi || starts(p, q == '"' ? "\"\"\"" : "'''"))) {
            p->i += multi ? 3 : 1;
            /* """a"""" ends with one quote inside: up to two more belong to the string */
            for (int extra = 0; multi && extra < 2 && cur(p) == q; extra++, p->i++) buf_putc(&b, q);
            break;
        }
        if (ch == '\n' || starts(p, "\r\n")) {
            if (!multi) {
                fail_at(p, line, col, "string not closed before the line end");
                break;
            }
            if (ch == '\r') p->i++;
            buf_putc(&b, '\n');
            newline(p);
            continue;
        }
        if (control_char((unsigned char)ch)) {
            FAIL(p, "control character U+%04X in a string", (unsigned char)ch);
            break;
        }
        if (ch == '\\' && q == '"') {
            p->i++;
            if (multi && (cur(p) == ' ' || cur(p) == '\t' || cur(p) == '\n' || cur(p) == '\r')) {
                /* a line-ending backslash: the line end and the blanks after it go */
                size_t save = p->i;
                skip_blanks(p);
                if (!newline(p)) {
                    p->i = save;
                    FAIL(p, "a backslash in a string must start an escape or end the line");
                    break;
                }
                skip_space(p);
                continue;
            }
            escape(p, &b);
            continue;
        }
        buf_putc(&b, ch);
        p->i++;
    }
    /* An escape may still spell what no text of the book may hold (\b, \f, \u0001): the
     * same refusal as for a YAML escape. */
    uint32_t cp;
    char tmp[64];
    if (p->ok && text_find_invalid(b.data, b.len, &cp) >= 0)
        fail_at(p, line, col, "%s in a string", text_problem(cp, tmp, sizeof tmp));
    if (!p->ok) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/*** keys ***/

static bool bare_char(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

typedef struct key_path {
    char **parts;
    int *cols;
    size_t n;
} key_path;

static void key_path_free(key_path *k) {
    for (size_t i = 0; i < k->n; i++) free(k->parts[i]);
    free(k->parts);
    free(k->cols);
    memset(k, 0, sizeof *k);
}

/* A key, dotted or not ("a", "a.b", "site.\"x y\""). */
static bool read_key(tparser *p, key_path *k) {
    memset(k, 0, sizeof *k);
    for (;;) {
        skip_blanks(p);
        int col = col_at(p, p->i);
        char *part = NULL;
        if (cur(p) == '"' || cur(p) == '\'') {
            if (starts(p, "\"\"\"") || starts(p, "'''")) {
                FAIL(p, "a key cannot be a multi-line string");
                break;
            }
            part = read_string(p);
            if (!part) break;
        } else {
            size_t start = p->i;
            while (!at_end(p) && bare_char(cur(p))) p->i++;
            if (p->i == start) {
                if (at_end(p) || cur(p) == '\n' || cur(p) == '\r') FAIL(p, "a key was expected");
                else FAIL(p, "a key was expected, found '%c'", cur(p));
                break;
            }
            part = xstrndup(p->s + start, p->i - start);
        }
        k->parts = xrealloc(k->parts, (k->n + 1) * sizeof *k->parts);
        k->cols = xrealloc(k->cols, (k->n + 1) * sizeof *k->cols);
        k->parts[k->n] = part;
        k->cols[k->n++] = col;
        skip_blanks(p);
        if (cur(p) != '.') return true;
        p->i++;
    }
    key_path_free(k);
    return false;
}

/* The table a key's part names under `t`, made when missing (implicitly: a later header may
 * still define it). NULL after reporting that it is something else. */
static toml_value *subtable(tparser *p, toml_value *t, const char *part, int col) {
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->keys[i], part) != 0) continue;
        toml_value *v = t->items[i];
        if (v->kind != TOML_TABLE || v->fixed) {
            fail_at(p, p->line, col, "'%s' is already %s (line %d); it cannot hold more keys", part, toml_kind_name(v),
                    v->line);
            return NULL;
        }
        return v;
    }
    toml_value *v = value_new(TOML_TABLE, p->line, col);
    push_item(t, xstrdup(part), v);
    return v;
}

/*** values ***/

static toml_value *read_value(tparser *p, int depth);

static toml_value *read_number(tparser *p) {
    int line = p->line, col = col_at(p, p->i);
    size_t start = p->i;
    while (!at_end(p) && (bare_char(cur(p)) || cur(p) == '+' || cur(p) == '.' || cur(p) == ':')) p->i++;
    size_t len = p->i - start;
    const char *t = p->s + start;
    char *clean = xmalloc(len + 1);
    size_t k = 0;
    bool is_float = false, date = false;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (ch == ':' || ((ch == '-' || ch == 'T') && i > 0 && t[i - 1] >= '0' && t[i - 1] <= '9' && !(i >= 1 && (t[i - 1] == 'e' || t[i - 1] == 'E')) &&
                          !(len > 1 && t[1] == 'x')))
            date = true;
        if (ch == '_') {
            bool ok = i > 0 && i + 1 < len && t[i - 1] >= '0' && t[i - 1] <= '9' && t[i + 1] >= '0' && t[i + 1] <= '9';
            if (!ok && !(len > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b'))) {
                fail_at(p, line, col, "'_' in a number must stand between digits");
                free(clean);
                return NULL;
            }
            continue;
        }
        if (ch == '.' || ((ch == 'e' || ch == 'E') && !(len > 1 && t[1] == 'x'))) is_float = true;
        clean[k++] = ch;
    }
    clean[k] = 0;
    toml_value *v = NULL;
    if (date) {
        fail_at(p, line, col, "dates and times are not supported in book.toml; write them as strings");
    } else if (strcmp(clean, "inf") == 0 || strcmp(clean, "+inf") == 0 || strcmp(clean, "-inf") == 0 ||
               strcmp(clean, "nan") == 0 || strcmp(clean, "+nan") == 0 || strcmp(clean, "-nan") == 0 || is_float) {
        char *end = NULL;
        errno = 0;
        double x = strtod(clean, &end);
        const char *digits = clean + (clean[0] == '+' || clean[0] == '-');
        bool leading_zero = digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9';
        bool dot_ok = !strstr(clean, ".") || (strstr(clean, ".")[1] >= '0' && strstr(clean, ".")[1] <= '9' &&
                                               strstr(clean, ".") > digits);
        if (!end || *end || k == 0 || leading_zero || !dot_ok || errno == ERANGE) {
            fail_at(p, line, col, "'%.*s' is not a number", (int)len, t);
        } else {
            v = value_new(TOML_FLOAT, line, col);
            v->number = x;
        }
    } else {
        int base = 10;
        const char *digits = clean;
        bool sign = clean[0] == '+' || clean[0] == '-';
        if (clean[0] == '0' && (clean[1] == 'x' || clean[1] == 'o' || clean[1] == 'b')) {
            base = clean[1] == 'x' ? 16 : clean[1] == 'o' ? 8 : 2;
            digits = clean + 2;
        }
        const char *d0 = digits + (base == 10 && sign);
        char *end = NULL;
        errno = 0;
        long long x = *digits && *d0 ? strtoll(digits, &end, base) : 0;
        bool leading_zero = base == 10 && d0[0] == '0' && d0[1];
        if (!*d0 || !end || *end || leading_zero || (base != 10 && (*digits == '+' || *digits == '-')) || errno == ERANGE) {
            if (errno == ERANGE) fail_at(p, line, col, "'%.*s' is too large for an integer", (int)len, t);
            else fail_at(p, line, col, "'%.*s' is not a number", (int)len, t);
        } else {
            v = value_new(TOML_INTEGER, line, col);
            v->integer = x;
        }
    }
    free(clean);
    return v;
}

static toml_value *read_array(tparser *p, int depth) {
    toml_value *a = value_new(TOML_ARRAY, p->line, col_at(p, p->i));
    p->i++; /* [ */
    for (;;) {
        skip_space(p);
        if (!p->ok) break;
        if (cur(p) == ']') {
            p->i++;
            return a;
        }
        toml_value *v = read_value(p, depth + 1);
        if (!v) break;
        push_item(a, NULL, v);
        skip_space(p);
        if (!p->ok) break;
        if (cur(p) == ',') {
            p->i++;
            continue;
        }
        if (cur(p) == ']') continue;
        if (at_end(p)) fail_at(p, a->line, a->col, "array not closed with ']'");
        else FAIL(p, "expected ',' or ']' in an array, found '%c'", cur(p));
        break;
    }
    toml_free(a);
    return NULL;
}

static bool assign(tparser *p, toml_value *table, int depth);

static toml_value *read_inline_table(tparser *p, int depth) {
    toml_value *t = value_new(TOML_TABLE, p->line, col_at(p, p->i));
    p->i++; /* { */
    skip_blanks(p);
    if (cur(p) == '}') {
        p->i++;
        t->fixed = t->header = true;
        return t;
    }
    while (p->ok) {
        if (!assign(p, t, depth + 1)) break;
        skip_blanks(p);
        if (cur(p) == ',') {
            p->i++;
            continue;
        }
        if (cur(p) == '}') {
            p->i++;
            t->fixed = t->header = true;
            return t;
        }
        FAIL(p, "expected ',' or '}' in an inline table (it must stay on one line)");
    }
    toml_free(t);
    return NULL;
}

static toml_value *read_value(tparser *p, int depth) {
    skip_blanks(p);
    if (depth > TOML_MAX_DEPTH) {
        FAIL(p, "arrays and inline tables nested deeper than %d levels", TOML_MAX_DEPTH);
        return NULL;
    }
    int line = p->line, col = col_at(p, p->i);
    char ch = cur(p);
    if (ch == '"' || ch == '\'') {
        char *s = read_string(p);
        if (!s) return NULL;
        toml_value *v = value_new(TOML_STRING, line, col);
        v->string = s;
        return v;
    }
    if (ch == '[') return read_array(p, depth);
    if (ch == '{') return read_inline_table(p, depth);
    if (starts(p, "true") || starts(p, "false")) {
        bool t = ch == 't';
        size_t k = t ? 4 : 5;
        if (p->i + k >= p->n || !bare_char(p->s[p->i + k])) {
            p->i += k;
            toml_value *v = value_new(TOML_BOOL, line, col);
            v->integer = t;
            return v;
        }
    }
    if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || starts(p, "inf") || starts(p, "nan")) return read_number(p);
    if (at_end(p) || ch == '\n' || ch == '\r' || ch == '#') FAIL(p, "a value was expected after '='");
    else FAIL(p, "a value was expected (a string, a number, true, false, an array or an inline table), found '%c'", ch);
    return NULL;
}

/* key = value, into `table` (dotted keys make the tables on the way). */
static bool assign(tparser *p, toml_value *table, int depth) {
    key_path k;
    if (!read_key(p, &k)) return false;
    skip_blanks(p);
    if (cur(p) != '=') {
        FAIL(p, "expected '=' after the key '%s'", k.parts[k.n - 1]);
        key_path_free(&k);
        return false;
    }
    p->i++;
    toml_value *t = table;
    for (size_t i = 0; i + 1 < k.n && t; i++) t = subtable(p, t, k.parts[i], k.cols[i]);
    toml_value *v = t ? read_value(p, depth) : NULL;
    if (v) {
        const toml_value *old = toml_get(t, k.parts[k.n - 1]);
        if (old) {
            fail_at(p, v->line, k.cols[k.n - 1], "duplicate key '%s' (first at line %d)", k.parts[k.n - 1], old->line);
            toml_free(v);
            v = NULL;
        } else {
            if (v->kind == TOML_TABLE) v->fixed = true;
            push_item(t, xstrdup(k.parts[k.n - 1]), v);
        }
    }
    key_path_free(&k);
    return v != NULL;
}

/* [a.b]: the table later keys go into. */
static toml_value *header(tparser *p, toml_value *root) {
    int line = p->line, col = col_at(p, p->i);
    if (starts(p, "[[")) {
        FAIL(p, "arrays of tables ([[…]]) are not supported in book.toml");
        return NULL;
    }
    p->i++;
    key_path k;
    if (!read_key(p, &k)) return NULL;
    skip_blanks(p);
    if (cur(p) != ']') {
        FAIL(p, "expected ']' to close the table header");
        key_path_free(&k);
        return NULL;
    }
    p->i++;
    toml_value *t = root;
    for (size_t i = 0; i < k.n && t; i++) t = subtable(p, t, k.parts[i], k.cols[i]);
    if (t && t->header) {
        fail_at(p, line, col, "table [%s] is defined twice (first at line %d)", k.parts[k.n - 1], t->line);
        t = NULL;
    } else if (t) {
        t->header = true;
        t->line = line, t->col = col;
    }
    key_path_free(&k);
    if (t) end_of_line(p);
    return p->ok ? t : NULL;
}

toml_value *toml_parse(const char *text, size_t len, const char *display, diag *d) {
    tparser p = {text, len, 0, 1, 0, display, d, true};
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) p.i = p.line_start = 3;
    toml_value *root = value_new(TOML_TABLE, 1, 1);
    root->header = true;
    toml_value *table = root;
    while (p.ok && !at_end(&p)) {
        skip_blanks(&p);
        skip_comment(&p);
        if (!p.ok || newline(&p) || at_end(&p)) continue;
        if (cur(&p) == '[') {
            table = header(&p, root);
        } else if (assign(&p, table, 0)) {
            end_of_line(&p);
        }
    }
    if (!p.ok) {
        toml_free(root);
        return NULL;
    }
    return root;
}
