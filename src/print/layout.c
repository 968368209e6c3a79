/* layout: chapters of the model → boxes (lines, rules, figures, table rows) for one column width. */
#include "print/layout.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <cairo-pdf.h>
#include <librsvg/rsvg.h>

#include "base/image.h"

typedef struct lctx {
    text_ctx *tc;
    const model_book *book;
    const layout_params *lp;
    layout_list *out;
    diag *d;
    layout_tag stack[LAYOUT_MAX_DEPTH];
    int depth;
    int next_id;
    int chapter;
    double indent;          /* left inset of the current container */
    double pending_after;   /* space_after of the previous block */
    bool break_next;        /* the next item starts a page */
    const style_text *container_style; /* quotes: their children take this style */
    int list_level;
    bool ok;
} lctx;

/*** the list ***/

layout_item *layout_push(layout_list *l) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xrealloc(l->items, (size_t)l->cap * sizeof *l->items);
    }
    layout_item *it = &l->items[l->n++];
    memset(it, 0, sizeof *it);
    it->chapter = -1;
    return it;
}

text_para *layout_keep_para(layout_list *l, text_para *p) {
    if (!p) return NULL;
    if (l->n_paras == l->cap_paras) {
        l->cap_paras = l->cap_paras ? l->cap_paras * 2 : 64;
        l->paras = xrealloc(l->paras, (size_t)l->cap_paras * sizeof *l->paras);
    }
    l->paras[l->n_paras++] = p;
    return p;
}

/* Keeps a paragraph of inlines, with its inline images loaded into the list that draws them. */
static text_para *keep_inlines(lctx *c, layout_list *l, text_para *p) {
    if (!layout_keep_para(l, p)) return NULL;
    for (int i = 0; i < p->n_spans; i++) {
        text_span *sp = &p->spans[i];
        if (sp->kind != TEXT_SPAN_IMAGE || !sp->image) continue;
        layout_image *im = layout_load_image(l, sp->image, (model_pos){sp->image->book_path, 0, 0}, c->d);
        if (im) im->uses++; /* one more box draws it */
        else c->ok = false;
        sp->drawable = im;
    }
    return p;
}

static const char *keep_str(layout_list *l, char *s) {
    if (l->n_strs == l->cap_strs) {
        l->cap_strs = l->cap_strs ? l->cap_strs * 2 : 16;
        l->strs = xrealloc(l->strs, (size_t)l->cap_strs * sizeof *l->strs);
    }
    l->strs[l->n_strs++] = s;
    return s;
}

static void release_decoded(layout_image *im) {
    if (im->svg) g_object_unref(im->svg);
    if (im->svg_form) cairo_pattern_destroy(im->svg_form);
    if (im->raster) cairo_surface_destroy(im->raster);
    im->svg = NULL, im->svg_form = NULL, im->raster = NULL;
}

static void image_free(layout_image *im) {
    release_decoded(im);
    free(im);
}

