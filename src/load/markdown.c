/* markdown: one chapter's Markdown (cmark-gfm) into model nodes; then the book's links resolved. */
#include "load/markdown.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <glib.h>
/* The footnote label and the reference-to-definition link are only in the node struct. */
#include <cmark-gfm/node.h>

#include "base/uri.h"
#include "load/admonition.h"
#include "load/cmtext.h"
#include "load/html.h"
#include "load/srcmap.h"

#define MAX_NESTING 64

typedef struct frame {
    cmark_node *cm;     /* the cmark node whose EXIT pops this frame */
    model_node *m;      /* where children go */
} frame;

typedef struct note_entry {
    cmark_node *def;    /* cmark FOOTNOTE_DEFINITION */
    model_node *note;   /* our MODEL_FOOTNOTE */
    int refs;
    bool converted;
} note_entry;

typedef struct line_range {
    int first, last;
} line_range;

typedef struct md_ctx {
    model_book *book;
    const markdown_resolver *res;
    model_chapter *ch;
    int index;
    diag *d;
    const char *file;
    char *where;                /* the chapter as messages name it */
    const srcmap *map;          /* where included text was written; NULL: all the chapter's own */
    const char *src;
    size_t len;
    size_t *line_starts;        /* offset of each line's first byte: line_starts[line - 1] */
    size_t n_lines;
    bool ok;
    frame *stack;
    size_t depth, cap;
    int nesting;            /* quotes, lists and inline containers open */
    bool in_footnote;
    bool have_title;
    note_entry *notes;
    size_t n_notes, notes_cap;
    line_range *literal_lines;  /* code and HTML blocks: no footnote definitions there */
    size_t n_literal, literal_cap;
    cmark_node *skip_html;      /* the `</a>` that closes an anchor already made */
    int open_a, open_span;      /* anchors written around text: their closing tags are dropped */
    char *heading_anchor;       /* the open heading's "{#id}", until the heading is done */
} md_ctx;

static const char *type_str(cmark_node *n) { return cmark_node_get_type_string(n); }


/* Where the author wrote (line, col) of the text read: in the chapter, or, for text an
 * {{#include}} brought in, in that file, on its own line. */
static model_pos authored(md_ctx *c, int line, int col) {
    model_pos p = {c->file, line, col};
    srcmap_seg s;
    if (line > 0 && c->map && srcmap_find(c->map, line, col > 0 ? col : 1, &s))
        p.file = s.file, p.line = s.src_line, p.col = col > 0 ? s.src_col : col;
    return p;
}

/* The file of a position as messages name it. */
static const char *shown(md_ctx *c, model_pos p) {
    if (!c->map || p.file == c->file) return c->where;
    for (size_t i = 0; i < c->map->n; i++)
        if (c->map->seg[i].file == p.file) return c->map->seg[i].shown;
    return c->where;
}

static model_pos pos_of(md_ctx *c, cmark_node *n) {
    model_pos p = authored(c, cmark_node_get_start_line(n), cmark_node_get_start_column(n));
    if (p.line <= 0 && c->depth) {
        /* inlines without a position take the enclosing block's */
        for (size_t i = c->depth; i-- > 0;) {
            if (c->stack[i].m->pos.line > 0) {
                p = c->stack[i].m->pos;
                break;
            }
        }
    }
    if (p.line <= 0) p.line = 1, p.col = 1;
    if (p.col <= 0) p.col = 1;
    return p;
}

static model_node *top(md_ctx *c) { return c->stack[c->depth - 1].m; }

static void push(md_ctx *c, cmark_node *cm, model_node *m) {
    if (c->depth == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->stack = xrealloc(c->stack, c->cap * sizeof *c->stack);
    }
    c->stack[c->depth].cm = cm;
    c->stack[c->depth].m = m;
    c->depth++;
}

/* The role of a block by the nearest container that decides it. */
static style_role context_role(md_ctx *c) {
    if (c->in_footnote) return STYLE_FOOTNOTE;
    for (size_t i = c->depth; i-- > 0;) {
        switch (c->stack[i].m->type) {
        case MODEL_QUOTE: return STYLE_QUOTE;
        case MODEL_ITEM:
        case MODEL_LIST: return STYLE_LIST;
        case MODEL_TABLE:
        case MODEL_TABLE_ROW:
        case MODEL_TABLE_CELL: return STYLE_TABLE;
        default: break;
        }
    }
    return STYLE_BODY;
}

static void set_role(md_ctx *c, model_node *n, style_role role) {
    if (c->in_footnote) role = STYLE_FOOTNOTE;
    n->role = role;
    n->style = c->book->style ? &c->book->style->roles[role] : NULL;
}

static model_node *add(md_ctx *c, model_type type, cmark_node *cm) {
    model_node *n = model_node_new(c->book, type, pos_of(c, cm));
    n->chapter = c->index;
    model_append_child(top(c), n);
    return n;
}

static void skip_subtree(cmark_iter *it, cmark_node *n) { cmark_iter_reset(it, n, CMARK_EVENT_EXIT); }

char *cmtext_plain(cmark_node *root) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) buf_puts(&b, cmark_node_get_literal(n));
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) buf_putc(&b, ' ');
    }
    cmark_iter_free(it);
    return buf_detach(&b, NULL);
}

static bool all_space(const char *s) {
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s)) return false;
    return true;
}

static bool image_file_name(const char *url);

/* The one image among `first` and its next siblings (white space allowed), else NULL. */
static cmark_node *only_image(cmark_node *first) {
    cmark_node *img = NULL;
    for (cmark_node *k = first; k; k = cmark_node_next(k)) {
        cmark_node_type t = cmark_node_get_type(k);
        if (t == CMARK_NODE_IMAGE && !img) img = k;
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) continue;
        else if (t == CMARK_NODE_TEXT && all_space(cmark_node_get_literal(k))) continue;
        else return NULL;
    }
    return img;
}

/* The image of a paragraph holding only that image (white space allowed), else NULL.
 * An image wrapped in a link to an image file ([![Plot](p.png)](p.png), as web books
 * let a reader open the picture full size) is the same figure: on paper, and in an
 * EPUB, the picture is already there. */
static cmark_node *lone_image(cmark_node *para) {
    cmark_node *first = cmark_node_first_child(para);
    cmark_node *img = only_image(first);
    if (img) return img;
    cmark_node *link = NULL;
    for (cmark_node *k = first; k; k = cmark_node_next(k)) {
        cmark_node_type t = cmark_node_get_type(k);
        if (t == CMARK_NODE_LINK && !link) link = k;
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) continue;
        else if (t == CMARK_NODE_TEXT && all_space(cmark_node_get_literal(k))) continue;
        else return NULL;
    }
    if (!link || !image_file_name(cmark_node_get_url(link))) return NULL;
    return only_image(cmark_node_first_child(link));
}

/* The image a paragraph's child is: an image, or one wrapped in a link to an image file. */
static cmark_node *picture_of(cmark_node *k) {
    cmark_node_type t = cmark_node_get_type(k);
    if (t == CMARK_NODE_IMAGE) return k;
    if (t != CMARK_NODE_LINK || !image_file_name(cmark_node_get_url(k))) return NULL;
    cmark_node *only = cmark_node_first_child(k);
    return only && !cmark_node_next(only) && cmark_node_get_type(only) == CMARK_NODE_IMAGE ? only : NULL;
}

/* A paragraph of two or more pictures, one to a line (screenshots to compare, written one
 * under the other): the number of them, else 0. Pictures side by side on one line (a row
 * of badges or icons) stay in the text. */
static int image_lines(cmark_node *para) {
    int n = 0;
    bool broken = true; /* a line end since the last picture */
    for (cmark_node *k = cmark_node_first_child(para); k; k = cmark_node_next(k)) {
        cmark_node_type t = cmark_node_get_type(k);
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) broken = true;
        else if (t == CMARK_NODE_TEXT && all_space(cmark_node_get_literal(k))) continue;
        else if (picture_of(k) && broken) n++, broken = false;
        else return 0;
    }
    return n >= 2 ? n : 0;
}

/* Length of a leading attribution dash ("—", "–", "―" or "--") plus the spaces after it; 0 if none. */
static size_t dash_prefix(const char *s) {
    size_t n = 0;
    if (strncmp(s, "\xe2\x80\x94", 3) == 0 || strncmp(s, "\xe2\x80\x93", 3) == 0 ||
        strncmp(s, "\xe2\x80\x95", 3) == 0)
        n = 3;
    else if (strncmp(s, "--", 2) == 0)
        n = 2;
    else
        return 0;
    while (s[n] == ' ' || s[n] == '\t') n++;
    return n;
}

/* Pointer to line:col (1-based) in the chapter source, or NULL past its end. */
static const char *line_text(md_ctx *c, int line, size_t *n);
static const char *source_at(md_ctx *c, int line, int col) {
    size_t ll;
    const char *p = line_text(c, line, &ll);
    if (!p || col < 1 || (size_t)(col - 1) > (size_t)(c->src + c->len - p)) return NULL;
    return p + col - 1;
}

/* Source bytes of the dash and spaces at `pos` (smart punctuation made "--" into "–"). */
static int source_dash_len(md_ctx *c, model_pos pos) {
    const char *s = source_at(c, pos.line, pos.col);
    if (!s) return 0;
    const char *end = c->src + c->len, *p = s;
    if (p < end && *p == '-') {
        while (p < end && *p == '-') p++;
    } else if (end - p >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80) {
        p += 3;
    }
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return (int)(p - s);
}

/* A paragraph closing a block quote (after at least one other block) that starts with a dash. */
static bool is_attribution(cmark_node *para) {
    cmark_node *parent = cmark_node_parent(para);
    if (!parent || cmark_node_get_type(parent) != CMARK_NODE_BLOCK_QUOTE) return false;
    if (cmark_node_next(para) || !cmark_node_previous(para)) return false;
    cmark_node *first = cmark_node_first_child(para);
    if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT) return false;
    return dash_prefix(cmark_node_get_literal(first)) > 0;
}

static note_entry *note_for(md_ctx *c, cmark_node *def) {
    for (size_t i = 0; i < c->n_notes; i++)
        if (c->notes[i].def == def) return &c->notes[i];
    if (c->n_notes == c->notes_cap) {
        c->notes_cap = c->notes_cap ? c->notes_cap * 2 : 16;
        c->notes = xrealloc(c->notes, c->notes_cap * sizeof *c->notes);
    }
    note_entry *e = &c->notes[c->n_notes++];
    memset(e, 0, sizeof *e);
    e->def = def;
    return e;
}

static void remember_literal_lines(md_ctx *c, cmark_node *n) {
    if (c->n_literal == c->literal_cap) {
        c->literal_cap = c->literal_cap ? c->literal_cap * 2 : 16;
        c->literal_lines = xrealloc(c->literal_lines, c->literal_cap * sizeof *c->literal_lines);
    }
    c->literal_lines[c->n_literal].first = cmark_node_get_start_line(n);
    c->literal_lines[c->n_literal].last = cmark_node_get_end_line(n);
    c->n_literal++;
}

/*** raw HTML: anchors are kept, the rest dropped ***/

