/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_faults.c - faults of a real MariaDB: the server killed with SIGKILL
 * mid-result and mid-insert-loop, stopped with SIGSTOP (read, write and
 * connect timeouts must fire within their bound), KILL QUERY and KILL
 * CONNECTION from another session, and the server closing an idle session
 * (wait_timeout) with DataJoint's retry-once rule recovering.
 *
 * These tests kill and restart the server, so they never use the shared one:
 * the runner starts a private server (tests/server/test-server, with
 * innodb_flush_log_at_trx_commit=1 so that a commit the client saw survives
 * the kill) before the first test and stops it after the last; the tests
 * take turns through a lock file because each one may stop the server.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/file.h>
#include <time.h>

#include "itest.h"

/* Slack on top of a timeout for scheduling on a loaded 2-core machine. */
#define SLACK_MS 2500

/* ---- the private server, started by the runner process ---- */

static char server_dir[256];

static void run_test_server(const char *action)
{
    const char *top = getenv("DJ_TOP_SRCDIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/tests/server/test-server %s %s >&2", top ? top : ".", action,
             server_dir);
    if (system(cmd) != 0)
        setenv("DJ_FAULTS_SETUP_ERROR", action, 1);
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    if (!getenv("DJ_TOP_SRCDIR")) {
        setenv("DJ_FAULTS_SETUP_ERROR", "DJ_TOP_SRCDIR unset (run through make check)", 1);
        return;
    }
    snprintf(server_dir, sizeof server_dir, "%s/dj-faults.%ld",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    setenv("DJ_TEST_SERVER_CNF", "innodb_flush_log_at_trx_commit=1", 1);
    run_test_server("start");
    setenv("DJ_FAULTS_DIR", server_dir, 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    if (server_dir[0])
        run_test_server("stop");
}

/* ---- helpers used inside the tests ---- */

static int lock_fd = -1;

static const char *dir(void)
{
    const char *e = getenv("DJ_FAULTS_SETUP_ERROR");
    cr_assert(e == NULL, "the private test server could not be set up (%s): these tests need "
                         "tests/server/test-server and mariadbd", e);
    const char *d = getenv("DJ_FAULTS_DIR");
    cr_assert(d != NULL, "DJ_FAULTS_DIR unset: the runner did not start the private server");
    return d;
}

static void take_turn(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/faults.lock", dir());
    lock_fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    cr_assert(lock_fd >= 0 && flock(lock_fd, LOCK_EX) == 0, "lock %s: %s", path, strerror(errno));
}

static pid_t server_pid(void);

static void end_turn(void)
{
    /* A test that failed while the server was stopped must not leave it so. */
    pid_t pid = server_pid();
    if (pid > 0)
        kill(pid, SIGCONT);
    if (lock_fd >= 0)
        close(lock_fd);
}

static pid_t server_pid(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mariadbd.pid", getenv("DJ_FAULTS_DIR"));
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

/* The process state letter from /proc/PID/stat ('T' once stopped), or 0. */
static char process_state(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char state = 0;
    if (fgets(line, sizeof line, f)) {
        const char *close_paren = strrchr(line, ')');
        if (close_paren && close_paren[1] == ' ')
            state = close_paren[2];
    }
    fclose(f);
    return state;
}

static void signal_server(int sig)
{
    pid_t pid = server_pid();
    cr_assert(pid > 0, "no pid file for the private server");
    cr_assert_eq(kill(pid, sig), 0, "kill(%ld, %d): %s", (long)pid, sig, strerror(errno));
    /* Signals arrive asynchronously: a query sent right after SIGSTOP could
     * still be answered. Wait (bounded) until the kernel shows it stopped. */
    for (int i = 0; sig == SIGSTOP && i < 500 && process_state(pid) != 'T'; i++)
        usleep(2000);
    if (sig == SIGSTOP)
        cr_assert_eq(process_state(pid), 'T', "the server did not stop after SIGSTOP");
}

static void restart_server(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/tests/server/test-server restart %s >&2",
             getenv("DJ_TOP_SRCDIR"), dir());
    cr_assert_eq(system(cmd), 0, "test-server restart failed");
}

/* The private server's port, from the env file test-server wrote. */
static unsigned server_port(void)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/env", dir());
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "cannot read %s", path);
    unsigned port = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "export DJ_TEST_PORT='%u'", &port) == 1 ||
            sscanf(line, "export DJ_TEST_PORT=%u", &port) == 1)
            break;
    fclose(f);
    cr_assert(port > 0, "no DJ_TEST_PORT in %s", path);
    return port;
}

