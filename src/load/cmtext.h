/* cmtext: the plain text of a cmark-gfm subtree, for the loader's readers that walk cmark
 * trees (chapters and mdBook's SUMMARY.md). Internal to src/load: cmark never leaves it. */
#ifndef QUIRE_CMTEXT_H
#define QUIRE_CMTEXT_H

#include <cmark-gfm.h>

/* Text and code literals in order, a space for each line break. Caller frees. */
char *cmtext_plain(cmark_node *root);

#endif
