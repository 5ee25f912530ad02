/* SPDX-License-Identifier: Apache-2.0 */
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

/* Packed strings rather than a switch, which the compiler turns into a table
 * of 42 pointers: DJ_OK down to DJ_EOUTCOME_UNKNOWN, then DJ_EDEFINITION and
 * DJ_ETABLE_MISSING, then the text for any other code. */
const char *dj_strerror(int code)
{
    static const char texts[] = "success\0out of memory\0invalid argument\0"
                                "protocol violation by the server\0server error\0"
                                "connection lost\0timed out\0cannot connect to the server\0"
                                "authentication failed\0TLS failure\0size limit exceeded\0"
                                "not supported\0configuration error\0"
                                "operation not allowed in this state\0schema does not exist\0"
                                "schema could not be created\0transaction error\0"
                                "invalid name\0aborted\0system error\0outcome unknown\0"
                                "invalid table definition\0table is not defined\0unknown error";
    enum { DEFINITION_TEXT = -DJ_EOUTCOME_UNKNOWN + 1, OTHER_TEXT = DEFINITION_TEXT + 2 };
    size_t i = OTHER_TEXT;
    if (code <= DJ_OK && code >= DJ_EOUTCOME_UNKNOWN)
        i = (size_t)-code;
    else if (code == DJ_EDEFINITION || code == DJ_ETABLE_MISSING)
        i = DEFINITION_TEXT + (size_t)(DJ_EDEFINITION - code);
    return dj__word_at(texts, i);
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
    /* in the order of dj_error_kind, then the name for any other value */
    static const char names[] = "\0QueryError\0AccessError\0DuplicateError\0IntegrityError\0"
                                "QuerySyntaxError\0MissingTableError\0MissingAttributeError\0"
                                "UnknownAttributeError\0LostConnectionError\0DataJointError";
    return dj__word_at(names, (unsigned)kind <= DJ_KIND_LOST_CONNECTION
                                  ? (size_t)kind
                                  : (size_t)DJ_KIND_LOST_CONNECTION + 1);
}
