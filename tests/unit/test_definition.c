/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_definition.c - the definition parser and declare(), without a
 * server: the statements datajoint-python 0.14 sent for the fixtures in
 * tests/data/datajoint-ddl are reproduced byte for byte, and every kind of
 * bad definition is an error naming its line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ddl_fixture.h"
#include "dj/declare.h"

#define SCHEMA "djtest"

/* ---- a tiny pipeline: headings of the tables compiled so far ---- */

#define MAX_TABLES 16
typedef struct pipeline {
    const char *classes[MAX_TABLES];
    dj_heading *headings[MAX_TABLES];
    size_t count;
    const char *master; /* class of the master while a part is compiled */
} pipeline;

static int lookup(void *ud, const char *ref, unsigned lineno, const dj_heading **parent,
                  dj_error *err)
{
    pipeline *p = ud;
    const char *name = strcmp(ref, "master") == 0 && p->master ? p->master : ref;
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->classes[i], name) == 0) {
            *parent = p->headings[i];
            return 0;
        }
    return dj__err(err, DJ_EDEFINITION, "line %u: Foreign key reference %s could not be resolved",
                   lineno, ref);
}

static void pipeline_free(pipeline *p)
{
    for (size_t i = 0; i < p->count; i++)
        dj__heading_free(p->headings[i]);
    p->count = 0;
}

/* Compiles text; returns the status, *sql (caller frees) on success. */
static int compile_in(pipeline *p, const char *cls, const char *table, const char *text,
                      char **sql, dj_error *err)
{
    dj__definition def;
    *sql = NULL;
    int rc = dj__definition_parse(text, NULL, &def, err);
    if (rc)
        return rc;
    dj_heading *h = NULL;
    rc = dj__declare_compile(&def, SCHEMA, table, lookup, p, NULL, sql, &h, err);
    dj__definition_free(&def);
    if (rc == 0 && p && p->count < MAX_TABLES) {
        p->classes[p->count] = cls;
        p->headings[p->count++] = h;
    } else {
        dj__heading_free(h);
    }
    return rc;
}

static char *compile_ok(const char *text)
{
    pipeline p = {0};
    char *sql;
    dj_error err;
    int rc = compile_in(&p, "T", "t", text, &sql, &err);
    cr_assert_eq(rc, 0, "compile failed: %d %s", rc, err.message);
    pipeline_free(&p);
    return sql;
}

/* The error message of a definition that must fail with DJ_EDEFINITION. */
static void expect_error(const char *text, const char *needle)
{
    pipeline p = {0};
    char *sql;
    dj_error err;
    int rc = compile_in(&p, "T", "t", text, &sql, &err);
    cr_assert_eq(rc, DJ_EDEFINITION, "expected DJ_EDEFINITION, got %d (%s)", rc,
                 rc ? err.message : sql);
    cr_assert(strstr(err.message, needle), "message \"%s\" lacks \"%s\"", err.message, needle);
    pipeline_free(&p);
}

static void expect_contains(const char *sql, const char *needle)
{
    cr_assert(strstr(sql, needle), "statement lacks \"%s\":\n%s", needle, sql);
}

/* ---- the fixtures of datajoint-python 0.14 ---- */

Test(declare, reproduces_datajoint_0_14_statements_byte_for_byte)
{
    static const struct {
        const char *cls, *table, *file, *master;
    } fixtures[] = {
        {"Sex", "#sex", "Sex.def", NULL},
        {"Animal", "animal", "Animal.def", NULL},
        {"Experiment", "experiment", "Experiment.def", NULL},
        {"Scan", "_scan", "Scan.def", NULL},
        {"Scan.Frame", "_scan__frame", "Scan.Frame.def", "Scan"},
        {"Activity", "__activity", "Activity.def", NULL},
    };
    char *expected[16];
    size_t n = ddl_expected_statements(SCHEMA, expected, 16);
    cr_assert_eq(n, sizeof fixtures / sizeof fixtures[0], "declared.sql has %zu statements", n);
    pipeline p = {0};
    for (size_t i = 0; i < n; i++) {
        char *text = ddl_read(fixtures[i].file);
        char *sql;
        dj_error err;
        p.master = fixtures[i].master;
        int rc = compile_in(&p, fixtures[i].cls, fixtures[i].table, text, &sql, &err);
        cr_assert_eq(rc, 0, "%s: %s", fixtures[i].file, err.message);
        cr_assert_str_eq(sql, expected[i], "%s differs:\n%s\n--- expected ---\n%s",
                         fixtures[i].file, sql, expected[i]);
        free(sql);
        free(text);
        free(expected[i]);
    }
    pipeline_free(&p);
}

