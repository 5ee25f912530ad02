/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - what every library source file shares: the public header,
 * error helpers, the allocator wrappers and small portable utilities.
 * Internal symbols start with dj__ so a static link never collides.
 */
#ifndef DJ_INTERNAL_H
#define DJ_INTERNAL_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/fmt.h"
#include "datajoint.h"

#if defined(__GNUC__)
#define DJ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define DJ__UNUSED __attribute__((unused))
/* Keeps a rarely taken path out of a hot caller, so the caller stays small. */
#define DJ__NOINLINE __attribute__((noinline))
#else
#define DJ__PRINTF(f, a)
#define DJ__UNUSED
#define DJ__NOINLINE
#endif

#define DJ__MIN(a, b) ((a) < (b) ? (a) : (b))
#define DJ__MAX(a, b) ((a) > (b) ? (a) : (b))
#define DJ__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (core/error.c) ---- */

/* Fills err (if not NULL) with a client-side error and returns code. */
int dj__err(dj_error *err, int code, const char *fmt, ...) DJ__PRINTF(3, 4);
/* Fills err with an error the server sent and returns DJ_ESERVER. */
int dj__err_server(dj_error *err, unsigned server_errno, const char *sqlstate,
                   const char *msg, size_t msg_len);
/* Prefixes the message already in err with "what: " (keeps codes). */
void dj__err_prefix(dj_error *err, const char *fmt, ...) DJ__PRINTF(2, 3);

/* ---- memory (core/alloc.c) ---- */

void *dj__malloc(const dj_allocator *a, size_t n);
void *dj__realloc(const dj_allocator *a, void *p, size_t n);
void dj__free(const dj_allocator *a, void *p);
char *dj__strndup(const dj_allocator *a, const char *s, size_t n);
/* Room for one more item in an array of *cap items of size bytes holding
 * count: it doubles when full, starting at first. 0, or -1 when out of
 * memory (the array is unchanged). */
int dj__grow(const dj_allocator *a, void **items, size_t *cap, size_t count, size_t size,
             size_t first);
/* Overwrites secrets in a way the compiler may not drop. */
void dj__wipe(void *p, size_t n);

/* ---- time (core/clock.c) ---- */

/* Monotonic milliseconds. */
int64_t dj__now_ms(void);
/* Absolute deadline for a timeout in ms (0 = none -> 0). */
int64_t dj__deadline(unsigned timeout_ms);
/* Fills buf with unpredictable bytes (getrandom, /dev/urandom). */
int dj__random_bytes(void *buf, size_t n, dj_error *err);

/* ---- files (core/file.c) ---- */

/* Reads from fd until cap bytes or the end of the file; returns the count,
 * or -1 with errno set (EINTR is retried). */
long dj__read_upto(int fd, void *buf, size_t cap);

/* ---- string helpers (core/strutil.c) ---- */

/* Copies src into a fixed array, NUL-terminated; returns -1 when it did not fit. */
int dj__strlcpy(char *dst, const char *src, size_t size);
/* The decimal digits in [p, end) (at least one, nothing else): 0, -1 when
 * something else is there, -2 when the number exceeds UINT64_MAX. */
int dj__parse_u64(const char *p, const char *end, uint64_t *out);
/* ASCII lower case whatever the locale: SQL keywords and DataJoint's words. */
char dj__ascii_lower(char c);
/* 1 when the n bytes at s equal the lower-case word, ignoring ASCII case
 * (stops at the first difference, so s may be shorter than n). */
int dj__ieq_n(const char *s, const char *word, size_t n);
/* Length of the well-formed UTF-8 sequence at s (at most n >= 1 bytes), or
 * 0 when it is not one: 1 for ASCII. */
size_t dj__utf8_len(const unsigned char *s, size_t n);
/* Word lists packed into one string instead of a table of pointers. A list
 * that is searched must end in "\0" ("one\0two\0"), so that with the
 * literal's own NUL an empty word ends it inside the array. The position of
 * the n bytes at s among the lower-case words, ignoring ASCII case, or -1;
 * and the word at a position. */
int dj__word_find(const char *words, const char *s, size_t n);
const char *dj__word_at(const char *words, size_t i);
/* snprintf into a fixed buffer; returns -1 when truncated. */
int dj__snprintf(char *dst, size_t size, const char *fmt, ...) DJ__PRINTF(3, 4);

/* ---- host and port (core/hostport.c) ---- */

/* Splits "host", "host:port", "[v6]", "[v6]:port" into host and port
 * (default_port when none). 0 or DJ_EINVAL. */
int dj__parse_host_port(const char *text, size_t len, char *host, size_t host_size,
                        unsigned *port, unsigned default_port, dj_error *err);

#endif
