/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blob_encode.c - a value tree to the bytes datajoint-python would store
 * (blob.h): the same codes, the same protocol choice (mYm\0 unless a value
 * MATLAB cannot read occurs), the same integer widths and the same
 * compression rule, so that a value it decoded re-encodes byte for byte.
 */
#include "dj/blob.h"
#include "wire/buf.h"

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

typedef struct enc {
    dj__builder b;
    int dj0; /* a value only datajoint-python reads was written */
    dj_error *err;
} enc;

static int value(enc *e, const dj_val *v, unsigned depth);

static void put_double(dj__builder *b, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    dj__put_u64(b, u);
}

static void put_shape(dj__builder *b, const dj_val *v)
{
    dj__put_u64(b, v->ndims);
    for (size_t i = 0; i < v->ndims; i++)
        dj__put_u64(b, v->shape[i]);
}

/* A value preceded by its uint64 length, patched in afterwards. */
static int child(enc *e, const dj_val *v, unsigned depth)
{
    size_t at = e->b.len;
    dj__put_u64(&e->b, 0);
    int rc = value(e, v, depth);
    if (rc == 0 && !e->b.oom) {
        uint64_t n = e->b.len - at - 8;
        for (int i = 0; i < 8; i++)
            e->b.data[at + i] = (uint8_t)(n >> (8 * i));
    }
    return rc;
}

static int children(enc *e, const dj_val *v, unsigned depth)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < v->nitems; i++)
        rc = child(e, v->items[i], depth);
    return rc;
}

static void put_names(dj__builder *b, const dj_val *v)
{
    for (size_t i = 0; i < v->nfields; i++)
        dj__put_nul_str(b, v->names[i]);
}

static int array(enc *e, const dj_val *v, unsigned depth)
{
    /* datajoint-python writes 0-d numeric arrays (numpy scalars), datetime64
     * and object arrays only in its own dj0 protocol. */
    if ((v->ndims == 0 && v->cls != DJ_BLOB_CHAR) || v->cls == DJ_BLOB_OBJECT ||
        v->cls >= DJ_BLOB_DATETIME64_Y)
        e->dj0 = 1;
    dj__put_u8(&e->b, 'A');
    put_shape(&e->b, v);
    dj__put_u32(&e->b, (uint32_t)v->cls);
    dj__put_u32(&e->b, (uint32_t)v->is_complex);
    if (v->cls == DJ_BLOB_OBJECT)
        return children(e, v, depth);
    size_t size = dj__blob_class_size(v->cls), n = v->count * (v->is_complex ? 2 : 1);
    if (dj__builder_reserve(&e->b, n * size) == 0) {
        dj__blob_le_copy(e->b.data + e->b.len, v->data, n, size);
        e->b.len += n * size;
    }
    return 0;
}

static int recarray(enc *e, const dj_val *v, unsigned depth)
{
    dj__put_u8(&e->b, 'F');
    dj__put_u32(&e->b, (uint32_t)v->nfields);
    put_names(&e->b, v);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < v->nitems; i++) {
        const dj_val *f = v->items[i];
        if (!f || (f->kind != DJ_VAL_ARRAY && f->kind != DJ_VAL_RECARRAY))
            return dj__err(e->err, DJ_EINVAL, "a record array field must be an array");
        rc = value(e, f, depth);
    }
    return rc;
}

/* Python's int.to_bytes(bit_length // 8 + 1): the width depends on the
 * magnitude, so -128 takes two bytes although one would hold it. */
static int integer(enc *e, const dj_val *v)
{
    const uint8_t *p = v->bytes;
    size_t n = v->nbytes;
    uint8_t fill = (p[n - 1] & 0x80) ? 0xFF : 0;
    /* For a negative v, |v| = ~v + 1: the bit length of ~v, one more when
     * ~v is all ones (|v| a power of two). */
    size_t top = n;
    while (top > 0 && (uint8_t)(p[top - 1] ^ fill) == 0)
        top--;
    size_t bits = 0;
    int all_ones = 1;
    if (top) {
        uint8_t hi = (uint8_t)(p[top - 1] ^ fill);
        for (bits = (top - 1) * 8; hi; hi >>= 1)
            bits++;
        all_ones = ((p[top - 1] ^ fill) & ((p[top - 1] ^ fill) + 1)) == 0;
        for (size_t i = 0; i + 1 < top && all_ones; i++)
            all_ones = (uint8_t)(p[i] ^ fill) == 0xFF;
    }
    if (fill && all_ones)
        bits++;
    size_t width = bits / 8 + 1;
    if (width > 0xFFFF)
        return dj__err(e->err, DJ_ETOOBIG, "an integer of more than 65535 bytes cannot be stored");
    dj__put_u8(&e->b, 0x0A);
    dj__put_u16(&e->b, (uint16_t)width);
    dj__put_bytes(&e->b, p, DJ__MIN(n, width));
    for (size_t i = n; i < width; i++)
        dj__put_u8(&e->b, fill);
    return 0;
}

static void when(enc *e, const dj_val *v)
{
    const dj_blob_time *t = &v->t;
    int date = v->kind != DJ_VAL_TIME, time = v->kind != DJ_VAL_DATE;
    dj__put_u8(&e->b, 't');
    dj__put_u32(&e->b, date ? (uint32_t)((t->year * 100 + t->month) * 100 + t->day) : UINT32_MAX);
    dj__put_u64(&e->b, time ? (uint64_t)(((t->hour * 100 + t->minute) * 100 + t->second) *
                                             (int64_t)1000000 + t->microsecond)
                            : UINT64_MAX);
}

