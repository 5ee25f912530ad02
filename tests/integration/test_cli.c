/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cli.c - the `dj` tool as a user runs it: the built binary started
 * with posix_spawn against the test server, its output and exit status
 * checked, and what it did to the server checked with the independent
 * `mariadb` client ($DJ_TEST_MARIADB).
 *
 * Every test runs in a fresh temporary directory with HOME pointing to an
 * empty directory inside it, so no stray DataJoint config file is read; the
 * server reaches dj through DJ_HOST/DJ_PORT/DJ_USER/DJ_PASS only.
 */
#define _XOPEN_SOURCE 700

#include "itest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

/* ---- the per-test directory and the schemas a test made ---- */

static char work_dir[PATH_MAX];
static char home_dir[PATH_MAX + 8];
static char made_schemas[8][128];
static int made_count;

/* ---- running programs ---- */

typedef struct run_result {
    int status; /* exit code, or 128 + signal */
    char *out;  /* stdout, NUL-terminated (may hold NULs before the end) */
    size_t out_len;
    char *err;  /* stderr, NUL-terminated */
    size_t err_len;
    double seconds;
} run_result;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    cr_assert_eq(fclose(f), 0);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* An environment entry list where putting NAME=... replaces an earlier NAME. */
typedef struct env_list {
    char *items[512];
    size_t count;
} env_list;

static void env_put(env_list *env, const char *entry)
{
    size_t name_len = strcspn(entry, "=");
    for (size_t i = 0; i < env->count; i++) {
        if (strncmp(env->items[i], entry, name_len + 1) == 0) {
            free(env->items[i]);
            env->items[i] = strdup(entry);
            return;
        }
    }
    cr_assert_lt(env->count + 1, sizeof env->items / sizeof env->items[0]);
    env->items[env->count++] = strdup(entry);
    env->items[env->count] = NULL;
}

static void env_putf(env_list *env, const char *name, const char *value)
{
    char entry[PATH_MAX * 2];
    snprintf(entry, sizeof entry, "%s=%s", name, value);
    env_put(env, entry);
}

static void env_free(env_list *env)
{
    for (size_t i = 0; i < env->count; i++)
        free(env->items[i]);
}

/* Runs path with argv, stdin from `input` (empty when NULL), stdout and
 * stderr captured; the environment is env, or this process's when NULL. */
static void run_program(run_result *r, const char *path, const char *const *argv,
                        const char *input, char *const *env)
{
    write_file("stdin.txt", input ? input : "");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "stdin.txt", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, "stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot start %s: %s", path, strerror(rc));
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r->out = read_whole("stdout.txt", &r->out_len);
    r->err = read_whole("stderr.txt", &r->err_len);
}

#define ARGS(...) ((const char *const[]){"dj", __VA_ARGS__, NULL})

/* Runs the built dj with the test server in DJ_HOST/PORT/USER/PASS, HOME set to
 * the empty test home, no other DJ_* variable, then each "NAME=value" of extra. */
static void run_dj_env(run_result *r, const char *input, const char *const *extra,
                       const char *const *argv)
{
    const char *top = getenv("DJ_TOP_BUILDDIR");
    if (!top || !*top)
        cr_assert_fail("DJ_TOP_BUILDDIR is not set: it names the build directory holding "
                       "tools/dj; run the tests through `make check`, which sets it");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/tools/dj", top);
    cr_assert_eq(access(path, X_OK), 0, "%s is not an executable: %s", path, strerror(errno));
    env_list env = {.count = 0};
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "DJ_", 3) != 0 && strncmp(*e, "HOME=", 5) != 0)
            env_put(&env, *e);
    env_putf(&env, "HOME", home_dir);
    env_putf(&env, "DJ_HOST", itest_env("DJ_TEST_HOST"));
    env_putf(&env, "DJ_PORT", itest_env("DJ_TEST_PORT"));
    env_putf(&env, "DJ_USER", itest_env("DJ_TEST_USER"));
    env_putf(&env, "DJ_PASS", itest_env("DJ_TEST_PASS"));
    for (const char *const *x = extra; x && *x; x++)
        env_put(&env, *x);
    run_program(r, path, argv, input, env.items);
    env_free(&env);
}

static void run_dj(run_result *r, const char *input, const char *const *argv)
{
    run_dj_env(r, input, NULL, argv);
}

/* The mariadb client in batch mode with SQL on stdin; it must succeed. */
static void run_mariadb(run_result *r, const char *sql, int column_names)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --batch%s", itest_env("DJ_TEST_MARIADB"),
             column_names ? "" : " --skip-column-names");
    const char *const argv[] = {"sh", "-c", cmd, NULL};
    run_program(r, "/bin/sh", argv, sql, NULL);
    cr_assert_eq(r->status, 0, "mariadb client failed on %s: %s", sql, r->err);
}

static void mariadb_exec(const char *sql)
{
    run_result r;
    run_mariadb(&r, sql, 0);
    run_free(&r);
}

static int server_has_schema(const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '%s';", name);
    run_result r;
    run_mariadb(&r, sql, 0);
    int has = strcmp(r.out, "1\n") == 0;
    run_free(&r);
    return has;
}

/* A unique schema name, dropped by the teardown whatever happens. */
static void schema_name(char *out, size_t size, const char *base)
{
    itest_unique_name(out, size, base);
    cr_assert_lt(made_count, 8);
    snprintf(made_schemas[made_count++], sizeof made_schemas[0], "%s", out);
}

