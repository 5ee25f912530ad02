/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec.c - SQL statements run under the failover rules (dj_exec_flags,
 * dj_query_value_flags): each becomes a request whose kind its flags and
 * its first keyword decide.
 */
#include "client/conn.h"

/* Reads and session settings may run twice: the first keyword says so. */
static int is_repeatable(const char *sql)
{
    static const char words[] = "select\0show\0set\0describe\0desc\0explain\0use\0";
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')
        sql++;
    /* SET STATEMENT ... FOR <statement> is whatever its statement is. */
    if (dj__ieq_n(sql, "set statement", 13))
        return 0;
    for (const char *w = words; *w; w += strlen(w) + 1) {
        size_t n = strlen(w);
        if (dj__ieq_n(sql, w, n) &&
            (sql[n] == '\0' || sql[n] == ' ' || sql[n] == '\t' || sql[n] == '\n' ||
             sql[n] == '\r' || sql[n] == '('))
            return 1;
    }
    return 0;
}

/* A request (client.h) for one SQL statement. */
typedef struct statement {
    dj__request req; /* first: run() gets the statement through it */
    const char *sql;
    dj_result_info *info;
    char *out;
    size_t outsize;
    int *is_null;
} statement;

#define DJ__CAUSAL_PREFIX "SET STATEMENT wsrep_sync_wait=1 FOR "

static int run_statement(dj_conn *c, dj__request *req, dj_error *err)
{
    const statement *s = (const statement *)req;
    const char *sql = s->sql;
    char *causal = NULL;
    /* Only needed when the session does not already wait. */
    if (s->req.causal && c->is_galera && !(c->cfg.wsrep_sync_wait & 1u)) {
        size_t n = strlen(sql), p = sizeof DJ__CAUSAL_PREFIX - 1;
        causal = dj__malloc(c->alloc, p + n + 1);
        if (!causal)
            return dj__err(err, DJ_ENOMEM, "out of memory for a causal statement");
        memcpy(causal, DJ__CAUSAL_PREFIX, p);
        memcpy(causal + p, sql, n + 1);
        sql = causal;
    }
    int rc = s->out ? dj_query_value(c, sql, s->out, s->outsize, s->is_null, err)
                    : dj_exec(c, sql, s->info, err);
    dj__free(c->alloc, causal);
    return rc;
}

/* The request for sql run with DJ_EXEC_* flags and DJ__EXEC_COMMIT. */
static dj__request request_of(const char *sql, unsigned flags)
{
    dj__stmt_kind kind = (flags & DJ__EXEC_COMMIT) ? DJ__STMT_COMMIT
                         : (flags & DJ_EXEC_IDEMPOTENT) || is_repeatable(sql) ? DJ__STMT_READ
                         : DJ__STMT_WRITE;
    return (dj__request){.run = run_statement, .kind = (uint8_t)kind,
                         .causal = (flags & DJ_EXEC_CAUSAL) != 0};
}

int dj__exec_flags(dj_conn *c, const char *sql, unsigned flags, dj_result_info *info,
                   dj_error *err)
{
    if (!sql)
        return dj__err(err, DJ_EINVAL, "dj_exec_flags: sql is required");
    statement s = {.req = request_of(sql, flags), .sql = sql, .info = info};
    return dj__request_run(c, &s.req, err);
}

int dj_exec_flags(dj_conn *c, const char *sql, unsigned flags, dj_result_info *info,
                  dj_error *err)
{
    return dj__exec_flags(c, sql, flags & (DJ_EXEC_IDEMPOTENT | DJ_EXEC_CAUSAL), info, err);
}

int dj_query_value_flags(dj_conn *c, const char *sql, unsigned flags, char *out,
                         size_t outsize, int *is_null, dj_error *err)
{
    if (!sql || !out || outsize == 0)
        return dj__err(err, DJ_EINVAL, "dj_query_value_flags: sql and an output buffer are "
                                       "required");
    statement s = {.req = request_of(sql, flags & (DJ_EXEC_IDEMPOTENT | DJ_EXEC_CAUSAL)),
                   .sql = sql, .out = out, .outsize = outsize, .is_null = is_null};
    return dj__request_run(c, &s.req, err);
}

