/*
 * failover.c - the multi-host policy (docs/cluster.md).
 *
 * Which host to try: the list in cfg.host in order, starting at the last
 * good host ("sticky": writes go through one node, which avoids Galera
 * certification conflicts and keeps read-your-writes). When a whole pass
 * fails and the list has more than one host, passes are repeated with
 * exponential backoff (100 ms doubling to 2 s, jittered) until
 * cfg.failover_deadline_ms.
 *
 * What a statement failure means, in three classes (measured on Galera,
 * /work/shared/reference/galera.md):
 *  - next host, statement did not run: 1047 (node not ready or rejecting),
 *    1040, a connection that was found closed before the statement was sent;
 *  - next host, outcome unknown: connection lost (2006/2013/EOF/reset),
 *    1053, 1927, 1180 - a write may or may not have been applied;
 *  - retry: 1213 (deadlock or Galera certification failure), which rolled
 *    the statement back.
 */
#define _GNU_SOURCE 1
#include "client/conn.h"

#include <poll.h>
#include <time.h>


#define DJ__BACKOFF_FIRST_MS 100u
#define DJ__BACKOFF_MAX_MS 2000u
#define DJ__DEADLOCK_RETRIES 3
#define DJ__DEADLOCK_BACKOFF_MS 50u

enum failure_class {
    FAIL_OTHER = 0,     /* report as it is */
    FAIL_NOT_RUN,       /* next host; the statement did not run */
    FAIL_UNKNOWN,       /* next host; the statement may have run */
    FAIL_RETRY          /* run the statement again (rolled back) */
};

/* ---- jitter and sleeping ---- */

static uint64_t next_random(dj_conn *c)
{
    if (c->jitter_state == 0) {
        if (dj__random_bytes(&c->jitter_state, sizeof c->jitter_state, NULL) ||
            c->jitter_state == 0)
            c->jitter_state = (uint64_t)dj__now_ms() * 2654435761u + (uintptr_t)c;
    }
    /* xorshift64: enough to spread clients apart, not for secrets. */
    uint64_t x = c->jitter_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c->jitter_state = x;
    return x;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* Sleeps between half and all of ms, so clients that failed together do
 * not come back together. */
static void jittered_sleep(dj_conn *c, unsigned ms)
{
    if (ms == 0)
        return;
    unsigned half = ms / 2;
    sleep_ms(half + (unsigned)(next_random(c) % (half + 1)));
}

/* ---- the host list ---- */

static unsigned count_hosts(const char *list)
{
    unsigned n = 1;
    for (; *list; list++)
        n += *list == ',';
    return n;
}

/* Entry i of the list as host and port. */
static int nth_host(const dj_conn *c, const char *list, unsigned i, char *host, size_t size,
                    unsigned *port, dj_error *err)
{
    const char *p = list;
    for (unsigned k = 0; k < i; k++)
        p = strchr(p, ',') + 1;
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    return dj__parse_host_port(p, len, host, size, port, c->cfg.port, err);
}

int dj__failover_next_host_error(int rc, const dj_error *err)
{
    if (rc == DJ_ECONNECT || rc == DJ_ETIMEOUT || rc == DJ_ELOST)
        return 1;
    return rc == DJ_ESERVER && err &&
           (err->server_errno == 1047 || err->server_errno == 1040 ||
            err->server_errno == 1053);
}

static void append_failure(char *failures, size_t size, const dj_conn *c, const dj_error *err)
{
    size_t used = strlen(failures);
    const char *msg = err ? err->message : "failed";
    /* Each entry names its server once. */
    if (strstr(msg, c->peer))
        dj__snprintf(failures + used, size - used, "%s%s", used ? "; " : "", msg);
    else
        dj__snprintf(failures + used, size - used, "%s%s: %s", used ? "; " : "", c->peer, msg);
}

int dj__hosts_connect(dj_conn *c, dj_error *err)
{
    const char *list = c->cfg.host[0] ? c->cfg.host : "localhost";
    unsigned n = c->cfg.unix_socket[0] ? 1 : count_hosts(list);
    c->host_count = n;
    unsigned start = c->host_index < n ? c->host_index : 0;
    int64_t began = dj__now_ms();
    int64_t deadline = n > 1 && c->cfg.failover_deadline_ms
                           ? began + c->cfg.failover_deadline_ms : 0;
    unsigned backoff = DJ__BACKOFF_FIRST_MS, passes = 0;
    char failures[DJ_ERROR_MESSAGE_MAX];
    int rc = DJ_ECONNECT;
    for (;;) {
        failures[0] = '\0';
        passes++;
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (start + k) % n;
            char host[DJ_HOST_MAX];
            unsigned port;
            rc = nth_host(c, list, i, host, sizeof host, &port, err);
            if (rc)
                return rc;
            /* Each host gets its own connect timeout (one that hangs must
             * not use up the time of the others), within the deadline. */
            c->connect_deadline = dj__deadline(c->cfg.connect_timeout_ms);
            if (deadline && (c->connect_deadline == 0 || c->connect_deadline > deadline) &&
                passes > 1)
                c->connect_deadline = deadline;
            rc = dj__open_host(c, host, port, err);
            c->connect_deadline = 0;
            if (rc == 0) {
                c->host_index = i;
                return 0;
            }
            if (!dj__failover_next_host_error(rc, err))
                return rc;
            append_failure(failures, sizeof failures, c, err);
        }
        int64_t now = dj__now_ms();
        if (!deadline || now >= deadline)
            break;
        unsigned wait = backoff;
        if (now + wait > deadline)
            wait = (unsigned)(deadline - now);
        jittered_sleep(c, wait);
        /* A pass that would start at the deadline could only time out:
         * report the last real one instead. */
        if (dj__now_ms() >= deadline)
            break;
        backoff = backoff * 2 > DJ__BACKOFF_MAX_MS ? DJ__BACKOFF_MAX_MS : backoff * 2;
    }
    if (n > 1 && err) {
        int os = err->os_errno;
        int64_t tenths = (dj__now_ms() - began) / 100;
        dj__err(err, DJ_ECONNECT, "no server of %u reachable (%u pass%s in %u.%u s): %s", n,
                passes, passes == 1 ? "" : "es", (unsigned)(tenths / 10), (unsigned)(tenths % 10),
                failures);
        err->os_errno = os;
        return DJ_ECONNECT;
    }
    return rc;
}

