/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_hostile.c - a hostile or broken server, scripted: truncation at every
 * byte, lengths past the end, bad sequence ids, endless 16 MiB packets,
 * absurd column counts, stalls, old protocols, LOCAL INFILE. Strict by
 * design: every violation must end in a clean error with the right code,
 * nothing is repaired, nothing leaks (counting allocator), and no password
 * goes out where it should not.
 */
#include "scripted/fixture.h"

#include <stdlib.h>
#include <time.h>

TestSuite(hostile, .init = fx_setup, .fini = fx_teardown, .timeout = 60);

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- a complete conversation, packet by packet ---- */

/* The server's packets of a login (native greeting, switch to caching_sha2,
 * fast auth), the session
 * setup and one query with a two-column, two-row result. Kept as payloads
 * so tests can cut the stream or a single packet. */
enum { PHASE_GREETING, PHASE_AUTH, PHASE_SESSION, PHASE_RESULT };

typedef struct convo_packet {
    int phase;
    uint8_t seq;
    uint8_t *data;
    size_t len;
    const char *expect_before; /* client packet (prefix hex) expected before sending, or NULL */
    uint8_t expect_seq;
} convo_packet;

static convo_packet convo[48];
static size_t convo_len;

static void convo_add(int phase, uint8_t seq, const dj__builder *b, const char *expect,
                      uint8_t expect_seq)
{
    convo_packet *p = &convo[convo_len++];
    p->phase = phase;
    p->seq = seq;
    p->len = b->len;
    p->data = malloc(b->len ? b->len : 1);
    cr_assert_not_null(p->data);
    memcpy(p->data, b->data, b->len);
    p->expect_before = expect;
    p->expect_seq = expect_seq;
}

static void convo_add_hex(int phase, uint8_t seq, const char *hex, const char *expect,
                          uint8_t expect_seq)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    uint8_t *bytes;
    size_t n = ss_hex_bytes(hex, &bytes);
    dj__put_bytes(&b, bytes, n);
    free(bytes);
    convo_add(phase, seq, &b, expect, expect_seq);
    dj__builder_free(&b, 0);
}

static void convo_build(void)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    convo_len = 0;
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&b, &g);
    convo_add(PHASE_GREETING, 0, &b, NULL, 0);
    /* switch to caching_sha2 with a new scramble (20 bytes + NUL), fast auth */
    uint8_t scramble[21] = {0};
    for (int i = 0; i < 20; i++)
        scramble[i] = (uint8_t)(0x21 + i);
    ss_build_switch(&b, "caching_sha2_password", scramble, sizeof scramble);
    convo_add(PHASE_AUTH, 2, &b, "", 1);
    convo_add_hex(PHASE_AUTH, 4, "01 03", "", 3);
    convo_add_hex(PHASE_AUTH, 5, "00 00 00 02 00 00 00", NULL, 0);
    /* session: the four pipelined statements, then their answers */
    convo_add_hex(PHASE_SESSION, 1, "00 00 00 02 00 00 00", "03", 0);
    convo_add_hex(PHASE_SESSION, 1, "01", NULL, 0);
    ss_build_coldef(&b, "@@max_allowed_packet");
    convo_add(PHASE_SESSION, 2, &b, NULL, 0);
    const char *const max_allowed[] = {"16777216"};
    ss_build_row(&b, 1, max_allowed);
    convo_add(PHASE_SESSION, 3, &b, NULL, 0);
    ss_build_ok(&b, 0xFE, 0x0002);
    convo_add(PHASE_SESSION, 4, &b, NULL, 0);
    /* the two readiness probes (wsrep_on, wsrep state): empty on a server without Galera */
    for (int probe = 0; probe < 2; probe++) {
        convo_add_hex(PHASE_SESSION, 1, "02", NULL, 0);
        ss_build_coldef(&b, "Variable_name");
        convo_add(PHASE_SESSION, 2, &b, NULL, 0);
        ss_build_coldef(&b, "Value");
        convo_add(PHASE_SESSION, 3, &b, NULL, 0);
        ss_build_ok(&b, 0xFE, 0x0002);
        convo_add(PHASE_SESSION, 4, &b, NULL, 0);
    }
    /* the query */
    convo_add_hex(PHASE_RESULT, 1, "02", "03", 0);
    ss_build_coldef(&b, "name");
    convo_add(PHASE_RESULT, 2, &b, NULL, 0);
    ss_build_coldef(&b, "value");
    convo_add(PHASE_RESULT, 3, &b, NULL, 0);
    const char *const row1[] = {"alice", NULL};
    ss_build_row(&b, 2, row1);
    convo_add(PHASE_RESULT, 4, &b, NULL, 0);
    const char *const row2[] = {"bob", "42"};
    ss_build_row(&b, 2, row2);
    convo_add(PHASE_RESULT, 5, &b, NULL, 0);
    ss_build_ok(&b, 0xFE, 0x0002);
    convo_add(PHASE_RESULT, 6, &b, NULL, 0);
    dj__builder_free(&b, 0);
}

