/* hyph: UTF-8 text in, the same text with U+00AD at libhyphen's break points out. */
#include "print/hyph.h"

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <hyphen.h>

#include "base/util.h"

#ifndef QUIRE_HYPHEN_DIR
#define QUIRE_HYPHEN_DIR "/usr/share/hyphen"
#endif

/* Longer letter runs are not words (or not worth breaking); skipping them keeps
 * every per-word buffer on the stack. */
#define HYPH_MAX_LETTERS 64
#define HYPH_MIN_LETTERS 5

struct hyph {
    HyphenDict *dict;
    int lhmin, rhmin;
    bool latin1;   /* dictionary in ISO 8859-1 rather than UTF-8 */
    bool shared;   /* from hyph_load: held by the process cache, freed at exit */
    int refs;      /* hyph_load results not yet released (under cache.mu) */
    /* hyph_load_for: `dict` holds only the patterns these words read; any other word
     * is hyphenated with all of the language's patterns, loaded at the first one. */
    hyph_words *words;
    struct all_patterns *all;
};

struct hyph_words {
    GHashTable *set;   /* lookup forms (lowercased UTF-8), owned */
    bool too_many;
};

struct all_patterns {
    pthread_mutex_t mu;
    char *language;
    hyph *h;           /* NULL until needed */
    bool tried;
};

/* ---- loading ---------------------------------------------------------- */

/* The region a bare language most often means in Debian's hyphen-* packages. */
static const char *const default_region[][2] = {
    {"af", "ZA"}, {"be", "BY"}, {"bg", "BG"}, {"ca", "ES"}, {"cs", "CZ"}, {"da", "DK"},
    {"de", "DE"}, {"el", "GR"}, {"en", "US"}, {"es", "ES"}, {"et", "EE"}, {"fi", "FI"},
    {"fr", "FR"}, {"ga", "IE"}, {"gl", "ES"}, {"hr", "HR"}, {"hu", "HU"}, {"id", "ID"},
    {"is", "IS"}, {"it", "IT"}, {"lt", "LT"}, {"lv", "LV"}, {"nb", "NO"}, {"nl", "NL"},
    {"nn", "NO"}, {"pl", "PL"}, {"pt", "PT"}, {"ro", "RO"}, {"ru", "RU"}, {"sk", "SK"},
    {"sl", "SI"}, {"sq", "AL"}, {"sr", "RS"}, {"sv", "SE"}, {"uk", "UA"}, {"zu", "ZA"},
};

/* Reads a pattern file (hnj_hyphen_load, or a cut-down load for hyph_load_for). */
typedef struct dic_loader {
    HyphenDict *(*load)(const char *path, void *ctx);
    void *ctx;
} dic_loader;

static HyphenDict *load_whole(const char *path, void *ctx)
{
    (void)ctx;
    return hnj_hyphen_load(path);
}

static HyphenDict *try_load(const char *dir, const char *name, const dic_loader *ld)
{
    char *file = xasprintf("hyph_%s.dic", name);
    char *path = path_join(dir, file);
    free(file);
    HyphenDict *d = NULL;
    if (path_is_file(path))
        d = ld->load(path, ld->ctx);
    free(path);
    return d;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Any hyph_<lang>_*.dic, the alphabetically first, so the choice never depends on
 * directory order. */
static HyphenDict *try_any_region(const char *dir, const char *lang, const dic_loader *ld)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    char *prefix = xasprintf("hyph_%s_", lang);
    size_t plen = strlen(prefix);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len > plen + 4 && strncmp(e->d_name, prefix, plen) == 0 &&
            strcmp(e->d_name + len - 4, ".dic") == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                names = xrealloc(names, cap * sizeof *names);
            }
            names[n++] = xstrndup(e->d_name + 5, len - 9);
        }
    }
    closedir(dp);
    free(prefix);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    HyphenDict *d = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!d)
            d = try_load(dir, names[i], ld);
        free(names[i]);
    }
    free(names);
    return d;
}

