/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_retry.c - the retry decision (lib/client/retry.c) as tables of cases:
 * what a failure means, and what the client does about it, without a server.
 */
#include <criterion/criterion.h>

#include "client/retry.h"

enum { NO = 0, YES = 1 };

Test(retry, failure_classes)
{
    static const struct {
        int rc;
        unsigned server_errno;
        int closed_before, causal_wait;
        dj__failure want;
    } cases[] = {
        {DJ_ESTATE, 0, YES, NO, DJ__FAILURE_NOT_RUN},   /* found closed, nothing sent */
        {DJ_ESTATE, 0, NO, NO, DJ__FAILURE_OTHER},      /* a result still open */
        {DJ_ELOST, 0, NO, NO, DJ__FAILURE_UNKNOWN},
        {DJ_ETIMEOUT, 0, NO, NO, DJ__FAILURE_OTHER},
        {DJ_EINVAL, 0, NO, NO, DJ__FAILURE_OTHER},
        {DJ_ESERVER, 1047, NO, NO, DJ__FAILURE_NOT_RUN}, /* node not ready */
        {DJ_ESERVER, 1040, NO, NO, DJ__FAILURE_NOT_RUN}, /* too many connections */
        {DJ_ESERVER, 1205, NO, NO, DJ__FAILURE_OTHER},   /* lock wait timeout */
        {DJ_ESERVER, 1205, NO, YES, DJ__FAILURE_NOT_RUN}, /* causal read on a cut-off node */
        {DJ_ESERVER, 2006, NO, NO, DJ__FAILURE_UNKNOWN},
        {DJ_ESERVER, 2013, NO, NO, DJ__FAILURE_UNKNOWN},
        {DJ_ESERVER, 4031, NO, NO, DJ__FAILURE_UNKNOWN},
        {DJ_ESERVER, 1180, NO, NO, DJ__FAILURE_UNKNOWN}, /* commit failed */
        {DJ_ESERVER, 1213, NO, NO, DJ__FAILURE_ROLLED_BACK},
        {DJ_ESERVER, 1062, NO, NO, DJ__FAILURE_OTHER},   /* duplicate key */
        {DJ_ESERVER, 1064, NO, YES, DJ__FAILURE_OTHER},  /* syntax error */
    };
    for (size_t i = 0; i < DJ__ARRAY_LEN(cases); i++)
        cr_expect_eq(dj__failure_of(cases[i].rc, cases[i].server_errno, cases[i].closed_before,
                                    cases[i].causal_wait),
                     cases[i].want, "case %zu (rc %d, errno %u)", i, cases[i].rc,
                     cases[i].server_errno);
}

#define R DJ__STMT_READ
#define W DJ__STMT_WRITE
#define C DJ__STMT_COMMIT
#define I DJ__STMT_INSERT

Test(retry, decisions)
{
    static const struct {
        dj__retry_case k; /* failure, kind, in_transaction, may_reconnect, may_again */
        dj__retry_action want;
    } cases[] = {
        /* an answer from the server is reported, whatever the statement */
        {{DJ__FAILURE_OTHER, R, NO, YES, YES}, DJ__RETRY_FAIL},
        {{DJ__FAILURE_OTHER, W, YES, YES, YES}, DJ__RETRY_FAIL},
        /* a rollback by deadlock or certification runs again, outside a transaction */
        {{DJ__FAILURE_ROLLED_BACK, R, NO, YES, YES}, DJ__RETRY_AGAIN},
        {{DJ__FAILURE_ROLLED_BACK, W, NO, NO, YES}, DJ__RETRY_AGAIN},
        {{DJ__FAILURE_ROLLED_BACK, I, NO, YES, YES}, DJ__RETRY_AGAIN},
        {{DJ__FAILURE_ROLLED_BACK, W, NO, YES, NO}, DJ__RETRY_FAIL},  /* retries used up */
        {{DJ__FAILURE_ROLLED_BACK, W, YES, YES, YES}, DJ__RETRY_FAIL}, /* the transaction is gone */
        {{DJ__FAILURE_ROLLED_BACK, C, YES, YES, YES}, DJ__RETRY_FAIL},
        /* not run: any statement goes to a new connection */
        {{DJ__FAILURE_NOT_RUN, R, NO, YES, YES}, DJ__RETRY_REPLAY},
        {{DJ__FAILURE_NOT_RUN, W, NO, YES, YES}, DJ__RETRY_REPLAY},
        {{DJ__FAILURE_NOT_RUN, C, NO, YES, YES}, DJ__RETRY_REPLAY},
        {{DJ__FAILURE_NOT_RUN, I, NO, YES, YES}, DJ__RETRY_REPLAY},
        {{DJ__FAILURE_NOT_RUN, W, NO, NO, YES}, DJ__RETRY_FAIL},      /* reconnect off or no host left */
        /* unknown outcome: only what may run twice runs again */
        {{DJ__FAILURE_UNKNOWN, R, NO, YES, YES}, DJ__RETRY_REPLAY},
        {{DJ__FAILURE_UNKNOWN, W, NO, YES, YES}, DJ__RETRY_UNKNOWN},
        {{DJ__FAILURE_UNKNOWN, C, NO, YES, YES}, DJ__RETRY_UNKNOWN},
        {{DJ__FAILURE_UNKNOWN, I, NO, YES, YES}, DJ__RETRY_REPLAY},   /* issue 16: UNKNOWN */
        {{DJ__FAILURE_UNKNOWN, R, NO, NO, YES}, DJ__RETRY_FAIL},
        {{DJ__FAILURE_UNKNOWN, W, NO, NO, NO}, DJ__RETRY_FAIL},
        /* inside the caller's transaction its work is lost; a COMMIT may have applied */
        {{DJ__FAILURE_UNKNOWN, R, YES, YES, YES}, DJ__RETRY_LOST},
        {{DJ__FAILURE_UNKNOWN, W, YES, YES, YES}, DJ__RETRY_LOST},
        {{DJ__FAILURE_UNKNOWN, I, YES, YES, YES}, DJ__RETRY_LOST},
        {{DJ__FAILURE_UNKNOWN, C, YES, YES, YES}, DJ__RETRY_UNKNOWN},
        {{DJ__FAILURE_NOT_RUN, C, YES, YES, YES}, DJ__RETRY_LOST},
        {{DJ__FAILURE_NOT_RUN, R, YES, YES, YES}, DJ__RETRY_LOST},
        {{DJ__FAILURE_UNKNOWN, C, YES, NO, YES}, DJ__RETRY_FAIL},
    };
    for (size_t i = 0; i < DJ__ARRAY_LEN(cases); i++) {
        const dj__retry_case *k = &cases[i].k;
        cr_expect_eq(dj__retry_decide(k), cases[i].want,
                     "case %zu (failure %u, kind %u, in transaction %u, reconnect %u, again %u)",
                     i, k->failure, k->kind, k->in_transaction, k->may_reconnect, k->may_again);
    }
}
