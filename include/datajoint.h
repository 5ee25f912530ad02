/* SPDX-License-Identifier: Apache-2.0 */
/*
 * datajoint.h - public API of libdatajoint.
 *
 * A MySQL/MariaDB client written from the wire protocol up, and DataJoint's
 * schema layer on top of it. Conventions used throughout:
 *
 *  - Functions return an int status: 0 (or a documented positive answer) on
 *    success, a negative DJ_E... code on failure. When an error pointer is
 *    given it is filled with the code, a message, and, when the server sent
 *    the error, its errno, SQLSTATE and text. Passing NULL for the error is
 *    allowed.
 *  - The library never prints, never aborts, and keeps no global mutable
 *    state except the documented default connection (dj_conn_default).
 *  - Ownership: strings passed in are copied unless a comment says otherwise.
 *    Pointers returned by accessors are borrowed from the object they came
 *    from and stay valid as long as that object does, unless noted (row
 *    values are valid only until the next fetch on that result).
 *  - A connection is not thread-safe: use one connection per thread.
 *  - Handles: a dj_conn copies its configuration and owns its one open
 *    dj_result; a dj_stmt borrows its connection (close the statement first);
 *    a dj_schema borrows its connection and holds it, so dj_close or a reset
 *    of the default connection waits for dj_schema_close; a dj_table copies
 *    what it needs and owns its dj_heading. docs/api.md has the full table.
 */
#ifndef DATAJOINT_H
#define DATAJOINT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DJ_BUILDING_LIBRARY) && defined(__GNUC__)
#define DJ_API __attribute__((visibility("default")))
#else
#define DJ_API
#endif

/* ------------------------------------------------------------------------- */
/* Version and compiled-in features                                          */

#define DJ_VERSION_STRING "0.1.0"

enum dj_feature {
    DJ_FEATURE_TLS = 1u << 0,         /* OpenSSL: TLS transport */
    DJ_FEATURE_RSA = 1u << 1,         /* OpenSSL: RSA for sha2 auth over plain TCP */
    DJ_FEATURE_ED25519 = 1u << 2,     /* libsodium: MariaDB client_ed25519 */
    DJ_FEATURE_COMPRESSION = 1u << 3, /* zlib: CLIENT_COMPRESS */
    DJ_FEATURE_DECLARE = 1u << 4      /* table declaration (configure --disable-declare) */
};

/* Library version, e.g. "0.1.0". */
DJ_API const char *dj_version(void);
/* Bit set of enum dj_feature compiled into this build. */
DJ_API unsigned dj_features(void);
/* The same as a space-separated list, e.g. "tls rsa ed25519 parsec zlib declare" ("" if none). */
DJ_API const char *dj_features_string(void);

/* ------------------------------------------------------------------------- */
/* Errors                                                                     */

enum dj_status {
    DJ_OK = 0,
    DJ_ENOMEM = -1,           /* an allocation failed */
    DJ_EINVAL = -2,           /* bad argument from the caller */
    DJ_EPROTO = -3,           /* the server broke the protocol; connection closed */
    DJ_ESERVER = -4,          /* the server answered with an error (errno, SQLSTATE set) */
    DJ_ELOST = -5,            /* connection lost (closed, reset, killed) */
    DJ_ETIMEOUT = -6,         /* connect, read or write timeout fired */
    DJ_ECONNECT = -7,         /* could not reach the server (refused, unreachable, DNS) */
    DJ_EAUTH = -8,            /* authentication failed or refused by client policy */
    DJ_ETLS = -9,             /* TLS handshake or certificate verification failed */
    DJ_ETOOBIG = -10,         /* a packet, row or value exceeded a configured cap */
    DJ_EUNSUPPORTED = -11,    /* feature not compiled in, or not offered by the server */
    DJ_ECONFIG = -12,         /* bad configuration (file, key or value) */
    DJ_ESTATE = -13,          /* call not allowed now (result open, connection unusable) */
    DJ_ESCHEMA_MISSING = -14, /* schema does not exist and create_schema is false */
    DJ_ESCHEMA_DENIED = -15,  /* schema does not exist and could not be created */
    DJ_ETRANSACTION = -16,    /* transaction misuse, or transaction lost with the connection */
    DJ_ENAME = -17,           /* invalid schema, table or class name */
    DJ_EABORTED = -18,        /* the caller's callback declined (e.g. drop not confirmed) */
    DJ_ESYSTEM = -19,         /* an operating-system call failed (errno in os_errno) */
    DJ_EOUTCOME_UNKNOWN = -20 /* the connection failed during a write or COMMIT: it may or may
                                 not have been applied; the library reconnected (failover) but
                                 did not replay it (see docs/cluster.md) */
};

/* DataJoint's error classes, mapped from server errnos as datajoint-python does. */
typedef enum dj_error_kind {
    DJ_KIND_NONE = 0,
    DJ_KIND_QUERY,             /* any other server error */
    DJ_KIND_ACCESS,            /* 1044, 1142 */
    DJ_KIND_DUPLICATE,         /* 1062 */
    DJ_KIND_INTEGRITY,         /* 1217, 1451, 1452, 3730 */
    DJ_KIND_SYNTAX,            /* 1064 */
    DJ_KIND_MISSING_TABLE,     /* 1146 */
    DJ_KIND_MISSING_ATTRIBUTE, /* 1364 */
    DJ_KIND_UNKNOWN_ATTRIBUTE, /* 1054 */
    DJ_KIND_LOST_CONNECTION    /* 2006, 2013, 4031, and client-side DJ_ELOST */
} dj_error_kind;

#define DJ_ERROR_MESSAGE_MAX 512

typedef struct dj_error {
    int code;                /* enum dj_status */
    dj_error_kind kind;      /* DataJoint class */
    unsigned server_errno;   /* server error number, 0 if the error is client-side */
    char sqlstate[6];        /* server SQLSTATE, "" if client-side */
    int os_errno;            /* errno for DJ_ESYSTEM / DJ_ECONNECT, else 0 */
    char message[DJ_ERROR_MESSAGE_MAX]; /* what failed and why */
} dj_error;

/* Resets an error to DJ_OK with empty fields. */
DJ_API void dj_error_clear(dj_error *err);
/* Short fixed description of a status code ("connection lost", ...). */
DJ_API const char *dj_strerror(int code);
/* DataJoint class for a server errno (DJ_KIND_QUERY for unknown ones). */
DJ_API dj_error_kind dj_error_kind_from_errno(unsigned server_errno);
/* Name of a kind: "AccessError", "DuplicateError", ... as in datajoint-python. */
DJ_API const char *dj_error_kind_name(dj_error_kind kind);

/* ------------------------------------------------------------------------- */
/* Memory                                                                     */

/*
 * An allocator a rig can supply (its own pool, a counting or failing one for
 * tests). Every allocation a connection, result or schema makes goes through
 * the allocator of the configuration it was created from. NULL in dj_config
 * means the C library's malloc/realloc/free. realloc(NULL, n) must behave as
 * malloc(n). The allocator must outlive everything created with it.
 */
typedef struct dj_allocator {
    void *(*malloc_fn)(size_t size, void *ud);
    void *(*realloc_fn)(void *ptr, size_t size, void *ud);
    void (*free_fn)(void *ptr, void *ud);
    void *ud;
} dj_allocator;

/* ------------------------------------------------------------------------- */
/* Configuration                                                              */

typedef enum dj_tls_mode {
    DJ_TLS_DISABLED = 0,
    DJ_TLS_PREFERRED,        /* default; DataJoint use_tls=None */
    DJ_TLS_REQUIRED,         /* DataJoint use_tls=True; no credential before TLS */
    DJ_TLS_VERIFY_CA,
    DJ_TLS_VERIFY_IDENTITY
} dj_tls_mode;

typedef enum dj_log_level {
    DJ_LOG_DEBUG = 0, DJ_LOG_INFO, DJ_LOG_WARNING, DJ_LOG_ERROR
} dj_log_level;

