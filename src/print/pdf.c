/* pdf: model → laid-out, paginated pages → a tagged PDF on a Cairo surface, finished by pdffinish. */
#include "print/pdf.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>

#include "base/image.h"
#include "base/uri.h"
#include "model/facts.h"
#include "print/hyph.h"
#include "print/layout.h"
#include "print/paginate.h"
#include "print/pdffinish.h"
#include "print/pdfstruct.h"
#include "print/pdftag.h"
#include "print/text.h"
#include "version.h"

/*** building the document: layout, pagination, table of contents ***/

static const style_text *role(const pdf_doc *doc, style_role r) {
    return &doc->book->style->roles[r];
}

static void roman(int n, char *out, size_t size) {
    static const struct { int v; const char *s; } t[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
        {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}};
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        while (n >= t[i].v && k + 3 < size) {
            strcpy(out + k, t[i].s);
            k += strlen(t[i].s);
            n -= t[i].v;
        }
}

void pdf_folio(const pdf_doc *doc, int phys, char *out, size_t size) {
    if (phys < doc->n_front) roman(phys + 1, out, size);
    else snprintf(out, size, "%d", phys - doc->n_front + 1);
}

/* The table of contents: a title, then one line per entry of the book's contents with its body folio. */
static void build_toc(pdf_doc *doc) {
    layout_list *l = &doc->toc;
    const style_text *ts = role(doc, STYLE_TOC);
    const style_text *h1 = role(doc, STYLE_H1);
    text_opts o = {0};
    o.width = doc->text_w;
    o.align_override = -1;
    o.link_color = STYLE_NO_COLOR;
    layout_item *ti;
    text_para *tp = layout_keep_para(l, text_para_plain(doc->tc, model_contents_title(doc->book), h1, &o));
    for (int i = 0; i < tp->n_lines; i++) {
        ti = layout_push(l);
        ti->kind = LAYOUT_LINE;
        ti->para = tp;
        ti->line = i;
        ti->height = tp->leading;
        ti->baseline = tp->ascent;
        ti->space_before = h1->space_before;
        ti->keep_with_next = true;
        ti->tags[0] = (layout_tag){"H1", 1};
        ti->depth = 1;
        if (i == 0) ti->dest = "quire-contents";
    }
    int id = 2;
    bool first = true;
    for (int i = 0; i < doc->body.n; i++) {
        const layout_item *it = &doc->body.items[i];
        if (!it->contents) continue;
        int level = it->contents->level;
        int page = doc->bp.item_page[i];
        if (page < 0) continue;
        char num[16];
        snprintf(num, sizeof num, "%d", page + 1);
        style_text es = *ts;
        if (level == 1) es.weight = 700;
        double indent = (level - 1) * ts->size * 1.5;
        text_opts eo = o;
        eo.align_override = STYLE_ALIGN_RIGHT;
        eo.width = -1;
        text_para *np = layout_keep_para(l, text_para_plain(doc->tc, num, &es, &eo));
        double numw = np->lines[0].width;
        eo.align_override = STYLE_ALIGN_LEFT;
        eo.width = doc->text_w - indent - numw - ts->size * 2.5;
        text_para *ep = layout_keep_para(l, text_para_plain(doc->tc, it->contents->text, &es, &eo));
        id++;
        /* An entry stays on the page of its first child entry. */
        int next_level = 0;
        for (int j = i + 1; j < doc->body.n && !next_level; j++)
            if (doc->body.items[j].contents) next_level = doc->body.items[j].contents->level;
        for (int k = 0; k < ep->n_lines; k++) {
            ti = layout_push(l);
            ti->kind = LAYOUT_LINE;
            ti->para = ep;
            ti->line = k;
            ti->x = indent;
            ti->height = ep->leading;
            ti->baseline = ep->ascent;
            double sb = level == 1 ? ts->size * 0.9 : 0;
            ti->space_before = k == 0 ? (first ? h1->space_after : sb + ts->space_before) : 0;
            ti->keep_with_next = k + 1 < ep->n_lines || next_level > level;
            ti->tags[0] = (layout_tag){"TOC", 1};
            ti->tags[1] = (layout_tag){"TOCI", id};
            ti->depth = 2;
            ti->toc_dest = it->node->id;
            if (k + 1 == ep->n_lines) ti->toc_num = np;
        }
        first = false;
    }
}

void pdf_doc_free(pdf_doc *doc) {
    layout_svgs_hand_over(doc->svgs, NULL, 0);
    paginate_result_free(&doc->bp);
    paginate_result_free(&doc->tp);
    layout_list_free(&doc->body);
    layout_list_free(&doc->toc);
    layout_list_free(&doc->misc);
    free(doc->heads);
    text_ctx_free(doc->tc);
    text_svg_fonts_done();
    hyph_free(doc->hy);
    memset(doc, 0, sizeof *doc);
}

static bool book_hyphenates(const model_book *book) {
    bool hyphenates = false;
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) hyphenates |= book->style->roles[r].hyphenate;
    return hyphenates;
}

static const char *hyph_language(const model_book *book) {
    return book->meta.language ? book->meta.language : "en";
}

/* Languages whose books are not hyphenated in print (lines break between characters or
 * words, or words are not divided): no patterns to miss. */
static bool unhyphenated_language(const char *tag) {
    static const char *const none[] = {"zh", "ja", "ko", "th", "lo", "km", "my", "ar", "he", "fa", "ur", "yi", NULL};
    size_t n = strcspn(tag, "-_");
    for (int i = 0; none[i]; i++)
        if (strlen(none[i]) == n && g_ascii_strncasecmp(tag, none[i], n) == 0) return true;
    return false;
}

/* Up to this much Markdown, hyphenation loads only the patterns the book's words need
 * (hyph_load_for), once they are read: quicker than all of them on a thread. */
#define PDF_SMALL_BOOK_BYTES ((size_t)64 << 10)

void pdf_prefetch(const model_book *book, size_t chapter_bytes) {
    if (book->style && book_hyphenates(book) && chapter_bytes > PDF_SMALL_BOOK_BYTES)
        hyph_prefetch(hyph_language(book));
}

