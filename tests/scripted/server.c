/* SPDX-License-Identifier: Apache-2.0 */
/* server.c - the scripted test server (see server.h). */
#define _POSIX_C_SOURCE 200809L
#include "scripted/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAGMENT_MAX 0xFFFFFFu

enum ss_op { OP_SEND, OP_EXPECT, OP_STALL, OP_CLOSE, OP_WAIT_EOF, OP_BYTEWISE, OP_FLOOD };

struct ss_step {
    enum ss_op op;
    uint8_t *data;     /* bytes to send, or the expected payload (prefix) */
    size_t len;
    uint8_t seq;
    int exact;         /* expect: the payload must equal data */
    unsigned count;    /* stall: milliseconds; flood: fragments; bytewise: pause in us */
};

struct sserver {
    int listen_fd, fd;
    unsigned port;
    struct ss_step *steps;
    size_t nsteps, steps_cap;
    pthread_t thread;
    int started;
    int bytewise;
    unsigned pause_us;  /* between bytes when bytewise */
    int has_cutoff;
    size_t cutoff, sent;
    uint8_t *rx;       /* everything the client sent */
    size_t rx_len, rx_cap;
    char failure[256];
};

static void die(const char *what)
{
    fprintf(stderr, "scripted server: %s: %s\n", what, strerror(errno));
    abort();
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory");
    return q;
}

size_t ss_hex_bytes(const char *hex, uint8_t **out)
{
    size_t cap = strlen(hex) / 2 + 1, n = 0;
    uint8_t *b = xrealloc(NULL, cap);
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            v = *p - 'A' + 10;
        else if (*p == ' ' || *p == '\n')
            continue;
        else {
            fprintf(stderr, "scripted server: bad hex \"%s\"\n", hex);
            abort();
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "scripted server: odd hex \"%s\"\n", hex);
        abort();
    }
    *out = b;
    return n;
}

sserver *ss_new(void)
{
    sserver *s = xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0)
        die("socket");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, 4) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
        die("bind/listen");
    s->port = ntohs(a.sin_port);
    return s;
}

unsigned ss_port(const sserver *s) { return s->port; }
size_t ss_sent(const sserver *s) { return s->sent; }

static struct ss_step *add_step(sserver *s, enum ss_op op)
{
    if (s->nsteps == s->steps_cap) {
        s->steps_cap = s->steps_cap ? s->steps_cap * 2 : 16;
        s->steps = xrealloc(s->steps, s->steps_cap * sizeof *s->steps);
    }
    struct ss_step *st = &s->steps[s->nsteps++];
    memset(st, 0, sizeof *st);
    st->op = op;
    return st;
}

void ss_send(sserver *s, uint8_t seq, const void *payload, size_t len)
{
    struct ss_step *st = add_step(s, OP_SEND);
    st->len = 4 + len;
    st->data = xrealloc(NULL, st->len);
    st->data[0] = (uint8_t)len;
    st->data[1] = (uint8_t)(len >> 8);
    st->data[2] = (uint8_t)(len >> 16);
    st->data[3] = seq;
    if (len)
        memcpy(st->data + 4, payload, len);
}

void ss_send_hex(sserver *s, uint8_t seq, const char *hex)
{
    uint8_t *b;
    size_t n = ss_hex_bytes(hex, &b);
    ss_send(s, seq, b, n);
    free(b);
}

void ss_send_raw(sserver *s, const void *bytes, size_t len)
{
    struct ss_step *st = add_step(s, OP_SEND);
    st->len = len;
    st->data = xrealloc(NULL, len);
    if (len)
        memcpy(st->data, bytes, len);
}

void ss_send_raw_hex(sserver *s, const char *hex)
{
    struct ss_step *st = add_step(s, OP_SEND);
    st->len = ss_hex_bytes(hex, &st->data);
}

static void add_expect(sserver *s, uint8_t seq, const char *hex, int exact)
{
    struct ss_step *st = add_step(s, OP_EXPECT);
    st->seq = seq;
    st->exact = exact;
    st->len = ss_hex_bytes(hex, &st->data);
}

