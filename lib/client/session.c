/* SPDX-License-Identifier: Apache-2.0 */
/*
 * session.c - the session DataJoint expects after login: its strict
 * sql_mode, autocommit, the configured charset and init statement, and the
 * server's max_allowed_packet as the default cap, the remembered time zone,
 * and the Galera readiness probe (galera.c decides); and dj_set_time_zone,
 * which changes the session and the setting a reconnect applies again. The
 * statements are pipelined (all sent, then all answers read), so the setup
 * costs one round trip however many there are.
 */
#include "client/conn.h"

#include <stdlib.h>

#define DJ__SQL_MODE "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO," \
                     "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY"
#define DJ__MAX_SETUP 8

static int charset_is_utf8mb4(const char *cs)
{
    return cs[0] == '\0' || strcmp(cs, "utf8mb4") == 0;
}

/* What a setup statement's rows are read into. */
enum setup_answer { ANSWER_NONE = 0, ANSWER_MAX_PACKET, ANSWER_PROBE };

static void copy_value(char *dst, size_t size, const dj_value *v)
{
    size_t n = v->ptr ? DJ__MIN(v->len, size - 1) : 0;
    if (n)
        memcpy(dst, v->ptr, n);
    dst[n] = '\0';
}

/* Reads the rows of the readiness probe: (name, value) pairs. */
static int read_probe(dj_result *res, dj__galera_probe *p, dj_error *err)
{
    const dj_value *v;
    int rc;
    while ((rc = dj_result_fetch(res, &v, err)) == 1) {
        if (dj_result_column_count(res) < 2 || !v[0].ptr)
            continue;
        if (v[0].len == 8 && memcmp(v[0].ptr, "wsrep_on", 8) == 0)
            copy_value(p->wsrep_on, sizeof p->wsrep_on, &v[1]);
        else if (v[0].len == 11 && memcmp(v[0].ptr, "wsrep_ready", 11) == 0)
            copy_value(p->wsrep_ready, sizeof p->wsrep_ready, &v[1]);
        else if (v[0].len == 25 && memcmp(v[0].ptr, "wsrep_local_state_comment", 25) == 0)
            copy_value(p->state, sizeof p->state, &v[1]);
    }
    return rc;
}

int dj__session_setup(dj_conn *c, dj_error *err)
{
    char names[128], tz[128];
    const char *stmts[DJ__MAX_SETUP];
    int answers[DJ__MAX_SETUP] = {0};
    int n = 0;
    dj__galera_probe probe;
    memset(&probe, 0, sizeof probe);
    if (!charset_is_utf8mb4(c->cfg.charset)) {
        if (dj__snprintf(names, sizeof names, "SET NAMES '%s'", c->cfg.charset) ||
            strpbrk(c->cfg.charset, "'\\`"))
            return dj__err(err, DJ_ECONFIG, "bad connection.charset \"%s\"", c->cfg.charset);
        stmts[n++] = names;
    }
    stmts[n++] = (c->status & DJ_STATUS_AUTOCOMMIT)
                     ? "SET SESSION sql_mode='" DJ__SQL_MODE "'"
                     : "SET SESSION sql_mode='" DJ__SQL_MODE "', autocommit=1";
    if (c->cfg.time_zone[0]) {
        if (dj__snprintf(tz, sizeof tz, "SET SESSION time_zone='%s'", c->cfg.time_zone) ||
            strpbrk(c->cfg.time_zone, "'\\`"))
            return dj__err(err, DJ_ECONFIG, "bad connection.time_zone \"%s\"", c->cfg.time_zone);
        stmts[n++] = tz;
    }
    if (c->cfg.init_command[0])
        stmts[n++] = c->cfg.init_command;
    answers[n] = ANSWER_MAX_PACKET;
    stmts[n++] = "SELECT @@max_allowed_packet";
    /* Galera detection and readiness, never SELECT 1 (which a partitioned
     * node answers). SHOW STATUS is exempt from wsrep_sync_wait. */
    answers[n] = ANSWER_PROBE;
    stmts[n++] = "SHOW VARIABLES LIKE 'wsrep_on'";
    answers[n] = ANSWER_PROBE;
    stmts[n++] = "SHOW GLOBAL STATUS WHERE Variable_name IN "
                 "('wsrep_ready', 'wsrep_local_state_comment')";

    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        dj__begin_command(c, DJ__COM_QUERY);
        rc = dj__send_packet(c, stmts[i], strlen(stmts[i]), err);
    }
    if (rc)
        return rc;

    /* Every answer is read, even after a failure, to keep the stream in step. */
    int first_error = 0;
    dj_error tmp;
    for (int i = 0; i < n; i++) {
        dj_result *res = NULL;
        c->seq = 1;
        dj_error *e = first_error ? &tmp : err;
        c->state = DJ__CONN_READY;
        rc = dj__query_read_response(c, &res, e);
        char value[32] = "";
        if (rc == 0 && answers[i] == ANSWER_MAX_PACKET) {
            const dj_value *v;
            if (dj_result_fetch(res, &v, e) == 1 && v[0].ptr && v[0].len < sizeof value)
                memcpy(value, v[0].ptr, v[0].len);
        } else if (rc == 0 && answers[i] == ANSWER_PROBE) {
            rc = read_probe(res, &probe, e);
        }
        if (rc == 0)
            rc = dj_result_close(res, e);
        if (rc && !first_error) {
            first_error = rc;
            dj__err_prefix(err, "session setup statement \"%.60s\" failed", stmts[i]);
        }
        /* A failure that dropped the link (lost, timeout, protocol, out of
         * memory while reading) leaves nothing to read: report the first
         * error, not the "connection lost" of the answers that follow. */
        if (rc && c->state == DJ__CONN_CLOSED)
            return first_error;
        if (answers[i] == ANSWER_MAX_PACKET && value[0]) {
            uint64_t v = 0;
            int parsed = dj__parse_u64(value, value + strlen(value), &v) == 0;
            /* Below the protocol's minimum no reply could be read: a server
             * saying so is wrong, and obeying it would refuse every answer. */
            if (parsed && v < DJ__MIN_MAX_PACKET)
                dj__log(c, DJ_LOG_WARNING, "server declares max_allowed_packet=%s, below "
                        "the protocol's minimum of %u; ignored", value, DJ__MIN_MAX_PACKET);
            else if (parsed && v <= SIZE_MAX)
                c->server_max_packet = (size_t)v;
            if (!c->cfg.max_packet && c->server_max_packet)
                c->max_packet = c->server_max_packet;
        }
    }
    if (first_error) {
        dj__conn_drop(c);
        return first_error;
    }
    return dj__galera_accept(c, &probe, err);
}

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
