/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls_none.c - the TLS transport of a build without OpenSSL. Only
 * DJ_TLS_DISABLED works; every other mode fails when its context is built,
 * so a connection never gets as far as a handshake.
 */
#include "net/tls.h"

#define DJ__NO_TLS "TLS is not compiled in (configure --with-openssl)"

int dj__tls_ctx_new(dj__tls_ctx **out, const dj_config *cfg, dj_error *err)
{
    *out = NULL;
    if (cfg->tls_mode == DJ_TLS_DISABLED)
        return 0;
    return dj__err(err, DJ_EUNSUPPORTED, DJ__NO_TLS);
}

void dj__tls_ctx_free(dj__tls_ctx *ctx)
{
    (void)ctx;
}

int dj__tls_start(dj__tls **out, int fd, const char *host, dj__tls_ctx *ctx,
                  int64_t deadline_ms, dj_error *err)
{
    (void)fd;
    (void)host;
    (void)ctx;
    (void)deadline_ms;
    *out = NULL;
    return dj__err(err, DJ_EUNSUPPORTED, DJ__NO_TLS);
}

long dj__tls_read(dj__tls *t, void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    (void)t;
    (void)buf;
    (void)len;
    (void)deadline_ms;
    return dj__err(err, DJ_EUNSUPPORTED, DJ__NO_TLS);
}

int dj__tls_write(dj__tls *t, const void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    (void)t;
    (void)buf;
    (void)len;
    (void)deadline_ms;
    return dj__err(err, DJ_EUNSUPPORTED, DJ__NO_TLS);
}

size_t dj__tls_pending(dj__tls *t)
{
    (void)t;
    return 0;
}

const char *dj__tls_version(const dj__tls *t)
{
    (void)t;
    return "";
}

int dj__tls_verified(const dj__tls *t)
{
    (void)t;
    return 0;
}

int dj__tls_resumed(const dj__tls *t)
{
    (void)t;
    return 0;
}

void dj__tls_free(dj__tls *t)
{
    (void)t;
}
