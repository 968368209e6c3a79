/* xhtml: the document model as EPUB 3 publication files: one XHTML5 content
 * document per chapter, the cover page, the navigation document, the EPUB 2 NCX
 * and the package document (OPF). Every function appends to a buffer; the EPUB
 * writer (epub.c) zips the results.
 *
 * Layout inside the container (paths relative to EPUB/):
 *   package.opf, nav.xhtml, toc.ncx, cover.xhtml,
 *   text/ch01.xhtml …, css/book.css, fonts/<file>, media/<image>. */
#ifndef QUIRE_XHTML_H
#define QUIRE_XHTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

/* Where each image of the book goes in the container. Built by the caller
 * (epub.c) so that an image used twice is stored once. */
typedef struct xhtml_image_map {
    const char **book_paths;  /* model_image.book_path */
    const char **hrefs;       /* relative to EPUB/, e.g. "media/img-01.svg" */
    size_t n;
} xhtml_image_map;

/* The container path of an image (relative to EPUB/), or NULL when unmapped. */
const char *xhtml_image_href(const xhtml_image_map *map, const char *book_path);

/* The pages of the print edition, for the e-book's page list: where each body page
 * of the PDF begins in the text. Built from the PDF's pagination (pdf_page_map). */
typedef struct xhtml_page {
    char label[16];            /* the printed folio: "1", "2"… */
    const model_node *node;    /* the block the page begins in (a paragraph, heading, figure, table row…) */
    int word;                  /* 0: before the block; n > 0: before word n (0-based) of its text */
} xhtml_page;

typedef struct xhtml_page_map {
    xhtml_page *pages;         /* in page order, positions never going back */
    size_t n;
    char *source;              /* names the print edition (dc:source); may be NULL */
} xhtml_page_map;

void xhtml_page_map_free(xhtml_page_map *m);

/* True for the bytes that separate words when a page position counts words: spaces,
 * control characters (both writers turn them into spaces) and U+2028. `s` points at
 * byte i of a NUL-terminated string; *len gets the separator's length. */
bool xhtml_word_space(const char *s, int *len);

/* The file name of chapter `index` (0-based) relative to EPUB/text/: "ch01.xhtml".
 * Caller frees. */
char *xhtml_chapter_file(size_t index);

/* What a footnote's back link shows when the caller has no better choice: "↑" (U+2191). */
#define XHTML_BACKLINK_DEFAULT "\xe2\x86\x91"

/* Chapter `index` as an XHTML5 content document. `backlink` is the text of each
 * footnote's link back to the text (a glyph the notes' font has; NULL: the default). */
void xhtml_chapter(const model_book *book, size_t index, const xhtml_image_map *images, const char *backlink,
                   buf *out);
/* The same with the print edition's page breaks (`pages` may be NULL): an empty
 * <span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/> where
 * each page listed for this chapter begins. */
void xhtml_chapter_paged(const model_book *book, size_t index, const xhtml_image_map *images, const char *backlink,
                         const xhtml_page_map *pages, buf *out);

/* The cover page (EPUB/cover.xhtml): the cover image when the book has one, and the title. */
void xhtml_cover(const model_book *book, const xhtml_image_map *images, buf *out);

/* The navigation document (EPUB/nav.xhtml): the table of contents (h1–h3, nested
 * as the headings nest) and the landmarks. */
void xhtml_nav(const model_book *book, buf *out);
/* With `pages` (may be NULL): also the page list (nav epub:type="page-list", hidden). */
void xhtml_nav_paged(const model_book *book, const xhtml_page_map *pages, buf *out);

/* The EPUB 2 navigation control file (EPUB/toc.ncx). */
void xhtml_ncx(const model_book *book, buf *out);
/* With `pages` (may be NULL): also the pageList and the page counts. */
void xhtml_ncx_paged(const model_book *book, const xhtml_page_map *pages, buf *out);

/* One manifest entry of the package document. */
typedef struct xhtml_item {
    const char *id;           /* XML name, unique */
    const char *href;         /* relative to EPUB/ */
    const char *media_type;
    const char *properties;   /* NULL or e.g. "nav", "cover-image" */
    bool spine;               /* listed in the spine, in item order */
} xhtml_item;

/* The package document (EPUB/package.opf). `modified` is the build time
 * (seconds since the epoch, UTC); `has_images` switches on the visual access mode. */
void xhtml_opf(const model_book *book, const xhtml_item *items, size_t n_items, int64_t modified,
               bool has_images, buf *out);
/* With `pages` (may be NULL): printPageNumbers, the page-break source and dc:source. */
void xhtml_opf_paged(const model_book *book, const xhtml_item *items, size_t n_items, int64_t modified,
                     bool has_images, const xhtml_page_map *pages, buf *out);

/* The identifier the package uses: meta.identifier, or a stable urn:uuid made
 * from the title and authors when the book has none. Caller frees. */
char *xhtml_identifier(const model_book *book);

/* Appends a URL with every byte a URI may not hold percent-encoded (%XX): spaces,
 * control characters, bytes outside ASCII (so UTF-8 text becomes %C3%A9…), the characters
 * " < > \ ^ ` { | }, a '%' that does not begin a %XX escape, and any '#' after the first.
 * Everything else, reserved characters included, is kept as written. */
void xhtml_uri_put(buf *out, const char *url);
/* The same as a new string. Caller frees. */
char *xhtml_uri(const char *url);

/* False when a URL names a host that no URI can hold: after "scheme://" and any
 * "user@", a name with other bytes than ASCII letters, digits and - . _ ~ ! $ & ' ( ) * + , ; =
 * (a space, a quote, a letter outside ASCII…), a bad [IP literal] or a port that is not a
 * number. Such a link is no link: the writers keep its text only. */
bool xhtml_uri_host_ok(const char *url);

/* Appends text escaped for XML, dropping characters XML 1.0 cannot hold. */
void xhtml_put_text(buf *out, const char *s);

#endif
