/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_connect.c - logging in to the real MariaDB: the greeting, each auth
 * plugin the server has, TLS modes, the Unix socket, and the session that
 * DataJoint expects afterwards.
 */
#include "itest.h"

static void expect_value(dj_conn *c, const char *sql, const char *expected)
{
    char v[512];
    dj_error err;
    int rc = dj_query_value(c, sql, v, sizeof v, NULL, &err);
    cr_assert_eq(rc, 1, "%s: rc %d %s", sql, rc, err.message);
    cr_expect_str_eq(v, expected, "%s returned %s, expected %s", sql, v, expected);
}

static char *query_text(dj_conn *c, const char *sql, char *buf, size_t size)
{
    dj_error err;
    int rc = dj_query_value(c, sql, buf, size, NULL, &err);
    cr_assert_eq(rc, 1, "%s: rc %d %s", sql, rc, err.message);
    return buf;
}

static const char *tls_file(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", itest_env("DJ_TEST_TLS_DIR"), name);
    return buf;
}

Test(connect, greeting_gives_the_server_version_without_the_mariadb_prefix)
{
    dj_conn *c = itest_connect();
    char v[256];
    query_text(c, "SELECT VERSION()", v, sizeof v);
    cr_expect_str_eq(dj_server_version(c), v);
    cr_expect_eq(strncmp(dj_server_version(c), "5.5.5-", 6) != 0, 1);
    cr_expect_eq(dj_server_is_mariadb(c), 1);
    dj_close(c);
}

Test(connect, connection_id_is_the_servers_connection_id)
{
    dj_conn *c = itest_connect();
    char v[64], mine[64];
    query_text(c, "SELECT CONNECTION_ID()", v, sizeof v);
    snprintf(mine, sizeof mine, "%llu", (unsigned long long)dj_connection_id(c));
    cr_expect_str_eq(mine, v);
    dj_close(c);
}

Test(connect, session_uses_datajoint_sql_mode_autocommit_and_utf8mb4)
{
    dj_conn *c = itest_connect();
    char mode[512];
    query_text(c, "SELECT @@SESSION.sql_mode", mode, sizeof mode);
    const char *want[] = {"NO_ZERO_DATE", "NO_ZERO_IN_DATE", "ERROR_FOR_DIVISION_BY_ZERO",
                          "STRICT_ALL_TABLES", "NO_ENGINE_SUBSTITUTION", "ONLY_FULL_GROUP_BY"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_not_null(strstr(mode, want[i]), "sql_mode %s lacks %s", mode, want[i]);
    expect_value(c, "SELECT @@SESSION.autocommit", "1");
    expect_value(c, "SELECT @@character_set_client", "utf8mb4");
    expect_value(c, "SELECT @@character_set_results", "utf8mb4");
    cr_expect(dj_server_status(c) & DJ_STATUS_AUTOCOMMIT);
    dj_close(c);
}

Test(connect, init_command_charset_and_database_are_applied)
{
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.init_command, sizeof cfg.init_command, "SET @dj_init = 42");
    snprintf(cfg.charset, sizeof cfg.charset, "latin1");
    snprintf(cfg.database, sizeof cfg.database, "mysql");
    dj_conn *c = itest_connect_cfg(&cfg);
    expect_value(c, "SELECT @dj_init", "42");
    expect_value(c, "SELECT @@character_set_client", "latin1");
    expect_value(c, "SELECT DATABASE()", "mysql");
    dj_close(c);
}

Test(connect, failing_init_command_fails_the_connect_with_the_server_error)
{
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.init_command, sizeof cfg.init_command, "SELEC nonsense");
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    cr_assert_eq(rc, DJ_ESERVER, "rc %d %s", rc, err.message);
    cr_expect_eq(err.server_errno, 1064);
    cr_expect_not_null(strstr(err.message, "session setup"), "%s", err.message);
    cr_expect_null(c);
}

Test(connect, default_packet_cap_is_the_servers_max_allowed_packet)
{
    dj_conn *c = itest_connect();
    char v[64], mine[64];
    query_text(c, "SELECT @@max_allowed_packet", v, sizeof v);
    snprintf(mine, sizeof mine, "%zu", dj_max_packet(c));
    cr_expect_str_eq(mine, v);
    dj_close(c);
}

