/* pdfpack: cairo's classic cross-reference table read; a file written with object streams
 * and a cross-reference stream. */
#include "print/pdfpack.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

/*** reading the table ***/

static bool is_eol(char c)
{
    return c == '\n' || c == '\r';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || is_eol(c) || c == '\f' || c == '\0';
}

/* Digits at *p (at most 12), advancing *p; -1 when there are none. */
static long long read_number(const char **p, const char *end)
{
    long long v = 0;
    const char *s = *p;
    while (*p < end && **p >= '0' && **p <= '9' && *p - s < 12)
        v = v * 10 + (*(*p)++ - '0');
    return *p > s ? v : -1;
}

static const char *find_last(const char *data, size_t len, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = len >= k ? len - k + 1 : 0; i-- > 0;)
        if (memcmp(data + i, key, k) == 0)
            return data + i;
    return NULL;
}

static bool has_key(const char *from, const char *to, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = from; p + k <= to; p++)
        if (memcmp(p, key, k) == 0)
            return true;
    return false;
}

/* One 20-byte entry: "oooooooooo ggggg n" and a two-byte end of line. */
static bool read_entry(const char *e, long long *offset, bool *in_use)
{
    const char *p = e;
    long long off = read_number(&p, e + 10);
    if (off < 0 || p != e + 10 || e[10] != ' ')
        return false;
    p = e + 11;
    long long gen = read_number(&p, e + 16);
    if (gen < 0 || p != e + 16 || e[16] != ' ' || (e[17] != 'n' && e[17] != 'f'))
        return false;
    if (!is_space(e[18]) || !is_space(e[19]))
        return false;
    *in_use = e[17] == 'n';
    *offset = off;
    return !*in_use || gen == 0;
}

typedef struct at_entry {
    long long offset;
    int id;
} at_entry;

static int by_offset(const void *a, const void *b)
{
    long long x = ((const at_entry *)a)->offset, y = ((const at_entry *)b)->offset;
    return (x > y) - (x < y);
}

/* end[id]: where the object after it in the file starts. False when two share an offset. */
static bool find_ends(pdfpack_xref *x)
{
    at_entry *at = xmalloc((size_t)x->size * sizeof *at);
    int n = 0;
    for (int i = 0; i < x->size; i++)
        if (x->offset[i] >= 0)
            at[n++] = (at_entry){x->offset[i], i};
    qsort(at, (size_t)n, sizeof *at, by_offset);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        long long next = i + 1 < n ? at[i + 1].offset : x->table_at;
        ok = next > at[i].offset;
        x->end[at[i].id] = next;
    }
    free(at);
    return ok;
}

static bool read_sections(const char *p, const char *end, pdfpack_xref *x)
{
    enum { MAX_OBJECTS = 1 << 23 };
    for (;;) {
        while (p < end && is_space(*p))
            p++;
        if (end - p >= 7 && memcmp(p, "trailer", 7) == 0)
            break;
        long long first = read_number(&p, end);
        if (first < 0 || p >= end || *p != ' ')
            return false;
        p++;
        long long count = read_number(&p, end);
        if (count < 0 || first + count > MAX_OBJECTS)
            return false;
        while (p < end && *p == ' ')
            p++;
        if (p >= end || !is_eol(*p))
            return false;
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
        p++;
        if (end - p < 20 * count)
            return false;
        if (first + count > x->size) {
            x->offset = xrealloc(x->offset, (size_t)(first + count) * sizeof *x->offset);
            for (long long i = x->size; i < first + count; i++)
                x->offset[i] = -1;
            x->size = (int)(first + count);
        }
        for (long long i = 0; i < count; i++, p += 20) {
            long long off;
            bool used;
            if (!read_entry(p, &off, &used) || (used && (off <= 0 || off >= x->table_at)))
                return false;
            x->offset[first + i] = used && first + i > 0 ? off : -1;
        }
    }
    /* The trailer: one section for the whole file, not encrypted. */
    const char *sx = find_last(p, (size_t)(end - p), "startxref");
    return sx && !has_key(p, sx, "/Prev") && !has_key(p, sx, "/XRefStm") && !has_key(p, sx, "/Encrypt") &&
           x->size > 0;
}

