/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dj_min.c - the smallest useful program on libdatajoint: connect and make
 * sure a schema exists. bench/sizes links it statically to measure what an
 * application pays for the library. Server and credentials come from the
 * DJ_TEST_* variables; the schema name is the first argument.
 */
#include "datajoint.h"
#include "size_env.h"

int main(int argc, char **argv)
{
    size_server s;
    if (argc != 2) {
        fputs("usage: dj_min SCHEMA\n", stderr);
        return 2;
    }
    if (size_server_from_env("dj_min", &s))
        return 2;
    dj_config cfg;
    size_dj_config(&cfg, &s);
    dj_conn *conn = NULL;
    dj_schema *schema = NULL;
    dj_error err;
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    int rc = dj_connect(&conn, &cfg, &err);
    if (rc == 0) {
        opts.connection = conn;
        rc = dj_schema_open(&schema, argv[1], &opts, &err);
    }
    if (rc)
        fprintf(stderr, "dj_min: %s\n", err.message);
    dj_schema_close(schema);
    dj_close(conn);
    return rc ? 1 : 0;
}
