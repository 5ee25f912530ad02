/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sqlbuf.h - statements of any length built in a dj__builder (inserts and
 * fetches name many columns and carry many rows). Identifiers are always
 * backtick-quoted; the builder's oom flag is checked once at the end.
 */
#ifndef DJ_SQLBUF_H
#define DJ_SQLBUF_H

#include "wire/buf.h"

void dj__sqlbuf_text(dj__builder *b, const char *text);
/* `name`, backticks inside doubled. */
void dj__sqlbuf_ident(dj__builder *b, const char *name);
/* 'literal': the n bytes at text escaped for the connection's quoting mode. */
void dj__sqlbuf_literal(dj__builder *b, const dj_conn *conn, const char *text, size_t n);
/* `db`.`table` */
void dj__sqlbuf_table(dj__builder *b, const char *db, const char *table);
/* `a`,`b`,... */
void dj__sqlbuf_ident_list(dj__builder *b, const char *const *names, unsigned n);
/* DJ_ENOMEM when the builder ran out of memory. */
int dj__sqlbuf_check(const dj__builder *b, dj_error *err);

#endif