static hyph *load_from(const char *dir, const char *language, const dic_loader *ld)
{
    if (!dir || !language || !*language)
        return NULL;
    /* Split the tag: language (2–3 letters), then an optional script (4 letters)
     * and region (2 letters or 3 digits); variants and extensions are ignored. */
    char lang[4] = "", script[5] = "", region[4] = "";
    const char *p = language;
    int part = 0;
    while (*p) {
        size_t len = strcspn(p, "-_");
        if (part == 0) {
            if (len < 2 || len > 3)
                return NULL;
            for (size_t i = 0; i < len; i++) {
                if (!isalpha((unsigned char)p[i]))
                    return NULL;
                lang[i] = (char)tolower((unsigned char)p[i]);
            }
            lang[len] = 0;
        } else if (len == 4 && !*script && !*region) {
            for (size_t i = 0; i < len; i++)
                script[i] = (char)(i ? tolower((unsigned char)p[i]) : toupper((unsigned char)p[i]));
            script[4] = 0;
        } else if ((len == 2 || len == 3) && !*region) {
            for (size_t i = 0; i < len; i++)
                region[i] = (char)toupper((unsigned char)p[i]);
            region[len] = 0;
        } else {
            break;
        }
        part++;
        p += len;
        if (*p)
            p++;
    }

    HyphenDict *d = NULL;
    char *name;
    if (*region && *script) {
        name = xasprintf("%s_%s_%s", lang, script, region);
        d = try_load(dir, name, ld);
        free(name);
    }
    if (!d && *region) {
        name = xasprintf("%s_%s", lang, region);
        d = try_load(dir, name, ld);
        free(name);
    }
    for (size_t i = 0; !d && i < sizeof default_region / sizeof default_region[0]; i++) {
        if (strcmp(default_region[i][0], lang) == 0) {
            name = xasprintf("%s_%s", lang, default_region[i][1]);
            d = try_load(dir, name, ld);
            free(name);
        }
    }
    if (!d)
        d = try_load(dir, lang, ld);
    if (!d)
        d = try_any_region(dir, lang, ld);
    if (!d)
        return NULL;

    hyph *h = xcalloc(1, sizeof *h);
    h->dict = d;
    /* The header promises at least 2 letters before and 3 after a break; a
     * dictionary may ask for more. */
    h->lhmin = d->lhmin > 2 ? d->lhmin : 2;
    h->rhmin = d->rhmin > 3 ? d->rhmin : 3;
    /* Other 8-bit charsets: only ASCII words can be looked up safely. */
    h->latin1 = !d->utf8 && (g_ascii_strncasecmp(d->cset, "ISO8859-1", 9) == 0 ||
                             g_ascii_strncasecmp(d->cset, "ISO-8859-1", 10) == 0);
    return h;
}

hyph *hyph_load_from(const char *dir, const char *language)
{
    dic_loader whole = {load_whole, NULL};
    return load_from(dir, language, &whole);
}

/* ---- the process cache ------------------------------------------------- */

/* hnj_hyphen_load parses the whole pattern file (for en_US about as long as laying
 * out a few pages), so hyph_load keeps one language's patterns for the process
 * (quire watch, several books in one run). One slot: a book has one language. The
 * dictionary is only read after loading, so threads can share it. */
