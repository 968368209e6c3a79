/* pdffinish: cairo's PDF in, the same PDF with catalog entries, page labels, print boxes and a fixed /ID out.
 * Each edit of an existing object is announced with pdfupdate_changed: only announced objects
 * are written (as an incremental update appended to cairo's file). */
#include "print/pdffinish.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <qpdf/qpdf-c.h>

#include "base/image.h"
#include "base/util.h"
#include "print/layout.h"
#include "print/pdftree.h"
#include "print/pdfupdate.h"

/* Passes qpdf's warnings (damaged input it recovered from, for instance) on. */
static void take_warnings(qpdf_data q, diag *d, const char *path)
{
    while (qpdf_more_warnings(q)) {
        qpdf_error w = qpdf_next_warning(q);
        char *f = xstrdup(path);   /* the name the user knows, never a temporary file's */
        const char *detail = qpdf_get_error_message_detail(q, w);
        if (!detail || !*detail)
            detail = qpdf_get_error_full_text(q, w);
        diag_warning(d, f, 0, 0, "%s", detail);
        free(f);
    }
}

/* Reports qpdf's pending error, if any; true when there was one. */
static bool take_error(qpdf_data q, diag *d, const char *path, const char *what)
{
    if (!qpdf_has_error(q))
        return false;
    take_warnings(q, d, path);   /* they came first */
    qpdf_error e = qpdf_get_error(q);
    char *f = xstrdup(path);
    const char *detail = qpdf_get_error_message_detail(q, e);
    if (!detail || !*detail)
        detail = qpdf_get_error_full_text(q, e);
    diag_error(d, f, 0, 0, "%s: %s", what, detail);
    free(f);
    return true;
}

/* The dictionary under `key` in `dict`, created (direct) when missing or not a dictionary. */
static qpdf_oh sub_dict(qpdf_data q, qpdf_oh dict, const char *key)
{
    qpdf_oh v = qpdf_oh_get_key(q, dict, key);
    if (qpdf_oh_is_dictionary(q, v))
        return v;
    qpdf_oh_release(q, v);
    v = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, dict, key, v);
    return v;
}

static void set_bool(qpdf_data q, qpdf_oh dict, const char *key, bool value)
{
    qpdf_oh b = qpdf_oh_new_bool(q, value ? QPDF_TRUE : QPDF_FALSE);
    qpdf_oh_replace_key(q, dict, key, b);
    qpdf_oh_release(q, b);
}

static qpdf_oh new_label_dict(qpdf_data q, const pdffinish_label_range *r)
{
    qpdf_oh dict = qpdf_oh_new_dictionary(q);
    if (r->style) {
        char name[3] = {'/', r->style, 0};
        qpdf_oh s = qpdf_oh_new_name(q, name);
        qpdf_oh_replace_key(q, dict, "/S", s);
        qpdf_oh_release(q, s);
    }
    if (r->start != 1) {   /* 1 is the default */
        qpdf_oh st = qpdf_oh_new_integer(q, r->start);
        qpdf_oh_replace_key(q, dict, "/St", st);
        qpdf_oh_release(q, st);
    }
    return dict;
}

static int set_page_labels(qpdf_data q, qpdf_oh root, const pdffinish_options *opt, int n_pages,
                           diag *d, const char *path)
{
    for (int i = 0; i < opt->n_labels; i++) {
        const pdffinish_label_range *r = &opt->labels[i];
        if (r->style != 0 && r->style != 'r' && r->style != 'D') {
            diag_error(d, path, 0, 0, "page label style '%c' is not supported", r->style);
            return QUIRE_EIO;
        }
        if (r->first_page < 0 || r->first_page >= n_pages ||
            (i > 0 && r->first_page <= opt->labels[i - 1].first_page) || r->start < 1) {
            diag_error(d, path, 0, 0, "page label range %d (page %d, start %d) is out of order or range",
                       i + 1, r->first_page, r->start);
            return QUIRE_EIO;
        }
    }
    qpdf_oh nums = qpdf_oh_new_array(q);
    /* The first range must begin on the first page; unlabelled pages before it count from 1. */
    if (opt->labels[0].first_page != 0) {
        pdffinish_label_range lead = {0, 'D', 1};
        qpdf_oh k = qpdf_oh_new_integer(q, 0), v = new_label_dict(q, &lead);
        qpdf_oh_append_item(q, nums, k);
        qpdf_oh_append_item(q, nums, v);
        qpdf_oh_release(q, k);
        qpdf_oh_release(q, v);
    }
    for (int i = 0; i < opt->n_labels; i++) {
        qpdf_oh k = qpdf_oh_new_integer(q, opt->labels[i].first_page);
        qpdf_oh v = new_label_dict(q, &opt->labels[i]);
        qpdf_oh_append_item(q, nums, k);
        qpdf_oh_append_item(q, nums, v);
        qpdf_oh_release(q, k);
        qpdf_oh_release(q, v);
    }
    qpdf_oh labels = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, labels, "/Nums", nums);
    qpdf_oh_replace_key(q, root, "/PageLabels", labels);
    qpdf_oh_release(q, nums);
    qpdf_oh_release(q, labels);
    return QUIRE_OK;
}