/* Parses `<a id="x">`, `<span id="x">` (optionally closed right away by `</a>`/`</span>`).
 * Returns the id (malloc'd) and sets *closed and *span; NULL when the tag is anything else. */
static char *parse_anchor_tag(const char *s, bool *closed, bool *span) {
    const char *p = s;
    if (*p++ != '<') return NULL;
    size_t name_len;
    if (strncmp(p, "a", 1) == 0 && (p[1] == ' ' || p[1] == '\t')) *span = false, name_len = 1;
    else if (strncmp(p, "span", 4) == 0 && (p[4] == ' ' || p[4] == '\t')) *span = true, name_len = 4;
    else return NULL;
    p += name_len;
    while (*p == ' ' || *p == '\t') p++;
    if (strncmp(p, "id", 2) != 0) return NULL;
    p += 2;
    while (*p == ' ') p++;
    if (*p++ != '=') return NULL;
    while (*p == ' ') p++;
    char q = *p++;
    if (q != '"' && q != '\'') return NULL;
    const char *start = p;
    while (*p && *p != q) p++;
    if (*p != q) return NULL;
    const char *end = p++;
    while (*p == ' ' || *p == '\t') p++;
    if (*p++ != '>') return NULL;
    const char *close = *span ? "</span>" : "</a>";
    *closed = false;
    if (*p) {
        if (strcmp(p, close) != 0) return NULL;
        *closed = true;
    }
    return xstrndup(start, (size_t)(end - start));
}

/* Anchor ids end up in XHTML id and href attributes and PDF destinations: a letter,
 * then letters, digits, '_', '.', ':' and '-'. */
static bool valid_anchor_id(const char *id) {
    if (!isalpha((unsigned char)id[0]) || (unsigned char)id[0] >= 0x80) return false;
    for (const char *p = id + 1; *p; p++)
        if (!(((unsigned char)*p < 0x80 && isalnum((unsigned char)*p)) || *p == '_' || *p == '.' || *p == ':' ||
              *p == '-'))
            return false;
    return true;
}

/* What HTML takes as an id: one word, not empty. */
static bool html_id(const char *id) {
    if (!*id) return false;
    for (const char *p = id; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') return false;
    return true;
}

static bool is_comment(const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    return strncmp(s, "<!--", 4) == 0;
}

static bool is_close_tag(const char *s, const char *tag) {
    size_t n = strlen(tag);
    if (strncmp(s, tag, n) != 0) return false;
    for (s += n; *s; s++)
        if (!isspace((unsigned char)*s)) return false;
    return true;
}

static void inline_html(md_ctx *c, cmark_node *cm) {
    const char *lit = cmark_node_get_literal(cm);
    if (!lit) lit = "";
    if (cm == c->skip_html) {
        c->skip_html = NULL;
        return;
    }
    if (is_comment(lit)) return;
    if (is_close_tag(lit, "</a>") && c->open_a > 0) {
        c->open_a--;
        return;
    }
    if (is_close_tag(lit, "</span>") && c->open_span > 0) {
        c->open_span--;
        return;
    }
    bool closed = false, span = false;
    char *id = parse_anchor_tag(lit, &closed, &span);
    if (!id) {
        model_pos p = pos_of(c, cm);
        diag_warning(c->d, shown(c, p), p.line, p.col, "raw HTML is not supported; dropped");
        return;
    }
    if (!closed) {
        cmark_node *next = cmark_node_next(cm);
        const char *nl = next && cmark_node_get_type(next) == CMARK_NODE_HTML_INLINE ? cmark_node_get_literal(next) : NULL;
        if (nl && is_close_tag(nl, span ? "</span>" : "</a>")) c->skip_html = next;
        else if (span) c->open_span++;
        else c->open_a++;
    }
    model_node *a = add(c, MODEL_ANCHOR, cm);
    a->id = arena_strdup(c->book->mem, id);
    if (!html_id(id)) {
        diag_error(c->d, shown(c, a->pos), a->pos.line, a->pos.col,
                   "anchor id '%s' must be one word: not empty, without spaces", id);
        c->ok = false;
    } else if (model_id_reserved(id)) {
        diag_error(c->d, shown(c, a->pos), a->pos.line, a->pos.col, "anchor id '%s' is reserved for footnotes and print page markers", id);
        c->ok = false;
    } else if (!model_claim_id(c->book, id)) {
        /* often the author's name for the heading just above it (Airbnb's style guide writes
         * <a name="control-statements"> under "## Control Statements"): no text is lost */
        diag_warning(c->d, shown(c, a->pos), a->pos.line, a->pos.col,
                     "anchor id '%s' is already used in this book; links to it lead to the first, this anchor is left out",
                     id);
        model_unlink(a);
    } else if (!valid_anchor_id(id)) {
        /* HTML takes ids an XML name may not be ("-bindings", as the Rust book keeps its
         * old headings' ids; "1st"): the writers get a slug of it, and links written with
         * the author's id still find it */
        a->id = model_unique_slug(c->book, id);
        model_bind_id(c->book, a->id, a);
        model_bind_id(c->book, id, a);
    } else {
        model_bind_id(c->book, a->id, a);
    }
    free(id);
}

/*** footnote references ***/

static void note_ref(md_ctx *c, cmark_node *cm) {
    model_node *r = add(c, MODEL_NOTE_REF, cm);
    cmark_node *def = cm->parent_footnote_def;
    if (!def) return; /* cmark resolves every reference it keeps as one */
    note_entry *e = note_for(c, def);
    model_book *book = c->book;
    if (!e->note) {
        int number = (int)book->n_footnotes + 1;
        model_node *fn = model_node_new(book, MODEL_FOOTNOTE, (model_pos){c->file, def->start_line, def->start_column});
        if (fn->pos.line <= 0) fn->pos = r->pos;
        fn->chapter = c->index;
        fn->as.footnote.number = number;
        fn->as.footnote.first_ref = r;
        fn->id = arena_printf(book->mem, "fn-%d", number);
        fn->role = STYLE_FOOTNOTE;
        fn->style = book->style ? &book->style->roles[STYLE_FOOTNOTE] : NULL;
        model_bind_id(book, fn->id, fn);
        /* the book's list grows by doubling; the array lives in the arena */
        size_t have = book->n_footnotes;
        if (have == 0 || (have >= 8 && (have & (have - 1)) == 0)) {
            model_node **grown = arena_alloc(book->mem, (have ? have * 2 : 8) * sizeof *grown);
            if (have) memcpy(grown, book->footnotes, have * sizeof *grown);
            book->footnotes = grown;
        }
        book->footnotes[book->n_footnotes++] = fn;
        e->note = fn;
    }
    e->refs++;
    r->as.note_ref.number = e->note->as.footnote.number;
    r->as.note_ref.note = e->note;
    r->id = e->refs == 1 ? arena_printf(book->mem, "fnref-%d", r->as.note_ref.number)
                         : arena_printf(book->mem, "fnref-%d-%d", r->as.note_ref.number, e->refs);
    model_bind_id(book, r->id, r);
}

/*** what a text node's bytes were in the source ***/

/* cmark joins a text run, its backslash escapes and its character references into one
 * text node. To tell a typed `'` from an escaped `\'` (smart punctuation leaves the
 * latter alone) and a typed `[^x]` from `\[^x]`, the literal is lined up with the
 * source bytes the node's position names. */
typedef struct origin {
    bool known;            /* the literal lined up with the source */
    int line;              /* the source line it was found on */
    unsigned char *esc;    /* per literal byte: 1 when it came from an escape or a reference */
    int *col;              /* per literal byte: its source column (1-based) */
} origin;

static bool ascii_punct(unsigned char ch) { return ch < 0x80 && ispunct(ch); }

/* Length of a character reference at s ("&amp;", "&#39;", "&#x27;"), through its ';', or 0. */
static size_t entity_len(const char *s, size_t n) {
    if (n < 3 || s[0] != '&') return 0;
    size_t i = 1;
    if (s[i] == '#') {
        i++;
        bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex) i++;
        size_t d = i;
        while (i < n && i - d < 8 && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) i++;
        if (i == d) return 0;
    } else {
        size_t d = i;
        while (i < n && i - d < 32 && isalnum((unsigned char)s[i])) i++;
        if (i == d) return 0;
    }
    return i < n && s[i] == ';' ? i + 1 : 0;
}

/* The source bytes of line `line` (1-based), without its line end. */
static const char *line_text(md_ctx *c, int line, size_t *n) {
    if (line < 1 || (size_t)line > c->n_lines) return NULL;
    size_t a = c->line_starts[line - 1];
    size_t b = (size_t)line < c->n_lines ? c->line_starts[line] - 1 : c->len;
    if (b > a && c->src[b - 1] == '\r') b--;
    *n = b - a;
    return c->src + a;
}

static void origin_free(origin *o) {
    free(o->esc);
    free(o->col);
    o->esc = NULL, o->col = NULL, o->known = false;
}

/* What a character reference of `e` bytes at s stands for, when quire can tell:
 * numeric ones always, named ones for the few that stand for markup characters.
 * Returns the byte count written to out (0: a named one it does not know). */
static size_t entity_value(const char *s, size_t e, char out[8]) {
    static const struct { const char *name, *value; } named[] = {
        {"&quot;", "\""}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}, {"&nbsp;", "\xc2\xa0"},
    };
    if (s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';
        unsigned long v = strtoul(s + (hex ? 3 : 2), NULL, hex ? 16 : 10);
        /* as cmark decodes: NUL, surrogates and beyond U+10FFFF become U+FFFD */
        if (v == 0 || (v >= 0xD800 && v < 0xE000) || v > 0x10FFFF) v = 0xFFFD;
        /* and, as its encoder does, U+FFFE and U+FFFF become the single bytes FE and FF */
        if (v == 0xFFFE || v == 0xFFFF) {
            out[0] = (char)(v & 0xFF);
            return 1;
        }
        return (size_t)g_unichar_to_utf8((gunichar)v, out);
    }
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        if (strlen(named[i].name) == e && memcmp(s, named[i].name, e) == 0) {
            strcpy(out, named[i].value);
            return strlen(out);
        }
    }
    return 0;
}

/* Lines the literal up with the source line from byte `from` on; fills o->esc and
 * o->col. False when the bytes there cannot give the literal. */
