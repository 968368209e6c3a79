/* epub: the model → an EPUB 3 file: XHTML (xhtml.c), CSS (css.c), subset fonts and
 * images, zipped in a fixed order with fixed times by libzip, written atomically. */
#include "ebook/epub.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include <hb-subset.h>
#include <hb.h>
#include <zip.h>

#include "ebook/css.h"
#include "ebook/xhtml.h"

/* One file of the container. `data` is malloc'd and owned by the package until
 * it is handed to libzip, or, when `borrowed`, the model's bytes (never freed here). */
typedef struct epub_entry {
    char *name;          /* path in the zip */
    char *data;
    size_t len;
    bool store;          /* no compression (mimetype, already compressed images) */
    bool borrowed;       /* data belongs to the model (the bytes the loader checked) */
} epub_entry;

typedef struct epub_pkg {
    epub_entry *entries;
    size_t n, cap;
    xhtml_item *items;   /* manifest; id and href owned here */
    size_t n_items, cap_items;
} epub_pkg;

static void epub_add(epub_pkg *p, const char *name, char *data, size_t len, bool store) {
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->entries = xrealloc(p->entries, p->cap * sizeof *p->entries);
    }
    p->entries[p->n++] = (epub_entry){xstrdup(name), data, len, store, false};
}

/* Adds a file whose bytes the model holds: zipped from there, never copied or freed. */
static void epub_add_borrowed(epub_pkg *p, const char *name, const unsigned char *data, size_t len, bool store) {
    epub_add(p, name, (char *)data, len, store);
    p->entries[p->n - 1].borrowed = true;
}

static void epub_add_buf(epub_pkg *p, const char *name, buf *b) {
    size_t len;
    char *data = buf_detach(b, &len);
    epub_add(p, name, data, len, false);
}

static void epub_item(epub_pkg *p, const char *id, const char *href, const char *media_type,
                      const char *properties, bool spine) {
    if (p->n_items == p->cap_items) {
        p->cap_items = p->cap_items ? p->cap_items * 2 : 32;
        p->items = xrealloc(p->items, p->cap_items * sizeof *p->items);
    }
    p->items[p->n_items++] = (xhtml_item){xstrdup(id), xstrdup(href), media_type, properties, spine};
}

static void epub_pkg_free(epub_pkg *p) {
    for (size_t i = 0; i < p->n; i++) {
        free(p->entries[i].name);
        if (!p->entries[i].borrowed) free(p->entries[i].data);
    }
    free(p->entries);
    for (size_t i = 0; i < p->n_items; i++) {
        free((char *)p->items[i].id);
        free((char *)p->items[i].href);
    }
    free(p->items);
}

/*** images ***/

typedef struct epub_images {
    xhtml_image_map map;          /* book_paths point into the model; hrefs owned */
    const model_image **image;    /* one per entry */
    size_t cap;
    size_t n_figures;             /* numbers the images other than the cover */
} epub_images;

static const char *epub_image_ext(const char *media_type) {
    if (media_type && strcmp(media_type, "image/svg+xml") == 0) return "svg";
    if (media_type && strcmp(media_type, "image/png") == 0) return "png";
    if (media_type && strcmp(media_type, "image/jpeg") == 0) return "jpg";
    if (media_type && strcmp(media_type, "image/gif") == 0) return "gif";
    return "bin";
}

static void epub_images_add(epub_images *im, const model_image *img, bool cover) {
    if (!img->book_path || xhtml_image_href(&im->map, img->book_path)) return;
    if (im->map.n == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 16;
        im->map.book_paths = xrealloc(im->map.book_paths, im->cap * sizeof *im->map.book_paths);
        im->map.hrefs = xrealloc(im->map.hrefs, im->cap * sizeof *im->map.hrefs);
        im->image = xrealloc(im->image, im->cap * sizeof *im->image);
    }
    const char *ext = epub_image_ext(img->media_type);
    im->map.book_paths[im->map.n] = img->book_path;
    im->map.hrefs[im->map.n] =
        cover ? xasprintf("media/cover.%s", ext) : xasprintf("media/img-%02zu.%s", ++im->n_figures, ext);
    im->image[im->map.n] = img;
    im->map.n++;
}

