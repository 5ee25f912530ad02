/* SPDX-License-Identifier: Apache-2.0 */
/*
 * heading_load.c - a table's heading read from information_schema in two
 * queries: the table comment with the columns in ordinal order (no row at
 * all means no table), then the foreign keys and secondary indexes. Types
 * are normalised as DataJoint's heading does (integer display widths
 * dropped) and DataJoint's ":type:" comment markers are split off. Every
 * query runs under DataJoint's reconnect rule and can be repeated from the
 * start.
 */
#include "client/client.h"
#include "dj/heading.h"
#include "dj/sqlbuf.h"
#include "wire/buf.h"

#include <stdlib.h>

typedef struct row_query {
    dj__request req; /* first: run_rows gets the query through it */
    const char *sql;
    void *ud;
    dj__row_fn fn; /* with v == NULL first, to start over (a retry repeats the query) */
    size_t rows;
} row_query;

static int count_row(void *ud, const dj_value *v, dj_error *err)
{
    row_query *q = ud;
    q->rows++;
    return q->fn(q->ud, v, err);
}

static int run_rows(dj_conn *c, dj__request *req, dj_error *err)
{
    row_query *q = (row_query *)req;
    q->rows = 0;
    int rc = q->fn(q->ud, NULL, err);
    return rc ? rc : dj__query_rows(c, q->sql, strlen(q->sql), count_row, q, err);
}

/* Writes template with every {s} replaced by the schema name and every {t}
 * by the table name, as escaped literals. */
static int build_query(dj_conn *conn, const dj_heading *h, const char *template,
                       dj__builder *q, dj_error *err)
{
    for (const char *p = template; *p; p++) {
        const char *name = NULL;
        if (p[0] == '{' && (p[1] == 's' || p[1] == 't') && p[2] == '}')
            name = p[1] == 's' ? h->schema_name : h->table_name;
        if (!name) {
            dj__put_u8(q, (uint8_t)*p);
            continue;
        }
        dj__sqlbuf_literal(q, conn, name, strlen(name));
        p += 2;
    }
    dj__put_u8(q, 0);
    return q->oom ? dj__err(err, DJ_ENOMEM, "out of memory building a query") : 0;
}

/* Runs the query made from template, calling fn for each row; *rows (may be
 * NULL) counts them. */
static int query_rows(dj_conn *conn, const dj_heading *h, const char *template, dj__row_fn fn,
                      void *ud, size_t *rows, dj_error *err)
{
    dj__builder q;
    dj__builder_init(&q, dj__conn_alloc(conn));
    int rc = build_query(conn, h, template, &q, err);
    row_query rq = {.req = {.run = run_rows, .kind = DJ__STMT_READ},
                    .sql = (const char *)q.data, .ud = ud, .fn = fn};
    if (rc == 0)
        rc = dj__request_run(conn, &rq.req, err);
    if (rows)
        *rows = rq.rows;
    dj__builder_free(&q, 0);
    return rc;
}

static char *value_copy(dj_heading *h, const dj_value *v)
{
    return dj__heading_strndup(h, v->ptr, v->ptr ? v->len : 0);
}

static int value_is(const dj_value *v, const char *s)
{
    return v->ptr && v->len == strlen(s) && memcmp(v->ptr, s, v->len) == 0;
}

static int oom(dj_error *err)
{
    return dj__err(err, DJ_ENOMEM, "out of memory reading a heading");
}

/* "int(10) unsigned" -> "int unsigned", as DataJoint's heading does for the
 * integer types; MySQL 8 already leaves the widths out. */
static char *sql_type_of(dj_heading *h, const dj_value *v)
{
    static const char ints[] = "tinyint(\0smallint(\0mediumint(\0bigint(\0int(\0";
    char *t = value_copy(h, v);
    if (!t)
        return NULL;
    for (const char *w = ints; *w; w += strlen(w) + 1) {
        size_t n = strlen(w);
        if (strncmp(t, w, n) != 0)
            continue;
        char *close = strchr(t + n, ')');
        if (close)
            memmove(t + n - 1, close + 1, strlen(close + 1) + 1);
        break;
    }
    return t;
}

