/* html: raw HTML blocks and tags of a cmark tree into the cmark nodes they stand for.
 * libxml2's HTML parser reads the markup (tags, attributes, entities); this file only
 * decides what each element becomes. */
#include "load/html.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
/* positions are only settable in the node struct */
#include <cmark-gfm/node.h>

#include "base/util.h"
#include "base/xmllib.h"

/* Deeper inline tag nesting is dropped instead of wrapped (recursion stays bounded). */
#define MAX_WRAP_DEPTH 64

typedef struct hctx {
    const char *src;
    size_t len;
    size_t *line_starts;     /* offset of each line's first byte: line_starts[line - 1] */
    size_t n_lines;
    const char *where;
    const srcmap *map;       /* where included text was written; may be NULL */
    diag *d;
    /* an HTML block being rewritten */
    cmark_node *after;       /* the last block inserted (new blocks go after it) */
    cmark_node *para;        /* the paragraph or heading taking inlines, or NULL */
    int line, col;           /* the block's position */
    int tag_line, tag_col;   /* where the last tag was found: the next is searched after it */
    const char *align;       /* from the nearest align="…" */
    struct repeats *repeats; /* the tag warnings given so far, by kind */
    size_t n_repeats;
} hctx;

/* A kind of tag warning (its message and tag name) in one chapter: the first WARN_NAMED
 * are given, the rest counted into one more (a page of 20,000 <u> would fill a terminal).
 * Past WARN_KINDS - 2 names (or for a name too long to keep) the tags of each message are
 * counted together, under the name "" (the two last places are kept for them). */
#define WARN_NAMED 10
#define WARN_KINDS 32
typedef struct repeats {
    const char *fmt;
    char name[32];
    int count;
    int line, col; /* the first not named */
    char first[32]; /* its tag, for the kinds counted together */
} repeats;

/*** positions ***/

static const char *src_line(const hctx *c, int line, size_t *n) {
    if (line < 1 || (size_t)line > c->n_lines) return NULL;
    size_t a = c->line_starts[line - 1];
    size_t e = (size_t)line < c->n_lines ? c->line_starts[line] - 1 : c->len;
    *n = e - a;
    return c->src + a;
}

/* The column of "<name" on `line` at or after `from` (1-based) and after the last tag
 * found on that line, else `from`. */
static int tag_col(hctx *c, int line, int from, const char *name) {
    size_t n, k = strlen(name);
    const char *s = src_line(c, line, &n);
    if (c->tag_line == line && c->tag_col >= from) from = c->tag_col + 1;
    for (size_t i = from > 0 ? (size_t)from - 1 : 0; s && i + k + 1 <= n; i++) {
        if (s[i] == '<' && strncasecmp(s + i + 1, name, k) == 0) {
            c->tag_line = line, c->tag_col = (int)i + 1;
            return (int)i + 1;
        }
    }
    return from > 0 ? from : 1;
}

/* tag_col without moving the search on: the caller's callee finds the same tag itself. */
static int peek_tag_col(hctx *c, int line, int from, const char *name) {
    int saved_line = c->tag_line, saved_col = c->tag_col;
    int col = tag_col(c, line, from, name);
    c->tag_line = saved_line, c->tag_col = saved_col;
    return col;
}

/* The column where a text's first word stands on `line`, after the last tag found there;
 * else `fallback`. */
static int text_col(hctx *c, int line, const char *text, int fallback) {
    while (*text && isspace((unsigned char)*text)) text++;
    size_t k = 0;
    while (text[k] && !isspace((unsigned char)text[k]) && k < 16) k++;
    size_t n;
    const char *s = src_line(c, line, &n);
    if (!s || !k) return fallback;
    size_t from = c->tag_line == line && c->tag_col > 0 ? (size_t)c->tag_col : 0;
    for (size_t i = from; i + k <= n; i++)
        if (memcmp(s + i, text, k) == 0) return (int)i + 1;
    return fallback;
}

static void set_pos(cmark_node *n, int line, int col) {
    n->start_line = n->end_line = line;
    n->start_column = n->end_column = col;
}

/* A warning at (line, col) of the text read, named where the author wrote it. */
static void warn_at(hctx *c, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void warn_at(hctx *c, int line, int col, const char *fmt, ...) {
    const char *where = c->where;
    srcmap_seg s;
    if (line > 0 && srcmap_find(c->map, line, col > 0 ? col : 1, &s)) where = s.shown, line = s.src_line, col = s.src_col;
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->d, DIAG_WARNING, where, line, col, fmt, ap);
    va_end(ap);
}