/* The page's MediaBox as llx, lly, urx, ury, looking up the page tree when inherited. */
static bool media_box(qpdf_data q, qpdf_oh page, double box[4])
{
    qpdf_oh node = qpdf_oh_new_object(q, page);
    bool found = false;
    for (int depth = 0; depth < 64 && qpdf_oh_is_dictionary(q, node); depth++) {
        qpdf_oh mb = qpdf_oh_get_key(q, node, "/MediaBox");
        if (qpdf_oh_is_array(q, mb) && qpdf_oh_get_array_n_items(q, mb) == 4) {
            found = true;
            for (int i = 0; i < 4; i++) {
                qpdf_oh it = qpdf_oh_get_array_item(q, mb, i);
                if (!qpdf_oh_get_value_as_number(q, it, &box[i]))
                    found = false;
                qpdf_oh_release(q, it);
            }
        }
        qpdf_oh_release(q, mb);
        if (found)
            break;
        qpdf_oh parent = qpdf_oh_get_key(q, node, "/Parent");
        qpdf_oh_release(q, node);
        node = parent;
    }
    qpdf_oh_release(q, node);
    if (found) {
        double x0 = fmin(box[0], box[2]), x1 = fmax(box[0], box[2]);
        double y0 = fmin(box[1], box[3]), y1 = fmax(box[1], box[3]);
        box[0] = x0, box[1] = y0, box[2] = x1, box[3] = y1;
    }
    return found;
}

static void set_box(qpdf_data q, qpdf_oh page, const char *key, const double box[4], double inset)
{
    qpdf_oh arr = qpdf_oh_new_array(q);
    const double v[4] = {box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset};
    for (int i = 0; i < 4; i++) {
        /* Rounded to 1/1000 pt so the numbers print the same everywhere. */
        qpdf_oh n = qpdf_oh_new_real_from_double(q, round(v[i] * 1000.0) / 1000.0, 3);
        qpdf_oh_append_item(q, arr, n);
        qpdf_oh_release(q, n);
    }
    qpdf_oh_replace_key(q, page, key, arr);
    qpdf_oh_release(q, arr);
}

static int set_print_boxes(qpdf_data q, pdfupdate *u, const pdffinish_options *opt, int n_pages, diag *d,
                           const char *path)
{
    double slug = opt->slug > 0 ? opt->slug : 0;
    for (int i = 0; i < n_pages; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
        double box[4];
        if (!media_box(q, page, box)) {
            diag_error(d, path, 0, 0, "page %d has no usable MediaBox", i + 1);
            qpdf_oh_release(q, page);
            return QUIRE_EIO;
        }
        double margin = slug + opt->bleed;
        if (box[2] - box[0] <= 2 * margin || box[3] - box[1] <= 2 * margin) {
            diag_error(d, path, 0, 0, "page %d (%gx%g pt) is too small for %g pt bleed and %g pt slug",
                       i + 1, box[2] - box[0], box[3] - box[1], opt->bleed, slug);
            qpdf_oh_release(q, page);
            return QUIRE_EIO;
        }
        set_box(q, page, "/BleedBox", box, slug);
        set_box(q, page, "/TrimBox", box, margin);
        pdfupdate_changed(u, q, page);
        qpdf_oh_release(q, page);
    }
    return QUIRE_OK;
}

/*** figure alt texts ***/

typedef struct alt_walk {
    pdfupdate *u;
    const pdffinish_options *opt;
    int next;                        /* index of the next Figure */
} alt_walk;

/* Elements whose kids are never a Figure in quire's PDF: text, links, labels, captions,
 * tables and the contents. The walk does not read their kids, each of which libqpdf
 * would parse (a third of the tree). */
