/* SPDX-License-Identifier: Apache-2.0 */
/* packets.c - server-side packets and common script pieces (see packets.h). */
#include "scripted/packets.h"

#include <stdlib.h>
#include <string.h>

const uint8_t ss_vector_scramble[20] = {0x5a, 0x1f, 0x7b, 0x3c, 0x0e, 0x6d, 0x2f,
                                        0x48, 0x11, 0x7e, 0x39, 0x52, 0x6a, 0x0b,
                                        0x4c, 0x73, 0x15, 0x5d, 0x2e, 0x61};

ss_greeting ss_greeting_default(void)
{
    ss_greeting g;
    memset(&g, 0, sizeof g);
    g.protocol_version = 10;
    g.version = "8.0.99-scripted";
    g.capabilities = SS_DEFAULT_CAPS;
    memcpy(g.scramble, ss_vector_scramble, 20);
    g.plugin = "mysql_native_password";
    return g;
}

void ss_build_greeting(dj__builder *b, const ss_greeting *g)
{
    uint32_t caps = g->capabilities;
    if (!g->plugin)
        caps &= ~DJ__CLIENT_PLUGIN_AUTH;
    dj__builder_reset(b);
    dj__put_u8(b, g->protocol_version);
    dj__put_nul_str(b, g->version);
    dj__put_u32(b, 42); /* connection id */
    dj__put_bytes(b, g->scramble, 8);
    dj__put_u8(b, 0);
    dj__put_u16(b, (uint16_t)caps);
    dj__put_u8(b, 45);                /* utf8mb4_general_ci */
    dj__put_u16(b, 0x0002);           /* autocommit */
    dj__put_u16(b, (uint16_t)(caps >> 16));
    dj__put_u8(b, g->plugin ? 21 : 0);
    dj__put_zeros(b, 10);
    dj__put_bytes(b, g->scramble + 8, 12);
    dj__put_u8(b, 0);
    if (g->plugin)
        dj__put_nul_str(b, g->plugin);
}

void ss_build_ok(dj__builder *b, uint8_t header, uint16_t status)
{
    dj__builder_reset(b);
    dj__put_u8(b, header);
    dj__put_lenenc(b, 0); /* affected rows */
    dj__put_lenenc(b, 0); /* last insert id */
    dj__put_u16(b, status);
    dj__put_u16(b, 0);    /* warnings */
}

void ss_build_err(dj__builder *b, uint16_t code, const char *sqlstate, const char *msg)
{
    dj__builder_reset(b);
    dj__put_u8(b, 0xFF);
    dj__put_u16(b, code);
    dj__put_u8(b, '#');
    dj__put_bytes(b, sqlstate, 5);
    dj__put_bytes(b, msg, strlen(msg));
}

void ss_build_coldef(dj__builder *b, const char *name)
{
    dj__builder_reset(b);
    dj__put_lenenc_str(b, "def", 3);
    dj__put_lenenc_str(b, "s", 1);
    dj__put_lenenc_str(b, "t", 1);
    dj__put_lenenc_str(b, "t", 1);
    dj__put_lenenc_str(b, name, strlen(name));
    dj__put_lenenc_str(b, name, strlen(name));
    dj__put_lenenc(b, 0x0c);
    dj__put_u16(b, 45);
    dj__put_u32(b, 1024);
    dj__put_u8(b, DJ_TYPE_VAR_STRING);
    dj__put_u16(b, 0);
    dj__put_u8(b, 0);
    dj__put_zeros(b, 2);
}

void ss_build_row(dj__builder *b, unsigned n, const char *const *values)
{
    dj__builder_reset(b);
    for (unsigned i = 0; i < n; i++) {
        if (values[i])
            dj__put_lenenc_str(b, values[i], strlen(values[i]));
        else
            dj__put_u8(b, 0xFB);
    }
}

void ss_build_switch(dj__builder *b, const char *plugin, const void *data, size_t len)
{
    dj__builder_reset(b);
    dj__put_u8(b, 0xFE);
    dj__put_nul_str(b, plugin);
    dj__put_bytes(b, data, len);
}

void ss_send_built(sserver *s, uint8_t seq, const dj__builder *b)
{
    if (b->oom)
        abort();
    ss_send(s, seq, b->data, b->len);
}

void ss_script_login(sserver *s, const ss_greeting *g)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    ss_build_greeting(&b, g);
    ss_send_built(s, 0, &b);
    ss_expect(s, 1, "");
    ss_build_ok(&b, 0x00, 0x0002);
    ss_send_built(s, 2, &b);
    dj__builder_free(&b, 0);
}