static void epub_images_collect_tree(epub_images *im, const model_node *root) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && (n->type == MODEL_FIGURE || n->type == MODEL_IMAGE))
            epub_images_add(im, &n->as.figure.image, false);
}

static void epub_images_collect(epub_images *im, const model_book *book) {
    if (book->meta.has_cover) epub_images_add(im, &book->meta.cover, true);
    for (size_t i = 0; i < book->n_chapters; i++)
        if (book->chapters[i].root) epub_images_collect_tree(im, book->chapters[i].root);
    for (size_t i = 0; i < book->n_footnotes; i++) epub_images_collect_tree(im, book->footnotes[i]);
}

static void epub_images_free(epub_images *im) {
    for (size_t i = 0; i < im->map.n; i++) free((char *)im->map.hrefs[i]);
    free(im->map.hrefs);
    free(im->map.book_paths);
    free(im->image);
}

/*** fonts ***/

/* Adds every code point of a UTF-8 text, with its upper and lower case forms
 * (the CSS may transform case). */
static void epub_codepoints(hb_set_t *set, const char *s, size_t n, locale_t loc) {
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        uint32_t cp;
        int len;
        if (*p < 0x80) cp = *p, len = 1;
        else if ((*p & 0xE0) == 0xC0) cp = *p & 0x1F, len = 2;
        else if ((*p & 0xF0) == 0xE0) cp = *p & 0x0F, len = 3;
        else if ((*p & 0xF8) == 0xF0) cp = *p & 0x07, len = 4;
        else {
            p++;
            continue;
        }
        if (p + len > end) break;
        for (int i = 1; i < len; i++) cp = (cp << 6) | (p[i] & 0x3F);
        p += len;
        hb_set_add(set, cp);
        if (loc != (locale_t)0) {
            hb_set_add(set, (uint32_t)towupper_l((wint_t)cp, loc));
            hb_set_add(set, (uint32_t)towlower_l((wint_t)cp, loc));
        }
    }
}

/* The font reduced to the code points in `set` (hb-subset keeps what the
 * layout features need). NULL when it cannot be subset: the caller keeps the font whole. */
static char *epub_subset_font(const char *data, size_t len, hb_set_t *set, size_t *out_len) {
    if (len > UINT_MAX) return NULL;
    hb_blob_t *blob = hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    char *result = NULL;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (in && hb_face_get_glyph_count(face) > 0) {
        hb_set_union(hb_subset_input_unicode_set(in), set);
        hb_face_t *sub = hb_subset_or_fail(face, in);
        if (sub) {
            hb_blob_t *sb = hb_face_reference_blob(sub);
            unsigned n = 0;
            const char *d = hb_blob_get_data(sb, &n);
            if (d && n > 0 && n < len) {
                result = xmalloc(n);
                memcpy(result, d, n);
                *out_len = n;
            }
            hb_blob_destroy(sb);
            hb_face_destroy(sub);
        }
    }
    if (in) hb_subset_input_destroy(in);
    hb_face_destroy(face);
    return result;
}

/* A file name safe for the container and its URLs. Caller frees. */
static char *epub_safe_name(const char *name) {
    char *s = xstrdup(name && *name ? name : "font");
    for (char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            *p = '_';
    }
    return s;
}

/* Adds the book's fonts (subset to `used`) and appends their @font-face rules. */
static int epub_add_fonts(epub_pkg *p, const model_book *book, hb_set_t *used, buf *font_css, diag *d) {
    for (size_t i = 0; i < book->n_fonts; i++) {
        const model_font *f = &book->fonts[i];
        if (!f->data || !f->size) { /* the loader keeps the bytes of every face it lists */
            diag_error(d, f->path, 0, 0, "cannot embed font: its bytes were not loaded");
            return QUIRE_EINPUT;
        }
        size_t sub_len = 0;
        char *sub = epub_subset_font((const char *)f->data, f->size, used, &sub_len);
        bool otf = f->media_type && strcmp(f->media_type, "font/otf") == 0;
        char *safe = epub_safe_name(f->file_name);
        /* two faces with one file name cannot happen in one folder, but several folders may be searched */
        char *href = xasprintf("fonts/%s", safe);
        for (size_t j = 0; j < p->n_items; j++)
            if (strcmp(p->items[j].href, href) == 0) {
                free(href);
                href = xasprintf("fonts/%zu-%s", i + 1, safe);
                break;
            }
        char *name = xasprintf("EPUB/%s", href);
        char id[32];
        snprintf(id, sizeof id, "font-%02zu", i + 1);
        if (sub) epub_add(p, name, sub, sub_len, false);
        else epub_add_borrowed(p, name, f->data, f->size, false);
        epub_item(p, id, href, otf ? "font/otf" : "font/ttf", NULL, false);
        buf_puts(font_css, "@font-face {\n  font-family: \"");
        for (const char *c = f->family; c && *c; c++) {
            if (*c == '"' || *c == '\\') buf_putc(font_css, '\\');
            buf_putc(font_css, *c);
        }
        buf_printf(font_css, "\";\n  font-weight: %d;\n  font-style: %s;\n  src: url(\"../%s\") format(\"%s\");\n}\n",
                   f->weight > 0 ? f->weight : 400, f->italic ? "italic" : "normal", href,
                   otf ? "opentype" : "truetype");
        free(name);
        free(href);
        free(safe);
    }
    return QUIRE_OK;
}

