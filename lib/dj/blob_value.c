/* SPDX-License-Identifier: Apache-2.0 */
/* blob_value.c - the value tree: constructors, accessors, freeing (blob.h). */
#include "dj/blob.h"

size_t dj__blob_class_size(uint32_t cls)
{
    static const uint8_t sizes[] = {0, 0, 0, 1, 2, 0, 8, 4, 1, 1, 2, 2, 4, 4, 8, 8};
    if (cls < sizeof sizes)
        return sizes[cls];
    return cls >= DJ_BLOB_DATETIME64_Y && cls <= DJ_BLOB_DATETIME64_AS ? 8 : 0;
}

const char dj__blob_dt_units[] = "Y\0M\0W\0D\0h\0m\0s\0ms\0us\0ns\0ps\0fs\0as\0";
const char dj__blob_class_names[] = "bool\0char\0object\0float64\0float32\0int8\0uint8\0"
                                    "int16\0uint16\0int32\0uint32\0int64\0uint64\0";

int dj__blob_word(const char *words, const char *s, size_t n)
{
    const char *w = words;
    for (int i = 0; *w; i++, w += strlen(w) + 1)
        if (strlen(w) == n && memcmp(w, s, n) == 0)
            return i;
    return -1;
}

int dj__blob_class_numeric(uint32_t cls) { return cls >= DJ_BLOB_DOUBLE && cls <= DJ_BLOB_UINT64; }

void dj__blob_le_copy(void *dst, const void *src, size_t n, size_t size)
{
#ifdef WORDS_BIGENDIAN
    uint8_t *d = dst;
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++, d += size, s += size)
        for (size_t k = 0; k < size; k++)
            d[k] = s[size - 1 - k];
#else
    if (n)
        memcpy(dst, src, n * size);
#endif
}

dj_val *dj__val_new(const dj_allocator *alloc, dj_val_kind kind)
{
    dj_val *v = dj__malloc(alloc, sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        v->kind = kind;
        v->alloc = alloc;
    }
    return v;
}

void dj_val_free(dj_val *v)
{
    if (!v)
        return;
    const dj_allocator *a = v->alloc;
    for (size_t i = 0; i < v->nitems; i++)
        dj_val_free(v->items[i]);
    for (size_t i = 0; i < v->nfields; i++)
        dj__free(a, v->names[i]);
    dj__free(a, v->items);
    dj__free(a, v->names);
    dj__free(a, v->bytes);
    dj__free(a, v->shape);
    dj__free(a, v->own);
    dj__free(a, v->keep);
    dj__free(a, v);
}

void dj_blob_free(const dj_val *v, uint8_t *blob) { dj__free(v ? v->alloc : NULL, blob); }

int dj__val_set_shape(dj_val *v, size_t ndims, const uint64_t *shape, dj_error *err)
{
    if (ndims > DJ_BLOB_MAX_DIMS)
        return dj__err(err, DJ_EINVAL, "%zu dimensions: at most %d are supported", ndims,
                       DJ_BLOB_MAX_DIMS);
    uint64_t count = 1;
    int zero = 0, over = 0;
    for (size_t i = 0; i < ndims; i++) {
        if (shape[i] == 0)
            zero = 1;
        else if (over || count > UINT64_MAX / shape[i])
            over = 1;
        else
            count *= shape[i];
    }
    if (zero)
        count = 0;
    else if (over || count > SIZE_MAX / 16)
        return dj__err(err, DJ_ETOOBIG, "an array of more elements than memory can hold");
    v->shape = dj__malloc(v->alloc, (ndims ? ndims : 1) * sizeof *v->shape);
    if (!v->shape)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    if (ndims)
        memcpy(v->shape, shape, ndims * sizeof *shape);
    v->ndims = ndims;
    v->count = (size_t)count;
    return 0;
}

int dj__val_items(dj_val *v, size_t n, dj_error *err)
{
    if (n > SIZE_MAX / sizeof *v->items)
        return dj__err(err, DJ_ETOOBIG, "too many items");
    v->items = dj__malloc(v->alloc, (n ? n : 1) * sizeof *v->items);
    if (!v->items)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    memset(v->items, 0, (n ? n : 1) * sizeof *v->items);
    v->nitems = v->cap = n;
    return 0;
}

