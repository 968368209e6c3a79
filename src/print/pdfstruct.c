/* pdfstruct: model nodes → structure elements (pdftag), ancestors first. */
#include "print/pdfstruct.h"

#include <string.h>

enum { SUB_SELF, SUB_LBODY, SUB_LBL, SUB_CAPTION, SUB_THEAD, SUB_TBODY, SUB_CODE, SUB_LINK };

static int block_elem(pdftag *t, const model_node *n);

/* The element the child blocks of `n` go into: an item's LBody, else n's own. */
static int container(pdftag *t, const model_node *n) {
    if (!n) return PDFTAG_ROOT;
    if (n->type == MODEL_ITEM) return pdftag_elem(t, block_elem(t, n), "LBody", n, SUB_LBODY);
    return block_elem(t, n);
}

static const char *heading_type(int level) {
    static const char *const h[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
    return h[level < 1 ? 0 : level > 6 ? 5 : level - 1];
}

/* The block holding an inline (a note reference). */
static const model_node *block_of(const model_node *n) {
    while (n && !model_is_block(n->type)) n = n->parent;
    return n;
}

static int block_elem(pdftag *t, const model_node *n) {
    if (!n) return PDFTAG_ROOT;
    switch (n->type) {
    case MODEL_CHAPTER: return pdftag_elem(t, PDFTAG_ROOT, "Sect", n, SUB_SELF);
    case MODEL_HEADING: {
        int e = pdftag_find(t, n, SUB_SELF);
        if (e != PDFTAG_NONE) return e;
        int parent = container(t, n->parent);
        int level = n->as.heading.outline ? n->as.heading.outline : n->as.heading.level;
        return pdftag_elem(t, parent, heading_type(pdftag_heading_level(t, level)), n, SUB_SELF);
    }
    case MODEL_QUOTE: return pdftag_elem(t, container(t, n->parent), "BlockQuote", n, SUB_SELF);
    case MODEL_LIST: return pdftag_elem(t, container(t, n->parent), "L", n, SUB_SELF);
    case MODEL_ITEM: return pdftag_elem(t, block_elem(t, n->parent), "LI", n, SUB_SELF);
    case MODEL_TABLE: return pdftag_elem(t, container(t, n->parent), "Table", n, SUB_SELF);
    case MODEL_TABLE_ROW: {
        int table = block_elem(t, n->parent);
        int group = n->as.row.header ? pdftag_elem(t, table, "THead", n->parent, SUB_THEAD)
                                     : pdftag_elem(t, table, "TBody", n->parent, SUB_TBODY);
        return pdftag_elem(t, group, "TR", n, SUB_SELF);
    }
    case MODEL_TABLE_CELL: {
        bool head = model_cell_is_header(n);   /* an empty header cell heads nothing: a TD */
        int e = pdftag_elem(t, block_elem(t, n->parent), head ? "TH" : "TD", n, SUB_SELF);
        if (head) pdftag_set_scope(t, e, 'C');
        return e;
    }
    case MODEL_FIGURE: return pdftag_elem(t, container(t, n->parent), "Figure", n, SUB_SELF);
    case MODEL_CODE_BLOCK: return pdftag_elem(t, container(t, n->parent), "P", n, SUB_SELF);
    case MODEL_FOOTNOTE: return pdfstruct_note(t, n);
    default: return pdftag_elem(t, container(t, n->parent), "P", n, SUB_SELF);
    }
}

int pdfstruct_block(pdftag *t, const model_node *n) {
    if (!t) return PDFTAG_NONE;
    int e = block_elem(t, n);
    if (n && n->type == MODEL_CODE_BLOCK) return pdftag_elem(t, e, "Code", n, SUB_CODE);
    return e;
}

int pdfstruct_label(pdftag *t, const model_node *item) {
    if (!t) return PDFTAG_NONE;
    return pdftag_elem(t, block_elem(t, item), "Lbl", item, SUB_LBL);
}

bool pdfstruct_described(const model_node *figure) {
    const char *alt = figure->as.figure.alt;
    return alt && alt[strspn(alt, " \t\n\r")];
}

int pdfstruct_caption(pdftag *t, const model_node *figure) {
    if (!t) return PDFTAG_NONE;
    if (figure->type == MODEL_TABLE) return pdftag_elem(t, block_elem(t, figure), "Caption", figure, SUB_CAPTION);
    /* A figure without alt text is decorative (the e-book's alt=""): its image is an
     * artifact and its caption a paragraph. */
    if (!pdfstruct_described(figure)) return pdftag_elem(t, container(t, figure->parent), "P", figure, SUB_CAPTION);
    return pdftag_elem(t, block_elem(t, figure), "Caption", figure, SUB_CAPTION);
}

void pdfstruct_float(pdftag *t, const model_node *figure) {
    if (!t || !figure || (figure->type != MODEL_FIGURE && figure->type != MODEL_TABLE)) return;
    bool whole = figure->type == MODEL_TABLE || pdfstruct_described(figure);
    int e = pdftag_find(t, figure, whole ? SUB_SELF : SUB_CAPTION);
    if (e != PDFTAG_NONE) pdftag_float(t, e);
}

int pdfstruct_note(pdftag *t, const model_node *fn) {
    if (!t) return PDFTAG_NONE;
    int e = pdftag_find(t, fn, SUB_SELF);
    if (e != PDFTAG_NONE) return e;
    /* Right after the block that first cites it; inside a table cell, at the cell's end. */
    const model_node *cite = block_of(fn->as.footnote.first_ref);
    if (!cite) {
        e = pdftag_elem(t, PDFTAG_ROOT, "Note", fn, SUB_SELF);
    } else {
        int b = block_elem(t, cite);
        if (cite->type == MODEL_TABLE_CELL) e = pdftag_elem(t, b, "Note", fn, SUB_SELF);
        else e = pdftag_elem_after(t, pdftag_parent(t, b), b, "Note", fn, SUB_SELF);
    }
    pdftag_set_id(t, e, fn->id);
    return e;
}

int pdfstruct_link(pdftag *t, int block, const void *span) {
    return pdftag_elem(t, block, "Link", span, SUB_LINK);
}
