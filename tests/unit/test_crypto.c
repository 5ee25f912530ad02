/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_crypto.c - SHA-1/SHA-256, the authentication scrambles against the
 * shared vectors (tests/data/auth-vectors.txt), RSA-OAEP, and every plugin's
 * steps and refusals. Parts that need OpenSSL or libsodium check, in a build
 * without them, that the feature reports DJ_EUNSUPPORTED.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "crypto/sha.h"
#include "hex.h"

/* The plugins under test: the descriptors their files export (lib/auth/plugins.c). */
extern const dj__auth_plugin dj__auth_clear, dj__auth_csha2, dj__auth_ed25519, dj__auth_native,
    dj__auth_sha256;

#ifdef HAVE_OPENSSL
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#endif
#ifdef HAVE_LIBSODIUM
#include <sodium.h>
#endif

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

/* Loads "key = hex" from the vectors file of the source tree. */
static size_t vector(const char *key, uint8_t *out, size_t cap)
{
    const char *top = getenv("DJ_TOP_SRCDIR");
    cr_assert(top && top[0], "DJ_TOP_SRCDIR is not set: run through `make check`, or export it "
                             "as the path of the source tree");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/auth-vectors.txt", top);
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    char line[1024];
    size_t n = (size_t)-1;
    while (fgets(line, sizeof line, f)) {
        char *eq = strstr(line, " = ");
        if (line[0] == '#' || !eq)
            continue;
        *eq = '\0';
        if (strcmp(line, key) != 0)
            continue;
        char *value = eq + 3;
        value[strcspn(value, "\r\n")] = '\0';
        n = hex_decode(value, out, cap);
        break;
    }
    fclose(f);
    cr_assert(n != (size_t)-1, "vector %s is missing or malformed in %s", key, path);
    return n;
}

static void to_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    for (; i < n && 2 * i + 2 < cap; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    out[2 * i] = '\0';
}

static void expect_bytes(const uint8_t *got, size_t got_len, const uint8_t *want,
                         size_t want_len, const char *what)
{
    char g[2 * DJ__AUTH_OUT_MAX + 1], w[2 * DJ__AUTH_OUT_MAX + 1];
    to_hex(got, got_len, g, sizeof g);
    to_hex(want, want_len, w, sizeof w);
    cr_assert(got_len == want_len && memcmp(got, want, want_len) == 0,
              "%s:\n  got  %s\n  want %s", what, g, w);
}

static void expect_vector(const char *key, const uint8_t *got, size_t got_len)
{
    uint8_t want[DJ__AUTH_OUT_MAX];
    size_t n = vector(key, want, sizeof want);
    expect_bytes(got, got_len, want, n, key);
}

static void expect_hex(const uint8_t *got, size_t got_len, const char *hex)
{
    uint8_t want[64];
    size_t n = hex_decode(hex, want, sizeof want);
    cr_assert(n != (size_t)-1);
    expect_bytes(got, got_len, want, n, hex);
}

/* The two passwords of the vectors file and the prefix of their results. */
static const struct password_case {
    const char *input_key;
    const char *prefix;
} password_cases[] = {{"password", ""}, {"long_password", "long."}};

typedef struct inputs {
    uint8_t pw[64];
    size_t pw_len;
    uint8_t scramble[20];
    uint8_t nonce[32];
} inputs;

static void load_inputs(inputs *in, const char *password_key)
{
    in->pw_len = vector(password_key, in->pw, sizeof in->pw);
    cr_assert_eq(vector("scramble20", in->scramble, sizeof in->scramble), 20);
    cr_assert_eq(vector("nonce32", in->nonce, sizeof in->nonce), 32);
}

static void expect_prefixed(const char *prefix, const char *key, const uint8_t *got, size_t n)
{
    char full[128];
    snprintf(full, sizeof full, "%s%s", prefix, key);
    expect_vector(full, got, n);
}

/* A context as the auth loop prepares it: the vectors' password and the
 * scramble as servers send it, 20 bytes plus a NUL. */
