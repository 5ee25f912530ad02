/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_config.c - configuration keys, values, JSON files, the file search and
 * the environment. Criterion runs every test in its own process, so tests
 * may chdir() and setenv() freely.
 */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datajoint.h"
#include "dj/json.h"

/* ---- helpers ---- */

/* DataJoint's default TLS mode is "preferred"; a build without TLS defaults
 * to "disabled" (the minimal build runs these tests too). */
static dj_tls_mode default_tls_mode(void)
{
    return (dj_features() & DJ_FEATURE_TLS) ? DJ_TLS_PREFERRED : DJ_TLS_DISABLED;
}

static const char *const dj_variables[] = {
    "DJ_HOST",   "DJ_PORT",      "DJ_USER",        "DJ_PASS", "DJ_USE_TLS", "DJ_CONNECT_TIMEOUT",
    "DJ_TLS_CA", "DJ_LOG_LEVEL", "DJ_CONFIG_FILE",
};

/* The environment the tests run in may carry a developer's own DJ_* settings. */
static void clear_dj_environment(void)
{
    for (size_t i = 0; i < sizeof dj_variables / sizeof dj_variables[0]; i++)
        unsetenv(dj_variables[i]);
}

/* The checked-in fixtures: under $DJ_TOP_SRCDIR (set by make check), else
 * next to this source file. */
static void fixture_path(char *out, size_t size, const char *name)
{
    const char *top = getenv("DJ_TOP_SRCDIR");
    if (top && *top) {
        snprintf(out, size, "%s/tests/data/config/%s", top, name);
        return;
    }
    const char *self = __FILE__;
    const char *suffix = "tests/unit/test_config.c";
    size_t prefix = strlen(self) - strlen(suffix);
    cr_assert(strlen(self) >= strlen(suffix) && strcmp(self + prefix, suffix) == 0,
              "cannot locate tests/data/config from %s; set DJ_TOP_SRCDIR", self);
    snprintf(out, size, "%.*stests/data/config/%s", (int)prefix, self, name);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

static char sandbox[256];

/* A fresh directory tree per test, with HOME pointing into it. */
static void sandbox_up(void)
{
    char pattern[] = "/tmp/dj-test-config-XXXXXX";
    cr_assert_not_null(mkdtemp(pattern));
    /* getcwd() reports the resolved path, so compare against that. */
    char *resolved = realpath(pattern, NULL);
    cr_assert_not_null(resolved);
    cr_assert_lt(strlen(resolved), sizeof sandbox);
    strcpy(sandbox, resolved);
    free(resolved);
    clear_dj_environment();
    char home[PATH_MAX];
    snprintf(home, sizeof home, "%s/home", sandbox);
    cr_assert_eq(mkdir(home, 0700), 0);
    cr_assert_eq(setenv("HOME", home, 1), 0);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir) {
            struct dirent *entry;
            while ((entry = readdir(dir)) != NULL) {
                if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                    continue;
                char child[PATH_MAX];
                snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
                remove_tree(child);
            }
            closedir(dir);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void sandbox_down(void)
{
    if (chdir("/") == 0 && sandbox[0])
        remove_tree(sandbox);
}

/* sandbox + "/" + rel, in one of a few rotating buffers. */
static const char *in_sandbox(const char *rel)
{
    static char buffers[4][PATH_MAX];
    static unsigned next;
    char *out = buffers[next++ % 4];
    snprintf(out, PATH_MAX, "%s/%s", sandbox, rel);
    return out;
}

static void make_dirs(const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", sandbox, rel);
    for (char *p = path + strlen(sandbox) + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
}

static void enter(const char *rel)
{
    cr_assert_eq(chdir(in_sandbox(rel)), 0, "chdir %s", rel);
}

static const char *get(const dj_config *cfg, const char *key)
{
    static char buffers[4][DJ_STATEMENT_MAX];
    static unsigned next;
    char *out = buffers[next++ % 4];
    int rc = dj_config_get(cfg, key, out, DJ_STATEMENT_MAX, 1);
    cr_assert_eq(rc, 0, "dj_config_get(%s) = %d", key, rc);
    return out;
}

static int set(dj_config *cfg, const char *key, const char *value, dj_error *err)
{
    return dj_config_set(cfg, key, value, err);
}

/* Loads `text` from a file in the sandbox; returns the status. */
static int load_text(dj_config *cfg, const char *text, dj_error *err)
{
    write_text(in_sandbox("config.json"), text);
    return dj_config_load_file(cfg, in_sandbox("config.json"), err);
}

/* ---- defaults ---- */

Test(defaults, init_fills_datajoint_defaults)
{
    dj_config cfg;
    memset(&cfg, 0x5a, sizeof cfg);
    dj_config_init(&cfg);
    cr_assert_str_eq(cfg.host, "localhost");
    cr_assert_eq(cfg.port, 3306);
    cr_assert_str_eq(cfg.user, "root");
    cr_assert_str_eq(cfg.password, "");
    cr_assert_str_eq(cfg.database, "");
    cr_assert_str_eq(cfg.unix_socket, "");
    cr_assert_eq(cfg.tls_mode, default_tls_mode());
    cr_assert_str_eq(cfg.tls_ca, "");
    cr_assert_str_eq(cfg.tls_capath, "");
    cr_assert_str_eq(cfg.tls_cert, "");
    cr_assert_str_eq(cfg.tls_key, "");
    cr_assert_str_eq(cfg.server_public_key, "");
    cr_assert_eq(cfg.get_server_public_key, 0);
    cr_assert_eq(cfg.allow_cleartext, 0);
    cr_assert_eq(cfg.connect_timeout_ms, 10000);
    cr_assert_eq(cfg.read_timeout_ms, 0);
    cr_assert_eq(cfg.write_timeout_ms, 0);
    cr_assert_eq(cfg.compress, 0);
    cr_assert_eq(cfg.reconnect, 1);
    cr_assert_str_eq(cfg.init_command, "");
    cr_assert_str_eq(cfg.charset, "");
    cr_assert_eq(cfg.safemode, 1);
    cr_assert_eq(cfg.loglevel, DJ_LOG_INFO);
    cr_assert_eq(cfg.max_packet, 0);
    cr_assert_null(cfg.allocator);
    cr_assert_null(cfg.log_fn);
    cr_assert_null(cfg.log_ud);
}

Test(defaults, get_writes_defaults_as_text)
{
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_str_eq(get(&cfg, "database.host"), "localhost");
    cr_assert_str_eq(get(&cfg, "database.port"), "3306");
    cr_assert_str_eq(get(&cfg, "database.password"), "");
    cr_assert_str_eq(get(&cfg, "database.use_tls"), dj_tls_mode_name(default_tls_mode()));
    cr_assert_str_eq(get(&cfg, "database.connect_timeout"), "10");
    cr_assert_str_eq(get(&cfg, "database.read_timeout"), "0");
    cr_assert_str_eq(get(&cfg, "database.reconnect"), "true");
    cr_assert_str_eq(get(&cfg, "database.compress"), "false");
    cr_assert_str_eq(get(&cfg, "database.max_packet"), "0");
    cr_assert_str_eq(get(&cfg, "safemode"), "true");
    cr_assert_str_eq(get(&cfg, "loglevel"), "INFO");
}

/* ---- keys ---- */

/* A non-default value for every key, and how dj_config_get writes it back. */
static const struct {
    const char *key;
    const char *value;
    const char *text;
} every_key[] = {
    {"database.host", "db.example.org:3307", "db.example.org:3307"},
    {"database.port", "3310", "3310"},
    {"database.user", "alice", "alice"},
    {"database.password", "pa ss", "pa ss"},
    {"database.use_tls", "verify-ca", "verify_ca"},
    {"database.reconnect", "off", "false"},
    {"database.database", "lab_subject", "lab_subject"},
    {"database.unix_socket", "/run/mysqld/mysqld.sock", "/run/mysqld/mysqld.sock"},
    {"database.tls_ca", "/etc/ssl/ca.pem", "/etc/ssl/ca.pem"},
    {"database.tls_capath", "/etc/ssl/certs", "/etc/ssl/certs"},
    {"database.tls_cert", "/home/a/client.pem", "/home/a/client.pem"},
    {"database.tls_key", "/home/a/client.key", "/home/a/client.key"},
    {"database.server_public_key", "/etc/mysql/public.pem", "/etc/mysql/public.pem"},
    {"database.get_server_public_key", "yes", "true"},
    {"database.allow_cleartext", "ON", "true"},
    {"database.connect_timeout", "2.5", "2.5"},
    {"database.read_timeout", "30", "30"},
    {"database.write_timeout", "0.05", "0.05"},
    {"database.compress", "1", "true"},
    {"database.multi_statements", "yes", "true"},
    {"database.max_packet", "16M", "16777216"},
    {"connection.init_function", "SET time_zone = '+00:00'", "SET time_zone = '+00:00'"},
    {"connection.charset", "latin1", "latin1"},
    {"connection.time_zone", "+00:00", "+00:00"},
    {"database.failover_deadline", "12.5", "12.5"},
    {"database.require_synced", "yes", "true"},
    {"database.wsrep_sync_wait", "15", "15"},
    {"database.causal_schema_checks", "off", "false"},
    {"safemode", "false", "false"},
    {"loglevel", "warning", "WARNING"},
};
#define EVERY_KEY_COUNT (sizeof every_key / sizeof every_key[0])

Test(keys, key_list_has_every_settable_key_once)
{
    const char *const *keys = dj_config_keys();
    size_t n = 0;
    for (; keys[n]; n++) {
        int listed = 0;
        for (size_t i = 0; i < EVERY_KEY_COUNT; i++)
            listed += strcmp(every_key[i].key, keys[n]) == 0;
        cr_assert_eq(listed, 1, "%s is not covered exactly once by the round-trip table", keys[n]);
    }
    cr_assert_eq(n, EVERY_KEY_COUNT);
}

Test(keys, every_key_round_trips_and_touches_only_its_field)
{
    dj_config defaults;
    dj_config_init(&defaults);
    for (size_t i = 0; i < EVERY_KEY_COUNT; i++) {
        dj_config cfg;
        dj_error err;
        dj_config_init(&cfg);
        int rc = set(&cfg, every_key[i].key, every_key[i].value, &err);
        cr_assert_eq(rc, 0, "%s: %s", every_key[i].key, err.message);
        cr_assert_str_eq(get(&cfg, every_key[i].key), every_key[i].text, "%s", every_key[i].key);
        for (size_t j = 0; j < EVERY_KEY_COUNT; j++) {
            if (j == i)
                continue;
            char want[DJ_STATEMENT_MAX];
            cr_assert_eq(dj_config_get(&defaults, every_key[j].key, want, sizeof want, 1), 0);
            cr_assert_str_eq(get(&cfg, every_key[j].key), want, "setting %s changed %s",
                             every_key[i].key, every_key[j].key);
        }
    }
}

Test(keys, set_stores_into_the_struct_fields)
{
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.connect_timeout", "2.5", NULL), 0);
    cr_assert_eq(set(&cfg, "database.max_packet", "64M", NULL), 0);
    cr_assert_eq(set(&cfg, "database.use_tls", "true", NULL), 0);
    cr_assert_eq(set(&cfg, "connection.init_function", "SET x=1", NULL), 0);
    cr_assert_eq(set(&cfg, "loglevel", "ERROR", NULL), 0);
    cr_assert_eq(cfg.connect_timeout_ms, 2500);
    cr_assert_eq(cfg.max_packet, (size_t)64 * 1024 * 1024);
    cr_assert_eq(cfg.tls_mode, DJ_TLS_REQUIRED);
    cr_assert_str_eq(cfg.init_command, "SET x=1");
    cr_assert_eq(cfg.loglevel, DJ_LOG_ERROR);
}

Test(keys, unknown_key_is_a_config_error)
{
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "display.limit", "12", &err), DJ_ECONFIG);
    cr_assert_str_eq(err.message, "unknown configuration key \"display.limit\"");
    char out[32];
    cr_assert_eq(dj_config_get(&cfg, "database.hostname", out, sizeof out, 0), DJ_ECONFIG);
    cr_assert_str_eq(out, "");
}

Test(keys, null_arguments_are_rejected)
{
    dj_config cfg;
    dj_error err;
    char out[8];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_set(NULL, "safemode", "1", &err), DJ_EINVAL);
    cr_assert_eq(dj_config_set(&cfg, NULL, "1", &err), DJ_EINVAL);
    cr_assert_eq(dj_config_set(&cfg, "safemode", NULL, &err), DJ_EINVAL);
    cr_assert_eq(dj_config_get(&cfg, "safemode", NULL, 8, 0), DJ_EINVAL);
    cr_assert_eq(dj_config_get(&cfg, "safemode", out, 0, 0), DJ_EINVAL);
    cr_assert_eq(dj_config_load_file(&cfg, NULL, &err), DJ_EINVAL);
    cr_assert_eq(dj_config_apply_env(NULL, &err), DJ_EINVAL);
    cr_assert_eq(dj_config_load(NULL, NULL, &err), DJ_EINVAL);
}

