/* pdftree: cairo's flat structure tree out, the print writer's tree (pdffinish_structure) in. */
#include "print/pdftree.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "print/pdfpack.h"

/* One thing one of cairo's elements held: marked content on a page, or an annotation. */
typedef struct tree_kid {
    int page;                /* page index; -1 for an annotation without /Pg */
    int mcid;                /* >= 0 marked content, -1 an annotation */
    int annot_id, annot_gen; /* the annotation's object */
} tree_kid;

/* Per page: the element (or artifact kind) of each marked-content id. */
typedef struct tree_page {
    int *elem;               /* by MCID: element index, -1 none */
    unsigned char *art;      /* by MCID: pdffinish_chunk of an artifact, 0 none */
    unsigned char *join;     /* by MCID: 1 continues the marked content before it (same element), 2 joined */
    int n_mcid;
    int n_art, n_join;
} tree_page;

typedef struct tree {
    qpdf_data q;
    pdfupdate *u;
    const pdffinish_structure *s;
    diag *d;
    const char *path;
    int n_pages;
    tree_page *pages;
    tree_kid *kids;          /* every chunk's, in chunk order */
    int n_kids, cap_kids;
    int *chunk_first;        /* n_chunks + 1 offsets into kids */
    int base;                /* the new elements' object numbers: base + index */
    int root_id;             /* the /StructTreeRoot's */
    int *page_id;            /* each page's object number */
    struct page_ref { int id, index; } *page_order;   /* the same, sorted by number */
    int *parent;             /* element index of each element's parent, -1 the root */
} tree;

static void push_kid(tree *t, tree_kid k) {
    if (t->n_kids == t->cap_kids) {
        t->cap_kids = t->cap_kids ? t->cap_kids * 2 : 256;
        t->kids = xrealloc(t->kids, (size_t)t->cap_kids * sizeof *t->kids);
    }
    t->kids[t->n_kids++] = k;
}

static int page_index(tree *t, qpdf_oh pg) {
    if (!qpdf_oh_is_dictionary(t->q, pg)) return -1;
    return qpdf_find_page_by_oh(t->q, pg);
}

/* Reads what one kid of a cairo element's /K is: an MCID on the element's page, an MCR or an OBJR. */
static void read_kid(tree *t, qpdf_oh kid, int elem_page) {
    qpdf_data q = t->q;
    if (qpdf_oh_is_integer(q, kid)) {
        push_kid(t, (tree_kid){elem_page, qpdf_oh_get_int_value_as_int(q, kid), 0, 0});
        return;
    }
    if (!qpdf_oh_is_dictionary(q, kid)) return;
    qpdf_oh type = qpdf_oh_get_key(q, kid, "/Type");
    if (qpdf_oh_is_name_and_equals(q, type, "/MCR")) {
        qpdf_oh pg = qpdf_oh_get_key(q, kid, "/Pg"), m = qpdf_oh_get_key(q, kid, "/MCID");
        int page = qpdf_oh_is_null(q, pg) ? elem_page : page_index(t, pg);
        push_kid(t, (tree_kid){page, qpdf_oh_get_int_value_as_int(q, m), 0, 0});
        qpdf_oh_release(q, pg);
        qpdf_oh_release(q, m);
    } else if (qpdf_oh_is_name_and_equals(q, type, "/OBJR")) {
        qpdf_oh obj = qpdf_oh_get_key(q, kid, "/Obj");
        push_kid(t, (tree_kid){elem_page, -1, qpdf_oh_get_object_id(q, obj), qpdf_oh_get_generation(q, obj)});
        qpdf_oh_release(q, obj);
    }
    qpdf_oh_release(q, type);
}

/*** cairo's elements read from the file's text ***/

