/* book: a book folder (book.yaml, style, fonts, chapters, images) into a checked model_book. */
#include "load/book.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>

#include "base/image.h"
#include "base/svgsan.h"
#include "base/uri.h"
#include "load/fonts.h"
#include "load/manifest.h"
#include "load/markdown.h"
#include "load/mdbook.h"
#include "load/mkdocs.h"
#include "load/style.h"
#include "model/facts.h"

#ifndef QUIRE_DATADIR
#define QUIRE_DATADIR "/usr/local/share/quire"
#endif

#define CHAPTER_MAX_BYTES ((size_t)64 << 20)
#define IMAGE_MAX_BYTES ((size_t)64 << 20)

/*** paths ***/

/*** data folders ***/

static const char *data_dirs[8];

static void add_data_dir(size_t *n, const char *path) {
    if (!path || !*path || *n + 1 >= sizeof data_dirs / sizeof *data_dirs) return;
    char *real = path_real(path);
    if (!real || !path_is_dir(real)) {
        free(real);
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(data_dirs[i], real) == 0) {
            free(real);
            return;
        }
    }
    data_dirs[(*n)++] = real; /* kept for the life of the process */
}

const char *const *book_data_dirs(void) {
    static bool done;
    if (done) return data_dirs;
    done = true;
    size_t n = 0;
    add_data_dir(&n, getenv("QUIRE_DATA_DIR"));
    char *exe = path_exe_dir();
    if (exe) {
        char *up = path_join(exe, "..");
        add_data_dir(&n, up);
        free(up);
        char *share = path_join(exe, "../share/quire");
        add_data_dir(&n, share);
        free(share);
        free(exe);
    }
    add_data_dir(&n, QUIRE_DATADIR);
#ifdef QUIRE_SOURCE_DATADIR
    /* Last: the checkout the binary was built from, for build folders outside it. */
    add_data_dir(&n, QUIRE_SOURCE_DATADIR);
#endif
    data_dirs[n] = NULL;
    return data_dirs;
}

/* Finds `styles/<name>.yaml` in the book folder then the data folders. Caller frees. */
static char *book_find_style(const char *book_dir, const char *name) {
    char *rel = xasprintf("styles/%s.yaml", name);
    char *found = NULL;
    if (book_dir) {
        char *p = path_join(book_dir, rel);
        if (path_is_file(p)) found = p;
        else free(p);
    }
    for (const char *const *d = book_data_dirs(); !found && *d; d++) {
        char *p = path_join(*d, rel);
        if (path_is_file(p)) found = p;
        else free(p);
    }
    free(rel);
    return found;
}

/*** images ***/

static bool looks_like_svg(const char *data, size_t len) {
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) i = 3;
    while (i < len && isspace((unsigned char)data[i])) i++;
    if (i >= len || data[i] != '<') return false;
    /* the root element must be <svg>; look in the first 4 KiB past any prolog */
    size_t window = len - i < 4096 ? len - i : 4096;
    for (size_t k = i; k + 4 <= i + window; k++)
        if (memcmp(data + k, "<svg", 4) == 0) return true;
    return false;
}

/* True after setting *why when the header states more pixels than quire decodes: checked
 * before the full decode, which would need the memory first. */
static bool raster_too_large(const unsigned char *u, size_t len, const char *type, char **why) {
    int w, h;
    if (!image_header_size(u, len, type, &w, &h) || image_size_allowed(w, h)) return false;
    char *what = image_too_large(w, h);
    *why = xasprintf("is %s", what);
    free(what);
    return true;
}

static bool decode_image(const char *data, size_t len, model_image *out, char **why) {
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 8 && memcmp(u, "\x89PNG\r\n\x1a\n", 8) == 0) {
        if (raster_too_large(u, len, "png", why)) return false;
        /* every row read (none kept) catches truncated and corrupt files */
        int w = 0, h = 0;
        char *bad = image_png_check(u, len, &w, &h);
        if (bad) {
            *why = xasprintf("is a damaged PNG image (%s)", bad);
            free(bad);
            return false;
        }
        out->media_type = "image/png";
        out->width = w;
        out->height = h;
        return true;
    }
    if (len >= 3 && u[0] == 0xFF && u[1] == 0xD8 && u[2] == 0xFF) {
        /* libjpeg pads a cut-off file with grey; the end marker tells it was cut */
        bool has_end = false;
        for (size_t k = len; k >= 2 && k + 64 >= len; k--)
            if (u[k - 2] == 0xFF && u[k - 1] == 0xD9) has_end = true;
        if (raster_too_large(u, len, "jpeg", why)) return false;
        char *detail = NULL;
        GdkPixbuf *pb = image_jpeg_decode(u, len, &detail);
        if (!pb || !has_end) {
            *why = xasprintf("is a damaged JPEG image (%s)", detail ? detail : "truncated");
            free(detail);
            if (pb) g_object_unref(pb);
            return false;
        }
        out->width = gdk_pixbuf_get_width(pb);
        out->height = gdk_pixbuf_get_height(pb);
        g_object_unref(pb);
        out->media_type = "image/jpeg";
        return true;
    }
    if (looks_like_svg(data, len)) {
        GError *err = NULL;
        RsvgHandle *h = rsvg_handle_new_from_data(u, len, &err);
        if (!h) {
            const char *msg = err && err->message ? err->message : "unreadable";
            int n = (int)strlen(msg);
            while (n > 0 && isspace((unsigned char)msg[n - 1])) n--; /* libxml2's messages end in a line end */
            *why = xasprintf("is not a valid SVG image (%.*s)", n, msg);
            if (err) g_error_free(err);
            return false;
        }
        rsvg_handle_set_dpi(h, 96.0);
        double w = 0, hgt = 0;
        if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) || w <= 0 || hgt <= 0) {
            gboolean has_vb = FALSE;
            RsvgRectangle vb = {0};
            rsvg_handle_get_intrinsic_dimensions(h, NULL, NULL, NULL, NULL, &has_vb, &vb);
            if (has_vb && vb.width > 0 && vb.height > 0) w = vb.width, hgt = vb.height;
            else w = 300, hgt = 150; /* the CSS default size of a replaced element */
        }
        g_object_unref(h);
        out->media_type = "image/svg+xml";
        out->width = w;
        out->height = hgt;
        return true;
    }
    *why = xstrdup("is not a PNG, JPEG, SVG, WebP or GIF image");
    return false;
}

