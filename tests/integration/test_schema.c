/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_schema.c - DataJoint's dj.schema against the real server: creation
 * and its options, permissions, races, names that need quoting, drop with
 * safemode, listings, and the default connection with DataJoint's config.
 */
#include "itest.h"

#include <fcntl.h>
#include <sys/stat.h>

/* Runs SQL with the independent `mariadb` client as admin; returns its output. */
static void mariadb_client(const char *sql, char *out, size_t size)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s -N -B -e \"%s\"", itest_env("DJ_TEST_MARIADB"), sql);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    cr_assert_eq(pclose(p), 0, "mariadb client failed: %s", cmd);
}

static int exists(dj_conn *c, const char *name)
{
    dj_error err;
    int rc = dj_schema_exists_by_name(c, name, &err);
    cr_assert_geq(rc, 0, "exists(%s): %d %s", name, rc, err.message);
    return rc;
}

static void drop_quietly(dj_conn *c, const char *name)
{
    char sql[1024], q[600];
    dj_quote_identifier(q, name, strlen(name));
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", q);
    itest_exec(c, sql);
}

static dj_schema *open_schema(dj_conn *c, const char *name, int create)
{
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    o.create_schema = create;
    dj_schema *s = NULL;
    dj_error err;
    int rc = dj_schema_open(&s, name, &o, &err);
    cr_assert_eq(rc, 0, "open %s: %d %s", name, rc, err.message);
    return s;
}

Test(schema, options_default_to_datajoints)
{
    dj_schema_options o;
    dj_schema_options_init(&o);
    cr_expect_null(o.context);
    cr_expect_null(o.connection);
    cr_expect_eq(o.create_schema, 1);
    cr_expect_eq(o.create_tables, 1);
    cr_expect_eq(o.strict_names, 0);
}

Test(schema, open_creates_a_missing_schema_that_the_mariadb_client_sees)
{
    dj_conn *c = itest_connect();
    char name[64], out[1024], sql[256];
    itest_unique_name(name, sizeof name, "create");
    dj_schema *s = open_schema(c, name, 1);
    cr_expect_eq(dj_schema_created(s), 1);
    cr_expect_str_eq(dj_schema_name(s), name);
    cr_expect_eq(dj_schema_create_tables(s), 1);
    cr_expect_eq(dj_schema_connection(s), c);
    snprintf(sql, sizeof sql, "SHOW DATABASES LIKE '%s'", name);
    mariadb_client(sql, out, sizeof out);
    cr_expect_eq(strncmp(out, name, strlen(name)), 0, "mariadb sees: %s", out);
    dj_schema_close(s);

    s = open_schema(c, name, 1);
    cr_expect_eq(dj_schema_created(s), 0);
    cr_expect_eq(dj_schema_exists(s, NULL), 1);
    dj_schema_close(s);
    drop_quietly(c, name);
    dj_close(c);
}

Test(schema, create_schema_false_on_a_missing_schema_is_datajoints_error_and_creates_nothing)
{
    dj_conn *c = itest_connect();
    char name[64], want[256];
    itest_unique_name(name, sizeof name, "missing");
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    o.create_schema = 0;
    dj_schema *s = NULL;
    dj_error err;
    cr_assert_eq(dj_schema_open(&s, name, &o, &err), DJ_ESCHEMA_MISSING, "%s", err.message);
    snprintf(want, sizeof want, "Database `%s` has not yet been declared. Set argument "
                                "create_schema=True to create it.", name);
    cr_expect_str_eq(err.message, want);
    cr_expect_null(s);
    cr_expect_eq(exists(c, name), 0);

    itest_exec(c, "SET @unused = 1");
    dj_schema_close(open_schema(c, name, 1));
    s = open_schema(c, name, 0);
    cr_expect_eq(dj_schema_created(s), 0);
    dj_schema_close(s);
    drop_quietly(c, name);
    dj_close(c);
}

