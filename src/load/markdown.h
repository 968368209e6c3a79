/* markdown: one chapter's CommonMark + GFM source (cmark-gfm) into model nodes. The
 * reader does no I/O and knows nothing of the book folder: files come through a resolver. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include "base/diag.h"
#include "load/srcmap.h"
#include "model/model.h"

/* What the reader asks of its caller, as md4c takes callbacks: it reads no file itself.
 * `image` turns an image reference written at `pos` into a checked image (the loader
 * finds, reads and checks the file); false after reporting why not. */
typedef struct markdown_resolver {
    bool (*image)(void *ctx, model_book *book, const char *ref, model_pos pos, model_image *out, diag *d);
    void *ctx;
} markdown_resolver;

/* Parses `src` into ch->root and sets ch->id and ch->title (ch->file already set; a
 * ch->title set before stands in for a chapter without a heading).
 * Footnotes are numbered as they are first referenced and appended to book->footnotes,
 * so parsing chapters in order numbers them across the book. Images go through
 * `res`. False after reporting errors (ch->root is still set). */
bool markdown_parse_chapter(model_book *book, model_chapter *ch, int index, const char *src, size_t len,
                            const markdown_resolver *res, diag *d);

/* The same for a chapter put together from several files (mdBook's {{#include}}):
 * `map` tells where each stretch was written, so the model's positions and the messages
 * name the file and line as the author wrote them. */
bool markdown_parse_included(model_book *book, model_chapter *ch, int index, const char *src, size_t len,
                             const srcmap *map, const markdown_resolver *res, diag *d);

/* After all chapters (links.c): resolves internal links ("#id", "file.md", "/file.md#id",
 * "docs/" for docs/README.md) to their targets (as.link.target). A fragment is quire's
 * id, GitHub's slug of a heading in that chapter, or either ignoring case. A link to a
 * file that is no chapter warns and leads to book.yaml's links-base, else becomes plain
 * text. False after reporting errors (a fragment that matches nothing). */
bool markdown_link_book(model_book *book, diag *d);

/* GitHub's anchor for a heading's text ("Why doesn't X?" gives "why-doesnt-x"). Caller frees. */
char *markdown_github_slug(const char *text);

#endif
