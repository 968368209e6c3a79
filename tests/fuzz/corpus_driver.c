/* The fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput once for every
 * file named on the command line or found in a folder named there (seed corpora
 * and saved crashes), so every input ever found stays a regression test.
 * A folder that does not exist is skipped; files whose names start with '.' too. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int run_file(const char *path) {
    char *data = NULL;
    size_t len = 0;
    if (file_read(path, (size_t)64 << 20, &data, &len) != 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    printf("%s (%zu bytes)\n", path, len);
    fflush(stdout);
    /* a private copy of exactly len bytes, so reads past the end are caught under ASan */
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    free(data);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    return 0;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int *count) {
    DIR *dp = opendir(dir);
    if (!dp) return errno == ENOENT ? 0 : -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dp);
    if (n) qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = path_join(dir, names[i]);
        if (path_is_file(p)) {
            if (run_file(p) != 0) rc = -1;
            else (*count)++;
        }
        free(p);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv) {
    int count = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            if (errno == ENOENT) continue;
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) != 0) rc = 1;
        } else if (run_file(argv[i]) == 0) {
            count++;
        } else {
            rc = 1;
        }
    }
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        rc = 1;
    }
    printf("%d inputs run, %s\n", count, rc ? "with errors" : "no crash");
    return rc;
}
