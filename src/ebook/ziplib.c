/* ziplib: libzip behind lazylib (see ziplib.h). */
#include "ebook/ziplib.h"

#include <string.h>

#include <zip.h>

/* Every libzip function quire calls (LAZYLIB_WRAP's list). */
#define ZIP_FUNCTIONS(F, V)                                                                                     \
    F(int, zip_close, (zip_t * za), (za))                                                                       \
    V(zip_discard, (zip_t * za), (za))                                                                          \
    F(int, zip_error_code_system, (const zip_error_t *e), (e))                                                  \
    F(int, zip_error_code_zip, (const zip_error_t *e), (e))                                                     \
    V(zip_error_fini, (zip_error_t * e), (e))                                                                   \
    V(zip_error_init, (zip_error_t * e), (e))                                                                   \
    V(zip_error_set, (zip_error_t * e, int ze, int se), (e, ze, se))                                            \
    F(const char *, zip_error_strerror, (zip_error_t * e), (e))                                                 \
    F(zip_int64_t, zip_file_add, (zip_t * za, const char *name, zip_source_t *s, zip_flags_t flags),            \
      (za, name, s, flags))                                                                                     \
    F(int, zip_file_set_dostime, (zip_t * za, zip_uint64_t i, zip_uint16_t t, zip_uint16_t d, zip_flags_t f),   \
      (za, i, t, d, f))                                                                                         \
    F(int, zip_file_set_external_attributes,                                                                    \
      (zip_t * za, zip_uint64_t i, zip_flags_t f, zip_uint8_t os, zip_uint32_t attr), (za, i, f, os, attr))     \
    F(zip_error_t *, zip_get_error, (zip_t * za), (za))                                                         \
    F(const char *, zip_libzip_version, (void), ())                                                             \
    F(zip_t *, zip_open_from_source, (zip_source_t * s, int flags, zip_error_t *e), (s, flags, e))              \
    F(int, zip_set_file_compression, (zip_t * za, zip_uint64_t i, zip_int32_t method, zip_uint32_t level),      \
      (za, i, method, level))                                                                                   \
    F(zip_source_t *, zip_source_buffer, (zip_t * za, const void *data, zip_uint64_t len, int freep),           \
      (za, data, len, freep))                                                                                   \
    F(zip_source_t *, zip_source_buffer_create, (const void *data, zip_uint64_t len, int freep, zip_error_t *e), \
      (data, len, freep, e))                                                                                    \
    F(int, zip_source_close, (zip_source_t * s), (s))                                                           \
    V(zip_source_free, (zip_source_t * s), (s))                                                                 \
    V(zip_source_keep, (zip_source_t * s), (s))                                                                 \
    F(int, zip_source_open, (zip_source_t * s), (s))                                                            \
    F(zip_int64_t, zip_source_read, (zip_source_t * s, void *data, zip_uint64_t len), (s, data, len))           \
    F(int, zip_source_stat, (zip_source_t * s, zip_stat_t *st), (s, st))

LAZYLIB_WRAP(ziplib, QUIRE_ZIP_SONAME, NULL, ZIP_FUNCTIONS, )
