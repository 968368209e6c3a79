/* cli_new: `quire new DIR` writes a small book that builds as it is:
 * book.yaml (every key explained), one chapter and a copy of the default style. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "load/book.h"

#define DEFAULT_STYLE "brochure"

static const char manifest_template[] =
    "# book.yaml: what the book is and which files make it up.\n"
    "# Paths are relative to this folder. Build with: quire build <this folder>\n"
    "\n"
    "# Base name of the files written: out/<name>.pdf and out/<name>.epub.\n"
    "# Letters, digits, '.', '_' and '-'.\n"
    "name: %s\n"
    "\n"
    "# Shown on the cover, in the PDF's metadata and by e-book readers.\n"
    "title: \"%s\"\n"
    "\n"
    "# Optional: a second line under the title.\n"
    "# subtitle: \"A short line under the title\"\n"
    "\n"
    "# One name, or a list of names.\n"
    "authors:\n"
    "  - Your Name\n"
    "\n"
    "# Optional: printed on the cover and the copyright page.\n"
    "# publisher: \"Your Press\"\n"
    "\n"
    "# The book's language as a BCP 47 tag (en, en-GB, fr, de-CH…): hyphenation follows it.\n"
    "language: en\n"
    "\n"
    "# A unique, permanent identifier: keep it across editions of the same book.\n"
    "# A urn:uuid:…, a urn:isbn:… (or a bare ISBN with a valid check digit).\n"
    "identifier: \"urn:uuid:%s\"\n"
    "\n"
    "# Publication date: YYYY, YYYY-MM or YYYY-MM-DD.\n"
    "date: \"%s\"\n"
    "\n"
    "# Optional: the copyright line.\n"
    "rights: \"© %.4s Your Name\"\n"
    "\n"
    "# Optional: a paragraph for catalogues and e-book readers.\n"
    "description: >-\n"
    "  What this book is about, in a sentence or two.\n"
    "\n"
    "# Optional: subject words, one a line.\n"
    "keywords:\n"
    "  - example\n"
    "\n"
    "# The style sheet: styles/<style>.yaml in this folder, else one of quire's own\n"
    "# (list them with: quire styles). A copy of the default is in styles/.\n"
    "style: %s\n"
    "\n"
    "# Optional: a cover image (SVG, PNG or JPEG) inside this folder, and its description.\n"
    "# cover: images/cover.svg\n"
    "# cover-alt: \"What the cover shows, for readers who cannot see it\"\n"
    "\n"
    "# The chapters, in reading order: Markdown files inside this folder.\n"
    "chapters:\n"
    "  - chapters/01-introduction.md\n";

const char cli_new_chapter[] =
    "# Introduction\n"
    "\n"
    "This is the first chapter of your book. Write in Markdown: *emphasis*, **strong**,\n"
    "`code` and [links](https://commonmark.org/help/) work as usual, and a blank line\n"
    "starts a new paragraph.[^welcome]\n"
    "\n"
    "To grow the book:\n"
    "\n"
    "- write more chapters in `chapters/`,\n"
    "- list each one under `chapters:` in `book.yaml`,\n"
    "- change the look in the style file in `styles/`.\n"
    "\n"
    "## Building\n"
    "\n"
    "Run `quire build` on this folder to write the PDF and the EPUB, or `quire watch`\n"
    "to rebuild them every time you save.\n"
    "\n"
    "[^welcome]: Footnotes are numbered for you: at the foot of the page in the PDF,\n"
    "    and as linked notes in the EPUB.\n";

/* Escapes a title for a double-quoted YAML scalar. */
static void put_yaml_quoted(buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

char *cli_new_manifest(const char *name, const char *title, const char *uuid, const char *date, const char *style) {
    buf t;
    buf_init(&t);
    put_yaml_quoted(&t, title);
    char *s = xasprintf(manifest_template, name, t.data, uuid, date, date, style);
    buf_free(&t);
    return s;
}

bool cli_uuid4(char out[37]) {
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = read(fd, b + got, sizeof b - got);
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    if (got < sizeof b) return false;
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return true;
}

/* The folder's base name made into a valid artifact name ("My Book!" -> "My-Book"). */
static char *name_from_dir(const char *dir) {
    char *real = path_real(dir);
    const char *src = real ? real : dir;
    size_t n = strlen(src);
    while (n > 1 && src[n - 1] == '/') n--;
    size_t start = n;
    while (start > 0 && src[start - 1] != '/') start--;
    buf b;
    buf_init(&b);
    bool dash = false;
    for (size_t i = start; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (isalnum(c) || c == '_' || (c == '.' && b.len) || (c == '-' && b.len)) {
            buf_putc(&b, (char)c);
            dash = false;
        } else if (b.len && !dash) {
            buf_putc(&b, '-');
            dash = true;
        }
    }
    while (b.len && (b.data[b.len - 1] == '-' || b.data[b.len - 1] == '.')) b.data[--b.len] = '\0';
    free(real);
    if (!b.len) buf_puts(&b, "book");
    return buf_detach(&b, NULL);
}

/* "my-first_book" -> "My first book". */
static char *title_from_name(const char *name) {
    char *t = xstrdup(name);
    for (char *p = t; *p; p++)
        if (*p == '-' || *p == '_' || *p == '.') *p = ' ';
    t[0] = (char)toupper((unsigned char)t[0]);
    return t;
}

/* 0: usable (missing or empty); else errno-style reason. */
static int check_target(const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0) return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode)) return ENOTDIR;
    DIR *dh = opendir(dir);
    if (!dh) return errno;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dh)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            rc = ENOTEMPTY;
            break;
        }
    closedir(dh);
    return rc;
}

