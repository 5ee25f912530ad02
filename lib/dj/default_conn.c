/* SPDX-License-Identifier: Apache-2.0 */
/*
 * default_conn.c - DataJoint's dj.conn(): one process-wide connection made on
 * first use from the configuration. This is the library's only global
 * state, guarded by a mutex.
 */
#include "core/internal.h"

#include <pthread.h>

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static dj_conn *default_conn;
static dj_config default_cfg;
static int default_cfg_set;

int dj_conn_default_configure(const dj_config *cfg, dj_error *err)
{
    (void)err;
    pthread_mutex_lock(&default_lock);
    if (cfg) {
        default_cfg = *cfg;
        default_cfg_set = 1;
    } else {
        dj_config_clear(&default_cfg);
        default_cfg_set = 0;
    }
    pthread_mutex_unlock(&default_lock);
    return 0;
}

int dj_conn_default(dj_conn **out, int reset, dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_conn_default: out is required");
    *out = NULL;
    pthread_mutex_lock(&default_lock);
    int rc = 0;
    if (reset && default_conn) {
        dj_close(default_conn);
        default_conn = NULL;
    }
    if (!default_conn) {
        dj_config cfg;
        if (default_cfg_set) {
            cfg = default_cfg;
        } else {
            dj_config_init(&cfg);
            rc = dj_config_load(&cfg, NULL, err);
        }
        if (rc == 0)
            rc = dj_connect(&default_conn, &cfg, err);
        dj_config_clear(&cfg);
    }
    *out = default_conn;
    pthread_mutex_unlock(&default_lock);
    return rc;
}

void dj_conn_default_close(void)
{
    pthread_mutex_lock(&default_lock);
    dj_close(default_conn);
    default_conn = NULL;
    pthread_mutex_unlock(&default_lock);
}
