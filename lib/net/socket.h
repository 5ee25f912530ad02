/* SPDX-License-Identifier: Apache-2.0 */
/*
 * socket.h - TCP (IPv4/IPv6) and Unix-socket connections with deadlines.
 * Sockets are non-blocking; every wait is a poll() bounded by the deadline,
 * EINTR is retried, and SIGPIPE is never raised (MSG_NOSIGNAL / SO_NOSIGPIPE).
 */
#ifndef DJ_NET_SOCKET_H
#define DJ_NET_SOCKET_H

#include "core/internal.h"

/* Connects to host:port (each getaddrinfo result in turn) before deadline_ms. */
int dj__sock_connect_tcp(int *fd, const char *host, unsigned port, int64_t deadline_ms,
                         dj_error *err);
int dj__sock_connect_unix(int *fd, const char *path, int64_t deadline_ms, dj_error *err);
/* Waits until fd is readable (want_write 0) or writable (1): 0, DJ_ETIMEOUT, DJ_ESYSTEM. */
int dj__sock_wait(int fd, int want_write, int64_t deadline_ms, dj_error *err);
/* Reads up to len bytes: >0 count, or DJ_ELOST (EOF/reset) / DJ_ETIMEOUT. */
long dj__sock_read(int fd, void *buf, size_t len, int64_t deadline_ms, dj_error *err);
/* Writes all len bytes: 0 or DJ_ELOST / DJ_ETIMEOUT. */
int dj__sock_write(int fd, const void *buf, size_t len, int64_t deadline_ms, dj_error *err);
void dj__sock_close(int fd);

#endif
