/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c - bounds-checked reader and growable builder (see buf.h). */
#include "wire/buf.h"

#include "core/fmt.h"

#include <stdarg.h>

/* Marks the reader bad and moves it to the end so every later read fails too. */
static int take(dj__reader *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        r->pos = r->len;
        return 0;
    }
    return 1;
}

uint64_t dj__rd_le(dj__reader *r, size_t n)
{
    if (!take(r, n))
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)r->p[r->pos + i] << (8 * i);
    r->pos += n;
    return v;
}

uint32_t dj__rd_u24(dj__reader *r) { return (uint32_t)dj__rd_le(r, 3); }
uint64_t dj__rd_u64(dj__reader *r) { return dj__rd_le(r, 8); }

uint64_t dj__rd_lenenc_general(dj__reader *r, int *is_null)
{
    if (is_null)
        *is_null = 0;
    uint8_t first = dj__rd_u8(r);
    if (r->bad)
        return 0;
    switch (first) {
    case 0xFB:
        if (is_null) {
            *is_null = 1;
            return 0;
        }
        r->bad = 1;
        return 0;
    case 0xFC: return dj__rd_le(r, 2);
    case 0xFD: return dj__rd_le(r, 3);
    case 0xFE: return dj__rd_le(r, 8);
    case 0xFF:
        r->bad = 1;
        return 0;
    default: return first;
    }
}

const uint8_t *dj__rd_bytes(dj__reader *r, size_t n)
{
    if (!take(r, n))
        return NULL;
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

const uint8_t *dj__rd_lenenc_str_general(dj__reader *r, size_t *len, int *is_null)
{
    int null = 0;
    uint64_t n = dj__rd_lenenc(r, is_null ? &null : NULL);
    if (is_null)
        *is_null = null;
    *len = 0;
    if (r->bad || null)
        return NULL;
    if (n > dj__reader_left(r)) {
        take(r, SIZE_MAX);
        return NULL;
    }
    *len = (size_t)n;
    return dj__rd_bytes(r, (size_t)n);
}

const uint8_t *dj__rd_nul_str(dj__reader *r, size_t *len, int to_end)
{
    *len = 0;
    if (r->bad)
        return NULL;
    const uint8_t *start = r->p + r->pos;
    const uint8_t *nul = memchr(start, 0, r->len - r->pos);
    if (!nul) {
        if (!to_end) {
            take(r, SIZE_MAX);
            return NULL;
        }
        *len = r->len - r->pos;
        r->pos = r->len;
        return start;
    }
    *len = (size_t)(nul - start);
    r->pos += *len + 1;
    return start;
}

const uint8_t *dj__rd_rest(dj__reader *r, size_t *len)
{
    *len = r->bad ? 0 : r->len - r->pos;
    const uint8_t *p = r->p + r->pos;
    r->pos = r->len;
    return p;
}

/* ---- builder ---- */

void dj__builder_init(dj__builder *b, const dj_allocator *alloc)
{
    memset(b, 0, sizeof *b);
    b->alloc = alloc;
}

void dj__builder_free(dj__builder *b, int wipe)
{
    if (wipe)
        dj__wipe(b->data, b->cap);
    dj__free(b->alloc, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void dj__builder_reset(dj__builder *b)
{
    b->len = 0;
    b->oom = 0;
}

int dj__builder_reserve(dj__builder *b, size_t n)
{
    if (b->oom)
        return DJ_ENOMEM;
    if (n <= b->cap - b->len)
        return 0;
    if (n > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return DJ_ENOMEM;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n)
        cap *= 2;
    uint8_t *p = dj__realloc(b->alloc, b->data, cap);
    if (!p) {
        b->oom = 1;
        return DJ_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

static void put_le(dj__builder *b, uint64_t v, size_t n)
{
    if (dj__builder_reserve(b, n))
        return;
    for (size_t i = 0; i < n; i++)
        b->data[b->len++] = (uint8_t)(v >> (8 * i));
}

void dj__put_u8(dj__builder *b, uint8_t v) { put_le(b, v, 1); }
void dj__put_u16(dj__builder *b, uint16_t v) { put_le(b, v, 2); }
void dj__put_u24(dj__builder *b, uint32_t v) { put_le(b, v, 3); }
void dj__put_u32(dj__builder *b, uint32_t v) { put_le(b, v, 4); }
void dj__put_u64(dj__builder *b, uint64_t v) { put_le(b, v, 8); }

void dj__put_bytes(dj__builder *b, const void *p, size_t n)
{
    if (n == 0 || dj__builder_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void dj__put_zeros(dj__builder *b, size_t n)
{
    if (n == 0 || dj__builder_reserve(b, n))
        return;
    memset(b->data + b->len, 0, n);
    b->len += n;
}

size_t dj__lenenc_size(uint64_t v)
{
    if (v < 251)
        return 1;
    if (v < (1u << 16))
        return 3;
    if (v < (1u << 24))
        return 4;
    return 9;
}

void dj__put_lenenc(dj__builder *b, uint64_t v)
{
    switch (dj__lenenc_size(v)) {
    case 1: put_le(b, v, 1); break;
    case 3: put_le(b, 0xFC, 1); put_le(b, v, 2); break;
    case 4: put_le(b, 0xFD, 1); put_le(b, v, 3); break;
    default: put_le(b, 0xFE, 1); put_le(b, v, 8); break;
    }
}

void dj__put_lenenc_str(dj__builder *b, const void *p, size_t n)
{
    dj__put_lenenc(b, n);
    dj__put_bytes(b, p, n);
}

void dj__put_nul_str(dj__builder *b, const char *s)
{
    dj__put_bytes(b, s, strlen(s) + 1);
}

/* Formats into the builder's free space; when that is too small, makes room
 * for the length the first pass reported and formats again. */
void dj__put_fmt(dj__builder *b, const char *fmt, ...)
{
    for (int pass = 0; pass < 2 && !b->oom; pass++) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        size_t n = dj__vfmt(room ? (char *)b->data + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < room) {
            b->len += n;
            return;
        }
        if (dj__builder_reserve(b, n + 1) != 0)
            return;
    }
}
