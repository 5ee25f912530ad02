/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_table_insert.c - `dj table insert SCHEMA CLASS`: rows from stdin,
 * tab-separated and escaped as LOAD DATA and `mysql --batch` write them
 * (\N is NULL; \t \n \r \\ \0 \b \Z) or CSV (RFC 4180), in the table's
 * column order or in the order a header line names, inserted in one
 * all-or-nothing dj_insert.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define INSERT_SYNOPSIS "table insert SCHEMA CLASS [--skip-duplicates] [--header] [--csv|--format F]"
#define DJ__CLI_MIN_INT(a, b) ((a) < (b) ? (a) : (b))

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

/* ---- reading fields ---- */

/* The input, read field by field in place (unescaping shortens a field). */
typedef struct reader {
    char *text;
    size_t len;
    size_t pos;
    size_t line; /* of pos, 1-based */
    int csv;
} reader;

/* One field of the input; ptr NULL is SQL NULL. */
typedef struct field {
    char *ptr;
    size_t len;
} field;

/* A tab-separated field: to the next tab or line end. \N alone is NULL. A
 * carriage return before the line end is refused, not stored: it is a CRLF
 * file, and a CR that belongs to the value is written \r. */
static int tsv_field(reader *r, field *f, int *last)
{
    size_t start = r->pos, i = start;
    while (i < r->len && r->text[i] != '\t' && r->text[i] != '\n')
        i++;
    if (i > start && r->text[i - 1] == '\r' && (i == r->len || r->text[i] == '\n')) {
        dj__cli_printf(DJ__ERR, "dj: line %zu ends with a carriage return (CRLF line ends): "
                                "convert the input to LF line ends (e.g. with dos2unix), write a "
                                "CR that belongs to the value as \\r, or use --csv\n", r->line);
        return -1;
    }
    char *p = r->text + start;
    size_t n = i - start;
    if (n == 2 && p[0] == '\\' && p[1] == 'N')
        *f = (field){NULL, 0};
    else
        *f = (field){p, unescape(p, n)};
    *last = i == r->len || r->text[i] == '\n';
    r->line += i < r->len && r->text[i] == '\n';
    r->pos = i + (i < r->len);
    return 0;
}

/* An RFC 4180 field: quoted ("" for a quote; commas and line breaks kept)
 * or plain, ended by a comma, LF or CRLF. An empty plain field is NULL, ""
 * the empty string, as dj query --format csv writes them. */
static int csv_field(reader *r, field *f, int *last)
{
    char *t = r->text;
    size_t i = r->pos, o = r->pos, first_line = r->line;
    int quoted = i < r->len && t[i] == '"';
    if (quoted) {
        for (i++;; i++) {
            if (i == r->len) {
                dj__cli_printf(DJ__ERR, "dj: line %zu: a quoted field is not closed\n", first_line);
                return -1;
            }
            if (t[i] == '"' && i + 1 < r->len && t[i + 1] == '"')
                i++;
            else if (t[i] == '"')
                break;
            r->line += t[i] == '\n';
            t[o++] = t[i];
        }
        i++;
    } else {
        while (i < r->len && t[i] != ',' && t[i] != '\n' &&
               !(t[i] == '\r' && i + 1 < r->len && t[i + 1] == '\n')) {
            if (t[i] == '"') {
                dj__cli_printf(DJ__ERR, "dj: line %zu: a quote inside a field that does not "
                                        "start with one (RFC 4180 quotes the whole field)\n",
                               r->line);
                return -1;
            }
            t[o++] = t[i++];
        }
    }
    i += i + 1 < r->len && t[i] == '\r' && t[i + 1] == '\n';
    if (i < r->len && t[i] != ',' && t[i] != '\n') {
        dj__cli_printf(DJ__ERR, "dj: line %zu: characters after the closing quote of a field\n",
                       r->line);
        return -1;
    }
    *f = (field){quoted || o > r->pos ? t + r->pos : NULL, o - r->pos};
    *last = i == r->len || t[i] == '\n';
    r->line += i < r->len && t[i] == '\n';
    r->pos = i + (i < r->len);
    return 0;
}

/* The fields of the next record into out (at most max; more is an error
 * naming the line): returns how many, 0 at the end of the input, -1 on error. */
static long read_record(reader *r, field *out, unsigned max)
{
    if (r->pos >= r->len)
        return 0;
    size_t line = r->line;
    unsigned n = 0;
    for (int last = 0; !last; n++) {
        field f;
        if ((r->csv ? csv_field(r, &f, &last) : tsv_field(r, &f, &last)) != 0)
            return -1;
        if (n == max) {
            dj__cli_printf(DJ__ERR, "dj: line %zu has more than the %u values of a row\n", line,
                           max);
            return -1;
        }
        out[n] = f;
    }
    return (long)n;
}

/* ---- matching the header ---- */

/* The table's column for each name of the header line (any order; each at
 * most once): which[k] is the table column of the k-th value. */
