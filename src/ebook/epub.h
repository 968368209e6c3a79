/* epub: the e-book writer. Model to XHTML chapters, nav, CSS from the style,
 * zipped with libzip into an EPUB 3 package. */
#ifndef QUIRE_EPUB_H
#define QUIRE_EPUB_H

#include "base/diag.h"
#include "base/util.h"
#include "model/model.h"

/* Writes `out_path` atomically. Returns QUIRE_OK, QUIRE_EINPUT or QUIRE_EIO. */
int epub_write(const model_book *book, const char *out_path, diag *d);

/* The same with the print edition's pages (may be NULL): page breaks in the text, the
 * page list in the navigation document and the NCX, printPageNumbers in the package. */
struct model_page_map;
int epub_write_paged(const model_book *book, const struct model_page_map *pages, const char *out_path, diag *d);
/* The same into `out`, opened with atomic_open, which the caller commits or aborts (a
 * build commits its EPUB only when its PDF is complete too). Messages name out->path. */
int epub_write_to(const model_book *book, const struct model_page_map *pages, atomic_file *out, diag *d);

#endif