static void create_schema_with_client(const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`;", name);
    mariadb_exec(sql);
}

/* ---- fixture ---- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void setup(void)
{
    snprintf(work_dir, sizeof work_dir, "%s/dj-cli-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    cr_assert_not_null(mkdtemp(work_dir), "mkdtemp: %s", strerror(errno));
    snprintf(home_dir, sizeof home_dir, "%s/home", work_dir);
    cr_assert_eq(mkdir(home_dir, 0700), 0);
    cr_assert_eq(chdir(work_dir), 0);
    made_count = 0;
}

static void teardown(void)
{
    for (int i = 0; i < made_count; i++) {
        char sql[sizeof made_schemas + 64]; /* gcc bounds the name by the whole array */
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`;", made_schemas[i]);
        mariadb_exec(sql);
    }
    if (chdir("/") == 0)
        nftw(work_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 90);

/* ---- version, help, usage ---- */

Test(cli, version_shows_library_version_and_features)
{
    run_result r;
    run_dj(&r, NULL, ARGS("--version"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, dj_version()), "%s", r.out);
    char features[128];
    snprintf(features, sizeof features, "features: %s",
             dj_features_string()[0] ? dj_features_string() : "none");
    cr_assert_not_null(strstr(r.out, features), "%s", r.out);
    run_free(&r);
}

Test(cli, help_exits_0_and_documents_exit_codes_environment_and_files)
{
    run_result r;
    run_dj(&r, NULL, ARGS("--help"));
    cr_assert_eq(r.status, 0);
    const char *expected[] = {"Exit status",
                              "  0  success",
                              "  1  a negative answer",
                              "  2  usage error",
                              "  3  could not connect",
                              "  4  the server reported an error",
                              "DJ_HOST",
                              "DJ_PORT",
                              "DJ_USER",
                              "DJ_PASS",
                              "DJ_USE_TLS",
                              "DJ_CONFIG_FILE",
                              "dj_local_conf.json",
                              "~/.datajoint_config.json",
                              "datajoint.json",
                              "schema drop NAME [--force]",
                              "--connect-timeout"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_expect_not_null(strstr(r.out, expected[i]), "help lacks \"%s\"", expected[i]);
    run_free(&r);
    run_dj(&r, NULL, ARGS("-?"));
    cr_assert_eq(r.status, 0);
    run_free(&r);
}

Test(cli, unknown_option_is_usage_error_2)
{
    run_result r;
    run_dj(&r, NULL, ARGS("--bogus", "ping"));
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "unknown option '--bogus'"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "usage: dj"), "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_free(&r);
}

Test(cli, unknown_command_and_missing_argument_are_usage_errors)
{
    run_result r;
    run_dj(&r, NULL, ARGS("frobnicate"));
    cr_expect_eq(r.status, 2);
    cr_expect_not_null(strstr(r.err, "unknown command 'frobnicate'"), "%s", r.err);
    run_free(&r);
    run_dj(&r, NULL, ARGS("schema", "create"));
    cr_expect_eq(r.status, 2);
    cr_expect_not_null(strstr(r.err, "schema create NAME"), "%s", r.err);
    run_free(&r);
    run_dj(&r, NULL, ARGS("schema"));
    cr_expect_eq(r.status, 2);
    run_free(&r);
    run_dj(&r, NULL, ARGS("ping", "extra"));
    cr_expect_eq(r.status, 2);
    run_free(&r);
}

Test(cli, global_option_after_the_command_is_usage_error)
{
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "list", "--tls=required"));
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "before the command"), "%s", r.err);
    run_free(&r);
}

Test(cli, h_without_value_points_to_help)
{
    run_result r;
    run_dj(&r, NULL, ARGS("-h"));
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--help"), "%s", r.err);
    run_free(&r);
}

Test(cli, password_on_command_line_is_refused)
{
    run_result r;
    run_dj(&r, NULL, ARGS("-psecret", "ping"));
    cr_assert_eq(r.status, 2);
    cr_assert_null(strstr(r.err, "secret"), "%s", r.err);
    run_free(&r);
}

Test(cli, invalid_option_value_is_usage_error)
{
    run_result r;
    run_dj(&r, NULL, ARGS("--tls=sometimes", "ping"));
    cr_expect_eq(r.status, 2);
    cr_expect_not_null(strstr(r.err, "--tls"), "%s", r.err);
    run_free(&r);
    run_dj(&r, NULL, ARGS("-P", "99999", "ping"));
    cr_expect_eq(r.status, 2);
    run_free(&r);
}

/* ---- ping, connection and options ---- */

Test(cli, ping_reports_server_tls_and_plugin)
{
    run_result r;
    run_dj(&r, NULL, ARGS("ping"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(strncmp(r.out, "alive (server ", 14), 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, itest_env("DJ_TEST_SERVER_VERSION")), "%s", r.out);
    run_free(&r);
    run_dj(&r, NULL, ARGS("-q", "ping"));
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.out_len, 0, "%s", r.out);
    run_free(&r);
}

/* A build without TLS (the minimal build runs these tests too) must refuse a
 * TLS mode with a clear message and a failing exit status. Returns 1 when
 * TLS is missing: the refusal was all the test could check. */
static int tls_refused_by_cli(const char *const *argv)
{
    if (dj_features() & DJ_FEATURE_TLS)
        return 0;
    run_result r;
    run_dj(&r, NULL, argv);
    cr_assert_neq(r.status, 0, "stdout: %s", r.out);
    cr_assert_not_null(strstr(r.err, "not compiled in"), "stderr: %s", r.err);
    run_free(&r);
    return 1;
}

Test(cli, tls_mode_in_both_option_forms)
{
    run_result r;
    run_dj(&r, NULL, ARGS("--tls", "disabled", "ping"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, ", no TLS, "), "%s", r.out);
    run_free(&r);
    if (tls_refused_by_cli(ARGS("--tls=required", "ping")))
        return;
    run_dj(&r, NULL, ARGS("--tls=required", "ping"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, ", TLSv1."), "%s", r.out);
    run_free(&r);
}

