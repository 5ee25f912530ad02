/* SPDX-License-Identifier: Apache-2.0 */
/*
 * retry.h - what a failed statement means and what to do about it, as pure
 * functions of the facts (no connection, no I/O), so that the rules can be
 * read as a table and tested without a server (tests/unit/test_retry.c).
 * failover.c gathers the facts and carries the decision out.
 */
#ifndef DJ_CLIENT_RETRY_H
#define DJ_CLIENT_RETRY_H

#include "core/internal.h"

/* What kind of statement failed; see the table in retry.c. */
typedef enum dj__stmt_kind {
    DJ__STMT_READ = 0,  /* reads and session settings: safe to run twice */
    DJ__STMT_WRITE,     /* may change data: never run twice */
    DJ__STMT_COMMIT,    /* COMMIT of the caller's transaction */
    DJ__STMT_INSERT,    /* DataJoint's insert, in its own transaction */
    DJ__STMT_KINDS
} dj__stmt_kind;

/* What a failure says about the statement (measured on Galera,
 * /work/shared/reference/galera.md). */
typedef enum dj__failure {
    DJ__FAILURE_OTHER = 0,    /* an answer to report as it is */
    DJ__FAILURE_NOT_RUN,      /* the statement did not run; another host may help */
    DJ__FAILURE_UNKNOWN,      /* the connection failed: the statement may have run */
    DJ__FAILURE_ROLLED_BACK   /* deadlock or certification conflict: rolled back */
} dj__failure;

/* The status and server errno of a failure, whether the connection was
 * already closed before anything was sent, and whether the statement waited
 * for the cluster (a Galera node with wsrep_sync_wait or a causal read). */
dj__failure dj__failure_of(int rc, unsigned server_errno, int closed_before, int causal_wait);

typedef enum dj__retry_action {
    DJ__RETRY_FAIL = 0,   /* report the error as it is */
    DJ__RETRY_AGAIN,      /* run again on the same connection, after a backoff */
    DJ__RETRY_REPLAY,     /* reconnect (next host first) and run again */
    DJ__RETRY_LOST,       /* reconnect; the transaction is gone: DJ_ETRANSACTION */
    DJ__RETRY_UNKNOWN     /* reconnect; it may have applied: DJ_EOUTCOME_UNKNOWN */
} dj__retry_action;

typedef struct dj__retry_case {
    uint8_t failure;        /* dj__failure */
    uint8_t kind;           /* dj__stmt_kind */
    uint8_t in_transaction; /* the caller's transaction is open */
    uint8_t may_reconnect;  /* reconnecting allowed, and hosts left to try */
    uint8_t may_again;      /* runs after a rollback left */
} dj__retry_case;

dj__retry_action dj__retry_decide(const dj__retry_case *k);

#endif
