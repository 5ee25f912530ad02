/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clear.c - mysql_clear_password, and the "password || NUL" message that the
 * SHA-2 plugins also send over a secure transport. Because it hands the
 * password itself to whoever is on the other end, it runs only when the user
 * enabled it and the transport is TLS or a Unix socket.
 */
#include "auth/auth.h"

int dj__auth_put_cleartext(dj__auth_ctx *ctx, dj_error *err)
{
    if (ctx->password_len >= sizeof ctx->out)
        return dj__err(err, DJ_EAUTH,
                       "the password is %zu bytes; at most %zu can be sent during authentication",
                       ctx->password_len, sizeof ctx->out - 1);
    if (ctx->password_len > 0)
        memcpy(ctx->out, ctx->password, ctx->password_len);
    ctx->out[ctx->password_len] = 0;
    ctx->out_len = ctx->password_len + 1;
    return DJ__AUTH_SEND;
}

static int clear_start(dj__auth_ctx *ctx, dj_error *err)
{
    if (!ctx->allow_cleartext || !(ctx->tls || ctx->unix_socket))
        return dj__err(err, DJ_EAUTH,
                       "server asked for mysql_clear_password, which sends the password in clear; "
                       "refused (needs TLS or a Unix socket and allow_cleartext)");
    return dj__auth_put_cleartext(ctx, err);
}

const dj__auth_plugin dj__auth_clear = {"mysql_clear_password", 0, clear_start, NULL};
