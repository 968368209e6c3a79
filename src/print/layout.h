/* layout: model blocks → a flat list of boxes for one column width (lines, rules,
 * figures, table rows), each with its glue above and keep rules, ready to paginate. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <stdbool.h>

#include <cairo.h>

#include "base/diag.h"
#include "model/model.h"
#include "print/text.h"

#define LAYOUT_MAX_DEPTH 8

/* One level of the structure tree an item belongs to ("P", "LI"…); id tells apart
 * two neighbouring elements with the same name. */
typedef struct layout_tag {
    const char *name;
    int id;
} layout_tag;

typedef enum layout_kind {
    LAYOUT_LINE,    /* one line of a paragraph */
    LAYOUT_RULE,    /* a horizontal rule (thematic break) */
    LAYOUT_FIGURE,  /* an image, scaled */
    LAYOUT_ROW,     /* a table row */
    LAYOUT_SPACE    /* an empty box */
} layout_kind;

/* An image of the book as the layout measures it. Its pixels are decoded when the
 * first box showing it is drawn and released after the last (`uses`), so a book's
 * images are never all in memory at once. */
typedef struct layout_image {
    const char *book_path;
    const model_image *src;    /* the loader's checked bytes (borrowed from the book) */
    bool bitmap;               /* PNG or JPEG (else SVG) */
    double width, height;      /* intrinsic, CSS px (raster: pixels) */
    double ppi;                /* raster: the resolution the file states (0: none) */
    int uses, drawn;           /* boxes that show it; how many have been drawn */
    int last_page;             /* the page it was last drawn on (-1: none) */
    void *svg;                 /* RsvgHandle, while decoded */
    cairo_pattern_t *svg_form; /* PDF: the SVG drawn once, painted wherever it is shown (made at first draw) */
    double form_scale;         /* the form holds the SVG at this scale of its intrinsic size */
    cairo_surface_t *raster;   /* while decoded */
    bool stand_in;             /* drawn for a PDF through a stand-in (see LAYOUT_PNG_TAG) */
} layout_image;

/* A PNG shown from its own data: the layout gives cairo a stand-in JPEG (SOI, an APP15
 * segment holding LAYOUT_PNG_TAG and the image's key, a frame header of its size, EOI) to
 * embed in its place, which the finishing pass replaces. */
#define LAYOUT_PNG_TAG "quire-png:"

typedef struct layout_table layout_table;

typedef struct layout_item {
    layout_kind kind;
    double height;           /* the box */
    double space_before;     /* glue above; dropped at the top of a column */
    double space_own;        /* the part of it the item asks for itself, without the block before's
                              * space after: its glue when that block is a float set elsewhere */
    double x;                /* left edge within the column */
    double width;            /* for rules, rows and figures */
    bool keep_with_next;     /* no column break after this item */
    double penalty;          /* otherwise the cost of a column break after it (widow, orphan, split quote…) */
    int float_len;           /* first item of a float: its items (a figure and its caption lines, a table
                              * that fits a column with its caption); 0: none */
    bool break_before;       /* starts a new page */
    bool bar;                /* pull quote: draw the accent bar beside this box */
    int chapter;             /* index, -1 for front matter */
    const model_node *node;  /* the block it came from */
    /* LINE */
    text_para *para;         /* borrowed from the layout's list */
    int line;
    double baseline;         /* from the box's top */
    text_para *label;        /* list label (first line of an item), drawn hanging */
    double label_x;
    /* TOC entries: page number text drawn right, with dot leaders */
    text_para *toc_num;
    const char *toc_dest;
    /* FIGURE */
    layout_image *image;
    /* ROW */
    layout_table *table;
    int row;
    bool header_row;
    int row_line, row_lines; /* a piece of a row taller than a column: its cells' lines [row_line,
                              * row_line + row_lines); row_lines 0: the whole row */
    int table_at;            /* items back to the table's first row (its header rows follow one item each) */
    /* structure */
    layout_tag tags[LAYOUT_MAX_DEPTH];
    int depth;
    int label_depth;         /* with `label`: the LI level the Lbl sits in */
    const char *dest;        /* named destination at the top of this box (heading/figure id), or NULL */
    int heading_level;       /* 1-3 for a heading's first line (running heads) */
    const char *heading_text;
    /* A heading's first line when the contents list it: its entry (contents page, outline). */
    const model_contents_entry *contents;
} layout_item;