Test(schema, user_without_create_privilege_gets_could_not_be_created)
{
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NOCREATE_USER"), itest_env("DJ_TEST_NOCREATE_PASS"));
    dj_conn *c = itest_connect_cfg(&cfg);
    char name[64], want[256];
    itest_unique_name(name, sizeof name, "denied");
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    dj_schema *s = NULL;
    dj_error err;
    int rc = dj_schema_open(&s, name, &o, &err);
    cr_assert_eq(rc, DJ_ESCHEMA_DENIED, "rc %d %s", rc, err.message);
    snprintf(want, sizeof want, "Schema `%s` does not exist and could not be created. "
                                "Check permissions.", name);
    cr_expect_eq(strncmp(err.message, want, strlen(want)), 0, "%s", err.message);
    cr_expect_eq(err.server_errno, 1044);
    cr_expect_eq(err.kind, DJ_KIND_ACCESS);
    cr_expect_str_eq(err.sqlstate, "42000");

    dj_conn *admin = itest_connect();
    cr_expect_eq(exists(admin, name), 0, "nothing may be created");
    dj_close(admin);
    dj_close(c);
}

Test(schema, schema_visible_only_through_grants)
{
    dj_conn *admin = itest_connect();
    drop_quietly(admin, "dj_limited_own");
    itest_exec(admin, "CREATE DATABASE dj_limited_own");
    char other[64];
    itest_unique_name(other, sizeof other, "hidden");
    dj_schema_close(open_schema(admin, other, 1));

    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_LIMITED_USER"), itest_env("DJ_TEST_LIMITED_PASS"));
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_expect_eq(exists(c, "dj_limited_own"), 1);
    cr_expect_eq(exists(c, other), 0, "a schema without grants is invisible");
    dj_strlist list;
    dj_error err;
    cr_assert_eq(dj_list_schemas(c, &list, &err), 0, "%s", err.message);
    int own = 0;
    for (size_t i = 0; i < list.count; i++) {
        own += strcmp(list.items[i], "dj_limited_own") == 0;
        cr_expect_str_neq(list.items[i], other);
        cr_expect_str_neq(list.items[i], "information_schema");
    }
    cr_expect_eq(own, 1);
    dj_strlist_free(&list);

    /* DataJoint's subtlety: the invisible schema looks missing, and creating it is denied. */
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    dj_schema *s = NULL;
    cr_expect_eq(dj_schema_open(&s, other, &o, &err), DJ_ESCHEMA_DENIED, "%s", err.message);
    dj_close(c);
    drop_quietly(admin, other);
    drop_quietly(admin, "dj_limited_own");
    dj_close(admin);
}

