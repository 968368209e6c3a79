/* mdbook: book.toml (load/toml.c) and SUMMARY.md (cmark) into the metadata and chapter list;
 * {{#include}} links expanded in a chapter's text before it is parsed. */
#include "load/mdbook.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "base/uri.h"
#include "base/util.h"
#include "load/cmtext.h"
#include "load/srcmap.h"
#include "load/toml.h"
#include "load/ytree.h"

#define MDBOOK_MAX_BYTES ((size_t)64 << 20)
#define SUMMARY_MAX_DEPTH 32
#define INCLUDE_MAX_DEPTH 10
/* Files one chapter may include in all: ten files each including the next ten times, 8
 * deep, are 10^8 includes (the 64 MiB limit stopped them after 6 minutes). */
#define INCLUDE_MAX_COUNT 10000
#define IF_MAX_DEPTH 16

/* A GitBook project: SUMMARY.md beside the chapters, no book.toml (and no book.yaml). */
static bool gitbook_at(const char *dir) {
    char *toml = path_join(dir, "book.toml"), *summary = path_join(dir, "SUMMARY.md");
    bool yes = !path_is_file(toml) && path_is_file(summary);
    free(toml);
    free(summary);
    return yes;
}

bool mdbook_is_project(const char *dir) {
    char *toml = path_join(dir, "book.toml"), *yaml = path_join(dir, "book.yaml");
    bool yes = (path_is_file(toml) || gitbook_at(dir)) && !path_is_file(yaml) && !path_is_dir(yaml);
    free(toml);
    free(yaml);
    return yes;
}

static void line_col(const char *text, size_t off, int *line, int *col) {
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') l++, c = 1;
        else c++;
    }
    *line = l, *col = c;
}

/* A text file of the book, checked as UTF-8 like a chapter. NULL after an error. */
static char *read_text(const char *full, const char *shown, model_pos at, size_t *len, diag *d) {
    char *data = NULL;
    if (file_read(full, MDBOOK_MAX_BYTES, &data, len) != 0) {
        if (errno == ENOENT) diag_error(d, at.file, at.line, at.col, "'%s' not found", shown);
        else diag_error(d, at.file, at.line, at.col, "cannot read '%s': %s", shown, strerror(errno));
        return NULL;
    }
    uint32_t cp;
    long bad = text_find_invalid(data, *len, &cp);
    if (bad >= 0) {
        int line, col;
        line_col(data, (size_t)bad, &line, &col);
        char tmp[48];
        diag_error(d, shown, line, col, "%s in a text file",
                   cp == UINT32_MAX ? "invalid UTF-8" : text_problem(cp, tmp, sizeof tmp));
        free(data);
        return NULL;
    }
    return data;
}

/*** book.toml ***/

typedef struct tctx {
    model_book *book;
    const char *shown;       /* book.toml as messages name it */
    diag *d;
    bool ok;
} tctx;

static const char *toml_string(tctx *c, const char *key, const toml_value *v) {
    if (v->kind != TOML_STRING) {
        diag_error(c->d, c->shown, v->line, v->col, "'book.%s' must be a string, not %s", key, toml_kind_name(v));
        c->ok = false;
        return NULL;
    }
    const char *s = v->string;
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return n ? arena_strndup(c->book->mem, s, n) : NULL;
}

static void read_authors(tctx *c, const toml_value *v) {
    if (v->kind == TOML_STRING) {
        const char *s = toml_string(c, "authors", v);
        if (!s) return;
        c->book->meta.authors = arena_alloc(c->book->mem, sizeof *c->book->meta.authors);
        c->book->meta.authors[0] = s;
        c->book->meta.n_authors = 1;
        return;
    }
    if (v->kind != TOML_ARRAY) {
        diag_error(c->d, c->shown, v->line, v->col, "'book.authors' must be a list of strings, not %s", toml_kind_name(v));
        c->ok = false;
        return;
    }
    const char **arr = arena_alloc(c->book->mem, (v->n ? v->n : 1) * sizeof *arr);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const char *s = toml_string(c, "authors", v->items[i]);
        if (s) arr[k++] = s;
    }
    c->book->meta.authors = arr;
    c->book->meta.n_authors = k;
}

/* [book]: what quire uses of it; its other keys warn. Returns the source folder. */
static const char *read_book_table(tctx *c, const toml_value *book) {
    const char *src = "src";
    model_meta *meta = &c->book->meta;
    for (size_t i = 0; i < book->n; i++) {
        const char *key = book->keys[i];
        const toml_value *v = book->items[i];
        if (strcmp(key, "title") == 0) meta->title = toml_string(c, key, v);
        else if (strcmp(key, "description") == 0) meta->description = toml_string(c, key, v);
        else if (strcmp(key, "authors") == 0) read_authors(c, v);
        else if (strcmp(key, "language") == 0) {
            const char *s = toml_string(c, key, v);
            if (s && !manifest_valid_language(s)) {
                diag_error(c->d, c->shown, v->line, v->col, "'book.language' must be a BCP 47 tag such as 'en' or 'en-GB', not '%s'", s);
                c->ok = false;
            } else if (s) {
                meta->language = s;
            }
        } else if (strcmp(key, "src") == 0) {
            const char *s = toml_string(c, key, v);
            char *norm = s ? path_normalise(s) : NULL;
            if (s && (s[0] == '/' || !norm || !*norm)) {
                diag_error(c->d, c->shown, v->line, v->col, "'book.src' leaves the book folder: '%s'", s);
                c->ok = false;
            } else if (norm) {
                src = arena_strdup(c->book->mem, norm);
            }
            free(norm);
        } else if (strcmp(key, "multilingual") != 0 && strcmp(key, "text-direction") != 0) {
            diag_warning(c->d, c->shown, v->line, v->col, "book.toml key 'book.%s' is not used by quire; ignored", key);
        }
    }
    return src;
}

/*** SUMMARY.md ***/

typedef struct sctx {
    model_book *book;
    manifest *m;
    size_t cap;
    const char *src;         /* the source folder, from the book folder */
    const char *shown;       /* SUMMARY.md as messages name it */
    diag *d;
    bool titled;             /* the first heading (the summary's own title) was seen */
} sctx;

static manifest_ref *new_ref(sctx *c, cmark_node *at) {
    model_pos pos = {c->shown, cmark_node_get_start_line(at), cmark_node_get_start_column(at)};
    manifest_ref *r = manifest_add_ref(c->book, c->m, &c->cap, pos);
    r->mdbook = true;
    return r;
}

