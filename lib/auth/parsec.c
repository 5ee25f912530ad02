/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parsec.c - MariaDB's parsec (11.6+): a salted, stretched password turned
 * into a standard Ed25519 key.
 *
 *   server: AuthSwitch "parsec" with a 32-byte nonce
 *   client: an empty packet (asks for the salt)
 *   server: 'P' (PBKDF2), iteration factor f, salt
 *   client: client nonce (32) || Ed25519 signature of (server nonce || client nonce)
 *
 * The Ed25519 seed is PBKDF2-HMAC-SHA512(password, salt, 1024 << f, 32 bytes);
 * the server stores the matching public key. Unlike client_ed25519 this is
 * stock Ed25519, so libsodium's crypto_sign does the signing. PBKDF2 comes from
 * OpenSSL, so the plugin exists only when both libraries are compiled in.
 */
#include "auth/auth.h"

#if defined(HAVE_LIBSODIUM) && defined(HAVE_OPENSSL)

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#define PARSEC_NONCE 32
#define PARSEC_KDF_PBKDF2 'P'
/* 1024 << 10 is about a million SHA-512 rounds; a server asking for more is
 * more likely trying to burn the client's CPU than protecting a password. */
#define PARSEC_MAX_FACTOR 10
#define PARSEC_MAX_SALT 64

enum parsec_step { STEP_SALT_REQUESTED = 0, STEP_DONE };

int dj__auth_parsec_seed(const char *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                         unsigned factor, uint8_t seed[32], dj_error *err)
{
    if (factor > PARSEC_MAX_FACTOR)
        /* The factor comes from the server (0..255): named as an exponent,
         * never shifted, which past 31 is undefined (found by fuzz_auth). */
        return dj__err(err, DJ_EAUTH,
                       "parsec: the server asks for 1024 << %u PBKDF2 iterations; at most "
                       "1024 << %u are accepted", factor, (unsigned)PARSEC_MAX_FACTOR);
    if (pw_len > INT32_MAX || salt_len > INT32_MAX)
        return dj__err(err, DJ_EAUTH, "parsec: password or salt too long");
    int ok = PKCS5_PBKDF2_HMAC(pw ? pw : "", (int)pw_len, salt, (int)salt_len,
                               (int)(1024u << factor), EVP_sha512(), 32, seed);
    if (ok != 1) {
        ERR_clear_error();
        dj__wipe(seed, 32);
        return dj__err(err, DJ_EAUTH, "parsec: PBKDF2 failed");
    }
    return 0;
}

int dj__auth_parsec_response(const char *pw, size_t pw_len, const uint8_t *ext_salt,
                             size_t ext_len, const uint8_t server_nonce[32],
                             const uint8_t client_nonce[32], uint8_t out[96], dj_error *err)
{
    if (ext_len < 3 || ext_len > 2 + PARSEC_MAX_SALT)
        return dj__err(err, DJ_EPROTO, "parsec: the server's salt message is %zu bytes", ext_len);
    if (ext_salt[0] != PARSEC_KDF_PBKDF2)
        return dj__err(err, DJ_EPROTO, "parsec: unknown key derivation '0x%02x' (expected 'P')",
                       (unsigned)ext_salt[0]);
    if (sodium_init() < 0)
        return dj__err(err, DJ_EAUTH, "parsec: libsodium could not be initialized");
    uint8_t seed[32], pub[crypto_sign_PUBLICKEYBYTES], sec[crypto_sign_SECRETKEYBYTES];
    uint8_t msg[2 * PARSEC_NONCE];
    int rc = dj__auth_parsec_seed(pw, pw_len, ext_salt + 2, ext_len - 2, ext_salt[1], seed, err);
    if (rc == 0) {
        memcpy(msg, server_nonce, PARSEC_NONCE);
        memcpy(msg + PARSEC_NONCE, client_nonce, PARSEC_NONCE);
        memcpy(out, client_nonce, PARSEC_NONCE);
        if (crypto_sign_seed_keypair(pub, sec, seed) != 0 ||
            crypto_sign_detached(out + PARSEC_NONCE, NULL, msg, sizeof msg, sec) != 0)
            rc = dj__err(err, DJ_EAUTH, "parsec: signing failed");
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sec, sizeof sec);
    return rc;
}

static int parsec_start(dj__auth_ctx *ctx, dj_error *err)
{
    if (ctx->challenge_len != PARSEC_NONCE)
        return dj__err(err, DJ_EPROTO, "parsec: the server's nonce is %zu bytes, expected 32",
                       ctx->challenge_len);
    /* An empty packet asks the server for the salt. */
    ctx->out_len = 0;
    ctx->step = STEP_SALT_REQUESTED;
    return DJ__AUTH_SEND;
}

static int parsec_more(dj__auth_ctx *ctx, const uint8_t *data, size_t len, dj_error *err)
{
    if (ctx->step != STEP_SALT_REQUESTED)
        return dj__err(err, DJ_EPROTO, "parsec: unexpected auth data after the signature");
    uint8_t client_nonce[PARSEC_NONCE];
    int rc = dj__random_bytes(client_nonce, sizeof client_nonce, err);
    if (rc < 0)
        return rc;
    rc = dj__auth_parsec_response(ctx->password, ctx->password_len, data, len,
                                      ctx->challenge, client_nonce, ctx->out, err);
    if (rc < 0) {
        dj__wipe(ctx->out, DJ__PARSEC_RESPONSE_LEN);
        return rc;
    }
    ctx->out_len = DJ__PARSEC_RESPONSE_LEN;
    ctx->step = STEP_DONE;
    return DJ__AUTH_SEND;
}

const dj__auth_plugin dj__auth_parsec = {"parsec", 32, parsec_start, parsec_more};

#endif
