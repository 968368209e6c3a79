/* fontmap: PangoCairo font maps bound to the book's private fontconfig configuration
 * (model/fontset), so the PDF is set only in the book's own and quire's bundled fonts. */
#ifndef QUIRE_FONTMAP_H
#define QUIRE_FONTMAP_H

#include <stdbool.h>

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

/* The system's own fonts, for a character no book font has: a font map on the
 * machine's fontconfig configuration (loaded on first use), one per thread slot
 * (second as for fontmap_second). NULL when the system has no configuration. Same
 * ownership rules as fontmap_for. */
PangoFontMap *fontmap_system(bool second);
/* The family of a system font that has character c (malloc'd), or NULL. */
char *fontmap_system_family(gunichar c);

/* Drops every font map. Call once at exit, after every Pango object is released and
 * before fontset_release. */
void fontmap_release(void);

#endif
