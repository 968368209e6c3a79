/* cli_build: one build (load once, write PDF and EPUB), its summary line and timings. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/rsvglib.h"
#include "base/util.h"
#include "base/xmllib.h"
#include "cli/cli.h"
#include "ebook/epub.h"
#include "print/pdf.h"
#include "print/qpdflib.h"

void cli_build_report_free(cli_build_report *r) {
    free(r->pdf_path);
    free(r->epub_path);
    for (size_t i = 0; i < r->n_inputs; i++) free(r->inputs[i]);
    free(r->inputs);
    memset(r, 0, sizeof *r);
}

/* mkdir -p: the output folder may be nested (quire build b -o b/out/print). */
static int make_dirs(const char *dir, diag *d) {
    if (path_is_dir(dir)) return QUIRE_OK;
    char *tmp = xstrdup(dir);
    int rc = QUIRE_OK;
    for (char *p = tmp + 1; rc == QUIRE_OK; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end) continue;
        *p = '\0';
        if (!path_is_dir(tmp) && mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            diag_error(d, tmp, 0, 0, "cannot create output folder: %s", strerror(errno));
            rc = QUIRE_EIO;
        }
        if (end) break;
        *p = '/';
    }
    free(tmp);
    return rc;
}

static void add_input(cli_build_report *r, size_t *cap, const char *path) {
    if (!path || !*path) return;
    for (size_t i = 0; i < r->n_inputs; i++)
        if (strcmp(r->inputs[i], path) == 0) return;
    if (r->n_inputs == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        r->inputs = xrealloc(r->inputs, *cap * sizeof *r->inputs);
    }
    r->inputs[r->n_inputs++] = xstrdup(path);
}

/* Every file the model was built from, so watch knows what to watch next. */
static void collect_inputs(const model_book *book, cli_build_report *r) {
    size_t cap = 0;
    char *p = path_join(book->dir, "book.yaml");
    add_input(r, &cap, p);
    free(p);
    for (size_t i = 0; i < book->n_chapters; i++) {
        p = path_join(book->dir, book->chapters[i].file);
        add_input(r, &cap, p);
        free(p);
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
            if (ev == MODEL_EVENT_ENTER && n->type == MODEL_FIGURE) add_input(r, &cap, n->as.figure.image.path);
    }
    if (book->style) add_input(r, &cap, book->style->path);
    if (book->meta.has_cover) add_input(r, &cap, book->meta.cover.path);
    for (size_t i = 0; i < book->n_fonts; i++) add_input(r, &cap, book->fonts[i].path);
}

/* The EPUB writer on its own thread: it only reads the model, as the PDF writer does,
 * so both artifacts are made at once on two cores. Messages are collected and
 * replayed after the join so their order on the terminal stays whole. */
typedef struct epub_job {
    const model_book *book;
    const model_page_map *pages;
    atomic_file *out;
    diag d;
    int rc;
    double seconds;
} epub_job;

static void *epub_thread(void *arg) {
    epub_job *job = arg;
    double t = monotonic_seconds();
    job->rc = epub_write_to(job->book, job->pages, job->out, &job->d);
    job->seconds = monotonic_seconds() - t;
    return NULL;
}

/* Above this much text the e-book gets no print page list, whether the PDF is built or not
 * (so `--epub` and a full build still agree): laying out a book that size only to count
 * its pages would take longer than writing the e-book by far. */
#define PAGE_LIST_MAX_BYTES (8u << 20)

static size_t text_bytes(const model_book *book) {
    size_t w = 0;
    for (size_t i = 0; i < book->n_chapters && w <= PAGE_LIST_MAX_BYTES; i++) {
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
            if (ev == MODEL_EVENT_ENTER && n->text) w += strlen(n->text);
    }
    return w;
}

/* The print layout's hyphenation patterns load while the chapters are read (both
 * writers lay the book out). */
static void prefetch_for_layout(const model_book *book, size_t chapter_bytes, void *arg) {
    pdf_prefetch(book, chapter_bytes);
}

/* The print layout, first: the e-book carries its page breaks. Without the PDF it is
 * made only for the e-book's page list, quietly (its messages are the PDF's business).
 * True when laid out; *pdf_rc gets the layout's status when the PDF is wanted. */
static bool lay_out(const cli_options *o, model_book *book, cli_progress *prog, diag *d, pdf_doc *doc,
                    int *pdf_rc) {
    if (o->want_pdf) {
        cli_progress_stage(prog, "layout");
        *pdf_rc = pdf_doc_build_for_pdf(doc, book, d);
        return *pdf_rc == QUIRE_OK;
    }
    if (!o->want_epub || text_bytes(book) > PAGE_LIST_MAX_BYTES) return false;
    diag quiet;
    diag_init(&quiet);
    quiet.out = NULL;
    quiet.capture = true;
    bool ok = pdf_doc_build(doc, book, &quiet) == QUIRE_OK;
    diag_free(&quiet);
    return ok;
}

