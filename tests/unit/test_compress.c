/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_compress.c - compressed-protocol frames (lib/wire/compress.c) against
 * section 1.4 of the protocol notes and the frame.* vectors: the 7-byte
 * header, stored frames (uncompressed length 0), the MySQL documentation's
 * compressed example, the 50-byte threshold and corrupt input. Output
 * buffers are heap blocks of exactly the announced size, so AddressSanitizer
 * reports any write past it. In a build without zlib, the codec must say
 * DJ_EUNSUPPORTED instead.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "wire/compress.h"
#include "hex.h"

/* frame.compressed_example_inner: COM_QUERY select "012...345" with its 4-byte header. */
#define EXAMPLE_INNER_HEX                                                             \
    "2e0000000373656c656374202230313233343536373839303132333435363738393031323334353637" \
    "383930313233343522"
/* frame.compressed_example: the same 50 bytes as one zlib frame (34-byte body). */
#define EXAMPLE_FRAME_HEX                                                             \
    "22000000320000789cd3636060602e4ecd494d2e51503230343236313533b7b0c4cd5202000cd10a6c"
/* frame.compressed_layer_uncompressed_example: COM_QUERY "SELECT 1" sent as-is. */
#define STORED_FRAME_HEX "0d000000000000090000000353454c4543542031"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */

static uint8_t *from_hex(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *tmp = malloc(cap);
    cr_assert_not_null(tmp);
    *len = hex_decode(hex, tmp, cap);
    cr_assert_neq(*len, (size_t)-1, "bad hex fixture");
    uint8_t *p = malloc(*len ? *len : 1);
    cr_assert_not_null(p);
    memcpy(p, tmp, *len);
    free(tmp);
    return p;
}

/* Inflates the frame at p (header + body) into an exact-size heap block. */
static int inflate_frame(const uint8_t *p, dj__cframe *f, uint8_t **out, dj_error *err)
{
    dj__cframe_header_parse(p, f);
    *out = malloc(f->stream_len ? f->stream_len : 1);
    cr_assert_not_null(*out);
    return dj__cframe_inflate(f, p + DJ__COMPRESS_HEADER, *out, err);
}

/* ------------------------------------------------------------------------- */
/* Header                                                                    */

Test(header, mysql_example_header_gives_34_compressed_50_inflated)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    dj__cframe f;
    dj__cframe_header_parse(p, &f);
    cr_assert_eq(f.body_len, 34);
    cr_assert_eq(len, DJ__COMPRESS_HEADER + 34);
    cr_assert_eq(f.seq, 0);
    cr_assert_eq(f.stream_len, 50);
    cr_assert_not(f.stored);
    free(p);
}

Test(header, fields_are_little_endian_and_the_id_sits_between_them)
{
    static const uint8_t h[7] = {0x01, 0x02, 0x03, 0xab, 0x04, 0x05, 0x06};
    dj__cframe f;
    dj__cframe_header_parse(h, &f);
    cr_assert_eq(f.body_len, 0x030201);
    cr_assert_eq(f.seq, 0xab);
    cr_assert_eq(f.stream_len, 0x060504);
    cr_assert_not(f.stored);
}

Test(header, uncompressed_length_0_means_stored_and_the_body_is_the_stream)
{
    size_t len;
    uint8_t *p = from_hex(STORED_FRAME_HEX, &len);
    dj__cframe f;
    dj__cframe_header_parse(p, &f);
    cr_assert(f.stored);
    cr_assert_eq(f.body_len, 13);
    cr_assert_eq(f.stream_len, 13);
    free(p);
}

#ifdef HAVE_ZLIB

/* Deterministic bytes that deflate cannot shrink (xorshift32). */
static void random_bytes(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

/* Text-like bytes that deflate shrinks once there are enough of them. */
static void compressible_bytes(uint8_t *p, size_t n)
{
    static const char text[] = "SELECT `subject_id`, `session` FROM `lab`.`session` ";
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)text[i % (sizeof text - 1)];
}

/* Builds one frame of data and checks that it parses back to the same bytes;
 * returns whether it was sent stored. */
static int round_trip(const uint8_t *data, size_t len, uint8_t seq)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj_error err = {0};
    cr_assert_eq(dj__cframe_build(&b, data, len, seq, &err), 0, "%zu bytes: %s", len, err.message);
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(b.data, &f, &out, &err), 0, "%zu bytes: %s", len, err.message);
    cr_assert_eq(b.len, DJ__COMPRESS_HEADER + f.body_len, "%zu bytes: one frame, nothing else",
                 len);
    cr_assert_eq(f.seq, seq);
    cr_assert_eq(f.stream_len, len);
    cr_assert(len == 0 || memcmp(out, data, len) == 0, "%zu bytes: content differs", len);
    if (!f.stored)
        cr_assert_lt(f.body_len, len, "%zu bytes: a compressed body is smaller", len);
    int stored = f.stored;
    free(out);
    dj__builder_free(&b, 0);
    return stored;
}

