/*
 * dj_min.c - the smallest useful program on libdatajoint: connect and make
 * sure a schema exists. bench/sizes links it statically to measure what an
 * application pays for the library. Server and credentials come from the
 * DJ_TEST_* variables; the schema name is the first argument.
 */
#include <stdio.h>
#include <stdlib.h>

#include "datajoint.h"

int main(int argc, char **argv)
{
    const char *host = getenv("DJ_TEST_HOST"), *port = getenv("DJ_TEST_PORT");
    const char *user = getenv("DJ_TEST_NATIVE_USER"), *pass = getenv("DJ_TEST_NATIVE_PASS");
    if (argc != 2 || !host || !port || !user || !pass) {
        fputs("usage: dj_min SCHEMA (with DJ_TEST_HOST, _PORT, _NATIVE_USER, _NATIVE_PASS)\n",
              stderr);
        return 2;
    }
    dj_config cfg;
    dj_config_init(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "%s", host);
    cfg.port = (unsigned)atoi(port);
    snprintf(cfg.user, sizeof cfg.user, "%s", user);
    snprintf(cfg.password, sizeof cfg.password, "%s", pass);
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
