/* cli_styles: `quire styles` lists every style file a book can name:
 * the book's own styles/ first, then quire's data folders. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "load/style.h"

typedef struct found_style {
    char *name;   /* file name without .yaml */
    char *path;
} found_style;

static int by_name(const void *a, const void *b) {
    return strcmp(((const found_style *)a)->name, ((const found_style *)b)->name);
}

/* "A4", "Letter", "A5 landscape" or "148 × 210 mm". */
static void paper_name(const style_page *pg, char *out, size_t n) {
    static const char *const names[] = {"A3", "A4", "A5", "A6", "B5", "Letter", "Legal", NULL};
    for (int i = 0; names[i]; i++) {
        double w, h;
        if (!style_paper_size(names[i], &w, &h)) continue;
        if (fabs(w - pg->width) < 1.0 && fabs(h - pg->height) < 1.0) {
            snprintf(out, n, "%s", names[i]);
            return;
        }
        if (fabs(h - pg->width) < 1.0 && fabs(w - pg->height) < 1.0) {
            snprintf(out, n, "%s landscape", names[i]);
            return;
        }
    }
    snprintf(out, n, "%.0f×%.0f mm", pg->width * 25.4 / 72.0, pg->height * 25.4 / 72.0);
}

/* Adds the .yaml files of dir (sorted) unless a style of that name was already found. */
static void scan(const char *dir, found_style **list, size_t *n, size_t *cap) {
    DIR *dh = opendir(dir);
    if (!dh) return;
    size_t first = *n;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || e->d_name[0] == '.' || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        char *path = path_join(dir, e->d_name);
        bool skip = !path_is_file(path);
        for (size_t i = 0; i < *n && !skip; i++)
            skip = strncmp((*list)[i].name, e->d_name, len - 5) == 0 && (*list)[i].name[len - 5] == '\0';
        if (skip) {
            free(path);
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *list = xrealloc(*list, *cap * sizeof **list);
        }
        (*list)[(*n)++] = (found_style){xstrndup(e->d_name, len - 5), path};
    }
    closedir(dh);
    qsort(*list + first, *n - first, sizeof **list, by_name);
}

int cli_cmd_styles(const char *book_dir, FILE *out, diag *d) {
    found_style *list = NULL;
    size_t n = 0, cap = 0;
    /* The book's folder shadows quire's own styles, as when loading a book. */
    if (book_dir) {
        char *dir = path_join(book_dir, "styles");
        scan(dir, &list, &n, &cap);
        free(dir);
    }
    for (const char *const *dirs = book_data_dirs(); dirs && *dirs; dirs++) {
        char *dir = path_join(*dirs, "styles");
        scan(dir, &list, &n, &cap);
        free(dir);
    }
    if (n == 0) {
        diag_error(d, NULL, 0, 0, "no styles found (looked in %s/styles and quire's data folders)",
                   book_dir ? book_dir : "<book>");
        free(list);
        return QUIRE_EINPUT;
    }

    int rc = QUIRE_OK;
    size_t width = 4;
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) > width) width = strlen(list[i].name);
    fprintf(out, "%-*s  %-14s %-8s %s\n", (int)width, "NAME", "PAPER", "COLUMNS", "PATH");
    for (size_t i = 0; i < n; i++) {
        style_sheet *s = style_load(list[i].path, d);
        if (!s) {
            rc = QUIRE_EINPUT; /* reported; the others are still listed */
        } else {
            char paper[48];
            paper_name(&s->page, paper, sizeof paper);
            fprintf(out, "%-*s  %-14s %-8d %s\n", (int)width, list[i].name, paper, s->page.columns, list[i].path);
            style_free(s);
        }
        free(list[i].name), free(list[i].path);
    }
    free(list);
    return rc;
}