static struct {
    pthread_mutex_t mu;
    char *dir, *lang;     /* key of the slot; NULL when empty */
    hyph *h;              /* the patterns (NULL: none installed) */
    bool exit_hook;
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void real_free(hyph *h)
{
    if (!h)
        return;
    hnj_hyphen_free(h->dict);
    hyph_words_free(h->words);
    if (h->all) {
        hyph_free(h->all->h);
        pthread_mutex_destroy(&h->all->mu);
        free(h->all->language);
        free(h->all);
    }
    free(h);
}

/* Empties the slot; the caller holds the lock. */
static void cache_clear(void)
{
    if (cache.h && cache.h->refs > 0)
        cache.h->shared = false;   /* still in use: the last hyph_free frees it */
    else
        real_free(cache.h);
    cache.h = NULL;
    free(cache.dir);
    free(cache.lang);
    cache.dir = cache.lang = NULL;
}

/* A prefetch in flight (under prefetch.mu); hyph_load and the exit hook join it. */
static struct {
    pthread_mutex_t mu;
    pthread_t tid;
    bool running;
} prefetch = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void prefetch_join(void)
{
    pthread_mutex_lock(&prefetch.mu);
    if (prefetch.running) {
        pthread_join(prefetch.tid, NULL);
        prefetch.running = false;
    }
    pthread_mutex_unlock(&prefetch.mu);
}

static void cache_at_exit(void)
{
    prefetch_join();
    pthread_mutex_lock(&cache.mu);
    cache_clear();
    pthread_mutex_unlock(&cache.mu);
}

static hyph *load_cached(const char *language);

static void *prefetch_main(void *arg)
{
    char *language = arg;
    hyph_free(load_cached(language));   /* the cache keeps them */
    free(language);
    return NULL;
}

void hyph_prefetch(const char *language)
{
    if (!language || !*language)
        return;
    pthread_mutex_lock(&prefetch.mu);
    if (!prefetch.running) {
        char *copy = xstrdup(language);
        prefetch.running = pthread_create(&prefetch.tid, NULL, prefetch_main, copy) == 0;
        if (!prefetch.running)
            free(copy);   /* no thread: hyph_load loads them when asked */
    }
    pthread_mutex_unlock(&prefetch.mu);
    /* The exit hook joins a prefetch still running when the process ends early. */
    pthread_mutex_lock(&cache.mu);
    if (!cache.exit_hook)
        cache.exit_hook = atexit(cache_at_exit) == 0;
    pthread_mutex_unlock(&cache.mu);
}

hyph *hyph_load(const char *language)
{
    prefetch_join();
    return load_cached(language);
}

const char *hyph_dir(void)
{
    const char *dir = getenv("QUIRE_HYPHEN_DIR");
    return dir && *dir ? dir : QUIRE_HYPHEN_DIR;
}

static hyph *load_cached(const char *language)
{
    if (!language || !*language)
        return NULL;
    const char *dir = hyph_dir();
    pthread_mutex_lock(&cache.mu);
    if (!cache.lang || strcmp(cache.lang, language) != 0 || strcmp(cache.dir, dir) != 0) {
        cache_clear();
        if (!cache.exit_hook)
            cache.exit_hook = atexit(cache_at_exit) == 0;
        cache.dir = xstrdup(dir);
        cache.lang = xstrdup(language);
        cache.h = hyph_load_from(dir, language);
        if (cache.h)
            cache.h->shared = true;
    }
    hyph *h = cache.h;
    if (h) {
        h->shared = true;
        h->refs++;
    }
    pthread_mutex_unlock(&cache.mu);
    return h;
}

void hyph_free(hyph *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&cache.mu);
    bool last = h->refs > 0 && --h->refs == 0;
    bool keep = h->shared || (!last && h->refs > 0);
    pthread_mutex_unlock(&cache.mu);
    if (!keep)
        real_free(h);
}

/* ---- inserting -------------------------------------------------------- */

/* Decodes one UTF-8 sequence; an invalid byte comes back as U+FFFD of length 1. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
    uint32_t c = s[0];
    size_t need;
    if (c < 0x80) {
        *len = 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        c &= 0x07;
    } else {
        *len = 1;
        return 0xFFFD;
    }
    if (need >= n) {
        *len = 1;
        return 0xFFFD;
    }
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Overlong, surrogate or out of range. */
    if ((need == 2 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
        (need == 3 && (c < 0x10000 || c > 0x10FFFF))) {
        *len = 1;
        return 0xFFFD;
    }
    *len = need + 1;
    return c;
}

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           g_unichar_isspace(c) || c == 0x200B;
}

static bool is_hyphen(uint32_t c)
{
    return c == '-' || c == 0x00AD || c == 0x2010 || c == 0x2011;
}

/* Part of a word: letters, and combining marks that belong to the letter before. */
static bool is_word_char(uint32_t c)
{
    return g_unichar_isalpha(c) || g_unichar_ismark(c);
}

/* A whitespace-delimited token is left alone when it holds a digit, a hyphen,
 * or looks like an address (scheme, www., e-mail, domain or path). */
