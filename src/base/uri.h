/* uri: percent-encoding, host checks and scheme tests of URLs; lexical clean-up of
 * relative paths. Pure functions on strings: no I/O. */
#ifndef QUIRE_URI_H
#define QUIRE_URI_H

#include <stdbool.h>

#include "base/util.h"

/* Appends a URL with every byte a URI may not hold percent-encoded (%XX): spaces,
 * control characters, bytes outside ASCII (so UTF-8 text becomes %C3%A9…), the characters
 * " < > \ ^ ` { | }, a '%' that does not begin a %XX escape, and any '#' after the first.
 * Everything else, reserved characters included, is kept as written. */
void uri_put(buf *out, const char *url);
/* The same as a new string. Caller frees. */
char *uri_encode(const char *url);

/* False when a URL names a host that no URI can hold: after "scheme://" and any
 * "user@", a name with other bytes than ASCII letters, digits and - . _ ~ ! $ & ' ( ) * + , ; =
 * (a space, a quote, a letter outside ASCII…), a bad [IP literal] or a port that is not a
 * number. Such a link is no link: the writers keep its text only. */
bool uri_host_ok(const char *url);

/* Decodes "%XX" escapes of the first n bytes of a URL ("%20" names a space in a file
 * name). Caller frees. */
char *uri_percent_decode(const char *s, size_t n);

/* True when `ref` starts with a URL scheme ("https:", "mailto:", "data:"). */
bool uri_has_scheme(const char *ref);

/* Lexical clean-up of a relative path ("a/./b/../c" → "a/c"); NULL when ".." climbs
 * above its start. Caller frees. */
char *path_normalise(const char *rel);

#endif
