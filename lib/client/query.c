/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.c - the command phase: COM_QUERY with streamed text results,
 * multiple result sets, and the simple OK-only commands.
 */
#include "client/conn.h"
#include "wire/stmt.h"


/* More columns than any server allows in a result; a larger count is an attack
 * or corruption, refused before anything is allocated for it. */
#define DJ__MAX_COLUMNS 65536u

int dj__check_ready(dj_conn *c, dj_error *err)
{
    if (!c)
        return dj__err(err, DJ_EINVAL, "no connection");
    if (c->state == DJ__CONN_CLOSED)
        return dj__err(err, DJ_ESTATE, "the connection is closed (it was lost earlier; "
                                       "call dj_reconnect)");
    if (c->state == DJ__CONN_RESULT)
        return dj__err(err, DJ_ESTATE, "a result is still open on this connection; read it "
                                       "to the end or close it first");
    return 0;
}

void dj__result_free(dj_result *r)
{
    dj_conn *c = r->conn;
    const dj_allocator *a = c ? c->alloc : NULL;
    dj__free(a, r->cols);
    dj__free(a, r->arena);
    dj__free(a, r->values);
    r->cols = NULL;
    r->arena = NULL;
    r->values = NULL;
    r->cols_cap = r->values_cap = 0;
    r->arena_cap = 0;
}

/* Server errors sent just before the server closes the link: the session is
 * gone, so they are reported (and handled) as a lost connection. */
static int is_disconnect_errno(unsigned e)
{
    return e == 1053 /* shutdown */ || e == 1927 /* killed (MariaDB) */ ||
           e == 4031 /* idle timeout (MySQL) */ || e == 2006 || e == 2013;
}

/* Parses an ERR packet; a disconnect notice drops the connection. */
int dj__server_error(dj_conn *c, const dj__packet *pkt, dj_error *err)
{
    int rc = dj__err_packet_parse(pkt->payload, pkt->len, err);
    if (rc == DJ_ESERVER && err && is_disconnect_errno(err->server_errno)) {
        dj__conn_drop(c);
        err->code = DJ_ELOST;
        err->kind = DJ_KIND_LOST_CONNECTION;
        return DJ_ELOST;
    }
    return rc;
}

/* The connection is free for the next command once the last result ended. */
static void finish(dj_result *r)
{
    r->phase = DJ__RES_FINISHED;
    if (r->conn->state == DJ__CONN_RESULT)
        r->conn->state = DJ__CONN_READY;
    if (r->owns_stmt) {
        r->owns_stmt = 0;
        dj__stmt_close_id(r->conn, r->stmt_id);
    }
}

static void end_of_set(dj_result *r, const dj__ok *ok)
{
    r->info.affected_rows = ok->affected_rows;
    r->info.last_insert_id = ok->last_insert_id;
    r->info.warnings = ok->warnings;
    r->info.status = ok->status;
    r->conn->status = ok->status;
    r->more = (ok->status & DJ_STATUS_MORE_RESULTS) != 0;
    if (r->more)
        r->phase = DJ__RES_DONE_SET;
    else
        finish(r);
}

/* A protocol violation leaves the stream in an unknown place: drop the link. */
static int violation(dj_result *r, int rc)
{
    dj__conn_drop(r->conn);
    r->phase = DJ__RES_FINISHED;
    return rc;
}

static int grow(const dj_allocator *a, void **p, size_t *cap, size_t need, size_t elem,
                dj_error *err)
{
    if (need <= *cap)
        return 0;
    size_t n = DJ__MAX(need, *cap * 2);
    void *q = dj__realloc(a, *p, n * elem);
    if (!q)
        return dj__err(err, DJ_ENOMEM, "out of memory for result metadata (%zu entries)", n);
    *p = q;
    *cap = n;
    return 0;
}

/* Puts a column name and its NUL at *used in the arena (the bytes are there
 * already when `copied`) and returns its offset, disguised as a pointer. */
static const char *arena_name(char *arena, size_t *used, const uint8_t *s, size_t n, int copied)
{
    size_t at = *used;
    if (n && !copied)
        memcpy(arena + at, s, n);
    arena[at + n] = '\0';
    *used = at + n + 1;
    return (const char *)(uintptr_t)at;
}