/* A chapter file holding nothing but white space: mdBook shows its page empty; books list
 * one such file (a "404.md") for every chapter still to be written. */
static bool empty_file(const sctx *c, const char *rel) {
    char *full = path_join(c->book->dir, rel), *data = NULL;
    size_t len = 0;
    bool empty = path_is_file(full) && file_read(full, MDBOOK_MAX_BYTES, &data, &len) == 0;
    size_t bom = empty && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (size_t i = bom; empty && i < len; i++) empty = isspace((unsigned char)data[i]);
    free(data);
    free(full);
    return empty;
}

/* One SUMMARY entry: a link to a chapter file (no link, or an empty file, is a draft). */
static void entry(sctx *c, cmark_node *link, int depth) {
    char *title = cmtext_plain(link);
    const char *url = cmark_node_get_url(link);
    int line = cmark_node_get_start_line(link), col = cmark_node_get_start_column(link);
    if (!url || !*url) {
        diag_warning(c->d, c->shown, line, col, "draft chapter '%s' has no file; left out", title);
        free(title);
        return;
    }
    const char *hash = strchr(url, '#');
    char *path = uri_percent_decode(url, hash ? (size_t)(hash - url) : strlen(url));
    char *joined = strcmp(c->src, ".") == 0 ? xstrdup(path) : xasprintf("%s/%s", c->src, path);
    char *norm = path_normalise(joined);
    bool dup = false;
    for (size_t i = 0; norm && i < c->m->n_chapters && !dup; i++)
        dup = c->m->chapters[i].value && strcmp(c->m->chapters[i].value, norm) == 0;
    if (norm && empty_file(c, norm)) {
        diag_warning(c->d, c->shown, line, col, "draft chapter '%s': its file '%s' is empty; left out", title, path);
    } else if (dup) {
        /* "[Python](installation/README.md#python)": a section of a chapter listed before */
        if (!hash) diag_warning(c->d, c->shown, line, col, "chapter '%s' is listed twice in SUMMARY.md; read once", path);
    } else {
        manifest_ref *r = new_ref(c, link);
        /* a path leaving the book is refused when the chapter is read */
        r->value = arena_strdup(c->book->mem, norm ? norm : joined);
        r->title = arena_strdup(c->book->mem, title);
        r->depth = depth;
    }
    free(norm);
    free(joined);
    free(path);
    free(title);
}

static cmark_node *first_link(cmark_node *n) {
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    cmark_node *found = NULL;
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(cmark_iter_get_node(it)) == CMARK_NODE_LINK)
            found = cmark_iter_get_node(it);
    cmark_iter_free(it);
    return found;
}

static void list(sctx *c, cmark_node *l, int depth) {
    if (depth > SUMMARY_MAX_DEPTH) depth = SUMMARY_MAX_DEPTH;
    for (cmark_node *item = cmark_node_first_child(l); item; item = cmark_node_next(item)) {
        for (cmark_node *k = cmark_node_first_child(item); k; k = cmark_node_next(k)) {
            cmark_node_type t = cmark_node_get_type(k);
            if (t == CMARK_NODE_LIST) {
                list(c, k, depth + 1);
            } else if (t == CMARK_NODE_PARAGRAPH) {
                cmark_node *link = first_link(k);
                if (link) {
                    entry(c, link, depth);
                } else {
                    char *title = cmtext_plain(k);
                    diag_warning(c->d, c->shown, cmark_node_get_start_line(k), cmark_node_get_start_column(k),
                                 "draft chapter '%s' has no file; left out", title);
                    free(title);
                }
            }
        }
    }
}

static void summary(sctx *c, cmark_node *doc) {
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HEADING:
            if (!c->titled && c->m->n_chapters == 0) {
                c->titled = true; /* "# Summary" */
            } else {
                char *title = cmtext_plain(n);
                manifest_ref *r = new_ref(c, n);
                r->part = arena_strdup(c->book->mem, title);
                r->value = strcmp(c->src, ".") == 0 ? "SUMMARY.md" : arena_printf(c->book->mem, "%s/SUMMARY.md", c->src);
                free(title);
            }
            break;
        case CMARK_NODE_PARAGRAPH:
            /* prefix and suffix chapters: plain links */
            for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k))
                if (cmark_node_get_type(k) == CMARK_NODE_LINK) entry(c, k, 0);
            break;
        case CMARK_NODE_LIST: list(c, n, 0); break;
        default: break;
        }
    }
}

/*** book.json ***/

/* GitBook's book.json: beside SUMMARY.md, else (a book in several languages, LANGS.md
 * listing their folders) in the folder above, whose settings every language shares.
 * *lang_folder: the latter. NULL when there is none. */
static char *book_json(const model_book *book, char **shown, bool *lang_folder) {
    char *here = path_join(book->dir, "book.json");
    *lang_folder = false;
    if (path_is_file(here)) {
        *shown = model_display_path(book, "book.json");
        return here;
    }
    free(here);
    char *up = path_dirname(book->dir);
    char *json = path_join(up, "book.json"), *langs = path_join(up, "LANGS.md");
    bool yes = path_is_file(json) && path_is_file(langs);
    free(up);
    free(langs);
    if (!yes) {
        free(json);
        return NULL;
    }
    *lang_folder = true;
    *shown = model_display_path(book, "../book.json");
    return json;
}

static const char *json_string(tctx *c, const char *key, const ytree_node *v) {
    if (v->kind == YTREE_SCALAR && !ytree_is_null(v)) return arena_strdup(c->book->mem, v->value);
    if (!ytree_is_null(v))
        diag_warning(c->d, c->shown, v->line, v->col, "book.json '%s' must be a string, not %s; ignored", key,
                     ytree_kind_name(v));
    return NULL;
}

static void json_language(tctx *c, const char *s, const ytree_node *at) {
    if (!s) return;
    if (manifest_valid_language(s)) c->book->meta.language = s;
    else diag_warning(c->d, c->shown, at ? at->line : 0, at ? at->col : 0, "'%s' is no language tag; ignored", s);
}

/* book.json's title, author, description, language, root (the source folder) and
 * variables; its other keys (plugins, styles, links…) are the web site's. Returns the
 * source folder ("." when book.json names none). */
