/* Style sheet tests: defaults, the bundled style files, overrides, lengths, paper, and every error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "load/style.h"

#define NEAR(got, want) OK(fabs((double)(got) - (double)(want)) < 0.01, "got %g, want %g", (double)(got), (double)(want))
#define MM(x) ((x) * 72.0 / 25.4)

static char tmpdir[] = "/tmp/quire-style-XXXXXX";

/* Writes `text` to a file in the temporary folder; returns its path (caller frees). */
static char *write_tmp(const char *name, const char *text) {
    char *path = xasprintf("%s/%s", tmpdir, name);
    if (file_write_atomic(path, text, strlen(text)) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

static void capture(diag *d) {
    diag_init(d);
    d->out = NULL;
    d->capture = true;
}

/* Loads `yaml` as a style file and expects exactly one error whose text, after the
 * file name, starts with `want` (":line:col: error: ..."). */
static void expect_error(const char *yaml, const char *want) {
    char *path = write_tmp("bad.yaml", yaml);
    diag d;
    capture(&d);
    style_sheet *s = style_load(path, &d);
    OK(s == NULL, "style_load accepted: %s", yaml);
    style_free(s);
    size_t n = strlen(path);
    const char *got = d.captured ? d.captured : "";
    OK(d.errors == 1, "%d errors:\n%s", d.errors, got);
    OK(strncmp(got, path, n) == 0 && strncmp(got + n, want, strlen(want)) == 0, "for\n%s\ngot:  %s\nwant: %s%s", yaml,
       got, path, want);
    diag_free(&d);
    free(path);
}

static void test_defaults(void) {
    style_sheet s;
    style_defaults(&s);
    NEAR(s.page.width, 595.28);
    NEAR(s.page.height, 841.89);
    INT_EQ(s.page.columns, 1);
    NEAR(s.page.bleed, 0);
    OK(s.page.width - s.page.margin_inner - s.page.margin_outer > 300, "text width");
    const style_text *b = &s.roles[STYLE_BODY];
    STR_EQ(b->family, "Charis SIL");
    STR_EQ(b->name, "body");
    OK(b->size >= 9 && b->size <= 12, "body size %g", b->size);
    OK(b->line_height > 1.2 && b->line_height < 1.6, "body leading %g", b->line_height);
    INT_EQ(b->align, STYLE_ALIGN_JUSTIFY);
    OK(b->hyphenate, "body hyphenates");
    OK(b->first_indent > 0, "body has a first-line indent");
    OK(b->background == STYLE_NO_COLOR, "no background");
    const style_text *h1 = &s.roles[STYLE_H1];
    STR_EQ(h1->family, "Lato");
    INT_EQ(h1->weight, 700);
    OK(!h1->page_break_before, "h1 runs on in the brochure");
    INT_EQ(h1->color, s.accent);
    OK(h1->size > s.roles[STYLE_H2].size && s.roles[STYLE_H2].size > s.roles[STYLE_H3].size, "heading sizes descend");
    OK(!s.roles[STYLE_H2].page_break_before, "h2 does not break");
    OK(s.roles[STYLE_QUOTE].italic && s.roles[STYLE_QUOTE].size > b->size && s.roles[STYLE_QUOTE].indent > 0, "quote");
    OK(s.roles[STYLE_FOOTNOTE].size < 9, "footnote small");
    OK(s.roles[STYLE_CAPTION].italic, "caption italic");
    INT_EQ(s.roles[STYLE_COVER].color, 0xffffff);
    INT_EQ(s.roles[STYLE_COVER].background, s.accent);
    OK(s.roles[STYLE_COVER].size >= 24, "cover title large");
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) {
        STR_EQ(s.roles[r].name, style_role_name((style_role)r));
        OK(s.roles[r].size > 0 && s.roles[r].line_height > 0 && s.roles[r].family, "role %d sane", r);
    }
    STR_EQ(style_role_name(STYLE_ATTRIBUTION), "attribution");
    STR_EQ(style_role_name(STYLE_TOC), "toc");
}

/* styles/brochure.yaml spells the defaults out: loading it must give exactly the defaults. */
static void test_brochure_is_defaults(void) {
    diag d;
    capture(&d);
    style_sheet *s = style_load(QUIRE_SOURCE_DIR "/styles/brochure.yaml", &d);
    OK(s != NULL, "brochure loads: %s", d.captured ? d.captured : "");
    if (!s) return;
    STR_EQ(s->name, "brochure");
    style_sheet def;
    style_defaults(&def);
    NEAR(s->page.width, def.page.width);
    NEAR(s->page.height, def.page.height);
    NEAR(s->page.margin_top, def.page.margin_top);
    NEAR(s->page.margin_bottom, def.page.margin_bottom);
    NEAR(s->page.margin_inner, def.page.margin_inner);
    NEAR(s->page.margin_outer, def.page.margin_outer);
    NEAR(s->page.column_gap, def.page.column_gap);
    NEAR(s->page.bleed, def.page.bleed);
    INT_EQ(s->page.columns, def.page.columns);
    INT_EQ(s->page.widows, def.page.widows);
    INT_EQ(s->page.orphans, def.page.orphans);
    INT_EQ(s->page.head_recto, def.page.head_recto);
    INT_EQ(s->page.head_verso, def.page.head_verso);
    INT_EQ(s->page.figure_natural, def.page.figure_natural);
    INT_EQ(s->page.chapter_recto, def.page.chapter_recto);
    INT_EQ(s->page.figure_placement, def.page.figure_placement);
    NEAR(s->page.stretch, def.page.stretch);
    INT_EQ(s->accent, def.accent);
    INT_EQ(s->link_color, def.link_color);
    for (int r = 0; r < STYLE_ROLE_COUNT; r++) {
        const style_text *a = &s->roles[r], *b = &def.roles[r];
        const char *n = b->name;
        OK(strcmp(a->family, b->family) == 0, "%s family %s", n, a->family);
        OK(fabs(a->size - b->size) < 1e-9, "%s size %g vs %g", n, a->size, b->size);
        OK(a->weight == b->weight && a->italic == b->italic, "%s weight/italic", n);
        OK(fabs(a->line_height - b->line_height) < 1e-9, "%s leading %g vs %g", n, a->line_height, b->line_height);
        OK(fabs(a->space_before - b->space_before) < 1e-9 && fabs(a->space_after - b->space_after) < 1e-9, "%s spacing", n);
        OK(a->align == b->align, "%s align", n);
        OK(a->color == b->color && a->background == b->background, "%s colours %06x/%06x", n, a->color, a->background);
        OK(fabs(a->first_indent - b->first_indent) < 1e-9 && fabs(a->indent - b->indent) < 1e-9, "%s indents", n);
        OK(a->hyphenate == b->hyphenate, "%s hyphenate", n);
        OK(a->uppercase == b->uppercase && fabs(a->letter_spacing - b->letter_spacing) < 1e-9, "%s transform", n);
        OK(a->page_break_before == b->page_break_before, "%s page break", n);
    }
    /* The family position is kept for fonts.c: body's "font-family" value. */
    OK(s->roles[STYLE_BODY].family_line > 0 && s->roles[STYLE_BODY].family_col > 0, "family position kept");
    style_free(s);
    INT_EQ(d.errors, 0);
    diag_free(&d);
}

static void test_letter_2col(void) {
    diag d;
    capture(&d);
    style_sheet *s = style_load(QUIRE_SOURCE_DIR "/styles/letter-2col.yaml", &d);
    OK(s != NULL, "letter-2col loads: %s", d.captured ? d.captured : "");
    if (!s) return;
    NEAR(s->page.width, 612);
    NEAR(s->page.height, 792);
    INT_EQ(s->page.columns, 2);
    INT_EQ(s->accent, 0x8a3b12);
    INT_EQ(s->roles[STYLE_H2].color, 0x8a3b12);
    INT_EQ(s->roles[STYLE_COVER].background, 0x8a3b12);
    NEAR(s->roles[STYLE_BODY].first_indent, 9.5);
    style_free(s);
    diag_free(&d);
}

static void test_override(void) {
    diag d;
    capture(&d);
    style_sheet *s = style_load(QUIRE_TEST_DIR "/load/style/fixtures/override.yaml", &d);
    OK(s != NULL, "override loads: %s", d.captured ? d.captured : "");
    if (!s) return;
    STR_EQ(s->name, "override");
    NEAR(s->page.width, MM(148));
    NEAR(s->page.height, MM(210));
    NEAR(s->page.margin_top, MM(20));
    NEAR(s->page.margin_bottom, 54);
    NEAR(s->page.margin_inner, 72);
    NEAR(s->page.margin_outer, 36);
    INT_EQ(s->page.columns, 2);
    NEAR(s->page.column_gap, MM(5));
    NEAR(s->page.bleed, MM(3));
    INT_EQ(s->page.widows, 3);
    INT_EQ(s->page.orphans, 2);
    INT_EQ(s->page.head_recto, STYLE_HEAD_SECTION);
    INT_EQ(s->page.head_verso, STYLE_HEAD_NONE);
    OK(!s->page.figure_natural, "figure-width: column");
    OK(s->page.chapter_recto, "chapter-start: recto");
    INT_EQ(s->page.figure_placement, STYLE_PLACE_TOP);
    NEAR(s->page.stretch, 3);
    INT_EQ(s->accent, 0xa01010);
    INT_EQ(s->link_color, 0xa01010);        /* link follows the accent unless set */
    const style_text *b = &s->roles[STYLE_BODY];
    STR_EQ(b->family, "Lato");
    NEAR(b->size, 12);
    NEAR(b->line_height, 1.5);              /* 18pt / 12pt */
    INT_EQ(b->color, 0x333333);             /* #333 expands */
    NEAR(b->first_indent, 24);              /* 2em of 12pt */
    INT_EQ(b->family_line, 21);
    INT_EQ(b->family_col, 16);
    const style_text *h2 = &s->roles[STYLE_H2];
    NEAR(h2->size, 18);                     /* 1.5em of the body */
    NEAR(h2->space_before, 18);             /* 1em of its own size */
    NEAR(h2->letter_spacing, 0.9);
    OK(h2->uppercase, "h2 uppercase");
    INT_EQ(h2->color, 0x000000);
    STR_EQ(h2->family, "Lato");        /* headings keep their own default family */
    INT_EQ(s->roles[STYLE_H1].color, 0xa01010); /* default accent colour follows the new accent */
    INT_EQ(s->roles[STYLE_H3].color, 0xa01010);
    INT_EQ(s->roles[STYLE_COVER].background, 0xa01010);
    const style_text *q = &s->roles[STYLE_QUOTE];
    STR_EQ(q->family, "Lato");         /* follows the body's family */
    INT_EQ(q->family_line, 21);
    INT_EQ(q->color, 0x333333);
    INT_EQ(q->weight, 600);
    INT_EQ(q->background, 0xf0f0f0);
    OK(q->italic, "quote keeps its italic default");
    STR_EQ(s->roles[STYLE_CAPTION].family, "Charis SIL"); /* set explicitly */
    INT_EQ(s->roles[STYLE_CAPTION].color, 0x333333);
    STR_EQ(s->roles[STYLE_LIST].family, "Lato");
    NEAR(s->roles[STYLE_LIST].first_indent, 0);
    INT_EQ(s->roles[STYLE_HEADER].color, 0x5a5a5a);  /* not a body follower */
    style_free(s);
    INT_EQ(d.errors, 0);
    diag_free(&d);
}

static void test_lengths_and_paper(void) {
    double v = 0;
    OK(style_parse_length("10", 0, &v), "plain number");
    NEAR(v, 10);
    OK(style_parse_length("25.4mm", 0, &v), "mm");
    NEAR(v, 72);
    OK(style_parse_length("2.54cm", 0, &v), "cm");
    NEAR(v, 72);
    OK(style_parse_length("0.5in", 0, &v), "in");
    NEAR(v, 36);
    OK(style_parse_length("96px", 0, &v), "px");
    NEAR(v, 72);
    OK(style_parse_length("11pt", 0, &v), "pt");
    NEAR(v, 11);
    OK(style_parse_length("1.5em", 10, &v), "em");
    NEAR(v, 15);
    OK(!style_parse_length("1.5em", 0, &v), "em refused without a size");
    OK(!style_parse_length("12 furlongs", 0, &v), "unknown unit");
    OK(!style_parse_length("mm", 0, &v), "no number");
    OK(!style_parse_length("0x10", 0, &v), "hex");
    OK(!style_parse_length("inf", 0, &v), "inf");

    style_sheet s;
    style_defaults(&s);
    double mt = s.page.margin_top;
    OK(style_set_paper(&s, "letter"), "letter");
    NEAR(s.page.width, 612);
    NEAR(s.page.height, 792);
    NEAR(s.page.margin_top, mt);
    OK(style_set_paper(&s, "A4"), "a4");
    NEAR(s.page.width, 595.28);
    NEAR(s.page.height, 841.89);
    OK(!style_set_paper(&s, "tabloid"), "unknown paper refused");
    NEAR(s.page.width, 595.28);
}

static void test_errors(void) {
    expect_error("body:\n  font-sise: 10pt\n", ":2:3: error: unknown key 'font-sise' in 'body'; did you mean 'font-size'?");
    expect_error("bdy:\n  font-size: 10pt\n", ":1:1: error: unknown key 'bdy' in the style file; did you mean 'body'?");
    expect_error("page:\n  head-recto: chapters\n",
                 ":2:15: error: 'head-recto' must be none, title, chapter or section, not 'chapters'; did you mean 'chapter'?");
    expect_error("page:\n  figure-placement: float\n",
                 ":2:21: error: 'figure-placement' must be auto, here, top, bottom or page, not 'float'");
    expect_error("page:\n  vertical-stretch: 2in\n", ":2:21: error: 'vertical-stretch' of more than 72pt would open holes between blocks");
    expect_error("page:\n  figure-width: [1]\n", ":2:17: error: 'figure-width' must be column or natural, not a list");
    expect_error("page:\n  margn-top: 1in\n", ":2:3: error: unknown key 'margn-top' in 'page'; did you mean 'margin-top'?");
    expect_error("body: 12pt\n", ":1:7: error: 'body' must be a mapping of keys, not a string");
    expect_error("body:\n  font-size: [1, 2]\n", ":2:14: error: 'font-size' must be a length, not a list");
    expect_error("body:\n  font-size: 0\n", ":2:14: error: 'font-size' must be positive");
    expect_error("h2:\n  font-size: -3pt\n", ":2:14: error: 'font-size' must not be negative");
    expect_error("body:\n  line-height: 0\n", ":2:16: error: 'line-height' must be positive");
    expect_error("body:\n  line-height: -1.2\n", ":2:16: error: 'line-height' must be positive");
    expect_error("page:\n  margin-inner: 100mm\n  margin-outer: 100mm\n",
                 ":3:17: error: the margins leave");
    expect_error("page:\n  size: A6\n  margin-top: 70mm\n  margin-bottom: 60mm\n", ":4:18: error: the margins leave");
    expect_error("page:\n  columns: 0\n", ":2:12: error: 'columns' must be between 1 and 4, not 0");
    expect_error("page:\n  columns: 5\n", ":2:12: error: 'columns' must be between 1 and 4, not 5");
    expect_error("page:\n  columns: two\n", ":2:12: error: 'columns' must be a whole number, not 'two'");
    expect_error("colors:\n  accent: blue\n", ":2:11: error: 'accent' must be a colour \"#rrggbb\"");
    expect_error("h1:\n  color: \"#12345\"\n", ":2:10: error: 'color' must be a colour");
    expect_error("page:\n  margin-top: 12 furlongs\n", ":2:15: error: 'margin-top' must be a length");
    expect_error("page:\n  margin-top: 2em\n", ":2:15: error: 'margin-top' cannot be in em here");
    expect_error("body:\n  font-size: 1.2em\n", ":2:14: error: 'font-size' cannot be in em here");
    expect_error("page:\n  size: Leter\n", ":2:9: error: unknown page size 'Leter'; did you mean 'Letter'?");
    expect_error("page:\n  size: \"100mm by 50mm\"\n", ":2:9: error: unknown page size '100mm by 50mm'");
    expect_error("page:\n  size: \"0mm x 50mm\"\n", ":2:9: error: 'size' must be \"WIDTH x HEIGHT\"");
    expect_error("body:\n  font-weight: heavy\n", ":2:16: error: 'font-weight' must be normal, bold or 100");
    expect_error("body:\n  font-weight: 450\n", ":2:16: error: 'font-weight' must be normal, bold or 100");
    expect_error("body:\n  font-style: slanted\n", ":2:15: error: 'font-style' must be normal or italic");
    expect_error("body:\n  text-align: justfy\n", ":2:15: error: 'text-align' must be left, right, center or justify, not 'justfy'; did you mean 'justify'?");
    expect_error("body:\n  hyphenate: maybe\n", ":2:14: error: 'hyphenate' must be true or false");
    expect_error("body:\n  text-transform: lowercase\n", ":2:19: error: 'text-transform' must be none or uppercase");
    expect_error("body:\n  font-size: 10pt\n  font-size: 11pt\n", ":3:3: error: duplicate key 'font-size' in 'body' (first at line 2)");
    expect_error("body:\n  font-size: 10pt\nbody:\n  color: \"#000000\"\n", ":3:1: error: duplicate key 'body' (first at line 1)");
    expect_error("- body\n", ":1:1: error: the top level of a style file must be a mapping");
    expect_error("body:\n  font-size: [10pt\n", ":3:1: error: malformed YAML");
    expect_error("body: &b\n  font-size: 10pt\n", ":1:7: error: YAML anchors (&b) are not allowed");
    expect_error("h1: *b\n", ":1:5: error: YAML aliases (*b) are not allowed");
    expect_error("page:\n  bleed: 1in\n", ":2:10: error: 'bleed' of more than 20mm");
    expect_error("page:\n  size: A6\n  columns: 4\n", ":3:12: error: 4 columns with a");

    /* Several errors in one run, each with its own position. */
    char *path = write_tmp("multi.yaml", "body:\n  font-size: 0\n  colour: red\nh1:\n  font-style: oblique\n");
    diag d;
    capture(&d);
    OK(style_load(path, &d) == NULL, "multi rejected");
    INT_EQ(d.errors, 3);
    OK(d.captured && strstr(d.captured, "multi.yaml:3:3: error: unknown key 'colour' in 'body'; did you mean 'color'?"),
       "%s", d.captured ? d.captured : "");
    diag_free(&d);
    free(path);

    /* A missing file and invalid UTF-8. */
    capture(&d);
    OK(style_load("/nonexistent/quire/style.yaml", &d) == NULL, "missing file");
    INT_EQ(d.errors, 1);
    OK(d.captured && strstr(d.captured, "/nonexistent/quire/style.yaml: error: cannot read"), "%s", d.captured);
    diag_free(&d);
    expect_error("body:\n  font-family: Ch\xff\n", ":2:18: error: invalid UTF-8");

    /* An empty style file is all defaults. */
    path = write_tmp("empty.yaml", "# nothing\n");
    capture(&d);
    style_sheet *s = style_load(path, &d);
    OK(s != NULL, "empty file loads");
    if (s) NEAR(s->roles[STYLE_BODY].size, 10.5);
    style_free(s);
    diag_free(&d);
    free(path);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_defaults();
    test_brochure_is_defaults();
    test_letter_2col();
    test_override();
    test_lengths_and_paper();
    test_errors();
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    free(cmd);
    return CHECK_DONE();
}
