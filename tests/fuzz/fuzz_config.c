/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_config.c - the configuration file parser: the JSON reader on its own
 * (every reported value checked against its documented shape), then the
 * whole dj_config_load_file on the same bytes through an in-memory file.
 */
#define _GNU_SOURCE 1
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dj/json.h"
#include "fuzz.h"

static int visit(const dj__json_value *v, void *ud)
{
    (void)ud;
    dj_fuzz_check(strlen(v->path) < DJ__JSON_MAX_SIZE);
    dj_fuzz_check(strlen(v->text) == v->len);
    dj_fuzz_check(v->line >= 1 && v->column >= 1);
    return 0;
}

static void load_as_file(const uint8_t *data, size_t size)
{
    int fd = memfd_create("dj-fuzz-config", 0);
    if (fd < 0)
        return;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        dj_config cfg;
        dj_error err;
        dj_config_init(&cfg);
        int rc = dj_config_load_file(&cfg, path, &err);
        dj_fuzz_check(rc == 0 || rc == DJ_ECONFIG || rc == DJ_ENOMEM || rc == DJ_ESYSTEM);
        dj_fuzz_check(memchr(cfg.host, 0, sizeof cfg.host) && memchr(cfg.user, 0, sizeof cfg.user));
        dj_config_clear(&cfg);
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj__json_error where;
    int rc = dj__json_parse((const char *)data, size, NULL, visit, NULL, &where);
    dj_fuzz_check(rc == 0 || rc == DJ_ECONFIG || rc == DJ_ENOMEM);
    load_as_file(data, size);
    return 0;
}
