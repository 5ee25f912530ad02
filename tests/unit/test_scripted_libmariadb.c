/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_scripted_libmariadb.c - the scripted server checked by an independent
 * client: MariaDB Connector/C logs in with mysql_native_password (greeting,
 * response, OK) and reads a small result set, all scripted. If the scripted
 * greeting or result packets were laid out wrongly, Connector/C would fail
 * or compute another token; the login packet it sent must carry the native
 * token for the scripted scramble.
 */
#include "scripted/fixture.h"

#include "auth/auth.h"

TestSuite(scripted_libmariadb, .init = fx_setup, .fini = fx_teardown, .timeout = 30);

#ifdef HAVE_LIBMARIADB

#include <mysql.h>

/* A result set the old way (EOF packets), as Connector/C negotiates it. */
static void script_query_result(void)
{
    ss_expect_exact(fx.srv, 0, "03 53 45 4c 45 43 54 20 27 68 65 6c 6c 6f 27"); /* SELECT 'hello' */
    ss_send_hex(fx.srv, 1, "01");
    ss_build_coldef(&fx.b, "greeting");
    ss_send_built(fx.srv, 2, &fx.b);
    ss_send_hex(fx.srv, 3, "fe 00 00 02 00");
    static const char *const rows[2] = {"hello", NULL};
    ss_build_row(&fx.b, 1, &rows[0]);
    ss_send_built(fx.srv, 4, &fx.b);
    ss_build_row(&fx.b, 1, &rows[1]);
    ss_send_built(fx.srv, 5, &fx.b);
    ss_send_hex(fx.srv, 6, "fe 00 00 02 00");
    ss_expect_exact(fx.srv, 0, "01"); /* COM_QUIT */
}

Test(scripted_libmariadb, connector_c_logs_in_and_reads_a_result)
{
    ss_greeting g = ss_greeting_default();
    g.capabilities &= ~DJ__CLIENT_DEPRECATE_EOF;
    ss_script_login(fx.srv, &g);
    script_query_result();
    ss_start(fx.srv);

    MYSQL *m = mysql_init(NULL);
    cr_assert_not_null(m);
    unsigned timeout = 5;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
    MYSQL *ok = mysql_real_connect(m, "127.0.0.1", "scripted", SS_PASSWORD, NULL,
                                   ss_port(fx.srv), NULL, 0);
    cr_assert_not_null(ok, "Connector/C could not log in: %s", mysql_error(m));
    cr_assert_eq(mysql_query(m, "SELECT 'hello'"), 0, "query: %s", mysql_error(m));
    MYSQL_RES *res = mysql_store_result(m);
    cr_assert_not_null(res, "result: %s", mysql_error(m));
    cr_assert_eq(mysql_num_fields(res), 1);
    cr_assert_str_eq(mysql_fetch_field_direct(res, 0)->name, "greeting");
    MYSQL_ROW row = mysql_fetch_row(res);
    cr_assert_not_null(row);
    cr_assert_str_eq(row[0], "hello");
    row = mysql_fetch_row(res);
    cr_assert_not_null(row);
    cr_assert_null(row[0], "the second value is SQL NULL");
    cr_assert_null(mysql_fetch_row(res));
    mysql_free_result(res);
    mysql_close(m);

    const char *failure = ss_finish(fx.srv);
    cr_assert_null(failure, "script: %s", failure);
    size_t plen, alen;
    const uint8_t *login = ss_packet(fx.srv, 0, &plen, NULL);
    cr_assert_not_null(login);
    const uint8_t *auth = ss_login_auth_data(login, plen, &alen);
    uint8_t token[20];
    dj__auth_native_token(SS_PASSWORD, strlen(SS_PASSWORD), ss_vector_scramble, token);
    cr_assert_eq(alen, sizeof token, "Connector/C sent %zu bytes of auth data", alen);
    cr_assert_arr_eq(auth, token, sizeof token, "Connector/C's token differs from ours");
}

#else

/* Without Connector/C the independent check cannot run: fail, naming the fix,
 * rather than pass or vanish. */
Test(scripted_libmariadb, connector_c_is_installed)
{
    cr_assert_fail("MariaDB Connector/C was not found when configuring: install "
                   "libmariadb-dev (scripts/deps.sh lists it) and configure again "
                   "(scripts/build does when it sees the change)");
}

#endif