static void fault_config(dj_config *cfg)
{
    dj_config_init(cfg);
    snprintf(cfg->host, sizeof cfg->host, "127.0.0.1");
    cfg->port = server_port();
    snprintf(cfg->user, sizeof cfg->user, "dj_admin");
    snprintf(cfg->password, sizeof cfg->password, "dj_admin_pw");
    cfg->connect_timeout_ms = 10000;
}

static dj_conn *fault_connect(void)
{
    dj_config cfg;
    fault_config(&cfg);
    return itest_connect_cfg(&cfg);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void assert_lost(int rc, const dj_error *err, const char *what)
{
    cr_assert_eq(rc, DJ_ELOST, "%s: expected DJ_ELOST, got %d (%s)", what, rc, err->message);
    cr_assert_eq(err->kind, DJ_KIND_LOST_CONNECTION, "%s: error kind %d", what, (int)err->kind);
    cr_assert(err->message[0] != '\0', "%s: no message", what);
}

TestSuite(faults, .init = take_turn, .fini = end_turn, .timeout = 120);

/* ---- SIGKILL ---- */

Test(faults, server_killed_during_a_streamed_result_is_a_lost_connection_then_reconnect_works)
{
    dj_conn *c = fault_connect();
    dj_result *res;
    dj_error err;
    static const char sql[] = "SELECT seq, REPEAT('x', 200) FROM mysql.seq_1_to_50000000";
    cr_assert_eq(dj_query(c, sql, strlen(sql), &res, &err), 0, "%s", err.message);
    const dj_value *v;
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "row %d: %s", i, err.message);
    signal_server(SIGKILL);
    int rc;
    /* Rows already in the socket buffers still arrive; then the link ends. */
    while ((rc = dj_result_fetch(res, &v, &err)) == 1)
        ;
    assert_lost(rc, &err, "fetch after SIGKILL");
    dj_result_close(res, NULL);
    cr_assert_eq(dj_exec(c, "SELECT 1", NULL, &err), DJ_ESTATE, "a lost connection refuses commands");

    restart_server();
    cr_assert_eq(dj_reconnect(c, &err), 0, "reconnect after restart: %s", err.message);
    itest_exec(c, "SELECT 1");
    dj_close(c);
}

typedef struct killer {
    pid_t pid;
    atomic_long acked;  /* inserts acknowledged so far, set by the test */
} killer;

/* Kills the server once the loop is well under way (bounded wait, so a
 * stuck loop still ends). */
static void *kill_mid_loop(void *arg)
{
    killer *k = arg;
    for (int i = 0; i < 6000 && atomic_load(&k->acked) < 50; i++)
        sleep_ms(10);
    sleep_ms(30);
    kill(k->pid, SIGKILL);
    return NULL;
}

Test(faults, server_killed_during_an_insert_loop_loses_no_acknowledged_row)
{
    dj_conn *c = fault_connect();
    itest_exec(c, "CREATE DATABASE IF NOT EXISTS djt_faults");
    itest_exec(c, "DROP TABLE IF EXISTS djt_faults.acked");
    itest_exec(c, "CREATE TABLE djt_faults.acked (id INT PRIMARY KEY) ENGINE=InnoDB");

    killer k = {server_pid(), 0};
    cr_assert(k.pid > 0);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, kill_mid_loop, &k), 0);
    long acked = 0;
    dj_error err;
    int rc = 0;
    for (long i = 1; i < 10000000 && rc == 0; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "INSERT INTO djt_faults.acked VALUES (%ld)", i);
        rc = dj_exec(c, sql, NULL, &err);
        if (rc == 0) {
            acked = i;
            atomic_store(&k.acked, acked);
        }
    }
    pthread_join(t, NULL);
    assert_lost(rc, &err, "insert when the server died");
    cr_assert(acked > 0, "no insert was acknowledged before the kill");
    cr_log_info("%ld inserts acknowledged before SIGKILL", acked);

    restart_server();
    cr_assert_eq(dj_reconnect(c, &err), 0, "reconnect after restart: %s", err.message);
    char sql[128], value[32];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM djt_faults.acked WHERE id <= %ld", acked);
    cr_assert_eq(dj_query_value(c, sql, value, sizeof value, NULL, &err), 1, "%s", err.message);
    cr_assert_eq(atol(value), acked, "%ld rows acknowledged, %s found after the restart", acked,
                 value);
    itest_exec(c, "DROP DATABASE djt_faults");
    dj_close(c);
}

