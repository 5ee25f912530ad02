/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema.c - DataJoint's dj.schema: open (check, create), exists, drop,
 * listings and size. The SQL is DataJoint's, with names quoted and literals
 * escaped, and every statement runs under DataJoint's reconnect rule.
 */
#include "client/client.h"
#include "dj/lists.h"
#include "dj/naming.h"
#include "dj/sql.h"

#include <stdlib.h>

struct dj_schema {
    dj_conn *conn;
    const dj_allocator *alloc;
    char name[DJ_NAME_MAX];
    int created;
    int create_tables;
    dj_context *context;
};

void dj_schema_options_init(dj_schema_options *o)
{
    memset(o, 0, sizeof *o);
    o->create_schema = 1;
    o->create_tables = 1;
}

static int resolve_conn(dj_conn **conn, dj_error *err)
{
    return *conn ? 0 : dj_conn_default(conn, 0, err);
}

/* Replaces err's message with DataJoint's, followed by the server's own words. */
static void datajoint_message(dj_error *err, const dj_error *server, const char *message)
{
    char msg[DJ_ERROR_MESSAGE_MAX];
    size_t n = DJ__MIN(strlen(message), sizeof msg - 1);
    memcpy(msg, message, n);
    msg[n] = '\0';
    char detail[DJ_ERROR_MESSAGE_MAX];
    dj__snprintf(detail, sizeof detail, " [%u %s] ", server->server_errno, server->sqlstate);
    const char *parts[2] = {detail, server->message};
    for (int i = 0; i < 2; i++) {
        size_t k = DJ__MIN(strlen(parts[i]), sizeof msg - 1 - n);
        memcpy(msg + n, parts[i], k);
        n += k;
    }
    msg[n] = '\0';
    memcpy(err->message, msg, sizeof msg);
}

static int exists_by_name(dj_conn *conn, const char *name, dj_error *err)
{
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ");
    dj__sql_literal(&q, conn, name);
    int rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    char value[DJ_NAME_MAX];
    /* On Galera a schema just created through another node may not be
     * applied here yet: wait for it (read-your-writes) unless turned off. */
    unsigned flags = DJ_EXEC_IDEMPOTENT |
                     (dj__conn_config(conn)->causal_schema_checks ? DJ_EXEC_CAUSAL : 0);
    return dj_query_value_flags(conn, q.text, flags, value, sizeof value, NULL, err);
}

int dj_schema_exists_by_name(dj_conn *conn, const char *name, dj_error *err)
{
    int rc = dj__name_check_len(name, name ? strlen(name) : 0, "schema", 0, err);
    if (rc == 0)
        rc = resolve_conn(&conn, err);
    return rc ? rc : exists_by_name(conn, name, err);
}

/* CREATE DATABASE; returns 1 created, 0 someone else created it first. */
static int create_database(dj_conn *conn, const char *name, dj_error *err)
{
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "CREATE DATABASE ");
    dj__sql_ident(&q, name);
    int rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    dj_error e;
    /* Idempotent: replayed after a failover, a CREATE that did land the
     * first time answers 1007, which is success below. */
    rc = dj_exec_flags(conn, q.text, DJ_EXEC_IDEMPOTENT, NULL, &e);
    if (rc == 0)
        return 1;
    if (rc == DJ_ESERVER && e.server_errno == 1007)
        return 0; /* a concurrent creator (or our own first attempt) won: the schema exists */
    if (err)
        *err = e;
    if (rc == DJ_ESERVER && e.kind == DJ_KIND_ACCESS) {
        if (err) {
            char msg[DJ_ERROR_MESSAGE_MAX];
            dj__snprintf(msg, sizeof msg, "Schema `%s` does not exist and could not be "
                                          "created. Check permissions.", name);
            err->code = DJ_ESCHEMA_DENIED;
            datajoint_message(err, &e, msg);
        }
        return DJ_ESCHEMA_DENIED;
    }
    return rc;
}

int dj_schema_open(dj_schema **out, const char *name, const dj_schema_options *opts,
                   dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_schema_open: out is required");
    *out = NULL;
    dj_schema_options defaults;
    if (!opts) {
        dj_schema_options_init(&defaults);
        opts = &defaults;
    }
    int rc = dj__name_check_len(name, name ? strlen(name) : 0, "schema", opts->strict_names, err);
    if (rc)
        return rc;
    if (strlen(name) >= DJ_NAME_MAX)
        return dj__err(err, DJ_ENAME, "schema name is too long");
    dj_conn *conn = opts->connection;
    rc = resolve_conn(&conn, err);
    if (rc)
        return rc;

    int created = 0;
    rc = exists_by_name(conn, name, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (!opts->create_schema)
            return dj__err(err, DJ_ESCHEMA_MISSING,
                           "Database `%s` has not yet been declared. Set argument "
                           "create_schema=True to create it.", name);
        rc = create_database(conn, name, err);
        if (rc < 0)
            return rc;
        created = rc;
    }

    dj_schema *s = dj__malloc(dj__conn_alloc(conn), sizeof *s);
    if (!s)
        return dj__err(err, DJ_ENOMEM, "out of memory allocating a schema handle");
    memset(s, 0, sizeof *s);
    s->conn = conn;
    dj__conn_hold(conn);
    s->alloc = dj__conn_alloc(conn);
    dj__strlcpy(s->name, name, sizeof s->name);
    s->created = created;
    s->create_tables = opts->create_tables;
    s->context = opts->context;
    *out = s;
    return 0;
}

void dj_schema_close(dj_schema *s)
{
    if (!s)
        return;
    dj_conn *conn = s->conn;
    dj__free(s->alloc, s);
    dj__conn_release(conn);
}

