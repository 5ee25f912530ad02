/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_naming.c - DataJoint's naming rules: class <-> table names, tier
 * recognition and schema name checks (lib/dj/naming.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "dj/naming.h"

#define NAME_BUF 128

static void expect_table(const char *class_name, dj_tier tier, const char *master,
                         const char *want)
{
    char out[NAME_BUF];
    dj_error err;
    int rc = dj_class_to_table(class_name, tier, master, out, sizeof out, &err);
    cr_assert_eq(rc, 0, "%s (%s): %s", class_name, dj_tier_name(tier), err.message);
    cr_assert_str_eq(out, want);
}

static void expect_class(const char *table_name, const char *want)
{
    char out[NAME_BUF];
    dj_error err;
    int rc = dj_table_to_class(table_name, out, sizeof out, &err);
    cr_assert_eq(rc, 0, "%s: %s", table_name, err.message);
    cr_assert_str_eq(out, want);
}

static void expect_class_error(const char *class_name, dj_tier tier, const char *master,
                               int want_rc)
{
    char out[NAME_BUF] = "garbage";
    dj_error err;
    int rc = dj_class_to_table(class_name, tier, master, out, sizeof out, &err);
    cr_assert_eq(rc, want_rc, "class `%s`: got %d, want %d", class_name, rc, want_rc);
    cr_assert_eq(err.code, want_rc);
    cr_assert_str_eq(out, "", "out is emptied on error");
}

static void expect_tier(const char *table_name, dj_tier want)
{
    dj_tier got = dj_table_tier(table_name);
    cr_assert_eq(got, want, "`%s`: got %s, want %s", table_name ? table_name : "(null)",
                 dj_tier_name(got), dj_tier_name(want));
}

static void expect_name_ok(const char *name, int strict)
{
    dj_error err;
    int rc = dj_schema_name_check(name, strict, &err);
    cr_assert_eq(rc, 0, "`%s` (strict=%d): %s", name, strict, err.message);
}

static void expect_name_rejected(const char *name, int strict, const char *message_part)
{
    dj_error err;
    int rc = dj_schema_name_check(name, strict, &err);
    cr_assert_eq(rc, DJ_ENAME, "`%s` (strict=%d) should be rejected", name, strict);
    cr_assert(strstr(err.message, message_part) != NULL, "message `%s` lacks `%s`",
              err.message, message_part);
}

static void repeat(char *dst, const char *unit, size_t times)
{
    dst[0] = '\0';
    for (size_t i = 0; i < times; i++)
        strcat(dst, unit);
}

/* ---- tier names ---- */

Test(tier_name, names_every_tier)
{
    cr_assert_str_eq(dj_tier_name(DJ_TIER_MANUAL), "manual");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_LOOKUP), "lookup");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_IMPORTED), "imported");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_COMPUTED), "computed");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_PART), "part");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_HIDDEN), "hidden");
    cr_assert_str_eq(dj_tier_name(DJ_TIER_UNKNOWN), "unknown");
}

Test(tier_name, out_of_range_value_is_unknown)
{
    cr_assert_str_eq(dj_tier_name((dj_tier)42), "unknown");
}

/* ---- class -> table ---- */

Test(class_to_table, reference_camel_case_examples)
{
    expect_table("Session", DJ_TIER_MANUAL, NULL, "session");
    expect_table("SessionTrial", DJ_TIER_MANUAL, NULL, "session_trial");
    expect_table("RGBImage", DJ_TIER_MANUAL, NULL, "r_g_b_image");
    expect_table("Table2Name", DJ_TIER_MANUAL, NULL, "table2_name");
    expect_table("Scan3D", DJ_TIER_MANUAL, NULL, "scan3_d");
    expect_table("MyHTTPServer", DJ_TIER_MANUAL, NULL, "my_h_t_t_p_server");
}

Test(class_to_table, single_capital_and_digits)
{
    expect_table("A", DJ_TIER_MANUAL, NULL, "a");
    expect_table("A1", DJ_TIER_MANUAL, NULL, "a1");
    expect_table("Table2name", DJ_TIER_MANUAL, NULL, "table2name");
    expect_table("ABC", DJ_TIER_MANUAL, NULL, "a_b_c");
}