/* Receives the library's notices (e.g. "schema X does not exist, nothing to drop"). */
typedef void (*dj_log_fn)(dj_log_level level, const char *message, void *ud);

#define DJ_HOST_MAX 1024
#define DJ_USER_MAX 256
#define DJ_PASSWORD_MAX 256
#define DJ_PATH_MAX 1024
#define DJ_NAME_MAX 256
#define DJ_STATEMENT_MAX 1024

/* Defaults of the caps and timeouts. */
#define DJ_DEFAULT_PORT 3306
#define DJ_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define DJ_DEFAULT_MAX_PACKET (64u * 1024u * 1024u)

/*
 * Everything needed to open a connection, plus DataJoint's settings. Fixed
 * arrays keep it allocation-free; dj_config_init fills the defaults,
 * dj_config_load applies DataJoint's sources, dj_config_clear wipes the
 * password. Plain assignment copies a configuration.
 */
typedef struct dj_config {
    char host[DJ_HOST_MAX];          /* "host", "host:port", "[v6]:port", or a list "h1:p1,h2:p2" */
    unsigned port;                   /* used when host names none; default 3306 */
    char user[DJ_USER_MAX];
    char password[DJ_PASSWORD_MAX];
    char database[DJ_NAME_MAX];      /* initial database, "" for none */
    char unix_socket[DJ_PATH_MAX];   /* when set, connect here instead of TCP */
    dj_tls_mode tls_mode;
    char tls_ca[DJ_PATH_MAX];        /* CA file for verify modes */
    char tls_capath[DJ_PATH_MAX];    /* CA directory */
    char tls_cert[DJ_PATH_MAX];      /* client certificate */
    char tls_key[DJ_PATH_MAX];       /* client key */
    char server_public_key[DJ_PATH_MAX]; /* pinned RSA key (PEM) for sha2 auth over plain TCP */
    int get_server_public_key;       /* allow requesting the RSA key over plain TCP */
    int allow_cleartext;             /* allow mysql_clear_password over TLS/Unix socket */
    unsigned connect_timeout_ms;     /* per host: bounds TCP connect + greeting + TLS + auth; 0 = none */
    unsigned read_timeout_ms;        /* 0 = none */
    unsigned write_timeout_ms;       /* 0 = none */
    int compress;                    /* request CLIENT_COMPRESS */
    int multi_statements;            /* allow several ;-separated statements per query (off:
                                        it multiplies what an injection could do) */
    int reconnect;                   /* DataJoint database.reconnect: retry once on lost connection */
    char init_command[DJ_STATEMENT_MAX]; /* DataJoint connection.init_function */
    char charset[64];                /* connection.charset; "" = utf8mb4 */
    int safemode;                    /* DataJoint safemode: confirm destructive operations */
    dj_log_level loglevel;
    size_t max_packet;               /* largest packet/row accepted; 0 = server's max_allowed_packet or 64 MiB */
    const dj_allocator *allocator;   /* NULL = malloc */
    dj_log_fn log_fn;                /* NULL = notices are dropped */
    void *log_ud;
    /* Multi-host failover (docs/cluster.md). */
    unsigned failover_deadline_ms;   /* database.failover_deadline: with a host list, keep
                                        retrying passes over the hosts (exponential backoff
                                        with jitter) until this much time has passed;
                                        default 30 s, 0 = one pass only */
    int require_synced;              /* database.require_synced: on Galera also require
                                        wsrep_local_state_comment=Synced (default off) */
    unsigned wsrep_sync_wait;        /* database.wsrep_sync_wait: session wsrep_sync_wait set on
                                        every Galera connection (1 = causal reads); 0 = leave
                                        the server's setting */
    int causal_schema_checks;        /* database.causal_schema_checks: schema existence checks
                                        wait for the cluster to catch up (wsrep_sync_wait=1
                                        for that statement); default on */
    char time_zone[64];              /* connection.time_zone: session time_zone, "" = server's */
} dj_config;

/* Fills DataJoint's defaults: localhost:3306, root, no password, TLS preferred
 * (disabled in a build without TLS, where any other mode is refused at connect),
 * reconnect on, safemode on, 10 s connect timeout. */
DJ_API void dj_config_init(dj_config *cfg);

/*
 * Applies DataJoint's sources in order: the first config file found
 * (./dj_local_conf.json, else ~/.datajoint_config.json, else datajoint.json
 * searched from the current directory upwards; DJ_CONFIG_FILE names one
 * instead), then the environment (DJ_HOST[:port], DJ_PORT, DJ_USER, DJ_PASS,
 * DJ_USE_TLS, DJ_CONNECT_TIMEOUT, DJ_TLS_CA, DJ_LOG_LEVEL). Values set by the
 * caller afterwards win over both. A malformed file is DJ_ECONFIG naming the
 * file, line and column. Sets *loaded_from (if not NULL, size DJ_PATH_MAX) to
 * the file used, or "". A key of a file that neither we nor DataJoint know
 * ("database.prot") is passed to cfg->log_fn as a DJ_LOG_WARNING naming the
 * file, line, column and the nearest known key; loading goes on.
 */
DJ_API int dj_config_load(dj_config *cfg, char *loaded_from, dj_error *err);
/* Reads one JSON config file: flat dotted keys or the nested layout. */
DJ_API int dj_config_load_file(dj_config *cfg, const char *path, dj_error *err);
/* Applies the DJ_* environment variables only. */
DJ_API int dj_config_apply_env(dj_config *cfg, dj_error *err);
/* Sets one setting by its DataJoint key ("database.host", "database.port",
 * "database.use_tls", ...). Unknown keys are DJ_ECONFIG. */
DJ_API int dj_config_set(dj_config *cfg, const char *key, const char *value, dj_error *err);
/* Writes a setting's value as text; the password is written as "***" when
 * set unless reveal_secrets is non-zero. Returns DJ_ECONFIG for unknown keys
 * and DJ_EINVAL when out is too small. */
DJ_API int dj_config_get(const dj_config *cfg, const char *key, char *out, size_t outsize,
                         int reveal_secrets);
/* NULL-terminated list of the keys dj_config_get/dj_config_set understand. */
DJ_API const char *const *dj_config_keys(void);
/* Parses "disabled|preferred|required|verify_ca|verify_identity" (also
 * DataJoint's "true"/"false"/"none"). */
DJ_API int dj_tls_mode_parse(const char *text, dj_tls_mode *mode);
DJ_API const char *dj_tls_mode_name(dj_tls_mode mode);
/* Wipes the password and other secrets from a configuration. */
DJ_API void dj_config_clear(dj_config *cfg);

/* ------------------------------------------------------------------------- */
/* Connections                                                                */

typedef struct dj_conn dj_conn;

/*
 * Connects, negotiates TLS as configured, authenticates, and sets up the
 * session as DataJoint does (strict sql_mode, autocommit, utf8mb4, optional
 * init statement). The configuration is copied; the caller may clear it.
 */
DJ_API int dj_connect(dj_conn **out, const dj_config *cfg, dj_error *err);
/* Sends COM_QUIT (best effort), closes the socket, wipes and frees. NULL is
 * fine. The caller gives up the handle; while an open schema still uses the
 * connection, the close waits for that schema's dj_schema_close. */
DJ_API void dj_close(dj_conn *conn);
/* Drops the old session (if any) and connects again with the same settings. */
DJ_API int dj_reconnect(dj_conn *conn, dj_error *err);
/* COM_PING. */
DJ_API int dj_ping(dj_conn *conn, dj_error *err);
/* COM_INIT_DB: makes `database` the default database. */
DJ_API int dj_select_db(dj_conn *conn, const char *database, dj_error *err);
/* COM_RESET_CONNECTION: resets session state without re-authenticating,
 * then applies the DataJoint session settings again. */
DJ_API int dj_reset_session(dj_conn *conn, dj_error *err);
/* 1 when the connection can be used, 0 after it was lost or closed. */
DJ_API int dj_is_connected(const dj_conn *conn);

