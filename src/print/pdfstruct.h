/* pdfstruct: the structure element each thing the print writer draws belongs to,
 * made from the document model: a chapter is a Sect, its blocks H1–H6, P, L/LI/Lbl/LBody,
 * BlockQuote, Figure/Caption, Table/THead/TBody/TR/TH/TD, P/Code, its links Link, and
 * each footnote a Note placed right after the block that first cites it. */
#ifndef QUIRE_PDFSTRUCT_H
#define QUIRE_PDFSTRUCT_H

#include "model/model.h"
#include "print/pdftag.h"

/* The element the text of block `n` is drawn into (for a code block, its Code). */
int pdfstruct_block(pdftag *t, const model_node *n);
/* Whether a figure has alt text: without, it is decorative, drawn as an artifact. */
bool pdfstruct_described(const model_node *figure);
/* A list item's Lbl, a figure's or table's Caption (a P when the figure is decorative). */
int pdfstruct_label(pdftag *t, const model_node *item);
int pdfstruct_caption(pdftag *t, const model_node *figure);
/* A figure or table drawn away from its place in the text: its Figure (or a decorative
 * one's caption) or Table is read where it is drawn (pdftag_float). Other nodes: nothing. */
void pdfstruct_float(pdftag *t, const model_node *figure);
/* A footnote's Note, with its /ID. */
int pdfstruct_note(pdftag *t, const model_node *footnote);
/* The Link of a link or note reference `span` (any pointer unique to it) inside `block`. */
int pdfstruct_link(pdftag *t, int block, const void *span);

#endif