Test(keys, value_too_long_names_key_and_limit)
{
    dj_config cfg;
    dj_error err;
    char value[DJ_HOST_MAX + 1];
    dj_config_init(&cfg);
    memset(value, 'h', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    cr_assert_eq(set(&cfg, "database.host", value, &err), DJ_ECONFIG);
    cr_assert_str_eq(err.message, "value for database.host is too long (max 1023 bytes)");
    cr_assert_str_eq(cfg.host, "localhost");
    value[DJ_HOST_MAX - 1] = '\0';
    cr_assert_eq(set(&cfg, "database.host", value, &err), 0, "%s", err.message);
    cr_assert_eq(strlen(cfg.host), DJ_HOST_MAX - 1);
    cr_assert_eq(set(&cfg, "connection.charset",
                     "a-charset-name-that-is-far-too-long-for-the-field-"
                     "of-sixty-four-bytes",
                     &err),
                 DJ_ECONFIG);
    cr_assert_str_eq(err.message, "value for connection.charset is too long (max 63 bytes)");
}

Test(keys, bad_value_names_key_and_value_and_keeps_old_value)
{
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.port", "33o6", &err), DJ_ECONFIG);
    cr_assert_eq(err.code, DJ_ECONFIG);
    cr_assert_str_eq(
        err.message,
        "invalid value \"33o6\" for database.port: expected a port number from 1 to 65535");
    cr_assert_eq(cfg.port, 3306);
    cr_assert_eq(set(&cfg, "safemode", "maybe", &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, "\"maybe\"") && strstr(err.message, "safemode"), "%s",
              err.message);
    cr_assert_eq(cfg.safemode, 1);
}

Test(keys, password_reads_back_masked_unless_revealed)
{
    dj_config cfg;
    char out[64];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_get(&cfg, "database.password", out, sizeof out, 0), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(set(&cfg, "database.password", "hunter2", NULL), 0);
    cr_assert_eq(dj_config_get(&cfg, "database.password", out, sizeof out, 0), 0);
    cr_assert_str_eq(out, "***");
    cr_assert_eq(dj_config_get(&cfg, "database.password", out, sizeof out, 1), 0);
    cr_assert_str_eq(out, "hunter2");
}

Test(keys, get_into_a_small_buffer_fails_without_partial_value)
{
    dj_config cfg;
    char out[4];
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.password", "hunter2", NULL), 0);
    cr_assert_eq(dj_config_get(&cfg, "database.password", out, sizeof out, 1), DJ_EINVAL);
    cr_assert_eq(memcmp(out, "\0\0\0\0", 4), 0);
    cr_assert_eq(dj_config_get(&cfg, "database.host", out, sizeof out, 0), DJ_EINVAL);
    cr_assert_str_eq(out, "");
}

Test(keys, clear_wipes_password_and_zeroes_everything)
{
    dj_config cfg, zero;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.password", "hunter2", NULL), 0);
    dj_config_clear(&cfg);
    memset(&zero, 0, sizeof zero);
    cr_assert_eq(memcmp(&cfg, &zero, sizeof cfg), 0);
    dj_config_clear(NULL);
}

/* ---- value syntax ---- */

Test(values, booleans_accept_datajoint_and_common_spellings)
{
    static const struct {
        const char *text;
        int value;
    } cases[] = {{"true", 1}, {"TRUE", 1}, {"True", 1},  {"1", 1},     {"yes", 1},
                 {"Yes", 1},  {"on", 1},   {"false", 0}, {"False", 0}, {"0", 0},
                 {"no", 0},   {"NO", 0},   {"off", 0},   {"Off", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cfg.compress = !cases[i].value;
        cr_assert_eq(set(&cfg, "database.compress", cases[i].text, NULL), 0, "%s", cases[i].text);
        cr_assert_eq(cfg.compress, cases[i].value, "%s", cases[i].text);
    }
    static const char *const bad[] = {"", "2", "t", "yess", "tru", "none", " true", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "safemode", bad[i], NULL), DJ_ECONFIG, "\"%s\"", bad[i]);
    }
}