static void convo_free(void)
{
    for (size_t i = 0; i < convo_len; i++)
        free(convo[i].data);
    convo_len = 0;
}

/* Scripts the conversation; packet `cut` (if < convo_len) is sent with only
 * its first cut_len bytes, under a header that says so. */
static void convo_script(sserver *s, size_t cut, size_t cut_len)
{
    for (size_t i = 0; i < convo_len; i++) {
        const convo_packet *p = &convo[i];
        if (p->expect_before)
            ss_expect(s, p->expect_seq, p->expect_before);
        /* The session statements are pipelined: all four arrive before any answer. */
        if (p->phase == PHASE_SESSION && p->expect_before)
            for (int more = 0; more < 3; more++)
                ss_expect(s, 0, "03");
        ss_send(s, p->seq, p->data, i == cut ? cut_len : p->len);
    }
}

/* Bytes the server sends up to the end of `phase` (headers included). */
static size_t convo_bytes_through(int phase)
{
    size_t n = 0;
    for (size_t i = 0; i < convo_len && convo[i].phase <= phase; i++)
        n += 4 + convo[i].len;
    return n;
}

/* Connects and reads the whole result; returns the first error (0 if none). */
static int run_client(void)
{
    return fx_query_all("SELECT name, value FROM t");
}

/* One fresh server and client for each case of a loop. */
static void fresh(void)
{
    fx_teardown();
    fx_setup();
}

static void assert_clean_error(int rc, const char *what, size_t at)
{
    cr_assert(rc == DJ_ELOST || rc == DJ_EPROTO || rc == DJ_EAUTH || rc == DJ_EUNSUPPORTED,
              "%s %zu: got %d (%s: %s)", what, at, rc, dj_strerror(rc), fx.err.message);
    cr_assert_eq(fx.err.code, rc, "%s %zu: err.code %d", what, at, fx.err.code);
    cr_assert(fx.err.message[0], "%s %zu: no message", what, at);
    cr_assert_null(strstr(fx.err.message, SS_PASSWORD));
    if (fx.conn)
        cr_assert_not(dj_is_connected(fx.conn), "%s %zu: connection still marked usable", what, at);
    fx_done();
}

/* The whole conversation must succeed (sent at once or byte by byte). */
static void check_conversation_runs(int bytewise)
{
    convo_build();
    if (bytewise)
        ss_bytewise(fx.srv, 200);
    convo_script(fx.srv, SIZE_MAX, 0);
    int rc = run_client();
    cr_assert_eq(rc, 0, "%s", fx.err.message);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
    convo_free();
}

Test(hostile, the_scripted_conversation_runs_whole)
{
    check_conversation_runs(0);
}

Test(hostile, sent_byte_by_byte_the_conversation_still_runs)
{
    check_conversation_runs(1);
}

/* The server closes after `from` .. `to`-1 bytes: every cut is a clean error. */
static void cut_stream_everywhere(size_t from, size_t to)
{
    convo_build();
    for (size_t k = from; k < to; k++) {
        fresh();
        convo_script(fx.srv, SIZE_MAX, 0);
        ss_cut_after(fx.srv, k);
        assert_clean_error(run_client(), "stream cut after byte", k);
    }
    convo_free();
}

Test(hostile, greeting_cut_at_every_byte_is_a_clean_error)
{
    convo_build();
    size_t end = convo_bytes_through(PHASE_GREETING);
    convo_free();
    cut_stream_everywhere(0, end);
}