static const char *read_book_json(tctx *c, const ytree_node *root, template_vars *vars) {
    const char *src = ".";
    model_meta *meta = &c->book->meta;
    for (size_t i = 0; root->kind == YTREE_MAP && i + 1 < root->n; i += 2) {
        const char *k = root->items[i]->value;
        const ytree_node *v = root->items[i + 1];
        if (strcmp(k, "title") == 0) meta->title = json_string(c, k, v);
        else if (strcmp(k, "description") == 0) meta->description = json_string(c, k, v);
        else if (strcmp(k, "language") == 0) json_language(c, json_string(c, k, v), v);
        else if (strcmp(k, "author") == 0) {
            const char *a = json_string(c, k, v);
            if (a) {
                const char **list = arena_alloc(c->book->mem, sizeof *list);
                list[0] = a;
                meta->authors = list, meta->n_authors = 1;
            }
        } else if (strcmp(k, "root") == 0) {
            const char *r = json_string(c, k, v);
            char *norm = r ? path_normalise(r) : NULL;
            if (r && (r[0] == '/' || !norm || !*norm)) {
                diag_error(c->d, c->shown, v->line, v->col, "book.json 'root' leaves the book folder: '%s'", r);
                c->ok = false;
            } else if (norm) {
                src = arena_strdup(c->book->mem, norm);
            }
            free(norm);
        } else if (strcmp(k, "variables") == 0 && v->kind == YTREE_MAP) {
            vars->names = arena_alloc(c->book->mem, (v->n / 2 + 1) * sizeof *vars->names);
            vars->values = arena_alloc(c->book->mem, (v->n / 2 + 1) * sizeof *vars->values);
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                if (v->items[j + 1]->kind != YTREE_SCALAR) continue;
                vars->names[vars->n] = arena_strdup(c->book->mem, v->items[j]->value);
                vars->values[vars->n++] = arena_strdup(c->book->mem, v->items[j + 1]->value);
            }
        }
    }
    return src;
}

/* A GitBook's settings into the book, and its variables (with book.language) into *out. */
static const char *gitbook_settings(tctx *c, template_vars **out) {
    template_vars *vars = arena_alloc(c->book->mem, sizeof *vars);
    *out = vars;
    bool lang_folder = false;
    char *shown = NULL;
    char *path = book_json(c->book, &shown, &lang_folder);
    const char *src = ".";
    if (path) {
        const char *was = c->shown;
        c->shown = arena_strdup(c->book->mem, shown);
        ytree_node *root = ytree_load(path, c->shown, c->d);
        if (!root) c->ok = false;
        else src = read_book_json(c, root, vars);
        ytree_free(root);
        c->shown = was;
        /* the language folder's name is its language ("en", "pt-br") */
        const char *base = strrchr(c->book->dir, '/');
        base = base ? base + 1 : c->book->dir;
        if (lang_folder && !c->book->meta.language && manifest_valid_language(base))
            c->book->meta.language = arena_strdup(c->book->mem, base);
    }
    free(path);
    free(shown);
    /* {{ book.language }} is GitBook's own */
    bool have = false;
    for (size_t i = 0; i < vars->n; i++) have |= strcmp(vars->names[i], "language") == 0;
    if (!have) {
        const char **n = arena_alloc(c->book->mem, (vars->n + 1) * sizeof *n);
        const char **v = arena_alloc(c->book->mem, (vars->n + 1) * sizeof *v);
        if (vars->n) memcpy(n, vars->names, vars->n * sizeof *n), memcpy(v, vars->values, vars->n * sizeof *v);
        n[vars->n] = "language";
        v[vars->n] = c->book->meta.language ? c->book->meta.language : "en";
        vars->names = n, vars->values = v, vars->n++;
    }
    return src;
}

bool mdbook_load(model_book *book, manifest *m, diag *d) {
    memset(m, 0, sizeof *m);
    model_pos none = {NULL, 0, 0};
    char *toml_path = path_join(book->dir, "book.toml");
    char *toml_shown = model_display_path(book, "book.toml");
    none.file = toml_shown;
    size_t len = 0;
    /* GitBook: SUMMARY.md and the chapters in the folder itself, nothing to read first */
    bool gitbook = gitbook_at(book->dir);
    char *text = gitbook ? NULL : read_text(toml_path, toml_shown, none, &len, d);
    free(toml_path);
    tctx c = {book, arena_strdup(book->mem, toml_shown), d, gitbook || text != NULL};
    free(toml_shown);
    const char *src = gitbook ? "." : "src";
    template_vars *vars = NULL;
    if (gitbook) src = gitbook_settings(&c, &vars);
    if (!gitbook) {
        toml_value *root = text ? toml_parse(text, len, c.shown, d) : NULL;
        free(text);
        if (!root) return false;
        const toml_value *bt = toml_get(root, "book");
        if (bt && bt->kind == TOML_TABLE) src = read_book_table(&c, bt);
        toml_free(root);
    }

    /* the artifacts take the folder's name */
    const char *base = strrchr(book->dir, '/');
    base = base && base[1] ? base + 1 : "book";
    manifest_set_name(book, base, strlen(base));
    book->meta.style = "brochure";

    char *rel = strcmp(src, ".") == 0 ? xstrdup("SUMMARY.md") : xasprintf("%s/SUMMARY.md", src);
    char *full = path_join(book->dir, rel);
    char *sum_shown = model_display_path(book, rel);
    model_pos at = {c.shown, 0, 0};
    char *sum = c.ok ? read_text(full, sum_shown, at, &len, d) : NULL;
    if (sum) {
        cmark_node *doc = cmark_parse_document(sum, len, CMARK_OPT_SOURCEPOS);
        sctx s = {book, m, 0, src, arena_strdup(book->mem, sum_shown), d, false};
        summary(&s, doc);
        for (size_t i = 0; i < m->n_chapters; i++) m->chapters[i].vars = vars;
        cmark_node_free(doc);
        if (m->n_chapters == 0) {
            diag_error(d, s.shown, 1, 1, "SUMMARY.md lists no chapter");
            c.ok = false;
        }
    } else {
        c.ok = false;
    }
    free(sum);
    free(sum_shown);
    free(full);
    free(rel);
    return c.ok;
}

/*** {{#include}} ***/

/* An open {% if %}: whether its text so far is kept. */
typedef struct ifblock {
    bool outer;             /* the text around the block is kept */
    bool active;            /* the branch being read is kept */
    bool taken;             /* a branch was kept already (the rest are not) */
    bool unknown;           /* a condition quire cannot tell: every branch is kept */
    int line, col;          /* the {% if %}, in `shown` */
    const char *shown;
} ifblock;