/* The words of every text of the book, for hyph_load_for (NULL once they are too many). */
static hyph_words *book_words(const model_book *book) {
    hyph_words *w = hyph_words_new();
    const char *meta[] = {book->meta.title, book->meta.subtitle, model_contents_title(book)};
    bool more = true;
    for (size_t i = 0; more && i < sizeof meta / sizeof meta[0]; i++)
        if (meta[i]) more = hyph_words_add(w, meta[i], strlen(meta[i]));
    for (size_t i = 0; more && i < book->n_chapters; i++) {
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while (more && (ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
            if (ev == MODEL_EVENT_ENTER && n->text) more = hyph_words_add(w, n->text, strlen(n->text));
    }
    if (more) return w;
    hyph_words_free(w);
    return NULL;
}

/* The media box: the trim size with bleed and slug around it. */
static void media_size(const pdf_doc *doc, double *w, double *h) {
    *w = doc->W + 2 * doc->off;
    *h = doc->H + 2 * doc->off;
}

static int build(pdf_doc *doc, const model_book *book, bool for_pdf, diag *d) {
    memset(doc, 0, sizeof *doc);
    doc->book = book;
    const style_page *pg = &book->style->page;
    doc->W = pg->width, doc->H = pg->height;
    doc->bleed = pg->bleed > 0 ? pg->bleed : 0;
    doc->slug = doc->bleed > 0 ? 24 : 0;
    doc->off = doc->bleed + doc->slug;
    int cols = pg->columns > 0 ? pg->columns : 1;
    doc->columns = cols;
    doc->text_w = doc->W - pg->margin_inner - pg->margin_outer;
    doc->col_w = (doc->text_w - pg->column_gap * (cols - 1)) / cols;
    doc->col_h = doc->H - pg->margin_top - pg->margin_bottom;
    /* the geometry was checked when the style was read (style_check_page) */
    text_svg_fonts(book);
    if (for_pdf) {
        double mw, mh;
        media_size(doc, &mw, &mh);
        doc->svgs = layout_svgs_start(book, mw, mh);
    }
    doc->tc = text_ctx_new(book, NULL);
    if (!doc->tc) {
        diag_error(d, NULL, 0, 0, "no fonts available for the PDF");
        return QUIRE_EINPUT;
    }
    /* Patterns only when a role hyphenates (pdf_prefetch may have started loading them). */
    if (book_hyphenates(book)) {
        const char *lang = hyph_language(book);
        doc->hy = hyph_load_for(lang, hyph_all_at_hand(lang) ? NULL : book_words(book));
        if (!doc->hy && !unhyphenated_language(lang))
            diag_warning(d, book->manifest, 0, 0,
                         "no hyphenation patterns for the book's language '%s' in %s (Debian's hyphen-* packages "
                         "install them); the PDF's lines are set unhyphenated",
                         lang, hyph_dir());
        text_ctx_set_hyph(doc->tc, doc->hy);
    }
    layout_params lp = {doc->col_w, doc->col_h, pg->widows, pg->orphans, pg->figure_natural};
    if (!layout_book(doc->tc, book, &lp, &doc->body, d)) return QUIRE_EINPUT;
    paginate_params pp = {.columns = cols, .col_height = doc->col_h, .recto_chapters = pg->chapter_recto,
                          .placement = pg->figure_placement, .stretch = pg->stretch,
                          .float_gap = role(doc, STYLE_CAPTION)->space_after};
    paginate_run(&doc->body, &pp, &doc->bp);
    if (book->meta.has_cover) {
        doc->cover = layout_load_image(&doc->misc, &book->meta.cover, (model_pos){book->manifest, 0, 0}, d);
        if (!doc->cover) return QUIRE_EINPUT;
        doc->cover->uses++;
    }
    /* Body folios start at 1 whatever the length of the front matter, so the contents
     * need one pass: their page numbers cannot move when the contents grow. */
    build_toc(doc);
    paginate_params tpp = {.columns = 1, .col_height = doc->col_h, .placement = STYLE_PLACE_HERE};
    paginate_run(&doc->toc, &tpp, &doc->tp);
    doc->n_front = 1 + doc->tp.n_pages;
    /* Chapters that open on a recto: the body's page 1 is a recto too (a blank page before it). */
    if (pg->chapter_recto && doc->n_front % 2 == 1) doc->n_front++;
    doc->n_pages = doc->n_front + doc->bp.n_pages;
    return QUIRE_OK;
}

int pdf_doc_build(pdf_doc *doc, const model_book *book, diag *d) {
    return build(doc, book, false, d);
}

int pdf_doc_build_for_pdf(pdf_doc *doc, const model_book *book, diag *d) {
    return build(doc, book, true, d);
}

/*** metadata, outline and writing ***/

static void set_metadata(cairo_surface_t *s, const model_book *book) {
    const model_meta *m = &book->meta;
    if (m->title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->n_authors) {
        buf a;
        buf_init(&a);
        for (size_t i = 0; i < m->n_authors; i++) buf_printf(&a, "%s%s", i ? ", " : "", m->authors[i]);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, a.data);
        buf_free(&a);
    }
    if (m->description) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, m->description);
    if (m->keywords) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
    char *creator = xasprintf("quire %s", QUIRE_VERSION);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, creator);
    free(creator);
    time_t t = (time_t)book->timestamp; /* checked once by the loader */
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Cairo writes its file in pieces of a few bytes (177,000 of them for 300 pages): they are
 * gathered here and written a megabyte at a time. */
#define SINK_BUF (1u << 20)

typedef struct pdf_sink {
    atomic_file *af;
    int err; /* errno of the first failed write */
    unsigned char *buf;
    size_t len;
} pdf_sink;

static bool sink_flush(pdf_sink *sink) {
    if (sink->len && !sink->err && atomic_write(sink->af, sink->buf, sink->len) != 0) sink->err = errno ? errno : EIO;
    sink->len = 0;
    return !sink->err;
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n) {
    pdf_sink *sink = closure;
    if (sink->err) return CAIRO_STATUS_WRITE_ERROR;
    if (sink->len + n > SINK_BUF && !sink_flush(sink)) return CAIRO_STATUS_WRITE_ERROR;
    if (n > SINK_BUF) {
        if (atomic_write(sink->af, data, n) != 0) sink->err = errno ? errno : EIO;
        return sink->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
    }
    memcpy(sink->buf + sink->len, data, n);
    sink->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/*** the page map: where each printed page begins in the text ***/

/* Word index (0-based) of the word at byte `at` of a paragraph's text, words counted
 * from byte `from`: the word holding `at` when `at` falls inside one (a hyphenated
 * line end), else the word starting there. */
static int word_at(const char *t, int from, int at) {
    int words = 0, len;
    bool in_word = false, prev_word = false;
    for (int i = from; i < at && t[i];) {
        bool sp = model_word_space(t + i, &len);
        if (!sp && !in_word) words++;
        in_word = !sp;
        i += len;
    }
    prev_word = in_word;
    if (prev_word && !model_word_space(t + at, &len)) return words - 1;
    return words;
}

/* The page position a box stands for: a block start, or a word inside a block the
 * e-book writes as running text. False when the box continues something that has none. */
static bool box_position(const layout_item *it, model_page *pg) {
    const model_node *n = it->node;
    if (!n || n->chapter < 0) return false;
    if (it->kind != LAYOUT_LINE || it->line == 0) {
        /* a caption line belongs to the figure above it */
        if (it->kind == LAYOUT_LINE && n->type == MODEL_FIGURE) return false;
        pg->node = n, pg->word = 0;
        return true;
    }
    if (n->type != MODEL_PARAGRAPH && n->type != MODEL_HEADING && n->type != MODEL_ATTRIBUTION &&
        n->type != MODEL_CODE_BLOCK)
        return false;
    const text_para *p = it->para;
    int from = 0;
    static const char dash[] = "\xE2\x80\x94\xC2\xA0"; /* the attribution's prefix */
    if (n->type == MODEL_ATTRIBUTION && strncmp(p->text, dash, sizeof dash - 1) == 0) from = (int)sizeof dash - 1;
    pg->node = n;
    pg->word = word_at(p->text, from, p->lines[it->line].start);
    return true;
}

void pdf_page_map(const pdf_doc *doc, model_page_map *out) {
    memset(out, 0, sizeof *out);
    int n = doc->bp.n_pages;
    out->pages = xcalloc((size_t)(n > 0 ? n : 1), sizeof *out->pages);
    model_page last = {{0}, NULL, 0};
    for (int k = 0; k < n; k++) {
        const paginate_page *pg = &doc->bp.pages[k];
        model_page *mp = &out->pages[out->n];
        bool found = false;
        /* The first box in reading order that begins something; the boxes of a page are in order. */
        for (int b = 0; b < pg->n_boxes && !found; b++)
            if (!pg->boxes[b].repeated && !pg->boxes[b].floated) found = box_position(&doc->body.items[pg->boxes[b].item], mp);
        if (!found) {
            /* A page that only continues a block: its break goes where the last one went. */
            if (!last.node) continue;
            mp->node = last.node, mp->word = last.word;
        }
        pdf_folio(doc, doc->n_front + k, mp->label, sizeof mp->label);
        last = *mp;
        out->n++;
    }
    const model_meta *m = &doc->book->meta;
    out->source = xasprintf("%s.pdf", m->name ? m->name : "book");
}

void pdf_process_init(void) {
    setenv("CAIRO_DEBUG_PDF", "1", 0);
}

int pdf_write(const model_book *book, const char *out_path, pdf_result *res, diag *d) {
    pdf_doc doc;
    int rc = pdf_doc_build_for_pdf(&doc, book, d);
    if (rc != QUIRE_OK) {
        pdf_doc_free(&doc);
        return rc;
    }
    return pdf_write_doc(&doc, out_path, res, d);
}

/*** PNGs for the finishing pass ***/

/* Every PNG of the document, planned (image_pdf_plan) when drawing starts; those a PDF cannot
 * show from their own data are decoded and deflated on a thread of their own meanwhile. */
typedef struct png_prep {
    const layout_image **images;  /* one per book path */
    image_pdf *plans;
    bool *planned;
    int n;
    pthread_t tid;
    bool threaded;
} png_prep;

static void *prepare_pngs(void *arg) {
    png_prep *p = arg;
    for (int i = 0; i < p->n; i++)
        if (p->planned[i] && !p->plans[i].own)
            p->planned[i] = image_pdf_data(p->images[i]->src->data, p->images[i]->src->size, &p->plans[i]);
    return NULL;
}

static bool png_listed(const png_prep *p, const char *book_path) {
    for (int k = 0; k < p->n; k++)
        if (strcmp(p->images[k]->book_path, book_path) == 0) return true;
    return false;
}

static void png_prep_start(png_prep *p, const pdf_doc *doc) {
    const layout_list *lists[2] = {&doc->body, &doc->misc};
    int cap = lists[0]->n_images + lists[1]->n_images;
    memset(p, 0, sizeof *p);
    p->images = xcalloc((size_t)(cap ? cap : 1), sizeof *p->images);
    p->plans = xcalloc((size_t)(cap ? cap : 1), sizeof *p->plans);
    p->planned = xcalloc((size_t)(cap ? cap : 1), sizeof *p->planned);
    bool decode = false;
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < lists[l]->n_images; i++) {
            const layout_image *im = lists[l]->images[i];
            const model_image *mi = im->src;
            if (!mi->media_type || strcmp(mi->media_type, "image/png") != 0 || png_listed(p, im->book_path)) continue;
            p->images[p->n] = im;
            p->planned[p->n] = image_pdf_plan(mi->data, mi->size, &p->plans[p->n]);
            decode = decode || (p->planned[p->n] && !p->plans[p->n].own);
            p->n++;
        }
    p->threaded = decode && pthread_create(&p->tid, NULL, prepare_pngs, p) == 0;
    if (decode && !p->threaded) prepare_pngs(p);
}

