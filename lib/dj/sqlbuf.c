/* SPDX-License-Identifier: Apache-2.0 */
/* sqlbuf.c - statement text in a growable builder (see sqlbuf.h). */
#include "dj/sqlbuf.h"

void dj__sqlbuf_text(dj__builder *b, const char *text)
{
    dj__put_bytes(b, text, strlen(text));
}

void dj__sqlbuf_ident(dj__builder *b, const char *name)
{
    size_t n = strlen(name);
    if (dj__builder_reserve(b, 2 * n + 3))
        return;
    b->len += dj_quote_identifier((char *)b->data + b->len, name, n);
}

void dj__sqlbuf_literal(dj__builder *b, const dj_conn *conn, const char *text, size_t n)
{
    if (dj__builder_reserve(b, 2 * n + 3))
        return;
    b->data[b->len++] = '\'';
    b->len += dj_escape_string(conn, (char *)b->data + b->len, text, n);
    b->data[b->len++] = '\'';
}

void dj__sqlbuf_table(dj__builder *b, const char *db, const char *table)
{
    dj__sqlbuf_ident(b, db);
    dj__put_u8(b, '.');
    dj__sqlbuf_ident(b, table);
}

void dj__sqlbuf_ident_list(dj__builder *b, const char *const *names, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (i > 0)
            dj__put_u8(b, ',');
        dj__sqlbuf_ident(b, names[i]);
    }
}

int dj__sqlbuf_check(const dj__builder *b, dj_error *err)
{
    return b->oom ? dj__err(err, DJ_ENOMEM, "out of memory building a statement") : 0;
}