/* Page index of the page object `id`, -1 when none (page_order is sorted by object number). */
static int page_of_id(const tree *t, long long id) {
    int lo = 0, hi = t->n_pages;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->page_order[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < t->n_pages && t->page_order[lo].id == id ? t->page_order[lo].index : -1;
}

#define ELEM_PAGE (-2)   /* a kid's page: the element's /Pg, known at its end */

/* One of /K's dictionaries: an MCR or an OBJR. */
static bool text_kid_dict(tree *t, pdfpack_lex *lx) {
    int type = 0, page = ELEM_PAGE, obj = 0, gen = 0;
    long long mcid = -1;
    for (;;) {
        pdfpack_tok k = pdfpack_next(lx);
        if (k.kind == PDFPACK_DICT_END) break;
        if (k.kind != PDFPACK_NAME) return false;
        pdfpack_tok v = pdfpack_next(lx);
        if (pdfpack_is_name(&k, "/Type")) type = pdfpack_is_name(&v, "/MCR") ? 1 : pdfpack_is_name(&v, "/OBJR") ? 2 : 3;
        else if (pdfpack_is_name(&k, "/Pg") && v.kind == PDFPACK_REF) page = page_of_id(t, v.num);
        else if (pdfpack_is_name(&k, "/MCID") && v.kind == PDFPACK_INT) mcid = v.num;
        else if (pdfpack_is_name(&k, "/Obj") && v.kind == PDFPACK_REF) obj = (int)v.num, gen = v.gen;
        else if (!pdfpack_skip(lx, v)) return false;
    }
    if (type == 1 && mcid >= 0 && mcid < 1 << 30) push_kid(t, (tree_kid){page, (int)mcid, 0, 0});
    else if (type == 2 && obj > 0) push_kid(t, (tree_kid){ELEM_PAGE, -1, obj, gen});
    else if (type != 3) return false;   /* what read_kid would not know either is left out */
    return true;
}

static bool text_kid(tree *t, pdfpack_lex *lx, pdfpack_tok v) {
    if (v.kind == PDFPACK_INT && v.num < 1 << 30) {
        push_kid(t, (tree_kid){ELEM_PAGE, (int)v.num, 0, 0});
        return true;
    }
    return v.kind == PDFPACK_DICT && text_kid_dict(t, lx);
}

/* Reads one of cairo's elements (its /Pg and /K) from its text; false when the text holds
 * more than cairo writes (the caller then asks libqpdf). */
static bool read_chunk_text(tree *t, const char *text, size_t len) {
    pdfpack_lex lx = {text, text + len};
    int first = t->n_kids, page = -1;
    if (pdfpack_next(&lx).kind != PDFPACK_DICT) return false;
    for (;;) {
        pdfpack_tok k = pdfpack_next(&lx);
        if (k.kind == PDFPACK_DICT_END) break;
        if (k.kind != PDFPACK_NAME) return false;
        pdfpack_tok v = pdfpack_next(&lx);
        if (pdfpack_is_name(&k, "/Pg")) {
            if (v.kind != PDFPACK_REF) return false;
            page = page_of_id(t, v.num);
        } else if (pdfpack_is_name(&k, "/K")) {
            if (v.kind == PDFPACK_ARRAY) {
                for (v = pdfpack_next(&lx); v.kind != PDFPACK_ARRAY_END; v = pdfpack_next(&lx))
                    if (!text_kid(t, &lx, v)) return false;
            } else if (!text_kid(t, &lx, v)) {
                return false;
            }
        } else if (!pdfpack_skip(&lx, v)) {
            return false;
        }
    }
    if (pdfpack_next(&lx).kind != PDFPACK_END) return false;
    for (int i = first; i < t->n_kids; i++)
        if (t->kids[i].page == ELEM_PAGE) t->kids[i].page = page;
    return true;
}

/* Cairo's element `e`: from the file's text, or else through libqpdf. */
static void read_chunk(tree *t, qpdf_oh e) {
    qpdf_data q = t->q;
    size_t len = 0;
    const char *text = qpdf_oh_is_indirect(q, e) ? pdfupdate_source_text(t->u, qpdf_oh_get_object_id(q, e), &len) : NULL;
    int first = t->n_kids;
    if (text && read_chunk_text(t, text, len)) return;
    t->n_kids = first;
    qpdf_oh pg = qpdf_oh_get_key(q, e, "/Pg"), k = qpdf_oh_get_key(q, e, "/K");
    int page = page_index(t, pg);
    if (qpdf_oh_is_array(q, k)) {
        int m = qpdf_oh_get_array_n_items(q, k);
        for (int j = 0; j < m; j++) {
            qpdf_oh kid = qpdf_oh_get_array_item(q, k, j);
            read_kid(t, kid, page);
            qpdf_oh_release(q, kid);
        }
    } else {
        read_kid(t, k, page);
    }
    qpdf_oh_release(q, pg);
    qpdf_oh_release(q, k);
}

/* Collects the content of each of cairo's elements (the chunks, in order). */
static bool read_chunks(tree *t, qpdf_oh cairo_kids) {
    qpdf_data q = t->q;
    int n = qpdf_oh_is_array(q, cairo_kids) ? qpdf_oh_get_array_n_items(q, cairo_kids) : 0;
    if (n != t->s->n_chunks) {
        diag_error(t->d, t->path, 0, 0, "the structure tree holds %d elements where %d were drawn", n,
                   t->s->n_chunks);
        return false;
    }
    t->chunk_first = xcalloc((size_t)n + 1, sizeof *t->chunk_first);
    for (int i = 0; i < n; i++) {
        t->chunk_first[i] = t->n_kids;
        qpdf_oh e = qpdf_oh_get_array_item(q, cairo_kids, i);
        read_chunk(t, e);
        qpdf_oh_release(q, e);
    }
    t->chunk_first[n] = t->n_kids;
    return true;
}

/* Which element or artifact each marked-content id of each page belongs to. */
static bool map_pages(tree *t) {
    const pdffinish_structure *s = t->s;
    t->pages = xcalloc((size_t)t->n_pages, sizeof *t->pages);
    for (int i = 0; i < t->n_kids; i++) {
        const tree_kid *k = &t->kids[i];
        if (k->mcid < 0) continue;
        if (k->page < 0 || k->page >= t->n_pages) {
            diag_error(t->d, t->path, 0, 0, "marked content %d is on no page", k->mcid);
            return false;
        }
        tree_page *p = &t->pages[k->page];
        if (k->mcid >= p->n_mcid) p->n_mcid = k->mcid + 1;
    }
    for (int i = 0; i < t->n_pages; i++) {
        tree_page *p = &t->pages[i];
        p->elem = xmalloc((size_t)(p->n_mcid ? p->n_mcid : 1) * sizeof *p->elem);
        for (int m = 0; m < p->n_mcid; m++) p->elem[m] = -1;
        p->art = xcalloc((size_t)(p->n_mcid ? p->n_mcid : 1), 1);
        p->join = xcalloc((size_t)(p->n_mcid ? p->n_mcid : 1), 1);
    }
    for (int c = 0; c < s->n_chunks; c++) {
        if (s->chunks[c] == PDFFINISH_CONTENT) continue;
        for (int i = t->chunk_first[c]; i < t->chunk_first[c + 1]; i++) {
            const tree_kid *k = &t->kids[i];
            if (k->mcid < 0) continue;
            tree_page *p = &t->pages[k->page];
            p->art[k->mcid] = s->chunks[c];
            p->n_art++;
        }
    }
    return true;
}

/* The one marked content of chunk c on its page: its index in kids, or -1. */
static int only_mcid(const tree *t, int c) {
    int found = -1;
    for (int i = t->chunk_first[c]; i < t->chunk_first[c + 1]; i++) {
        if (t->kids[i].mcid < 0) continue;
        if (found >= 0) return -1;
        found = i;
    }
    return found;
}

/* A chunk that goes on from the one before (s->joins: a link's text on its next line, with
 * the line's own annotation) becomes one marked-content sequence with it: a reader meets
 * one run of the link's text where its first line starts, and the next cell of a table row
 * does not start above it. Only planned here; rewrite_stream joins them where the content
 * holds nothing between the two. */
static void plan_joins(tree *t) {
    const pdffinish_structure *s = t->s;
    if (!s->joins) return;
    for (int ei = 0; ei < s->n_elems; ei++) {
        const pdffinish_elem *e = &s->elems[ei];
        for (int j = 1; j < e->n_kids; j++) {
            int a = -1 - e->kids[j - 1], b = -1 - e->kids[j];
            if (e->kids[j - 1] >= 0 || e->kids[j] >= 0 || b != a + 1 || !s->joins[b]) continue;
            int ka = only_mcid(t, a), kb = only_mcid(t, b);
            if (ka < 0 || kb < 0 || t->kids[ka].page != t->kids[kb].page) continue;
            tree_page *p = &t->pages[t->kids[kb].page];
            p->join[t->kids[kb].mcid] = 1;
            p->n_join++;
        }
    }
}

/*** writing the elements ***/

/* The new elements, parent-tree arrays and trees are written as text (pdfupdate_set_text):
 * thousands of them, which as libqpdf objects cost more than the rest of finishing. */

static void put_name(qpdf_data q, qpdf_oh dict, const char *key, const char *name) {
    qpdf_oh n = qpdf_oh_new_name(q, name);
    qpdf_oh_replace_key(q, dict, key, n);
    qpdf_oh_release(q, n);
}

static void put_text(qpdf_data q, qpdf_oh dict, const char *key, const char *utf8) {
    qpdf_oh v = qpdf_oh_new_unicode_string(q, utf8);
    qpdf_oh_replace_key(q, dict, key, v);
    qpdf_oh_release(q, v);
}

static void put_int(qpdf_data q, qpdf_oh dict, const char *key, long long v) {
    qpdf_oh n = qpdf_oh_new_integer(q, v);
    qpdf_oh_replace_key(q, dict, key, n);
    qpdf_oh_release(q, n);
}

/* A string as PDF writes it, encoded by libqpdf (PDFDocEncoding or UTF-16BE). */
static void text_string(tree *t, buf *b, const char *s, bool unicode) {
    qpdf_oh v = unicode ? qpdf_oh_new_unicode_string(t->q, s) : qpdf_oh_new_string(t->q, s);
    buf_puts(b, qpdf_oh_unparse(t->q, v));
    qpdf_oh_release(t->q, v);
}

static void text_real(tree *t, buf *b, double x) {
    qpdf_oh v = qpdf_oh_new_real_from_double(t->q, x, 2);
    buf_puts(b, qpdf_oh_unparse(t->q, v));
    qpdf_oh_release(t->q, v);
}

/* The attributes: /Alt, /ID, a TH's /Scope, a figure's /BBox. */
static void put_attributes(tree *t, buf *b, const pdffinish_elem *e) {
    if (e->alt && *e->alt) buf_puts(b, " /Alt "), text_string(t, b, e->alt, true);
    if (e->id && *e->id) buf_puts(b, " /ID "), text_string(t, b, e->id, false);
    if (e->scope) {
        buf_printf(b, " /A << /O /Table /Scope %s >>", e->scope == 'R' ? "/Row" : "/Column");
    } else if (e->has_bbox) {
        buf_puts(b, " /A << /O /Layout /Placement /Block /BBox [");
        for (int i = 0; i < 4; i++) buf_putc(b, ' '), text_real(t, b, e->bbox[i]);
        buf_puts(b, " ] >>");
    }
}

/* A Link's annotation: /Contents, and the element's page. */
/* A character that goes on a PDF name or number (not white space, not a delimiter). */
static bool is_name_char(char c) {
    return c && !strchr(" \t\r\n\f()<>[]{}/%", c);
}

/* Where the closing ">>" of an object's text that is one dictionary starts, else 0. */
static size_t dict_close(const char *text, size_t len) {
    size_t a = 0, z = len;
    while (a < len && (text[a] == ' ' || text[a] == '\n' || text[a] == '\r' || text[a] == '\t')) a++;
    while (z > a && (text[z - 1] == ' ' || text[z - 1] == '\n' || text[z - 1] == '\r' || text[z - 1] == '\t')) z--;
    if (z - a < 4 || memcmp(text + a, "<<", 2) != 0 || memcmp(text + z - 2, ">>", 2) != 0) return 0;
    return z - 2;
}

/* A link annotation's /Contents written into its text as the file holds it: asking libqpdf
 * for each of a book's thousand links parses every one of them. False when the text is not
 * one plain dictionary without /Contents (libqpdf edits it then). */
static bool annot_text_contents(tree *t, const tree_kid *k, const char *contents) {
    size_t len = 0;
    const char *src = k->annot_gen == 0 ? pdfupdate_source_text(t->u, k->annot_id, &len) : NULL;
    size_t end = src ? dict_close(src, len) : 0;
    if (!end) return false;
    for (size_t i = 0; i + 9 <= len; i++)
        if (memcmp(src + i, "/Contents", 9) == 0) return false;
    buf b;
    buf_init(&b);
    buf_put(&b, src, end);
    buf_puts(&b, " /Contents ");
    text_string(t, &b, contents, true);
    buf_put(&b, src + end, len - end);
    pdfupdate_replace_text(t->u, k->annot_id, b.data, b.len);
    buf_free(&b);
    return true;
}

static void finish_annot(tree *t, const tree_kid *k, const pdffinish_elem *e) {
    if (!e->contents || !*e->contents || annot_text_contents(t, k, e->contents)) return;
    qpdf_oh an = qpdf_get_object_by_id(t->q, k->annot_id, k->annot_gen);
    if (qpdf_oh_is_dictionary(t->q, an)) {
        put_text(t->q, an, "/Contents", e->contents);
        pdfupdate_changed(t->u, t->q, an);
    }
    qpdf_oh_release(t->q, an);
}

/* Appends what chunk c holds to an element's /K text; `pg` is the element's /Pg page (set
 * by the first marked content). */
static void put_chunk(tree *t, int ei, buf *k, int c, int *pg) {
    const pdffinish_elem *e = &t->s->elems[ei];
    for (int i = t->chunk_first[c]; i < t->chunk_first[c + 1]; i++) {
        const tree_kid *kid = &t->kids[i];
        if (kid->mcid >= 0) {
            if (t->pages[kid->page].join[kid->mcid] == 2) continue;   /* now part of the one before */
            t->pages[kid->page].elem[kid->mcid] = ei;
            if (*pg < 0) *pg = kid->page;
            if (kid->page == *pg) buf_printf(k, " %d", kid->mcid);
            else buf_printf(k, " << /Type /MCR /Pg %d 0 R /MCID %d >>", t->page_id[kid->page], kid->mcid);
        } else {
            buf_printf(k, " << /Type /OBJR /Obj %d %d R >>", kid->annot_id, kid->annot_gen);
            finish_annot(t, kid, e);
        }
    }
}

static bool check_kids(tree *t) {
    const pdffinish_structure *s = t->s;
    t->parent = xmalloc((size_t)s->n_elems * sizeof *t->parent);
    for (int i = 0; i < s->n_elems; i++) t->parent[i] = -1;
    for (int i = 0; i < s->n_elems; i++) {
        const pdffinish_elem *e = &s->elems[i];
        for (int j = 0; j < e->n_kids; j++) {
            int k = e->kids[j];
            bool bad = k >= 0 ? k >= s->n_elems || k == 0 || t->parent[k] >= 0
                              : -1 - k >= s->n_chunks || s->chunks[-1 - k] != PDFFINISH_CONTENT;
            if (bad) {
                diag_error(t->d, t->path, 0, 0, "structure element %d has a bad kid %d", i, k);
                return false;
            }
            if (k >= 0) t->parent[k] = i;
        }
    }
    return true;
}

static bool write_elements(tree *t) {
    const pdffinish_structure *s = t->s;
    if (!check_kids(t)) return false;
    t->base = pdfupdate_reserve(t->u, t->q, s->n_elems);
    buf el, k;
    buf_init(&el);
    buf_init(&k);
    for (int i = 0; i < s->n_elems; i++) {
        const pdffinish_elem *e = &s->elems[i];
        el.len = k.len = 0;
        int pg = -1;
        for (int j = 0; j < e->n_kids; j++) {
            if (e->kids[j] >= 0) buf_printf(&k, " %d 0 R", t->base + e->kids[j]);
            else put_chunk(t, i, &k, -1 - e->kids[j], &pg);
        }
        buf_printf(&el, "<< /Type /StructElem /S /%s /P %d 0 R", e->type,
                   t->parent[i] >= 0 ? t->base + t->parent[i] : t->root_id);
        if (pg >= 0) buf_printf(&el, " /Pg %d 0 R", t->page_id[pg]);
        put_attributes(t, &el, e);
        if (e->n_kids > 0) buf_printf(&el, " /K [%s ]", k.data);
        buf_puts(&el, " >>");
        pdfupdate_set_text(t->u, t->base + i, el.data, el.len);
    }
    buf_free(&el);
    buf_free(&k);
    return true;
}

/*** the parent tree ***/

typedef struct num_entry {
    int key;
    int value;               /* object number */
} num_entry;

static int by_key(const void *a, const void *b) {
    int x = ((const num_entry *)a)->key, y = ((const num_entry *)b)->key;
    return (x > y) - (x < y);
}

typedef struct num_list {
    num_entry *v;
    int n, cap, next_key;
} num_list;

static void add_num(num_list *l, int key, int value) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (num_entry){key, value};
    if (key >= l->next_key) l->next_key = key + 1;
}

