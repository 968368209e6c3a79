/* test_pdffinish: a small tagged PDF drawn with cairo in, checks on the finished PDF out
 * (qpdf --check, pdfinfo, the catalog, page boxes and labels read back with libqpdf). */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <qpdf/qpdf-c.h>

#include "base/diag.h"
#include "base/util.h"
#include "check.h"
#include "print/pdffinish.h"

#define TRIM_W 200.0
#define TRIM_H 300.0
#define BLEED 9.0
#define SLUG 18.0
#define PAGES 4

static char *workdir;

static char *work_path(const char *name)
{
    return path_join(workdir, name);
}

/* Four pages with a "heading" and a "paragraph" each, tagged so cairo writes a structure tree. */
static void make_pdf(const char *path, double w, double h)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, w, h);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Finishing test");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2020-01-01T00:00:00Z");
    cairo_t *cr = cairo_create(s);
    cairo_tag_begin(cr, "Document", NULL);
    for (int i = 0; i < PAGES; i++) {
        cairo_set_source_rgb(cr, 0.9, 0.9, 1.0);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        /* Shapes rather than text: no fonts, so nothing of fontconfig's stays allocated. */
        cairo_tag_begin(cr, "H1", NULL);
        cairo_rectangle(cr, 40, 50, 120, 14);
        cairo_fill(cr);
        cairo_tag_end(cr, "H1");
        cairo_tag_begin(cr, "P", NULL);
        cairo_rectangle(cr, 40, 80, 150, 6);
        cairo_rectangle(cr, 40, 90, 150, 6);
        cairo_fill(cr);
        cairo_tag_end(cr, "P");
        cairo_show_page(cr);
    }
    cairo_tag_end(cr, "Document");
    cairo_destroy(cr);
    cairo_surface_finish(s);
    OK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "cairo wrote %s", path);
    cairo_surface_destroy(s);
}

/* Runs a shell command; returns its exit status and (when `out`) its stdout. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    buf b;
    buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_put(&b, chunk, n);
    int st = pclose(p);
    if (out)
        *out = buf_detach(&b, NULL);
    else
        buf_free(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool files_equal(const char *a, const char *b)
{
    char *da, *db;
    size_t la, lb;
    if (file_read(a, 1u << 26, &da, &la) != 0)
        return false;
    if (file_read(b, 1u << 26, &db, &lb) != 0) {
        free(da);
        return false;
    }
    bool eq = la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return eq;
}

/* The unparsed form of root[key] (or "" when missing); malloc'd. */
static char *catalog_entry(qpdf_data q, const char *key)
{
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh v = qpdf_oh_get_key(q, root, key);
    char *s = xstrdup(qpdf_oh_is_null(q, v) ? "" : qpdf_oh_unparse_resolved(q, v));
    qpdf_oh_release(q, v);
    qpdf_oh_release(q, root);
    return s;
}

/* The catalog's `key` unparsed is `want` ("" when absent). */
static void catalog_is(qpdf_data q, const char *key, const char *want)
{
    char *s = catalog_entry(q, key);
    OK(strcmp(s, want) == 0, "%s is \"%s\", want \"%s\"", key, s, want);
    free(s);
}

static void box_eq(qpdf_data q, int page, const char *key, double x0, double y0, double x1, double y1)
{
    qpdf_oh pg = qpdf_get_page_n(q, (size_t)page);
    qpdf_oh box = qpdf_oh_get_key(q, pg, key);
    const double want[4] = {x0, y0, x1, y1};
    OK(qpdf_oh_is_array(q, box) && qpdf_oh_get_array_n_items(q, box) == 4, "page %d %s is an array", page, key);
    for (int i = 0; i < 4 && qpdf_oh_is_array(q, box); i++) {
        qpdf_oh it = qpdf_oh_get_array_item(q, box, i);
        double v = qpdf_oh_get_numeric_value(q, it);
        OK(fabs(v - want[i]) < 1e-6, "page %d %s[%d] = %g, want %g", page, key, i, v, want[i]);
        qpdf_oh_release(q, it);
    }
    qpdf_oh_release(q, box);
    qpdf_oh_release(q, pg);
}

/* The two /ID strings of a PDF as hex, "first second"; malloc'd. */
static char *pdf_id(const char *path)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    buf b;
    buf_init(&b);
    if ((qpdf_read(q, path, NULL) & QPDF_ERRORS) == 0) {
        qpdf_oh tr = qpdf_get_trailer(q);
        qpdf_oh id = qpdf_oh_get_key(q, tr, "/ID");
        for (int i = 0; i < 2 && qpdf_oh_is_array(q, id); i++) {
            qpdf_oh it = qpdf_oh_get_array_item(q, id, i);
            size_t n = 0;
            const char *v = qpdf_oh_get_binary_string_value(q, it, &n);
            for (size_t j = 0; j < n; j++)
                buf_printf(&b, "%02x", (unsigned char)v[j]);
            if (i == 0)
                buf_putc(&b, ' ');
            qpdf_oh_release(q, it);
        }
        qpdf_oh_release(q, id);
        qpdf_oh_release(q, tr);
    }
    qpdf_cleanup(&q);
    return buf_detach(&b, NULL);
}

