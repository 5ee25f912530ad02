/* SPDX-License-Identifier: Apache-2.0 */
/*
 * retry.c - the retry decision (retry.h): what a failure means, and whether
 * the statement runs again, fails, or is reported as of unknown outcome.
 */
#include "client/retry.h"

dj__failure dj__failure_of(int rc, unsigned server_errno, int closed_before, int causal_wait)
{
    if (rc == DJ_ESTATE && closed_before)
        return DJ__FAILURE_NOT_RUN; /* refused before anything was sent */
    if (rc == DJ_ELOST)
        return DJ__FAILURE_UNKNOWN;
    if (rc != DJ_ESERVER)
        return DJ__FAILURE_OTHER;
    switch (server_errno) {
    case 1047: case 1040:
        return DJ__FAILURE_NOT_RUN;
    case 1205:
        /* A causal read on a node cut off from the cluster fails at once
         * with 1205; elsewhere it is an ordinary lock wait timeout. */
        return causal_wait ? DJ__FAILURE_NOT_RUN : DJ__FAILURE_OTHER;
    case 2006: case 2013: case 4031: case 1180:
        return DJ__FAILURE_UNKNOWN;
    case 1213:
        return DJ__FAILURE_ROLLED_BACK;
    default:
        return DJ__FAILURE_OTHER;
    }
}

/* Whether a statement of each kind may run again on a new connection when
 * the old one failed while it ran. An insert runs in a transaction of its
 * own that the lost connection rolled back, so today it runs again; issue 16
 * (exactly-once inserts) turns its row to 0, making such a loss
 * DJ_EOUTCOME_UNKNOWN. */
static const uint8_t replayable[DJ__STMT_KINDS] = {
    [DJ__STMT_READ] = 1,
    [DJ__STMT_WRITE] = 0,
    [DJ__STMT_COMMIT] = 0,
    [DJ__STMT_INSERT] = 1,
};

dj__retry_action dj__retry_decide(const dj__retry_case *k)
{
    switch (k->failure) {
    case DJ__FAILURE_ROLLED_BACK:
        /* Inside a transaction the whole transaction is gone, not just the
         * statement: only the caller can run it again (dj_transaction_run). */
        return !k->in_transaction && k->may_again ? DJ__RETRY_AGAIN : DJ__RETRY_FAIL;
    case DJ__FAILURE_NOT_RUN:
    case DJ__FAILURE_UNKNOWN:
        break;
    default:
        return DJ__RETRY_FAIL;
    }
    if (!k->may_reconnect)
        return DJ__RETRY_FAIL;
    /* The transaction's work died with its session; a COMMIT that may have
     * reached the server may also have committed it. */
    if (k->in_transaction)
        return k->kind == DJ__STMT_COMMIT && k->failure == DJ__FAILURE_UNKNOWN
                   ? DJ__RETRY_UNKNOWN : DJ__RETRY_LOST;
    if (k->failure == DJ__FAILURE_UNKNOWN && k->kind < DJ__STMT_KINDS && !replayable[k->kind])
        return DJ__RETRY_UNKNOWN;
    return DJ__RETRY_REPLAY;
}
