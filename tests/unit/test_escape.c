/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_escape.c - string literal escaping and identifier quoting
 * (lib/client/escape.c). A connection is not needed: conn == NULL means the
 * server default, and dj__escape_string_mode covers NO_BACKSLASH_ESCAPES.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "client/escape.h"

/* Escapes into a heap buffer of exactly 2*len+1 bytes, so that AddressSanitizer
 * catches any write past the documented size. Returns the buffer, *out_len
 * the result length. */
static char *escape_exact(const char *in, size_t len, int no_backslash, size_t *out_len)
{
    char *out = malloc(2 * len + 1);
    cr_assert_not_null(out);
    *out_len = dj__escape_string_mode(out, in, len, no_backslash);
    cr_assert_eq(out[*out_len], '\0', "result is NUL-terminated");
    return out;
}

static void expect_escape(const char *in, size_t len, int no_backslash, const char *want,
                          size_t want_len)
{
    size_t n;
    char *out = escape_exact(in, len, no_backslash, &n);
    cr_assert_eq(n, want_len, "length %zu, want %zu", n, want_len);
    cr_assert(memcmp(out, want, want_len) == 0, "escaped text differs");
    free(out);
}

/*
 * Reads the escaped text the way the server's lexer reads the inside of a
 * '...' literal and returns the decoded bytes' length, or -1 if a quote
 * would end the literal before the end of the text (an injection), or the
 * text ends inside an escape.
 */
static long unescape_literal(const char *s, size_t n, int no_backslash, char *decoded)
{
    static const char from[] = "0nrZ\\'\"";
    static const char to[] = {'\0', '\n', '\r', 0x1A, '\\', '\'', '"'};
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') {
            if (i + 1 >= n || s[i + 1] != '\'')
                return -1;
            decoded[d++] = '\'';
            i++;
        } else if (s[i] == '\\' && !no_backslash) {
            if (i + 1 >= n)
                return -1;
            const char *hit = memchr(from, s[i + 1], sizeof from - 1);
            decoded[d++] = hit ? to[hit - from] : s[i + 1];
            i++;
        } else {
            decoded[d++] = s[i];
        }
    }
    return (long)d;
}

static void expect_safe_round_trip(const char *in, size_t len, int no_backslash)
{
    size_t n;
    char *out = escape_exact(in, len, no_backslash, &n);
    char *decoded = malloc(n + 1);
    cr_assert_not_null(decoded);
    long d = unescape_literal(out, n, no_backslash, decoded);
    cr_assert_eq(d, (long)len, "literal closed early or decoded to another length");
    cr_assert(memcmp(decoded, in, len) == 0, "decoded literal differs from the input");
    free(decoded);
    free(out);
}

/* ---- dj_escape_string / backslash mode ---- */

Test(escape_string, plain_text_unchanged)
{
    expect_escape("hello world 123", 15, 0, "hello world 123", 15);
}

Test(escape_string, each_special_byte_gets_its_backslash_escape)
{
    static const struct {
        char in;
        const char *want;
    } cases[] = {
        {'\0', "\\0"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\\', "\\\\"},
        {'\'', "\\'"}, {'"', "\\\""}, {0x1A, "\\Z"},
    };
    for (size_t i = 0; i < DJ__ARRAY_LEN(cases); i++)
        expect_escape(&cases[i].in, 1, 0, cases[i].want, 2);
}

Test(escape_string, specials_in_one_string)
{
    const char in[] = "a\0b\nc\rd\\e'f\"g\x1Ah";
    const char want[] = "a\\0b\\nc\\rd\\\\e\\'f\\\"g\\Zh";
    expect_escape(in, sizeof in - 1, 0, want, sizeof want - 1);
}

Test(escape_string, other_control_bytes_and_percent_pass_through)
{
    const char in[] = "\t\b\x7f%_`";
    expect_escape(in, sizeof in - 1, 0, in, sizeof in - 1);
}

Test(escape_string, multibyte_utf8_unchanged)
{
    const char in[] = "caf\xc3\xa9 \xe2\x98\x95 \xf0\x9d\x84\x9e \xe6\x97\xa5";
    expect_escape(in, sizeof in - 1, 0, in, sizeof in - 1);
    expect_escape(in, sizeof in - 1, 1, in, sizeof in - 1);
}

Test(escape_string, zero_length_gives_empty_string)
{
    char out[1] = {'x'};
    cr_assert_eq(dj_escape_string(NULL, out, "ignored", 0), 0);
    cr_assert_eq(out[0], '\0');
    out[0] = 'x';
    cr_assert_eq(dj_escape_string(NULL, out, NULL, 0), 0);
    cr_assert_eq(out[0], '\0');
}

Test(escape_string, null_out_writes_nothing)
{
    cr_assert_eq(dj_escape_string(NULL, NULL, "abc", 3), 0);
}

Test(escape_string, worst_case_fills_the_documented_size)
{
    char in[100];
    memset(in, '\'', sizeof in);
    size_t n;
    char *out = escape_exact(in, sizeof in, 0, &n);
    cr_assert_eq(n, 200);
    for (size_t i = 0; i < n; i += 2)
        cr_assert(out[i] == '\\' && out[i + 1] == '\'');
    free(out);
}

Test(escape_string, null_connection_uses_backslash_escapes)
{
    const char in[] = "it's a \\ test";
    char a[64], b[64];
    size_t na = dj_escape_string(NULL, a, in, sizeof in - 1);
    size_t nb = dj__escape_string_mode(b, in, sizeof in - 1, 0);
    cr_assert_eq(na, nb);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, "it\\'s a \\\\ test");
}

