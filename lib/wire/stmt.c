/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stmt.c - the binary protocol of prepared statements (protocol notes 4.5):
 * the COM_STMT_PREPARE answer, COM_STMT_EXECUTE and COM_STMT_SEND_LONG_DATA
 * requests, and binary rows. No I/O; every length is checked against the
 * bytes given.
 */
#include "wire/stmt.h"

/* The parameter flag byte: unsigned integer. */
#define DJ__PARAM_UNSIGNED 0x80
/* Longest TIME the server stores, 838:59:59, is 34 days and 22 hours. */
#define DJ__TIME_MAX_DAYS 34u

int dj__prepare_ok_parse(const uint8_t *p, size_t len, dj__prepare_ok *ok, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    uint8_t header = dj__rd_u8(&r);
    ok->id = dj__rd_u32(&r);
    ok->ncols = dj__rd_u16(&r);
    ok->nparams = dj__rd_u16(&r);
    uint8_t filler = dj__rd_u8(&r);
    ok->warnings = dj__rd_u16(&r);
    if (r.bad || header != 0x00 || filler != 0x00 || dj__reader_left(&r) != 0)
        return dj__err(err, DJ_EPROTO, "malformed COM_STMT_PREPARE answer (%zu bytes)", len);
    return 0;
}

int dj__param_check(const dj_param *p)
{
    if ((unsigned)p->type > DJ_PARAM_LONG_DATA)
        return DJ_EINVAL;
    if ((p->type == DJ_PARAM_STRING || p->type == DJ_PARAM_BYTES) && !p->v.bytes.ptr &&
        p->v.bytes.len)
        return DJ_EINVAL;
    return 0;
}

int dj__param_is_long(const dj_param *p)
{
    if (p->type == DJ_PARAM_LONG_DATA)
        return 1;
    return (p->type == DJ_PARAM_STRING || p->type == DJ_PARAM_BYTES) &&
           p->v.bytes.len >= DJ_STMT_LONG_DATA_MIN;
}

/* The wire type a parameter is bound as, and its flag byte (the type was
 * checked by dj__param_check). */
static void param_wire_type(const dj_param *p, uint8_t *type, uint8_t *flags)
{
    static const uint8_t types[] = {
        [DJ_PARAM_NULL] = DJ_TYPE_NULL,         [DJ_PARAM_INT64] = DJ_TYPE_LONGLONG,
        [DJ_PARAM_UINT64] = DJ_TYPE_LONGLONG,   [DJ_PARAM_DOUBLE] = DJ_TYPE_DOUBLE,
        [DJ_PARAM_FLOAT] = DJ_TYPE_FLOAT,       [DJ_PARAM_STRING] = DJ_TYPE_VAR_STRING,
        [DJ_PARAM_BYTES] = DJ_TYPE_BLOB,        [DJ_PARAM_DATE] = DJ_TYPE_DATE,
        [DJ_PARAM_TIME] = DJ_TYPE_TIME,         [DJ_PARAM_DATETIME] = DJ_TYPE_DATETIME,
        [DJ_PARAM_TIMESTAMP] = DJ_TYPE_TIMESTAMP, [DJ_PARAM_LONG_DATA] = DJ_TYPE_BLOB,
    };
    *type = types[p->type];
    *flags = p->type == DJ_PARAM_UINT64 ? DJ__PARAM_UNSIGNED : 0;
}

static void put_temporal(dj__builder *b, const dj_param *p)
{
    const dj_datetime *t = &p->v.dt;
    if (p->type == DJ_PARAM_TIME) {
        dj__put_u8(b, 12);
        dj__put_u8(b, t->negative ? 1 : 0);
        dj__put_u32(b, t->days);
        dj__put_u8(b, t->hour);
        dj__put_u8(b, t->minute);
        dj__put_u8(b, t->second);
        dj__put_u32(b, t->microsecond);
        return;
    }
    int date_only = p->type == DJ_PARAM_DATE;
    dj__put_u8(b, date_only ? 4 : 11);
    dj__put_u16(b, t->year);
    dj__put_u8(b, t->month);
    dj__put_u8(b, t->day);
    if (date_only)
        return;
    dj__put_u8(b, t->hour);
    dj__put_u8(b, t->minute);
    dj__put_u8(b, t->second);
    dj__put_u32(b, t->microsecond);
}

