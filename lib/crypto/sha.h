/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha.h - our own SHA-1 and SHA-256, small and portable, so that even a build
 * without OpenSSL can compute the mysql_native_password and
 * caching_sha2_password scrambles (OpenSSL's hashes would pull its whole
 * provider framework into a static binary).
 */
#ifndef DJ_CRYPTO_SHA_H
#define DJ_CRYPTO_SHA_H

#include <stddef.h>
#include <stdint.h>

#define DJ__SHA1_LEN 20
#define DJ__SHA256_LEN 32

/* Both hashes share the Merkle-Damgard frame (64-byte blocks, 0x80 padding,
 * 64-bit big-endian bit count); only the block function and the size of the
 * state differ, so one context type serves both (crypto/md.c). */
typedef struct dj__md_ctx {
    uint32_t h[8];
    uint64_t total;
    uint8_t block[64];
    size_t fill;
    void (*compress)(uint32_t *h, const uint8_t block[64]);
} dj__md_ctx;

typedef dj__md_ctx dj__sha1_ctx;
typedef dj__md_ctx dj__sha256_ctx;

/* The shared frame: buffering, padding, digest output (words big-endian). */
void dj__md_update(dj__md_ctx *c, const void *p, size_t n);
void dj__md_final(dj__md_ctx *c, uint8_t *out, size_t out_len);

void dj__sha1_init(dj__sha1_ctx *c);
void dj__sha1_update(dj__sha1_ctx *c, const void *p, size_t n);
/* Writes the digest and wipes the context. */
void dj__sha1_final(dj__sha1_ctx *c, uint8_t out[DJ__SHA1_LEN]);
void dj__sha1(const void *p, size_t n, uint8_t out[DJ__SHA1_LEN]);

void dj__sha256_init(dj__sha256_ctx *c);
void dj__sha256_update(dj__sha256_ctx *c, const void *p, size_t n);
void dj__sha256_final(dj__sha256_ctx *c, uint8_t out[DJ__SHA256_LEN]);
void dj__sha256(const void *p, size_t n, uint8_t out[DJ__SHA256_LEN]);

#endif
