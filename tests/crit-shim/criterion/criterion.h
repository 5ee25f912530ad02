/* SPDX-License-Identifier: Apache-2.0 */
/*
 * criterion.h - a small stand-in for the part of Criterion our unit tests
 * use, for targets that have no Criterion package (armhf, s390x) and for
 * musl builds, which cannot link Debian's glibc Criterion (see
 * scripts/cross-check). With -I tests/crit-shim the same test sources build
 * as plain programs.
 *
 * What it keeps of Criterion's behaviour: Test() and TestSuite() with .init,
 * .fini and .timeout; every test runs in its own child process (tests may
 * chdir and setenv, and a crash is counted, not fatal); a failed cr_assert*
 * ends the test (its .fini still runs), a failed cr_expect* lets it go on;
 * the report ends with Criterion's synthesis line and the exit status is
 * non-zero when any test failed. Command-line options are ignored.
 *
 * It defines main(), so only one source file of a test program includes it.
 */
#ifndef DJ_CRIT_SHIM_H
#define DJ_CRIT_SHIM_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct criterion_test_extra_data {
    void (*init)(void);
    void (*fini)(void);
    double timeout; /* seconds; 0 for none */
};

struct crit_shim_entry {
    const char *suite;
    const char *name;
    void (*body)(void);
    struct criterion_test_extra_data extra;
    struct crit_shim_entry *next;
};

/* Registered by constructors before main(), in source order; one list per
 * program. */
static struct crit_shim_entry *crit_shim_tests;
static struct crit_shim_entry *crit_shim_suites;
__attribute__((unused)) static struct crit_shim_entry **crit_shim_tests_tail = &crit_shim_tests;
__attribute__((unused)) static struct crit_shim_entry **crit_shim_suites_tail = &crit_shim_suites;
static int crit_shim_failed;     /* in the child: a check of this test failed */
static jmp_buf crit_shim_abort;  /* in the child: where a failed cr_assert goes */

#define CRIT_SHIM_ENTRY(list, suite, name, body, ...)                                        \
    static struct crit_shim_entry crit_shim_##list##_##suite##_##name = {                    \
        #suite, #name, body, {__VA_ARGS__}, NULL};                                           \
    __attribute__((constructor)) static void crit_shim_add_##list##_##suite##_##name(void)   \
    {                                                                                        \
        *crit_shim_##list##_tail = &crit_shim_##list##_##suite##_##name;                     \
        crit_shim_##list##_tail = &crit_shim_##list##_##suite##_##name.next;                 \
    }