/* ---- statements for other definitions ---- */

Test(declare, maps_core_types_with_comment_markers)
{
    char *sql = compile_ok("id : int64\n---\na : int8 # small\nb : int16\nc : int32\n"
                           "d : float32\ne : float64\nf : bytes\ng : uuid\n");
    expect_contains(sql, "`id` bigint NOT NULL COMMENT \":int64:\"");
    expect_contains(sql, "`a` tinyint NOT NULL COMMENT \":int8:small\"");
    expect_contains(sql, "`b` smallint NOT NULL COMMENT \":int16:\"");
    expect_contains(sql, "`c` int NOT NULL COMMENT \":int32:\"");
    expect_contains(sql, "`d` float NOT NULL COMMENT \":float32:\"");
    expect_contains(sql, "`e` double NOT NULL COMMENT \":float64:\"");
    expect_contains(sql, "`f` longblob NOT NULL COMMENT \":bytes:\"");
    expect_contains(sql, "`g` binary(16) NOT NULL COMMENT \":uuid:\"");
    free(sql);
}

Test(declare, passes_native_types_through)
{
    char *sql = compile_ok("id : int unsigned auto_increment\n---\n"
                           "a : bigint unsigned\nb : decimal(10,3)\nc : char(8)\n"
                           "d : enum('x','y')\ne : bool\nf : date\ng : time\n"
                           "h : datetime(3)\ni = CURRENT_TIMESTAMP : timestamp\nj : json\n"
                           "k = null : tinyblob\nl : mediumblob\nm : blob\nn : double\n"
                           "o : year\np : varchar(255)\n");
    expect_contains(sql, "`id` int unsigned auto_increment NOT NULL,\n");
    expect_contains(sql, "`d` enum('x','y') NOT NULL,\n");
    expect_contains(sql, "`h` datetime(3) NOT NULL,\n");
    expect_contains(sql, "`i` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n");
    expect_contains(sql, "`k` tinyblob DEFAULT NULL,\n");
    expect_contains(sql, "\n) ENGINE=InnoDB, COMMENT \"\"");
    free(sql);
}

Test(declare, quotes_defaults_as_datajoint_does)
{
    char *sql = compile_ok("id : int\n---\na = 5 : int\nb = 'x' : char(1)\nc = \"y\" : char(1)\n"
                           "d = null : int\ne = current_timestamp(3) : datetime(3)\n");
    expect_contains(sql, "`a` int NOT NULL DEFAULT \"5\"");
    expect_contains(sql, "`b` char(1) NOT NULL DEFAULT 'x'");
    expect_contains(sql, "`c` char(1) NOT NULL DEFAULT \"y\"");
    expect_contains(sql, "`d` int DEFAULT NULL");
    expect_contains(sql, "`e` datetime(3) NOT NULL DEFAULT current_timestamp(3)");
    free(sql);
}

Test(declare, escapes_double_quotes_in_comments)
{
    char *sql = compile_ok("# a \"quoted\" table\nid : int # the \"id\"\n");
    expect_contains(sql, "`id` int NOT NULL COMMENT \"the \\\"id\\\"\"");
    expect_contains(sql, "COMMENT \"a \\\"quoted\\\" table\"");
    free(sql);
}

