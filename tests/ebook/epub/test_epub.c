/* test_epub: the EPUB writer on a hand-built model (XHTML, nav, NCX, OPF, CSS) and on
 * fixture books (every paragraph's text comes back from the XHTML; reproducible output). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb.h>
#include <zip.h>

#include "base/uri.h"
#include "check.h"
#include "own_bytes.h"
#include "ebook/css.h"
#include "ebook/epub.h"
#include "ebook/xhtml.h"
#include "load/book.h"
#include "load/fonts.h"
#include "load/style.h"
#include "model/facts.h"
#include "model/fontset.h"
#include "model/model.h"
#include "print/fontmap.h"

static const model_pos P = {"test.md", 1, 1};

static model_node *add(model_book *b, model_node *parent, model_type t, int chapter) {
    model_node *n = model_node_new(b, t, P);
    n->chapter = chapter;
    if (parent) model_append_child(parent, n);
    return n;
}

static model_node *text(model_book *b, model_node *parent, const char *s, int chapter) {
    model_node *n = add(b, parent, MODEL_TEXT, chapter);
    n->text = arena_strdup(b->mem, s);
    return n;
}

static model_node *heading(model_book *b, model_node *root, int level, const char *id, const char *s, int ch) {
    model_node *h = add(b, root, MODEL_HEADING, ch);
    h->as.heading.level = level;
    h->id = arena_strdup(b->mem, id);
    text(b, h, s, ch);
    return h;
}

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* A two-chapter book: headings h1/h3/h2, a footnote, a cross-chapter link, an external link. */
static model_book *hand_book(void) {
    model_book *b = model_book_new();
    b->style = xcalloc(1, sizeof *b->style);
    style_defaults(b->style);
    b->style->mem = arena_new();
    b->meta.name = "hand";
    b->meta.title = "Hand & Made <Book>";
    b->meta.language = "de";
    b->meta.identifier = "urn:uuid:12345678-1234-4234-8234-123456789abc";
    b->meta.publisher = "P";
    b->meta.keywords = " eins, zwei ,drei";
    static const char *authors[] = {"A. Autor", "B. Autorin"};
    b->meta.authors = authors;
    b->meta.n_authors = 2;
    b->n_chapters = 2;
    b->chapters = arena_alloc(b->mem, 2 * sizeof *b->chapters);

    model_node *r0 = add(b, NULL, MODEL_CHAPTER, 0);
    b->chapters[0] = (model_chapter){.file = "one.md", .id = "a-b", .title = "A & B", .root = r0};
    heading(b, r0, 1, "a-b", "A & B", 0);
    model_node *p = add(b, r0, MODEL_PARAGRAPH, 0);
    text(b, p, "x < y \"quoted\" \x01", 0);
    model_node *ref = add(b, p, MODEL_NOTE_REF, 0);
    ref->id = "fnref-1";
    ref->as.note_ref.number = 1;
    heading(b, r0, 3, "deep", "Deep", 0);
    model_node *two = heading(b, r0, 2, "two", "Two", 0);

    model_node *fn = add(b, NULL, MODEL_FOOTNOTE, 0);
    fn->id = "fn-1";
    fn->as.footnote.number = 1;
    fn->as.footnote.first_ref = ref;
    text(b, add(b, fn, MODEL_PARAGRAPH, 0), "Note text.", 0);
    ref->as.note_ref.note = fn;
    b->footnotes = arena_alloc(b->mem, sizeof *b->footnotes);
    b->footnotes[0] = fn;
    b->n_footnotes = 1;

    model_node *r1 = add(b, NULL, MODEL_CHAPTER, 1);
    b->chapters[1] = (model_chapter){.file = "two.md", .id = "second", .title = "Second", .root = r1};
    heading(b, r1, 1, "second", "Second", 1);
    model_node *p1 = add(b, r1, MODEL_PARAGRAPH, 1);
    model_node *l = add(b, p1, MODEL_LINK, 1);
    l->as.link.url = "#two";
    l->as.link.target = two;
    l->as.link.kind = MODEL_LINK_INTERNAL;
    text(b, l, "back", 1);
    model_node *ext = add(b, p1, MODEL_LINK, 1);
    ext->as.link.url = "https://example.org/?a=1&b=2";
    ext->as.link.kind = MODEL_LINK_EXTERNAL;
    text(b, ext, "out", 1);
    model_node *list = add(b, r1, MODEL_LIST, 1);
    list->as.list.ordered = true;
    list->as.list.start = 4;
    list->as.list.tight = true;
    text(b, add(b, add(b, list, MODEL_ITEM, 1), MODEL_PARAGRAPH, 1), "vier", 1);
    model_node *table = add(b, r1, MODEL_TABLE, 1);
    table->as.table.columns = 2;
    model_node *row = add(b, table, MODEL_TABLE_ROW, 1);
    row->as.row.header = true;
    text(b, add(b, row, MODEL_TABLE_CELL, 1), "Kopf", 1);
    add(b, row, MODEL_TABLE_CELL, 1); /* an empty header cell, as over a column of row labels */
    model_node *body = add(b, table, MODEL_TABLE_ROW, 1);
    text(b, add(b, body, MODEL_TABLE_CELL, 1), "Zelle", 1);
    text(b, add(b, body, MODEL_TABLE_CELL, 1), "2", 1);
    model_contents_build(b, 3);
    return b;
}

