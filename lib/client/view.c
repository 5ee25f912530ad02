/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.c - the facts about a connection that the DataJoint layer reads
 * (client.h), so that the connection's fields stay private to the client.
 */
#include "client/conn.h"

const dj_allocator *dj__conn_alloc(const dj_conn *c) { return c->alloc; }
const dj_config *dj__conn_config(const dj_conn *c) { return &c->cfg; }
size_t dj__conn_server_max_packet(const dj_conn *c) { return c->server_max_packet; }
