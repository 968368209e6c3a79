/* css: the style sheet (points, families, roles) → the e-book's CSS, sizes relative to the body text. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "style.h"

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
    CSS_FONT = 1,     /* family, size, weight, style, colour, transform, letter-spacing */
    CSS_BLOCK = 2,    /* margins, alignment, indent, hyphenation, page break, line height */
    CSS_NO_SIZE = 4,  /* leave font-size alone (the body: the reader's size) */
    CSS_NO_BREAK = 8, /* leave page breaks alone */
};

/* One rule for `selector` from role `t`; sizes relative to the body size `base` (points). */
static void css_rule(buf *b, const char *selector, const style_text *t, double base, int parts) {
    double size = t->size > 0 ? t->size : base;
    buf_printf(b, "%s {\n", selector);
    if (parts & CSS_FONT) {
        buf_puts(b, "  font-family: ");
        css_family(b, t->family);
        buf_puts(b, ";\n");
        if (!(parts & CSS_NO_SIZE)) {
            buf_puts(b, "  font-size: ");
            css_num(b, size / base);
            buf_puts(b, "rem;\n");
        }
        buf_printf(b, "  font-weight: %d;\n", t->weight > 0 ? t->weight : 400);
        buf_printf(b, "  font-style: %s;\n", t->italic ? "italic" : "normal");
        buf_puts(b, "  color: ");
        css_color(b, t->color);
        buf_puts(b, ";\n");
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
        buf_puts(b, "  text-indent: ");
        css_num(b, t->first_indent / size);
        buf_puts(b, "em;\n");
        if (t->background != STYLE_NO_COLOR) {
            buf_puts(b, "  background-color: ");
            css_color(b, t->background);
            buf_puts(b, ";\n  padding: 0.5em 0.75em;\n");
        }
        const char *h = t->hyphenate ? "auto" : "manual";
        buf_printf(b, "  -webkit-hyphens: %s;\n  -epub-hyphens: %s;\n  hyphens: %s;\n", h, h, h);
        if (!(parts & CSS_NO_BREAK) && t->page_break_before)
            buf_puts(b, "  page-break-before: always;\n  break-before: page;\n");
    }
    buf_puts(b, "}\n");
}

