/* pdffinish: the last step of the print writer. Cairo's PDF lacks a few things a
 * print shop and accessibility checkers expect; this adds them with libqpdf. */
#ifndef QUIRE_PDFFINISH_H
#define QUIRE_PDFFINISH_H

#include <stdbool.h>

#include "base/diag.h"
#include "base/image.h"

typedef struct pdffinish_label_range {
    int first_page;          /* 0-based index of the first page of the range */
    char style;              /* 'r' lower roman, 'D' decimal, 0 none */
    int start;               /* the number the first page shows */
} pdffinish_label_range;

/* What each of cairo's structure elements is. Cairo 1.16 gives marked content only to
 * elements without children, cannot keep one open across pages and has no Artifact, so
 * the print writer opens one flat element per run of content ("chunk") and describes
 * here the tree it means; pdffinish replaces cairo's tree with it. */
typedef enum pdffinish_chunk {
    PDFFINISH_CONTENT = 0,        /* marked content of an element of the tree below */
    PDFFINISH_ART_HEADER,         /* Artifact /Pagination /Header: a running head */
    PDFFINISH_ART_FOOTER,         /* Artifact /Pagination /Footer: a folio */
    PDFFINISH_ART_PAGINATION,     /* Artifact /Pagination: a table header repeated on a later page */
    PDFFINISH_ART_LAYOUT,         /* Artifact /Layout: rules, bars, backgrounds, leaders */
    PDFFINISH_ART_PAGE            /* Artifact /Page: crop marks */
} pdffinish_chunk;

/* The tag a chunk of artifacts is drawn under (cairo has no Artifact: pdffinish
 * rewrites its marked content as /Artifact). */
#define PDFFINISH_ARTIFACT_TAG "NonStruct"

typedef struct pdffinish_elem {
    const char *type;             /* a standard structure type: "P", "H1", "Link"… */
    const int *kids;              /* in reading order: k >= 0 an element, k < 0 chunk -1-k */
    int n_kids;
    const char *alt;              /* /Alt (figures), or NULL */
    const char *id;               /* /ID (notes), or NULL */
    const char *contents;         /* Link: /Contents of its annotations, or NULL */
    char scope;                   /* TH: 'C' column, 'R' row; else 0 */
    bool has_bbox;                /* Figure: /BBox (PDF user space of its page) */
    double bbox[4];
} pdffinish_elem;

typedef struct pdffinish_structure {
    const pdffinish_elem *elems;  /* elems[0] is the root (Document) */
    int n_elems;
    const unsigned char *chunks;  /* pdffinish_chunk of each of cairo's elements, in the order opened */
    const unsigned char *joins;   /* per chunk: 1 when it goes on from the chunk before (same element,
                                     nothing drawn between: a link's next line), to be one sequence */
    int n_chunks;
} pdffinish_structure;

/* A PNG the print writer drew through a stand-in (LAYOUT_PNG_TAG): the finishing pass
 * gives the image object the PNG's data as `img` plans them; a plan of the PNG's own data
 * (img->own) is filled in from `data` there, any other comes filled in (image_pdf_data). */
typedef struct pdffinish_png {
    const char *key;                 /* what the stand-in names (the image's book path) */
    const unsigned char *data;       /* the PNG file's bytes */
    size_t len;
    const image_pdf *img;
} pdffinish_png;

typedef struct pdffinish_options {
    const char *language;            /* /Lang, BCP 47 */
    bool tagged;                     /* add /MarkInfo << /Marked true >> and, when the structure
                                      * tree has none, a Document element at its top */
    const pdffinish_label_range *labels;  /* /PageLabels; n_labels ranges */
    int n_labels;
    double bleed;                    /* points; > 0: pages were drawn with the bleed around the trim box */
    double slug;                     /* points beyond the bleed on each side (crop marks): MediaBox =
                                      * trim + 2*(bleed+slug), BleedBox = MediaBox inset by slug,
                                      * TrimBox = MediaBox inset by slug+bleed */
    const char *display_path;        /* the artifact's name for messages (in/out are temporary files) */
    const char *id_seed;             /* deterministic /ID from this (e.g. title + SOURCE_DATE_EPOCH) */
    /* /Alt of the /Figure structure elements, in document order (cairo 1.16 cannot
     * write it): entry i goes to the i-th Figure; NULL or "" entries are skipped. */
    const char *const *figure_alts;
    int n_figure_alts;
    /* true: an XMP metadata stream on the catalog with dc:title, dc:creator, dc:language,
     * pdf:Producer and xmp:CreatorTool (as in the Info dictionary) and xmp:CreateDate/
     * ModifyDate from xmp_date (seconds since 1970, e.g. SOURCE_DATE_EPOCH, 0 included). */
    bool xmp;
    long long xmp_date;
    const char *xmp_title;           /* NULL: the Info /Title */
    const char *const *xmp_creators; /* n_xmp_creators authors */
    int n_xmp_creators;
    /* The structure tree that replaces cairo's (see above), with /Tabs /S on pages with
     * annotations and the XMP claim of PDF/UA-1; NULL leaves cairo's tree (with a
     * Document element added when tagged). */
    const pdffinish_structure *structure;
    const pdffinish_png *pngs;       /* n_pngs PNGs drawn through stand-ins */
    int n_pngs;
} pdffinish_options;

/* Reads the PDF at in_path, adds /MarkInfo, a Document structure element, /Lang, /ViewerPreferences
 * << /DisplayDocTitle true >>, /PageLabels, TrimBox/BleedBox when bled, figure /Alt
 * texts, an XMP packet, a fixed /ID, and writes out_path (not atomically: the caller writes to a temporary path):
 * in_path's bytes with the edits appended as an incremental update (see pdfupdate.h), so only
 * the objects edited are parsed and written. Returns QUIRE_OK or QUIRE_EIO after a message. */
int pdffinish_apply(const char *in_path, const char *out_path, const pdffinish_options *opt, diag *d);

#endif
