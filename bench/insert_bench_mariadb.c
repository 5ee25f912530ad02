/* SPDX-License-Identifier: Apache-2.0 */
/*
 * insert_bench_mariadb.c - the reference for insert_bench: the same blob
 * inserts through MariaDB Connector/C's prepared-statement path
 * (mysql_stmt_prepare, a bound MYSQL_TYPE_LONG_BLOB, mysql_stmt_execute).
 *   insert_bench_mariadb COUNT SIZE
 * Built only on request (make bench/insert_bench_mariadb) where libmariadb
 * is installed; the server comes from DJ_TEST_HOST/PORT/USER/PASS.
 */
#define _POSIX_C_SOURCE 200809L
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int fail(MYSQL *m, const char *what)
{
    fprintf(stderr, "insert_bench_mariadb: %s: %s\n", what, mysql_error(m));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: insert_bench_mariadb COUNT SIZE\n");
        return 2;
    }
    size_t count = strtoull(argv[1], NULL, 10), size = strtoull(argv[2], NULL, 10);
    MYSQL *m = mysql_init(NULL);
    if (!mysql_real_connect(m, env_or("DJ_TEST_HOST", "127.0.0.1"),
                            env_or("DJ_TEST_USER", "root"), env_or("DJ_TEST_PASS", ""), NULL,
                            (unsigned)atoi(env_or("DJ_TEST_PORT", "3306")), NULL, 0))
        return fail(m, "connect");
    mysql_query(m, "DROP DATABASE IF EXISTS djbench_cc");
    if (mysql_query(m, "CREATE DATABASE djbench_cc") || mysql_select_db(m, "djbench_cc") ||
        mysql_query(m, "CREATE TABLE blobs (id int PRIMARY KEY, b longblob)"))
        return fail(m, "setup");
    unsigned char *blob = malloc(size);
    for (size_t i = 0; i < size; i++)
        blob[i] = (unsigned char)(i * 131 >> 5);
    MYSQL_STMT *st = mysql_stmt_init(m);
    static const char sql[] = "INSERT INTO blobs (id, b) VALUES (?, ?)";
    if (mysql_stmt_prepare(st, sql, sizeof sql - 1))
        return fail(m, "prepare");
    long long id = 0;
    unsigned long blob_len = (unsigned long)size;
    MYSQL_BIND bind[2];
    memset(bind, 0, sizeof bind);
    bind[0].buffer_type = MYSQL_TYPE_LONGLONG;
    bind[0].buffer = &id;
    bind[1].buffer_type = MYSQL_TYPE_LONG_BLOB;
    bind[1].buffer = blob;
    bind[1].buffer_length = blob_len;
    bind[1].length = &blob_len;
    if (mysql_stmt_bind_param(st, bind))
        return fail(m, "bind");
    double t0 = now();
    for (size_t i = 0; i < count; i++) {
        id = (long long)i;
        if (mysql_stmt_execute(st))
            return fail(m, "execute");
    }
    double secs = now() - t0;
    double mib = (double)count * (double)size / (1024.0 * 1024.0);
    printf("connector/c blobs: %zu x %zu bytes in %.2f s: %.1f MiB/s\n", count, size, secs,
           mib / secs);
    mysql_stmt_close(st);
    mysql_query(m, "DROP DATABASE IF EXISTS djbench_cc");
    mysql_close(m);
    free(blob);
    return 0;
}
