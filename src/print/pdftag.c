/* pdftag: structure elements and the chunks of marked content drawn for them. */
#include "print/pdftag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

typedef struct tag_elem {
    const char *type;       /* static */
    int parent;
    int *kids;              /* >= 0 an element, < 0 chunk -1-k */
    int n_kids, cap_kids;
    int after_tail;         /* the last element placed after this one (elem_after) */
    char *alt, *id, *contents;
    char scope;
    bool floated;           /* set away from its place in the text (pdftag_float) */
    bool has_bbox;
    double bbox[4];
} tag_elem;

typedef struct tag_slot {
    const void *key;
    int sub;
    int elem;               /* -1: empty */
} tag_slot;

struct pdftag {
    tag_elem *elems;
    int n_elems, cap_elems;
    tag_slot *slots;        /* (key, sub) → element, open addressing */
    size_t n_slots;         /* a power of two */
    unsigned char *chunks;
    unsigned char *joins;   /* per chunk: goes on from the one before (pdffinish_structure) */
    int n_chunks, cap_chunks;
    int want_elem;          /* what is painted next: an element… */
    int want_art;           /* …or an artifact kind (then want_elem is NONE) */
    bool open;
    int open_elem, open_art;
    const char *open_name;
    pdffinish_elem *out;    /* pdftag_structure */
    int *out_kids;
    pdffinish_structure st;
    int last_heading;       /* structure level of the last heading, 0 before the first */
    bool floats_placed;
};

static size_t slot_of(const pdftag *t, const void *key, int sub) {
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull ^ (uint64_t)(unsigned)sub * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)h & (t->n_slots - 1);
}

static void grow_slots(pdftag *t) {
    tag_slot *old = t->slots;
    size_t n_old = t->n_slots;
    t->n_slots = n_old ? n_old * 2 : 256;
    t->slots = xmalloc(t->n_slots * sizeof *t->slots);
    for (size_t i = 0; i < t->n_slots; i++) t->slots[i].elem = -1;
    for (size_t i = 0; i < n_old; i++) {
        if (old[i].elem < 0) continue;
        size_t s = slot_of(t, old[i].key, old[i].sub);
        while (t->slots[s].elem >= 0) s = (s + 1) & (t->n_slots - 1);
        t->slots[s] = old[i];
    }
    free(old);
}

static void push_kid(tag_elem *e, int kid, int at) {
    if (e->n_kids == e->cap_kids) {
        e->cap_kids = e->cap_kids ? e->cap_kids * 2 : 4;
        e->kids = xrealloc(e->kids, (size_t)e->cap_kids * sizeof *e->kids);
    }
    if (at < 0 || at > e->n_kids) at = e->n_kids;
    memmove(e->kids + at + 1, e->kids + at, (size_t)(e->n_kids - at) * sizeof *e->kids);
    e->kids[at] = kid;
    e->n_kids++;
}

static int new_elem(pdftag *t, int parent, const char *type) {
    if (t->n_elems == t->cap_elems) {
        t->cap_elems = t->cap_elems ? t->cap_elems * 2 : 256;
        t->elems = xrealloc(t->elems, (size_t)t->cap_elems * sizeof *t->elems);
    }
    int i = t->n_elems++;
    memset(&t->elems[i], 0, sizeof t->elems[i]);
    t->elems[i].type = type;
    t->elems[i].parent = parent;
    t->elems[i].after_tail = i;
    return i;
}

pdftag *pdftag_new(void) {
    pdftag *t = xcalloc(1, sizeof *t);
    new_elem(t, -1, "Document");
    grow_slots(t);
    t->want_elem = PDFTAG_NONE;
    return t;
}

void pdftag_free(pdftag *t) {
    if (!t) return;
    for (int i = 0; i < t->n_elems; i++) {
        tag_elem *e = &t->elems[i];
        free(e->kids), free(e->alt), free(e->id), free(e->contents);
    }
    free(t->elems);
    free(t->slots);
    free(t->chunks);
    free(t->joins);
    free(t->out);
    free(t->out_kids);
    free(t);
}

