/* SPDX-License-Identifier: Apache-2.0 */
/*
 * insert.c - DataJoint's insert: rows by attribute name, with
 * skip_duplicates (ON DUPLICATE KEY UPDATE `pk`=`pk`, as datajoint-python
 * 0.14 writes it) or replace (REPLACE INTO). Two ways to the server:
 *  - text: multi-row INSERT ... VALUES with escaped literals, cut into
 *    batches below max_allowed_packet; the cheapest for many small rows;
 *  - prepared: one COM_STMT_EXECUTE per row with binary values; strings and
 *    bytes of DJ_STMT_LONG_DATA_MIN or more go out in COM_STMT_SEND_LONG_DATA
 *    packets straight from the caller's memory, so a blob is never escaped
 *    nor copied into a request.
 * More than one statement runs inside a transaction (unless the caller has
 * one open), so an insert is all or nothing as in DataJoint.
 */
#include "client/client.h"
#include "dj/sqlbuf.h"
#include "wire/stmt.h"

#include <inttypes.h>
#include <math.h>

/* Text batches: at most this, and below the server's max_allowed_packet. */
#define DJ__BATCH_MAX (4u * 1024u * 1024u)
#define DJ__BATCH_SLACK 1024u

typedef struct insert_job {
    dj__request req; /* first: run_insert gets the job through it */
    const char *db, *table;
    const char *const *names;
    unsigned nnames;
    const dj_param *rows;
    size_t nrows;
    dj_insert_options opts;
    const char *pk;            /* first primary-key attribute, for skip_duplicates */
    uint64_t affected;
} insert_job;

void dj_insert_options_init(dj_insert_options *opts)
{
    if (opts)
        memset(opts, 0, sizeof *opts);
}

/* "INSERT INTO `db`.`t` (`a`,`b`) VALUES " (or REPLACE). */
static void put_head(dj__builder *b, const insert_job *j)
{
    dj__sqlbuf_text(b, j->opts.replace ? "REPLACE INTO " : "INSERT INTO ");
    dj__sqlbuf_table(b, j->db, j->table);
    dj__sqlbuf_text(b, " (");
    dj__sqlbuf_ident_list(b, j->names, j->nnames);
    dj__sqlbuf_text(b, ") VALUES ");
}

static void put_tail(dj__builder *b, const insert_job *j)
{
    if (!j->opts.skip_duplicates)
        return;
    dj__sqlbuf_text(b, " ON DUPLICATE KEY UPDATE ");
    dj__sqlbuf_ident(b, j->pk);
    dj__put_u8(b, '=');
    dj__sqlbuf_ident(b, j->pk);
}

static void put_temporal_literal(dj__builder *b, const dj_param *p)
{
    const dj_datetime *t = &p->v.dt;
    if (p->type == DJ_PARAM_TIME) {
        dj__put_fmt(b, "'%s%" PRIu64 ":%02u:%02u.%06u'", t->negative ? "-" : "",
                   (uint64_t)t->days * 24 + t->hour, t->minute, t->second, t->microsecond);
    } else if (p->type == DJ_PARAM_DATE) {
        dj__put_fmt(b, "'%04u-%02u-%02u'", t->year, t->month, t->day);
    } else {
        dj__put_fmt(b, "'%04u-%02u-%02u %02u:%02u:%02u.%06u'", t->year, t->month, t->day,
                   t->hour, t->minute, t->second, t->microsecond);
    }
}

static void put_hex(dj__builder *b, const uint8_t *p, size_t n)
{
    /* A literal, not an array: the linker keeps one copy of it with fmt.c's. */
    const char *digits = "0123456789ABCDEF";
    if (dj__builder_reserve(b, 2 * n + 3))
        return;
    uint8_t *o = b->data + b->len;
    *o++ = 'X';
    *o++ = '\'';
    for (size_t i = 0; i < n; i++) {
        *o++ = (uint8_t)digits[p[i] >> 4];
        *o++ = (uint8_t)digits[p[i] & 15];
    }
    *o++ = '\'';
    b->len += 2 * n + 3;
}

/* One value as an SQL literal. */
static int put_literal(dj__builder *b, const dj_conn *c, const dj_param *p, dj_error *err)
{
    switch (p->type) {
    case DJ_PARAM_NULL:
        dj__sqlbuf_text(b, "NULL");
        return 0;
    case DJ_PARAM_INT64:
        dj__put_fmt(b, "%" PRId64, p->v.i64);
        return 0;
    case DJ_PARAM_UINT64:
        dj__put_fmt(b, "%" PRIu64, p->v.u64);
        return 0;
    case DJ_PARAM_DOUBLE:
    case DJ_PARAM_FLOAT: {
        /* 17 digits bring the exact binary value back on the server. */
        double d = p->type == DJ_PARAM_FLOAT ? (double)p->v.f32 : p->v.f64;
        if (!isfinite(d))
            return dj__err(err, DJ_EINVAL, "NaN and infinity cannot be stored");
        char text[DJ__DOUBLE_CHARS];
        dj__put_bytes(b, text, dj__format_double(text, d));
        return 0;
    }
    case DJ_PARAM_STRING:
        dj__sqlbuf_literal(b, c, p->v.bytes.ptr, p->v.bytes.len);
        return 0;
    case DJ_PARAM_BYTES:
        put_hex(b, p->v.bytes.ptr, p->v.bytes.len);
        return 0;
    default: /* the temporal types; dj_insert refused all others */
        put_temporal_literal(b, p);
        return 0;
    }
}