/* Each page's array: the element of each of its marked-content ids. */
static void page_arrays(tree *t, num_list *l) {
    qpdf_data q = t->q;
    int n = 0;
    int *keys = xmalloc((size_t)(t->n_pages ? t->n_pages : 1) * sizeof *keys);
    for (int i = 0; i < t->n_pages; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i), sp = qpdf_oh_get_key(q, page, "/StructParents");
        keys[i] = qpdf_oh_is_integer(q, sp) ? qpdf_oh_get_int_value_as_int(q, sp) : -1;
        n += keys[i] >= 0;
        qpdf_oh_release(q, sp);
        qpdf_oh_release(q, page);
    }
    int id = pdfupdate_reserve(t->u, q, n);
    buf arr;
    buf_init(&arr);
    for (int i = 0; i < t->n_pages; i++) {
        if (keys[i] < 0) continue;
        const tree_page *p = &t->pages[i];
        arr.len = 0;
        buf_putc(&arr, '[');
        for (int m = 0; m < p->n_mcid; m++)
            if (p->elem[m] >= 0) buf_printf(&arr, " %d 0 R", t->base + p->elem[m]);
            else buf_puts(&arr, " null");
        buf_puts(&arr, " ]");
        pdfupdate_set_text(t->u, id, arr.data, arr.len);
        add_num(l, keys[i], id++);
    }
    buf_free(&arr);
    free(keys);
}

