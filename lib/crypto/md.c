/* SPDX-License-Identifier: Apache-2.0 */
/* md.c - the Merkle-Damgard frame that SHA-1 and SHA-256 share (see sha.h). */
#include "crypto/sha.h"

#include "core/internal.h"

void dj__md_update(dj__md_ctx *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    c->total += n;
    while (n > 0) {
        size_t take = DJ__MIN(n, sizeof c->block - c->fill);
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill == sizeof c->block) {
            c->compress(c->h, c->block);
            c->fill = 0;
        }
    }
}

void dj__md_final(dj__md_ctx *c, uint8_t *out, size_t out_len)
{
    /* Padding: 0x80, zeros up to 56 mod 64, then the bit length as 64-bit big-endian. */
    static const uint8_t pad[64] = {0x80};
    uint64_t bits = c->total * 8;
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    dj__md_update(c, pad, (c->fill < 56 ? 56 : 120) - c->fill);
    dj__md_update(c, len, sizeof len);
    for (size_t i = 0; i < out_len; i++)
        out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
    dj__wipe(c, sizeof *c);
}
