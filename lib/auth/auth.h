/* SPDX-License-Identifier: Apache-2.0 */
/*
 * auth.h - authentication plugins as pure functions of (password, challenge).
 *
 * The connection's auth loop (client/connect.c) owns the I/O: it hands each
 * plugin the challenge from the greeting or an AuthSwitchRequest, sends what
 * the plugin wrote into ctx->out, and passes every AuthMoreData payload (the
 * leading 0x01 already removed) to the plugin's `more` step. A plugin is one
 * file exporting one dj__auth_plugin, plus one row in the table in
 * auth/plugins.c.
 */
#ifndef DJ_AUTH_H
#define DJ_AUTH_H

#include "core/internal.h"

/* Large enough for an RSA-8192 ciphertext or a parsec reply. */
#define DJ__AUTH_OUT_MAX 1024
#define DJ__AUTH_CHALLENGE_MAX 64

/* What the plugin wants the loop to do next. */
enum dj__auth_action {
    DJ__AUTH_SEND = 1,   /* send ctx->out (out_len bytes, may be 0) and read the reply */
    DJ__AUTH_WAIT = 2    /* send nothing; the next packet (OK/ERR/more data) follows */
};

typedef struct dj__auth_ctx {
    /* inputs, set by the loop */
    const char *password;          /* not NUL-terminated necessarily */
    size_t password_len;
    uint8_t challenge[DJ__AUTH_CHALLENGE_MAX]; /* scramble / nonce as the plugin needs it */
    size_t challenge_len;
    int tls;                       /* TLS is up */
    int unix_socket;               /* a Unix socket: local, but not TLS */
    int tls_verified;              /* the server certificate was verified */
    int allow_cleartext;           /* user enabled mysql_clear_password */
    int get_server_public_key;     /* user allowed requesting the RSA key */
    const char *server_public_key_path; /* pinned PEM file, "" for none */
    const dj_allocator *alloc;
    /* plugin state between steps */
    int step;
    /* how the password was proven, for the debug log ("fast", "RSA, pinned key", ...) */
    const char *route;
    /* output of the step */
    uint8_t out[DJ__AUTH_OUT_MAX];
    size_t out_len;
} dj__auth_ctx;

typedef struct dj__auth_plugin {
    const char *name;
    /* 0: the challenge is a 20-byte scramble (plus a NUL the loop drops);
     * otherwise the exact length of a raw nonce, kept byte for byte. */
    size_t nonce_len;
    /* First answer to a challenge (in HandshakeResponse41 or as AuthSwitchResponse).
     * Returns DJ__AUTH_SEND or a negative DJ_E code. */
    int (*start)(dj__auth_ctx *ctx, dj_error *err);
    /* Handles AuthMoreData (without its 0x01). NULL when the plugin never expects any.
     * Returns DJ__AUTH_SEND, DJ__AUTH_WAIT, or a negative DJ_E code. */
    int (*more)(dj__auth_ctx *ctx, const uint8_t *data, size_t len, dj_error *err);
} dj__auth_plugin;

/* Finds a built-in plugin by name; NULL if unknown or not compiled in. */
const dj__auth_plugin *dj__auth_find(const char *name, size_t len);
/* Wipes out[] and any plugin state. */
void dj__auth_ctx_wipe(dj__auth_ctx *ctx);

/* The scrambles, exposed for the unit tests with the shared vectors. */
void dj__auth_native_token(const char *pw, size_t pw_len, const uint8_t scramble[20],
                           uint8_t out[20]);
void dj__auth_csha2_token(const char *pw, size_t pw_len, const uint8_t scramble[20],
                          uint8_t out[32]);
/* (pw || NUL) XOR scramble20, cyclic; out has room for pw_len + 1 bytes. */
void dj__auth_xor_password(const char *pw, size_t pw_len, const uint8_t scramble[20],
                           uint8_t *out);
/* MariaDB client_ed25519 signature of nonce (32 bytes) with the password. */
int dj__auth_ed25519_sign(const char *pw, size_t pw_len, const uint8_t nonce[32],
                          uint8_t out[64], dj_error *err);
/* RSA-OAEP (SHA-1) encryption with a PEM public key; *out_len = modulus size. */
int dj__auth_rsa_encrypt(const char *pem, size_t pem_len, const uint8_t *msg, size_t msg_len,
                         uint8_t *out, size_t out_size, size_t *out_len, dj_error *err);

/* The ed25519 public key A the server stores for this password (its ed25519_password()). */
int dj__auth_ed25519_public_key(const char *pw, size_t pw_len, uint8_t out[32], dj_error *err);

/* parsec: the Ed25519 seed PBKDF2-HMAC-SHA512(pw, salt, 1024 << factor), and the
 * 96-byte answer (client nonce || signature) to the server's ext-salt message
 * ('P', factor, salt). Present when both libsodium and OpenSSL are compiled in. */
#define DJ__PARSEC_RESPONSE_LEN 96
int dj__auth_parsec_seed(const char *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                         unsigned factor, uint8_t seed[32], dj_error *err);
int dj__auth_parsec_response(const char *pw, size_t pw_len, const uint8_t *ext_salt,
                             size_t ext_len, const uint8_t server_nonce[32],
                             const uint8_t client_nonce[32], uint8_t out[96], dj_error *err);

/* Whether the plugin can answer this challenge (scramble or nonce of the right size). */
int dj__auth_challenge_fits(const dj__auth_plugin *p, size_t len);

/* Shared by the plugins: fails with DJ_EPROTO unless the challenge holds a 20-byte scramble. */
int dj__auth_need_scramble(const dj__auth_ctx *ctx, const char *plugin, dj_error *err);
/* Puts password || NUL into ctx->out; returns DJ__AUTH_SEND or DJ_EAUTH when it does not fit. */
int dj__auth_put_cleartext(dj__auth_ctx *ctx, dj_error *err);

#endif