/* /StructParents of each page and /StructParent of each annotation keep cairo's keys;
 * their values now name the new elements. */
/* The integer under `key` at the top level of the dictionary that `text` is, skipping
 * strings, nested dictionaries and arrays; -1 when there is none. */
static long long top_level_int(const char *text, size_t len, const char *key) {
    size_t klen = strlen(key);
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '(') {   /* a literal string: balanced parentheses, backslash escapes */
            int open = 1;
            for (i++; i < len && open; i++)
                if (text[i] == '\\') i++;
                else if (text[i] == '(') open++;
                else if (text[i] == ')') open--;
            i--;
        } else if (c == '%') {
            while (i < len && text[i] != '\n' && text[i] != '\r') i++;
        } else if (c == '<' && i + 1 < len && text[i + 1] == '<') {
            depth++, i++;
        } else if (c == '>' && i + 1 < len && text[i + 1] == '>') {
            depth--, i++;
        } else if (c == '<') {   /* a hex string */
            while (i < len && text[i] != '>') i++;
        } else if (c == '[') {
            depth++;
        } else if (c == ']') {
            depth--;
        } else if (c == '/' && depth == 1 && len - i > klen && memcmp(text + i, key, klen) == 0 &&
                   !is_name_char(text[i + klen])) {
            size_t j = i + klen;
            while (j < len && (text[j] == ' ' || text[j] == '\n' || text[j] == '\r' || text[j] == '\t')) j++;
            long long v = 0;
            size_t d0 = j;
            while (j < len && text[j] >= '0' && text[j] <= '9' && v < 1LL << 40) v = v * 10 + (text[j++] - '0');
            return j > d0 && (j == len || !is_name_char(text[j])) ? v : -1;
        }
    }
    return -1;
}