/* An SVG as both writers get it: without what a reading system could run or fetch
 * (a warning says what went), or refused. *data is replaced by the cleaned bytes. */
static bool sanitise_svg(char **data, size_t *len, const char *ref, const char *where, model_pos pos, diag *d) {
    svgsan_result r;
    if (!svgsan_clean((const unsigned char *)*data, *len, &r)) {
        diag_error(d, where, pos.line, pos.col, "image '%s' %s", ref, r.refused);
        svgsan_result_free(&r);
        return false;
    }
    if (r.data) {
        if (r.removed)
            diag_warning(d, where, pos.line, pos.col,
                         "image '%s': taken out of the SVG, which may not run or fetch anything: %s", ref, r.removed);
        free(*data);
        *data = (char *)r.data, *len = r.len;
        r.data = NULL;
    }
    svgsan_result_free(&r);
    return true;
}

/* The images read so far, by file: a file shown as a figure a thousand times is read,
 * checked and held once, and every figure of it shares those bytes. */
struct book_image_file {
    dev_t dev;
    ino_t ino;
    model_image image;
    struct book_image_file *next;
};

static const model_image *image_read_before(const model_book *book, const struct stat *st) {
    for (const struct book_image_file *f = book->image_files; f; f = f->next)
        if (f->dev == st->st_dev && f->ino == st->st_ino) return &f->image;
    return NULL;
}

static void remember_image(model_book *book, const struct stat *st, const model_image *im) {
    struct book_image_file *f = arena_alloc(book->mem, sizeof *f);
    f->dev = st->st_dev, f->ino = st->st_ino, f->image = *im;
    f->next = book->image_files;
    book->image_files = f;
}

/* One place an image reference may lead: `rel` from the book folder. */
typedef struct image_place {
    char *full, *real; /* real: NULL when there is no such file */
    bool inside;
    int err;           /* path_real's errno when there is none */
} image_place;

static void image_place_at(const model_book *book, const char *rel, image_place *p) {
    /* "docs/../images/x.png" is images/x.png, also when docs/ does not exist */
    char *norm = path_normalise(rel);
    p->full = path_join(book->dir, norm && *norm ? norm : rel);
    free(norm);
    errno = 0;
    p->real = path_real(p->full);
    p->err = errno;
    p->inside = p->real && path_is_inside(p->real, book->dir);
}

#define IMAGE_PLACES 3

/* The folder a MkDocs site publishes a page at ("docs/setup/x.md" at docs/setup/x/, its
 * index.md or README.md at its own folder): a raw HTML <img src> is relative to it.
 * NULL when it is the chapter's own folder. Caller frees. */
static char *published_dir(const char *from) {
    const char *base = strrchr(from, '/');
    base = base ? base + 1 : from;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || strcasecmp(dot, ".md") != 0 || strncasecmp(base, "index.", 6) == 0 ||
        strncasecmp(base, "readme.", 7) == 0)
        return NULL;
    return xstrndup(from, (size_t)(dot - from));
}

/* Where an image reference leads: beside book.yaml, else beside the chapter `from`
 * that names it (a path relative to that chapter's folder), else relative to where
 * MkDocs publishes that chapter. A file inside the book comes first; a file outside it
 * is taken only when no such file is inside. Returns the index of the place taken in
 * p[0..IMAGE_PLACES-1], or -1 when none exists. */
