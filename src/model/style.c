/* style: what every stage may ask of a resolved style sheet. */
#include "model/style.h"

#include <stdlib.h>

static const char *const role_names[STYLE_ROLE_COUNT + 1] = {
    "body", "h1", "h2", "h3", "quote", "attribution", "list", "footnote",
    "caption", "table", "code", "header", "footer", "cover", "toc", NULL};

const char *style_role_name(style_role r) {
    return (unsigned)r < STYLE_ROLE_COUNT ? role_names[r] : "?";
}

void style_free(style_sheet *s) {
    if (!s) return;
    arena_free(s->mem);
    free(s);
}