/* The EPUB on a thread of its own while the PDF is drawn, its messages captured for
 * merging. False when no thread could start (the EPUB is then written afterwards). */
static bool start_epub_thread(epub_job *job, pthread_t *tid, const diag *d) {
    diag_init(&job->d);
    job->d.out = NULL;
    job->d.capture = true;
    job->d.strict = d->strict;
    if (pthread_create(tid, NULL, epub_thread, job) == 0) return true;
    diag_free(&job->d);
    return false;
}

/* Opens the temporary file of an artifact the build wants (path NULL: not wanted). */
static int open_artifact(const char *path, atomic_file *af, diag *d) {
    if (!path || atomic_open(af, path) == 0) return QUIRE_OK;
    diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
    return QUIRE_EIO;
}

/* Both artifacts complete: each renamed over its old file, the PDF first. Either fails:
 * neither is, so a failed build leaves the previous pair as it was, not a new file of
 * one format beside an old one of the other. Only a rename that fails after the first
 * succeeded can still part them, and then the message says so. */
static void drop_artifacts(atomic_file *pdf, atomic_file *epub, const char *complete, diag *d) {
    if (complete)
        diag_report(d, DIAG_NOTE, complete, 0, 0,
                    "not written either: a build writes its PDF and its EPUB together or neither");
    atomic_abort(pdf);
    atomic_abort(epub);
}

static void commit_artifacts(atomic_file *pdf, atomic_file *epub, int *pdf_rc, int *epub_rc, diag *d,
                             cli_build_report *r) {
    if (*pdf_rc != QUIRE_OK || *epub_rc != QUIRE_OK) {
        drop_artifacts(pdf, epub, *pdf_rc == QUIRE_OK ? r->pdf_path : *epub_rc == QUIRE_OK ? r->epub_path : NULL, d);
        return;
    }
    const char *pdf_path = pdf->path ? r->pdf_path : NULL;
    if (pdf->path && atomic_commit(pdf) != 0) {
        diag_error(d, r->pdf_path, 0, 0, "cannot write: %s", strerror(errno));
        *pdf_rc = QUIRE_EIO;
        drop_artifacts(pdf, epub, epub->path ? r->epub_path : NULL, d);
        return;
    }
    r->pdf_ok = pdf_path != NULL;
    if (epub->path && atomic_commit(epub) != 0) {
        if (pdf_path)
            diag_error(d, r->epub_path, 0, 0, "cannot write: %s; %s is new, this EPUB the previous one",
                       strerror(errno), pdf_path);
        else diag_error(d, r->epub_path, 0, 0, "cannot write: %s", strerror(errno));
        *epub_rc = QUIRE_EIO;
        return;
    }
    r->epub_ok = r->epub_path != NULL;
}

/* Writes the wanted artifacts of a loaded book to r->pdf_path and r->epub_path; fills r. */
static void write_artifacts(const cli_options *o, model_book *book, cli_progress *prog, diag *d,
                            cli_build_report *r) {
    double t1 = monotonic_seconds();
    int pdf_rc = QUIRE_OK, epub_rc = QUIRE_OK;
    pdf_doc doc = {0};
    model_page_map pages = {0};
    int errors0 = d->errors;
    bool laid_out = lay_out(o, book, prog, d, &doc, &pdf_rc);
    mem_give_back();   /* what the layout threads freed */
    if (o->want_pdf && (!laid_out || d->errors > errors0)) { /* no half-set book: no EPUB without its PDF */
        pdf_doc_free(&doc);
        r->rc = pdf_rc != QUIRE_OK ? pdf_rc : QUIRE_EINPUT;
        return;
    }
    atomic_file pdf_af = {.fd = -1}, epub_af = {.fd = -1};
    int open_rc = open_artifact(o->want_pdf ? r->pdf_path : NULL, &pdf_af, d);
    if (open_rc == QUIRE_OK) open_rc = open_artifact(o->want_epub ? r->epub_path : NULL, &epub_af, d);
    if (open_rc != QUIRE_OK) {
        atomic_abort(&pdf_af);
        pdf_doc_free(&doc);
        r->rc = open_rc;
        return;
    }
    if (laid_out && text_bytes(book) <= PAGE_LIST_MAX_BYTES) pdf_page_map(&doc, &pages);
    epub_job job = {.book = book, .pages = &pages, .out = &epub_af, .rc = QUIRE_OK};
    pthread_t tid;
    bool threaded = o->want_epub && o->want_pdf && start_epub_thread(&job, &tid, d);
    int pages_drawn = 0;
    if (o->want_pdf && laid_out) {
        cli_progress_stage(prog, threaded ? "PDF + EPUB" : "PDF");
        pdf_result pr = {0};
        pdf_rc = pdf_write_doc_to(&doc, &pdf_af, &pr, d);
        pages_drawn = pr.pages;
    } else {
        pdf_doc_free(&doc);
    }
    double t2 = monotonic_seconds();
    r->t_pdf = t2 - t1;
    if (threaded) {
        pthread_join(tid, NULL);
        diag_merge(d, &job.d);
        diag_free(&job.d);
        epub_rc = job.rc;
        r->t_epub = job.seconds;
    } else if (o->want_epub) {
        cli_progress_stage(prog, "EPUB");
        epub_rc = epub_write_to(book, &pages, &epub_af, d);
        r->t_epub = monotonic_seconds() - t2;
    }
    commit_artifacts(&pdf_af, &epub_af, &pdf_rc, &epub_rc, d, r);
    if (r->pdf_ok) r->pages = pages_drawn;
    r->rc = pdf_rc != QUIRE_OK ? pdf_rc : epub_rc;
    model_page_map_free(&pages);
}

