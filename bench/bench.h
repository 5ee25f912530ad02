/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench.h - what a benchmark driver provides and what the shared harness
 * (bench/harness.c) does with it.
 *
 * The workloads are written once, in harness.c, against the small table of
 * operations below. Each client (libdatajoint in dj_driver.c, MariaDB
 * Connector/C in cc_driver.c) fills the table with the closest calls its
 * public API offers, so both run exactly the same statements in the same
 * order. One process runs one workload once and prints its measurements (see
 * harness.c for the output format); bench/run interleaves the processes.
 *
 * bench/run counts instructions with callgrind inside the functions that
 * implement select1, ping and stream, by name: dj_bselect1, dj_bping and
 * dj_bstream in dj_driver.c, cc_select1, cc_ping and cc_stream in
 * cc_driver.c. Keep those names.
 */
#ifndef DJ_BENCH_H
#define DJ_BENCH_H

#include <stddef.h>

/* The accounts of tests/server/test-server a workload logs in with. */
enum bench_account {
    BENCH_NATIVE = 0,   /* dj_native, mysql_native_password, no TLS */
    BENCH_ED25519,      /* dj_ed25519, client_ed25519, no TLS */
    BENCH_TLS           /* dj_native over TLS (required, certificate not verified) */
};

/* Server and credentials, read from the DJ_TEST_* variables. */
typedef struct bench_server {
    const char *host;
    unsigned port;
    const char *user[3];
    const char *pass[3];
} bench_server;

/* Records per-operation latencies of a workload; drivers call bench_lap
 * inside workloads they run themselves (the prepared insert). */
typedef struct bench_timer bench_timer;
/* Ends one operation: its latency is the time since the previous lap. */
void bench_lap(bench_timer *t);

#define BENCH_ERR_MAX 512

/* One client's implementation of the operations. Every call returns 0 on
 * success or non-zero with a message in errbuf (BENCH_ERR_MAX bytes). */
typedef struct bench_ops {
    const char *name;  /* "ours" or "connector-c" */
    /* Connects (TCP, handshake, auth) with the given account. */
    void *(*open)(const bench_server *srv, enum bench_account acct, char *errbuf);
    /* Sends the client's quit and closes. */
    void (*close)(void *h);
    /* Closes and connects again on the same handle; NULL when the client has
     * nothing cheaper than close + open. */
    int (*reconnect)(void *h, char *errbuf);
    /* Runs a statement and discards any rows. */
    int (*exec)(void *h, const char *sql, size_t len, char *errbuf);
    /* Runs SELECT 1 and reads its one value. */
    int (*select1)(void *h, char *errbuf);
    /* COM_PING. */
    int (*ping)(void *h, char *errbuf);
    /* Streams a result row by row without buffering it; touches every value.
     * Adds the rows to *rows and the value bytes to *bytes; calls bench_lap
     * every `lap_every` rows. */
    int (*stream)(void *h, const char *sql, size_t lap_every, bench_timer *t, size_t *rows,
                  size_t *bytes, char *errbuf);
    /* Escapes len bytes into out (room for 2*len+1) for a '...' literal. */
    size_t (*escape)(void *h, char *out, const char *in, size_t len);
    /* Inserts `rows` rows (id, blob) into table `table` with one prepared
     * statement, calling bench_lap after each row. NULL when the client has no
     * prepared statements in this build. */
    int (*insert_prepared)(void *h, const char *table, size_t rows, const unsigned char *blob,
                           size_t len, bench_timer *t, char *errbuf);
    /* Creates the schema when it is missing and checks that it exists. */
    int (*schema_ensure)(void *h, const char *name, char *errbuf);
    /* Drops the schema. */
    int (*schema_drop)(void *h, const char *name, char *errbuf);
    /* A note on how this client runs a workload, or NULL. */
    const char *(*note)(const char *workload);
} bench_ops;

/* Defined by each driver. */
extern const bench_ops bench_client;

#endif
