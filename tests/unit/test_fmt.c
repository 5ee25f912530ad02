/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fmt.c - the printf subset and the exact %.17g of lib/core/fmt.c.
 * Their contract is glibc's output, so the checks compare byte for byte
 * with the host libc's snprintf: each format at every buffer size from 0 to
 * one past its length, and each double through "%.17g". Where C libraries
 * disagree - NULL under %p, and under %s with a precision below 6, which
 * musl prints as "0" and a cut "(null)" - the test holds glibc's output
 * written out instead, so that it means the same on every target.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

/* Read at run time, so that the compiler cannot see the NULL that %s gets. */
static const char *volatile no_string;

/* dj__vfmt against the expected output want (n bytes): at every size 0..len+1 the
 * return value is the full length, the kept prefix matches, the NUL ends it
 * and nothing at or past the size is written. */
static void formats_like(const char *want, size_t n, const char *fmt, va_list ap)
{
    char got[256 + 2];
    cr_assert(n + 2 <= sizeof got, "\"%s\" is too long for this check", fmt);
    for (size_t size = 0; size <= n + 1; size++) {
        va_list aq;
        memset(got, 0x7f, sizeof got);
        va_copy(aq, ap);
        size_t r = dj__vfmt(got, size, fmt, aq);
        va_end(aq);
        size_t kept = size ? size - 1 : 0;
        cr_assert_eq(r, n, "\"%s\": returned %zu, expected %zu", fmt, r, n);
        cr_assert(memcmp(got, want, kept) == 0, "\"%s\" at size %zu: got \"%.*s\", expected \"%s\"",
                  fmt, size, (int)kept, got, want);
        if (size)
            cr_assert_eq(got[kept], '\0', "\"%s\" at size %zu: no NUL after the kept bytes", fmt,
                         size);
        for (size_t i = size; i < sizeof got; i++)
            cr_assert_eq(got[i], 0x7f, "\"%s\" at size %zu: wrote byte %zu", fmt, size, i);
    }
}

/* dj__vfmt against the host libc's vsnprintf. */
__attribute__((format(printf, 1, 2))) static void same_as_libc(const char *fmt, ...)
{
    char want[256];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(want, sizeof want, fmt, aq);
    va_end(aq);
    cr_assert(n >= 0 && (size_t)n < sizeof want, "libc cannot format \"%s\" here", fmt);
    formats_like(want, (size_t)n, fmt, ap);
    va_end(ap);
}

/* dj__vfmt against glibc's output, written out: for the formats on which
 * C libraries differ (see the top of the file). */
