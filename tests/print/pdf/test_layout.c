/* test_layout: the keep rules of the print layout on fixture books (widows, orphans,
 * stranded headings, repeated table headers, figures, footnotes, hyphenation). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/book.h"
#include "load/fonts.h"
#include "model/fontset.h"
#include "print/fontmap.h"
#include "print/pdf.h"
#include "check.h"
#include "own_bytes.h"

static model_book *load(const char *name, diag *d) {
    char *dir = xasprintf("%s/tests/print/pdf/fixtures/%s", QUIRE_SOURCE_DIR, name);
    book_options bo = {0};
    model_book *b = book_load(dir, &bo, d);
    free(dir);
    return b;
}

/* Lines of item's paragraph placed on page pg. */
static int para_lines_on(const pdf_doc *doc, const paginate_page *pg, const text_para *p) {
    int n = 0;
    for (int b = 0; b < pg->n_boxes; b++) {
        const layout_item *it = &doc->body.items[pg->boxes[b].item];
        if (it->kind == LAYOUT_LINE && it->para == p && !pg->boxes[b].repeated) n++;
    }
    return n;
}

/* How far a table row reaches below the baseline of its lowest cell line (cells are set from
 * the row's top, inside its padding); 0 for anything else. */
static double row_depth(const layout_item *it) {
    if (it->kind != LAYOUT_ROW || !it->table) return 0;
    const layout_table *t = it->table;
    double low = 0;
    for (int c = 0; c < t->cols; c++) {
        const text_para *p = t->cells[it->row * t->cols + c];
        if (p && p->n_lines && t->pad + (p->n_lines - 1) * p->leading + p->ascent > low)
            low = t->pad + (p->n_lines - 1) * p->leading + p->ascent;
    }
    return low > 0 ? it->height - low : 0;
}

static void check_keeps(const pdf_doc *doc) {
    const layout_list *l = &doc->body;
    int widows = 2, orphans = 2, split_paras = 0, repeated = 0, figures = 0;
    for (int pi = 0; pi < doc->bp.n_pages; pi++) {
        const paginate_page *pg = &doc->bp.pages[pi];
        OK(pg->n_boxes > 0, "page %d is empty", pi + 1);
        for (int c = 0; c < doc->columns; c++) {
            const paginate_box *last = NULL, *first = NULL;
            int count = 0;
            double notes = paginate_notes_height(l, pg, c);
            for (int b = 0; b < pg->n_boxes; b++) {
                const paginate_box *bx = &pg->boxes[b];
                if (bx->col != c) continue;
                const layout_item *it = &l->items[bx->item];
                if (!first) first = bx;
                last = bx;
                count++;
                /* A line or row deeper below its last baseline than a body line (a pull quote's line, a
                 * padded row) may pass the foot by the difference: its baseline stands where a body
                 * line's would, its glyphs inside. */
                double depth = it->kind == LAYOUT_LINE ? it->height - it->baseline : row_depth(it);
                double hang = depth > l->foot_depth ? depth - l->foot_depth : 0;
                OK(count == 1 || bx->y + it->height - hang + notes <= doc->col_h + 0.05,
                   "page %d: box %d overflows (%.1f > %.1f)", pi + 1, bx->item, bx->y + it->height - hang + notes,
                   doc->col_h);
                OK(it->x >= -0.01 && (it->kind != LAYOUT_LINE || it->x + it->para->width <= doc->col_w + 0.05),
                   "page %d: line outside its column", pi + 1);
                if (it->kind == LAYOUT_FIGURE) {
                    figures++;
                    OK(it->height <= doc->col_h && it->width <= doc->col_w + 0.01, "figure larger than the column");
                }
            }
            if (!last || pi + 1 == doc->bp.n_pages) continue;
            const layout_item *li = &l->items[last->item];
            /* A heading never ends a column. */
            OK(!(li->kind == LAYOUT_LINE && li->node && li->node->type == MODEL_HEADING), "page %d: heading stranded", pi + 1);
            /* A paragraph split here leaves at least `orphans` lines and carries `widows`. */
            if (li->kind == LAYOUT_LINE && li->line + 1 < li->para->n_lines) {
                const paginate_page *next = c + 1 < doc->columns ? pg : &doc->bp.pages[pi + 1];
                int here = para_lines_on(doc, pg, li->para), there = para_lines_on(doc, next, li->para);
                if (next == pg) here = li->line + 1, there = li->para->n_lines - here;
                OK(here >= orphans, "page %d: orphan (%d line(s))", pi + 1, here);
                OK(there >= widows, "page %d: widow (%d line(s) carried)", pi + 1, there);
                split_paras++;
            }
            /* A table continued on the next page repeats its header. */
            if (li->kind == LAYOUT_ROW && li->row + 1 < li->table->rows && c + 1 == doc->columns) {
                const paginate_page *next = &doc->bp.pages[pi + 1];
                OK(next->n_boxes > 0 && next->boxes[0].repeated && l->items[next->boxes[0].item].header_row,
                   "page %d: table header not repeated", pi + 2);
                repeated++;
            }
        }
        /* Footnotes land on the page that cites them. */
        for (int n = 0; n < pg->n_notes; n++) OK(doc->bp.item_page[pg->notes[n].item] == pi, "footnote on the wrong page");
    }
    OK(split_paras > 0, "the fixture split no paragraph across pages");
    OK(repeated > 0, "the fixture's table did not break");
    INT_EQ(figures, 1);
    int placed = 0;
    for (int pi = 0; pi < doc->bp.n_pages; pi++) placed += doc->bp.pages[pi].n_notes;
    INT_EQ(placed, 2);
    for (int i = 0; i < l->n_paras; i++) {
        INT_EQ(text_hyphen_runs_over_two(l->paras[i]), 0);
        for (int k = 0; k < l->paras[i]->n_lines; k++)
            /* Hyphen included: no line passes its column. */
            OK(l->paras[i]->lines[k].x + l->paras[i]->lines[k].width <= l->paras[i]->width + 0.05 ||
                   l->paras[i]->width <= 0,
               "line wider than its column: %.2f > %.2f hy=%d in \"%.*s\"", l->paras[i]->lines[k].x + l->paras[i]->lines[k].width,
               l->paras[i]->width, l->paras[i]->lines[k].hyphenated, l->paras[i]->lines[k].length, l->paras[i]->text + l->paras[i]->lines[k].start);
    }
}

