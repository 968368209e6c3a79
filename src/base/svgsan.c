/* svgsan: SVG bytes → the same SVG without what could run or fetch (libxml2 tree). */
#include "base/svgsan.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/image.h"
#include "base/util.h"
#include "base/xmllib.h"

/*** the walk's state ***/

#define SAN_MAX_NOTES 6

typedef struct san {
    xmlDocPtr doc;
    char *notes[SAN_MAX_NOTES];  /* the first things taken out, for the warning */
    int n_removed;
    long pixels;                 /* of the embedded images so far */
    bool rewritten;              /* changed without taking anything a reader sees (the doctype) */
    char *refused;
} san;

static void note(san *s, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(san *s, long line, const char *fmt, ...) {
    if (s->n_removed < SAN_MAX_NOTES) {
        va_list ap;
        va_start(ap, fmt);
        buf b;
        buf_init(&b);
        buf_vprintf(&b, fmt, ap);
        va_end(ap);
        if (line > 0) buf_printf(&b, " (line %ld)", line);
        s->notes[s->n_removed] = buf_detach(&b, NULL);
    }
    s->n_removed++;
}

/* At most 40 characters of a value, for a message. */
static char *shorten(const char *v) {
    size_t n = strlen(v);
    if (n <= 40) return xstrdup(v);
    return xasprintf("%.37s...", v);
}

/*** CSS: @import rules and url()s that lead out ***/

static bool starts_ci(const char *p, const char *word) { return strncasecmp(p, word, strlen(word)) == 0; }

static bool contains_ci(const char *s, const char *word) {
    for (; *s; s++)
        if (starts_ci(s, word)) return true;
    return false;
}

/* p at an opening quote: the index just past the closing one (or the end). */
static size_t skip_string(const char *p, size_t i) {
    char q = p[i++];
    while (p[i] && p[i] != q) i += p[i] == '\\' && p[i + 1] ? 2 : 1;
    return p[i] ? i + 1 : i;
}

/* p + i just past "url(" or "image-set(": the index past the matching ')', and
 * whether the argument is a reference inside the file (#id). */
static size_t skip_function(const char *p, size_t i, bool *local) {
    while (isspace((unsigned char)p[i])) i++;
    *local = p[i] == '#' || ((p[i] == '"' || p[i] == '\'') && p[i + 1] == '#');
    int depth = 1;
    while (p[i] && depth > 0) {
        if (p[i] == '"' || p[i] == '\'') {
            i = skip_string(p, i);
            continue;
        }
        if (p[i] == '(') depth++;
        if (p[i] == ')') depth--;
        i++;
    }
    return i;
}

/* Copies `css` into out without @import rules and with `none` for every url() or
 * image-set() that is not url(#…). The number of things taken out, or -1 when the
 * CSS holds an escape (a backslash outside a string), which could spell either. */
static int css_clean(const char *css, buf *out) {
    int removed = 0;
    size_t i = 0;
    while (css[i]) {
        const char *p = css + i;
        if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            size_t n = end ? (size_t)(end - p) + 2 : strlen(p);
            buf_put(out, p, n);
            i += n;
        } else if (*p == '"' || *p == '\'') {
            size_t j = skip_string(css, i);
            buf_put(out, p, j - i);
            i = j;
        } else if (*p == '\\') {
            return -1;
        } else if (starts_ci(p, "@import")) {
            while (css[i] && css[i] != ';') i = css[i] == '"' || css[i] == '\'' ? skip_string(css, i) : i + 1;
            if (css[i]) i++;
            removed++;
        } else if (starts_ci(p, "url(") || starts_ci(p, "image-set(") || starts_ci(p, "-webkit-image-set(")) {
            size_t open = (size_t)(strchr(p, '(') - css) + 1;
            bool local;
            size_t j = skip_function(css, open, &local);
            if (local && starts_ci(p, "url(")) {
                buf_put(out, p, j - i);
            } else {
                buf_puts(out, "none");
                removed++;
            }
            i = j;
        } else {
            buf_putc(out, *p);
            i++;
        }
    }
    return removed;
}

