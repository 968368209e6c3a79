/* Atomic output (util.c): the old artifact survives every failure and no temporary
 * file stays behind: aborts, failed renames, a file-size limit, a signal mid-write.
 * Also the functions the loader's refusals rest on: file_read's errno, path_is_inside,
 * path_normalise and utf8_find_invalid. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/uri.h"
#include "base/util.h"
#include "check.h"
#include "load/book.h"

static char root[256];

/* Temporary files (".NAME.tmp-XXXXXX") left in dir. */
static int count_tmp(const char *dir) {
    DIR *dp = opendir(dir);
    if (!dp) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL)
        if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp-")) n++;
    closedir(dp);
    return n;
}

static char *slurp(const char *path) {
    char *data = NULL;
    size_t len = 0;
    if (file_read(path, 1 << 24, &data, &len) != 0) return NULL;
    return data;
}

static char *in_root(const char *name) { return path_join(root, name); }

static void test_write_and_replace(void) {
    char *p = in_root("a.pdf");
    INT_EQ(file_write_atomic(p, "first", 5), 0);
    char *got = slurp(p);
    STR_EQ(got, "first");
    free(got);
    struct stat st;
    OK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644, "mode %o", (unsigned)(st.st_mode & 0777));
    INT_EQ(file_write_atomic(p, "second", 6), 0);
    got = slurp(p);
    STR_EQ(got, "second");
    free(got);
    INT_EQ(count_tmp(root), 0);
    free(p);
}

static void test_abort_keeps_old(void) {
    char *p = in_root("b.epub");
    INT_EQ(file_write_atomic(p, "old artifact", 12), 0);
    atomic_file af;
    INT_EQ(atomic_open(&af, p), 0);
    OK(af.tmp_path && strstr(af.tmp_path, "/.b.epub.tmp-"), "tmp path %s", af.tmp_path ? af.tmp_path : "(null)");
    INT_EQ(atomic_write(&af, "half a new one", 14), 0);
    INT_EQ(count_tmp(root), 1);
    atomic_abort(&af);
    OK(af.tmp_path == NULL && af.path == NULL, "abort clears the handle");
    atomic_abort(&af); /* a second abort is harmless */
    char *got = slurp(p);
    STR_EQ(got, "old artifact");
    free(got);
    INT_EQ(count_tmp(root), 0);
    free(p);
}

static void test_missing_folder(void) {
    char *p = in_root("no-such-folder/x.pdf");
    atomic_file af;
    errno = 0;
    INT_EQ(atomic_open(&af, p), -1);
    INT_EQ(errno, ENOENT);
    OK(af.path == NULL && af.tmp_path == NULL, "nothing left allocated");
    errno = 0;
    INT_EQ(file_write_atomic(p, "x", 1), -1);
    INT_EQ(errno, ENOENT);
    free(p);
}

/* The artifact's name is taken by a folder: the rename fails, the folder stays. */
static void test_rename_over_folder(void) {
    char *p = in_root("taken.pdf");
    OK(mkdir(p, 0755) == 0, "mkdir: %s", strerror(errno));
    errno = 0;
    INT_EQ(file_write_atomic(p, "data", 4), -1);
    OK(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST, "errno %d (%s)", errno, strerror(errno));
    OK(path_is_dir(p), "the folder is still there");
    INT_EQ(count_tmp(root), 0);
    rmdir(p);
    free(p);
}

/* A file-size limit (ulimit -f): write() fails with EFBIG once SIGXFSZ is ignored,
 * as main() does. Run in a child so the limit does not stay. */
static void test_file_size_limit(void) {
    char *p = in_root("big.pdf");
    INT_EQ(file_write_atomic(p, "small old artifact", 18), 0);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(10);
        size_t n = 1 << 16;
        char *big = xmalloc(n);
        memset(big, 'x', n);
        errno = 0;
        int rc = file_write_atomic(p, big, n);
        int e = errno;
        free(big);
        if (rc != -1) _exit(11);
        _exit(e == EFBIG ? 0 : 12);
    }
    int status = 0;
    OK(waitpid(pid, &status, 0) == pid, "waitpid");
    OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: status %d (10 setrlimit, 11 no error, 12 not EFBIG)",
       status);
    char *got = slurp(p);
    STR_EQ(got, "small old artifact");
    free(got);
    INT_EQ(count_tmp(root), 0);
    free(p);
}

/* What main's SIGINT/SIGTERM handler does: every temporary file is removed. */
static void test_abort_all(void) {
    char *p1 = in_root("c1.pdf"), *p2 = in_root("c2.epub");
    atomic_file a1, a2;
    INT_EQ(atomic_open(&a1, p1), 0);
    INT_EQ(atomic_open(&a2, p2), 0);
    INT_EQ(count_tmp(root), 2);
    atomic_abort_all_signal_safe();
    INT_EQ(count_tmp(root), 0);
    atomic_abort(&a1);
    atomic_abort(&a2);
    OK(!path_is_file(p1) && !path_is_file(p2), "nothing was committed");
    free(p1);
    free(p2);
}

