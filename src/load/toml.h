/* toml: a small strict reader of the TOML that mdBook's book.toml uses. Debian 12 has
 * no C TOML library, so this covers what book.toml needs and refuses the rest with a
 * line:col message: tables ([a.b]), dotted and quoted keys, basic and literal strings
 * (also multi-line), integers, floats, booleans, arrays and inline tables. Not read:
 * arrays of tables ([[a]]) and dates. */
#ifndef QUIRE_TOML_H
#define QUIRE_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum toml_kind { TOML_TABLE, TOML_ARRAY, TOML_STRING, TOML_INTEGER, TOML_FLOAT, TOML_BOOL } toml_kind;

typedef struct toml_value toml_value;
struct toml_value {
    toml_kind kind;
    int line, col;           /* 1-based, where the value (or a table's header) starts */
    char *string;            /* STRING: UTF-8, NUL-free */
    long long integer;       /* INTEGER; BOOL: 0 or 1 */
    double number;           /* FLOAT */
    char **keys;             /* TABLE: keys[i] names items[i] */
    toml_value **items;      /* TABLE and ARRAY */
    size_t n, cap;
    bool header;             /* TABLE: defined by a [header] (or an inline table): closed to more headers */
    bool fixed;              /* TABLE: an inline table or a value: no key may be added later */
};

/* Parses a whole document (already checked as UTF-8) into its root table. NULL after
 * reporting the first problem as `display:line:col: error: …`. Free with toml_free. */
toml_value *toml_parse(const char *text, size_t len, const char *display, diag *d);
void toml_free(toml_value *v);

/* The value a key names in a table (one key, not dotted), or NULL. */
const toml_value *toml_get(const toml_value *table, const char *key);
/* "a table", "an array", "a string", … (for "must be X, not Y" messages). */
const char *toml_kind_name(const toml_value *v);

#endif
