/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_util.c - helpers every dj command shares: error reports and notices,
 * fields written the way `mysql --batch` writes them, and the questions the
 * tool asks (password, confirmation).
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- reporting ---- */

static char reporting_server[DJ_HOST_MAX + 16];

void dj__cli_report_server(const char *server)
{
    dj__fmt(reporting_server, sizeof reporting_server, "%s", server ? server : "");
}

void dj__cli_report(const dj_error *err)
{
    const char *message = err->message[0] ? err->message : dj_strerror(err->code);
    if (err->server_errno)
        dj__cli_printf(DJ__ERR, "dj: %s (errno %u, SQLSTATE %s%s%s)\n", message, err->server_errno,
                       err->sqlstate[0] ? err->sqlstate : "HY000",
                       reporting_server[0] ? "; server " : "", reporting_server);
    else
        dj__cli_printf(DJ__ERR, "dj: %s\n", message);
}

int dj__cli_fail(const dj_error *err)
{
    dj__cli_report(err);
    return DJ__CLI_FAILED;
}

int dj__cli_usage_error(const char *synopsis, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dj__cli_puts(DJ__ERR, "dj: ");
    dj__cli_vprintf(DJ__ERR, fmt, ap);
    va_end(ap);
    dj__cli_printf(DJ__ERR, "\nusage: dj [OPTIONS] %s   (see dj --help)\n",
                   synopsis ? synopsis : "COMMAND [ARGS]");
    return DJ__CLI_USAGE;
}

void dj__cli_log(dj_log_level level, const char *message, void *ud)
{
    dj__cli *cli = ud;
    cli->warnings += level == DJ_LOG_WARNING;
    if (level >= DJ_LOG_WARNING)
        dj__cli_printf(DJ__ERR, "dj: %s: %s\n", level == DJ_LOG_WARNING ? "warning" : "error",
                       message);
    else if (!cli->quiet)
        dj__cli_printf(DJ__ERR, "%s\n", message);
}

int dj__cli_word_index(const char *words, const char *text)
{
    int i = 0;
    for (const char *w = words; w && *w; w += strlen(w) + 1, i++)
        if (strcmp(w, text) == 0)
            return i;
    return -1;
}

int dj__cli_finish_output(int exit_code)
{
    int e = dj__cli_flush(DJ__OUT);
    if (e) {
        dj__cli_printf(DJ__ERR, "dj: cannot write the output: %s\n", strerror(e));
        if (exit_code == DJ__CLI_OK)
            return DJ__CLI_FAILED;
    }
    return exit_code;
}

/* ---- output ---- */

void dj__cli_put_field(dj__cli_out *out, const char *p, size_t len)
{
    if (!p) {
        dj__cli_write(out, "\\N", 2);
        return;
    }
    size_t plain_from = 0;
    for (size_t i = 0; i < len; i++) {
        char code;
        switch (p[i]) {
        case '\0': code = '0'; break;
        case '\t': code = 't'; break;
        case '\n': code = 'n'; break;
        case '\\': code = '\\'; break;
        default: continue;
        }
        char escaped[2] = {'\\', code};
        dj__cli_write(out, p + plain_from, i - plain_from);
        dj__cli_write(out, escaped, 2);
        plain_from = i + 1;
    }
    dj__cli_write(out, p + plain_from, len - plain_from);
}

void dj__cli_put_text(dj__cli_out *out, const char *s)
{
    dj__cli_put_field(out, s, strlen(s));
}

int dj__cli_open_existing(dj__cli *cli, const char *name, dj_schema **out, dj_error *err)
{
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = cli->conn;
    opts.create_schema = 0;
    int rc = dj_schema_open(out, name, &opts, err);
    if (rc == DJ_ESCHEMA_MISSING) /* the library's message speaks of Python's create_schema */
        dj__fmt(err->message, sizeof err->message,
                "schema `%.200s` does not exist; create it with `dj schema create %.200s`", name,
                name);
    return rc;
}

void dj__cli_put_between(dj__cli_out *out, const char *before, const char *s, const char *after)
{
    dj__cli_puts(out, before);
    dj__cli_put_text(out, s);
    dj__cli_puts(out, after);
}

void dj__cli_put_row(dj__cli_out *out, const dj_value *values, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (i > 0)
            dj__cli_putc(out, '\t');
        dj__cli_put_field(out, values[i].ptr, values[i].len);
    }
    dj__cli_putc(out, '\n');
}

/* ---- the password prompt ---- */

/* A signal arriving while echo is off must not leave the terminal mute, so
 * the handler needs the saved settings; a handler can only reach them here. */
static int echo_tty_fd = -1;
static struct termios echo_saved;
static const int echo_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void restore_echo_and_die(int sig)
{
    tcsetattr(echo_tty_fd, TCSAFLUSH, &echo_saved);
    set_handler(sig, SIG_DFL);
    raise(sig);
}