static void setup_ctx(dj__auth_ctx *ctx, inputs *in, const char *password_key)
{
    load_inputs(in, password_key);
    memset(ctx, 0, sizeof *ctx);
    ctx->password = (const char *)in->pw;
    ctx->password_len = in->pw_len;
    memcpy(ctx->challenge, in->scramble, 20);
    ctx->challenge[20] = 0;
    ctx->challenge_len = 21;
    ctx->server_public_key_path = "";
}

static void expect_error(int rc, const dj_error *err, int code, const char *text)
{
    cr_assert_eq(rc, code, "expected %s, got %d (%s)", dj_strerror(code), rc, err->message);
    cr_assert_eq(err->code, code);
    cr_assert(strstr(err->message, text), "message \"%s\" lacks \"%s\"", err->message, text);
}

/* Writes bytes to a new temporary file; the caller unlinks path. */
static void write_temp_file(char path[64], const void *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, 64, "%.40s/dj_test_crypto_XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp %s failed", path);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* ------------------------------------------------------------------------- */
/* SHA-1 and SHA-256                                                         */

#define TWO_BLOCK_MSG "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"

Test(sha, sha1_matches_fips_examples)
{
    uint8_t d[DJ__SHA1_LEN];
    dj__sha1("abc", 3, d);
    expect_hex(d, sizeof d, "a9993e364706816aba3e25717850c26c9cd0d89d");
    dj__sha1("", 0, d);
    expect_hex(d, sizeof d, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    dj__sha1(TWO_BLOCK_MSG, strlen(TWO_BLOCK_MSG), d);
    expect_hex(d, sizeof d, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

Test(sha, sha256_matches_fips_examples)
{
    uint8_t d[DJ__SHA256_LEN];
    dj__sha256("abc", 3, d);
    expect_hex(d, sizeof d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    dj__sha256("", 0, d);
    expect_hex(d, sizeof d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    dj__sha256(TWO_BLOCK_MSG, strlen(TWO_BLOCK_MSG), d);
    expect_hex(d, sizeof d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha, million_a_fed_in_odd_chunks)
{
    uint8_t chunk[999];
    memset(chunk, 'a', sizeof chunk);
    dj__sha1_ctx c1;
    dj__sha256_ctx c2;
    dj__sha1_init(&c1);
    dj__sha256_init(&c2);
    for (size_t left = 1000000; left > 0;) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        dj__sha1_update(&c1, chunk, n);
        dj__sha256_update(&c2, chunk, n);
        left -= n;
    }
    uint8_t d1[DJ__SHA1_LEN], d2[DJ__SHA256_LEN];
    dj__sha1_final(&c1, d1);
    dj__sha256_final(&c2, d2);
    expect_hex(d1, sizeof d1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    expect_hex(d2, sizeof d2, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(sha, split_updates_at_every_offset_give_the_one_shot_digest)
{
    uint8_t msg[200];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 37 + 11);
    uint8_t want1[DJ__SHA1_LEN], want2[DJ__SHA256_LEN];
    dj__sha1(msg, sizeof msg, want1);
    dj__sha256(msg, sizeof msg, want2);
    for (size_t split = 0; split <= 130; split++) {
        dj__sha1_ctx c1;
        dj__sha256_ctx c2;
        uint8_t d1[DJ__SHA1_LEN], d2[DJ__SHA256_LEN];
        dj__sha1_init(&c1);
        dj__sha1_update(&c1, msg, split);
        dj__sha1_update(&c1, msg + split, sizeof msg - split);
        dj__sha1_final(&c1, d1);
        dj__sha256_init(&c2);
        dj__sha256_update(&c2, msg, split);
        dj__sha256_update(&c2, msg + split, sizeof msg - split);
        dj__sha256_final(&c2, d2);
        cr_assert(memcmp(d1, want1, sizeof d1) == 0, "SHA-1 differs when split at %zu", split);
        cr_assert(memcmp(d2, want2, sizeof d2) == 0, "SHA-256 differs when split at %zu", split);
    }
}

Test(sha, final_wipes_the_context)
{
    static const uint8_t zeros[sizeof(dj__sha256_ctx)];
    dj__sha1_ctx c1;
    dj__sha256_ctx c2;
    uint8_t d1[DJ__SHA1_LEN], d2[DJ__SHA256_LEN];
    dj__sha1_init(&c1);
    dj__sha1_update(&c1, "secret", 6);
    dj__sha1_final(&c1, d1);
    dj__sha256_init(&c2);
    dj__sha256_update(&c2, "secret", 6);
    dj__sha256_final(&c2, d2);
    cr_assert(memcmp(&c1, zeros, sizeof c1) == 0);
    cr_assert(memcmp(&c2, zeros, sizeof c2) == 0);
}

Test(sha, password_stages_match_vectors)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        const char *p = password_cases[i].prefix;
        load_inputs(&in, password_cases[i].input_key);
        uint8_t s1[DJ__SHA1_LEN], s2[DJ__SHA1_LEN], t1[DJ__SHA256_LEN], t2[DJ__SHA256_LEN];
        dj__sha1(in.pw, in.pw_len, s1);
        dj__sha1(s1, sizeof s1, s2);
        dj__sha256(in.pw, in.pw_len, t1);
        dj__sha256(t1, sizeof t1, t2);
        expect_prefixed(p, "native.stage1_sha1", s1, sizeof s1);
        expect_prefixed(p, "native.stage2_sha1_sha1", s2, sizeof s2);
        expect_prefixed(p, "csha2.stage1_sha256", t1, sizeof t1);
        expect_prefixed(p, "csha2.stage2_sha256_sha256", t2, sizeof t2);
    }
}

/* ------------------------------------------------------------------------- */
/* Scrambles                                                                 */

Test(scramble, native_token_matches_vectors)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        uint8_t token[20];
        load_inputs(&in, password_cases[i].input_key);
        dj__auth_native_token((const char *)in.pw, in.pw_len, in.scramble, token);
        expect_prefixed(password_cases[i].prefix, "native.token", token, sizeof token);
    }
}

Test(scramble, csha2_token_matches_vectors)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        uint8_t token[32];
        load_inputs(&in, password_cases[i].input_key);
        dj__auth_csha2_token((const char *)in.pw, in.pw_len, in.scramble, token);
        expect_prefixed(password_cases[i].prefix, "csha2.token", token, sizeof token);
    }
}

Test(scramble, xor_password_wraps_over_the_20_byte_scramble)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        uint8_t out[65];
        load_inputs(&in, password_cases[i].input_key);
        dj__auth_xor_password((const char *)in.pw, in.pw_len, in.scramble, out);
        expect_prefixed(password_cases[i].prefix, "xor.pw_nul_scramble", out, in.pw_len + 1);
    }
}