/* An annotation's /StructParent read from its text as cairo wrote it (libqpdf would parse
 * each of a book's thousand links for it), else -1. */
static long long annot_struct_parent(tree *t, const tree_kid *kid) {
    size_t len = 0;
    const char *src = kid->annot_gen == 0 ? pdfupdate_source_text(t->u, kid->annot_id, &len) : NULL;
    return src && dict_close(src, len) ? top_level_int(src, len, "/StructParent") : -1;
}

static void write_parent_tree(tree *t, qpdf_oh tree_root) {
    qpdf_data q = t->q;
    const pdffinish_structure *s = t->s;
    num_list l = {0};
    page_arrays(t, &l);
    for (int i = 0; i < s->n_elems; i++) {
        const pdffinish_elem *e = &s->elems[i];
        for (int j = 0; j < e->n_kids; j++) {
            if (e->kids[j] >= 0) continue;
            int c = -1 - e->kids[j];
            for (int k = t->chunk_first[c]; k < t->chunk_first[c + 1]; k++) {
                const tree_kid *kid = &t->kids[k];
                if (kid->mcid >= 0) continue;
                long long sp_text = annot_struct_parent(t, kid);
                if (sp_text >= 0) {
                    add_num(&l, (int)sp_text, t->base + i);
                    continue;
                }
                qpdf_oh an = qpdf_get_object_by_id(q, kid->annot_id, kid->annot_gen);
                qpdf_oh sp = qpdf_oh_get_key(q, an, "/StructParent");
                if (qpdf_oh_is_integer(q, sp)) add_num(&l, qpdf_oh_get_int_value_as_int(q, sp), t->base + i);
                qpdf_oh_release(q, sp);
                qpdf_oh_release(q, an);
            }
        }
    }
    qsort(l.v, (size_t)l.n, sizeof *l.v, by_key);
    buf nums;
    buf_init(&nums);
    buf_puts(&nums, "<< /Nums [");
    for (int i = 0; i < l.n; i++) buf_printf(&nums, " %d %d 0 R", l.v[i].key, l.v[i].value);
    buf_puts(&nums, " ] >>");
    int id = pdfupdate_reserve(t->u, q, 1);
    pdfupdate_set_text(t->u, id, nums.data, nums.len);
    qpdf_oh ref = pdfupdate_ref(q, id);
    qpdf_oh_replace_key(q, tree_root, "/ParentTree", ref);
    put_int(q, tree_root, "/ParentTreeNextKey", l.next_key);
    qpdf_oh_release(q, ref);
    buf_free(&nums);
    free(l.v);
}

