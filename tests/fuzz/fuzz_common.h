/* fuzz_common: what the fuzz targets share: a quiet diagnostics collector and a
 * scratch file the file-reading entry points (manifest_load, style_load) are given. */
#ifndef QUIRE_FUZZ_COMMON_H
#define QUIRE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "load/style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Messages go to /dev/null, so the fuzzer's own output stays readable; with
 * QUIRE_FUZZ_VERBOSE set they go to stderr (to see why an input was refused). */
static inline void fuzz_diag(diag *d) {
    static FILE *null_out;
    static int verbose = -1;
    if (verbose < 0) verbose = getenv("QUIRE_FUZZ_VERBOSE") != NULL;
    if (!null_out && !verbose) null_out = fopen("/dev/null", "w");
    diag_init(d);
    d->out = verbose || !null_out ? stderr : null_out;
    d->color = false;
}

/* One scratch file per process, rewritten for every input. `suffix` is the
 * file's extension (".yaml"); the readers take their name from it. */
static inline const char *fuzz_scratch_write(const char *suffix, const uint8_t *data, size_t size) {
    static char path[256];
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/quire-fuzz-%ld-input%s", tmp && *tmp ? tmp : "/tmp", (long)getpid(),
                 suffix);
    }
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return path;
}

static inline void fuzz_scratch_remove(const char *path) {
    if (path) unlink(path);
}

#endif
