/* qpdflib: libqpdf, opened when the finishing pass first needs it (base/lazylib) rather
 * than mapped at program start: with its C++ runtime and TLS stack (libstdc++, gnutls,
 * libcrypto…) it was a third of the dynamic loader's start-up work. quire's qpdf_* calls
 * go through forwarders of the same names, so callers use <qpdf/qpdf-c.h> as before. */
#ifndef QUIRE_QPDFLIB_H
#define QUIRE_QPDFLIB_H

#include "base/lazylib.h"

extern lazylib qpdflib;

#endif
