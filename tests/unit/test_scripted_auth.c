/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_scripted_auth.c - authentication exchanges that real servers will not
 * play, against the scripted server: what the client refuses, that it
 * refuses before the password leaves, and the caching_sha2 paths (fast auth,
 * RSA key exchange) checked byte for byte.
 */
#include "scripted/fixture.h"

#include "auth/auth.h"

#include <stdlib.h>
#include <unistd.h>

#ifdef HAVE_OPENSSL
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#endif

TestSuite(scripted_auth, .init = fx_setup, .fini = fx_teardown, .timeout = 30);

/* Greeting with `plugin`, then the HandshakeResponse (seq 1). */
static void script_greeting(const char *plugin)
{
    ss_greeting g = ss_greeting_default();
    g.plugin = plugin;
    ss_build_greeting(&fx.b, &g);
    ss_send_built(fx.srv, 0, &fx.b);
    ss_expect(fx.srv, 1, "");
}

static void script_switch(uint8_t seq, const char *plugin, const void *data, size_t len)
{
    ss_build_switch(&fx.b, plugin, data, len);
    ss_send_built(fx.srv, seq, &fx.b);
}

/* The scramble plus the NUL servers put after it. */
static const uint8_t *scramble21(void)
{
    static uint8_t s[21];
    memcpy(s, ss_vector_scramble, 20);
    return s;
}

/* After a refusal the client must have sent its login packet and nothing more. */
static void assert_only_login_sent(void)
{
    cr_assert_eq(ss_packet_count(fx.srv), 1, "the client sent %zu packets after the refusal",
                 ss_packet_count(fx.srv));
}

Test(scripted_auth, clear_password_switch_over_plain_tcp_is_refused)
{
    script_greeting("mysql_native_password");
    script_switch(2, "mysql_clear_password", NULL, 0);
    fx_assert_error(fx_connect(), DJ_EAUTH, "mysql_clear_password");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, clear_password_stays_refused_over_plain_tcp_when_enabled)
{
    fx.cfg.allow_cleartext = 1;
    script_greeting("mysql_native_password");
    script_switch(2, "mysql_clear_password", NULL, 0);
    fx_assert_error(fx_connect(), DJ_EAUTH, "mysql_clear_password");
    fx_done();
    assert_only_login_sent();
}

static void check_downgrade_refused(dj_tls_mode mode)
{
    fx.cfg.tls_mode = mode;
    ss_greeting g = ss_greeting_default(); /* no CLIENT_SSL */
    if (dj_features() & DJ_FEATURE_TLS)
        fx_assert_greeting_refused(&g, DJ_ETLS, "does not offer");
    else
        fx_assert_greeting_refused(&g, DJ_EUNSUPPORTED, "TLS");
}

Test(scripted_auth, tls_downgrade_is_refused_before_anything_is_sent_when_required)
{
    check_downgrade_refused(DJ_TLS_REQUIRED);
}

Test(scripted_auth, tls_downgrade_is_refused_before_anything_is_sent_when_verifying)
{
    check_downgrade_refused(DJ_TLS_VERIFY_IDENTITY);
}

Test(scripted_auth, csha2_full_auth_without_key_or_permission_is_refused)
{
    script_greeting("caching_sha2_password");
    ss_send_hex(fx.srv, 2, "01 04");
    fx_assert_error(fx_connect(), DJ_EAUTH, "get_server_public_key");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, sha256_switch_without_key_or_permission_is_refused)
{
    script_greeting("mysql_native_password");
    script_switch(2, "sha256_password", scramble21(), 21);
    fx_assert_error(fx_connect(), DJ_EAUTH, "get_server_public_key");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, switch_without_nul_after_the_plugin_name_is_malformed)
{
    script_greeting("mysql_native_password");
    ss_send_hex(fx.srv, 2, "fe 6d 79 73 71 6c 5f 6e 61 74 69 76 65"); /* fe "mysql_native" */
    fx_assert_error(fx_connect(), DJ_EPROTO, "malformed authentication switch");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, ed25519_nonce_of_31_bytes_is_refused)
{
    uint8_t nonce[31];
    memset(nonce, 0x5a, sizeof nonce);
    script_greeting("mysql_native_password");
    script_switch(2, "client_ed25519", nonce, sizeof nonce);
    int rc = fx_connect();
    if (dj_features() & DJ_FEATURE_ED25519)
        fx_assert_error(rc, DJ_EPROTO, "expected exactly 32");
    else
        fx_assert_error(rc, DJ_EAUTH, "client_ed25519");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, auth_more_data_for_native_password_is_a_protocol_error)
{
    script_greeting("mysql_native_password");
    ss_send_hex(fx.srv, 2, "01 04");
    fx_assert_error(fx_connect(), DJ_EPROTO, "unexpected packet 0x01");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, empty_packet_during_auth_is_a_protocol_error)
{
    script_greeting("mysql_native_password");
    ss_send(fx.srv, 2, NULL, 0);
    fx_assert_error(fx_connect(), DJ_EPROTO, "empty packet");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, old_password_switch_is_never_answered)
{
    script_greeting("mysql_native_password");
    ss_send_hex(fx.srv, 2, "fe");
    fx_assert_error(fx_connect(), DJ_EAUTH, "mysql_old_password");
    fx_done();
    assert_only_login_sent();
}

