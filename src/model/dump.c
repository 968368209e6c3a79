/* dump: a model_book into JSON on a stream (stable key order, for `quire dump` and golden tests). */
#include "model/dump.h"

#include <string.h>

static void put_str(buf *b, const char *s) {
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '\b': buf_puts(b, "\\b"); break;
        case '\f': buf_puts(b, "\\f"); break;
        default:
            if (*p < 0x20) buf_printf(b, "\\u%04x", *p);
            else buf_putc(b, (char)*p); /* UTF-8 is kept as it is */
        }
    }
    buf_putc(b, '"');
}

static void indent(buf *b, int depth) {
    buf_putc(b, '\n');
    for (int i = 0; i < depth; i++) buf_puts(b, "  ");
}

/* `"key": ` on a fresh line; the first key of an object has no comma before it. */
static void key(buf *b, int depth, bool *first, const char *k) {
    if (!*first) buf_putc(b, ',');
    *first = false;
    indent(b, depth);
    put_str(b, k);
    buf_puts(b, ": ");
}

static void kv_str(buf *b, int depth, bool *first, const char *k, const char *v) {
    key(b, depth, first, k);
    put_str(b, v);
}

static void kv_int(buf *b, int depth, bool *first, const char *k, long long v) {
    key(b, depth, first, k);
    buf_printf(b, "%lld", v);
}

static void kv_num(buf *b, int depth, bool *first, const char *k, double v) {
    key(b, depth, first, k);
    buf_printf(b, "%.6g", v);
}

static void kv_bool(buf *b, int depth, bool *first, const char *k, bool v) {
    key(b, depth, first, k);
    buf_puts(b, v ? "true" : "false");
}

static void image_obj(buf *b, int depth, const model_image *im) {
    bool first = true;
    buf_putc(b, '{');
    kv_str(b, depth + 1, &first, "src", im->book_path);
    kv_str(b, depth + 1, &first, "media_type", im->media_type);
    kv_num(b, depth + 1, &first, "width", im->width);
    kv_num(b, depth + 1, &first, "height", im->height);
    indent(b, depth);
    buf_putc(b, '}');
}

static const char *target_id(const model_book *book, const model_node *t) {
    if (!t) return NULL;
    if (t->id) return t->id;
    if (t->type == MODEL_CHAPTER && t->chapter >= 0 && (size_t)t->chapter < book->n_chapters)
        return book->chapters[t->chapter].id;
    return NULL;
}

static const char *align_name(model_align a) {
    switch (a) {
    case MODEL_ALIGN_LEFT: return "left";
    case MODEL_ALIGN_CENTER: return "center";
    case MODEL_ALIGN_RIGHT: return "right";
    default: return "none";
    }
}

/* The node's own fields (no children), after the opening brace. */
static void node_fields(buf *b, const model_book *book, const model_node *n, int depth) {
    bool first = true;
    kv_str(b, depth, &first, "type", model_type_name(n->type));
    if (n->id) kv_str(b, depth, &first, "id", n->id);
    if (model_is_block(n->type)) kv_str(b, depth, &first, "role", style_role_name(n->role));
    key(b, depth, &first, "pos");
    buf_printf(b, "\"%s:%d:%d\"", n->pos.file ? n->pos.file : "", n->pos.line, n->pos.col);
    switch (n->type) {
    case MODEL_HEADING: kv_int(b, depth, &first, "level", n->as.heading.level); break;
    case MODEL_QUOTE: kv_bool(b, depth, &first, "pull", n->as.quote.pull); break;
    case MODEL_LIST:
        kv_bool(b, depth, &first, "ordered", n->as.list.ordered);
        if (n->as.list.ordered) kv_int(b, depth, &first, "start", n->as.list.start);
        kv_bool(b, depth, &first, "tight", n->as.list.tight);
        break;
    case MODEL_ITEM:
        if (n->parent && n->parent->as.list.ordered) kv_int(b, depth, &first, "number", n->as.item.number);
        break;
    case MODEL_TABLE:
        kv_int(b, depth, &first, "columns", n->as.table.columns);
        kv_str(b, depth, &first, "caption", n->as.table.caption);
        break;
    case MODEL_TABLE_ROW: kv_bool(b, depth, &first, "header", n->as.row.header); break;
    case MODEL_TABLE_CELL: kv_str(b, depth, &first, "align", align_name(n->as.cell.align)); break;
    case MODEL_LINK:
        kv_str(b, depth, &first, "url", n->as.link.url);
        if (n->as.link.title) kv_str(b, depth, &first, "title", n->as.link.title);
        if (n->as.link.target) kv_str(b, depth, &first, "target", target_id(book, n->as.link.target));
        break;
    case MODEL_NOTE_REF:
        kv_int(b, depth, &first, "number", n->as.note_ref.number);
        kv_str(b, depth, &first, "note", n->as.note_ref.note ? n->as.note_ref.note->id : NULL);
        break;
    case MODEL_FOOTNOTE:
        kv_int(b, depth, &first, "number", n->as.footnote.number);
        kv_str(b, depth, &first, "first_ref", n->as.footnote.first_ref ? n->as.footnote.first_ref->id : NULL);
        break;
    case MODEL_FIGURE:
    case MODEL_IMAGE:
        key(b, depth, &first, "image");
        image_obj(b, depth, &n->as.figure.image);
        kv_str(b, depth, &first, "alt", n->as.figure.alt);
        kv_str(b, depth, &first, "caption", n->as.figure.caption);
        break;
    case MODEL_CODE_BLOCK:
        kv_str(b, depth, &first, "info", n->as.code.info);
        kv_str(b, depth, &first, "text", n->text);
        break;
    case MODEL_TEXT:
    case MODEL_CODE: kv_str(b, depth, &first, "text", n->text); break;
    default: break;
    }
}

