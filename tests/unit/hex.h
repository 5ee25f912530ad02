/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hex.h - hex decoding for the unit tests' expected values.
 */
#ifndef DJ_TEST_HEX_H
#define DJ_TEST_HEX_H

#include <stddef.h>
#include <stdint.h>

static inline int hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes a NUL-terminated hex string into out. Returns the number of bytes,
 * or (size_t)-1 for an odd length, a non-hex character or more than cap bytes. */
static inline size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (hex[0] != '\0') {
        int hi = hex_nibble(hex[0]);
        int lo = hex[1] != '\0' ? hex_nibble(hex[1]) : -1;
        if (hi < 0 || lo < 0 || n == cap)
            return (size_t)-1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        hex += 2;
    }
    return n;
}

#endif
