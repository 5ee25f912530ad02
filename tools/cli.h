/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - what the files of the `dj` command-line tool share: the state of
 * one run, the exit codes, and the helpers every command uses.
 */
#ifndef DJ_CLI_H
#define DJ_CLI_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>

#include "core/fmt.h"
#include "datajoint.h"

/* The exit codes; `dj --help` and docs/dj.1 document the same table. */
enum dj__cli_exit {
    DJ__CLI_OK = 0,      /* done, or a positive answer */
    DJ__CLI_NO = 1,      /* a negative answer: no such schema, drop declined */
    DJ__CLI_USAGE = 2,   /* bad command line, bad name or bad configuration */
    DJ__CLI_CONNECT = 3, /* could not connect to the server or log in */
    DJ__CLI_FAILED = 4   /* the server refused, or something failed after connecting */
};

/* One run of the tool. */
typedef struct dj__cli {
    dj_config cfg;                 /* effective configuration */
    char loaded_from[DJ_PATH_MAX]; /* config file that was read, "" for none */
    int quiet;                     /* -q: no notices, no confirmations, no counts */
    unsigned warnings;             /* warnings the library reported (unknown config keys) */
    dj_conn *conn;                 /* open while a command that needs the server runs */
} dj__cli;

/* A command's arguments after its words: the positionals in order, a 1
 * for each of its options that was given (in the order the command lists
 * them), and the values of its options that take one (NULL when not given). */
#define DJ__CLI_MAX_POSITIONALS 2
#define DJ__CLI_MAX_FLAGS 3
#define DJ__CLI_MAX_VALUES 2
typedef struct dj__cli_args {
    const char *pos[DJ__CLI_MAX_POSITIONALS];
    int flag[DJ__CLI_MAX_FLAGS];
    const char *value[DJ__CLI_MAX_VALUES];
} dj__cli_args;

/* ---- commands (each returns an exit code) ---- */

int dj__cli_schema_create(dj__cli *cli, const dj__cli_args *args);
int dj__cli_schema_exists(dj__cli *cli, const dj__cli_args *args);
int dj__cli_schema_list(dj__cli *cli, const dj__cli_args *args);
int dj__cli_schema_tables(dj__cli *cli, const dj__cli_args *args);
int dj__cli_schema_drop(dj__cli *cli, const dj__cli_args *args);
int dj__cli_query(dj__cli *cli, const dj__cli_args *args);
int dj__cli_ping(dj__cli *cli, const dj__cli_args *args);
int dj__cli_table_declare(dj__cli *cli, const dj__cli_args *args);
int dj__cli_table_describe(dj__cli *cli, const dj__cli_args *args);
/* dj table insert SCHEMA CLASS [--skip-duplicates] (cli_table_insert.c) */
int dj__cli_table_insert(dj__cli *cli, const dj__cli_args *args);

/* dj blob decode|encode [--hex] [--npy FILE] (cli_blob.c), and the .npy
 * format it uses for numeric arrays (cli_npy.c): an array to a malloc'ed
 * file image, and a file image to an array; exit codes. */
int dj__cli_blob_decode(dj__cli *cli, const dj__cli_args *args);
int dj__cli_blob_encode(dj__cli *cli, const dj__cli_args *args);
int dj__cli_npy_write(const dj_val *v, unsigned char **out, size_t *len);
int dj__cli_npy_read(const unsigned char *b, size_t len, dj_val **out);

/* Opens a schema that must exist (a typo must not create one) on the
 * command's connection; dj_schema_open's status (cli_util.c). */
int dj__cli_open_existing(dj__cli *cli, const char *name, dj_schema **out, dj_error *err);

/* ---- reporting (cli_util.c) ---- */

/* Prints "dj: message" and, for server errors, "(errno N, SQLSTATE S; server
 * HOST:PORT)" naming the server set last by dj__cli_report_server. */
void dj__cli_report(const dj_error *err);
void dj__cli_report_server(const char *server);
/* Reports err and returns DJ__CLI_FAILED: for failures after connecting. */
int dj__cli_fail(const dj_error *err);
/* Prints "dj: message", the synopsis (NULL: the general one) and a hint to
 * --help; returns DJ__CLI_USAGE. */