int dj__val_names(dj_val *v, size_t n, const char *const *names, const size_t *lens,
                    dj_error *err)
{
    v->names = dj__malloc(v->alloc, (n ? n : 1) * sizeof *v->names);
    if (!v->names)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t len = lens ? lens[i] : strlen(names[i]);
        if (memchr(names[i], 0, len))
            return dj__err(err, DJ_EINVAL, "a field name contains a NUL");
        v->names[i] = dj__strndup(v->alloc, names[i], len);
        if (!v->names[i])
            return dj__err(err, DJ_ENOMEM, "out of memory");
        v->nfields = i + 1;
    }
    return 0;
}

/* ---- scalars ---- */

dj_val *dj_val_none(const dj_allocator *alloc) { return dj__val_new(alloc, DJ_VAL_NONE); }

dj_val *dj_val_bool(const dj_allocator *alloc, int b)
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_BOOL);
    if (v)
        v->b = b != 0;
    return v;
}

dj_val *dj_val_float(const dj_allocator *alloc, double d)
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_FLOAT);
    if (v)
        v->f[0] = d;
    return v;
}

dj_val *dj_val_complex(const dj_allocator *alloc, double re, double im)
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_COMPLEX);
    if (v) {
        v->f[0] = re;
        v->f[1] = im;
    }
    return v;
}

dj_val *dj_val_uuid(const dj_allocator *alloc, const uint8_t bytes[16])
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_UUID);
    if (v)
        memcpy(v->uuid, bytes, 16);
    return v;
}

int dj__val_int_le(const dj_allocator *alloc, const uint8_t *p, size_t n, dj_val **out,
                     dj_error *err)
{
    /* Shortest form: drop top bytes that only repeat the sign. */
    while (n > 1 && ((p[n - 1] == 0 && !(p[n - 2] & 0x80)) ||
                     (p[n - 1] == 0xFF && (p[n - 2] & 0x80))))
        n--;
    dj_val *v = dj__val_new(alloc, DJ_VAL_INT);
    uint8_t *b = v ? dj__malloc(alloc, n ? n : 1) : NULL;
    if (!b) {
        dj__free(alloc, v);
        return dj__err(err, DJ_ENOMEM, "out of memory");
    }
    if (n)
        memcpy(b, p, n);
    else
        b[0] = 0;
    v->bytes = b;
    v->nbytes = n ? n : 1;
    *out = v;
    return 0;
}

static dj_val *int_from_u64(const dj_allocator *alloc, uint64_t u, int negative_fill)
{
    uint8_t b[9];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    b[8] = negative_fill ? 0xFF : 0;
    dj_val *v = NULL;
    dj__val_int_le(alloc, b, 9, &v, NULL);
    return v;
}

dj_val *dj_val_int(const dj_allocator *alloc, int64_t i) { return int_from_u64(alloc, (uint64_t)i, i < 0); }
dj_val *dj_val_uint(const dj_allocator *alloc, uint64_t u) { return int_from_u64(alloc, u, 0); }

int dj_val_int_text(const dj_allocator *alloc, const char *text, size_t len, dj_val **out,
                      dj_error *err)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (text[i] == '-' || text[i] == '+'))
        neg = text[i++] == '-';
    if (i == len || len - i > 0xFFFF * 2)
        return dj__err(err, DJ_EINVAL, "not an integer: \"%.*s\"", (int)DJ__MIN(len, 40), text);
    /* Magnitude in base 256, little-endian, one spare byte for the sign:
     * 0xFFFF*2 digits need at most 0xFFFF * 2 * log(10)/log(256) + 2 bytes. */
    size_t cap = (len - i) / 2 + 2, n = 1;
    uint8_t *m = dj__malloc(alloc, cap);
    if (!m)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    m[0] = 0;
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            dj__free(alloc, m);
            return dj__err(err, DJ_EINVAL, "not an integer: \"%.*s\"", (int)DJ__MIN(len, 40), text);
        }
        unsigned carry = (unsigned)(text[i] - '0');
        for (size_t k = 0; k < n; k++) {
            unsigned x = m[k] * 10u + carry;
            m[k] = (uint8_t)x;
            carry = x >> 8;
        }
        if (carry)
            m[n++] = (uint8_t)carry;
    }
    m[n++] = 0; /* room for the sign bit */
    if (neg) {
        unsigned c = 1;
        for (size_t k = 0; k < n; k++) {
            unsigned x = (uint8_t)~m[k] + c;
            m[k] = (uint8_t)x;
            c = x >> 8;
        }
    }
    int rc = dj__val_int_le(alloc, m, n, out, err);
    dj__free(alloc, m);
    if (rc == 0 && (*out)->nbytes > 0xFFFF) {
        dj_val_free(*out);
        *out = NULL;
        return dj__err(err, DJ_ETOOBIG, "an integer of more than 65535 bytes cannot be stored");
    }
    return rc;
}