/* Both children wait on the pipe, then create the same schema at once. */
Test(schema, two_processes_creating_the_same_schema_both_succeed)
{
    for (int round = 0; round < 5; round++) {
        char name[64];
        itest_unique_name(name, sizeof name, "race");
        int go[2];
        cr_assert_eq(pipe(go), 0);
        pid_t kids[2];
        for (int k = 0; k < 2; k++) {
            kids[k] = fork();
            cr_assert_neq(kids[k], -1);
            if (kids[k] == 0) {
                close(go[1]);
                dj_config cfg;
                itest_config(&cfg);
                dj_conn *c = NULL;
                if (dj_connect(&c, &cfg, NULL) != 0)
                    _exit(3);
                char byte;
                if (read(go[0], &byte, 1) < 0)
                    _exit(4);
                dj_schema_options o;
                dj_schema_options_init(&o);
                o.connection = c;
                dj_schema *s = NULL;
                dj_error err;
                int rc = dj_schema_open(&s, name, &o, &err);
                dj_schema_close(s);
                dj_close(c);
                _exit(rc == 0 ? 0 : 1);
            }
        }
        close(go[0]);
        usleep(200 * 1000);
        close(go[1]); /* EOF wakes both children at the same moment */
        for (int k = 0; k < 2; k++) {
            int st;
            cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
            cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d of round %d failed (%d)",
                      k, round, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
        dj_conn *c = itest_connect();
        cr_expect_eq(exists(c, name), 1);
        drop_quietly(c, name);
        dj_close(c);
    }
}

Test(schema, names_that_need_quoting_work_and_cannot_inject_sql)
{
    const char *names[] = {
        "djt_Upper_Case", "djt-dash-1", "djt$dollar", "djt back`tick", "djt quote'q",
        "djt dq\"q", "djt\\backslash", "djt%percent", "djt;semi; DROP DATABASE mysql; --",
        "djt_ünïcødé_日本", "djt`; DROP DATABASE mysql; --",
    };
    dj_conn *c = itest_connect();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        drop_quietly(c, names[i]);
        dj_schema *s = open_schema(c, names[i], 1);
        cr_expect_eq(dj_schema_created(s), 1, "%s", names[i]);
        cr_expect_eq(dj_schema_exists(s, NULL), 1, "%s", names[i]);
        dj_strlist list;
        cr_assert_eq(dj_list_schemas(c, &list, NULL), 0);
        int found = 0;
        for (size_t k = 0; k < list.count; k++)
            found += strcmp(list.items[k], names[i]) == 0;
        cr_expect_eq(found, 1, "list_schemas lacks %s", names[i]);
        dj_strlist_free(&list);
        cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, NULL), 1, "%s", names[i]);
        cr_expect_eq(exists(c, names[i]), 0, "%s", names[i]);
        dj_schema_close(s);
    }
    cr_expect_eq(exists(c, "mysql"), 1, "the injection attempts must not drop anything");
    dj_close(c);
}

Test(schema, existence_check_treats_like_wildcards_literally)
{
    dj_conn *c = itest_connect();
    char name[64], lookalike[64];
    itest_unique_name(name, sizeof name, "a_b");
    dj_schema_close(open_schema(c, name, 1));
    snprintf(lookalike, sizeof lookalike, "%s", name);
    char *u = strstr(lookalike, "a_b");
    u[1] = 'X';
    cr_expect_eq(exists(c, lookalike), 0);
    snprintf(lookalike, sizeof lookalike, "%s", name);
    lookalike[strlen(lookalike) - 1] = '%';
    cr_expect_eq(exists(c, lookalike), 0);
    drop_quietly(c, name);
    dj_close(c);
}

Test(schema, bad_names_are_refused_before_reaching_the_server)
{
    dj_conn *c = itest_connect();
    char long_name[80];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    dj_schema *s = NULL;
    dj_error err;
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    cr_expect_eq(dj_schema_open(&s, long_name, &o, &err), DJ_ENAME);
    cr_expect_not_null(strstr(err.message, "64"), "%s", err.message);
    cr_expect_eq(dj_schema_open(&s, "", &o, &err), DJ_ENAME);
    cr_expect_eq(dj_schema_open(&s, NULL, &o, &err), DJ_ENAME);
    o.strict_names = 1;
    cr_expect_eq(dj_schema_open(&s, "Upper", &o, &err), DJ_ENAME);
    cr_expect_eq(dj_schema_open(&s, "has space", &o, &err), DJ_ENAME);
    long_name[64] = '\0';
    o.strict_names = 0;
    cr_expect_eq(dj_schema_open(&s, long_name, &o, &err), 0, "64 characters are allowed: %s",
                 err.message);
    cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, NULL), 1);
    dj_schema_close(s);
    dj_close(c);
}

static int answer;
static char asked[256];
static int confirm(const char *prompt, void *ud)
{
    (void)ud;
    snprintf(asked, sizeof asked, "%s", prompt);
    return answer;
}

static char notice[512];
static void log_to_buffer(dj_log_level level, const char *message, void *ud)
{
    (void)level, (void)ud;
    snprintf(notice, sizeof notice, "%s", message);
}