/* Server version as sent in the greeting, with MariaDB's "5.5.5-" removed. */
DJ_API const char *dj_server_version(const dj_conn *conn);
/* 1 for MariaDB, 0 for MySQL. */
DJ_API int dj_server_is_mariadb(const dj_conn *conn);
/* Value of SELECT connection_id() for this session. */
DJ_API uint64_t dj_connection_id(const dj_conn *conn);
/* Server status flags from the last OK/EOF (SERVER_STATUS_*). */
DJ_API unsigned dj_server_status(const dj_conn *conn);
/* Name of the auth plugin that completed the login. */
DJ_API const char *dj_auth_plugin(const dj_conn *conn);
/* Negotiated TLS protocol ("TLSv1.3"), or NULL without TLS. */
DJ_API const char *dj_tls_version(const dj_conn *conn);
/* 1 when protocol compression is active. */
DJ_API int dj_compression_active(const dj_conn *conn);
/* "host:port" or the socket path of the current server. */
DJ_API const char *dj_peer(const dj_conn *conn);
/* Largest packet this connection accepts (the effective cap). */
DJ_API size_t dj_max_packet(const dj_conn *conn);
/* Changes the cap for packets and rows received (0 = back to the default). */
DJ_API void dj_set_max_packet(dj_conn *conn, size_t bytes);

/* ------------------------------------------------------------------------- */
/* Queries and streamed results                                               */

/* MySQL column types (the wire values). */
enum dj_column_type {
    DJ_TYPE_DECIMAL = 0, DJ_TYPE_TINY = 1, DJ_TYPE_SHORT = 2, DJ_TYPE_LONG = 3,
    DJ_TYPE_FLOAT = 4, DJ_TYPE_DOUBLE = 5, DJ_TYPE_NULL = 6, DJ_TYPE_TIMESTAMP = 7,
    DJ_TYPE_LONGLONG = 8, DJ_TYPE_INT24 = 9, DJ_TYPE_DATE = 10, DJ_TYPE_TIME = 11,
    DJ_TYPE_DATETIME = 12, DJ_TYPE_YEAR = 13, DJ_TYPE_VARCHAR = 15, DJ_TYPE_BIT = 16,
    DJ_TYPE_JSON = 245, DJ_TYPE_NEWDECIMAL = 246, DJ_TYPE_ENUM = 247, DJ_TYPE_SET = 248,
    DJ_TYPE_TINY_BLOB = 249, DJ_TYPE_MEDIUM_BLOB = 250, DJ_TYPE_LONG_BLOB = 251,
    DJ_TYPE_BLOB = 252, DJ_TYPE_VAR_STRING = 253, DJ_TYPE_STRING = 254, DJ_TYPE_GEOMETRY = 255
};

/* Column flags. */
enum dj_column_flag {
    DJ_FLAG_NOT_NULL = 1, DJ_FLAG_PRIMARY_KEY = 2, DJ_FLAG_UNIQUE_KEY = 4,
    DJ_FLAG_MULTIPLE_KEY = 8, DJ_FLAG_BLOB = 16, DJ_FLAG_UNSIGNED = 32,
    DJ_FLAG_ZEROFILL = 64, DJ_FLAG_BINARY = 128, DJ_FLAG_ENUM = 256,
    DJ_FLAG_AUTO_INCREMENT = 512, DJ_FLAG_TIMESTAMP = 1024, DJ_FLAG_SET = 2048
};

/* Server status flags (dj_server_status, dj_result_info.status). */
enum dj_server_status_flag {
    DJ_STATUS_IN_TRANS = 0x0001, DJ_STATUS_AUTOCOMMIT = 0x0002,
    DJ_STATUS_MORE_RESULTS = 0x0008, DJ_STATUS_NO_BACKSLASH_ESCAPES = 0x0200,
    DJ_STATUS_SESSION_STATE_CHANGED = 0x4000
};

/* Column metadata; strings are NUL-terminated copies owned by the result. */
typedef struct dj_column {
    const char *schema;
    const char *table;
    const char *org_table;
    const char *name;
    const char *org_name;
    uint16_t charset;     /* collation id; 63 = binary */
    uint32_t length;
    uint8_t type;         /* enum dj_column_type */
    uint16_t flags;       /* enum dj_column_flag */
    uint8_t decimals;
} dj_column;

/* One value of a row: ptr == NULL means SQL NULL; an empty string has ptr != NULL, len 0.
 * Text values are not NUL-terminated. */
typedef struct dj_value {
    const char *ptr;
    size_t len;
} dj_value;

/* What an OK packet (or the end of a result set) reported. */
typedef struct dj_result_info {
    uint64_t affected_rows;
    uint64_t last_insert_id;
    unsigned warnings;
    unsigned status;      /* enum dj_server_status_flag */
} dj_result_info;

/* A result being read. It belongs to its connection: only one is open at a
 * time, and the connection refuses other commands until it is closed. */
typedef struct dj_result dj_result;

/*
 * Sends a COM_QUERY and reads the first response. On success *out is the
 * open result: a result set (dj_result_column_count > 0) to fetch row by row,
 * or a statement result with only dj_result_info. Rows are never buffered as
 * a whole: memory stays bounded by the largest row.
 */
DJ_API int dj_query(dj_conn *conn, const char *sql, size_t len, dj_result **out, dj_error *err);
/* Number of columns of the current result set (0 for a statement). */
DJ_API unsigned dj_result_column_count(const dj_result *res);
/* Column i of the current result set, NULL if out of range. */
DJ_API const dj_column *dj_result_column(const dj_result *res, unsigned i);
/*
 * Reads the next row. Returns 1 and points *values at column_count values
 * (valid until the next fetch/next_set/close on this result), 0 at the end
 * of the current result set, or a negative error.
 */
DJ_API int dj_result_fetch(dj_result *res, const dj_value **values, dj_error *err);
/*
 * Moves to the next result of a multi-result query (skipping unread rows of
 * the current one). Returns 1 when there is one, 0 when there are no more.
 */
DJ_API int dj_result_next_set(dj_result *res, dj_error *err);
/* Counts from the OK/terminator of the current result (valid after its end). */
DJ_API const dj_result_info *dj_result_info_get(const dj_result *res);
/* Reads and discards whatever remains, then releases the connection for the
 * next command. Returns the first error met while draining. NULL is fine. */
DJ_API int dj_result_close(dj_result *res, dj_error *err);

/* Runs a statement and discards any rows; fills *info (may be NULL) from the last result. */
DJ_API int dj_exec(dj_conn *conn, const char *sql, dj_result_info *info, dj_error *err);
/*
 * Runs a query and copies the first column of its first row into out
 * (NUL-terminated, truncation is DJ_ETOOBIG). Returns 1 when a row came back,
 * 0 when there was none; *is_null (may be NULL) tells a NULL value apart.
 */
DJ_API int dj_query_value(dj_conn *conn, const char *sql, char *out, size_t outsize,
                          int *is_null, dj_error *err);

/*
 * Escapes a string for use inside a '...' literal. out must have room for
 * 2*len+1 bytes; the result is NUL-terminated and its length returned. Honours
 * the server's NO_BACKSLASH_ESCAPES mode when conn is given (NULL = backslash
 * escapes, the server default).
 */
DJ_API size_t dj_escape_string(const dj_conn *conn, char *out, const char *in, size_t len);
/* Writes the identifier in backticks, with backticks inside it doubled
 * (session -> `session`). out needs 2*len+3 bytes; returns the length. */
DJ_API size_t dj_quote_identifier(char *out, const char *name, size_t len);

/* ------------------------------------------------------------------------- */
/* Transactions (DataJoint's connection.start_transaction & co.)              */

/* START TRANSACTION WITH CONSISTENT SNAPSHOT; nested start is DJ_ETRANSACTION. */
DJ_API int dj_transaction_start(dj_conn *conn, dj_error *err);
DJ_API int dj_transaction_commit(dj_conn *conn, dj_error *err);
/* ROLLBACK. */
DJ_API int dj_transaction_cancel(dj_conn *conn, dj_error *err);
DJ_API int dj_in_transaction(const dj_conn *conn);

