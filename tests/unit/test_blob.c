/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_blob.c - the DataJoint blob codec (lib/dj/blob_*.c).
 *
 * Every blob that the real datajoint-python made (tests/data/datajoint-blobs,
 * copied from the shared vectors) must decode to its description, re-encode
 * to the same bytes, and the description itself must encode to a blob that
 * decodes to it again. Then hostile input: every prefix, bad codes and
 * sizes, lies about lengths, nesting past the cap.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dj/blob.h"
#include "hex.h"

typedef struct vec {
    char name[80];
    uint8_t *blob;
    size_t len;
    char *desc;
} vec;

static vec vecs[128];
static size_t nvecs;

static void load(void)
{
    if (nvecs)
        return;
    FILE *f = fopen(DJ_BLOB_VECTORS, "r");
    cr_assert(f, "cannot open %s", DJ_BLOB_VECTORS);
    static char line[1 << 20];
    while (fgets(line, sizeof line, f)) {
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        cr_assert(tab2 && nvecs < 128, "bad vector line %zu", nvecs + 1);
        *tab1 = *tab2 = 0;
        line[strcspn(tab2 + 1, "\n") + (size_t)(tab2 + 1 - line)] = 0;
        vec *v = &vecs[nvecs++];
        cr_assert(strlen(line) < sizeof v->name);
        memcpy(v->name, line, strlen(line) + 1);
        size_t hexlen = strlen(tab1 + 1);
        v->blob = malloc(hexlen / 2 + 1);
        v->len = hex_decode(tab1 + 1, v->blob, hexlen / 2 + 1);
        cr_assert(v->len != (size_t)-1, "%s: bad hex", v->name);
        v->desc = strdup(tab2 + 1);
    }
    fclose(f);
    cr_assert(nvecs >= 56, "only %zu vectors", nvecs);
}

static int compressed(const vec *v) { return v->len >= 6 && memcmp(v->blob, "ZL123", 6) == 0; }

/* Without zlib a compressed blob is DJ_EUNSUPPORTED, clearly; returns 1 then. */
static int needs_zlib(const vec *v)
{
#ifdef HAVE_ZLIB
    (void)v;
    return 0;
#else
    if (!compressed(v))
        return 0;
    dj_val *out;
    dj_error err;
    cr_expect_eq(dj_blob_decode(v->blob, v->len, 0, NULL, &out, &err), DJ_EUNSUPPORTED, "%s",
                 v->name);
    return 1;
#endif
}

static char *describe(const dj_val *v)
{
    char *text;
    size_t len;
    dj_error err;
    int rc = dj_val_to_json(v, &text, &len, &err);
    cr_assert_eq(rc, 0, "to_json: %s", err.message);
    cr_assert_eq(strlen(text), len);
    return text;
}

/* The description as this library reads and writes it: compares parsed. */
static char *canonical(const char *desc)
{
    dj_val *v;
    dj_error err;
    int rc = dj_val_from_json(desc, strlen(desc), NULL, &v, &err);
    cr_assert_eq(rc, 0, "from_json(%.80s): %s", desc, err.message);
    char *text = describe(v);
    dj_val_free(v);
    return text;
}

static dj_val *decode(const uint8_t *b, size_t n, unsigned flags, const char *name)
{
    dj_val *v;
    dj_error err;
    int rc = dj_blob_decode(b, n, flags, NULL, &v, &err);
    cr_assert_eq(rc, 0, "%s: decode: %s", name, err.message);
    return v;
}

Test(blob, vectors_decode_to_their_description)
{
    load();
    for (size_t i = 0; i < nvecs; i++) {
        if (needs_zlib(&vecs[i]))
            continue;
        for (unsigned flags = 0; flags <= DJ_BLOB_BORROW; flags++) {
            dj_val *v = decode(vecs[i].blob, vecs[i].len, flags, vecs[i].name);
            char *got = describe(v), *want = canonical(vecs[i].desc);
            cr_expect(strcmp(got, want) == 0, "%s:\n got  %.400s\n want %.400s", vecs[i].name, got, want);
            /* Written the way datajoint's generator writes it, even as text. */
            cr_expect(strcmp(got, vecs[i].desc) == 0, "%s (as text):\n got  %.400s\n want %.400s", vecs[i].name, got, vecs[i].desc);
            free(got);
            free(want);
            dj_val_free(v);
        }
    }
}

