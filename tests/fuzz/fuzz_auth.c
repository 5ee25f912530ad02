/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_auth.c - the server's side of authentication: AuthSwitchRequest,
 * AuthMoreData, OK and ERR, driven through the plugins' start and more
 * steps the way client/connect.c's auth loop drives them.
 *
 * Input: byte 0 picks the greeting's plugin (bits 0-2) and the transport
 * and policy flags (bits 3-7: TLS, cleartext allowed, key request allowed,
 * empty password, Unix socket); then packets, each a 2-byte little-endian
 * length and that many payload bytes, as the server would send them.
 */
#include <string.h>

#include "auth/auth.h"
#include "fuzz.h"
#include "wire/protocol.h"

static const char *const plugins[] = {"mysql_native_password", "caching_sha2_password",
                                      "sha256_password", "client_ed25519",
                                      "mysql_clear_password", "no_such_plugin"};

static void set_challenge(dj__auth_ctx *ctx, const uint8_t *p, size_t len)
{
    ctx->challenge_len = len < sizeof ctx->challenge ? len : sizeof ctx->challenge;
    memcpy(ctx->challenge, p, ctx->challenge_len);
}

static void check_step(const dj__auth_ctx *ctx, int rc)
{
    dj_fuzz_check(rc == DJ__AUTH_SEND || rc == DJ__AUTH_WAIT || (rc < 0 && rc >= DJ_ESYSTEM));
    dj_fuzz_check(ctx->out_len <= sizeof ctx->out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint8_t scramble[20] = "0123456789abcdefghij";
    uint8_t flags = data[0];
    dj__auth_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.password = (flags & 0x40) ? "" : "fuzz password";
    ctx.password_len = strlen(ctx.password);
    ctx.tls = (flags & 0x08) != 0;
    ctx.unix_socket = (flags & 0x80) != 0;
    ctx.allow_cleartext = (flags & 0x10) != 0;
    ctx.get_server_public_key = (flags & 0x20) != 0;
    ctx.server_public_key_path = "";

    const char *name = plugins[(flags & 7) % (sizeof plugins / sizeof plugins[0])];
    const dj__auth_plugin *plugin = dj__auth_find(name, strlen(name));
    if (!plugin)
        plugin = dj__auth_find("mysql_native_password", 21);
    dj_fuzz_check(plugin != NULL);
    dj_error err;
    set_challenge(&ctx, scramble, sizeof scramble);
    int rc = plugin->start(&ctx, &err);
    check_step(&ctx, rc);

    size_t pos = 1;
    int switches = 0;
    while (rc > 0 && size - pos >= 2) {
        size_t len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
        pos += 2;
        if (len == 0 || len > size - pos)
            break;
        /* An exact-size copy, so ASan catches reads past this packet. */
        uint8_t *p = malloc(len);
        if (!p)
            break;
        memcpy(p, data + pos, len);
        pos += len;
        if (p[0] == DJ__PKT_OK) {
            dj__ok ok;
            rc = dj__ok_parse(p, len, &ok, &err);
            dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
            rc = -1;
        } else if (p[0] == DJ__PKT_ERR) {
            rc = dj__err_packet_parse(p, len, &err);
            dj_fuzz_check(rc == DJ_ESERVER || rc == DJ_EPROTO);
        } else if (p[0] == DJ__PKT_EOF) {
            dj__auth_switch sw;
            rc = dj__auth_switch_parse(p, len, &sw, &err);
            dj_fuzz_check(rc == 0 || rc == DJ_EAUTH || rc == DJ_EPROTO);
            if (rc == 0 && ++switches <= 1) {
                dj_fuzz_check(dj_fuzz_inside(sw.plugin, sw.plugin_len, p, len));
                dj_fuzz_check(dj_fuzz_inside(sw.data, sw.data_len, p, len));
                plugin = dj__auth_find(sw.plugin, sw.plugin_len);
                if (plugin) {
                    ctx.step = 0;
                    set_challenge(&ctx, sw.data, sw.data_len);
                    rc = plugin->start(&ctx, &err);
                    check_step(&ctx, rc);
                } else {
                    rc = -1;
                }
            } else {
                rc = -1;
            }
        } else if (p[0] == DJ__PKT_AUTH_MORE && plugin->more) {
            rc = plugin->more(&ctx, p + 1, len - 1, &err);
            check_step(&ctx, rc);
        } else {
            rc = -1;
        }
        free(p);
    }
    dj__auth_ctx_wipe(&ctx);
    return 0;
}
