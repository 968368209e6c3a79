/* image: PNG (cairo) and JPEG (gdk-pixbuf) bytes → decoded images. */
#include "base/image.h"

#include <stdlib.h>
#include <string.h>

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

/* Reads the file only as far as its header: the loaders set "x-dpi" when they create the
 * pixbuf, before any pixel rows arrive. */
double image_ppi(const unsigned char *data, size_t len, const char *loader_type) {
    GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type(loader_type, NULL);
    if (!ld) return 0;
    double ppi = 0;
    for (size_t at = 0; at < len;) {
        size_t n = len - at < 4096 ? len - at : 4096;
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
    for (size_t at = 0; at < len && !p.seen;) {
        size_t n = len - at < 4096 ? len - at : 4096;
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