static int image_place_find(const model_book *book, const char *from, const char *ref, image_place p[IMAGE_PLACES]) {
    memset(p, 0, IMAGE_PLACES * sizeof *p);
    image_place_at(book, ref, &p[0]);
    if (from && strchr(from, '/')) {
        char *dir = path_dirname(from);
        char *joined = xasprintf("%s/%s", dir, ref);
        image_place_at(book, joined, &p[1]);
        free(joined);
        free(dir);
    }
    char *pub = from && !p[0].inside && !p[1].inside ? published_dir(from) : NULL;
    if (pub) {
        char *joined = xasprintf("%s/%s", pub, ref);
        image_place_at(book, joined, &p[2]);
        free(joined);
        free(pub);
    }
    for (int i = 0; i < IMAGE_PLACES; i++)
        if (p[i].inside) return i;
    for (int i = 0; i < IMAGE_PLACES; i++)
        if (p[i].real) return i;
    return -1;
}

/* The image's name from the book folder ("images/map.svg"); for a file outside the
 * book, its real path. Caller frees. */
static char *image_book_path(const model_book *book, const image_place *p) {
    size_t n = strlen(book->dir);
    if (!p->inside || strncmp(p->real, book->dir, n) != 0) return xstrdup(p->real);
    return xstrdup(p->real + n + (p->real[n] == '/'));
}

/* A path from a web site's root ("/img/logo.svg", as MkDocs sites and GitHub pages write
 * them): the file of that name in the book folder, else in a folder above the chapter
 * (MkDocs's site root is its docs folder), or in public/ or static/ there, when one is
 * inside the book. Caller frees;
 * NULL when there is none. */
static char *site_rooted(const model_book *book, const char *from, const char *ref) {
    const char *rel = ref + strspn(ref, "/");
    if (!*rel) return NULL;
    size_t n = from ? strlen(from) : 0;
    /* VitePress and VuePress publish a docs folder's public/ at the site's root,
     * Docusaurus its static/ */
    static const char *const roots[] = {"", "public/", "static/", NULL};
    for (size_t cut = 0;;) {
        for (int r = 0; roots[r]; r++) {
            char *tried = cut ? xasprintf("%.*s/%s%s", (int)cut, from, roots[r], rel) : xasprintf("%s%s", roots[r], rel);
            image_place p = {0};
            image_place_at(book, tried, &p);
            bool yes = p.inside;
            free(p.full), free(p.real);
            if (yes) return tried;
            free(tried);
        }
        const char *next = cut < n ? memchr(from + cut + 1, '/', n - cut - 1) : NULL;
        if (!next) return NULL;
        cut = (size_t)(next - from);
    }
}

/* Resolves an image reference written in `pos.file` to a file inside the book folder:
 * refuses URLs, absolute paths, paths leaving the folder (also through symlinks),
 * missing files, and files whose bytes are not PNG, JPEG or SVG. */
static bool book_resolve_image(model_book *book, const char *ref, model_pos pos, model_image *out, diag *d) {
    char *where = model_display_path(book, pos.file);
    bool ok = false;
    char *norm = NULL, *full = NULL, *real = NULL, *data = NULL, *why = NULL;
    image_place place[IMAGE_PLACES] = {{0}};
    memset(out, 0, sizeof *out);
    if (!ref || !*ref) {
        diag_error(d, where, pos.line, pos.col, "image has no file name");
        goto done;
    }
    if (uri_has_scheme(ref) || strncmp(ref, "//", 2) == 0) {
        diag_error(d, where, pos.line, pos.col, "image '%s' is not a local file; remote images are never fetched", ref);
        goto done;
    }
    char *rooted = ref[0] == '/' ? site_rooted(book, pos.file, ref) : NULL;
    if (ref[0] == '/' && !rooted) {
        /* a file of that absolute path is outside the book; else the site path names nothing */
        if (access(ref, F_OK) == 0)
            diag_error(d, where, pos.line, pos.col, "image path '%s' leaves the book folder (it is absolute)", ref);
        else
            diag_error(d, where, pos.line, pos.col,
                       "image '%s' not found (from the book folder, or a folder above the chapter, as a site's root)", ref);
        goto done;
    }
    int at = image_place_find(book, rooted ? NULL : pos.file, rooted ? rooted : ref, place);
    free(rooted);
    if (at < 0) {
        diag_error(d, where, pos.line, pos.col, "image '%s' not found (%s)", ref,
                   strerror(place[0].err ? place[0].err : ENOENT));
        goto done;
    }
    norm = image_book_path(book, &place[at]);
    full = place[at].full, real = place[at].real;
    place[at].full = place[at].real = NULL;
    /* the reader loses nothing, but the book no longer holds all it needs */
    if (!place[at].inside)
        diag_warning(d, where, pos.line, pos.col, "image '%s' is a file outside the book folder: %s", ref, real);
    struct stat st;
    bool known = stat(real, &st) == 0 && S_ISREG(st.st_mode);
    const model_image *before = known ? image_read_before(book, &st) : NULL;
    if (before) {
        *out = *before;
        ok = true;
        goto done;
    }
    size_t len = 0;
    if (file_read(real, IMAGE_MAX_BYTES, &data, &len) != 0) {
        if (errno == EISDIR) diag_error(d, where, pos.line, pos.col, "image '%s' is a folder, not a file", ref);
        else if (errno == EFBIG) diag_error(d, where, pos.line, pos.col, "image '%s' is larger than 64 MiB", ref);
        else diag_error(d, where, pos.line, pos.col, "cannot read image '%s': %s", ref, strerror(errno));
        goto done;
    }
    if (image_convertible((const unsigned char *)data, len)) {
        /* WebP and GIF: converted once here, so both writers get the same PNG */
        size_t png_len = 0;
        char *png = (char *)image_png_from((const unsigned char *)data, len, &png_len, &why);
        if (!png) {
            diag_error(d, where, pos.line, pos.col, "image '%s' %s", ref, why);
            goto done;
        }
        free(data);
        data = png, len = png_len;
    }
    if (!decode_image(data, len, out, &why)) {
        diag_error(d, where, pos.line, pos.col, "image '%s' %s", ref, why);
        goto done;
    }
    if (strcmp(out->media_type, "image/svg+xml") == 0 && !sanitise_svg(&data, &len, ref, where, pos, d)) goto done;
    out->path = arena_strdup(book->mem, full);
    out->book_path = arena_strdup(book->mem, norm);
    /* the bytes just checked are the ones the writers get */
    out->data = arena_adopt(book->mem, data);
    out->size = len;
    data = NULL;
    if (known) remember_image(book, &st, out);
    ok = true;
done:
    if (!ok) memset(out, 0, sizeof *out);
    for (int i = 0; i < IMAGE_PLACES; i++) free(place[i].full), free(place[i].real);
    free(why);
    free(data);
    free(real);
    free(full);
    free(norm);
    free(where);
    return ok;
}