static void test_hand_model(void) {
    model_book *b = hand_book();
    buf out;
    buf_init(&out);

    xhtml_chapter(b, 0, NULL, NULL, &out);
    OK(strstr(out.data, "xml:lang=\"de\" lang=\"de\"") != NULL, "lang on html");
    OK(strstr(out.data, "<title>A &amp; B</title>") != NULL, "title escaped");
    OK(strstr(out.data, "<section epub:type=\"chapter\" role=\"doc-chapter\"") != NULL, "chapter section");
    OK(strstr(out.data, "<h1 id=\"a-b\">A &amp; B</h1>") != NULL, "h1 with the model id");
    OK(strstr(out.data, "x &lt; y &quot;quoted&quot; <sup") != NULL, "text escaped, control char dropped");
    OK(strstr(out.data, "<a epub:type=\"noteref\" role=\"doc-noteref\" href=\"#fn-1\" id=\"fnref-1\">1</a>") != NULL,
       "noteref");
    OK(strstr(out.data, "<aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"fn-1\">") != NULL,
       "footnote aside in the citing chapter");
    OK(strstr(out.data, "role=\"doc-backlink\" href=\"#fnref-1\"") != NULL, "back link");
    OK(strstr(out.data, "Zurück zum Text") != NULL, "German words for a German book");
    /* the back link: underlined text, named for screen readers, the default glyph "↑" */
    OK(strstr(out.data, "<a class=\"backlink\" role=\"doc-backlink\" href=\"#fnref-1\" title=\"Zurück zum Text\" "
                        "aria-label=\"Zurück zum Text\">\xe2\x86\x91</a>") != NULL,
       "back link with the default glyph: %s", out.data);
    buf_free(&out);
    /* the writer passes the glyph the notes' font has */
    xhtml_chapter(b, 0, NULL, "^", &out);
    OK(strstr(out.data, "aria-label=\"Zurück zum Text\">^</a>") != NULL, "back link with the given text");
    OK(strstr(out.data, "\xe2\x86\xa9") == NULL, "no U+21A9 unless chosen");
    buf_free(&out);

    xhtml_chapter(b, 1, NULL, NULL, &out);
    OK(strstr(out.data, "<a href=\"ch01.xhtml#two\">back</a>") != NULL, "cross-chapter link: %s", out.data);
    OK(strstr(out.data, "href=\"https://example.org/?a=1&amp;b=2\"") != NULL, "external link escaped");
    OK(strstr(out.data, "<ol start=\"4\">\n<li>vier</li>") != NULL, "ordered list start, tight item");
    OK(strstr(out.data, "<aside") == NULL, "no footnote in a chapter that does not cite it");
    /* a table scrolls sideways in its own focusable, named box on a narrow screen; an empty
     * header cell is a data cell (a blank th is an empty header to a screen reader) */
    OK(strstr(out.data, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tabelle: Kopf\">\n<table>\n"
                        "<thead>\n<tr><th scope=\"col\">Kopf</th><td></td></tr>\n</thead>\n<tbody>\n<tr><td>Zelle</td><td>2</td></tr>\n"
                        "</tbody>\n</table>\n</div>\n") != NULL,
       "table in its scrolling box: %s", out.data);
    buf_free(&out);

    xhtml_nav(b, &out);
    OK(strstr(out.data, "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\"") != NULL, "toc nav");
    OK(strstr(out.data, "<nav epub:type=\"landmarks\"") != NULL, "landmarks nav");
    OK(strstr(out.data, "epub:type=\"bodymatter\" href=\"text/ch01.xhtml\"") != NULL, "bodymatter landmark");
    /* h3 and h2 both nest under the h1: one inner list holding both */
    OK(strstr(out.data, "<li><a href=\"text/ch01.xhtml#a-b\">A &amp; B</a>\n<ol>\n"
                        "<li><a href=\"text/ch01.xhtml#deep\">Deep</a></li>\n"
                        "<li><a href=\"text/ch01.xhtml#two\">Two</a></li>\n</ol>\n</li>\n"
                        "<li><a href=\"text/ch02.xhtml#second\">Second</a></li>") != NULL,
       "nav nesting: %s", out.data);
    INT_EQ(count(out.data, "<ol>"), count(out.data, "</ol>"));
    INT_EQ(count(out.data, "<li>"), count(out.data, "</li>"));
    buf_free(&out);

    xhtml_ncx(b, &out);
    OK(strstr(out.data, "<meta name=\"dtb:uid\" content=\"urn:uuid:12345678-1234-4234-8234-123456789abc\"/>") != NULL,
       "dtb:uid is the identifier");
    OK(strstr(out.data, "<meta name=\"dtb:depth\" content=\"2\"/>") != NULL, "ncx depth");
    INT_EQ(count(out.data, "<navPoint "), 4);
    INT_EQ(count(out.data, "<navPoint "), count(out.data, "</navPoint>"));
    buf_free(&out);

    xhtml_item items[] = {
        {"cover", "cover.xhtml", "application/xhtml+xml", NULL, true},
        {"nav", "nav.xhtml", "application/xhtml+xml", "nav", true},
        {"ncx", "toc.ncx", "application/x-dtbncx+xml", NULL, false},
        {"cover-image", "media/cover.png", "image/png", "cover-image", false},
    };
    xhtml_opf(b, items, 4, 1700000000, true, &out);
    OK(strstr(out.data, "<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>") != NULL, "modified");
    OK(strstr(out.data, "unique-identifier=\"pub-id\"") != NULL, "unique-identifier");
    OK(strstr(out.data, "<dc:title id=\"title\">Hand &amp; Made &lt;Book&gt;</dc:title>") != NULL, "title");
    INT_EQ(count(out.data, "<dc:creator "), 2);
    INT_EQ(count(out.data, "<dc:subject>"), 3);
    OK(strstr(out.data, "<dc:subject>zwei</dc:subject>") != NULL, "keywords trimmed");
    OK(strstr(out.data, "<spine toc=\"ncx\">\n<itemref idref=\"cover\"/>\n<itemref idref=\"nav\"/>\n</spine>") != NULL,
       "spine: %s", out.data);
    OK(strstr(out.data, "properties=\"cover-image\"") != NULL, "cover image property");
    OK(strstr(out.data, "schema:accessModeSufficient") != NULL, "a11y metadata");
    OK(strstr(out.data, "EPUB Accessibility 1.1 - WCAG 2.1 Level AA") != NULL, "conformsTo");
    OK(strstr(out.data, ">alternativeText<") != NULL, "alternativeText when every image has alt text");
    OK(strstr(out.data, "certifiedBy") == NULL, "no a11y:certifiedBy: %s", out.data);
    buf_free(&out);

    /* a figure without alt text: neither text alternatives nor WCAG conformance is claimed */
    model_node *fig = add(b, b->chapters[0].root, MODEL_FIGURE, 0);
    fig->as.figure.image.book_path = "images/x.png";
    fig->as.figure.alt = " ";
    xhtml_opf(b, items, 4, 1700000000, true, &out);
    OK(strstr(out.data, "conformsTo") == NULL, "no conformsTo with an undescribed figure");
    OK(strstr(out.data, ">alternativeText<") == NULL, "no alternativeText with an undescribed figure");
    OK(strstr(out.data, "<meta property=\"schema:accessModeSufficient\">textual,visual</meta>") != NULL,
       "the text alone is not sufficient");
    OK(strstr(out.data, "Some images have no text alternative") != NULL, "the summary says so");
    buf_free(&out);
    fig->as.figure.alt = "A described figure";
    xhtml_opf(b, items, 4, 1700000000, true, &out);
    OK(strstr(out.data, "conformsTo") != NULL && strstr(out.data, ">alternativeText<") != NULL,
       "claims back once the figure is described");
    buf_free(&out);
    model_unlink(fig);

    /* no identifier: a stable urn:uuid from the metadata */
    b->meta.identifier = NULL;
    char *u1 = xhtml_identifier(b), *u2 = xhtml_identifier(b);
    STR_EQ(u1, u2);
    OK(strncmp(u1, "urn:uuid:", 9) == 0 && strlen(u1) == 45, "uuid form: %s", u1);
    free(u1);
    free(u2);
    model_book_free(b);
}

