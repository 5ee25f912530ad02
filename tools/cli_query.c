/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_query.c - the commands that talk to the server directly: `dj query`,
 * which streams rows as `mysql --batch` prints them (or as CSV or JSON
 * lines), and `dj ping`.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define QUERY_SYNOPSIS "query SQL|- [--header] [--format F] [--multi]"

/* How JSON writes a column: numbers as numbers, binary strings byte by byte. */
static unsigned char column_kind(const dj_column *c)
{
    switch (c->type) {
    case DJ_TYPE_DECIMAL: case DJ_TYPE_NEWDECIMAL: case DJ_TYPE_TINY: case DJ_TYPE_SHORT:
    case DJ_TYPE_LONG: case DJ_TYPE_INT24: case DJ_TYPE_LONGLONG: case DJ_TYPE_FLOAT:
    case DJ_TYPE_DOUBLE: case DJ_TYPE_YEAR:
        return DJ__CLI_NUMBER;
    case DJ_TYPE_TINY_BLOB: case DJ_TYPE_MEDIUM_BLOB: case DJ_TYPE_LONG_BLOB: case DJ_TYPE_BLOB:
    case DJ_TYPE_VAR_STRING: case DJ_TYPE_STRING: case DJ_TYPE_VARCHAR: case DJ_TYPE_BIT:
    case DJ_TYPE_GEOMETRY:
        return c->charset == 63 ? DJ__CLI_BYTES : DJ__CLI_TEXT;
    default:
        return DJ__CLI_TEXT;
    }
}

/* Header (when asked) and the rows of the current result set, one at a time. */
static int print_result_set(dj_result *res, int header, int format, dj_error *err)
{
    unsigned columns = dj_result_column_count(res);
    const char **names = malloc(columns * sizeof *names);
    unsigned char *kinds = malloc(columns);
    if (!names || !kinds) {
        free(names);
        free(kinds);
        dj_error_clear(err);
        err->code = DJ_ENOMEM;
        dj__fmt(err->message, sizeof err->message, "out of memory for %u columns", columns);
        return DJ_ENOMEM;
    }
    for (unsigned i = 0; i < columns; i++) {
        names[i] = dj_result_column(res, i)->name;
        kinds[i] = column_kind(dj_result_column(res, i));
    }
    dj__cli_rows rows = {format, columns, names, kinds};
    if (header)
        dj__cli_rows_header(&rows);
    const dj_value *values;
    int rc;
    while ((rc = dj_result_fetch(res, &values, err)) == 1)
        dj__cli_rows_put(&rows, values);
    free(names);
    free(kinds);
    return rc;
}

static void report_affected(const dj__cli *cli, const dj_result *res)
{
    if (cli->quiet)
        return;
    unsigned long long rows = dj_result_info_get(res)->affected_rows;
    dj__cli_printf(DJ__ERR, "%llu row%s affected\n", rows, rows == 1 ? "" : "s");
}

/* Prints every result of the query: rows of result sets, counts of statements. */
static int print_results(const dj__cli *cli, dj_result *res, int header, int format,
                         dj_error *err)
{
    int rc;
    do {
        if (dj_result_column_count(res) > 0) {
            rc = print_result_set(res, header, format, err);
            if (rc < 0)
                return rc;
        } else {
            report_affected(cli, res);
        }
        rc = dj_result_next_set(res, err);
    } while (rc == 1);
    return rc;
}

/* One statement unless --multi: the server would answer a second one with a
 * syntax error (1064) that does not say why. *len is cut before the ';'
 * that ends the statement, which is not the server's business. */
static int check_one_statement(const char *sql, size_t *len)
{
    size_t first_end, second = dj__cli_second_statement(sql, *len, &first_end);
    if (second == *len) {
        *len = first_end;
        return DJ__CLI_OK;
    }
    return dj__cli_usage_error(QUERY_SYNOPSIS,
                               "'dj query' runs one statement, and a second one starts at "
                               "\"%.40s\"; run them one by one, or give --multi",
                               sql + second);
}

int dj__cli_query(dj__cli *cli, const dj__cli_args *args)
{
    int format, multi = args->flag[1];
    int rc = dj__cli_parse_format(args->value[0], &format);
    if (rc)
        return rc;
    const char *sql = args->pos[0];
    size_t len = strlen(sql);
    char *from_stdin = NULL;
    if (strcmp(sql, "-") == 0) {
        rc = dj__cli_read_stdin(&from_stdin, &len);
        if (rc)
            return rc;
        sql = from_stdin;
    }
    rc = multi ? DJ__CLI_OK : check_one_statement(sql, &len);
    if (rc) {
        free(from_stdin);
        return rc;
    }
    dj_result *res = NULL;
    dj_error err;
    rc = dj_query(cli->conn, sql, len, &res, &err);
    free(from_stdin);
    if (rc)
        return dj__cli_fail(&err);
    rc = print_results(cli, res, args->flag[0], format, &err);
    if (rc < 0) {
        dj_result_close(res, NULL);
        return dj__cli_fail(&err);
    }
    if (dj_result_close(res, &err) != 0)
        return dj__cli_fail(&err);
    return DJ__CLI_OK;
}

int dj__cli_ping(dj__cli *cli, const dj__cli_args *args)
{
    (void)args;
    dj_error err;
    if (dj_ping(cli->conn, &err) != 0)
        return dj__cli_fail(&err);
    if (!cli->quiet) {
        const char *tls = dj_tls_version(cli->conn);
        dj__cli_printf(DJ__OUT, "alive (server %s, %s, %s)\n", dj_server_version(cli->conn), tls ? tls : "no TLS",
               dj_auth_plugin(cli->conn));
    }
    return DJ__CLI_OK;
}
