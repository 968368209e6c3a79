/* test_toml: the book.toml reader: what it accepts, the values it gives, and the place and
 * wording of every refusal. */
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "load/toml.h"
#include "check.h"

typedef struct parsed {
    toml_value *root;
    diag d;
} parsed;

static parsed parse(const char *text) {
    parsed p;
    diag_init(&p.d);
    p.d.out = NULL;
    p.d.capture = true;
    p.root = toml_parse(text, strlen(text), "book.toml", &p.d);
    return p;
}

static void done(parsed *p) {
    toml_free(p->root);
    diag_free(&p->d);
}

/* a.b.c in the tree, or NULL */
static const toml_value *at(const toml_value *t, const char *path) {
    char *copy = strdup(path), *save = NULL;
    const toml_value *v = t;
    for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save)) v = toml_get(v, k);
    free(copy);
    return v;
}

static void test_values(void) {
    parsed p = parse("# a book\n"
                     "[book]\n"
                     "title = \"The \\\"Book\\\" \\u00e9\\U0001F600\"  # trailing comment\n"
                     "authors = [\"Ann\", 'Bo',\n  # a comment inside\n  \"Cy\", ]\n"
                     "language = 'en'\n"
                     "multilingual = false\n"
                     "\n"
                     "[output.html]\n"
                     "fold.enable = true\n"
                     "\"quoted key\" = 1_000\n"
                     "hex = 0xff\n"
                     "neg = -17\n"
                     "ratio = 2.5e-1\n"
                     "point = { x = 1, y = [2, 3] }\n"
                     "poem = \"\"\"\nRoses \\\n   are red\"\"\"\n"
                     "raw = '''C:\\path'''\n"
                     "[output.html.search]\n"
                     "limit = 20\n");
    OK(p.root != NULL, "parses: %s", p.d.captured ? p.d.captured : "");
    if (p.root) {
        STR_EQ(at(p.root, "book.title")->string, "The \"Book\" \xc3\xa9\xf0\x9f\x98\x80");
        const toml_value *a = at(p.root, "book.authors");
        OK(a && a->kind == TOML_ARRAY && a->n == 3, "three authors");
        if (a && a->n == 3) STR_EQ(a->items[2]->string, "Cy");
        OK(at(p.root, "book.multilingual")->kind == TOML_BOOL && at(p.root, "book.multilingual")->integer == 0, "false");
        OK(at(p.root, "output.html.fold.enable")->integer == 1, "dotted key");
        INT_EQ(at(p.root, "output.html.quoted key")->integer, 1000);
        INT_EQ(at(p.root, "output.html.hex")->integer, 255);
        INT_EQ(at(p.root, "output.html.neg")->integer, -17);
        OK(at(p.root, "output.html.ratio")->kind == TOML_FLOAT && at(p.root, "output.html.ratio")->number == 0.25, "float");
        INT_EQ(at(p.root, "output.html.point.y")->items[1]->integer, 3);
        STR_EQ(at(p.root, "output.html.poem")->string, "Roses are red");
        STR_EQ(at(p.root, "output.html.raw")->string, "C:\\path");
        INT_EQ(at(p.root, "output.html.search.limit")->integer, 20);
        const toml_value *title = at(p.root, "book.title");
        INT_EQ(title->line, 3);
        INT_EQ(title->col, 9);
    }
    done(&p);
}

static void refused(const char *text, const char *want) {
    parsed p = parse(text);
    OK(p.root == NULL, "refused: %s", text);
    INT_EQ(p.d.errors, 1);
    OK(p.d.captured && strstr(p.d.captured, want), "want '%s', got '%s'", want, p.d.captured ? p.d.captured : "");
    done(&p);
}

static void test_errors(void) {
    refused("[book]\ntitle = \"open\n", "book.toml:2:9: error: string not closed before the line end");
    refused("a = 1\na = 2\n", "book.toml:2:1: error: duplicate key 'a' (first at line 1)");
    refused("[x]\n[x]\n", "book.toml:2:1: error: table [x] is defined twice (first at line 1)");
    refused("a = \n", "book.toml:1:5: error: a value was expected after '='");
    refused("a = nope\n", "book.toml:1:5: error: a value was expected (a string, a number, true, false, an array or an inline table), found 'n'");
    refused("a = 1 b = 2\n", "book.toml:1:7: error: expected the end of the line, found 'b'");
    refused("a = [1, 2\n", "book.toml:1:5: error: array not closed with ']'");
    refused("a = \"\\q\"\n", "book.toml:1:6: error: unknown escape '\\q' in a string");
    refused("a = \"\\u0000\"\n", "book.toml:1:6: error: \\u0000 is not a character a string may hold");
    refused("a = \"x\\fy\"\n", "book.toml:1:5: error: control character U+000C in a string");
    refused("a = \"\"\"x\\u0001\"\"\"\n", "book.toml:1:5: error: control character U+0001 in a string");
    refused("d = 1979-05-27\n", "book.toml:1:5: error: dates and times are not supported in book.toml");
    refused("[[out]]\n", "book.toml:1:1: error: arrays of tables ([[…]]) are not supported in book.toml");
    refused("n = 012\n", "book.toml:1:5: error: '012' is not a number");
    refused("n = 99999999999999999999\n", "book.toml:1:5: error: '99999999999999999999' is too large for an integer");
    refused("a = 1\na.b = 2\n", "book.toml:2:1: error: 'a' is already an integer (line 1); it cannot hold more keys");
    refused("t = { a = 1 }\n[t]\n", "book.toml:2:2: error: 't' is already a table (line 1); it cannot hold more keys");
    refused("= 1\n", "book.toml:1:1: error: a key was expected, found '='");
    refused("a = { b = 1,\n c = 2 }\n", "book.toml:1:13: error: a key was expected");
    refused("a = 1_\n", "book.toml:1:5: error: '_' in a number must stand between digits");
    /* nesting is bounded */
    char deep[200];
    memset(deep, '[', sizeof deep);
    memcpy(deep, "a = ", 4);
    deep[sizeof deep - 1] = '\0';
    refused(deep, "error: arrays and inline tables nested deeper than 32 levels");
}

int main(void) {
    test_values();
    test_errors();
    return CHECK_DONE();
}
