/* lazylib: a shared library opened with dlopen when first used, not mapped by the
 * dynamic loader at start. For the heavy libraries only some work needs (libqpdf
 * with its C++ and TLS stack, librsvg and libxml2 with ICU): mapping and relocating
 * them at start was most of the start-up of every command, `--version` included.
 *
 * A module wrapping one defines functions with the library's own names and
 * prototypes (its header is included, so the compiler checks them), each forwarding
 * through a pointer its bind function looked up. */
#ifndef QUIRE_LAZYLIB_H
#define QUIRE_LAZYLIB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct lazylib {
    const char *soname;          /* the name the dynamic loader knows it by ("libqpdf.so.29") */
    void (*bind)(void *handle);  /* fills the module's pointers (lazylib_symbol) */
    struct lazylib *needs;       /* opened first: one of its dependencies that quire opens too (a
                                  * library dlopen'd after being mapped as another's dependency
                                  * leaves the loader's list of that mapping unreferenced) */
    pthread_mutex_t mu;
    atomic_bool ready;
} lazylib;

#define LAZYLIB_INIT(soname, bind, needs) {soname, bind, needs, PTHREAD_MUTEX_INITIALIZER, false}

/* Opens and binds `l` once; later calls return at once. A library quire was built with
 * that cannot be opened ends the program (status 127), as the dynamic loader would
 * have at start. */
void lazylib_need(lazylib *l);

/* The address of `name` in `handle`, for a bind function; ends the program when missing. */
void *lazylib_symbol(const lazylib *l, void *handle, const char *name);

/* Opens the `n` libraries, in order, on a thread of its own (what a build will need,
 * while it reads the book); a call that needs one first waits for it. */
void lazylib_preload(lazylib *const *libs, int n);

/* Waits for lazylib_preload's thread (before the program exits). */
void lazylib_preload_join(void);

/* A wrapping module lists its functions as LIST(F, V): F(return type, name, (parameters),
 * (arguments)) for those returning a value, V(name, (parameters), (arguments)) for the
 * others, and writes LAZYLIB_WRAP(lib, soname, needs, LIST, MORE): a lazylib `lib` and the
 * forwarders; MORE are statements the bind function runs after looking them up (it
 * has the library's `handle`). */
#define LAZYLIB_FIELD_F(ret, name, params, args) ret(*name) params;
#define LAZYLIB_FIELD_V(name, params, args) void(*name) params;
#define LAZYLIB_BIND_F(ret, name, params, args) LAZYLIB_BIND(name)
#define LAZYLIB_BIND_V(name, params, args) LAZYLIB_BIND(name)
#define LAZYLIB_BIND(name)                                           \
    {                                                                \
        void *sym_ = lazylib_symbol(lazylib_self_, handle, #name); \
        memcpy(&lazylib_fns_.name, &sym_, sizeof sym_);             \
    }
#define LAZYLIB_FORWARD_F(ret, name, params, args) \
    ret name params {                              \
        return lazylib_get_()->name args;          \
    }
#define LAZYLIB_FORWARD_V(name, params, args) \
    void name params {                        \
        lazylib_get_()->name args;            \
    }
#define LAZYLIB_WRAP(lib, soname, needs, LIST, MORE)                      \
    static struct lazylib_fns {                                           \
        LIST(LAZYLIB_FIELD_F, LAZYLIB_FIELD_V)                            \
    } lazylib_fns_;                                                       \
    static void lazylib_bind_(void *handle);                              \
    lazylib lib = LAZYLIB_INIT(soname, lazylib_bind_, needs);             \
    static lazylib *const lazylib_self_ = &lib;                           \
    static void lazylib_bind_(void *handle) {                             \
        LIST(LAZYLIB_BIND_F, LAZYLIB_BIND_V)                              \
        MORE                                                              \
    }                                                                     \
    static const struct lazylib_fns *lazylib_get_(void) {                 \
        lazylib_need(&lib);                                               \
        return &lazylib_fns_;                                             \
    }                                                                     \
    LIST(LAZYLIB_FORWARD_F, LAZYLIB_FORWARD_V)

#endif
