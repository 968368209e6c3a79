/* own_bytes: the check both writers' tests make, that a writer holds the bytes the loader
 * read and dates its file with the time the loader read: a copy of a fixture book is
 * loaded twice, written once, then its image (and font) folders are moved away and
 * another SOURCE_DATE_EPOCH is set, and the second book must write the same bytes.
 * Include after check.h. */
#ifndef QUIRE_TEST_OWN_BYTES_H
#define QUIRE_TEST_OWN_BYTES_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "load/book.h"
#include "model/model.h"

typedef int (*own_bytes_writer)(const model_book *book, const char *path, diag *d);
typedef void (*own_bytes_loaded)(const model_book *book, const char *tmp);

typedef struct own_bytes_case {
    const char *fixture;      /* the book folder (an absolute path) */
    const char *suffix;       /* of the files written: ".pdf", ".epub" */
    const char *copy_fonts;   /* a fonts/ folder to copy into the book, or NULL */
    const char *const *moved; /* the book's folders moved away before the second write, NULL-ended */
    own_bytes_writer write;
    own_bytes_loaded check;   /* more checks on the second book before it is written, or NULL */
} own_bytes_case;

static char *own_bytes_slurp(const char *path, size_t *len) {
    char *data = NULL;
    if (file_read(path, 64u << 20, &data, len) != 0) return NULL;
    return data;
}

static void check_own_bytes(const own_bytes_case *t) {
    char tmpl[] = "/tmp/quire-own-bytes-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    OK(tmp != NULL, "temp dir");
    if (!tmp) return;
    char *cmd = t->copy_fonts ? xasprintf("cp -r '%s' '%s/book' && cp -r '%s' '%s/book/fonts'", t->fixture, tmp,
                                          t->copy_fonts, tmp)
                              : xasprintf("cp -r '%s' '%s/book'", t->fixture, tmp);
    OK(system(cmd) == 0, "copy of %s", t->fixture);
    free(cmd);
    char *dir = path_join(tmp, "book");
    char *a = xasprintf("%s/a%s", tmp, t->suffix), *b = xasprintf("%s/b%s", tmp, t->suffix);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    diag d;
    diag_init(&d);
    d.capture = true;
    d.out = NULL;
    book_options bo = {0};
    model_book *one = book_load(dir, &bo, &d), *two = book_load(dir, &bo, &d);
    OK(one && two, "%s loads: %s", t->fixture, d.captured ? d.captured : "");
    if (one && two) {
        if (t->check) t->check(two, tmp);
        INT_EQ(t->write(one, a, &d), QUIRE_OK);
        for (const char *const *m = t->moved; m && *m; m++) {
            char *from = path_join(dir, *m), *to = xasprintf("%s.gone", from);
            OK(rename(from, to) == 0, "%s moved away", *m);
            free(from), free(to);
        }
        /* the build time was read at loading: a later SOURCE_DATE_EPOCH changes nothing */
        setenv("SOURCE_DATE_EPOCH", "1800000000", 1);
        INT_EQ(t->write(two, b, &d), QUIRE_OK);
        size_t la = 0, lb = 0;
        char *da = own_bytes_slurp(a, &la), *db = own_bytes_slurp(b, &lb);
        OK(da && db && la == lb && la > 0 && memcmp(da, db, la) == 0,
           "%s: the same %s without the files moved away (%zu and %zu bytes): %s", t->fixture, t->suffix, la, lb,
           d.captured ? d.captured : "");
        free(da);
        free(db);
    }
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    if (one) model_book_free(one);
    if (two) model_book_free(two);
    diag_free(&d);
    cmd = xasprintf("rm -rf '%s'", tmp);
    OK(system(cmd) == 0, "clean up");
    free(cmd);
    free(dir), free(a), free(b);
}

#endif