/* Justified paragraphs: every line but the last and those before a forced break
 * (U+2028) ends at the column's right edge. */
static void check_justified(const pdf_doc *doc) {
    const layout_list *l = &doc->body;
    int full = 0;
    for (int i = 0; i < l->n_paras; i++) {
        const text_para *p = l->paras[i];
        if (!p->justified) continue;
        for (int k = 0; k + 1 < p->n_lines; k++) {
            const text_line *ln = &p->lines[k];
            const char *end = p->text + ln->start + ln->length;
            while (end > p->text + ln->start && end[-1] == ' ') end--;
            if (end - (p->text + ln->start) >= 3 && memcmp(end - 3, "\xE2\x80\xA8", 3) == 0) continue;
            /* A line without a space (a word broken at the edge) has nothing to stretch. */
            if (!memchr(p->text + ln->start, ' ', (size_t)(end - (p->text + ln->start)))) continue;
            OK(fabs(ln->x + ln->width - p->width) < 0.05, "justified line ends at %.2f, not %.2f: \"%.*s\"", ln->x + ln->width,
               p->width, ln->length, p->text + ln->start);
            full++;
        }
    }
    OK(full > 50, "%d justified lines", full);
}

/* The contents heading: book.yaml's contents-title, else by language. */
static void check_contents_title(model_book *book, diag *d) {
    static const struct { const char *lang, *custom, *want; } cases[] = {
        {"en", NULL, "Contents"}, {"de-DE", NULL, "Inhalt"}, {"fr", NULL, "Table des mati\xC3\xA8res"},
        {"es", NULL, "\xC3\x8Dndice"}, {"pt-BR", NULL, "Sum\xC3\xA1rio"}, {"nl", NULL, "Inhoud"},
        {"it", NULL, "Indice"}, {"fi", NULL, "Contents"}, {"de", "Inhaltsverzeichnis", "Inhaltsverzeichnis"}};
    const char *lang = book->meta.language, *ct = book->meta.contents_title;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        book->meta.language = cases[i].lang;
        book->meta.contents_title = cases[i].custom;
        pdf_doc doc;
        INT_EQ(pdf_doc_build(&doc, book, d), QUIRE_OK);
        OK(doc.toc.n_paras > 0, "contents laid out");
        if (doc.toc.n_paras > 0) STR_EQ(doc.toc.paras[0]->text, cases[i].want);
        pdf_doc_free(&doc);
    }
    book->meta.language = lang;
    book->meta.contents_title = ct;
}

