/* ytree: a YAML file (libyaml) read into a small tree with the line and column of
 * every node, for the manifest and the style sheet reader. */
#ifndef QUIRE_YTREE_H
#define QUIRE_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum ytree_kind { YTREE_SCALAR, YTREE_LIST, YTREE_MAP } ytree_kind;

/* One YAML node with its 1-based source position. Maps keep keys and values
 * alternating in `items` (n counts items, so a map has n/2 pairs); map keys are
 * always scalars. Anchors, aliases and tags other than the standard ones are refused. */
typedef struct ytree_node ytree_node;
struct ytree_node {
    ytree_kind kind;
    int line, col;
    char *value;             /* scalars: the text, NUL-terminated */
    bool plain;              /* scalars: unquoted (so `~`, `null`, `true` keep their YAML meaning) */
    ytree_node **items;
    size_t n;
};

/* Reads and parses a YAML file into a tree (one document). Checks UTF-8 first.
 * NULL after reporting errors to d as `display:line:col`. Free with ytree_free. */
ytree_node *ytree_load(const char *path, const char *display, diag *d);
/* The same for another tool's file (mkdocs.yml), of which quire reads a few keys: YAML
 * anchors are allowed and an alias is read as an empty string. */
ytree_node *ytree_load_lenient(const char *path, const char *display, diag *d);
/* The same for text already read and checked as UTF-8 (a chapter's front matter). */
ytree_node *ytree_parse(const char *data, size_t len, const char *display, diag *d);
void ytree_free(ytree_node *n);
/* "a string", "a list" or "a mapping" (for "must be X, not Y" messages). */
const char *ytree_kind_name(const ytree_node *n);
/* True for a plain empty scalar, `~` or `null`. */
bool ytree_is_null(const ytree_node *n);

#endif