typedef struct xctx {
    const model_book *book;
    diag *d;
    bool ok;
    bool gitbook;           /* GitBook's {% include %}, {% raw %} and {% filename %} tags too */
    srcmap *map;            /* where each stretch of the output was written; may be NULL */
    size_t out_off;         /* the output read so far for its line and column: */
    int out_line, out_col;  /* where out_off is */
    long n_includes;        /* files included into the chapter so far */
    const template_vars *vars; /* book.json's, for {{ book.NAME }}; may be NULL */
    char **set_names, **set_values; /* {% set NAME = "value" %} of this chapter */
    size_t n_set;
    ifblock ifs[IF_MAX_DEPTH];
    int n_if;
    bool links;             /* mdBook's {{#include}} links (not in an MkDocs page) */
    bool snippets;          /* MkDocs's --8<-- "file" lines (pymdownx.snippets) */
    const char *indent;     /* the indent the next included text gets, while include() reads it */
} xctx;

static bool kept(const xctx *x) { return x->n_if == 0 || x->ifs[x->n_if - 1].active; }

/* The line and column of the output's end. */
static void out_at(xctx *x, const buf *out, int *line, int *col) {
    for (; x->out_off < out->len; x->out_off++) {
        if (out->data[x->out_off] == '\n') x->out_line++, x->out_col = 1;
        else x->out_col++;
    }
    *line = x->out_line, *col = x->out_col;
}

/* The text from here on in the output is `file`'s from (line, col). */
static void mark(xctx *x, const buf *out, const char *file, const char *shown, int line, int col) {
    if (!x->map) return;
    int ol, oc;
    out_at(x, out, &ol, &oc);
    srcmap_add(x->map, ol, oc, file, shown, line, col);
}

static bool all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

static bool anchor_line(const char *s, size_t n) {
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(s + i, "ANCHOR:", 7) == 0 || (i + 11 <= n && memcmp(s + i, "ANCHOR_END:", 11) == 0)) return true;
    return false;
}

/* Is this the ANCHOR (or ANCHOR_END) line of `name`? */
static bool names_anchor(const char *s, size_t n, const char *marker, const char *name) {
    size_t mk = strlen(marker), nk = strlen(name);
    for (size_t i = 0; i + mk <= n; i++) {
        if (memcmp(s + i, marker, mk) != 0) continue;
        size_t j = i + mk;
        while (j < n && s[j] == ' ') j++;
        if (n - j >= nk && memcmp(s + j, name, nk) == 0 && (j + nk == n || !(isalnum((unsigned char)s[j + nk]) || s[j + nk] == '_' || s[j + nk] == '-')))
            return true;
    }
    return false;
}

/* The lines of `text` a range or an anchor names, without anchor lines. False when an
 * anchor is not there. */
static bool select_lines(const char *text, size_t len, const char *spec, buf *out, int **lines, size_t *n_lines) {
    size_t cap = 0;
    *lines = NULL, *n_lines = 0;
    long from = 1, to = -1;
    const char *anchor = NULL;
    if (spec && *spec) {
        const char *colon = strchr(spec, ':');
        size_t a = colon ? (size_t)(colon - spec) : strlen(spec);
        if (all_digits(spec, a) && (!colon || all_digits(colon + 1, strlen(colon + 1)))) {
            if (a) from = atol(spec);
            if (!colon) to = from;             /* file:2 is line 2 alone */
            else if (colon[1]) to = atol(colon + 1);
        } else {
            anchor = spec;
        }
    }
    bool inside = !anchor, found = !anchor, first = true;
    long line = 1;
    for (size_t i = 0; i <= len; line++) {
        const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *s = text + i;
        size_t n = end - i;
        if (i == len) break;
        if (anchor && names_anchor(s, n, "ANCHOR_END:", anchor)) inside = false;
        bool in_range = anchor ? inside : line >= from && (to < 0 || line <= to);
        if (anchor && names_anchor(s, n, "ANCHOR:", anchor)) inside = found = true;
        if (in_range && !anchor_line(s, n)) {
            if (!first) buf_putc(out, '\n');
            buf_put(out, s, n);
            first = false;
            if (*n_lines == cap) *lines = xrealloc(*lines, (cap = cap ? cap * 2 : 64) * sizeof **lines);
            (*lines)[(*n_lines)++] = (int)line;
        }
        i = end + 1;
    }
    return found;
}

/* A text to expand: `file` (from the book folder) as messages name it (`shown`);
 * `lines[i]` the file's line of the text's line i + 1 (NULL: the same). */
typedef struct xsrc {
    const char *file, *shown;
    const int *lines;
    size_t n_lines;
    const char *indent;      /* put before each line (a snippet's, indented in a list); may be NULL */
} xsrc;

static int src_line_of(const xsrc *src, int line) {
    return src->lines && line >= 1 && (size_t)line <= src->n_lines ? src->lines[line - 1] : line;
}

static void expand_into(xctx *x, const xsrc *src, const char *text, size_t len, int depth, buf *out);

/* One {{#include …}} at `at` (its "{{"), with `args` (path and range) of `n` bytes;
 * `rooted`: GitBook's "/path", from the book folder. */
static void include(xctx *x, const xsrc *src, int line, int col, const char *args, size_t n, bool rooted, int depth,
                    buf *out) {
    const char *chapter = src->file, *where = src->shown;
    while (n && isspace((unsigned char)*args)) args++, n--;
    while (n && isspace((unsigned char)args[n - 1])) n--;
    char *arg = xstrndup(args, n);
    char *colon = rooted ? NULL : strchr(arg, ':');
    const char *spec = NULL;
    if (colon) *colon = '\0', spec = colon + 1;
    char *dir = path_dirname(chapter);
    char *joined = rooted ? xstrdup(arg + strspn(arg, "/"))
                   : strcmp(dir, ".") == 0 ? xstrdup(arg) : xasprintf("%s/%s", dir, arg);
    char *full = arg[0] && (rooted || arg[0] != '/') ? path_join(x->book->dir, joined) : NULL;
    char *real = full ? path_real(full) : NULL;
    bool outside = real && !path_is_inside(real, x->book->dir);
    /* a file outside the book folder ("../../README.md", as mdBook allows): the reader
     * loses nothing, but the book no longer holds all it needs */
    size_t dl = strlen(x->book->dir);
    char *rel = !real ? NULL : outside || !real[dl] ? xstrdup(real) : xstrdup(real + dl + 1);
    if (arg[0] == '/' && !rooted) {
        diag_error(x->d, where, line, col, "included file '%s' leaves the book folder (it is absolute)", arg);
        x->ok = false;
    } else if (!real) {
        diag_error(x->d, where, line, col, "included file '%s' not found", arg);
        x->ok = false;
    } else if (depth >= INCLUDE_MAX_DEPTH) {
        diag_error(x->d, where, line, col, "includes nested deeper than %d files ('%s')", INCLUDE_MAX_DEPTH, arg);
        x->ok = false;
    } else if (++x->n_includes > INCLUDE_MAX_COUNT) {
        diag_error(x->d, where, line, col, "more than %d includes in one chapter ('%s')", INCLUDE_MAX_COUNT, arg);
        x->ok = false;
    } else {
        if (outside) diag_warning(x->d, where, line, col, "included file '%s' is a file outside the book folder: %s", arg, real);
        size_t flen = 0;
        char *shown = model_display_path(x->book, rel);
        char *data = read_text(real, shown, (model_pos){where, line, col}, &flen, x->d);
        if (!data) {
            x->ok = false;
        } else {
            buf part;
            buf_init(&part);
            buf_puts(&part, "");
            int *lines = NULL;
            size_t n_lines = 0;
            if (!select_lines(data, flen, spec, &part, &lines, &n_lines)) {
                /* mdBook includes nothing for an anchor its file lacks and goes on */
                diag_warning(x->d, where, line, col, "anchor '%s' not found in '%s'; nothing is included there, as mdBook does", spec, arg);
            } else {
                xsrc inner = {arena_strdup(x->book->mem, rel), arena_strdup(x->book->mem, shown), lines, n_lines,
                              x->indent};
                x->indent = NULL;
                expand_into(x, &inner, part.data, part.len, depth + 1, out);
            }
            free(lines);
            buf_free(&part);
        }
        free(data);
        free(shown);
    }
    free(real);
    free(full);
    free(rel);
    free(joined);
    free(dir);
    free(arg);
}