/* Reads the column definitions; strings go to one arena, pointers are set at
 * the end because the arena may move while it grows. */
static int read_columns(dj_result *r, uint64_t count, dj_error *err)
{
    dj_conn *c = r->conn;
    const dj_allocator *a = c->alloc;
    if (count == 0 || count > DJ__MAX_COLUMNS)
        return violation(r, dj__err(err, DJ_EPROTO, "server announced %llu columns (limit %u)",
                                    (unsigned long long)count, DJ__MAX_COLUMNS));
    unsigned n = (unsigned)count;
    size_t cap = r->cols_cap;
    if (grow(a, (void **)&r->cols, &cap, n, sizeof *r->cols, err))
        return violation(r, DJ_ENOMEM);
    r->cols_cap = (unsigned)cap;
    cap = r->values_cap;
    if (grow(a, (void **)&r->values, &cap, n, sizeof *r->values, err))
        return violation(r, DJ_ENOMEM);
    r->values_cap = (unsigned)cap;

    size_t used = 0;
    for (unsigned i = 0; i < n; i++) {
        dj__packet pkt;
        int rc = dj__read_packet(c, &pkt, err);
        if (rc)
            return violation(r, rc);
        dj__coldef d;
        rc = dj__coldef_parse(pkt.payload, pkt.len, &d, err);
        if (rc)
            return violation(r, rc);
        size_t span = d.schema_len + d.table_len + d.org_table_len + d.name_len +
                      d.org_name_len + 4;
        size_t need = used + span + 1;
        if (grow(a, (void **)&r->arena, &r->arena_cap, need, 1, err))
            return violation(r, DJ_ENOMEM);
        /* With one-byte length prefixes (names under 251 bytes) the five
         * strings sit in the packet exactly as the arena wants them, each
         * followed by one byte: copy them at once and put the NULs in. */
        int copied = d.org_name + d.org_name_len == d.schema + span;
        if (copied)
            memcpy(r->arena + used, d.schema, span);
        dj_column *col = &r->cols[i];
        /* Offsets for now; turned into pointers below. */
        col->schema = arena_name(r->arena, &used, d.schema, d.schema_len, copied);
        col->table = arena_name(r->arena, &used, d.table, d.table_len, copied);
        col->org_table = arena_name(r->arena, &used, d.org_table, d.org_table_len, copied);
        col->name = arena_name(r->arena, &used, d.name, d.name_len, copied);
        col->org_name = arena_name(r->arena, &used, d.org_name, d.org_name_len, copied);
        col->charset = d.charset;
        col->length = d.length;
        col->type = d.type;
        col->flags = d.flags;
        col->decimals = d.decimals;
    }
    for (unsigned i = 0; i < n; i++) {
        dj_column *col = &r->cols[i];
        col->schema = r->arena + (uintptr_t)col->schema;
        col->table = r->arena + (uintptr_t)col->table;
        col->org_table = r->arena + (uintptr_t)col->org_table;
        col->name = r->arena + (uintptr_t)col->name;
        col->org_name = r->arena + (uintptr_t)col->org_name;
    }
    r->ncols = n;
    if (!(c->caps & DJ__CLIENT_DEPRECATE_EOF)) {
        dj__packet pkt;
        int rc = dj__read_packet(c, &pkt, err);
        if (rc)
            return violation(r, rc);
        dj__ok eof;
        if (dj__eof_parse(pkt.payload, pkt.len, &eof, err))
            return violation(r, dj__err(err, DJ_EPROTO, "expected EOF after column definitions"));
    }
    r->phase = DJ__RES_ROWS;
    return 0;
}

/* The server asked for a local file. We never announce CLIENT_LOCAL_FILES, so
 * this is a misbehaving or hostile server: answer with an empty file (so the
 * stream stays in step) and report the refusal. */
