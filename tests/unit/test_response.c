/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_response.c - OK, ERR and EOF packets, the rule that tells a result's
 * terminator from a row, column definitions and text rows
 * (lib/wire/response.c), checked against section 4 of the protocol notes.
 * Parsers read from heap buffers of exactly the packet's size, so
 * AddressSanitizer reports any read past the end.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "wire/protocol.h"
#include "hex.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

/* Decodes hex into an exact-size heap buffer (the caller frees it). */
static uint8_t *from_hex(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *tmp = malloc(cap);
    cr_assert_not_null(tmp);
    *len = hex_decode(hex, tmp, cap);
    cr_assert_neq(*len, (size_t)-1, "bad hex fixture");
    uint8_t *p = malloc(*len ? *len : 1);
    cr_assert_not_null(p);
    memcpy(p, tmp, *len);
    free(tmp);
    return p;
}

/* An exact-size copy of the first n bytes. */
static uint8_t *prefix_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    cr_assert_not_null(c);
    memcpy(c, p, n);
    return c;
}

static int ok_hex(const char *hex, dj__ok *ok, dj_error *err)
{
    size_t len;
    uint8_t *p = from_hex(hex, &len);
    int rc = dj__ok_parse(p, len, ok, err);
    free(p);
    return rc;
}

static int err_hex(const char *hex, dj_error *err)
{
    size_t len;
    uint8_t *p = from_hex(hex, &len);
    int rc = dj__err_packet_parse(p, len, err);
    free(p);
    return rc;
}

static void expect_value(const dj_value *v, const char *want)
{
    cr_assert_not_null(v->ptr, "value is NULL, want \"%s\"", want);
    cr_assert_eq(v->len, strlen(want));
    cr_assert(memcmp(v->ptr, want, v->len) == 0);
}

/* ------------------------------------------------------------------------- */
/* OK                                                                        */

Test(ok, minimal_ok_reads_zeros_and_status)
{
    dj__ok ok;
    dj_error err = {0};
    cr_assert_eq(ok_hex("00" "00" "00" "0200" "0000", &ok, &err), 0, "%s", err.message);
    cr_assert_eq(ok.affected_rows, 0);
    cr_assert_eq(ok.last_insert_id, 0);
    cr_assert_eq(ok.status, 0x0002);
    cr_assert_eq(ok.warnings, 0);
}

Test(ok, affected_rows_and_insert_id_are_lenenc)
{
    dj__ok ok;
    /* 1000 in the 3-byte form, 1000000 in the 4-byte form, status 0x0003, 1 warning. */
    cr_assert_eq(ok_hex("00" "fce803" "fd40420f" "0300" "0100", &ok, NULL), 0);
    cr_assert_eq(ok.affected_rows, 1000);
    cr_assert_eq(ok.last_insert_id, 1000000);
    cr_assert_eq(ok.status, 0x0003);
    cr_assert_eq(ok.warnings, 1);
}

Test(ok, nine_byte_lenenc_affected_rows)
{
    dj__ok ok;
    cr_assert_eq(ok_hex("00" "fe0000000001000000" "fb" "0200" "0000", &ok, NULL), DJ_EPROTO,
                 "0xFB is not an insert id");
    cr_assert_eq(ok_hex("00" "fe0000000001000000" "fa" "0200" "0000", &ok, NULL), 0);
    cr_assert_eq(ok.affected_rows, UINT64_C(0x100000000));
    cr_assert_eq(ok.last_insert_id, 250);
}

Test(ok, trailing_info_and_session_state_are_accepted)
{
    dj__ok ok;
    /* COM_INIT_DB mysql with session tracking, as captured: status 0x4002,
     * empty info, state 01 06 05 'mysql'. */
    cr_assert_eq(ok_hex("00" "00" "00" "0240" "0000" "00" "08" "0106056d7973716c", &ok, NULL),
                 0);
    cr_assert_eq(ok.status, 0x4002);
}

Test(ok, ok_as_eof_with_header_fe_is_read_like_an_ok)
{
    dj__ok ok;
    cr_assert_eq(ok_hex("fe" "00" "00" "0200" "0000", &ok, NULL), 0);
    cr_assert_eq(ok.affected_rows, 0);
    cr_assert_eq(ok.status, 0x0002);
    cr_assert_eq(ok.warnings, 0);
}

