/* model: the one document model every writer reads. Built once from the book's
 * sources (book.c, markdown.c); the PDF and EPUB writers only read it.
 *
 * A book has metadata, a style sheet, the fonts it uses and an ordered list of
 * chapters. Each chapter is a tree of nodes (blocks, then inlines) linked like
 * cmark's: parent, first/last child, prev/next sibling. Every node and string
 * lives in the book's arena: model_book_free releases all of it at once. */
#ifndef QUIRE_MODEL_H
#define QUIRE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "model/style.h"

typedef enum model_type {
    MODEL_NONE = 0,
    /* blocks */
    MODEL_CHAPTER,      /* root of a chapter; children are blocks */
    MODEL_HEADING,      /* as.heading.level 1-6; id set; children inlines */
    MODEL_PARAGRAPH,    /* children inlines */
    MODEL_QUOTE,        /* children blocks; as.quote.pull when it ends in an ATTRIBUTION */
    MODEL_ATTRIBUTION,  /* last child of a pull quote; inlines without the leading dash */
    MODEL_LIST,         /* children ITEMs */
    MODEL_ITEM,         /* children blocks; as.item.number for ordered lists */
    MODEL_TABLE,        /* children ROWs, header row first */
    MODEL_TABLE_ROW,    /* children CELLs; as.row.header */
    MODEL_TABLE_CELL,   /* children inlines; as.cell.align */
    MODEL_FIGURE,       /* as.figure; no children */
    MODEL_CODE_BLOCK,   /* text holds the literal */
    MODEL_RULE,         /* thematic break */
    MODEL_FOOTNOTE,     /* a footnote's text: children blocks. Kept in book->footnotes, not in the chapter flow */
    /* inlines */
    MODEL_TEXT,         /* text */
    MODEL_EMPH,
    MODEL_STRONG,
    MODEL_STRIKE,
    MODEL_CODE,         /* text */
    MODEL_LINK,         /* as.link; children inlines */
    MODEL_NOTE_REF,     /* as.note_ref: a footnote marker */
    MODEL_ANCHOR,       /* a link target inside text: id set (from <a id="..."></a>) */
    MODEL_SOFT_BREAK,   /* a line end in the source: a space when rendered */
    MODEL_LINE_BREAK,   /* a hard break */
    MODEL_IMAGE,        /* an image inside running text (a badge, an icon): as.figure, caption NULL; set at the line's height */
    MODEL_SUPERSCRIPT,  /* children inlines (HTML <sup>) */
    MODEL_SUBSCRIPT,    /* children inlines (HTML <sub>) */
    MODEL_KEYS,         /* children inlines (HTML <kbd>): keys to press, set like code */
    MODEL_TYPE_COUNT
} model_type;

typedef enum model_align { MODEL_ALIGN_NONE, MODEL_ALIGN_LEFT, MODEL_ALIGN_CENTER, MODEL_ALIGN_RIGHT } model_align;

/* A source position: file (path relative to the book folder, e.g. "chapters/01.md"),
 * 1-based line and column (bytes). */
typedef struct model_pos {
    const char *file;
    int line, col;
} model_pos;

typedef struct model_node model_node;

/* What a link is for both writers. */
typedef enum model_link_kind {
    MODEL_LINK_TEXT,      /* leads nowhere a reader can follow (no address, "//host", a host no URI can
                           * name): its text is kept, unlinked */
    MODEL_LINK_INTERNAL,  /* to a place in the book: as.link.target */
    MODEL_LINK_EXTERNAL   /* out of the book: as.link.url, an allowed scheme with a valid host */
} model_link_kind;

/* An image file inside the book folder.
 *
 * `data` holds the file's bytes exactly as the loader read and checked them (the
 * media type and size come from these bytes). Writers must draw and embed these
 * bytes and never open `path` again: a file saved after the check (or replaced by
 * a link to somewhere else) must not reach an artifact, and the PDF and EPUB, which
 * are written on two threads, must hold the same image. */
typedef struct model_image {
    const char *path;        /* filesystem path, as opened (for messages only) */
    const char *book_path;   /* normalised path relative to the book folder ("images/map.svg") */
    const char *media_type;  /* "image/svg+xml", "image/png" or "image/jpeg", from the file's bytes */
    double width, height;    /* intrinsic size in CSS px (SVG: its width/height or viewBox) */
    const unsigned char *data;  /* the file's bytes (book arena), `size` of them */
    size_t size;
} model_image;

