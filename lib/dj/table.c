/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.c - tables of a schema: finding a table by class name, declaring it
 * from a definition (DataJoint's schema decorator: open it when it exists,
 * else CREATE TABLE when create_tables is on), resolving "-> Parent"
 * through the context and the schema, and the table handle.
 */
#include "client/client.h"
#include "dj/context.h"
#include "dj/declare.h"
#include "dj/naming.h"
#include "dj/sql.h"

#define TABLE_NAME_SIZE (DJ__NAME_MAX_CHARS + 1)

struct dj_table {
    const dj_allocator *alloc;
    char schema_name[DJ_NAME_MAX];
    char table_name[TABLE_NAME_SIZE];
    char class_name[2 * TABLE_NAME_SIZE];
    dj_tier tier;
    int created;
    dj_heading *heading;
};

/* ------------------------------------------------------------------------- */
/* Finding a class's table on the server                                      */

/* The order DataJoint's _get_tier tries the tiers a class may be in. */
static const dj_tier search_order[] = {DJ_TIER_MANUAL, DJ_TIER_LOOKUP, DJ_TIER_COMPUTED,
                                       DJ_TIER_IMPORTED};

/* Where a class's table may be: one candidate per master tier. */
typedef struct candidates {
    char names[DJ__ARRAY_LEN(search_order)][TABLE_NAME_SIZE];
    size_t count;
    char best[TABLE_NAME_SIZE]; /* the first candidate found, "" when none */
} candidates;

/* Splits "Master.Part" at the dot into master (a buffer) and *part. */
static int split_part(const char *class_name, char *master, size_t size, const char **part,
                      dj_error *err)
{
    const char *dot = strchr(class_name, '.');
    *part = NULL;
    if (!dot)
        return 0;
    if ((size_t)(dot - class_name) >= size)
        return dj__err(err, DJ_ENAME, "class name `%s` is too long", class_name);
    memcpy(master, class_name, (size_t)(dot - class_name));
    master[dot - class_name] = '\0';
    *part = dot + 1;
    return 0;
}

/* "Class" -> "class", "#class", "__class", "_class";
 * "Master.Part" -> "master__part", "#master__part", "__master__part", ... */
static int candidate_names(const char *class_name, candidates *c, dj_error *err)
{
    char master[TABLE_NAME_SIZE];
    const char *part;
    int rc = split_part(class_name, master, sizeof master, &part, err);
    c->count = 0;
    c->best[0] = '\0';
    for (size_t i = 0; rc == 0 && i < DJ__ARRAY_LEN(search_order); i++) {
        char *out = c->names[c->count];
        if (part) {
            char master_table[TABLE_NAME_SIZE];
            rc = dj_class_to_table(master, search_order[i], NULL, master_table,
                                   sizeof master_table, err);
            if (rc == 0)
                rc = dj_class_to_table(part, DJ_TIER_PART, master_table, out, TABLE_NAME_SIZE,
                                       err);
        } else {
            rc = dj_class_to_table(class_name, search_order[i], NULL, out, TABLE_NAME_SIZE, err);
        }
        if (rc == DJ_ENAME && c->count > 0) {
            rc = 0; /* a longer prefix pushed this one over 64 characters */
            continue;
        }
        if (rc == 0)
            c->count++;
    }
    return rc;
}

typedef struct find_query {
    dj__request req; /* first: run_find gets the query through it */
    const char *sql;
    size_t len;
    candidates *c;
    size_t best; /* index of the best name the rows had so far, count when none */
} find_query;

/* Several tiers of one class cannot coexist in DataJoint; if they do, the
 * first in DataJoint's order wins, as in _get_tier. */
static int find_row(void *ud, const dj_value *v, dj_error *err)
{
    find_query *f = ud;
    for (size_t i = 0; i < f->best; i++)
        if (v[0].ptr && strlen(f->c->names[i]) == v[0].len &&
            memcmp(f->c->names[i], v[0].ptr, v[0].len) == 0)
            f->best = i;
    return 0;
}

