/* fonts: the bundled font files, registered with fontconfig as application fonts
 * so output never depends on the fonts a machine has installed. */
#ifndef QUIRE_FONTS_H
#define QUIRE_FONTS_H

#include <fontconfig/fontconfig.h>
#include <pango/pango.h>

#include "diag.h"
#include "model.h"

/* Scans book->font_dirs and fills book->fonts with the faces of every family the
 * style names. An unknown family is an error at the style's position. */
bool fonts_scan(model_book *book, diag *d);

/* A fontconfig configuration holding only the book's font folders (no system fonts).
 * Owned by this module, cached per set of folders for the process. */
FcConfig *fonts_config(const model_book *book);

/* A PangoCairo font map on that configuration. Owned by this module: callers
 * must not unref it (take a reference with g_object_ref to keep it past fonts_release).
 * Render through a context made from it (pango_font_map_create_context, or
 * pango_cairo_update_context on a context made from it) so only the bundled files are used. */
PangoFontMap *fonts_font_map(const model_book *book);
/* A second such map, for laying text out on a second thread at the same time (a
 * Pango font map must not be used from two threads at once). Same ownership rules. */
PangoFontMap *fonts_font_map_second(const model_book *book);

/* Drops every cached configuration and font map and finalises fontconfig, so leak
 * checkers see a clean exit. Call once at exit, after every Pango object is released;
 * no fontconfig or Pango font call may follow. */
void fonts_release(void);

#endif
