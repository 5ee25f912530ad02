/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - DataJoint's settings: the keys and their text forms, config
 * files, and the DJ_* environment variables.
 *
 * Every source funnels into set_value(): a key, a value as text, and the
 * key's type deciding how the text is parsed. Files and the environment are
 * applied to a copy of the configuration that replaces the caller's only when
 * everything succeeded, so a bad file or variable changes nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include "dj/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum value_type {
    V_TEXT,     /* a string copied as it is */
    V_HOST,     /* "host", "host:port", "[v6]:port", or a comma-separated list of them */
    V_SECRET,   /* a string that no message or dj_config_get shows */
    V_PORT,     /* unsigned, 1..65535 */
    V_BOOL,     /* int, 0 or 1 */
    V_TLS,      /* dj_tls_mode */
    V_SECONDS,  /* unsigned milliseconds, written as seconds with up to 3 decimals */
    V_BYTES,    /* size_t, with an optional K/M/G suffix */
    V_LOGLEVEL, /* dj_log_level */
    V_UINT      /* unsigned, decimal */
} value_type;

/* The one list of keys: name, type, and the dj_config field it lands in. */
#define CONFIG_KEYS(X)                                              \
    X("database.host", V_HOST, host)                                \
    X("database.port", V_PORT, port)                                \
    X("database.user", V_TEXT, user)                                \
    X("database.password", V_SECRET, password)                      \
    X("database.use_tls", V_TLS, tls_mode)                          \
    X("database.reconnect", V_BOOL, reconnect)                      \
    X("database.database", V_TEXT, database)                        \
    X("database.unix_socket", V_TEXT, unix_socket)                  \
    X("database.tls_ca", V_TEXT, tls_ca)                            \
    X("database.tls_capath", V_TEXT, tls_capath)                    \
    X("database.tls_cert", V_TEXT, tls_cert)                        \
    X("database.tls_key", V_TEXT, tls_key)                          \
    X("database.server_public_key", V_TEXT, server_public_key)      \
    X("database.get_server_public_key", V_BOOL, get_server_public_key) \
    X("database.allow_cleartext", V_BOOL, allow_cleartext)          \
    X("database.connect_timeout", V_SECONDS, connect_timeout_ms)    \
    X("database.read_timeout", V_SECONDS, read_timeout_ms)          \
    X("database.write_timeout", V_SECONDS, write_timeout_ms)        \
    X("database.compress", V_BOOL, compress)                        \
    X("database.multi_statements", V_BOOL, multi_statements)        \
    X("database.max_packet", V_BYTES, max_packet)                   \
    X("connection.init_function", V_TEXT, init_command)             \
    X("connection.charset", V_TEXT, charset)                        \
    X("connection.time_zone", V_TEXT, time_zone)                    \
    X("database.failover_deadline", V_SECONDS, failover_deadline_ms) \
    X("database.require_synced", V_BOOL, require_synced)            \
    X("database.wsrep_sync_wait", V_UINT, wsrep_sync_wait)          \
    X("database.causal_schema_checks", V_BOOL, causal_schema_checks) \
    X("safemode", V_BOOL, safemode)                                 \
    X("loglevel", V_LOGLEVEL, loglevel)

/* A key's type and field; its name is key_names[] at the same index. Small
 * fields keep the table small: dj_config is well below 64 KiB. */
typedef struct key_spec {
    uint8_t type;    /* value_type */
    uint16_t offset; /* of the field in dj_config */
    uint16_t size;   /* of the field: the capacity of a string */
} key_spec;

_Static_assert(sizeof(dj_config) <= UINT16_MAX, "key_spec offsets are 16 bits");

#define KEY_SPEC_ROW(name, type, field) \
    {type, offsetof(dj_config, field), sizeof(((dj_config *)0)->field)},
#define KEY_NAME_ROW(name, type, field) name,
#define KEY_ENUM_ROW(name, type, field) K_##field,

enum { CONFIG_KEYS(KEY_ENUM_ROW) };

static const key_spec key_specs[] = {CONFIG_KEYS(KEY_SPEC_ROW)};
static const char *const key_names[] = {CONFIG_KEYS(KEY_NAME_ROW) NULL};

static const char *key_name(const key_spec *key)
{
    return key_names[key - key_specs];
}

/* Which JSON values a file may give for each type. Strings always work,
 * since every value has a text form; null is handled before this. */