static bool token_is_protected(const unsigned char *s, size_t n)
{
    if (n >= 4 && g_ascii_strncasecmp((const char *)s, "www.", 4) == 0)
        return true;
    uint32_t prev = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t c = decode(s + i, n - i, &len);
        if (g_unichar_isdigit(c) || is_hyphen(c) || c == '@')
            return true;
        if (c == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
            return true;
        /* "example.com", "and/or", "a\b": separators with letters right after. */
        if ((c == '.' || c == '/' || c == '\\') && g_unichar_isalpha(prev) && i + len < n) {
            size_t l2;
            if (g_unichar_isalpha(decode(s + i + len, n - i - len, &l2)))
                return true;
        }
        prev = c;
        i += len;
    }
    return false;
}

/* The patterns to hyphenate `word` (its lookup form) with: a cut-down dictionary serves
 * only the words it was cut for. NULL when the full patterns cannot be loaded. */
static HyphenDict *dict_for(const hyph *h, const char *word)
{
    if (!h->words || g_hash_table_contains(h->words->set, word))
        return h->dict;
    struct all_patterns *all = h->all;
    pthread_mutex_lock(&all->mu);
    if (!all->tried) {
        all->h = hyph_load(all->language);
        all->tried = true;
    }
    pthread_mutex_unlock(&all->mu);
    return all->h ? all->h->dict : NULL;
}

/* Where the letter run that starts at byte j of [s, s+n) ends, with its length in
 * characters in *nchars; a character that starts no run (not a letter, or a combining
 * mark, which may not begin one) is a run of its own with *nchars 0. Shared by the
 * hyphenation and by the words a cut-down dictionary must cover, so both see the
 * same runs. */
static size_t letter_run_end(const unsigned char *s, size_t n, size_t j, size_t *nchars)
{
    size_t l, count = 0;
    while (j < n) {
        uint32_t c = decode(s + j, n - j, &l);
        if (!is_word_char(c) || (count == 0 && g_unichar_ismark(c)))
            break;
        count++;
        j += l;
    }
    *nchars = count;
    if (count == 0 && j < n) {
        decode(s + j, n - j, &l);
        j += l;
    }
    return j;
}

/* Hyphenates one letter run [s, s+n) holding `nchars` characters and appends it
 * to `out` with soft hyphens. */
static void hyphenate_word(const hyph *h, const unsigned char *s, size_t n, size_t nchars, buf *out)
{
    /* Lowercased lookup form: up to 4 bytes per character in UTF-8. */
    char word[HYPH_MAX_LETTERS * 4 + 1];
    char hyphens[HYPH_MAX_LETTERS * 4 + 5];
    size_t offset[HYPH_MAX_LETTERS + 1];   /* byte offset of each character in s */
    bool mark[HYPH_MAX_LETTERS];
    size_t wlen = 0, k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t len;
        uint32_t c = decode(s + i, n - i, &len);
        offset[k] = i;
        mark[k] = g_unichar_ismark(c);
        uint32_t lc = g_unichar_tolower(c);
        if (h->dict->utf8) {
            wlen += (size_t)g_unichar_to_utf8(lc, word + wlen);
        } else if (lc < 0x80 || (h->latin1 && lc < 0x100)) {
            word[wlen++] = (char)lc;
        } else {
            buf_put(out, s, n);   /* not expressible in the dictionary's charset */
            return;
        }
        i += len;
    }
    offset[k] = n;
    word[wlen] = '\0'; /* libhyphen runs strstr over the word */

    HyphenDict *dict = dict_for(h, word);
    if (!dict) {
        buf_put(out, s, n);
        return;
    }
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    memset(hyphens, 0, sizeof hyphens);
    int rc = hnj_hyphen_hyphenate2(dict, word, (int)wlen, hyphens, NULL, &rep, &pos, &cut);

    size_t from = 0;
    if (rc == 0) {
        /* For UTF-8 dictionaries hyphenate2 renumbers `hyphens` by character, so
         * hyphens[k] odd means a break after character k in both cases. */
        for (size_t j = (size_t)h->lhmin - 1; j + (size_t)h->rhmin < nchars; j++) {
            if (!(hyphens[j] & 1))
                continue;
            /* A non-standard break changes the spelling; a soft hyphen cannot. */
            if (rep && rep[j])
                continue;
            if (mark[j + 1])
                continue;
            buf_put(out, s + from, offset[j + 1] - from);
            buf_put(out, "\xC2\xAD", 2);
            from = offset[j + 1];
        }
    }
    buf_put(out, s + from, n - from);

    if (rep) {
        for (size_t j = 0; j < wlen; j++)
            free(rep[j]);
        free(rep);
    }
    free(pos);
    free(cut);
}

