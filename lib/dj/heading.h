/* SPDX-License-Identifier: Apache-2.0 */
/*
 * heading.h - building headings: from the server (information_schema, in
 * heading_load.c) or from a definition being declared (declare.c).
 */
#ifndef DJ_HEADING_H
#define DJ_HEADING_H

#include "core/internal.h"

struct dj_heading {
    const dj_allocator *alloc;
    char *schema_name;
    char *table_name;
    char *comment;
    dj_attribute *attrs;
    size_t count, cap;
    dj_foreign_key *fks;
    size_t fk_count, fk_cap;
    dj_index *indexes;
    size_t index_count, index_cap;
    void **owned;              /* every string and array above, freed together */
    size_t owned_count, owned_cap;
};

/* A new empty heading for `schema`.`table`; NULL on allocation failure. */
dj_heading *dj__heading_new(const dj_allocator *alloc, const char *schema, const char *table);
void dj__heading_free(dj_heading *h);
/* A copy of n bytes of s owned by the heading (NUL-terminated); NULL on failure. */
char *dj__heading_strndup(dj_heading *h, const char *s, size_t n);
/* Appends an attribute; its strings must already belong to the heading. */
int dj__heading_add_attribute(dj_heading *h, const dj_attribute *a, dj_error *err);
/* Appends a foreign key with count attribute pairs (strings copied). */
int dj__heading_add_foreign_key(dj_heading *h, const char *parent_schema,
                                const char *parent_table, const char *const *attrs,
                                const char *const *parent_attrs, size_t count, dj_error *err);
/* Appends a secondary index with count attributes (names copied). */
int dj__heading_add_index(dj_heading *h, int unique, const char *const *attrs, size_t count,
                          dj_error *err);
/* Splits a column comment ":type:rest" into the heading's type and comment. */
int dj__heading_split_comment(dj_heading *h, dj_attribute *a, const char *comment,
                              dj_error *err);
/* Reads a table's heading from information_schema. DJ_ETABLE_MISSING when
 * the table does not exist. */
int dj__heading_load(dj_conn *conn, const char *schema, const char *table, dj_heading **out,
                     dj_error *err);

#endif
