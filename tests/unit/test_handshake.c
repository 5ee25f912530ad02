/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_handshake.c - Protocol::HandshakeV10 parsing, SSLRequest and
 * HandshakeResponse41 (lib/wire/handshake.c), checked against section 2 of
 * the protocol notes with hand-assembled packets. The scramble and the
 * native token come from the shared vectors (scramble20, native.token).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "wire/protocol.h"
#include "hex.h"

/* ------------------------------------------------------------------------- */
/* Fixtures                                                                  */

/* scramble20 from the vectors: part 1 is its first 8 bytes, part 2 the other 12. */
#define SCRAMBLE20_HEX "5a1f7b3c0e6d2f48117e39526a0b4c73155d2e61"
/* native.token for "secret" over scramble20. */
#define NATIVE_TOKEN_HEX "982fe76f09f35cde1b9c21498757c31e3e5b946c"

/* A MySQL 8/9 greeting: caps 0xdfffffff (bit 0 set, so the reserved bytes are
 * just zeros), collation 255, caching_sha2_password. */
static const char mysql_greeting_hex[] =
    "0a"                                             /* protocol version 10 */
    "392e312e3000"                                   /* "9.1.0" NUL */
    "0d000000"                                       /* connection id 13 */
    "5a1f7b3c0e6d2f48"                               /* auth plugin data part 1 */
    "00"                                             /* filler */
    "ffff"                                           /* capabilities, low 16 bits */
    "ff"                                             /* character set 255 */
    "0200"                                           /* status: AUTOCOMMIT */
    "ffdf"                                           /* capabilities, high 16 bits */
    "15"                                             /* auth plugin data length 21 */
    "00000000000000000000"                           /* reserved */
    "117e39526a0b4c73155d2e61" "00"                  /* part 2: 12 bytes + NUL */
    "63616368696e675f736861325f70617373776f726400"; /* "caching_sha2_password" NUL */

/* Offsets inside mysql_greeting_hex's bytes. */
enum { MY_CAPS_LOW = 20, MY_CAPS_HIGH = 25, MY_AUTH_LEN = 27, MY_RESERVED = 28, MY_PART2 = 38,
       MY_PLUGIN = 51, MY_TOTAL = 73 };

/* MariaDB 10.11 as captured in the notes: "5.5.5-" prefix, caps 0x81fff7fe
 * (bit 0 clear) and extended caps 0x1d in the last 4 reserved bytes. */
static const char mariadb_greeting_hex[] =
    "0a"
    "352e352e352d31302e31312e31392d4d61726961444200" /* "5.5.5-10.11.19-MariaDB" NUL */
    "0d000000"
    "5a1f7b3c0e6d2f48"
    "00"
    "fef7"                                           /* 0x81fff7fe, low half */
    "2d"                                             /* utf8mb4_general_ci */
    "0200"
    "ff81"                                           /* high half */
    "15"
    "000000000000" "1d000000"                        /* 6 zeros + extended caps */
    "117e39526a0b4c73155d2e61" "00"
    "6d7973716c5f6e61746976655f70617373776f726400"; /* "mysql_native_password" NUL */

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

static int parse_hex(const char *hex, dj__greeting *g, dj_error *err)
{
    size_t len;
    uint8_t *p = from_hex(hex, &len);
    int rc = dj__greeting_parse(p, len, g, err);
    free(p);
    return rc;
}

/* Parses the first n bytes of p from an exact-size copy. */
static int parse_prefix(const uint8_t *p, size_t n, dj__greeting *g, dj_error *err)
{
    uint8_t *c = malloc(n ? n : 1);
    cr_assert_not_null(c);
    memcpy(c, p, n);
    int rc = dj__greeting_parse(c, n, g, err);
    free(c);
    return rc;
}

static void expect_scramble20(const dj__greeting *g)
{
    uint8_t want[20];
    cr_assert_eq(hex_decode(SCRAMBLE20_HEX, want, sizeof want), 20);
    cr_assert_eq(g->scramble_len, 20, "scramble is %zu bytes, want 20", g->scramble_len);
    cr_assert(memcmp(g->scramble, want, 20) == 0, "scramble bytes differ from scramble20");
}

static void expect_built(const dj__builder *b, const char *want_hex)
{
    size_t len;
    uint8_t *want = from_hex(want_hex, &len);
    cr_assert_not(b->oom);
    cr_assert_eq(b->len, len, "built %zu bytes, want %zu", b->len, len);
    for (size_t i = 0; i < len; i++)
        if (b->data[i] != want[i])
            cr_assert_fail("byte %zu is %02x, want %02x", i, b->data[i], want[i]);
    free(want);
}

