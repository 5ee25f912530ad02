/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compress.h - the compressed protocol's framing (CLIENT_COMPRESS, zlib).
 * A frame is a 7-byte header (compressed length, sequence id, uncompressed
 * length; 0 = stored as-is) and a body that inflates into a slice of the
 * ordinary packet stream. Built without zlib, every call reports
 * DJ_EUNSUPPORTED.
 */
#ifndef DJ_WIRE_COMPRESS_H
#define DJ_WIRE_COMPRESS_H

#include "core/internal.h"
#include "wire/buf.h"

#define DJ__COMPRESS_HEADER 7
/* Payloads shorter than this are sent stored: deflating them gains nothing. */
#define DJ__COMPRESS_MIN 50

typedef struct dj__cframe {
    size_t body_len;        /* bytes after the header */
    uint8_t seq;
    size_t stream_len;      /* bytes the body yields (inflated, or as-is) */
    int stored;             /* body is not compressed */
} dj__cframe;

void dj__cframe_header_parse(const uint8_t h[DJ__COMPRESS_HEADER], dj__cframe *f);
/* Inflates body into out, which must hold exactly f->stream_len bytes. Any
 * other size or a zlib error is DJ_EPROTO. */
int dj__cframe_inflate(const dj__cframe *f, const uint8_t *body, uint8_t *out, dj_error *err);
/* Appends one frame carrying data (at most 0xFFFFFF bytes): compressed when
 * that makes it smaller and len >= DJ__COMPRESS_MIN, stored otherwise. */
int dj__cframe_build(dj__builder *b, const uint8_t *data, size_t len, uint8_t seq,
                     dj_error *err);

#endif