static bool holds_no_figure(const char *type)
{
    static const char *const leaves[] = {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Lbl", "/Link",
                                         "/Span", "/Quote", "/Code", "/Reference", "/Caption", "/Figure", "/Formula",
                                         "/Form", "/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot",
                                         "/TOC", "/TOCI", "/Annot"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
        if (strcmp(type, leaves[i]) == 0)
            return true;
    return false;
}

/* Depth first over the structure tree, kids in order: the document order of elements;
 * done when every alt text has its Figure. */
static void walk_struct(qpdf_data q, qpdf_oh node, alt_walk *w, int depth)
{
    if (depth > 64)
        return;
    if (qpdf_oh_is_array(q, node)) {
        int n = qpdf_oh_get_array_n_items(q, node);
        for (int i = 0; i < n; i++) {
            qpdf_oh kid = qpdf_oh_get_array_item(q, node, i);
            walk_struct(q, kid, w, depth + 1);
            qpdf_oh_release(q, kid);
        }
        return;
    }
    if (!qpdf_oh_is_dictionary(q, node) || !qpdf_oh_has_key(q, node, "/S"))
        return;   /* a marked-content id or reference */
    qpdf_oh type_oh = qpdf_oh_get_key(q, node, "/S");
    const char *type = qpdf_oh_is_name(q, type_oh) ? qpdf_oh_get_name(q, type_oh) : "";
    if (strcmp(type, "/Figure") == 0) {
        int i = w->next++;
        const char *alt = i < w->opt->n_figure_alts ? w->opt->figure_alts[i] : NULL;
        if (alt && *alt) {
            qpdf_oh s = qpdf_oh_new_unicode_string(q, alt);
            qpdf_oh_replace_key(q, node, "/Alt", s);
            pdfupdate_changed(w->u, q, node);
            qpdf_oh_release(q, s);
        }
    }
    bool leaf = holds_no_figure(type);
    qpdf_oh_release(q, type_oh);
    if (leaf || w->next >= w->opt->n_figure_alts)
        return;
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/K");
    walk_struct(q, kids, w, depth + 1);
    qpdf_oh_release(q, kids);
}

static void set_figure_alts(qpdf_data q, pdfupdate *u, qpdf_oh root, const pdffinish_options *opt)
{
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (qpdf_oh_is_dictionary(q, tree)) {
        alt_walk w = {u, opt, 0};
        qpdf_oh kids = qpdf_oh_get_key(q, tree, "/K");
        walk_struct(q, kids, &w, 0);
        qpdf_oh_release(q, kids);
    }
    qpdf_oh_release(q, tree);
}

/*** the Document root element ***/

/* Cairo 1.16 cannot keep an element open across pages, so its structure tree has no
 * Document element: the StructTreeRoot's /K holds H1, P, L… directly. */

/* A structure element (not a marked-content id, MCR or OBJR): a dictionary with /S. */
static bool is_struct_elem(qpdf_data q, qpdf_oh kid)
{
    return qpdf_oh_is_dictionary(q, kid) && qpdf_oh_has_key(q, kid, "/S");
}

/* Whether `kid` is a Document element, directly or through the tree's /RoleMap. */
static bool is_document_elem(qpdf_data q, qpdf_oh tree, qpdf_oh kid)
{
    if (!is_struct_elem(q, kid))
        return false;
    qpdf_oh s = qpdf_oh_get_key(q, kid, "/S");
    qpdf_oh map = qpdf_oh_get_key(q, tree, "/RoleMap");
    bool found = false;
    for (int step = 0; step < 8 && qpdf_oh_is_name(q, s); step++) {
        if (qpdf_oh_is_name_and_equals(q, s, "/Document")) {
            found = true;
            break;
        }
        if (!qpdf_oh_is_dictionary(q, map))
            break;
        qpdf_oh next = qpdf_oh_get_key(q, map, qpdf_oh_get_name(q, s));
        qpdf_oh_release(q, s);
        s = next;
    }
    qpdf_oh_release(q, map);
    qpdf_oh_release(q, s);
    return found;
}

/* In a /ParentTree (number tree) node, every reference to the object `root_id` becomes
 * `doc`: content that sat directly under the root now belongs to the Document. */
static void retarget_parents(qpdf_data q, pdfupdate *u, qpdf_oh node, int root_id, qpdf_oh doc, int depth)
{
    if (depth > 32 || !qpdf_oh_is_dictionary(q, node))
        return;
    qpdf_oh nums = qpdf_oh_get_key(q, node, "/Nums");
    int n = qpdf_oh_is_array(q, nums) ? qpdf_oh_get_array_n_items(q, nums) : 0;
    for (int i = 1; i < n; i += 2) {
        qpdf_oh v = qpdf_oh_get_array_item(q, nums, i);
        if (qpdf_oh_is_indirect(q, v) && qpdf_oh_get_object_id(q, v) == root_id) {
            qpdf_oh_set_array_item(q, nums, i, doc);
            pdfupdate_changed(u, q, nums);
            pdfupdate_changed(u, q, node);
        } else if (qpdf_oh_is_array(q, v)) {
            int m = qpdf_oh_get_array_n_items(q, v);
            for (int j = 0; j < m; j++) {
                qpdf_oh it = qpdf_oh_get_array_item(q, v, j);
                if (qpdf_oh_is_indirect(q, it) && qpdf_oh_get_object_id(q, it) == root_id) {
                    qpdf_oh_set_array_item(q, v, j, doc);
                    pdfupdate_changed(u, q, v);
                    pdfupdate_changed(u, q, nums);
                    pdfupdate_changed(u, q, node);
                }
                qpdf_oh_release(q, it);
            }
        }
        qpdf_oh_release(q, v);
    }
    qpdf_oh_release(q, nums);
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    int k = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < k; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
        retarget_parents(q, u, kid, root_id, doc, depth + 1);
        qpdf_oh_release(q, kid);
    }
    qpdf_oh_release(q, kids);
}

