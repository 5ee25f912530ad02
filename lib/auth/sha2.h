/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha2.h - shared by the two SHA-2 plugins (caching_sha2.c, sha256.c) and
 * kept in sha2.c: the full authentication, where the password itself goes
 * to the server, in clear over a secure transport or RSA-encrypted.
 */
#ifndef DJ_AUTH_SHA2_H
#define DJ_AUTH_SHA2_H

#include "auth/auth.h"

enum sha2_step {
    STEP_SCRAMBLE_SENT = 0, /* caching_sha2: waiting for 03 or 04 */
    STEP_KEY_REQUESTED,     /* the next data is the server's PEM public key */
    STEP_DONE               /* the password went out; only OK or ERR may follow */
};

/* Gets the password itself to the server by whichever way the transport and
 * the user's options allow. caching_sha2 takes it in clear over TLS or a Unix
 * socket; MySQL's sha256_password accepts the clear form only over TLS, so on
 * a Unix socket without TLS it needs the RSA exchange like plain TCP. */
int dj__auth_sha2_send_password(dj__auth_ctx *ctx, uint8_t key_request, const char *plugin,
                                int clear_on_unix, dj_error *err);
/* Answers with the password RSA-encrypted under the PEM key. */
int dj__auth_sha2_send_encrypted(dj__auth_ctx *ctx, const char *pem, size_t pem_len,
                                 dj_error *err);
/* DJ_EPROTO for auth data the plugin did not expect. */
int dj__auth_sha2_unexpected(const char *plugin, const uint8_t *data, size_t len,
                             dj_error *err);

#endif
