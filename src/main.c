/* main: the quire command line. Parses arguments, loads the book once, runs the writers. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <pango/pango.h>
#include <zip.h>

#include "book.h"
#include "diag.h"
#include "dump.h"
#include "epub.h"
#include "pdf.h"
#include "util.h"
#include "version.h"

static const char usage_text[] =
    "Usage: quire <command> [options]\n"
    "\n"
    "Commands:\n"
    "  build [BOOK_DIR]     write OUT_DIR/<name>.pdf and OUT_DIR/<name>.epub (default BOOK_DIR: book)\n"
    "  dump [BOOK_DIR]      print the document model as JSON\n"
    "  preview [BOOK_DIR]   write every PDF page as PNG and a contact sheet (default OUT_DIR: out/preview)\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR     output folder (default: out)\n"
    "      --pdf            write the PDF only\n"
    "      --epub           write the EPUB only\n"
    "      --style FILE     use this style file instead of the one book.yaml names\n"
    "      --paper a4|letter  override the style's paper size\n"
    "  -q, --quiet          print errors only\n"
    "  -v, --verbose        say what each stage does\n"
    "  -h, --help           show this help\n"
    "      --version        show the version and the library versions\n"
    "\n"
    "Exit status: 0 done, 1 bad input, 2 bad usage, 3 could not write output.\n";

typedef struct cli {
    const char *command;
    const char *book_dir;
    const char *out_dir;
    bool want_pdf, want_epub;
    bool quiet, verbose;
    book_options book;
} cli;

static void on_signal(int sig) {
    atomic_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void print_version(void) {
    printf("quire %s\n", QUIRE_VERSION);
    printf("cairo %s, pango %s, libzip %s\n", cairo_version_string(), pango_version_string(), zip_libzip_version());
}

static int parse_args(int argc, char **argv, cli *c) {
    enum { OPT_PDF = 256, OPT_EPUB, OPT_STYLE, OPT_PAPER, OPT_VERSION };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"pdf", no_argument, NULL, OPT_PDF},
        {"epub", no_argument, NULL, OPT_EPUB},    {"style", required_argument, NULL, OPT_STYLE},
        {"paper", required_argument, NULL, OPT_PAPER}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    int ch;
    opterr = 0;
    /* GNU getopt permutes: options may come before or after the command and folder. */
    while ((ch = getopt_long(argc, argv, ":o:qvh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': c->out_dir = optarg; break;
        case OPT_PDF: c->want_pdf = true; break;
        case OPT_EPUB: c->want_epub = true; break;
        case OPT_STYLE: c->book.style_path = optarg; break;
        case OPT_PAPER:
            if (strcmp(optarg, "a4") != 0 && strcmp(optarg, "letter") != 0) {
                fprintf(stderr, "quire: error: --paper takes a4 or letter, not '%s'\n", optarg);
                return QUIRE_EUSAGE;
            }
            c->book.paper = optarg;
            break;
        case 'q': c->quiet = true; break;
        case 'v': c->verbose = true; break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case OPT_VERSION: print_version(); exit(0);
        case ':':
            fprintf(stderr, "quire: error: option '%s' needs a value\n", argv[optind - 1]);
            return QUIRE_EUSAGE;
        default:
            fprintf(stderr, "quire: error: unknown option '%s'\n%s", argv[optind - 1], usage_text);
            return QUIRE_EUSAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage_text, stderr);
        return QUIRE_EUSAGE;
    }
    c->command = argv[optind++];
    if (optind < argc) c->book_dir = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "quire: error: unexpected argument '%s'\n", argv[optind]);
        return QUIRE_EUSAGE;
    }
    if (!c->book_dir) c->book_dir = "book";
    if (!c->want_pdf && !c->want_epub) c->want_pdf = c->want_epub = true;
    return QUIRE_OK;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void format_size(char *out, size_t n, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(out, n, "?");
        return;
    }
    if (st.st_size >= 1024 * 1024) snprintf(out, n, "%.1f MB", (double)st.st_size / (1024.0 * 1024.0));
    else snprintf(out, n, "%lld KB", (long long)((st.st_size + 1023) / 1024));
}