Test(declare, writes_indexes_and_unique_foreign_keys)
{
    pipeline p = {0};
    char *sql;
    dj_error err;
    cr_assert_eq(compile_in(&p, "Parent", "parent", "pid : int # parent id\n", &sql, &err), 0);
    free(sql);
    int rc = compile_in(&p, "Child", "child",
                        "cid : int\n---\n-> [nullable, unique] Parent\nx : int\ny : int\n"
                        "unique index(x, y)\nINDEX (y)\n",
                        &sql, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    expect_contains(sql, "`pid` int COMMENT \"parent id\",\n");
    expect_contains(sql, "FOREIGN KEY (`pid`) REFERENCES `djtest`.`parent` (`pid`) ON UPDATE "
                         "CASCADE ON DELETE RESTRICT,\nUNIQUE INDEX (`pid`),\n"
                         "unique index (`x`,`y`),\nindex (`y`)\n)");
    free(sql);
    pipeline_free(&p);
}

Test(declare, renames_attributes_of_a_projected_parent)
{
    pipeline p = {0};
    char *sql;
    dj_error err;
    cr_assert_eq(compile_in(&p, "Cell", "cell", "cell_id : int\n", &sql, &err), 0);
    free(sql);
    int rc = compile_in(&p, "Pair", "pair",
                        "-> Cell.proj(pre='cell_id')\n-> Cell.proj(post=\"cell_id\")\n", &sql,
                        &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    expect_contains(sql, "`pre` int NOT NULL COMMENT \"\",\n`post` int NOT NULL COMMENT \"\",\n"
                         "PRIMARY KEY (`pre`,`post`),\n"
                         "FOREIGN KEY (`pre`) REFERENCES `djtest`.`cell` (`cell_id`)");
    free(sql);
    pipeline_free(&p);
}

Test(declare, ignores_comment_lines_and_foreign_key_comments)
{
    pipeline p = {0};
    char *sql;
    dj_error err;
    cr_assert_eq(compile_in(&p, "Parent", "parent", "pid : int\n", &sql, &err), 0);
    free(sql);
    cr_assert_eq(compile_in(&p, "C", "c", "\n  # comment\n-> Parent  # why\n# another\n___\nv : int\n",
                            &sql, &err),
                 0, "%s", err.message);
    expect_contains(sql, "PRIMARY KEY (`pid`)");
    free(sql);
    pipeline_free(&p);
}

/* ---- bad definitions ---- */

Test(definition_errors, nullable_primary_key)
{
    expect_error("# t\nid = null : int\n", "line 2: Primary key attributes cannot be nullable");
}

Test(definition_errors, unknown_type)
{
    expect_error("id : int\n---\nx : flaot\n", "line 3: Unsupported attribute type flaot");
}

Test(definition_errors, unresolved_parent)
{
    expect_error("-> Nowhere\n", "line 1: Foreign key reference Nowhere could not be resolved");
}

Test(definition_errors, duplicate_attribute)
{
    expect_error("id : int\n---\nx : int\nx : float\n", "line 4: Duplicate attribute");
}

Test(definition_errors, missing_primary_key)
{
    expect_error("---\nx : int\n", "Table must have a primary key");
}

Test(definition_errors, nullable_primary_dependency)
{
    expect_error("-> [nullable] Parent\n", "line 1: Primary dependencies cannot be nullable");
}

Test(definition_errors, invalid_foreign_key_option)
{
    expect_error("id : int\n---\n-> [optional] Parent\n",
                 "line 3: Invalid foreign key option \"optional\"");
}

Test(definition_errors, blob_default_other_than_null)
{
    expect_error("id : int\n---\nb = 'x' : longblob\n", "line 3: The default value for a blob");
}

Test(definition_errors, comment_starting_with_a_colon)
{
    expect_error("id : int # :odd\n", "line 1: An attribute comment must not start with a colon");
}

Test(definition_errors, table_comment_starting_with_a_colon)
{
    expect_error("# :odd\nid : int\n", "Table comment must not start with a colon");
}

Test(definition_errors, attribute_name_not_lower_case)
{
    expect_error("Id : int\n", "line 1: Declaration error");
}

Test(definition_errors, missing_colon)
{
    expect_error("id int\n", "line 1: Declaration error");
}

Test(definition_errors, index_of_undeclared_attribute)
{
    expect_error("id : int\nindex(nope)\n", "line 2: index attribute `nope`");
}

Test(definition_errors, unsupported_dependency_expression)
{
    expect_error("id : int\n---\n-> Parent & 'x=1'\n", "line 3: Dependency");
}

/* ---- robustness ---- */

/* Every byte of every fixture replaced by characters the grammar cares
 * about: parsing and compiling either succeed or fail cleanly (the
 * sanitizer and valgrind runs catch what an assertion cannot). */
Test(robustness, survives_every_single_byte_mutation_of_the_fixtures)
{
    static const char *const files[] = {"Sex.def", "Animal.def", "Experiment.def"};
    static const char *const classes[] = {"Sex", "Animal", "Experiment"};
    static const char replacements[] = "#:=-[]>(),'\"\n x";
    pipeline p = {0};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *text = ddl_read(files[f]);
        size_t n = strlen(text);
        char *sql;
        dj_error err;
        for (size_t i = 0; i < n; i++) {
            char saved = text[i];
            for (const char *r = replacements; *r; r++) {
                text[i] = *r;
                int rc = compile_in(&p, "M", "m", text, &sql, &err);
                cr_assert(rc == 0 || rc == DJ_EDEFINITION || rc == DJ_ENAME, "rc %d", rc);
                if (rc == 0)
                    dj__heading_free(p.headings[--p.count]);
                free(sql);
            }
            text[i] = saved;
        }
        /* The fixture itself joins the pipeline: the next ones refer to it. */
        cr_assert_eq(compile_in(&p, classes[f], classes[f], text, &sql, &err), 0, "%s",
                     err.message);
        free(sql);
        free(text);
    }
    pipeline_free(&p);
}

/* An allocator that fails the n-th allocation. */
typedef struct failing {
    long left;
    long live;
} failing;

static void *fail_malloc(size_t n, void *ud)
{
    failing *f = ud;
    if (f->left-- == 0)
        return NULL;
    f->live++;
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n, void *ud)
{
    failing *f = ud;
    if (f->left-- == 0)
        return NULL;
    if (!p)
        f->live++;
    return realloc(p, n);
}

static void fail_free(void *p, void *ud)
{
    failing *f = ud;
    if (p)
        f->live--;
    free(p);
}

Test(robustness, every_allocation_failure_is_reported_and_frees_everything)
{
    const char *text = "# t\nid : int unsigned auto_increment # key\n---\n-> [unique] Parent\n"
                       "-> Parent.proj(other='pid')\nv = 'x' : varchar(8)\nw : uuid\n"
                       "index (v, w)\n";
    pipeline p = {0};
    char *psql;
    dj_error err;
    cr_assert_eq(compile_in(&p, "Parent", "parent", "pid : int # parent\n", &psql, &err), 0);
    free(psql);
    int succeeded = 0;
    for (long k = 0; k < 10000 && !succeeded; k++) {
        failing f = {.left = k, .live = 0};
        dj_allocator a = {fail_malloc, fail_realloc, fail_free, &f};
        dj__definition def;
        int rc = dj__definition_parse(text, &a, &def, &err);
        char *sql = NULL;
        dj_heading *h = NULL;
        if (rc == 0) {
            rc = dj__declare_compile(&def, SCHEMA, "t", lookup, &p, &a, &sql, &h, &err);
            dj__definition_free(&def);
        }
        cr_assert(rc == 0 || rc == DJ_ENOMEM, "failure %ld gave %d %s", k, rc, err.message);
        if (rc == 0) {
            succeeded = 1;
            cr_assert_eq(dj_heading_count(h), 5);
            dj__heading_free(h);
            dj__free(&a, sql);
        }
        cr_assert_eq(f.live, 0, "failure %ld leaked %ld blocks", k, f.live);
    }
    cr_assert(succeeded);
    pipeline_free(&p);
}
