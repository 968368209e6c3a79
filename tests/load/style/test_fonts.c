/* Font tests: the bundled fonts/ folder yields four faces per family, unknown families are
 * refused at the style's position, and Pango renders with the bundled files only. */
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "load/fonts.h"
#include "load/style.h"
#include "model/fontset.h"
#include "print/fontmap.h"

static const char *font_dir = QUIRE_SOURCE_DIR "/fonts";

static model_book *book_with(const char *style_path, const char *dir) {
    model_book *b = model_book_new();
    diag d;
    diag_init(&d);
    b->style = style_load(style_path, &d);
    diag_free(&d);
    b->font_dirs = arena_alloc(b->mem, sizeof *b->font_dirs);
    b->font_dirs[0] = dir;
    b->n_font_dirs = dir ? 1 : 0;
    return b;
}

static void test_scan(void) {
    model_book *b = book_with(QUIRE_SOURCE_DIR "/styles/brochure.yaml", font_dir);
    OK(b->style != NULL, "brochure loads");
    diag d;
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    OK(fonts_scan(b, &d), "scan: %s", d.captured ? d.captured : "");
    INT_EQ(b->n_fonts, 10);
    static const struct {
        const char *family, *file;
        int weight;
        bool italic;
    } want[] = {
        {"Charis SIL", "CharisSIL-Regular.ttf", 400, false}, {"Charis SIL", "CharisSIL-Italic.ttf", 400, true},
        {"Charis SIL", "CharisSIL-Bold.ttf", 700, false},    {"Charis SIL", "CharisSIL-BoldItalic.ttf", 700, true},
        {"Lato", "Lato-Regular.ttf", 400, false},   {"Lato", "Lato-Italic.ttf", 400, true},
        {"Lato", "Lato-Bold.ttf", 700, false},      {"Lato", "Lato-BoldItalic.ttf", 700, true},
        {"Noto Sans Mono", "NotoSansMono-Regular.ttf", 400, false}, {"Noto Sans Mono", "NotoSansMono-Bold.ttf", 700, false},
    };
    for (size_t i = 0; i < b->n_fonts && i < 10; i++) {
        const model_font *f = &b->fonts[i];
        STR_EQ(f->family, want[i].family);
        STR_EQ(f->file_name, want[i].file);
        INT_EQ(f->weight, want[i].weight);
        INT_EQ(f->italic, want[i].italic);
        STR_EQ(f->media_type, "font/ttf");
        OK(strncmp(f->path, font_dir, strlen(font_dir)) == 0 && access(f->path, R_OK) == 0, "path %s", f->path);
    }
    /* The configuration is cached per set of folders and holds only the bundled files. */
    FcConfig *c = fontset_config(b);
    OK(c == fontset_config(b), "config cached");
    FcFontSet *app = FcConfigGetFonts(c, FcSetApplication);
    FcFontSet *sys = FcConfigGetFonts(c, FcSetSystem);
    OK(app && app->nfont == 10, "10 application faces, got %d", app ? app->nfont : -1);
    OK(!sys || sys->nfont == 0, "no system fonts");
    OK(fontmap_for(b) == fontmap_for(b), "font map cached");
    diag_free(&d);
    model_book_free(b);
}

/* The file Pango picks for a description, through the module's font map. */
static char *file_for(model_book *b, const char *desc_text) {
    PangoContext *ctx = pango_font_map_create_context(fontmap_for(b));
    PangoFontDescription *desc = pango_font_description_from_string(desc_text);
    PangoFont *font = pango_font_map_load_font(fontmap_for(b), ctx, desc);
    char *file = NULL;
    if (font && PANGO_IS_FC_FONT(font)) {
        FcChar8 *f;
        if (FcPatternGetString(pango_fc_font_get_pattern(PANGO_FC_FONT(font)), FC_FILE, 0, &f) == FcResultMatch)
            file = xstrdup((const char *)f);
    }
    if (font) g_object_unref(font);
    pango_font_description_free(desc);
    g_object_unref(ctx);
    return file;
}