static void on_term(int sig) {
    atomic_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void test_signal_mid_write(void) {
    char *p = in_root("d.pdf");
    INT_EQ(file_write_atomic(p, "previous build", 14), 0);
    int ready[2];
    OK(pipe(ready) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, on_term);
        atomic_file af;
        if (atomic_open(&af, p) != 0) _exit(20);
        if (atomic_write(&af, "partial", 7) != 0) _exit(21);
        if (write(ready[1], "r", 1) != 1) _exit(22);
        for (;;) pause();
    }
    close(ready[1]);
    char c;
    OK(read(ready[0], &c, 1) == 1, "child got ready");
    close(ready[0]);
    kill(pid, SIGTERM);
    int status = 0;
    OK(waitpid(pid, &status, 0) == pid, "waitpid");
    OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "died of SIGTERM (status %d)", status);
    char *got = slurp(p);
    STR_EQ(got, "previous build");
    free(got);
    INT_EQ(count_tmp(root), 0);
    free(p);
}

static void test_file_read_errors(void) {
    char *data = NULL;
    size_t len = 0;
    errno = 0;
    INT_EQ(file_read(root, 100, &data, &len), -1);
    INT_EQ(errno, EISDIR);
    char *p = in_root("ten");
    INT_EQ(file_write_atomic(p, "0123456789", 10), 0);
    errno = 0;
    INT_EQ(file_read(p, 9, &data, &len), -1);
    INT_EQ(errno, EFBIG);
    INT_EQ(file_read(p, 10, &data, &len), 0);
    INT_EQ(len, 10);
    STR_EQ(data, "0123456789");
    free(data);
    char *fifo = in_root("fifo");
    OK(mkfifo(fifo, 0644) == 0, "mkfifo: %s", strerror(errno));
    /* a FIFO (no writer) would block open() for ever: refused at once */
    errno = 0;
    INT_EQ(file_read(fifo, 100, &data, &len), -1);
    INT_EQ(errno, EINVAL);
    unlink(fifo);
    free(fifo);
    errno = 0;
    char *none = in_root("none");
    INT_EQ(file_read(none, 100, &data, &len), -1);
    INT_EQ(errno, ENOENT);
    free(none);
    unlink(p);
    free(p);
}