/* Puts the root's kids under one new Document element, unless they already are one. The
 * elements stay the same objects, so the /ParentTree (page content → element) holds. */
static void add_document_root(qpdf_data q, pdfupdate *u, qpdf_oh root)
{
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    if (!qpdf_oh_is_dictionary(q, tree)) {
        qpdf_oh_release(q, tree);
        return;
    }
    if (!qpdf_oh_is_indirect(q, tree)) {
        /* /P must refer to the root, so it becomes an indirect object. */
        qpdf_oh ind = pdfupdate_new_object(u, q, tree);
        qpdf_oh_replace_key(q, root, "/StructTreeRoot", ind);
        qpdf_oh_release(q, tree);
        tree = ind;
    }
    qpdf_oh k = qpdf_oh_get_key(q, tree, "/K");
    /* A single kid may stand alone or in an array of one. */
    qpdf_oh kids = qpdf_oh_is_array(q, k) ? qpdf_oh_new_object(q, k)
                   : qpdf_oh_is_null(q, k) ? qpdf_oh_new_array(q) : qpdf_oh_wrap_in_array(q, k);
    qpdf_oh_release(q, k);
    int n = qpdf_oh_get_array_n_items(q, kids);
    bool done = n == 0;   /* an empty tree gets no empty Document */
    if (n == 1) {
        qpdf_oh only = qpdf_oh_get_array_item(q, kids, 0);
        done = is_document_elem(q, tree, only);
        qpdf_oh_release(q, only);
    }
    if (done) {
        qpdf_oh_release(q, kids);
        qpdf_oh_release(q, tree);
        return;
    }

    qpdf_oh dict = qpdf_oh_new_dictionary(q);
    qpdf_oh type = qpdf_oh_new_name(q, "/StructElem"), s = qpdf_oh_new_name(q, "/Document");
    qpdf_oh_replace_key(q, dict, "/Type", type);
    qpdf_oh_replace_key(q, dict, "/S", s);
    qpdf_oh_replace_key(q, dict, "/P", tree);
    qpdf_oh_release(q, type);
    qpdf_oh_release(q, s);
    qpdf_oh doc = pdfupdate_new_object(u, q, dict);
    qpdf_oh_release(q, dict);

    qpdf_oh moved = qpdf_oh_new_array(q);
    bool content = false;   /* marked content or an OBJR right under the root */
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
        if (is_struct_elem(q, kid)) {
            qpdf_oh_replace_key(q, kid, "/P", doc);
            pdfupdate_changed(u, q, kid);
        } else {
            content = true;
        }
        qpdf_oh_append_item(q, moved, kid);
        qpdf_oh_release(q, kid);
    }
    qpdf_oh_replace_key(q, doc, "/K", moved);
    qpdf_oh_replace_key(q, tree, "/K", doc);
    pdfupdate_changed(u, q, tree);
    if (content) {
        qpdf_oh pt = qpdf_oh_get_key(q, tree, "/ParentTree");
        retarget_parents(q, u, pt, qpdf_oh_get_object_id(q, tree), doc, 0);
        qpdf_oh_release(q, pt);
    }
    qpdf_oh_release(q, moved);
    qpdf_oh_release(q, doc);
    qpdf_oh_release(q, kids);
    qpdf_oh_release(q, tree);
}

/*** XMP ***/

/* XML 1.0 character data: &, <, >, " and ' escaped; what XML 1.0 cannot hold at all
 * (C0 controls but tab and line ends, U+FFFE, U+FFFF, malformed UTF-8) left out rather
 * than written as a character reference no XML 1.0 reader accepts. */