__attribute__((format(printf, 2, 3))) static void same_as_glibc(const char *want, const char *fmt,
                                                                ...)
{
    va_list ap;
    va_start(ap, fmt);
    formats_like(want, strlen(want), fmt, ap);
    va_end(ap);
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

static uint64_t to_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* dj__format_double against snprintf "%.17g"; returns whether they agree,
 * so that the long loops can assert once with a useful message. */
static int double_matches(double v, char *want, char *got)
{
    snprintf(want, 64, "%.17g", v);
    size_t n = dj__format_double(got, v);
    return n == strlen(want) && n < DJ__DOUBLE_CHARS && strcmp(got, want) == 0;
}

static void same_double(double v)
{
    char want[64], got[DJ__DOUBLE_CHARS];
    cr_assert(double_matches(v, want, got), "bits %016llx: got \"%s\", libc \"%s\"",
              (unsigned long long)to_bits(v), got, want);
}

/* v, -v and the doubles one unit in the last place either side of both. */
static void same_double_and_neighbours(double v)
{
    uint64_t b = to_bits(v);
    for (uint64_t sign = 0; sign < 2; sign++)
        for (int d = -1; d <= 1; d++)
            same_double(from_bits((b ^ sign << 63) + (uint64_t)(int64_t)d));
}

/* ------------------------------------------------------------------------- */
/* dj__fmt / dj__vfmt                                                        */

Test(fmt, literal_text_and_percent_pass_through)
{
    same_as_libc("%s", "");
    same_as_libc("plain text");
    same_as_libc("100%% sure");
    same_as_libc("%%%%");
    same_as_libc("%% at the end %%");
}

Test(fmt, signed_decimal_matches_libc_with_every_flag_and_width)
{
    static const int values[] = {0, 1, -1, 7, -7, 42, -42, 1000000, -999999, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        int v = values[i];
        same_as_libc("%d", v);
        same_as_libc("%i", v);
        same_as_libc("%1d", v);
        same_as_libc("%5d", v);
        same_as_libc("%-5d|", v);
        same_as_libc("%05d", v);
        same_as_libc("%+d", v);
        same_as_libc("% d", v);
        same_as_libc("%+05d", v);
        same_as_libc("% 05i", v);
        same_as_libc("%-+8d|", v);
        same_as_libc("%- 8d|", v);
        same_as_libc("%.3d", v);
        same_as_libc("%8.3d", v);
        same_as_libc("%-8.3d|", v);
        same_as_libc("%+.3d", v);
        same_as_libc("%.12d", v);
        same_as_libc("%20d", v);
    }
}

Test(fmt, unsigned_octal_and_hex_match_libc_with_every_flag_and_width)
{
    static const unsigned values[] = {0, 1, 7, 8, 9, 10, 15, 16, 255, 4096, 0xdeadbeef, UINT_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        unsigned v = values[i];
        same_as_libc("%u", v);
        same_as_libc("%x", v);
        same_as_libc("%X", v);
        same_as_libc("%o", v);
        same_as_libc("%#x", v);
        same_as_libc("%#X", v);
        same_as_libc("%#o", v);
        same_as_libc("%08x", v);
        same_as_libc("%#08x", v);
        same_as_libc("%#010o", v);
        same_as_libc("%-#10x|", v);
        same_as_libc("%-10u|", v);
        same_as_libc("%.5x", v);
        same_as_libc("%#.5x", v);
        same_as_libc("%#.5o", v);
        same_as_libc("%#.1o", v);
        same_as_libc("%10.4o", v);
        same_as_libc("%#10.4o", v);
        same_as_libc("%12.10u", v);
    }
}

Test(fmt, zero_with_precision_zero_prints_no_digits)
{
    same_as_libc("[%.0d]", 0);
    same_as_libc("[%.0i]", 0);
    same_as_libc("[%.0u]", 0u);
    same_as_libc("[%.0x]", 0u);
    same_as_libc("[%.0o]", 0u);
    same_as_libc("[%5.0d]", 0);
    same_as_libc("[%-5.0d]", 0);
    same_as_libc("[%+.0d]", 0);
    same_as_libc("[% .0d]", 0);
    same_as_libc("[%#.0x]", 0u);
    same_as_libc("[%#.0o]", 0u);
    same_as_libc("[%.0d]", 1);
}

/* GCC flags '0' with a precision as useless, but printf defines it (the
 * precision wins), and so must dj__vfmt. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
Test(fmt, precision_turns_off_zero_padding)
{
    same_as_libc("[%08.3d]", 42);
    same_as_libc("[%08.3d]", -42);
    same_as_libc("[%08.0d]", 0);
    same_as_libc("[%#012.4x]", 0xabcu);
    same_as_libc("[%06.2u]", 5u);
}
#pragma GCC diagnostic pop

Test(fmt, zero_padding_goes_after_sign_and_prefix)
{
    same_as_libc("[%08d]", -42);
    same_as_libc("[%+08d]", 42);
    same_as_libc("[% 08d]", 42);
    same_as_libc("[%#010x]", 255u);
    same_as_libc("[%#010X]", 255u);
    same_as_libc("[%#08o]", 8u);
    same_as_libc("[%02d]", -42);
}

Test(fmt, length_modifiers_read_and_narrow_their_types)
{
    same_as_libc("%hhd %hhd %hhd", 200, -129, 127);
    same_as_libc("%hhu %hhx %hho", -1, 0x1ff, 0777);
    same_as_libc("%hd %hd %hu %hx", 70000, -32769, -1, 0x12345);
    same_as_libc("%ld %ld %lu %lx %lo", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX);
    same_as_libc("%lld %lld %llu %llX", LLONG_MIN, LLONG_MAX, ULLONG_MAX, 0xfedcba9876543210ull);
    same_as_libc("%jd %jd %ju %jx", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX);
    same_as_libc("%zu %zx %zd %zd", SIZE_MAX, SIZE_MAX, (ptrdiff_t)-5, (ptrdiff_t)PTRDIFF_MAX);
    same_as_libc("%td %td %tu %tx", PTRDIFF_MIN, PTRDIFF_MAX, (size_t)PTRDIFF_MAX, (size_t)1234);
    same_as_libc("%-25lld|%025lld|%+25lld", LLONG_MIN, LLONG_MIN, LLONG_MAX);
}

Test(fmt, extremes_of_every_width_match_libc)
{
    same_as_libc("%d", INT_MIN);
    same_as_libc("%d", INT_MAX);
    same_as_libc("%u", UINT_MAX);
    same_as_libc("%lld", LLONG_MIN);
    same_as_libc("%llu", (unsigned long long)UINT64_MAX);
    same_as_libc("%llo", (unsigned long long)UINT64_MAX);
    same_as_libc("%#llo", (unsigned long long)UINT64_MAX);
    same_as_libc("%#llx", (unsigned long long)UINT64_MAX);
    same_as_libc("%.30lld", LLONG_MIN);
}

Test(fmt, char_conversion_writes_one_byte_even_nul)
{
    same_as_libc("%c", 'a');
    same_as_libc("[%3c]", 'b');
    same_as_libc("[%-3c]", 'c');
    same_as_libc("[%c]", '\0');
    same_as_libc("[%c%c]", 0xe2, 0x82);
}

Test(fmt, string_width_pads_and_precision_cuts)
{
    static const char *const values[] = {"", "a", "hello", "a longer string than the width"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const char *s = values[i];
        same_as_libc("%s", s);
        same_as_libc("[%10s]", s);
        same_as_libc("[%-10s]", s);
        same_as_libc("[%.3s]", s);
        same_as_libc("[%10.3s]", s);
        same_as_libc("[%-10.3s]", s);
        same_as_libc("[%.0s]", s);
        same_as_libc("[%.40s]", s);
    }
}

Test(fmt, string_precision_does_not_read_past_it)
{
    char unterminated[3] = {'a', 'b', 'c'};
    same_as_libc("[%.3s]", unterminated);
    same_as_libc("[%.2s]", unterminated);
}

Test(fmt, null_string_prints_null_like_glibc)
{
    const char *s = no_string;
    same_as_libc("%s", s);
    same_as_libc("[%10s]", s);
    same_as_libc("[%-10s]", s);
    same_as_libc("[%.6s]", s);
    same_as_glibc("[]", "[%.5s]", s);
    same_as_glibc("[]", "[%.1s]", s);
    same_as_libc("[%.0s]", s);
    char buf[16];
    dj__fmt(buf, sizeof buf, "%s", s);
    cr_assert_str_eq(buf, "(null)");
}

Test(fmt, pointer_prints_hex_and_null_as_nil)
{
    int local = 0;
    void *null = (void *)no_string;
    same_as_libc("%p", (void *)0x1234);
    same_as_libc("%p", (void *)&local);
    same_as_libc("%p", (void *)UINTPTR_MAX);
    same_as_libc("[%20p]", (void *)0xabcdef);
    same_as_libc("[%-20p]", (void *)0xabcdef);
    same_as_glibc("(nil)", "%p", null);
    same_as_glibc("[     (nil)]", "[%10p]", null);
    same_as_glibc("[(nil)     ]", "[%-10p]", null);
}

Test(fmt, star_width_and_precision_come_from_arguments)
{
    same_as_libc("[%*d]", 5, 42);
    same_as_libc("[%-*d]", 5, 42);
    same_as_libc("[%0*d]", 5, -42);
    same_as_libc("[%.*d]", 4, 7);
    same_as_libc("[%*.*d]", 8, 4, -42);
    same_as_libc("[%.*s]", 2, "abc");
    same_as_libc("[%*s]", 0, "abc");
    same_as_libc("[%*.*s|%d]", 6, 2, "abc", 9);
}

Test(fmt, negative_star_width_left_justifies)
{
    same_as_libc("[%*d]", -5, 42);
    same_as_libc("[%0*d]", -5, 42);
    same_as_libc("[%*s]", -6, "ab");
    same_as_libc("[%*x|%d]", -6, 0xffu, 1);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
Test(fmt, negative_star_precision_counts_as_none)
{
    same_as_libc("[%.*d]", -1, 0);
    same_as_libc("[%0*.*d]", 6, -1, 42); /* so '0' pads again */
    same_as_libc("[%.*s]", -1, "abc");
    same_as_libc("[%.*s]", -1, no_string);
}
#pragma GCC diagnostic pop

