/* links: the book's internal links resolved once every chapter is parsed, as GitHub and
 * mdBook resolve them: fragments by quire's ids or GitHub's heading slugs, other
 * chapters by path (beside the chapter, or from the book folder for "/x.md"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "base/uri.h"
#include "load/book.h"
#include "load/markdown.h"

/*** GitHub's heading slugs ***/

/* GitHub's anchor for a heading's text: lower case; letters, digits, marks, '-' and '_'
 * kept, each space a '-', everything else dropped. Caller frees. */
char *markdown_github_slug(const char *text) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (const char *p = text; p && *p;) {
        gunichar u = g_utf8_get_char_validated(p, -1);
        if (u == (gunichar)-1 || u == (gunichar)-2) {
            p++;
            continue;
        }
        p = g_utf8_next_char(p);
        GUnicodeType t = g_unichar_type(u);
        bool mark = t == G_UNICODE_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK || t == G_UNICODE_NON_SPACING_MARK;
        if (u == ' ') {
            buf_putc(&b, '-');
        } else if (u == '-' || u == '_' || g_unichar_isalnum(u) || mark) {
            char enc[8];
            int n = g_unichar_to_utf8(g_unichar_tolower(u), enc);
            buf_put(&b, enc, (size_t)n);
        }
    }
    return buf_detach(&b, NULL);
}

/* One target a fragment may name: a heading, anchor or figure of a chapter. */
typedef struct place {
    const model_node *node;
    char *github;            /* the heading's GitHub slug (with -1, -2… on repeats), or NULL */
} place;

typedef struct places {
    place *v;
    size_t n, cap;
    bool made;
} places;

/* What the resolution of one book's links keeps: each chapter's places, made when first needed. */
typedef struct link_ctx {
    model_book *book;
    places *chapters;        /* book->n_chapters */
    diag *d;
} link_ctx;

static void places_add(places *ps, const model_node *node, char *github) {
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 32;
        ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
    }
    ps->v[ps->n++] = (place){node, github};
}

/* The chapter's places in order; headings get their GitHub slugs as GitHub counts them
 * (per file: "c", then "c-1", "c-2"). */
static void chapter_places(const model_chapter *ch, places *ps) {
    ps->made = true;
    if (!ch->root) return;
    GHashTable *taken = g_hash_table_new(g_str_hash, g_str_equal);
    model_iter it;
    model_iter_init(&it, ch->root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (ev != MODEL_EVENT_ENTER || !n->id) continue;
        if (n->type == MODEL_HEADING) {
            /* a heading with an id of its source's ("{#why}") is found by that id, as
             * mdBook and kramdown find it; others by GitHub's slug */
            char *plain = n->as.heading.anchor ? NULL : model_plain_text(n);
            char *base = plain ? markdown_github_slug(plain) : xstrdup(n->as.heading.anchor);
            free(plain);
            char *slug = xstrdup(base);
            for (int k = 1; g_hash_table_contains(taken, slug); k++) {
                free(slug);
                slug = xasprintf("%s-%d", base, k);
            }
            free(base);
            places_add(ps, n, slug);
            g_hash_table_add(taken, slug);
        } else if (n->type == MODEL_ANCHOR || n->type == MODEL_FIGURE) {
            places_add(ps, n, NULL);
        }
    }
    g_hash_table_destroy(taken);
    ps->made = true;
}

static void places_free(places *ps) {
    for (size_t i = 0; i < ps->n; i++) free(ps->v[i].github);
    free(ps->v);
}

/* A fragment inside one chapter: quire's id, GitHub's slug, then (unless `exact`) either
 * ignoring case. */
static const model_node *find_in_chapter_as(link_ctx *c, int index, const char *frag, bool exact) {
    const model_node *t = model_find_id(c->book, frag);
    if (t && t->chapter == index) return t;
    places *ps = &c->chapters[index];
    if (!ps->made) chapter_places(&c->book->chapters[index], ps);
    const model_node *found = NULL;
    for (int pass = 0; pass < (exact ? 1 : 3) && !found; pass++) {
        for (size_t i = 0; i < ps->n && !found; i++) {
            const place *p = &ps->v[i];
            if (pass == 0 && p->github && strcmp(p->github, frag) == 0) found = p->node;
            if (pass == 1 && strcasecmp(p->node->id, frag) == 0) found = p->node;
            if (pass == 2 && p->github && strcasecmp(p->github, frag) == 0) found = p->node;
        }
    }
    return found;
}

static const model_node *find_in_chapter(link_ctx *c, int index, const char *frag) {
    return find_in_chapter_as(c, index, frag, false);
}

/* "#x": in the linking chapter as GitHub would find it, else anywhere in the book by
 * quire's id, else in the linking chapter ignoring case. Chapters written for GitHub
 * often share heading ids ("{#why}" in three files): each link means its own file's. */
static const model_node *find_fragment(link_ctx *c, const model_chapter *from, const char *frag) {
    int index = (int)(from - c->book->chapters);
    const model_node *t = find_in_chapter_as(c, index, frag, true);
    if (!t) t = model_find_id(c->book, frag);
    return t ? t : find_in_chapter(c, index, frag);
}