static void test_css(void) {
    style_sheet s;
    style_defaults(&s);
    s.roles[STYLE_BODY].size = 10;
    s.roles[STYLE_BODY].family = "Charis SIL";
    s.roles[STYLE_BODY].hyphenate = true;
    s.roles[STYLE_H1].size = 20;
    s.roles[STYLE_H1].family = "Lato";
    s.roles[STYLE_H1].space_before = 30;
    s.roles[STYLE_H1].page_break_before = true;
    s.roles[STYLE_H1].uppercase = true;
    s.roles[STYLE_H1].letter_spacing = 2;
    s.roles[STYLE_CODE].family = "DejaVu Sans Mono";
    char *css = style_to_css(&s, "@font-face { font-family: \"X\"; }\n");
    OK(strstr(css, "@font-face { font-family: \"X\"; }") != NULL, "font css prepended");
    const char *h1 = strstr(css, "\nh1 {");
    OK(h1 != NULL, "h1 rule");
    if (h1) {
        const char *end = strchr(h1 + 1, '}');
        char *rule = xstrndup(h1, (size_t)(end - h1));
        OK(strstr(rule, "font-family: \"Lato\", sans-serif;") != NULL, "family with generic: %s", rule);
        OK(strstr(rule, "font-size: 2rem;") != NULL, "size relative to the body: %s", rule);
        OK(strstr(rule, "margin-top: 1.5em;") != NULL, "space before in em of its size: %s", rule);
        OK(strstr(rule, "page-break-before: always;") != NULL, "page break: %s", rule);
        OK(strstr(rule, "text-transform: uppercase;") != NULL, "uppercase: %s", rule);
        OK(strstr(rule, "letter-spacing: 0.1em;") != NULL, "letter spacing: %s", rule);
        free(rule);
    }
    OK(strstr(css, "font-family: \"Charis SIL\", serif;") != NULL, "body family");
    OK(strstr(css, "\"DejaVu Sans Mono\", monospace") != NULL, "code family");
    OK(strstr(css, "-webkit-hyphens: auto;\n  -epub-hyphens: auto;\n  hyphens: auto;") != NULL, "hyphens");
    free(css);
}