Test(values, port_must_be_an_integer_from_1_to_65535)
{
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.port", "1", NULL), 0);
    cr_assert_eq(cfg.port, 1);
    cr_assert_eq(set(&cfg, "database.port", "65535", NULL), 0);
    cr_assert_eq(cfg.port, 65535);
    static const char *const bad[] = {
        "0", "65536", "-1", "", "3306.0", "+3306", " 3306", "99999999999999999999999", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(set(&cfg, "database.port", bad[i], NULL), DJ_ECONFIG, "\"%s\"", bad[i]);
    cr_assert_eq(cfg.port, 65535);
}

Test(values, timeouts_are_seconds_with_millisecond_precision)
{
    static const struct {
        const char *text;
        unsigned ms;
        const char *back;
    } cases[] = {{"0", 0, "0"},
                 {"10", 10000, "10"},
                 {"2.5", 2500, "2.5"},
                 {"0.001", 1, "0.001"},
                 {"1.250", 1250, "1.25"},
                 {"007", 7000, "7"},
                 {"4294967.295", 4294967295u, "4294967.295"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.read_timeout", cases[i].text, NULL), 0, "%s",
                     cases[i].text);
        cr_assert_eq(cfg.read_timeout_ms, cases[i].ms, "%s", cases[i].text);
        cr_assert_str_eq(get(&cfg, "database.read_timeout"), cases[i].back);
    }
    static const char *const bad[] = {"-1", "2.",          ".5",      "0.0001", "1e3", "2,5",
                                      "",   "4294967.296", "4294968", "inf",    "nan", "2.5s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_config cfg;
        dj_error err;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.connect_timeout", bad[i], &err), DJ_ECONFIG, "\"%s\"",
                     bad[i]);
        cr_assert(strstr(err.message, "database.connect_timeout"), "%s", err.message);
        cr_assert_eq(cfg.connect_timeout_ms, 10000);
    }
}

Test(values, max_packet_accepts_k_m_g_suffixes)
{
    static const struct {
        const char *text;
        size_t bytes;
    } cases[] = {{"0", 0},
                 {"1048576", 1048576},
                 {"512K", 512 * 1024},
                 {"512k", 512 * 1024},
                 {"64M", (size_t)64 * 1024 * 1024},
                 {"1G", (size_t)1024 * 1024 * 1024},
                 {"1g", (size_t)1024 * 1024 * 1024}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.max_packet", cases[i].text, NULL), 0, "%s", cases[i].text);
        cr_assert_eq(cfg.max_packet, cases[i].bytes, "%s", cases[i].text);
    }
    static const char *const bad[] = {"",   "M",    "64MB", "64T",
                                      "-1", "1.5M", "64 M", "99999999999999999999G"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.max_packet", bad[i], NULL), DJ_ECONFIG, "\"%s\"", bad[i]);
    }
}

Test(values, loglevel_is_case_insensitive_and_checked)
{
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "loglevel", "debug", NULL), 0);
    cr_assert_eq(cfg.loglevel, DJ_LOG_DEBUG);
    cr_assert_eq(set(&cfg, "loglevel", "Warning", NULL), 0);
    cr_assert_eq(cfg.loglevel, DJ_LOG_WARNING);
    cr_assert_eq(set(&cfg, "loglevel", "CRITICAL", NULL), 0);
    cr_assert_eq(cfg.loglevel, DJ_LOG_ERROR);
    cr_assert_eq(set(&cfg, "loglevel", "verbose", &err), DJ_ECONFIG);
    cr_assert_str_eq(
        err.message,
        "invalid value \"verbose\" for loglevel: expected DEBUG, INFO, WARNING or ERROR");
}

Test(values, host_accepts_ports_brackets_and_lists)
{
    static const char *const good[] = {"localhost",     "db:3307",
                                       "[::1]",         "[::1]:3307",
                                       "10.0.0.1:3306", "h1:3306,h2:3307,[fe80::1]:3308",
                                       "h1,h2",         "::1",
                                       "",              "fe80::1,[::1]:3307"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        dj_config cfg;
        dj_error err;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.host", good[i], &err), 0, "%s: %s", good[i], err.message);
        cr_assert_str_eq(cfg.host, good[i]);
    }
}

