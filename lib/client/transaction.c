/* SPDX-License-Identifier: Apache-2.0 */
/*
 * transaction.c - DataJoint's transaction calls and its reconnect rule:
 * a statement that fails because the connection was lost is retried once
 * on a new connection, unless a transaction was open, which is then
 * reported as lost (its work is gone with the old session). The rule itself,
 * with its multi-host and outcome-unknown refinements, is in retry.c and
 * failover.c. dj_transaction_run runs a whole transaction again when the
 * server rolled it back for a conflict.
 */
#include "client/conn.h"

int dj_exec_retry(dj_conn *c, const char *sql, dj_result_info *info, dj_error *err)
{
    return dj__exec_flags(c, sql, 0, info, err);
}

int dj_query_value_retry(dj_conn *c, const char *sql, char *out, size_t outsize, int *is_null,
                         dj_error *err)
{
    if (!out || outsize == 0)
        return dj__err(err, DJ_EINVAL, "dj_query_value_retry: an output buffer is required");
    return dj_query_value_flags(c, sql, 0, out, outsize, is_null, err);
}

int dj_transaction_start(dj_conn *c, dj_error *err)
{
    if (c && dj_in_transaction(c))
        return dj__err(err, DJ_ETRANSACTION, "Nested connections are not supported.");
    /* A transaction lost with an earlier connection is over: this one starts
     * afresh, on a new connection if need be. */
    if (c)
        c->in_transaction = 0;
    int rc = dj_exec_flags(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT", DJ_EXEC_IDEMPOTENT,
                           NULL, err);
    if (rc == 0)
        c->in_transaction = 1;
    return rc;
}

static int end_transaction(dj_conn *c, const char *sql, unsigned flags, dj_error *err)
{
    int rc = dj__exec_flags(c, sql, flags, NULL, err);
    if (c)
        c->in_transaction = 0;
    return rc;
}

int dj_transaction_commit(dj_conn *c, dj_error *err)
{
    return end_transaction(c, "COMMIT", DJ__EXEC_COMMIT, err);
}

int dj_transaction_cancel(dj_conn *c, dj_error *err)
{
    return end_transaction(c, "ROLLBACK", 0, err);
}

int dj_in_transaction(const dj_conn *c)
{
    return c && c->in_transaction && c->state != DJ__CONN_CLOSED;
}

static int is_conflict(int rc, const dj_error *e)
{
    return rc == DJ_ESERVER && e->server_errno == 1213;
}

int dj_transaction_run(dj_conn *c, dj_transaction_fn fn, void *ud, dj_error *err)
{
    dj_error local;
    dj_error *e = err ? err : &local;
    if (!c || !fn)
        return dj__err(err, DJ_EINVAL, "dj_transaction_run: conn and fn are required");
    for (unsigned attempt = 0;; attempt++) {
        int rc = dj_transaction_start(c, e);
        if (rc)
            return rc;
        rc = fn(c, ud, e);
        if (rc >= 0)
            rc = dj_transaction_commit(c, e);
        else if (dj_in_transaction(c))
            dj_transaction_cancel(c, NULL);
        if (rc >= 0 || !is_conflict(rc, e) || attempt >= DJ__DEADLOCK_RETRIES)
            return rc;
        /* The server rolled the transaction back; make sure the session
         * agrees before running it again. */
        if (dj_in_transaction(c))
            dj_transaction_cancel(c, NULL);
        dj__log(c, DJ_LOG_INFO, "transaction rolled back by %u, running it again: %s",
                e->server_errno, e->message);
        dj__backoff_sleep(c, DJ__DEADLOCK_BACKOFF_MS << (attempt + 1));
    }
}

int dj__group_begin(dj_conn *c, int *own, dj_error *err)
{
    *own = 0;
    if (c->in_transaction)
        return 0;
    /* The flag stays clear: this transaction is the group's, not the
     * caller's, and a lost connection rolled it back on the server. */
    int rc = dj_exec(c, "START TRANSACTION", NULL, err);
    *own = rc == 0;
    return rc;
}

int dj__group_end(dj_conn *c, int own, int rc, dj_error *err)
{
    if (!own)
        return rc;
    if (rc == 0)
        return dj_exec(c, "COMMIT", NULL, err);
    if (c->state == DJ__CONN_READY)
        dj_exec(c, "ROLLBACK", NULL, NULL);
    return rc;
}
