/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_insert_fetch.c - prepared statements, dj_insert and dj_fetch against
 * the real server: every column type round-tripped through insert (text
 * batches and prepared) and fetch, with the binary and the text protocol
 * agreeing on each value; skip_duplicates and replace; DataJoint's error
 * kinds; a blob over 16 MiB through COM_STMT_SEND_LONG_DATA without the
 * client allocating its size; batches; statement reuse and reconnects; and
 * `dj table insert`.
 */
#define _POSIX_C_SOURCE 200809L
#include "itest.h"

#include <math.h>

typedef struct fixture {
    dj_conn *conn;
    char db[64];
} fixture;

static fixture fx;

static void open_with(const dj_config *cfg)
{
    fx.conn = itest_connect_cfg(cfg);
    itest_unique_name(fx.db, sizeof fx.db, "ins");
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", fx.db);
    itest_exec(fx.conn, sql);
    dj_error err;
    cr_assert_eq(dj_select_db(fx.conn, fx.db, &err), 0, "%s", err.message);
}

static void setup(void)
{
    dj_config cfg;
    itest_config(&cfg);
    open_with(&cfg);
}

static void teardown(void)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", fx.db);
    if (!dj_is_connected(fx.conn))
        dj_reconnect(fx.conn, NULL);
    dj_exec(fx.conn, sql, NULL, NULL);
    dj_close(fx.conn);
}

TestSuite(insert_fetch, .init = setup, .fini = teardown, .timeout = 120);

static uint64_t count_rows(const char *table)
{
    char sql[256], out[32];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM `%s`", table);
    dj_error err;
    cr_assert_eq(dj_query_value(fx.conn, sql, out, sizeof out, NULL, &err), 1, "%s",
                 err.message);
    return strtoull(out, NULL, 10);
}

static void insert_ok(const char *table, const char *const *names, unsigned n,
                      const dj_param *rows, size_t nrows, const dj_insert_options *opts,
                      uint64_t expect_affected)
{
    uint64_t affected = 0;
    dj_error err;
    int rc = dj_insert(fx.conn, fx.db, table, names, n, rows, nrows, opts, &affected, &err);
    cr_assert_eq(rc, 0, "insert into %s failed: %d %s", table, rc, err.message);
    cr_assert_eq(affected, expect_affected, "affected %llu", (unsigned long long)affected);
}

/* ---- every type, both protocols ---- */

#define NCOLS 23
static const char *const all_names[NCOLS] = {
    "id", "ti", "tiu", "si", "mi", "i", "bi", "bu", "f", "d", "dec", "c",
    "t", "b", "dt", "tm", "dtt", "ts", "y", "n", "e", "j", "u"};

static void create_all_types(void)
{
    itest_exec(fx.conn,
               "CREATE TABLE alltypes (id int NOT NULL, ti tinyint, tiu tinyint unsigned, "
               "si smallint, mi mediumint, i int, bi bigint, bu bigint unsigned, f float, "
               "d double, `dec` decimal(20,6), c varchar(64), t text, b longblob, dt date, "
               "tm time(6), dtt datetime(6), ts timestamp(6) NULL DEFAULT NULL, y year, "
               "n int NULL, e enum('low','high'), j json, u binary(16) COMMENT ':uuid:', "
               "PRIMARY KEY (id)) ENGINE=InnoDB");
}