/* ... and the options beat the environment's TLS mode and CA file. */
Test(cli, tls_verify_ca_with_ca_option)
{
    char ca[PATH_MAX];
    snprintf(ca, sizeof ca, "--ca=%s/ca.pem", itest_env("DJ_TEST_TLS_DIR"));
    if (tls_refused_by_cli(ARGS("--tls=verify_ca", ca, "ping")))
        return;
    const char *const env[] = {"DJ_USE_TLS=disabled", "DJ_TLS_CA=/no/such/ca.pem", NULL};
    run_result r;
    run_dj_env(&r, NULL, env, ARGS("--tls=verify_ca", ca, "ping"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "TLSv1."), "%s", r.out);
    run_free(&r);
}

Test(cli, closed_port_exits_3_within_the_connect_timeout)
{
    run_result r;
    run_dj(&r, NULL, ARGS("-h", "127.0.0.1", "-P", "1", "--connect-timeout", "5", "ping"));
    cr_assert_eq(r.status, 3, "stdout %s stderr %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "127.0.0.1:1"), "the error names the server: %s", r.err);
    cr_assert_eq(strncmp(r.err, "dj: ", 4), 0, "%s", r.err);
    cr_assert_lt(r.seconds, 6.0, "took %.1f s", r.seconds);
    run_free(&r);
}

Test(cli, wrong_password_exits_3_with_server_errno)
{
    const char *const env[] = {"DJ_PASS=not the password", NULL};
    run_result r;
    run_dj_env(&r, NULL, env, ARGS("ping"));
    cr_assert_eq(r.status, 3, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "errno 1045"), "%s", r.err);
    cr_assert_null(strstr(r.err, "not the password"), "%s", r.err);
    run_free(&r);
}

