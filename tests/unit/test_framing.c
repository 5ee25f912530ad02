/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_framing.c - strict result framing against a scripted server (issue
 * 16): OK packets whose info or session-state data run past their end, a
 * max_allowed_packet below the protocol's minimum, the binary protocol lying
 * about counts, NULL bitmaps and lengths, a LOCAL INFILE request after
 * COM_STMT_EXECUTE, and the truncation sweep run end to end through the
 * `dj` binary: every cut must make dj exit 3 (connect) or 4 (after it),
 * never 0.
 */
#include "scripted/fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(framing, .init = fx_setup, .fini = fx_teardown, .timeout = 120);

/* A coldef for column "c" (VAR_STRING), as in test_hostile.c. */
#define COLDEF_C "03 64 65 66 01 73 01 74 01 74 01 63 01 63 0c 2d 00 00 04 00 00 fd 00 00 00 00 00"
/* The OK that ends a result under DEPRECATE_EOF: no rows affected, autocommit. */
#define END_OK "fe 00 00 02 00 00 00"

static void script_session(void)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "16777216");
}

/* The same without DEPRECATE_EOF: results end in 5-byte EOF packets. */
#define EOF_PKT "fe 00 00 02 00"
static void script_session_eof(void)
{
    ss_greeting g = ss_greeting_default();
    g.capabilities &= ~DJ__CLIENT_DEPRECATE_EOF;
    ss_script_login(fx.srv, &g);
    for (int i = 0; i < 4; i++)
        ss_expect(fx.srv, 0, "03");
    ss_send_hex(fx.srv, 1, "00 00 00 02 00 00 00");
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, EOF_PKT);
    ss_send_hex(fx.srv, 4, "08 31 36 37 37 37 32 31 36");
    ss_send_hex(fx.srv, 5, EOF_PKT);
    for (int probe = 1; probe < 3; probe++) {
        ss_send_hex(fx.srv, 1, "02");
        ss_send_hex(fx.srv, 2, COLDEF_C);
        ss_send_hex(fx.srv, 3, COLDEF_C);
        ss_send_hex(fx.srv, 4, EOF_PKT);
        ss_send_hex(fx.srv, 5, EOF_PKT);
    }
}

/* The statement's answer is `ok_hex` alone (seq 1); dj_exec must fail with
 * DJ_EPROTO naming `needle` and leave the connection closed. */
