/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_stmt.c - the prepared-statement codecs (lib/wire/stmt.c) against
 * byte-exact fixtures from section 4.5 of the protocol notes, and the
 * typed getters (lib/client/value.c) on binary and text rows. Parsers read
 * exact-size heap buffers so AddressSanitizer sees any overread.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "client/conn.h"
#include "wire/stmt.h"
#include "hex.h"

/* Decodes hex, skipping spaces and '|' separators, into an exact-size buffer. */
static uint8_t *from_hex(const char *spaced, size_t *len)
{
    char *hex = malloc(strlen(spaced) + 1);
    size_t n = 0;
    for (const char *p = spaced; *p; p++)
        if (*p != ' ' && *p != '|')
            hex[n++] = *p;
    hex[n] = '\0';
    uint8_t *p = malloc(n / 2 + 1);
    *len = hex_decode(hex, p, n / 2 + 1);
    free(hex);
    cr_assert_neq(*len, (size_t)-1, "bad hex fixture");
    return p;
}

static dj_column col(uint8_t type, uint16_t flags)
{
    dj_column c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.flags = flags;
    c.name = "c";
    return c;
}

static int row_hex(const char *hex, const dj_column *cols, unsigned n, dj_value *values)
{
    size_t len;
    uint8_t *p = from_hex(hex, &len);
    dj_error err;
    int rc = dj__binary_row_parse(p, len, cols, n, values, &err);
    /* values point into p: copy what the tests compare before freeing. */
    static char keep[256];
    size_t used = 0;
    for (unsigned i = 0; rc == 0 && i < n; i++)
        if (values[i].ptr && values[i].len) {
            memcpy(keep + used, values[i].ptr, values[i].len);
            values[i].ptr = keep + used;
            used += values[i].len;
        }
    free(p);
    return rc;
}

/* ---- COM_STMT_PREPARE_OK ---- */

Test(prepare_ok, parses_id_columns_params_and_warnings)
{
    size_t len;
    uint8_t *p = from_hex("00 07000000 0300 0200 00 0100", &len);
    dj__prepare_ok ok;
    cr_assert_eq(dj__prepare_ok_parse(p, len, &ok, NULL), 0);
    cr_assert_eq(ok.id, 7);
    cr_assert_eq(ok.ncols, 3);
    cr_assert_eq(ok.nparams, 2);
    cr_assert_eq(ok.warnings, 1);
    free(p);
}

Test(prepare_ok, refuses_truncated_trailing_or_wrong_header)
{
    const char *bad[] = {"00 07000000 0300 0200 00 01", "00 07000000 0300 0200 00 0100 00",
                         "01 07000000 0300 0200 00 0100", "00 07000000 0300 0200 05 0100"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len;
        uint8_t *p = from_hex(bad[i], &len);
        dj__prepare_ok ok;
        cr_expect_eq(dj__prepare_ok_parse(p, len, &ok, NULL), DJ_EPROTO, "%s", bad[i]);
        free(p);
    }
}

/* ---- COM_STMT_EXECUTE ---- */

static void expect_build(const dj_param *params, unsigned n, const char *expected_hex)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__stmt_execute_build(&b, 1, params, n, NULL), 0);
    size_t len;
    uint8_t *want = from_hex(expected_hex, &len);
    cr_assert_eq(b.len, len, "length %zu, expected %zu", b.len, len);
    cr_assert_arr_eq(b.data, want, len);
    free(want);
    dj__builder_free(&b, 0);
}

Test(execute, without_parameters_is_id_flags_and_iteration_count)
{
    expect_build(NULL, 0, "01000000 00 01000000");
}

Test(execute, binds_string_and_signed_integer)
{
    dj_param p[2] = {dj_param_string("abc", 3), dj_param_int64(42)};
    expect_build(p, 2, "01000000 00 01000000 | 00 | 01 | fd00 0800 | 03616263 | "
                       "2a00000000000000");
}

Test(execute, sets_null_bits_without_offset_and_sends_no_value)
{
    dj_param p[3] = {dj_param_null(), dj_param_uint64(UINT64_MAX), dj_param_null()};
    expect_build(p, 3, "01000000 00 01000000 | 05 | 01 | 0600 0880 0600 | ffffffffffffffff");
}