static void test_pango(void) {
    model_book *b = book_with(QUIRE_SOURCE_DIR "/styles/brochure.yaml", font_dir);
    static const struct {
        const char *desc, *file;
    } cases[] = {
        {"Charis SIL 10", "/fonts/charis-sil/CharisSIL-Regular.ttf"},
        {"Charis SIL Bold Italic 10", "/fonts/charis-sil/CharisSIL-BoldItalic.ttf"},
        {"Lato Bold 22", "/fonts/lato/Lato-Bold.ttf"},
        {"Lato Italic 8", "/fonts/lato/Lato-Italic.ttf"},
        /* A family the machine may have but the book does not: still a bundled file. */
        {"DejaVu Sans 10", "/fonts/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *file = file_for(b, cases[i].desc);
        OK(file && strncmp(file, QUIRE_SOURCE_DIR, strlen(QUIRE_SOURCE_DIR)) == 0 &&
               strstr(file + strlen(QUIRE_SOURCE_DIR), cases[i].file) == file + strlen(QUIRE_SOURCE_DIR),
           "%s -> %s", cases[i].desc, file ? file : "(none)");
        free(file);
    }

    /* Shaping real text: every glyph of a Latin sentence exists in Charis SIL. */
    PangoContext *ctx = pango_font_map_create_context(fontmap_for(b));
    PangoLayout *layout = pango_layout_new(ctx);
    PangoFontDescription *desc = pango_font_description_from_string("Charis SIL 10.5");
    pango_layout_set_font_description(layout, desc);
    pango_layout_set_text(layout, "Interventional oncology — “minimally invasive”, ﬁne.", -1);
    OK(pango_layout_get_unknown_glyphs_count(layout) == 0, "unknown glyphs: %d",
       pango_layout_get_unknown_glyphs_count(layout));
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    OK(w > 100 && h > 5, "laid out %dx%d", w, h);
    pango_font_description_free(desc);
    g_object_unref(layout);
    g_object_unref(ctx);
    model_book_free(b);
}

static void test_unknown_family(void) {
    char dir[] = "/tmp/quire-fonts-XXXXXX";
    if (!mkdtemp(dir)) return;
    char *path = xasprintf("%s/s.yaml", dir);
    const char *yaml = "h2:\n  font-family: Helvetica\nquote:\n  font-family: Charis SIL\n";
    if (file_write_atomic(path, yaml, strlen(yaml)) != 0) exit(2);
    model_book *b = book_with(path, font_dir);
    OK(b->style != NULL, "style with an unknown family still loads");
    diag d;
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    OK(b->style && !fonts_scan(b, &d), "unknown family refused");
    INT_EQ(d.errors, 1);
    char *want = xasprintf("%s:2:16: error: unknown font family 'Helvetica'; bundled families: Charis SIL, Lato, Noto Sans Mono", path);
    STR_EQ(d.captured, want);
    free(want);
    diag_free(&d);
    model_book_free(b);

    /* A body family that is not bundled is reported once, at the body, even though
     * the roles following the body inherit it. */
    yaml = "body:\n  font-family: Garamond\n";
    if (file_write_atomic(path, yaml, strlen(yaml)) != 0) exit(2);
    b = book_with(path, font_dir);
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    OK(!fonts_scan(b, &d), "body family refused");
    INT_EQ(d.errors, 1);
    OK(d.captured && strstr(d.captured, ":2:16: error: unknown font family 'Garamond'"), "%s", d.captured);
    diag_free(&d);
    model_book_free(b);

    /* No font folders at all. */
    b = book_with(QUIRE_SOURCE_DIR "/styles/brochure.yaml", NULL);
    diag_init(&d);
    d.out = NULL;
    d.capture = true;
    OK(!fonts_scan(b, &d), "no fonts refused");
    OK(d.errors == 3 && strstr(d.captured, "unknown font family 'Charis SIL'; bundled families: (none found)"), "%s",
       d.captured ? d.captured : "");
    diag_free(&d);
    model_book_free(b);

    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void) {
    test_scan();
    test_pango();
    test_unknown_family();
    /* No fontset_release (FcFini) here: pango_font_map_load_font leaves Pango's fontconfig
     * thread sorting the fontset in the background, and FcFini while it runs aborts in
     * FcCacheFini. quire itself finalises only after layout, when no sort is pending. */
    fontmap_release();
    return CHECK_DONE();
}