Test(scripted_auth, repeated_auth_switch_stops_after_the_first)
{
    script_greeting("mysql_native_password");
    for (uint8_t seq = 2; seq < 12; seq += 2) {
        script_switch(seq, "mysql_native_password", scramble21(), 21);
        ss_expect(fx.srv, (uint8_t)(seq + 1), "");
    }
    fx_assert_error(fx_connect(), DJ_EPROTO, "more than once");
    fx_done();
    /* The login and one switch response, then nothing. */
    cr_assert_eq(ss_packet_count(fx.srv), 2);
}

/* The auth data of the client's login packet must be `expected`. */
static void assert_login_auth(const uint8_t *expected, size_t len)
{
    size_t plen, alen;
    const uint8_t *p = ss_packet(fx.srv, 0, &plen, NULL);
    cr_assert_not_null(p, "no login packet");
    const uint8_t *auth = ss_login_auth_data(p, plen, &alen);
    cr_assert_not_null(auth, "malformed login packet");
    cr_assert_eq(alen, len, "auth data of %zu bytes, expected %zu", alen, len);
    cr_assert_arr_eq(auth, expected, len, "wrong auth data");
}

Test(scripted_auth, csha2_fast_auth_then_ok_logs_in)
{
    script_greeting("caching_sha2_password");
    ss_send_hex(fx.srv, 2, "01 03");
    ss_send_hex(fx.srv, 3, "00 00 00 02 00 00 00");
    ss_script_session(fx.srv, "16777216");
    int rc = fx_connect();
    cr_assert_eq(rc, 0, "connect failed: %s", fx.err.message);
    cr_assert_str_eq(dj_auth_plugin(fx.conn), "caching_sha2_password");
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
    uint8_t token[32];
    dj__auth_csha2_token(SS_PASSWORD, strlen(SS_PASSWORD), ss_vector_scramble, token);
    assert_login_auth(token, sizeof token);
}

Test(scripted_auth, native_login_sends_the_native_token)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "16777216");
    int rc = fx_connect();
    cr_assert_eq(rc, 0, "connect failed: %s", fx.err.message);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
    uint8_t token[20];
    dj__auth_native_token(SS_PASSWORD, strlen(SS_PASSWORD), ss_vector_scramble, token);
    assert_login_auth(token, sizeof token);
}

Test(scripted_auth, greeting_naming_clear_password_is_refused_before_the_login)
{
    ss_greeting g = ss_greeting_default();
    g.plugin = "mysql_clear_password";
    fx_assert_greeting_refused(&g, DJ_EAUTH, "mysql_clear_password");
}

Test(scripted_auth, unsolicited_public_key_is_a_protocol_error)
{
    script_greeting("caching_sha2_password");
    ss_send_hex(fx.srv, 2, "01 2d 2d 2d 2d 2d 42 45 47 49 4e"); /* 01 "-----BEGIN" */
    fx_assert_error(fx_connect(), DJ_EPROTO, "unexpected auth data");
    fx_done();
    assert_only_login_sent();
}

#ifdef HAVE_OPENSSL

