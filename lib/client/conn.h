/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conn.h - the connection handle and the pieces of the blocking client.
 *
 * Layering inside the client: io.c is the only file that touches the
 * transport (socket or TLS, optionally through compressed frames); it turns
 * bytes into complete packets with wire/packet.c and writes framed packets.
 * connect.c runs the handshake and the auth loop, session.c the DataJoint
 * session settings, query.c the command phase and streamed results.
 * What the layer above may use is in client.h; everything here is private
 * to lib/client.
 */
#ifndef DJ_CLIENT_CONN_H
#define DJ_CLIENT_CONN_H

#include "client/client.h"
#include "core/internal.h"
#include "net/tls.h"
#include "wire/buf.h"
#include "wire/packet.h"
#include "wire/protocol.h"

/* Read buffer: starts small and grows only for packets that need it. */
#define DJ__IN_INITIAL (16u * 1024u)
/* Outgoing bytes are staged and written in one call per command. */
#define DJ__STAGE_SIZE (16u * 1024u)

enum dj__conn_state {
    DJ__CONN_CLOSED = 0,   /* never connected, or lost: only reconnect/close allowed */
    DJ__CONN_READY,        /* idle, a command may be sent */
    DJ__CONN_RESULT        /* a result is open and must be read or closed first */
};

enum dj__result_phase {
    DJ__RES_ROWS = 1,      /* rows of the current result set are pending */
    DJ__RES_DONE_SET,      /* current set finished; more results may follow */
    DJ__RES_FINISHED       /* no more results: the connection is free again */
};

struct dj_result {
    dj_conn *conn;
    int phase;
    unsigned ncols;
    dj_column *cols;           /* ncols entries, strings in arena */
    char *arena;               /* column strings */
    size_t arena_cap;
    dj_value *values;          /* ncols entries for the current row */
    unsigned values_cap;
    unsigned cols_cap;
    dj_result_info info;
    int more;                  /* MORE_RESULTS_EXISTS seen on the last terminator */
    int binary;                /* rows are in the binary protocol (COM_STMT_EXECUTE) */
    int owns_stmt;             /* close statement stmt_id once the result is finished */
    uint32_t stmt_id;
};

struct dj_conn {
    dj_config cfg;             /* private copy, password wiped on close */
    const dj_allocator *alloc;
    int state;
    int fd;
    int is_unix;
    dj__tls_ctx *tls_ctx;      /* kept across reconnects: CA loading and sessions reuse */
    dj__tls *tls;

    /* receive side: bytes of the packet stream, [in_start, in_end) unread */
    uint8_t *in;
    size_t in_cap, in_start, in_end;
    size_t in_consumed;        /* bytes of the last packet, dropped on the next read */
    uint8_t seq;               /* next sequence id, both directions */
    size_t max_packet;         /* effective cap on a received payload */

    /* compressed protocol */
    int compress;
    uint8_t cseq;
    uint8_t *zin;              /* raw bytes read from the transport in compressed mode */
    size_t zin_cap, zin_start, zin_end;
    dj__builder zout;          /* frames being written in compressed mode */

    /* send side */
    dj__builder out;           /* payload under construction (4 bytes reserved for the header) */
    uint8_t *stage;            /* staging for one write call per command */
    size_t stage_len, stage_cap;

    /* connect phase: one deadline bounds the whole exchange */
    int64_t connect_deadline;

    /* session */
    char server_version[DJ__SERVER_VERSION_MAX];
    int is_mariadb;
    uint32_t server_caps;
    uint32_t caps;             /* negotiated */
    uint16_t status;
    uint64_t connection_id;
    char auth_plugin[DJ__PLUGIN_NAME_MAX];
    char peer[DJ_HOST_MAX + 16];
    int in_transaction;
    size_t server_max_packet;  /* @@max_allowed_packet, 0 if unknown */
    uint64_t generation;       /* counts sessions: prepared statements of older ones are gone */

    /* borrowers (hold.c): schemas that use the connection keep it open */
    unsigned holds;
    int close_pending;         /* dj_close came while held: the last release closes */

    /* failover (hosts.c, galera.c, failover.c) */
    unsigned host_index;       /* entry of cfg.host in use, or last good: searches start here */
    unsigned host_count;       /* entries in cfg.host */
    int is_galera;             /* wsrep_on=ON on the current server */
    uint64_t jitter_state;     /* backoff jitter */

    dj_result result;
};

/* ---- io.c ---- */

/* dj__read_packet without its common case: reading from the transport,
 * packets split in fragments, compression, errors. Never inlined: a
 * link-time optimiser would otherwise copy it into every caller. */
DJ__NOINLINE int dj__read_packet_general(dj_conn *c, dj__packet *pkt, dj_error *err);

