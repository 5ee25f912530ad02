/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oom_path.c - allocation failure along a whole session: for every N, the
 * Nth allocation fails, and connect + query + schema create + list + drop +
 * close must end in DJ_ENOMEM with a message (or succeed, when the failure
 * was absorbed), without a crash and with every block given back.
 *
 * A plain program rather than a Criterion test so that a leak fails the
 * run (Criterion does not fail a test for a leak in its child process).
 * The path runs three times: plain TCP, TLS (required) and compression.
 * It needs the test server (DJ_TEST_HOST...), which tests/integration.sh
 * provides. OpenSSL's, zlib's and libsodium's internal allocations do not go
 * through dj_allocator: only the library's own allocations are failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datajoint.h"

/* Each block carries a header so that live blocks can be counted. */
typedef struct block_header {
    size_t size;
    uint64_t magic;
} block_header;

#define BLOCK_MAGIC 0xd1a110c8d1a110c8ull
/* Keeps the payload aligned like malloc's. */
#define HEADER_SPACE ((sizeof(block_header) + 15) & ~(size_t)15)

typedef struct counting {
    unsigned long calls;    /* allocations attempted (malloc and realloc) */
    unsigned long fail_at;  /* 1-based call to fail; 0 = never */
    unsigned long failed;   /* how many calls were failed */
    long live;              /* blocks not yet freed */
    int bad_free;           /* a pointer that was not ours was freed */
} counting;

static int should_fail(counting *a)
{
    a->calls++;
    if (a->fail_at && a->calls == a->fail_at) {
        a->failed++;
        return 1;
    }
    return 0;
}

static void *c_malloc(size_t size, void *ud)
{
    counting *a = ud;
    if (should_fail(a))
        return NULL;
    block_header *h = malloc(HEADER_SPACE + size);
    if (!h)
        return NULL;
    h->size = size;
    h->magic = BLOCK_MAGIC;
    a->live++;
    return (char *)h + HEADER_SPACE;
}

static block_header *header_of(counting *a, void *p)
{
    /* p is what c_malloc returned: HEADER_SPACE past malloc's (aligned)
     * block, so the header it steps back to is aligned; through void *,
     * since a char * cast would make a strict-alignment target (armhf) warn. */
    block_header *h = (void *)((char *)p - HEADER_SPACE);
    if (h->magic != BLOCK_MAGIC) {
        a->bad_free = 1;
        return NULL;
    }
    return h;
}

static void *c_realloc(void *p, size_t size, void *ud)
{
    counting *a = ud;
    if (!p)
        return c_malloc(size, ud);
    if (should_fail(a))
        return NULL;
    block_header *h = header_of(a, p);
    if (!h)
        return NULL;
    block_header *n = realloc(h, HEADER_SPACE + size);
    if (!n)
        return NULL;
    n->size = size;
    return (char *)n + HEADER_SPACE;
}

static void c_free(void *p, void *ud)
{
    counting *a = ud;
    if (!p)
        return;
    block_header *h = header_of(a, p);
    if (!h)
        return;
    h->magic = 0;
    a->live--;
    free(h);
}

static int server_config(dj_config *cfg)
{
    const char *host = getenv("DJ_TEST_HOST"), *port = getenv("DJ_TEST_PORT");
    const char *user = getenv("DJ_TEST_USER"), *pass = getenv("DJ_TEST_PASS");
    if (!host || !port || !user || !pass) {
        fprintf(stderr, "oom_path: DJ_TEST_HOST, DJ_TEST_PORT, DJ_TEST_USER and DJ_TEST_PASS "
                        "must name a test server (run through make check)\n");
        return -1;
    }
    dj_config_init(cfg);
    snprintf(cfg->host, sizeof cfg->host, "%s", host);
    cfg->port = (unsigned)atoi(port);
    snprintf(cfg->user, sizeof cfg->user, "%s", user);
    snprintf(cfg->password, sizeof cfg->password, "%s", pass);
    cfg->tls_mode = DJ_TLS_DISABLED;
    return 0;
}

static int run_query(dj_conn *c, dj_error *err)
{
    dj_result *res;
    static const char sql[] = "SELECT seq, CONCAT('value ', seq), NULL FROM mysql.seq_1_to_50";
    int rc = dj_query(c, sql, strlen(sql), &res, err);
    if (rc)
        return rc;
    const dj_value *v;
    while ((rc = dj_result_fetch(res, &v, err)) == 1)
        ;
    int rc2 = dj_result_close(res, rc < 0 ? NULL : err);
    return rc < 0 ? rc : rc2;
}

static int run_schema(dj_conn *c, const char *name, dj_error *err)
{
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = c;
    dj_schema *s;
    int rc = dj_schema_open(&s, name, &opts, err);
    if (rc)
        return rc;
    dj_table_list tables;
    rc = dj_schema_list_tables(s, &tables, err);
    if (rc == 0)
        dj_table_list_free(&tables);
    dj_strlist schemas;
    if (rc == 0) {
        rc = dj_list_schemas(c, &schemas, err);
        if (rc == 0)
            dj_strlist_free(&schemas);
    }
    if (rc == 0) {
        rc = dj_schema_drop(s, 1, NULL, NULL, err);
        rc = rc < 0 ? rc : 0;
    }
    dj_schema_close(s);
    return rc;
}

