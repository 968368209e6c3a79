/* css: the e-book's style sheet, generated from the same resolved style the PDF uses. */
#ifndef QUIRE_CSS_H
#define QUIRE_CSS_H

#include "model/style.h"

/* The CSS for the e-book, generated from the same sheet. `font_css` (may be NULL)
 * is prepended (the @font-face rules). Caller frees the result. */
char *style_to_css(const style_sheet *s, const char *font_css);

#endif
