/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_servers.c - every auth plugin and TLS mode against the real servers
 * that tests/server/real-servers starts: Oracle MySQL 9.7 (DJ_MY9_*),
 * MariaDB 11.8 (DJ_MDB11_*) and MariaDB 11.8 without TLS (DJ_MDB11_NOSSL_*).
 *
 * Which way a password was proven (fast auth, clear inside TLS, RSA with a
 * pinned or a requested key) is read from the library's debug log line
 * "authenticated as USER with PLUGIN: ROUTE". Tests that depend on the
 * server's caching_sha2 cache create an account of their own, so the first
 * login is a full authentication whatever order the tests run in.
 */
#define _GNU_SOURCE 1 /* memmem */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/scan_alloc.h"
#include "datajoint.h"

#define MY9 "DJ_MY9"
#define MDB11 "DJ_MDB11"
#define NOSSL "DJ_MDB11_NOSSL"
#define ADMIN_PW "dj admin pw"

static const char *srv_env(const char *prefix, const char *key)
{
    char name[128];
    snprintf(name, sizeof name, "%s_%s", prefix, key);
    const char *v = getenv(name);
    if (!v)
        cr_assert_fail("%s is not set: these tests need the real MySQL 9.7 and MariaDB 11.8 "
                       "servers. Run them through scripts/legs/20-servers or "
                       "`make check-servers` (tests/server/real-servers start DIR; . DIR/env).",
                       name);
    return v;
}

static void tls_path(char *out, size_t size, const char *prefix, const char *file)
{
    snprintf(out, size, "%s/%s", srv_env(prefix, "TLS_DIR"), file);
}

static void srv_config(dj_config *cfg, const char *prefix, const char *user, const char *pass,
                       dj_tls_mode mode)
{
    dj_config_init(cfg);
    snprintf(cfg->host, sizeof cfg->host, "%s", srv_env(prefix, "HOST"));
    cfg->port = (unsigned)atoi(srv_env(prefix, "PORT"));
    snprintf(cfg->user, sizeof cfg->user, "%s", user);
    snprintf(cfg->password, sizeof cfg->password, "%s", pass);
    cfg->tls_mode = mode;
    if (mode >= DJ_TLS_VERIFY_CA)
        tls_path(cfg->tls_ca, sizeof cfg->tls_ca, prefix, "ca.pem");
    cfg->connect_timeout_ms = 20000;
    cfg->loglevel = DJ_LOG_DEBUG;
}

/* The route of the last successful login, from the debug log. */
typedef struct login_log {
    char line[512];
} login_log;

static void keep_auth_line(dj_log_level level, const char *message, void *ud)
{
    (void)level;
    if (strncmp(message, "authenticated as ", 17) == 0)
        snprintf(((login_log *)ud)->line, sizeof ((login_log *)ud)->line, "%s", message);
}

/* Connects, closes, and returns the log line; fails the test on error. */
static void login_ok(dj_config *cfg, login_log *log)
{
    memset(log, 0, sizeof *log);
    cfg->log_fn = keep_auth_line;
    cfg->log_ud = log;
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, cfg, &err);
    cr_assert_eq(rc, 0, "login as %s failed: %d %s", cfg->user, rc, err.message);
    dj_close(c);
}

static void expect_route(dj_config *cfg, const char *plugin, const char *route)
{
    login_log log;
    login_ok(cfg, &log);
    char want[256];
    snprintf(want, sizeof want, "with %s%s%s", plugin, route ? ": " : "", route ? route : "");
    cr_assert(strstr(log.line, want) != NULL, "expected '%s' in '%s'", want, log.line);
    if (!route)
        cr_assert(strchr(strstr(log.line, "with "), ':') == NULL, "unexpected route: %s",
                  log.line);
}

static void expect_login(const char *prefix, const char *user, const char *pw, dj_tls_mode mode,
                         const char *plugin, const char *route)
{
    dj_config cfg;
    srv_config(&cfg, prefix, user, pw, mode);
    expect_route(&cfg, plugin, route);
}