Test(class_to_table, lookup_gets_hash_prefix)
{
    expect_table("SubjectType", DJ_TIER_LOOKUP, NULL, "#subject_type");
}

Test(class_to_table, imported_gets_underscore_prefix)
{
    expect_table("Scan", DJ_TIER_IMPORTED, NULL, "_scan");
}

Test(class_to_table, computed_gets_double_underscore_prefix)
{
    expect_table("Spikes", DJ_TIER_COMPUTED, NULL, "__spikes");
}

Test(class_to_table, master_ignored_outside_part_tier)
{
    expect_table("Session", DJ_TIER_MANUAL, "Other", "session");
}

Test(class_to_table, part_with_master_class_name_assumes_manual_master)
{
    expect_table("Trial", DJ_TIER_PART, "Session", "session__trial");
    expect_table("FieldOfView", DJ_TIER_PART, "RGBImage", "r_g_b_image__field_of_view");
}

Test(class_to_table, part_with_prefixed_master_table_name)
{
    expect_table("X", DJ_TIER_PART, "#subject_type", "#subject_type__x");
    expect_table("Unit", DJ_TIER_PART, "__spikes", "__spikes__unit");
    expect_table("Field", DJ_TIER_PART, "_scan", "_scan__field");
    expect_table("Trial", DJ_TIER_PART, "session", "session__trial");
}

Test(class_to_table, part_master_must_be_a_master_tier_table)
{
    expect_class_error("X", DJ_TIER_PART, "session__trial", DJ_ENAME);
    expect_class_error("X", DJ_TIER_PART, "~log", DJ_ENAME);
    expect_class_error("X", DJ_TIER_PART, "session_2", DJ_ENAME);
    expect_class_error("X", DJ_TIER_PART, "#", DJ_ENAME);
}

Test(class_to_table, part_master_class_must_be_camel_case)
{
    expect_class_error("X", DJ_TIER_PART, "Bad_Master", DJ_ENAME);
}

Test(class_to_table, part_without_master_is_invalid_argument)
{
    expect_class_error("Trial", DJ_TIER_PART, NULL, DJ_EINVAL);
    expect_class_error("Trial", DJ_TIER_PART, "", DJ_EINVAL);
}

Test(class_to_table, invalid_class_names_rejected_with_datajoint_message)
{
    const char *bad[] = {"session", "_Session", "Session_Trial", "2Session", "",
                         "S\xc3\xa9" "ance", "Session Trial", "Session-Trial", "\xc3\x89tat"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(bad); i++)
        expect_class_error(bad[i], DJ_TIER_MANUAL, NULL, DJ_ENAME);

    dj_error err;
    char out[NAME_BUF];
    dj_class_to_table("session", DJ_TIER_MANUAL, NULL, out, sizeof out, &err);
    cr_assert_str_eq(err.message,
                     "Table class name `session` is invalid. Please use CamelCase. "
                     "Classes defining tables should be formatted in strict CamelCase.");
}

Test(class_to_table, null_arguments_are_invalid)
{
    char out[NAME_BUF];
    dj_error err;
    cr_assert_eq(dj_class_to_table(NULL, DJ_TIER_MANUAL, NULL, out, sizeof out, &err), DJ_EINVAL);
    cr_assert_eq(dj_class_to_table("Session", DJ_TIER_MANUAL, NULL, NULL, 10, &err), DJ_EINVAL);
}

Test(class_to_table, hidden_and_unknown_tiers_are_invalid)
{
    expect_class_error("Log", DJ_TIER_HIDDEN, NULL, DJ_EINVAL);
    expect_class_error("Thing", DJ_TIER_UNKNOWN, NULL, DJ_EINVAL);
    expect_class_error("Thing", (dj_tier)42, NULL, DJ_EINVAL);
}