struct model_node {
    model_type type;
    model_pos pos;
    style_role role;           /* blocks: which named style applies */
    const style_text *style;   /* blocks: resolved style (points into book->style); NULL for inlines */
    model_node *parent, *first_child, *last_child, *prev, *next;
    int chapter;               /* index of the chapter holding it (-1 for footnotes until referenced) */
    const char *text;          /* TEXT, CODE, CODE_BLOCK */
    const char *id;            /* HEADING, ANCHOR, FOOTNOTE ("fn-3"), NOTE_REF ("fnref-3"); unique in the book */
    union {
        struct {
            int level;
            int contents;                           /* its entry in book->contents, 1-based; 0: not listed */
            int outline;                            /* 1-6, its depth in the book's outline (model_contents_build):
                                                     * never more than one below the heading before; 0: not set */
            const char *anchor;                     /* the id its source gave it ("{#why}"), or NULL */
        } heading;
        struct { bool pull; } quote;
        struct { bool ordered; int start; bool tight; } list;
        struct { int number; } item;                /* ordered lists: the printed number */
        struct {
            int columns;
            const char *caption;                    /* plain; from a "Table: …" paragraph beside it; may be NULL */
        } table;
        struct { bool header; } row;
        struct { model_align align; } cell;
        struct {
            const char *url;                        /* as written, e.g. "https://…" or "#ref-1" */
            const char *title;
            /* internal links: a HEADING, ANCHOR, FIGURE or FOOTNOTE node, or the
             * CHAPTER root of a chapter without headings; NULL for external links */
            const model_node *target;
            model_link_kind kind;                   /* what a writer makes of it, decided by the loader */
        } link;
        struct { int number; model_node *note; } note_ref;  /* note: the FOOTNOTE node */
        struct { int number; const model_node *first_ref; } footnote;
        struct {                                    /* FIGURE and IMAGE */
            model_image image;
            const char *alt;                        /* alt text (plain) */
            const char *caption;                    /* from the image title; may be NULL */
        } figure;
        struct {
            const char *info;
            int first_line, first_col; /* where the code's first line starts in the source; 0: unknown */
            const char *lines_file;    /* the file holding those lines when not the block's (an included
                                        * listing); NULL: the block's own */
            const int *line_at;        /* shown line i is source line first_line + line_at[i] (mdBook's
                                        * hidden Rust lines left out); NULL: one after the other */
        } code;
    } as;
};

typedef struct model_chapter {
    const char *file;        /* source path relative to the book folder */
    const char *id;          /* stable slug, e.g. "getting-started" (from the first heading, else the file name) */
    const char *title;       /* plain text of the first heading, or the file name */
    model_node *root;        /* MODEL_CHAPTER */
    int depth;               /* nesting in an mdBook SUMMARY.md: its headings are this many levels lower */
    const char *front_title; /* the title its front matter gives (title:, else name:), or NULL */
    model_pos front_title_pos;
    bool rust_hidden;        /* mdBook: lines starting with "# " in Rust code blocks are not shown */
} model_chapter;

typedef struct model_meta {
    const char *name;        /* artifact base name ("guide" gives guide.pdf, guide.epub) */
    const char *title;
    const char *subtitle;    /* may be NULL */
    const char **authors;    /* n_authors entries */
    size_t n_authors;
    const char *publisher;
    const char *language;    /* BCP 47 */
    const char *identifier;  /* "urn:uuid:…", "urn:isbn:…" or another URN */
    const char *date;        /* YYYY, YYYY-MM or YYYY-MM-DD */
    const char *rights;
    const char *description;
    const char *keywords;    /* comma-separated; may be NULL */
    const char *style;       /* style name as written in book.yaml */
    bool has_cover;
    model_image cover;       /* when has_cover */
    const char *cover_alt;
    const char *contents_title; /* heading of the printed contents; NULL: by language */
    const char *links_base;  /* links-base: where links to files outside the book lead; may be NULL */
    bool strict;             /* strict: true (warnings are errors) */
} model_meta;

/* A font file the style uses, bundled in fonts/.
 *
 * `data` holds the file's bytes as the loader read them, once, when it listed the
 * faces: the EPUB writer subsets and embeds these bytes. The PDF does not: Pango and
 * cairo open the files by `path` through the book's private fontconfig configuration
 * (model/fontset, print/fontmap), and cairo embeds subsets of what FreeType loaded
 * from them. A font file changed during a build can therefore differ between the two. */
typedef struct model_font {
    const char *path;        /* filesystem path (for messages, and for fontconfig) */
    const char *file_name;   /* base name, e.g. "CharisSIL-Regular.ttf" */
    const char *family;
    int weight;              /* 400, 700 */
    bool italic;
    const char *media_type;  /* "font/ttf" or "font/otf" */
    const unsigned char *data;  /* the file's bytes (book arena), `size` of them */
    size_t size;
} model_font;

/* One entry of the book's contents (PDF contents page and outline, EPUB nav and NCX). */
typedef struct model_contents_entry {
    int level;                 /* its heading's outline depth (never more than one below the one before), 1 to the style's contents depth */
    int chapter;               /* index in book->chapters */
    const model_node *heading; /* NULL: a chapter without headings, listed at its start */
    const char *text;          /* plain text (book arena) */
} model_contents_entry;

