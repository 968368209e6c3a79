/* srcmap: where the text of a chapter put together from several files (mdBook's
 * {{#include}}) was written, so messages and the model name the file and line the author
 * wrote, not a line counted through included listings. */
#ifndef QUIRE_SRCMAP_H
#define QUIRE_SRCMAP_H

#include <stdbool.h>
#include <stddef.h>

/* From (line, col) of the put-together text on, the text is `file`'s from (src_line,
 * src_col): following lines continue `file`'s lines, at the same columns. `file` is the
 * path from the book folder (or an absolute one, outside it), `shown` as messages name
 * it; both owned by whoever made the map (the book's arena). */
typedef struct srcmap_seg {
    int line, col;
    const char *file, *shown;
    int src_line, src_col;
} srcmap_seg;

typedef struct srcmap {
    srcmap_seg *seg;    /* in the text's order */
    size_t n, cap;
} srcmap;

/* Appends a stretch starting at (line, col); nothing when it only continues the last. */
void srcmap_add(srcmap *m, int line, int col, const char *file, const char *shown, int src_line, int src_col);

/* Where (line, col) of the text was written: *out's file, shown, src_line and src_col.
 * False (and *out untouched) when the map is empty or starts after it. */
bool srcmap_find(const srcmap *m, int line, int col, srcmap_seg *out);

void srcmap_free(srcmap *m);

#endif