/* The face of `family` nearest to `weight` and `italic`, or NULL. */
static const model_font *epub_find_face(const model_book *book, const char *family, int weight, bool italic) {
    const model_font *best = NULL;
    int best_score = 0;
    for (size_t i = 0; family && i < book->n_fonts; i++) {
        const model_font *f = &book->fonts[i];
        if (!f->family || strcasecmp(f->family, family) != 0) continue;
        int dw = (f->weight > 0 ? f->weight : 400) - (weight > 0 ? weight : 400);
        int score = (dw < 0 ? -dw : dw) + (f->italic != italic ? 1000 : 0);
        if (!best || score < best_score) best = f, best_score = score;
    }
    return best;
}

/* The text of a footnote's back link: the first of "↩︎" and "↑" that the notes' face
 * has (a missing glyph would show as a box on a reader without a fallback font), else "^". */
static const char *epub_backlink(const model_book *book) {
    static const struct {
        uint32_t cp;
        const char *text;
    } choice[] = {
        {0x21A9, "\xe2\x86\xa9\xef\xb8\x8e"}, /* ↩ with VS15: text, not emoji */
        {0x2191, "\xe2\x86\x91"},             /* ↑ */
    };
    if (!book->style) return XHTML_BACKLINK_DEFAULT;
    const style_text *t = &book->style->roles[STYLE_FOOTNOTE];
    const model_font *f = epub_find_face(book, t->family, t->weight, t->italic);
    if (!f) return XHTML_BACKLINK_DEFAULT; /* the reading system's own font */
    if (!f->data || !f->size || f->size > UINT_MAX) return XHTML_BACKLINK_DEFAULT;
    hb_blob_t *blob = hb_blob_create((const char *)f->data, (unsigned)f->size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    const char *text = "^";
    for (size_t i = 0; i < sizeof choice / sizeof choice[0]; i++) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(font, choice[i].cp, &g)) {
            text = choice[i].text;
            break;
        }
    }
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return text;
}

/*** zip ***/

/* The DOS time and date of every entry: the build time's UTC calendar fields, whatever
 * the machine's time zone. 1980-01-01 00:00:00 before 1980, 2107-12-31 23:59:58 after 2107. */
static void epub_dos_time(int64_t ts, uint16_t *dtime, uint16_t *ddate) {
    time_t t = (time_t)ts;
    struct tm tm;
    if (ts < 315532800 || !gmtime_r(&t, &tm) || tm.tm_year < 80) {
        *dtime = 0, *ddate = (uint16_t)(1 << 5 | 1);
        return;
    }
    if (tm.tm_year > 207) tm.tm_year = 207, tm.tm_mon = 11, tm.tm_mday = 31, tm.tm_hour = 23, tm.tm_min = 59, tm.tm_sec = 59;
    *dtime = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | (tm.tm_sec > 59 ? 59 : tm.tm_sec) / 2);
    *ddate = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

static uint64_t get_le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void put_le16(unsigned char *p, uint16_t v) {
    p[0] = (unsigned char)(v & 0xff), p[1] = (unsigned char)(v >> 8);
}

/* Writes the DOS time and date into every local and central header of a finished
 * archive. libzip (before 1.10) keeps an entry's time as a time_t and converts it with
 * the local time zone both ways, so a time in a daylight-saving gap would come out an
 * hour off; the headers are set here instead. False when the archive cannot be read. */
