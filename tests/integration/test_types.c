/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_types.c - every column type the text protocol carries, read back
 * from a real server: the exact text the server sends, the column metadata,
 * NULL versus empty, results without rows or without columns, several
 * result sets, server errors and the connection state around them, and
 * escaping of every byte value.
 */
#include "itest.h"

/* Collation id of binary strings and of every non-string column. */
#define BINARY_CHARSET 63
/* utf8mb4_general_ci, the collation the test tables declare explicitly. */
#define UTF8MB4_GENERAL_CI 45

static const char grusse[] = "Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89";

/* A connection whose default database is a fresh schema of this process. */
typedef struct fixture {
    dj_conn *conn;
    char schema[64];
} fixture;

static void fixture_open_cfg(fixture *f, const dj_config *cfg)
{
    char sql[160];
    dj_error err;
    f->conn = itest_connect_cfg(cfg);
    itest_unique_name(f->schema, sizeof f->schema, "types");
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", f->schema);
    itest_exec(f->conn, sql);
    int rc = dj_select_db(f->conn, f->schema, &err);
    cr_assert_eq(rc, 0, "selecting %s failed: %s", f->schema, err.message);
}

static void fixture_open(fixture *f)
{
    dj_config cfg;
    itest_config(&cfg);
    fixture_open_cfg(f, &cfg);
}

static void fixture_close(fixture *f)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", f->schema);
    itest_exec(f->conn, sql);
    dj_close(f->conn);
}

/* Opens a query that must succeed and produce a result set. */
static dj_result *query_ok(dj_conn *c, const char *sql)
{
    dj_result *res = NULL;
    dj_error err;
    int rc = dj_query(c, sql, strlen(sql), &res, &err);
    cr_assert_eq(rc, 0, "%s failed: %d %s", sql, rc, err.message);
    cr_assert_not_null(res);
    return res;
}

/* Fetches a row that must be there. */
static const dj_value *fetch_row(dj_result *res)
{
    const dj_value *v = NULL;
    dj_error err;
    int rc = dj_result_fetch(res, &v, &err);
    cr_assert_eq(rc, 1, "expected a row, fetch returned %d (%s)", rc, err.message);
    cr_assert_not_null(v);
    return v;
}

static void expect_end(dj_result *res)
{
    const dj_value *v = NULL;
    dj_error err;
    int rc = dj_result_fetch(res, &v, &err);
    cr_assert_eq(rc, 0, "expected the end of the rows, fetch returned %d (%s)", rc, err.message);
    cr_assert_eq(dj_result_close(res, &err), 0, "close failed: %s", err.message);
}

static void expect_text(const dj_value *v, const char *what, const char *text)
{
    size_t n = strlen(text);
    cr_assert_not_null(v->ptr, "%s: NULL, expected \"%s\"", what, text);
    cr_assert(v->len == n && memcmp(v->ptr, text, n) == 0,
              "%s: got \"%.*s\" (%zu bytes), expected \"%s\" (%zu bytes)", what, (int)v->len,
              v->ptr, v->len, text, n);
}

static void expect_bytes(const dj_value *v, const char *what, const void *bytes, size_t n)
{
    cr_assert_not_null(v->ptr, "%s: NULL", what);
    cr_assert_eq(v->len, n, "%s: %zu bytes, expected %zu", what, v->len, n);
    cr_assert(memcmp(v->ptr, bytes, n) == 0, "%s: bytes differ", what);
}

/* Metadata of one column: every flag of must_have present, and the
 * UNSIGNED flag present exactly when is_unsigned is set. */
typedef struct column_spec {
    const char *name;
    uint8_t type;
    uint16_t charset;
    uint16_t must_have;
    int is_unsigned;
    uint8_t decimals;
} column_spec;

static void expect_column(const dj_result *res, unsigned i, const char *schema,
                          const column_spec *spec)
{
    const dj_column *col = dj_result_column(res, i);
    cr_assert_not_null(col, "column %u missing", i);
    cr_assert_str_eq(col->name, spec->name);
    cr_assert_str_eq(col->org_name, spec->name);
    cr_assert_str_eq(col->table, "t");
    cr_assert_str_eq(col->org_table, "t");
    cr_assert_str_eq(col->schema, schema);
    cr_assert_eq(col->type, spec->type, "%s: type %u, expected %u", spec->name, col->type,
                 spec->type);
    cr_assert_eq(col->charset, spec->charset, "%s: charset %u, expected %u", spec->name,
                 col->charset, spec->charset);
    cr_assert_eq(col->flags & spec->must_have, spec->must_have, "%s: flags 0x%x lack 0x%x",
                 spec->name, col->flags, spec->must_have);
    cr_assert_eq((col->flags & DJ_FLAG_UNSIGNED) != 0, spec->is_unsigned != 0,
                 "%s: flags 0x%x, unsigned expected %d", spec->name, col->flags,
                 spec->is_unsigned);
    cr_assert_eq(col->decimals, spec->decimals, "%s: decimals %u, expected %u", spec->name,
                 col->decimals, spec->decimals);
}

