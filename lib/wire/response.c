/* SPDX-License-Identifier: Apache-2.0 */
/* response.c - OK, ERR, EOF, column definitions and text rows. */
#include "wire/protocol.h"

/* One length-encoded string of a session-state entry must fill its data
 * exactly (schema, state change, transaction state and characteristics), or
 * two of them (a system variable's name and value). */
static int state_strings_ok(const uint8_t *p, size_t len, unsigned count)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    size_t n;
    for (unsigned i = 0; i < count; i++)
        dj__rd_lenenc_str(&r, &n, NULL);
    return !r.bad && dj__reader_left(&r) == 0;
}

/* The session-state block: entries of a type byte and length-encoded data,
 * filling the block exactly; the kinds this protocol defines are checked
 * inside too, later kinds are skipped as the protocol asks. */
static int session_state_ok(const uint8_t *p, size_t len)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    while (!r.bad && dj__reader_left(&r) > 0) {
        uint8_t type = dj__rd_u8(&r);
        size_t n;
        const uint8_t *d = dj__rd_lenenc_str(&r, &n, NULL);
        if (r.bad)
            return 0;
        int ok = 1;
        if (type == DJ__TRACK_SYSTEM_VARIABLES)
            ok = state_strings_ok(d, n, 2);
        else if (type == DJ__TRACK_GTIDS) /* an encoding byte, then the GTIDs */
            ok = n >= 1 && state_strings_ok(d + 1, n - 1, 1);
        else if (type <= DJ__TRACK_TRANSACTION_STATE)
            ok = state_strings_ok(d, n, 1);
        if (!ok)
            return 0;
    }
    return !r.bad;
}

int dj__ok_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    dj__rd_u8(&r);
    ok->affected_rows = dj__rd_lenenc(&r, NULL);
    ok->last_insert_id = dj__rd_lenenc(&r, NULL);
    ok->status = dj__rd_u16(&r);
    ok->warnings = dj__rd_u16(&r);
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed OK packet (%zu bytes)", len);
    /* Then, when present, the info text and (when the status says the
     * session state changed) the state block, both length-encoded; whatever
     * is there must fit the packet and fill it: a length running past the
     * end means the packet was cut or forged, and is never taken as is. */
    if (dj__reader_left(&r) == 0)
        return 0;
    size_t n;
    dj__rd_lenenc_str(&r, &n, NULL);
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed OK packet: its info runs past its end "
                                       "(%zu bytes)", len);
    if (dj__reader_left(&r) == 0)
        return 0;
    if (!(ok->status & DJ_STATUS_SESSION_STATE_CHANGED))
        return dj__err(err, DJ_EPROTO, "malformed OK packet: %zu bytes after its info",
                       dj__reader_left(&r));
    const uint8_t *state = dj__rd_lenenc_str(&r, &n, NULL);
    if (r.bad || dj__reader_left(&r) != 0 || !session_state_ok(state, n))
        return dj__err(err, DJ_EPROTO, "malformed OK packet: bad session-state data "
                                       "(%zu bytes)", len);
    return 0;
}

int dj__eof_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    uint8_t header = dj__rd_u8(&r);
    memset(ok, 0, sizeof *ok);
    ok->warnings = dj__rd_u16(&r);
    ok->status = dj__rd_u16(&r);
    /* Exactly five bytes: anything else is not an EOF packet. */
    if (r.bad || header != DJ__PKT_EOF || dj__reader_left(&r) != 0)
        return dj__err(err, DJ_EPROTO, "malformed EOF packet (%zu bytes)", len);
    return 0;
}

int dj__err_packet_parse(const uint8_t *p, size_t len, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    dj__rd_u8(&r);
    unsigned code = dj__rd_u16(&r);
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed ERR packet (%zu bytes)", len);
    const char *state = NULL;
    if (dj__reader_left(&r) >= 6 && r.p[r.pos] == '#') {
        dj__rd_u8(&r);
        state = (const char *)dj__rd_bytes(&r, 5);
    }
    size_t mlen;
    const uint8_t *msg = dj__rd_rest(&r, &mlen);
    return dj__err_server(err, code, state, (const char *)msg, mlen);
}

int dj__is_terminator(const uint8_t *p, size_t len, int deprecate_eof)
{
    if (len == 0 || p[0] != DJ__PKT_EOF)
        return 0;
    /* A row starting with 0xFE carries a value of at least 2^24 bytes, so any
     * shorter 0xFE packet is the end of the rows. */
    return deprecate_eof ? len < 0xFFFFFFu : len < 9;
}