static const uint8_t text_codes[] = {[DJ_VAL_STR] = 0x05, [DJ_VAL_BYTES] = 0x06,
                                     [DJ_VAL_DECIMAL] = 'd'};
static const uint8_t seq_codes[] = {[DJ_VAL_TUPLE] = 0x01, [DJ_VAL_LIST] = 0x02,
                                    [DJ_VAL_SET] = 0x03, [DJ_VAL_DICT] = 0x04};

static int value(enc *e, const dj_val *v, unsigned depth)
{
    if (depth > DJ_BLOB_MAX_DEPTH)
        return dj__err(e->err, DJ_ETOOBIG, "value nested deeper than %d levels", DJ_BLOB_MAX_DEPTH);
    if (!v) { /* an item never set is None */
        e->dj0 = 1;
        dj__put_u8(&e->b, 0xFF);
        return 0;
    }
    if (v->kind != DJ_VAL_ARRAY && v->kind != DJ_VAL_STRUCT && v->kind != DJ_VAL_CELL)
        e->dj0 = 1;
    switch (v->kind) {
    case DJ_VAL_NONE:
        dj__put_u8(&e->b, 0xFF);
        return 0;
    case DJ_VAL_BOOL:
        dj__put_u8(&e->b, 0x0B);
        dj__put_u8(&e->b, (uint8_t)v->b);
        return 0;
    case DJ_VAL_INT:
        return integer(e, v);
    case DJ_VAL_FLOAT:
        dj__put_u8(&e->b, 0x0D);
        put_double(&e->b, v->f[0]);
        return 0;
    case DJ_VAL_COMPLEX:
        dj__put_u8(&e->b, 0x0C);
        put_double(&e->b, v->f[0]);
        put_double(&e->b, v->f[1]);
        return 0;
    case DJ_VAL_STR:
    case DJ_VAL_BYTES:
    case DJ_VAL_DECIMAL:
        dj__put_u8(&e->b, text_codes[v->kind]);
        dj__put_u64(&e->b, v->nbytes);
        dj__put_bytes(&e->b, v->bytes, v->nbytes);
        return 0;
    case DJ_VAL_DATE:
    case DJ_VAL_TIME:
    case DJ_VAL_DATETIME:
        when(e, v);
        return 0;
    case DJ_VAL_UUID:
        dj__put_u8(&e->b, 'u');
        dj__put_bytes(&e->b, v->uuid, 16);
        return 0;
    case DJ_VAL_ARRAY:
        return array(e, v, depth + 1);
    case DJ_VAL_STRUCT:
        dj__put_u8(&e->b, 'S');
        put_shape(&e->b, v);
        dj__put_u32(&e->b, (uint32_t)v->nfields);
        put_names(&e->b, v);
        return children(e, v, depth + 1);
    case DJ_VAL_CELL:
        dj__put_u8(&e->b, 'C');
        put_shape(&e->b, v);
        return children(e, v, depth + 1);
    case DJ_VAL_RECARRAY:
        return recarray(e, v, depth + 1);
    case DJ_VAL_TUPLE:
    case DJ_VAL_LIST:
    case DJ_VAL_SET:
    case DJ_VAL_DICT:
        dj__put_u8(&e->b, seq_codes[v->kind]);
        dj__put_u64(&e->b, v->kind == DJ_VAL_DICT ? v->nitems / 2 : v->nitems);
        return children(e, v, depth + 1);
    }
    return dj__err(e->err, DJ_EINVAL, "unknown value kind %d", (int)v->kind);
}

/* datajoint-python's rule: over 1,000 bytes, and only when it gets shorter. */
static void compress_if_smaller(enc *e)
{
#ifdef HAVE_ZLIB
    if (e->b.len <= 1000 || e->b.len > (size_t)UINT32_MAX)
        return;
    uLong bound = compressBound((uLong)e->b.len);
    uint8_t *z = dj__malloc(e->b.alloc, 14 + (size_t)bound);
    if (!z)
        return; /* the uncompressed blob is as valid */
    uLongf zlen = bound;
    if (compress(z + 14, &zlen, e->b.data, (uLong)e->b.len) == Z_OK && 14 + zlen < e->b.len) {
        memcpy(z, "ZL123\0", 6);
        for (int i = 0; i < 8; i++)
            z[6 + i] = (uint8_t)((uint64_t)e->b.len >> (8 * i));
        dj__free(e->b.alloc, e->b.data);
        e->b.data = z;
        e->b.len = e->b.cap = 14 + zlen;
        return;
    }
    dj__free(e->b.alloc, z);
#else
    (void)e;
#endif
}

int dj_blob_encode(const dj_val *v, unsigned flags, uint8_t **out, size_t *len, dj_error *err)
{
    *out = NULL;
    *len = 0;
    enc e = {.err = err};
    dj__builder_init(&e.b, v ? v->alloc : NULL);
    dj__put_bytes(&e.b, "mYm\0", 4);
    int rc = value(&e, v, 1);
    if (rc == 0 && e.b.oom)
        rc = dj__err(err, DJ_ENOMEM, "out of memory encoding a blob");
    if (rc) {
        dj__builder_free(&e.b, 0);
        return rc;
    }
    if (e.dj0)
        memcpy(e.b.data, "dj0\0", 4);
    if (!(flags & DJ_BLOB_NO_COMPRESS))
        compress_if_smaller(&e);
    *out = e.b.data;
    *len = e.b.len;
    return 0;
}