static void expect_columns(const dj_result *res, const char *schema, const column_spec *specs,
                           unsigned n)
{
    cr_assert_eq(dj_result_column_count(res), n);
    for (unsigned i = 0; i < n; i++)
        expect_column(res, i, schema, &specs[i]);
    cr_assert_null(dj_result_column(res, n), "a column past the end must be NULL");
}

/* Runs a statement that must fail with this server errno, then checks that
 * the connection still answers. */
static void expect_server_error(dj_conn *c, const char *sql, unsigned server_errno,
                                const char *sqlstate, dj_error_kind kind)
{
    dj_error err;
    int rc = dj_exec(c, sql, NULL, &err);
    cr_assert_eq(rc, DJ_ESERVER, "%s: returned %d (%s), expected DJ_ESERVER", sql, rc,
                 err.message);
    cr_assert_eq(err.code, DJ_ESERVER);
    cr_assert_eq(err.server_errno, server_errno, "%s: errno %u (%s), expected %u", sql,
                 err.server_errno, err.message, server_errno);
    cr_assert_str_eq(err.sqlstate, sqlstate);
    cr_assert_eq(err.kind, kind, "%s: kind %d, expected %d", sql, err.kind, kind);
    cr_assert_neq(err.message[0], '\0', "the server's message must be kept");
    cr_assert_eq(dj_is_connected(c), 1);
    char out[8];
    rc = dj_query_value(c, "SELECT 41+1", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "connection unusable after error %u: %s", server_errno, err.message);
    cr_assert_str_eq(out, "42");
}

Test(types, integers_keep_their_extremes_and_unsigned_flag)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, "
                       "su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED, ii INT, "
                       "iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, k INT PRIMARY KEY)");
    itest_exec(f.conn, "INSERT INTO t VALUES (-128, 0, -32768, 0, -8388608, 0, -2147483648, 0, "
                       "-9223372036854775808, 0, 1), (127, 255, 32767, 65535, 8388607, "
                       "16777215, 2147483647, 4294967295, 9223372036854775807, "
                       "18446744073709551615, 2)");
    dj_result *res = query_ok(f.conn, "SELECT ti, tu, si, su, mi, mu, ii, iu, bi, bu FROM t "
                                      "ORDER BY k");
    const column_spec specs[] = {
        {"ti", DJ_TYPE_TINY, BINARY_CHARSET, 0, 0, 0},
        {"tu", DJ_TYPE_TINY, BINARY_CHARSET, 0, 1, 0},
        {"si", DJ_TYPE_SHORT, BINARY_CHARSET, 0, 0, 0},
        {"su", DJ_TYPE_SHORT, BINARY_CHARSET, 0, 1, 0},
        {"mi", DJ_TYPE_INT24, BINARY_CHARSET, 0, 0, 0},
        {"mu", DJ_TYPE_INT24, BINARY_CHARSET, 0, 1, 0},
        {"ii", DJ_TYPE_LONG, BINARY_CHARSET, 0, 0, 0},
        {"iu", DJ_TYPE_LONG, BINARY_CHARSET, 0, 1, 0},
        {"bi", DJ_TYPE_LONGLONG, BINARY_CHARSET, 0, 0, 0},
        {"bu", DJ_TYPE_LONGLONG, BINARY_CHARSET, 0, 1, 0},
    };
    expect_columns(res, f.schema, specs, 10);
    static const char *const low[] = {"-128", "0", "-32768", "0", "-8388608", "0",
                                      "-2147483648", "0", "-9223372036854775808", "0"};
    static const char *const high[] = {"127", "255", "32767", "65535", "8388607", "16777215",
                                       "2147483647", "4294967295", "9223372036854775807",
                                       "18446744073709551615"};
    const dj_value *v = fetch_row(res);
    for (unsigned i = 0; i < 10; i++)
        expect_text(&v[i], specs[i].name, low[i]);
    v = fetch_row(res);
    for (unsigned i = 0; i < 10; i++)
        expect_text(&v[i], specs[i].name, high[i]);
    expect_end(res);
    fixture_close(&f);
}

