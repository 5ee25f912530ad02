/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_packet.c - packet framing and reassembly (lib/wire/packet.c) against
 * section 1 of the protocol notes: the 4-byte header, payloads of 0xFFFFFF
 * bytes and more (with the empty trailing fragment), sequence ids and the ERR
 * packet sent with id 0. Inputs live in heap buffers of exactly their size,
 * so AddressSanitizer reports any read past the bytes received so far.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "wire/packet.h"
#include "hex.h"

#define MAXF DJ__PACKET_MAX_FRAGMENT
#define NO_LIMIT ((size_t)1 << 30)

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

/* Decodes hex into a heap buffer of exactly the decoded size. */
static uint8_t *from_hex(const char *hex, size_t *len)
{
    uint8_t tmp[512];
    *len = hex_decode(hex, tmp, sizeof tmp);
    cr_assert_neq(*len, (size_t)-1, "bad hex fixture");
    uint8_t *p = malloc(*len ? *len : 1);
    cr_assert_not_null(p);
    memcpy(p, tmp, *len);
    return p;
}

/* A payload byte that differs between neighbouring positions and between
 * fragments, so a misplaced or missing byte shows. */
static uint8_t pattern(size_t i)
{
    return (uint8_t)(i ^ (i >> 8) ^ (i >> 16) ^ (i >> 24));
}

/*
 * Lays out a payload of len pattern bytes as a sender does: fragments of
 * 0xFFFFFF bytes, then the rest (empty when len is a multiple), ids counting
 * from seq. Leaves `extra` bytes of room after it. Returns an exact-size heap
 * buffer; *wire_len is the length of the fragments.
 */
static uint8_t *wire_packet(size_t len, uint8_t seq, size_t extra, size_t *wire_len)
{
    size_t fragments = len / MAXF + 1;
    *wire_len = len + fragments * DJ__PACKET_HEADER;
    uint8_t *w = malloc(*wire_len + extra);
    cr_assert_not_null(w);
    size_t pos = 0, done = 0;
    for (size_t f = 0; f < fragments; f++) {
        size_t flen = DJ__MIN(len - done, (size_t)MAXF);
        dj__packet_header(w + pos, flen, seq++);
        pos += DJ__PACKET_HEADER;
        for (size_t i = 0; i < flen; i++)
            w[pos + i] = pattern(done + i);
        pos += flen;
        done += flen;
    }
    return w;
}

static void expect_pattern(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != pattern(i))
            cr_assert_fail("payload byte %zu is %02x, want %02x", i, p[i], pattern(i));
}

/* Extracts and expects DJ__PACKET_NEED_MORE with the given need. */
static void expect_need(uint8_t *buf, size_t len, uint8_t seq, size_t want_need)
{
    dj__packet pkt;
    size_t need = 0;
    dj_error err = {0};
    uint8_t s = seq;
    int rc = dj__packet_extract(buf, len, &s, NO_LIMIT, &pkt, &need, &err);
    cr_assert_eq(rc, DJ__PACKET_NEED_MORE, "%zu bytes: rc %d (%s)", len, rc, err.message);
    cr_assert_eq(need, want_need, "%zu bytes: need %zu, want %zu", len, need, want_need);
    cr_assert_eq(s, seq, "the expected id is unchanged until a packet is complete");
}

/* ------------------------------------------------------------------------- */
/* Header                                                                    */

Test(header, com_ping_header_matches_the_vector)
{
    uint8_t h[4];
    dj__packet_header(h, 1, 0);
    static const uint8_t want[] = {0x01, 0x00, 0x00, 0x00};
    cr_assert(memcmp(h, want, 4) == 0);
}

Test(header, length_is_three_bytes_little_endian_then_the_id)
{
    uint8_t h[4];
    dj__packet_header(h, 0x030201, 0x07);
    static const uint8_t want[] = {0x01, 0x02, 0x03, 0x07};
    cr_assert(memcmp(h, want, 4) == 0);
}