static int run_find(dj_conn *conn, dj__request *req, dj_error *err)
{
    find_query *f = (find_query *)req;
    f->best = f->c->count;
    int rc = dj__query_rows(conn, f->sql, f->len, find_row, f, err);
    if (rc)
        return rc;
    if (f->best < f->c->count)
        memcpy(f->c->best, f->c->names[f->best], TABLE_NAME_SIZE);
    return 0;
}

/* Looks the class up in the schema (one query). Returns 1 found (c->best),
 * 0 not found, or a negative error. */
static int find_class(dj_conn *conn, const char *schema, const char *class_name, candidates *c,
                      dj_error *err)
{
    int rc = candidate_names(class_name, c, err);
    if (rc)
        return rc;
    dj__sql q;
    dj__sql_init(&q);
    dj__sql_add(&q, "SELECT table_name FROM information_schema.tables WHERE table_schema = ");
    dj__sql_literal(&q, conn, schema);
    dj__sql_add(&q, " AND table_name IN (");
    for (size_t i = 0; i < c->count; i++) {
        if (i)
            dj__sql_add(&q, ", ");
        dj__sql_literal(&q, conn, c->names[i]);
    }
    dj__sql_add(&q, ")");
    rc = dj__sql_check(&q, err);
    if (rc)
        return rc;
    find_query f = {.req = {.run = run_find, .kind = DJ__STMT_READ},
                    .sql = q.text, .len = q.len, .c = c};
    rc = dj__request_run(conn, &f.req, err);
    return rc < 0 ? rc : c->best[0] != '\0';
}

static int not_defined(dj_error *err, const char *schema, const char *table)
{
    return dj__err(err, DJ_ETABLE_MISSING, "The table `%s`.`%s` is not defined.", schema, table);
}

/*
 * The table name of class_name in tier: by the naming rules for master
 * tiers; for parts (and DJ_TIER_UNKNOWN) by what exists on the server, since
 * a class name alone does not tell the master's tier. For an unknown tier
 * that is not found, out is the manual-tier name and 0 is returned. For a
 * part, master_out (if not NULL) gets the master's table name, else "".
 */