typedef struct id_entry {
    const char *id;
    int elem;
} id_entry;

static int by_id(const void *a, const void *b) {
    return strcmp(((const id_entry *)a)->id, ((const id_entry *)b)->id);
}

/* Elements with an /ID are found through the tree's /IDTree (a name tree, sorted). */
static void write_id_tree(tree *t, qpdf_oh tree_root) {
    qpdf_data q = t->q;
    const pdffinish_structure *s = t->s;
    id_entry *ids = xcalloc((size_t)s->n_elems, sizeof *ids);
    int n = 0;
    for (int i = 0; i < s->n_elems; i++)
        if (s->elems[i].id && *s->elems[i].id) ids[n++] = (id_entry){s->elems[i].id, i};
    if (n > 0) {
        qsort(ids, (size_t)n, sizeof *ids, by_id);
        buf names;
        buf_init(&names);
        buf_puts(&names, "<< /Names [");
        for (int i = 0; i < n; i++) {
            buf_putc(&names, ' ');
            text_string(t, &names, ids[i].id, false);
            buf_printf(&names, " %d 0 R", t->base + ids[i].elem);
        }
        buf_puts(&names, " ] >>");
        int id = pdfupdate_reserve(t->u, q, 1);
        pdfupdate_set_text(t->u, id, names.data, names.len);
        qpdf_oh ref = pdfupdate_ref(q, id);
        qpdf_oh_replace_key(q, tree_root, "/IDTree", ref);
        qpdf_oh_release(q, ref);
        buf_free(&names);
    } else {
        qpdf_oh_remove_key(q, tree_root, "/IDTree");
    }
    free(ids);
}

/*** artifacts ***/

static const char *artifact_props(int kind) {
    switch (kind) {
    case PDFFINISH_ART_HEADER: return "/Artifact << /Type /Pagination /Subtype /Header >> BDC";
    case PDFFINISH_ART_FOOTER: return "/Artifact << /Type /Pagination /Subtype /Footer >> BDC";
    case PDFFINISH_ART_PAGINATION: return "/Artifact << /Type /Pagination >> BDC";
    case PDFFINISH_ART_PAGE: return "/Artifact << /Type /Page >> BDC";
    default: return "/Artifact << /Type /Layout >> BDC";
    }
}

/* Where a planned join starts at data[i] ("EMC", a newline, then "/Name << /MCID n >> BDC"
 * with join[n], right after the line before): the offset after it, else 0. The joined id
 * is marked 2. */
static size_t join_at(const tree_page *p, const unsigned char *data, size_t len, size_t i) {
    static const char emc[] = "EMC\n/", mc[] = " << /MCID ", tail[] = " >> BDC\n";
    if (!p->n_join || (i > 0 && data[i - 1] != '\n') || len - i < sizeof emc || memcmp(data + i, emc, sizeof emc - 1))
        return 0;
    size_t j = i + sizeof emc - 1;
    while (j < len && ((data[j] >= 'A' && data[j] <= 'Z') || (data[j] >= 'a' && data[j] <= 'z'))) j++;
    if (len - j < sizeof mc || memcmp(data + j, mc, sizeof mc - 1)) return 0;
    j += sizeof mc - 1;
    long mcid = 0;
    size_t d0 = j;
    while (j < len && data[j] >= '0' && data[j] <= '9' && mcid < 1L << 30) mcid = mcid * 10 + (data[j++] - '0');
    if (j == d0 || mcid >= p->n_mcid || p->join[mcid] != 1 || len - j < sizeof tail - 1 ||
        memcmp(data + j, tail, sizeof tail - 1))
        return 0;
    p->join[mcid] = 2;
    return j + sizeof tail - 1;
}

