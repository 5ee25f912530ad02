/* SPDX-License-Identifier: Apache-2.0 */
/*
 * packet.h - MySQL packet framing, with no I/O.
 *
 * A logical packet is a payload of any size, sent as fragments of
 * 0xFFFFFF bytes plus a last, shorter fragment (empty when the payload is an
 * exact multiple). Each fragment has a 4-byte header: 3-byte length and a
 * sequence id that counts up across fragments and across the packets of one
 * command.
 */
#ifndef DJ_WIRE_PACKET_H
#define DJ_WIRE_PACKET_H

#include "core/internal.h"

#define DJ__PACKET_HEADER 4
#define DJ__PACKET_MAX_FRAGMENT 0xFFFFFFu
/* The smallest max_allowed_packet a server may have (its own lower bound). */
#define DJ__MIN_MAX_PACKET 1024u

/* Where a complete logical packet sits after dj__packet_extract. */
typedef struct dj__packet {
    uint8_t *payload;     /* contiguous payload inside the caller's buffer */
    size_t len;
    size_t consumed;      /* bytes of the buffer the packet used (headers included) */
    uint8_t seq;          /* sequence id of the last fragment */
} dj__packet;

enum dj__extract_result {
    DJ__PACKET_NEED_MORE = 0,
    DJ__PACKET_READY = 1
};

/*
 * Looks for one complete logical packet at the start of buf. When all its
 * fragments are present it joins their payloads in place (so the payload is
 * contiguous and starts 4 bytes into buf) and returns DJ__PACKET_READY; until
 * then it leaves buf untouched, returns DJ__PACKET_NEED_MORE and sets *need to
 * the buffer length required for the next step.
 *
 * *seq is the sequence id expected for the first fragment; on success it is
 * advanced past the last one. A wrong id is DJ_EPROTO, except for an ERR
 * packet sent with id 0 (servers do that when they fail before reading the
 * whole command). A payload larger than max_payload is DJ_ETOOBIG as soon as
 * the headers show it, before its bytes are buffered.
 */
int dj__packet_extract(uint8_t *buf, size_t len, uint8_t *seq, size_t max_payload,
                       dj__packet *out, size_t *need, dj_error *err);

/*
 * The common case of dj__packet_extract, inline for the receive loop: when
 * buf starts with one whole fragment that is a complete payload (not empty,
 * shorter than a full fragment, within max_payload) with the expected id,
 * fills *out, advances *seq and returns 1. Otherwise returns 0 and changes
 * nothing; dj__packet_extract then handles (or refuses) the packet.
 */
static inline int dj__packet_take_simple(uint8_t *buf, size_t len, uint8_t *seq,
                                         size_t max_payload, dj__packet *out)
{
    if (len < DJ__PACKET_HEADER || buf[3] != *seq)
        return 0;
    size_t flen = (size_t)buf[0] | ((size_t)buf[1] << 8) | ((size_t)buf[2] << 16);
    if (flen == 0 || flen >= DJ__PACKET_MAX_FRAGMENT || flen > max_payload ||
        flen > len - DJ__PACKET_HEADER)
        return 0;
    out->payload = buf + DJ__PACKET_HEADER;
    out->len = flen;
    out->consumed = DJ__PACKET_HEADER + flen;
    out->seq = *seq;
    *seq = (uint8_t)(*seq + 1);
    return 1;
}

/* Writes a fragment header. */
void dj__packet_header(uint8_t hdr[DJ__PACKET_HEADER], size_t len, uint8_t seq);

#endif