/* ------------------------------------------------------------------------- */
/* Inflating                                                                 */

Test(inflate, stored_vector_yields_its_body_unchanged)
{
    size_t len;
    uint8_t *p = from_hex(STORED_FRAME_HEX, &len);
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(p, &f, &out, NULL), 0);
    static const uint8_t want[] = {0x09, 0x00, 0x00, 0x00, 0x03, 'S', 'E', 'L', 'E', 'C', 'T',
                                   ' ', '1'};
    cr_assert(memcmp(out, want, sizeof want) == 0);
    free(out);
    free(p);
}

Test(inflate, mysql_example_inflates_to_the_inner_packet)
{
    size_t len, want_len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    uint8_t *want = from_hex(EXAMPLE_INNER_HEX, &want_len);
    cr_assert_eq(want_len, 50);
    dj__cframe f;
    uint8_t *out;
    dj_error err = {0};
    cr_assert_eq(inflate_frame(p, &f, &out, &err), 0, "%s", err.message);
    cr_assert(memcmp(out, want, 50) == 0);
    free(out);
    free(want);
    free(p);
}

Test(inflate, corrupt_body_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    p[DJ__COMPRESS_HEADER + 12] ^= 0x40;
    dj__cframe f;
    uint8_t *out;
    dj_error err = {0};
    cr_assert_eq(inflate_frame(p, &f, &out, &err), DJ_EPROTO);
    cr_assert_eq(err.code, DJ_EPROTO);
    free(out);
    free(p);
}

Test(inflate, corrupt_checksum_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    p[len - 1] ^= 0x01;
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(p, &f, &out, NULL), DJ_EPROTO);
    free(out);
    free(p);
}

Test(inflate, body_that_is_not_zlib_is_eproto)
{
    uint8_t p[DJ__COMPRESS_HEADER + 40] = {40, 0, 0, 0, 100, 0, 0};
    random_bytes(p + DJ__COMPRESS_HEADER, 40, 7);
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(p, &f, &out, NULL), DJ_EPROTO);
    free(out);
}

Test(inflate, announced_size_larger_than_the_data_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    p[4] = 51;
    dj__cframe f;
    uint8_t *out;
    dj_error err = {0};
    cr_assert_eq(inflate_frame(p, &f, &out, &err), DJ_EPROTO);
    cr_assert(strstr(err.message, "51") != NULL, "message names the size: %s", err.message);
    free(out);
    free(p);
}

Test(inflate, announced_size_smaller_than_the_data_is_eproto_without_overflow)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    p[4] = 49;
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(p, &f, &out, NULL), DJ_EPROTO);
    free(out);
    free(p);
}

Test(inflate, truncated_body_is_eproto)
{
    size_t len;
    uint8_t *p = from_hex(EXAMPLE_FRAME_HEX, &len);
    for (size_t body = 0; body < 34; body++) {
        uint8_t *c = malloc(DJ__COMPRESS_HEADER + body + 1);
        memcpy(c, p, DJ__COMPRESS_HEADER + body);
        dj__put_le24(c, (uint32_t)body);
        dj__cframe f;
        uint8_t *out;
        cr_assert_eq(inflate_frame(c, &f, &out, NULL), DJ_EPROTO, "%zu-byte body", body);
        free(out);
        free(c);
    }
    free(p);
}

/* ------------------------------------------------------------------------- */
/* Building                                                                  */

Test(build, mysql_example_is_reproduced_byte_for_byte)
{
    size_t in_len, want_len;
    uint8_t *in = from_hex(EXAMPLE_INNER_HEX, &in_len);
    uint8_t *want = from_hex(EXAMPLE_FRAME_HEX, &want_len);
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__cframe_build(&b, in, in_len, 0, NULL), 0);
    cr_assert_eq(b.len, want_len);
    cr_assert(memcmp(b.data, want, want_len) == 0, "frame differs from the vector");
    dj__builder_free(&b, 0);
    free(want);
    free(in);
}

Test(build, payload_of_49_bytes_is_stored_even_if_compressible)
{
    uint8_t data[49];
    memset(data, 'a', sizeof data);
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__cframe_build(&b, data, sizeof data, 3, NULL), 0);
    static const uint8_t head[7] = {49, 0, 0, 3, 0, 0, 0};
    cr_assert_eq(b.len, 7 + 49);
    cr_assert(memcmp(b.data, head, 7) == 0);
    cr_assert(memcmp(b.data + 7, data, 49) == 0);
    dj__builder_free(&b, 0);
}

Test(build, payload_of_50_compressible_bytes_is_compressed)
{
    uint8_t data[50];
    memset(data, 'a', sizeof data);
    cr_assert_not(round_trip(data, sizeof data, 0));
}

