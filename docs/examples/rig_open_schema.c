/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rig_open_schema.c - what an acquisition rig does at start-up: open the
 * lab's existing schema without ever creating one (create_schema = 0), and
 * say clearly what is wrong when it is missing or the server is unreachable.
 * Usage: rig_open_schema SCHEMA   (server from DataJoint's configuration)
 * Exit: 0 schema ready, 1 schema missing, 2 usage, 3 other error.
 */
#include <stdio.h>

#include <datajoint.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCHEMA\n", argv[0]);
        return 2;
    }
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    if (dj_config_load(&cfg, NULL, &err) != 0) {
        fprintf(stderr, "rig: configuration: %s\n", err.message);
        return 3;
    }
    /* A rig must not hang at start-up when the network is down. */
    cfg.connect_timeout_ms = 5000;
    cfg.read_timeout_ms = 30000;
    dj_conn *conn;
    int rc = dj_connect(&conn, &cfg, &err);
    dj_config_clear(&cfg);
    if (rc != 0) {
        fprintf(stderr, "rig: cannot connect: %s\n", err.message);
        return 3;
    }

    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = conn;
    opts.create_schema = 0;
    dj_schema *schema;
    rc = dj_schema_open(&schema, argv[1], &opts, &err);
    if (rc == DJ_ESCHEMA_MISSING) {
        fprintf(stderr, "rig: %s\n", err.message);
        dj_close(conn);
        return 1;
    }
    if (rc != 0) {
        fprintf(stderr, "rig: cannot open schema %s: %s\n", argv[1], err.message);
        dj_close(conn);
        return 3;
    }
    printf("rig: recording into schema `%s` on %s (%s)\n", dj_schema_name(schema),
           dj_peer(conn), dj_server_version(conn));
    dj_schema_close(schema);
    dj_close(conn);
    return 0;
}