Test(class_to_table, small_buffer_is_too_big_and_exact_fit_works)
{
    char out[16];
    dj_error err;
    /* "#subject_type" is 13 characters and needs 14 bytes. */
    cr_assert_eq(dj_class_to_table("SubjectType", DJ_TIER_LOOKUP, NULL, out, 13, &err),
                 DJ_ETOOBIG);
    cr_assert_str_eq(out, "");
    cr_assert_eq(dj_class_to_table("SubjectType", DJ_TIER_LOOKUP, NULL, out, 14, &err), 0);
    cr_assert_str_eq(out, "#subject_type");
    cr_assert_eq(dj_class_to_table("Session", DJ_TIER_MANUAL, NULL, out, 0, &err), DJ_ETOOBIG);
}

Test(class_to_table, sixty_four_characters_accepted_sixty_five_rejected)
{
    char cls[NAME_BUF], want[NAME_BUF];
    strcpy(cls, "A");
    repeat(cls + 1, "b", 63);
    strcpy(want, "a");
    repeat(want + 1, "b", 63);
    expect_table(cls, DJ_TIER_MANUAL, NULL, want);

    char out[NAME_BUF];
    dj_error err;
    cr_assert_eq(dj_class_to_table(cls, DJ_TIER_IMPORTED, NULL, out, sizeof out, &err), DJ_ENAME);
    cr_assert(strstr(err.message, "exceeds the max length of 64") != NULL, "%s", err.message);
    cr_assert_str_eq(out, "");
}

Test(class_to_table, prefix_and_part_count_toward_the_limit)
{
    char cls[NAME_BUF];
    char out[NAME_BUF];
    dj_error err;
    /* "__" + 62 characters = 64. */
    strcpy(cls, "A");
    repeat(cls + 1, "b", 61);
    cr_assert_eq(dj_class_to_table(cls, DJ_TIER_COMPUTED, NULL, out, sizeof out, &err), 0);
    cr_assert_eq(strlen(out), 64);
    /* "session__" (9) + 56 = 65. */
    strcpy(cls, "A");
    repeat(cls + 1, "b", 55);
    cr_assert_eq(dj_class_to_table(cls, DJ_TIER_PART, "Session", out, sizeof out, &err),
                 DJ_ENAME);
    /* CamelCase humps add underscores: 33 capitals become 65 characters. */
    repeat(cls, "A", 33);
    cr_assert_eq(dj_class_to_table(cls, DJ_TIER_MANUAL, NULL, out, sizeof out, &err), DJ_ENAME);
}

Test(class_to_table, very_long_class_name_rejected_without_overflow)
{
    char cls[1001];
    cls[0] = 'A';
    memset(cls + 1, 'B', 999);
    cls[1000] = '\0';
    expect_class_error(cls, DJ_TIER_LOOKUP, NULL, DJ_ENAME);
}

Test(class_to_table, null_error_pointer_is_allowed)
{
    char out[NAME_BUF];
    cr_assert_eq(dj_class_to_table("bad", DJ_TIER_MANUAL, NULL, out, sizeof out, NULL), DJ_ENAME);
    cr_assert_eq(dj_class_to_table("Good", DJ_TIER_MANUAL, NULL, out, sizeof out, NULL), 0);
}

/* ---- tier recognition ---- */

Test(table_tier, master_tiers_by_prefix)
{
    expect_tier("session", DJ_TIER_MANUAL);
    expect_tier("session_trial", DJ_TIER_MANUAL);
    expect_tier("table2_name", DJ_TIER_MANUAL);
    expect_tier("#subject_type", DJ_TIER_LOOKUP);
    expect_tier("_scan", DJ_TIER_IMPORTED);
    expect_tier("__spikes", DJ_TIER_COMPUTED);
}

Test(table_tier, parts_of_every_master_tier)
{
    expect_tier("session__trial", DJ_TIER_PART);
    expect_tier("#lookup__part", DJ_TIER_PART);
    expect_tier("#a__b", DJ_TIER_PART);
    expect_tier("_imported__part", DJ_TIER_PART);
    expect_tier("__computed__part", DJ_TIER_PART);
    expect_tier("__spikes__unit", DJ_TIER_PART);
    expect_tier("_scan__field_of_view", DJ_TIER_PART);
}