/* A value whose length prefix is not a single byte (first >= 0xFB): NULL,
 * or a 2-, 3- or 8-byte length. Returns the position after the value, or
 * NULL when the row is cut short or the prefix is invalid. */
DJ__NOINLINE static const uint8_t *row_long_value(const uint8_t *p, const uint8_t *end,
                                                  unsigned first, dj_value *v)
{
    if (first == 0xFB) {
        v->ptr = NULL;
        v->len = 0;
        return p;
    }
    if (first == 0xFF)
        return NULL;
    unsigned n = first == 0xFC ? 2 : first == 0xFD ? 3 : 8;
    if ((size_t)(end - p) < n)
        return NULL;
    uint64_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len |= (uint64_t)p[i] << (8 * i);
    p += n;
    if (len > (size_t)(end - p))
        return NULL;
    v->ptr = (const char *)p;
    v->len = (size_t)len;
    return p + len;
}

/* Takes the length-encoded string at *p (NULL is not allowed here); 0 when it
 * is invalid or runs past end. */
static inline int lenenc_str_at(const uint8_t **p, const uint8_t *end, const uint8_t **s,
                                size_t *n)
{
    if (*p == end)
        return 0;
    unsigned first = *(*p)++;
    if (first < 0xFB) {
        if (first > (size_t)(end - *p))
            return 0;
        *s = *p;
        *n = first;
        *p += first;
        return 1;
    }
    dj_value v;
    const uint8_t *next = first == 0xFB ? NULL : row_long_value(*p, end, first, &v);
    if (!next)
        return 0;
    *s = (const uint8_t *)v.ptr;
    *n = v.len;
    *p = next;
    return 1;
}

/* Decoded for every column of every result set, so the six strings are taken
 * with a plain pointer; the fixed-length tail goes through the reader. */
int dj__coldef_parse(const uint8_t *p, size_t len, dj__coldef *c, dj_error *err)
{
    const uint8_t *end = p + len, *catalog;
    size_t catalog_len;
    if (!lenenc_str_at(&p, end, &catalog, &catalog_len) ||
        !lenenc_str_at(&p, end, &c->schema, &c->schema_len) ||
        !lenenc_str_at(&p, end, &c->table, &c->table_len) ||
        !lenenc_str_at(&p, end, &c->org_table, &c->org_table_len) ||
        !lenenc_str_at(&p, end, &c->name, &c->name_len) ||
        !lenenc_str_at(&p, end, &c->org_name, &c->org_name_len))
        goto malformed;
    /* The length of the fixed fields (at least the 10 bytes read here), then
     * charset (2), column length (4), type, flags (2), decimals. The block
     * (with its 2 filler bytes) must be there whole: a definition cut inside
     * it is not repaired. */
    dj__reader r;
    dj__reader_init(&r, p, (size_t)(end - p));
    uint64_t fixed = dj__rd_lenenc(&r, NULL);
    if (r.bad || fixed < 10 || fixed > dj__reader_left(&r))
        goto malformed;
    const uint8_t *f = r.p + r.pos;
    c->charset = (uint16_t)(f[0] | (f[1] << 8));
    c->length = (uint32_t)f[2] | ((uint32_t)f[3] << 8) | ((uint32_t)f[4] << 16) |
                ((uint32_t)f[5] << 24);
    c->type = f[6];
    c->flags = (uint16_t)(f[7] | (f[8] << 8));
    c->decimals = f[9];
    return 0;
malformed:
    return dj__err(err, DJ_EPROTO, "malformed column definition (%zu bytes)", len);
}

/* The hottest loop of a streamed result, so it walks the row with a plain
 * pointer instead of the generic reader: every value is one length prefix
 * (1 byte below 0xFB, else see row_long_value) and its bytes, each checked
 * against the end of the packet. */
int dj__text_row_parse(const uint8_t *p, size_t len, unsigned ncols, dj_value *values,
                       dj_error *err)
{
    const uint8_t *end = p + len;
    unsigned i;
    for (i = 0; i < ncols; i++) {
        if (p == end)
            goto short_row;
        unsigned first = *p++;
        if (first < 0xFB && first <= (size_t)(end - p)) {
            /* An empty value points at its (empty) place, distinct from NULL. */
            values[i].ptr = (const char *)p;
            values[i].len = first;
            p += first;
            continue;
        }
        p = first < 0xFB ? NULL : row_long_value(p, end, first, &values[i]);
        if (!p)
            goto short_row;
    }
    if (p != end)
        return dj__err(err, DJ_EPROTO, "malformed row: more values than the %u columns", ncols);
    return 0;
short_row:
    return dj__err(err, DJ_EPROTO, "malformed row: value %u of %u is cut short", i + 1, ncols);
}
