/* fonts: book->fonts, the faces of every family the style names, found in the book's
 * private fontconfig configuration (model/fontset). */
#include "load/fonts.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/fontset.h"

/*** listing faces ***/

typedef struct face {
    const char *family;      /* canonical (first) family name */
    FcPattern *pat;          /* for the other family names */
    const char *path;
    int weight;
    bool italic;
    size_t dir;              /* index of the folder it came from: earlier folders win */
    const char *media_type;
} face;

static int face_cmp(const void *a, const void *b) {
    const face *x = a, *y = b;
    int c = strcmp(x->family, y->family);
    if (c) return c;
    if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
    if (x->italic != y->italic) return x->italic ? 1 : -1;
    if (x->dir != y->dir) return x->dir < y->dir ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int str_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *media_type_of(FcPattern *p, const char *path) {
    FcChar8 *fmt = NULL;
    if (FcPatternGetString(p, FC_FONTFORMAT, 0, &fmt) == FcResultMatch) {
        if (strcmp((const char *)fmt, "CFF") == 0) return "font/otf";
        if (strcmp((const char *)fmt, "TrueType") == 0) return "font/ttf";
    }
    const char *dot = strrchr(path, '.');
    if (dot && strcasecmp(dot, ".otf") == 0) return "font/otf";
    if (dot && strcasecmp(dot, ".woff") == 0) return "font/woff";
    if (dot && strcasecmp(dot, ".woff2") == 0) return "font/woff2";
    return "font/ttf";
}

static bool face_has_family(const face *f, const char *name) {
    FcChar8 *fam;
    for (int i = 0; FcPatternGetString(f->pat, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (strcasecmp((const char *)fam, name) == 0) return true;
    return false;
}

static size_t dir_index(const model_book *book, const char *path) {
    for (size_t i = 0; i < book->n_font_dirs; i++) {
        size_t n = strlen(book->font_dirs[i]);
        if (strncmp(path, book->font_dirs[i], n) == 0 && (path[n] == '/' || book->font_dirs[i][n - 1] == '/'))
            return i;
    }
    return book->n_font_dirs;
}

typedef struct leak_report {
    const model_book *book;
    diag *d;
    bool ok;
} leak_report;

/* A link leading out of the book is an error; a damaged font file of the book's own
 * is a warning: it is left out, and a bundled face of its family is used. */
static void report_leak(void *ctx, const char *path, const char *out) {
    leak_report *r = ctx;
    size_t n = strlen(r->book->dir);
    const char *rel = strncmp(path, r->book->dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
    char *shown = model_display_path(r->book, rel);
    if (out) {
        diag_error(r->d, shown, 0, 0, "font %s leaves the book folder (a symbolic link to %s)",
                   path_is_dir(path) ? "folder" : "file", out);
        r->ok = false;
    } else {
        char *why = fontset_check_file(path);
        if (why) diag_warning(r->d, shown, 0, 0, "font file not used: %s", why);
        free(why);
    }
    free(shown);
}

/* Font files are read once, here, and kept: the writers embed these bytes. */
#define FONT_MAX_BYTES ((size_t)64 << 20)

/* The faces fontconfig lists in `fs`, sorted (face_cmp); *n gets their count. Caller frees. */
static face *list_faces(const model_book *book, FcFontSet *fs, size_t *n_out) {
    size_t n = 0;
    face *faces = xcalloc(fs && fs->nfont ? (size_t)fs->nfont : 1, sizeof *faces);
    for (int i = 0; fs && i < fs->nfont; i++) {
        FcPattern *p = fs->fonts[i];
        FcChar8 *fam, *file;
        int w, slant;
        if (FcPatternGetString(p, FC_FAMILY, 0, &fam) != FcResultMatch ||
            FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
            continue;
        if (FcPatternGetInteger(p, FC_WEIGHT, 0, &w) != FcResultMatch) w = FC_WEIGHT_REGULAR;
        if (FcPatternGetInteger(p, FC_SLANT, 0, &slant) != FcResultMatch) slant = FC_SLANT_ROMAN;
        face *f = &faces[n++];
        f->family = (const char *)fam;
        f->pat = p;
        f->path = (const char *)file;
        f->weight = FcWeightToOpenType(w);
        f->italic = slant != FC_SLANT_ROMAN;
        f->dir = dir_index(book, f->path);
        f->media_type = media_type_of(p, f->path);
    }
    qsort(faces, n, sizeof *faces, face_cmp);
    *n_out = n;
    return faces;
}

/* The distinct family names, sorted and joined with ", ", for the error message. */
static void family_list(const face *faces, size_t n, buf *list) {
    const char **names = xcalloc(n ? n : 1, sizeof *names);
    size_t n_names = 0;
    for (size_t i = 0; i < n; i++)
        if (!n_names || strcmp(names[n_names - 1], faces[i].family) != 0) names[n_names++] = faces[i].family;
    qsort(names, n_names, sizeof *names, str_cmp);
    for (size_t i = 0; i < n_names; i++) {
        if (i) buf_puts(list, ", ");
        buf_puts(list, names[i]);
    }
    if (!n_names) buf_puts(list, "(none found)");
    free(names);
}

/* Marks in `used` the faces of every family a role names; reports each unknown family
 * once, where it is first named. False when one is unknown. */
static bool mark_used(const style_sheet *s, const face *faces, size_t n, bool *used, diag *d) {
    bool ok = true;
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) {
        const style_text *t = &s->roles[r];
        bool reported = false;
        for (int q = 0; q < r; q++)
            if (strcasecmp(s->roles[q].family, t->family) == 0) reported = true;
        bool found = false;
        for (size_t i = 0; i < n; i++)
            if (face_has_family(&faces[i], t->family)) used[i] = found = true;
        if (!found) {
            ok = false;
            if (!reported) {
                buf list;
                buf_init(&list);
                family_list(faces, n, &list);
                diag_error(d, s->path, t->family_line, t->family_col, "unknown font family '%s'; bundled families: %s",
                           t->family, list.data);
                buf_free(&list);
            }
        }
    }
    return ok;
}

/* book->fonts: the used faces (the first of equal ones: a book's own before the
 * shared fonts/), each with its file's bytes, read once here. */
static bool keep_fonts(model_book *book, const face *faces, size_t n, const bool *used, diag *d) {
    bool ok = true;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += used[i];
    book->fonts = arena_alloc(book->mem, (count ? count : 1) * sizeof *book->fonts);
    book->n_fonts = 0;
    for (size_t i = 0; i < n; i++) {
        if (!used[i]) continue;
        model_font *prev = book->n_fonts ? &book->fonts[book->n_fonts - 1] : NULL;
        /* The same face from a later folder (e.g. the shared fonts/ after the book's own) loses. */
        if (prev && strcmp(prev->family, faces[i].family) == 0 && prev->weight == faces[i].weight &&
            prev->italic == faces[i].italic)
            continue;
        model_font *f = &book->fonts[book->n_fonts++];
        f->path = arena_strdup(book->mem, faces[i].path);
        const char *slash = strrchr(f->path, '/');
        f->file_name = slash ? slash + 1 : f->path;
        f->family = arena_strdup(book->mem, faces[i].family);
        f->weight = faces[i].weight;
        f->italic = faces[i].italic;
        f->media_type = faces[i].media_type;
        char *data = NULL;
        size_t len = 0;
        if (file_read(f->path, FONT_MAX_BYTES, &data, &len) != 0) {
            diag_error(d, f->path, 0, 0, "cannot read font file: %s",
                       errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
            ok = false;
            continue;
        }
        f->data = arena_adopt(book->mem, data);
        f->size = len;
    }
    return ok;
}

bool fonts_scan(model_book *book, diag *d) {
    const style_sheet *s = book->style;
    if (!s) return true;
    /* the book's own fonts/ may not lead out of the book (quire's own folders may) */
    leak_report lr = {book, d, true};
    for (size_t i = 0; i < book->n_font_dirs; i++) {
        const char *confine = fontset_confine(book, book->font_dirs[i]);
        if (confine) fontset_walk(book->font_dirs[i], confine, report_leak, &lr);
    }
    if (!lr.ok) return false;
    FcConfig *cfg = fontset_config(book);
    FcPattern *all = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, FC_WEIGHT, FC_SLANT, FC_FILE, FC_FONTFORMAT, NULL);
    FcFontSet *fs = FcFontList(cfg, all, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(all);

    size_t n = 0;
    face *faces = list_faces(book, fs, &n);
    bool *used = xcalloc(n ? n : 1, sizeof *used);
    bool ok = mark_used(s, faces, n, used, d) && keep_fonts(book, faces, n, used, d);
    free(used);
    free(faces);
    if (fs) FcFontSetDestroy(fs);
    return ok;
}