static bool align(const char *lt, size_t ll, size_t from, const char *lit, size_t len, origin *o) {
    const char *raw = lt + from;
    size_t rn = ll - from, i = 0, j = 0;
    int first = (int)from + 1;
    /* a text never starts on the character of a backslash escape */
    size_t slashes = 0;
    while (slashes < from && lt[from - 1 - slashes] == '\\') slashes++;
    if (slashes % 2 == 1 && ascii_punct((unsigned char)lt[from])) return false;
    while (j < len) {
        if (i >= rn) return false;
        unsigned char r = (unsigned char)raw[i];
        if (r == '\\' && i + 1 < rn && ascii_punct((unsigned char)raw[i + 1]) && lit[j] == raw[i + 1]) {
            o->esc[j] = 1, o->col[j] = first + (int)i;
            i += 2, j++;
            continue;
        }
        size_t e = r == '&' ? entity_len(raw + i, rn - i) : 0;
        char val[8];
        size_t vn = e ? entity_value(raw + i, e, val) : 0;
        if (vn) {
            if (len - j < vn || memcmp(lit + j, val, vn) != 0) return false;
            for (size_t t = 0; t < vn; t++) o->esc[j + t] = 1, o->col[j + t] = first + (int)i;
            i += e, j += vn;
            continue;
        }
        if (e && !(len - j >= e && memcmp(lit + j, raw + i, e) == 0)) {
            /* another named reference: it stands for 1 to 8 bytes of the literal; take
             * the count after which the rest lines up again */
            size_t k = 0;
            unsigned char l0 = (unsigned char)lit[j];
            size_t first_cp = l0 < 0x80 ? 1 : l0 >= 0xF0 ? 4 : l0 >= 0xE0 ? 3 : 2;
            for (size_t t = 0; t <= 8 && !k; t++) {
                size_t try = t == 0 ? first_cp : t; /* most references stand for one character */
                if (j + try > len) continue;
                if (j + try == len) {
                    if (try == first_cp) k = try;
                    continue;
                }
                if (i + e >= rn) continue;
                /* the next unit of the source must give the next byte of the literal */
                const char *nx = raw + i + e;
                size_t left = rn - i - e;
                if (nx[0] == '\\' && left > 1 && ascii_punct((unsigned char)nx[1])) {
                    if (lit[j + try] == nx[1]) k = try;
                } else if (nx[0] == '&' && entity_len(nx, left)) {
                    k = try; /* another reference: cannot tell, take the likeliest */
                } else if (lit[j + try] == nx[0]) {
                    k = try;
                }
            }
            if (!k) return false;
            for (size_t t = 0; t < k; t++) o->esc[j + t] = 1, o->col[j + t] = first + (int)i;
            i += e, j += k;
            continue;
        }
        if ((unsigned char)lit[j] != r) return false;
        o->esc[j] = 0, o->col[j] = first + (int)i;
        i++, j++;
    }
    return true;
}

/* Where the previous text of a block ended: the next one starts after it. */
typedef struct src_cursor {
    int line;
    size_t from;           /* 0-based byte on that line */
} src_cursor;

static bool after_cursor(const src_cursor *cur, int line, size_t from) {
    return !cur || line > cur->line || (line == cur->line && from >= cur->from);
}

static origin origin_of(md_ctx *c, cmark_node *n, const char *lit, size_t len, src_cursor *cur) {
    origin o = {false, 0, NULL, NULL};
    int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
    size_t ll;
    const char *lt = line_text(c, line, &ll);
    if (!lt || len == 0 || col < 1) return o;
    o.esc = xcalloc(len, 1);
    o.col = xmalloc(len * sizeof *o.col);
    /* cmark's inline columns can be off by a few bytes (continuation lines lose their
     * indentation, some nodes end a column late): try the nearest starts first */
    long at = col - 1;
    o.line = line;
    for (long shift = 0; shift <= 32 && !o.known; shift++) {
        for (int sign = 0; sign < 2 && !o.known; sign++) {
            if (shift == 0 && sign) continue;
            long from = sign ? at - shift : at + shift;
            if (from < 0 || (size_t)from >= ll || !after_cursor(cur, line, (size_t)from)) continue;
            if (align(lt, ll, (size_t)from, lit, len, &o)) o.known = true;
        }
    }
    /* after a hard break written as a backslash cmark does not count the line: the
     * text is on one of the next lines */
    int tries = 0; /* bounded, so a hostile line costs at most a few hundred passes */
    for (int next = 1; next <= 4 && !o.known; next++) {
        lt = line_text(c, line + next, &ll);
        for (size_t from = 0; lt && from < ll && !o.known && tries < 256; from++) {
            if (lt[from] != lit[0] && lt[from] != '\\' && lt[from] != '&') continue;
            if (!after_cursor(cur, line + next, from)) continue;
            tries++;
            if (align(lt, ll, from, lit, len, &o)) o.known = true;
        }
        if (o.known) o.line = line + next;
    }
    if (!o.known) origin_free(&o);
    else if (cur) cur->line = o.line, cur->from = (size_t)o.col[len - 1];
    return o;
}

/* Text may hold "[^label]" where cmark found no definition; an escaped `\[` is text. */
static void check_undefined_refs(md_ctx *c, cmark_node *cm, const char *lit, const origin *o) {
    const char *p = lit;
    while ((p = strstr(p, "[^")) != NULL) {
        const char *end = strchr(p, ']');
        if (!end || end == p + 2) break;
        size_t at = (size_t)(p - lit);
        bool plain = !(o->known && o->esc[at]);
        for (const char *k = p + 2; k < end; k++)
            if (isspace((unsigned char)*k) || *k == '[') plain = false;
        if (plain) {
            /* lines of the text read, then where the author wrote them */
            int ln = cmark_node_get_start_line(cm), col = cmark_node_get_start_column(cm);
            if (o->known) {
                ln = o->line, col = o->col[at];
            } else {
                /* find the exact column on the source line */
                size_t ll;
                const char *line = line_text(c, ln, &ll);
                size_t want = (size_t)(end - p + 1);
                for (size_t k = col > 0 ? (size_t)(col - 1) : 0; line && k + want <= ll; k++) {
                    if (memcmp(line + k, p, want) == 0) {
                        col = (int)k + 1;
                        break;
                    }
                }
            }
            model_pos pos = ln > 0 ? authored(c, ln, col) : pos_of(c, cm);
            diag_error(c->d, shown(c, pos), pos.line, pos.col, "footnote '%.*s' has no definition", (int)(end - p + 1), p);
            c->ok = false;
        }
        p = end;
    }
}

/* Character references can bring into the text what the file itself may not hold
 * (`&#1;`, `&#xFFFE;`): refused like the raw characters, at the reference. */
static bool check_decoded(md_ctx *c, cmark_node *cm, const char *s, const origin *o, const char *what) {
    if (!s) return true;
    size_t n = strlen(s), at = 0;
    bool ok = true;
    uint32_t cp;
    long bad;
    while (at < n && (bad = text_find_invalid(s + at, n - at, &cp)) >= 0) {
        size_t i = at + (size_t)bad;
        unsigned char b = (unsigned char)s[i];
        /* cmark writes &#xFFFE; and &#xFFFF; as the bytes FE and FF */
        if (cp == UINT32_MAX && (b == 0xFE || b == 0xFF)) cp = 0xFF00u | b;
        model_pos pos = o && o->known ? authored(c, o->line, o->col[i]) : pos_of(c, cm);
        char tmp[48];
        diag_error(c->d, shown(c, pos), pos.line, pos.col, "%s in %s (from a character reference)",
                   text_problem(cp, tmp, sizeof tmp), what);
        c->ok = ok = false;
        at = i + 1;
        while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80) at++;
    }
    return ok;
}

/*** smart punctuation ***/

/* cmark-gfm's own (CMARK_OPT_SMART) takes time quadratic in the number of straight
 * quotes in a paragraph, so quire does it here, after parsing, with cmark's rules:
 *
 * - `"` is a closing quote when right-flanking (after a non-space, and not after
 *   punctuation unless followed by a space or punctuation), else an opening one;
 * - `'` is an apostrophe (closing quote) unless it can open (left- but not
 *   right-flanking, not after `]` or `)`) and a later closing `'` in the same
 *   paragraph (the same link text) pairs with it; an opener inside emphasis that
 *   closes before the closer does not count;
 * - two or more `-` become dashes (a multiple of three: em dashes; else en dashes,
 *   with em dashes first as cmark counts them); `...` becomes an ellipsis;
 * - never in code spans, code blocks, raw HTML, URLs and autolinks, and never on a
 *   character written with a backslash escape or a character reference.
 *
 * Flanking looks at the characters next to the quote in the source, with emphasis,
 * code and links standing for the markup characters around them. */

enum { SEG_TEXT, SEG_MARK, SEG_OPEN_SCOPE, SEG_CLOSE_SCOPE, SEG_SAVE, SEG_RESTORE };

typedef struct seg {
    int kind;
    uint32_t ch;           /* SEG_MARK and scope kinds: the character the markup stands for */
    uint32_t last;         /* and the one it ends with, seen from what follows (usually ch) */
    cmark_node *node;      /* SEG_TEXT */
    const char *lit;
    size_t len;
    origin o;
    const char *src_line;  /* the source line o.col counts on (when o.known) */
    buf out;
    bool in_image;
} seg;

typedef struct quote_ref {
    long seg;              /* -1: none */
    size_t at;             /* offset in that segment's output */
} quote_ref;

static bool cm_space(uint32_t u) {
    return u == 9 || u == 10 || u == 12 || u == 13 || u == 32 || u == 160 || u == 5760 || (u >= 8192 && u <= 8202) ||
           u == 8239 || u == 8287 || u == 12288;
}

static bool cm_punct(uint32_t u) {
    if (u < 128) return ispunct((int)u) != 0;
    switch (g_unichar_type(u)) {
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
        return true;
    default:
        return false;
    }
}

static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *len) {
    const gchar *p = s + i;
    gunichar u = g_utf8_get_char_validated(p, (gssize)(n - i));
    if (u == (gunichar)-1 || u == (gunichar)-2) {
        *len = 1;
        return (unsigned char)s[i];
    }
    *len = (size_t)(g_utf8_next_char(p) - p);
    return u;
}

static uint32_t cp_before(const char *s, size_t i) {
    size_t k = i;
    while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80 && i - k < 3) k--;
    if (k > 0) k--;
    size_t len;
    return cp_at(s, i, k, &len);
}

/* The character after byte i of segment k, or '\n' at the block's end. Like cmark,
 * `~` (strikethrough's character, typed or not) is passed over. */
/* For a byte of the text that came from an escape or a reference: the source
 * character it starts with ('\\' or '&'); 0 for a typed byte. */
static uint32_t raw_first(const seg *g, size_t i) {
    if (!g->o.known || !g->o.esc[i] || !g->src_line) return 0;
    return (unsigned char)g->src_line[g->o.col[i] - 1];
}

static uint32_t char_after(const seg *sg, size_t n, size_t k, size_t i) {
    for (; k < n; k++, i = 0) {
        if (sg[k].kind == SEG_TEXT) {
            while (i < sg[k].len) {
                size_t l;
                uint32_t r = raw_first(&sg[k], i);
                if (r) return r;
                uint32_t u = cp_at(sg[k].lit, sg[k].len, i, &l);
                if (u != '~') return u;
                i += l;
            }
        } else if (sg[k].ch != '~') {
            return sg[k].ch;
        }
    }
    return '\n';
}

static bool is_autolink(cmark_node *link) {
    cmark_node *t = cmark_node_first_child(link);
    if (!t || cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT) return false;
    const char *url = cmark_node_get_url(link), *lit = cmark_node_get_literal(t);
    if (!url || !lit) return false;
    size_t u = strlen(url), l = strlen(lit);
    if (strcmp(url, lit) == 0) return true;
    /* <a@b.c> and www.x.org: the URL adds "mailto:" or "http://" in front of the text */
    return u > l && strcmp(url + u - l, lit) == 0 && (strncmp(url, "mailto:", 7) == 0 || strncmp(url, "http://", 7) == 0) &&
           u - l == 7;
}