void layout_list_free(layout_list *l) {
    for (int i = 0; i < l->n_paras; i++) text_para_free(l->paras[i]);
    free(l->paras);
    for (int i = 0; i < l->n_tables; i++) {
        layout_table *t = l->tables[i];
        free(t->col_x), free(t->col_w), free(t->cells), free(t->row_h), free(t);
    }
    free(l->tables);
    for (int i = 0; i < l->n_images; i++) image_free(l->images[i]);
    free(l->images);
    for (int i = 0; i < l->n_notes; i++) free(l->notes[i].paras);
    free(l->notes);
    for (int i = 0; i < l->n_strs; i++) free(l->strs[i]);
    free(l->strs);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/*** images ***/

static void free_bytes(void *p) {
    free(p);
}

/* NULL when cairo could not make the surface (out of memory). */
static cairo_surface_t *surface_from_pixbuf(GdkPixbuf *pb) {
    int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
    int nch = gdk_pixbuf_get_n_channels(pb), stride = gdk_pixbuf_get_rowstride(pb);
    bool alpha = gdk_pixbuf_get_has_alpha(pb);
    const guchar *src = gdk_pixbuf_read_pixels(pb);
    cairo_surface_t *s = cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    unsigned char *dst = cairo_image_surface_get_data(s);
    int dstride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    for (int y = 0; y < h; y++) {
        const guchar *p = src + (size_t)y * (size_t)stride;
        uint32_t *q = (uint32_t *)(dst + (size_t)y * (size_t)dstride);
        for (int x = 0; x < w; x++, p += nch) {
            uint32_t a = alpha ? p[3] : 255;
            uint32_t r = p[0] * a / 255, g = p[1] * a / 255, b = p[2] * a / 255;
            q[x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

static layout_image *image_new(const model_image *mi, bool bitmap) {
    layout_image *im = xcalloc(1, sizeof *im);
    im->book_path = mi->book_path;
    im->src = mi;
    im->bitmap = bitmap;
    im->width = mi->width, im->height = mi->height;
    im->last_page = -1;
    if (im->width <= 0 || im->height <= 0) im->width = im->height = 100;
    return im;
}

/* The image is drawn from the bytes the loader read and checked (mi->data), never from
 * the file again: what the PDF shows is what the EPUB holds. Nothing is decoded here:
 * the loader gave the size. */
layout_image *layout_load_image(layout_list *l, const model_image *mi, model_pos pos, diag *d) {
    for (int i = 0; i < l->n_images; i++)
        if (strcmp(l->images[i]->book_path, mi->book_path) == 0) return l->images[i];
    const char *mt = mi->media_type ? mi->media_type : "";
    bool png = strcmp(mt, "image/png") == 0, jpeg = strcmp(mt, "image/jpeg") == 0;
    const char *why = NULL;
    if (!mi->data || !mi->size) why = "its bytes were not loaded";
    else if (!png && !jpeg && strcmp(mt, "image/svg+xml") != 0) why = "unsupported image type";
    if (why) {
        diag_error(d, pos.file, pos.line, pos.col, "cannot load image %s: %s", mi->book_path ? mi->book_path : mi->path,
                   why);
        return NULL;
    }
    layout_image *im = image_new(mi, png || jpeg);
    if (im->bitmap) im->ppi = image_ppi(mi->data, mi->size, png ? "png" : "jpeg");
    l->images = xrealloc(l->images, (size_t)(l->n_images + 1) * sizeof *l->images);
    l->images[l->n_images++] = im;
    return im;
}

/* The stand-in JPEG for a PNG (SOI, an APP15 segment holding LAYOUT_PNG_TAG and the key, a
 * frame header of w x h and `colors` components, EOI); malloc'd, *len bytes. */
static unsigned char *png_stand_in_jpeg(const char *key, int w, int h, int colors, size_t *len) {
    buf b;
    buf_init(&b);
    size_t klen = strlen(key) + strlen(LAYOUT_PNG_TAG);
    if (klen > 60000) klen = 60000;
    /* SOI; an APP15 segment naming the PNG; a baseline frame header of its size; EOI. */
    buf_put(&b, "\xff\xd8\xff\xef", 4);
    buf_putc(&b, (char)((klen + 2) >> 8)), buf_putc(&b, (char)((klen + 2) & 0xff));
    buf_puts(&b, LAYOUT_PNG_TAG);
    buf_put(&b, key, klen - strlen(LAYOUT_PNG_TAG));
    int sof_len = 8 + 3 * colors;
    const unsigned char sof[] = {0xff, 0xc0, (unsigned char)(sof_len >> 8), (unsigned char)sof_len, 8,
                                 (unsigned char)(h >> 8), (unsigned char)h, (unsigned char)(w >> 8), (unsigned char)w,
                                 (unsigned char)colors};
    buf_put(&b, sof, sizeof sof);
    for (int c = 1; c <= colors; c++) buf_putc(&b, (char)c), buf_putc(&b, 0x11), buf_putc(&b, 0);
    buf_put(&b, "\xff\xd9", 2);
    return (unsigned char *)buf_detach(&b, len);
}

/* A PNG is not decoded for a PDF's drawing: cairo gets a blank surface of its size carrying a
 * stand-in JPEG (png_stand_in_jpeg), which it embeds as it is, and the finishing pass puts
 * the PNG's data in its place (image_pdf_plan: its own compressed data where PDF can read
 * them, else one decode of it; cairo's decoding and compression are never run). */
static cairo_surface_t *png_stand_in(const layout_image *im) {
    image_pdf plan;
    if (!image_pdf_plan(im->src->data, im->src->size, &plan)) return NULL;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, plan.width, plan.height);
    size_t n = 0;
    unsigned char *jpeg = png_stand_in_jpeg(im->book_path, plan.width, plan.height, plan.colors, &n);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, jpeg, n, free_bytes, jpeg);
    return s;
}

/* Decodes the image for drawing (`pdf`: for a PDF surface). The raster carries the book
 * path as its unique id, so cairo writes one image object however often, and by whichever
 * copy, it is shown. */
static bool decode_for_drawing(layout_image *im, bool pdf) {
    const model_image *mi = im->src;
    if (!im->bitmap) {
        im->svg = rsvg_handle_new_from_data(mi->data, mi->size, NULL);
        return im->svg != NULL;
    }
    if (strcmp(mi->media_type, "image/png") == 0 && pdf && (im->raster = png_stand_in(im))) {
        im->stand_in = true;
    } else if (strcmp(mi->media_type, "image/png") == 0) {
        im->raster = image_png_decode(mi->data, mi->size);
        if (cairo_surface_status(im->raster) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(im->raster);
            im->raster = NULL;
        }
    } else {
        char *why = NULL;
        GdkPixbuf *pb = image_jpeg_decode(mi->data, mi->size, &why);
        free(why);
        if (pb) im->raster = surface_from_pixbuf(pb);
        if (pb) g_object_unref(pb);
        if (im->raster) {
            /* The PDF embeds the original JPEG bytes, not a re-encoding. */
            unsigned char *bytes = xmalloc(mi->size);
            memcpy(bytes, mi->data, mi->size);
            cairo_surface_set_mime_data(im->raster, CAIRO_MIME_TYPE_JPEG, bytes, mi->size, free_bytes, bytes);
        }
    }
    if (!im->raster) return false;
    char *uid = xasprintf("quire-image:%s", im->book_path);
    cairo_surface_set_mime_data(im->raster, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)uid, strlen(uid), free_bytes,
                                uid);
    return true;
}

/* The SVG drawn once into a group of the PDF surface: librsvg's work is done once, and
 * cairo writes one form XObject that every page showing the SVG paints. The group is
 * made on the PDF context itself because librsvg keeps text as text only when drawing
 * for a PDF surface; it is scaled to fit the page, which bounds a group. */
static cairo_pattern_t *svg_form(cairo_t *cr, layout_image *img) {
    if (!img->svg_form) {
        cairo_save(cr);
        cairo_identity_matrix(cr);
        cairo_reset_clip(cr);
        double cx0, cy0, cx1, cy1;
        cairo_clip_extents(cr, &cx0, &cy0, &cx1, &cy1);
        double s = fmin(1.0, fmin((cx1 - cx0) / img->width, (cy1 - cy0) / img->height));
        img->form_scale = s > 0 ? s : 1.0;
        cairo_push_group(cr);
        RsvgRectangle vp = {0, 0, img->width * img->form_scale, img->height * img->form_scale};
        rsvg_handle_render_document((RsvgHandle *)img->svg, cr, &vp, NULL);
        img->svg_form = cairo_pop_group(cr);
        cairo_matrix_t id;
        cairo_matrix_init_identity(&id);
        cairo_pattern_set_matrix(img->svg_form, &id);
        cairo_restore(cr);
    }
    return img->svg_form;
}

static void paint_image(cairo_t *cr, layout_image *img, double x, double y, double w, double h) {
    cairo_save(cr);
    if (img->svg && cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_PDF) {
        cairo_pattern_t *form = svg_form(cr, img);
        double fw = img->width * img->form_scale, fh = img->height * img->form_scale;
        cairo_translate(cr, x, y);
        cairo_scale(cr, w / fw, h / fh);
        cairo_set_source(cr, form);
        cairo_rectangle(cr, 0, 0, fw, fh);
        cairo_fill(cr);
    } else if (img->svg) {
        RsvgRectangle vp = {x, y, w, h};
        rsvg_handle_render_document((RsvgHandle *)img->svg, cr, &vp, NULL);
    } else if (img->raster) {
        double iw = cairo_image_surface_get_width(img->raster), ih = cairo_image_surface_get_height(img->raster);
        cairo_translate(cr, x, y);
        cairo_scale(cr, w / iw, h / ih);
        cairo_set_source_surface(cr, img->raster, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_rectangle(cr, 0, 0, iw, ih);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

/* cairo 1.16 lists an image or form once in a page's resources for every time the page
 * shows it (a dictionary with a repeated key). A second showing on the same page goes
 * through a form of its own, which holds the one image object. */
static void paint_image_again(cairo_t *cr, layout_image *img, double x, double y, double w, double h) {
    cairo_rectangle_t extents = {0, 0, w, h};
    cairo_surface_t *form = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
    cairo_t *fc = cairo_create(form);
    paint_image(fc, img, 0, 0, w, h);
    cairo_destroy(fc);
    cairo_save(cr);
    cairo_set_source_surface(cr, form, x, y);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(form);
}

bool layout_draw_image(cairo_t *cr, layout_image *img, int page, double x, double y, double w, double h) {
    bool pdf = cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_PDF;
    if (!img->svg && !img->raster && !decode_for_drawing(img, pdf)) return false;
    if (page == img->last_page) paint_image_again(cr, img, x, y, w, h);
    else paint_image(cr, img, x, y, w, h);
    img->last_page = page;
    img->drawn++;
    return true;
}

void layout_release_drawn(layout_list *l) {
    for (int i = 0; i < l->n_images; i++)
        if (l->images[i]->drawn >= l->images[i]->uses) release_decoded(l->images[i]);
}

/*** SVG images drawn ahead ***/

/* Above this much SVG source the rest are drawn when first shown, as without drawing
 * ahead: forms made ahead are all held until drawing starts. */
#define SVG_AHEAD_MAX_BYTES ((size_t)4 << 20)

struct layout_svgs {
    layout_image **images;   /* owned; parsed and drawn into their forms by the thread */
    int n;
    double page_w, page_h;
    pthread_t tid;
    bool running;
};

static bool is_svg(const model_image *mi) {
    return mi->data && mi->size && mi->media_type && strcmp(mi->media_type, "image/svg+xml") == 0;
}

static void add_svg(layout_svgs *a, const model_image *mi, size_t *bytes) {
    if (!is_svg(mi) || *bytes + mi->size > SVG_AHEAD_MAX_BYTES) return;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->images[i]->book_path, mi->book_path) == 0) return;
    a->images = xrealloc(a->images, (size_t)(a->n + 1) * sizeof *a->images);
    a->images[a->n++] = image_new(mi, false);
    *bytes += mi->size;
}

/* The cover first, then the chapters' images in reading order: the order drawing meets them. */
static void collect_svgs(layout_svgs *a, const model_book *book) {
    size_t bytes = 0;
    if (book->meta.has_cover) add_svg(a, &book->meta.cover, &bytes);
    for (size_t i = 0; i < book->n_chapters; i++) {
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
            if (ev == MODEL_EVENT_ENTER && (n->type == MODEL_FIGURE || n->type == MODEL_IMAGE))
                add_svg(a, &n->as.figure.image, &bytes);
    }
}

static cairo_status_t discard_bytes(void *closure, const unsigned char *data, unsigned int length) {
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

/* The thread: each SVG drawn by svg_form on a PDF surface of the real one's size, whose
 * output is thrown away (librsvg keeps text as text only for a PDF target, and a form
 * made on a surface of that size is the one the first showing would have made). */
static void *draw_svgs(void *arg) {
    layout_svgs *a = arg;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard_bytes, NULL, a->page_w, a->page_h);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < a->n; i++)
        if (decode_for_drawing(a->images[i], true)) svg_form(cr, a->images[i]);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    text_svg_fonts_done(); /* librsvg's font map on this thread */
    return NULL;
}

layout_svgs *layout_svgs_start(const model_book *book, double page_w, double page_h) {
    layout_svgs *a = xcalloc(1, sizeof *a);
    a->page_w = page_w, a->page_h = page_h;
    collect_svgs(a, book);
    a->running = a->n > 0 && pthread_create(&a->tid, NULL, draw_svgs, a) == 0;
    if (!a->running) {
        layout_svgs_hand_over(a, NULL, 0);
        return NULL;
    }
    return a;
}

/* Gives the list's first image of each book path the handle and form drawn ahead for it. */
static void adopt(layout_svgs *a, layout_list *l) {
    for (int i = 0; i < l->n_images; i++) {
        layout_image *im = l->images[i];
        if (im->bitmap || im->svg || im->svg_form) continue;
        for (int k = 0; k < a->n; k++) {
            layout_image *ahead = a->images[k];
            if (!ahead->svg_form || strcmp(ahead->book_path, im->book_path) != 0) continue;
            im->svg = ahead->svg, im->svg_form = ahead->svg_form, im->form_scale = ahead->form_scale;
            ahead->svg = NULL, ahead->svg_form = NULL;
            break;
        }
    }
}

void layout_svgs_hand_over(layout_svgs *a, layout_list *const *lists, int n_lists) {
    if (!a) return;
    if (a->running) pthread_join(a->tid, NULL);
    for (int i = 0; i < n_lists; i++) adopt(a, lists[i]);
    for (int i = 0; i < a->n; i++) image_free(a->images[i]);
    free(a->images);
    free(a);
}

/*** structure ***/

static void push_tag(lctx *c, const char *name) {
    if (c->depth < LAYOUT_MAX_DEPTH) c->stack[c->depth] = (layout_tag){name, ++c->next_id};
    c->depth++;
}

static void pop_tag(lctx *c) {
    c->depth--;
}

static layout_item *new_item(lctx *c, layout_kind k, const model_node *node, double space_before) {
    layout_item *it = layout_push(c->out);
    it->kind = k;
    it->node = node;
    it->chapter = c->chapter;
    it->x = c->indent;
    it->space_before = space_before > c->pending_after ? space_before : c->pending_after;
    it->space_own = space_before;
    c->pending_after = 0;
    if (c->break_next) it->break_before = true, c->break_next = false;
    int n = c->depth < LAYOUT_MAX_DEPTH ? c->depth : LAYOUT_MAX_DEPTH;
    memcpy(it->tags, c->stack, (size_t)n * sizeof *it->tags);
    it->depth = n;
    return it;
}

static const style_text *role_style(const lctx *c, style_role r) {
    return &c->book->style->roles[r];
}

static const style_text *node_style(const lctx *c, const model_node *n, style_role fallback) {
    if (c->container_style && n->type == MODEL_PARAGRAPH) return c->container_style;
    if (n->style) return n->style;
    return role_style(c, fallback);
}

static text_opts base_opts(const lctx *c, double width) {
    text_opts o = {0};
    o.width = width;
    o.align_override = -1;
    o.link_color = c->book->style->link_color;
    o.code_style = role_style(c, STYLE_CODE);
    return o;
}

/* The last line of the run of lines holding line i that ends at a forced break or the
 * paragraph's end. */
static int run_end(const text_para *p, int i) {
    while (i < p->n_lines - 1 && !p->lines[i].forced) i++;
    return i;
}

/* Pushes the lines of a laid-out paragraph with orphan/widow keeps. `keep_all` keeps
 * the whole block (and, for headings, the block after it) together. Returns the first
 * line's item (NULL for no line), taken once all are pushed: each push may move the list. */
static layout_item *push_lines(lctx *c, text_para *p, const model_node *node, double space_before, bool keep_all) {
    int n = p->n_lines;
    int orphans = c->lp->orphans > 0 ? c->lp->orphans : 2;
    int widows = c->lp->widows > 0 ? c->lp->widows : 2;
    int first = c->out->n;
    int from = 0, to = run_end(p, 0); /* the run of lines between forced breaks line i is in */
    for (int i = 0; i < n; i++) {
        if (i > to) from = i, to = run_end(p, i);
        layout_item *it = new_item(c, LAYOUT_LINE, node, i == 0 ? space_before : 0);
        it->para = p;
        it->line = i;
        it->height = p->leading;
        it->baseline = p->ascent;
        /* A break after lines 0..orphans-2 leaves an orphan, after n-widows..n-2 a widow:
         * both cost, neither is forbidden (a hole can be worse). The lines before a forced
         * break count as a paragraph's last ones, those after it as its first: the end of
         * a reference alone at a column's top before its `\` is a widow as well. */
        it->keep_with_next = keep_all;
        if (!keep_all && i < n - 1) {
            bool in_run = i < to;
            if (i < orphans - 1 || (in_run && i - from < orphans - 1)) it->penalty += LAYOUT_PENALTY_ORPHAN;
            if (i >= n - widows || (in_run && i >= to - widows + 1)) it->penalty += LAYOUT_PENALTY_WIDOW;
        }
    }
    return n > 0 ? &c->out->items[first] : NULL;
}

/*** blocks ***/

static void layout_blocks(lctx *c, const model_node *parent);
static void layout_block(lctx *c, const model_node *b);

static double width_here(const lctx *c) {
    return c->lp->col_width - c->indent;
}

static void do_heading(lctx *c, const model_node *n) {
    const style_text *st = node_style(c, n, STYLE_H1);
    int level = n->as.heading.level;
    static const char *const names[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
    push_tag(c, names[level < 1 ? 0 : level > 6 ? 5 : level - 1]);
    text_opts o = base_opts(c, width_here(c));
    text_para *p = keep_inlines(c, c->out, text_para_inlines(c->tc, n, st, &o, c->d));
    if (!p) {
        c->ok = false;
        pop_tag(c);
        return;
    }
    if (st->page_break_before) c->break_next = true;
    layout_item *first = push_lines(c, p, n, st->space_before, true);
    if (!first) { /* no line to hold the heading's place */
        pop_tag(c);
        return;
    }
    first->dest = n->id;
    if (n->as.heading.contents) first->contents = &c->book->contents[n->as.heading.contents - 1];
    if (level <= 3) {
        first->heading_level = level;
        first->heading_text = keep_str(c->out, model_plain_text(n));
    }
    c->pending_after = st->space_after;
    pop_tag(c);
}

static void do_paragraph(lctx *c, const model_node *n, const style_text *st, const char *tag, text_opts *o) {
    push_tag(c, tag);
    text_para *p = keep_inlines(c, c->out, text_para_inlines(c->tc, n, st, o, c->d));
    if (!p) {
        c->ok = false;
        pop_tag(c);
        return;
    }
    push_lines(c, p, n, st->space_before, false);
    c->pending_after = st->space_after;
    pop_tag(c);
}

static bool prev_is_paragraph(const model_node *n) {
    return n->prev && n->prev->type == MODEL_PARAGRAPH;
}

static void do_pull_quote(lctx *c, const model_node *n) {
    const style_text *qs = role_style(c, STYLE_QUOTE);
    const style_text *as = role_style(c, STYLE_ATTRIBUTION);
    push_tag(c, "BlockQuote");
    double save = c->indent;
    c->indent += 14; /* room for the accent bar */
    int first_item = c->out->n;
    bool first = true;
    for (const model_node *ch = n->first_child; ch; ch = ch->next) {
        text_opts o = base_opts(c, width_here(c));
        if (ch->type == MODEL_ATTRIBUTION) {
            o.prefix = "\xE2\x80\x94\xC2\xA0"; /* em dash, no-break space */
            o.align_override = STYLE_ALIGN_RIGHT;
            do_paragraph(c, ch, as, "P", &o);
        } else if (ch->type == MODEL_PARAGRAPH) {
            o.size_scale = 1.12;
            o.italic = true;
            o.align_override = STYLE_ALIGN_LEFT;
            double sb = first ? qs->space_before + 4 : qs->size * 0.5;
            push_tag(c, "P");
            text_para *p = keep_inlines(c, c->out, text_para_inlines(c->tc, ch, qs, &o, c->d));
            if (!p) c->ok = false;
            else push_lines(c, p, ch, sb, true);
            pop_tag(c);
        } else {
            layout_block(c, ch);
        }
        first = false;
    }
    /* The bar beside every box. Kept whole unless it is long: then it may split, at a cost, with
     * at least two lines of the quote on each side (its attribution's lines not counted). */
    int tail = 2;
    while (c->out->n - tail >= first_item && c->out->items[c->out->n - tail + 1].node->type == MODEL_ATTRIBUTION &&
           tail < c->out->n - first_item)
        tail++;
    for (int i = first_item; i < c->out->n; i++) {
        layout_item *it = &c->out->items[i];
        it->bar = true;
        bool edge = i == first_item || i >= c->out->n - tail;
        it->keep_with_next = i + 1 < c->out->n && (edge || c->out->items[i + 1].node->type == MODEL_ATTRIBUTION);
        it->penalty = i + 1 < c->out->n ? LAYOUT_PENALTY_QUOTE : 0;
    }
    c->pending_after = qs->space_after + 4;
    c->indent = save;
    pop_tag(c);
}

static void do_quote(lctx *c, const model_node *n) {
    if (n->as.quote.pull) {
        do_pull_quote(c, n);
        return;
    }
    const style_text *qs = role_style(c, STYLE_QUOTE);
    push_tag(c, "BlockQuote");
    double save = c->indent;
    const style_text *save_cs = c->container_style;
    c->indent += qs->indent;
    c->container_style = qs;
    double before = qs->space_before;
    if (before > c->pending_after) c->pending_after = before;
    layout_blocks(c, n);
    c->container_style = save_cs;
    c->indent = save;
    if (qs->space_after > c->pending_after) c->pending_after = qs->space_after;
    pop_tag(c);
}

static const char *bullet_for(int level) {
    return level % 2 == 0 ? "\xE2\x80\xA2" : "\xE2\x80\x93"; /* • then – */
}

/* The natural width of the number label of item `number`: from 1000 on, a label is wider
 * than the indent "99." needs ("999." still fits), and one too wide for its box wrapped,
 * only its first line drawn ("1000." showed "100"). */
static double label_width(lctx *c, int number, const style_text *ls) {
    char label[32];
    snprintf(label, sizeof label, "%d.", number);
    text_opts o = base_opts(c, 0); /* unwrapped */
    text_para *p = text_para_plain(c->tc, label, ls, &o);
    double w = p && p->n_lines > 0 ? p->lines[0].width : 0;
    text_para_free(p);
    return w;
}

static void do_list(lctx *c, const model_node *n) {
    const style_text *ls = role_style(c, STYLE_LIST);
    push_tag(c, "L");
    double indent = ls->indent > 0 ? ls->indent : 18;
    bool ordered = n->as.list.ordered;
    if (ordered) {
        /* Wide enough for the longest number. */
        int maxn = 0;
        for (const model_node *it = n->first_child; it; it = it->next)
            if (it->as.item.number > maxn) maxn = it->as.item.number;
        if (maxn >= 10) indent += ls->size * 0.55;
        if (maxn >= 1000) indent = fmax(indent, label_width(c, maxn, ls) + 3.5);
    }
    double lsb = ls->space_before > c->pending_after ? ls->space_before : c->pending_after;
    c->pending_after = c->list_level == 0 ? lsb + ls->size * 0.3 : 0;
    c->list_level++;
    for (const model_node *item = n->first_child; item; item = item->next) {
        push_tag(c, "LI");
        int li_depth = c->depth;
        char label[32];
        if (ordered) snprintf(label, sizeof label, "%d.", item->as.item.number);
        else snprintf(label, sizeof label, "%s", bullet_for(c->list_level - 1));
        text_opts lo = base_opts(c, indent - 3);
        lo.align_override = STYLE_ALIGN_RIGHT;
        /* Bullets in the accent colour and a size up: the text face's bullet is small. */
        style_text label_style = *ls;
        if (!ordered) {
            label_style.color = c->book->style->accent;
            label_style.size = ls->size * 1.2;
        }
        text_para *lp = layout_keep_para(c->out, text_para_plain(c->tc, label, &label_style, &lo));
        double save = c->indent;
        double label_x = c->indent;
        c->indent += indent;
        push_tag(c, "LBody");
        int before = c->out->n;
        const style_text *save_cs = c->container_style;
        c->container_style = ls;
        for (const model_node *b = item->first_child; b; b = b->next) {
            if (b->type == MODEL_PARAGRAPH) {
                text_opts o = base_opts(c, width_here(c));
                do_paragraph(c, b, ls, "P", &o);
                c->pending_after = n->as.list.tight ? 0 : ls->space_after;
            } else {
                const style_text *cs = c->container_style;
                c->container_style = NULL;
                layout_block(c, b);
                c->container_style = cs;
            }
        }
        c->container_style = save_cs;
        if (before < c->out->n) {
            layout_item *fi = &c->out->items[before];
            fi->label = lp;
            fi->label_x = label_x - fi->x;
            fi->label_depth = li_depth;
        }
        if (c->pending_after < ls->space_after) c->pending_after = ls->space_after;
        pop_tag(c);
        c->indent = save;
        pop_tag(c);
    }
    c->list_level--;
    if (c->list_level == 0) c->pending_after = ls->space_after + ls->size * 0.5;
    pop_tag(c);
}

static void do_figure(lctx *c, const model_node *n) {
    layout_image *img = layout_load_image(c->out, &n->as.figure.image, n->pos, c->d);
    if (!img) {
        c->ok = false;
        return;
    }
    const style_text *cs = role_style(c, STYLE_CAPTION);
    push_tag(c, "Figure");
    double w = width_here(c);
    text_para *cap = NULL;
    if (n->as.figure.caption && *n->as.figure.caption) {
        text_opts o = base_opts(c, w);
        cap = layout_keep_para(c->out, text_para_plain(c->tc, n->as.figure.caption, cs, &o));
    }
    double cap_h = cap ? cap->n_lines * cap->leading + cs->space_before : 0;
    /* As wide as the column (a raster at most its natural size: its stated resolution, else
     * 150 ppi), but never taller than 60% of it with its caption. */
    double iw = w;
    if (c->lp->figure_natural && img->bitmap) {
        double natural = img->width * 72.0 / (img->ppi >= 10 ? img->ppi : 150);
        if (natural < iw) iw = natural;
    }
    double ih = iw * img->height / img->width;
    double maxh = c->lp->col_height * 0.6 - cap_h;
    if (maxh < 36) maxh = 36;
    if (ih > maxh) ih = maxh, iw = ih * img->width / img->height;
    layout_item *it = new_item(c, LAYOUT_FIGURE, n, 10);
    it->image = img;
    img->uses++;
    it->width = iw;
    it->height = ih;
    it->x = c->indent + (w - iw) / 2;
    it->dest = n->id;
    it->keep_with_next = cap != NULL;
    int fig = c->out->n - 1;
    if (cap) {
        push_tag(c, "Caption");
        push_lines(c, cap, n, cs->space_before, true);
        c->out->items[c->out->n - 1].keep_with_next = false; /* the float ends with its caption */
        pop_tag(c);
        c->pending_after = cs->space_after;
    } else {
        c->pending_after = 12;
    }
    c->out->items[fig].float_len = c->out->n - fig;
    pop_tag(c);
}

/* A table's grid, owned by the layout list: rows and the widest row's cell count. NULL when empty. */
static layout_table *new_table(lctx *c, const model_node *n) {
    int rows = 0, cols = n->as.table.columns;
    for (const model_node *r = n->first_child; r; r = r->next) {
        rows++;
        int k = 0;
        for (const model_node *cell = r->first_child; cell; cell = cell->next) k++;
        if (k > cols) cols = k;
    }
    if (rows == 0 || cols == 0) return NULL;
    layout_table *t = xcalloc(1, sizeof *t);
    t->rows = rows, t->cols = cols;
    t->col_x = xcalloc((size_t)cols, sizeof *t->col_x);
    t->col_w = xcalloc((size_t)cols, sizeof *t->col_w);
    t->cells = xcalloc((size_t)(rows * cols), sizeof *t->cells);
    t->row_h = xcalloc((size_t)rows, sizeof *t->row_h);
    t->pad = 4;
    t->scale = 1;
    t->rule_color = c->book->style->accent;
    c->out->tables = xrealloc(c->out->tables, (size_t)(c->out->n_tables + 1) * sizeof *c->out->tables);
    c->out->tables[c->out->n_tables++] = t;
    return t;
}

/* When even the longest words do not fit: the width below which every column keeps its longest
 * word while the wider ones share the rest equally (a 50,000-letter word in one cell would
 * otherwise take the whole measure, leaving the other columns no room for one character);
 * the wider columns' words then break between characters. */
static double fair_cap(const double *mn, int cols, double pad2, double avail) {
    double cap = avail / cols;
    for (int round = 0; round < cols; round++) {
        double kept = 0;
        int wide = 0;
        for (int k = 0; k < cols; k++)
            if (mn[k] + pad2 <= cap) kept += mn[k] + pad2;
            else wide++;
        double next = wide ? (avail - kept) / wide : cap;
        if (next <= cap) break;
        cap = next;
    }
    return cap;
}

/* Column widths by content: natural widths when they fit (stretched to the full
 * width), else shrink towards the longest words; when even those do not fit, the table
 * is set smaller (type and padding, down to the role's shrink-to-fit) so that they do,
 * and what is still too wide shares what is left. Counts the header rows on the way. */
static void size_columns(lctx *c, const model_node *n, layout_table *t, const style_text *ts, const style_text *hs,
                         double avail) {
    int cols = t->cols;
    double *mn = xcalloc((size_t)cols, sizeof *mn), *mx = xcalloc((size_t)cols, sizeof *mx);
    int ri = 0;
    for (const model_node *r = n->first_child; r; r = r->next, ri++) {
        if (r->as.row.header && ri == t->header_rows) t->header_rows++;
        int ci = 0;
        for (const model_node *cell = r->first_child; cell; cell = cell->next, ci++) {
            double a, b;
            text_opts o = base_opts(c, 0);
            text_measure_inlines(c->tc, cell, r->as.row.header ? hs : ts, &o, &a, &b);
            if (a > mn[ci]) mn[ci] = a;
            if (b > mx[ci]) mx[ci] = b;
        }
    }
    double smin = 0, smax = 0, pad2 = 2 * t->pad;
    for (int i = 0; i < cols; i++) smin += mn[i] + pad2, smax += mx[i] + pad2;
    if (smin > avail && ts->shrink_to_fit < 1) { /* glyphs and padding scale alike (unhinted text) */
        t->scale = avail / smin * 0.999;
        if (t->scale < ts->shrink_to_fit) t->scale = ts->shrink_to_fit;
        t->pad *= t->scale, pad2 = 2 * t->pad, smin *= t->scale, smax *= t->scale;
        for (int i = 0; i < cols; i++) mn[i] *= t->scale, mx[i] *= t->scale;
    }
    double cap = smin > avail ? fair_cap(mn, cols, pad2, avail) : avail;
    for (int i = 0; i < cols; i++) {
        if (smax <= avail) t->col_w[i] = (mx[i] + pad2) * avail / smax;
        else if (smin <= avail) t->col_w[i] = mn[i] + pad2 + (mx[i] - mn[i]) * (avail - smin) / (smax - smin);
        else t->col_w[i] = fmin(mn[i] + pad2, cap);
        t->col_x[i] = i ? t->col_x[i - 1] + t->col_w[i - 1] : 0;
    }
    /* Columns that narrow take less padding, so a character still fits between the rules. */
    double narrow = avail, ch = 0.6 * ts->size * t->scale;
    for (int i = 0; i < cols; i++)
        if (t->col_w[i] < narrow) narrow = t->col_w[i];
    if (narrow - 2 * t->pad < ch) t->pad = fmax(0.5, fmin(t->pad, (narrow - ch) / 2));
    free(mn), free(mx);
}

/* One cell set in its column; NULL when the column is too narrow for one of its characters
 * (said once for the whole table by the caller, not for every cell). */
static text_para *set_cell(lctx *c, const model_node *cell, const layout_table *t, int ci, const style_text *st) {
    text_opts o = base_opts(c, t->col_w[ci] - 2 * t->pad);
    if (o.width <= 0) return NULL;
    o.no_justify = true;
    o.size_scale = t->scale;
    o.quiet_broken = true;
    model_align al = cell->as.cell.align;
    o.align_override = al == MODEL_ALIGN_RIGHT ? STYLE_ALIGN_RIGHT : al == MODEL_ALIGN_CENTER ? STYLE_ALIGN_CENTER : STYLE_ALIGN_LEFT;
    diag cd; /* the cell's own messages: its warnings are passed on, its one error is not */
    memset(&cd, 0, sizeof cd);
    cd.capture = true, cd.strict = c->d->strict, cd.quiet = c->d->quiet;
    text_para *p = text_para_inlines(c->tc, cell, st, &o, &cd);
    if (p) diag_merge(c->d, &cd);
    diag_free(&cd);
    return p;
}

/* Sets the cells of row `ri` in their columns; returns the row's height, or -1 (column ci_bad
 * too narrow for a character). */
static double set_row_cells(lctx *c, const model_node *r, int ri, layout_table *t, const style_text *st, int *ci_bad) {
    double h = 0, pad2 = 2 * t->pad;
    int ci = 0;
    for (const model_node *cell = r->first_child; cell; cell = cell->next, ci++) {
        text_para *p = keep_inlines(c, c->out, set_cell(c, cell, t, ci, st));
        if (!p) {
            *ci_bad = ci;
            return -1;
        }
        t->cells[ri * t->cols + ci] = p;
        t->broken_cells += p->broken_word;
        double ph = p->n_lines * p->leading;
        if (ph > h) h = ph;
    }
    return h + pad2;
}

/* The one error of a table whose columns cannot each hold a character, even set smaller. */
static void table_too_wide(lctx *c, const model_node *n, const layout_table *t, int ci, double avail) {
    char *file = model_display_path(c->book, n->pos.file);
    double w = t->col_w[ci] - 2 * t->pad;
    diag_error(c->d, file, n->pos.line, n->pos.col,
               "a table of %d columns does not fit the %.1f pt measure, even set at %.0f %% of its size: column %d "
               "would be %.1f pt wide, too narrow for one character; split it into tables of fewer columns, or "
               "give the table role a smaller font-size or shrink-to-fit",
               t->cols, avail, t->scale * 100, ci + 1, w > 0 ? w : 0);
    free(file);
    c->ok = false;
}

/* One box of row ri: the whole row, or a piece of `lines` of its cells' lines from `line` on. */
static layout_item *row_item(lctx *c, const model_node *r, layout_table *t, int ri, double sb, double avail,
                             int first_row) {
    layout_item *it = new_item(c, LAYOUT_ROW, r, sb);
    it->table = t;
    it->row = ri;
    it->header_row = ri < t->header_rows;
    it->height = t->row_h[ri];
    it->width = avail;
    it->table_at = c->out->n - 1 - first_row;
    return it;
}

/* Row ri as one box, or, when it is taller than a column can hold under the header, as one
 * box per line of its cells (the top padding with the first, the bottom with the last), split
 * at a cost with 2 lines on each side, as a long quote is. Returns the last box. */
static layout_item *push_row(lctx *c, const model_node *r, layout_table *t, int ri, double sb, double avail,
                             int first_row) {
    double head = 0, lead = 0;
    int lines = 0;
    for (int h = 0; h < t->header_rows && h < ri; h++) head += t->row_h[h];
    for (int k = 0; k < t->cols; k++) {
        const text_para *p = t->cells[ri * t->cols + k];
        if (p && p->n_lines > lines) lines = p->n_lines;
        if (p && p->leading > lead) lead = p->leading;
    }
    if (ri < t->header_rows || t->row_h[ri] + head <= c->lp->col_height || lines < 4)
        return row_item(c, r, t, ri, sb, avail, first_row);
    layout_item *it = NULL;
    for (int k = 0; k < lines; k++) {
        it = row_item(c, r, t, ri, k == 0 ? sb : 0, avail, first_row);
        it->row_line = k, it->row_lines = 1;
        it->height = lead + (k == 0 ? t->pad : 0) + (k == lines - 1 ? t->pad : 0);
        it->keep_with_next = k == 0 || k == lines - 2;
        it->penalty = LAYOUT_PENALTY_QUOTE;
    }
    return it;
}

static void do_table(lctx *c, const model_node *n) {
    const style_text *ts = role_style(c, STYLE_TABLE);
    style_text hs = *ts;
    hs.weight = 700;
    layout_table *t = new_table(c, n);
    if (!t) return;
    double avail = width_here(c);
    size_columns(c, n, t, ts, &hs, avail);
    push_tag(c, "Table");
    int first = c->out->n;
    int ri = 0, rows = t->rows;
    double sb = ts->space_before > 8 ? ts->space_before : 8;
    if (n->as.table.caption && *n->as.table.caption) { /* above the table, kept with it */
        const style_text *cs = role_style(c, STYLE_CAPTION);
        text_opts o = base_opts(c, avail);
        text_para *cap = layout_keep_para(c->out, text_para_plain(c->tc, n->as.table.caption, cs, &o));
        push_tag(c, "Caption");
        push_lines(c, cap, n, sb, true);
        pop_tag(c);
        sb = cs->space_after > 4 ? cs->space_after : 4;
    }
    int first_row = c->out->n;
    for (const model_node *r = n->first_child; r; r = r->next, ri++) {
        int bad = 0;
        t->row_h[ri] = set_row_cells(c, r, ri, t, r->as.row.header ? &hs : ts, &bad);
        if (t->row_h[ri] < 0) { /* the rest of the table is not set: it cannot be */
            table_too_wide(c, n, t, bad, avail);
            pop_tag(c);
            return;
        }
        push_tag(c, "TR");
        layout_item *it = push_row(c, r, t, ri, ri == 0 ? sb : 0, avail, first_row);
        pop_tag(c);
        /* The header stays with the first body row; so do the first two and last two rows. */
        it->keep_with_next = ri < t->header_rows || ri == t->header_rows || ri >= rows - 2;
        if (ri == rows - 1) it->keep_with_next = false;
        it->penalty = LAYOUT_PENALTY_ROW;
    }
    /* A table that fits in a column is a float with its caption: where it stands when it
     * fits there, else at the top of the next column while the text flows on. A taller
     * one splits between rows. */
    double h = c->out->items[first].height;
    for (int k = first + 1; k < c->out->n; k++) h += c->out->items[k].space_before + c->out->items[k].height;
    if (h <= c->lp->col_height) c->out->items[first].float_len = c->out->n - first;
    if (t->broken_cells > 0) { /* once for the table, not for every cell */
        char *file = model_display_path(c->book, n->pos.file);
        diag_warning(c->d, file, n->pos.line, n->pos.col,
                     "a table too wide for the measure (%d columns, set at %.0f %% of its size): %d of its cells "
                     "break a word between characters",
                     t->cols, t->scale * 100, t->broken_cells);
        free(file);
    }
    pop_tag(c);
    c->pending_after = ts->space_after > 10 ? ts->space_after : 10;
}

/* Sets a code block's text (its final line end dropped) inside padding of 6 pt on each
 * side of `width`. NULL after an error. */
static text_para *set_code(lctx *c, const model_node *n, double width) {
    text_opts o = base_opts(c, width - 12);
    o.no_justify = true;
    o.verbatim = true;
    const char *src = n->text ? n->text : "";
    size_t len = strlen(src);
    if (len && src[len - 1] == '\n') len--;
    if (len && src[len - 1] == '\r') len--;
    char *t = xstrndup(src, len);
    text_para *p = text_para_verbatim(c->tc, n, t, role_style(c, STYLE_CODE), &o, c->d);
    free(t);
    return p;
}

/* Whether a set code block had to be made smaller or wrap a line to fit its width. */
static bool code_squeezed(const text_para *p, const style_text *cs) {
    if (p->size < cs->size * 0.999) return true;
    for (int i = 0; i < p->n_lines; i++)
        if (p->lines[i].continued) return true;
    return false;
}

static void do_code(lctx *c, const model_node *n) {
    const style_text *cs = role_style(c, STYLE_CODE);
    push_tag(c, "Code");
    double save = c->indent;
    text_para *p = set_code(c, n, width_here(c));
    /* In a list or quote, a block whose lines do not fit beside the indent at its size
     * takes the column's full width (from the column's left edge) before it is set
     * smaller or wraps a line. */
    if (p && c->indent > 0 && code_squeezed(p, cs)) {
        text_para_free(p);
        c->indent = 0;
        p = set_code(c, n, width_here(c));
    }
    p = layout_keep_para(c->out, p);
    if (!p) {
        c->ok = false;
        c->indent = save;
        pop_tag(c);
        return;
    }
    c->indent += 6;
    /* Short blocks stay whole; a long one splits, at a cost, with two lines on each side. */
    int first = c->out->n;
    push_lines(c, p, n, cs->space_before + 4, p->n_lines <= 6);
    for (int i = first; p->n_lines > 6 && i < c->out->n - 1; i++) {
        layout_item *it = &c->out->items[i];
        it->keep_with_next = i == first || i >= c->out->n - 2;
        it->penalty = LAYOUT_PENALTY_CODE;
    }
    c->indent = save;
    c->pending_after = cs->space_after + 4;
    pop_tag(c);
}

static void do_rule(lctx *c, const model_node *n) {
    layout_item *it = new_item(c, LAYOUT_RULE, n, 10);
    it->height = 2;
    it->width = width_here(c);
    c->pending_after = 10;
}

static void layout_block(lctx *c, const model_node *b) {
    switch (b->type) {
    case MODEL_HEADING: do_heading(c, b); break;
    case MODEL_PARAGRAPH: {
        const style_text *st = node_style(c, b, STYLE_BODY);
        text_opts o = base_opts(c, width_here(c));
        o.first_indent = prev_is_paragraph(b) ? st->first_indent : 0;
        do_paragraph(c, b, st, "P", &o);
        break;
    }
    case MODEL_QUOTE: do_quote(c, b); break;
    case MODEL_LIST: do_list(c, b); break;
    case MODEL_FIGURE: do_figure(c, b); break;
    case MODEL_TABLE: do_table(c, b); break;
    case MODEL_CODE_BLOCK: do_code(c, b); break;
    case MODEL_RULE: do_rule(c, b); break;
    case MODEL_ATTRIBUTION: {
        const style_text *st = role_style(c, STYLE_ATTRIBUTION);
        text_opts o = base_opts(c, width_here(c));
        o.prefix = "\xE2\x80\x94\xC2\xA0";
        do_paragraph(c, b, st, "P", &o);
        break;
    }
    default: break;
    }
}

/* Lays out the child blocks of a chapter, quote or item. */
static void layout_blocks(lctx *c, const model_node *parent) {
    for (const model_node *b = parent->first_child; b; b = b->next) layout_block(c, b);
}

/* The hang of the note numbers: the widest number and a space (the note text is indented by it). */
static double note_hang(lctx *c, const style_text *fs) {
    int widest = 0;
    for (size_t i = 0; i < c->book->n_footnotes; i++)
        if (c->book->footnotes[i]->as.footnote.number > widest) widest = c->book->footnotes[i]->as.footnote.number;
    char num[24];
    snprintf(num, sizeof num, "%d", widest);
    for (char *d = num; *d; d++) *d = '0'; /* every digit as wide as a zero */
    text_opts o = base_opts(c, c->lp->col_width);
    text_para *p = text_para_plain(c->tc, num, fs, &o);
    double w = p && p->n_lines ? p->lines[0].width : 0;
    text_para_free(p);
    return w + fs->size * 0.5;
}

/* How far a line box of style st reaches below its baseline. */
static double line_depth(lctx *c, const style_text *st) {
    text_opts o = base_opts(c, c->lp->col_width);
    text_para *p = text_para_plain(c->tc, "x", st, &o);
    double d = p ? p->leading - p->ascent : 0;
    text_para_free(p);
    return d;
}

static void layout_notes(lctx *c) {
    const model_book *book = c->book;
    const style_text *fs = role_style(c, STYLE_FOOTNOTE);
    layout_list *l = c->out;
    l->n_notes = (int)book->n_footnotes;
    l->notes = xcalloc(book->n_footnotes ? book->n_footnotes : 1, sizeof *l->notes);
    l->note_gap = fs->space_after > 0 ? fs->space_after : 2;
    l->note_sep = fs->size * 1.6;
    double hang = book->n_footnotes ? note_hang(c, fs) : 0;
    l->foot_depth = line_depth(c, role_style(c, STYLE_BODY));
    double lift = l->foot_depth - line_depth(c, fs);
    l->note_lift = lift > 0 ? lift : 0;
    if (hang > c->lp->col_width / 4) hang = 0; /* a column too narrow to hang anything */
    for (size_t i = 0; i < book->n_footnotes; i++) {
        const model_node *fn = book->footnotes[i];
        layout_note *ln = &l->notes[i];
        ln->node = fn;
        ln->number = fn->as.footnote.number;
        ln->hang = hang;
        int count = 0;
        for (const model_node *b = fn->first_child; b; b = b->next) count++;
        ln->paras = xcalloc((size_t)(count ? count : 1), sizeof *ln->paras);
        char num[24];
        snprintf(num, sizeof num, "%d", ln->number);
        text_opts no = base_opts(c, hang > 0 ? hang : c->lp->col_width);
        no.no_justify = true;
        ln->num = layout_keep_para(l, text_para_plain(c->tc, num, fs, &no));
        for (const model_node *b = fn->first_child; b; b = b->next) {
            text_opts o = base_opts(c, c->lp->col_width - hang);
            o.no_justify = false;
            text_para *p = keep_inlines(c, l, text_para_inlines(c->tc, b, fs, &o, c->d));
            if (!p) {
                c->ok = false;
                continue;
            }
            ln->paras[ln->n_paras++] = p;
        }
        if (ln->n_paras == 0) {
            text_opts o = base_opts(c, c->lp->col_width - hang);
            ln->paras[ln->n_paras++] = layout_keep_para(l, text_para_plain(c->tc, "\xC2\xA0", fs, &o));
        }
        for (int p = 0; p < ln->n_paras; p++) ln->n_lines += ln->paras[p]->n_lines;
        ln->height = layout_note_lines_h(ln, 0, ln->n_lines);
    }
}

layout_note_line layout_note_line_at(const layout_note *n, int k) {
    for (int p = 0; p < n->n_paras; p++) {
        if (k < n->paras[p]->n_lines) return (layout_note_line){n->paras[p], k};
        k -= n->paras[p]->n_lines;
    }
    return (layout_note_line){NULL, 0};
}

double layout_note_lines_h(const layout_note *n, int from, int to) {
    double h = 0;
    for (int k = from; k < to && k < n->n_lines; k++) {
        layout_note_line nl = layout_note_line_at(n, k);
        if (nl.para) h += nl.para->leading;
    }
    return h;
}

static void layout_chapters(lctx *c, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        c->chapter = (int)i;
        c->pending_after = 0;
        c->depth = 0;
        /* A chapter always starts a page when its title asks for it; otherwise it runs on. */
        layout_blocks(c, c->book->chapters[i].root);
    }
}

/* The later chapters of a long book, laid out on a second thread with a Pango
 * context (and font map) of its own; chapters are independent of each other. */
typedef struct layout_job {
    lctx c;
    layout_list out;
    diag d;
    size_t from, to;
} layout_job;

static void *job_main(void *arg) {
    layout_job *j = arg;
    layout_chapters(&j->c, j->from, j->to);
    return NULL;
}

/* Text bytes of a chapter: how long it takes to lay out, roughly. */
static size_t chapter_weight(const model_chapter *ch) {
    size_t w = 0;
    model_iter it;
    model_iter_init(&it, ch->root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && n->text) w += strlen(n->text);
    return w;
}

/* `into`'s image of the same file as `im`, or NULL. */
static layout_image *same_image(const layout_list *into, const layout_image *im) {
    for (int i = 0; i < into->n_images; i++)
        if (strcmp(into->images[i]->book_path, im->book_path) == 0) return into->images[i];
    return NULL;
}

/* Moves everything `from` holds to the end of `into` (items keep their pointers). An
 * image both lists loaded is kept once, so the PDF shows one object however the
 * chapters were split between threads. */
static void append_list(layout_list *into, layout_list *from) {
    int first = into->n;
    for (int i = 0; i < from->n; i++) *layout_push(into) = from->items[i];
    for (int i = 0; i < from->n_images; i++) {
        layout_image *im = from->images[i], *kept = same_image(into, im);
        if (!kept) continue;
        for (int k = first; k < into->n; k++)
            if (into->items[k].image == im) into->items[k].image = kept;
        kept->uses += im->uses;
        image_free(im);
        from->images[i] = NULL;
    }
    for (int i = 0; i < from->n_paras; i++) layout_keep_para(into, from->paras[i]);
    for (int i = 0; i < from->n_strs; i++) keep_str(into, from->strs[i]);
    into->tables = xrealloc(into->tables, (size_t)(into->n_tables + from->n_tables + 1) * sizeof *into->tables);
    for (int i = 0; i < from->n_tables; i++) into->tables[into->n_tables++] = from->tables[i];
    into->images = xrealloc(into->images, (size_t)(into->n_images + from->n_images + 1) * sizeof *into->images);
    for (int i = 0; i < from->n_images; i++)
        if (from->images[i]) into->images[into->n_images++] = from->images[i];
    free(from->items), free(from->paras), free(from->strs), free(from->tables), free(from->images);
    memset(from, 0, sizeof *from);
}

/* Below this much text one thread is as quick as starting a second (and its fonts).
 * QUIRE_LAYOUT_THREADS=1 or 2 forces one or two (for timing and tests). */
#define LAYOUT_SPLIT_BYTES 4000

bool layout_book(text_ctx *tc, const model_book *book, const layout_params *lp, layout_list *out, diag *d) {
    lctx c = {0};
    c.tc = tc, c.book = book, c.lp = lp, c.out = out, c.d = d;
    c.ok = true;
    if (lp->col_width < 12) {
        diag_error(d, book->style->path, 0, 0, "the text column is %.1f pt wide: too narrow for any text", lp->col_width);
        return false;
    }
    size_t n = book->n_chapters, split = n;
    size_t *weight = xcalloc(n ? n : 1, sizeof *weight), total = 0;
    for (size_t i = 0; i < n; i++) total += weight[i] = chapter_weight(&book->chapters[i]);
    const char *env = getenv("QUIRE_LAYOUT_THREADS");
    bool two = env && *env ? atoi(env) > 1 : total >= LAYOUT_SPLIT_BYTES;
    if (two && n >= 2) {
        /* The first half of the text here, the rest on the second thread. */
        size_t acc = 0;
        for (split = 0; split < n - 1 && acc + weight[split] / 2 < total / 2; split++) acc += weight[split];
        if (split == 0) split = 1;
    }
    free(weight);
    layout_job *job = NULL;
    pthread_t tid;
    if (split < n) {
        job = xcalloc(1, sizeof *job);
        job->c = c;
        job->c.tc = text_ctx_new_second(book, tc);
        job->c.out = &job->out;
        job->c.d = &job->d;
        job->c.next_id = 1 << 24;   /* structure ids never meet those of this thread */
        diag_init(&job->d);
        job->d.out = NULL;
        job->d.capture = true;
        job->from = split, job->to = n;
        if (!job->c.tc || pthread_create(&tid, NULL, job_main, job) != 0) {
            text_ctx_free(job->c.tc);
            diag_free(&job->d);
            free(job);
            job = NULL;
            split = n;
        }
    }
    layout_chapters(&c, 0, split);
    if (job) {
        pthread_join(tid, NULL);
        /* Its paragraphs keep their own references to its Pango context. */
        text_ctx_free(job->c.tc);
        diag_merge(d, &job->d);
        diag_free(&job->d);
        c.ok &= job->c.ok;
        append_list(out, &job->out);
        free(job);
    }
    layout_notes(&c);
    return c.ok;
}