Test(fmt, many_conversions_in_one_format)
{
    same_as_libc("%s: %d/%u [%#x] %c %5.2s %-4d|%p %%", "name", -3, 3u, 0xbeefu, 'z', "xyz",
                  12, (void *)0x10);
}

Test(fmt, null_destination_with_size_zero_returns_the_length)
{
    cr_assert_eq(dj__fmt(NULL, 0, "%d-%s", 12345, "abc"), (size_t)9);
}

Test(fmt, truncation_keeps_a_nul_terminated_prefix_and_the_full_length)
{
    char buf[8];
    memset(buf, 'x', sizeof buf);
    cr_assert_eq(dj__fmt(buf, 5, "%s%d", "abcdef", 42), (size_t)8);
    cr_assert_str_eq(buf, "abcd");
    cr_assert_eq(buf[5], 'x');
    cr_assert_eq(dj__fmt(buf, 1, "%d", 42), (size_t)2);
    cr_assert_eq(buf[0], '\0');
}

/* ------------------------------------------------------------------------- */
/* dj__format_double                                                         */

Test(format_double, signed_zeros_print_0_and_minus_0)
{
    same_double(0.0);
    same_double(-0.0);
    char buf[DJ__DOUBLE_CHARS];
    cr_assert_eq(dj__format_double(buf, -0.0), (size_t)2);
    cr_assert_str_eq(buf, "-0");
}