static void xml_text(GString *x, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c < 0x80) {
            switch (c) {
            case '&': g_string_append(x, "&amp;"); break;
            case '<': g_string_append(x, "&lt;"); break;
            case '>': g_string_append(x, "&gt;"); break;
            case '"': g_string_append(x, "&quot;"); break;
            case '\'': g_string_append(x, "&#39;"); break;
            default:
                if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') g_string_append_c(x, (char)c);
                break;
            }
            p++;
            continue;
        }
        const gchar *end = NULL;
        gunichar u = g_utf8_get_char_validated((const gchar *)p, -1);
        if (u == (gunichar)-1 || u == (gunichar)-2) {
            p++; /* a stray byte */
            continue;
        }
        end = g_utf8_next_char((const gchar *)p);
        if (u != 0xFFFE && u != 0xFFFF) g_string_append_len(x, (const gchar *)p, end - (const gchar *)p);
        p = (const unsigned char *)end;
    }
}

/* An Info dictionary string as UTF-8, or NULL. */
static char *info_string(qpdf_data q, const char *key)
{
    qpdf_oh trailer = qpdf_get_trailer(q);
    qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
    char *out = NULL;
    if (qpdf_oh_is_dictionary(q, info)) {
        qpdf_oh v = qpdf_oh_get_key(q, info, key);
        if (qpdf_oh_is_string(q, v))
            out = xstrdup(qpdf_oh_get_utf8_value(q, v));
        qpdf_oh_release(q, v);
    }
    qpdf_oh_release(q, info);
    qpdf_oh_release(q, trailer);
    return out;
}