/* The segments of one block: its texts and, between them, what its markup stands for. */
typedef struct seg_list {
    seg *v;
    size_t n, cap;
} seg_list;

static void push_seg(seg_list *l, seg s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void push_mark(seg_list *l, int kind, uint32_t ch) {
    seg s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.ch = s.last = ch;
    push_seg(l, s);
}

static const char *const LSQUO = "\xe2\x80\x98", *const RSQUO = "\xe2\x80\x99";
static const char *const LDQUO = "\xe2\x80\x9c", *const RDQUO = "\xe2\x80\x9d";

/* Where the walk over a block's inlines is. */
typedef struct collect_state {
    int in_image;
    cmark_node *autolink;  /* the autolink being passed, or NULL */
    src_cursor cursor;
} collect_state;

/* A text node: checked, then kept as a segment to curl (or, inside an autolink,
 * reduced to the characters at its ends). */
static void collect_text(md_ctx *c, seg_list *l, collect_state *cs, cmark_node *cm) {
    const char *lit = cmark_node_get_literal(cm);
    seg sgm;
    memset(&sgm, 0, sizeof sgm);
    sgm.lit = lit ? lit : "";
    sgm.len = strlen(sgm.lit);
    sgm.o = origin_of(c, cm, sgm.lit, sgm.len, &cs->cursor);
    if (!cs->in_image) check_undefined_refs(c, cm, sgm.lit, &sgm.o);
    check_decoded(c, cm, sgm.lit, &sgm.o, "the text");
    if (cs->autolink) {
        /* an address is kept as written: it only gives its ends as context,
         * `<` and `>` when written <https://…> */
        size_t l1, ll;
        const char *lt = sgm.o.known ? line_text(c, sgm.o.line, &ll) : NULL;
        bool pointy = lt && sgm.o.col[0] >= 2 && lt[sgm.o.col[0] - 2] == '<';
        if (sgm.len) {
            push_mark(l, SEG_MARK, pointy ? '<' : cp_at(sgm.lit, sgm.len, 0, &l1));
            push_mark(l, SEG_MARK, pointy ? '>' : cp_before(sgm.lit, sgm.len));
        }
        origin_free(&sgm.o);
        return;
    }
    sgm.kind = SEG_TEXT;
    sgm.node = cm;
    if (sgm.o.known) {
        size_t ll;
        sgm.src_line = line_text(c, sgm.o.line, &ll);
    }
    sgm.in_image = cs->in_image > 0;
    push_seg(l, sgm);
}

/* A line end: a hard break written as a backslash has the backslash as the
 * character after the text before it. */
static void collect_break(md_ctx *c, seg_list *l, cmark_node_type t) {
    uint32_t ch = '\n';
    const seg *pv = l->n ? &l->v[l->n - 1] : NULL;
    size_t ll;
    const char *lt =
        pv && pv->kind == SEG_TEXT && pv->o.known && t == CMARK_NODE_LINEBREAK ? line_text(c, pv->o.line, &ll) : NULL;
    if (lt && !pv->o.esc[pv->len - 1] && (size_t)pv->o.col[pv->len - 1] < ll && lt[pv->o.col[pv->len - 1]] == '\\')
        ch = '\\';
    push_mark(l, SEG_MARK, ch);
    l->v[l->n - 1].last = '\n';
}

/* A link or an image: its address and title are checked; it opens and closes a scope. */
static void collect_link(md_ctx *c, seg_list *l, collect_state *cs, cmark_node *cm, bool enter) {
    cmark_node_type t = cmark_node_get_type(cm);
    if (t == CMARK_NODE_IMAGE) cs->in_image += enter ? 1 : -1;
    if (t == CMARK_NODE_LINK && enter && !cs->autolink && is_autolink(cm)) cs->autolink = cm;
    if (cs->autolink) {
        if (!enter && cm == cs->autolink) cs->autolink = NULL;
        return;
    }
    if (enter && check_decoded(c, cm, cmark_node_get_url(cm), NULL, "the link's address"))
        check_decoded(c, cm, cmark_node_get_title(cm), NULL, "the link's title");
    push_mark(l, enter ? SEG_OPEN_SCOPE : SEG_CLOSE_SCOPE, enter ? '[' : ')');
}

/* Walks a block's inlines into segments, checking each text on the way. */
static void collect_segments(md_ctx *c, cmark_node *block, seg_list *l) {
    collect_state cs = {0, NULL, {0, 0}};
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cm = cmark_iter_get_node(it);
        if (cm == block) continue;
        bool enter = ev == CMARK_EVENT_ENTER;
        cmark_node_type t = cmark_node_get_type(cm);
        switch (t) {
        case CMARK_NODE_TEXT:
            if (enter) collect_text(c, l, &cs, cm);
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            if (enter) collect_break(c, l, t);
            break;
        case CMARK_NODE_CODE:
            if (enter) push_mark(l, SEG_MARK, '`');
            break;
        case CMARK_NODE_HTML_INLINE:
            if (enter) push_mark(l, SEG_MARK, '>');
            break;
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG:
            push_mark(l, enter ? SEG_SAVE : SEG_RESTORE, '*');
            break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            collect_link(c, l, &cs, cm, enter);
            break;
        default:
            if (strcmp(cmark_node_get_type_string(cm), "strikethrough") == 0)
                push_mark(l, enter ? SEG_SAVE : SEG_RESTORE, '~');
            else if (enter) /* a footnote reference and whatever else stands in the text */
                push_mark(l, SEG_MARK, ']');
            break;
        }
    }
    cmark_iter_free(it);
}

/* Where curling is: the single quote that may still open, those saved by the
 * scopes around, and the character before. */
typedef struct curl_state {
    quote_ref pending;
    quote_ref *saved;
    size_t n_saved, saved_cap;
    uint32_t prev;
} curl_state;

/* A markup segment: links and emphasis save and restore the open single quote. */
static void curl_markup(curl_state *st, const seg *g) {
    if (g->kind == SEG_OPEN_SCOPE || g->kind == SEG_SAVE) {
        if (st->n_saved == st->saved_cap) {
            st->saved_cap = st->saved_cap ? st->saved_cap * 2 : 16;
            st->saved = xrealloc(st->saved, st->saved_cap * sizeof *st->saved);
        }
        st->saved[st->n_saved++] = st->pending;
        /* a closing quote inside link text pairs only with an opening one there */
        if (g->kind == SEG_OPEN_SCOPE) st->pending.seg = -1;
    } else if (g->kind == SEG_CLOSE_SCOPE || g->kind == SEG_RESTORE) {
        /* openers inside a link or an emphasis are gone once it closes */
        if (st->n_saved) st->pending = st->saved[--st->n_saved];
    }
    if (g->last != '~') st->prev = g->last;
}

/* A run of `run` typed '-' or '.' as cmark writes it: dashes (em dashes first) or ellipses. */
static void put_dash_run(buf *out, const char *s, unsigned char ch, size_t run) {
    if (ch == '-' && run >= 2) {
        size_t em, en;
        if (run % 3 == 0) em = run / 3, en = 0;
        else if (run % 2 == 0) em = 0, en = run / 2;
        else if (run % 3 == 2) em = (run - 2) / 3, en = 1;
        else em = (run - 4) / 3, en = 2;
        for (size_t q = 0; q < em; q++) buf_puts(out, "\xe2\x80\x94");
        for (size_t q = 0; q < en; q++) buf_puts(out, "\xe2\x80\x93");
    } else if (ch == '.') {
        size_t left = run;
        for (; left >= 3; left -= 3) buf_puts(out, "\xe2\x80\xa6");
        buf_put(out, s, left);
    } else {
        buf_put(out, s, run);
    }
}

/* A typed quote at byte i of segment k, curled by its flanking; a closing single
 * quote also turns the pending opener into an opening quote. */
static void curl_quote(seg_list *l, size_t k, size_t i, curl_state *st) {
    seg *g = &l->v[k];
    unsigned char ch = (unsigned char)g->lit[i];
    uint32_t before = st->prev;
    uint32_t after = char_after(l->v, l->n, k, i + 1);
    bool left = !cm_space(after) && (!cm_punct(after) || cm_space(before) || cm_punct(before));
    bool right = !cm_space(before) && (!cm_punct(before) || cm_space(after) || cm_punct(after));
    if (ch == '"') {
        buf_puts(&g->out, right ? RDQUO : LDQUO);
        return;
    }
    bool can_open = left && !right && before != ']' && before != ')';
    if (right && st->pending.seg >= 0) {
        /* pairs with the nearest opener; that one stays open for later closers */
        char *q = l->v[st->pending.seg].out.data + st->pending.at;
        memcpy(q, LSQUO, 3);
    }
    if (can_open) st->pending.seg = (long)k, st->pending.at = g->out.len;
    buf_puts(&g->out, RSQUO);
}

/* Writes segment k's text with its quotes, dashes and ellipses curled into its `out`. */
static void curl_text(seg_list *l, size_t k, curl_state *st) {
    seg *g = &l->v[k];
    buf_init(&g->out);
    buf_reserve(&g->out, g->len + 16);
    const char *s = g->lit;
    size_t len = g->len;
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        bool typed = !(g->o.known && g->o.esc[i]);
        if (typed && (ch == '-' || ch == '.')) {
            size_t r = i;
            while (r < len && s[r] == ch && !(g->o.known && g->o.esc[r])) r++;
            put_dash_run(&g->out, s + i, ch, r - i);
            st->prev = ch;
            i = r;
            continue;
        }
        if (typed && (ch == '\'' || ch == '"')) {
            curl_quote(l, k, i, st);
            st->prev = ch;
            i++;
            continue;
        }
        size_t cl;
        uint32_t u = cp_at(s, len, i, &cl), r = raw_first(g, i);
        if (r == '&') st->prev = ';';                /* a reference ends with ';' */
        else if (r && u == '~') st->prev = '\\';     /* "\~": the backslash, as '~' is passed over */
        else if (u != '~') st->prev = u;
        buf_put(&g->out, s + i, cl);
        i += cl;
    }
}

static void curl_segments(seg_list *l) {
    curl_state st = {{-1, 0}, NULL, 0, 0, '\n'};
    for (size_t k = 0; k < l->n; k++) {
        if (l->v[k].kind == SEG_TEXT) curl_text(l, k, &st);
        else curl_markup(&st, &l->v[k]);
    }
    free(st.saved);
}

/* Puts the curled texts back into cmark's nodes (only those that changed) and frees the segments. */
static void write_back(seg_list *l) {
    for (size_t k = 0; k < l->n; k++) {
        seg *g = &l->v[k];
        if (g->kind != SEG_TEXT) continue;
        if (g->out.len != g->len || memcmp(g->out.data, g->lit, g->len) != 0) cmark_node_set_literal(g->node, g->out.data);
        buf_free(&g->out);
        origin_free(&g->o);
    }
    free(l->v);
}

/* Curls the quotes, dashes and ellipses of one block's inlines (a paragraph, a heading
 * or a table cell) in place, in cmark's tree; checks its text for footnote references
 * without a definition and for characters no text may hold. */
