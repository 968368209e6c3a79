/* manifest: book.yaml (read into a tree by ytree) -> book->meta and the chapter list. */
#include "load/manifest.h"

#include <ctype.h>
#include <glob.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "load/ytree.h"

/*** book.yaml ***/

/* Room for ".NAME.epub.tmp-XXXXXX" in a file name of 255 bytes. */
#define MANIFEST_NAME_MAX 200
/* The longest title or subtitle, in bytes: each is set on the title page, in the running
 * heads of the print edition and the e-book's metadata; a 1 MB title took a minute. */
#define MANIFEST_TITLE_MAX 1000

static const char *const manifest_keys[] = {
    "name", "title", "subtitle", "authors", "publisher", "language", "identifier", "date",
    "rights", "description", "keywords", "style", "cover", "cover-alt", "chapters", "contents-title",
    "links-base", "strict", NULL};

enum {
    K_NAME, K_TITLE, K_SUBTITLE, K_AUTHORS, K_PUBLISHER, K_LANGUAGE, K_IDENTIFIER, K_DATE,
    K_RIGHTS, K_DESCRIPTION, K_KEYWORDS, K_STYLE, K_COVER, K_COVER_ALT, K_CHAPTERS, K_CONTENTS_TITLE,
    K_LINKS_BASE, K_STRICT, K_COUNT
};

typedef struct mctx {
    model_book *book;
    const char *display;
    diag *d;
    bool ok;
} mctx;

static void verr(mctx *c, const ytree_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void verr(mctx *c, const ytree_node *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->d, DIAG_ERROR, c->display, at->line, at->col, fmt, ap);
    va_end(ap);
    c->ok = false;
}

/* A string value, trimmed of surrounding blanks, in the book arena; NULL when null/empty or wrong type. */
static const char *get_string(mctx *c, const char *key, const ytree_node *v) {
    if (v->kind != YTREE_SCALAR) {
        verr(c, v, "'%s' must be a string, not %s", key, ytree_kind_name(v));
        return NULL;
    }
    if (ytree_is_null(v)) return NULL;
    const char *s = v->value;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n == 0) return NULL;
    return arena_strndup(c->book->mem, s, n);
}

static bool valid_name(const char *s) {
    if (!s[0] || s[0] == '.') return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') return false;
    return true;
}

/* BCP 47 shape: a 2-3 (or 5-8) letter language, then subtags of 1-8 letters or digits. */
static bool valid_language(const char *s) {
    size_t i = 0;
    while (isalpha((unsigned char)s[i])) i++;
    if (!((i >= 2 && i <= 3) || (i >= 5 && i <= 8))) return false;
    while (s[i]) {
        if (s[i] != '-') return false;
        size_t j = ++i;
        while (isalnum((unsigned char)s[i])) i++;
        if (i - j < 1 || i - j > 8) return false;
    }
    return true;
}

bool manifest_valid_language(const char *s) { return valid_language(s); }

static bool is_uuid(const char *s) {
    static const int groups[] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; g++) {
        for (int k = 0; k < groups[g]; k++, s++)
            if (!isxdigit((unsigned char)*s)) return false;
        if (g < 4 && *s++ != '-') return false;
    }
    return *s == 0;
}

/* Digits of an ISBN-10 or -13 (hyphens and spaces allowed, optional "ISBN" prefix)
 * with a correct check digit, into out (14 bytes). */
static bool isbn_digits(const char *s, char *out) {
    if (strncasecmp(s, "isbn", 4) == 0) {
        s += 4;
        if (*s == ':') s++;
        while (*s == ' ') s++;
    }
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '-' || *s == ' ') continue;
        if (n >= 13) return false;
        if (isdigit((unsigned char)*s) || ((*s == 'X' || *s == 'x') && n == 9)) out[n++] = (char)toupper((unsigned char)*s);
        else return false;
    }
    out[n] = 0;
    if (n == 10) {
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            int v = out[i] == 'X' ? 10 : out[i] - '0';
            if (out[i] == 'X' && i != 9) return false;
            sum += v * (10 - i);
        }
        return sum % 11 == 0;
    }
    if (n == 13) {
        if (strchr(out, 'X')) return false;
        int sum = 0;
        for (int i = 0; i < 13; i++) sum += (out[i] - '0') * (i % 2 ? 3 : 1);
        return sum % 10 == 0;
    }
    return false;
}

