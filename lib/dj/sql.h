/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sql.h - building statements with names and literals from user input.
 * Every identifier goes through dj_quote_identifier and every literal
 * through dj_escape_string, so no input can change a statement's shape.
 */
#ifndef DJ_SQL_H
#define DJ_SQL_H

#include "core/internal.h"

/* Enough for a statement around two names of DJ_NAME_MAX bytes, escaped. */
#define DJ__SQL_MAX (4 * DJ_NAME_MAX + 512)

typedef struct dj__sql {
    char text[DJ__SQL_MAX];
    size_t len;
    int overflow;
} dj__sql;

void dj__sql_init(dj__sql *s);
void dj__sql_add(dj__sql *s, const char *text);
/* `name` with backticks doubled. */
void dj__sql_ident(dj__sql *s, const char *name);
/* 'literal' escaped for the connection's quoting mode. */
void dj__sql_literal(dj__sql *s, const dj_conn *conn, const char *value);
/* DJ_EINVAL when the statement did not fit. */
int dj__sql_check(const dj__sql *s, dj_error *err);

#endif