static void check_exec_ok_refused(const char *ok_hex, const char *needle)
{
    script_session();
    ss_expect(fx.srv, 0, "03");
    ss_send_hex(fx.srv, 1, ok_hex);
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    fx_assert_error(dj_exec(fx.conn, "DO 1", NULL, &fx.err), DJ_EPROTO, needle);
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

/* The same OK as the end of a one-row result. */
static void check_result_end_refused(const char *ok_hex, const char *needle)
{
    script_session();
    ss_expect(fx.srv, 0, "03");
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, "01 31");
    ss_send_hex(fx.srv, 4, ok_hex);
    fx_assert_error(fx_query_all("SELECT 1"), DJ_EPROTO, needle);
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

/* ---- OK packets ---- */

Test(framing, ok_info_length_past_the_end_is_a_protocol_error)
{
    /* status, warnings, then info claiming 9 bytes where 2 follow */
    check_exec_ok_refused("00 00 00 02 00 00 00 09 61 62", "info runs past");
}

Test(framing, ok_info_with_a_long_length_past_the_end_is_a_protocol_error)
{
    check_exec_ok_refused("00 00 00 02 00 00 00 fc ff ff 61", "info runs past");
}

Test(framing, result_ending_ok_with_info_past_the_end_is_a_protocol_error)
{
    check_result_end_refused("fe 00 00 02 00 00 00 05 61", "info runs past");
}

Test(framing, ok_bytes_after_the_info_without_session_state_are_a_protocol_error)
{
    check_exec_ok_refused("00 00 00 02 00 00 00 01 61 07", "after its info");
}

Test(framing, session_state_block_past_the_end_is_a_protocol_error)
{
    /* status 0x4002: autocommit and session state changed; info empty; the
     * block claims 20 bytes */
    check_exec_ok_refused("00 00 00 02 40 00 00 00 14 01 03 02 64 62", "session-state");
}

Test(framing, session_state_entry_past_its_block_is_a_protocol_error)
{
    /* block of 4 bytes: schema entry whose data claims 9 */
    check_exec_ok_refused("00 00 00 02 40 00 00 00 04 01 09 02 64", "session-state");
}

Test(framing, session_state_variable_without_its_value_is_a_protocol_error)
{
    /* system variable entry holding a name only */
    check_exec_ok_refused("00 00 00 02 40 00 00 00 06 00 04 03 61 62 63", "session-state");
}

Test(framing, session_state_schema_with_trailing_bytes_is_a_protocol_error)
{
    check_exec_ok_refused("00 00 00 02 40 00 00 00 06 01 04 02 64 62 78", "session-state");
}

Test(framing, result_ending_ok_with_bad_session_state_is_a_protocol_error)
{
    check_result_end_refused("fe 00 00 02 40 00 00 00 03 05 05 01", "session-state");
}

Test(framing, well_formed_info_and_session_state_are_accepted)
{
    /* info "ok"; state: schema "db", system variable autocommit=ON, a GTID
     * entry, and an entry of a later kind (9), skipped */
    script_session();
    ss_expect(fx.srv, 0, "03");
    ss_send_hex(fx.srv, 1, "00 01 00 02 40 00 00 02 6f 6b 1c"
                           " 01 03 02 64 62"
                           " 00 0e 0a 61 75 74 6f 63 6f 6d 6d 69 74 02 4f 4e"
                           " 03 02 00 00"
                           " 09 01 7a");
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    dj_result_info info;
    cr_assert_eq(dj_exec(fx.conn, "USE db", &info, &fx.err), 0, "%s", fx.err.message);
    cr_assert_eq(info.affected_rows, 1);
    cr_assert(dj_is_connected(fx.conn));
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
}

Test(framing, eof_packet_longer_than_five_bytes_is_a_protocol_error)
{
    script_session_eof();
    ss_expect(fx.srv, 0, "03");
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, EOF_PKT);
    ss_send_hex(fx.srv, 4, "01 31");
    ss_send_hex(fx.srv, 5, "fe 00 00 02 00 00 00"); /* two bytes too many */
    fx_assert_error(fx_query_all("SELECT 1"), DJ_EPROTO, "EOF packet");
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

/* ---- max_allowed_packet below the minimum ---- */

typedef struct log_capture {
    char text[1024];
    int warnings;
} log_capture;

static void capture_log(dj_log_level level, const char *message, void *ud)
{
    log_capture *lc = ud;
    if (level == DJ_LOG_WARNING)
        lc->warnings++;
    strncat(lc->text, message, sizeof lc->text - strlen(lc->text) - 1);
}

Test(framing, max_allowed_packet_below_1024_is_ignored_with_a_warning)
{
    log_capture lc = {.text = "", .warnings = 0};
    fx.cfg.log_fn = capture_log;
    fx.cfg.log_ud = &lc;
    fx.cfg.loglevel = DJ_LOG_DEBUG;
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "1");
    /* a reply far above one byte must still be read */
    const char *const rows[] = {"a value of more than one byte"};
    ss_script_result(fx.srv, "c", 1, rows);
    int rc = fx_query_all("SELECT c");
    cr_assert_eq(rc, 0, "%s", fx.err.message);
    cr_assert_eq(lc.warnings, 1, "log: %s", lc.text);
    cr_assert_not_null(strstr(lc.text, "max_allowed_packet=1,"), "log: %s", lc.text);
    cr_assert_eq(dj_max_packet(fx.conn), DJ_DEFAULT_MAX_PACKET);
    const char *failure = fx_done();
    cr_assert_null(failure, "script: %s", failure);
}

