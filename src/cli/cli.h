/* cli: the commands behind quire's command line. main.c parses arguments and
 * calls these; they live in the core library so tests can call them too. */
#ifndef QUIRE_CLI_H
#define QUIRE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/diag.h"
#include "load/book.h"

typedef struct cli_options {
    const char *book_dir;    /* default "book" */
    const char *out_dir;     /* NULL: "out" */
    bool want_pdf, want_epub;
    bool quiet, verbose;
    bool progress;           /* may draw a progress line on stderr (a terminal) */
    bool color;              /* colour the summary line (a terminal, no NO_COLOR) */
    book_options book;
} cli_options;

/* What one build did, for the summary line and for watch. */
typedef struct cli_build_report {
    int rc;                  /* QUIRE_OK, QUIRE_EINPUT or QUIRE_EIO */
    char *pdf_path, *epub_path; /* malloc'd; NULL when that artifact was not wanted */
    bool pdf_ok, epub_ok;    /* written by this build */
    int pages;
    double t_load, t_pdf, t_epub, t_total; /* seconds */
    int warnings, errors;
    char **inputs;           /* files the book was read from (book.yaml, chapters, style, */
    size_t n_inputs;         /* images, fonts); filled only when the book loaded */
} cli_build_report;

void cli_build_report_free(cli_build_report *r);

/* Loads the book once and writes the wanted artifacts. Errors and warnings go to d. */
int cli_build(const cli_options *o, diag *d, cli_build_report *r);

/* The one-line summary ("out/a.pdf  6 pages  92 KB · out/a.epub  140 KB · 0.04 s").
 * Empty when nothing was written. `always_warnings` adds "0 warnings" too. Caller frees. */
char *cli_summary(const cli_build_report *r, bool color, bool always_warnings);

/* `quire build`: cli_build plus the summary on stdout and, verbose, stage timings on stderr. */
int cli_cmd_build(const cli_options *o, diag *d);

/* `quire watch`: builds, then rebuilds whenever an input changes, until SIGINT/SIGTERM. */
int cli_cmd_watch(const cli_options *o, diag *d);

/* `quire new DIR`: writes a small working book into a new or empty folder. */
int cli_cmd_new(const char *dir, const char *style, bool quiet, diag *d);

/* `quire styles [BOOK_DIR]`: lists the styles found, one a line, on `out`.
 * book_dir may be NULL (data folders only). */
int cli_cmd_styles(const char *book_dir, FILE *out, diag *d);

/* The scaffold's texts, for tests: book.yaml for `name` with the given identifier and date. Caller frees. */
char *cli_new_manifest(const char *name, const char *title, const char *uuid, const char *date, const char *style);
extern const char cli_new_chapter[];

/* A fresh random (version 4) UUID from /dev/urandom into out (37 bytes). False when unreadable. */
bool cli_uuid4(char out[37]);

/* Progress line on stderr, shown only once a build has run for a second. */
typedef struct cli_progress cli_progress;
/* NULL (a valid no-op handle) unless enabled. While it runs, d->out goes through it
 * so messages clear the line first; cli_progress_end restores d->out. */
cli_progress *cli_progress_start(bool enabled, diag *d);
void cli_progress_stage(cli_progress *p, const char *label);
void cli_progress_end(cli_progress *p);

#endif