Test(types, decimal_float_and_double_come_back_as_the_server_prints_them)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (de DECIMAL(65,30), d2 DECIMAL(5,2) UNSIGNED, fl FLOAT, "
                       "db DOUBLE)");
    itest_exec(f.conn, "INSERT INTO t VALUES ("
                       "-12345678901234567890123456789012345.123456789012345678901234567891, "
                       "999.99, -3.40282e38, 1.7976931348623157e308)");
    dj_result *res = query_ok(f.conn, "SELECT de, d2, fl, db FROM t");
    /* 31 is the server's "not fixed" marker for FLOAT/DOUBLE without (M,D). */
    const column_spec specs[] = {
        {"de", DJ_TYPE_NEWDECIMAL, BINARY_CHARSET, 0, 0, 30},
        {"d2", DJ_TYPE_NEWDECIMAL, BINARY_CHARSET, 0, 1, 2},
        {"fl", DJ_TYPE_FLOAT, BINARY_CHARSET, 0, 0, 31},
        {"db", DJ_TYPE_DOUBLE, BINARY_CHARSET, 0, 0, 31},
    };
    expect_columns(res, f.schema, specs, 4);
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "de", "-12345678901234567890123456789012345.123456789012345678901234567891");
    expect_text(&v[1], "d2", "999.99");
    expect_text(&v[2], "fl", "-3.40282e38");
    expect_text(&v[3], "db", "1.7976931348623157e308");
    expect_end(res);
    fixture_close(&f);
}

Test(types, temporal_types_keep_range_ends_and_fractional_seconds)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (da DATE, tm TIME(6), dt DATETIME(6), "
                       "ts TIMESTAMP(3) NULL, yr YEAR, k INT PRIMARY KEY)");
    itest_exec(f.conn, "SET time_zone = '+00:00'");
    itest_exec(f.conn, "INSERT INTO t VALUES ('1000-01-01', '-838:59:59.000000', "
                       "'1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', 1901, 1), "
                       "('9999-12-31', '838:59:59.999999', '9999-12-31 23:59:59.999999', "
                       "'2038-01-19 03:14:07.999', 2155, 2)");
    dj_result *res = query_ok(f.conn, "SELECT da, tm, dt, ts, yr FROM t ORDER BY k");
    const column_spec specs[] = {
        {"da", DJ_TYPE_DATE, BINARY_CHARSET, 0, 0, 0},
        {"tm", DJ_TYPE_TIME, BINARY_CHARSET, 0, 0, 6},
        {"dt", DJ_TYPE_DATETIME, BINARY_CHARSET, 0, 0, 6},
        {"ts", DJ_TYPE_TIMESTAMP, BINARY_CHARSET, 0, 1, 3},
        {"yr", DJ_TYPE_YEAR, BINARY_CHARSET, DJ_FLAG_ZEROFILL, 1, 0},
    };
    expect_columns(res, f.schema, specs, 5);
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "da", "1000-01-01");
    expect_text(&v[1], "tm", "-838:59:59.000000");
    expect_text(&v[2], "dt", "1000-01-01 00:00:00.000000");
    expect_text(&v[3], "ts", "1970-01-01 00:00:01.000");
    expect_text(&v[4], "yr", "1901");
    v = fetch_row(res);
    expect_text(&v[0], "da", "9999-12-31");
    expect_text(&v[1], "tm", "838:59:59.999999");
    expect_text(&v[2], "dt", "9999-12-31 23:59:59.999999");
    expect_text(&v[3], "ts", "2038-01-19 03:14:07.999");
    expect_text(&v[4], "yr", "2155");
    expect_end(res);
    fixture_close(&f);
}

