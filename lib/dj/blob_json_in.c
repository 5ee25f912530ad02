/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blob_json_in.c - a description (the JSON that dj_val_to_json writes) to
 * a value tree. The text is parsed into a small document first, since a
 * description's keys may come in any order; then each node becomes a value.
 * Input is untrusted: nesting is capped and every size checked.
 */
#include "dj/blob.h"

#include <math.h>
#include <stdlib.h>

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jnode {
    int type;
    char *s; /* NUM: literal, STR: decoded UTF-8, OBJ: one key per kid (keys[i]) */
    size_t len;
    struct jnode *kids;
    char **keys;
    size_t n, cap;
} jnode;

typedef struct jin {
    const char *p, *end, *start;
    const dj_allocator *alloc;
    dj_error *err;
} jin;

static int syntax(jin *j, const char *what)
{
    return dj__err(j->err, DJ_EINVAL, "bad JSON at byte %zu: %s", (size_t)(j->p - j->start), what);
}

static void ws(jin *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static void jfree(const dj_allocator *a, jnode *n)
{
    for (size_t i = 0; i < n->n; i++) {
        jfree(a, &n->kids[i]);
        if (n->keys)
            dj__free(a, n->keys[i]);
    }
    dj__free(a, n->kids);
    dj__free(a, n->keys);
    dj__free(a, n->s);
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return 0x110000;
        v = v << 4 | d;
    }
    return v;
}

