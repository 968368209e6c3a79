/* dump: the model as JSON (metadata, then every node with type, text, id and
 * source position), for `quire dump` and golden tests. */
#ifndef QUIRE_DUMP_H
#define QUIRE_DUMP_H

#include <stdio.h>

#include "model/model.h"

/* Returns 0, or -1 when writing failed. */
int dump_book_json(const model_book *book, FILE *out);

#endif
