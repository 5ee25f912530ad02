/*
 * cli_query.c - the commands that talk to the server directly: `dj query`,
 * which streams rows as `mysql --batch` prints them, and `dj ping`.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Header (when asked) and the rows of the current result set, one at a time. */
static int print_result_set(dj_result *res, int header, dj_error *err)
{
    unsigned columns = dj_result_column_count(res);
    if (header) {
        for (unsigned i = 0; i < columns; i++) {
            if (i > 0)
                dj__cli_putc(DJ__OUT, '\t');
            dj__cli_put_text(DJ__OUT, dj_result_column(res, i)->name);
        }
        dj__cli_putc(DJ__OUT, '\n');
    }
    const dj_value *values;
    int rc;
    while ((rc = dj_result_fetch(res, &values, err)) == 1)
        dj__cli_put_row(DJ__OUT, values, columns);
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
static int print_results(const dj__cli *cli, dj_result *res, int header, dj_error *err)
{
    int rc;
    do {
        if (dj_result_column_count(res) > 0) {
            rc = print_result_set(res, header, err);
            if (rc < 0)
                return rc;
        } else {
            report_affected(cli, res);
        }
        rc = dj_result_next_set(res, err);
    } while (rc == 1);
    return rc;
}

int dj__cli_query(dj__cli *cli, const dj__cli_args *args)
{
    const char *sql = args->pos[0];
    size_t len = strlen(sql);
    char *from_stdin = NULL;
    if (strcmp(sql, "-") == 0) {
        int rc = dj__cli_read_stdin(&from_stdin, &len);
        if (rc)
            return rc;
        sql = from_stdin;
    }
    dj_result *res = NULL;
    dj_error err;
    int rc = dj_query(cli->conn, sql, len, &res, &err);
    free(from_stdin);
    if (rc)
        return dj__cli_fail(&err);
    rc = print_results(cli, res, args->flag[0], &err);
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
