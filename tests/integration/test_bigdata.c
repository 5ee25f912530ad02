/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_bigdata.c - volume against a real server: a million rows streamed
 * with bounded memory (measured through a counting allocator), values of
 * 40 MiB in both directions with and without compression, statements at the
 * 16 MiB packet boundary, and the receive cap refusing an oversized row.
 */
#include "itest.h"

#include <stddef.h>
#include <time.h>

#define MIB (1024u * 1024u)
/* Largest payload of one protocol packet; a payload of exactly this size is
 * followed by an empty packet. */
#define FRAGMENT_MAX 0xFFFFFFu
#define BIG_VALUE (40u * MIB)

/* ---- counting allocator: every block carries its size in a header ---- */

typedef struct counter {
    size_t current;
    size_t peak;
    size_t blocks;
} counter;

typedef union block_header {
    size_t size;
    max_align_t align;
} block_header;

static void count_add(counter *k, size_t n)
{
    k->current += n;
    if (k->current > k->peak)
        k->peak = k->current;
}

static void *count_malloc(size_t n, void *ud)
{
    counter *k = ud;
    block_header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    k->blocks++;
    count_add(k, n);
    return h + 1;
}

static void count_free(void *p, void *ud)
{
    if (!p)
        return;
    counter *k = ud;
    block_header *h = (block_header *)p - 1;
    k->current -= h->size;
    k->blocks--;
    free(h);
}