/*** references ***/

/* An image embedded as a data: URL: a PNG or JPEG within the image limits, counted
 * into the SVG's total. False when it is to be taken out; sets s->refused when the
 * SVG is to be refused. */
static bool embedded_image_ok(san *s, long line, const char *v) {
    const char *comma = strchr(v, ',');
    if (!comma) return false;
    const char *type = NULL;
    size_t head = (size_t)(comma - v);
    if (head >= 5 + 9 && strncasecmp(v + 5, "image/png", 9) == 0) type = "png";
    else if (head >= 5 + 10 && strncasecmp(v + 5, "image/jpeg", 10) == 0) type = "jpeg";
    if (!type || head < 7 || strncasecmp(comma - 7, ";base64", 7) != 0) return false;
    gsize n = 0;
    guchar *bytes = g_base64_decode(comma + 1, &n);
    int w = 0, h = 0;
    bool read = bytes && image_header_size(bytes, n, type, &w, &h);
    g_free(bytes);
    if (!read) return false;
    if (!image_size_allowed(w, h)) {
        char *what = image_too_large(w, h);
        if (!s->refused) s->refused = xasprintf("holds an embedded image (line %ld) that is %s", line, what);
        free(what);
        return false;
    }
    s->pixels += (long)w * h;
    if (s->pixels > IMAGE_MAX_PIXELS && !s->refused)
        s->refused = xasprintf("holds embedded images of more than %ld million pixels together (line %ld)",
                               IMAGE_MAX_PIXELS / 1000000, line);
    return !s->refused;
}

static bool is_element(const xmlNode *n, const char *name) { return strcmp((const char *)n->name, name) == 0; }

/* A reference that may stay: inside the file, an image checked above, or a link. */
static bool href_allowed(san *s, const xmlNode *el, const char *v) {
    while (isspace((unsigned char)*v)) v++;
    if (*v == '#') return true;
    long line = xmlGetLineNo(el);
    if (strncasecmp(v, "data:", 5) == 0) return embedded_image_ok(s, line, v);
    return false;
}

/*** elements and attributes ***/

static const char *const forbidden_elements[] = {
    "script", "foreignObject", "handler", "listener", "iframe", "frame", "embed", "object", "applet", NULL};

static bool forbidden(const xmlNode *el) {
    for (int i = 0; forbidden_elements[i]; i++)
        if (strcasecmp((const char *)el->name, forbidden_elements[i]) == 0) return true;
    return false;
}

/* An animation that sets a link or an event handler (<set attributeName="href" to="javascript:…">). */
static bool animates_reference(const xmlNode *el) {
    static const char *const animations[] = {"set", "animate", "animateMotion", "animateTransform", "animateColor",
                                             NULL};
    bool animation = false;
    for (int i = 0; animations[i]; i++) animation |= is_element(el, animations[i]);
    if (!animation) return false;
    xmlChar *target = xmlGetProp(el, (const xmlChar *)"attributeName");
    bool bad = false;
    if (target) {
        const char *colon = strchr((const char *)target, ':');
        const char *local = colon ? colon + 1 : (const char *)target;
        bad = strcasecmp(local, "href") == 0 || strncasecmp(local, "on", 2) == 0;
    }
    xmllib_free(target);
    return bad;
}

/* A value with its url()s and @imports taken out; false when it must go whole. */
static bool clean_css_value(san *s, const char *what, long line, const char *css, char **out) {
    buf b;
    buf_init(&b);
    int removed = css_clean(css, &b);
    if (removed < 0) {
        buf_free(&b);
        note(s, line, "%s written with CSS escapes", what);
        return false;
    }
    if (removed > 0) note(s, line, "%d external reference%s in %s", removed, removed == 1 ? "" : "s", what);
    *out = removed > 0 ? buf_detach(&b, NULL) : NULL;
    buf_free(&b);
    return true;
}

static void check_entity_ref(san *s, const xmlNode *ref);

