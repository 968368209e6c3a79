/* pdfupdate: edits as an incremental update: the changed and new objects, an xref section
 * and a trailer appended to the file, so finishing costs what the edits cost. */
#include "print/pdfupdate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "base/util.h"

typedef struct raw_stream {
    int id;
    char *dict;             /* unparsed, without /Length */
    unsigned char *data;
    size_t len;
} raw_stream;

struct pdfupdate {
    int size;               /* the trailer's /Size at begin: objects 1 .. size-1 existed */
    int next;               /* the next number to try for a new object */
    int *changed;           /* numbers of changed objects below size, in any order, repeats allowed */
    int n_changed, cap_changed;
    raw_stream *streams;
    int n_streams, cap_streams;
};

static int trailer_size(qpdf_data q)
{
    qpdf_oh tr = qpdf_get_trailer(q);
    qpdf_oh sz = qpdf_oh_get_key(q, tr, "/Size");
    int n = qpdf_oh_is_integer(q, sz) ? qpdf_oh_get_int_value_as_int(q, sz) : 0;
    qpdf_oh_release(q, sz);
    qpdf_oh_release(q, tr);
    return n > 0 && n < (1 << 23) ? n : 1;   /* PDF's object numbers stop at 8,388,607 */
}

pdfupdate *pdfupdate_begin(qpdf_data q)
{
    pdfupdate *u = xcalloc(1, sizeof *u);
    u->size = u->next = trailer_size(q);
    return u;
}

void pdfupdate_free(pdfupdate *u)
{
    if (!u)
        return;
    for (int i = 0; i < u->n_streams; i++) {
        free(u->streams[i].dict);
        free(u->streams[i].data);
    }
    free(u->streams);
    free(u->changed);
    free(u);
}

void pdfupdate_changed(pdfupdate *u, qpdf_data q, qpdf_oh obj)
{
    if (!qpdf_oh_is_indirect(q, obj))
        return;
    int id = qpdf_oh_get_object_id(q, obj);
    if (id <= 0 || id >= u->size)
        return;   /* a new object is written anyway */
    if (u->n_changed == u->cap_changed) {
        u->cap_changed = u->cap_changed ? 2 * u->cap_changed : 64;
        u->changed = xrealloc(u->changed, (size_t)u->cap_changed * sizeof *u->changed);
    }
    u->changed[u->n_changed++] = id;
}

static bool number_taken(qpdf_data q, int id)
{
    qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
    bool taken = !qpdf_oh_is_null(q, h);
    qpdf_oh_release(q, h);
    return taken;
}

/* The next unused number (libqpdf may have handed some out itself). */
static int take_number(pdfupdate *u, qpdf_data q)
{
    while (number_taken(q, u->next))
        u->next++;
    return u->next++;
}

qpdf_oh pdfupdate_new_object(pdfupdate *u, qpdf_data q, qpdf_oh value)
{
    int id = take_number(u, q);
    qpdf_replace_object(q, id, 0, value);
    return qpdf_get_object_by_id(q, id, 0);
}

qpdf_oh pdfupdate_new_stream(pdfupdate *u, qpdf_data q, qpdf_oh dict, const void *data, size_t len)
{
    if (u->n_streams == u->cap_streams) {
        u->cap_streams = u->cap_streams ? 2 * u->cap_streams : 4;
        u->streams = xrealloc(u->streams, (size_t)u->cap_streams * sizeof *u->streams);
    }
    raw_stream *st = &u->streams[u->n_streams++];
    st->dict = xstrdup(qpdf_oh_unparse_resolved(q, dict));
    st->data = xmalloc(len ? len : 1);
    memcpy(st->data, data, len);
    st->len = len;
    /* libqpdf holds the dictionary in its place, so the number is taken and references resolve. */
    st->id = take_number(u, q);
    qpdf_replace_object(q, st->id, 0, dict);
    return qpdf_get_object_by_id(q, st->id, 0);
}

static const raw_stream *raw_stream_of(const pdfupdate *u, int id)
{
    for (int i = 0; i < u->n_streams; i++)
        if (u->streams[i].id == id)
            return &u->streams[i];
    return NULL;
}

/*** writing ***/

typedef struct xref_entry {
    int id, gen;
    long long offset;
} xref_entry;

typedef struct update {
    buf body;                  /* the objects, then the xref section */
    long long base;            /* file offset of body.data[0] */
    xref_entry *xref;
    int n_xref, cap_xref;
} update;

static void new_entry(update *up, int id, int gen);

