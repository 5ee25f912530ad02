/* response.c - OK, ERR, EOF, column definitions and text rows. */
#include "wire/protocol.h"

int dj__ok_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    dj__rd_u8(&r);
    ok->affected_rows = dj__rd_lenenc(&r, NULL);
    ok->last_insert_id = dj__rd_lenenc(&r, NULL);
    ok->status = dj__rd_u16(&r);
    ok->warnings = dj__rd_u16(&r);
    /* Info and session-state data may follow; nothing here needs them. */
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed OK packet (%zu bytes)", len);
    return 0;
}

int dj__eof_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    dj__rd_u8(&r);
    memset(ok, 0, sizeof *ok);
    ok->warnings = dj__rd_u16(&r);
    ok->status = dj__rd_u16(&r);
    if (r.bad)
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

int dj__coldef_parse(const uint8_t *p, size_t len, dj__coldef *c, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    size_t catalog_len;
    dj__rd_lenenc_str(&r, &catalog_len, NULL);
    c->schema = dj__rd_lenenc_str(&r, &c->schema_len, NULL);
    c->table = dj__rd_lenenc_str(&r, &c->table_len, NULL);
    c->org_table = dj__rd_lenenc_str(&r, &c->org_table_len, NULL);
    c->name = dj__rd_lenenc_str(&r, &c->name_len, NULL);
    c->org_name = dj__rd_lenenc_str(&r, &c->org_name_len, NULL);
    uint64_t fixed = dj__rd_lenenc(&r, NULL);
    /* The fixed-length block (12 bytes: the fields below and 2 filler bytes)
     * must be there whole; a definition cut inside it is not repaired. */
    if (!r.bad && (fixed < 10 || fixed > dj__reader_left(&r)))
        r.bad = 1;
    c->charset = dj__rd_u16(&r);
    c->length = dj__rd_u32(&r);
    c->type = dj__rd_u8(&r);
    c->flags = dj__rd_u16(&r);
    c->decimals = dj__rd_u8(&r);
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed column definition (%zu bytes)", len);
    return 0;
}

int dj__text_row_parse(const uint8_t *p, size_t len, unsigned ncols, dj_value *values,
                       dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    for (unsigned i = 0; i < ncols; i++) {
        int is_null;
        size_t vlen;
        const uint8_t *v = dj__rd_lenenc_str(&r, &vlen, &is_null);
        if (r.bad)
            return dj__err(err, DJ_EPROTO, "malformed row: value %u of %u is cut short",
                           i + 1, ncols);
        /* An empty value has no bytes but must stay distinct from NULL. */
        values[i].ptr = is_null ? NULL : (v ? (const char *)v : "");
        values[i].len = vlen;
    }
    if (dj__reader_left(&r) != 0)
        return dj__err(err, DJ_EPROTO, "malformed row: more values than the %u columns", ncols);
    return 0;
}
