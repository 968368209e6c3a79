/* html: raw HTML in a chapter's cmark tree, rewritten in place into the cmark nodes it
 * stands for, so the Markdown walk maps it into the model like Markdown. */
#ifndef QUIRE_HTML_H
#define QUIRE_HTML_H

#include <stddef.h>

#include <cmark-gfm.h>

#include "base/diag.h"
#include "load/srcmap.h"

/* The subset quire maps: `p`, `div`, `h1`–`h6`, `details`, `summary` and `pre` (blocks),
 * `br`, `img`, `a href`, `b`, `strong`, `i`, `em`, `code`, `sup`, `sub`, `kbd` (inlines;
 * sup, sub and kbd become CMARK_NODE_CUSTOM_INLINE nodes whose on_enter is the tag name).
 * The paragraphs and headings of a `p`, `div` or `h1`–`h6` with `align="center"` or
 * `"right"` carry that word as their cmark user data (a static string; the model does
 * not keep it yet). Anchors (`<a id>`, `<a name>`, `<span id>`)
 * stay raw HTML for the reader's anchor code, `<a name="x">` rewritten as `<a id="x">`.
 * Any other tag is dropped with a warning at its place; its text is kept. HTML blocks stay
 * in the tree, emptied, with their replacement after them. `src` is the chapter's text
 * (for columns), `where` the chapter as messages name it, `map` (may be NULL) where
 * included stretches of it were written. */
void html_rewrite(cmark_node *doc, const char *src, size_t len, const char *where, const srcmap *map, diag *d);

#endif
