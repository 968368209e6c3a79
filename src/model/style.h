/* style: one resolved style sheet that both writers use (the PDF writer directly, the
 * EPUB writer through its CSS). The loader (load/style.h) reads it from a style file. */
#ifndef QUIRE_STYLE_H
#define QUIRE_STYLE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/util.h"

/* The named styles of a style file, one per role a block can play. */
typedef enum style_role {
    STYLE_BODY,        /* paragraphs */
    STYLE_H1,
    STYLE_H2,
    STYLE_H3,          /* also h4-h6 */
    STYLE_QUOTE,       /* block quotes and pull quotes */
    STYLE_ATTRIBUTION, /* the "— Name" line closing a pull quote */
    STYLE_LIST,        /* list items */
    STYLE_FOOTNOTE,    /* footnote text at the page foot / end of chapter */
    STYLE_CAPTION,     /* figure captions */
    STYLE_TABLE,       /* table cells */
    STYLE_CODE,        /* code blocks and inline code */
    STYLE_HEADER,      /* running header */
    STYLE_FOOTER,      /* folio / footer */
    STYLE_COVER,       /* cover page title; subtitle and publisher derive from it */
    STYLE_TOC,         /* table of contents entries */
    STYLE_ROLE_COUNT
} style_role;

typedef enum style_align { STYLE_ALIGN_LEFT, STYLE_ALIGN_RIGHT, STYLE_ALIGN_CENTER, STYLE_ALIGN_JUSTIFY } style_align;

#define STYLE_NO_COLOR 0xFFFFFFFFu /* for background: none */

/* All lengths are in PostScript points (1/72 in). */
typedef struct style_text {
    const char *name;       /* role name as in the file: "body", "h1", ... */
    const char *family;     /* font family, must be one of the bundled fonts */
    double size;            /* font size */
    int weight;             /* 100..900; 400 normal, 700 bold */
    bool italic;
    double line_height;     /* multiple of size */
    double space_before;
    double space_after;
    style_align align;
    uint32_t color;         /* 0xRRGGBB */
    uint32_t background;    /* 0xRRGGBB or STYLE_NO_COLOR */
    double first_indent;    /* first-line indent */
    double indent;          /* left indent of the whole block (quotes, lists) */
    bool hyphenate;
    bool uppercase;         /* text-transform: uppercase */
    double letter_spacing;  /* extra space between letters */
    bool page_break_before; /* start on a new page (h1 by default) */
    /* The paragraph engine (print): glue and breaking, as TeX's \spaceskip, \hyphenpenalty, \tolerance. */
    double word_stretch;    /* how far a word space may grow, times its natural width */
    double word_shrink;     /* how far it may shrink, times its natural width (below 1) */
    int hyphen_penalty;     /* cost of breaking a line at a hyphenation point */
    int tolerance;          /* largest badness of a line the first passes accept */
    bool protrusion;        /* hyphens and punctuation at line ends hang into the margin */
    bool wide_sentence_space; /* sentence-space: wide, TeX's \nonfrenchspacing (a space after . ? ! : ; ,
                                 takes its space factor: wider after a sentence, and more stretch) */
    int tab_size;           /* code blocks: a tab moves to the next multiple of this many columns */
    double shrink_to_fit;   /* code blocks: with a line wider than the measure, set as small as this
                               fraction of the size to make it fit before any line wraps (1: never) */
    int family_line;        /* where font-family was set in the style file (0: built-in default) */
    int family_col;
} style_text;

/* What a running head shows: nothing, the book title, the h1 in effect, the h2 (else h1) in effect. */
typedef enum style_head { STYLE_HEAD_NONE, STYLE_HEAD_TITLE, STYLE_HEAD_CHAPTER, STYLE_HEAD_SECTION } style_head;

/* Where a figure goes: auto (here when it fits, else it floats to the next column's top),
 * here (never floats), top / bottom (of its column, or the next), page (a column of its own). */
typedef enum style_place { STYLE_PLACE_AUTO, STYLE_PLACE_HERE, STYLE_PLACE_TOP, STYLE_PLACE_BOTTOM, STYLE_PLACE_PAGE } style_place;

typedef struct style_page {
    double width, height;   /* trim size */
    double margin_top, margin_bottom, margin_inner, margin_outer;
    int columns;            /* 1 or more */
    double column_gap;
    double bleed;           /* 0: no bleed, no crop marks */
    int widows, orphans;    /* minimum lines kept together at a page top / bottom */
    style_head head_recto, head_verso;
    style_place figure_placement;
    bool figure_natural;    /* figure-width: natural (the image's own resolution) or column */
    double stretch;         /* most space added to one gap so facing pages end on one baseline */
    bool chapter_recto;     /* chapter-start: recto (a blank verso before when needed) */
} style_page;

/* Where the style file set a value (line 0: a built-in default), for messages. */
typedef struct style_where {
    int line, col;
} style_where;

typedef struct style_sheet {
    const char *name;       /* e.g. "brochure" */
    const char *path;       /* file it came from */
    style_page page;
    style_text roles[STYLE_ROLE_COUNT];
    uint32_t accent;        /* rules, links, cover panel */
    uint32_t link_color;
    int contents_depth;     /* headings h1 to h<depth> are listed in the contents (1-6) */
    /* what set the text area: the size or margins across, down, and the columns */
    style_where width_at, height_at, columns_at;
    arena *mem;             /* owns every string above */
} style_sheet;

/* The role's name as style files write it: "body", "h1"… ("?" when out of range). */
const char *style_role_name(style_role r);

/* Frees a sheet made by the loader (load/style.h). NULL is allowed. */
void style_free(style_sheet *s);

#endif
