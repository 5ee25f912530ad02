/* SPDX-License-Identifier: Apache-2.0 */
/* fmt.c - the printf subset and the exact %.17g of fmt.h. */
#include "fmt.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Kept out of line where the compiler allows: the size of dj__vfmt is the
 * point of this file, and inlining arg() copies its va_arg code. */
#if defined(__GNUC__)
#define FMT_NOINLINE __attribute__((noinline))
#else
#define FMT_NOINLINE
#endif

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

struct sink {
    char *dst;
    size_t size;
    size_t n;
};

/* Appends len bytes of s, or s[0] len times when rep: the only place that
 * knows the bound, so everything past it is counted but not written. */
static void put(struct sink *k, const char *s, size_t len, int rep)
{
    for (; len; len--, k->n++) {
        if (k->n + 1 < k->size)
            k->dst[k->n] = *s;
        s += !rep;
    }
}

static size_t digits(const char **f)
{
    size_t v = 0;
    while (**f >= '0' && **f <= '9')
        v = v * 10 + (size_t)(*(*f)++ - '0');
    return v;
}

/* The next argument: a pointer for bytes 0, else an integer of that size,
 * read by size rather than by exact type (every ABI passes integers of one
 * size alike), which keeps the va_arg expansions to a few. */
FMT_NOINLINE static uintmax_t arg(va_list *ap, size_t bytes)
{
    if (!bytes)
        return (uintptr_t)va_arg(*ap, void *);
    return bytes > sizeof(long)       ? va_arg(*ap, unsigned long long)
           : bytes > sizeof(unsigned) ? va_arg(*ap, unsigned long)
                                      : va_arg(*ap, unsigned);
}