/* One subtree as a JSON object; iterative, so depth is bounded by the heap only. */
static void node_json(buf *b, const model_book *book, const model_node *root, int depth) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    int d = depth;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (ev == MODEL_EVENT_ENTER) {
            if (n != root) {
                if (n->prev) buf_putc(b, ',');
                indent(b, d);
            }
            buf_putc(b, '{');
            node_fields(b, book, n, d + 1);
            if (model_is_leaf(n->type)) {
                indent(b, d);
                buf_putc(b, '}');
            } else if (n->first_child) {
                buf_puts(b, ",");
                indent(b, d + 1);
                buf_puts(b, "\"children\": [");
                d += 2;
            } else {
                buf_puts(b, ",");
                indent(b, d + 1);
                buf_puts(b, "\"children\": []");
                indent(b, d);
                buf_putc(b, '}');
            }
        } else if (n->first_child) {
            d -= 2;
            indent(b, d + 1);
            buf_putc(b, ']');
            indent(b, d);
            buf_putc(b, '}');
        }
    }
}

static void str_array(buf *b, int depth, const char *const *items, size_t n) {
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(b, ',');
        indent(b, depth + 1);
        put_str(b, items[i]);
    }
    if (n) indent(b, depth);
    buf_putc(b, ']');
}

static void meta_json(buf *b, const model_book *book, int depth) {
    const model_meta *m = &book->meta;
    bool first = true;
    buf_putc(b, '{');
    kv_str(b, depth + 1, &first, "name", m->name);
    kv_str(b, depth + 1, &first, "title", m->title);
    kv_str(b, depth + 1, &first, "subtitle", m->subtitle);
    key(b, depth + 1, &first, "authors");
    str_array(b, depth + 1, m->authors, m->n_authors);
    kv_str(b, depth + 1, &first, "publisher", m->publisher);
    kv_str(b, depth + 1, &first, "language", m->language);
    kv_str(b, depth + 1, &first, "identifier", m->identifier);
    kv_str(b, depth + 1, &first, "date", m->date);
    kv_str(b, depth + 1, &first, "rights", m->rights);
    kv_str(b, depth + 1, &first, "description", m->description);
    kv_str(b, depth + 1, &first, "keywords", m->keywords);
    kv_str(b, depth + 1, &first, "style", m->style);
    key(b, depth + 1, &first, "cover");
    if (m->has_cover) image_obj(b, depth + 1, &m->cover);
    else buf_puts(b, "null");
    kv_str(b, depth + 1, &first, "cover_alt", m->cover_alt);
    indent(b, depth);
    buf_putc(b, '}');
}

int dump_book_json(const model_book *book, FILE *out) {
    buf b;
    buf_init(&b);
    bool first = true;
    buf_putc(&b, '{');
    key(&b, 1, &first, "meta");
    meta_json(&b, book, 1);
    kv_str(&b, 1, &first, "style", book->style ? book->style->name : NULL);
    key(&b, 1, &first, "chapters");
    buf_putc(&b, '[');
    for (size_t i = 0; i < book->n_chapters; i++) {
        const model_chapter *ch = &book->chapters[i];
        if (i) buf_putc(&b, ',');
        indent(&b, 2);
        buf_putc(&b, '{');
        bool cf = true;
        kv_str(&b, 3, &cf, "file", ch->file);
        kv_str(&b, 3, &cf, "id", ch->id);
        kv_str(&b, 3, &cf, "title", ch->title);
        key(&b, 3, &cf, "blocks");
        buf_putc(&b, '[');
        for (const model_node *k = ch->root ? ch->root->first_child : NULL; k; k = k->next) {
            if (k->prev) buf_putc(&b, ',');
            indent(&b, 4);
            node_json(&b, book, k, 4);
        }
        if (ch->root && ch->root->first_child) indent(&b, 3);
        buf_putc(&b, ']');
        indent(&b, 2);
        buf_putc(&b, '}');
    }
    if (book->n_chapters) indent(&b, 1);
    buf_putc(&b, ']');
    key(&b, 1, &first, "footnotes");
    buf_putc(&b, '[');
    for (size_t i = 0; i < book->n_footnotes; i++) {
        if (i) buf_putc(&b, ',');
        indent(&b, 2);
        node_json(&b, book, book->footnotes[i], 2);
    }
    if (book->n_footnotes) indent(&b, 1);
    buf_putc(&b, ']');
    indent(&b, 0);
    buf_puts(&b, "}\n");
    size_t n = fwrite(b.data, 1, b.len, out);
    bool ok = n == b.len;
    buf_free(&b);
    return ok ? 0 : -1;
}