/* RFC 8141 shape: urn:NID:NSS. */
static bool valid_urn(const char *s) {
    if (strncasecmp(s, "urn:", 4) != 0) return false;
    s += 4;
    size_t i = 0;
    while (isalnum((unsigned char)s[i]) || (i > 0 && s[i] == '-')) i++;
    if (i < 2 || i > 32 || s[i] != ':' || !s[i + 1]) return false;
    for (const char *p = s + i + 1; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\') return false;
    return true;
}

static const char *normalise_identifier(mctx *c, const char *id, const ytree_node *at) {
    char digits[16];
    if (strncasecmp(id, "urn:", 4) == 0) {
        if (!valid_urn(id)) {
            verr(c, at, "'identifier' is not a valid URN (urn:<namespace>:<id>): '%s'", id);
            return NULL;
        }
        if (strncasecmp(id, "urn:uuid:", 9) == 0 && !is_uuid(id + 9)) {
            verr(c, at, "'identifier' has a malformed UUID: '%s'", id + 9);
            return NULL;
        }
        if (strncasecmp(id, "urn:isbn:", 9) == 0 && !isbn_digits(id + 9, digits)) {
            verr(c, at, "'identifier' has an invalid ISBN (wrong length or check digit): '%s'", id + 9);
            return NULL;
        }
        return id;
    }
    if (is_uuid(id)) {
        char *u = arena_printf(c->book->mem, "urn:uuid:%s", id);
        for (char *p = u + 9; *p; p++) *p = (char)tolower((unsigned char)*p);
        return u;
    }
    if (isbn_digits(id, digits)) return arena_printf(c->book->mem, "urn:isbn:%s", digits);
    verr(c, at, "'identifier' must be a URN (urn:…), a UUID or an ISBN with a valid check digit, not '%s'", id);
    return NULL;
}

static bool valid_date(const char *s) {
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10) return false;
    for (size_t i = 0; i < n; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return false;
        } else if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    int year = atoi(s);
    if (year < 1) return false;
    if (n == 4) return true;
    int month = atoi(s + 5);
    if (month < 1 || month > 12) return false;
    if (n == 7) return true;
    int day = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = mdays[month - 1];
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) max = 29;
    return day >= 1 && day <= max;
}

/* A string or a list of strings (authors, keywords): returns the count, items in *out (arena). */
static size_t get_string_list(mctx *c, const char *key, const ytree_node *v, const char ***out) {
    *out = NULL;
    if (v->kind == YTREE_MAP) {
        verr(c, v, "'%s' must be a string or a list of strings, not a mapping", key);
        return 0;
    }
    if (v->kind == YTREE_SCALAR) {
        const char *s = get_string(c, key, v);
        if (!s) return 0;
        const char **arr = arena_alloc(c->book->mem, sizeof *arr);
        arr[0] = s;
        *out = arr;
        return 1;
    }
    const char **arr = arena_alloc(c->book->mem, (v->n ? v->n : 1) * sizeof *arr);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const ytree_node *it = v->items[i];
        if (it->kind != YTREE_SCALAR) {
            verr(c, it, "each entry of '%s' must be a string, not %s", key, ytree_kind_name(it));
            continue;
        }
        const char *s = get_string(c, key, it);
        if (!s) {
            verr(c, it, "empty entry in '%s'", key);
            continue;
        }
        arr[k++] = s;
    }
    *out = arr;
    return k;
}

manifest_ref *manifest_add_ref(model_book *book, manifest *m, size_t *cap, model_pos pos) {
    if (m->n_chapters == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        manifest_ref *grown = arena_alloc(book->mem, *cap * sizeof *grown);
        if (m->n_chapters) memcpy(grown, m->chapters, m->n_chapters * sizeof *grown);
        m->chapters = grown;
    }
    manifest_ref *r = &m->chapters[m->n_chapters++];
    memset(r, 0, sizeof *r);
    r->pos = pos;
    return r;
}

