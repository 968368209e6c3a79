/* uri: URLs as the writers put them in links, and the lexical tests both the loader
 * and the writers make on references ("has it a scheme?", "where does this path lead?"). */
#include "base/uri.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void uri_put(buf *out, const char *url) {
    static const char hex[] = "0123456789ABCDEF";
    if (!url) return;
    const unsigned char *p = (const unsigned char *)url;
    bool fragment = false;
    for (size_t i = 0; p[i]; i++) {
        unsigned char c = p[i];
        bool keep;
        if (c == '%') keep = is_hex(p[i + 1]) && is_hex(p[i + 2]);
        else if (c == '#') {
            keep = !fragment; /* the first one starts the fragment, which may not hold another */
            fragment = true;
        }
        else keep = c > 0x20 && c < 0x7F && !strchr("\"<>\\^`{|}", c);
        if (keep) buf_putc(out, (char)c);
        else buf_printf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
}

char *uri_encode(const char *url) {
    buf b;
    buf_init(&b);
    uri_put(&b, url ? url : "");
    return buf_detach(&b, NULL);
}

bool uri_host_ok(const char *url) {
    if (!url) return false;
    const char *p = url;
    while (*p && *p != ':' && !strchr("/?#", *p)) p++;
    if (p == url || p[0] != ':' || p[1] != '/' || p[2] != '/') return true; /* no authority */
    p += 3;
    size_t n = strcspn(p, "/?#");
    const char *at = NULL;
    for (const char *q = p; q < p + n; q++)
        if (*q == '@') at = q;
    const char *host = at ? at + 1 : p, *end = p + n;
    if (host < end && *host == '[') { /* an IP literal: [::1], then maybe :port */
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close) return false;
        for (const char *q = host + 1; q < close; q++)
            if (!is_hex((unsigned char)*q) && *q != ':' && *q != '.' && *q != 'v' && *q != 'V') return false;
        host = close + 1;
        if (host < end && *host != ':') return false;
    }
    const char *colon = memchr(host, ':', (size_t)(end - host));
    if (colon) {
        for (const char *q = colon + 1; q < end; q++)
            if (*q < '0' || *q > '9') return false;
        end = colon;
    }
    for (const char *q = host; q < end; q++) {
        unsigned char c = (unsigned char)*q;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=", c)))
            return false;
    }
    return true;
}

bool uri_has_scheme(const char *ref) {
    const char *p = ref;
    if (!isalpha((unsigned char)*p)) return false;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') p++;
    return *p == ':';
}

/* Lexical clean-up of a relative path: drops "." and empty parts, folds "..".
 * NULL when ".." climbs above the start. Caller frees. */
char *path_normalise(const char *rel) {
    char *copy = xstrdup(rel);
    char **parts = xmalloc((strlen(copy) + 1) * sizeof *parts);
    size_t n = 0;
    bool escaped = false;
    char *save = NULL;
    for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0) continue;
        if (strcmp(tok, "..") == 0) {
            if (n == 0) escaped = true;
            else n--;
            continue;
        }
        parts[n++] = tok;
    }
    char *out = NULL;
    if (!escaped) {
        buf b;
        buf_init(&b);
        buf_puts(&b, "");
        for (size_t i = 0; i < n; i++) {
            if (i) buf_putc(&b, '/');
            buf_puts(&b, parts[i]);
        }
        out = buf_detach(&b, NULL);
    }
    free(parts);
    free(copy);
    return out;
}

char *uri_percent_decode(const char *s, size_t n) {
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
            isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            out[o++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}