static const char blob_bytes[] = {0, 1, '\'', '\\', '"', 0x1A, '\n', (char)0xFF, 0};
static const unsigned char uuid_bytes[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                             0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
static const char text_value[] = "Gr\xC3\xBC\xC3\x9F" "e 'quoted' \\ back";

/* Row `id` with extreme values, all but `n` set. */
static void make_row(dj_param *row, int64_t id, int negative)
{
    dj_datetime date = {.year = 2024, .month = 2, .day = 29};
    dj_datetime dtt = {.year = 1999, .month = 12, .day = 31, .hour = 23, .minute = 59,
                       .second = 59, .microsecond = 999999};
    dj_datetime ts = {.year = 2038, .month = 1, .day = 1, .hour = 3, .minute = 14,
                      .second = 7, .microsecond = 1};
    dj_datetime tm = {.negative = negative, .days = 34, .hour = 22, .minute = 59, .second = 59,
                      .microsecond = 500000};
    row[0] = dj_param_int64(id);
    row[1] = dj_param_int64(negative ? -128 : 127);
    row[2] = dj_param_uint64(255);
    row[3] = dj_param_int64(negative ? -32768 : 32767);
    row[4] = dj_param_int64(negative ? -8388608 : 8388607);
    row[5] = dj_param_int64(negative ? INT32_MIN : INT32_MAX);
    row[6] = dj_param_int64(negative ? INT64_MIN : INT64_MAX);
    row[7] = dj_param_uint64(UINT64_MAX);
    /* The server writes FLOAT as text with 6 significant digits, so values
     * that both protocols can agree on have at most that many. */
    row[8] = dj_param_float(negative ? -3.75f : 0.15625f);
    row[9] = dj_param_double(negative ? -2.2250738585072014e-308 : 1.7976931348623157e308);
    row[10] = dj_param_string("-12345678901234.123456", 22);
    row[11] = dj_param_string(text_value, strlen(text_value));
    row[12] = dj_param_string("", 0);
    row[13] = dj_param_bytes(blob_bytes, sizeof blob_bytes);
    row[14] = dj_param_temporal(DJ_PARAM_DATE, date);
    row[15] = dj_param_temporal(DJ_PARAM_TIME, tm);
    row[16] = dj_param_temporal(DJ_PARAM_DATETIME, dtt);
    row[17] = dj_param_temporal(DJ_PARAM_TIMESTAMP, ts);
    row[18] = dj_param_int64(2155);
    row[19] = dj_param_null();
    row[20] = dj_param_string(negative ? "low" : "high", negative ? 3 : 4);
    row[21] = dj_param_string("{\"a\": [1, 2]}", 13);
    row[22] = dj_param_bytes(uuid_bytes, sizeof uuid_bytes);
}

static void expect_value(const dj_result *res, unsigned k, const dj_param *want)
{
    dj_error err;
    const char *name = all_names[k];
    switch (want->type) {
    case DJ_PARAM_NULL: {
        int64_t x;
        cr_assert_eq(dj_result_get_int64(res, k, &x, &err), 0, "%s should be NULL", name);
        break;
    }
    case DJ_PARAM_INT64: {
        int64_t x = 0;
        cr_assert_eq(dj_result_get_int64(res, k, &x, &err), 1, "%s: %s", name, err.message);
        cr_assert_eq(x, want->v.i64, "%s: %lld", name, (long long)x);
        break;
    }
    case DJ_PARAM_UINT64: {
        uint64_t x = 0;
        cr_assert_eq(dj_result_get_uint64(res, k, &x, &err), 1, "%s: %s", name, err.message);
        cr_assert_eq(x, want->v.u64, "%s", name);
        break;
    }
    case DJ_PARAM_FLOAT:
    case DJ_PARAM_DOUBLE: {
        double x = 0;
        cr_assert_eq(dj_result_get_double(res, k, &x, &err), 1, "%s: %s", name, err.message);
        if (want->type == DJ_PARAM_FLOAT)
            cr_assert_eq((float)x, want->v.f32, "%s: %.9g", name, x);
        else
            cr_assert_eq(x, want->v.f64, "%s: %.17g", name, x);
        break;
    }
    case DJ_PARAM_STRING:
    case DJ_PARAM_BYTES: {
        dj_value v;
        cr_assert_eq(dj_result_get_bytes(res, k, &v, &err), 1, "%s: %s", name, err.message);
        cr_assert_eq(v.len, want->v.bytes.len, "%s: %zu bytes", name, v.len);
        cr_assert(v.len == 0 || memcmp(v.ptr, want->v.bytes.ptr, v.len) == 0, "%s", name);
        break;
    }
    default: {
        dj_datetime t, w = want->v.dt;
        cr_assert_eq(dj_result_get_datetime(res, k, &t, &err), 1, "%s: %s", name, err.message);
        cr_assert(t.year == w.year && t.month == w.month && t.day == w.day &&
                      t.hour == w.hour && t.minute == w.minute && t.second == w.second &&
                      t.microsecond == w.microsecond && t.negative == w.negative &&
                      t.days == w.days,
                  "%s differs", name);
    }
    }
}

static void expect_row(dj_result *res, const dj_param *want)
{
    const dj_value *v;
    dj_error err;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "fetch: %s", err.message);
    for (unsigned k = 0; k < NCOLS; k++)
        expect_value(res, k, &want[k]);
}

