/* fonts: finds the faces the style names among the book's font folders and the
 * bundled ones (model/fontset), so output never depends on the fonts a machine has. */
#ifndef QUIRE_FONTS_H
#define QUIRE_FONTS_H

#include "base/diag.h"
#include "model/model.h"

/* Scans book->font_dirs and fills book->fonts with the faces of every family the
 * style names. An unknown family is an error at the style's position. */
bool fonts_scan(model_book *book, diag *d);

#endif
