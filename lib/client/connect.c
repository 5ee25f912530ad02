/* SPDX-License-Identifier: Apache-2.0 */
/*
 * connect.c - opening a connection: transport, greeting, optional TLS,
 * HandshakeResponse41 and the authentication loop; also close and reconnect.
 */
#define _GNU_SOURCE 1
#include "client/conn.h"

#include <errno.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "auth/auth.h"
#include "net/socket.h"

/* utf8mb4_general_ci: the one utf8mb4 collation id every MySQL and MariaDB knows. */
#define DJ__CHARSET_UTF8MB4 45
#define DJ__MAX_AUTH_SWITCHES 1

static void put_connect_attrs(dj__builder *b)
{
    struct utsname u;
    char pid[24];
    dj__fmt(pid, sizeof pid, "%ld", (long)getpid());
    dj__put_attr(b, "_client_name", "libdatajoint");
    dj__put_attr(b, "_client_version", PACKAGE_VERSION);
    if (uname(&u) == 0) {
        dj__put_attr(b, "_os", u.sysname);
        dj__put_attr(b, "_platform", u.machine);
    }
    dj__put_attr(b, "_pid", pid);
#if defined(__GLIBC__) || defined(__linux__)
    dj__put_attr(b, "program_name", program_invocation_short_name);
#endif
}

static uint32_t wanted_capabilities(const dj_conn *c, const dj__greeting *g)
{
    uint32_t want = DJ__CLIENT_LONG_FLAG | DJ__CLIENT_PROTOCOL_41 | DJ__CLIENT_TRANSACTIONS |
                    DJ__CLIENT_SECURE_CONNECTION | DJ__CLIENT_MULTI_RESULTS |
                    DJ__CLIENT_PS_MULTI_RESULTS | DJ__CLIENT_PLUGIN_AUTH |
                    DJ__CLIENT_PLUGIN_AUTH_LENENC | DJ__CLIENT_CONNECT_ATTRS |
                    DJ__CLIENT_DEPRECATE_EOF | DJ__CLIENT_SSL;
    /* Bit 0 doubles as MariaDB's "I am MySQL" flag: echo it only to MySQL. */
    if (g->capabilities & DJ__CLIENT_LONG_PASSWORD)
        want |= DJ__CLIENT_LONG_PASSWORD;
    if (c->cfg.database[0])
        want |= DJ__CLIENT_CONNECT_WITH_DB;
    if (c->cfg.compress)
        want |= DJ__CLIENT_COMPRESS;
    if (c->cfg.multi_statements)
        want |= DJ__CLIENT_MULTI_STATEMENTS;
    if (c->cfg.tls_mode == DJ_TLS_DISABLED)
        want &= ~DJ__CLIENT_SSL;
    return want & g->capabilities;
}

/* Keeps only the scramble bytes: servers end native/sha2 challenges with a
 * NUL that is not part of them, while an ed25519 or parsec nonce is raw and
 * may end in 0x00. */
static void set_challenge(dj__auth_ctx *ctx, const dj__auth_plugin *plugin, const uint8_t *data,
                          size_t len)
{
    if (!plugin->nonce_len && len > 0 && data[len - 1] == 0)
        len--;
    ctx->challenge_len = DJ__MIN(len, sizeof ctx->challenge);
    memcpy(ctx->challenge, data, ctx->challenge_len);
}

static int send_auth_out(dj_conn *c, dj__auth_ctx *ctx, dj_error *err)
{
    dj__begin_packet(c);
    int rc = dj__send_packet(c, ctx->out, ctx->out_len, err);
    dj__io_wipe_send_buffers(c);
    return rc;
}

/* Turns the server's ERR during login into an auth failure that keeps the
 * server's errno, SQLSTATE and message. */
static int auth_error(const dj__packet *pkt, dj_error *err)
{
    int rc = dj__err_packet_parse(pkt->payload, pkt->len, err);
    if (rc == DJ_ESERVER && err)
        err->code = DJ_EAUTH;
    return rc == DJ_ESERVER ? DJ_EAUTH : rc;
}