typedef struct model_book {
    const char *dir;         /* the book folder, canonical */
    const char *manifest;    /* "book.yaml" path as given in messages */
    model_meta meta;
    style_sheet *style;      /* owned */
    model_chapter *chapters;
    size_t n_chapters;
    model_node **footnotes;  /* in number order: footnotes[i]->as.footnote.number == i + 1 */
    size_t n_footnotes;
    model_contents_entry *contents; /* in reading order (model_contents_build) */
    size_t n_contents;
    model_font *fonts;       /* the faces of every family the style names */
    size_t n_fonts;
    const char **font_dirs;  /* folders given to fontconfig for the PDF writer */
    size_t n_font_dirs;
    /* The build time, read once by the loader: SOURCE_DATE_EPOCH (checked: 0 to
     * 253402300799) when set, else the time the book was loaded. Writers date their
     * files (PDF CreationDate and XMP, EPUB dcterms:modified, zip entries) with this,
     * not with build_timestamp(). */
    int64_t timestamp;
    bool timestamp_from_env; /* true when it came from SOURCE_DATE_EPOCH */
    arena *mem;              /* owns everything above but `style` */
    struct model_ids *ids;   /* private: the id table behind model_find_id */
    struct book_image_file *image_files; /* private to the loader: each image file read and checked once */
} model_book;

/* An empty book with its arena; filled by book_load. */
model_book *model_book_new(void);

void model_book_free(model_book *book);

/*** building (used by the parsers) ***/
model_node *model_node_new(model_book *book, model_type type, model_pos pos);
void model_append_child(model_node *parent, model_node *child);
void model_prepend_child(model_node *parent, model_node *child);
void model_unlink(model_node *node);
/* Puts a node's children in its place and unlinks it (a link that becomes plain text). */
void model_unwrap(model_node *node);
/* Unique id in the book from text: lowercase ASCII letters and digits, other runs
 * become '-', no leading digit; "-2", "-3"… on repeats. Returns arena memory. */
const char *model_unique_slug(model_book *book, const char *text);
/* Registers an id that must stay unique; false when already taken. */
bool model_claim_id(model_book *book, const char *id);
/* Points an id (claimed or not) at the node model_find_id returns for it. */
void model_bind_id(model_book *book, const char *id, const model_node *node);
/* True for ids shaped like the footnote ids ("fn-3", "fnref-3…"), which slugs and anchors may not take. */
bool model_id_reserved(const char *id);

/*** reading (used by the writers) ***/
const char *model_type_name(model_type t);   /* "heading", "paragraph", … */
bool model_is_block(model_type t);
/* Types that never have children (the iterator gives them ENTER only). */
bool model_is_leaf(model_type t);
/* Whether a table cell heads its column: a cell of a header row that shows something (text,
 * code, an image, a note marker). An empty one heads nothing: both editions make it a data cell. */
bool model_cell_is_header(const model_node *cell);
/* Plain text of a subtree (breaks as spaces, note refs left out). Caller frees. */
char *model_plain_text(const model_node *node);
/* Looks an id up across the book: heading, anchor, figure or footnote; NULL if none. */
const model_node *model_find_id(const model_book *book, const char *id);

/* Depth-first walk with ENTER and EXIT events (EXIT only for nodes that may have children). */
typedef enum model_event { MODEL_EVENT_NONE, MODEL_EVENT_ENTER, MODEL_EVENT_EXIT } model_event;
typedef struct model_iter {
    const model_node *root, *cur;
    model_event ev;
} model_iter;
void model_iter_init(model_iter *it, const model_node *root);
model_event model_iter_next(model_iter *it, const model_node **node);

/* A book-relative path as messages show it: beside book.yaml as the user named it
 * ("mybook/chapters/01.md"). Caller frees. */
char *model_display_path(const model_book *book, const char *rel);

/* The pages of the print edition, for the e-book's page list: where each body page
 * of the PDF begins in the text. Built from the PDF's pagination (print stage: pdf_page_map). */
typedef struct model_page {
    char label[16];            /* the printed folio: "1", "2"… */
    const model_node *node;    /* the block the page begins in (a paragraph, heading, figure, table row…) */
    int word;                  /* 0: before the block; n > 0: before word n (0-based) of its text */
} model_page;

typedef struct model_page_map {
    model_page *pages;         /* in page order, positions never going back */
    size_t n;
    char *source;              /* names the print edition (dc:source); may be NULL */
} model_page_map;

void model_page_map_free(model_page_map *m);

/* True for the bytes that separate words when a page position counts words: spaces,
 * control characters (both writers turn them into spaces) and U+2028. `s` points at
 * byte i of a NUL-terminated string; *len gets the separator's length. */
bool model_word_space(const char *s, int *len);

#endif
