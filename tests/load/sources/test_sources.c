/* test_sources: other people's Markdown: inline and remote images, links to files
 * outside the book, GitHub heading slugs and fragments, the raw HTML subset, table
 * captions, and strict mode. Each case parses Markdown into the model and checks the nodes made and
 * the exact messages. */
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "load/book.h"
#include "load/markdown.h"
#include "model/model.h"
#include "check.h"
#include "model_probe.h"

#define FIXTURES QUIRE_TEST_DIR "/model/fixtures"

typedef struct parsed {
    model_book *book;
    diag d;
    bool ok;
} parsed;

/* Chapters (NULL-terminated) named by `names` (or "a.md", "b.md"…) in a book rooted
 * at the model tests' basic fixture, which holds images/dot.svg and images/pixel.png. */
static parsed parse_named(const char *const *srcs, const char *const *names, const char *links_base, bool strict) {
    parsed p;
    diag_init(&p.d);
    p.d.out = NULL;
    p.d.capture = true;
    p.d.strict = strict;
    p.book = model_book_new();
    char *dir = path_real(FIXTURES "/basic");
    p.book->dir = arena_strdup(p.book->mem, dir);
    free(dir);
    p.book->meta.links_base = links_base;
    size_t n = 0;
    while (srcs[n]) n++;
    p.book->chapters = arena_alloc(p.book->mem, n * sizeof *p.book->chapters);
    p.book->n_chapters = n;
    p.ok = true;
    for (size_t i = 0; i < n; i++) {
        p.book->chapters[i].file =
            names ? arena_strdup(p.book->mem, names[i]) : arena_printf(p.book->mem, "%c.md", (char)('a' + i));
        p.ok &= markdown_parse_chapter(p.book, &p.book->chapters[i], (int)i, srcs[i], strlen(srcs[i]), &book_files, &p.d);
    }
    p.ok &= markdown_link_book(p.book, &p.d);
    return p;
}

static parsed parse1(const char *src) {
    const char *srcs[] = {src, NULL};
    return parse_named(srcs, NULL, NULL, false);
}

static void done(parsed *p) {
    model_book_free(p->book);
    diag_free(&p->d);
}

static const char *said(const diag *d) { return d->captured ? d->captured : "(nothing)"; }

/* Each message of the NULL-terminated list was said. */
static void says(const parsed *p, const char *const *messages) {
    for (; *messages; messages++) OK(has(&p->d, *messages), "no '%s' in: %s", *messages, said(&p->d));
}
#define SAYS(p, ...) says(&(p), (const char *const[]){__VA_ARGS__, NULL})

/* Link number `link` (in document order) of a chapter leads to `target`. */
typedef struct link_case {
    const model_node *root;
    int link;
    const model_node *target;
    const char *what;
} link_case;

static void links_lead(const link_case *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const model_node *l = nth(cases[i].root, MODEL_LINK, cases[i].link);
        OK(l && l->as.link.target == cases[i].target, "%s", cases[i].what);
    }
}
#define LINKS_LEAD(cases) links_lead(cases, sizeof cases / sizeof *cases)

static void plain_is(const model_node *n, const char *want) {
    char *t = model_plain_text(n);
    STR_EQ(t, want);
    free(t);
}

static void test_inline_images(void) {
    parsed p = parse1("# T\n\nA badge ![dot](images/dot.svg) in text and [![px](images/pixel.png)](https://example.org/) linked.\n");
    OK(p.ok, "inline images load: %s", said(&p.d));
    INT_EQ(p.d.warnings, 2);
    SAYS(p, "a.md:3:9: warning: image 'images/dot.svg' inside running text is set inline, at the height of the line");
    const model_node *root = p.book->chapters[0].root;
    const model_node *img = nth(root, MODEL_IMAGE, 0);
    OK(img && img->parent->type == MODEL_PARAGRAPH, "an inline image in the paragraph");
    if (img) {
        STR_EQ(img->as.figure.image.media_type, "image/svg+xml");
        STR_EQ(img->as.figure.alt, "dot");
    }
    const model_node *linked = nth(root, MODEL_IMAGE, 1);
    OK(linked && linked->parent->type == MODEL_LINK, "an image inside a link keeps both");
    if (linked) STR_EQ(linked->parent->as.link.url, "https://example.org/");
    OK(nth(root, MODEL_FIGURE, 0) == NULL, "no figure");
    done(&p);

    /* a missing local image stays an error */
    parsed m = parse1("Text ![gone](images/gone.png) here.\n");
    OK(!m.ok, "missing inline image fails");
    SAYS(m, "a.md:1:6: error: image 'images/gone.png' not found");
    done(&m);
}

/* A picture wrapped in a link that opens it full size, as the Rust and WebAssembly book
 * (rustwasm/book, src/game-of-life/) writes its screenshots: a figure with its alt
 * text and no link, no warning. A link to a page, or an image beside text, stays inline. */