/* ---- SIGSTOP: the timeouts bound every blocking call ---- */

Test(faults, stopped_server_read_timeout_fires_within_its_bound)
{
    dj_config cfg;
    fault_config(&cfg);
    cfg.read_timeout_ms = 1000;
    dj_conn *c = itest_connect_cfg(&cfg);
    dj_error err;
    signal_server(SIGSTOP);
    int64_t t0 = now_ms();
    int rc = dj_exec(c, "SELECT 1", NULL, &err);
    int64_t took = now_ms() - t0;
    signal_server(SIGCONT);
    cr_assert_eq(rc, DJ_ETIMEOUT, "expected DJ_ETIMEOUT, got %d (%s)", rc, err.message);
    cr_log_info("read timeout of 1000 ms fired after %lld ms", (long long)took);
    cr_assert(took >= 900 && took <= 1000 + SLACK_MS, "blocked %lld ms for a 1000 ms timeout",
              (long long)took);
    cr_assert_eq(dj_reconnect(c, &err), 0, "reconnect after SIGCONT: %s", err.message);
    itest_exec(c, "SELECT 1");
    dj_close(c);
}

Test(faults, stopped_server_write_timeout_fires_within_its_bound)
{
    dj_config cfg;
    fault_config(&cfg);
    cfg.write_timeout_ms = 1000;
    cfg.read_timeout_ms = 1000;
    dj_conn *c = itest_connect_cfg(&cfg);
    /* Far more than the socket buffers hold, so the write must block. The
     * length is given, so no time goes into strlen (slow under valgrind)
     * and what is measured is the blocking write. */
    size_t n = 48u * 1024 * 1024;
    char *sql = malloc(n + 16);
    cr_assert(sql != NULL);
    memcpy(sql, "SELECT '", 8);
    memset(sql + 8, 'x', n);
    sql[8 + n] = '\'';
    dj_error err;
    dj_result *res = NULL;
    signal_server(SIGSTOP);
    int64_t t0 = now_ms();
    int rc = dj_query(c, sql, n + 9, &res, &err);
    int64_t took = now_ms() - t0;
    signal_server(SIGCONT);
    free(sql);
    dj_result_close(res, NULL);
    cr_assert_eq(rc, DJ_ETIMEOUT, "expected DJ_ETIMEOUT, got %d (%s)", rc, err.message);
    cr_log_info("write timeout of 1000 ms fired after %lld ms", (long long)took);
    cr_assert(took <= 1000 + SLACK_MS, "blocked %lld ms for a 1000 ms write timeout",
              (long long)took);
    dj_close(c);
}

Test(faults, stopped_server_connect_timeout_fires_within_its_bound)
{
    dj_config cfg;
    fault_config(&cfg);
    cfg.connect_timeout_ms = 1000;
    dj_conn *c = NULL;
    dj_error err;
    signal_server(SIGSTOP);
    int64_t t0 = now_ms();
    int rc = dj_connect(&c, &cfg, &err);
    int64_t took = now_ms() - t0;
    signal_server(SIGCONT);
    cr_assert_eq(rc, DJ_ETIMEOUT, "expected DJ_ETIMEOUT, got %d (%s)", rc, err.message);
    cr_assert_null(c);
    cr_log_info("connect timeout of 1000 ms fired after %lld ms", (long long)took);
    cr_assert(took >= 900 && took <= 1000 + SLACK_MS, "blocked %lld ms for a 1000 ms timeout",
              (long long)took);
}

/* ---- KILL from another session ---- */

typedef struct blocked_query {
    dj_conn *c;
    int rc;
    dj_error err;
} blocked_query;

static void *run_blocked(void *arg)
{
    blocked_query *q = arg;
    q->rc = dj_exec(q->c, "SELECT COUNT(*) FROM djt_faults_kill.t", NULL, &q->err);
    return NULL;
}

/* Waits until session id is waiting for the table lock. */
static void wait_until_blocked(dj_conn *watcher, uint64_t id)
{
    char sql[256], value[16];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %llu "
                              "AND STATE LIKE 'Waiting for table%%'", (unsigned long long)id);
    for (int i = 0; i < 200; i++) {
        dj_error err;
        cr_assert_eq(dj_query_value(watcher, sql, value, sizeof value, NULL, &err), 1, "%s",
                     err.message);
        if (atoi(value) > 0)
            return;
        sleep_ms(50);
    }
    cr_assert_fail("session %llu never started waiting for the lock", (unsigned long long)id);
}

