/* model: the document tree (arena nodes), its id table, iterator and plain-text functions. */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/*** the id table: open addressing, keys and slots in the book's arena ***/

typedef struct id_slot {
    const char *id;
    const model_node *node;
    int next_suffix;   /* as a slug base: the next "-N" to try (0: none tried yet) */
} id_slot;

struct model_ids {
    id_slot *slots;
    size_t cap, count;   /* cap is a power of two */
};

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static id_slot *ids_lookup(const struct model_ids *t, const char *id) {
    if (!t || !t->cap) return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = hash_str(id) & mask;; i = (i + 1) & mask) {
        id_slot *s = &t->slots[i];
        if (!s->id) return s;
        if (strcmp(s->id, id) == 0) return s;
    }
}

static void ids_grow(model_book *book) {
    struct model_ids *t = book->ids;
    size_t cap = t->cap ? t->cap * 2 : 256;
    id_slot *old = t->slots;
    size_t old_cap = t->cap;
    /* The old array stays in the arena until the book is freed: growth is geometric, so at most 2x. */
    t->slots = arena_alloc(book->mem, cap * sizeof *t->slots);
    t->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].id) continue;
        *ids_lookup(t, old[i].id) = old[i];
    }
}

/* The slot for `id`, created (node NULL) when new; *fresh tells which. */
static id_slot *ids_insert(model_book *book, const char *id, bool *fresh) {
    if (!book->ids) book->ids = arena_alloc(book->mem, sizeof *book->ids);
    struct model_ids *t = book->ids;
    if ((t->count + 1) * 4 > t->cap * 3) ids_grow(book);
    id_slot *s = ids_lookup(t, id);
    *fresh = s->id == NULL;
    if (*fresh) {
        s->id = arena_strdup(book->mem, id);
        t->count++;
    }
    return s;
}

static bool all_digits(const char *p, const char *end) {
    if (p >= end) return false;
    for (; p < end; p++)
        if (*p < '0' || *p > '9') return false;
    return true;
}

/* Ids the writers make: footnotes, handed out after every chapter is read ("fn-N",
 * "fnref-N", "fnref-N-M"), and the EPUB's print page markers ("page-N"). */
static bool is_reserved_id(const char *id) {
    const char *end = id + strlen(id);
    if (strncmp(id, "fn-", 3) == 0) return all_digits(id + 3, end);
    if (strncmp(id, "page-", 5) == 0) return all_digits(id + 5, end);
    if (strncmp(id, "fnref-", 6) != 0) return false;
    const char *p = id + 6, *dash = strchr(p, '-');
    if (!dash) return all_digits(p, end);
    return all_digits(p, dash) && all_digits(dash + 1, end);
}

bool model_claim_id(model_book *book, const char *id) {
    bool fresh;
    ids_insert(book, id, &fresh);
    return fresh;
}

bool model_id_reserved(const char *id) { return is_reserved_id(id); }

void model_bind_id(model_book *book, const char *id, const model_node *node) {
    bool fresh;
    id_slot *s = ids_insert(book, id, &fresh);
    s->node = node;
}

const model_node *model_find_id(const model_book *book, const char *id) {
    if (!id) return NULL;
    id_slot *s = ids_lookup(book->ids, id);
    return s && s->id ? s->node : NULL;
}

/* The table's own copy of a key (arena memory). */
static const char *find_key(const model_book *book, const char *id) {
    id_slot *s = ids_lookup(book->ids, id);
    return s && s->id ? s->id : NULL;
}

/* Latin-1 letters folded to ASCII so "Café" gives "cafe", not "caf". */
static const char *fold_latin1(unsigned cp) {
    static const char *const tab[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
    };
    if (cp >= 0xC0 && cp <= 0xFF) return tab[cp - 0xC0];
    return NULL;
}

/* The longest slug: the print edition repeats a heading's id in the link of every line of
 * its contents entry, so the id of a 100 KB heading on 1,600 lines would take 160 MB. A
 * link may still name the heading by its GitHub slug, which is not cut. */
#define SLUG_MAX 200

static char *slug_base(const char *text) {
    buf b;
    buf_init(&b);
    bool dash = false;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        const char *piece = NULL;
        char one[2] = {0, 0};
        if (*p < 0x80) {
            unsigned char c = *p++;
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) one[0] = (char)c, piece = one;
        } else {
            unsigned cp = 0;
            size_t len = 1;
            if ((*p & 0xE0) == 0xC0 && p[1]) cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F), len = 2;
            else if ((*p & 0xF0) == 0xE0) len = 3;
            else if ((*p & 0xF8) == 0xF0) len = 4;
            for (size_t k = 0; k < len && *p; k++) p++;
            piece = fold_latin1(cp);
        }
        if (piece) {
            /* no leading digit: a slug starts at the first letter */
            if (b.len == 0 && piece[0] >= '0' && piece[0] <= '9') continue;
            if (dash && b.len) buf_putc(&b, '-');
            dash = false;
            buf_puts(&b, piece);
        } else {
            dash = true;
        }
        if (b.len >= SLUG_MAX) break;
    }
    if (b.len > SLUG_MAX) b.len = SLUG_MAX, b.data[b.len] = 0;
    while (b.len > 0 && b.data[b.len - 1] == '-') b.data[--b.len] = 0;
    if (b.len == 0) buf_puts(&b, "section");
    return buf_detach(&b, NULL);
}