/* ------------------------------------------------------------------------- */
/* Greeting                                                                  */

Test(greeting, mysql_greeting_fields_are_all_read)
{
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(parse_hex(mysql_greeting_hex, &g, &err), 0, "%s", err.message);
    cr_assert_eq(g.protocol_version, 10);
    cr_assert_str_eq(g.server_version, "9.1.0");
    cr_assert_eq(g.is_mariadb, 0);
    cr_assert_eq(g.connection_id, 13);
    cr_assert_eq(g.capabilities, 0xdfffffffu);
    cr_assert_eq(g.mariadb_capabilities, 0);
    cr_assert_eq(g.charset, 255);
    cr_assert_eq(g.status, 0x0002);
    cr_assert_str_eq(g.auth_plugin, "caching_sha2_password");
    expect_scramble20(&g);
}

Test(greeting, mariadb_greeting_strips_the_prefix_and_reads_extended_caps)
{
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(parse_hex(mariadb_greeting_hex, &g, &err), 0, "%s", err.message);
    cr_assert_str_eq(g.server_version, "10.11.19-MariaDB");
    cr_assert_eq(g.is_mariadb, 1);
    cr_assert_eq(g.capabilities, 0x81fff7feu);
    cr_assert_eq(g.mariadb_capabilities, 0x1d);
    cr_assert_eq(g.charset, 45);
    cr_assert_str_eq(g.auth_plugin, "mysql_native_password");
    expect_scramble20(&g);
}

Test(greeting, reserved_bytes_are_ignored_when_capability_bit_0_is_set)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    memset(p + MY_RESERVED + 6, 0x5a, 4);
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), 0);
    cr_assert_eq(g.mariadb_capabilities, 0);
    cr_assert_eq(g.is_mariadb, 0);
    free(p);
}

Test(greeting, capability_bit_0_clear_means_mariadb_even_without_the_name)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[MY_CAPS_LOW] &= 0xfe;
    p[MY_RESERVED + 6] = 0x04;
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), 0);
    cr_assert_eq(g.is_mariadb, 1);
    cr_assert_eq(g.mariadb_capabilities, 0x04);
    cr_assert_eq(g.capabilities, 0xdffffffeu);
    free(p);
}

Test(greeting, scramble_is_20_bytes_and_excludes_the_trailing_nul)
{
    dj__greeting g;
    cr_assert_eq(parse_hex(mysql_greeting_hex, &g, NULL), 0);
    expect_scramble20(&g);
    cr_assert_eq(g.scramble[20], 0);
}

Test(greeting, last_byte_of_part_2_is_never_scramble_data)
{
    /* Even when it is not a NUL, the 13th byte of part 2 is the terminator's
     * slot: a 21-byte scramble breaks every token. */
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[MY_PART2 + 12] = 0x41;
    dj__greeting g;
    int rc = dj__greeting_parse(p, len, &g, NULL);
    cr_assert_eq(rc, 0);
    expect_scramble20(&g);
    free(p);
}

Test(greeting, longer_auth_data_length_gives_a_longer_scramble)
{
    /* auth_plugin_data_len 33: part 2 is 33 - 8 = 25 bytes, 24 of them data. */
    static const char hex[] =
        "0a" "392e312e3000" "0d000000" "5a1f7b3c0e6d2f48" "00" "ffff" "ff" "0200" "ffdf"
        "21" "00000000000000000000"
        "117e39526a0b4c73155d2e61" "a1a2a3a4a5a6a7a8a9aaabac" "00"
        "636c69656e745f6564323535313900"; /* "client_ed25519" */
    dj__greeting g;
    cr_assert_eq(parse_hex(hex, &g, NULL), 0);
    cr_assert_eq(g.scramble_len, 32);
    cr_assert_eq(g.scramble[20], 0xa1);
    cr_assert_eq(g.scramble[31], 0xac);
    cr_assert_str_eq(g.auth_plugin, "client_ed25519");
}

Test(greeting, auth_data_length_below_21_still_means_a_13_byte_part_2)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[MY_AUTH_LEN] = 0;
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), 0);
    expect_scramble20(&g);
    cr_assert_str_eq(g.auth_plugin, "caching_sha2_password");
    free(p);
}

