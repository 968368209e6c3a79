/* pdffinish: the last step of the print writer. Cairo's PDF lacks a few things a
 * print shop and accessibility checkers expect; this adds them with libqpdf. */
#ifndef QUIRE_PDFFINISH_H
#define QUIRE_PDFFINISH_H

#include <stdbool.h>

#include "diag.h"

typedef struct pdffinish_label_range {
    int first_page;          /* 0-based index of the first page of the range */
    char style;              /* 'r' lower roman, 'D' decimal, 0 none */
    int start;               /* the number the first page shows */
} pdffinish_label_range;

typedef struct pdffinish_options {
    const char *language;            /* /Lang, BCP 47 */
    bool tagged;                     /* add /MarkInfo << /Marked true >> */
    const pdffinish_label_range *labels;  /* /PageLabels; n_labels ranges */
    int n_labels;
    double bleed;                    /* points; > 0: pages were drawn with the bleed around the trim box */
    double slug;                     /* points beyond the bleed on each side (crop marks): MediaBox =
                                      * trim + 2*(bleed+slug), BleedBox = MediaBox inset by slug,
                                      * TrimBox = MediaBox inset by slug+bleed */
    const char *id_seed;             /* deterministic /ID from this (e.g. title + SOURCE_DATE_EPOCH) */
} pdffinish_options;

/* Reads the PDF at in_path, adds /MarkInfo, /Lang, /ViewerPreferences
 * << /DisplayDocTitle true >>, /PageLabels, TrimBox/BleedBox when bled, a fixed /ID,
 * and writes out_path (not atomically: the caller writes to a temporary path).
 * Returns QUIRE_OK or QUIRE_EIO after a message. */
int pdffinish_apply(const char *in_path, const char *out_path, const pdffinish_options *opt, diag *d);

#endif