#ifdef HAVE_LIBSODIUM

Test(scramble, ed25519_key_material_matches_vectors)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        const char *p = password_cases[i].prefix;
        uint8_t az[64], pub[32];
        dj_error err;
        load_inputs(&in, password_cases[i].input_key);
        crypto_hash_sha512(az, in.pw, in.pw_len);
        expect_prefixed(p, "ed25519.sha512_password", az, sizeof az);
        expect_prefixed(p, "ed25519.nonce_prefix", az + 32, 32);
        az[0] &= 0xF8;
        az[31] = (uint8_t)((az[31] & 0x3F) | 0x40);
        expect_prefixed(p, "ed25519.scalar_clamped", az, 32);
        cr_assert_eq(dj__auth_ed25519_public_key((const char *)in.pw, in.pw_len, pub, &err), 0);
        expect_prefixed(p, "ed25519.public_key", pub, sizeof pub);
    }
}

Test(scramble, ed25519_signature_matches_vectors)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        inputs in;
        uint8_t sig[64];
        dj_error err;
        load_inputs(&in, password_cases[i].input_key);
        cr_assert_eq(dj__auth_ed25519_sign((const char *)in.pw, in.pw_len, in.nonce, sig, &err), 0,
                     "%s", err.message);
        expect_prefixed(password_cases[i].prefix, "ed25519.signature", sig, sizeof sig);
    }
    inputs in;
    uint8_t sig[64];
    load_inputs(&in, "password");
    cr_assert_eq(dj__auth_ed25519_sign((const char *)in.pw, in.pw_len, in.nonce, sig, NULL), 0);
    expect_vector("ed25519.signature_r", sig, 32);
    expect_vector("ed25519.signature_s", sig + 32, 32);
}