static void png_prep_wait(png_prep *p) {
    if (p->threaded) pthread_join(p->tid, NULL);
    p->threaded = false;
}

static void png_prep_free(png_prep *p) {
    png_prep_wait(p);
    for (int i = 0; i < p->n; i++) image_pdf_release(&p->plans[i]);
    free(p->images);
    free(p->plans);
    free(p->planned);
}

/* The PNGs layout drew through stand-ins, for the finishing pass (the keys and bytes are the
 * book's). A stand-in without data is left out: the finishing pass reports it. */
static pdffinish_png *png_table(const png_prep *p, const pdf_doc *doc, int *n) {
    const layout_list *lists[2] = {&doc->body, &doc->misc};
    pdffinish_png *t = xcalloc((size_t)(p->n ? p->n : 1), sizeof *t);
    bool *taken = xcalloc((size_t)(p->n ? p->n : 1), sizeof *taken);
    *n = 0;
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < lists[l]->n_images; i++) {
            const layout_image *im = lists[l]->images[i];
            for (int k = 0; k < p->n && im->stand_in; k++)
                if (!taken[k] && p->planned[k] && strcmp(p->images[k]->book_path, im->book_path) == 0) {
                    taken[k] = true;
                    t[(*n)++] = (pdffinish_png){im->book_path, im->src->data, im->src->size, &p->plans[k]};
                }
        }
    free(taken);
    return t;
}

/* A thread's body: frees a document (Pango's objects with it: nothing else uses them then)
 * and hands the heap back. The caller has dropped its thread's default font map first
 * (text_svg_fonts_done: Pango's default is per thread). */
static void *free_doc(void *arg) {
    pdf_doc_free(arg);
    mem_give_back();
    return NULL;
}

int pdf_write_doc(pdf_doc *docp, const char *out_path, pdf_result *res, diag *d) {
    atomic_file out = {0};
    if (atomic_open(&out, out_path) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(errno));
        pdf_doc_free(docp);
        return QUIRE_EIO;
    }
    int rc = pdf_write_doc_to(docp, &out, res, d);
    if (rc != QUIRE_OK) {
        atomic_abort(&out);
    } else if (atomic_commit(&out) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(errno));
        rc = QUIRE_EIO;
    }
    return rc;
}

int pdf_write_doc_to(pdf_doc *docp, atomic_file *out, pdf_result *res, diag *d) {
    pdf_doc doc = *docp;
    memset(docp, 0, sizeof *docp);
    const model_book *book = doc.book;
    const char *out_path = out->path;
    int rc;
    atomic_file draw_af = {0};
    char *draw_name = xasprintf("%s.cairo", out_path);
    if (atomic_open(&draw_af, draw_name) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(errno));
        free(draw_name);
        pdf_doc_free(&doc);
        return QUIRE_EIO;
    }
    free(draw_name);
    double mw, mh;
    media_size(&doc, &mw, &mh);
    /* Cairo writes through us, so a full disk or a file-size limit is seen with its cause. */
    pdf_sink sink = {&draw_af, 0, xmalloc(SINK_BUF), 0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink_write, &sink, mw, mh);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    set_metadata(s, book);
    cairo_t *cr = cairo_create(s);
    png_prep prep;
    png_prep_start(&prep, &doc);
    pdf_draw_state st = {0};
    st.pdf = s;
    st.tag = pdftag_new();
    st.page_h = mh;
    layout_list *const drawn_ahead_for[] = {&doc.body, &doc.misc};
    layout_svgs_hand_over(doc.svgs, drawn_ahead_for, 2);
    doc.svgs = NULL;
    for (int p = 0; p < doc.n_pages; p++) {
        pdf_draw_page(cr, &doc, p, &st);
        cairo_show_page(cr);
        layout_release_drawn(&doc.body);
        layout_release_drawn(&doc.misc);
    }
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    sink_flush(&sink);
    free(sink.buf);
    if (cs == CAIRO_STATUS_SUCCESS && sink.err) cs = CAIRO_STATUS_WRITE_ERROR;
    if (cs == CAIRO_STATUS_SUCCESS && st.failed_image) cs = CAIRO_STATUS_NO_MEMORY;
    if (cs != CAIRO_STATUS_SUCCESS) {
        if (sink.err) diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(sink.err));
        else if (st.failed_image)
            diag_error(d, out_path, 0, 0, "cannot draw image %s: not enough memory to decode it", st.failed_image);
        else diag_error(d, out_path, 0, 0, "cannot draw the PDF: %s", cairo_status_to_string(cs));
        atomic_abort(&draw_af);
        pdftag_free(st.tag);
        png_prep_free(&prep);
        pdf_doc_free(&doc);
        return cs == CAIRO_STATUS_WRITE_ERROR ? QUIRE_EIO : QUIRE_EINPUT;
    }
    png_prep_wait(&prep);
    int n_pngs = 0;
    pdffinish_png *pngs = png_table(&prep, &doc, &n_pngs);
    pdffinish_label_range labels[2] = {{0, 'r', 1}, {doc.n_front, 'D', 1}};
    int n_pages = doc.n_pages, n_labels = doc.bp.n_pages > 0 ? 2 : 1;
    double bleed = doc.bleed, slug = doc.slug;
    /* The laid-out book is not needed any more: it is released on a thread of its own while
     * qpdf starts reading the file (freeing it is quicker than the reading, so the two do
     * not add up in the peak), or here when no thread starts. */
    text_svg_fonts_done();
    pthread_t freer;
    bool freeing = pthread_create(&freer, NULL, free_doc, &doc) == 0;
    if (!freeing) free_doc(&doc);
    char *seed = xasprintf("%s|%s|%lld", book->meta.identifier ? book->meta.identifier : "",
                           book->meta.title ? book->meta.title : "", (long long)book->timestamp);
    pdffinish_options fo = {0};
    fo.language = book->meta.language;
    fo.tagged = true;
    fo.labels = labels;
    fo.n_labels = n_labels;
    fo.bleed = bleed;
    fo.slug = slug;
    fo.id_seed = seed;
    fo.display_path = out_path;
    fo.structure = pdftag_structure(st.tag);
    fo.xmp = true;
    fo.xmp_date = book->timestamp;
    fo.pngs = pngs;
    fo.n_pngs = n_pngs;
    fo.xmp_creators = book->meta.authors;
    fo.n_xmp_creators = (int)book->meta.n_authors;
    rc = pdffinish_apply(draw_af.tmp_path, out->tmp_path, &fo, d);
    if (freeing) pthread_join(freer, NULL);
    free(pngs);
    png_prep_free(&prep);
    free(seed);
    pdftag_free(st.tag);
    atomic_abort(&draw_af);
    if (rc != QUIRE_OK) return rc;
    if (res) res->pages = n_pages;
    return QUIRE_OK;
}

