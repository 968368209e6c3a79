/* fontset: one fontconfig configuration per set of font folders, kept for the life of
 * the process: fontconfig reads each font file once. */
#include "model/fontset.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-subset.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct fontset_entry {
    char *key;              /* folders joined by '\n' */
    FcConfig *config;
    struct fontset_entry *next;
} fontset_entry;

static fontset_entry *cache_head;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static char *dirs_key(const model_book *book) {
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < book->n_font_dirs; i++) {
        buf_puts(&b, book->font_dirs[i]);
        buf_putc(&b, '\n');
    }
    return buf_detach(&b, NULL);
}

static bool is_font_file(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".ttf") == 0 || strcasecmp(dot, ".otf") == 0 || strcasecmp(dot, ".ttc") == 0);
}

/* Where a font file or folder really is, when that is outside `confine` (caller
 * frees); NULL when it stays inside. */
static char *leaves(const char *path, const char *confine) {
    if (!confine) return NULL;
    char *real = path_real(path);
    if (real && path_is_inside(real, confine)) {
        free(real);
        return NULL;
    }
    if (real) return real;
    /* no path to resolve ("pipe:[123]" behind /proc/self/fd/0): what the link says */
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0) return xstrdup("?");
    target[n] = 0;
    return xstrdup(target);
}

static void walk_dir(const char *dir, int depth, const char *confine, fontset_file_fn fn, void *ctx) {
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        if (name[0] != '.') {
            char *path = path_join(dir, name);
            bool is_dir = path_is_dir(path);
            struct stat ls;
            bool is_link = lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode);
            /* a link named like a font is judged by where it leads, even to a device */
            if (is_dir || (is_font_file(name) && (path_is_file(path) || (is_link && confine)))) {
                char *out = leaves(path, confine);
                if (out) fn(ctx, path, out);
                else if (is_dir && depth < 4) walk_dir(path, depth + 1, confine, fn, ctx);
                else if (!is_dir && path_is_file(path)) fn(ctx, path, NULL);
                free(out);
            }
            free(path);
        }
        free(list[i]);
    }
    free(list);
}

void fontset_walk(const char *dir, const char *confine, fontset_file_fn fn, void *ctx) {
    walk_dir(dir, 0, confine, fn, ctx);
}

const char *fontset_confine(const model_book *book, const char *dir) {
    return book->dir && path_is_inside(dir, book->dir) ? book->dir : NULL;
}

/*** checking a font file ***/

#define FONT_CHECK_MAX_BYTES ((size_t)64 << 20)

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t table_checksum(const unsigned char *p, size_t len) {
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 4) {
        unsigned char w[4] = {0, 0, 0, 0};
        memcpy(w, p + i, len - i < 4 ? len - i : 4);
        sum += be32(w);
    }
    return sum;
}

/* One sfnt table directory at `at`: every table inside the file, with its checksum
 * ('head' holds the file's own adjustment, so it is not summed). */
static char *check_directory(const unsigned char *f, size_t len, size_t at) {
    if (at > len || len - at < 12) return xstrdup("the file is too short for a font");
    uint32_t version = be32(f + at);
    if (version != 0x00010000 && version != 0x4F54544F /* OTTO */ && version != 0x74727565 /* true */)
        return xstrdup("not an OpenType or TrueType font");
    size_t n = (size_t)f[at + 4] << 8 | f[at + 5];
    if (n == 0 || len - at - 12 < n * 16) return xstrdup("its table directory is cut off");
    for (size_t i = 0; i < n; i++) {
        const unsigned char *r = f + at + 12 + i * 16;
        char tag[5] = {(char)r[0], (char)r[1], (char)r[2], (char)r[3], 0};
        for (int k = 0; k < 4; k++)
            if ((unsigned char)tag[k] < 0x20 || (unsigned char)tag[k] > 0x7E) tag[k] = '?';
        uint64_t off = be32(r + 8), size = be32(r + 12);
        if (off + size > len) return xasprintf("table '%s' lies past the end of the file (cut off?)", tag);
        if (strcmp(tag, "head") != 0 && table_checksum(f + off, (size_t)size) != be32(r + 4))
            return xasprintf("table '%s' is damaged (its checksum is wrong)", tag);
    }
    return NULL;
}

