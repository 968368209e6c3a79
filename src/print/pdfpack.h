/* pdfpack: a PDF written whole and compact: its stream objects as they are, every other
 * object packed into deflated object streams, and a cross-reference stream instead of a
 * table (PDF 32000-1, 7.5.7 and 7.5.8). The finishing stage uses it to write cairo's file
 * again with the edits in place, where an incremental update would leave what the edits
 * replaced in the file. Also reads the classic cross-reference table cairo writes. */
#ifndef QUIRE_PDFPACK_H
#define QUIRE_PDFPACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

/* The in-use objects of a classic cross-reference table. */
typedef struct pdfpack_xref {
    long long *offset;      /* by object number: the byte offset of "N 0 obj", -1 when not in use */
    long long *end;         /* by object number: where the next object (or the table) starts */
    int size;               /* the table's numbers run 0 .. size-1 */
    long long table_at;     /* where the table itself starts ("xref") */
} pdfpack_xref;

/* Reads the table that the file's last startxref names. False (and nothing to free) when
 * it is not one classic table for the whole file: a cross-reference stream, a /Prev, a
 * generation other than 0, an entry out of bounds. */
bool pdfpack_read_xref(const char *data, size_t len, pdfpack_xref *x);
void pdfpack_xref_free(pdfpack_xref *x);

/* Object `id`'s bytes in the file: from its offset up to the next object or the table.
 * Sets body and body_len to what lies between "N 0 obj" and "endobj", and *is_stream.
 * False when the bytes are not one object with that number. */
bool pdfpack_object_at(const char *data, const pdfpack_xref *x, int id, const char **body, size_t *body_len,
                       bool *is_stream);

/* A reader of the few tokens cairo's plain objects use: names, integers, references,
 * dictionaries and arrays. Anything else (strings, reals, keywords) is PDFPACK_BAD, and
 * the caller asks libqpdf instead. */
typedef enum pdfpack_kind {
    PDFPACK_END, PDFPACK_BAD, PDFPACK_NAME, PDFPACK_INT, PDFPACK_REF,
    PDFPACK_DICT, PDFPACK_DICT_END, PDFPACK_ARRAY, PDFPACK_ARRAY_END
} pdfpack_kind;

typedef struct pdfpack_tok {
    pdfpack_kind kind;
    long long num;           /* INT: the value; REF: the object number */
    int gen;                 /* REF: the generation */
    const char *name;        /* NAME: from its '/' */
    size_t name_len;
} pdfpack_tok;

typedef struct pdfpack_lex {
    const char *p, *end;
} pdfpack_lex;

pdfpack_tok pdfpack_next(pdfpack_lex *lx);
/* Whether a NAME token is `name` ("/Pg"). */
bool pdfpack_is_name(const pdfpack_tok *t, const char *name);
/* Skips the value that starts with token t (a whole dictionary or array); false on BAD or END. */
bool pdfpack_skip(pdfpack_lex *lx, pdfpack_tok t);

typedef struct pdfpack pdfpack;

/* A file that starts with `header` ("%PDF-1.5" and its binary comment line). */
pdfpack *pdfpack_new(const char *header, size_t header_len);
void pdfpack_free(pdfpack *p);

/* A non-stream object (its text, without "N 0 obj"/"endobj"): packed into an object stream. */
void pdfpack_object(pdfpack *p, int id, const char *text, size_t len);
/* A stream object written out now: its dictionary text (without /Length) and its data as stored. */
void pdfpack_stream(pdfpack *p, int id, const char *dict, size_t dict_len, const void *data, size_t len);

/* An object written out now as it is: `body` as pdfpack_object_at found it. */
void pdfpack_verbatim(pdfpack *p, int id, const char *body, size_t len);

/* Packs the objects, writes the cross-reference stream with `trailer` ("/Root 3 0 R /Info
 * 1 0 R", the keys besides /Size and /ID) and returns the file (the caller frees it). The
 * /ID: the MD5 of id_seed (NULL: of the file) and the MD5 of the file before the stream. */
char *pdfpack_finish(pdfpack *p, const char *trailer, const char *id_seed, size_t *len);

/* `len` bytes deflated (FlateDecode's zlib format) at zlib's fastest level; the caller frees
 * the result. Reentrant. */
unsigned char *pdfpack_deflate(const void *data, size_t len, size_t *out_len);

/* Appends a trailer's `/ID [<…><…>]`: the MD5 of id_seed (NULL: file_md5 again), then
 * file_md5, the MD5 of the file's bytes. */
void pdfpack_put_id(buf *b, const unsigned char file_md5[16], const char *id_seed);

#endif