Test(values, host_with_a_bad_entry_is_rejected_with_the_reason)
{
    static const struct {
        const char *text;
        const char *why;
    } bad[] = {{"db:", "bad host \"db:\": empty port"},
               {"db:0", "bad port in \"db:0\""},
               {"db:65536", "bad port in \"db:65536\""},
               {"h1,db:http", "bad port in \"db:http\""},
               {"[::1", "bad host \"[::1\": missing ']'"},
               {"[::1]3306", "bad host \"[::1]3306\": expected ':' after ']'"},
               {"[]:3306", "bad host \"[]:3306\": empty host name"},
               {":3306", "bad host \":3306\": empty host name"},
               {"h1,,h2", "bad host \"\": empty host name"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_config cfg;
        dj_error err;
        char want[DJ_ERROR_MESSAGE_MAX];
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.host", bad[i].text, &err), DJ_ECONFIG, "%s", bad[i].text);
        snprintf(want, sizeof want, "invalid value \"%s\" for database.host: %s", bad[i].text,
                 bad[i].why);
        cr_assert_str_eq(err.message, want);
        cr_assert_str_eq(cfg.host, "localhost");
    }
}

/* ---- TLS modes ---- */

Test(tls, parse_accepts_mode_names_and_datajoint_values)
{
    static const struct {
        const char *text;
        dj_tls_mode mode;
    } cases[] = {{"disabled", DJ_TLS_DISABLED},
                 {"preferred", DJ_TLS_PREFERRED},
                 {"required", DJ_TLS_REQUIRED},
                 {"verify_ca", DJ_TLS_VERIFY_CA},
                 {"verify_identity", DJ_TLS_VERIFY_IDENTITY},
                 {"VERIFY-IDENTITY", DJ_TLS_VERIFY_IDENTITY},
                 {"Verify-Ca", DJ_TLS_VERIFY_CA},
                 {"REQUIRED", DJ_TLS_REQUIRED},
                 {"true", DJ_TLS_REQUIRED},
                 {"True", DJ_TLS_REQUIRED},
                 {"false", DJ_TLS_DISABLED},
                 {"none", DJ_TLS_PREFERRED},
                 {"None", DJ_TLS_PREFERRED},
                 {"null", DJ_TLS_PREFERRED}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_tls_mode mode = (dj_tls_mode)-1;
        cr_assert_eq(dj_tls_mode_parse(cases[i].text, &mode), 0, "%s", cases[i].text);
        cr_assert_eq(mode, cases[i].mode, "%s", cases[i].text);
    }
}

Test(tls, parse_rejects_other_text)
{
    static const char *const bad[] = {"",           "yes",      "1",         "verify",
                                      "verify__ca", "verifyca", "required ", "tls"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_tls_mode mode = DJ_TLS_PREFERRED;
        cr_assert_eq(dj_tls_mode_parse(bad[i], &mode), DJ_EINVAL, "\"%s\"", bad[i]);
        cr_assert_eq(mode, DJ_TLS_PREFERRED);
    }
    dj_tls_mode mode;
    cr_assert_eq(dj_tls_mode_parse(NULL, &mode), DJ_EINVAL);
    cr_assert_eq(dj_tls_mode_parse("required", NULL), DJ_EINVAL);
}

Test(tls, names_are_canonical_and_parse_back)
{
    cr_assert_str_eq(dj_tls_mode_name(DJ_TLS_DISABLED), "disabled");
    cr_assert_str_eq(dj_tls_mode_name(DJ_TLS_PREFERRED), "preferred");
    cr_assert_str_eq(dj_tls_mode_name(DJ_TLS_REQUIRED), "required");
    cr_assert_str_eq(dj_tls_mode_name(DJ_TLS_VERIFY_CA), "verify_ca");
    cr_assert_str_eq(dj_tls_mode_name(DJ_TLS_VERIFY_IDENTITY), "verify_identity");
    cr_assert_str_eq(dj_tls_mode_name((dj_tls_mode)42), "unknown");
    for (int m = DJ_TLS_DISABLED; m <= DJ_TLS_VERIFY_IDENTITY; m++) {
        dj_tls_mode back;
        cr_assert_eq(dj_tls_mode_parse(dj_tls_mode_name((dj_tls_mode)m), &back), 0);
        cr_assert_eq(back, (dj_tls_mode)m);
    }
}

/* ---- the JSON parser ---- */

typedef struct seen {
    char lines[32][160];
    size_t count;
} seen;

static const char *kind_name(dj__json_kind kind)
{
    static const char *const names[] = {"null",   "false", "true",  "number",
                                        "string", "array", "object"};
    return names[kind];
}

static int record_value(const dj__json_value *v, void *ud)
{
    seen *s = ud;
    cr_assert_lt(s->count, 32);
    cr_assert_eq(strlen(v->text), v->len);
    snprintf(s->lines[s->count++], sizeof s->lines[0], "%u:%u %s %s=%s", v->line, v->column,
             kind_name(v->kind), v->path, v->text);
    return 0;
}

/* Parses text (len bytes) expecting failure; checks position and message. */
static void expect_json_error(const char *text, size_t len, unsigned line, unsigned column,
                              const char *what)
{
    dj__json_error where;
    memset(&where, 0, sizeof where);
    int rc = dj__json_parse(text, len, NULL, NULL, NULL, &where);
    cr_assert_eq(rc, DJ_ECONFIG, "accepted: %.*s", (int)len, text);
    cr_assert_eq(where.line, line, "line %u, want %u (%s)", where.line, line, where.what);
    cr_assert_eq(where.column, column, "column %u, want %u (%s)", where.column, column, where.what);
    cr_assert_str_eq(where.what, what);
}

#define EXPECT_JSON_ERROR(literal, line, column, what)                                             \
    expect_json_error(literal, sizeof(literal) - 1, line, column, what)

Test(json, reports_every_value_with_its_key_path_and_position)
{
    static const char text[] = "{\"database.host\": \"x\",\n"
                               " \"database\": {\"port\": 3306, \"tls\": {\"ca\": null}},\n"
                               " \"list\": [1, {\"hidden\": 2}], \"t\": true, \"f\": false,\n"
                               " \"n\": -1.5e+3}";
    seen s = {.count = 0};
    cr_assert_eq(dj__json_parse(text, sizeof text - 1, NULL, record_value, &s, NULL), 0);
    static const char *const want[] = {
        "1:19 string database.host=x",
        "2:14 object database=",
        "2:23 number database.port=3306",
        "2:36 object database.tls=",
        "2:43 null database.tls.ca=",
        "3:10 array list=",
        "3:35 true t=",
        "3:46 false f=",
        "4:7 number n=-1.5e+3",
    };
    cr_assert_eq(s.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s.count; i++)
        cr_assert_str_eq(s.lines[i], want[i]);
}

Test(json, decodes_escapes_utf8_and_surrogate_pairs)
{
    static const char text[] =
        "{\"k\\u00e9y\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u20AC\\ud83d\\ude00\xc3\xa9\"}";
    seen s = {.count = 0};
    cr_assert_eq(dj__json_parse(text, sizeof text - 1, NULL, record_value, &s, NULL), 0);
    cr_assert_eq(s.count, 1);
    cr_assert_str_eq(
        s.lines[0],
        "1:14 string k\xc3\xa9y=a\"b\\c/d\b\f\n\r\t\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9");
}

static int stop_at_second_value(const dj__json_value *v, void *ud)
{
    (void)v;
    size_t *count = ud;
    return ++*count == 2 ? 7 : 0;
}

Test(json, visitor_status_stops_the_parse)
{
    static const char text[] = "{\"a\": 1, \"b\": 2, \"c\": 3}";
    size_t count = 0;
    cr_assert_eq(dj__json_parse(text, sizeof text - 1, NULL, stop_at_second_value, &count, NULL),
                 7);
    cr_assert_eq(count, 2);
}

Test(json, missing_comma)
{
    EXPECT_JSON_ERROR("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3,
                      "expected ',' or '}', found character '\"'");
    EXPECT_JSON_ERROR("{\"a\": [1 2]}", 1, 10, "expected ',' or ']', found character '2'");
}

Test(json, trailing_comma)
{
    EXPECT_JSON_ERROR("{\"a\": 1,\n}", 2, 1, "trailing comma before '}'");
    EXPECT_JSON_ERROR("{\"a\": [1, 2, ]}", 1, 14, "trailing comma before ']'");
}

Test(json, unterminated_string)
{
    EXPECT_JSON_ERROR("{\"a\": \"abc", 1, 7, "unterminated string");
    EXPECT_JSON_ERROR("{\n\"a\": \"abc\n\"}", 2, 6,
                      "unterminated string (a string cannot span lines)");
    EXPECT_JSON_ERROR("{\"a\": \"abc\\", 1, 7, "unterminated string");
}

Test(json, bad_escapes)
{
    EXPECT_JSON_ERROR("{\"a\": \"x\\qy\"}", 1, 9,
                      "invalid escape in string: '\\' followed by character 'q'");
    EXPECT_JSON_ERROR("{\"a\": \"\\u12G4\"}", 1, 8, "invalid \\u escape: expected 4 hex digits");
    EXPECT_JSON_ERROR("{\"a\": \"\\u12\"}", 1, 8, "invalid \\u escape: expected 4 hex digits");
    EXPECT_JSON_ERROR("{\"a\": \"x\\ud83dy\"}", 1, 9, "unpaired surrogate \\uD83D");
    EXPECT_JSON_ERROR("{\"a\": \"\\ud83d\\u0041\"}", 1, 8, "unpaired surrogate \\uD83D");
    EXPECT_JSON_ERROR("{\"a\": \"\\ude00\"}", 1, 8, "unpaired surrogate \\uDE00");
    EXPECT_JSON_ERROR("{\"a\": \"\\u0000\"}", 1, 8, "\\u0000 (NUL) is not allowed in strings");
}

Test(json, control_character_in_string)
{
    EXPECT_JSON_ERROR("{\"a\": \"x\ty\"}", 1, 9,
                      "control character U+0009 in string (write it as an escape)");
    EXPECT_JSON_ERROR("{\"a\":\n \"\x1f\"}", 2, 3,
                      "control character U+001F in string (write it as an escape)");
}

Test(json, nesting_deeper_than_64_is_rejected)
{
    char text[300];
    size_t n = 0;
    /* The top-level object plus 63 arrays: 64 levels, accepted. */
    n += (size_t)snprintf(text, sizeof text, "{\"a\":");
    for (int i = 0; i < 63; i++)
        text[n++] = '[';
    for (int i = 0; i < 63; i++)
        text[n++] = ']';
    text[n++] = '}';
    cr_assert_eq(dj__json_parse(text, n, NULL, NULL, NULL, NULL), 0);
    /* One more: the 64th '[' (column 5 + 64) is level 65. */
    n = (size_t)snprintf(text, sizeof text, "{\"a\":");
    for (int i = 0; i < 64; i++)
        text[n++] = '[';
    for (int i = 0; i < 64; i++)
        text[n++] = ']';
    text[n++] = '}';
    expect_json_error(text, n, 1, 69, "nesting deeper than 64 levels");
}

Test(json, nul_bytes_are_rejected)
{
    EXPECT_JSON_ERROR("{\"a\": \"x\0y\"}", 1, 9, "NUL byte in string");
    EXPECT_JSON_ERROR("{\0}", 1, 2, "expected a string key or '}', found NUL byte");
    EXPECT_JSON_ERROR("{}\0", 1, 3, "unexpected NUL byte after the top-level object");
}

Test(json, empty_and_blank_input)
{
    expect_json_error("", 0, 1, 1, "empty input (expected a JSON object)");
    EXPECT_JSON_ERROR("  \n ", 2, 2,
                      "expected '{' (the top-level value must be an object), found end of input");
}

Test(json, top_level_must_be_an_object)
{
    EXPECT_JSON_ERROR("[1, 2]", 1, 1, "the top-level value must be an object, not an array");
    EXPECT_JSON_ERROR("\n  [1]", 2, 3, "the top-level value must be an object, not an array");
    EXPECT_JSON_ERROR("\"host\"", 1, 1,
                      "expected '{' (the top-level value must be an object), found character '\"'");
    EXPECT_JSON_ERROR("{} {}", 1, 4, "unexpected character '{' after the top-level object");
}

Test(json, invalid_utf8_is_rejected)
{
    EXPECT_JSON_ERROR("{\"a\": \"\xc3\x28\"}", 1, 8, "invalid UTF-8 in string");
    EXPECT_JSON_ERROR("{\"a\": \"ok\xc0\xaf\"}", 1, 10, "invalid UTF-8 in string"); /* overlong */
    EXPECT_JSON_ERROR("{\"a\": \"\xed\xa0\x80\"}", 1, 8, "invalid UTF-8 in string"); /* surrogate */
    EXPECT_JSON_ERROR("{\"a\": \"\xf4\x90\x80\x80\"}", 1, 8,
                      "invalid UTF-8 in string"); /* > U+10FFFF */
    EXPECT_JSON_ERROR("{\"a\": \"\xe2\x82\"}", 1, 8, "invalid UTF-8 in string"); /* cut short */
    EXPECT_JSON_ERROR("{\"\x80\": 1}", 1, 3, "invalid UTF-8 in string");
    EXPECT_JSON_ERROR("{\"a\": \xc3\xa9}", 1, 7, "expected a value, found byte 0xC3");
}

Test(json, comments_and_other_extensions_are_rejected)
{
    EXPECT_JSON_ERROR(
        "{ // note\n}", 1, 3,
        "expected a string key or '}', found character '/' (comments are not allowed in JSON)");
    EXPECT_JSON_ERROR(
        "{\"a\": 1 /* x */}", 1, 9,
        "expected ',' or '}', found character '/' (comments are not allowed in JSON)");
    EXPECT_JSON_ERROR("{'a': 1}", 1, 2, "expected a string key or '}', found character '''");
    EXPECT_JSON_ERROR("{a: 1}", 1, 2, "expected a string key or '}', found character 'a'");
    EXPECT_JSON_ERROR("{\"a\" 1}", 1, 6, "expected ':' after the key, found character '1'");
    EXPECT_JSON_ERROR("{\"a\": True}", 1, 7, "expected a value, found character 'T'");
    EXPECT_JSON_ERROR("{\"a\": nul}", 1, 7, "invalid literal (expected true, false or null)");
    EXPECT_JSON_ERROR("{\"a\": 012}", 1, 8, "invalid number: leading zeros are not allowed");
    EXPECT_JSON_ERROR("{\"a\": 1.}", 1, 9, "expected a digit after '.', found character '}'");
    EXPECT_JSON_ERROR("{\"a\": -}", 1, 8, "expected a digit, found character '}'");
    EXPECT_JSON_ERROR("{\"a\": 1e}", 1, 9, "expected a digit in the exponent, found character '}'");
    EXPECT_JSON_ERROR("{\"a\": +1}", 1, 7, "expected a value, found character '+'");
    EXPECT_JSON_ERROR("{\"a\": 1", 1, 8, "expected ',' or '}', found end of input");
}

Test(json, input_larger_than_the_cap_is_rejected)
{
    size_t len = DJ__JSON_MAX_SIZE + 1;
    char *text = malloc(len);
    cr_assert_not_null(text);
    memset(text, ' ', len);
    text[0] = '{';
    text[len - 1] = '}';
    expect_json_error(text, len, 1, 1, "input is larger than 1048576 bytes");
    cr_assert_eq(dj__json_parse(text + 1, len - 1, NULL, NULL, NULL, NULL), DJ_ECONFIG);
    text[1] = '{';
    cr_assert_eq(dj__json_parse(text + 1, len - 1, NULL, NULL, NULL, NULL), 0);
    free(text);
}

static void *failing_malloc(size_t size, void *ud)
{
    (void)size;
    (void)ud;
    return NULL;
}

static void *failing_realloc(void *p, size_t size, void *ud)
{
    (void)p;
    (void)size;
    (void)ud;
    return NULL;
}

static void unused_free(void *p, void *ud)
{
    (void)p;
    (void)ud;
}

Test(json, allocation_failure_is_reported)
{
    static const dj_allocator failing = {failing_malloc, failing_realloc, unused_free, NULL};
    static const char text[] = "{\"a\": 1}";
    cr_assert_eq(dj__json_parse(text, sizeof text - 1, &failing, NULL, NULL, NULL), DJ_ENOMEM);
}

/* ---- config files ---- */

TestSuite(file, .init = sandbox_up, .fini = sandbox_down);

Test(file, flat_datajoint_014_file_loads_and_ignores_other_keys)
{
    dj_config cfg;
    dj_error err;
    char path[PATH_MAX];
    fixture_path(path, sizeof path, "dj_local_conf-0.14.json");
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load_file(&cfg, path, &err), 0, "%s", err.message);
    cr_assert_str_eq(cfg.host, "db.example.org");
    cr_assert_eq(cfg.port, 3307);
    cr_assert_str_eq(cfg.user, "alice");
    cr_assert_str_eq(cfg.password, "fixture-password");
    cr_assert_eq(cfg.reconnect, 0);
    cr_assert_eq(cfg.safemode, 0);
    cr_assert_eq(cfg.loglevel, DJ_LOG_WARNING);
    cr_assert_eq(cfg.tls_mode, default_tls_mode());
    cr_assert_str_eq(cfg.init_command, "");
    cr_assert_str_eq(cfg.charset, "");
    cr_assert_eq(cfg.connect_timeout_ms, 10000);
}

