/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faultproxy.c - see faultproxy.h. One thread accepts; each connection gets
 * a thread that polls both sockets, buffers what arrives until a whole
 * packet (4-byte header and payload) is there, counts it, applies the first
 * matching rule that has not fired, and forwards it. A pipe wakes every
 * poll when the proxy stops.
 */
#define _GNU_SOURCE 1
#include "proxy/faultproxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FP_MAX_RULES 32
#define FP_MAX_CONNS 32

typedef struct fp_rule_t {
    unsigned conn, n, arg;
    fp_where where;
    fp_action action;
    int fired;
} fp_rule_t;

/* One direction of a connection: bytes read and not yet forwarded. */
typedef struct fp_dir {
    uint8_t *buf;
    size_t len, cap;
} fp_dir;

typedef struct fp_conn {
    fproxy *proxy;
    unsigned index; /* 1-based */
    int client, server;
    pthread_t thread;
    fp_dir from_client, from_server;
    unsigned counts[4];     /* by fp_where */
    int reply_pending;      /* a command went out and its reply has not started */
} fp_conn;

struct fproxy {
    int listener, wake[2];
    unsigned port;
    struct sockaddr_storage target;
    socklen_t target_len;
    pthread_t acceptor;
    int started;
    pthread_mutex_t lock;
    fp_rule_t rules[FP_MAX_RULES];
    unsigned nrules, fired;
    fp_conn *conns[FP_MAX_CONNS];
    unsigned nconns;
};

static void die(const char *what)
{
    fprintf(stderr, "faultproxy: %s: %s\n", what, strerror(errno));
    abort();
}

