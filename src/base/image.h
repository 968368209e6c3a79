/* image: decoding PNG and JPEG bytes held in memory, for the loader's checks and the
 * print writer's drawing alike. */
#ifndef QUIRE_IMAGE_H
#define QUIRE_IMAGE_H

#include <stddef.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

/* A full decode (truncated and corrupt files fail). Never NULL: check
 * cairo_surface_status; the caller destroys the surface either way. */
cairo_surface_t *image_png_decode(const unsigned char *data, size_t len);

/* The decoded JPEG (the caller unrefs it), or NULL with *why set to the decoder's
 * message (malloc'd; NULL when it gave none). */
GdkPixbuf *image_jpeg_decode(const unsigned char *data, size_t len, char **why);

/* The resolution a PNG (pHYs) or JPEG (JFIF density) states, in pixels per inch, read with
 * gdk-pixbuf's loader of `loader_type` ("png", "jpeg"); 0 when it states none. */
double image_ppi(const unsigned char *data, size_t len, const char *loader_type);

#endif
