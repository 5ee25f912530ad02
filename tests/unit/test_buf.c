/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_buf.c - the bounds-checked reader and the growable builder
 * (lib/wire/buf.c), checked against the data types of the protocol notes:
 * little-endian integers, the four length-encoded integer forms and the
 * string types. Every reader test reads from a heap copy of exactly the
 * input's size, so AddressSanitizer reports any read past the end.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "wire/buf.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

/* A heap copy of exactly n bytes (the caller frees it). */
static uint8_t *exact_copy(const void *p, size_t n)
{
    uint8_t *c = malloc(n);
    cr_assert(n == 0 || c != NULL);
    if (n)
        memcpy(c, p, n);
    return c;
}

/* A reader over an exact-size heap copy of the bytes; *owned must be freed. */
static void reader_over(dj__reader *r, uint8_t **owned, const void *p, size_t n)
{
    *owned = exact_copy(p, n);
    dj__reader_init(r, *owned, n);
}

static void expect_bytes(const dj__builder *b, const void *want, size_t want_len)
{
    cr_assert_eq(b->len, want_len, "builder holds %zu bytes, want %zu", b->len, want_len);
    cr_assert(memcmp(b->data, want, want_len) == 0, "builder bytes differ from the expected ones");
}

/* Reads one length-encoded integer from the bytes; returns it, *bad the reader state. */
static uint64_t lenenc_from(const void *p, size_t n, int *is_null, int *bad, size_t *pos)
{
    uint8_t *owned;
    dj__reader r;
    reader_over(&r, &owned, p, n);
    uint64_t v = dj__rd_lenenc(&r, is_null);
    *bad = r.bad;
    if (pos)
        *pos = r.pos;
    free(owned);
    return v;
}

/* An allocator whose calls can be counted, and that fails from call number fail_at on
 * (0 = never fails). With check_wipe, its free checks whether the block was wiped first. */
struct test_alloc {
    int calls;
    int fail_at;
    int frees;
    int check_wipe;
    int freed_block_was_zero;
    size_t last_size;
};

static void *ta_malloc(size_t n, void *ud)
{
    struct test_alloc *t = ud;
    t->calls++;
    if (t->fail_at && t->calls >= t->fail_at)
        return NULL;
    t->last_size = n;
    return malloc(n);
}

static void *ta_realloc(void *p, size_t n, void *ud)
{
    struct test_alloc *t = ud;
    t->calls++;
    if (t->fail_at && t->calls >= t->fail_at)
        return NULL;
    t->last_size = n;
    return realloc(p, n);
}

static void ta_free(void *p, void *ud)
{
    struct test_alloc *t = ud;
    t->frees++;
    if (t->check_wipe) {
        /* The builder's storage is last_size bytes (its latest (re)allocation). */
        const uint8_t *bytes = p;
        t->freed_block_was_zero = 1;
        for (size_t i = 0; i < t->last_size; i++)
            if (bytes[i] != 0)
                t->freed_block_was_zero = 0;
    }
    free(p);
}

static dj_allocator make_alloc(struct test_alloc *t)
{
    dj_allocator a = {ta_malloc, ta_realloc, ta_free, t};
    return a;
}

/* ------------------------------------------------------------------------- */
/* Fixed-width integers                                                      */

Test(reader, u8_reads_one_byte_and_advances)
{
    static const uint8_t in[] = {0xab, 0xcd};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u8(&r), 0xab);
    cr_assert_eq(r.pos, 1);
    cr_assert_eq(dj__rd_u8(&r), 0xcd);
    cr_assert_eq(dj__reader_left(&r), 0);
    cr_assert_not(r.bad);
    free(o);
}

Test(reader, u16_is_little_endian)
{
    static const uint8_t in[] = {0x34, 0x12};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u16(&r), 0x1234);
    cr_assert_eq(r.pos, 2);
    cr_assert_not(r.bad);
    free(o);
}

Test(reader, u24_is_little_endian)
{
    static const uint8_t in[] = {0x56, 0x34, 0x12};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u24(&r), 0x123456u);
    cr_assert_eq(r.pos, 3);
    cr_assert_not(r.bad);
    free(o);
}

