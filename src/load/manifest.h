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

/*** A small YAML tree, shared by the manifest and the style sheet reader ***/

typedef enum manifest_ykind { MANIFEST_Y_SCALAR, MANIFEST_Y_LIST, MANIFEST_Y_MAP } manifest_ykind;

/* One YAML node with its 1-based source position. Maps keep keys and values
 * alternating in `items` (n counts items, so a map has n/2 pairs); map keys are
 * always scalars. Anchors, aliases and tags other than the standard ones are refused. */
typedef struct manifest_ynode manifest_ynode;
struct manifest_ynode {
    manifest_ykind kind;
    int line, col;
    char *value;             /* scalars: the text, NUL-terminated */
    bool plain;              /* scalars: unquoted (so `~`, `null`, `true` keep their YAML meaning) */
    manifest_ynode **items;
    size_t n;
};

/* Reads and parses a YAML file into a tree (one document). Checks UTF-8 first.
 * NULL after reporting errors to d as `display:line:col`. Free with manifest_yaml_free. */
manifest_ynode *manifest_yaml_load(const char *path, const char *display, diag *d);
void manifest_yaml_free(manifest_ynode *n);
/* "a string", "a list" or "a mapping" (for "must be X, not Y" messages). */
const char *manifest_ykind_name(const manifest_ynode *n);
/* True for a plain empty scalar, `~` or `null`. */
bool manifest_yaml_is_null(const manifest_ynode *n);

#endif
