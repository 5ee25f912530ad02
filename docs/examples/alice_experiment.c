/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alice_experiment.c - DataJoint's first step, in C:
 *     schema = dj.schema('alice_experiment')
 * The connection comes from DataJoint's configuration (dj_local_conf.json,
 * ~/.datajoint_config.json, or DJ_HOST / DJ_USER / DJ_PASS).
 * Build: cc alice_experiment.c $(pkg-config --cflags --libs datajoint)
 */
#include <stdio.h>

#include <datajoint.h>

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "alice_experiment";
    dj_error err;
    dj_schema *schema;
    if (dj_schema_open(&schema, name, NULL, &err) != 0) {
        fprintf(stderr, "cannot open schema %s: %s\n", name, err.message);
        return 1;
    }
    printf("schema `%s` %s\n", dj_schema_name(schema),
           dj_schema_created(schema) ? "created" : "already exists");
    dj_schema_close(schema);
    dj_conn_default_close();
    return 0;
}