Test(types, utf8mb4_strings_keep_multibyte_characters_and_emoji)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (ch CHAR(20), vc VARCHAR(20), tx TEXT) "
                       "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO t VALUES ('%s', '%s', '%s')", grusse, grusse, grusse);
    itest_exec(f.conn, sql);
    dj_result *res = query_ok(f.conn, "SELECT ch, vc, tx, CHAR_LENGTH(tx) AS n FROM t");
    const column_spec specs[] = {
        {"ch", DJ_TYPE_STRING, UTF8MB4_GENERAL_CI, 0, 0, 0},
        {"vc", DJ_TYPE_VAR_STRING, UTF8MB4_GENERAL_CI, 0, 0, 0},
        {"tx", DJ_TYPE_BLOB, UTF8MB4_GENERAL_CI, DJ_FLAG_BLOB, 0, 0},
    };
    cr_assert_eq(dj_result_column_count(res), 4);
    for (unsigned i = 0; i < 3; i++)
        expect_column(res, i, f.schema, &specs[i]);
    cr_assert_eq(dj_result_column(res, 2)->flags & DJ_FLAG_BINARY, 0, "TEXT is not binary");
    /* 4 bytes per character is the utf8mb4 column width. */
    cr_assert_eq(dj_result_column(res, 0)->length, 80u);
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "ch", grusse);
    expect_text(&v[1], "vc", grusse);
    expect_text(&v[2], "tx", grusse);
    /* G r u-umlaut sharp-s e, space, two ideographs, space, emoji: 10
     * characters in 19 bytes. */
    expect_text(&v[3], "char_length", "10");
    expect_end(res);
    fixture_close(&f);
}

Test(types, blob_returns_all_256_byte_values_including_nul)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (bl BLOB, vb VARBINARY(300))");
    unsigned char all[256];
    char sql[600];
    int n = snprintf(sql, sizeof sql, "INSERT INTO t (bl) VALUES (X'");
    for (unsigned i = 0; i < 256; i++) {
        all[i] = (unsigned char)i;
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%02X", i);
    }
    snprintf(sql + n, sizeof sql - (size_t)n, "')");
    itest_exec(f.conn, sql);
    itest_exec(f.conn, "UPDATE t SET vb = REVERSE(bl)");
    dj_result *res = query_ok(f.conn, "SELECT bl, vb FROM t");
    const column_spec specs[] = {
        {"bl", DJ_TYPE_BLOB, BINARY_CHARSET, DJ_FLAG_BLOB | DJ_FLAG_BINARY, 0, 0},
        {"vb", DJ_TYPE_VAR_STRING, BINARY_CHARSET, DJ_FLAG_BINARY, 0, 0},
    };
    expect_columns(res, f.schema, specs, 2);
    const dj_value *v = fetch_row(res);
    expect_bytes(&v[0], "bl", all, sizeof all);
    unsigned char reversed[256];
    for (unsigned i = 0; i < 256; i++)
        reversed[i] = (unsigned char)(255 - i);
    expect_bytes(&v[1], "vb", reversed, sizeof reversed);
    expect_end(res);
    fixture_close(&f);
}

Test(types, enum_set_bit_and_json_columns)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (en ENUM('alpha','beta'), st SET('x','y','z'), "
                       "b1 BIT(1), b64 BIT(64), js JSON) "
                       "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    itest_exec(f.conn, "INSERT INTO t VALUES ('beta', 'z,x', b'1', 0x8000000000000001, "
                       "'{\"k\": [1, \"\xC3\xBC\"]}')");
    dj_result *res = query_ok(f.conn, "SELECT en, st, b1, b64, js FROM t");
    const column_spec specs[] = {
        {"en", DJ_TYPE_STRING, UTF8MB4_GENERAL_CI, DJ_FLAG_ENUM, 0, 0},
        {"st", DJ_TYPE_STRING, UTF8MB4_GENERAL_CI, DJ_FLAG_SET, 0, 0},
        {"b1", DJ_TYPE_BIT, BINARY_CHARSET, 0, 1, 0},
        {"b64", DJ_TYPE_BIT, BINARY_CHARSET, 0, 1, 0},
    };
    cr_assert_eq(dj_result_column_count(res), 5);
    for (unsigned i = 0; i < 4; i++)
        expect_column(res, i, f.schema, &specs[i]);
    cr_assert_eq(dj_result_column(res, 2)->length, 1u);
    cr_assert_eq(dj_result_column(res, 3)->length, 64u);
    /* MariaDB's JSON is LONGTEXT with a check: a text blob, not binary. */
    const dj_column *js = dj_result_column(res, 4);
    cr_assert_str_eq(js->name, "js");
    cr_assert_eq(js->type, DJ_TYPE_BLOB, "json type %u", js->type);
    cr_assert_neq(js->charset, BINARY_CHARSET);

    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "en", "beta");
    expect_text(&v[1], "st", "x,z");
    expect_bytes(&v[2], "b1", "\x01", 1);
    expect_bytes(&v[3], "b64", "\x80\x00\x00\x00\x00\x00\x00\x01", 8);
    expect_text(&v[4], "js", "{\"k\": [1, \"\xC3\xBC\"]}");
    expect_end(res);
    fixture_close(&f);
}

