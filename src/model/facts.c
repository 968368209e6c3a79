/* facts: labels by language and the book's contents, computed once for both writers. */
#include "model/facts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const model_labels labels_table[] = {
    {"en", "Contents", "Landmarks", "Cover", "Start of content", "Back to text", "Table", "Pages", "print edition"},
    {"fr", "Table des matières", "Repères", "Couverture", "Début du contenu", "Retour au texte", "Tableau", "Pages", "édition imprimée"},
    {"de", "Inhalt", "Orientierungspunkte", "Umschlag", "Beginn des Inhalts", "Zurück zum Text", "Tabelle", "Seiten", "Druckausgabe"},
    {"es", "Índice", "Puntos de referencia", "Cubierta", "Inicio del contenido", "Volver al texto", "Tabla", "Páginas", "edición impresa"},
    {"it", "Indice", "Punti di riferimento", "Copertina", "Inizio del contenuto", "Torna al testo", "Tabella", "Pagine", "edizione a stampa"},
    {"nl", "Inhoud", "Oriëntatiepunten", "Omslag", "Begin van de inhoud", "Terug naar de tekst", "Tabel", "Pagina's", "gedrukte editie"},
    {"pt", "Sumário", "Pontos de referência", "Capa", "Início do conteúdo", "Voltar ao texto", "Tabela", "Páginas", "edição impressa"},
};

const model_labels *model_labels_for(const char *language) {
    const char *l = language ? language : "";
    size_t n = strcspn(l, "-_");
    for (size_t i = 0; i < sizeof labels_table / sizeof labels_table[0]; i++)
        if (n == strlen(labels_table[i].lang) && strncasecmp(l, labels_table[i].lang, n) == 0) return &labels_table[i];
    return &labels_table[0];
}

const char *model_contents_title(const model_book *book) {
    const char *t = book->meta.contents_title;
    return t && *t ? t : model_labels_for(book->meta.language)->contents;
}

static void add_entry(model_book *book, size_t *cap, model_contents_entry e) {
    if (book->n_contents == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        model_contents_entry *grown = arena_alloc(book->mem, *cap * sizeof *grown);
        if (book->n_contents) memcpy(grown, book->contents, book->n_contents * sizeof *grown);
        book->contents = grown;
    }
    book->contents[book->n_contents++] = e;
}

/* The heading's plain text in the book's arena; the chapter title when it has none. */
static const char *entry_text(model_book *book, const model_chapter *ch, const model_node *h) {
    char *t = model_plain_text(h);
    const char *s = t && *t ? arena_strdup(book->mem, t) : ch->title && *ch->title ? ch->title : h->id;
    free(t);
    return s;
}

void model_contents_build(model_book *book, int depth) {
    size_t cap = 0;
    int open[6], n_open = 0; /* source levels of the headings above this one, rising */
    book->contents = NULL;
    book->n_contents = 0;
    for (size_t ci = 0; ci < book->n_chapters; ci++) {
        const model_chapter *ch = &book->chapters[ci];
        size_t before = book->n_contents;
        model_iter it;
        model_iter_init(&it, ch->root);
        const model_node *n;
        model_event ev;
        while (ch->root && (ev = model_iter_next(&it, &n)) != MODEL_EVENT_NONE) {
            if (ev != MODEL_EVENT_ENTER || n->type != MODEL_HEADING || !n->id) continue;
            int level = n->as.heading.level < 1 ? 1 : n->as.heading.level > 6 ? 6 : n->as.heading.level;
            while (n_open && open[n_open - 1] >= level) n_open--;
            open[n_open++] = level;
            ((model_node *)n)->as.heading.outline = n_open; /* a ### under a # is second, not third */
            /* listed at that depth too: a chapter that opens with ### is a top entry */
            if (n_open > depth) continue;
            add_entry(book, &cap, (model_contents_entry){n_open, (int)ci, n, entry_text(book, ch, n)});
            ((model_node *)n)->as.heading.contents = (int)book->n_contents; /* the book's own tree, writable */
        }
        if (book->n_contents == before) /* a chapter without headings still gets an entry */
            add_entry(book, &cap,
                      (model_contents_entry){1, (int)ci, NULL, ch->title && *ch->title ? ch->title : ch->file});
    }
}