Test(execute, encodes_double_float_and_temporal_values)
{
    dj_datetime dt = {.year = 2024, .month = 2, .day = 29, .hour = 23, .minute = 59,
                      .second = 58, .microsecond = 123456};
    dj_datetime tm = {.negative = 1, .days = 1, .hour = 2, .minute = 3, .second = 4,
                      .microsecond = 5};
    dj_param p[5] = {dj_param_double(2.5), dj_param_float(1.0f),
                     dj_param_temporal(DJ_PARAM_DATETIME, dt),
                     dj_param_temporal(DJ_PARAM_DATE, dt), dj_param_temporal(DJ_PARAM_TIME, tm)};
    expect_build(p, 5, "01000000 00 01000000 | 00 | 01 | 0500 0400 0c00 0a00 0b00 | "
                       "0000000000000440 | 0000803f | 0b e807 02 1d 17 3b 3a 40e20100 | "
                       "04 e807 02 1d | 0c 01 01000000 02 03 04 05000000");
}

Test(execute, leaves_long_values_to_send_long_data)
{
    static char big[DJ_STMT_LONG_DATA_MIN];
    dj_param p[2] = {dj_param_bytes(big, sizeof big), dj_param_int64(1)};
    cr_assert(dj__param_is_long(&p[0]));
    cr_assert(!dj__param_is_long(&p[1]));
    expect_build(p, 2, "01000000 00 01000000 | 00 | 01 | fc00 0800 | 0100000000000000");
}

Test(execute, refuses_an_unknown_type)
{
    dj_param p = dj_param_int64(1);
    p.type = (dj_param_type)99;
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__stmt_execute_build(&b, 1, &p, 1, NULL), DJ_EINVAL);
    dj__builder_free(&b, 0);
}

Test(execute, refuses_bytes_without_data)
{
    dj_param p = dj_param_bytes(NULL, 3);
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__stmt_execute_build(&b, 1, &p, 1, NULL), DJ_EINVAL);
    dj__builder_free(&b, 0);
    p.v.bytes.len = 0;
    cr_assert_eq(dj__param_check(&p), 0, "empty bytes need no pointer");
}

Test(long_data, header_is_statement_id_and_parameter)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__long_data_header_build(&b, 0x01020304, 5);
    uint8_t want[] = {4, 3, 2, 1, 5, 0};
    cr_assert_eq(b.len, sizeof want);
    cr_assert_arr_eq(b.data, want, sizeof want);
    dj__builder_free(&b, 0);
}

/* ---- binary rows ---- */

/* The LAB row: SELECT ?, CAST(? AS SIGNED), NULL, 2.5e0 with ('abc', 42). */
Test(binary_row, decodes_the_lab_example)
{
    dj_column cols[4] = {col(DJ_TYPE_VAR_STRING, 0), col(DJ_TYPE_LONGLONG, 0),
                         col(DJ_TYPE_NULL, 0), col(DJ_TYPE_DOUBLE, 0)};
    dj_value v[4];
    cr_assert_eq(row_hex("00 | 10 | 03 616263 | 2a00000000000000 | 0000000000000440", cols, 4,
                         v), 0);
    cr_assert_eq(v[0].len, 3);
    cr_assert_arr_eq(v[0].ptr, "abc", 3);
    cr_assert_eq(v[1].len, 8);
    cr_assert_eq((uint8_t)v[1].ptr[0], 0x2a);
    cr_assert_null(v[2].ptr);
    cr_assert_eq(v[3].len, 8);
    cr_assert_eq((uint8_t)v[3].ptr[7], 0x40);
}

Test(binary_row, empty_string_stays_distinct_from_null)
{
    dj_column cols[2] = {col(DJ_TYPE_BLOB, 0), col(DJ_TYPE_BLOB, 0)};
    dj_value v[2];
    cr_assert_eq(row_hex("00 08 00", cols, 2, v), 0);
    cr_assert_not_null(v[0].ptr);
    cr_assert_eq(v[0].len, 0);
    cr_assert_null(v[1].ptr);
}

