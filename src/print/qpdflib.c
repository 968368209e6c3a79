/* qpdflib: libqpdf behind lazylib (see qpdflib.h). */
#include "print/qpdflib.h"

#include <string.h>

#include <qpdf/qpdf-c.h>

qpdf_data qpdf_init(void); /* the header declares it without a prototype */

/* Every libqpdf function quire calls (LAZYLIB_WRAP's list). */
#define QPDF_FUNCTIONS(F, V) \
    V(qpdf_cleanup, (qpdf_data *qpdf), (qpdf)) \
    F(int, qpdf_find_page_by_oh, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_error, qpdf_get_error, (qpdf_data qpdf), (qpdf)) \
    F(const char *, qpdf_get_error_full_text, (qpdf_data q, qpdf_error e), (q, e)) \
    F(const char *, qpdf_get_error_message_detail, (qpdf_data q, qpdf_error e), (q, e)) \
    F(int, qpdf_get_num_pages, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_get_object_by_id, (qpdf_data qpdf, int objid, int generation), (qpdf, objid, generation)) \
    F(qpdf_oh, qpdf_get_page_n, (qpdf_data qpdf, size_t zero_based_index), (qpdf, zero_based_index)) \
    F(qpdf_oh, qpdf_get_root, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_get_trailer, (qpdf_data qpdf), (qpdf)) \
    F(QPDF_BOOL, qpdf_has_error, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_data, qpdf_init, (void), ()) \
    F(QPDF_ERROR_CODE, qpdf_init_write, (qpdf_data qpdf, const char *filename), (qpdf, filename)) \
    F(QPDF_BOOL, qpdf_more_warnings, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_error, qpdf_next_warning, (qpdf_data qpdf), (qpdf)) \
    V(qpdf_oh_append_item, (qpdf_data qpdf, qpdf_oh oh, qpdf_oh item), (qpdf, oh, item)) \
    V(qpdf_oh_begin_dict_key_iter, (qpdf_data qpdf, qpdf_oh dict), (qpdf, dict)) \
    F(QPDF_BOOL, qpdf_oh_dict_more_keys, (qpdf_data qpdf), (qpdf)) \
    F(const char *, qpdf_oh_dict_next_key, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_oh_get_array_item, (qpdf_data qpdf, qpdf_oh oh, int n), (qpdf, oh, n)) \
    F(int, qpdf_oh_get_array_n_items, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_oh, qpdf_oh_get_dict, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(int, qpdf_oh_get_generation, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(int, qpdf_oh_get_int_value_as_int, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_oh, qpdf_oh_get_key, (qpdf_data qpdf, qpdf_oh oh, const char *key), (qpdf, oh, key)) \
    F(const char *, qpdf_oh_get_name, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(int, qpdf_oh_get_object_id, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_ERROR_CODE, qpdf_oh_get_stream_data, \
      (qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL *filtered, \
       unsigned char **bufp, size_t *len), \
      (qpdf, stream_oh, decode_level, filtered, bufp, len)) \
    F(const char *, qpdf_oh_get_utf8_value, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_get_value_as_number, (qpdf_data qpdf, qpdf_oh oh, double *value), (qpdf, oh, value)) \
    F(QPDF_BOOL, qpdf_oh_has_key, (qpdf_data qpdf, qpdf_oh oh, const char *key), (qpdf, oh, key)) \
    F(QPDF_BOOL, qpdf_oh_is_array, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_dictionary, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_indirect, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_integer, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_name, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_name_and_equals, (qpdf_data qpdf, qpdf_oh oh, const char *name), (qpdf, oh, name)) \
    F(QPDF_BOOL, qpdf_oh_is_null, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_stream, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_BOOL, qpdf_oh_is_string, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_oh, qpdf_oh_new_array, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_oh_new_bool, (qpdf_data qpdf, QPDF_BOOL value), (qpdf, value)) \
    F(qpdf_oh, qpdf_oh_new_dictionary, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_oh_new_integer, (qpdf_data qpdf, long long value), (qpdf, value)) \
    F(qpdf_oh, qpdf_oh_new_name, (qpdf_data qpdf, const char *name), (qpdf, name)) \
    F(qpdf_oh, qpdf_oh_new_null, (qpdf_data qpdf), (qpdf)) \
    F(qpdf_oh, qpdf_oh_new_object, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_oh, qpdf_oh_new_real_from_double, (qpdf_data qpdf, double value, int decimal_places), \
      (qpdf, value, decimal_places)) \
    F(qpdf_oh, qpdf_oh_new_string, (qpdf_data qpdf, const char *str), (qpdf, str)) \
    F(qpdf_oh, qpdf_oh_new_unicode_string, (qpdf_data qpdf, const char *utf8_str), (qpdf, utf8_str)) \
    F(qpdf_oh, qpdf_oh_parse, (qpdf_data qpdf, const char *object_str), (qpdf, object_str)) \
    V(qpdf_oh_release, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    V(qpdf_oh_remove_key, (qpdf_data qpdf, qpdf_oh oh, const char *key), (qpdf, oh, key)) \
    V(qpdf_oh_replace_key, (qpdf_data qpdf, qpdf_oh oh, const char *key, qpdf_oh item), (qpdf, oh, key, item)) \
    V(qpdf_oh_replace_stream_data, \
      (qpdf_data qpdf, qpdf_oh stream_oh, const unsigned char *buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms), \
      (qpdf, stream_oh, buf, len, filter, decode_parms)) \
    V(qpdf_oh_set_array_item, (qpdf_data qpdf, qpdf_oh oh, int at, qpdf_oh item), (qpdf, oh, at, item)) \
    F(const char *, qpdf_oh_unparse, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(const char *, qpdf_oh_unparse_resolved, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(qpdf_oh, qpdf_oh_wrap_in_array, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    F(QPDF_ERROR_CODE, qpdf_read, (qpdf_data qpdf, const char *filename, const char *password), \
      (qpdf, filename, password)) \
    V(qpdf_replace_object, (qpdf_data qpdf, int objid, int generation, qpdf_oh oh), (qpdf, objid, generation, oh)) \
    V(qpdf_set_decode_level, (qpdf_data qpdf, enum qpdf_stream_decode_level_e level), (qpdf, level)) \
    V(qpdf_set_deterministic_ID, (qpdf_data qpdf, QPDF_BOOL value), (qpdf, value)) \
    V(qpdf_set_suppress_warnings, (qpdf_data qpdf, QPDF_BOOL value), (qpdf, value)) \
    V(qpdf_silence_errors, (qpdf_data qpdf), (qpdf)) \
    F(QPDF_ERROR_CODE, qpdf_write, (qpdf_data qpdf), (qpdf))

LAZYLIB_WRAP(qpdflib, QUIRE_QPDF_SONAME, NULL, QPDF_FUNCTIONS, )
