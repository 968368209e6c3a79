/* epub: the e-book writer. Model to XHTML chapters, nav, CSS from the style,
 * zipped with libzip into an EPUB 3 package. */
#ifndef QUIRE_EPUB_H
#define QUIRE_EPUB_H

#include "diag.h"
#include "model.h"

/* Writes `out_path` atomically. Returns QUIRE_OK, QUIRE_EINPUT or QUIRE_EIO. */
int epub_write(const model_book *book, const char *out_path, diag *d);

#endif
