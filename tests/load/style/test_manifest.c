/* Manifest tests: book.yaml fixtures into metadata and chapter lists, and every error with its position. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "load/manifest.h"

static char tmpdir[] = "/tmp/quire-manifest-XXXXXX";

static void capture(diag *d) {
    diag_init(d);
    d->out = NULL;
    d->capture = true;
}

static bool load(const char *path, model_book **book, manifest *m, diag *d) {
    *book = model_book_new();
    capture(d);
    return manifest_load(*book, path, "book.yaml", m, d);
}

static void test_full(void) {
    model_book *b;
    manifest m;
    diag d;
    bool ok = load(QUIRE_TEST_DIR "/load/style/fixtures/book-full.yaml", &b, &m, &d);
    OK(ok, "full manifest loads: %s", d.captured ? d.captured : "");
    INT_EQ(d.errors, 0);
    const model_meta *mt = &b->meta;
    STR_EQ(mt->name, "sample-book_1.0");
    STR_EQ(mt->title, "A Sample: Book");
    STR_EQ(mt->subtitle, "With a subtitle");
    INT_EQ(mt->n_authors, 2);
    if (mt->n_authors == 2) {
        STR_EQ(mt->authors[0], "Ada Lovelace");
        STR_EQ(mt->authors[1], "Charles Babbage");
    }
    STR_EQ(mt->publisher, "Example Press");
    STR_EQ(mt->language, "en-GB");
    STR_EQ(mt->identifier, "urn:isbn:9780306406157");
    STR_EQ(mt->date, "2024-02-29");
    STR_EQ(mt->rights, "© 2024 Example Press. CC BY 4.0.");
    STR_EQ(mt->description, "A short description over two lines.");
    STR_EQ(mt->keywords, "oncology, interventional radiology, cancer");
    STR_EQ(mt->style, "letter-2col");
    STR_EQ(mt->cover_alt, "The cover");
    OK(!mt->has_cover, "the cover image is resolved by the book loader, not here");
    STR_EQ(m.style.value, "letter-2col");
    INT_EQ(m.style.pos.line, 16);
    INT_EQ(m.style.pos.col, 8);
    STR_EQ(m.cover.value, "images/cover.png");
    INT_EQ(m.cover.pos.line, 17);
    INT_EQ(m.n_chapters, 2);
    if (m.n_chapters == 2) {
        STR_EQ(m.chapters[0].value, "chapters/01-intro.md");
        STR_EQ(m.chapters[1].value, "chapters/02-more.md");
        STR_EQ(m.chapters[1].pos.file, "book.yaml");
        INT_EQ(m.chapters[1].pos.line, 21);
        INT_EQ(m.chapters[1].pos.col, 5);
    }
    diag_free(&d);
    model_book_free(b);
}

static void test_minimal(void) {
    model_book *b;
    manifest m;
    diag d;
    bool ok = load(QUIRE_TEST_DIR "/load/style/fixtures/book-min.yaml", &b, &m, &d);
    OK(ok, "minimal manifest loads: %s", d.captured ? d.captured : "");
    STR_EQ(b->meta.identifier, "urn:uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff");
    INT_EQ(b->meta.n_authors, 1);
    if (b->meta.n_authors) STR_EQ(b->meta.authors[0], "Single Author");
    STR_EQ(b->meta.keywords, "just one");
    STR_EQ(b->meta.style, "brochure");      /* the default */
    OK(m.style.value == NULL, "style absent");
    OK(m.cover.value == NULL, "cover absent");
    OK(b->meta.subtitle == NULL && b->meta.date == NULL, "optional keys absent");
    INT_EQ(m.n_chapters, 1);
    diag_free(&d);
    model_book_free(b);
}

static const char *base =
    "name: b\ntitle: T\nlanguage: en\nidentifier: urn:uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff\nchapters: [a.md]\n";

/* Loads `yaml` and expects `n` errors, the first starting with `want` ("book.yaml:L:C: error: ..."). */
static void expect_errors(const char *yaml, int n, const char *want) {
    char *path = xasprintf("%s/book.yaml", tmpdir);
    if (file_write_atomic(path, yaml, strlen(yaml)) != 0) exit(2);
    model_book *b;
    manifest m;
    diag d;
    bool ok = load(path, &b, &m, &d);
    OK(!ok, "accepted:\n%s", yaml);
    const char *got = d.captured ? d.captured : "";
    OK(d.errors == n, "%d errors, want %d:\n%s", d.errors, n, got);
    OK(strncmp(got, want, strlen(want)) == 0, "for\n%s\ngot:  %s\nwant: %s", yaml, got, want);
    diag_free(&d);
    model_book_free(b);
    free(path);
}

