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

#include "base/diag.h"
#include "base/util.h"
#include "cli/cli.h"
#include "load/book.h"
#include "load/fonts.h"
#include "model/dump.h"
#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/pagedump.h"
#include "print/pdf.h"
#include "version.h"

static const char usage_text[] =
    "Usage: quire <command> [options] [BOOK_DIR]\n"
    "\n"
    "Commands:\n"
    "  build [BOOK_DIR]     write OUT_DIR/<name>.pdf and OUT_DIR/<name>.epub (default BOOK_DIR: book)\n"
    "  watch [BOOK_DIR]     build, then rebuild every time a source file is saved (Ctrl-C stops)\n"
    "  new DIR              create a new book in DIR (a new or empty folder)\n"
    "  styles [BOOK_DIR]    list the styles a book can use: name, paper, columns, file\n"
    "  dump [BOOK_DIR]      print the document model as JSON (--pages: every print page's boxes as text)\n"
    "  preview [BOOK_DIR]   write every PDF page as PNG and a contact sheet (default OUT_DIR: out/preview)\n"
    "  help                 show this help\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR     output folder (default: out)\n"
    "      --pdf            write the PDF only\n"
    "      --epub           write the EPUB only\n"
    "      --style FILE     use this style file instead of the one book.yaml names\n"
    "      --paper a4|letter  override the style's paper size\n"
    "      --pages          with dump: every print page's boxes (kind, position, size, text)\n"
    "      --strict         treat every warning as an error (exit 1), for CI\n"
    "  -q, --quiet          print errors only\n"
    "  -v, --verbose        also print how long each stage took (load, pdf, epub)\n"
    "  -h, --help           show this help\n"
    "      --version        show the version and the library versions\n"
    "\n"
    "Environment: NO_COLOR turns colours off; SOURCE_DATE_EPOCH fixes dates for reproducible\n"
    "builds; QUIRE_DATA_DIR adds a folder holding styles/ and fonts/.\n"
    "Exit status: 0 done, 1 bad input, 2 bad usage, 3 could not write output.\n";

typedef struct cli {
    const char *command;
    bool dir_given;
    bool pages;              /* dump --pages */
    cli_options o;
} cli;

static void print_version(void) {
    printf("quire %s\n", QUIRE_VERSION);
    printf("cairo %s, pango %s, libzip %s\n", cairo_version_string(), pango_version_string(), zip_libzip_version());
}