Test(file, nested_datajoint_json_loads)
{
    dj_config cfg;
    dj_error err;
    char path[PATH_MAX];
    fixture_path(path, sizeof path, "datajoint-nested.json");
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load_file(&cfg, path, &err), 0, "%s", err.message);
    cr_assert_str_eq(cfg.host, "db.lab.internal:3310");
    cr_assert_eq(cfg.port, 3311);
    cr_assert_str_eq(cfg.user, "bob");
    cr_assert_str_eq(cfg.password, "nested-password");
    cr_assert_eq(cfg.tls_mode, DJ_TLS_REQUIRED);
    cr_assert_eq(cfg.reconnect, 1);
    cr_assert_eq(cfg.connect_timeout_ms, 2500);
    cr_assert_eq(cfg.read_timeout_ms, 30000);
    cr_assert_eq(cfg.max_packet, (size_t)16 * 1024 * 1024);
    cr_assert_eq(cfg.compress, 1);
    cr_assert_str_eq(cfg.init_command, "SET time_zone = '+00:00'");
    cr_assert_str_eq(cfg.charset, "utf8mb4");
    cr_assert_eq(cfg.safemode, 1);
    cr_assert_eq(cfg.loglevel, DJ_LOG_DEBUG);
}

Test(file, mixed_flat_and_nested_keys_load)
{
    dj_config cfg;
    dj_error err;
    char path[PATH_MAX];
    fixture_path(path, sizeof path, "mixed-layout.json");
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load_file(&cfg, path, &err), 0, "%s", err.message);
    cr_assert_str_eq(cfg.host, "nested-host");
    cr_assert_str_eq(cfg.tls_ca, "/etc/ssl/lab-ca.pem");
    cr_assert_eq(cfg.port, 3308);
    cr_assert_eq(cfg.tls_mode, DJ_TLS_VERIFY_IDENTITY);
    cr_assert_eq(cfg.safemode, 0);
}

