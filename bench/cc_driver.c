/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cc_driver.c - the benchmark operations on MariaDB Connector/C (Debian
 * libmariadb-dev), the reference client. Used by the benchmarks only.
 *
 * Each operation is the plain, documented way to do it with Connector/C;
 * where our library runs extra statements (the schema API), the same
 * statements are sent here so that both clients do the same work.
 */
#include "bench.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(MYSQL *m, char *eb)
{
    snprintf(eb, BENCH_ERR_MAX, "%u %s", mysql_errno(m), mysql_error(m));
    return -1;
}

static void *cc_open(const bench_server *s, enum bench_account a, char *eb)
{
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        snprintf(eb, BENCH_ERR_MAX, "mysql_init failed");
        return NULL;
    }
    if (a == BENCH_TLS) {
        my_bool on = 1;
        mysql_ssl_set(m, NULL, NULL, NULL, NULL, NULL);
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    }
    if (!mysql_real_connect(m, s->host, s->user[a], s->pass[a], NULL, s->port, NULL, 0)) {
        fail(m, eb);
        mysql_close(m);
        return NULL;
    }
    return m;
}

static void cc_close(void *h)
{
    mysql_close(h);
}

static int cc_exec(void *h, const char *sql, size_t len, char *eb)
{
    if (mysql_real_query(h, sql, (unsigned long)len))
        return fail(h, eb);
    MYSQL_RES *res = mysql_use_result(h);
    if (res)
        mysql_free_result(res);
    else if (mysql_field_count(h))
        return fail(h, eb);
    return 0;
}

/* Runs a query and tells whether it returned a row (1), none (0) or failed. */
static int cc_has_row(MYSQL *m, const char *sql, char *eb)
{
    if (mysql_real_query(m, sql, (unsigned long)strlen(sql)))
        return fail(m, eb);
    MYSQL_RES *res = mysql_use_result(m);
    if (!res)
        return fail(m, eb);
    int found = mysql_fetch_row(res) != NULL;
    mysql_free_result(res);
    return found;
}

static int cc_select1(void *h, char *eb)
{
    if (mysql_real_query(h, "SELECT 1", 8))
        return fail(h, eb);
    MYSQL_RES *res = mysql_use_result(h);
    if (!res)
        return fail(h, eb);
    MYSQL_ROW row = mysql_fetch_row(res);
    int ok = row && row[0] && row[0][0] == '1';
    mysql_free_result(res);
    if (!ok) {
        snprintf(eb, BENCH_ERR_MAX, "SELECT 1 returned no 1");
        return -1;
    }
    return 0;
}

static int cc_ping(void *h, char *eb)
{
    return mysql_ping(h) ? fail(h, eb) : 0;
}

static int cc_stream(void *h, const char *sql, size_t lap_every, bench_timer *t, size_t *rows,
                     size_t *bytes, char *eb)
{
    if (mysql_real_query(h, sql, (unsigned long)strlen(sql)))
        return fail(h, eb);
    MYSQL_RES *res = mysql_use_result(h);
    if (!res)
        return fail(h, eb);
    unsigned ncols = mysql_num_fields(res);
    size_t n = 0, b = 0;
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res)) != NULL) {
        unsigned long *len = mysql_fetch_lengths(res);
        for (unsigned i = 0; i < ncols; i++)
            b += len[i];
        if (++n % lap_every == 0)
            bench_lap(t);
    }
    int rc = mysql_errno(h) ? fail(h, eb) : 0;
    mysql_free_result(res);
    *rows += n;
    *bytes += b;
    return rc;
}

static size_t cc_escape(void *h, char *out, const char *in, size_t len)
{
    return mysql_real_escape_string(h, out, in, (unsigned long)len);
}

static int cc_insert_prepared(void *h, const char *table, size_t rows, const unsigned char *blob,
                              size_t len, bench_timer *t, char *eb)
{
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?, ?)", table);
    MYSQL_STMT *st = mysql_stmt_init(h);
    if (!st)
        return fail(h, eb);
    int rc = 0;
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)))
        rc = -1;
    int id = 0;
    unsigned long blob_len = (unsigned long)len;
    MYSQL_BIND b[2];
    memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_LONG;
    b[0].buffer = &id;
    b[1].buffer_type = MYSQL_TYPE_BLOB;
    b[1].buffer = (void *)blob;
    b[1].buffer_length = blob_len;
    b[1].length = &blob_len;
    if (!rc && mysql_stmt_bind_param(st, b))
        rc = -1;
    for (size_t i = 0; !rc && i < rows; i++) {
        id = (int)i;
        if (mysql_stmt_execute(st))
            rc = -1;
        bench_lap(t);
    }
    if (rc)
        snprintf(eb, BENCH_ERR_MAX, "%s", mysql_stmt_error(st));
    mysql_stmt_close(st);
    return rc;
}

/* The statement our schema API sends to check that a schema exists. */
static int cc_schema_exists(MYSQL *m, const char *name, char *eb)
{
    char sql[256], esc[2 * 64 + 1];
    mysql_real_escape_string(m, esc, name, (unsigned long)strlen(name));
    snprintf(sql, sizeof sql,
             "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '%s'", esc);
    return cc_has_row(m, sql, eb);
}

/* Backticks are the only quoting a harness-made name could need. */
static int cc_database_statement(MYSQL *m, const char *verb, const char *name, char *eb)
{
    char sql[256];
    snprintf(sql, sizeof sql, "%s DATABASE `%s`", verb, name);
    return cc_exec(m, sql, strlen(sql), eb);
}

/* What dj_schema_open (create if missing) and dj_schema_exists send. */
static int cc_schema_ensure(void *h, const char *name, char *eb)
{
    int rc = cc_schema_exists(h, name, eb);
    if (rc == 0)
        rc = cc_database_statement(h, "CREATE", name, eb);
    if (rc >= 0)
        rc = cc_schema_exists(h, name, eb);
    return rc == 1 ? 0 : rc == 0 ? -1 : rc;
}

/* What dj_schema_open (no create) and dj_schema_drop send. */
static int cc_schema_drop(void *h, const char *name, char *eb)
{
    for (int i = 0; i < 2; i++) {
        int rc = cc_schema_exists(h, name, eb);
        if (rc != 1)
            return rc == 0 ? -1 : rc;
    }
    return cc_database_statement(h, "DROP", name, eb);
}

static const char *cc_note(const char *workload)
{
    if (strncmp(workload, "connect-tls", 11) == 0)
        return "mysql_init + mysql_real_connect with MYSQL_OPT_SSL_ENFORCE, no verification";
    return NULL;
}

const bench_ops bench_client = {
    .name = "connector-c",
    .open = cc_open,
    .close = cc_close,
    .reconnect = NULL,
    .exec = cc_exec,
    .select1 = cc_select1,
    .ping = cc_ping,
    .stream = cc_stream,
    .escape = cc_escape,
    .insert_prepared = cc_insert_prepared,
    .schema_ensure = cc_schema_ensure,
    .schema_drop = cc_schema_drop,
    .note = cc_note,
};
