/* util: allocation, buffers, arena, files and paths. */
#include "util.h"

#include <errno.h>
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

void buf_vprintf(buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_put_xml(buf *b, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        default: break;
        }
        if (rep) {
            buf_put(b, s + start, i - start);
            buf_puts(b, rep);
            start = i + 1;
        }
    }
    buf_put(b, s + start, n - start);
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

struct arena {
    arena_block *head;
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
    free(a);
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
    buf b;
    buf_init(&b);
    buf_reserve(&b, (size_t)st.st_size);
    for (;;) {
        buf_reserve(&b, 65536);
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

int atomic_open(atomic_file *af, const char *path) {
    af->path = xstrdup(path);
    char *dir = path_dirname(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    af->tmp_path = xasprintf("%s/.%s.tmp-XXXXXX", dir, base);
    free(dir);
    af->fd = mkstemp(af->tmp_path);
    if (af->fd < 0) {
        int e = errno;
        free(af->path), free(af->tmp_path);
        af->path = af->tmp_path = NULL;
        errno = e;
        return -1;
    }
    fchmod(af->fd, 0644);
    atomic_track(af->tmp_path, true);
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

long utf8_find_invalid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c == 0) return (long)i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
        else return (long)i;
        if (i + len > n) return (long)i;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return (long)i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += len;
    }
    return -1;
}

int64_t build_timestamp(bool *from_env) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno == 0 && *end == '\0' && v >= 0) {
            if (from_env) *from_env = true;
            return (int64_t)v;
        }
    }
    if (from_env) *from_env = false;
    return (int64_t)time(NULL);
}
