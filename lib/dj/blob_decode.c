/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blob_decode.c - bytes of a DataJoint blob to a value tree (blob.h).
 *
 * Every declared size is checked against the bytes present before anything
 * is allocated for it, a nested value must fill exactly the length its
 * parent declared (as datajoint-python checks), and nothing may follow the
 * top value: malformed input is an error, never a silently empty value.
 */
#include "dj/blob.h"
#include "wire/buf.h"

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

typedef struct dec {
    dj__reader r;
    const dj_allocator *alloc;
    int can_point; /* elements may stay where they are in r's bytes */
    dj_error *err;
} dec;

static int value(dec *d, unsigned depth, dj_val **out);

static int bad(dec *d, const char *what)
{
    return dj__err(d->err, DJ_EPROTO, "malformed blob at byte %zu: %s", d->r.pos, what);
}

/* A count of things each taking at least `min` bytes, checked against the
 * bytes left so that no size from the blob drives an allocation alone. */
static int count(dec *d, uint64_t n, size_t min, size_t *out)
{
    if (d->r.bad || n > dj__reader_left(&d->r) / min)
        return bad(d, "a declared size exceeds the bytes present");
    *out = (size_t)n;
    return 0;
}

/* One value preceded by its uint64 length, which it must fill exactly. */
static int child(dec *d, unsigned depth, dj_val **out)
{
    uint64_t n = dj__rd_u64(&d->r);
    if (d->r.bad || n > dj__reader_left(&d->r))
        return bad(d, "a declared length exceeds the bytes present");
    size_t outer = d->r.len;
    d->r.len = d->r.pos + (size_t)n;
    int rc = value(d, depth, out);
    if (rc == 0 && d->r.pos != d->r.len)
        rc = bad(d, "a nested value is shorter than its declared length");
    d->r.len = outer;
    if (rc) {
        dj_val_free(*out);
        *out = NULL;
    }
    return rc;
}

