/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - recursive-descent JSON reader that reports values by key path.
 *
 * Positions: the parser counts lines as it skips whitespace (the only place a
 * line break may appear, since strings reject raw control characters), so an
 * error or a value's start is always on the current line and its column is
 * its offset from the line start.
 *
 * Memory: one block of 2 * (len + 1) bytes, split into the key path and a
 * scratch area for the current string or number. A decoded string is never
 * longer than its source text, and each key in the path costs at least its
 * two quotes in the source but only one '.' in the path, so neither can
 * outgrow len; the writes are bounds-checked all the same.
 */
#include "dj/json.h"


typedef struct parser {
    const unsigned char *s;
    size_t len;
    size_t pos;
    unsigned line;
    size_t line_start;
    char *path;
    size_t path_len;
    size_t path_cap;
    char *scratch;
    size_t scratch_cap;
    dj__json_visit_fn visit;
    void *ud;
    dj__json_error *where;
} parser;

static int fail_at(parser *p, size_t at, const char *fmt, ...) DJ__PRINTF(3, 4);

static int fail_at(parser *p, size_t at, const char *fmt, ...)
{
    if (p->where) {
        p->where->line = p->line;
        p->where->column = (unsigned)(at - p->line_start + 1);
        va_list ap;
        va_start(ap, fmt);
        dj__vfmt(p->where->what, sizeof p->where->what, fmt, ap);
        va_end(ap);
    }
    return DJ_ECONFIG;
}

/* Names what sits at `at` for a message: "end of input", "character 'x'", ... */
static const char *describe(const parser *p, size_t at, char *buf, size_t size)
{
    if (at >= p->len)
        return "end of input";
    unsigned char c = p->s[at];
    if (c == 0)
        return "NUL byte";
    if (c >= 0x20 && c < 0x7f)
        dj__fmt(buf, size, "character '%c'", c);
    else
        dj__fmt(buf, size, "byte 0x%02X", c);
    return buf;
}

static int fail_expected(parser *p, const char *expected)
{
    char buf[32];
    const char *found = describe(p, p->pos, buf, sizeof buf);
    /* Comments are the most common non-JSON habit in hand-written configs. */
    const char *hint = p->pos < p->len && p->s[p->pos] == '/'
                           ? " (comments are not allowed in JSON)"
                           : "";
    return fail_at(p, p->pos, "expected %s, found %s%s", expected, found, hint);
}