/* The largest font size an SVG may ask for: librsvg 2.54 aborts the process (a failed
 * assertion in its text layout) when the font it asks Pango for cannot be made, from
 * about 2 million units up (FreeType fails from about 100,000). In absolute units (px,
 * pt, mm… or none) and in units of the font size around it (em, ex, rem, %: 100 is
 * 10000 %). Relative sizes nested deep can still multiply past them. */
#define SAN_MAX_FONT_SIZE 10000.0
#define SAN_MAX_FONT_SCALE 100.0

/* Whether a font-size value (an attribute's, or the text of a CSS declaration of
 * font-size or font up to its end) asks for a size past the limits. */
static bool font_size_absurd(const char *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!(isdigit((unsigned char)v[i]) || (v[i] == '.' && i + 1 < n && isdigit((unsigned char)v[i + 1])))) continue;
        if (i > 0 && (isalnum((unsigned char)v[i - 1]) || v[i - 1] == '-' || v[i - 1] == '_')) {
            while (i + 1 < n && (isalnum((unsigned char)v[i + 1]) || v[i + 1] == '.')) i++; /* inside a name */
            continue;
        }
        char *end;
        double x = strtod(v + i, &end);
        size_t k = (size_t)(end - v);
        if (k > n) k = n;
        bool relative = k < n && (v[k] == '%' || starts_ci(v + k, "em") || starts_ci(v + k, "ex") ||
                                  starts_ci(v + k, "rem") || starts_ci(v + k, "ch"));
        double limit = k < n && v[k] == '%' ? SAN_MAX_FONT_SCALE * 100 : relative ? SAN_MAX_FONT_SCALE : SAN_MAX_FONT_SIZE;
        if (!(x <= limit)) return true; /* NaN and inf too */
        i = k > i ? k - 1 : i;
    }
    return false;
}

/* Whether CSS text declares a font-size or font past the limits. */
static bool css_font_absurd(const char *css) {
    for (const char *p = css; *p; p++) {
        if (!starts_ci(p, "font") || (p > css && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))) continue;
        const char *q = p + 4;
        if (starts_ci(q, "-size")) q += 5;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (*q != ':') continue;
        q++;
        if (font_size_absurd(q, strcspn(q, ";}"))) return true;
    }
    return false;
}

/* Refuses the SVG when el asks for a font size past the limits (its attributes or, for a
 * <style>, its text). */
static void check_font_sizes(san *s, const xmlNode *el, const char *style_text) {
    bool absurd = style_text && css_font_absurd(style_text);
    for (const xmlAttr *a = el->properties; a && !absurd; a = a->next) {
        const char *name = (const char *)a->name;
        bool font = strcmp(name, "font-size") == 0 || strcmp(name, "font") == 0, style = strcmp(name, "style") == 0;
        if (!font && !style) continue;
        xmlChar *value = xmlNodeGetContent((const xmlNode *)a);
        const char *v = value ? (const char *)value : "";
        absurd = font ? font_size_absurd(v, strlen(v)) : css_font_absurd(v);
        xmllib_free(value);
    }
    if (absurd && !s->refused)
        s->refused = xasprintf("asks for a font size past what can be drawn (line %ld; at most %g units, or %g em)",
                               xmlGetLineNo((xmlNode *)el), SAN_MAX_FONT_SIZE, SAN_MAX_FONT_SCALE);
}

/* The presentation attributes whose values SVG 1.1 lists: a value outside its list (the
 * "null" of some editors' "not set") is ignored by renderers, as if the attribute were not
 * there, but makes the file invalid to an e-book checker; such an attribute goes silently. */
static const struct {
    const char *name, *values;   /* values: space-separated */
} enumerated[] = {
    {"stroke-linejoin", "miter round bevel inherit"},
    {"stroke-linecap", "butt round square inherit"},
    {"fill-rule", "nonzero evenodd inherit"},
    {"clip-rule", "nonzero evenodd inherit"},
    {"text-anchor", "start middle end inherit"},
    {"visibility", "visible hidden collapse inherit"},
};

