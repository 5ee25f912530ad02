/* SPDX-License-Identifier: Apache-2.0 */
/*
 * itest.h - what every integration test shares: the server it talks to
 * (from the DJ_TEST_* variables that tests/integration.sh exports), and
 * helpers that fail loudly instead of skipping when something is missing.
 */
#ifndef DJ_ITEST_H
#define DJ_ITEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datajoint.h"

/* A variable the harness must have set; a missing one fails the test. */
static inline const char *itest_env(const char *name)
{
    const char *v = getenv(name);
    if (!v)
        cr_assert_fail("%s is not set: integration tests need a server. Run them through "
                 "`make check` (which starts a throwaway MariaDB) or set DJ_TEST_HOST, "
                 "DJ_TEST_PORT, DJ_TEST_USER and DJ_TEST_PASS.", name);
    return v;
}

/* Configuration for the test server as the admin test user (or user/pass given). */
static inline void itest_config_as(dj_config *cfg, const char *user, const char *pass)
{
    dj_config_init(cfg);
    snprintf(cfg->host, sizeof cfg->host, "%s", itest_env("DJ_TEST_HOST"));
    cfg->port = (unsigned)atoi(itest_env("DJ_TEST_PORT"));
    snprintf(cfg->user, sizeof cfg->user, "%s", user ? user : itest_env("DJ_TEST_USER"));
    snprintf(cfg->password, sizeof cfg->password, "%s", pass ? pass : itest_env("DJ_TEST_PASS"));
    cfg->connect_timeout_ms = 10000;
}

static inline void itest_config(dj_config *cfg)
{
    itest_config_as(cfg, NULL, NULL);
}

/* Connects or fails the test with the library's error. */
static inline dj_conn *itest_connect_cfg(const dj_config *cfg)
{
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, cfg, &err);
    cr_assert_eq(rc, 0, "connect to %s:%u as %s failed: %d %s (server errno %u)", cfg->host,
                 cfg->port, cfg->user, rc, err.message, err.server_errno);
    return c;
}

static inline dj_conn *itest_connect(void)
{
    dj_config cfg;
    itest_config(&cfg);
    return itest_connect_cfg(&cfg);
}

/* A build without FEATURE (the minimal build runs these tests too) must refuse
 * a connection that asks for it, before any I/O, with DJ_EUNSUPPORTED and a
 * "not compiled in" message. Returns 1 when the feature is missing: the
 * refusal was all the test could check. */
static inline int itest_refused_without(unsigned feature, const dj_config *cfg)
{
    if (dj_features() & feature)
        return 0;
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, cfg, &err);
    cr_assert_eq(rc, DJ_EUNSUPPORTED, "rc %d %s", rc, err.message);
    cr_assert_not_null(strstr(err.message, "not compiled in"), "%s", err.message);
    cr_assert_null(c);
    return 1;
}

/* itest_refused_without() for protocol compression. */
static inline int itest_compression_refused(void)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.compress = 1;
    return itest_refused_without(DJ_FEATURE_COMPRESSION, &cfg);
}

/* Runs a statement that must succeed. */
static inline void itest_exec(dj_conn *c, const char *sql)
{
    dj_error err;
    int rc = dj_exec(c, sql, NULL, &err);
    cr_assert_eq(rc, 0, "%s failed: %d %s", sql, rc, err.message);
}

/* A schema name unique to this process, so parallel tests never collide. */
static inline void itest_unique_name(char *out, size_t size, const char *base)
{
    static unsigned counter;
    snprintf(out, size, "djt_%s_%ld_%u", base, (long)getpid(), counter++);
}

/* Runs a built example with the test server in DataJoint's environment
 * variables; returns its exit status and first output line (stdout+stderr). */
static inline int itest_run_example(const char *prog, const char *arg, char *out, size_t size)
{
    char cmd[2048], host[300];
    snprintf(host, sizeof host, "%s:%s", itest_env("DJ_TEST_HOST"), itest_env("DJ_TEST_PORT"));
    setenv("DJ_HOST", host, 1);
    setenv("DJ_USER", itest_env("DJ_TEST_USER"), 1);
    setenv("DJ_PASS", itest_env("DJ_TEST_PASS"), 1);
    snprintf(cmd, sizeof cmd, "cd /tmp && '%s/docs/examples/%s' '%s' 2>&1",
             itest_env("DJ_TOP_BUILDDIR"), prog, arg);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    if (!fgets(out, (int)size, p))
        out[0] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
