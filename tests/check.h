/* check: a tiny assertion harness for the C tests (cmark's OK / INT_EQ / STR_EQ). */
#ifndef QUIRE_TEST_CHECK_H
#define QUIRE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define OK(cond, ...)                                                                   \
    do {                                                                                \
        check_count++;                                                                  \
        if (!(cond)) {                                                                  \
            check_failures++;                                                           \
            fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                               \
            fputc('\n', stderr);                                                        \
        }                                                                               \
    } while (0)

#define INT_EQ(got, want)                                                               \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        OK(g_ == w_, "got %lld, want %lld", g_, w_);                                    \
    } while (0)

#define STR_EQ(got, want)                                                               \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        OK(g_ && w_ && strcmp(g_, w_) == 0, "got \"%s\", want \"%s\"", g_ ? g_ : "(null)", \
           w_ ? w_ : "(null)");                                                         \
    } while (0)

/* Ends main: prints the tally ctest shows on failure. */
#define CHECK_DONE()                                                                    \
    (printf("%d passed, %d failed\n", check_count - check_failures, check_failures),   \
     check_failures ? 1 : 0)

#endif