#define JSON_BIT(kind) (1u << (kind))
#define JSON_NUMERIC (JSON_BIT(DJ__JSON_STRING) | JSON_BIT(DJ__JSON_NUMBER))
#define JSON_TRUTH (JSON_BIT(DJ__JSON_TRUE) | JSON_BIT(DJ__JSON_FALSE))
static const uint8_t json_kinds[] = {
    [V_TEXT] = JSON_BIT(DJ__JSON_STRING),
    [V_HOST] = JSON_BIT(DJ__JSON_STRING),
    [V_SECRET] = JSON_BIT(DJ__JSON_STRING),
    [V_PORT] = JSON_NUMERIC,
    [V_BOOL] = JSON_NUMERIC | JSON_TRUTH,
    [V_TLS] = JSON_BIT(DJ__JSON_STRING) | JSON_TRUTH,
    [V_SECONDS] = JSON_NUMERIC,
    [V_BYTES] = JSON_NUMERIC,
    [V_LOGLEVEL] = JSON_BIT(DJ__JSON_STRING),
    [V_UINT] = JSON_NUMERIC,
};
_Static_assert(DJ__JSON_OBJECT < 8, "json_kinds holds one bit per JSON kind");

/* What the kinds above say in a message. */
static const char *expected_json(unsigned kinds)
{
    switch (kinds) {
    case JSON_NUMERIC: return "a number or a string";
    case JSON_NUMERIC | JSON_TRUTH: return "a boolean, a number or a string";
    case JSON_BIT(DJ__JSON_STRING) | JSON_TRUTH: return "true, false, null or a TLS mode name";
    }
    return "a string";
}

/* DataJoint's words for TLS modes besides their names (dj_tls_mode_name,
 * kept by the client), and the modes they stand for. */
static const char tls_words[] = "true\0false\0none\0null\0";
static const uint8_t tls_words_modes[] = {DJ_TLS_REQUIRED, DJ_TLS_DISABLED, DJ_TLS_PREFERRED,
                                          DJ_TLS_PREFERRED};

/* The levels in the order of dj_log_level, then DataJoint's CRITICAL: our
 * most severe level stands in for it so that configs written by Python
 * DataJoint still load. */
static const char log_level_words[] = "DEBUG\0INFO\0WARNING\0ERROR\0CRITICAL\0";

/* ---- small parsers ---- */

/* ASCII case-insensitive equality where '-' in text also matches '_' in
 * name; locale-independent on purpose, config files are not localized. */
static int name_matches(const char *text, const char *name)
{
    for (;; text++, name++) {
        char t = *text, n = *name;
        if (t >= 'A' && t <= 'Z')
            t = (char)(t - 'A' + 'a');
        if (n >= 'A' && n <= 'Z')
            n = (char)(n - 'A' + 'a');
        if (t == '-' && n == '_')
            continue;
        if (t != n)
            return 0;
        if (t == '\0')
            return 1;
    }
}

/* The position of text among the packed words (as name_matches), or -1. */
static int find_name(const char *words, const char *text)
{
    int i = 0;
    for (const char *w = words; *w; w += strlen(w) + 1, i++)
        if (name_matches(text, w))
            return i;
    return -1;
}

/* n decimal digits (n >= 1, nothing else) with a value <= max. */
static int parse_decimal(const char *s, size_t n, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned long long v;
    if (parse_decimal(s, n, 65535, &v) || v == 0)
        return -1;
    *port = (unsigned)v;
    return 0;
}

static int parse_bool(const char *text, int *out)
{
    /* true words at even positions, false ones at odd */
    static const char words[] = "true\0false\0" "1\0" "0\0yes\0no\0on\0off\0";
    int i = find_name(words, text);
    if (i < 0)
        return -1;
    *out = i % 2 == 0;
    return 0;
}

/* "10", "2.5", "0.001": seconds with at most millisecond precision. */
static int parse_seconds(const char *text, unsigned *ms)
{
    const char *dot = strchr(text, '.');
    size_t whole_len = dot ? (size_t)(dot - text) : strlen(text);
    unsigned long long whole, frac = 0;
    if (parse_decimal(text, whole_len, UINT_MAX / 1000, &whole))
        return -1;
    if (dot) {
        size_t frac_len = strlen(dot + 1);
        if (frac_len > 3 || parse_decimal(dot + 1, frac_len, 999, &frac))
            return -1;
        for (size_t i = frac_len; i < 3; i++)
            frac *= 10;
    }
    if (whole * 1000 > UINT_MAX - frac)
        return -1;
    *ms = (unsigned)(whole * 1000 + frac);
    return 0;
}

