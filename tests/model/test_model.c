/* test_model: fixture books and Markdown strings into the model; asserts ids, footnotes,
 * tables, pull quotes, anchors, links, metadata, positions, figures and the iterator. */
#include <stdlib.h>
#include <string.h>

#include "load/book.h"
#include "load/fonts.h"
#include "load/markdown.h"
#include "model/facts.h"
#include "model/fontset.h"
#include "model/model.h"
#include "print/fontmap.h"
#include "check.h"
#include "model_probe.h"

#define FIXTURES QUIRE_TEST_DIR "/model/fixtures"

static diag quiet_diag(void) {
    diag d;
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    return d;
}


#define PLAIN_EQ(node, want)                                               \
    do {                                                                   \
        char *pt_ = model_plain_text(node);                                \
        STR_EQ(pt_, want);                                                 \
        free(pt_);                                                         \
    } while (0)

#define POS_EQ(node, l, c)                                                 \
    do {                                                                   \
        const model_node *pn_ = (node);                                    \
        OK(pn_ != NULL, "node missing");                                   \
        if (pn_) {                                                         \
            INT_EQ(pn_->pos.line, l);                                      \
            INT_EQ(pn_->pos.col, c);                                       \
        }                                                                  \
    } while (0)

static void test_fixture_book(void) {
    diag d = quiet_diag();
    model_book *book = book_load(FIXTURES "/basic", NULL, &d);
    OK(book != NULL, "basic fixture failed to load: %s", d.captured ? d.captured : "");
    INT_EQ(d.errors, 0);
    INT_EQ(d.warnings, 0);
    if (!book) {
        diag_free(&d);
        return;
    }

    /* metadata */
    STR_EQ(book->meta.name, "basic");
    STR_EQ(book->meta.title, "A Basic Book");
    INT_EQ(book->meta.n_authors, 2);
    if (book->meta.n_authors == 2) STR_EQ(book->meta.authors[1], "Ben Editor");
    STR_EQ(book->meta.language, "en");
    STR_EQ(book->meta.date, "2024-05-01");
    STR_EQ(book->meta.keywords, "testing, model");
    OK(book->meta.has_cover, "cover");
    STR_EQ(book->meta.cover.media_type, "image/png");
    STR_EQ(book->meta.cover.book_path, "images/pixel.png");
    INT_EQ(book->meta.cover.width, 3);
    INT_EQ(book->meta.cover.height, 2);
    OK(book->style != NULL, "style loaded");
    if (book->style) STR_EQ(book->style->name, "brochure");

    /* chapters and heading ids */
    INT_EQ(book->n_chapters, 2);
    if (book->n_chapters != 2) goto done;
    const model_node *one = book->chapters[0].root, *two = book->chapters[1].root;
    STR_EQ(book->chapters[0].file, "chapters/one.md");
    STR_EQ(book->chapters[0].id, "intro");
    STR_EQ(book->chapters[0].title, "Intro");
    STR_EQ(book->chapters[1].id, "second-part");
    const model_node *h1 = nth(one, MODEL_HEADING, 0), *h2 = nth(one, MODEL_HEADING, 1);
    STR_EQ(h1->id, "intro");
    STR_EQ(h2->id, "intro-2");
    INT_EQ(h2->as.heading.level, 2);
    INT_EQ(h2->role, STYLE_H2);
    OK(model_find_id(book, "intro-2") == h2, "find heading by id");

    /* smart punctuation */
    char *para = model_plain_text(nth(one, MODEL_PARAGRAPH, 0));
    STR_EQ(para, "Some emphasised and strong text with a note. \xe2\x80\x9cQuotes\xe2\x80\x9d \xe2\x80\x93 and "
                 "\xe2\x80\x94 dashes.");
    free(para);

    /* source positions (line:col in bytes) */
    POS_EQ(nth(one, MODEL_EMPH, 0), 3, 6);
    POS_EQ(nth(one, MODEL_NOTE_REF, 0), 3, 51);
    POS_EQ(nth(one, MODEL_QUOTE, 0), 7, 1);
    POS_EQ(nth(one, MODEL_TABLE_CELL, 2), 13, 18);
    POS_EQ(nth(two, MODEL_ANCHOR, 0), 3, 11);
    OK(nth(one, MODEL_TEXT, 0) && strcmp(nth(one, MODEL_TEXT, 0)->pos.file, "chapters/one.md") == 0, "pos.file");

    /* pull quote and plain quote */
    const model_node *pull = nth(one, MODEL_QUOTE, 0), *plain = nth(one, MODEL_QUOTE, 1);
    OK(pull->as.quote.pull, "pull quote");
    OK(!plain->as.quote.pull, "plain quote");
    const model_node *attr = pull->last_child;
    INT_EQ(attr->type, MODEL_ATTRIBUTION);
    INT_EQ(attr->role, STYLE_ATTRIBUTION);
    STR_EQ(attr->first_child->text, "Jane ");
    POS_EQ(attr->first_child, 9, 6);
    INT_EQ(attr->first_child->next->type, MODEL_EMPH);
    char *who = model_plain_text(attr);
    STR_EQ(who, "Jane Doe");
    free(who);
    INT_EQ(pull->first_child->role, STYLE_QUOTE);
    OK(pull->first_child->style == &book->style->roles[STYLE_QUOTE], "resolved style points into the sheet");
    OK(nth(one, MODEL_TEXT, 0)->style == NULL, "inlines carry no style");

    /* table */
    const model_node *table = nth(one, MODEL_TABLE, 0);
    INT_EQ(table->as.table.columns, 4);
    OK(table->first_child->as.row.header, "header row first");
    OK(!table->last_child->as.row.header, "body row");
    const model_node *cell = table->first_child->first_child;
    INT_EQ(cell->as.cell.align, MODEL_ALIGN_LEFT);
    INT_EQ(cell->next->as.cell.align, MODEL_ALIGN_CENTER);
    INT_EQ(cell->next->next->as.cell.align, MODEL_ALIGN_RIGHT);
    INT_EQ(cell->next->next->next->as.cell.align, MODEL_ALIGN_NONE);
    INT_EQ(cell->role, STYLE_TABLE);
    OK(nth(table, MODEL_STRIKE, 0) != NULL, "strikethrough in a cell");
    STR_EQ(nth(table, MODEL_CODE, 0)->text, "b");

    /* lists */
    const model_node *ul = nth(one, MODEL_LIST, 0), *ol = nth(two, MODEL_LIST, 0);
    OK(!ul->as.list.ordered && ul->as.list.tight, "bullet list, tight");
    OK(ol->as.list.ordered, "ordered");
    INT_EQ(ol->as.list.start, 3);
    INT_EQ(ol->first_child->as.item.number, 3);
    INT_EQ(ol->last_child->as.item.number, 4);
    INT_EQ(ol->first_child->first_child->role, STYLE_LIST);

    /* figure */
    const model_node *fig = nth(one, MODEL_FIGURE, 0);
    OK(fig != NULL, "figure");
    STR_EQ(fig->as.figure.alt, "A blue dot");
    STR_EQ(fig->as.figure.caption, "The dot");
    STR_EQ(fig->as.figure.image.media_type, "image/svg+xml");
    STR_EQ(fig->as.figure.image.book_path, "images/dot.svg");
    INT_EQ(fig->as.figure.image.width, 40);
    INT_EQ(fig->as.figure.image.height, 20);
    INT_EQ(fig->role, STYLE_CAPTION);
    STR_EQ(fig->id, "figure-dot");
    OK(model_find_id(book, "figure-dot") == fig, "figure id");
    const model_node *jpeg = nth(two, MODEL_FIGURE, 0);
    OK(jpeg != NULL, "jpeg figure");
    if (jpeg) {
        STR_EQ(jpeg->as.figure.image.media_type, "image/jpeg");
        INT_EQ(jpeg->as.figure.image.width, 8);
        INT_EQ(jpeg->as.figure.image.height, 4);
        STR_EQ(jpeg->id, "figure-square");
    }

    /* anchors and links */
    const model_node *anchor = nth(two, MODEL_ANCHOR, 0);
    STR_EQ(anchor->id, "here");
    OK(nth(one, MODEL_LINK, 0)->as.link.target == anchor, "#here → anchor");
    OK(nth(one, MODEL_LINK, 1)->as.link.target == nth(two, MODEL_HEADING, 0), "two.md → its first heading");
    OK(nth(one, MODEL_LINK, 2)->as.link.target == nth(two, MODEL_HEADING, 0), "two.md#second-part");
    const model_node *web = nth(one, MODEL_LINK, 3);
    STR_EQ(web->as.link.url, "https://example.org");
    STR_EQ(web->as.link.title, "Example");
    OK(web->as.link.target == NULL, "external link has no target");
    OK(nth(one, MODEL_LINE_BREAK, 0) != NULL, "hard break");

    /* footnotes: numbered across the book, outside the chapter flow */
    INT_EQ(book->n_footnotes, 2);
    if (book->n_footnotes == 2) {
        const model_node *fn1 = book->footnotes[0], *fn2 = book->footnotes[1];
        STR_EQ(fn1->id, "fn-1");
        STR_EQ(fn2->id, "fn-2");
        INT_EQ(fn1->chapter, 0);
        INT_EQ(fn2->chapter, 1);
        INT_EQ(fn2->as.footnote.number, 2);
        const model_node *r1 = nth(two, MODEL_NOTE_REF, 0), *r2 = nth(two, MODEL_NOTE_REF, 1);
        STR_EQ(r1->id, "fnref-2");
        STR_EQ(r2->id, "fnref-2-2");
        OK(r2->as.note_ref.note == fn2, "ref → note");
        OK(fn2->as.footnote.first_ref == r1, "first ref");
        INT_EQ(fn2->first_child->role, STYLE_FOOTNOTE);
        INT_EQ(fn2->first_child->next->type, MODEL_PARAGRAPH);
        OK(nth(fn1, MODEL_LINK, 0)->as.link.target == h2, "link inside a footnote resolved");
        OK(nth(one, MODEL_FOOTNOTE, 0) == NULL, "footnotes are not in the flow");
        OK(model_find_id(book, "fn-2") == fn2, "find footnote");
    }

    /* the iterator on a heading: ENTER heading, ENTER text (leaf: no EXIT), EXIT heading, done */
    model_iter it;
    model_iter_init(&it, h1);
    const model_node *n;
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_ENTER);
    OK(n == h1, "root first");
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_ENTER);
    INT_EQ(n->type, MODEL_TEXT);
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_EXIT);
    OK(n == h1, "root last");
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_NONE);
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_NONE);

