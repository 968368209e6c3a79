/* pagedump: a built print document → one text line per box, page by page. */
#include "print/pagedump.h"

#include <errno.h>
#include <string.h>

#include "print/pdf.h"

/* Text as a quoted string: soft hyphens left out (a line that ends at one shows '-'),
 * quotes, backslashes and control characters escaped. */
static void put_quoted(buf *b, const char *s, size_t n, bool hyphen) {
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD) {
            i++;
            continue;
        }
        if (c == '"' || c == '\\') buf_printf(b, "\\%c", c);
        else if (c < 0x20) buf_printf(b, "\\x%02X", c);
        else buf_putc(b, (char)c);
    }
    if (hyphen) buf_putc(b, '-');
    buf_putc(b, '"');
}

/* A line of a paragraph without the spaces and the line end (or hard break) that close it. */
static void put_line_text(buf *b, const text_para *p, int line) {
    const text_line *ln = &p->lines[line];
    size_t n = (size_t)ln->length;
    const char *s = p->text + ln->start;
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t')) n--;
        else if (n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA8", 3) == 0) n -= 3; /* a hard break */
        else break;
    }
    put_quoted(b, s, n, ln->hyphenated);
}

static void put_box(buf *b, const char *kind, int col, double x, double y, double w, double h) {
    buf_printf(b, "  %s col %d x %.2f y %.2f w %.2f h %.2f", kind, col, x, y, w, h);
}

/* A table row's cells, first lines only, joined by " | ". */
static void put_row_text(buf *b, const layout_item *it) {
    const layout_table *t = it->table;
    buf cells;
    buf_init(&cells);
    for (int c = 0; c < t->cols; c++) {
        const text_para *p = t->cells[it->row * t->cols + c];
        if (c) buf_puts(&cells, " | ");
        if (p && p->n_lines > it->row_line) /* a piece of a row: its first line */
            buf_put(&cells, p->text + p->lines[it->row_line].start, (size_t)p->lines[it->row_line].length);
    }
    buf_putc(b, ' ');
    put_quoted(b, cells.data ? cells.data : "", cells.len, false);
    buf_free(&cells);
}

/* `right`: the right edge of the text block, where contents page numbers end. */
static void put_item(buf *b, const layout_item *it, int col, double x, double y, double right) {
    switch (it->kind) {
    case LAYOUT_LINE: {
        if (it->label) { /* a list item's number or bullet, hanging before its first line */
            const text_line *lb = &it->label->lines[0];
            put_box(b, "label", col, x + it->label_x + lb->x, y, lb->width, it->height);
            buf_putc(b, ' ');
            put_line_text(b, it->label, 0);
            buf_putc(b, '\n');
        }
        const text_line *ln = &it->para->lines[it->line];
        put_box(b, "line", col, x + ln->x, y, ln->width, it->height);
        buf_putc(b, ' ');
        put_line_text(b, it->para, it->line);
        if (it->toc_num) { /* a contents entry's page number, set flush with the right edge */
            const text_line *nl = &it->toc_num->lines[0];
            buf_putc(b, '\n');
            put_box(b, "number", col, right - nl->width, y, nl->width, it->height);
            buf_putc(b, ' ');
            put_line_text(b, it->toc_num, 0);
        }
        break;
    }
    case LAYOUT_FIGURE:
        put_box(b, "figure", col, x, y, it->width, it->height);
        buf_putc(b, ' ');
        put_quoted(b, it->image->book_path, strlen(it->image->book_path), false);
        break;
    case LAYOUT_ROW:
        put_box(b, it->header_row ? "header-row" : "row", col, x, y, it->width, it->height);
        put_row_text(b, it);
        break;
    case LAYOUT_RULE:
        put_box(b, "rule", col, x, y, it->width, it->height);
        break;
    case LAYOUT_SPACE:
        put_box(b, "space", col, x, y, it->width, it->height);
        break;
    }
    buf_putc(b, '\n');
}

