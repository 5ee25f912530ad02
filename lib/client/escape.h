/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape.h - the literal escaping behind dj_escape_string, with the server's
 * quoting mode passed in instead of read from a connection.
 */
#ifndef DJ_ESCAPE_H
#define DJ_ESCAPE_H

#include <stddef.h>

/*
 * Escapes len bytes of in for use inside a '...' literal and NUL-terminates
 * the result; returns its length. out needs 2*len+1 bytes. no_backslash
 * non-zero means the server runs with NO_BACKSLASH_ESCAPES, where a
 * backslash is an ordinary character and only doubling protects a quote.
 */
size_t dj__escape_string_mode(char *out, const char *in, size_t len, int no_backslash);

#endif
