/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_secrets.c - the configuration path leaves no copy of the password in
 * freed memory: loading a config file (flat and nested layouts), setting the
 * password by key, and clearing the configuration. The heap is watched by a
 * scanning allocator (tests/common/scan_alloc.h).
 */
#define _GNU_SOURCE 1 /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "../common/scan_alloc.h"
#include "datajoint.h"

#define SECRET "Zq9-config secret-4711"

static void write_config(char *path, size_t size, const char *json)
{
    snprintf(path, size, "/tmp/dj-secrets-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    size_t len = strlen(json);
    cr_assert_eq(write(fd, json, len), (ssize_t)len);
    close(fd);
}

static void load_leaves_no_secret(const char *json)
{
    scan_alloc state;
    dj_config cfg;
    dj_config_init(&cfg);
    cfg.allocator = scan_alloc_init(&state, SECRET);
    char path[64];
    write_config(path, sizeof path, json);
    dj_error err;
    int rc = dj_config_load_file(&cfg, path, &err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_str_eq(cfg.password, SECRET);
    cr_assert_gt(state.frees, 0, "the loader freed nothing: the scan proved nothing");
    cr_assert_eq(state.blocks_with_secret, 0, "%d freed block(s) still held the password",
                 state.blocks_with_secret);
    dj_config_clear(&cfg);
    cr_assert_null(memmem(&cfg, sizeof cfg, SECRET, strlen(SECRET)));
}

Test(secrets, flat_config_file_leaves_no_copy_of_the_password)
{
    load_leaves_no_secret("{\"database.host\": \"db\", \"database.password\": \"" SECRET "\"}");
}

Test(secrets, nested_config_file_leaves_no_copy_of_the_password)
{
    load_leaves_no_secret("{\"database\": {\"user\": \"u\", \"password\": \"" SECRET "\"}}");
}

Test(secrets, rejected_config_file_leaves_no_copy_of_the_password)
{
    scan_alloc state;
    dj_config cfg;
    dj_config_init(&cfg);
    cfg.allocator = scan_alloc_init(&state, SECRET);
    char path[64];
    write_config(path, sizeof path, "{\"database.password\": \"" SECRET "\", \"database.port\": [}");
    dj_error err;
    int rc = dj_config_load_file(&cfg, path, &err);
    unlink(path);
    cr_assert_eq(rc, DJ_ECONFIG);
    cr_assert_null(strstr(err.message, SECRET), "%s", err.message);
    cr_assert_eq(state.blocks_with_secret, 0);
    dj_config_clear(&cfg);
}
