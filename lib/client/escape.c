/* SPDX-License-Identifier: Apache-2.0 */
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

/* For every byte, what follows the escape character when the byte must be
 * escaped inside a quoted literal, or 0 when it stands as it is.
 *
 * With backslash escapes (the server default) the escape character is a
 * backslash. NUL, newlines and ^Z (end of file to some Windows tools) are
 * escaped too, so that the statement also survives logs and tools, as
 * MySQL's own client library does. */
static const char backslash_codes[256] = {
    ['\0'] = '0', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\',
    ['\''] = '\'', ['"'] = '"', [0x1A] = 'Z',
};
/* Under NO_BACKSLASH_ESCAPES a backslash is literal, so the only way to put
 * a quote inside '...' is to double it: the escape character is the quote. */
static const char quote_codes[256] = {['\''] = '\''};

/* Escaping runs over every byte of every blob sent as text, so it looks bytes
 * up in a table instead of testing them case by case, and copies eight at a
 * time while none of them needs escaping. */
size_t dj__escape_string_mode(char *out, const char *in, size_t len, int no_backslash)
{
    if (!out)
        return 0;
    const char *codes = no_backslash ? quote_codes : backslash_codes;
    char esc = no_backslash ? '\'' : '\\';
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0, i = 0;
    while (in && i < len) {
        while (len - i >= 8 && !(codes[s[i]] | codes[s[i + 1]] | codes[s[i + 2]] |
                                 codes[s[i + 3]] | codes[s[i + 4]] | codes[s[i + 5]] |
                                 codes[s[i + 6]] | codes[s[i + 7]])) {
            memcpy(out + n, s + i, 8);
            i += 8;
            n += 8;
        }
        while (i < len && !codes[s[i]])
            out[n++] = (char)s[i++];
        if (i == len)
            break;
        out[n++] = esc;
        out[n++] = codes[s[i++]];
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