/* A GitBook (Liquid) tag on one line at s: "{% name args %}". Its length, or 0. */
static size_t liquid_tag(const char *s, size_t n, char name[16], const char **args, size_t *args_n) {
    if (n < 5 || s[0] != '{' || s[1] != '%') return 0;
    const char *nl = memchr(s, '\n', n);
    size_t end = nl ? (size_t)(nl - s) : n;
    size_t i = 2;
    while (i < end && (s[i] == ' ' || s[i] == '-')) i++;
    size_t k = 0;
    while (i < end && k < 15 && islower((unsigned char)s[i])) name[k++] = s[i++];
    name[k] = '\0';
    if (!k) return 0;
    size_t a = i;
    for (; i + 1 < end; i++)
        if (s[i] == '%' && s[i + 1] == '}') {
            size_t b = i;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '-')) b--;
            while (a < b && s[a] == ' ') a++;
            *args = s + a, *args_n = b - a;
            return i + 2;
        }
    return 0;
}

/* A name of a template expression: letters, digits, '_' and '.'. */
static size_t name_len(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '.')) k++;
    return k;
}

/* The value of `book.NAME` (book.json's variables) or `NAME` ({% set %}), else NULL. */
static const char *var_value(const xctx *x, const char *name, size_t n) {
    if (n > 5 && memcmp(name, "book.", 5) == 0) {
        for (size_t i = 0; x->vars && i < x->vars->n; i++)
            if (strlen(x->vars->names[i]) == n - 5 && memcmp(x->vars->names[i], name + 5, n - 5) == 0)
                return x->vars->values[i];
        return NULL;
    }
    for (size_t i = x->n_set; i-- > 0;)
        if (strlen(x->set_names[i]) == n && memcmp(x->set_names[i], name, n) == 0) return x->set_values[i];
    return NULL;
}

/* A quoted string at s ('…' or "…"): its text's start and length; 0 when there is none. */
static size_t quoted(const char *s, size_t n, const char **text, size_t *text_n) {
    if (n < 2 || (s[0] != '"' && s[0] != '\'')) return 0;
    const char *q = memchr(s + 1, s[0], n - 1);
    if (!q) return 0;
    *text = s + 1, *text_n = (size_t)(q - s - 1);
    return (size_t)(q - s) + 1;
}

/* An {% if %} condition: `output.name == "ebook"` (what GitBook calls every e-book and
 * PDF output), `book.NAME != 'x'`, either operator. 1 true, 0 false, -1 not told. */
static int condition(const xctx *x, const char *a, size_t n) {
    size_t k = name_len(a, n);
    if (!k) return -1;
    const char *lhs = k == 11 && memcmp(a, "output.name", 11) == 0 ? "ebook" : var_value(x, a, k);
    size_t i = k;
    while (i < n && a[i] == ' ') i++;
    if (!lhs || i + 2 > n || (memcmp(a + i, "==", 2) != 0 && memcmp(a + i, "!=", 2) != 0)) return -1;
    bool eq = a[i] == '=';
    i += 2;
    while (i < n && a[i] == ' ') i++;
    const char *rhs;
    size_t rn, ql = quoted(a + i, n - i, &rhs, &rn);
    if (!ql || i + ql != n) return -1;
    bool same = strlen(lhs) == rn && memcmp(lhs, rhs, rn) == 0;
    return same == eq;
}

/* {% if %}, {% elif %}, {% else %}, {% endif %}: which text is kept. False for a tag that
 * closes nothing open (it stays text). */
static bool if_tag(xctx *x, const xsrc *src, const char *name, const char *args, size_t args_n, int line, int col) {
    ifblock *top = x->n_if ? &x->ifs[x->n_if - 1] : NULL;
    if (strcmp(name, "if") == 0) {
        if (x->n_if == IF_MAX_DEPTH) {
            diag_error(x->d, src->shown, line, col, "{%% if %%} nested deeper than %d", IF_MAX_DEPTH);
            x->ok = false;
            return true;
        }
        int v = condition(x, args, args_n);
        if (v < 0 && kept(x))
            diag_warning(x->d, src->shown, line, col, "GitBook condition '%.*s' is not known here; all its text is kept",
                         (int)args_n, args);
        ifblock b = {kept(x), false, v > 0, v < 0, line, col, src->shown};
        b.active = b.outer && (v != 0);
        x->ifs[x->n_if++] = b;
    } else if (!top) {
        return false;
    } else if (strcmp(name, "endif") == 0) {
        x->n_if--;
    } else if (top->unknown) {
        top->active = top->outer;
    } else if (strcmp(name, "else") == 0) {
        top->active = top->outer && !top->taken;
        top->taken = true;
    } else { /* elif */
        int v = top->taken ? 0 : condition(x, args, args_n);
        if (v < 0) top->unknown = true;
        top->active = top->outer && v != 0;
        top->taken |= v > 0;
    }
    return true;
}

