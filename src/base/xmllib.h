/* xmllib: libxml2 (and the ICU it pulls in), opened when an SVG or an HTML block is
 * first read (base/lazylib) rather than mapped at program start; callers use the
 * <libxml/…> headers as before. */
#ifndef QUIRE_XMLLIB_H
#define QUIRE_XMLLIB_H

#include "base/lazylib.h"

extern lazylib xmllib;

/* Frees what a libxml2 function returned (xmlFree, which is a variable of the library,
 * not a function quire could forward). */
void xmllib_free(void *p);

#endif
