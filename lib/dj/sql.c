/* SPDX-License-Identifier: Apache-2.0 */
/* sql.c - statements assembled from quoted parts (see sql.h). */
#include "dj/sql.h"

void dj__sql_init(dj__sql *s)
{
    s->len = 0;
    s->overflow = 0;
    s->text[0] = '\0';
}

/* Room for n more bytes plus the NUL. */
static int room(dj__sql *s, size_t n)
{
    if (s->overflow || n >= sizeof s->text - s->len) {
        s->overflow = 1;
        return 0;
    }
    return 1;
}

void dj__sql_add(dj__sql *s, const char *text)
{
    size_t n = strlen(text);
    if (!room(s, n))
        return;
    memcpy(s->text + s->len, text, n + 1);
    s->len += n;
}

void dj__sql_ident(dj__sql *s, const char *name)
{
    size_t n = strlen(name);
    if (!room(s, 2 * n + 2))
        return;
    s->len += dj_quote_identifier(s->text + s->len, name, n);
}

void dj__sql_literal(dj__sql *s, const dj_conn *conn, const char *value)
{
    size_t n = strlen(value);
    if (!room(s, 2 * n + 2))
        return;
    s->text[s->len++] = '\'';
    s->len += dj_escape_string(conn, s->text + s->len, value, n);
    s->text[s->len++] = '\'';
    s->text[s->len] = '\0';
}

int dj__sql_check(const dj__sql *s, dj_error *err)
{
    return s->overflow ? dj__err(err, DJ_EINVAL, "statement too long for the names given") : 0;
}