static void smarten_block(md_ctx *c, cmark_node *block) {
    seg_list l = {NULL, 0, 0};
    collect_segments(c, block, &l);
    curl_segments(&l);
    write_back(&l);
}

/*** the walk ***/

static void add_text(md_ctx *c, cmark_node *cm, const char *lit) {
    model_node *parent = top(c);
    model_node *last = parent->last_child;
    if (last && last->type == MODEL_TEXT) {
        /* one text node per run keeps writers simple */
        last->text = arena_printf(c->book->mem, "%s%s", last->text, lit);
        return;
    }
    model_node *t = add(c, MODEL_TEXT, cm);
    t->text = arena_strdup(c->book->mem, lit);
}

static bool nest(md_ctx *c, cmark_node *cm, cmark_iter *it) {
    if (c->nesting + 1 > MAX_NESTING) {
        model_pos p = pos_of(c, cm);
        diag_error(c->d, shown(c, p), p.line, p.col, "nesting deeper than %d levels", MAX_NESTING);
        c->ok = false;
        skip_subtree(it, cm);
        return false;
    }
    c->nesting++;
    return true;
}

/*** GitHub alerts ***/

/* "> [!NOTE]" opening a block quote, as GitHub writes its alerts: the marker becomes its
 * label in bold on a line of its own ("Note"), as GitHub shows it. cmark splits the
 * marker into text nodes at the brackets, so they are read together. */
static void github_alert(cmark_node *quote) {
    static const char *const kinds[][2] = {{"NOTE", "Note"},           {"TIP", "Tip"},         {"IMPORTANT", "Important"},
                                           {"WARNING", "Warning"},     {"CAUTION", "Caution"}, {NULL, NULL}};
    cmark_node *para = cmark_node_first_child(quote);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) return;
    char marker[16];
    size_t n = 0;
    cmark_node *k = cmark_node_first_child(para);
    for (; k && cmark_node_get_type(k) == CMARK_NODE_TEXT; k = cmark_node_next(k)) {
        const char *lit = cmark_node_get_literal(k);
        size_t l = lit ? strlen(lit) : 0;
        if (n + l >= sizeof marker) return;
        memcpy(marker + n, lit, l);
        n += l;
    }
    while (n && marker[n - 1] == ' ') n--;
    marker[n] = '\0';
    if (k && cmark_node_get_type(k) != CMARK_NODE_SOFTBREAK && cmark_node_get_type(k) != CMARK_NODE_LINEBREAK) return;
    if (n < 4 || marker[0] != '[' || marker[1] != '!' || marker[n - 1] != ']') return;
    const char *label = NULL;
    for (int i = 0; kinds[i][0] && !label; i++)
        if (n - 3 == strlen(kinds[i][0]) && strncasecmp(marker + 2, kinds[i][0], n - 3) == 0) label = kinds[i][1];
    if (!label) return;
    cmark_node *first = cmark_node_first_child(para);
    int line = cmark_node_get_start_line(first), col = cmark_node_get_start_column(first);
    while (cmark_node_first_child(para) != k) cmark_node_free(cmark_node_first_child(para));
    cmark_node *strong = cmark_node_new(CMARK_NODE_STRONG), *t = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(t, label);
    strong->start_line = t->start_line = line;
    strong->start_column = t->start_column = col;
    cmark_node_append_child(strong, t);
    cmark_node_prepend_child(para, strong);
    if (k && cmark_node_get_type(k) == CMARK_NODE_SOFTBREAK) {
        cmark_node *br = cmark_node_new(CMARK_NODE_LINEBREAK);
        br->start_line = k->start_line, br->start_column = k->start_column;
        cmark_node_insert_before(k, br);
        cmark_node_free(k);
    }
}

/*** MkDocs admonitions ***/

/* A quote that admonition_rewrite made of "!!! note \"Title\"" opens with its label in
 * bold, a paragraph of its own at the marker's place. Done before the walk, whose
 * iterator has already chosen each node's first child when it enters the node. */
static bool prepend_label(cmark_node *quote, const admonition_label *l) {
    cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH), *strong = cmark_node_new(CMARK_NODE_STRONG);
    cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(t, l->label);
    para->start_line = strong->start_line = t->start_line = l->line;
    para->start_column = strong->start_column = t->start_column = l->col;
    cmark_node_append_child(strong, t);
    cmark_node_append_child(para, strong);
    if (cmark_node_prepend_child(quote, para)) return true;
    cmark_node_free(para);
    return false;
}

static void admonition_labels(cmark_node *doc, const admonition_set *adm) {
    if (!adm->n) return;
    cmark_node **quotes = NULL;
    const admonition_label **labels = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *q = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(q) != CMARK_NODE_BLOCK_QUOTE) continue;
        const admonition_label *l = admonition_at(adm, cmark_node_get_start_line(q));
        if (!l || !*l->label) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            quotes = xrealloc(quotes, cap * sizeof *quotes);
            labels = xrealloc(labels, cap * sizeof *labels);
        }
        quotes[n] = q, labels[n++] = l;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) prepend_label(quotes[i], labels[i]);
    free(quotes);
    free(labels);
}

/* The outermost block between a container's marker lines, or NULL: it and its next
 * siblings up to the closing line are the container's body. */
static cmark_node *container_first(cmark_node *doc, const container_span *sp) {
    cmark_iter *it = cmark_iter_new(doc);
    cmark_node *found = NULL;
    for (cmark_event_type ev; !found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || n == doc || (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
            continue;
        cmark_node *up = cmark_node_parent(n);
        int line = cmark_node_get_start_line(n);
        if (line > sp->open && line < sp->close && (up == doc || cmark_node_get_start_line(up) <= sp->open)) found = n;
    }
    cmark_iter_free(it);
    return found;
}

/* A Docusaurus or VuePress container (container_rewrite left its marker lines blank): the
 * blocks between them in a quote that opens with the container's label in bold. */
static void wrap_container(cmark_node *doc, const container_span *sp) {
    cmark_node *first = container_first(doc, sp);
    if (!first) return;
    cmark_node *quote = cmark_node_new(CMARK_NODE_BLOCK_QUOTE);
    quote->start_line = sp->open;
    quote->start_column = sp->col;
    const admonition_label label = {sp->open, sp->col, sp->label};
    if (!cmark_node_insert_before(first, quote)) {
        /* a list item (markers crossing a list's items): no quote can stand among items, so
         * its label opens the item instead, and the item stays where it is */
        cmark_node_free(quote);
        if (*sp->label) prepend_label(first, &label);
        return;
    }
    for (cmark_node *k = first, *next; k && cmark_node_get_start_line(k) < sp->close; k = next) {
        next = cmark_node_next(k);
        if (!cmark_node_append_child(quote, k)) break;
    }
    if (*sp->label) prepend_label(quote, &label);
}

/* Pictures on lines of their own at a paragraph's end, after its text ("Here are the
 * annotators:" then the screenshot on the next line, as GitHub shows it full size): each
 * moved to a paragraph of its own after it, so the walk makes it a figure. */
static void split_trailing_pictures(cmark_node *doc) {
    cmark_node **paras = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *p = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH) continue;
        cmark_node *last = cmark_node_last_child(p), *before = last ? cmark_node_previous(last) : NULL;
        if (!last || !picture_of(last) || !before) continue;
        cmark_node_type bt = cmark_node_get_type(before);
        if (bt != CMARK_NODE_SOFTBREAK && bt != CMARK_NODE_LINEBREAK) continue;
        if (n == cap) paras = xrealloc(paras, (cap = cap ? cap * 2 : 8) * sizeof *paras);
        paras[n++] = p;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *p = paras[i];
        for (;;) {
            cmark_node *last = cmark_node_last_child(p), *before = last ? cmark_node_previous(last) : NULL;
            if (!last || !picture_of(last) || !before) break;
            cmark_node_type bt = cmark_node_get_type(before);
            if (bt != CMARK_NODE_SOFTBREAK && bt != CMARK_NODE_LINEBREAK) break;
            cmark_node *own = cmark_node_new(CMARK_NODE_PARAGRAPH);
            own->start_line = own->end_line = cmark_node_get_start_line(last);
            own->start_column = cmark_node_get_start_column(last);
            own->end_column = cmark_node_get_end_column(last);
            cmark_node_insert_after(p, own);
            cmark_node_append_child(own, last);
            cmark_node_free(before);
            /* the text before the pictures may end in spaces: its line's own */
        }
    }
    free(paras);
}

/*** heading attributes ***/

/* One word of an attribute list: "#id", ".class" or "key=value" (value bare or in double quotes). */
static bool attribute_word(const char *w, size_t n, char **id) {
    if (n >= 2 && w[0] == '#') {
        char *v = xstrndup(w + 1, n - 1);
        if (!valid_anchor_id(v) || *id) {
            free(v);
            return false;
        }
        *id = v;
        return true;
    }
    if (n >= 2 && w[0] == '.') return true;
    const char *eq = memchr(w, '=', n);
    if (!eq || eq == w) return false;
    for (const char *k = w; k < eq; k++)
        if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_') return false;
    return true;
}

/* Splits "#id .class key=value" into words (a quoted value keeps its spaces); false unless
 * every word is an attribute. A kramdown ':' may lead. */
static bool attribute_list(const char *s, size_t n, char **id) {
    size_t i = 0, words = 0;
    if (n && s[0] == ':') i++;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        if (i == n) break;
        size_t start = i;
        bool quoted = false;
        while (i < n && (quoted || s[i] != ' ')) {
            if (s[i] == '"') quoted = !quoted;
            i++;
        }
        if (quoted || !attribute_word(s + start, i - start, id)) return false;
        words++;
    }
    return words > 0;
}

/* A heading's trailing attribute list, as mdBook, pandoc and kramdown write it:
 * "## Principles {#principles}", "{#id .class key=value}", kramdown's "{: #id}". It is
 * taken out of the heading's last text; its id is kept in c->heading_anchor. Anything
 * else in braces ("{x}", "{#1 bad}") is text and stays. */
static void heading_attributes(md_ctx *c, cmark_node *heading) {
    cmark_node *last = cmark_node_last_child(heading);
    if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT) return;
    const char *lit = cmark_node_get_literal(last);
    size_t n = lit ? strlen(lit) : 0;
    while (n && (lit[n - 1] == ' ' || lit[n - 1] == '\t')) n--;
    if (n < 3 || lit[n - 1] != '}') return;
    const char *open = NULL;
    for (size_t i = n - 1; i-- > 0;)
        if (lit[i] == '{') {
            open = lit + i;
            break;
        }
    if (!open || memchr(open + 1, '}', (size_t)(lit + n - 1 - (open + 1))) ) return;
    char *id = NULL;
    if (!attribute_list(open + 1, (size_t)(lit + n - 1 - (open + 1)), &id)) {
        free(id);
        return;
    }
    size_t keep = (size_t)(open - lit);
    while (keep && (lit[keep - 1] == ' ' || lit[keep - 1] == '\t')) keep--;
    char *text = xstrndup(lit, keep);
    cmark_node_set_literal(last, text);
    free(text);
    free(c->heading_anchor);
    c->heading_anchor = id;
}