/* The text of the first rule whose selector is exactly `selector` (a fresh string, "" when none). */
static char *css_find_rule(const char *css, const char *selector) {
    char *head = xasprintf("\n%s {\n", selector);
    const char *p = strstr(css, head);
    free(head);
    if (!p) return xstrdup("");
    const char *end = strchr(p, '}');
    return xstrndup(p + 1, (size_t)(end - p - 1));
}

static double luminance(unsigned c) {
    double ch[3] = {((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0};
    for (int i = 0; i < 3; i++) ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/* The colour a rule sets, or -1. */
static long rule_color(const char *rule) {
    const char *c = strstr(rule, "  color: #");
    return c ? strtol(c + 10, NULL, 16) : -1;
}

/* What the e-book's CSS does for reading on screens of every size and theme. */
static void test_css_screens(void) {
    style_sheet s;
    style_defaults(&s);
    s.roles[STYLE_BODY].size = 10;
    s.roles[STYLE_BODY].align = STYLE_ALIGN_JUSTIFY;
    s.roles[STYLE_LIST].align = STYLE_ALIGN_JUSTIFY;
    s.roles[STYLE_CAPTION].align = STYLE_ALIGN_LEFT;
    s.roles[STYLE_FOOTNOTE].size = 6;        /* too small for a phone */
    s.roles[STYLE_FOOTNOTE].color = s.roles[STYLE_BODY].color;
    s.roles[STYLE_QUOTE].color = 0x0b5c73;
    s.roles[STYLE_ATTRIBUTION].color = s.roles[STYLE_BODY].color;
    s.roles[STYLE_CODE].background = 0xeef2f3;
    s.roles[STYLE_COVER].color = 0xffffff;   /* white on a dark panel in print */
    s.roles[STYLE_COVER].background = 0x0b5c73;
    s.link_color = 0x66ccff;                 /* too light for a white page */
    char *css = style_to_css(&s, NULL);

    /* narrow screens: the justified roles are set ragged right, nothing else is */
    const char *mq = strstr(css, "@media (max-width: 35em) {\n");
    OK(mq != NULL, "a narrow-screen media query");
    if (mq) {
        const char *sel = strchr(mq, '\n') + 1, *brace = strchr(sel, '{');
        char *sels = xstrndup(sel, (size_t)(brace - sel));
        OK(strstr(sels, " p, ") != NULL || strncmp(sels, "  p, ", 5) == 0, "paragraphs in the query: %s", sels);
        OK(strstr(sels, "li") != NULL, "list items in the query: %s", sels);
        OK(strstr(sels, "figcaption") == NULL, "a left-aligned role is not: %s", sels);
        OK(strncmp(brace, "{\n    text-align: left;\n  }", 27) == 0, "set ragged right: %s", brace);
        free(sels);
    }

    /* colours: a role in the body's colour inherits it, so a night theme recolours it */
    char *body = css_find_rule(css, "body"), *li = css_find_rule(css, "li"),
         *fn = css_find_rule(css, "aside.footnote"), *bq = css_find_rule(css, "blockquote"),
         *attr = css_find_rule(css, "blockquote footer"), *pre = css_find_rule(css, "pre"),
         *code = css_find_rule(css, "pre, code"), *a = css_find_rule(css, "a"),
         *cover = css_find_rule(css, "h1.cover-title");
    INT_EQ(rule_color(body), (long)s.roles[STYLE_BODY].color);
    INT_EQ(rule_color(li), -1);
    INT_EQ(rule_color(fn), -1);
    INT_EQ(rule_color(bq), 0x0b5c73);
    INT_EQ(rule_color(attr), (long)s.roles[STYLE_BODY].color); /* inside a quote of another colour */
    INT_EQ(rule_color(code), -1);                               /* inline code: no background, no colour */
    OK(strstr(pre, "background-color: #eef2f3;\n  color: #") != NULL, "a tinted block sets its text colour: %s", pre);
    /* links and the cover title read on a white page */
    long link = rule_color(a);
    OK(link >= 0 && link != 0x66ccff && (1.05 / (luminance((unsigned)link) + 0.05)) >= 4.5,
       "link colour darkened to 4.5:1: %06lx", link);
    INT_EQ(rule_color(cover), 0x0b5c73); /* the panel's colour, not white on white */
    /* small text stays readable */
    OK(strstr(fn, "font-size: 0.8rem;") != NULL, "footnotes at least 0.8rem: %s", fn);

    /* figures fit the screen; tables scroll in their box */
    char *img = css_find_rule(css, "figure img"), *wrap = css_find_rule(css, "div.table-wrap"),
         *cimg = css_find_rule(css, ".cover-image img");
    OK(strstr(img, "max-width: 100%;") && strstr(img, "height: auto;") && strstr(img, "max-height: 60vh !important;"),
       "figure image scales: %s", img);
    OK(strstr(cimg, "max-width: 100%;") && strstr(cimg, "max-height: 62vh;") && strstr(cimg, "height: auto;"),
       "cover image fits one screen: %s", cimg);
    OK(strstr(wrap, "overflow-x: auto;") != NULL, "table box scrolls: %s", wrap);
    OK(strstr(css, "background-color: #ffffff") == NULL && strstr(css, "background: #fff") == NULL,
       "no white background of its own");
    char *bl = css_find_rule(css, "a.backlink");
    OK(*bl && strstr(bl, "text-decoration: none") == NULL, "back link underlined like every link: %s", bl);
    free(bl);
    free(img);
    free(wrap);
    free(cimg);
    free(body);
    free(li);
    free(fn);
    free(bq);
    free(attr);
    free(pre);
    free(code);
    free(a);
    free(cover);
    free(css);
}

/*** every paragraph of a loaded book comes back from its XHTML ***/

static char *collapse(const char *s) {
    buf b;
    buf_init(&b);
    bool space = true;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            if (!space) buf_putc(&b, ' ');
            space = true;
        } else {
            buf_putc(&b, *p);
            space = false;
        }
    }
    while (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    return buf_detach(&b, NULL);
}

/* The text of an XHTML document: note markers left out, tags stripped, entities decoded. */
static char *xhtml_text(const char *x) {
    buf b;
    buf_init(&b);
    const char *body = strstr(x, "<body");
    for (const char *p = body ? body : x; *p;) {
        if (strncmp(p, "<sup class=\"noteref\">", 21) == 0) {
            const char *e = strstr(p, "</sup>");
            p = e ? e + 6 : p + strlen(p);
        } else if (*p == '<') {
            const char *e = strchr(p, '>');
            if (strncmp(p, "<br", 3) == 0) buf_putc(&b, ' ');
            p = e ? e + 1 : p + strlen(p);
        } else if (*p == '&') {
            static const struct { const char *ent, *ch; } ents[] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
            bool done = false;
            for (size_t i = 0; i < 4 && !done; i++)
                if (strncmp(p, ents[i].ent, strlen(ents[i].ent)) == 0) {
                    buf_puts(&b, ents[i].ch);
                    p += strlen(ents[i].ent);
                    done = true;
                }
            if (!done) buf_putc(&b, *p++);
        } else {
            buf_putc(&b, *p++);
        }
    }
    char *raw = buf_detach(&b, NULL);
    char *t = collapse(raw);
    free(raw);
    return t;
}

static void check_book_paragraphs(const char *dir) {
    diag d;
    diag_init(&d);
    d.quiet = true;
    book_options opt = {0};
    model_book *book = book_load(dir, &opt, &d);
    OK(book != NULL, "book %s loads", dir);
    if (!book) {
        diag_free(&d);
        return;
    }
    int paragraphs = 0;
    for (size_t i = 0; i < book->n_chapters; i++) {
        buf x;
        buf_init(&x);
        xhtml_chapter(book, i, NULL, NULL, &x);
        char *t = xhtml_text(x.data);
        model_iter it;
        model_iter_init(&it, book->chapters[i].root);
        const model_node *n;
        model_event ev;
        while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
            if (ev != MODEL_EVENT_ENTER || n->type != MODEL_PARAGRAPH) continue;
            char *plain = model_plain_text(n);
            char *want = collapse(plain);
            OK(strstr(t, want) != NULL, "%s chapter %zu: paragraph \"%s\" not in the XHTML text", dir, i + 1, want);
            paragraphs++;
            free(want);
            free(plain);
        }
        free(t);
        buf_free(&x);
    }
    OK(paragraphs > 0, "%s has paragraphs", dir);
    model_book_free(book);
    diag_free(&d);
}

static char *slurp(const char *path, size_t *len) {
    char *data = NULL;
    if (file_read(path, 1u << 30, &data, len) != 0) return NULL;
    return data;
}

/* One file of a zip, or NULL. Caller frees. */
static char *zip_slurp(zip_t *z, const char *name, size_t *len) {
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) return NULL;
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) return NULL;
    char *data = xmalloc(st.size + 1);
    zip_int64_t got = zip_fread(f, data, st.size);
    zip_fclose(f);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(data);
        return NULL;
    }
    data[st.size] = '\0';
    *len = (size_t)st.size;
    return data;
}