static bool epub_zip_set_times(unsigned char *z, size_t len, uint16_t dtime, uint16_t ddate) {
    if (len < 22) return false;
    size_t eocd = len - 22, stop = len >= 22 + 65535 ? len - 22 - 65535 : 0;
    while (get_le(z + eocd, 4) != 0x06054b50u) {
        if (eocd == stop) return false;
        eocd--;
    }
    uint64_t count = get_le(z + eocd + 10, 2), cd_size = get_le(z + eocd + 12, 4), cd_off = get_le(z + eocd + 16, 4);
    if (count == 0xffffu || cd_size == 0xffffffffu || cd_off == 0xffffffffu) { /* ZIP64 */
        if (eocd < 20 || get_le(z + eocd - 20, 4) != 0x07064b50u) return false;
        uint64_t rec = get_le(z + eocd - 20 + 8, 8);
        if (rec > len || len - rec < 56 || get_le(z + rec, 4) != 0x06064b50u) return false;
        count = get_le(z + rec + 32, 8), cd_size = get_le(z + rec + 40, 8), cd_off = get_le(z + rec + 48, 8);
    }
    if (cd_off > len || cd_size > len - cd_off) return false;
    size_t at = (size_t)cd_off, end = (size_t)(cd_off + cd_size);
    for (uint64_t i = 0; i < count; i++) {
        if (end - at < 46 || get_le(z + at, 4) != 0x02014b50u) return false;
        size_t name_len = (size_t)get_le(z + at + 28, 2), extra_len = (size_t)get_le(z + at + 30, 2),
               comment_len = (size_t)get_le(z + at + 32, 2);
        if (end - at - 46 < name_len + extra_len + comment_len) return false;
        uint64_t local = get_le(z + at + 42, 4);
        if (local == 0xffffffffu) { /* in the ZIP64 extra field, after the sizes that overflow */
            const unsigned char *x = z + at + 46 + name_len, *xe = x + extra_len;
            bool found = false;
            while (xe - x >= 4 && !found) {
                size_t id = (size_t)get_le(x, 2), n = (size_t)get_le(x + 2, 2);
                if ((size_t)(xe - x - 4) < n) return false;
                if (id == 1) {
                    size_t skip = (get_le(z + at + 24, 4) == 0xffffffffu ? 8 : 0) + (get_le(z + at + 20, 4) == 0xffffffffu ? 8 : 0);
                    if (n < skip + 8) return false;
                    local = get_le(x + 4 + skip, 8);
                    found = true;
                }
                x += 4 + n;
            }
            if (!found) return false;
        }
        if (local > len || len - local < 30 || get_le(z + local, 4) != 0x04034b50u) return false;
        put_le16(z + at + 12, dtime), put_le16(z + at + 14, ddate);
        put_le16(z + local + 10, dtime), put_le16(z + local + 12, ddate);
        at += 46 + name_len + extra_len + comment_len;
    }
    return true;
}

/* Zips the entries in order into memory. Returns the archive (caller frees) or NULL. */
/* zlib's level 3: on the sample book's fonts and text 3 % larger than at its default
 * level 6, in two thirds of its time (deflating was a tenth of a small book's work). */
#define EPUB_DEFLATE_LEVEL 3