static void skip_whitespace(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

static int peek(const parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : -1;
}

static int report(parser *p, dj__json_kind kind, const char *text, size_t len, size_t start)
{
    if (!p->visit)
        return 0;
    dj__json_value v;
    v.kind = kind;
    v.path = p->path;
    v.text = text;
    v.len = len;
    v.line = p->line;
    v.column = (unsigned)(start - p->line_start + 1);
    return p->visit(&v, p->ud);
}

/* ---- strings ---- */

static size_t utf8_encode(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The 4 hex digits at `at` as a number, or -1. */
static long hex4(const parser *p, size_t at)
{
    if (at > p->len || p->len - at < 4)
        return -1;
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = p->s[at + i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the \u escape whose backslash is at p->pos (a surrogate pair takes
 * two) into *cp and moves past it. */
static int decode_unicode_escape(parser *p, uint32_t *cp)
{
    size_t at = p->pos;
    long unit = hex4(p, at + 2);
    if (unit < 0)
        return fail_at(p, at, "invalid \\u escape: expected 4 hex digits");
    if (unit == 0)
        return fail_at(p, at, "\\u0000 (NUL) is not allowed in strings");
    if (unit >= 0xDC00 && unit <= 0xDFFF)
        return fail_at(p, at, "unpaired surrogate \\u%04lX", unit);
    if (unit < 0xD800 || unit > 0xDBFF) {
        *cp = (uint32_t)unit;
        p->pos = at + 6;
        return 0;
    }
    long low = -1;
    if (p->len - at >= 12 && p->s[at + 6] == '\\' && p->s[at + 7] == 'u')
        low = hex4(p, at + 8);
    if (low < 0xDC00 || low > 0xDFFF)
        return fail_at(p, at, "unpaired surrogate \\u%04lX", unit);
    *cp = 0x10000u + (((uint32_t)unit - 0xD800u) << 10) + ((uint32_t)low - 0xDC00u);
    p->pos = at + 12;
    return 0;
}

/* The one-character escapes; 0 for anything else (\u is handled apart). */
static char simple_escape(unsigned char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* Reads the string whose opening quote is at p->pos into dst (cap bytes,
 * NUL-terminated) and leaves p->pos after the closing quote. */
static int read_string(parser *p, char *dst, size_t cap, size_t *out_len)
{
    size_t open = p->pos, n = 0;
    p->pos++;
    for (;;) {
        if (p->pos >= p->len)
            return fail_at(p, open, "unterminated string");
        unsigned char c = p->s[p->pos];
        unsigned char bytes[4];
        size_t k;
        if (c == '"') {
            p->pos++;
            break;
        } else if (c == '\n' || c == '\r') {
            return fail_at(p, open, "unterminated string (a string cannot span lines)");
        } else if (c == 0) {
            return fail_at(p, p->pos, "NUL byte in string");
        } else if (c < 0x20) {
            return fail_at(p, p->pos,
                           "control character U+%04X in string (write it as an escape)", c);
        } else if (c == '\\') {
            if (p->pos + 1 >= p->len)
                return fail_at(p, open, "unterminated string");
            unsigned char e = p->s[p->pos + 1];
            if (e == 'u') {
                uint32_t cp = 0;
                int rc = decode_unicode_escape(p, &cp);
                if (rc)
                    return rc;
                k = utf8_encode(cp, bytes);
            } else if (simple_escape(e)) {
                bytes[0] = (unsigned char)simple_escape(e);
                k = 1;
                p->pos += 2;
            } else {
                char buf[32];
                return fail_at(p, p->pos, "invalid escape in string: '\\' followed by %s",
                               describe(p, p->pos + 1, buf, sizeof buf));
            }
        } else if (c < 0x80) {
            bytes[0] = c;
            k = 1;
            p->pos++;
        } else {
            k = dj__utf8_len(p->s + p->pos, p->len - p->pos);
            if (k == 0)
                return fail_at(p, p->pos, "invalid UTF-8 in string");
            memcpy(bytes, p->s + p->pos, k);
            p->pos += k;
        }
        if (cap - n <= k)
            return fail_at(p, open, "string does not fit the parser's buffer");
        memcpy(dst + n, bytes, k);
        n += k;
    }
    dst[n] = '\0';
    *out_len = n;
    return 0;
}

/* ---- numbers and literals ---- */

static void skip_digits(parser *p)
{
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++;
}

static int is_digit_at(const parser *p)
{
    return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

/* Checks the number at p->pos and copies its literal into the scratch area. */
static int read_number(parser *p, size_t *out_len)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
        if (is_digit_at(p))
            return fail_at(p, p->pos, "invalid number: leading zeros are not allowed");
    } else if (is_digit_at(p)) {
        skip_digits(p);
    } else {
        return fail_expected(p, "a digit");
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!is_digit_at(p))
            return fail_expected(p, "a digit after '.'");
        skip_digits(p);
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!is_digit_at(p))
            return fail_expected(p, "a digit in the exponent");
        skip_digits(p);
    }
    size_t n = p->pos - start;
    if (n >= p->scratch_cap)
        return fail_at(p, start, "number does not fit the parser's buffer");
    memcpy(p->scratch, p->s + start, n);
    p->scratch[n] = '\0';
    *out_len = n;
    return 0;
}

static int read_literal(parser *p, dj__json_kind *kind)
{
    static const char literals[] = "true\0false\0null";
    static const uint8_t kinds[] = {DJ__JSON_TRUE, DJ__JSON_FALSE, DJ__JSON_NULL};
    const char *w = literals;
    for (size_t i = 0; i < DJ__ARRAY_LEN(kinds); i++, w += strlen(w) + 1) {
        size_t n = strlen(w);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, w, n) == 0) {
            p->pos += n;
            *kind = (dj__json_kind)kinds[i];
            return 0;
        }
    }
    return fail_at(p, p->pos, "invalid literal (expected true, false or null)");
}

/* ---- containers ---- */

static int parse_value(parser *p, int depth, int reporting);

static int parse_member_key(parser *p, int reporting)
{
    size_t n;
    if (!reporting)
        return read_string(p, p->scratch, p->scratch_cap, &n);
    if (p->path_len > 0) {
        if (p->path_cap - p->path_len < 2)
            return fail_at(p, p->pos, "key path does not fit the parser's buffer");
        p->path[p->path_len++] = '.';
    }
    int rc = read_string(p, p->path + p->path_len, p->path_cap - p->path_len, &n);
    if (rc == 0)
        p->path_len += n;
    return rc;
}

