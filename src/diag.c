/* diag: formatting and counting of messages. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void diag_init(diag *d) {
    memset(d, 0, sizeof *d);
    d->out = stderr;
    const char *nc = getenv("NO_COLOR");
    d->color = isatty(fileno(stderr)) && !(nc && *nc);
}

void diag_free(diag *d) {
    free(d->captured);
    d->captured = NULL;
    d->captured_len = 0;
}

void diag_report(diag *d, diag_level level, const char *file, int line, int col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, level, file, line, col, fmt, ap);
    va_end(ap);
}

void diag_vreport(diag *d, diag_level level, const char *file, int line, int col, const char *fmt, va_list ap) {
    if (level == DIAG_ERROR) d->errors++;
    else if (level == DIAG_WARNING) d->warnings++;
    if (d->quiet && level != DIAG_ERROR) return;

    buf msg;
    buf_init(&msg);
    if (file) {
        buf_puts(&msg, file);
        if (line > 0) {
            buf_printf(&msg, ":%d", line);
            if (col > 0) buf_printf(&msg, ":%d", col);
        }
        buf_puts(&msg, ": ");
    } else {
        buf_puts(&msg, "quire: ");
    }
    static const char *names[] = {"error", "warning", "note"};
    static const char *colors[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};
    size_t plain_start = msg.len;
    buf_printf(&msg, "%s: ", names[level]);
    buf_vprintf(&msg, fmt, ap);

    if (d->capture) {
        buf c = {d->captured, d->captured_len, d->captured ? d->captured_len + 1 : 0};
        if (c.len) buf_putc(&c, '\n');
        buf_put(&c, msg.data, msg.len);
        d->captured = c.data;
        d->captured_len = c.len;
    }
    if (d->out) {
        if (d->color) {
            fwrite(msg.data, 1, plain_start, d->out);
            fprintf(d->out, "%s%s:\033[0m%s\n", colors[level], names[level],
                    msg.data + plain_start + strlen(names[level]) + 1);
        } else {
            fprintf(d->out, "%s\n", msg.data);
        }
    }
    buf_free(&msg);
}

void diag_merge(diag *into, const diag *from) {
    static const char *names[] = {"error", "warning", "note"};
    into->errors += from->errors;
    into->warnings += from->warnings;
    const char *p = from->captured;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, n);
        /* Re-emit through diag_report's formatting, keeping the original position text. */
        diag_level level = DIAG_NOTE;
        char *mark = NULL;
        for (int l = 0; l < 3 && !mark; l++) {
            char key[16];
            snprintf(key, sizeof key, ": %s: ", names[l]);
            mark = strstr(line, key);
            if (mark) level = (diag_level)l;
        }
        if (!(into->quiet && level != DIAG_ERROR)) {
            if (into->capture) {
                buf c = {into->captured, into->captured_len, into->captured ? into->captured_len + 1 : 0};
                if (c.len) buf_putc(&c, '\n');
                buf_put(&c, line, n);
                into->captured = c.data;
                into->captured_len = c.len;
            }
            if (into->out) {
                if (into->color && mark) {
                    static const char *colors[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};
                    size_t name_len = strlen(names[level]);
                    fprintf(into->out, "%.*s: %s%s:\033[0m%s\n", (int)(mark - line), line, colors[level],
                            names[level], mark + 2 + name_len + 1);
                } else {
                    fprintf(into->out, "%s\n", line);
                }
            }
        }
        free(line);
        p = nl ? nl + 1 : NULL;
    }
}

static size_t edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= m; j++) row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[m];
}

const char *diag_suggest(const char *word, const char *const *candidates) {
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (const char *const *c = candidates; *c; c++) {
        size_t dd = edit_distance(word, *c);
        if (dd < best_d) best_d = dd, best = *c;
    }
    size_t limit = strlen(word) / 3 + 1;
    if (limit > 3) limit = 3;
    return best_d <= limit ? best : NULL;
}