/*** chapters by path ***/

static const model_chapter *chapter_at(const model_book *book, const char *rel) {
    char *norm = path_normalise(rel);
    const model_chapter *found = NULL;
    for (size_t i = 0; norm && i < book->n_chapters && !found; i++)
        if (book->chapters[i].file && strcmp(book->chapters[i].file, norm) == 0) found = &book->chapters[i];
    free(norm);
    return found;
}

static const model_chapter *chapter_named_as(const model_book *book, const char *from_file, const char *path);

/* The chapter a relative path names: beside the linking chapter first, then from the
 * book folder ("/x.md" only from there). A folder ("docs/", "docs") means its README.md
 * (or readme.md, else index.md).
 * A page as mdBook and MkDocs publish it ("ch04-01.html", "index.html") means its
 * Markdown file, when no file of the book has the name itself. */
static const model_chapter *page_url(const model_book *book, const char *from_file, const char *path);

static const model_chapter *chapter_named(const model_book *book, const char *from_file, const char *path) {
    const model_chapter *found = chapter_named_as(book, from_file, path);
    size_t n = strlen(path);
    if (!found) found = page_url(book, from_file, path);
    if (!found && n > 4 && strcmp(path + n - 4, ".md/") == 0) {
        /* "configuration.md/#x", as some MkDocs pages write it */
        char *md = xstrndup(path, n - 1);
        found = chapter_named_as(book, from_file, md);
        free(md);
    }
    if (found || n < 5 || strcmp(path + n - 5, ".html") != 0) return found;
    bool index = (n == 10 || (n > 10 && path[n - 11] == '/')) && strcmp(path + n - 10, "index.html") == 0;
    char *md = index ? xasprintf("%.*sREADME.md", (int)(n - 10), path) : xasprintf("%.*s.md", (int)(n - 5), path);
    found = chapter_named_as(book, from_file, md);
    if (!found && index) {
        free(md);
        md = xasprintf("%.*s.md", (int)(n - 5), path);
        found = chapter_named_as(book, from_file, md);
    }
    free(md);
    return found;
}

/* A page's address as MkDocs publishes it with directory URLs ("../advanced/transports",
 * "clients/"): no extension, from the folder the linking page is published as
 * (x.md as x/, an index.md or README.md as its own folder); it names x.md, or
 * x/index.md or x/README.md. */
static const model_chapter *page_url(const model_book *book, const char *from_file, const char *path) {
    size_t n = strlen(path);
    while (n && path[n - 1] == '/') n--;
    const char *last = path + n;
    while (last > path && last[-1] != '/') last--;
    if (path[0] == '/' || n == 0 || memchr(last, '.', (size_t)(path + n - last)) || strstr(path, "://")) return NULL;
    const char *base = strrchr(from_file, '/');
    base = base ? base + 1 : from_file;
    bool index = strcasecmp(base, "index.md") == 0 || strcasecmp(base, "README.md") == 0;
    size_t stem = strlen(from_file);
    if (stem > 3 && strcasecmp(from_file + stem - 3, ".md") == 0) stem -= 3;
    char *published = index ? path_dirname(from_file) : xasprintf("%.*s", (int)stem, from_file);
    static const char *const forms[] = {"%s/%.*s.md", "%s/%.*s/index.md", "%s/%.*s/README.md", "%s/%.*s/readme.md",
                                        NULL};
    const model_chapter *found = NULL;
    for (int i = 0; forms[i] && !found; i++) {
        char *p = xasprintf(forms[i], published, (int)n, path);
        found = chapter_at(book, strncmp(p, "./", 2) == 0 ? p + 2 : p);
        free(p);
    }
    free(published);
    return found;
}

static const model_chapter *chapter_named_as(const model_book *book, const char *from_file, const char *path) {
    bool rooted = path[0] == '/';
    while (*path == '/') path++;
    char *dir = path_dirname(from_file);
    char *beside = strcmp(dir, ".") == 0 || rooted ? xstrdup(path) : xasprintf("%s/%s", dir, path);
    free(dir);
    const char *tries[2] = {beside, path};
    const model_chapter *found = NULL;
    for (int t = 0; t < 2 && !found; t++) {
        found = chapter_at(book, tries[t]);
        /* a folder: the page GitHub shows for it (its README, in either case), else MkDocs's */
        static const char *const pages[] = {"README.md", "readme.md", "index.md", NULL};
        for (int i = 0; pages[i] && !found; i++) {
            size_t n = strlen(tries[t]);
            char *readme = xasprintf("%s%s%s", tries[t], n && tries[t][n - 1] != '/' ? "/" : "", pages[i]);
            found = chapter_at(book, readme);
            free(readme);
        }
    }
    free(beside);
    return found;
}

static const model_node *chapter_start(const model_chapter *ch) {
    if (!ch->root) return NULL;
    for (const model_node *k = ch->root->first_child; k; k = k->next)
        if (k->type == MODEL_HEADING) return k;
    return ch->root;
}

/*** links ***/

