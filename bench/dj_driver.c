/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dj_driver.c - the benchmark operations on libdatajoint's public API
 * (see bench.h; the workloads themselves are in harness.c).
 */
#include "bench.h"

#include <stdio.h>
#include <string.h>

#include "datajoint.h"

static void *dj_open(const bench_server *s, enum bench_account a, char *eb)
{
    dj_config cfg;
    dj_config_init(&cfg);
    snprintf(cfg.host, sizeof cfg.host, "%s", s->host);
    cfg.port = s->port;
    snprintf(cfg.user, sizeof cfg.user, "%s", s->user[a]);
    snprintf(cfg.password, sizeof cfg.password, "%s", s->pass[a]);
    cfg.tls_mode = a == BENCH_TLS ? DJ_TLS_REQUIRED : DJ_TLS_DISABLED;
    dj_conn *c = NULL;
    dj_error err;
    if (dj_connect(&c, &cfg, &err) != 0) {
        snprintf(eb, BENCH_ERR_MAX, "%s", err.message);
        return NULL;
    }
    return c;
}

static void dj_bclose(void *h)
{
    dj_close(h);
}

/* Copies the library's message into the harness's buffer. */
static int fail(int rc, const dj_error *err, char *eb)
{
    if (rc < 0)
        snprintf(eb, BENCH_ERR_MAX, "%s", err->message);
    return rc < 0 ? rc : 0;
}

static int dj_breconnect(void *h, char *eb)
{
    dj_error err;
    return fail(dj_reconnect(h, &err), &err, eb);
}

static int dj_bexec(void *h, const char *sql, size_t len, char *eb)
{
    dj_error err;
    dj_result *r;
    int rc = dj_query(h, sql, len, &r, &err);
    if (rc == 0)
        rc = dj_result_close(r, &err);
    return fail(rc, &err, eb);
}

/* The same calls as cc_select1: query, one row, its value, close. */
static int dj_bselect1(void *h, char *eb)
{
    dj_error err;
    dj_result *r;
    const dj_value *v;
    int rc = dj_query(h, "SELECT 1", 8, &r, &err);
    if (rc)
        return fail(rc, &err, eb);
    int got = dj_result_fetch(r, &v, &err);
    int ok = got == 1 && v[0].len == 1 && v[0].ptr[0] == '1';
    rc = dj_result_close(r, got < 0 ? NULL : &err);
    if (got < 0 || rc < 0)
        return fail(got < 0 ? got : rc, &err, eb);
    if (!ok) {
        snprintf(eb, BENCH_ERR_MAX, "SELECT 1 returned no 1");
        return -1;
    }
    return 0;
}

static int dj_bping(void *h, char *eb)
{
    dj_error err;
    return fail(dj_ping(h, &err), &err, eb);
}

static int dj_bstream(void *h, const char *sql, size_t lap_every, bench_timer *t, size_t *rows,
                      size_t *bytes, char *eb)
{
    dj_error err;
    dj_result *r;
    int rc = dj_query(h, sql, strlen(sql), &r, &err);
    if (rc)
        return fail(rc, &err, eb);
    unsigned ncols = dj_result_column_count(r);
    const dj_value *v;
    size_t n = 0, b = 0;
    while ((rc = dj_result_fetch(r, &v, &err)) == 1) {
        for (unsigned i = 0; i < ncols; i++)
            b += v[i].len;
        if (++n % lap_every == 0)
            bench_lap(t);
    }
    int rc2 = dj_result_close(r, &err);
    *rows += n;
    *bytes += b;
    return fail(rc < 0 ? rc : rc2, &err, eb);
}

static size_t dj_bescape(void *h, char *out, const char *in, size_t len)
{
    return dj_escape_string(h, out, in, len);
}

static int dj_bschema_ensure(void *h, const char *name, char *eb)
{
    dj_error err;
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = h;
    dj_schema *s;
    int rc = dj_schema_open(&s, name, &o, &err);
    if (rc)
        return fail(rc, &err, eb);
    rc = dj_schema_exists(s, &err);
    dj_schema_close(s);
    if (rc == 0) {
        snprintf(eb, BENCH_ERR_MAX, "schema %s missing after it was created", name);
        return -1;
    }
    return fail(rc, &err, eb);
}

static int dj_bschema_drop(void *h, const char *name, char *eb)
{
    dj_error err;
    dj_schema_options o;
    dj_schema_options_init(&o);
    o.connection = h;
    o.create_schema = 0;
    dj_schema *s;
    int rc = dj_schema_open(&s, name, &o, &err);
    if (rc)
        return fail(rc, &err, eb);
    rc = dj_schema_drop(s, 1, NULL, NULL, &err);
    dj_schema_close(s);
    return fail(rc, &err, eb);
}

static const char *dj_note(const char *workload)
{
    if (strcmp(workload, "connect-tls") == 0)
        return "dj_reconnect on one handle, which keeps the TLS context; every connect also "
               "sets up the DataJoint session (one round trip more than Connector/C)";
    if (strncmp(workload, "connect", 7) == 0)
        return "every connect also sets up the DataJoint session (sql_mode, charset, "
               "max_allowed_packet): one round trip more than Connector/C";
    if (strcmp(workload, "schema") == 0)
        return "dj_schema_open + dj_schema_exists; drop: dj_schema_open + dj_schema_drop";
    return NULL;
}

const bench_ops bench_client = {
    .name = "ours",
    .open = dj_open,
    .close = dj_bclose,
    .reconnect = dj_breconnect,
    .exec = dj_bexec,
    .select1 = dj_bselect1,
    .ping = dj_bping,
    .stream = dj_bstream,
    .escape = dj_bescape,
    .insert_prepared = NULL, /* prepared statements are not in this build yet */
    .schema_ensure = dj_bschema_ensure,
    .schema_drop = dj_bschema_drop,
    .note = dj_note,
};
