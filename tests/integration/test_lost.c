/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_lost.c - connections that go away: killed by another session, idle
 * past wait_timeout, stalled past the read timeout, refused or silent at
 * connect time; DataJoint's rule of reconnecting once outside a transaction
 * and reporting a lost transaction inside one; host lists, the Unix socket,
 * and session reset.
 */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

static const char lost_in_transaction[] = "Connection was lost during a transaction.";

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static uint64_t query_u64(dj_conn *c, const char *sql)
{
    char out[32];
    dj_error err;
    int rc = dj_query_value(c, sql, out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "%s: %d %s", sql, rc, err.message);
    return strtoull(out, NULL, 10);
}

/* KILLs session id from another connection and waits until the server has
 * ended it, so the victim's socket is closed when the test goes on. */
static void kill_session(uint64_t id)
{
    dj_conn *killer = itest_connect();
    char sql[128];
    snprintf(sql, sizeof sql, "KILL %llu", (unsigned long long)id);
    itest_exec(killer, sql);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.processlist WHERE id = %llu",
             (unsigned long long)id);
    double deadline = now_seconds() + 5.0;
    while (query_u64(killer, sql) != 0) {
        cr_assert_lt(now_seconds(), deadline, "session %llu still alive 5 s after KILL",
                     (unsigned long long)id);
        sleep_ms(10);
    }
    dj_close(killer);
}

/* A 127.0.0.1 port with no listener: bound to get a free number, then
 * released. */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* A listener that never accepts: the kernel completes the TCP handshake,
 * but no greeting ever comes. Returns the socket; *port gets its port. */
static int silent_listener(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(fd, 8), 0);
    socklen_t len = sizeof sa;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A fresh schema with table t (id INT PRIMARY KEY) as default database. */
static void use_new_schema(dj_conn *c, char *schema, size_t size)
{
    char sql[160];
    dj_error err;
    itest_unique_name(schema, size, "lost");
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", schema);
    itest_exec(c, sql);
    cr_assert_eq(dj_select_db(c, schema, &err), 0, "%s", err.message);
    itest_exec(c, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
}

static void drop_schema(dj_conn *c, const char *schema)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", schema);
    itest_exec(c, sql);
}

static void expect_lost(int rc, const dj_error *err, const char *what)
{
    cr_assert_eq(rc, DJ_ELOST, "%s returned %d (%s), expected DJ_ELOST", what, rc, err->message);
    cr_assert_eq(err->code, DJ_ELOST);
    cr_assert_eq(err->kind, DJ_KIND_LOST_CONNECTION, "%s: kind %d", what, err->kind);
    cr_assert_neq(err->message[0], '\0');
}

Test(lost, killed_connection_is_reported_lost_and_reconnect_restores_it)
{
    dj_conn *c = itest_connect();
    uint64_t id = dj_connection_id(c);
    cr_assert_neq(id, 0u);
    cr_assert_eq(query_u64(c, "SELECT CONNECTION_ID()"), id,
                 "dj_connection_id must match the server's CONNECTION_ID()");
    kill_session(id);

    dj_error err;
    expect_lost(dj_exec(c, "SELECT 1", NULL, &err), &err, "dj_exec after KILL");
    cr_assert_eq(dj_is_connected(c), 0);
    cr_assert_eq(dj_in_transaction(c), 0);

    /* Everything but reconnect and close is refused now. */
    dj_result *res = NULL;
    cr_assert_eq(dj_query(c, "SELECT 1", 8, &res, &err), DJ_ESTATE);
    cr_assert_null(res);
    cr_assert_eq(dj_exec(c, "SELECT 1", NULL, &err), DJ_ESTATE);
    cr_assert(strstr(err.message, "dj_reconnect") != NULL, "the message says what to do: %s",
              err.message);
    cr_assert_eq(dj_ping(c, &err), DJ_ESTATE);
    cr_assert_eq(dj_select_db(c, "mysql", &err), DJ_ESTATE);
    char out[8];
    cr_assert_eq(dj_query_value(c, "SELECT 1", out, sizeof out, NULL, &err), DJ_ESTATE);

    int rc = dj_reconnect(c, &err);
    cr_assert_eq(rc, 0, "reconnect failed: %s", err.message);
    cr_assert_eq(dj_is_connected(c), 1);
    uint64_t new_id = dj_connection_id(c);
    cr_assert_neq(new_id, id, "a reconnect is a new session");
    cr_assert_eq(query_u64(c, "SELECT CONNECTION_ID()"), new_id);
    dj_close(c);
}