int pdftag_find(const pdftag *t, const void *key, int sub) {
    if (!t) return PDFTAG_NONE;
    size_t s = slot_of(t, key, sub);
    while (t->slots[s].elem >= 0) {
        if (t->slots[s].key == key && t->slots[s].sub == sub) return t->slots[s].elem;
        s = (s + 1) & (t->n_slots - 1);
    }
    return PDFTAG_NONE;
}

int pdftag_parent(const pdftag *t, int elem) {
    return t && elem >= 0 && elem < t->n_elems ? t->elems[elem].parent : PDFTAG_NONE;
}

static int place(pdftag *t, int parent, int after, const char *type, const void *key, int sub) {
    int found = pdftag_find(t, key, sub);
    if (found != PDFTAG_NONE) return found;
    if (parent < 0 || parent >= t->n_elems) parent = PDFTAG_ROOT;
    if ((size_t)(t->n_elems + 1) * 2 > t->n_slots) grow_slots(t);
    int e = new_elem(t, parent, type);
    size_t s = slot_of(t, key, sub);
    while (t->slots[s].elem >= 0) s = (s + 1) & (t->n_slots - 1);
    t->slots[s] = (tag_slot){key, sub, e};
    tag_elem *p = &t->elems[parent];
    int at = -1;
    if (after >= 0 && after < t->n_elems && t->elems[after].parent == parent) {
        int tail = t->elems[after].after_tail;
        for (int k = 0; k < p->n_kids; k++)
            if (p->kids[k] == tail) at = k + 1;
        t->elems[after].after_tail = e;
    }
    push_kid(p, e, at);
    return e;
}

int pdftag_elem(pdftag *t, int parent, const char *type, const void *key, int sub) {
    return t ? place(t, parent, -1, type, key, sub) : PDFTAG_NONE;
}

int pdftag_elem_after(pdftag *t, int parent, int after, const char *type, const void *key, int sub) {
    return t ? place(t, parent, after, type, key, sub) : PDFTAG_NONE;
}

int pdftag_heading_level(pdftag *t, int level) {
    if (level < 1) level = 1;
    if (level > 6) level = 6;
    if (!t) return level;
    if (level > t->last_heading + 1) level = t->last_heading + 1;
    t->last_heading = level;
    return level;
}

static tag_elem *get(pdftag *t, int elem) {
    return t && elem >= 0 && elem < t->n_elems ? &t->elems[elem] : NULL;
}

static void set_str(char **slot, const char *s) {
    free(*slot);
    *slot = s ? xstrdup(s) : NULL;
}

void pdftag_set_alt(pdftag *t, int elem, const char *alt) {
    tag_elem *e = get(t, elem);
    if (e) set_str(&e->alt, alt);
}

void pdftag_set_id(pdftag *t, int elem, const char *id) {
    tag_elem *e = get(t, elem);
    if (e) set_str(&e->id, id);
}

/* The longest /Contents kept, in bytes: each line of a link has an annotation of its own
 * carrying it, so a 100 KB heading on 1,600 lines of the contents would write 160 MB. */
#define CONTENTS_MAX 1000

void pdftag_set_contents(pdftag *t, int elem, const char *contents) {
    tag_elem *e = get(t, elem);
    if (!e || e->contents) return;
    size_t n = contents ? strlen(contents) : 0;
    if (n <= CONTENTS_MAX) {
        set_str(&e->contents, contents);
        return;
    }
    n = CONTENTS_MAX;
    while (n > 0 && ((unsigned char)contents[n] & 0xC0) == 0x80) n--; /* at a character's start */
    e->contents = xasprintf("%.*s\xe2\x80\xa6", (int)n, contents);
}

