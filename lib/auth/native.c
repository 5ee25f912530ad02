/* SPDX-License-Identifier: Apache-2.0 */
/*
 * native.c - mysql_native_password:
 *   token = SHA1(pw) XOR SHA1(scramble || SHA1(SHA1(pw)))
 * One message, no further exchange; an empty password is an empty response.
 */
#include "auth/auth.h"
#include "crypto/sha.h"

void dj__auth_native_token(const char *pw, size_t pw_len, const uint8_t scramble[20],
                           uint8_t out[20])
{
    uint8_t stage1[DJ__SHA1_LEN], stage2[DJ__SHA1_LEN], mask[DJ__SHA1_LEN];
    dj__sha1_ctx c;
    dj__sha1(pw, pw_len, stage1);
    dj__sha1(stage1, sizeof stage1, stage2);
    dj__sha1_init(&c);
    dj__sha1_update(&c, scramble, 20);
    dj__sha1_update(&c, stage2, sizeof stage2);
    dj__sha1_final(&c, mask);
    for (size_t i = 0; i < DJ__SHA1_LEN; i++)
        out[i] = stage1[i] ^ mask[i];
    dj__wipe(stage1, sizeof stage1);
    dj__wipe(stage2, sizeof stage2);
    dj__wipe(mask, sizeof mask);
}

static int native_start(dj__auth_ctx *ctx, dj_error *err)
{
    int rc = dj__auth_need_scramble(ctx, "mysql_native_password", err);
    if (rc < 0)
        return rc;
    ctx->out_len = 0;
    if (ctx->password_len > 0) {
        dj__auth_native_token(ctx->password, ctx->password_len, ctx->challenge, ctx->out);
        ctx->out_len = DJ__SHA1_LEN;
    }
    return DJ__AUTH_SEND;
}

const dj__auth_plugin dj__auth_native = {"mysql_native_password", 0, native_start, NULL};