static void expect_end(dj_result *res)
{
    const dj_value *v;
    dj_error err;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0, "%s", err.message);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
}

Test(insert_fetch, every_type_round_trips_and_binary_and_text_protocols_agree)
{
    create_all_types();
    dj_param rows[4][NCOLS];
    for (int r = 0; r < 4; r++)
        make_row(rows[r], r + 1, r % 2);
    rows[3][14] = dj_param_null(); /* a NULL date among them */
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.method = DJ_INSERT_TEXT;
    insert_ok("alltypes", all_names, NCOLS, rows[0], 2, &opts, 2);
    opts.method = DJ_INSERT_PREPARED;
    insert_ok("alltypes", all_names, NCOLS, rows[2], 2, &opts, 2);

    for (int r = 0; r < 4; r++) {
        dj_param id = dj_param_int64(r + 1);
        dj_result *bin;
        dj_error err;
        int rc = dj_fetch(fx.conn, fx.db, "alltypes", all_names, NCOLS, "id = ?", &id, 1, &bin,
                          &err);
        cr_assert_eq(rc, 0, "fetch: %s", err.message);
        cr_assert(dj_result_is_binary(bin));
        expect_row(bin, rows[r]);
        expect_end(bin);

        char sql[512];
        snprintf(sql, sizeof sql, "SELECT * FROM alltypes WHERE id = %d", r + 1);
        dj_result *text;
        cr_assert_eq(dj_query(fx.conn, sql, strlen(sql), &text, &err), 0, "%s", err.message);
        cr_assert(!dj_result_is_binary(text));
        expect_row(text, rows[r]);
        expect_end(text);
    }
}

Test(insert_fetch, float_extremes_are_exact_in_the_binary_protocol)
{
    itest_exec(fx.conn, "CREATE TABLE fl (id int PRIMARY KEY, f float, d double)");
    static const char *const names[] = {"id", "f", "d"};
    const float f = 1.17549435e-38f;
    const double d = 4.9406564584124654e-324;
    dj_param row[3] = {dj_param_int64(1), dj_param_float(f), dj_param_double(d)};
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.method = DJ_INSERT_PREPARED;
    insert_ok("fl", names, 3, row, 1, &opts, 1);
    dj_result *res;
    dj_error err;
    cr_assert_eq(dj_fetch(fx.conn, fx.db, "fl", NULL, 0, NULL, NULL, 0, &res, &err), 0);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1);
    double got;
    cr_assert_eq(dj_result_get_double(res, 1, &got, &err), 1);
    cr_assert_eq((float)got, f);
    cr_assert_eq(dj_result_get_double(res, 2, &got, &err), 1);
    cr_assert_eq(got, d);
    expect_end(res);
}

static uint64_t statements_closed(void)
{
    char out[32];
    dj_error err;
    cr_assert_eq(dj_query_value(fx.conn, "SELECT variable_value FROM "
                                "information_schema.session_status WHERE "
                                "variable_name = 'COM_STMT_CLOSE'",
                                out, sizeof out, NULL, &err), 1, "%s", err.message);
    return strtoull(out, NULL, 10);
}

Test(insert_fetch, fetch_streams_all_rows_of_chosen_attributes_and_closes_its_statement)
{
    itest_exec(fx.conn, "CREATE TABLE s (id int PRIMARY KEY, v varchar(8))");
    itest_exec(fx.conn, "INSERT INTO s VALUES (1,'a'),(2,'b'),(3,NULL)");
    uint64_t closed = statements_closed();
    const char *const attrs[] = {"v"};
    dj_result *res;
    dj_error err;
    cr_assert_eq(dj_fetch(fx.conn, fx.db, "s", attrs, 1, NULL, NULL, 0, &res, &err), 0, "%s",
                 err.message);
    cr_assert_eq(dj_result_column_count(res), 1);
    const dj_value *v;
    int rows = 0, nulls = 0;
    while (dj_result_fetch(res, &v, &err) == 1) {
        rows++;
        nulls += v[0].ptr == NULL;
    }
    cr_assert_eq(rows, 3);
    cr_assert_eq(nulls, 1);
    cr_assert_eq(dj_result_close(res, &err), 0);
    cr_assert_eq(statements_closed(), closed + 1);
}

