/* fontset: one fontconfig configuration per set of font folders, kept for the life of
 * the process: fontconfig reads each font file once. */
#include "model/fontset.h"

#include <dirent.h>
#include <pthread.h>
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
    return real ? real : xstrdup("?");
}

static void walk_dir(const char *dir, int depth, const char *confine, fontset_file_fn fn, void *ctx) {
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        if (name[0] != '.') {
            char *path = path_join(dir, name);
            bool is_dir = path_is_dir(path);
            if (is_dir || (is_font_file(name) && path_is_file(path))) {
                char *out = leaves(path, confine);
                if (out) fn(ctx, path, out);
                else if (is_dir && depth < 4) walk_dir(path, depth + 1, confine, fn, ctx);
                else if (!is_dir) fn(ctx, path, NULL);
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

static void add_file(void *ctx, const char *path, const char *out) {
    if (!out) FcConfigAppFontAddFile((FcConfig *)ctx, (const FcChar8 *)path);
}

/* File by file rather than FcConfigAppFontAddDir: a folder scan wants to write a
 * fontconfig cache, and this configuration has (on purpose) no cache folder. */
static void add_dir(FcConfig *config, const model_book *book, const char *dir) {
    walk_dir(dir, 0, fontset_confine(book, dir), add_file, config);
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