static repeats *find_repeats(hctx *c, const char *fmt, const char *name) {
    for (size_t i = 0; i < c->n_repeats; i++)
        if (c->repeats[i].fmt == fmt && strcmp(c->repeats[i].name, name) == 0) return &c->repeats[i];
    return NULL;
}

/* The kind of a warning about tag `name`. */
static repeats *repeats_of(hctx *c, const char *fmt, const char *name) {
    repeats *found = find_repeats(c, fmt, name);
    if (found) return found;
    if (c->n_repeats >= WARN_KINDS - 2 || strlen(name) >= sizeof c->repeats->name) {
        name = "";
        if ((found = find_repeats(c, fmt, name))) return found;
    }
    if (!c->repeats) c->repeats = xcalloc(WARN_KINDS, sizeof *c->repeats);
    repeats *r = &c->repeats[c->n_repeats++];
    r->fmt = fmt;
    strcpy(r->name, name);
    return r;
}

/* A warning about tag `name` (fmt, one of the TAG_ messages, has one %s for it), unless WARN_NAMED of its kind were given. */
static void warn_repeated(hctx *c, int line, int col, const char *fmt, const char *name) {
    repeats *r = repeats_of(c, fmt, name);
    if (++r->count > WARN_NAMED) {
        if (r->count == WARN_NAMED + 1) {
            r->line = line, r->col = col;
            snprintf(r->first, sizeof r->first, "%s", name);
        }
        return;
    }
    warn_at(c, line, col, fmt, name);
}

/* One warning for each kind with more than WARN_NAMED, at the first not named. */
static void warn_unnamed(hctx *c) {
    for (size_t i = 0; i < c->n_repeats; i++) {
        const repeats *r = &c->repeats[i];
        if (r->count <= WARN_NAMED) continue;
        char *what = xasprintf(r->fmt, r->first);
        int more = r->count - WARN_NAMED;
        warn_at(c, r->line, r->col, "%s; so %s %d more%s in this chapter, not named one by one", what,
                more == 1 ? "is" : "are", more, *r->name ? "" : " of other tags");
        free(what);
    }
    free(c->repeats);
}

static const char TAG_DROPPED[] = "raw HTML tag <%s> is not supported; dropped, its text kept";
static const char TAG_HIDDEN[] = "raw HTML tag <%s> is not supported; dropped with its content";

static void warn_tag(hctx *c, int line, int col, const char *name) { warn_repeated(c, line, col, TAG_DROPPED, name); }

/*** one tag ***/