static int unknown_plugin(const char *name, size_t len, dj_error *err)
{
    return dj__err(err, DJ_EAUTH,
                   "server asked for authentication plugin '%.*s', which is not supported by "
                   "this build (features: %s)", (int)len, name, dj_features_string());
}

static int auth_loop(dj_conn *c, const dj__greeting *g, dj__auth_ctx *ctx, dj_error *err)
{
    const dj__auth_plugin *plugin = dj__auth_find(g->auth_plugin, strlen(g->auth_plugin));
    /* A greeting naming a plugin we lack, or one whose challenge does not fit
     * it (client_ed25519 with a 20-byte scramble), gets a native answer, empty
     * when even that does not fit; the server then switches to the account's
     * real plugin. The greeting's plugin is only the server's guess. */
    size_t glen = g->scramble_len;
    if (glen > 0 && g->scramble[glen - 1] == 0)
        glen--;
    if (!plugin || !dj__auth_challenge_fits(plugin, plugin->nonce_len ? g->scramble_len : glen))
        plugin = dj__auth_find("mysql_native_password", 21);
    set_challenge(ctx, plugin, g->scramble, g->scramble_len);
    int rc = ctx->challenge_len >= 20 ? plugin->start(ctx, err) : DJ__AUTH_SEND;
    if (rc < 0)
        return rc;

    /* Without the lenenc form the response has a one-byte length. */
    if (!(c->caps & DJ__CLIENT_PLUGIN_AUTH_LENENC) && ctx->out_len > 255)
        return dj__err(err, DJ_EUNSUPPORTED, "the %zu-byte %s response does not fit a server "
                                             "without CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA",
                       ctx->out_len, plugin->name);
    dj__builder attrs;
    dj__builder_init(&attrs, c->alloc);
    put_connect_attrs(&attrs);
    dj__login login = {
        .capabilities = c->caps,
        .mariadb_capabilities = 0,
        .max_packet = (uint32_t)DJ__MIN(c->max_packet, (size_t)0xFFFFFFFFu),
        .charset = DJ__CHARSET_UTF8MB4,
        .user = c->cfg.user,
        .auth = ctx->out,
        .auth_len = ctx->out_len,
        .database = c->cfg.database,
        .auth_plugin = plugin->name,
        .attrs = attrs.data,
        .attrs_len = attrs.len,
    };
    dj__begin_packet(c);
    /* Room for the whole packet up front: a builder that grew in the middle
     * would free a block still holding the auth token, unwiped. */
    size_t need = 64 + strlen(login.user) + login.auth_len + strlen(login.database) +
                  strlen(login.auth_plugin) + attrs.len;
    if (dj__builder_reserve(&c->out, need) == 0)
        dj__handshake_response_build(&c->out, &login);
    rc = attrs.oom || c->out.oom
             ? dj__err(err, DJ_ENOMEM, "out of memory building the login packet")
             : dj__send_packet(c, NULL, 0, err);
    dj__builder_free(&attrs, 0);
    dj__io_wipe_send_buffers(c);
    if (rc)
        return rc;

    int switches = 0;
    for (;;) {
        dj__packet pkt;
        rc = dj__read_packet(c, &pkt, err);
        if (rc)
            return rc;
        const uint8_t *p = pkt.payload;
        if (pkt.len == 0)
            return dj__err(err, DJ_EPROTO, "empty packet during authentication");
        if (p[0] == DJ__PKT_OK) {
            dj__ok ok;
            rc = dj__ok_parse(p, pkt.len, &ok, err);
            if (rc)
                return rc;
            c->status = ok.status;
            dj__strlcpy(c->auth_plugin, plugin->name, sizeof c->auth_plugin);
            dj__log(c, DJ_LOG_DEBUG, "authenticated as %s with %s%s%s", c->cfg.user, plugin->name,
                    ctx->route ? ": " : "", ctx->route ? ctx->route : "");
            return 0;
        }
        if (p[0] == DJ__PKT_ERR)
            return auth_error(&pkt, err);
        if (p[0] == DJ__PKT_EOF) {
            dj__auth_switch sw;
            rc = dj__auth_switch_parse(p, pkt.len, &sw, err);
            if (rc)
                return rc;
            if (++switches > DJ__MAX_AUTH_SWITCHES)
                return dj__err(err, DJ_EPROTO, "server switched the authentication plugin "
                                               "more than once; refused");
            plugin = dj__auth_find(sw.plugin, sw.plugin_len);
            if (!plugin)
                return unknown_plugin(sw.plugin, sw.plugin_len, err);
            ctx->step = 0;
            ctx->route = NULL;
            set_challenge(ctx, plugin, sw.data, sw.data_len);
            rc = plugin->start(ctx, err);
        } else if (p[0] == DJ__PKT_AUTH_MORE && plugin->more) {
            rc = plugin->more(ctx, p + 1, pkt.len - 1, err);
        } else {
            return dj__err(err, DJ_EPROTO, "unexpected packet 0x%02x during authentication",
                           (unsigned)p[0]);
        }
        if (rc < 0)
            return rc;
        if (rc == DJ__AUTH_SEND) {
            rc = send_auth_out(c, ctx, err);
            if (rc)
                return rc;
        }
    }
}

