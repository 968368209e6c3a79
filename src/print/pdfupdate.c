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
#include "print/pdfpack.h"

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
    char *src;              /* the file's bytes, or NULL */
    size_t src_len;
    pdfpack_xref x;         /* its cross-reference table, when it is one the rewrite reads */
    bool have_x;
    char **text;            /* by object number: a reserved object's text, or NULL */
    size_t *text_len;
    int cap_text;
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

pdfupdate *pdfupdate_begin(qpdf_data q, const char *in_path)
{
    pdfupdate *u = xcalloc(1, sizeof *u);
    u->size = u->next = trailer_size(q);
    if (file_read(in_path, (size_t)1 << 34, &u->src, &u->src_len) == 0)
        u->have_x = pdfpack_read_xref(u->src, u->src_len, &u->x);
    return u;
}

const char *pdfupdate_source_text(const pdfupdate *u, int id, size_t *len)
{
    const char *body;
    bool is_stream;
    if (!u->have_x || !pdfpack_object_at(u->src, &u->x, id, &body, len, &is_stream) || is_stream)
        return NULL;
    return body;
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
    free(u->src);
    pdfpack_xref_free(&u->x);
    for (int i = 0; i < u->cap_text; i++)
        free(u->text[i]);
    free(u->text);
    free(u->text_len);
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

/* Room for the texts of objects 0 .. n-1. */
static void text_room(pdfupdate *u, int n)
{
    if (n <= u->cap_text)
        return;
    int cap = u->cap_text ? u->cap_text : 1024;
    while (cap < n)
        cap *= 2;
    u->text = xrealloc(u->text, (size_t)cap * sizeof *u->text);
    u->text_len = xrealloc(u->text_len, (size_t)cap * sizeof *u->text_len);
    for (int i = u->cap_text; i < cap; i++)
        u->text[i] = NULL, u->text_len[i] = 0;
    u->cap_text = cap;
}

int pdfupdate_reserve(pdfupdate *u, qpdf_data q, int n)
{
    int first = take_number(u, q);
    if (n <= 0)
        return first;
    /* None of the block may be libqpdf's already; its last number is taken in libqpdf
     * too, so that numbers libqpdf picks itself come after the block. */
    for (int id = first + 1; id < first + n; id++)
        if (number_taken(q, id)) {
            u->next = id + 1;
            first = take_number(u, q);
            id = first;
        }
    qpdf_oh zero = qpdf_oh_new_integer(q, 0);
    qpdf_replace_object(q, first + n - 1, 0, zero);
    qpdf_oh_release(q, zero);
    u->next = first + n;
    text_room(u, first + n);
    return first;
}

void pdfupdate_set_text(pdfupdate *u, int id, const char *text, size_t len)
{
    if (id <= 0 || id >= u->cap_text)
        return;
    free(u->text[id]);
    u->text[id] = xmalloc(len + 1);
    memcpy(u->text[id], text, len);
    u->text[id][len] = 0;
    u->text_len[id] = len;
}

void pdfupdate_replace_text(pdfupdate *u, int id, const char *text, size_t len)
{
    if (id <= 0 || id >= u->size)
        return;
    text_room(u, id + 1);
    pdfupdate_set_text(u, id, text, len);
    if (u->n_changed == u->cap_changed) {
        u->cap_changed = u->cap_changed ? 2 * u->cap_changed : 64;
        u->changed = xrealloc(u->changed, (size_t)u->cap_changed * sizeof *u->changed);
    }
    u->changed[u->n_changed++] = id;
}

qpdf_oh pdfupdate_ref(qpdf_data q, int id)
{
    /* libqpdf holds a placeholder under a reserved number, so the reference resolves; the
     * object's text replaces it when the file is written. */
    if (!number_taken(q, id)) {
        qpdf_oh zero = qpdf_oh_new_integer(q, 0);
        qpdf_replace_object(q, id, 0, zero);
        qpdf_oh_release(q, zero);
    }
    return qpdf_get_object_by_id(q, id, 0);
}

static const char *text_of(const pdfupdate *u, int id, size_t *len)
{
    if (id <= 0 || id >= u->cap_text || !u->text[id])
        return NULL;
    *len = u->text_len[id];
    return u->text[id];
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
        size_t tlen = 0;
        const char *text = text_of(u, u->changed[i], &tlen);
        if (text) {
            new_entry(up, u->changed[i], 0);
            buf_printf(&up->body, "%d 0 obj\n", u->changed[i]);
            buf_put(&up->body, text, tlen);
            buf_puts(&up->body, "\nendobj\n");
            continue;
        }
        qpdf_oh h = qpdf_get_object_by_id(q, u->changed[i], 0);
        ok = qpdf_oh_is_null(q, h) || put_object(up, q, h, u->changed[i]);
        qpdf_oh_release(q, h);
    }
    int size = u->size;
    /* New objects: ours, and any libqpdf numbered itself, up to the first unused number. */
    for (int id = u->size; ok; id++) {
        const raw_stream *st = raw_stream_of(u, id);
        size_t tlen = 0;
        const char *text = text_of(u, id, &tlen);
        qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
        bool exists = st || text || !qpdf_oh_is_null(q, h);
        if (text) {
            new_entry(up, id, 0);
            buf_printf(&up->body, "%d 0 obj\n", id);
            buf_put(&up->body, text, tlen);
            buf_puts(&up->body, "\nendobj\n");
        } else if (st)
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

static void put_trailer(buf *b, qpdf_data q, int size, long long prev, const guint8 file_md5[16],
                        const char *id_seed, long long xref_at)
{
    char *root = trailer_ref(q, "/Root"), *info = trailer_ref(q, "/Info");
    buf_printf(b, "trailer\n<< /Size %d", size);
    if (root)
        buf_printf(b, " /Root %s", root);
    if (info)
        buf_printf(b, " /Info %s", info);
    buf_putc(b, ' ');
    pdfpack_put_id(b, file_md5, id_seed);
    buf_printf(b, " /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n", prev, xref_at);
    free(root);
    free(info);
}

static int fail(diag *d, const char *shown, const char *what, const char *detail)
{
    diag_error(d, shown, 0, 0, "%s: %s", what, detail);
    return QUIRE_EIO;
}

/*** the compact rewrite ***/

/* How each object of the result is written. */
typedef enum obj_kind { OBJ_NONE, OBJ_TEXT, OBJ_VERBATIM, OBJ_EDITED, OBJ_EDITED_STREAM, OBJ_RAW_STREAM } obj_kind;

typedef struct obj_plan {
    obj_kind kind;
    const char *body;        /* OBJ_TEXT, OBJ_VERBATIM: cairo's bytes */
    size_t len;
    char *text;              /* what references are read from (and, edited, what is written); owned */
    unsigned char *data;     /* OBJ_EDITED_STREAM: the data as stored; owned */
    size_t data_len;
    const raw_stream *raw;
    bool reached;
} obj_plan;

typedef struct plan {
    obj_plan *objs;
    int n;
    int *stack;
    int n_stack;
} plan;

static bool is_delim(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\0' || c == '(' || c == ')' ||
           c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* Every "N G R" in text marks object N as reached. Text inside strings is read too: that
 * can only keep an object that is not needed, never drop one that is. */
static void reach_refs(plan *pl, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != 'R' || (i + 1 < len && !is_delim(text[i + 1])))
            continue;
        size_t j = i;
        int fields = 0;
        long long id = 0;
        while (fields < 2) {
            size_t ws = j;
            while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '\n' || text[j - 1] == '\r' || text[j - 1] == '\t'))
                j--;
            size_t dig_end = j;
            while (j > 0 && text[j - 1] >= '0' && text[j - 1] <= '9' && dig_end - j < 9)
                j--;
            if (j == dig_end || j == ws || (j > 0 && !is_delim(text[j - 1])))
                break;
            if (++fields == 2)
                for (size_t k = j; k < dig_end; k++)
                    id = id * 10 + (text[k] - '0');
        }
        if (fields == 2 && id > 0 && id < pl->n && !pl->objs[id].reached && pl->objs[id].kind != OBJ_NONE) {
            pl->objs[id].reached = true;
            pl->stack[pl->n_stack++] = (int)id;
        }
    }
}