Test(greeting, without_plugin_auth_there_is_no_plugin_name)
{
    /* caps 0x0000a20f (no CLIENT_PLUGIN_AUTH), auth data length 0. */
    static const char hex[] =
        "0a" "352e312e373300" "0d000000" "5a1f7b3c0e6d2f48" "00" "0fa2" "08" "0200" "0000"
        "00" "00000000000000000000" "117e39526a0b4c73155d2e61" "00";
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(parse_hex(hex, &g, &err), 0, "%s", err.message);
    cr_assert_str_eq(g.server_version, "5.1.73");
    cr_assert_str_eq(g.auth_plugin, "");
    expect_scramble20(&g);
}

Test(greeting, native_plugin_name_without_trailing_nul_is_read_to_the_end)
{
    /* MySQL 5.5.7-5.5.9 ended mysql_native_password without its NUL. */
    size_t len;
    uint8_t *p = from_hex(mariadb_greeting_hex, &len);
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(parse_prefix(p, len - 1, &g, &err), 0, "%s", err.message);
    cr_assert_str_eq(g.auth_plugin, "mysql_native_password");
    free(p);
}

Test(greeting, other_plugin_name_without_trailing_nul_is_a_cut_greeting)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(parse_prefix(p, len - 1, &g, &err), DJ_EPROTO);
    cr_assert(strstr(err.message, "plugin name") != NULL, "%s", err.message);
    free(p);
}

Test(greeting, protocol_version_9_is_unsupported)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[0] = 9;
    dj__greeting g;
    dj_error err = {0};
    cr_assert_eq(dj__greeting_parse(p, len, &g, &err), DJ_EUNSUPPORTED);
    cr_assert_eq(err.code, DJ_EUNSUPPORTED);
    cr_assert(strstr(err.message, "9") != NULL, "message names the version: %s", err.message);
    free(p);
}

Test(greeting, missing_protocol_41_is_unsupported)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[MY_CAPS_LOW + 1] &= (uint8_t)~0x02; /* clear 0x0200 */
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), DJ_EUNSUPPORTED);
    free(p);
}

Test(greeting, pre_41_greeting_that_ends_after_the_low_caps_is_unsupported)
{
    static const char hex[] = "0a" "342e302e323700" "05000000" "3132333435363738" "00" "2c20";
    dj__greeting g;
    cr_assert_eq(parse_hex(hex, &g, NULL), DJ_EUNSUPPORTED);
}

Test(greeting, every_truncation_before_the_plugin_name_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    cr_assert_eq(len, MY_TOTAL);
    for (size_t cut = 0; cut <= MY_PLUGIN; cut++) {
        dj__greeting g;
        dj_error err = {0};
        int rc = parse_prefix(p, cut, &g, &err);
        cr_assert_eq(rc, DJ_EPROTO, "%zu bytes: rc %d (%s)", cut, rc, err.message);
        cr_assert(err.message[0] != '\0', "%zu bytes: the error says why", cut);
    }
    free(p);
}

Test(greeting, truncation_inside_the_plugin_name_is_eproto)
{
    /* Only a complete mysql_native_password may lack its NUL (old servers);
     * a cut name is never taken for a short one. */
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    for (size_t cut = MY_PLUGIN + 1; cut < MY_TOTAL; cut++) {
        dj__greeting g;
        cr_assert_eq(parse_prefix(p, cut, &g, NULL), DJ_EPROTO, "%zu bytes", cut);
    }
    free(p);
}

Test(greeting, every_truncation_of_the_mariadb_greeting_is_a_clean_error)
{
    size_t len;
    uint8_t *p = from_hex(mariadb_greeting_hex, &len);
    size_t plugin_at = len - sizeof "mysql_native_password";
    for (size_t cut = 0; cut <= plugin_at; cut++) {
        dj__greeting g;
        cr_assert_eq(parse_prefix(p, cut, &g, NULL), DJ_EPROTO, "%zu bytes", cut);
    }
    free(p);
}

Test(greeting, auth_data_length_past_the_end_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(mysql_greeting_hex, &len);
    p[MY_AUTH_LEN] = 0xff; /* part 2 would be 247 bytes */
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), DJ_EPROTO);
    free(p);
}

Test(greeting, auth_data_longer_than_the_scramble_buffer_is_eproto)
{
    /* auth_plugin_data_len 100: part 2 is 92 bytes, 8 + 91 > DJ__SCRAMBLE_MAX. */
    size_t head_len;
    uint8_t *head = from_hex(mysql_greeting_hex, &head_len);
    size_t len = MY_PART2 + 92 + 2;
    uint8_t *p = calloc(1, len);
    memcpy(p, head, MY_PART2);
    p[MY_AUTH_LEN] = 100;
    memset(p + MY_PART2, 0x33, 91);
    p[len - 2] = 'x';
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), DJ_EPROTO);
    free(p);
    free(head);
}