static int login_fails(dj_config *cfg, dj_error *err)
{
    dj_conn *c = NULL;
    int rc = dj_connect(&c, cfg, err);
    if (rc == 0)
        dj_close(c);
    cr_assert_neq(rc, 0, "login as %s unexpectedly succeeded", cfg->user);
    cr_assert(strstr(err->message, cfg->password) == NULL || !cfg->password[0],
              "the error message shows the password: %s", err->message);
    return rc;
}

/* The admin account, over TLS where the server has it. */
static dj_conn *admin_connect(const char *prefix)
{
    dj_config cfg;
    srv_config(&cfg, prefix, "dj_admin", ADMIN_PW,
               strcmp(prefix, NOSSL) == 0 ? DJ_TLS_DISABLED : DJ_TLS_VERIFY_CA);
    dj_conn *c = NULL;
    dj_error err;
    cr_assert_eq(dj_connect(&c, &cfg, &err), 0, "admin login: %s", err.message);
    return c;
}

static void admin_exec(const char *prefix, const char *sql)
{
    dj_conn *c = admin_connect(prefix);
    dj_error err;
    int rc = dj_exec(c, sql, NULL, &err);
    dj_close(c);
    cr_assert_eq(rc, 0, "%s: %s", sql, err.message);
}

/* A MariaDB global status counter. */
static long admin_status(const char *prefix, const char *variable)
{
    dj_conn *c = admin_connect(prefix);
    dj_error err;
    char sql[256], v[64];
    snprintf(sql, sizeof sql,
             "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
             "WHERE VARIABLE_NAME = '%s'",
             variable);
    int rc = dj_query_value(c, sql, v, sizeof v, NULL, &err);
    dj_close(c);
    cr_assert_eq(rc, 1, "%s: %s", sql, err.message);
    return atol(v);
}

/* A fresh account with PLUGIN and PASSWORD, named after the test and the pid. */
static void fresh_account(const char *prefix, const char *plugin, const char *password,
                          char *user, size_t size)
{
    static unsigned counter;
    snprintf(user, size, "t%ld_%u", (long)getpid(), counter++);
    char sql[512];
    if (strcmp(prefix, MY9) == 0)
        snprintf(sql, sizeof sql, "CREATE USER '%s'@'%%' IDENTIFIED WITH %s BY '%s'", user, plugin,
                 password);
    else
        snprintf(sql, sizeof sql, "CREATE USER '%s'@'%%' IDENTIFIED VIA %s USING PASSWORD('%s')",
                 user, plugin, password);
    admin_exec(prefix, sql);
}

/* ------------------------------------------------------------------------- */
/* MySQL 9.7: caching_sha2_password                                          */

Test(mysql97_csha2, first_login_over_tls_is_full_and_the_second_is_fast)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 tls", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 tls", DJ_TLS_VERIFY_CA);
    expect_route(&cfg, "caching_sha2_password", "full, password inside TLS");
    expect_route(&cfg, "caching_sha2_password", "fast");
}

Test(mysql97_csha2, flush_privileges_empties_the_cache_so_the_next_login_is_full)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 flush", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 flush", DJ_TLS_REQUIRED);
    expect_route(&cfg, "caching_sha2_password", "full, password inside TLS");
    expect_route(&cfg, "caching_sha2_password", "fast");
    char sql[128];
    snprintf(sql, sizeof sql, "ALTER USER '%s'@'%%' IDENTIFIED BY 'csha2 flush'", user);
    admin_exec(MY9, sql);
    expect_route(&cfg, "caching_sha2_password", "full, password inside TLS");
}

Test(mysql97_csha2, plain_tcp_full_auth_uses_the_pinned_key_file)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 pinned", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 pinned", DJ_TLS_DISABLED);
    tls_path(cfg.server_public_key, sizeof cfg.server_public_key, MY9, "rsa-public-key.pem");
    expect_route(&cfg, "caching_sha2_password", "full, RSA with the pinned server key");
    expect_route(&cfg, "caching_sha2_password", "fast");
}