Test(lost, killed_during_a_running_query_is_reported_lost)
{
    dj_conn *c = itest_connect();
    uint64_t id = dj_connection_id(c);
    dj_result *res = NULL;
    dj_error err;
    /* A result left half-read: the kill arrives while rows are pending. */
    int rc = dj_query(c, "SELECT seq FROM mysql.seq_1_to_1000000", 38, &res, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1);
    kill_session(id);
    while ((rc = dj_result_fetch(res, &v, &err)) == 1)
        ;
    expect_lost(rc, &err, "fetch after KILL");
    cr_assert_eq(dj_is_connected(c), 0);
    cr_assert_eq(dj_result_close(res, &err), 0, "closing a result of a lost connection");
    cr_assert_eq(dj_reconnect(c, &err), 0, "%s", err.message);
    cr_assert_eq(query_u64(c, "SELECT 6*7"), 42u);
    dj_close(c);
}

Test(lost, ping_after_kill_fails_as_lost)
{
    dj_conn *c = itest_connect();
    dj_error err;
    cr_assert_eq(dj_ping(c, &err), 0, "%s", err.message);
    kill_session(dj_connection_id(c));
    expect_lost(dj_ping(c, &err), &err, "dj_ping after KILL");
    cr_assert_eq(dj_is_connected(c), 0);
    dj_close(c);
}

Test(lost, exec_retry_after_kill_reconnects_once_and_runs_the_statement)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    uint64_t id = dj_connection_id(c);
    kill_session(id);

    dj_result_info info;
    dj_error err;
    int rc = dj_exec_retry(c, "INSERT INTO t VALUES (1)", &info, &err);
    cr_assert_eq(rc, 0, "dj_exec_retry failed: %d %s", rc, err.message);
    cr_assert_eq(info.affected_rows, 1u);
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_neq(dj_connection_id(c), id, "the statement ran on a new session");
    /* The reconnect went back to the selected database, and the statement
     * ran exactly once. */
    cr_assert_eq(query_u64(c, "SELECT COUNT(*) FROM t"), 1u);

    char out[16];
    kill_session(dj_connection_id(c));
    rc = dj_query_value_retry(c, "SELECT MAX(id) + 1 FROM t", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "dj_query_value_retry failed: %d %s", rc, err.message);
    cr_assert_str_eq(out, "2");
    drop_schema(c, schema);
    dj_close(c);
}

Test(lost, exec_retry_does_not_reconnect_when_reconnect_is_off)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.reconnect = 0;
    dj_conn *c = itest_connect_cfg(&cfg);
    kill_session(dj_connection_id(c));
    dj_error err;
    expect_lost(dj_exec_retry(c, "SELECT 1", NULL, &err), &err, "dj_exec_retry without reconnect");
    cr_assert_eq(dj_is_connected(c), 0);
    dj_close(c);
}