/* ---- readiness ---- */

int dj__galera_accept(dj_conn *c, const dj__galera_probe *p, dj_error *err)
{
    c->is_galera = strcmp(p->wsrep_on, "ON") == 0;
    if (!c->is_galera)
        return 0;
    int ready = strcmp(p->wsrep_ready, "ON") == 0;
    int synced = strcmp(p->state, "Synced") == 0;
    if (!ready || (c->cfg.require_synced && !synced)) {
        dj__conn_drop(c);
        return dj__err(err, DJ_ECONNECT, "server at %s is a Galera node that is not ready "
                                         "(wsrep_ready=%s, wsrep_local_state_comment=%s)",
                       c->peer, p->wsrep_ready[0] ? p->wsrep_ready : "?",
                       p->state[0] ? p->state : "?");
    }
    if (c->cfg.wsrep_sync_wait) {
        char sql[64];
        dj__snprintf(sql, sizeof sql, "SET SESSION wsrep_sync_wait=%u", c->cfg.wsrep_sync_wait);
        return dj_exec(c, sql, NULL, err);
    }
    return 0;
}

/* ---- statement failures ---- */

static int classify(dj_conn *c, int rc, const dj_error *e, unsigned flags)
{
    if (rc == DJ_ESTATE && c->state == DJ__CONN_CLOSED)
        return FAIL_NOT_RUN; /* refused before anything was sent */
    if (rc == DJ_ELOST)
        return FAIL_UNKNOWN;
    if (rc != DJ_ESERVER)
        return FAIL_OTHER;
    switch (e->server_errno) {
    case 1047: case 1040:
        return FAIL_NOT_RUN;
    case 1205:
        /* A causal read on a node cut off from the cluster fails at once
         * with 1205; elsewhere it is an ordinary lock wait timeout. */
        return c->is_galera && ((flags & DJ_EXEC_CAUSAL) || c->cfg.wsrep_sync_wait)
                   ? FAIL_NOT_RUN : FAIL_OTHER;
    case 2006: case 2013: case 4031: case 1180:
        return FAIL_UNKNOWN;
    case 1213:
        return FAIL_RETRY;
    default:
        return FAIL_OTHER;
    }
}

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

static int lost_in_transaction(dj_conn *c, unsigned flags, int cls, dj_error *e)
{
    /* Nothing to undo on the new session; the ROLLBACK mirrors DataJoint. */
    dj_exec(c, "ROLLBACK", NULL, NULL);
    c->in_transaction = 0;
    /* A COMMIT that never reached the server committed nothing: lost. */
    if ((flags & DJ__EXEC_COMMIT) && cls == FAIL_UNKNOWN) {
        dj__err(e, DJ_EOUTCOME_UNKNOWN, "Connection was lost during COMMIT: the transaction "
                                        "may or may not have been committed.");
        e->kind = DJ_KIND_LOST_CONNECTION;
        return DJ_EOUTCOME_UNKNOWN;
    }
    dj__err(e, DJ_ETRANSACTION, "Connection was lost during a transaction.");
    e->kind = DJ_KIND_LOST_CONNECTION;
    return DJ_ETRANSACTION;
}

