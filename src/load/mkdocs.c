/* mkdocs: mkdocs.yml (load/ytree.c) into the metadata and chapter list. MkDocs's own
 * rules: pages are paths from docs_dir (default "docs"); a nav entry is a path, a
 * `Title: path` pair or a `Section: [entries]` pair; entries that are web addresses
 * are menu links, not pages. Without nav, every Markdown file is a page, ordered by
 * path with a folder's index first, and each folder is a section. */
#include "load/mkdocs.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/uri.h"
#include "base/util.h"
#include "load/ytree.h"

#define NAV_MAX_DEPTH 32
#define WALK_MAX_FILES 20000

typedef struct kctx {
    model_book *book;
    manifest *m;
    size_t cap;
    const char *docs;        /* docs_dir from the project folder, normalised */
    const char *file;        /* the project file's name in the project folder */
    const char *shown;       /* as messages name it */
    diag *d;
    size_t walked;           /* files seen by the walk without nav */
    bool snippets;           /* markdown_extensions has pymdownx.snippets */
} kctx;

const char *mkdocs_project_file(const char *dir) {
    static const char *const names[] = {"mkdocs.yml", "mkdocs.yaml", NULL};
    char *yaml = path_join(dir, "book.yaml"), *toml = path_join(dir, "book.toml");
    bool other = path_is_file(yaml) || path_is_dir(yaml) || path_is_file(toml);
    free(yaml);
    free(toml);
    if (other) return NULL;
    for (int i = 0; names[i]; i++) {
        char *p = path_join(dir, names[i]);
        bool yes = path_is_file(p);
        free(p);
        if (yes) return names[i];
    }
    return NULL;
}

static manifest_ref *new_ref(kctx *c, int line, int col) {
    return manifest_add_ref(c->book, c->m, &c->cap, (model_pos){c->shown, line, col});
}

static bool markdown_file_name(const char *s) {
    size_t n = strlen(s);
    return (n > 3 && strcasecmp(s + n - 3, ".md") == 0) || (n > 9 && strcasecmp(s + n - 9, ".markdown") == 0);
}

/* A section's title as a part heading above the pages that follow. */
static void add_part(kctx *c, const char *title, int line, int col, int depth) {
    manifest_ref *r = new_ref(c, line, col);
    r->part = arena_strdup(c->book->mem, title);
    r->value = c->file;
    r->depth = depth;
}

/* A page of the book: `path` from docs_dir. Repeats and missing files are left out
 * with a warning (MkDocs builds the site without them too). */
static void add_page(kctx *c, const char *path, const char *title, int line, int col, int depth) {
    char *joined = strcmp(c->docs, ".") == 0 ? xstrdup(path) : xasprintf("%s/%s", c->docs, path);
    char *norm = path_normalise(joined);
    bool dup = false;
    for (size_t i = 0; norm && i < c->m->n_chapters && !dup; i++)
        dup = !c->m->chapters[i].part && c->m->chapters[i].value && strcmp(c->m->chapters[i].value, norm) == 0;
    char *full = norm ? path_join(c->book->dir, norm) : NULL;
    if (dup) {
        diag_warning(c->d, c->shown, line, col, "page '%s' is in nav twice; read once", path);
    } else if (norm && !path_is_file(full)) {
        diag_warning(c->d, c->shown, line, col, "nav page '%s' is not in %s/; left out", path, c->docs);
    } else {
        manifest_ref *r = new_ref(c, line, col);
        /* a path leaving the book is refused when the chapter is read */
        r->value = arena_strdup(c->book->mem, norm ? norm : joined);
        r->title = title ? arena_strdup(c->book->mem, title) : NULL;
        r->nav_title = true;
        r->snippets = c->snippets;
        r->depth = depth;
    }
    free(full);
    free(norm);
    free(joined);
}

/* A web address, an absolute site path or a fragment: a link of the site's menu. */
static bool menu_link(const char *s) { return uri_has_scheme(s) || s[0] == '/' || s[0] == '#'; }

static void nav_list(kctx *c, const ytree_node *list, int depth);
static void walk(kctx *c, const char *rel, int depth);
static char *folder_title(const char *name);

/* A nav entry naming a folder of docs_dir ("user-guide/", as mkdocs.org's own nav does):
 * a section of its pages, in the order they would have without nav. */
