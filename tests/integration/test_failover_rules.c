/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_failover_rules.c - the failover rules that one server can show
 * (docs/cluster.md): a write cut mid-statement is reported as "outcome
 * unknown" and not replayed, a read is replayed, session settings made
 * through the setters survive a reconnect, host-list order and backoff
 * deadline, and the readiness probe accepts a server without Galera. The
 * Galera cases run on a real cluster in tests/cluster.
 */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <pthread.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* KILLs a session from another connection after a delay, while the victim
 * is inside a statement. */
typedef struct delayed_kill {
    pthread_t thread;
    uint64_t id;
    unsigned delay_ms;
    int rc;
} delayed_kill;

static void *kill_after_delay(void *arg)
{
    delayed_kill *k = arg;
    struct timespec ts = {k->delay_ms / 1000, (long)(k->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    dj_config cfg;
    itest_config(&cfg);
    dj_conn *killer = NULL;
    k->rc = dj_connect(&killer, &cfg, NULL);
    if (k->rc == 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "KILL %llu", (unsigned long long)k->id);
        k->rc = dj_exec(killer, sql, NULL, NULL);
    }
    dj_close(killer);
    return NULL;
}

static void start_kill(delayed_kill *k, uint64_t id, unsigned delay_ms)
{
    memset(k, 0, sizeof *k);
    k->id = id;
    k->delay_ms = delay_ms;
    cr_assert_eq(pthread_create(&k->thread, NULL, kill_after_delay, k), 0);
}

static void finish_kill(delayed_kill *k)
{
    pthread_join(k->thread, NULL);
    cr_assert_eq(k->rc, 0, "the KILL from another session failed");
}

static void use_new_schema(dj_conn *c, char *name, size_t size)
{
    itest_unique_name(name, size, "fo");
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", name);
    itest_exec(c, sql);
    dj_error err;
    cr_assert_eq(dj_select_db(c, name, &err), 0, "%s", err.message);
    itest_exec(c, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
}

static void drop_schema(dj_conn *c, const char *name)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE `%s`", name);
    itest_exec(c, sql);
}

static unsigned long count_rows(dj_conn *c)
{
    char out[32];
    dj_error err;
    int rc = dj_query_value_retry(c, "SELECT COUNT(*) FROM t", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "%d %s", rc, err.message);
    return strtoul(out, NULL, 10);
}

/* Runs sql through dj_exec_flags while another session KILLs this one
 * 500 ms in; checks that the statement ended on a new session. */
static int exec_while_killed(dj_conn *c, const char *sql, unsigned flags, dj_error *err)
{
    uint64_t id = dj_connection_id(c);
    delayed_kill k;
    start_kill(&k, id, 500);
    int rc = dj_exec_flags(c, sql, flags, NULL, err);
    finish_kill(&k);
    cr_assert_neq(dj_connection_id(c), id, "the connection was replaced");
    return rc;
}

Test(failover_rules, a_write_cut_mid_statement_is_reported_outcome_unknown_not_replayed)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    dj_error err;
    int rc = exec_while_killed(c, "INSERT INTO t SELECT 1, SLEEP(3)", 0, &err);
    cr_assert_eq(rc, DJ_EOUTCOME_UNKNOWN, "returned %d: %s", rc, err.message);
    cr_assert_eq(err.code, DJ_EOUTCOME_UNKNOWN);
    cr_assert_eq(err.kind, DJ_KIND_LOST_CONNECTION);
    cr_assert_str_eq(dj_strerror(DJ_EOUTCOME_UNKNOWN), "outcome unknown");
    /* Already reconnected, to the same database, and nothing was replayed. */
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(count_rows(c), 0ul);
    drop_schema(c, schema);
    dj_close(c);
}

Test(failover_rules, an_idempotent_statement_cut_mid_statement_is_replayed)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    dj_error err;
    int rc = exec_while_killed(c, "INSERT IGNORE INTO t SELECT 1, SLEEP(2)", DJ_EXEC_IDEMPOTENT,
                               &err);
    cr_assert_eq(rc, 0, "returned %d: %s", rc, err.message);
    cr_assert_eq(count_rows(c), 1ul);
    drop_schema(c, schema);
    dj_close(c);
}

Test(failover_rules, a_read_cut_mid_statement_is_replayed)
{
    dj_conn *c = itest_connect();
    uint64_t id = dj_connection_id(c);
    delayed_kill k;
    start_kill(&k, id, 300);
    char out[16];
    dj_error err;
    int rc = dj_query_value_retry(c, "SELECT 41 + SLEEP(1)", out, sizeof out, NULL, &err);
    finish_kill(&k);
    cr_assert_eq(rc, 1, "returned %d: %s", rc, err.message);
    cr_assert_str_eq(out, "41", "the replay ran to completion");
    cr_assert_neq(dj_connection_id(c), id);
    dj_close(c);
}