/* ---- DataJoint's duplicate handling ---- */

static const char *const kv_names[] = {"k", "v"};

static void create_kv(void)
{
    itest_exec(fx.conn, "CREATE TABLE kv (k int NOT NULL, v varchar(16) NOT NULL, "
                        "PRIMARY KEY (k)) ENGINE=InnoDB");
}

static void kv_row(dj_param *row, int64_t k, const char *v)
{
    row[0] = dj_param_int64(k);
    row[1] = dj_param_string(v, strlen(v));
}

static void expect_kv(int64_t k, const char *want)
{
    char sql[128], out[32];
    snprintf(sql, sizeof sql, "SELECT v FROM kv WHERE k = %lld", (long long)k);
    dj_error err;
    cr_assert_eq(dj_query_value(fx.conn, sql, out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, want);
}

/* Creates kv and two rows for it: (1, v1), (2, v2). */
static void kv_two_rows(dj_param rows[2][2], const char *v1, const char *v2)
{
    create_kv();
    kv_row(rows[0], 1, v1);
    kv_row(rows[1], 2, v2);
}

static void duplicate_rules(dj_insert_method method)
{
    dj_param rows[2][2];
    kv_two_rows(rows, "first", "second");
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.method = method;
    insert_ok("kv", kv_names, 2, rows[0], 1, &opts, 1);

    kv_row(rows[0], 1, "changed");
    dj_error err;
    int rc = dj_insert(fx.conn, fx.db, "kv", kv_names, 2, rows[0], 2, &opts, NULL, &err);
    cr_assert_eq(rc, DJ_ESERVER);
    cr_assert_eq(err.kind, DJ_KIND_DUPLICATE, "%s", err.message);
    cr_assert_eq(count_rows("kv"), 1, "a failed insert leaves nothing behind");

    opts.skip_duplicates = 1;
    insert_ok("kv", kv_names, 2, rows[0], 2, &opts, 1);
    expect_kv(1, "first");
    expect_kv(2, "second");
    opts.primary_key = "k"; /* as the table layer passes it from the heading */
    insert_ok("kv", kv_names, 2, rows[0], 2, &opts, 0);
    expect_kv(1, "first");
    opts.primary_key = NULL;

    opts.skip_duplicates = 0;
    opts.replace = 1;
    insert_ok("kv", kv_names, 2, rows[0], 1, &opts, 2); /* REPLACE: deleted + inserted */
    expect_kv(1, "changed");
}

Test(insert_fetch, duplicates_fail_skip_or_replace_with_text_batches)
{
    duplicate_rules(DJ_INSERT_TEXT);
}

Test(insert_fetch, duplicates_fail_skip_or_replace_with_prepared_statements)
{
    duplicate_rules(DJ_INSERT_PREPARED);
}

Test(insert_fetch, skip_duplicates_and_replace_together_are_refused)
{
    create_kv();
    dj_param row[2];
    kv_row(row, 1, "x");
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.skip_duplicates = opts.replace = 1;
    cr_assert_eq(dj_insert(fx.conn, fx.db, "kv", kv_names, 2, row, 1, &opts, NULL, NULL),
                 DJ_EINVAL);
}

/* ---- error kinds ---- */

static void expect_kind(const char *table, const char *const *names, unsigned n,
                        const dj_param *row, dj_insert_method method, dj_error_kind kind,
                        unsigned server_errno)
{
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.method = method;
    dj_error err;
    int rc = dj_insert(fx.conn, fx.db, table, names, n, row, 1, &opts, NULL, &err);
    cr_assert_eq(rc, DJ_ESERVER, "rc %d: %s", rc, err.message);
    cr_assert_eq(err.server_errno, server_errno, "%u %s", err.server_errno, err.message);
    cr_assert_eq(err.kind, kind, "%s", dj_error_kind_name(err.kind));
    cr_assert(dj_is_connected(fx.conn));
}

Test(insert_fetch, server_errors_keep_datajoint_kinds_for_both_methods)
{
    create_kv();
    itest_exec(fx.conn, "CREATE TABLE child (c int PRIMARY KEY, k int NOT NULL, "
                        "FOREIGN KEY (k) REFERENCES kv (k)) ENGINE=InnoDB");
    static const char *const child_names[] = {"c", "k"};
    static const char *const missing[] = {"k"};
    static const char *const unknown[] = {"k", "nope"};
    dj_param row[2] = {dj_param_int64(1), dj_param_int64(99)};
    for (int m = DJ_INSERT_TEXT; m <= DJ_INSERT_PREPARED; m++) {
        expect_kind("child", child_names, 2, row, (dj_insert_method)m, DJ_KIND_INTEGRITY, 1452);
        expect_kind("kv", missing, 1, row, (dj_insert_method)m, DJ_KIND_MISSING_ATTRIBUTE, 1364);
        expect_kind("kv", unknown, 2, row, (dj_insert_method)m, DJ_KIND_UNKNOWN_ATTRIBUTE, 1054);
    }
}

/* ---- large blobs without copies ---- */

typedef struct counting {
    size_t largest;
} counting;

static void note(counting *c, size_t n)
{
    if (n > c->largest)
        c->largest = n;
}

static void *count_malloc(size_t n, void *ud)
{
    note(ud, n);
    return malloc(n);
}

static void *count_realloc(void *p, size_t n, void *ud)
{
    note(ud, n);
    return realloc(p, n);
}

static void count_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

Test(insert_fetch, blob_over_16_mib_goes_as_long_data_without_allocating_its_size)
{
    static counting counter;
    static const dj_allocator alloc = {count_malloc, count_realloc, count_free, &counter};
    dj_close(fx.conn);
    dj_config cfg;
    itest_config(&cfg);
    cfg.allocator = &alloc;
    char db[64];
    memcpy(db, fx.db, sizeof db);
    fx.conn = itest_connect_cfg(&cfg);
    dj_error err;
    cr_assert_eq(dj_select_db(fx.conn, db, &err), 0, "%s", err.message);
    itest_exec(fx.conn, "CREATE TABLE blobs (id int PRIMARY KEY, b longblob)");

    size_t size = 17u * 1024u * 1024u + 3u;
    uint8_t *blob = malloc(size);
    cr_assert_not_null(blob);
    for (size_t i = 0; i < size; i++)
        blob[i] = (uint8_t)(i * 7 + (i >> 20));
    static const char *const names[] = {"id", "b"};
    dj_param row[2] = {dj_param_int64(1), dj_param_bytes(blob, size)};
    counter.largest = 0;
    insert_ok("blobs", names, 2, row, 1, NULL, 1);
    cr_assert_lt(counter.largest, (size_t)1024 * 1024,
                 "the insert allocated %zu bytes for a %zu-byte blob", counter.largest, size);

    static const char *const b_only[] = {"b"};
    dj_result *res;
    cr_assert_eq(dj_fetch(fx.conn, db, "blobs", b_only, 1, "id = 1", NULL, 0, &res, &err), 0,
                 "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "%s", err.message);
    cr_assert_eq(v[0].len, size);
    cr_assert(memcmp(v[0].ptr, blob, size) == 0, "blob differs after the round trip");
    expect_end(res);
    free(blob);
}

Test(insert_fetch, long_data_and_binary_rows_work_under_compression)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.compress = 1;
    if (itest_refused_without(DJ_FEATURE_COMPRESSION, &cfg))
        return;
    dj_close(fx.conn);
    char db[64];
    memcpy(db, fx.db, sizeof db);
    fx.conn = itest_connect_cfg(&cfg);
    cr_assert(dj_compression_active(fx.conn));
    dj_error err;
    cr_assert_eq(dj_select_db(fx.conn, db, &err), 0, "%s", err.message);
    itest_exec(fx.conn, "CREATE TABLE blobs (id int PRIMARY KEY, b longblob)");
    enum { SIZE = 300 * 1024 };
    static uint8_t blob[SIZE];
    for (size_t i = 0; i < SIZE; i++)
        blob[i] = (uint8_t)(i * 31 >> 3);
    static const char *const names[] = {"id", "b"};
    dj_param rows[2][2] = {{dj_param_int64(1), dj_param_bytes(blob, SIZE)},
                           {dj_param_int64(2), dj_param_bytes(blob, 10)}};
    insert_ok("blobs", names, 2, rows[0], 2, NULL, 2);
    dj_result *res;
    cr_assert_eq(dj_fetch(fx.conn, db, "blobs", names, 2, "id > ?", rows[0], 1, &res, &err), 0,
                 "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "%s", err.message);
    cr_assert_eq(v[1].len, 10);
    cr_assert(memcmp(v[1].ptr, blob, 10) == 0);
    expect_end(res);
    cr_assert_eq(dj_fetch(fx.conn, db, "blobs", names, 2, "id = 1", NULL, 0, &res, &err), 0);
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "%s", err.message);
    cr_assert_eq(v[1].len, SIZE);
    cr_assert(memcmp(v[1].ptr, blob, SIZE) == 0);
    expect_end(res);
}

Test(insert_fetch, long_data_markers_are_refused_as_insert_values)
{
    create_kv();
    dj_param row[2] = {dj_param_int64(1), dj_param_null()};
    row[1].type = DJ_PARAM_LONG_DATA;
    dj_error err;
    cr_assert_eq(dj_insert(fx.conn, fx.db, "kv", kv_names, 2, row, 1, NULL, NULL, &err),
                 DJ_EINVAL);
    cr_assert(strstr(err.message, "attribute `v`"), "%s", err.message);
}

Test(insert_fetch, send_long_data_in_chunks_builds_one_value)
{
    itest_exec(fx.conn, "CREATE TABLE blobs (id int PRIMARY KEY, b longblob)");
    static const char sql[] = "INSERT INTO blobs VALUES (?, ?)";
    dj_stmt *s;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, sql, strlen(sql), &s, &err), 0, "%s", err.message);
    cr_assert_eq(dj_stmt_send_long_data(s, 1, "hello ", 6, &err), 0, "%s", err.message);
    cr_assert_eq(dj_stmt_send_long_data(s, 1, "world", 5, &err), 0, "%s", err.message);
    dj_param p[2] = {dj_param_int64(1), dj_param_null()};
    p[1].type = DJ_PARAM_LONG_DATA;
    dj_result_info info;
    cr_assert_eq(dj_stmt_execute(s, p, 2, NULL, &info, &err), 0, "%s", err.message);
    cr_assert_eq(info.affected_rows, 1);
    cr_assert_eq(dj_stmt_send_long_data(s, 2, "x", 1, &err), DJ_EINVAL);
    dj_stmt_close(s);
    char out[32];
    cr_assert_eq(dj_query_value(fx.conn, "SELECT b FROM blobs", out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "hello world");
}

