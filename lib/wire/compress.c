/* SPDX-License-Identifier: Apache-2.0 */
/* compress.c - compressed-protocol frames (see compress.h). */
#include "wire/compress.h"

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

void dj__cframe_header_parse(const uint8_t h[DJ__COMPRESS_HEADER], dj__cframe *f)
{
    f->body_len = dj__get_le24(h);
    f->seq = h[3];
    size_t ulen = dj__get_le24(h + 4);
    f->stored = ulen == 0;
    f->stream_len = f->stored ? f->body_len : ulen;
}

#ifdef HAVE_ZLIB

int dj__cframe_inflate(const dj__cframe *f, const uint8_t *body, uint8_t *out, dj_error *err)
{
    if (f->stored) {
        memcpy(out, body, f->body_len);
        return 0;
    }
    uLongf got = (uLongf)f->stream_len;
    int rc = uncompress(out, &got, body, (uLong)f->body_len);
    if (rc != Z_OK || got != f->stream_len)
        return dj__err(err, DJ_EPROTO,
                       "corrupt compressed frame: expected %zu bytes after inflating (zlib: %s)",
                       f->stream_len, rc == Z_OK ? "size mismatch" : zError(rc));
    return 0;
}

int dj__cframe_build(dj__builder *b, const uint8_t *data, size_t len, uint8_t seq, dj_error *err)
{
    size_t start = b->len;
    if (len >= DJ__COMPRESS_MIN) {
        uLong bound = compressBound((uLong)len);
        if (dj__builder_reserve(b, DJ__COMPRESS_HEADER + bound))
            return dj__err(err, DJ_ENOMEM, "out of memory compressing a %zu-byte frame", len);
        uLongf clen = bound;
        uint8_t *body = b->data + start + DJ__COMPRESS_HEADER;
        if (compress(body, &clen, data, (uLong)len) == Z_OK && clen < len) {
            dj__put_le24(b->data + start, (uint32_t)clen);
            b->data[start + 3] = seq;
            dj__put_le24(b->data + start + 4, (uint32_t)len);
            b->len = start + DJ__COMPRESS_HEADER + clen;
            return 0;
        }
    }
    dj__put_u24(b, (uint32_t)len);
    dj__put_u8(b, seq);
    dj__put_u24(b, 0);
    dj__put_bytes(b, data, len);
    return b->oom ? dj__err(err, DJ_ENOMEM, "out of memory framing %zu bytes", len) : 0;
}

#else

static int not_compiled(dj_error *err)
{
    return dj__err(err, DJ_EUNSUPPORTED,
                   "protocol compression is not compiled in (configure --with-zlib)");
}

int dj__cframe_inflate(const dj__cframe *f, const uint8_t *body, uint8_t *out, dj_error *err)
{
    (void)f, (void)body, (void)out;
    return not_compiled(err);
}

int dj__cframe_build(dj__builder *b, const uint8_t *data, size_t len, uint8_t seq, dj_error *err)
{
    (void)b, (void)data, (void)len, (void)seq;
    return not_compiled(err);
}

#endif