/* The back links of the written book show a character that the embedded (subset)
 * face of the notes has: no box, no fallback font. */
static void check_backlink_glyph(const model_book *book, const char *epub) {
    int err = 0;
    zip_t *z = zip_open(epub, ZIP_RDONLY, &err);
    OK(z != NULL, "open %s", epub);
    if (!z) return;
    size_t len = 0;
    char *x = zip_slurp(z, "EPUB/text/ch01.xhtml", &len);
    const char *bl = x ? strstr(x, "class=\"backlink\"") : NULL;
    OK(bl != NULL, "the fixture has a back link");
    const unsigned char *t = bl ? (const unsigned char *)strchr(bl, '>') + 1 : NULL;
    uint32_t cp = 0;
    if (t && t[0] < 0x80) cp = t[0];
    else if (t && (t[0] & 0xE0) == 0xC0) cp = (uint32_t)(t[0] & 0x1F) << 6 | (t[1] & 0x3F);
    else if (t && (t[0] & 0xF0) == 0xE0) cp = (uint32_t)(t[0] & 0x0F) << 12 | (uint32_t)(t[1] & 0x3F) << 6 | (t[2] & 0x3F);
    OK(cp != 0, "back link text");
    /* the face the notes are set in, as embedded */
    const style_text *role = &book->style->roles[STYLE_FOOTNOTE];
    const model_font *face = NULL;
    for (size_t i = 0; i < book->n_fonts; i++) {
        const model_font *f = &book->fonts[i];
        if (strcmp(f->family, role->family) == 0 && f->italic == role->italic &&
            (!face || abs(f->weight - role->weight) < abs(face->weight - role->weight)))
            face = f;
    }
    OK(face != NULL, "the notes' face is embedded");
    if (face && cp) {
        char *name = xasprintf("EPUB/fonts/%s", face->file_name);
        size_t flen = 0;
        char *font = zip_slurp(z, name, &flen);
        OK(font != NULL, "%s in the book", name);
        size_t orig_len = 0;
        char *orig = slurp(face->path, &orig_len);
        OK(font && orig && flen < orig_len, "%s is a subset", name);
        if (font) {
            hb_blob_t *blob = hb_blob_create(font, (unsigned)flen, HB_MEMORY_MODE_READONLY, NULL, NULL);
            hb_face_t *hf = hb_face_create(blob, 0);
            hb_font_t *hfont = hb_font_create(hf);
            hb_codepoint_t g = 0;
            OK(hb_font_get_nominal_glyph(hfont, cp, &g) && g != 0, "U+%04X is in the subset %s", (unsigned)cp, name);
            hb_font_destroy(hfont);
            hb_face_destroy(hf);
            hb_blob_destroy(blob);
        }
        free(orig);
        free(font);
        free(name);
    }
    free(x);
    zip_discard(z);
}

