/* markdown: one chapter's CommonMark + GFM source (cmark-gfm) into model nodes. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include "diag.h"
#include "model.h"

/* Parses `src` into ch->root (ch->file already set). Footnote definitions go
 * to the book's footnote list as they are referenced. False after reporting errors. */
bool markdown_parse_chapter(model_book *book, model_chapter *ch, int index, const char *src, size_t len, diag *d);

/* After all chapters: resolves internal links (#id) to their targets and numbers
 * footnotes in order of first reference. False after reporting errors. */
bool markdown_link_book(model_book *book, diag *d);

#endif