Test(lost, kill_inside_a_transaction_reports_the_transaction_lost)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);
    cr_assert_eq(dj_in_transaction(c), 1);
    cr_assert_eq(dj_exec_retry(c, "INSERT INTO t VALUES (1)", NULL, &err), 0, "%s", err.message);
    uint64_t id = dj_connection_id(c);
    kill_session(id);

    int rc = dj_exec_retry(c, "INSERT INTO t VALUES (2)", NULL, &err);
    cr_assert_eq(rc, DJ_ETRANSACTION, "returned %d (%s)", rc, err.message);
    cr_assert_eq(err.code, DJ_ETRANSACTION);
    cr_assert_str_eq(err.message, lost_in_transaction);
    cr_assert_eq(err.kind, DJ_KIND_LOST_CONNECTION);

    /* Reconnected, outside any transaction, and nothing of it survived:
     * neither the work before the kill nor the statement that found it. */
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(dj_in_transaction(c), 0);
    cr_assert_neq(dj_connection_id(c), id);
    cr_assert_eq(query_u64(c, "SELECT COUNT(*) FROM t"), 0u);
    cr_assert_eq(query_u64(c, "SELECT @@in_transaction"), 0u);

    cr_assert_eq(dj_transaction_start(c, &err), 0, "a new transaction can start: %s",
                 err.message);
    cr_assert_eq(dj_exec_retry(c, "INSERT INTO t VALUES (3)", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(dj_transaction_commit(c, &err), 0, "%s", err.message);
    cr_assert_eq(query_u64(c, "SELECT COUNT(*) FROM t"), 1u);
    drop_schema(c, schema);
    dj_close(c);
}

/* Starts a transaction holding one inserted row, then kills its session. */
static void transaction_then_kill(dj_conn *c)
{
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);
    cr_assert_eq(dj_exec_retry(c, "INSERT INTO t VALUES (1)", NULL, &err), 0, "%s", err.message);
    kill_session(dj_connection_id(c));
}

Test(lost, commit_after_kill_reports_the_transaction_lost_instead_of_committing_nothing)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    transaction_then_kill(c);
    dj_error err;
    int rc = dj_transaction_commit(c, &err);
    cr_assert_eq(rc, DJ_ETRANSACTION, "COMMIT of a lost transaction returned %d (%s)", rc,
                 err.message);
    cr_assert_str_eq(err.message, lost_in_transaction);
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(dj_in_transaction(c), 0);
    cr_assert_eq(query_u64(c, "SELECT COUNT(*) FROM t"), 0u);
    drop_schema(c, schema);
    dj_close(c);
}

Test(lost, transaction_lost_under_plain_exec_is_reported_by_the_next_retry)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    transaction_then_kill(c);
    dj_error err;
    expect_lost(dj_exec(c, "INSERT INTO t VALUES (2)", NULL, &err), &err, "dj_exec after KILL");
    cr_assert_eq(dj_in_transaction(c), 0, "a closed connection has no transaction");

    /* The retry must not quietly run the statement outside the transaction
     * its caller believes in. */
    int rc = dj_exec_retry(c, "INSERT INTO t VALUES (3)", NULL, &err);
    cr_assert_eq(rc, DJ_ETRANSACTION, "returned %d (%s)", rc, err.message);
    cr_assert_str_eq(err.message, lost_in_transaction);
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(query_u64(c, "SELECT COUNT(*) FROM t"), 0u);
    drop_schema(c, schema);
    dj_close(c);
}

Test(lost, transaction_start_after_a_lost_transaction_begins_afresh)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    transaction_then_kill(c);
    dj_error err;
    expect_lost(dj_exec(c, "SELECT 1", NULL, &err), &err, "dj_exec after KILL");

    int rc = dj_transaction_start(c, &err);
    cr_assert_eq(rc, 0, "starting a new transaction reconnects: %d %s", rc, err.message);
    cr_assert_eq(dj_in_transaction(c), 1);
    cr_assert_eq(dj_exec_retry(c, "INSERT INTO t VALUES (4)", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(dj_transaction_commit(c, &err), 0, "%s", err.message);
    cr_assert_eq(query_u64(c, "SELECT GROUP_CONCAT(id) FROM t"), 4u);
    drop_schema(c, schema);
    dj_close(c);
}

Test(lost, nested_transaction_start_is_refused)
{
    dj_conn *c = itest_connect();
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);
    cr_assert(dj_server_status(c) & DJ_STATUS_IN_TRANS);
    int rc = dj_transaction_start(c, &err);
    cr_assert_eq(rc, DJ_ETRANSACTION, "nested start returned %d", rc);
    cr_assert_str_eq(err.message, "Nested connections are not supported.");
    cr_assert_eq(dj_in_transaction(c), 1, "the outer transaction is still open");
    cr_assert_eq(dj_transaction_cancel(c, &err), 0, "%s", err.message);
    cr_assert_eq(dj_in_transaction(c), 0);
    cr_assert_eq(dj_server_status(c) & DJ_STATUS_IN_TRANS, 0);
    dj_close(c);
}