/* One content stream to rewrite: read and stored by libqpdf on the main thread, rewritten
 * and deflated on either of two threads (the rewrite touches only its page's join marks,
 * and a page's streams go to one thread). */
typedef struct rewrite_job {
    qpdf_oh stream;
    int page;
    unsigned char *data;      /* the stream's content, decoded (cairo's pages come uncompressed) */
    size_t len;
    unsigned char *out;       /* the rewritten content deflated, NULL when nothing changed */
    size_t out_len;
    int done;                 /* artifacts rewritten */
} rewrite_job;

/* Rewrites cairo's "/NonStruct << /MCID n >> BDC" lines of one content stream as
 * Artifact marked content, and joins the marked content planned to be one (plan_joins);
 * what changed is deflated, so each page is compressed once, here. */
static void rewrite_content(tree_page *p, rewrite_job *jb) {
    static const char pat[] = "/" PDFFINISH_ARTIFACT_TAG " << /MCID ";
    const size_t plen = sizeof pat - 1;
    const unsigned char *data = jb->data;
    size_t len = jb->len;
    buf out;
    buf_init(&out);
    int done = 0, joined = 0;
    size_t i = 0, from = 0;
    while (i + plen <= len) {
        size_t jn = join_at(p, data, len, i);
        if (jn) {
            buf_put(&out, data + from, i - from);
            i = from = jn;
            joined++;
            continue;
        }
        if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, pat, plen) == 0) {
            size_t j = i + plen;
            long mcid = 0;
            while (j < len && data[j] >= '0' && data[j] <= '9' && mcid < 1L << 30) mcid = mcid * 10 + (data[j++] - '0');
            static const char tail[] = " >> BDC";
            if (j + sizeof tail - 1 <= len && memcmp(data + j, tail, sizeof tail - 1) == 0 && mcid < p->n_mcid &&
                p->art[mcid]) {
                buf_put(&out, data + from, i - from);
                buf_puts(&out, artifact_props(p->art[mcid]));
                i = from = j + sizeof tail - 1;
                done++;
                continue;
            }
        }
        i++;
    }
    if (done + joined > 0) {
        buf_put(&out, data + from, len - from);
        jb->out = pdfpack_deflate(out.data, out.len, &jb->out_len);
    }
    buf_free(&out);
    jb->done = done;
}

typedef struct rewrite_batch {
    tree *t;
    rewrite_job *jobs;
    int n, parity;            /* the jobs of pages with this parity */
} rewrite_batch;

static void *rewrite_half(void *arg) {
    rewrite_batch *b = arg;
    for (int k = 0; k < b->n; k++)
        if (b->jobs[k].page % 2 == b->parity) rewrite_content(&b->t->pages[b->jobs[k].page], &b->jobs[k]);
    return NULL;
}

/* Odd pages on a second thread, even ones here (all here when no thread starts). */
static void rewrite_jobs(tree *t, rewrite_job *jobs, int n) {
    rewrite_batch odd = {t, jobs, n, 1}, even = {t, jobs, n, 0};
    pthread_t tid;
    bool threaded = n > 1 && pthread_create(&tid, NULL, rewrite_half, &odd) == 0;
    rewrite_half(&even);
    if (threaded) pthread_join(tid, NULL);
    else rewrite_half(&odd);
}

/* Queues one content stream of page `page` (taking the handle); false after a message. */
static bool fetch_content(tree *t, qpdf_oh stream, int page, rewrite_job **jobs, int *n, int *cap) {
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *jobs = xrealloc(*jobs, (size_t)*cap * sizeof **jobs);
    }
    rewrite_job *jb = &(*jobs)[(*n)++];
    *jb = (rewrite_job){.stream = stream, .page = page};
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_get_stream_data(t->q, stream, qpdf_dl_generalized, &filtered, &jb->data, &jb->len) != QPDF_SUCCESS ||
        !filtered) {
        diag_error(t->d, t->path, 0, 0, "cannot read the content of page %d", page + 1);
        return false;
    }
    return true;
}

/* The rewritten content in its stream; the job's memory freed. */
static void store_content(tree *t, rewrite_job *jb) {
    qpdf_data q = t->q;
    if (jb->out) {
        qpdf_oh flate = qpdf_oh_new_name(q, "/FlateDecode"), nl = qpdf_oh_new_null(q);
        qpdf_oh_replace_stream_data(q, jb->stream, jb->out, jb->out_len, flate, nl);
        pdfupdate_changed(t->u, q, jb->stream);
        qpdf_oh_release(q, flate);
        qpdf_oh_release(q, nl);
    }
    free(jb->out);
    free(jb->data);
    qpdf_oh_release(q, jb->stream);
}

/* Queues the content streams of page i; false after a message. */
static bool fetch_page(tree *t, int i, rewrite_job **jobs, int *n, int *cap) {
    qpdf_data q = t->q;
    qpdf_oh page = qpdf_get_page_n(q, (size_t)i), c = qpdf_oh_get_key(q, page, "/Contents");
    bool ok = true;
    if (qpdf_oh_is_stream(q, c)) {
        ok = fetch_content(t, qpdf_oh_new_object(q, c), i, jobs, n, cap);
    } else if (qpdf_oh_is_array(q, c)) {
        int m = qpdf_oh_get_array_n_items(q, c);
        for (int k = 0; k < m && ok; k++) ok = fetch_content(t, qpdf_oh_get_array_item(q, c, k), i, jobs, n, cap);
    }
    qpdf_oh_release(q, c);
    qpdf_oh_release(q, page);
    return ok;
}