static bool nav_folder(kctx *c, const char *title, const char *path, int line, int col, int depth) {
    char *norm = path_normalise(path);
    char *full = norm && *norm ? xasprintf("%s/%s/%s", c->book->dir, c->docs, norm) : NULL;
    bool yes = full && path_is_dir(full);
    if (yes) {
        size_t before = c->m->n_chapters;
        const char *base = strrchr(norm, '/');
        char *t = title ? xstrdup(title) : folder_title(base ? base + 1 : norm);
        add_part(c, t, line, col, depth);
        free(t);
        walk(c, norm, depth + 1);
        if (c->m->n_chapters == before + 1) c->m->n_chapters = before;
    }
    free(full);
    free(norm);
    return yes;
}

/* One nav entry: a path, or a map of title to a path or a list. */
static void nav_entry(kctx *c, const char *title, const ytree_node *v, int line, int col, int depth) {
    if (v->kind == YTREE_LIST) {
        size_t before = c->m->n_chapters;
        if (title) add_part(c, title, line, col, depth);
        nav_list(c, v, title ? depth + 1 : depth);
        /* a section of web links only has no page to stand above */
        if (title && c->m->n_chapters == before + 1) c->m->n_chapters = before;
    } else if (v->kind == YTREE_SCALAR && !ytree_is_null(v)) {
        if (menu_link(v->value)) return;
        if (markdown_file_name(v->value)) add_page(c, v->value, title, v->line, v->col, depth);
        else if (nav_folder(c, title, v->value, v->line, v->col, depth)) return;
        else diag_warning(c->d, c->shown, v->line, v->col, "nav entry '%s' is not a Markdown page; left out", v->value);
    } else if (v->kind == YTREE_MAP) {
        for (size_t i = 0; i + 1 < v->n; i += 2)
            nav_entry(c, v->items[i]->value, v->items[i + 1], v->items[i]->line, v->items[i]->col, depth);
    }
}

static void nav_list(kctx *c, const ytree_node *list, int depth) {
    if (depth > NAV_MAX_DEPTH) depth = NAV_MAX_DEPTH;
    for (size_t i = 0; i < list->n; i++) nav_entry(c, NULL, list->items[i], list->items[i]->line, list->items[i]->col, depth);
}

/*** no nav: the docs folder's own order ***/

static bool index_name(const char *s) {
    return strcasecmp(s, "index.md") == 0 || strcasecmp(s, "README.md") == 0;
}

/* MkDocs's order: a folder's index.md (else README.md) first, then by name. */
static int walk_order(const struct dirent **a, const struct dirent **b) {
    const char *x = (*a)->d_name, *y = (*b)->d_name;
    int ix = strcasecmp(x, "index.md") == 0 ? 0 : strcasecmp(x, "README.md") == 0 ? 1 : 2;
    int iy = strcasecmp(y, "index.md") == 0 ? 0 : strcasecmp(y, "README.md") == 0 ? 1 : 2;
    return ix != iy ? ix - iy : strcmp(x, y);
}

static int visible(const struct dirent *e) { return e->d_name[0] != '.'; }

/* A folder's name as MkDocs titles its section: '-' and '_' as spaces, a capital first
 * when it is all lower case. */
static char *folder_title(const char *name) {
    char *t = xstrdup(name);
    bool lower = true;
    for (char *p = t; *p; p++) {
        if (*p == '-' || *p == '_') *p = ' ';
        if (isupper((unsigned char)*p)) lower = false;
    }
    if (lower) t[0] = (char)toupper((unsigned char)t[0]);
    return t;
}

/* The Markdown files under `rel` (from docs_dir; "" for docs_dir itself). Folders
 * reached through symbolic links are not walked: a link may lead back up. */