done:
    model_book_free(book);
    diag_free(&d);
}

/*** Markdown strings ***/

typedef struct parsed {
    model_book *book;
    diag d;
    bool ok;
} parsed;

/* Parses chapters (NULL-terminated sources) as "a.md", "b.md"… of a book rooted at the basic fixture. */
static parsed parse_many(const char *const *srcs) {
    parsed p;
    p.d = quiet_diag();
    p.book = model_book_new();
    char *dir = path_real(FIXTURES "/basic");
    p.book->dir = arena_strdup(p.book->mem, dir);
    free(dir);
    size_t n = 0;
    while (srcs[n]) n++;
    p.book->chapters = arena_alloc(p.book->mem, n * sizeof *p.book->chapters);
    p.book->n_chapters = n;
    p.ok = true;
    for (size_t i = 0; i < n; i++) {
        p.book->chapters[i].file = arena_printf(p.book->mem, "%c.md", (char)('a' + i));
        p.ok &= markdown_parse_chapter(p.book, &p.book->chapters[i], (int)i, srcs[i], strlen(srcs[i]), &book_files, &p.d);
    }
    p.ok &= markdown_link_book(p.book, &p.d);
    return p;
}

static parsed parse1(const char *src) {
    const char *srcs[] = {src, NULL};
    return parse_many(srcs);
}