/* The whole path with one allocator; returns the first error. */
static int run_path(const dj_config *base, counting *a, const char *schema, dj_error *err)
{
    dj_allocator alloc = {c_malloc, c_realloc, c_free, a};
    dj_config cfg = *base;
    cfg.allocator = &alloc;
    dj_conn *c = NULL;
    int rc = dj_connect(&c, &cfg, err);
    if (rc == 0)
        rc = run_query(c, err);
    if (rc == 0)
        rc = run_schema(c, schema, err);
    dj_close(c);
    return rc;
}

typedef struct counts {
    unsigned long tested, passing, failing, enomem;
} counts;

/* Fails each allocation of the path in turn, under one configuration. */
static int fail_each(const dj_config *cfg, const char *mode, dj_conn *admin, const char *schema,
                     counts *n)
{
    char drop[128];
    snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS `%s`", schema);
    dj_error err;
    /* A run without failures counts the allocations of the path. */
    counting probe = {0};
    int rc = run_path(cfg, &probe, schema, &err);
    if (rc || probe.live) {
        fprintf(stderr, "oom_path (%s): the path fails without any injected failure: %d %s "
                        "(live blocks %ld)\n", mode, rc, err.message, probe.live);
        n->failing++;
        return -1;
    }
    printf("oom_path (%s): the path makes %lu allocations; failing each in turn\n", mode,
           probe.calls);
    /* A few more than counted: the path can allocate a little more on a retry. */
    for (unsigned long k = 1; k <= probe.calls + 5; k++) {
        if (dj_exec(admin, drop, NULL, &err)) {
            fprintf(stderr, "oom_path: cleanup failed: %s\n", err.message);
            n->failing++;
            return -1;
        }
        counting a = {0};
        a.fail_at = k;
        dj_error_clear(&err);
        rc = run_path(cfg, &a, schema, &err);
        n->tested++;
        /* The failure must surface as DJ_ENOMEM, or be absorbed (rc 0). */
        int ok = a.live == 0 && !a.bad_free &&
                 (rc == 0 || (rc == DJ_ENOMEM && err.message[0] != '\0'));
        if (a.failed && rc == 0)
            printf("  allocation %lu failed and the path still succeeded (failure absorbed)\n", k);
        if (rc == DJ_ENOMEM)
            n->enomem++;
        else if (rc)
            printf("  allocation %lu: clean error %d (%s): %s\n", k, rc, dj_strerror(rc),
                   err.message);
        if (ok) {
            n->passing++;
        } else {
            n->failing++;
            printf("FAIL (%s): allocation %lu: rc %d, %ld block(s) leaked%s, message \"%s\"\n",
                   mode, k, rc, a.live, a.bad_free ? ", a foreign pointer freed" : "",
                   err.message);
        }
    }
    dj_exec(admin, drop, NULL, &err);
    return 0;
}

/* In a build without the feature, the path must be refused cleanly instead. */
static void refused_without(const dj_config *cfg, const char *mode, counts *n)
{
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, cfg, &err);
    n->tested++;
    if (rc == DJ_EUNSUPPORTED && !c && strstr(err.message, "not compiled in")) {
        n->passing++;
        printf("oom_path (%s): not compiled in; refused cleanly\n", mode);
    } else {
        n->failing++;
        printf("FAIL (%s): expected a 'not compiled in' refusal, got %d: %s\n", mode, rc,
               err.message);
    }
    dj_close(c);
}

int main(void)
{
    dj_config cfg;
    if (server_config(&cfg))
        return 1;
    char schema[64];
    snprintf(schema, sizeof schema, "djt_oom_%ld", (long)getpid());
    dj_error err;
    dj_conn *admin;
    if (dj_connect(&admin, &cfg, &err)) {
        fprintf(stderr, "oom_path: cannot connect to the test server: %s\n", err.message);
        return 1;
    }
    counts n = {0};
    fail_each(&cfg, "plain", admin, schema, &n);
    dj_config tls = cfg;
    tls.tls_mode = DJ_TLS_REQUIRED;
    if (dj_features() & DJ_FEATURE_TLS)
        fail_each(&tls, "tls", admin, schema, &n);
    else
        refused_without(&tls, "tls", &n);
    dj_config z = cfg;
    z.compress = 1;
    if (dj_features() & DJ_FEATURE_COMPRESSION)
        fail_each(&z, "compress", admin, schema, &n);
    else
        refused_without(&z, "compress", &n);
    dj_close(admin);
    unsigned long tested = n.tested, passing = n.passing, failing = n.failing, enomem = n.enomem;
    printf("oom_path: %lu runs, %lu ended in DJ_ENOMEM\n", tested, enomem);
    printf("Synthesis: Tested: %lu | Passing: %lu | Failing: %lu | Crashing: 0\n", tested,
           passing, failing);
    return failing ? 1 : 0;
}