static bool value_listed(const char *list, const char *v) {
    v += strspn(v, " \t\r\n");
    size_t n = strlen(v);
    while (n > 0 && strchr(" \t\r\n", v[n - 1])) n--;
    for (const char *w = list; *w;) {
        size_t len = strcspn(w, " ");
        if (len == n && strncmp(w, v, n) == 0) return true;
        w += len + (w[len] == ' ');
    }
    return false;
}

static bool value_invalid(const xmlAttr *a, const char *v) {
    if (a->ns) return false;
    for (size_t i = 0; i < sizeof enumerated / sizeof *enumerated; i++)
        if (strcmp((const char *)a->name, enumerated[i].name) == 0) return !value_listed(enumerated[i].values, v);
    return false;
}

static void clean_attributes(san *s, xmlNode *el) {
    check_font_sizes(s, el, NULL);
    long line = xmlGetLineNo(el);
    for (xmlAttr *a = el->properties, *next; a; a = next) {
        next = a->next;
        for (xmlNode *t = a->children; t; t = t->next)
            if (t->type == XML_ENTITY_REF_NODE) check_entity_ref(s, t);
        const char *name = (const char *)a->name;
        xmlChar *value = xmlNodeGetContent((xmlNode *)a);
        const char *v = value ? (const char *)value : "";
        bool xml_ns = a->ns && a->ns->href && strcmp((const char *)a->ns->href, "http://www.w3.org/XML/1998/namespace") == 0;
        bool drop = false;
        if (strncasecmp(name, "on", 2) == 0) {
            note(s, line, "an event attribute '%s'", name);
            drop = true;
        } else if (strcmp(name, "href") == 0 && is_element(el, "a")) {
            /* librsvg turns a link into a PDF link tag, which cairo cannot hold inside
             * the form an SVG is drawn into; a figure's links are not the book's links */
            char *shown = shorten(v);
            note(s, line, "a link to '%s'", shown);
            free(shown);
            drop = true;
        } else if (strcmp(name, "href") == 0 || (xml_ns && strcmp(name, "base") == 0)) {
            if (!href_allowed(s, el, v)) {
                char *shown = shorten(v);
                note(s, line, "a reference to '%s'", shown);
                free(shown);
                drop = true;
            }
        } else if (strcasecmp(name, "style") == 0 || contains_ci(v, "url(") || contains_ci(v, "image-set(")) {
            char *what = xasprintf("the attribute '%s'", name), *clean = NULL;
            drop = !clean_css_value(s, what, line, v, &clean);
            if (clean) xmlSetNsProp(el, a->ns, a->name, (const xmlChar *)clean);
            free(clean);
            free(what);
        } else if (value_invalid(a, v)) {
            drop = true;
            s->rewritten = true;
        }
        xmllib_free(value);
        if (drop) xmlRemoveProp(a);
    }
}