static void done(parsed *p) {
    model_book_free(p->book);
    diag_free(&p->d);
}

static void test_slugs(void) {
    model_book *b = model_book_new();
    STR_EQ(model_unique_slug(b, "Intro"), "intro");
    STR_EQ(model_unique_slug(b, "Intro"), "intro-2");
    STR_EQ(model_unique_slug(b, "intro!"), "intro-3");
    STR_EQ(model_unique_slug(b, "Caf\xc3\xa9 au lait"), "cafe-au-lait");
    STR_EQ(model_unique_slug(b, "2024: The Plan"), "the-plan");
    STR_EQ(model_unique_slug(b, "!!!"), "section");
    STR_EQ(model_unique_slug(b, "Fn 1"), "s-fn-1");
    STR_EQ(model_unique_slug(b, "Fn"), "s-fn");
    OK(!model_claim_id(b, "intro"), "claimed already");
    OK(model_claim_id(b, "fresh"), "new id");
    OK(model_id_reserved("fnref-3-2") && model_id_reserved("fn-12") && !model_id_reserved("fn-x"), "reserved");
    model_book_free(b);
}

static void test_footnote_order(void) {
    /* numbered by first reference: chapter order, then text order; not by definition order */
    const char *srcs[] = {"# A\n\nFirst[^z] then[^y].\n\n[^y]: Y.\n[^z]: Z.\n",
                          "# B\n\nThird[^x], Y again is not possible here.\n\n[^x]: X.\n[^dead]: never used.\n", NULL};
    parsed p = parse_many(srcs);
    OK(p.ok, "parsed: %s", p.d.captured ? p.d.captured : "");
    INT_EQ(p.book->n_footnotes, 3);
    if (p.book->n_footnotes == 3) {
        PLAIN_EQ((p.book->footnotes[0]), "Z.");
        PLAIN_EQ((p.book->footnotes[1]), "Y.");
        PLAIN_EQ((p.book->footnotes[2]), "X.");
        INT_EQ(p.book->footnotes[2]->chapter, 1);
    }
    INT_EQ(p.d.warnings, 1);
    OK(has(&p.d, "b.md:6:1: warning: footnote '[^dead]' is never referenced"), "%s", p.d.captured);
    done(&p);

    parsed u = parse1("Text[^missing].\n");
    OK(!u.ok, "undefined footnote fails");
    OK(has(&u.d, "a.md:1:5: error: footnote '[^missing]' has no definition"), "%s", u.d.captured);
    done(&u);
}

static void test_anchors_and_links(void) {
    parsed p = parse1("# Top\n\nA <a id=\"x\"></a>mark, <span id=\"y\"></span>another, <a id='z'>wrapped</a>.\n\n"
                      "[to x](#x) [to y](#y) [to z](#z) [top](#top) [mail](mailto:a@b.c)\n");
    OK(p.ok, "parsed: %s", p.d.captured ? p.d.captured : "");
    INT_EQ(p.d.warnings, 0);
    const model_node *root = p.book->chapters[0].root;
    OK(nth(root, MODEL_LINK, 0)->as.link.target == nth(root, MODEL_ANCHOR, 0), "#x");
    STR_EQ(nth(root, MODEL_ANCHOR, 1)->id, "y");
    STR_EQ(nth(root, MODEL_ANCHOR, 2)->id, "z");
    OK(nth(root, MODEL_LINK, 2)->as.link.target == nth(root, MODEL_ANCHOR, 2), "#z");
    OK(nth(root, MODEL_LINK, 3)->as.link.target == nth(root, MODEL_HEADING, 0), "#top");
    OK(nth(root, MODEL_LINK, 4)->as.link.target == NULL, "mailto stays external");
    done(&p);

    /* an id used twice (an anchor under a heading of the same slug): a warning, links lead to the first */
    parsed dup = parse1("# T\n\n<a id=\"same\"></a> and <a id=\"same\"></a>\n\n## Control\n\n<a name=\"control\"></a>\n\n"
                        "[a](#same) [b](#control)\n");
    OK(dup.ok, "a repeated anchor id only warns");
    INT_EQ(dup.d.warnings, 2);
    OK(has(&dup.d, "a.md:3:23: warning: anchor id 'same' is already used in this book; links to it lead to the first, "
                   "this anchor is left out"),
       "%s", dup.d.captured);
    OK(has(&dup.d, "a.md:7:1: warning: anchor id 'control' is already used"), "%s", dup.d.captured);
    const model_node *droot = dup.book->chapters[0].root;
    OK(nth(droot, MODEL_ANCHOR, 1) == NULL, "the second anchor is left out");
    OK(nth(droot, MODEL_LINK, 0)->as.link.target == nth(droot, MODEL_ANCHOR, 0), "#same leads to the first");
    OK(nth(droot, MODEL_LINK, 1)->as.link.target == nth(droot, MODEL_HEADING, 1), "#control leads to the heading");
    done(&dup);

    parsed bad = parse1("# T\n\nGo [there](#nowhere) or [file](c.md#x).\n");
    OK(bad.ok, "unknown targets keep their text");
    OK(has(&bad.d, "a.md:3:4: warning: link target '#nowhere' does not exist; set as plain text"), "%s",
       bad.d.captured);
    OK(nth(bad.book->chapters[0].root, MODEL_LINK, 0) == NULL, "no link is left");
    /* a file that is no chapter: plain text, with a warning (tests/model/test_sources.c has more) */
    OK(has(&bad.d, "a.md:3:25: warning: link to 'c.md#x', which is not a chapter of the book, is set as plain text"),
       "%s", bad.d.captured);
    done(&bad);

    const char *two[] = {"# One\n\n[next](b.md) [deep](b.md#deep)\n", "# Two\n\n## Deep\n", NULL};
    parsed x = parse_many(two);
    OK(x.ok, "cross-chapter: %s", x.d.captured ? x.d.captured : "");
    const model_node *r1 = x.book->chapters[1].root;
    OK(nth(x.book->chapters[0].root, MODEL_LINK, 0)->as.link.target == nth(r1, MODEL_HEADING, 0), "b.md");
    OK(nth(x.book->chapters[0].root, MODEL_LINK, 1)->as.link.target == nth(r1, MODEL_HEADING, 1), "b.md#deep");
    done(&x);
}