/* ---- batches ---- */

Test(insert_fetch, many_rows_go_in_several_batches_all_or_nothing)
{
    create_kv();
    enum { N = 3000 };
    static dj_param rows[N][2];
    static char text[N][12];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "v%d", i);
        kv_row(rows[i], i, text[i]);
    }
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.batch_bytes = 4096; /* about 250 rows per statement */
    insert_ok("kv", kv_names, 2, rows[0], N, &opts, N);
    cr_assert_eq(count_rows("kv"), N);

    /* A duplicate in the last batch undoes the earlier batches as well. */
    itest_exec(fx.conn, "DELETE FROM kv WHERE k < 2999");
    dj_error err;
    cr_assert_eq(dj_insert(fx.conn, fx.db, "kv", kv_names, 2, rows[0], N, &opts, NULL, &err),
                 DJ_ESERVER);
    cr_assert_eq(err.kind, DJ_KIND_DUPLICATE);
    cr_assert_eq(count_rows("kv"), 1);
    cr_assert(!dj_in_transaction(fx.conn));
}

Test(insert_fetch, batches_join_a_transaction_the_caller_opened)
{
    dj_param rows[2][2];
    kv_two_rows(rows, "a", "b");
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.batch_bytes = 10;
    dj_error err;
    cr_assert_eq(dj_transaction_start(fx.conn, &err), 0);
    insert_ok("kv", kv_names, 2, rows[0], 2, &opts, 2);
    cr_assert_eq(dj_transaction_cancel(fx.conn, &err), 0);
    cr_assert_eq(count_rows("kv"), 0, "the caller's rollback undid the insert");
}

