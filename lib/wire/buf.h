/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h - the bounds-checked reader and the growable builder that every
 * codec uses. All multi-byte integers are little-endian on the wire and are
 * assembled byte by byte, so the code is the same on any host byte order
 * and never makes an unaligned access.
 */
#ifndef DJ_WIRE_BUF_H
#define DJ_WIRE_BUF_H

#include "core/internal.h"

/* A read cursor over bytes it does not own. Once a read runs past the end,
 * `bad` is set, every later read returns zeros, and the caller reports a
 * truncated packet instead of reading out of bounds. */
typedef struct dj__reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
    int bad;
} dj__reader;

static inline void dj__reader_init(dj__reader *r, const void *p, size_t len)
{
    /* A NULL buffer of length 0 reads as empty; pointer arithmetic on NULL is undefined. */
    r->p = p ? (const uint8_t *)p : (const uint8_t *)"";
    r->len = len;
    r->pos = 0;
    r->bad = 0;
}

static inline size_t dj__reader_left(const dj__reader *r) { return r->len - r->pos; }

/* Little-endian integer of n bytes (n <= 8); 0 and bad when fewer remain. */
uint64_t dj__rd_le(dj__reader *r, size_t n);
/* The readers below are inline for their common case (every packet of a
 * result is decoded with them); the rest is out of line in buf.c. */
static inline uint8_t dj__rd_u8(dj__reader *r)
{
    if (!r->bad && r->pos < r->len)
        return r->p[r->pos++];
    return (uint8_t)dj__rd_le(r, 1);
}
static inline uint16_t dj__rd_u16(dj__reader *r)
{
    if (!r->bad && r->len - r->pos >= 2) {
        uint16_t v = (uint16_t)(r->p[r->pos] | (r->p[r->pos + 1] << 8));
        r->pos += 2;
        return v;
    }
    return (uint16_t)dj__rd_le(r, 2);
}
static inline uint32_t dj__rd_u32(dj__reader *r)
{
    if (!r->bad && r->len - r->pos >= 4) {
        const uint8_t *p = r->p + r->pos;
        r->pos += 4;
        return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
               ((uint32_t)p[3] << 24);
    }
    return (uint32_t)dj__rd_le(r, 4);
}
uint32_t dj__rd_u24(dj__reader *r);
uint64_t dj__rd_u64(dj__reader *r);
/* Length-encoded integer. 0xFB (NULL) and 0xFF are not integers: they set
 * bad unless allowed with *is_null (NULL allowed only when is_null != NULL). */
uint64_t dj__rd_lenenc_general(dj__reader *r, int *is_null);
static inline uint64_t dj__rd_lenenc(dj__reader *r, int *is_null)
{
    if (!r->bad && r->pos < r->len && r->p[r->pos] < 0xFB) {
        if (is_null)
            *is_null = 0;
        return r->p[r->pos++];
    }
    return dj__rd_lenenc_general(r, is_null);
}
/* Borrows n bytes; NULL (and bad) when fewer remain. */
const uint8_t *dj__rd_bytes(dj__reader *r, size_t n);
/* Length-encoded string: borrows its bytes; *is_null as for dj__rd_lenenc. */
const uint8_t *dj__rd_lenenc_str_general(dj__reader *r, size_t *len, int *is_null);
static inline const uint8_t *dj__rd_lenenc_str(dj__reader *r, size_t *len, int *is_null)
{
    /* A one-byte length whose bytes are all there. */
    if (!r->bad && r->pos < r->len) {
        size_t n = r->p[r->pos];
        if (n < 0xFB && n < r->len - r->pos) {
            const uint8_t *s = r->p + r->pos + 1;
            r->pos += n + 1;
            *len = n;
            if (is_null)
                *is_null = 0;
            return s;
        }
    }
    return dj__rd_lenenc_str_general(r, len, is_null);
}
/* NUL-terminated string; the NUL is consumed but not counted. Missing NUL = bad,
 * unless to_end is set, which accepts the end of the packet as terminator. */
const uint8_t *dj__rd_nul_str(dj__reader *r, size_t *len, int to_end);
/* The rest of the packet. */
const uint8_t *dj__rd_rest(dj__reader *r, size_t *len);

/* Little-endian stores into raw memory (for headers). */
static inline void dj__put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void dj__put_le24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16);
}
static inline void dj__put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t dj__get_le24(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

/* A growable byte buffer. An allocation failure sets `oom`; later appends
 * become no-ops, so a codec can build a whole packet and check once. */
typedef struct dj__builder {
    uint8_t *data;
    size_t len;
    size_t cap;
    const dj_allocator *alloc;
    int oom;
} dj__builder;

void dj__builder_init(dj__builder *b, const dj_allocator *alloc);
/* Frees the storage (wiping it first when it may have held secrets). */
void dj__builder_free(dj__builder *b, int wipe);
/* Makes room for n more bytes; 0 or DJ_ENOMEM. */
int dj__builder_reserve(dj__builder *b, size_t n);
void dj__builder_reset(dj__builder *b);
void dj__put_u8(dj__builder *b, uint8_t v);
void dj__put_u16(dj__builder *b, uint16_t v);
void dj__put_u24(dj__builder *b, uint32_t v);
void dj__put_u32(dj__builder *b, uint32_t v);
void dj__put_u64(dj__builder *b, uint64_t v);
void dj__put_bytes(dj__builder *b, const void *p, size_t n);
void dj__put_zeros(dj__builder *b, size_t n);
/* Shortest length-encoded form. */
void dj__put_lenenc(dj__builder *b, uint64_t v);
void dj__put_lenenc_str(dj__builder *b, const void *p, size_t n);
/* Bytes followed by a NUL. */
void dj__put_nul_str(dj__builder *b, const char *s);
/* Text formatted by dj__fmt's rules, without its NUL; any length. */
void dj__put_fmt(dj__builder *b, const char *fmt, ...) DJ__PRINTF(2, 3);
/* Size in bytes of the length-encoded form of v. */
size_t dj__lenenc_size(uint64_t v);

#endif
