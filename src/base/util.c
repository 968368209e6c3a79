/* util: allocation, buffers, arena, files and paths. */
#include "base/util.h"


#include <errno.h>
#ifdef __GLIBC__ /* set by errno.h */
#include <malloc.h>
#endif
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n) {
    fprintf(stderr, "quire: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t count, size_t n) {
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p) oom(count * n);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
    char *p = xmalloc(n + 1);
    if (n) memcpy(p, s, n); /* s may be NULL when n is 0 (an empty buf) */
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...) {
    buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b, NULL);
}

/*** buf ***/

void buf_init(buf *b) { b->data = NULL, b->len = 0, b->cap = 0; }

void buf_free(buf *b) {
    free(b->data);
    buf_init(b);
}

void buf_reserve(buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    b->data[b->len] = '\0';
}

void buf_put(buf *b, const void *data, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_putc(buf *b, char c) { buf_put(b, &c, 1); }

/* Formats into the room the buffer has, and only when that is too little measures and
 * formats again: most calls format once (the finishing pass makes tens of thousands). */
void buf_vprintf(buf *b, const char *fmt, va_list ap) {
    buf_reserve(b, 64);
    size_t room = b->cap - b->len;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *buf_detach(buf *b, size_t *len) {
    if (!b->data) buf_reserve(b, 0);
    char *d = b->data;
    if (len) *len = b->len;
    buf_init(b);
    return d;
}

/*** arena ***/

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} arena_block;

typedef struct arena_owned {
    struct arena_owned *next;
    void *p;
} arena_owned;

struct arena {
    arena_block *head;
    arena_owned *owned;
};

arena *arena_new(void) { return xcalloc(1, sizeof(arena)); }

void arena_free(arena *a) {
    if (!a) return;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    while (a->owned) {
        arena_owned *o = a->owned;
        a->owned = o->next;
        free(o->p);
        free(o);
    }
    free(a);
}

void *arena_adopt(arena *a, void *p) {
    if (!p) return p;
    arena_owned *o = xmalloc(sizeof *o);
    o->p = p;
    o->next = a->owned;
    a->owned = o;
    return p;
}

void *arena_alloc(arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 32768 ? n : 32768;
        b = xmalloc(sizeof(arena_block) + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

char *arena_printf(arena *a, const char *fmt, ...) {
    buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *p = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return p;
}

/*** files ***/

void mem_give_back(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int file_read(const char *path, size_t max_bytes, char **data, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block the open */
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) goto fail;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto fail;
    }
    if ((size_t)st.st_size > max_bytes) {
        errno = EFBIG;
        goto fail;
    }
    /* Exactly the file's size, a byte to see the end by and the NUL: font files and images
     * stay in memory for the whole build, and a doubled buffer would hold a third more. */
    buf b;
    buf_init(&b);
    b.cap = (size_t)st.st_size + 2;
    b.data = xmalloc(b.cap);
    for (;;) {
        if (b.cap - b.len - 1 == 0) buf_reserve(&b, 65536);
        ssize_t r = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            buf_free(&b);
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        b.len += (size_t)r;
        if (b.len > max_bytes) {
            buf_free(&b);
            close(fd);
            errno = EFBIG;
            return -1;
        }
    }
    b.data[b.len] = '\0';
    close(fd);
    *data = buf_detach(&b, len);
    return 0;
fail : {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}
}

/* Temporary files in flight, so a signal handler can unlink them. */
#define ATOMIC_MAX_OPEN 16
/* Lock-free slots: the writers run on two threads, and a signal handler may read
 * the table at any moment. */
static _Atomic(char *) atomic_open_paths[ATOMIC_MAX_OPEN];

static void atomic_track(char *tmp, bool add) {
    for (int i = 0; i < ATOMIC_MAX_OPEN; i++) {
        char *expected = add ? NULL : tmp;
        if (atomic_compare_exchange_strong(&atomic_open_paths[i], &expected, add ? tmp : NULL)) return;
    }
}

void atomic_abort_all_signal_safe(void) {
    for (int i = 0; i < ATOMIC_MAX_OPEN; i++) {
        char *p = atomic_load(&atomic_open_paths[i]);
        if (p) unlink(p);
    }
}

/* Every signal whose default action ends the process and that a handler may catch:
 * each one first removes the temporary files, then ends the process as it would
 * have. A SIGHUP that nohup set to be ignored stays ignored (a shell also ignores
 * SIGINT in its background jobs, but `kill -INT` should still stop a build). Under the
 * sanitizers the synchronous faults are left to their reports. */
static void cleanup_then_die(int sig) {
    atomic_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig); /* blocked until the handler returns, then fatal */
}

#if defined(__SANITIZE_ADDRESS__)
#define QUIRE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define QUIRE_SANITIZED 1
#endif
#endif

void atomic_cleanup_on_signals(void) {
    static const int asynchronous[] = {SIGHUP,  SIGINT,    SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
                                       SIGTERM, SIGSTKFLT, SIGXCPU, SIGVTALRM, SIGPROF, SIGIO,  SIGPWR};
    static const int synchronous[] = {SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cleanup_then_die;
    sigemptyset(&sa.sa_mask);
    int sigs[64], n = 0;
    for (size_t i = 0; i < sizeof asynchronous / sizeof *asynchronous; i++) sigs[n++] = asynchronous[i];
#ifndef QUIRE_SANITIZED
    for (size_t i = 0; i < sizeof synchronous / sizeof *synchronous; i++) sigs[n++] = synchronous[i];
#else
    (void)synchronous;
#endif
    for (int i = 0; i < n; i++) {
        struct sigaction old;
        if (sigs[i] == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) {
        struct sigaction old;
        if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL) sigaction(sig, &sa, NULL);
    }
}

/* The umask can only be read by setting it: done once before main, while the process
 * has a single thread, so no file another thread creates meanwhile gets a wrong mode. */
static mode_t process_umask = 022;

__attribute__((constructor)) static void read_umask(void) {
    process_umask = umask(077);
    umask(process_umask);
}

int atomic_open(atomic_file *af, const char *path) {
    af->path = xstrdup(path);
    char *dir = path_dirname(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    af->tmp_path = xasprintf("%s/.%s.tmp-XXXXXX", dir, base);
    free(dir);
    /* tracked before the file exists: a signal right after mkstemp made it still finds it
     * (before, the handler sees the template or a name being filled in, which no file has) */
    atomic_track(af->tmp_path, true);
    af->fd = mkstemp(af->tmp_path);
    if (af->fd < 0) {
        int e = errno;
        atomic_track(af->tmp_path, false);
        free(af->path), free(af->tmp_path);
        af->path = af->tmp_path = NULL;
        errno = e;
        return -1;
    }
    fchmod(af->fd, 0666 & ~process_umask);
    return 0;
}

int atomic_write(atomic_file *af, const void *data, size_t n) {
    const unsigned char *p = data;
    while (n) {
        ssize_t w = write(af->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int atomic_commit(atomic_file *af) {
    int rc = 0;
    if (fsync(af->fd) != 0 && errno != EINVAL) rc = -1;
    if (close(af->fd) != 0) rc = -1;
    af->fd = -1;
    if (rc == 0 && rename(af->tmp_path, af->path) != 0) rc = -1;
    int e = errno;
    if (rc != 0) unlink(af->tmp_path);
    atomic_track(af->tmp_path, false);
    free(af->tmp_path), free(af->path);
    af->tmp_path = af->path = NULL;
    errno = e;
    return rc;
}

void atomic_abort(atomic_file *af) {
    if (!af->tmp_path) return;
    if (af->fd >= 0) close(af->fd);
    unlink(af->tmp_path);
    atomic_track(af->tmp_path, false);
    free(af->tmp_path), free(af->path);
    af->tmp_path = af->path = NULL;
    af->fd = -1;
}

int file_write_atomic(const char *path, const void *data, size_t n) {
    atomic_file af;
    if (atomic_open(&af, path) != 0) return -1;
    if (atomic_write(&af, data, n) != 0) {
        int e = errno;
        atomic_abort(&af);
        errno = e;
        return -1;
    }
    return atomic_commit(&af);
}

/*** paths ***/

char *path_join(const char *dir, const char *rel) {
    if (!dir || !*dir || rel[0] == '/') return xstrdup(rel);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

char *path_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

bool path_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *path_real(const char *path) { return realpath(path, NULL); }

bool path_is_inside(const char *path, const char *root) {
    size_t n = strlen(root);
    if (strncmp(path, root, n) != 0) return false;
    if (n > 0 && root[n - 1] == '/') return true;
    return path[n] == '/' || path[n] == '\0';
}

char *path_exe_dir(void) {
    char tmp[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", tmp, sizeof tmp - 1);
    if (n <= 0) return NULL;
    tmp[n] = '\0';
    return path_dirname(tmp);
}

/*** text ***/

/* The code point at s[i] (a sequence utf8_find_invalid accepted or rejected) and its
 * length; *cp is UINT32_MAX and *len 1 for a malformed sequence. */
static void utf8_decode_at(const unsigned char *p, size_t n, size_t i, uint32_t *cp_out, size_t *len_out) {
    unsigned char c = p[i];
    *cp_out = UINT32_MAX, *len_out = 1;
    if (c < 0x80) {
        *cp_out = c;
        return;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return;
    if (i + len > n) return;
    for (size_t k = 1; k < len; k++) {
        if ((p[i + k] & 0xC0) != 0x80) return;
        cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return;
    *cp_out = cp, *len_out = len;
}

bool utf8_is_noncharacter(uint32_t cp) {
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || ((cp & 0xFFFE) == 0xFFFE && cp <= 0x10FFFF);
}

/* First offset at which `bad` holds, or -1; *cp gets the code point there (UINT32_MAX: malformed). */
static long utf8_scan(const char *s, size_t n, bool controls, uint32_t *cp_out) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len;
        if (p[i] >= 0x20 && p[i] < 0x80) {
            i++;
            continue;
        }
        utf8_decode_at(p, n, i, &cp, &len);
        bool bad = cp == UINT32_MAX || cp == 0 || utf8_is_noncharacter(cp) ||
                   (controls && cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r');
        if (bad) {
            if (cp_out) *cp_out = cp;
            return (long)i;
        }
        i += len;
    }
    if (cp_out) *cp_out = 0;
    return -1;
}

long utf8_find_invalid(const char *s, size_t n) { return utf8_scan(s, n, false, NULL); }

long text_find_invalid(const char *s, size_t n, uint32_t *cp) { return utf8_scan(s, n, true, cp); }

const char *text_problem(uint32_t cp, char *tmp, size_t tmp_len) {
    if (cp == UINT32_MAX) return "invalid UTF-8";
    if (cp == 0) return "NUL byte";
    if (utf8_is_noncharacter(cp)) snprintf(tmp, tmp_len, "Unicode noncharacter U+%04X", (unsigned)cp);
    else snprintf(tmp, tmp_len, "control character U+%04X", (unsigned)cp);
    return tmp;
}

/*** time ***/

#define TIMESTAMP_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

int source_date_epoch(int64_t *out) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return 0;
    if (*s < '0' || *s > '9') return -1; /* no sign, no blanks */
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0 || v > TIMESTAMP_MAX) return -1;
    *out = (int64_t)v;
    return 1;
}

int64_t build_timestamp(bool *from_env) {
    int64_t v;
    if (source_date_epoch(&v) == 1) {
        if (from_env) *from_env = true;
        return v;
    }
    if (from_env) *from_env = false;
    return (int64_t)time(NULL);
}

double monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