/* The element a single tag's text opens ("<img src=x>"), in a document the caller frees. */
static xmlNode *parse_tag(const char *lit, xmlDoc **doc) {
    *doc = htmlReadMemory(lit, (int)strlen(lit), NULL, "UTF-8",
                          HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
    if (!*doc) return NULL;
    for (xmlNode *n = (*doc)->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE) return n;
    return NULL;
}

static char *attr(xmlNode *e, const char *name) {
    xmlChar *v = xmlGetProp(e, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = xstrdup((const char *)v);
    xmllib_free(v);
    return s;
}

static bool is_name(const char *name, const char *const *set) {
    for (; *set; set++)
        if (strcmp(name, *set) == 0) return true;
    return false;
}

static const char *const INLINE_WRAPS[] = {"b", "strong", "i", "em", "sup", "sub", "kbd", "code", NULL};
/* dropped with what they hold: their text is not the book's */
static const char *const HIDDEN_TAGS[] = {"script", "style", "title", "template", "noscript", "svg", "math", NULL};

/* The cmark node an inline element wraps its content in. */
static cmark_node *wrapper_for(const char *name) {
    if (strcmp(name, "b") == 0 || strcmp(name, "strong") == 0) return cmark_node_new(CMARK_NODE_STRONG);
    if (strcmp(name, "i") == 0 || strcmp(name, "em") == 0) return cmark_node_new(CMARK_NODE_EMPH);
    cmark_node *n = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
    cmark_node_set_on_enter(n, name);
    return n;
}

static cmark_node *image_node(xmlNode *e, int line, int col) {
    char *src = attr(e, "src"), *alt = attr(e, "alt"), *title = attr(e, "title");
    cmark_node *img = cmark_node_new(CMARK_NODE_IMAGE);
    cmark_node_set_url(img, src ? src : "");
    if (title) cmark_node_set_title(img, title);
    if (alt && *alt) {
        cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node_set_literal(t, alt);
        set_pos(t, line, col);
        cmark_node_append_child(img, t);
    }
    set_pos(img, line, col);
    free(src), free(alt), free(title);
    return img;
}

/*** tags inside Markdown text (cmark's HTML_INLINE nodes) ***/

/* The name of a closing tag ("</b >" gives "b"), lower case, in out; false for anything else. */
static bool close_name(const char *lit, char *out, size_t cap) {
    if (strncmp(lit, "</", 2) != 0) return false;
    size_t k = 0;
    const char *p = lit + 2;
    while (isalnum((unsigned char)*p) && k + 1 < cap) out[k++] = (char)tolower((unsigned char)*p++);
    out[k] = 0;
    while (isspace((unsigned char)*p)) p++;
    return k > 0 && *p == '>' && !p[1];
}

static bool is_comment(const char *lit) {
    while (isspace((unsigned char)*lit)) lit++;
    return strncmp(lit, "<!--", 4) == 0 || strncmp(lit, "<!", 2) == 0 || strncmp(lit, "<?", 2) == 0;
}

/* The sibling closing an element `name` opened at `open`, counting nested ones; NULL if none. */
static cmark_node *find_close(cmark_node *open, const char *name) {
    int depth = 0;
    char cn[32];
    for (cmark_node *k = cmark_node_next(open); k; k = cmark_node_next(k)) {
        if (cmark_node_get_type(k) != CMARK_NODE_HTML_INLINE) continue;
        const char *lit = cmark_node_get_literal(k);
        if (!lit) continue;
        if (close_name(lit, cn, sizeof cn)) {
            if (strcmp(cn, name) == 0 && depth-- == 0) return k;
        } else if (lit[0] == '<' && strncasecmp(lit + 1, name, strlen(name)) == 0 &&
                   !isalnum((unsigned char)lit[1 + strlen(name)])) {
            depth++;
        }
    }
    return NULL;
}

static void rewrite_inlines(hctx *c, cmark_node *parent, int depth);

/* Tags that only style the text they hold, dropped without a word: nothing is lost (an
 * <abbr>'s title is the web page's tooltip; the abbreviation itself is the text). */
static bool quiet_wrapper(const char *name) {
    return strcmp(name, "span") == 0 || strcmp(name, "small") == 0 || strcmp(name, "abbr") == 0;
}

/* Links inside `n` give their place to their text: a link holds no link (an address
 * written as the text of <a href>, which GFM's autolinks made a link of its own). */
static void unlink_links(cmark_node *n) {
    for (cmark_node *k = cmark_node_first_child(n); k;) {
        cmark_node *next = cmark_node_next(k);
        unlink_links(k);
        if (cmark_node_get_type(k) == CMARK_NODE_LINK) {
            for (cmark_node *g = cmark_node_first_child(k); g;) {
                cmark_node *gn = cmark_node_next(g);
                cmark_node_unlink(g);
                cmark_node_insert_before(k, g);
                g = gn;
            }
            cmark_node_free(k);
        }
        k = next;
    }
}

/* Puts the new node `n` before `at`. A GFM table cell refuses some inline types (a line
 * break, the wrapper of <kbd> or <sub>) that the model takes in a cell as anywhere else, and
 * cmark would leave `n` out, with the text it is to hold: there it is linked in by hand. */
static void put_before(cmark_node *at, cmark_node *n) {
    if (cmark_node_insert_before(at, n)) return;
    n->parent = at->parent;
    n->prev = at->prev;
    n->next = at;
    if (at->prev)
        at->prev->next = n;
    else
        at->parent->first_child = n;
    at->prev = n;
}

/* Moves the siblings between `open` and `close` (or the end) into `w`, put where `open` was. */
static void wrap(hctx *c, cmark_node *open, cmark_node *close, cmark_node *w, int depth) {
    set_pos(w, open->start_line, open->start_column);
    put_before(open, w);
    for (cmark_node *k = cmark_node_next(open); k && k != close;) {
        cmark_node *next = cmark_node_next(k);
        cmark_node_unlink(k);
        cmark_node_append_child(w, k);
        k = next;
    }
    cmark_node_free(open);
    if (close) cmark_node_free(close);
    rewrite_inlines(c, w, depth + 1);
    if (cmark_node_get_type(w) == CMARK_NODE_LINK) unlink_links(w);
}

/* One opening (or void) tag among the inlines; returns the node to continue after. */
static cmark_node *inline_tag(hctx *c, cmark_node *k, int depth) {
    const char *lit = cmark_node_get_literal(k);
    int line = k->start_line, col = k->start_column;
    xmlDoc *doc = NULL;
    xmlNode *e = parse_tag(lit, &doc);
    cmark_node *next = cmark_node_next(k);
    if (!e) {
        warn_at(c, line, col, "raw HTML is not supported; dropped");
        cmark_node_free(k);
        xmlFreeDoc(doc);
        return next;
    }
    const char *name = (const char *)e->name;
    char *href = attr(e, "href"), *id = attr(e, "id"), *aname = attr(e, "name");
    if (strcmp(name, "br") == 0) {
        cmark_node *br = cmark_node_new(CMARK_NODE_LINEBREAK);
        set_pos(br, line, col);
        put_before(k, br);
        cmark_node_free(k);
    } else if (strcmp(name, "img") == 0) {
        put_before(k, image_node(e, line, col));
        cmark_node_free(k);
    } else if (strcmp(name, "a") == 0 && href) {
        cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
        cmark_node_set_url(link, href);
        char *title = attr(e, "title");
        if (title) cmark_node_set_title(link, title);
        free(title);
        if (depth < MAX_WRAP_DEPTH) {
            cmark_node *close = find_close(k, "a");
            next = close ? cmark_node_next(close) : NULL;
            wrap(c, k, close, link, depth);
        } else {
            cmark_node_free(link);
            cmark_node_free(k);
        }
    } else if ((strcmp(name, "a") == 0 || strcmp(name, "span") == 0) && (id || aname)) {
        /* an anchor: left for the reader, GitHub's name= written as id= */
        if (!id) {
            char *lit2 = xasprintf("<%s id=\"%s\">", name, aname);
            cmark_node_set_literal(k, lit2);
            free(lit2);
        }
    } else if (quiet_wrapper(name)) {
        /* a span without an id, or small, only styles what it holds (an icon, a colour, a
         * smaller size): the text stays where it is, as in a block */
        cmark_node *close = find_close(k, name);
        if (close && close == next) next = cmark_node_next(close);
        if (close) cmark_node_free(close);
        cmark_node_free(k);
    } else if (is_name(name, INLINE_WRAPS)) {
        if (depth < MAX_WRAP_DEPTH) {
            cmark_node *close = find_close(k, name);
            next = close ? cmark_node_next(close) : NULL;
            wrap(c, k, close, wrapper_for(name), depth);
        } else {
            cmark_node_free(k);
        }
    } else {
        warn_tag(c, line, col, name);
        cmark_node_free(k);
    }
    free(href), free(id), free(aname);
    xmlFreeDoc(doc);
    return next;
}

static void rewrite_inlines(hctx *c, cmark_node *parent, int depth) {
    for (cmark_node *k = cmark_node_first_child(parent); k;) {
        if (cmark_node_get_type(k) != CMARK_NODE_HTML_INLINE) {
            k = cmark_node_next(k);
            continue;
        }
        const char *lit = cmark_node_get_literal(k);
        char cn[32];
        if (!lit || is_comment(lit)) {
            k = cmark_node_next(k);
        } else if (close_name(lit, cn, sizeof cn)) {
            /* an unmatched closing tag: its opening one was reported (anchors' are the reader's) */
            cmark_node *next = cmark_node_next(k);
            if (strcmp(cn, "a") != 0 && strcmp(cn, "span") != 0) cmark_node_free(k);
            k = next;
        } else {
            k = inline_tag(c, k, depth);
        }
    }
}

/*** HTML blocks ***/

static const char *const BLOCK_TAGS[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "details", "summary", "pre", "center", "table", "thead",
    "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "section", "article",
    "header", "footer", "nav", "main", "aside", "figure", "figcaption", "hr", "address", "caption", "picture",
    "form", "fieldset", "body", "html", "head", NULL};
static const char *const KNOWN_BLOCKS[] = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "details", "summary",
                                           "pre", "body", "html", "head", NULL};

static void insert_block(hctx *c, cmark_node *b, int line, int col) {
    set_pos(b, line, col);
    cmark_node_insert_after(c->after, b);
    c->after = b;
}

/* The paragraph inline content goes to, made when first needed. */
static cmark_node *para(hctx *c, int line, int col) {
    if (!c->para) {
        c->para = cmark_node_new(CMARK_NODE_PARAGRAPH);
        if (c->align) cmark_node_set_user_data(c->para, (void *)c->align);
        insert_block(c, c->para, line, col);
    }
    return c->para;
}

/* Ends the open paragraph: trailing spaces go, an empty one goes. */
static void end_para(hctx *c) {
    cmark_node *p = c->para;
    c->para = NULL;
    if (!p) return;
    cmark_node *last = cmark_node_last_child(p);
    if (last && cmark_node_get_type(last) == CMARK_NODE_TEXT) {
        const char *lit = cmark_node_get_literal(last);
        size_t n = strlen(lit);
        while (n && lit[n - 1] == ' ') n--;
        char *t = xstrndup(lit, n);
        if (n) cmark_node_set_literal(last, t);
        else cmark_node_free(last);
        free(t);
    }
    if (!cmark_node_first_child(p)) {
        if (c->after == p) c->after = cmark_node_previous(p);
        cmark_node_free(p);
    }
}

/* HTML text: runs of white space are one space, none at a paragraph's start. */
static void add_text(hctx *c, cmark_node *into, const char *s, int line, int col) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    cmark_node *last = cmark_node_last_child(into);
    cmark_node_type it = cmark_node_get_type(into);
    bool space = !last && (it == CMARK_NODE_PARAGRAPH || it == CMARK_NODE_HEADING);
    if (last && cmark_node_get_type(last) == CMARK_NODE_TEXT) {
        const char *l = cmark_node_get_literal(last);
        space = !*l || l[strlen(l) - 1] == ' ';
    } else if (last && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK) {
        space = true;
    }
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            if (!space) buf_putc(&b, ' ');
            space = true;
        } else {
            buf_putc(&b, *p);
            space = false;
        }
    }
    if (b.len) {
        cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node_set_literal(t, b.data);
        set_pos(t, line, col);
        cmark_node_append_child(into, t);
    }
    buf_free(&b);
}

