/*
 * cli_table_insert.c - `dj table insert SCHEMA CLASS`: rows from stdin,
 * tab-separated in the table's column order, escaped as LOAD DATA and
 * `mysql --batch` write them (\N is NULL; \t \n \r \\ \0 \b \Z), inserted in
 * one all-or-nothing dj_insert.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The table's columns in order, and whether each holds bytes (blob, binary). */
typedef struct columns {
    char **names;
    int *is_bytes;
    unsigned count;
} columns;

static void columns_free(columns *c)
{
    for (unsigned i = 0; i < c->count; i++)
        free(c->names[i]);
    free(c->names);
    free(c->is_bytes);
}

static int is_bytes_type(const char *p, size_t n)
{
    static const char *const types[] = {"tinyblob", "blob", "mediumblob", "longblob", "binary",
                                        "varbinary"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]) == n && memcmp(types[i], p, n) == 0)
            return 1;
    return 0;
}

static int add_column(columns *c, const dj_value *v)
{
    char **names = realloc(c->names, (c->count + 1) * sizeof *names);
    if (names)
        c->names = names;
    int *kinds = realloc(c->is_bytes, (c->count + 1) * sizeof *kinds);
    if (kinds)
        c->is_bytes = kinds;
    char *name = names && kinds ? malloc(v[0].len + 1) : NULL;
    if (!name)
        return -1;
    memcpy(name, v[0].ptr, v[0].len);
    name[v[0].len] = '\0';
    c->names[c->count] = name;
    c->is_bytes[c->count++] = is_bytes_type(v[1].ptr, v[1].len);
    return 0;
}

/* Reads the columns of `db`.`table` from information_schema. */
static int read_columns(dj__cli *cli, const char *db, const char *table, columns *out)
{
    char edb[2 * DJ_NAME_MAX + 1], etable[2 * DJ_NAME_MAX + 1], sql[5 * DJ_NAME_MAX + 256];
    dj_escape_string(cli->conn, edb, db, strlen(db));
    dj_escape_string(cli->conn, etable, table, strlen(table));
    snprintf(sql, sizeof sql, "SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_schema='%s' AND table_name='%s' "
                              "ORDER BY ordinal_position", edb, etable);
    dj_result *res;
    dj_error err;
    if (dj_query(cli->conn, sql, strlen(sql), &res, &err) != 0)
        return dj__cli_fail(&err);
    const dj_value *v;
    int rc;
    while ((rc = dj_result_fetch(res, &v, &err)) == 1) {
        if (!v[0].ptr || !v[1].ptr || add_column(out, v) != 0) {
            dj_result_close(res, NULL);
            fprintf(stderr, "dj: cannot read the columns of `%s`.`%s`\n", db, table);
            return DJ__CLI_FAILED;
        }
    }
    if (rc < 0 || dj_result_close(res, &err) != 0) {
        dj_result_close(res, NULL);
        return dj__cli_fail(&err);
    }
    return DJ__CLI_OK;
}

/* Finds the table of a class name among the schema's tables. */
static int find_table(dj__cli *cli, const char *schema_name, const char *class_name,
                      char *table, size_t size)
{
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = cli->conn;
    opts.create_schema = 0;
    dj_schema *schema = NULL;
    dj_table_list list = {0};
    dj_error err;
    if (dj_schema_open(&schema, schema_name, &opts, &err) != 0 ||
        dj_schema_list_tables(schema, &list, &err) != 0) {
        dj_schema_close(schema);
        return dj__cli_fail(&err);
    }
    int rc = DJ__CLI_FAILED;
    for (size_t i = 0; i < list.count && rc != DJ__CLI_OK; i++)
        if (strcmp(list.items[i].class_name, class_name) == 0 &&
            strlen(list.items[i].table_name) < size) {
            strcpy(table, list.items[i].table_name);
            rc = DJ__CLI_OK;
        }
    dj_table_list_free(&list);
    dj_schema_close(schema);
    if (rc)
        fprintf(stderr, "dj: schema `%s` has no table for class %s\n", schema_name, class_name);
    return rc;
}

