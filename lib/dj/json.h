/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - a small JSON reader for configuration files.
 *
 * It is an event parser: instead of building a tree it calls a visitor for
 * each value with the dotted path of object keys that leads to it, which is
 * exactly what DataJoint's two config layouts need ({"database.host": ...}
 * and {"database": {"host": ...}} both arrive as "database.host"). It reads
 * untrusted bytes, so it is written to be fuzzed: input size and nesting are
 * capped, the only allocation is one scratch block sized from the input, and
 * every decoded string is checked UTF-8 without NUL characters.
 */
#ifndef DJ_DJ_JSON_H
#define DJ_DJ_JSON_H

#include "core/internal.h"

/* Deepest nesting of objects and arrays accepted (the top-level object counts). */
#define DJ__JSON_MAX_DEPTH 64
/* Largest input accepted, in bytes. */
#define DJ__JSON_MAX_SIZE ((size_t)1024 * 1024)

typedef enum dj__json_kind {
    DJ__JSON_NULL,
    DJ__JSON_FALSE,
    DJ__JSON_TRUE,
    DJ__JSON_NUMBER,
    DJ__JSON_STRING,
    DJ__JSON_ARRAY,
    DJ__JSON_OBJECT
} dj__json_kind;

/* One value as the visitor sees it. The pointers are valid during the call only. */
typedef struct dj__json_value {
    dj__json_kind kind;
    /* Keys from the top-level object down to this value joined with '.',
     * NUL-terminated; contains no NUL. */
    const char *path;
    /* STRING: the decoded UTF-8 text; NUMBER: the literal as written;
     * otherwise "". NUL-terminated, len bytes, contains no NUL. */
    const char *text;
    size_t len;
    /* Where the value starts: 1-based line, and 1-based column in bytes. */
    unsigned line;
    unsigned column;
} dj__json_value;

/* Returns 0 to go on; any other value stops the parse and is returned by it. */
typedef int (*dj__json_visit_fn)(const dj__json_value *value, void *ud);

/* Where and why the input is malformed. */
typedef struct dj__json_error {
    unsigned line;   /* 1-based */
    unsigned column; /* 1-based, in bytes */
    char what[160];  /* e.g. "expected ',' or '}', found character '\"'" */
} dj__json_error;

/*
 * Parses `len` bytes that must hold one JSON object (RFC 8259, no extensions:
 * no comments, no trailing commas). The visitor is called, in document order,
 * for every value inside that object: for an object or array once at its
 * opening bracket, then for an object's members. Values inside arrays are
 * checked but not reported, since a key path cannot name them.
 *
 * Returns 0; DJ_ECONFIG for malformed input with *where filled (where may
 * be NULL); DJ_ENOMEM when the scratch block cannot be allocated; or the
 * first non-zero value the visitor returned. `alloc` NULL means malloc.
 */
int dj__json_parse(const char *text, size_t len, const dj_allocator *alloc,
                   dj__json_visit_fn visit, void *ud, dj__json_error *where);

#endif