Test(types, null_and_empty_string_are_told_apart)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (a VARCHAR(10), b VARCHAR(10), c BLOB, d BLOB, e INT)");
    itest_exec(f.conn, "INSERT INTO t VALUES (NULL, '', NULL, '', NULL)");
    dj_result *res = query_ok(f.conn, "SELECT a, b, c, d, e FROM t");
    const dj_value *v = fetch_row(res);
    cr_assert_null(v[0].ptr, "NULL varchar must have ptr == NULL");
    cr_assert_not_null(v[1].ptr, "'' must have ptr != NULL");
    cr_assert_eq(v[1].len, 0u);
    cr_assert_null(v[2].ptr);
    cr_assert_not_null(v[3].ptr);
    cr_assert_eq(v[3].len, 0u);
    cr_assert_null(v[4].ptr);
    expect_end(res);

    /* dj_query_value tells the two apart as well. */
    char out[8] = "junk";
    int is_null = -1;
    dj_error err;
    int rc = dj_query_value(f.conn, "SELECT a FROM t", out, sizeof out, &is_null, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    cr_assert_eq(is_null, 1);
    rc = dj_query_value(f.conn, "SELECT b FROM t", out, sizeof out, &is_null, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    cr_assert_eq(is_null, 0);
    cr_assert_str_eq(out, "");
    fixture_close(&f);
}

Test(types, zero_row_result_keeps_column_metadata)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (id INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(8))");
    dj_result *res = query_ok(f.conn, "SELECT id, name FROM t WHERE id > 5");
    cr_assert_eq(dj_result_column_count(res), 2);
    const dj_column *id = dj_result_column(res, 0);
    cr_assert_str_eq(id->name, "id");
    cr_assert_eq(id->type, DJ_TYPE_LONG);
    cr_assert_eq(id->flags & (DJ_FLAG_NOT_NULL | DJ_FLAG_PRIMARY_KEY | DJ_FLAG_UNSIGNED),
                 DJ_FLAG_NOT_NULL | DJ_FLAG_PRIMARY_KEY | DJ_FLAG_UNSIGNED);
    cr_assert_str_eq(dj_result_column(res, 1)->name, "name");
    expect_end(res);

    /* dj_query_value reports "no row" as 0 with an empty output. */
    char out[8] = "junk";
    dj_error err;
    int rc = dj_query_value(f.conn, "SELECT id FROM t", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 0, "%d %s", rc, err.message);
    cr_assert_str_eq(out, "");
    fixture_close(&f);
}