/* Reads the next complete packet; payload valid until the next read. A failure
 * other than a server ERR marks the connection lost. Inline for its common
 * case, a whole packet already buffered (every row of a streamed result but
 * the few that need a read); compressed streams resync their ids, so they
 * always take the general path. */
static inline int dj__read_packet(dj_conn *c, dj__packet *pkt, dj_error *err)
{
    c->in_start += c->in_consumed;
    c->in_consumed = 0;
    if (c->in && !c->compress &&
        dj__packet_take_simple(c->in + c->in_start, c->in_end - c->in_start, &c->seq,
                               c->max_packet, pkt)) {
        c->in_consumed = pkt->consumed;
        return 0;
    }
    return dj__read_packet_general(c, pkt, err);
}
/* Starts a new command: resets the sequence ids and the payload builder. */
void dj__begin_command(dj_conn *c, uint8_t command);
/* Resets the payload builder for a connection-phase packet (sequence continues). */
void dj__begin_packet(dj_conn *c);
/* Frames c->out (splitting payloads of 16 MiB - 1 or more) followed by extra
 * bytes (may be NULL) as one logical packet, and writes it. */
int dj__send_packet(dj_conn *c, const void *extra, size_t extra_len, dj_error *err);
/* Marks the connection unusable and releases the transport. */
void dj__conn_drop(dj_conn *c);
/* Deadline for the next read/write: the connect deadline while connecting. */
int64_t dj__io_deadline(const dj_conn *c, int for_write);
/* Switches the stream to compressed frames (after authentication). */
void dj__io_start_compression(dj_conn *c);
/* Zeroes the request builder and the send stage: after a login packet or an
 * auth answer they hold a password, a token or derived material. */
void dj__io_wipe_send_buffers(dj_conn *c);
/* Frees buffers (used by close and reconnect). */
void dj__io_free(dj_conn *c);

/* ---- connect.c ---- */
int dj__conn_open(dj_conn *c, dj_error *err);
/* Transport, handshake and session setup with one host of the list. */
int dj__open_host(dj_conn *c, const char *host, unsigned port, dj_error *err);

/* ---- session.c ---- */
int dj__session_setup(dj_conn *c, dj_error *err);

/* ---- query.c ---- */
/* Reads the first response of a query already sent; fills *out like dj_query. */
int dj__query_read_response(dj_conn *c, dj_result **out, dj_error *err);
/* Reads the response to a command that answers with OK or ERR only. */
int dj__read_ok(dj_conn *c, dj_result_info *info, dj_error *err);
/* Checks that no result is open and the connection is usable. */
int dj__check_ready(dj_conn *c, dj_error *err);
/* Releases the result's buffers. */
void dj__result_free(dj_result *r);
/* Parses an ERR packet into err; a disconnect notice drops the connection. */
int dj__server_error(dj_conn *c, const dj__packet *pkt, dj_error *err);
/* Reads the response to COM_STMT_EXECUTE: like a query's, with binary rows. */
int dj__stmt_read_response(dj_conn *c, dj_result **out, dj_error *err);

/* ---- stmt.c ---- */
/* Sends COM_STMT_CLOSE for id when the connection is idle (no answer comes). */
void dj__stmt_close_id(dj_conn *c, uint32_t id);

/* ---- exec.c ---- */
/* Internal dj_exec_flags flag: the statement is COMMIT, so a connection lost
 * during it leaves the transaction's outcome unknown rather than lost. */
#define DJ__EXEC_COMMIT (1u << 16)
/* dj_exec_flags that also accepts internal flags (DJ__EXEC_COMMIT). */
int dj__exec_flags(dj_conn *c, const char *sql, unsigned flags, dj_result_info *info,
                   dj_error *err);

/* ---- hosts.c ---- */
/* Connects to the host list: sticky start, backoff between passes, deadline. */
int dj__hosts_connect(dj_conn *c, dj_error *err);
/* Whether a connect failure lets the next host of the list help. */
int dj__failover_next_host_error(int rc, const dj_error *err);
/* Runs after a deadlock or certification conflict, and the first wait
 * before them (doubling each time). */
#define DJ__DEADLOCK_RETRIES 3
#define DJ__DEADLOCK_BACKOFF_MS 50u
/* Sleeps between half and all of ms, so clients that failed together do
 * not come back together. */
void dj__backoff_sleep(dj_conn *c, unsigned ms);

/* ---- galera.c ---- */
/* Values read by the session setup's readiness probe ("" when absent). */
typedef struct dj__galera_probe {
    char wsrep_on[8];
    char wsrep_ready[8];
    char state[32];
} dj__galera_probe;
/* Records whether the server is Galera and refuses a node that is not ready
 * (connection dropped, DJ_ECONNECT); applies cfg.wsrep_sync_wait. */
int dj__galera_accept(dj_conn *c, const dj__galera_probe *p, dj_error *err);

#endif
