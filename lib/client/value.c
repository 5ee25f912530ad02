/* SPDX-License-Identifier: Apache-2.0 */
/*
 * value.c - typed getters for the current row of a result. Binary rows
 * (prepared statements) are decoded from their wire form by column type;
 * text rows are parsed strictly from the server's text. Both give the same
 * answer for the same stored value.
 */
#include "client/conn.h"
#include "wire/stmt.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* The value of column col, or an error for a column out of range. */
static int current(const dj_result *r, unsigned col, const dj_value **v, const dj_column **c,
                   dj_error *err)
{
    *v = NULL;
    *c = NULL;
    if (!r || col >= r->ncols || !r->values)
        return dj__err(err, DJ_EINVAL, "column %u out of range", col);
    *v = &r->values[col];
    *c = &r->cols[col];
    return (*v)->ptr ? 1 : 0;
}

static uint64_t le_bytes(const char *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = n; i-- > 0;)
        x = x << 8 | (uint8_t)p[i];
    return x;
}

/* A binary integer column's value, widened, with its sign. */
static int binary_integer(const dj_column *c, const dj_value *v, uint64_t *mag, int *negative)
{
    size_t n = dj__binary_fixed_size(c->type);
    if (!n || c->type == DJ_TYPE_FLOAT || c->type == DJ_TYPE_DOUBLE)
        return -1;
    uint64_t x = le_bytes(v->ptr, n);
    /* INT24 travels in 4 bytes, sign-extended already; YEAR is unsigned. */
    int is_signed = !(c->flags & DJ_FLAG_UNSIGNED) && c->type != DJ_TYPE_YEAR;
    uint64_t sign_bit = (uint64_t)1 << (n * 8 - 1);
    *negative = is_signed && (x & sign_bit);
    if (*negative)
        x = n == 8 ? ~x + 1 : ((~x + 1) & ((sign_bit << 1) - 1));
    *mag = x;
    return 0;
}

/* Decimal digits with an optional minus sign, nothing else. */
static int text_integer(const dj_value *v, uint64_t *mag, int *negative)
{
    const char *p = v->ptr, *end = v->ptr + v->len;
    *negative = p < end && *p == '-';
    return dj__parse_u64(p + *negative, end, mag);
}

/* The integer in column col as magnitude and sign; 1, 0 for NULL, or an error. */
static int integer_at(const dj_result *r, unsigned col, uint64_t *mag, int *negative,
                      const dj_column **c, dj_error *err)
{
    const dj_value *v;
    int rc = current(r, col, &v, c, err);
    if (rc <= 0)
        return rc;
    rc = r->binary && dj__binary_fixed_size((*c)->type) ? binary_integer(*c, v, mag, negative)
                                                        : text_integer(v, mag, negative);
    if (rc == -2)
        return dj__err(err, DJ_ETOOBIG, "column `%s`: integer out of range", (*c)->name);
    if (rc)
        return dj__err(err, DJ_EINVAL, "column `%s` does not hold an integer", (*c)->name);
    return 1;
}

int dj_result_get_int64(const dj_result *r, unsigned col, int64_t *out, dj_error *err)
{
    uint64_t mag;
    int negative;
    const dj_column *c;
    int rc = integer_at(r, col, &mag, &negative, &c, err);
    if (rc <= 0)
        return rc;
    if (mag > (uint64_t)INT64_MAX + (negative ? 1u : 0u))
        return dj__err(err, DJ_ETOOBIG, "column `%s`: value does not fit int64", c->name);
    *out = negative ? (int64_t)(0 - mag) : (int64_t)mag;
    return 1;
}

int dj_result_get_uint64(const dj_result *r, unsigned col, uint64_t *out, dj_error *err)
{
    uint64_t mag;
    int negative;
    const dj_column *c;
    int rc = integer_at(r, col, &mag, &negative, &c, err);
    if (rc <= 0)
        return rc;
    if (negative && mag)
        return dj__err(err, DJ_ETOOBIG, "column `%s`: negative value for uint64", c->name);
    *out = mag;
    return 1;
}

/* strtod over exactly the value's bytes; all of them must be a number. */
static int text_double(const dj_value *v, double *out)
{
    char buf[400];
    if (v->len == 0 || v->len >= sizeof buf)
        return -1;
    memcpy(buf, v->ptr, v->len);
    buf[v->len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end != buf + v->len || errno == ERANGE || isspace((unsigned char)buf[0]))
        return -1;
    *out = d;
    return 0;
}