Test(header, full_fragment_header_is_ff_ff_ff)
{
    uint8_t h[4];
    dj__packet_header(h, MAXF, 0xab);
    static const uint8_t want[] = {0xff, 0xff, 0xff, 0xab};
    cr_assert(memcmp(h, want, 4) == 0);
}

/* ------------------------------------------------------------------------- */
/* Single packets                                                            */

Test(extract, com_ping_vector_is_one_ready_packet)
{
    size_t len;
    uint8_t *buf = from_hex("010000000e", &len);
    dj__packet pkt;
    size_t need = 0;
    uint8_t seq = 0;
    int rc = dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL);
    cr_assert_eq(rc, DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 1);
    cr_assert_eq(pkt.payload, buf + 4, "the payload sits right after the header");
    cr_assert_eq(pkt.payload[0], 0x0e);
    cr_assert_eq(pkt.consumed, 5);
    cr_assert_eq(pkt.seq, 0);
    cr_assert_eq(seq, 1, "the next expected id follows the packet's");
    free(buf);
}

Test(extract, payload_length_is_read_little_endian)
{
    size_t wlen;
    uint8_t *buf = wire_packet(0x0102, 5, 0, &wlen);
    cr_assert(buf[0] == 0x02 && buf[1] == 0x01 && buf[2] == 0x00 && buf[3] == 0x05);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 5;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 0x0102);
    expect_pattern(pkt.payload, pkt.len);
    cr_assert_eq(pkt.consumed, 4 + 0x0102);
    cr_assert_eq(seq, 6);
    free(buf);
}

Test(extract, two_packets_back_to_back_come_out_one_after_the_other)
{
    size_t len;
    /* An OK (id 1) and then an EOF (id 2) in one read. */
    uint8_t *buf = from_hex("0700000100000002000000"
                            "05000002fe00000200", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 1;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 7);
    cr_assert_eq(pkt.payload[0], 0x00);
    cr_assert_eq(pkt.consumed, 11);
    cr_assert_eq(seq, 2);

    size_t off = pkt.consumed;
    cr_assert_eq(dj__packet_extract(buf + off, len - off, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 5);
    cr_assert_eq(pkt.payload, buf + off + 4);
    cr_assert_eq(pkt.payload[0], 0xfe);
    cr_assert_eq(pkt.consumed, 9);
    cr_assert_eq(pkt.seq, 2);
    cr_assert_eq(seq, 3);
    free(buf);
}

Test(extract, every_truncation_offset_needs_more_with_the_right_need_and_changes_nothing)
{
    size_t wlen;
    uint8_t *full = wire_packet(10, 3, 0, &wlen);
    for (size_t cut = 0; cut < wlen; cut++) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, full, cut);
        expect_need(part, cut, 3, cut < 4 ? 4 : wlen);
        cr_assert(memcmp(part, full, cut) == 0, "%zu bytes: the buffer was modified", cut);
        free(part);
    }
    free(full);
}

Test(extract, wrong_sequence_id_is_eproto)
{
    size_t len;
    uint8_t *buf = from_hex("0100000300", &len);
    dj__packet pkt;
    size_t need;
    dj_error err = {0};
    uint8_t seq = 2;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, &err), DJ_EPROTO);
    cr_assert_eq(err.code, DJ_EPROTO);
    cr_assert(strstr(err.message, "sequence") != NULL, "message: %s", err.message);
    free(buf);
}

Test(extract, wrong_sequence_id_is_detected_from_the_header_alone)
{
    size_t len;
    uint8_t *buf = from_hex("05000007", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 1;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL), DJ_EPROTO);
    free(buf);
}

Test(extract, err_packet_with_sequence_zero_is_accepted_in_place_of_the_expected_id)
{
    size_t len;
    /* ERR 1153 (packet too big) sent before the server read the whole command. */
    uint8_t *buf = from_hex("09000000" "ff8104233038533031", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 3;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 9);
    cr_assert_eq(pkt.payload[0], 0xff);
    cr_assert_eq(pkt.seq, 0);
    cr_assert_eq(seq, 1);
    free(buf);
}

