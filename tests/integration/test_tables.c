/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tables.c - tables against the real server: declaring DataJoint
 * definitions (the statements of datajoint-python 0.14 reproduced with the
 * parents read back from the server), create_tables off, transactions,
 * access denied, parents in other schemas and through a context, part
 * tables, headings of tables declared here and of tables made with plain
 * SQL by the mariadb client, and the `dj table` commands run as a new
 * process declaring a child of a table declared earlier.
 */
#define _XOPEN_SOURCE 700

#include "itest.h"
#include "../ddl_fixture.h"

#include <sys/wait.h>

/* ---- helpers ---- */

/* A fresh schema with create_tables as given; the name goes to name. */
static dj_schema *new_schema(dj_conn *c, const char *base, int create_tables, char *name,
                             size_t size)
{
    itest_unique_name(name, size, base);
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    o.create_tables = create_tables;
    dj_schema *s = NULL;
    dj_error err;
    int rc = dj_schema_open(&s, name, &o, &err);
    cr_assert_eq(rc, 0, "schema %s: %s", name, err.message);
    return s;
}

static void drop_schema(dj_conn *c, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", name);
    itest_exec(c, sql);
}

/* Closes the schema, drops it and closes the connection. */
static void finish(dj_conn *c, dj_schema *s, const char *name)
{
    dj_schema_close(s);
    drop_schema(c, name);
    dj_close(c);
}

static dj_table *declare_ok(dj_schema *s, const char *cls, dj_tier tier, const char *def)
{
    dj_table *t = NULL;
    dj_error err;
    int rc = dj_table_declare(s, cls, tier, def, &t, &err);
    cr_assert_eq(rc, 0, "declare %s: %d %s", cls, rc, err.message);
    return t;
}

/* 1 when `schema`.`table` exists on the server. */
static int table_exists(dj_conn *c, const char *schema, const char *table)
{
    char sql[512], value[64];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '%s' AND "
             "table_name = '%s'",
             schema, table);
    dj_error err;
    cr_assert_eq(dj_query_value(c, sql, value, sizeof value, NULL, &err), 1, "%s", err.message);
    return atoi(value) > 0;
}

/* In a build without declaration (configure --disable-declare) a test that
 * needs it proves the refusal instead, and returns 1: the table is not
 * created, and the message says what is missing. */
static int declare_refused(void)
{
    if (dj_features() & DJ_FEATURE_DECLARE)
        return 0;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "refused", 1, name, sizeof name);
    dj_table *t = NULL;
    dj_error err;
    int rc = dj_table_declare(s, "Session", DJ_TIER_MANUAL, "session_id : int\n", &t, &err);
    cr_assert_eq(rc, DJ_EUNSUPPORTED, "got %d %s", rc, err.message);
    cr_assert(strstr(err.message, "not compiled in"), "%s", err.message);
    cr_assert_null(t);
    cr_assert_not(table_exists(c, name, "session"));
    finish(c, s, name);
    return 1;
}

static const dj_attribute *attr(const dj_table *t, const char *name)
{
    const dj_attribute *a = dj_heading_find(dj_table_heading(t), name);
    cr_assert_not_null(a, "no attribute %s in %s", name, dj_table_name(t));
    return a;
}

/* Declares the definition expecting DJ_EDEFINITION with needle in the message,
 * and checks that no table was created. */
static void expect_definition_error(const char *def, const char *needle)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "deferr", 1, name, sizeof name);
    dj_table *t = NULL;
    dj_error err;
    int rc = dj_table_declare(s, "Bad", DJ_TIER_MANUAL, def, &t, &err);
    cr_assert_eq(rc, DJ_EDEFINITION, "expected DJ_EDEFINITION, got %d %s", rc, err.message);
    cr_assert(strstr(err.message, needle), "message \"%s\" lacks \"%s\"", err.message, needle);
    cr_assert_null(t);
    cr_assert_not(table_exists(c, name, "bad"));
    finish(c, s, name);
}

/* ---- the fixtures through the server ---- */

static const struct {
    const char *cls, *file;
    dj_tier tier;
    const char *table;
} fixtures[] = {
    {"Sex", "Sex.def", DJ_TIER_LOOKUP, "#sex"},
    {"Animal", "Animal.def", DJ_TIER_MANUAL, "animal"},
    {"Experiment", "Experiment.def", DJ_TIER_MANUAL, "experiment"},
    {"Scan", "Scan.def", DJ_TIER_IMPORTED, "_scan"},
    {"Scan.Frame", "Scan.Frame.def", DJ_TIER_PART, "_scan__frame"},
    {"Activity", "Activity.def", DJ_TIER_COMPUTED, "__activity"},
};
#define FIXTURES (sizeof fixtures / sizeof fixtures[0])