Test(file, null_keeps_the_current_value)
{
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cfg.tls_mode = DJ_TLS_DISABLED;
    cr_assert_eq(load_text(&cfg,
                           "{\"database.use_tls\": null, \"database\": {\"host\": null, "
                           "\"port\": null}, \"connection.init_function\": null}",
                           &err),
                 0, "%s", err.message);
    cr_assert_eq(cfg.tls_mode, DJ_TLS_DISABLED);
    cr_assert_str_eq(cfg.host, "localhost");
    cr_assert_eq(cfg.port, 3306);
}

Test(file, json_booleans_and_numbers_map_to_settings)
{
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cr_assert_eq(load_text(&cfg,
                           "{\"database.use_tls\": false, \"database.compress\": 1, "
                           "\"database.port\": \"3309\", \"database.write_timeout\": 0.25, "
                           "\"database.max_packet\": 1048576, \"safemode\": false}",
                           &err),
                 0, "%s", err.message);
    cr_assert_eq(cfg.tls_mode, DJ_TLS_DISABLED);
    cr_assert_eq(cfg.compress, 1);
    cr_assert_eq(cfg.port, 3309);
    cr_assert_eq(cfg.write_timeout_ms, 250);
    cr_assert_eq(cfg.max_packet, 1048576);
    cr_assert_eq(cfg.safemode, 0);
}

Test(file, wrong_json_types_name_file_position_and_key)
{
    static const struct {
        const char *text;
        const char *where_what;
    } cases[] = {
        {"{\"database.host\": 5}", "1:19: database.host must be a string, not a number"},
        {"{\"database\": {\n  \"host\": true}}", "2:11: database.host must be a string, not true"},
        {"{\"database.port\": false}",
         "1:19: database.port must be a number or a string, not false"},
        {"{\"database.port\": [3306]}",
         "1:19: database.port must be a number or a string, not an array"},
        {"{\"database\": {\"host\": {\"name\": \"x\"}}}",
         "1:23: database.host must be a string, not an object"},
        {"{\"database.use_tls\": 1}",
         "1:22: database.use_tls must be true, false, null or a TLS mode name, not a number"},
        {"{\"safemode\": {}}",
         "1:14: safemode must be a boolean, a number or a string, not an object"},
        {"{\"loglevel\": 10}", "1:14: loglevel must be a string, not a number"},
        {"{\"database.port\": 3306.5}", "1:19: invalid value \"3306.5\" for database.port: "
                                        "expected a port number from 1 to 65535"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_config cfg;
        dj_error err;
        char want[DJ_ERROR_MESSAGE_MAX];
        dj_config_init(&cfg);
        cr_assert_eq(load_text(&cfg, cases[i].text, &err), DJ_ECONFIG, "%s", cases[i].text);
        snprintf(want, sizeof want, "%s:%s", in_sandbox("config.json"), cases[i].where_what);
        cr_assert_str_eq(err.message, want);
    }
}

Test(file, failed_load_leaves_the_config_unchanged)
{
    dj_config cfg, before;
    dj_error err;
    dj_config_init(&cfg);
    before = cfg;
    cr_assert_eq(
        load_text(&cfg, "{\"database.host\": \"changed\", \"database.port\": \"x\"}", &err),
        DJ_ECONFIG);
    cr_assert_eq(memcmp(&cfg, &before, sizeof cfg), 0);
    cr_assert_eq(load_text(&cfg, "{\"database.host\": \"changed\",}", &err), DJ_ECONFIG);
    cr_assert_eq(memcmp(&cfg, &before, sizeof cfg), 0);
}

Test(file, syntax_error_message_has_path_line_and_column)
{
    dj_config cfg;
    dj_error err;
    char want[DJ_ERROR_MESSAGE_MAX];
    dj_config_init(&cfg);
    cr_assert_eq(
        load_text(&cfg, "{\n  \"database.host\": \"a\"\n  \"database.user\": \"b\"\n}", &err),
        DJ_ECONFIG);
    cr_assert_eq(err.code, DJ_ECONFIG);
    snprintf(want, sizeof want, "%s:3:3: expected ',' or '}', found character '\"'",
             in_sandbox("config.json"));
    cr_assert_str_eq(err.message, want);
}

Test(file, malformed_files_report_the_exact_position)
{
    static const struct {
        const char *text;
        size_t len;
        const char *where_what;
    } cases[] = {
        {"", 0, "1:1: empty input (expected a JSON object)"},
        {"[{\"database.host\": \"x\"}]", 25,
         "1:1: the top-level value must be an object, not an array"},
        {"{\"a\": \"x\0\"}", 11, "1:9: NUL byte in string"},
        {"{\n\"database.host\": \"caf\xe9\"\n}", 25, "2:22: invalid UTF-8 in string"},
        {"{\"database.port\": 3306,}", 24, "1:24: trailing comma before '}'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dj_config cfg;
        dj_error err;
        char want[DJ_ERROR_MESSAGE_MAX];
        dj_config_init(&cfg);
        write_bytes(in_sandbox("bad.json"), cases[i].text, cases[i].len);
        cr_assert_eq(dj_config_load_file(&cfg, in_sandbox("bad.json"), &err), DJ_ECONFIG);
        snprintf(want, sizeof want, "%s:%s", in_sandbox("bad.json"), cases[i].where_what);
        cr_assert_str_eq(err.message, want);
    }
}

Test(file, missing_file_is_an_error_with_the_reason)
{
    dj_config cfg;
    dj_error err;
    char want[DJ_ERROR_MESSAGE_MAX];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load_file(&cfg, in_sandbox("absent.json"), &err), DJ_ECONFIG);
    snprintf(want, sizeof want, "cannot open %s: %s", in_sandbox("absent.json"), strerror(ENOENT));
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(err.os_errno, ENOENT);
    cr_assert_eq(dj_config_load_file(&cfg, sandbox, &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, "not a regular file"), "%s", err.message);
}

Test(file, file_over_one_mebibyte_is_rejected)
{
    dj_config cfg;
    dj_error err;
    size_t len = DJ__JSON_MAX_SIZE + 1;
    char *text = malloc(len);
    cr_assert_not_null(text);
    memset(text, ' ', len);
    text[0] = '{';
    text[len - 1] = '}';
    write_bytes(in_sandbox("big.json"), text, len);
    free(text);
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load_file(&cfg, in_sandbox("big.json"), &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, "is larger than 1048576 bytes"), "%s", err.message);
}