Test(reader, u32_is_little_endian_with_high_bit_set)
{
    static const uint8_t in[] = {0xfe, 0xf7, 0xff, 0x81};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u32(&r), 0x81fff7feu);
    cr_assert_eq(r.pos, 4);
    cr_assert_not(r.bad);
    free(o);
}

Test(reader, u64_is_little_endian_with_all_bytes_distinct)
{
    static const uint8_t in[] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0xf1};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u64(&r), UINT64_C(0xf102030405060708));
    cr_assert_eq(r.pos, 8);
    cr_assert_not(r.bad);
    free(o);
}

Test(reader, every_integer_width_one_byte_short_sets_bad_and_returns_zero)
{
    static const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const size_t widths[] = {1, 2, 3, 4, 8};
    for (size_t w = 0; w < DJ__ARRAY_LEN(widths); w++) {
        size_t n = widths[w] - 1;
        uint8_t *o;
        dj__reader r;
        reader_over(&r, &o, ff, n);
        uint64_t v;
        switch (widths[w]) {
        case 1: v = dj__rd_u8(&r); break;
        case 2: v = dj__rd_u16(&r); break;
        case 3: v = dj__rd_u24(&r); break;
        case 4: v = dj__rd_u32(&r); break;
        default: v = dj__rd_u64(&r); break;
        }
        cr_assert_eq(v, 0, "width %zu: a short read returns 0", widths[w]);
        cr_assert(r.bad, "width %zu: a short read sets bad", widths[w]);
        cr_assert_eq(dj__reader_left(&r), 0, "width %zu: a short read moves to the end", widths[w]);
        free(o);
    }
}

Test(reader, bad_is_sticky_so_later_reads_return_zero)
{
    static const uint8_t in[] = {0x11, 0x22, 0x33};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    cr_assert_eq(dj__rd_u32(&r), 0);
    cr_assert(r.bad);
    cr_assert_eq(dj__rd_u8(&r), 0);
    cr_assert_null(dj__rd_bytes(&r, 0));
    cr_assert(r.bad);
    free(o);
}

Test(reader, empty_input_is_bad_on_first_read)
{
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, "", 0);
    cr_assert_eq(dj__rd_u8(&r), 0);
    cr_assert(r.bad);
    free(o);
}

Test(le_helpers, put_le16_le24_le32_and_get_le24_are_little_endian)
{
    uint8_t b[4];
    dj__put_le16(b, 0xbeef);
    cr_assert(b[0] == 0xef && b[1] == 0xbe);
    dj__put_le24(b, 0xabcdef);
    cr_assert(b[0] == 0xef && b[1] == 0xcd && b[2] == 0xab);
    cr_assert_eq(dj__get_le24(b), 0xabcdefu);
    dj__put_le32(b, 0x01020304u);
    cr_assert(b[0] == 0x04 && b[1] == 0x03 && b[2] == 0x02 && b[3] == 0x01);
}

/* ------------------------------------------------------------------------- */
/* Length-encoded integers                                                   */

struct lenenc_case {
    uint64_t value;
    uint8_t bytes[9];
    size_t len;
};

/* The boundary values of each form, encoded as the notes' table prescribes. */
static const struct lenenc_case lenenc_cases[] = {
    {0, {0x00}, 1},
    {250, {0xfa}, 1},
    {251, {0xfc, 0xfb, 0x00}, 3},
    {65535, {0xfc, 0xff, 0xff}, 3},
    {65536, {0xfd, 0x00, 0x00, 0x01}, 4},
    {0xffffff, {0xfd, 0xff, 0xff, 0xff}, 4},
    {0x1000000, {0xfe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00}, 9},
    {UINT64_MAX, {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
};

Test(lenenc, reads_every_boundary_value_in_its_form)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(lenenc_cases); i++) {
        const struct lenenc_case *c = &lenenc_cases[i];
        int is_null = -1, bad;
        size_t pos;
        uint64_t v = lenenc_from(c->bytes, c->len, &is_null, &bad, &pos);
        cr_assert_not(bad, "case %zu must read cleanly", i);
        cr_assert_eq(v, c->value, "case %zu: got %llu", i, (unsigned long long)v);
        cr_assert_eq(pos, c->len, "case %zu consumes %zu bytes", i, c->len);
        cr_assert_eq(is_null, 0, "case %zu is not NULL", i);
    }
}

