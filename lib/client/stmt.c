/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stmt.c - prepared statements: COM_STMT_PREPARE, COM_STMT_EXECUTE with
 * binary parameters, COM_STMT_SEND_LONG_DATA written from the caller's
 * buffer, COM_STMT_CLOSE. Server-side statements belong to one session; a
 * statement remembers the session it was prepared in (conn->generation)
 * and is prepared again from its SQL when the connection was re-made.
 */
#include "client/conn.h"
#include "wire/stmt.h"

/* A long-data chunk is at most one packet fragment, and leaves room under
 * the server's max_allowed_packet for the header. */
#define DJ__LONG_DATA_CHUNK (DJ__PACKET_MAX_FRAGMENT - 16u)
#define DJ__LONG_DATA_SLACK 1024u

struct dj_stmt {
    dj_conn *conn;
    uint32_t id;
    unsigned nparams;
    unsigned ncols;
    uint64_t generation;       /* session the id belongs to */
    int long_data_sent;        /* chunks sent since the last execute */
    char *sql;
    size_t sql_len;
};

/* Reads count column definitions (and their EOF without DEPRECATE_EOF) of the
 * prepare answer. They describe parameters and columns; the execute answer
 * repeats the columns, so nothing is kept. */
static int skip_definitions(dj_conn *c, unsigned count, dj_error *err)
{
    for (unsigned i = 0; i < count; i++) {
        dj__packet pkt;
        int rc = dj__read_packet(c, &pkt, err);
        if (rc)
            return rc;
        dj__coldef d;
        rc = dj__coldef_parse(pkt.payload, pkt.len, &d, err);
        if (rc) {
            dj__conn_drop(c);
            return rc;
        }
    }
    if (count == 0 || (c->caps & DJ__CLIENT_DEPRECATE_EOF))
        return 0;
    dj__packet pkt;
    int rc = dj__read_packet(c, &pkt, err);
    if (rc)
        return rc;
    dj__ok eof;
    if (dj__eof_parse(pkt.payload, pkt.len, &eof, err)) {
        dj__conn_drop(c);
        return dj__err(err, DJ_EPROTO, "expected EOF after prepared-statement definitions");
    }
    return 0;
}

/* Prepares s->sql in the connection's current session. */
static int prepare_on_server(dj_stmt *s, dj_error *err)
{
    dj_conn *c = s->conn;
    int rc = dj__check_ready(c, err);
    if (rc)
        return rc;
    dj__begin_command(c, DJ__COM_STMT_PREPARE);
    rc = dj__send_packet(c, s->sql, s->sql_len, err);
    if (rc)
        return rc;
    dj__packet pkt;
    rc = dj__read_packet(c, &pkt, err);
    if (rc)
        return rc;
    if (pkt.len > 0 && pkt.payload[0] == DJ__PKT_ERR)
        return dj__server_error(c, &pkt, err);
    dj__prepare_ok ok;
    rc = dj__prepare_ok_parse(pkt.payload, pkt.len, &ok, err);
    if (rc) {
        dj__conn_drop(c);
        return rc;
    }
    rc = skip_definitions(c, ok.nparams, err);
    if (!rc)
        rc = skip_definitions(c, ok.ncols, err);
    if (rc)
        return rc;
    s->id = ok.id;
    s->nparams = ok.nparams;
    s->ncols = ok.ncols;
    s->generation = c->generation;
    s->long_data_sent = 0;
    return 0;
}

int dj_stmt_prepare(dj_conn *c, const char *sql, size_t len, dj_stmt **out, dj_error *err)
{
    if (!out || !sql || len == 0)
        return dj__err(err, DJ_EINVAL, "dj_stmt_prepare: sql and out are required");
    *out = NULL;
    if (!c)
        return dj__err(err, DJ_EINVAL, "no connection");
    dj_stmt *s = dj__malloc(c->alloc, sizeof *s);
    char *copy = dj__strndup(c->alloc, sql, len);
    if (!s || !copy) {
        dj__free(c->alloc, s);
        dj__free(c->alloc, copy);
        return dj__err(err, DJ_ENOMEM, "out of memory preparing a statement");
    }
    memset(s, 0, sizeof *s);
    s->conn = c;
    s->sql = copy;
    s->sql_len = len;
    int rc = prepare_on_server(s, err);
    if (rc) {
        dj__free(c->alloc, copy);
        dj__free(c->alloc, s);
        return rc;
    }
    *out = s;
    return 0;
}

unsigned dj_stmt_param_count(const dj_stmt *s) { return s ? s->nparams : 0; }
unsigned dj_stmt_column_count(const dj_stmt *s) { return s ? s->ncols : 0; }
uint32_t dj_stmt_id(const dj_stmt *s) { return s ? s->id : 0; }

/* Prepares again when the session changed since the last prepare. */
static int ensure_prepared(dj_stmt *s, dj_error *err)
{
    if (s->generation == s->conn->generation)
        return 0;
    if (s->long_data_sent)
        return dj__err(err, DJ_ESTATE, "long data sent for this statement was lost with the "
                                       "connection; send it again after the reconnect");
    return prepare_on_server(s, err);
}