Test(types, statements_without_columns_give_a_zero_column_result)
{
    dj_conn *c = itest_connect();
    static const char *const stmts[] = {"DO 1", "SET @a = 1"};
    for (unsigned i = 0; i < 2; i++) {
        dj_result *res = query_ok(c, stmts[i]);
        cr_assert_eq(dj_result_column_count(res), 0, "%s", stmts[i]);
        cr_assert_null(dj_result_column(res, 0));
        const dj_result_info *info = dj_result_info_get(res);
        cr_assert_not_null(info);
        cr_assert_eq(info->affected_rows, 0u);
        cr_assert_eq(info->warnings, 0u);
        cr_assert(info->status & DJ_STATUS_AUTOCOMMIT, "status 0x%x", info->status);
        cr_assert_eq(info->status & DJ_STATUS_MORE_RESULTS, 0);
        dj_value sentinel = {"x", 1};
        const dj_value *v = &sentinel;
        dj_error err;
        cr_assert_eq(dj_result_fetch(res, &v, &err), 0, "a statement has no rows");
        cr_assert_null(v);
        cr_assert_eq(dj_result_next_set(res, &err), 0);
        cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    }
    char out[8];
    dj_error err;
    cr_assert_eq(dj_query_value(c, "SELECT @a", out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "1");
    dj_close(c);
}

Test(types, insert_update_report_affected_rows_ids_and_warnings)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
    dj_result_info info;
    dj_error err;
    int rc = dj_exec(f.conn, "INSERT INTO t (v) VALUES (10), (20), (30)", &info, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(info.affected_rows, 3u);
    /* A multi-row INSERT reports the id of its first row. */
    cr_assert_eq(info.last_insert_id, 1u);
    cr_assert_eq(info.warnings, 0u);

    rc = dj_exec(f.conn, "INSERT INTO t (v) VALUES (40)", &info, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(info.last_insert_id, 4u);

    /* Rows already holding the new value do not count as affected. */
    rc = dj_exec(f.conn, "UPDATE t SET v = 20 WHERE v <= 20", &info, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(info.affected_rows, 1u);
    cr_assert_eq(info.last_insert_id, 0u);

    rc = dj_exec(f.conn, "INSERT IGNORE INTO t (id, v) VALUES (1, 0), (9, 90)", &info, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(info.affected_rows, 1u, "only the new row is inserted");
    cr_assert_eq(info.warnings, 1u, "the duplicate is a warning");
    char out[16];
    cr_assert_eq(dj_query_value(f.conn, "SELECT @@warning_count", out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "1");
    fixture_close(&f);
}

/* CALL of a procedure with two SELECTs: each result set in turn, then the
 * procedure's own OK. */
static void procedure_result_sets(int compress)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.compress = compress;
    fixture f;
    fixture_open_cfg(&f, &cfg);
    cr_assert_eq(dj_compression_active(f.conn), compress);
    itest_exec(f.conn, "CREATE PROCEDURE two_sets() BEGIN "
                       "SELECT 1 AS a; SELECT 'x' AS b, 2 AS c UNION ALL SELECT 'y', 3; END");
    dj_error err;
    dj_result *res = query_ok(f.conn, "CALL two_sets()");
    cr_assert_eq(dj_result_column_count(res), 1);
    cr_assert_str_eq(dj_result_column(res, 0)->name, "a");
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "a", "1");
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0);
    cr_assert(dj_result_info_get(res)->status & DJ_STATUS_MORE_RESULTS);

    cr_assert_eq(dj_result_next_set(res, &err), 1, "%s", err.message);
    cr_assert_eq(dj_result_column_count(res), 2);
    cr_assert_str_eq(dj_result_column(res, 0)->name, "b");
    cr_assert_str_eq(dj_result_column(res, 1)->name, "c");
    v = fetch_row(res);
    expect_text(&v[0], "b", "x");
    expect_text(&v[1], "c", "2");
    v = fetch_row(res);
    expect_text(&v[0], "b", "y");
    expect_text(&v[1], "c", "3");
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0);

    /* The procedure's own status comes as a last, column-less result. */
    cr_assert_eq(dj_result_next_set(res, &err), 1, "%s", err.message);
    cr_assert_eq(dj_result_column_count(res), 0);
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0);
    cr_assert_eq(dj_result_info_get(res)->status & DJ_STATUS_MORE_RESULTS, 0);
    cr_assert_eq(dj_result_next_set(res, &err), 0);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);

    /* Closing in the middle skips the remaining sets; dj_exec does it too. */
    res = query_ok(f.conn, "CALL two_sets()");
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    cr_assert_eq(dj_exec(f.conn, "CALL two_sets()", NULL, &err), 0, "%s", err.message);
    char out[8];
    cr_assert_eq(dj_query_value(f.conn, "SELECT 7", out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "7");
    fixture_close(&f);
}

Test(types, procedure_returns_two_result_sets_then_the_final_ok)
{
    procedure_result_sets(0);
}

/* Between result sets the server flushes, and under compression its packet
 * ids restart from the frame count there. */
Test(types, procedure_result_sets_over_the_compressed_protocol)
{
    if (itest_compression_refused())
        return;
    procedure_result_sets(1);
}

Test(types, syntax_error_is_1064_and_the_connection_survives)
{
    dj_conn *c = itest_connect();
    expect_server_error(c, "SELEC 1", 1064, "42000", DJ_KIND_SYNTAX);
    dj_close(c);
}

Test(types, unknown_database_is_1049_for_select_db_and_use)
{
    dj_conn *c = itest_connect();
    char missing[64];
    itest_unique_name(missing, sizeof missing, "missing");
    dj_error err;
    int rc = dj_select_db(c, missing, &err);
    cr_assert_eq(rc, DJ_ESERVER, "dj_select_db returned %d (%s)", rc, err.message);
    cr_assert_eq(err.server_errno, 1049);
    cr_assert_str_eq(err.sqlstate, "42000");
    cr_assert(strstr(err.message, missing) != NULL, "message names the database: %s",
              err.message);
    cr_assert_eq(dj_is_connected(c), 1);

    char sql[128];
    snprintf(sql, sizeof sql, "USE `%s`", missing);
    expect_server_error(c, sql, 1049, "42000", DJ_KIND_QUERY);
    dj_close(c);
}