char *hyph_insert_soft(const hyph *h, const char *text, size_t len, size_t *out_len)
{
    buf out;
    buf_init(&out);
    buf_reserve(&out, len + len / 8 + 1);
    buf_put(&out, "", 0);   /* terminates the buffer even for empty input */
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* Copy whitespace through. */
        size_t start = i;
        while (i < len) {
            size_t l;
            uint32_t c = decode(s + i, len - i, &l);
            if (!is_space(c))
                break;
            i += l;
        }
        buf_put(&out, s + start, i - start);
        if (i >= len)
            break;

        /* One token, up to the next whitespace. */
        size_t tok = i;
        while (i < len) {
            size_t l;
            uint32_t c = decode(s + i, len - i, &l);
            if (is_space(c))
                break;
            i += l;
        }
        if (!h || token_is_protected(s + tok, i - tok)) {
            buf_put(&out, s + tok, i - tok);
            continue;
        }

        /* Within the token, hyphenate each run of letters. */
        size_t j = tok;
        while (j < i) {
            size_t run = j, nchars;
            j = letter_run_end(s, i, j, &nchars);
            if (nchars >= HYPH_MIN_LETTERS && nchars <= HYPH_MAX_LETTERS)
                hyphenate_word(h, s + run, j - run, nchars, &out);
            else
                buf_put(&out, s + run, j - run);
        }
    }
    return buf_detach(&out, out_len);
}

/* ---- patterns for the words of one book --------------------------------- */

/* A small book's words: above this many the cut-down load saves little. */
#define HYPH_WORDS_MAX 4000
/* Longer lines are not patterns libhyphen reads whole (its line buffer). */
#define HYPH_LINE_MAX 90

hyph_words *hyph_words_new(void)
{
    hyph_words *w = xcalloc(1, sizeof *w);
    w->set = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    return w;
}

void hyph_words_free(hyph_words *w)
{
    if (!w)
        return;
    g_hash_table_destroy(w->set);
    free(w);
}

/* The lookup form of a letter run as hyphenate_word makes it for a UTF-8 dictionary. */
static void add_run(hyph_words *w, const unsigned char *s, size_t n)
{
    char word[HYPH_MAX_LETTERS * 4 + 1];
    size_t wlen = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t c = decode(s + i, n - i, &len);
        wlen += (size_t)g_unichar_to_utf8(g_unichar_tolower(c), word + wlen);
        i += len;
    }
    word[wlen] = '\0';
    if (!g_hash_table_contains(w->set, word))
        g_hash_table_add(w->set, xstrdup(word));
}

/* The letter runs of one token, as hyph_insert_soft splits it. */
static void add_token(hyph_words *w, const unsigned char *s, size_t n)
{
    if (token_is_protected(s, n))
        return;
    for (size_t j = 0; j < n;) {
        size_t run = j, nchars;
        j = letter_run_end(s, n, j, &nchars);
        if (nchars >= HYPH_MIN_LETTERS && nchars <= HYPH_MAX_LETTERS)
            add_run(w, s + run, j - run);
    }
}

bool hyph_words_add(hyph_words *w, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len && !w->too_many;) {
        size_t l;
        if (is_space(decode(s + i, len - i, &l))) {
            i += l;
            continue;
        }
        size_t tok = i;
        while (i < len && !is_space(decode(s + i, len - i, &l)))
            i += l;
        add_token(w, s + tok, i - tok);
        w->too_many = g_hash_table_size(w->set) > HYPH_WORDS_MAX;
    }
    return !w->too_many;
}

/* Every suffix of the words as libhyphen sees them (".word."), sorted: the longest
 * prefix of a pattern found in any word is a binary search away. */
typedef struct word_index {
    buf text;            /* ".word.\n" for each word */
    const char **suffix;
    size_t n;
    size_t first[257];   /* the suffixes starting with byte c: [first[c], first[c + 1]) */
} word_index;