static int refuse_local_infile(dj_result *r, const dj__packet *pkt, dj_error *err)
{
    dj_conn *c = r->conn;
    int n = (int)DJ__MIN(pkt->len - 1, (size_t)200);
    char name[201];
    memcpy(name, pkt->payload + 1, (size_t)n);
    name[n] = '\0';
    dj__begin_packet(c);
    int rc = dj__send_packet(c, NULL, 0, err);
    if (rc)
        return violation(r, rc);
    dj__packet reply;
    rc = dj__read_packet(c, &reply, err);
    if (rc)
        return violation(r, rc);
    /* Only OK or ERR may end the exchange; anything else leaves the stream
     * in an unknown place. */
    if (reply.len == 0 || (reply.payload[0] != DJ__PKT_OK && reply.payload[0] != DJ__PKT_ERR))
        return violation(r, dj__err(err, DJ_EPROTO, "server answered the refused LOCAL INFILE "
                                                    "with neither OK nor ERR"));
    finish(r);
    return dj__err(err, DJ_EUNSUPPORTED,
                   "server requested the local file \"%s\" (LOAD DATA LOCAL INFILE); refused: "
                   "this client never sends local files", name);
}

/* Reads the first packet of a result: OK, ERR, LOCAL INFILE or a column count. */
static int read_result_head(dj_result *r, dj_error *err)
{
    dj__packet pkt;
    r->ncols = 0;
    r->more = 0;
    memset(&r->info, 0, sizeof r->info);
    int rc = dj__read_packet(r->conn, &pkt, err);
    if (rc)
        return violation(r, rc);
    if (pkt.len == 0)
        return violation(r, dj__err(err, DJ_EPROTO, "empty response packet"));
    switch (pkt.payload[0]) {
    case DJ__PKT_OK: {
        dj__ok ok;
        rc = dj__ok_parse(pkt.payload, pkt.len, &ok, err);
        if (rc)
            return violation(r, rc);
        end_of_set(r, &ok);
        return 0;
    }
    case DJ__PKT_ERR:
        finish(r);
        return dj__server_error(r->conn, &pkt, err);
    case DJ__PKT_LOCAL_INFILE:
        /* LOAD DATA cannot be prepared: asked after COM_STMT_EXECUTE, the
         * request is a violation, and not even an empty file is sent. */
        if (r->binary)
            return violation(r, dj__err(err, DJ_EPROTO, "server answered a prepared statement "
                                                        "with a LOCAL INFILE request"));
        return refuse_local_infile(r, &pkt, err);
    default: {
        dj__reader rd;
        dj__reader_init(&rd, pkt.payload, pkt.len);
        uint64_t count = dj__rd_lenenc(&rd, NULL);
        if (rd.bad || dj__reader_left(&rd) != 0)
            return violation(r, dj__err(err, DJ_EPROTO, "malformed column count packet"));
        return read_columns(r, count, err);
    }
    }
}

static int read_response(dj_conn *c, int binary, dj_result **out, dj_error *err)
{
    dj_result *r = &c->result;
    r->conn = c;
    r->binary = binary;
    r->owns_stmt = 0;
    c->state = DJ__CONN_RESULT;
    int rc = read_result_head(r, err);
    *out = rc ? NULL : r;
    return rc;
}

int dj__query_read_response(dj_conn *c, dj_result **out, dj_error *err)
{
    return read_response(c, 0, out, err);
}

int dj__stmt_read_response(dj_conn *c, dj_result **out, dj_error *err)
{
    return read_response(c, 1, out, err);
}

int dj_query(dj_conn *c, const char *sql, size_t len, dj_result **out, dj_error *err)
{
    if (!out || (!sql && len))
        return dj__err(err, DJ_EINVAL, "dj_query: sql and out are required");
    *out = NULL;
    int rc = dj__check_ready(c, err);
    if (rc)
        return rc;
    dj__begin_command(c, DJ__COM_QUERY);
    rc = dj__send_packet(c, sql, len, err);
    if (rc)
        return rc;
    return dj__query_read_response(c, out, err);
}

unsigned dj_result_column_count(const dj_result *r)
{
    return r ? r->ncols : 0;
}

const dj_column *dj_result_column(const dj_result *r, unsigned i)
{
    return r && i < r->ncols ? &r->cols[i] : NULL;
}

const dj_result_info *dj_result_info_get(const dj_result *r)
{
    return r ? &r->info : NULL;
}