/* Column count, one definition, the rows, and the 0xFE OK, from seq 1 on. */
static void send_result(sserver *s, const char *name, unsigned nrows, const char *const *rows)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    uint8_t seq = 1;
    ss_send_hex(s, seq++, "01");
    ss_build_coldef(&b, name);
    ss_send_built(s, seq++, &b);
    for (unsigned i = 0; i < nrows; i++) {
        ss_build_row(&b, 1, &rows[i]);
        ss_send_built(s, seq++, &b);
    }
    ss_build_ok(&b, 0xFE, 0x0002);
    ss_send_built(s, seq, &b);
    dj__builder_free(&b, 0);
}

/* A result with the two columns of SHOW VARIABLES / SHOW STATUS and no rows:
 * what a server without Galera answers to the readiness probes. */
static void send_empty_show(sserver *s)
{
    dj__builder b;
    dj__builder_init(&b, NULL);
    ss_send_hex(s, 1, "02");
    ss_build_coldef(&b, "Variable_name");
    ss_send_built(s, 2, &b);
    ss_build_coldef(&b, "Value");
    ss_send_built(s, 3, &b);
    ss_build_ok(&b, 0xFE, 0x0002);
    ss_send_built(s, 4, &b);
    dj__builder_free(&b, 0);
}

void ss_script_session(sserver *s, const char *max_allowed)
{
    ss_expect(s, 0, "03 53 45 54 20");          /* "SET " */
    ss_expect(s, 0, "03 53 45 4c 45 43 54 20"); /* "SELECT " */
    ss_expect(s, 0, "03 53 48 4f 57 20");       /* "SHOW " VARIABLES LIKE 'wsrep_on' */
    ss_expect(s, 0, "03 53 48 4f 57 20");       /* "SHOW " GLOBAL STATUS (wsrep state) */
    ss_send_hex(s, 1, "00 00 00 02 00 00 00");
    send_result(s, "@@max_allowed_packet", 1, &max_allowed);
    send_empty_show(s);
    send_empty_show(s);
}

void ss_script_result(sserver *s, const char *name, unsigned nrows, const char *const *rows)
{
    ss_expect(s, 0, "03");
    send_result(s, name, nrows, rows);
}

void ss_config(dj_config *cfg, const sserver *s)
{
    dj_config_init(cfg);
    dj__strlcpy(cfg->host, "127.0.0.1", sizeof cfg->host);
    cfg->port = ss_port(s);
    dj__strlcpy(cfg->user, "scripted", sizeof cfg->user);
    dj__strlcpy(cfg->password, SS_PASSWORD, sizeof cfg->password);
    cfg->tls_mode = DJ_TLS_DISABLED;
    cfg->connect_timeout_ms = 5000;
    cfg->read_timeout_ms = 5000;
    cfg->write_timeout_ms = 5000;
}

const uint8_t *ss_login_auth_data(const uint8_t *p, size_t len, size_t *auth_len)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    uint32_t caps = dj__rd_u32(&r);
    dj__rd_bytes(&r, 28);
    size_t ulen;
    dj__rd_nul_str(&r, &ulen, 0);
    const uint8_t *auth;
    if (caps & DJ__CLIENT_PLUGIN_AUTH_LENENC) {
        auth = dj__rd_lenenc_str(&r, auth_len, NULL);
    } else {
        *auth_len = dj__rd_u8(&r);
        auth = dj__rd_bytes(&r, *auth_len);
    }
    return r.bad ? NULL : auth;
}

/* ---- counting allocator: a size header in front of every block ---- */

#define HEADER 16

static void *count_malloc(size_t n, void *ud)
{
    ss_counter *c = ud;
    uint8_t *p = malloc(HEADER + n);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    c->live_bytes += n;
    c->live_blocks++;
    c->allocations++;
    if (c->live_bytes > c->peak_bytes)
        c->peak_bytes = c->live_bytes;
    return p + HEADER;
}

static void count_free(void *ptr, void *ud)
{
    ss_counter *c = ud;
    if (!ptr)
        return;
    uint8_t *p = (uint8_t *)ptr - HEADER;
    size_t n;
    memcpy(&n, p, sizeof n);
    c->live_bytes -= n;
    c->live_blocks--;
    free(p);
}

static void *count_realloc(void *ptr, size_t n, void *ud)
{
    ss_counter *c = ud;
    if (!ptr)
        return count_malloc(n, ud);
    uint8_t *p = (uint8_t *)ptr - HEADER;
    size_t old;
    memcpy(&old, p, sizeof old);
    uint8_t *q = realloc(p, HEADER + n);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    c->live_bytes = c->live_bytes - old + n;
    c->allocations++;
    if (c->live_bytes > c->peak_bytes)
        c->peak_bytes = c->live_bytes;
    return q + HEADER;
}

void ss_counter_init(ss_counter *c)
{
    memset(c, 0, sizeof *c);
    c->allocator.malloc_fn = count_malloc;
    c->allocator.realloc_fn = count_realloc;
    c->allocator.free_fn = count_free;
    c->allocator.ud = c;
}
