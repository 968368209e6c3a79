/* style reading: styles/<name>.yaml over built-in defaults into one style_sheet
 * (model/style.h), every value checked at its line and column. */
#ifndef QUIRE_LOAD_STYLE_H
#define QUIRE_LOAD_STYLE_H

#include <stdbool.h>

#include "base/diag.h"
#include "model/style.h"

/* Built-in defaults: what a style file may leave out. */
void style_defaults(style_sheet *s);

/* Reads a style file over the defaults. NULL on error (reported to d as file:line:col). */
style_sheet *style_load(const char *path, diag *d);

/* "a4" or "letter": sets page size, keeps margins. Returns false on an unknown name. */
bool style_set_paper(style_sheet *s, const char *paper);

/* The page geometry, checked once for both writers: at least 72pt of text width and
 * height, columns at least 72pt wide, and a line of every role of running text shorter
 * than the text area. False after reporting at the style file's line (style_load calls
 * it; call it again after style_set_paper). */
bool style_check_page(const style_sheet *s, diag *d);

/* Page size by name (case-insensitive: A3 A4 A5 A6 B5 Letter Legal), in points. */
bool style_paper_size(const char *name, double *width, double *height);

/* Parses a length: a number (points) or a string with pt, mm, cm, in, px (1/96 in)
 * or em (times `em`; pass 0 to refuse em). False on a malformed value. */
bool style_parse_length(const char *text, double em, double *out);

#endif
