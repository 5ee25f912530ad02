/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_blob.c - `dj blob decode` and `dj blob encode`: a DataJoint blob (the
 * bytes of a longblob attribute, raw or as hex with --hex) to one line of
 * JSON describing its value, and back; or a numeric array to and from a
 * NumPy .npy file (--npy FILE). No server involved.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Hex text (whitespace ignored, as `xxd -p` wraps it) to bytes, in place. */
static int unhex(char *text, size_t *len)
{
    size_t n = 0;
    int hi = -1;
    for (size_t i = 0; i < *len; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        int x = hexval(c);
        if (x < 0) {
            dj__cli_printf(DJ__ERR, "dj: --hex input has a non-hex character at byte %zu\n", i);
            return DJ__CLI_FAILED;
        }
        if (hi < 0)
            hi = x;
        else {
            text[n++] = (char)(hi << 4 | x);
            hi = -1;
        }
    }
    if (hi >= 0) {
        dj__cli_puts(DJ__ERR, "dj: --hex input has an odd number of digits\n");
        return DJ__CLI_FAILED;
    }
    *len = n;
    return DJ__CLI_OK;
}

static int write_file(const char *path, const unsigned char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    while (fd >= 0 && n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        p += w;
        n -= (size_t)w;
    }
    int e = errno;
    if (fd < 0 || n > 0 || close(fd) != 0) {
        if (fd >= 0 && n > 0)
            close(fd);
        dj__cli_printf(DJ__ERR, "dj: cannot write %s: %s\n", path, strerror(e));
        return DJ__CLI_FAILED;
    }
    return DJ__CLI_OK;
}

/* args: flag[0] --hex, value[0] --npy FILE */
int dj__cli_blob_decode(dj__cli *cli, const dj__cli_args *args)
{
    (void)cli;
    char *in;
    size_t len;
    int rc = dj__cli_read_stdin(&in, &len);
    if (rc == 0 && args->flag[0])
        rc = unhex(in, &len);
    dj_val *v = NULL;
    dj_error err;
    if (rc == 0 && dj_blob_decode(in, len, 0, NULL, &v, &err)) {
        dj__cli_report(&err);
        rc = DJ__CLI_FAILED;
    }
    if (rc == 0 && args->value[0]) {
        unsigned char *npy;
        size_t n;
        rc = dj__cli_npy_write(v, &npy, &n);
        if (rc == 0) {
            rc = write_file(args->value[0], npy, n);
            free(npy);
        }
    } else if (rc == 0) {
        char *json;
        if (dj_val_to_json(v, &json, &len, &err)) {
            dj__cli_report(&err);
            rc = DJ__CLI_FAILED;
        } else {
            dj__cli_write(DJ__OUT, json, len);
            dj__cli_putc(DJ__OUT, '\n');
            dj_blob_free(v, (unsigned char *)json);
        }
    }
    dj_val_free(v);
    free(in);
    return dj__cli_finish_output(rc);
}

int dj__cli_blob_encode(dj__cli *cli, const dj__cli_args *args)
{
    (void)cli;
    char *in = NULL;
    size_t len;
    int rc;
    dj_val *v = NULL;
    dj_error err;
    if (args->value[0]) {
        int fd = open(args->value[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            dj__cli_printf(DJ__ERR, "dj: cannot open %s: %s\n", args->value[0], strerror(errno));
            return DJ__CLI_FAILED;
        }
        rc = dj__cli_read_fd(fd, args->value[0], &in, &len);
        close(fd);
        if (rc == 0)
            rc = dj__cli_npy_read((const unsigned char *)in, len, &v);
    } else {
        rc = dj__cli_read_stdin(&in, &len);
        if (rc == 0 && dj_val_from_json(in, len, NULL, &v, &err)) {
            dj__cli_report(&err);
            rc = DJ__CLI_USAGE;
        }
    }
    free(in);
    unsigned char *blob = NULL;
    if (rc == 0 && dj_blob_encode(v, 0, &blob, &len, &err)) {
        dj__cli_report(&err);
        rc = DJ__CLI_FAILED;
    }
    if (rc == 0 && args->flag[0]) {
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < len; i++) {
            dj__cli_putc(DJ__OUT, hex[blob[i] >> 4]);
            dj__cli_putc(DJ__OUT, hex[blob[i] & 15]);
        }
        dj__cli_putc(DJ__OUT, '\n');
    } else if (rc == 0) {
        dj__cli_write(DJ__OUT, (const char *)blob, len);
    }
    if (blob)
        dj_blob_free(v, blob);
    dj_val_free(v);
    return dj__cli_finish_output(rc);
}