/*
 * DataJoint's query rule: runs the statement like dj_exec, and if the
 * connection was lost (2006, 2013, 4031, broken socket) and reconnect is on:
 * outside a transaction it reconnects (to the next host of a list) and
 * retries once; inside one it reconnects and reports DJ_ETRANSACTION
 * ("connection lost during a transaction"). A statement that may change data
 * and was cut while running is not retried: DJ_EOUTCOME_UNKNOWN (see
 * dj_exec_flags; reads and SET are retried).
 */
DJ_API int dj_exec_retry(dj_conn *conn, const char *sql, dj_result_info *info, dj_error *err);
/* The same for dj_query_value. */
DJ_API int dj_query_value_retry(dj_conn *conn, const char *sql, char *out, size_t outsize,
                                int *is_null, dj_error *err);

/* ------------------------------------------------------------------------- */
/* The default connection (dj.conn())                                         */

/*
 * Returns the process-wide default connection, created on first use from
 * dj_config_load(). With reset non-zero an existing one is closed and a new
 * one made. Guarded by a mutex; the connection itself is still not
 * thread-safe.
 */
DJ_API int dj_conn_default(dj_conn **out, int reset, dj_error *err);
/* Uses cfg (copied) instead of dj_config_load() for the default connection
 * made from now on; NULL goes back to loading the configuration. */
DJ_API int dj_conn_default_configure(const dj_config *cfg, dj_error *err);
/* Closes and forgets the default connection. */
DJ_API void dj_conn_default_close(void);

/* ------------------------------------------------------------------------- */
/* Names                                                                      */

typedef enum dj_tier {
    DJ_TIER_MANUAL = 0,   /* table_name */
    DJ_TIER_LOOKUP,       /* #table_name */
    DJ_TIER_IMPORTED,     /* _table_name */
    DJ_TIER_COMPUTED,     /* __table_name */
    DJ_TIER_PART,         /* master__part */
    DJ_TIER_HIDDEN,       /* ~table_name (DataJoint's own, e.g. ~log) */
    DJ_TIER_UNKNOWN       /* not a DataJoint name */
} dj_tier;

/* "manual", "lookup", ... */
DJ_API const char *dj_tier_name(dj_tier tier);
/* Tier of a table name by its prefix. */
DJ_API dj_tier dj_table_tier(const char *table_name);
/*
 * CamelCase class name -> table name with the tier prefix ("SubjectType",
 * LOOKUP -> "#subject_type"). For DJ_TIER_PART pass the master's class name;
 * the result is "master_table__part". Invalid class names are DJ_ENAME.
 */
DJ_API int dj_class_to_table(const char *class_name, dj_tier tier, const char *master_class,
                             char *out, size_t outsize, dj_error *err);
/* Table name -> CamelCase class name ("#subject_type" -> "SubjectType",
 * "r_g_b_image" -> "RGBImage", "session__trial" -> "Session.Trial"). */
DJ_API int dj_table_to_class(const char *table_name, char *out, size_t outsize, dj_error *err);

/*
 * Checks a schema name before it goes to the server: empty, longer than 64
 * characters, containing NUL or invalid UTF-8 is DJ_ENAME. With strict
 * non-zero also DataJoint MATLAB's ^[a-z][a-z0-9_-]*$.
 */
DJ_API int dj_schema_name_check(const char *name, int strict, dj_error *err);

/* ------------------------------------------------------------------------- */
/* Schemas (dj.schema)                                                        */

/* Name -> table registry for resolving foreign keys; used by the table layer. */
typedef struct dj_context dj_context;

typedef struct dj_schema_options {
    dj_context *context;     /* NULL: the schema's own tables */
    dj_conn *connection;     /* NULL: the default connection */
    int create_schema;       /* default 1 */
    int create_tables;       /* default 1 */
    int strict_names;        /* default 0: enforce ^[a-z][a-z0-9_-]*$ when set */
} dj_schema_options;

typedef struct dj_schema dj_schema;

/* Fills DataJoint's defaults. */
DJ_API void dj_schema_options_init(dj_schema_options *opts);

/*
 * dj.schema(name, ...): checks that the schema exists and creates it when it
 * does not and create_schema is set. opts may be NULL for the defaults.
 * Errors: DJ_ESCHEMA_MISSING ("Database `X` has not yet been declared. Set
 * argument create_schema=True to create it."), DJ_ESCHEMA_DENIED ("Schema `X`
 * does not exist and could not be created. Check permissions."), DJ_ENAME.
 * A concurrent creator winning the race is success.
 */
DJ_API int dj_schema_open(dj_schema **out, const char *name, const dj_schema_options *opts,
                          dj_error *err);
/* Frees the handle (the schema stays on the server). NULL is fine. A schema
 * borrows its connection (opts->connection, else the default connection)
 * and holds it while open: a dj_close of that connection in the meantime,
 * or dj_conn_default's reset, is carried out by the last dj_schema_close. */
DJ_API void dj_schema_close(dj_schema *schema);
DJ_API const char *dj_schema_name(const dj_schema *schema);
/* 1 when dj_schema_open created the database, 0 when it already existed. */
DJ_API int dj_schema_created(const dj_schema *schema);
DJ_API dj_conn *dj_schema_connection(const dj_schema *schema);
DJ_API int dj_schema_create_tables(const dj_schema *schema);
DJ_API dj_context *dj_schema_context(const dj_schema *schema);
/* 1 exists, 0 does not, negative on error. */
DJ_API int dj_schema_exists(dj_schema *schema, dj_error *err);
/* Existence check by name without opening a handle (conn NULL = default). */
DJ_API int dj_schema_exists_by_name(dj_conn *conn, const char *name, dj_error *err);

/* Asked before a destructive operation; returns non-zero to proceed. The prompt
 * is DataJoint's, e.g. "Proceed to delete entire schema `X`?". */
typedef int (*dj_confirm_fn)(const char *prompt, void *ud);

/*
 * Drops the schema. With force zero and safemode on, confirm is asked first
 * (no callback means no confirmation: DJ_EABORTED). Returns 1 when dropped, 0
 * when the schema did not exist (a notice goes to the log callback).
 */
DJ_API int dj_schema_drop(dj_schema *schema, int force, dj_confirm_fn confirm, void *ud,
                          dj_error *err);
/* Total data + index length of the schema's tables, in bytes. */
DJ_API int dj_schema_size_on_disk(dj_schema *schema, uint64_t *bytes, dj_error *err);

/* A list of strings; free with dj_strlist_free. */
typedef struct dj_strlist {
    char **items;
    size_t count;
    const dj_allocator *allocator; /* what the items were allocated with */
} dj_strlist;
DJ_API void dj_strlist_free(dj_strlist *list);

/* Names of all schemas the user can see, except information_schema, sorted. */
DJ_API int dj_list_schemas(dj_conn *conn, dj_strlist *out, dj_error *err);

typedef struct dj_table_entry {
    char *table_name;   /* as on the server, e.g. "#subject_type" */
    char *class_name;   /* e.g. "SubjectType", "Session.Trial" for parts */
    dj_tier tier;
} dj_table_entry;

typedef struct dj_table_list {
    dj_table_entry *items;
    size_t count;
    const dj_allocator *allocator;
} dj_table_list;
DJ_API void dj_table_list_free(dj_table_list *list);

/* Tables of the schema with their tier and class name, sorted by table name. */
DJ_API int dj_schema_list_tables(dj_schema *schema, dj_table_list *out, dj_error *err);

/* ------------------------------------------------------------------------- */
/* Tables: definitions, declaration, headings, context (dj.Table)             */

/* Status codes of the table layer (numbered apart from the core codes). */
enum dj_table_status {
    DJ_EDEFINITION = -40,    /* a table definition is wrong; the message names the line */
    DJ_ETABLE_MISSING = -41  /* "The table `db`.`tbl` is not defined." */
};