static void walk_inline(hctx *c, xmlNode *n, cmark_node *into, int depth);
static void walk_block(hctx *c, xmlNode *n, int depth);

static int xml_line(const hctx *c, xmlNode *n) {
    long l = xmlGetLineNo(n);
    return c->line + (l > 0 ? (int)l - 1 : 0);
}

static void walk_children(hctx *c, xmlNode *n, cmark_node *into, int depth) {
    for (xmlNode *k = n->children; k; k = k->next) {
        if (into) walk_inline(c, k, into, depth + 1);
        else walk_block(c, k, depth + 1);
    }
}

/* An element or text inside a paragraph (or heading, link, emphasis). */
static void walk_inline(hctx *c, xmlNode *n, cmark_node *into, int depth) {
    int line = xml_line(c, n);
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            add_text(c, into, (const char *)n->content, line, text_col(c, line, (const char *)n->content, c->col));
        return;
    }
    if (n->type != XML_ELEMENT_NODE) return;
    const char *name = (const char *)n->name;
    if (is_name(name, BLOCK_TAGS) && cmark_node_get_type(into) == CMARK_NODE_PARAGRAPH && into == c->para) {
        /* a block inside the paragraph: ends it (walk_block finds its tag) */
        walk_block(c, n, depth);
        return;
    }
    int col = tag_col(c, line, line == c->line ? c->col : 1, name);
    if (depth > MAX_WRAP_DEPTH) return;
    if (strcmp(name, "br") == 0) {
        cmark_node *br = cmark_node_new(CMARK_NODE_LINEBREAK);
        set_pos(br, line, col);
        cmark_node_append_child(into, br);
    } else if (strcmp(name, "img") == 0) {
        cmark_node_append_child(into, image_node(n, line, col));
    } else if (strcmp(name, "a") == 0) {
        char *href = attr(n, "href");
        if (href) {
            cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(link, href);
            set_pos(link, line, col);
            cmark_node_append_child(into, link);
            walk_children(c, n, link, depth);
        } else {
            walk_children(c, n, into, depth);
        }
        free(href);
    } else if (is_name(name, HIDDEN_TAGS)) {
        warn_repeated(c, line, col, TAG_HIDDEN, name);
    } else if (is_name(name, INLINE_WRAPS)) {
        cmark_node *w = wrapper_for(name);
        set_pos(w, line, col);
        cmark_node_append_child(into, w);
        walk_children(c, n, w, depth);
    } else {
        if (!quiet_wrapper(name)) warn_tag(c, line, col, name);
        walk_children(c, n, into, depth);
    }
}