Test(tables, declares_the_fixtures_with_datajoint_0_14_statements)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "fixtures", 1, name, sizeof name);
    char *expected[FIXTURES];
    cr_assert_eq(ddl_expected_statements(name, expected, FIXTURES), FIXTURES);
    for (size_t i = 0; i < FIXTURES; i++) {
        char *def = ddl_read(fixtures[i].file);
        char sql[8192];
        dj_error err;
        int rc = dj_table_declaration_sql(s, fixtures[i].cls, fixtures[i].tier, def, sql,
                                          sizeof sql, NULL, &err);
        cr_assert_eq(rc, 0, "%s: %s", fixtures[i].cls, err.message);
        cr_assert_str_eq(sql, expected[i], "%s differs:\n%s\n--- expected ---\n%s",
                         fixtures[i].cls, sql, expected[i]);
        dj_table *t = declare_ok(s, fixtures[i].cls, fixtures[i].tier, def);
        cr_assert_eq(dj_table_created(t), 1);
        cr_assert_str_eq(dj_table_name(t), fixtures[i].table);
        cr_assert_str_eq(dj_table_class_name(t), fixtures[i].cls);
        cr_assert_eq(dj_table_get_tier(t), fixtures[i].tier);
        dj_table_close(t);
        free(def);
        free(expected[i]);
    }
    finish(c, s, name);
}

Test(tables, reads_back_the_heading_of_a_table_declared_here)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "heading", 1, name, sizeof name);
    for (size_t i = 0; i < 3; i++) {
        char *def = ddl_read(fixtures[i].file);
        dj_table_close(declare_ok(s, fixtures[i].cls, fixtures[i].tier, def));
        free(def);
    }
    dj_table *t = NULL;
    dj_error err;
    cr_assert_eq(dj_table_open(s, "Experiment", DJ_TIER_UNKNOWN, &t, &err), 0, "%s", err.message);
    const dj_heading *h = dj_table_heading(t);
    cr_assert_str_eq(dj_heading_comment(h), "an imaging experiment");
    cr_assert_eq(dj_heading_count(h), 5);
    cr_assert_eq(dj_heading_primary_key_count(h), 2);
    static const char *const names[] = {"animal_id", "experiment_id", "started", "laser_power",
                                        "protocol"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(dj_heading_attribute(h, i)->name, names[i]);
    const dj_attribute *a = attr(t, "animal_id");
    cr_assert_str_eq(a->sql_type, "int unsigned");
    cr_assert_str_eq(a->comment, "lab-wide id");
    cr_assert(a->in_key);
    cr_assert_eq(a->default_kind, DJ_DEFAULT_NONE);
    a = attr(t, "laser_power");
    cr_assert_str_eq(a->sql_type, "decimal(5,2)");
    cr_assert_eq(a->default_kind, DJ_DEFAULT_LITERAL);
    cr_assert_str_eq(a->default_value, "20.50");
    cr_assert_str_eq(a->comment, "mW");
    a = attr(t, "protocol");
    cr_assert_str_eq(a->default_value, "default");
    cr_assert_not(a->in_key);
    cr_assert_eq(dj_heading_foreign_key_count(h), 1);
    const dj_foreign_key *fk = dj_heading_foreign_key(h, 0);
    cr_assert_str_eq(fk->parent_table, "animal");
    cr_assert_str_eq(fk->parent_schema, name);
    cr_assert_eq(fk->count, 1);
    cr_assert_str_eq(fk->attributes[0], "animal_id");
    dj_table_close(t);

    cr_assert_eq(dj_table_open(s, "Animal", DJ_TIER_MANUAL, &t, &err), 0, "%s", err.message);
    a = attr(t, "weight");
    cr_assert(a->nullable);
    cr_assert_eq(a->default_kind, DJ_DEFAULT_NULL);
    a = attr(t, "notes");
    cr_assert_eq(a->default_kind, DJ_DEFAULT_LITERAL);
    cr_assert_str_eq(a->default_value, "");
    dj_table_close(t);
    finish(c, s, name);
}