/* "1048576", "512K", "64M", "1G". */
static int parse_bytes(const char *text, size_t *bytes)
{
    size_t n = strlen(text);
    unsigned long long unit = 1, v;
    if (n > 0) {
        switch (text[n - 1]) {
        case 'k': case 'K': unit = 1ull << 10; n--; break;
        case 'm': case 'M': unit = 1ull << 20; n--; break;
        case 'g': case 'G': unit = 1ull << 30; n--; break;
        default: break;
        }
    }
    if (parse_decimal(text, n, SIZE_MAX / unit, &v))
        return -1;
    *bytes = (size_t)(v * unit);
    return 0;
}

static int parse_log_level(const char *text, dj_log_level *level)
{
    int i = find_name(log_level_words, text);
    if (i < 0)
        return -1;
    *level = (dj_log_level)DJ__MIN(i, DJ_LOG_ERROR);
    return 0;
}

/* ---- keys ---- */

static const key_spec *find_key(const char *name)
{
    for (size_t i = 0; i < DJ__ARRAY_LEN(key_specs); i++)
        if (strcmp(key_names[i], name) == 0)
            return &key_specs[i];
    return NULL;
}

static int bad_value(dj_error *err, const key_spec *key, const char *value, const char *why)
{
    return dj__err(err, DJ_ECONFIG, "invalid value \"%.100s\" for %s: %s", value, key_name(key), why);
}

/* A host list is checked entry by entry exactly as the connection will read
 * it, so a bad value fails where it was set rather than at connect time. */
static int check_host_list(const key_spec *key, const char *list, dj_error *err)
{
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char host[DJ_HOST_MAX];
        unsigned port;
        dj_error why;
        if (dj__parse_host_port(p, len, host, sizeof host, &port, DJ_DEFAULT_PORT, &why))
            return bad_value(err, key, list, why.message);
        p = end ? end + 1 : p + len;
    }
    return 0;
}

/* Parses text as the key's type and stores it; on failure the field is
 * unchanged and err names the key (and the value, unless it is secret).
 * Typed fields are written with memcpy: the table knows only their offset. */
static int set_value(dj_config *cfg, const key_spec *key, const char *text, dj_error *err)
{
    char *field = (char *)cfg + key->offset;
    unsigned u;
    int i;
    size_t bytes;
    dj_tls_mode tls;
    dj_log_level level;
    switch (key->type) {
    case V_TEXT:
    case V_HOST:
    case V_SECRET: {
        size_t n = strlen(text);
        if (n >= key->size)
            return dj__err(err, DJ_ECONFIG, "value for %s is too long (max %u bytes)",
                           key_name(key), key->size - 1u);
        if (key->type == V_HOST && check_host_list(key, text, err))
            return DJ_ECONFIG;
        memcpy(field, text, n + 1);
        return 0;
    }
    case V_PORT:
        if (parse_port(text, strlen(text), &u))
            return bad_value(err, key, text, "expected a port number from 1 to 65535");
        memcpy(field, &u, sizeof u);
        return 0;
    case V_UINT: {
        unsigned long long v;
        if (parse_decimal(text, strlen(text), 0xFFFFFFFFull, &v))
            return bad_value(err, key, text, "expected a whole number");
        u = (unsigned)v;
        memcpy(field, &u, sizeof u);
        return 0;
    }
    case V_BOOL:
        if (parse_bool(text, &i))
            return bad_value(err, key, text, "expected true/false, yes/no, on/off or 1/0");
        memcpy(field, &i, sizeof i);
        return 0;
    case V_TLS:
        if (dj_tls_mode_parse(text, &tls))
            return bad_value(err, key, text,
                             "expected true, false, none, disabled, preferred, required, "
                             "verify_ca or verify_identity");
        memcpy(field, &tls, sizeof tls);
        return 0;
    case V_SECONDS:
        if (parse_seconds(text, &u))
            return bad_value(err, key, text,
                             "expected seconds with at most 3 decimals, e.g. 10 or 2.5");
        memcpy(field, &u, sizeof u);
        return 0;
    case V_BYTES:
        if (parse_bytes(text, &bytes))
            return bad_value(err, key, text, "expected a size in bytes, optionally with K, M or G");
        memcpy(field, &bytes, sizeof bytes);
        return 0;
    case V_LOGLEVEL:
        if (parse_log_level(text, &level))
            return bad_value(err, key, text, "expected DEBUG, INFO, WARNING or ERROR");
        memcpy(field, &level, sizeof level);
        return 0;
    }
    return dj__err(err, DJ_EINVAL, "%s has no known type", key_name(key));
}

