/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hosts.c - which host to connect to, and the waits between tries
 * (docs/cluster.md).
 *
 * The list in cfg.host is tried in order, starting at the last good host
 * ("sticky": writes go through one node, which avoids Galera certification
 * conflicts and keeps read-your-writes). When a whole pass fails and the
 * list has more than one host, passes are repeated with exponential backoff
 * (100 ms doubling to 2 s, jittered) until cfg.failover_deadline_ms.
 */
#define _GNU_SOURCE 1
#include "client/conn.h"

#include <time.h>

#define DJ__BACKOFF_FIRST_MS 100u
#define DJ__BACKOFF_MAX_MS 2000u

/* ---- jitter and sleeping ---- */

static uint64_t next_random(dj_conn *c)
{
    if (c->jitter_state == 0) {
        if (dj__random_bytes(&c->jitter_state, sizeof c->jitter_state, NULL) ||
            c->jitter_state == 0)
            c->jitter_state = (uint64_t)dj__now_ms() * 2654435761u + (uintptr_t)c;
    }
    /* xorshift64: enough to spread clients apart, not for secrets. */
    uint64_t x = c->jitter_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c->jitter_state = x;
    return x;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

void dj__backoff_sleep(dj_conn *c, unsigned ms)
{
    if (ms == 0)
        return;
    unsigned half = ms / 2;
    sleep_ms(half + (unsigned)(next_random(c) % (half + 1)));
}

/* ---- the host list ---- */

static unsigned count_hosts(const char *list)
{
    unsigned n = 1;
    for (; *list; list++)
        n += *list == ',';
    return n;
}

/* Entry i of the list as host and port. */
static int nth_host(const dj_conn *c, const char *list, unsigned i, char *host, size_t size,
                    unsigned *port, dj_error *err)
{
    const char *p = list;
    for (unsigned k = 0; k < i; k++)
        p = strchr(p, ',') + 1;
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    return dj__parse_host_port(p, len, host, size, port, c->cfg.port, err);
}

int dj__failover_next_host_error(int rc, const dj_error *err)
{
    if (rc == DJ_ECONNECT || rc == DJ_ETIMEOUT || rc == DJ_ELOST)
        return 1;
    return rc == DJ_ESERVER && err &&
           (err->server_errno == 1047 || err->server_errno == 1040 ||
            err->server_errno == 1053);
}

static void append_failure(char *failures, size_t size, const dj_conn *c, const dj_error *err)
{
    size_t used = strlen(failures);
    const char *msg = err ? err->message : "failed";
    /* Each entry names its server once. */
    if (strstr(msg, c->peer))
        dj__snprintf(failures + used, size - used, "%s%s", used ? "; " : "", msg);
    else
        dj__snprintf(failures + used, size - used, "%s%s: %s", used ? "; " : "", c->peer, msg);
}

int dj__hosts_connect(dj_conn *c, dj_error *err)
{
    const char *list = c->cfg.host[0] ? c->cfg.host : "localhost";
    unsigned n = c->cfg.unix_socket[0] ? 1 : count_hosts(list);
    c->host_count = n;
    unsigned start = c->host_index < n ? c->host_index : 0;
    int64_t began = dj__now_ms();
    int64_t deadline = n > 1 && c->cfg.failover_deadline_ms
                           ? began + c->cfg.failover_deadline_ms : 0;
    unsigned backoff = DJ__BACKOFF_FIRST_MS, passes = 0;
    char failures[DJ_ERROR_MESSAGE_MAX];
    int rc = DJ_ECONNECT;
    for (;;) {
        failures[0] = '\0';
        passes++;
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (start + k) % n;
            char host[DJ_HOST_MAX];
            unsigned port;
            rc = nth_host(c, list, i, host, sizeof host, &port, err);
            if (rc)
                return rc;
            /* Each host gets its own connect timeout (one that hangs must
             * not use up the time of the others), within the deadline. */
            c->connect_deadline = dj__deadline(c->cfg.connect_timeout_ms);
            if (deadline && (c->connect_deadline == 0 || c->connect_deadline > deadline) &&
                passes > 1)
                c->connect_deadline = deadline;
            rc = dj__open_host(c, host, port, err);
            c->connect_deadline = 0;
            if (rc == 0) {
                c->host_index = i;
                return 0;
            }
            if (!dj__failover_next_host_error(rc, err))
                return rc;
            append_failure(failures, sizeof failures, c, err);
        }
        int64_t now = dj__now_ms();
        if (!deadline || now >= deadline)
            break;
        unsigned wait = backoff;
        if (now + wait > deadline)
            wait = (unsigned)(deadline - now);
        dj__backoff_sleep(c, wait);
        /* A pass that would start at the deadline could only time out:
         * report the last real one instead. */
        if (dj__now_ms() >= deadline)
            break;
        backoff = backoff * 2 > DJ__BACKOFF_MAX_MS ? DJ__BACKOFF_MAX_MS : backoff * 2;
    }
    if (n > 1 && err) {
        int os = err->os_errno;
        int64_t tenths = (dj__now_ms() - began) / 100;
        dj__err(err, DJ_ECONNECT, "no server of %u reachable (%u pass%s in %u.%u s): %s", n,
                passes, passes == 1 ? "" : "es", (unsigned)(tenths / 10), (unsigned)(tenths % 10),
                failures);
        err->os_errno = os;
        return DJ_ECONNECT;
    }
    return rc;
}

unsigned dj_host_index(const dj_conn *c) { return c ? c->host_index : 0; }
