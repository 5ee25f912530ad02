/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_packet.c - packet framing and reassembly (dj__packet_extract) fed
 * the way a socket delivers bytes: in chunks of arbitrary sizes.
 *
 * Input: byte 0 picks the payload cap, byte 1 seeds the chunk sizes, the rest
 * is the server's byte stream. The stream is appended chunk by chunk to a
 * buffer that is reallocated to its exact length each time, and packets are
 * extracted as the client does.
 */
#include <string.h>

#include "fuzz.h"
#include "wire/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const size_t caps[] = {16, 255, 0xFFFFFF, 0x1000000, 64u * 1024 * 1024};
    size_t max_payload = caps[data[0] % (sizeof caps / sizeof caps[0])];
    uint32_t chunk_seed = data[1] | 1u;
    const uint8_t *stream = data + 2;
    size_t left = size - 2, have = 0;
    uint8_t *buf = NULL, seq = 0;
    dj_error err;

    while (left > 0) {
        chunk_seed = chunk_seed * 1103515245u + 12345u;
        size_t chunk = 1 + (chunk_seed >> 16) % 64;
        if (chunk > left)
            chunk = left;
        uint8_t *nb = realloc(buf, have + chunk);
        if (!nb)
            break;
        buf = nb;
        memcpy(buf + have, stream, chunk);
        have += chunk;
        stream += chunk;
        left -= chunk;

        for (;;) {
            dj__packet pkt;
            size_t need = 0;
            int rc = dj__packet_extract(buf, have, &seq, max_payload, &pkt, &need, &err);
            if (rc == DJ__PACKET_NEED_MORE) {
                dj_fuzz_check(need > have);
                break;
            }
            if (rc < 0) {
                dj_fuzz_check(rc == DJ_EPROTO || rc == DJ_ETOOBIG);
                free(buf);
                return 0;
            }
            dj_fuzz_check(rc == DJ__PACKET_READY);
            dj_fuzz_check(pkt.consumed <= have && pkt.len <= max_payload);
            dj_fuzz_check(dj_fuzz_inside(pkt.payload, pkt.len, buf, have));
            /* Touch every payload byte so ASan checks the whole span. */
            volatile uint8_t sink = 0;
            for (size_t i = 0; i < pkt.len; i++)
                sink ^= pkt.payload[i];
            (void)sink;
            memmove(buf, buf + pkt.consumed, have - pkt.consumed);
            have -= pkt.consumed;
            if (have == 0)
                break;
        }
    }
    free(buf);
    return 0;
}