Test(build, sizes_around_the_threshold_round_trip_stored_below_compressed_from_50)
{
    uint8_t data[80];
    compressible_bytes(data, sizeof data);
    for (size_t n = 40; n <= sizeof data; n++) {
        int stored = round_trip(data, n, (uint8_t)n);
        if (n < DJ__COMPRESS_MIN)
            cr_assert(stored, "%zu bytes must be stored", n);
    }
    /* 80 bytes of repeated text shrink, so they go compressed. */
    cr_assert_not(round_trip(data, sizeof data, 1));
}

Test(build, incompressible_data_is_stored)
{
    static const size_t sizes[] = {50, 51, 100, 1000, 65536};
    for (size_t i = 0; i < DJ__ARRAY_LEN(sizes); i++) {
        uint8_t *data = malloc(sizes[i]);
        random_bytes(data, sizes[i], (uint32_t)(i + 11));
        cr_assert(round_trip(data, sizes[i], 9), "%zu random bytes must be stored", sizes[i]);
        free(data);
    }
}

Test(build, empty_payload_is_a_7_byte_stored_frame)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    cr_assert_eq(dj__cframe_build(&b, NULL, 0, 5, NULL), 0);
    static const uint8_t want[7] = {0, 0, 0, 5, 0, 0, 0};
    cr_assert_eq(b.len, 7);
    cr_assert(memcmp(b.data, want, 7) == 0);
    dj__builder_free(&b, 0);
}

Test(build, largest_frame_of_0xffffff_bytes_round_trips)
{
    size_t n = 0xffffff;
    uint8_t *data = malloc(n);
    compressible_bytes(data, n);
    cr_assert_not(round_trip(data, n, 0));
    free(data);
}

Test(build, frames_are_appended_after_what_the_builder_holds)
{
    uint8_t big[200], small[10];
    compressible_bytes(big, sizeof big);
    memset(small, 's', sizeof small);
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj__put_bytes(&b, "xyz", 3);
    cr_assert_eq(dj__cframe_build(&b, big, sizeof big, 0, NULL), 0);
    size_t second = b.len;
    cr_assert_eq(dj__cframe_build(&b, small, sizeof small, 1, NULL), 0);
    cr_assert(memcmp(b.data, "xyz", 3) == 0, "earlier bytes are kept");

    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(b.data + 3, &f, &out, NULL), 0);
    cr_assert_eq(f.seq, 0);
    cr_assert_not(f.stored);
    cr_assert_eq(3 + DJ__COMPRESS_HEADER + f.body_len, second);
    cr_assert(memcmp(out, big, sizeof big) == 0);
    free(out);

    cr_assert_eq(inflate_frame(b.data + second, &f, &out, NULL), 0);
    cr_assert_eq(f.seq, 1);
    cr_assert(f.stored);
    cr_assert_eq(second + DJ__COMPRESS_HEADER + f.body_len, b.len);
    cr_assert(memcmp(out, small, sizeof small) == 0);
    free(out);
    dj__builder_free(&b, 0);
}

static void *no_malloc(size_t n, void *ud) { (void)n, (void)ud; return NULL; }
static void *no_realloc(void *p, size_t n, void *ud) { (void)p, (void)n, (void)ud; return NULL; }
static void no_free(void *p, void *ud) { (void)p, (void)ud; }

Test(build, allocation_failure_is_enomem_for_stored_and_compressed_frames)
{
    dj_allocator fail = {no_malloc, no_realloc, no_free, NULL};
    uint8_t data[300];
    compressible_bytes(data, sizeof data);
    static const size_t sizes[] = {10, sizeof data};
    for (size_t i = 0; i < DJ__ARRAY_LEN(sizes); i++) {
        dj__builder b;
        dj__builder_init(&b, &fail);
        dj_error err = {0};
        cr_assert_eq(dj__cframe_build(&b, data, sizes[i], 0, &err), DJ_ENOMEM, "%zu bytes",
                     sizes[i]);
        cr_assert_eq(err.code, DJ_ENOMEM);
        dj__builder_free(&b, 0);
    }
}

#else /* !HAVE_ZLIB */

Test(no_zlib, building_and_inflating_report_unsupported)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    dj_error err = {0};
    cr_assert_eq(dj__cframe_build(&b, (const uint8_t *)"x", 1, 0, &err), DJ_EUNSUPPORTED);
    size_t len;
    uint8_t *p = from_hex(STORED_FRAME_HEX, &len);
    dj__cframe f;
    uint8_t *out;
    cr_assert_eq(inflate_frame(p, &f, &out, &err), DJ_EUNSUPPORTED);
    free(out);
    free(p);
    dj__builder_free(&b, 0);
}

#endif