static int heading_level(const char *name) {
    return name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2] ? name[1] - '0' : 0;
}

/*** <figure> ***/

static bool blank_text(const xmlNode *n) {
    if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) return false;
    for (const xmlChar *p = n->content; p && *p; p++)
        if (!isspace(*p)) return false;
    return true;
}

/* The one <img> of a figure, itself a child or inside a child (<a>, <p>, <picture>); NULL
 * when there is none or more than one. */
static xmlNode *figure_image(xmlNode *fig, xmlNode **caption) {
    xmlNode *img = NULL;
    *caption = NULL;
    for (xmlNode *k = fig->children; k; k = k->next) {
        if (k->type == XML_COMMENT_NODE || blank_text(k)) continue;
        if (k->type != XML_ELEMENT_NODE) return NULL;
        const char *name = (const char *)k->name;
        if (strcmp(name, "figcaption") == 0) {
            if (*caption) return NULL;
            *caption = k;
        } else if (strcmp(name, "img") == 0) {
            if (img) return NULL;
            img = k;
        } else if (strcmp(name, "br") != 0) {
            /* one wrapper holding only the image */
            xmlNode *only = NULL;
            for (xmlNode *g = k->children; g; g = g->next) {
                if (g->type == XML_COMMENT_NODE || blank_text(g)) continue;
                if (only || g->type != XML_ELEMENT_NODE || strcmp((const char *)g->name, "img") != 0) return NULL;
                only = g;
            }
            if (!only || img) return NULL;
            img = only;
        }
    }
    return img;
}