static void test_raw_html(void) {
    /* unknown tags go with a warning, their text stays (the subset: tests/model/test_sources.c) */
    parsed p = parse1("<section>block</section>\n\nText <u>under</u> <!-- a comment -->.\n");
    OK(p.ok, "warnings only");
    INT_EQ(p.d.warnings, 2);
    OK(has(&p.d, "a.md:1:1: warning: raw HTML tag <section> is not supported; dropped, its text kept"), "%s",
       p.d.captured ? p.d.captured : "");
    OK(has(&p.d, "a.md:3:6: warning: raw HTML tag <u> is not supported; dropped, its text kept"), "%s",
       p.d.captured ? p.d.captured : "");
    char *t = model_plain_text(p.book->chapters[0].root);
    STR_EQ(t, "block Text under .");
    free(t);
    done(&p);
}

static void test_images(void) {
    /* inline and remote images warn (tests/model/test_sources.c); other schemes stay errors */
    parsed remote = parse1("![x](file:///etc/x.png)\n");
    OK(!remote.ok, "file: image fails");
    OK(has(&remote.d, "a.md:1:1: error: image 'file:///etc/x.png' is not a local file; remote images are never fetched"),
       "%s", remote.d.captured ? remote.d.captured : "");
    done(&remote);

    /* a file outside the book folder that exists is read, with a warning naming it; a
     * path that climbs out and comes back in is inside */
    parsed up = parse1("![x](../../../../book/images/cover.svg)\n\n![y](images/nothing.png)\n\n"
                       "![z](../basic/images/gone.svg)\n\n![w](../basic/images/dot.svg)\n");
    OK(!up.ok, "missing images fail");
    INT_EQ(up.d.errors, 2);
    INT_EQ(up.d.warnings, 1);
    OK(has(&up.d, "a.md:1:1: warning: image '../../../../book/images/cover.svg' is a file outside the book folder: /"),
       "%s", up.d.captured);
    OK(has(&up.d, "/book/images/cover.svg"), "%s", up.d.captured);
    OK(has(&up.d, "a.md:3:1: error: image 'images/nothing.png' not found"), "%s", up.d.captured);
    OK(has(&up.d, "a.md:5:1: error: image '../basic/images/gone.svg' not found"), "%s", up.d.captured);
    const model_node *outside = nth(up.book->chapters[0].root, MODEL_FIGURE, 0);
    OK(outside && outside->as.figure.image.data && outside->as.figure.image.size > 0, "the outside file is read");
    const model_node *back_in = nth(up.book->chapters[0].root, MODEL_FIGURE, 3);
    OK(back_in && back_in->as.figure.image.book_path && strcmp(back_in->as.figure.image.book_path, "images/dot.svg") == 0,
       "named from the book folder");
    done(&up);

    parsed ok = parse1("  ![A dot](images/dot.svg)  \n");
    OK(ok.ok, "lone image with spaces: %s", ok.d.captured ? ok.d.captured : "");
    const model_node *f = nth(ok.book->chapters[0].root, MODEL_FIGURE, 0);
    OK(f && f->as.figure.caption == NULL, "no title, no caption");
    done(&ok);
}

static void test_nesting(void) {
    buf b;
    buf_init(&b);
    for (int i = 0; i < 70; i++) buf_putc(&b, '>');
    buf_puts(&b, " deep\n");
    parsed p = parse1(b.data);
    OK(!p.ok, "deep quotes fail");
    OK(has(&p.d, "a.md:1:65: error: nesting deeper than 64 levels"), "%s", p.d.captured);
    done(&p);

    /* far deeper than any stack would take recursively */
    buf_free(&b);
    buf_init(&b);
    for (int i = 0; i < 20000; i++) buf_puts(&b, "> ");
    buf_puts(&b, "x\n");
    parsed q = parse1(b.data);
    OK(!q.ok && q.d.errors == 1, "one error for a very deep quote");
    done(&q);

    buf_free(&b);
    buf_init(&b);
    for (int i = 0; i < 64; i++) buf_putc(&b, '>');
    buf_puts(&b, " exactly 64\n");
    parsed r = parse1(b.data);
    OK(r.ok, "64 levels are fine: %s", r.d.captured ? r.d.captured : "");
    done(&r);
    buf_free(&b);
}