/* How an attribute's default is given. */
typedef enum dj_default_kind {
    DJ_DEFAULT_NONE = 0,     /* no default: a value is required */
    DJ_DEFAULT_NULL,         /* nullable, defaults to NULL */
    DJ_DEFAULT_LITERAL,      /* default_value is the value itself (unquoted text) */
    DJ_DEFAULT_EXPRESSION    /* default_value is SQL, e.g. "CURRENT_TIMESTAMP" */
} dj_default_kind;

/* One attribute (column) of a heading. Strings belong to the heading. */
typedef struct dj_attribute {
    const char *name;
    const char *sql_type;      /* column type as the server has it, integer display widths
                                  removed: "int unsigned", "binary(16)", "enum('a','b')" */
    const char *type;          /* DataJoint's type: the :type: comment marker ("uuid", "int32")
                                  when there is one, else sql_type */
    const char *comment;       /* without the :type: marker */
    dj_default_kind default_kind;
    const char *default_value; /* NULL for DJ_DEFAULT_NONE and DJ_DEFAULT_NULL */
    int nullable;
    int in_key;                /* part of the primary key */
    int autoincrement;
} dj_attribute;

/* A foreign key of a heading: attributes[i] refers to parent_attributes[i]. */
typedef struct dj_foreign_key {
    const char *parent_schema;
    const char *parent_table;
    size_t count;
    const char *const *attributes;
    const char *const *parent_attributes;
} dj_foreign_key;

/* A secondary index (unique or not) of a heading, its attributes in order. */
typedef struct dj_index {
    int unique;
    size_t count;
    const char *const *attributes;
} dj_index;

/* The attributes of a table in declaration order, its comment, foreign keys
 * and secondary indexes. */
typedef struct dj_heading dj_heading;

DJ_API size_t dj_heading_count(const dj_heading *h);
/* Attribute i (declaration order), NULL when out of range. */
DJ_API const dj_attribute *dj_heading_attribute(const dj_heading *h, size_t i);
/* Attribute by name, NULL when there is none. */
DJ_API const dj_attribute *dj_heading_find(const dj_heading *h, const char *name);
/* Number of primary-key attributes (they come first in DataJoint tables). */
DJ_API size_t dj_heading_primary_key_count(const dj_heading *h);
/* The table comment ("" when none). */
DJ_API const char *dj_heading_comment(const dj_heading *h);
DJ_API size_t dj_heading_foreign_key_count(const dj_heading *h);
DJ_API const dj_foreign_key *dj_heading_foreign_key(const dj_heading *h, size_t i);
/* Secondary indexes (the primary key is not one), including those the server
 * made for foreign keys. */
DJ_API size_t dj_heading_index_count(const dj_heading *h);
DJ_API const dj_index *dj_heading_index(const dj_heading *h, size_t i);

/* Context (dj_context, declared with the schema options): a name -> table
 * registry that resolves "-> Name" in definitions before the schema's own
 * tables are searched. */
DJ_API int dj_context_new(dj_context **out, const dj_allocator *alloc, dj_error *err);
DJ_API void dj_context_free(dj_context *ctx);
/* "-> name" refers to `schema_name`.`table_name` (a later entry of the same name wins). */
DJ_API int dj_context_add_table(dj_context *ctx, const char *name, const char *schema_name,
                                const char *table_name, dj_error *err);
/* "-> name.Class" (and name.Master.Part) resolves Class among the tables of schema_name. */
DJ_API int dj_context_add_schema(dj_context *ctx, const char *name, const char *schema_name,
                                 dj_error *err);

typedef struct dj_table dj_table;

/*
 * Declares a table as the schema decorator does. class_name is CamelCase,
 * or "Master.Part" for a part table (tier DJ_TIER_PART; the master must
 * exist). When the table exists it is opened and nothing is sent; when it
 * does not and the schema's create_tables is on, DataJoint's CREATE TABLE IF
 * NOT EXISTS is sent, byte for byte what datajoint-python 0.14 sends.
 * "-> Parent" resolves through the schema's context first, then "master" in
 * a part, then "schema.Class", then the schema's tables by class name.
 * Errors: DJ_EDEFINITION (message names the line), DJ_ETABLE_MISSING with
 * create_tables off, DJ_ETRANSACTION inside a transaction, DJ_ENAME, and
 * server errors (access denied is DJ_ESERVER with kind DJ_KIND_ACCESS).
 */
DJ_API int dj_table_declare(dj_schema *schema, const char *class_name, dj_tier tier,
                            const char *definition, dj_table **out, dj_error *err);
/*
 * Opens an existing table by class name ("Session", "Session.Trial") and
 * reads its heading from information_schema. tier DJ_TIER_UNKNOWN finds the
 * tier from the tables on the server. A missing table is DJ_ETABLE_MISSING.
 */
DJ_API int dj_table_open(dj_schema *schema, const char *class_name, dj_tier tier,
                         dj_table **out, dj_error *err);
/* The CREATE TABLE statement dj_table_declare would send (parents are read
 * from the server). Writes at most outsize bytes, NUL-terminated; *needed (may
 * be NULL) gets the full length + 1; too small a buffer is DJ_ETOOBIG. */
DJ_API int dj_table_declaration_sql(dj_schema *schema, const char *class_name, dj_tier tier,
                                    const char *definition, char *out, size_t outsize,
                                    size_t *needed, dj_error *err);
/* Frees the handle (the table stays). NULL is fine. */
DJ_API void dj_table_close(dj_table *table);
DJ_API const char *dj_table_schema_name(const dj_table *table);
/* Name on the server, e.g. "_scan__frame". */
DJ_API const char *dj_table_name(const dj_table *table);
/* "Scan.Frame" */
DJ_API const char *dj_table_class_name(const dj_table *table);
DJ_API dj_tier dj_table_get_tier(const dj_table *table);
DJ_API const dj_heading *dj_table_heading(const dj_table *table);
/* 1 when dj_table_declare created the table, 0 when it existed. */
DJ_API int dj_table_created(const dj_table *table);
/*
 * The heading in DataJoint's definition syntax, as dj.Table.describe()
 * prints it ("-> Parent" for foreign keys, by class name when the parent is
 * in the same schema, "schema.Class" otherwise). Buffer rules as for
 * dj_table_declaration_sql.
 */
DJ_API int dj_table_describe(const dj_table *table, char *out, size_t outsize, size_t *needed,
                             dj_error *err);
/* Prepared statements, typed values, insert and fetch                        */

/* Date and time values with microseconds. DATE uses year..day, DATETIME and
 * TIMESTAMP everything but negative/days, TIME uses negative, days and
 * hour..microsecond (hours stay below 24; whole days go to days). */
typedef struct dj_datetime {
    uint16_t year;
    uint8_t month, day;
    uint8_t hour, minute, second;
    uint32_t microsecond;
    int negative;               /* TIME only */
    uint32_t days;              /* TIME only */
} dj_datetime;

/* What a dj_param holds. */
typedef enum dj_param_type {
    DJ_PARAM_NULL = 0,
    DJ_PARAM_INT64,
    DJ_PARAM_UINT64,
    DJ_PARAM_DOUBLE,
    DJ_PARAM_FLOAT,
    DJ_PARAM_STRING,            /* text in the connection's charset (utf8mb4) */
    DJ_PARAM_BYTES,             /* raw bytes, e.g. a blob */
    DJ_PARAM_DATE,
    DJ_PARAM_TIME,
    DJ_PARAM_DATETIME,
    DJ_PARAM_TIMESTAMP,
    DJ_PARAM_LONG_DATA          /* a blob already streamed with dj_stmt_send_long_data */
} dj_param_type;

/*
 * One typed value, shared by prepared statements (parameters) and inserts
 * (row values). Strings and bytes are borrowed, never copied: they must stay
 * valid until the call that takes the param returns.
 */