static void put_value(dj__builder *b, const dj_param *p)
{
    uint32_t f32;
    uint64_t f64;
    switch (p->type) {
    case DJ_PARAM_INT64:
        dj__put_u64(b, (uint64_t)p->v.i64);
        break;
    case DJ_PARAM_UINT64:
        dj__put_u64(b, p->v.u64);
        break;
    case DJ_PARAM_DOUBLE:
        memcpy(&f64, &p->v.f64, sizeof f64);
        dj__put_u64(b, f64);
        break;
    case DJ_PARAM_FLOAT:
        memcpy(&f32, &p->v.f32, sizeof f32);
        dj__put_u32(b, f32);
        break;
    case DJ_PARAM_STRING:
    case DJ_PARAM_BYTES:
        dj__put_lenenc_str(b, p->v.bytes.ptr, p->v.bytes.len);
        break;
    default:
        put_temporal(b, p);
        break;
    }
}

int dj__stmt_execute_build(dj__builder *b, uint32_t id, const dj_param *params, unsigned n,
                           dj_error *err)
{
    dj__put_u32(b, id);
    dj__put_u8(b, 0x00);  /* no cursor */
    dj__put_u32(b, 1);    /* iteration count */
    if (n == 0)
        return 0;
    size_t bitmap_at = b->len, bitmap_len = (n + 7) / 8;
    dj__put_zeros(b, bitmap_len);
    dj__put_u8(b, 1);     /* types follow */
    for (unsigned i = 0; i < n; i++) {
        uint8_t type, flags;
        if (dj__param_check(&params[i]))
            return dj__err(err, DJ_EINVAL, "parameter %u: unknown type %d or no data", i + 1,
                           (int)params[i].type);
        param_wire_type(&params[i], &type, &flags);
        dj__put_u8(b, type);
        dj__put_u8(b, flags);
    }
    for (unsigned i = 0; i < n; i++) {
        if (params[i].type == DJ_PARAM_NULL) {
            if (!b->oom)
                b->data[bitmap_at + i / 8] |= (uint8_t)(1u << (i % 8));
        } else if (!dj__param_is_long(&params[i])) {
            put_value(b, &params[i]);
        }
    }
    return 0;
}

void dj__long_data_header_build(dj__builder *b, uint32_t id, uint16_t param)
{
    dj__put_u32(b, id);
    dj__put_u16(b, param);
}

size_t dj__binary_fixed_size(uint8_t type)
{
    switch (type) {
    case DJ_TYPE_TINY: return 1;
    case DJ_TYPE_SHORT: case DJ_TYPE_YEAR: return 2;
    case DJ_TYPE_LONG: case DJ_TYPE_INT24: case DJ_TYPE_FLOAT: return 4;
    case DJ_TYPE_LONGLONG: case DJ_TYPE_DOUBLE: return 8;
    default: return 0;
    }
}

int dj__type_is_temporal(uint8_t type)
{
    return type == DJ_TYPE_DATE || type == DJ_TYPE_DATETIME || type == DJ_TYPE_TIMESTAMP ||
           type == DJ_TYPE_TIME;
}