Test(binary_row, reads_every_fixed_size_and_temporal_length)
{
    dj_column cols[8] = {col(DJ_TYPE_TINY, 0),     col(DJ_TYPE_SHORT, 0),
                         col(DJ_TYPE_INT24, 0),    col(DJ_TYPE_FLOAT, 0),
                         col(DJ_TYPE_DATE, 0),     col(DJ_TYPE_DATETIME, 0),
                         col(DJ_TYPE_TIME, 0),     col(DJ_TYPE_TIMESTAMP, 0)};
    dj_value v[8];
    cr_assert_eq(row_hex("00 0000 | ff | feff | 01000000 | 0000803f | 04 e807021d | "
                         "07 e807021d 173b3a | 08 00 00000000 010203 | 00",
                         cols, 8, v), 0);
    cr_assert_eq(v[4].len, 4);
    cr_assert_eq(v[5].len, 7);
    cr_assert_eq(v[6].len, 8);
    cr_assert_eq(v[7].len, 0);
    cr_assert_not_null(v[7].ptr);
}

Test(binary_row, refuses_malformed_rows)
{
    dj_column cols[2] = {col(DJ_TYPE_LONG, 0), col(DJ_TYPE_DATETIME, 0)};
    const char *bad[] = {
        "",                                /* empty */
        "01 00 01000000 00",               /* header not 0x00 */
        "00",                              /* bitmap missing */
        "00 01 01000000 00",               /* reserved bit 0 set */
        "00 10 01000000 00",               /* padding bit after the last column set */
        "00 00 010000",                    /* integer cut short */
        "00 00 01000000 05 e807021d00",    /* datetime length 5 */
        "00 00 01000000 04 e8070d01",      /* month 13 */
        "00 00 01000000 07 e807021d 183b3a", /* hour 24 */
        "00 00 01000000 04 e807021d 00",   /* a byte left over */
        "00 00 01000000 0b e807021d 173b3a 40420f00", /* 1000000 microseconds */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_value v[2];
        cr_expect_eq(row_hex(bad[i], cols, 2, v), DJ_EPROTO, "fixture %zu: %s", i, bad[i]);
    }
}

Test(binary_row, refuses_a_value_in_a_null_typed_column)
{
    dj_column c = col(DJ_TYPE_NULL, 0);
    dj_value v;
    cr_assert_eq(row_hex("00 00 00", &c, 1, &v), DJ_EPROTO);
}

Test(binary_row, refuses_a_string_longer_than_the_packet)
{
    dj_column c = col(DJ_TYPE_STRING, 0);
    dj_value v;
    cr_assert_eq(row_hex("00 00 fc ff00 61", &c, 1, &v), DJ_EPROTO);
    cr_assert_eq(row_hex("00 00 fb", &c, 1, &v), DJ_EPROTO);
}

/* ---- typed getters ---- */

/* A result holding one row, as dj_result_fetch would leave it. */
static dj_result one_row(int binary, dj_column *cols, dj_value *values, unsigned n)
{
    dj_result r;
    memset(&r, 0, sizeof r);
    r.binary = binary;
    r.cols = cols;
    r.values = values;
    r.ncols = n;
    return r;
}

Test(getters, binary_integers_honour_sign_and_unsigned_flag)
{
    dj_column cols[4] = {col(DJ_TYPE_TINY, 0), col(DJ_TYPE_TINY, DJ_FLAG_UNSIGNED),
                         col(DJ_TYPE_LONGLONG, DJ_FLAG_UNSIGNED), col(DJ_TYPE_LONG, 0)};
    dj_value v[4] = {{"\xff", 1}, {"\xff", 1}, {"\xff\xff\xff\xff\xff\xff\xff\xff", 8},
                     {"\x00\x00\x00\x80", 4}};
    dj_result r = one_row(1, cols, v, 4);
    int64_t i;
    uint64_t u;
    cr_assert_eq(dj_result_get_int64(&r, 0, &i, NULL), 1);
    cr_assert_eq(i, -1);
    cr_assert_eq(dj_result_get_int64(&r, 1, &i, NULL), 1);
    cr_assert_eq(i, 255);
    cr_assert_eq(dj_result_get_uint64(&r, 2, &u, NULL), 1);
    cr_assert_eq(u, UINT64_MAX);
    cr_assert_eq(dj_result_get_int64(&r, 2, &i, NULL), DJ_ETOOBIG);
    cr_assert_eq(dj_result_get_int64(&r, 3, &i, NULL), 1);
    cr_assert_eq(i, INT32_MIN);
    cr_assert_eq(dj_result_get_uint64(&r, 0, &u, NULL), DJ_ETOOBIG);
}

