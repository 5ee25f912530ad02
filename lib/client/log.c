/* SPDX-License-Identifier: Apache-2.0 */
/* log.c - notices for the caller's log callback; the library never prints. */
#include "client/conn.h"

void dj__log(const dj_conn *c, dj_log_level level, const char *fmt, ...)
{
    if (!c || !c->cfg.log_fn || level < c->cfg.loglevel)
        return;
    char msg[DJ_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    dj__vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->cfg.log_fn(level, msg, c->cfg.log_ud);
}
