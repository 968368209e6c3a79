/* Fuzz target: chapter Markdown → model → the e-book's publication files (xhtml.c): each
 * chapter's XHTML with the print edition's page breaks, the navigation document, the NCX
 * and the cover page. Whatever the text, each must be well-formed XML (libxml2 reads it
 * without network or entities): EPUB readers refuse a book with one file that is not. */
#include <libxml/parser.h>

#include "ebook/xhtml.h"
#include "fuzz_book.h"

/* The writers' cost grows with the text; beyond this the fuzzer only measures them. */
#define FUZZ_XHTML_MAX 65536

static void well_formed(const buf *b) {
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "fuzz.xhtml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                             XML_PARSE_NOWARNING);
    if (!doc) abort();
    xmlFreeDoc(doc);
}

/* Every image of the book mapped to a container path, as epub.c maps them. */
static void map_images(const model_book *book, xhtml_image_map *map) {
    map->n = 0;
    for (size_t i = 0; i < book->n_chapters; i++) {
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
            if (ev != MODEL_EVENT_ENTER || (n->type != MODEL_FIGURE && n->type != MODEL_IMAGE)) continue;
            const char *path = n->as.figure.image.book_path;
            if (!path || xhtml_image_href(map, path)) continue;
            map->book_paths = xrealloc(map->book_paths, (map->n + 1) * sizeof *map->book_paths);
            map->hrefs = xrealloc(map->hrefs, (map->n + 1) * sizeof *map->hrefs);
            map->book_paths[map->n] = path;
            map->hrefs[map->n] = xasprintf("media/img-%02zu.png", map->n + 1);
            map->n++;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > FUZZ_XHTML_MAX) return 0;
    static bool quiet;
    if (!quiet) xmlSetGenericErrorFunc(NULL, NULL), quiet = true; /* libxml2's messages stay out of the log */
    diag d;
    fuzz_diag(&d);
    model_book *book = fuzz_book_from(data, size, &d, false);
    if (book) {
        xhtml_image_map map = {0};
        map_images(book, &map);
        /* a page at each block of the chapters, before its first, second or third word */
        model_page_map pages = {0};
        size_t cap = 0;
        for (size_t i = 0; i < book->n_chapters; i++)
            for (const model_node *b = book->chapters[i].root->first_child; b; b = b->next) {
                if (pages.n == cap) cap = cap ? 2 * cap : 16, pages.pages = xrealloc(pages.pages, cap * sizeof *pages.pages);
                model_page *pg = &pages.pages[pages.n];
                snprintf(pg->label, sizeof pg->label, "%zu", pages.n + 1);
                pg->node = b;
                pg->word = (int)(pages.n % 3);
                pages.n++;
            }
        buf out;
        buf_init(&out);
        for (size_t i = 0; i < book->n_chapters; i++) {
            out.len = 0;
            xhtml_chapter_paged(book, i, &map, NULL, &pages, &out);
            well_formed(&out);
        }
        out.len = 0;
        xhtml_nav_paged(book, &pages, &out);
        well_formed(&out);
        out.len = 0;
        xhtml_ncx_paged(book, &pages, &out);
        well_formed(&out);
        out.len = 0;
        xhtml_cover(book, &map, &out);
        well_formed(&out);
        buf_free(&out);
        free(pages.pages);
        for (size_t i = 0; i < map.n; i++) free((char *)map.hrefs[i]);
        free(map.hrefs), free(map.book_paths);
        model_book_free(book);
    }
    diag_free(&d);
    return 0;
}
