/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blob_json_out.c - a value tree as one line of JSON in the description
 * format of datajoint's blob test vectors: what json.dumps(sort_keys=True,
 * ensure_ascii=False) gives for the description, floats as Python's
 * float.hex(). So descriptions compare as text as well as parsed.
 */
#include "dj/blob.h"
#include "wire/buf.h"

#include <math.h>
#include <stdlib.h>

typedef struct out {
    dj__builder b;
    dj_error *err;
    int rc;
} out;

static void value(out *o, const dj_val *v, unsigned depth);

static void str(out *o, const char *s) { dj__put_bytes(&o->b, s, strlen(s)); }

/* The inside of a JSON string: only '"', '\\' and control characters are escaped. */
static void jinner(out *o, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                        : c == '\f' ? "\\f" : NULL;
        if (esc)
            str(o, esc);
        else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            str(o, u);
        } else
            dj__put_u8(&o->b, c);
    }
}

static void jstr(out *o, const uint8_t *s, size_t n)
{
    dj__put_u8(&o->b, '"');
    jinner(o, s, n);
    dj__put_u8(&o->b, '"');
}

/* Python's float.hex(): 0x1.<13 hex digits>p<exp>, subnormals 0x0.<..>p-1022. */
static void hexfloat(out *o, double x)
{
    if (isnan(x)) {
        str(o, "\"nan\"");
        return;
    }
    if (isinf(x)) {
        str(o, x < 0 ? "\"-inf\"" : "\"inf\"");
        return;
    }
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    const char *sign = u >> 63 ? "-" : "";
    int e = (int)(u >> 52 & 0x7FF);
    unsigned long long m = u & 0xFFFFFFFFFFFFFull;
    if (e == 0 && m == 0)
        dj__put_fmt(&o->b, "\"%s0x0.0p+0\"", sign);
    else if (e == 0)
        dj__put_fmt(&o->b, "\"%s0x0.%013llxp-1022\"", sign, m);
    else
        dj__put_fmt(&o->b, "\"%s0x1.%013llxp%s%d\"", sign, m, e >= 1023 ? "+" : "", e - 1023);
}

static void shape(out *o, const dj_val *v)
{
    str(o, "\"shape\": [");
    for (size_t i = 0; i < v->ndims; i++)
        dj__put_fmt(&o->b, "%s%llu", i ? ", " : "", (unsigned long long)v->shape[i]);
    str(o, "]");
}

/* Element i of a numeric array as JSON. */
static void number(out *o, const dj_val *v, size_t i)
{
    const uint8_t *p = (const uint8_t *)v->data + i * dj__blob_class_size(v->cls);
    union { double d; float f; int64_t i64; uint64_t u64; int32_t i32; uint32_t u32;
            int16_t i16; uint16_t u16; int8_t i8; uint8_t u8; } x;
    memcpy(&x, p, dj__blob_class_size(v->cls));
    switch (v->cls) {
    case DJ_BLOB_LOGICAL: str(o, x.u8 ? "true" : "false"); break;
    case DJ_BLOB_DOUBLE: hexfloat(o, x.d); break;
    case DJ_BLOB_SINGLE: hexfloat(o, x.f); break;
    case DJ_BLOB_INT8: dj__put_fmt(&o->b, "%d", x.i8); break;
    case DJ_BLOB_UINT8: dj__put_fmt(&o->b, "%u", x.u8); break;
    case DJ_BLOB_INT16: dj__put_fmt(&o->b, "%d", x.i16); break;
    case DJ_BLOB_UINT16: dj__put_fmt(&o->b, "%u", x.u16); break;
    case DJ_BLOB_INT32: dj__put_fmt(&o->b, "%d", (int)x.i32); break;
    case DJ_BLOB_UINT32: dj__put_fmt(&o->b, "%u", (unsigned)x.u32); break;
    case DJ_BLOB_INT64: dj__put_fmt(&o->b, "%lld", (long long)x.i64); break;
    default: dj__put_fmt(&o->b, "%llu", (unsigned long long)x.u64); break;
    }
}