bool pdftag_lacks_contents(pdftag *t, int elem) {
    tag_elem *e = get(t, elem);
    return e && !e->contents;
}

void pdftag_set_scope(pdftag *t, int elem, char scope) {
    tag_elem *e = get(t, elem);
    if (e) e->scope = scope;
}

void pdftag_set_bbox(pdftag *t, int elem, double x0, double y0, double x1, double y1) {
    tag_elem *e = get(t, elem);
    if (!e) return;
    if (e->has_bbox) { /* a figure drawn in two parts keeps the box around both */
        if (x0 > e->bbox[0]) x0 = e->bbox[0];
        if (y0 > e->bbox[1]) y0 = e->bbox[1];
        if (x1 < e->bbox[2]) x1 = e->bbox[2];
        if (y1 < e->bbox[3]) y1 = e->bbox[3];
    }
    e->has_bbox = true;
    e->bbox[0] = x0, e->bbox[1] = y0, e->bbox[2] = x1, e->bbox[3] = y1;
}

void pdftag_float(pdftag *t, int elem) {
    tag_elem *e = get(t, elem);
    if (e && elem != PDFTAG_ROOT) e->floated = true;
}

/*** chunks ***/

void pdftag_content(pdftag *t, int elem) {
    if (!t) return;
    t->want_elem = elem;
    t->want_art = 0;
}

void pdftag_artifact(pdftag *t, pdffinish_chunk kind) {
    if (!t) return;
    t->want_elem = PDFTAG_NONE;
    t->want_art = kind;
}

void pdftag_close(pdftag *t, cairo_t *cr) {
    if (!t || !t->open) return;
    cairo_tag_end(cr, t->open_name);
    t->open = false;
}

static void open_chunk(pdftag *t, cairo_t *cr, const char *name, const char *attrs, bool join) {
    if (t->n_chunks == t->cap_chunks) {
        t->cap_chunks = t->cap_chunks ? t->cap_chunks * 2 : 256;
        t->chunks = xrealloc(t->chunks, (size_t)t->cap_chunks);
        t->joins = xrealloc(t->joins, (size_t)t->cap_chunks);
    }
    int c = t->n_chunks++;
    t->chunks[c] = (unsigned char)(t->want_elem >= 0 ? PDFFINISH_CONTENT : t->want_art);
    t->joins[c] = join;
    if (t->want_elem >= 0) push_kid(&t->elems[t->want_elem], -1 - c, -1);
    cairo_tag_begin(cr, name, attrs);
    t->open = true;
    t->open_elem = t->want_elem, t->open_art = t->want_art;
    t->open_name = name;
}

void pdftag_paint(pdftag *t, cairo_t *cr) {
    if (!t) return;
    if (t->want_elem < 0 && t->want_art == 0) return; /* nothing named: left for the checks to find */
    if (t->open && t->open_elem == t->want_elem && t->open_art == t->want_art) return;
    pdftag_close(t, cr);
    open_chunk(t, cr, t->want_elem >= 0 ? t->elems[t->want_elem].type : PDFFINISH_ARTIFACT_TAG, NULL, false);
}

void pdftag_link(pdftag *t, cairo_t *cr, int elem, const char *attrs) {
    if (!t || elem < 0) return;
    /* the same link on its next line: a new annotation, the same run of text */
    bool join = t->open && t->open_elem == elem;
    pdftag_close(t, cr);
    pdftag_content(t, elem);
    open_chunk(t, cr, CAIRO_TAG_LINK, attrs, join);
}

/*** floats: read where they are drawn ***/

/* The elements a Figure may stand in as a kid. */
static bool holds_blocks(const char *type) {
    static const char *const c[] = {"Document", "Sect", "BlockQuote", "P", "LBody", "TD", "TH"};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        if (!strcmp(type, c[i])) return true;
    return false;
}

static int kid_index(const tag_elem *e, int kid) {
    for (int k = 0; k < e->n_kids; k++)
        if (e->kids[k] == kid) return k;
    return -1;
}