Test(schema, drop_honours_safemode_confirmation_and_force)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.log_fn = log_to_buffer;
    dj_conn *c = itest_connect_cfg(&cfg);
    char name[64], want[256];
    itest_unique_name(name, sizeof name, "drop");
    dj_schema *s = open_schema(c, name, 1);
    dj_error err;

    cr_expect_eq(dj_schema_drop(s, 0, NULL, NULL, &err), DJ_EABORTED, "%s", err.message);
    answer = 0;
    cr_expect_eq(dj_schema_drop(s, 0, confirm, NULL, &err), DJ_EABORTED);
    snprintf(want, sizeof want, "Proceed to delete entire schema `%s`?", name);
    cr_expect_str_eq(asked, want);
    cr_expect_eq(exists(c, name), 1, "a declined drop keeps the schema");
    answer = 1;
    cr_expect_eq(dj_schema_drop(s, 0, confirm, NULL, &err), 1, "%s", err.message);
    cr_expect_eq(exists(c, name), 0);

    cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, &err), 0, "%s", err.message);
    snprintf(want, sizeof want, "Schema named `%s` does not exist. Doing nothing.", name);
    cr_expect_str_eq(notice, want);
    dj_schema_close(s);
    dj_close(c);
}

Test(schema, drop_without_safemode_needs_no_confirmation)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.safemode = 0;
    dj_conn *c = itest_connect_cfg(&cfg);
    char name[64];
    itest_unique_name(name, sizeof name, "nosafe");
    dj_schema *s = open_schema(c, name, 1);
    cr_expect_eq(dj_schema_drop(s, 0, NULL, NULL, NULL), 1);
    cr_expect_eq(exists(c, name), 0);
    dj_schema_close(s);
    dj_close(c);
}

Test(schema, denied_drop_is_an_access_error_naming_the_schema)
{
    dj_conn *admin = itest_connect();
    char name[64], want[256];
    itest_unique_name(name, sizeof name, "nodrop");
    dj_schema_close(open_schema(admin, name, 1));
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NOCREATE_USER"), itest_env("DJ_TEST_NOCREATE_PASS"));
    dj_conn *c = itest_connect_cfg(&cfg);
    dj_schema *s = open_schema(c, name, 0);
    dj_error err;
    cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, &err), DJ_ESERVER);
    cr_expect_eq(err.kind, DJ_KIND_ACCESS);
    snprintf(want, sizeof want, "An attempt to drop schema `%s` has failed. Check permissions.",
             name);
    cr_expect_eq(strncmp(err.message, want, strlen(want)), 0, "%s", err.message);
    cr_expect_eq(exists(admin, name), 1);
    dj_schema_close(s);
    dj_close(c);
    drop_quietly(admin, name);
    dj_close(admin);
}

Test(schema, list_tables_reports_tier_and_class_name)
{
    dj_conn *c = itest_connect();
    char name[64], sql[2048], out[256];
    itest_unique_name(name, sizeof name, "tables");
    dj_schema *s = open_schema(c, name, 1);
    snprintf(sql, sizeof sql,
             "CREATE TABLE \\`%s\\`.\\`#subject_type\\` (id INT PRIMARY KEY);"
             "CREATE TABLE \\`%s\\`.session (id INT PRIMARY KEY);"
             "CREATE TABLE \\`%s\\`.session__trial (id INT PRIMARY KEY);"
             "CREATE TABLE \\`%s\\`._r_g_b_image (id INT PRIMARY KEY);"
             "CREATE TABLE \\`%s\\`.__spike_count (id INT PRIMARY KEY);"
             "CREATE TABLE \\`%s\\`.\\`~log\\` (id INT PRIMARY KEY)",
             name, name, name, name, name, name);
    mariadb_client(sql, out, sizeof out);
    dj_table_list list;
    dj_error err;
    cr_assert_eq(dj_schema_list_tables(s, &list, &err), 0, "%s", err.message);
    cr_assert_eq(list.count, 6u);
    struct { const char *table, *cls; dj_tier tier; } want[] = {
        {"#subject_type", "SubjectType", DJ_TIER_LOOKUP},
        {"__spike_count", "SpikeCount", DJ_TIER_COMPUTED},
        {"_r_g_b_image", "RGBImage", DJ_TIER_IMPORTED},
        {"session", "Session", DJ_TIER_MANUAL},
        {"session__trial", "Session.Trial", DJ_TIER_PART},
        {"~log", "", DJ_TIER_HIDDEN},
    };
    for (size_t i = 0; i < list.count; i++) {
        cr_expect_str_eq(list.items[i].table_name, want[i].table);
        cr_expect_str_eq(list.items[i].class_name, want[i].cls);
        cr_expect_eq(list.items[i].tier, want[i].tier, "%s", want[i].table);
    }
    dj_table_list_free(&list);

    uint64_t bytes = 0;
    cr_expect_eq(dj_schema_size_on_disk(s, &bytes, &err), 0, "%s", err.message);
    cr_expect_gt(bytes, 0u);
    dj_schema_drop(s, 1, NULL, NULL, NULL);
    dj_schema_close(s);
    dj_close(c);
}

