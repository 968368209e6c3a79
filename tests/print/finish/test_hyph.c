/* test_hyph: sample words and sentences in, checks on where soft hyphens land. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "check.h"
#include "print/hyph.h"

#define SHY "\xC2\xAD"

static char *run(const hyph *h, const char *s)
{
    return hyph_insert_soft(h, s, strlen(s), NULL);
}

/* Hyphenates `in` and compares with `want`; frees the result. */
static void expect(const hyph *h, const char *in, const char *want)
{
    char *got = run(h, in);
    STR_EQ(got, want);
    free(got);
}

/* Copies the system's en_US patterns into `dir` under another name. */
static void copy_dic(const char *dir, const char *name)
{
    char *data;
    size_t len;
    OK(file_read("/usr/share/hyphen/hyph_en_US.dic", 64u << 20, &data, &len) == 0, "read en_US");
    char *path = path_join(dir, name);
    OK(file_write_atomic(path, data, len) == 0, "write %s", path);
    free(path);
    free(data);
}

static void test_loading(void)
{
    hyph *h = hyph_load("en");
    OK(h != NULL, "en loads");
    hyph_free(h);
    OK((h = hyph_load("EN-us")) != NULL, "case-insensitive");
    hyph_free(h);
    OK((h = hyph_load("en_US")) != NULL, "underscore");
    hyph_free(h);
    OK((h = hyph_load("en-GB")) != NULL, "en-GB falls back to the installed English");
    hyph_free(h);
    OK(hyph_load("xx") == NULL, "no patterns for xx");
    OK(hyph_load("") == NULL, "empty tag");
    OK(hyph_load(NULL) == NULL, "NULL tag");
    OK(hyph_load("e") == NULL, "bad tag");

    /* A folder with only en_GB and de_AT: the region wins, a bare language finds any region. */
    char tmpl[] = "/tmp/quire-hyph-XXXXXX";
    char *dir = mkdtemp(tmpl);
    OK(dir != NULL, "mkdtemp");
    copy_dic(dir, "hyph_en_GB.dic");
    copy_dic(dir, "hyph_de_AT.dic");
    OK((h = hyph_load_from(dir, "en-gb")) != NULL, "en-GB from folder");
    hyph_free(h);
    OK((h = hyph_load_from(dir, "en")) != NULL, "en finds en_GB when en_US is absent");
    hyph_free(h);
    OK((h = hyph_load_from(dir, "de")) != NULL, "de finds de_AT when de_DE is absent");
    hyph_free(h);
    OK(hyph_load_from(dir, "fr") == NULL, "fr absent");
    char *p = path_join(dir, "hyph_en_GB.dic");
    unlink(p);
    free(p);
    p = path_join(dir, "hyph_de_AT.dic");
    unlink(p);
    free(p);
    rmdir(dir);
}

static char *read_source(const char *rel)
{
    char *path = xasprintf("%s/%s", QUIRE_SOURCE_DIR, rel);
    char *data = NULL;
    size_t len = 0;
    OK(file_read(path, 1u << 20, &data, &len) == 0, "read %s", path);
    free(path);
    return data;
}

/* A dictionary cut down to a text's words breaks that text, and any other, where all
 * the patterns (the oracle: libhyphen with the whole file) break it. */
static void test_cut_to_words(void)
{
    char tmpl[] = "/tmp/quire-hyph-XXXXXX";
    char *dir = mkdtemp(tmpl);
    OK(dir != NULL, "mkdtemp");
    copy_dic(dir, "hyph_en_US.dic");
    setenv("QUIRE_HYPHEN_DIR", dir, 1); /* a folder the process cache does not hold yet */
    char *speed = read_source("tests/load/sources/excerpts/eng-practices/review/reviewer/speed.md");
    char *make = read_source("tests/load/sources/excerpts/learnxinyminutes/make.md");
    hyph_words *w = hyph_words_new();
    OK(hyph_words_add(w, speed, strlen(speed)), "a chapter's words are few enough");
    hyph *cut = hyph_load_for("en-US", w);
    hyph *all = hyph_load_from(dir, "en-US");
    OK(cut && all, "both load");
    const char *texts[] = {speed, make, "Hyphenation makes justified typography considerably more even."};
    for (size_t i = 0; cut && all && i < sizeof texts / sizeof texts[0]; i++) {
        char *a = run(cut, texts[i]), *b = run(all, texts[i]);
        OK(strlen(b) > strlen(texts[i]), "text %zu is hyphenated", i);
        STR_EQ(a, b);
        free(a);
        free(b);
    }
    hyph_free(cut);
    hyph_free(all);

    /* Too many words: all the patterns, as hyph_load. */
    w = hyph_words_new();
    bool more = true;
    for (int i = 0; i < 5000 && more; i++) {
        char word[32];
        snprintf(word, sizeof word, "word%c%c%cqz", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676 % 26);
        more = hyph_words_add(w, word, strlen(word));
    }
    OK(!more, "5,000 distinct words are too many");
    cut = hyph_load_for("en-US", w);
    OK(cut != NULL, "loads all the patterns");
    expect(cut, "hyphenation", "hy" SHY "phen" SHY "ation");
    hyph_free(cut);
    OK(hyph_load_for("xx", hyph_words_new()) == NULL, "no patterns for xx");

    unsetenv("QUIRE_HYPHEN_DIR");
    free(speed);
    free(make);
    char *p = path_join(dir, "hyph_en_US.dic");
    unlink(p);
    free(p);
    rmdir(dir);
}