static void set_xmp(qpdf_data q, pdfupdate *u, qpdf_oh root, const pdffinish_options *opt)
{
    char *title = opt->xmp_title ? xstrdup(opt->xmp_title) : info_string(q, "/Title");
    char *producer = info_string(q, "/Producer"), *tool = info_string(q, "/Creator");
    time_t t = (time_t)opt->xmp_date;
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);

    GString *x = g_string_new("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                              "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                              "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                              "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                              "  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                              "  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
                              "<dc:format>application/pdf</dc:format>\n");
    /* Claimed only with the structure the print writer describes, which the tests check
     * against the PDF/UA-1 conditions a machine can check. */
    if (opt->structure)
        g_string_append(x, "<pdfuaid:part>1</pdfuaid:part>\n");
    if (title) {
        g_string_append(x, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(x, title);
        g_string_append(x, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (opt->n_xmp_creators > 0) {
        g_string_append(x, "<dc:creator><rdf:Seq>");
        for (int i = 0; i < opt->n_xmp_creators; i++) {
            g_string_append(x, "<rdf:li>");
            xml_text(x, opt->xmp_creators[i]);
            g_string_append(x, "</rdf:li>");
        }
        g_string_append(x, "</rdf:Seq></dc:creator>\n");
    }
    if (opt->language && *opt->language) {
        g_string_append(x, "<dc:language><rdf:Bag><rdf:li>");
        xml_text(x, opt->language);
        g_string_append(x, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    if (producer) {
        g_string_append(x, "<pdf:Producer>");
        xml_text(x, producer);
        g_string_append(x, "</pdf:Producer>\n");
    }
    if (tool) {
        g_string_append(x, "<xmp:CreatorTool>");
        xml_text(x, tool);
        g_string_append(x, "</xmp:CreatorTool>\n");
    }
    g_string_append_printf(x, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                              "<xmp:MetadataDate>%s</xmp:MetadataDate>\n", date, date, date);
    g_string_append(x, "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");

    /* Uncompressed, so that tools find the packet by its xpacket marks. */
    qpdf_oh dict = qpdf_oh_new_dictionary(q);
    qpdf_oh ty = qpdf_oh_new_name(q, "/Metadata"), sub = qpdf_oh_new_name(q, "/XML");
    qpdf_oh_replace_key(q, dict, "/Type", ty);
    qpdf_oh_replace_key(q, dict, "/Subtype", sub);
    qpdf_oh st = pdfupdate_new_stream(u, q, dict, x->str, x->len);
    qpdf_oh_replace_key(q, root, "/Metadata", st);
    qpdf_oh_release(q, ty);
    qpdf_oh_release(q, sub);
    qpdf_oh_release(q, dict);
    qpdf_oh_release(q, st);
    g_string_free(x, TRUE);
    free(title);
    free(producer);
    free(tool);
}

/*** PNGs shown from their own data ***/

typedef struct png_walk {
    qpdf_data q;
    pdfupdate *u;
    const pdffinish_options *opt;
    diag *d;
    const char *path;
    bool *seen;                  /* by object number */
    int n_seen;
    int missing;
    bool *found;                 /* by PNG: its image object was given its data */
} png_walk;

/* The PNG a stand-in JPEG names, or NULL. */
static const pdffinish_png *png_named(const png_walk *w, const unsigned char *jpeg, size_t len)
{
    size_t tag = strlen(LAYOUT_PNG_TAG);
    if (len < 6 + tag || memcmp(jpeg, "\xff\xd8\xff\xef", 4) != 0 || memcmp(jpeg + 6, LAYOUT_PNG_TAG, tag) != 0)
        return NULL;
    size_t seg = (size_t)jpeg[4] << 8 | jpeg[5];
    if (seg < 2 + tag || seg + 4 > len)
        return NULL;
    const char *key = (const char *)jpeg + 6 + tag;
    size_t klen = seg - 2 - tag;
    for (int i = 0; i < w->opt->n_pngs; i++)
        if (strlen(w->opt->pngs[i].key) == klen && memcmp(w->opt->pngs[i].key, key, klen) == 0)
            return &w->opt->pngs[i];
    return NULL;
}

/* dict's key set to the object `text` parses to. */
static void set_parsed(qpdf_data q, qpdf_oh dict, const char *key, const char *text)
{
    qpdf_oh v = qpdf_oh_parse(q, text);
    qpdf_oh_replace_key(q, dict, key, v);
    qpdf_oh_release(q, v);
}

/* [/Indexed /DeviceRGB hival <palette>] (malloc'd). */
static char *indexed_space(const image_pdf *img)
{
    char *s = xmalloc(40 + 6 * (size_t)img->palette_n);
    int n = sprintf(s, "[/Indexed /DeviceRGB %d <", img->palette_n - 1);
    for (int i = 0; i < 3 * img->palette_n; i++)
        n += sprintf(s + n, "%02x", img->palette[i]);
    strcpy(s + n, ">]");
    return s;
}

/* The image's colour space, depth and transparency as `img` says. */
static void describe_image(png_walk *w, qpdf_oh dict, const image_pdf *img)
{
    qpdf_data q = w->q;
    char text[128];
    if (img->palette_n > 0) {
        char *cs = indexed_space(img);
        set_parsed(q, dict, "/ColorSpace", cs);
        free(cs);
    } else {
        set_parsed(q, dict, "/ColorSpace", img->colors == 3 ? "/DeviceRGB" : "/DeviceGray");
    }
    snprintf(text, sizeof text, "%d", img->bits);
    set_parsed(q, dict, "/BitsPerComponent", text);
    if (img->n_key > 0) {
        int n = snprintf(text, sizeof text, "[");
        for (int i = 0; i < img->n_key; i++)
            n += snprintf(text + n, sizeof text - (size_t)n, " %u", img->key[i]);
        snprintf(text + n, sizeof text - (size_t)n, " ]");
        set_parsed(q, dict, "/Mask", text);
    }
    if (img->soft) {
        snprintf(text, sizeof text,
                 "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                 "/BitsPerComponent 8 /Filter /FlateDecode >>",
                 img->width, img->height);
        qpdf_oh sd = qpdf_oh_parse(q, text);
        qpdf_oh mask = pdfupdate_new_stream(w->u, q, sd, img->alpha, img->alpha_len);
        qpdf_oh_replace_key(q, dict, "/SMask", mask);
        qpdf_oh_release(q, mask);
        qpdf_oh_release(q, sd);
    }
}

/* An image drawn through a stand-in gets its PNG's data: FlateDecode, with the PNG
 * predictors when they are the PNG's own. */
static void put_png(png_walk *w, qpdf_oh image)
{
    qpdf_data q = w->q;
    qpdf_oh dict = qpdf_oh_get_dict(q, image), filter = qpdf_oh_get_key(q, dict, "/Filter");
    bool dct = qpdf_oh_is_name_and_equals(q, filter, "/DCTDecode");
    qpdf_oh_release(q, filter);
    unsigned char *jpeg = NULL;
    size_t jlen = 0;
    if (!dct || qpdf_oh_get_stream_data(q, image, qpdf_dl_none, NULL, &jpeg, &jlen) != QPDF_SUCCESS) {
        free(jpeg);
        qpdf_oh_release(q, dict);
        return;
    }
    const pdffinish_png *png = png_named(w, jpeg, jlen);
    image_pdf filled;
    const image_pdf *img = png ? png->img : NULL;
    bool fill = img && img->own && !img->color;
    if (fill) {
        filled = *img;
        img = image_pdf_data(png->data, png->len, &filled) ? &filled : NULL;
    }
    if (jlen >= 6 + strlen(LAYOUT_PNG_TAG) && memcmp(jpeg + 6, LAYOUT_PNG_TAG, strlen(LAYOUT_PNG_TAG)) == 0 &&
        (!img || !img->color)) {
        w->missing++;
    } else if (img) {
        char parms[128];
        snprintf(parms, sizeof parms, "<< /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>", img->colors,
                 img->bits, img->width);
        qpdf_oh flate = qpdf_oh_new_name(q, "/FlateDecode"), dp = img->own ? qpdf_oh_parse(q, parms) : qpdf_oh_new_null(q);
        qpdf_oh_replace_stream_data(q, image, img->color, img->color_len, flate, dp);
        describe_image(w, dict, img);
        pdfupdate_changed(w->u, q, image);
        w->found[png - w->opt->pngs] = true;
        qpdf_oh_release(q, flate);
        qpdf_oh_release(q, dp);
    }
    if (img == &filled)
        image_pdf_release(&filled);
    qpdf_oh_release(q, dict);
    free(jpeg);
}

static void walk_resources(png_walk *w, qpdf_oh res, int depth);

/* The images of a resource dictionary's /XObject, and those of its forms. */
static void walk_xobjects(png_walk *w, qpdf_oh xo, int depth)
{
    qpdf_data q = w->q;
    int n = 0, cap = 8;
    char **keys = xmalloc((size_t)cap * sizeof *keys);
    qpdf_oh_begin_dict_key_iter(q, xo);
    while (qpdf_oh_dict_more_keys(q)) {
        if (n == cap)
            keys = xrealloc(keys, (size_t)(cap *= 2) * sizeof *keys);
        keys[n++] = xstrdup(qpdf_oh_dict_next_key(q));
    }
    for (int i = 0; i < n; i++) {
        qpdf_oh v = qpdf_oh_get_key(q, xo, keys[i]);
        int id = qpdf_oh_get_object_id(q, v);
        if (qpdf_oh_is_stream(q, v) && id > 0 && id < w->n_seen && !w->seen[id]) {
            w->seen[id] = true;
            qpdf_oh dict = qpdf_oh_get_dict(q, v), sub = qpdf_oh_get_key(q, dict, "/Subtype");
            if (qpdf_oh_is_name_and_equals(q, sub, "/Image")) {
                put_png(w, v);
            } else if (qpdf_oh_is_name_and_equals(q, sub, "/Form")) {
                qpdf_oh r = qpdf_oh_get_key(q, dict, "/Resources");
                walk_resources(w, r, depth + 1);
                qpdf_oh_release(q, r);
            }
            qpdf_oh_release(q, sub);
            qpdf_oh_release(q, dict);
        }
        qpdf_oh_release(q, v);
        free(keys[i]);
    }
    free(keys);
}

static void walk_resources(png_walk *w, qpdf_oh res, int depth)
{
    enum { MAX_DEPTH = 16 };
    if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary(w->q, res))
        return;
    qpdf_oh xo = qpdf_oh_get_key(w->q, res, "/XObject");
    if (qpdf_oh_is_dictionary(w->q, xo))
        walk_xobjects(w, xo, depth);
    qpdf_oh_release(w->q, xo);
}

static int pass_pngs_through(qpdf_data q, pdfupdate *u, const pdffinish_options *opt, int n_pages, diag *d,
                             const char *path)
{
    if (opt->n_pngs <= 0)
        return QUIRE_OK;
    qpdf_oh tr = qpdf_get_trailer(q), sz = qpdf_oh_get_key(q, tr, "/Size");
    int size = qpdf_oh_is_integer(q, sz) ? qpdf_oh_get_int_value_as_int(q, sz) : 0;
    qpdf_oh_release(q, sz);
    qpdf_oh_release(q, tr);
    png_walk w = {q, u, opt, d, path, xcalloc((size_t)(size > 0 ? size : 1), 1), size > 0 ? size : 0, 0,
                  xcalloc((size_t)opt->n_pngs, sizeof(bool))};
    for (int i = 0; i < n_pages; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i), res = qpdf_oh_get_key(q, page, "/Resources");
        walk_resources(&w, res, 0);
        qpdf_oh_release(q, res);
        qpdf_oh_release(q, page);
    }
    free(w.seen);
    /* A stand-in left in the file would show nothing: every PNG must have been found. */
    int lost = -1;
    for (int i = 0; i < opt->n_pngs && lost < 0; i++)
        if (!w.found[i])
            lost = i;
    free(w.found);
    if (w.missing > 0 || lost >= 0) {
        diag_error(d, path, 0, 0, "image %s: its PNG data could not be put in the PDF",
                   lost >= 0 ? opt->pngs[lost].key : "drawn through a stand-in");
        return QUIRE_EIO;
    }
    return QUIRE_OK;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return true;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Rewrites a file libqpdf had to repair (its warnings said how) into `path`, so that the
 * update goes onto sound cross-references. */
static bool write_repaired(qpdf_data q, const char *path, diag *d, const char *shown)
{
    qpdf_init_write(q, path);
    if (!take_error(q, d, shown, "cannot write PDF")) {
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        qpdf_set_decode_level(q, qpdf_dl_none);
        qpdf_write(q);
    }
    return !take_error(q, d, shown, "cannot write PDF");
}

/* libqpdf with the file at `path` read, or NULL after a message. Messages go through diag,
 * never libqpdf's own stderr output. */
static qpdf_data read_pdf(const char *path, diag *d, const char *shown)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    qpdf_read(q, path, NULL);
    if (take_error(q, d, shown, "cannot read PDF")) {
        take_warnings(q, d, shown);
        qpdf_cleanup(&q);
        return NULL;
    }
    return q;
}

/* The catalog entries: /MarkInfo and the Document element (tagged), /Lang,
 * /ViewerPreferences, /PageLabels, figure /Alt texts and the XMP packet. */
static int edit_catalog(qpdf_data q, pdfupdate *u, const pdffinish_options *opt, int n_pages, diag *d,
                        const char *in_path)
{
    qpdf_oh root = qpdf_get_root(q);
    int rc = QUIRE_OK;
    if (opt->tagged) {
        qpdf_oh mi = sub_dict(q, root, "/MarkInfo");
        set_bool(q, mi, "/Marked", true);
        qpdf_oh_release(q, mi);
        if (!opt->structure)
            add_document_root(q, u, root);
    }
    if (opt->structure && pdftree_apply(q, u, opt->structure, d, in_path) != QUIRE_OK) {
        qpdf_oh_release(q, root);
        return QUIRE_EIO;
    }
    if (opt->language && *opt->language) {
        qpdf_oh lang = qpdf_oh_new_unicode_string(q, opt->language);
        qpdf_oh_replace_key(q, root, "/Lang", lang);
        qpdf_oh_release(q, lang);
    }
    qpdf_oh vp = sub_dict(q, root, "/ViewerPreferences");
    set_bool(q, vp, "/DisplayDocTitle", true);
    qpdf_oh_release(q, vp);
    if (opt->labels && opt->n_labels > 0)
        rc = set_page_labels(q, root, opt, n_pages, d, in_path);
    if (rc == QUIRE_OK && opt->n_figure_alts > 0 && !opt->structure)
        set_figure_alts(q, u, root, opt);
    if (rc == QUIRE_OK && opt->xmp)
        set_xmp(q, u, root, opt);
    pdfupdate_changed(u, q, root);
    qpdf_oh_release(q, root);
    return rc;
}

int pdffinish_apply(const char *in_path, const char *out_path, const pdffinish_options *opt, diag *d)
{
    static const pdffinish_options defaults = {0};
    if (!opt)
        opt = &defaults;
    if (same_file(in_path, out_path)) {
        diag_error(d, out_path, 0, 0, "cannot finish a PDF in place");
        return QUIRE_EIO;
    }

    const char *in_shown = opt->display_path ? opt->display_path : in_path;
    const char *out_shown = opt->display_path ? opt->display_path : out_path;
    int rc = QUIRE_EIO;
    pdfupdate *update = NULL;
    char *repaired = NULL;
    qpdf_data q = read_pdf(in_path, d, in_shown);
    if (!q)
        return QUIRE_EIO;
    if (qpdf_more_warnings(q)) {
        repaired = xasprintf("%s.repaired", out_path);
        bool ok = write_repaired(q, repaired, d, out_shown);
        take_warnings(q, d, in_shown);
        qpdf_cleanup(&q);
        if (!ok || !(q = read_pdf(repaired, d, in_shown)))
            goto done;
        in_path = repaired;
    }
    update = pdfupdate_begin(q, in_path);
    int n_pages = qpdf_get_num_pages(q);
    if (take_error(q, d, in_shown, "cannot read the page tree"))
        goto done;
    if (n_pages < 1) {
        diag_error(d, in_shown, 0, 0, "PDF has no pages");
        goto done;
    }
    if (edit_catalog(q, update, opt, n_pages, d, in_shown) != QUIRE_OK)
        goto done;
    if (opt->bleed > 0 && set_print_boxes(q, update, opt, n_pages, d, in_shown) != QUIRE_OK)
        goto done;
    if (pass_pngs_through(q, update, opt, n_pages, d, in_shown) != QUIRE_OK)
        goto done;
    if (take_error(q, d, in_shown, "cannot update PDF"))
        goto done;
    rc = pdfupdate_write(update, q, in_path, out_path, opt->id_seed, out_shown, d);

done:
    if (q) {
        take_warnings(q, d, in_shown);
        qpdf_cleanup(&q);
    }
    pdfupdate_free(update);
    if (repaired) {
        unlink(repaired);
        free(repaired);
    }
    return rc;
}