void ss_expect(sserver *s, uint8_t seq, const char *prefix_hex) { add_expect(s, seq, prefix_hex, 0); }
void ss_expect_exact(sserver *s, uint8_t seq, const char *hex) { add_expect(s, seq, hex, 1); }
void ss_stall(sserver *s, unsigned ms) { add_step(s, OP_STALL)->count = ms; }
void ss_close(sserver *s) { add_step(s, OP_CLOSE); }
void ss_wait_eof(sserver *s) { add_step(s, OP_WAIT_EOF); }
void ss_bytewise(sserver *s, unsigned pause_us) { add_step(s, OP_BYTEWISE)->count = pause_us; }

void ss_flood(sserver *s, uint8_t seq, unsigned max_fragments)
{
    struct ss_step *st = add_step(s, OP_FLOOD);
    st->seq = seq;
    st->count = max_fragments;
}

void ss_cut_after(sserver *s, size_t bytes)
{
    s->has_cutoff = 1;
    s->cutoff = bytes;
}

/* ---- the server thread ---- */

static int fail(sserver *s, const char *fmt, ...)
{
    if (!s->failure[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->failure, sizeof s->failure, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void record(sserver *s, const uint8_t *p, size_t n)
{
    if (s->rx_len + n > s->rx_cap) {
        s->rx_cap = (s->rx_len + n) * 2;
        s->rx = xrealloc(s->rx, s->rx_cap);
    }
    memcpy(s->rx + s->rx_len, p, n);
    s->rx_len += n;
}

/* Reads what is there (recording it) within timeout_ms: >0 bytes, 0 on EOF
 * or error, -1 on timeout. */
static long read_some(sserver *s, uint8_t *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return -1;
    ssize_t n;
    do
        n = recv(s->fd, buf, cap, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    record(s, buf, (size_t)n);
    return n;
}

static int read_full(sserver *s, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        long n = read_some(s, buf + got, len - got, SS_IO_TIMEOUT_MS);
        if (n < 0)
            return fail(s, "timed out waiting for the client");
        if (n == 0)
            return fail(s, "the client closed the connection");
        got += (size_t)n;
    }
    return 0;
}

static int write_all(sserver *s, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t chunk = s->bytewise ? 1 : n;
        ssize_t w = send(s->fd, p, chunk, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fail(s, "send failed: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
        s->sent += (size_t)w;
        if (s->bytewise && s->pause_us)
            nanosleep(&(struct timespec){(time_t)(s->pause_us / 1000000),
                                         (long)(s->pause_us % 1000000) * 1000}, NULL);
    }
    return 0;
}

static void close_conn(sserver *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

/* Sends, honouring the cut-off: past it the connection is closed. */
static int do_send(sserver *s, const uint8_t *p, size_t n)
{
    if (s->has_cutoff && s->sent + n > s->cutoff) {
        size_t part = s->cutoff - s->sent;
        if (part)
            write_all(s, p, part);
        close_conn(s);
        return -1;
    }
    return write_all(s, p, n);
}

static int do_expect(sserver *s, const struct ss_step *st)
{
    uint8_t hdr[4];
    if (read_full(s, hdr, 4))
        return -1;
    size_t len = (size_t)hdr[0] | (size_t)hdr[1] << 8 | (size_t)hdr[2] << 16;
    uint8_t *payload = xrealloc(NULL, len);
    int rc = read_full(s, payload, len);
    if (rc == 0 && hdr[3] != st->seq)
        rc = fail(s, "client packet has sequence id %u, expected %u", hdr[3], st->seq);
    if (rc == 0 && (len < st->len || (st->exact && len != st->len) ||
                    memcmp(payload, st->data, st->len) != 0))
        rc = fail(s, "client packet (%zu bytes, first byte 0x%02x) is not the one expected", len,
                  len ? payload[0] : 0);
    free(payload);
    return rc;
}

/* Records what arrives until the client hangs up or timeout_ms passes. */
static void drain(sserver *s, int timeout_ms)
{
    uint8_t buf[4096];
    int64_t end = now_ms() + timeout_ms;
    while (s->fd >= 0) {
        int64_t left = end - now_ms();
        if (left <= 0 || read_some(s, buf, sizeof buf, (int)left) <= 0)
            return;
    }
}

static int do_flood(sserver *s, const struct ss_step *st)
{
    static const uint8_t zeros[64 * 1024];
    uint8_t seq = st->seq;
    for (unsigned i = 0; i < st->count; i++) {
        uint8_t hdr[4] = {0xFF, 0xFF, 0xFF, seq++};
        if (do_send(s, hdr, sizeof hdr))
            return -1;
        for (size_t left = FRAGMENT_MAX; left > 0;) {
            size_t n = left < sizeof zeros ? left : sizeof zeros;
            if (do_send(s, zeros, n))
                return -1;
            left -= n;
        }
    }
    return 0;
}

static int run_step(sserver *s, const struct ss_step *st)
{
    switch (st->op) {
    case OP_SEND: return do_send(s, st->data, st->len);
    case OP_EXPECT: return do_expect(s, st);
    case OP_STALL: drain(s, (int)st->count); return 0;
    case OP_CLOSE: close_conn(s); return -1;
    case OP_WAIT_EOF: drain(s, SS_IO_TIMEOUT_MS); return 0;
    case OP_BYTEWISE:
        s->bytewise = 1;
        s->pause_us = st->count;
        return 0;
    case OP_FLOOD: return do_flood(s, st);
    }
    return fail(s, "unknown step");
}

static void *serve(void *arg)
{
    sserver *s = arg;
    struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
    if (poll(&p, 1, SS_IO_TIMEOUT_MS) != 1) {
        fail(s, "no client connected");
        return NULL;
    }
    s->fd = accept(s->listen_fd, NULL, NULL);
    if (s->fd < 0) {
        fail(s, "accept failed: %s", strerror(errno));
        return NULL;
    }
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (size_t i = 0; i < s->nsteps; i++)
        if (run_step(s, &s->steps[i]))
            break;
    drain(s, SS_IO_TIMEOUT_MS);
    close_conn(s);
    return NULL;
}

void ss_start(sserver *s)
{
    if (pthread_create(&s->thread, NULL, serve, s) != 0)
        die("pthread_create");
    s->started = 1;
}

const char *ss_finish(sserver *s)
{
    if (s->started) {
        pthread_join(s->thread, NULL);
        s->started = 0;
    }
    return s->failure[0] ? s->failure : NULL;
}

void ss_free(sserver *s)
{
    if (!s)
        return;
    ss_finish(s);
    close_conn(s);
    close(s->listen_fd);
    for (size_t i = 0; i < s->nsteps; i++)
        free(s->steps[i].data);
    free(s->steps);
    free(s->rx);
    free(s);
}

/* ---- the record ---- */

const uint8_t *ss_received(const sserver *s, size_t *len)
{
    *len = s->rx_len;
    return s->rx;
}

int ss_received_contains(const sserver *s, const void *needle, size_t len)
{
    if (len == 0 || len > s->rx_len)
        return 0;
    for (size_t i = 0; i + len <= s->rx_len; i++)
        if (memcmp(s->rx + i, needle, len) == 0)
            return 1;
    return 0;
}

/* Walks the recorded stream packet by packet; a packet cut short ends it. */
static const uint8_t *walk(const sserver *s, size_t index, size_t *count, size_t *len,
                           uint8_t *seq)
{
    size_t pos = 0, i = 0;
    while (s->rx_len - pos >= 4) {
        const uint8_t *h = s->rx + pos;
        size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
        if (s->rx_len - pos - 4 < n)
            break;
        if (i == index) {
            *len = n;
            if (seq)
                *seq = h[3];
            return h + 4;
        }
        pos += 4 + n;
        i++;
    }
    *count = i;
    return NULL;
}

size_t ss_packet_count(const sserver *s)
{
    size_t count = 0, len;
    walk(s, SIZE_MAX, &count, &len, NULL);
    return count;
}

const uint8_t *ss_packet(const sserver *s, size_t i, size_t *len, uint8_t *seq)
{
    size_t count;
    *len = 0;
    return walk(s, i, &count, len, seq);
}