/*** drawing ***/

static void set_rgb(cairo_t *cr, uint32_t c) {
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

/* Blends a colour towards white: t = 0 keeps it, 1 gives white. */
static uint32_t tint(uint32_t c, double t) {
    uint32_t out = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        double v = (c >> sh) & 0xFF;
        v = v + (255 - v) * t;
        out |= (uint32_t)lround(v) << sh;
    }
    return out;
}

/* What is painted next belongs to element `e`, or is an artifact (page furniture). */
static void paint_content(cairo_t *cr, pdf_draw_state *st, int e) {
    pdftag_content(st->tag, e);
    pdftag_paint(st->tag, cr);
}

static void paint_artifact(cairo_t *cr, pdf_draw_state *st, pdffinish_chunk kind) {
    pdftag_artifact(st->tag, kind);
    pdftag_paint(st->tag, cr);
}

/* A quoted attribute value for cairo: quotes and backslashes escaped. */
static void put_attr_str(buf *b, const char *s) {
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static void emit_dest(cairo_t *cr, const char *name, double x, double y) {
    if (!name) return;
    buf a;
    buf_init(&a);
    buf_puts(&a, "name=");
    put_attr_str(&a, name);
    buf_printf(&a, " x=%.2f y=%.2f", x, y);
    cairo_tag_begin(cr, CAIRO_TAG_DEST, a.data);
    cairo_tag_end(cr, CAIRO_TAG_DEST);
    buf_free(&a);
}

/* Cairo's attributes of a clickable rectangle: uri for the web, dest for a named
 * destination. False when there is nothing to link to. */
static bool link_attrs(buf *a, const char *uri, const char *dest, double x, double y, double w, double h) {
    if ((!uri || !*uri) && (!dest || !*dest)) return false;
    if (uri) { /* a /URI holds a URI: bytes it may not hold are percent-encoded, as in the EPUB */
        char *u = uri_encode(uri);
        buf_puts(a, "uri=");
        put_attr_str(a, u);
        free(u);
    } else {
        buf_puts(a, "dest=");
        put_attr_str(a, dest);
    }
    buf_printf(a, " rect=[%.2f %.2f %.2f %.2f]", x, y, w, h);
    return true;
}

/* Opens the Link element `e` with its annotation over (x, y, w, h); what is painted next
 * is the link's text. False (nothing opened) when there is nothing to link to. */
static bool open_link(cairo_t *cr, pdf_draw_state *st, int e, const char *uri, const char *dest, double x, double y,
                      double w, double h) {
    buf a;
    buf_init(&a);
    bool ok = link_attrs(&a, uri, dest, x, y, w, h);
    if (ok) {
        if (st->tag) pdftag_link(st->tag, cr, e, a.data);
        else cairo_tag_begin(cr, CAIRO_TAG_LINK, a.data), cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    buf_free(&a);
    return ok;
}

/* The text of bytes [start, end) of a paragraph without soft hyphens and line separators:
 * a link's /Contents. */
static char *span_text(const text_para *p, int start, int end) {
    buf b;
    buf_init(&b);
    for (int i = start; i < end && i < p->len;) {
        const unsigned char *c = (const unsigned char *)p->text + i;
        if (c[0] == 0xC2 && c[1] == 0xAD) i += 2;
        else if (c[0] == 0xE2 && c[1] == 0x80 && c[2] == 0xA8) buf_putc(&b, ' '), i += 3;
        else buf_putc(&b, (char)c[0]), i++;
    }
    return buf_detach(&b, NULL);
}

/* A link or note marker drawn on a line: its bytes on the line and its Link's key. */
typedef struct line_link {
    const text_span *sp;
    const void *key;
    int start, end;
} line_link;

static int by_start(const void *a, const void *b) {
    const line_link *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->end < y->end) - (x->end > y->end); /* the outer of two nested spans first */
}

/* The links and note markers on line `line`, in order; `extra` (may be NULL) is one more. */
static int line_links(const text_para *p, int line, const text_span *extra, const void *extra_key, line_link *out,
                      int max) {
    const text_line *ln = &p->lines[line];
    int ls = ln->start, le = ln->start + ln->length, n = 0;
    for (int s = -1; s < p->n_spans && n < max; s++) {
        const text_span *sp = s < 0 ? extra : &p->spans[s];
        if (!sp || sp->kind == TEXT_SPAN_ANCHOR || sp->kind == TEXT_SPAN_IMAGE || sp->end <= ls || sp->start >= le)
            continue;
        out[n++] = (line_link){sp, s < 0 ? extra_key : (const void *)sp, sp->start > ls ? sp->start : ls,
                               sp->end < le ? sp->end : le};
    }
    qsort(out, (size_t)n, sizeof *out, by_start);
    return n;
}

/* What one line being drawn needs to tag its runs: its element, its links. */
typedef struct line_tags {
    cairo_t *cr;
    pdf_draw_state *st;
    const text_para *p;
    int line;
    double x, top;
    int e;
    line_link links[32];
    int n_links;
    int open;                /* the link whose chunk is open, -1 none */
} line_tags;

/* Opens link k's Link element with its annotation over its glyphs on the line. */
static void open_line_link(line_tags *lt, int k) {
    const line_link *l = &lt->links[k];
    double xs[2] = {0, 0};
    if (text_line_ranges(lt->p, lt->line, l->start, l->end, xs, 1) < 1) xs[0] = xs[1] = 0;
    if (l->sp->kind == TEXT_SPAN_NOTE) emit_dest(lt->cr, l->sp->id, lt->x + xs[0], lt->top);
    int link = pdfstruct_link(lt->st->tag, lt->e, l->key);
    if (lt->st->tag && link >= 0 && pdftag_lacks_contents(lt->st->tag, link)) { /* once, not on each of its lines */
        char *c = span_text(lt->p, l->sp->start, l->sp->end);
        pdftag_set_contents(lt->st->tag, link, *c ? c : l->sp->uri ? l->sp->uri : l->sp->dest);
        free(c);
    }
    double w = xs[1] - xs[0] + (l->key != (const void *)l->sp ? 2 : 0);
    if (!open_link(lt->cr, lt->st, link, l->sp->uri, l->sp->dest, lt->x + xs[0], lt->top, w, lt->p->leading))
        paint_content(lt->cr, lt->st, lt->e);
}

/* Before each run of glyphs: the run goes into its link's Link, or into the line's element. */
static void tag_run(void *ud, cairo_t *cr, int start, int end, bool after) {
    line_tags *lt = ud;
    if (after) return;
    for (int s = 0; s < lt->p->n_spans; s++) {   /* an inline image's stand-in: the image is tagged as it is drawn */
        const text_span *sp = &lt->p->spans[s];
        if (sp->kind == TEXT_SPAN_IMAGE && sp->drawable && start >= sp->start && end <= sp->end) return;
    }
    /* an empty run (a line-end hyphen drawn apart from its word) goes with the text before it */
    int at = start < end || start == 0 ? start : start - 1, k = -1;
    for (int i = 0; i < lt->n_links && k < 0; i++)
        if (at >= lt->links[i].start && at < lt->links[i].end) k = i;
    if (k < 0) {
        lt->open = -1;
        paint_content(cr, lt->st, lt->e);
    } else if (k != lt->open) {
        lt->open = k;
        open_line_link(lt, k);
    }
}

/* An inline image in element e's line: a Figure of e with its alt text, or an artifact
 * without one (decorative, as its alt="" in the e-book). */
static void tag_inline_image(cairo_t *cr, pdf_draw_state *st, int e, const text_span *sp, double x, double y) {
    if (!st->tag || e < 0) return;   /* a repeated header row: drawn as the artifact it is in */
    if (!sp->alt || !sp->alt[strspn(sp->alt, " \t\n\r")]) {
        paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
        return;
    }
    int fig = pdftag_elem(st->tag, e, "Figure", sp, 0);
    pdftag_set_alt(st->tag, fig, sp->alt);
    pdftag_set_bbox(st->tag, fig, x, st->page_h - (y + sp->image_h), x + sp->image_w, st->page_h - y);
    paint_content(cr, st, fig);
}

/* Whether a paragraph shows nothing (text_para.blank: a paragraph of anchors, as
 * `<a id="old-name"></a>` lines kept for old links, or of `&nbsp;` alone, as `<p>&nbsp;</p>`
 * spacers). It is no P: its anchors are set, its space kept, nothing is drawn. */
static bool para_shows_nothing(const text_para *p) { return p->blank; }

/* Draws one line of a paragraph into element `e`: its links and note markers each inside
 * a Link element with its annotation, the rest in `e` itself. */
static void draw_para_line_x(cairo_t *cr, pdf_draw_state *st, const text_para *p, int line, double x, double top,
                             double baseline, int e, const text_span *extra, const void *extra_key) {
    const text_line *ln = &p->lines[line];
    int le = ln->start + ln->length;
    for (int s = 0; s < p->n_spans; s++) {
        const text_span *sp = &p->spans[s];
        if (sp->kind == TEXT_SPAN_ANCHOR && sp->start >= ln->start && (sp->start < le || line == p->n_lines - 1))
            emit_dest(cr, sp->id, x, top);
    }
    if (para_shows_nothing(p)) return;
    line_tags lt = {cr, st, p, line, x, top, e, {{0}}, 0, -1};
    int n = line_links(p, line, extra, extra_key, lt.links, 32);
    /* A span inside the one before it (a note marker in a link's text) stays in that link. */
    for (int k = 0, end = -1; k < n; k++) {
        if (lt.links[k].start < end) continue;
        lt.links[lt.n_links++] = lt.links[k];
        end = lt.links[k].end;
    }
    /* A continued code line's mark is drawn before its first run: an artifact. */
    if (ln->continued) paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    text_draw_line_hooked(cr, p, line, x, baseline, tag_run, &lt);
    /* inline images: into the boxes the line kept for them (top 0.85 of the box above the baseline) */
    for (int s = 0; s < p->n_spans; s++) {
        const text_span *sp = &p->spans[s];
        double xs[2];
        if (sp->kind != TEXT_SPAN_IMAGE || !sp->drawable || text_line_ranges(p, line, sp->start, sp->end, xs, 1) < 1)
            continue;
        double ix = x + xs[0], iy = baseline - sp->image_h * 0.85;
        tag_inline_image(cr, st, e, sp, ix, iy);
        if (!layout_draw_image(cr, sp->drawable, st->page, ix, iy, sp->image_w, sp->image_h))
            st->failed_image = ((const layout_image *)sp->drawable)->book_path;
    }
}

static void draw_para_line(cairo_t *cr, pdf_draw_state *st, const text_para *p, int line, double x, double top,
                           double baseline, int e) {
    draw_para_line_x(cr, st, p, line, x, top, baseline, e, NULL, NULL);
}

static void draw_leaders(cairo_t *cr, double x0, double x1, double y, uint32_t color) {
    const double step = 4.5;
    double first = ceil(x0 / step) * step;
    if (first > x1) return;
    int n = (int)floor((x1 - first) / step + 1e-9);
    /* Dots on a grid, so the leaders of every entry line up: one stroked line whose
     * zero-length dashes have round caps 1.1 pt across, rather than a circle per dot. */
    const double dash[2] = {0, step};
    cairo_save(cr);
    set_rgb(cr, color);
    cairo_set_line_width(cr, 1.1);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, first, y);
    cairo_line_to(cr, first + n * step + 0.01, y);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The element of table cell `c` of a row: the model's cell, or an empty TD where the row has none. */
static int cell_elem(pdftag *tag, const model_node *row, const model_node *cell, int c) {
    if (cell) return pdfstruct_block(tag, cell);
    return pdftag_elem(tag, pdfstruct_block(tag, row), "TD", row, 1000 + c);
}

/* A header row repeated at the top of a later page is drawn as an artifact: its cells
 * are in the structure once, where the table begins. */
static void draw_row(cairo_t *cr, const pdf_doc *doc, const layout_item *it, double x, double y, bool first_on_col,
                     bool repeated, pdf_draw_state *st) {
    const layout_table *t = it->table;
    uint32_t accent = doc->book->style->accent;
    double h = it->height, w = t->col_x[t->cols - 1] + t->col_w[t->cols - 1];
    if (repeated) paint_artifact(cr, st, PDFFINISH_ART_PAGINATION);
    if (it->header_row) {
        if (!repeated) paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
        set_rgb(cr, tint(accent, 0.88));
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill(cr);
    }
    const model_node *cell = it->node ? it->node->first_child : NULL;
    /* a piece of a row taller than a column shows its own lines; the row's rule goes under its last */
    int from = it->row_line, lines = 0;
    for (int c = 0; c < t->cols; c++, cell = cell ? cell->next : NULL) {
        const text_para *p = t->cells[it->row * t->cols + c];
        int e = repeated || !st->tag ? PDFTAG_NONE : cell_elem(st->tag, it->node, cell, c);
        if (p && p->n_lines > lines) lines = p->n_lines;
        int to = p && it->row_lines && from + it->row_lines < p->n_lines ? from + it->row_lines : p ? p->n_lines : 0;
        if (p)
            for (int i = from; i < to; i++) {
                double top = y + (from == 0 ? t->pad : 0) + (i - from) * p->leading;
                if (repeated) text_draw_line(cr, p, i, x + t->col_x[c] + t->pad, top + p->ascent);
                else draw_para_line(cr, st, p, i, x + t->col_x[c] + t->pad, top, top + p->ascent, e);
            }
    }
    if (!repeated) paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    if ((it->row == 0 && from == 0) || first_on_col) {
        set_rgb(cr, accent);
        cairo_set_line_width(cr, 1.0);
        cairo_move_to(cr, x, y + 0.5);
        cairo_line_to(cr, x + w, y + 0.5);
        cairo_stroke(cr);
    }
    if (it->row_lines && from + it->row_lines < lines) return;
    bool last = it->row == t->rows - 1;
    set_rgb(cr, it->header_row || last ? accent : 0xC8C8C8);
    cairo_set_line_width(cr, it->header_row || last ? 0.75 : 0.35);
    cairo_move_to(cr, x, y + h);
    cairo_line_to(cr, x + w, y + h);
    cairo_stroke(cr);
}

/* The element a box's content goes into: from the model, or (contents pages) from the
 * layout's own tags, keyed by their names and ids. */
static int item_elem(pdf_draw_state *st, const layout_item *it) {
    if (!st->tag) return PDFTAG_NONE;
    if (it->node) {
        if ((it->node->type == MODEL_FIGURE || it->node->type == MODEL_TABLE) && it->kind == LAYOUT_LINE)
            return pdfstruct_caption(st->tag, it->node);
        return pdfstruct_block(st->tag, it->node);
    }
    int e = PDFTAG_ROOT;
    for (int i = 0; i < it->depth; i++) {
        const char *name = it->tags[i].name;
        if (name[0] == 'H' && name[1] >= '1' && name[1] <= '6' && !name[2] &&
            pdftag_find(st->tag, name, it->tags[i].id) == PDFTAG_NONE)
            pdftag_heading_level(st->tag, name[1] - '0'); /* the contents' own heading counts too */
        e = pdftag_elem(st->tag, e, name, name, it->tags[i].id);
    }
    return e;
}

/* The list item a first line's label belongs to. */
static const model_node *label_item(const model_node *n) {
    while (n && n->type != MODEL_ITEM) n = n->parent;
    return n;
}

/* An outline entry for a heading the contents list, under the nearest entry of a higher level. */
static void add_outline(pdf_draw_state *st, const layout_item *it) {
    int lv = it->contents->level;
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (int k = lv - 1; k >= 1; k--)
        if (st->outline[k]) {
            parent = st->outline[k];
            break;
        }
    buf a;
    buf_init(&a);
    buf_puts(&a, "dest=");
    put_attr_str(&a, it->dest);
    st->outline[lv] = cairo_pdf_surface_add_outline(st->pdf, parent, it->contents->text, a.data, 0);
    for (int k = lv + 1; k <= PDF_MAX_LEVELS; k++) st->outline[k] = 0;
    buf_free(&a);
}

/* A contents entry's line: all of it one link to its heading, the page number in the
 * link too, the dot leaders an artifact. */
static void draw_toc_line(cairo_t *cr, const pdf_doc *doc, const layout_item *it, double x, double y, double right,
                          pdf_draw_state *st, int e) {
    const text_line *ln = &it->para->lines[it->line];
    int link = st->tag ? pdftag_elem(st->tag, e, "Link", it->toc_dest, 0) : PDFTAG_NONE;
    if (st->tag) pdftag_set_contents(st->tag, link, it->heading_text ? it->heading_text : it->para->text);
    if (!open_link(cr, st, link, NULL, it->toc_dest, x, y, right - x, it->height)) paint_content(cr, st, e);
    text_draw_line(cr, it->para, it->line, x, y + it->baseline);
    if (!it->toc_num) return;
    const text_para *np = it->toc_num;
    double nw = np->lines[0].width;
    text_draw_line(cr, np, 0, right - nw - np->lines[0].x, y + it->baseline);
    paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    draw_leaders(cr, x + ln->x + ln->width + 6, right - nw - 6, y + it->baseline - 0.6,
                 tint(role(doc, STYLE_TOC)->color, 0.45));
}

static void draw_code_background(cairo_t *cr, const pdf_doc *doc, const layout_item *it, double x, double y,
                                 pdf_draw_state *st) {
    const style_text *cs = role(doc, STYLE_CODE);
    if (cs->background == STYLE_NO_COLOR) return;
    paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    set_rgb(cr, cs->background);
    cairo_rectangle(cr, x - 6, y - (it->line == 0 ? 4 : 0), doc->col_w - it->x + 6,
                    it->height + (it->line == 0 ? 4 : 0) + (it->line == it->para->n_lines - 1 ? 4 : 0));
    cairo_fill(cr);
}

/* A figure's image, inside its Figure with /Alt and /BBox; without alt text, decorative. */
static void draw_figure(cairo_t *cr, const layout_item *it, double x, double y, pdf_draw_state *st) {
    if (pdfstruct_described(it->node)) {
        int e = pdfstruct_block(st->tag, it->node);
        pdftag_set_alt(st->tag, e, it->node->as.figure.alt);
        pdftag_set_bbox(st->tag, e, x, st->page_h - (y + it->height), x + it->width, st->page_h - y);
        paint_content(cr, st, e);
    } else {
        paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    }
    if (!layout_draw_image(cr, it->image, st->page, x, y, it->width, it->height)) st->failed_image = it->image->book_path;
}

/* Whether box b of a page has a row of the same table right above it in its column (the boxes
 * are in source order, which a float may interleave with another column's; a floated table's
 * rows are all floated). */
static bool row_above(const layout_list *l, const paginate_page *pg, int b) {
    const paginate_box *bx = &pg->boxes[b];
    for (int k = b - 1; k >= 0; k--) {
        const paginate_box *o = &pg->boxes[k];
        if (o->col != bx->col || o->floated != bx->floated) continue;
        const layout_item *it = &l->items[o->item];
        return it->kind == LAYOUT_ROW && it->table == l->items[bx->item].table && o->y < bx->y;
    }
    return false;
}

/* Draws the boxes of one page of a list. col_x: left of each column. */
/* A page's boxes top to bottom, column by column (they are in source order, which a
 * float leaves), so content is drawn, and its structure made, in the order it is read. */
static int *visual_order(const paginate_page *pg) {
    int *order = xmalloc(((size_t)pg->n_boxes + 1) * sizeof *order);
    for (int b = 0; b < pg->n_boxes; b++) {
        const paginate_box *bx = &pg->boxes[b];
        int k = b;
        for (; k > 0; k--) {
            const paginate_box *o = &pg->boxes[order[k - 1]];
            if (o->col < bx->col || (o->col == bx->col && o->y <= bx->y)) break;
            order[k] = order[k - 1];
        }
        order[k] = b;
    }
    return order;
}

/* Whether box order[ob] is the first or the last of its column on the page. */
static bool column_edge(const paginate_page *pg, const int *order, int ob) {
    int col = pg->boxes[order[ob]].col;
    return ob == 0 || ob == pg->n_boxes - 1 || pg->boxes[order[ob - 1]].col != col ||
           pg->boxes[order[ob + 1]].col != col;
}

static void draw_boxes(cairo_t *cr, const pdf_doc *doc, const layout_list *l, const paginate_page *pg, const double *col_x,
                       double top, pdf_draw_state *st) {
    uint32_t accent = doc->book->style->accent;
    double bar_bottom = -1;
    int bar_col = -1;
    int *order = visual_order(pg);
    for (int ob = 0; ob < pg->n_boxes; ob++) {
        int b = order[ob];
        const paginate_box *bx = &pg->boxes[b];
        const layout_item *it = &l->items[bx->item];
        double x = col_x[bx->col] + it->x, y = top + bx->y;
        /* In columns, a column's first and last boxes start marked content of their own: the
         * text read last in a column then starts at its left edge, not inside a line after
         * a link (or pages before), and the next column's text is not read as going back up. */
        if (doc->columns > 1 && column_edge(pg, order, ob)) pdftag_close(st->tag, cr);
        if (it->label && !bx->repeated) {
            const model_node *item = label_item(it->node);
            int lb = st->tag && item ? pdfstruct_label(st->tag, item) : item_elem(st, it);
            draw_para_line(cr, st, it->label, 0, x + it->label_x, y, y + it->baseline, lb);
        }
        bool boxed = it->kind == LAYOUT_LINE || it->kind == LAYOUT_ROW;
        bool nothing = it->kind == LAYOUT_LINE && it->para && para_shows_nothing(it->para);
        int e = bx->repeated || !boxed || nothing ? PDFTAG_NONE : item_elem(st, it);
        if (it->dest) emit_dest(cr, it->dest, col_x[bx->col], y);
        if (it->contents && st->pdf && !bx->repeated) add_outline(st, it);
        if (it->bar) {
            double y0 = bar_col == bx->col && bar_bottom >= 0 ? bar_bottom : y;
            paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
            set_rgb(cr, accent);
            cairo_rectangle(cr, col_x[bx->col] + it->x - 14, y0, 3, y + it->height - y0);
            cairo_fill(cr);
            bar_bottom = y + it->height, bar_col = bx->col;
        } else {
            bar_bottom = -1;
        }
        switch (it->kind) {
        case LAYOUT_LINE:
            if (it->node && it->node->type == MODEL_CODE_BLOCK) draw_code_background(cr, doc, it, x, y, st);
            if (it->toc_dest) draw_toc_line(cr, doc, it, x, y, col_x[bx->col] + doc->text_w, st, e);
            else draw_para_line(cr, st, it->para, it->line, x, y, y + it->baseline, e);
            break;
        case LAYOUT_RULE: {
            paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
            set_rgb(cr, accent);
            cairo_set_line_width(cr, 0.75);
            double w = it->width * 0.25, cx = x + it->width / 2;
            cairo_move_to(cr, cx - w / 2, y + 1);
            cairo_line_to(cr, cx + w / 2, y + 1);
            cairo_stroke(cr);
            break;
        }
        case LAYOUT_FIGURE:
            draw_figure(cr, it, x, y, st);
            break;
        case LAYOUT_ROW:
            draw_row(cr, doc, it, x, y, bx->repeated || !row_above(l, pg, b), bx->repeated, st);
            break;
        case LAYOUT_SPACE:
            break;
        }
        if (bx->floated && it->node) pdfstruct_float(st->tag, it->node->type == MODEL_TABLE_ROW ? it->node->parent : it->node);
    }
    free(order);
}

/* Lines [from, to) of one footnote at the foot of a column: a Note (after the paragraph citing
 * it) whose number, hanging before its first line, links back to the first reference; a note
 * continued from the column before starts past its number. Returns the height drawn. */
static double draw_note(cairo_t *cr, const layout_note *ln, int from, int to, double x, double y, pdf_draw_state *st) {
    int note = pdfstruct_note(st->tag, ln->node);
    double y0 = y;
    if (from == 0) emit_dest(cr, ln->node->id, x, y);
    const model_node *ref = ln->node->as.footnote.first_ref;
    for (int k = from; k < to && k < ln->n_lines; k++) {
        layout_note_line nl = layout_note_line_at(ln, k);
        const text_para *tp = nl.para;
        int e = pdftag_elem(st->tag, note, "P", tp, 0);
        if (k == 0 && ln->num && ln->num->n_lines > 0) {
            text_span back = {.kind = TEXT_SPAN_LINK, .end = ln->num->len, .dest = ref ? ref->id : NULL};
            draw_para_line_x(cr, st, ln->num, 0, x, y, y + tp->ascent, e, ref ? &back : NULL, ln);
        }
        draw_para_line(cr, st, tp, nl.line, x + ln->hang, y, y + tp->ascent, e);
        y += tp->leading;
    }
    return y - y0;
}

static void draw_notes(cairo_t *cr, const pdf_doc *doc, const paginate_page *pg, const double *col_x, double top,
                       pdf_draw_state *st) {
    const layout_list *l = &doc->body;
    for (int c = 0; c < doc->columns; c++) {
        double h = paginate_notes_height(l, pg, c);
        if (h <= 0) continue;
        double y = top + doc->col_h - h;
        paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
        set_rgb(cr, 0x808080);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, col_x[c], y + l->note_sep * 0.4);
        cairo_line_to(cr, col_x[c] + 0.3 * doc->col_w, y + l->note_sep * 0.4);
        cairo_stroke(cr);
        y += l->note_sep;
        bool first = true;
        for (int i = 0; i < pg->n_notes; i++) {
            const paginate_note *pn = &pg->notes[i];
            if (pn->col != c) continue;
            if (!first) y += l->note_gap;
            first = false;
            y += draw_note(cr, &l->notes[pn->note], pn->from, pn->to, col_x[c], y, st);
        }
    }
}