static char *epub_zip(epub_pkg *p, int64_t ts, size_t *out_len, diag *d) {
    zip_error_t ze;
    zip_error_init(&ze);
    char *result = NULL;
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!mem) goto fail;
    zip_source_keep(mem);
    zip_t *za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    if (!za) {
        zip_source_free(mem);
        mem = NULL;
        goto fail;
    }
    uint16_t dtime, ddate;
    epub_dos_time(ts, &dtime, &ddate);
    for (size_t i = 0; i < p->n; i++) {
        epub_entry *e = &p->entries[i];
        /* libzip frees the data it is given when it is done with it; the model's bytes stay */
        zip_source_t *s = zip_source_buffer(za, e->data, e->len, e->borrowed ? 0 : 1);
        if (!s) goto fail_zip;
        if (!e->borrowed) e->data = NULL;
        zip_int64_t idx = zip_file_add(za, e->name, s, ZIP_FL_ENC_GUESS);
        if (idx < 0) {
            zip_source_free(s);
            goto fail_zip;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, e->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                     e->store ? 0 : EPUB_DEFLATE_LEVEL) != 0 ||
            zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) != 0 ||
            zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, 0100644u << 16) != 0)
            goto fail_zip;
    }
    if (zip_close(za) != 0) goto fail_zip;
    zip_stat_t st;
    if (zip_source_stat(mem, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(mem) != 0) {
        zip_error_set(&ze, ZIP_ER_INTERNAL, 0);
        goto fail;
    }
    result = xmalloc(st.size ? st.size : 1);
    zip_int64_t got = zip_source_read(mem, result, st.size);
    zip_source_close(mem);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(result);
        result = NULL;
        zip_error_set(&ze, ZIP_ER_READ, 0);
        goto fail;
    }
    if (!epub_zip_set_times((unsigned char *)result, (size_t)st.size, dtime, ddate)) {
        free(result);
        result = NULL;
        zip_error_set(&ze, ZIP_ER_INCONS, 0);
        goto fail;
    }
    *out_len = (size_t)st.size;
    zip_source_free(mem);
    zip_error_fini(&ze);
    return result;
fail_zip:
    zip_error_set(&ze, zip_error_code_zip(zip_get_error(za)), zip_error_code_system(zip_get_error(za)));
    zip_discard(za);
fail:
    diag_error(d, NULL, 0, 0, "cannot build the EPUB archive: %s", zip_error_strerror(&ze));
    if (mem) zip_source_free(mem);
    zip_error_fini(&ze);
    return NULL;
}

/*** the package ***/

static const char container_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
    "  <rootfiles>\n"
    "    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n"
    "  </rootfiles>\n"
    "</container>\n";

int epub_write(const model_book *book, const char *out_path, diag *d) {
    return epub_write_paged(book, NULL, out_path, d);
}

/* The content documents in reading order (cover, nav, chapters) and the NCX; the
 * characters they use go into `used`, for the font subsets. */
static void add_documents(epub_pkg *p, const model_book *book, const epub_images *im, const model_page_map *pages,
                          hb_set_t *used, locale_t loc) {
    buf b;
    buf_init(&b);
    xhtml_cover(book, &im->map, &b);
    epub_codepoints(used, b.data, b.len, loc);
    epub_add_buf(p, "EPUB/cover.xhtml", &b);
    epub_item(p, "cover", "cover.xhtml", "application/xhtml+xml", NULL, true);

    xhtml_nav_paged(book, pages, &b);
    epub_codepoints(used, b.data, b.len, loc);
    epub_add_buf(p, "EPUB/nav.xhtml", &b);
    epub_item(p, "nav", "nav.xhtml", "application/xhtml+xml", "nav", true);

    const char *backlink = epub_backlink(book);
    for (size_t i = 0; i < book->n_chapters; i++) {
        char *file = xhtml_chapter_file(i);
        char *name = xasprintf("EPUB/text/%s", file);
        char *href = xasprintf("text/%s", file);
        char id[32];
        snprintf(id, sizeof id, "ch%02zu", i + 1);
        xhtml_chapter_paged(book, i, &im->map, backlink, pages, &b);
        epub_codepoints(used, b.data, b.len, loc);
        epub_add_buf(p, name, &b);
        epub_item(p, id, href, "application/xhtml+xml", NULL, true);
        free(file);
        free(name);
        free(href);
    }

    xhtml_ncx_paged(book, pages, &b);
    epub_add_buf(p, "EPUB/toc.ncx", &b);
    epub_item(p, "ncx", "toc.ncx", "application/x-dtbncx+xml", NULL, false);
    buf_free(&b);
}

/* The fonts, subset to `used` and the characters a reading system may add (hyphens,
 * ellipsis, spaces, ASCII), and the CSS with their @font-face rules. */
static int add_fonts_and_css(epub_pkg *p, const model_book *book, hb_set_t *used, diag *d) {
    static const uint32_t extra[] = {0x20, 0xA0, 0xAD, 0x2010, 0x2011, 0x2013, 0x2014, 0x2026, 0x2018, 0x2019,
                                     0x201C, 0x201D};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) hb_set_add(used, extra[i]);
    hb_set_add_range(used, 0x21, 0x7E);
    buf font_css;
    buf_init(&font_css);
    int rc = epub_add_fonts(p, book, used, &font_css, d);
    if (rc == QUIRE_OK) {
        char *css =
            book->style ? style_to_css(book->style, font_css.data) : xstrdup(font_css.data ? font_css.data : "");
        epub_add(p, "EPUB/css/book.css", css, strlen(css), false);
        epub_item(p, "css", "css/book.css", "text/css", NULL, false);
    }
    buf_free(&font_css);
    return rc;
}

