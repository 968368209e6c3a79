/* pdf: the print writer. Lays the model out with Pango, paginates, draws onto a
 * Cairo PDF surface and finishes the file (tags, labels, boxes). */
#ifndef QUIRE_PDF_H
#define QUIRE_PDF_H

#include "base/diag.h"
#include "base/util.h"
#include "model/model.h"

typedef struct pdf_result {
    int pages;
} pdf_result;

/* Once per process, before any thread starts (it sets an environment variable): cairo 1.16
 * deflates each page as it writes it, and the finishing pass, which rewrites every page's
 * artifacts, would inflate and deflate it again. CAIRO_DEBUG_PDF, cairo's only switch for
 * it, makes cairo write its pages and forms uncompressed; finishing deflates every stream
 * once. Without this call the output is the same PDF, made with more work. */
void pdf_process_init(void);

/* Writes `out_path` atomically. Returns QUIRE_OK, QUIRE_EINPUT or QUIRE_EIO. */
int pdf_write(const model_book *book, const char *out_path, pdf_result *res, diag *d);

/* Writes every page as `page-NNN.png` and one `contact-sheet.png` into out_dir. */
int pdf_preview(const model_book *book, const char *out_dir, double dpi, diag *d);

/*** shared by the PDF writer and the preview (pdf.c, preview.c) ***/

#include <cairo.h>

#include "print/hyph.h"
#include "print/layout.h"
#include "print/paginate.h"
#include "print/text.h"

/* The whole print document: laid out and paginated once, drawn to PDF or PNG. */
typedef struct pdf_doc {
    const model_book *book;
    hyph *hy;
    text_ctx *tc;
    layout_list body, toc, misc;   /* misc: furniture text, the cover image */
    paginate_result bp, tp;        /* body pages, contents pages */
    layout_image *cover;
    layout_svgs *svgs;             /* SVG images being drawn ahead for the PDF (pdf_doc_build_for_pdf) */
    double W, H;                   /* trim size */
    double bleed, slug, off;       /* off = bleed + slug: where the trim box starts */
    double text_w, col_w, col_h;
    int columns;
    int n_front;                   /* cover + contents pages (folios i, ii…) */
    int n_pages;
    /* Running heads laid out once each (owned by misc), looked up by text, style and alignment. */
    struct pdf_head { const char *text; const style_text *st; int align; text_para *p; } *heads;
    int n_heads, cap_heads;
} pdf_doc;

#define PDF_MAX_LEVELS 6
typedef struct pdf_draw_state {
    cairo_surface_t *pdf;          /* the PDF surface (outline entries), NULL when drawing a preview */
    int outline[PDF_MAX_LEVELS + 1]; /* last outline id per contents level (1-6) */
    struct pdftag *tag;            /* with pdf: the structure tree drawn (pdftag.h); NULL for previews */
    double page_h;                 /* the media box height: figure boxes in PDF space */
    int page;                      /* the page being drawn */
    const char *failed_image;      /* the book path of an image that could not be decoded, or NULL */
} pdf_draw_state;

/* Starts what pdf_doc_build will need and can begin from the manifest and style alone
 * (all the hyphenation patterns, for a book of more than 64 KiB of chapter source:
 * a smaller one loads only those its words need), on a thread of its own. */
void pdf_prefetch(const model_book *book, size_t chapter_bytes);
/* Lays out and paginates the book. QUIRE_OK or QUIRE_EINPUT after messages; always pdf_doc_free. */
int pdf_doc_build(pdf_doc *doc, const model_book *book, diag *d);
/* The same for a PDF to be drawn with pdf_write_doc: the SVG images are parsed and drawn
 * into their forms on a thread of their own meanwhile. */
int pdf_doc_build_for_pdf(pdf_doc *doc, const model_book *book, diag *d);
void pdf_doc_free(pdf_doc *doc);
/* Draws and finishes a built document into `out_path` (atomically), then frees it:
 * pdf_write is pdf_doc_build followed by this. */
int pdf_write_doc(pdf_doc *doc, const char *out_path, pdf_result *res, diag *d);
/* The same into `out`, opened with atomic_open, which the caller commits or aborts: so a
 * build commits its PDF only when its EPUB is complete too. Messages name out->path. */
int pdf_write_doc_to(pdf_doc *doc, atomic_file *out, pdf_result *res, diag *d);
/* Where each body page begins in the model, with its printed folio, for the e-book's
 * page list. `out` is freed with model_page_map_free. */
void pdf_page_map(const pdf_doc *doc, model_page_map *out);
#define PDF_MAX_COLUMNS 16
/* Where page `phys` (1 or more) puts its text: the left edge of each column and the
 * top of the text block, with the trim box at (off, off). Recto pages (even `phys`)
 * have the inner margin on the left. The contents pages have one column. */
void pdf_page_frame(const pdf_doc *doc, int phys, double col_x[PDF_MAX_COLUMNS], double *top);
/* The running head of page `phys`, or NULL for the cover, the first page of the
 * contents and of the body, and chapter openings. Recto pages show the chapter title. */
const char *pdf_running_head(const pdf_doc *doc, int phys);
/* Draws physical page `phys` (0 = cover) with the trim box at (off, off). */
void pdf_draw_page(cairo_t *cr, const pdf_doc *doc, int phys, pdf_draw_state *st);
/* The printed folio of a page: i, ii… for front matter, 1, 2… for the body. */
void pdf_folio(const pdf_doc *doc, int phys, char *out, size_t size);

#endif