Test(failover_rules, a_statement_on_a_connection_killed_while_idle_runs_on_the_new_one)
{
    dj_conn *c = itest_connect();
    char schema[64];
    use_new_schema(c, schema, sizeof schema);
    uint64_t id = dj_connection_id(c);
    delayed_kill k;
    start_kill(&k, id, 0);
    finish_kill(&k);
    /* Let the server finish closing the socket. */
    struct timespec ts = {0, 200000000L};
    nanosleep(&ts, NULL);
    dj_error err;
    int rc = dj_exec_retry(c, "INSERT INTO t VALUES (7, 7)", NULL, &err);
    cr_assert_eq(rc, 0, "returned %d: %s", rc, err.message);
    cr_assert_eq(count_rows(c), 1ul);
    drop_schema(c, schema);
    dj_close(c);
}

Test(failover_rules, time_zone_and_database_set_through_setters_survive_a_reconnect)
{
    dj_conn *c = itest_connect();
    dj_error err;
    cr_assert_eq(dj_set_time_zone(c, "+02:00", &err), 0, "%s", err.message);
    cr_assert_eq(dj_select_db(c, "mysql", &err), 0, "%s", err.message);
    cr_assert_eq(dj_set_wsrep_sync_wait(c, 1, &err), 0, "%s", err.message);
    cr_assert_eq(dj_reconnect(c, &err), 0, "%s", err.message);
    char out[64];
    int rc = dj_query_value(c, "SELECT CONCAT(@@time_zone, '|', DATABASE())", out, sizeof out,
                            NULL, &err);
    cr_assert_eq(rc, 1, "%d %s", rc, err.message);
    cr_assert_str_eq(out, "+02:00|mysql");
    cr_assert_eq(dj_set_time_zone(c, "+01:00'; DROP", &err), DJ_EINVAL);
    dj_close(c);
}

Test(failover_rules, time_zone_from_the_configuration_is_applied)
{
    dj_config cfg;
    itest_config(&cfg);
    dj_error err;
    cr_assert_eq(dj_config_set(&cfg, "connection.time_zone", "-05:00", &err), 0, "%s",
                 err.message);
    dj_conn *c = itest_connect_cfg(&cfg);
    char out[32];
    cr_assert_eq(dj_query_value(c, "SELECT @@time_zone", out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "-05:00");
    dj_close(c);
}

Test(failover_rules, a_server_without_galera_passes_the_readiness_probe)
{
    dj_conn *c = itest_connect();
    cr_assert_eq(dj_server_is_galera(c), 0);
    cr_assert_eq(dj_host_index(c), 0u);
    dj_close(c);
}

Test(failover_rules, the_list_is_tried_in_order_and_the_last_good_host_is_kept)
{
    dj_config cfg;
    itest_config(&cfg);
    /* Port 1 is closed on loopback: refused at once. */
    char live[DJ_HOST_MAX];
    snprintf(live, sizeof live, "%s", cfg.host);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1:1,%.200s:%u,127.0.0.1:1", live, cfg.port);
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_assert_eq(dj_host_index(c), 1u);
    dj_error err;
    cr_assert_eq(dj_reconnect(c, &err), 0, "%s", err.message);
    cr_assert_eq(dj_host_index(c), 1u, "the reconnect stays on the last good host");
    dj_close(c);
}

Test(failover_rules, every_host_down_backs_off_until_the_deadline)
{
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1:1,127.0.0.1:2");
    cfg.failover_deadline_ms = 1500;
    dj_conn *c = NULL;
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_connect(&c, &cfg, &err);
    double took = now_seconds() - t0;
    cr_assert_eq(rc, DJ_ECONNECT, "%d %s", rc, err.message);
    cr_assert_geq(took, 1.0, "gave up after %.2f s, before the deadline", took);
    cr_assert_lt(took, 15.0, "the deadline was not honoured: %.2f s", took);
    cr_assert_not_null(strstr(err.message, "127.0.0.1:1"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "127.0.0.1:2"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "passes"), "several passes were made: %s",
                       err.message);
}

Test(failover_rules, failover_settings_are_configuration_keys)
{
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(cfg.failover_deadline_ms, DJ_DEFAULT_FAILOVER_DEADLINE_MS);
    cr_assert_eq(cfg.causal_schema_checks, 1);
    dj_error err;
    cr_assert_eq(dj_config_set(&cfg, "database.failover_deadline", "12.5", &err), 0);
    cr_assert_eq(cfg.failover_deadline_ms, 12500u);
    cr_assert_eq(dj_config_set(&cfg, "database.wsrep_sync_wait", "15", &err), 0);
    cr_assert_eq(cfg.wsrep_sync_wait, 15u);
    cr_assert_eq(dj_config_set(&cfg, "database.wsrep_sync_wait", "x", &err), DJ_ECONFIG);
    cr_assert_eq(dj_config_set(&cfg, "database.require_synced", "true", &err), 0);
    cr_assert_eq(cfg.require_synced, 1);
    char out[32];
    cr_assert_eq(dj_config_get(&cfg, "database.wsrep_sync_wait", out, sizeof out, 0), 0);
    cr_assert_str_eq(out, "15");
}