/* An attribute list right after an image, a link, emphasis or a code span, as MkDocs'
 * attr_list and kramdown write them ("![x](a.png){ width=\"300\" }", "[Go](b.md){ .md-button }",
 * "**`locale`**{ #mkdocs-locale }"), is no text: it is taken out of the text that follows,
 * so such an image alone in its paragraph is still a figure. Its id is an anchor before
 * the element, so links to it land; other attributes have no use here (a width is the
 * style's, a class the web theme's). Done before the walk, which decides on figures as it
 * enters a paragraph. */
typedef struct attr_after {
    cmark_node *element, *text;
    char *id;
} attr_after;

static void inline_attributes(cmark_node *doc) {
    attr_after *found = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *k = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(k);
        bool container = t == CMARK_NODE_IMAGE || t == CMARK_NODE_LINK || t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH;
        if (!(container && ev == CMARK_EVENT_EXIT) && !(t == CMARK_NODE_CODE && ev == CMARK_EVENT_ENTER)) continue;
        cmark_node *next = cmark_node_next(k);
        const char *lit = next && cmark_node_get_type(next) == CMARK_NODE_TEXT ? cmark_node_get_literal(next) : NULL;
        if (!lit || lit[0] != '{') continue;
        const char *close = strchr(lit, '}');
        char *id = NULL;
        bool attrs = close && attribute_list(lit + 1, (size_t)(close - lit - 1), &id);
        if (!attrs) {
            free(id);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            found = xrealloc(found, cap * sizeof *found);
        }
        found[n++] = (attr_after){k, next, id};
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *text = found[i].text;
        /* an image keeps no anchor: alone in its paragraph it must stay a figure */
        bool image = cmark_node_get_type(found[i].element) == CMARK_NODE_IMAGE;
        if (found[i].id && !image && !strpbrk(found[i].id, "\"<>&")) {
            cmark_node *a = cmark_node_new(CMARK_NODE_HTML_INLINE);
            char *tag = xasprintf("<a id=\"%s\"></a>", found[i].id);
            cmark_node_set_literal(a, tag);
            free(tag);
            a->start_line = a->end_line = text->start_line;
            a->start_column = a->end_column = text->start_column;
            cmark_node_insert_before(found[i].element, a);
        }
        free(found[i].id);
        const char *lit = cmark_node_get_literal(text);
        const char *rest = strchr(lit, '}') + 1;
        if (!*rest && !cmark_node_next(text)) {
            cmark_node_free(text);
        } else {
            char *keep = xstrdup(rest);
            cmark_node_set_literal(text, keep);
            free(keep);
        }
    }
    free(found);
}

/* The heading's id: the one its source gave it, when that is free and no writer's own;
 * else a slug of that id or of its text. The source's id is remembered for links, which
 * find it in its chapter also when another chapter took it first. */
static const char *heading_id(md_ctx *c, model_node *h, const char *plain) {
    char *want = c->heading_anchor;
    c->heading_anchor = NULL;
    if (!want) return model_unique_slug(c->book, plain);
    h->as.heading.anchor = arena_strdup(c->book->mem, want);
    const char *id = !model_id_reserved(want) && model_claim_id(c->book, want) ? h->as.heading.anchor
                                                                                 : model_unique_slug(c->book, want);
    free(want);
    return id;
}

/* Nothing a reader would see: no text but spaces and no image. */
static bool heading_blank(const model_node *h, const char *plain) {
    for (const char *s = plain; *s; s++)
        if (!isspace((unsigned char)*s)) return false;
    model_iter it;
    model_iter_init(&it, h);
    const model_node *k;
    model_event ev;
    while ((ev = model_iter_next(&it, &k)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && k->type == MODEL_IMAGE) return false;
    return true;
}

/* A heading with nothing to read (only an HTML comment, as MkDocs macros write
 * "#### <!-- md:setting x -->", or a "{#id}" alone) is left out: an empty heading
 * would be a bookmark and a contents line with no words. The anchors inside it and
 * the id it was given stay where it stood, so links to it still land. `h` is its
 * parent's last child: nothing after it has been read yet. */
static void drop_blank_heading(md_ctx *c, model_node *h) {
    model_node *parent = h->parent;
    model_node *keep = model_node_new(c->book, MODEL_PARAGRAPH, h->pos);
    keep->chapter = c->index;
    set_role(c, keep, context_role(c));
    while (h->first_child) {
        model_node *k = h->first_child;
        model_unlink(k);
        if (k->type == MODEL_ANCHOR) model_append_child(keep, k);
    }
    char *want = c->heading_anchor;
    c->heading_anchor = NULL;
    if (want) {
        model_node *a = model_node_new(c->book, MODEL_ANCHOR, h->pos);
        a->chapter = c->index;
        a->id = !model_id_reserved(want) && model_claim_id(c->book, want) ? arena_strdup(c->book->mem, want)
                                                                           : model_unique_slug(c->book, want);
        model_bind_id(c->book, a->id, a);
        model_append_child(keep, a);
    }
    diag_warning(c->d, shown(c, h->pos), h->pos.line, h->pos.col, "heading has no text; left out%s%s%s",
                 want ? " (its id '" : "", want ? want : "", want ? "' stays at its place)" : "");
    free(want);
    model_unlink(h);
    if (keep->first_child) model_append_child(parent, keep);
}

static void heading_done(md_ctx *c, model_node *h) {
    char *plain = model_plain_text(h);
    if (heading_blank(h, plain)) {
        free(plain);
        drop_blank_heading(c, h);
        return;
    }
    h->id = heading_id(c, h, plain);
    model_bind_id(c->book, h->id, h);
    if (!c->have_title && !c->in_footnote) {
        c->have_title = true;
        c->ch->title = arena_strdup(c->book->mem, plain);
        c->ch->id = h->id;
    }
    free(plain);
}

/* http(s) and protocol-relative addresses: never fetched. Other schemes stay errors. */
static bool is_remote(const char *url) {
    return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
                   strncmp(url, "//", 2) == 0);
}

/* A local address of a picture file by its name (p.png, ../img/p.JPG?raw=true): a
 * link to it from an image only opens the picture. */
static bool image_file_name(const char *url) {
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", NULL};
    if (!url || uri_has_scheme(url) || strncmp(url, "//", 2) == 0) return false;
    size_t n = strcspn(url, "?#");
    for (int i = 0; ext[i]; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strncasecmp(url + n - e, ext[i], e) == 0) return true;
    }
    return false;
}

/* A remote image: its alt text stands in, under `into`. */
static void remote_image(md_ctx *c, cmark_node *img, model_node *into) {
    model_pos p = pos_of(c, img);
    char *alt = cmtext_plain(img);
    diag_warning(c->d, shown(c, p), p.line, p.col, "remote image '%s' is not fetched; %s", cmark_node_get_url(img),
                 *alt ? "its alt text is set in its place" : "it has no alt text to set in its place");
    if (*alt) {
        model_node *t = model_node_new(c->book, MODEL_TEXT, p);
        t->chapter = c->index;
        t->text = arena_strdup(c->book->mem, alt);
        model_append_child(into, t);
    }
    free(alt);
}

/* A file name is decoded, without the query or fragment a relative URL may carry
 * ("images/x.png?raw=true", as GitHub READMEs write them, names images/x.png); a URL
 * keeps its scheme for the check. Caller frees. */
static char *image_ref(const char *url) {
    if (!url) return xstrdup("");
    if (uri_has_scheme(url)) return xstrdup(url);
    return uri_percent_decode(url, strcspn(url, "?#"));
}

/* An image inside running text (a badge, an icon, a linked picture): set inline at
 * the height of the line. */
static void inline_image(md_ctx *c, cmark_node *img) {
    const char *url = cmark_node_get_url(img);
    if (is_remote(url)) {
        remote_image(c, img, top(c));
        return;
    }
    model_node *n = add(c, MODEL_IMAGE, img);
    char *alt = cmtext_plain(img);
    n->as.figure.alt = arena_strdup(c->book->mem, alt);
    free(alt);
    char *ref = image_ref(url);
    if (!c->res->image(c->res->ctx, c->book, ref, n->pos, &n->as.figure.image, c->d)) {
        c->ok = false;
        model_unlink(n);
    } else {
        diag_warning(c->d, shown(c, n->pos), n->pos.line, n->pos.col,
                     "image '%s' inside running text is set inline, at the height of the line", ref);
    }
    free(ref);
}

static void figure(md_ctx *c, cmark_node *para, cmark_node *img) {
    if (is_remote(cmark_node_get_url(img))) {
        model_node *p = add(c, MODEL_PARAGRAPH, para);
        set_role(c, p, context_role(c));
        remote_image(c, img, p);
        if (!p->first_child) model_unlink(p);
        return;
    }
    model_node *f = add(c, MODEL_FIGURE, para);
    set_role(c, f, STYLE_CAPTION);
    char *alt = cmtext_plain(img);
    f->as.figure.alt = arena_strdup(c->book->mem, alt);
    free(alt);
    const char *title = cmark_node_get_title(img);
    f->as.figure.caption = title && *title ? arena_strdup(c->book->mem, title) : NULL;
    const char *url = cmark_node_get_url(img);
    model_pos ipos = pos_of(c, img);
    char *ref = image_ref(url);
    bool found = c->res->image(c->res->ctx, c->book, ref, ipos, &f->as.figure.image, c->d);
    free(ref);
    if (!found) {
        c->ok = false;
        return;
    }
    /* "figure-<file name>" lets a link point at a figure */
    const char *bp = f->as.figure.image.book_path;
    const char *base = strrchr(bp, '/');
    base = base ? base + 1 : bp;
    const char *dot = strrchr(base, '.');
    char *label = xasprintf("figure %.*s", (int)(dot ? (size_t)(dot - base) : strlen(base)), base);
    f->id = model_unique_slug(c->book, label);
    model_bind_id(c->book, f->id, f);
    free(label);
}

/* The schemes a link may use: each opens something a reader expects. Others
 * (javascript:, file:, data:, …) would run code or reach into the reader's machine:
 * such a link is no link, but its text is the author's, so the reader keeps it. */
static bool link_scheme_allowed(md_ctx *c, const model_node *link, const char *url) {
    static const char *const allowed[] = {"http", "https", "mailto", "tel", "ftp", NULL};
    if (!url || !uri_has_scheme(url)) return true;
    size_t n = (size_t)(strchr(url, ':') - url);
    for (int i = 0; allowed[i]; i++)
        if (strlen(allowed[i]) == n && strncasecmp(url, allowed[i], n) == 0) return true;
    diag_warning(c->d, shown(c, link->pos), link->pos.line, link->pos.col,
                 "link scheme '%.*s:' is not allowed (use http, https, mailto, tel or ftp); its text is set as "
                 "plain text",
                 (int)n, url);
    return false;
}

/* The longest link address kept, in bytes: the PDF repeats it in the annotation of every
 * line the link's text covers, so a 1 MB address on its own 13,000 lines would take
 * gigabytes. Browsers and servers refuse far shorter ones. */
#define LINK_URL_MAX 32768