/* {% set NAME = "value" %}: a variable for {{ NAME }} further on. */
static void set_tag(xctx *x, const char *args, size_t n) {
    size_t k = name_len(args, n), i = k;
    while (i < n && args[i] == ' ') i++;
    if (!k || i >= n || args[i] != '=') return;
    i++;
    while (i < n && args[i] == ' ') i++;
    const char *v;
    size_t vn;
    if (!quoted(args + i, n - i, &v, &vn)) return;
    x->set_names = xrealloc(x->set_names, (x->n_set + 1) * sizeof *x->set_names);
    x->set_values = xrealloc(x->set_values, (x->n_set + 1) * sizeof *x->set_values);
    x->set_names[x->n_set] = xstrndup(args, k);
    x->set_values[x->n_set++] = xstrndup(v, vn);
}

/* {{ book.NAME }} or {{ NAME }} at text[*i] with a value: the value written, *i past it.
 * An undefined book.NAME stays as written, with a warning. */
static bool variable(xctx *x, const xsrc *src, const char *text, size_t len, size_t *i, int line, size_t line_start,
                     buf *out) {
    const char *s = text + *i;
    size_t n = len - *i, j = 2;
    if (n < 5 || s[1] != '{') return false;
    while (j < n && s[j] == ' ') j++;
    size_t k = name_len(s + j, n - j), e = j + k;
    while (e < n && s[e] == ' ') e++;
    if (!k || e + 2 > n || s[e] != '}' || s[e + 1] != '}') return false;
    const char *v = var_value(x, s + j, k);
    if (!v) {
        if (k > 5 && memcmp(s + j, "book.", 5) == 0)
            diag_warning(x->d, src->shown, src_line_of(src, line), (int)(*i - line_start) + 1,
                         "GitBook variable '%.*s' is not in book.json's variables; left as written", (int)k, s + j);
        return false;
    }
    buf_puts(out, v);
    *i += e + 2;
    mark(x, out, src->file, src->shown, src_line_of(src, line), (int)(*i - line_start) + 1);
    return true;
}

/* GitBook's tags quire reads at text[*i]: {% include "file" %} (from the book folder when
 * it starts with '/', else beside the file), {% raw %}…{% endraw %} (what is between is
 * text as written) and {% filename %}…{% endfilename %} (a code block's label: its text
 * kept). True when *i moved past one. */
static bool gitbook_tag(xctx *x, const xsrc *src, const char *text, size_t len, size_t *i, int line, size_t line_start,
                        bool *raw, int depth, buf *out) {
    char name[16];
    const char *args = NULL;
    size_t args_n = 0, tl = liquid_tag(text + *i, len - *i, name, &args, &args_n);
    if (!tl) return false;
    int col = (int)(*i - line_start) + 1;
    /* {% if %} and {% set %} stand on lines of their own; in running text they are the
     * words of a book about templates ("another `{% if %}` tag") */
    bool alone = *i == line_start + strspn(text + line_start, " \t") && (*i + tl == len || text[*i + tl] == '\n' ||
                 (text[*i + tl] == '\r' && (*i + tl + 1 == len || text[*i + tl + 1] == '\n')));
    bool block = strcmp(name, "if") == 0 || strcmp(name, "elif") == 0 || strcmp(name, "else") == 0 ||
                 strcmp(name, "endif") == 0 || strcmp(name, "set") == 0;
    if (block && !alone) return false;
    if (*raw) {
        if (strcmp(name, "endraw") != 0) return false;
        *raw = false;
    } else if (strcmp(name, "if") == 0 || strcmp(name, "elif") == 0 || strcmp(name, "else") == 0 ||
               strcmp(name, "endif") == 0) {
        if (!if_tag(x, src, name, args, args_n, src_line_of(src, line), col)) return false;
    } else if (!kept(x)) {
        /* a tag in text left out is left out with it */
    } else if (strcmp(name, "set") == 0) {
        set_tag(x, args, args_n);
    } else if (strcmp(name, "raw") == 0) {
        *raw = true;
    } else if (strcmp(name, "include") == 0 && args_n >= 2 && (args[0] == '"' || args[0] == '\'')) {
        const char *q = memchr(args + 1, args[0], args_n - 1);
        if (!q) return false;
        include(x, src, src_line_of(src, line), (int)(*i - line_start) + 1, args + 1, (size_t)(q - args - 1),
                args[1] == '/', depth, out);
    } else if (strcmp(name, "filename") != 0 && strcmp(name, "endfilename") != 0) {
        return false;
    }
    *i += tl;
    mark(x, out, src->file, src->shown, src_line_of(src, line), (int)(*i - line_start) + 1);
    return true;
}

/* A code fence at the start of a line (up to three spaces, then ``` or ~~~, three or
 * more): its character and length, or 0. */
static int fence_at(const char *s, size_t n, char *ch) {
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ') i++;
    if (i >= n || (s[i] != '`' && s[i] != '~')) return 0;
    size_t k = i;
    while (k < n && s[k] == s[i]) k++;
    if (k - i < 3) return 0;
    *ch = s[i];
    return (int)(k - i);
}

/*** MkDocs snippets ***/

/* A snippet's file, as pymdownx.snippets looks for it: from the project folder (its
 * base_path "."), else from a folder above the chapter (the docs folder, a base_path
 * many sites set). The path from the book folder, or NULL. Caller frees. */
static char *snippet_file(const xctx *x, const char *from, const char *name, size_t n) {
    size_t fl = strlen(from);
    for (size_t cut = 0;;) {
        char *rel = cut ? xasprintf("%.*s/%.*s", (int)cut, from, (int)n, name) : xstrndup(name, n);
        char *full = path_join(x->book->dir, rel);
        bool yes = path_is_file(full);
        free(full);
        if (yes) return rel;
        free(rel);
        const char *next = cut < fl ? memchr(from + cut + 1, '/', fl - cut - 1) : NULL;
        if (!next) return NULL;
        cut = (size_t)(next - from);
    }
}

/* One snippet: the file's text in place, each line with `indent` before it; a file not
 * there is left out with a warning (pymdownx.snippets leaves it out quietly). */
static void snippet(xctx *x, const xsrc *src, int line, int col, const char *name, size_t n, const char *indent,
                    size_t indent_n, int depth, buf *out) {
    char *rel = snippet_file(x, src->file, name, n);
    if (!rel) {
        diag_warning(x->d, src->shown, src_line_of(src, line), col, "snippet '%.*s' not found; left out", (int)n, name);
        return;
    }
    char *in = src->indent || indent_n ? xasprintf("%s%.*s", src->indent ? src->indent : "", (int)indent_n, indent) : NULL;
    x->indent = in ? arena_strdup(x->book->mem, in) : NULL;
    free(in);
    include(x, src, src_line_of(src, line), col, rel, strlen(rel), true, depth, out);
    x->indent = NULL;
    free(rel);
}

