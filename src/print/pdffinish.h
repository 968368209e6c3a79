/* pdffinish: the last step of the print writer. Cairo's PDF lacks a few things a
 * print shop and accessibility checkers expect; this adds them with libqpdf. */
#ifndef QUIRE_PDFFINISH_H
#define QUIRE_PDFFINISH_H

#include <stdbool.h>

#include "base/diag.h"

typedef struct pdffinish_label_range {
    int first_page;          /* 0-based index of the first page of the range */
    char style;              /* 'r' lower roman, 'D' decimal, 0 none */
    int start;               /* the number the first page shows */
} pdffinish_label_range;

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
    /* > 0: an XMP metadata stream on the catalog with dc:title, dc:creator, dc:language,
     * pdf:Producer and xmp:CreatorTool (as in the Info dictionary) and xmp:CreateDate/
     * ModifyDate from this time (seconds since 1970, e.g. SOURCE_DATE_EPOCH). */
    long long xmp_date;
    const char *xmp_title;           /* NULL: the Info /Title */
    const char *const *xmp_creators; /* n_xmp_creators authors */
    int n_xmp_creators;
} pdffinish_options;

/* Reads the PDF at in_path, adds /MarkInfo, a Document structure element, /Lang, /ViewerPreferences
 * << /DisplayDocTitle true >>, /PageLabels, TrimBox/BleedBox when bled, figure /Alt
 * texts, an XMP packet, a fixed /ID, and writes out_path (not atomically: the caller writes to a temporary path):
 * in_path's bytes with the edits appended as an incremental update (see pdfupdate.h), so only
 * the objects edited are parsed and written. Returns QUIRE_OK or QUIRE_EIO after a message. */
int pdffinish_apply(const char *in_path, const char *out_path, const pdffinish_options *opt, diag *d);

#endif