static char *check_sfnt(const unsigned char *f, size_t len) {
    if (len >= 12 && memcmp(f, "ttcf", 4) == 0) {
        size_t n = be32(f + 8);
        if (n == 0 || n > 1024 || (len - 12) / 4 < n) return xstrdup("its collection header is damaged");
        for (size_t i = 0; i < n; i++) {
            char *why = check_directory(f, len, be32(f + 12 + i * 4));
            if (why) return why;
        }
        return NULL;
    }
    return check_directory(f, len, 0);
}

/* What HarfBuzz makes of face `index`: glyphs, characters, and a subset of them (what
 * the e-book embeds). */
static char *check_face(hb_blob_t *blob, unsigned index) {
    hb_face_t *face = hb_face_create(blob, index);
    char *why = NULL;
    hb_set_t *chars = hb_set_create();
    hb_face_collect_unicodes(face, chars);
    if (hb_face_get_glyph_count(face) == 0) why = xstrdup("HarfBuzz finds no glyphs in it");
    else if (hb_set_is_empty(chars)) why = xstrdup("HarfBuzz finds no character map in it");
    if (!why) {
        hb_subset_input_t *in = hb_subset_input_create_or_fail();
        hb_face_t *sub = NULL;
        if (in) {
            hb_set_union(hb_subset_input_unicode_set(in), chars);
            sub = hb_subset_or_fail(face, in);
            hb_subset_input_destroy(in);
        }
        if (!sub) why = xstrdup("HarfBuzz cannot subset it");
        hb_face_destroy(sub);
    }
    hb_set_destroy(chars);
    hb_face_destroy(face);
    return why;
}

char *fontset_check_bytes(const unsigned char *data, size_t len) {
    if (len > FONT_CHECK_MAX_BYTES) return xstrdup("larger than 64 MiB");
    char *why = check_sfnt(data, len);
    if (!why) {
        hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
        unsigned faces = hb_face_count(blob);
        if (faces == 0) why = xstrdup("HarfBuzz cannot read it");
        for (unsigned i = 0; i < faces && !why; i++) why = check_face(blob, i);
        hb_blob_destroy(blob);
    }
    return why;
}

char *fontset_check_file(const char *path) {
    char *data = NULL;
    size_t len = 0;
    if (file_read(path, FONT_CHECK_MAX_BYTES, &data, &len) != 0)
        return xasprintf("cannot read it: %s", errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
    char *why = fontset_check_bytes((const unsigned char *)data, len);
    free(data);
    return why;
}

/* A file of the book's own fonts/ is added only when it is sound (fonts_scan reports it). */
typedef struct adding {
    FcConfig *config;
    bool check;
} adding;

static void add_file(void *ctx, const char *path, const char *out) {
    adding *a = ctx;
    if (out) return;
    if (a->check) {
        char *why = fontset_check_file(path);
        free(why);
        if (why) return;
    }
    FcConfigAppFontAddFile(a->config, (const FcChar8 *)path);
}

/* File by file rather than FcConfigAppFontAddDir: a folder scan wants to write a
 * fontconfig cache, and this configuration has (on purpose) no cache folder. */
static void add_dir(FcConfig *config, const model_book *book, const char *dir) {
    const char *confine = fontset_confine(book, dir);
    adding a = {config, confine != NULL};
    walk_dir(dir, 0, confine, add_file, &a);
}

/* Finds or makes the entry for the book's folders; call with cache_lock held. */
static fontset_entry *cache_entry(const model_book *book) {
    char *key = dirs_key(book);
    for (fontset_entry *e = cache_head; e; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            free(key);
            return e;
        }
    }
    fontset_entry *e = xcalloc(1, sizeof *e);
    e->key = key;
    /* FcConfigCreate loads no configuration files: no system fonts, no aliases, no cache dirs. */
    e->config = FcConfigCreate();
    if (!e->config) {
        fprintf(stderr, "quire: out of memory\n");
        abort();
    }
    for (size_t i = 0; i < book->n_font_dirs; i++) add_dir(e->config, book, book->font_dirs[i]);
    e->next = cache_head;
    cache_head = e;
    return e;
}

FcConfig *fontset_config(const model_book *book) {
    pthread_mutex_lock(&cache_lock);
    FcConfig *c = cache_entry(book)->config;
    pthread_mutex_unlock(&cache_lock);
    return c;
}

void fontset_release(void) {
    pthread_mutex_lock(&cache_lock);
    while (cache_head) {
        fontset_entry *e = cache_head;
        cache_head = e->next;
        FcConfigDestroy(e->config);
        free(e->key);
        free(e);
    }
    /* fontconfig's default configuration (loaded by Pango) is only released here. */
    FcFini();
    pthread_mutex_unlock(&cache_lock);
}