Test(tables, keeps_special_types_and_defaults_in_the_heading)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "special", 1, name, sizeof name);
    dj_table *t = declare_ok(s, "Rec", DJ_TIER_MANUAL,
                             "# recordings\nrec_id : int unsigned auto_increment\n---\n"
                             "token : uuid # unique token\nn : int32\nx : float64\nraw : bytes\n"
                             "at = CURRENT_TIMESTAMP : timestamp\nflag = 1 : bool\n"
                             "t3 = null : datetime(3)\n");
    cr_assert(attr(t, "rec_id")->autoincrement);
    cr_assert_str_eq(attr(t, "token")->type, "uuid");
    cr_assert_str_eq(attr(t, "token")->sql_type, "binary(16)");
    cr_assert_str_eq(attr(t, "token")->comment, "unique token");
    cr_assert_str_eq(attr(t, "n")->type, "int32");
    cr_assert_str_eq(attr(t, "n")->sql_type, "int");
    cr_assert_str_eq(attr(t, "x")->sql_type, "double");
    cr_assert_str_eq(attr(t, "raw")->sql_type, "longblob");
    cr_assert_eq(attr(t, "at")->default_kind, DJ_DEFAULT_EXPRESSION);
    cr_assert_str_eq(attr(t, "at")->default_value, "CURRENT_TIMESTAMP");
    cr_assert_str_eq(attr(t, "flag")->sql_type, "tinyint");
    cr_assert_str_eq(attr(t, "flag")->default_value, "1");
    cr_assert_str_eq(attr(t, "t3")->sql_type, "datetime(3)");
    cr_assert(attr(t, "t3")->nullable);
    dj_table_close(t);
    finish(c, s, name);
}

Test(tables, opens_an_existing_table_without_sending_create)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "again", 1, name, sizeof name);
    dj_table_close(declare_ok(s, "Thing", DJ_TIER_MANUAL, "id : int\n"));
    dj_table *t = declare_ok(s, "Thing", DJ_TIER_MANUAL, "id : int\n---\nother : int\n");
    cr_assert_eq(dj_table_created(t), 0);
    cr_assert_eq(dj_heading_count(dj_table_heading(t)), 1, "the existing table is kept as is");
    dj_table_close(t);
    finish(c, s, name);
}

/* ---- errors ---- */

Test(table_errors, nullable_primary_key)
{
    expect_definition_error("id = null : int\n", "line 1: Primary key attributes cannot be nullable");
}

Test(table_errors, unknown_type)
{
    expect_definition_error("id : int\n---\nv : vector\n", "line 3: Unsupported attribute type vector");
}

Test(table_errors, unresolved_parent)
{
    expect_definition_error("-> Missing\n---\nv : int\n",
                            "line 1: Foreign key reference Missing could not be resolved");
}

Test(table_errors, duplicate_attribute)
{
    expect_definition_error("id : int\n---\nv : int\nv : int\n", "line 4: Duplicate attribute");
}

Test(table_errors, missing_primary_key)
{
    expect_definition_error("---\nv : int\n", "Table must have a primary key");
}

Test(table_errors, create_tables_false_is_not_defined_and_creates_nothing)
{
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "passive", 0, name, sizeof name);
    dj_table *t = NULL;
    dj_error err;
    int rc = dj_table_declare(s, "Session", DJ_TIER_MANUAL, "session_id : int\n", &t, &err);
    cr_assert_eq(rc, DJ_ETABLE_MISSING, "got %d %s", rc, err.message);
    char msg[256];
    snprintf(msg, sizeof msg, "The table `%s`.`session` is not defined.", name);
    cr_assert_str_eq(err.message, msg);
    cr_assert_not(table_exists(c, name, "session"));
    rc = dj_table_open(s, "Session", DJ_TIER_UNKNOWN, &t, &err);
    cr_assert_eq(rc, DJ_ETABLE_MISSING, "open: got %d %s", rc, err.message);
    cr_assert_str_eq(err.message, msg);
    /* An existing table opens fine with create_tables off. */
    snprintf(msg, sizeof msg, "CREATE TABLE `%s`.`session` (session_id int PRIMARY KEY)", name);
    itest_exec(c, msg);
    t = declare_ok(s, "Session", DJ_TIER_MANUAL, "session_id : int\n");
    cr_assert_eq(dj_table_created(t), 0);
    dj_table_close(t);
    finish(c, s, name);
}

