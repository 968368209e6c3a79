/* mkdocs: an MkDocs project (mkdocs.yml and its docs folder, no book.yaml) read as a book:
 * its metadata and its pages in the order of mkdocs.yml's `nav`. */
#ifndef QUIRE_MKDOCS_H
#define QUIRE_MKDOCS_H

#include <stdbool.h>

#include "base/diag.h"
#include "load/manifest.h"
#include "model/model.h"

/* The project file of `dir` ("mkdocs.yml", else "mkdocs.yaml") when the folder holds
 * one and neither book.yaml nor book.toml; else NULL. A static string. */
const char *mkdocs_project_file(const char *dir);

/* Reads the project file into book->meta (site_name, site_description, site_author,
 * copyright, theme's language) and m: the pages of `nav` in order, a section's title
 * as a part heading above its pages (nested sections one level lower each); without
 * `nav`, every Markdown file of docs_dir as MkDocs orders them (by path, a folder's
 * index.md or README.md first). `shown` names the file in messages. False after errors. */
bool mkdocs_load(model_book *book, const char *file, const char *shown, manifest *m, diag *d);

/* A folder with none of book.yaml, book.toml, SUMMARY.md or mkdocs.yml (a repository's
 * docs/, a Docusaurus or VuePress docs folder): every Markdown file in it, in the order
 * mkdocs_load takes without nav, with a warning at `shown` saying so. False, with nothing
 * said, when the folder holds no Markdown file. */
bool mkdocs_load_folder(model_book *book, const char *shown, manifest *m, diag *d);

#endif