/* Sends one COM_STMT_SEND_LONG_DATA packet: the header is built, the data
 * goes out from the caller's memory. */
static int send_chunk(dj_stmt *s, unsigned param, const void *data, size_t len, dj_error *err)
{
    dj_conn *c = s->conn;
    dj__begin_command(c, DJ__COM_STMT_SEND_LONG_DATA);
    dj__long_data_header_build(&c->out, s->id, (uint16_t)param);
    int rc = dj__send_packet(c, data, len, err);
    if (rc == 0)
        s->long_data_sent = 1;
    return rc;
}

/* Largest chunk the server accepts in one packet. */
static size_t chunk_size(const dj_conn *c)
{
    size_t n = DJ__LONG_DATA_CHUNK;
    if (c->server_max_packet > 2 * DJ__LONG_DATA_SLACK)
        n = DJ__MIN(n, c->server_max_packet - DJ__LONG_DATA_SLACK);
    return n;
}

static int send_long(dj_stmt *s, unsigned param, const void *data, size_t len, dj_error *err)
{
    const uint8_t *p = data;
    size_t step = chunk_size(s->conn);
    do {
        size_t n = DJ__MIN(len, step);
        int rc = send_chunk(s, param, p, n, err);
        if (rc)
            return rc;
        p += n;
        len -= n;
    } while (len > 0);
    return 0;
}

int dj_stmt_send_long_data(dj_stmt *s, unsigned param, const void *data, size_t len,
                           dj_error *err)
{
    if (!s || (!data && len))
        return dj__err(err, DJ_EINVAL, "dj_stmt_send_long_data: statement and data are required");
    int rc = dj__check_ready(s->conn, err);
    if (rc)
        return rc;
    rc = ensure_prepared(s, err);
    if (rc)
        return rc;
    if (param >= s->nparams)
        return dj__err(err, DJ_EINVAL, "parameter %u out of range: the statement has %u",
                       param, s->nparams);
    return send_long(s, param, data, len, err);
}

/* Streams the strings and bytes that are too long to go inside the execute. */
static int send_long_params(dj_stmt *s, const dj_param *params, unsigned n, dj_error *err)
{
    for (unsigned i = 0; i < n; i++) {
        const dj_param *p = &params[i];
        if (p->type == DJ_PARAM_LONG_DATA || !dj__param_is_long(p))
            continue;
        int rc = send_long(s, i, p->v.bytes.ptr, p->v.bytes.len, err);
        if (rc)
            return rc;
    }
    return 0;
}

int dj_stmt_execute(dj_stmt *s, const dj_param *params, unsigned n, dj_result **out,
                    dj_result_info *info, dj_error *err)
{
    if (out)
        *out = NULL;
    if (!s || (n && !params))
        return dj__err(err, DJ_EINVAL, "dj_stmt_execute: statement and parameters are required");
    dj_conn *c = s->conn;
    int rc = dj__check_ready(c, err);
    if (rc)
        return rc;
    rc = ensure_prepared(s, err);
    if (rc)
        return rc;
    if (n != s->nparams)
        return dj__err(err, DJ_EINVAL, "the statement takes %u parameters, %u given",
                       s->nparams, n);
    for (unsigned i = 0; i < n; i++)
        if (dj__param_check(&params[i]))
            return dj__err(err, DJ_EINVAL, "parameter %u: unknown type %d or no data", i + 1,
                           (int)params[i].type);
    rc = send_long_params(s, params, n, err);
    if (rc)
        return rc;
    dj__begin_command(c, DJ__COM_STMT_EXECUTE);
    rc = dj__stmt_execute_build(&c->out, s->id, params, n, err);
    if (rc)
        return rc;
    rc = dj__send_packet(c, NULL, 0, err);
    if (rc)
        return rc;
    s->long_data_sent = 0;
    dj_result *r;
    rc = dj__stmt_read_response(c, &r, err);
    if (rc)
        return rc;
    if (out) {
        *out = r;
        return 0;
    }
    rc = dj_result_close(r, err);
    if (info)
        *info = r->info;
    return rc;
}

void dj__stmt_close_id(dj_conn *c, uint32_t id)
{
    if (c->state != DJ__CONN_READY)
        return;
    dj__begin_command(c, DJ__COM_STMT_CLOSE);
    dj__put_u32(&c->out, id);
    /* No answer comes; a failure has already dropped the connection. */
    dj__send_packet(c, NULL, 0, NULL);
}

static void stmt_free(dj_stmt *s)
{
    const dj_allocator *a = s->conn->alloc;
    dj__free(a, s->sql);
    dj__free(a, s);
}

void dj_stmt_close(dj_stmt *s)
{
    if (!s)
        return;
    if (s->generation == s->conn->generation)
        dj__stmt_close_id(s->conn, s->id);
    stmt_free(s);
}

void dj__result_adopt_stmt(dj_result *r, dj_stmt *s)
{
    if (r->phase == DJ__RES_FINISHED || s->generation != s->conn->generation) {
        dj_stmt_close(s);
        return;
    }
    r->owns_stmt = 1;
    r->stmt_id = s->id;
    stmt_free(s);
}
