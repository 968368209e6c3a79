/* rsvglib: librsvg behind lazylib (see rsvglib.h). */
#include "base/rsvglib.h"

#include "base/xmllib.h" /* librsvg reads SVG with libxml2: it is opened first */

#include <string.h>

#include <librsvg/rsvg.h>

/* Every librsvg function quire calls (LAZYLIB_WRAP's list). */
#define RSVG_FUNCTIONS(F, V)                                                                                    \
    V(rsvg_handle_get_intrinsic_dimensions,                                                                     \
      (RsvgHandle * handle, gboolean * out_has_width, RsvgLength * out_width, gboolean * out_has_height,        \
       RsvgLength * out_height, gboolean * out_has_viewbox, RsvgRectangle * out_viewbox),                       \
      (handle, out_has_width, out_width, out_has_height, out_height, out_has_viewbox, out_viewbox))             \
    F(gboolean, rsvg_handle_get_intrinsic_size_in_pixels, (RsvgHandle * handle, gdouble * w, gdouble * h),     \
      (handle, w, h))                                                                                           \
    F(RsvgHandle *, rsvg_handle_new_from_data, (const guint8 *data, gsize data_len, GError **error),           \
      (data, data_len, error))                                                                                  \
    F(gboolean, rsvg_handle_render_document,                                                                    \
      (RsvgHandle * handle, cairo_t * cr, const RsvgRectangle *viewport, GError **error),                      \
      (handle, cr, viewport, error))                                                                            \
    V(rsvg_handle_set_dpi, (RsvgHandle * handle, double dpi), (handle, dpi))

LAZYLIB_WRAP(rsvglib, QUIRE_RSVG_SONAME, &xmllib, RSVG_FUNCTIONS, )
