/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_split.c - finds whether `dj query` was given more than one statement,
 * reading SQL as the server's lexer does for what matters here: quoted
 * strings and identifiers (with doubled quotes and, in strings, backslash
 * escapes), and the three forms of comment.
 */
#include "cli.h"

#include <string.h>

/* The index after the quoted text that starts at sql[i]. */
static size_t skip_quoted(const char *sql, size_t len, size_t i)
{
    char q = sql[i++];
    while (i < len) {
        if (sql[i] == '\\' && q != '`') {
            i += 2;
        } else if (sql[i] == q && i + 1 < len && sql[i + 1] == q) {
            i += 2;
        } else if (sql[i] == q) {
            return i + 1;
        } else {
            i++;
        }
    }
    return len;
}

/* The index after the comment that starts at sql[i], or i when none does:
 * "# ..." and "-- ..." (a space or control character after the dashes) to
 * the end of the line, and slash-star to star-slash. */
static size_t skip_comment(const char *sql, size_t len, size_t i)
{
    int dashes = sql[i] == '-' && i + 1 < len && sql[i + 1] == '-' &&
                 (i + 2 == len || (unsigned char)sql[i + 2] <= ' ');
    if (sql[i] == '#' || dashes) {
        const char *nl = memchr(sql + i, '\n', len - i);
        return nl ? (size_t)(nl - sql) + 1 : len;
    }
    if (sql[i] == '/' && i + 1 < len && sql[i + 1] == '*') {
        for (size_t j = i + 2; j + 1 < len; j++)
            if (sql[j] == '*' && sql[j + 1] == '/')
                return j + 2;
        return len;
    }
    return i;
}

size_t dj__cli_second_statement(const char *sql, size_t len, size_t *first_end)
{
    int ended = 0; /* a ';' was seen: anything but space and comments starts another */
    size_t i = 0;
    *first_end = len;
    while (i < len) {
        char c = sql[i];
        size_t after = skip_comment(sql, len, i);
        if (after != i) {
            i = after;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
        } else if (c == ';') { /* empty statements (";;") are nothing more */
            if (!ended)
                *first_end = i;
            ended = 1;
            i++;
        } else if (ended) {
            return i;
        } else if (c == '\'' || c == '"' || c == '`') {
            i = skip_quoted(sql, len, i);
        } else {
            i++;
        }
    }
    return len;
}
