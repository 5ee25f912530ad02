/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cc_min.c - the same program as dj_min.c on MariaDB Connector/C: connect
 * and create a schema if it is missing, for bench/sizes.
 */
#include <mysql.h>

#include "size_env.h"

int main(int argc, char **argv)
{
    size_server s;
    if (argc != 2) {
        fputs("usage: cc_min SCHEMA\n", stderr);
        return 2;
    }
    if (size_server_from_env("cc_min", &s))
        return 2;
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s`", argv[1]);
    MYSQL *m = mysql_init(NULL);
    int rc = !m || !mysql_real_connect(m, s.host, s.user, s.pass, NULL, s.port, NULL, 0) ||
             mysql_query(m, sql);
    if (rc)
        fprintf(stderr, "cc_min: %s\n", m ? mysql_error(m) : "mysql_init failed");
    mysql_close(m);
    return rc;
}
