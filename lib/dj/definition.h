/* SPDX-License-Identifier: Apache-2.0 */
/*
 * definition.h - DataJoint table definitions parsed into lines (no I/O, no
 * server): the table comment, attributes, foreign keys and indexes, each
 * with its line number and whether it is above the "---" separator.
 *
 * All strings point into one private copy of the definition text, so a
 * parsed definition is three allocations, whatever its size.
 */
#ifndef DJ_DEFINITION_H
#define DJ_DEFINITION_H

#include "core/internal.h"

typedef enum dj__line_kind {
    DJ__LINE_ATTRIBUTE = 1,
    DJ__LINE_FOREIGN_KEY,
    DJ__LINE_INDEX
} dj__line_kind;

/* The kinds of attribute types, after DataJoint's match_type. */
typedef enum dj__type_class {
    DJ__TYPE_NATIVE = 1,  /* passed to the server as written */
    DJ__TYPE_BLOB,        /* native blob: the default may only be NULL */
    DJ__TYPE_SPECIAL      /* uuid and the DataJoint 2.x core types: mapped, marked in the comment */
} dj__type_class;

typedef struct dj__def_attribute {
    const char *name;
    const char *type;         /* as written, trimmed */
    const char *sql_type;     /* what goes to the server: type, or the mapping of a special type */
    dj__type_class type_class;
    const char *default_text; /* NULL when there is none; "null" makes the attribute nullable */
    int nullable;
    const char *comment;      /* "" when none */
} dj__def_attribute;

typedef struct dj__def_foreign_key {
    const char *ref;          /* "Parent", "master", "other.Parent", "Master.Part" */
    int nullable;
    int unique;
    size_t first_rename;      /* renames of .proj(new='old'): pairs in the piece list */
    size_t rename_count;
} dj__def_foreign_key;

typedef struct dj__def_index {
    int unique;
    size_t first_attr;        /* attribute names in the piece list */
    size_t attr_count;
} dj__def_index;

typedef struct dj__def_line {
    dj__line_kind kind;
    unsigned lineno;          /* 1-based line of the definition text */
    int in_key;               /* above the "---" separator */
    const char *text;         /* the whole line, trimmed */
    union {
        dj__def_attribute attr;
        dj__def_foreign_key fk;
        dj__def_index index;
    } u;
} dj__def_line;

typedef struct dj__definition {
    const dj_allocator *alloc;
    char *text;               /* the private copy the strings point into */
    const char *comment;      /* table comment, "" when none */
    dj__def_line *lines;
    size_t count, cap;
    const char **pieces;      /* rename pairs (new, old) and index attribute names */
    size_t piece_count, piece_cap;
} dj__definition;

/*
 * Parses a definition. Errors are DJ_EDEFINITION with a message starting
 * "line N: " and DataJoint's words for what is wrong. Checks made here:
 * syntax, nullable primary key attributes and dependencies, foreign key
 * options, unsupported types, blob defaults, comments starting with ':',
 * duplicate attribute lines, and an index naming an undeclared attribute
 * among the lines above it that are attributes (foreign key attributes are
 * checked when the parents are known).
 */
int dj__definition_parse(const char *text, const dj_allocator *alloc, dj__definition *out,
                         dj_error *err);
void dj__definition_free(dj__definition *def);

#endif