/* A "--8<--" line at s (after its indent): 1 with a quoted file name, 2 alone (a block of
 * file names follows, to the next one), 0 otherwise. */
static int snippet_line(const char *s, size_t n, const char **name, size_t *name_n) {
    if (n < 6 || memcmp(s, "--8<--", 6) != 0) return 0;
    size_t i = 6;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t end = n;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) end--;
    if (i == end) return 2;
    if (s[i] != '"' && s[i] != '\'') return 0;
    const char *q = memchr(s + i + 1, s[i], end - i - 1);
    if (!q || (size_t)(q - s) + 1 != end || q == s + i + 1) return 0;
    *name = s + i + 1, *name_n = (size_t)(q - s - i - 1);
    return 1;
}

/* A line of "--8<--" alone after `from`: a block of snippet names is closed (one that is
 * not is text, as a lone "--8<--" may be). */
static bool block_closed(const char *text, size_t len, size_t from) {
    for (size_t at = from; at < len;) {
        const char *e = memchr(text + at, '\n', len - at);
        if (!e) return false;
        at = (size_t)(e - text) + 1;
        size_t b = at;
        while (b < len && (text[b] == ' ' || text[b] == '\t')) b++;
        size_t k = b + 6;
        while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r')) k++;
        if (b + 6 <= len && memcmp(text + b, "--8<--", 6) == 0 && (k == len || text[k] == '\n')) return true;
    }
    return false;
}

/* The language of a code file, by its name's extension, for its fence; "" when unknown. */
static const char *code_language(const char *name, size_t n) {
    static const char *const ext[][2] = {{"py", "python"}, {"sh", "bash"}, {"js", "javascript"}, {"ts", "typescript"},
                                         {"rs", "rust"},   {"go", "go"},    {"toml", "toml"},      {"json", "json"},
                                         {"yml", "yaml"},  {"yaml", "yaml"}, {"html", "html"},     {"css", "css"},
                                         {"sql", "sql"},   {"c", "c"},      {"java", "java"},      {"rb", "ruby"}};
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++)
        if (name[i] == '.') dot = name + i;
        else if (name[i] == '/') dot = NULL;
    for (size_t k = 0; dot && k < sizeof ext / sizeof *ext; k++)
        if ((size_t)(name + n - dot - 1) == strlen(ext[k][0]) && memcmp(dot + 1, ext[k][0], strlen(ext[k][0])) == 0)
            return ext[k][1];
    return "";
}

/* A markdown_include_variants line, "{* docs_src/app.py hl[4,5] *}" (FastAPI's and Typer's
 * docs): the file as a code block, as the site shows it (its highlight and other options
 * are the web page's). True when the line is one; *i then at its line end. */
static bool variant_at(xctx *x, const xsrc *src, const char *text, size_t ind, const char *s, size_t n, size_t *i,
                       int line, int depth, buf *out) {
    size_t end = n;
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) end--;
    if (end < 5 || s[0] != '{' || s[1] != '*' || s[2] != ' ' || s[end - 2] != '*' || s[end - 1] != '}') return false;
    size_t b = 3;
    while (b < end - 2 && s[b] == ' ') b++;
    size_t e = b;
    while (e < end - 2 && s[e] != ' ') e++;
    if (e == b) return false;
    buf_put(out, text + *i, ind);
    buf_printf(out, "````%s\n", code_language(s + b, e - b));
    snippet(x, src, line, (int)(ind + b) + 1, s + b, e - b, text + *i, ind, depth, out);
    buf_putc(out, '\n');
    buf_put(out, text + *i, ind);
    buf_puts(out, "````");
    *i += ind + n;
    mark(x, out, src->file, src->shown, src_line_of(src, line), (int)(ind + n) + 1);
    return true;
}

/* The snippet lines at text[*i] (a line's start): the files in place, *i at the end of
 * what they took (the line end of a one-line snippet, past a block's closing line).
 * `;--8<--` is the line as written without its ';'. True when *i moved. */
static bool snippets_at(xctx *x, const xsrc *src, const char *text, size_t len, size_t *i, int *line, int depth,
                        buf *out) {
    size_t ind = 0;
    while (*i + ind < len && (text[*i + ind] == ' ' || text[*i + ind] == '\t')) ind++;
    const char *s = text + *i + ind;
    const char *nl = memchr(s, '\n', len - *i - ind);
    size_t n = nl ? (size_t)(nl - s) : len - *i - ind;
    if (n >= 7 && s[0] == ';' && memcmp(s + 1, "--8<--", 6) == 0) {
        buf_put(out, text + *i, ind);
        *i += ind + 1;
        mark(x, out, src->file, src->shown, src_line_of(src, *line), (int)ind + 2);
        return true;
    }
    if (variant_at(x, src, text, ind, s, n, i, *line, depth, out)) return true;
    const char *name = NULL;
    size_t name_n = 0;
    int kind = snippet_line(s, n, &name, &name_n);
    if (kind == 1) {
        snippet(x, src, *line, (int)ind + 1, name, name_n, text + *i, ind, depth, out);
        *i += ind + n;
        mark(x, out, src->file, src->shown, src_line_of(src, *line), (int)(ind + n) + 1);
        return true;
    }
    if (kind != 2 || !block_closed(text, len, *i + ind + n)) return false;
    /* a block: each line a file name, to the closing "--8<--" */
    size_t at = *i + ind + n + (nl ? 1 : 0);
    int l = *line + 1;
    bool first = true;
    while (at < len) {
        const char *e = memchr(text + at, '\n', len - at);
        size_t ln = e ? (size_t)(e - text) - at : len - at;
        size_t b = 0;
        while (b < ln && (text[at + b] == ' ' || text[at + b] == '\t')) b++;
        size_t t = ln;
        while (t > b && (text[at + t - 1] == ' ' || text[at + t - 1] == '\t' || text[at + t - 1] == '\r')) t--;
        at += ln + (e ? 1 : 0);
        if (t - b == 6 && memcmp(text + at - ln - (e ? 1 : 0) + b, "--8<--", 6) == 0) {
            l++;
            break;
        }
        const char *fname = text + at - ln - (e ? 1 : 0) + b;
        if (t > b && fname[0] != ';') {
            if (!first) buf_putc(out, '\n');
            snippet(x, src, l, (int)b + 1, fname, t - b, text + *i, ind, depth, out);
            first = false;
        }
        l++;
    }
    /* what follows starts a line of its own */
    if (!first) buf_putc(out, '\n');
    *line = l;
    *i = at;
    return true;
}