/* MariaDB quotes literal defaults ('text', with '' for a quote) and writes
 * NULL for a NULL default; MySQL gives the bare value and marks expressions
 * DEFAULT_GENERATED in extra. */
static int set_default(dj_heading *h, dj_attribute *a, const dj_value *dflt, const char *extra,
                       int mariadb)
{
    a->default_kind = a->nullable ? DJ_DEFAULT_NULL : DJ_DEFAULT_NONE;
    a->default_value = NULL;
    if (!dflt->ptr || value_is(dflt, "NULL"))
        return 0;
    char *text = value_copy(h, dflt);
    if (!text)
        return DJ_ENOMEM;
    if (mariadb && text[0] == '\'') {
        size_t n = strlen(text), o = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            if (text[i] == '\'' && text[i + 1] == '\'')
                i++;
            text[o++] = text[i];
        }
        text[o] = '\0';
        a->default_kind = DJ_DEFAULT_LITERAL;
    } else if (dj__ieq_n(text, "current_timestamp", 17)) {
        /* CURRENT_TIMESTAMP in any case, with or without "()" or a precision */
        a->default_kind = DJ_DEFAULT_EXPRESSION;
        text = dj__heading_strndup(h, "CURRENT_TIMESTAMP", 17);
    } else if (mariadb ? !(text[0] == '-' || text[0] == '.' || (text[0] >= '0' && text[0] <= '9'))
                       : strstr(extra, "DEFAULT_GENERATED") != NULL) {
        a->default_kind = DJ_DEFAULT_EXPRESSION;
    } else {
        a->default_kind = DJ_DEFAULT_LITERAL;
    }
    a->default_value = text;
    return text ? 0 : DJ_ENOMEM;
}

typedef struct column_rows {
    dj_heading *h;
    int mariadb;
} column_rows;

/* table_comment, then column_name, column_type, is_nullable, column_default,
 * column_key, extra, column_comment (all NULL for a table without columns) */
static int column_row(void *ud, const dj_value *row, dj_error *err)
{
    column_rows *cr = ud;
    dj_heading *h = cr->h;
    if (!row) {
        h->count = 0;
        return 0;
    }
    if (!(h->comment = value_copy(h, &row[0])))
        return oom(err);
    const dj_value *v = row + 1;
    if (!v[0].ptr)
        return 0;
    dj_attribute a;
    memset(&a, 0, sizeof a);
    a.name = value_copy(h, &v[0]);
    a.sql_type = sql_type_of(h, &v[1]);
    char *extra = value_copy(h, &v[5]);
    char *comment = value_copy(h, &v[6]);
    if (!a.name || !a.sql_type || !extra || !comment)
        return oom(err);
    a.nullable = value_is(&v[2], "YES");
    a.in_key = value_is(&v[4], "PRI");
    a.autoincrement = strstr(extra, "auto_increment") != NULL;
    if (set_default(h, &a, &v[3], extra, cr->mariadb))
        return oom(err);
    int rc = dj__heading_split_comment(h, &a, comment, err);
    return rc ? rc : dj__heading_add_attribute(h, &a, err);
}

/* Rows of one foreign key or index come together (sorted by kind and name);
 * they are collected here and added to the heading when either changes. */
#define GROUP_MAX_COLUMNS 64
typedef struct grouped_rows {
    dj_heading *h;
    int foreign_key;           /* what is being collected: a foreign key or an index */
    const char *name;          /* constraint or index name, NULL when none is open */
    const char *parent_schema, *parent_table;
    int unique;
    const char *attrs[GROUP_MAX_COLUMNS];
    const char *parent_attrs[GROUP_MAX_COLUMNS];
    size_t n;
} grouped_rows;

static int group_flush(grouped_rows *g, dj_error *err)
{
    int rc = 0;
    if (g->name && g->n && g->foreign_key)
        rc = dj__heading_add_foreign_key(g->h, g->parent_schema, g->parent_table, g->attrs,
                                         g->parent_attrs, g->n, err);
    else if (g->name && g->n)
        rc = dj__heading_add_index(g->h, g->unique, g->attrs, g->n, err);
    g->n = 0;
    g->name = NULL;
    return rc;
}

