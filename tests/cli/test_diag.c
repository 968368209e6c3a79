/* diag: message format, did-you-mean suggestions, and merging messages from another thread. */
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "check.h"

int main(void) {
    diag d;
    diag_init(&d);
    d.out = NULL;
    d.color = false;
    d.capture = true;
    diag_error(&d, "book.yaml", 3, 7, "unknown key '%s'", "titel");
    diag_warning(&d, "chapters/a.md", 2, 0, "raw HTML is not supported; dropped");
    diag_report(&d, DIAG_ERROR, NULL, 0, 0, "no position");
    INT_EQ(d.errors, 2);
    INT_EQ(d.warnings, 1);
    STR_EQ(d.captured,
           "book.yaml:3:7: error: unknown key 'titel'\n"
           "chapters/a.md:2: warning: raw HTML is not supported; dropped\n"
           "quire: error: no position");

    /* Merged messages keep their text, order and counts; quiet drops the warning. */
    diag into;
    diag_init(&into);
    into.out = NULL;
    into.color = false;
    into.capture = true;
    into.quiet = true;
    diag_error(&into, "x.md", 1, 1, "first");
    diag_merge(&into, &d);
    INT_EQ(into.errors, 3);
    INT_EQ(into.warnings, 1);
    STR_EQ(into.captured, "x.md:1:1: error: first\nbook.yaml:3:7: error: unknown key 'titel'\nquire: error: no position");

    static const char *const keys[] = {"title", "subtitle", "language", "line-height", NULL};
    STR_EQ(diag_suggest("titel", keys), "title");
    STR_EQ(diag_suggest("line-hieght", keys), "line-height");
    OK(diag_suggest("colour-scheme", keys) == NULL, "no suggestion for a distant word");

    diag_free(&d);
    diag_free(&into);
    return CHECK_DONE();
}