bool pdfpack_read_xref(const char *data, size_t len, pdfpack_xref *x)
{
    memset(x, 0, sizeof *x);
    size_t tail = len < 1024 ? len : 1024;
    const char *sx = find_last(data + len - tail, tail, "startxref");
    if (!sx)
        return false;
    const char *p = sx + 9, *end = data + len;
    while (p < end && is_space(*p))
        p++;
    long long at = read_number(&p, end);
    if (at <= 0 || at >= (long long)len || len - (size_t)at < 5 || memcmp(data + at, "xref", 4) != 0 ||
        !is_eol(data[at + 4]))
        return false;
    x->table_at = at;
    bool ok = read_sections(data + at + 4, data + len, x);
    if (ok) {
        x->end = xmalloc((size_t)x->size * sizeof *x->end);
        ok = find_ends(x);
    }
    if (!ok)
        pdfpack_xref_free(x);
    return ok;
}

void pdfpack_xref_free(pdfpack_xref *x)
{
    free(x->offset);
    free(x->end);
    memset(x, 0, sizeof *x);
}

bool pdfpack_object_at(const char *data, const pdfpack_xref *x, int id, const char **body, size_t *body_len,
                       bool *is_stream)
{
    if (id <= 0 || id >= x->size || x->offset[id] < 0)
        return false;
    const char *p = data + x->offset[id], *end = data + x->end[id];
    long long n = read_number(&p, end);
    if (n != id || end - p < 3 || *p != ' ')
        return false;
    p++;
    if (read_number(&p, end) != 0 || end - p < 4 || *p != ' ' || memcmp(p + 1, "obj", 3) != 0)
        return false;
    p += 4;
    while (end > p && is_space(end[-1]))
        end--;
    if (end - p < 6 || memcmp(end - 6, "endobj", 6) != 0)
        return false;
    end -= 6;
    while (end > p && is_space(end[-1]))
        end--;
    *body = p;
    *body_len = (size_t)(end - p);
    *is_stream = end - p >= 9 && memcmp(end - 9, "endstream", 9) == 0;
    return true;
}

/*** reading cairo's plain objects ***/

static bool is_regular(char c)
{
    return !is_space(c) && !strchr("()<>[]{}/%", c);
}

/* An integer at lx->p (digits only, as cairo writes them), or false. */
static bool lex_int(pdfpack_lex *lx, long long *v)
{
    const char *p = lx->p;
    long long n = read_number(&p, lx->end);
    if (n < 0 || (p < lx->end && is_regular(*p)))
        return false;
    lx->p = p;
    *v = n;
    return true;
}

static void skip_space(pdfpack_lex *lx)
{
    while (lx->p < lx->end && is_space(*lx->p))
        lx->p++;
}

pdfpack_tok pdfpack_next(pdfpack_lex *lx)
{
    pdfpack_tok t = {PDFPACK_BAD, 0, 0, NULL, 0};
    skip_space(lx);
    if (lx->p >= lx->end) {
        t.kind = PDFPACK_END;
        return t;
    }
    char c = *lx->p;
    if (c == '/') {
        t.name = lx->p++;
        while (lx->p < lx->end && is_regular(*lx->p) && *lx->p != '#')
            lx->p++;
        t.name_len = (size_t)(lx->p - t.name);
        if (lx->p < lx->end && *lx->p == '#')
            return (pdfpack_tok){PDFPACK_BAD, 0, 0, NULL, 0};
        t.kind = PDFPACK_NAME;
    } else if (c == '<' || c == '>') {
        if (lx->end - lx->p >= 2 && lx->p[1] == c) {
            t.kind = c == '<' ? PDFPACK_DICT : PDFPACK_DICT_END;
            lx->p += 2;
        }
    } else if (c == '[' || c == ']') {
        t.kind = c == '[' ? PDFPACK_ARRAY : PDFPACK_ARRAY_END;
        lx->p++;
    } else if (c >= '0' && c <= '9' && lex_int(lx, &t.num)) {
        t.kind = PDFPACK_INT;
        /* "N G R" is a reference. */
        pdfpack_lex ahead = *lx;
        long long gen;
        skip_space(&ahead);
        if (lex_int(&ahead, &gen) && gen < 65536) {
            skip_space(&ahead);
            if (ahead.p < ahead.end && *ahead.p == 'R' && (ahead.p + 1 == ahead.end || !is_regular(ahead.p[1]))) {
                lx->p = ahead.p + 1;
                t.kind = PDFPACK_REF;
                t.gen = (int)gen;
            }
        }
    }
    return t;
}

bool pdfpack_is_name(const pdfpack_tok *t, const char *name)
{
    return t->kind == PDFPACK_NAME && t->name_len == strlen(name) && memcmp(t->name, name, t->name_len) == 0;
}