Test(lost, idle_past_wait_timeout_is_lost_and_exec_retry_recovers)
{
    dj_conn *c = itest_connect();
    uint64_t id = dj_connection_id(c);
    itest_exec(c, "SET SESSION wait_timeout = 1");
    /* The server checks the timeout once a second; give it a margin. */
    sleep_ms(2500);

    dj_error err;
    char out[16];
    int rc = dj_query_value_retry(c, "SELECT @@session.wait_timeout", out, sizeof out, NULL,
                                  &err);
    cr_assert_eq(rc, 1, "dj_query_value_retry failed: %d %s", rc, err.message);
    cr_assert_neq(dj_connection_id(c), id, "the server had closed the idle session");
    cr_assert_neq(strcmp(out, "1"), 0, "the new session has the default wait_timeout, not %s",
                  out);
    dj_close(c);
}

Test(lost, read_timeout_fires_against_a_stalled_server)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.read_timeout_ms = 500;
    dj_conn *c = itest_connect_cfg(&cfg);
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_exec(c, "SELECT SLEEP(5)", NULL, &err);
    double elapsed = now_seconds() - t0;
    cr_assert_eq(rc, DJ_ETIMEOUT, "returned %d (%s)", rc, err.message);
    cr_assert_eq(err.code, DJ_ETIMEOUT);
    cr_assert(elapsed >= 0.4 && elapsed <= 2.0, "timeout after %.3f s, configured 0.5 s",
              elapsed);
    /* The answer may still come: the stream cannot be trusted any more. */
    cr_assert_eq(dj_is_connected(c), 0);
    cr_assert_eq(dj_exec(c, "SELECT 1", NULL, &err), DJ_ESTATE);

    cr_assert_eq(dj_reconnect(c, &err), 0, "%s", err.message);
    cr_assert_eq(query_u64(c, "SELECT 1 + 1"), 2u);
    dj_close(c);
}

Test(lost, closed_port_is_refused_quickly)
{
    dj_config cfg;
    itest_config(&cfg);
    unsigned port = closed_port();
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
    cfg.port = port;
    dj_conn *c = NULL;
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_connect(&c, &cfg, &err);
    double elapsed = now_seconds() - t0;
    cr_assert_eq(rc, DJ_ECONNECT, "returned %d (%s)", rc, err.message);
    cr_assert_null(c, "no handle on failure");
    cr_assert_lt(elapsed, 1.0, "refusal took %.3f s", elapsed);
    char where[32];
    snprintf(where, sizeof where, "127.0.0.1:%u", port);
    cr_assert(strstr(err.message, where) != NULL, "the message names %s: %s", where,
              err.message);
    cr_assert_neq(err.os_errno, 0, "the OS error is kept");
}

Test(lost, silent_server_hits_the_connect_timeout)
{
    unsigned port;
    int fd = silent_listener(&port);
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
    cfg.port = port;
    cfg.connect_timeout_ms = 500;
    dj_conn *c = NULL;
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_connect(&c, &cfg, &err);
    double elapsed = now_seconds() - t0;
    close(fd);
    cr_assert_eq(rc, DJ_ETIMEOUT, "returned %d (%s)", rc, err.message);
    cr_assert_null(c);
    cr_assert(elapsed >= 0.4 && elapsed <= 2.0, "gave up after %.3f s, configured 0.5 s",
              elapsed);
}