fproxy *fp_new(const char *host, unsigned port)
{
    fproxy *p = calloc(1, sizeof *p);
    if (!p)
        die("calloc");
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(host, service, &hints, &ai) != 0 || !ai)
        die("cannot resolve the target");
    memcpy(&p->target, ai->ai_addr, ai->ai_addrlen);
    p->target_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    p->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->listener < 0)
        die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (bind(p->listener, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(p->listener, 16) != 0 ||
        getsockname(p->listener, (struct sockaddr *)&a, &alen) != 0)
        die("listen");
    p->port = ntohs(a.sin_port);
    if (pipe2(p->wake, O_CLOEXEC) != 0)
        die("pipe");
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

unsigned fp_port(const fproxy *p)
{
    return p->port;
}

void fp_rule(fproxy *p, unsigned conn, fp_where where, unsigned n, fp_action action,
             unsigned arg)
{
    if (p->nrules == FP_MAX_RULES || p->started) {
        fprintf(stderr, "faultproxy: too many rules, or a rule added after fp_start\n");
        abort();
    }
    p->rules[p->nrules++] = (fp_rule_t){conn, n, arg, where, action, 0};
}

/* The first rule not yet fired for this packet, marked fired; NULL if none. */
static fp_rule_t *match(fp_conn *c, fp_where where, unsigned n)
{
    fproxy *p = c->proxy;
    fp_rule_t *hit = NULL;
    pthread_mutex_lock(&p->lock);
    for (unsigned i = 0; i < p->nrules && !hit; i++) {
        fp_rule_t *r = &p->rules[i];
        if (!r->fired && r->where == where && r->n == n && (r->conn == 0 || r->conn == c->index))
            hit = r;
    }
    if (hit) {
        /* A rule for every connection fires on each of them. */
        hit->fired = hit->conn != 0;
        p->fired++;
    }
    pthread_mutex_unlock(&p->lock);
    return hit;
}

static int write_all(int fd, const uint8_t *b, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Counts one packet of `from` and decides its fate: the rule that applies,
 * if any (the first the packet matches, in the order: packet, command,
 * reply). */
static fp_rule_t *classify(fp_conn *c, int from_client, const uint8_t *pkt)
{
    fp_rule_t *r;
    pthread_mutex_lock(&c->proxy->lock);
    unsigned n = ++c->counts[from_client ? FP_CLIENT_PACKET : FP_SERVER_PACKET];
    unsigned cmd = 0, reply = 0;
    if (from_client && pkt[3] == 0) {
        cmd = ++c->counts[FP_COMMAND];
        c->reply_pending = 1;
    } else if (!from_client && c->reply_pending) {
        c->reply_pending = 0;
        c->counts[FP_REPLY]++;
        reply = c->counts[FP_COMMAND]; /* the reply to the latest command */
    }
    pthread_mutex_unlock(&c->proxy->lock);
    r = match(c, from_client ? FP_CLIENT_PACKET : FP_SERVER_PACKET, n);
    if (!r && cmd)
        r = match(c, FP_COMMAND, cmd);
    if (!r && reply)
        r = match(c, FP_REPLY, reply);
    return r;
}

/* Forwards every whole packet buffered in d to fd. Returns -1 when the
 * connection must end (a rule closed it, or a write failed). */
static int forward(fp_conn *c, fp_dir *d, int from_client, int fd)
{
    size_t pos = 0;
    int rc = 0;
    while (d->len - pos >= 4) {
        const uint8_t *pkt = d->buf + pos;
        size_t total = 4 + ((size_t)pkt[0] | (size_t)pkt[1] << 8 | (size_t)pkt[2] << 16);
        if (d->len - pos < total)
            break;
        fp_rule_t *r = classify(c, from_client, pkt);
        pos += total;
        if (r && r->action == FP_DELAY)
            sleep_ms(r->arg);
        if (r && r->action == FP_DROP)
            continue;
        if (r && r->action == FP_CLOSE) {
            rc = -1;
            break;
        }
        size_t n = r && r->action == FP_CUT && r->arg < total ? r->arg : total;
        if (write_all(fd, pkt, n) != 0 || (r && r->action == FP_CUT)) {
            rc = -1;
            break;
        }
    }
    memmove(d->buf, d->buf + pos, d->len - pos);
    d->len -= pos;
    return rc;
}

/* Reads what fd has into d; -1 at end of stream or on error. */
static int fill(fp_dir *d, int fd)
{
    if (d->cap - d->len < 65536) {
        size_t ncap = d->cap ? d->cap * 2 : 131072;
        uint8_t *b = realloc(d->buf, ncap);
        if (!b)
            return -1;
        d->buf = b;
        d->cap = ncap;
    }
    ssize_t k;
    do
        k = recv(fd, d->buf + d->len, d->cap - d->len, 0);
    while (k < 0 && errno == EINTR);
    if (k <= 0)
        return -1;
    d->len += (size_t)k;
    return 0;
}

/* Reads from `from` and forwards whole packets to `to`; -1 when the
 * connection must end. A side that closes mid-packet has its last bytes
 * passed on as they are, as a plain TCP relay would. */
static int pass(fp_conn *c, fp_dir *d, int from_client, int from, int to)
{
    if (fill(d, from) == 0)
        return forward(c, d, from_client, to);
    if (d->len)
        write_all(to, d->buf, d->len);
    return -1;
}

static void *conn_main(void *arg)
{
    fp_conn *c = arg;
    struct pollfd fds[3] = {{c->client, POLLIN, 0}, {c->server, POLLIN, 0},
                            {c->proxy->wake[0], POLLIN, 0}};
    for (;;) {
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[2].revents)
            break;
        if (fds[0].revents && pass(c, &c->from_client, 1, c->client, c->server))
            break;
        if (fds[1].revents && pass(c, &c->from_server, 0, c->server, c->client))
            break;
    }
    /* Both sides see the close at once: shutdown wakes a peer still reading. */
    shutdown(c->client, SHUT_RDWR);
    shutdown(c->server, SHUT_RDWR);
    return NULL;
}

static void *accept_main(void *arg)
{
    fproxy *p = arg;
    struct pollfd fds[2] = {{p->listener, POLLIN, 0}, {p->wake[0], POLLIN, 0}};
    while (p->nconns < FP_MAX_CONNS) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break;
        int client = accept4(p->listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0)
            continue;
        int server = socket(p->target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (server < 0 || connect(server, (struct sockaddr *)&p->target, p->target_len) != 0) {
            /* the target is down: the client sees a close, as it would */
            if (server >= 0)
                close(server);
            close(client);
            continue;
        }
        int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fp_conn *c = calloc(1, sizeof *c);
        if (!c)
            die("calloc");
        c->proxy = p;
        c->client = client;
        c->server = server;
        pthread_mutex_lock(&p->lock);
        c->index = p->nconns + 1;
        p->conns[p->nconns++] = c;
        pthread_mutex_unlock(&p->lock);
        if (pthread_create(&c->thread, NULL, conn_main, c) != 0)
            die("pthread_create");
    }
    return NULL;
}

void fp_start(fproxy *p)
{
    p->started = 1;
    if (pthread_create(&p->acceptor, NULL, accept_main, p) != 0)
        die("pthread_create");
}

void fp_free(fproxy *p)
{
    if (!p)
        return;
    if (write(p->wake[1], "x", 1) != 1)
        die("write");
    if (p->started)
        pthread_join(p->acceptor, NULL);
    for (unsigned i = 0; i < p->nconns; i++) {
        fp_conn *c = p->conns[i];
        pthread_join(c->thread, NULL);
        close(c->client);
        close(c->server);
        free(c->from_client.buf);
        free(c->from_server.buf);
        free(c);
    }
    close(p->listener);
    close(p->wake[0]);
    close(p->wake[1]);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

unsigned fp_connections(fproxy *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->nconns;
    pthread_mutex_unlock(&p->lock);
    return n;
}

unsigned fp_fired(fproxy *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->fired;
    pthread_mutex_unlock(&p->lock);
    return n;
}

unsigned fp_count(fproxy *p, unsigned conn, fp_where what)
{
    unsigned n = 0;
    pthread_mutex_lock(&p->lock);
    if (conn >= 1 && conn <= p->nconns)
        n = p->conns[conn - 1]->counts[what];
    pthread_mutex_unlock(&p->lock);
    return n;
}
