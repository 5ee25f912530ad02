/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha2.c - what caching_sha2_password (caching_sha2.c) and sha256_password
 * (sha256.c) share: getting the password itself to the server.
 *
 * caching_sha2 first tries a scramble the server can check against its cache:
 *   token = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || scramble)
 * If the server answers 04 (cache miss), and always for sha256_password, the
 * password itself must reach the server: in clear over a secure transport,
 * otherwise RSA-OAEP encrypted with the server's public key. A key fetched
 * over plain TCP can be swapped by a man in the middle, so it is requested
 * only when the user allowed it (get_server_public_key); a pinned key file
 * is used instead when configured.
 */
#include "auth/sha2.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define PINNED_KEY_MAX (16 * 1024)


void dj__auth_xor_password(const char *pw, size_t pw_len, const uint8_t scramble[20],
                           uint8_t *out)
{
    for (size_t i = 0; i < pw_len; i++)
        out[i] = (uint8_t)pw[i] ^ scramble[i % 20];
    out[pw_len] = scramble[pw_len % 20];
}

int dj__auth_sha2_send_encrypted(dj__auth_ctx *ctx, const char *pem, size_t pem_len, dj_error *err)
{
    uint8_t plain[DJ__AUTH_OUT_MAX];
    if (ctx->password_len >= sizeof plain)
        return dj__err(err, DJ_EAUTH, "the password is %zu bytes, too long for RSA encryption",
                       ctx->password_len);
    dj__auth_xor_password(ctx->password, ctx->password_len, ctx->challenge, plain);
    int rc = dj__auth_rsa_encrypt(pem, pem_len, plain, ctx->password_len + 1, ctx->out,
                                  sizeof ctx->out, &ctx->out_len, err);
    dj__wipe(plain, ctx->password_len + 1);
    if (rc < 0) {
        ctx->out_len = 0;
        return rc;
    }
    ctx->step = STEP_DONE;
    return DJ__AUTH_SEND;
}

static int file_error(dj_error *err, const char *what, const char *path)
{
    int e = errno;
    dj__err(err, DJ_ESYSTEM, "cannot %s the server_public_key file %s", what, path);
    if (err)
        err->os_errno = e;
    return DJ_ESYSTEM;
}

static int read_pinned_key(const dj__auth_ctx *ctx, char *buf, size_t *len, dj_error *err)
{
    const char *path = ctx->server_public_key_path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return file_error(err, "open", path);
    /* One byte more than allowed tells an oversized file from one that just fits. */
    long got = dj__read_upto(fd, buf, PINNED_KEY_MAX + 1);
    if (got < 0) {
        int rc = file_error(err, "read", path);
        close(fd);
        return rc;
    }
    close(fd);
    size_t n = (size_t)got;
    if (n > PINNED_KEY_MAX)
        return dj__err(err, DJ_ECONFIG,
                       "the server_public_key file %s is larger than %d bytes; "
                       "expected one PEM public key",
                       path, PINNED_KEY_MAX);
    *len = n;
    return 0;
}

static int send_with_pinned_key(dj__auth_ctx *ctx, dj_error *err)
{
    char *pem = dj__malloc(ctx->alloc, PINNED_KEY_MAX + 1);
    if (!pem)
        return dj__err(err, DJ_ENOMEM, "out of memory reading the server_public_key file");
    size_t len = 0;
    int rc = read_pinned_key(ctx, pem, &len, err);
    if (rc == 0) {
        rc = dj__auth_sha2_send_encrypted(ctx, pem, len, err);
        if (rc < 0)
            dj__err_prefix(err, "server_public_key file %s", ctx->server_public_key_path);
    }
    dj__free(ctx->alloc, pem);
    return rc;
}

int dj__auth_sha2_send_password(dj__auth_ctx *ctx, uint8_t key_request, const char *plugin,
                         int clear_on_unix, dj_error *err)
{
    if (ctx->tls || (clear_on_unix && ctx->unix_socket)) {
        ctx->step = STEP_DONE;
        ctx->route = ctx->tls ? "full, password inside TLS" : "full, password over the Unix socket";
        return dj__auth_put_cleartext(ctx, err);
    }
    if (ctx->server_public_key_path && ctx->server_public_key_path[0]) {
        ctx->route = "full, RSA with the pinned server key";
        return send_with_pinned_key(ctx, err);
    }
    if (ctx->get_server_public_key) {
        ctx->route = "full, RSA with the key the server sent";
        ctx->out[0] = key_request;
        ctx->out_len = 1;
        ctx->step = STEP_KEY_REQUESTED;
        return DJ__AUTH_SEND;
    }
    return dj__err(err, DJ_EAUTH,
                   "%s needs full authentication, which over %s requires TLS, a pinned "
                   "server public key (server_public_key) or get_server_public_key=1",
                   plugin, ctx->unix_socket ? "a Unix socket without TLS" : "plain TCP");
}

int dj__auth_sha2_unexpected(const char *plugin, const uint8_t *data, size_t len, dj_error *err)
{
    if (len == 0)
        return dj__err(err, DJ_EPROTO, "%s: the server sent empty auth data", plugin);
    return dj__err(err, DJ_EPROTO,
                   "%s: unexpected auth data from the server (%zu bytes starting with 0x%02x)",
                   plugin, len, data[0]);
}
