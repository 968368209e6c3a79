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

/* How a PDF shows a PNG (PDF 32000-1, 8.9.5), decided from its chunks alone: its colour data
 * as one FlateDecode stream and its transparency as a colour-key mask or a soft mask. */
typedef struct image_pdf {
    int width, height;
    int colors;                     /* components a pixel: 1 (grey or a palette index) or 3 (RGB) */
    int bits;                       /* bits a component: 1, 2, 4, 8 or 16 */
    int palette_n;                  /* > 0: indexed colour over palette_n RGB entries */
    unsigned char palette[3 * 256];
    int n_key;                      /* a colour-key mask (/Mask): n_key values, min and max per component */
    unsigned key[6];
    bool own;                       /* the colour data are the PNG's IDAT data as they are (PNG
                                     * predictors, /Columns width); else decoded rows, no predictor */
    bool soft;                      /* a soft mask (/SMask): alpha rows of `bits` bits (8 or 16) */
    /* Filled by image_pdf_data (malloc'd zlib streams; alpha NULL without a soft mask). */
    unsigned char *color, *alpha;
    size_t color_len, alpha_len;
} image_pdf;

/* What a PDF needs of the PNG: its IDAT data as they are when it is not interlaced and has no
 * alpha channel and no transparency beyond one colour (grey, RGB) or one run of palette
 * entries (a colour key); else the decoded rows, the alpha apart (a soft mask). Only the
 * chunks are read. False when they are unreadable or the image is over IMAGE_MAX_SIDE or
 * IMAGE_MAX_PIXELS (the caller then decodes it as any other). */
bool image_pdf_plan(const unsigned char *data, size_t len, image_pdf *p);

/* Fills p->color (and p->alpha) for a plan of these bytes: a copy of the IDAT data, or one
 * decode (libpng, 16 bits scaled to 8 and palettes expanded to RGB only where decoded)
 * deflated again. A soft mask that is opaque everywhere is dropped (p->soft false). False
 * when the data do not decode; p then holds no data. */
bool image_pdf_data(const unsigned char *data, size_t len, image_pdf *p);

/* Frees what image_pdf_data filled in. */
void image_pdf_release(image_pdf *p);

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