Test(blob, vectors_reencode_byte_for_byte)
{
    load();
    for (size_t i = 0; i < nvecs; i++) {
        if (needs_zlib(&vecs[i]))
            continue;
        dj_val *v = decode(vecs[i].blob, vecs[i].len, 0, vecs[i].name);
        /* That one was written with datajoint's compress=False. */
        unsigned flags = strstr(vecs[i].name, "compress_off") ? DJ_BLOB_NO_COMPRESS : 0;
        uint8_t *b;
        size_t n;
        dj_error err;
        cr_assert_eq(dj_blob_encode(v, flags, &b, &n, &err), 0, "%s: %s", vecs[i].name, err.message);
        cr_expect(n == vecs[i].len && memcmp(b, vecs[i].blob, n) == 0,
                  "%s: re-encoded %zu bytes differ from datajoint's %zu", vecs[i].name, n,
                  vecs[i].len);
        dj_val *again = decode(b, n, 0, vecs[i].name);
        char *d1 = describe(v), *d2 = describe(again);
        cr_expect(strcmp(d1, d2) == 0, "%s: %.400s", vecs[i].name, d2);
        free(d1);
        free(d2);
        dj_blob_free(v, b);
        dj_val_free(again);
        dj_val_free(v);
    }
}

Test(blob, descriptions_encode_to_blobs_that_decode_back)
{
    load();
    for (size_t i = 0; i < nvecs; i++) {
        dj_val *v;
        dj_error err;
        cr_assert_eq(dj_val_from_json(vecs[i].desc, strlen(vecs[i].desc), NULL, &v, &err), 0,
                     "%s: %s", vecs[i].name, err.message);
        uint8_t *b;
        size_t n;
        cr_assert_eq(dj_blob_encode(v, 0, &b, &n, &err), 0, "%s: %s", vecs[i].name, err.message);
        dj_val *back = decode(b, n, 0, vecs[i].name);
        char *got = describe(back), *want = canonical(vecs[i].desc);
        cr_expect(strcmp(got, want) == 0, "%s:\n got  %.400s\n want %.400s", vecs[i].name, got, want);
        /* Same protocol as datajoint-python chose (a MATLAB char row and a
         * record array cannot be told from their descriptions). */
        const uint8_t *proto = vecs[i].blob;
        uint8_t inflated_proto[4];
        if (compressed(&vecs[i]) && needs_zlib(&vecs[i]))
            proto = NULL;
        else if (compressed(&vecs[i])) {
            dj_val *tmp = decode(vecs[i].blob, vecs[i].len, 0, vecs[i].name);
            memcpy(inflated_proto, dj_val_kind_of(tmp) == DJ_VAL_ARRAY ? "mYm" : "dj0", 4);
            dj_val_free(tmp);
            proto = inflated_proto;
        }
        if (proto && !strstr(vecs[i].name, "recarray") && memcmp(b, "ZL123", 5) != 0)
            cr_expect(memcmp(b, proto, 3) == 0, "%s: wrote %.3s", vecs[i].name, (const char *)b);
        free(got);
        free(want);
        dj_blob_free(v, b);
        dj_val_free(back);
        dj_val_free(v);
    }
}

static const vec *find(const char *name)
{
    load();
    for (size_t i = 0; i < nvecs; i++)
        if (strcmp(vecs[i].name, name) == 0)
            return &vecs[i];
    cr_assert_fail("no vector %s", name);
    return NULL;
}

Test(blob, elements_in_host_order)
{
    const vec *t = find("array_int16_1d");
    dj_val *v = decode(t->blob, t->len, 0, t->name);
    cr_assert_eq(dj_val_kind_of(v), DJ_VAL_ARRAY);
    cr_assert_eq(dj_val_array_class(v), DJ_BLOB_INT16);
    cr_assert_eq(dj_val_array_count(v), 3);
    const int16_t *x = dj_val_array_data(v);
    cr_expect(x[0] == 1 && x[1] == -2 && x[2] == 3);
    dj_val_free(v);

    t = find("array_float64_2x3");
    v = decode(t->blob, t->len, 0, t->name);
    const double *d = dj_val_array_data(v);
    cr_expect(dj_val_ndims(v) == 2 && dj_val_shape(v)[0] == 2 && dj_val_shape(v)[1] == 3);
    cr_expect(d[0] == 0 && d[1] == 3 && d[2] == 1 && d[5] == 5); /* column-major */
    dj_val_free(v);
}

