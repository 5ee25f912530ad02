/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha256.c - sha256_password: the password itself always reaches the server
 * (sha2.c); an empty password is a lone NUL.
 */
#include "auth/sha2.h"

#define SHA256_KEY_REQUEST 0x01

static int sha256_start(dj__auth_ctx *ctx, dj_error *err)
{
    int rc = dj__auth_need_scramble(ctx, "sha256_password", err);
    if (rc < 0)
        return rc;
    if (ctx->password_len == 0) {
        /* The server reads a lone NUL as "no password". */
        ctx->route = "empty password";
        ctx->out[0] = 0;
        ctx->out_len = 1;
        ctx->step = STEP_DONE;
        return DJ__AUTH_SEND;
    }
    return dj__auth_sha2_send_password(ctx, SHA256_KEY_REQUEST, "sha256_password", 0, err);
}

static int sha256_more(dj__auth_ctx *ctx, const uint8_t *data, size_t len, dj_error *err)
{
    if (ctx->step == STEP_KEY_REQUESTED)
        return dj__auth_sha2_send_encrypted(ctx, (const char *)data, len, err);
    return dj__auth_sha2_unexpected("sha256_password", data, len, err);
}

const dj__auth_plugin dj__auth_sha256 = {"sha256_password", 0, sha256_start, sha256_more};
