/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cc_stream.c - the same as dj_stream.c on MariaDB Connector/C
 * (mysql_use_result), linked statically by bench/sizes.
 */
#include <mysql.h>

#include "size_env.h"

int main(void)
{
    size_server s;
    if (size_server_from_env("cc_stream", &s))
        return 2;
    static const char sql[] =
        "SELECT seq, seq*2, CONCAT('row', seq) FROM djbench.seq_1_to_1000000";
    MYSQL *m = mysql_init(NULL);
    MYSQL_RES *res = NULL;
    size_t rows = 0;
    if (m && mysql_real_connect(m, s.host, s.user, s.pass, NULL, s.port, NULL, 0) &&
        mysql_real_query(m, sql, sizeof sql - 1) == 0 && (res = mysql_use_result(m)) != NULL)
        while (mysql_fetch_row(res))
            rows++;
    int failed = !m || mysql_errno(m) || rows != 1000000;
    if (failed)
        fprintf(stderr, "cc_stream: %s (%zu rows)\n", m ? mysql_error(m) : "mysql_init failed",
                rows);
    if (res)
        mysql_free_result(res);
    mysql_close(m);
    if (failed)
        return 1;
    size_print_peak_kb();
    return 0;
}
