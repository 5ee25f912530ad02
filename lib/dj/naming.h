/* SPDX-License-Identifier: Apache-2.0 */
/*
 * naming.h - name checks of lib/dj/naming.c for callers that hold a name
 * with an explicit length (values read off the wire, slices of a string),
 * where an embedded NUL byte is possible and must be refused.
 */
#ifndef DJ_NAMING_H
#define DJ_NAMING_H

#include <stddef.h>

#include "datajoint.h"

/* MySQL's limit for database and table names, counted in characters. */
#define DJ__NAME_MAX_CHARS 64

/*
 * Checks len bytes of name before they go to the server as a name: not
 * empty, no NUL byte, valid UTF-8, at most 64 characters (code points, not
 * bytes). With strict non-zero the name must also match DataJoint MATLAB's
 * ^[a-z][a-z0-9_-]*$. what ("schema", "table") starts the error messages.
 * Returns 0 or DJ_ENAME.
 */
int dj__name_check_len(const char *name, size_t len, const char *what, int strict,
                       dj_error *err);

#endif