Test(mysql97_csha2, plain_tcp_full_auth_requests_the_key_when_allowed)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 request", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 request", DJ_TLS_DISABLED);
    cfg.get_server_public_key = 1;
    expect_route(&cfg, "caching_sha2_password", "full, RSA with the key the server sent");
}

Test(mysql97_csha2, plain_tcp_full_auth_without_tls_or_key_is_refused_with_the_reason)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 refused", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 refused", DJ_TLS_DISABLED);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "get_server_public_key") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "plain TCP") != NULL, "%s", err.message);
}

Test(mysql97_csha2, unix_socket_full_auth_sends_the_password_then_fast)
{
    char user[64];
    fresh_account(MY9, "caching_sha2_password", "csha2 socket", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, "csha2 socket", DJ_TLS_PREFERRED);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", srv_env(MY9, "SOCKET"));
    expect_route(&cfg, "caching_sha2_password", "full, password over the Unix socket");
    expect_route(&cfg, "caching_sha2_password", "fast");
}

Test(mysql97_csha2, empty_password_logs_in_with_an_empty_answer)
{
    expect_login(MY9, "u_sha2_nopw", "", DJ_TLS_DISABLED, "caching_sha2_password", NULL);
}

Test(mysql97_csha2, wrong_password_is_refused_by_the_server_without_echoing_it)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha2", "not the password", DJ_TLS_VERIFY_CA);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert_eq(err.server_errno, 1045u, "%s", err.message);
}

/* ------------------------------------------------------------------------- */
/* MySQL 9.7: sha256_password, and the plugins it does not have               */

Test(mysql97_sha256, over_tls_sends_the_password_inside_tls)
{
    expect_login(MY9, "u_sha256", "sha256 pw", DJ_TLS_VERIFY_CA, "sha256_password",
                 "full, password inside TLS");
}

Test(mysql97_sha256, over_plain_tcp_uses_the_pinned_key)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha256", "sha256 pw", DJ_TLS_DISABLED);
    tls_path(cfg.server_public_key, sizeof cfg.server_public_key, MY9, "rsa-public-key.pem");
    expect_route(&cfg, "sha256_password", "full, RSA with the pinned server key");
}

Test(mysql97_sha256, over_plain_tcp_requests_the_key_when_allowed)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha256", "sha256 pw", DJ_TLS_DISABLED);
    cfg.get_server_public_key = 1;
    expect_route(&cfg, "sha256_password", "full, RSA with the key the server sent");
}

Test(mysql97_sha256, unix_socket_without_a_key_is_refused_not_sent_in_clear)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha256", "sha256 pw", DJ_TLS_PREFERRED);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", srv_env(MY9, "SOCKET"));
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "Unix socket without TLS") != NULL, "%s", err.message);
}

Test(mysql97_sha256, unix_socket_with_a_requested_key_uses_rsa)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha256", "sha256 pw", DJ_TLS_PREFERRED);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", srv_env(MY9, "SOCKET"));
    cfg.get_server_public_key = 1;
    expect_route(&cfg, "sha256_password", "full, RSA with the key the server sent");
}

Test(mysql97_sha256, empty_password_is_a_lone_nul)
{
    expect_login(MY9, "u_sha256_nopw", "", DJ_TLS_DISABLED, "sha256_password", "empty password");
}

Test(mysql97_native, is_absent_from_the_server)
{
    dj_conn *c = admin_connect(MY9);
    dj_error err;
    int rc = dj_exec(c, "CREATE USER nat@'%' IDENTIFIED WITH mysql_native_password BY 'x'", NULL,
                     &err);
    dj_close(c);
    cr_assert_neq(rc, 0);
    cr_assert_eq(err.server_errno, 1524u, "%s", err.message);
    cr_assert(strstr(err.message, "mysql_native_password") != NULL, "%s", err.message);
}