Test(schema, size_on_disk_of_an_empty_schema_is_zero)
{
    dj_conn *c = itest_connect();
    char name[64];
    itest_unique_name(name, sizeof name, "empty");
    dj_schema *s = open_schema(c, name, 1);
    uint64_t bytes = 99;
    cr_expect_eq(dj_schema_size_on_disk(s, &bytes, NULL), 0);
    cr_expect_eq(bytes, 0u);
    dj_table_list list;
    cr_expect_eq(dj_schema_list_tables(s, &list, NULL), 0);
    cr_expect_eq(list.count, 0u);
    dj_table_list_free(&list);
    dj_schema_drop(s, 1, NULL, NULL, NULL);
    dj_schema_close(s);
    dj_close(c);
}

/* Writes a DataJoint config file in a fresh directory and makes it the cwd. */
static void config_dir_with(const char *json)
{
    char dir[] = "/tmp/djcfgXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(chdir(dir), 0);
    setenv("HOME", dir, 1);
    FILE *f = fopen("dj_local_conf.json", "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
}

Test(schema, default_connection_comes_from_file_then_environment)
{
    char json[1024];
    /* The file names the real server but a wrong password; the environment fixes it. */
    snprintf(json, sizeof json,
             "{\"database.host\": \"%s\", \"database.port\": %s, \"database.user\": \"%s\", "
             "\"database.password\": \"wrong\", \"safemode\": false}",
             itest_env("DJ_TEST_HOST"), itest_env("DJ_TEST_PORT"), itest_env("DJ_TEST_USER"));
    config_dir_with(json);
    setenv("DJ_PASS", itest_env("DJ_TEST_PASS"), 1);
    unsetenv("DJ_HOST");
    unsetenv("DJ_USER");

    dj_conn *c = NULL;
    dj_error err;
    cr_assert_eq(dj_conn_default(&c, 0, &err), 0, "%s", err.message);
    dj_conn *again = NULL;
    cr_assert_eq(dj_conn_default(&again, 0, &err), 0);
    cr_expect_eq(again, c, "the default connection is reused");
    uint64_t id = dj_connection_id(c);
    cr_assert_eq(dj_conn_default(&again, 1, &err), 0, "%s", err.message);
    cr_expect_neq(dj_connection_id(again), id, "reset makes a new connection");

    char name[64];
    itest_unique_name(name, sizeof name, "default");
    dj_schema *s = NULL;
    cr_assert_eq(dj_schema_open(&s, name, NULL, &err), 0, "%s", err.message);
    cr_expect_eq(dj_schema_connection(s), again);
    cr_expect_eq(dj_schema_drop(s, 0, NULL, NULL, &err), 1, "safemode false from the file: %s",
                 err.message);
    dj_schema_close(s);
    dj_conn_default_close();

    setenv("DJ_PASS", "also wrong", 1);
    cr_expect_eq(dj_conn_default(&c, 0, &err), DJ_EAUTH, "the environment beats the file");
    cr_expect_null(strstr(err.message, "also wrong"));
}

Test(schema, explicit_default_configuration_beats_the_environment)
{
    setenv("DJ_HOST", "127.0.0.1:1", 1);
    dj_config cfg;
    itest_config(&cfg);
    cr_assert_eq(dj_conn_default_configure(&cfg, NULL), 0);
    dj_conn *c = NULL;
    dj_error err;
    cr_assert_eq(dj_conn_default(&c, 0, &err), 0, "%s", err.message);
    dj_conn_default_close();
    dj_conn_default_configure(NULL, NULL);
}

Test(schema, malformed_config_file_names_file_line_and_column)
{
    config_dir_with("{\n  \"database.host\": \"x\",\n  oops\n}\n");
    dj_conn *c = NULL;
    dj_error err;
    cr_assert_eq(dj_conn_default(&c, 0, &err), DJ_ECONFIG);
    cr_expect_not_null(strstr(err.message, "dj_local_conf.json:3:"), "%s", err.message);
}

Test(schema, an_open_schema_keeps_its_connection_through_close_and_default_reset)
{
    dj_error err;
    char name[64];
    dj_conn *c = itest_connect();
    itest_unique_name(name, sizeof name, "held");
    dj_schema *s = open_schema(c, name, 1);
    dj_close(c); /* deferred: the schema still uses the connection */
    cr_expect_eq(dj_schema_exists(s, &err), 1, "%s", err.message);
    cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, &err), 1, "%s", err.message);
    dj_schema_close(s); /* the last holder closes it (the sanitizers see no leak) */

    /* dj_conn_default's reset makes a new default connection; the schema
     * keeps the one it was opened with. */
    dj_config cfg;
    itest_config(&cfg);
    cr_assert_eq(dj_conn_default_configure(&cfg, NULL), 0);
    dj_conn *d = NULL;
    cr_assert_eq(dj_conn_default(&d, 0, &err), 0, "%s", err.message);
    uint64_t id = dj_connection_id(d);
    itest_unique_name(name, sizeof name, "held_default");
    s = NULL;
    cr_assert_eq(dj_schema_open(&s, name, NULL, &err), 0, "%s", err.message);
    dj_conn *fresh = NULL;
    cr_assert_eq(dj_conn_default(&fresh, 1, &err), 0, "%s", err.message);
    cr_expect_neq(dj_connection_id(fresh), id, "reset makes a new connection");
    cr_expect_eq(dj_connection_id(dj_schema_connection(s)), id, "the schema keeps its own");
    cr_expect_eq(dj_schema_exists(s, &err), 1, "%s", err.message);
    cr_expect_eq(dj_schema_drop(s, 1, NULL, NULL, &err), 1, "%s", err.message);
    dj_schema_close(s);
    dj_conn_default_close();
    dj_conn_default_configure(NULL, NULL);
}