/* Marks what the trailer's /Root and /Info lead to. */
static void reach_all(plan *pl, const char *trailer)
{
    pl->stack = xmalloc((size_t)pl->n * sizeof *pl->stack);
    pl->n_stack = 0;
    reach_refs(pl, trailer, strlen(trailer));
    while (pl->n_stack > 0) {
        const obj_plan *o = &pl->objs[pl->stack[--pl->n_stack]];
        if (o->text)
            reach_refs(pl, o->text, strlen(o->text));
        else
            reach_refs(pl, o->body, o->len);
    }
    free(pl->stack);
    pl->stack = NULL;
}

/* A stream's dictionary unparsed, its /Length left out (the writer puts the true one). */
static char *stream_dict_text(qpdf_data q, qpdf_oh h)
{
    qpdf_oh dict = qpdf_oh_get_dict(q, h);
    qpdf_oh_remove_key(q, dict, "/Length");
    char *s = xstrdup(qpdf_oh_unparse_resolved(q, dict));
    qpdf_oh_release(q, dict);
    return s;
}

/* An object libqpdf holds (edited or new) as the plan's entry; false after a libqpdf error. */
static bool plan_edited(obj_plan *o, qpdf_data q, qpdf_oh h)
{
    if (!qpdf_oh_is_stream(q, h)) {
        o->kind = OBJ_EDITED;
        o->text = xstrdup(qpdf_oh_unparse_resolved(q, h));
        return !qpdf_has_error(q);
    }
    if (qpdf_oh_get_stream_data(q, h, qpdf_dl_none, NULL, &o->data, &o->data_len) != QPDF_SUCCESS)
        return false;
    o->kind = OBJ_EDITED_STREAM;
    o->text = stream_dict_text(q, h);
    return !qpdf_has_error(q);
}

