/* Fuzz target: chapter Markdown → the document model (markdown_parse_chapter and
 * markdown_link_book on a book with the default style), then the model's own
 * readers: the iterator, plain text and the JSON dump. */
#include "model/dump.h"
#include "fuzz_book.h"

/* Every node the iterator gives is well linked. */
static void check_tree(const model_node *root) {
    model_iter it;
    model_iter_init(&it, root);
    const model_node *n;
    model_event ev;
    size_t steps = 0;
    while ((ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
        if (++steps > 100000000) abort(); /* a cycle */
        if (ev != MODEL_EVENT_ENTER) continue;
        if (n->type <= MODEL_NONE || n->type >= MODEL_TYPE_COUNT) abort();
        if (n->pos.line < 1 || n->pos.col < 1) abort();
        for (const model_node *c = n->first_child; c; c = c->next) {
            if (c->parent != n) abort();
            if (c->next && c->next->prev != c) abort();
        }
        if (n->type == MODEL_LINK && !n->as.link.url) abort();
        if (n->type == MODEL_FIGURE && !n->as.figure.image.book_path) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *null_out;
    if (!null_out) null_out = fopen("/dev/null", "w");
    diag d;
    fuzz_diag(&d);
    int errors_before = d.errors;
    model_book *book = fuzz_book_from(data, size, &d, false);
    if (book) {
        for (size_t i = 0; i < book->n_chapters; i++) {
            check_tree(book->chapters[i].root);
            if (!book->chapters[i].id || !book->chapters[i].title) abort();
            char *t = model_plain_text(book->chapters[i].root);
            free(t);
        }
        for (size_t i = 0; i < book->n_footnotes; i++) {
            if (book->footnotes[i]->as.footnote.number != (int)i + 1) abort();
            check_tree(book->footnotes[i]);
        }
        if (d.errors != errors_before) abort(); /* success means no error was reported */
        if (null_out) dump_book_json(book, null_out);
        model_book_free(book);
    }
    diag_free(&d);
    return 0;
}
