/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness.c - the workloads, written once for both clients (see bench.h).
 *
 * Usage: DRIVER WORKLOAD [COUNT]
 *
 * Runs one workload once against the server named by the DJ_TEST_*
 * variables and prints, one per line:
 *   client NAME        which client ran
 *   workload NAME
 *   ops N              operations timed (queries, rows, connects, MiB)
 *   seconds S          wall time of the timed part
 *   cpu S              user + system CPU of this process in the timed part
 *   bytes N            payload bytes moved (throughput workloads)
 *   rss_before_kb N    resident memory just before the timed part
 *   rss_peak_kb N      peak resident memory of the process (VmHWM)
 *   note TEXT          how this client ran it, when it differs
 *   na TEXT            the client cannot run this workload in this build
 *   s SECONDS          one latency sample per operation (or per lap)
 * and exits non-zero only when something failed (never for being slow).
 */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct bench_timer {
    double *samples;
    size_t n, cap;
    double last;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "%s: %s: %s\n", bench_client.name, what, msg);
    exit(1);
}

void bench_lap(bench_timer *t)
{
    double n = now();
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        double *p = realloc(t->samples, cap * sizeof *p);
        if (!p)
            die("timer", "out of memory");
        t->samples = p;
        t->cap = cap;
    }
    t->samples[t->n++] = n - t->last;
    t->last = n;
}

/* Reads a "Name:   N kB" line of /proc/self/status. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t klen = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':')
            v = strtol(line + klen + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        die("environment", "DJ_TEST_* variables missing: run through bench/run (make bench)");
    return v;
}

static bench_server server_from_env(void)
{
    bench_server s;
    s.host = env("DJ_TEST_HOST");
    s.port = (unsigned)atoi(env("DJ_TEST_PORT"));
    s.user[BENCH_NATIVE] = s.user[BENCH_TLS] = env("DJ_TEST_NATIVE_USER");
    s.pass[BENCH_NATIVE] = s.pass[BENCH_TLS] = env("DJ_TEST_NATIVE_PASS");
    s.user[BENCH_ED25519] = env("DJ_TEST_ED25519_USER");
    s.pass[BENCH_ED25519] = env("DJ_TEST_ED25519_PASS");
    return s;
}

/* What a run measured, printed at the end. */
typedef struct run {
    size_t ops;
    double t0, cpu0, seconds, cpu;
    size_t bytes;
    long rss_before;
    bench_timer timer;
} run;

static void run_start(run *r)
{
    r->rss_before = status_kb("VmRSS");
    r->cpu0 = cpu_now();
    r->t0 = now();
    r->timer.last = r->t0;
}

static void run_stop(run *r)
{
    r->seconds = now() - r->t0;
    r->cpu = cpu_now() - r->cpu0;
}

static void *open_or_die(const bench_server *s, enum bench_account a)
{
    char eb[BENCH_ERR_MAX] = "";
    void *h = bench_client.open(s, a, eb);
    if (!h)
        die("connect", eb);
    return h;
}

static void check(int rc, const char *what, const char *eb)
{
    if (rc)
        die(what, eb);
}

/* connect-*: N x (TCP + handshake + auth + close). With `reuse` and a client
 * that can reconnect a handle, the handle is reconnected instead, which keeps
 * what the client caches between connections (our TLS context). */
static void wl_connect(const bench_server *s, enum bench_account a, int reuse, run *r)
{
    char eb[BENCH_ERR_MAX] = "";
    if (reuse && bench_client.reconnect) {
        void *h = open_or_die(s, a);
        run_start(r);
        for (size_t i = 0; i < r->ops; i++) {
            check(bench_client.reconnect(h, eb), "reconnect", eb);
            bench_lap(&r->timer);
        }
        run_stop(r);
        bench_client.close(h);
        return;
    }
    run_start(r);
    for (size_t i = 0; i < r->ops; i++) {
        void *h = open_or_die(s, a);
        bench_client.close(h);
        bench_lap(&r->timer);
    }
    run_stop(r);
}

static void wl_roundtrip(const bench_server *s, int (*op)(void *, char *), run *r)
{
    char eb[BENCH_ERR_MAX] = "";
    void *h = open_or_die(s, BENCH_NATIVE);
    run_start(r);
    for (size_t i = 0; i < r->ops; i++) {
        check(op(h, eb), "round trip", eb);
        bench_lap(&r->timer);
    }
    run_stop(r);
    bench_client.close(h);
}