/* Appends object `id` as it now stands; false after a libqpdf error. */
static bool put_object(update *up, qpdf_data q, qpdf_oh h, int id)
{
    int gen = qpdf_oh_get_generation(q, h);
    new_entry(up, id, gen);
    buf_printf(&up->body, "%d %d obj\n", id, gen);
    if (!qpdf_oh_is_stream(q, h)) {
        buf_puts(&up->body, qpdf_oh_unparse_resolved(q, h));
        buf_puts(&up->body, "\nendobj\n");
        return !qpdf_has_error(q);
    }
    /* As stored (no decoding), with a direct /Length of what is written. */
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(q, h, qpdf_dl_none, NULL, &data, &len) != QPDF_SUCCESS)
        return false;
    qpdf_oh dict = qpdf_oh_get_dict(q, h);
    qpdf_oh n = qpdf_oh_new_integer(q, (long long)len);
    qpdf_oh_replace_key(q, dict, "/Length", n);
    buf_puts(&up->body, qpdf_oh_unparse_resolved(q, dict));
    buf_puts(&up->body, "\nstream\n");
    buf_put(&up->body, data, len);
    buf_puts(&up->body, "\nendstream\nendobj\n");
    qpdf_oh_release(q, n);
    qpdf_oh_release(q, dict);
    free(data);
    return !qpdf_has_error(q);
}

static void new_entry(update *up, int id, int gen)
{
    if (up->n_xref == up->cap_xref) {
        up->cap_xref = up->cap_xref ? 2 * up->cap_xref : 64;
        up->xref = xrealloc(up->xref, (size_t)up->cap_xref * sizeof *up->xref);
    }
    up->xref[up->n_xref++] = (xref_entry){id, gen, up->base + (long long)up->body.len};
}

static void put_raw_stream(update *up, const raw_stream *st)
{
    new_entry(up, st->id, 0);
    size_t n = strlen(st->dict);
    /* The dictionary's closing ">>" gets the /Length first. */
    if (n >= 2 && strcmp(st->dict + n - 2, ">>") == 0)
        n -= 2;
    buf_printf(&up->body, "%d 0 obj\n", st->id);
    buf_put(&up->body, st->dict, n);
    buf_printf(&up->body, " /Length %zu >>\nstream\n", st->len);
    buf_put(&up->body, st->data, st->len);
    buf_puts(&up->body, "\nendstream\nendobj\n");
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The changed objects, then the new ones, in number order. Returns the new /Size, or -1
 * after a libqpdf error. */
static int put_changes(update *up, pdfupdate *u, qpdf_data q)
{
    qsort(u->changed, (size_t)u->n_changed, sizeof *u->changed, cmp_int);
    bool ok = true;
    for (int i = 0; i < u->n_changed && ok; i++) {
        if (i > 0 && u->changed[i] == u->changed[i - 1])
            continue;
        qpdf_oh h = qpdf_get_object_by_id(q, u->changed[i], 0);
        ok = qpdf_oh_is_null(q, h) || put_object(up, q, h, u->changed[i]);
        qpdf_oh_release(q, h);
    }
    int size = u->size;
    /* New objects: ours, and any libqpdf numbered itself, up to the first unused number. */
    for (int id = u->size; ok; id++) {
        const raw_stream *st = raw_stream_of(u, id);
        qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
        bool exists = st || !qpdf_oh_is_null(q, h);
        if (st)
            put_raw_stream(up, st);
        else if (exists)
            ok = put_object(up, q, h, id);
        qpdf_oh_release(q, h);
        if (!exists && id >= u->next)
            break;
        if (exists)
            size = id + 1;
    }
    return ok && !qpdf_has_error(q) ? size : -1;
}

/* The xref section: one subsection per run of consecutive object numbers. */
static void put_xref(update *up)
{
    buf_puts(&up->body, "xref\n");
    for (int i = 0; i < up->n_xref;) {
        int j = i + 1;
        while (j < up->n_xref && up->xref[j].id == up->xref[j - 1].id + 1)
            j++;
        buf_printf(&up->body, "%d %d\n", up->xref[i].id, j - i);
        for (; i < j; i++)
            buf_printf(&up->body, "%010lld %05d n \n", up->xref[i].offset, up->xref[i].gen);
    }
}

/* The offset after the last "startxref" in the file's tail, or -1. */
static long long last_startxref(const char *tail, size_t n)
{
    static const char key[] = "startxref";
    const char *found = NULL;
    for (const char *p = tail; p + sizeof key - 1 <= tail + n; p++)
        if (memcmp(p, key, sizeof key - 1) == 0)
            found = p;
    if (!found)
        return -1;
    const char *p = found + sizeof key - 1, *end = tail + n;
    while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
        p++;
    long long v = 0;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9' && v < (1LL << 50))
        v = v * 10 + (*p++ - '0');
    return p > digits ? v : -1;
}

static bool write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Copies in to out through the checksum; the file's last bytes go to tail. Returns the
 * bytes copied, or -1 with errno set. */
static long long copy_file(int in, int out, GChecksum *ck, char *tail, size_t tail_cap, size_t *tail_len)
{
    enum { CHUNK = 1 << 18 };
    char *chunk = xmalloc(CHUNK);
    long long total = 0;
    *tail_len = 0;
    for (;;) {
        ssize_t r = read(in, chunk, CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || (r > 0 && !write_all(out, chunk, (size_t)r))) {
            free(chunk);
            return -1;
        }
        if (r == 0)
            break;
        g_checksum_update(ck, (const guchar *)chunk, r);
        total += r;
        /* Keep the last tail_cap bytes seen. */
        size_t add = (size_t)r < tail_cap ? (size_t)r : tail_cap;
        size_t keep = *tail_len < tail_cap - add ? *tail_len : tail_cap - add;
        memmove(tail, tail + *tail_len - keep, keep);
        memcpy(tail + keep, chunk + r - add, add);
        *tail_len = keep + add;
    }
    free(chunk);
    return total;
}

static void md5(const void *data, size_t n, guint8 out[16])
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(ck, data, (gssize)n);
    gsize len = 16;
    g_checksum_get_digest(ck, out, &len);
    g_checksum_free(ck);
}