Test(ok, every_truncation_is_eproto)
{
    size_t len;
    uint8_t *full = from_hex("00" "fce803" "fd40420f" "0300" "0100", &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *p = prefix_copy(full, cut);
        dj__ok ok;
        dj_error err = {0};
        cr_assert_eq(dj__ok_parse(p, cut, &ok, &err), DJ_EPROTO, "%zu bytes", cut);
        cr_assert_eq(err.code, DJ_EPROTO);
        free(p);
    }
    free(full);
}

Test(ok, ff_as_affected_rows_is_eproto)
{
    dj__ok ok;
    cr_assert_eq(ok_hex("00" "ff" "00" "0200" "0000", &ok, NULL), DJ_EPROTO);
}

/* ------------------------------------------------------------------------- */
/* EOF                                                                       */

Test(eof, captured_eof_reads_warnings_then_status)
{
    size_t len;
    uint8_t *p = from_hex("fe00000200", &len);
    dj__ok ok;
    cr_assert_eq(dj__eof_parse(p, len, &ok, NULL), 0);
    cr_assert_eq(ok.warnings, 0);
    cr_assert_eq(ok.status, 0x0002);
    cr_assert_eq(ok.affected_rows, 0);
    cr_assert_eq(ok.last_insert_id, 0);
    free(p);
}

Test(eof, warnings_come_before_status)
{
    size_t len;
    uint8_t *p = from_hex("fe03000a00", &len);
    dj__ok ok;
    cr_assert_eq(dj__eof_parse(p, len, &ok, NULL), 0);
    cr_assert_eq(ok.warnings, 3);
    cr_assert_eq(ok.status, 0x000a, "AUTOCOMMIT | MORE_RESULTS_EXISTS");
    free(p);
}

Test(eof, every_truncation_is_eproto)
{
    size_t len;
    uint8_t *full = from_hex("fe00000200", &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *p = prefix_copy(full, cut);
        dj__ok ok;
        cr_assert_eq(dj__eof_parse(p, cut, &ok, NULL), DJ_EPROTO, "%zu bytes", cut);
        free(p);
    }
    free(full);
}

/* ------------------------------------------------------------------------- */
/* ERR                                                                       */

#define ERR_1146_HEX                                                                  \
    "ff" "7a04" "23" "3432533032"                                                     \
    "5461626c6520276d7973716c2e6e6f5f737563685f7461626c655f78797a2720646f65736e27" \
    "74206578697374"

Test(err, captured_1146_fills_errno_sqlstate_message_and_kind)
{
    dj_error err = {0};
    cr_assert_eq(err_hex(ERR_1146_HEX, &err), DJ_ESERVER);
    cr_assert_eq(err.code, DJ_ESERVER);
    cr_assert_eq(err.server_errno, 1146);
    cr_assert_str_eq(err.sqlstate, "42S02");
    cr_assert_str_eq(err.message, "Table 'mysql.no_such_table_xyz' doesn't exist");
    cr_assert_eq(err.kind, DJ_KIND_MISSING_TABLE);
}

Test(err, without_the_hash_marker_the_sqlstate_is_empty_and_all_text_is_message)
{
    dj_error err = {0};
    cr_assert_eq(err_hex("ff" "1004" "546f6f206d616e7920636f6e6e656374696f6e73", &err), DJ_ESERVER);
    cr_assert_eq(err.server_errno, 1040);
    cr_assert_str_eq(err.sqlstate, "");
    cr_assert_str_eq(err.message, "Too many connections");
}

Test(err, hash_with_fewer_than_five_state_bytes_is_message_text)
{
    dj_error err = {0};
    cr_assert_eq(err_hex("ff" "7a04" "23343253", &err), DJ_ESERVER);
    cr_assert_str_eq(err.sqlstate, "");
    cr_assert_str_eq(err.message, "#42S");
}

Test(err, sqlstate_with_an_empty_message)
{
    dj_error err = {0};
    cr_assert_eq(err_hex("ff" "7a04" "23" "3432533032", &err), DJ_ESERVER);
    cr_assert_str_eq(err.sqlstate, "42S02");
    cr_assert_str_eq(err.message, "");
}

Test(err, code_alone_is_a_server_error_with_no_text)
{
    dj_error err = {0};
    cr_assert_eq(err_hex("ff" "1504", &err), DJ_ESERVER);
    cr_assert_eq(err.server_errno, 1045);
    cr_assert_str_eq(err.message, "");
}

