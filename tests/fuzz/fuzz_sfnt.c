/* Fuzz target: a font file's bytes → fontset_check_bytes, the check the book's own fonts
 * get before fontconfig sees them: the sfnt table directory (and a collection's), each
 * table's place and checksum, then HarfBuzz's face, character map and subset. */
#include "fuzz_common.h"
#include "model/fontset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *why = fontset_check_bytes(data, size);
    /* a refusal says why, in words */
    if (why && !*why) abort();
    free(why);
    return 0;
}
