/* preview: the print document's pages → page-NNN.png files and a contact sheet, drawn with Cairo. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include "print/pdf.h"

static cairo_status_t png_to_buf(void *closure, const unsigned char *data, unsigned int length) {
    buf_put((buf *)closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static int write_png(cairo_surface_t *s, const char *path, diag *d) {
    buf b;
    buf_init(&b);
    cairo_status_t cs = cairo_surface_write_to_png_stream(s, png_to_buf, &b);
    int rc = QUIRE_OK;
    if (cs != CAIRO_STATUS_SUCCESS) {
        diag_error(d, path, 0, 0, "cannot encode PNG: %s", cairo_status_to_string(cs));
        rc = QUIRE_EIO;
    } else if (file_write_atomic(path, b.data, b.len) != 0) {
        diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
        rc = QUIRE_EIO;
    }
    buf_free(&b);
    return rc;
}

/* The number in a name of the preview's own pattern, "page-NNN.png" (three digits or
 * more), else -1. */
static long page_file_number(const char *name) {
    if (strncmp(name, "page-", 5) != 0) return -1;
    const char *p = name + 5, *q = p;
    while (*q >= '0' && *q <= '9') q++;
    if (q - p < 3 || q - p > 9 || strcmp(q, ".png") != 0) return -1;
    return strtol(p, NULL, 10);
}

/* Removes the page-NNN.png files an earlier, longer (or differently numbered) preview
 * left in out_dir: every name of that pattern this run did not write. */
static int remove_stale_pages(const char *out_dir, int n_pages, diag *d) {
    DIR *dir = opendir(out_dir);
    if (!dir) {
        diag_error(d, out_dir, 0, 0, "cannot read the folder: %s", strerror(errno));
        return QUIRE_EIO;
    }
    int rc = QUIRE_OK;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        long n = page_file_number(e->d_name);
        if (n < 0) continue;
        char mine[32];
        snprintf(mine, sizeof mine, "page-%03ld.png", n); /* the name this run gives page n */
        if (n >= 1 && n <= n_pages && strcmp(mine, e->d_name) == 0) continue;
        char *path = xasprintf("%s/%s", out_dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || S_ISDIR(st.st_mode)) { /* not a page file of ours */
            free(path);
            continue;
        }
        if (unlink(path) != 0 && errno != ENOENT) {
            diag_error(d, path, 0, 0, "cannot remove an old preview page: %s", strerror(errno));
            rc = QUIRE_EIO;
        }
        free(path);
    }
    closedir(dir);
    return rc;
}

/* Renders page p (its trim box) at `scale` pixels per point onto cr at (x, y). */
static void render_page(cairo_t *cr, const pdf_doc *doc, int p, double x, double y, double scale) {
    pdf_draw_state st = {0};
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    cairo_rectangle(cr, 0, 0, doc->W, doc->H);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_translate(cr, -doc->off, -doc->off);
    pdf_draw_page(cr, doc, p, &st);
    cairo_restore(cr);
}

int pdf_preview(const model_book *book, const char *out_dir, double dpi, diag *d) {
    pdf_doc doc;
    int rc = pdf_doc_build(&doc, book, d);
    if (rc != QUIRE_OK) {
        pdf_doc_free(&doc);
        return rc;
    }
    double scale = (dpi > 0 ? dpi : 50) / 72.0;
    int pw = (int)ceil(doc.W * scale), ph = (int)ceil(doc.H * scale);
    for (int p = 0; p < doc.n_pages && rc == QUIRE_OK; p++) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
        cairo_t *cr = cairo_create(s);
        render_page(cr, &doc, p, 0, 0, scale);
        cairo_destroy(cr);
        char *path = xasprintf("%s/page-%03d.png", out_dir, p + 1);
        rc = write_png(s, path, d);
        free(path);
        cairo_surface_destroy(s);
    }
    /* The contact sheet: every page as a thumbnail, facing pages side by side. */
    if (rc == QUIRE_OK) {
        const int per_row = 6, tw = 160, gap = 16;
        double ts = tw / doc.W;
        int th = (int)ceil(doc.H * ts);
        int rows = (doc.n_pages + per_row - 1) / per_row;
        int sw = per_row * (tw + gap) + gap, sh = rows * (th + gap) + gap;
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, sw, sh);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 0.82, 0.83, 0.84);
        cairo_paint(cr);
        for (int p = 0; p < doc.n_pages; p++) {
            double x = gap + (p % per_row) * (tw + gap), y = gap + (p / per_row) * (th + gap);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.25);
            cairo_rectangle(cr, x + 2, y + 2, tw, th);
            cairo_fill(cr);
            render_page(cr, &doc, p, x, y, ts);
        }
        cairo_destroy(cr);
        char *path = xasprintf("%s/contact-sheet.png", out_dir);
        rc = write_png(s, path, d);
        free(path);
        cairo_surface_destroy(s);
    }
    /* Only once every new page is in place: a failed run leaves the old pages as they were. */
    if (rc == QUIRE_OK) rc = remove_stale_pages(out_dir, doc.n_pages, d);
    pdf_doc_free(&doc);
    return rc;
}
