/* css: the style sheet (points, families, roles) → the e-book's CSS, sizes relative to the body text. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebook/css.h"

/* A generic family for the fallback, guessed from the family name. */
static const char *css_generic_family(const char *family) {
    if (!family) return "serif";
    char low[128];
    size_t n = 0;
    for (; family[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)family[n]);
    low[n] = '\0';
    static const char *const mono[] = {"mono", "code", "courier", "consol", "menlo", "typewriter", NULL};
    static const char *const sans[] = {"sans", "grotesk", "grotesque", "gothic", "helvetica", "arial", "inter",
                                       "roboto", "lato", "open ", "montserrat", "raleway", "verdana", "tahoma",
                                       "ubuntu", "cantarell", "futura", "frutiger", "myriad", "atkinson",
                                       "nunito", "poppins", "oswald", NULL};
    for (const char *const *p = mono; *p; p++)
        if (strstr(low, *p)) return "monospace";
    for (const char *const *p = sans; *p; p++)
        if (strstr(low, *p)) return "sans-serif";
    return "serif";
}

/* Prints a number with up to 4 decimals and no trailing zeros ("1.25", "0", "2"). */
static void css_num(buf *b, double v) {
    if (!isfinite(v)) v = 0;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.4f", fabs(v) < 0.00005 ? 0.0 : v);
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *end = tmp + strlen(tmp) - 1;
        while (end > dot && *end == '0') *end-- = '\0';
        if (end == dot) *end = '\0';
    }
    buf_puts(b, tmp);
}

