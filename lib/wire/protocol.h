/* SPDX-License-Identifier: Apache-2.0 */
/*
 * protocol.h - codecs for the connection-phase and command-phase packets.
 * Pure functions over payload bytes (no I/O, no allocation unless noted).
 * Strings returned by parsers point into the payload they were given.
 */
#ifndef DJ_WIRE_PROTOCOL_H
#define DJ_WIRE_PROTOCOL_H

#include "core/internal.h"
#include "wire/buf.h"

/* Capability flags (low 32 bits; MariaDB's extended ones are shifted by 32). */
#define DJ__CLIENT_LONG_PASSWORD 0x00000001u /* MariaDB: CLIENT_MYSQL */
#define DJ__CLIENT_LONG_FLAG 0x00000004u
#define DJ__CLIENT_CONNECT_WITH_DB 0x00000008u
#define DJ__CLIENT_COMPRESS 0x00000020u
#define DJ__CLIENT_LOCAL_FILES 0x00000080u
#define DJ__CLIENT_PROTOCOL_41 0x00000200u
#define DJ__CLIENT_SSL 0x00000800u
#define DJ__CLIENT_TRANSACTIONS 0x00002000u
#define DJ__CLIENT_SECURE_CONNECTION 0x00008000u
#define DJ__CLIENT_MULTI_STATEMENTS 0x00010000u
#define DJ__CLIENT_MULTI_RESULTS 0x00020000u
#define DJ__CLIENT_PS_MULTI_RESULTS 0x00040000u
#define DJ__CLIENT_PLUGIN_AUTH 0x00080000u
#define DJ__CLIENT_CONNECT_ATTRS 0x00100000u
#define DJ__CLIENT_PLUGIN_AUTH_LENENC 0x00200000u
#define DJ__CLIENT_SESSION_TRACK 0x00800000u
#define DJ__CLIENT_DEPRECATE_EOF 0x01000000u

/* Commands. */
enum dj__command {
    DJ__COM_QUIT = 0x01,
    DJ__COM_INIT_DB = 0x02,
    DJ__COM_QUERY = 0x03,
    DJ__COM_PING = 0x0e,
    DJ__COM_STMT_PREPARE = 0x16,
    DJ__COM_STMT_EXECUTE = 0x17,
    DJ__COM_STMT_SEND_LONG_DATA = 0x18,
    DJ__COM_STMT_CLOSE = 0x19,
    DJ__COM_RESET_CONNECTION = 0x1f
};

/* First bytes of response packets. */
#define DJ__PKT_OK 0x00
#define DJ__PKT_AUTH_MORE 0x01
#define DJ__PKT_LOCAL_INFILE 0xFB
#define DJ__PKT_EOF 0xFE
#define DJ__PKT_ERR 0xFF

#define DJ__SERVER_VERSION_MAX 96
#define DJ__PLUGIN_NAME_MAX 64
#define DJ__SCRAMBLE_MAX 64

/* Protocol::HandshakeV10 as the client needs it. */
typedef struct dj__greeting {
    uint8_t protocol_version;
    char server_version[DJ__SERVER_VERSION_MAX]; /* "5.5.5-" prefix removed */
    int is_mariadb;
    uint32_t connection_id;
    uint32_t capabilities;          /* low 32 bits */
    uint32_t mariadb_capabilities;  /* extended bits 32..63, 0 for MySQL */
    uint8_t charset;
    uint16_t status;
    uint8_t scramble[DJ__SCRAMBLE_MAX];
    size_t scramble_len;            /* 20 normally: the trailing NUL is not part of it */
    char auth_plugin[DJ__PLUGIN_NAME_MAX];
} dj__greeting;

/* Parses a greeting. Refuses protocol versions other than 10 and servers
 * without CLIENT_PROTOCOL_41 (DJ_EUNSUPPORTED), and truncation (DJ_EPROTO). */
int dj__greeting_parse(const uint8_t *p, size_t len, dj__greeting *g, dj_error *err);