static text_para *plain(const pdf_doc *doc, const char *s, const style_text *st, double width, int align) {
    text_opts o = {0};
    o.width = width;
    o.align_override = align;
    o.link_color = STYLE_NO_COLOR;
    return layout_keep_para((layout_list *)&doc->misc, text_para_plain(doc->tc, s, st, &o));
}

/* A running head: the same few texts recur on every page, so each is laid out once. */
static text_para *head(const pdf_doc *cdoc, const char *s, const style_text *st, int align) {
    pdf_doc *doc = (pdf_doc *)cdoc;
    for (int i = 0; i < doc->n_heads; i++)
        if (doc->heads[i].text == s && doc->heads[i].st == st && doc->heads[i].align == align) return doc->heads[i].p;
    if (doc->n_heads == doc->cap_heads) {
        doc->cap_heads = doc->cap_heads ? doc->cap_heads * 2 : 16;
        doc->heads = xrealloc(doc->heads, (size_t)doc->cap_heads * sizeof *doc->heads);
    }
    text_para *p = plain(doc, s, st, doc->text_w, align);
    doc->heads[doc->n_heads++] = (struct pdf_head){s, st, align, p};
    return p;
}

static double draw_plain(cairo_t *cr, const text_para *p, double x, double y) {
    for (int i = 0; i < p->n_lines; i++) text_draw_line(cr, p, i, x, y + i * p->leading + p->ascent);
    return p->n_lines * p->leading;
}