static void expand_into(xctx *x, const xsrc *src, const char *text, size_t len, int depth, buf *out) {
    static const char *const kinds[] = {"{{#include ", "{{#rustdoc_include ", "{{#playground ", "{{#title ", NULL};
    const char *where = src->shown;
    int line = 1;
    size_t line_start = 0;
    bool raw = false;
    char fence_ch = 0;
    int fence_len = 0; /* the open code fence: GitBook leaves the tags inside alone */
    if (src->indent) buf_puts(out, src->indent);
    mark(x, out, src->file, src->shown, src_line_of(src, 1), 1);
    bool fresh = true; /* text[i] starts a line, counted and marked, not yet looked at */
    for (size_t i = 0; i < len && x->ok;) {
        if (i > 0 && text[i - 1] == '\n' && !fresh) {
            line++, line_start = i;
            if (src->indent) buf_puts(out, src->indent);
            mark(x, out, src->file, src->shown, src_line_of(src, line), 1);
            fresh = true;
        }
        if (fresh) {
            fresh = false;
            int was = line;
            if (x->snippets && snippets_at(x, src, text, len, &i, &line, depth, out)) {
                /* a block took whole lines: i is at the start of the line after them */
                if (line != was && i < len) {
                    line_start = i, fresh = true;
                    if (src->indent) buf_puts(out, src->indent);
                    mark(x, out, src->file, src->shown, src_line_of(src, line), 1);
                }
                continue;
            }
            char ch = 0;
            int f = !raw ? fence_at(text + i, len - i, &ch) : 0;
            if (f && !fence_len) fence_ch = ch, fence_len = f;
            else if (f && ch == fence_ch && f >= fence_len) fence_len = 0;
        }
        if (x->gitbook && !fence_len && text[i] == '{' &&
            gitbook_tag(x, src, text, len, &i, line, line_start, &raw, depth, out))
            continue;
        if (x->gitbook && !kept(x)) {
            i++;
            continue;
        }
        /* GitBook fills variables in code too (what {% raw %} is for) */
        if (x->gitbook && !raw && text[i] == '{' && variable(x, src, text, len, &i, line, line_start, out)) continue;
        if (raw) {
            buf_putc(out, text[i++]);
            continue;
        }
        if (x->links && text[i] == '\\' && i + 3 < len && memcmp(text + i + 1, "{{#", 3) == 0) {
            /* an escaped link stays as written, without the backslash */
            buf_put(out, "{{#", 3);
            i += 4;
            mark(x, out, src->file, src->shown, src_line_of(src, line), (int)(i - line_start) + 1);
            continue;
        }
        const char *kind = NULL;
        for (int k = 0; x->links && kinds[k] && !kind; k++)
            if (len - i >= strlen(kinds[k]) && memcmp(text + i, kinds[k], strlen(kinds[k])) == 0) kind = kinds[k];
        const char *close = kind ? memchr(text + i, '}', len - i) : NULL;
        const char *nl = kind ? memchr(text + i, '\n', len - i) : NULL;
        if (!kind || !close || (nl && nl < close) || (size_t)(close - text) + 1 >= len || close[1] != '}') {
            buf_putc(out, text[i++]);
            continue;
        }
        const char *args = text + i + strlen(kind);
        size_t n = (size_t)(close - args);
        if (strcmp(kind, "{{#playground ") == 0) {
            /* the file, then attributes (editable, mdbook-runnable…) a printed page has no use for */
            while (n && isspace((unsigned char)*args)) args++, n--;
            size_t k = 0;
            while (k < n && !isspace((unsigned char)args[k])) k++;
            n = k;
        }
        /* {{#title …}} names the web page, not text of the book; {{#playground}} is a Rust
         * code block of the file, as mdBook writes it, when not already inside one */
        bool fenced = strcmp(kind, "{{#playground ") == 0 && !fence_len;
        if (fenced) buf_puts(out, "```rust\n");
        if (strcmp(kind, "{{#title ") != 0)
            include(x, src, src_line_of(src, line), (int)(i - line_start) + 1, args, n, false, depth, out);
        if (fenced) buf_puts(out, "\n```");
        i = (size_t)(close - text) + 2;
        mark(x, out, src->file, src->shown, src_line_of(src, line), (int)(i - line_start) + 1);
        if (x->ok && out->len > MDBOOK_MAX_BYTES) {
            diag_error(x->d, where, src_line_of(src, line), 1, "includes make the chapter larger than 64 MiB");
            x->ok = false;
        }
    }
}

char *mdbook_expand(const model_book *book, const char *chapter, const char *text, size_t len, const char *where,
                    const template_vars *vars, size_t *out_len, srcmap *map, diag *d) {
    xctx x = {book, d, true, vars || gitbook_at(book->dir), map, 0, 1, 1, 0, vars, NULL, NULL, 0, {{0}}, 0, true, false, NULL};
    buf out;
    buf_init(&out);
    buf_puts(&out, "");
    xsrc src = {chapter, arena_strdup(book->mem, where), NULL, 0, NULL};
    expand_into(&x, &src, text, len, 0, &out);
    if (x.ok && x.n_if) {
        const ifblock *b = &x.ifs[x.n_if - 1];
        diag_error(d, b->shown, b->line, b->col, "{%% if %%} has no {%% endif %%}");
        x.ok = false;
    }
    for (size_t i = 0; i < x.n_set; i++) free(x.set_names[i]), free(x.set_values[i]);
    free(x.set_names);
    free(x.set_values);
    if (!x.ok) {
        buf_free(&out);
        return NULL;
    }
    return buf_detach(&out, out_len);
}

char *mdbook_expand_snippets(const model_book *book, const char *chapter, const char *text, size_t len,
                             const char *where, size_t *out_len, srcmap *map, diag *d) {
    xctx x = {book, d, true, false, map, 0, 1, 1, 0, NULL, NULL, NULL, 0, {{0}}, 0, false, true, NULL};
    buf out;
    buf_init(&out);
    buf_puts(&out, "");
    xsrc src = {chapter, arena_strdup(book->mem, where), NULL, 0, NULL};
    expand_into(&x, &src, text, len, 0, &out);
    if (!x.ok) {
        buf_free(&out);
        return NULL;
    }
    return buf_detach(&out, out_len);
}