/* Whether a link keeps its address: an allowed scheme, and not over LINK_URL_MAX. */
static bool link_url_allowed(md_ctx *c, const model_node *link, const char *url) {
    size_t len = url ? strlen(url) : 0;
    if (len > LINK_URL_MAX) {
        diag_warning(c->d, shown(c, link->pos), link->pos.line, link->pos.col,
                     "link address is %zu bytes long, more than %d; its text is set as plain text", len,
                     LINK_URL_MAX);
        return false;
    }
    return link_scheme_allowed(c, link, url);
}

/* mdBook's Rust code blocks: "rust" first in the info string ("rust,ignore"). */
static bool is_rust(const char *info) {
    return info && strncmp(info, "rust", 4) == 0 && (!info[4] || info[4] == ',' || info[4] == ' ');
}

/* Where the code's own first line starts: the line after a fence (whose indentation
 * its lines lose), or an indented block's first line after its four columns (cmark's
 * column for it). */
static void code_start(md_ctx *c, cmark_node *cm, model_node *n) {
    int fence_len = 0, offset = 0;
    char fence_char = 0;
    bool fenced = cmark_node_get_fenced(cm, &fence_len, &offset, &fence_char);
    int line = cmark_node_get_start_line(cm) + (fenced ? 1 : 0);
    model_pos first = authored(c, line, cmark_node_get_start_column(cm) - (fenced ? offset : 0));
    /* the lines are counted from the first only when they are one stretch of one file
     * (an included listing's own, or the chapter's) */
    const char *lit = cmark_node_get_literal(cm);
    int last = 0;
    for (const char *q = lit; q && (q = strchr(q, '\n')) != NULL && q[1]; q++) last++;
    model_pos end = authored(c, line + last, 1);
    if (end.file != first.file || end.line - first.line != last) return;
    n->as.code.first_line = first.line;
    n->as.code.first_col = first.col;
    n->as.code.lines_file = first.file != c->file ? first.file : NULL;
}

/* The lines of a Rust code block a reader sees: mdBook hides "# " lines (and a lone "#");
 * "##" shows as "#". Sets the block's text and, when lines were hidden, where each shown
 * line stands among the source's (line_at). Arena memory. */
static void rust_shown(model_book *book, model_node *n, const char *lit, size_t len) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += lit[i] == '\n';
    int *line_at = arena_alloc(book->mem, lines * sizeof *line_at);
    int shown = 0, source = 0;
    for (size_t i = 0; i < len; source++) {
        const char *nl = memchr(lit + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - lit) : len, k = i;
        while (k < end && (lit[k] == ' ' || lit[k] == '\t')) k++;
        bool hidden = k < end && lit[k] == '#' && (k + 1 == end || lit[k + 1] == ' ');
        if (!hidden) {
            if (shown) buf_putc(&b, '\n');
            line_at[shown++] = source;
            if (k + 1 < end && lit[k] == '#' && lit[k + 1] == '#') {
                buf_put(&b, lit + i, k - i);
                buf_put(&b, lit + k + 1, end - k - 1);
            } else {
                buf_put(&b, lit + i, end - i);
            }
        }
        i = end + 1;
    }
    n->text = arena_strdup(book->mem, b.data);
    buf_free(&b);
    if (shown != source) n->as.code.line_at = line_at;
}

/*** table captions: pandoc's "Table: …" or ": …" paragraph right after a table, or right before it ***/

static bool is_table(cmark_node *n) { return n && strcmp(type_str(n), "table") == 0; }

/* The length of a caption paragraph's prefix ("Table:" in any case, or ": "), or 0. */
static size_t caption_prefix(const char *s) {
    if (strncasecmp(s, "table:", 6) == 0) return 6;
    if (s[0] == ':' && (s[1] == ' ' || s[1] == '\t')) return 1;
    return 0;
}

/* Whether `n` is a paragraph written as a caption, with text after the prefix. */
static bool caption_form(cmark_node *n) {
    if (!n || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH) return false;
    cmark_node *first = cmark_node_first_child(n);
    const char *lit = first && cmark_node_get_type(first) == CMARK_NODE_TEXT ? cmark_node_get_literal(first) : NULL;
    if (!lit) return false;
    size_t k = caption_prefix(lit);
    if (!k) return false;
    char *plain = cmtext_plain(n);
    bool some = plain[k + strspn(plain + k, " \t")] != 0;
    free(plain);
    return some;
}

/* A table's caption paragraph: the one after it, else the one before it unless that one
 * is the caption of a table before. */
static cmark_node *caption_para(cmark_node *table) {
    cmark_node *next = cmark_node_next(table), *prev = cmark_node_previous(table);
    if (caption_form(next)) return next;
    if (caption_form(prev) && !(is_table(cmark_node_previous(prev)) && caption_para(cmark_node_previous(prev)) == prev))
        return prev;
    return NULL;
}

static bool is_caption_para(cmark_node *para) {
    cmark_node *prev = cmark_node_previous(para), *next = cmark_node_next(para);
    return (is_table(prev) && caption_para(prev) == para) || (is_table(next) && caption_para(next) == para);
}

/* The caption text, plain, without its prefix; in the arena, or NULL. */
static const char *table_caption(md_ctx *c, cmark_node *table) {
    cmark_node *para = caption_para(table);
    if (!para) return NULL;
    smarten_block(c, para);
    char *plain = cmtext_plain(para);
    char *s = plain + caption_prefix(plain);
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    s[n] = 0;
    const char *out = arena_strdup(c->book->mem, s);
    free(plain);
    return out;
}

static void enter(md_ctx *c, cmark_node *cm, cmark_iter *it) {
    model_book *book = c->book;
    cmark_node_type t = cmark_node_get_type(cm);
    const char *ts = type_str(cm);
    model_node *n = NULL;
    switch (t) {
    case CMARK_NODE_DOCUMENT:
        return;
    case CMARK_NODE_PARAGRAPH: {
        if (is_caption_para(cm)) { /* the table's, read with it */
            skip_subtree(it, cm);
            return;
        }
        smarten_block(c, cm);
        cmark_node *img = lone_image(cm);
        if (img) {
            figure(c, cm, img);
            skip_subtree(it, cm);
            return;
        }
        if (image_lines(cm)) {
            for (cmark_node *k = cmark_node_first_child(cm); k; k = cmark_node_next(k))
                if (picture_of(k)) figure(c, cm, picture_of(k));
            skip_subtree(it, cm);
            return;
        }
        if (is_attribution(cm)) {
            model_node *q = top(c);
            q->as.quote.pull = true;
            n = add(c, MODEL_ATTRIBUTION, cm);
            set_role(c, n, STYLE_ATTRIBUTION);
            push(c, cm, n);
            /* the dash and the spaces after it go */
            cmark_node *first = cmark_node_first_child(cm);
            const char *lit = cmark_node_get_literal(first);
            const char *rest = lit + dash_prefix(lit);
            if (*rest) {
                model_node *tx = add(c, MODEL_TEXT, first);
                tx->text = arena_strdup(book->mem, rest);
                tx->pos.col += source_dash_len(c, tx->pos);
            }
            /* continue the walk after the first text node */
            cmark_iter_reset(it, first, CMARK_EVENT_ENTER);
            return;
        }
        n = add(c, MODEL_PARAGRAPH, cm);
        set_role(c, n, context_role(c));
        push(c, cm, n);
        c->open_a = c->open_span = 0;
        return;
    }
    case CMARK_NODE_HEADING: {
        heading_attributes(c, cm);
        smarten_block(c, cm);
        n = add(c, MODEL_HEADING, cm);
        int level = cmark_node_get_heading_level(cm) + c->ch->depth;
        if (level > 6) level = 6;
        n->as.heading.level = level;
        set_role(c, n, level == 1 ? STYLE_H1 : level == 2 ? STYLE_H2 : STYLE_H3);
        push(c, cm, n);
        return;
    }
    case CMARK_NODE_BLOCK_QUOTE:
        if (!nest(c, cm, it)) return;
        github_alert(cm);
        n = add(c, MODEL_QUOTE, cm);
        set_role(c, n, STYLE_QUOTE);
        push(c, cm, n);
        return;
    case CMARK_NODE_LIST:
        if (!nest(c, cm, it)) return;
        n = add(c, MODEL_LIST, cm);
        n->as.list.ordered = cmark_node_get_list_type(cm) == CMARK_ORDERED_LIST;
        n->as.list.start = n->as.list.ordered ? cmark_node_get_list_start(cm) : 0;
        n->as.list.tight = cmark_node_get_list_tight(cm) != 0;
        set_role(c, n, STYLE_LIST);
        push(c, cm, n);
        return;
    case CMARK_NODE_ITEM: {
        model_node *list = top(c);
        n = add(c, MODEL_ITEM, cm);
        if (list->as.list.ordered) { /* one more than the item before (counting them all was
                                          * quadratic: 50,000 items took minutes) */
            if (n->prev && n->prev->type == MODEL_ITEM) {
                n->as.item.number = n->prev->as.item.number + 1;
            } else {
                int index = 0;
                for (model_node *k = list->first_child; k != n; k = k->next) index++;
                n->as.item.number = list->as.list.start + index;
            }
        }
        set_role(c, n, STYLE_LIST);
        push(c, cm, n);
        return;
    }
    case CMARK_NODE_CODE_BLOCK: {
        n = add(c, MODEL_CODE_BLOCK, cm);
        const char *lit = cmark_node_get_literal(cm);
        size_t len = lit ? strlen(lit) : 0;
        if (len && lit[len - 1] == '\n') len--; /* the fence's own line end */
        const char *info = cmark_node_get_fence_info(cm);
        if (c->ch->rust_hidden && is_rust(info))
            rust_shown(book, n, lit ? lit : "", len);
        else
            n->text = arena_strndup(book->mem, lit ? lit : "", len);
        if (!check_decoded(c, cm, info, NULL, "the code block's info string")) info = NULL;
        n->as.code.info = info && *info ? arena_strdup(book->mem, info) : NULL;
        code_start(c, cm, n);
        set_role(c, n, STYLE_CODE);
        remember_literal_lines(c, cm);
        return;
    }
    case CMARK_NODE_HTML_BLOCK:
        /* html_rewrite put what it holds after it, as Markdown nodes */
        remember_literal_lines(c, cm);
        return;
    case CMARK_NODE_THEMATIC_BREAK:
        n = add(c, MODEL_RULE, cm);
        set_role(c, n, STYLE_BODY);
        return;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        /* converted after the main flow, in number order */
        skip_subtree(it, cm);
        return;
    case CMARK_NODE_TEXT: {
        const char *lit = cmark_node_get_literal(cm);
        add_text(c, cm, lit ? lit : "");
        return;
    }
    case CMARK_NODE_SOFTBREAK:
        add(c, MODEL_SOFT_BREAK, cm);
        return;
    case CMARK_NODE_LINEBREAK:
        add(c, MODEL_LINE_BREAK, cm);
        return;
    case CMARK_NODE_CODE:
        n = add(c, MODEL_CODE, cm);
        n->text = arena_strdup(book->mem, cmark_node_get_literal(cm) ? cmark_node_get_literal(cm) : "");
        return;
    case CMARK_NODE_HTML_INLINE:
        inline_html(c, cm);
        return;
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
        if (!nest(c, cm, it)) return;
        n = add(c, t == CMARK_NODE_EMPH ? MODEL_EMPH : MODEL_STRONG, cm);
        push(c, cm, n);
        return;
    case CMARK_NODE_LINK: {
        if (!nest(c, cm, it)) return;
        n = add(c, MODEL_LINK, cm);
        const char *url = cmark_node_get_url(cm);
        const char *title = cmark_node_get_title(cm);
        /* no address: unwrapped when it closes, its text kept */
        n->as.link.url = link_url_allowed(c, n, url) ? arena_strdup(book->mem, url ? url : "") : NULL;
        n->as.link.title = title && *title ? arena_strdup(book->mem, title) : NULL;
        push(c, cm, n);
        return;
    }
    case CMARK_NODE_IMAGE:
        inline_image(c, cm);
        skip_subtree(it, cm);
        return;
    case CMARK_NODE_CUSTOM_INLINE: {
        const char *tag = cmark_node_get_on_enter(cm);
        if (tag && strcmp(tag, "code") == 0) {
            char *plain = cmtext_plain(cm);
            n = add(c, MODEL_CODE, cm);
            n->text = arena_strdup(book->mem, plain);
            free(plain);
            skip_subtree(it, cm);
            return;
        }
        if (!nest(c, cm, it)) return;
        model_type mt = tag && strcmp(tag, "sup") == 0   ? MODEL_SUPERSCRIPT
                        : tag && strcmp(tag, "sub") == 0 ? MODEL_SUBSCRIPT
                                                         : MODEL_KEYS;
        n = add(c, mt, cm);
        push(c, cm, n);
        return;
    }
    case CMARK_NODE_FOOTNOTE_REFERENCE:
        note_ref(c, cm);
        return;
    default:
        break;
    }
    /* the GFM extensions' node types */
    if (strcmp(ts, "table") == 0) {
        n = add(c, MODEL_TABLE, cm);
        n->as.table.columns = cmark_gfm_extensions_get_table_columns(cm);
        n->as.table.caption = table_caption(c, cm);
        set_role(c, n, STYLE_TABLE);
        push(c, cm, n);
    } else if (strcmp(ts, "table_header") == 0 || strcmp(ts, "table_row") == 0) {
        n = add(c, MODEL_TABLE_ROW, cm);
        n->as.row.header = strcmp(ts, "table_header") == 0;
        set_role(c, n, STYLE_TABLE);
        push(c, cm, n);
    } else if (strcmp(ts, "table_cell") == 0) {
        smarten_block(c, cm);
        model_node *row = top(c);
        model_node *table = row->parent;
        n = add(c, MODEL_TABLE_CELL, cm);
        int index = 0;
        for (model_node *k = row->first_child; k != n; k = k->next) index++;
        uint8_t *al = cmark_gfm_extensions_get_table_alignments(cmark_node_parent(cmark_node_parent(cm)));
        if (al && table && index < table->as.table.columns) {
            switch (al[index]) {
            case 'l': n->as.cell.align = MODEL_ALIGN_LEFT; break;
            case 'c': n->as.cell.align = MODEL_ALIGN_CENTER; break;
            case 'r': n->as.cell.align = MODEL_ALIGN_RIGHT; break;
            default: n->as.cell.align = MODEL_ALIGN_NONE; break;
            }
        }
        set_role(c, n, STYLE_TABLE);
        push(c, cm, n);
    } else if (strcmp(ts, "strikethrough") == 0) {
        if (!nest(c, cm, it)) return;
        n = add(c, MODEL_STRIKE, cm);
        push(c, cm, n);
    } else {
        /* nothing else is produced with the extensions quire attaches */
        skip_subtree(it, cm);
    }
}