static void test_finished(void)
{
    const double mw = TRIM_W + 2 * (BLEED + SLUG), mh = TRIM_H + 2 * (BLEED + SLUG);
    char *in = work_path("in.pdf"), *out1 = work_path("out1.pdf"), *out2 = work_path("out2.pdf");
    make_pdf(in, mw, mh);

    const pdffinish_label_range labels[] = {{0, 'r', 1}, {2, 'D', 1}};
    pdffinish_options opt = {
        .language = "en-GB", .tagged = true, .labels = labels, .n_labels = 2,
        .bleed = BLEED, .slug = SLUG, .id_seed = "Finishing test 1577836800",
    };
    diag d;
    diag_init(&d);
    d.capture = true;
    INT_EQ(pdffinish_apply(in, out1, &opt, &d), QUIRE_OK);
    INT_EQ(pdffinish_apply(in, out2, &opt, &d), QUIRE_OK);
    INT_EQ(d.errors, 0);
    INT_EQ(d.warnings, 0);
    OK(files_equal(out1, out2), "two runs give byte-identical output");

    char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", out1);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);

    char *info = NULL;
    cmd = xasprintf("pdfinfo -box -f 1 -l %d '%s' 2>&1", PAGES, out1);
    INT_EQ(run(cmd, &info), 0);
    free(cmd);
    if (!info) info = xstrdup("");
    OK(strstr(info, "Tagged:") && strstr(strstr(info, "Tagged:"), "yes"), "Tagged: yes\n%s", info);
    OK(strstr(info, "Pages:           4"), "4 pages\n%s", info);
    /* pdfinfo prints boxes as llx lly urx ury with two decimals. */
    OK(strstr(info, "Page    1 TrimBox:      27.00    27.00   227.00   327.00"), "TrimBox\n%s", info);
    OK(strstr(info, "Page    4 BleedBox:     18.00    18.00   236.00   336.00"), "BleedBox\n%s", info);
    OK(strstr(info, "Page    2 MediaBox:      0.00     0.00   254.00   354.00"), "MediaBox\n%s", info);
    free(info);

    /* Page labels as a reader shows them. */
    char *shown = NULL;
    cmd = xasprintf("qpdf --json --json-key=pages '%s' | python3 '%s/print/finish/labels.py'", out1, QUIRE_TEST_DIR);
    INT_EQ(run(cmd, &shown), 0);
    free(cmd);
    STR_EQ(shown, "i ii 1 2\n");
    free(shown);

    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out1, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    catalog_is(q, "/Lang", "(en-GB)");
    catalog_is(q, "/MarkInfo", "<< /Marked true >>");
    catalog_is(q, "/ViewerPreferences", "<< /DisplayDocTitle true >>");
    catalog_is(q, "/PageLabels", "<< /Nums [ 0 << /S /r >> 2 << /S /D >> ] >>");
    char *s = catalog_entry(q, "/StructTreeRoot");
    OK(*s, "structure tree kept");
    free(s);
    for (int i = 0; i < PAGES; i++) {
        box_eq(q, i, "/MediaBox", 0, 0, mw, mh);
        box_eq(q, i, "/BleedBox", SLUG, SLUG, mw - SLUG, mh - SLUG);
        box_eq(q, i, "/TrimBox", SLUG + BLEED, SLUG + BLEED, mw - SLUG - BLEED, mh - SLUG - BLEED);
    }
    qpdf_oh tr = qpdf_get_trailer(q);
    qpdf_oh id = qpdf_oh_get_key(q, tr, "/ID");
    OK(qpdf_oh_is_array(q, id) && qpdf_oh_get_array_n_items(q, id) == 2, "/ID present");
    qpdf_oh_release(q, id);
    qpdf_oh_release(q, tr);
    qpdf_cleanup(&q);

    diag_free(&d);
    free(in);
    free(out1);
    free(out2);
}

