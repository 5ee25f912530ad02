/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_schema.c - `dj schema create|exists|list|tables|drop`: DataJoint's
 * schema operations, with names checked before anything goes to the server.
 */
#include "cli.h"

#include <string.h>

/* A name the server would refuse is a usage error, found without a round trip. */
static int check_name(const char *name, int strict)
{
    dj_error err;
    if (dj_schema_name_check(name, strict, &err) == 0)
        return DJ__CLI_OK;
    dj__cli_report(&err);
    return DJ__CLI_USAGE;
}

/* Opens an existing schema; *missing is set (and no error reported) when it is not there. */
static int open_existing(dj__cli *cli, const char *name, dj_schema **out, int *missing)
{
    dj_error err;
    *missing = 0;
    int rc = dj__cli_open_existing(cli, name, out, &err);
    if (rc == DJ_ESCHEMA_MISSING) {
        *missing = 1;
        return DJ__CLI_OK;
    }
    return rc ? dj__cli_fail(&err) : DJ__CLI_OK;
}

int dj__cli_schema_create(dj__cli *cli, const dj__cli_args *args)
{
    const char *name = args->pos[0];
    int strict = args->flag[0];
    int rc = check_name(name, strict);
    if (rc)
        return rc;
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = cli->conn;
    opts.strict_names = strict;
    dj_schema *schema = NULL;
    dj_error err;
    if (dj_schema_open(&schema, name, &opts, &err) != 0)
        return dj__cli_fail(&err);
    if (!cli->quiet) {
        int created = dj_schema_created(schema);
        dj__cli_put_between(DJ__OUT, created ? "created schema `" : "schema `", name,
                            created ? "`\n" : "` already exists\n");
    }
    dj_schema_close(schema);
    return DJ__CLI_OK;
}

int dj__cli_schema_exists(dj__cli *cli, const dj__cli_args *args)
{
    const char *name = args->pos[0];
    int rc = check_name(name, 0);
    if (rc)
        return rc;
    dj_error err;
    int exists = dj_schema_exists_by_name(cli->conn, name, &err);
    if (exists < 0)
        return dj__cli_fail(&err);
    if (!cli->quiet)
        dj__cli_puts(DJ__OUT, exists ? "yes\n" : "no\n");
    return exists ? DJ__CLI_OK : DJ__CLI_NO;
}

int dj__cli_schema_list(dj__cli *cli, const dj__cli_args *args)
{
    static const char *const header[] = {"schema"};
    dj__cli_rows rows = {DJ__CLI_TSV, 1, header, NULL};
    int rc = dj__cli_parse_format(args->value[0], &rows.format);
    if (rc)
        return rc;
    dj_strlist names;
    dj_error err;
    if (dj_list_schemas(cli->conn, &names, &err) != 0)
        return dj__cli_fail(&err);
    if (args->flag[0])
        dj__cli_rows_header(&rows);
    for (size_t i = 0; i < names.count; i++)
        dj__cli_rows_text(&rows, (const char *const *)&names.items[i]);
    dj_strlist_free(&names);
    return DJ__CLI_OK;
}

int dj__cli_schema_tables(dj__cli *cli, const dj__cli_args *args)
{
    static const char *const header[] = {"table_name", "tier", "class_name"};
    dj__cli_rows rows = {DJ__CLI_TSV, 3, header, NULL};
    const char *name = args->pos[0];
    int rc = dj__cli_parse_format(args->value[0], &rows.format);
    if (rc == DJ__CLI_OK)
        rc = check_name(name, 0);
    if (rc)
        return rc;
    dj_schema *schema = NULL;
    int missing;
    rc = open_existing(cli, name, &schema, &missing);
    if (rc)
        return rc;
    if (missing) {
        dj__cli_put_between(DJ__ERR, "dj: schema `", name, "` does not exist\n");
        return DJ__CLI_NO;
    }
    dj_table_list tables;
    dj_error err;
    rc = dj_schema_list_tables(schema, &tables, &err);
    dj_schema_close(schema);
    if (rc)
        return dj__cli_fail(&err);
    if (args->flag[0])
        dj__cli_rows_header(&rows);
    for (size_t i = 0; i < tables.count; i++) {
        const dj_table_entry *t = &tables.items[i];
        const char *texts[] = {t->table_name, dj_tier_name(t->tier), t->class_name};
        dj__cli_rows_text(&rows, texts);
    }
    dj_table_list_free(&tables);
    return DJ__CLI_OK;
}

int dj__cli_schema_drop(dj__cli *cli, const dj__cli_args *args)
{
    const char *name = args->pos[0];
    int force = args->flag[0];
    int rc = check_name(name, 0);
    if (rc)
        return rc;
    dj_schema *schema = NULL;
    int missing;
    rc = open_existing(cli, name, &schema, &missing);
    if (rc)
        return rc;
    if (missing) {
        /* What dj_schema_drop itself says when the schema vanished under it;
         * a handle to a missing schema cannot be opened to let it say so. */
        char notice[DJ_NAME_MAX + 64];
        dj__fmt(notice, sizeof notice, "Schema named `%s` does not exist. Doing nothing.", name);
        if (cli->cfg.loglevel <= DJ_LOG_INFO)
            dj__cli_log(DJ_LOG_INFO, notice, cli);
        return DJ__CLI_OK;
    }
    dj_error err;
    rc = dj_schema_drop(schema, force, dj__cli_confirm, cli, &err);
    dj_schema_close(schema);
    if (rc == DJ_EABORTED) {
        if (!cli->quiet) {
            dj__cli_put_between(DJ__ERR, "schema `", name, "` not dropped\n");
        }
        return DJ__CLI_NO;
    }
    if (rc < 0)
        return dj__cli_fail(&err);
    if (rc == 1 && !cli->quiet) {
        dj__cli_put_between(DJ__OUT, "dropped schema `", name, "`\n");
    }
    return DJ__CLI_OK;
}