Test(err, packet_cut_inside_the_code_is_eproto)
{
    dj_error err = {0};
    cr_assert_eq(err_hex("ff", &err), DJ_EPROTO);
    cr_assert_eq(err.server_errno, 0);
    cr_assert_eq(err_hex("ff7a", &err), DJ_EPROTO);
    cr_assert_eq(err_hex("", &err), DJ_EPROTO);
}

Test(err, every_truncation_is_an_error_and_never_reads_past_the_end)
{
    size_t len;
    uint8_t *full = from_hex(ERR_1146_HEX, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *p = prefix_copy(full, cut);
        dj_error err = {0};
        int rc = dj__err_packet_parse(p, cut, &err);
        cr_assert_eq(rc, cut < 3 ? DJ_EPROTO : DJ_ESERVER, "%zu bytes", cut);
        cr_assert_lt(strlen(err.message), sizeof err.message);
        free(p);
    }
    free(full);
}

Test(err, over_long_message_is_cut_to_the_error_buffer)
{
    size_t len = 9 + 2000;
    uint8_t *p = malloc(len);
    memcpy(p, "\xff\x7a\x04#42S02", 9);
    memset(p + 9, 'm', 2000);
    dj_error err = {0};
    cr_assert_eq(dj__err_packet_parse(p, len, &err), DJ_ESERVER);
    cr_assert_eq(strlen(err.message), DJ_ERROR_MESSAGE_MAX - 1);
    cr_assert_str_eq(err.sqlstate, "42S02");
    free(p);
}

Test(err, null_error_pointer_still_returns_eserver)
{
    cr_assert_eq(err_hex(ERR_1146_HEX, NULL), DJ_ESERVER);
}

/* ------------------------------------------------------------------------- */
/* Terminator rule                                                           */

Test(terminator, eof_packet_ends_rows_with_or_without_deprecate_eof)
{
    size_t len;
    uint8_t *p = from_hex("fe00000200", &len);
    cr_assert(dj__is_terminator(p, len, 0));
    cr_assert(dj__is_terminator(p, len, 1));
    free(p);
}

Test(terminator, ok_as_eof_ends_rows)
{
    size_t len;
    uint8_t *p = from_hex("fe000002000000", &len);
    cr_assert(dj__is_terminator(p, len, 1));
    cr_assert(dj__is_terminator(p, len, 0));
    free(p);
}

Test(terminator, without_deprecate_eof_only_packets_shorter_than_9_bytes_end_rows)
{
    uint8_t p[9] = {0xfe};
    cr_assert(dj__is_terminator(p, 8, 0));
    cr_assert_not(dj__is_terminator(p, 9, 0));
}

Test(terminator, with_deprecate_eof_an_ok_with_long_info_still_ends_rows)
{
    size_t len = 0xfffffe;
    uint8_t *p = calloc(1, len);
    p[0] = 0xfe;
    cr_assert(dj__is_terminator(p, 9, 1));
    cr_assert(dj__is_terminator(p, len, 1));
    free(p);
}

Test(terminator, other_first_bytes_and_empty_packets_are_not_terminators)
{
    static const uint8_t firsts[] = {0x00, 0x01, 0xfb, 0xfc, 0xfd, 0xff};
    for (size_t i = 0; i < DJ__ARRAY_LEN(firsts); i++) {
        uint8_t *p = prefix_copy(&firsts[i], 1);
        cr_assert_not(dj__is_terminator(p, 1, 0), "first byte %02x", firsts[i]);
        cr_assert_not(dj__is_terminator(p, 1, 1), "first byte %02x", firsts[i]);
        free(p);
    }
    cr_assert_not(dj__is_terminator((const uint8_t *)"", 0, 1));
}

