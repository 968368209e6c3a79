/* ytree: a YAML file → a tree of scalars, lists and mappings with their positions. */
#include "load/ytree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/util.h"

/* A manifest or style file beyond this is surely a mistake. */
#define YAML_MAX_BYTES (4u << 20)
/* Deeper nesting is no book's or style's; libyaml's scanner is quadratic in the depth
 * of flow collections, so the event stream is stopped here, long before that matters. */
#define YAML_MAX_DEPTH 64

static ytree_node *ynode_new(ytree_kind kind, yaml_mark_t mark) {
    ytree_node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = (int)mark.line + 1;
    n->col = (int)mark.column + 1;
    return n;
}

static void ynode_push(ytree_node *parent, ytree_node *child) {
    /* Grow in powers of two: n is the count, capacity the next power of two. */
    if ((parent->n & (parent->n - 1)) == 0) {
        size_t cap = parent->n ? parent->n * 2 : 4;
        if (parent->n < 4) cap = 4;
        parent->items = xrealloc(parent->items, cap * sizeof *parent->items);
    }
    parent->items[parent->n++] = child;
}

void ytree_free(ytree_node *n) {
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) ytree_free(n->items[i]);
    free(n->items);
    free(n->value);
    free(n);
}

const char *ytree_kind_name(const ytree_node *n) {
    switch (n->kind) {
    case YTREE_SCALAR: return "a string";
    case YTREE_LIST: return "a list";
    case YTREE_MAP: return "a mapping";
    }
    return "?";
}

bool ytree_is_null(const ytree_node *n) {
    if (!n || n->kind != YTREE_SCALAR || !n->plain) return false;
    return n->value[0] == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
           strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}

static void offset_to_pos(const char *data, long off, int *line, int *col) {
    int l = 1, c = 1;
    for (long i = 0; i < off; i++) {
        if (data[i] == '\n') l++, c = 1;
        else c++;
    }
    *line = l;
    *col = c;
}

/* The file's bytes, refused (with the place) when they are not UTF-8 text. NULL after an error. */
static char *read_text(const char *path, const char *display, size_t *len, diag *d) {
    char *data = NULL;
    if (file_read(path, YAML_MAX_BYTES, &data, len) != 0) {
        if (errno == EFBIG)
            diag_error(d, display, 0, 0, "the file is larger than %u MiB, the limit for book.yaml and style files",
                       YAML_MAX_BYTES >> 20);
        else
            diag_error(d, display, 0, 0, "cannot read the file: %s", strerror(errno));
        return NULL;
    }
    long bad = utf8_find_invalid(data, *len);
    if (bad < 0) return data;
    int line, col;
    offset_to_pos(data, bad, &line, &col);
    uint32_t cp = 0;
    text_find_invalid(data + bad, *len - (size_t)bad, &cp);
    if (cp != 0 && cp != UINT32_MAX && utf8_is_noncharacter(cp))
        diag_error(d, display, line, col, "Unicode noncharacter U+%04X in a text file", (unsigned)cp);
    else
        diag_error(d, display, line, col, "%s", data[bad] == 0 ? "NUL byte in a text file" : "invalid UTF-8");
    free(data);
    return NULL;
}

/* libyaml's error, at its mark (or, for the reader, at the offset of the bad character). */
static void report_parse_error(const yaml_parser_t *parser, const char *data, size_t len, const char *display,
                               diag *d) {
    yaml_mark_t m = parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "malformed YAML";
    if (parser->error == YAML_READER_ERROR) {
        int line = 1, col = 1;
        if (parser->problem_offset <= len) offset_to_pos(data, (long)parser->problem_offset, &line, &col);
        if (parser->problem_value >= 0 && parser->problem_value != 0x110000 && strstr(problem, "control characters"))
            diag_error(d, display, line, col, "malformed YAML: %s (U+%04X)", problem, (unsigned)parser->problem_value);
        else
            diag_error(d, display, line, col, "malformed YAML: %s", problem);
    } else if (parser->context)
        diag_error(d, display, (int)m.line + 1, (int)m.column + 1, "malformed YAML: %s %s", parser->context, problem);
    else
        diag_error(d, display, (int)m.line + 1, (int)m.column + 1, "malformed YAML: %s", problem);
}

/* The tree being built: the root and the open lists and mappings. */
typedef struct ybuild {
    const char *display;
    diag *d;
    ytree_node *root;
    ytree_node **stack;
    size_t depth, stack_cap;
    int docs;
    bool ok, done;
    bool lenient;            /* anchors allowed, aliases read as empty strings (mkdocs.yml) */
} ybuild;

/* A scalar, checked: escapes ("\x01", "\uFFFE") can put into a value what the file may not hold. */
static ytree_node *scalar_node(ybuild *b, const yaml_event_t *ev) {
    ytree_node *node = ynode_new(YTREE_SCALAR, ev->start_mark);
    node->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    uint32_t cp;
    if (strlen(node->value) != ev->data.scalar.length) {
        diag_error(b->d, b->display, node->line, node->col, "NUL character in a string");
        b->ok = false;
    } else if (text_find_invalid(node->value, ev->data.scalar.length, &cp) >= 0) {
        char tmp[48];
        diag_error(b->d, b->display, node->line, node->col, "%s in a string", text_problem(cp, tmp, sizeof tmp));
        b->ok = false;
    }
    return node;
}

/* Puts a new node under the innermost open one (or makes it the root) and opens
 * it when it is a list or a mapping. */