static int match_header(const field *names, unsigned count, const columns *cols, unsigned *which,
                        const dj_table *table)
{
    for (unsigned k = 0; k < count; k++) {
        unsigned c = 0;
        while (c < cols->count && (!names[k].ptr || strlen(cols->names[c]) != names[k].len ||
                                   memcmp(cols->names[c], names[k].ptr, names[k].len) != 0))
            c++;
        if (c == cols->count) {
            dj__cli_printf(DJ__ERR, "dj: the header names '%.*s', which is not a column of `%s`.`%s` "
                                    "(its columns:",
                           names[k].ptr ? (int)DJ__CLI_MIN_INT(names[k].len, 100) : 4,
                           names[k].ptr ? names[k].ptr : "NULL", dj_table_schema_name(table),
                           dj_table_name(table));
            for (unsigned j = 0; j < cols->count; j++)
                dj__cli_printf(DJ__ERR, "%s %s", j ? "," : "", cols->names[j]);
            dj__cli_puts(DJ__ERR, ")\n");
            return -1;
        }
        for (unsigned j = 0; j < k; j++)
            if (which[j] == c) {
                dj__cli_printf(DJ__ERR, "dj: the header names '%s' twice\n", cols->names[c]);
                return -1;
            }
        which[k] = c;
    }
    return 0;
}

/* ---- the rows ---- */

typedef struct parsed {
    const char **names; /* the columns inserted, in the order of the values */
    unsigned count;
    dj_param *rows;     /* count values a row */
    size_t nrows;
} parsed;

/* Parses all of the input into rows (values point into the text). */
static int parse_input(reader *r, const columns *cols, int header, const dj_table *table,
                       parsed *out)
{
    unsigned max = cols->count, *which = calloc(max ? max : 1, sizeof *which);
    field *fields = calloc(max + 1, sizeof *fields);
    out->names = calloc(max ? max : 1, sizeof *out->names);
    size_t cap = 0;
    int rc = which && fields && out->names ? 0 : -2;
    long n = 0;
    out->count = max;
    for (unsigned c = 0; rc == 0 && c < max; c++)
        which[c] = c;
    if (rc == 0 && header) {
        n = read_record(r, fields, max);
        if (n == 0)
            dj__cli_puts(DJ__ERR, "dj: --header, but the input is empty\n");
        rc = n > 0 ? match_header(fields, (unsigned)n, cols, which, table) : -1;
        out->count = (unsigned)n;
    }
    for (unsigned k = 0; rc == 0 && k < out->count; k++)
        out->names[k] = cols->names[which[k]];
    for (size_t line = r->line; rc == 0 && (n = read_record(r, fields, out->count)) > 0;
         line = r->line) {
        if ((unsigned)n != out->count) {
            dj__cli_printf(DJ__ERR, "dj: line %zu has %ld values, %s %u\n", line, n,
                           header ? "the header names" : "the table has", out->count);
            rc = -1;
            break;
        }
        if (out->nrows == cap) {
            cap = cap ? cap * 2 : 64;
            dj_param *grown = realloc(out->rows, cap * out->count * sizeof *grown);
            if (!grown) {
                rc = -2;
                break;
            }
            out->rows = grown;
        }
        dj_param *row = out->rows + out->nrows++ * out->count;
        for (unsigned k = 0; k < out->count; k++)
            row[k] = !fields[k].ptr               ? dj_param_null()
                     : cols->is_bytes[which[k]] ? dj_param_bytes(fields[k].ptr, fields[k].len)
                                                : dj_param_string(fields[k].ptr, fields[k].len);
    }
    if (n < 0)
        rc = -1;
    if (rc == -2)
        dj__cli_puts(DJ__ERR, "dj: out of memory reading the rows\n");
    free(which);
    free(fields);
    return rc ? DJ__CLI_FAILED : DJ__CLI_OK;
}

int dj__cli_table_insert(dj__cli *cli, const dj__cli_args *args)
{
    int format;
    int rc = dj__cli_parse_format(args->value[0] ? args->value[0] : args->flag[2] ? "csv" : NULL,
                                  &format);
    if (rc == DJ__CLI_OK && (format == DJ__CLI_JSON || (args->flag[2] && format != DJ__CLI_CSV)))
        rc = dj__cli_usage_error(INSERT_SYNOPSIS, "'dj table insert' reads tsv or csv");
    if (rc)
        return rc;
    dj_schema *schema = NULL;
    dj_table *table = NULL;
    rc = open_table(cli, args->pos[0], args->pos[1], &schema, &table);
    columns cols = {0};
    if (rc == DJ__CLI_OK)
        rc = read_columns(table, &cols);
    reader r = {NULL, 0, 0, 1, format == DJ__CLI_CSV};
    parsed in = {0};
    if (rc == DJ__CLI_OK)
        rc = dj__cli_read_stdin(&r.text, &r.len);
    if (rc == DJ__CLI_OK)
        rc = parse_input(&r, &cols, args->flag[1], table, &in);
    if (rc == DJ__CLI_OK) {
        dj_insert_options opts;
        dj_insert_options_init(&opts);
        opts.skip_duplicates = args->flag[0];
        uint64_t inserted = 0;
        dj_error err;
        if (dj_insert(cli->conn, dj_table_schema_name(table), dj_table_name(table), in.names,
                      in.count, in.rows, in.nrows, &opts, &inserted, &err) != 0)
            rc = dj__cli_fail(&err);
        else if (!cli->quiet)
            dj__cli_printf(DJ__ERR, "%llu row%s inserted\n", (unsigned long long)inserted,
                           inserted == 1 ? "" : "s");
    }
    free(in.rows);
    free(in.names);
    free(r.text);
    columns_free(&cols);
    dj_table_close(table);
    dj_schema_close(schema);
    return rc;
}
