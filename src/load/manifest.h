/* manifest: reads book.yaml (libyaml) into the book's metadata and chapter list. */
#ifndef QUIRE_MANIFEST_H
#define QUIRE_MANIFEST_H

#include "base/diag.h"
#include "model/model.h"

typedef struct manifest_ref {
    const char *value;       /* as written */
    model_pos pos;           /* where, in book.yaml */
} manifest_ref;

typedef struct manifest {
    manifest_ref *chapters;  /* in order */
    size_t n_chapters;
    manifest_ref style;      /* value NULL when absent */
    manifest_ref cover;      /* value NULL when absent */
} manifest;

/* Parses `path` (shown as `display` in messages) into book->meta and m.
 * Strings live in book->mem. False after reporting errors. */
bool manifest_load(model_book *book, const char *path, const char *display, manifest *m, diag *d);

#endif