Test(cli, host_and_port_options_beat_environment)
{
    const char *const env[] = {"DJ_HOST=no-such-host.invalid", "DJ_PORT=1", NULL};
    run_result r;
    run_dj_env(&r, NULL, env, ARGS("config"));
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "\ndatabase.host\tno-such-host.invalid\n"), "%s", r.out);
    run_free(&r);

    run_dj_env(&r, NULL, env,
               ARGS("-h", itest_env("DJ_TEST_HOST"), "-P", itest_env("DJ_TEST_PORT"), "ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);

    char host_opt[300];
    snprintf(host_opt, sizeof host_opt, "-h%s", itest_env("DJ_TEST_HOST"));
    run_dj_env(&r, NULL, env, ARGS(host_opt, "config"));
    char line[400];
    snprintf(line, sizeof line, "\ndatabase.host\t%s\n", itest_env("DJ_TEST_HOST"));
    cr_assert_not_null(strstr(r.out, line), "%s", r.out);
    run_free(&r);
}

/* ---- config ---- */

Test(cli, config_masks_the_password)
{
    const char *const env[] = {"DJ_PASS=secret", NULL};
    run_result r;
    run_dj_env(&r, NULL, env, ARGS("config"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.out, "\ndatabase.password\t***\n"), "%s", r.out);
    cr_assert_null(strstr(r.out, "secret"), "%s", r.out);
    cr_assert_null(strstr(r.err, "secret"), "%s", r.err);
    cr_assert_eq(strncmp(r.out, "# no config file found\n", 23), 0, "%s", r.out);
    for (const char *const *key = dj_config_keys(); *key; key++) {
        char line[128];
        snprintf(line, sizeof line, "\n%s\t", *key);
        cr_expect_not_null(strstr(r.out, line), "config lacks %s", *key);
    }
    run_free(&r);
}

Test(cli, config_file_in_current_directory_is_read_and_named)
{
    write_file("dj_local_conf.json",
               "{\"database.read_timeout\": 7, \"database.user\": \"file_user\"}\n");
    run_result r;
    run_dj(&r, NULL, ARGS("-u", "option_user", "config"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    char first[PATH_MAX + 64];
    snprintf(first, sizeof first, "# loaded from: %s/dj_local_conf.json\n", work_dir);
    cr_assert_eq(strncmp(r.out, first, strlen(first)), 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\ndatabase.read_timeout\t7\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\ndatabase.user\toption_user\n"), "%s", r.out);
    run_free(&r);
}

Test(cli, malformed_config_file_is_usage_error_naming_it)
{
    write_file("dj_local_conf.json", "{\"database.port\": }\n");
    run_result r;
    run_dj(&r, NULL, ARGS("ping"));
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "dj_local_conf.json:1:"), "%s", r.err);
    run_free(&r);
}

/* ---- schema ---- */

Test(cli, schema_create_reports_created_then_already_exists)
{
    char name[128], expected[256];
    schema_name(name, sizeof name, "cli_create");
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "create", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    snprintf(expected, sizeof expected, "created schema `%s`\n", name);
    cr_assert_str_eq(r.out, expected);
    run_free(&r);
    cr_assert(server_has_schema(name));

    run_dj(&r, NULL, ARGS("schema", "create", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    snprintf(expected, sizeof expected, "schema `%s` already exists\n", name);
    cr_assert_str_eq(r.out, expected);
    run_free(&r);
}

Test(cli, schema_create_with_strict_names_refuses_uppercase)
{
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "create", "Djt_Bad_Name", "--strict-names"));
    cr_assert_eq(r.status, 2, "stdout %s", r.out);
    cr_assert_not_null(strstr(r.err, "Djt_Bad_Name"), "%s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema("Djt_Bad_Name"));
}

Test(cli, schema_exists_answers_yes_0_and_no_1_without_creating)
{
    char name[128], missing[128];
    schema_name(name, sizeof name, "cli_exists");
    schema_name(missing, sizeof missing, "cli_missing");
    create_schema_with_client(name);
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "exists", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "yes\n");
    run_free(&r);

    run_dj(&r, NULL, ARGS("schema", "exists", missing));
    cr_assert_eq(r.status, 1, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "no\n");
    run_free(&r);
    cr_assert_not(server_has_schema(missing));

    run_dj(&r, NULL, ARGS("-q", "schema", "exists", missing));
    cr_assert_eq(r.status, 1);
    cr_assert_eq(r.out_len, 0);
    run_free(&r);
}

Test(cli, schema_list_contains_created_schema)
{
    char name[128], line[160];
    schema_name(name, sizeof name, "cli_list");
    create_schema_with_client(name);
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "list"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    snprintf(line, sizeof line, "\n%s\n", name);
    cr_assert(strstr(r.out, line) || strncmp(r.out, line + 1, strlen(line + 1)) == 0, "%s",
              r.out);
    cr_assert_null(strstr(r.out, "information_schema"), "%s", r.out);
    run_free(&r);
}

Test(cli, schema_tables_lists_tier_and_class_name)
{
    char name[128], sql[2048];
    schema_name(name, sizeof name, "cli_tables");
    create_schema_with_client(name);
    snprintf(sql, sizeof sql,
             "CREATE TABLE `%1$s`.`#subject_type` (id INT PRIMARY KEY);"
             "CREATE TABLE `%1$s`.`session` (id INT PRIMARY KEY);"
             "CREATE TABLE `%1$s`.`session__trial` (id INT PRIMARY KEY);"
             "CREATE TABLE `%1$s`.`_imported_thing` (id INT PRIMARY KEY);"
             "CREATE TABLE `%1$s`.`__computed_thing` (id INT PRIMARY KEY);"
             "CREATE TABLE `%1$s`.`~log` (id INT PRIMARY KEY);",
             name);
    mariadb_exec(sql);

    run_result r;
    run_dj(&r, NULL, ARGS("schema", "tables", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    const char *lines[] = {"#subject_type\tlookup\tSubjectType\n",
                           "session\tmanual\tSession\n",
                           "session__trial\tpart\tSession.Trial\n",
                           "_imported_thing\timported\tImportedThing\n",
                           "__computed_thing\tcomputed\tComputedThing\n",
                           "~log\thidden\t\n"};
    size_t total = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char with_start[128];
        snprintf(with_start, sizeof with_start, "\n%s", lines[i]);
        cr_expect(strncmp(r.out, lines[i], strlen(lines[i])) == 0 || strstr(r.out, with_start),
                  "missing line %s in:\n%s", lines[i], r.out);
        total += strlen(lines[i]);
    }
    cr_assert_eq(r.out_len, total, "unexpected extra output:\n%s", r.out);
    run_free(&r);

    run_dj(&r, NULL, ARGS("schema", "tables", name, "--header"));
    cr_assert_eq(r.status, 0);
    cr_assert_eq(strncmp(r.out, "table_name\ttier\tclass_name\n", 27), 0, "%s", r.out);
    run_free(&r);
}

Test(cli, schema_tables_of_missing_schema_exits_1)
{
    char name[128];
    schema_name(name, sizeof name, "cli_notables");
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "tables", name));
    cr_assert_eq(r.status, 1, "stdout %s stderr %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "does not exist"), "%s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema(name));
}

Test(cli, schema_drop_with_force_asks_nothing)
{
    char name[128];
    schema_name(name, sizeof name, "cli_force");
    create_schema_with_client(name);
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "drop", name, "--force"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_null(strstr(r.err, "Proceed"), "%s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema(name));
}

Test(cli, schema_drop_declined_with_no_then_confirmed_with_yes)
{
    char name[128], prompt[256];
    schema_name(name, sizeof name, "cli_confirm");
    create_schema_with_client(name);
    snprintf(prompt, sizeof prompt, "Proceed to delete entire schema `%s`? [yes, No]: ", name);

    run_result r;
    run_dj(&r, "no\n", ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 1, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, prompt), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "not dropped"), "%s", r.err);
    run_free(&r);
    cr_assert(server_has_schema(name));

    /* Not an answer: asked again; the answer is case-insensitive. */
    run_dj(&r, "maybe\nYES\n", ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    const char *second = strstr(r.err, prompt);
    cr_assert_not_null(second);
    cr_assert_not_null(strstr(second + strlen(prompt), prompt), "asked once only: %s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema(name));
}

Test(cli, schema_drop_at_end_of_input_is_no)
{
    char name[128];
    schema_name(name, sizeof name, "cli_eof");
    create_schema_with_client(name);
    run_result r;
    run_dj(&r, "", ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 1, "stderr %s", r.err);
    run_free(&r);
    run_dj(&r, "\n", ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 1, "an empty answer is No: %s", r.err);
    run_free(&r);
    cr_assert(server_has_schema(name));
}

Test(cli, schema_drop_without_safemode_needs_no_answer)
{
    char name[128];
    schema_name(name, sizeof name, "cli_nosafe");
    create_schema_with_client(name);
    write_file("dj_local_conf.json", "{\"safemode\": false}\n");
    run_result r;
    run_dj(&r, "", ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema(name));
}

Test(cli, schema_drop_of_missing_schema_is_a_notice_and_exit_0)
{
    char name[128], notice[256];
    schema_name(name, sizeof name, "cli_nodrop");
    snprintf(notice, sizeof notice, "Schema named `%s` does not exist. Doing nothing.", name);
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "drop", name));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, notice), "%s", r.err);
    run_free(&r);
    run_dj(&r, NULL, ARGS("-q", "schema", "drop", name, "--force"));
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    run_free(&r);
    cr_assert_not(server_has_schema(name));
}

/* ---- query ---- */

static const char escaping_sql[] =
    "SELECT CONCAT('a', CHAR(9), 'b') AS tab, CONCAT('line1', CHAR(10), 'line2') AS nl, "
    "CONCAT('back', CHAR(92), 'slash') AS bs, CONCAT('nul', CHAR(0), 'byte') AS nul, "
    "'' AS empty, 'plain' AS plain, CONCAT(CHAR(13), 'cr') AS cr";