Test(types, duplicate_key_is_1062_with_duplicate_kind)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (id INT PRIMARY KEY)");
    itest_exec(f.conn, "INSERT INTO t VALUES (1)");
    expect_server_error(f.conn, "INSERT INTO t VALUES (1)", 1062, "23000", DJ_KIND_DUPLICATE);
    fixture_close(&f);
}

Test(types, missing_table_and_unknown_column_errors)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (id INT)");
    expect_server_error(f.conn, "SELECT * FROM no_such_table", 1146, "42S02",
                        DJ_KIND_MISSING_TABLE);
    expect_server_error(f.conn, "SELECT no_such_column FROM t", 1054, "42S22",
                        DJ_KIND_UNKNOWN_ATTRIBUTE);
    fixture_close(&f);
}

Test(types, error_in_the_middle_of_rows_ends_the_result)
{
    dj_conn *c = itest_connect();
    /* Unsigned arithmetic overflows only at the fourth row, after the first
     * three were already sent. */
    dj_result *res = query_ok(c, "SELECT 3 - seq AS q FROM mysql.seq_1_to_5");
    dj_error err;
    const dj_value *v;
    int rc;
    int rows = 0;
    while ((rc = dj_result_fetch(res, &v, &err)) == 1)
        rows++;
    cr_assert_eq(rc, DJ_ESERVER, "fetch returned %d (%s)", rc, err.message);
    cr_assert_eq(err.server_errno, 1690, "expected out of range, got %u %s", err.server_errno,
                 err.message);
    cr_assert_eq(rows, 3);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    char out[8];
    cr_assert_eq(dj_query_value(c, "SELECT 5", out, sizeof out, NULL, &err), 1, "%s",
                 err.message);
    cr_assert_str_eq(out, "5");
    dj_close(c);
}

Test(types, second_query_while_a_result_is_open_is_a_state_error)
{
    dj_conn *c = itest_connect();
    dj_result *res = query_ok(c, "SELECT seq FROM mysql.seq_1_to_3");
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "seq", "1");

    dj_result *other = res;
    dj_error err;
    int rc = dj_query(c, "SELECT 2", 8, &other, &err);
    cr_assert_eq(rc, DJ_ESTATE, "dj_query returned %d", rc);
    cr_assert_null(other);
    cr_assert_eq(dj_exec(c, "SELECT 2", NULL, &err), DJ_ESTATE);
    cr_assert_eq(dj_ping(c, &err), DJ_ESTATE);
    cr_assert_eq(dj_is_connected(c), 1, "a refused call does not drop the connection");

    /* The open result is untouched and still reads on. */
    v = fetch_row(res);
    expect_text(&v[0], "seq", "2");
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);

    char out[8];
    cr_assert_eq(dj_query_value(c, "SELECT 'ok'", out, sizeof out, NULL, &err), 1, "%s",
                 err.message);
    cr_assert_str_eq(out, "ok");
    cr_assert_eq(dj_ping(c, &err), 0, "%s", err.message);
    dj_close(c);
}

/* prefix + n bytes of body + suffix, as a statement with an explicit length:
 * under NO_BACKSLASH_ESCAPES the escaped body keeps its NUL byte raw. */
static size_t build_statement(char *sql, size_t size, const char *prefix, const char *body,
                              size_t n, const char *suffix)
{
    size_t p = strlen(prefix), s = strlen(suffix);
    cr_assert_lt(p + n + s, size);
    memcpy(sql, prefix, p);
    memcpy(sql + p, body, n);
    memcpy(sql + p + n, suffix, s);
    return p + n + s;
}

/* Inserts all 256 byte values through an escaped _binary literal, reads
 * them back from the table and as a bare literal, and compares. */