Test(extract, every_truncation_of_a_sequence_zero_err_needs_more)
{
    /* The header alone cannot tell an ERR from an out-of-order packet: the
     * extractor must wait for the first payload byte, not fail. */
    size_t wlen;
    uint8_t *full = from_hex("09000000" "ff8104233038533031", &wlen);
    for (size_t cut = 0; cut < wlen; cut++) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, full, cut);
        expect_need(part, cut, 3, cut < 4 ? 4 : cut == 4 ? 5 : wlen);
        free(part);
    }
    free(full);
}

Test(extract, non_err_packet_with_sequence_zero_is_eproto)
{
    size_t len;
    uint8_t *buf = from_hex("0700000000000002000000", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 3;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL), DJ_EPROTO);
    free(buf);
}

Test(extract, err_packet_with_another_wrong_id_is_eproto)
{
    size_t len;
    uint8_t *buf = from_hex("03000005ff1000", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 3;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL), DJ_EPROTO);
    free(buf);
}

Test(extract, sequence_id_wraps_from_255_to_0)
{
    size_t len;
    uint8_t *buf = from_hex("010000ff0e" "01000000fe", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 255;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.seq, 255);
    cr_assert_eq(seq, 0);
    cr_assert_eq(dj__packet_extract(buf + 5, len - 5, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.seq, 0);
    cr_assert_eq(seq, 1);
    free(buf);
}

Test(extract, standalone_empty_packet_is_eproto)
{
    size_t len;
    uint8_t *buf = from_hex("00000001", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 1;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, NO_LIMIT, &pkt, &need, NULL), DJ_EPROTO);
    free(buf);
}

Test(extract, payload_over_the_limit_is_etoobig_from_the_header_alone)
{
    size_t len;
    uint8_t *buf = from_hex("e9030000", &len); /* 1001 bytes announced, none present */
    dj__packet pkt;
    size_t need = 0;
    dj_error err = {0};
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, 1000, &pkt, &need, &err), DJ_ETOOBIG);
    cr_assert_eq(err.code, DJ_ETOOBIG);
    free(buf);
}

Test(extract, payload_equal_to_the_limit_is_accepted)
{
    size_t wlen;
    uint8_t *buf = wire_packet(1000, 0, 0, &wlen);
    dj__packet pkt;
    size_t need = 0;
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, 4, &seq, 1000, &pkt, &need, NULL), DJ__PACKET_NEED_MORE);
    cr_assert_eq(need, 1004);
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, 1000, &pkt, &need, NULL), DJ__PACKET_READY);
    cr_assert_eq(pkt.len, 1000);
    free(buf);
}

/* ------------------------------------------------------------------------- */
/* Payloads of 0xFFFFFF bytes and more                                       */

Test(large, full_fragment_plus_rest_is_reassembled_contiguous)
{
    size_t plen = MAXF + 100, wlen;
    uint8_t *buf = wire_packet(plen, 7, 0, &wlen);
    cr_assert_eq(wlen, plen + 8);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 7;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, plen);
    cr_assert_eq(pkt.payload, buf + 4);
    expect_pattern(pkt.payload, pkt.len);
    cr_assert_eq(pkt.consumed, wlen);
    cr_assert_eq(pkt.seq, 8, "the id of the last fragment");
    cr_assert_eq(seq, 9);
    free(buf);
}

Test(large, exact_multiple_waits_for_the_empty_trailer)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF, 0, 0, &wlen);
    cr_assert_eq(wlen, MAXF + 8);
    /* Everything but the empty trailer: the packet is not complete yet. */
    expect_need(buf, MAXF + 4, 0, MAXF + 8);
    expect_need(buf, MAXF + 6, 0, MAXF + 8);
    free(buf);
}

Test(large, exact_multiple_with_the_empty_trailer_is_ready)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF, 0, 0, &wlen);
    cr_assert(buf[MAXF + 4] == 0 && buf[MAXF + 5] == 0 && buf[MAXF + 6] == 0 &&
              buf[MAXF + 7] == 1, "trailer is 00 00 00 01");
    dj__packet pkt;
    size_t need;
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, MAXF);
    expect_pattern(pkt.payload, pkt.len);
    cr_assert_eq(pkt.consumed, MAXF + 8);
    cr_assert_eq(pkt.seq, 1);
    cr_assert_eq(seq, 2);
    free(buf);
}