int cli_build(const cli_options *o, diag *d, cli_build_report *r) {
    memset(r, 0, sizeof *r);
    int errors0 = d->errors, warnings0 = d->warnings;
    bool strict0 = d->strict; /* the book may turn strict mode on for this build only */
    double t0 = monotonic_seconds();
    cli_progress *prog = cli_progress_start(o->progress && !o->quiet, d);
    /* on the second core while the book is read: what reading its SVGs and HTML and
     * finishing its PDF will need */
    lazylib *const libs[] = {&xmllib, &rsvglib, &qpdflib};
    lazylib_preload(libs, o->want_pdf ? 3 : 2);

    cli_progress_stage(prog, "loading");
    book_options bo = o->book;
    bo.on_style = prefetch_for_layout;
    model_book *book = book_load(o->book_dir, &bo, d);
    r->t_load = monotonic_seconds() - t0;
    if (!book) {
        r->rc = QUIRE_EINPUT;
    } else {
        collect_inputs(book, r);
        const char *out_dir = o->out_dir ? o->out_dir : "out";
        r->rc = make_dirs(out_dir, d);
        if (o->want_pdf) r->pdf_path = xasprintf("%s/%s.pdf", out_dir, book->meta.name);
        if (o->want_epub) r->epub_path = xasprintf("%s/%s.epub", out_dir, book->meta.name);
        if (r->rc == QUIRE_OK) write_artifacts(o, book, prog, d, r);
        /* strict mode: a writer's warning is an error too */
        if (r->rc == QUIRE_OK && d->errors > errors0) r->rc = QUIRE_EINPUT;
        model_book_free(book);
    }
    d->strict = strict0;
    lazylib_preload_join();
    cli_progress_end(prog);
    r->t_total = monotonic_seconds() - t0;
    r->errors = d->errors - errors0;
    r->warnings = d->warnings - warnings0;
    return r->rc;
}

static void put_size(buf *b, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) buf_puts(b, "?");
    else if (st.st_size >= 1024 * 1024) buf_printf(b, "%.1f MB", (double)st.st_size / (1024.0 * 1024.0));
    else buf_printf(b, "%lld KB", (long long)((st.st_size + 1023) / 1024));
}

char *cli_summary(const cli_build_report *r, bool color, bool always_warnings) {
    /* Bold artifact paths, dim separators: the same TTY/NO_COLOR rule as diagnostics. */
    const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "", *off = color ? "\033[0m" : "";
    buf b;
    buf_init(&b);
    if (r->pdf_ok) {
        buf_printf(&b, "%s%s%s  %d page%s  ", bold, r->pdf_path, off, r->pages, r->pages == 1 ? "" : "s");
        put_size(&b, r->pdf_path);
    }
    if (r->epub_ok) {
        if (b.len) buf_printf(&b, " %s·%s ", dim, off);
        buf_printf(&b, "%s%s%s  ", bold, r->epub_path, off);
        put_size(&b, r->epub_path);
    }
    if (b.len) {
        buf_printf(&b, " %s·%s %.2f s", dim, off, r->t_total);
        if (r->warnings || always_warnings) {
            const char *wc = color && r->warnings ? "\033[1;35m" : "";
            buf_printf(&b, " %s·%s %s%d warning%s%s", dim, off, wc, r->warnings, r->warnings == 1 ? "" : "s",
                       *wc ? off : "");
        }
    }
    return buf_detach(&b, NULL);
}

int cli_cmd_build(const cli_options *o, diag *d) {
    cli_build_report r;
    int rc = cli_build(o, d, &r);
    if (o->verbose) {
        fprintf(stderr, "quire: load %.3f s", r.t_load);
        if (o->want_pdf) fprintf(stderr, " · pdf %.3f s", r.t_pdf);
        if (o->want_epub) fprintf(stderr, " · epub %.3f s", r.t_epub);
        fprintf(stderr, " · total %.3f s\n", r.t_total);
    }
    if (!o->quiet) {
        char *line = cli_summary(&r, o->color, false);
        if (*line) printf("%s\n", line);
        free(line);
    }
    if (fflush(stdout) != 0 && rc == QUIRE_OK) rc = QUIRE_EIO;
    cli_build_report_free(&r);
    return rc;
}