/* Without options only /ViewerPreferences is added; no boxes, no labels, no /Lang. */
static void test_plain(void)
{
    char *in = work_path("plain.pdf"), *out = work_path("plain-out.pdf");
    make_pdf(in, TRIM_W, TRIM_H);
    diag d;
    diag_init(&d);
    d.capture = true;
    pdffinish_options opt = {0};
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    INT_EQ(pdffinish_apply(in, out, NULL, &d), QUIRE_OK);
    INT_EQ(d.errors, 0);
    char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", out);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    catalog_is(q, "/Lang", "");
    catalog_is(q, "/PageLabels", "");
    catalog_is(q, "/ViewerPreferences", "<< /DisplayDocTitle true >>");
    qpdf_oh pg = qpdf_get_page_n(q, 0);
    OK(!qpdf_oh_has_key(q, pg, "/TrimBox") && !qpdf_oh_has_key(q, pg, "/BleedBox"), "no boxes without bleed");
    qpdf_oh_release(q, pg);
    qpdf_cleanup(&q);

    /* The first /ID string follows the seed, the second the content. */
    char *out_a = work_path("seed-a.pdf"), *out_b = work_path("seed-b.pdf"), *out_c = work_path("seed-c.pdf");
    char *in2 = work_path("plain2.pdf");
    make_pdf(in2, TRIM_W + 10, TRIM_H);
    opt.id_seed = "Book A";
    INT_EQ(pdffinish_apply(in, out_a, &opt, &d), QUIRE_OK);
    INT_EQ(pdffinish_apply(in2, out_b, &opt, &d), QUIRE_OK);
    opt.id_seed = "Book B";
    INT_EQ(pdffinish_apply(in, out_c, &opt, &d), QUIRE_OK);
    char *ia = pdf_id(out_a), *ib = pdf_id(out_b), *ic = pdf_id(out_c);
    OK(strlen(ia) == 65 && strlen(ib) == 65 && strlen(ic) == 65, "16-byte IDs: %s", ia);
    OK(strncmp(ia, ib, 32) == 0, "same seed, same first ID: %s / %s", ia, ib);
    OK(strcmp(ia + 33, ib + 33) != 0, "other content, other second ID: %s / %s", ia, ib);
    OK(strncmp(ia, ic, 32) != 0, "other seed, other first ID: %s / %s", ia, ic);
    free(ia);
    free(ib);
    free(ic);
    free(out_a);
    free(out_b);
    free(out_c);
    free(in2);
    diag_free(&d);
    free(in);
    free(out);
}

/* The XMP packet is XML 1.0: control characters in a title or an author are left out
 * (a character reference such as &#x1; is not XML 1.0), markup characters escaped. */
static void test_xmp_text(void)
{
    char *in = work_path("xmp.pdf"), *out = work_path("xmp-out.pdf"), *xml = work_path("xmp.xml");
    make_pdf(in, TRIM_W, TRIM_H);
    diag d;
    diag_init(&d);
    d.capture = true;
    const char *creators[] = {"Ada\x01 \x1f<Writer>", "Ben \xef\xbf\xbeO'Hara"};
    pdffinish_options opt = {
        .xmp = true, .xmp_date = 1577836800, .xmp_title = "Bell\x07 & \"tab\"\there", .xmp_creators = creators, .n_xmp_creators = 2,
    };
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    INT_EQ(d.errors, 0);
    /* the packet, read back with libqpdf */
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh meta = qpdf_oh_get_key(q, root, "/Metadata");
    unsigned char *data = NULL;
    size_t len = 0;
    OK(qpdf_oh_is_stream(q, meta), "/Metadata is a stream");
    if (qpdf_oh_is_stream(q, meta)) qpdf_oh_get_stream_data(q, meta, qpdf_dl_all, NULL, &data, &len);
    char *x = xstrndup((const char *)(data ? data : (unsigned char *)""), len);
    free(data);
    qpdf_oh_release(q, meta);
    qpdf_oh_release(q, root);
    qpdf_cleanup(&q);
    OK(strstr(x, "<rdf:li xml:lang=\"x-default\">Bell &amp; &quot;tab&quot;\there</rdf:li>") != NULL, "title: %s", x);
    OK(strstr(x, "<rdf:li>Ada &lt;Writer&gt;</rdf:li><rdf:li>Ben O&#39;Hara</rdf:li>") != NULL, "creators: %s", x);
    OK(strstr(x, "&#x") == NULL && strstr(x, "&#1") == NULL, "no control character references: %s", x);
    bool clean = true;
    for (const unsigned char *p = (const unsigned char *)x; *p; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') clean = false;
    OK(clean, "no raw control characters");
    OK(file_write_atomic(xml, x, strlen(x)) == 0, "packet saved");
    char *cmd = xasprintf("xmllint --noout '%s' 2>&1", xml);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    free(x);
    diag_free(&d);
    free(in);
    free(out);
    free(xml);
}

/*** the Document root element ***/

/* Two pages tagged the way quire's print writer tags them: H1, P (with a link in it) and
 * Figure opened and closed on each page, none kept open across a page, so cairo's
 * StructTreeRoot holds them directly. */
static void make_flat_pdf(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, TRIM_W, TRIM_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Structure test");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2020-01-01T00:00:00Z");
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 2; i++) {
        cairo_tag_begin(cr, "H1", NULL);
        cairo_rectangle(cr, 40, 50, 120, 14);
        cairo_fill(cr);
        cairo_tag_end(cr, "H1");
        cairo_tag_begin(cr, "P", NULL);
        cairo_rectangle(cr, 40, 80, 150, 6);
        cairo_fill(cr);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://example.com/'");
        cairo_rectangle(cr, 40, 90, 50, 6);
        cairo_fill(cr);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        cairo_tag_end(cr, "P");
        cairo_tag_begin(cr, "Figure", NULL);
        cairo_rectangle(cr, 40, 120, 50, 50);
        cairo_fill(cr);
        cairo_tag_end(cr, "Figure");
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    OK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "cairo wrote %s", path);
    cairo_surface_destroy(s);
}

