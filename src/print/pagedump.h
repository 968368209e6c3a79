/* pagedump: the print writer's pages as text, one box a line (`quire dump --pages`),
 * for tests that check pagination and layout against numbers worked out by hand. */
#ifndef QUIRE_PAGEDUMP_H
#define QUIRE_PAGEDUMP_H

#include <stdio.h>

#include "base/diag.h"
#include "model/model.h"

/* Lays the book out as the PDF writer does and writes every page to `out`:
 *
 *   page 3 folio 1 chapter 0 opens
 *     head "About IO"
 *     line col 0 x 56.69 y 85.04 w 481.89 h 14.40 "The first line of the text"
 *     figure col 0 x … y … w … h … "images/map.svg"
 *     row col 0 x … y … w … h … "cell | cell"
 *     rule col 0 x … y … w … h …
 *     note col 0 x … y … w … h … "1 The note's first line"
 *
 * Lengths are points from the top left corner of the trim box; `x` and `w` of a line
 * are those of its text (so a justified line is as wide as its column). A line ending
 * at a hyphenation point shows the hyphen. QUIRE_OK, QUIRE_EINPUT after messages, or
 * QUIRE_EIO when `out` cannot be written. */
int pagedump_write(const model_book *book, FILE *out, diag *d);

#endif