static size_t live_allocations;

static void *counting_malloc(size_t size, void *ud)
{
    (void)ud;
    live_allocations++;
    return malloc(size);
}

static void *counting_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    if (!p)
        live_allocations++;
    return realloc(p, size);
}

static void counting_free(void *p, void *ud)
{
    (void)ud;
    live_allocations--;
    free(p);
}

Test(file, loading_uses_the_configured_allocator_and_frees_everything)
{
    static const dj_allocator counting = {counting_malloc, counting_realloc, counting_free, NULL};
    static const dj_allocator failing = {failing_malloc, failing_realloc, unused_free, NULL};
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cfg.allocator = &counting;
    cr_assert_eq(load_text(&cfg, "{\"database.user\": \"u\"}", &err), 0, "%s", err.message);
    cr_assert_eq(live_allocations, 0);
    cr_assert_eq(load_text(&cfg, "{\"database.user\": 5}", &err), DJ_ECONFIG);
    cr_assert_eq(live_allocations, 0);
    cfg.allocator = &failing;
    cr_assert_eq(load_text(&cfg, "{\"database.user\": \"v\"}", &err), DJ_ENOMEM);
    cr_assert_str_eq(cfg.user, "u");
}

/* ---- the search for a config file ---- */

TestSuite(load, .init = sandbox_up, .fini = sandbox_down);

/* project/sub/deeper under the sandbox, with every candidate file in place. */
static void make_all_candidates(void)
{
    make_dirs("project/sub/deeper");
    write_text(in_sandbox("project/dj_local_conf.json"), "{\"database.host\": \"from-local\"}");
    write_text(in_sandbox("home/.datajoint_config.json"), "{\"database.host\": \"from-home\"}");
    write_text(in_sandbox("datajoint.json"), "{\"database\": {\"host\": \"from-datajoint-json\"}}");
}

static void expect_loaded(const char *host, const char *from_rel)
{
    dj_config cfg;
    dj_error err;
    char loaded_from[DJ_PATH_MAX];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, loaded_from, &err), 0, "%s", err.message);
    cr_assert_str_eq(cfg.host, host);
    cr_assert_str_eq(loaded_from, from_rel ? in_sandbox(from_rel) : "");
}

Test(load, local_file_beats_home_and_datajoint_json)
{
    make_all_candidates();
    enter("project");
    expect_loaded("from-local", "project/dj_local_conf.json");
}

Test(load, home_file_beats_datajoint_json)
{
    make_all_candidates();
    enter("project/sub");
    expect_loaded("from-home", "home/.datajoint_config.json");
}

Test(load, datajoint_json_is_found_upwards)
{
    make_all_candidates();
    unlink(in_sandbox("home/.datajoint_config.json"));
    enter("project/sub/deeper");
    expect_loaded("from-datajoint-json", "datajoint.json");
}

Test(load, nearest_datajoint_json_wins)
{
    make_all_candidates();
    unsetenv("HOME");
    write_text(in_sandbox("project/datajoint.json"), "{\"database.host\": \"nearer\"}");
    enter("project/sub/deeper");
    expect_loaded("nearer", "project/datajoint.json");
}

Test(load, only_the_first_file_found_is_used)
{
    make_all_candidates();
    write_text(in_sandbox("home/.datajoint_config.json"), "{\"database.user\": \"home-user\"}");
    enter("project");
    expect_loaded("from-local", "project/dj_local_conf.json");
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, NULL, NULL), 0);
    cr_assert_str_eq(cfg.user, "root");
}

Test(load, no_file_leaves_defaults_and_empty_loaded_from)
{
    make_dirs("empty");
    enter("empty");
    expect_loaded("localhost", NULL);
}

Test(load, config_file_variable_replaces_the_search)
{
    make_all_candidates();
    write_text(in_sandbox("elsewhere.json"), "{\"database.host\": \"from-variable\"}");
    cr_assert_eq(setenv("DJ_CONFIG_FILE", in_sandbox("elsewhere.json"), 1), 0);
    enter("project");
    expect_loaded("from-variable", "elsewhere.json");
}

Test(load, config_file_variable_naming_a_missing_file_is_an_error)
{
    make_all_candidates();
    cr_assert_eq(setenv("DJ_CONFIG_FILE", in_sandbox("absent.json"), 1), 0);
    enter("project");
    dj_config cfg;
    dj_error err;
    char loaded_from[DJ_PATH_MAX];
    char want[DJ_ERROR_MESSAGE_MAX];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, loaded_from, &err), DJ_ECONFIG);
    snprintf(want, sizeof want, "cannot open %s: %s", in_sandbox("absent.json"), strerror(ENOENT));
    cr_assert_str_eq(err.message, want);
    cr_assert_str_eq(loaded_from, "");
    cr_assert_str_eq(cfg.host, "localhost");
}

Test(load, malformed_found_file_is_reported_and_changes_nothing)
{
    make_dirs("project");
    write_text(in_sandbox("project/dj_local_conf.json"), "{\"database.host\": \"x\" \"y\"}");
    enter("project");
    dj_config cfg;
    dj_error err;
    char want[DJ_ERROR_MESSAGE_MAX];
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, NULL, &err), DJ_ECONFIG);
    snprintf(want, sizeof want, "%s:1:23: expected ',' or '}', found character '\"'",
             in_sandbox("project/dj_local_conf.json"));
    cr_assert_str_eq(err.message, want);
    cr_assert_str_eq(cfg.host, "localhost");
}

/* ---- the environment ---- */

TestSuite(env, .init = sandbox_up, .fini = sandbox_down);

