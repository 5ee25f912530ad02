/*
 * escape.c - making bytes safe inside SQL text: string literals ('...') and
 * quoted identifiers (`...`).
 *
 * Escaping works byte by byte. That is safe for the utf8mb4 connection this
 * library sets up: in UTF-8 every byte of a multibyte character is >= 0x80,
 * so none of them can be mistaken for a quote or a backslash, and such
 * characters pass through unchanged.
 */
#include "core/internal.h"
#include "client/escape.h"

/* The letter that follows the backslash for a byte the server's lexer needs
 * escaped inside a quoted literal, or 0 for a byte that stands as it is.
 * NUL, newlines and ^Z (end of file to some Windows tools) are escaped so
 * that the statement also survives logs and tools, as MySQL's own client
 * library does. */
static char backslash_escape(unsigned char c)
{
    switch (c) {
    case '\0': return '0';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\\': return '\\';
    case '\'': return '\'';
    case '"': return '"';
    case 0x1A: return 'Z';
    default: return 0;
    }
}

size_t dj__escape_string_mode(char *out, const char *in, size_t len, int no_backslash)
{
    if (!out)
        return 0;
    size_t n = 0;
    for (size_t i = 0; in && i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        /* Under NO_BACKSLASH_ESCAPES a backslash is literal, so the only
         * way to put a quote inside '...' is to double it. */
        char code = no_backslash ? (c == '\'' ? '\'' : 0) : backslash_escape(c);
        if (code) {
            out[n++] = no_backslash ? '\'' : '\\';
            out[n++] = code;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return n;
}

/* A NULL conn means backslash escapes, the server's default. Otherwise the
 * mode comes from the status flags of the server's last OK packet, which
 * carry NO_BACKSLASH_ESCAPES whenever the session's sql_mode has it. */
size_t dj_escape_string(const dj_conn *conn, char *out, const char *in, size_t len)
{
    int no_backslash = conn && (dj_server_status(conn) & DJ_STATUS_NO_BACKSLASH_ESCAPES);
    return dj__escape_string_mode(out, in, len, no_backslash);
}

/* Writes the identifier with its enclosing backticks: `name`, each backtick
 * inside doubled, so a name can never end the quoting early. Any other byte
 * is valid inside a quoted identifier as far as quoting is concerned; what
 * names the server accepts is for the server (and dj_schema_name_check). */
size_t dj_quote_identifier(char *out, const char *name, size_t len)
{
    if (!out)
        return 0;
    size_t n = 0;
    out[n++] = '`';
    for (size_t i = 0; name && i < len; i++) {
        if (name[i] == '`')
            out[n++] = '`';
        out[n++] = name[i];
    }
    out[n++] = '`';
    out[n] = '\0';
    return n;
}