/* Milliseconds as seconds without trailing zeros: 10000 -> "10", 2500 -> "2.5". */
static int format_seconds(unsigned ms, char *out, size_t size)
{
    if (ms % 1000 == 0)
        return dj__snprintf(out, size, "%u", ms / 1000);
    if (dj__snprintf(out, size, "%u.%03u", ms / 1000, ms % 1000))
        return -1;
    size_t n = strlen(out);
    while (out[n - 1] == '0')
        out[--n] = '\0';
    return 0;
}

static int format_value(const dj_config *cfg, const key_spec *key, char *out, size_t size,
                        int reveal_secrets)
{
    const char *field = (const char *)cfg + key->offset;
    unsigned u;
    int i;
    size_t bytes;
    dj_tls_mode tls;
    dj_log_level level;
    switch (key->type) {
    case V_TEXT:
    case V_HOST:
        return dj__strlcpy(out, field, size);
    case V_SECRET:
        return dj__strlcpy(out, reveal_secrets || *field == '\0' ? field : "***", size);
    case V_PORT:
    case V_UINT:
        memcpy(&u, field, sizeof u);
        return dj__snprintf(out, size, "%u", u);
    case V_BOOL:
        memcpy(&i, field, sizeof i);
        return dj__strlcpy(out, i ? "true" : "false", size);
    case V_TLS:
        memcpy(&tls, field, sizeof tls);
        return dj__strlcpy(out, dj_tls_mode_name(tls), size);
    case V_SECONDS:
        memcpy(&u, field, sizeof u);
        return format_seconds(u, out, size);
    case V_BYTES:
        memcpy(&bytes, field, sizeof bytes);
        return dj__snprintf(out, size, "%zu", bytes);
    case V_LOGLEVEL:
        memcpy(&level, field, sizeof level);
        return dj__strlcpy(out, (unsigned)level <= DJ_LOG_ERROR
                                    ? dj__word_at(log_level_words, level)
                                    : "unknown",
                           size);
    }
    return -1;
}

/* ---- public: values ---- */

void dj_config_init(dj_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    dj__strlcpy(cfg->host, "localhost", sizeof cfg->host);
    cfg->port = DJ_DEFAULT_PORT;
    dj__strlcpy(cfg->user, "root", sizeof cfg->user);
    /* DataJoint's default is "preferred"; a build without TLS can only offer none. */
    cfg->tls_mode = (dj_features() & DJ_FEATURE_TLS) ? DJ_TLS_PREFERRED : DJ_TLS_DISABLED;
    cfg->connect_timeout_ms = DJ_DEFAULT_CONNECT_TIMEOUT_MS;
    cfg->reconnect = 1;
    cfg->failover_deadline_ms = DJ_DEFAULT_FAILOVER_DEADLINE_MS;
    cfg->causal_schema_checks = 1;
    cfg->safemode = 1;
    cfg->loglevel = DJ_LOG_INFO;
}

const char *const *dj_config_keys(void)
{
    return key_names;
}

int dj_config_set(dj_config *cfg, const char *key, const char *value, dj_error *err)
{
    if (!cfg || !key || !value)
        return dj__err(err, DJ_EINVAL, "dj_config_set: cfg, key and value must not be NULL");
    const key_spec *spec = find_key(key);
    if (!spec)
        return dj__err(err, DJ_ECONFIG, "unknown configuration key \"%.100s\"", key);
    return set_value(cfg, spec, value, err);
}

int dj_config_get(const dj_config *cfg, const char *key, char *out, size_t outsize,
                  int reveal_secrets)
{
    if (!cfg || !key || !out || outsize == 0)
        return DJ_EINVAL;
    out[0] = '\0';
    const key_spec *spec = find_key(key);
    if (!spec)
        return DJ_ECONFIG;
    if (format_value(cfg, spec, out, outsize, reveal_secrets)) {
        /* Never hand out a cut-off value: it could be part of the password. */
        dj__wipe(out, outsize);
        return DJ_EINVAL;
    }
    return 0;
}