/* stream: one SELECT over MariaDB's sequence engine, read row by row. */
static void wl_stream(const bench_server *s, run *r)
{
    char eb[BENCH_ERR_MAX] = "", sql[160];
    snprintf(sql, sizeof sql, "SELECT seq, seq*2, CONCAT('row', seq) FROM seq_1_to_%zu", r->ops);
    void *h = open_or_die(s, BENCH_NATIVE);
    /* The sequence engine's tables exist in every database, but one is needed. */
    check(bench_client.exec(h, "USE djbench", 11, eb), "use", eb);
    size_t rows = 0;
    run_start(r);
    check(bench_client.stream(h, sql, 10000, &r->timer, &rows, &r->bytes, eb), "stream", eb);
    run_stop(r);
    if (rows != r->ops) {
        snprintf(eb, sizeof eb, "expected %zu rows, got %zu", r->ops, rows);
        die("stream", eb);
    }
    bench_client.close(h);
}

#define BENCH_BLOB (1024u * 1024u)

/* 1 MiB of bytes that need escaping now and then, like real binary data. */
static unsigned char *make_blob(void)
{
    unsigned char *b = malloc(BENCH_BLOB);
    if (!b)
        die("blob", "out of memory");
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < BENCH_BLOB; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = (unsigned char)x;
    }
    return b;
}

static void *open_table(const bench_server *s, const char *table)
{
    char eb[BENCH_ERR_MAX] = "", sql[256];
    void *h = open_or_die(s, BENCH_NATIVE);
    snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s (id INT PRIMARY KEY, b LONGBLOB)",
             table);
    check(bench_client.exec(h, sql, strlen(sql), eb), "create table", eb);
    snprintf(sql, sizeof sql, "TRUNCATE TABLE %s", table);
    check(bench_client.exec(h, sql, strlen(sql), eb), "truncate", eb);
    return h;
}

/* insert-text: each row is one INSERT with the blob escaped into the text,
 * as a binary literal so that the server does not check it as text. */
static void wl_insert_text(const bench_server *s, const char *table, run *r)
{
    char eb[BENCH_ERR_MAX] = "";
    unsigned char *blob = make_blob();
    char *sql = malloc(2 * BENCH_BLOB + 256);
    if (!sql)
        die("insert", "out of memory");
    void *h = open_table(s, table);
    run_start(r);
    for (size_t i = 0; i < r->ops; i++) {
        int n = snprintf(sql, 256, "INSERT INTO %s VALUES (%zu, _binary'", table, i);
        size_t len = (size_t)n;
        len += bench_client.escape(h, sql + len, (const char *)blob, BENCH_BLOB);
        sql[len++] = '\'';
        sql[len++] = ')';
        sql[len] = '\0';
        check(bench_client.exec(h, sql, len, eb), "insert", eb);
        bench_lap(&r->timer);
    }
    run_stop(r);
    r->bytes = r->ops * BENCH_BLOB;
    bench_client.close(h);
    free(sql);
    free(blob);
}

static void wl_insert_prepared(const bench_server *s, const char *table, run *r)
{
    char eb[BENCH_ERR_MAX] = "";
    if (!bench_client.insert_prepared) {
        printf("na not in this build (prepared statements are not in this library yet)\n");
        return;
    }
    unsigned char *blob = make_blob();
    void *h = open_table(s, table);
    run_start(r);
    check(bench_client.insert_prepared(h, table, r->ops, blob, BENCH_BLOB, &r->timer, eb),
          "prepared insert", eb);
    run_stop(r);
    r->bytes = r->ops * BENCH_BLOB;
    bench_client.close(h);
    free(blob);
}

/* schema: N x (create if missing + existence check) of distinct schemas,
 * then every one dropped (the drops are timed as well, as one lap each). */
static void wl_schema(const bench_server *s, run *r)
{
    char eb[BENCH_ERR_MAX] = "", name[64];
    void *h = open_or_die(s, BENCH_NATIVE);
    long pid = (long)getpid();
    run_start(r);
    for (size_t i = 0; i < r->ops; i++) {
        snprintf(name, sizeof name, "djbench_%ld_%zu", pid, i);
        check(bench_client.schema_ensure(h, name, eb), "schema", eb);
        bench_lap(&r->timer);
    }
    for (size_t i = 0; i < r->ops; i++) {
        snprintf(name, sizeof name, "djbench_%ld_%zu", pid, i);
        check(bench_client.schema_drop(h, name, eb), "drop schema", eb);
    }
    run_stop(r);
    bench_client.close(h);
}

