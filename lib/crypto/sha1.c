/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha1.c - SHA-1 from FIPS 180-4 (section 6.1). Words are assembled byte by
 * byte, so the result does not depend on the host's byte order or alignment.
 * The message schedule is derived from the password, so it is wiped after
 * every block.
 */
#include "crypto/sha.h"

#include "core/internal.h"

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t *h, const uint8_t p[64])
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t next = rol32(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = next;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    dj__wipe(w, sizeof w);
}

void dj__sha1_init(dj__sha1_ctx *c)
{
    static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->fill = 0;
    c->compress = sha1_block;
}

void dj__sha1_update(dj__sha1_ctx *c, const void *data, size_t n)
{
    dj__md_update(c, data, n);
}

void dj__sha1_final(dj__sha1_ctx *c, uint8_t out[DJ__SHA1_LEN])
{
    dj__md_final(c, out, DJ__SHA1_LEN);
}

void dj__sha1(const void *p, size_t n, uint8_t out[DJ__SHA1_LEN])
{
    dj__sha1_ctx c;
    dj__sha1_init(&c);
    dj__sha1_update(&c, p, n);
    dj__sha1_final(&c, out);
}
