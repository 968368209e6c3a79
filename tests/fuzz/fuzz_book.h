/* fuzz_book: a book made in memory the way book_load makes one (book.c), with the
 * default style and the chapters taken from the fuzzer's bytes. Images resolve
 * inside the robust tests' tiny fixture book, so inputs may name its images. */
#ifndef QUIRE_FUZZ_BOOK_H
#define QUIRE_FUZZ_BOOK_H

#include "fuzz_common.h"
#include "load/book.h"
#include "load/fonts.h"
#include "load/markdown.h"
#include "load/style.h"
#include "model/facts.h"
#include "model/model.h"

#ifndef QUIRE_SOURCE_DIR
#error "QUIRE_SOURCE_DIR must name the source tree"
#endif

#define FUZZ_MAX_CHAPTERS 4

/* Splits the input at form feeds (\f) into up to FUZZ_MAX_CHAPTERS chapters, each
 * checked as book.c checks a chapter file (UTF-8, no NUL, not blank) and parsed.
 * Returns the book when every chapter parsed and the links resolved, else NULL. */
static inline model_book *fuzz_book_from(const uint8_t *data, size_t size, diag *d, bool with_fonts) {
    static char *book_dir;
    if (!book_dir) {
        book_dir = path_real(QUIRE_SOURCE_DIR "/tests/robust/fixtures/tiny");
        if (!book_dir) abort();
    }
    const char *src = (const char *)data;
    if (utf8_find_invalid(src, size) >= 0) return NULL;

    model_book *book = model_book_new();
    book->dir = arena_strdup(book->mem, book_dir);
    book->manifest = "book.yaml";
    book->meta.name = "fuzz";
    book->meta.title = "Fuzz";
    book->meta.language = "en";
    book->meta.identifier = "urn:uuid:00000000-0000-4000-8000-000000000000";
    book->style = xcalloc(1, sizeof *book->style);
    style_defaults(book->style);
    book->style->mem = arena_new();
    if (with_fonts) {
        book->font_dirs = arena_alloc(book->mem, sizeof *book->font_dirs);
        book->font_dirs[0] = QUIRE_SOURCE_DIR "/fonts";
        book->n_font_dirs = 1;
        if (!fonts_scan(book, d)) abort(); /* the bundled fonts always load */
    }

    size_t starts[FUZZ_MAX_CHAPTERS], lens[FUZZ_MAX_CHAPTERS], n = 0, at = 0;
    while (n < FUZZ_MAX_CHAPTERS) {
        const char *ff = n + 1 < FUZZ_MAX_CHAPTERS ? memchr(src + at, '\f', size - at) : NULL;
        size_t end = ff ? (size_t)(ff - src) : size;
        starts[n] = at, lens[n] = end - at, n++;
        if (!ff) break;
        at = end + 1;
    }
    book->chapters = arena_alloc(book->mem, n * sizeof *book->chapters);
    book->n_chapters = n;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        model_chapter *ch = &book->chapters[i];
        ch->file = arena_printf(book->mem, "chapters/%02zu.md", i + 1);
        bool blank = true;
        for (size_t k = 0; k < lens[i] && blank; k++)
            if (!strchr(" \t\r\n\v\f", src[starts[i] + k])) blank = false;
        if (blank) {
            ok = false;
            break;
        }
        if (!markdown_parse_chapter(book, ch, (int)i, src + starts[i], lens[i], &book_files, d)) ok = false;
        if (!ch->root) abort(); /* the writers walk every chapter's root */
    }
    if (ok && !markdown_link_book(book, d)) ok = false;
    if (ok) model_contents_build(book, book->style->contents_depth);
    if (!ok) {
        model_book_free(book);
        return NULL;
    }
    return book;
}

#endif