static int utf8_ok(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = dj__utf8_len(p + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Decimal's own syntax: [sign] (digits [. digits] | . digits) [e [sign] digits],
 * or Infinity, Inf, NaN, sNaN (any case, NaN may carry digits). */
static int decimal_ok(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    /* The length first: the compare reads n - i bytes of the word. */
    if (n - i == 8 && dj__ieq_n(s + i, "infinity", 8))
        return 1;
    if (n - i == 3 && dj__ieq_n(s + i, "inf", 3))
        return 1;
    if (i < n && (s[i] == 's' || s[i] == 'S'))
        i++;
    if (n - i >= 3 && dj__ieq_n(s + i, "nan", 3)) {
        for (i += 3; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        return 1;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            d++;
    if (!d)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i == n)
            return 0;
        for (; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
    }
    return i == n;
}

int dj_val_text(const dj_allocator *alloc, dj_val_kind kind, const void *p, size_t len,
                  dj_val **out, dj_error *err)
{
    if (kind != DJ_VAL_STR && kind != DJ_VAL_BYTES && kind != DJ_VAL_DECIMAL)
        return dj__err(err, DJ_EINVAL, "not a text kind: %d", (int)kind);
    if (kind == DJ_VAL_STR && !utf8_ok(p, len))
        return dj__err(err, DJ_EINVAL, "a str is not valid UTF-8");
    if (kind == DJ_VAL_DECIMAL && !decimal_ok(p, len))
        return dj__err(err, DJ_EINVAL, "not a decimal number: \"%.*s\"", (int)DJ__MIN(len, 40),
                       (const char *)p);
    dj_val *v = dj__val_new(alloc, kind);
    uint8_t *b = v && len < SIZE_MAX ? dj__malloc(alloc, len + 1) : NULL;
    if (!b) {
        dj__free(alloc, v);
        return dj__err(err, DJ_ENOMEM, "out of memory for a %zu-byte value", len);
    }
    if (len)
        memcpy(b, p, len);
    b[len] = 0;
    v->bytes = b;
    v->nbytes = len;
    *out = v;
    return 0;
}

/* ---- dates ---- */

int64_t dj__blob_days(int64_t y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void dj__blob_civil(int64_t days, int64_t *y, int *m, int *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int dj__blob_date_ok(int y, int m, int d)
{
    static const uint8_t mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

int dj__blob_time_ok(int h, int mi, int s, int us)
{
    return h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60 && us >= 0 &&
           us < 1000000;
}

int dj_val_time(const dj_allocator *alloc, dj_val_kind kind, const dj_blob_time *t,
                  dj_val **out, dj_error *err)
{
    int date = kind == DJ_VAL_DATE || kind == DJ_VAL_DATETIME;
    int time = kind == DJ_VAL_TIME || kind == DJ_VAL_DATETIME;
    if (!date && !time)
        return dj__err(err, DJ_EINVAL, "not a date or time kind: %d", (int)kind);
    if (date && !dj__blob_date_ok(t->year, t->month, t->day))
        return dj__err(err, DJ_EINVAL, "no such date: %d-%d-%d", t->year, t->month, t->day);
    if (time && !dj__blob_time_ok(t->hour, t->minute, t->second, t->microsecond))
        return dj__err(err, DJ_EINVAL, "no such time: %d:%d:%d.%d", t->hour, t->minute,
                       t->second, t->microsecond);
    dj_val *v = dj__val_new(alloc, kind);
    if (!v)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    if (date) {
        v->t.year = t->year;
        v->t.month = t->month;
        v->t.day = t->day;
    }
    if (time) {
        v->t.hour = t->hour;
        v->t.minute = t->minute;
        v->t.second = t->second;
        v->t.microsecond = t->microsecond;
    }
    *out = v;
    return 0;
}

/* ---- arrays and containers ---- */

static int array_new(const dj_allocator *alloc, dj_blob_class cls, int is_complex, size_t ndims,
                     const uint64_t *shape, dj_val **out, dj_error *err)
{
    size_t size = dj__blob_class_size(cls);
    if (cls != DJ_BLOB_OBJECT && !size)
        return dj__err(err, DJ_EINVAL, "unknown array class %u", (unsigned)cls);
    if (is_complex && !dj__blob_class_numeric(cls))
        return dj__err(err, DJ_EINVAL, "only numeric arrays can be complex");
    dj_val *v = dj__val_new(alloc, DJ_VAL_ARRAY);
    if (!v)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    v->cls = cls;
    v->is_complex = is_complex != 0;
    int rc = dj__val_set_shape(v, ndims, shape, err);
    if (rc == 0 && cls == DJ_BLOB_OBJECT)
        rc = dj__val_items(v, v->count, err);
    if (rc) {
        dj_val_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

int dj_val_array(const dj_allocator *alloc, dj_blob_class cls, int is_complex, size_t ndims,
                   const uint64_t *shape, dj_val **out, dj_error *err)
{
    int rc = array_new(alloc, cls, is_complex, ndims, shape, out, err);
    if (rc || cls == DJ_BLOB_OBJECT)
        return rc;
    dj_val *v = *out;
    size_t n = v->count * dj__blob_class_size(cls) * (v->is_complex ? 2 : 1);
    v->own = dj__malloc(alloc, n);
    if (!v->own) {
        dj_val_free(v);
        *out = NULL;
        return dj__err(err, DJ_ENOMEM, "out of memory for a %zu-byte array", n);
    }
    memset(v->own, 0, n);
    v->data = v->own;
    return 0;
}

int dj_val_array_wrap(const dj_allocator *alloc, dj_blob_class cls, int is_complex,
                        size_t ndims, const uint64_t *shape, const void *data, dj_val **out,
                        dj_error *err)
{
    if (cls == DJ_BLOB_OBJECT)
        return dj__err(err, DJ_EINVAL, "an object array cannot wrap a buffer");
    int rc = array_new(alloc, cls, is_complex, ndims, shape, out, err);
    if (rc == 0)
        (*out)->data = data;
    return rc;
}

int dj_val_cell(const dj_allocator *alloc, size_t ndims, const uint64_t *shape, dj_val **out,
                  dj_error *err)
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_CELL);
    if (!v)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    int rc = dj__val_set_shape(v, ndims, shape, err);
    if (rc == 0)
        rc = dj__val_items(v, v->count, err);
    if (rc) {
        dj_val_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

int dj_val_struct(const dj_allocator *alloc, size_t ndims, const uint64_t *shape,
                    size_t nfields, const char *const *names, dj_val **out, dj_error *err)
{
    dj_val *v = dj__val_new(alloc, DJ_VAL_STRUCT);
    if (!v)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    int rc = dj__val_set_shape(v, ndims, shape, err);
    if (rc == 0 && nfields && v->count > SIZE_MAX / nfields)
        rc = dj__err(err, DJ_ETOOBIG, "too many struct items");
    if (rc == 0)
        rc = dj__val_names(v, nfields, names, NULL, err);
    if (rc == 0)
        rc = dj__val_items(v, v->count * nfields, err);
    if (rc) {
        dj_val_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

dj_val *dj_val_container(const dj_allocator *alloc, dj_val_kind kind)
{
    if (kind != DJ_VAL_TUPLE && kind != DJ_VAL_LIST && kind != DJ_VAL_SET &&
        kind != DJ_VAL_DICT)
        return NULL;
    return dj__val_new(alloc, kind);
}

static int push(dj_val *c, dj_val *item, dj_error *err)
{
    if (dj__grow(c->alloc, (void **)&c->items, &c->cap, c->nitems, sizeof *c->items, 4)) {
        dj_val_free(item);
        return dj__err(err, DJ_ENOMEM, "out of memory");
    }
    c->items[c->nitems++] = item;
    return 0;
}

int dj_val_append(dj_val *c, dj_val *item, dj_error *err)
{
    if (!item)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    if (c->kind != DJ_VAL_TUPLE && c->kind != DJ_VAL_LIST && c->kind != DJ_VAL_SET) {
        dj_val_free(item);
        return dj__err(err, DJ_EINVAL, "append needs a tuple, list or set");
    }
    return push(c, item, err);
}

int dj_val_dict_put(dj_val *d, dj_val *key, dj_val *val, dj_error *err)
{
    if (!key || !val || d->kind != DJ_VAL_DICT) {
        dj_val_free(key);
        dj_val_free(val);
        return dj__err(err, key && val ? DJ_EINVAL : DJ_ENOMEM,
                       key && val ? "dict_put needs a dict" : "out of memory");
    }
    if (push(d, key, err)) {
        dj_val_free(val);
        return DJ_ENOMEM;
    }
    if (push(d, val, err)) {
        dj_val_free(d->items[--d->nitems]);
        return DJ_ENOMEM;
    }
    return 0;
}

int dj_val_set_item(dj_val *c, size_t i, dj_val *item, dj_error *err)
{
    if (!item)
        return dj__err(err, DJ_ENOMEM, "out of memory");
    int fixed = c->kind == DJ_VAL_CELL || c->kind == DJ_VAL_STRUCT ||
                (c->kind == DJ_VAL_ARRAY && c->cls == DJ_BLOB_OBJECT);
    if (!fixed || i >= c->nitems) {
        dj_val_free(item);
        return dj__err(err, DJ_EINVAL, "no item %zu to set", i);
    }
    dj_val_free(c->items[i]);
    c->items[i] = item;
    return 0;
}

/* ---- accessors ---- */

dj_val_kind dj_val_kind_of(const dj_val *v) { return v->kind; }
int dj_val_get_bool(const dj_val *v) { return v->b; }
double dj_val_get_float(const dj_val *v) { return v->f[0]; }

void dj_val_get_complex(const dj_val *v, double *re, double *im)
{
    *re = v->f[0];
    *im = v->f[1];
}

const char *dj_val_get_text(const dj_val *v, size_t *len)
{
    if (len)
        *len = v->nbytes;
    return (const char *)v->bytes;
}

void dj_val_get_time(const dj_val *v, dj_blob_time *t) { *t = v->t; }
const uint8_t *dj_val_get_uuid(const dj_val *v) { return v->uuid; }

const uint8_t *dj_val_int_bytes(const dj_val *v, size_t *len)
{
    *len = v->nbytes;
    return v->bytes;
}

static int get_int(const dj_val *v, int is_signed, uint64_t *out, dj_error *err)
{
    if (v->kind != DJ_VAL_INT)
        return dj__err(err, DJ_EINVAL, "the value is not an int");
    int neg = (v->bytes[v->nbytes - 1] & 0x80) != 0;
    /* Shortest form: 8 bytes hold every int64, 9 (the last 0) every uint64. */
    if ((is_signed && v->nbytes > 8) ||
        (!is_signed && (neg || v->nbytes > 9 || (v->nbytes == 9 && v->bytes[8]))))
        return dj__err(err, DJ_ETOOBIG, "the int does not fit in a%s 64-bit integer",
                       is_signed ? " signed" : "n unsigned");
    uint64_t u = neg ? UINT64_MAX : 0;
    for (size_t i = 0; i < v->nbytes && i < 8; i++) {
        u &= ~((uint64_t)0xFF << (8 * i));
        u |= (uint64_t)v->bytes[i] << (8 * i);
    }
    *out = u;
    return 0;
}

int dj_val_get_int64(const dj_val *v, int64_t *out, dj_error *err)
{
    uint64_t u;
    int rc = get_int(v, 1, &u, err);
    if (rc == 0)
        *out = u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    return rc;
}

int dj_val_get_uint64(const dj_val *v, uint64_t *out, dj_error *err)
{
    return get_int(v, 0, out, err);
}

size_t dj_val_ndims(const dj_val *v) { return v->ndims; }
const uint64_t *dj_val_shape(const dj_val *v) { return v->shape; }
dj_blob_class dj_val_array_class(const dj_val *v) { return v->cls; }
int dj_val_array_is_complex(const dj_val *v) { return v->is_complex; }
size_t dj_val_array_count(const dj_val *v) { return v->count; }
const void *dj_val_array_data(const dj_val *v) { return v->data; }
void *dj_val_array_mut(dj_val *v) { return v->own; }
size_t dj_val_item_count(const dj_val *v) { return v->nitems; }
const dj_val *dj_val_item(const dj_val *v, size_t i) { return i < v->nitems ? v->items[i] : NULL; }
size_t dj_val_field_count(const dj_val *v) { return v->nfields; }
const char *dj_val_field_name(const dj_val *v, size_t i) { return i < v->nfields ? v->names[i] : NULL; }
