/* SPDX-License-Identifier: Apache-2.0 */
/* handshake.c - the greeting, SSLRequest and HandshakeResponse41. */
#include "wire/protocol.h"

static int truncated(dj_error *err, const char *what)
{
    return dj__err(err, DJ_EPROTO, "malformed server greeting: %s is cut short", what);
}

int dj__greeting_parse(const uint8_t *p, size_t len, dj__greeting *g, dj_error *err)
{
    dj__reader r;
    dj__reader_init(&r, p, len);
    memset(g, 0, sizeof *g);

    g->protocol_version = dj__rd_u8(&r);
    if (r.bad)
        return truncated(err, "protocol version");
    if (g->protocol_version != 10)
        return dj__err(err, DJ_EUNSUPPORTED,
                       "server speaks protocol version %u; only version 10 is supported",
                       (unsigned)g->protocol_version);

    size_t vlen;
    const uint8_t *ver = dj__rd_nul_str(&r, &vlen, 0);
    if (r.bad)
        return truncated(err, "server version");
    /* MariaDB prefixes its version with "5.5.5-" for old replication peers. */
    static const char mariadb_prefix[] = "5.5.5-";
    if (vlen > sizeof mariadb_prefix - 1 && memcmp(ver, mariadb_prefix, sizeof mariadb_prefix - 1) == 0) {
        ver += sizeof mariadb_prefix - 1;
        vlen -= sizeof mariadb_prefix - 1;
    }
    vlen = DJ__MIN(vlen, sizeof g->server_version - 1);
    memcpy(g->server_version, ver, vlen);

    g->connection_id = dj__rd_u32(&r);
    const uint8_t *part1 = dj__rd_bytes(&r, 8);
    dj__rd_u8(&r); /* filler */
    uint32_t caps = dj__rd_u16(&r);
    if (r.bad)
        return truncated(err, "capability flags");
    if (part1)
        memcpy(g->scramble, part1, 8);
    g->scramble_len = 8;

    /* Pre-4.1 servers end the greeting here; a 4.1 one that does was cut short. */
    if (!(caps & DJ__CLIENT_PROTOCOL_41))
        return dj__err(err, DJ_EUNSUPPORTED,
                       "server does not support the 4.1 protocol (CLIENT_PROTOCOL_41)");
    if (dj__reader_left(&r) == 0)
        return truncated(err, "capability flags");

    g->charset = dj__rd_u8(&r);
    g->status = dj__rd_u16(&r);
    caps |= (uint32_t)dj__rd_u16(&r) << 16;
    uint8_t auth_len = dj__rd_u8(&r);
    dj__rd_bytes(&r, 6);
    uint32_t ext = dj__rd_u32(&r);
    if (r.bad)
        return truncated(err, "capability flags");
    g->capabilities = caps;
    /* MariaDB clears bit 0 ("CLIENT_MYSQL") and then the last 4 reserved bytes
     * carry its extended capabilities. */
    if (!(caps & DJ__CLIENT_LONG_PASSWORD)) {
        g->is_mariadb = 1;
        g->mariadb_capabilities = ext;
    }
    if (strstr(g->server_version, "MariaDB"))
        g->is_mariadb = 1;

    if (caps & DJ__CLIENT_SECURE_CONNECTION) {
        /* Part 2 is max(13, len - 8) bytes and its last byte (a NUL) is never
         * scramble data, whatever it holds: a 21st byte breaks every token. */
        size_t part2_len = auth_len > 21 ? (size_t)auth_len - 8 : 13;
        const uint8_t *part2 = dj__rd_bytes(&r, part2_len);
        if (r.bad)
            return truncated(err, "auth plugin data");
        size_t data_len = part2_len - 1;
        if (8 + data_len > sizeof g->scramble)
            return dj__err(err, DJ_EPROTO, "malformed server greeting: auth plugin data of "
                                           "%zu bytes is too long", 8 + data_len);
        memcpy(g->scramble + 8, part2, data_len);
        g->scramble_len = 8 + data_len;
    }
    if (caps & DJ__CLIENT_PLUGIN_AUTH) {
        if (dj__reader_left(&r) == 0)
            return truncated(err, "auth plugin name");
        size_t nlen;
        /* 5.5.7-5.5.9 omit the NUL after the plugin name, which then can
         * only be theirs (mysql_native_password); any other name without
         * its NUL is a greeting cut short, not something to guess around. */
        const char *old_servers_plugin = "mysql_native_password"; /* one copy, as a literal */
        int terminated = memchr(r.p + r.pos, 0, dj__reader_left(&r)) != NULL;
        const uint8_t *name = dj__rd_nul_str(&r, &nlen, 1);
        if (!terminated && (nlen != strlen(old_servers_plugin) ||
                            memcmp(name, old_servers_plugin, nlen) != 0))
            return truncated(err, "auth plugin name");
        if (nlen >= sizeof g->auth_plugin)
            return dj__err(err, DJ_EPROTO, "malformed server greeting: auth plugin name too long");
        memcpy(g->auth_plugin, name, nlen);
        g->auth_plugin[nlen] = '\0';
    }
    return 0;
}

int dj__auth_switch_parse(const uint8_t *p, size_t len, dj__auth_switch *sw, dj_error *err)
{
    if (len == 1)
        return dj__err(err, DJ_EAUTH, "server asked for the insecure pre-4.1 "
                                      "mysql_old_password method; refused");
    dj__reader r;
    dj__reader_init(&r, p, len);
    dj__rd_u8(&r);
    sw->plugin = (const char *)dj__rd_nul_str(&r, &sw->plugin_len, 0);
    sw->data = dj__rd_rest(&r, &sw->data_len);
    if (r.bad)
        return dj__err(err, DJ_EPROTO, "malformed authentication switch request");
    return 0;
}

/* The 32 bytes that SSLRequest and HandshakeResponse41 share. */
static void put_login_head(dj__builder *b, const dj__login *l)
{
    dj__put_u32(b, l->capabilities);
    dj__put_u32(b, l->max_packet);
    dj__put_u8(b, l->charset);
    if (!(l->capabilities & DJ__CLIENT_LONG_PASSWORD)) {
        dj__put_zeros(b, 19);
        dj__put_u32(b, l->mariadb_capabilities);
    } else {
        dj__put_zeros(b, 23);
    }
}

void dj__ssl_request_build(dj__builder *b, const dj__login *l)
{
    put_login_head(b, l);
}

void dj__handshake_response_build(dj__builder *b, const dj__login *l)
{
    put_login_head(b, l);
    dj__put_nul_str(b, l->user);
    if (l->capabilities & DJ__CLIENT_PLUGIN_AUTH_LENENC) {
        dj__put_lenenc_str(b, l->auth, l->auth_len);
    } else {
        dj__put_u8(b, (uint8_t)l->auth_len);
        dj__put_bytes(b, l->auth, l->auth_len);
    }
    if (l->capabilities & DJ__CLIENT_CONNECT_WITH_DB)
        dj__put_nul_str(b, l->database);
    if (l->capabilities & DJ__CLIENT_PLUGIN_AUTH)
        dj__put_nul_str(b, l->auth_plugin);
    if (l->capabilities & DJ__CLIENT_CONNECT_ATTRS)
        dj__put_lenenc_str(b, l->attrs, l->attrs_len);
}

void dj__put_attr(dj__builder *b, const char *key, const char *value)
{
    dj__put_lenenc_str(b, key, strlen(key));
    dj__put_lenenc_str(b, value, strlen(value));
}