/* A <style> element's CSS, cleaned like an attribute's; false when it must go whole. */
static bool clean_style_element(san *s, xmlNode *el) {
    xmlChar *css = xmlNodeGetContent(el);
    check_font_sizes(s, el, css ? (const char *)css : "");
    char *clean = NULL;
    bool keep = clean_css_value(s, "a <style> element", xmlGetLineNo(el), css ? (const char *)css : "", &clean);
    if (keep && clean) {
        while (el->children) {
            xmlNode *c = el->children;
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        xmlAddChild(el, xmlNewDocText(s->doc, (const xmlChar *)clean));
    }
    free(clean);
    xmllib_free(css);
    return keep;
}

/* An <a> whose link is gone becomes the group it always was. */
static void unlink_element(xmlNode *a) {
    static const char *const link_attributes[] = {"target", "show", "actuate", "type", "role", "arcrole", "title",
                                                  "download", "ping", "rel", "hreflang", "referrerpolicy", NULL};
    for (xmlAttr *at = a->properties, *next; at; at = next) {
        next = at->next;
        for (int i = 0; link_attributes[i]; i++)
            if (strcmp((const char *)at->name, link_attributes[i]) == 0) {
                xmlRemoveProp(at);
                break;
            }
    }
    xmlNodeSetName(a, (const xmlChar *)"g");
}

static void drop_node(xmlNode *n) {
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* A reference to an entity the file does not declare (an external DTD might, but
 * nothing is read from one): a reading system could not read the file. */
static void check_entity_ref(san *s, const xmlNode *ref) {
    if (!s->refused && !xmlGetDocEntity(s->doc, ref->name))
        s->refused = xasprintf("refers to an entity it does not declare: '&%s;' (line %ld)", (const char *)ref->name,
                               xmlGetLineNo(ref->parent ? ref->parent : ref));
}

/* Text that SVG never shows and EPUB's SVG schema refuses (EPUBCheck RSC-005, "text not
 * allowed here"): characters straight inside an SVG element that holds no text, such as a
 * stray "&gt;" after <svg …>. */
static bool stray_text(const xmlNode *parent, const xmlNode *t) {
    static const char *const holds_text[] = {"text", "tspan", "textPath", "tref", "altGlyph", "title", "desc",
                                             "style", "script", "metadata", NULL};
    if ((t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE) || parent->type != XML_ELEMENT_NODE)
        return false;
    if (!parent->ns || !parent->ns->href || strcmp((const char *)parent->ns->href, "http://www.w3.org/2000/svg") != 0)
        return false;
    for (int i = 0; holds_text[i]; i++)
        if (strcmp((const char *)parent->name, holds_text[i]) == 0) return false;
    for (const xmlChar *p = t->content; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') return true;
    return false;
}

/* libxml2 limits the depth of what it reads (256), which bounds this recursion. */
static void clean_children(san *s, xmlNode *parent) {
    for (xmlNode *c = parent->children, *next; c && !s->refused; c = next) {
        next = c->next;
        if (stray_text(parent, c)) {
            drop_node(c);
            s->rewritten = true;
        } else if (c->type == XML_ENTITY_REF_NODE) {
            check_entity_ref(s, c);
        } else if (c->type == XML_PI_NODE) {
            note(s, xmlGetLineNo(c), "a processing instruction <?%s?>", (const char *)c->name);
            drop_node(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            if (forbidden(c)) {
                note(s, xmlGetLineNo(c), "a <%s> element", (const char *)c->name);
                drop_node(c);
            } else if (animates_reference(c)) {
                note(s, xmlGetLineNo(c), "a <%s> animating a reference or an event", (const char *)c->name);
                drop_node(c);
            } else if (is_element(c, "style") && !clean_style_element(s, c)) {
                drop_node(c);
            } else {
                clean_attributes(s, c);
                if (is_element(c, "a")) unlink_element(c);
                clean_children(s, c);
            }
        }
    }
}

/* External entities are refused (nothing may be fetched or read from elsewhere). The
 * doctype loses its external identifiers, which EPUB 3 forbids (EPUBCheck OPF-073):
 * silently for the public SVG 1.0 and 1.1 ones, which every drawing program writes and
 * which add nothing, with a note for any other; a doctype left empty goes. */
static void check_doctype(san *s) {
    xmlDtd *dtd = s->doc->intSubset;
    if (!dtd) return;
    for (xmlNode *c = dtd->children; c && !s->refused; c = c->next) {
        if (c->type != XML_ENTITY_DECL) continue;
        xmlEntity *e = (xmlEntity *)c;
        if (e->etype != XML_INTERNAL_GENERAL_ENTITY && e->etype != XML_INTERNAL_PREDEFINED_ENTITY)
            s->refused = xasprintf("declares an external or parameter entity '%s' (line %ld)", (const char *)e->name,
                                   xmlGetLineNo((xmlNode *)dtd));
    }
    const char *pub = (const char *)dtd->ExternalID;
    bool svg_dtd = pub && (strcmp(pub, "-//W3C//DTD SVG 1.1//EN") == 0 || strcmp(pub, "-//W3C//DTD SVG 1.0//EN") == 0 ||
                           strcmp(pub, "-//W3C//DTD SVG 20010904//EN") == 0);
    if (s->refused || !(dtd->ExternalID || dtd->SystemID)) return;
    if (svg_dtd)
        s->rewritten = true;
    else
        note(s, xmlGetLineNo((xmlNode *)dtd), "an external document type '%s'",
             dtd->SystemID ? (const char *)dtd->SystemID : pub);
    xmllib_free((xmlChar *)dtd->ExternalID), xmllib_free((xmlChar *)dtd->SystemID);
    dtd->ExternalID = dtd->SystemID = NULL;
    if (!dtd->children) {
        xmlUnlinkNode((xmlNode *)dtd);
        s->doc->intSubset = NULL;
        xmlFreeDtd(dtd);
    }
}

/*** reading and writing ***/

static xmlParserInputPtr no_external_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url, (void)id, (void)ctxt;
    return NULL;
}

static void install_entity_loader(void) { xmlSetExternalEntityLoader(no_external_entities); }

static char *removed_list(const san *s) {
    buf b;
    buf_init(&b);
    int shown = s->n_removed < SAN_MAX_NOTES ? s->n_removed : SAN_MAX_NOTES;
    for (int i = 0; i < shown; i++) buf_printf(&b, "%s%s", i ? ", " : "", s->notes[i]);
    if (s->n_removed > shown) buf_printf(&b, " and %d more", s->n_removed - shown);
    return buf_detach(&b, NULL);
}

/* One pass of cleaning. */
/*** <use> bombs ***/

/* The most elements an SVG may draw, counting each <use> as a copy of what it names:
 * ten groups each using the one before ten times are 10^9 elements, which librsvg gave up
 * on after 36 s with an error that left the PDF unfinished (and librsvg loads at most a
 * million elements itself). */
#define SAN_MAX_DRAWN 1000000L
#define SAN_MAX_USE_DEPTH 256

typedef struct drawn {
    GHashTable *ids;     /* id -> element */
    GHashTable *counts;  /* element -> elements it draws, + 1 (0: being counted, a cycle) */
    bool too_deep;
} drawn;

static void collect_ids(GHashTable *ids, xmlNode *parent) {
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        xmlChar *id = xmlGetProp(c, (const xmlChar *)"id");
        if (id && !g_hash_table_contains(ids, id)) g_hash_table_insert(ids, g_strdup((const char *)id), c);
        xmllib_free(id);
        collect_ids(ids, c);
    }
}

/* The element a <use> names inside the file, or NULL. */
static xmlNode *use_target(drawn *dw, xmlNode *use) {
    xmlChar *v = xmlGetProp(use, (const xmlChar *)"href");
    if (!v) v = xmlGetNsProp(use, (const xmlChar *)"href", (const xmlChar *)"http://www.w3.org/1999/xlink");
    const char *p = v ? (const char *)v : "";
    while (isspace((unsigned char)*p)) p++;
    xmlNode *t = *p == '#' ? g_hash_table_lookup(dw->ids, p + 1) : NULL;
    xmllib_free(v);
    return t;
}

/* How many elements el draws, itself included, up to SAN_MAX_DRAWN + 1. */
static long count_drawn(drawn *dw, xmlNode *el, int depth) {
    gpointer seen;
    if (g_hash_table_lookup_extended(dw->counts, el, NULL, &seen)) {
        long n = GPOINTER_TO_SIZE(seen);
        return n > 0 ? n - 1 : 0; /* a cycle draws nothing more (librsvg refuses it) */
    }
    if (depth > SAN_MAX_USE_DEPTH) {
        dw->too_deep = true;
        return SAN_MAX_DRAWN + 1;
    }
    g_hash_table_insert(dw->counts, el, GSIZE_TO_POINTER(0));
    long n = 1;
    for (xmlNode *c = el->children; c && n <= SAN_MAX_DRAWN; c = c->next)
        if (c->type == XML_ELEMENT_NODE) n += count_drawn(dw, c, depth + 1);
    if (n <= SAN_MAX_DRAWN && is_element(el, "use")) {
        xmlNode *t = use_target(dw, el);
        if (t) n += count_drawn(dw, t, depth + 1);
    }
    if (n > SAN_MAX_DRAWN) n = SAN_MAX_DRAWN + 1;
    g_hash_table_insert(dw->counts, el, GSIZE_TO_POINTER((size_t)n + 1));
    return n;
}

/* Refuses an SVG whose <use> elements multiply what it draws past SAN_MAX_DRAWN. */
static void check_use_bomb(san *s) {
    xmlNode *root = xmlDocGetRootElement(s->doc);
    if (!root || s->refused) return;
    drawn dw = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), g_hash_table_new(NULL, NULL), false};
    collect_ids(dw.ids, root);
    if (g_hash_table_size(dw.ids) > 0 && count_drawn(&dw, root, 0) > SAN_MAX_DRAWN)
        s->refused = dw.too_deep ? xasprintf("has <use> references nested deeper than %d", SAN_MAX_USE_DEPTH)
                                 : xasprintf("draws more than %ld elements through its <use> references", SAN_MAX_DRAWN);
    g_hash_table_destroy(dw.ids);
    g_hash_table_destroy(dw.counts);
}