typedef struct dj_param {
    dj_param_type type;
    union {
        int64_t i64;
        uint64_t u64;
        double f64;
        float f32;
        struct {
            const void *ptr;
            size_t len;
        } bytes;                /* DJ_PARAM_STRING and DJ_PARAM_BYTES */
        dj_datetime dt;         /* DJ_PARAM_DATE .. DJ_PARAM_TIMESTAMP */
    } v;
} dj_param;

/* Builders for dj_param values (no allocation; the data is borrowed). */
static inline dj_param dj_param_null(void) { dj_param p = {DJ_PARAM_NULL, {0}}; return p; }
static inline dj_param dj_param_int64(int64_t x) { dj_param p = dj_param_null(); p.type = DJ_PARAM_INT64; p.v.i64 = x; return p; }
static inline dj_param dj_param_uint64(uint64_t x) { dj_param p = dj_param_null(); p.type = DJ_PARAM_UINT64; p.v.u64 = x; return p; }
static inline dj_param dj_param_double(double x) { dj_param p = dj_param_null(); p.type = DJ_PARAM_DOUBLE; p.v.f64 = x; return p; }
static inline dj_param dj_param_float(float x) { dj_param p = dj_param_null(); p.type = DJ_PARAM_FLOAT; p.v.f32 = x; return p; }
static inline dj_param dj_param_string(const char *s, size_t len) { dj_param p = dj_param_null(); p.type = DJ_PARAM_STRING; p.v.bytes.ptr = s; p.v.bytes.len = len; return p; }
static inline dj_param dj_param_bytes(const void *b, size_t len) { dj_param p = dj_param_null(); p.type = DJ_PARAM_BYTES; p.v.bytes.ptr = b; p.v.bytes.len = len; return p; }
static inline dj_param dj_param_temporal(dj_param_type type, dj_datetime dt) { dj_param p = dj_param_null(); p.type = type; p.v.dt = dt; return p; }

/* A statement prepared on the server (COM_STMT_PREPARE). */
typedef struct dj_stmt dj_stmt;

/* String and bytes parameters at least this long are sent ahead of
 * COM_STMT_EXECUTE with COM_STMT_SEND_LONG_DATA, straight from the caller's
 * buffer: they are never copied into a request. */
#define DJ_STMT_LONG_DATA_MIN (16u * 1024u)

/*
 * Prepares sql (placeholders are ?) on the connection. The statement keeps a
 * copy of the SQL: when the connection was re-established since (dj_reconnect,
 * the retry rule, dj_reset_session drop every server-side statement), the next
 * dj_stmt_execute prepares it again transparently. Close with dj_stmt_close.
 */
DJ_API int dj_stmt_prepare(dj_conn *conn, const char *sql, size_t len, dj_stmt **out,
                           dj_error *err);
/* Number of ? placeholders the server reported. */
DJ_API unsigned dj_stmt_param_count(const dj_stmt *stmt);
/* Number of columns the statement's result sets have (0 for INSERT and the like). */
DJ_API unsigned dj_stmt_column_count(const dj_stmt *stmt);
/* Server-side statement id (changes when the statement is prepared again). */
DJ_API uint32_t dj_stmt_id(const dj_stmt *stmt);
/*
 * Sends one chunk of a parameter's value (COM_STMT_SEND_LONG_DATA; the server
 * does not answer). Chunks accumulate until the next execute, where the
 * parameter must be bound as DJ_PARAM_LONG_DATA. The chunk is written from
 * data directly. A reconnect in between loses the chunks: execute then
 * reports DJ_ESTATE ("long data lost with the connection").
 */
DJ_API int dj_stmt_send_long_data(dj_stmt *stmt, unsigned param, const void *data, size_t len,
                                  dj_error *err);
/*
 * Executes with nparams values (exactly dj_stmt_param_count, else DJ_EINVAL).
 * On success *out is an open result read with the dj_result_* calls: rows come
 * in the binary protocol; read them with dj_result_fetch (raw values) and the
 * typed getters below. For statements without rows the result carries only
 * dj_result_info. out may be NULL to discard the result (then info is filled
 * when not NULL).
 */
DJ_API int dj_stmt_execute(dj_stmt *stmt, const dj_param *params, unsigned nparams,
                           dj_result **out, dj_result_info *info, dj_error *err);
/* COM_STMT_CLOSE (when the statement still lives on the server) and frees. NULL is fine.
 * Close a result of the statement first: with a result open the server-side
 * statement stays until the session ends. */
DJ_API void dj_stmt_close(dj_stmt *stmt);

/*
 * Typed getters for column col of the row dj_result_fetch returned last.
 * They work on text results (dj_query) and binary ones (dj_stmt_execute,
 * dj_fetch) alike and give the same answer for the same value. Each returns
 * 1 with *out set, 0 for SQL NULL, or a negative error: DJ_EINVAL for a
 * column out of range or a value of another kind, DJ_ETOOBIG when an integer
 * does not fit. In a binary row dj_result_fetch's dj_value holds the wire
 * bytes: strings, blobs, decimals (as text), JSON, enums and bits as they are;
 * numbers and dates in their little-endian binary form (use the getters).
 */
DJ_API int dj_result_get_int64(const dj_result *res, unsigned col, int64_t *out, dj_error *err);
DJ_API int dj_result_get_uint64(const dj_result *res, unsigned col, uint64_t *out, dj_error *err);
/* Floats, doubles, integers and decimals (decimals through their text). */
DJ_API int dj_result_get_double(const dj_result *res, unsigned col, double *out, dj_error *err);
/* DATE, TIME, DATETIME, TIMESTAMP (fractional seconds to the microsecond). */
DJ_API int dj_result_get_datetime(const dj_result *res, unsigned col, dj_datetime *out,
                                  dj_error *err);
/* Strings, blobs, decimals, JSON: the bytes (not NUL-terminated, borrowed like
 * dj_value). Numbers and dates are DJ_EINVAL in a binary row. */
DJ_API int dj_result_get_bytes(const dj_result *res, unsigned col, dj_value *out, dj_error *err);
/* 1 when the current result's rows are in the binary protocol. */
DJ_API int dj_result_is_binary(const dj_result *res);

typedef enum dj_insert_method {
    DJ_INSERT_AUTO = 0,         /* prepared when a value is >= DJ_STMT_LONG_DATA_MIN, else text */
    DJ_INSERT_TEXT,             /* multi-row INSERT ... VALUES with escaped literals */
    DJ_INSERT_PREPARED          /* COM_STMT_EXECUTE per row, binary values */
} dj_insert_method;

typedef struct dj_insert_options {
    int skip_duplicates;        /* DataJoint: ON DUPLICATE KEY UPDATE `pk`=`pk` */
    int replace;                /* DataJoint: REPLACE INTO */
    dj_insert_method method;
    size_t batch_bytes;         /* text batches stay under this; 0 = max_allowed_packet - 1 KiB,
                                   at most 4 MiB */
    const char *primary_key;    /* first primary-key attribute for skip_duplicates (a table's
                                   heading knows it); NULL = look it up on the server */
} dj_insert_options;

/* Zero options: plain INSERT, automatic method. */
DJ_API void dj_insert_options_init(dj_insert_options *opts);

/*
 * Inserts nrows rows into `db`.`table`. names are the nnames attribute names;
 * rows holds nrows * nnames values, row by row. Several statements (text
 * batches or executes) run inside one transaction unless one is open already,
 * so the insert is all or nothing. skip_duplicates uses the table's first
 * primary-key attribute as DataJoint does: opts->primary_key, else looked up
 * in information_schema. Server errors keep DataJoint's kinds: duplicate (1062), integrity
 * (1452), missing attribute (1364), unknown attribute (1054). A lost
 * connection is retried once under the dj_exec_retry rule. *inserted (may be
 * NULL) receives the affected-row count.
 */
DJ_API int dj_insert(dj_conn *conn, const char *db, const char *table, const char *const *names,
                     unsigned nnames, const dj_param *rows, size_t nrows,
                     const dj_insert_options *opts, uint64_t *inserted, dj_error *err);