static int cmp_suffix(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void index_build(word_index *ix, const hyph_words *w)
{
    buf_init(&ix->text);
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, w->set);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        buf_putc(&ix->text, '.');
        buf_puts(&ix->text, key);
        buf_puts(&ix->text, ".\n");
    }
    ix->suffix = xmalloc((ix->text.len ? ix->text.len : 1) * sizeof *ix->suffix);
    ix->n = 0;
    for (size_t i = 0; i < ix->text.len; i++)
        if (ix->text.data[i] != '\n')
            ix->suffix[ix->n++] = ix->text.data + i;
    qsort(ix->suffix, ix->n, sizeof *ix->suffix, cmp_suffix);
    size_t k = 0;
    for (int c = 0; c <= 256; c++) {
        while (k < ix->n && (unsigned char)ix->suffix[k][0] < c)
            k++;
        ix->first[c] = k;
    }
}

static void index_free(word_index *ix)
{
    buf_free(&ix->text);
    free(ix->suffix);
}

static size_t common_prefix(const char *a, const char *p, size_t n)
{
    size_t k = 0;
    while (k < n && a[k] == p[k])
        k++;
    return k;
}

/* Whether suffix a sorts before p[0..n) (compared on n bytes at most). */
static bool before(const char *a, const char *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (a[k] != p[k])
            return (unsigned char)a[k] < (unsigned char)p[k];
    return false;
}

/* How long a prefix of p[0..n) (n > 0) appears somewhere in the words. */
static size_t index_longest(const word_index *ix, const char *p, size_t n)
{
    unsigned char c = (unsigned char)p[0];
    size_t lo = ix->first[c], hi = ix->first[c + 1];
    if (lo == hi)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (before(ix->suffix[mid], p, n))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t best = lo < ix->n ? common_prefix(ix->suffix[lo], p, n) : 0;
    if (lo > 0) {
        size_t k = common_prefix(ix->suffix[lo - 1], p, n);
        if (k > best)
            best = k;
    }
    return best;
}

static bool starts_with(const char *line, const char *word)
{
    return strncmp(line, word, strlen(word)) == 0;
}

/* A line libhyphen reads as a setting (patterns are lowercase). */
static bool is_keyword(const char *line)
{
    return line[0] >= 'A' && line[0] <= 'Z' &&
           (starts_with(line, "LEFTHYPHENMIN") || starts_with(line, "RIGHTHYPHENMIN") ||
            starts_with(line, "COMPOUND") || starts_with(line, "NOHYPHEN"));
}

/* The bytes libhyphen makes a state of: the line up to a '/' or a space, digits left out. */
static size_t pattern_letters(const char *line, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && line[i] != '/' && (unsigned char)line[i] > ' '; i++)
        if (line[i] < '0' || line[i] > '9')
            out[k++] = line[i];
    return k;
}

/* Which part of a pattern line hyphenating only the indexed words can tell is there.
 * libhyphen reads a word through the longest suffix read so far that begins some
 * pattern (its state) and applies that state's pattern alone; so a word is hyphenated
 * the same with the patterns found whole in some word, and for each other one the
 * longest prefix of it found in a word as a state of its own: a line of those letters
 * and no digits (`prefixes`, once each, in file order), whose empty pattern changes
 * nothing; left out where a kept pattern has the same letters (`whole`), as libhyphen
 * would lose the string it replaces. */
static bool pattern_needed(const word_index *ix, GHashTable *whole, GHashTable *prefixes, buf *states,
                           const char *line, size_t n)
{
    char letters[HYPH_LINE_MAX];
    size_t k = pattern_letters(line, n, letters);
    letters[k] = '\0';
    size_t found = k ? index_longest(ix, letters, k) : 0;
    if (k == 0 || found == k) {
        if (k && !g_hash_table_contains(whole, letters))
            g_hash_table_add(whole, xstrdup(letters));
        return true;
    }
    if (found == 0)
        return false;
    letters[found] = '\0';
    if (!g_hash_table_contains(prefixes, letters)) {
        g_hash_table_add(prefixes, xstrdup(letters));
        buf_puts(states, letters);
        buf_putc(states, '\n');
    }
    return false;
}