int dj__failover_run(dj_conn *c, unsigned flags, dj__retry_fn fn, void *ud, dj_error *err)
{
    dj_error local;
    dj_error *e = err ? err : &local;
    if (!c)
        return dj__err(err, DJ_EINVAL, "no connection");
    unsigned deadlocks = 0, failovers = 0;
    int stale = c->cfg.reconnect && closed_while_idle(c);
    for (;;) {
        int rc = stale ? dj__err(e, DJ_ESTATE, "connection closed while idle") : fn(c, ud, e);
        stale = 0;
        if (rc >= 0)
            return rc;
        int cls = classify(c, rc, e, flags);
        if (cls == FAIL_RETRY && !c->in_transaction && deadlocks < DJ__DEADLOCK_RETRIES) {
            deadlocks++;
            dj__log(c, DJ_LOG_INFO, "retrying after %u: %s", e->server_errno, e->message);
            jittered_sleep(c, DJ__DEADLOCK_BACKOFF_MS << deadlocks);
            continue;
        }
        if (cls != FAIL_NOT_RUN && cls != FAIL_UNKNOWN)
            return rc;
        if (!c->cfg.reconnect || failovers >= (c->host_count > 1 ? c->host_count : 1)) {
            if (rc == DJ_ESERVER && c->state != DJ__CONN_CLOSED && cls == FAIL_UNKNOWN)
                dj__conn_drop(c);
            return rc;
        }
        failovers++;
        int was_in_transaction = c->in_transaction;
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
        if (was_in_transaction)
            return lost_in_transaction(c, flags, cls, e);
        if (cls == FAIL_UNKNOWN && !(flags & DJ_EXEC_IDEMPOTENT)) {
            dj__err(e, DJ_EOUTCOME_UNKNOWN,
                    "the connection to %s failed during a statement that may change data "
                    "(%.200s); it may or may not have been applied and was not replayed "
                    "(now connected to %s)", old_peer, why, c->peer);
            e->kind = DJ_KIND_LOST_CONNECTION;
            return DJ_EOUTCOME_UNKNOWN;
        }
    }
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
        jittered_sleep(c, DJ__DEADLOCK_BACKOFF_MS << (attempt + 1));
    }
}

/* ---- statements ---- */

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

typedef struct statement {
    const char *sql;
    unsigned flags;
    dj_result_info *info;
    char *out;
    size_t outsize;
    int *is_null;
} statement;

#define DJ__CAUSAL_PREFIX "SET STATEMENT wsrep_sync_wait=1 FOR "

static int run_statement(dj_conn *c, void *ud, dj_error *err)
{
    const statement *s = ud;
    const char *sql = s->sql;
    char *causal = NULL;
    /* Only needed when the session does not already wait. */
    if ((s->flags & DJ_EXEC_CAUSAL) && c->is_galera && !(c->cfg.wsrep_sync_wait & 1u)) {
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

int dj__exec_flags(dj_conn *c, const char *sql, unsigned flags, dj_result_info *info,
                   dj_error *err)
{
    if (!sql)
        return dj__err(err, DJ_EINVAL, "dj_exec_flags: sql is required");
    if (is_repeatable(sql))
        flags |= DJ_EXEC_IDEMPOTENT;
    statement s = {.sql = sql, .flags = flags, .info = info};
    return dj__failover_run(c, flags, run_statement, &s, err);
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
    if (is_repeatable(sql))
        flags |= DJ_EXEC_IDEMPOTENT;
    statement s = {.sql = sql, .flags = flags & (DJ_EXEC_IDEMPOTENT | DJ_EXEC_CAUSAL),
                   .out = out, .outsize = outsize, .is_null = is_null};
    return dj__failover_run(c, s.flags, run_statement, &s, err);
}

/* ---- remembered session settings ---- */

int dj_set_time_zone(dj_conn *c, const char *tz, dj_error *err)
{
    if (!c || !tz)
        return dj__err(err, DJ_EINVAL, "dj_set_time_zone: conn and time_zone are required");
    if (strlen(tz) >= sizeof c->cfg.time_zone || strpbrk(tz, "'\\`"))
        return dj__err(err, DJ_EINVAL, "bad time zone \"%.64s\"", tz);
    if (tz[0]) {
        char sql[128];
        dj__snprintf(sql, sizeof sql, "SET SESSION time_zone='%s'", tz);
        int rc = dj_exec_flags(c, sql, DJ_EXEC_IDEMPOTENT, NULL, err);
        if (rc)
            return rc;
    }
    dj__strlcpy(c->cfg.time_zone, tz, sizeof c->cfg.time_zone);
    return 0;
}

int dj_set_wsrep_sync_wait(dj_conn *c, unsigned value, dj_error *err)
{
    if (!c || value > 15)
        return dj__err(err, DJ_EINVAL, "dj_set_wsrep_sync_wait: value must be 0..15");
    if (c->is_galera) {
        char sql[64];
        dj__snprintf(sql, sizeof sql, "SET SESSION wsrep_sync_wait=%u", value);
        int rc = dj_exec_flags(c, sql, DJ_EXEC_IDEMPOTENT, NULL, err);
        if (rc)
            return rc;
    }
    c->cfg.wsrep_sync_wait = value;
    return 0;
}

int dj_server_is_galera(const dj_conn *c) { return c ? c->is_galera : 0; }
unsigned dj_host_index(const dj_conn *c) { return c ? c->host_index : 0; }
