/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fixture.h - what every scripted-server test shares: a fresh server, a
 * configuration pointing at it with a counting allocator, and the checks
 * made at the end of every test (everything freed, no password in an error
 * message).
 */
#ifndef DJ_TEST_SCRIPTED_FIXTURE_H
#define DJ_TEST_SCRIPTED_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "scripted/packets.h"

static struct {
    sserver *srv;
    ss_counter counter;
    dj_config cfg;
    dj_error err;
    dj_conn *conn;
    dj__builder b;     /* scratch for building packets */
} fx;

static inline void fx_setup(void)
{
    memset(&fx, 0, sizeof fx);
    fx.srv = ss_new();
    ss_counter_init(&fx.counter);
    ss_config(&fx.cfg, fx.srv);
    fx.cfg.allocator = &fx.counter.allocator;
    dj__builder_init(&fx.b, NULL);
}

static inline void fx_teardown(void)
{
    dj_close(fx.conn);
    ss_free(fx.srv);
    dj__builder_free(&fx.b, 0);
}

/* Starts the script and connects with fx.cfg. */
static inline int fx_connect(void)
{
    ss_start(fx.srv);
    return dj_connect(&fx.conn, &fx.cfg, &fx.err);
}

/* The client's bytes must not contain the password anywhere. */
static inline void fx_assert_password_not_sent(void)
{
    cr_assert_not(ss_received_contains(fx.srv, SS_PASSWORD, strlen(SS_PASSWORD)),
                  "the password went over the wire");
}

/* Closes the client, lets the script end, and checks that every block the
 * library allocated was freed and that the password never went out in
 * clear. Returns the script's failure (NULL if none). */
static inline const char *fx_done(void)
{
    dj_close(fx.conn);
    fx.conn = NULL;
    const char *failure = ss_finish(fx.srv);
    cr_assert_eq(fx.counter.live_blocks, 0, "%zu blocks (%zu bytes) leaked",
                 fx.counter.live_blocks, fx.counter.live_bytes);
    fx_assert_password_not_sent();
    return failure;
}

/* rc and fx.err must be `code`, the message must name `needle`, and must not
 * contain the password. */
static inline void fx_assert_error(int rc, int code, const char *needle)
{
    cr_assert_eq(rc, code, "got %d (%s: %s), expected %d (%s)", rc, dj_strerror(rc),
                 fx.err.message, code, dj_strerror(code));
    cr_assert_eq(fx.err.code, code, "err.code %d", fx.err.code);
    cr_assert_not_null(strstr(fx.err.message, needle), "message \"%s\" does not mention \"%s\"",
                       fx.err.message, needle);
    cr_assert_null(strstr(fx.err.message, SS_PASSWORD), "the password is in the message");
}

/* The client must not have sent a single byte. */
static inline void fx_assert_nothing_sent(void)
{
    size_t len;
    ss_received(fx.srv, &len);
    cr_assert_eq(len, 0, "the client sent %zu bytes", len);
}

/* The server sends only greeting g; the client must refuse it with `code`
 * (message naming `needle`) without sending a byte. */
static inline void fx_assert_greeting_refused(const ss_greeting *g, int code, const char *needle)
{
    ss_build_greeting(&fx.b, g);
    ss_send_built(fx.srv, 0, &fx.b);
    fx_assert_error(fx_connect(), code, needle);
    fx_done();
    fx_assert_nothing_sent();
}

/* A default login and session, then a query is expected (seq 0); what the
 * server answers is up to the test. */
static inline void fx_script_until_query(void)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "16777216");
    ss_expect(fx.srv, 0, "03");
}

/* Starts the script, connects, runs sql and reads its whole result; the
 * first error (0 if none). */
static inline int fx_query_all(const char *sql)
{
    int rc = fx_connect();
    if (rc)
        return rc;
    dj_result *res;
    rc = dj_query(fx.conn, sql, strlen(sql), &res, &fx.err);
    if (rc)
        return rc;
    const dj_value *v;
    while ((rc = dj_result_fetch(res, &v, &fx.err)) == 1)
        ;
    int rc2 = dj_result_close(res, rc ? NULL : &fx.err);
    return rc ? rc : rc2;
}

#endif
