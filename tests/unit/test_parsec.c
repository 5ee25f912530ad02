/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_parsec.c - MariaDB's parsec client side, and the transport rules of
 * the password-sending plugins.
 *
 * The PBKDF2 seeds below were computed with Python's hashlib.pbkdf2_hmac
 * ('sha512', password, salt, 1024 << factor, 32), an implementation
 * independent of OpenSSL's. The signature is checked with libsodium's
 * verifier against the public key of that seed.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "auth/auth.h"
#include "hex.h"

/* The plugins under test: the descriptors their files export (lib/auth/plugins.c). */
extern const dj__auth_plugin dj__auth_clear, dj__auth_csha2, dj__auth_parsec, dj__auth_sha256;

#if defined(HAVE_LIBSODIUM) && defined(HAVE_OPENSSL)
#include <sodium.h>

static const uint8_t salt18[18] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};

static void expect_seed(const char *pw, unsigned factor, const char *hex)
{
    uint8_t want[32], got[32];
    cr_assert_eq(hex_decode(hex, want, sizeof want), 32);
    dj_error err;
    cr_assert_eq(dj__auth_parsec_seed(pw, strlen(pw), salt18, sizeof salt18, factor, got, &err), 0,
                 "%s", err.message);
    cr_assert(memcmp(got, want, 32) == 0);
}

Test(parsec, seed_is_pbkdf2_sha512_with_1024_iterations_for_factor_0)
{
    expect_seed("parsec pw", 0, "a401723134483581bbb74689c2245d71ecb6a827d26143305819025254afdf6c");
}

Test(parsec, seed_doubles_iterations_per_factor_step)
{
    expect_seed("parsec pw", 1, "153f0754d1f95f3f1a679a1eac01ee8eb163b26c367fa2f7ee147720334720fa");
}

Test(parsec, seed_of_empty_password)
{
    expect_seed("", 0, "d1e5966101781b76fc103e7e5e863829430be2198abac9f6392d1ea6f326e3c7");
}

Test(parsec, refuses_an_iteration_factor_beyond_the_limit)
{
    uint8_t seed[32];
    dj_error err;
    cr_assert_eq(dj__auth_parsec_seed("pw", 2, salt18, sizeof salt18, 11, seed, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "iterations") != NULL, "%s", err.message);
}

static void ext_salt(uint8_t out[20], unsigned factor)
{
    out[0] = 'P';
    out[1] = (uint8_t)factor;
    memcpy(out + 2, salt18, sizeof salt18);
}

Test(parsec, response_is_client_nonce_and_signature_that_verifies_with_the_seed_key)
{
    uint8_t ext[20], server_nonce[32], client_nonce[32], out[96], seed[32];
    uint8_t pub[crypto_sign_PUBLICKEYBYTES], sec[crypto_sign_SECRETKEYBYTES], msg[64];
    ext_salt(ext, 0);
    for (int i = 0; i < 32; i++) {
        server_nonce[i] = (uint8_t)(0xA0 + i);
        client_nonce[i] = (uint8_t)(0x10 + i);
    }
    dj_error err;
    cr_assert_eq(dj__auth_parsec_response("parsec pw", 9, ext, sizeof ext, server_nonce,
                                          client_nonce, out, &err),
                 0, "%s", err.message);
    cr_assert(memcmp(out, client_nonce, 32) == 0);
    cr_assert_eq(hex_decode("a401723134483581bbb74689c2245d71ecb6a827d26143305819025254afdf6c",
                            seed, sizeof seed),
                 32);
    cr_assert_eq(crypto_sign_seed_keypair(pub, sec, seed), 0);
    memcpy(msg, server_nonce, 32);
    memcpy(msg + 32, client_nonce, 32);
    cr_assert_eq(crypto_sign_verify_detached(out + 32, msg, sizeof msg, pub), 0);
    /* The same signature with the roles of the nonces swapped must not verify. */
    memcpy(msg, client_nonce, 32);
    memcpy(msg + 32, server_nonce, 32);
    cr_assert_neq(crypto_sign_verify_detached(out + 32, msg, sizeof msg, pub), 0);
}

Test(parsec, rejects_an_unknown_key_derivation)
{
    uint8_t ext[20], nonce[32] = {0}, out[96];
    ext_salt(ext, 0);
    ext[0] = 'S';
    dj_error err;
    cr_assert_eq(dj__auth_parsec_response("pw", 2, ext, sizeof ext, nonce, nonce, out, &err),
                 DJ_EPROTO);
}

Test(parsec, rejects_a_salt_message_too_short_to_hold_a_salt)
{
    uint8_t ext[2] = {'P', 0}, nonce[32] = {0}, out[96];
    dj_error err;
    cr_assert_eq(dj__auth_parsec_response("pw", 2, ext, sizeof ext, nonce, nonce, out, &err),
                 DJ_EPROTO);
}