static void escape_round_trip(dj_conn *c, const char *table)
{
    char raw[256], esc[2 * 256 + 1];
    for (unsigned i = 0; i < 256; i++)
        raw[i] = (char)i;
    size_t n = dj_escape_string(c, esc, raw, sizeof raw);
    cr_assert_eq(esc[n], '\0', "the result is NUL-terminated at the returned length");

    char prefix[64], sql[700];
    dj_error err;
    dj_result *res = NULL;
    snprintf(prefix, sizeof prefix, "INSERT INTO `%s` VALUES (_binary'", table);
    size_t len = build_statement(sql, sizeof sql, prefix, esc, n, "')");
    int rc = dj_query(c, sql, len, &res, &err);
    cr_assert_eq(rc, 0, "insert failed: %s", err.message);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);

    snprintf(sql, sizeof sql, "SELECT b FROM `%s`", table);
    res = query_ok(c, sql);
    const dj_value *v = fetch_row(res);
    expect_bytes(&v[0], "round-tripped bytes", raw, sizeof raw);
    expect_end(res);

    len = build_statement(sql, sizeof sql, "SELECT _binary'", esc, n, "'");
    rc = dj_query(c, sql, len, &res, &err);
    cr_assert_eq(rc, 0, "select of the literal failed: %s", err.message);
    v = fetch_row(res);
    expect_bytes(&v[0], "literal bytes", raw, sizeof raw);
    expect_end(res);
}

Test(types, escape_string_round_trips_every_byte_value)
{
    fixture f;
    fixture_open(&f);
    cr_assert_eq(dj_server_status(f.conn) & DJ_STATUS_NO_BACKSLASH_ESCAPES, 0);
    itest_exec(f.conn, "CREATE TABLE plain (b VARBINARY(300))");
    escape_round_trip(f.conn, "plain");
    fixture_close(&f);
}

Test(types, escape_string_follows_no_backslash_escapes_mode)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE literal (b VARBINARY(300))");
    itest_exec(f.conn, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
    cr_assert(dj_server_status(f.conn) & DJ_STATUS_NO_BACKSLASH_ESCAPES,
              "status 0x%x lacks NO_BACKSLASH_ESCAPES", dj_server_status(f.conn));
    char out[8];
    cr_assert_eq(dj_escape_string(f.conn, out, "a\\'b", 4), 5);
    cr_assert_str_eq(out, "a\\''b", "only the quote is doubled, the backslash stays");
    escape_round_trip(f.conn, "literal");
    fixture_close(&f);
}

Test(types, quote_identifier_handles_backticks_in_table_names)
{
    fixture f;
    fixture_open(&f);
    static const char name[] = "we`ird``name";
    char quoted[2 * sizeof name + 3];
    size_t n = dj_quote_identifier(quoted, name, strlen(name));
    cr_assert_str_eq(quoted, "`we``ird````name`");
    cr_assert_eq(n, strlen(quoted));

    char sql[200];
    snprintf(sql, sizeof sql, "CREATE TABLE %s (v INT)", quoted);
    itest_exec(f.conn, sql);
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (7)", quoted);
    itest_exec(f.conn, sql);
    dj_result *res = query_ok(f.conn, "SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = DATABASE()");
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "table_name", name);
    expect_end(res);
    snprintf(sql, sizeof sql, "SELECT v FROM %s", quoted);
    res = query_ok(f.conn, sql);
    cr_assert_str_eq(dj_result_column(res, 0)->org_table, name);
    v = fetch_row(res);
    expect_text(&v[0], "v", "7");
    expect_end(res);
    fixture_close(&f);
}

Test(types, aliases_fill_name_and_table_apart_from_their_originals)
{
    fixture f;
    fixture_open(&f);
    itest_exec(f.conn, "CREATE TABLE t (ti TINYINT)");
    itest_exec(f.conn, "INSERT INTO t VALUES (-1)");
    dj_result *res = query_ok(f.conn, "SELECT ti AS alias, 'lit' AS k FROM t AS tt");
    const dj_column *c0 = dj_result_column(res, 0);
    cr_assert_str_eq(c0->name, "alias");
    cr_assert_str_eq(c0->org_name, "ti");
    cr_assert_str_eq(c0->table, "tt");
    cr_assert_str_eq(c0->org_table, "t");
    cr_assert_str_eq(c0->schema, f.schema);
    const dj_column *c1 = dj_result_column(res, 1);
    cr_assert_str_eq(c1->name, "k");
    cr_assert_str_eq(c1->org_name, "");
    cr_assert_str_eq(c1->table, "");
    cr_assert_str_eq(c1->schema, "");
    const dj_value *v = fetch_row(res);
    expect_text(&v[0], "alias", "-1");
    expect_text(&v[1], "k", "lit");
    expect_end(res);
    fixture_close(&f);
}