static void test_no_heading(void) {
    parsed p = parse1("Just a paragraph.\n\n```\ncode\n```\n\n***\n");
    OK(p.ok, "parsed");
    STR_EQ(p.book->chapters[0].title, "a");
    STR_EQ(p.book->chapters[0].id, "a");
    const model_node *code = nth(p.book->chapters[0].root, MODEL_CODE_BLOCK, 0);
    STR_EQ(code->text, "code");
    OK(code->as.code.info == NULL, "no info string");
    INT_EQ(code->role, STYLE_CODE);
    OK(nth(p.book->chapters[0].root, MODEL_RULE, 0) != NULL, "rule");
    OK(code->style == NULL, "no style sheet, no style");
    done(&p);
}

/* Outline levels: a heading is one below the nearest heading of lower source level before
 * it, so a ### under a # is second, its sibling ### too, and a later ## is second again. */
static void test_outline_levels(void) {
    const char *srcs[] = {"# A\n\n### b\n\n### c\n\n##### d\n\n## e\n", "## F\n\n# G\n", NULL};
    parsed p = parse_many(srcs);
    OK(p.ok, "parsed");
    model_contents_build(p.book, 6);
    static const int want[] = {1, 2, 2, 3, 2, 2, 1};
    for (int i = 0; i < 7; i++) {
        const model_node *h = nth(p.book->chapters[i < 5 ? 0 : 1].root, MODEL_HEADING, i < 5 ? i : i - 5);
        OK(h && h->as.heading.outline == want[i], "heading %d: outline %d, want %d", i, h ? h->as.heading.outline : -1, want[i]);
    }
    done(&p);
}

/* The contents list headings at their outline depth, so a chapter that opens with ###
 * is a top entry and a ##### under it the second level, within a contents depth of 2. */
static void test_contents_levels(void) {
    const char *srcs[] = {"### A\n\n##### b\n\n## c\n\n#### d\n\n###### e\n", NULL};
    parsed p = parse_many(srcs);
    OK(p.ok, "parsed");
    model_contents_build(p.book, 2);
    static const char *const text[] = {"A", "b", "c", "d"};
    static const int level[] = {1, 2, 1, 2};
    INT_EQ((int)p.book->n_contents, 4);
    for (size_t i = 0; i < 4 && i < p.book->n_contents; i++) {
        STR_EQ(p.book->contents[i].text, text[i]);
        INT_EQ(p.book->contents[i].level, level[i]);
    }
    done(&p);
}

static void test_build_functions(void) {
    model_book *b = model_book_new();
    model_pos pos = {"x.md", 1, 1};
    model_node *root = model_node_new(b, MODEL_PARAGRAPH, pos);
    model_node *t1 = model_node_new(b, MODEL_TEXT, pos), *t2 = model_node_new(b, MODEL_TEXT, pos);
    model_node *em = model_node_new(b, MODEL_EMPH, pos), *br = model_node_new(b, MODEL_SOFT_BREAK, pos);
    t1->text = "one";
    t2->text = "two";
    model_append_child(root, t1);
    model_append_child(root, em);
    model_append_child(em, t2);
    model_append_child(root, br);
    char *s = model_plain_text(root);
    STR_EQ(s, "onetwo ");
    free(s);
    /* iterator: paragraph, text, emph, text, /emph, break, /paragraph */
    static const model_event want_ev[] = {MODEL_EVENT_ENTER, MODEL_EVENT_ENTER, MODEL_EVENT_ENTER, MODEL_EVENT_ENTER,
                                          MODEL_EVENT_EXIT,  MODEL_EVENT_ENTER, MODEL_EVENT_EXIT};
    const model_node *want_node[] = {root, t1, em, t2, em, br, root};
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    for (int i = 0; i < 7; i++) {
        INT_EQ(model_iter_next(&it, &n), want_ev[i]);
        OK(n == want_node[i], "iterator node %d", i);
    }
    INT_EQ(model_iter_next(&it, &n), MODEL_EVENT_NONE);
    model_unlink(em);
    OK(t1->next == br && br->prev == t1 && em->parent == NULL, "unlink");
    STR_EQ(model_type_name(MODEL_TABLE_CELL), "table_cell");
    OK(model_is_block(MODEL_FOOTNOTE) && !model_is_block(MODEL_TEXT), "block types");
    model_book_free(b);
}

/*** repeated ids: the next free "-N" is remembered per base ***/

static void test_many_repeats(void) {
    /* 20,000 equal headings: each takes its "-N" without trying the ones before */
    buf b;
    buf_init(&b);
    for (int i = 0; i < 20000; i++) buf_puts(&b, "# a\n\n");
    parsed p = parse1(b.data);
    OK(p.ok, "20,000 headings: %s", p.d.captured ? p.d.captured : "");
    const model_node *root = p.book->chapters[0].root;
    STR_EQ(root->first_child->id, "a");
    STR_EQ(root->first_child->next->id, "a-2");
    STR_EQ(root->last_child->id, "a-20000");
    done(&p);
    buf_free(&b);

    /* headings of punctuation only, and the same figure again and again */
    buf_init(&b);
    for (int i = 0; i < 3; i++) buf_puts(&b, "# !!!\n\n![d](images/dot.svg)\n\n");
    parsed q = parse1(b.data);
    OK(q.ok, "repeats: %s", q.d.captured ? q.d.captured : "");
    const model_node *r = q.book->chapters[0].root;
    STR_EQ(nth(r, MODEL_HEADING, 2)->id, "section-3");
    STR_EQ(nth(r, MODEL_FIGURE, 0)->id, "figure-dot");
    STR_EQ(nth(r, MODEL_FIGURE, 2)->id, "figure-dot-3");
    done(&q);
    buf_free(&b);

    /* far more than a quadratic search could finish: the bound is ctest's timeout */
    model_book *book = model_book_new();
    OK(model_claim_id(book, "x-3"), "an anchor takes x-3 first");
    STR_EQ(model_unique_slug(book, "X"), "x");
    STR_EQ(model_unique_slug(book, "X"), "x-2");
    STR_EQ(model_unique_slug(book, "X"), "x-4"); /* x-3 is taken */
    const char *last = NULL;
    for (int i = 0; i < 300000; i++) last = model_unique_slug(book, "X");
    STR_EQ(last, "x-300004");
    STR_EQ(model_unique_slug(book, "x 2"), "x-2-2"); /* "x-2" as a base of its own */
    model_book_free(book);
}

