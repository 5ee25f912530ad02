/* SPDX-License-Identifier: Apache-2.0 */
/*
 * galera.c - Galera clusters: whether the server is a node that may take
 * statements (the session setup's probe), and the session's wsrep_sync_wait.
 */
#include "client/conn.h"

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
