/* book: loads a book folder (book.yaml, chapters, style, fonts, images) into the model.
 * The only entry point writers' callers need before writing. */
#ifndef QUIRE_BOOK_H
#define QUIRE_BOOK_H

#include "base/diag.h"
#include "load/markdown.h"
#include "model/model.h"

typedef struct book_options {
    const char *style_path;  /* --style FILE: overrides book.yaml's style */
    const char *paper;       /* --paper a4|letter, or NULL */
    /* Called once book.yaml and the style are read, before the chapters: the caller may
     * start work that needs only those (a writer's hyphenation patterns); chapter_bytes
     * is the size of the chapter files listed, by the file system. May be NULL. */
    void (*on_style)(const model_book *book, size_t chapter_bytes, void *arg);
    void *on_style_arg;
    bool strict;             /* --strict: warnings are errors (book.yaml's `strict: true` too) */
} book_options;

/* Loads and checks the whole book. NULL after reporting errors to d. With --strict or
 * `strict: true` d->strict is set (and left set, so the writers' warnings count too). */
model_book *book_load(const char *dir, const book_options *opt, diag *d);

/* The build time, read once per book: SOURCE_DATE_EPOCH when set (0 to 253402300799),
 * else now. 0 with *out (and *from_env, when not NULL) set; -1 after reporting
 * `SOURCE_DATE_EPOCH: error: '…' is not a number of seconds between 0 and 253402300799`. */
int book_timestamp(int64_t *out, bool *from_env, diag *d);

/* Folders searched for styles/ and fonts/ after the book folder itself:
 * $QUIRE_DATA_DIR, the executable's parent folder (a build tree or a checkout),
 * <exe>/../share/quire and the install prefix. NULL-terminated, static. */
const char *const *book_data_dirs(void);



/* The resolver the loader gives the Markdown reader: images are files of the book,
 * found and checked by book_resolve_image. */
extern const markdown_resolver book_files;

#endif