static int start_tls(dj_conn *c, const char *host, dj_error *err)
{
    if (!c->tls_ctx) {
        int rc = dj__tls_ctx_new(&c->tls_ctx, &c->cfg, err);
        if (rc)
            return rc;
    }
    dj__login login = {.capabilities = c->caps,
                       .max_packet = (uint32_t)DJ__MIN(c->max_packet, (size_t)0xFFFFFFFFu),
                       .charset = DJ__CHARSET_UTF8MB4};
    dj__begin_packet(c);
    dj__ssl_request_build(&c->out, &login);
    int rc = dj__send_packet(c, NULL, 0, err);
    if (rc)
        return rc;
    return dj__tls_start(&c->tls, c->fd, host, c->tls_ctx, c->connect_deadline, err);
}

/* Greeting, TLS and login on an open transport; the caller drops the
 * connection when this fails. */
static int handshake(dj_conn *c, const char *host, dj_error *err)
{
    dj__packet pkt;
    c->seq = 0;
    int rc = dj__read_packet(c, &pkt, err);
    if (rc)
        return rc;
    if (pkt.len > 0 && pkt.payload[0] == DJ__PKT_ERR) {
        rc = dj__err_packet_parse(pkt.payload, pkt.len, err);
        if (err && rc == DJ_ESERVER)
            err->code = DJ_ECONNECT;
        return DJ_ECONNECT;
    }
    dj__greeting g;
    rc = dj__greeting_parse(pkt.payload, pkt.len, &g, err);
    if (rc)
        return rc;
    memcpy(c->server_version, g.server_version, sizeof c->server_version);
    c->is_mariadb = g.is_mariadb;
    c->server_caps = g.capabilities;
    c->connection_id = g.connection_id;
    c->status = g.status;
    c->caps = wanted_capabilities(c, &g);

    if (c->cfg.tls_mode != DJ_TLS_DISABLED && !c->is_unix) {
        if (c->caps & DJ__CLIENT_SSL) {
            rc = start_tls(c, host, err);
            if (rc)
                return rc;
        } else if (c->cfg.tls_mode != DJ_TLS_PREFERRED) {
            return dj__err(err, DJ_ETLS, "TLS is %s but the server does not offer it; "
                                         "nothing was sent", dj_tls_mode_name(c->cfg.tls_mode));
        }
    }
    if (!c->tls)
        c->caps &= ~DJ__CLIENT_SSL;

    dj__auth_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.password = c->cfg.password;
    ctx.password_len = strlen(c->cfg.password);
    ctx.tls = c->tls != NULL;
    ctx.unix_socket = c->is_unix;
    ctx.tls_verified = c->tls ? dj__tls_verified(c->tls) : 0;
    ctx.allow_cleartext = c->cfg.allow_cleartext;
    ctx.get_server_public_key = c->cfg.get_server_public_key;
    ctx.server_public_key_path = c->cfg.server_public_key;
    ctx.alloc = c->alloc;
    rc = auth_loop(c, &g, &ctx, err);
    dj__auth_ctx_wipe(&ctx);
    dj__wipe(&g.scramble, sizeof g.scramble);
    if (rc)
        return rc;
    if (c->caps & DJ__CLIENT_COMPRESS)
        dj__io_start_compression(c);
    return 0;
}

