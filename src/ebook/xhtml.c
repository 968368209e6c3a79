/* xhtml: model → EPUB 3 publication files (chapter XHTML, cover, nav, NCX, OPF) in buffers. */
#include "ebook/xhtml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/uri.h"
#include "model/facts.h"

static const char *book_lang(const model_book *book) {
    const char *l = book->meta.language;
    return l && *l ? l : "en";
}

static const model_labels *words_for(const model_book *book) { return model_labels_for(book->meta.language); }

/*** escaping ***/

/* Appends text escaped for XML, dropping characters XML 1.0 cannot hold. */
static void xhtml_put_text(buf *out, const char *s) {
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t start = 0, i = 0;
    for (; p[i]; i++) {
        const char *rep = NULL;
        unsigned char c = p[i];
        if (c == '&') rep = "&amp;";
        else if (c == '<') rep = "&lt;";
        else if (c == '>') rep = "&gt;";
        else if (c == '"') rep = "&quot;";
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') rep = "";
        else if (c == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            /* U+FFFE and U+FFFF are not XML characters */
            buf_put(out, s + start, i - start);
            i += 2;
            start = i + 1;
            continue;
        }
        if (rep) {
            buf_put(out, s + start, i - start);
            buf_puts(out, rep);
            start = i + 1;
        }
    }
    buf_put(out, s + start, i - start);
}

/* A URL in an attribute: percent-encoded, then escaped for XML. */
static void put_uri(buf *out, const char *url) {
    char *u = uri_encode(url);
    xhtml_put_text(out, u);
    free(u);
}

/*** names and places ***/

char *xhtml_chapter_file(size_t index) { return xasprintf("ch%02zu.xhtml", index + 1); }

const char *xhtml_image_href(const xhtml_image_map *map, const char *book_path) {
    if (!map || !book_path) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->book_paths[i], book_path) == 0) return map->hrefs[i];
    return NULL;
}

/* The chapter a node is shown in: a footnote's text lives at the end of the
 * chapter that first cites it. -1 when unknown. */
static int node_chapter(const model_node *n) {
    for (const model_node *p = n; p; p = p->parent) {
        if (p->type == MODEL_FOOTNOTE) {
            const model_node *ref = p->as.footnote.first_ref;
            return ref ? ref->chapter : -1;
        }
    }
    return n->chapter;
}

/* An id after the '#' of an href: every byte a fragment may not hold percent-encoded
 * ('#' included), then escaped for XML. */
static void put_fragment(buf *out, const char *id) {
    buf b;
    buf_init(&b);
    buf_putc(&b, '#');
    uri_put(&b, id);
    xhtml_put_text(out, b.data + 1);
    buf_free(&b);
}

/* href to an id from a chapter document (`from` >= 0) or from EPUB/ (`from` < 0). */
static void put_id_href(buf *out, int from, int target_chapter, const char *id) {
    if (from >= 0 && target_chapter == from) {
        buf_putc(out, '#');
    } else {
        char *file = xhtml_chapter_file(target_chapter < 0 ? 0 : (size_t)target_chapter);
        if (from < 0) buf_puts(out, "text/");
        buf_puts(out, file);
        free(file);
        if (id) buf_putc(out, '#');
    }
    if (id) put_fragment(out, id);
}