/*** chapters ***/

static void line_col_of(const char *data, size_t off, int *line, int *col) {
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') l++, c = 1;
        else c++;
    }
    *line = l, *col = c;
}

static bool blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i])) return false;
    return true;
}

/* A leading YAML front matter block is metadata, not text: blanked in place (every line
 * where it was), after giving the book its metadata when `front` (a one-file book). */
static bool front_matter(model_book *book, model_chapter *ch, char *text, size_t len, const char *where, bool front,
                         diag *d) {
    size_t fm = manifest_front_matter_len(text, len);
    if (!fm) return true;
    bool ok = !front || manifest_front_matter(book, text, fm, where, d);
    if (!front) {
        int line = 1, col = 1;
        ch->front_title = manifest_front_matter_title(book, text, fm, &line, &col);
        ch->front_title_pos = (model_pos){ch->file, line, col};
    }
    for (size_t i = 0; i < fm; i++)
        if (text[i] != '\n' && text[i] != '\r') text[i] = ' ';
    return ok;
}

/* The files the chapters read so far, by identity: the same file under another
 * spelling ("./x.md", "a/../x.md"), through a symbolic or a hard link is a repeat. */
typedef struct chapter_file {
    dev_t dev;
    ino_t ino;
    const manifest_ref *ref;
} chapter_file;

/* True after reporting that `real` is a file an earlier chapter already read. */
static bool repeated_chapter(chapter_file *seen, size_t *n_seen, const char *real, const manifest_ref *ref, diag *d) {
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) return false; /* reported when it is read */
    for (size_t i = 0; i < *n_seen; i++) {
        if (seen[i].dev == st.st_dev && seen[i].ino == st.st_ino) {
            const model_pos *p = &ref->pos;
            diag_error(d, p->file, p->line, p->col, "chapter '%s' is listed twice (first at line %d as '%s')",
                       ref->value, seen[i].ref->pos.line, seen[i].ref->value);
            return true;
        }
    }
    seen[(*n_seen)++] = (chapter_file){st.st_dev, st.st_ino, ref};
    return false;
}

static bool resolve_image(void *ctx, model_book *book, const char *ref, model_pos pos, model_image *out, diag *d) {
    (void)ctx;
    return book_resolve_image(book, ref, pos, out, d);
}

const markdown_resolver book_files = {resolve_image, NULL};

/* A chapter whose text starts with its own title: a heading of its top level. */
static bool opens_with_title(const model_chapter *ch) {
    const model_node *first = ch->root->first_child;
    return first && first->type == MODEL_HEADING && first->as.heading.level <= ch->depth + 1;
}

/* Some heading of the chapter's top level (an MkDocs page may open with a picture, its
 * h1 below it). */
static bool has_top_heading(const model_chapter *ch) {
    for (const model_node *k = ch->root->first_child; k; k = k->next)
        if (k->type == MODEL_HEADING && k->as.heading.level <= ch->depth + 1) return true;
    return false;
}

/* A heading of `text` put first in a chapter: an mdBook part's title, a SUMMARY.md
 * entry's for a chapter that has no heading of its own (every entry is in the outline),
 * or its front matter's title for a chapter whose text does not open with one. */