Test(greeting, over_long_plugin_name_is_eproto)
{
    size_t head_len;
    uint8_t *head = from_hex(mysql_greeting_hex, &head_len);
    size_t len = MY_PLUGIN + DJ__PLUGIN_NAME_MAX + 1;
    uint8_t *p = malloc(len);
    memcpy(p, head, MY_PLUGIN);
    memset(p + MY_PLUGIN, 'a', DJ__PLUGIN_NAME_MAX);
    p[len - 1] = 0;
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), DJ_EPROTO);
    free(p);
    free(head);
}

Test(greeting, over_long_server_version_is_cut_to_the_buffer)
{
    size_t head_len;
    uint8_t *head = from_hex(mysql_greeting_hex, &head_len);
    size_t vlen = 300, tail = head_len - 7; /* 7 = version byte + "9.1.0" NUL */
    size_t len = 1 + vlen + 1 + tail;
    uint8_t *p = malloc(len);
    p[0] = 0x0a;
    memset(p + 1, 'v', vlen);
    p[1 + vlen] = 0;
    memcpy(p + 2 + vlen, head + 7, tail);
    dj__greeting g;
    cr_assert_eq(dj__greeting_parse(p, len, &g, NULL), 0);
    cr_assert_eq(strlen(g.server_version), DJ__SERVER_VERSION_MAX - 1);
    cr_assert_str_eq(g.auth_plugin, "caching_sha2_password");
    expect_scramble20(&g);
    free(p);
    free(head);
}

Test(greeting, version_string_without_nul_is_eproto)
{
    static const char hex[] = "0a" "392e312e30";
    dj__greeting g;
    cr_assert_eq(parse_hex(hex, &g, NULL), DJ_EPROTO);
}

/* ------------------------------------------------------------------------- */
/* SSLRequest and HandshakeResponse41                                        */

/* LONG_PASSWORD | LONG_FLAG | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION |
 * MULTI_RESULTS | PLUGIN_AUTH | PLUGIN_AUTH_LENENC = 0x002aa205. */
#define MYSQL_CAPS 0x002aa205u

static dj__login base_login(uint8_t *token)
{
    cr_assert_eq(hex_decode(NATIVE_TOKEN_HEX, token, 20), 20);
    dj__login l = {
        .capabilities = MYSQL_CAPS,
        .max_packet = 0x01000000,
        .charset = 45,
        .user = "root",
        .auth = token,
        .auth_len = 20,
        .database = "lab",
        .auth_plugin = "mysql_native_password",
    };
    return l;
}

static const char response_head_hex[] =
    "05a22a00"                                         /* client flags 0x002aa205 */
    "00000001"                                         /* max packet 16 MiB */
    "2d"                                               /* collation 45 */
    "0000000000000000000000000000000000000000000000"; /* 23 zero bytes */

#define USER_ROOT_HEX "726f6f7400"
#define NATIVE_PLUGIN_HEX "6d7973716c5f6e61746976655f70617373776f726400"

Test(response, mysql_style_response_matches_the_hand_assembled_bytes)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    char want[1024];
    snprintf(want, sizeof want, "%s%s%s%s%s", response_head_hex, USER_ROOT_HEX,
             "14" /* lenenc length 20 */, NATIVE_TOKEN_HEX, NATIVE_PLUGIN_HEX);
    expect_built(&b, want);
    dj__builder_free(&b, 0);
}

Test(response, mariadb_style_filler_is_19_zeros_and_the_extended_caps)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities = MYSQL_CAPS & ~DJ__CLIENT_LONG_PASSWORD;
    l.mariadb_capabilities = 0x05;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    expect_built(&b, "04a22a00" "00000001" "2d"
                     "00000000000000000000000000000000000000" "05000000"
                     USER_ROOT_HEX "14" NATIVE_TOKEN_HEX NATIVE_PLUGIN_HEX);
    dj__builder_free(&b, 0);
}

Test(response, extended_caps_are_not_sent_when_bit_0_is_set)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.mariadb_capabilities = 0x1d;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    for (size_t i = 9; i < 32; i++)
        cr_assert_eq(b.data[i], 0, "filler byte %zu", i);
    dj__builder_free(&b, 0);
}