/*
 * SELECT attrs (NULL/0 = *) FROM `db`.`table` [WHERE where_sql], as a prepared
 * statement: rows stream in the binary protocol and the typed getters read
 * them. where_sql is SQL from the caller (never from untrusted input); its ?
 * placeholders take params. The statement is closed on the server when the
 * result is closed. Lost connections are retried once like dj_exec_retry.
 */
DJ_API int dj_fetch(dj_conn *conn, const char *db, const char *table, const char *const *attrs,
                    unsigned nattrs, const char *where_sql, const dj_param *params,
                    unsigned nparams, dj_result **out, dj_error *err);
/* Multi-host failover and Galera (docs/cluster.md)                           */

#define DJ_DEFAULT_FAILOVER_DEADLINE_MS 30000u

/* Flags for dj_exec_flags / dj_query_value_flags. */
enum dj_exec_flag {
    /* Running the statement twice has the same effect as once (CREATE ... IF NOT
     * EXISTS, a read): after a connection failure it is replayed on the next
     * host instead of being reported as DJ_EOUTCOME_UNKNOWN. */
    DJ_EXEC_IDEMPOTENT = 1u << 0,
    /* On Galera, the statement first waits until the node has applied every
     * write the cluster committed before it (wsrep_sync_wait=1 for this
     * statement): read-your-writes across nodes. No effect elsewhere. */
    DJ_EXEC_CAUSAL = 1u << 1
};

/*
 * dj_exec_retry with failover rules: a "next host" failure (connection lost,
 * 1047, 1053, 1927, 1040, 1180) reconnects to the next host of the list;
 * the statement is then replayed when it is known not to have run (1047) or
 * is idempotent (DJ_EXEC_IDEMPOTENT, or a SELECT/SHOW/SET), else the call
 * returns DJ_EOUTCOME_UNKNOWN. Inside a transaction any failover is
 * DJ_ETRANSACTION ("transaction lost"). A 1213 deadlock/certification failure
 * outside a transaction is retried up to 3 times with jittered backoff.
 */
DJ_API int dj_exec_flags(dj_conn *conn, const char *sql, unsigned flags, dj_result_info *info,
                         dj_error *err);
/* The same for dj_query_value. */
DJ_API int dj_query_value_flags(dj_conn *conn, const char *sql, unsigned flags, char *out,
                                size_t outsize, int *is_null, dj_error *err);
/* The body of a transaction for dj_transaction_run. */
typedef int (*dj_transaction_fn)(dj_conn *conn, void *ud, dj_error *err);
/*
 * Starts a transaction, runs fn and commits. When the transaction fails with
 * 1213 (deadlock, or a Galera certification conflict at COMMIT) it is rolled
 * back and run again from the start, up to 3 more times after jittered
 * pauses; fn must therefore be safe to run again. A negative return of fn
 * cancels the transaction and is returned. Failover rules as for the
 * transaction calls: a lost connection is DJ_ETRANSACTION, or
 * DJ_EOUTCOME_UNKNOWN during COMMIT.
 */
DJ_API int dj_transaction_run(dj_conn *conn, dj_transaction_fn fn, void *ud, dj_error *err);
/* 1 when the current server is a Galera node (wsrep_on=ON). */
DJ_API int dj_server_is_galera(const dj_conn *conn);
/* Index in the host list of the current (or last good) host, from 0. */
DJ_API unsigned dj_host_index(const dj_conn *conn);
/* Sets the session time zone and remembers it, so a reconnect or failover
 * restores it ("+00:00", "SYSTEM", "Europe/Berlin"; "" = leave the server's). */
DJ_API int dj_set_time_zone(dj_conn *conn, const char *time_zone, dj_error *err);
/* Sets the session wsrep_sync_wait (0..15) on a Galera node and remembers it
 * for reconnects; on other servers it is only remembered. */
DJ_API int dj_set_wsrep_sync_wait(dj_conn *conn, unsigned value, dj_error *err);

/* ------------------------------------------------------------------------- */
/* DataJoint blobs: values in datajoint-python's and MATLAB's serialization   */

/*
 * A blob attribute holds one value serialized the way datajoint-python
 * (blob.py) and MATLAB's mym write it: "mYm\0" or "dj0\0", then the value,
 * optionally wrapped in "ZL123\0" + uint64 length + a zlib stream. The codec
 * turns such bytes into a tree of dj_val and back; it does no I/O.
 *
 * Ownership: every constructor returns a new value (NULL when out of
 * memory) that the caller frees with dj_val_free, unless it hands it to a
 * container (dj_val_append, dj_val_set_item, ...), which then owns it
 * (also when that call fails: the item is freed). Values that accessors
 * return are borrowed from their parent and live as long as the root.
 * Numbers inside arrays are in the host's byte order in memory; the blob
 * is little-endian whatever the host.
 */
typedef struct dj_val dj_val;

typedef enum dj_val_kind {
    DJ_VAL_NONE = 0,   /* Python None (also a dj0 't' with neither date nor time) */
    DJ_VAL_BOOL,
    DJ_VAL_INT,        /* Python int: any size, exact */
    DJ_VAL_FLOAT,      /* Python float (float64) */
    DJ_VAL_COMPLEX,    /* Python complex (two float64) */
    DJ_VAL_STR,        /* UTF-8 text */
    DJ_VAL_BYTES,
    DJ_VAL_DECIMAL,    /* decimal.Decimal, kept as its text */
    DJ_VAL_DATE,
    DJ_VAL_TIME,
    DJ_VAL_DATETIME,
    DJ_VAL_UUID,
    DJ_VAL_ARRAY,      /* numeric, logical, char, object or datetime64 array ('A') */
    DJ_VAL_STRUCT,     /* MATLAB struct array ('S') */
    DJ_VAL_RECARRAY,   /* numpy record array ('F'): one array per field */
    DJ_VAL_CELL,       /* MATLAB cell array ('C') */
    DJ_VAL_TUPLE,
    DJ_VAL_LIST,
    DJ_VAL_SET,
    DJ_VAL_DICT
} dj_val_kind;

/* Element classes of an array: MATLAB's mxClassID, and numpy's datetime64
 * units from 65536 on. */
typedef enum dj_blob_class {
    DJ_BLOB_LOGICAL = 3,  /* 1 byte each, 0 or 1 */
    DJ_BLOB_CHAR = 4,     /* uint16 code units (MATLAB char) */
    DJ_BLOB_OBJECT = 5,   /* each element a dj_val (numpy object array) */
    DJ_BLOB_DOUBLE = 6,
    DJ_BLOB_SINGLE = 7,
    DJ_BLOB_INT8 = 8,
    DJ_BLOB_UINT8 = 9,
    DJ_BLOB_INT16 = 10,
    DJ_BLOB_UINT16 = 11,
    DJ_BLOB_INT32 = 12,
    DJ_BLOB_UINT32 = 13,
    DJ_BLOB_INT64 = 14,
    DJ_BLOB_UINT64 = 15,
    DJ_BLOB_DATETIME64_Y = 65536, /* int64 each; then M W D h m s ms us ns ps fs */
    DJ_BLOB_DATETIME64_AS = 65548
} dj_blob_class;

/* Deepest nesting of containers the decoder and the JSON reader accept (the
 * outermost value is depth 1); deeper input is DJ_ETOOBIG. */
#define DJ_BLOB_MAX_DEPTH 64
/* Most dimensions an array, struct or cell may have. */
#define DJ_BLOB_MAX_DIMS 32

/* Flags of dj_blob_decode. */
/* The tree may point into the caller's bytes instead of copying array
 * elements (when the host is little-endian and they are aligned); the bytes
 * must then outlive the tree. */
#define DJ_BLOB_BORROW 1u
/* Flags of dj_blob_encode. */
#define DJ_BLOB_NO_COMPRESS 1u /* never wrap in ZL123 (datajoint's compress=False) */

