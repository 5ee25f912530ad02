/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_faultproxy.c - the fault-injecting proxy (tests/proxy) between the
 * library and the scripted server: it passes a whole exchange unchanged,
 * and each action hits the packet it names, at the byte it names, the same
 * way on every run. The scripted server records what reached it, so a test
 * can tell "never arrived" from "processed, reply lost".
 */
#include "scripted/fixture.h"

#include "proxy/faultproxy.h"

#include <time.h>

TestSuite(faultproxy, .init = fx_setup, .fini = fx_teardown, .timeout = 60);

static fproxy *proxy;

/* Login and session, then a query answered with one row "x"; the client
 * connects through a proxy with `rules` added by the caller. */
static void script_select(void)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "16777216");
    const char *const rows[] = {"x"};
    ss_script_result(fx.srv, "c", 1, rows);
}

static void through_proxy(void)
{
    proxy = fp_new("127.0.0.1", ss_port(fx.srv));
    fx.cfg.port = fp_port(proxy);
}

/* Runs the client through the proxy: connect and one query read whole. */
static int run(void)
{
    fp_start(proxy);
    return fx_query_all("SELECT c FROM t");
}

static void finish(void)
{
    dj_close(fx.conn);
    fx.conn = NULL;
    fp_free(proxy);
    proxy = NULL;
}

/* The session's four statements are commands 1-4; the query is command 5. */
enum { QUERY_COMMAND = 5 };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(faultproxy, passes_a_whole_exchange_unchanged)
{
    script_select();
    through_proxy();
    cr_assert_eq(run(), 0, "%s", fx.err.message);
    cr_assert_eq(fp_connections(proxy), 1);
    cr_assert_eq(fp_count(proxy, 1, FP_COMMAND), QUERY_COMMAND);
    cr_assert_eq(fp_fired(proxy), 0);
    finish();
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
}

Test(faultproxy, close_at_a_command_keeps_it_from_the_server)
{
    script_select();
    through_proxy();
    fp_rule(proxy, 1, FP_COMMAND, QUERY_COMMAND, FP_CLOSE, 0);
    fx_assert_error(run(), DJ_ELOST, "lost");
    cr_assert_eq(fp_fired(proxy), 1);
    finish();
    /* the script waited for the query in vain: it never arrived */
    cr_assert_not_null(fx_done(), "the query reached the server");
    cr_assert_not(ss_received_contains(fx.srv, "SELECT c FROM t", 15));
}

Test(faultproxy, close_at_a_reply_loses_it_after_the_server_processed_the_command)
{
    script_select();
    through_proxy();
    fp_rule(proxy, 1, FP_REPLY, QUERY_COMMAND, FP_CLOSE, 0);
    fx_assert_error(run(), DJ_ELOST, "lost");
    finish();
    /* the server read the query and answered; the rest of its answer met
     * the closed connection */
    const char *failure = fx_done();
    cr_assert(!failure || strstr(failure, "send failed"), "script: %s", failure);
    cr_assert(ss_received_contains(fx.srv, "SELECT c FROM t", 15));
}

Test(faultproxy, cut_forwards_exactly_the_bytes_asked_for)
{
    /* the reply's first packet (column count: header + 1 byte) cut after
     * its header, at every run the same */
    for (int run_no = 0; run_no < 3; run_no++) {
        fx_teardown();
        fx_setup();
        script_select();
        through_proxy();
        fp_rule(proxy, 1, FP_REPLY, QUERY_COMMAND, FP_CUT, 4);
        fx_assert_error(run(), DJ_ELOST, "lost");
        finish();
        fx_done();
    }
}

Test(faultproxy, cut_inside_a_login_packet_fails_the_connect)
{
    script_select();
    through_proxy();
    fp_rule(proxy, 1, FP_SERVER_PACKET, 1, FP_CUT, 20); /* the greeting */
    fx_assert_error(run(), DJ_ELOST, "lost");
    cr_assert_eq(fp_count(proxy, 1, FP_CLIENT_PACKET), 0, "the client answered a cut greeting");
    finish();
    fx_done();
}

Test(faultproxy, delay_holds_a_packet_back)
{
    script_select();
    through_proxy();
    fp_rule(proxy, 1, FP_REPLY, QUERY_COMMAND, FP_DELAY, 400);
    int64_t t0 = now_ms();
    cr_assert_eq(run(), 0, "%s", fx.err.message);
    cr_assert_geq(now_ms() - t0, 400);
    finish();
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
}

Test(faultproxy, delay_beyond_the_read_timeout_is_a_timeout)
{
    script_select();
    through_proxy();
    fx.cfg.read_timeout_ms = 200;
    fp_rule(proxy, 1, FP_REPLY, QUERY_COMMAND, FP_DELAY, 1500);
    int rc = run();
    cr_assert_eq(rc, DJ_ETIMEOUT, "got %d: %s", rc, fx.err.message);
    finish();
    fx_done();
}

Test(faultproxy, drop_swallows_a_packet_and_the_client_waits_for_it)
{
    script_select();
    through_proxy();
    fx.cfg.read_timeout_ms = 300;
    /* the reply's last packet: count, definition, row, then the OK (a
     * packet dropped earlier would show as a sequence gap instead) */
    unsigned last = 0;
    fp_start(proxy);
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    last = fp_count(proxy, 1, FP_SERVER_PACKET) + 4;
    finish();
    fx_teardown();
    fx_setup();
    script_select();
    through_proxy();
    fx.cfg.read_timeout_ms = 300;
    fp_rule(proxy, 1, FP_SERVER_PACKET, last, FP_DROP, 0);
    int rc = run();
    cr_assert_eq(rc, DJ_ETIMEOUT, "got %d: %s", rc, fx.err.message);
    finish();
    fx_done();
}
