/* SPDX-License-Identifier: Apache-2.0 */
/*
 * result_harness.h - feeds bytes to the client's whole response reader as if
 * a server had sent them after a COM_QUERY: io.c's buffering (and compressed
 * frames), packet reassembly and query.c's result-set state machine (column
 * count, column definitions, rows, terminators, several result sets, the
 * LOAD DATA LOCAL request that is refused). The bytes go through a socket
 * pair, whose writing end is then shut, so every run finishes.
 *
 * Used by the fuzz_result target and by the unit tests that replay the
 * inputs it found (tests/unit/test_fuzz_regressions.c).
 *
 * Input: byte 0 sets DEPRECATE_EOF (bit 0), compression (bit 1) and the
 * packet cap (bits 2-3); the rest is the server's byte stream.
 */
#ifndef DJ_FUZZ_RESULT_HARNESS_H
#define DJ_FUZZ_RESULT_HARNESS_H

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/conn.h"
#include "fuzz.h"

#define FUZZ_MAX_INPUT (256u * 1024u)

static inline void dj_fuzz_drain(dj_result *res)
{
    dj_error err;
    int more = 1;
    for (int sets = 0; more == 1 && sets < 1000; sets++) {
        const dj_value *v;
        int rc;
        unsigned ncols = dj_result_column_count(res);
        while ((rc = dj_result_fetch(res, &v, &err)) == 1) {
            for (unsigned i = 0; i < ncols; i++) {
                volatile char sink = 0;
                for (size_t k = 0; v[i].ptr && k < v[i].len; k++)
                    sink ^= v[i].ptr[k];
                (void)sink;
            }
        }
        dj_fuzz_check(rc == 0 || (rc < 0 && rc >= DJ_ESYSTEM));
        more = dj_result_next_set(res, &err);
        dj_fuzz_check(more >= DJ_ESYSTEM && more <= 1);
    }
    dj_result_close(res, &err);
}

/* Returns what dj__query_read_response returned (1 when the input was not
 * run: empty, too large, or no socket pair). */
static inline int dj_fuzz_result_run(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
        return 1;
    int buf = (int)(2 * FUZZ_MAX_INPUT);
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (size > 1 && write(sv[1], data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(sv[0]);
        close(sv[1]);
        return 1;
    }
    shutdown(sv[1], SHUT_WR);

    static const size_t caps[] = {64u * 1024 * 1024, 1024, 0xFFFFFF, 16};
    dj_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(sv[0]);
        close(sv[1]);
        return 1;
    }
    dj_config_init(&c->cfg);
    c->cfg.read_timeout_ms = 1000;
    c->cfg.write_timeout_ms = 1000;
    c->fd = sv[0];
    c->state = DJ__CONN_READY;
    c->result.conn = c;
    c->result.phase = DJ__RES_FINISHED;
    c->max_packet = caps[(data[0] >> 2) & 3];
    c->caps = DJ__CLIENT_PROTOCOL_41 | DJ__CLIENT_MULTI_RESULTS;
    if (data[0] & 1)
        c->caps |= DJ__CLIENT_DEPRECATE_EOF;
    c->compress = (data[0] & 2) != 0;
    dj__builder_init(&c->out, NULL);
    dj__builder_init(&c->zout, NULL);
    /* As if COM_QUERY (sequence id 0) had just been sent. */
    c->seq = 1;
    c->cseq = 1;

    dj_result *res = NULL;
    dj_error err;
    int rc = dj__query_read_response(c, &res, &err);
    dj_fuzz_check(rc <= 0 && rc >= DJ_ESYSTEM);
    if (rc == 0 && res)
        dj_fuzz_drain(res);
    dj_close(c);
    close(sv[1]);
    return rc;
}

#endif
