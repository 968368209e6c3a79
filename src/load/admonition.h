/* admonition: MkDocs (Python-Markdown) admonitions and content tabs read as labelled
 * block quotes. CommonMark would make their indented bodies code blocks:
 *
 *     !!! note "A title"          ??? tip        ===+ "Python"
 *
 *         Body text.                  Body.          ```py ...
 *
 * The rewrite keeps every line where it was and the body's columns: a marker line
 * becomes ">" (at its container's indentation), each body line's first four columns
 * (four spaces or a tab) become "  > " (or ">\t"), so the quote's text starts where the
 * body's does and what is indented further keeps its indent; blank lines ">". Fenced code is
 * left alone. The label (the title, else the type with a capital: "Note"; none for an
 * empty title) is kept by line, for the reader to set in bold at the quote's top. */
#ifndef QUIRE_LOAD_ADMONITION_H
#define QUIRE_LOAD_ADMONITION_H

#include <stddef.h>

typedef struct admonition_label {
    int line;    /* 1-based line of the marker */
    int col;     /* 1-based column of the marker's first character */
    char *label; /* "" when the title is empty */
} admonition_label;

typedef struct admonition_set {
    admonition_label *labels;
    size_t n, cap;
} admonition_set;

/* The rewritten text (caller frees; NUL-terminated, length in *out_len), or NULL when
 * the text has no admonition or tab, which is the text as it is. */
char *admonition_rewrite(const char *src, size_t len, size_t *out_len, admonition_set *set);

/* The label of a marker on `line`, or NULL. */
const admonition_label *admonition_at(const admonition_set *set, int line);

void admonition_set_free(admonition_set *set);

/* Docusaurus and VuePress containers and pymdownx.blocks (FastAPI's and Typer's docs),
 * at a block's start (up to three spaces before them):
 *
 *     :::tip Title          ::: warning         :::note[Title]      /// details | Title
 *     Body text.            Body.               Body.               Body.
 *     :::                   :::                 :::                 ///
 *
 * ("///" only before an admonition type, details or tab: other "///" lines are text.)
 * The marker lines become blank (fenced code is left alone), so every body line and
 * column stays where it was; the container's lines, its label (the title, else the type
 * with a capital) and the marker's column go in `set`, for the reader to wrap the blocks
 * between them in a labelled quote. A bare line of three or more colons closes the
 * innermost open container; one left open runs to the end. NULL when the text has none. */
typedef struct container_span {
    int open, close;  /* the marker lines; close is past the last line when left open */
    int col;
    char *label;
} container_span;

typedef struct container_set {
    container_span *spans; /* in the order they close */
    size_t n, cap;
} container_set;

char *container_rewrite(const char *src, size_t len, size_t *out_len, container_set *set);

void container_set_free(container_set *set);

#endif