Test(table_errors, declaring_inside_a_transaction_is_refused)
{
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "txn", 1, name, sizeof name);
    dj_error err;
    cr_assert_eq(dj_transaction_start(c, &err), 0, "%s", err.message);
    dj_table *t = NULL;
    int rc = dj_table_declare(s, "Session", DJ_TIER_MANUAL, "session_id : int\n", &t, &err);
    cr_assert_eq(rc, DJ_ETRANSACTION, "got %d %s", rc, err.message);
    cr_assert_str_eq(err.message, "Cannot declare new tables inside a transaction, e.g. from "
                                  "inside a populate/make call");
    cr_assert_eq(dj_transaction_cancel(c, &err), 0, "%s", err.message);
    cr_assert_not(table_exists(c, name, "session"));
    finish(c, s, name);
}

Test(table_errors, access_denied_on_create_table_is_reported)
{
    if (declare_refused())
        return;
    dj_conn *admin = itest_connect();
    char name[128];
    dj_schema *s0 = new_schema(admin, "denied", 1, name, sizeof name);
    dj_schema_close(s0);
    dj_config cfg;
    itest_config_as(&cfg, itest_env("DJ_TEST_NOCREATE_USER"), itest_env("DJ_TEST_NOCREATE_PASS"));
    dj_conn *c = itest_connect_cfg(&cfg);
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    o.create_schema = 0;
    dj_schema *s = NULL;
    dj_error err;
    cr_assert_eq(dj_schema_open(&s, name, &o, &err), 0, "%s", err.message);
    dj_table *t = NULL;
    int rc = dj_table_declare(s, "Session", DJ_TIER_MANUAL, "session_id : int\n", &t, &err);
    cr_assert_eq(rc, DJ_ESERVER, "got %d %s", rc, err.message);
    cr_assert_eq(err.kind, DJ_KIND_ACCESS);
    cr_assert(strstr(err.message, "Cannot declare table"), "%s", err.message);
    cr_assert_null(t);
    dj_schema_close(s);
    dj_close(c);
    drop_schema(admin, name);
    dj_close(admin);
}

/* ---- parents elsewhere ---- */

Test(tables, resolves_parents_in_other_schemas)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char up[128], down[128];
    dj_schema *a = new_schema(c, "up", 1, up, sizeof up);
    dj_table_close(declare_ok(a, "Subject", DJ_TIER_MANUAL, "subject_id : int # who\n"));
    dj_table_close(declare_ok(a, "Rig", DJ_TIER_LOOKUP, "rig : varchar(16)\n"));
    dj_table_close(declare_ok(a, "Cage", DJ_TIER_MANUAL, "cage : int\n"));

    dj_context *ctx = NULL;
    dj_error err;
    cr_assert_eq(dj_context_new(&ctx, NULL, &err), 0);
    cr_assert_eq(dj_context_add_schema(ctx, "lab", up, &err), 0);
    cr_assert_eq(dj_context_add_table(ctx, "Housing", up, "cage", &err), 0);
    itest_unique_name(down, sizeof down, "down");
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = c;
    o.context = ctx;
    dj_schema *b = NULL;
    cr_assert_eq(dj_schema_open(&b, down, &o, &err), 0, "%s", err.message);
    char def[256];
    snprintf(def, sizeof def, "-> %s.Subject\nsession : int\n---\n-> lab.Rig\n-> [nullable] Housing\n",
             up);
    dj_table *t = declare_ok(b, "Session", DJ_TIER_MANUAL, def);
    const dj_heading *h = dj_table_heading(t);
    cr_assert_eq(dj_heading_foreign_key_count(h), 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(dj_heading_foreign_key(h, i)->parent_schema, up);
    cr_assert_str_eq(attr(t, "subject_id")->comment, "who");
    cr_assert(attr(t, "subject_id")->in_key);
    cr_assert_not(attr(t, "rig")->in_key);
    cr_assert(attr(t, "cage")->nullable);
    char text[1024];
    cr_assert_eq(dj_table_describe(t, text, sizeof text, NULL, &err), 0, "%s", err.message);
    char line[256];
    snprintf(line, sizeof line, "-> %s.Subject\n", up);
    cr_assert(strstr(text, line), "%s", text);
    cr_assert(strstr(text, "-> [nullable] "), "%s", text);
    dj_table_close(t);
    dj_schema_close(b);
    dj_schema_close(a);
    dj_context_free(ctx);
    drop_schema(c, down);
    drop_schema(c, up);
    dj_close(c);
}