#else

Test(scramble, ed25519_reports_not_compiled_in)
{
    uint8_t nonce[32] = {0}, sig[64], pub[32];
    dj_error err;
    const char *text = "client_ed25519 authentication is not compiled in (configure --with-libsodium)";
    expect_error(dj__auth_ed25519_sign("secret", 6, nonce, sig, &err), &err, DJ_EUNSUPPORTED, text);
    expect_error(dj__auth_ed25519_public_key("secret", 6, pub, &err), &err, DJ_EUNSUPPORTED, text);
}

#endif

/* ------------------------------------------------------------------------- */
/* RSA-OAEP                                                                  */

#ifdef HAVE_OPENSSL

static EVP_PKEY *new_rsa_key(void)
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    cr_assert(key, "RSA key generation failed");
    return key;
}

/* The key's SubjectPublicKeyInfo PEM, as the server sends it. */
static size_t public_pem(EVP_PKEY *key, char *out, size_t cap)
{
    BIO *bio = BIO_new(BIO_s_mem());
    cr_assert(bio && PEM_write_bio_PUBKEY(bio, key) == 1);
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    cr_assert(n > 0 && (size_t)n <= cap);
    memcpy(out, data, (size_t)n);
    BIO_free(bio);
    return (size_t)n;
}

static size_t oaep_sha1_decrypt(EVP_PKEY *key, const uint8_t *in, size_t in_len, uint8_t *out,
                                size_t cap)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    size_t n = cap;
    cr_assert(pctx && EVP_PKEY_decrypt_init(pctx) > 0 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
              EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha1()) > 0 &&
              EVP_PKEY_decrypt(pctx, out, &n, in, in_len) > 0,
              "OAEP-SHA1 decryption failed");
    EVP_PKEY_CTX_free(pctx);
    return n;
}

/* Decrypts what a plugin sent and compares it with the XOR vector. */
static void expect_encrypted_xor(EVP_PKEY *key, const dj__auth_ctx *ctx, const char *prefix)
{
    uint8_t plain[DJ__AUTH_OUT_MAX];
    cr_assert_eq(ctx->out_len, 256, "ciphertext should be the modulus size");
    size_t n = oaep_sha1_decrypt(key, ctx->out, ctx->out_len, plain, sizeof plain);
    expect_prefixed(prefix, "xor.pw_nul_scramble", plain, n);
}

Test(rsa, oaep_sha1_round_trip)
{
    EVP_PKEY *key = new_rsa_key();
    char pem[4096];
    size_t pem_len = public_pem(key, pem, sizeof pem);
    const uint8_t msg[] = "password and NUL\0";
    uint8_t cipher[DJ__AUTH_OUT_MAX], plain[DJ__AUTH_OUT_MAX];
    size_t cipher_len = 0;
    dj_error err;
    cr_assert_eq(dj__auth_rsa_encrypt(pem, pem_len, msg, sizeof msg, cipher, sizeof cipher,
                                      &cipher_len, &err),
                 0, "%s", err.message);
    cr_assert_eq(cipher_len, 256);
    size_t n = oaep_sha1_decrypt(key, cipher, cipher_len, plain, sizeof plain);
    expect_bytes(plain, n, msg, sizeof msg, "round trip");
    EVP_PKEY_free(key);
}

Test(rsa, rejects_what_is_not_an_rsa_public_key)
{
    static const char garbage[] = "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n";
    uint8_t cipher[DJ__AUTH_OUT_MAX];
    size_t n;
    dj_error err;
    expect_error(dj__auth_rsa_encrypt(garbage, strlen(garbage), (const uint8_t *)"x", 1, cipher,
                                      sizeof cipher, &n, &err),
                 &err, DJ_EAUTH, "cannot read the server's public key");
    expect_error(dj__auth_rsa_encrypt("", 0, (const uint8_t *)"x", 1, cipher, sizeof cipher, &n,
                                      &err),
                 &err, DJ_EAUTH, "implausible");

    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    cr_assert(ed);
    char pem[1024];
    size_t pem_len = public_pem(ed, pem, sizeof pem);
    expect_error(dj__auth_rsa_encrypt(pem, pem_len, (const uint8_t *)"x", 1, cipher,
                                      sizeof cipher, &n, &err),
                 &err, DJ_EAUTH, "not an RSA key");
    EVP_PKEY_free(ed);
}

