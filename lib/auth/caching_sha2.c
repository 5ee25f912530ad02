/* SPDX-License-Identifier: Apache-2.0 */
/*
 * caching_sha2.c - caching_sha2_password. It first tries a scramble the
 * server can check against its cache:
 *   token = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || scramble)
 * If the server answers 04 (cache miss), the password itself must reach the
 * server (sha2.c).
 */
#include "auth/sha2.h"
#include "crypto/sha.h"

#define CSHA2_FAST_AUTH_OK 0x03
#define CSHA2_FULL_AUTH 0x04
#define CSHA2_KEY_REQUEST 0x02

void dj__auth_csha2_token(const char *pw, size_t pw_len, const uint8_t scramble[20],
                          uint8_t out[32])
{
    uint8_t stage1[DJ__SHA256_LEN], stage2[DJ__SHA256_LEN], mask[DJ__SHA256_LEN];
    dj__sha256_ctx c;
    dj__sha256(pw, pw_len, stage1);
    dj__sha256(stage1, sizeof stage1, stage2);
    dj__sha256_init(&c);
    dj__sha256_update(&c, stage2, sizeof stage2);
    dj__sha256_update(&c, scramble, 20);
    dj__sha256_final(&c, mask);
    for (size_t i = 0; i < DJ__SHA256_LEN; i++)
        out[i] = stage1[i] ^ mask[i];
    dj__wipe(stage1, sizeof stage1);
    dj__wipe(stage2, sizeof stage2);
    dj__wipe(mask, sizeof mask);
}

static int csha2_start(dj__auth_ctx *ctx, dj_error *err)
{
    int rc = dj__auth_need_scramble(ctx, "caching_sha2_password", err);
    if (rc < 0)
        return rc;
    ctx->step = STEP_SCRAMBLE_SENT;
    ctx->out_len = 0;
    if (ctx->password_len > 0) {
        dj__auth_csha2_token(ctx->password, ctx->password_len, ctx->challenge, ctx->out);
        ctx->out_len = DJ__SHA256_LEN;
    }
    return DJ__AUTH_SEND;
}

static int csha2_more(dj__auth_ctx *ctx, const uint8_t *data, size_t len, dj_error *err)
{
    /* A literal, not an array: the linker keeps one copy of the name. */
    const char *plugin = "caching_sha2_password";
    if (ctx->step == STEP_KEY_REQUESTED)
        return dj__auth_sha2_send_encrypted(ctx, (const char *)data, len, err);
    if (ctx->step == STEP_SCRAMBLE_SENT && len == 1 && data[0] == CSHA2_FAST_AUTH_OK) {
        ctx->step = STEP_DONE;
        ctx->route = "fast";
        ctx->out_len = 0;
        return DJ__AUTH_WAIT;
    }
    if (ctx->step == STEP_SCRAMBLE_SENT && len == 1 && data[0] == CSHA2_FULL_AUTH)
        return dj__auth_sha2_send_password(ctx, CSHA2_KEY_REQUEST, plugin, 1, err);
    return dj__auth_sha2_unexpected(plugin, data, len, err);
}

const dj__auth_plugin dj__auth_csha2 = {"caching_sha2_password", 0, csha2_start, csha2_more};