static void walk(kctx *c, const char *rel, int depth) {
    char *dir = *rel ? xasprintf("%s/%s/%s", c->book->dir, c->docs, rel) : xasprintf("%s/%s", c->book->dir, c->docs);
    struct dirent **list = NULL;
    int n = scandir(dir, &list, visible, walk_order);
    bool have_index = false;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char *path = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
        char *full = xasprintf("%s/%s", dir, name);
        struct stat st;
        bool link_dir = lstat(full, &st) == 0 && S_ISLNK(st.st_mode);
        if (stat(full, &st) != 0 || c->walked >= WALK_MAX_FILES) {
            /* gone, or past what any book holds */
        } else if (S_ISDIR(st.st_mode) && !link_dir && depth < NAV_MAX_DEPTH) {
            size_t before = c->m->n_chapters;
            char *title = folder_title(name);
            add_part(c, title, 0, 0, depth);
            free(title);
            walk(c, path, depth + 1);
            if (c->m->n_chapters == before + 1) c->m->n_chapters = before;
        } else if (S_ISREG(st.st_mode) && markdown_file_name(name)) {
            /* index.md and README.md in one folder: MkDocs takes index.md */
            bool second_index = index_name(name) && have_index;
            have_index |= index_name(name);
            c->walked++;
            if (!second_index) add_page(c, path, NULL, 0, 0, depth);
        }
        free(full);
        free(path);
    }
    for (int i = 0; i < n; i++) free(list[i]);
    free(list);
    free(dir);
}

/*** the project file ***/

static const char *string_value(kctx *c, const char *key, const ytree_node *v) {
    if (v->kind == YTREE_SCALAR && !ytree_is_null(v)) return arena_strdup(c->book->mem, v->value);
    if (!ytree_is_null(v))
        diag_warning(c->d, c->shown, v->line, v->col, "'%s' must be a string, not %s; ignored", key, ytree_kind_name(v));
    return NULL;
}

/* `copyright` as sites write it, HTML and all ("Copyright &copy; 2024 <a href=…>Encode</a>"):
 * its text. */
static const char *copyright_text(kctx *c, const char *s) {
    static const struct { const char *ent, *text; } ents[] = {
        {"&copy;", "\xc2\xa9"}, {"&amp;", "&"}, {"&nbsp;", " "}, {"&lt;", "<"}, {"&gt;", ">"}, {"&ndash;", "\xe2\x80\x93"}};
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (const char *p = s; *p;) {
        if (*p == '<' && strchr(p, '>')) {
            p = strchr(p, '>') + 1;
            continue;
        }
        size_t k = 0;
        while (*p == '&' && k < sizeof ents / sizeof ents[0] && strncmp(p, ents[k].ent, strlen(ents[k].ent)) != 0) k++;
        if (*p == '&' && k < sizeof ents / sizeof ents[0]) {
            buf_puts(&b, ents[k].text);
            p += strlen(ents[k].ent);
        } else {
            buf_putc(&b, *p++);
        }
    }
    char *t = buf_detach(&b, NULL);
    const char *out = arena_strdup(c->book->mem, t);
    free(t);
    return out;
}

static void read_theme(kctx *c, const ytree_node *theme) {
    if (theme->kind != YTREE_MAP) return;
    for (size_t i = 0; i + 1 < theme->n; i += 2) {
        const char *k = theme->items[i]->value;
        const ytree_node *v = theme->items[i + 1];
        if ((strcmp(k, "language") == 0 || strcmp(k, "locale") == 0) && v->kind == YTREE_SCALAR) {
            /* MkDocs writes locales with '_' (pt_BR) */
            char *tag = xstrdup(v->value);
            for (char *p = tag; *p; p++)
                if (*p == '_') *p = '-';
            if (manifest_valid_language(tag)) c->book->meta.language = arena_strdup(c->book->mem, tag);
            else diag_warning(c->d, c->shown, v->line, v->col, "theme %s '%s' is no language tag; ignored", k, v->value);
            free(tag);
        }
    }
}

/* markdown_extensions names pymdownx.snippets (alone, or as the key of its settings). */
/* markdown_extensions names one that brings files in: pymdownx.snippets (--8<--) or
 * markdown_include_variants ({* file *}). A list of names (or of one-key maps), or a map
 * from name to options. */
static bool lists_snippets(const ytree_node *exts) {
    bool map = exts->kind == YTREE_MAP;
    for (size_t i = 0; i < exts->n; i += map ? 2 : 1) {
        const ytree_node *e = exts->items[i];
        const ytree_node *name = !map && e->kind == YTREE_MAP && e->n ? e->items[0] : e;
        if (name->kind == YTREE_SCALAR &&
            (strcmp(name->value, "pymdownx.snippets") == 0 || strcmp(name->value, "markdown_include_variants") == 0))
            return true;
    }
    return false;
}

/* The keys quire uses; MkDocs's many others (theme, plugins, markdown_extensions…) are
 * the web site's. Returns docs_dir, or NULL when it leaves the project folder. */
