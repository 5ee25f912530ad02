/* SPDX-License-Identifier: Apache-2.0 */
/* context.h - looking names up in a dj_context (lib/dj/context.c). */
#ifndef DJ_CONTEXT_H
#define DJ_CONTEXT_H

#include "core/internal.h"

typedef struct dj__context_entry {
    char *name;
    char *schema;
    char *table;   /* NULL: the entry names a schema */
} dj__context_entry;

/* The latest entry called name[0..len) naming a schema (want_schema) or a
 * table; NULL when there is none or ctx is NULL. */
const dj__context_entry *dj__context_find(const dj_context *ctx, const char *name, size_t len,
                                          int want_schema);

#endif