/* Appends a chapter; one a folder or a glob brought in again is left out quietly. */
static void add_chapter(mctx *c, manifest *m, size_t *cap, const char *s, const ytree_node *it, bool expanded) {
    for (size_t k = 0; k < m->n_chapters; k++) {
        if (strcmp(m->chapters[k].value, s) == 0) {
            if (!expanded) verr(c, it, "chapter '%s' is listed twice (first at line %d)", s, m->chapters[k].pos.line);
            return;
        }
    }
    manifest_add_ref(c->book, m, cap, (model_pos){c->display, it->line, it->col})->value = s;
}

/* A folder (its Markdown files) or a glob such as chapters/\*.md: the files it names, sorted by
 * name. False when the entry is a single file. */
static bool add_many(mctx *c, manifest *m, size_t *cap, const char *s, const ytree_node *it) {
    bool pattern = strpbrk(s, "*?[") != NULL;
    char *full = c->book->dir ? path_join(c->book->dir, s) : NULL;
    bool folder = !pattern && full && path_is_dir(full);
    if (!pattern && !folder) {
        free(full);
        return false;
    }
    if (s[0] == '/' || !full) {
        verr(c, it, "chapter path leaves the book folder: '%s' is absolute", s);
        free(full);
        return true;
    }
    char *pat = folder ? xasprintf("%s/*.md", full) : xstrdup(full);
    glob_t g;
    size_t prefix = strlen(c->book->dir) + 1, matched = 0;
    /* glob sorts by name (the C locale's byte order) */
    if (glob(pat, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (strncmp(g.gl_pathv[i], c->book->dir, prefix - 1) != 0 || g.gl_pathv[i][prefix - 1] != '/')
                verr(c, it, "chapter path leaves the book folder: '%s'", s);
            else if (path_is_file(g.gl_pathv[i]) && ++matched)
                add_chapter(c, m, cap, arena_strdup(c->book->mem, g.gl_pathv[i] + prefix), it, true);
        globfree(&g);
    }
    if (!matched && folder)
        verr(c, it, "chapter '%s' is a folder, not a Markdown file, and holds no Markdown files (.md)", s);
    else if (!matched)
        verr(c, it, "'%s' matches no file", s);
    free(pat);
    free(full);
    return true;
}

static void read_chapters(mctx *c, const ytree_node *v, manifest *m) {
    if (v->kind != YTREE_LIST) {
        if (ytree_is_null(v)) verr(c, v, "'chapters' is empty: list at least one Markdown file");
        else verr(c, v, "'chapters' must be a list of file paths, not %s", ytree_kind_name(v));
        return;
    }
    if (v->n == 0) {
        verr(c, v, "'chapters' is empty: list at least one Markdown file");
        return;
    }
    size_t cap = 0;
    for (size_t i = 0; i < v->n; i++) {
        const ytree_node *it = v->items[i];
        if (it->kind != YTREE_SCALAR) {
            verr(c, it, "each chapter must be a file path, not %s", ytree_kind_name(it));
            continue;
        }
        const char *s = get_string(c, "chapters", it);
        if (!s) {
            verr(c, it, "empty chapter path");
            continue;
        }
        if (!add_many(c, m, &cap, s, it)) add_chapter(c, m, &cap, s, it, false);
    }
}

/* The key's index in manifest_keys, or -1 after saying it is unknown. */
static int key_index(mctx *c, const ytree_node *k) {
    for (int j = 0; manifest_keys[j]; j++)
        if (strcmp(manifest_keys[j], k->value) == 0) return j;
    const char *hint = diag_suggest(k->value, manifest_keys);
    if (hint) verr(c, k, "unknown key '%s'; did you mean '%s'?", k->value, hint);
    else verr(c, k, "unknown key '%s'", k->value);
    return -1;
}

/* keywords: a string or a list, joined with ", " for the metadata. */
static void read_keywords(mctx *c, const ytree_node *v) {
    const char **arr;
    size_t n = get_string_list(c, "keywords", v, &arr);
    if (!n) return;
    buf b;
    buf_init(&b);
    for (size_t j = 0; j < n; j++) {
        if (j) buf_puts(&b, ", ");
        buf_puts(&b, arr[j]);
    }
    c->book->meta.keywords = arena_strdup(c->book->mem, b.data);
    buf_free(&b);
}

/* The value of a key that takes a string, checked, into the metadata or the manifest. */
static void take_string(mctx *c, int key, const char *s, const ytree_node *v, manifest *m) {
    model_meta *meta = &c->book->meta;
    switch (key) {
    case K_NAME:
        if (strlen(s) > MANIFEST_NAME_MAX)
            verr(c, v, "'name' must be at most %d characters (it names the output files), not %zu", MANIFEST_NAME_MAX,
                 strlen(s));
        else if (!valid_name(s))
            verr(c, v, "'name' must use only letters, digits, '.', '_' and '-' and not start with '.': '%s'", s);
        else meta->name = s;
        break;
    case K_TITLE:
    case K_SUBTITLE:
        if (strlen(s) > MANIFEST_TITLE_MAX)
            verr(c, v, "'%s' must be at most %d bytes, not %zu", manifest_keys[key], MANIFEST_TITLE_MAX, strlen(s));
        else if (key == K_TITLE) meta->title = s;
        else meta->subtitle = s;
        break;
    case K_PUBLISHER: meta->publisher = s; break;
    case K_LANGUAGE:
        if (!valid_language(s)) verr(c, v, "'language' must be a BCP 47 tag such as 'en' or 'en-GB', not '%s'", s);
        else meta->language = s;
        break;
    case K_IDENTIFIER: meta->identifier = normalise_identifier(c, s, v); break;
    case K_DATE:
        if (!valid_date(s)) verr(c, v, "'date' must be YYYY, YYYY-MM or YYYY-MM-DD (a real date), not '%s'", s);
        else meta->date = s;
        break;
    case K_RIGHTS: meta->rights = s; break;
    case K_DESCRIPTION: meta->description = s; break;
    case K_STYLE:
        if (!valid_name(s)) {
            verr(c, v, "'style' must be the name of a file in styles/ (letters, digits, '.', '_', '-'), not '%s'", s);
        } else {
            m->style.value = s;
            m->style.pos = (model_pos){c->display, v->line, v->col};
        }
        break;
    case K_COVER:
        m->cover.value = s;
        m->cover.pos = (model_pos){c->display, v->line, v->col};
        break;
    case K_COVER_ALT: meta->cover_alt = s; break;
    case K_CONTENTS_TITLE: meta->contents_title = s; break;
    case K_LINKS_BASE:
        /* links to files outside the book lead there: a web address */
        if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
            verr(c, v, "'links-base' must be an http:// or https:// address, not '%s'", s);
        else if (strpbrk(s, " \t\"<>\\"))
            verr(c, v, "'links-base' must be a URL without spaces, quotes or angle brackets: '%s'", s);
        else meta->links_base = s;
        break;
    default: break;
    }
}

/* One key's value: the lists and the truth value read here, a string by take_string. */
static void read_key(mctx *c, int key, const ytree_node *v, manifest *m) {
    model_meta *meta = &c->book->meta;
    switch (key) {
    case K_AUTHORS: {
        const char **arr;
        meta->n_authors = get_string_list(c, "authors", v, &arr);
        meta->authors = arr;
        return;
    }
    case K_KEYWORDS:
        read_keywords(c, v);
        return;
    case K_CHAPTERS:
        read_chapters(c, v, m);
        return;
    case K_STRICT:
        if (v->kind == YTREE_SCALAR && v->plain && strcmp(v->value, "true") == 0) meta->strict = true;
        else if (!(v->kind == YTREE_SCALAR && v->plain && strcmp(v->value, "false") == 0))
            verr(c, v, "'strict' must be true or false");
        return;
    default: {
        const char *s = get_string(c, manifest_keys[key], v);
        if (s) take_string(c, key, s, v, m);
        else if (v->kind == YTREE_SCALAR && (key == K_NAME || key == K_TITLE || key == K_LANGUAGE || key == K_IDENTIFIER))
            verr(c, v, "'%s' must not be empty", manifest_keys[key]);
        return;
    }
    }
}

bool manifest_load(model_book *book, const char *path, const char *display, manifest *m, diag *d) {
    memset(m, 0, sizeof *m);
    if (!display) display = path;
    mctx c = {book, arena_strdup(book->mem, display), d, true};
    ytree_node *root = ytree_load(path, c.display, d);
    if (!root) return false;
    if (root->kind != YTREE_MAP) {
        verr(&c, root, "the top level of book.yaml must be a mapping of keys (title: …), not %s",
             ytree_kind_name(root));
        ytree_free(root);
        return false;
    }
    const ytree_node *seen[K_COUNT] = {0};
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ytree_node *k = root->items[i], *v = root->items[i + 1];
        if (k->kind != YTREE_SCALAR) continue; /* already reported */
        int key = key_index(&c, k);
        if (key < 0) continue;
        if (seen[key]) {
            verr(&c, k, "duplicate key '%s' (first at line %d)", k->value, seen[key]->line);
            continue;
        }
        seen[key] = k;
        read_key(&c, key, v, m);
    }
    static const int required[] = {K_NAME, K_TITLE, K_LANGUAGE, K_IDENTIFIER, K_CHAPTERS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i]]) verr(&c, root, "missing required key '%s'", manifest_keys[required[i]]);
    book->meta.style = m->style.value ? m->style.value : "brochure";
    ytree_free(root);
    return c.ok;
}