/* ---- statements ---- */

static int64_t run_plus_one(dj_stmt *s, int64_t x)
{
    dj_param p = dj_param_int64(x);
    dj_result *res;
    dj_error err;
    cr_assert_eq(dj_stmt_execute(s, &p, 1, &res, NULL, &err), 0, "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "%s", err.message);
    int64_t got;
    cr_assert_eq(dj_result_get_int64(res, 0, &got, &err), 1, "%s", err.message);
    expect_end(res);
    return got;
}

static const char plus_one[] = "SELECT CAST(? AS SIGNED) + 1";

Test(insert_fetch, a_prepared_statement_runs_many_times)
{
    dj_stmt *s;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, plus_one, strlen(plus_one), &s, &err), 0);
    cr_assert_eq(dj_stmt_param_count(s), 1);
    cr_assert_eq(dj_stmt_column_count(s), 1);
    uint32_t id = dj_stmt_id(s);
    for (int64_t i = 0; i < 5; i++)
        cr_assert_eq(run_plus_one(s, i * 10), i * 10 + 1);
    cr_assert_eq(dj_stmt_id(s), id);
    dj_param two[2] = {dj_param_int64(1), dj_param_int64(2)};
    cr_assert_eq(dj_stmt_execute(s, two, 2, NULL, NULL, &err), DJ_EINVAL);
    cr_assert_eq(dj_stmt_execute(s, two, 0, NULL, NULL, &err), DJ_EINVAL);
    dj_stmt_close(s);
    cr_assert_eq(dj_ping(fx.conn, &err), 0);
}

