/* SPDX-License-Identifier: Apache-2.0 */
/*
 * size_env.h - what the size and memory programs share: the server from the
 * DJ_TEST_* variables, and the peak resident memory report. Header-only, so
 * each program stays one compile-and-link command in bench/sizes.
 */
#ifndef DJ_BENCH_SIZE_ENV_H
#define DJ_BENCH_SIZE_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct size_server {
    const char *host, *user, *pass;
    unsigned port;
} size_server;

/* Reads the server and the native-password account; 0, or -1 after a usage
 * message naming the program. */
static inline int size_server_from_env(const char *prog, size_server *s)
{
    const char *port = getenv("DJ_TEST_PORT");
    s->host = getenv("DJ_TEST_HOST");
    s->user = getenv("DJ_TEST_NATIVE_USER");
    s->pass = getenv("DJ_TEST_NATIVE_PASS");
    if (!s->host || !port || !s->user || !s->pass) {
        fprintf(stderr, "%s: needs DJ_TEST_HOST, _PORT, _NATIVE_USER and _NATIVE_PASS\n", prog);
        return -1;
    }
    s->port = (unsigned)atoi(port);
    return 0;
}

/* Prints the process's peak resident memory (VmHWM) in KiB. */
static inline void size_print_peak_kb(void)
{
    char line[128];
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            printf("%ld\n", strtol(line + 6, NULL, 10));
    if (f)
        fclose(f);
}

#ifdef DATAJOINT_H
/* A libdatajoint configuration for that server. */
static inline void size_dj_config(dj_config *cfg, const size_server *s)
{
    dj_config_init(cfg);
    snprintf(cfg->host, sizeof cfg->host, "%s", s->host);
    cfg->port = s->port;
    snprintf(cfg->user, sizeof cfg->user, "%s", s->user);
    snprintf(cfg->password, sizeof cfg->password, "%s", s->pass);
}
#endif

#endif
