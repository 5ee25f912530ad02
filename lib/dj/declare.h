/* SPDX-License-Identifier: Apache-2.0 */
/*
 * declare.h - a parsed definition compiled into DataJoint's CREATE TABLE
 * statement and the heading the table will have. Pure: parents come from a
 * callback, so unit tests compile without a server.
 */
#ifndef DJ_DECLARE_H
#define DJ_DECLARE_H

#include "dj/definition.h"
#include "dj/heading.h"

/* Finds the heading of the table "-> ref" names (line lineno). The heading
 * stays owned by the callback's side. */
typedef int (*dj__parent_fn)(void *ud, const char *ref, unsigned lineno,
                             const dj_heading **parent, dj_error *err);

/*
 * Compiles def for `schema`.`table`. On success *sql is a NUL-terminated
 * statement allocated with alloc (free with dj__free), and *heading (if not
 * NULL) the table's heading: types normalised as the server reports them
 * for the common cases (lower case, integer widths and auto_increment
 * dropped, bool -> tinyint).
 */
int dj__declare_compile(const dj__definition *def, const char *schema, const char *table,
                        dj__parent_fn resolve, void *ud, const dj_allocator *alloc, char **sql,
                        dj_heading **heading, dj_error *err);

#endif