const char *model_unique_slug(model_book *book, const char *text) {
    char *base = slug_base(text);
    /* A reserved slug ("page-2"), or one whose repeats "-2", "-3"… would be ("fn", "page",
     * "fnref-1"), gets a prefix. */
    char *repeat = xasprintf("%s-2", base);
    bool clash = is_reserved_id(base) || is_reserved_id(repeat);
    free(repeat);
    if (clash) {
        char *prefixed = xasprintf("s-%s", base);
        free(base);
        base = prefixed;
    }
    const char *out = NULL;
    if (model_claim_id(book, base)) {
        out = find_key(book, base);
    } else {
        /* The base's own slot remembers where the search for a free "-N" stopped, so
         * a thousand equal headings cost a thousand probes, not half a million. */
        bool fresh;
        int n = ids_insert(book, base, &fresh)->next_suffix;
        if (n < 2) n = 2;
        buf cand;
        buf_init(&cand);
        for (; !out; n++) {
            cand.len = 0;
            buf_printf(&cand, "%s-%d", base, n);
            if (!is_reserved_id(cand.data) && model_claim_id(book, cand.data)) out = find_key(book, cand.data);
        }
        buf_free(&cand);
        /* looked up again: claiming may have grown (moved) the table */
        ids_insert(book, base, &fresh)->next_suffix = n;
    }
    free(base);
    return out;
}

/*** the book ***/

model_book *model_book_new(void) {
    model_book *book = xcalloc(1, sizeof *book);
    book->mem = arena_new();
    return book;
}

void model_book_free(model_book *book) {
    if (!book) return;
    style_free(book->style);
    arena_free(book->mem);  /* the id table lives in it too */
    free(book);
}

/*** building ***/

model_node *model_node_new(model_book *book, model_type type, model_pos pos) {
    model_node *n = arena_alloc(book->mem, sizeof *n);
    n->type = type;
    n->pos = pos;
    n->role = STYLE_BODY;
    n->chapter = -1;
    return n;
}

void model_append_child(model_node *parent, model_node *child) {
    model_unlink(child);
    child->parent = parent;
    child->prev = parent->last_child;
    if (parent->last_child) parent->last_child->next = child;
    else parent->first_child = child;
    parent->last_child = child;
}

void model_unlink(model_node *node) {
    if (node->prev) node->prev->next = node->next;
    else if (node->parent) node->parent->first_child = node->next;
    if (node->next) node->next->prev = node->prev;
    else if (node->parent) node->parent->last_child = node->prev;
    node->parent = node->prev = node->next = NULL;
}

void model_prepend_child(model_node *parent, model_node *child) {
    child->parent = parent;
    child->prev = NULL;
    child->next = parent->first_child;
    if (parent->first_child) parent->first_child->prev = child;
    else parent->last_child = child;
    parent->first_child = child;
}

void model_unwrap(model_node *node) {
    model_node *parent = node->parent;
    for (model_node *k = node->first_child; k; k = k->next) k->parent = parent;
    if (node->first_child) {
        node->first_child->prev = node->prev;
        node->last_child->next = node->next;
        if (node->prev) node->prev->next = node->first_child;
        else if (parent) parent->first_child = node->first_child;
        if (node->next) node->next->prev = node->last_child;
        else if (parent) parent->last_child = node->last_child;
        node->parent = node->prev = node->next = NULL;
    } else {
        model_unlink(node);
    }
    node->first_child = node->last_child = NULL;
}

/*** reading ***/

static const char *const type_names[MODEL_TYPE_COUNT] = {
    [MODEL_NONE] = "none",
    [MODEL_CHAPTER] = "chapter",
    [MODEL_HEADING] = "heading",
    [MODEL_PARAGRAPH] = "paragraph",
    [MODEL_QUOTE] = "quote",
    [MODEL_ATTRIBUTION] = "attribution",
    [MODEL_LIST] = "list",
    [MODEL_ITEM] = "item",
    [MODEL_TABLE] = "table",
    [MODEL_TABLE_ROW] = "table_row",
    [MODEL_TABLE_CELL] = "table_cell",
    [MODEL_FIGURE] = "figure",
    [MODEL_CODE_BLOCK] = "code_block",
    [MODEL_RULE] = "rule",
    [MODEL_FOOTNOTE] = "footnote",
    [MODEL_TEXT] = "text",
    [MODEL_EMPH] = "emph",
    [MODEL_STRONG] = "strong",
    [MODEL_STRIKE] = "strike",
    [MODEL_CODE] = "code",
    [MODEL_LINK] = "link",
    [MODEL_NOTE_REF] = "note_ref",
    [MODEL_ANCHOR] = "anchor",
    [MODEL_SOFT_BREAK] = "soft_break",
    [MODEL_LINE_BREAK] = "line_break",
    [MODEL_IMAGE] = "image",
    [MODEL_SUPERSCRIPT] = "superscript",
    [MODEL_SUBSCRIPT] = "subscript",
    [MODEL_KEYS] = "keys",
};

