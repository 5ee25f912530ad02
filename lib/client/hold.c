/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hold.c - a connection borrowed by a schema is not closed under it: the
 * schema holds the connection while it is open, a dj_close meanwhile (the
 * owner's, or dj_conn_default's reset) is deferred, and the schema's close
 * releases it, closing it when it was the last holder of a closed connection.
 */
#include "client/conn.h"

void dj__conn_hold(dj_conn *c)
{
    c->holds++;
}

void dj__conn_release(dj_conn *c)
{
    if (c->holds > 0 && --c->holds == 0 && c->close_pending)
        dj_close(c);
}