Test(framing, max_allowed_packet_of_1024_is_obeyed)
{
    ss_greeting g = ss_greeting_default();
    ss_script_login(fx.srv, &g);
    ss_script_session(fx.srv, "1024");
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    cr_assert_eq(dj_max_packet(fx.conn), 1024);
    fx_done();
}

/* ---- the binary protocol ---- */

/* COM_STMT_PREPARE answer: statement 7, ncols columns, nparams parameters. */
static void send_prepare_ok(uint8_t seq, unsigned ncols, unsigned nparams)
{
    char hex[64];
    snprintf(hex, sizeof hex, "00 07 00 00 00 %02x %02x %02x %02x 00 00 00", ncols & 0xff,
             ncols >> 8, nparams & 0xff, nparams >> 8);
    ss_send_hex(fx.srv, seq, hex);
}

/* A prepare of "SELECT ?" answered as 1 parameter, 1 column, then an execute
 * answered with a one-column VAR_STRING result holding `row_hex`. */
static void script_execute_answered_with(const char *row_hex)
{
    script_session();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 1, 1);
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, COLDEF_C);
    ss_expect(fx.srv, 0, "17");
    ss_send_hex(fx.srv, 1, "01");
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, row_hex);
    ss_send_hex(fx.srv, 4, END_OK);
}

/* Prepares "SELECT ?", executes it with one string and fetches every row;
 * the first error (0 if none). */
static int prepare_execute_fetch(void)
{
    int rc = fx_connect();
    if (rc)
        return rc;
    dj_stmt *st;
    rc = dj_stmt_prepare(fx.conn, "SELECT ?", 8, &st, &fx.err);
    if (rc)
        return rc;
    dj_param p = {.type = DJ_PARAM_STRING, .v.bytes = {.ptr = "x", .len = 1}};
    dj_result *res;
    rc = dj_stmt_execute(st, &p, 1, &res, NULL, &fx.err);
    if (rc == 0) {
        const dj_value *v;
        while ((rc = dj_result_fetch(res, &v, &fx.err)) == 1)
            ;
        dj_result_close(res, NULL);
    }
    dj_stmt_close(st);
    return rc;
}

static void check_binary_row_refused(const char *row_hex, const char *needle)
{
    script_execute_answered_with(row_hex);
    fx_assert_error(prepare_execute_fetch(), DJ_EPROTO, needle);
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

Test(framing, binary_row_as_scripted_is_read)
{
    script_execute_answered_with("00 00 01 61");
    cr_assert_eq(prepare_execute_fetch(), 0, "%s", fx.err.message);
    fx_done();
}

Test(framing, binary_row_with_a_reserved_null_bit_is_a_protocol_error)
{
    check_binary_row_refused("00 01 01 61", "reserved NULL-bitmap bit");
}

Test(framing, binary_row_with_a_padding_null_bit_is_a_protocol_error)
{
    /* one column: bits 3..7 are padding */
    check_binary_row_refused("00 08 01 61", "reserved NULL-bitmap bit");
}

Test(framing, binary_row_null_by_bitmap_but_with_a_value_is_a_protocol_error)
{
    check_binary_row_refused("00 04 01 61", "after the 1 values");
}

Test(framing, binary_row_without_its_null_bitmap_is_a_protocol_error)
{
    check_binary_row_refused("00", "NULL bitmap cut short");
}

Test(framing, binary_row_value_length_past_the_end_is_a_protocol_error)
{
    check_binary_row_refused("00 00 05 61 62", "cut short");
}

Test(framing, binary_row_value_with_a_long_length_past_the_end_is_a_protocol_error)
{
    check_binary_row_refused("00 00 fd ff ff ff 61", "cut short");
}

Test(framing, binary_row_with_a_wrong_header_is_a_protocol_error)
{
    check_binary_row_refused("01 00 01 61", "header is not 0x00");
}

Test(framing, local_infile_request_after_execute_is_a_protocol_error_and_sends_nothing)
{
    script_session();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 0, 0);
    ss_expect(fx.srv, 0, "17");
    ss_send_hex(fx.srv, 1, "fb 2f 65 74 63 2f 70 61 73 73 77 64"); /* /etc/passwd */
    int rc = fx_connect();
    cr_assert_eq(rc, 0, "%s", fx.err.message);
    dj_stmt *st;
    cr_assert_eq(dj_stmt_prepare(fx.conn, "DO 1", 4, &st, &fx.err), 0, "%s", fx.err.message);
    size_t before = 0;
    fx_assert_error(dj_stmt_execute(st, NULL, 0, NULL, NULL, &fx.err), DJ_EPROTO, "LOCAL INFILE");
    cr_assert_not(dj_is_connected(fx.conn));
    dj_stmt_close(st);
    fx_done();
    /* the client's last packet is the execute: no file, not even an empty one */
    before = ss_packet_count(fx.srv);
    size_t len;
    uint8_t seq;
    const uint8_t *last = ss_packet(fx.srv, before - 1, &len, &seq);
    cr_assert_not_null(last);
    cr_assert_eq(last[0], 0x17, "last client packet starts with %02x", last[0]);
}