Test(rsa, rejects_plaintext_beyond_the_oaep_limit_and_small_output)
{
    EVP_PKEY *key = new_rsa_key();
    char pem[4096];
    size_t pem_len = public_pem(key, pem, sizeof pem);
    uint8_t msg[256] = {0}, cipher[DJ__AUTH_OUT_MAX];
    size_t n;
    dj_error err;
    cr_assert_eq(dj__auth_rsa_encrypt(pem, pem_len, msg, 256 - 42, cipher, sizeof cipher, &n, &err),
                 0, "%s", err.message);
    expect_error(dj__auth_rsa_encrypt(pem, pem_len, msg, 256 - 41, cipher, sizeof cipher, &n, &err),
                 &err, DJ_EAUTH, "too long");
    expect_error(dj__auth_rsa_encrypt(pem, pem_len, msg, 10, cipher, 255, &n, &err), &err,
                 DJ_EAUTH, "larger than the supported");
    EVP_PKEY_free(key);
}

#else

Test(rsa, reports_not_compiled_in)
{
    uint8_t cipher[DJ__AUTH_OUT_MAX];
    size_t n = 1;
    dj_error err;
    expect_error(dj__auth_rsa_encrypt("pem", 3, (const uint8_t *)"x", 1, cipher, sizeof cipher,
                                      &n, &err),
                 &err, DJ_EUNSUPPORTED,
                 "RSA key exchange is not compiled in (configure --with-openssl)");
    cr_assert_eq(n, 0);
}

#endif

/* ------------------------------------------------------------------------- */
/* Plugin table                                                              */

static const dj__auth_plugin *find(const char *name)
{
    return dj__auth_find(name, strlen(name));
}

Test(plugins, find_returns_each_builtin_by_exact_name)
{
    static const char *const names[] = {"mysql_native_password", "caching_sha2_password",
                                        "sha256_password", "mysql_clear_password"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(names); i++) {
        const dj__auth_plugin *p = find(names[i]);
        cr_assert(p, "%s not found", names[i]);
        cr_assert_str_eq(p->name, names[i]);
        cr_assert(p->start);
    }
    cr_assert_null(find("mysql_native_password")->more);
    cr_assert_not_null(find("caching_sha2_password")->more);
    cr_assert_not_null(find("sha256_password")->more);
}

Test(plugins, find_returns_null_for_unknown_or_partial_names)
{
    cr_assert_null(find("dialog"));
    cr_assert_null(find("auth_gssapi_client"));
    cr_assert_null(find("mysql_old_password"));
    cr_assert_null(find(""));
    cr_assert_null(dj__auth_find("mysql_native_password", 12));
    cr_assert_null(dj__auth_find("mysql_native_passwordX", 22));
    cr_assert_null(dj__auth_find(NULL, 0));
}

Test(plugins, ed25519_is_listed_only_when_compiled_in)
{
#ifdef HAVE_LIBSODIUM
    cr_assert_not_null(find("client_ed25519"));
#else
    cr_assert_null(find("client_ed25519"));
#endif
}

Test(plugins, ctx_wipe_clears_output_and_state)
{
    static const uint8_t zeros[DJ__AUTH_OUT_MAX];
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    ctx.step = 2;
    dj__auth_ctx_wipe(&ctx);
    cr_assert_eq(ctx.out_len, 0);
    cr_assert_eq(ctx.step, 0);
    cr_assert(memcmp(ctx.out, zeros, sizeof zeros) == 0);
}

/* ------------------------------------------------------------------------- */
/* mysql_native_password                                                     */