static void set_echo_signal_handlers(void (*handler)(int))
{
    for (size_t i = 0; i < sizeof echo_signals / sizeof echo_signals[0]; i++)
        set_handler(echo_signals[i], handler);
}

/* Turns echo off on tty; returns 1 when it must be turned back on. */
static int echo_off(int tty)
{
    if (tcgetattr(tty, &echo_saved) != 0)
        return 0;
    echo_tty_fd = tty;
    set_echo_signal_handlers(restore_echo_and_die);
    struct termios silent = echo_saved;
    silent.c_lflag &= (tcflag_t) ~(ECHO | ECHOE | ECHOK | ECHONL);
    if (tcsetattr(tty, TCSAFLUSH, &silent) != 0) {
        set_echo_signal_handlers(SIG_DFL);
        return 0;
    }
    return 1;
}

static void echo_on(int tty)
{
    tcsetattr(tty, TCSAFLUSH, &echo_saved);
    set_echo_signal_handlers(SIG_DFL);
    echo_tty_fd = -1;
}

/* Overwrites a secret through a volatile pointer, so the stores stay. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

static void write_all(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

/* Reads one line byte by byte: a buffered read would take what follows it
 * (the SQL of `dj -p query -`) and keep copies of a password. Returns the
 * length, or -1 when the line does not fit (the rest of it is consumed);
 * *ended is set when the input ended before a newline. */
static long read_line(int fd, char *out, size_t size, int *ended)
{
    size_t n = 0;
    int too_long = 0;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        *ended = got <= 0;
        if (got <= 0 || c == '\n')
            break;
        if (n + 1 < size)
            out[n++] = c;
        else
            too_long = 1;
        wipe(&c, 1);
    }
    if (n > 0 && out[n - 1] == '\r')
        n--;
    out[n] = '\0';
    if (too_long) {
        wipe(out, size);
        return -1;
    }
    return (long)n;
}

int dj__cli_read_password(char *out, size_t size)
{
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int restore = 0;
    if (tty >= 0) {
        write_all(tty, "Enter password: ");
        restore = echo_off(tty);
    }
    int ended;
    long n = read_line(tty >= 0 ? tty : STDIN_FILENO, out, size, &ended);
    if (tty >= 0) {
        if (restore)
            echo_on(tty);
        write_all(tty, "\n");
        close(tty);
    }
    if (n < 0) {
        dj__cli_printf(DJ__ERR, "dj: the password is longer than %zu bytes\n", size - 1);
        return DJ__CLI_USAGE;
    }
    return 0;
}

/* ---- confirmation ---- */

/* Trims blanks around s in place and lower-cases ASCII letters. */
static void normalize_answer(char *s)
{
    size_t start = 0, end = strlen(s);
    while (start < end && (s[start] == ' ' || s[start] == '\t'))
        start++;
    while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' ||
                           s[end - 1] == '\r'))
        end--;
    for (size_t i = start; i < end; i++)
        s[i - start] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    s[end - start] = '\0';
}

/* Reads one line of stdin; a longer line than fits is consumed and comes back
 * as "?" (not an answer). Returns 0 at the end of input. */
static int read_answer(char *line, size_t size)
{
    int ended = 0;
    long n = read_line(STDIN_FILENO, line, size, &ended);
    if (n < 0)
        strcpy(line, "?");
    return n != 0 || !ended;
}

int dj__cli_confirm(const char *prompt, void *ud)
{
    const dj__cli *cli = ud;
    int interactive = isatty(STDIN_FILENO);
    int show = interactive || !cli->quiet;
    char line[64];
    for (;;) {
        if (show) {
            dj__cli_flush(DJ__OUT);
            dj__cli_printf(DJ__ERR, "%s [yes, No]: ", prompt);
        }
        int got = read_answer(line, sizeof line);
        /* A terminal echoes the answer and its newline; piped answers do not. */
        if (show && (!interactive || !got))
            dj__cli_putc(DJ__ERR, '\n');
        if (!got)
            return 0;
        normalize_answer(line);
        if (line[0] == '\0' || strcmp(line, "no") == 0)
            return 0;
        if (strcmp(line, "yes") == 0)
            return 1;
    }
}

/* ---- stdin ---- */

int dj__cli_read_fd(int fd, const char *what, char **out, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf && n + 1 == cap) {
            char *bigger = cap > ((size_t)-1) / 2 ? NULL : realloc(buf, cap * 2);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
        }
        if (!buf) {
            dj__cli_printf(DJ__ERR, "dj: out of memory reading %s\n", what);
            return DJ__CLI_FAILED;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            dj__cli_printf(DJ__ERR, "dj: cannot read %s: %s\n", what, strerror(e));
            return DJ__CLI_FAILED;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int dj__cli_read_stdin(char **out, size_t *len)
{
    return dj__cli_read_fd(STDIN_FILENO, "standard input", out, len);
}
