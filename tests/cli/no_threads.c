/* Preloaded by no_threads.sh: pthread_create fails with EAGAIN, as it does for a process
 * at its thread limit, for every thread quire's own code starts (its start routine lies
 * in the program). Threads the libraries start (fontconfig's, for one) still start: GLib
 * aborts when it cannot make them. Each refusal adds a line to $QUIRE_NO_THREADS_LOG. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

/* The first object listed is the program: is the address in one of its segments? */
static int in_program(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    uintptr_t *q = data; /* q[0]: the address, q[1]: the answer */
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && q[0] >= lo && q[0] < lo + ph->p_memsz) q[1] = 1;
    }
    return 1;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    uintptr_t q[2] = {(uintptr_t)start, 0};
    dl_iterate_phdr(in_program, q);
    if (!q[1]) {
        create_fn next = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
        return next ? next(thread, attr, start, arg) : EAGAIN;
    }
    const char *log = getenv("QUIRE_NO_THREADS_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fputs("refused\n", f);
        fclose(f);
    }
    return EAGAIN;
}
