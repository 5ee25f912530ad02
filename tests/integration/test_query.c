/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_query.c - the shape of the query API: streamed rows and their
 * lifetime, result info, closing a result early, the convenience calls and
 * the simple commands.
 */
#include "itest.h"

Test(query, rows_stream_one_at_a_time_with_column_metadata)
{
    dj_conn *c = itest_connect();
    dj_result *r;
    dj_error err;
    const char *sql = "SELECT seq AS n, CONCAT('v', seq) AS s FROM mysql.seq_1_to_5";
    cr_assert_eq(dj_query(c, sql, strlen(sql), &r, &err), 0, "%s", err.message);
    cr_assert_eq(dj_result_column_count(r), 2u);
    cr_expect_str_eq(dj_result_column(r, 0)->name, "n");
    cr_expect_str_eq(dj_result_column(r, 1)->name, "s");
    cr_expect_eq(dj_result_column(r, 0)->type, DJ_TYPE_LONGLONG);
    cr_expect(dj_result_column(r, 0)->flags & DJ_FLAG_UNSIGNED);
    cr_expect_null(dj_result_column(r, 2));
    const dj_value *v;
    int n = 0;
    while (dj_result_fetch(r, &v, &err) == 1) {
        n++;
        char want[16];
        snprintf(want, sizeof want, "v%d", n);
        cr_expect_eq(v[1].len, strlen(want));
        cr_expect_eq(memcmp(v[1].ptr, want, v[1].len), 0);
    }
    cr_expect_eq(n, 5);
    cr_expect_eq(dj_result_fetch(r, &v, &err), 0, "fetch after the end stays at the end");
    cr_expect_eq(dj_result_next_set(r, &err), 0);
    cr_expect_eq(dj_result_close(r, &err), 0);
    dj_close(c);
}

Test(query, sql_is_taken_by_length_not_by_terminator)
{
    dj_conn *c = itest_connect();
    const char sql[] = "SELECT 7 garbage after the length";
    dj_result *r;
    cr_assert_eq(dj_query(c, sql, 8, &r, NULL), 0);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(r, &v, NULL), 1);
    cr_expect_eq(v[0].len, 1u);
    cr_expect_eq(v[0].ptr[0], '7');
    dj_result_close(r, NULL);
    dj_close(c);
}

Test(query, closing_a_result_early_frees_the_connection_for_the_next_command)
{
    dj_conn *c = itest_connect();
    dj_result *r;
    const char *sql = "SELECT seq FROM mysql.seq_1_to_50000";
    cr_assert_eq(dj_query(c, sql, strlen(sql), &r, NULL), 0);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(r, &v, NULL), 1);
    dj_error err;
    cr_expect_eq(dj_exec(c, "DO 1", NULL, &err), DJ_ESTATE, "a result is still open");
    cr_expect_eq(dj_ping(c, &err), DJ_ESTATE);
    cr_assert_eq(dj_result_close(r, &err), 0, "%s", err.message);
    char out[16];
    cr_expect_eq(dj_query_value(c, "SELECT 42", out, sizeof out, NULL, &err), 1);
    cr_expect_str_eq(out, "42");
    dj_close(c);
}

Test(query, statement_results_report_affected_rows_insert_id_and_warnings)
{
    dj_config cfg;
    itest_config(&cfg);
    /* A temporary table still needs a default database. */
    snprintf(cfg.database, sizeof cfg.database, "mysql");
    dj_conn *c = itest_connect_cfg(&cfg);
    itest_exec(c, "CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, x TINYINT)");
    dj_result_info info;
    dj_error err;
    cr_assert_eq(dj_exec(c, "INSERT INTO t (x) VALUES (1), (2), (3)", &info, &err), 0);
    cr_expect_eq(info.affected_rows, 3u);
    cr_expect_eq(info.last_insert_id, 1u);
    cr_assert_eq(dj_exec(c, "UPDATE t SET x = x + 1 WHERE id > 1", &info, &err), 0);
    cr_expect_eq(info.affected_rows, 2u);
    cr_assert_eq(dj_exec(c, "SET SESSION sql_mode = ''", NULL, &err), 0);
    cr_assert_eq(dj_exec(c, "INSERT INTO t (x) VALUES (1000)", &info, &err), 0);
    cr_expect_eq(info.warnings, 1u, "out-of-range value clipped with a warning");
    cr_expect_eq(info.last_insert_id, 4u);
    dj_close(c);
}

Test(query, query_value_reports_null_no_row_and_too_small_buffers)
{
    dj_conn *c = itest_connect();
    char out[8];
    int is_null = 0;
    dj_error err;
    cr_expect_eq(dj_query_value(c, "SELECT NULL", out, sizeof out, &is_null, &err), 1);
    cr_expect_eq(is_null, 1);
    cr_expect_eq(dj_query_value(c, "SELECT 1 FROM DUAL WHERE 0", out, sizeof out, NULL, &err), 0);
    cr_expect_eq(dj_query_value(c, "SELECT 'much too long'", out, sizeof out, NULL, &err),
                 DJ_ETOOBIG);
    cr_expect_eq(dj_query_value(c, "SELECT ''", out, sizeof out, &is_null, &err), 1);
    cr_expect_eq(is_null, 0);
    cr_expect_str_eq(out, "");
    cr_expect_eq(dj_ping(c, &err), 0, "the connection stays usable: %s", err.message);
    dj_close(c);
}