/* AuthSwitchRequest (0xFE, plugin name, NUL, challenge) with borrowed bytes. */
typedef struct dj__auth_switch {
    const char *plugin;
    size_t plugin_len;
    const uint8_t *data;
    size_t data_len;
} dj__auth_switch;

/* Parses an AuthSwitchRequest. A lone 0xFE (the pre-4.1 request for a
 * mysql_old_password proof) is DJ_EAUTH: that method is never used; a
 * plugin name without its NUL is DJ_EPROTO. */
int dj__auth_switch_parse(const uint8_t *p, size_t len, dj__auth_switch *sw, dj_error *err);

/* What goes into SSLRequest / HandshakeResponse41. */
typedef struct dj__login {
    uint32_t capabilities;
    uint32_t mariadb_capabilities;  /* sent only when CLIENT_LONG_PASSWORD is clear */
    uint32_t max_packet;
    uint8_t charset;
    const char *user;
    const uint8_t *auth;
    size_t auth_len;
    const char *database;           /* used when CLIENT_CONNECT_WITH_DB */
    const char *auth_plugin;        /* used when CLIENT_PLUGIN_AUTH */
    const uint8_t *attrs;           /* encoded key/value pairs (dj__put_attrs) */
    size_t attrs_len;
} dj__login;

/* The 32-byte SSLRequest payload. */
void dj__ssl_request_build(dj__builder *b, const dj__login *l);
/* HandshakeResponse41 payload. */
void dj__handshake_response_build(dj__builder *b, const dj__login *l);
/* Appends one connection attribute (lenenc key, lenenc value). */
void dj__put_attr(dj__builder *b, const char *key, const char *value);

/* OK packet (header 0x00, or 0xFE when it ends a result under DEPRECATE_EOF). */
typedef struct dj__ok {
    uint64_t affected_rows;
    uint64_t last_insert_id;
    uint16_t status;
    uint16_t warnings;
} dj__ok;

/* Kinds of session-state entries (protocol notes: OK packet). */
enum dj__session_track {
    DJ__TRACK_SYSTEM_VARIABLES = 0,
    DJ__TRACK_SCHEMA = 1,
    DJ__TRACK_STATE_CHANGE = 2,
    DJ__TRACK_GTIDS = 3,
    DJ__TRACK_TRANSACTION_CHARACTERISTICS = 4,
    DJ__TRACK_TRANSACTION_STATE = 5
};

/* Parses an OK packet strictly: the info text and session-state data, when
 * present, must lie inside the packet and fill it (DJ_EPROTO otherwise). */
int dj__ok_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err);
/* EOF packet (without DEPRECATE_EOF): 0xFE, warnings and status, exactly. */
int dj__eof_parse(const uint8_t *p, size_t len, dj__ok *ok, dj_error *err);
/* ERR packet: fills err with the server's errno, SQLSTATE and message and returns
 * DJ_ESERVER; a malformed one is DJ_EPROTO. */
int dj__err_packet_parse(const uint8_t *p, size_t len, dj_error *err);
/* True for a packet that ends rows: 0xFE and shorter than a row could be. */
int dj__is_terminator(const uint8_t *p, size_t len, int deprecate_eof);

/* ColumnDefinition41 with borrowed strings. */
typedef struct dj__coldef {
    const uint8_t *schema, *table, *org_table, *name, *org_name;
    size_t schema_len, table_len, org_table_len, name_len, org_name_len;
    uint16_t charset;
    uint32_t length;
    uint8_t type;
    uint16_t flags;
    uint8_t decimals;
} dj__coldef;

int dj__coldef_parse(const uint8_t *p, size_t len, dj__coldef *c, dj_error *err);

/* Splits a text-protocol row into ncols values pointing into p. More or fewer
 * values than columns is DJ_EPROTO. */
int dj__text_row_parse(const uint8_t *p, size_t len, unsigned ncols, dj_value *values,
                       dj_error *err);

#endif