/* The StructTreeRoot of an open document (a new handle). */
static qpdf_oh struct_root(qpdf_data q)
{
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
    qpdf_oh_release(q, root);
    return tree;
}

/* The /S of an element without its slash, "root" for the StructTreeRoot itself, else "?". */
static void put_type(qpdf_data q, qpdf_oh v, int root_id, buf *b)
{
    if (qpdf_oh_is_indirect(q, v) && qpdf_oh_get_object_id(q, v) == root_id) {
        buf_puts(b, "root");
        return;
    }
    qpdf_oh s = qpdf_oh_get_key_if_dict(q, v, "/S");
    buf_puts(b, qpdf_oh_is_name(q, s) ? qpdf_oh_get_name(q, s) + 1 : "?");
    qpdf_oh_release(q, s);
}

/* The /ParentTree as "key:Type" or "key:[Type Type …]" entries (a flat /Nums, as cairo
 * writes it), so two files can be compared whatever their object numbers. */
static char *parent_tree_types(const char *path)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    buf b;
    buf_init(&b);
    if ((qpdf_read(q, path, NULL) & QPDF_ERRORS) == 0) {
        qpdf_oh tree = struct_root(q);
        int root_id = qpdf_oh_get_object_id(q, tree);
        qpdf_oh pt = qpdf_oh_get_key(q, tree, "/ParentTree");
        qpdf_oh nums = qpdf_oh_get_key(q, pt, "/Nums");
        int n = qpdf_oh_is_array(q, nums) ? qpdf_oh_get_array_n_items(q, nums) : 0;
        for (int i = 0; i + 1 < n; i += 2) {
            qpdf_oh k = qpdf_oh_get_array_item(q, nums, i), v = qpdf_oh_get_array_item(q, nums, i + 1);
            buf_printf(&b, "%s%lld:", i ? " " : "", qpdf_oh_get_int_value(q, k));
            if (qpdf_oh_is_array(q, v)) {
                buf_putc(&b, '[');
                for (int j = 0; j < qpdf_oh_get_array_n_items(q, v); j++) {
                    qpdf_oh it = qpdf_oh_get_array_item(q, v, j);
                    if (j) buf_putc(&b, ' ');
                    put_type(q, it, root_id, &b);
                    qpdf_oh_release(q, it);
                }
                buf_putc(&b, ']');
            } else {
                put_type(q, v, root_id, &b);
            }
            qpdf_oh_release(q, k);
            qpdf_oh_release(q, v);
        }
        qpdf_oh_release(q, nums);
        qpdf_oh_release(q, pt);
        qpdf_oh_release(q, tree);
    }
    qpdf_cleanup(&q);
    return buf_detach(&b, NULL);
}

/* The tree as tests/print/finish/structtree.py prints and checks it; its exit status in *status. */
static char *struct_dump(const char *path, int *status)
{
    char *out = NULL;
    char *cmd = xasprintf("qpdf --json '%s' | python3 '%s/print/finish/structtree.py'", path, QUIRE_TEST_DIR);
    *status = run(cmd, &out);
    free(cmd);
    return out ? out : xstrdup("");
}

/* The number of kids in the StructTreeRoot's /K, and the /S of the first. */
static int root_kids(const char *path, char *first, size_t size)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    int n = -1;
    snprintf(first, size, "?");
    if ((qpdf_read(q, path, NULL) & QPDF_ERRORS) == 0) {
        qpdf_oh tree = struct_root(q);
        qpdf_oh k = qpdf_oh_get_key(q, tree, "/K");
        qpdf_oh k0 = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, 0) : qpdf_oh_new_object(q, k);
        n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : qpdf_oh_is_dictionary(q, k) ? 1 : 0;
        qpdf_oh s = qpdf_oh_get_key_if_dict(q, k0, "/S");
        if (qpdf_oh_is_name(q, s))
            snprintf(first, size, "%s", qpdf_oh_get_name(q, s));
        qpdf_oh_release(q, s);
        qpdf_oh_release(q, k0);
        qpdf_oh_release(q, k);
        qpdf_oh_release(q, tree);
    }
    qpdf_cleanup(&q);
    return n;
}

