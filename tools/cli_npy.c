/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_npy.c - NumPy's .npy format for `dj blob --npy`: a numeric array to
 * the file and back. Format 1.0 (2.0 and 3.0 read too): "\x93NUMPY", version,
 * header length, a Python dict literal {'descr': '<f4', 'fortran_order':
 * True, 'shape': (3, 4), } padded to 64 bytes, then the elements. Blobs hold
 * arrays column-major, which .npy says as fortran_order True: no reordering
 * on the way out; C-ordered files are reordered on the way in.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* numpy's type codes by blob class (LOGICAL first; char and object have none). */
static const char *const descrs[] = {"|b1", NULL, NULL, "<f8", "<f4", "|i1", "|u1", "<i2",
                                     "<u2", "<i4", "<u4", "<i8", "<u8"};
static const char *const dt_units[] = {"Y", "M", "W", "D", "h", "m", "s", "ms", "us",
                                       "ns", "ps", "fs", "as"};

/* In place: host order to little-endian and back (nothing to do on most hosts). */
static void to_le(unsigned char *p, size_t n, size_t size)
{
#ifdef WORDS_BIGENDIAN
    for (size_t i = 0; i < n; i++, p += size)
        for (size_t k = 0; k < size / 2; k++) {
            unsigned char t = p[k];
            p[k] = p[size - 1 - k];
            p[size - 1 - k] = t;
        }
#else
    (void)p, (void)n, (void)size;
#endif
}

static size_t class_size(unsigned cls)
{
    static const unsigned char sizes[] = {1, 2, 0, 8, 4, 1, 1, 2, 2, 4, 4, 8, 8};
    return cls >= DJ_BLOB_DATETIME64_Y ? 8 : sizes[cls - DJ_BLOB_LOGICAL];
}

int dj__cli_npy_write(const dj_val *v, unsigned char **out, size_t *len)
{
    unsigned cls = dj_val_array_class(v);
    int cplx = dj_val_array_is_complex(v);
    if (dj_val_kind_of(v) != DJ_VAL_ARRAY || cls == DJ_BLOB_CHAR || cls == DJ_BLOB_OBJECT) {
        dj__cli_puts(DJ__ERR, "dj: only a numeric, logical or datetime64 array can be written "
                              "as .npy\n");
        return DJ__CLI_FAILED;
    }
    char descr[16], header[1024];
    if (cls >= DJ_BLOB_DATETIME64_Y)
        dj__fmt(descr, sizeof descr, "<M8[%s]", dt_units[cls - DJ_BLOB_DATETIME64_Y]);
    else
        dj__fmt(descr, sizeof descr, "%s", cplx ? (cls == DJ_BLOB_SINGLE ? "<c8" : "<c16")
                                                : descrs[cls - DJ_BLOB_LOGICAL]);
    if (cplx && cls != DJ_BLOB_SINGLE && cls != DJ_BLOB_DOUBLE) {
        dj__cli_puts(DJ__ERR, "dj: a complex integer array has no .npy type\n");
        return DJ__CLI_FAILED;
    }
    size_t h = dj__fmt(header, sizeof header, "{'descr': '%s', 'fortran_order': True, 'shape': (",
                       descr);
    size_t nd = dj_val_ndims(v);
    for (size_t i = 0; i < nd && h < sizeof header; i++)
        h += dj__fmt(header + h, sizeof header - h, "%llu%s",
                     (unsigned long long)dj_val_shape(v)[i], nd == 1 || i + 1 < nd ? ", " : "");
    if (h + 8 + 64 >= sizeof header) {
        dj__cli_puts(DJ__ERR, "dj: too many dimensions for .npy\n");
        return DJ__CLI_FAILED;
    }
    h += dj__fmt(header + h, sizeof header - h, "), }");
    while ((10 + h + 1) % 64)
        header[h++] = ' ';
    header[h++] = '\n';
    size_t size = class_size(cls), n = dj_val_array_count(v);
    unsigned char *b = malloc(10 + h + n * size * (cplx ? 2 : 1));
    if (!b) {
        dj__cli_puts(DJ__ERR, "dj: out of memory\n");
        return DJ__CLI_FAILED;
    }
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)(h & 0xFF);
    b[9] = (unsigned char)(h >> 8);
    memcpy(b + 10, header, h);
    unsigned char *p = b + 10 + h;
    const unsigned char *data = dj_val_array_data(v);
    if (cplx) { /* numpy interleaves re, im; a blob has all reals, then all imaginary parts */
        for (size_t i = 0; i < n; i++) {
            memcpy(p + 2 * i * size, data + i * size, size);
            memcpy(p + (2 * i + 1) * size, data + (n + i) * size, size);
        }
    } else if (n) {
        memcpy(p, data, n * size);
    }
    to_le(p, n * (cplx ? 2 : 1), size);
    *out = b;
    *len = 10 + h + n * size * (cplx ? 2 : 1);
    return DJ__CLI_OK;
}

static int bad_npy(const char *what)
{
    dj__cli_printf(DJ__ERR, "dj: not a .npy file this tool reads: %s\n", what);
    return DJ__CLI_FAILED;
}