/* Relative luminance (WCAG) of 0xRRGGBB, 0 (black) to 1 (white). */
static double css_luminance(uint32_t c) {
    double ch[3] = {((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0};
    for (int i = 0; i < 3; i++) ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static void css_color(buf *b, uint32_t c) { buf_printf(b, "#%06x", (unsigned)(c & 0xFFFFFFu)); }

static void css_family(buf *b, const char *family) {
    if (family && *family) {
        buf_putc(b, '"');
        for (const char *p = family; *p; p++) {
            if (*p == '"' || *p == '\\') buf_putc(b, '\\');
            if ((unsigned char)*p >= 0x20) buf_putc(b, *p);
        }
        buf_puts(b, "\", ");
    }
    buf_puts(b, css_generic_family(family));
}

static const char *css_align(style_align a) {
    switch (a) {
    case STYLE_ALIGN_RIGHT: return "right";
    case STYLE_ALIGN_CENTER: return "center";
    case STYLE_ALIGN_JUSTIFY: return "justify";
    default: return "left";
    }
}

/* Which parts of a role a rule carries. */
enum {
    CSS_COLOR_ALWAYS = 16, /* write the colour even when it is the body's (the body rule itself) */
    CSS_FONT = 1,     /* family, size, weight, style, colour (when not the body's), transform, letter-spacing */
    CSS_BLOCK = 2,    /* margins, alignment, indent, hyphenation, page break, line height */
    CSS_NO_SIZE = 4,  /* leave font-size alone (the body: the reader's size) */
    CSS_NO_BREAK = 8, /* leave page breaks alone */
};

/* Text smaller than this (times the body size) is hard to read on a phone. */
#define CSS_MIN_REL_SIZE 0.8

/* The style sheet being written. */
typedef struct css_out {
    buf b;
    buf justified;            /* the selectors of the justified rules, for the narrow-screen query */
    const style_text *body;
} css_out;

/* One rule for `selector` from role `t`; sizes relative to the body `body`. A role
 * in the body's colour inherits it, so a reading system's theme (night, sepia)
 * that recolours the body recolours every role. */
static void css_rule(css_out *o, const char *selector, const style_text *t, int parts) {
    buf *b = &o->b;
    const style_text *body = o->body;
    double base = body->size > 0 ? body->size : 10;
    double size = t->size > 0 ? t->size : base;
    buf_printf(b, "%s {\n", selector);
    if (parts & CSS_FONT) {
        buf_puts(b, "  font-family: ");
        css_family(b, t->family);
        buf_puts(b, ";\n");
        if (!(parts & CSS_NO_SIZE)) {
            double rel = size / base;
            if (rel < CSS_MIN_REL_SIZE) rel = CSS_MIN_REL_SIZE;
            buf_puts(b, "  font-size: ");
            css_num(b, rel);
            buf_puts(b, "rem;\n");
        }
        buf_printf(b, "  font-weight: %d;\n", t->weight > 0 ? t->weight : 400);
        buf_printf(b, "  font-style: %s;\n", t->italic ? "italic" : "normal");
        if ((parts & CSS_COLOR_ALWAYS) || t->color != body->color) {
            buf_puts(b, "  color: ");
            css_color(b, t->color);
            buf_puts(b, ";\n");
        }
        if (t->uppercase) buf_puts(b, "  text-transform: uppercase;\n");
        if (t->letter_spacing != 0) {
            buf_puts(b, "  letter-spacing: ");
            css_num(b, t->letter_spacing / size);
            buf_puts(b, "em;\n");
        }
    }
    if (parts & CSS_BLOCK) {
        if (t->line_height > 0) {
            buf_puts(b, "  line-height: ");
            css_num(b, t->line_height);
            buf_puts(b, ";\n");
        }
        buf_puts(b, "  margin-top: ");
        css_num(b, t->space_before / size);
        buf_puts(b, "em;\n  margin-bottom: ");
        css_num(b, t->space_after / size);
        buf_puts(b, "em;\n");
        if (t->indent != 0) {
            buf_puts(b, "  margin-left: ");
            css_num(b, t->indent / size);
            buf_puts(b, "em;\n");
        }
        buf_printf(b, "  text-align: %s;\n", css_align(t->align));
        if (t->align == STYLE_ALIGN_JUSTIFY) {
            if (o->justified.len) buf_puts(&o->justified, ", ");
            buf_puts(&o->justified, selector);
        }
        buf_puts(b, "  text-indent: ");
        css_num(b, t->first_indent / size);
        buf_puts(b, "em;\n");
        if (t->background != STYLE_NO_COLOR) {
            /* a block with its own background sets its own text colour: a night theme
             * that lightens the body's text must not put light text on it */
            buf_puts(b, "  background-color: ");
            css_color(b, t->background);
            buf_puts(b, ";\n  color: ");
            css_color(b, t->color);
            buf_puts(b, ";\n  padding: 0.5em 0.75em;\n");
        }
        const char *h = t->hyphenate ? "auto" : "manual";
        buf_printf(b, "  -webkit-hyphens: %s;\n  -epub-hyphens: %s;\n  hyphens: %s;\n", h, h, h);
        /* no break that leaves fewer than 3 letters before or 2 after it */
        if (t->hyphenate) buf_puts(b, "  hyphenate-limit-chars: 6 3 2;\n");
        if (!(parts & CSS_NO_BREAK) && t->page_break_before)
            buf_puts(b, "  page-break-before: always;\n  break-before: page;\n");
    }
    buf_puts(b, "}\n");
}

/* WCAG contrast ratio of two colours. */
static double css_contrast(uint32_t a, uint32_t b) {
    double la = css_luminance(a), lb = css_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* `c` darkened just enough to reach a contrast of `ratio` on a white page. */
static uint32_t css_on_white(uint32_t c, double ratio) {
    for (int i = 0; i < 64 && css_contrast(c, 0xFFFFFFu) < ratio; i++) {
        uint32_t r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF, bl = c & 0xFF;
        c = (r * 9 / 10) << 16 | (g * 9 / 10) << 8 | (bl * 9 / 10);
    }
    return c;
}

/* The roles with every colour the text is set in readable on a white page (WCAG AA:
 * 4.5:1, 3:1 for display sizes). */
static void readable_roles(const style_sheet *s, style_text r[STYLE_ROLE_COUNT]) {
    for (int i = 0; i < STYLE_ROLE_COUNT; i++) {
        r[i] = s->roles[i];
        double size = r[i].size > 0 ? r[i].size : 10;
        bool large = size >= 18 || (size >= 14 && r[i].weight >= 700);
        if (r[i].background == STYLE_NO_COLOR) r[i].color = css_on_white(r[i].color, large ? 3.0 : 4.5);
    }
}

/* The page, the body and paragraphs. */
static void css_base(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    const style_text *body = &r[STYLE_BODY];
    /* the reading system sets the margins and the page colour */
    buf_puts(b, "html, body {\n  margin: 0;\n  padding: 0;\n}\n");
    css_rule(o, "body", body, CSS_FONT | CSS_NO_SIZE | CSS_COLOR_ALWAYS);
    buf_puts(b, "body {\n");
    if (body->line_height > 0) {
        buf_puts(b, "  line-height: ");
        css_num(b, body->line_height);
        buf_puts(b, ";\n");
    }
    /* a long word or address wraps rather than running off a narrow screen */
    buf_puts(b, "  overflow-wrap: break-word;\n  word-wrap: break-word;\n}\n");
    css_rule(o, "p", body, CSS_BLOCK);
    /* the first paragraph after a heading, a figure or a table is not indented */
    buf_puts(b, "h1 + p, h2 + p, h3 + p, h4 + p, h5 + p, h6 + p, figure + p, table + p, div.table-wrap + p,\n"
                "ul + p, ol + p, blockquote + p, pre + p, hr + p, section > p:first-child {\n  text-indent: 0;\n}\n");
}

/* Headings, kept with the text they introduce. */
static void css_headings(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    css_rule(o, "h1", &r[STYLE_H1], CSS_FONT | CSS_BLOCK);
    css_rule(o, "h2", &r[STYLE_H2], CSS_FONT | CSS_BLOCK);
    css_rule(o, "h3, h4, h5, h6", &r[STYLE_H3], CSS_FONT | CSS_BLOCK);
    /* a heading stays with the text it introduces */
    buf_puts(b, "h1, h2, h3, h4, h5, h6 {\n  page-break-after: avoid;\n  break-after: avoid;\n"
                "  page-break-inside: avoid;\n  break-inside: avoid;\n  text-wrap: balance;\n}\n");
    /* the chapter's first heading: its file already starts a new page */
    buf_puts(b, "section > h1:first-child, section > h2:first-child {\n  margin-top: 0;\n}\n");
}

/* Block quotes, pull quotes and their attribution. */
static void css_quotes(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    css_rule(o, "blockquote", &r[STYLE_QUOTE], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(b, "blockquote {\n  margin-right: 0;\n}\nblockquote p {\n  text-indent: 0;\n  margin: 0 0 0.5em 0;\n"
                "  font: inherit;\n  color: inherit;\n  text-align: inherit;\n}\n");
    buf_puts(b, "blockquote.pull {\n  border-left: 0.25em solid ");
    css_color(b, s->accent);
    buf_puts(b, ";\n  padding-left: 0.75em;\n  page-break-inside: avoid;\n  break-inside: avoid;\n}\n");
    /* the attribution sits in the quote: its colour is written when the quote's differs */
    css_rule(o, "blockquote footer", &r[STYLE_ATTRIBUTION],
             CSS_FONT | CSS_BLOCK | CSS_NO_BREAK |
                 (r[STYLE_ATTRIBUTION].color != r[STYLE_QUOTE].color ? CSS_COLOR_ALWAYS : 0));
    buf_puts(b, "blockquote footer {\n  margin-left: 0;\n}\nblockquote footer cite {\n  font-style: inherit;\n}\n");
}

/* Lists and footnotes. */
static void css_lists_notes(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    css_rule(o, "li", &r[STYLE_LIST], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(b, "li {\n  margin-left: 0;\n  text-indent: 0;\n}\nul, ol {\n  margin: 0.5em 0 0.75em 0;\n"
                "  padding-left: 1.5em;\n}\nli ul, li ol {\n  margin: 0.25em 0;\n}\nli li {\n  font-size: 1em;\n}\n"
                "li p {\n  text-indent: 0;\n  margin: 0 0 0.4em 0;\n  font: inherit;\n}\n");
    css_rule(o, "aside.footnote", &r[STYLE_FOOTNOTE], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(b, "aside.footnote p {\n  text-indent: 0;\n  margin: 0 0 0.3em 0;\n  font: inherit;\n"
                "  text-align: inherit;\n}\n"
                "section + aside.footnote {\n  border-top: 1px solid ");
    css_color(b, s->accent);
    buf_puts(b, ";\n  margin-top: 2em;\n  padding-top: 0.5em;\n}\n"
                "sup.noteref {\n  line-height: 0;\n  font-size: 0.75em;\n}\nsup.noteref a {\n"
                "  text-decoration: none;\n}\n"
                /* the way back from a note: a glyph the note's font has, underlined like every
                 * link in running text, with room around it for a finger */
                "a.backlink {\n  padding: 0 0.3em;\n  white-space: nowrap;\n}\n");
}

/* Figures, captions and tables. */
static void css_figures_tables(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    /* figures: as wide as the text at most, never taller than most of the screen. The height
     * cap is important: some reading systems (epub.js) inject `img { max-height: <page>px
     * !important }`, which lets a tall figure fill a whole page, so the heading kept with it
     * moves on and leaves the chapter's first page blank. A reader's own !important still wins. */
    buf_puts(b, "figure {\n  margin: 1em 0;\n  text-align: center;\n  page-break-inside: avoid;\n"
                "  break-inside: avoid;\n}\nimg {\n  max-width: 100%;\n}\nfigure img {\n  display: block;\n"
                "  margin: 0 auto;\n  width: auto;\n  height: auto;\n  max-width: 100%;\n  max-height: 60vh !important;\n"
                "  object-fit: contain;\n}\n"
                /* badges and icons in running text: as tall as a line's letters */
                "img.inline {\n  height: 1em;\n  width: auto;\n  vertical-align: text-bottom;\n}\n"
                "kbd {\n  font-family: inherit;\n  font-size: 0.9em;\n  border: 1px solid currentColor;\n"
                "  border-radius: 0.2em;\n  padding: 0 0.2em;\n}\n");
    css_rule(o, "figcaption", &r[STYLE_CAPTION], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    /* a table wider than the screen scrolls sideways in its box, not the page */
    buf_puts(b, "div.table-wrap {\n  overflow-x: auto;\n  max-width: 100%;\n  margin: 1em 0;\n}\n"
                "table {\n  border-collapse: collapse;\n  width: 100%;\n  margin: 1em 0;\n}\n"
                "div.table-wrap > table {\n  margin: 0;\n}\n");
    css_rule(o, "td, th", &r[STYLE_TABLE], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(b, "td, th {\n  margin: 0;\n  padding: 0.25em 0.5em;\n  vertical-align: top;\n"
                "  border-bottom: 1px solid #bbbbbb;\n}\nth {\n  font-weight: 700;\n  border-bottom: 2px solid ");
    css_color(b, s->accent);
    buf_puts(b, ";\n}\n.align-left {\n  text-align: left;\n}\n.align-center {\n  text-align: center;\n}\n"
                ".align-right {\n  text-align: right;\n}\n");
}

/* Code, links and rules. */
static void css_code_links(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    css_rule(o, "pre, code", &r[STYLE_CODE], CSS_FONT);
    css_rule(o, "pre", &r[STYLE_CODE], CSS_BLOCK | CSS_NO_BREAK);
    buf_printf(b, "pre {\n  white-space: pre-wrap;\n  tab-size: %d;\n  text-align: left;\n}\n",
               r[STYLE_CODE].tab_size > 0 ? r[STYLE_CODE].tab_size : 4);
    buf_puts(b, "pre code {\n  font-size: 1em;\n}\n"
                "p code, li code, td code, th code {\n  font-size: 0.9em;\n}\n");
    buf_puts(b, "a {\n  color: ");
    css_color(b, css_on_white(s->link_color, 4.5));
    buf_puts(b, ";\n}\nhr {\n  border: 0;\n  border-top: 1px solid ");
    css_color(b, s->accent);
    buf_puts(b, ";\n  margin: 1.5em 0;\n}\n");
}

/* The table of contents. */
static void css_contents(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    const style_text *body = &r[STYLE_BODY];
    /* table of contents: a wrapped entry hangs, so each entry's start stands out */
    buf_puts(b, "nav#toc ol {\n  list-style: none;\n  padding-left: 0;\n  margin: 0;\n}\n"
                "nav#toc ol ol {\n  padding-left: 1.25em;\n}\n");
    css_rule(o, "nav#toc li", &r[STYLE_TOC], CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    {   /* the first sub-entry sits as far below its parent as entries sit from each other */
        const style_text *toc = &r[STYLE_TOC];
        double ts = toc->size > 0 ? toc->size : (body->size > 0 ? body->size : 10);
        buf_puts(b, "nav#toc li > ol {\n  margin-top: ");
        css_num(b, (toc->space_after + toc->space_before) / ts);
        buf_puts(b, "em;\n}\n");
    }
    buf_puts(b, "nav#toc li {\n  padding-left: 1em;\n  text-indent: -1em;\n}\n"
                "nav#toc h1 {\n  margin-top: 0;\n  page-break-before: auto;\n  break-before: auto;\n}\n"
                "nav#toc li li {\n  font-size: 1em;\n}\nnav#toc a {\n  color: inherit;\n"
                "  text-decoration: none;\n}\nnav#landmarks {\n  display: none;\n}\n");
}

/* The cover page. */
static void css_cover(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    const style_text *body = &r[STYLE_BODY];
    /* cover page: the image and the title fit one screen */
    buf_puts(b, "section.cover {\n  text-align: center;\n  page-break-inside: avoid;\n  break-inside: avoid;\n}\n"
                ".cover-image {\n  margin: 0 0 1em 0;\n}\n"
                ".cover-image img {\n  display: block;\n  margin: 0 auto;\n  width: auto;\n  height: auto;\n"
                "  max-width: 100%;\n  max-height: 62vh;\n  object-fit: contain;\n}\n");
    /* the print cover may set light text on a coloured panel; an e-reader page is light:
     * the title takes the panel's colour when it is dark enough to read, else the body's */
    style_text cover = s->roles[STYLE_COVER];
    if (css_luminance(cover.color) > 0.6) {
        if (cover.background != STYLE_NO_COLOR && css_contrast(cover.background, 0xFFFFFFu) >= 3.0)
            cover.color = cover.background;
        else
            cover.color = body->color;
    }
    cover.color = css_on_white(cover.color, 3.0);
    cover.background = STYLE_NO_COLOR;
    css_rule(o, "h1.cover-title", &cover, CSS_FONT | CSS_NO_SIZE | CSS_COLOR_ALWAYS);
    buf_puts(b, "h1.cover-title {\n  font-size: 1.6rem;\n  margin: 0.5em 0;\n  text-align: center;\n"
                "  page-break-before: auto;\n  break-before: auto;\n}\n"
                ".cover-subtitle, .cover-authors, .cover-publisher {\n  font-family: ");
    css_family(b, cover.family);
    buf_puts(b, ";\n  text-align: center;\n  text-indent: 0;\n"
                "  margin: 0.25em 0;\n  -webkit-hyphens: manual;\n  hyphens: manual;\n}\n"
                /* titles break into lines of even length, not a long line and a word */
                "h1.cover-title, .cover-subtitle {\n  text-wrap: balance;\n}\n"
                ".cover-subtitle {\n  font-size: 1.15rem;\n}\n"
                ".cover-authors, .cover-publisher {\n  font-size: 0.9rem;\n  letter-spacing: 0.04em;\n}\n");
}

/* Narrow screens: justified text in a short measure opens wide gaps between the
     * words; set it ragged right, and give the quotes the whole width */
static void css_narrow(css_out *o, const style_sheet *s, const style_text *r) {
    buf *b = &o->b;
    buf_puts(b, "@media (max-width: 35em) {\n");
    if (o->justified.len) {
        buf_puts(b, "  ");
        buf_puts(b, o->justified.data);
        buf_puts(b, " {\n    text-align: left;\n  }\n");
    }
    buf_puts(b, "  blockquote, blockquote footer {\n    margin-left: 0;\n  }\n}\n");
}

/* A reader's night mode: the colours above are made readable on a white page, so on a
 * dark one the text, links, headings, rules and code take the reader's own colours
 * (the cover keeps its panel); links stay underlined. */
static void css_dark(css_out *o) {
    buf_puts(&o->b, "@media (prefers-color-scheme: dark) {\n"
                    "  body:not(.cover), body:not(.cover) * {\n    color: inherit;\n"
                    "    background-color: transparent;\n    border-color: currentColor;\n  }\n"
                    "  a {\n    text-decoration: underline;\n  }\n}\n");
}

char *style_to_css(const style_sheet *s, const char *font_css) {
    css_out o;
    buf_init(&o.b);
    buf_init(&o.justified);
    style_text r[STYLE_ROLE_COUNT];
    readable_roles(s, r);
    o.body = &r[STYLE_BODY];
    buf_puts(&o.b, "@charset \"UTF-8\";\n");
    buf_printf(&o.b, "/* generated from the style \"%s\" */\n", s->name ? s->name : "default");
    if (font_css) buf_puts(&o.b, font_css);
    css_base(&o, s, r);
    css_headings(&o, s, r);
    css_quotes(&o, s, r);
    css_lists_notes(&o, s, r);
    css_figures_tables(&o, s, r);
    css_code_links(&o, s, r);
    css_contents(&o, s, r);
    css_cover(&o, s, r);
    css_narrow(&o, s, r);
    css_dark(&o);
    buf_free(&o.justified);
    return buf_detach(&o.b, NULL);
}