/* ------------------------------------------------------------------------- */
/* MariaDB 11.8                                                              */

Test(mariadb118, native_over_plain_tcp_and_tls)
{
    expect_login(MDB11, "u_native", "native pw", DJ_TLS_DISABLED, "mysql_native_password", NULL);
    expect_login(MDB11, "u_native", "native pw", DJ_TLS_VERIFY_IDENTITY, "mysql_native_password",
                 NULL);
}

Test(mariadb118, ed25519_over_plain_tcp_and_tls)
{
    expect_login(MDB11, "u_ed25519", "ed25519 pw", DJ_TLS_DISABLED, "client_ed25519", NULL);
    expect_login(MDB11, "u_ed25519", "ed25519 pw", DJ_TLS_VERIFY_CA, "client_ed25519", NULL);
}

Test(mariadb118, parsec_over_plain_tcp_and_tls)
{
    expect_login(MDB11, "u_parsec", "parsec pw", DJ_TLS_DISABLED, "parsec", NULL);
    expect_login(MDB11, "u_parsec", "parsec pw", DJ_TLS_VERIFY_CA, "parsec", NULL);
}

Test(mariadb118, parsec_account_created_now_with_its_own_salt)
{
    char user[64];
    fresh_account(MDB11, "parsec", "parsec pw 2", user, sizeof user);
    expect_login(MDB11, user, "parsec pw 2", DJ_TLS_DISABLED, "parsec", NULL);
}

Test(mariadb118, parsec_wrong_password_is_refused)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_parsec", "wrong parsec", DJ_TLS_DISABLED);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert_eq(err.server_errno, 1045u, "%s", err.message);
}

Test(mariadb118, csha2_over_tls_is_full_every_time)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_sha2", "sha2 pw", DJ_TLS_VERIFY_CA);
    expect_route(&cfg, "caching_sha2_password", "full, password inside TLS");
    expect_route(&cfg, "caching_sha2_password", "full, password inside TLS");
}

Test(mariadb118, csha2_over_plain_tcp_with_pinned_or_requested_key)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_sha2", "sha2 pw", DJ_TLS_DISABLED);
    tls_path(cfg.server_public_key, sizeof cfg.server_public_key, MDB11, "rsa-public-key.pem");
    expect_route(&cfg, "caching_sha2_password", "full, RSA with the pinned server key");
    srv_config(&cfg, MDB11, "u_sha2", "sha2 pw", DJ_TLS_DISABLED);
    cfg.get_server_public_key = 1;
    expect_route(&cfg, "caching_sha2_password", "full, RSA with the key the server sent");
}

Test(mariadb118, csha2_over_plain_tcp_without_key_is_refused)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_sha2", "sha2 pw", DJ_TLS_DISABLED);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "get_server_public_key") != NULL, "%s", err.message);
}

Test(mariadb118, csha2_over_the_unix_socket)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_sha2", "sha2 pw", DJ_TLS_PREFERRED);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", srv_env(MDB11, "SOCKET"));
    expect_route(&cfg, "caching_sha2_password", "full, password over the Unix socket");
}

/* PAM makes the server switch to its 'dialog' client plugin, which a
 * library that takes no prompts cannot have. */
Test(mariadb118, a_plugin_this_client_lacks_is_named_in_the_error)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_pam", "pam pw", DJ_TLS_VERIFY_CA);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "'dialog'") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "not supported by this build") != NULL, "%s", err.message);
}

/* The pre-4.1 method, which MariaDB still has, is refused by name: the
 * server asks for it with the old one-byte switch. */
Test(mariadb118, mysql_old_password_is_refused_and_named)
{
    dj_config cfg;
    srv_config(&cfg, MDB11, "u_old", "old pw", DJ_TLS_VERIFY_CA);
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_EAUTH);
    cr_assert(strstr(err.message, "mysql_old_password") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "refused") != NULL, "%s", err.message);
}

/* ------------------------------------------------------------------------- */
/* Secrets: no block the library frees still holds the password              */