bool pdfpack_skip(pdfpack_lex *lx, pdfpack_tok t)
{
    enum { MAX_DEPTH = 32 };
    int depth = 0;
    for (;;) {
        switch (t.kind) {
        case PDFPACK_DICT:
        case PDFPACK_ARRAY:
            if (++depth > MAX_DEPTH)
                return false;
            break;
        case PDFPACK_DICT_END:
        case PDFPACK_ARRAY_END:
            if (--depth < 0)
                return false;
            break;
        case PDFPACK_NAME:
        case PDFPACK_INT:
        case PDFPACK_REF:
            break;
        default:
            return false;
        }
        if (depth == 0)
            return true;
        t = pdfpack_next(lx);
    }
}

/*** writing ***/

typedef struct packed {
    int id;
    size_t at, len;          /* in pdfpack.text */
} packed;

typedef struct entry {
    unsigned char type;      /* 0 free, 1 at an offset, 2 in an object stream */
    long long f2;            /* offset, or the object stream's number */
    int f3;                  /* the index in the object stream */
} entry;

struct pdfpack {
    buf out;                 /* the file so far */
    buf text;                /* the packed objects' texts */
    packed *objs;
    int n_objs, cap_objs;
    entry *entries;          /* by object number */
    int n_entries;
    int max_id;
};

pdfpack *pdfpack_new(const char *header, size_t header_len)
{
    pdfpack *p = xcalloc(1, sizeof *p);
    buf_init(&p->out);
    buf_init(&p->text);
    buf_put(&p->out, header, header_len);
    return p;
}

void pdfpack_free(pdfpack *p)
{
    if (!p)
        return;
    buf_free(&p->out);
    buf_free(&p->text);
    free(p->objs);
    free(p->entries);
    free(p);
}

static entry *entry_of(pdfpack *p, int id)
{
    if (id >= p->n_entries) {
        int n = p->n_entries ? p->n_entries : 256;
        while (n <= id)
            n *= 2;
        p->entries = xrealloc(p->entries, (size_t)n * sizeof *p->entries);
        memset(p->entries + p->n_entries, 0, (size_t)(n - p->n_entries) * sizeof *p->entries);
        p->n_entries = n;
    }
    if (id > p->max_id)
        p->max_id = id;
    return &p->entries[id];
}

void pdfpack_object(pdfpack *p, int id, const char *text, size_t len)
{
    if (p->n_objs == p->cap_objs) {
        p->cap_objs = p->cap_objs ? 2 * p->cap_objs : 256;
        p->objs = xrealloc(p->objs, (size_t)p->cap_objs * sizeof *p->objs);
    }
    p->objs[p->n_objs++] = (packed){id, p->text.len, len};
    buf_put(&p->text, text, len);
    entry_of(p, id)->type = 2;
}

void pdfpack_stream(pdfpack *p, int id, const char *dict, size_t dict_len, const void *data, size_t len)
{
    *entry_of(p, id) = (entry){1, (long long)p->out.len, 0};
    /* The dictionary's closing ">>" gets the /Length first. */
    while (dict_len > 0 && is_space(dict[dict_len - 1]))
        dict_len--;
    if (dict_len >= 2 && memcmp(dict + dict_len - 2, ">>", 2) == 0)
        dict_len -= 2;
    buf_printf(&p->out, "%d 0 obj\n", id);
    buf_put(&p->out, dict, dict_len);
    buf_printf(&p->out, " /Length %zu >>\nstream\n", len);
    buf_put(&p->out, data, len);
    buf_puts(&p->out, "\nendstream\nendobj\n");
}

void pdfpack_verbatim(pdfpack *p, int id, const char *body, size_t len)
{
    *entry_of(p, id) = (entry){1, (long long)p->out.len, 0};
    buf_printf(&p->out, "%d 0 obj\n", id);
    buf_put(&p->out, body, len);
    buf_puts(&p->out, "\nendobj\n");
}

/* zlib's format at its fastest level (on the 300-page book 5 % larger than the default level, at a
 * third of the time). */
unsigned char *pdfpack_deflate(const void *data, size_t len, size_t *out_len)
{
    GZlibCompressor *z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 1);
    size_t cap = len + len / 8 + 64, done = 0, in_at = 0;
    unsigned char *out = xmalloc(cap);
    for (;;) {
        gsize rd = 0, wr = 0;
        GConverterResult r = g_converter_convert(G_CONVERTER(z), (const char *)data + in_at, len - in_at,
                                                 out + done, cap - done, G_CONVERTER_INPUT_AT_END, &rd, &wr, NULL);
        in_at += rd, done += wr;
        if (r == G_CONVERTER_FINISHED || r == G_CONVERTER_ERROR)
            break;
        if (cap - done < 64)
            cap *= 2, out = xrealloc(out, cap);
    }
    g_object_unref(z);
    *out_len = done;
    return out;
}