Test(insert_fetch, a_statement_is_prepared_again_after_a_reconnect)
{
    dj_stmt *s;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, plus_one, strlen(plus_one), &s, &err), 0);
    cr_assert_eq(run_plus_one(s, 1), 2);
    cr_assert_eq(dj_reconnect(fx.conn, &err), 0, "%s", err.message);
    cr_assert_eq(run_plus_one(s, 41), 42);
    cr_assert_eq(dj_reset_session(fx.conn, &err), 0, "%s", err.message);
    cr_assert_eq(run_plus_one(s, 7), 8);
    dj_stmt_close(s);
}

/* The session kills itself: the server ends it and says so. */
static void kill_own_session(void)
{
    char sql[64];
    snprintf(sql, sizeof sql, "KILL %llu", (unsigned long long)dj_connection_id(fx.conn));
    dj_error err;
    cr_assert_lt(dj_exec(fx.conn, sql, NULL, &err), 0);
    cr_assert(!dj_is_connected(fx.conn), "%s", err.message);
}

Test(insert_fetch, insert_fetch_and_statements_survive_a_killed_session)
{
    create_kv();
    dj_stmt *s;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, plus_one, strlen(plus_one), &s, &err), 0);
    kill_own_session();
    dj_param rows[2][2];
    kv_row(rows[0], 1, "a");
    kv_row(rows[1], 2, "b");
    dj_insert_options opts;
    dj_insert_options_init(&opts);
    opts.method = DJ_INSERT_PREPARED;
    insert_ok("kv", kv_names, 2, rows[0], 2, &opts, 2); /* reconnects once, as DataJoint */
    cr_assert_eq(run_plus_one(s, 1), 2, "the statement is prepared again");
    kill_own_session();
    dj_result *res;
    cr_assert_eq(dj_fetch(fx.conn, fx.db, "kv", NULL, 0, "k = ?", rows[1], 1, &res, &err), 0,
                 "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1);
    expect_end(res);
    dj_stmt_close(s);
}

Test(insert_fetch, long_data_lost_with_the_connection_is_reported)
{
    static const char sql[] = "SELECT LENGTH(?)";
    dj_stmt *s;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, sql, strlen(sql), &s, &err), 0);
    cr_assert_eq(dj_stmt_send_long_data(s, 0, "abc", 3, &err), 0);
    cr_assert_eq(dj_reconnect(fx.conn, &err), 0);
    dj_param p = dj_param_null();
    p.type = DJ_PARAM_LONG_DATA;
    cr_assert_eq(dj_stmt_execute(s, &p, 1, NULL, NULL, &err), DJ_ESTATE);
    cr_assert(strstr(err.message, "lost with the connection"), "%s", err.message);
    dj_stmt_close(s);
}