/* One host of the list: transport, handshake, then the session setup with
 * its readiness probe. */
int dj__open_host(dj_conn *c, const char *host, unsigned port, dj_error *err)
{
    int rc;
    if (c->cfg.unix_socket[0]) {
        c->is_unix = 1;
        dj__strlcpy(c->peer, c->cfg.unix_socket, sizeof c->peer);
        rc = dj__sock_connect_unix(&c->fd, c->cfg.unix_socket, c->connect_deadline, err);
    } else {
        c->is_unix = 0;
        dj__snprintf(c->peer, sizeof c->peer, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
        rc = dj__sock_connect_tcp(&c->fd, host, port, c->connect_deadline, err);
    }
    if (rc)
        return rc;
    c->state = DJ__CONN_READY;
    rc = handshake(c, host, err);
    if (rc == 0)
        rc = dj__session_setup(c, err);
    if (rc) {
        /* Such a failure ("timed out waiting for the server to send data")
         * is one entry of a host list's report: say which server it was. */
        if (dj__failover_next_host_error(rc, err) && err && !strstr(err->message, c->peer))
            dj__err_prefix(err, "server at %s", c->peer);
        dj__conn_drop(c);
    }
    return rc;
}

int dj__conn_open(dj_conn *c, dj_error *err)
{
    c->fd = -1;
    c->seq = 0;
    c->compress = 0;
    c->in_transaction = 0;
    c->is_galera = 0;
    c->max_packet = c->cfg.max_packet ? c->cfg.max_packet : DJ_DEFAULT_MAX_PACKET;
    if (c->cfg.tls_mode != DJ_TLS_DISABLED && !(dj_features() & DJ_FEATURE_TLS))
        return dj__err(err, DJ_EUNSUPPORTED, "TLS mode %s needs TLS, which is not compiled in "
                                             "(configure --with-openssl); use disabled",
                       dj_tls_mode_name(c->cfg.tls_mode));
    if (c->cfg.compress && !(dj_features() & DJ_FEATURE_COMPRESSION))
        return dj__err(err, DJ_EUNSUPPORTED,
                       "protocol compression is not compiled in (configure --with-zlib)");
    return dj__hosts_connect(c, err);
}

int dj_connect(dj_conn **out, const dj_config *cfg, dj_error *err)
{
    if (!out || !cfg)
        return dj__err(err, DJ_EINVAL, "dj_connect: out and cfg are required");
    *out = NULL;
    dj_conn *c = dj__malloc(cfg->allocator, sizeof *c);
    if (!c)
        return dj__err(err, DJ_ENOMEM, "out of memory allocating a connection");
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->alloc = cfg->allocator;
    c->fd = -1;
    c->result.conn = c;
    c->result.phase = DJ__RES_FINISHED;
    dj__builder_init(&c->out, c->alloc);
    dj__builder_init(&c->zout, c->alloc);
    int rc = dj__conn_open(c, err);
    if (rc) {
        dj_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

int dj_reconnect(dj_conn *c, dj_error *err)
{
    if (!c)
        return dj__err(err, DJ_EINVAL, "dj_reconnect: no connection");
    dj__conn_drop(c);
    return dj__conn_open(c, err);
}

void dj_close(dj_conn *c)
{
    if (!c)
        return;
    if (c->holds) {
        c->close_pending = 1; /* a schema still uses it: hold.c closes it later */
        return;
    }
    if (c->state == DJ__CONN_READY) {
        /* Best effort: a server that does not read it still sees the socket close. */
        c->cfg.write_timeout_ms = 1000;
        dj__begin_command(c, DJ__COM_QUIT);
        dj__send_packet(c, NULL, 0, NULL);
    }
    dj__conn_drop(c);
    if (c->tls_ctx)
        dj__tls_ctx_free(c->tls_ctx);
    dj__io_free(c);
    dj__result_free(&c->result);
    dj_config_clear(&c->cfg);
    const dj_allocator *a = c->alloc;
    dj__wipe(c, sizeof *c);
    dj__free(a, c);
}