Test(cli, query_escapes_values_exactly_as_mariadb_batch)
{
    run_result mine, theirs;
    run_dj(&mine, NULL, ARGS("query", escaping_sql));
    cr_assert_eq(mine.status, 0, "stderr %s", mine.err);
    run_mariadb(&theirs, escaping_sql, 0);
    static const char expected[] = "a\\tb\tline1\\nline2\tback\\\\slash\tnul\\0byte\t\tplain\t\rcr\n";
    cr_assert_eq(mine.out_len, sizeof expected - 1, "%s", mine.out);
    cr_assert_eq(memcmp(mine.out, expected, mine.out_len), 0, "%s", mine.out);
    cr_assert_eq(theirs.out_len, mine.out_len, "mariadb: %s", theirs.out);
    cr_assert_eq(memcmp(mine.out, theirs.out, mine.out_len), 0, "dj: %s\nmariadb: %s", mine.out,
                 theirs.out);
    run_free(&mine);
    run_free(&theirs);
}

Test(cli, query_header_matches_mariadb_batch)
{
    run_result mine, theirs;
    run_dj(&mine, NULL, ARGS("query", escaping_sql, "--header"));
    cr_assert_eq(mine.status, 0, "stderr %s", mine.err);
    run_mariadb(&theirs, escaping_sql, 1);
    cr_assert_eq(strncmp(mine.out, "tab\tnl\tbs\tnul\tempty\tplain\tcr\n", 29), 0, "%s", mine.out);
    cr_assert_eq(theirs.out_len, mine.out_len, "dj: %s\nmariadb: %s", mine.out, theirs.out);
    cr_assert_eq(memcmp(mine.out, theirs.out, mine.out_len), 0);
    run_free(&mine);
    run_free(&theirs);
}