static bool within(const pdftag *t, int e, int ancestor) {
    for (; e >= 0; e = t->elems[e].parent)
        if (e == ancestor) return true;
    return false;
}

/* Whether e is (inside) a float or a note: neither says where the text around a float is. */
static bool aside(const pdftag *t, int e) {
    for (; e >= 0; e = t->elems[e].parent)
        if (t->elems[e].floated || !strcmp(t->elems[e].type, "Note")) return true;
    return false;
}

static int first_chunk(const pdftag *t, int e) {
    int first = -1;
    for (int k = 0; k < t->elems[e].n_kids; k++) {
        int kid = t->elems[e].kids[k];
        int c = kid < 0 ? -1 - kid : first_chunk(t, kid);
        if (c >= 0 && (first < 0 || c < first)) first = c;
    }
    return first;
}

static void attach(pdftag *t, int f, int parent, int at) {
    tag_elem *p = &t->elems[parent];
    /* between two chapters: at the end of the one before */
    if (parent == PDFTAG_ROOT && at > 0 && p->kids[at - 1] > 0 && !strcmp(t->elems[p->kids[at - 1]].type, "Sect")) {
        parent = p->kids[at - 1];
        p = &t->elems[parent];
        at = p->n_kids;
    }
    push_kid(p, f, at);
    t->elems[f].parent = parent;
}

/* The first element on the way down the last kids of e that may hold a figure, or -1. */
static int last_holder(const pdftag *t, int e) {
    while (!holds_blocks(t->elems[e].type)) {
        const tag_elem *x = &t->elems[e];
        if (!x->n_kids || x->kids[x->n_kids - 1] < 0) return -1;
        e = x->kids[x->n_kids - 1];
    }
    return e;
}

/* Elements a float drawn between two of their parts splits in two of the same type (a code
 * block or a link that goes on below a figure set at the top of a page). */
static bool splits_around_float(const char *type) {
    return !strcmp(type, "Code") || !strcmp(type, "Link");
}

/* Splits e before its kid i: a new element of e's type, right after e in e's parent, takes
 * kids i.. (owner: the element of each chunk, kept up to date). Returns the new element. */
static int split_elem(pdftag *t, int e, int i, int *owner) {
    int n = new_elem(t, t->elems[e].parent, t->elems[e].type); /* may move t->elems */
    tag_elem *x = &t->elems[e], *y = &t->elems[n];
    y->n_kids = y->cap_kids = x->n_kids - i;
    y->kids = xmalloc((size_t)y->cap_kids * sizeof *y->kids);
    memcpy(y->kids, x->kids + i, (size_t)y->n_kids * sizeof *y->kids);
    x->n_kids = i;
    set_str(&y->contents, x->contents);
    set_str(&y->alt, x->alt);
    for (int k = 0; k < y->n_kids; k++) {
        if (y->kids[k] < 0) owner[-1 - y->kids[k]] = n;
        else t->elems[y->kids[k]].parent = n;
    }
    tag_elem *p = &t->elems[y->parent];
    push_kid(p, n, kid_index(p, e) + 1);
    return n;
}

/* Float f goes right before chunk c in the reading order: into the innermost element
 * that may hold it. Where c is the first of its element, before that element; before a
 * list item or table row, at the end of the one before (an L holds only LI, a TBody only
 * TR); inside a code block or link, between its two parts, now two elements; where
 * nothing else before c may hold it, after that element. */