static void title_heading(model_book *book, model_chapter *ch, int index, const char *text, model_pos pos) {
    int level = ch->depth + 1 > 6 ? 6 : ch->depth + 1;
    style_role role = level == 1 ? STYLE_H1 : level == 2 ? STYLE_H2 : STYLE_H3;
    model_node *h = model_node_new(book, MODEL_HEADING, pos);
    h->chapter = index;
    h->as.heading.level = level;
    h->role = role;
    h->style = book->style ? &book->style->roles[role] : NULL;
    model_node *t = model_node_new(book, MODEL_TEXT, pos);
    t->chapter = index;
    t->text = arena_strdup(book->mem, text);
    model_append_child(h, t);
    /* a chapter without a heading already holds its id (made from the same title) */
    bool no_heading = ch->id && model_find_id(book, ch->id) == ch->root;
    h->id = no_heading ? ch->id : model_unique_slug(book, text);
    model_bind_id(book, h->id, h);
    model_prepend_child(ch->root, h);
    ch->title = t->text;
    ch->id = h->id;
}

/* An mdBook part: a chapter holding only its title. */
static void part_chapter(model_book *book, const manifest_ref *ref, int index) {
    model_chapter *ch = &book->chapters[index];
    ch->file = ref->value;
    ch->root = model_node_new(book, MODEL_CHAPTER, (model_pos){ch->file, ref->pos.line, ref->pos.col});
    ch->root->chapter = index;
    ch->root->role = STYLE_BODY;
    ch->root->style = book->style ? &book->style->roles[STYLE_BODY] : NULL;
    title_heading(book, ch, index, ref->part, (model_pos){ch->file, ref->pos.line, ref->pos.col});
}

/* mdBook's {{#include}} links replaced in a chapter's text, `map` telling where each
 * stretch was written; false after an error. */
static bool expand_includes(model_book *book, const model_chapter *ch, const manifest_ref *ref, char **data, size_t *len,
                            size_t bom, const char *where, srcmap *map, diag *d) {
    size_t n = 0;
    char *x = ref->snippets ? mdbook_expand_snippets(book, ch->file, *data + bom, *len - bom, where, &n, map, d)
                            : mdbook_expand(book, ch->file, *data + bom, *len - bom, where, ref->vars, &n, map, d);
    if (!x) return false;
    free(*data);
    *data = x, *len = n;
    return true;
}

/* The size of the chapter files the manifest lists (before they are read), as stat says. */
static size_t listed_bytes(const model_book *book, const manifest *m) {
    size_t total = 0;
    for (size_t i = 0; i < m->n_chapters; i++) {
        if (m->chapters[i].part || !m->chapters[i].value) continue;
        char *path = path_join(book->dir, m->chapters[i].value);
        struct stat st;
        if (stat(path, &st) == 0 && st.st_size > 0) total += (size_t)st.st_size;
        free(path);
    }
    return total;
}

/* One chapter: checks where it lives and what it holds, then parses it. */
static bool load_chapter(model_book *book, const manifest_ref *ref, int index, bool front, chapter_file *seen,
                         size_t *n_seen, diag *d) {
    model_chapter *ch = &book->chapters[index];
    const char *v = ref->value;
    const model_pos *p = &ref->pos;
    ch->depth = ref->depth;
    ch->rust_hidden = ref->mdbook;
    if (ref->part) {
        part_chapter(book, ref, index);
        return true;
    }
    if (v[0] == '/') {
        diag_error(d, p->file, p->line, p->col, "chapter path leaves the book folder: '%s' is absolute", v);
        return false;
    }
    char *norm = path_normalise(v);
    if (!norm || !*norm) {
        diag_error(d, p->file, p->line, p->col, "chapter path leaves the book folder: '%s'", v);
        free(norm);
        return false;
    }
    ch->file = arena_strdup(book->mem, norm);
    free(norm);
    char *full = path_join(book->dir, ch->file);
    char *real = path_real(full);
    char *data = NULL;
    size_t len = 0;
    bool ok = false;
    srcmap map = {0};
    if (!real) {
        if (errno == ENOENT) diag_error(d, p->file, p->line, p->col, "chapter '%s' not found", v);
        else diag_error(d, p->file, p->line, p->col, "cannot open chapter '%s': %s", v, strerror(errno));
        goto done;
    }
    if (!path_is_inside(real, book->dir)) {
        diag_error(d, p->file, p->line, p->col, "chapter path leaves the book folder: '%s' links to %s", v, real);
        goto done;
    }
    if (repeated_chapter(seen, n_seen, real, ref, d)) goto done;
    if (file_read(real, CHAPTER_MAX_BYTES, &data, &len) != 0) {
        if (errno == EISDIR)
            diag_error(d, p->file, p->line, p->col, "chapter '%s' is a folder, not a Markdown file", v);
        else if (errno == EFBIG)
            diag_error(d, p->file, p->line, p->col, "chapter '%s' is larger than 64 MiB", v);
        else if (errno == EINVAL)
            diag_error(d, p->file, p->line, p->col, "chapter '%s' is not a regular file", v);
        else
            diag_error(d, p->file, p->line, p->col, "cannot read chapter '%s': %s", v, strerror(errno));
        goto done;
    }
    char *where = model_display_path(book, ch->file);
    /* a byte-order mark is not text: leave it out so line 1 columns match an editor's */
    size_t bom = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    uint32_t cp;
    long bad = text_find_invalid(data, len, &cp);
    if (bad >= 0) {
        int line, col;
        line_col_of(data, (size_t)bad, &line, &col);
        if (cp == 0) diag_error(d, where, line, col, "NUL byte in a text file");
        else if (cp == UINT32_MAX)
            diag_error(d, where, line, col, "invalid UTF-8 (byte 0x%02X); save the chapter as UTF-8",
                       (unsigned char)data[bad]);
        else if (utf8_is_noncharacter(cp))
            diag_error(d, where, line, col, "Unicode noncharacter U+%04X in a text file", (unsigned)cp);
        else
            diag_error(d, where, line, col,
                       "control character U+%04X in a text file (only tabs and line ends may be used)", (unsigned)cp);
    } else if (blank(data + bom, len - bom)) {
        diag_error(d, where, 1, 1, "chapter is empty");
    } else if (!(ref->mdbook || ref->snippets) || expand_includes(book, ch, ref, &data, &len, bom, where, &map, d)) {
        if (ref->mdbook || ref->snippets) bom = 0;
        ch->title = ref->title;
        ok = front_matter(book, ch, data + bom, len - bom, where, front, d);
        ok &= markdown_parse_included(book, ch, index, data + bom, len - bom, ref->mdbook || ref->snippets ? &map : NULL, &book_files, d);
        /* no heading of its own: the chapter's id then names its root */
        if (ref->title && ch->root && ch->id && model_find_id(book, ch->id) == ch->root)
            title_heading(book, ch, index, ref->title, (model_pos){ch->file, 1, 1});
        else if (ref->nav_title && ref->title && ch->root && !has_top_heading(ch))
            title_heading(book, ch, index, ref->title, (model_pos){ch->file, 1, 1});
        else if (ch->front_title && ch->root && !opens_with_title(ch))
            title_heading(book, ch, index, ch->front_title, ch->front_title_pos);
    }
    free(where);
done:
    srcmap_free(&map);
    free(data);
    free(real);
    free(full);
    return ok;
}

