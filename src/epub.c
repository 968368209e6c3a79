/* epub: placeholder until the e-book writer lands; never writes a fake artifact. */
#include "epub.h"

int epub_write(const model_book *book, const char *out_path, diag *d) {
    (void)book;
    diag_error(d, NULL, 0, 0, "the EPUB writer is not written yet; %s was not written", out_path);
    return QUIRE_EINPUT;
}