Test(tables, declares_part_tables_referring_to_master)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "parts", 1, name, sizeof name);
    dj_table_close(declare_ok(s, "Spikes", DJ_TIER_COMPUTED, "# sorted\nsort_id : int\n"));
    dj_table *t = declare_ok(s, "Spikes.Unit", DJ_TIER_PART, "-> master\nunit : smallint\n");
    cr_assert_str_eq(dj_table_name(t), "__spikes__unit");
    cr_assert_str_eq(dj_table_class_name(t), "Spikes.Unit");
    cr_assert_eq(dj_table_get_tier(t), DJ_TIER_PART);
    cr_assert_str_eq(dj_heading_foreign_key(dj_table_heading(t), 0)->parent_table, "__spikes");
    dj_table_close(t);
    /* master outside a part table does not resolve */
    dj_error err;
    int rc = dj_table_declare(s, "Other", DJ_TIER_MANUAL, "-> master\nx : int\n", &t, &err);
    cr_assert_eq(rc, DJ_EDEFINITION, "%d %s", rc, err.message);
    /* a part of a missing master */
    rc = dj_table_declare(s, "Nope.Part", DJ_TIER_PART, "-> master\nx : int\n", &t, &err);
    cr_assert_eq(rc, DJ_ETABLE_MISSING, "%d %s", rc, err.message);
    finish(c, s, name);
}

/* ---- tables made by others ---- */

/* Runs sql through the mariadb client in database db. */
static void mariadb_exec(const char *db, const char *sql)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s", itest_env("DJ_TEST_MARIADB"), db);
    FILE *p = popen(cmd, "w");
    cr_assert_not_null(p, "cannot run %s", cmd);
    fputs(sql, p);
    fputs(";\n", p);
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mariadb failed on: %s", sql);
}

Test(tables, opens_tables_created_with_plain_sql_in_datajoint_form)
{
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "plain", 1, name, sizeof name);
    char *expected[FIXTURES];
    cr_assert_eq(ddl_expected_statements(name, expected, FIXTURES), FIXTURES);
    for (size_t i = 0; i < FIXTURES; i++) {
        mariadb_exec(name, expected[i]);
        free(expected[i]);
    }
    for (size_t i = 0; i < FIXTURES; i++) {
        dj_table *t = NULL;
        dj_error err;
        int rc = dj_table_open(s, fixtures[i].cls, DJ_TIER_UNKNOWN, &t, &err);
        cr_assert_eq(rc, 0, "%s: %s", fixtures[i].cls, err.message);
        cr_assert_eq(dj_table_get_tier(t), fixtures[i].tier, "%s", fixtures[i].cls);
        cr_assert_str_eq(dj_table_name(t), fixtures[i].table);
        cr_assert_str_eq(dj_table_class_name(t), fixtures[i].cls);
        dj_table_close(t);
    }
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE TABLE `%s`.`#token` (`token` binary(16) NOT NULL COMMENT \":uuid:the "
             "token\", `label` varchar(8) NOT NULL DEFAULT \"it's\", PRIMARY KEY (`token`)) "
             "ENGINE=InnoDB, COMMENT \"tokens\"",
             name);
    mariadb_exec(name, sql);
    dj_table *t = NULL;
    dj_error err;
    cr_assert_eq(dj_table_open(s, "Token", DJ_TIER_UNKNOWN, &t, &err), 0, "%s", err.message);
    cr_assert_eq(dj_table_get_tier(t), DJ_TIER_LOOKUP);
    cr_assert_str_eq(attr(t, "token")->type, "uuid");
    cr_assert_str_eq(attr(t, "token")->comment, "the token");
    cr_assert_str_eq(attr(t, "label")->default_value, "it's");
    cr_assert_str_eq(dj_heading_comment(dj_table_heading(t)), "tokens");
    dj_table_close(t);
    finish(c, s, name);
}

/* ---- the CLI in a new process ---- */

/* Runs tools/dj with args (a shell word list); returns its exit status, output in out. */
static int run_dj(const char *args, char *out, size_t size)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "env -u DJ_CONFIG_FILE HOME=/nonexistent DJ_HOST='%s:%s' DJ_USER='%s' DJ_PASS='%s' "
             "'%s/tools/dj' %s 2>&1",
             itest_env("DJ_TEST_HOST"), itest_env("DJ_TEST_PORT"), itest_env("DJ_TEST_USER"),
             itest_env("DJ_TEST_PASS"), itest_env("DJ_TOP_BUILDDIR"), args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "dj did not exit normally: %s", out);
    return WEXITSTATUS(st);
}