/* Undoes LOAD DATA escapes in place; returns the new length. */
static size_t unescape(char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\\' || i + 1 == n) {
            p[o++] = p[i];
            continue;
        }
        char ch = p[++i];
        switch (ch) {
        case '0': p[o++] = '\0'; break;
        case 'b': p[o++] = '\b'; break;
        case 'n': p[o++] = '\n'; break;
        case 'r': p[o++] = '\r'; break;
        case 't': p[o++] = '\t'; break;
        case 'Z': p[o++] = 0x1A; break;
        default: p[o++] = ch; break;
        }
    }
    return o;
}

/* Splits one line into exactly cols->count values. */
static int parse_line(char *line, size_t len, const columns *cols, dj_param *row, size_t lineno)
{
    unsigned k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != '\t')
            continue;
        if (k == cols->count) {
            fprintf(stderr, "dj: line %zu has more than the table's %u columns\n", lineno,
                    cols->count);
            return -1;
        }
        char *f = line + start;
        size_t flen = i - start;
        if (flen == 2 && f[0] == '\\' && f[1] == 'N')
            row[k] = dj_param_null();
        else if (cols->is_bytes[k])
            row[k] = dj_param_bytes(f, unescape(f, flen));
        else
            row[k] = dj_param_string(f, unescape(f, flen));
        k++;
        start = i + 1;
    }
    if (k != cols->count) {
        fprintf(stderr, "dj: line %zu has %u values, the table has %u columns\n", lineno, k,
                cols->count);
        return -1;
    }
    return 0;
}

/* Parses all of the input into rows (values point into text). */
static int parse_rows(char *text, size_t len, const columns *cols, dj_param **out, size_t *nrows)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (len > 0 && text[len - 1] != '\n')
        lines++;
    dj_param *rows = lines ? calloc(lines * cols->count, sizeof *rows) : NULL;
    if (lines && !rows) {
        fprintf(stderr, "dj: out of memory for %zu rows\n", lines);
        return DJ__CLI_FAILED;
    }
    size_t row = 0, start = 0;
    while (start < len) {
        char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (parse_line(text + start, end - start, cols, rows + row * cols->count, row + 1)) {
            free(rows);
            return DJ__CLI_FAILED;
        }
        row++;
        start = end + 1;
    }
    *out = rows;
    *nrows = row;
    return DJ__CLI_OK;
}

int dj__cli_table_insert(dj__cli *cli, const dj__cli_args *args)
{
    const char *schema = args->pos[0], *class_name = args->pos[1];
    char table[DJ_NAME_MAX];
    int rc = find_table(cli, schema, class_name, table, sizeof table);
    columns cols = {0};
    if (rc == DJ__CLI_OK)
        rc = read_columns(cli, schema, table, &cols);
    char *text = NULL;
    size_t len = 0, nrows = 0;
    dj_param *rows = NULL;
    if (rc == DJ__CLI_OK)
        rc = dj__cli_read_stdin(&text, &len);
    if (rc == DJ__CLI_OK)
        rc = parse_rows(text, len, &cols, &rows, &nrows);
    if (rc == DJ__CLI_OK) {
        dj_insert_options opts;
        dj_insert_options_init(&opts);
        opts.skip_duplicates = args->flag[0];
        uint64_t inserted = 0;
        dj_error err;
        if (dj_insert(cli->conn, schema, table, (const char *const *)cols.names, cols.count,
                      rows, nrows, &opts, &inserted, &err) != 0)
            rc = dj__cli_fail(&err);
        else if (!cli->quiet)
            printf("%llu row%s inserted\n", (unsigned long long)inserted,
                   inserted == 1 ? "" : "s");
    }
    free(rows);
    free(text);
    columns_free(&cols);
    return rc;
}