/* The notes at the foot of each column, one line a text line, placed as draw_notes places them. */
static void put_notes(buf *b, const pdf_doc *doc, const paginate_page *pg, const double *col_x, double top) {
    const layout_list *l = &doc->body;
    for (int c = 0; c < doc->columns; c++) {
        double h = paginate_notes_height(l, pg, c);
        if (h <= 0) continue;
        double y = top + doc->col_h - h + l->note_sep;
        bool first = true;
        for (int i = 0; i < pg->n_notes; i++) {
            if (pg->notes[i].col != c) continue;
            const paginate_note *pn = &pg->notes[i];
            const layout_note *ln = &l->notes[pn->note];
            if (!first) y += l->note_gap;
            first = false;
            for (int k = pn->from; k < pn->to && k < ln->n_lines; k++) {
                layout_note_line nl = layout_note_line_at(ln, k);
                const text_para *tp = nl.para;
                if (k == 0 && ln->num && ln->num->n_lines) {
                    put_box(b, "label", c, col_x[c] + ln->num->lines[0].x, y, ln->num->lines[0].width, tp->leading);
                    buf_putc(b, ' ');
                    put_line_text(b, ln->num, 0);
                    buf_putc(b, '\n');
                }
                put_box(b, "note", c, col_x[c] + ln->hang + tp->lines[nl.line].x, y, tp->lines[nl.line].width,
                        tp->leading);
                buf_putc(b, ' ');
                put_line_text(b, tp, nl.line);
                buf_putc(b, '\n');
                y += tp->leading;
            }
        }
    }
}

static void put_page(buf *b, const pdf_doc *doc, int phys) {
    char folio[32];
    pdf_folio(doc, phys, folio, sizeof folio);
    buf_printf(b, "page %d folio %s", phys + 1, folio);
    if (phys == 0) {
        buf_puts(b, " cover\n");
        return;
    }
    bool front = phys < doc->n_front;
    if ((front && phys - 1 >= doc->tp.n_pages) || (!front && doc->bp.pages[phys - doc->n_front].blank)) {
        buf_puts(b, " blank\n");
        return;
    }
    const layout_list *l = phys < doc->n_front ? &doc->toc : &doc->body;
    const paginate_page *pg = phys < doc->n_front ? &doc->tp.pages[phys - 1] : &doc->bp.pages[phys - doc->n_front];
    if (phys < doc->n_front) buf_puts(b, " contents");
    else buf_printf(b, " chapter %d%s", pg->chapter, pg->opens_chapter ? " opens" : "");
    buf_putc(b, '\n');
    const char *head = pdf_running_head(doc, phys);
    if (head) {
        buf_puts(b, "  head ");
        put_quoted(b, head, strlen(head), false);
        buf_putc(b, '\n');
    }
    double col_x[PDF_MAX_COLUMNS], top;
    pdf_page_frame(doc, phys, col_x, &top);
    /* from the trim box's corner */
    for (int c = 0; c < PDF_MAX_COLUMNS; c++) col_x[c] -= doc->off;
    top -= doc->off;
    for (int i = 0; i < pg->n_boxes; i++) {
        const paginate_box *bx = &pg->boxes[i];
        const layout_item *it = &l->items[bx->item];
        put_item(b, it, bx->col, col_x[bx->col] + it->x, top + bx->y, col_x[0] + doc->text_w);
    }
    if (phys >= doc->n_front) put_notes(b, doc, pg, col_x, top);
}

int pagedump_write(const model_book *book, FILE *out, diag *d) {
    pdf_doc doc;
    int rc = pdf_doc_build(&doc, book, d);
    if (rc != QUIRE_OK) {
        pdf_doc_free(&doc);
        return rc;
    }
    buf b;
    buf_init(&b);
    for (int phys = 0; phys < doc.n_pages; phys++) put_page(&b, &doc, phys);
    pdf_doc_free(&doc);
    bool ok = fwrite(b.data ? b.data : "", 1, b.len, out) == b.len && fflush(out) == 0;
    buf_free(&b);
    if (!ok) {
        diag_error(d, NULL, 0, 0, "cannot write to standard output: %s", strerror(errno));
        return QUIRE_EIO;
    }
    return QUIRE_OK;
}