Test(hostile, auth_exchange_cut_at_every_byte_is_a_clean_error)
{
    convo_build();
    size_t from = convo_bytes_through(PHASE_GREETING), to = convo_bytes_through(PHASE_AUTH);
    convo_free();
    cut_stream_everywhere(from, to);
}

Test(hostile, result_set_cut_at_every_byte_is_a_clean_error)
{
    convo_build();
    size_t from = convo_bytes_through(PHASE_SESSION), to = convo_bytes_through(PHASE_RESULT);
    convo_free();
    cut_stream_everywhere(from, to);
}

/* The two cuts that leave a valid packet: the greeting without the NUL after
 * mysql_native_password (MySQL 5.5.7-5.5.9 sent it so), and the switch
 * without the NUL after its scramble (the 20 scramble bytes are all there). */
static int tolerated_cut(const convo_packet *p, size_t len)
{
    return len == p->len - 1 &&
           (p->phase == PHASE_GREETING || (p->phase == PHASE_AUTH && p->data[0] == 0xFE));
}

/* Each packet of `phase` shortened to every length below its own, with a
 * header that agrees: the packet is complete but its content is cut short. */
static void cut_packets_everywhere(int phase)
{
    convo_build();
    size_t tested = 0;
    for (size_t i = 0; i < convo_len; i++) {
        if (convo[i].phase != phase)
            continue;
        for (size_t len = 0; len < convo[i].len; len++) {
            fresh();
            convo_script(fx.srv, i, len);
            int rc = run_client();
            if (tolerated_cut(&convo[i], len)) {
                cr_assert_eq(rc, 0, "without its final NUL: %s", fx.err.message);
                fx_done();
                continue;
            }
            assert_clean_error(rc, "packet cut to length", len);
            tested++;
        }
    }
    cr_assert_gt(tested, 0);
    convo_free();
}

Test(hostile, greeting_cut_short_inside_its_packet_is_a_clean_error)
{
    cut_packets_everywhere(PHASE_GREETING);
}

Test(hostile, auth_packets_cut_short_inside_their_packet_are_a_clean_error)
{
    cut_packets_everywhere(PHASE_AUTH);
}

Test(hostile, result_packets_cut_short_inside_their_packet_are_a_clean_error)
{
    cut_packets_everywhere(PHASE_RESULT);
}

Test(hostile, greeting_plugin_name_cut_short_is_a_protocol_error)
{
    /* With mysql_native_password nothing later would notice: the name alone must. */
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&fx.b, &g);
    size_t full = fx.b.len, name = strlen(g.plugin);
    uint8_t *greeting = malloc(full);
    cr_assert_not_null(greeting);
    memcpy(greeting, fx.b.data, full);
    for (size_t drop = 2; drop <= name; drop++) {
        fresh();
        ss_send(fx.srv, 0, greeting, full - drop);
        fx_assert_error(fx_connect(), DJ_EPROTO, "auth plugin name is cut short");
        fx_done();
        fx_assert_nothing_sent();
    }
    free(greeting);
}

/* ---- malformed lengths and values ---- */

/* Login, session, then the query gets `packets` (hex, seq 1, 2, ...). */
static int query_answered_with(const char *const *packets, size_t n)
{
    fx_script_until_query();
    for (size_t i = 0; i < n; i++)
        ss_send_hex(fx.srv, (uint8_t)(i + 1), packets[i]);
    return run_client();
}

/* A coldef for column "c" in hex, for the raw-packet cases below. */
#define COLDEF_C "03 64 65 66 01 73 01 74 01 74 01 63 01 63 0c 2d 00 00 04 00 00 fd 00 00 00 00 00"

Test(hostile, row_value_length_past_the_end_is_a_protocol_error)
{
    const char *const pk[] = {"01", COLDEF_C, "05 61 62", "fe 00 00 02 00 00 00"};
    fx_assert_error(query_answered_with(pk, 4), DJ_EPROTO, "cut short");
    fx_done();
}

Test(hostile, row_value_with_lenenc_0xff_is_a_protocol_error)
{
    /* A first byte 0xFF would make the row an ERR packet; the second value's is no length. */
    const char *const pk[] = {"02", COLDEF_C, COLDEF_C, "01 61 ff 62", "fe 00 00 02 00 00 00"};
    fx_assert_error(query_answered_with(pk, 5), DJ_EPROTO, "malformed row");
    fx_done();
}