/* A stream cairo left uncompressed (its pages and forms, see pdf_process_init) as the
 * plan's entry: deflated, with /Filter /FlateDecode. False after a libqpdf error. */
static bool plan_deflated(obj_plan *o, qpdf_data q, qpdf_oh h)
{
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    if (qpdf_oh_get_stream_data(q, h, qpdf_dl_none, NULL, &raw, &raw_len) != QPDF_SUCCESS)
        return false;
    o->kind = OBJ_EDITED_STREAM;
    o->data = pdfpack_deflate(raw, raw_len, &o->data_len);
    free(raw);
    qpdf_oh dict = qpdf_oh_get_dict(q, h), flate = qpdf_oh_new_name(q, "/FlateDecode");
    qpdf_oh_replace_key(q, dict, "/Filter", flate);
    qpdf_oh_release(q, flate);
    qpdf_oh_release(q, dict);
    o->text = stream_dict_text(q, h);
    return !qpdf_has_error(q);
}

/* cairo's object `id`, unedited, as the plan's entry; false when its bytes are not one object. */
static bool plan_cairo(obj_plan *o, qpdf_data q, const char *data, const pdfpack_xref *x, int id)
{
    bool is_stream = false;
    if (!pdfpack_object_at(data, x, id, &o->body, &o->len, &is_stream))
        return false;
    o->kind = is_stream ? OBJ_VERBATIM : OBJ_TEXT;
    if (is_stream) {
        /* References are read from the dictionary only (libqpdf parses just this object). */
        qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
        bool ok = qpdf_oh_is_stream(q, h);
        if (ok) {
            qpdf_oh dict = qpdf_oh_get_dict(q, h), filter = qpdf_oh_get_key(q, dict, "/Filter");
            if (qpdf_oh_is_null(q, filter))
                ok = plan_deflated(o, q, h);
            else
                o->text = xstrdup(qpdf_oh_unparse_resolved(q, dict));
            qpdf_oh_release(q, filter);
            qpdf_oh_release(q, dict);
        }
        qpdf_oh_release(q, h);
        return ok && !qpdf_has_error(q);
    }
    return true;
}

static void plan_free(plan *pl)
{
    for (int i = 0; i < pl->n; i++) {
        free(pl->objs[i].text);
        free(pl->objs[i].data);
    }
    free(pl->objs);
    free(pl->stack);
}

static bool is_changed(const pdfupdate *u, int id)
{
    return bsearch(&id, u->changed, (size_t)u->n_changed, sizeof *u->changed, cmp_int) != NULL;
}

/* What each object of the result is: cairo's objects, edited or not, then the new ones. */
static bool make_plan(plan *pl, pdfupdate *u, qpdf_data q, const char *data, const pdfpack_xref *x)
{
    qsort(u->changed, (size_t)u->n_changed, sizeof *u->changed, cmp_int);
    int n = x->size > u->size ? x->size : u->size;
    while (n < u->next || raw_stream_of(u, n))
        n++;
    pl->n = n + 1;
    pl->objs = xcalloc((size_t)pl->n, sizeof *pl->objs);
    bool ok = true;
    for (int id = 1; id < pl->n && ok; id++) {
        obj_plan *o = &pl->objs[id];
        bool edited = id >= x->size || x->offset[id] < 0 || is_changed(u, id);
        if ((o->body = text_of(u, id, &o->len))) {
            o->kind = OBJ_TEXT;
        } else if ((o->raw = raw_stream_of(u, id))) {
            o->kind = OBJ_RAW_STREAM;
            o->text = xstrdup(o->raw->dict);
        } else if (!edited) {
            ok = plan_cairo(o, q, data, x, id);
        } else {
            qpdf_oh h = qpdf_get_object_by_id(q, id, 0);
            if (!qpdf_oh_is_null(q, h))
                ok = plan_edited(o, q, h);
            qpdf_oh_release(q, h);
        }
    }
    return ok && !qpdf_has_error(q);
}