/* The text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key)
{
    const char *k = strstr(h, key);
    if (!k)
        return NULL;
    k += strlen(key);
    while (*k == ' ' || *k == ':')
        k++;
    return k;
}

static int parse_descr(const char *d, unsigned *cls, int *cplx, size_t *size, int *swap)
{
    if (*d != '\'')
        return -1;
    d++;
    char order = *d++;
    *swap = 0;
    if (order == '>')
        *swap = 1;
    else if (order != '<' && order != '|' && order != '=')
        return -1;
#ifdef WORDS_BIGENDIAN
    *swap = order == '<';
#endif
    size_t n = strcspn(d, "'");
    *cplx = 0;
    if (n == 3 && (memcmp(d, "c16", 3) == 0)) {
        *cls = DJ_BLOB_DOUBLE, *cplx = 1, *size = 8;
        return 0;
    }
    if (n == 2 && memcmp(d, "c8", 2) == 0) {
        *cls = DJ_BLOB_SINGLE, *cplx = 1, *size = 4;
        return 0;
    }
    if (n > 4 && memcmp(d, "M8[", 3) == 0 && d[n - 1] == ']') {
        for (unsigned u = 0; u < sizeof dt_units / sizeof dt_units[0]; u++)
            if (strlen(dt_units[u]) == n - 4 && memcmp(d + 3, dt_units[u], n - 4) == 0) {
                *cls = DJ_BLOB_DATETIME64_Y + u, *size = 8;
                return 0;
            }
        return -1;
    }
    for (unsigned c = 0; c < sizeof descrs / sizeof descrs[0]; c++)
        if (descrs[c] && strlen(descrs[c] + 1) == n && memcmp(descrs[c] + 1, d, n) == 0) {
            *cls = DJ_BLOB_LOGICAL + c;
            *size = class_size(*cls);
            return 0;
        }
    return -1;
}

int dj__cli_npy_read(const unsigned char *b, size_t len, dj_val **out)
{
    if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
        return bad_npy("no NUMPY magic");
    size_t hl = b[6] == 1 ? (size_t)(b[8] | b[9] << 8) : len >= 12 ? (size_t)b[8] | (size_t)b[9] << 8 |
                (size_t)b[10] << 16 | (size_t)b[11] << 24 : (size_t)-1;
    size_t start = b[6] == 1 ? 10 : 12;
    if (b[6] < 1 || b[6] > 3 || hl > 65536 || hl > len - start)
        return bad_npy("bad header length");
    char header[65537];
    memcpy(header, b + start, hl);
    header[hl] = 0;
    const char *d = dict_value(header, "'descr'"), *f = dict_value(header, "'fortran_order'"),
               *s = dict_value(header, "'shape'");
    unsigned cls;
    int cplx, swap;
    size_t size;
    if (!d || parse_descr(d, &cls, &cplx, &size, &swap))
        return bad_npy("unsupported descr (numeric, bool and datetime64 only)");
    if (!f || (strncmp(f, "True", 4) && strncmp(f, "False", 5)))
        return bad_npy("no fortran_order");
    int fortran = f[0] == 'T';
    uint64_t shape[DJ_BLOB_MAX_DIMS];
    size_t nd = 0;
    if (!s || *s != '(')
        return bad_npy("no shape");
    for (s++;;) {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        char *end;
        unsigned long long x = strtoull(s, &end, 10);
        if (end == s || nd == DJ_BLOB_MAX_DIMS)
            return bad_npy("bad shape");
        shape[nd++] = x;
        s = end;
    }
    dj_val *v;
    dj_error err;
    if (dj_val_array(NULL, (dj_blob_class)cls, cplx, nd, shape, &v, &err)) {
        dj__cli_report(&err);
        return DJ__CLI_FAILED;
    }
    size_t n = dj_val_array_count(v), k = cplx ? 2 : 1;
    const unsigned char *src = b + start + hl;
    if (n > (len - start - hl) / size / k || (len - start - hl) != n * size * k) {
        dj_val_free(v);
        return bad_npy("the data does not match the shape");
    }
    unsigned char *dst = dj_val_array_mut(v);
    for (size_t i = 0; i < n; i++) {
        /* Column-major position of C-order element i. */
        size_t at = i;
        if (!fortran) {
            size_t rest = i;
            at = 0;
            for (size_t a = nd; a-- > 0;) {
                size_t idx = (size_t)(rest % shape[a]);
                rest /= (size_t)shape[a];
                size_t stride = 1;
                for (size_t q = 0; q < a; q++)
                    stride *= (size_t)shape[q];
                at += idx * stride;
            }
        }
        for (size_t part = 0; part < k; part++) {
            unsigned char *p = dst + (part * n + at) * size;
            memcpy(p, src + (i * k + part) * size, size);
            if (swap)
                for (size_t q = 0; q < size / 2; q++) {
                    unsigned char t = p[q];
                    p[q] = p[size - 1 - q];
                    p[size - 1 - q] = t;
                }
        }
    }
    *out = v;
    return DJ__CLI_OK;
}