Test(connect, native_password_account_logs_in)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NATIVE_USER"), itest_env("DJ_TEST_NATIVE_PASS"));
    cfg.tls_mode = DJ_TLS_DISABLED;
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_str_eq(dj_auth_plugin(c), "mysql_native_password");
    char user[256], want[sizeof cfg.user + 8];
    snprintf(want, sizeof want, "%s@%%", cfg.user);
    cr_expect_str_eq(query_text(c, "SELECT CURRENT_USER()", user, sizeof user), want);
    dj_close(c);
}

Test(connect, account_without_password_logs_in)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NOPW_USER"), "");
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_eq(dj_ping(c, NULL), 0);
    dj_close(c);
}

Test(connect, ed25519_account_logs_in_after_an_auth_switch)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_ED25519_USER"), itest_env("DJ_TEST_ED25519_PASS"));
    cfg.tls_mode = DJ_TLS_DISABLED;
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    if (dj_features() & DJ_FEATURE_ED25519) {
        cr_assert_eq(rc, 0, "rc %d %s", rc, err.message);
        cr_expect_str_eq(dj_auth_plugin(c), "client_ed25519");
    } else {
        cr_assert_eq(rc, DJ_EAUTH, "rc %d %s", rc, err.message);
        cr_expect_not_null(strstr(err.message, "client_ed25519"), "%s", err.message);
    }
    dj_close(c);
}

Test(connect, wrong_password_is_an_auth_error_with_the_server_details)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NATIVE_USER"), "not the password");
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    cr_assert_eq(rc, DJ_EAUTH, "rc %d %s", rc, err.message);
    cr_expect_eq(err.code, DJ_EAUTH);
    cr_expect_eq(err.server_errno, 1045);
    cr_expect_str_eq(err.sqlstate, "28000");
    cr_expect_not_null(strstr(err.message, "Access denied"), "%s", err.message);
    cr_expect_null(strstr(err.message, "not the password"));
    cr_expect_null(c);
}

Test(connect, unix_socket_connects_without_tls)
{
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.unix_socket, sizeof cfg.unix_socket, "%s", itest_env("DJ_TEST_SOCKET"));
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_str_eq(dj_peer(c), cfg.unix_socket);
    cr_expect_null(dj_tls_version(c));
    cr_expect_eq(dj_ping(c, NULL), 0);
    dj_close(c);
}

Test(connect, host_with_port_in_the_host_string_wins_over_port)
{
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "%s:%s", itest_env("DJ_TEST_HOST"),
             itest_env("DJ_TEST_PORT"));
    cfg.port = 1;
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_eq(dj_ping(c, NULL), 0);
    dj_close(c);
}

Test(connect, tls_preferred_uses_tls_when_built_with_openssl)
{
    dj_conn *c = itest_connect();
    if (dj_features() & DJ_FEATURE_TLS) {
        cr_assert_not_null(dj_tls_version(c));
        cr_expect_eq(strncmp(dj_tls_version(c), "TLSv1.", 6), 0, "%s", dj_tls_version(c));
        char v[64];
        query_text(c, "SHOW SESSION STATUS LIKE 'Ssl_version'", v, sizeof v);
    } else {
        cr_expect_null(dj_tls_version(c));
    }
    dj_close(c);
}

Test(connect, account_that_requires_ssl_logs_in_over_tls_and_is_refused_without)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_TLS_USER"), itest_env("DJ_TEST_TLS_PASS"));
    dj_conn *c = NULL;
    dj_error err;
    if (dj_features() & DJ_FEATURE_TLS) {
        cfg.tls_mode = DJ_TLS_REQUIRED;
        c = itest_connect_cfg(&cfg);
        dj_close(c);
        c = NULL;
    }
    cfg.tls_mode = DJ_TLS_DISABLED;
    int rc = dj_connect(&c, &cfg, &err);
    cr_expect_eq(rc, DJ_EAUTH, "rc %d %s", rc, err.message);
    cr_expect_eq(err.server_errno, 1045);
}