int dj_result_fetch(dj_result *r, const dj_value **values, dj_error *err)
{
    if (!r || !values)
        return dj__err(err, DJ_EINVAL, "dj_result_fetch: result and values are required");
    *values = NULL;
    if (r->phase != DJ__RES_ROWS)
        return 0;
    dj__packet pkt;
    int rc = dj__read_packet(r->conn, &pkt, err);
    if (rc)
        return violation(r, rc);
    const uint8_t *p = pkt.payload;
    /* A row's first byte is below 0xFE unless its first value is 16 MiB or
     * more, so the end-of-rows checks run only for those packets. */
    if (pkt.len > 0 && p[0] >= DJ__PKT_EOF) {
        if (p[0] == DJ__PKT_ERR) {
            finish(r);
            return dj__server_error(r->conn, &pkt, err);
        }
        int deprecate_eof = (r->conn->caps & DJ__CLIENT_DEPRECATE_EOF) != 0;
        if (dj__is_terminator(p, pkt.len, deprecate_eof)) {
            dj__ok ok;
            rc = deprecate_eof ? dj__ok_parse(p, pkt.len, &ok, err)
                               : dj__eof_parse(p, pkt.len, &ok, err);
            if (rc)
                return violation(r, rc);
            end_of_set(r, &ok);
            return 0;
        }
    }
    rc = r->binary ? dj__binary_row_parse(p, pkt.len, r->cols, r->ncols, r->values, err)
                   : dj__text_row_parse(p, pkt.len, r->ncols, r->values, err);
    if (rc)
        return violation(r, rc);
    *values = r->values;
    return 1;
}

/* Reads and drops the rest of the current result set. */
static int skip_rows(dj_result *r, dj_error *err)
{
    const dj_value *v;
    int rc;
    while ((rc = dj_result_fetch(r, &v, err)) == 1)
        ;
    return rc;
}

int dj_result_next_set(dj_result *r, dj_error *err)
{
    if (!r)
        return 0;
    int rc = skip_rows(r, err);
    if (rc < 0)
        return rc;
    if (r->phase != DJ__RES_DONE_SET)
        return 0;
    rc = read_result_head(r, err);
    return rc < 0 ? rc : 1;
}

int dj_result_close(dj_result *r, dj_error *err)
{
    if (!r)
        return 0;
    int first = 0;
    dj_error tmp;
    while (r->phase != DJ__RES_FINISHED) {
        int rc = dj_result_next_set(r, first ? &tmp : err);
        if (rc < 0 && !first)
            first = rc;
        if (rc < 0 && r->conn->state == DJ__CONN_CLOSED)
            break;
    }
    if (r->conn->state == DJ__CONN_RESULT)
        r->conn->state = DJ__CONN_READY;
    return first;
}

int dj__query_rows(dj_conn *c, const char *sql, size_t len, dj__row_fn fn, void *ud,
                   dj_error *err)
{
    dj_result *r;
    int rc = dj_query(c, sql, len, &r, err);
    if (rc)
        return rc;
    const dj_value *v;
    while ((rc = dj_result_fetch(r, &v, err)) == 1 && (rc = fn(ud, v, err)) == 0)
        ;
    int rc2 = dj_result_close(r, rc < 0 ? NULL : err);
    return rc < 0 ? rc : rc2;
}

int dj_exec(dj_conn *c, const char *sql, dj_result_info *info, dj_error *err)
{
    dj_result *r;
    int rc = dj_query(c, sql, sql ? strlen(sql) : 0, &r, err);
    if (rc)
        return rc;
    rc = dj_result_close(r, err);
    if (info)
        *info = r->info;
    return rc;
}

int dj_query_value(dj_conn *c, const char *sql, char *out, size_t outsize, int *is_null,
                   dj_error *err)
{
    if (!out || outsize == 0)
        return dj__err(err, DJ_EINVAL, "dj_query_value: an output buffer is required");
    out[0] = '\0';
    if (is_null)
        *is_null = 0;
    dj_result *r;
    int rc = dj_query(c, sql, sql ? strlen(sql) : 0, &r, err);
    if (rc)
        return rc;
    const dj_value *v;
    int found = r->ncols > 0 ? dj_result_fetch(r, &v, err) : 0;
    if (found == 1) {
        if (!v[0].ptr) {
            if (is_null)
                *is_null = 1;
        } else if (v[0].len >= outsize) {
            found = dj__err(err, DJ_ETOOBIG, "query value of %zu bytes does not fit a %zu-byte "
                                             "buffer", v[0].len, outsize);
        } else {
            memcpy(out, v[0].ptr, v[0].len);
            out[v[0].len] = '\0';
        }
    }
    int rc2 = dj_result_close(r, found < 0 ? NULL : err);
    if (found < 0)
        return found;
    return rc2 ? rc2 : found;
}