Test(framing, prepare_announcing_more_parameters_than_defined_is_a_protocol_error)
{
    /* without DEPRECATE_EOF the EOF after one definition comes where the
     * second was announced */
    script_session_eof();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 0, 2);
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, EOF_PKT);
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    dj_stmt *st = NULL;
    fx_assert_error(dj_stmt_prepare(fx.conn, "SELECT ?, ?", 11, &st, &fx.err), DJ_EPROTO,
                    "column definition");
    cr_assert_null(st);
    cr_assert_not(dj_is_connected(fx.conn));
    fx_done();
}

Test(framing, prepare_sending_more_definitions_than_announced_fails_the_next_read)
{
    /* one parameter announced, two definitions sent: the stray one is
     * refused where the execute's answer should start */
    script_session();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 0, 1);
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_send_hex(fx.srv, 3, COLDEF_C);
    ss_expect(fx.srv, 0, "17");
    ss_send_hex(fx.srv, 1, "00 00 00 02 00 00 00");
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    dj_stmt *st;
    cr_assert_eq(dj_stmt_prepare(fx.conn, "DO ?", 4, &st, &fx.err), 0, "%s", fx.err.message);
    dj_param p = {.type = DJ_PARAM_INT64, .v.i64 = 1};
    int rc = dj_stmt_execute(st, &p, 1, NULL, NULL, &fx.err);
    cr_assert_eq(rc, DJ_EPROTO, "got %d: %s", rc, fx.err.message);
    cr_assert_not(dj_is_connected(fx.conn));
    dj_stmt_close(st);
    fx_done();
}

Test(framing, prepare_announcing_definitions_never_sent_is_a_lost_connection)
{
    script_session();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 3, 2);
    ss_send_hex(fx.srv, 2, COLDEF_C);
    ss_close(fx.srv);
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    dj_stmt *st = NULL;
    fx_assert_error(dj_stmt_prepare(fx.conn, "SELECT ?, ?", 11, &st, &fx.err), DJ_ELOST,
                    "lost");
    cr_assert_null(st);
    fx_done();
}

Test(framing, prepare_with_fewer_parameters_than_given_sends_no_execute)
{
    /* the server says no parameters; the caller binds one: refused here */
    script_session();
    ss_expect(fx.srv, 0, "16");
    send_prepare_ok(1, 0, 0);
    cr_assert_eq(fx_connect(), 0, "%s", fx.err.message);
    dj_stmt *st;
    cr_assert_eq(dj_stmt_prepare(fx.conn, "DO ?", 4, &st, &fx.err), 0, "%s", fx.err.message);
    dj_param p = {.type = DJ_PARAM_INT64, .v.i64 = 1};
    fx_assert_error(dj_stmt_execute(st, &p, 1, NULL, NULL, &fx.err), DJ_EINVAL,
                    "takes 0 parameters");
    dj_stmt_close(st);
    fx_done();
    for (size_t i = 0; i < ss_packet_count(fx.srv); i++) {
        size_t len;
        uint8_t seq;
        const uint8_t *p0 = ss_packet(fx.srv, i, &len, &seq);
        cr_assert(len == 0 || p0[0] != 0x17, "an execute went out");
    }
}