Test(hostile, column_definition_string_past_the_end_is_a_protocol_error)
{
    const char *const pk[] = {"01", "03 64 65 66 40 73"};
    fx_assert_error(query_answered_with(pk, 2), DJ_EPROTO, "column definition");
    fx_done();
}

Test(hostile, column_definition_with_lenenc_0xff_is_a_protocol_error)
{
    const char *const pk[] = {"01", "03 64 65 66 ff 73 01 74"};
    fx_assert_error(query_answered_with(pk, 2), DJ_EPROTO, "column definition");
    fx_done();
}

Test(hostile, column_count_of_2_pow_32_is_refused_before_allocating)
{
    const char *const pk[] = {"fe 00 00 00 00 01 00 00 00"};
    fx_assert_error(query_answered_with(pk, 1), DJ_EPROTO, "columns");
    cr_assert_lt(fx.counter.peak_bytes, 1024 * 1024);
    fx_done();
}

Test(hostile, row_with_more_values_than_columns_is_a_protocol_error)
{
    const char *const pk[] = {"01", COLDEF_C, "01 61 01 62", "fe 00 00 02 00 00 00"};
    fx_assert_error(query_answered_with(pk, 4), DJ_EPROTO, "more values");
    fx_done();
}

Test(hostile, greeting_with_auth_data_length_past_the_end_is_a_protocol_error)
{
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&fx.b, &g);
    /* auth_plugin_data_len sits after version, id, part 1, filler, caps, charset, status, caps */
    size_t at = 1 + strlen(g.version) + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
    fx.b.data[at] = 0xFF;
    ss_send_built(fx.srv, 0, &fx.b);
    fx_assert_error(fx_connect(), DJ_EPROTO, "greeting");
    fx_done();
    fx_assert_nothing_sent();
}

/* ---- sequence ids ---- */

Test(hostile, greeting_with_wrong_sequence_id_is_a_protocol_error)
{
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&fx.b, &g);
    ss_send_built(fx.srv, 1, &fx.b);
    fx_assert_error(fx_connect(), DJ_EPROTO, "out of order");
    fx_done();
}

Test(hostile, repeated_sequence_id_after_login_is_a_protocol_error)
{
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&fx.b, &g);
    ss_send_built(fx.srv, 0, &fx.b);
    ss_expect(fx.srv, 1, "");
    ss_send_hex(fx.srv, 1, "00 00 00 02 00 00 00"); /* repeats the client's id */
    fx_assert_error(fx_connect(), DJ_EPROTO, "out of order");
    fx_done();
}

Test(hostile, repeated_sequence_id_in_a_result_is_a_protocol_error)
{
    fx_script_until_query();
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 1, COLDEF_C);
    fx_assert_error(run_client(), DJ_EPROTO, "out of order");
    fx_done();
}

Test(hostile, err_with_sequence_id_0_is_accepted)
{
    fx_script_until_query();
    ss_build_err(&fx.b, 1064, "42000", "You have an error in your SQL syntax");
    ss_send_built(fx.srv, 0, &fx.b);
    ss_expect_exact(fx.srv, 0, "0e"); /* COM_PING */
    ss_send_hex(fx.srv, 1, "00 00 00 02 00 00 00");
    fx_assert_error(run_client(), DJ_ESERVER, "error in your SQL syntax");
    cr_assert_eq(fx.err.server_errno, 1064);
    cr_assert_str_eq(fx.err.sqlstate, "42000");
    cr_assert_eq(dj_ping(fx.conn, &fx.err), 0, "ping after the ERR: %s", fx.err.message);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
}

/* ---- size caps ---- */

static void flood_after_query(const char *max_allowed)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, max_allowed);
    ss_expect(fx.srv, 0, "03");
    ss_flood(fx.srv, 1, 64);
}

Test(hostile, endless_16mib_packets_stop_at_a_small_configured_cap)
{
    fx.cfg.max_packet = 1024 * 1024;
    flood_after_query("16777216");
    fx_assert_error(run_client(), DJ_ETOOBIG, "limit");
    cr_assert_lt(fx.counter.peak_bytes, 2u * 1024 * 1024, "peak %zu bytes",
                 fx.counter.peak_bytes);
    fx_done();
}

