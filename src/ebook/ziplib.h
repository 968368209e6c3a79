/* ziplib: libzip (and the libcrypto it pulls in), opened when an EPUB is first zipped
 * (base/lazylib), on the EPUB's own thread, rather than mapped at program start; callers
 * use <zip.h> as before. */
#ifndef QUIRE_ZIPLIB_H
#define QUIRE_ZIPLIB_H

#include "base/lazylib.h"

extern lazylib ziplib;

#endif
