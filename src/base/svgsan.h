/* svgsan: an SVG made safe to carry into an e-book. Read with libxml2 (no network, no
 * external entities); what a reading system could run or fetch is taken out:
 * scripts, event attributes (onload=…), foreignObject and the HTML it can hold, and
 * every reference outside the file (href, xlink:href, xml:base, CSS url() and
 * @import, xml-stylesheet) and the links of <a> elements (a figure holds no links).
 * What stays: references to the file's own elements (#id) and PNG and JPEG images
 * embedded as data: URLs, whose headers are checked against the image limits. */
#ifndef QUIRE_SVGSAN_H
#define QUIRE_SVGSAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct svgsan_result {
    unsigned char *data;  /* the cleaned SVG (malloc'd), or NULL when it needed no change */
    size_t len;
    char *removed;        /* what was taken out, for a warning: "a <script> element (line 3), …"; or NULL
                           * when nothing was (only the public SVG doctype's identifiers went) */
    char *refused;        /* why the SVG cannot be used at all (an error), or NULL */
} svgsan_result;

/* Cleans `len` bytes of SVG. False when it is refused (r->refused says why): XML that
 * libxml2 cannot read, external entities, or an embedded image beyond the limits. */
bool svgsan_clean(const unsigned char *svg, size_t len, svgsan_result *r);
void svgsan_result_free(svgsan_result *r);

#endif