Test(hostile, endless_16mib_packets_stop_at_the_default_cap)
{
    flood_after_query(NULL); /* no max_allowed_packet: the library's default cap */
    fx_assert_error(run_client(), DJ_ETOOBIG, "limit");
    cr_assert_eq(dj_max_packet(fx.conn), DJ_DEFAULT_MAX_PACKET);
    cr_assert_lt(fx.counter.peak_bytes, DJ_DEFAULT_MAX_PACKET + 1024u * 1024,
                 "peak %zu bytes for a %u-byte cap", fx.counter.peak_bytes,
                 DJ_DEFAULT_MAX_PACKET);
    fx_done();
}

Test(hostile, endless_16mib_packets_stop_at_the_servers_max_allowed_packet)
{
    flood_after_query("16777216");
    fx_assert_error(run_client(), DJ_ETOOBIG, "limit");
    cr_assert_lt(fx.counter.peak_bytes, 16u * 1024 * 1024 + 1024u * 1024, "peak %zu bytes",
                 fx.counter.peak_bytes);
    fx_done();
}

/* ---- timeouts ---- */

Test(hostile, server_stopping_mid_row_trips_the_read_timeout)
{
    fx.cfg.read_timeout_ms = 300;
    fx_script_until_query();
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_raw_hex(fx.srv, "0a 00 00 03 05 68 65"); /* a 10-byte row, 3 bytes of it */
    ss_stall(fx.srv, 10000);
    ss_start(fx.srv);
    int rc = dj_connect(&fx.conn, &fx.cfg, &fx.err);
    cr_assert_eq(rc, 0, "%s", fx.err.message);
    dj_result *res;
    rc = dj_query(fx.conn, "SELECT c", 8, &res, &fx.err);
    cr_assert_eq(rc, 0, "%s", fx.err.message);
    const dj_value *v;
    int64_t start = now_ms();
    rc = dj_result_fetch(res, &v, &fx.err);
    int64_t took = now_ms() - start;
    fx_assert_error(rc, DJ_ETIMEOUT, "");
    cr_assert_lt(took, 2000, "the read timeout took %lld ms", (long long)took);
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

/* With connect_timeout_ms 300 and the script already set up, connecting must
 * fail with DJ_ETIMEOUT well within 2 s, having sent nothing. */
static void check_connect_times_out(void)
{
    fx.cfg.connect_timeout_ms = 300;
    int64_t start = now_ms();
    int rc = fx_connect();
    int64_t took = now_ms() - start;
    fx_assert_error(rc, DJ_ETIMEOUT, "");
    cr_assert_lt(took, 2000, "the connect timeout took %lld ms", (long long)took);
    fx_done();
    fx_assert_nothing_sent();
}

Test(hostile, greeting_trickled_byte_by_byte_is_bounded_by_the_connect_timeout)
{
    /* Every byte arrives well within a read timeout, but the whole greeting
     * would take seconds: the connect timeout bounds the exchange. */
    ss_greeting g = ss_greeting_default();
    ss_build_greeting(&fx.b, &g);
    ss_bytewise(fx.srv, 50000);
    ss_send_built(fx.srv, 0, &fx.b);
    check_connect_times_out();
}

Test(hostile, server_never_sending_a_greeting_trips_the_connect_timeout)
{
    ss_stall(fx.srv, 10000);
    check_connect_times_out();
}

/* ---- old or foreign protocols ---- */

static void check_protocol_version_refused(uint8_t version)
{
    ss_greeting g = ss_greeting_default();
    g.protocol_version = version;
    fx_assert_greeting_refused(&g, DJ_EUNSUPPORTED, "protocol version");
}

Test(hostile, greeting_with_protocol_version_9_is_refused)
{
    check_protocol_version_refused(9);
}

Test(hostile, greeting_with_protocol_version_11_is_refused)
{
    check_protocol_version_refused(11);
}

Test(hostile, pre_41_greeting_is_refused)
{
    /* version 10, "4.0.30", thread id, 8-byte scramble, NUL, caps without 4.1 */
    ss_send_hex(fx.srv, 0, "0a 34 2e 30 2e 33 30 00 07 00 00 00 5a 1f 7b 3c 0e 6d 2f 48 00 "
                           "2c 80");
    fx_assert_error(fx_connect(), DJ_EUNSUPPORTED, "4.1");
    fx_done();
    fx_assert_nothing_sent();
}

Test(hostile, local_infile_refusal_answered_with_rows_is_a_protocol_error)
{
    fx_script_until_query();
    ss_send_hex(fx.srv, 1, "fb 2f 65 74 63 2f 70 61 73 73 77 64");
    ss_expect_exact(fx.srv, 2, "");
    ss_send_hex(fx.srv, 3, "01");
    fx_assert_error(run_client(), DJ_EPROTO, "neither OK nor ERR");
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

Test(hostile, local_infile_request_gets_an_empty_file_and_is_reported)
{
    fx_script_until_query();
    ss_send_hex(fx.srv, 1, "fb 2f 65 74 63 2f 70 61 73 73 77 64"); /* /etc/passwd */
    ss_expect_exact(fx.srv, 2, "");
    ss_send_hex(fx.srv, 3, "00 00 00 02 00 00 00");
    ss_expect_exact(fx.srv, 0, "0e");
    ss_send_hex(fx.srv, 1, "00 00 00 02 00 00 00");
    fx_assert_error(run_client(), DJ_EUNSUPPORTED, "/etc/passwd");
    cr_assert_not_null(strstr(fx.err.message, "refused"));
    cr_assert_eq(dj_ping(fx.conn, &fx.err), 0, "ping after the refusal: %s", fx.err.message);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
    cr_assert_not(ss_received_contains(fx.srv, "root:", 5));
}

/* ---- compressed frames that lie about their sizes ---- */

#ifdef HAVE_ZLIB

#include <zlib.h>

/* Login with compression; the session statements arrive as compressed frames,
 * which the stall swallows; then the server answers with `frame` (and closes
 * the connection if asked). */
static int compressed_session_answered_with(const uint8_t *frame, size_t len, int then_close)
{
    fx.cfg.compress = 1;
    ss_greeting g = ss_greeting_default();
    g.capabilities |= DJ__CLIENT_COMPRESS;
    ss_script_login(fx.srv, &g);
    ss_stall(fx.srv, 300);
    ss_send_raw(fx.srv, frame, len);
    if (then_close)
        ss_close(fx.srv);
    return fx_connect();
}

/* A frame holding the zlib stream of an OK packet (seq 1), whose header
 * claims `claimed` bytes after inflating. */
static size_t lying_frame(uint8_t *frame, size_t cap, uint32_t claimed)
{
    static const uint8_t ok[] = {0x07, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
    uLongf clen = (uLongf)(cap - 7);
    cr_assert_eq(compress(frame + 7, &clen, ok, sizeof ok), Z_OK);
    dj__put_le24(frame, (uint32_t)clen);
    frame[3] = 0;
    dj__put_le24(frame + 4, claimed);
    return 7 + (size_t)clen;
}

/* The OK packet is 11 bytes; a header claiming `claimed` instead is refused. */
static void check_lying_size_refused(uint32_t claimed)
{
    uint8_t frame[128];
    size_t n = lying_frame(frame, sizeof frame, claimed);
    fx_assert_error(compressed_session_answered_with(frame, n, 0), DJ_EPROTO,
                    "corrupt compressed frame");
    fx_done();
}

Test(hostile, compressed_frame_inflating_to_less_than_claimed_is_a_protocol_error)
{
    check_lying_size_refused(16);
}

Test(hostile, compressed_frame_inflating_to_more_than_claimed_is_a_protocol_error)
{
    check_lying_size_refused(5);
}

Test(hostile, compressed_frame_claiming_16mib_from_garbage_is_a_protocol_error)
{
    uint8_t frame[7 + 10] = {10, 0, 0, 0, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    fx_assert_error(compressed_session_answered_with(frame, sizeof frame, 0), DJ_EPROTO,
                    "corrupt compressed frame");
    fx_done();
}

Test(hostile, compressed_frame_body_cut_by_a_close_is_a_lost_connection)
{
    uint8_t frame[128];
    size_t n = lying_frame(frame, sizeof frame, 11);
    fx_assert_error(compressed_session_answered_with(frame, n - 3, 1), DJ_ELOST, "");
    fx_done();
}

#endif