struct layout_table {
    int rows, cols;
    double *col_x, *col_w;   /* within the table */
    text_para **cells;       /* rows*cols, NULL for a missing cell */
    double *row_h;
    double pad;
    double scale;            /* of the table role's size: below 1 when its words were too wide (shrink-to-fit) */
    int header_rows;         /* header rows at the top (repeated after breaks) */
    int broken_cells;        /* cells with a word broken between characters (one warning for the table) */
    uint32_t rule_color;
};

/* A footnote set for one column width: its number hanging in the margin `hang` wide, its
 * paragraphs indented by it. */
typedef struct layout_note {
    const model_node *node;
    int number;
    text_para *num;          /* the number (borrowed from the layout's list) */
    double hang;
    text_para **paras;
    int n_paras;
    int n_lines;             /* over all its paragraphs */
    double height;
} layout_note;

/* Line k of a note, counted over its paragraphs (para NULL past its end). */
typedef struct layout_note_line {
    const text_para *para;
    int line;
} layout_note_line;
layout_note_line layout_note_line_at(const layout_note *n, int k);
/* The height of lines [from, to) of a note. */
double layout_note_lines_h(const layout_note *n, int from, int to);

typedef struct layout_list {
    layout_item *items;
    int n, cap;
    text_para **paras;       /* owned */
    int n_paras, cap_paras;
    layout_table **tables;   /* owned */
    int n_tables;
    layout_image **images;   /* owned */
    int n_images;
    layout_note *notes;      /* book->n_footnotes entries (height 0 when not laid out) */
    int n_notes;
    char **strs;             /* owned strings (heading texts) */
    int n_strs, cap_strs;
    double note_gap;         /* space between notes */
    double note_sep;         /* space above the first note, holding the rule */
    double foot_depth;       /* a body line's box below its baseline: full columns end their last baseline that far up */
    double note_lift;        /* the notes' foot raised so their last baseline stands where a body line's would */
} layout_list;

/* Costs of a column break after an item, weighed against empty space by paginate (a column
 * left a quarter empty costs 6250; see paginate.c). */
/* A widow costs more than a column a fifth empty before a heading (5500): the lone last line at
 * the top of a page is the one the eye meets first, and worse than an orphan at its foot. */
#define LAYOUT_PENALTY_WIDOW 6000.0     /* leaves the last `widows` lines of a paragraph alone */
#define LAYOUT_PENALTY_ORPHAN 3000.0    /* leaves the first `orphans` lines alone */
#define LAYOUT_PENALTY_QUOTE 1200.0     /* splits a pull quote */
#define LAYOUT_PENALTY_CODE 400.0       /* splits a code block */
#define LAYOUT_PENALTY_ROW 60.0         /* splits a table between rows */

typedef struct layout_params {
    double col_width;
    double col_height;       /* for scaling figures to fit */
    int widows, orphans;
    bool figure_natural;     /* raster figures at their own size (capped at the column), not the column's */
} layout_params;

/* Lays out every chapter of the book. False after an error (bad image, too narrow). */
bool layout_book(text_ctx *tc, const model_book *book, const layout_params *lp, layout_list *out, diag *d);
void layout_list_free(layout_list *l);

/* Appends a text paragraph's lines as items (used for the table of contents). */
layout_item *layout_push(layout_list *l);
text_para *layout_keep_para(layout_list *l, text_para *p);

/* Loads an image file (SVG, PNG or JPEG); the list owns it. NULL after an error at pos. */
layout_image *layout_load_image(layout_list *l, const model_image *mi, model_pos pos, diag *d);

/* Draws an image into the box (x, y, w, h) of the current cairo context, on page
 * `page`, decoding it first when needed (layout_release_drawn releases it). An SVG is
 * drawn once into a recording surface and that is painted, so a PDF holds it once, as
 * a form. False when it could not be decoded (out of memory). */
bool layout_draw_image(cairo_t *cr, layout_image *img, int page, double x, double y, double w, double h);
/* Releases the decoded images whose every box has been drawn. Call after a page is
 * finished (cairo_show_page): cairo holds what a page shows until then. */
void layout_release_drawn(layout_list *l);

/* The book's SVG images parsed and drawn into their PDF forms on a thread of their own
 * (while the book is laid out), for a PDF whose media box is page_w x page_h: the forms
 * their first showing would make. NULL when there are none or no thread starts. */
typedef struct layout_svgs layout_svgs;
layout_svgs *layout_svgs_start(const model_book *book, double page_w, double page_h);
/* Waits for the thread, gives each list's images the handles and forms made for them
 * (those not drawn ahead are decoded when first shown), and frees the rest and `a`. */
void layout_svgs_hand_over(layout_svgs *a, layout_list *const *lists, int n_lists);

#endif
