/* SPDX-License-Identifier: Apache-2.0 */
/* lists.h - growing the caller-owned lists that listing calls return. */
#ifndef DJ_LISTS_H
#define DJ_LISTS_H

#include "core/internal.h"

/* Appends a copy of s (n bytes); 0 or DJ_ENOMEM. */
int dj__strlist_add(dj_strlist *list, const char *s, size_t n, dj_error *err);
/* Appends an entry for a table name, deriving its tier and class name. */
int dj__table_list_add(dj_table_list *list, const char *name, size_t n, dj_error *err);

#endif
