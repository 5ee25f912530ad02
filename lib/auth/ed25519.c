/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ed25519.c - MariaDB client_ed25519: an RFC 8032 Ed25519 signature of the
 * server's 32-byte nonce, where the expanded secret key is SHA-512 of the
 * whole password instead of SHA-512 of a 32-byte seed. That difference is why
 * libsodium's crypto_sign cannot be used and the signature is assembled from
 * its lower-level primitives.
 */
#include "auth/auth.h"

#ifdef HAVE_LIBSODIUM

#include <sodium.h>

/* az = SHA512(pw) with az[0..31] clamped (the secret scalar a); pub = a*B. */
static int derive_key(const char *pw, size_t pw_len, uint8_t az[64], uint8_t pub[32],
                      dj_error *err)
{
    if (sodium_init() < 0)
        return dj__err(err, DJ_EAUTH, "client_ed25519: libsodium could not be initialized");
    crypto_hash_sha512(az, (const unsigned char *)(pw ? pw : ""), pw_len);
    az[0] &= 0xF8;
    az[31] &= 0x3F;
    az[31] |= 0x40;
    if (crypto_scalarmult_ed25519_base_noclamp(pub, az) != 0)
        return dj__err(err, DJ_EAUTH, "client_ed25519: cannot derive the public key");
    return 0;
}

int dj__auth_ed25519_public_key(const char *pw, size_t pw_len, uint8_t out[32], dj_error *err)
{
    uint8_t az[64];
    int rc = derive_key(pw, pw_len, az, out, err);
    sodium_memzero(az, sizeof az);
    return rc;
}

/* SHA512(a || b || c) reduced mod L; c may be absent. */
static void hash_to_scalar(uint8_t out[32], const uint8_t *a, const uint8_t *b, const uint8_t *c)
{
    crypto_hash_sha512_state st;
    uint8_t wide[64];
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, a, 32);
    crypto_hash_sha512_update(&st, b, 32);
    if (c)
        crypto_hash_sha512_update(&st, c, 32);
    crypto_hash_sha512_final(&st, wide);
    crypto_core_ed25519_scalar_reduce(out, wide);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(wide, sizeof wide);
}

int dj__auth_ed25519_sign(const char *pw, size_t pw_len, const uint8_t nonce[32],
                          uint8_t out[64], dj_error *err)
{
    uint8_t az[64], pub[32], r[32], k[32], ka[32];
    int rc = derive_key(pw, pw_len, az, pub, err);
    if (rc == 0) {
        hash_to_scalar(r, az + 32, nonce, NULL);
        /* Fails only for r == 0, which a hash output reaches with probability 2^-252. */
        if (crypto_scalarmult_ed25519_base_noclamp(out, r) != 0) {
            rc = dj__err(err, DJ_EAUTH, "client_ed25519: signing failed");
        } else {
            hash_to_scalar(k, out, pub, nonce);
            crypto_core_ed25519_scalar_mul(ka, k, az);
            crypto_core_ed25519_scalar_add(out + 32, ka, r);
        }
    }
    sodium_memzero(az, sizeof az);
    sodium_memzero(r, sizeof r);
    sodium_memzero(k, sizeof k);
    sodium_memzero(ka, sizeof ka);
    return rc;
}

#else

static int not_compiled_in(dj_error *err)
{
    return dj__err(err, DJ_EUNSUPPORTED,
                   "client_ed25519 authentication is not compiled in (configure --with-libsodium)");
}

int dj__auth_ed25519_public_key(const char *pw, size_t pw_len, uint8_t out[32], dj_error *err)
{
    (void)pw;
    (void)pw_len;
    (void)out;
    return not_compiled_in(err);
}

int dj__auth_ed25519_sign(const char *pw, size_t pw_len, const uint8_t nonce[32],
                          uint8_t out[64], dj_error *err)
{
    (void)pw;
    (void)pw_len;
    (void)nonce;
    (void)out;
    return not_compiled_in(err);
}

#endif

static int ed25519_start(dj__auth_ctx *ctx, dj_error *err)
{
    if (ctx->challenge_len != 32)
        return dj__err(err, DJ_EPROTO,
                       "client_ed25519: the server's nonce is %zu bytes, expected exactly 32",
                       ctx->challenge_len);
    ctx->out_len = 0;
    int rc = dj__auth_ed25519_sign(ctx->password, ctx->password_len, ctx->challenge, ctx->out, err);
    if (rc < 0) {
        dj__wipe(ctx->out, 64);
        return rc;
    }
    ctx->out_len = 64;
    return DJ__AUTH_SEND;
}

const dj__auth_plugin dj__auth_ed25519 = {"client_ed25519", 32, ed25519_start, NULL};
