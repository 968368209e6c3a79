/* Fuzz target: a PNG's bytes → the loader's check (image_png_check) and what the PDF
 * carries of it (image_pdf_plan, image_pdf_data): the chunk walk, the colour-key and
 * palette reading, the one decode and its split into colour and alpha. A WebP or GIF is
 * converted first (image_png_from: the GIF block walk, the palette, libpng's writer), and
 * what it gives must pass the check. */
#include "fuzz_common.h"
#include "base/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int w = 0, h = 0;
    unsigned char *converted = NULL;
    if (image_convertible(data, size)) {
        char *why = NULL;
        size_t n = 0;
        converted = image_png_from(data, size, &n, &why);
        if (!converted && (!why || !*why)) abort();
        free(why);
        if (!converted) return 0;
        char *bad = image_png_check(converted, n, &w, &h);
        if (bad) abort();
        data = converted, size = n;
    }
    char *bad = image_png_check(data, size, &w, &h);
    image_pdf p;
    if (image_pdf_plan(data, size, &p)) {
        if (p.width <= 0 || p.height <= 0 || (p.colors != 1 && p.colors != 3) || p.bits < 1 || p.bits > 16) abort();
        /* a plan of a PNG the loader accepts is always carried: the stand-in is drawn by then */
        bool filled = image_pdf_data(data, size, &p);
        if (!bad && (!filled || !p.color || (p.soft && !p.alpha) || p.width != w || p.height != h)) abort();
        image_pdf_release(&p);
    }
    free(bad);
    free(converted);
    return 0;
}