const char *model_type_name(model_type t) {
    if ((int)t < 0 || t >= MODEL_TYPE_COUNT) return "unknown";
    return type_names[t];
}

bool model_is_block(model_type t) { return t >= MODEL_CHAPTER && t <= MODEL_FOOTNOTE; }

/* Whether inlines from `n` on show anything: an anchor, a line break or a text of spaces alone does not. */
static bool inlines_show(const model_node *n) {
    for (; n; n = n->next) {
        switch (n->type) {
        case MODEL_ANCHOR:
        case MODEL_SOFT_BREAK:
        case MODEL_LINE_BREAK: break;
        case MODEL_TEXT:
            if (n->text && n->text[strspn(n->text, " \t\n")]) return true;
            break;
        case MODEL_EMPH:
        case MODEL_STRONG:
        case MODEL_STRIKE:
        case MODEL_SUPERSCRIPT:
        case MODEL_SUBSCRIPT:
        case MODEL_LINK:
            if (inlines_show(n->first_child)) return true;
            break;
        default: return true;
        }
    }
    return false;
}

bool model_cell_is_header(const model_node *cell) {
    return cell && cell->parent && cell->parent->type == MODEL_TABLE_ROW && cell->parent->as.row.header &&
           inlines_show(cell->first_child);
}

bool model_is_leaf(model_type t) {
    switch (t) {
    case MODEL_FIGURE:
    case MODEL_CODE_BLOCK:
    case MODEL_RULE:
    case MODEL_TEXT:
    case MODEL_CODE:
    case MODEL_NOTE_REF:
    case MODEL_ANCHOR:
    case MODEL_SOFT_BREAK:
    case MODEL_LINE_BREAK:
    case MODEL_IMAGE:
    case MODEL_NONE:
        return true;
    default:
        return false;
    }
}

char *model_plain_text(const model_node *node) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    if (!node) return buf_detach(&b, NULL);
    model_iter it;
    model_iter_init(&it, node);
    const model_node *n;
    model_event ev;
    bool gap = false;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (ev != MODEL_EVENT_ENTER) continue;
        /* blocks are separated by one space */
        if (model_is_block(n->type) && n != node) gap = true;
        const char *piece = NULL;
        switch (n->type) {
        case MODEL_TEXT:
        case MODEL_CODE:
        case MODEL_CODE_BLOCK:
            piece = n->text;
            break;
        case MODEL_SOFT_BREAK:
        case MODEL_LINE_BREAK:
            piece = " ";
            break;
        default:  /* note refs, anchors, figures: no text */
            break;
        }
        if (piece && *piece) {
            if (gap && b.len && b.data[b.len - 1] != ' ') buf_putc(&b, ' ');
            gap = false;
            buf_puts(&b, piece);
        }
    }
    return buf_detach(&b, NULL);
}

void model_iter_init(model_iter *it, const model_node *root) {
    it->root = root;
    it->cur = NULL;
    it->ev = MODEL_EVENT_NONE;
}

model_event model_iter_next(model_iter *it, const model_node **node) {
    const model_node *cur = it->cur;
    if (!cur) {
        /* not started (ev NONE) or finished (ev EXIT with no current node) */
        if (it->ev != MODEL_EVENT_NONE || !it->root) {
            *node = NULL;
            return MODEL_EVENT_NONE;
        }
        it->cur = it->root;
        it->ev = MODEL_EVENT_ENTER;
    } else if (it->ev == MODEL_EVENT_ENTER && !model_is_leaf(cur->type)) {
        if (cur->first_child) it->cur = cur->first_child, it->ev = MODEL_EVENT_ENTER;
        else it->ev = MODEL_EVENT_EXIT;
    } else if (cur == it->root) {
        it->cur = NULL;
        it->ev = MODEL_EVENT_EXIT;
        *node = NULL;
        return MODEL_EVENT_NONE;
    } else if (cur->next) {
        it->cur = cur->next, it->ev = MODEL_EVENT_ENTER;
    } else {
        it->cur = cur->parent, it->ev = MODEL_EVENT_EXIT;
    }
    *node = it->cur;
    return it->ev;
}

char *model_display_path(const model_book *book, const char *rel) {
    if (!rel) return NULL;
    /* a file outside the book folder is named by its own path */
    if (!book->manifest || rel[0] == '/') return xstrdup(rel);
    const char *slash = strrchr(book->manifest, '/');
    if (!slash) return xstrdup(rel);
    return xasprintf("%.*s/%s", (int)(slash - book->manifest), book->manifest, rel);
}

/*** page breaks of the print edition ***/

void model_page_map_free(model_page_map *m) {
    if (!m) return;
    free(m->pages);
    free(m->source);
    memset(m, 0, sizeof *m);
}

bool model_word_space(const char *s, int *len) {
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || (c < 0x20 && c != 0)) {
        *len = 1;
        return true;
    }
    if (c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xA8) {
        *len = 3;
        return true;
    }
    *len = 1;
    return false;
}
