/* markdown: one chapter's CommonMark + GFM source (cmark-gfm) into model nodes. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include "base/diag.h"
#include "model/model.h"

/* Parses `src` into ch->root and sets ch->id and ch->title (ch->file already set).
 * Footnotes are numbered as they are first referenced and appended to book->footnotes,
 * so parsing chapters in order numbers them across the book. Images go through
 * book_resolve_image. False after reporting errors (ch->root is still set). */
bool markdown_parse_chapter(model_book *book, model_chapter *ch, int index, const char *src, size_t len, diag *d);

/* After all chapters: resolves internal links ("#id", "file.md", "file.md#id") to
 * their targets (as.link.target). False after reporting errors. */
bool markdown_link_book(model_book *book, diag *d);

#endif
