/* Fuzz target: an mdBook chapter's {{#include}} links expanded (mdbook_expand, against
 * the files of the robust tests' tiny fixture book: its chapters, by line range or
 * anchor; GitBook's variables and {% if %} tags, MkDocs's snippets too), then the result parsed with the map of where each stretch was written. The
 * map's stretches come in the text's order, and every position in the model names a
 * line and column of a file the author wrote. */
#include "fuzz_book.h"
#include "load/mdbook.h"
#include "load/srcmap.h"

static void check_map(const srcmap *m) {
    for (size_t i = 0; i < m->n; i++) {
        const srcmap_seg *s = &m->seg[i];
        if (s->line < 1 || s->col < 1 || s->src_line < 1 || s->src_col < 1 || !s->file || !s->shown) abort();
        if (i && (s->line < s[-1].line || (s->line == s[-1].line && s->col <= s[-1].col))) abort();
    }
}

static void check_positions(const model_node *root) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (ev != MODEL_EVENT_ENTER) continue;
        if (n->pos.line < 1 || n->pos.col < 1 || !n->pos.file) abort();
        if (n->type == MODEL_CODE_BLOCK && n->as.code.first_line < 0) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char *book_dir;
    if (!book_dir) {
        book_dir = path_real(QUIRE_SOURCE_DIR "/tests/robust/fixtures/tiny");
        if (!book_dir) abort();
    }
    const char *src = (const char *)data;
    if (size > (1u << 20) || utf8_find_invalid(src, size) >= 0) return 0;
    diag d;
    fuzz_diag(&d);
    model_book *book = model_book_new();
    book->dir = arena_strdup(book->mem, book_dir);
    book->manifest = "book.toml";
    book->meta.language = "en";
    book->style = xcalloc(1, sizeof *book->style);
    style_defaults(book->style);
    book->style->mem = arena_new();
    book->chapters = arena_alloc(book->mem, sizeof *book->chapters);
    book->n_chapters = 1;
    model_chapter *ch = &book->chapters[0];
    ch->file = "chapters/03-fuzz.md";
    ch->rust_hidden = true;
    srcmap map = {0};
    size_t n = 0;
    /* the first byte picks the form, (byte + 1) % 3: 1 a GitBook's chapter, with a variable
     * and its template tags ("0…", "{…"); 2 an MkDocs page with pymdownx.snippets ("1…");
     * 0 an mdBook chapter ("#…") */
    static const char *names[] = {"language", "v"}, *values[] = {"en", "1.0"};
    const template_vars vars = {names, values, 2};
    int form = size ? (data[0] + 1) % 3 : 0;
    char *text = form == 2 ? mdbook_expand_snippets(book, ch->file, src, size, ch->file, &n, &map, &d)
                           : mdbook_expand(book, ch->file, src, size, ch->file, form == 1 ? &vars : NULL, &n, &map, &d);
    if (text) {
        check_map(&map);
        markdown_parse_included(book, ch, 0, text, n, &map, &book_files, &d);
        if (!ch->root) abort();
        check_positions(ch->root);
        free(text);
    }
    srcmap_free(&map);
    model_book_free(book);
    diag_free(&d);
    return 0;
}