/* The pages with artifacts or joins are rewritten a batch of pages at a time, so that only
 * a few pages' content is held at once. */
#define REWRITE_BATCH 32

static bool write_artifacts(tree *t) {
    rewrite_job *jobs = NULL;
    int cap = 0, done[REWRITE_BATCH];
    bool ok = true;
    for (int first = 0; first < t->n_pages && ok; first += REWRITE_BATCH) {
        int last = first + REWRITE_BATCH < t->n_pages ? first + REWRITE_BATCH : t->n_pages, n = 0;
        for (int i = first; i < last && ok; i++)
            if (t->pages[i].n_art > 0 || t->pages[i].n_join > 0) ok = fetch_page(t, i, &jobs, &n, &cap);
        if (ok) rewrite_jobs(t, jobs, n);
        memset(done, 0, sizeof done);
        for (int k = 0; k < n; k++) {
            done[jobs[k].page - first] += jobs[k].done;
            store_content(t, &jobs[k]);
        }
        for (int i = first; i < last && ok; i++) {
            if (done[i - first] == t->pages[i].n_art) continue;
            diag_error(t->d, t->path, 0, 0, "page %d: %d of %d artifacts found in its content", i + 1, done[i - first],
                       t->pages[i].n_art);
            ok = false;
        }
    }
    free(jobs);
    return ok;
}

/* Pages with annotations are read in structure order (PDF/UA). */
static void set_tabs(tree *t) {
    qpdf_data q = t->q;
    for (int i = 0; i < t->n_pages; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i), an = qpdf_oh_get_key(q, page, "/Annots");
        if (qpdf_oh_is_array(q, an) && qpdf_oh_get_array_n_items(q, an) > 0) {
            put_name(q, page, "/Tabs", "/S");
            pdfupdate_changed(t->u, q, page);
        }
        qpdf_oh_release(q, an);
        qpdf_oh_release(q, page);
    }
}

static int by_page_id(const void *a, const void *b) {
    int x = ((const struct page_ref *)a)->id, y = ((const struct page_ref *)b)->id;
    return (x > y) - (x < y);
}

static void read_page_ids(tree *t) {
    size_t n = (size_t)(t->n_pages ? t->n_pages : 1);
    t->page_id = xmalloc(n * sizeof *t->page_id);
    t->page_order = xmalloc(n * sizeof *t->page_order);
    for (int i = 0; i < t->n_pages; i++) {
        qpdf_oh page = qpdf_get_page_n(t->q, (size_t)i);
        t->page_id[i] = qpdf_oh_get_object_id(t->q, page);
        t->page_order[i] = (struct page_ref){t->page_id[i], i};
        qpdf_oh_release(t->q, page);
    }
    qsort(t->page_order, (size_t)t->n_pages, sizeof *t->page_order, by_page_id);
}

static void tree_free(tree *t) {
    for (int i = 0; t->pages && i < t->n_pages; i++)
        free(t->pages[i].elem), free(t->pages[i].art), free(t->pages[i].join);
    free(t->pages);
    free(t->kids);
    free(t->chunk_first);
    free(t->page_id);
    free(t->page_order);
    free(t->parent);
}

int pdftree_apply(qpdf_data q, pdfupdate *u, const pdffinish_structure *s, diag *d, const char *path) {
    tree t = {0};
    t.q = q, t.u = u, t.s = s, t.d = d, t.path = path;
    t.n_pages = qpdf_get_num_pages(q);
    int rc = QUIRE_EIO;
    qpdf_oh root = qpdf_get_root(q), tr = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    qpdf_oh kids = qpdf_oh_get_key(q, tr, "/K");
    if (s->n_elems < 1 || !qpdf_oh_is_dictionary(q, tr) || !qpdf_oh_is_indirect(q, tr)) {
        diag_error(d, path, 0, 0, "the PDF has no structure tree to finish");
        goto done;
    }
    t.root_id = qpdf_oh_get_object_id(q, tr);
    read_page_ids(&t);
    if (!read_chunks(&t, kids) || !map_pages(&t)) goto done;
    plan_joins(&t);
    /* the content first: the elements leave out the marked content joined to the one before */
    if (!write_artifacts(&t) || !write_elements(&t)) goto done;
    write_parent_tree(&t, tr);
    write_id_tree(&t, tr);
    qpdf_oh doc = pdfupdate_ref(q, t.base);
    qpdf_oh_replace_key(q, tr, "/K", doc);
    qpdf_oh_release(q, doc);
    qpdf_oh_remove_key(q, tr, "/RoleMap");
    pdfupdate_changed(u, q, tr);
    set_tabs(&t);
    rc = QUIRE_OK;
done:
    qpdf_oh_release(q, kids);
    qpdf_oh_release(q, tr);
    qpdf_oh_release(q, root);
    tree_free(&t);
    return rc;
}
