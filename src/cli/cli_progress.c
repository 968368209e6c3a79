/* cli_progress: a "PDF… 2.1 s" line on stderr for builds that take a while.
 * A thread draws it once the build has run for a second (short builds stay silent)
 * and redraws it as stages change; messages written meanwhile clear it first. */
#define _GNU_SOURCE /* fopencookie */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"

#define SHOW_AFTER 1.0   /* seconds before the line appears */
#define REDRAW_EVERY 0.25

struct cli_progress {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    double start;
    const char *stage;       /* a string literal */
    bool shown, done;
    diag *d;
    FILE *saved_out, *stream;
};

static void write_all(const char *s, size_t n) {
    while (n) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0) return; /* a broken terminal only loses the progress line */
        s += w, n -= (size_t)w;
    }
}

static void clear_line(cli_progress *p) {
    if (!p->shown) return;
    write_all("\r\033[K", 4);
    p->shown = false;
}

static void draw(cli_progress *p, double now) {
    char line[96];
    int n = snprintf(line, sizeof line, "\r\033[K%s… %.1f s", p->stage, now - p->start);
    if (n > 0) write_all(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    p->shown = true;
}

static struct timespec abs_time(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    return ts;
}

static void *run(void *arg) {
    cli_progress *p = arg;
    pthread_mutex_lock(&p->mu);
    double wake = p->start + SHOW_AFTER;
    while (!p->done) {
        struct timespec ts = abs_time(wake);
        pthread_cond_timedwait(&p->cond, &p->mu, &ts);
        if (p->done) break;
        double now = monotonic_seconds();
        if (now < p->start + SHOW_AFTER) continue;
        draw(p, now);
        wake = now + REDRAW_EVERY;
    }
    clear_line(p);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Diagnostics pass through here: clear the line, then write the message. */
static ssize_t stream_write(void *cookie, const char *data, size_t n) {
    cli_progress *p = cookie;
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    write_all(data, n);
    pthread_mutex_unlock(&p->mu);
    return (ssize_t)n;
}

cli_progress *cli_progress_start(bool enabled, diag *d) {
    if (!enabled) return NULL;
    cli_progress *p = xcalloc(1, sizeof *p);
    p->start = monotonic_seconds();
    p->stage = "working";
    p->d = d;
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* matches monotonic_seconds() */
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    cookie_io_functions_t io = {.write = stream_write};
    p->stream = fopencookie(p, "w", io);
    if (p->stream && d && d->out == stderr) {
        setvbuf(p->stream, NULL, _IOLBF, 0);
        fflush(stderr);
        p->saved_out = d->out;
        d->out = p->stream;
    }
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        /* No thread, no line: the build itself goes on. */
        if (p->saved_out) d->out = p->saved_out;
        if (p->stream) fclose(p->stream);
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    return p;
}

void cli_progress_stage(cli_progress *p, const char *label) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stage = label;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_end(cli_progress *p) {
    if (!p) return;
    if (p->stream) fflush(p->stream);
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    if (p->saved_out) p->d->out = p->saved_out;
    if (p->stream) fclose(p->stream);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