static int ensure_dir(const char *dir, diag *d) {
    if (path_is_dir(dir)) return QUIRE_OK;
    if (mkdir(dir, 0755) == 0) return QUIRE_OK;
    diag_error(d, dir, 0, 0, "cannot create output folder: %s", strerror(errno));
    return QUIRE_EIO;
}

static int cmd_build(const cli *c, diag *d) {
    double t0 = now_seconds();
    model_book *book = book_load(c->book_dir, &c->book, d);
    if (!book) return QUIRE_EINPUT;
    const char *out_dir = c->out_dir ? c->out_dir : "out";
    int rc = ensure_dir(out_dir, d);
    char *pdf_path = xasprintf("%s/%s.pdf", out_dir, book->meta.name);
    char *epub_path = xasprintf("%s/%s.epub", out_dir, book->meta.name);
    pdf_result pr = {0};
    int pdf_rc = QUIRE_OK, epub_rc = QUIRE_OK;
    if (rc == QUIRE_OK && c->want_pdf) pdf_rc = pdf_write(book, pdf_path, &pr, d);
    if (rc == QUIRE_OK && c->want_epub) epub_rc = epub_write(book, epub_path, d);
    if (rc == QUIRE_OK) rc = pdf_rc != QUIRE_OK ? pdf_rc : epub_rc;
    if (!c->quiet) {
        buf line;
        buf_init(&line);
        char size[32];
        if (c->want_pdf && pdf_rc == QUIRE_OK) {
            format_size(size, sizeof size, pdf_path);
            buf_printf(&line, "%s  %d page%s  %s", pdf_path, pr.pages, pr.pages == 1 ? "" : "s", size);
        }
        if (c->want_epub && epub_rc == QUIRE_OK) {
            format_size(size, sizeof size, epub_path);
            buf_printf(&line, "%s%s  %s", line.len ? " · " : "", epub_path, size);
        }
        if (line.len) printf("%s · %.2f s\n", line.data, now_seconds() - t0);
        buf_free(&line);
    }
    free(pdf_path);
    free(epub_path);
    model_book_free(book);
    return rc;
}

static int cmd_dump(const cli *c, diag *d) {
    model_book *book = book_load(c->book_dir, &c->book, d);
    if (!book) return QUIRE_EINPUT;
    int rc = dump_book_json(book, stdout) == 0 && fflush(stdout) == 0 ? QUIRE_OK : QUIRE_EIO;
    if (rc != QUIRE_OK) diag_error(d, NULL, 0, 0, "cannot write to standard output: %s", strerror(errno));
    model_book_free(book);
    return rc;
}

static int cmd_preview(const cli *c, diag *d) {
    model_book *book = book_load(c->book_dir, &c->book, d);
    if (!book) return QUIRE_EINPUT;
    const char *out_dir = c->out_dir ? c->out_dir : "out/preview";
    char *parent = path_dirname(out_dir);
    int rc = QUIRE_OK;
    if (!path_is_dir(parent)) rc = ensure_dir(parent, d);
    free(parent);
    if (rc == QUIRE_OK) rc = ensure_dir(out_dir, d);
    if (rc == QUIRE_OK) rc = pdf_preview(book, out_dir, 50.0, d);
    if (rc == QUIRE_OK && !c->quiet) printf("%s/contact-sheet.png\n", out_dir);
    model_book_free(book);
    return rc;
}

int main(int argc, char **argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit becomes EFBIG from write(), reported */

    cli c;
    int rc = parse_args(argc, argv, &c);
    if (rc != QUIRE_OK) return rc;

    diag d;
    diag_init(&d);
    d.quiet = c.quiet;
    if (strcmp(c.command, "build") == 0) rc = cmd_build(&c, &d);
    else if (strcmp(c.command, "dump") == 0) rc = cmd_dump(&c, &d);
    else if (strcmp(c.command, "preview") == 0) rc = cmd_preview(&c, &d);
    else if (strcmp(c.command, "help") == 0) fputs(usage_text, stdout), rc = QUIRE_OK;
    else {
        fprintf(stderr, "quire: error: unknown command '%s'\n%s", c.command, usage_text);
        rc = QUIRE_EUSAGE;
    }
    diag_free(&d);
    return rc;
}