static int by_id(const void *a, const void *b)
{
    int x = ((const packed *)a)->id, y = ((const packed *)b)->id;
    return (x > y) - (x < y);
}

/* Object streams of up to OBJSTM_N objects each, numbered after every object given. */
static void put_object_streams(pdfpack *p)
{
    enum { OBJSTM_N = 100 };
    qsort(p->objs, (size_t)p->n_objs, sizeof *p->objs, by_id);
    int next_id = p->max_id + 1;
    buf head, body;
    buf_init(&head);
    buf_init(&body);
    for (int i = 0; i < p->n_objs; i += OBJSTM_N) {
        int n = p->n_objs - i < OBJSTM_N ? p->n_objs - i : OBJSTM_N, id = next_id++;
        head.len = body.len = 0;
        for (int k = 0; k < n; k++) {
            const packed *o = &p->objs[i + k];
            buf_printf(&head, "%d %zu ", o->id, body.len);
            buf_put(&body, p->text.data + o->at, o->len);
            buf_putc(&body, '\n');
            *entry_of(p, o->id) = (entry){2, id, k};
        }
        buf_put(&head, body.data, body.len);
        size_t zlen = 0;
        unsigned char *z = pdfpack_deflate(head.data, head.len, &zlen);
        *entry_of(p, id) = (entry){1, (long long)p->out.len, 0};
        buf_printf(&p->out, "%d 0 obj\n<< /Type /ObjStm /N %d /First %zu /Filter /FlateDecode /Length %zu >>\nstream\n",
                   id, n, head.len - body.len, zlen);
        buf_put(&p->out, z, zlen);
        buf_puts(&p->out, "\nendstream\nendobj\n");
        free(z);
    }
    buf_free(&head);
    buf_free(&body);
}

static int bytes_for(long long v)
{
    int n = 1;
    while (v >> (8 * n))
        n++;
    return n;
}

static void put_be(buf *b, long long v, int width)
{
    for (int i = width - 1; i >= 0; i--)
        buf_putc(b, (char)((v >> (8 * i)) & 0xff));
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

void pdfpack_put_id(buf *b, const unsigned char file_md5[16], const char *id_seed)
{
    guint8 id0[16];
    if (id_seed)
        md5(id_seed, strlen(id_seed), id0);
    else
        memcpy(id0, file_md5, sizeof id0);
    buf_puts(b, "/ID [");
    put_hex(b, id0, 16);
    put_hex(b, file_md5, 16);
    buf_putc(b, ']');
}

char *pdfpack_finish(pdfpack *p, const char *trailer, const char *id_seed, size_t *len)
{
    put_object_streams(p);
    int xref_id = p->max_id + 1;
    long long xref_at = (long long)p->out.len;
    *entry_of(p, xref_id) = (entry){1, xref_at, 0};
    int size = xref_id + 1;
    long long max2 = 0;
    int max3 = 0;
    for (int i = 0; i < size; i++) {
        if (p->entries[i].f2 > max2)
            max2 = p->entries[i].f2;
        if (p->entries[i].f3 > max3)
            max3 = p->entries[i].f3;
    }
    max3 = max3 > 65535 ? max3 : 65535;   /* object 0's generation */
    int w2 = bytes_for(max2), w3 = bytes_for(max3);
    buf rows;
    buf_init(&rows);
    for (int i = 0; i < size; i++) {
        const entry *e = &p->entries[i];
        buf_putc(&rows, (char)e->type);
        put_be(&rows, e->f2, w2);
        put_be(&rows, i == 0 ? 65535 : e->f3, w3);
    }
    size_t zlen = 0;
    unsigned char *z = pdfpack_deflate(rows.data, rows.len, &zlen);
    buf_free(&rows);
    guint8 file_md5[16];
    md5(p->out.data, p->out.len, file_md5);
    buf_printf(&p->out, "%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d %d ] %s ", xref_id, size, w2, w3, trailer);
    pdfpack_put_id(&p->out, file_md5, id_seed);
    buf_printf(&p->out, " /Filter /FlateDecode /Length %zu >>\nstream\n", zlen);
    buf_put(&p->out, z, zlen);
    buf_printf(&p->out, "\nendstream\nendobj\nstartxref\n%lld\n%%%%EOF\n", xref_at);
    free(z);
    return buf_detach(&p->out, len);
}