/*** smart punctuation (quire's own, cmark's rules) ***/

static void smart_eq(const char *src, const char *want) {
    parsed p = parse1(src);
    OK(p.ok, "%s: %s", src, p.d.captured ? p.d.captured : "");
    char *t = model_plain_text(p.book->chapters[0].root);
    OK(strcmp(t, want) == 0, "smart %s: got \"%s\", want \"%s\"", src, t, want);
    free(t);
    done(&p);
}

static void test_smart(void) {
    smart_eq("\"Quotes\" and 'single' ones, it's Jane's.", "\xe2\x80\x9cQuotes\xe2\x80\x9d and \xe2\x80\x98single\xe2\x80\x99 ones, it\xe2\x80\x99s Jane\xe2\x80\x99s.");
    smart_eq("'90s rock and the '60s", "\xe2\x80\x99" "90s rock and the \xe2\x80\x99" "60s");
    smart_eq("a -- b --- c - d ---- e ----- f", "a \xe2\x80\x93 b \xe2\x80\x94 c - d \xe2\x80\x93\xe2\x80\x93 e \xe2\x80\x94\xe2\x80\x93 f");
    smart_eq("Wait... what.... no..", "Wait\xe2\x80\xa6 what\xe2\x80\xa6. no..");
    smart_eq("*\"emphasis\"* and (\"brackets\")", "\xe2\x80\x9c" "emphasis\xe2\x80\x9d and (\xe2\x80\x9c" "brackets\xe2\x80\x9d)");
    smart_eq("He said, \"'Yes.'\"", "He said, \xe2\x80\x9c\xe2\x80\x98Yes.\xe2\x80\x99\xe2\x80\x9d");
    /* escapes and character references stay as written */
    smart_eq("\\'straight\\' \\\"too\\\" a\\-\\-b &quot;ref&quot; &#39;x&#39; \\.\\.\\.", "'straight' \"too\" a--b \"ref\" 'x' ...");
    /* never in code, URLs or autolinks */
    smart_eq("`it's -- \"code\"` and <https://example.org/a--b'c> and https://example.org/x--y",
             "it's -- \"code\" and https://example.org/a--b'c and https://example.org/x--y");
    smart_eq("```\n\"fenced\" -- 'code'\n```\n", "\"fenced\" -- 'code'");
    /* a link keeps its quotes to itself; its address is untouched */
    parsed l = parse1("'[it's](https://example.org/a--b 'T--t') here'\n");
    OK(l.ok, "link: %s", l.d.captured ? l.d.captured : "");
    const model_node *link = nth(l.book->chapters[0].root, MODEL_LINK, 0);
    STR_EQ(link->as.link.url, "https://example.org/a--b");
    STR_EQ(link->as.link.title, "T--t");
    PLAIN_EQ(l.book->chapters[0].root, "\xe2\x80\x98it\xe2\x80\x99s here\xe2\x80\x99");
    done(&l);
    /* alt text of a figure, a heading, a table cell, a footnote */
    parsed f = parse1("# \"Heading\" -- one\n\n![A \"dot\" -- small](images/dot.svg)\n\n| \"a\" |\n| --- |\n| 'b' |\n\n"
                      "Note.[^n]\n\n[^n]: \"Noted\" -- yes.\n");
    OK(f.ok, "blocks: %s", f.d.captured ? f.d.captured : "");
    const model_node *fr = f.book->chapters[0].root;
    PLAIN_EQ(nth(fr, MODEL_HEADING, 0), "\xe2\x80\x9cHeading\xe2\x80\x9d \xe2\x80\x93 one");
    STR_EQ(nth(fr, MODEL_FIGURE, 0)->as.figure.alt, "A \xe2\x80\x9c" "dot\xe2\x80\x9d \xe2\x80\x93 small");
    PLAIN_EQ(nth(fr, MODEL_TABLE_CELL, 1), "\xe2\x80\x98" "b\xe2\x80\x99");
    PLAIN_EQ(f.book->footnotes[0], "\xe2\x80\x9cNoted\xe2\x80\x9d \xe2\x80\x93 yes.");
    done(&f);
    /* cmark-gfm's own smart punctuation took 14 s for 40,000 quotes; this is linear */
    buf b;
    buf_init(&b);
    for (int i = 0; i < 400000; i++) buf_putc(&b, '\'');
    buf_puts(&b, "\n\n");
    for (int i = 0; i < 400000; i++) buf_putc(&b, '"');
    buf_puts(&b, "\n\n");
    for (int i = 0; i < 100000; i++) buf_puts(&b, "'a ");
    buf_putc(&b, '\n');
    parsed q = parse1(b.data);
    OK(q.ok, "many quotes");
    const model_node *p1 = nth(q.book->chapters[0].root, MODEL_TEXT, 0);
    OK(p1 && strlen(p1->text) == 3 * 400000, "every quote curled");
    done(&q);
    buf_free(&b);
}