/* The running head's text for a body page (`pg`, NULL for front matter), by the style's choice
 * for its side; NULL for none. */
static const char *head_text(const pdf_doc *doc, const paginate_page *pg, bool recto) {
    const style_page *sp = &doc->book->style->page;
    style_head what = recto ? sp->head_recto : sp->head_verso;
    const char *title = doc->book->meta.title;
    if (what == STYLE_HEAD_NONE) return NULL;
    if (what == STYLE_HEAD_TITLE || !pg) return title;
    int item = pg->mark[what == STYLE_HEAD_SECTION ? 1 : 0];
    const char *t = item >= 0 ? doc->body.items[item].heading_text : NULL;
    return t && *t ? t : title;
}

const char *pdf_running_head(const pdf_doc *doc, int phys) {
    if (phys < 1 || phys >= doc->n_pages) return NULL;
    bool recto = phys % 2 == 0;
    if (phys < doc->n_front) {
        /* none over the contents' first page nor the blank verso before the body */
        if (phys == 1 || phys - 1 >= doc->tp.n_pages) return NULL;
        return head_text(doc, NULL, recto);
    }
    const paginate_page *pg = &doc->bp.pages[phys - doc->n_front];
    /* none on a blank page, over a chapter opening nor on the first page of the body */
    if (pg->blank || pg->opens_chapter || phys == doc->n_front) return NULL;
    return head_text(doc, pg, recto);
}

