/* diag: formatting and counting of messages. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

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

static const char *const level_names[] = {"error", "warning", "note"};

/* Keeps (when capturing) and prints one formatted message. `level_at` is where
 * "error: …" starts in msg, coloured on a terminal; (size_t)-1 prints it plain. */
static void emit(diag *d, diag_level level, const char *msg, size_t len, size_t level_at) {
    if (d->capture) {
        buf c = {d->captured, d->captured_len, d->captured ? d->captured_len + 1 : 0};
        if (c.len) buf_putc(&c, '\n');
        buf_put(&c, msg, len);
        d->captured = c.data;
        d->captured_len = c.len;
    }
    if (!d->out) return;
    if (d->color && level_at != (size_t)-1) {
        static const char *const colors[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};
        const char *name = level_names[level];
        fprintf(d->out, "%.*s%s%s:\033[0m%.*s\n", (int)level_at, msg, colors[level], name,
                (int)(len - level_at - strlen(name) - 1), msg + level_at + strlen(name) + 1);
    } else {
        fprintf(d->out, "%.*s\n", (int)len, msg);
    }
}

void diag_vreport(diag *d, diag_level level, const char *file, int line, int col, const char *fmt, va_list ap) {
    bool promoted = d->strict && level == DIAG_WARNING;
    if (promoted) level = DIAG_ERROR;
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
    size_t level_at = msg.len;
    buf_printf(&msg, "%s: ", level_names[level]);
    buf_vprintf(&msg, fmt, ap);
    if (promoted) buf_puts(&msg, " (a warning; strict mode makes it an error)");
    emit(d, level, msg.data, msg.len, level_at);
    buf_free(&msg);
}

void diag_merge(diag *into, const diag *from) {
    into->errors += from->errors;
    into->warnings += from->warnings;
    const char *p = from->captured;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, n);
        /* The level is read back from the text diag_vreport wrote. */
        diag_level level = DIAG_NOTE;
        size_t level_at = (size_t)-1;
        for (int l = 0; l < 3 && level_at == (size_t)-1; l++) {
            char key[16];
            snprintf(key, sizeof key, ": %s: ", level_names[l]);
            const char *mark = strstr(line, key);
            if (mark) level = (diag_level)l, level_at = (size_t)(mark - line) + 2;
        }
        if (!(into->quiet && level != DIAG_ERROR)) emit(into, level, line, n, level_at);
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