static void parsec_ctx(dj__auth_ctx *ctx, size_t nonce_len)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->password = "parsec pw";
    ctx->password_len = 9;
    ctx->challenge_len = nonce_len;
    memset(ctx->challenge, 0x5A, nonce_len);
}

Test(parsec, start_asks_for_the_salt_with_an_empty_packet)
{
    dj__auth_ctx ctx;
    parsec_ctx(&ctx, 32);
    cr_assert_eq(dj__auth_parsec.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, 0);
}

Test(parsec, start_rejects_a_nonce_that_is_not_32_bytes)
{
    dj__auth_ctx ctx;
    parsec_ctx(&ctx, 20);
    dj_error err;
    cr_assert_eq(dj__auth_parsec.start(&ctx, &err), DJ_EPROTO);
}

Test(parsec, salt_message_is_answered_with_96_bytes_then_nothing_more_is_accepted)
{
    dj__auth_ctx ctx;
    uint8_t ext[20];
    ext_salt(ext, 0);
    parsec_ctx(&ctx, 32);
    dj_error err;
    cr_assert_eq(dj__auth_parsec.start(&ctx, &err), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_parsec.more(&ctx, ext, sizeof ext, &err), DJ__AUTH_SEND, "%s",
                 err.message);
    cr_assert_eq(ctx.out_len, DJ__PARSEC_RESPONSE_LEN);
    cr_assert_eq(dj__auth_parsec.more(&ctx, ext, sizeof ext, &err), DJ_EPROTO);
    dj__auth_ctx_wipe(&ctx);
}

Test(parsec, is_listed_as_a_plugin_with_a_32_byte_nonce)
{
    const dj__auth_plugin *p = dj__auth_find("parsec", 6);
    cr_assert_not_null(p);
    cr_assert_eq(p->nonce_len, 32);
}

#else

Test(parsec, is_absent_from_a_build_without_libsodium_and_openssl)
{
    cr_assert_null(dj__auth_find("parsec", 6));
}

#endif

/* ------------------------------------------------------------------------- */
/* Which transport may carry the password itself                             */

static void policy_ctx(dj__auth_ctx *ctx, int tls, int unix_socket)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->password = "secret";
    ctx->password_len = 6;
    ctx->challenge_len = 20;
    memset(ctx->challenge, 0x33, 20);
    ctx->tls = tls;
    ctx->unix_socket = unix_socket;
}

Test(transport_policy, sha256_never_sends_the_clear_password_over_a_unix_socket_without_tls)
{
    dj__auth_ctx ctx;
    policy_ctx(&ctx, 0, 1);
    dj_error err;
    cr_assert_eq(dj__auth_sha256.start(&ctx, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "Unix socket without TLS") != NULL, "%s", err.message);
    cr_assert_eq(ctx.out_len, 0);
}

Test(transport_policy, sha256_on_a_unix_socket_requests_the_rsa_key_when_allowed)
{
    dj__auth_ctx ctx;
    policy_ctx(&ctx, 0, 1);
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, 1);
    cr_assert_eq(ctx.out[0], 0x01);
}

Test(transport_policy, caching_sha2_full_auth_on_a_unix_socket_sends_the_password)
{
    static const uint8_t full_auth = 0x04;
    dj__auth_ctx ctx;
    policy_ctx(&ctx, 0, 1);
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_csha2.more(&ctx, &full_auth, 1, NULL), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, 7);
    cr_assert(memcmp(ctx.out, "secret", 7) == 0);
    dj__auth_ctx_wipe(&ctx);
}

Test(transport_policy, clear_password_on_a_unix_socket_needs_allow_cleartext)
{
    dj__auth_ctx ctx;
    policy_ctx(&ctx, 0, 1);
    dj_error err;
    cr_assert_eq(dj__auth_clear.start(&ctx, &err), DJ_EAUTH);
    ctx.allow_cleartext = 1;
    cr_assert_eq(dj__auth_clear.start(&ctx, &err), DJ__AUTH_SEND);
    dj__auth_ctx_wipe(&ctx);
}

Test(transport_policy, clear_password_over_plain_tcp_is_refused_even_when_allowed)
{
    dj__auth_ctx ctx;
    policy_ctx(&ctx, 0, 0);
    ctx.allow_cleartext = 1;
    dj_error err;
    cr_assert_eq(dj__auth_clear.start(&ctx, &err), DJ_EAUTH);
    cr_assert_eq(ctx.out_len, 0);
}

Test(transport_policy, challenge_fit_tells_scrambles_from_nonces)
{
    const dj__auth_plugin *native = dj__auth_find("mysql_native_password", 21);
    cr_assert(dj__auth_challenge_fits(native, 20));
    cr_assert_not(dj__auth_challenge_fits(native, 8));
#ifdef HAVE_LIBSODIUM
    const dj__auth_plugin *ed = dj__auth_find("client_ed25519", 14);
    cr_assert(dj__auth_challenge_fits(ed, 32));
    cr_assert_not(dj__auth_challenge_fits(ed, 20));
#endif
}