/* ---- the truncation sweep through the dj binary ---- */

/* The server side of `dj query 'SELECT 1'`: login, session, then a result
 * of one column and one row "1". The result's packets are listed so that
 * each can also be cut short under a header that agrees. */
static const char *const select1_result[] = {"01", COLDEF_C, "01 31", END_OK};
/* The same from a server without DEPRECATE_EOF (MySQL 5.x). */
static const char *const select1_result_eof[] = {"01", COLDEF_C, EOF_PKT, "01 31", EOF_PKT};

typedef struct select1 {
    void (*session)(void);
    const char *const *packets;
    size_t count;
} select1;

static const select1 with_ok = {script_session, select1_result, DJ__ARRAY_LEN(select1_result)};
static const select1 with_eof = {script_session_eof, select1_result_eof,
                                 DJ__ARRAY_LEN(select1_result_eof)};

static void script_select1(const select1 *v, size_t cut_packet, size_t cut_len)
{
    v->session();
    ss_expect(fx.srv, 0, "03");
    for (size_t i = 0; i < v->count; i++) {
        uint8_t *bytes;
        size_t n = ss_hex_bytes(v->packets[i], &bytes);
        ss_send(fx.srv, (uint8_t)(i + 1), bytes, i == cut_packet ? cut_len : n);
        free(bytes);
    }
}

typedef struct dj_run {
    int status;
    char out[256];
    char err[1024];
} dj_run;