static void test_document_root(void)
{
    char *in = work_path("flat.pdf"), *out = work_path("flat-out.pdf"), *out2 = work_path("flat-out2.pdf");
    make_flat_pdf(in);
    /* What cairo writes: six elements right under the root. */
    char first[32];
    INT_EQ(root_kids(in, first, sizeof first), 6);
    STR_EQ(first, "/H1");

    diag d;
    diag_init(&d);
    d.capture = true;
    pdffinish_options opt = {.tagged = true, .id_seed = "Structure test"};
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    INT_EQ(pdffinish_apply(in, out2, &opt, &d), QUIRE_OK);
    INT_EQ(d.errors, 0);
    INT_EQ(d.warnings, 0);
    OK(files_equal(out, out2), "two runs give byte-identical output");
    char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", out);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);

    /* One Document element, the six under it in their order, every /P right, every
     * /ParentTree reference an element of the tree. */
    int status;
    char *tree = struct_dump(out, &status);
    INT_EQ(status, 0);
    STR_EQ(tree, "Document\n  H1\n  P\n    Link\n  Figure\n  H1\n  P\n    Link\n  Figure\n"
                 "9 elements, 8 parent tree references\n");
    free(tree);
    /* The same element objects: the parent tree maps every key to what it did before. */
    char *pt_in = parent_tree_types(in), *pt_out = parent_tree_types(out);
    STR_EQ(pt_out, pt_in);
    STR_EQ(pt_out, "0:Link 1:[H1 Link Figure] 2:Link 3:[H1 Link Figure]");
    free(pt_in);
    free(pt_out);

    /* Read back with libqpdf: an indirect StructElem, /P the root, each kid's /P the element. */
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    qpdf_oh root = struct_root(q);
    qpdf_oh doc = qpdf_oh_get_key(q, root, "/K");
    OK(qpdf_oh_is_indirect(q, doc) && qpdf_oh_is_dictionary(q, doc), "the root's /K is one indirect element");
    qpdf_oh t = qpdf_oh_get_key(q, doc, "/Type"), s = qpdf_oh_get_key(q, doc, "/S"), p = qpdf_oh_get_key(q, doc, "/P");
    OK(qpdf_oh_is_name_and_equals(q, t, "/StructElem"), "/Type /StructElem");
    OK(qpdf_oh_is_name_and_equals(q, s, "/Document"), "/S /Document");
    OK(qpdf_oh_is_indirect(q, p) && qpdf_oh_get_object_id(q, p) == qpdf_oh_get_object_id(q, root), "/P is the root");
    OK(!qpdf_oh_has_key(q, root, "/RoleMap"), "no /RoleMap for standard types");
    qpdf_oh kids = qpdf_oh_get_key(q, doc, "/K");
    INT_EQ(qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : -1, 6);
    for (int i = 0; i < 6 && qpdf_oh_is_array(q, kids); i++) {
        qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
        qpdf_oh kp = qpdf_oh_get_key(q, kid, "/P");
        OK(qpdf_oh_is_indirect(q, kid), "kid %d stays an indirect object", i);
        OK(qpdf_oh_get_object_id(q, kp) == qpdf_oh_get_object_id(q, doc), "kid %d: /P is the Document", i);
        qpdf_oh_release(q, kp);
        qpdf_oh_release(q, kid);
    }
    qpdf_oh_release(q, kids);
    qpdf_oh_release(q, t);
    qpdf_oh_release(q, s);
    qpdf_oh_release(q, p);
    qpdf_oh_release(q, doc);
    qpdf_oh_release(q, root);
    qpdf_cleanup(&q);

    /* Finishing a finished file adds no second Document. */
    char *again = work_path("flat-again.pdf");
    INT_EQ(pdffinish_apply(out, again, &opt, &d), QUIRE_OK);
    tree = struct_dump(again, &status);
    INT_EQ(status, 0);
    OK(strncmp(tree, "Document\n  H1\n", 14) == 0, "one Document: %s", tree);
    free(tree);
    free(again);

    /* A root whose one kid maps to Document through the /RoleMap is left as it is. */
    char *mapped = work_path("mapped.pdf"), *mapped_out = work_path("mapped-out.pdf");
    q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    root = struct_root(q);
    doc = qpdf_oh_get_key(q, root, "/K");
    s = qpdf_oh_new_name(q, "/Book");
    qpdf_oh_replace_key(q, doc, "/S", s);
    qpdf_oh map = qpdf_oh_parse(q, "<< /Book /Document >>");
    qpdf_oh_replace_key(q, root, "/RoleMap", map);
    qpdf_oh_release(q, map);
    qpdf_oh_release(q, s);
    qpdf_oh_release(q, doc);
    qpdf_oh_release(q, root);
    qpdf_init_write(q, mapped);
    qpdf_write(q);
    OK(!qpdf_has_error(q), "mapped input written");
    qpdf_cleanup(&q);
    INT_EQ(pdffinish_apply(mapped, mapped_out, &opt, &d), QUIRE_OK);
    INT_EQ(root_kids(mapped_out, first, sizeof first), 1);
    STR_EQ(first, "/Book");
    free(mapped);
    free(mapped_out);

    /* Untagged output is not touched. */
    opt.tagged = false;
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    INT_EQ(root_kids(out, first, sizeof first), 6);

    diag_free(&d);
    free(in);
    free(out);
    free(out2);
}