Test(schema, transactions_commit_cancel_and_refuse_nesting)
{
    dj_conn *c = itest_connect();
    char name[64], sql[256], q[160];
    itest_unique_name(name, sizeof name, "txn");
    dj_schema *s = open_schema(c, name, 1);
    dj_quote_identifier(q, name, strlen(name));
    snprintf(sql, sizeof sql, "CREATE TABLE %s.t (id INT PRIMARY KEY) ENGINE=InnoDB", q);
    itest_exec(c, sql);
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);
    cr_expect_eq(dj_in_transaction(c), 1);
    cr_expect_eq(dj_transaction_start(c, &err), DJ_ETRANSACTION);
    cr_expect_str_eq(err.message, "Nested connections are not supported.");
    snprintf(sql, sizeof sql, "INSERT INTO %s.t VALUES (1)", q);
    itest_exec(c, sql);
    cr_assert_eq(dj_transaction_cancel(c, &err), 0);
    cr_expect_eq(dj_in_transaction(c), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s.t", q);
    char v[16];
    dj_query_value(c, sql, v, sizeof v, NULL, NULL);
    cr_expect_str_eq(v, "0");
    cr_assert_eq(dj_transaction_start(c, &err), 0);
    snprintf(sql, sizeof sql, "INSERT INTO %s.t VALUES (2)", q);
    itest_exec(c, sql);
    cr_assert_eq(dj_transaction_commit(c, &err), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s.t", q);
    dj_query_value(c, sql, v, sizeof v, NULL, NULL);
    cr_expect_str_eq(v, "1");
    dj_schema_drop(s, 1, NULL, NULL, NULL);
    dj_schema_close(s);
    dj_close(c);
}

Test(schema, server_errnos_map_to_datajoint_error_kinds)
{
    struct { unsigned no; dj_error_kind kind; const char *name; } map[] = {
        {1044, DJ_KIND_ACCESS, "AccessError"}, {1142, DJ_KIND_ACCESS, "AccessError"},
        {1062, DJ_KIND_DUPLICATE, "DuplicateError"}, {1217, DJ_KIND_INTEGRITY, "IntegrityError"},
        {1451, DJ_KIND_INTEGRITY, "IntegrityError"}, {1452, DJ_KIND_INTEGRITY, "IntegrityError"},
        {3730, DJ_KIND_INTEGRITY, "IntegrityError"}, {1064, DJ_KIND_SYNTAX, "QuerySyntaxError"},
        {1146, DJ_KIND_MISSING_TABLE, "MissingTableError"},
        {1364, DJ_KIND_MISSING_ATTRIBUTE, "MissingAttributeError"},
        {1054, DJ_KIND_UNKNOWN_ATTRIBUTE, "UnknownAttributeError"},
        {2006, DJ_KIND_LOST_CONNECTION, "LostConnectionError"},
        {2013, DJ_KIND_LOST_CONNECTION, "LostConnectionError"},
        {4031, DJ_KIND_LOST_CONNECTION, "LostConnectionError"},
        {1045, DJ_KIND_QUERY, "QueryError"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        cr_expect_eq(dj_error_kind_from_errno(map[i].no), map[i].kind, "%u", map[i].no);
        cr_expect_str_eq(dj_error_kind_name(map[i].kind), map[i].name);
    }
    dj_conn *c = itest_connect();
    dj_error err;
    cr_expect_eq(dj_exec(c, "SELECT * FROM mysql.no_such_table_here", NULL, &err), DJ_ESERVER);
    cr_expect_eq(err.kind, DJ_KIND_MISSING_TABLE);
    cr_expect_eq(err.server_errno, 1146);
    cr_expect_str_eq(err.sqlstate, "42S02");
    dj_close(c);
}

Test(examples, alice_experiment_creates_then_finds_its_schema)
{
    char name[64], out[512];
    itest_unique_name(name, sizeof name, "alice");
    cr_expect_eq(itest_run_example("alice_experiment", name, out, sizeof out), 0, "%s", out);
    cr_expect_not_null(strstr(out, "created"), "%s", out);
    cr_expect_eq(itest_run_example("alice_experiment", name, out, sizeof out), 0, "%s", out);
    cr_expect_not_null(strstr(out, "already exists"), "%s", out);
    cr_expect_eq(itest_run_example("rig_open_schema", name, out, sizeof out), 0, "%s", out);
    cr_expect_not_null(strstr(out, "recording into schema"), "%s", out);
    dj_conn *c = itest_connect();
    drop_quietly(c, name);
    dj_close(c);
}

Test(examples, rig_reports_a_missing_schema_and_creates_nothing)
{
    char name[64], out[512];
    itest_unique_name(name, sizeof name, "rig");
    cr_expect_eq(itest_run_example("rig_open_schema", name, out, sizeof out), 1, "%s", out);
    cr_expect_not_null(strstr(out, "has not yet been declared"), "%s", out);
    dj_conn *c = itest_connect();
    cr_expect_eq(exists(c, name), 0);
    dj_close(c);
}