Test(query, ping_select_db_and_reset_session)
{
    dj_conn *c = itest_connect();
    dj_error err;
    cr_expect_eq(dj_ping(c, &err), 0);
    cr_expect_eq(dj_select_db(c, "mysql", &err), 0, "%s", err.message);
    char out[64];
    dj_query_value(c, "SELECT DATABASE()", out, sizeof out, NULL, NULL);
    cr_expect_str_eq(out, "mysql");
    cr_expect_eq(dj_select_db(c, "no_such_db_anywhere", &err), DJ_ESERVER);
    cr_expect_eq(err.server_errno, 1049);
    cr_expect_str_eq(err.sqlstate, "42000");
    itest_exec(c, "SET @kept = 1");
    cr_expect_eq(dj_reset_session(c, &err), 0, "%s", err.message);
    int is_null = 0;
    dj_query_value(c, "SELECT @kept", out, sizeof out, &is_null, NULL);
    cr_expect_eq(is_null, 1, "reset clears user variables");
    dj_query_value(c, "SELECT @@SESSION.sql_mode LIKE '%STRICT_ALL_TABLES%'", out, sizeof out,
                   NULL, NULL);
    cr_expect_str_eq(out, "1", "DataJoint's session settings come back after a reset");
    dj_close(c);
}

Test(query, multiple_result_sets_from_a_procedure)
{
    dj_conn *c = itest_connect();
    char name[64], sql[512];
    itest_unique_name(name, sizeof name, "proc");
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    itest_exec(c, sql);
    snprintf(sql, sizeof sql,
             "CREATE PROCEDURE %s.two() BEGIN SELECT 1 AS a; SELECT 2 AS b, 3 AS c; END", name);
    itest_exec(c, sql);
    snprintf(sql, sizeof sql, "CALL %s.two()", name);
    dj_result *r;
    dj_error err;
    cr_assert_eq(dj_query(c, sql, strlen(sql), &r, &err), 0, "%s", err.message);
    cr_expect_eq(dj_result_column_count(r), 1u);
    cr_expect_eq(dj_result_next_set(r, &err), 1);
    cr_expect_eq(dj_result_column_count(r), 2u);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(r, &v, &err), 1);
    cr_expect_eq(v[1].ptr[0], '3');
    cr_expect_eq(dj_result_next_set(r, &err), 1, "a CALL ends with an extra OK");
    cr_expect_eq(dj_result_column_count(r), 0u);
    cr_expect_eq(dj_result_next_set(r, &err), 0);
    cr_expect_eq(dj_result_close(r, &err), 0);
    snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
    itest_exec(c, sql);
    dj_close(c);
}

Test(query, refuses_use_after_close_of_the_link)
{
    dj_conn *c = itest_connect();
    dj_error err;
    char id[32];
    snprintf(id, sizeof id, "KILL %llu", (unsigned long long)dj_connection_id(c));
    dj_conn *killer = itest_connect();
    itest_exec(killer, id);
    dj_close(killer);
    int rc = dj_exec(c, "DO 1", NULL, &err);
    cr_expect(rc == DJ_ELOST || rc == DJ_ESERVER, "rc %d %s", rc, err.message);
    cr_expect_eq(err.kind, DJ_KIND_LOST_CONNECTION, "kind %d: %s", err.kind, err.message);
    cr_expect_eq(dj_is_connected(c), 0);
    cr_expect_eq(dj_exec(c, "DO 1", NULL, &err), DJ_ESTATE);
    dj_close(c);
}

Test(query, multi_statements_are_refused_unless_enabled_then_give_several_results)
{
    dj_conn *c = itest_connect();
    dj_error err;
    const char *sql = "SELECT 1; SELECT 2, 3";
    dj_result *r;
    cr_expect_eq(dj_query(c, sql, strlen(sql), &r, &err), DJ_ESERVER);
    cr_expect_eq(err.server_errno, 1064, "off by default: %s", err.message);
    dj_close(c);

    dj_config cfg;
    itest_config(&cfg);
    cfg.multi_statements = 1;
    c = itest_connect_cfg(&cfg);
    cr_assert_eq(dj_query(c, sql, strlen(sql), &r, &err), 0, "%s", err.message);
    cr_expect_eq(dj_result_column_count(r), 1u);
    cr_expect_eq(dj_result_next_set(r, &err), 1);
    cr_expect_eq(dj_result_column_count(r), 2u);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(r, &v, &err), 1);
    cr_expect_eq(v[1].ptr[0], '3');
    cr_expect_eq(dj_result_next_set(r, &err), 0);
    cr_expect_eq(dj_result_close(r, &err), 0);

    const char *bad = "DO 1; SELEC oops; DO 2";
    cr_assert_eq(dj_query(c, bad, strlen(bad), &r, &err), 0);
    cr_expect_eq(dj_result_next_set(r, &err), DJ_ESERVER, "the second statement fails");
    cr_expect_eq(err.server_errno, 1064);
    cr_expect_eq(dj_result_close(r, &err), 0);
    cr_expect_eq(dj_ping(c, &err), 0, "usable after an error inside a batch: %s", err.message);
    dj_close(c);
}