static void place_before_chunk(pdftag *t, int f, int c, int *owner) {
    int e = owner[c], i = kid_index(&t->elems[e], -1 - c);
    while (!(holds_blocks(t->elems[e].type) && (i > 0 || e == PDFTAG_ROOT))) {
        if (i > 0 && splits_around_float(t->elems[e].type)) {
            int n = split_elem(t, e, i, owner);
            e = t->elems[n].parent;
            i = kid_index(&t->elems[e], n);
            continue;
        }
        const tag_elem *x = &t->elems[e];
        bool before = i == 0;
        if (!before) {
            int h = x->kids[i - 1] >= 0 ? last_holder(t, x->kids[i - 1]) : -1;
            if (h >= 0) {
                attach(t, f, h, t->elems[h].n_kids);
                return;
            }
        }
        int p = x->parent;
        int at = kid_index(&t->elems[p], e);
        i = before ? at : at + 1;
        e = p;
    }
    attach(t, f, e, i);
}

/* A float's element was made where the float is first drawn, but under its place in the
 * source, which may lie pages before (or in the chapter before). Each float is moved to
 * where it is drawn: before the first content drawn after it that is no float or note
 * (the pages draw their boxes top to bottom, column by column). */
static void place_floats(pdftag *t) {
    if (t->floats_placed) return;
    t->floats_placed = true;
    int *owner = xmalloc(((size_t)t->n_chunks + 1) * sizeof *owner);
    for (int c = 0; c < t->n_chunks; c++) owner[c] = -1;
    for (int e = 0; e < t->n_elems; e++)
        for (int k = 0; k < t->elems[e].n_kids; k++)
            if (t->elems[e].kids[k] < 0) owner[-1 - t->elems[e].kids[k]] = e;
    int n_done = t->n_elems; /* elements split off later are no floats */
    bool *done = xcalloc((size_t)n_done, sizeof *done);
    for (;;) { /* the floats in the order they are drawn */
        int f = -1, fc = -1;
        for (int e = 1; e < n_done; e++) {
            if (!t->elems[e].floated || done[e]) continue;
            int c = first_chunk(t, e);
            if (c >= 0 && (f < 0 || c < fc)) f = e, fc = c;
        }
        if (f < 0) break;
        done[f] = true;
        int next = -1;
        for (int c = fc + 1; c < t->n_chunks && next < 0; c++)
            if (owner[c] >= 0 && !within(t, owner[c], f) && !aside(t, owner[c])) next = c;
        tag_elem *p = &t->elems[t->elems[f].parent];
        int at = kid_index(p, f);
        memmove(p->kids + at, p->kids + at + 1, (size_t)(p->n_kids - at - 1) * sizeof *p->kids);
        p->n_kids--;
        if (next >= 0) place_before_chunk(t, f, next, owner);
        else attach(t, f, PDFTAG_ROOT, t->elems[PDFTAG_ROOT].n_kids);
    }
    free(done);
    free(owner);
}

const pdffinish_structure *pdftag_structure(pdftag *t) {
    if (!t) return NULL;
    place_floats(t);
    pdffinish_structure *s = &t->st;
    free(t->out), free(t->out_kids);
    t->out = xcalloc((size_t)t->n_elems, sizeof *t->out);
    size_t total = 0;
    for (int i = 0; i < t->n_elems; i++) total += (size_t)t->elems[i].n_kids;
    t->out_kids = xmalloc((total ? total : 1) * sizeof *t->out_kids);
    size_t at = 0;
    for (int i = 0; i < t->n_elems; i++) {
        const tag_elem *e = &t->elems[i];
        pdffinish_elem *o = &t->out[i];
        o->type = e->type;
        if (e->n_kids) memcpy(t->out_kids + at, e->kids, (size_t)e->n_kids * sizeof *e->kids);
        o->kids = t->out_kids + at;
        o->n_kids = e->n_kids;
        at += (size_t)e->n_kids;
        o->alt = e->alt, o->id = e->id, o->contents = e->contents, o->scope = e->scope;
        o->has_bbox = e->has_bbox;
        memcpy(o->bbox, e->bbox, sizeof o->bbox);
    }
    s->elems = t->out;
    s->n_elems = t->n_elems;
    s->chunks = t->chunks;
    s->joins = t->joins;
    s->n_chunks = t->n_chunks;
    return s;
}