Test(format_double, subnormals_print_exactly)
{
    same_double_and_neighbours(from_bits(1));                     /* the smallest */
    same_double_and_neighbours(from_bits(0x000fffffffffffffull)); /* the largest */
    for (int k = 0; k < 52; k++)
        same_double_and_neighbours(from_bits((uint64_t)1 << k));
    same_double(from_bits(0x0008000000000001ull));
    same_double(from_bits(0x0000000123456789ull));
}

Test(format_double, limits_of_the_type_print_exactly)
{
    same_double_and_neighbours(DBL_MIN);
    same_double_and_neighbours(DBL_MAX);
    same_double_and_neighbours(DBL_EPSILON);
    same_double_and_neighbours(1.0);
    same_double_and_neighbours(from_bits(0x433fffffffffffffull)); /* 2^54 - 1 */
}

Test(format_double, short_decimals_print_with_17_digits)
{
    static const double values[] = {0.1, 0.2, 0.3, 0.7, 1.5, 2.5, 123.456, 1.0 / 3.0,
                                    2.0 / 3.0, 100.0, 1e15, 3.14159265358979, 6.02214076e23,
                                    1.602176634e-19, 9007199254740993.0, 4503599627370497.5};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        same_double_and_neighbours(values[i]);
}

Test(format_double, fixed_notation_ends_below_1e17)
{
    same_double_and_neighbours(1e16);
    same_double_and_neighbours(1e17);
    same_double_and_neighbours(99999999999999984.0);
    same_double_and_neighbours(12345678901234567.0);
    same_double_and_neighbours(123456789012345678.0);
    char buf[DJ__DOUBLE_CHARS];
    dj__format_double(buf, 1e16);
    cr_assert_str_eq(buf, "10000000000000000");
    dj__format_double(buf, 1e17);
    cr_assert_str_eq(buf, "1e+17");
}

Test(format_double, fixed_notation_starts_at_1e_minus_4)
{
    same_double_and_neighbours(1e-4);
    same_double_and_neighbours(1e-5);
    same_double_and_neighbours(0.00012345);
    same_double_and_neighbours(9.9999e-5);
    char buf[DJ__DOUBLE_CHARS];
    dj__format_double(buf, 1e-4);
    cr_assert_str_eq(buf, "0.0001");
    dj__format_double(buf, 1e-5);
    cr_assert_str_eq(buf, "1.0000000000000001e-05");
}