Test(response, auth_data_of_251_bytes_uses_a_lenenc_length_with_plugin_auth_lenenc)
{
    uint8_t auth[251];
    memset(auth, 0xaa, sizeof auth);
    uint8_t token[20];
    dj__login l = base_login(token);
    l.auth = auth;
    l.auth_len = sizeof auth;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    cr_assert_eq(b.len, 32 + 5 + 3 + 251 + 22);
    cr_assert(b.data[37] == 0xfc && b.data[38] == 0xfb && b.data[39] == 0x00);
    cr_assert_eq(b.data[40], 0xaa);
    cr_assert_eq(b.data[40 + 250], 0xaa);
    cr_assert_str_eq((const char *)b.data + 40 + 251, "mysql_native_password");
    dj__builder_free(&b, 0);
}

Test(response, auth_data_of_251_bytes_uses_one_length_byte_without_plugin_auth_lenenc)
{
    uint8_t auth[251];
    memset(auth, 0xaa, sizeof auth);
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities &= ~DJ__CLIENT_PLUGIN_AUTH_LENENC;
    l.auth = auth;
    l.auth_len = sizeof auth;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    cr_assert_eq(b.len, 32 + 5 + 1 + 251 + 22);
    cr_assert_eq(b.data[37], 0xfb, "int<1> length, not a lenenc prefix");
    cr_assert_eq(b.data[38], 0xaa);
    dj__builder_free(&b, 0);
}

Test(response, one_byte_length_form_for_a_20_byte_token)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities &= ~DJ__CLIENT_PLUGIN_AUTH_LENENC;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    expect_built(&b, "05a20a00" "00000001" "2d" "0000000000000000000000000000000000000000000000"
                     USER_ROOT_HEX "14" NATIVE_TOKEN_HEX NATIVE_PLUGIN_HEX);
    dj__builder_free(&b, 0);
}

Test(response, empty_auth_response_is_a_zero_length)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.auth = NULL;
    l.auth_len = 0;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    char want[512];
    snprintf(want, sizeof want, "%s%s00%s", response_head_hex, USER_ROOT_HEX, NATIVE_PLUGIN_HEX);
    expect_built(&b, want);
    dj__builder_free(&b, 0);
}

Test(response, connect_with_db_puts_the_schema_between_auth_and_plugin)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities |= DJ__CLIENT_CONNECT_WITH_DB;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    expect_built(&b, "0da22a00" "00000001" "2d" "0000000000000000000000000000000000000000000000"
                     USER_ROOT_HEX "14" NATIVE_TOKEN_HEX "6c616200" NATIVE_PLUGIN_HEX);
    dj__builder_free(&b, 0);
}

Test(response, schema_is_left_out_without_connect_with_db)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    cr_assert_eq(b.len, 32 + 5 + 21 + 22, "head, user, token, plugin and nothing else");
    cr_assert_str_eq((const char *)b.data + 32 + 5 + 21, "mysql_native_password");
    dj__builder_free(&b, 0);
}

Test(response, put_attr_writes_lenenc_key_and_value)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__put_attr(&b, "_client_name", "datajoint-c");
    dj__put_attr(&b, "_pid", "");
    expect_built(&b, "0c5f636c69656e745f6e616d65" "0b646174616a6f696e742d63"
                     "045f706964" "00");
    dj__builder_free(&b, 0);
}

Test(response, attrs_follow_the_plugin_name_with_their_total_length)
{
    dj__builder attrs;
    dj__builder_init(&attrs, NULL);
    dj__put_attr(&attrs, "_client_name", "datajoint-c");
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities |= DJ__CLIENT_CONNECT_WITH_DB | DJ__CLIENT_CONNECT_ATTRS;
    l.attrs = attrs.data;
    l.attrs_len = attrs.len;
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    expect_built(&b, "0da23a00" "00000001" "2d" "0000000000000000000000000000000000000000000000"
                     USER_ROOT_HEX "14" NATIVE_TOKEN_HEX "6c616200" NATIVE_PLUGIN_HEX
                     "19" "0c5f636c69656e745f6e616d65" "0b646174616a6f696e742d63");
    dj__builder_free(&b, 0);
    dj__builder_free(&attrs, 0);
}

Test(response, plugin_name_is_left_out_without_plugin_auth)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities &= ~(DJ__CLIENT_PLUGIN_AUTH | DJ__CLIENT_PLUGIN_AUTH_LENENC);
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__handshake_response_build(&b, &l);
    expect_built(&b, "05a20200" "00000001" "2d" "0000000000000000000000000000000000000000000000"
                     USER_ROOT_HEX "14" NATIVE_TOKEN_HEX);
    dj__builder_free(&b, 0);
}