static int parse_object(parser *p, int depth, int reporting)
{
    size_t parent_len = p->path_len;
    int after_comma = 0;
    p->pos++;
    skip_whitespace(p);
    if (peek(p) == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (peek(p) != '"') {
            if (after_comma && peek(p) == '}')
                return fail_at(p, p->pos, "trailing comma before '}'");
            return fail_expected(p, after_comma ? "a string key" : "a string key or '}'");
        }
        int rc = parse_member_key(p, reporting);
        if (rc)
            return rc;
        skip_whitespace(p);
        if (peek(p) != ':')
            return fail_expected(p, "':' after the key");
        p->pos++;
        skip_whitespace(p);
        rc = parse_value(p, depth, reporting);
        p->path_len = parent_len;
        p->path[parent_len] = '\0';
        if (rc)
            return rc;
        skip_whitespace(p);
        if (peek(p) == '}') {
            p->pos++;
            return 0;
        }
        if (peek(p) != ',')
            return fail_expected(p, "',' or '}'");
        p->pos++;
        skip_whitespace(p);
        after_comma = 1;
    }
}

static int parse_array(parser *p, int depth)
{
    int after_comma = 0;
    p->pos++;
    skip_whitespace(p);
    if (peek(p) == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (after_comma && peek(p) == ']')
            return fail_at(p, p->pos, "trailing comma before ']'");
        int rc = parse_value(p, depth, 0);
        if (rc)
            return rc;
        skip_whitespace(p);
        if (peek(p) == ']') {
            p->pos++;
            return 0;
        }
        if (peek(p) != ',')
            return fail_expected(p, "',' or ']'");
        p->pos++;
        skip_whitespace(p);
        after_comma = 1;
    }
}

/* depth: how many containers enclose this value. */
static int parse_value(parser *p, int depth, int reporting)
{
    size_t start = p->pos, n = 0;
    int c = peek(p);
    dj__json_kind kind = DJ__JSON_NULL;
    int rc;
    if (c == '{' || c == '[') {
        if (depth >= DJ__JSON_MAX_DEPTH)
            return fail_at(p, start, "nesting deeper than %d levels", DJ__JSON_MAX_DEPTH);
        kind = c == '{' ? DJ__JSON_OBJECT : DJ__JSON_ARRAY;
        rc = reporting ? report(p, kind, "", 0, start) : 0;
        if (rc)
            return rc;
        return c == '{' ? parse_object(p, depth + 1, reporting) : parse_array(p, depth + 1);
    }
    if (c == '"') {
        kind = DJ__JSON_STRING;
        rc = read_string(p, p->scratch, p->scratch_cap, &n);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        kind = DJ__JSON_NUMBER;
        rc = read_number(p, &n);
    } else if (c == 't' || c == 'f' || c == 'n') {
        rc = read_literal(p, &kind);
        p->scratch[0] = '\0';
    } else {
        return fail_expected(p, "a value");
    }
    if (rc || !reporting)
        return rc;
    return report(p, kind, p->scratch, n, start);
}

int dj__json_parse(const char *text, size_t len, const dj_allocator *alloc,
                   dj__json_visit_fn visit, void *ud, dj__json_error *where)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.s = (const unsigned char *)text;
    p.len = len;
    p.line = 1;
    p.visit = visit;
    p.ud = ud;
    p.where = where;
    if (len > DJ__JSON_MAX_SIZE)
        return fail_at(&p, 0, "input is larger than %zu bytes", DJ__JSON_MAX_SIZE);
    if (len == 0)
        return fail_at(&p, 0, "empty input (expected a JSON object)");
    skip_whitespace(&p);
    if (peek(&p) == '[')
        return fail_at(&p, p.pos, "the top-level value must be an object, not an array");
    if (peek(&p) != '{')
        return fail_expected(&p, "'{' (the top-level value must be an object)");

    char *block = dj__malloc(alloc, 2 * (len + 1));
    if (!block)
        return DJ_ENOMEM;
    p.path = block;
    p.path_cap = len + 1;
    p.path[0] = '\0';
    p.scratch = block + len + 1;
    p.scratch_cap = len + 1;

    int rc = parse_object(&p, 1, 1);
    if (rc == 0) {
        skip_whitespace(&p);
        if (p.pos < p.len) {
            char buf[32];
            rc = fail_at(&p, p.pos, "unexpected %s after the top-level object",
                         describe(&p, p.pos, buf, sizeof buf));
        }
    }
    /* Config files carry passwords, and the scratch area held them decoded. */
    dj__wipe(block, 2 * (len + 1));
    dj__free(alloc, block);
    return rc;
}
