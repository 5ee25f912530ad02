/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls.h - TLS over an already connected socket. Implemented with OpenSSL in
 * net/tls_openssl.c; a build without OpenSSL compiles net/tls_none.c, which
 * reports "not compiled in", so no TLS code is linked.
 */
#ifndef DJ_NET_TLS_H
#define DJ_NET_TLS_H

#include "core/internal.h"

/*
 * What one configuration needs for every TLS connection it makes: the
 * OpenSSL context (CAs loaded once, and only for the verify modes), the
 * client certificate, and the last session for resumption. A connection
 * keeps it across reconnects. Not thread-safe, like the connection.
 */
typedef struct dj__tls_ctx dj__tls_ctx;

typedef struct dj__tls dj__tls;

/*
 * Builds the context for cfg->tls_mode, with cfg->tls_ca / tls_capath (verify
 * modes only; the system store when neither is set), tls_cert / tls_key, and
 * cfg->allocator. DJ_TLS_DISABLED needs none: *out is NULL and 0 returned.
 * Unreadable files are DJ_ECONFIG naming the file. Without OpenSSL every
 * other mode is DJ_EUNSUPPORTED.
 */
int dj__tls_ctx_new(dj__tls_ctx **out, const dj_config *cfg, dj_error *err);
/* NULL is fine. Every dj__tls started from ctx must be freed first. */
void dj__tls_ctx_free(dj__tls_ctx *ctx);

/*
 * Runs the client handshake on fd (non-blocking) within deadline_ms
 * (absolute, dj__now_ms clock; 0 = none). host is the name used for SNI and
 * for verify_identity (an IP literal is checked against IP SANs and gets no
 * SNI). Verification follows the mode ctx was built for; a failure names its
 * reason (expired, unknown CA, name mismatch) and returns DJ_ETLS. Resumes
 * the session ctx kept from an earlier connection to the same host.
 */
int dj__tls_start(dj__tls **out, int fd, const char *host, dj__tls_ctx *ctx,
                  int64_t deadline_ms, dj_error *err);
/* Reads up to len bytes: >0 count, or DJ_ELOST / DJ_ETIMEOUT / DJ_ETLS. */
long dj__tls_read(dj__tls *t, void *buf, size_t len, int64_t deadline_ms, dj_error *err);
/* Writes all len bytes: 0, or DJ_ELOST / DJ_ETIMEOUT / DJ_ETLS. */
int dj__tls_write(dj__tls *t, const void *buf, size_t len, int64_t deadline_ms, dj_error *err);
/* Bytes already decrypted and waiting (so poll() on the fd is not needed). */
size_t dj__tls_pending(dj__tls *t);
/* "TLSv1.3" etc. */
const char *dj__tls_version(const dj__tls *t);
/* 1 when the certificate was verified (verify_ca / verify_identity). */
int dj__tls_verified(const dj__tls *t);
/* 1 when the handshake resumed an earlier session (no full key exchange). */
int dj__tls_resumed(const dj__tls *t);
/* Sends close_notify (best effort, never waits) and frees; does not close fd. */
void dj__tls_free(dj__tls *t);

#endif