Test(lenenc, writes_every_boundary_value_in_the_shortest_form)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(lenenc_cases); i++) {
        const struct lenenc_case *c = &lenenc_cases[i];
        dj__builder b;
        dj__builder_init(&b, NULL);
        dj__put_lenenc(&b, c->value);
        expect_bytes(&b, c->bytes, c->len);
        cr_assert_eq(dj__lenenc_size(c->value), c->len, "lenenc_size of case %zu", i);
        dj__builder_free(&b, 0);
    }
}

Test(lenenc, long_forms_of_small_values_are_still_read)
{
    /* Not what a writer may produce, but a reader takes the value as given. */
    static const uint8_t in[] = {0xfc, 0x05, 0x00};
    int bad;
    cr_assert_eq(lenenc_from(in, sizeof in, NULL, &bad, NULL), 5);
    cr_assert_not(bad);
}

Test(lenenc, fb_without_null_permission_sets_bad)
{
    static const uint8_t in[] = {0xfb};
    int bad;
    cr_assert_eq(lenenc_from(in, sizeof in, NULL, &bad, NULL), 0);
    cr_assert(bad);
}

Test(lenenc, fb_with_null_permission_reports_null_and_consumes_one_byte)
{
    static const uint8_t in[] = {0xfb, 0x07};
    int is_null = 0, bad;
    size_t pos;
    cr_assert_eq(lenenc_from(in, sizeof in, &is_null, &bad, &pos), 0);
    cr_assert_not(bad);
    cr_assert_eq(is_null, 1);
    cr_assert_eq(pos, 1);
}

Test(lenenc, ff_is_rejected_even_when_null_is_allowed)
{
    static const uint8_t in[] = {0xff, 0x00, 0x00};
    int is_null = 0, bad;
    lenenc_from(in, sizeof in, &is_null, &bad, NULL);
    cr_assert(bad);
    cr_assert_eq(is_null, 0);
}

Test(lenenc, every_truncated_multibyte_form_sets_bad)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(lenenc_cases); i++) {
        const struct lenenc_case *c = &lenenc_cases[i];
        for (size_t cut = 0; cut < c->len; cut++) {
            int bad;
            uint64_t v = lenenc_from(c->bytes, cut, NULL, &bad, NULL);
            cr_assert(bad, "case %zu cut to %zu bytes must be bad", i, cut);
            cr_assert_eq(v, 0, "case %zu cut to %zu bytes returns 0", i, cut);
        }
    }
}

Test(lenenc, write_then_read_round_trips_for_values_around_each_boundary)
{
    static const uint64_t values[] = {1, 249, 250, 251, 252, 65534, 65535, 65536, 65537,
                                      0xfffffe, 0xffffff, 0x1000000, 0x1000001,
                                      UINT64_C(0x0123456789abcdef), UINT64_MAX - 1, UINT64_MAX};
    dj__builder b;
    dj__builder_init(&b, NULL);
    for (size_t i = 0; i < DJ__ARRAY_LEN(values); i++)
        dj__put_lenenc(&b, values[i]);
    cr_assert_not(b.oom);
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, b.data, b.len);
    for (size_t i = 0; i < DJ__ARRAY_LEN(values); i++)
        cr_assert_eq(dj__rd_lenenc(&r, NULL), values[i], "value %zu", i);
    cr_assert_not(r.bad);
    cr_assert_eq(dj__reader_left(&r), 0);
    free(o);
    dj__builder_free(&b, 0);
}

/* ------------------------------------------------------------------------- */
/* Byte strings                                                              */