/*** one Markdown file: pandoc's front matter ***/

size_t manifest_front_matter_len(const char *src, size_t len) {
    if (len < 4 || strncmp(src, "---", 3) != 0 || (src[3] != '\n' && !(src[3] == '\r' && len > 4 && src[4] == '\n')))
        return 0;
    const char *p = memchr(src, '\n', len);
    for (p = p ? p + 1 : src + len; p < src + len;) {
        const char *eol = memchr(p, '\n', (size_t)(src + len - p));
        size_t n = (size_t)((eol ? eol : src + len) - p);
        if (n && p[n - 1] == '\r') n--;
        if ((n == 3 && (strncmp(p, "---", 3) == 0 || strncmp(p, "...", 3) == 0))) return (size_t)((eol ? eol + 1 : src + len) - src);
        p = eol ? eol + 1 : src + len;
    }
    return 0;
}

/* The YAML of a front matter block: up to where its closing line starts. */
static size_t front_yaml_len(const char *src, size_t fm_len) {
    size_t n = fm_len;
    if (n && src[n - 1] == '\n') n--;
    while (n && src[n - 1] != '\n') n--;
    return n;
}

static const char *const front_keys[] = {"title",       "subtitle", "author",     "authors", "lang",
                                         "language",    "date",     "rights",     "description",
                                         "keywords",    "identifier", "publisher", NULL};

