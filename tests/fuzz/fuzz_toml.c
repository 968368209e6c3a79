/* Fuzz target: book.toml bytes → toml_parse (tables, dotted keys, strings, numbers, arrays,
 * inline tables), after the UTF-8 check the mdBook reader makes first. */
#include "fuzz_common.h"
#include "load/toml.h"

/* Every node of an accepted document is well formed. */
static void check_tree(const toml_value *v) {
    if (v->line < 1 || v->col < 1) abort();
    uint32_t cp;
    if (v->kind == TOML_STRING && (!v->string || text_find_invalid(v->string, strlen(v->string), &cp) >= 0)) abort();
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == TOML_TABLE && (!v->keys || !v->keys[i])) abort();
        check_tree(v->items[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    uint32_t cp;
    if (text_find_invalid(text, size, &cp) >= 0) return 0;
    diag d;
    fuzz_diag(&d);
    toml_value *root = toml_parse(text, size, "book.toml", &d);
    if (root) {
        if (root->kind != TOML_TABLE || d.errors) abort();
        check_tree(root);
    } else if (d.errors != 1) {
        abort(); /* a refusal says why, once */
    }
    toml_free(root);
    diag_free(&d);
    return 0;
}
