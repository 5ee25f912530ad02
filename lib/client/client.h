/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client.h - what the DataJoint layer (lib/dj) may use of the client besides
 * the public API: statements run under the retry rule, rows handed to a
 * callback, a group's own transaction, and a few read-only facts about
 * the connection. The connection's fields stay private to lib/client
 * (conn.h); scripts/check-layers holds lib/dj to this header.
 */
#ifndef DJ_CLIENT_CLIENT_H
#define DJ_CLIENT_CLIENT_H

#include <stddef.h>

#include "client/retry.h"
#include "core/internal.h"

/* ---- the connection, read-only (view.c) ---- */

/* The allocator of the connection's configuration. */
const dj_allocator *dj__conn_alloc(const dj_conn *c);
/* The connection's private copy of its configuration. */
const dj_config *dj__conn_config(const dj_conn *c);
/* The server's @@max_allowed_packet, 0 when unknown. */
size_t dj__conn_server_max_packet(const dj_conn *c);

/* ---- borrowing (hold.c) ---- */

/* A handle that uses the connection (a schema) holds it while open: a
 * dj_close meanwhile (also by dj_conn_default's reset) only marks it, and the
 * last release closes it. */
void dj__conn_hold(dj_conn *c);
void dj__conn_release(dj_conn *c);

/* ---- statements (query.c, stmt.c, log.c) ---- */

/* Called for each row of dj__query_rows; non-zero stops the rows. */
typedef int (*dj__row_fn)(void *ud, const dj_value *row, dj_error *err);
/* Runs the query and calls fn for each row until fn fails; the result is
 * closed either way. 0, or the first error. */
int dj__query_rows(dj_conn *c, const char *sql, size_t len, dj__row_fn fn, void *ud,
                   dj_error *err);
/* Makes the open result close the statement when it finishes, and frees the
 * handle (the statement is closed at once when the result already ended). */
void dj__result_adopt_stmt(dj_result *r, dj_stmt *stmt);
/* Sends a notice to the connection's log callback, if any. */
void dj__log(const dj_conn *c, dj_log_level level, const char *fmt, ...) DJ__PRINTF(3, 4);

/* ---- requests (failover.c) and transactions (transaction.c) ---- */

/* A unit of work run under the failover rules: run does it once, from the
 * start; kind says what a failure during it means (retry.h). A caller's
 * own struct starts with its dj__request, so run reaches the caller's
 * fields through a cast of req, with no untyped pointer on the way. It is
 * aligned like any object could need, so that the cast never raises the
 * required alignment: on a strict-alignment target (32-bit ARM) a caller's
 * struct with a uint64_t needs more than the function pointer alone. */
typedef struct dj__request dj__request;
struct dj__request {
    _Alignas(max_align_t) int (*run)(dj_conn *c, dj__request *req, dj_error *err);
    uint8_t kind;   /* dj__stmt_kind */
    uint8_t causal; /* DJ_EXEC_CAUSAL: wait for the cluster's earlier writes */
};
/* Runs req under the reconnect, failover and retry rules (failover.c). */
int dj__request_run(dj_conn *c, dj__request *req, dj_error *err);
/* A group of statements that must apply together (an insert of several
 * batches): starts a transaction of its own unless the caller has one open,
 * and sets *own when it did. Such a transaction is not the caller's: a
 * connection lost during it rolled it back on the server, so the retry rule
 * may run the whole group again. */
int dj__group_begin(dj_conn *c, int *own, dj_error *err);
/* Ends what dj__group_begin started: COMMIT when rc is 0, else a ROLLBACK
 * when the connection still stands. Returns rc, or the COMMIT's error. */
int dj__group_end(dj_conn *c, int own, int rc, dj_error *err);

#endif