const char *dj_schema_name(const dj_schema *s) { return s ? s->name : ""; }
int dj_schema_created(const dj_schema *s) { return s ? s->created : 0; }
dj_conn *dj_schema_connection(const dj_schema *s) { return s ? s->conn : NULL; }
int dj_schema_create_tables(const dj_schema *s) { return s ? s->create_tables : 0; }
dj_context *dj_schema_context(const dj_schema *s) { return s ? s->context : NULL; }

int dj_schema_exists(dj_schema *s, dj_error *err)
{
    if (!s)
        return dj__err(err, DJ_EINVAL, "Schema must be activated first.");
    return exists_by_name(s->conn, s->name, err);
}

int dj_schema_drop(dj_schema *s, int force, dj_confirm_fn confirm, void *ud, dj_error *err)
{
    if (!s)
        return dj__err(err, DJ_EINVAL, "Schema must be activated first.");
    int rc = dj_schema_exists(s, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        dj__log(s->conn, DJ_LOG_INFO, "Schema named `%s` does not exist. Doing nothing.", s->name);
        return 0;
    }
    if (dj__conn_config(s->conn)->safemode && !force) {
        char prompt[DJ_NAME_MAX + 64];
        dj__snprintf(prompt, sizeof prompt, "Proceed to delete entire schema `%s`?", s->name);
        if (!confirm)
            return dj__err(err, DJ_EABORTED, "dropping schema `%s` needs confirmation while "
                                             "safemode is on (use force)", s->name);
        if (!confirm(prompt, ud))
            return dj__err(err, DJ_EABORTED, "dropping schema `%s` was not confirmed", s->name);
    }
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "DROP DATABASE ");
    dj__sql_ident(&q, s->name);
    rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    dj_error e;
    rc = dj_exec_retry(s->conn, q.text, NULL, &e);
    if (rc == 0)
        return 1;
    if (err) {
        *err = e;
        if (rc == DJ_ESERVER && e.kind == DJ_KIND_ACCESS) {
            char msg[DJ_ERROR_MESSAGE_MAX];
            dj__snprintf(msg, sizeof msg, "An attempt to drop schema `%s` has failed. "
                                          "Check permissions.", s->name);
            datajoint_message(err, &e, msg);
        }
    }
    return rc;
}

/* Reads the first column of every row into a list (one retryable attempt). */
typedef struct listing {
    dj__request req; /* first: run_listing gets the listing through it */
    const char *sql;
    dj_strlist *strings;
    dj_table_list *tables;
} listing;

static int listing_row(void *ud, const dj_value *v, dj_error *err)
{
    listing *l = ud;
    if (!v[0].ptr)
        return 0;
    return l->strings ? dj__strlist_add(l->strings, v[0].ptr, v[0].len, err)
                      : dj__table_list_add(l->tables, v[0].ptr, v[0].len, err);
}

static int run_listing(dj_conn *c, dj__request *req, dj_error *err)
{
    listing *l = (listing *)req;
    if (l->strings)
        dj_strlist_free(l->strings);
    if (l->tables)
        dj_table_list_free(l->tables);
    int rc = dj__query_rows(c, l->sql, strlen(l->sql), listing_row, l, err);
    if (rc) {
        dj_strlist_free(l->strings);
        dj_table_list_free(l->tables);
    }
    return rc;
}

int dj_list_schemas(dj_conn *conn, dj_strlist *out, dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_list_schemas: out is required");
    memset(out, 0, sizeof *out);
    int rc = resolve_conn(&conn, err);
    if (rc)
        return rc;
    out->allocator = dj__conn_alloc(conn);
    listing l = {.req = {.run = run_listing, .kind = DJ__STMT_READ},
                 .sql = "SELECT schema_name FROM information_schema.schemata "
                        "WHERE schema_name <> 'information_schema' ORDER BY BINARY schema_name",
                 .strings = out};
    return dj__request_run(conn, &l.req, err);
}

int dj_schema_list_tables(dj_schema *s, dj_table_list *out, dj_error *err)
{
    if (!s || !out)
        return dj__err(err, DJ_EINVAL, "dj_schema_list_tables: schema and out are required");
    memset(out, 0, sizeof *out);
    out->allocator = s->alloc;
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "SELECT table_name FROM information_schema.tables WHERE table_schema = ");
    dj__sql_literal(&q, s->conn, s->name);
    dj__sql_add(&q, " ORDER BY BINARY table_name");
    int rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    listing l = {.req = {.run = run_listing, .kind = DJ__STMT_READ},
                 .sql = q.text, .tables = out};
    return dj__request_run(s->conn, &l.req, err);
}

int dj_schema_size_on_disk(dj_schema *s, uint64_t *bytes, dj_error *err)
{
    if (!s || !bytes)
        return dj__err(err, DJ_EINVAL, "dj_schema_size_on_disk: schema and bytes are required");
    *bytes = 0;
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "SELECT SUM(data_length + index_length) FROM information_schema.tables "
                    "WHERE table_schema = ");
    dj__sql_literal(&q, s->conn, s->name);
    int rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    char value[32];
    int is_null = 0;
    rc = dj_query_value_retry(s->conn, q.text, value, sizeof value, &is_null, err);
    if (rc < 0)
        return rc;
    /* DataJoint fails on an empty schema's NULL sum; zero bytes is the honest answer. */
    if (rc == 1 && !is_null && dj__parse_u64(value, value + strlen(value), bytes))
        return dj__err(err, DJ_EPROTO, "the server's schema size is not a number: '%.60s'", value);
    return 0;
}