Test(strings, rd_bytes_borrows_exactly_n_bytes)
{
    static const uint8_t in[] = {1, 2, 3, 4};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    const uint8_t *p = dj__rd_bytes(&r, 3);
    cr_assert_eq(p, o);
    cr_assert_eq(r.pos, 3);
    cr_assert_null(dj__rd_bytes(&r, 2), "only one byte is left");
    cr_assert(r.bad);
    free(o);
}

Test(strings, rd_bytes_with_a_huge_count_sets_bad_without_overflow)
{
    static const uint8_t in[] = {1, 2};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    dj__rd_u8(&r);
    cr_assert_null(dj__rd_bytes(&r, SIZE_MAX));
    cr_assert(r.bad);
    free(o);
}

Test(strings, lenenc_str_returns_its_bytes_and_length)
{
    static const uint8_t in[] = {0x03, 'd', 'e', 'f', 0x00};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len = 99;
    int is_null = -1;
    const uint8_t *s = dj__rd_lenenc_str(&r, &len, &is_null);
    cr_assert_eq(len, 3);
    cr_assert_eq(is_null, 0);
    cr_assert(s && memcmp(s, "def", 3) == 0);
    cr_assert_eq(r.pos, 4);
    cr_assert_not(r.bad);
    free(o);
}

Test(strings, lenenc_str_of_length_zero_is_empty_not_null)
{
    static const uint8_t in[] = {0x00};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len = 99;
    int is_null = -1;
    dj__rd_lenenc_str(&r, &len, &is_null);
    cr_assert_eq(len, 0);
    cr_assert_eq(is_null, 0);
    cr_assert_not(r.bad);
    free(o);
}

Test(strings, lenenc_str_whose_length_points_past_the_end_sets_bad)
{
    static const uint8_t in[] = {0x05, 'a', 'b', 'c', 'd'};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len = 99;
    cr_assert_null(dj__rd_lenenc_str(&r, &len, NULL));
    cr_assert(r.bad);
    cr_assert_eq(len, 0);
    free(o);
}

Test(strings, lenenc_str_with_a_9_byte_length_near_2_pow_64_sets_bad)
{
    static const uint8_t in[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'x'};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len = 99;
    cr_assert_null(dj__rd_lenenc_str(&r, &len, NULL));
    cr_assert(r.bad);
    cr_assert_eq(len, 0);
    free(o);
}

Test(strings, lenenc_str_null_is_reported_only_when_asked_for)
{
    static const uint8_t in[] = {0xfb};
    uint8_t *o;
    dj__reader r;
    size_t len;
    int is_null = 0;

    reader_over(&r, &o, in, sizeof in);
    cr_assert_null(dj__rd_lenenc_str(&r, &len, &is_null));
    cr_assert_eq(is_null, 1);
    cr_assert_not(r.bad);
    free(o);

    reader_over(&r, &o, in, sizeof in);
    cr_assert_null(dj__rd_lenenc_str(&r, &len, NULL));
    cr_assert(r.bad);
    free(o);
}

Test(strings, nul_str_stops_at_the_nul_and_consumes_it)
{
    static const uint8_t in[] = {'r', 'o', 'o', 't', 0x00, 0x42};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len;
    const uint8_t *s = dj__rd_nul_str(&r, &len, 0);
    cr_assert_eq(len, 4);
    cr_assert(s && memcmp(s, "root", 4) == 0);
    cr_assert_eq(r.pos, 5);
    cr_assert_eq(dj__rd_u8(&r), 0x42);
    cr_assert_not(r.bad);
    free(o);
}

Test(strings, nul_str_that_is_just_a_nul_is_empty)
{
    static const uint8_t in[] = {0x00};
    uint8_t *o;
    dj__reader r;
    reader_over(&r, &o, in, sizeof in);
    size_t len = 99;
    cr_assert_not_null(dj__rd_nul_str(&r, &len, 0));
    cr_assert_eq(len, 0);
    cr_assert_eq(r.pos, 1);
    cr_assert_not(r.bad);
    free(o);
}