/* ---- NO_BACKSLASH_ESCAPES ---- */

Test(escape_no_backslash, only_single_quotes_are_doubled)
{
    const char in[] = "it's \\ \"q\" \n\r\x1A\0end";
    const char want[] = "it''s \\ \"q\" \n\r\x1A\0end";
    expect_escape(in, sizeof in - 1, 1, want, sizeof want - 1);
}

Test(escape_no_backslash, backslash_before_quote_cannot_hide_it)
{
    /* With backslash escapes off, "\'" would be a backslash then a quote
     * ending the literal; doubling the quote keeps it inside. */
    expect_escape("\\'", 2, 1, "\\''", 3);
}

Test(escape_no_backslash, worst_case_fills_the_documented_size)
{
    char in[64];
    memset(in, '\'', sizeof in);
    size_t n;
    char *out = escape_exact(in, sizeof in, 1, &n);
    cr_assert_eq(n, 128);
    free(out);
}

/* ---- injection ---- */

Test(escape_injection, attack_string_stays_inside_the_literal_in_both_modes)
{
    const char attack[] = "x'; DROP DATABASE y; -- \\' `";
    expect_safe_round_trip(attack, sizeof attack - 1, 0);
    expect_safe_round_trip(attack, sizeof attack - 1, 1);

    size_t n;
    char *out = escape_exact(attack, sizeof attack - 1, 0, &n);
    cr_assert_str_eq(out, "x\\'; DROP DATABASE y; -- \\\\\\' `");
    free(out);
}

Test(escape_injection, every_byte_value_round_trips_in_both_modes)
{
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    expect_safe_round_trip(all, sizeof all, 0);
    expect_safe_round_trip(all, sizeof all, 1);
}

/* The escaper works on blocks of eight bytes: a special byte at every offset
 * of inputs of every length up to three blocks must still round-trip. */
Test(escape_injection, special_byte_at_every_offset_and_length_round_trips)
{
    static const char specials[] = {'\0', '\n', '\r', 0x1A, '\\', '\'', '"'};
    char buf[25];
    for (size_t len = 1; len <= sizeof buf; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                memset(buf, 'a', len);
                buf[at] = specials[k];
                expect_safe_round_trip(buf, len, 0);
                expect_safe_round_trip(buf, len, 1);
            }
}

Test(escape_injection, trailing_backslash_cannot_eat_the_closing_quote)
{
    expect_safe_round_trip("abc\\", 4, 0);
    expect_safe_round_trip("\\\\\\", 3, 0);
    expect_safe_round_trip("abc\\", 4, 1);
}

/* ---- dj_quote_identifier ---- */

static void expect_quoted(const char *name, size_t len, const char *want)
{
    char *out = malloc(2 * len + 3); /* the documented size, checked by ASan */
    cr_assert_not_null(out);
    size_t n = dj_quote_identifier(out, name, len);
    cr_assert_eq(n, strlen(want), "length %zu, want %zu", n, strlen(want));
    cr_assert_str_eq(out, want);
    free(out);
}

Test(quote_identifier, plain_name_gets_enclosing_backticks)
{
    expect_quoted("session", 7, "`session`");
}

Test(quote_identifier, backticks_are_doubled)
{
    expect_quoted("a`b", 3, "`a``b`");
    expect_quoted("``", 2, "``````");
    expect_quoted("`; DROP DATABASE x; --", 22, "```; DROP DATABASE x; --`");
}

Test(quote_identifier, empty_name_is_two_backticks)
{
    expect_quoted("", 0, "``");
    expect_quoted(NULL, 0, "``");
}

Test(quote_identifier, worst_case_fills_the_documented_size)
{
    char name[50];
    memset(name, '`', sizeof name);
    char *out = malloc(2 * sizeof name + 3);
    cr_assert_not_null(out);
    size_t n = dj_quote_identifier(out, name, sizeof name);
    cr_assert_eq(n, 2 * sizeof name + 2);
    cr_assert_eq(out[n], '\0');
    free(out);
}

Test(quote_identifier, other_bytes_pass_through_unchanged)
{
    const char name[] = "it's \"x\" caf\xc3\xa9 \\ % #~";
    expect_quoted(name, sizeof name - 1, "`it's \"x\" caf\xc3\xa9 \\ % #~`");
    expect_quoted("#subject_type", 13, "`#subject_type`");
}

Test(quote_identifier, copies_exactly_len_bytes)
{
    expect_quoted("abcdef", 2, "`ab`");
}

Test(quote_identifier, quoted_name_never_closes_early)
{
    const char name[] = "a`b``c`";
    char out[2 * sizeof name + 3];
    size_t n = dj_quote_identifier(out, name, sizeof name - 1);
    /* Inside the quotes, backticks must come in pairs; only the last one
     * closes the identifier. */
    size_t i = 1;
    while (i < n - 1) {
        if (out[i] == '`') {
            cr_assert_eq(out[i + 1], '`', "lone backtick at %zu closes the identifier", i);
            i += 2;
        } else {
            i++;
        }
    }
    cr_assert_eq(i, n - 1);
    cr_assert_eq(out[n - 1], '`');
}
