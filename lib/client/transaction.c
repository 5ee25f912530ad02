/*
 * transaction.c - DataJoint's transaction calls and its reconnect rule:
 * a statement that fails because the connection was lost is retried once
 * on a new connection, unless a transaction was open, which is then
 * reported as lost (its work is gone with the old session).
 */
#include "client/conn.h"

/* Errors that mean the session is gone (DataJoint's LostConnectionError set,
 * plus MySQL's idle-disconnect notice 4031). */
static int connection_lost(dj_conn *c, int rc, const dj_error *err)
{
    if (rc == DJ_ELOST)
        return 1;
    if (rc == DJ_ESTATE && c->state == DJ__CONN_CLOSED)
        return 1;
    if (rc == DJ_ESERVER && err) {
        unsigned e = err->server_errno;
        if (e == 2006 || e == 2013 || e == 4031) {
            dj__conn_drop(c);
            return 1;
        }
    }
    return 0;
}

int dj__with_retry(dj_conn *c, dj__retry_fn fn, void *ud, dj_error *err)
{
    dj_error local;
    dj_error *e = err ? err : &local;
    if (!c)
        return dj__err(err, DJ_EINVAL, "no connection");
    int rc = fn(c, ud, e);
    if (rc >= 0 || !c->cfg.reconnect || !connection_lost(c, rc, e))
        return rc;
    int was_in_transaction = c->in_transaction;
    char why[DJ_ERROR_MESSAGE_MAX];
    memcpy(why, e->message, sizeof why);
    int rrc = dj_reconnect(c, e);
    if (rrc) {
        dj__err_prefix(e, "connection lost (%.200s) and reconnecting failed", why);
        return rrc;
    }
    if (was_in_transaction) {
        /* Nothing to undo on the new session; the ROLLBACK mirrors DataJoint. */
        dj_exec(c, "ROLLBACK", NULL, NULL);
        c->in_transaction = 0;
        dj__err(e, DJ_ETRANSACTION, "Connection was lost during a transaction.");
        e->kind = DJ_KIND_LOST_CONNECTION;
        return DJ_ETRANSACTION;
    }
    return fn(c, ud, e);
}

typedef struct statement {
    const char *sql;
    dj_result_info *info;
    char *out;
    size_t outsize;
    int *is_null;
} statement;

static int run_statement(dj_conn *c, void *ud, dj_error *err)
{
    const statement *s = ud;
    if (s->out)
        return dj_query_value(c, s->sql, s->out, s->outsize, s->is_null, err);
    return dj_exec(c, s->sql, s->info, err);
}

int dj_exec_retry(dj_conn *c, const char *sql, dj_result_info *info, dj_error *err)
{
    statement s = {.sql = sql, .info = info};
    return dj__with_retry(c, run_statement, &s, err);
}

int dj_query_value_retry(dj_conn *c, const char *sql, char *out, size_t outsize, int *is_null,
                         dj_error *err)
{
    if (!out || outsize == 0)
        return dj__err(err, DJ_EINVAL, "dj_query_value_retry: an output buffer is required");
    statement s = {.sql = sql, .out = out, .outsize = outsize, .is_null = is_null};
    return dj__with_retry(c, run_statement, &s, err);
}

int dj_transaction_start(dj_conn *c, dj_error *err)
{
    if (c && dj_in_transaction(c))
        return dj__err(err, DJ_ETRANSACTION, "Nested connections are not supported.");
    /* A transaction lost with an earlier connection is over: this one starts
     * afresh, on a new connection if need be. */
    if (c)
        c->in_transaction = 0;
    int rc = dj_exec_retry(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT", NULL, err);
    if (rc == 0)
        c->in_transaction = 1;
    return rc;
}

static int end_transaction(dj_conn *c, const char *sql, dj_error *err)
{
    int rc = dj_exec_retry(c, sql, NULL, err);
    if (c)
        c->in_transaction = 0;
    return rc;
}

int dj_transaction_commit(dj_conn *c, dj_error *err)
{
    return end_transaction(c, "COMMIT", err);
}

int dj_transaction_cancel(dj_conn *c, dj_error *err)
{
    return end_transaction(c, "ROLLBACK", err);
}

int dj_in_transaction(const dj_conn *c)
{
    return c && c->in_transaction && c->state != DJ__CONN_CLOSED;
}
