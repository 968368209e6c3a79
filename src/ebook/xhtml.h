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

#include "base/util.h"
#include "model/model.h"

/* Where each image of the book goes in the container. Built by the caller
 * (epub.c) so that an image used twice is stored once. */
typedef struct xhtml_image_map {
    const char **book_paths;  /* model_image.book_path */
    const char **hrefs;       /* relative to EPUB/, e.g. "media/img-01.svg" */
    size_t n;
} xhtml_image_map;

/* The container path of an image (relative to EPUB/), or NULL when unmapped. */
const char *xhtml_image_href(const xhtml_image_map *map, const char *book_path);

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
                         const model_page_map *pages, buf *out);

/* The cover page (EPUB/cover.xhtml): the cover image when the book has one, and the title. */
void xhtml_cover(const model_book *book, const xhtml_image_map *images, buf *out);

/* The navigation document (EPUB/nav.xhtml): the table of contents (h1–h3, nested
 * as the headings nest) and the landmarks. */
void xhtml_nav(const model_book *book, buf *out);
/* With `pages` (may be NULL): also the page list (nav epub:type="page-list", hidden). */
void xhtml_nav_paged(const model_book *book, const model_page_map *pages, buf *out);

/* The EPUB 2 navigation control file (EPUB/toc.ncx). */
void xhtml_ncx(const model_book *book, buf *out);
/* With `pages` (may be NULL): also the pageList and the page counts. */
void xhtml_ncx_paged(const model_book *book, const model_page_map *pages, buf *out);

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
                     bool has_images, const model_page_map *pages, buf *out);

/* The identifier the package uses: meta.identifier, or a stable urn:uuid made
 * from the title and authors when the book has none. Caller frees. */
char *xhtml_identifier(const model_book *book);


#endif
