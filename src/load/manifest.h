/* manifest: reads book.yaml (libyaml) into the book's metadata and chapter list. */
#ifndef QUIRE_MANIFEST_H
#define QUIRE_MANIFEST_H

#include "base/diag.h"
#include "model/model.h"

/* GitBook's book.json `variables` (and `language`), as {{ book.NAME }} names them. */
typedef struct template_vars {
    const char **names, **values;
    size_t n;
} template_vars;

typedef struct manifest_ref {
    const char *value;       /* as written (a chapter: its path from the book folder) */
    model_pos pos;           /* where, in book.yaml (or SUMMARY.md) */
    /* mdBook (load/mdbook.c): */
    const char *part;        /* a "# Part" line: a chapter holding only this heading (value NULL) */
    const char *title;       /* the SUMMARY.md entry's text: the heading of a chapter without one */
    int depth;               /* nesting in SUMMARY.md */
    bool mdbook;             /* {{#include}} expanded, Rust lines hidden */
    const template_vars *vars; /* GitBook: book.json's variables; NULL elsewhere */
    bool snippets;           /* MkDocs with pymdownx.snippets: --8<-- lines expanded */
    bool nav_title;          /* MkDocs: `title` heads a chapter without a top-level heading of its own */
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

/* Bytes of a chapter's leading YAML front matter (a "---" line, then lines up to a "---"
 * or "..." line, through its line end); 0 when it has none. */
size_t manifest_front_matter_len(const char *src, size_t len);

/* Reads pandoc's front matter keys (title, subtitle, author or authors, lang, date,
 * rights, description, keywords; also identifier, publisher) from the first fm_len bytes
 * of a chapter into book->meta. Other keys warn. False after reporting errors. */
bool manifest_front_matter(model_book *book, const char *src, size_t fm_len, const char *display, diag *d);

/* The title a chapter's front matter gives it, as static site generators read it:
 * `title:`, else `name:` (a string); NULL when there is none or the YAML cannot be read
 * (a chapter's front matter is never an error). Arena memory; *pos gets the value's place. */
const char *manifest_front_matter_title(model_book *book, const char *src, size_t fm_len, int *line, int *col);

/* A BCP 47 tag's shape ("en", "en-GB", "pt-BR"). */
bool manifest_valid_language(const char *s);

/* A stable identifier for a book that names none: "urn:uuid:…", a name-based (version 5)
 * UUID of the title and the authors. Arena memory. */
const char *manifest_name_uuid(model_book *book);

/* Appends a chapter entry at `pos`, zeroed but for that, to m's list, whose room *cap
 * (0 at first) grows by doubling in the book's arena. */
manifest_ref *manifest_add_ref(model_book *book, manifest *m, size_t *cap, model_pos pos);

/* Names the artifacts of `book` from the `len` bytes at `name` (a file's or folder's name):
 * letters, digits, '.', '_' and '-' kept, others '-', leading dots dropped; "book" if empty. */
void manifest_set_name(model_book *book, const char *name, size_t len);

#endif