Test(strings, nul_str_without_nul_is_bad_unless_to_end)
{
    static const uint8_t in[] = {'a', 'b', 'c'};
    uint8_t *o;
    dj__reader r;
    size_t len;

    reader_over(&r, &o, in, sizeof in);
    cr_assert_null(dj__rd_nul_str(&r, &len, 0));
    cr_assert(r.bad);
    cr_assert_eq(len, 0);
    free(o);

    reader_over(&r, &o, in, sizeof in);
    const uint8_t *s = dj__rd_nul_str(&r, &len, 1);
    cr_assert_not(r.bad);
    cr_assert_eq(len, 3);
    cr_assert(s && memcmp(s, "abc", 3) == 0);
    cr_assert_eq(dj__reader_left(&r), 0);
    free(o);
}

Test(strings, nul_str_at_the_very_end_is_empty_with_to_end_and_bad_without)
{
    static const uint8_t in[] = {0x07};
    uint8_t *o;
    dj__reader r;
    size_t len = 99;

    reader_over(&r, &o, in, sizeof in);
    dj__rd_u8(&r);
    dj__rd_nul_str(&r, &len, 1);
    cr_assert_eq(len, 0);
    cr_assert_not(r.bad);
    free(o);

    reader_over(&r, &o, in, sizeof in);
    dj__rd_u8(&r);
    cr_assert_null(dj__rd_nul_str(&r, &len, 0));
    cr_assert(r.bad);
    free(o);
}

Test(strings, rd_rest_returns_the_remaining_bytes_and_nothing_once_bad)
{
    static const uint8_t in[] = {0xff, 0x7a, 0x04, 'h', 'i'};
    uint8_t *o;
    dj__reader r;
    size_t len;

    reader_over(&r, &o, in, sizeof in);
    dj__rd_u8(&r);
    dj__rd_u16(&r);
    const uint8_t *rest = dj__rd_rest(&r, &len);
    cr_assert_eq(len, 2);
    cr_assert(memcmp(rest, "hi", 2) == 0);
    cr_assert_eq(dj__reader_left(&r), 0);
    free(o);

    reader_over(&r, &o, in, sizeof in);
    dj__rd_bytes(&r, 6);
    dj__rd_rest(&r, &len);
    cr_assert_eq(len, 0);
    free(o);
}

/* ------------------------------------------------------------------------- */
/* Builder                                                                   */

Test(builder, integers_are_written_little_endian)
{
    static const uint8_t want[] = {0xab, 0x34, 0x12, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
                                   0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__put_u8(&b, 0xab);
    dj__put_u16(&b, 0x1234);
    dj__put_u24(&b, 0x123456);
    dj__put_u32(&b, 0x12345678u);
    dj__put_u64(&b, UINT64_C(0x0102030405060708));
    expect_bytes(&b, want, sizeof want);
    cr_assert_not(b.oom);
    dj__builder_free(&b, 0);
}

Test(builder, bytes_zeros_nul_and_lenenc_strings)
{
    static const uint8_t want[] = {'a', 'b', 0, 0, 0, 'u', 's', 'r', 0x00, 0x02, 'h', 'i', 0x00};
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__put_bytes(&b, "ab", 2);
    dj__put_zeros(&b, 3);
    dj__put_nul_str(&b, "usr");
    dj__put_lenenc_str(&b, "hi", 2);
    dj__put_lenenc_str(&b, "", 0);
    dj__put_bytes(&b, NULL, 0);
    dj__put_zeros(&b, 0);
    expect_bytes(&b, want, sizeof want);
    dj__builder_free(&b, 0);
}

Test(builder, lenenc_str_of_251_bytes_uses_the_3_byte_length)
{
    uint8_t payload[251];
    memset(payload, 'x', sizeof payload);
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__put_lenenc_str(&b, payload, sizeof payload);
    cr_assert_eq(b.len, 3 + 251);
    cr_assert(b.data[0] == 0xfc && b.data[1] == 0xfb && b.data[2] == 0x00);
    cr_assert_eq(b.data[3], 'x');
    dj__builder_free(&b, 0);
}

Test(builder, grows_across_many_reallocations_and_keeps_the_content)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    for (size_t i = 0; i < 100000; i++)
        dj__put_u8(&b, (uint8_t)(i * 7));
    cr_assert_not(b.oom);
    cr_assert_eq(b.len, 100000);
    cr_assert_geq(b.cap, b.len);
    for (size_t i = 0; i < 100000; i++)
        cr_assert_eq(b.data[i], (uint8_t)(i * 7), "byte %zu", i);
    dj__builder_free(&b, 0);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
}