/* Floor division and its remainder for b > 0, without an intermediate
 * product that could overflow near INT64_MIN. */
static int64_t floordiv(int64_t a, int64_t b) { return a / b - (a % b < 0); }
static int64_t floormod(int64_t a, int64_t b) { return a % b + (a % b < 0 ? b : 0); }

/* Dates further than 2^40 days (some 3 billion years) from 1970 are refused:
 * numpy's calendar text means nothing there, and the arithmetic below stays
 * far from int64's limits. */
#define DT_MAX_DAYS ((int64_t)1 << 40)

static int datetime64_range(out *o, int64_t x)
{
    o->rc = dj__err(o->err, DJ_EUNSUPPORTED,
                    "datetime64 value %lld is more than 2^40 days from 1970", (long long)x);
    return o->rc;
}

/* numpy's text of a datetime64 in its unit: 2026, 2026-01, 2026-01-02T03:04:05.123 ... */
static void datetime64(out *o, int64_t x, unsigned unit)
{
    if (x == INT64_MIN) {
        str(o, "\"NaT\"");
        return;
    }
    if (unit <= 1) {
        if (x > DT_MAX_DAYS || x < -DT_MAX_DAYS) {
            datetime64_range(o, x);
            return;
        }
        if (unit == 0)
            dj__put_fmt(&o->b, "\"%04lld\"", (long long)(x + 1970));
        else
            dj__put_fmt(&o->b, "\"%04lld-%02d\"", (long long)(floordiv(x, 12) + 1970),
                        (int)floormod(x, 12) + 1);
        return;
    }
    static const int64_t per_day[] = {0, 0, 0, 1, 24, 1440, 86400};
    int64_t days, rest = 0, per = 1;
    int frac_digits = 0;
    if (unit == 2)
        days = x > DT_MAX_DAYS || x < -DT_MAX_DAYS ? x : x * 7;
    else if (unit <= 6) {
        days = floordiv(x, per_day[unit]);
        rest = floormod(x, per_day[unit]);
    } else {
        frac_digits = (int)(unit - 6) * 3;
        for (int k = 0; k < frac_digits; k++)
            per *= 10;
        int64_t secs = floordiv(x, per);
        days = floordiv(secs, 86400);
        rest = floormod(secs, 86400);
    }
    if (days > DT_MAX_DAYS || days < -DT_MAX_DAYS) {
        datetime64_range(o, x);
        return;
    }
    int64_t y;
    int m, d;
    dj__blob_civil(days, &y, &m, &d);
    dj__put_fmt(&o->b, "\"%04lld-%02d-%02d", (long long)y, m, d);
    if (unit == 4)
        dj__put_fmt(&o->b, "T%02d", (int)rest);
    else if (unit == 5)
        dj__put_fmt(&o->b, "T%02d:%02d", (int)(rest / 60), (int)(rest % 60));
    else if (unit >= 6)
        dj__put_fmt(&o->b, "T%02d:%02d:%02d", (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
    if (frac_digits)
        dj__put_fmt(&o->b, ".%0*lld", frac_digits, (long long)floormod(x, per));
    str(o, "\"");
}

/* A MATLAB char array as datajoint-python returns it: a row is one string,
 * anything else one string per element; it keeps each unit's low byte. */
static void chars(out *o, const dj_val *v)
{
    const uint16_t *u = v->data;
    int row = (v->ndims == 2 && v->shape[0] == 1) || v->ndims == 1;
    str(o, "\"data\": [\"");
    for (size_t i = 0; i < v->count; i++) {
        uint8_t c = (uint8_t)u[i], utf8[2] = {(uint8_t)(0xC0 | c >> 6), (uint8_t)(0x80 | (c & 0x3F))};
        if (i && !row)
            str(o, "\", \"");
        if (c >= 0x80)
            dj__put_bytes(&o->b, utf8, 2);
        else
            jinner(o, &c, 1);
    }
    str(o, row ? "\"], \"shape\": [1]" : "\"], ");
    if (!row)
        shape(o, v);
}

static void array(out *o, const dj_val *v, unsigned depth)
{
    unsigned cls = v->cls;
    str(o, "{\"array\": {\"class\": \"");
    if (cls >= DJ_BLOB_DATETIME64_Y)
        dj__put_fmt(&o->b, "datetime64[%s]", dj__word_at(dj__blob_dt_units, cls - DJ_BLOB_DATETIME64_Y));
    else if (v->is_complex)
        str(o, cls == DJ_BLOB_SINGLE ? "complex64" : "complex128");
    else
        str(o, dj__word_at(dj__blob_class_names, cls - DJ_BLOB_LOGICAL));
    str(o, "\", ");
    if (cls == DJ_BLOB_CHAR) {
        chars(o, v);
        str(o, "}}");
        return;
    }
    if (cls != DJ_BLOB_OBJECT && cls < DJ_BLOB_DATETIME64_Y)
        str(o, v->is_complex ? "\"complex\": true, " : "\"complex\": false, ");
    str(o, "\"data\": [");
    for (size_t i = 0; i < v->count; i++) {
        if (i)
            str(o, ", ");
        if (cls == DJ_BLOB_OBJECT)
            value(o, v->items[i], depth + 1);
        else if (cls >= DJ_BLOB_DATETIME64_Y) {
            int64_t x;
            memcpy(&x, (const uint8_t *)v->data + 8 * i, 8);
            datetime64(o, x, cls - DJ_BLOB_DATETIME64_Y);
        } else if (v->is_complex) {
            str(o, "[");
            number(o, v, i);
            str(o, ", ");
            number(o, v, v->count + i);
            str(o, "]");
        } else
            number(o, v, i);
    }
    str(o, "], ");
    shape(o, v);
    str(o, "}}");
}

/* Element i of a record array field, as the 0-d array numpy gives for it. */
static void record_element(out *o, const dj_val *f, size_t i, unsigned depth)
{
    if (f->kind != DJ_VAL_ARRAY || f->cls == DJ_BLOB_CHAR) {
        o->rc = dj__err(o->err, DJ_EUNSUPPORTED,
                        "a record array with nested record or char fields has no description");
        return;
    }
    dj_val e = *f;
    size_t size = dj__blob_class_size(f->cls);
    e.ndims = 0;
    e.count = 1;
    e.items = f->items ? f->items + i : NULL;
    e.nitems = f->items ? 1 : 0;
    if (f->is_complex && size) { /* a scalar complex: its two parts side by side */
        uint8_t two[16];
        memcpy(two, (const uint8_t *)f->data + i * size, size);
        memcpy(two + size, (const uint8_t *)f->data + (f->count + i) * size, size);
        e.data = two;
        array(o, &e, depth);
        return;
    }
    e.data = size ? (const uint8_t *)f->data + i * size : NULL;
    array(o, &e, depth);
}

static void structure(out *o, const dj_val *v, unsigned depth)
{
    int rec = v->kind == DJ_VAL_RECARRAY;
    if (rec && v->nfields == 0) { /* datajoint-python reads it as np.array(None) */
        str(o, "{\"array\": {\"class\": \"object\", \"data\": [{\"none\": null}], \"shape\": []}}");
        return;
    }
    str(o, "{\"struct\": {\"fields\": [");
    for (size_t f = 0; f < v->nfields; f++) {
        if (f)
            str(o, ", ");
        jstr(o, (const uint8_t *)v->names[f], strlen(v->names[f]));
    }
    str(o, "], \"items\": [");
    size_t n = v->nfields ? v->count : 0;
    for (size_t e = 0; e < n && o->rc == 0; e++) {
        str(o, e ? ", [" : "[");
        for (size_t f = 0; f < v->nfields; f++) {
            if (f)
                str(o, ", ");
            if (rec)
                record_element(o, v->items[f], e, depth + 1);
            else
                value(o, v->items[e * v->nfields + f], depth + 1);
        }
        str(o, "]");
    }
    str(o, "], ");
    shape(o, v);
    str(o, "}}");
}

static void items(out *o, const dj_val *v, size_t from, size_t step, unsigned depth)
{
    for (size_t i = from; i < v->nitems; i += step) {
        if (i > from)
            str(o, ", ");
        value(o, v->items[i], depth + 1);
    }
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A set's members sorted by their JSON text, as the vectors list them. */
static void set(out *o, const dj_val *v, unsigned depth)
{
    char **texts = dj__malloc(o->b.alloc, (v->nitems ? v->nitems : 1) * sizeof *texts);
    if (!texts) {
        o->b.oom = 1;
        return;
    }
    size_t n = 0;
    for (; n < v->nitems && o->rc == 0; n++) {
        out one = {.err = o->err};
        dj__builder_init(&one.b, o->b.alloc);
        value(&one, v->items[n], depth + 1);
        dj__put_u8(&one.b, 0);
        if (one.rc || one.b.oom) {
            o->rc = one.rc ? one.rc : DJ_ENOMEM;
            dj__builder_free(&one.b, 0);
            break;
        }
        texts[n] = (char *)one.b.data;
    }
    if (o->rc == 0)
        qsort(texts, n, sizeof *texts, by_text);
    str(o, "{\"set\": [");
    for (size_t i = 0; i < n; i++) {
        if (i)
            str(o, ", ");
        str(o, texts[i]);
        dj__free(o->b.alloc, texts[i]);
    }
    dj__free(o->b.alloc, texts);
    str(o, "]}");
}

static void when(out *o, const dj_val *v)
{
    const dj_blob_time *t = &v->t;
    str(o, v->kind == DJ_VAL_DATE ? "{\"date\": \"" : v->kind == DJ_VAL_TIME ? "{\"time\": \""
                                                                                : "{\"datetime\": \"");
    if (v->kind != DJ_VAL_TIME)
        dj__put_fmt(&o->b, "%04d-%02d-%02d", t->year, t->month, t->day);
    if (v->kind == DJ_VAL_DATETIME)
        str(o, "T");
    if (v->kind != DJ_VAL_DATE) {
        dj__put_fmt(&o->b, "%02d:%02d:%02d", t->hour, t->minute, t->second);
        if (t->microsecond)
            dj__put_fmt(&o->b, ".%06d", t->microsecond);
    }
    str(o, "\"}");
}

static void integer(out *o, const dj_val *v)
{
    /* Repeated division by 10 of the magnitude; digits come out last first. */
    size_t n = v->nbytes;
    int neg = (v->bytes[n - 1] & 0x80) != 0;
    uint8_t *m = dj__malloc(o->b.alloc, n);
    char *digits = dj__malloc(o->b.alloc, n * 3 + 2);
    if (!m || !digits) {
        dj__free(o->b.alloc, m);
        dj__free(o->b.alloc, digits);
        o->b.oom = 1;
        return;
    }
    unsigned c = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned x = neg ? (uint8_t)~v->bytes[i] + c : v->bytes[i];
        m[i] = (uint8_t)x;
        c = x >> 8;
    }
    size_t nd = 0, top = n;
    do {
        unsigned r = 0;
        for (size_t i = top; i-- > 0;) {
            unsigned x = r << 8 | m[i];
            m[i] = (uint8_t)(x / 10);
            r = x % 10;
        }
        digits[nd++] = (char)('0' + r);
        while (top > 0 && m[top - 1] == 0)
            top--;
    } while (top > 0);
    str(o, neg ? "{\"int\": \"-" : "{\"int\": \"");
    while (nd > 0)
        dj__put_u8(&o->b, (uint8_t)digits[--nd]);
    str(o, "\"}");
    dj__free(o->b.alloc, m);
    dj__free(o->b.alloc, digits);
}

static void value(out *o, const dj_val *v, unsigned depth)
{
    if (o->rc)
        return;
    if (depth > DJ_BLOB_MAX_DEPTH) {
        o->rc = dj__err(o->err, DJ_ETOOBIG, "value nested deeper than %d levels", DJ_BLOB_MAX_DEPTH);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    switch (v ? v->kind : DJ_VAL_NONE) {
    case DJ_VAL_NONE: str(o, "{\"none\": null}"); return;
    case DJ_VAL_BOOL: str(o, v->b ? "{\"bool\": true}" : "{\"bool\": false}"); return;
    case DJ_VAL_INT: integer(o, v); return;
    case DJ_VAL_FLOAT:
        str(o, "{\"float\": ");
        hexfloat(o, v->f[0]);
        str(o, "}");
        return;
    case DJ_VAL_COMPLEX:
        str(o, "{\"complex\": [");
        hexfloat(o, v->f[0]);
        str(o, ", ");
        hexfloat(o, v->f[1]);
        str(o, "]}");
        return;
    case DJ_VAL_STR:
    case DJ_VAL_DECIMAL:
        str(o, v->kind == DJ_VAL_STR ? "{\"str\": " : "{\"decimal\": ");
        jstr(o, v->bytes, v->nbytes);
        str(o, "}");
        return;
    case DJ_VAL_BYTES:
        str(o, "{\"bytes\": \"");
        for (size_t i = 0; i < v->nbytes; i++) {
            dj__put_u8(&o->b, (uint8_t)hex[v->bytes[i] >> 4]);
            dj__put_u8(&o->b, (uint8_t)hex[v->bytes[i] & 15]);
        }
        str(o, "\"}");
        return;
    case DJ_VAL_DATE:
    case DJ_VAL_TIME:
    case DJ_VAL_DATETIME: when(o, v); return;
    case DJ_VAL_UUID:
        str(o, "{\"uuid\": \"");
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                str(o, "-");
            dj__put_u8(&o->b, (uint8_t)hex[v->uuid[i] >> 4]);
            dj__put_u8(&o->b, (uint8_t)hex[v->uuid[i] & 15]);
        }
        str(o, "\"}");
        return;
    case DJ_VAL_ARRAY: array(o, v, depth); return;
    case DJ_VAL_STRUCT:
    case DJ_VAL_RECARRAY: structure(o, v, depth); return;
    case DJ_VAL_CELL:
        str(o, "{\"cell\": {\"items\": [");
        items(o, v, 0, 1, depth);
        str(o, "], ");
        shape(o, v);
        str(o, "}}");
        return;
    case DJ_VAL_SET: set(o, v, depth); return;
    case DJ_VAL_TUPLE:
    case DJ_VAL_LIST:
        str(o, v->kind == DJ_VAL_TUPLE ? "{\"tuple\": [" : "{\"list\": [");
        items(o, v, 0, 1, depth);
        str(o, "]}");
        return;
    case DJ_VAL_DICT:
        str(o, "{\"dict\": [");
        for (size_t i = 0; i + 1 < v->nitems; i += 2) {
            str(o, i ? ", [" : "[");
            value(o, v->items[i], depth + 1);
            str(o, ", ");
            value(o, v->items[i + 1], depth + 1);
            str(o, "]");
        }
        str(o, "]}");
        return;
    }
}

int dj_val_to_json(const dj_val *v, char **text, size_t *len, dj_error *err)
{
    *text = NULL;
    *len = 0;
    out o = {.err = err};
    dj__builder_init(&o.b, v ? v->alloc : NULL);
    value(&o, v, 1);
    dj__put_u8(&o.b, 0);
    if (o.rc == 0 && o.b.oom)
        o.rc = dj__err(err, DJ_ENOMEM, "out of memory describing a value");
    if (o.rc) {
        dj__builder_free(&o.b, 0);
        return o.rc;
    }
    *text = (char *)o.b.data;
    *len = o.b.len - 1;
    return 0;
}