/*** what the text may hold ***/

static void test_text_checks(void) {
    /* character references may not bring in what the file itself may not hold */
    parsed c = parse1("# T\n\nA &#1; bell and &#xFFFE; and [x](https://example.org/&#7;).\n\n~~~ &#2;\ncode\n~~~\n");
    OK(!c.ok, "control characters from references fail");
    OK(has(&c.d, "a.md:3:3: error: control character U+0001 in the text (from a character reference)"), "%s",
       c.d.captured);
    OK(has(&c.d, "a.md:3:17: error: Unicode noncharacter U+FFFE in the text (from a character reference)"), "%s",
       c.d.captured);
    INT_EQ(c.d.errors, 4);
    OK(has(&c.d, "error: control character U+0007 in the link's address (from a character reference)"), "%s",
       c.d.captured);
    OK(has(&c.d, "a.md:5:1: error: control character U+0002 in the code block's info string"), "%s", c.d.captured);
    done(&c);

    /* anchor ids: one word, as HTML takes them; one an XML id may not be gets a slug of it
     * in the writers, and links written with it still find it */
    parsed a = parse1("# T\n\n<a id=\"ok_1.2:x-y\"></a> <a id=\"1st\"></a> <a id=\"a b\"></a> <span id='x\"y'></span> "
                      "<a id=\"caf\xc3\xa9\"></a> <a id=\"\"></a> <a id=\"-bindings\"></a>\n\n"
                      "[one](#1st) [two](#-bindings) [three](#caf\xc3\xa9)\n");
    OK(!a.ok, "bad anchor ids fail");
    INT_EQ(a.d.errors, 2);
    OK(has(&a.d, "a.md:3:42: error: anchor id 'a b' must be one word: not empty, without spaces"), "%s", a.d.captured);
    OK(has(&a.d, "error: anchor id '' must be one word"), "%s", a.d.captured);
    OK(model_find_id(a.book, "ok_1.2:x-y") != NULL, "a good id is kept");
    const model_node *first = model_find_id(a.book, "1st"), *bind = model_find_id(a.book, "-bindings");
    OK(first && first->type == MODEL_ANCHOR && strcmp(first->id, "st") == 0, "'1st' is written as 'st'");
    OK(bind && bind->type == MODEL_ANCHOR && strcmp(bind->id, "bindings") == 0, "'-bindings' is written as 'bindings'");
    const model_node *cafe = model_find_id(a.book, "caf\xc3\xa9");
    OK(cafe && strcmp(cafe->id, "cafe") == 0, "an accented id is folded");
    OK(model_find_id(a.book, "x\"y") && strcmp(model_find_id(a.book, "x\"y")->id, "x-y") == 0, "a quote is no part of it");
    const model_node *links = a.book->chapters[0].root->last_child;
    OK(links->first_child->as.link.target == first, "link #1st");
    OK(links->first_child->next->next->as.link.target == bind, "link #-bindings");
    OK(links->last_child->as.link.target == cafe, "link #café");
    done(&a);

    /* link schemes: an unsafe one is no link, but its text stays (a warning) */
    parsed s = parse1("[a](http://x.org) [b](HTTPS://x.org) [c](mailto:a@b.c) [d](tel:+123) [e](ftp://x.org/f)\n\n"
                      "[bad](javascript:alert(1)) [f](file:///etc/passwd) [g](data:text/html,x)\n\n<vbscript:x>\n");
    OK(s.ok, "other schemes only warn");
    INT_EQ(s.d.errors, 0);
    INT_EQ(s.d.warnings, 4);
    OK(has(&s.d, "a.md:3:1: warning: link scheme 'javascript:' is not allowed (use http, https, mailto, tel or ftp); "
                 "its text is set as plain text"),
       "%s", s.d.captured);
    OK(has(&s.d, "a.md:3:28: warning: link scheme 'file:' is not allowed"), "%s", s.d.captured);
    OK(has(&s.d, "a.md:3:52: warning: link scheme 'data:' is not allowed"), "%s", s.d.captured);
    OK(has(&s.d, "a.md:5:1: warning: link scheme 'vbscript:' is not allowed"), "%s", s.d.captured);
    const model_node *p3 = s.book->chapters[0].root->first_child->next;
    PLAIN_EQ(p3, "bad f g");
    OK(p3->first_child && p3->first_child->type == MODEL_TEXT && !p3->first_child->first_child, "no link left");
    for (const model_node *k = p3->first_child; k; k = k->next) OK(k->type != MODEL_LINK, "an unsafe link is unwrapped");
    INT_EQ(s.book->chapters[0].root->first_child->first_child->type, MODEL_LINK);
    done(&s);
    /* nested inside emphasis, the text keeps its emphasis */
    parsed s2 = parse1("*[bad **x**](javascript:1) y*\n");
    const model_node *em = s2.book->chapters[0].root->first_child->first_child;
    INT_EQ(em->type, MODEL_EMPH);
    INT_EQ(em->first_child->type, MODEL_TEXT);
    INT_EQ(em->first_child->next->type, MODEL_STRONG);
    PLAIN_EQ(em, "bad x y");
    done(&s2);

    /* an escaped footnote reference is text */
    parsed e = parse1("Escaped \\[^nope] here, and a real one[^gone].\n");
    OK(!e.ok, "the real one fails");
    INT_EQ(e.d.errors, 1);
    OK(has(&e.d, "a.md:1:38: error: footnote '[^gone]' has no definition"), "%s", e.d.captured);
    PLAIN_EQ(e.book->chapters[0].root, "Escaped [^nope] here, and a real one[^gone].");
    done(&e);
    parsed e2 = parse1("> Quoted\n> \\[^x] and [^y]\n");
    INT_EQ(e2.d.errors, 1);
    OK(has(&e2.d, "a.md:2:13: error: footnote '[^y]' has no definition"), "%s", e2.d.captured);
    done(&e2);
}