Test(getters, text_integers_are_parsed_strictly)
{
    dj_column cols[4] = {col(DJ_TYPE_LONGLONG, 0), col(DJ_TYPE_LONGLONG, 0),
                         col(DJ_TYPE_NEWDECIMAL, 0), col(DJ_TYPE_LONGLONG, 0)};
    dj_value v[4] = {{"-9223372036854775808", 20}, {"12x", 3}, {"1.50", 4}, {NULL, 0}};
    dj_result r = one_row(0, cols, v, 4);
    int64_t i;
    cr_assert_eq(dj_result_get_int64(&r, 0, &i, NULL), 1);
    cr_assert_eq(i, INT64_MIN);
    cr_assert_eq(dj_result_get_int64(&r, 1, &i, NULL), DJ_EINVAL);
    cr_assert_eq(dj_result_get_int64(&r, 2, &i, NULL), DJ_EINVAL);
    cr_assert_eq(dj_result_get_int64(&r, 3, &i, NULL), 0);
    cr_assert_eq(dj_result_get_int64(&r, 4, &i, NULL), DJ_EINVAL);
}

Test(getters, doubles_from_binary_float_double_and_decimal_text)
{
    dj_column cols[3] = {col(DJ_TYPE_DOUBLE, 0), col(DJ_TYPE_FLOAT, 0),
                         col(DJ_TYPE_NEWDECIMAL, 0)};
    dj_value v[3] = {{"\x00\x00\x00\x00\x00\x00\x04\x40", 8}, {"\x00\x00\x80\x3f", 4},
                     {"-12.250", 7}};
    dj_result r = one_row(1, cols, v, 3);
    double d;
    cr_assert_eq(dj_result_get_double(&r, 0, &d, NULL), 1);
    cr_assert_eq(d, 2.5);
    cr_assert_eq(dj_result_get_double(&r, 1, &d, NULL), 1);
    cr_assert_eq(d, 1.0);
    cr_assert_eq(dj_result_get_double(&r, 2, &d, NULL), 1);
    cr_assert_eq(d, -12.25);
    dj_value text;
    cr_assert_eq(dj_result_get_bytes(&r, 2, &text, NULL), 1);
    cr_assert_eq(text.len, 7);
    cr_assert_eq(dj_result_get_bytes(&r, 0, &text, NULL), DJ_EINVAL);
}

static void expect_same_datetime(const dj_datetime *a, const dj_datetime *b)
{
    cr_assert_eq(a->year, b->year);
    cr_assert_eq(a->month, b->month);
    cr_assert_eq(a->day, b->day);
    cr_assert_eq(a->hour, b->hour);
    cr_assert_eq(a->minute, b->minute);
    cr_assert_eq(a->second, b->second);
    cr_assert_eq(a->microsecond, b->microsecond);
    cr_assert_eq(a->negative, b->negative);
    cr_assert_eq(a->days, b->days);
}

Test(getters, datetime_text_and_binary_agree)
{
    dj_column cb = col(DJ_TYPE_DATETIME, 0), cols_t[1] = {col(DJ_TYPE_DATETIME, 0)};
    dj_value vb = {"\xe8\x07\x02\x1d\x17\x3b\x3a\x40\xe2\x01\x00", 11};
    dj_value vt = {"2024-02-29 23:59:58.123456", 26};
    dj_result rb = one_row(1, &cb, &vb, 1), rt = one_row(0, cols_t, &vt, 1);
    dj_datetime a, b;
    cr_assert_eq(dj_result_get_datetime(&rb, 0, &a, NULL), 1);
    cr_assert_eq(dj_result_get_datetime(&rt, 0, &b, NULL), 1);
    cr_assert_eq(a.microsecond, 123456);
    expect_same_datetime(&a, &b);
}