/* A link to a file that is not a chapter: to links-base when the book gives one, else
 * plain text. A warning either way (the reader keeps the text). */
static void outside_link(model_book *book, const model_chapter *from, model_node *link, const char *path,
                         const char *hash, diag *d) {
    const char *url = link->as.link.url;
    char *where = model_display_path(book, link->pos.file);
    char *rel = NULL;
    if (path[0] == '/') {
        rel = path_normalise(path + strspn(path, "/"));
    } else {
        char *dir = path_dirname(from->file);
        char *joined = strcmp(dir, ".") == 0 ? xstrdup(path) : xasprintf("%s/%s", dir, path);
        rel = path_normalise(joined);
        free(joined);
        free(dir);
    }
    const char *base = book->meta.links_base;
    if (base && rel) {
        size_t bl = strlen(base);
        link->as.link.url = arena_printf(book->mem, "%s%s%s%s", base, bl && base[bl - 1] == '/' ? "" : "/", rel,
                                         hash ? hash : "");
        if (uri_host_ok(link->as.link.url)) link->as.link.kind = MODEL_LINK_EXTERNAL;
        diag_warning(d, where, link->pos.line, link->pos.col,
                     "link to '%s', which is not a chapter of the book, leads to %s", url, link->as.link.url);
    } else {
        diag_warning(d, where, link->pos.line, link->pos.col,
                     "link to '%s', which is not a chapter of the book, is set as plain text%s", url,
                     base ? " (it leaves the book folder)" : "; book.yaml's links-base: would make it a web link");
        model_unwrap(link);
    }
    free(rel);
    free(where);
}

static bool link_one(link_ctx *c, const model_chapter *from, model_node *link) {
    model_book *book = c->book;
    diag *d = c->d;
    const char *url = link->as.link.url;
    link->as.link.kind = MODEL_LINK_TEXT;
    if (!url || !*url || strncmp(url, "//", 2) == 0) return true;
    if (uri_has_scheme(url)) {
        /* a host no URI can name keeps its text, unlinked, in both writers */
        if (uri_host_ok(url)) link->as.link.kind = MODEL_LINK_EXTERNAL;
        return true;
    }
    const model_node *target = NULL;
    const char *hash = strchr(url, '#');
    char *frag = hash && hash[1] ? uri_percent_decode(hash + 1, strlen(hash + 1)) : NULL;
    if (url[0] == '#') {
        if (frag) target = find_fragment(c, from, frag);
    } else {
        char *path = uri_percent_decode(url, hash ? (size_t)(hash - url) : strlen(url));
        const model_chapter *ch = chapter_named(book, from->file, path);
        if (!ch) {
            outside_link(book, from, link, path, hash, d);
            free(path);
            free(frag);
            return true;
        }
        free(path);
        target = frag ? find_in_chapter(c, (int)(ch - book->chapters), frag) : chapter_start(ch);
    }
    free(frag);
    /* a footnote marker is not a place to send a reader */
    if (target && target->type == MODEL_NOTE_REF) target = NULL;
    if (!target) {
        /* the reader keeps the text: a warning, as on GitHub, where such a link goes nowhere */
        char *where = model_display_path(book, link->pos.file);
        diag_warning(d, where, link->pos.line, link->pos.col, "link target '%s' does not exist; set as plain text",
                     url);
        free(where);
        model_unwrap(link);
        return true;
    }
    link->as.link.target = target;
    link->as.link.kind = MODEL_LINK_INTERNAL;
    return true;
}

static bool link_tree(link_ctx *c, const model_chapter *from, model_node *root) {
    bool ok = true;
    /* collected first: a link set as plain text leaves the tree under the walk */
    model_node **links = NULL;
    size_t n = 0, cap = 0;
    model_iter it;
    model_iter_init(&it, root);
    const model_node *node;
    model_event ev;
    while ((ev = model_iter_next(&it, &node)) != MODEL_EVENT_NONE) {
        if (ev != MODEL_EVENT_ENTER || node->type != MODEL_LINK) continue;
        if (n == cap) links = xrealloc(links, (cap = cap ? cap * 2 : 16) * sizeof *links);
        links[n++] = (model_node *)node; /* the tree is the book's own, writable */
    }
    for (size_t i = 0; i < n; i++) ok &= link_one(c, from, links[i]);
    free(links);
    return ok;
}

bool markdown_link_book(model_book *book, diag *d) {
    bool ok = true;
    link_ctx c = {book, xcalloc(book->n_chapters ? book->n_chapters : 1, sizeof *c.chapters), d};
    for (size_t i = 0; i < book->n_chapters; i++)
        if (book->chapters[i].root) ok &= link_tree(&c, &book->chapters[i], book->chapters[i].root);
    for (size_t i = 0; i < book->n_footnotes; i++) {
        model_node *fn = book->footnotes[i];
        if (fn->chapter >= 0 && (size_t)fn->chapter < book->n_chapters)
            ok &= link_tree(&c, &book->chapters[fn->chapter], fn);
    }
    for (size_t i = 0; i < book->n_chapters; i++) places_free(&c.chapters[i]);
    free(c.chapters);
    return ok;
}
