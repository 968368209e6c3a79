/* pdftree: the finishing stage's structure pass. Replaces cairo's flat structure tree
 * with the one the print writer describes (pdffinish_structure): elements with their
 * marked content across pages, links with their annotations, notes, figures and table
 * headers with their attributes, a new /ParentTree, and artifacts where cairo could
 * only write structure content. */
#ifndef QUIRE_PDFTREE_H
#define QUIRE_PDFTREE_H

#include <qpdf/qpdf-c.h>

#include "base/diag.h"
#include "print/pdffinish.h"
#include "print/pdfupdate.h"

/* Rewrites the structure of the open PDF. QUIRE_OK, or QUIRE_EIO after a message when
 * the file does not hold the elements the description expects. Every object changed is
 * announced to `u`; new ones are made by it. */
int pdftree_apply(qpdf_data q, pdfupdate *u, const pdffinish_structure *s, diag *d, const char *path);

#endif
