/* cli_watch: `quire watch` builds, then rebuilds on every save (inotify).
 * It watches folders rather than files: editors often save by writing a new file
 * and renaming it over the old one, which a watch on the old file would miss. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"

#define DEBOUNCE_MS 100
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)

static volatile sig_atomic_t stop_requested, building;
static int wake_pipe[2] = {-1, -1};

/* Idle: stop after this round. Building: finish the build first; a second
 * signal aborts it the way `quire build` does (temporary files removed). */
static void on_stop(int sig) {
    if (building && stop_requested) {
        atomic_abort_all_signal_safe();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_requested = 1;
    int e = errno;
    if (write(wake_pipe[1], "x", 1) < 0) { /* the flag is enough */ }
    errno = e;
}

typedef struct tracked {
    int wd;
    char *name;   /* base name inside the watched folder */
} tracked;

typedef struct watcher {
    int fd;
    tracked *files;
    size_t n_files, cap_files;
    bool any;     /* the last load failed: any change in a watched folder counts */
} watcher;

static void watch_dir(watcher *w, const char *dir, int *wd_out) {
    int wd = inotify_add_watch(w->fd, dir, WATCH_MASK | IN_ONLYDIR);
    if (wd_out) *wd_out = wd;
}

static void track_file(watcher *w, const char *path) {
    char *dir = path_dirname(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int wd = -1;
    watch_dir(w, dir, &wd);
    free(dir);
    if (wd < 0) return;
    if (w->n_files == w->cap_files) {
        w->cap_files = w->cap_files ? w->cap_files * 2 : 16;
        w->files = xrealloc(w->files, w->cap_files * sizeof *w->files);
    }
    w->files[w->n_files++] = (tracked){wd, xstrdup(base)};
}

static void clear_tracked(watcher *w) {
    for (size_t i = 0; i < w->n_files; i++) free(w->files[i].name);
    w->n_files = 0;
}

/* The folders a book usually has, watched even before the first good load. */
static void watch_usual_dirs(watcher *w, const char *book_dir) {
    static const char *const subdirs[] = {"", "chapters", "styles", "images", "fonts", NULL};
    for (int i = 0; subdirs[i]; i++) {
        char *p = *subdirs[i] ? path_join(book_dir, subdirs[i]) : xstrdup(book_dir);
        if (path_is_dir(p)) watch_dir(w, p, NULL);
        free(p);
    }
}

/* After each build: the inputs of a good load, or "anything" after a failed one. */
static void retrack(watcher *w, const cli_options *o, const cli_build_report *r) {
    clear_tracked(w);
    watch_usual_dirs(w, o->book_dir);
    w->any = r->n_inputs == 0;
    for (size_t i = 0; i < r->n_inputs; i++) track_file(w, r->inputs[i]);
    if (o->book.style_path) track_file(w, o->book.style_path);
}

static bool relevant(const watcher *w, const struct inotify_event *ev) {
    if (ev->mask & IN_Q_OVERFLOW) return true;
    if (ev->mask & IN_IGNORED || !ev->len) return false;
    if (w->any) {
        size_t n = strlen(ev->name);
        /* Editors' swap and backup files, and atomic writers' temporaries, are not sources. */
        return ev->name[0] != '.' && n && ev->name[n - 1] != '~';
    }
    for (size_t i = 0; i < w->n_files; i++)
        if (w->files[i].wd == ev->wd && strcmp(w->files[i].name, ev->name) == 0) return true;
    return false;
}

/* Reads what is queued; true when one of the events concerns the book. */
static bool drain(const watcher *w) {
    bool hit = false;
    char data[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->fd, data, sizeof data);
        if (n <= 0) break;
        for (char *p = data; p < data + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
            if (relevant(w, ev)) hit = true;
            p += sizeof *ev + ev->len;
        }
    }
    return hit;
}

static void drain_pipe(void) {
    char tmp[16];
    while (read(wake_pipe[0], tmp, sizeof tmp) > 0) {}
}

static void report(const cli_options *o, const cli_build_report *r) {
    if (o->quiet) return;
    char clock[16];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    const char *dim = o->color ? "\033[2m" : "", *off = o->color ? "\033[0m" : "";
    if (r->rc == QUIRE_OK) {
        char *line = cli_summary(r, o->color, true);
        printf("%s[%s]%s %s\n", dim, clock, off, line);
        free(line);
    } else {
        /* What did get written stays listed: a failed EPUB leaves a fresh PDF. */
        char *line = cli_summary(r, o->color, false);
        const char *red = o->color ? "\033[1;31m" : "";
        printf("%s[%s]%s ", dim, clock, off);
        if (*line) printf("%s · %sbuild failed%s · %d error%s\n", line, red, off, r->errors, r->errors == 1 ? "" : "s");
        else
            printf("%sbuild failed%s · %d error%s · %d warning%s · %.2f s · last good files kept\n", red, off, r->errors,
                   r->errors == 1 ? "" : "s", r->warnings, r->warnings == 1 ? "" : "s", r->t_total);
        free(line);
    }
    fflush(stdout);
}

static void build_once(const cli_options *o, diag *d, watcher *w) {
    cli_build_report r;
    d->errors = d->warnings = 0;
    building = 1;
    cli_build(o, d, &r);
    building = 0;
    report(o, &r);
    retrack(w, o, &r);
    cli_build_report_free(&r);
}

int cli_cmd_watch(const cli_options *o, diag *d) {
    /* Without the folder there is nothing to watch for: say so rather than wait forever. */
    if (!path_is_dir(o->book_dir)) {
        diag_error(d, NULL, 0, 0, "'%s' is not a book folder", o->book_dir);
        return QUIRE_EINPUT;
    }
    watcher w = {0};
    w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w.fd < 0) {
        diag_error(d, NULL, 0, 0, "cannot watch files (inotify): %s", strerror(errno));
        return QUIRE_EINPUT;
    }
    if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        diag_error(d, NULL, 0, 0, "cannot watch files (pipe): %s", strerror(errno));
        close(w.fd);
        return QUIRE_EINPUT;
    }
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    if (!o->quiet) {
        fprintf(stderr, "quire: watching %s; press Ctrl-C to stop\n", o->book_dir);
        fflush(stderr);
    }
    build_once(o, d, &w);

    struct pollfd fds[2] = {{w.fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
    while (!stop_requested) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            diag_error(d, NULL, 0, 0, "cannot watch files (poll): %s", strerror(errno));
            break;
        }
        if (stop_requested) break;
        if (!(fds[0].revents & POLLIN) || !drain(&w)) continue;
        /* Debounce: a save often comes as several events; build once they stop. */
        while (!stop_requested) {
            int n = poll(fds, 1, DEBOUNCE_MS);
            if (n == 0) break;
            if (n > 0) drain(&w);
        }
        if (!stop_requested) build_once(o, d, &w);
    }
    drain_pipe();

    /* back to the cleanup that covers every other fatal signal too */
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    close(wake_pipe[0]), close(wake_pipe[1]);
    wake_pipe[0] = wake_pipe[1] = -1;
    clear_tracked(&w);
    free(w.files);
    close(w.fd);
    if (!o->quiet) fprintf(stderr, "quire: stopped watching\n");
    stop_requested = 0;
    return QUIRE_OK;
}
