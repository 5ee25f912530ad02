/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_table.c - `dj table declare|describe`: declaring a table from a
 * DataJoint definition file in an existing schema, and printing a table's
 * heading back in definition syntax.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The tiers a table is declared in: the first ones of dj_tier. */
static int parse_tier(const char *text, dj_tier *tier)
{
    for (int t = DJ_TIER_MANUAL; t <= DJ_TIER_PART; t++)
        if (strcmp(text, dj_tier_name((dj_tier)t)) == 0) {
            *tier = (dj_tier)t;
            return DJ__CLI_OK;
        }
    return dj__cli_usage_error("table declare SCHEMA CLASS --definition FILE [--tier TIER]",
                               "unknown tier '%s' (manual, lookup, imported, computed or part)",
                               text);
}

/* The definition from FILE, or from stdin for "-". */
static int read_definition(const char *path, char **out)
{
    size_t len;
    if (strcmp(path, "-") == 0)
        return dj__cli_read_stdin(out, &len);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        dj__cli_printf(DJ__ERR, "dj: cannot open %s: %s\n", path, strerror(errno));
        return DJ__CLI_USAGE;
    }
    int rc = dj__cli_read_fd(fd, path, out, &len);
    close(fd);
    if (rc == DJ__CLI_OK && strlen(*out) != len) {
        free(*out);
        dj__cli_printf(DJ__ERR, "dj: %s contains a NUL byte\n", path);
        return DJ__CLI_USAGE;
    }
    return rc;
}

/* Opens a schema that must exist; a bad name is a usage error and a missing
 * schema a negative answer. */
static int open_schema(dj__cli *cli, const char *name, dj_schema **out)
{
    dj_error err;
    if (dj__cli_open_existing(cli, name, out, &err) == 0)
        return DJ__CLI_OK;
    if (err.code == DJ_ENAME) {
        dj__cli_report(&err);
        return DJ__CLI_USAGE;
    }
    if (err.code == DJ_ESCHEMA_MISSING) {
        dj__cli_report(&err);
        return DJ__CLI_NO;
    }
    return dj__cli_fail(&err);
}

/* A failure of the table layer: bad definitions and names are the user's
 * input (2), a missing table is a negative answer (1), the rest failures (4). */
static int table_failure(const dj_error *err)
{
    dj__cli_report(err);
    if (err->code == DJ_EDEFINITION || err->code == DJ_ENAME)
        return DJ__CLI_USAGE;
    if (err->code == DJ_ETABLE_MISSING)
        return DJ__CLI_NO;
    return DJ__CLI_FAILED;
}

/* A failure of declaring: the library's "line N: why" about the definition
 * becomes "FILE:N: why", as compilers say it, naming <stdin> for "-". */
static int declare_failure(dj_error *err, const char *file)
{
    const char *p = err->message;
    if (err->code == DJ_EDEFINITION && strncmp(p, "line ", 5) == 0 && p[5] >= '0' && p[5] <= '9') {
        char message[sizeof err->message];
        dj__fmt(message, sizeof message, "%s:%s", strcmp(file, "-") == 0 ? "<stdin>" : file, p + 5);
        memcpy(err->message, message, sizeof message);
    }
    return table_failure(err);
}

static int print_statement(dj_schema *schema, const char *class_name, dj_tier tier,
                           const char *definition, const char *file)
{
    dj_error err;
    size_t needed = 0;
    char small[1];
    int rc = dj_table_declaration_sql(schema, class_name, tier, definition, small, sizeof small,
                                      &needed, &err);
    if (rc != DJ_ETOOBIG || needed == 0)
        return declare_failure(&err, file);
    char *sql = malloc(needed);
    if (!sql) {
        dj__cli_printf(DJ__ERR, "dj: out of memory\n");
        return DJ__CLI_FAILED;
    }
    rc = dj_table_declaration_sql(schema, class_name, tier, definition, sql, needed, NULL, &err);
    if (rc == 0) {
        dj__cli_puts(DJ__OUT, sql);
        dj__cli_putc(DJ__OUT, '\n');
    }
    free(sql);
    return rc ? declare_failure(&err, file) : DJ__CLI_OK;
}