/*** the book ***/

int book_timestamp(int64_t *out, bool *from_env, diag *d) {
    int64_t v = 0;
    int r = source_date_epoch(&v);
    if (r < 0) {
        diag_error(d, "SOURCE_DATE_EPOCH", 0, 0, "'%s' is not a number of seconds between 0 and 253402300799",
                   getenv("SOURCE_DATE_EPOCH"));
        return -1;
    }
    if (from_env) *from_env = r == 1;
    *out = r == 1 ? v : (int64_t)time(NULL);
    return 0;
}

static char *searched_list(const char *book_dir) {
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s/styles", book_dir);
    for (const char *const *d = book_data_dirs(); *d; d++) buf_printf(&b, ", %s/styles", *d);
    return buf_detach(&b, NULL);
}

static bool load_style(model_book *book, const char *given_dir, const book_options *opt, const manifest *m, diag *d) {
    if (opt && opt->style_path) {
        if (!path_is_file(opt->style_path)) {
            diag_error(d, opt->style_path, 0, 0, "style file not found");
            return false;
        }
        book->style = style_load(opt->style_path, d);
    } else {
        const char *name = book->meta.style ? book->meta.style : "brochure";
        /* found through the folder as the user named it, so messages show a path they know */
        char *path = book_find_style(given_dir, name);
        if (!path) {
            char *list = searched_list(book->dir);
            if (m->style.value)
                diag_error(d, m->style.pos.file, m->style.pos.line, m->style.pos.col,
                           "style '%s' not found (looked for %s.yaml in %s)", name, name, list);
            else
                diag_error(d, book->manifest, 0, 0, "style '%s' not found (looked for %s.yaml in %s)", name, name,
                           list);
            free(list);
            return false;
        }
        /* A style of the book's own must stay inside the book, like its chapters. */
        char *own_rel = xasprintf("styles/%s.yaml", name);
        char *own = path_join(given_dir, own_rel);
        free(own_rel);
        if (strcmp(own, path) == 0) {
            char *real = path_real(path);
            bool inside = real && path_is_inside(real, book->dir);
            free(real);
            if (!inside) {
                if (m->style.value)
                    diag_error(d, m->style.pos.file, m->style.pos.line, m->style.pos.col,
                               "style '%s' leaves the book folder (%s is a symbolic link pointing outside)", name,
                               path);
                else
                    diag_error(d, path, 0, 0, "style file leaves the book folder (a symbolic link pointing outside)");
                free(own);
                free(path);
                return false;
            }
        }
        free(own);
        book->style = style_load(path, d);
        free(path);
    }
    if (!book->style) return false;
    if (opt && opt->paper && !style_set_paper(book->style, opt->paper)) {
        diag_error(d, NULL, 0, 0, "unknown paper size '%s' (use a4 or letter)", opt->paper);
        return false;
    }
    if (opt && opt->paper && !style_check_page(book->style, d)) return false;
    return true;
}