Test(faults, kill_query_interrupts_the_statement_and_the_session_stays_usable)
{
    dj_conn *holder = fault_connect(), *victim = fault_connect(), *watcher = fault_connect();
    itest_exec(holder, "CREATE DATABASE IF NOT EXISTS djt_faults_kill");
    itest_exec(holder, "CREATE TABLE IF NOT EXISTS djt_faults_kill.t (id INT)");
    itest_exec(holder, "LOCK TABLES djt_faults_kill.t WRITE");
    blocked_query q = {victim, 1, {0}};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, run_blocked, &q), 0);
    /* The holder cannot read PROCESSLIST while it has tables locked. */
    wait_until_blocked(watcher, dj_connection_id(victim));
    char sql[64];
    snprintf(sql, sizeof sql, "KILL QUERY %llu", (unsigned long long)dj_connection_id(victim));
    itest_exec(holder, sql);
    pthread_join(t, NULL);
    cr_assert_eq(q.rc, DJ_ESERVER, "expected the server's error, got %d (%s)", q.rc, q.err.message);
    cr_assert_eq(q.err.server_errno, 1317, "errno %u: %s", q.err.server_errno, q.err.message);
    itest_exec(holder, "UNLOCK TABLES");
    itest_exec(victim, "SELECT 1");
    itest_exec(holder, "DROP DATABASE djt_faults_kill");
    dj_close(victim);
    dj_close(holder);
    dj_close(watcher);
}

static void kill_connection(dj_conn *killer_conn, dj_conn *victim)
{
    unsigned long long id = dj_connection_id(victim);
    char sql[160], value[16];
    snprintf(sql, sizeof sql, "KILL CONNECTION %llu", id);
    itest_exec(killer_conn, sql);
    /* The server ends the session asynchronously after KILL returns. */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %llu",
             id);
    for (int i = 0; i < 200; i++) {
        dj_error err;
        cr_assert_eq(dj_query_value(killer_conn, sql, value, sizeof value, NULL, &err), 1, "%s",
                     err.message);
        if (atoi(value) == 0)
            return;
        sleep_ms(50);
    }
    cr_assert_fail("session %llu still exists 10 s after KILL CONNECTION", id);
}

Test(faults, kill_connection_is_a_lost_connection)
{
    dj_conn *admin = fault_connect(), *victim = fault_connect();
    kill_connection(admin, victim);
    dj_error err;
    assert_lost(dj_exec(victim, "SELECT 1", NULL, &err), &err, "statement on a killed session");
    dj_close(victim);
    dj_close(admin);
}

Test(faults, kill_connection_is_recovered_by_the_retry_rule)
{
    dj_conn *admin = fault_connect(), *victim = fault_connect();
    uint64_t before = dj_connection_id(victim);
    kill_connection(admin, victim);
    dj_error err;
    cr_assert_eq(dj_exec_retry(victim, "SELECT 1", NULL, &err), 0, "%s", err.message);
    cr_assert_neq(dj_connection_id(victim), before, "the retry did not open a new session");
    dj_close(victim);
    dj_close(admin);
}

/* ---- the server closing idle sessions ---- */

static dj_conn *short_lived_session(void)
{
    dj_config cfg;
    fault_config(&cfg);
    snprintf(cfg.init_command, sizeof cfg.init_command, "SET SESSION wait_timeout=1");
    dj_conn *c = itest_connect_cfg(&cfg);
    sleep_ms(2500);
    return c;
}

Test(faults, idle_session_closed_by_wait_timeout_is_a_lost_connection)
{
    dj_conn *c = short_lived_session();
    dj_error err;
    assert_lost(dj_exec(c, "SELECT 1", NULL, &err), &err, "statement after wait_timeout");
    dj_close(c);
}

Test(faults, idle_session_closed_by_wait_timeout_is_recovered_by_the_retry_rule)
{
    dj_conn *c = short_lived_session();
    dj_error err;
    char value[8];
    cr_assert_eq(dj_query_value_retry(c, "SELECT 41 + 1", value, sizeof value, NULL, &err), 1,
                 "%s", err.message);
    cr_assert_str_eq(value, "42");
    dj_close(c);
}
