/* error.c - filling dj_error, and DataJoint's error classes. */
#include "core/internal.h"

void dj_error_clear(dj_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

static void set_message(dj_error *err, const char *fmt, va_list ap)
{
    dj__vfmt(err->message, sizeof err->message, fmt, ap);
}

int dj__err(dj_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    dj_error_clear(err);
    err->code = code;
    err->kind = code == DJ_ELOST ? DJ_KIND_LOST_CONNECTION : DJ_KIND_NONE;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, fmt, ap);
    va_end(ap);
    return code;
}

int dj__err_server(dj_error *err, unsigned server_errno, const char *sqlstate, const char *msg,
                   size_t msg_len)
{
    if (!err)
        return DJ_ESERVER;
    dj_error_clear(err);
    err->code = DJ_ESERVER;
    err->server_errno = server_errno;
    err->kind = dj_error_kind_from_errno(server_errno);
    if (sqlstate)
        memcpy(err->sqlstate, sqlstate, 5);
    size_t n = DJ__MIN(msg_len, sizeof err->message - 1);
    memcpy(err->message, msg, n);
    err->message[n] = '\0';
    return DJ_ESERVER;
}

void dj__err_prefix(dj_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char old[DJ_ERROR_MESSAGE_MAX];
    memcpy(old, err->message, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    dj__vfmt(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* Appended by hand: the message is meant to be cut at the buffer's end. */
    size_t used = strlen(err->message);
    const char *parts[2] = {": ", old};
    for (int i = 0; i < 2; i++) {
        size_t n = DJ__MIN(strlen(parts[i]), sizeof err->message - 1 - used);
        memcpy(err->message + used, parts[i], n);
        used += n;
    }
    err->message[used] = '\0';
}

const char *dj_strerror(int code)
{
    switch (code) {
    case DJ_OK: return "success";
    case DJ_ENOMEM: return "out of memory";
    case DJ_EINVAL: return "invalid argument";
    case DJ_EPROTO: return "protocol violation by the server";
    case DJ_ESERVER: return "server error";
    case DJ_ELOST: return "connection lost";
    case DJ_ETIMEOUT: return "timed out";
    case DJ_ECONNECT: return "cannot connect to the server";
    case DJ_EAUTH: return "authentication failed";
    case DJ_ETLS: return "TLS failure";
    case DJ_ETOOBIG: return "size limit exceeded";
    case DJ_EUNSUPPORTED: return "not supported";
    case DJ_ECONFIG: return "configuration error";
    case DJ_ESTATE: return "operation not allowed in this state";
    case DJ_ESCHEMA_MISSING: return "schema does not exist";
    case DJ_ESCHEMA_DENIED: return "schema could not be created";
    case DJ_ETRANSACTION: return "transaction error";
    case DJ_ENAME: return "invalid name";
    case DJ_EABORTED: return "aborted";
    case DJ_ESYSTEM: return "system error";
    case DJ_EDEFINITION: return "invalid table definition";
    case DJ_ETABLE_MISSING: return "table is not defined";
    case DJ_EOUTCOME_UNKNOWN: return "outcome unknown";
    default: return "unknown error";
    }
}

dj_error_kind dj_error_kind_from_errno(unsigned server_errno)
{
    switch (server_errno) {
    case 0: return DJ_KIND_NONE;
    case 1044: case 1142: return DJ_KIND_ACCESS;
    case 1062: return DJ_KIND_DUPLICATE;
    case 1217: case 1451: case 1452: case 3730: return DJ_KIND_INTEGRITY;
    case 1064: return DJ_KIND_SYNTAX;
    case 1146: return DJ_KIND_MISSING_TABLE;
    case 1364: return DJ_KIND_MISSING_ATTRIBUTE;
    case 1054: return DJ_KIND_UNKNOWN_ATTRIBUTE;
    case 2006: case 2013: case 4031: return DJ_KIND_LOST_CONNECTION;
    default: return DJ_KIND_QUERY;
    }
}

const char *dj_error_kind_name(dj_error_kind kind)
{
    switch (kind) {
    case DJ_KIND_NONE: return "";
    case DJ_KIND_QUERY: return "QueryError";
    case DJ_KIND_ACCESS: return "AccessError";
    case DJ_KIND_DUPLICATE: return "DuplicateError";
    case DJ_KIND_INTEGRITY: return "IntegrityError";
    case DJ_KIND_SYNTAX: return "QuerySyntaxError";
    case DJ_KIND_MISSING_TABLE: return "MissingTableError";
    case DJ_KIND_MISSING_ATTRIBUTE: return "MissingAttributeError";
    case DJ_KIND_UNKNOWN_ATTRIBUTE: return "UnknownAttributeError";
    case DJ_KIND_LOST_CONNECTION: return "LostConnectionError";
    }
    return "DataJointError";
}
