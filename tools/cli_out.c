/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_out.c - the tool's two output streams: a small buffered writer over a
 * file descriptor. The tool does not use stdio for its own output so that a
 * static rig build carries neither stdio's writers nor printf (issue 6's
 * size budget); formatting is the library's printf subset (lib/core/fmt.c).
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fmt.h"

#define DJ__CLI_MIN(a, b) ((a) < (b) ? (a) : (b))

/* As stdio does: stderr is written at every call; stdout line by line on a
 * terminal (checked on first use), else in full buffers. */
static char stdout_buf[4096], stderr_buf[512];
dj__cli_out dj__cli_stdout = {STDOUT_FILENO, DJ__CLI_UNKNOWN, 0, stdout_buf, sizeof stdout_buf, 0};
dj__cli_out dj__cli_stderr = {STDERR_FILENO, DJ__CLI_AT_ONCE, 0, stderr_buf, sizeof stderr_buf, 0};

int dj__cli_flush(dj__cli_out *o)
{
    size_t done = 0;
    while (done < o->len && !o->error) {
        ssize_t n = write(o->fd, o->buf + done, o->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            o->error = n < 0 ? errno : EIO;
        else
            done += (size_t)n;
    }
    o->len = 0;
    return o->error;
}

/* Ends one call that wrote p[0..n). */
static void end_call(dj__cli_out *o, const char *p, size_t n)
{
    if (o->mode == DJ__CLI_UNKNOWN)
        o->mode = isatty(o->fd) ? DJ__CLI_BY_LINE : DJ__CLI_BUFFERED;
    if (o->mode == DJ__CLI_AT_ONCE || (o->mode == DJ__CLI_BY_LINE && memchr(p, '\n', n)))
        dj__cli_flush(o);
}

static void append(dj__cli_out *o, const char *p, size_t n)
{
    while (n > 0) {
        if (o->len == o->cap)
            dj__cli_flush(o);
        size_t take = DJ__CLI_MIN(n, o->cap - o->len);
        memcpy(o->buf + o->len, p, take);
        o->len += take;
        p += take;
        n -= take;
    }
}

void dj__cli_write(dj__cli_out *o, const char *p, size_t n)
{
    append(o, p, n);
    end_call(o, p, n);
}

void dj__cli_puts(dj__cli_out *o, const char *s)
{
    dj__cli_write(o, s, strlen(s));
}

void dj__cli_putc(dj__cli_out *o, char c)
{
    dj__cli_write(o, &c, 1);
}

void dj__cli_vprintf(dj__cli_out *o, const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    size_t n = dj__vfmt(small, sizeof small, fmt, ap);
    /* Long messages are rare (a whole SQL statement in an error). */
    char *big = n < sizeof small ? NULL : malloc(n + 1);
    if (big)
        dj__vfmt(big, n + 1, fmt, again);
    else
        n = DJ__CLI_MIN(n, sizeof small - 1);
    va_end(again);
    dj__cli_write(o, big ? big : small, n);
    free(big);
}

void dj__cli_printf(dj__cli_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dj__cli_vprintf(o, fmt, ap);
    va_end(ap);
}