static int table_name_of(dj_conn *conn, const char *schema, const char *class_name,
                         dj_tier tier, char *out, char *master_out, dj_error *err)
{
    char master[TABLE_NAME_SIZE];
    const char *part;
    int rc = split_part(class_name, master, sizeof master, &part, err);
    if (rc)
        return rc;
    if (master_out)
        master_out[0] = '\0';
    if (tier == DJ_TIER_PART && !part)
        return dj__err(err, DJ_ENAME, "a part table's class is written Master.Part, not `%s`",
                       class_name);
    if (part && tier != DJ_TIER_PART && tier != DJ_TIER_UNKNOWN)
        return dj__err(err, DJ_ENAME, "`%s` names a part table; declare it in the part tier",
                       class_name);
    if (tier != DJ_TIER_PART && tier != DJ_TIER_UNKNOWN)
        return dj_class_to_table(class_name, tier, NULL, out, TABLE_NAME_SIZE, err);
    candidates c;
    if (tier == DJ_TIER_UNKNOWN) {
        rc = find_class(conn, schema, class_name, &c, err);
        if (rc < 0)
            return rc;
        dj__strlcpy(out, rc ? c.best : c.names[0], TABLE_NAME_SIZE);
        return 0;
    }
    rc = find_class(conn, schema, master, &c, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return dj__err(err, DJ_ETABLE_MISSING,
                       "The master `%s` of part table `%s` is not declared in schema `%s`.",
                       master, class_name, schema);
    if (master_out)
        memcpy(master_out, c.best, TABLE_NAME_SIZE);
    return dj_class_to_table(part, DJ_TIER_PART, c.best, out, TABLE_NAME_SIZE, err);
}

/* Resolving parents and compiling definitions: left out of a build
 * configured with --disable-declare. */
#ifdef HAVE_DECLARE

/* ------------------------------------------------------------------------- */
/* Resolving "-> Parent"                                                      */

#define MAX_PARENTS 64

typedef struct resolver {
    dj_schema *schema;
    dj_conn *conn;
    const char *master_table; /* for parts: what "master" names; NULL otherwise */
    dj_heading *loaded[MAX_PARENTS];
    size_t count;
} resolver;

static void resolver_free(resolver *r)
{
    for (size_t i = 0; i < r->count; i++)
        dj__heading_free(r->loaded[i]);
    r->count = 0;
}

static int unresolved(dj_error *err, unsigned lineno, const char *ref, const char *why)
{
    return dj__err(err, DJ_EDEFINITION,
                   "line %u: Foreign key reference %s could not be resolved (%s)", lineno, ref,
                   why);
}

/* Finds class_name's table in schema; *table gets its name. */
static int resolve_class(resolver *r, const char *schema, const char *class_name,
                         unsigned lineno, const char *ref, char *table, dj_error *err)
{
    candidates c;
    dj_error e;
    int rc = find_class(r->conn, schema, class_name, &c, &e);
    if (rc == DJ_ENAME)
        return unresolved(err, lineno, ref, e.message);
    if (rc < 0) {
        if (err)
            *err = e;
        return rc;
    }
    if (rc == 0) {
        char why[DJ_ERROR_MESSAGE_MAX / 2];
        dj__snprintf(why, sizeof why, "no table of class %s in schema `%s`", class_name, schema);
        return unresolved(err, lineno, ref, why);
    }
    dj__strlcpy(table, c.best, TABLE_NAME_SIZE);
    return 0;
}

/* Which `schema`.`table` ref names: "master" in a part, a context entry,
 * "alias.Class" or "schema.Class", or a class of this schema. */
static int resolve_name(resolver *r, const char *ref, unsigned lineno, char *schema,
                        char *table, dj_error *err)
{
    const dj_context *ctx = dj_schema_context(r->schema);
    dj__strlcpy(schema, dj_schema_name(r->schema), DJ_NAME_MAX);
    if (strcmp(ref, "master") == 0) {
        if (!r->master_table)
            return unresolved(err, lineno, ref, "master is only defined in part tables");
        dj__strlcpy(table, r->master_table, TABLE_NAME_SIZE);
        return 0;
    }
    const dj__context_entry *e = dj__context_find(ctx, ref, strlen(ref), 0);
    if (e) {
        if (dj__strlcpy(schema, e->schema, DJ_NAME_MAX) || dj__strlcpy(table, e->table, TABLE_NAME_SIZE))
            return unresolved(err, lineno, ref, "the context entry's names are too long");
        return 0;
    }
    const char *dot = strchr(ref, '.');
    const char *class_name = ref;
    if (dot) {
        e = dj__context_find(ctx, ref, (size_t)(dot - ref), 1);
        int lower = ref[0] >= 'a' && ref[0] <= 'z';
        if (e || lower) {
            size_t n = e ? strlen(e->schema) : (size_t)(dot - ref);
            if (n >= DJ_NAME_MAX)
                return unresolved(err, lineno, ref, "schema name too long");
            memcpy(schema, e ? e->schema : ref, n);
            schema[n] = '\0';
            class_name = dot + 1;
        }
    }
    return resolve_class(r, schema, class_name, lineno, ref, table, err);
}

static int resolve_parent(void *ud, const char *ref, unsigned lineno, const dj_heading **parent,
                          dj_error *err)
{
    resolver *r = ud;
    char schema[DJ_NAME_MAX], table[TABLE_NAME_SIZE];
    int rc = resolve_name(r, ref, lineno, schema, table, err);
    if (rc)
        return rc;
    if (r->count == MAX_PARENTS)
        return dj__err(err, DJ_EDEFINITION, "line %u: more than %d foreign keys", lineno,
                       MAX_PARENTS);
    dj_heading *h;
    dj_error e;
    rc = dj__heading_load(r->conn, schema, table, &h, &e);
    if (rc == DJ_ETABLE_MISSING)
        return unresolved(err, lineno, ref, e.message);
    if (rc) {
        if (err)
            *err = e;
        return rc;
    }
    r->loaded[r->count++] = h;
    *parent = h;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Declaring                                                                  */

/* Compiles the definition of the table into *sql; master_table ("" for
 * none) is what "-> master" names. */
static int compile(dj_schema *s, const char *table, const char *master_table,
                   const char *definition, char **sql, dj_error *err)
{
    dj_conn *conn = dj_schema_connection(s);
    resolver r = {.schema = s, .conn = conn, .master_table = master_table[0] ? master_table : NULL};
    dj__definition def;
    int rc = dj__definition_parse(definition, dj__conn_alloc(conn), &def, err);
    if (rc)
        return rc;
    rc = dj__declare_compile(&def, dj_schema_name(s), table, resolve_parent, &r,
                             dj__conn_alloc(conn), sql, NULL, err);
    resolver_free(&r);
    dj__definition_free(&def);
    return rc;
}

#else

/* A build without declaration still opens tables; it cannot create them. */
static int compile(dj_schema *s, const char *table, const char *master_table,
                   const char *definition, char **sql, dj_error *err)
{
    (void)s;
    (void)table;
    (void)master_table;
    (void)definition;
    *sql = NULL;
    dj__err(err, DJ_EUNSUPPORTED, "table declaration is not compiled in (configure --enable-declare)");
    return DJ_EUNSUPPORTED;
}

#endif

static int check_args(dj_schema *s, const char *class_name, const char *definition,
                      const char *what, dj_error *err)
{
    if (!s || !class_name || (what && !definition))
        return dj__err(err, DJ_EINVAL, "%s: schema, class name%s are required",
                       what ? what : "dj_table_open", what ? " and definition" : "");
    return 0;
}

int dj_table_declaration_sql(dj_schema *s, const char *class_name, dj_tier tier,
                             const char *definition, char *out, size_t outsize, size_t *needed,
                             dj_error *err)
{
    int rc = check_args(s, class_name, definition, "dj_table_declaration_sql", err);
    if (rc)
        return rc;
    char table[TABLE_NAME_SIZE], master[TABLE_NAME_SIZE];
    rc = table_name_of(dj_schema_connection(s), dj_schema_name(s), class_name, tier, table,
                       master, err);
    char *sql = NULL;
    if (rc == 0)
        rc = compile(s, table, master, definition, &sql, err);
    if (rc)
        return rc;
    size_t n = strlen(sql);
    if (needed)
        *needed = n + 1;
    if (!out || n >= outsize)
        rc = dj__err(err, DJ_ETOOBIG, "the statement needs %zu bytes, the buffer has %zu", n + 1,
                     outsize);
    else
        memcpy(out, sql, n + 1);
    dj__free(dj__conn_alloc(dj_schema_connection(s)), sql);
    return rc;
}

/* The handle for an existing table, its heading read from the server. */
static int open_table(dj_schema *s, const char *table, dj_table **out, dj_error *err)
{
    dj_conn *conn = dj_schema_connection(s);
    dj_heading *h;
    int rc = dj__heading_load(conn, dj_schema_name(s), table, &h, err);
    if (rc)
        return rc;
    dj_table *t = dj__malloc(dj__conn_alloc(conn), sizeof *t);
    if (!t) {
        dj__heading_free(h);
        return dj__err(err, DJ_ENOMEM, "out of memory allocating a table handle");
    }
    memset(t, 0, sizeof *t);
    t->alloc = dj__conn_alloc(conn);
    t->heading = h;
    dj__strlcpy(t->schema_name, dj_schema_name(s), sizeof t->schema_name);
    dj__strlcpy(t->table_name, table, sizeof t->table_name);
    t->tier = dj_table_tier(table);
    if (dj_table_to_class(table, t->class_name, sizeof t->class_name, NULL) != 0)
        dj__strlcpy(t->class_name, table, sizeof t->class_name);
    *out = t;
    return 0;
}

int dj_table_open(dj_schema *s, const char *class_name, dj_tier tier, dj_table **out,
                  dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_table_open: out is required");
    *out = NULL;
    int rc = check_args(s, class_name, NULL, NULL, err);
    if (rc)
        return rc;
    char table[TABLE_NAME_SIZE];
    rc = table_name_of(dj_schema_connection(s), dj_schema_name(s), class_name, tier, table, NULL,
                       err);
    return rc ? rc : open_table(s, table, out, err);
}

/* DataJoint 2.x's words for a denied CREATE TABLE (0.14 swallowed it). */
static void denied(dj_error *err, const char *schema, const char *table)
{
    if (!err)
        return;
    char server[DJ_ERROR_MESSAGE_MAX];
    memcpy(server, err->message, sizeof server);
    dj__snprintf(err->message, sizeof err->message,
                 "Cannot declare table `%s`.`%s`. Check that you have CREATE privilege on "
                 "schema `%s` and REFERENCES privilege on any referenced parent tables. [%u %s] "
                 "%s",
                 schema, table, schema, err->server_errno, err->sqlstate, server);
}

int dj_table_declare(dj_schema *s, const char *class_name, dj_tier tier, const char *definition,
                     dj_table **out, dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_table_declare: out is required");
    *out = NULL;
    int rc = check_args(s, class_name, definition, "dj_table_declare", err);
    if (rc)
        return rc;
    if (tier == DJ_TIER_UNKNOWN || tier == DJ_TIER_HIDDEN)
        return dj__err(err, DJ_EINVAL, "tables are declared in the manual, lookup, imported, "
                                       "computed or part tier");
    dj_conn *conn = dj_schema_connection(s);
    const char *schema = dj_schema_name(s);
    char table[TABLE_NAME_SIZE], master[TABLE_NAME_SIZE];
    rc = table_name_of(conn, schema, class_name, tier, table, master, err);
    if (rc)
        return rc;
    rc = open_table(s, table, out, err);
    if (rc != DJ_ETABLE_MISSING)
        return rc;
    if (!dj_schema_create_tables(s))
        return not_defined(err, schema, table);
    if (dj_in_transaction(conn))
        return dj__err(err, DJ_ETRANSACTION, "Cannot declare new tables inside a transaction, "
                                             "e.g. from inside a populate/make call");
    char *sql = NULL;
    rc = compile(s, table, master, definition, &sql, err);
    if (rc)
        return rc;
    rc = dj_exec_retry(conn, sql, NULL, err);
    dj__free(dj__conn_alloc(conn), sql);
    if (rc == DJ_ESERVER && err && err->kind == DJ_KIND_ACCESS)
        denied(err, schema, table);
    if (rc)
        return rc;
    rc = open_table(s, table, out, err);
    if (rc == 0)
        (*out)->created = 1;
    return rc;
}

void dj_table_close(dj_table *t)
{
    if (!t)
        return;
    dj__heading_free(t->heading);
    dj__free(t->alloc, t);
}

const char *dj_table_schema_name(const dj_table *t) { return t ? t->schema_name : ""; }
const char *dj_table_name(const dj_table *t) { return t ? t->table_name : ""; }
const char *dj_table_class_name(const dj_table *t) { return t ? t->class_name : ""; }
dj_tier dj_table_get_tier(const dj_table *t) { return t ? t->tier : DJ_TIER_UNKNOWN; }
const dj_heading *dj_table_heading(const dj_table *t) { return t ? t->heading : NULL; }
int dj_table_created(const dj_table *t) { return t ? t->created : 0; }
