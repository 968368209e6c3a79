/* util: allocation that aborts on exhaustion, growable buffers, an arena,
 * and file functions shared by every stage. */
#ifndef QUIRE_UTIL_H
#define QUIRE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Out of memory is not recoverable in a batch tool: these abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. Owner frees with buf_free. */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reserve(buf *b, size_t extra);
void buf_put(buf *b, const void *data, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Hands the data to the caller (who frees it) and resets the buffer. */
char *buf_detach(buf *b, size_t *len);

/* An arena: many small allocations, freed all at once. Used by the model. */
typedef struct arena arena;
arena *arena_new(void);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);  /* zeroed, 16-byte aligned */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes the arena own `p` (from malloc): it is freed with the arena. Returns p. */
void *arena_adopt(arena *a, void *p);

/* Reads a whole regular file. Returns 0, or -1 with errno set
 * (EISDIR for a directory, EFBIG when larger than max_bytes). */
int file_read(const char *path, size_t max_bytes, char **data, size_t *len);

/* Gives the heap's free pages back to the system (every thread's arena), between stages
 * whose memory does not overlap, so the peak is one stage's and not the sum. */
void mem_give_back(void);

/* Atomic output: opens a temporary file beside `path`; commit fsyncs it and
 * renames it over `path`, abort removes it. The old file survives any failure. */
typedef struct atomic_file {
    char *path;
    char *tmp_path;
    int fd;
} atomic_file;
/* The file gets mode 0666 less the process's umask (read once, at start-up). */
int atomic_open(atomic_file *af, const char *path);
int atomic_write(atomic_file *af, const void *data, size_t n);
int atomic_commit(atomic_file *af);
void atomic_abort(atomic_file *af);
/* Removes temporary files still open by this process (for signal handlers). */
void atomic_abort_all_signal_safe(void);
/* One cleanup path for every fatal signal that can be caught (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGPIPE, SIGXCPU, SIGUSR1, …): the temporary files are removed, then the
 * signal ends the process as it would have. */
void atomic_cleanup_on_signals(void);
/* Writes a whole buffer to `path` through an atomic_file. */
int file_write_atomic(const char *path, const void *data, size_t n);

/* Paths; results are malloc'd. */
char *path_join(const char *dir, const char *rel);
char *path_dirname(const char *path);
bool path_is_dir(const char *path);
bool path_is_file(const char *path);
/* Canonical absolute path (realpath), or NULL with errno set. */
char *path_real(const char *path);
/* True when the canonical `path` lies inside the canonical directory `root`. */
bool path_is_inside(const char *path, const char *root);
/* The directory holding the running executable, or NULL. */
char *path_exe_dir(void);

/* UTF-8: returns the byte offset of the first invalid sequence, NUL byte or Unicode
 * noncharacter (U+FDD0..U+FDEF, U+xFFFE and U+xFFFF in every plane), or -1 if clean. */
long utf8_find_invalid(const char *s, size_t n);
bool utf8_is_noncharacter(uint32_t cp);
/* Like utf8_find_invalid, and also C0 control characters other than TAB, LF and CR:
 * what a text of the book may not hold. *cp gets the code point found there
 * (UINT32_MAX for a malformed sequence, 0 for NUL and when clean). */
long text_find_invalid(const char *s, size_t n, uint32_t *cp);
/* What is wrong with code point `cp` as text_find_invalid found it: "invalid UTF-8",
 * "NUL byte", "control character U+0001", "Unicode noncharacter U+FFFE". May use tmp. */
const char *text_problem(uint32_t cp, char *tmp, size_t tmp_len);

/* SOURCE_DATE_EPOCH read: 1 with *out set when it is a number of seconds from 0 to
 * 253402300799 (9999-12-31T23:59:59Z), 0 when unset or empty, -1 when it is anything
 * else (the loader reports that: book_timestamp). */
int source_date_epoch(int64_t *out);
/* SOURCE_DATE_EPOCH when valid, else the current time. The loader reads the build time
 * once into model_book.timestamp and writers take it from there; this is for callers
 * without a book (it never fails). */
int64_t build_timestamp(bool *from_env);

/* Seconds on a monotonic clock, for timing stages. */
double monotonic_seconds(void);

#endif