Test(builder, reserve_makes_room_so_later_appends_do_not_reallocate)
{
    struct test_alloc t = {0};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    cr_assert_eq(dj__builder_reserve(&b, 5000), 0);
    cr_assert_geq(b.cap - b.len, 5000);
    int calls = t.calls;
    uint8_t *data = b.data;
    dj__put_zeros(&b, 5000);
    cr_assert_eq(t.calls, calls, "no allocation after reserve");
    cr_assert_eq(b.data, data);
    dj__builder_free(&b, 0);
    cr_assert_eq(t.frees, 1);
}

Test(builder, every_allocation_goes_through_the_given_allocator)
{
    struct test_alloc t = {0};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    dj__put_zeros(&b, 10);
    dj__put_zeros(&b, 10000);
    cr_assert_geq(t.calls, 2, "growth past the first block calls the allocator again");
    dj__builder_free(&b, 0);
    cr_assert_eq(t.frees, 1);
}

Test(builder, failing_first_allocation_sets_oom_and_appends_become_noops)
{
    struct test_alloc t = {.fail_at = 1};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    dj__put_u32(&b, 1);
    cr_assert(b.oom);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(dj__builder_reserve(&b, 1), DJ_ENOMEM);
    t.fail_at = 0;
    dj__put_bytes(&b, "abc", 3);
    dj__put_lenenc(&b, 1000);
    dj__put_nul_str(&b, "x");
    cr_assert_eq(b.len, 0, "oom is sticky: nothing is appended after a failure");
    cr_assert(b.oom);
    dj__builder_free(&b, 0);
    cr_assert_eq(t.frees, 0, "nothing was allocated, nothing is freed");
}

Test(builder, failing_growth_keeps_the_bytes_already_written)
{
    struct test_alloc t = {.fail_at = 2};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    dj__put_bytes(&b, "hello", 5);
    cr_assert_not(b.oom);
    dj__put_zeros(&b, 1u << 20);
    cr_assert(b.oom);
    cr_assert_eq(b.len, 5);
    cr_assert(memcmp(b.data, "hello", 5) == 0);
    dj__builder_free(&b, 0);
    cr_assert_eq(t.frees, 1, "the first block is still freed");
}

Test(builder, reserve_of_an_impossible_size_fails_without_calling_the_allocator)
{
    struct test_alloc t = {0};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    cr_assert_eq(dj__builder_reserve(&b, SIZE_MAX), DJ_ENOMEM);
    cr_assert(b.oom);
    cr_assert_eq(t.calls, 0);
    dj__builder_free(&b, 0);
}

Test(builder, reset_empties_the_builder_and_clears_oom)
{
    struct test_alloc t = {0};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    dj__put_bytes(&b, "abc", 3);
    cr_assert_eq(dj__builder_reserve(&b, SIZE_MAX), DJ_ENOMEM);
    dj__builder_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_not(b.oom);
    dj__put_u8(&b, 0x5a);
    cr_assert_eq(b.len, 1);
    cr_assert_eq(b.data[0], 0x5a);
    dj__builder_free(&b, 0);
}

Test(builder, free_with_wipe_zeroes_the_storage_before_releasing_it)
{
    struct test_alloc t = {.check_wipe = 1};
    dj_allocator a = make_alloc(&t);
    dj__builder b;
    dj__builder_init(&b, &a);
    dj__put_bytes(&b, "secret-password", 15);
    dj__builder_free(&b, 1);
    cr_assert_eq(t.frees, 1);
    cr_assert(t.freed_block_was_zero, "the freed block still held data");
}