static void expect_error(const char *yaml, const char *want) { expect_errors(yaml, 1, want); }

/* `base` with one line appended. */
static void expect_extra(const char *line, const char *want) {
    char *yaml = xasprintf("%s%s", base, line);
    expect_error(yaml, want);
    free(yaml);
}

static void accept(const char *yaml, const char *key_value_check) {
    char *path = xasprintf("%s/book.yaml", tmpdir);
    if (file_write_atomic(path, yaml, strlen(yaml)) != 0) exit(2);
    model_book *b;
    manifest m;
    diag d;
    bool ok = load(path, &b, &m, &d);
    OK(ok, "%s rejected: %s", key_value_check, d.captured ? d.captured : "");
    if (ok && strcmp(key_value_check, "isbn10") == 0) STR_EQ(b->meta.identifier, "urn:isbn:080442957X");
    if (ok && strcmp(key_value_check, "isbn13") == 0) STR_EQ(b->meta.identifier, "urn:isbn:9780306406157");
    if (ok && strcmp(key_value_check, "urn") == 0) STR_EQ(b->meta.identifier, "urn:example:io-2024");
    diag_free(&d);
    model_book_free(b);
    free(path);
}

/* YAML tags: the core schema's own types are read as the text is; any other tag asks for
 * a reading quire does not do (`!!binary` would decode base64) and is refused at its place. */
static void test_tags(void) {
    expect_error("name: b\ntitle: !!binary aGVsbG8=\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:2:8: error: YAML tag '!!binary' is not supported on a string");
    expect_error("name: b\ntitle: !mine T\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:2:8: error: YAML tag '!mine' is not supported on a string");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: !!set {a.md}\n",
                 "book.yaml:5:11: error: YAML tag '!!set' is not supported on a mapping");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: !!map [a.md]\n",
                 "book.yaml:5:11: error: YAML tag '!!map' is not supported on a list");
    accept("name: !!str b\ntitle: !!str T\nlanguage: en\nidentifier: urn:ab:c\nchapters: !!seq [a.md]\n", "core tags");

    char *path = xasprintf("%s/book.yaml", tmpdir);
    const char *yaml = "name: b\ntitle: T\nsubtitle: !!str null\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n";
    if (file_write_atomic(path, yaml, strlen(yaml)) != 0) exit(2);
    model_book *b;
    manifest m;
    diag d;
    OK(load(path, &b, &m, &d), "!!str null: %s", d.captured ? d.captured : "");
    STR_EQ(b->meta.subtitle, "null"); /* the word, not an absent subtitle */
    diag_free(&d);
    model_book_free(b);
    free(path);
}

static void test_identifiers(void) {
    accept("name: b\ntitle: T\nlanguage: en\nidentifier: 0-8044-2957-X\nchapters: [a.md]\n", "isbn10");
    accept("name: b\ntitle: T\nlanguage: en\nidentifier: ISBN 978-0-306-40615-7\nchapters: [a.md]\n", "isbn13");
    accept("name: b\ntitle: T\nlanguage: en\nidentifier: urn:example:io-2024\nchapters: [a.md]\n", "urn");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: 978-0-306-40615-8\nchapters: [a.md]\n",
                 "book.yaml:4:13: error: 'identifier' must be a URN (urn:…), a UUID or an ISBN");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:uuid:1234\nchapters: [a.md]\n",
                 "book.yaml:4:13: error: 'identifier' has a malformed UUID: '1234'");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: \"urn:x:\"\nchapters: [a.md]\n",
                 "book.yaml:4:13: error: 'identifier' is not a valid URN");
}

