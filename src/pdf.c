/* pdf: model → laid-out, paginated pages → a tagged PDF on a Cairo surface, finished by pdffinish. */
#include "pdf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "hyph.h"
#include "layout.h"
#include "paginate.h"
#include "pdffinish.h"
#include "text.h"
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

/* The table of contents: a title, then one entry per h1/h2 with its body folio. */
static void build_toc(pdf_doc *doc) {
    layout_list *l = &doc->toc;
    const style_text *ts = role(doc, STYLE_TOC);
    const style_text *h1 = role(doc, STYLE_H1);
    text_opts o = {0};
    o.width = doc->text_w;
    o.align_override = -1;
    o.link_color = STYLE_NO_COLOR;
    layout_item *ti;
    text_para *tp = layout_keep_para(l, text_para_plain(doc->tc, "Contents", h1, &o));
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
        if (!it->heading_text || it->heading_level > 2) continue;
        int page = doc->bp.item_page[i];
        if (page < 0) continue;
        char num[16];
        snprintf(num, sizeof num, "%d", page + 1);
        style_text es = *ts;
        if (it->heading_level == 1) es.weight = 700;
        double indent = it->heading_level == 1 ? 0 : ts->size * 1.5;
        text_opts eo = o;
        eo.align_override = STYLE_ALIGN_RIGHT;
        eo.width = -1;
        text_para *np = layout_keep_para(l, text_para_plain(doc->tc, num, &es, &eo));
        double numw = np->lines[0].width;
        eo.align_override = STYLE_ALIGN_LEFT;
        eo.width = doc->text_w - indent - numw - ts->size * 2.5;
        text_para *ep = layout_keep_para(l, text_para_plain(doc->tc, it->heading_text, &es, &eo));
        id++;
        for (int k = 0; k < ep->n_lines; k++) {
            ti = layout_push(l);
            ti->kind = LAYOUT_LINE;
            ti->para = ep;
            ti->line = k;
            ti->x = indent;
            ti->height = ep->leading;
            ti->baseline = ep->ascent;
            double sb = it->heading_level == 1 ? ts->size * 0.9 : 0;
            ti->space_before = k == 0 ? (first ? h1->space_after : sb + ts->space_before) : 0;
            ti->keep_with_next = k + 1 < ep->n_lines;
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
    paginate_result_free(&doc->bp);
    paginate_result_free(&doc->tp);
    layout_list_free(&doc->body);
    layout_list_free(&doc->toc);
    layout_list_free(&doc->misc);
    text_ctx_free(doc->tc);
    hyph_free(doc->hy);
    memset(doc, 0, sizeof *doc);
}

int pdf_doc_build(pdf_doc *doc, const model_book *book, diag *d) {
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
    if (doc->col_h < 36 || doc->col_w < 12) {
        diag_error(d, book->style->path, 0, 0, "the page leaves a text area of %.0f x %.0f pt: too small for text",
                   doc->col_w, doc->col_h);
        return QUIRE_EINPUT;
    }
    doc->hy = hyph_load(book->meta.language ? book->meta.language : "en");
    doc->tc = text_ctx_new(book, doc->hy);
    if (!doc->tc) {
        diag_error(d, NULL, 0, 0, "no fonts available for the PDF");
        return QUIRE_EINPUT;
    }
    layout_params lp = {doc->col_w, doc->col_h, pg->widows, pg->orphans};
    if (!layout_book(doc->tc, book, &lp, &doc->body, d)) return QUIRE_EINPUT;
    paginate_params pp = {cols, doc->col_h};
    paginate_run(&doc->body, &pp, &doc->bp);
    if (book->meta.has_cover) {
        doc->cover = layout_load_image(&doc->misc, &book->meta.cover, (model_pos){book->manifest, 0, 0}, d);
        if (!doc->cover) return QUIRE_EINPUT;
    }
    /* Body folios start at 1 whatever the length of the front matter, so the contents
     * need one pass: their page numbers cannot move when the contents grow. */
    build_toc(doc);
    paginate_params tpp = {1, doc->col_h};
    paginate_run(&doc->toc, &tpp, &doc->tp);
    doc->n_front = 1 + doc->tp.n_pages;
    doc->n_pages = doc->n_front + doc->bp.n_pages;
    return QUIRE_OK;
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
    time_t t = (time_t)build_timestamp(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

int pdf_write(const model_book *book, const char *out_path, pdf_result *res, diag *d) {
    pdf_doc doc;
    int rc = pdf_doc_build(&doc, book, d);
    if (rc != QUIRE_OK) {
        pdf_doc_free(&doc);
        return rc;
    }
    atomic_file final_af = {0}, draw_af = {0};
    char *draw_name = xasprintf("%s.cairo", out_path);
    if (atomic_open(&final_af, out_path) != 0 || atomic_open(&draw_af, draw_name) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(errno));
        atomic_abort(&final_af);
        free(draw_name);
        pdf_doc_free(&doc);
        return QUIRE_EIO;
    }
    free(draw_name);
    double mw = doc.W + 2 * doc.off, mh = doc.H + 2 * doc.off;
    cairo_surface_t *s = cairo_pdf_surface_create(draw_af.tmp_path, mw, mh);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    set_metadata(s, book);
    cairo_t *cr = cairo_create(s);
    pdf_draw_state st = {0};
    st.pdf = s;
    cairo_tag_begin(cr, "Document", NULL);
    for (int p = 0; p < doc.n_pages; p++) {
        pdf_draw_page(cr, &doc, p, &st);
        cairo_show_page(cr);
    }
    cairo_tag_end(cr, "Document");
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS) {
        diag_error(d, out_path, 0, 0, "cannot draw the PDF: %s", cairo_status_to_string(cs));
        atomic_abort(&draw_af);
        atomic_abort(&final_af);
        pdf_doc_free(&doc);
        return cs == CAIRO_STATUS_WRITE_ERROR ? QUIRE_EIO : QUIRE_EINPUT;
    }
    pdffinish_label_range labels[2] = {{0, 'r', 1}, {doc.n_front, 'D', 1}};
    char *seed = xasprintf("%s|%s|%lld", book->meta.identifier ? book->meta.identifier : "",
                           book->meta.title ? book->meta.title : "", (long long)build_timestamp(NULL));
    pdffinish_options fo = {0};
    fo.language = book->meta.language;
    fo.tagged = true;
    fo.labels = labels;
    fo.n_labels = doc.bp.n_pages > 0 ? 2 : 1;
    fo.bleed = doc.bleed;
    fo.slug = doc.slug;
    fo.id_seed = seed;
    rc = pdffinish_apply(draw_af.tmp_path, final_af.tmp_path, &fo, d);
    free(seed);
    atomic_abort(&draw_af);
    if (rc != QUIRE_OK) {
        atomic_abort(&final_af);
        pdf_doc_free(&doc);
        return rc;
    }
    if (atomic_commit(&final_af) != 0) {
        diag_error(d, out_path, 0, 0, "cannot write: %s", strerror(errno));
        pdf_doc_free(&doc);
        return QUIRE_EIO;
    }
    if (res) res->pages = doc.n_pages;
    pdf_doc_free(&doc);
    return QUIRE_OK;
}