static void test_linked_figure(void) {
    parsed p = parse1("# T\n\n[![A screenshot](images/pixel.png)](images/pixel.png)\n\n"
                      "> [![Dot](images/dot.svg \"The dot\")](../basic/images/dot.svg?raw=true)\n\n"
                      "[![Home](images/pixel.png)](https://example.org/)\n\n"
                      "[![Up](images/pixel.png)](a.md)\n\n"
                      "[![Two](images/pixel.png)](images/pixel.png) and text.\n");
    OK(p.ok, "linked figures load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *f0 = nth(root, MODEL_FIGURE, 0), *f1 = nth(root, MODEL_FIGURE, 1);
    OK(f0 && f0->parent == root, "a linked lone image is a figure");
    if (f0) STR_EQ(f0->as.figure.alt, "A screenshot");
    OK(f1 && f1->parent->type == MODEL_QUOTE, "also in a quote, to a file spelled otherwise");
    if (f1) STR_EQ(f1->as.figure.caption, "The dot");
    OK(nth(root, MODEL_FIGURE, 2) == NULL, "two figures only");
    INT_EQ(p.d.warnings, 4);
    SAYS(p, "a.md:11:1: warning: link to 'images/pixel.png', which is not a chapter of the book",
         "a.md:7:2: warning: image 'images/pixel.png' inside running text is set inline",
         "a.md:9:2: warning: image 'images/pixel.png' inside running text is set inline",
         "a.md:11:2: warning: image 'images/pixel.png' inside running text is set inline");
    const model_node *l0 = nth(root, MODEL_LINK, 0), *l1 = nth(root, MODEL_LINK, 1);
    OK(l0 && l0->as.link.kind == MODEL_LINK_EXTERNAL, "the link to a page stays");
    OK(l1 && l1->as.link.kind == MODEL_LINK_INTERNAL, "and the link to a chapter");
    done(&p);
}

/* An address written as the text of <a href>, as Starlette's docs/index.md writes its
 * links: GFM's autolinks make it a link of its own, inside the <a>; a link holds no link
 * (the EPUB would not validate), so one link with that text. */
/* Screenshots to compare written one under the other in one paragraph (learn-wgpu,
 * docs/intermediate/tutorial11-normals): a figure each, as GitHub shows them full size;
 * pictures side by side on one line, or beside text, stay inline. */
static void test_picture_lines(void) {
    parsed p = parse1("# T\n\n![](images/pixel.png)\n![Dot](images/dot.svg)\n[![Px](images/pixel.png)](images/pixel.png)\n\n"
                      "![a](images/pixel.png) ![b](images/dot.svg)\n\n![c](images/pixel.png)\nand text\n\n"
                      "Here are the annotators:\n![Annotators](images/pixel.png)\n");
    OK(p.ok, "picture lines load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *f1 = nth(root, MODEL_FIGURE, 1), *f2 = nth(root, MODEL_FIGURE, 2);
    const model_node *f3 = nth(root, MODEL_FIGURE, 3);
    OK(nth(root, MODEL_FIGURE, 0) && f1 && f2 && f3 && !nth(root, MODEL_FIGURE, 4), "three figures from the three lines, one after text");
    if (f3) {
        STR_EQ(f3->as.figure.alt, "Annotators");
        OK(f3->prev && f3->prev->type == MODEL_PARAGRAPH, "after the paragraph of text it ended");
        if (f3->prev) plain_is(f3->prev, "Here are the annotators:");
    }
    if (f1) STR_EQ(f1->as.figure.alt, "Dot");
    if (f2) STR_EQ(f2->as.figure.alt, "Px");
    INT_EQ(p.d.warnings, 3);
    OK(has(&p.d, "a.md:7:1: warning: image 'images/pixel.png' inside running text is set inline"), "%s", said(&p.d));
    OK(has(&p.d, "a.md:7:24: warning: image 'images/dot.svg' inside running text is set inline"), "%s", said(&p.d));
    OK(has(&p.d, "a.md:9:1: warning: image 'images/pixel.png' inside running text is set inline"), "%s", said(&p.d));
    done(&p);
}

static void test_link_in_link(void) {
    parsed p = parse1("# T\n\n**Docs**: <a href=\"https://www.starlette.io/\" target=\"_blank\">https://www.starlette.io</a>"
                      " and <a href=\"https://x.org/\"><em>see https://y.org</em></a>.\n");
    OK(p.ok, "links load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *l0 = nth(root, MODEL_LINK, 0), *l1 = nth(root, MODEL_LINK, 1);
    OK(l0 && l1 && !nth(root, MODEL_LINK, 2), "two links, none inside another");
    if (l0) {
        STR_EQ(l0->as.link.url, "https://www.starlette.io/");
        plain_is(l0, "https://www.starlette.io");
    }
    if (l1) plain_is(l1, "see https://y.org");
    plain_is(nth(root, MODEL_PARAGRAPH, 0), "Docs: https://www.starlette.io and see https://y.org.");
    done(&p);
}

/* Tags that only style their text, as mkdocs-material's docs write version notes
 * ("<small>recommended</small>", 650 of them) and Django Girls its icons (a <span class>):
 * dropped without a word, their text kept; <u> still warns. */
static void test_quiet_wrappers(void) {
    parsed p = parse1("# T\n\nA <small>recommended</small> <span class=\"x\">setting</span> and <u>u</u>.\n\n"
                      "<p>Block <small>small</small> text.</p>\n\n"
                      "A <abbr title=\"command line interface\">CLI</abbr> app.\n");
    OK(p.ok, "loads: %s", said(&p.d));
    INT_EQ(p.d.warnings, 1);
    SAYS(p, "a.md:3:65: warning: raw HTML tag <u> is not supported");
    const model_node *root = p.book->chapters[0].root;
    plain_is(nth(root, MODEL_PARAGRAPH, 0), "A recommended setting and u.");
    plain_is(nth(root, MODEL_PARAGRAPH, 1), "Block small text.");
    plain_is(nth(root, MODEL_PARAGRAPH, 2), "A CLI app.");
    done(&p);
}

static int count_of(const char *text, const char *needle) {
    int n = 0;
    for (const char *at = text; at && (at = strstr(at, needle)); at += strlen(needle)) n++;
    return n;
}

/* A kind of tag warning is given ten times in a chapter, then once more for all the rest
 * (a page of 20,000 <u> gave 20,000 lines); another tag has its own ten, up to thirty
 * names (a page of 20,000 names would make the table as large). */
static void test_repeated_warnings(void) {
    char src[1024] = "# T\n\n";
    for (int i = 0; i < 25; i++) strcat(src, "<u>x</u> ");
    strcat(src, "<blink>y</blink>\n");
    parsed p = parse1(src);
    OK(p.ok, "loads: %s", said(&p.d));
    INT_EQ(p.d.warnings, 12);
    INT_EQ(count_of(said(&p.d), "raw HTML tag <u> is not supported"), 11);
    SAYS(p, "a.md:3:91: warning: raw HTML tag <u> is not supported; dropped, its text kept; so are 15 more in this "
            "chapter, not named one by one",
         "a.md:3:226: warning: raw HTML tag <blink> is not supported; dropped, its text kept");
    plain_is(nth(p.book->chapters[0].root, MODEL_PARAGRAPH, 0),
             "x x x x x x x x x x x x x x x x x x x x x x x x x y");
    done(&p);

    /* forty tag names, then <u>: thirty names are counted each, the rest together */
    char many[2048] = "# T\n\n";
    for (int i = 0; i < 40; i++) sprintf(many + strlen(many), "<t%d>z</t%d> ", i, i);
    for (int i = 0; i < 25; i++) strcat(many, "<u>x</u> ");
    parsed m = parse1(many);
    INT_EQ(m.d.warnings, 30 + 10 + 1);
    INT_EQ(count_of(said(&m.d), "raw HTML tag <u> is not supported"), 1);
    SAYS(m, "raw HTML tag <t39> is not supported; dropped, its text kept",
         "raw HTML tag <u> is not supported; dropped, its text kept; so are 25 more of other tags in this chapter");
    done(&m);
}

static void test_remote_images(void) {
    parsed p = parse1("![Build status](https://img.shields.io/badge/x.svg)\n\n"
                      "[![Discord](https://img.shields.io/d.svg)](https://discord.gg/x) join us\n\n"
                      "![](https://example.org/no-alt.png)\n");
    OK(p.ok, "remote images only warn: %s", said(&p.d));
    INT_EQ(p.d.warnings, 3);
    SAYS(p, "a.md:1:1: warning: remote image 'https://img.shields.io/badge/x.svg' is not fetched; its alt text is set in its place",
         "a.md:3:2: warning: remote image 'https://img.shields.io/d.svg' is not fetched",
         "a.md:5:1: warning: remote image 'https://example.org/no-alt.png' is not fetched; it has no alt text");
    const model_node *root = p.book->chapters[0].root;
    plain_is(root, "Build status Discord join us");
    const model_node *link = nth(root, MODEL_LINK, 0);
    OK(link != NULL, "the badge's link stays");
    if (link) plain_is(link, "Discord");
    OK(nth(root, MODEL_FIGURE, 0) == NULL && nth(root, MODEL_IMAGE, 0) == NULL, "nothing fetched");
    done(&p);
}

static void test_outside_links(void) {
    const char *src = "# T\n\nSee [the licence](../LICENSE), [code](/src/main.c#L3) and [x](notes.txt).\n";
    parsed p = parse1(src);
    OK(p.ok, "outside links only warn: %s", said(&p.d));
    INT_EQ(p.d.warnings, 3);
    SAYS(p, "a.md:3:5: warning: link to '../LICENSE', which is not a chapter of the book, is set as plain text; "
         "book.yaml's links-base: would make it a web link");
    OK(nth(p.book->chapters[0].root, MODEL_LINK, 0) == NULL, "plain text, no links");
    plain_is(p.book->chapters[0].root, "T See the licence, code and x.");
    done(&p);

    const char *srcs[] = {"# T\n\n[code](/src/main.c#L3) [x](docs/notes.txt) [up](../LICENSE)\n", NULL};
    const char *names[] = {"docs/a.md", NULL};
    parsed b = parse_named(srcs, names, "https://github.com/o/r/blob/main", false);
    OK(b.ok, "links-base: %s", said(&b.d));
    const model_node *root = b.book->chapters[0].root;
    const model_node *l0 = nth(root, MODEL_LINK, 0), *l1 = nth(root, MODEL_LINK, 1), *l2 = nth(root, MODEL_LINK, 2);
    OK(l0 && l1 && l2, "three links kept");
    if (l0 && l1 && l2) {
        STR_EQ(l0->as.link.url, "https://github.com/o/r/blob/main/src/main.c#L3");
        STR_EQ(l1->as.link.url, "https://github.com/o/r/blob/main/docs/docs/notes.txt");
        STR_EQ(l2->as.link.url, "https://github.com/o/r/blob/main/LICENSE");
        OK(l0->as.link.target == NULL, "external");
    }
    SAYS(b, "docs/a.md:3:1: warning: link to '/src/main.c#L3', which is not a chapter of the book, leads to "
         "https://github.com/o/r/blob/main/src/main.c#L3");
    done(&b);
}

static void test_github_slugs(void) {
    char *s = markdown_github_slug("Why doesn't the curriculum cover/ignore topic X?");
    STR_EQ(s, "why-doesnt-the-curriculum-coverignore-topic-x");
    free(s);
    s = markdown_github_slug("C++ & Rust: a_b -- c");
    STR_EQ(s, "c--rust-a_b----c");
    free(s);
    s = markdown_github_slug("Caf\xc3\xa9 \xc3\x9c" "ber");
    STR_EQ(s, "caf\xc3\xa9-\xc3\xbc" "ber");
    free(s);

    /* the README's anchors, as GitHub makes them; quire's own ids stay as they were */
    const char *srcs[] = {"# Core\n\n## Why doesn't the curriculum cover/ignore topic X?\n\n## C\n\n## C\n\n"
                          "[a](#why-doesnt-the-curriculum-coverignore-topic-x) [b](#c-1) [c](#C) [d](#Core) "
                          "[e](other.md#deep-dive) [f](/other.md#Deep-Dive) [g](#c-2)\n",
                          "# Other\n\n## Deep Dive\n\n[back](README.md#core) [home](/README.md) [dir](./)\n", NULL};
    const char *names[] = {"README.md", "other.md", NULL};
    parsed p = parse_named(srcs, names, NULL, false);
    OK(p.ok, "GitHub anchors resolve: %s", said(&p.d));
    INT_EQ(p.d.warnings, 0);
    const model_node *r0 = p.book->chapters[0].root, *r1 = p.book->chapters[1].root;
    const model_node *why = nth(r0, MODEL_HEADING, 1), *c1 = nth(r0, MODEL_HEADING, 2), *c2 = nth(r0, MODEL_HEADING, 3);
    STR_EQ(why->id, "why-doesn-t-the-curriculum-cover-ignore-topic-x");
    STR_EQ(c1->id, "c");
    STR_EQ(c2->id, "c-2");
    const model_node *core = nth(r0, MODEL_HEADING, 0), *deep = nth(r1, MODEL_HEADING, 1);
    const link_case links[] = {
        {r0, 0, why, "GitHub slug"},
        {r0, 1, c2, "#c-1 is GitHub's second C"},
        {r0, 2, c1, "#C ignoring case"},
        {r0, 3, core, "#Core ignoring case"},
        {r0, 4, deep, "other.md#deep-dive"},
        {r0, 5, deep, "/other.md#Deep-Dive"},
        {r0, 6, c2, "#c-2, quire's own id"},
        {r1, 0, core, "README.md#core"},
        {r1, 1, core, "/README.md"},
        {r1, 2, core, "./ is the folder's README.md"},
    };
    LINKS_LEAD(links);
    done(&p);

    /* pages as mdBook publishes them: "x.html" is x.md, "index.html" the folder's README.md */
    const char *html[] = {"# Top\n\n[a](sub/ch-2.html#deep) [b](sub/index.html) [c](ch-9.html)\n",
                          "# Two\n\n## Deep\n\n[up](../README.html) [home](../index.html)\n", "# Sub\n", NULL};
    const char *html_names[] = {"README.md", "sub/ch-2.md", "sub/README.md", NULL};
    parsed h = parse_named(html, html_names, NULL, false);
    const model_node *h0 = h.book->chapters[0].root, *h1 = h.book->chapters[1].root, *h2 = h.book->chapters[2].root;
    const link_case pages[] = {
        {h0, 0, nth(h1, MODEL_HEADING, 1), "ch-2.html#deep"},
        {h0, 1, nth(h2, MODEL_HEADING, 0), "sub/index.html is sub/README.md"},
        {h1, 0, nth(h0, MODEL_HEADING, 0), "../README.html"},
        {h1, 1, nth(h0, MODEL_HEADING, 0), "../index.html"},
    };
    LINKS_LEAD(pages);
    SAYS(h, "link to 'ch-9.html', which is not a chapter of the book");
    done(&h);

    parsed bad = parse1("# T\n\n[x](#nothing-like-this)\n");
    OK(bad.ok, "a fragment that matches nothing keeps its text");
    SAYS(bad, "a.md:3:1: warning: link target '#nothing-like-this' does not exist; set as plain text");
    done(&bad);
}

/* "## Why {#why}" as mdBook, pandoc and kramdown write it (Google's eng-practices does,
 * in three files): the braces are not text, the id is the heading's, and "#why" in each
 * file means that file's heading, though only the first can be quire's "why". */
static void test_heading_attributes(void) {
    const char *srcs[] = {"# Speed\n\n## Why Be Fast? {#why}\n\n## Slow {: #slow .x}\n\n[w](#why) [s](#slow)\n",
                          "# Comments\n\n## Explain Why {#why}\n\n## Lit {x} and {#1 no}\n\n"
                          "[w](#why) [there](a.md#why) [other](a.md#slow) [q](#who_is_right)\n\n## Who? {#who_is_right}\n",
                          NULL};
    parsed p = parse_named(srcs, NULL, NULL, false);
    OK(p.ok, "heading attributes: %s", said(&p.d));
    INT_EQ(p.d.warnings, 0);
    const model_node *r0 = p.book->chapters[0].root, *r1 = p.book->chapters[1].root;
    const model_node *why0 = nth(r0, MODEL_HEADING, 1), *slow = nth(r0, MODEL_HEADING, 2);
    const model_node *why1 = nth(r1, MODEL_HEADING, 1), *lit = nth(r1, MODEL_HEADING, 2), *who = nth(r1, MODEL_HEADING, 3);
    plain_is(why0, "Why Be Fast?");
    STR_EQ(why0->id, "why");
    plain_is(slow, "Slow");
    STR_EQ(slow->id, "slow");
    plain_is(why1, "Explain Why");
    STR_EQ(why1->id, "why-2");
    STR_EQ(why1->as.heading.anchor, "why");
    plain_is(lit, "Lit {x} and {#1 no}");
    OK(lit->as.heading.anchor == NULL, "braces that are no attribute list stay text");
    STR_EQ(who->id, "who_is_right");
    const link_case links[] = {
        {r0, 0, why0, "#why in a.md"},
        {r0, 1, slow, "#slow"},
        {r1, 0, why1, "#why in b.md is b.md's"},
        {r1, 1, why0, "a.md#why"},
        {r1, 2, slow, "a.md#slow"},
        {r1, 3, who, "#who_is_right, an id the slug would change"},
    };
    LINKS_LEAD(links);
    done(&p);
}

static void test_html_subset(void) {
    parsed p = parse1("<p align=\"center\">\n  <img src=\"images/pixel.png\" alt=\"Logo\" width=\"200\">\n</p>\n\n"
                      "<h1 align=\"center\">The <i>Title</i></h1>\n\n"
                      "Water is H<sub>2</sub>O, x<sup>2</sup>, press <kbd>Ctrl</kbd>+<kbd>C</kbd>, "
                      "<b>bold</b> <strong>strong</strong> <em>em</em> <a href=\"https://example.org/\">site</a>,"
                      "<br>next <code>a&lt;b</code>.\n\n"
                      "<details>\n<summary>More</summary>\n\nInside.\n\n</details>\n\n"
                      "<div>Block <b>text</b> &amp; more<br/>on two lines</div>\n\n"
                      "<pre>\nfirst\n\tsecond &lt;b&gt;\n</pre>\n");
    OK(p.ok, "the subset loads: %s", said(&p.d));
    INT_EQ(p.d.warnings, 0);
    const model_node *root = p.book->chapters[0].root;
    const model_node *fig = nth(root, MODEL_FIGURE, 0);
    OK(fig != NULL, "a lone <img> is a figure");
    if (fig) STR_EQ(fig->as.figure.alt, "Logo");
    const model_node *h = nth(root, MODEL_HEADING, 0);
    OK(h && h->as.heading.level == 1, "h1");
    if (h) plain_is(h, "The Title");
    STR_EQ(p.book->chapters[0].title, "The Title");
    OK(nth(h, MODEL_EMPH, 0) != NULL, "<i> in the heading");
    plain_is(nth(root, MODEL_SUBSCRIPT, 0), "2");
    plain_is(nth(root, MODEL_SUPERSCRIPT, 0), "2");
    plain_is(nth(root, MODEL_KEYS, 1), "C");
    plain_is(nth(root, MODEL_STRONG, 1), "strong");
    plain_is(nth(root, MODEL_EMPH, 1), "em");
    const model_node *a = nth(root, MODEL_LINK, 0);
    OK(a && strcmp(a->as.link.url, "https://example.org/") == 0, "<a href>");
    OK(nth(root, MODEL_LINE_BREAK, 0) != NULL, "<br>");
    const model_node *code = nth(root, MODEL_CODE, 0);
    OK(code && strcmp(code->text, "a<b") == 0, "<code> keeps its text");
    const model_node *more = nth(root, MODEL_PARAGRAPH, 1);
    OK(more != NULL, "summary paragraph");
    if (more) plain_is(more, "More");
    plain_is(nth(root, MODEL_PARAGRAPH, 2), "Inside.");
    plain_is(nth(root, MODEL_PARAGRAPH, 3), "Block text & more on two lines");
    /* As in HTML, the line end right after <pre> is no line of the code. */
    const model_node *pre = nth(root, MODEL_CODE_BLOCK, 0);
    OK(pre && strncmp(pre->text, "first\n\tsecond <b>", 19) == 0, "<pre> keeps its lines, not the first line end: %s",
       pre ? pre->text : "(none)");
    done(&p);

    /* unknown tags: dropped with a warning at their place, their text kept; scripts go whole */
    parsed u = parse1("Some <u>under</u> and <font color=red>red</font>.\n\n<table><tr><td>cell one</td><td>two</td></tr></table>\n\n"
                      "<script>alert(1)</script>\n");
    OK(u.ok, "warnings only: %s", said(&u.d));
    SAYS(u, "a.md:1:6: warning: raw HTML tag <u> is not supported; dropped, its text kept",
         "a.md:1:23: warning: raw HTML tag <font> is not supported; dropped, its text kept",
         "a.md:3:1: warning: raw HTML tag <table> is not supported; dropped, its text kept",
         "a.md:3:29: warning: raw HTML tag <td> is not supported",
         "a.md:5:1: warning: raw HTML tag <script> is not supported; dropped with its content");
    plain_is(u.book->chapters[0].root, "Some under and red. cell one two");
    done(&u);
}

/* A captioned figure as You Don't Know JS Yet writes them (getify/You-Dont-Know-JS,
 * get-started/ch1.md): <figure>, <img>, <figcaption> with <em>, trailing <br>s. One
 * figure with its caption, no warning; a figure of two images is read as its parts. */
static void test_html_figure(void) {
    parsed p = parse1("# T\n\nSee Figure 1.\n\n<figure>\n    <img src=\"images/pixel.png\" width=\"650\" "
                      "alt=\"Interpreting a script\" align=\"center\">\n"
                      "    <figcaption><em>Fig. 1:  Interpreted\n Execution</em></figcaption>\n    <br><br>\n</figure>\n\n"
                      "After.\n\n<figure><a href=\"https://example.org/\"><img src=\"images/dot.svg\" alt=\"Dot\"></a></figure>\n\n"
                      "<figure>\n<img src=\"images/pixel.png\" alt=\"A\">\n<img src=\"images/dot.svg\" alt=\"B\">\n"
                      "<figcaption>Two</figcaption>\n</figure>\n");
    OK(p.ok, "figures load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *f0 = nth(root, MODEL_FIGURE, 0), *f1 = nth(root, MODEL_FIGURE, 1);
    OK(f0 != NULL, "<figure> with <img> and <figcaption> is a figure");
    if (f0) {
        STR_EQ(f0->as.figure.alt, "Interpreting a script");
        STR_EQ(f0->as.figure.caption, "Fig. 1: Interpreted Execution");
        INT_EQ(f0->pos.line, 5);
        INT_EQ(f0->pos.col, 1);
    }
    OK(f1 != NULL && f1->as.figure.caption == NULL, "an image in a link, alone in its figure: a figure without caption");
    OK(!has(&p.d, "a.md:5:") && !has(&p.d, "a.md:7:") && !has(&p.d, "a.md:14:"), "no warning for the captioned ones: %s",
       said(&p.d));
    plain_is(nth(root, MODEL_PARAGRAPH, 1), "After.");
    /* two images: as before, the tags warn and the caption stays text */
    SAYS(p, "a.md:16:1: warning: raw HTML tag <figure> is not supported; dropped, its text kept",
         "a.md:19:1: warning: raw HTML tag <figcaption>");
    done(&p);
}

/* GitHub's alerts: "> [!NOTE]" opens the quote with its label in bold on a line of its
 * own; anything else in brackets stays text. */
static void test_github_alerts(void) {
    parsed p = parse1("# T\n\n> [!NOTE]\n> Useful information.\n\n> [!warning]  \n> Careful.\n\n"
                      "> [!NOTE] inline\n\n> [!UNKNOWN]\n> Text.\n");
    OK(p.ok, "alerts load: %s", said(&p.d));
    INT_EQ(p.d.warnings, 0);
    const model_node *root = p.book->chapters[0].root;
    const model_node *q0 = nth(root, MODEL_QUOTE, 0), *q1 = nth(root, MODEL_QUOTE, 1);
    const model_node *q2 = nth(root, MODEL_QUOTE, 2), *q3 = nth(root, MODEL_QUOTE, 3);
    OK(q0 && q1 && q2 && q3, "four quotes");
    if (q0 && q1 && q2 && q3) {
        plain_is(nth(q0, MODEL_STRONG, 0), "Note");
        OK(nth(q0, MODEL_LINE_BREAK, 0) != NULL, "the label on a line of its own");
        plain_is(q0, "Note Useful information.");
        plain_is(nth(q1, MODEL_STRONG, 0), "Warning");
        plain_is(q2, "[!NOTE] inline");
        OK(nth(q2, MODEL_STRONG, 0) == NULL, "a marker with text after it on its line is text");
        plain_is(q3, "[!UNKNOWN] Text.");
    }
    done(&p);
}

/* A figure path relative to the chapter's folder that climbs to a sibling folder
 * ("../images/x.png" from docs/a.md, as d2l-en's chapters write them) is inside the book;
 * one that climbs out of the book to no file is not found. */
static void test_image_beside_chapter(void) {
    const char *srcs[] = {"# A\n\n![Dot](../images/pixel.png)\n\n![Out](../../../images/pixel.png)\n", NULL};
    const char *names[] = {"docs/a.md", NULL};
    parsed p = parse_named(srcs, names, NULL, false);
    const model_node *fig = nth(p.book->chapters[0].root, MODEL_FIGURE, 0);
    OK(fig != NULL && fig->as.figure.image.data != NULL, "../images/pixel.png from docs/: %s", said(&p.d));
    OK(!has(&p.d, "'../images/pixel.png'"), "no message for it: %s", said(&p.d));
    SAYS(p, "docs/a.md:5:1: error: image '../../../images/pixel.png' not found");
    done(&p);
    /* MkDocs publishes a/page.md at a/page/: a raw <img src> there is relative to that */
    const char *srcs2[] = {"# P\n\n<img src=\"../../images/pixel.png\">\n", "# I\n\n<img src=\"../../images/pixel.png\">\n",
                           NULL};
    const char *names2[] = {"a/page.md", "a/index.md", NULL};
    parsed q = parse_named(srcs2, names2, NULL, false);
    const model_node *pub = nth(q.book->chapters[0].root, MODEL_FIGURE, 0);
    OK(pub && pub->as.figure.image.data && strcmp(pub->as.figure.image.book_path, "images/pixel.png") == 0,
       "a/page.md's ../../images/pixel.png is images/pixel.png: %s", said(&q.d));
    OK(has(&q.d, "a/index.md:3:1: error: image '../../images/pixel.png' not found"), "index.md is published at its folder: %s",
       said(&q.d));
    done(&q);
}

/* A relative image URL's query and fragment are no part of the file name: GitHub's
 * "?raw=true" (build-web-application-with-golang writes it on every figure). */
static void test_image_query(void) {
    parsed p = parse1("# A\n\n![Px](images/pixel.png?raw=true)\n\nIn text ![dot](images/dot.svg#g) too.\n\n"
                      "<img src=\"images/pixel.png?v=2#top\" alt=\"Again\">\n");
    OK(p.ok, "images with a query load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *f0 = nth(root, MODEL_FIGURE, 0), *f1 = nth(root, MODEL_FIGURE, 1);
    const model_node *img = nth(root, MODEL_IMAGE, 0);
    OK(f0 && f0->as.figure.image.data, "?raw=true: %s", said(&p.d));
    OK(f1 && f1->as.figure.image.data, "raw HTML ?v=2#top: %s", said(&p.d));
    OK(img && img->as.figure.image.data, "inline #g: %s", said(&p.d));
    if (f0 && f1 && img) {
        STR_EQ(f0->as.figure.image.book_path, "images/pixel.png");
        STR_EQ(f1->as.figure.image.book_path, "images/pixel.png");
        STR_EQ(img->as.figure.image.book_path, "images/dot.svg");
    }
    SAYS(p, "a.md:5:9: warning: image 'images/dot.svg' inside running text");
    INT_EQ(p.d.errors, 0);
    done(&p);
}

/* MkDocs admonitions and content tabs are labelled quotes, not code blocks: the label
 * (the title, else the type) in bold first, bodies nested by indentation, fenced code in
 * a body kept, a marker inside fenced code left as code, and the body's messages at the
 * line and column the source has. */
/* A body indented further than its tab's: mkdocs-material's insiders/upgrade.md defines a
 * footnote two spaces in, which must stay a definition (not an indented code block), and
 * indented code four in is code without extra spaces. */
static void test_admonition_indents(void) {
    parsed p = parse1("# T\n\n=== \"git upgrade\"\n\n    From your workspace[^detached]:\n\n      [^detached]:\n"
                      "        The detach argument.\n\n!!! note\n\n        indented code\n");
    OK(p.ok, "loads: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *code = nth(root, MODEL_CODE_BLOCK, 0);
    OK(code && !nth(root, MODEL_CODE_BLOCK, 1), "one code block, the indented code");
    if (code) plain_is(code, "indented code");
    OK(p.book->n_footnotes == 1, "the footnote is defined");
    done(&p);
}

static void test_admonitions(void) {
    parsed p = parse1("# A\n\n!!! note \"Read this\"\n    Lazy first line.\n\n    ??? tip\n\n        Inner <u>x</u>.\n\n"
                      "=== \"Python\"\n\n    ```python\n    print(1)\n    ```\n\n!!! warning \"\"\n\n    No label.\n\n"
                      "After.\n\n```\n!!! danger\n    code\n```\n");
    OK(p.ok, "admonitions load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *q0 = nth(root, MODEL_QUOTE, 0), *q1 = nth(root, MODEL_QUOTE, 1);
    const model_node *q2 = nth(root, MODEL_QUOTE, 2), *q3 = nth(root, MODEL_QUOTE, 3);
    OK(q0 && q1 && q2 && q3 && !nth(root, MODEL_QUOTE, 4), "four quotes, one nested");
    if (q0 && q1 && q2 && q3) {
        OK(q1->parent == q0, "??? tip is inside the note");
        plain_is(q0->first_child, "Read this");
        OK(q0->first_child->first_child && q0->first_child->first_child->type == MODEL_STRONG, "the label is bold");
        INT_EQ(q0->pos.line, 3);
        plain_is(q0->first_child->next, "Lazy first line.");
        plain_is(q1->first_child, "Tip");
        plain_is(q1->first_child->next, "Inner x.");
        plain_is(q2->first_child, "Python");
        const model_node *code = nth(q2, MODEL_CODE_BLOCK, 0);
        OK(code && code->text && strcmp(code->text, "print(1)") == 0, "the tab's code block: %s",
           code && code->text ? code->text : "(none)");
        plain_is(q3->first_child, "No label.");
    }
    SAYS(p, "a.md:8:15: warning: raw HTML tag <u> is not supported");
    const model_node *last = nth(root, MODEL_CODE_BLOCK, 1);
    OK(last && last->text && strcmp(last->text, "!!! danger\n    code") == 0, "a marker in fenced code is code: %s",
       last && last->text ? last->text : "(none)");
    done(&p);
}

/* Docusaurus and VuePress containers (reduxjs/redux docs/, :::tip, ::: warning,
 * :::note[Title], nested with more colons): labelled quotes; every message keeps the
 * body's own line and column; ::: in fenced code is code; an unclosed one runs on. */
static void test_containers(void) {
    parsed p = parse1("# A\n\n:::tip Good idea\nInside <u>x</u>.\n\n- item\n:::\n\nBetween.\n\n::: warning\nWarn.\n:::\n\n"
                      "```\n:::note\n```\n\n:::danger[Careful]\n\n::::info\nDeep.\n::::\n\nOuter end.\n:::\nAfter.\n\n"
                      "/// details | More\n\nHidden *text*.\n\n///\n\n    /// Returns x\n    fn x() {}\n\n"
                      ":::caution\nOpen to the end.\n");
    OK(p.ok, "containers load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *q0 = nth(root, MODEL_QUOTE, 0), *q1 = nth(root, MODEL_QUOTE, 1);
    const model_node *q2 = nth(root, MODEL_QUOTE, 2), *q3 = nth(root, MODEL_QUOTE, 3), *q4 = nth(root, MODEL_QUOTE, 4);
    const model_node *q5 = nth(root, MODEL_QUOTE, 5);
    OK(q0 && q1 && q2 && q3 && q4 && q5 && !nth(root, MODEL_QUOTE, 6), "six quotes, one nested");
    if (q5) {
        plain_is(q4->first_child, "More");
        plain_is(q4->first_child->next, "Hidden text.");
        q4 = q5;
    }
    const model_node *doc = nth(root, MODEL_CODE_BLOCK, 1);
    OK(doc && doc->text && strncmp(doc->text, "/// Returns x", 13) == 0, "a /// comment in indented code is code");
    if (q0 && q1 && q2 && q3 && q4) {
        plain_is(q0->first_child, "Good idea");
        OK(q0->first_child->first_child && q0->first_child->first_child->type == MODEL_STRONG, "the label is bold");
        INT_EQ(q0->pos.line, 3);
        plain_is(q0->first_child->next, "Inside x.");
        OK(nth(q0, MODEL_LIST, 0) != NULL, "the list is inside the tip");
        plain_is(q1->first_child, "Warning");
        plain_is(q1->first_child->next, "Warn.");
        plain_is(q2->first_child, "Careful");
        OK(q3->parent == q2, "::::info is inside the danger");
        plain_is(q3->first_child, "Info");
        plain_is(q3->first_child->next, "Deep.");
        plain_is(q3->next, "Outer end.");
        plain_is(q4->first_child, "Caution");
        plain_is(q4->first_child->next, "Open to the end.");
    }
    const model_node *after = q2 ? q2->next : NULL;
    OK(after && after->type == MODEL_PARAGRAPH, "the text after a container is outside it");
    if (after) plain_is(after, "After.");
    OK(has(&p.d, "a.md:4:8: warning: raw HTML tag <u> is not supported"), "the body's own column: %s", said(&p.d));
    const model_node *code = nth(root, MODEL_CODE_BLOCK, 0);
    OK(code && code->text && strcmp(code->text, ":::note") == 0, "a marker in fenced code is code");
    done(&p);
}

/* MkDocs' attr_list after an image or link is no text; an image followed only by one is
 * still a figure; braces holding anything else stay. */
static void test_inline_attributes(void) {
    parsed p = parse1("# A\n\n![Cover](images/pixel.png){ class=\"cover-image\" }\n\n"
                      "Go [there](https://example.org/){ .md-button target=\"_blank\" } now.\n\n"
                      "Keep {x} and [a](https://example.org/){not attrs} and ![i](images/dot.svg){ width=\"30\" } more.\n");
    OK(p.ok, "attribute lists load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    OK(nth(root, MODEL_FIGURE, 0) != NULL, "the image with { class=... } alone is a figure");
    plain_is(nth(root, MODEL_PARAGRAPH, 0), "Go there now.");
    plain_is(nth(root, MODEL_PARAGRAPH, 1), "Keep {x} and a{not attrs} and  more.");
    done(&p);

    /* an id after emphasis or a code span, as mkdocs.org's choosing-your-theme.md marks its
     * settings ("**`locale`**{ #mkdocs-locale }"): an anchor there, and links find it */
    parsed q = parse1("# B\n\n*   **`locale`**{ #mkdocs-locale }: the locale.\n\n"
                      "See [it](#mkdocs-locale), *x*{: #ex }, `c`{#cc} and [c](#cc).\n\n![F](images/pixel.png){ #fig }\n");
    OK(q.ok, "ids after inlines load: %s", said(&q.d));
    INT_EQ(q.d.warnings, 0);
    root = q.book->chapters[0].root;
    const model_node *a0 = nth(root, MODEL_ANCHOR, 0), *a1 = nth(root, MODEL_ANCHOR, 1), *a2 = nth(root, MODEL_ANCHOR, 2);
    OK(a0 && a1 && a2 && !nth(root, MODEL_ANCHOR, 3), "three anchors, none for the figure");
    if (a0 && a1 && a2) {
        STR_EQ(a0->id, "mkdocs-locale");
        OK(a0->next && a0->next->type == MODEL_STRONG, "the anchor stands before the element");
        STR_EQ(a1->id, "ex");
        STR_EQ(a2->id, "cc");
    }
    const model_node *l0 = nth(root, MODEL_LINK, 0), *l1 = nth(root, MODEL_LINK, 1);
    OK(l0 && l0->as.link.target == a0, "a link to #mkdocs-locale lands on the anchor");
    OK(l1 && l1->as.link.target == a2, "a link to #cc too");
    plain_is(nth(root, MODEL_PARAGRAPH, 1), "See it, x, c and c.");
    OK(nth(root, MODEL_FIGURE, 0) != NULL, "an image with an id alone is still a figure");
    done(&q);
}

/* pandoc's table captions: "Table: …" or ": …", right after the table or right before it. */
static void test_table_captions(void) {
    parsed p = parse1("# T\n\n"
                      "Table: Squares of *small* \"numbers\"\n\n| n | n2 |\n|---|---|\n| 2 | 4 |\n\n"
                      "| a | b |\n|---|---|\n| x | y |\n\n: Letters, after it\n\n"
                      "| c |\n|---|\n| z |\n\nText.\n\n"
                      "Table: a paragraph, no table beside it.\n\nMore.\n\n"
                      "table: \n\n| d |\n|---|\n| w |\n");
    OK(p.ok, "captions load: %s", said(&p.d));
    const model_node *root = p.book->chapters[0].root;
    const model_node *t0 = nth(root, MODEL_TABLE, 0), *t1 = nth(root, MODEL_TABLE, 1);
    const model_node *t2 = nth(root, MODEL_TABLE, 2), *t3 = nth(root, MODEL_TABLE, 3);
    OK(t0 && t1 && t2 && t3, "four tables");
    if (t0 && t1 && t2 && t3) {
        STR_EQ(t0->as.table.caption, "Squares of small \u201cnumbers\u201d"); /* before; plain, curled */
        STR_EQ(t1->as.table.caption, "Letters, after it");                    /* after, ": " */
        OK(t2->as.table.caption == NULL, "the caption after a table is not also the next one's");
        OK(t3->as.table.caption == NULL, "an empty caption is none");
    }
    /* the caption paragraphs are gone; the others stay */
    plain_is(nth(root, MODEL_PARAGRAPH, 0), "Text.");
    plain_is(nth(root, MODEL_PARAGRAPH, 1), "Table: a paragraph, no table beside it.");
    plain_is(nth(root, MODEL_PARAGRAPH, 2), "More.");
    plain_is(nth(root, MODEL_PARAGRAPH, 3), "table:");
    done(&p);
}

static void test_strict(void) {
    const char *srcs[] = {"# T\n\nSome <u>under</u> text.\n", NULL};
    parsed p = parse_named(srcs, NULL, NULL, true);
    INT_EQ(p.d.warnings, 0);
    INT_EQ(p.d.errors, 1);
    SAYS(p, "a.md:3:6: error: raw HTML tag <u> is not supported; dropped, its text kept (a warning; strict mode "
         "makes it an error)");
    done(&p);
}

int main(void) {
    setenv("QUIRE_DATA_DIR", QUIRE_SOURCE_DIR, 1);
    test_inline_images();
    test_linked_figure();
    test_picture_lines();
    test_link_in_link();
    test_quiet_wrappers();
    test_repeated_warnings();
    test_remote_images();
    test_outside_links();
    test_github_slugs();
    test_heading_attributes();
    test_html_subset();
    test_html_figure();
    test_github_alerts();
    test_image_beside_chapter();
    test_image_query();
    test_admonitions();
    test_containers();
    test_admonition_indents();
    test_inline_attributes();
    test_table_captions();
    test_strict();
    return CHECK_DONE();
}