static void attach(ybuild *b, ytree_node *node, bool opens) {
    if (b->depth == 0) {
        if (!b->root) b->root = node;
        else ytree_free(node), node = NULL; /* unreachable with one document */
    } else {
        ytree_node *top = b->stack[b->depth - 1];
        if (top->kind == YTREE_MAP && top->n % 2 == 0 && node->kind != YTREE_SCALAR) {
            diag_error(b->d, b->display, node->line, node->col, "a key must be a string, not %s", ytree_kind_name(node));
            b->ok = false;
        }
        ynode_push(top, node);
    }
    if (opens && node && b->depth == YAML_MAX_DEPTH) {
        diag_error(b->d, b->display, node->line, node->col, "YAML nested deeper than %d levels", YAML_MAX_DEPTH);
        b->ok = false;
        b->done = true;
    } else if (opens && node) {
        if (b->depth == b->stack_cap) {
            b->stack_cap = b->stack_cap ? b->stack_cap * 2 : 16;
            b->stack = xrealloc(b->stack, b->stack_cap * sizeof *b->stack);
        }
        b->stack[b->depth++] = node;
    }
}

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* A tag that says what quire reads anyway: `!` (no type), or the core schema's type of
 * the node's own kind. Any other (`!!binary`, `!!set`, an application's `!name`) asks for
 * a reading quire does not do, so the value would silently be wrong. */
static bool tag_understood(const char *tag, ytree_kind kind) {
    if (strcmp(tag, "!") == 0) return true;
    size_t n = strlen(YAML_TAG_PREFIX);
    if (strncmp(tag, YAML_TAG_PREFIX, n) != 0) return false;
    const char *type = tag + n;
    switch (kind) {
    case YTREE_SCALAR:
        return strcmp(type, "str") == 0 || strcmp(type, "int") == 0 || strcmp(type, "float") == 0 ||
               strcmp(type, "bool") == 0 || strcmp(type, "null") == 0;
    case YTREE_LIST:
        return strcmp(type, "seq") == 0;
    case YTREE_MAP:
        return strcmp(type, "map") == 0;
    }
    return false;
}

/* Refuses a node's tag that quire does not understand (files other tools own are read
 * leniently: mkdocs.yml's `!!python/name:` and `!ENV` tags are theirs). */
static void check_tag(ybuild *b, const ytree_node *node, const unsigned char *tag) {
    if (!tag || b->lenient || tag_understood((const char *)tag, node->kind)) return;
    const char *t = (const char *)tag;
    size_t n = strlen(YAML_TAG_PREFIX);
    bool core = strncmp(t, YAML_TAG_PREFIX, n) == 0;
    diag_error(b->d, b->display, node->line, node->col,
               "YAML tag '%s%s' is not supported on %s (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are)",
               core ? "!!" : "", core ? t + n : t, ytree_kind_name(node));
    b->ok = false;
}

/* One parser event into the tree. */
static void add_event(ybuild *b, const yaml_event_t *ev) {
    ytree_node *node = NULL;
    bool opens = false;
    const unsigned char *anchor = NULL, *tag = NULL;
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        b->done = true;
        break;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1) {
            diag_error(b->d, b->display, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                       "only one YAML document is allowed");
            b->ok = false;
            b->done = true;
        }
        break;
    case YAML_ALIAS_EVENT:
        if (!b->lenient) {
            diag_error(b->d, b->display, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                       "YAML aliases (*%s) are not allowed", (const char *)ev->data.alias.anchor);
            b->ok = false;
        }
        /* A placeholder keeps keys and values paired in the enclosing map. */
        node = ynode_new(YTREE_SCALAR, ev->start_mark);
        node->value = xstrdup("");
        break;
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        node = scalar_node(b, ev);
        /* `!!str null` and `! true` are the words, not null or a truth value */
        if (tag && (strcmp((const char *)tag, "!") == 0 || strcmp((const char *)tag, YAML_TAG_PREFIX "str") == 0))
            node->plain = false;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        node = ynode_new(YTREE_LIST, ev->start_mark);
        opens = true;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        node = ynode_new(YTREE_MAP, ev->start_mark);
        opens = true;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth) b->depth--;
        break;
    default:
        break;
    }
    if (anchor && !b->lenient) {
        diag_error(b->d, b->display, node->line, node->col, "YAML anchors (&%s) are not allowed", (const char *)anchor);
        b->ok = false;
    }
    if (node) check_tag(b, node, tag);
    if (node) attach(b, node, opens);
}

ytree_node *ytree_load(const char *path, const char *display, diag *d) {
    size_t len = 0;
    char *data = read_text(path, display, &len, d);
    if (!data) return NULL;
    ytree_node *root = ytree_parse(data, len, display, d);
    free(data);
    return root;
}

static ytree_node *parse_as(const char *data, size_t len, const char *display, bool lenient, diag *d);

ytree_node *ytree_parse(const char *data, size_t len, const char *display, diag *d) {
    return parse_as(data, len, display, false, d);
}

ytree_node *ytree_load_lenient(const char *path, const char *display, diag *d) {
    size_t len = 0;
    char *data = read_text(path, display, &len, d);
    if (!data) return NULL;
    ytree_node *root = parse_as(data, len, display, true, d);
    free(data);
    return root;
}

static ytree_node *parse_as(const char *data, size_t len, const char *display, bool lenient, diag *d) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "quire: out of memory\n");
        abort();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    ybuild b = {display, d, NULL, NULL, 0, 0, 0, true, false, lenient};
    while (!b.done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            report_parse_error(&parser, data, len, display, d);
            b.ok = false;
            break;
        }
        add_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(b.stack);
    if (!b.ok) {
        ytree_free(b.root);
        return NULL;
    }
    if (!b.root) {
        /* An empty file: an empty scalar so callers report "must be a mapping" at 1:1. */
        yaml_mark_t m = {0, 0, 0};
        b.root = ynode_new(YTREE_SCALAR, m);
        b.root->value = xstrdup("");
        b.root->plain = true;
    }
    return b.root;
}
