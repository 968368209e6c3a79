/* mdbook: an mdBook project (book.toml and src/SUMMARY.md, no book.yaml) read as a book:
 * its metadata, its chapters in SUMMARY.md's order, and the {{#include}} links of its
 * chapters. */
#ifndef QUIRE_MDBOOK_H
#define QUIRE_MDBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "load/manifest.h"
#include "load/srcmap.h"
#include "model/model.h"

/* True when book->dir holds book.toml, or SUMMARY.md (a GitBook project), and no book.yaml. */
bool mdbook_is_project(const char *dir);

/* Reads book.toml ([book] title, authors, description, language, src) into book->meta and
 * SUMMARY.md (a GitBook's: beside its chapters, without book.toml) into m: prefix, numbered and suffix chapters with their nesting, "# Part"
 * lines (value: SUMMARY.md's path); draft chapters (empty links) are left out with a
 * warning. book->dir and book->manifest (book.toml as messages name it) are set. False
 * after reporting errors. */
bool mdbook_load(model_book *book, manifest *m, diag *d);

/* A chapter's text with mdBook's {{#include file}}, {{#include file:2:10}},
 * {{#include file:anchor}} and {{#rustdoc_include …}} replaced by what they name (paths
 * from the chapter's folder; a file outside the book folder is read with a warning;
 * includes inside included files too, up to 10 deep). `chapter` is the chapter's path
 * from the book folder, `where` as messages name it. `map` (may be NULL) gets where each
 * stretch of the result was written. In a GitBook, also {{ book.NAME }} (from `vars`, may
 * be NULL), {% set NAME = "value" %} with {{ NAME }}, and {% if %}/{% elif %}/{% else %}/
 * {% endif %} on output.name (an e-book: "ebook") or a book variable. NULL after reporting
 * an error; else malloc'd, *out_len bytes. */
char *mdbook_expand(const model_book *book, const char *chapter, const char *text, size_t len, const char *where,
                    const template_vars *vars, size_t *out_len, srcmap *map, diag *d);

/* An MkDocs page's text with pymdownx.snippets' lines replaced: `--8<-- "file"` (the
 * file, each line with the snippet line's indent), a `--8<--` block of file names, and
 * `;--8<--` (the line as written, without ';'). Files from the project folder, else from
 * a folder above the page; one not there is left out with a warning. Includes inside
 * snippets too, up to 10 deep. As mdbook_expand otherwise. */
char *mdbook_expand_snippets(const model_book *book, const char *chapter, const char *text, size_t len,
                             const char *where, size_t *out_len, srcmap *map, diag *d);

#endif