static void *count_realloc(void *p, size_t n, void *ud)
{
    if (!p)
        return count_malloc(n, ud);
    counter *k = ud;
    block_header *old = (block_header *)p - 1;
    size_t old_size = old->size;
    block_header *h = realloc(old, sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    k->current -= old_size;
    count_add(k, n);
    return h + 1;
}

/* ---- helpers ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t parse_u64(const dj_value *v)
{
    cr_assert_not_null(v->ptr);
    cr_assert(v->len > 0 && v->len < 21, "not a number: %.*s", (int)v->len, v->ptr);
    uint64_t n = 0;
    for (size_t i = 0; i < v->len; i++) {
        cr_assert(v->ptr[i] >= '0' && v->ptr[i] <= '9', "not a number: %.*s", (int)v->len,
                  v->ptr);
        n = n * 10 + (uint64_t)(v->ptr[i] - '0');
    }
    return n;
}

static dj_conn *connect_with(int compress, const dj_allocator *alloc)
{
    dj_config cfg;
    itest_config(&cfg);
    cfg.compress = compress;
    cfg.allocator = alloc;
    dj_conn *c = itest_connect_cfg(&cfg);
    cr_assert_eq(dj_compression_active(c), compress != 0, "compression active: %d, asked %d",
                 dj_compression_active(c), compress);
    return c;
}

/* The big-value tests need the server to accept statements and rows well
 * above 40 MiB; the harness configures 256 MiB, a foreign server may not. */
static dj_conn *connect_for_big_values(int compress)
{
    dj_conn *c = connect_with(compress, NULL);
    char out[32];
    dj_error err;
    int rc = dj_query_value(c, "SELECT @@global.max_allowed_packet", out, sizeof out, NULL, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    if (strtoull(out, NULL, 10) < 128ull * MIB) {
        itest_exec(c, "SET GLOBAL max_allowed_packet = 268435456");
        rc = dj_reconnect(c, &err);
        cr_assert_eq(rc, 0, "%s", err.message);
    }
    cr_assert_geq(dj_max_packet(c), (size_t)128 * MIB,
                  "the receive cap follows the server's max_allowed_packet");
    return c;
}

/* A schema of this process with a LONGBLOB table `t`. */
static void create_blob_table(dj_conn *c, char *schema, size_t size)
{
    char sql[200];
    dj_error err;
    itest_unique_name(schema, size, "bigdata");
    snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", schema);
    itest_exec(c, sql);
    cr_assert_eq(dj_select_db(c, schema, &err), 0, "%s", err.message);
    itest_exec(c, "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB) ENGINE=Aria");
}

static void drop_schema(dj_conn *c, const char *schema)
{
    char sql[200];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", schema);
    itest_exec(c, sql);
}

/* ---- streaming ---- */

/* Streams `SELECT seq, seq*2, CONCAT('row', seq)` over rows rows through a
 * counting allocator and checks every row and the peak of live memory. */
static void stream_rows(int compress, unsigned rows)
{
    counter k = {0, 0, 0};
    dj_allocator alloc = {count_malloc, count_realloc, count_free, &k};
    dj_conn *c = connect_with(compress, &alloc);

    char sql[160];
    snprintf(sql, sizeof sql, "SELECT seq, seq*2, CONCAT('row', seq) FROM mysql.seq_1_to_%u",
             rows);
    dj_result *res = NULL;
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_query(c, sql, strlen(sql), &res, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(dj_result_column_count(res), 3);

    const dj_value *v;
    uint64_t count = 0, sum = 0;
    char expect[32];
    while ((rc = dj_result_fetch(res, &v, &err)) == 1) {
        uint64_t seq = parse_u64(&v[0]);
        count++;
        sum += seq;
        cr_assert_eq(seq, count, "rows arrive in order");
        cr_assert_eq(parse_u64(&v[1]), 2 * seq);
        int n = snprintf(expect, sizeof expect, "row%llu", (unsigned long long)seq);
        cr_assert(v[2].len == (size_t)n && memcmp(v[2].ptr, expect, (size_t)n) == 0,
                  "row %llu: third column %.*s", (unsigned long long)seq, (int)v[2].len,
                  v[2].ptr);
    }
    cr_assert_eq(rc, 0, "fetch failed after %llu rows: %s", (unsigned long long)count,
                 err.message);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    double elapsed = now_seconds() - t0;

    cr_assert_eq(count, rows);
    cr_assert_eq(sum, (uint64_t)rows * (rows + 1u) / 2u);
    cr_assert_lt(k.peak, (size_t)MIB, "peak allocation %zu bytes while streaming %u rows",
                 k.peak, rows);
    cr_log_info("%u rows (compress=%d) in %.2f s, peak %zu bytes", rows, compress, elapsed,
                k.peak);
    dj_close(c);
    cr_assert_eq(k.current, 0u, "%zu bytes in %zu blocks leaked", k.current, k.blocks);
}

Test(bigdata, million_rows_stream_with_peak_allocation_under_1_mib, .timeout = 60)
{
    stream_rows(0, 1000000);
}

Test(bigdata, compressed_rows_stream_with_peak_allocation_under_1_mib, .timeout = 60)
{
    if (itest_compression_refused())
        return;
    stream_rows(1, 100000);
}

/* ---- 40 MiB values ---- */

static void read_repeated_value(int compress)
{
    dj_conn *c = connect_for_big_values(compress);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT REPEAT('x', %u), 'tail'", BIG_VALUE);
    dj_result *res = NULL;
    dj_error err;
    int rc = dj_query(c, sql, strlen(sql), &res, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    const dj_value *v;
    rc = dj_result_fetch(res, &v, &err);
    cr_assert_eq(rc, 1, "fetch of a %u-byte value failed: %d %s", BIG_VALUE, rc, err.message);
    cr_assert_not_null(v[0].ptr, "REPEAT gave NULL: max_allowed_packet too small?");
    cr_assert_eq(v[0].len, (size_t)BIG_VALUE);
    size_t i = 0;
    while (i < v[0].len && v[0].ptr[i] == 'x')
        i++;
    cr_assert_eq(i, v[0].len, "byte %zu is 0x%02x", i, (unsigned char)v[0].ptr[i]);
    cr_assert(v[1].len == 4 && memcmp(v[1].ptr, "tail", 4) == 0,
              "the column after the big value is intact");
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    cr_assert_eq(dj_ping(c, &err), 0, "%s", err.message);
    dj_close(c);
}

Test(bigdata, value_of_40_mib_is_reassembled_from_packets, .timeout = 60)
{
    read_repeated_value(0);
}

Test(bigdata, value_of_40_mib_is_reassembled_from_compressed_frames, .timeout = 60)
{
    if (itest_compression_refused())
        return;
    read_repeated_value(1);
}

/* Every byte value occurs, quotes, backslashes and NULs included, and the
 * sequence does not repeat with a short period. */
static unsigned char pattern_byte(size_t i)
{
    return (unsigned char)((i % 251u) ^ (i >> 16));
}

/* Writes a 40 MiB varied value as one escaped literal (a ~41 MiB statement,
 * so the request is split into three packets) and reads it back. */
static void write_and_read_back(int compress)
{
    dj_conn *c = connect_for_big_values(compress);
    char schema[64];
    create_blob_table(c, schema, sizeof schema);

    char *raw = malloc(BIG_VALUE);
    cr_assert_not_null(raw);
    for (size_t i = 0; i < BIG_VALUE; i++)
        raw[i] = (char)pattern_byte(i);
    static const char prefix[] = "INSERT INTO t VALUES (1, _binary'";
    char *sql = malloc(sizeof prefix + 2u * BIG_VALUE + 3);
    cr_assert_not_null(sql);
    memcpy(sql, prefix, sizeof prefix - 1);
    size_t len = sizeof prefix - 1;
    len += dj_escape_string(c, sql + len, raw, BIG_VALUE);
    memcpy(sql + len, "')", 3);
    len += 2;
    cr_assert_gt(len, (size_t)2 * FRAGMENT_MAX, "the statement spans three packets");

    dj_result *res = NULL;
    dj_error err;
    double t0 = now_seconds();
    int rc = dj_query(c, sql, len, &res, &err);
    cr_assert_eq(rc, 0, "INSERT of %zu bytes failed: %d %s", len, rc, err.message);
    cr_assert_eq(dj_result_info_get(res)->affected_rows, 1u);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    free(sql);

    const char *select = "SELECT LENGTH(b), b FROM t WHERE id = 1";
    rc = dj_query(c, select, strlen(select), &res, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    const dj_value *v;
    rc = dj_result_fetch(res, &v, &err);
    cr_assert_eq(rc, 1, "%d %s", rc, err.message);
    cr_assert_eq(parse_u64(&v[0]), (uint64_t)BIG_VALUE, "the server stored every byte");
    cr_assert_eq(v[1].len, (size_t)BIG_VALUE);
    cr_assert(memcmp(v[1].ptr, raw, BIG_VALUE) == 0, "the value read back differs");
    cr_assert_eq(dj_result_fetch(res, &v, &err), 0);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    cr_log_info("40 MiB written and read back (compress=%d) in %.2f s", compress,
                now_seconds() - t0);
    free(raw);
    drop_schema(c, schema);
    dj_close(c);
}

Test(bigdata, value_of_40_mib_is_written_split_and_read_back_exactly, .timeout = 60)
{
    write_and_read_back(0);
}

Test(bigdata, compressed_value_of_40_mib_is_written_and_read_back_exactly, .timeout = 60)
{
    if (itest_compression_refused())
        return;
    write_and_read_back(1);
}

/* ---- the 16 MiB packet boundary ---- */

/* Bitwise-reflected CRC-32 (IEEE), as the server's CRC32() computes it. */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t r = i;
        for (int b = 0; b < 8; b++)
            r = (r >> 1) ^ (0xEDB88320u & (0u - (r & 1u)));
        table[i] = r;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFFu];
    return crc ^ 0xFFFFFFFFu;
}

/* Runs `SELECT CRC32('...')` padded to exactly sql_len bytes and checks that
 * the server saw every byte of it. */
static void query_of_exact_length(dj_conn *c, size_t sql_len)
{
    static const char head[] = "SELECT CRC32('", tail[] = "')";
    size_t body_len = sql_len - (sizeof head - 1) - (sizeof tail - 1);
    char *sql = malloc(sql_len);
    cr_assert_not_null(sql);
    memcpy(sql, head, sizeof head - 1);
    unsigned char *body = (unsigned char *)sql + sizeof head - 1;
    for (size_t i = 0; i < body_len; i++)
        body[i] = (unsigned char)('a' + (i * 7 + i / 26) % 26);
    memcpy(body + body_len, tail, sizeof tail - 1);
    uint32_t want = crc32_of(body, body_len);

    dj_result *res = NULL;
    dj_error err;
    int rc = dj_query(c, sql, sql_len, &res, &err);
    cr_assert_eq(rc, 0, "statement of %zu bytes failed: %d %s", sql_len, rc, err.message);
    const dj_value *v;
    rc = dj_result_fetch(res, &v, &err);
    cr_assert_eq(rc, 1, "%s", err.message);
    cr_assert_eq(parse_u64(&v[0]), (uint64_t)want, "statement of %zu bytes arrived altered",
                 sql_len);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    free(sql);
}

static void packet_boundary_statements(int compress)
{
    dj_conn *c = connect_for_big_values(compress);
    /* The COM_QUERY payload is the command byte plus the statement. */
    query_of_exact_length(c, FRAGMENT_MAX - 1);   /* payload 0xFFFFFF: empty packet follows */
    query_of_exact_length(c, FRAGMENT_MAX);       /* 1 byte in the second packet */
    query_of_exact_length(c, FRAGMENT_MAX + 100);
    query_of_exact_length(c, 2u * FRAGMENT_MAX - 1); /* two full packets and an empty one */
    char out[8];
    dj_error err;
    cr_assert_eq(dj_query_value(c, "SELECT 'ok'", out, sizeof out, NULL, &err), 1, "%s",
                 err.message);
    cr_assert_str_eq(out, "ok");
    dj_close(c);
}

Test(bigdata, statements_at_the_16_mib_packet_boundary_arrive_intact, .timeout = 60)
{
    packet_boundary_statements(0);
}

Test(bigdata, compressed_statements_at_the_16_mib_packet_boundary_arrive_intact,
     .timeout = 60)
{
    if (itest_compression_refused())
        return;
    packet_boundary_statements(1);
}

/* ---- receive cap ---- */

Test(bigdata, row_over_the_max_packet_cap_is_too_big_and_drops_the_connection)
{
    dj_conn *c = connect_with(0, NULL);
    dj_set_max_packet(c, MIB);
    cr_assert_eq(dj_max_packet(c), (size_t)MIB);

    char sql[64];
    snprintf(sql, sizeof sql, "SELECT REPEAT('y', %u)", 2u * MIB);
    dj_result *res = NULL;
    dj_error err;
    int rc = dj_query(c, sql, strlen(sql), &res, &err);
    if (rc == 0) {
        const dj_value *v;
        rc = dj_result_fetch(res, &v, &err);
    }
    cr_assert_eq(rc, DJ_ETOOBIG, "returned %d (%s)", rc, err.message);
    cr_assert_eq(err.code, DJ_ETOOBIG);
    cr_assert(strstr(err.message, "1048576") != NULL && strstr(err.message, "max_packet") != NULL,
              "the message names the cap and the setting: %s", err.message);
    /* The rest of the oversized packet is still on the wire: the stream is
     * out of step, so the connection must be given up. */
    cr_assert_eq(dj_is_connected(c), 0);
    cr_assert_eq(dj_result_close(res, &err), 0);
    cr_assert_eq(dj_exec(c, "SELECT 1", NULL, &err), DJ_ESTATE);

    rc = dj_reconnect(c, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(dj_is_connected(c), 1);
    cr_assert_eq(dj_max_packet(c), (size_t)MIB, "the cap survives a reconnect");
    char out[16];
    snprintf(sql, sizeof sql, "SELECT LENGTH(REPEAT('y', %u))", MIB / 2);
    cr_assert_eq(dj_query_value(c, sql, out, sizeof out, NULL, &err), 1, "%s", err.message);
    cr_assert_str_eq(out, "524288");

    dj_set_max_packet(c, 0);
    cr_assert_gt(dj_max_packet(c), (size_t)2 * MIB, "0 restores the default cap");
    snprintf(sql, sizeof sql, "SELECT REPEAT('y', %u)", 2u * MIB);
    rc = dj_query(c, sql, strlen(sql), &res, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    const dj_value *v;
    cr_assert_eq(dj_result_fetch(res, &v, &err), 1, "%s", err.message);
    cr_assert_eq(v[0].len, (size_t)2 * MIB);
    cr_assert_eq(dj_result_close(res, &err), 0, "%s", err.message);
    dj_close(c);
}
