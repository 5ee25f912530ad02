/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fuzz_regressions.c - every input a fuzzer (tests/fuzz) found that
 * crashed or broke a sanitizer, replayed through the same harness, with the
 * outcome the client must give now. One test per finding; the input is kept
 * as hex so the test says what the bytes were.
 */
#define _GNU_SOURCE 1
#include <criterion/criterion.h>

#include "../fuzz/result_harness.h"
#include "auth/auth.h"
#include "hex.h"

static int replay_result(const char *input_hex)
{
    uint8_t in[512];
    size_t n = hex_decode(input_hex, in, sizeof in);
    cr_assert(n != (size_t)-1 && n > 0, "bad fixture");
    return dj_fuzz_result_run(in, n);
}

/* fuzz_result: a compressed frame with no body and no stream bytes before
 * any packet arrived made io.c compute NULL + 0 (UBSan: "applying zero
 * offset to null pointer"). The empty frame is skipped; the stream then ends
 * in the middle of a header: a lost connection. */
Test(fuzz_result, empty_compressed_frame_before_any_input_is_skipped)
{
    cr_assert_eq(replay_result("07" "00000000000000" "0002020000"), DJ_ELOST);
}

/* fuzz_auth (fuzz-long campaign): a parsec salt message with iteration
 * factor 0x64 made the refusal's message compute 1u << 100 (UBSan: "shift
 * exponent 100 is too large"). Refused, naming the exponent. The parsec
 * code exists only with libsodium and OpenSSL (lib/auth/parsec.c); that a
 * build without them has no parsec at all is test_parsec's check. */
#if defined(HAVE_LIBSODIUM) && defined(HAVE_OPENSSL)
Test(fuzz_auth, parsec_factor_above_31_is_refused_without_shifting)
{
    uint8_t seed[32];
    dj_error err;
    cr_assert_eq(dj__auth_parsec_seed("pw", 2, (const uint8_t *)"salt", 4, 100, seed, &err),
                 DJ_EAUTH);
    cr_assert_not_null(strstr(err.message, "1024 << 100"), "%s", err.message);
}
#endif
