/* SPDX-License-Identifier: Apache-2.0 */
/*
 * failover.c - runs a request (client.h) under the failover rules
 * (docs/cluster.md): a failure is classified and decided on by retry.c,
 * and carried out here: a backoff and another run on the same connection,
 * a new connection (the next host of the list first, hosts.c) and another
 * run, or an error saying the transaction was lost or the outcome is unknown.
 */
#define _GNU_SOURCE 1
#include "client/conn.h"

#include <poll.h>

/* An idle connection the server closed (KILL, wait_timeout, node crash) has
 * its EOF or farewell ERR waiting: nothing the client sends would run, so
 * the statement can go to a new connection whatever it is. */
static int closed_while_idle(dj_conn *c)
{
    if (c->state != DJ__CONN_READY || c->fd < 0)
        return 0;
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    dj__conn_drop(c);
    return 1;
}

static int lost_in_transaction(dj_conn *c, dj__retry_action action, dj_error *e)
{
    /* Nothing to undo on the new session; the ROLLBACK mirrors DataJoint. */
    dj_exec(c, "ROLLBACK", NULL, NULL);
    c->in_transaction = 0;
    /* A COMMIT that never reached the server committed nothing: lost. */
    if (action == DJ__RETRY_UNKNOWN) {
        dj__err(e, DJ_EOUTCOME_UNKNOWN, "Connection was lost during COMMIT: the transaction "
                                        "may or may not have been committed.");
        e->kind = DJ_KIND_LOST_CONNECTION;
        return DJ_EOUTCOME_UNKNOWN;
    }
    dj__err(e, DJ_ETRANSACTION, "Connection was lost during a transaction.");
    e->kind = DJ_KIND_LOST_CONNECTION;
    return DJ_ETRANSACTION;
}

int dj__request_run(dj_conn *c, dj__request *req, dj_error *err)
{
    dj_error local;
    dj_error *e = err ? err : &local;
    if (!c)
        return dj__err(err, DJ_EINVAL, "no connection");
    unsigned deadlocks = 0, failovers = 0;
    int stale = c->cfg.reconnect && closed_while_idle(c);
    for (;;) {
        int rc = stale ? dj__err(e, DJ_ESTATE, "connection closed while idle")
                       : req->run(c, req, e);
        stale = 0;
        if (rc >= 0)
            return rc;
        int causal_wait = c->is_galera && (req->causal || c->cfg.wsrep_sync_wait);
        dj__failure failure = dj__failure_of(rc, e->server_errno, c->state == DJ__CONN_CLOSED,
                                             causal_wait);
        dj__retry_case k = {
            .failure = (uint8_t)failure,
            .kind = req->kind,
            .in_transaction = c->in_transaction != 0,
            .may_reconnect = c->cfg.reconnect &&
                             failovers < (c->host_count > 1 ? c->host_count : 1),
            .may_again = deadlocks < DJ__DEADLOCK_RETRIES,
        };
        dj__retry_action action = dj__retry_decide(&k);
        if (action == DJ__RETRY_AGAIN) {
            deadlocks++;
            dj__log(c, DJ_LOG_INFO, "retrying after %u: %s", e->server_errno, e->message);
            dj__backoff_sleep(c, DJ__DEADLOCK_BACKOFF_MS << deadlocks);
            continue;
        }
        if (action == DJ__RETRY_FAIL) {
            /* A connection that may have run the statement is not reused. */
            if (rc == DJ_ESERVER && c->state != DJ__CONN_CLOSED &&
                failure == DJ__FAILURE_UNKNOWN)
                dj__conn_drop(c);
            return rc;
        }
        failovers++;
        char why[DJ_ERROR_MESSAGE_MAX], old_peer[sizeof c->peer];
        memcpy(why, e->message, sizeof why);
        memcpy(old_peer, c->peer, sizeof old_peer);
        dj__conn_drop(c);
        /* The failed host goes last: start the search after it. */
        if (c->host_count > 1)
            c->host_index = (c->host_index + 1) % c->host_count;
        int rrc = dj__conn_open(c, e);
        if (rrc) {
            dj__err_prefix(e, "connection to %s lost (%.200s) and reconnecting failed", old_peer,
                           why);
            return rrc;
        }
        if (strcmp(old_peer, c->peer) != 0)
            dj__log(c, DJ_LOG_WARNING, "failover from %s to %s after: %s", old_peer, c->peer, why);
        if (k.in_transaction)
            return lost_in_transaction(c, action, e);
        if (action == DJ__RETRY_UNKNOWN) {
            dj__err(e, DJ_EOUTCOME_UNKNOWN,
                    "the connection to %s failed during a statement that may change data "
                    "(%.200s); it may or may not have been applied and was not replayed "
                    "(now connected to %s)", old_peer, why, c->peer);
            e->kind = DJ_KIND_LOST_CONNECTION;
            return DJ_EOUTCOME_UNKNOWN;
        }
    }
}