static int put_row(dj__builder *b, const dj_conn *c, const insert_job *j, size_t row,
                   dj_error *err)
{
    dj__put_u8(b, '(');
    for (unsigned k = 0; k < j->nnames; k++) {
        if (k > 0)
            dj__put_u8(b, ',');
        int rc = put_literal(b, c, &j->rows[row * j->nnames + k], err);
        if (rc) {
            dj__err_prefix(err, "row %zu, attribute `%s`", row + 1, j->names[k]);
            return rc;
        }
    }
    dj__put_u8(b, ')');
    return dj__sqlbuf_check(b, err);
}

static size_t batch_limit(const dj_conn *c, const insert_job *j)
{
    size_t limit = j->opts.batch_bytes ? j->opts.batch_bytes : DJ__BATCH_MAX;
    size_t server_max = dj__conn_server_max_packet(c);
    if (server_max > 2 * DJ__BATCH_SLACK)
        limit = DJ__MIN(limit, server_max - DJ__BATCH_SLACK);
    return limit;
}

/* Runs one statement of the insert and counts its rows. */
static int run(dj_conn *c, insert_job *j, const dj__builder *b, dj_error *err)
{
    dj_result *r;
    int rc = dj_query(c, (const char *)b->data, b->len, &r, err);
    if (rc)
        return rc;
    uint64_t affected = dj_result_info_get(r)->affected_rows;
    rc = dj_result_close(r, err);
    j->affected += affected;
    return rc;
}

/* Fills b with as many rows from *next on as fit the limit (at least one). */
static int build_batch(dj__builder *b, const dj_conn *c, const insert_job *j, size_t *next,
                       dj_error *err)
{
    size_t limit = batch_limit(c, j), first = *next;
    dj__builder tail;
    dj__builder_init(&tail, dj__conn_alloc(c));
    put_tail(&tail, j);
    int rc = dj__sqlbuf_check(&tail, err);
    size_t tail_len = tail.len;
    dj__builder_free(&tail, 0);
    if (rc)
        return rc;
    dj__builder_reset(b);
    put_head(b, j);
    while (*next < j->nrows) {
        size_t mark = b->len;
        if (*next > first)
            dj__put_u8(b, ',');
        rc = put_row(b, c, j, *next, err);
        if (rc)
            return rc;
        if (*next > first && b->len + tail_len > limit) {
            b->len = mark;
            break;
        }
        (*next)++;
    }
    put_tail(b, j);
    rc = dj__sqlbuf_check(b, err);
    /* Only a lone row can overshoot; the server would drop the connection. */
    size_t server_max = dj__conn_server_max_packet(c);
    if (rc == 0 && server_max && b->len > server_max)
        return dj__err(err, DJ_ETOOBIG, "row %zu makes a %zu-byte statement, more than the "
                                        "server's max_allowed_packet (%zu); insert it with "
                                        "DJ_INSERT_PREPARED", first + 1, b->len,
                       server_max);
    return rc;
}

static int insert_text(dj_conn *c, insert_job *j, dj_error *err)
{
    dj__builder b;
    dj__builder_init(&b, dj__conn_alloc(c));
    size_t next = 0;
    int own = 0, rc = 0;
    while (rc == 0 && next < j->nrows) {
        rc = build_batch(&b, c, j, &next, err);
        if (rc == 0 && next < j->nrows && !own)
            rc = dj__group_begin(c, &own, err);
        if (rc == 0)
            rc = run(c, j, &b, err);
    }
    dj__builder_free(&b, 0);
    return dj__group_end(c, own, rc, err);
}