#define SECRET "Zq9-secret pw-4711"

static void login_leaves_no_secret(dj_config *cfg, int expect_ok)
{
    scan_alloc state;
    cfg->allocator = scan_alloc_init(&state, SECRET);
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, cfg, &err);
    if (expect_ok)
        cr_assert_eq(rc, 0, "%s", err.message);
    else
        cr_assert_neq(rc, 0);
    if (rc == 0) {
        dj_exec(c, "SELECT 1", NULL, &err);
        dj_close(c);
    }
    cr_assert_gt(state.frees, 0);
    cr_assert_eq(state.blocks_with_secret, 0, "%d freed block(s) still held the password",
                 state.blocks_with_secret);
}

static void secret_account(const char *prefix, const char *plugin, char *user, size_t size)
{
    fresh_account(prefix, plugin, SECRET, user, size);
}

Test(secrets, csha2_full_auth_inside_tls_wipes_every_copy)
{
    char user[64];
    secret_account(MY9, "caching_sha2_password", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, SECRET, DJ_TLS_VERIFY_CA);
    login_leaves_no_secret(&cfg, 1);
}

Test(secrets, csha2_rsa_with_pinned_key_wipes_every_copy)
{
    char user[64];
    secret_account(MY9, "caching_sha2_password", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, SECRET, DJ_TLS_DISABLED);
    tls_path(cfg.server_public_key, sizeof cfg.server_public_key, MY9, "rsa-public-key.pem");
    login_leaves_no_secret(&cfg, 1);
}

Test(secrets, csha2_over_the_unix_socket_wipes_every_copy)
{
    char user[64];
    secret_account(MY9, "caching_sha2_password", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, SECRET, DJ_TLS_PREFERRED);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", srv_env(MY9, "SOCKET"));
    login_leaves_no_secret(&cfg, 1);
}

Test(secrets, sha256_with_requested_key_wipes_every_copy)
{
    char user[64];
    secret_account(MY9, "sha256_password", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MY9, user, SECRET, DJ_TLS_DISABLED);
    cfg.get_server_public_key = 1;
    login_leaves_no_secret(&cfg, 1);
}

Test(secrets, failed_full_auth_wipes_every_copy)
{
    dj_config cfg;
    srv_config(&cfg, MY9, "u_sha2", SECRET, DJ_TLS_VERIFY_CA);
    login_leaves_no_secret(&cfg, 0);
}

Test(secrets, parsec_and_ed25519_wipe_every_copy)
{
    char user[64];
    secret_account(MDB11, "parsec", user, sizeof user);
    dj_config cfg;
    srv_config(&cfg, MDB11, user, SECRET, DJ_TLS_DISABLED);
    login_leaves_no_secret(&cfg, 1);
    secret_account(MDB11, "ed25519", user, sizeof user);
    srv_config(&cfg, MDB11, user, SECRET, DJ_TLS_DISABLED);
    login_leaves_no_secret(&cfg, 1);
}

/* ------------------------------------------------------------------------- */
/* TLS modes, on both servers                                                */

static void tls_modes_accept(const char *prefix, const char *user, const char *pw)
{
    dj_tls_mode modes[] = {DJ_TLS_PREFERRED, DJ_TLS_REQUIRED, DJ_TLS_VERIFY_CA,
                           DJ_TLS_VERIFY_IDENTITY};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        dj_config cfg;
        srv_config(&cfg, prefix, user, pw, modes[i]);
        dj_conn *c = NULL;
        dj_error err;
        cr_assert_eq(dj_connect(&c, &cfg, &err), 0, "mode %s: %s", dj_tls_mode_name(modes[i]),
                     err.message);
        cr_expect_not_null(dj_tls_version(c), "mode %s without TLS", dj_tls_mode_name(modes[i]));
        dj_close(c);
    }
    dj_config cfg;
    srv_config(&cfg, prefix, user, pw, DJ_TLS_DISABLED);
    cfg.server_public_key[0] = 0;
    dj_conn *c = NULL;
    dj_error err;
    if (dj_connect(&c, &cfg, &err) == 0) {
        cr_expect_null(dj_tls_version(c), "disabled mode used TLS");
        dj_close(c);
    }
}

