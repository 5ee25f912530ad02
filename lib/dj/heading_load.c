/*
 * heading_load.c - a table's heading read from information_schema: the
 * table comment (which also tells whether the table exists), the columns in
 * ordinal order, and the foreign keys. Types are normalised as DataJoint's
 * heading does (integer display widths dropped) and DataJoint's ":type:"
 * comment markers are split off. Every query runs under DataJoint's
 * reconnect rule and can be repeated from the start.
 */
#include "client/conn.h"
#include "dj/heading.h"
#include "dj/sql.h"

#include <stdlib.h>

/* Called once per row; with v == NULL first, to start over (a retry repeats
 * the whole query). */
typedef int (*row_fn)(void *ud, const dj_value *v, dj_error *err);

typedef struct row_query {
    const char *sql;
    void *ud;
    row_fn fn;
    size_t rows;
} row_query;

static int run_rows(dj_conn *c, void *ud, dj_error *err)
{
    row_query *q = ud;
    q->rows = 0;
    int rc = q->fn(q->ud, NULL, err);
    if (rc)
        return rc;
    dj_result *r;
    rc = dj_query(c, q->sql, strlen(q->sql), &r, err);
    if (rc)
        return rc;
    const dj_value *v;
    while ((rc = dj_result_fetch(r, &v, err)) == 1) {
        q->rows++;
        rc = q->fn(q->ud, v, err);
        if (rc)
            break;
    }
    int rc2 = dj_result_close(r, rc < 0 ? NULL : err);
    return rc < 0 ? rc : rc2;
}

/* SELECT <columns> FROM information_schema.<from> WHERE table_schema = 'db'
 * AND table_name = 'tbl' <tail>; *rows (may be NULL) counts the rows. */
static int query_rows(dj_conn *conn, const dj_heading *h, const char *columns, const char *from,
                      const char *tail, row_fn fn, void *ud, size_t *rows, dj_error *err)
{
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "SELECT ");
    dj__sql_add(&q, columns);
    dj__sql_add(&q, " FROM information_schema.");
    dj__sql_add(&q, from);
    dj__sql_add(&q, " WHERE table_schema = ");
    dj__sql_literal(&q, conn, h->schema_name);
    dj__sql_add(&q, " AND table_name = ");
    dj__sql_literal(&q, conn, h->table_name);
    dj__sql_add(&q, tail);
    int rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    row_query rq = {.sql = q.text, .ud = ud, .fn = fn};
    rc = dj__with_retry(conn, run_rows, &rq, err);
    if (rows)
        *rows = rq.rows;
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

static int table_row(void *ud, const dj_value *v, dj_error *err)
{
    dj_heading *h = ud;
    if (!v)
        return 0;
    h->comment = value_copy(h, &v[0]);
    return h->comment ? 0 : oom(err);
}

/* "int(10) unsigned" -> "int unsigned", as DataJoint's heading does for the
 * integer types; MySQL 8 already leaves the widths out. */
static char *sql_type_of(dj_heading *h, const dj_value *v)
{
    static const char *const ints[] = {"tinyint(", "smallint(", "mediumint(", "bigint(", "int("};
    char *t = value_copy(h, v);
    if (!t)
        return NULL;
    for (size_t i = 0; i < DJ__ARRAY_LEN(ints); i++) {
        size_t n = strlen(ints[i]);
        if (strncmp(t, ints[i], n) != 0)
            continue;
        char *close = strchr(t + n, ')');
        if (close)
            memmove(t + n - 1, close + 1, strlen(close + 1) + 1);
        break;
    }
    return t;
}

/* Whether a MariaDB default expression is CURRENT_TIMESTAMP (any case, with
 * or without "()" or a precision). */