int dj_result_get_double(const dj_result *r, unsigned col, double *out, dj_error *err)
{
    const dj_value *v;
    const dj_column *c;
    int rc = current(r, col, &v, &c, err);
    if (rc <= 0)
        return rc;
    if (r->binary && c->type == DJ_TYPE_DOUBLE) {
        uint64_t bits = le_bytes(v->ptr, 8);
        memcpy(out, &bits, sizeof *out);
        return 1;
    }
    if (r->binary && c->type == DJ_TYPE_FLOAT) {
        uint32_t bits = (uint32_t)le_bytes(v->ptr, 4);
        float f;
        memcpy(&f, &bits, sizeof f);
        *out = f;
        return 1;
    }
    if (r->binary && dj__binary_fixed_size(c->type)) {
        uint64_t mag;
        int negative;
        binary_integer(c, v, &mag, &negative);
        *out = negative ? -(double)mag : (double)mag;
        return 1;
    }
    if ((r->binary && dj__type_is_temporal(c->type)) || text_double(v, out))
        return dj__err(err, DJ_EINVAL, "column `%s` does not hold a number", c->name);
    return 1;
}

/* Reads exactly `digits` decimal digits. */
static int digits_at(const char **p, const char *end, int digits, uint32_t *out)
{
    uint32_t x = 0;
    for (int i = 0; i < digits; i++, (*p)++) {
        if (*p >= end || **p < '0' || **p > '9')
            return -1;
        x = x * 10 + (uint32_t)(**p - '0');
    }
    *out = x;
    return 0;
}

/* Reads one or more digits (at most 9). */
static int number_at(const char **p, const char *end, uint32_t *out)
{
    const char *start = *p;
    uint32_t x = 0;
    while (*p < end && **p >= '0' && **p <= '9' && *p - start < 9)
        x = x * 10 + (uint32_t)(*(*p)++ - '0');
    *out = x;
    return *p == start ? -1 : 0;
}

static int expect(const char **p, const char *end, char ch)
{
    if (*p >= end || **p != ch)
        return -1;
    (*p)++;
    return 0;
}

/* "HH:MM:SS[.f{1,6}]" after the hours were read into *hours. */
static int text_clock(const char **p, const char *end, dj_datetime *t)
{
    uint32_t mi, s;
    if (expect(p, end, ':') || digits_at(p, end, 2, &mi) || expect(p, end, ':') ||
        digits_at(p, end, 2, &s))
        return -1;
    t->minute = (uint8_t)mi;
    t->second = (uint8_t)s;
    if (*p < end && **p == '.') {
        (*p)++;
        uint32_t scale = 100000, us = 0;
        const char *start = *p;
        for (; *p < end && **p >= '0' && **p <= '9' && *p - start < 6; (*p)++, scale /= 10)
            us += (uint32_t)(**p - '0') * scale;
        if (*p == start)
            return -1;
        t->microsecond = us;
    }
    return mi < 60 && s < 60 ? 0 : -1;
}

static int text_temporal(uint8_t type, const dj_value *v, dj_datetime *t)
{
    const char *p = v->ptr, *end = v->ptr + v->len;
    memset(t, 0, sizeof *t);
    uint32_t y, mo, d, h;
    if (type == DJ_TYPE_TIME) {
        t->negative = p < end && *p == '-';
        p += t->negative;
        if (number_at(&p, end, &h) || text_clock(&p, end, t))
            return -1;
        t->days = h / 24;
        t->hour = (uint8_t)(h % 24);
        return p == end ? 0 : -1;
    }
    if (digits_at(&p, end, 4, &y) || expect(&p, end, '-') || digits_at(&p, end, 2, &mo) ||
        expect(&p, end, '-') || digits_at(&p, end, 2, &d))
        return -1;
    t->year = (uint16_t)y;
    t->month = (uint8_t)mo;
    t->day = (uint8_t)d;
    if (p < end) {
        if (expect(&p, end, ' ') || digits_at(&p, end, 2, &h) || h > 23 ||
            text_clock(&p, end, t))
            return -1;
        t->hour = (uint8_t)h;
    }
    return p == end && mo <= 12 && d <= 31 ? 0 : -1;
}

int dj_result_get_datetime(const dj_result *r, unsigned col, dj_datetime *out, dj_error *err)
{
    const dj_value *v;
    const dj_column *c;
    int rc = current(r, col, &v, &c, err);
    if (rc <= 0)
        return rc;
    if (!dj__type_is_temporal(c->type))
        return dj__err(err, DJ_EINVAL, "column `%s` is not a date or time", c->name);
    if (r->binary) {
        dj__binary_temporal_decode(c->type, (const uint8_t *)v->ptr, v->len, out);
        return 1;
    }
    if (text_temporal(c->type, v, out))
        return dj__err(err, DJ_EPROTO, "column `%s`: malformed date/time \"%.*s\"", c->name,
                       (int)DJ__MIN(v->len, (size_t)40), v->ptr);
    return 1;
}

int dj_result_get_bytes(const dj_result *r, unsigned col, dj_value *out, dj_error *err)
{
    const dj_value *v;
    const dj_column *c;
    int rc = current(r, col, &v, &c, err);
    if (rc <= 0)
        return rc;
    if (r->binary && (dj__binary_fixed_size(c->type) || dj__type_is_temporal(c->type)))
        return dj__err(err, DJ_EINVAL, "column `%s` is binary-encoded: use its typed getter",
                       c->name);
    *out = *v;
    return 1;
}

int dj_result_is_binary(const dj_result *r)
{
    return r ? r->binary : 0;
}
