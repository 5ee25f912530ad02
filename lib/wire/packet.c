/* SPDX-License-Identifier: Apache-2.0 */
/* packet.c - fragment scanning and in-place reassembly (see packet.h). */
#include "wire/packet.h"

#include "wire/buf.h"

void dj__packet_header(uint8_t hdr[DJ__PACKET_HEADER], size_t len, uint8_t seq)
{
    dj__put_le24(hdr, (uint32_t)len);
    hdr[3] = seq;
}

int dj__packet_extract(uint8_t *buf, size_t len, uint8_t *seq, size_t max_payload,
                       dj__packet *out, size_t *need, dj_error *err)
{
    if (dj__packet_take_simple(buf, len, seq, max_payload, out))
        return DJ__PACKET_READY;
    /* First pass: walk the headers without touching anything, so an incomplete
     * packet can be retried after more bytes arrive. */
    size_t pos = 0, total = 0, fragments = 0;
    uint8_t expect = *seq;
    for (;;) {
        if (len - pos < DJ__PACKET_HEADER) {
            *need = pos + DJ__PACKET_HEADER;
            return DJ__PACKET_NEED_MORE;
        }
        size_t flen = dj__get_le24(buf + pos);
        uint8_t fseq = buf[pos + 3];
        if (fseq != expect) {
            /* An ERR with id 0 instead of the expected id is accepted; its first
             * payload byte tells, so an incomplete buffer waits for that byte. */
            int maybe_err = fragments == 0 && fseq == 0 && flen > 0;
            if (maybe_err && len - pos == DJ__PACKET_HEADER) {
                *need = pos + DJ__PACKET_HEADER + 1;
                return DJ__PACKET_NEED_MORE;
            }
            if (!maybe_err || buf[pos + DJ__PACKET_HEADER] != 0xFF)
                return dj__err(err, DJ_EPROTO,
                               "packet out of order: expected sequence id %u, got %u",
                               (unsigned)expect, (unsigned)fseq);
            expect = fseq;
        }
        /* Nothing a server sends has an empty payload; an empty fragment only
         * ends a payload that filled the previous ones. */
        if (flen == 0 && fragments == 0)
            return dj__err(err, DJ_EPROTO, "empty packet with sequence id %u", (unsigned)fseq);
        if (flen > max_payload - DJ__MIN(total, max_payload))
            return dj__err(err, DJ_ETOOBIG,
                           "server sent a packet larger than the %zu-byte limit "
                           "(raise max_packet to accept it)", max_payload);
        total += flen;
        fragments++;
        expect++;
        if (len - pos - DJ__PACKET_HEADER < flen) {
            *need = pos + DJ__PACKET_HEADER + flen;
            return DJ__PACKET_NEED_MORE;
        }
        pos += DJ__PACKET_HEADER + flen;
        if (flen < DJ__PACKET_MAX_FRAGMENT)
            break;
    }

    /* Second pass: slide later fragments back over their headers. */
    size_t src = DJ__PACKET_HEADER + DJ__PACKET_MAX_FRAGMENT, dst = src;
    for (size_t i = 1; i < fragments; i++) {
        size_t flen = dj__get_le24(buf + src);
        memmove(buf + dst, buf + src + DJ__PACKET_HEADER, flen);
        src += DJ__PACKET_HEADER + flen;
        dst += flen;
    }
    out->payload = buf + DJ__PACKET_HEADER;
    out->len = total;
    out->consumed = pos;
    out->seq = (uint8_t)(expect - 1);
    *seq = expect;
    return DJ__PACKET_READY;
}