Test(large, two_full_fragments_and_a_rest_are_reassembled_contiguous)
{
    size_t plen = 2 * (size_t)MAXF + 5, wlen;
    uint8_t *buf = wire_packet(plen, 0, 0, &wlen);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.len, plen);
    expect_pattern(pkt.payload, pkt.len);
    cr_assert_eq(pkt.consumed, plen + 12);
    cr_assert_eq(seq, 3);
    free(buf);
}

Test(large, the_next_packet_after_a_reassembled_one_is_left_intact)
{
    static const uint8_t ping[] = {0x01, 0x00, 0x00, 0x02, 0x0e};
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF + 1, 0, sizeof ping, &wlen);
    memcpy(buf + wlen, ping, sizeof ping);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, wlen + sizeof ping, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.consumed, wlen);
    cr_assert(memcmp(buf + pkt.consumed, ping, sizeof ping) == 0);
    cr_assert_eq(dj__packet_extract(buf + pkt.consumed, sizeof ping, &seq, NO_LIMIT, &pkt, &need,
                                    NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.payload[0], 0x0e);
    free(buf);
}

Test(large, truncation_in_a_later_fragment_needs_the_rest_of_that_fragment)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF + 100, 0, 0, &wlen);
    uint8_t *copy = malloc(24);
    memcpy(copy, buf + MAXF - 16, 24); /* bytes around the second header */
    expect_need(buf, MAXF + 4, 0, MAXF + 8);     /* first fragment only */
    expect_need(buf, MAXF + 6, 0, MAXF + 8);     /* inside the second header */
    expect_need(buf, MAXF + 8, 0, MAXF + 108);   /* second header, no payload */
    expect_need(buf, MAXF + 107, 0, MAXF + 108); /* one byte short */
    cr_assert(memcmp(copy, buf + MAXF - 16, 24) == 0, "nothing moved before completion");
    free(copy);
    free(buf);
}

Test(large, wrong_id_in_a_later_fragment_is_eproto)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF + 10, 4, 0, &wlen);
    buf[MAXF + 7] = 9; /* second fragment should be 5 */
    dj__packet pkt;
    size_t need;
    uint8_t seq = 4;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL), DJ_EPROTO);
    free(buf);
}

Test(large, fragment_ids_wrap_from_255_to_0)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF, 255, 0, &wlen);
    cr_assert_eq(buf[MAXF + 7], 0, "trailer id wrapped to 0");
    dj__packet pkt;
    size_t need;
    uint8_t seq = 255;
    cr_assert_eq(dj__packet_extract(buf, wlen, &seq, NO_LIMIT, &pkt, &need, NULL),
                 DJ__PACKET_READY);
    cr_assert_eq(pkt.seq, 0);
    cr_assert_eq(seq, 1);
    free(buf);
}

Test(large, fragmented_payload_over_the_limit_is_etoobig_before_the_rest_arrives)
{
    size_t wlen;
    uint8_t *buf = wire_packet(MAXF + 11, 0, 0, &wlen);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 0;
    /* The second header announces 11 bytes; only 10 more are allowed. */
    cr_assert_eq(dj__packet_extract(buf, MAXF + 8, &seq, (size_t)MAXF + 10, &pkt, &need, NULL),
                 DJ_ETOOBIG);
    free(buf);
}

Test(large, first_full_fragment_over_the_limit_is_etoobig_from_its_header)
{
    size_t len;
    uint8_t *buf = from_hex("ffffff00", &len);
    dj__packet pkt;
    size_t need;
    uint8_t seq = 0;
    cr_assert_eq(dj__packet_extract(buf, len, &seq, 1 << 20, &pkt, &need, NULL), DJ_ETOOBIG);
    free(buf);
}