Test(tables, cli_declares_a_child_of_a_table_declared_earlier)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char name[128];
    dj_schema *s = new_schema(c, "cli", 1, name, sizeof name);
    dj_table_close(declare_ok(s, "Mouse", DJ_TIER_MANUAL, "# mice\nmouse_id : int # id\n"));
    char path[256];
    snprintf(path, sizeof path, "/tmp/%s.def", name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("# sessions\n-> Mouse\nsession : smallint\n---\nnote = \"\" : varchar(64)\n", f);
    fclose(f);
    char args[512], out[4096];
    snprintf(args, sizeof args, "table declare %s Session --definition %s", name, path);
    int rc = run_dj(args, out, sizeof out);
    cr_assert_eq(rc, 0, "dj: %s", out);
    cr_assert(strstr(out, "declared table"), "%s", out);
    snprintf(args, sizeof args, "table declare %s Session.Trial --tier part --definition -"
                                " < /dev/null", name);
    rc = run_dj(args, out, sizeof out);
    cr_assert_eq(rc, 2, "an empty definition has no primary key: %s", out);
    snprintf(args, sizeof args, "table describe %s Session", name);
    rc = run_dj(args, out, sizeof out);
    cr_assert_eq(rc, 0, "dj: %s", out);
    cr_assert_str_eq(out, "# sessions\n-> Mouse\nsession              : smallint\n---\n"
                          "note=\"\"              : varchar(64)\n");
    snprintf(args, sizeof args, "table describe %s Nothing", name);
    cr_assert_eq(run_dj(args, out, sizeof out), 1, "%s", out);
    unlink(path);
    dj_table *t = NULL;
    dj_error err;
    cr_assert_eq(dj_table_open(s, "Session", DJ_TIER_MANUAL, &t, &err), 0, "%s", err.message);
    cr_assert_str_eq(dj_heading_foreign_key(dj_table_heading(t), 0)->parent_table, "mouse");
    dj_table_close(t);
    finish(c, s, name);
}

/* ---- describe, declared again ---- */

static void expect_same_heading(const dj_table *a, const dj_table *b)
{
    const dj_heading *ha = dj_table_heading(a), *hb = dj_table_heading(b);
    cr_assert_eq(dj_heading_count(ha), dj_heading_count(hb), "%s", dj_table_name(a));
    cr_assert_str_eq(dj_heading_comment(ha), dj_heading_comment(hb));
    for (size_t i = 0; i < dj_heading_count(ha); i++) {
        const dj_attribute *x = dj_heading_attribute(ha, i), *y = dj_heading_attribute(hb, i);
        cr_assert_str_eq(x->name, y->name);
        cr_assert_str_eq(x->sql_type, y->sql_type, "%s.%s", dj_table_name(a), x->name);
        cr_assert_str_eq(x->type, y->type);
        cr_assert_str_eq(x->comment, y->comment);
        cr_assert_eq(x->in_key, y->in_key);
        cr_assert_eq(x->nullable, y->nullable);
        cr_assert_eq(x->default_kind, y->default_kind, "%s.%s", dj_table_name(a), x->name);
        if (x->default_value)
            cr_assert_str_eq(x->default_value, y->default_value);
    }
    cr_assert_eq(dj_heading_foreign_key_count(ha), dj_heading_foreign_key_count(hb));
    cr_assert_eq(dj_heading_index_count(ha), dj_heading_index_count(hb), "%s",
                 dj_table_name(a));
}

Test(tables, a_described_definition_declares_the_same_table)
{
    if (declare_refused())
        return;
    dj_conn *c = itest_connect();
    char first[128], second[128];
    dj_schema *s1 = new_schema(c, "described", 1, first, sizeof first);
    dj_schema *s2 = new_schema(c, "redeclared", 1, second, sizeof second);
    for (size_t i = 0; i < FIXTURES; i++) {
        char *def = ddl_read(fixtures[i].file);
        dj_table *t1 = declare_ok(s1, fixtures[i].cls, fixtures[i].tier, def);
        free(def);
        char text[4096];
        dj_error err;
        cr_assert_eq(dj_table_describe(t1, text, sizeof text, NULL, &err), 0, "%s", err.message);
        dj_table *t2 = declare_ok(s2, fixtures[i].cls, fixtures[i].tier, text);
        cr_assert_eq(dj_table_created(t2), 1);
        expect_same_heading(t1, t2);
        dj_table_close(t1);
        dj_table_close(t2);
    }
    dj_schema_close(s1);
    drop_schema(c, first);
    finish(c, s2, second);
}