int dj__cli_table_declare(dj__cli *cli, const dj__cli_args *args)
{
    const char *definition_file = args->value[0];
    dj_tier tier = DJ_TIER_MANUAL;
    if (!definition_file)
        return dj__cli_usage_error("table declare SCHEMA CLASS --definition FILE [--tier TIER]",
                                   "--definition FILE is required for 'dj table declare'");
    int rc = args->value[1] ? parse_tier(args->value[1], &tier) : DJ__CLI_OK;
    char *definition = NULL;
    if (rc == DJ__CLI_OK)
        rc = read_definition(definition_file, &definition);
    dj_schema *schema = NULL;
    if (rc == DJ__CLI_OK)
        rc = open_schema(cli, args->pos[0], &schema);
    if (rc == DJ__CLI_OK && args->flag[0]) {
        rc = print_statement(schema, args->pos[1], tier, definition, definition_file);
    } else if (rc == DJ__CLI_OK) {
        dj_table *table = NULL;
        dj_error err;
        if (dj_table_declare(schema, args->pos[1], tier, definition, &table, &err) != 0) {
            rc = declare_failure(&err, definition_file);
        } else {
            if (!cli->quiet) {
                int created = dj_table_created(table);
                dj__cli_put_between(DJ__OUT, created ? "declared table `" : "table `",
                                    dj_table_schema_name(table), "`.`");
                dj__cli_put_between(DJ__OUT, "", dj_table_name(table),
                                    created ? "`\n" : "` already exists\n");
            }
            dj_table_close(table);
        }
    }
    dj_schema_close(schema);
    free(definition);
    return rc;
}

/* The heading as rows for scripts: one per attribute. The default is SQL
 * NULL when there is none, "NULL" for a nullable attribute's, else its value
 * or expression. */
static void print_attributes(const dj_table *table, int format, int header)
{
    static const char *const names[] = {"name", "primary_key", "type", "sql_type",
                                        "nullable", "default", "comment"};
    static const unsigned char kinds[] = {DJ__CLI_TEXT, DJ__CLI_NUMBER, DJ__CLI_TEXT, DJ__CLI_TEXT,
                                          DJ__CLI_NUMBER, DJ__CLI_TEXT, DJ__CLI_TEXT};
    dj__cli_rows rows = {format, 7, names, kinds};
    if (header)
        dj__cli_rows_header(&rows);
    const dj_heading *h = dj_table_heading(table);
    for (size_t i = 0; i < dj_heading_count(h); i++) {
        const dj_attribute *a = dj_heading_attribute(h, i);
        const char *texts[] = {a->name, a->in_key ? "1" : "0", a->type, a->sql_type,
                               a->nullable ? "1" : "0",
                               a->default_kind == DJ_DEFAULT_NULL ? "NULL" : a->default_value,
                               a->comment};
        dj__cli_rows_text(&rows, texts);
    }
}

int dj__cli_table_describe(dj__cli *cli, const dj__cli_args *args)
{
    int format;
    int rc = dj__cli_parse_format(args->value[0], &format);
    dj_schema *schema = NULL;
    if (rc == DJ__CLI_OK)
        rc = open_schema(cli, args->pos[0], &schema);
    if (rc)
        return rc;
    dj_table *table = NULL;
    dj_error err;
    char *text = NULL;
    size_t needed = 0;
    int as_rows = args->value[0] || args->flag[0];
    if (dj_table_open(schema, args->pos[1], DJ_TIER_UNKNOWN, &table, &err) != 0) {
        rc = table_failure(&err);
    } else if (as_rows) {
        print_attributes(table, format, args->flag[0]);
    } else if (dj_table_describe(table, NULL, 0, &needed, &err) != DJ_ETOOBIG && needed == 0) {
        rc = table_failure(&err);
    } else if (!(text = malloc(needed))) {
        dj__cli_printf(DJ__ERR, "dj: out of memory\n");
        rc = DJ__CLI_FAILED;
    } else if (dj_table_describe(table, text, needed, NULL, &err) != 0) {
        rc = table_failure(&err);
    } else {
        dj__cli_puts(DJ__OUT, text);
    }
    free(text);
    dj_table_close(table);
    dj_schema_close(schema);
    return rc;
}
