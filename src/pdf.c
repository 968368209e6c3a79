/* pdf: placeholder until the print writer lands; never writes a fake artifact. */
#include "pdf.h"

int pdf_write(const model_book *book, const char *out_path, pdf_result *res, diag *d) {
    (void)book;
    (void)res;
    diag_error(d, NULL, 0, 0, "the PDF writer is not written yet; %s was not written", out_path);
    return QUIRE_EINPUT;
}

int pdf_preview(const model_book *book, const char *out_dir, double dpi, diag *d) {
    (void)book, (void)dpi;
    diag_error(d, NULL, 0, 0, "the PDF writer is not written yet; nothing written to %s", out_dir);
    return QUIRE_EINPUT;
}