size_t dj__vfmt(char *dst, size_t size, const char *fmt, va_list ap)
{
    static const char flag_chars[] = "-0+ #", len_chars[] = "hljzt";
    /* The argument size for each of len_chars, then for hh and ll. */
    static const unsigned char len_bytes[] = {sizeof(short),  sizeof(long), sizeof(intmax_t),
                                              sizeof(size_t), sizeof(ptrdiff_t), 1,
                                              sizeof(long long)};
    struct sink k = {dst, size, 0};
    va_list aq; /* a va_list object of our own, which arg() can point to */
    va_copy(aq, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&k, fmt, 1, 0);
            continue;
        }
        unsigned fl = 0;
        const char *f;
        while ((f = memchr(flag_chars, *++fmt, 5)) != NULL)
            fl |= 1u << (f - flag_chars);
        size_t width = digits(&fmt);
        if (*fmt == '*') {
            /* An int, kept unsigned so that INT_MIN does not overflow. */
            unsigned w = (unsigned)arg(&aq, sizeof(int));
            fmt++;
            if (w > INT_MAX) {
                fl |= F_LEFT;
                w = 0u - w;
            }
            width = w;
        }
        size_t prec = SIZE_MAX; /* none given */
        if (*fmt == '.') {
            fmt++;
            prec = digits(&fmt);
            if (*fmt == '*') {
                unsigned p = (unsigned)arg(&aq, sizeof(int));
                fmt++;
                prec = p > INT_MAX ? SIZE_MAX : p;
            }
        }
        size_t bytes = sizeof(int);
        if ((f = memchr(len_chars, *fmt, 5)) != NULL) {
            ptrdiff_t i = f - len_chars;
            if (i < 2 && fmt[1] == *f) {
                i += 5;
                fmt++;
            }
            bytes = len_bytes[i];
            fmt++;
        }
        char c = *fmt;
        if (!c)
            break;
        char buf[24]; /* 22 octal digits of 64 bits */
        char *end = buf + sizeof buf;
        const char *body = NULL; /* stays NULL for a number */
        size_t blen = 0, zeros = 0, plen = 0;
        char pre[2];
        if (!memchr("cdiouxXsp", c, 9)) {
            put(&k, fmt, 1, 0);
            continue;
        }
        int ptr = c == 's' || c == 'p';
        uintmax_t v = arg(&aq, ptr ? 0 : bytes);
        if (ptr) {
            body = (const char *)(uintptr_t)v;
            if (c == 'p' && v) {
                body = NULL;
                fl |= F_ALT;
                c = 'x';
            } else {
                if (!v)
                    body = c == 'p' ? "(nil)" : prec < 6 ? "" : "(null)";
                while (blen < prec && body[blen])
                    blen++;
            }
        } else {
            uintmax_t mask = UINTMAX_MAX >> (sizeof(uintmax_t) - bytes) * CHAR_BIT;
            v &= mask;
            if (c == 'c') {
                *--end = (char)v;
                body = end;
                blen = 1;
            } else if (c == 'd' || c == 'i') {
                /* The sign comes back from the top bit of the width read. */
                if (v > mask >> 1) {
                    v = (0 - v) & mask;
                    pre[plen++] = '-';
                } else if (fl & (F_PLUS | F_SPACE)) {
                    pre[plen++] = fl & F_PLUS ? '+' : ' ';
                }
            }
        }
        if (body) {
            fl &= ~(unsigned)F_ZERO;
        } else {
            unsigned base = c == 'o' ? 8 : (c | 32) == 'x' ? 16 : 10;
            /* Bit 5 is what tells 'x' from 'X', and 'a' from 'A'; digits
             * have it set already. */
            for (; v; v /= base)
                *--end = (char)("0123456789ABCDEF"[v % base] | (c & 32));
            body = end;
            blen = (size_t)(buf + sizeof buf - end);
            /* A precision turns off '0' padding; the default precision 1
             * is what prints zero as "0" (and "%.0d" as nothing). */
            if (prec == SIZE_MAX)
                prec = 1;
            else
                fl &= ~(unsigned)F_ZERO;
            zeros = prec > blen ? prec - blen : 0;
            /* '#' for o: the output must start with a 0. Without zeros
             * added it would start with a non-zero digit, or be empty. */
            if ((fl & F_ALT) && base == 8 && !zeros)
                zeros = 1;
            if ((fl & F_ALT) && base == 16 && blen) {
                pre[plen++] = '0';
                pre[plen++] = c;
            }
        }
        size_t total = plen + zeros + blen;
        size_t pad = width > total ? width - total : 0;
        if ((fl & (F_ZERO | F_LEFT)) == F_ZERO) {
            zeros += pad;
            pad = 0;
        }
        if (!(fl & F_LEFT))
            put(&k, " ", pad, 1);
        put(&k, pre, plen, 0);
        put(&k, "0", zeros, 1);
        put(&k, body, blen, 0);
        if (fl & F_LEFT)
            put(&k, " ", pad, 1);
    }
    va_end(aq);
    if (size)
        dst[k.n < size ? k.n : size - 1] = '\0';
    return k.n;
}

size_t dj__fmt(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = dj__vfmt(dst, size, fmt, ap);
    va_end(ap);
    return n;
}

/* The exact integer is kept in limbs of LIMB_DIGITS decimal digits, and
 * multiplied by up to 5^STEP5 or 2^STEP2 at a time: the largest factors for
 * which limb * factor + carry (below BASE * factor + factor) fits a `wide`.
 * 32-bit targets keep to 32-bit arithmetic, where a 64-bit division would
 * be a library call per limb. */
#if SIZE_MAX > 0xffffffffu
typedef uint64_t wide;
#define BASE 1000000000u
#define LIMB_DIGITS 9
#define STEP5 14
#define STEP2 33
#else
typedef uint32_t wide;
#define BASE 10000u
#define LIMB_DIGITS 4
#define STEP5 8
#define STEP2 18
#endif
/* m * 5^1074 with m < 2^53, the largest integer built, has 767 digits. */
#define LIMBS (767 / LIMB_DIGITS + 2)
/* The top limb is never 0, so this many hold the 19 digits the rounding
 * looks at. */
#define TOP_LIMBS (1 + (18 + LIMB_DIGITS - 1) / LIMB_DIGITS)