Test(table_tier, hidden_tables)
{
    expect_tier("~log", DJ_TIER_HIDDEN);
    expect_tier("~jobs", DJ_TIER_HIDDEN);
    expect_tier("~external_store", DJ_TIER_HIDDEN);
    expect_tier("~~spikes", DJ_TIER_HIDDEN);
    expect_tier("~lineage", DJ_TIER_HIDDEN);
}

Test(table_tier, prefixes_alone_are_unknown)
{
    expect_tier("", DJ_TIER_UNKNOWN);
    expect_tier(NULL, DJ_TIER_UNKNOWN);
    expect_tier("_", DJ_TIER_UNKNOWN);
    expect_tier("__", DJ_TIER_UNKNOWN);
    expect_tier("___", DJ_TIER_UNKNOWN);
    expect_tier("#", DJ_TIER_UNKNOWN);
    expect_tier("~", DJ_TIER_UNKNOWN);
}

Test(table_tier, names_outside_the_base_regex_are_unknown)
{
    const char *names[] = {"a__",      "a__b__c", "x__y__z", "session_2", "Session", "a_",
                           "_a_",      "___a",    "#_a",     "#__a",      "a-b",     "a b",
                           "a___b",    "1abc",    "a__1",    "#a__#b",    "a__b_",   "_2",
                           "__a__b__", "sEssion", "caf\xc3\xa9", "a$"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(names); i++)
        expect_tier(names[i], DJ_TIER_UNKNOWN);
}

/* ---- table -> class ---- */

Test(table_to_class, reference_examples)
{
    expect_class("#lookup_table", "LookupTable");
    expect_class("__computed_thing", "ComputedThing");
    expect_class("r_g_b_image", "RGBImage");
    expect_class("scan3_d", "Scan3D");
    expect_class("subject_type", "SubjectType");
    expect_class("session", "Session");
    expect_class("session_trial", "SessionTrial");
    expect_class("table2_name", "Table2Name");
    expect_class("my_h_t_t_p_server", "MyHTTPServer");
    expect_class("_scan", "Scan");
}

Test(table_to_class, parts_become_master_dot_part)
{
    expect_class("session__trial", "Session.Trial");
    expect_class("#subject_type__x", "SubjectType.X");
    expect_class("__spikes__unit", "Spikes.Unit");
    expect_class("_scan__field_of_view", "Scan.FieldOfView");
    expect_class("r_g_b_image__a_b", "RGBImage.AB");
}

Test(table_to_class, hidden_and_unknown_tables_have_no_class)
{
    const char *names[] = {"~log", "~jobs", "session_2", "", "a__b__c", "Session"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(names); i++) {
        char out[NAME_BUF] = "garbage";
        dj_error err;
        cr_assert_eq(dj_table_to_class(names[i], out, sizeof out, &err), DJ_ENAME, "`%s`",
                     names[i]);
        cr_assert_str_eq(out, "");
    }
    dj_error err;
    char out[NAME_BUF];
    dj_table_to_class("session_2", out, sizeof out, &err);
    cr_assert(strstr(err.message, "naming conventions") != NULL, "%s", err.message);
}

Test(table_to_class, small_buffer_is_too_big_and_exact_fit_works)
{
    char out[16] = "garbage";
    dj_error err;
    /* "SubjectType" needs 12 bytes. */
    cr_assert_eq(dj_table_to_class("#subject_type", out, 11, &err), DJ_ETOOBIG);
    cr_assert_str_eq(out, "");
    cr_assert_eq(dj_table_to_class("#subject_type", out, 12, &err), 0);
    cr_assert_str_eq(out, "SubjectType");
    cr_assert_eq(dj_table_to_class("session", out, 0, &err), DJ_ETOOBIG);
    cr_assert_eq(dj_table_to_class(NULL, out, sizeof out, &err), DJ_EINVAL);
}

/* ---- round trips ---- */

