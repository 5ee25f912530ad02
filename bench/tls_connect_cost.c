/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls_connect_cost.c - client CPU time per TLS connect: libdatajoint (one
 * TLS context per configuration, reused by dj_reconnect, with session
 * resumption) against MariaDB Connector/C (a fresh context per connect).
 * A measurement, not a test: it prints numbers and asserts nothing.
 *
 *   tls_connect_cost HOST PORT USER PASSWORD [N]
 *
 * Both clients log in over TLS without verifying the certificate (DataJoint's
 * default use_tls=None, Connector/C's default), then close. CPU time is the
 * process's user + system time from getrusage, so server work does not count.
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "datajoint.h"

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int ours(const char *host, unsigned port, const char *user, const char *pw, int n,
                int reuse, double *per)
{
    dj_config cfg;
    dj_config_init(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "%s", host);
    cfg.port = port;
    snprintf(cfg.user, sizeof cfg.user, "%s", user);
    snprintf(cfg.password, sizeof cfg.password, "%s", pw);
    cfg.tls_mode = DJ_TLS_REQUIRED;
    dj_error err;
    dj_conn *c = NULL;
    if (reuse && dj_connect(&c, &cfg, &err) != 0) {
        fprintf(stderr, "libdatajoint: %s\n", err.message);
        return 1;
    }
    double t0 = cpu_ms();
    for (int i = 0; i < n; i++) {
        int rc = reuse ? dj_reconnect(c, &err) : dj_connect(&c, &cfg, &err);
        if (rc != 0 || !dj_tls_version(c)) {
            fprintf(stderr, "libdatajoint: %s\n", rc ? err.message : "no TLS");
            return 1;
        }
        if (!reuse)
            dj_close(c);
    }
    *per = (cpu_ms() - t0) / n;
    if (reuse)
        dj_close(c);
    return 0;
}

static int connector_c(const char *host, unsigned port, const char *user, const char *pw, int n,
                       double *per)
{
    double t0 = cpu_ms();
    for (int i = 0; i < n; i++) {
        MYSQL *m = mysql_init(NULL);
        my_bool enforce = 1;
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
        if (!mysql_real_connect(m, host, user, pw, NULL, port, NULL, 0) ||
            !mysql_get_ssl_cipher(m)) {
            fprintf(stderr, "Connector/C: %s\n", mysql_error(m));
            mysql_close(m);
            return 1;
        }
        mysql_close(m);
    }
    *per = (cpu_ms() - t0) / n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD [N]\n", argv[0]);
        return 2;
    }
    unsigned port = (unsigned)atoi(argv[2]);
    int n = argc > 5 ? atoi(argv[5]) : 200;
    double reused = 0, fresh = 0, cc = 0;
    if (ours(argv[1], port, argv[3], argv[4], n, 1, &reused) ||
        ours(argv[1], port, argv[3], argv[4], n, 0, &fresh) ||
        connector_c(argv[1], port, argv[3], argv[4], n, &cc))
        return 1;
    printf("client CPU per TLS connect over %d connects (ms):\n", n);
    printf("  libdatajoint, context reused + session resumption (dj_reconnect): %.2f\n", reused);
    printf("  libdatajoint, new connection object each time (dj_connect):       %.2f\n", fresh);
    printf("  MariaDB Connector/C %s (mysql_real_connect):            %.2f\n",
           mysql_get_client_info(), cc);
    printf("  ratio reused / Connector/C: %.3f\n", reused / cc);
    return 0;
}