Test(cli, query_prints_null_as_backslash_n)
{
    run_result r;
    run_dj(&r, NULL, ARGS("query", "SELECT NULL, 'NULL', 1"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "\\N\tNULL\t1\n");
    run_free(&r);
}

Test(cli, query_without_header_prints_only_rows)
{
    run_result r;
    run_dj(&r, NULL, ARGS("query", "SELECT 1 AS a UNION ALL SELECT 2"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "1\n2\n");
    run_free(&r);
}

Test(cli, query_syntax_error_exits_4_with_errno_1064)
{
    run_result r;
    run_dj(&r, NULL, ARGS("query", "SELEC 1"));
    cr_assert_eq(r.status, 4, "stdout %s stderr %s", r.out, r.err);
    cr_assert_eq(strncmp(r.err, "dj: ", 4), 0, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "(errno 1064, SQLSTATE 42000; server "), "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_free(&r);
}

Test(cli, query_dash_reads_the_statement_from_stdin)
{
    run_result r;
    run_dj(&r, "SELECT 'from stdin' AS source\n", ARGS("query", "-", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "source\nfrom stdin\n");
    run_free(&r);
}

Test(cli, query_statement_reports_rows_affected_on_stderr)
{
    char name[128], sql[512];
    schema_name(name, sizeof name, "cli_affected");
    create_schema_with_client(name);
    snprintf(sql, sizeof sql, "CREATE TABLE `%s`.t (x INT);", name);
    mariadb_exec(sql);
    snprintf(sql, sizeof sql, "INSERT INTO `%s`.t VALUES (1), (2)", name);
    run_result r;
    run_dj(&r, NULL, ARGS("query", sql));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_eq(r.out_len, 0, "%s", r.out);
    cr_assert_str_eq(r.err, "2 rows affected\n");
    run_free(&r);
    run_dj(&r, NULL, ARGS("-q", "query", sql));
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    run_free(&r);
}

Test(cli, query_prints_every_result_set_of_a_procedure)
{
    char name[128], sql[512], call[256];
    schema_name(name, sizeof name, "cli_multi");
    create_schema_with_client(name);
    snprintf(sql, sizeof sql,
             "DELIMITER //\nCREATE PROCEDURE `%s`.two_sets() "
             "BEGIN SELECT 1 AS a; SELECT 2 AS b, NULL AS c; END //\n",
             name);
    mariadb_exec(sql);
    snprintf(call, sizeof call, "CALL `%s`.two_sets()", name);
    run_result r;
    run_dj(&r, NULL, ARGS("query", call, "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "a\n1\nb\tc\n2\t\\N\n");
    run_free(&r);
}

/* ---- the command line wins (docs/dj.1, CONFIGURATION) ---- */

/* Every option that sets a configuration key, with a value for the config
 * file, one for the environment variable (NULL where there is none) and the
 * option's own: `dj config` must show the option's. */
static const struct {
    const char *option, *key, *in_file, *env, *in_env, *given;
} overridden[] = {
    {"--host", "database.host", "file-host", "DJ_HOST", "env-host", "option-host"},
    {"--port", "database.port", "1001", "DJ_PORT", "1002", "1003"},
    {"--user", "database.user", "file_user", "DJ_USER", "env_user", "option_user"},
    {"--socket", "database.unix_socket", "/file.sock", NULL, NULL, "/option.sock"},
    {"--database", "database.database", "file_db", NULL, NULL, "option_db"},
    {"--tls", "database.use_tls", "disabled", "DJ_USE_TLS", "required", "verify_identity"},
    {"--ca", "database.tls_ca", "/file/ca.pem", "DJ_TLS_CA", "/env/ca.pem", "/option/ca.pem"},
    {"--capath", "database.tls_capath", "/file/cas", NULL, NULL, "/option/cas"},
    {"--cert", "database.tls_cert", "/file/cert.pem", NULL, NULL, "/option/cert.pem"},
    {"--key", "database.tls_key", "/file/key.pem", NULL, NULL, "/option/key.pem"},
    {"--connect-timeout", "database.connect_timeout", "11", "DJ_CONNECT_TIMEOUT", "12", "13"},
    {"--read-timeout", "database.read_timeout", "21", NULL, NULL, "23"},
    {"--compress", "database.compress", "false", NULL, NULL, NULL},
};

Test(cli, every_option_beats_config_file_and_environment)
{
    for (size_t i = 0; i < sizeof overridden / sizeof overridden[0]; i++) {
        char file[512], env_entry[128], option[128], line[256];
        snprintf(file, sizeof file, "{\"%s\": \"%s\"}\n", overridden[i].key, overridden[i].in_file);
        write_file("dj_local_conf.json", file);
        snprintf(env_entry, sizeof env_entry, "%s=%s",
                 overridden[i].env ? overridden[i].env : "DJ_UNUSED",
                 overridden[i].env ? overridden[i].in_env : "");
        const char *const env[] = {env_entry, NULL};
        if (overridden[i].given)
            snprintf(option, sizeof option, "%s=%s", overridden[i].option, overridden[i].given);
        else
            snprintf(option, sizeof option, "%s", overridden[i].option);
        run_result r;
        run_dj_env(&r, NULL, env, ARGS(option, "config"));
        cr_assert_eq(r.status, 0, "%s: stderr %s", option, r.err);
        snprintf(line, sizeof line, "\n%s\t%s\n", overridden[i].key,
                 overridden[i].given ? overridden[i].given : "true");
        cr_expect_not_null(strstr(r.out, line), "%s does not win: %s", option, r.out);
        run_free(&r);
    }
}

Test(cli, port_option_beats_the_port_written_in_DJ_HOST)
{
    char host[300];
    snprintf(host, sizeof host, "DJ_HOST=%s:1", itest_env("DJ_TEST_HOST"));
    const char *const env[] = {host, NULL};
    run_result r;
    run_dj_env(&r, NULL, env, ARGS("-P", itest_env("DJ_TEST_PORT"), "ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);
    /* and the port of a host list in a config file */
    char file[512];
    snprintf(file, sizeof file, "{\"database.host\": \"%s:1,%s:2\", \"database.failover_deadline\": 0}",
             itest_env("DJ_TEST_HOST"), itest_env("DJ_TEST_HOST"));
    write_file("dj_local_conf.json", file);
    const char *const no_host[] = {"DJ_HOST=", NULL};
    run_dj_env(&r, NULL, no_host, ARGS("--port", itest_env("DJ_TEST_PORT"), "ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);
}

Test(cli, user_and_password_options_beat_environment)
{
    const char *const env[] = {"DJ_USER=no_such_user", "DJ_PASS=not the password", NULL};
    char input[300];
    snprintf(input, sizeof input, "%s\n", itest_env("DJ_TEST_PASS"));
    run_result r;
    run_dj_env(&r, input, env, ARGS("-u", itest_env("DJ_TEST_USER"), "-p", "ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);
}

Test(cli, database_option_beats_config_file)
{
    write_file("dj_local_conf.json", "{\"database.database\": \"no_such_database_here\"}");
    run_result r;
    run_dj(&r, NULL, ARGS("-D", "information_schema", "query", "SELECT DATABASE()"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "information_schema\n");
    run_free(&r);
}

/* ---- messages name what they are about ---- */

/* Server errors name the server (connect errors: closed_port_exits_3...). */
Test(cli, server_errors_name_the_server)
{
    run_result r;
    char server[300];
    snprintf(server, sizeof server, "server %s:%s)", itest_env("DJ_TEST_HOST"),
             itest_env("DJ_TEST_PORT"));
    const char *const env[] = {"DJ_PASS=not the password", NULL};
    run_dj_env(&r, NULL, env, ARGS("ping"));
    cr_assert_eq(r.status, 3);
    cr_assert_not_null(strstr(r.err, server), "%s", r.err);
    run_free(&r);

    run_dj(&r, NULL, ARGS("query", "SELECT no_such_column"));
    cr_assert_eq(r.status, 4);
    cr_assert_not_null(strstr(r.err, "errno 1054"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, server), "%s", r.err);
    run_free(&r);
}

Test(cli, definition_errors_name_file_and_line)
{
    char name[128];
    schema_name(name, sizeof name, "cli_deferr");
    create_schema_with_client(name);
    write_file("experiment.def", "# an experiment\nid : int\n---\nx : flaot\n");
    run_result r;
    run_dj(&r, NULL, ARGS("table", "declare", name, "Experiment", "--definition", "experiment.def"));
    if (!(dj_features() & DJ_FEATURE_DECLARE)) {
        /* A build without declaration (configure --disable-declare) reads no
         * definition: it says so instead, and creates nothing. */
        cr_assert_neq(r.status, 0);
        cr_assert_not_null(strstr(r.err, "not compiled in"), "%s", r.err);
        run_free(&r);
        return;
    }
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "dj: experiment.def:4: Unsupported attribute type flaot\n");
    run_free(&r);
    run_dj(&r, "id : int\n---\nx : flaot\n",
           ARGS("table", "declare", name, "Experiment", "--definition", "-", "--dry-run"));
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "dj: <stdin>:3: Unsupported attribute type flaot\n");
    run_free(&r);
}

Test(cli, missing_schema_points_to_schema_create)
{
    run_result r;
    run_dj(&r, NULL, ARGS("table", "describe", "cli_no_such_schema_here", "Thing"));
    cr_assert_eq(r.status, 1, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "dj schema create cli_no_such_schema_here"), "%s", r.err);
    cr_assert_null(strstr(r.err, "create_schema"), "%s", r.err);
    run_free(&r);
}

Test(cli, table_usage_lists_every_table_command)
{
    static const char *const second_word[] = {NULL, "drop"}; /* none, and an unknown one */
    for (size_t i = 0; i < 2; i++) {
        run_result r;
        run_dj(&r, NULL, ARGS("table", second_word[i]));
        cr_assert_eq(r.status, 2);
        cr_assert_not_null(strstr(r.err, "declare, describe, insert"), "%s", r.err);
        run_free(&r);
    }
}

/* ---- unknown config keys ---- */

Test(cli, unknown_config_key_is_a_warning_with_the_nearest_key)
{
    write_file("dj_local_conf.json",
               "{\"database\": {\"prot\": 3307}, \"display.limit\": 7, \"stores\": {\"raw\": {}}}\n");
    run_result r;
    run_dj(&r, NULL, ARGS("ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "dj: warning: "), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "dj_local_conf.json:1:"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "unknown config key database.prot; did you mean "
                                     "database.port?"),
                       "%s", r.err);
    cr_assert_null(strstr(r.err, "display"), "DataJoint's own keys are no typos: %s", r.err);
    cr_assert_null(strstr(r.err, "stores"), "%s", r.err);
    run_free(&r);
}

Test(cli, unknown_config_key_is_an_error_when_strict)
{
    write_file("dj_local_conf.json", "{\"database.prot\": 3307}\n");
    run_result r;
    run_dj(&r, NULL, ARGS("--strict-config", "ping"));
    cr_assert_eq(r.status, 2, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "did you mean database.port?"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "--strict-config"), "%s", r.err);
    run_free(&r);
    const char *const env[] = {"DJ_STRICT_CONFIG=1", NULL};
    run_dj_env(&r, NULL, env, ARGS("ping"));
    cr_assert_eq(r.status, 2, "stderr %s", r.err);
    run_free(&r);
    const char *const off[] = {"DJ_STRICT_CONFIG=0", NULL};
    run_dj_env(&r, NULL, off, ARGS("ping"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    run_free(&r);
}

/* ---- output for scripts: --format ---- */

/* A schema with table `item`: id (key), name (nullable), note (default 'none'),
 * made with the mariadb client. */
static void make_item_table(char *name, size_t size, const char *base)
{
    char sql[512];
    schema_name(name, size, base);
    create_schema_with_client(name);
    snprintf(sql, sizeof sql,
             "CREATE TABLE `%s`.`item` (id int NOT NULL COMMENT 'the id', name varchar(32) NULL, "
             "note varchar(64) NOT NULL DEFAULT 'none' COMMENT 'a \"note\"', PRIMARY KEY (id));",
             name);
    mariadb_exec(sql);
}

/* The rows of `item` as the mariadb client prints them, name and note in hex. */
static char *item_rows(const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, IFNULL(HEX(name), 'NULL'), HEX(note) FROM `%s`.`item` ORDER BY id;", name);
    run_result r;
    run_mariadb(&r, sql, 0);
    free(r.err);
    return r.out;
}


Test(cli, query_format_csv_follows_rfc4180)
{
    run_result r;
    run_dj(&r, NULL,
           ARGS("query", "SELECT 'a,b' AS x, 'say \"hi\"' AS q, CONCAT('l1', CHAR(10), 'l2') AS nl, "
                         "'' AS e, NULL AS n, 'plain' AS p",
                "--format", "csv", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "x,q,nl,e,n,p\r\n\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"\",,plain\r\n");
    run_free(&r);
    run_dj(&r, NULL, ARGS("query", "SELECT 1", "--format", "xml"));
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "tsv, csv or json"), "%s", r.err);
    run_free(&r);
}

Test(cli, query_format_json_writes_one_object_per_row)
{
    run_result r;
    run_dj(&r, NULL,
           ARGS("query",
                "SELECT 1 AS n, 2.50 AS d, 'a\"b\\\\c' AS s, NULL AS z, "
                "CONCAT('t', CHAR(9), 'x', CHAR(1)) AS c, X'FF00' AS b, 'caf\xc3\xa9' AS u "
                "UNION ALL SELECT -7, 0.5, '', NULL, '', X'', ''",
                "--format=json"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out,
                     "{\"n\":1,\"d\":2.50,\"s\":\"a\\\"b\\\\c\",\"z\":null,\"c\":\"t\\tx\\u0001\","
                     "\"b\":\"\\u00ff\\u0000\",\"u\":\"caf\xc3\xa9\"}\n"
                     "{\"n\":-7,\"d\":0.50,\"s\":\"\",\"z\":null,\"c\":\"\",\"b\":\"\",\"u\":\"\"}\n");
    run_free(&r);
}

Test(cli, schema_list_tables_and_describe_take_a_format)
{
    char name[128], line[256];
    make_item_table(name, sizeof name, "cli_fmt");
    run_result r;
    run_dj(&r, NULL, ARGS("schema", "list", "--format", "json"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    snprintf(line, sizeof line, "{\"schema\":\"%s\"}\n", name);
    cr_assert_not_null(strstr(r.out, line), "%s", r.out);
    run_free(&r);

    run_dj(&r, NULL, ARGS("schema", "tables", name, "--format", "csv", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "table_name,tier,class_name\r\nitem,manual,Item\r\n");
    run_free(&r);

    run_dj(&r, NULL, ARGS("table", "describe", name, "Item", "--format", "json"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out,
                     "{\"name\":\"id\",\"primary_key\":1,\"type\":\"int\",\"sql_type\":\"int\","
                     "\"nullable\":0,\"default\":null,\"comment\":\"the id\"}\n"
                     "{\"name\":\"name\",\"primary_key\":0,\"type\":\"varchar(32)\","
                     "\"sql_type\":\"varchar(32)\",\"nullable\":1,\"default\":\"NULL\","
                     "\"comment\":\"\"}\n"
                     "{\"name\":\"note\",\"primary_key\":0,\"type\":\"varchar(64)\","
                     "\"sql_type\":\"varchar(64)\",\"nullable\":0,\"default\":\"none\","
                     "\"comment\":\"a \\\"note\\\"\"}\n");
    run_free(&r);

    run_dj(&r, NULL, ARGS("table", "describe", name, "Item", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    static const char first[] = "name\tprimary_key\ttype\tsql_type\tnullable\tdefault\tcomment\n"
                                "id\t1\tint\tint\t0\t\\N\tthe id\n";
    cr_assert_eq(strncmp(r.out, first, sizeof first - 1), 0, "%s", r.out);
    run_free(&r);
}

/* ---- input for scripts: dj table insert ---- */

Test(cli, query_header_output_feeds_table_insert_header)
{
    char name[128], sql[512];
    make_item_table(name, sizeof name, "cli_pipe");
    snprintf(sql, sizeof sql, "SELECT 'x\ty' AS note, 7 AS id, NULL AS name");
    run_result q, r;
    run_dj(&q, NULL, ARGS("query", sql, "--header"));
    cr_assert_eq(q.status, 0, "stderr %s", q.err);
    run_dj(&r, q.out, ARGS("table", "insert", name, "Item", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.err, "1 row inserted\n");
    cr_assert_eq(r.out_len, 0, "counts go to stderr, not stdout: %s", r.out);
    char *rows = item_rows(name);
    cr_assert_str_eq(rows, "7\tNULL\t780979\n");
    free(rows);
    run_free(&q);
    run_free(&r);

    /* the same through csv, and a column left out gets its default */
    run_dj(&q, NULL, ARGS("query", "SELECT 'b,\"c\"' AS name, 8 AS id", "--header", "--format", "csv"));
    cr_assert_eq(q.status, 0, "stderr %s", q.err);
    run_dj(&r, q.out, ARGS("-q", "table", "insert", name, "Item", "--header", "--csv"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_eq(r.err_len, 0, "-q drops the count: %s", r.err);
    rows = item_rows(name);
    cr_assert_str_eq(rows, "7\tNULL\t780979\n8\t622C226322\t6E6F6E65\n");
    free(rows);
    run_free(&q);
    run_free(&r);
}

Test(cli, table_insert_header_with_an_unknown_column_is_an_error)
{
    char name[128];
    make_item_table(name, sizeof name, "cli_badhdr");
    run_result r;
    run_dj(&r, "id\tnmae\n1\tx\n", ARGS("table", "insert", name, "Item", "--header"));
    cr_assert_eq(r.status, 4, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "'nmae'"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "id, name, note"), "%s", r.err);
    char *rows = item_rows(name);
    cr_assert_str_eq(rows, "");
    free(rows);
    run_free(&r);
}

Test(cli, table_insert_reads_csv_with_quotes_newlines_and_crlf)
{
    char name[128];
    make_item_table(name, sizeof name, "cli_csv");
    run_result r;
    run_dj(&r,
           "1,\"two\r\nlines\",\"say \"\"hi\"\"\"\r\n"
           "2,,\"\"\r\n"
           "3,\"a,b\",plain\n",
           ARGS("table", "insert", name, "Item", "--format", "csv"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.err, "3 rows inserted\n");
    char *rows = item_rows(name);
    /* "two\r\nlines" keeps its CRLF inside quotes; an empty field is NULL, "" empty */
    cr_assert_str_eq(rows, "1\t74776F0D0A6C696E6573\t7361792022686922\n"
                           "2\tNULL\t\n"
                           "3\t612C62\t706C61696E\n",
                     "%s", rows);
    free(rows);
    run_free(&r);
}

Test(cli, table_insert_refuses_tsv_with_crlf_line_ends)
{
    char name[128];
    make_item_table(name, sizeof name, "cli_crlf");
    run_result r;
    run_dj(&r, "1\tone\tx\r\n2\ttwo\ty\r\n", ARGS("table", "insert", name, "Item"));
    cr_assert_eq(r.status, 4, "stderr %s", r.err);
    cr_assert_not_null(strstr(r.err, "line 1 ends with a carriage return"), "%s", r.err);
    char *rows = item_rows(name);
    cr_assert_str_eq(rows, "", "nothing is stored");
    free(rows);
    run_free(&r);
    /* a CR written as \r is data */
    run_dj(&r, "1\tone\\r\tx\n", ARGS("table", "insert", name, "Item"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    rows = item_rows(name);
    cr_assert_str_eq(rows, "1\t6F6E650D\t78\n");
    free(rows);
    run_free(&r);
}

/* ---- one statement per dj query ---- */

Test(cli, query_with_two_statements_is_refused_before_sending)
{
    run_result r;
    run_dj(&r, "SELECT 1; SELECT 2\n", ARGS("query", "-"));
    cr_assert_eq(r.status, 2, "stdout %s stderr %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "runs one statement"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "\"SELECT 2"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "--multi"), "%s", r.err);
    cr_assert_null(strstr(r.err, "1064"), "%s", r.err);
    run_free(&r);

    static const char *const single[] = {
        "SELECT 1;",
        "SELECT 1 ;; -- done\n",
        "SELECT ';' AS a",
        "SELECT \"x;\" AS `b;c` # ; here\n",
        "/* ; */ SELECT 'it''s; fine', 'back\\';slash' /* ; */;",
    };
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        run_dj(&r, single[i], ARGS("query", "-"));
        cr_expect_eq(r.status, 0, "%s: stderr %s", single[i], r.err);
        run_free(&r);
    }
}

Test(cli, query_multi_runs_every_statement)
{
    run_result r;
    run_dj(&r, NULL, ARGS("query", "SELECT 1 AS a; SELECT 2 AS b", "--multi", "--header"));
    cr_assert_eq(r.status, 0, "stderr %s", r.err);
    cr_assert_str_eq(r.out, "a\n1\nb\n2\n");
    run_free(&r);
}