/* Marked content and an annotation right under the root (no cairo writes that, so the
 * input is cairo's file changed with libqpdf): they move into the Document too, and the
 * /ParentTree entries that named the root name the Document. */
static void test_document_root_content(void)
{
    char *flat = work_path("content-flat.pdf"), *in = work_path("content.pdf"), *out = work_path("content-out.pdf");
    make_flat_pdf(flat);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, flat, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the input");
    qpdf_oh tree = struct_root(q);
    qpdf_oh kids = qpdf_oh_get_key(q, tree, "/K");
    /* The first Figure (kid 2, marked content 2 on page 1) becomes an MCR under the root. */
    qpdf_oh fig = qpdf_oh_get_array_item(q, kids, 2);
    qpdf_oh mcr = qpdf_oh_parse(q, "<< /Type /MCR >>");
    qpdf_oh mcid = qpdf_oh_get_key(q, fig, "/K"), pg = qpdf_oh_get_key(q, fig, "/Pg");
    INT_EQ(qpdf_oh_get_int_value(q, mcid), 2);
    qpdf_oh_replace_key(q, mcr, "/MCID", mcid);
    qpdf_oh_replace_key(q, mcr, "/Pg", pg);
    qpdf_oh_set_array_item(q, kids, 2, mcr);
    /* The first Link's annotation (its OBJR) goes under the root as well. */
    qpdf_oh para = qpdf_oh_get_array_item(q, kids, 1);
    qpdf_oh para_k = qpdf_oh_get_key(q, para, "/K");
    qpdf_oh link = qpdf_oh_is_array(q, para_k) ? qpdf_oh_get_array_item(q, para_k, 0) : qpdf_oh_new_object(q, para_k);
    qpdf_oh link_k = qpdf_oh_get_key(q, link, "/K");
    qpdf_oh objr = qpdf_oh_get_array_item(q, link_k, 0);
    OK(qpdf_oh_is_dictionary_of_type(q, objr, "/OBJR", ""), "cairo's Link holds an OBJR first");
    qpdf_oh_erase_item(q, link_k, 0);
    qpdf_oh_append_item(q, kids, objr);
    /* The parent tree (cairo: key 0 the first link's annotation, key 1 page 1's marked
     * content): the annotation's entry and page 1's entry 2 name the root. */
    qpdf_oh pt = qpdf_oh_get_key(q, tree, "/ParentTree");
    qpdf_oh nums = qpdf_oh_get_key(q, pt, "/Nums");
    qpdf_oh annot_key = qpdf_oh_get_array_item(q, nums, 0), page_key = qpdf_oh_get_array_item(q, nums, 2);
    qpdf_oh page1 = qpdf_oh_get_array_item(q, nums, 3);
    INT_EQ(qpdf_oh_get_int_value(q, annot_key), 0);
    INT_EQ(qpdf_oh_get_int_value(q, page_key), 1);
    OK(qpdf_oh_is_array(q, page1) && qpdf_oh_get_array_n_items(q, page1) == 3, "page 1 has three marked contents");
    qpdf_oh_set_array_item(q, nums, 1, tree);
    qpdf_oh_set_array_item(q, page1, 2, tree);
    qpdf_oh handles[] = {tree, kids, fig, mcr, mcid, pg, para, para_k, link, link_k, objr, pt, nums, page1,
                         annot_key, page_key};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++)
        qpdf_oh_release(q, handles[i]);
    qpdf_init_write(q, in);
    qpdf_write(q);
    OK(!qpdf_has_error(q), "changed input written");
    qpdf_cleanup(&q);
    char *pt_in = parent_tree_types(in);
    STR_EQ(pt_in, "0:root 1:[H1 Link root] 2:Link 3:[H1 Link Figure]");

    diag d;
    diag_init(&d);
    d.capture = true;
    pdffinish_options opt = {.tagged = true};
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    INT_EQ(d.errors, 0);
    char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", out);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    char *pt_out = parent_tree_types(out);
    STR_EQ(pt_out, "0:Document 1:[H1 Link Document] 2:Link 3:[H1 Link Figure]");
    int status;
    char *dump = struct_dump(out, &status);
    INT_EQ(status, 0);
    STR_EQ(dump, "Document\n  H1\n  P\n    Link\n  H1\n  P\n    Link\n  Figure\n"
                 "8 elements, 8 parent tree references\n");
    free(dump);

    /* The MCR and the OBJR sit in the Document's /K, unchanged. */
    q = qpdf_init();
    qpdf_silence_errors(q);
    OK((qpdf_read(q, out, NULL) & QPDF_ERRORS) == 0, "libqpdf reads the output");
    tree = struct_root(q);
    qpdf_oh doc = qpdf_oh_get_key(q, tree, "/K");
    kids = qpdf_oh_get_key(q, doc, "/K");
    INT_EQ(qpdf_oh_get_array_n_items(q, kids), 7);
    mcr = qpdf_oh_get_array_item(q, kids, 2);
    objr = qpdf_oh_get_array_item(q, kids, 6);
    OK(qpdf_oh_is_dictionary_of_type(q, mcr, "/MCR", "") && !qpdf_oh_has_key(q, mcr, "/P"), "the MCR moved as it was");
    OK(qpdf_oh_is_dictionary_of_type(q, objr, "/OBJR", "") && qpdf_oh_has_key(q, objr, "/Obj"), "the OBJR moved as it was");
    qpdf_oh_release(q, objr);
    qpdf_oh_release(q, mcr);
    qpdf_oh_release(q, kids);
    qpdf_oh_release(q, doc);
    qpdf_oh_release(q, tree);
    qpdf_cleanup(&q);

    free(pt_in);
    free(pt_out);
    diag_free(&d);
    free(flat);
    free(in);
    free(out);
}