/* The prefix states no kept pattern makes already. */
static void put_states(buf *out, const buf *states, GHashTable *whole)
{
    for (size_t i = 0; i < states->len;) {
        const char *line = states->data + i;
        size_t n = strcspn(line, "\n");
        char key[HYPH_LINE_MAX];
        memcpy(key, line, n);
        key[n] = '\0';
        if (!g_hash_table_contains(whole, key)) {
            buf_put(out, line, n);
            buf_putc(out, '\n');
        }
        i += n + 1;
    }
}

/* The lines of a UTF-8 pattern file that the words need (header and keywords kept).
 * False for a file this cannot cut down: another charset, two levels, long lines. */
static bool cut_patterns(const char *data, size_t len, const hyph_words *w, buf *out)
{
    const char *end = data + len, *nl = memchr(data, '\n', len);
    size_t first = nl ? (size_t)(nl - data) : len;
    if (first < 5 || strncmp(data, "UTF-8", 5) != 0 || (first > 5 && strspn(data + 5, "\r") != first - 5))
        return false;
    word_index ix;
    index_build(&ix, w);
    GHashTable *prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    GHashTable *whole = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    bool ok = true;
    buf_put(out, data, first);
    buf_putc(out, '\n');
    buf states;   /* the states made of prefixes, after the file's kept lines */
    buf_init(&states);
    for (const char *line = nl ? nl + 1 : end; ok && line < end;) {
        const char *e = memchr(line, '\n', (size_t)(end - line));
        size_t n = e ? (size_t)(e - line) : (size_t)(end - line);
        if (n >= HYPH_LINE_MAX || (line[0] == 'N' && starts_with(line, "NEXTLEVEL")))
            ok = false;
        else if (line[0] == '%' || is_keyword(line) || pattern_needed(&ix, whole, prefixes, &states, line, n)) {
            buf_put(out, line, n);
            buf_putc(out, '\n');
        }
        line += e ? n + 1 : n;
    }
    put_states(out, &states, whole);
    buf_free(&states);
    g_hash_table_destroy(whole);
    g_hash_table_destroy(prefixes);
    index_free(&ix);
    return ok;
}

typedef struct cut_load {
    const hyph_words *words;
    bool cut;   /* the dictionary holds only the words' patterns */
} cut_load;

static HyphenDict *load_cut(const char *path, void *ctx)
{
    cut_load *cl = ctx;
    char *data = NULL;
    size_t len = 0;
    HyphenDict *d = NULL;
    if (file_read(path, (size_t)64 << 20, &data, &len) == 0) {
        buf kept;
        buf_init(&kept);
        FILE *f = cut_patterns(data, len, cl->words, &kept) ? fmemopen(kept.data, kept.len, "r") : NULL;
        if (f) {
            d = hnj_hyphen_load_file(f);
            fclose(f);
        }
        buf_free(&kept);
        free(data);
    }
    cl->cut = d != NULL;
    return d ? d : hnj_hyphen_load(path);
}

bool hyph_all_at_hand(const char *language)
{
    pthread_mutex_lock(&prefetch.mu);
    bool loading = prefetch.running;
    pthread_mutex_unlock(&prefetch.mu);
    pthread_mutex_lock(&cache.mu);
    bool cached = cache.lang && strcmp(cache.lang, language) == 0 && strcmp(cache.dir, hyph_dir()) == 0;
    pthread_mutex_unlock(&cache.mu);
    return loading || cached;
}

hyph *hyph_load_for(const char *language, hyph_words *w)
{
    if (!language || !*language || !w || w->too_many || hyph_all_at_hand(language)) {
        hyph_words_free(w);
        return hyph_load(language);
    }
    cut_load cl = {w, false};
    dic_loader ld = {load_cut, &cl};
    hyph *h = load_from(hyph_dir(), language, &ld);
    if (!h || !cl.cut) {
        hyph_words_free(w);
        return h;
    }
    h->words = w;
    h->all = xcalloc(1, sizeof *h->all);
    pthread_mutex_init(&h->all->mu, NULL);
    h->all->language = xstrdup(language);
    return h;
}