Test(native, sends_token_over_first_20_bytes_of_the_challenge)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        dj__auth_ctx ctx;
        inputs in;
        setup_ctx(&ctx, &in, password_cases[i].input_key);
        cr_assert_eq(dj__auth_native.start(&ctx, NULL), DJ__AUTH_SEND);
        expect_prefixed(password_cases[i].prefix, "native.token", ctx.out, ctx.out_len);
    }
}

Test(native, empty_password_sends_empty_response)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.password_len = 0;
    ctx.out_len = 99;
    cr_assert_eq(dj__auth_native.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, 0);
}

Test(native, short_scramble_is_protocol_error)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.challenge_len = 19;
    expect_error(dj__auth_native.start(&ctx, &err), &err, DJ_EPROTO, "expected 20");
}

/* ------------------------------------------------------------------------- */
/* caching_sha2_password                                                     */

static const uint8_t FAST_OK[] = {0x03}, FULL_AUTH[] = {0x04};

Test(csha2, sends_token_then_waits_on_fast_auth_success)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        dj__auth_ctx ctx;
        inputs in;
        setup_ctx(&ctx, &in, password_cases[i].input_key);
        cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
        expect_prefixed(password_cases[i].prefix, "csha2.token", ctx.out, ctx.out_len);
        cr_assert_eq(dj__auth_csha2.more(&ctx, FAST_OK, 1, NULL), DJ__AUTH_WAIT);
    }
}

Test(csha2, empty_password_sends_empty_response)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.password_len = 0;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, 0);
}

Test(csha2, short_scramble_is_protocol_error)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.challenge_len = 8;
    expect_error(dj__auth_csha2.start(&ctx, &err), &err, DJ_EPROTO, "scramble is 8 bytes");
}

Test(csha2, full_auth_over_secure_transport_sends_password_and_nul)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, NULL), DJ__AUTH_SEND);
    expect_bytes(ctx.out, ctx.out_len, (const uint8_t *)"secret", 7, "password || NUL");
}

Test(csha2, full_auth_on_plain_tcp_refused_without_key_options)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err), &err, DJ_EAUTH,
                 "caching_sha2_password needs full authentication, which over plain TCP requires "
                 "TLS, a pinned server public key (server_public_key) or get_server_public_key=1");
}

Test(csha2, rejects_malformed_more_data)
{
    static const uint8_t twice[] = {0x03, 0x03}, other[] = {0x05}, fe[] = {0xfe};
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_csha2.more(&ctx, other, 1, &err), &err, DJ_EPROTO, "0x05");
    expect_error(dj__auth_csha2.more(&ctx, twice, 2, &err), &err, DJ_EPROTO, "2 bytes");
    expect_error(dj__auth_csha2.more(&ctx, fe, 1, &err), &err, DJ_EPROTO, "0xfe");
    expect_error(dj__auth_csha2.more(&ctx, NULL, 0, &err), &err, DJ_EPROTO, "empty");
    /* After fast auth succeeded, or after the password went out, nothing more is expected. */
    cr_assert_eq(dj__auth_csha2.more(&ctx, FAST_OK, 1, NULL), DJ__AUTH_WAIT);
    expect_error(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err), &err, DJ_EPROTO, "0x04");
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_csha2.more(&ctx, FAST_OK, 1, &err), &err, DJ_EPROTO, "0x03");
}

Test(csha2, unreadable_pinned_key_file_is_system_error)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.server_public_key_path = "/nonexistent/dj-test/server.pem";
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err), &err, DJ_ESYSTEM,
                 "/nonexistent/dj-test/server.pem");
    cr_assert_neq(err.os_errno, 0);
    ctx.server_public_key_path = "/";
    expect_error(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err), &err, DJ_ESYSTEM,
                 "cannot read the server_public_key file /");
    cr_assert_neq(err.os_errno, 0);
}

Test(csha2, oversized_pinned_key_file_is_config_error)
{
    static char big[16 * 1024 + 1];
    memset(big, 'A', sizeof big);
    char path[64];
    write_temp_file(path, big, sizeof big);
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.server_public_key_path = path;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    int rc = dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err);
    unlink(path);
    expect_error(rc, &err, DJ_ECONFIG, "larger than 16384 bytes");
}

