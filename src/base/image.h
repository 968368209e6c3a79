/* image: decoding PNG and JPEG bytes held in memory (and WebP and GIF into PNG), for the loader's checks and the
 * print writer's drawing alike. */
#ifndef QUIRE_IMAGE_H
#define QUIRE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

/* The largest image quire decodes: cairo cannot hold a side over 32767 pixels, and the
 * pixel count bounds the memory one decoded image takes (4 bytes a pixel, 200 MB). */
#define IMAGE_MAX_SIDE 32767
#define IMAGE_MAX_PIXELS 50000000L

/* The width and height a PNG or JPEG header states, read with gdk-pixbuf's loader of
 * `loader_type` ("png", "jpeg") without decoding a pixel. False when the header is
 * unreadable (the full decode then says why). */
bool image_header_size(const unsigned char *data, size_t len, const char *loader_type, int *w, int *h);
/* True when an image of w × h pixels is within IMAGE_MAX_SIDE and IMAGE_MAX_PIXELS. */
bool image_size_allowed(long w, long h);
/* "too large: 40000 × 16 pixels (at most 32767 pixels a side and 50 million in all)" (malloc'd). */
char *image_too_large(long w, long h);

/* A full decode (truncated and corrupt files fail). Never NULL: check
 * cairo_surface_status; the caller destroys the surface either way. */
cairo_surface_t *image_png_decode(const unsigned char *data, size_t len);

/* Why the PNG would not decode (libpng's message, malloc'd), or NULL when it would, with
 * *width and *height set: every row is read through libpng as cairo's decoder reads them
 * (warnings pass), into one row kept by no one: the inflating without the image's memory
 * or cairo's conversion of its pixels. */
char *image_png_check(const unsigned char *data, size_t len, int *width, int *height);

/* A PNG that PDF can show from its own compressed data (FlateDecode with the PNG
 * predictors): 8 bits a sample, grey or RGB, no transparency, not interlaced, under 65536
 * pixels a side. `colors` is 1 or 3. When `idat` is given, the image data (every IDAT
 * chunk's, one zlib stream) is copied there (malloc'd, *idat_len bytes). False for any
 * other PNG. Only the chunk structure is read: the loader has decoded the file in full. */
bool image_png_flat(const unsigned char *data, size_t len, int *width, int *height, int *colors, unsigned char **idat,
                    size_t *idat_len);

/* The decoded JPEG (the caller unrefs it), or NULL with *why set to the decoder's
 * message (malloc'd; NULL when it gave none). */
GdkPixbuf *image_jpeg_decode(const unsigned char *data, size_t len, char **why);

/* The resolution a PNG (pHYs) or JPEG (JFIF density) states, in pixels per inch, read with
 * gdk-pixbuf's loader of `loader_type` ("png", "jpeg"); 0 when it states none. */
double image_ppi(const unsigned char *data, size_t len, const char *loader_type);

/* "webp" or "gif" when the bytes are a WebP or GIF image (by their signature), else NULL. */
const char *image_convertible(const unsigned char *data, size_t len);

/* A WebP (libwebp) or GIF (gdk-pixbuf; an animation's first frame) image re-encoded as
 * PNG: the raster format both writers draw and EPUB 3's core media types hold. NULL with
 * *why set (malloc'd) when the bytes do not decode. Caller frees. */
unsigned char *image_png_from(const unsigned char *data, size_t len, size_t *png_len, char **why);

#endif
