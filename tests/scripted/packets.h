/* SPDX-License-Identifier: Apache-2.0 */
/*
 * packets.h - server-side packets for scripted tests, built with the
 * library's own wire builder (dj__builder), and the usual script pieces:
 * a greeting, an accepted login, the session setup dj_connect runs after it.
 */
#ifndef DJ_TEST_SCRIPTED_PACKETS_H
#define DJ_TEST_SCRIPTED_PACKETS_H

#include "scripted/server.h"
#include "wire/buf.h"
#include "wire/protocol.h"

/* What a scripted server announces; packets.c fills it like a MySQL 8 server
 * (ss_greeting_default), tests change what they need. */
typedef struct ss_greeting {
    uint8_t protocol_version;
    const char *version;
    uint32_t capabilities;
    uint8_t scramble[20];
    const char *plugin;           /* NULL: no plugin name (and no CLIENT_PLUGIN_AUTH) */
} ss_greeting;

/* The scramble of the shared vectors (tests/data/auth-vectors.txt). */
extern const uint8_t ss_vector_scramble[20];
/* Capabilities of ss_greeting_default: 4.1, plugin auth, DEPRECATE_EOF..., no SSL. */
#define SS_DEFAULT_CAPS                                                                      \
    (DJ__CLIENT_LONG_PASSWORD | DJ__CLIENT_LONG_FLAG | DJ__CLIENT_CONNECT_WITH_DB |        \
     DJ__CLIENT_PROTOCOL_41 | DJ__CLIENT_TRANSACTIONS | DJ__CLIENT_SECURE_CONNECTION |     \
     DJ__CLIENT_MULTI_RESULTS | DJ__CLIENT_PS_MULTI_RESULTS | DJ__CLIENT_PLUGIN_AUTH |     \
     DJ__CLIENT_CONNECT_ATTRS | DJ__CLIENT_PLUGIN_AUTH_LENENC | DJ__CLIENT_DEPRECATE_EOF)

/* mysql_native_password, the vector scramble, SS_DEFAULT_CAPS, version 8.0.99-scripted. */
ss_greeting ss_greeting_default(void);

/* Payload builders: each resets b and fills it. b uses the malloc allocator. */
void ss_build_greeting(dj__builder *b, const ss_greeting *g);
void ss_build_ok(dj__builder *b, uint8_t header, uint16_t status);
void ss_build_err(dj__builder *b, uint16_t code, const char *sqlstate, const char *msg);
/* A column of type VAR_STRING named `name` in table t of schema s. */
void ss_build_coldef(dj__builder *b, const char *name);
/* A text row; NULL values are SQL NULL. */
void ss_build_row(dj__builder *b, unsigned n, const char *const *values);

/* AuthSwitchRequest: 0xFE, the plugin name and its NUL, then data. */
void ss_build_switch(dj__builder *b, const char *plugin, const void *data, size_t len);

/* Adds a step sending b's payload. */
void ss_send_built(sserver *s, uint8_t seq, const dj__builder *b);

/* Greeting (seq 0), expect the HandshakeResponse (seq 1), OK (seq 2). */
void ss_script_login(sserver *s, const ss_greeting *g);
/* What dj_connect sends after login: the sql_mode statement and
 * SELECT @@max_allowed_packet, answered with OK and a one-row result
 * (max_allowed as its value, NULL for none). */
void ss_script_session(sserver *s, const char *max_allowed);
/* A query (seq 0) answered with a result set of one VAR_STRING column
 * `name` and the given rows of one value each, OK-terminated. */
void ss_script_result(sserver *s, const char *name, unsigned nrows, const char *const *rows);

/* A configuration for 127.0.0.1:port, user "scripted", password SS_PASSWORD,
 * TLS disabled, 5 s timeouts. */
void ss_config(dj_config *cfg, const sserver *s);
#define SS_PASSWORD "s3cr3t-hunter2"

/* The auth data of a HandshakeResponse41 payload (lenenc or 1-byte length). */
const uint8_t *ss_login_auth_data(const uint8_t *p, size_t len, size_t *auth_len);

/* ---- a counting allocator: checks leaks and peak use ---- */
typedef struct ss_counter {
    size_t live_bytes, peak_bytes, live_blocks, allocations;
    dj_allocator allocator;
} ss_counter;

void ss_counter_init(ss_counter *c);

#endif
