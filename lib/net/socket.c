/* SPDX-License-Identifier: Apache-2.0 */
/* socket.c - non-blocking TCP and Unix sockets with deadlines (see socket.h). */
#define _GNU_SOURCE 1
#include "net/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* A non-blocking socket that a fork+exec does not inherit. */
static int open_socket(int family, int type)
{
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
    /* Linux and the BSDs set both in the same call. */
    int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
#else
    int fd = socket(family, type, 0);
    if (fd < 0)
        return -1;
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        close(fd);
        return -1;
    }
#endif
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return fd;
}

static int remaining_ms(int64_t deadline_ms)
{
    if (deadline_ms == 0)
        return -1;
    int64_t left = deadline_ms - dj__now_ms();
    if (left <= 0)
        return 0;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int dj__sock_wait(int fd, int want_write, int64_t deadline_ms, dj_error *err)
{
    struct pollfd p = {.fd = fd, .events = want_write ? POLLOUT : POLLIN};
    for (;;) {
        int wait = remaining_ms(deadline_ms);
        if (wait == 0 && deadline_ms != 0)
            return dj__err(err, DJ_ETIMEOUT, "timed out waiting for the server to %s",
                           want_write ? "accept data" : "send data");
        int rc = poll(&p, 1, wait);
        if (rc > 0)
            return 0;
        if (rc == 0)
            continue; /* the loop top reports the timeout */
        if (errno != EINTR) {
            int e = errno;
            dj__err(err, DJ_ESYSTEM, "poll failed: %s", strerror(e));
            if (err)
                err->os_errno = e;
            return DJ_ESYSTEM;
        }
    }
}

/* Finishes a non-blocking connect; 0 or a positive errno. */
static int finish_connect(int fd, int64_t deadline_ms, dj_error *err)
{
    int rc = dj__sock_wait(fd, 1, deadline_ms, err);
    if (rc == DJ_ETIMEOUT)
        return ETIMEDOUT;
    if (rc)
        return EIO;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        return errno;
    return soerr;
}

static int connect_one(int fd, const struct sockaddr *sa, socklen_t salen, int64_t deadline_ms,
                       dj_error *err)
{
    int rc;
    do
        rc = connect(fd, sa, salen);
    while (rc < 0 && errno == EINTR);
    if (rc == 0)
        return 0;
    if (errno != EINPROGRESS && errno != EAGAIN)
        return errno;
    return finish_connect(fd, deadline_ms, err);
}

static int connect_failed(dj_error *err, int e, const char *what, const char *where)
{
    int code = e == ETIMEDOUT ? DJ_ETIMEOUT : DJ_ECONNECT;
    dj__err(err, code, "cannot connect to %s %s: %s", what, where,
            e == ETIMEDOUT ? "connect timeout expired" : strerror(e));
    if (err)
        err->os_errno = e;
    return code;
}

int dj__sock_connect_tcp(int *out, const char *host, unsigned port, int64_t deadline_ms,
                         dj_error *err)
{
    char where[DJ_HOST_MAX + 16];
    dj__fmt(where, sizeof where, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
    char service[16];
    dj__fmt(service, sizeof service, "%u", port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC,
                             .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG};
    struct addrinfo *list = NULL;
    int gai = getaddrinfo(host, service, &hints, &list);
    if (gai == EAI_NONAME || gai == EAI_ADDRFAMILY) {
        /* AI_ADDRCONFIG hides ::1 on hosts whose only IPv6 address is loopback. */
        hints.ai_flags &= ~AI_ADDRCONFIG;
        gai = getaddrinfo(host, service, &hints, &list);
    }
    if (gai != 0)
        return dj__err(err, DJ_ECONNECT, "cannot resolve host %s: %s", host, gai_strerror(gai));

    int last = ECONNREFUSED;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        int fd = open_socket(ai->ai_family, ai->ai_socktype);
        if (fd < 0) {
            last = errno;
            continue;
        }
        last = connect_one(fd, ai->ai_addr, ai->ai_addrlen, deadline_ms, err);
        if (last == 0) {
            int one = 1;
            /* Requests are written whole; Nagle would only delay them. */
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
            freeaddrinfo(list);
            *out = fd;
            return 0;
        }
        close(fd);
        if (last == ETIMEDOUT)
            break;
    }
    freeaddrinfo(list);
    return connect_failed(err, last, "server at", where);
}

int dj__sock_connect_unix(int *out, const char *path, int64_t deadline_ms, dj_error *err)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path)
        return dj__err(err, DJ_EINVAL, "Unix socket path is too long: %s", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = open_socket(AF_UNIX, SOCK_STREAM);
    if (fd < 0)
        return connect_failed(err, errno, "Unix socket", path);
    int e = connect_one(fd, (const struct sockaddr *)&sa, sizeof sa, deadline_ms, err);
    if (e) {
        close(fd);
        return connect_failed(err, e, "Unix socket", path);
    }
    *out = fd;
    return 0;
}

static int lost(dj_error *err, int e)
{
    dj__err(err, DJ_ELOST, "connection to the server lost: %s",
            e ? strerror(e) : "closed by the server");
    if (err)
        err->os_errno = e;
    return DJ_ELOST;
}

long dj__sock_read(int fd, void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    for (;;) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n > 0)
            return (long)n;
        if (n == 0)
            return lost(err, 0);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return lost(err, errno);
        int rc = dj__sock_wait(fd, 0, deadline_ms, err);
        if (rc)
            return rc;
    }
}

int dj__sock_write(int fd, const void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return lost(err, errno);
        int rc = dj__sock_wait(fd, 1, deadline_ms, err);
        if (rc)
            return rc;
    }
    return 0;
}

void dj__sock_close(int fd)
{
    if (fd >= 0)
        close(fd);
}