Test(csha2, unusable_pinned_key_names_the_file)
{
    static const char garbage[] = "not a key\n";
    char path[64];
    write_temp_file(path, garbage, strlen(garbage));
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.server_public_key_path = path;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    int rc = dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err);
    unlink(path);
#ifdef HAVE_OPENSSL
    expect_error(rc, &err, DJ_EAUTH, "cannot read the server's public key");
#else
    expect_error(rc, &err, DJ_EUNSUPPORTED, "not compiled in");
#endif
    cr_assert(strncmp(err.message, "server_public_key file ", 23) == 0 && strstr(err.message, path),
              "%s", err.message);
    cr_assert_eq(ctx.out_len, 0);
}

#ifdef HAVE_OPENSSL

Test(csha2, requests_key_with_02_then_encrypts_the_xor_password)
{
    EVP_PKEY *key = new_rsa_key();
    char pem[4096];
    size_t pem_len = public_pem(key, pem, sizeof pem);
    for (size_t i = 0; i < DJ__ARRAY_LEN(password_cases); i++) {
        dj__auth_ctx ctx;
        inputs in;
        dj_error err;
        setup_ctx(&ctx, &in, password_cases[i].input_key);
        ctx.get_server_public_key = 1;
        cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
        cr_assert_eq(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, NULL), DJ__AUTH_SEND);
        expect_hex(ctx.out, ctx.out_len, "02");
        cr_assert_eq(dj__auth_csha2.more(&ctx, (const uint8_t *)pem, pem_len, &err),
                     DJ__AUTH_SEND, "%s", err.message);
        expect_encrypted_xor(key, &ctx, password_cases[i].prefix);
        expect_error(dj__auth_csha2.more(&ctx, (const uint8_t *)pem, pem_len, &err), &err,
                     DJ_EPROTO, "unexpected");
    }
    EVP_PKEY_free(key);
}

Test(csha2, pinned_key_file_encrypts_without_asking_the_server)
{
    EVP_PKEY *key = new_rsa_key();
    char pem[4096], path[64];
    size_t pem_len = public_pem(key, pem, sizeof pem);
    write_temp_file(path, pem, pem_len);
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "long_password");
    ctx.server_public_key_path = path;
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    int rc = dj__auth_csha2.more(&ctx, FULL_AUTH, 1, &err);
    unlink(path);
    cr_assert_eq(rc, DJ__AUTH_SEND, "%s", err.message);
    expect_encrypted_xor(key, &ctx, "long.");
    EVP_PKEY_free(key);
}

Test(csha2, malformed_server_key_fails_authentication)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_csha2.more(&ctx, (const uint8_t *)"garbage", 7, &err), &err, DJ_EAUTH,
                 "public key");
    cr_assert_eq(ctx.out_len, 0);
}

#else

Test(csha2, rsa_path_reports_not_compiled_in)
{
    static const char pem[] = "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n";
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_csha2.start(&ctx, NULL), DJ__AUTH_SEND);
    cr_assert_eq(dj__auth_csha2.more(&ctx, FULL_AUTH, 1, NULL), DJ__AUTH_SEND);
    expect_hex(ctx.out, ctx.out_len, "02");
    expect_error(dj__auth_csha2.more(&ctx, (const uint8_t *)pem, strlen(pem), &err), &err,
                 DJ_EUNSUPPORTED, "RSA key exchange is not compiled in (configure --with-openssl)");
}

#endif

/* ------------------------------------------------------------------------- */
/* sha256_password                                                           */

Test(sha256, secure_transport_sends_password_and_nul_at_once)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_bytes(ctx.out, ctx.out_len, (const uint8_t *)"secret", 7, "password || NUL");
}

Test(sha256, empty_password_sends_single_nul)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.password_len = 0;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_hex(ctx.out, ctx.out_len, "00");
}

Test(sha256, plain_tcp_refused_without_key_options)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    expect_error(dj__auth_sha256.start(&ctx, &err), &err, DJ_EAUTH,
                 "over plain TCP requires TLS, a pinned server public key (server_public_key) or "
                 "get_server_public_key=1");
}

Test(sha256, requests_key_with_01_on_plain_tcp)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "password");
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_hex(ctx.out, ctx.out_len, "01");
}