Test(ssl_request, is_32_bytes_equal_to_the_start_of_the_response_mysql_style)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities |= DJ__CLIENT_SSL | DJ__CLIENT_CONNECT_WITH_DB | DJ__CLIENT_CONNECT_ATTRS;
    dj__builder ssl, resp;
    dj__builder_init(&ssl, NULL);
    dj__builder_init(&resp, NULL);
    dj__ssl_request_build(&ssl, &l);
    dj__handshake_response_build(&resp, &l);
    cr_assert_eq(ssl.len, 32);
    cr_assert_gt(resp.len, 32);
    cr_assert(memcmp(ssl.data, resp.data, 32) == 0);
    expect_built(&ssl, "0daa3a00" "00000001" "2d" "0000000000000000000000000000000000000000000000");
    dj__builder_free(&ssl, 0);
    dj__builder_free(&resp, 0);
}

Test(ssl_request, is_32_bytes_equal_to_the_start_of_the_response_mariadb_style)
{
    uint8_t token[20];
    dj__login l = base_login(token);
    l.capabilities = (MYSQL_CAPS | DJ__CLIENT_SSL) & ~DJ__CLIENT_LONG_PASSWORD;
    l.mariadb_capabilities = 0x1d;
    dj__builder ssl, resp;
    dj__builder_init(&ssl, NULL);
    dj__builder_init(&resp, NULL);
    dj__ssl_request_build(&ssl, &l);
    dj__handshake_response_build(&resp, &l);
    cr_assert_eq(ssl.len, 32);
    cr_assert(memcmp(ssl.data, resp.data, 32) == 0);
    expect_built(&ssl, "04aa2a00" "00000001" "2d" "00000000000000000000000000000000000000"
                       "1d000000");
    dj__builder_free(&ssl, 0);
    dj__builder_free(&resp, 0);
}

/* An allocator that always fails. */
static void *no_malloc(size_t n, void *ud) { (void)n, (void)ud; return NULL; }
static void *no_realloc(void *p, size_t n, void *ud) { (void)p, (void)n, (void)ud; return NULL; }
static void no_free(void *p, void *ud) { (void)p, (void)ud; }

Test(response, allocation_failure_is_reported_through_oom)
{
    dj_allocator fail = {no_malloc, no_realloc, no_free, NULL};
    uint8_t token[20];
    dj__login l = base_login(token);
    dj__builder b;
    dj__builder_init(&b, &fail);
    dj__handshake_response_build(&b, &l);
    cr_assert(b.oom);
    cr_assert_eq(b.len, 0);
    dj__builder_free(&b, 0);
}

/* ------------------------------------------------------------------------- */
/* AuthSwitchRequest                                                         */

Test(auth_switch, plugin_name_and_challenge_are_split_at_the_nul)
{
    static const uint8_t p[] = "\xfe" "client_ed25519\0" "0123456789abcdef0123456789abcdef";
    dj__auth_switch sw;
    dj_error err;
    cr_assert_eq(dj__auth_switch_parse(p, sizeof p - 1, &sw, &err), 0, "%s", err.message);
    cr_assert_eq(sw.plugin_len, 14);
    cr_assert(memcmp(sw.plugin, "client_ed25519", 14) == 0);
    cr_assert_eq(sw.data_len, 32);
    cr_assert_eq(sw.data, p + 16);
}

Test(auth_switch, lone_0xfe_asks_for_old_password_and_is_refused)
{
    static const uint8_t p[] = {0xfe};
    dj__auth_switch sw;
    dj_error err;
    cr_assert_eq(dj__auth_switch_parse(p, sizeof p, &sw, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "mysql_old_password") != NULL);
}

Test(auth_switch, plugin_name_without_nul_is_a_protocol_error)
{
    static const uint8_t p[] = "\xfe" "mysql_native_password";
    dj__auth_switch sw;
    dj_error err;
    cr_assert_eq(dj__auth_switch_parse(p, sizeof p - 1, &sw, &err), DJ_EPROTO);
}

Test(auth_switch, empty_challenge_is_accepted)
{
    static const uint8_t p[] = "\xfe" "mysql_clear_password\0";
    dj__auth_switch sw;
    dj_error err;
    cr_assert_eq(dj__auth_switch_parse(p, sizeof p - 1, &sw, &err), 0, "%s", err.message);
    cr_assert_eq(sw.data_len, 0);
}