Test(connect, verify_modes_accept_the_test_ca_and_refuse_another)
{
    if (!(dj_features() & DJ_FEATURE_TLS)) {
        dj_config cfg;
        itest_config(&cfg);
        cfg.tls_mode = DJ_TLS_VERIFY_CA;
        dj_conn *c = NULL;
        dj_error err;
        cr_expect_eq(dj_connect(&c, &cfg, &err), DJ_EUNSUPPORTED, "%s", err.message);
        return;
    }
    char path[1024];
    dj_config cfg;
    itest_config(&cfg);
    cfg.tls_mode = DJ_TLS_VERIFY_IDENTITY;
    snprintf(cfg.tls_ca, sizeof cfg.tls_ca, "%s", tls_file(path, sizeof path, "ca.pem"));
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_not_null(dj_tls_version(c));
    dj_close(c);

    cfg.tls_mode = DJ_TLS_VERIFY_CA;
    snprintf(cfg.tls_ca, sizeof cfg.tls_ca, "%s", tls_file(path, sizeof path, "other-ca.pem"));
    c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    cr_expect_eq(rc, DJ_ETLS, "rc %d %s", rc, err.message);
    cr_expect_null(c);
}

Test(connect, client_certificate_satisfies_require_x509)
{
    char path[1024];
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_X509_USER"), itest_env("DJ_TEST_X509_PASS"));
    if (!(dj_features() & DJ_FEATURE_TLS)) {
        /* Without TLS the account cannot log in at all; the refusal must be clean. */
        dj_conn *none = NULL;
        dj_error e;
        cr_expect_eq(dj_connect(&none, &cfg, &e), DJ_EAUTH, "%s", e.message);
        return;
    }
    cfg.tls_mode = DJ_TLS_VERIFY_CA;
    snprintf(cfg.tls_ca, sizeof cfg.tls_ca, "%s", tls_file(path, sizeof path, "ca.pem"));
    snprintf(cfg.tls_cert, sizeof cfg.tls_cert, "%s", tls_file(path, sizeof path, "client-cert.pem"));
    snprintf(cfg.tls_key, sizeof cfg.tls_key, "%s", tls_file(path, sizeof path, "client-key.pem"));
    dj_conn *c = itest_connect_cfg(&cfg);
    dj_close(c);

    cfg.tls_cert[0] = cfg.tls_key[0] = '\0';
    c = NULL;
    dj_error err;
    cr_expect_eq(dj_connect(&c, &cfg, &err), DJ_EAUTH, "%s", err.message);
}

Test(connect, compression_is_negotiated_when_asked)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.compress = 1;
    dj_conn *c = NULL;
    dj_error err;
    int rc = dj_connect(&c, &cfg, &err);
    if (!(dj_features() & DJ_FEATURE_COMPRESSION)) {
        cr_expect_eq(rc, DJ_EUNSUPPORTED, "%s", err.message);
        return;
    }
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_expect_eq(dj_compression_active(c), 1);
    expect_value(c, "SELECT REPEAT('ab', 500) = REPEAT('ab', 500)", "1");
    char v[2048];
    query_text(c, "SELECT REPEAT('xyz', 600)", v, sizeof v);
    cr_expect_eq(strlen(v), 1800u);
    dj_close(c);
}

Test(connect, reconnect_gives_a_new_session)
{
    dj_conn *c = itest_connect();
    uint64_t first = dj_connection_id(c);
    itest_exec(c, "SET @x = 5");
    dj_error err;
    cr_assert_eq(dj_reconnect(c, &err), 0, "%s", err.message);
    cr_expect_neq(dj_connection_id(c), first);
    int is_null = 0;
    char v[16];
    cr_assert_eq(dj_query_value(c, "SELECT @x", v, sizeof v, &is_null, &err), 1);
    cr_expect_eq(is_null, 1);
    dj_close(c);
}

Test(connect, ipv6_loopback_in_brackets_with_port)
{
    /* The harness listens on ::1 whenever the loopback has IPv6; this machine's does. */
    FILE *f = fopen("/proc/net/if_inet6", "r");
    cr_assert_not_null(f, "no IPv6 on this machine: /proc/net/if_inet6 is missing");
    fclose(f);
    dj_config cfg;
    itest_config(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "[::1]:%s", itest_env("DJ_TEST_PORT"));
    if (dj_features() & DJ_FEATURE_TLS) {
        char path[1024];
        cfg.tls_mode = DJ_TLS_VERIFY_IDENTITY;
        snprintf(cfg.tls_ca, sizeof cfg.tls_ca, "%s", tls_file(path, sizeof path, "ca.pem"));
    }
    dj_conn *c = itest_connect_cfg(&cfg);
    char want[64];
    snprintf(want, sizeof want, "[::1]:%s", itest_env("DJ_TEST_PORT"));
    cr_expect_str_eq(dj_peer(c), want);
    cr_expect_eq(dj_ping(c, NULL), 0);
    dj_close(c);
}