int dj_tls_mode_parse(const char *text, dj_tls_mode *mode)
{
    if (!text || !mode)
        return DJ_EINVAL;
    for (int m = DJ_TLS_DISABLED; m <= DJ_TLS_VERIFY_IDENTITY; m++) {
        if (name_matches(text, dj_tls_mode_name((dj_tls_mode)m))) {
            *mode = (dj_tls_mode)m;
            return 0;
        }
    }
    int i = find_name(tls_words, text);
    if (i < 0)
        return DJ_EINVAL;
    *mode = (dj_tls_mode)tls_words_modes[i];
    return 0;
}

/* ---- files ---- */

/* Reads a whole regular file of at most DJ__JSON_MAX_SIZE bytes. */
static int read_file(const char *path, const dj_allocator *alloc, char **out, size_t *out_len,
                     dj_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        dj__err(err, DJ_ECONFIG, "cannot open %s: %s", path, strerror(e));
        if (err)
            err->os_errno = e;
        return DJ_ECONFIG;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return dj__err(err, DJ_ECONFIG, "cannot read %s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > DJ__JSON_MAX_SIZE) {
        close(fd);
        return dj__err(err, DJ_ECONFIG, "%s is larger than %zu bytes, the limit for config files",
                       path, DJ__JSON_MAX_SIZE);
    }
    size_t cap = (size_t)st.st_size, n = 0;
    char *buf = dj__malloc(alloc, cap + 1);
    if (!buf) {
        close(fd);
        return dj__err(err, DJ_ENOMEM, "out of memory reading %s", path);
    }
    long got = dj__read_upto(fd, buf, cap);
    if (got < 0) {
        int e = errno;
        close(fd);
        dj__wipe(buf, cap);
        dj__free(alloc, buf);
        return dj__err(err, DJ_ECONFIG, "cannot read %s: %s", path, strerror(e));
    }
    n = (size_t)got;
    close(fd);
    *out = buf;
    *out_len = n;
    return 0;
}

typedef struct file_loader {
    dj_config *cfg;
    const char *path;
    dj_error *err;
    int rejected_value; /* the visitor, not the syntax, stopped the parse */
} file_loader;

static const char *json_kind_phrase(dj__json_kind kind)
{
    /* in the order of dj__json_kind, then the phrase for any other value */
    static const char phrases[] = "null\0false\0true\0a number\0a string\0an array\0"
                                  "an object\0an unknown value";
    return dj__word_at(phrases, (unsigned)kind <= DJ__JSON_OBJECT ? (size_t)kind
                                                                   : (size_t)DJ__JSON_OBJECT + 1);
}

/* DataJoint's settings (0.14 and 2.x) that we do not use: a whole key, or
 * the top of a group of keys. Config files written for Python carry them. */
static const char foreign_keys[] = "display\0stores\0external\0custom\0cache\0query_cache\0"
                                   "object_storage\0jobs\0fetch_format\0download_path\0"
                                   "enable_python_native_blobs\0add_hidden_timestamp\0"
                                   "filepath_checksum_size_limit\0database.backend\0"
                                   "database.database_prefix\0database.create_tables\0";

static int is_foreign_key(const char *path)
{
    for (const char *w = foreign_keys; *w; w += strlen(w) + 1) {
        size_t n = strlen(w);
        if (strncmp(path, w, n) == 0 && (path[n] == '\0' || path[n] == '.'))
            return 1;
    }
    return 0;
}

/* Edit distance (insert, delete, replace, swap of neighbours) between two
 * short keys; longer ones than the table's rows count as far apart. */
static unsigned key_distance(const char *a, const char *b)
{
    enum { MAX = 48 };
    size_t n = strlen(a), m = strlen(b);
    if (n >= MAX || m >= MAX)
        return UINT_MAX;
    unsigned d[MAX][MAX];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            unsigned best = DJ__MIN(d[i - 1][j], d[i][j - 1]) + 1;
            best = DJ__MIN(best, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = DJ__MIN(best, d[i - 2][j - 2] + 1);
            d[i][j] = best;
        }
    return d[n][m];
}

/* Tells the log callback about a key nobody knows, with the nearest of
 * ours when one is near enough to be a typo (at most a third of it wrong). */