static void leave(md_ctx *c, cmark_node *cm) {
    if (c->depth <= 1 || c->stack[c->depth - 1].cm != cm) return;
    model_node *n = c->stack[--c->depth].m;
    switch (n->type) {
    case MODEL_HEADING: heading_done(c, n); break;
    case MODEL_QUOTE:
    case MODEL_LIST:
    case MODEL_EMPH:
    case MODEL_STRONG:
    case MODEL_STRIKE:
    case MODEL_SUPERSCRIPT:
    case MODEL_SUBSCRIPT:
    case MODEL_KEYS: c->nesting--; break;
    case MODEL_LINK:
        c->nesting--;
        if (!n->as.link.url) model_unwrap(n);
        break;
    default: break;
    }
}

/* Walks `root`'s subtree (root itself excluded) under the model node `into`. */
static void walk(md_ctx *c, cmark_node *root, model_node *into) {
    size_t base = c->depth;
    push(c, root, into);
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cm = cmark_iter_get_node(it);
        if (cm == root) continue;
        if (ev == CMARK_EVENT_ENTER) enter(c, cm, it);
        else if (ev == CMARK_EVENT_EXIT) leave(c, cm);
    }
    cmark_iter_free(it);
    c->depth = base;
}

/* The most combining marks one character may carry: no script stacks more than a few,
 * and shaping a run of them takes time that grows with the square of its length (100,000
 * on one letter took minutes). */
#define MAX_MARKS_IN_A_ROW 200

/* Refuses a run of more than MAX_MARKS_IN_A_ROW combining marks in the text under `root`,
 * counted across the nodes a paragraph is made of (character references and markup that
 * shows nothing may split a run; the shaper sees it whole). */
static void check_marks(md_ctx *c, const model_node *root) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    long run = 0;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (ev != MODEL_EVENT_ENTER || !n->text) continue;
        for (const char *p = n->text; *p; p = g_utf8_next_char(p)) {
            if (!g_unichar_ismark(g_utf8_get_char(p))) {
                run = 0;
                continue;
            }
            if (++run != MAX_MARKS_IN_A_ROW + 1) continue;
            diag_error(c->d, shown(c, n->pos), n->pos.line, n->pos.col,
                       "more than %d combining marks in a row on one character", MAX_MARKS_IN_A_ROW);
            c->ok = false;
        }
    }
}

/* Definitions nobody refers to vanish inside cmark: find their lines in the source. */
static void warn_unreferenced(md_ctx *c) {
    const char *p = c->src, *end = c->src + c->len;
    for (int line = 1; p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        bool literal = false;
        for (size_t i = 0; i < c->n_literal; i++)
            if (line >= c->literal_lines[i].first && line <= c->literal_lines[i].last) literal = true;
        const char *s = p;
        int indent = 0;
        while (s < eol && *s == ' ' && indent < 4) s++, indent++;
        if (!literal && indent < 4 && eol - s > 4 && s[0] == '[' && s[1] == '^') {
            const char *close = memchr(s, ']', (size_t)(eol - s));
            if (close && close + 1 < eol && close[1] == ':' && close > s + 2) {
                size_t n = (size_t)(close - s - 2);
                bool used = false;
                for (size_t i = 0; i < c->n_notes && !used; i++) {
                    cmark_chunk *label = &c->notes[i].def->as.literal;
                    if ((size_t)label->len == n && strncasecmp((const char *)label->data, s + 2, n) == 0) used = true;
                }
                model_pos at = authored(c, line, (int)(s - p) + 1);
                if (!used)
                    diag_warning(c->d, shown(c, at), at.line, at.col, "footnote '[^%.*s]' is never referenced", (int)n,
                                 s + 2);
            }
        }
        p = eol + 1;
    }
}

bool markdown_parse_chapter(model_book *book, model_chapter *ch, int index, const char *src, size_t len,
                            const markdown_resolver *res, diag *d) {
    return markdown_parse_included(book, ch, index, src, len, NULL, res, d);
}

bool markdown_parse_included(model_book *book, model_chapter *ch, int index, const char *src, size_t len,
                             const srcmap *map, const markdown_resolver *res, diag *d) {
    cmark_gfm_core_extensions_ensure_registered();
    /* no CMARK_OPT_SMART: smarten_block does it, in linear time */
    int opts = CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES;
    cmark_parser *parser = cmark_parser_new(opts);
    static const char *const exts[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e) cmark_parser_attach_syntax_extension(parser, e);
    }
    container_set boxes = {0};
    size_t boxed_len = 0;
    char *boxed = container_rewrite(src, len, &boxed_len, &boxes);
    if (boxed) src = boxed, len = boxed_len;
    admonition_set adm = {0};
    size_t rewritten_len = 0;
    char *rewritten = admonition_rewrite(src, len, &rewritten_len, &adm);
    if (rewritten) src = rewritten, len = rewritten_len;
    cmark_parser_feed(parser, src, len);
    cmark_node *doc = cmark_parser_finish(parser);
    char *where = model_display_path(book, ch->file);
    html_rewrite(doc, src, len, where, map, d);
    admonition_labels(doc, &adm);
    for (size_t i = 0; i < boxes.n; i++) wrap_container(doc, &boxes.spans[i]);
    split_trailing_pictures(doc);
    inline_attributes(doc);

    md_ctx c = {0};
    c.book = book;
    c.res = res;
    c.ch = ch;
    c.index = index;
    c.d = d;
    c.file = ch->file;
    c.where = where;
    c.map = map;
    c.src = src;
    c.len = len;
    c.ok = true;
    size_t lines = 1;
    for (const char *q = src; len && (q = memchr(q, '\n', (size_t)(src + len - q))) != NULL; q++) lines++;
    c.line_starts = xmalloc(lines * sizeof *c.line_starts);
    c.line_starts[0] = 0;
    c.n_lines = 1;
    for (const char *q = src; len && (q = memchr(q, '\n', (size_t)(src + len - q))) != NULL; q++)
        c.line_starts[c.n_lines++] = (size_t)(q + 1 - src);

    model_node *root = model_node_new(book, MODEL_CHAPTER, (model_pos){ch->file, 1, 1});
    root->chapter = index;
    root->role = STYLE_BODY;
    root->style = book->style ? &book->style->roles[STYLE_BODY] : NULL;
    ch->root = root;
    walk(&c, doc, root);

    /* footnote text, in number order; a note may refer to further notes */
    c.in_footnote = true;
    for (size_t i = 0; i < c.n_notes; i++) {
        if (c.notes[i].converted) continue;
        c.notes[i].converted = true;
        c.nesting = 0;
        walk(&c, c.notes[i].def, c.notes[i].note);
    }
    c.in_footnote = false;
    warn_unreferenced(&c);
    check_marks(&c, root);
    for (size_t i = 0; i < c.n_notes; i++) check_marks(&c, c.notes[i].note);

    if (!c.have_title) {
        /* no heading: a title the loader gave (an mdBook SUMMARY entry's), else the file name */
        const char *base = strrchr(ch->file, '/');
        base = base ? base + 1 : ch->file;
        const char *dot = strrchr(base, '.');
        if (!ch->title)
            ch->title = arena_strndup(book->mem, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
        ch->id = model_unique_slug(book, ch->title);
        model_bind_id(book, ch->id, root);
    }

    free(c.where);
    free(c.stack);
    free(c.notes);
    free(c.heading_anchor);
    free(c.literal_lines);
    free(c.line_starts);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    admonition_set_free(&adm);
    free(rewritten);
    container_set_free(&boxes);
    free(boxed);
    return c.ok;
}
