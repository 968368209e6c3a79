/* lazylib: dlopen on first use, or ahead on a thread. */
#include "base/lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void cannot_load(const lazylib *l, const char *why) {
    fprintf(stderr, "quire: cannot load %s: %s\n", l->soname, why ? why : "unknown error");
    exit(127);
}

void *lazylib_symbol(const lazylib *l, void *handle, const char *name) {
    void *sym = dlsym(handle, name);
    if (!sym) cannot_load(l, dlerror());
    return sym;
}

void lazylib_need(lazylib *l) {
    if (atomic_load_explicit(&l->ready, memory_order_acquire)) return;
    if (l->needs) lazylib_need(l->needs);
    pthread_mutex_lock(&l->mu);
    if (!atomic_load_explicit(&l->ready, memory_order_relaxed)) {
        void *handle = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL);
        if (!handle) cannot_load(l, dlerror());
        l->bind(handle); /* the handle stays open for the life of the process */
        atomic_store_explicit(&l->ready, true, memory_order_release);
    }
    pthread_mutex_unlock(&l->mu);
}

static struct {
    lazylib *libs[8];
    int n;
    pthread_t tid;
    bool running;
} preload;

static void *preload_main(void *arg) {
    (void)arg;
    for (int i = 0; i < preload.n; i++) lazylib_need(preload.libs[i]);
    return NULL;
}

void lazylib_preload(lazylib *const *libs, int n) {
    if (preload.running) return;
    preload.n = 0;
    for (int i = 0; i < n && preload.n < 8; i++)
        if (!atomic_load_explicit(&libs[i]->ready, memory_order_acquire)) preload.libs[preload.n++] = libs[i];
    preload.running = preload.n > 0 && pthread_create(&preload.tid, NULL, preload_main, NULL) == 0;
}

void lazylib_preload_join(void) {
    if (preload.running) pthread_join(preload.tid, NULL);
    preload.running = false;
}