Test(terminator, fe_row_with_a_2_pow_24_byte_value_is_a_row)
{
    /* One column whose value is 2^24 bytes: prefix 0xFE + 8-byte length, so the
     * payload is 0xFFFFFF + 10 bytes long. */
    size_t vlen = (size_t)1 << 24, len = 9 + vlen;
    uint8_t *p = malloc(len);
    cr_assert_not_null(p);
    static const uint8_t prefix[9] = {0xfe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
    memcpy(p, prefix, sizeof prefix);
    memset(p + 9, 'z', vlen);
    cr_assert_geq(len, 0xffffff);
    cr_assert_not(dj__is_terminator(p, len, 1));
    cr_assert_not(dj__is_terminator(p, len, 0));
    dj_value v;
    dj_error err = {0};
    cr_assert_eq(dj__text_row_parse(p, len, 1, &v, &err), 0, "%s", err.message);
    cr_assert_eq(v.ptr, (const char *)p + 9);
    cr_assert_eq(v.len, vlen);
    free(p);
}

Test(terminator, fe_packet_of_exactly_0xffffff_bytes_is_a_row)
{
    size_t len = 0xffffff;
    uint8_t *p = calloc(1, len);
    p[0] = 0xfe;
    cr_assert_not(dj__is_terminator(p, len, 1));
    free(p);
}

/* ------------------------------------------------------------------------- */
/* Column definitions                                                        */

/* `id` of `SELECT subject_id AS id FROM lab.subject AS s`: catalog "def",
 * schema "lab", table "s", org_table "subject", name "id", org_name
 * "subject_id", fixed-fields length 12, charset 63, length 11, type LONG (3),
 * flags 0x4203, decimals 0, filler. */
#define COLDEF_HEX                                                                  \
    "03646566" "036c6162" "0173" "077375626a656374" "026964" "0a7375626a6563745f6964" \
    "0c" "3f00" "0b000000" "03" "0342" "00" "0000"
enum { COLDEF_FIXED_AT = 32 };

Test(coldef, every_field_is_read)
{
    size_t len;
    uint8_t *p = from_hex(COLDEF_HEX, &len);
    cr_assert_eq(len, COLDEF_FIXED_AT + 13);
    dj__coldef c;
    dj_error err = {0};
    cr_assert_eq(dj__coldef_parse(p, len, &c, &err), 0, "%s", err.message);
    cr_assert(c.schema_len == 3 && memcmp(c.schema, "lab", 3) == 0);
    cr_assert(c.table_len == 1 && memcmp(c.table, "s", 1) == 0);
    cr_assert(c.org_table_len == 7 && memcmp(c.org_table, "subject", 7) == 0);
    cr_assert(c.name_len == 2 && memcmp(c.name, "id", 2) == 0);
    cr_assert(c.org_name_len == 10 && memcmp(c.org_name, "subject_id", 10) == 0);
    cr_assert_eq(c.charset, 63);
    cr_assert_eq(c.length, 11);
    cr_assert_eq(c.type, 3);
    cr_assert_eq(c.flags, 0x4203);
    cr_assert_eq(c.decimals, 0);
    cr_assert_eq(c.name, p + 19, "strings point into the packet");
    free(p);
}

Test(coldef, wide_fields_are_little_endian)
{
    /* A VARCHAR(255) utf8mb4 column: charset 0x00e0, length 1020, type 0xfd,
     * flags 0x1001, decimals 0x27; empty schema and table (an expression). */
    size_t len;
    uint8_t *p = from_hex("03646566" "00" "00" "00" "0178" "00"
                          "0c" "e000" "fc030000" "fd" "0110" "27" "0000", &len);
    dj__coldef c;
    cr_assert_eq(dj__coldef_parse(p, len, &c, NULL), 0);
    cr_assert_eq(c.schema_len, 0);
    cr_assert_eq(c.org_name_len, 0);
    cr_assert(c.name_len == 1 && c.name[0] == 'x');
    cr_assert_eq(c.charset, 0x00e0);
    cr_assert_eq(c.length, 1020);
    cr_assert_eq(c.type, 0xfd);
    cr_assert_eq(c.flags, 0x1001);
    cr_assert_eq(c.decimals, 0x27);
    free(p);
}

Test(coldef, every_truncation_up_to_the_decimals_is_eproto)
{
    size_t len;
    uint8_t *full = from_hex(COLDEF_HEX, &len);
    size_t decimals_end = COLDEF_FIXED_AT + 1 + 10;
    for (size_t cut = 0; cut < decimals_end; cut++) {
        uint8_t *p = prefix_copy(full, cut);
        dj__coldef c;
        dj_error err = {0};
        cr_assert_eq(dj__coldef_parse(p, cut, &c, &err), DJ_EPROTO, "%zu bytes", cut);
        cr_assert_eq(err.code, DJ_EPROTO);
        free(p);
    }
    free(full);
}

Test(coldef, fixed_fields_length_below_10_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(COLDEF_HEX, &len);
    p[COLDEF_FIXED_AT] = 0x09;
    dj__coldef c;
    cr_assert_eq(dj__coldef_parse(p, len, &c, NULL), DJ_EPROTO);
    free(p);
}

Test(coldef, null_in_a_name_field_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("03646566" "036c6162" "0173" "077375626a656374" "fb"
                          "0a7375626a6563745f6964" "0c" "3f00" "0b000000" "03" "0342" "00" "0000",
                          &len);
    dj__coldef c;
    cr_assert_eq(dj__coldef_parse(p, len, &c, NULL), DJ_EPROTO);
    free(p);
}

Test(coldef, string_length_past_the_end_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("03646566" "036c6162" "0173" "fc0001" "6964", &len);
    dj__coldef c;
    cr_assert_eq(dj__coldef_parse(p, len, &c, NULL), DJ_EPROTO);
    free(p);
}

Test(coldef, err_packet_in_place_of_a_column_definition_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(ERR_1146_HEX, &len);
    dj__coldef c;
    cr_assert_eq(dj__coldef_parse(p, len, &c, NULL), DJ_EPROTO);
    free(p);
}

/* ------------------------------------------------------------------------- */
/* Text rows                                                                 */

Test(row, captured_row_with_a_null_in_the_middle)
{
    /* SELECT 1, NULL, 'x' */
    size_t len;
    uint8_t *p = from_hex("0131fb0178", &len);
    dj_value v[3];
    dj_error err = {0};
    cr_assert_eq(dj__text_row_parse(p, len, 3, v, &err), 0, "%s", err.message);
    expect_value(&v[0], "1");
    cr_assert_eq(v[0].ptr, (const char *)p + 1, "values point into the packet");
    cr_assert_null(v[1].ptr);
    cr_assert_eq(v[1].len, 0);
    expect_value(&v[2], "x");
    free(p);
}

Test(row, empty_string_and_null_stay_distinct)
{
    size_t len;
    uint8_t *p = from_hex("00fb00", &len);
    dj_value v[3];
    cr_assert_eq(dj__text_row_parse(p, len, 3, v, NULL), 0);
    cr_assert_not_null(v[0].ptr, "'' is not NULL");
    cr_assert_eq(v[0].len, 0);
    cr_assert_null(v[1].ptr);
    cr_assert_not_null(v[2].ptr, "'' at the end of the packet is not NULL either");
    cr_assert_eq(v[2].len, 0);
    free(p);
}

Test(row, first_value_null_makes_a_row_starting_with_fb)
{
    size_t len;
    uint8_t *p = from_hex("fb0131", &len);
    dj_value v[2];
    cr_assert_eq(dj__text_row_parse(p, len, 2, v, NULL), 0);
    cr_assert_null(v[0].ptr);
    expect_value(&v[1], "1");
    free(p);
}

Test(row, value_of_300_bytes_uses_the_3_byte_length)
{
    size_t len = 3 + 300 + 2;
    uint8_t *p = malloc(len);
    p[0] = 0xfc;
    p[1] = 0x2c;
    p[2] = 0x01;
    memset(p + 3, 'q', 300);
    p[303] = 0x01;
    p[304] = '7';
    dj_value v[2];
    cr_assert_eq(dj__text_row_parse(p, len, 2, v, NULL), 0);
    cr_assert_eq(v[0].len, 300);
    cr_assert_eq(v[0].ptr, (const char *)p + 3);
    expect_value(&v[1], "7");
    free(p);
}

Test(row, more_values_than_columns_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("0131fb0178", &len);
    dj_value v[2];
    dj_error err = {0};
    cr_assert_eq(dj__text_row_parse(p, len, 2, v, &err), DJ_EPROTO);
    cr_assert_eq(err.code, DJ_EPROTO);
    free(p);
}

Test(row, fewer_values_than_columns_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("0131fb0178", &len);
    dj_value v[4];
    cr_assert_eq(dj__text_row_parse(p, len, 4, v, NULL), DJ_EPROTO);
    free(p);
}

Test(row, every_truncation_is_eproto)
{
    size_t len;
    uint8_t *full = from_hex("0131fb03616263", &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *p = prefix_copy(full, cut);
        dj_value v[3];
        cr_assert_eq(dj__text_row_parse(p, cut, 3, v, NULL), DJ_EPROTO, "%zu bytes", cut);
        free(p);
    }
    free(full);
}

Test(row, ff_as_a_value_prefix_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("0131ff", &len);
    dj_value v[2];
    cr_assert_eq(dj__text_row_parse(p, len, 2, v, NULL), DJ_EPROTO);
    free(p);
}

Test(row, value_length_past_the_end_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex("0131" "fd000001" "41", &len);
    dj_value v[2];
    cr_assert_eq(dj__text_row_parse(p, len, 2, v, NULL), DJ_EPROTO);
    free(p);
}