static void read_into(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t k;
    lseek(fd, 0, SEEK_SET);
    while (n + 1 < cap && (k = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)k;
    buf[n] = '\0';
}

/* Runs the built dj: `dj query 'SELECT 1'` against the scripted server, in
 * an empty directory as HOME and working directory (no config file). */
static void run_dj_select1(dj_run *r)
{
    const char *top = getenv("DJ_TOP_BUILDDIR");
    if (!top || !*top)
        cr_assert_fail("DJ_TOP_BUILDDIR is not set: it names the build directory holding "
                       "tools/dj; run the tests through `make check`, which sets it");
    char path[PATH_MAX], port[16], home[] = "/tmp/dj-framing-XXXXXX";
    snprintf(path, sizeof path, "%s/tools/dj", top);
    cr_assert_eq(access(path, X_OK), 0, "%s is not an executable: %s", path, strerror(errno));
    cr_assert_not_null(mkdtemp(home));
    snprintf(port, sizeof port, "%u", ss_port(fx.srv));
    /* Under qemu-user (scripts/cross-check) the kernel starts dj through
     * qemu, which finds the target's loader by QEMU_LD_PREFIX: the one
     * variable of the test's own environment that dj must get too. */
    const char *qemu = getenv("QEMU_LD_PREFIX");
    char e_qemu[PATH_MAX + 16];
    if (qemu)
        snprintf(e_qemu, sizeof e_qemu, "QEMU_LD_PREFIX=%s", qemu);
    FILE *out = tmpfile(), *err = tmpfile();
    cr_assert(out && err);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        char e_home[80], e_port[32];
        snprintf(e_home, sizeof e_home, "HOME=%s", home);
        snprintf(e_port, sizeof e_port, "DJ_PORT=%s", port);
        char e_host[] = "DJ_HOST=127.0.0.1", e_user[] = "DJ_USER=scripted",
             e_pass[] = "DJ_PASS=" SS_PASSWORD, e_tls[] = "DJ_USE_TLS=false",
             e_path[] = "PATH=/usr/bin:/bin", a0[] = "dj", a1[] = "query", a2[] = "SELECT 1";
        char *const env[] = {e_home, e_host, e_port, e_user, e_pass, e_tls, e_path,
                             qemu ? e_qemu : NULL, NULL};
        char *const argv[] = {a0, a1, a2, NULL};
        if (chdir(home) != 0 || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
            _exit(126);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execve(path, argv, env);
        _exit(127);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    read_into(fileno(out), r->out, sizeof r->out);
    read_into(fileno(err), r->err, sizeof r->err);
    fclose(out);
    fclose(err);
    rmdir(home);
}

/* Connect failures exit 3, failures after connecting 4; a message says why. */
static void assert_dj_failed(const dj_run *r, int after_connect, const char *what, size_t at)
{
    cr_assert(r->status == 4 || (!after_connect && r->status == 3),
              "%s %zu: dj exited %d (stdout \"%s\", stderr \"%s\")", what, at, r->status,
              r->out, r->err);
    cr_assert(r->err[0], "%s %zu: dj failed without a message", what, at);
    cr_assert_null(strstr(r->err, SS_PASSWORD));
}

static void fresh(void)
{
    fx_teardown();
    fx_setup();
}

/* The uncut exchange: dj prints the row and exits 0; returns the number of
 * bytes the server sent. */
static size_t check_dj_select1_runs(const select1 *v)
{
    script_select1(v, SIZE_MAX, 0);
    ss_start(fx.srv);
    dj_run r;
    run_dj_select1(&r);
    cr_assert_eq(r.status, 0, "dj exited %d: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "1\n");
    const char *failure = ss_finish(fx.srv);
    cr_assert_null(failure, "script: %s", failure);
    return ss_sent(fx.srv);
}

Test(framing, dj_query_runs_the_scripted_select_1)
{
    check_dj_select1_runs(&with_ok);
    fresh();
    check_dj_select1_runs(&with_eof);
}

/* A close after every byte from `from_result` bytes before the end (all of
 * them when SIZE_MAX): dj must fail, with 4 once it was connected. */
static void cut_dj_stream_everywhere(const select1 *v, int whole)
{
    size_t total = check_dj_select1_runs(v), result = 0;
    for (size_t i = 0; i < v->count; i++)
        result += 4 + (strlen(v->packets[i]) + 1) / 3;
    cr_assert_gt(total, result);
    for (size_t k = whole ? 0 : total - result; k < total; k++) {
        fresh();
        script_select1(v, SIZE_MAX, 0);
        ss_cut_after(fx.srv, k);
        ss_start(fx.srv);
        dj_run r;
        run_dj_select1(&r);
        assert_dj_failed(&r, k >= total - result, "stream cut after byte", k);
        ss_finish(fx.srv);
    }
}

Test(framing, dj_query_fails_for_a_close_after_every_byte, .timeout = 600)
{
    cut_dj_stream_everywhere(&with_ok, 1);
}

Test(framing, dj_query_fails_for_a_close_inside_an_eof_terminated_result)
{
    cut_dj_stream_everywhere(&with_eof, 0);
}

/* Each result packet shortened to every length below its own, under a
 * header that agrees. */
static void cut_dj_packets_everywhere(const select1 *v)
{
    size_t tested = 0;
    for (size_t i = 0; i < v->count; i++) {
        size_t full = (strlen(v->packets[i]) + 1) / 3;
        for (size_t len = 0; len < full; len++) {
            fresh();
            script_select1(v, i, len);
            ss_start(fx.srv);
            dj_run r;
            run_dj_select1(&r);
            assert_dj_failed(&r, 1, "result packet cut to length", len);
            ss_finish(fx.srv);
            tested++;
        }
    }
    cr_assert_gt(tested, 30);
}

Test(framing, dj_query_fails_for_every_result_packet_cut_short)
{
    cut_dj_packets_everywhere(&with_ok);
}

Test(framing, dj_query_fails_for_every_eof_result_packet_cut_short)
{
    cut_dj_packets_everywhere(&with_eof);
}
