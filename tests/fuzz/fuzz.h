/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - what every libFuzzer target in tests/fuzz shares.
 *
 * Each target feeds the bytes libFuzzer gives it to one parser of server (or
 * config file) input. libFuzzer hands over an exact-size heap copy, so
 * AddressSanitizer sees any read past the end. A target asserts the
 * parser's own contract (lengths inside the input, error codes from the
 * documented set) with dj_fuzz_check, which aborts so that libFuzzer records
 * the input as a crash.
 */
#ifndef DJ_FUZZ_H
#define DJ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define dj_fuzz_check(cond)                                                          \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* True when [p, p+n) lies inside [base, base+size). */
static inline int dj_fuzz_inside(const void *p, size_t n, const uint8_t *base, size_t size)
{
    const uint8_t *q = p;
    return n == 0 || (q >= base && n <= size && (size_t)(q - base) <= size - n);
}

#endif
