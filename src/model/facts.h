/* facts: what both writers show that is not the book's own text, decided once here so
 * the PDF and the EPUB cannot disagree: the words in the book's language ("Contents",
 * "Cover", "Table"…), the contents title, and which headings the contents list. */
#ifndef QUIRE_MODEL_FACTS_H
#define QUIRE_MODEL_FACTS_H

#include "model/model.h"

/* The words a reader sees outside the book's text, in one language. */
typedef struct model_labels {
    const char *lang;        /* primary language subtag: "en", "fr"… */
    const char *contents, *landmarks, *cover, *start, *back, *table, *pages, *print;
} model_labels;

/* The labels for a BCP 47 tag, matched on its primary subtag without regard to case
 * ("fr", "FR-ca" and "fr_CH" are French); English for any other language. */
const model_labels *model_labels_for(const char *language);

/* The contents heading: book.yaml's contents-title when given, else the book's word for it. */
const char *model_contents_title(const model_book *book);

/* Fills book->contents: every heading of level 1 to `depth` in reading order, and an
 * entry for each chapter without one (its title, pointing at the chapter's start), and
 * sets each listed heading's as.heading.contents, and every heading's as.heading.outline
 * (its depth under the headings of lower level before it, so no level is skipped: the
 * PDF's H1-H6 and the e-book's aria-level). Called once by the loader. */
void model_contents_build(model_book *book, int depth);

#endif