static void test_write(const char *dir) {
    diag d;
    diag_init(&d);
    d.quiet = true;
    book_options opt = {0};
    model_book *book = book_load(dir, &opt, &d);
    OK(book != NULL, "book loads");
    if (!book) {
        diag_free(&d);
        return;
    }
    char tmpl[] = "/tmp/quire-epub-test-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    OK(tmp != NULL, "temp dir");
    char *a = path_join(tmp, "a.epub"), *b = path_join(tmp, "b.epub");
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    INT_EQ(epub_write(book, a, &d), QUIRE_OK);
    INT_EQ(epub_write(book, b, &d), QUIRE_OK);
    size_t la = 0, lb = 0;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    OK(da && db && la == lb && la > 0 && memcmp(da, db, la) == 0, "two builds are byte-identical");
    OK(da && la > 58 && memcmp(da, "PK\003\004", 4) == 0 && memcmp(da + 30, "mimetype", 8) == 0 &&
           memcmp(da + 38, "application/epub+zip", 20) == 0,
       "mimetype first, stored, no extra field");
    if (da) {
        INT_EQ((unsigned char)da[8] | (unsigned char)da[9] << 8, 0);   /* method: stored */
        INT_EQ((unsigned char)da[28] | (unsigned char)da[29] << 8, 0); /* extra field length */
    }
    free(da);
    free(db);
    check_backlink_glyph(book, a);
    /* a folder that does not exist: an I/O error, reported, and no file */
    char *bad = path_join(tmp, "missing/c.epub");
    d.capture = true;
    d.out = fopen("/dev/null", "w");
    INT_EQ(epub_write(book, bad, &d), QUIRE_EIO);
    OK(d.captured && strstr(d.captured, "cannot write the EPUB") != NULL, "the error is reported");
    if (d.out) fclose(d.out);
    d.out = stderr;
    OK(!path_is_file(bad), "nothing written");
    unlink(a);
    unlink(b);
    rmdir(tmp);
    free(bad);
    free(a);
    free(b);
    model_book_free(book);
    diag_free(&d);
}