Test(getters, time_text_and_binary_agree_for_negative_days)
{
    dj_column c = col(DJ_TYPE_TIME, 0);
    dj_value vb = {"\x01\x22\x00\x00\x00\x16\x3b\x3b\x00\x00\x00\x00", 12};
    dj_value vt = {"-838:59:59.000000", 17};
    dj_result rb = one_row(1, &c, &vb, 1), rt = one_row(0, &c, &vt, 1);
    dj_datetime a, b;
    cr_assert_eq(dj_result_get_datetime(&rb, 0, &a, NULL), 1);
    cr_assert_eq(dj_result_get_datetime(&rt, 0, &b, NULL), 1);
    cr_assert_eq(a.days, 34);
    cr_assert_eq(a.hour, 22);
    expect_same_datetime(&a, &b);
}

Test(getters, malformed_text_dates_are_errors)
{
    dj_column c = col(DJ_TYPE_DATE, 0);
    const char *bad[] = {"2024-2-29", "2024-02-29x", "2024-13-01", "", "2024-02-29 24:00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_value v = {bad[i], strlen(bad[i])};
        dj_result r = one_row(0, &c, &v, 1);
        dj_datetime t;
        cr_expect_lt(dj_result_get_datetime(&r, 0, &t, NULL), 0, "%s", bad[i]);
    }
}

/* ---- hostile rows ---- */

static const char full_row_hex[] =
    "00 0000 | ff | feff | 01000000 | 0000803f | 04 e807021d | 07 e807021d 173b3a | "
    "08 00 00000000 010203 | 03 616263";

static void full_row_columns(dj_column *cols)
{
    const uint8_t types[] = {DJ_TYPE_TINY, DJ_TYPE_SHORT, DJ_TYPE_INT24, DJ_TYPE_FLOAT,
                             DJ_TYPE_DATE, DJ_TYPE_DATETIME, DJ_TYPE_TIME, DJ_TYPE_BLOB};
    for (int i = 0; i < 8; i++)
        cols[i] = col(types[i], 0);
}

Test(binary_row, every_truncation_is_refused)
{
    dj_column cols[8];
    full_row_columns(cols);
    size_t len;
    uint8_t *full = from_hex(full_row_hex, &len);
    dj_value v[8];
    cr_assert_eq(dj__binary_row_parse(full, len, cols, 8, v, NULL), 0);
    for (size_t n = 0; n < len; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, full, n);
        cr_expect_eq(dj__binary_row_parse(p, n, cols, 8, v, NULL), DJ_EPROTO, "%zu bytes", n);
        free(p);
    }
    free(full);
}

/* Deterministic mutations: every answer is success or DJ_EPROTO, and on
 * success every value lies inside the packet (ASan watches the reads). */
Test(binary_row, mutated_rows_never_read_outside_the_packet)
{
    dj_column cols[8];
    full_row_columns(cols);
    size_t len;
    uint8_t *full = from_hex(full_row_hex, &len);
    uint8_t *p = malloc(len);
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        memcpy(p, full, len);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            p[(seed >> 8) % len] = (uint8_t)(seed >> 20);
        }
        seed = seed * 1103515245u + 12345u;
        size_t n = len - (seed >> 16) % 3;
        dj_value v[8];
        int rc = dj__binary_row_parse(p, n, cols, 8, v, NULL);
        cr_assert(rc == 0 || rc == DJ_EPROTO, "rc %d", rc);
        for (int i = 0; rc == 0 && i < 8; i++)
            cr_assert(!v[i].ptr || v[i].len == 0 ||
                          ((const uint8_t *)v[i].ptr >= p &&
                           (const uint8_t *)v[i].ptr + v[i].len <= p + n),
                      "value %d outside the packet", i);
    }
    free(p);
    free(full);
}