static void put_head(buf *out, const model_book *book, const char *title, const char *css_href) {
    const char *lang = book_lang(book);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                  "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"");
    xhtml_put_text(out, lang);
    buf_puts(out, "\" lang=\"");
    xhtml_put_text(out, lang);
    buf_puts(out, "\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
    xhtml_put_text(out, title && *title ? title : (book->meta.title ? book->meta.title : "Untitled"));
    buf_puts(out, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    buf_puts(out, css_href);
    buf_puts(out, "\"/>\n</head>\n");
}

/*** chapters ***/

typedef struct chapter_ctx {
    const model_book *book;
    int chapter;
    const xhtml_image_map *images;
    const char *backlink;
    buf *out;
    /* The print pages that begin in this chapter, in order; `done` marks those written. */
    const model_page *pages;
    size_t n_pages;
    bool *done;
    /* Counting the words of a block that has a page beginning inside it (NULL: none). */
    const model_node *word_block;
    int words;
    bool in_word;
    /* The names given to the chapter's table regions so far: each must differ. */
    char **regions;
    int n_regions;
} chapter_ctx;

static void put_pagebreak(chapter_ctx *c, size_t i) {
    const char *label = c->pages[i].label;
    buf_puts(c->out, "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-");
    xhtml_put_text(c->out, label);
    buf_puts(c->out, "\" aria-label=\"");
    xhtml_put_text(c->out, label);
    buf_puts(c->out, "\"/>");
    c->done[i] = true;
}

/* The page breaks before block `n`. */
static void put_marks_before(chapter_ctx *c, const model_node *n) {
    for (size_t i = 0; i < c->n_pages; i++)
        if (!c->done[i] && c->pages[i].node == n && c->pages[i].word == 0) put_pagebreak(c, i);
}

/* Starts counting the words of `n` when a page begins inside it. */
static void begin_words(chapter_ctx *c, const model_node *n) {
    c->word_block = NULL;
    for (size_t i = 0; i < c->n_pages; i++)
        if (!c->done[i] && c->pages[i].node == n && c->pages[i].word > 0) {
            c->word_block = n;
            c->words = 0;
            c->in_word = false;
            return;
        }
}

/* The page breaks before word `w` of the block being counted. */
static void put_marks_at_word(chapter_ctx *c, int w) {
    for (size_t i = 0; i < c->n_pages; i++)
        if (!c->done[i] && c->pages[i].node == c->word_block && c->pages[i].word == w) put_pagebreak(c, i);
}

/* Text of the block being counted: escaped, with a page break before the words where pages begin. */
static void put_counted_text(chapter_ctx *c, const char *s) {
    if (!s) return;
    if (!c->word_block) {
        xhtml_put_text(c->out, s);
        return;
    }
    size_t start = 0, i = 0;
    while (s[i]) {
        int len;
        if (model_word_space(s + i, &len)) {
            c->in_word = false;
        } else if (!c->in_word) {
            c->in_word = true;
            int w = c->words++;
            if (w > 0) {
                char *part = xstrndup(s + start, i - start);
                xhtml_put_text(c->out, part);
                free(part);
                start = i;
                put_marks_at_word(c, w);
            }
        }
        i += (size_t)len;
    }
    xhtml_put_text(c->out, s + start);
}

/* Something that reads as a space (a line end) or as a word's letters (a note number). */
static void count_space(chapter_ctx *c) { c->in_word = false; }
static void count_letters(chapter_ctx *c) {
    if (!c->word_block || c->in_word) return;
    c->in_word = true;
    int w = c->words++;
    if (w > 0) put_marks_at_word(c, w);
}

static void put_blocks(chapter_ctx *c, const model_node *first);
static void put_block(chapter_ctx *c, const model_node *n);

static void put_inline_range(chapter_ctx *c, const model_node *first, const model_node *stop);
static void put_inline_image(chapter_ctx *c, const model_node *n);

static void put_inlines(chapter_ctx *c, const model_node *first) { put_inline_range(c, first, NULL); }

static bool has_letters(const char *s) { return s && s[strspn(s, " \t\n\r")]; }

/* Whether inlines from `first` name what holds them: text, a note marker or an image's alt
 * text; with `images`, also an image written into the EPUB without alt text (it shows the
 * link, but does not name it). */
static bool inlines_named(const xhtml_image_map *images, const model_node *first) {
    for (const model_node *n = first; n; n = n->next) {
        switch (n->type) {
        case MODEL_TEXT:
        case MODEL_CODE:
            if (has_letters(n->text)) return true;
            break;
        case MODEL_NOTE_REF: return true;
        case MODEL_IMAGE:
            if (has_letters(n->as.figure.alt) || (images && xhtml_image_href(images, n->as.figure.image.book_path)))
                return true;
            break;
        default:
            if (inlines_named(images, n->first_child)) return true;
        }
    }
    return false;
}

/* Whether inlines from `first` show anything: text, a note marker, an image written or its
 * alt text. A link around nothing (an image from the web, not fetched and without alt text)
 * is left out, as the print edition draws nothing for it: a reader would meet a link
 * without a name. */
static bool inlines_show(const chapter_ctx *c, const model_node *first) { return inlines_named(c->images, first); }

/* An aria-label for a link whose inlines do not name it (a picture without alt text), as the
 * print edition's link annotation is named: its title, the heading it goes to, or its address. */
static void put_link_label(buf *out, const model_node *link) {
    if (inlines_named(NULL, link->first_child)) return;
    const model_node *t = link->as.link.target;
    char *heading = t && t->type == MODEL_HEADING ? model_plain_text(t) : NULL;
    const char *name = has_letters(link->as.link.title) ? link->as.link.title
                       : has_letters(heading)           ? heading
                                                        : link->as.link.url;
    buf_puts(out, "\" aria-label=\"");
    xhtml_put_text(out, name ? name : "");
    free(heading);
}

/* Inlines from `first` up to (not including) `stop`. */
static void put_inline_range(chapter_ctx *c, const model_node *first, const model_node *stop) {
    buf *out = c->out;
    for (const model_node *n = first; n && n != stop; n = n->next) {
        switch (n->type) {
        case MODEL_TEXT: put_counted_text(c, n->text); break;
        case MODEL_SOFT_BREAK:
            count_space(c);
            buf_putc(out, '\n');
            break;
        case MODEL_LINE_BREAK:
            count_space(c);
            buf_puts(out, "<br/>\n");
            break;
        case MODEL_CODE:
            buf_puts(out, "<code>");
            put_counted_text(c, n->text);
            buf_puts(out, "</code>");
            break;
        case MODEL_EMPH:
            buf_puts(out, "<em>");
            put_inlines(c, n->first_child);
            buf_puts(out, "</em>");
            break;
        case MODEL_STRONG:
            buf_puts(out, "<strong>");
            put_inlines(c, n->first_child);
            buf_puts(out, "</strong>");
            break;
        case MODEL_STRIKE:
            buf_puts(out, "<del>");
            put_inlines(c, n->first_child);
            buf_puts(out, "</del>");
            break;
        case MODEL_SUPERSCRIPT:
        case MODEL_SUBSCRIPT:
        case MODEL_KEYS: {
            const char *tag = n->type == MODEL_SUPERSCRIPT ? "sup" : n->type == MODEL_SUBSCRIPT ? "sub" : "kbd";
            buf_printf(out, "<%s>", tag);
            put_inlines(c, n->first_child);
            buf_printf(out, "</%s>", tag);
            break;
        }
        case MODEL_IMAGE: put_inline_image(c, n); break;
        case MODEL_ANCHOR:
            if (n->id) {
                buf_puts(out, "<span id=\"");
                xhtml_put_text(out, n->id);
                buf_puts(out, "\"></span>");
            }
            break;
        case MODEL_LINK: {
            const model_node *t = n->as.link.target;
            if (!inlines_show(c, n->first_child)) {
                put_inlines(c, n->first_child);
                break;
            }
            if (n->as.link.kind == MODEL_LINK_INTERNAL && t->id) {
                buf_puts(out, "<a href=\"");
                put_id_href(out, c->chapter, node_chapter(t), t->id);
                put_link_label(out, n);
                buf_puts(out, "\">");
            } else if (n->as.link.kind == MODEL_LINK_EXTERNAL) {
                buf_puts(out, "<a href=\"");
                put_uri(out, n->as.link.url);
                put_link_label(out, n);
                buf_puts(out, "\">");
            } else {
                /* a link to something outside the publication's files: keep the text only */
                buf_puts(out, "<span class=\"link\">");
                put_inlines(c, n->first_child);
                buf_puts(out, "</span>");
                break;
            }
            put_inlines(c, n->first_child);
            buf_puts(out, "</a>");
            break;
        }
        case MODEL_NOTE_REF: {
            const model_node *note = n->as.note_ref.note;
            count_letters(c);
            buf_puts(out, "<sup class=\"noteref\"><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"");
            if (note && note->id) put_id_href(out, c->chapter, node_chapter(note), note->id);
            else buf_putc(out, '#');
            buf_puts(out, "\"");
            if (n->id) {
                buf_puts(out, " id=\"");
                xhtml_put_text(out, n->id);
                buf_puts(out, "\"");
            }
            buf_printf(out, ">%d</a></sup>", n->as.note_ref.number);
            break;
        }
        default:
            /* a block where inlines were expected: render it as a block */
            if (model_is_block(n->type)) put_block(c, n);
            else put_inlines(c, n->first_child);  /* unknown inline: its children */
            break;
        }
    }
}

static const char *align_class(model_align a) {
    switch (a) {
    case MODEL_ALIGN_LEFT: return "align-left";
    case MODEL_ALIGN_CENTER: return "align-center";
    case MODEL_ALIGN_RIGHT: return "align-right";
    default: return NULL;
    }
}

static void put_row(chapter_ctx *c, const model_node *row, bool header) {
    buf *out = c->out;
    buf_puts(out, "<tr>");
    for (const model_node *cell = row->first_child; cell; cell = cell->next) {
        /* an empty header cell heads nothing: a data cell, so no reader announces a blank header */
        bool heads = header && model_cell_is_header(cell);
        const char *tag = heads ? "th" : "td";
        buf_printf(out, "<%s", tag);
        if (heads) buf_puts(out, " scope=\"col\"");
        const char *cls = cell->type == MODEL_TABLE_CELL ? align_class(cell->as.cell.align) : NULL;
        if (cls) buf_printf(out, " class=\"%s\"", cls);
        buf_putc(out, '>');
        if (cell == row->first_child) put_marks_before(c, row); /* a page that begins with this row */
        put_inlines(c, cell->first_child);
        buf_printf(out, "</%s>", tag);
    }
    buf_puts(out, "</tr>\n");
}

/* A table region's name: "Table: " and its caption, else its header cells (else its first
 * row's), with " (2)", " (3)"… when the chapter already has a table of that name. Caller frees. */
static char *region_name(chapter_ctx *c, const model_node *t) {
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s", words_for(c->book)->table);
    const model_node *row = t->first_child;
    bool first = true;
    if (t->as.table.caption && *t->as.table.caption) {
        buf_printf(&b, ": %s", t->as.table.caption);
        row = NULL;
    }
    for (const model_node *cell = row ? row->first_child : NULL; cell; cell = cell->next) {
        char *txt = model_plain_text(cell);
        if (txt && *txt) {
            buf_puts(&b, first ? ": " : ", ");
            buf_puts(&b, txt);
            first = false;
        }
        free(txt);
    }
    int same = 0;
    for (int i = 0; i < c->n_regions; i++) same += strncmp(c->regions[i], b.data, b.len) == 0 &&
                                                  (c->regions[i][b.len] == 0 || c->regions[i][b.len] == ' ');
    c->regions = xrealloc(c->regions, (size_t)(c->n_regions + 1) * sizeof *c->regions);
    if (same) buf_printf(&b, " (%d)", same + 1);
    c->regions[c->n_regions++] = xstrdup(b.data);
    return buf_detach(&b, NULL);
}

static void put_table(chapter_ctx *c, const model_node *t) {
    buf *out = c->out;
    put_marks_before(c, t); /* a page that begins with its caption */
    if (t->first_child) put_marks_before(c, t->first_child);
    /* the box that scrolls sideways when the table is wider than the screen: focusable,
     * so it can be scrolled from the keyboard, and named, differently from the chapter's
     * other tables, for those who land on it */
    buf_puts(out, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
    char *name = region_name(c, t);
    xhtml_put_text(out, name);
    free(name);
    buf_puts(out, "\">\n<table>\n");
    if (t->as.table.caption && *t->as.table.caption) {
        buf_puts(out, "<caption>");
        xhtml_put_text(out, t->as.table.caption);
        buf_puts(out, "</caption>\n");
    }
    const model_node *row = t->first_child;
    if (row && row->as.row.header) {
        buf_puts(out, "<thead>\n");
        for (; row && row->as.row.header; row = row->next) put_row(c, row, true);
        buf_puts(out, "</thead>\n");
    }
    if (row) {
        buf_puts(out, "<tbody>\n");
        for (; row; row = row->next) put_row(c, row, false);
        buf_puts(out, "</tbody>\n");
    }
    buf_puts(out, "</table>\n</div>\n");
}

/* width and height attributes: the reading system keeps the room and the shape before the image loads */
static void put_image_size(buf *out, const model_image *img) {
    if (img->width >= 1 && img->height >= 1 && img->width < 1e6 && img->height < 1e6)
        buf_printf(out, " width=\"%ld\" height=\"%ld\"", (long)(img->width + 0.5), (long)(img->height + 0.5));
}

/* An image in running text: as tall as the text (the stylesheet's img.inline). */
static void put_inline_image(chapter_ctx *c, const model_node *n) {
    const char *href = xhtml_image_href(c->images, n->as.figure.image.book_path);
    if (!href) {
        put_counted_text(c, n->as.figure.alt);
        return;
    }
    buf_puts(c->out, "<img class=\"inline\" src=\"../");
    xhtml_put_text(c->out, href);
    buf_puts(c->out, "\" alt=\"");
    xhtml_put_text(c->out, n->as.figure.alt ? n->as.figure.alt : "");
    buf_puts(c->out, "\"/>");
}

static void put_figure(chapter_ctx *c, const model_node *n) {
    buf *out = c->out;
    buf_puts(out, "<figure");
    if (n->id) {
        buf_puts(out, " id=\"");
        xhtml_put_text(out, n->id);
        buf_putc(out, '"');
    }
    buf_puts(out, ">\n");
    const char *href = xhtml_image_href(c->images, n->as.figure.image.book_path);
    if (href) {
        buf_puts(out, "<img src=\"../");
        xhtml_put_text(out, href);
        buf_puts(out, "\" alt=\"");
        xhtml_put_text(out, n->as.figure.alt ? n->as.figure.alt : "");
        buf_putc(out, '"');
        put_image_size(out, &n->as.figure.image);
        buf_puts(out, "/>\n");
    }
    if (n->as.figure.caption && *n->as.figure.caption) {
        buf_puts(out, "<figcaption>");
        xhtml_put_text(out, n->as.figure.caption);
        buf_puts(out, "</figcaption>\n");
    } else if (!href && n->as.figure.alt) {
        buf_puts(out, "<figcaption>");
        xhtml_put_text(out, n->as.figure.alt);
        buf_puts(out, "</figcaption>\n");
    }
    buf_puts(out, "</figure>\n");
}

static void put_list(chapter_ctx *c, const model_node *n) {
    buf *out = c->out;
    bool ordered = n->as.list.ordered;
    buf_puts(out, ordered ? "<ol" : "<ul");
    if (ordered && n->as.list.start != 1) buf_printf(out, " start=\"%d\"", n->as.list.start);
    buf_puts(out, ">\n");
    for (const model_node *item = n->first_child; item; item = item->next) {
        buf_puts(out, "<li>");
        for (const model_node *b = item->first_child; b; b = b->next) {
            if (n->as.list.tight && b->type == MODEL_PARAGRAPH) {
                put_marks_before(c, b);
                begin_words(c, b);
                put_inlines(c, b->first_child);
                c->word_block = NULL;
                if (b->next) buf_putc(out, '\n');
            } else {
                put_block(c, b);
            }
        }
        buf_puts(out, "</li>\n");
    }
    buf_puts(out, ordered ? "</ol>\n" : "</ul>\n");
}

static void put_block(chapter_ctx *c, const model_node *n) {
    buf *out = c->out;
    if (c->n_pages) {
        put_marks_before(c, n);
        if (n->type == MODEL_HEADING || n->type == MODEL_PARAGRAPH || n->type == MODEL_ATTRIBUTION ||
            n->type == MODEL_CODE_BLOCK)
            begin_words(c, n);
    }
    switch (n->type) {
    case MODEL_HEADING: {
        int level = n->as.heading.level < 1 ? 1 : n->as.heading.level > 6 ? 6 : n->as.heading.level;
        /* The element keeps the source's level (and its style); a reader's outline gets the
         * model's, which skips none (a chapter's ### under its # is second), as the PDF's tags. */
        int outline = n->as.heading.outline ? n->as.heading.outline : level;
        buf_printf(out, "<h%d", level);
        if (outline != level) buf_printf(out, " aria-level=\"%d\"", outline);
        if (n->id) {
            buf_puts(out, " id=\"");
            xhtml_put_text(out, n->id);
            buf_putc(out, '"');
        }
        buf_putc(out, '>');
        put_inlines(c, n->first_child);
        buf_printf(out, "</h%d>\n", level);
        c->word_block = NULL;
        break;
    }
    case MODEL_PARAGRAPH:
        buf_puts(out, "<p>");
        put_inlines(c, n->first_child);
        buf_puts(out, "</p>\n");
        c->word_block = NULL;
        break;
    case MODEL_QUOTE:
        buf_puts(out, n->as.quote.pull ? "<blockquote class=\"pull\">\n" : "<blockquote>\n");
        put_blocks(c, n->first_child);
        buf_puts(out, "</blockquote>\n");
        break;
    case MODEL_ATTRIBUTION:
        buf_puts(out, "<footer>— <cite>");
        put_inlines(c, n->first_child);
        buf_puts(out, "</cite></footer>\n");
        c->word_block = NULL;
        break;
    case MODEL_LIST: put_list(c, n); break;
    case MODEL_ITEM:
        buf_puts(out, "<div>");
        put_blocks(c, n->first_child);
        buf_puts(out, "</div>\n");
        break;
    case MODEL_TABLE: put_table(c, n); break;
    case MODEL_FIGURE: put_figure(c, n); break;
    case MODEL_CODE_BLOCK:
        buf_puts(out, "<pre><code>");
        put_counted_text(c, n->text);
        buf_puts(out, "</code></pre>\n");
        c->word_block = NULL;
        break;
    case MODEL_RULE: buf_puts(out, "<hr/>\n"); break;
    case MODEL_FOOTNOTE: break; /* written at the end of the chapter */
    case MODEL_CHAPTER: put_blocks(c, n->first_child); break;
    default:
        /* inline content at block level: wrap it in a paragraph */
        buf_puts(out, "<p>");
        put_inline_range(c, n, n->next);
        buf_puts(out, "</p>\n");
        break;
    }
}

static void put_blocks(chapter_ctx *c, const model_node *first) {
    for (const model_node *n = first; n;) {
        if (model_is_block(n->type)) {
            put_block(c, n);
            n = n->next;
            continue;
        }
        /* a run of inlines among blocks: one paragraph */
        const model_node *stop = n;
        while (stop && !model_is_block(stop->type)) stop = stop->next;
        buf_puts(c->out, "<p>");
        put_inline_range(c, n, stop);
        buf_puts(c->out, "</p>\n");
        n = stop;
    }
}

/* The link from a note back to its first reference. */
static void put_backlink(chapter_ctx *c, const model_node *ref, const model_labels *w) {
    buf *out = c->out;
    buf_puts(out, "<a class=\"backlink\" role=\"doc-backlink\" href=\"");
    put_id_href(out, c->chapter, ref->chapter, ref->id);
    buf_puts(out, "\" title=\"");
    xhtml_put_text(out, w->back);
    buf_puts(out, "\" aria-label=\"");
    xhtml_put_text(out, w->back);
    buf_puts(out, "\">");
    xhtml_put_text(out, c->backlink && *c->backlink ? c->backlink : XHTML_BACKLINK_DEFAULT);
    buf_puts(out, "</a>");
}

static void put_footnote(chapter_ctx *c, const model_node *fn) {
    buf *out = c->out;
    const model_labels *w = words_for(c->book);
    const model_node *ref = fn->as.footnote.first_ref;
    buf_puts(out, "<aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"");
    xhtml_put_text(out, fn->id);
    buf_puts(out, "\">\n");
    bool backlinked = false;
    for (const model_node *b = fn->first_child; b; b = b->next) {
        if (b->type == MODEL_PARAGRAPH) {
            buf_puts(out, "<p>");
            if (b == fn->first_child) buf_printf(out, "<span class=\"fn-label\">%d.</span> ", fn->as.footnote.number);
            put_inlines(c, b->first_child);
            if (!b->next && ref && ref->id) {
                buf_putc(out, ' ');
                put_backlink(c, ref, w);
                backlinked = true;
            }
            buf_puts(out, "</p>\n");
        } else {
            put_block(c, b);
        }
    }
    if (!backlinked && ref && ref->id) {
        buf_puts(out, "<p>");
        put_backlink(c, ref, w);
        buf_puts(out, "</p>\n");
    }
    buf_puts(out, "</aside>\n");
}

static const model_node *first_heading(const model_node *root) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && n->type == MODEL_HEADING && n->id) return n;
    return NULL;
}

void xhtml_chapter(const model_book *book, size_t index, const xhtml_image_map *images, const char *backlink,
                   buf *out) {
    xhtml_chapter_paged(book, index, images, backlink, NULL, out);
}

void xhtml_chapter_paged(const model_book *book, size_t index, const xhtml_image_map *images, const char *backlink,
                         const model_page_map *pages, buf *out) {
    const model_chapter *ch = &book->chapters[index];
    put_head(out, book, ch->title, "../css/book.css");
    buf_puts(out, "<body>\n<section epub:type=\"chapter\" role=\"doc-chapter\"");
    const model_node *h = ch->root ? first_heading(ch->root) : NULL;
    if (h) {
        buf_puts(out, " aria-labelledby=\"");
        xhtml_put_text(out, h->id);
        buf_putc(out, '"');
    } else {
        buf_puts(out, " aria-label=\"");
        xhtml_put_text(out, ch->title);
        buf_putc(out, '"');
    }
    buf_puts(out, ">\n");
    chapter_ctx c = {book, (int)index, images, backlink, out, NULL, 0, NULL, NULL, 0, false, NULL, 0};
    /* The pages that begin in this chapter: a run of the page map. */
    size_t first = 0;
    while (pages && first < pages->n && (!pages->pages[first].node || pages->pages[first].node->chapter != (int)index))
        first++;
    size_t last = first;
    while (pages && last < pages->n && pages->pages[last].node && pages->pages[last].node->chapter == (int)index) last++;
    if (last > first) {
        c.pages = pages->pages + first;
        c.n_pages = last - first;
        c.done = xcalloc(c.n_pages, sizeof *c.done);
    }
    if (ch->root) put_blocks(&c, ch->root->first_child);
    /* Any page the walk did not meet still gets its break, so the page list never points nowhere. */
    for (size_t i = 0; i < c.n_pages; i++)
        if (!c.done[i]) put_pagebreak(&c, i);
    c.n_pages = 0;
    free(c.done);
    for (int i = 0; i < c.n_regions; i++) free(c.regions[i]);
    free(c.regions);
    buf_puts(out, "</section>\n");
    for (size_t i = 0; i < book->n_footnotes; i++) {
        const model_node *fn = book->footnotes[i];
        const model_node *ref = fn->as.footnote.first_ref;
        if (ref && ref->chapter == (int)index) put_footnote(&c, fn);
    }
    buf_puts(out, "</body>\n</html>\n");
}

/*** cover ***/

void xhtml_cover(const model_book *book, const xhtml_image_map *images, buf *out) {
    const model_meta *m = &book->meta;
    const model_labels *w = words_for(book);
    put_head(out, book, m->title, "css/book.css");
    buf_puts(out, "<body class=\"cover\">\n<section class=\"cover\" aria-label=\"");
    xhtml_put_text(out, w->cover);
    buf_puts(out, "\">\n");
    const char *href = m->has_cover ? xhtml_image_href(images, m->cover.book_path) : NULL;
    if (href) {
        buf_puts(out, "<div class=\"cover-image\"><img role=\"doc-cover\" src=\"");
        xhtml_put_text(out, href);
        buf_puts(out, "\" alt=\"");
        xhtml_put_text(out, m->cover_alt && *m->cover_alt ? m->cover_alt : m->title);
        buf_putc(out, '"');
        put_image_size(out, &m->cover);
        buf_puts(out, "/></div>\n");
    }
    buf_puts(out, "<h1 class=\"cover-title\">");
    xhtml_put_text(out, m->title ? m->title : "Untitled");
    buf_puts(out, "</h1>\n");
    if (m->subtitle && *m->subtitle) {
        buf_puts(out, "<p class=\"cover-subtitle\">");
        xhtml_put_text(out, m->subtitle);
        buf_puts(out, "</p>\n");
    }
    if (m->n_authors) {
        buf_puts(out, "<p class=\"cover-authors\">");
        for (size_t i = 0; i < m->n_authors; i++) {
            if (i) buf_puts(out, ", ");
            xhtml_put_text(out, m->authors[i]);
        }
        buf_puts(out, "</p>\n");
    }
    bool publisher_is_author = false;
    for (size_t i = 0; i < m->n_authors; i++)
        if (m->publisher && strcmp(m->publisher, m->authors[i]) == 0) publisher_is_author = true;
    if (m->publisher && *m->publisher && !publisher_is_author) {
        buf_puts(out, "<p class=\"cover-publisher\">");
        xhtml_put_text(out, m->publisher);
        buf_puts(out, "</p>\n");
    }
    buf_puts(out, "</section>\n</body>\n</html>\n");
}

/*** table of contents: book->contents ***/

/* The id an entry points at; NULL for a chapter's start. */
static const char *entry_id(const model_contents_entry *e) { return e->heading ? e->heading->id : NULL; }

void xhtml_nav(const model_book *book, buf *out) { xhtml_nav_paged(book, NULL, out); }

/* href of page i's break from EPUB/. */
static void put_page_href(buf *out, const model_page *pg) {
    char id[32];
    snprintf(id, sizeof id, "page-%s", pg->label);
    put_id_href(out, -1, pg->node ? pg->node->chapter : 0, id);
}

void xhtml_nav_paged(const model_book *book, const model_page_map *pages, buf *out) {
    const model_labels *w = words_for(book);
    put_head(out, book, model_contents_title(book), "css/book.css");
    buf_puts(out, "<body>\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n"
                  "<h1 id=\"toc-title\">");
    xhtml_put_text(out, model_contents_title(book));
    buf_puts(out, "</h1>\n<ol>\n");
    const model_contents_entry *e = book->contents;
    size_t n = book->n_contents;
    /* the open <li>s, each with its level and whether it has opened a child <ol> */
    struct {
        int level;
        bool has_list;
    } stack[8];
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        while (depth > 0 && stack[depth - 1].level >= e[i].level) {
            if (stack[depth - 1].has_list) buf_puts(out, "</ol>\n");
            buf_puts(out, "</li>\n");
            depth--;
        }
        if (depth > 0 && !stack[depth - 1].has_list) {
            buf_puts(out, "\n<ol>\n");
            stack[depth - 1].has_list = true;
        }
        buf_puts(out, "<li><a href=\"");
        put_id_href(out, -1, e[i].chapter, entry_id(&e[i]));
        buf_puts(out, "\">");
        xhtml_put_text(out, e[i].text);
        buf_puts(out, "</a>");
        stack[depth].level = e[i].level;
        stack[depth].has_list = false;
        depth++;
    }
    while (depth > 0) {
        if (stack[depth - 1].has_list) buf_puts(out, "</ol>\n");
        buf_puts(out, "</li>\n");
        depth--;
    }
    buf_puts(out, "</ol>\n</nav>\n<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\" "
                  "aria-labelledby=\"landmarks-title\">\n<h2 id=\"landmarks-title\">");
    xhtml_put_text(out, w->landmarks);
    buf_puts(out, "</h2>\n<ol>\n<li><a epub:type=\"cover\" href=\"cover.xhtml\">");
    xhtml_put_text(out, w->cover);
    buf_puts(out, "</a></li>\n<li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">");
    xhtml_put_text(out, model_contents_title(book));
    buf_puts(out, "</a></li>\n");
    if (book->n_chapters) {
        buf_puts(out, "<li><a epub:type=\"bodymatter\" href=\"text/ch01.xhtml\">");
        xhtml_put_text(out, w->start);
        buf_puts(out, "</a></li>\n");
    }
    buf_puts(out, "</ol>\n</nav>\n");
    if (pages && pages->n) {
        buf_puts(out, "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" hidden=\"hidden\" "
                      "aria-labelledby=\"page-list-title\">\n<h2 id=\"page-list-title\">");
        xhtml_put_text(out, w->pages);
        buf_puts(out, "</h2>\n<ol>\n");
        for (size_t i = 0; i < pages->n; i++) {
            buf_puts(out, "<li><a href=\"");
            put_page_href(out, &pages->pages[i]);
            buf_puts(out, "\">");
            xhtml_put_text(out, pages->pages[i].label);
            buf_puts(out, "</a></li>\n");
        }
        buf_puts(out, "</ol>\n</nav>\n");
    }
    buf_puts(out, "</body>\n</html>\n");
}

void xhtml_ncx(const model_book *book, buf *out) { xhtml_ncx_paged(book, NULL, out); }

void xhtml_ncx_paged(const model_book *book, const model_page_map *pages, buf *out) {
    const model_contents_entry *e = book->contents;
    size_t n = book->n_contents;
    int max_depth = 1, depth = 0;
    int levels[8];
    /* the depth each entry gets, as in the nav */
    int *depths = xmalloc((n ? n : 1) * sizeof *depths);
    for (size_t i = 0; i < n; i++) {
        while (depth > 0 && levels[depth - 1] >= e[i].level) depth--;
        levels[depth++] = e[i].level;
        depths[i] = depth;
        if (depth > max_depth) max_depth = depth;
    }
    char *uid = xhtml_identifier(book);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"");
    xhtml_put_text(out, book_lang(book));
    buf_puts(out, "\">\n<head>\n<meta name=\"dtb:uid\" content=\"");
    xhtml_put_text(out, uid);
    size_t n_pages = pages ? pages->n : 0;
    long max_page = 0;
    for (size_t i = 0; i < n_pages; i++) {
        long v = strtol(pages->pages[i].label, NULL, 10);
        if (v > max_page) max_page = v;
    }
    buf_printf(out, "\"/>\n<meta name=\"dtb:depth\" content=\"%d\"/>\n"
                    "<meta name=\"dtb:totalPageCount\" content=\"%zu\"/>\n"
                    "<meta name=\"dtb:maxPageNumber\" content=\"%ld\"/>\n</head>\n<docTitle><text>",
               max_depth, n_pages, max_page);
    free(uid);
    xhtml_put_text(out, book->meta.title ? book->meta.title : "Untitled");
    buf_puts(out, "</text></docTitle>\n");
    for (size_t i = 0; i < book->meta.n_authors; i++) {
        buf_puts(out, "<docAuthor><text>");
        xhtml_put_text(out, book->meta.authors[i]);
        buf_puts(out, "</text></docAuthor>\n");
    }
    buf_puts(out, "<navMap>\n");
    depth = 0;
    for (size_t i = 0; i < n; i++) {
        while (depth >= depths[i]) {
            buf_puts(out, "</navPoint>\n");
            depth--;
        }
        buf_printf(out, "<navPoint id=\"np-%zu\" playOrder=\"%zu\"><navLabel><text>", i + 1, i + 1);
        xhtml_put_text(out, e[i].text);
        buf_puts(out, "</text></navLabel><content src=\"");
        put_id_href(out, -1, e[i].chapter, entry_id(&e[i]));
        buf_puts(out, "\"/>\n");
        depth = depths[i];
    }
    while (depth > 0) {
        buf_puts(out, "</navPoint>\n");
        depth--;
    }
    buf_puts(out, "</navMap>\n");
    if (n_pages) {
        /* No playOrder: the pages keep the reading order of their targets without renumbering the map. */
        buf_puts(out, "<pageList>\n<navLabel><text>");
        xhtml_put_text(out, words_for(book)->pages);
        buf_puts(out, "</text></navLabel>\n");
        for (size_t i = 0; i < n_pages; i++) {
            const model_page *pg = &pages->pages[i];
            buf_printf(out, "<pageTarget id=\"pt-%zu\" type=\"normal\" value=\"", i + 1);
            xhtml_put_text(out, pg->label);
            buf_puts(out, "\"><navLabel><text>");
            xhtml_put_text(out, pg->label);
            buf_puts(out, "</text></navLabel><content src=\"");
            put_page_href(out, pg);
            buf_puts(out, "\"/></pageTarget>\n");
        }
        buf_puts(out, "</pageList>\n");
    }
    buf_puts(out, "</ncx>\n");
    free(depths);
}

/*** package document ***/

static uint64_t fnv1a(uint64_t h, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h ^ 0xff; /* separates consecutive strings */
}

char *xhtml_identifier(const model_book *book) {
    const model_meta *m = &book->meta;
    if (m->identifier && *m->identifier) return xstrdup(m->identifier);
    uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
    a = fnv1a(a, m->title), b = fnv1a(b, m->title);
    for (size_t i = 0; i < m->n_authors; i++) a = fnv1a(a, m->authors[i]), b = fnv1a(b, m->authors[i]);
    a = fnv1a(a, m->publisher), b = fnv1a(b, m->date);
    /* RFC 4122 layout: version 5-style bits, variant 10 */
    return xasprintf("urn:uuid:%08x-%04x-5%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffffu,
                     (unsigned)a & 0xfffu, (unsigned)((b >> 48) & 0x3fffu) | 0x8000u,
                     (unsigned long long)(b & 0xffffffffffffULL));
}

static void put_meta(buf *out, const char *property, const char *value) {
    buf_printf(out, "<meta property=\"%s\">", property);
    xhtml_put_text(out, value);
    buf_puts(out, "</meta>\n");
}

static void put_dc(buf *out, const char *name, const char *id, const char *value) {
    if (!value || !*value) return;
    buf_printf(out, "<dc:%s", name);
    if (id) buf_printf(out, " id=\"%s\"", id);
    buf_putc(out, '>');
    xhtml_put_text(out, value);
    buf_printf(out, "</dc:%s>\n", name);
}

static bool has_text(const char *s) {
    for (; s && *s; s++)
        if (!strchr(" \t\n\r", *s)) return true;
    return false;
}

/* True when every figure has alt text and the cover (when there is one) has its alt
 * text or, as both writers then use it, the title. */
static bool all_images_described(const model_book *book) {
    const model_meta *m = &book->meta;
    if (m->has_cover && !has_text(m->cover_alt) && !has_text(m->title)) return false;
    for (size_t i = 0; i < book->n_chapters + book->n_footnotes; i++) {
        const model_node *root = i < book->n_chapters ? book->chapters[i].root : book->footnotes[i - book->n_chapters];
        if (!root) continue;
        model_iter it;
        model_iter_init(&it, root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
            if (ev == MODEL_EVENT_ENTER && (n->type == MODEL_FIGURE || n->type == MODEL_IMAGE) &&
                !has_text(n->as.figure.alt))
                return false;
    }
    return true;
}

void xhtml_opf(const model_book *book, const xhtml_item *items, size_t n_items, int64_t modified,
               bool has_images, buf *out) {
    xhtml_opf_paged(book, items, n_items, modified, has_images, NULL, out);
}

/* The Dublin Core: identifier, titles, creators, language, publisher, date, rights,
 * description and, for a paged book, the print edition its page breaks come from. */
static void opf_dublin_core(const model_book *book, const char *uid, const model_page_map *pages, buf *out) {
    bool paged = pages && pages->n;
    const model_meta *m = &book->meta;
    const char *lang = book_lang(book);
    put_dc(out, "identifier", "pub-id", uid);
    put_dc(out, "title", "title", m->title && *m->title ? m->title : "Untitled");
    buf_puts(out, "<meta refines=\"#title\" property=\"title-type\">main</meta>\n");
    if (m->subtitle && *m->subtitle) {
        put_dc(out, "title", "subtitle", m->subtitle);
        buf_puts(out, "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>\n");
    }
    for (size_t i = 0; i < m->n_authors; i++) {
        char id[32];
        snprintf(id, sizeof id, "creator-%zu", i + 1);
        put_dc(out, "creator", id, m->authors[i]);
        buf_printf(out, "<meta refines=\"#%s\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n", id);
    }
    put_dc(out, "language", NULL, lang);
    put_dc(out, "publisher", NULL, m->publisher);
    put_dc(out, "date", NULL, m->date);
    put_dc(out, "rights", NULL, m->rights);
    put_dc(out, "description", NULL, m->description);
    if (paged) {
        /* The page breaks come from the print edition this file was built with. */
        const char *title = m->title && *m->title ? m->title : "Untitled", *print = words_for(book)->print;
        char *src = pages->source && *pages->source ? xasprintf("%s (%s, %s)", title, print, pages->source)
                                                    : xasprintf("%s (%s)", title, print);
        put_dc(out, "source", "pagebreak-source", src);
        buf_puts(out, "<meta refines=\"#pagebreak-source\" property=\"source-of\">pagination</meta>\n");
        free(src);
    }
}

/* book.yaml's keywords, comma-separated, one dc:subject each. */
static void opf_keywords(const model_meta *m, buf *out) {
    if (m->keywords) {
        const char *p = m->keywords;
        while (*p) {
            const char *end = strchr(p, ',');
            if (!end) end = p + strlen(p);
            const char *a = p, *b = end;
            while (a < b && (*a == ' ' || *a == '\t' || *a == '\n')) a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n')) b--;
            if (b > a) {
                char *kw = xstrndup(a, (size_t)(b - a));
                put_dc(out, "subject", NULL, kw);
                free(kw);
            }
            p = *end ? end + 1 : end;
        }
    }
}

/* EPUB Accessibility 1.1: what the publication offers, and what it claims only when it can. */
static void opf_accessibility(const model_book *book, bool has_images, bool paged, buf *out) {
    put_meta(out, "schema:accessMode", "textual");
    if (has_images) put_meta(out, "schema:accessMode", "visual");
    /* Text alternatives and WCAG conformance are claimed only when every image has one;
     * otherwise the text alone is not enough. */
    bool described = !has_images || all_images_described(book);
    put_meta(out, "schema:accessModeSufficient", described ? "textual" : "textual,visual");
    put_meta(out, "schema:accessibilityFeature", "structuralNavigation");
    put_meta(out, "schema:accessibilityFeature", "tableOfContents");
    put_meta(out, "schema:accessibilityFeature", "readingOrder");
    if (paged) {
        put_meta(out, "schema:accessibilityFeature", "printPageNumbers");
        put_meta(out, "schema:accessibilityFeature", "pageNavigation");
    }
    if (has_images && described) put_meta(out, "schema:accessibilityFeature", "alternativeText");
    put_meta(out, "schema:accessibilityHazard", "none");
    {
        buf sum;
        buf_init(&sum);
        buf_puts(&sum, "The publication has a table of contents, headings in a logical order and a reading order "
                       "that follows the text.");
        if (has_images && described) buf_puts(&sum, " Every image has a text alternative.");
        else if (has_images)
            buf_puts(&sum, " Some images have no text alternative, so no conformance to WCAG 2.1 Level AA is "
                           "claimed.");
        if (paged) buf_puts(&sum, " Page breaks and a page list give the page numbers of the print edition.");
        put_meta(out, "schema:accessibilitySummary", sum.data);
        buf_free(&sum);
    }
    if (described) put_meta(out, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
}

/* The manifest and the spine (with the NCX for EPUB 2 reading systems). */
static void opf_manifest_spine(const xhtml_item *items, size_t n_items, buf *out) {
    buf_puts(out, "</metadata>\n<manifest>\n");
    const char *ncx_id = NULL;
    for (size_t i = 0; i < n_items; i++) {
        const xhtml_item *it = &items[i];
        buf_printf(out, "<item id=\"%s\" href=\"", it->id);
        xhtml_put_text(out, it->href);
        buf_printf(out, "\" media-type=\"%s\"", it->media_type);
        if (it->properties) buf_printf(out, " properties=\"%s\"", it->properties);
        buf_puts(out, "/>\n");
        if (strcmp(it->media_type, "application/x-dtbncx+xml") == 0) ncx_id = it->id;
    }
    buf_puts(out, "</manifest>\n<spine");
    if (ncx_id) buf_printf(out, " toc=\"%s\"", ncx_id);
    buf_puts(out, ">\n");
    for (size_t i = 0; i < n_items; i++)
        if (items[i].spine) buf_printf(out, "<itemref idref=\"%s\"/>\n", items[i].id);
    buf_puts(out, "</spine>\n</package>\n");
}

void xhtml_opf_paged(const model_book *book, const xhtml_item *items, size_t n_items, int64_t modified,
                     bool has_images, const model_page_map *pages, buf *out) {
    bool paged = pages && pages->n;
    char *uid = xhtml_identifier(book);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" "
                  "xml:lang=\"");
    xhtml_put_text(out, book_lang(book));
    buf_puts(out, "\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    opf_dublin_core(book, uid, pages, out);
    free(uid);
    opf_keywords(&book->meta, out);
    time_t t = (time_t)modified;
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put_meta(out, "dcterms:modified", stamp);
    opf_accessibility(book, has_images, paged, out);
    for (size_t i = 0; i < n_items; i++)
        if (items[i].properties && strcmp(items[i].properties, "cover-image") == 0)
            buf_printf(out, "<meta name=\"cover\" content=\"%s\"/>\n", items[i].id);
    opf_manifest_spine(items, n_items, out);
}