static void test_errors(void) {
    expect_error("title: [unclosed\n", "book.yaml:2:1: error: malformed YAML: while parsing a flow sequence");
    expect_error("- a\n- b\n", "book.yaml:1:1: error: the top level of book.yaml must be a mapping of keys (title: …), not a list");
    expect_error("", "book.yaml:1:1: error: the top level of book.yaml must be a mapping");
    expect_errors("title: T\nlanguage: en\n", 3, "book.yaml:1:1: error: missing required key 'name'");
    expect_extra("titel: x\n", "book.yaml:6:1: error: unknown key 'titel'; did you mean 'title'?");
    expect_extra("zzz: red\n", "book.yaml:6:1: error: unknown key 'zzz'");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: a.md\n",
                 "book.yaml:5:11: error: 'chapters' must be a list of file paths, not a string");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: []\n",
                 "book.yaml:5:11: error: 'chapters' is empty");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters:\n",
                 "book.yaml:5:10: error: 'chapters' is empty");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters:\n  - a.md\n  - [b.md]\n",
                 "book.yaml:7:5: error: each chapter must be a file path, not a list");
    expect_error("name: b\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters:\n  - a.md\n  - a.md\n",
                 "book.yaml:7:5: error: chapter 'a.md' is listed twice (first at line 6)");
    expect_extra("title: U\n", "book.yaml:6:1: error: duplicate key 'title' (first at line 2)");
    expect_errors("name: b\ntitle: &t T\nsubtitle: *t\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 2, "book.yaml:2:8: error: YAML anchors (&t) are not allowed\nbook.yaml:3:11: error: YAML aliases (*t) are not allowed");
    expect_error("name: b\ntitle: [T]\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:2:8: error: 'title' must be a string, not a list");
    expect_error("name: b\ntitle: \"\"\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:2:8: error: 'title' must not be empty");
    expect_error("name: .hidden\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:1:7: error: 'name' must use only letters");
    expect_error("name: my book\ntitle: T\nlanguage: en\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:1:7: error: 'name' must use only letters");
    expect_error("name: b\ntitle: T\nlanguage: english_uk\nidentifier: urn:ab:c\nchapters: [a.md]\n",
                 "book.yaml:3:11: error: 'language' must be a BCP 47 tag");
    expect_extra("date: 2023-02-29\n", "book.yaml:6:7: error: 'date' must be YYYY, YYYY-MM or YYYY-MM-DD");
    expect_extra("date: 2024-13\n", "book.yaml:6:7: error: 'date' must be YYYY");
    expect_extra("date: 24\n", "book.yaml:6:7: error: 'date' must be YYYY");
    expect_extra("authors: {name: x}\n", "book.yaml:6:10: error: 'authors' must be a string or a list of strings, not a mapping");
    expect_extra("authors: [A, [B]]\n", "book.yaml:6:14: error: each entry of 'authors' must be a string, not a list");
    expect_extra("style: ../evil\n", "book.yaml:6:8: error: 'style' must be the name of a file in styles/");
    expect_extra("keywords: {a: b}\n", "book.yaml:6:11: error: 'keywords' must be a string or a list of strings");
    expect_extra("---\nname: c\n", "book.yaml:6:1: error: only one YAML document is allowed");
    expect_error("name: b\ntitle: T\x80\n", "book.yaml:2:9: error: invalid UTF-8");
    {
        /* a NUL byte cannot be written through a C string literal: build it */
        char *path = xasprintf("%s/book.yaml", tmpdir);
        const char data[] = "name: b\ntitle: T\0x\n";
        if (file_write_atomic(path, data, sizeof data - 1) != 0) exit(2);
        model_book *b;
        manifest m;
        diag d;
        OK(!load(path, &b, &m, &d), "NUL accepted");
        OK(d.captured && strcmp(d.captured, "book.yaml:2:9: error: NUL byte in a text file") == 0, "%s",
           d.captured ? d.captured : "");
        diag_free(&d);
        model_book_free(b);
        free(path);
    }
    /* Several problems are reported in one run. */
    expect_errors("name: b\ntitel: T\nlanguage: xx_y\nidentifier: nope\nchapters: x.md\n", 5,
                  "book.yaml:2:1: error: unknown key 'titel'; did you mean 'title'?");
    /* A missing file. */
    model_book *b;
    manifest m;
    diag d;
    OK(!load("/nonexistent/quire/book.yaml", &b, &m, &d), "missing file");
    OK(d.captured && strncmp(d.captured, "book.yaml: error: cannot read the file", 38) == 0, "%s",
       d.captured ? d.captured : "");
    diag_free(&d);
    model_book_free(b);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_full();
    test_minimal();
    test_identifiers();
    test_tags();
    test_errors();
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    free(cmd);
    return CHECK_DONE();
}