Test(blob, compressed_arrays_are_not_copied_again)
{
    const vec *t = find("array_float32_trace_compressed");
    if (needs_zlib(t))
        return;
    dj_val *v = decode(t->blob, t->len, 0, t->name);
#ifndef WORDS_BIGENDIAN
    /* A top-level array's elements stay in the inflated blob. */
    cr_expect(v->own == NULL);
    cr_expect_eq((uintptr_t)dj_val_array_data(v) % 8, 0);
#endif
    dj_val_free(v);
}

Test(blob, ints_exact_and_checked)
{
    int64_t i;
    uint64_t u;
    dj_error err;
    const vec *t = find("py_int_big");
    dj_val *v = decode(t->blob, t->len, 0, t->name);
    cr_expect_eq(dj_val_get_int64(v, &i, &err), DJ_ETOOBIG);
    cr_expect_eq(dj_val_get_uint64(v, &u, &err), DJ_ETOOBIG);
    dj_val_free(v);
    t = find("py_int_negative");
    v = decode(t->blob, t->len, 0, t->name);
    cr_expect_eq(dj_val_get_int64(v, &i, &err), 0);
    cr_expect_eq(i, -12345678901234LL);
    cr_expect_eq(dj_val_get_uint64(v, &u, &err), DJ_ETOOBIG);
    dj_val_free(v);

    /* Python's widths: bit_length // 8 + 1 bytes. */
    static const struct { int64_t x; size_t width; } widths[] = {
        {0, 1}, {-1, 1}, {127, 1}, {128, 2}, {-128, 2}, {-129, 2}, {255, 2}, {-32768, 3},
        {INT64_MAX, 8}, {INT64_MIN, 9}};
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
        v = dj_val_int(NULL, widths[k].x);
        uint8_t *b;
        size_t n;
        cr_assert_eq(dj_blob_encode(v, 0, &b, &n, &err), 0);
        cr_expect_eq(n, 4 + 1 + 2 + widths[k].width, "%lld", (long long)widths[k].x);
        dj_val *back = decode(b, n, 0, "int");
        cr_expect_eq(dj_val_get_int64(back, &i, &err), 0);
        cr_expect_eq(i, widths[k].x);
        dj_blob_free(v, b);
        dj_val_free(back);
        dj_val_free(v);
    }
    v = dj_val_uint(NULL, UINT64_MAX);
    cr_expect_eq(dj_val_get_uint64(v, &u, &err), 0);
    cr_expect_eq(u, UINT64_MAX);
    cr_expect_eq(dj_val_get_int64(v, &i, &err), DJ_ETOOBIG);
    dj_val_free(v);
    cr_assert_eq(dj_val_int_text(NULL, "-9223372036854775808", 20, &v, &err), 0);
    cr_expect_eq(dj_val_get_int64(v, &i, &err), 0);
    cr_expect_eq(i, INT64_MIN);
    dj_val_free(v);
    cr_expect_eq(dj_val_int_text(NULL, "12x", 3, &v, &err), DJ_EINVAL);
}

/* A rig's trace: encoded from the caller's buffer, MATLAB-readable mYm. */
Test(blob, wrapped_float32_trace)
{
    static float trace[3000];
    for (size_t i = 0; i < 3000; i++)
        trace[i] = (float)i * 0.25f;
    uint64_t shape[2] = {3000, 1};
    dj_val *v;
    dj_error err;
    cr_assert_eq(dj_val_array_wrap(NULL, DJ_BLOB_SINGLE, 0, 2, shape, trace, &v, &err), 0);
    cr_expect(dj_val_array_mut(v) == NULL);
    uint8_t *b;
    size_t n;
    cr_assert_eq(dj_blob_encode(v, DJ_BLOB_NO_COMPRESS, &b, &n, &err), 0);
    cr_expect_eq(n, 4 + 1 + 8 + 16 + 8 + 3000 * 4);
    cr_expect(memcmp(b, "mYm\0A", 5) == 0);
    /* the last element, 749.75f = 0x443B7000, little-endian whatever the host */
    cr_expect(b[n - 4] == 0x00 && b[n - 3] == 0x70 && b[n - 2] == 0x3B && b[n - 1] == 0x44);
    dj_val *back = decode(b, n, 0, "trace");
    cr_expect(memcmp(dj_val_array_data(back), trace, sizeof trace) == 0);
    dj_blob_free(v, b);
    dj_val_free(back);
    dj_val_free(v);
}