static int parse_args(int argc, char **argv, cli *c) {
    enum { OPT_PDF = 256, OPT_EPUB, OPT_STYLE, OPT_PAPER, OPT_PAGES, OPT_VERSION, OPT_STRICT };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"pdf", no_argument, NULL, OPT_PDF},
        {"epub", no_argument, NULL, OPT_EPUB},    {"style", required_argument, NULL, OPT_STYLE},
        {"paper", required_argument, NULL, OPT_PAPER}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION}, {"pages", no_argument, NULL, OPT_PAGES},
        {"strict", no_argument, NULL, OPT_STRICT},
        {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    cli_options *o = &c->o;
    int ch;
    opterr = 0;
    /* GNU getopt permutes: options may come before or after the command and folder. */
    while ((ch = getopt_long(argc, argv, ":o:qvh", opts, NULL)) != -1) {
        if ((ch == 'o' || ch == OPT_STYLE) && !*optarg) {
            fprintf(stderr, "quire: error: %s needs a value, not an empty string\n",
                    ch == 'o' ? "-o/--output" : "--style");
            return QUIRE_EUSAGE;
        }
        switch (ch) {
        case 'o': o->out_dir = optarg; break;
        case OPT_PDF: o->want_pdf = true; break;
        case OPT_EPUB: o->want_epub = true; break;
        case OPT_STYLE: o->book.style_path = optarg; break;
        case OPT_PAPER:
            if (strcmp(optarg, "a4") != 0 && strcmp(optarg, "letter") != 0) {
                fprintf(stderr, "quire: error: --paper takes a4 or letter, not '%s'\n", optarg);
                return QUIRE_EUSAGE;
            }
            o->book.paper = optarg;
            break;
        case OPT_PAGES: c->pages = true; break;
        case OPT_STRICT: o->book.strict = true; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
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
        fprintf(stderr, "quire: error: no command given\n%s", usage_text);
        return QUIRE_EUSAGE;
    }
    c->command = argv[optind++];
    if (optind < argc) o->book_dir = argv[optind++], c->dir_given = true;
    if (optind < argc) {
        fprintf(stderr, "quire: error: unexpected argument '%s'\n", argv[optind]);
        return QUIRE_EUSAGE;
    }
    if (o->quiet && o->verbose) {
        fputs("quire: error: --quiet and --verbose contradict each other\n", stderr);
        return QUIRE_EUSAGE;
    }
    if (!o->book_dir) o->book_dir = "book";
    if (!o->want_pdf && !o->want_epub) o->want_pdf = o->want_epub = true;
    /* Decorations only for a person at a terminal, and never against NO_COLOR. */
    const char *nc = getenv("NO_COLOR");
    o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
    o->progress = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
    return QUIRE_OK;
}

static int ensure_dir(const char *dir, diag *d) {
    if (path_is_dir(dir)) return QUIRE_OK;
    if (mkdir(dir, 0755) == 0) return QUIRE_OK;
    diag_error(d, dir, 0, 0, "cannot create output folder: %s", strerror(errno));
    return QUIRE_EIO;
}

static int cmd_dump(const cli_options *c, bool pages, diag *d) {
    model_book *book = book_load(c->book_dir, &c->book, d);
    if (!book) return QUIRE_EINPUT;
    int rc;
    if (pages) {
        rc = pagedump_write(book, stdout, d);
    } else {
        rc = dump_book_json(book, stdout) == 0 && fflush(stdout) == 0 ? QUIRE_OK : QUIRE_EIO;
        if (rc != QUIRE_OK) diag_error(d, NULL, 0, 0, "cannot write to standard output: %s", strerror(errno));
    }
    model_book_free(book);
    return rc;
}

static int cmd_preview(const cli_options *c, diag *d) {
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
    pdf_process_init();   /* before any thread */
    atomic_cleanup_on_signals();
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit becomes EFBIG from write(), reported */

    cli c;
    int rc = parse_args(argc, argv, &c);
    if (rc != QUIRE_OK) return rc;

    diag d;
    diag_init(&d);
    d.quiet = c.o.quiet;
    const char *cmd = c.command;
    if (c.pages && strcmp(cmd, "dump") != 0) {
        fputs("quire: error: --pages goes with quire dump\n", stderr);
        rc = QUIRE_EUSAGE;
    } else if (strcmp(cmd, "new") == 0) {
        if (!c.dir_given) {
            fputs("quire: error: quire new needs a folder: quire new DIR\n", stderr);
            rc = QUIRE_EUSAGE;
        } else {
            rc = cli_cmd_new(c.o.book_dir, c.o.book.style_path, c.o.quiet, &d);
        }
    } else if (strcmp(cmd, "build") == 0) {
        rc = cli_cmd_build(&c.o, &d);
    } else if (strcmp(cmd, "watch") == 0) {
        rc = cli_cmd_watch(&c.o, &d);
    } else if (strcmp(cmd, "styles") == 0) {
        /* Without a folder: the default book's styles when there is one, else quire's own. */
        const char *dir = c.dir_given || path_is_dir(c.o.book_dir) ? c.o.book_dir : NULL;
        if (c.dir_given && !path_is_dir(dir)) {
            diag_error(&d, NULL, 0, 0, "'%s' is not a folder", dir);
            rc = QUIRE_EINPUT;
        } else {
            rc = cli_cmd_styles(dir, stdout, &d);
        }
    } else if (strcmp(cmd, "dump") == 0) {
        rc = cmd_dump(&c.o, c.pages, &d);
    } else if (strcmp(cmd, "preview") == 0) {
        rc = cmd_preview(&c.o, &d);
    } else if (strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        rc = QUIRE_OK;
    } else {
        static const char *const commands[] = {"build", "watch", "new", "styles", "dump", "preview", "help", NULL};
        const char *hint = diag_suggest(cmd, commands);
        if (hint) fprintf(stderr, "quire: error: unknown command '%s'; did you mean '%s'?\n", cmd, hint);
        else fprintf(stderr, "quire: error: unknown command '%s'\n", cmd);
        fputs("Run 'quire --help' for the list of commands.\n", stderr);
        rc = QUIRE_EUSAGE;
    }
    diag_free(&d);
    fontmap_release();
    fontset_release(); /* fontconfig's caches, so leak checkers see a clean exit */
    return rc;
}