/* <figure><img …><figcaption>…</figcaption></figure>, as GitHub READMEs and books write
 * a captioned figure: the model's figure, the caption's text as its caption. False (and
 * nothing done) for any other figure, which is read as its parts. */
static bool figure_block(hctx *c, xmlNode *fig, int line, int col) {
    xmlNode *caption;
    xmlNode *img = figure_image(fig, &caption);
    if (!img) return false;
    int iline = xml_line(c, img);
    cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    insert_block(c, p, line, col);
    cmark_node *im = image_node(img, iline, tag_col(c, iline, iline == c->line ? c->col : 1, "img"));
    if (caption) {
        xmlChar *t = xmlNodeGetContent(caption);
        buf b;
        buf_init(&b);
        buf_puts(&b, "");
        bool space = true;
        for (const xmlChar *q = t; q && *q; q++) {
            if (isspace(*q)) {
                if (!space) buf_putc(&b, ' ');
                space = true;
            } else {
                buf_putc(&b, (char)*q);
                space = false;
            }
        }
        while (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
        if (b.len) cmark_node_set_title(im, b.data);
        buf_free(&b);
        xmllib_free(t);
    }
    cmark_node_append_child(p, im);
    return true;
}

/* An element or text between blocks. */
static void walk_block(hctx *c, xmlNode *n, int depth) {
    int line = xml_line(c, n);
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *s = (const char *)n->content;
        bool blank = true;
        for (const char *p = s; p && *p; p++)
            if (!isspace((unsigned char)*p)) blank = false;
        if (!blank) {
            int col = text_col(c, line, s, c->col);
            add_text(c, para(c, line, col), s, line, col);
        }
        return;
    }
    if (n->type != XML_ELEMENT_NODE || depth > MAX_WRAP_DEPTH) return;
    const char *name = (const char *)n->name;
    int from = line == c->line ? c->col : 1;
    if (!is_name(name, BLOCK_TAGS) && !is_name(name, HIDDEN_TAGS)) {
        /* walk_inline finds the tag itself: searching here too would skip to the next one */
        walk_inline(c, n, para(c, line, peek_tag_col(c, line, from, name)), depth);
        return;
    }
    int col = tag_col(c, line, from, name);
    if (is_name(name, HIDDEN_TAGS)) {
        warn_repeated(c, line, col, TAG_HIDDEN, name);
        return;
    }
    end_para(c);
    if (strcmp(name, "figure") == 0 && figure_block(c, n, line, col)) return;
    if (!is_name(name, KNOWN_BLOCKS)) warn_tag(c, line, col, name);
    const char *saved = c->align;
    char *align = attr(n, "align");
    if (align && (strcasecmp(align, "center") == 0 || strcasecmp(align, "middle") == 0)) c->align = "center";
    else if (align && strcasecmp(align, "right") == 0) c->align = "right";
    else if (align) c->align = NULL;
    free(align);
    int level = heading_level(name);
    if (level) {
        cmark_node *h = cmark_node_new(CMARK_NODE_HEADING);
        cmark_node_set_heading_level(h, level);
        if (c->align) cmark_node_set_user_data(h, (void *)c->align);
        insert_block(c, h, line, col);
        c->para = h;
        walk_children(c, n, h, depth);
        c->para = h; /* end_para trims it, and drops it when empty */
        end_para(c);
    } else if (strcmp(name, "pre") == 0) {
        xmlChar *t = xmlNodeGetContent(n);
        cmark_node *code = cmark_node_new(CMARK_NODE_CODE_BLOCK);
        /* As HTML has it, a line end right after <pre> is not part of the text. */
        const char *body = t ? (const char *)t : "";
        body += body[0] == '\n' ? 1 : body[0] == '\r' && body[1] == '\n' ? 2 : 0;
        cmark_node_set_literal(code, body);
        xmllib_free(t);
        insert_block(c, code, line, col);
    } else if (strcmp(name, "hr") == 0) {
        insert_block(c, cmark_node_new(CMARK_NODE_THEMATIC_BREAK), line, col);
    } else {
        walk_children(c, n, NULL, depth);
        end_para(c);
    }
    c->align = saved;
}

