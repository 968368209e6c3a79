/* pdftag: the print writer's structure tree, built while the pages are drawn.
 *
 * Cairo 1.16 gives marked content only to structure elements without children, cannot
 * keep an element open across a page break and has no Artifact. So every run of painted
 * content is opened as one flat cairo element (a "chunk") of the element it belongs to,
 * or as an artifact, and the tree meant is kept here: elements with their kids (elements
 * and chunks) in reading order. pdffinish writes that tree in place of cairo's
 * (pdffinish_structure). Every function does nothing when `t` is NULL (previews). */
#ifndef QUIRE_PDFTAG_H
#define QUIRE_PDFTAG_H

#include <stdbool.h>

#include <cairo.h>

#include "print/pdffinish.h"

typedef struct pdftag pdftag;

#define PDFTAG_ROOT 0      /* the Document element */
#define PDFTAG_NONE (-1)

pdftag *pdftag_new(void);
void pdftag_free(pdftag *t);

/* The element named by (key, sub), created the first time as the last kid of `parent`. */
int pdftag_elem(pdftag *t, int parent, const char *type, const void *key, int sub);
/* The same, but created right after `after` (a kid of `parent`) and whatever was
 * already placed after it (notes after the paragraph that cites them). */
int pdftag_elem_after(pdftag *t, int parent, int after, const char *type, const void *key, int sub);
/* The element named by (key, sub), or PDFTAG_NONE. */
int pdftag_find(const pdftag *t, const void *key, int sub);
int pdftag_parent(const pdftag *t, int elem);

/* The structure level (1–6) of a heading of `level` in the source, the headings so far
 * given in document order: never more than one below the one before, so the tree
 * skips no level (Markdown often does: a chapter's ### under its #). */
int pdftag_heading_level(pdftag *t, int level);

/* Attributes, copied: /Alt, /ID, a link's /Contents, a TH's /Scope ('C' or 'R'),
 * a figure's /BBox in PDF user space. */
void pdftag_set_alt(pdftag *t, int elem, const char *alt);
void pdftag_set_id(pdftag *t, int elem, const char *id);
void pdftag_set_contents(pdftag *t, int elem, const char *contents); /* cut to 1000 bytes and "…" */
/* Whether element elem has no /Contents yet (a link drawn on many lines gets it once). */
bool pdftag_lacks_contents(pdftag *t, int elem);
void pdftag_set_scope(pdftag *t, int elem, char scope);
void pdftag_set_bbox(pdftag *t, int elem, double x0, double y0, double x1, double y1);

/* `elem` (a figure) is set away from its place in the text: it is read where it is
 * drawn, before the first content drawn after it (pdftag_structure moves it there). */
void pdftag_float(pdftag *t, int elem);

/* What is painted next belongs to `elem`, or is an artifact of this kind. Nothing is
 * written until pdftag_paint. */
void pdftag_content(pdftag *t, int elem);
void pdftag_artifact(pdftag *t, pdffinish_chunk kind);
/* Call before painting: opens a chunk for what pdftag_content/artifact named, unless
 * that chunk is the one open. */
void pdftag_paint(pdftag *t, cairo_t *cr);
/* Opens a chunk of the Link element `elem` with its annotation (cairo's link
 * attributes: uri= or dest=, and rect=); the link's text is painted next. */
void pdftag_link(pdftag *t, cairo_t *cr, int elem, const char *attrs);
/* Closes the open chunk; before a page ends. */
void pdftag_close(pdftag *t, cairo_t *cr);

/* The tree for pdffinish, valid until the next call or pdftag_free. */
const pdffinish_structure *pdftag_structure(pdftag *t);

#endif