static void warn_unknown_key(const file_loader *loader, const dj__json_value *value)
{
    const dj_config *cfg = loader->cfg;
    if (!cfg->log_fn || cfg->loglevel > DJ_LOG_WARNING || is_foreign_key(value->path))
        return;
    const char *nearest = NULL;
    unsigned best = UINT_MAX;
    for (size_t i = 0; i < DJ__ARRAY_LEN(key_specs); i++) {
        unsigned d = key_distance(value->path, key_names[i]);
        if (d < best) {
            best = d;
            nearest = key_names[i];
        }
    }
    char message[DJ_ERROR_MESSAGE_MAX];
    if (nearest && best * 3 <= strlen(nearest))
        dj__fmt(message, sizeof message, "%s:%u:%u: unknown config key %.100s; did you mean %s?",
                loader->path, value->line, value->column, value->path, nearest);
    else
        dj__fmt(message, sizeof message, "%s:%u:%u: unknown config key %.100s", loader->path,
                value->line, value->column, value->path);
    cfg->log_fn(DJ_LOG_WARNING, message, cfg->log_ud);
}

/* Applies one value from a file. Keys DataJoint has and we do not (display.*,
 * stores, external.*, ...) are skipped as DataJoint skips what it does not
 * use; other unknown keys are reported to the log callback as warnings (an
 * object is reported through its members). Null keeps the current value, as
 * DataJoint's None means "default". */
static int apply_file_value(const dj__json_value *value, void *ud)
{
    file_loader *loader = ud;
    const key_spec *key = find_key(value->path);
    if (!key && value->kind != DJ__JSON_OBJECT)
        warn_unknown_key(loader, value);
    if (!key || value->kind == DJ__JSON_NULL)
        return 0;
    loader->rejected_value = 1;
    unsigned kinds = json_kinds[key->type];
    if (!(kinds & JSON_BIT(value->kind)))
        return dj__err(loader->err, DJ_ECONFIG, "%s:%u:%u: %s must be %s, not %s", loader->path,
                       value->line, value->column, key_name(key), expected_json(kinds),
                       json_kind_phrase(value->kind));
    const char *text = value->kind == DJ__JSON_TRUE    ? "true"
                       : value->kind == DJ__JSON_FALSE ? "false"
                                                       : value->text;
    int rc = set_value(loader->cfg, key, text, loader->err);
    if (rc) {
        dj__err_prefix(loader->err, "%s:%u:%u", loader->path, value->line, value->column);
        return rc;
    }
    loader->rejected_value = 0;
    return 0;
}

/* Applies the file to cfg in place; cfg may be half-changed on failure. */
static int load_file_into(dj_config *cfg, const char *path, dj_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_file(path, cfg->allocator, &text, &len, err);
    if (rc)
        return rc;
    file_loader loader = {cfg, path, err, 0};
    dj__json_error where;
    rc = dj__json_parse(text, len, cfg->allocator, apply_file_value, &loader, &where);
    if (rc == DJ_ENOMEM)
        dj__err(err, DJ_ENOMEM, "out of memory parsing %s", path);
    else if (rc && !loader.rejected_value)
        dj__err(err, rc, "%s:%u:%u: %s", path, where.line, where.column, where.what);
    dj__wipe(text, len);
    dj__free(cfg->allocator, text);
    return rc;
}

/* ---- environment ---- */

/* DataJoint 0.14's DJ_HOST, DJ_USER, DJ_PASS and DJ_LOG_LEVEL, DataJoint
 * 2.x's DJ_PORT and DJ_USE_TLS, and two of our own; env_vars and env_keys
 * go in step. */
static const char env_vars[] = "DJ_HOST\0DJ_PORT\0DJ_USER\0DJ_PASS\0DJ_USE_TLS\0"
                               "DJ_CONNECT_TIMEOUT\0DJ_TLS_CA\0DJ_LOG_LEVEL";
static const uint8_t env_keys[] = {K_host,     K_port,               K_user,   K_password,
                                   K_tls_mode, K_connect_timeout_ms, K_tls_ca, K_loglevel};

static int apply_env_into(dj_config *cfg, dj_error *err)
{
    const char *variable = env_vars;
    for (size_t i = 0; i < DJ__ARRAY_LEN(env_keys); i++, variable += strlen(variable) + 1) {
        const char *value = getenv(variable);
        if (!value || *value == '\0')
            continue;
        int rc = set_value(cfg, &key_specs[env_keys[i]], value, err);
        if (rc) {
            dj__err_prefix(err, "%s", variable);
            return rc;
        }
    }
    return 0;
}