static void wrong_ca_refused(const char *prefix, const char *user, const char *pw)
{
    dj_config cfg;
    srv_config(&cfg, prefix, user, pw, DJ_TLS_VERIFY_CA);
    tls_path(cfg.tls_ca, sizeof cfg.tls_ca, prefix, "other-ca.pem");
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_ETLS);
    cr_assert(strstr(err.message, "certificate") != NULL, "%s", err.message);
}

static void other_address_refused_by_identity(const char *prefix, const char *user,
                                              const char *pw)
{
    dj_config cfg;
    srv_config(&cfg, prefix, user, pw, DJ_TLS_VERIFY_CA);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.2");
    login_log log;
    login_ok(&cfg, &log); /* the chain is fine... */
    srv_config(&cfg, prefix, user, pw, DJ_TLS_VERIFY_IDENTITY);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.2");
    dj_error err;
    cr_assert_eq(login_fails(&cfg, &err), DJ_ETLS); /* ...but it names 127.0.0.1 only */
    cr_assert(strstr(err.message, "127.0.0.2") != NULL || strstr(err.message, "mismatch") != NULL,
              "%s", err.message);
}

Test(tls_mysql97, every_mode_connects_with_the_right_ca)
{
    tls_modes_accept(MY9, "u_sha2", "sha2 pw");
}

Test(tls_mysql97, verify_ca_refuses_an_unknown_ca)
{
    wrong_ca_refused(MY9, "u_sha2", "sha2 pw");
}

Test(tls_mysql97, verify_identity_refuses_an_address_the_certificate_does_not_name)
{
    other_address_refused_by_identity(MY9, "u_sha2", "sha2 pw");
}

Test(tls_mariadb118, every_mode_connects_with_the_right_ca)
{
    tls_modes_accept(MDB11, "u_native", "native pw");
}

Test(tls_mariadb118, verify_ca_refuses_an_unknown_ca)
{
    wrong_ca_refused(MDB11, "u_ed25519", "ed25519 pw");
}

Test(tls_mariadb118, verify_identity_refuses_an_address_the_certificate_does_not_name)
{
    other_address_refused_by_identity(MDB11, "u_parsec", "parsec pw");
}

Test(tls_no_tls_server, required_is_refused_before_any_credential_is_sent)
{
    long denied = admin_status(NOSSL, "ACCESS_DENIED_ERRORS");
    dj_tls_mode modes[] = {DJ_TLS_REQUIRED, DJ_TLS_VERIFY_CA, DJ_TLS_VERIFY_IDENTITY};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        /* A wrong password: had a HandshakeResponse reached the server, it
         * would have counted an access-denied error. */
        dj_config cfg;
        srv_config(&cfg, NOSSL, "u_native", "wrong and never sent", modes[i]);
        tls_path(cfg.tls_ca, sizeof cfg.tls_ca, MDB11, "ca.pem");
        dj_error err;
        cr_assert_eq(login_fails(&cfg, &err), DJ_ETLS, "mode %s: %s", dj_tls_mode_name(modes[i]),
                     err.message);
        cr_assert(strstr(err.message, "nothing was sent") != NULL, "%s", err.message);
    }
    cr_assert_eq(admin_status(NOSSL, "ACCESS_DENIED_ERRORS"), denied,
                 "the server saw a login attempt");
}

Test(tls_no_tls_server, preferred_falls_back_to_plain_tcp)
{
    dj_config cfg;
    srv_config(&cfg, NOSSL, "u_native", "native pw", DJ_TLS_PREFERRED);
    dj_conn *c = NULL;
    dj_error err;
    cr_assert_eq(dj_connect(&c, &cfg, &err), 0, "%s", err.message);
    cr_expect_null(dj_tls_version(c));
    dj_close(c);
}