static size_t put_utf8(char *o, unsigned c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* A string at j->p (after the quote) into a fresh NUL-terminated block. */
static int string(jin *j, char **out, size_t *len)
{
    const char *q = j->p;
    while (q < j->end && *q != '"')
        q += *q == '\\' && q + 1 < j->end ? 2 : 1;
    if (q >= j->end)
        return syntax(j, "a string has no end");
    char *s = dj__malloc(j->alloc, (size_t)(q - j->p) + 1), *o = s;
    if (!s)
        return dj__err(j->err, DJ_ENOMEM, "out of memory");
    while (j->p < q) {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20) {
            dj__free(j->alloc, s);
            return syntax(j, "a control character in a string");
        }
        if (c != '\\') {
            size_t k = dj__utf8_len((const unsigned char *)j->p, (size_t)(q - j->p));
            if (!k) {
                dj__free(j->alloc, s);
                return syntax(j, "a string is not UTF-8");
            }
            memcpy(o, j->p, k);
            o += k;
            j->p += k;
            continue;
        }
        char e = j->p[1];
        const char *map = strchr("\"\"\\\\//b\bf\fn\nr\rt\t", e);
        if (e && map && ((map - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2) == 0) {
            *o++ = map[1];
            j->p += 2;
            continue;
        }
        unsigned cp = e == 'u' && q - j->p >= 6 ? hex4(j->p + 2) : 0x110000;
        j->p += 6;
        if (cp >= 0xD800 && cp < 0xDC00 && q - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
            unsigned lo = hex4(j->p + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                j->p += 6;
            }
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
            dj__free(j->alloc, s);
            return syntax(j, "a bad escape in a string");
        }
        o += put_utf8(o, cp);
    }
    j->p = q + 1;
    *o = 0;
    *out = s;
    *len = (size_t)(o - s);
    return 0;
}

static int node(jin *j, jnode *n, unsigned depth)
{
    memset(n, 0, sizeof *n);
    if (depth > DJ_BLOB_MAX_DEPTH * 3 + 8) /* a value nests at most a few JSON levels */
        return dj__err(j->err, DJ_ETOOBIG, "JSON nested too deep");
    ws(j);
    if (j->p >= j->end)
        return syntax(j, "a value is missing");
    char c = *j->p;
    static const char *const words[] = {"null", "false", "true"};
    for (int w = 0; w < 3; w++) {
        size_t k = strlen(words[w]);
        if ((size_t)(j->end - j->p) >= k && memcmp(j->p, words[w], k) == 0) {
            n->type = w;
            j->p += k;
            return 0;
        }
    }
    if (c == '"') {
        j->p++;
        n->type = J_STR;
        return string(j, &n->s, &n->len);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = j->p;
        while (j->p < j->end && strchr("+-0123456789.eE", *j->p))
            j->p++;
        n->type = J_NUM;
        n->len = (size_t)(j->p - s);
        n->s = dj__strndup(j->alloc, s, n->len);
        return n->s ? 0 : dj__err(j->err, DJ_ENOMEM, "out of memory");
    }
    if (c != '[' && c != '{')
        return syntax(j, "not a JSON value");
    int obj = c == '{';
    n->type = obj ? J_OBJ : J_ARR;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
        j->p++;
        return 0;
    }
    for (;;) {
        if (dj__grow(j->alloc, (void **)&n->kids, &n->cap, n->n, sizeof *n->kids, 4))
            return dj__err(j->err, DJ_ENOMEM, "out of memory");
        if (obj) {
            size_t kcap = n->cap;
            char **keys = dj__realloc(j->alloc, n->keys, kcap * sizeof *keys);
            if (!keys)
                return dj__err(j->err, DJ_ENOMEM, "out of memory");
            n->keys = keys;
            ws(j);
            size_t klen;
            if (j->p >= j->end || *j->p != '"')
                return syntax(j, "expected a key");
            j->p++;
            int rc = string(j, &n->keys[n->n], &klen);
            if (rc)
                return rc;
            ws(j);
            if (j->p >= j->end || *j->p != ':') {
                dj__free(j->alloc, n->keys[n->n]);
                return syntax(j, "expected ':'");
            }
            j->p++;
        }
        int rc = node(j, &n->kids[n->n], depth + 1);
        n->n++;
        if (rc)
            return rc;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
            j->p++;
            return 0;
        }
        return syntax(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

/* ---- document to value ---- */

typedef struct conv {
    const dj_allocator *alloc;
    dj_error *err;
} conv;

static int to_value(conv *c, const jnode *n, unsigned depth, dj_val **out);

static int wrong(conv *c, const char *what)
{
    return dj__err(c->err, DJ_EINVAL, "bad value description: %s", what);
}

static const jnode *member(const jnode *o, const char *key)
{
    for (size_t i = 0; o->type == J_OBJ && i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->kids[i];
    return NULL;
}

static int get_shape(conv *c, const jnode *o, uint64_t *dims, size_t *nd)
{
    const jnode *s = member(o, "shape");
    if (!s || s->type != J_ARR || s->n > DJ_BLOB_MAX_DIMS)
        return wrong(c, "\"shape\" must be a list of at most 32 sizes");
    for (size_t i = 0; i < s->n; i++)
        if (s->kids[i].type != J_NUM ||
            dj__parse_u64(s->kids[i].s, s->kids[i].s + s->kids[i].len, &dims[i]))
            return wrong(c, "a size in \"shape\" is not a whole number");
    *nd = s->n;
    return 0;
}

/* Whether a shape holds exactly n elements; checked before the value is
 * made, so that a large shape with little data allocates nothing. */
static int shape_holds(const uint64_t *dims, size_t nd, size_t n)
{
    uint64_t count = 1;
    for (size_t i = 0; i < nd; i++) {
        if (dims[i] == 0)
            return n == 0;
        if (dims[i] > n || count > n / dims[i])
            count = (uint64_t)n + 1; /* more than n, whatever follows (unless a 0) */
        else
            count *= dims[i];
    }
    return count == n;
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* A float: the hex text of float.hex(), "nan", "inf", "-inf", or a number. */
static int get_double(conv *c, const jnode *n, double *out)
{
    if (n->type != J_STR && n->type != J_NUM)
        return wrong(c, "a float must be a number or its hex text");
    char *end;
    *out = strtod(n->s, &end);
    if (end != n->s + n->len || n->len == 0)
        return wrong(c, "not a float");
    return 0;
}

static int get_int64(conv *c, const jnode *n, int64_t lo, uint64_t hi, int is_signed, uint64_t *out)
{
    if (n->type != J_NUM || n->len == 0)
        return wrong(c, "an integer element must be a JSON number");
    int neg = n->s[0] == '-';
    uint64_t m;
    if (dj__parse_u64(n->s + neg, n->s + n->len, &m))
        return wrong(c, "an integer element is not a whole number in range");
    if (neg ? (!is_signed || m > (uint64_t)-(lo + 1) + 1) : m > hi)
        return wrong(c, "an integer element is out of its class's range");
    *out = neg ? (uint64_t)0 - m : m;
    return 0;
}


/* datetime64 text in unit u back to its count. */
static int get_dt64(conv *c, const jnode *n, unsigned unit, int64_t *out)
{
    if (n->type != J_STR)
        return wrong(c, "a datetime64 element must be a string");
    if (strcmp(n->s, "NaT") == 0) {
        *out = INT64_MIN;
        return 0;
    }
    long long y = 0;
    int mo = 1, d = 1, h = 0, mi = 0, s = 0, fd = 0;
    int64_t frac = 0;
    const char *p = n->s;
    int neg = *p == '-';
    p += neg;
    int got = 0;
    while (*p >= '0' && *p <= '9' && got < 6)
        y = y * 10 + (*p++ - '0'), got++;
    if (neg)
        y = -y;
    int fields[5] = {0, 0, 0, 0, 0};
    const char seps[] = "--T::";
    int nf = 0;
    for (; nf < 5 && *p == seps[nf]; nf++) {
        p++;
        if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'))
            return wrong(c, "a datetime64 element is malformed");
        fields[nf] = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
    }
    if (*p == '.' && nf == 5)
        for (p++; *p >= '0' && *p <= '9' && fd < 18; p++, fd++)
            frac = frac * 10 + (*p - '0');
    /* The fields a unit shows: Y 0, M 1, W/D 2, h 3, m 4, s and finer 5. */
    static const int shown[] = {0, 1, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5};
    int want_fd = unit >= 7 ? (int)(unit - 6) * 3 : 0;
    if (*p || !got || nf != shown[unit] || fd != want_fd)
        return wrong(c, "a datetime64 element does not match its unit");
    if (nf >= 1)
        mo = fields[0];
    if (nf >= 2)
        d = fields[1];
    h = fields[2], mi = fields[3], s = fields[4];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return wrong(c, "a datetime64 element is out of range");
    int64_t days = dj__blob_days(y, mo, d);
    int64_t x = 0;
    if (unit == 0)
        x = y - 1970;
    else if (unit == 1)
        x = (y - 1970) * 12 + mo - 1;
    else if (unit == 2)
        x = days >= 0 ? days / 7 : -((6 - days) / 7);
    else {
        int64_t secs = ((days * 24 + h) * 60 + mi) * 60 + s;
        if (unit == 3)
            x = days;
        else if (unit == 4)
            x = days * 24 + h;
        else if (unit == 5)
            x = (days * 24 + h) * 60 + mi;
        else {
            int64_t per = 1;
            for (int k = 0; k < want_fd; k++)
                per *= 10;
            x = secs * per + frac;
        }
    }
    *out = x;
    return 0;
}

static int numbers(conv *c, dj_val *v, const jnode *data)
{
    size_t size = dj__blob_class_size(v->cls);
    uint8_t *p = v->own;
    for (size_t i = 0; i < v->count; i++) {
        const jnode *e = &data->kids[i];
        int rc = 0;
        if (v->cls >= DJ_BLOB_DATETIME64_Y) {
            int64_t x = 0;
            rc = get_dt64(c, e, v->cls - DJ_BLOB_DATETIME64_Y, &x);
            memcpy(p + 8 * i, &x, 8);
        } else if (v->cls == DJ_BLOB_LOGICAL) {
            if (e->type != J_TRUE && e->type != J_FALSE)
                return wrong(c, "a bool element must be true or false");
            p[i] = e->type == J_TRUE;
        } else if (v->cls == DJ_BLOB_DOUBLE || v->cls == DJ_BLOB_SINGLE) {
            double parts[2] = {0, 0};
            const jnode *re = e, *im = NULL;
            if (v->is_complex) {
                if (e->type != J_ARR || e->n != 2)
                    return wrong(c, "a complex element must be [re, im]");
                re = &e->kids[0];
                im = &e->kids[1];
            }
            rc = get_double(c, re, &parts[0]);
            if (rc == 0 && im)
                rc = get_double(c, im, &parts[1]);
            for (int k = 0; k < (im ? 2 : 1); k++) {
                size_t at = (k ? v->count + i : i) * size;
                if (v->cls == DJ_BLOB_SINGLE) {
                    float f = (float)parts[k];
                    memcpy(p + at, &f, 4);
                } else
                    memcpy(p + at, &parts[k], 8);
            }
        } else {
            static const int64_t lo[] = {INT8_MIN, 0, INT16_MIN, 0, INT32_MIN, 0, INT64_MIN, 0};
            static const uint64_t hi[] = {INT8_MAX, UINT8_MAX, INT16_MAX, UINT16_MAX,
                                          INT32_MAX, UINT32_MAX, INT64_MAX, UINT64_MAX};
            unsigned k = v->cls - DJ_BLOB_INT8;
            uint64_t u = 0;
            rc = get_int64(c, e, lo[k], hi[k], (k & 1) == 0, &u);
            /* Through the C type of the class: host order on any host. */
            uint8_t b8 = (uint8_t)u;
            uint16_t b16 = (uint16_t)u;
            uint32_t b32 = (uint32_t)u;
            memcpy(p + i * size, size == 1 ? (void *)&b8 : size == 2 ? (void *)&b16
                                 : size == 4 ? (void *)&b32 : (void *)&u, size);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* A MATLAB char array: a row as one string, otherwise one character per element. */
static int chars(conv *c, const jnode *data, uint64_t *dims, size_t nd,
                 dj_val **out)
{
    int row = nd == 1 && dims[0] == 1 && data->n == 1 && data->kids[0].type == J_STR;
    size_t n = 0;
    for (size_t i = 0; i < data->n; i++) {
        const jnode *s = &data->kids[i];
        if (s->type != J_STR)
            return wrong(c, "char data must be strings");
        for (size_t k = 0; k < s->len; k += dj__utf8_len((const uint8_t *)s->s + k, s->len - k))
            n++;
        if (!row && n != i + 1)
            return wrong(c, "char elements of a non-row array must be single characters");
    }
    uint64_t rowdims[2] = {1, n};
    if (!row && !shape_holds(dims, nd, n))
        return wrong(c, "char data does not fill the shape");
    int rc = dj_val_array(c->alloc, DJ_BLOB_CHAR, 0, row ? 2 : nd, row ? rowdims : dims, out,
                            c->err);
    if (rc)
        return rc;
    uint16_t *u = (*out)->own;
    size_t at = 0;
    for (size_t i = 0; i < data->n; i++) {
        const uint8_t *s = (const uint8_t *)data->kids[i].s;
        size_t len = data->kids[i].len;
        for (size_t k = 0; k < len;) {
            size_t m = dj__utf8_len(s + k, len - k);
            unsigned cp = m == 1 ? s[k] : m == 2 ? (unsigned)(s[k] & 0x1F) << 6 | (s[k + 1] & 0x3F)
                        : m == 3 ? (unsigned)(s[k] & 0x0F) << 12 | (unsigned)(s[k + 1] & 0x3F) << 6 | (s[k + 2] & 0x3F)
                        : 0x10000;
            if (cp > 0xFFFF)
                return wrong(c, "a MATLAB char holds characters up to U+FFFF only");
            u[at++] = (uint16_t)cp;
            k += m;
        }
    }
    return 0;
}

static int array(conv *c, const jnode *o, unsigned depth, dj_val **out)
{
    const jnode *cls = member(o, "class"), *data = member(o, "data"), *cx = member(o, "complex");
    uint64_t dims[DJ_BLOB_MAX_DIMS];
    size_t nd;
    if (!cls || cls->type != J_STR || !data || data->type != J_ARR)
        return wrong(c, "an array needs \"class\" and \"data\"");
    int rc = get_shape(c, o, dims, &nd);
    if (rc)
        return rc;
    uint32_t k;
    int is_complex = 0;
    int w = dj__blob_word(dj__blob_class_names, cls->s, cls->len);
    if (w >= 0)
        k = DJ_BLOB_LOGICAL + (uint32_t)w;
    else if (strcmp(cls->s, "complex128") == 0 || strcmp(cls->s, "complex64") == 0) {
        k = cls->len == 10 ? DJ_BLOB_DOUBLE : DJ_BLOB_SINGLE;
        is_complex = 1;
    } else if (cls->len > 12 && memcmp(cls->s, "datetime64[", 11) == 0 && cls->s[cls->len - 1] == ']' &&
               (w = dj__blob_word(dj__blob_dt_units, cls->s + 11, cls->len - 12)) >= 0)
        k = DJ_BLOB_DATETIME64_Y + (uint32_t)w;
    else
        return wrong(c, "unknown array class");
    if (cx && cx->type != (is_complex ? J_TRUE : J_FALSE))
        return wrong(c, "\"complex\" disagrees with the class");
    if (k == DJ_BLOB_CHAR)
        return chars(c, data, dims, nd, out);
    if (!shape_holds(dims, nd, data->n))
        return wrong(c, "\"data\" does not hold as many elements as the shape says");
    rc = dj_val_array(c->alloc, (dj_blob_class)k, is_complex, nd, dims, out, c->err);
    if (rc)
        return rc;
    if (k != DJ_BLOB_OBJECT)
        return numbers(c, *out, data);
    for (size_t i = 0; i < data->n; i++)
        if ((rc = to_value(c, &data->kids[i], depth + 1, &(*out)->items[i])))
            return rc;
    return 0;
}

static int structure(conv *c, const jnode *o, unsigned depth, dj_val **out)
{
    const jnode *f = member(o, "fields"), *items = member(o, "items");
    uint64_t dims[DJ_BLOB_MAX_DIMS];
    size_t nd;
    if (!f || f->type != J_ARR || !items || items->type != J_ARR)
        return wrong(c, "a struct needs \"fields\" and \"items\"");
    int rc = get_shape(c, o, dims, &nd);
    if (rc)
        return rc;
    const char **names = dj__malloc(c->alloc, (f->n ? f->n : 1) * sizeof *names);
    if (!names)
        return dj__err(c->err, DJ_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        if (f->kids[i].type != J_STR || strlen(f->kids[i].s) != f->kids[i].len) {
            dj__free(c->alloc, names);
            return wrong(c, "field names must be strings without NUL");
        }
        names[i] = f->kids[i].s;
    }
    if (f->n && !shape_holds(dims, nd, items->n)) {
        dj__free(c->alloc, names);
        return wrong(c, "\"items\" does not hold one entry per element");
    }
    rc = dj_val_struct(c->alloc, nd, dims, f->n, names, out, c->err);
    dj__free(c->alloc, names);
    if (rc)
        return rc;
    for (size_t e = 0; f->n && e < items->n; e++) {
        const jnode *it = &items->kids[e];
        if (it->type != J_ARR || it->n != f->n)
            return wrong(c, "a struct element must list one value per field");
        for (size_t k = 0; k < f->n; k++)
            if ((rc = to_value(c, &it->kids[k], depth + 1, &(*out)->items[e * f->n + k])))
                return rc;
    }
    return 0;
}

static int cell(conv *c, const jnode *o, unsigned depth, dj_val **out)
{
    const jnode *items = member(o, "items");
    uint64_t dims[DJ_BLOB_MAX_DIMS];
    size_t nd;
    if (!items || items->type != J_ARR)
        return wrong(c, "a cell needs \"items\"");
    int rc = get_shape(c, o, dims, &nd);
    if (rc == 0 && !shape_holds(dims, nd, items->n))
        return wrong(c, "\"items\" does not fill the cell's shape");
    if (rc == 0)
        rc = dj_val_cell(c->alloc, nd, dims, out, c->err);
    if (rc)
        return rc;
    for (size_t i = 0; i < items->n; i++)
        if ((rc = to_value(c, &items->kids[i], depth + 1, &(*out)->items[i])))
            return rc;
    return 0;
}

static int sequence(conv *c, const jnode *a, dj_val_kind kind, unsigned depth, dj_val **out)
{
    if (a->type != J_ARR)
        return wrong(c, "a list, tuple, set or dict needs a JSON list");
    *out = dj_val_container(c->alloc, kind);
    if (!*out)
        return dj__err(c->err, DJ_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        dj_val *k = NULL, *v = NULL;
        int rc;
        if (kind == DJ_VAL_DICT) {
            const jnode *pair = &a->kids[i];
            if (pair->type != J_ARR || pair->n != 2)
                return wrong(c, "a dict entry must be [key, value]");
            rc = to_value(c, &pair->kids[0], depth + 1, &k);
            if (rc == 0 && (rc = to_value(c, &pair->kids[1], depth + 1, &v)) != 0)
                dj_val_free(k);
            if (rc == 0)
                rc = dj_val_dict_put(*out, k, v, c->err);
        } else {
            rc = to_value(c, &a->kids[i], depth + 1, &v);
            if (rc == 0)
                rc = dj_val_append(*out, v, c->err);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_time(const char *s, size_t n, dj_blob_time *t)
{
    if (n < 8 || s[2] != ':' || s[5] != ':')
        return -1;
    for (size_t i = 0; i < 8; i++)
        if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
            return -1;
    t->hour = (s[0] - '0') * 10 + s[1] - '0';
    t->minute = (s[3] - '0') * 10 + s[4] - '0';
    t->second = (s[6] - '0') * 10 + s[7] - '0';
    t->microsecond = 0;
    if (n == 8)
        return 0;
    if (n != 15 || s[8] != '.')
        return -1;
    for (size_t i = 9; i < 15; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        t->microsecond = t->microsecond * 10 + s[i] - '0';
    }
    return 0;
}

static int parse_date(const char *s, size_t n, dj_blob_time *t)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int f[8], k = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        f[k++] = s[i] - '0';
    }
    t->year = ((f[0] * 10 + f[1]) * 10 + f[2]) * 10 + f[3];
    t->month = f[4] * 10 + f[5];
    t->day = f[6] * 10 + f[7];
    return 0;
}

static int when(conv *c, dj_val_kind kind, const jnode *s, dj_val **out)
{
    dj_blob_time t = {0, 0, 0, 0, 0, 0, 0};
    int bad = s->type != J_STR;
    if (!bad && kind == DJ_VAL_DATE)
        bad = parse_date(s->s, s->len, &t);
    else if (!bad && kind == DJ_VAL_TIME)
        bad = parse_time(s->s, s->len, &t);
    else if (!bad)
        bad = s->len < 19 || s->s[10] != 'T' || parse_date(s->s, 10, &t) ||
              parse_time(s->s + 11, s->len - 11, &t);
    if (bad)
        return wrong(c, "a date or time is not in ISO 8601 form");
    return dj_val_time(c->alloc, kind, &t, out, c->err);
}

static int uuid(conv *c, const jnode *s, dj_val **out)
{
    uint8_t b[16];
    size_t k = 0;
    for (size_t i = 0; s->type == J_STR && i + 1 < s->len + 1 && k < 16 && i < s->len;) {
        if (s->s[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
            i++;
            continue;
        }
        int hi = hexval(s->s[i]), lo = i + 1 < s->len ? hexval(s->s[i + 1]) : -1;
        if (hi < 0 || lo < 0)
            break;
        b[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    if (s->type != J_STR || k != 16 || (s->len != 32 && s->len != 36))
        return wrong(c, "a uuid must be 32 hex digits, optionally hyphenated");
    *out = dj_val_uuid(c->alloc, b);
    return *out ? 0 : dj__err(c->err, DJ_ENOMEM, "out of memory");
}

static int bytes(conv *c, const jnode *s, dj_val **out)
{
    if (s->type != J_STR || s->len % 2)
        return wrong(c, "bytes must be an even number of hex digits");
    uint8_t *b = dj__malloc(c->alloc, s->len / 2 + 1);
    if (!b)
        return dj__err(c->err, DJ_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->len / 2; i++) {
        int hi = hexval(s->s[2 * i]), lo = hexval(s->s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            dj__free(c->alloc, b);
            return wrong(c, "bytes must be hex digits");
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    int rc = dj_val_text(c->alloc, DJ_VAL_BYTES, b, s->len / 2, out, c->err);
    dj__free(c->alloc, b);
    return rc;
}

static const char kinds[] = "none\0bool\0int\0float\0complex\0str\0bytes\0decimal\0date\0time\0"
                            "datetime\0uuid\0array\0struct\0cell\0tuple\0list\0set\0dict\0";

static int to_value_inner(conv *c, const jnode *n, unsigned depth, dj_val **out)
{
    if (depth > DJ_BLOB_MAX_DEPTH)
        return dj__err(c->err, DJ_ETOOBIG, "value nested deeper than %d levels", DJ_BLOB_MAX_DEPTH);
    if (n->type != J_OBJ || n->n != 1)
        return wrong(c, "each value must be an object with one key naming its kind");
    const jnode *b = &n->kids[0];
    int kind = dj__blob_word(kinds, n->keys[0], strlen(n->keys[0]));
    double re, im;
    switch (kind) {
    case 0:
        if (b->type != J_NULL)
            return wrong(c, "none takes null");
        *out = dj_val_none(c->alloc);
        break;
    case 1:
        if (b->type != J_TRUE && b->type != J_FALSE)
            return wrong(c, "bool takes true or false");
        *out = dj_val_bool(c->alloc, b->type == J_TRUE);
        break;
    case 2:
        if (b->type != J_STR && b->type != J_NUM)
            return wrong(c, "int takes its decimal text");
        return dj_val_int_text(c->alloc, b->s, b->len, out, c->err);
    case 3:
        if (get_double(c, b, &re))
            return DJ_EINVAL;
        *out = dj_val_float(c->alloc, re);
        break;
    case 4:
        if (b->type != J_ARR || b->n != 2 || get_double(c, &b->kids[0], &re) ||
            get_double(c, &b->kids[1], &im))
            return wrong(c, "complex takes [re, im]");
        *out = dj_val_complex(c->alloc, re, im);
        break;
    case 5:
    case 7:
        if (b->type != J_STR)
            return wrong(c, "str and decimal take a string");
        return dj_val_text(c->alloc, kind == 5 ? DJ_VAL_STR : DJ_VAL_DECIMAL, b->s, b->len,
                             out, c->err);
    case 6: return bytes(c, b, out);
    case 8: return when(c, DJ_VAL_DATE, b, out);
    case 9: return when(c, DJ_VAL_TIME, b, out);
    case 10: return when(c, DJ_VAL_DATETIME, b, out);
    case 11: return uuid(c, b, out);
    case 12:
    case 13:
    case 14:
        if (b->type != J_OBJ)
            return wrong(c, "array, struct and cell take an object");
        return kind == 12 ? array(c, b, depth, out) : kind == 13 ? structure(c, b, depth, out)
                                                                 : cell(c, b, depth, out);
    case 15: return sequence(c, b, DJ_VAL_TUPLE, depth, out);
    case 16: return sequence(c, b, DJ_VAL_LIST, depth, out);
    case 17: return sequence(c, b, DJ_VAL_SET, depth, out);
    case 18: return sequence(c, b, DJ_VAL_DICT, depth, out);
    default: return wrong(c, "unknown kind of value");
    }
    return *out ? 0 : dj__err(c->err, DJ_ENOMEM, "out of memory");
}

/* A value, nothing left behind when it fails. */
static int to_value(conv *c, const jnode *n, unsigned depth, dj_val **out)
{
    *out = NULL;
    int rc = to_value_inner(c, n, depth, out);
    if (rc) {
        dj_val_free(*out);
        *out = NULL;
    }
    return rc;
}

int dj_val_from_json(const char *text, size_t len, const dj_allocator *alloc, dj_val **out,
                       dj_error *err)
{
    *out = NULL;
    jin j = {text, text + len, text, alloc, err};
    jnode doc;
    int rc = node(&j, &doc, 1);
    ws(&j);
    if (rc == 0 && j.p != j.end)
        rc = syntax(&j, "text follows the value");
    if (rc == 0) {
        conv c = {alloc, err};
        rc = to_value(&c, &doc, 1, out);
    }
    jfree(alloc, &doc);
    return rc;
}