/*
 * Decodes one blob. Errors: DJ_EPROTO for malformed bytes (a size beyond
 * the bytes present, an unknown code or class, a wrong inflated length,
 * bytes left over, invalid UTF-8 or date), DJ_ETOOBIG for nesting deeper
 * than DJ_BLOB_MAX_DEPTH, DJ_EUNSUPPORTED for MATLAB sparse arrays and for
 * compressed blobs in a build without zlib, DJ_ENOMEM. `alloc` NULL means
 * malloc; every value of the tree uses it.
 */
DJ_API int dj_blob_decode(const void *blob, size_t len, unsigned flags,
                          const dj_allocator *alloc, dj_val **out, dj_error *err);
/*
 * Encodes a tree as datajoint-python would: "mYm\0" when only MATLAB's
 * values occur (arrays of at least one dimension of the numeric, logical and
 * char classes, structs, cells), "dj0\0" otherwise; compressed when the
 * blob is over 1,000 bytes and compressing makes it shorter (only with
 * zlib). *out is allocated with the value's allocator; free it with
 * dj_blob_free. Array elements are copied once, straight into the blob.
 */
DJ_API int dj_blob_encode(const dj_val *v, unsigned flags, uint8_t **out, size_t *len,
                          dj_error *err);
DJ_API void dj_blob_free(const dj_val *v, uint8_t *blob);

/*
 * The value as one line of JSON in the description format of datajoint's
 * test vectors (docs/datajoint.md): {"array": {...}}, {"int": "42"},
 * {"str": "..."}, ... with floats as exact hexadecimal text. *out is
 * NUL-terminated, allocated with the value's allocator (free with
 * dj_blob_free). And back: a description to a tree (DJ_EINVAL naming what
 * is wrong, DJ_ETOOBIG when nested too deep).
 */
DJ_API int dj_val_to_json(const dj_val *v, char **out, size_t *len, dj_error *err);
DJ_API int dj_val_from_json(const char *text, size_t len, const dj_allocator *alloc,
                              dj_val **out, dj_error *err);

/* Frees a value and everything below it (NULL is fine). Only roots: never
 * a value an accessor returned. */
DJ_API void dj_val_free(dj_val *v);

/* Constructors. Those returning int validate their input (DJ_EINVAL). */
DJ_API dj_val *dj_val_none(const dj_allocator *alloc);
DJ_API dj_val *dj_val_bool(const dj_allocator *alloc, int b);
DJ_API dj_val *dj_val_int(const dj_allocator *alloc, int64_t i);
DJ_API dj_val *dj_val_uint(const dj_allocator *alloc, uint64_t u);
/* An int of any size from its decimal text ("-123..."). */
DJ_API int dj_val_int_text(const dj_allocator *alloc, const char *text, size_t len,
                             dj_val **out, dj_error *err);
DJ_API dj_val *dj_val_float(const dj_allocator *alloc, double d);
DJ_API dj_val *dj_val_complex(const dj_allocator *alloc, double re, double im);
/* DJ_VAL_STR (UTF-8 checked), DJ_VAL_BYTES or DJ_VAL_DECIMAL (a
 * decimal number, "NaN" or "Infinity"); the bytes are copied. */
DJ_API int dj_val_text(const dj_allocator *alloc, dj_val_kind kind, const void *p, size_t len,
                         dj_val **out, dj_error *err);
/* DJ_VAL_DATE, DJ_VAL_TIME or DJ_VAL_DATETIME; the fields of the
 * other part are ignored. */
typedef struct dj_blob_time {
    int year, month, day;
    int hour, minute, second, microsecond;
} dj_blob_time;
DJ_API int dj_val_time(const dj_allocator *alloc, dj_val_kind kind, const dj_blob_time *t,
                         dj_val **out, dj_error *err);
DJ_API dj_val *dj_val_uuid(const dj_allocator *alloc, const uint8_t bytes[16]);
/*
 * An array of ndims dimensions (0 = a numpy scalar) whose elements are
 * zero (DJ_BLOB_OBJECT: None). Fill numbers through dj_val_array_mut
 * (column-major; a complex array holds all real parts, then all imaginary
 * parts), objects through dj_val_set_item.
 */
DJ_API int dj_val_array(const dj_allocator *alloc, dj_blob_class cls, int is_complex,
                          size_t ndims, const uint64_t *shape, dj_val **out, dj_error *err);
/* The same over the caller's elements (not DJ_BLOB_OBJECT), in host order,
 * not copied: they must outlive the value. Encoding copies them once. */
DJ_API int dj_val_array_wrap(const dj_allocator *alloc, dj_blob_class cls, int is_complex,
                               size_t ndims, const uint64_t *shape, const void *data,
                               dj_val **out, dj_error *err);
/* Containers: a MATLAB cell or struct array of the given shape (items None
 * until set; struct element e's field f is item e * nfields + f), and the
 * empty Python containers, filled with dj_val_append / dj_val_dict_put. */
DJ_API int dj_val_cell(const dj_allocator *alloc, size_t ndims, const uint64_t *shape,
                         dj_val **out, dj_error *err);
DJ_API int dj_val_struct(const dj_allocator *alloc, size_t ndims, const uint64_t *shape,
                           size_t nfields, const char *const *names, dj_val **out,
                           dj_error *err);
DJ_API dj_val *dj_val_container(const dj_allocator *alloc, dj_val_kind kind);
DJ_API int dj_val_append(dj_val *c, dj_val *item, dj_error *err);
DJ_API int dj_val_dict_put(dj_val *d, dj_val *key, dj_val *val, dj_error *err);
DJ_API int dj_val_set_item(dj_val *c, size_t i, dj_val *item, dj_error *err);

/* Accessors. */
DJ_API dj_val_kind dj_val_kind_of(const dj_val *v);
DJ_API int dj_val_get_bool(const dj_val *v);
/* An int in a C type: DJ_ETOOBIG when it does not fit, DJ_EINVAL when v is
 * not an int. */
DJ_API int dj_val_get_int64(const dj_val *v, int64_t *out, dj_error *err);
DJ_API int dj_val_get_uint64(const dj_val *v, uint64_t *out, dj_error *err);
/* The int as little-endian two's complement, shortest form. */
DJ_API const uint8_t *dj_val_int_bytes(const dj_val *v, size_t *len);
DJ_API double dj_val_get_float(const dj_val *v);
DJ_API void dj_val_get_complex(const dj_val *v, double *re, double *im);
/* STR, BYTES, DECIMAL: the bytes (NUL-terminated for STR and DECIMAL). */
DJ_API const char *dj_val_get_text(const dj_val *v, size_t *len);
DJ_API void dj_val_get_time(const dj_val *v, dj_blob_time *t);
DJ_API const uint8_t *dj_val_get_uuid(const dj_val *v);
/* ARRAY, STRUCT, CELL, RECARRAY (the shape of its fields). */
DJ_API size_t dj_val_ndims(const dj_val *v);
DJ_API const uint64_t *dj_val_shape(const dj_val *v);
DJ_API dj_blob_class dj_val_array_class(const dj_val *v);
DJ_API int dj_val_array_is_complex(const dj_val *v);
/* Number of elements of an array (product of the shape). */
DJ_API size_t dj_val_array_count(const dj_val *v);
/* The elements, host order, column-major (complex: reals, then imaginary
 * parts); NULL for object arrays. _mut is NULL for a wrapped array. */
DJ_API const void *dj_val_array_data(const dj_val *v);
DJ_API void *dj_val_array_mut(dj_val *v);
/* Items: list/tuple/set members, cell and object-array elements, struct
 * fields (e * nfields + f), recarray field arrays, dict pairs (2i key,
 * 2i+1 value). */
DJ_API size_t dj_val_item_count(const dj_val *v);
DJ_API const dj_val *dj_val_item(const dj_val *v, size_t i);
/* STRUCT and RECARRAY field names. */
DJ_API size_t dj_val_field_count(const dj_val *v);
DJ_API const char *dj_val_field_name(const dj_val *v, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* DATAJOINT_H */