static void fonts_from_copy(const model_book *two, const char *tmp) {
    OK(two->n_fonts > 0, "the book has fonts");
    for (size_t i = 0; i < two->n_fonts; i++)
        OK(strncmp(two->fonts[i].path, tmp, strlen(tmp)) == 0, "font %s from the book's fonts/", two->fonts[i].path);
}

/* The EPUB holds the image and font bytes the loader checked and is dated with the time
 * it read (tests/own_bytes.h): images and fonts are both moved away. */
static void test_own_bytes(const char *fixture) {
    static const char *const moved[] = {"images", "fonts", NULL};
    check_own_bytes(&(own_bytes_case){fixture, ".epub", QUIRE_SOURCE_DIR "/fonts", moved, epub_write, fonts_from_copy});
}

static void uri_is(const char *url, const char *want) {
    char *got = uri_encode(url);
    STR_EQ(got, want);
    free(got);
}

/* URLs written as hrefs and PDF /URIs: only the bytes a URI may not hold are encoded. */
static void test_uri(void) {
    uri_is("https://example.com/a\"b'c<d>", "https://example.com/a%22b'c%3Cd%3E");
    uri_is("https://x.y/?a=1&b=\"2\"", "https://x.y/?a=1&b=%222%22");
    uri_is("http://a.b/c d", "http://a.b/c%20d");
    uri_is("https://de.wikipedia.org/wiki/Gr\xc3\xb6\xc3\x9f" "e", "https://de.wikipedia.org/wiki/Gr%C3%B6%C3%9Fe");
    uri_is("x:\\^`{|}\x01\x7f\t", "x:%5C%5E%60%7B%7C%7D%01%7F%09");
    uri_is("a%20b%2g%zz%", "a%20b%252g%25zz%25");
    uri_is("https://u:p@h.com:8080/p;q=1?r=[s]&t=$!*'(),+#frag/?:@", "https://u:p@h.com:8080/p;q=1?r=[s]&t=$!*'(),+#frag/?:@");
    uri_is("a#b#c", "a#b%23c");
    uri_is("", "");
    OK(uri_host_ok("https://example.com/a b"), "a space in the path");
    OK(uri_host_ok("mailto:a b@c.d"), "no authority");
    OK(uri_host_ok("http://user name@host.com:80/"), "userinfo and port");
    OK(uri_host_ok("http://[::1]:8080/"), "IP literal");
    OK(!uri_host_ok("http://a b/c"), "a space in the host");
    OK(!uri_host_ok("http://a\"b.com/"), "a quote in the host");
    OK(!uri_host_ok("http://b\xc3\xbc" "cher.de/"), "a host outside ASCII");
    OK(!uri_host_ok("http://host.com:8o/"), "a port that is not a number");
    OK(!uri_host_ok("http://[::1/"), "an unclosed IP literal");
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1);
    test_uri();
    test_hand_model();
    test_css();
    test_css_screens();
    check_book_paragraphs(QUIRE_TEST_DIR "/ebook/epub/fixtures/mixed");
    char *io = path_join(QUIRE_SOURCE_DIR, "book/book.yaml");
    if (path_is_file(io)) check_book_paragraphs(QUIRE_SOURCE_DIR "/book");
    free(io);
    test_write(QUIRE_TEST_DIR "/ebook/epub/fixtures/mixed");
    test_own_bytes(QUIRE_TEST_DIR "/ebook/epub/fixtures/mixed");
    fontmap_release();
    fontset_release(); /* fontconfig keeps its configuration until released */
    return CHECK_DONE();
}