int main(void)
{
    test_loading();
    test_cut_to_words();
    hyph *h = hyph_load("en-US");
    OK(h != NULL, "en-US patterns installed");
    if (!h)
        return CHECK_DONE();

    /* libhyphen's en_US points: hy-phen-ation (2 before, 3 after at least). */
    expect(h, "hyphenation", "hy" SHY "phen" SHY "ation");
    expect(h, "Hyphenation", "Hy" SHY "phen" SHY "ation");   /* case kept, lookup lowercased */
    expect(h, "HYPHENATION", "HY" SHY "PHEN" SHY "ATION");
    expect(h, "typography", "ty" SHY "pog" SHY "ra" SHY "phy");
    expect(h, "publishing", "pub" SHY "lish" SHY "ing");

    /* Short words, digits, URLs, e-mail, existing hyphens are left alone. */
    expect(h, "the cat sat", "the cat sat");
    expect(h, "into", "into");
    expect(h, "table", "ta" SHY "ble");   /* five letters: 2 + 3 */
    expect(h, "mp3hyphenation", "mp3hyphenation");
    expect(h, "see https://example.org/hyphenation now",
           "see https://example.org/hyphenation now");
    expect(h, "www.hyphenation.org", "www.hyphenation.org");
    expect(h, "mail typography@example.com", "mail typography@example.com");
    expect(h, "well-typography", "well-typography");
    expect(h, "hy" SHY "phenation", "hy" SHY "phenation");

    /* Punctuation around a word and whitespace are kept byte for byte. */
    expect(h, "  (hyphenation),\n\t\"typography\"!",
           "  (hy" SHY "phen" SHY "ation),\n\t\"ty" SHY "pog" SHY "ra" SHY "phy\"!");
    expect(h, "", "");

    /* Non-ASCII letters are part of words, and soft hyphens never split a character. */
    char *u = run(h, "Überraschung naïveté Ελληνικά слово");
    OK(u && utf8_find_invalid(u, strlen(u)) < 0, "valid UTF-8 out: %s", u ? u : "(null)");
    OK(u && strstr(u, "Über" SHY "raschung") != NULL, "Über-raschung: %s", u ? u : "");
    /* Removing the soft hyphens gives back the input. */
    if (u) {
        char *r = u, *w = u;
        while (*r) {
            if (strncmp(r, SHY, 2) == 0)
                r += 2;
            else
                *w++ = *r++;
        }
        *w = 0;
        STR_EQ(u, "Überraschung naïveté Ελληνικά слово");
    }
    free(u);

    /* Idempotent: a second pass adds nothing. */
    const char *para = "Hyphenation makes justified typography considerably more even.";
    size_t n1, n2;
    char *once = hyph_insert_soft(h, para, strlen(para), &n1);
    char *twice = hyph_insert_soft(h, once, n1, &n2);
    INT_EQ(n2, n1);
    STR_EQ(twice, once);
    OK(strlen(once) == n1, "out_len matches");
    OK(n1 > strlen(para), "something was hyphenated");
    free(once);
    free(twice);

    /* Invalid UTF-8 passes through unchanged and does not derail the rest. */
    expect(h, "\xFF\xFEhyphenation", "\xFF\xFEhy" SHY "phen" SHY "ation");
    expect(h, "\xFF hyphenation", "\xFF hy" SHY "phen" SHY "ation");

    /* No patterns: the text comes back as is. */
    expect(NULL, "hyphenation", "hyphenation");

    hyph_free(h);
    hyph_free(NULL);
    return CHECK_DONE();
}