Test(insert_fetch, a_bad_statement_is_a_server_error_and_the_connection_stays)
{
    static const char sql[] = "SELEC nonsense ?";
    dj_stmt *s = NULL;
    dj_error err;
    cr_assert_eq(dj_stmt_prepare(fx.conn, sql, strlen(sql), &s, &err), DJ_ESERVER);
    cr_assert_eq(err.kind, DJ_KIND_SYNTAX);
    cr_assert_null(s);
    cr_assert_eq(dj_ping(fx.conn, &err), 0);
}

/* ---- the CLI ---- */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int run_cli_insert(const char *dir, const char *cls, const char *input)
{
    const char *top = getenv("DJ_TOP_BUILDDIR");
    if (!top || !*top)
        cr_assert_fail("DJ_TOP_BUILDDIR is not set: run the tests through `make check`");
    char in[512], cmd[4096];
    snprintf(in, sizeof in, "%s/in.tsv", dir);
    write_text(in, input);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && env -u DJ_CONFIG_FILE HOME='%s' DJ_HOST='%s' DJ_PORT='%s' "
             "DJ_USER='%s' DJ_PASS='%s' '%s/tools/dj' table insert '%s' '%s' "
             "< in.tsv > out.txt 2> err.txt",
             dir, dir, itest_env("DJ_TEST_HOST"), itest_env("DJ_TEST_PORT"),
             itest_env("DJ_TEST_USER"), itest_env("DJ_TEST_PASS"), top, fx.db, cls);
    int status = system(cmd);
    cr_assert_neq(status, -1);
    return WEXITSTATUS(status);
}

Test(insert_fetch, cli_table_insert_reads_tab_separated_rows_with_escapes)
{
    itest_exec(fx.conn, "CREATE TABLE `#subject_type` (st varchar(16) NOT NULL, "
                        "note varchar(64) NULL, raw blob NULL, PRIMARY KEY (st))");
    char dir[] = "/tmp/dj-ins-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    int rc = run_cli_insert(dir, "SubjectType",
                            "mouse\ta\\tb\\nc\\\\d\t\\0x\n"
                            "rat\t\\N\t\\N\n"
                            "fly\t\tbytes\n");
    char path[600];
    snprintf(path, sizeof path, "%s/err.txt", dir);
    cr_assert_eq(rc, 0, "dj failed: %s", read_text(path));
    cr_assert_str_eq(read_text(path), "3 rows inserted\n"); /* counts go to stderr */
    snprintf(path, sizeof path, "%s/out.txt", dir);
    cr_assert_str_eq(read_text(path), "");

    char out[64];
    int is_null;
    dj_error err;
    cr_assert_eq(dj_query_value(fx.conn, "SELECT note FROM `#subject_type` WHERE st='mouse'",
                                out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "a\tb\nc\\d");
    cr_assert_eq(dj_query_value(fx.conn, "SELECT HEX(raw) FROM `#subject_type` WHERE st='mouse'",
                                out, sizeof out, NULL, &err), 1);
    cr_assert_str_eq(out, "0078");
    cr_assert_eq(dj_query_value(fx.conn, "SELECT note FROM `#subject_type` WHERE st='rat'",
                                out, sizeof out, &is_null, &err), 1);
    cr_assert(is_null);
    cr_assert_eq(dj_query_value(fx.conn, "SELECT note FROM `#subject_type` WHERE st='fly'",
                                out, sizeof out, &is_null, &err), 1);
    cr_assert(!is_null);
    cr_assert_str_eq(out, "");

    rc = run_cli_insert(dir, "SubjectType", "cat\tonly two\n");
    cr_assert_eq(rc, 4);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    cr_assert(strstr(read_text(path), "line 1 has 2 values"), "%s", read_text(path));
    rc = run_cli_insert(dir, "NoSuchClass", "x\n");
    cr_assert_eq(rc, 4);
    cr_assert(strstr(read_text(path), "`no_such_class` is not defined."), "%s", read_text(path));
    char cleanup[700];
    snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
    cr_assert_eq(system(cleanup), 0);
}