static void test_paths(void) {
    OK(path_is_inside("/a/b", "/a/b"), "itself");
    OK(path_is_inside("/a/b/c", "/a/b"), "child");
    OK(!path_is_inside("/a/bc", "/a/b"), "sibling with a common prefix");
    OK(!path_is_inside("/a", "/a/b"), "parent");
    OK(path_is_inside("/x", "/"), "root holds everything");
    const struct {
        const char *in, *out;
    } cases[] = {
        {"a/./b/../c", "a/c"}, {"chapters//01.md", "chapters/01.md"}, {"./x.md", "x.md"},
        {"../x.md", NULL},     {"a/../../x", NULL},                   {"a/b/../../../etc/passwd", NULL},
        {"a/..", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = path_normalise(cases[i].in);
        if (cases[i].out) STR_EQ(got, cases[i].out);
        else OK(got == NULL, "'%s' climbs out but gave '%s'", cases[i].in, got);
        free(got);
    }
    OK(uri_has_scheme("https://x"), "https");
    OK(uri_has_scheme("data:image/png;base64,AAAA"), "data");
    OK(uri_has_scheme("HTTP://X"), "upper case");
    OK(!uri_has_scheme("images/a:b.png"), "a colon after a slash");
    OK(!uri_has_scheme("images/x.png"), "plain path");
}

static void test_utf8(void) {
    INT_EQ(utf8_find_invalid("plain ascii", 11), -1);
    INT_EQ(utf8_find_invalid("caf\xc3\xa9", 5), -1);
    INT_EQ(utf8_find_invalid("ab\0cd", 5), 2);
    INT_EQ(utf8_find_invalid("ab\xc0\xaf", 4), 2);          /* overlong '/' */
    INT_EQ(utf8_find_invalid("x\xed\xa0\x80", 4), 1);       /* a surrogate */
    INT_EQ(utf8_find_invalid("xy\xe2\x82", 4), 2);          /* cut short */
    INT_EQ(utf8_find_invalid("\xf4\x90\x80\x80", 4), 0);    /* past U+10FFFF */
    INT_EQ(utf8_find_invalid("ok\xff", 3), 2);
    INT_EQ(utf8_find_invalid("\xf0\x9f\x98\x80", 4), -1);   /* an emoji */
    /* noncharacters: cairo refuses them mid-PDF, so the loader must */
    INT_EQ(utf8_find_invalid("a\xef\xbf\xbe", 4), 1);       /* U+FFFE */
    INT_EQ(utf8_find_invalid("ab\xef\xbf\xbf", 5), 2);      /* U+FFFF */
    INT_EQ(utf8_find_invalid("\xef\xb7\x90", 3), 0);        /* U+FDD0 */
    INT_EQ(utf8_find_invalid("\xef\xb7\xaf", 3), 0);        /* U+FDEF */
    INT_EQ(utf8_find_invalid("\xf0\x9f\xbf\xbe", 4), 0);    /* U+1FFFE */
    INT_EQ(utf8_find_invalid("\xf4\x8f\xbf\xbf", 4), 0);    /* U+10FFFF */
    INT_EQ(utf8_find_invalid("\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd", 9), -1); /* U+FDCF, U+FDF0, U+FFFD */
    OK(utf8_is_noncharacter(0x2FFFF) && !utf8_is_noncharacter(0xFFFD) && !utf8_is_noncharacter(0xFDCF), "nonchars");
    /* what a text may not hold: also C0 controls but tab and line ends */
    uint32_t cp = 1;
    INT_EQ(text_find_invalid("tab\there\r\n", 10, &cp), -1);
    INT_EQ(cp, 0);
    INT_EQ(text_find_invalid("bell\a", 5, &cp), 4);
    INT_EQ(cp, 7);
    INT_EQ(text_find_invalid("x\x1f", 2, &cp), 1);
    INT_EQ(cp, 0x1F);
    INT_EQ(text_find_invalid("ok\xef\xbf\xbe", 5, &cp), 2);
    INT_EQ(cp, 0xFFFE);
    INT_EQ(text_find_invalid("ok\xff", 3, &cp), 2);
    OK(cp == UINT32_MAX, "malformed");
    INT_EQ(text_find_invalid("\x7f and \xc2\x85", 8, &cp), -1); /* DEL and C1 are not C0 */
    char tmp[48];
    STR_EQ(text_problem(7, tmp, sizeof tmp), "control character U+0007");
    STR_EQ(text_problem(0xFFFF, tmp, sizeof tmp), "Unicode noncharacter U+FFFF");
    STR_EQ(text_problem(UINT32_MAX, tmp, sizeof tmp), "invalid UTF-8");
}

/* SOURCE_DATE_EPOCH: 0 to 253402300799 (year 9999), anything else an error. */
static void test_timestamp(void) {
    static const struct { const char *value; int rc; long long want; } cases[] = {
        {"0", 0, 0}, {"1700000000", 0, 1700000000}, {"253402300799", 0, 253402300799LL},
        {"253402300800", -1, 0}, {"-1", -1, 0}, {"12abc", -1, 0}, {"1e9", -1, 0}, {" 5", -1, 0},
        {"+5", -1, 0}, {"99999999999999999999999", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        setenv("SOURCE_DATE_EPOCH", cases[i].value, 1);
        diag d;
        diag_init(&d);
        d.out = NULL;
        d.capture = true;
        int64_t ts = -5;
        bool env = false;
        int rc = book_timestamp(&ts, &env, &d);
        OK(rc == cases[i].rc, "'%s': rc %d", cases[i].value, rc);
        if (rc == 0) {
            OK(ts == cases[i].want && env, "'%s' gives %lld", cases[i].value, (long long)ts);
        } else {
            char *want = xasprintf("SOURCE_DATE_EPOCH: error: '%s' is not a number of seconds between 0 and "
                                   "253402300799", cases[i].value);
            OK(d.captured && strstr(d.captured, want), "'%s': %s", cases[i].value, d.captured ? d.captured : "");
            free(want);
            /* the old function never fails: it falls back to the clock */
            bool from_env = true;
            OK(build_timestamp(&from_env) > 1600000000 && !from_env, "fallback for '%s'", cases[i].value);
        }
        diag_free(&d);
    }
    setenv("SOURCE_DATE_EPOCH", "", 1);
    diag d;
    diag_init(&d);
    d.out = NULL;
    int64_t ts = 0;
    bool env = true;
    INT_EQ(book_timestamp(&ts, &env, &d), 0);
    OK(!env && ts > 1600000000, "empty: the clock");
    diag_free(&d);
    unsetenv("SOURCE_DATE_EPOCH");
}

static void test_arena_adopt(void) {
    arena *a = arena_new();
    char *p = xstrdup("owned by the arena");
    OK(arena_adopt(a, p) == p, "adopt returns the pointer");
    OK(arena_adopt(a, NULL) == NULL, "NULL is fine");
    arena_free(a); /* the leak checker of the Asan build sees p freed */
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/quire-robust-atomic-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    test_write_and_replace();
    test_abort_keeps_old();
    test_missing_folder();
    test_rename_over_folder();
    test_file_size_limit();
    test_abort_all();
    test_signal_mid_write();
    test_file_read_errors();
    test_timestamp();
    test_arena_adopt();
    test_paths();
    test_utf8();

    char *cmd = xasprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    return CHECK_DONE();
}