#define Test(suite, name, ...)                                                               \
    static void crit_shim_body_##suite##_##name(void);                                       \
    CRIT_SHIM_ENTRY(tests, suite, name, crit_shim_body_##suite##_##name, __VA_ARGS__)        \
    static void crit_shim_body_##suite##_##name(void)

#define TestSuite(suite, ...) CRIT_SHIM_ENTRY(suites, suite, suite, NULL, __VA_ARGS__)

/* ReportHook(PRE_ALL) and ReportHook(POST_ALL) run in the runner process,
 * before the first test and after the last, with a NULL argument (the shim
 * keeps no test set or statistics to pass). */
struct criterion_test_set;
struct criterion_global_stats;
typedef struct criterion_test_set crit_shim_arg_PRE_ALL;
typedef struct criterion_global_stats crit_shim_arg_POST_ALL;
__attribute__((unused)) static void (*crit_shim_hook_ptr_PRE_ALL)(crit_shim_arg_PRE_ALL *);
__attribute__((unused)) static void (*crit_shim_hook_ptr_POST_ALL)(crit_shim_arg_POST_ALL *);
#define ReportHook(kind)                                                                     \
    static void crit_shim_hook_##kind(crit_shim_arg_##kind *);                               \
    __attribute__((constructor)) static void crit_shim_add_hook_##kind(void)                 \
    {                                                                                        \
        crit_shim_hook_ptr_##kind = crit_shim_hook_##kind;                                   \
    }                                                                                        \
    static void crit_shim_hook_##kind

/* Reports a failed check; a fatal one leaves the test body. */
__attribute__((format(printf, 5, 6))) static inline void
crit_shim_fail(int fatal, const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    printf("[----] %s:%d: Assertion Failed: %s\n[----]  ", file, line, what);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    crit_shim_failed = 1;
    if (fatal)
        longjmp(crit_shim_abort, 1);
}

/* The leading " " keeps the format non-empty when no message is given. */
#define CRIT_SHIM_CHECK(fatal, ok, what, ...)                                                \
    do {                                                                                     \
        if (!(ok))                                                                           \
            crit_shim_fail(fatal, __FILE__, __LINE__, what, " " __VA_ARGS__);                \
    } while (0)

#define cr_assert(cond, ...) CRIT_SHIM_CHECK(1, (cond), #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) CRIT_SHIM_CHECK(1, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_null(p, ...) CRIT_SHIM_CHECK(1, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) CRIT_SHIM_CHECK(1, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_eq(a, b, ...) CRIT_SHIM_CHECK(1, (a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) CRIT_SHIM_CHECK(1, (a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) CRIT_SHIM_CHECK(1, (a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) CRIT_SHIM_CHECK(1, (a) <= (b), #a " <= " #b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) CRIT_SHIM_CHECK(1, (a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) CRIT_SHIM_CHECK(1, (a) >= (b), #a " >= " #b, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)                                                          \
    CRIT_SHIM_CHECK(1, crit_shim_str_eq((a), (b)), #a " equals " #b, __VA_ARGS__)
#define cr_assert_arr_eq(a, b, n, ...)                                                       \
    CRIT_SHIM_CHECK(1, memcmp((a), (b), (n)) == 0, #a " equals " #b " over " #n " bytes", __VA_ARGS__)
#define cr_assert_fail(...) CRIT_SHIM_CHECK(1, 0, "cr_assert_fail", __VA_ARGS__)
#define cr_expect(cond, ...) CRIT_SHIM_CHECK(0, (cond), #cond, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) CRIT_SHIM_CHECK(0, (a) == (b), #a " == " #b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...) CRIT_SHIM_CHECK(0, (a) < (b), #a " < " #b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) CRIT_SHIM_CHECK(0, (a) > (b), #a " > " #b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) CRIT_SHIM_CHECK(0, (a) != (b), #a " != " #b, __VA_ARGS__)
#define cr_expect_null(p, ...) CRIT_SHIM_CHECK(0, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) CRIT_SHIM_CHECK(0, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...)                                                          \
    CRIT_SHIM_CHECK(0, crit_shim_str_eq((a), (b)), #a " equals " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...)                                                         \
    CRIT_SHIM_CHECK(0, crit_shim_str_neq((a), (b)), #a " differs from " #b, __VA_ARGS__)
#define cr_fail(...) CRIT_SHIM_CHECK(0, 0, "cr_fail", __VA_ARGS__)
/* Criterion's info line: printed, never a failure. */
#define cr_log_info(...)                                                                     \
    do {                                                                                     \
        printf("[----] ");                                                                   \
        printf(__VA_ARGS__);                                                                 \
        printf("\n");                                                                        \
    } while (0)

static inline int crit_shim_str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static inline int crit_shim_str_neq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) != 0;
}

static inline const struct crit_shim_entry *crit_shim_suite(const char *name)
{
    for (const struct crit_shim_entry *s = crit_shim_suites; s; s = s->next)
        if (strcmp(s->suite, name) == 0)
            return s;
    return NULL;
}

/* The child's side: fixture, body, fixture; exits 1 when a check failed. */
static void crit_shim_child(const struct crit_shim_entry *t, const struct crit_shim_entry *s)
{
    void (*init)(void) = t->extra.init ? t->extra.init : s ? s->extra.init : NULL;
    void (*fini)(void) = t->extra.fini ? t->extra.fini : s ? s->extra.fini : NULL;
    double timeout = t->extra.timeout > 0 ? t->extra.timeout : s ? s->extra.timeout : 0;
    if (timeout > 0)
        alarm((unsigned)timeout + 1);
    if (setjmp(crit_shim_abort) == 0) {
        if (init)
            init();
        t->body();
    }
    if (fini)
        fini();
    fflush(stdout);
    _exit(crit_shim_failed ? 1 : 0);
}

int main(void)
{
    int tested = 0, failing = 0, crashing = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (crit_shim_hook_ptr_PRE_ALL)
        crit_shim_hook_ptr_PRE_ALL(NULL);
    for (const struct crit_shim_entry *t = crit_shim_tests; t; t = t->next) {
        tested++;
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0)
            crit_shim_child(t, crit_shim_suite(t->suite));
        int status = 0;
        while (waitpid(pid, &status, 0) < 0)
            ;
        if (WIFSIGNALED(status)) {
            crashing++;
            printf("[FAIL] %s::%s: CRASH (signal %d)\n", t->suite, t->name, WTERMSIG(status));
        } else if (WEXITSTATUS(status) != 0) {
            failing++;
            printf("[FAIL] %s::%s\n", t->suite, t->name);
        }
    }
    if (crit_shim_hook_ptr_POST_ALL)
        crit_shim_hook_ptr_POST_ALL(NULL);
    printf("[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d \n", tested,
           tested - failing - crashing, failing, crashing);
    return failing + crashing ? 1 : 0;
}

#endif
