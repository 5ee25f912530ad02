/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dj_stream.c - streams the benchmark's million-row query through
 * libdatajoint and prints the process's peak resident memory (VmHWM, KiB).
 * bench/sizes links it statically like dj_min.c, so the figure is the whole
 * client with nothing else mapped in.
 */
#include "datajoint.h"
#include "size_env.h"

int main(void)
{
    size_server s;
    if (size_server_from_env("dj_stream", &s))
        return 2;
    dj_config cfg;
    size_dj_config(&cfg, &s);
    /* Plain TCP, as Connector/C connects by default (cc_stream.c). */
    cfg.tls_mode = DJ_TLS_DISABLED;
    static const char sql[] =
        "SELECT seq, seq*2, CONCAT('row', seq) FROM djbench.seq_1_to_1000000";
    dj_conn *conn = NULL;
    dj_result *res = NULL;
    dj_error err;
    const dj_value *v;
    size_t rows = 0;
    int rc = dj_connect(&conn, &cfg, &err);
    if (rc == 0)
        rc = dj_query(conn, sql, sizeof sql - 1, &res, &err);
    while (rc == 0 && (rc = dj_result_fetch(res, &v, &err)) == 1) {
        rows++;
        rc = 0;
    }
    if (rc == 0)
        rc = dj_result_close(res, &err);
    dj_close(conn);
    if (rc || rows != 1000000) {
        fprintf(stderr, "dj_stream: %s (%zu rows)\n", rc ? err.message : "wrong row count", rows);
        return 1;
    }
    size_print_peak_kb();
    return 0;
}