int dj__read_ok(dj_conn *c, dj_result_info *info, dj_error *err)
{
    dj__packet pkt;
    int rc = dj__read_packet(c, &pkt, err);
    if (rc)
        return rc;
    if (pkt.len > 0 && pkt.payload[0] == DJ__PKT_ERR)
        return dj__server_error(c, &pkt, err);
    dj__ok ok;
    if (pkt.len == 0 || pkt.payload[0] != DJ__PKT_OK) {
        dj__conn_drop(c);
        return dj__err(err, DJ_EPROTO, "expected an OK packet");
    }
    rc = dj__ok_parse(pkt.payload, pkt.len, &ok, err);
    if (rc) {
        dj__conn_drop(c);
        return rc;
    }
    c->status = ok.status;
    if (info) {
        info->affected_rows = ok.affected_rows;
        info->last_insert_id = ok.last_insert_id;
        info->warnings = ok.warnings;
        info->status = ok.status;
    }
    return 0;
}

/* Sends a command with an optional argument and reads its OK. */
static int simple_command(dj_conn *c, uint8_t cmd, const char *arg, dj_error *err)
{
    int rc = dj__check_ready(c, err);
    if (rc)
        return rc;
    dj__begin_command(c, cmd);
    rc = dj__send_packet(c, arg, arg ? strlen(arg) : 0, err);
    return rc ? rc : dj__read_ok(c, NULL, err);
}

int dj_ping(dj_conn *c, dj_error *err)
{
    return simple_command(c, DJ__COM_PING, NULL, err);
}

int dj_select_db(dj_conn *c, const char *database, dj_error *err)
{
    if (!database || !database[0])
        return dj__err(err, DJ_EINVAL, "dj_select_db: a database name is required");
    if (strlen(database) >= sizeof c->cfg.database)
        return dj__err(err, DJ_ENAME, "database name is too long");
    int rc = simple_command(c, DJ__COM_INIT_DB, database, err);
    /* Remembered so that a reconnect returns to the same database. */
    if (rc == 0)
        dj__strlcpy(c->cfg.database, database, sizeof c->cfg.database);
    return rc;
}

int dj_reset_session(dj_conn *c, dj_error *err)
{
    int rc = simple_command(c, DJ__COM_RESET_CONNECTION, NULL, err);
    if (rc)
        return rc;
    c->in_transaction = 0;
    c->generation++; /* the reset deallocated every prepared statement */
    return dj__session_setup(c, err);
}

int dj_is_connected(const dj_conn *c) { return c && c->state != DJ__CONN_CLOSED; }
const char *dj_server_version(const dj_conn *c) { return c ? c->server_version : ""; }
int dj_server_is_mariadb(const dj_conn *c) { return c ? c->is_mariadb : 0; }
uint64_t dj_connection_id(const dj_conn *c) { return c ? c->connection_id : 0; }
unsigned dj_server_status(const dj_conn *c) { return c ? c->status : 0; }
const char *dj_auth_plugin(const dj_conn *c) { return c ? c->auth_plugin : ""; }
const char *dj_tls_version(const dj_conn *c) { return c && c->tls ? dj__tls_version(c->tls) : NULL; }
int dj_compression_active(const dj_conn *c) { return c ? c->compress : 0; }
const char *dj_peer(const dj_conn *c) { return c ? c->peer : ""; }
size_t dj_max_packet(const dj_conn *c) { return c ? c->max_packet : 0; }

void dj_set_max_packet(dj_conn *c, size_t bytes)
{
    if (!c)
        return;
    c->cfg.max_packet = bytes;
    c->max_packet = bytes ? bytes
                          : (c->server_max_packet ? c->server_max_packet : DJ_DEFAULT_MAX_PACKET);
}
