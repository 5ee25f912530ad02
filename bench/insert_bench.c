/* SPDX-License-Identifier: Apache-2.0 */
/*
 * insert_bench.c - insert throughput of libdatajoint against a real server:
 *   insert_bench blobs COUNT SIZE   COUNT rows with a SIZE-byte blob each,
 *                                   one prepared statement executed per
 *                                   row, the blob sent as long data;
 *   insert_bench rows COUNT         COUNT small rows (int, double, varchar,
 *                                   datetime) in multi-row text batches.
 * The server comes from DJ_TEST_HOST/PORT/USER/PASS. Prints the time, the
 * rate, and the largest single allocation the library made during the
 * inserts (a blob copy would show up there as an allocation of its size).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datajoint.h"

static size_t largest;

static void *count_malloc(size_t n, void *ud) { (void)ud; if (n > largest) largest = n; return malloc(n); }
static void *count_realloc(void *p, size_t n, void *ud) { (void)ud; if (n > largest) largest = n; return realloc(p, n); }
static void count_free(void *p, void *ud) { (void)ud; free(p); }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const dj_error *err)
{
    fprintf(stderr, "insert_bench: %s: %s\n", what, err->message);
    return 1;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int bench_blobs(dj_conn *c, size_t count, size_t size)
{
    dj_error err;
    if (dj_exec(c, "CREATE TABLE blobs (id int PRIMARY KEY, b longblob)", NULL, &err))
        return fail("create", &err);
    unsigned char *blob = malloc(size);
    if (!blob)
        return 1;
    for (size_t i = 0; i < size; i++)
        blob[i] = (unsigned char)(i * 131 >> 5);
    /* One statement executed per row: the path Connector/C's reference takes. */
    static const char sql[] = "INSERT INTO blobs (id, b) VALUES (?, ?)";
    dj_stmt *st;
    if (dj_stmt_prepare(c, sql, sizeof sql - 1, &st, &err)) {
        free(blob);
        return fail("prepare", &err);
    }
    largest = 0;
    double t0 = now();
    for (size_t i = 0; i < count; i++) {
        dj_param row[2] = {dj_param_int64((int64_t)i), dj_param_bytes(blob, size)};
        if (dj_stmt_execute(st, row, 2, NULL, NULL, &err)) {
            dj_stmt_close(st);
            free(blob);
            return fail("execute", &err);
        }
    }
    dj_stmt_close(st);
    double secs = now() - t0;
    double mib = (double)count * (double)size / (1024.0 * 1024.0);
    printf("blobs: %zu x %zu bytes in %.2f s: %.1f MiB/s; largest allocation %zu bytes\n", count,
           size, secs, mib / secs, largest);
    free(blob);
    return 0;
}

static int bench_rows(dj_conn *c, size_t count)
{
    dj_error err;
    if (dj_exec(c, "CREATE TABLE samples (id int PRIMARY KEY, x double, label varchar(32), "
                   "t datetime(6))", NULL, &err))
        return fail("create", &err);
    dj_param *rows = malloc(count * 4 * sizeof *rows);
    if (!rows)
        return 1;
    dj_datetime t = {.year = 2024, .month = 5, .day = 17, .hour = 12};
    for (size_t i = 0; i < count; i++) {
        t.microsecond = (uint32_t)(i % 1000000);
        rows[4 * i] = dj_param_int64((int64_t)i);
        rows[4 * i + 1] = dj_param_double((double)i * 0.25);
        rows[4 * i + 2] = dj_param_string("trial sample", 12);
        rows[4 * i + 3] = dj_param_temporal(DJ_PARAM_DATETIME, t);
    }
    static const char *const names[] = {"id", "x", "label", "t"};
    largest = 0;
    double t0 = now();
    uint64_t n = 0;
    int rc = dj_insert(c, "djbench", "samples", names, 4, rows, count, NULL, &n, &err);
    double secs = now() - t0;
    free(rows);
    if (rc)
        return fail("insert", &err);
    printf("rows: %llu rows in %.2f s: %.0f rows/s; largest allocation %zu bytes\n",
           (unsigned long long)n, secs, (double)n / secs, largest);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "blobs") == 0 && argc < 4)) {
        fprintf(stderr, "usage: insert_bench blobs COUNT SIZE | insert_bench rows COUNT\n");
        return 2;
    }
    static const dj_allocator alloc = {count_malloc, count_realloc, count_free, NULL};
    dj_config cfg;
    dj_config_init(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "%s", env_or("DJ_TEST_HOST", "127.0.0.1"));
    cfg.port = (unsigned)atoi(env_or("DJ_TEST_PORT", "3306"));
    snprintf(cfg.user, sizeof cfg.user, "%s", env_or("DJ_TEST_USER", "root"));
    snprintf(cfg.password, sizeof cfg.password, "%s", env_or("DJ_TEST_PASS", ""));
    cfg.tls_mode = DJ_TLS_DISABLED; /* as the Connector/C comparison runs */
    cfg.allocator = &alloc;
    dj_conn *c;
    dj_error err;
    if (dj_connect(&c, &cfg, &err))
        return fail("connect", &err);
    dj_exec(c, "DROP DATABASE IF EXISTS djbench", NULL, NULL);
    if (dj_exec(c, "CREATE DATABASE djbench", NULL, &err) || dj_select_db(c, "djbench", &err))
        return fail("create database", &err);
    int rc = strcmp(argv[1], "blobs") == 0
                 ? bench_blobs(c, strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10))
                 : bench_rows(c, strtoull(argv[2], NULL, 10));
    dj_exec(c, "DROP DATABASE IF EXISTS djbench", NULL, NULL);
    dj_close(c);
    return rc;
}