static const char *read_keys(kctx *c, const ytree_node *root, const ytree_node **nav) {
    model_meta *meta = &c->book->meta;
    const char *docs = "docs";
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const char *k = root->items[i]->value;
        const ytree_node *v = root->items[i + 1];
        if (strcmp(k, "site_name") == 0) meta->title = string_value(c, k, v);
        else if (strcmp(k, "site_description") == 0) meta->description = string_value(c, k, v);
        else if (strcmp(k, "copyright") == 0) {
            const char *s = string_value(c, k, v);
            if (s) meta->rights = copyright_text(c, s);
        } else if (strcmp(k, "site_author") == 0) {
            const char *s = string_value(c, k, v);
            if (s) {
                const char **a = arena_alloc(c->book->mem, sizeof *a);
                a[0] = s;
                meta->authors = a;
                meta->n_authors = 1;
            }
        } else if (strcmp(k, "theme") == 0) read_theme(c, v);
        else if (strcmp(k, "markdown_extensions") == 0 && (v->kind == YTREE_LIST || v->kind == YTREE_MAP))
            c->snippets = lists_snippets(v);
        else if (strcmp(k, "nav") == 0 && v->kind == YTREE_LIST) *nav = v;
        else if (strcmp(k, "nav") == 0 && !ytree_is_null(v))
            diag_warning(c->d, c->shown, v->line, v->col, "'nav' must be a list, not %s; every page of %s is read",
                         ytree_kind_name(v), "docs_dir");
        else if (strcmp(k, "docs_dir") == 0) {
            const char *s = string_value(c, k, v);
            char *norm = s ? path_normalise(s) : NULL;
            if (s && (s[0] == '/' || !norm || !*norm)) {
                diag_error(c->d, c->shown, v->line, v->col, "'docs_dir' leaves the book folder: '%s'", s);
                docs = NULL;
            } else if (norm) {
                docs = arena_strdup(c->book->mem, norm);
            }
            free(norm);
        }
    }
    return docs;
}

bool mkdocs_load(model_book *book, const char *file, const char *shown, manifest *m, diag *d) {
    memset(m, 0, sizeof *m);
    char *path = path_join(book->dir, file);
    ytree_node *root = ytree_load_lenient(path, shown, d);
    free(path);
    if (!root) return false;
    kctx c = {book, m, 0, NULL, file, arena_strdup(book->mem, shown), d, 0, false};
    bool ok = true;
    if (root->kind != YTREE_MAP) {
        diag_error(d, c.shown, root->line, root->col, "%s must be a mapping, not %s", file, ytree_kind_name(root));
        ok = false;
    }
    const ytree_node *nav = NULL;
    c.docs = ok ? read_keys(&c, root, &nav) : NULL;
    if (!c.docs) ok = false;
    if (ok) {
        char *docs = path_join(book->dir, c.docs);
        if (!path_is_dir(docs)) {
            diag_error(d, c.shown, 1, 1, "the docs folder '%s' is not there", c.docs);
            ok = false;
        } else if (nav) {
            nav_list(&c, nav, 0);
        } else {
            walk(&c, "", 0);
        }
        free(docs);
        if (ok && m->n_chapters == 0) {
            diag_error(d, c.shown, nav ? nav->line : 1, nav ? nav->col : 1, "%s names no Markdown page",
                       nav ? "nav" : c.docs);
            ok = false;
        }
    }
    ytree_free(root);

    /* the artifacts take the folder's name */
    const char *base = strrchr(book->dir, '/');
    base = base && base[1] ? base + 1 : "book";
    manifest_set_name(book, base, strlen(base));
    book->meta.style = "brochure";
    return ok;
}

bool mkdocs_load_folder(model_book *book, const char *shown, manifest *m, diag *d) {
    memset(m, 0, sizeof *m);
    kctx c = {book, m, 0, ".", ".", arena_strdup(book->mem, shown), d, 0, false};
    walk(&c, "", 0);
    if (m->n_chapters == 0) return false;
    diag_warning(d, c.shown, 0, 0,
                 "no book.yaml, book.toml, SUMMARY.md or mkdocs.yml: each Markdown file of the folder is a chapter, "
                 "by path, a folder's index.md or README.md first (a book.yaml would set the order)");
    const char *base = strrchr(book->dir, '/');
    base = base && base[1] ? base + 1 : "book";
    manifest_set_name(book, base, strlen(base));
    book->meta.style = "brochure";
    return true;
}