void dj__binary_temporal_decode(uint8_t type, const uint8_t *p, size_t len, dj_datetime *t)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    memset(t, 0, sizeof *t);
    if (type == DJ_TYPE_TIME) {
        if (len == 0)
            return;
        t->negative = dj__rd_u8(&r) != 0;
        t->days = dj__rd_u32(&r);
    } else {
        if (len == 0)
            return;
        t->year = dj__rd_u16(&r);
        t->month = dj__rd_u8(&r);
        t->day = dj__rd_u8(&r);
        if (len == 4)
            return;
    }
    t->hour = dj__rd_u8(&r);
    t->minute = dj__rd_u8(&r);
    t->second = dj__rd_u8(&r);
    if (dj__reader_left(&r) == 4)
        t->microsecond = dj__rd_u32(&r);
}

/* Length byte and field ranges of a packed date or time. */
static int temporal_ok(uint8_t type, const uint8_t *p, size_t len)
{
    if (type == DJ_TYPE_TIME ? (len != 0 && len != 8 && len != 12)
                             : (len != 0 && len != 4 && len != 7 && len != 11))
        return 0;
    if (len == 0)
        return 1;
    dj_datetime t;
    dj__binary_temporal_decode(type, p, len, &t);
    if (type == DJ_TYPE_TIME && (t.days > DJ__TIME_MAX_DAYS || p[0] > 1))
        return 0;
    if (type != DJ_TYPE_TIME && (t.month > 12 || t.day > 31))
        return 0;
    return t.hour < 24 && t.minute < 60 && t.second < 60 && t.microsecond < 1000000;
}

int dj__binary_row_parse(const uint8_t *p, size_t len, const dj_column *cols, unsigned ncols,
                         dj_value *values, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    if (dj__rd_u8(&r) != 0x00 || r.bad)
        return dj__err(err, DJ_EPROTO, "malformed binary row: header is not 0x00");
    size_t nbits = (size_t)ncols + 2, bitmap_len = (nbits + 7) / 8;
    const uint8_t *bitmap = dj__rd_bytes(&r, bitmap_len);
    if (!bitmap)
        return dj__err(err, DJ_EPROTO, "malformed binary row: NULL bitmap cut short");
    /* The two reserved bits and the padding after the last column are zero. */
    for (size_t bit = 0; bit < bitmap_len * 8; bit++)
        if ((bit < 2 || bit >= nbits) && (bitmap[bit / 8] >> (bit % 8) & 1))
            return dj__err(err, DJ_EPROTO, "malformed binary row: reserved NULL-bitmap bit %zu "
                                           "is set", bit);
    for (unsigned i = 0; i < ncols; i++) {
        size_t bit = (size_t)i + 2;
        if (bitmap[bit / 8] >> (bit % 8) & 1) {
            values[i].ptr = NULL;
            values[i].len = 0;
            continue;
        }
        uint8_t type = cols[i].type;
        size_t vlen = dj__binary_fixed_size(type);
        const uint8_t *v;
        if (vlen) {
            v = dj__rd_bytes(&r, vlen);
        } else if (dj__type_is_temporal(type)) {
            vlen = dj__rd_u8(&r);
            v = r.bad ? NULL : dj__rd_bytes(&r, vlen);
            if (!r.bad && !temporal_ok(type, v, vlen))
                return dj__err(err, DJ_EPROTO, "malformed binary row: column %u has a bad "
                                               "date/time value (%zu bytes)", i + 1, vlen);
        } else if (type == DJ_TYPE_NULL) {
            return dj__err(err, DJ_EPROTO, "malformed binary row: column %u of type NULL has "
                                           "a value", i + 1);
        } else {
            v = dj__rd_lenenc_str(&r, &vlen, NULL);
        }
        if (r.bad)
            return dj__err(err, DJ_EPROTO, "malformed binary row: value %u of %u is cut short",
                           i + 1, ncols);
        /* An empty value has no bytes but must stay distinct from NULL. */
        values[i].ptr = v && vlen ? (const char *)v : "";
        values[i].len = vlen;
    }
    if (dj__reader_left(&r) != 0)
        return dj__err(err, DJ_EPROTO, "malformed binary row: %zu bytes after the %u values",
                       dj__reader_left(&r), ncols);
    return 0;
}