void pdf_page_frame(const pdf_doc *doc, int phys, double col_x[PDF_MAX_COLUMNS], double *top) {
    const style_page *pgs = &doc->book->style->page;
    bool recto = phys % 2 == 0;
    double left = doc->off + (recto ? pgs->margin_inner : pgs->margin_outer);
    for (int c = 0; c < PDF_MAX_COLUMNS; c++)
        col_x[c] = c == 0 || (c < doc->columns && phys >= doc->n_front) ? left + c * (doc->col_w + pgs->column_gap) : left;
    *top = doc->off + pgs->margin_top;
}

/* The running head and its rule, and the folio: artifacts (Pagination Header, Footer). */
static void draw_furniture(cairo_t *cr, const pdf_doc *doc, int phys, pdf_draw_state *st) {
    const style_page *pgs = &doc->book->style->page;
    bool recto = phys % 2 == 0;
    double left = doc->off + (recto ? pgs->margin_inner : pgs->margin_outer);
    const style_text *hs = role(doc, STYLE_HEADER), *fs = role(doc, STYLE_FOOTER);
    const char *txt = pdf_running_head(doc, phys);
    if (txt) {
        /* "left" in the style means the outer edge: mirrored on facing pages. */
        int align = hs->align == STYLE_ALIGN_CENTER ? STYLE_ALIGN_CENTER
                    : (hs->align == STYLE_ALIGN_LEFT) == !recto ? STYLE_ALIGN_LEFT : STYLE_ALIGN_RIGHT;
        text_para *p = head(doc, txt, hs, align);
        double y = doc->off + pgs->margin_top - 14 - p->leading;
        paint_artifact(cr, st, PDFFINISH_ART_HEADER);
        draw_plain(cr, p, left, y);
        set_rgb(cr, tint(hs->color, 0.55));
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, left, y + p->leading + 3);
        cairo_line_to(cr, left + doc->text_w, y + p->leading + 3);
        cairo_stroke(cr);
    }
    char folio[32];
    pdf_folio(doc, phys, folio, sizeof folio);
    int align = fs->align == STYLE_ALIGN_CENTER ? STYLE_ALIGN_CENTER
                : (fs->align == STYLE_ALIGN_LEFT) == !recto ? STYLE_ALIGN_LEFT : STYLE_ALIGN_RIGHT;
    text_opts o = {0};
    o.width = doc->text_w;
    o.align_override = align;
    o.link_color = STYLE_NO_COLOR;
    /* A folio is drawn once: freed at once rather than kept for the whole book. */
    text_para *p = text_para_plain(doc->tc, folio, fs, &o);
    paint_artifact(cr, st, PDFFINISH_ART_FOOTER);
    draw_plain(cr, p, left, doc->off + doc->H - pgs->margin_bottom + pgs->margin_bottom * 0.4);
    text_para_free(p);
}