/* a[0..n) (least significant limb first) *= f; returns the new limb count. */
static size_t mul(uint32_t *a, size_t n, wide f)
{
    wide carry = 0;
    for (size_t i = 0; i < n; i++) {
        carry += (wide)a[i] * f;
        a[i] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
    for (; carry; carry /= BASE)
        a[n++] = (uint32_t)(carry % BASE);
    return n;
}

size_t dj__format_double(char *dst, double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    char *o = dst;
    if (b >> 63)
        *o++ = '-';
    int be = (int)(b >> 52 & 0x7ff);
    uint64_t m = b & (((uint64_t)1 << 52) - 1);
    if (be == 0x7ff || (!be && !m)) {
        const char *s = be ? m ? "nan" : "inf" : "0";
        size_t l = strlen(s);
        memcpy(o, s, l + 1);
        return (size_t)(o - dst) + l;
    }
    if (be)
        m |= (uint64_t)1 << 52;
    else
        be = 1;
    /* v = m * 2^e exactly; for e < 0 that is (m * 5^-e) * 10^e, so the
     * integer a = m * 2^e or m * 5^-e holds every decimal digit of v. */
    int e = be - 1075;
    uint32_t a[LIMBS];
    size_t n = 0;
    for (; m; m /= BASE)
        a[n++] = (uint32_t)(m % BASE);
    for (int left = e < 0 ? -e : e; left > 0;) {
        int step = e < 0 ? STEP5 : STEP2;
        wide f = 1;
        for (; step && left; step--, left--)
            f *= e < 0 ? 5 : 2;
        n = mul(a, n, f);
    }
    /* The top limb is never 0 (m's is not, and multiplying keeps it so);
     * below the top ones all that matters is whether every digit is 0. */
    size_t top = n < TOP_LIMBS ? n : TOP_LIMBS;
    uint32_t sticky = 0;
    for (size_t i = 0; i < n - top; i++)
        sticky |= a[i];
    char d[TOP_LIMBS * LIMB_DIGITS];
    size_t i = 0;
    do {
        for (uint32_t j = LIMB_DIGITS, l = a[n - 1 - i]; j--; l /= 10)
            d[i * LIMB_DIGITS + j] = (char)('0' + l % 10);
    } while (++i < top);
    char *q = d;
    while (*q == '0')
        q++;
    char *r = d + top * LIMB_DIGITS; /* one past the last digit */
    int cnt = (int)(r - q);
    /* v = q[0].q[1]... * 10^x */
    int x = cnt - 1 + (int)(n - top) * LIMB_DIGITS + (e < 0 ? e : 0);
    if (cnt > 17) {
        /* Round half to even on the exact digits, as glibc does. */
        for (const char *s = q + 18; s < r; s++)
            sticky |= (uint32_t)(*s - '0');
        int up = q[17] > '5' || (q[17] == '5' && (sticky || (q[16] & 1)));
        cnt = 17;
        for (r = q + 17; up && r > q;) {
            if (*--r == '9')
                *r = '0';
            else
                up = (*r += 1, 0);
        }
        if (up) {
            *r = '1';
            x++;
        }
    }
    while (cnt > 1 && q[cnt - 1] == '0')
        cnt--;
    /* %g: plain digits when -4 <= x < 17, else one digit before the point
     * and an exponent; digit positions run from 10^hi down to 10^lo. */
    int sci = x < -4 || x >= 17, ex = x;
    if (sci)
        x = 0;
    int lo = x - cnt + 1 < 0 ? x - cnt + 1 : 0;
    for (int pos = x > 0 ? x : 0; pos >= lo; pos--) {
        if (pos == -1)
            *o++ = '.';
        *o++ = x - pos < cnt && pos <= x ? q[x - pos] : '0';
    }
    if (sci) {
        *o++ = 'e';
        *o++ = ex < 0 ? '-' : '+';
        unsigned ax = ex < 0 ? 0u - (unsigned)ex : (unsigned)ex;
        if (ax >= 100)
            *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    }
    *o = '\0';
    return (size_t)(o - dst);
}