static int children(dec *d, dj_val *v, size_t n, unsigned depth)
{
    int rc = dj__val_items(v, n, d->err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = child(d, depth, &v->items[i]);
    return rc;
}

static int shape(dec *d, dj_val *v)
{
    uint64_t nd = dj__rd_u64(&d->r);
    if (d->r.bad || nd > DJ_BLOB_MAX_DIMS)
        return bad(d, "too many dimensions");
    uint64_t dims[DJ_BLOB_MAX_DIMS];
    for (uint64_t i = 0; i < nd; i++)
        dims[i] = dj__rd_u64(&d->r);
    if (d->r.bad)
        return bad(d, "the shape is cut short");
    int rc = dj__val_set_shape(v, (size_t)nd, dims, d->err);
    return rc == DJ_ETOOBIG ? bad(d, "the shape has more elements than bytes") : rc;
}

static int names(dec *d, dj_val *v, size_t n)
{
    v->names = dj__malloc(d->alloc, (n ? n : 1) * sizeof *v->names);
    if (!v->names)
        return dj__err(d->err, DJ_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const uint8_t *s = dj__rd_nul_str(&d->r, &len, 0);
        if (!s)
            return bad(d, "a field name has no end");
        for (size_t k = 0; k < len; k += dj__utf8_len(s + k, len - k))
            if (!dj__utf8_len(s + k, len - k))
                return bad(d, "a field name is not UTF-8");
        v->names[i] = dj__strndup(d->alloc, (const char *)s, len);
        if (!v->names[i])
            return dj__err(d->err, DJ_ENOMEM, "out of memory");
        v->nfields = i + 1;
    }
    return 0;
}

static int elements(dec *d, dj_val *v)
{
    size_t size = dj__blob_class_size(v->cls), n = v->count * (v->is_complex ? 2 : 1);
    if (n > dj__reader_left(&d->r) / size)
        return bad(d, "the array's elements exceed the bytes present");
    const uint8_t *src = dj__rd_bytes(&d->r, n * size);
    if (d->can_point && (uintptr_t)src % size == 0) {
        v->data = src;
        return 0;
    }
    v->own = dj__malloc(d->alloc, n * size);
    if (!v->own)
        return dj__err(d->err, DJ_ENOMEM, "out of memory for a %zu-byte array", n * size);
    dj__blob_le_copy(v->own, src, n, size);
    v->data = v->own;
    return 0;
}

static int array(dec *d, dj_val *v, unsigned depth)
{
    int rc = shape(d, v);
    if (rc)
        return rc;
    uint32_t cls = dj__rd_u32(&d->r), cplx = dj__rd_u32(&d->r);
    if (d->r.bad)
        return bad(d, "the array header is cut short");
    if (cls != DJ_BLOB_OBJECT && !dj__blob_class_size(cls))
        return bad(d, "unknown array class");
    if (cplx > 1 || (cplx && !dj__blob_class_numeric(cls)))
        return bad(d, "bad complex flag");
    v->cls = (dj_blob_class)cls;
    v->is_complex = (int)cplx;
    if (cls != DJ_BLOB_OBJECT)
        return elements(d, v);
    size_t n = 0;
    return count(d, v->count, 9, &n) ? DJ_EPROTO : children(d, v, n, depth);
}

static int structure(dec *d, dj_val *v, unsigned depth)
{
    size_t nf = 0;
    int rc = shape(d, v);
    if (rc == 0)
        rc = count(d, dj__rd_u32(&d->r), 1, &nf);
    if (rc == 0)
        rc = names(d, v, nf);
    if (rc || nf == 0)
        return rc;
    size_t n = 0;
    if (v->count > SIZE_MAX / nf || count(d, (uint64_t)v->count * nf, 9, &n))
        return bad(d, "the struct's values exceed the bytes present");
    return children(d, v, n, depth);
}

static int cell(dec *d, dj_val *v, unsigned depth)
{
    size_t n = 0;
    int rc = shape(d, v);
    if (rc == 0)
        rc = count(d, v->count, 9, &n);
    return rc ? rc : children(d, v, n, depth);
}

/* numpy record array: one array (or record array) per field, no lengths. */
static int recarray(dec *d, dj_val *v, unsigned depth)
{
    size_t nf = 0;
    int rc = count(d, dj__rd_u32(&d->r), 2, &nf);
    if (rc == 0)
        rc = names(d, v, nf);
    if (rc == 0)
        rc = dj__val_items(v, nf, d->err);
    for (size_t i = 0; rc == 0 && i < nf; i++) {
        rc = value(d, depth, &v->items[i]);
        if (rc)
            break;
        const dj_val *f = v->items[i], *f0 = v->items[0];
        if (f->kind != DJ_VAL_ARRAY && f->kind != DJ_VAL_RECARRAY)
            return bad(d, "a record array field is not an array");
        if (f->ndims != f0->ndims || (f->ndims && memcmp(f->shape, f0->shape, f->ndims * 8)))
            return bad(d, "record array fields differ in shape");
    }
    if (rc)
        return rc;
    return dj__val_set_shape(v, nf ? v->items[0]->ndims : 0, nf ? v->items[0]->shape : NULL,
                               d->err);
}

static int sequence(dec *d, dj_val *v, unsigned depth, size_t per)
{
    size_t n = 0;
    if (count(d, dj__rd_u64(&d->r), 9 * per, &n))
        return DJ_EPROTO;
    return children(d, v, n * per, depth);
}

static int text(dec *d, dj_val_kind kind, dj_val **out)
{
    uint64_t n = dj__rd_u64(&d->r);
    if (d->r.bad || n > dj__reader_left(&d->r))
        return bad(d, "a declared length exceeds the bytes present");
    const uint8_t *p = dj__rd_bytes(&d->r, (size_t)n);
    int rc = dj_val_text(d->alloc, kind, p, (size_t)n, out, d->err);
    return rc == DJ_EINVAL ? bad(d, kind == DJ_VAL_STR ? "a str is not UTF-8"
                                                          : "a Decimal's text is not a number")
                           : rc;
}

static double rd_double(dj__reader *r)
{
    uint64_t u = dj__rd_u64(r);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int when(dec *d, dj_val **out)
{
    int32_t date = (int32_t)dj__rd_u32(&d->r);
    int64_t time = (int64_t)dj__rd_u64(&d->r);
    if (d->r.bad)
        return bad(d, "a date or time is cut short");
    dj_blob_time t = {0, 0, 0, 0, 0, 0, 0};
    dj_val_kind kind = date >= 0 ? (time >= 0 ? DJ_VAL_DATETIME : DJ_VAL_DATE)
                                   : (time >= 0 ? DJ_VAL_TIME : DJ_VAL_NONE);
    if (kind == DJ_VAL_NONE) { /* datajoint-python reads neither part as None */
        *out = dj_val_none(d->alloc);
        return *out ? 0 : dj__err(d->err, DJ_ENOMEM, "out of memory");
    }
    if (date >= 0) {
        t.year = date / 10000;
        t.month = date / 100 % 100;
        t.day = date % 100;
    }
    if (time >= 0) {
        if (time >= 240000000000)
            return bad(d, "no such time of day");
        t.hour = (int)(time / 10000000000);
        t.minute = (int)(time / 100000000 % 100);
        t.second = (int)(time / 1000000 % 100);
        t.microsecond = (int)(time % 1000000);
    }
    int rc = dj_val_time(d->alloc, kind, &t, out, d->err);
    return rc == DJ_EINVAL ? bad(d, "no such date or time") : rc;
}

static int scalar(dec *d, uint8_t code, dj_val **out)
{
    dj_val *v = NULL;
    switch (code) {
    case 0xFF:
        v = dj_val_none(d->alloc);
        break;
    case 0x0B:
        v = dj_val_bool(d->alloc, dj__rd_u8(&d->r));
        break;
    case 0x0C: {
        double re = rd_double(&d->r);
        v = dj_val_complex(d->alloc, re, rd_double(&d->r));
        break;
    }
    case 0x0D:
        v = dj_val_float(d->alloc, rd_double(&d->r));
        break;
    case 'u': {
        const uint8_t *p = dj__rd_bytes(&d->r, 16);
        v = p ? dj_val_uuid(d->alloc, p) : NULL;
        break;
    }
    default:
        return dj__err(d->err, DJ_EPROTO, "malformed blob at byte %zu: unknown value code 0x%02x",
                       d->r.pos - 1, code);
    }
    if (d->r.bad) {
        dj_val_free(v);
        return bad(d, "a value is cut short");
    }
    *out = v;
    return v ? 0 : dj__err(d->err, DJ_ENOMEM, "out of memory");
}

static int value(dec *d, unsigned depth, dj_val **out)
{
    *out = NULL;
    if (depth > DJ_BLOB_MAX_DEPTH)
        return dj__err(d->err, DJ_ETOOBIG, "blob nested deeper than %d levels", DJ_BLOB_MAX_DEPTH);
    uint8_t code = dj__rd_u8(&d->r);
    if (d->r.bad)
        return bad(d, "a value is missing");
    dj_val_kind kind;
    switch (code) {
    case 'A': kind = DJ_VAL_ARRAY; break;
    case 'S': kind = DJ_VAL_STRUCT; break;
    case 'C': kind = DJ_VAL_CELL; break;
    case 'F': kind = DJ_VAL_RECARRAY; break;
    case 0x01: kind = DJ_VAL_TUPLE; break;
    case 0x02: kind = DJ_VAL_LIST; break;
    case 0x03: kind = DJ_VAL_SET; break;
    case 0x04: kind = DJ_VAL_DICT; break;
    case 0x05: return text(d, DJ_VAL_STR, out);
    case 0x06: return text(d, DJ_VAL_BYTES, out);
    case 'd': return text(d, DJ_VAL_DECIMAL, out);
    case 't': return when(d, out);
    case 0x0A: {
        uint16_t n = dj__rd_u16(&d->r);
        const uint8_t *p = dj__rd_bytes(&d->r, n);
        return d->r.bad ? bad(d, "an int is cut short") : dj__val_int_le(d->alloc, p, n, out, d->err);
    }
    case 'P':
        return dj__err(d->err, DJ_EUNSUPPORTED,
                       "MATLAB sparse arrays are not supported (nor by datajoint-python)");
    default:
        return scalar(d, code, out);
    }
    dj_val *v = dj__val_new(d->alloc, kind);
    if (!v)
        return dj__err(d->err, DJ_ENOMEM, "out of memory");
    int rc;
    switch (code) {
    case 'A': rc = array(d, v, depth + 1); break;
    case 'S': rc = structure(d, v, depth + 1); break;
    case 'C': rc = cell(d, v, depth + 1); break;
    case 'F': rc = recarray(d, v, depth + 1); break;
    default: rc = sequence(d, v, depth + 1, kind == DJ_VAL_DICT ? 2 : 1); break;
    }
    if (rc) {
        dj_val_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

#ifdef HAVE_ZLIB
/* Inflates the zlib stream into exactly `want` bytes; anything else is an error. */
/* *out is the block to free; the blob starts 3 bytes into it. */
static int inflate_all(const uint8_t *p, size_t n, uint64_t want, const dj_allocator *alloc,
                       uint8_t **out, dj_error *err)
{
    /* deflate cannot shrink data more than 1032:1: a larger claim is a lie,
     * refused before it sizes an allocation. */
    if (want > (uint64_t)n * 1032 + 64 || want > SIZE_MAX - 4)
        return dj__err(err, DJ_EPROTO, "malformed blob: a compressed blob of %zu bytes cannot "
                       "inflate to the %llu it declares", n, (unsigned long long)want);
    /* The stream goes 3 bytes into the block, so that the elements of a
     * top-level array (at 21 + 8 x ndims after "mYm\0") fall on an 8-byte
     * boundary and are used where they are. */
    uint8_t *block = dj__malloc(alloc, (size_t)want + 4), *buf = block ? block + 3 : NULL;
    if (!block)
        return dj__err(err, DJ_ENOMEM, "out of memory inflating a %llu-byte blob",
                       (unsigned long long)want);
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = inflateInit(&z);
    /* One spare output byte tells a stream that yields too much. zlib counts
     * in uInt: feed it in pieces. */
    size_t in_left = n, out_left = (size_t)want + 1;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.next_out = buf;
    while (rc == Z_OK) {
        if (z.avail_in == 0) {
            z.avail_in = (uInt)DJ__MIN(in_left, (size_t)UINT32_MAX);
            in_left -= z.avail_in;
        }
        if (z.avail_out == 0) {
            z.avail_out = (uInt)DJ__MIN(out_left, (size_t)UINT32_MAX);
            out_left -= z.avail_out;
        }
        rc = inflate(&z, Z_NO_FLUSH);
    }
    int whole = rc == Z_STREAM_END && z.avail_in == 0 && in_left == 0 &&
                z.avail_out + out_left == 1;
    inflateEnd(&z);
    if (whole) {
        *out = block;
        return 0;
    }
    dj__free(alloc, block);
    return dj__err(err, DJ_EPROTO, "malformed blob: the compressed stream does not inflate to "
                   "exactly the %llu bytes it declares (zlib: %s)", (unsigned long long)want,
                   rc == Z_STREAM_END || rc == Z_BUF_ERROR ? "length mismatch" : zError(rc));
}
#else
static int inflate_all(const uint8_t *p, size_t n, uint64_t want, const dj_allocator *alloc,
                       uint8_t **out, dj_error *err)
{
    (void)p, (void)n, (void)want, (void)alloc, (void)out;
    return dj__err(err, DJ_EUNSUPPORTED,
                   "the blob is compressed and zlib is not compiled in (configure --with-zlib)");
}
#endif

int dj_blob_decode(const void *blob, size_t len, unsigned flags, const dj_allocator *alloc,
                   dj_val **out, dj_error *err)
{
    *out = NULL;
    const uint8_t *p = blob ? blob : (const uint8_t *)"";
    uint8_t *keep = NULL;
    dec d = {.alloc = alloc, .err = err};
#ifndef WORDS_BIGENDIAN
    d.can_point = (flags & DJ_BLOB_BORROW) != 0;
#endif
    if (len >= 6 && memcmp(p, "ZL123\0", 6) == 0) {
        if (len < 14)
            return dj__err(err, DJ_EPROTO, "malformed blob: the compressed header is cut short");
        dj__reader_init(&d.r, p + 6, 8);
        uint64_t want = dj__rd_u64(&d.r);
        int rc = inflate_all(p + 14, len - 14, want, alloc, &keep, err);
        if (rc)
            return rc;
        p = keep + 3;
        len = (size_t)want;
#ifndef WORDS_BIGENDIAN
        d.can_point = 1;
#endif
    }
    if (len < 4 || (memcmp(p, "mYm\0", 4) && memcmp(p, "dj0\0", 4))) {
        dj__free(alloc, keep);
        return dj__err(err, DJ_EPROTO, "not a DataJoint blob: it starts with neither mYm nor dj0");
    }
    dj__reader_init(&d.r, p + 4, len - 4);
    int rc = value(&d, 1, out);
    if (rc == 0 && dj__reader_left(&d.r))
        rc = bad(&d, "bytes follow the value");
    if (rc) {
        dj_val_free(*out);
        *out = NULL;
        dj__free(alloc, keep);
        return rc;
    }
    (*out)->keep = keep;
    return 0;
}
