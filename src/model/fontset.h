/* fontset: the book's font folders (book->font_dirs) as a private fontconfig
 * configuration, so output never depends on the fonts a machine has installed.
 * The loader lists faces in it; the print stage binds its Pango font maps to it. */
#ifndef QUIRE_FONTSET_H
#define QUIRE_FONTSET_H

#include <fontconfig/fontconfig.h>

#include "model/model.h"

/* The configuration holding only the book's font folders (no system fonts, no
 * aliases, no cache folders). Owned by this module, cached per set of folders for
 * the life of the process; safe to call from several threads. */
FcConfig *fontset_config(const model_book *book);

/* Calls fn for every font file under `dir` in name order, folders down to 4 levels.
 * With `confine` set (the book folder), a file or folder that is a link leading out
 * of it is not entered: fn gets it with `out` set to where it leads. */
typedef void (*fontset_file_fn)(void *ctx, const char *path, const char *out);
void fontset_walk(const char *dir, const char *confine, fontset_file_fn fn, void *ctx);

/* Why the font file at `path` cannot be used (malloc'd: "table 'glyf' is damaged (its
 * checksum is wrong)"), or NULL when it is sound: an OpenType table directory whose
 * tables lie inside the file with the checksums they state, and a face HarfBuzz reads
 * with glyphs, a character map and a subset of its own characters. The book's own
 * font files are checked before fontconfig sees them, so a damaged one never shadows
 * a bundled face. */
char *fontset_check_file(const char *path);

/* The same checks on a font file's bytes (the fuzz target's entry point). */
char *fontset_check_bytes(const unsigned char *data, size_t len);

/* The book folder when `dir` is inside it (the book's own fonts/), else NULL. */
const char *fontset_confine(const model_book *book, const char *dir);

/* Destroys every cached configuration and finalises fontconfig, so leak checkers
 * see a clean exit. Call once at exit after every font map bound to one is gone
 * (print/fontmap's fontmap_release); no fontconfig call may follow. */
void fontset_release(void);

#endif