/*** the bytes the loader checked, the time it read ***/

static void test_loaded_bytes(void) {
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    diag d = quiet_diag();
    model_book *book = book_load(FIXTURES "/basic", NULL, &d);
    OK(book != NULL, "loads: %s", d.captured ? d.captured : "");
    if (book) {
        INT_EQ(book->timestamp, 1700000000);
        OK(book->timestamp_from_env, "from SOURCE_DATE_EPOCH");
        char *data = NULL;
        size_t len = 0;
        OK(file_read(FIXTURES "/basic/images/pixel.png", 1 << 20, &data, &len) == 0, "read the cover");
        OK(book->meta.cover.data && book->meta.cover.size == len && memcmp(book->meta.cover.data, data, len) == 0,
           "the cover's bytes are in the model");
        free(data);
        const model_node *fig = nth(book->chapters[0].root, MODEL_FIGURE, 0);
        OK(file_read(FIXTURES "/basic/images/dot.svg", 1 << 20, &data, &len) == 0, "read the figure");
        OK(fig && fig->as.figure.image.data && fig->as.figure.image.size == len &&
               memcmp(fig->as.figure.image.data, data, len) == 0,
           "the figure's bytes are in the model");
        free(data);
        OK(book->n_fonts > 0, "fonts listed");
        for (size_t i = 0; i < book->n_fonts; i++) {
            const model_font *f = &book->fonts[i];
            OK(f->data && f->size > 12 && file_read(f->path, 64u << 20, &data, &len) == 0 && len == f->size &&
                   memcmp(data, f->data, len) == 0,
               "font %s: its bytes are in the model", f->file_name);
            free(data);
            data = NULL;
        }
    }
    model_book_free(book);
    diag_free(&d);

    setenv("SOURCE_DATE_EPOCH", "253402300800", 1);
    d = quiet_diag();
    book = book_load(FIXTURES "/basic", NULL, &d);
    OK(book == NULL, "a year past 9999 fails");
    OK(has(&d, "SOURCE_DATE_EPOCH: error: '253402300800' is not a number of seconds between 0 and 253402300799"), "%s",
       d.captured);
    model_book_free(book);
    diag_free(&d);
    unsetenv("SOURCE_DATE_EPOCH");
}

/*** a heading with no text (only a comment, or only "{#id}") is left out, its ids kept ***/

static void test_blank_headings(void) {
    parsed p = parse1("# T\n\n#### <!-- md:setting config.enabled -->\n\nText one.\n\n## {#named}\n\n"
                      "### <a id=\"inner\"></a> <!-- x -->\n\n#\n\nSee [a](#named) and [b](#inner).\n");
    OK(p.ok, "%s", p.d.captured);
    INT_EQ(p.d.warnings, 4);
    OK(has(&p.d, "a.md:3:1: warning: heading has no text; left out"), "%s", p.d.captured);
    OK(has(&p.d, "a.md:7:1: warning: heading has no text; left out (its id 'named' stays at its place)"), "%s",
       p.d.captured);
    OK(has(&p.d, "a.md:9:1: warning: heading has no text; left out"), "%s", p.d.captured);
    OK(has(&p.d, "a.md:11:1: warning: heading has no text; left out"), "%s", p.d.captured);
    int headings = 0;
    model_iter it;
    model_iter_init(&it, p.book->chapters[0].root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE)
        if (ev == MODEL_EVENT_ENTER && n->type == MODEL_HEADING) headings++;
    INT_EQ(headings, 1);
    /* the ids name anchors where the headings stood, and the links reach them */
    const model_node *named = model_find_id(p.book, "named"), *inner = model_find_id(p.book, "inner");
    OK(named && named->type == MODEL_ANCHOR && named->pos.line == 7, "the {#id} is an anchor at line 7");
    OK(inner && inner->type == MODEL_ANCHOR && inner->pos.line == 9, "the inner anchor stays");
    const model_node *last = p.book->chapters[0].root->last_child;
    PLAIN_EQ(last, "See a and b.");
    INT_EQ(last->first_child->next->type, MODEL_LINK);
    OK(last->first_child->next->as.link.target == named, "link to the heading's id");
    OK(last->first_child->next->next->next->as.link.target == inner, "link to the anchor inside it");
    STR_EQ(p.book->chapters[0].title, "T");
    done(&p);
    /* a chapter whose first heading is blank takes its title from the next */
    parsed q = parse1("# <!-- t -->\n\n## Real\n\nText.\n");
    STR_EQ(q.book->chapters[0].title, "Real");
    done(&q);
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1);
    test_build_functions();
    test_slugs();
    test_fixture_book();
    test_footnote_order();
    test_anchors_and_links();
    test_raw_html();
    test_images();
    test_nesting();
    test_no_heading();
    test_blank_headings();
    test_outline_levels();
    test_contents_levels();
    test_many_repeats();
    test_smart();
    test_text_checks();
    test_loaded_bytes();
    fontmap_release();
    fontset_release();
    return CHECK_DONE();
}
