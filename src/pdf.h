/* pdf: the print writer. Lays the model out with Pango, paginates, draws onto a
 * Cairo PDF surface and finishes the file (tags, labels, boxes). */
#ifndef QUIRE_PDF_H
#define QUIRE_PDF_H

#include "diag.h"
#include "model.h"

typedef struct pdf_result {
    int pages;
} pdf_result;

/* Writes `out_path` atomically. Returns QUIRE_OK, QUIRE_EINPUT or QUIRE_EIO. */
int pdf_write(const model_book *book, const char *out_path, pdf_result *res, diag *d);

/* Writes every page as `page-NNN.png` and one `contact-sheet.png` into out_dir. */
int pdf_preview(const model_book *book, const char *out_dir, double dpi, diag *d);

#endif
