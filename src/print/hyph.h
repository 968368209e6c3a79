/* hyph: dictionary hyphenation with libhyphen and Debian's patterns (hyphen-*). */
#ifndef QUIRE_HYPH_H
#define QUIRE_HYPH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hyph hyph;

/* Loads the patterns for a BCP 47 language ("en", "en-US", "de"…) from the
 * system's hyphenation folder, or NULL when none is installed. The patterns are
 * loaded once per process and language and shared (read-only) until exit; release
 * each hyph_load with hyph_free. */
hyph *hyph_load(const char *language);
/* Starts loading the patterns for `language` into the process cache on a thread of
 * its own, so that a later hyph_load finds them ready (it waits for this load). */
void hyph_prefetch(const char *language);
/* The same from a given folder of hyph_*.dic files. hyph_load uses the folder
 * named by the QUIRE_HYPHEN_DIR environment variable when set, else the system's. */
hyph *hyph_load_from(const char *dir, const char *language);
/* The folder hyph_load reads. */
const char *hyph_dir(void);
void hyph_free(hyph *h);   /* NULL is fine; a shared hyph_load result is only released */

/* The words texts hold, as hyph_insert_soft looks them up: a small book's patterns
 * can then be cut down to those its words read (hyph_load_for). */
typedef struct hyph_words hyph_words;
hyph_words *hyph_words_new(void);
/* Adds the words of a UTF-8 text. False once there are more than a small book's
 * (loading all the patterns is then about as quick). */
bool hyph_words_add(hyph_words *w, const char *text, size_t len);
void hyph_words_free(hyph_words *w);   /* NULL is fine */
/* hyph_load for a text made of the words in `w` (it takes them): only the patterns
 * hyphenating those words reads are loaded, and a word that is not in `w` is
 * hyphenated with all of them (loaded at the first such word), so every break is
 * hyph_load's. All of them at once when they are loaded or loading already
 * (hyph_prefetch), or when `w` is too large. Release with hyph_free. */
hyph *hyph_load_for(const char *language, hyph_words *w);
/* True when all the language's patterns are loaded, or loading (hyph_prefetch). */
bool hyph_all_at_hand(const char *language);

/* Returns a malloc'd copy of the UTF-8 text with U+00AD (soft hyphen) inserted at
 * every allowed break inside words (at least 2 letters before, 3 after; words
 * under 5 letters, words with digits, URLs and words already holding a hyphen
 * or soft hyphen are left alone). `out_len` may be NULL. */
char *hyph_insert_soft(const hyph *h, const char *text, size_t len, size_t *out_len);

#endif