Test(lost, host_list_skips_a_refusing_host)
{
    dj_config cfg;
    itest_config(&cfg);
    unsigned dead = closed_port(), live = cfg.port;
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1:%u,127.0.0.1:%u", dead, live);
    dj_conn *c = itest_connect_cfg(&cfg);
    char peer[32];
    snprintf(peer, sizeof peer, "127.0.0.1:%u", live);
    cr_assert_str_eq(dj_peer(c), peer);
    cr_assert_eq(query_u64(c, "SELECT 3"), 3u);
    dj_close(c);
}

Test(lost, host_list_skips_a_silent_host)
{
    unsigned silent;
    int fd = silent_listener(&silent);
    dj_config cfg;
    itest_config(&cfg);
    unsigned live = cfg.port;
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1:%u,127.0.0.1:%u", silent, live);
    cfg.connect_timeout_ms = 500;
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    close(fd);
    cr_assert_eq(rc, 0, "a hung first host must not keep the second from being tried: %d %s",
                 rc, err.message);
    char peer[32];
    snprintf(peer, sizeof peer, "127.0.0.1:%u", live);
    cr_assert_str_eq(dj_peer(c), peer);
    dj_close(c);
}

Test(lost, all_hosts_down_names_each_failure)
{
    unsigned silent;
    int fd = silent_listener(&silent);
    unsigned refused = closed_port();
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1:%u,127.0.0.1:%u", refused, silent);
    cfg.connect_timeout_ms = 500;
    cfg.failover_deadline_ms = 0; /* one pass: the report, not the backoff, is tested here */
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    close(fd);
    cr_assert(rc == DJ_ECONNECT || rc == DJ_ETIMEOUT, "returned %d (%s)", rc, err.message);
    cr_assert_null(c);
    char a[32], b[32];
    snprintf(a, sizeof a, "127.0.0.1:%u", refused);
    snprintf(b, sizeof b, "127.0.0.1:%u", silent);
    cr_assert(strstr(err.message, a) != NULL && strstr(err.message, b) != NULL,
              "the message names both hosts: %s", err.message);
    cr_assert(strstr(err.message, "refused") != NULL, "the refusal is reported: %s",
              err.message);
    cr_assert(strstr(err.message, "time") != NULL, "the timeout is reported: %s", err.message);
}

Test(lost, unix_socket_connects_and_peer_is_the_path)
{
    dj_config cfg;
    itest_config(&cfg);
    const char *path = itest_env("DJ_TEST_SOCKET");
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", path);
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_assert_str_eq(dj_peer(c), path);
    char out[128];
    dj_error err;
    cr_assert_eq(dj_query_value(c, "SELECT USER()", out, sizeof out, NULL, &err), 1, "%s",
                 err.message);
    cr_assert(strstr(out, "@localhost") != NULL, "the server sees a local client: %s", out);
    dj_close(c);
}

Test(lost, reset_session_clears_user_variables_and_keeps_the_connection)
{
    dj_conn *c = itest_connect();
    uint64_t id = dj_connection_id(c);
    itest_exec(c, "SET @x = 5");
    itest_exec(c, "SET SESSION sql_mode = ''");
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);

    int rc = dj_reset_session(c, &err);
    cr_assert_eq(rc, 0, "dj_reset_session failed: %d %s", rc, err.message);
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(dj_in_transaction(c), 0, "the reset ended the transaction");
    cr_assert_eq(dj_connection_id(c), id, "the same session, not a reconnect");

    char out[256];
    int is_null = 0;
    rc = dj_query_value(c, "SELECT @x", out, sizeof out, &is_null, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    cr_assert_eq(is_null, 1, "@x is gone after the reset, got %s", out);
    rc = dj_query_value(c, "SELECT @@session.sql_mode", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    cr_assert(strstr(out, "STRICT_ALL_TABLES") != NULL,
              "DataJoint's sql_mode is applied again: %s", out);
    cr_assert_eq(query_u64(c, "SELECT @@in_transaction"), 0u);
    dj_close(c);
}
