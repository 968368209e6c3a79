/* pdfupdate: edits of a PDF made with libqpdf, written as an incremental update (PDF 32000-1,
 * 7.5.6) appended to the file's own bytes instead of a rewrite of every object. libqpdf then
 * parses only the objects the edits look at, and nothing is copied but the file itself.
 *
 * Every edit of an existing indirect object must be announced with pdfupdate_changed (an edit
 * not announced is not written); new objects come from pdfupdate_new_object and
 * pdfupdate_new_stream (qpdf_make_indirect_object also works, but makes libqpdf parse the
 * whole file first). */
#ifndef QUIRE_PDFUPDATE_H
#define QUIRE_PDFUPDATE_H

#include <stddef.h>

#include <qpdf/qpdf-c.h>

#include "base/diag.h"

typedef struct pdfupdate pdfupdate;

/* Starts an update of the file at in_path, just read into q (its trailer's /Size numbers
 * new objects). The file's bytes are read once more, for pdfupdate_source_text and the
 * compact rewrite. */
pdfupdate *pdfupdate_begin(qpdf_data q, const char *in_path);

/* The text of object `id` as the file holds it (between "N 0 obj" and "endobj"), when the
 * file's cross-reference table could be read and the object is not a stream; else NULL.
 * Valid until pdfupdate_free. Reading it costs far less than libqpdf's parse. */
const char *pdfupdate_source_text(const pdfupdate *u, int id, size_t *len);
void pdfupdate_free(pdfupdate *u);

/* The indirect object `obj` (or the one `obj` is a reference to) has changed; a direct
 * object is ignored: announce the indirect object that holds it. */
void pdfupdate_changed(pdfupdate *u, qpdf_data q, qpdf_oh obj);

/* A new indirect object with the direct object `value` as its content. The caller releases
 * the handle returned (an indirect reference, usable as a value in other objects). */
qpdf_oh pdfupdate_new_object(pdfupdate *u, qpdf_data q, qpdf_oh value);

/* A new stream: `dict` (a direct dictionary, without /Length) and `len` bytes of data,
 * written as they are. The caller releases the handle returned (an indirect reference). */
qpdf_oh pdfupdate_new_stream(pdfupdate *u, qpdf_data q, qpdf_oh dict, const void *data, size_t len);

/* Numbers for `n` new objects that are written from their text (pdfupdate_set_text) and
 * never become libqpdf objects: cheap where thousands are made (the structure tree).
 * Returns the first; they run first .. first+n-1. */
int pdfupdate_reserve(pdfupdate *u, qpdf_data q, int n);
/* The text of reserved object `id`: one PDF object, not a stream; copied. */
void pdfupdate_set_text(pdfupdate *u, int id, const char *text, size_t len);
/* Existing object `id` (generation 0, not a stream) is now `text`, one PDF object, copied;
 * announced as changed. libqpdf's copy of it is left as it was: edit it no further there. */
void pdfupdate_replace_text(pdfupdate *u, int id, const char *text, size_t len);
/* A reference ("id 0 R") to any object, as a value for libqpdf objects; the caller releases it. */
qpdf_oh pdfupdate_ref(qpdf_data q, int id);

/* Writes out_path: in_path's bytes, then every changed and new object, a cross-reference
 * section and a trailer with /Prev and /ID. The first /ID string is the MD5 of id_seed
 * (NULL: of the content), the second the MD5 of the whole file before the trailer. Objects
 * go in number order, so the same edits give the same bytes. `shown` names the file in
 * messages. QUIRE_OK or QUIRE_EIO after a message; on failure out_path is removed. */
int pdfupdate_write(pdfupdate *u, qpdf_data q, const char *in_path, const char *out_path, const char *id_seed,
                    const char *shown, diag *d);

#endif
