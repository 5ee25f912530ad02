/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faultproxy.h - a fault-injecting TCP proxy for tests (docs/scripted-server.md).
 *
 * Listens on 127.0.0.1 (port chosen by the kernel) and forwards every
 * connection to a real (or scripted) MySQL-protocol server. It reads whole
 * packets before forwarding them, so a rule hits the same packet at the same
 * byte whatever TCP does: every fault is deterministic. Rules are added
 * before fp_start; each fires once, on one connection (1-based, in the order
 * accepted) or on every connection (conn 0).
 *
 * Plain connections only: no TLS, no compressed protocol (the client must
 * use tls_mode disabled and no compression).
 */
#ifndef DJ_TEST_FAULTPROXY_H
#define DJ_TEST_FAULTPROXY_H

#include <stddef.h>

typedef struct fproxy fproxy;

/* Which packet a rule is about, counted per connection from 1. */
typedef enum fp_where {
    FP_CLIENT_PACKET, /* the client's n-th packet (login packets included) */
    FP_SERVER_PACKET, /* the server's n-th packet (the greeting is 1) */
    FP_COMMAND,       /* the client's n-th command (a packet with sequence id 0) */
    FP_REPLY          /* the first server packet after the n-th command: the server has
                       * processed that command; with pipelined commands, count
                       * server packets instead */
} fp_where;

typedef enum fp_action {
    FP_CLOSE, /* close both sides instead of forwarding the packet */
    FP_CUT,   /* forward only its first arg bytes (header included), then close both */
    FP_DELAY, /* wait arg milliseconds, then forward it */
    FP_DROP   /* swallow it and carry on: the other side waits for it forever */
} fp_action;

/* A proxy to host:port (a numeric address or a name); aborts the test
 * process when it cannot listen. */
fproxy *fp_new(const char *host, unsigned port);
unsigned fp_port(const fproxy *p);
/* Adds a rule (before fp_start). */
void fp_rule(fproxy *p, unsigned conn, fp_where where, unsigned n, fp_action action,
             unsigned arg);
/* Accepts and forwards connections in its own threads. */
void fp_start(fproxy *p);
/* Closes every connection and the listener, waits for the threads, frees. */
void fp_free(fproxy *p);

/* Observations (safe while running): connections accepted so far, rules
 * that fired, and per connection the packets seen of each kind (for
 * FP_REPLY: replies begun). */
unsigned fp_connections(fproxy *p);
unsigned fp_fired(fproxy *p);
unsigned fp_count(fproxy *p, unsigned conn, fp_where what);

#endif
