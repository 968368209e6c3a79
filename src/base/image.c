/* image: PNG (cairo, libpng) and JPEG (gdk-pixbuf) bytes → decoded images; WebP and GIF → PNG. */
#include "base/image.h"

#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <setjmp.h>
#include <webp/decode.h>
#include <zlib.h>

#include "base/util.h"

typedef struct mem_reader {
    const unsigned char *data;
    size_t len, at;
} mem_reader;

static cairo_status_t read_mem(void *closure, unsigned char *out, unsigned int n) {
    mem_reader *r = closure;
    if (n > r->len - r->at) return CAIRO_STATUS_READ_ERROR;
    memcpy(out, r->data + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *image_png_decode(const unsigned char *data, size_t len) {
    mem_reader r = {data, len, 0};
    return cairo_image_surface_create_from_png_stream(read_mem, &r);
}

static unsigned long be32(const unsigned char *p) {
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/*** libpng over bytes in memory, shared by the check and the resolution reader ***/

static void png_mem_read(png_structp png, png_bytep out, size_t n) {
    mem_reader *r = png_get_io_ptr(png);
    if (n > r->len - r->at) png_error(png, "the file ends early (truncated?)");
    memcpy(out, r->data + r->at, n);
    r->at += n;
}

/* libpng reads from r; no chunk it buffers may be larger than the file (libpng allocates
 * the length a chunk states before it reads a byte of it: 2 GB for a stated 0x7FFFFFFF). */
static void png_read_from(png_structp png, mem_reader *r) {
    png_set_read_fn(png, r, png_mem_read);
    png_set_chunk_malloc_max(png, r->len);
}

/* Why the chunks after the signature do not fit in the file (a static string), or NULL. The
 * check refuses such a file before any decoder (libpng's, cairo's, gdk-pixbuf's) allocates
 * what a chunk states. */
static const char *chunks_past_end(const unsigned char *data, size_t len) {
    size_t at = 8;
    while (at + 8 <= len) { /* a chunk's length and type are there: its data and CRC must be too */
        unsigned long n = be32(data + at);
        if (at + 12 > len || n > len - at - 12) return "a chunk runs past the end of the file (truncated?)";
        if (memcmp(data + at + 4, "IEND", 4) == 0) return NULL;
        at += 12 + n;
    }
    return NULL; /* no IEND: libpng says what is missing */
}

/* Warnings pass, as they do in cairo's decoder: what passes here decodes for drawing. */
static void png_quiet(png_structp png, png_const_charp msg) {
    (void)png, (void)msg;
}

/* An error where the caller needs no message: back to its setjmp. */
static void png_jump_out(png_structp png, png_const_charp msg) {
    (void)msg;
    png_longjmp(png, 1);
}

/*** checking a PNG: every row read through libpng, none kept ***/

typedef struct png_check {
    mem_reader in;
    char *why;               /* libpng's error */
    png_bytep row;           /* the one row every row is read into */
} png_check;

static void check_error(png_structp png, png_const_charp msg) {
    png_check *c = png_get_error_ptr(png);
    if (!c->why) c->why = xstrdup(msg && *msg ? msg : "unreadable");
    png_longjmp(png, 1);
}

/* Reads every row into c->row, then the chunks after the image; an error jumps out. */
static void check_rows(png_structp png, png_infop info, png_check *c) {
    png_read_info(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    c->row = png_malloc(png, png_get_rowbytes(png, info));
    for (int p = 0; p < passes; p++)
        for (png_uint_32 y = 0; y < h; y++) png_read_row(png, c->row, NULL);
    png_read_end(png, info);
}

/* libpng's errors return here; nothing local changes after setjmp. */
static void check_all(png_structp png, png_infop info, png_check *c) {
    if (setjmp(png_jmpbuf(png)) == 0) check_rows(png, info, c);
}

char *image_png_check(const unsigned char *data, size_t len, int *width, int *height) {
    png_check c = {{data, len, 0}, NULL, NULL};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, check_error, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
        return xstrdup("not enough memory");
    }
    const char *past = len >= 8 ? chunks_past_end(data, len) : NULL;
    if (past) {
        png_destroy_read_struct(&png, &info, NULL);
        return xstrdup(past);
    }
    png_read_from(png, &c.in);
    check_all(png, info, &c);
    if (!c.why) *width = (int)png_get_image_width(png, info), *height = (int)png_get_image_height(png, info);
    png_free(png, c.row);
    png_destroy_read_struct(&png, &info, NULL);
    return c.why;
}

/*** PNGs for a PDF ***/

/* The chunks a plan reads: IHDR, PLTE and tRNS, and the size of the image data. */
typedef struct png_chunks {
    const unsigned char *ihdr, *plte, *trns;
    size_t plte_len, trns_len, idat_len;
} png_chunks;

/* Walks the chunks to IEND; false when one runs past the end or there is no image data. */
static bool read_chunks(const unsigned char *data, size_t len, png_chunks *c) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memset(c, 0, sizeof *c);
    if (len < 8 + 25 || memcmp(data, sig, 8) != 0 || memcmp(data + 12, "IHDR", 4) != 0 || be32(data + 8) != 13)
        return false;
    c->ihdr = data + 16;
    for (size_t at = 8; at + 12 <= len;) {
        size_t n = be32(data + at);
        const unsigned char *type = data + at + 4, *body = data + at + 8;
        if (n > len - at - 12) return false;
        if (memcmp(type, "IDAT", 4) == 0) c->idat_len += n;
        else if (memcmp(type, "PLTE", 4) == 0 && !c->idat_len) c->plte = body, c->plte_len = n;
        else if (memcmp(type, "tRNS", 4) == 0 && !c->idat_len) c->trns = body, c->trns_len = n;
        else if (memcmp(type, "IEND", 4) == 0) return c->idat_len > 0;
        at += 12 + n;
    }
    return false;
}

/* The bit depths PNG allows for a colour type. */
static bool depth_allowed(int type, int depth) {
    switch (type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
    }
}

static unsigned be16(const unsigned char *p) {
    return (unsigned)p[0] << 8 | p[1];
}

/* A palette's tRNS as a colour key: the fully transparent entries one run [lo, hi], every
 * other entry opaque. False when some entry is partly transparent or the runs are several. */
static bool palette_key(const png_chunks *c, int n_palette, image_pdf *p) {
    int lo = -1, hi = -1;
    size_t n = c->trns_len < (size_t)n_palette ? c->trns_len : (size_t)n_palette;
    for (size_t i = 0; i < n; i++) {
        if (c->trns[i] == 255) continue;
        if (c->trns[i] != 0 || (hi >= 0 && hi != (int)i - 1)) return false;
        if (lo < 0) lo = (int)i;
        hi = (int)i;
    }
    if (lo >= 0) p->n_key = 2, p->key[0] = (unsigned)lo, p->key[1] = (unsigned)hi;
    return true;
}

/* A grey or RGB tRNS (one colour fully transparent) as a colour key. A chunk of the wrong
 * size is ignored, as libpng ignores it; a value beyond the depth matches no pixel. */
static void colour_key(const png_chunks *c, int type, int depth, image_pdf *p) {
    int n = type == 2 ? 3 : 1;
    if (c->trns_len != (size_t)(2 * n)) return;
    for (int i = 0; i < n; i++) {
        unsigned v = be16(c->trns + 2 * i);
        if (v >= 1u << depth) return;
        p->key[2 * i] = p->key[2 * i + 1] = v;
    }
    p->n_key = 2 * n;
}

bool image_pdf_plan(const unsigned char *data, size_t len, image_pdf *p) {
    memset(p, 0, sizeof *p);
    png_chunks c;
    if (!read_chunks(data, len, &c)) return false;
    const unsigned char *h = c.ihdr;
    unsigned long w = be32(h), ht = be32(h + 4);
    int depth = h[8], type = h[9], interlace = h[12];
    if (!image_size_allowed((long)w, (long)ht) || !depth_allowed(type, depth) || h[10] != 0 || h[11] != 0 ||
        interlace > 1)
        return false;
    int n_palette = (int)(c.plte_len / 3);
    if (type == 3 && (!c.plte || c.plte_len % 3 != 0 || n_palette == 0 || n_palette > 1 << depth)) return false;
    p->width = (int)w, p->height = (int)ht;
    p->own = interlace == 0 && type != 4 && type != 6 && (type != 3 || !c.trns || palette_key(&c, n_palette, p));
    if (p->own) {
        p->colors = type == 2 ? 3 : 1, p->bits = depth;
        if (type == 3) p->palette_n = n_palette, memcpy(p->palette, c.plte, (size_t)n_palette * 3);
        if (type != 3 && c.trns) colour_key(&c, type, depth, p);
    } else {
        /* decoded: 8 bits, palettes expanded, any transparency an alpha channel */
        p->colors = type == 0 || type == 4 ? 1 : 3, p->bits = 8;
        p->soft = type == 4 || type == 6 || c.trns;
    }
    return true;
}

/* The image data of every IDAT chunk, one zlib stream (the chunks were walked by the plan). */
static bool copy_idat(const unsigned char *data, size_t len, image_pdf *p) {
    png_chunks c;
    if (!read_chunks(data, len, &c)) return false;
    p->color = xmalloc(c.idat_len), p->color_len = 0;
    for (size_t at = 8; at + 12 <= len;) {
        size_t n = be32(data + at);
        if (memcmp(data + at + 4, "IDAT", 4) == 0) memcpy(p->color + p->color_len, data + at + 8, n), p->color_len += n;
        if (memcmp(data + at + 4, "IEND", 4) == 0) break;
        at += 12 + n;
    }
    return true;
}

/* A decode into 8-bit rows of 1 to 4 channels: grey, grey + alpha, RGB, RGBA. */
typedef struct png_pixels {
    mem_reader in;
    bool failed;
    png_bytep px;
    png_bytepp rows;
    int channels;
} png_pixels;

static void pixels_error(png_structp png, png_const_charp msg) {
    png_pixels *d = png_get_error_ptr(png);
    (void)msg;
    d->failed = true;
    png_longjmp(png, 1);
}

static void read_pixels(png_structp png, png_infop info, png_pixels *d) {
    png_read_info(png, info);
    int type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_scale_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    size_t stride = png_get_rowbytes(png, info);
    d->channels = png_get_channels(png, info);
    if (d->channels < 1 || d->channels > 4 || stride != (size_t)w * (size_t)d->channels) png_error(png, "layout");
    d->px = png_malloc(png, stride * h);
    d->rows = png_malloc(png, h * sizeof *d->rows);
    for (png_uint_32 y = 0; y < h; y++) d->rows[y] = d->px + (size_t)y * stride;
    png_read_image(png, d->rows);
    png_read_end(png, NULL);
}

/* libpng's errors return here; nothing local changes after setjmp. */
static void read_pixels_guarded(png_structp png, png_infop info, png_pixels *d) {
    if (setjmp(png_jmpbuf(png)) == 0) read_pixels(png, info, d);
}

static bool deflate_bytes(const unsigned char *in, size_t n, unsigned char **out, size_t *out_len) {
    uLongf cap = compressBound((uLong)n);
    *out = xmalloc(cap);
    if (compress2(*out, &cap, in, (uLong)n, Z_DEFAULT_COMPRESSION) != Z_OK) {
        free(*out), *out = NULL;
        return false;
    }
    *out_len = cap;
    return true;
}

/* The decoded pixels split into colour and alpha rows and deflated; an alpha that is opaque
 * everywhere is left out. */
static bool split_deflate(const png_pixels *d, image_pdf *p) {
    size_t n = (size_t)p->width * (size_t)p->height;
    int colors = d->channels >= 3 ? 3 : 1;
    bool has_alpha = d->channels % 2 == 0;
    unsigned char *color = xmalloc(n * (size_t)colors), *alpha = has_alpha ? xmalloc(n) : NULL;
    bool opaque = true;
    const unsigned char *s = d->px;
    for (size_t i = 0; i < n; i++, s += d->channels) {
        memcpy(color + i * (size_t)colors, s, (size_t)colors);
        if (has_alpha) alpha[i] = s[colors], opaque = opaque && s[colors] == 255;
    }
    p->colors = colors, p->bits = 8, p->soft = has_alpha && !opaque;
    bool ok = deflate_bytes(color, n * (size_t)colors, &p->color, &p->color_len) &&
              (!p->soft || deflate_bytes(alpha, n, &p->alpha, &p->alpha_len));
    free(color);
    free(alpha);
    return ok;
}

static bool decode_split(const unsigned char *data, size_t len, image_pdf *p) {
    png_pixels d = {{data, len, 0}, false, NULL, NULL, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d, pixels_error, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = false;
    if (info) {
        png_read_from(png, &d.in);
        read_pixels_guarded(png, info, &d);
        ok = !d.failed && d.px && (int)png_get_image_width(png, info) == p->width &&
             (int)png_get_image_height(png, info) == p->height && split_deflate(&d, p);
        png_free(png, d.rows);
        png_free(png, d.px);
    }
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    return ok;
}

bool image_pdf_data(const unsigned char *data, size_t len, image_pdf *p) {
    bool ok = p->own ? copy_idat(data, len, p) : decode_split(data, len, p);
    if (!ok) image_pdf_release(p);
    return ok;
}

void image_pdf_release(image_pdf *p) {
    free(p->color);
    free(p->alpha);
    p->color = p->alpha = NULL;
    p->color_len = p->alpha_len = 0;
}

GdkPixbuf *image_jpeg_decode(const unsigned char *data, size_t len, char **why) {
    *why = NULL;
    GError *err = NULL;
    GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type("jpeg", &err);
    GdkPixbuf *pb = NULL;
    if (ld) {
        bool wrote = gdk_pixbuf_loader_write(ld, data, len, &err);
        /* closed in any case; after a failed write only to release it (err already says why) */
        bool closed = gdk_pixbuf_loader_close(ld, wrote ? &err : NULL);
        if (wrote && closed) {
            pb = gdk_pixbuf_loader_get_pixbuf(ld);
            if (pb) g_object_ref(pb);
        }
        g_object_unref(ld);
    }
    if (!pb && err) *why = xstrdup(err->message);
    if (err) g_error_free(err);
    return pb;
}

/* How much of a file the header readers below feed the loader, and in what pieces: it
 * decodes whatever pixel data it is given before it returns, and a few hundred bytes of a
 * PNG's image data can inflate to megabytes of rows (100 PNG figures: 2.2 G instructions
 * when fed 4 KiB at a time). A PNG is fed up to its first IDAT chunk's header, which is
 * where libpng reports the header; other files a little at a time. */
#define HEADER_PIECE 256

static size_t header_bytes(const unsigned char *data, size_t len, const char *loader_type) {
    if (strcmp(loader_type, "png") != 0 || len < 8) return len;
    for (size_t at = 8; at + 8 <= len;) {
        size_t n = be32(data + at);
        if (memcmp(data + at + 4, "IDAT", 4) == 0) return at + 8;
        if (n > len - at - 8 || len - at - 8 - n < 4) return len;
        at += 12 + n;
    }
    return len;
}

/* A PNG's pHYs in pixels per inch, rounded as gdk-pixbuf's loader rounds its "x-dpi";
 * read by libpng as far as the image data (gdk-pixbuf would fill a pixbuf of the
 * image's size first). */
static void ppi_info(png_structp png, png_infop info, double *ppi) {
    if (setjmp(png_jmpbuf(png)) != 0) return;
    png_read_info(png, info);
    png_uint_32 x = 0, y = 0;
    int unit = 0;
    if (png_get_pHYs(png, info, &x, &y, &unit) && unit == PNG_RESOLUTION_METER) *ppi = (int)(x * 25.4 / 1000 + 0.5);
}

static double png_ppi(const unsigned char *data, size_t len) {
    mem_reader r = {data, len, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_jump_out, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    double ppi = 0;
    if (info) {
        png_read_from(png, &r);
        ppi_info(png, info, &ppi);
    }
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    return ppi > 0 && ppi < 100000 ? ppi : 0;
}

/* Reads the file only as far as its header: the loaders set "x-dpi" when they create the
 * pixbuf, before any pixel rows arrive. */
double image_ppi(const unsigned char *data, size_t len, const char *loader_type) {
    if (strcmp(loader_type, "png") == 0) return png_ppi(data, len);
    GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type(loader_type, NULL);
    if (!ld) return 0;
    double ppi = 0;
    len = header_bytes(data, len, loader_type);
    for (size_t at = 0; at < len;) {
        size_t n = len - at < HEADER_PIECE ? len - at : HEADER_PIECE;
        if (!gdk_pixbuf_loader_write(ld, data + at, n, NULL)) break;
        at += n;
        GdkPixbuf *pb = gdk_pixbuf_loader_get_pixbuf(ld);
        if (!pb) continue;
        const char *x = gdk_pixbuf_get_option(pb, "x-dpi");
        if (x) ppi = strtod(x, NULL);
        break;
    }
    gdk_pixbuf_loader_close(ld, NULL); /* an unfinished file is no error here */
    g_object_unref(ld);
    return ppi > 0 && ppi < 100000 ? ppi : 0;
}

typedef struct header_probe {
    int w, h;
    bool seen;
} header_probe;

static void on_size_prepared(GdkPixbufLoader *ld, int w, int h, gpointer data) {
    header_probe *p = data;
    p->w = w, p->h = h, p->seen = true;
    gdk_pixbuf_loader_set_size(ld, 0, 0); /* a size of 0 makes the loader stop before any pixel memory */
}

bool image_header_size(const unsigned char *data, size_t len, const char *loader_type, int *w, int *h) {
    GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type(loader_type, NULL);
    if (!ld) return false;
    header_probe p = {0, 0, false};
    g_signal_connect(ld, "size-prepared", G_CALLBACK(on_size_prepared), &p);
    len = header_bytes(data, len, loader_type);
    for (size_t at = 0; at < len && !p.seen;) {
        size_t n = len - at < HEADER_PIECE ? len - at : HEADER_PIECE;
        if (!gdk_pixbuf_loader_write(ld, data + at, n, NULL)) break;
        at += n;
    }
    gdk_pixbuf_loader_close(ld, NULL); /* stopped on purpose: no error here */
    g_object_unref(ld);
    if (!p.seen || p.w <= 0 || p.h <= 0) return false;
    *w = p.w, *h = p.h;
    return true;
}

bool image_size_allowed(long w, long h) {
    return w > 0 && h > 0 && w <= IMAGE_MAX_SIDE && h <= IMAGE_MAX_SIDE && w * h <= IMAGE_MAX_PIXELS;
}

char *image_too_large(long w, long h) {
    return xasprintf("too large: %ld × %ld pixels (at most %d pixels a side and %ld million in all)", w, h,
                     IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS / 1000000);
}

const char *image_convertible(const unsigned char *data, size_t len) {
    if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0) return "webp";
    if (len >= 6 && (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0)) return "gif";
    return NULL;
}

/*** WebP and GIF into PNG ***/

/* Straight (not premultiplied) RGB or RGBA rows and what holds them. */
typedef struct rgba_rows {
    const unsigned char *px;
    int w, h, stride, channels;
    uint8_t *webp;      /* libwebp's buffer, or NULL */
    GdkPixbuf *pixbuf;  /* gdk-pixbuf's, or NULL */
} rgba_rows;

static void rgba_release(rgba_rows *r) {
    if (r->webp) WebPFree(r->webp);
    if (r->pixbuf) g_object_unref(r->pixbuf);
}

static bool decode_webp(const unsigned char *data, size_t len, rgba_rows *r, char **why) {
    int w = 0, h = 0;
    if (WebPGetInfo(data, len, &w, &h) && !image_size_allowed(w, h)) {
        *why = image_too_large(w, h);
        return false;
    }
    r->webp = WebPDecodeRGBA(data, len, &w, &h);
    if (!r->webp) {
        *why = xstrdup("is a damaged WebP image");
        return false;
    }
    r->px = r->webp, r->w = w, r->h = h, r->stride = w * 4, r->channels = 4;
    return true;
}

/* Past a run of GIF data sub-blocks (each a size byte and that many bytes, ended by a 0). */
static bool gif_skip_blocks(const unsigned char *d, size_t len, size_t *at) {
    while (*at < len) {
        size_t n = d[(*at)++];
        if (n == 0) return true;
        *at += n;
    }
    return false;
}

/* How many bytes of a GIF end its first image (the header, colour tables and extensions
 * before it included); 0 when its blocks cannot be walked that far. */
static size_t gif_first_image(const unsigned char *d, size_t len) {
    if (len < 13) return 0;
    size_t at = 13;
    if (d[10] & 0x80) at += 3u << ((d[10] & 7) + 1);  /* the global colour table */
    while (at < len) {
        if (d[at] == 0x21) {                          /* an extension: label, sub-blocks */
            at += 2;
            if (!gif_skip_blocks(d, len, &at)) return 0;
        } else if (d[at] == 0x2C) {                   /* an image: descriptor, colour table, LZW size, data */
            if (len - at < 11) return 0;
            unsigned flags = d[at + 9];
            at += 10;
            if (flags & 0x80) at += 3u << ((flags & 7) + 1);
            at += 1;
            return gif_skip_blocks(d, len, &at) ? at : 0;
        } else {
            return 0;
        }
    }
    return 0;
}

/* The GIF up to its first image, then the trailer: the loader decodes only the picture kept
 * (an animation's other frames cost it more than the first, and are not shown). The whole
 * file when its blocks cannot be walked, so the loader says what is wrong. */
static unsigned char *gif_first_frame(const unsigned char *data, size_t len, size_t *out_len) {
    size_t n = gif_first_image(data, len);
    if (n == 0 || n > len) n = len;
    unsigned char *out = xmalloc(n + 1);
    memcpy(out, data, n);
    out[n] = 0x3B;
    *out_len = n < len ? n + 1 : n;
    return out;
}

/* Feeds the loader a piece at a time: it moves what it keeps down after every write, so one
 * write of a large file costs it time in the square of the file's size. */
#define GIF_PIECE 65536

static bool decode_gif(const unsigned char *data, size_t len, rgba_rows *r, char **why) {
    int w = 0, h = 0;
    if (image_header_size(data, len, "gif", &w, &h) && !image_size_allowed(w, h)) {
        *why = image_too_large(w, h);
        return false;
    }
    GError *err = NULL;
    GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type("gif", &err);
    size_t n = 0;
    unsigned char *first = gif_first_frame(data, len, &n);
    if (ld) {
        bool wrote = true;
        for (size_t at = 0; wrote && at < n; at += GIF_PIECE)
            wrote = gdk_pixbuf_loader_write(ld, first + at, n - at < GIF_PIECE ? n - at : GIF_PIECE, &err);
        bool closed = gdk_pixbuf_loader_close(ld, wrote ? &err : NULL);
        GdkPixbuf *pb = wrote && closed ? gdk_pixbuf_loader_get_pixbuf(ld) : NULL;
        if (pb) {
            r->pixbuf = g_object_ref(pb);
            r->px = gdk_pixbuf_read_pixels(pb), r->w = gdk_pixbuf_get_width(pb), r->h = gdk_pixbuf_get_height(pb);
            r->stride = gdk_pixbuf_get_rowstride(pb), r->channels = gdk_pixbuf_get_n_channels(pb);
        }
        g_object_unref(ld);
    }
    free(first);
    if (!r->pixbuf) *why = xasprintf("is a damaged GIF image (%s)", err ? err->message : "no picture in it");
    if (err) g_error_free(err);
    return r->pixbuf != NULL;
}

/* The colours of the rows as a palette (RGBA, those not opaque first, then in the order met),
 * with each pixel's index; false when there are more than 256. */
typedef struct png_palette {
    uint32_t colour[256];
    int n, n_clear;           /* entries; of them, those not opaque (they come first) */
    unsigned char *index;     /* w*h indices (malloc'd) */
} png_palette;

static uint32_t pixel_at(const rgba_rows *r, int x, int y) {
    const unsigned char *p = r->px + (size_t)y * (size_t)r->stride + (size_t)x * (size_t)r->channels;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (r->channels == 4 ? p[3] : 255u);
}

/* The palette entry of `c`, added when new: a small open hash of the colours met (-1 when full). */
static int palette_slot(png_palette *pal, uint32_t *keys, int16_t *slots, uint32_t c) {
    unsigned hsh = (c * 2654435761u) >> 23;  /* 9 bits: 512 slots */
    while (slots[hsh] >= 0 && keys[hsh] != c) hsh = (hsh + 1) & 511;
    if (slots[hsh] >= 0) return slots[hsh];
    if (pal->n == 256) return -1;
    keys[hsh] = c, slots[hsh] = (int16_t)pal->n, pal->colour[pal->n] = c;
    return pal->n++;
}

static bool palette_of(const rgba_rows *r, png_palette *pal) {
    uint32_t keys[512];
    int16_t slots[512];
    memset(slots, 0xff, sizeof slots);
    pal->n = pal->n_clear = 0;
    pal->index = xmalloc((size_t)r->w * (size_t)r->h);
    for (int y = 0; y < r->h; y++)
        for (int x = 0; x < r->w; x++) {
            int i = palette_slot(pal, keys, slots, pixel_at(r, x, y));
            if (i < 0) {
                free(pal->index);
                pal->index = NULL;
                return false;
            }
            pal->index[(size_t)y * (size_t)r->w + (size_t)x] = (unsigned char)i;
        }
    /* those not opaque first, so that tRNS is short and a single clear colour a key */
    unsigned char order[256], map[256];
    for (int i = 0; i < pal->n; i++)
        if ((pal->colour[i] & 0xff) != 255) order[pal->n_clear++] = (unsigned char)i;
    for (int i = 0, k = pal->n_clear; i < pal->n; i++)
        if ((pal->colour[i] & 0xff) == 255) order[k++] = (unsigned char)i;
    uint32_t sorted[256];
    for (int k = 0; k < pal->n; k++) sorted[k] = pal->colour[order[k]], map[order[k]] = (unsigned char)k;
    memcpy(pal->colour, sorted, sizeof sorted);
    for (size_t i = 0; i < (size_t)r->w * (size_t)r->h; i++) pal->index[i] = map[pal->index[i]];
    return true;
}

static bool rows_opaque(const rgba_rows *r) {
    for (int y = 0; y < r->h && r->channels == 4; y++)
        for (int x = 0; x < r->w; x++)
            if (r->px[(size_t)y * (size_t)r->stride + (size_t)x * 4 + 3] != 255) return false;
    return true;
}

static void png_mem_write(png_structp png, png_bytep in, size_t n) {
    buf_put(png_get_io_ptr(png), in, n);
}

static void png_mem_flush(png_structp png) {
    (void)png;
}

/* Writes the rows: indexed with their palette when they have at most 256 colours (so the PDF
 * carries them as they are), else RGB when opaque, else RGBA. */
static void write_rows(png_structp png, png_infop info, const rgba_rows *r, const png_palette *pal, bool opaque) {
    int depth = 8;
    if (pal->index) {
        depth = pal->n <= 2 ? 1 : pal->n <= 4 ? 2 : pal->n <= 16 ? 4 : 8;
        png_color plte[256];
        png_byte trns[256];
        for (int i = 0; i < pal->n; i++) {
            uint32_t c = pal->colour[i];
            plte[i] = (png_color){(png_byte)(c >> 24), (png_byte)(c >> 16), (png_byte)(c >> 8)};
            trns[i] = (png_byte)c;
        }
        png_set_IHDR(png, info, (png_uint_32)r->w, (png_uint_32)r->h, depth, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_PLTE(png, info, plte, pal->n);
        if (pal->n_clear) png_set_tRNS(png, info, trns, pal->n_clear, NULL);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    } else {
        png_set_IHDR(png, info, (png_uint_32)r->w, (png_uint_32)r->h, 8,
                     opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    if (pal->index) png_set_packing(png);
    else if (opaque && r->channels == 4) png_set_filler(png, 0, PNG_FILLER_AFTER);  /* drops the alpha bytes */
    for (int y = 0; y < r->h; y++)
        png_write_row(png, pal->index ? pal->index + (size_t)y * (size_t)r->w : r->px + (size_t)y * (size_t)r->stride);
    png_write_end(png, info);
}

static bool write_guarded(png_structp png, png_infop info, const rgba_rows *r, const png_palette *pal, bool opaque) {
    if (setjmp(png_jmpbuf(png)) != 0) return false;
    write_rows(png, info, r, pal, opaque);
    return true;
}

static bool encode_png(const rgba_rows *r, buf *out) {
    png_palette pal = {{0}, 0, 0, NULL};
    bool opaque = rows_opaque(r);
    palette_of(r, &pal);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_jump_out, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = false;
    if (info) {
        png_set_write_fn(png, out, png_mem_write, png_mem_flush);
        ok = write_guarded(png, info, r, &pal, opaque);
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(pal.index);
    return ok;
}

unsigned char *image_png_from(const unsigned char *data, size_t len, size_t *png_len, char **why) {
    *why = NULL;
    const char *kind = image_convertible(data, len);
    rgba_rows r = {0};
    bool decoded = !kind                       ? false
                   : strcmp(kind, "webp") == 0 ? decode_webp(data, len, &r, why)
                                               : decode_gif(data, len, &r, why);
    if (!decoded) {
        rgba_release(&r);
        if (!*why) *why = xstrdup("is not a WebP or GIF image");
        return NULL;
    }
    buf b;
    buf_init(&b);
    bool ok = r.channels >= 3 && encode_png(&r, &b);
    rgba_release(&r);
    if (!ok) {
        *why = xstrdup("cannot be converted to PNG");
        buf_free(&b);
        return NULL;
    }
    return (unsigned char *)buf_detach(&b, png_len);
}