static bool clean_once(const unsigned char *svg, size_t len, svgsan_result *r) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_entity_loader);
    memset(r, 0, sizeof *r);
    if (len > INT32_MAX) {
        r->refused = xstrdup("is too large to be read as XML");
        return false;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        fprintf(stderr, "quire: out of memory\n");
        abort();
    }
    san s = {0};
    s.doc = xmlCtxtReadMemory(ctxt, (const char *)svg, (int)len, NULL, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (s.doc && !ctxt->wellFormed) {
        xmlFreeDoc(s.doc);
        s.doc = NULL;
    }
    if (!s.doc) {
        const char *msg = ctxt->lastError.message ? ctxt->lastError.message : "unreadable\n";
        r->refused = xasprintf("cannot be read as XML (%.*s, line %d)", (int)strcspn(msg, "\n"), msg,
                               ctxt->lastError.line);
        xmlFreeParserCtxt(ctxt);
        return false;
    }
    xmlFreeParserCtxt(ctxt);
    check_doctype(&s);
    if (!s.refused) clean_children(&s, (xmlNode *)s.doc);
    check_use_bomb(&s);
    if (s.refused) {
        r->refused = s.refused;
    } else if (s.n_removed || s.rewritten) {
        xmlChar *mem = NULL;
        int size = 0;
        xmlDocDumpMemoryEnc(s.doc, &mem, &size, "UTF-8");
        r->data = xmalloc(size > 0 ? (size_t)size : 1);
        memcpy(r->data, mem, size > 0 ? (size_t)size : 0);
        r->len = size > 0 ? (size_t)size : 0;
        xmllib_free(mem);
        r->removed = s.n_removed ? removed_list(&s) : NULL;
    }
    for (int i = 0; i < SAN_MAX_NOTES; i++) free(s.notes[i]);
    xmlFreeDoc(s.doc);
    return r->refused == NULL;
}

/* Taking a piece out can join its neighbours into something new ("url(" + "http:…"), so
 * the output is cleaned again until a pass takes nothing out; one that never settles is
 * refused. */
#define SAN_MAX_PASSES 4

bool svgsan_clean(const unsigned char *svg, size_t len, svgsan_result *r) {
    if (!clean_once(svg, len, r) || !r->data) return r->refused == NULL;
    for (int pass = 1; pass < SAN_MAX_PASSES; pass++) {
        svgsan_result again;
        bool ok = clean_once(r->data, r->len, &again);
        if (!ok) {
            svgsan_result_free(r);
            *r = again;
            return false;
        }
        if (!again.data) return true; /* settled: r holds the clean SVG and what the first pass took */
        free(r->data);
        r->data = again.data, r->len = again.len;
        if (!r->removed) r->removed = again.removed, again.removed = NULL;
        free(again.removed);
    }
    svgsan_result_free(r);
    r->refused = xstrdup("cannot be made safe: taking out its scripts and references keeps leaving new ones");
    return false;
}

void svgsan_result_free(svgsan_result *r) {
    free(r->data), free(r->removed), free(r->refused);
    memset(r, 0, sizeof *r);
}
