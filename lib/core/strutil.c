/* SPDX-License-Identifier: Apache-2.0 */
/* strutil.c - bounded string copies, the decimal numbers the server sends,
 * UTF-8 checks and packed word lists. */
#include "core/internal.h"

int dj__strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size == 0)
        return -1;
    if (n >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

int dj__parse_u64(const char *p, const char *end, uint64_t *out)
{
    if (p == end)
        return -1;
    uint64_t x = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -2;
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

char dj__ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int dj__ieq_n(const char *s, const char *word, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dj__ascii_lower(s[i]) != word[i])
            return 0;
    return 1;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0.
 * Overlong forms, surrogates and code points above U+10FFFF are refused: the
 * server would reject or, worse, reinterpret them. */
size_t dj__utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t need;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need;
}

int dj__word_find(const char *words, const char *s, size_t n)
{
    for (int i = 0; *words; i++, words += strlen(words) + 1)
        if (strlen(words) == n && dj__ieq_n(s, words, n))
            return i;
    return -1;
}

const char *dj__word_at(const char *words, size_t i)
{
    for (; i > 0; i--)
        words += strlen(words) + 1;
    return words;
}

int dj__snprintf(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = dj__vfmt(dst, size, fmt, ap);
    va_end(ap);
    return n >= size ? -1 : 0;
}