/* One front-matter value into the metadata. Values pandoc allows that book.yaml's checks
 * refuse (a free-form date) are left out with a warning: the text is all there. */
static void front_value(mctx *c, const char *key, const ytree_node *v) {
    model_meta *meta = &c->book->meta;
    if (strcmp(key, "author") == 0 || strcmp(key, "authors") == 0) {
        const char **arr;
        meta->n_authors = get_string_list(c, key, v, &arr);
        meta->authors = arr;
        return;
    }
    if (strcmp(key, "keywords") == 0) {
        const char **arr;
        size_t n = get_string_list(c, key, v, &arr);
        buf b;
        buf_init(&b);
        for (size_t j = 0; j < n; j++) buf_printf(&b, "%s%s", j ? ", " : "", arr[j]);
        if (n) meta->keywords = arena_strdup(c->book->mem, b.data);
        buf_free(&b);
        return;
    }
    const char *s = get_string(c, key, v);
    if (!s) return;
    if (strcmp(key, "title") == 0) meta->title = s;
    else if (strcmp(key, "subtitle") == 0) meta->subtitle = s;
    else if (strcmp(key, "rights") == 0) meta->rights = s;
    else if (strcmp(key, "description") == 0) meta->description = s;
    else if (strcmp(key, "publisher") == 0) meta->publisher = s;
    else if (strcmp(key, "identifier") == 0) meta->identifier = normalise_identifier(c, s, v);
    else if (strcmp(key, "date") == 0) {
        if (valid_date(s)) meta->date = s;
        else diag_warning(c->d, c->display, v->line, v->col, "date '%s' is not YYYY, YYYY-MM or YYYY-MM-DD; left out", s);
    } else if (valid_language(s)) {
        meta->language = s;
    } else {
        verr(c, v, "'%s' must be a BCP 47 tag such as 'en' or 'en-GB', not '%s'", key, s);
    }
}

