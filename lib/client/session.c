/*
 * session.c - the session DataJoint expects after login: its strict
 * sql_mode, autocommit, the configured charset and init statement, and the
 * server's max_allowed_packet as the default cap. The statements are
 * pipelined (all sent, then all answers read), so the setup costs one round
 * trip however many there are.
 */
#include "client/conn.h"

#include <stdio.h>
#include <stdlib.h>

#define DJ__SQL_MODE "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO," \
                     "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY"
#define DJ__MAX_SETUP 5

static int charset_is_utf8mb4(const char *cs)
{
    return cs[0] == '\0' || strcmp(cs, "utf8mb4") == 0;
}

int dj__session_setup(dj_conn *c, dj_error *err)
{
    char names[128];
    const char *stmts[DJ__MAX_SETUP];
    int n = 0, max_packet_index;
    if (!charset_is_utf8mb4(c->cfg.charset)) {
        if (dj__snprintf(names, sizeof names, "SET NAMES '%s'", c->cfg.charset) ||
            strpbrk(c->cfg.charset, "'\\`"))
            return dj__err(err, DJ_ECONFIG, "bad connection.charset \"%s\"", c->cfg.charset);
        stmts[n++] = names;
    }
    stmts[n++] = (c->status & DJ_STATUS_AUTOCOMMIT)
                     ? "SET SESSION sql_mode='" DJ__SQL_MODE "'"
                     : "SET SESSION sql_mode='" DJ__SQL_MODE "', autocommit=1";
    if (c->cfg.init_command[0])
        stmts[n++] = c->cfg.init_command;
    max_packet_index = n;
    stmts[n++] = "SELECT @@max_allowed_packet";

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
        if (rc == 0 && i == max_packet_index) {
            const dj_value *v;
            if (dj_result_fetch(res, &v, e) == 1 && v[0].ptr && v[0].len < sizeof value)
                memcpy(value, v[0].ptr, v[0].len);
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
        if (i == max_packet_index && value[0]) {
            c->server_max_packet = (size_t)strtoull(value, NULL, 10);
            if (!c->cfg.max_packet && c->server_max_packet)
                c->max_packet = c->server_max_packet;
        }
    }
    if (first_error) {
        dj__conn_drop(c);
        return first_error;
    }
    return 0;
}