char *style_to_css(const style_sheet *s, const char *font_css) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "@charset \"UTF-8\";\n");
    buf_printf(&b, "/* generated from the style \"%s\" */\n", s->name ? s->name : "default");
    if (font_css) buf_puts(&b, font_css);
    const style_text *r = s->roles;
    const style_text *body = &r[STYLE_BODY];
    double base = body->size > 0 ? body->size : 10;

    buf_puts(&b, "html, body {\n  margin: 0;\n  padding: 0;\n}\n");
    css_rule(&b, "body", body, base, CSS_FONT | CSS_NO_SIZE);
    if (body->line_height > 0) {
        buf_puts(&b, "body {\n  line-height: ");
        css_num(&b, body->line_height);
        buf_puts(&b, ";\n}\n");
    }
    css_rule(&b, "p", body, base, CSS_BLOCK);
    /* the first paragraph after a heading, a figure or a table is not indented */
    buf_puts(&b, "h1 + p, h2 + p, h3 + p, h4 + p, h5 + p, h6 + p, figure + p, table + p, ul + p, ol + p,\n"
                 "blockquote + p, pre + p, hr + p, section > p:first-child {\n  text-indent: 0;\n}\n");
    css_rule(&b, "h1", &r[STYLE_H1], base, CSS_FONT | CSS_BLOCK);
    css_rule(&b, "h2", &r[STYLE_H2], base, CSS_FONT | CSS_BLOCK);
    css_rule(&b, "h3, h4, h5, h6", &r[STYLE_H3], base, CSS_FONT | CSS_BLOCK);
    /* the chapter's first heading: its file already starts a new page */
    buf_puts(&b, "section > h1:first-child, section > h2:first-child {\n  margin-top: 0;\n}\n");
    css_rule(&b, "blockquote", &r[STYLE_QUOTE], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "blockquote {\n  margin-right: 0;\n}\nblockquote p {\n  text-indent: 0;\n  margin: 0 0 0.5em 0;\n"
                 "  font: inherit;\n  color: inherit;\n  text-align: inherit;\n}\n");
    buf_puts(&b, "blockquote.pull {\n  border-left: 0.25em solid ");
    css_color(&b, s->accent);
    buf_puts(&b, ";\n  padding-left: 0.75em;\n}\n");
    css_rule(&b, "blockquote footer", &r[STYLE_ATTRIBUTION], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "blockquote footer {\n  margin-left: 0;\n}\nblockquote footer cite {\n  font-style: inherit;\n}\n");
    css_rule(&b, "li", &r[STYLE_LIST], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "li {\n  margin-left: 0;\n  text-indent: 0;\n}\nul, ol {\n  margin: 0.5em 0 0.75em 0;\n"
                 "  padding-left: 1.5em;\n}\nli ul, li ol {\n  margin: 0.25em 0;\n}\nli li {\n  font-size: 1em;\n}\n"
                 "li p {\n  text-indent: 0;\n  margin: 0 0 0.4em 0;\n  font: inherit;\n}\n");
    css_rule(&b, "aside.footnote", &r[STYLE_FOOTNOTE], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "aside.footnote p {\n  text-indent: 0;\n  margin: 0 0 0.3em 0;\n  font: inherit;\n"
                 "  text-align: inherit;\n}\n"
                 "section + aside.footnote {\n  border-top: 1px solid ");
    css_color(&b, s->accent);
    buf_puts(&b, ";\n  margin-top: 2em;\n  padding-top: 0.5em;\n}\n"
                 "sup.noteref {\n  line-height: 0;\n  font-size: 0.75em;\n}\nsup.noteref a {\n"
                 "  text-decoration: none;\n}\n");
    buf_puts(&b, "figure {\n  margin: 1em 0;\n  text-align: center;\n  page-break-inside: avoid;\n"
                 "  break-inside: avoid;\n}\nfigure img {\n  max-width: 100%;\n  height: auto;\n}\n");
    css_rule(&b, "figcaption", &r[STYLE_CAPTION], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "table {\n  border-collapse: collapse;\n  width: 100%;\n  margin: 1em 0;\n}\n");
    css_rule(&b, "td, th", &r[STYLE_TABLE], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "td, th {\n  margin: 0;\n  padding: 0.25em 0.5em;\n  vertical-align: top;\n"
                 "  border-bottom: 1px solid #cccccc;\n}\nth {\n  font-weight: 700;\n  border-bottom: 2px solid ");
    css_color(&b, s->accent);
    buf_puts(&b, ";\n}\n.align-left {\n  text-align: left;\n}\n.align-center {\n  text-align: center;\n}\n"
                 ".align-right {\n  text-align: right;\n}\n");
    css_rule(&b, "pre, code", &r[STYLE_CODE], base, CSS_FONT);
    css_rule(&b, "pre", &r[STYLE_CODE], base, CSS_BLOCK | CSS_NO_BREAK);
    buf_puts(&b, "pre {\n  white-space: pre-wrap;\n  text-align: left;\n}\npre code {\n  font-size: 1em;\n}\n"
                 "p code, li code, td code, th code {\n  font-size: 0.9em;\n}\n");
    buf_puts(&b, "a {\n  color: ");
    css_color(&b, s->link_color);
    buf_puts(&b, ";\n}\nhr {\n  border: 0;\n  border-top: 1px solid ");
    css_color(&b, s->accent);
    buf_puts(&b, ";\n  margin: 1.5em 0;\n}\n");
    /* table of contents */
    buf_puts(&b, "nav#toc ol {\n  list-style: none;\n  padding-left: 0;\n  margin: 0;\n}\n"
                 "nav#toc ol ol {\n  padding-left: 1.25em;\n}\n");
    css_rule(&b, "nav#toc li", &r[STYLE_TOC], base, CSS_FONT | CSS_BLOCK | CSS_NO_BREAK);
    {   /* the first sub-entry sits as far below its parent as entries sit from each other */
        const style_text *toc = &r[STYLE_TOC];
        double ts = toc->size > 0 ? toc->size : base;
        buf_puts(&b, "nav#toc li > ol {\n  margin-top: ");
        css_num(&b, (toc->space_after + toc->space_before) / ts);
        buf_puts(&b, "em;\n}\n");
    }
    buf_puts(&b, "nav#toc h1 {\n  margin-top: 0;\n  page-break-before: auto;\n  break-before: auto;\n}\n"
                 "nav#toc li li {\n  font-size: 1em;\n}\nnav#toc a {\n  color: inherit;\n"
                 "  text-decoration: none;\n}\n");
    /* cover page */
    buf_puts(&b, "section.cover {\n  text-align: center;\n}\n.cover-image {\n  margin: 0 0 1em 0;\n}\n"
                 ".cover-image img {\n  max-width: 100%;\n  max-height: 85vh;\n}\n");
    /* the print cover may set light text on a coloured panel; an e-reader page is light */
    style_text cover = r[STYLE_COVER];
    if (css_luminance(cover.color) > 0.6) cover.color = body->color;
    css_rule(&b, "h1.cover-title", &cover, base, CSS_FONT | CSS_NO_SIZE);
    buf_puts(&b, "h1.cover-title {\n  font-size: 1.6rem;\n  margin: 0.5em 0;\n  text-align: center;\n"
                 "  page-break-before: auto;\n  break-before: auto;\n}\n"
                 ".cover-subtitle, .cover-authors, .cover-publisher {\n  text-align: center;\n  text-indent: 0;\n}\n"
                 ".cover-subtitle {\n  font-size: 1.15rem;\n}\n");
    return buf_detach(&b, NULL);
}
