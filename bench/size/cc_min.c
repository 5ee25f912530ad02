/*
 * cc_min.c - the same program as dj_min.c on MariaDB Connector/C: connect
 * and create a schema if it is missing, for bench/sizes.
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *host = getenv("DJ_TEST_HOST"), *port = getenv("DJ_TEST_PORT");
    const char *user = getenv("DJ_TEST_NATIVE_USER"), *pass = getenv("DJ_TEST_NATIVE_PASS");
    if (argc != 2 || !host || !port || !user || !pass) {
        fputs("usage: cc_min SCHEMA (with DJ_TEST_HOST, _PORT, _NATIVE_USER, _NATIVE_PASS)\n",
              stderr);
        return 2;
    }
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s`", argv[1]);
    MYSQL *m = mysql_init(NULL);
    int rc = !m || !mysql_real_connect(m, host, user, pass, NULL, (unsigned)atoi(port), NULL, 0) ||
             mysql_query(m, sql);
    if (rc)
        fprintf(stderr, "cc_min: %s\n", m ? mysql_error(m) : "mysql_init failed");
    mysql_close(m);
    return rc;
}