Test(sha256, more_data_without_key_request_is_protocol_error)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_error(dj__auth_sha256.more(&ctx, FULL_AUTH, 1, &err), &err, DJ_EPROTO,
                 "sha256_password: unexpected");
}

#ifdef HAVE_OPENSSL

Test(sha256, encrypts_the_xor_password_with_the_requested_key)
{
    EVP_PKEY *key = new_rsa_key();
    char pem[4096];
    size_t pem_len = public_pem(key, pem, sizeof pem);
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "long_password");
    ctx.get_server_public_key = 1;
    cr_assert_eq(dj__auth_sha256.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_hex(ctx.out, ctx.out_len, "01");
    cr_assert_eq(dj__auth_sha256.more(&ctx, (const uint8_t *)pem, pem_len, &err), DJ__AUTH_SEND,
                 "%s", err.message);
    expect_encrypted_xor(key, &ctx, "long.");
    EVP_PKEY_free(key);
}

#endif

/* ------------------------------------------------------------------------- */
/* client_ed25519                                                            */

Test(ed25519, rejects_nonce_that_is_not_32_bytes)
{
    static const size_t bad[] = {0, 20, 31, 33};
    for (size_t i = 0; i < DJ__ARRAY_LEN(bad); i++) {
        dj__auth_ctx ctx;
        inputs in;
        dj_error err;
        setup_ctx(&ctx, &in, "password");
        ctx.challenge_len = bad[i];
        expect_error(dj__auth_ed25519.start(&ctx, &err), &err, DJ_EPROTO, "expected exactly 32");
    }
}

Test(ed25519, start_signs_the_32_byte_nonce)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    memcpy(ctx.challenge, in.nonce, 32);
    ctx.challenge_len = 32;
    int rc = dj__auth_ed25519.start(&ctx, &err);
#ifdef HAVE_LIBSODIUM
    cr_assert_eq(rc, DJ__AUTH_SEND, "%s", err.message);
    expect_vector("ed25519.signature", ctx.out, ctx.out_len);
#else
    expect_error(rc, &err, DJ_EUNSUPPORTED, "client_ed25519 authentication is not compiled in");
    cr_assert_eq(ctx.out_len, 0);
#endif
}

/* ------------------------------------------------------------------------- */
/* mysql_clear_password                                                      */

Test(clear, refused_on_plain_tcp_even_when_allowed)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.allow_cleartext = 1;
    expect_error(dj__auth_clear.start(&ctx, &err), &err, DJ_EAUTH,
                 "server asked for mysql_clear_password, which sends the password in clear; "
                 "refused (needs TLS or a Unix socket and allow_cleartext)");
}

Test(clear, refused_on_secure_transport_without_allow_flag)
{
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    expect_error(dj__auth_clear.start(&ctx, &err), &err, DJ_EAUTH, "refused");
}

Test(clear, sends_password_and_nul_when_allowed_and_secure)
{
    dj__auth_ctx ctx;
    inputs in;
    setup_ctx(&ctx, &in, "long_password");
    ctx.tls = 1;
    ctx.allow_cleartext = 1;
    cr_assert_eq(dj__auth_clear.start(&ctx, NULL), DJ__AUTH_SEND);
    expect_bytes(ctx.out, ctx.out_len, (const uint8_t *)"correct horse battery staple", 29,
                 "password || NUL");
}

Test(clear, password_too_long_for_one_message_is_refused)
{
    static char pw[DJ__AUTH_OUT_MAX];
    memset(pw, 'p', sizeof pw);
    dj__auth_ctx ctx;
    inputs in;
    dj_error err;
    setup_ctx(&ctx, &in, "password");
    ctx.tls = 1;
    ctx.allow_cleartext = 1;
    ctx.password = pw;
    ctx.password_len = sizeof pw;
    expect_error(dj__auth_clear.start(&ctx, &err), &err, DJ_EAUTH, "1024 bytes");
    ctx.password_len = sizeof pw - 1;
    cr_assert_eq(dj__auth_clear.start(&ctx, &err), DJ__AUTH_SEND);
    cr_assert_eq(ctx.out_len, sizeof pw);
}
