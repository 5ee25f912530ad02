/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fmt.h - a small printf subset of our own, so that a static musl dj does
 * not pull in libc's vfprintf and its floating-point formatter. The output
 * is byte for byte what glibc's snprintf gives for the same format.
 *
 * Supported: flags '-' and '0', '+' and ' ' for d i, '#' for o x X; width as
 * digits or '*' (negative: left-justified); precision as '.digits' or '.*'
 * (negative: none), bytes for s, minimum digits for integers; length
 * modifiers hh h l ll z j t; conversions d i u x X o c s p %.
 * %s of NULL prints "(null)" (or nothing when the precision is below 6) and
 * %p of NULL "(nil)", as glibc does. No floating-point conversions: doubles
 * go through dj__format_double.
 *
 * Self-contained (C standard headers only): the dj program compiles this
 * file too.
 */
#ifndef DJ_CORE_FMT_H
#define DJ_CORE_FMT_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define DJ__FMT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DJ__FMT_PRINTF(f, a)
#endif

/* vsnprintf-like: writes at most size-1 chars plus NUL (when size > 0),
 * returns the full length the output would have. */
size_t dj__vfmt(char *dst, size_t size, const char *fmt, va_list ap) DJ__FMT_PRINTF(3, 0);
size_t dj__fmt(char *dst, size_t size, const char *fmt, ...) DJ__FMT_PRINTF(3, 4);

/* Exactly what snprintf(dst, 32, "%.17g", v) gives (glibc), incl. "-0", "inf",
 * "-inf", "nan", "-nan"; returns the length; dst has room for
 * DJ__DOUBLE_CHARS bytes. */
#define DJ__DOUBLE_CHARS 32
size_t dj__format_double(char *dst, double v);

#endif