static int write_pdf(const model_book *book, const char *path, diag *d) { return pdf_write(book, path, NULL, d); }

/* The PDF is drawn from the image bytes the loader checked and dated with the time it
 * read (tests/own_bytes.h). Fonts are left alone: fontconfig and Pango open them by path. */
static void test_own_bytes(const char *fixture) { /* relative to tests/ */
    static const char *const moved[] = {"images", NULL};
    char *dir = path_join(QUIRE_TEST_DIR, fixture);
    check_own_bytes(&(own_bytes_case){dir, ".pdf", NULL, moved, write_pdf, NULL});
    free(dir);
}

/* No contents page ends with an entry whose next entry is its child (deeper, so indented more):
 * an entry keeps with its first child. The fixture's 60 parts of one section each (two in the
 * first) fill four contents pages; without the keep, each of the three pages would end with a
 * part's entry (16, 33, 50), its section overleaf. */
static void check_contents_keeps(void) {
    diag d;
    diag_init(&d);
    d.capture = true;
    model_book *book = load("contents", &d);
    OK(book != NULL, "contents fixture loads: %s", d.captured ? d.captured : "");
    if (!book) return;
    pdf_doc doc;
    INT_EQ(pdf_doc_build(&doc, book, &d), QUIRE_OK);
    const layout_list *l = &doc.toc;
    OK(doc.tp.n_pages >= 3, "%d contents pages", doc.tp.n_pages);
    int breaks = 0;
    for (int p = 0; p + 1 < doc.tp.n_pages; p++) {
        const paginate_page *pg = &doc.tp.pages[p];
        if (!pg->n_boxes) continue;
        int last = pg->boxes[pg->n_boxes - 1].item;
        breaks++;
        OK(last + 1 >= l->n || l->items[last + 1].x <= l->items[last].x + 0.01,
           "contents page %d ends with '%s', its child entry overleaf", p + 1, l->items[last].para->text);
    }
    OK(breaks >= 2, "%d contents page breaks", breaks);
    pdf_doc_free(&doc);
    model_book_free(book);
    diag_free(&d);
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1); /* styles/ and fonts/ of the checkout */
    diag d;
    diag_init(&d);
    d.capture = true;
    check_contents_keeps();
    model_book *book = load("keeps", &d);
    OK(book != NULL, "keeps fixture loads: %s", d.captured ? d.captured : "");
    if (book) {
        pdf_doc doc;
        INT_EQ(pdf_doc_build(&doc, book, &d), QUIRE_OK);
        OK(doc.bp.n_pages >= 8, "%d body pages", doc.bp.n_pages);
        INT_EQ(doc.n_pages, doc.n_front + doc.bp.n_pages);
        check_keeps(&doc);
        check_justified(&doc);
        char folio[16];
        pdf_folio(&doc, 1, folio, sizeof folio);
        STR_EQ(folio, "ii");
        pdf_folio(&doc, doc.n_front, folio, sizeof folio);
        STR_EQ(folio, "1");
        pdf_doc_free(&doc);
        check_contents_title(book, &d);
        model_book_free(book);
    }
    diag_free(&d);
    test_own_bytes("print/pdf/fixtures/print");  /* a JPEG */
    test_own_bytes("print/pdf/fixtures/keeps");  /* an SVG */
    test_own_bytes("ebook/epub/fixtures/mixed"); /* PNGs (the cover too) and an SVG */
    fontmap_release();
    fontset_release();
    return CHECK_DONE();
}