/* One paragraph of the cover: the title, subtitle or publisher. */
static double draw_cover_text(cairo_t *cr, const text_para *p, double x, double y, pdf_draw_state *st, int which) {
    paint_content(cr, st, pdftag_elem(st->tag, PDFTAG_ROOT, "P", st, which));
    return draw_plain(cr, p, x, y);
}

static void draw_cover(cairo_t *cr, const pdf_doc *doc, pdf_draw_state *st) {
    const model_meta *m = &doc->book->meta;
    const style_text *cs = role(doc, STYLE_COVER);
    uint32_t accent = doc->book->style->accent;
    uint32_t bg = cs->background != STYLE_NO_COLOR ? cs->background : accent;
    double W = doc->W, H = doc->H, o = doc->off;
    paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    set_rgb(cr, bg);
    /* In two halves: cairo turns an opaque fill of the whole page into a paint that
     * drops what was recorded before it, the artifact's opening tag too. */
    double pw = W + 2 * doc->bleed, ph = H + 2 * doc->bleed;
    cairo_rectangle(cr, doc->slug, doc->slug, pw, ph / 2);
    cairo_rectangle(cr, doc->slug, doc->slug + ph / 2, pw, ph / 2);
    cairo_fill(cr);
    /* Title, subtitle and publisher line up with the left edge of the artwork. */
    double mx = W * 0.1;
    if (doc->cover) {
        double bw = W * 0.8, bh = H * 0.5;
        double iw = bw, ih = bw * doc->cover->height / doc->cover->width;
        if (ih > bh) ih = bh, iw = ih * doc->cover->width / doc->cover->height;
        double ix = o + (W - iw) / 2, iy = o + H * 0.06 + (bh - ih) / 2;
        int fig = pdftag_elem(st->tag, PDFTAG_ROOT, "Figure", st, 0);
        const char *alt = m->cover_alt && *m->cover_alt ? m->cover_alt : m->title;
        if (alt && alt[strspn(alt, " \t\n\r")]) pdftag_set_alt(st->tag, fig, alt);
        pdftag_set_bbox(st->tag, fig, ix, st->page_h - (iy + ih), ix + iw, st->page_h - iy);
        paint_content(cr, st, fig);
        if (!layout_draw_image(cr, doc->cover, st->page, ix, iy, iw, ih)) st->failed_image = doc->cover->book_path;
    }
    double y = o + H * 0.6;
    double tw = W - 2 * mx;
    if (m->title) y += draw_cover_text(cr, plain(doc, m->title, cs, tw, -1), o + mx, y, st, 1);
    /* A short bar in a lighter tint of the title colour sets the subtitle apart. */
    paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
    set_rgb(cr, tint(accent, 0.55));
    cairo_rectangle(cr, o + mx, y + cs->space_after * 0.6, 56, 3);
    cairo_fill(cr);
    y += cs->space_after * 0.6 + 3 + cs->space_after;
    style_text sub = *cs;
    sub.size = cs->size * 0.5;
    sub.weight = 400;
    sub.line_height = 1.3;
    if (m->subtitle) draw_cover_text(cr, plain(doc, m->subtitle, &sub, tw, -1), o + mx, y, st, 2);
    style_text small = sub;
    small.size = cs->size * 0.36;
    small.letter_spacing = 0.5;
    small.uppercase = true;
    const char *pub = m->publisher ? m->publisher : m->n_authors ? m->authors[0] : NULL;
    if (pub) {
        text_para *p = plain(doc, pub, &small, tw, -1);
        double py = o + H - doc->book->style->page.margin_bottom - p->n_lines * p->leading;
        paint_artifact(cr, st, PDFFINISH_ART_LAYOUT);
        set_rgb(cr, tint(accent, 0.55));
        cairo_rectangle(cr, o + mx, py - 10, tw, 0.6);
        cairo_fill(cr);
        draw_cover_text(cr, p, o + mx, py, st, 3);
    }
}

static void draw_crop_marks(cairo_t *cr, const pdf_doc *doc, pdf_draw_state *st) {
    if (doc->bleed <= 0) return;
    double o = doc->off, W = doc->W, H = doc->H, gap = doc->bleed + 2, len = doc->slug - 4;
    paint_artifact(cr, st, PDFFINISH_ART_PAGE);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.3);
    double xs[2] = {o, o + W}, ys[2] = {o, o + H};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x = xs[i], y = ys[j], dx = i ? 1 : -1, dy = j ? 1 : -1;
            cairo_move_to(cr, x + dx * gap, y);
            cairo_line_to(cr, x + dx * (gap + len), y);
            cairo_move_to(cr, x, y + dy * gap);
            cairo_line_to(cr, x, y + dy * (gap + len));
        }
    cairo_stroke(cr);
}

static void draw_page_content(cairo_t *cr, const pdf_doc *doc, int phys, pdf_draw_state *st) {
    if (phys == 0) {
        draw_cover(cr, doc, st);
        draw_crop_marks(cr, doc, st);
        return;
    }
    double top, col_x[PDF_MAX_COLUMNS];
    pdf_page_frame(doc, phys, col_x, &top);
    if (phys < doc->n_front) {
        if (phys - 1 >= doc->tp.n_pages) return; /* the blank verso before the body's recto page 1 */
        draw_boxes(cr, doc, &doc->toc, &doc->tp.pages[phys - 1], col_x, top, st);
    } else {
        const paginate_page *pg = &doc->bp.pages[phys - doc->n_front];
        if (pg->blank) return; /* blank and bare */
        draw_boxes(cr, doc, &doc->body, pg, col_x, top, st);
        draw_notes(cr, doc, pg, col_x, top, st);
    }
    draw_furniture(cr, doc, phys, st);
    draw_crop_marks(cr, doc, st);
}

void pdf_draw_page(cairo_t *cr, const pdf_doc *doc, int phys, pdf_draw_state *st) {
    st->page = phys;
    draw_page_content(cr, doc, phys, st);
    /* Cairo cannot keep marked content open across a page break. */
    pdftag_close(st->tag, cr);
}
