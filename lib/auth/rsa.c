/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rsa.c - RSA-OAEP encryption of the scrambled password for the SHA-2
 * plugins over plain TCP, through OpenSSL 3's EVP interface. Servers since
 * MySQL 8.0.5 decrypt with OAEP, SHA-1 and MGF1-SHA-1, empty label.
 */
#include "auth/auth.h"

#ifdef HAVE_OPENSSL

#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

/* OAEP with SHA-1 takes at most modulus - 2 * 20 - 2 bytes of plaintext. */
#define OAEP_SHA1_OVERHEAD 42

/* Reports an OpenSSL failure with its reason, and empties OpenSSL's
 * per-thread error queue so that the TLS layer does not see stale entries. */
static int openssl_fail(dj_error *err, const char *what)
{
    const char *why = ERR_reason_error_string(ERR_peek_last_error());
    int rc = dj__err(err, DJ_EAUTH, "RSA key exchange: %s%s%s", what, why ? ": " : "",
                     why ? why : "");
    ERR_clear_error();
    return rc;
}

static int encrypt_with_key(EVP_PKEY *key, const uint8_t *msg, size_t msg_len, uint8_t *out,
                            size_t out_size, size_t *out_len, dj_error *err)
{
    if (!EVP_PKEY_is_a(key, "RSA"))
        return dj__err(err, DJ_EAUTH, "RSA key exchange: the server's public key is not an RSA key");
    int size = EVP_PKEY_get_size(key);
    if (size <= 0 || (size_t)size > out_size)
        return dj__err(err, DJ_EAUTH,
                       "RSA key exchange: the server's %d-byte RSA key is larger than the "
                       "supported %zu bytes",
                       size, out_size);
    if (msg_len + OAEP_SHA1_OVERHEAD > (size_t)size)
        return dj__err(err, DJ_EAUTH,
                       "RSA key exchange: the password is too long for the server's %d-bit key "
                       "(at most %d bytes)",
                       size * 8, size - OAEP_SHA1_OVERHEAD - 1);
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!pctx)
        return openssl_fail(err, "cannot set up the encryption");
    size_t n = out_size;
    int ok = EVP_PKEY_encrypt_init(pctx) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha1()) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha1()) > 0 &&
             EVP_PKEY_encrypt(pctx, out, &n, msg, msg_len) > 0;
    EVP_PKEY_CTX_free(pctx);
    if (!ok)
        return openssl_fail(err, "encryption failed");
    *out_len = n;
    return 0;
}

int dj__auth_rsa_encrypt(const char *pem, size_t pem_len, const uint8_t *msg, size_t msg_len,
                         uint8_t *out, size_t out_size, size_t *out_len, dj_error *err)
{
    if (pem_len == 0 || pem_len > INT_MAX)
        return dj__err(err, DJ_EAUTH, "RSA key exchange: a public key of %zu bytes is implausible",
                       pem_len);
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (!bio) {
        ERR_clear_error();
        return dj__err(err, DJ_ENOMEM, "RSA key exchange: out of memory");
    }
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!key) {
        /* OpenSSL's reason here is only "unsupported", which misleads more than it helps. */
        ERR_clear_error();
        return dj__err(err, DJ_EAUTH, "RSA key exchange: cannot read the server's public key "
                                      "(expected PEM \"-----BEGIN PUBLIC KEY-----\")");
    }
    int rc = encrypt_with_key(key, msg, msg_len, out, out_size, out_len, err);
    EVP_PKEY_free(key);
    return rc;
}

#else

int dj__auth_rsa_encrypt(const char *pem, size_t pem_len, const uint8_t *msg, size_t msg_len,
                         uint8_t *out, size_t out_size, size_t *out_len, dj_error *err)
{
    (void)pem;
    (void)pem_len;
    (void)msg;
    (void)msg_len;
    (void)out;
    (void)out_size;
    *out_len = 0;
    return dj__err(err, DJ_EUNSUPPORTED,
                   "RSA key exchange is not compiled in (configure --with-openssl)");
}

#endif