/* escape: N x escaping 1 MiB; CPU time, one lap per MiB. */
static void wl_escape(const bench_server *s, run *r)
{
    unsigned char *blob = make_blob();
    char *out = malloc(2 * BENCH_BLOB + 1);
    if (!out)
        die("escape", "out of memory");
    void *h = open_or_die(s, BENCH_NATIVE);
    size_t total = 0;
    run_start(r);
    for (size_t i = 0; i < r->ops; i++) {
        total += bench_client.escape(h, out, (const char *)blob, BENCH_BLOB);
        bench_lap(&r->timer);
    }
    run_stop(r);
    r->bytes = r->ops * BENCH_BLOB;
    if (total < r->bytes)
        die("escape", "escaped output shorter than its input");
    bench_client.close(h);
    free(out);
    free(blob);
}

typedef struct workload {
    const char *name;
    size_t default_ops;
} workload;

static const workload workloads[] = {
    {"connect-native", 200}, {"connect-ed25519", 200}, {"connect-tls", 100},
    {"connect-tls-fresh", 100}, {"select1", 20000}, {"ping", 20000},
    {"stream", 1000000}, {"insert-text", 1000}, {"insert-prepared", 1000},
    {"schema", 1000}, {"escape", 64},
};

static void usage(void)
{
    fprintf(stderr, "usage: %s_driver WORKLOAD [COUNT]\nworkloads:", bench_client.name);
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        fprintf(stderr, " %s", workloads[i].name);
    fputc('\n', stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        usage();
    const char *wl = argv[1];
    const workload *w = NULL;
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (strcmp(workloads[i].name, wl) == 0)
            w = &workloads[i];
    if (!w)
        usage();
    run r;
    memset(&r, 0, sizeof r);
    r.ops = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : w->default_ops;
    if (r.ops == 0)
        usage();
    bench_server s = server_from_env();
    /* One table per client, so the two never wait on each other's locks. */
    char table[64];
    snprintf(table, sizeof table, "djbench.blobs_%s", bench_client.name[0] == 'o' ? "dj" : "cc");

    printf("client %s\nworkload %s\n", bench_client.name, wl);
    if (strcmp(wl, "connect-native") == 0)
        wl_connect(&s, BENCH_NATIVE, 0, &r);
    else if (strcmp(wl, "connect-ed25519") == 0)
        wl_connect(&s, BENCH_ED25519, 0, &r);
    else if (strcmp(wl, "connect-tls") == 0)
        wl_connect(&s, BENCH_TLS, 1, &r);
    else if (strcmp(wl, "connect-tls-fresh") == 0)
        wl_connect(&s, BENCH_TLS, 0, &r);
    else if (strcmp(wl, "select1") == 0)
        wl_roundtrip(&s, bench_client.select1, &r);
    else if (strcmp(wl, "ping") == 0)
        wl_roundtrip(&s, bench_client.ping, &r);
    else if (strcmp(wl, "stream") == 0)
        wl_stream(&s, &r);
    else if (strcmp(wl, "insert-text") == 0)
        wl_insert_text(&s, table, &r);
    else if (strcmp(wl, "insert-prepared") == 0)
        wl_insert_prepared(&s, table, &r);
    else if (strcmp(wl, "schema") == 0)
        wl_schema(&s, &r);
    else
        wl_escape(&s, &r);

    const char *note = bench_client.note ? bench_client.note(wl) : NULL;
    if (note)
        printf("note %s\n", note);
    printf("ops %zu\nseconds %.9f\ncpu %.6f\nbytes %zu\nrss_before_kb %ld\nrss_peak_kb %ld\n",
           r.timer.n ? r.ops : 0, r.seconds, r.cpu, r.bytes, r.rss_before, status_kb("VmHWM"));
    for (size_t i = 0; i < r.timer.n; i++)
        printf("s %.9f\n", r.timer.samples[i]);
    free(r.timer.samples);
    return 0;
}