Test(format_double, powers_of_two_across_the_range)
{
    for (int e = -1074; e <= 1023; e++) {
        uint64_t b = e < -1022 ? (uint64_t)1 << (e + 1074) : (uint64_t)(e + 1023) << 52;
        same_double_and_neighbours(from_bits(b));
    }
}

Test(format_double, powers_of_ten_across_the_range)
{
    for (int e = -323; e <= 308; e++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", e);
        same_double_and_neighbours(strtod(s, NULL));
    }
}

Test(format_double, rounding_up_to_a_power_of_ten_raises_the_exponent)
{
    /* The nearest doubles to these powers of ten lie below them, but within
     * half a unit of the 17th digit: 9.99...9|6 rounds to 1e-14 etc. */
    static const uint64_t bits[] = {0x3d06849b86a12b9bull, 0x2f87b6d71d20b96cull,
                                    0x1b6442e4fb671960ull, 0x009c16c5c5253575ull};
    static const char *const want[] = {"1e-14", "1e-79", "1e-176", "1e-305"};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        char buf[DJ__DOUBLE_CHARS];
        dj__format_double(buf, from_bits(bits[i]));
        cr_assert_str_eq(buf, want[i]);
        same_double(from_bits(bits[i]));
    }
}

Test(format_double, exact_ties_round_half_to_even)
{
    /* m * 2^-k = m * 5^k / 10^k: with m odd and m * 5^k of 18 digits, the
     * exact value has 18 significant digits ending in 5, a tie at 17. */
    int ties = 0;
    uint64_t p5 = 1;
    for (int k = 1; k <= 27; k++) {
        p5 *= 5;
        uint64_t lo = (100000000000000000ull + p5 - 1) / p5;
        uint64_t hi = 999999999999999999ull / p5;
        if (hi > (uint64_t)1 << 53)
            hi = (uint64_t)1 << 53;
        for (uint64_t m = lo | 1; m <= hi && m < (lo | 1) + 40; m += 2) {
            uint64_t digits = m * p5;
            cr_assert(digits >= 100000000000000000ull && digits % 10 == 5, "not a tie: %llu",
                      (unsigned long long)digits);
            double v = (double)m * from_bits((uint64_t)(1023 - k) << 52);
            same_double(v);
            same_double(-v);
            ties++;
        }
    }
    cr_assert_geq(ties, 400);
    char buf[DJ__DOUBLE_CHARS];
    dj__format_double(buf, 4000000000000001.0 / 4); /* 1000000000000000.25 */
    cr_assert_str_eq(buf, "1000000000000000.2");
    dj__format_double(buf, 4000000000000003.0 / 4); /* 1000000000000000.75 */
    cr_assert_str_eq(buf, "1000000000000000.8");
}

Test(format_double, infinities_and_nans_print_like_glibc)
{
    same_double(from_bits(0x7ff0000000000000ull));
    same_double(from_bits(0xfff0000000000000ull));
    same_double(from_bits(0x7ff8000000000000ull));
    same_double(from_bits(0xfff8000000000000ull));
    same_double(from_bits(0x7ff0000000000001ull));
    same_double(from_bits(0xfff4000000000000ull));
    same_double(from_bits(0x7fffffffffffffffull));
    char buf[DJ__DOUBLE_CHARS];
    cr_assert_eq(dj__format_double(buf, from_bits(0xfff8000000000000ull)), (size_t)4);
    cr_assert_str_eq(buf, "-nan");
}

/* DJ_TEST_FMT_DOUBLES overrides the count, e.g. smaller under valgrind. */
Test(format_double, random_bit_patterns_match_libc)
{
    const char *env = getenv("DJ_TEST_FMT_DOUBLES");
    long count = env ? strtol(env, NULL, 10) : 1000000;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char want[64], got[DJ__DOUBLE_CHARS];
    for (long i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (!double_matches(from_bits(x), want, got))
            cr_assert_fail("bits %016llx: got \"%s\", libc \"%s\"", (unsigned long long)x, got,
                           want);
    }
}