Test(env, environment_overrides_the_file)
{
    make_dirs("project");
    write_text(in_sandbox("project/dj_local_conf.json"),
               "{\"database.host\": \"filehost\", \"database.user\": \"fileuser\", "
               "\"database.password\": \"filepass\", \"database.use_tls\": false, "
               "\"database.port\": 3307, \"database.connect_timeout\": 5}");
    setenv("DJ_HOST", "envhost:3310", 1);
    setenv("DJ_USER", "envuser", 1);
    setenv("DJ_PASS", "envpass", 1);
    setenv("DJ_USE_TLS", "verify_ca", 1);
    setenv("DJ_PORT", "3320", 1);
    setenv("DJ_CONNECT_TIMEOUT", "1.5", 1);
    setenv("DJ_TLS_CA", "/etc/ssl/env-ca.pem", 1);
    setenv("DJ_LOG_LEVEL", "error", 1);
    enter("project");
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(cfg.host, "envhost:3310");
    cr_assert_str_eq(cfg.user, "envuser");
    cr_assert_str_eq(cfg.password, "envpass");
    cr_assert_eq(cfg.tls_mode, DJ_TLS_VERIFY_CA);
    cr_assert_eq(cfg.port, 3320);
    cr_assert_eq(cfg.connect_timeout_ms, 1500);
    cr_assert_str_eq(cfg.tls_ca, "/etc/ssl/env-ca.pem");
    cr_assert_eq(cfg.loglevel, DJ_LOG_ERROR);
}

Test(env, explicit_set_after_load_overrides_environment)
{
    setenv("DJ_HOST", "envhost", 1);
    setenv("DJ_USE_TLS", "true", 1);
    make_dirs("empty");
    enter("empty");
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(dj_config_load(&cfg, NULL, NULL), 0);
    cr_assert_str_eq(cfg.host, "envhost");
    cr_assert_eq(cfg.tls_mode, DJ_TLS_REQUIRED);
    cr_assert_eq(dj_config_set(&cfg, "database.host", "explicit", NULL), 0);
    cr_assert_eq(dj_config_set(&cfg, "database.use_tls", "false", NULL), 0);
    cr_assert_str_eq(cfg.host, "explicit");
    cr_assert_eq(cfg.tls_mode, DJ_TLS_DISABLED);
}

Test(env, host_variable_keeps_port_brackets_and_lists)
{
    static const char *const hosts[] = {"db.example.org:3307", "[::1]:3307", "[2001:db8::5]",
                                        "h1:3306,h2:3307,[::1]:3308"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        dj_config cfg;
        dj_error err;
        dj_config_init(&cfg);
        setenv("DJ_HOST", hosts[i], 1);
        cr_assert_eq(dj_config_apply_env(&cfg, &err), 0, "%s: %s", hosts[i], err.message);
        cr_assert_str_eq(cfg.host, hosts[i]);
        cr_assert_eq(cfg.port, 3306);
    }
    dj_config cfg;
    dj_config_init(&cfg);
    setenv("DJ_HOST", "[::1]:3307", 1);
    setenv("DJ_PORT", "3399", 1);
    cr_assert_eq(dj_config_apply_env(&cfg, NULL), 0);
    cr_assert_str_eq(cfg.host, "[::1]:3307");
    cr_assert_eq(cfg.port, 3399);
}

Test(env, empty_variables_count_as_unset)
{
    for (size_t i = 0; i < sizeof dj_variables / sizeof dj_variables[0]; i++)
        setenv(dj_variables[i], "", 1);
    make_dirs("empty");
    enter("empty");
    dj_config cfg, before;
    dj_error err;
    dj_config_init(&cfg);
    before = cfg;
    cr_assert_eq(dj_config_load(&cfg, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(memcmp(&cfg, &before, sizeof cfg), 0);
}

Test(env, bad_variable_is_named_and_changes_nothing)
{
    static const struct {
        const char *variable;
        const char *value;
        const char *message;
    } cases[] = {
        {"DJ_PORT", "33o6",
         "DJ_PORT: invalid value \"33o6\" for database.port: expected a port number from 1 to "
         "65535"},
        {"DJ_HOST", "db:port",
         "DJ_HOST: invalid value \"db:port\" for database.host: bad port in \"db:port\""},
        {"DJ_USE_TLS", "maybe",
         "DJ_USE_TLS: invalid value \"maybe\" for database.use_tls: expected true, false, none, "
         "disabled, preferred, required, verify_ca or verify_identity"},
        {"DJ_CONNECT_TIMEOUT", "10s",
         "DJ_CONNECT_TIMEOUT: invalid value \"10s\" for database.connect_timeout: expected "
         "seconds with at most 3 decimals, e.g. 10 or 2.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clear_dj_environment();
        setenv("DJ_USER", "someone", 1);
        setenv(cases[i].variable, cases[i].value, 1);
        dj_config cfg, before;
        dj_error err;
        dj_config_init(&cfg);
        before = cfg;
        cr_assert_eq(dj_config_apply_env(&cfg, &err), DJ_ECONFIG, "%s", cases[i].variable);
        cr_assert_str_eq(err.message, cases[i].message);
        cr_assert_eq(memcmp(&cfg, &before, sizeof cfg), 0);
    }
}

/* ---- secrets ---- */

TestSuite(secrets, .init = sandbox_up, .fini = sandbox_down);

#define SECRET "Sup3r-S3cret"

Test(secrets, password_never_appears_in_any_error_message)
{
    char long_secret[DJ_PASSWORD_MAX + 16] = "";
    while (strlen(long_secret) + strlen(SECRET) < sizeof long_secret)
        strcat(long_secret, SECRET);
    static const char *const files[] = {
        "{\"database.password\": \"" SECRET "\", \"database.port\": \"bad\"}",
        "{\"database.password\": \"" SECRET "\", \"database.host\": 1}",
        "{\"database.password\": \"" SECRET "\" \"database.host\": \"x\"}",
        "{\"database.password\": \"" SECRET "\\q\"}",
        "{\"database.password\": \"" SECRET "\t\"}",
        "{\"database.password\": \"" SECRET "\xff\"}",
        "{\"database.password\": \"" SECRET "\\ud800\"}",
        "{\"database.password\": \"" SECRET,
        "{\"database\": {\"password\": \"" SECRET "\"}, \"safemode\": \"maybe\"}",
        "{\"database.password\": 12345}",
        "{\"database.password\": [\"" SECRET "\"]}",
    };
    dj_error err;
    size_t checked = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        dj_config cfg;
        dj_config_init(&cfg);
        cr_assert_eq(set(&cfg, "database.password", SECRET, NULL), 0);
        cr_assert_neq(load_text(&cfg, files[i], &err), 0, "accepted: %s", files[i]);
        cr_assert_null(strstr(err.message, SECRET), "%s", err.message);
        cr_assert_null(strstr(err.message, "12345"), "%s", err.message);
        checked++;
    }
    dj_config cfg;
    dj_config_init(&cfg);
    cr_assert_eq(set(&cfg, "database.password", SECRET, NULL), 0);
    cr_assert_eq(set(&cfg, "database.password", long_secret, &err), DJ_ECONFIG);
    cr_assert_str_eq(err.message, "value for database.password is too long (max 255 bytes)");
    cr_assert_str_eq(cfg.password, SECRET);
    setenv("DJ_PASS", long_secret, 1);
    cr_assert_eq(dj_config_apply_env(&cfg, &err), DJ_ECONFIG);
    cr_assert_null(strstr(err.message, SECRET), "%s", err.message);
    cr_assert_str_eq(err.message,
                     "DJ_PASS: value for database.password is too long (max 255 bytes)");
    setenv("DJ_PASS", SECRET, 1);
    setenv("DJ_PORT", "bad", 1);
    cr_assert_eq(dj_config_apply_env(&cfg, &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, "DJ_PORT"), "%s", err.message);
    cr_assert_null(strstr(err.message, SECRET), "%s", err.message);
    checked += 2;
    cr_assert_eq(checked, sizeof files / sizeof files[0] + 2);
}