/* The raw (still deflated) data of page `page`'s content stream; malloc'd, NULL when none. */
static unsigned char *page_content(const char *path, int page, size_t *len)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    unsigned char *data = NULL;
    *len = 0;
    if ((qpdf_read(q, path, NULL) & QPDF_ERRORS) == 0) {
        qpdf_oh pg = qpdf_get_page_n(q, (size_t)page), c = qpdf_oh_get_key(q, pg, "/Contents");
        if (qpdf_oh_is_stream(q, c) && qpdf_oh_get_stream_data(q, c, qpdf_dl_none, NULL, &data, len) != QPDF_SUCCESS)
            data = NULL;
        qpdf_oh_release(q, c);
        qpdf_oh_release(q, pg);
    }
    qpdf_cleanup(&q);
    return data;
}

/* How often `what` occurs in the n bytes at data (binary data included). */
static int count_in(const char *data, size_t n, const char *what)
{
    int count = 0;
    size_t k = strlen(what);
    for (const char *p = data; p && (p = memmem(p, n - (size_t)(p - data), what, k)); p += k)
        count++;
    return count;
}

/* Runs objects.py on a PDF: every reference resolves, every object is reached. */
static void objects_sound(const char *path)
{
    char *out = NULL;
    char *cmd = xasprintf("qpdf --json=2 --json-key=qpdf '%s' | python3 '%s/print/finish/objects.py'", path,
                          QUIRE_TEST_DIR);
    INT_EQ(run(cmd, &out), 0);
    OK(out && strncmp(out, "objects ", 8) == 0, "%s: %s", path, out ? out : "");
    free(out);
    free(cmd);
}

/* The output is cairo's file written again, compact: the edits in place of what they
 * replace, nothing left that no object refers to, the objects that are not streams packed
 * into object streams, one cross-reference stream; cairo's streams pass through as they were. */
static void test_incremental(void)
{
    char *in = work_path("inc.pdf"), *out = work_path("inc-out.pdf");
    make_pdf(in, TRIM_W, TRIM_H);
    diag d;
    diag_init(&d);
    d.capture = true;
    pdffinish_options opt = {0};
    opt.language = "en";
    opt.tagged = true;
    opt.xmp = true;
    opt.xmp_date = 1577836800;
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    OK(file_read(in, 1u << 26, &a, &la) == 0 && file_read(out, 1u << 26, &b, &lb) == 0, "both read");
    OK(b && strncmp(b, "%PDF-1.5", 8) == 0, "a PDF 1.5 header");
    INT_EQ(count_in(b, lb, "/Type /XRef"), 1);
    OK(count_in(b, lb, "/Type /ObjStm") >= 1, "object streams");
    INT_EQ(count_in(b, lb, "/Prev"), 0);
    INT_EQ(count_in(b, lb, "\nxref\n"), 0);
    INT_EQ(count_in(b, lb, "startxref"), 1);
    free(a);
    free(b);
    char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", out);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    objects_sound(out);
    /* The pages were not edited: their content passes through byte for byte. */
    size_t ca = 0, cb = 0;
    unsigned char *pa = page_content(in, 2, &ca), *pb = page_content(out, 2, &cb);
    OK(pa && pb && ca == cb && memcmp(pa, pb, ca) == 0, "page 3's content stream is cairo's (%zu, %zu bytes)", ca, cb);
    free(pa);
    free(pb);
    INT_EQ(d.errors, 0);
    INT_EQ(d.warnings, 0);

    /* A file this rewrite cannot read (object streams of its own) gets the edits appended
     * as an incremental update instead. */
    char *packed = work_path("packed.pdf"), *packed_out = work_path("packed-out.pdf");
    cmd = xasprintf("qpdf --object-streams=generate '%s' '%s'", in, packed);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    INT_EQ(pdffinish_apply(packed, packed_out, &opt, &d), QUIRE_OK);
    OK(file_read(packed, 1u << 26, &a, &la) == 0 && file_read(packed_out, 1u << 26, &b, &lb) == 0, "both read");
    OK(a && b && lb > la && memcmp(a, b, la) == 0, "the input is the output's start (%zu of %zu bytes)", la, lb);
    OK(b && strstr(b + la, "/Prev ") && strstr(b + la, "/S /Document"), "an update follows, with the Document element");
    free(a);
    free(b);
    cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", packed_out);
    INT_EQ(run(cmd, NULL), 0);
    free(cmd);
    free(packed);
    free(packed_out);
    INT_EQ(d.errors, 0);

    /* A file libqpdf has to repair (its xref offset points nowhere) is rewritten first, with
     * libqpdf's warnings passed on, and the result is sound. */
    char *broken = work_path("broken.pdf"), *fixed = work_path("broken-out.pdf");
    OK(file_read(in, 1u << 26, &a, &la) == 0, "input read again");
    char *sx = a ? strstr(a, "startxref\n") : NULL;
    OK(sx != NULL, "cairo wrote startxref");
    if (sx) {
        char *num = sx + strlen("startxref\n");
        for (char *p = num; *p >= '0' && *p <= '9'; p++)
            *p = '1';
        OK(file_write_atomic(broken, a, la) == 0, "broken copy written");
        INT_EQ(pdffinish_apply(broken, fixed, &opt, &d), QUIRE_OK);
        OK(d.warnings > 0, "libqpdf's repair is reported (%d warnings)", d.warnings);
        cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", fixed);
        INT_EQ(run(cmd, NULL), 0);
        free(cmd);
        char *left = xasprintf("%s.repaired", fixed);
        OK(!path_is_file(left), "no repaired copy left behind");
        free(left);
    }
    free(a);
    free(broken);
    free(fixed);
    diag_free(&d);
    free(in);
    free(out);
}