static int insert_prepared(dj_conn *c, insert_job *j, dj_error *err)
{
    dj__builder b;
    dj__builder_init(&b, dj__conn_alloc(c));
    put_head(&b, j);
    dj__put_u8(&b, '(');
    for (unsigned k = 0; k < j->nnames; k++)
        dj__sqlbuf_text(&b, k ? ",?" : "?");
    dj__put_u8(&b, ')');
    put_tail(&b, j);
    int rc = dj__sqlbuf_check(&b, err);
    dj_stmt *s = NULL;
    if (rc == 0)
        rc = dj_stmt_prepare(c, (const char *)b.data, b.len, &s, err);
    dj__builder_free(&b, 0);
    if (rc)
        return rc;
    int own = 0;
    if (j->nrows > 1)
        rc = dj__group_begin(c, &own, err);
    for (size_t i = 0; rc == 0 && i < j->nrows; i++) {
        dj_result_info info = {0};
        rc = dj_stmt_execute(s, &j->rows[i * j->nnames], j->nnames, NULL, &info, err);
        j->affected += info.affected_rows;
        if (rc)
            dj__err_prefix(err, "row %zu", i + 1);
    }
    rc = dj__group_end(c, own, rc, err);
    dj_stmt_close(s);
    return rc;
}

static int uses_long_values(const insert_job *j)
{
    for (size_t i = 0; i < j->nrows * j->nnames; i++)
        if (dj__param_is_long(&j->rows[i]))
            return 1;
    return 0;
}

static int run_insert(dj_conn *c, dj__request *req, dj_error *err)
{
    /* req is the job's first member, so it is as aligned as the job (the
     * job's 8-byte fields need more than the request's on 32-bit ARM). */
    insert_job *j = (insert_job *)(void *)req;
    j->affected = 0;
    dj_insert_method m = j->opts.method;
    if (m == DJ_INSERT_AUTO)
        m = uses_long_values(j) ? DJ_INSERT_PREPARED : DJ_INSERT_TEXT;
    return m == DJ_INSERT_PREPARED ? insert_prepared(c, j, err) : insert_text(c, j, err);
}

/* DataJoint's skip_duplicates names the first primary-key attribute. */
static int find_primary_key(dj_conn *c, const char *db, const char *table, char *out,
                            size_t outsize, dj_error *err)
{
    dj__builder b;
    dj__builder_init(&b, dj__conn_alloc(c));
    dj__sqlbuf_text(&b, "SELECT column_name FROM information_schema.columns WHERE "
                        "table_schema=");
    dj__sqlbuf_literal(&b, c, db, strlen(db));
    dj__sqlbuf_text(&b, " AND table_name=");
    dj__sqlbuf_literal(&b, c, table, strlen(table));
    dj__sqlbuf_text(&b, " AND column_key='PRI' ORDER BY ordinal_position LIMIT 1");
    dj__put_u8(&b, '\0');
    int rc = dj__sqlbuf_check(&b, err);
    if (rc == 0)
        rc = dj_query_value_retry(c, (const char *)b.data, out, outsize, NULL, err);
    dj__builder_free(&b, 0);
    if (rc == 0)
        return dj__err(err, DJ_EINVAL, "skip_duplicates: table `%s`.`%s` has no primary key "
                                       "(or does not exist)", db, table);
    return rc < 0 ? rc : 0;
}

int dj_insert(dj_conn *c, const char *db, const char *table, const char *const *names,
              unsigned nnames, const dj_param *rows, size_t nrows, const dj_insert_options *opts,
              uint64_t *inserted, dj_error *err)
{
    if (inserted)
        *inserted = 0;
    if (!c || !db || !db[0] || !table || !table[0] || !names || nnames == 0 || (nrows && !rows))
        return dj__err(err, DJ_EINVAL, "dj_insert: connection, database, table, attribute "
                                       "names and rows are required");
    for (unsigned k = 0; k < nnames; k++)
        if (!names[k] || !names[k][0])
            return dj__err(err, DJ_EINVAL, "dj_insert: attribute name %u is empty", k + 1);
    insert_job j = {.req = {.run = run_insert, .kind = DJ__STMT_INSERT},
                    .db = db, .table = table, .names = names, .nnames = nnames, .rows = rows,
                    .nrows = nrows};
    if (opts)
        j.opts = *opts;
    if (j.opts.skip_duplicates && j.opts.replace)
        return dj__err(err, DJ_EINVAL, "dj_insert: skip_duplicates and replace exclude each other");
    if (nrows == 0)
        return 0;
    for (size_t i = 0; i < nrows * nnames; i++)
        if (rows[i].type == DJ_PARAM_LONG_DATA || dj__param_check(&rows[i]))
            return dj__err(err, DJ_EINVAL, "row %zu, attribute `%s`: value of type %d cannot "
                                           "be inserted (unknown type, long-data marker, or "
                                           "no data)", i / nnames + 1, names[i % nnames],
                           (int)rows[i].type);
    char pk[DJ_NAME_MAX];
    j.pk = j.opts.primary_key;
    if (j.opts.skip_duplicates && !j.pk) {
        int rc = find_primary_key(c, db, table, pk, sizeof pk, err);
        if (rc)
            return rc;
        j.pk = pk;
    }
    int rc = dj__request_run(c, &j.req, err);
    if (inserted)
        *inserted = j.affected;
    return rc;
}
