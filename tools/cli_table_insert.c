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
    const char **names;
    int *is_bytes;
    unsigned count;
} columns;

static void columns_free(columns *c)
{
    free(c->names);
    free(c->is_bytes);
}

static int is_bytes_type(const char *sql_type)
{
    size_t n = strlen(sql_type);
    return (n >= 4 && strcmp(sql_type + n - 4, "blob") == 0) ||
           strncmp(sql_type, "binary", 6) == 0 || strncmp(sql_type, "varbinary", 9) == 0;
}

/* The columns of the table from its heading (names point into the heading). */
static int read_columns(const dj_table *table, columns *out)
{
    const dj_heading *h = dj_table_heading(table);
    size_t n = dj_heading_count(h);
    out->names = calloc(n ? n : 1, sizeof *out->names);
    out->is_bytes = calloc(n ? n : 1, sizeof *out->is_bytes);
    if (!out->names || !out->is_bytes) {
        dj__cli_puts(DJ__ERR, "dj: out of memory\n");
        return DJ__CLI_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        const dj_attribute *a = dj_heading_attribute(h, i);
        out->names[i] = a->name;
        out->is_bytes[i] = is_bytes_type(a->sql_type);
    }
    out->count = (unsigned)n;
    return DJ__CLI_OK;
}

/* Opens the table of a class name in an existing schema. */
static int open_table(dj__cli *cli, const char *schema_name, const char *class_name,
                      dj_schema **schema, dj_table **table)
{
    dj_error err;
    if (dj__cli_open_existing(cli, schema_name, schema, &err) != 0 ||
        dj_table_open(*schema, class_name, DJ_TIER_UNKNOWN, table, &err) != 0)
        return dj__cli_fail(&err);
    return DJ__CLI_OK;
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
            dj__cli_printf(DJ__ERR, "dj: line %zu has more than the table's %u columns\n", lineno,
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
        dj__cli_printf(DJ__ERR, "dj: line %zu has %u values, the table has %u columns\n", lineno, k,
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
        dj__cli_printf(DJ__ERR, "dj: out of memory for %zu rows\n", lines);
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
    dj_schema *schema = NULL;
    dj_table *table = NULL;
    int rc = open_table(cli, args->pos[0], args->pos[1], &schema, &table);
    columns cols = {0};
    if (rc == DJ__CLI_OK)
        rc = read_columns(table, &cols);
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
        if (dj_insert(cli->conn, dj_table_schema_name(table), dj_table_name(table), cols.names,
                      cols.count, rows, nrows, &opts, &inserted, &err) != 0)
            rc = dj__cli_fail(&err);
        else if (!cli->quiet)
            dj__cli_printf(DJ__OUT, "%llu row%s inserted\n", (unsigned long long)inserted,
                           inserted == 1 ? "" : "s");
    }
    free(rows);
    free(text);
    columns_free(&cols);
    dj_table_close(table);
    dj_schema_close(schema);
    return rc;
}