/* The book's own fonts/ (when it has one and it stays inside the book), then the
 * fonts/ of each data folder. False after reporting a fonts/ that leaves the book. */
static bool set_font_dirs(model_book *book, diag *d) {
    const char *const *dd = book_data_dirs();
    size_t n = 0;
    while (dd[n]) n++;
    book->font_dirs = arena_alloc(book->mem, (n + 2) * sizeof *book->font_dirs);
    book->n_font_dirs = 0;
    bool ok = true;
    char *own = path_join(book->dir, "fonts");
    if (path_is_dir(own)) {
        char *real = path_real(own);
        if (real && path_is_inside(real, book->dir)) {
            book->font_dirs[book->n_font_dirs++] = arena_strdup(book->mem, real);
        } else {
            char *shown = model_display_path(book, "fonts");
            diag_error(d, shown, 0, 0, "the fonts folder leaves the book folder (a symbolic link to %s)",
                       real ? real : "?");
            free(shown);
            ok = false;
        }
        free(real);
    }
    free(own);
    for (size_t i = 0; i < n; i++) {
        char *f = path_join(dd[i], "fonts");
        bool dup = false;
        for (size_t k = 0; k < book->n_font_dirs; k++)
            if (strcmp(book->font_dirs[k], f) == 0) dup = true;
        if (!dup && path_is_dir(f)) book->font_dirs[book->n_font_dirs++] = arena_strdup(book->mem, f);
        free(f);
    }
    return ok;
}

static bool markdown_name(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0);
}

/* A one-file book: the file is the only chapter; its name names the artifacts (letters,
 * digits, '.', '_' and '-'; others become '-'). Metadata comes from its front matter. */
static void single_manifest(model_book *book, const char *real, manifest *m) {
    const char *base = strrchr(real, '/');
    base = base ? base + 1 : real;
    m->chapters = arena_alloc(book->mem, sizeof *m->chapters);
    m->chapters[0] = (manifest_ref){.value = arena_strdup(book->mem, base), .pos = {book->manifest, 0, 0}};
    m->n_chapters = 1;
    manifest_set_name(book, base, (size_t)(strrchr(base, '.') - base));
    book->meta.style = "brochure";
}

/* What a one-file (or mdBook) book lacks after its chapters are read: the first heading
 * as the title, English, and a name-based identifier. */
static void single_defaults(model_book *book) {
    model_meta *m = &book->meta;
    if (!m->title) m->title = book->n_chapters && book->chapters[0].title ? book->chapters[0].title : m->name;
    if (!m->language) m->language = "en";
    if (!m->identifier) m->identifier = manifest_name_uuid(book);
}

/* The book.yaml of a book folder, read into book->meta and m. False when there is none
 * to read (reported); *ok false after errors in it. */
static bool read_book_yaml(model_book *book, manifest *m, bool *ok, diag *d) {
    char *yaml = path_join(book->dir, "book.yaml");
    if (!path_is_file(yaml)) {
        diag_error(d, book->manifest, 0, 0, "%s", path_is_dir(yaml) ? "book.yaml is a folder, not a file"
                                                                     : "no book.yaml in the book folder");
        free(yaml);
        return false;
    }
    /* a book.yaml that is a link to a file elsewhere is not the book's own */
    char *real_yaml = path_real(yaml);
    bool inside = real_yaml && path_is_inside(real_yaml, book->dir);
    if (!inside)
        diag_error(d, book->manifest, 0, 0, "book.yaml leaves the book folder (a symbolic link to %s)",
                   real_yaml ? real_yaml : "?");
    free(real_yaml);
    if (!inside) {
        free(yaml);
        return false;
    }
    bool manifest_ok = manifest_load(book, yaml, book->manifest, m, d);
    free(yaml);
    if (book->meta.strict) d->strict = true;
    *ok = *ok && manifest_ok;
    /* keep going after a bad manifest where possible: every error at once */
    return manifest_ok || m->n_chapters > 0 || book->meta.name;
}

/* A folder of Markdown files with no book.yaml (nor a folder of that name): its files as
 * chapters. False when it has none, or a book.yaml to read. */
static bool markdown_folder(model_book *book, const char *dir, bool here, manifest *m, diag *d) {
    char *yaml = path_join(book->dir, "book.yaml");
    struct stat st;
    bool none = lstat(yaml, &st) != 0; /* not even a dangling link */
    free(yaml);
    if (!none) return false;
    char *shown = here ? xstrdup(".") : xstrdup(dir);
    bool yes = mkdocs_load_folder(book, shown, m, d);
    free(shown);
    if (yes) {
        char *at = here ? xstrdup("book.yaml") : path_join(dir, "book.yaml");
        book->manifest = arena_strdup(book->mem, at);
        free(at);
    }
    return yes;
}