bool manifest_front_matter(model_book *book, const char *src, size_t fm_len, const char *display, diag *d) {
    mctx c = {book, arena_strdup(book->mem, display), d, true};
    /* the YAML ends where the closing "---" or "..." line starts */
    ytree_node *root = ytree_parse(src, front_yaml_len(src, fm_len), c.display, d);
    if (!root) return false;
    if (root->kind != YTREE_MAP) {
        if (!ytree_is_null(root)) verr(&c, root, "front matter must be a mapping of keys (title: …), not %s", ytree_kind_name(root));
        ytree_free(root);
        return c.ok;
    }
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ytree_node *k = root->items[i], *v = root->items[i + 1];
        if (k->kind != YTREE_SCALAR) continue;
        bool known = false;
        for (int j = 0; front_keys[j] && !known; j++) known = strcmp(front_keys[j], k->value) == 0;
        /* pandoc and static site generators keep keys of their own there */
        if (!known) diag_warning(d, c.display, k->line, k->col, "front matter key '%s' is not used by quire; ignored", k->value);
        else front_value(&c, k->value, v);
    }
    ytree_free(root);
    return c.ok;
}

const char *manifest_front_matter_title(model_book *book, const char *src, size_t fm_len, int *line, int *col) {
    diag quiet;
    diag_init(&quiet);
    quiet.out = NULL;
    quiet.capture = true;
    ytree_node *root = ytree_parse(src, front_yaml_len(src, fm_len), "front matter", &quiet);
    diag_free(&quiet);
    if (!root) return NULL;
    const char *found = NULL;
    for (int want = 0; want < 2 && !found && root->kind == YTREE_MAP; want++) {
        for (size_t i = 0; i + 1 < root->n && !found; i += 2) {
            const ytree_node *k = root->items[i], *v = root->items[i + 1];
            if (k->kind != YTREE_SCALAR || v->kind != YTREE_SCALAR || !v->value || !*v->value) continue;
            if (strcmp(k->value, want == 0 ? "title" : "name") != 0) continue;
            found = arena_strdup(book->mem, v->value);
            *line = v->line, *col = v->col;
        }
    }
    ytree_free(root);
    return found;
}

const char *manifest_name_uuid(model_book *book) {
    /* RFC 4122 version 5 (SHA-1) in the URL namespace, from the title and the authors */
    static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(sum, ns, sizeof ns);
    const char *title = book->meta.title ? book->meta.title : "";
    g_checksum_update(sum, (const guchar *)"quire:", 6);
    g_checksum_update(sum, (const guchar *)title, (gssize)strlen(title));
    for (size_t i = 0; i < book->meta.n_authors; i++) {
        g_checksum_update(sum, (const guchar *)"\n", 1);
        g_checksum_update(sum, (const guchar *)book->meta.authors[i], (gssize)strlen(book->meta.authors[i]));
    }
    guint8 h[20];
    gsize n = sizeof h;
    g_checksum_get_digest(sum, h, &n);
    g_checksum_free(sum);
    h[6] = (guint8)((h[6] & 0x0F) | 0x50);
    h[8] = (guint8)((h[8] & 0x3F) | 0x80);
    return arena_printf(book->mem,
                        "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
                        h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

void manifest_set_name(model_book *book, const char *base, size_t len) {
    char *name = arena_strndup(book->mem, base, len);
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') *p = '-';
    while (*name == '.') name++;
    book->meta.name = *name ? name : "book";
}