static int is_current_timestamp(const char *s)
{
    static const char word[] = "current_timestamp";
    for (size_t i = 0; i < sizeof word - 1; i++) {
        char c = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != word[i])
            return 0;
    }
    return 1;
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
    } else if (is_current_timestamp(text)) {
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

/* column_name, column_type, is_nullable, column_default, column_key, extra, column_comment */
static int column_row(void *ud, const dj_value *v, dj_error *err)
{
    column_rows *cr = ud;
    dj_heading *h = cr->h;
    if (!v) {
        h->count = 0;
        return 0;
    }
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

/* Rows of one foreign key or index come together (ORDER BY its name); they
 * are collected here and added to the heading when the name changes. */
#define GROUP_MAX_COLUMNS 64
typedef struct grouped_rows {
    dj_heading *h;
    int foreign_keys;          /* collecting foreign keys, else indexes */
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
    if (g->name && g->n && g->foreign_keys)
        rc = dj__heading_add_foreign_key(g->h, g->parent_schema, g->parent_table, g->attrs,
                                         g->parent_attrs, g->n, err);
    else if (g->name && g->n)
        rc = dj__heading_add_index(g->h, g->unique, g->attrs, g->n, err);
    g->n = 0;
    g->name = NULL;
    return rc;
}

/* The start of a query (v == NULL) or a row: name, column, then either the
 * parent's schema, table and column or the index's non_unique. */
static int group_row(void *ud, const dj_value *v, dj_error *err)
{
    grouped_rows *g = ud;
    dj_heading *h = g->h;
    if (!v) {
        *(g->foreign_keys ? &h->fk_count : &h->index_count) = 0;
        g->n = 0;
        g->name = NULL;
        return 0;
    }
    size_t columns = g->foreign_keys ? 5 : 3;
    for (size_t i = 0; i < columns; i++)
        if (!v[i].ptr)
            return 0;
    if (g->name && !value_is(&v[0], g->name)) {
        int rc = group_flush(g, err);
        if (rc)
            return rc;
    }
    if (!g->name) {
        g->name = value_copy(h, &v[0]);
        g->parent_schema = g->foreign_keys ? value_copy(h, &v[2]) : "";
        g->parent_table = g->foreign_keys ? value_copy(h, &v[3]) : "";
        g->unique = !g->foreign_keys && value_is(&v[2], "0");
        if (!g->name || !g->parent_schema || !g->parent_table)
            return oom(err);
    }
    if (g->n == GROUP_MAX_COLUMNS)
        return dj__err(err, DJ_ETOOBIG, "key %s has more than %d columns", g->name,
                       GROUP_MAX_COLUMNS);
    g->attrs[g->n] = value_copy(h, &v[1]);
    g->parent_attrs[g->n] = g->foreign_keys ? value_copy(h, &v[4]) : "";
    if (!g->attrs[g->n] || !g->parent_attrs[g->n])
        return oom(err);
    g->n++;
    return 0;
}

int dj__heading_load(dj_conn *conn, const char *schema, const char *table, dj_heading **out,
                     dj_error *err)
{
    *out = NULL;
    dj_heading *h = dj__heading_new(conn->alloc, schema, table);
    if (!h)
        return oom(err);
    size_t rows = 0;
    int rc = query_rows(conn, h, "table_comment", "tables", "", table_row, h, &rows, err);
    if (rc == 0 && rows == 0)
        rc = dj__err(err, DJ_ETABLE_MISSING, "The table `%s`.`%s` is not defined.", schema, table);
    column_rows cr = {.h = h, .mariadb = dj_server_is_mariadb(conn)};
    if (rc == 0)
        rc = query_rows(conn, h,
                        "column_name, column_type, is_nullable, column_default, column_key, "
                        "extra, column_comment",
                        "columns", " ORDER BY ordinal_position", column_row, &cr, NULL, err);
    /* ibfk_10 sorts after ibfk_9 when the length goes first. */
    grouped_rows g = {.h = h, .foreign_keys = 1};
    if (rc == 0)
        rc = query_rows(conn, h,
                        "constraint_name, column_name, referenced_table_schema, "
                        "referenced_table_name, referenced_column_name",
                        "key_column_usage",
                        " AND referenced_table_name IS NOT NULL ORDER BY "
                        "LENGTH(constraint_name), constraint_name, ordinal_position",
                        group_row, &g, NULL, err);
    if (rc == 0)
        rc = group_flush(&g, err);
    grouped_rows ix = {.h = h};
    if (rc == 0)
        rc = query_rows(conn, h, "index_name, column_name, non_unique", "statistics",
                        " AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index",
                        group_row, &ix, NULL, err);
    if (rc == 0)
        rc = group_flush(&ix, err);
    if (rc) {
        dj__heading_free(h);
        return rc;
    }
    *out = h;
    return 0;
}