/* Every image, with the bytes the loader checked, under its media/ name. */
static int add_images(epub_pkg *p, const model_book *book, const epub_images *im, diag *d) {
    for (size_t i = 0; i < im->map.n; i++) {
        const model_image *img = im->image[i];
        if (!img->data || !img->size) { /* the loader keeps the bytes of every image it checked */
            diag_error(d, img->book_path, 0, 0, "cannot embed image: its bytes were not loaded");
            return QUIRE_EINPUT;
        }
        bool svg = img->media_type && strcmp(img->media_type, "image/svg+xml") == 0;
        char *name = xasprintf("EPUB/%s", im->map.hrefs[i]);
        char id[32];
        bool cover = book->meta.has_cover && strcmp(img->book_path, book->meta.cover.book_path) == 0;
        if (cover) {
            snprintf(id, sizeof id, "cover-image");
        } else { /* "media/img-02.svg" → "img-02" */
            const char *base = im->map.hrefs[i] + strlen("media/");
            snprintf(id, sizeof id, "%.*s", (int)strcspn(base, "."), base);
        }
        epub_add_borrowed(p, name, img->data, img->size, !svg);
        epub_item(p, id, im->map.hrefs[i], img->media_type ? img->media_type : "application/octet-stream",
                  cover ? "cover-image" : NULL, false);
        free(name);
    }
    return QUIRE_OK;
}

/* The package zipped and written into `out` (not committed). */
static int write_package(epub_pkg *p, int64_t ts, atomic_file *out, diag *d) {
    size_t zip_len = 0;
    char *zip_data = epub_zip(p, ts, &zip_len, d);
    if (!zip_data) return QUIRE_EIO;
    int rc = QUIRE_OK;
    if (atomic_write(out, zip_data, zip_len) != 0) {
        diag_error(d, out->path, 0, 0, "cannot write the EPUB: %s", strerror(errno));
        rc = QUIRE_EIO;
    }
    free(zip_data);
    return rc;
}

int epub_write_paged(const model_book *book, const model_page_map *pages, const char *out_path, diag *d) {
    atomic_file out = {0};
    if (atomic_open(&out, out_path) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write the EPUB: %s", strerror(errno));
        return QUIRE_EIO;
    }
    int rc = epub_write_to(book, pages, &out, d);
    if (rc != QUIRE_OK) {
        atomic_abort(&out);
    } else if (atomic_commit(&out) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write the EPUB: %s", strerror(errno));
        rc = QUIRE_EIO;
    }
    return rc;
}

int epub_write_to(const model_book *book, const model_page_map *pages, atomic_file *out, diag *d) {
    epub_pkg p = {0};
    epub_images im = {0};
    hb_set_t *used = hb_set_create();
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    int64_t ts = book->timestamp; /* checked once by the loader */

    epub_add(&p, "mimetype", xstrdup("application/epub+zip"), strlen("application/epub+zip"), true);
    epub_add(&p, "META-INF/container.xml", xstrdup(container_xml), strlen(container_xml), false);
    size_t opf_slot = p.n; /* the package document comes third; filled in last */
    epub_add(&p, "EPUB/package.opf", NULL, 0, false);

    epub_images_collect(&im, book);
    add_documents(&p, book, &im, pages, used, loc);
    int rc = add_fonts_and_css(&p, book, used, d);
    if (rc == QUIRE_OK) rc = add_images(&p, book, &im, d);
    if (rc == QUIRE_OK) {
        buf b;
        buf_init(&b);
        xhtml_opf_paged(book, p.items, p.n_items, ts, im.map.n > 0, pages, &b);
        p.entries[opf_slot].data = buf_detach(&b, &p.entries[opf_slot].len);
        rc = write_package(&p, ts, out, d);
    }
    hb_set_destroy(used);
    if (loc != (locale_t)0) freelocale(loc);
    epub_images_free(&im);
    epub_pkg_free(&p);
    return rc;
}