static void rewrite_block(hctx *c, cmark_node *blk) {
    const char *lit = cmark_node_get_literal(blk);
    if (!lit || is_comment(lit)) return;
    c->after = blk;
    c->para = NULL;
    c->align = NULL;
    c->line = blk->start_line > 0 ? blk->start_line : 1;
    c->col = blk->start_column > 0 ? blk->start_column : 1;
    htmlDocPtr doc = htmlReadMemory(lit, (int)strlen(lit), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (doc) {
        xmlNode *root = xmlDocGetRootElement(doc);
        if (root) walk_block(c, root, 0);
        end_para(c);
        xmlFreeDoc(doc);
    }
    cmark_node_set_literal(blk, "");
}

static int by_address(const void *a, const void *b) {
    uintptr_t x = (uintptr_t) * (cmark_node *const *)a, y = (uintptr_t) * (cmark_node *const *)b;
    return x < y ? -1 : x > y;
}

void html_rewrite(cmark_node *doc, const char *src, size_t len, const char *where, const srcmap *map, diag *d) {
    hctx c = {src, len, NULL, 0, where, map, d, NULL, NULL, 0, 0, 0, 0, NULL, NULL, 0};
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += src[i] == '\n';
    c.line_starts = xmalloc(lines * sizeof *c.line_starts);
    c.line_starts[c.n_lines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (src[i] == '\n') c.line_starts[c.n_lines++] = i + 1;
    /* collected first: rewriting changes the tree under an iterator */
    cmark_node **blocks = NULL, **parents = NULL;
    size_t nb = 0, np = 0, cb = 0, cp = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HTML_BLOCK) {
            if (nb == cb) blocks = xrealloc(blocks, (cb = cb ? cb * 2 : 8) * sizeof *blocks);
            blocks[nb++] = n;
        } else if (t == CMARK_NODE_HTML_INLINE) {
            cmark_node *p = cmark_node_parent(n);
            if (np && parents[np - 1] == p) continue;
            if (np == cp) parents = xrealloc(parents, (cp = cp ? cp * 2 : 8) * sizeof *parents);
            parents[np++] = p;
        }
    }
    cmark_iter_free(it);
    /* the same parent may come back after a nested container: once is enough */
    if (np) qsort(parents, np, sizeof *parents, by_address);
    for (size_t i = 0; i < np; i++)
        if (i == 0 || parents[i] != parents[i - 1]) rewrite_inlines(&c, parents[i], 0);
    for (size_t i = 0; i < nb; i++) rewrite_block(&c, blocks[i]);
    warn_unnamed(&c);
    free(blocks);
    free(parents);
    free(c.line_starts);
}