Test(blob, struct_of_metadata_is_mym)
{
    static const char *const names[] = {"rate", "note"};
    uint64_t one[2] = {1, 1};
    dj_val *s, *rate, *note;
    dj_error err;
    cr_assert_eq(dj_val_struct(NULL, 2, one, 2, names, &s, &err), 0);
    cr_assert_eq(dj_val_array(NULL, DJ_BLOB_DOUBLE, 0, 2, one, &rate, &err), 0);
    *(double *)dj_val_array_mut(rate) = 30000;
    cr_assert_eq(dj_val_from_json("{\"array\": {\"class\": \"char\", \"shape\": [1], \"data\": "
                                    "[\"probe A\"]}}", 63, NULL, &note, &err), 0, "%s", err.message);
    cr_assert_eq(dj_val_set_item(s, 0, rate, &err), 0);
    cr_assert_eq(dj_val_set_item(s, 1, note, &err), 0);
    cr_expect_eq(dj_val_set_item(s, 2, dj_val_none(NULL), &err), DJ_EINVAL);
    uint8_t *b;
    size_t n;
    cr_assert_eq(dj_blob_encode(s, 0, &b, &n, &err), 0);
    cr_expect(memcmp(b, "mYm\0S", 5) == 0);
    dj_val *back = decode(b, n, 0, "struct");
    cr_expect(strcmp(dj_val_field_name(back, 1), "note") == 0);
    dj_blob_free(s, b);
    dj_val_free(back);
    dj_val_free(s);
}

static int decode_rc(const uint8_t *b, size_t n)
{
    dj_val *v = (dj_val *)1;
    dj_error err;
    int rc = dj_blob_decode(b, n, 0, NULL, &v, &err);
    if (rc == 0)
        dj_val_free(v);
    else
        cr_expect(v == NULL);
    return rc;
}

Test(blob, every_prefix_is_an_error)
{
    load();
    for (size_t i = 0; i < nvecs; i++) {
        size_t step = vecs[i].len > 2000 ? 97 : 1;
        for (size_t n = 0; n < vecs[i].len; n += step) {
            int rc = decode_rc(vecs[i].blob, n);
#ifndef HAVE_ZLIB
            if (compressed(&vecs[i]) && n >= 14 && rc == DJ_EUNSUPPORTED)
                continue;
#endif
            cr_expect(rc == DJ_EPROTO, "%s cut to %zu bytes: %d", vecs[i].name, n, rc);
        }
    }
}

static int hexrc(const char *hex)
{
    uint8_t b[512];
    size_t n = hex_decode(hex, b, sizeof b);
    cr_assert(n != (size_t)-1);
    return decode_rc(b, n);
}

Test(blob, hostile)
{
    cr_expect_eq(hexrc("6d596d00"), DJ_EPROTO);                   /* no value */
    cr_expect_eq(hexrc("6d796d0041"), DJ_EPROTO);                 /* header "mym" */
    cr_expect_eq(hexrc("646a300099"), DJ_EPROTO);                 /* unknown code */
    cr_expect_eq(hexrc("646a3000ff00"), DJ_EPROTO);               /* a byte after None */
    cr_expect_eq(hexrc("646a300050"), DJ_EUNSUPPORTED);           /* sparse */
    /* str declaring 2^63 bytes */
    cr_expect_eq(hexrc("646a3000050000000000000080616263"), DJ_EPROTO);
    /* invalid UTF-8 in a str */
    cr_expect_eq(hexrc("646a30000501000000000000" "00ff"), DJ_EPROTO);
    /* array of 2^40 x 2^40 doubles in 40 bytes */
    cr_expect_eq(hexrc("6d596d0041020000000000000000000000000100000000000001000006000000"
                       "00000000"), DJ_EPROTO);
    /* unknown class 16, and complex logical */
    cr_expect_eq(hexrc("6d596d004101000000000000000100000000000000100000000000000000"), DJ_EPROTO);
    cr_expect_eq(hexrc("6d596d00410100000000000000010000000000000003000000010000000101"), DJ_EPROTO);
    /* a list claiming 2^60 items */
    cr_expect_eq(hexrc("646a3000020000000000000010"), DJ_EPROTO);
    /* a list item shorter than its declared length */
    cr_expect_eq(hexrc("646a300002010000000000000002000000000000" "00ff"), DJ_EPROTO);
    /* an item longer than its declared length */
    cr_expect_eq(hexrc("646a30000201000000000000000100000000000000" "0b01"), DJ_EPROTO);
    /* date 2021-02-29 does not exist */
    cr_expect_eq(hexrc("646a30007435d73401ffffffffffffffff"), DJ_EPROTO);
    /* struct field name without its NUL */
    cr_expect_eq(hexrc("6d596d00530100000000000000010000000000000001000000616263"), DJ_EPROTO);
    /* compressed: wrong declared length (one too many), and a lie of 2^40 bytes */
    const vec *z = find("array_int16_zeros_compressed");
    if (needs_zlib(z))
        return;
    uint8_t b[128];
    memcpy(b, z->blob, z->len);
    b[6]++;
    cr_expect_eq(decode_rc(b, z->len), DJ_EPROTO);
    b[6] -= 2;
    cr_expect_eq(decode_rc(b, z->len), DJ_EPROTO);
    memcpy(b, z->blob, z->len);
    b[11] = 1;
    cr_expect_eq(decode_rc(b, z->len), DJ_EPROTO);
    /* compressed stream followed by a stray byte */
    memcpy(b, z->blob, z->len);
    b[z->len] = 0;
    cr_expect_eq(decode_rc(b, z->len + 1), DJ_EPROTO);
}

