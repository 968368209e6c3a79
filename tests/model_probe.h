/* model_probe: what the loader's tests look up in a loaded book: whether the captured
 * diagnostics say something, and the n-th node of a type in document order. */
#ifndef QUIRE_TEST_MODEL_PROBE_H
#define QUIRE_TEST_MODEL_PROBE_H

#include <stdbool.h>
#include <string.h>

#include "base/diag.h"
#include "model/model.h"

static inline bool has(const diag *d, const char *needle) { return d->captured && strstr(d->captured, needle) != NULL; }

/* The n-th (0-based) node of `type` in document order below root, or NULL. */
static inline const model_node *nth(const model_node *root, model_type type, int n) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *node;
    model_event ev;
    while ((ev = model_iter_next(&it, &node)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && node->type == type && n-- == 0) return node;
    return NULL;
}

#endif
