/* The scaffold of `quire new`: its book.yaml passes the manifest reader, its
 * identifiers are fresh version-4 UUIDs, and the summary line has the documented shape. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli/cli.h"
#include "load/manifest.h"
#include "model/model.h"

static bool uuid_shape(const char *u) {
    if (strlen(u) != 36) return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-') return false;
        } else if (!isxdigit((unsigned char)u[i]) || isupper((unsigned char)u[i])) {
            return false;
        }
    }
    return u[14] == '4' && strchr("89ab", u[19]) != NULL;
}

static void test_uuid(void) {
    char a[37], b[37];
    OK(cli_uuid4(a), "reading /dev/urandom");
    OK(cli_uuid4(b), "reading /dev/urandom");
    OK(uuid_shape(a), "version 4 UUID: %s", a);
    OK(strcmp(a, b) != 0, "two UUIDs differ: %s", a);
}

static void test_manifest_loads(void) {
    char *yaml = cli_new_manifest("my-book", "My \"quoted\" book", "0b3c8a8e-2f4e-4c1a-9d6b-8f0e7a1b2c3d",
                                  "2024-02-29", "brochure");
    /* Every key is explained by a comment right above it. */
    static const char *const keys[] = {"name:", "title:", "authors:", "language:", "identifier:", "date:",
                                       "rights:", "description:", "keywords:", "style:", "chapters:",
                                       "# subtitle:", "# publisher:", "# cover:", "# cover-alt:", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *at = strstr(yaml, keys[i]);
        OK(at != NULL, "key %s present", keys[i]);
        if (!at) continue;
        const char *prev_line = at - 2;
        while (prev_line > yaml && prev_line[-1] != '\n') prev_line--;
        OK(at > yaml && prev_line[0] == '#', "a comment line above %s", keys[i]);
    }

    char path[] = "/tmp/quire-cli-test-XXXXXX";
    int fd = mkstemp(path);
    OK(fd >= 0, "temp file");
    if (fd < 0) return;
    OK(write(fd, yaml, strlen(yaml)) == (ssize_t)strlen(yaml), "write");
    close(fd);

    model_book *book = model_book_new();
    manifest m;
    diag d;
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    bool ok = manifest_load(book, path, "book.yaml", &m, &d);
    OK(ok, "scaffold manifest loads: %s", d.captured ? d.captured : "");
    INT_EQ(d.warnings, 0);
    if (ok) {
        STR_EQ(book->meta.name, "my-book");
        STR_EQ(book->meta.title, "My \"quoted\" book");
        STR_EQ(book->meta.language, "en");
        STR_EQ(book->meta.identifier, "urn:uuid:0b3c8a8e-2f4e-4c1a-9d6b-8f0e7a1b2c3d");
        STR_EQ(book->meta.date, "2024-02-29");
        STR_EQ(book->meta.rights, "© 2024 Your Name");
        STR_EQ(book->meta.style, "brochure");
        INT_EQ(m.n_chapters, 1);
        if (m.n_chapters == 1) STR_EQ(m.chapters[0].value, "chapters/01-introduction.md");
    }
    diag_free(&d);
    model_book_free(book);
    unlink(path);
    free(yaml);
}

static void test_chapter_text(void) {
    OK(strncmp(cli_new_chapter, "# ", 2) == 0, "starts with a heading");
    OK(strstr(cli_new_chapter, "\n- ") != NULL, "has a list");
    OK(strstr(cli_new_chapter, "[^") != NULL && strstr(cli_new_chapter, "\n[^") != NULL, "has a footnote");
}

static void test_summary(void) {
    cli_build_report r = {0};
    r.pdf_path = "out/a.pdf", r.epub_path = "out/a.epub";
    r.pdf_ok = r.epub_ok = true;
    r.pages = 6;
    r.t_total = 0.04;
    /* The files do not exist: sizes show as "?". */
    char *s = cli_summary(&r, false, false);
    STR_EQ(s, "out/a.pdf  6 pages  ? · out/a.epub  ? · 0.04 s");
    free(s);
    r.warnings = 2;
    s = cli_summary(&r, false, false);
    STR_EQ(s, "out/a.pdf  6 pages  ? · out/a.epub  ? · 0.04 s · 2 warnings");
    free(s);
    s = cli_summary(&r, true, false);
    OK(strstr(s, "\033[") != NULL, "colour when asked");
    free(s);
    r.pdf_ok = r.epub_ok = false;
    s = cli_summary(&r, false, true);
    STR_EQ(s, "");
    free(s);
}

int main(void) {
    test_uuid();
    test_manifest_loads();
    test_chapter_text();
    test_summary();
    return CHECK_DONE();
}