model_book *book_load(const char *dir, const book_options *opt, diag *d) {
    if (!dir || !*dir) dir = ".";
    int errors_before = d->errors;
    char *real = path_real(dir);
    if (!real) {
        diag_error(d, dir, 0, 0, "book folder not found (%s)", strerror(errno));
        return NULL;
    }
    bool single = !path_is_dir(real) && path_is_file(real) && markdown_name(real);
    if (!single && !path_is_dir(real)) {
        diag_error(d, dir, 0, 0, "not a folder: a book is a folder holding book.yaml, or one Markdown file (.md)");
        free(real);
        return NULL;
    }
    char *folder = single ? path_dirname(real) : xstrdup(real);
    if (access(folder, R_OK | X_OK) != 0) {
        diag_error(d, dir, 0, 0, "cannot read the book folder (%s)", strerror(errno));
        free(folder);
        free(real);
        return NULL;
    }
    model_book *book = model_book_new();
    book->dir = arena_strdup(book->mem, folder);
    free(folder);
    bool here = strcmp(dir, ".") == 0 || strcmp(dir, "./") == 0;
    char *display = single ? xstrdup(dir) : here ? xstrdup("book.yaml") : path_join(dir, "book.yaml");
    book->manifest = arena_strdup(book->mem, display);
    free(display);
    /* styles are found through the folder as the user named it */
    char *given_dir = single ? path_dirname(dir) : xstrdup(dir);
    bool ok = true;
    manifest m;
    memset(&m, 0, sizeof m);
    if (book_timestamp(&book->timestamp, &book->timestamp_from_env, d) != 0) ok = false;
    if (opt && opt->strict) d->strict = true;
    bool mdbook = !single && mdbook_is_project(book->dir);
    const char *mkdocs = NULL;
    bool md_folder = false;
    if (mdbook) {
        /* messages name book.toml and SUMMARY.md beside it (a GitBook has no book.toml) */
        char *at_toml = path_join(book->dir, "book.toml");
        const char *top = path_is_file(at_toml) ? "book.toml" : "SUMMARY.md";
        free(at_toml);
        char *toml = here ? xstrdup(top) : path_join(dir, top);
        book->manifest = arena_strdup(book->mem, toml);
        free(toml);
        if (!mdbook_load(book, &m, d)) ok = false;
        if (m.n_chapters == 0) goto fail;
    } else if (!single && (mkdocs = mkdocs_project_file(book->dir)) != NULL) {
        char *shown = here ? xstrdup(mkdocs) : path_join(dir, mkdocs);
        book->manifest = arena_strdup(book->mem, shown);
        free(shown);
        if (!mkdocs_load(book, mkdocs, book->manifest, &m, d)) ok = false;
        if (m.n_chapters == 0) goto fail;
    } else if (single) {
        single_manifest(book, real, &m);
    } else if (!single && (md_folder = markdown_folder(book, dir, here, &m, d))) {
        /* read as MkDocs reads a docs folder without nav */
    } else if (!read_book_yaml(book, &m, &ok, d)) {
        goto fail;
    }

    if (!load_style(book, given_dir, opt, &m, d)) ok = false;
    if (ok && book->style && opt && opt->on_style) opt->on_style(book, listed_bytes(book, &m), opt->on_style_arg);
    if (!set_font_dirs(book, d)) ok = false;
    if (book->style && !fonts_scan(book, d)) ok = false;

    book->chapters = arena_alloc(book->mem, (m.n_chapters ? m.n_chapters : 1) * sizeof *book->chapters);
    book->n_chapters = m.n_chapters;
    bool chapters_ok = true;
    chapter_file *seen = xcalloc(m.n_chapters ? m.n_chapters : 1, sizeof *seen);
    size_t n_seen = 0;
    for (size_t i = 0; i < m.n_chapters; i++)
        if (!load_chapter(book, &m.chapters[i], (int)i, single && i == 0, seen, &n_seen, d)) chapters_ok = false;
    free(seen);
    if (!chapters_ok) ok = false;
    if (m.n_chapters && !markdown_link_book(book, d)) ok = false;
    if (single || mdbook || mkdocs || md_folder) single_defaults(book);

    if (m.cover.value) {
        /* the cover path is relative to the book folder, where book.yaml lives */
        model_pos pos = {"book.yaml", m.cover.pos.line, m.cover.pos.col};
        if (book_resolve_image(book, m.cover.value, pos, &book->meta.cover, d)) book->meta.has_cover = true;
        else ok = false;
    }
    if (!ok || d->errors > errors_before) goto fail;
    /* an mdBook or MkDocs outline lists every SUMMARY or nav entry, however deep */
    int contents = book->style->contents_depth;
    for (size_t i = 0; (mdbook || mkdocs || md_folder) && i < m.n_chapters; i++)
        if (m.chapters[i].depth + 1 > contents) contents = m.chapters[i].depth + 1 > 6 ? 6 : m.chapters[i].depth + 1;
    model_contents_build(book, contents);
    free(given_dir);
    free(real);
    return book;
fail:
    free(given_dir);
    free(real);
    model_book_free(book);
    return NULL;
}
