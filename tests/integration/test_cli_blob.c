/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cli_blob.c - `dj blob decode` and `dj blob encode` as a shell user
 * runs them: the built dj started with posix_spawn, stdin from a file,
 * stdout and stderr captured. No server is involved: the commands never
 * connect (DJ_HOST points nowhere to prove it).
 */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char dir[PATH_MAX];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dj-cli-blob-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

static void put(const char *name, const void *p, size_t n)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static char *get(const char *name, size_t *len)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "no %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *copy = malloc(n + 1);
    memcpy(copy, buf, n + 1);
    if (len)
        *len = n;
    return copy;
}

/* Runs dj with args, stdin from file `in` in the test dir; out/err there too. */
static int dj(const char *in, const char *const *args)
{
    const char *top = getenv("DJ_TOP_BUILDDIR");
    cr_assert_not_null(top, "DJ_TOP_BUILDDIR is not set: run through make check");
    char prog[PATH_MAX], pin[PATH_MAX + 64], pout[PATH_MAX + 64], perr[PATH_MAX + 64];
    snprintf(prog, sizeof prog, "%s/tools/dj", top);
    snprintf(pin, sizeof pin, "%s/%s", dir, in);
    snprintf(pout, sizeof pout, "%s/out", dir);
    snprintf(perr, sizeof perr, "%s/err", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, pin, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, pout, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, perr, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *argv[16];
    int n = 0;
    argv[n++] = prog;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    pid_t pid;
    setenv("DJ_HOST", "192.0.2.1", 1);
    cr_assert_eq(posix_spawn(&pid, prog, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TestSuite(cli_blob, .init = setup, .fini = teardown);

Test(cli_blob, decode_hex_prints_the_description)
{
    /* datajoint-python's blob of "hello" (py_str_ascii vector) */
    const char *hex = "646a300005050000000000000068656c6c6f\n";
    put("in", hex, strlen(hex));
    cr_assert_eq(dj("in", (const char *[]){"blob", "decode", "--hex", NULL}), 0);
    char *out = get("out", NULL);
    cr_expect_str_eq(out, "{\"str\": \"hello\"}\n");
    free(out);
}

Test(cli_blob, encode_then_decode_raw)
{
    const char *json = "{\"array\": {\"class\": \"int16\", \"complex\": false, \"data\": [1, -2, 3], "
                       "\"shape\": [3]}}";
    put("in", json, strlen(json));
    cr_assert_eq(dj("in", (const char *[]){"blob", "encode", "--hex", NULL}), 0);
    char *out = get("out", NULL);
    /* byte for byte what datajoint-python stores for np.array([1, -2, 3], np.int16) */
    cr_expect_str_eq(out, "6d596d0041010000000000000003000000000000000a000000000000000100feff0300\n");
    free(out);
    cr_assert_eq(dj("in", (const char *[]){"blob", "encode", NULL}), 0);
    size_t n;
    char *raw = get("out", &n);
    cr_expect_eq(n, 35);
    put("raw", raw, n);
    free(raw);
    cr_assert_eq(dj("raw", (const char *[]){"blob", "decode", NULL}), 0);
    out = get("out", NULL);
    cr_expect(strncmp(out, json, strlen(json)) == 0 && strcmp(out + strlen(json), "\n") == 0,
              "%s", out);
    free(out);
}

Test(cli_blob, npy_round_trip_keeps_c_order_values)
{
    /* np.save of np.arange(6, dtype='<f4').reshape(2, 3): C order */
    unsigned char npy[192] = "\x93NUMPY\x01\x00"; /* 128-byte header + 24 bytes */
    const char *h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    size_t hl = strlen(h);
    memcpy(npy + 10, h, hl);
    while ((10 + hl + 1) % 64)
        npy[10 + hl++] = ' ';
    npy[10 + hl++] = '\n';
    npy[8] = (unsigned char)hl;
    npy[9] = 0;
    for (int i = 0; i < 6; i++) {
        float f = (float)i;
        unsigned u;
        memcpy(&u, &f, 4);
        for (int k = 0; k < 4; k++)
            npy[10 + hl + 4 * i + k] = (unsigned char)(u >> (8 * k));
    }
    put("a.npy", npy, 10 + hl + 24);
    put("empty", "", 0);
    char path[PATH_MAX + 64], back[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/a.npy", dir);
    snprintf(back, sizeof back, "%s/b.npy", dir);
    cr_assert_eq(dj("empty", (const char *[]){"blob", "encode", "--hex", "--npy", path, NULL}), 0);
    char *hex = get("out", NULL);
    put("hex", hex, strlen(hex));
    free(hex);
    cr_assert_eq(dj("hex", (const char *[]){"blob", "decode", "--hex", NULL}), 0);
    char *out = get("out", NULL);
    /* column-major in the blob: 0 3 1 4 2 5, as datajoint-python packs it */
    cr_expect_str_eq(out, "{\"array\": {\"class\": \"float32\", \"complex\": false, \"data\": "
                          "[\"0x0.0p+0\", \"0x1.8000000000000p+1\", \"0x1.0000000000000p+0\", "
                          "\"0x1.0000000000000p+2\", \"0x1.0000000000000p+1\", "
                          "\"0x1.4000000000000p+2\"], \"shape\": [2, 3]}}\n");
    free(out);
    cr_assert_eq(dj("hex", (const char *[]){"blob", "decode", "--hex", "--npy", back, NULL}), 0);
    size_t n;
    char *written = get("b.npy", &n);
    cr_assert(n > 10 && memcmp(written, "\x93NUMPY\x01\x00", 8) == 0);
    cr_expect(strstr(written + 10, "'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"));
    free(written);
}

Test(cli_blob, errors_are_reported)
{
    put("bad", "6d596d00\n", 9);
    cr_expect_eq(dj("bad", (const char *[]){"blob", "decode", "--hex", NULL}), 4);
    char *err = get("err", NULL);
    cr_expect(strstr(err, "malformed blob"), "%s", err);
    free(err);
    put("odd", "6d5\n", 4);
    cr_expect_eq(dj("odd", (const char *[]){"blob", "decode", "--hex", NULL}), 4);
    put("json", "{\"int\": 1.5}", 12);
    cr_expect_eq(dj("json", (const char *[]){"blob", "encode", NULL}), 2);
    err = get("err", NULL);
    cr_expect(strstr(err, "not an integer"), "%s", err);
    free(err);
    cr_expect_eq(dj("json", (const char *[]){"blob", "encode", "--bogus", NULL}), 2);
}