/* The RSA exchanges with a key the test holds. The client sends
 * RSA-OAEP((password || NUL) XOR scramble), which the test decrypts and
 * compares with the shared vector for "secret". */
static EVP_PKEY *rsa_key;

/* Makes the key; returns its public half as PEM (malloc'ed, *len bytes). */
static char *make_rsa_key(size_t *len)
{
    /* 1024 bits keeps key generation quick under valgrind; the client takes
     * the modulus size from the key, whatever it is. */
    rsa_key = EVP_RSA_gen(1024);
    cr_assert_not_null(rsa_key);
    BIO *bio = BIO_new(BIO_s_mem());
    cr_assert_eq(PEM_write_bio_PUBKEY(bio, rsa_key), 1);
    char *data;
    *len = (size_t)BIO_get_mem_data(bio, &data);
    char *pem = malloc(*len);
    cr_assert_not_null(pem);
    memcpy(pem, data, *len);
    BIO_free(bio);
    return pem;
}

/* Logs in with "secret" through 01 04 and the key exchange the test scripted;
 * `cipher_at` is the client packet holding the ciphertext. */
static void check_rsa_login(size_t cipher_at)
{
    ss_send_hex(fx.srv, (uint8_t)(cipher_at * 2 + 2), "00 00 00 02 00 00 00");
    ss_script_session(fx.srv, "16777216");
    int rc = fx_connect();
    cr_assert_eq(rc, 0, "connect failed: %s", fx.err.message);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);

    size_t clen;
    uint8_t seq;
    const uint8_t *cipher = ss_packet(fx.srv, cipher_at, &clen, &seq);
    cr_assert_not_null(cipher);
    cr_assert_eq(seq, cipher_at * 2 + 1);
    cr_assert_eq(clen, 128, "ciphertext of %zu bytes for a 1024-bit key", clen);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(rsa_key, NULL);
    uint8_t plain[128];
    size_t plen = sizeof plain;
    cr_assert(EVP_PKEY_decrypt_init(ctx) > 0 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
              EVP_PKEY_decrypt(ctx, plain, &plen, cipher, clen) > 0,
              "the ciphertext is not RSA-OAEP(SHA-1) under the server's key");
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(rsa_key);
    static const uint8_t xor_vector[] = {0x29, 0x7a, 0x18, 0x4e, 0x6b, 0x19, 0x2f};
    cr_assert_eq(plen, sizeof xor_vector);
    cr_assert_arr_eq(plain, xor_vector, sizeof xor_vector);
    cr_assert_not(ss_received_contains(fx.srv, "secret", 6), "the password went in clear");
}

Test(scripted_auth, csha2_full_auth_with_requested_rsa_key_sends_the_xor_vector)
{
    size_t pem_len;
    char *pem = make_rsa_key(&pem_len);
    dj__builder key_packet;
    dj__builder_init(&key_packet, NULL);
    dj__put_u8(&key_packet, 0x01);
    dj__put_bytes(&key_packet, pem, pem_len);
    free(pem);

    dj__strlcpy(fx.cfg.password, "secret", sizeof fx.cfg.password);
    fx.cfg.get_server_public_key = 1;
    script_greeting("caching_sha2_password");
    ss_send_hex(fx.srv, 2, "01 04");
    ss_expect_exact(fx.srv, 3, "02");
    ss_send_built(fx.srv, 4, &key_packet);
    dj__builder_free(&key_packet, 0);
    ss_expect(fx.srv, 5, "");
    check_rsa_login(2);
}

Test(scripted_auth, csha2_full_auth_with_pinned_key_sends_the_xor_vector_without_asking)
{
    size_t pem_len;
    char *pem = make_rsa_key(&pem_len);
    char path[] = "/tmp/dj-pinned-key-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, pem, pem_len), (ssize_t)pem_len);
    close(fd);
    free(pem);

    dj__strlcpy(fx.cfg.password, "secret", sizeof fx.cfg.password);
    dj__strlcpy(fx.cfg.server_public_key, path, sizeof fx.cfg.server_public_key);
    script_greeting("caching_sha2_password");
    ss_send_hex(fx.srv, 2, "01 04");
    ss_expect(fx.srv, 3, "");
    check_rsa_login(1);
    unlink(path);
}

#endif