Test(round_trip, class_to_table_to_class_in_every_master_tier)
{
    const char *classes[] = {"Session", "SessionTrial", "RGBImage", "Table2Name", "Scan3D",
                             "MyHTTPServer", "A", "A1B2C3", "ABC", "Table2name", "X9"};
    const dj_tier tiers[] = {DJ_TIER_MANUAL, DJ_TIER_LOOKUP, DJ_TIER_IMPORTED, DJ_TIER_COMPUTED};
    for (size_t t = 0; t < DJ__ARRAY_LEN(tiers); t++) {
        for (size_t i = 0; i < DJ__ARRAY_LEN(classes); i++) {
            char table[NAME_BUF], back[NAME_BUF];
            cr_assert_eq(dj_class_to_table(classes[i], tiers[t], NULL, table, sizeof table, NULL), 0);
            cr_assert_eq(dj_table_tier(table), tiers[t], "%s", table);
            cr_assert_eq(dj_table_to_class(table, back, sizeof back, NULL), 0);
            cr_assert_str_eq(back, classes[i]);
        }
    }
}

Test(round_trip, part_class_to_table_to_class)
{
    const char *masters[] = {"session", "#subject_type", "_scan", "__spikes"};
    const char *master_classes[] = {"Session", "SubjectType", "Scan", "Spikes"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(masters); i++) {
        char table[NAME_BUF], back[NAME_BUF], want[NAME_BUF];
        cr_assert_eq(dj_class_to_table("FieldOfView", DJ_TIER_PART, masters[i], table,
                                       sizeof table, NULL), 0);
        cr_assert_eq(dj_table_tier(table), DJ_TIER_PART, "%s", table);
        cr_assert_eq(dj_table_to_class(table, back, sizeof back, NULL), 0);
        snprintf(want, sizeof want, "%s.FieldOfView", master_classes[i]);
        cr_assert_str_eq(back, want);
    }
}

Test(round_trip, table_to_class_to_table)
{
    const char *tables[] = {"session", "session_trial", "r_g_b_image", "scan3_d", "table2name",
                            "a1_b2", "#subject_type", "_scan", "__spikes", "__a_b_c"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(tables); i++) {
        char cls[NAME_BUF], back[NAME_BUF];
        dj_tier tier = dj_table_tier(tables[i]);
        cr_assert_eq(dj_table_to_class(tables[i], cls, sizeof cls, NULL), 0);
        cr_assert_eq(dj_class_to_table(cls, tier, NULL, back, sizeof back, NULL), 0);
        cr_assert_str_eq(back, tables[i]);
    }
}

/* ---- schema names ---- */

Test(schema_name, empty_and_null_rejected)
{
    dj_error err;
    cr_assert_eq(dj_schema_name_check("", 0, &err), DJ_ENAME);
    cr_assert_str_eq(err.message, "schema name is empty");
    cr_assert_eq(dj_schema_name_check(NULL, 0, &err), DJ_ENAME);
    cr_assert_str_eq(err.message, "schema name is empty");
    cr_assert_eq(dj_schema_name_check("", 1, NULL), DJ_ENAME);
}

Test(schema_name, ascii_limit_is_sixty_four_characters)
{
    char name[NAME_BUF];
    repeat(name, "a", 64);
    expect_name_ok(name, 0);
    expect_name_ok(name, 1);
    repeat(name, "a", 65);
    expect_name_rejected(name, 0, "64");
}

Test(schema_name, limit_counts_characters_not_bytes)
{
    char name[512];
    repeat(name, "\xc3\xa9", 64); /* 64 x e-acute, 128 bytes */
    expect_name_ok(name, 0);
    repeat(name, "\xc3\xa9", 65);
    expect_name_rejected(name, 0, "64");
    repeat(name, "\xe2\x82\xac", 64); /* 64 x euro sign, 192 bytes */
    expect_name_ok(name, 0);
    repeat(name, "\xf0\x9f\x90\x81", 64); /* 4-byte characters: the server decides */
    expect_name_ok(name, 0);
    repeat(name, "\xf0\x9f\x90\x81", 65);
    expect_name_rejected(name, 0, "64");
}

