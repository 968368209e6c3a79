/* diag: every message quire gives about its input, as `file:line:col: level: text`. */
#ifndef QUIRE_DIAG_H
#define QUIRE_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of the command line, also returned by the stages. */
enum {
    QUIRE_OK = 0,
    QUIRE_EINPUT = 1,  /* bad book, chapter, style, font or image */
    QUIRE_EUSAGE = 2,  /* bad command line */
    QUIRE_EIO = 3      /* could not write an artifact */
};

typedef enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

/* A collector: counts messages and prints them to `out` (stderr by default).
 * With `capture` set, messages are also kept in `captured` for tests. */
typedef struct diag {
    FILE *out;
    bool color;        /* ANSI colours (only on a TTY and without NO_COLOR) */
    bool quiet;        /* drop warnings and notes */
    bool strict;       /* warnings are errors (--strict, `strict: true`): counted and printed as such */
    bool capture;
    char *captured;    /* malloc'd, all messages joined by '\n' when capture is on */
    size_t captured_len;
    int errors;
    int warnings;
} diag;

/* Initialises with stderr, colour from isatty/NO_COLOR. */
void diag_init(diag *d);
void diag_free(diag *d);

/* `file` may be NULL (message without position); line/col 0 are left out. */
void diag_report(diag *d, diag_level level, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

void diag_vreport(diag *d, diag_level level, const char *file, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#define diag_error(d, file, line, col, ...) diag_report((d), DIAG_ERROR, (file), (line), (col), __VA_ARGS__)
#define diag_warning(d, file, line, col, ...) diag_report((d), DIAG_WARNING, (file), (line), (col), __VA_ARGS__)

/* Adds the counts and messages of `from` (which had capture on) to `into`,
 * printing them as `into` would have: for work done on another thread. */
void diag_merge(diag *into, const diag *from);

/* Finds the candidate closest to `word` by edit distance (for "did you mean"),
 * or NULL when none is close enough. `candidates` ends with NULL. */
const char *diag_suggest(const char *word, const char *const *candidates);

#endif