/* ---- the search ---- */

/* Joins dir and name into out; DJ_ECONFIG when it does not fit. */
static int join_path(char *out, size_t size, const char *dir, const char *name, dj_error *err)
{
    const char *sep = dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/";
    if (dj__snprintf(out, size, "%s%s%s", dir, sep, name))
        return dj__err(err, DJ_ECONFIG, "path too long: %.200s%s%s", dir, sep, name);
    return 0;
}

static int is_present(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/*
 * Finds the config file to load, in this order:
 *   1. $DJ_CONFIG_FILE, when set and not empty: that file and no search
 *      (a missing file is then an error, reported when it is opened);
 *   2. ./dj_local_conf.json  (DataJoint 0.14's local config);
 *   3. $HOME/.datajoint_config.json  (DataJoint 0.14's global config);
 *   4. datajoint.json in the current directory, then in each parent up to
 *      and including / (DataJoint 2.x's project config).
 * Only the first file found is used, as DataJoint does. Returns 1 with the
 * path in out, 0 when there is none, or a negative status.
 */
static int find_config_file(char *out, size_t size, dj_error *err)
{
    const char *explicit_path = getenv("DJ_CONFIG_FILE");
    if (explicit_path && *explicit_path) {
        if (dj__strlcpy(out, explicit_path, size))
            return dj__err(err, DJ_ECONFIG, "DJ_CONFIG_FILE is too long (max %zu bytes)",
                           size - 1);
        return 1;
    }
    char dir[PATH_MAX];
    if (!getcwd(dir, sizeof dir)) {
        int e = errno;
        dj__err(err, DJ_ESYSTEM, "cannot determine the current directory: %s", strerror(e));
        if (err)
            err->os_errno = e;
        return DJ_ESYSTEM;
    }
    int rc = join_path(out, size, dir, "dj_local_conf.json", err);
    if (rc || is_present(out))
        return rc ? rc : 1;
    const char *home = getenv("HOME");
    if (home && *home) {
        rc = join_path(out, size, home, ".datajoint_config.json", err);
        if (rc || is_present(out))
            return rc ? rc : 1;
    }
    for (;;) {
        rc = join_path(out, size, dir, "datajoint.json", err);
        if (rc || is_present(out))
            return rc ? rc : 1;
        char *slash = strrchr(dir, '/');
        if (!slash || (slash == dir && dir[1] == '\0'))
            return 0;
        slash[slash == dir ? 1 : 0] = '\0';
    }
}

/* ---- public: sources ---- */

/* Hands the worked-on copy back only when every step succeeded, and wipes it
 * either way since it holds the password. */
static int commit(dj_config *cfg, dj_config *work, int rc)
{
    if (rc == 0)
        *cfg = *work;
    dj__wipe(work, sizeof *work);
    return rc;
}

int dj_config_load_file(dj_config *cfg, const char *path, dj_error *err)
{
    if (!cfg || !path)
        return dj__err(err, DJ_EINVAL, "dj_config_load_file: cfg and path must not be NULL");
    dj_config work = *cfg;
    return commit(cfg, &work, load_file_into(&work, path, err));
}

int dj_config_apply_env(dj_config *cfg, dj_error *err)
{
    if (!cfg)
        return dj__err(err, DJ_EINVAL, "dj_config_apply_env: cfg must not be NULL");
    dj_config work = *cfg;
    return commit(cfg, &work, apply_env_into(&work, err));
}

int dj_config_load(dj_config *cfg, char *loaded_from, dj_error *err)
{
    if (!cfg)
        return dj__err(err, DJ_EINVAL, "dj_config_load: cfg must not be NULL");
    if (loaded_from)
        loaded_from[0] = '\0';
    char path[PATH_MAX];
    int found = find_config_file(path, sizeof path, err);
    if (found < 0)
        return found;
    if (found && loaded_from && strlen(path) >= DJ_PATH_MAX)
        return dj__err(err, DJ_ECONFIG, "path of the config file is longer than %d bytes: %.200s",
                       DJ_PATH_MAX - 1, path);
    dj_config work = *cfg;
    int rc = found ? load_file_into(&work, path, err) : 0;
    if (rc == 0)
        rc = apply_env_into(&work, err);
    rc = commit(cfg, &work, rc);
    if (rc == 0 && found && loaded_from)
        dj__strlcpy(loaded_from, path, DJ_PATH_MAX);
    return rc;
}