Test(schema_name, invalid_utf8_rejected)
{
    const char *bad[] = {
        "a\x80" "b",           /* lone continuation byte */
        "ab\xc3",              /* truncated two-byte sequence */
        "\xc3(",               /* bad continuation */
        "\xc0\xaf",            /* overlong '/' */
        "\xe0\x80\xaf",        /* overlong three-byte */
        "\xed\xa0\x80",        /* UTF-16 surrogate */
        "\xf4\x90\x80\x80",    /* above U+10FFFF */
        "\xf0\x8f\xbf\xbf",    /* overlong four-byte */
        "\xe2\x82",            /* truncated three-byte */
        "x\xff",
        "\xfe",
    };
    for (size_t i = 0; i < DJ__ARRAY_LEN(bad); i++)
        expect_name_rejected(bad[i], 0, "UTF-8");
}

Test(schema_name, datajoint_python_names_accepted_in_default_mode)
{
    const char *names[] = {"Upper",        "MixedCase_DB", "123",      "1lab",    "a-b",
                           "a$b",          "lab name",     "it's",     "a\"b",    "back`tick",
                           "back\\slash",  "50%",          "_private", "x;y",     "caf\xc3\xa9",
                           "na\xc3\xafve", "trailing ",    " leading", "\xe6\x97\xa5\xe6\x9c\xac",
                           "--",           "a/b",          "~tilde"};
    for (size_t i = 0; i < DJ__ARRAY_LEN(names); i++)
        expect_name_ok(names[i], 0);
}

Test(schema_name, strict_mode_accepts_matlab_names)
{
    expect_name_ok("lab_ephys", 1);
    expect_name_ok("a-b", 1);
    expect_name_ok("a1", 1);
    expect_name_ok("z", 1);
    expect_name_ok("a_-_9", 1);
}

Test(schema_name, strict_mode_rejects_with_the_rule_broken)
{
    expect_name_rejected("Lab", 1, "must begin with a lowercase letter");
    expect_name_rejected("1lab", 1, "must begin with a lowercase letter");
    expect_name_rejected("_lab", 1, "must begin with a lowercase letter");
    expect_name_rejected("-lab", 1, "must begin with a lowercase letter");
    expect_name_rejected("labName", 1, "at byte 3");
    expect_name_rejected("lab name", 1, "'_' or '-'");
    expect_name_rejected("caf\xc3\xa9", 1, "at byte 3");
    expect_name_rejected("lab$", 1, "^[a-z][a-z0-9_-]*$");
}

Test(name_check_len, embedded_nul_rejected)
{
    dj_error err;
    cr_assert_eq(dj__name_check_len("ab\0cd", 5, "schema", 0, &err), DJ_ENAME);
    cr_assert(strstr(err.message, "NUL") != NULL, "%s", err.message);
    cr_assert_eq(dj__name_check_len("\0", 1, "schema", 0, &err), DJ_ENAME);
}

Test(name_check_len, reads_only_len_bytes)
{
    char name[4] = {'a', 'b', 'c', 'd'}; /* not NUL-terminated */
    cr_assert_eq(dj__name_check_len(name, 3, "schema", 1, NULL), 0);
    cr_assert_eq(dj__name_check_len(name, 4, "schema", 1, NULL), 0);
    /* A multibyte character cut by len is invalid, not read beyond. */
    const char cut[] = "a\xc3\xa9";
    cr_assert_eq(dj__name_check_len(cut, 2, "schema", 0, NULL), DJ_ENAME);
}

Test(name_check_len, message_names_the_kind_of_name)
{
    dj_error err;
    cr_assert_eq(dj__name_check_len("x", 0, "table", 0, &err), DJ_ENAME);
    cr_assert_str_eq(err.message, "table name is empty");
    cr_assert_eq(dj__name_check_len(NULL, 0, NULL, 0, &err), DJ_ENAME);
    cr_assert_str_eq(err.message, "object name is empty");
}