/* The start of the query (v == NULL) or a row: kind ('f' or 'i'), name,
 * column, parent schema, parent table, parent column, non_unique. */
static int group_row(void *ud, const dj_value *v, dj_error *err)
{
    grouped_rows *g = ud;
    dj_heading *h = g->h;
    if (!v) {
        h->fk_count = 0;
        h->index_count = 0;
        g->n = 0;
        g->name = NULL;
        return 0;
    }
    int foreign_key = value_is(&v[0], "f");
    for (size_t i = 1; i < 7; i++)
        if (!v[i].ptr)
            return 0;
    if (g->name && (foreign_key != g->foreign_key || !value_is(&v[1], g->name))) {
        int rc = group_flush(g, err);
        if (rc)
            return rc;
    }
    if (!g->name) {
        g->foreign_key = foreign_key;
        g->name = value_copy(h, &v[1]);
        g->parent_schema = value_copy(h, &v[3]);
        g->parent_table = value_copy(h, &v[4]);
        g->unique = value_is(&v[6], "0");
        if (!g->name || !g->parent_schema || !g->parent_table)
            return oom(err);
    }
    if (g->n == GROUP_MAX_COLUMNS)
        return dj__err(err, DJ_ETOOBIG, "key %s has more than %d columns", g->name,
                       GROUP_MAX_COLUMNS);
    g->attrs[g->n] = value_copy(h, &v[2]);
    g->parent_attrs[g->n] = value_copy(h, &v[5]);
    if (!g->attrs[g->n] || !g->parent_attrs[g->n])
        return oom(err);
    g->n++;
    return 0;
}

/* The constants sit on both sides of the join so that the server's
 * information_schema reads only this table's definition. */
static const char columns_query[] =
    "SELECT t.table_comment, c.column_name, c.column_type, c.is_nullable, c.column_default, "
    "c.column_key, c.extra, c.column_comment FROM information_schema.tables AS t "
    "LEFT JOIN information_schema.columns AS c ON c.table_schema = {s} AND c.table_name = {t} "
    "WHERE t.table_schema = {s} AND t.table_name = {t} ORDER BY c.ordinal_position";

/* Foreign keys in creation order (ibfk_10 after ibfk_9: the length goes
 * first), then the secondary indexes. */
static const char keys_query[] =
    "SELECT 'f' AS kind, constraint_name AS name, column_name, referenced_table_schema, "
    "referenced_table_name, referenced_column_name, 1 AS non_unique, "
    "LENGTH(constraint_name) AS name_length, ordinal_position AS position "
    "FROM information_schema.key_column_usage WHERE table_schema = {s} AND table_name = {t} "
    "AND referenced_table_name IS NOT NULL "
    "UNION ALL SELECT 'i', index_name, column_name, '', '', '', non_unique, 0, seq_in_index "
    "FROM information_schema.statistics WHERE table_schema = {s} AND table_name = {t} "
    "AND index_name <> 'PRIMARY' ORDER BY kind, name_length, name, position";

int dj__heading_load(dj_conn *conn, const char *schema, const char *table, dj_heading **out,
                     dj_error *err)
{
    *out = NULL;
    dj_heading *h = dj__heading_new(dj__conn_alloc(conn), schema, table);
    if (!h)
        return oom(err);
    size_t rows = 0;
    column_rows cr = {.h = h, .mariadb = dj_server_is_mariadb(conn)};
    int rc = query_rows(conn, h, columns_query, column_row, &cr, &rows, err);
    if (rc == 0 && rows == 0)
        rc = dj__err(err, DJ_ETABLE_MISSING, "The table `%s`.`%s` is not defined.", schema, table);
    grouped_rows g = {.h = h};
    if (rc == 0)
        rc = query_rows(conn, h, keys_query, group_row, &g, NULL, err);
    if (rc == 0)
        rc = group_flush(&g, err);
    if (rc) {
        dj__heading_free(h);
        return rc;
    }
    *out = h;
    return 0;
}
