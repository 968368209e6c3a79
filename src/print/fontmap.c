/* fontmap: two font maps per fontconfig configuration, made on demand and kept for the
 * life of the process, so Pango's glyph caches last across builds (watch). */
#include "print/fontmap.h"

#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "model/fontset.h"

typedef struct fontmap_entry {
    FcConfig *config;       /* owned by model/fontset */
    PangoFontMap *map;
    PangoFontMap *map2;     /* a second map on the same configuration, for a second thread */
    struct fontmap_entry *next;
} fontmap_entry;

static fontmap_entry *cache_head;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static PangoFontMap *new_map(FcConfig *config) {
    /* Pango starts a thread that loads fontconfig's default configuration; loading it
     * here first makes that thread return at once, so fontset_release cannot race it. */
    FcInit();
    /* A FreeType (fontconfig) map of our own, never the shared default one. */
    PangoFontMap *m = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!m) {
        fprintf(stderr, "quire: Pango has no FreeType font map\n");
        abort();
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(m), config);
    return m;
}

/* Finds or makes the entry for a configuration; call with cache_lock held. */
static fontmap_entry *cache_entry(FcConfig *config) {
    for (fontmap_entry *e = cache_head; e; e = e->next)
        if (e->config == config) return e;
    fontmap_entry *e = xcalloc(1, sizeof *e);
    e->config = config;
    e->next = cache_head;
    cache_head = e;
    return e;
}

static PangoFontMap *map_for(const model_book *book, bool second) {
    FcConfig *config = fontset_config(book);
    pthread_mutex_lock(&cache_lock);
    fontmap_entry *e = cache_entry(config);
    PangoFontMap **slot = second ? &e->map2 : &e->map;
    if (!*slot) *slot = new_map(config);
    PangoFontMap *m = *slot;
    pthread_mutex_unlock(&cache_lock);
    return m;
}

PangoFontMap *fontmap_for(const model_book *book) { return map_for(book, false); }

PangoFontMap *fontmap_second(const model_book *book) { return map_for(book, true); }

static FcConfig *system_config;
static bool system_tried;
static PangoFontMap *system_maps[2];

/* Call with cache_lock held. */
static FcConfig *system_config_locked(void) {
    if (!system_tried) {
        system_tried = true;
        system_config = FcInitLoadConfigAndFonts();
    }
    return system_config;
}

PangoFontMap *fontmap_system(bool second) {
    pthread_mutex_lock(&cache_lock);
    FcConfig *c = system_config_locked();
    PangoFontMap **slot = &system_maps[second ? 1 : 0];
    if (c && !*slot) *slot = new_map(c);
    PangoFontMap *m = *slot;
    pthread_mutex_unlock(&cache_lock);
    return m;
}

char *fontmap_system_family(gunichar ch) {
    pthread_mutex_lock(&cache_lock);
    FcConfig *c = system_config_locked();
    char *family = NULL;
    if (c) {
        FcPattern *pat = FcPatternCreate();
        FcCharSet *cs = FcCharSetCreate();
        FcCharSetAddChar(cs, ch);
        FcPatternAddCharSet(pat, FC_CHARSET, cs);
        FcConfigSubstitute(c, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcFontSet *fs = FcFontSort(c, pat, FcFalse, NULL, &res);
        for (int i = 0; fs && i < fs->nfont && !family; i++) {
            FcCharSet *has = NULL;
            FcChar8 *fam = NULL;
            if (FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &has) == FcResultMatch && FcCharSetHasChar(has, ch) &&
                FcPatternGetString(fs->fonts[i], FC_FAMILY, 0, &fam) == FcResultMatch)
                family = xstrdup((const char *)fam);
        }
        if (fs) FcFontSetDestroy(fs);
        FcCharSetDestroy(cs);
        FcPatternDestroy(pat);
    }
    pthread_mutex_unlock(&cache_lock);
    return family;
}

void fontmap_release(void) {
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < 2; i++) {
        if (!system_maps[i]) continue;
        pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(system_maps[i]), NULL);
        g_object_unref(system_maps[i]);
        system_maps[i] = NULL;
    }
    if (system_config) FcConfigDestroy(system_config);
    system_config = NULL;
    system_tried = false;
    while (cache_head) {
        fontmap_entry *e = cache_head;
        cache_head = e->next;
        /* Pango 1.50 keeps its reference to the configuration past finalisation: drop it first. */
        PangoFontMap *maps[2] = {e->map, e->map2};
        for (int i = 0; i < 2; i++) {
            if (!maps[i]) continue;
            pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(maps[i]), NULL);
            g_object_unref(maps[i]);
        }
        free(e);
    }
    pthread_mutex_unlock(&cache_lock);
}