static void pack_plan(pdfpack *p, const plan *pl)
{
    for (int id = 1; id < pl->n; id++) {
        const obj_plan *o = &pl->objs[id];
        if (!o->reached)
            continue;
        switch (o->kind) {
        case OBJ_TEXT: pdfpack_object(p, id, o->body, o->len); break;
        case OBJ_VERBATIM: pdfpack_verbatim(p, id, o->body, o->len); break;
        case OBJ_EDITED: pdfpack_object(p, id, o->text, strlen(o->text)); break;
        case OBJ_EDITED_STREAM: pdfpack_stream(p, id, o->text, strlen(o->text), o->data, o->data_len); break;
        case OBJ_RAW_STREAM: pdfpack_stream(p, id, o->raw->dict, strlen(o->raw->dict), o->raw->data, o->raw->len); break;
        case OBJ_NONE: break;
        }
    }
}

/* The file's header ("%PDF-1.x" and its binary comment), at least version 1.5 (object
 * streams); malloc'd. */
static char *pack_header(const char *data, const pdfpack_xref *x, size_t *len)
{
    long long first = x->table_at;
    for (int i = 1; i < x->size; i++)
        if (x->offset[i] >= 0 && x->offset[i] < first)
            first = x->offset[i];
    char *h = xmalloc((size_t)first + 1);
    memcpy(h, data, (size_t)first);
    h[first] = 0;
    if (first >= 8 && memcmp(h, "%PDF-1.", 7) == 0 && h[7] >= '0' && h[7] < '5')
        h[7] = '5';
    *len = (size_t)first;
    return h;
}

/* The trailer's /Root and /Info, for the cross-reference stream; malloc'd. */
static char *pack_trailer(qpdf_data q)
{
    char *root = trailer_ref(q, "/Root"), *info = trailer_ref(q, "/Info");
    char *t = xasprintf("/Root %s%s%s", root ? root : "null", info ? " /Info " : "", info ? info : "");
    free(root);
    free(info);
    return t;
}

/* The whole result in memory (cairo's file with the edits in place and nothing unused),
 * or NULL when cairo's file is not one this rewrite can read (the update is appended then). */
static char *compact_file(pdfupdate *u, qpdf_data q, const char *id_seed, size_t *out_len, bool *failed)
{
    *failed = false;
    if (!u->have_x)
        return NULL;
    const char *data = u->src;
    const pdfpack_xref x = u->x;
    plan pl = {0};
    char *out = NULL;
    if (make_plan(&pl, u, q, data, &x)) {
        char *trailer = pack_trailer(q);
        reach_all(&pl, trailer);
        size_t hlen = 0;
        char *header = pack_header(data, &x, &hlen);
        pdfpack *p = pdfpack_new(header, hlen);
        pack_plan(p, &pl);
        out = pdfpack_finish(p, trailer, id_seed, out_len);
        pdfpack_free(p);
        free(header);
        free(trailer);
    } else {
        *failed = qpdf_has_error(q);
    }
    plan_free(&pl);
    return out;
}

/* in_path's bytes, then the update. */
static int write_appended(pdfupdate *u, qpdf_data q, const char *in_path, const char *out_path, const char *id_seed,
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
    guint8 file_md5[16];
    gsize n = sizeof file_md5;
    g_checksum_get_digest(ck, file_md5, &n);
    put_trailer(&trailer, q, size, prev, file_md5, id_seed, xref_at);
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

static int write_whole(const char *out_path, const char *data, size_t len, const char *shown, diag *d)
{
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (out < 0)
        return fail(d, shown, "cannot write PDF", strerror(errno));
    bool ok = write_all(out, data, len);
    int err = ok ? 0 : (errno ? errno : EIO);
    if (close(out) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(out_path);
        return fail(d, shown, "cannot write PDF", strerror(err));
    }
    return QUIRE_OK;
}

int pdfupdate_write(pdfupdate *u, qpdf_data q, const char *in_path, const char *out_path, const char *id_seed,
                    const char *shown, diag *d)
{
    {
        bool failed = false;
        size_t out_len = 0;
        char *out = compact_file(u, q, id_seed, &out_len, &failed);
        if (failed) {
            const char *detail = qpdf_get_error_full_text(q, qpdf_get_error(q));
            return fail(d, shown, "cannot update PDF", detail);
        }
        if (out) {
            int rc = write_whole(out_path, out, out_len, shown, d);
            free(out);
            return rc;
        }
    }
    return write_appended(u, q, in_path, out_path, id_seed, shown, d);
}