static bool mkdir_p(const char *dir, diag *d) {
    char *tmp = xstrdup(dir);
    bool ok = true;
    for (char *p = tmp + 1;; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end) continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            diag_error(d, tmp, 0, 0, "cannot create folder: %s", strerror(errno));
            ok = false;
            break;
        }
        if (end) break;
        *p = '/';
    }
    free(tmp);
    return ok;
}

static bool write_text(const char *dir, const char *rel, const char *data, size_t n, diag *d) {
    char *path = path_join(dir, rel);
    bool ok = file_write_atomic(path, data, n) == 0;
    if (!ok) diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
    free(path);
    return ok;
}

/* The folder as a person would type it in a shell: quoted when it needs to be. */
static char *shell_quote(const char *s) {
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./+:,@%") == strlen(s))
        return xstrdup(s);
    buf b;
    buf_init(&b);
    buf_putc(&b, '\'');
    for (; *s; s++) {
        if (*s == '\'') buf_puts(&b, "'\\''");
        else buf_putc(&b, *s);
    }
    buf_putc(&b, '\'');
    return buf_detach(&b, NULL);
}

/* A style of quire's own data folders (not from any book). Caller frees. */
static char *find_style(const char *style) {
    if (!*style || strspn(style, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(style))
        return NULL;
    for (const char *const *dirs = book_data_dirs(); dirs && *dirs; dirs++) {
        char *p = xasprintf("%s/styles/%s.yaml", *dirs, style);
        if (path_is_file(p)) return p;
        free(p);
    }
    return NULL;
}

int cli_cmd_new(const char *dir, const char *style, bool quiet, diag *d) {
    if (!style) style = DEFAULT_STYLE;
    int why = check_target(dir);
    if (why == ENOTEMPTY) {
        diag_error(d, NULL, 0, 0, "'%s' is not empty; quire new writes into a new or empty folder only", dir);
        return QUIRE_EINPUT;
    }
    if (why) {
        diag_error(d, NULL, 0, 0, "cannot use '%s' for a new book: %s", dir, strerror(why));
        return QUIRE_EINPUT;
    }

    /* Everything that can fail without touching the disk comes first. */
    char *style_src = find_style(style);
    if (!style_src) {
        diag_error(d, NULL, 0, 0, "no style '%s' in quire's data folders (see quire styles; set QUIRE_DATA_DIR)", style);
        return QUIRE_EINPUT;
    }
    char *style_data = NULL;
    size_t style_len = 0;
    if (file_read(style_src, 4 << 20, &style_data, &style_len) != 0) {
        diag_error(d, style_src, 0, 0, "cannot read: %s", strerror(errno));
        free(style_src);
        return QUIRE_EINPUT;
    }
    char uuid[37];
    if (!cli_uuid4(uuid)) {
        diag_error(d, "/dev/urandom", 0, 0, "cannot read: %s", strerror(errno));
        free(style_src), free(style_data);
        return QUIRE_EIO;
    }
    int64_t stamp;
    if (book_timestamp(&stamp, NULL, d) != 0) {
        free(style_src), free(style_data);
        return QUIRE_EINPUT;
    }
    time_t when = (time_t)stamp;
    struct tm tm;
    gmtime_r(&when, &tm);
    char date[16];
    strftime(date, sizeof date, "%Y-%m-%d", &tm);

    int rc = QUIRE_EIO;
    char *chapters = path_join(dir, "chapters"), *styles = path_join(dir, "styles");
    if (mkdir_p(dir, d) && mkdir_p(chapters, d) && mkdir_p(styles, d)) {
        char *name = name_from_dir(dir);
        char *title = title_from_name(name);
        char *manifest = cli_new_manifest(name, title, uuid, date, style);
        char *style_file = xasprintf("styles/%s.yaml", style);
        if (write_text(dir, "book.yaml", manifest, strlen(manifest), d) &&
            write_text(dir, "chapters/01-introduction.md", cli_new_chapter, strlen(cli_new_chapter), d) &&
            write_text(dir, style_file, style_data, style_len, d))
            rc = QUIRE_OK;
        if (rc == QUIRE_OK && !quiet) {
            char *q = shell_quote(dir), *out = path_join(dir, "out"), *qout = shell_quote(out);
            printf("Created the book '%s' in %s:\n", name, dir);
            printf("  book.yaml\n  chapters/01-introduction.md\n  %s\n", style_file);
            printf("Next: quire build %s -o %s   (or: quire watch %s -o %s)\n", q, qout, q, qout);
            free(q), free(out), free(qout);
        }
        free(name), free(title), free(manifest), free(style_file);
    }
    free(chapters), free(styles), free(style_src), free(style_data);
    return rc;
}