static void put_hex(buf *b, const guint8 *d, size_t n)
{
    buf_putc(b, '<');
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%02x", d[i]);
    buf_putc(b, '>');
}

/* The trailer dictionary's entry `key` unparsed ("12 0 R"), or NULL when absent. */
static char *trailer_ref(qpdf_data q, const char *key)
{
    qpdf_oh tr = qpdf_get_trailer(q);
    qpdf_oh v = qpdf_oh_get_key(q, tr, key);
    char *s = qpdf_oh_is_null(q, v) ? NULL : xstrdup(qpdf_oh_unparse(q, v));
    qpdf_oh_release(q, v);
    qpdf_oh_release(q, tr);
    return s;
}

static void put_trailer(buf *b, qpdf_data q, int size, long long prev, const guint8 id0[16], const guint8 id1[16],
                        long long xref_at)
{
    char *root = trailer_ref(q, "/Root"), *info = trailer_ref(q, "/Info");
    buf_printf(b, "trailer\n<< /Size %d", size);
    if (root)
        buf_printf(b, " /Root %s", root);
    if (info)
        buf_printf(b, " /Info %s", info);
    buf_puts(b, " /ID [");
    put_hex(b, id0, 16);
    put_hex(b, id1, 16);
    buf_printf(b, "] /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n", prev, xref_at);
    free(root);
    free(info);
}

static int fail(diag *d, const char *shown, const char *what, const char *detail)
{
    diag_error(d, shown, 0, 0, "%s: %s", what, detail);
    return QUIRE_EIO;
}

int pdfupdate_write(pdfupdate *u, qpdf_data q, const char *in_path, const char *out_path, const char *id_seed,
                    const char *shown, diag *d)
{
    update up = {0};
    buf_init(&up.body);
    buf trailer;
    buf_init(&trailer);
    GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
    int rc = QUIRE_EIO, in = open(in_path, O_RDONLY | O_CLOEXEC);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    char tail[2048];
    size_t tail_len = 0;
    long long copied = -1, prev = -1;
    if (in < 0 || out < 0) {
        rc = fail(d, shown, "cannot write PDF", strerror(errno));
        goto done;
    }
    copied = copy_file(in, out, ck, tail, sizeof tail, &tail_len);
    if (copied < 0) {
        rc = fail(d, shown, "cannot write PDF", strerror(errno));
        goto done;
    }
    prev = last_startxref(tail, tail_len);
    if (prev < 0 || prev >= copied) {
        rc = fail(d, shown, "cannot update PDF", "no cross-reference offset at its end");
        goto done;
    }
    /* The update starts on a line of its own. */
    if (tail_len && tail[tail_len - 1] != '\n' && tail[tail_len - 1] != '\r')
        buf_putc(&up.body, '\n');
    up.base = copied;
    int size = put_changes(&up, u, q);
    if (size < 0) {
        const char *detail = qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : "libqpdf failed";
        rc = fail(d, shown, "cannot update PDF", detail);
        goto done;
    }
    long long xref_at = up.base + (long long)up.body.len;
    put_xref(&up);
    g_checksum_update(ck, (const guchar *)up.body.data, (gssize)up.body.len);
    guint8 id0[16], id1[16];
    gsize n = sizeof id1;
    g_checksum_get_digest(ck, id1, &n);
    if (id_seed)
        md5(id_seed, strlen(id_seed), id0);
    else
        memcpy(id0, id1, sizeof id0);
    put_trailer(&trailer, q, size, prev, id0, id1, xref_at);
    if (!write_all(out, up.body.data, up.body.len) || !write_all(out, trailer.data, trailer.len)) {
        rc = fail(d, shown, "cannot write PDF", strerror(errno ? errno : EIO));
        goto done;
    }
    rc = QUIRE_OK;
done:
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0 && rc == QUIRE_OK)
        rc = fail(d, shown, "cannot write PDF", strerror(errno));
    if (rc != QUIRE_OK && out >= 0)
        unlink(out_path);
    g_checksum_free(ck);
    buf_free(&up.body);
    buf_free(&trailer);
    free(up.xref);
    return rc;
}
