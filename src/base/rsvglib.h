/* rsvglib: librsvg, opened when an SVG is first read (base/lazylib) rather than mapped
 * at program start; callers use <librsvg/rsvg.h> as before. */
#ifndef QUIRE_RSVGLIB_H
#define QUIRE_RSVGLIB_H

#include "base/lazylib.h"

extern lazylib rsvglib;

#endif
