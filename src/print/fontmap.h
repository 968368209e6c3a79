/* fontmap: PangoCairo font maps bound to the book's private fontconfig configuration
 * (model/fontset), so the PDF is set only in the book's own and quire's bundled fonts. */
#ifndef QUIRE_FONTMAP_H
#define QUIRE_FONTMAP_H

#include <pango/pango.h>

#include "model/model.h"

/* The book's font map. Owned by this module: callers must not unref it (take a
 * reference with g_object_ref to keep it past fontmap_release). Render through a
 * context made from it (pango_font_map_create_context, or pango_cairo_update_context
 * on a context made from it) so only the book's font files are used. */
PangoFontMap *fontmap_for(const model_book *book);
/* A second such map, for laying text out on a second thread at the same time (a
 * Pango font map must not be used from two threads at once). Same ownership rules. */
PangoFontMap *fontmap_second(const model_book *book);

/* Drops every font map. Call once at exit, after every Pango object is released and
 * before fontset_release. */
void fontmap_release(void);

#endif