/* Each failure is a diagnostic and QUIRE_EIO, and leaves no output behind. */
static void test_errors(void)
{
    char *in = work_path("err.pdf"), *out = work_path("err-out.pdf"), *junk = work_path("junk.pdf");
    make_pdf(in, TRIM_W, TRIM_H);
    OK(file_write_atomic(junk, "not a PDF at all\n", 17) == 0, "junk written");
    diag d;
    diag_init(&d);
    d.capture = true;
    pdffinish_options opt = {0};

    char *missing = work_path("missing.pdf");
    INT_EQ(pdffinish_apply(missing, out, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 1);
    OK(d.captured && strstr(d.captured, "missing.pdf"), "names the file: %s", d.captured ? d.captured : "");
    free(missing);

    INT_EQ(pdffinish_apply(junk, out, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 2);

    INT_EQ(pdffinish_apply(in, in, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 3);

    const pdffinish_label_range backwards[] = {{2, 'D', 1}, {1, 'r', 1}};
    opt.labels = backwards;
    opt.n_labels = 2;
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 4);
    const pdffinish_label_range past_end[] = {{0, 'r', 1}, {PAGES, 'D', 1}};
    opt.labels = past_end;
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 5);
    /* A first range that starts late gets decimal labels before it. */
    const pdffinish_label_range late[] = {{1, 'r', 5}};
    opt.labels = late;
    opt.n_labels = 1;
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_OK);
    char *shown = NULL;
    char *cmd = xasprintf("qpdf --json --json-key=pages '%s' | python3 '%s/print/finish/labels.py'", out, QUIRE_TEST_DIR);
    INT_EQ(run(cmd, &shown), 0);
    free(cmd);
    STR_EQ(shown, "1 v vi vii\n");
    free(shown);
    unlink(out);
    opt.labels = NULL;
    opt.n_labels = 0;

    opt.bleed = TRIM_W;   /* more bleed than page */
    INT_EQ(pdffinish_apply(in, out, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 6);
    OK(!path_is_file(out), "no output left after a failure");

    /* An output folder that does not exist. */
    char *bad = work_path("no/such/dir/out.pdf");
    opt.bleed = 0;
    INT_EQ(pdffinish_apply(in, bad, &opt, &d), QUIRE_EIO);
    INT_EQ(d.errors, 7);
    free(bad);

    diag_free(&d);
    free(in);
    free(out);
    free(junk);
}

int main(void)
{
    char tmpl[] = "/tmp/quire-finish-XXXXXX";
    workdir = mkdtemp(tmpl);
    OK(workdir != NULL, "mkdtemp");
    if (!workdir)
        return CHECK_DONE();
    test_finished();
    test_plain();
    test_xmp_text();
    test_document_root();
    test_document_root_content();
    test_incremental();
    test_errors();
    char *cmd = xasprintf("rm -rf '%s'", workdir);
    OK(system(cmd) == 0, "cleanup");
    free(cmd);
    return CHECK_DONE();
}