Test(blob, nesting_is_capped)
{
    /* DJ_BLOB_MAX_DEPTH nested one-item lists around None decode; one more does not. */
    for (int depth = DJ_BLOB_MAX_DEPTH - 1; depth <= DJ_BLOB_MAX_DEPTH + 1; depth++) {
        size_t n = 4 + (size_t)depth * 17 + 1;
        uint8_t *b = malloc(n), *p = b + 4;
        memcpy(b, "dj0\0", 4);
        for (int d = 0; d < depth; d++) {
            size_t inner = (size_t)(depth - d - 1) * 17 + 1;
            *p++ = 0x02;
            for (int k = 0; k < 8; k++)
                *p++ = (uint8_t)(k == 0 ? 1 : 0);
            for (int k = 0; k < 8; k++)
                *p++ = (uint8_t)(inner >> (8 * k));
        }
        *p = 0xFF;
        int rc = decode_rc(b, n);
        cr_expect_eq(rc, depth + 1 <= DJ_BLOB_MAX_DEPTH ? 0 : DJ_ETOOBIG, "depth %d: %d", depth, rc);
        free(b);
    }
}

Test(blob, bad_descriptions)
{
    static const char *const bad[] = {
        "", "{}", "{\"int\": \"1.5\"}", "{\"nope\": 1}", "{\"str\": 1}", "[1]",
        "{\"array\": {\"class\": \"float64\", \"shape\": [2], \"data\": [\"0x1p+0\"]}}",
        "{\"array\": {\"class\": \"int8\", \"shape\": [1], \"data\": [128]}}",
        "{\"array\": {\"class\": \"uint8\", \"shape\": [1], \"data\": [-1]}}",
        "{\"array\": {\"class\": \"float128\", \"shape\": [1], \"data\": [1]}}",
        "{\"date\": \"2021-02-29\"}", "{\"time\": \"24:00:00\"}", "{\"uuid\": \"6ba7b810\"}",
        "{\"bytes\": \"abc\"}", "{\"decimal\": \"1.2.3\"}", "{\"list\": [}", "{\"none\": null} x",
        "{\"dict\": [[{\"none\": null}]]}",
        "{\"cell\": {\"shape\": [2], \"items\": [{\"none\": null}]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_val *v = (dj_val *)1;
        dj_error err;
        int rc = dj_val_from_json(bad[i], strlen(bad[i]), NULL, &v, &err);
        cr_expect_eq(rc, DJ_EINVAL, "%s: %d", bad[i], rc);
        cr_expect(v == NULL);
    }
}

Test(blob, datetime64_units)
{
    static const char *const texts[] = {
        "{\"array\": {\"class\": \"datetime64[Y]\", \"data\": [\"2026\", \"1969\"], \"shape\": [2]}}",
        "{\"array\": {\"class\": \"datetime64[M]\", \"data\": [\"2026-01\", \"1969-12\"], \"shape\": [2]}}",
        "{\"array\": {\"class\": \"datetime64[D]\", \"data\": [\"2026-01-02\", \"1960-03-01\"], \"shape\": [2]}}",
        "{\"array\": {\"class\": \"datetime64[m]\", \"data\": [\"2026-01-02T03:04\", \"NaT\"], \"shape\": [2]}}",
        "{\"array\": {\"class\": \"datetime64[ms]\", \"data\": [\"1969-12-31T23:59:59.999\"], \"shape\": [1]}}",
        "{\"array\": {\"class\": \"datetime64[ns]\", \"data\": [\"2026-12-07T13:45:30.123456789\"], \"shape\": []}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *again = canonical(texts[i]);
        cr_expect(strcmp(again, texts[i]) == 0, "%s", again);
        free(again);
    }
}