int dj__cli_usage_error(const char *synopsis, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The library's log callback: notices to stderr (none with -q), ud is the
 * dj__cli, whose warnings it counts. */
void dj__cli_log(dj_log_level level, const char *message, void *ud);
/* The position of text among packed words ("a\0b\0", NULL for none), or -1. */
int dj__cli_word_index(const char *words, const char *text);
/* Flushes stdout; a write error turns an OK run into DJ__CLI_FAILED. */
int dj__cli_finish_output(int exit_code);

/* ---- output streams (cli_out.c) ---- */

/* A buffered writer over a file descriptor. */
enum dj__cli_out_mode { DJ__CLI_UNKNOWN, DJ__CLI_AT_ONCE, DJ__CLI_BY_LINE, DJ__CLI_BUFFERED };
typedef struct dj__cli_out {
    int fd;
    int mode;    /* enum dj__cli_out_mode; UNKNOWN until the first write */
    int error;   /* the first write error (an errno value), 0 for none */
    char *buf;   /* a static array, so that the program's file carries no buffer */
    size_t cap;
    size_t len;  /* bytes waiting in buf */
} dj__cli_out;

extern dj__cli_out dj__cli_stdout, dj__cli_stderr;
#define DJ__OUT (&dj__cli_stdout)
#define DJ__ERR (&dj__cli_stderr)

void dj__cli_write(dj__cli_out *o, const char *p, size_t n);
void dj__cli_puts(dj__cli_out *o, const char *s); /* no newline added */
void dj__cli_putc(dj__cli_out *o, char c);
/* The library's printf subset (lib/core/fmt.h). */
void dj__cli_printf(dj__cli_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void dj__cli_vprintf(dj__cli_out *o, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
/* Writes out what is buffered; returns the stream's first write error (errno) or 0. */
int dj__cli_flush(dj__cli_out *o);

/* ---- output in `mysql --batch` form (cli_util.c) ---- */

/* One field: \0 \t \n and \ escaped with a backslash, SQL NULL (p == NULL) as \N. */
void dj__cli_put_field(dj__cli_out *out, const char *p, size_t len);
/* A NUL-terminated string as one field. */
void dj__cli_put_text(dj__cli_out *out, const char *s);
/* before and after as they are, around s as one field: the messages that
 * quote a name. */
void dj__cli_put_between(dj__cli_out *out, const char *before, const char *s, const char *after);
/* Fields separated by tabs, ended by a newline. */
void dj__cli_put_row(dj__cli_out *out, const dj_value *values, unsigned count);

/* ---- rows for scripts: --format (cli_format.c) ---- */

enum dj__cli_format { DJ__CLI_TSV, DJ__CLI_CSV, DJ__CLI_JSON };
/* How JSON writes a column's values: strings, numbers as they are, or the
 * bytes of a binary value one code point each. */
enum dj__cli_kind { DJ__CLI_TEXT, DJ__CLI_NUMBER, DJ__CLI_BYTES };

/* The shape of the rows a command prints. */
typedef struct dj__cli_rows {
    int format;               /* enum dj__cli_format */
    unsigned count;           /* columns */
    const char *const *names; /* the header, and the keys of JSON objects */
    const unsigned char *kinds; /* enum dj__cli_kind per column; NULL: all text */
} dj__cli_rows;

/* Parses "tsv", "csv" or "json" (NULL is tsv); a usage error otherwise. */
int dj__cli_parse_format(const char *text, int *format);
/* The line of column names (tsv, csv); nothing for json, whose rows carry them. */
void dj__cli_rows_header(const dj__cli_rows *rows);
/* One row: tsv as dj__cli_put_row; csv per RFC 4180 with CRLF line ends,
 * NULL an empty field and the empty string ""; json one object a line,
 * NULL as null. */
void dj__cli_rows_put(const dj__cli_rows *rows, const dj_value *values);
/* The same for NUL-terminated texts (NULL is SQL NULL), at most
 * DJ__CLI_MAX_TEXT_COLUMNS of them. */
#define DJ__CLI_MAX_TEXT_COLUMNS 8
void dj__cli_rows_text(const dj__cli_rows *rows, const char *const *texts);

/* ---- statements (cli_split.c) ---- */

/* Where a second statement starts in sql (after a ';' outside quotes,
 * backticks and comments), or len when there is one statement (trailing
 * ';'s and comments are fine); *first_end is where the first statement's
 * ';' is (len when it has none): what is sent. */
size_t dj__cli_second_statement(const char *sql, size_t len, size_t *first_end);

/* ---- input (cli_util.c) ---- */

/* Asks for the password on the terminal with echo off (stdin without a
 * terminal); fills out. Returns 0, or DJ__CLI_USAGE after reporting why not. */
int dj__cli_read_password(char *out, size_t size);
/* A dj_confirm_fn: asks prompt + " [yes, No]: " and reads answers from stdin
 * until one is yes or no (empty = no, end of input = no). ud is the dj__cli. */
int dj__cli_confirm(const char *prompt, void *ud);
/* Reads all of stdin into a malloc'ed buffer (NUL-terminated); the caller frees. */
int dj__cli_read_stdin(char **out, size_t *len);
/* The same for an open file descriptor; what names it in error messages. */
int dj__cli_read_fd(int fd, const char *what, char **out, size_t *len);

#endif
