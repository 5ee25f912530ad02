/* SPDX-License-Identifier: Apache-2.0 */
/*
 * heading.c - the heading object: attributes in declaration order, the
 * table comment and foreign keys, with the public accessors. Every string
 * and array belongs to the heading and is freed with it.
 */
#include "dj/heading.h"

static int own(dj_heading *h, void *p)
{
    if (!p)
        return DJ_ENOMEM;
    if (h->owned_count == h->owned_cap) {
        size_t ncap = h->owned_cap ? h->owned_cap * 2 : 32;
        void **n = dj__realloc(h->alloc, h->owned, ncap * sizeof *n);
        if (!n) {
            dj__free(h->alloc, p);
            return DJ_ENOMEM;
        }
        h->owned = n;
        h->owned_cap = ncap;
    }
    h->owned[h->owned_count++] = p;
    return 0;
}

char *dj__heading_strndup(dj_heading *h, const char *s, size_t n)
{
    char *p = dj__strndup(h->alloc, s ? s : "", s ? n : 0);
    return own(h, p) ? NULL : p;
}

dj_heading *dj__heading_new(const dj_allocator *alloc, const char *schema, const char *table)
{
    dj_heading *h = dj__malloc(alloc, sizeof *h);
    if (!h)
        return NULL;
    memset(h, 0, sizeof *h);
    h->alloc = alloc;
    h->schema_name = dj__heading_strndup(h, schema, strlen(schema));
    h->table_name = dj__heading_strndup(h, table, strlen(table));
    h->comment = dj__heading_strndup(h, "", 0);
    if (!h->schema_name || !h->table_name || !h->comment) {
        dj__heading_free(h);
        return NULL;
    }
    return h;
}

void dj__heading_free(dj_heading *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->owned_count; i++)
        dj__free(h->alloc, h->owned[i]);
    dj__free(h->alloc, h->owned);
    dj__free(h->alloc, h->attrs);
    dj__free(h->alloc, h->fks);
    dj__free(h->alloc, h->indexes);
    dj__free(h->alloc, h);
}

static int grow(dj_heading *h, void **items, size_t *cap, size_t count, size_t size,
                dj_error *err)
{
    if (dj__grow(h->alloc, items, cap, count, size, 16))
        return dj__err(err, DJ_ENOMEM, "out of memory building a heading");
    return 0;
}

int dj__heading_add_attribute(dj_heading *h, const dj_attribute *a, dj_error *err)
{
    void *items = h->attrs;
    int rc = grow(h, &items, &h->cap, h->count, sizeof *h->attrs, err);
    if (rc)
        return rc;
    h->attrs = items;
    h->attrs[h->count++] = *a;
    return 0;
}

/* An owned array of owned copies of n strings. */
static const char *const *copy_names(dj_heading *h, const char *const *names, size_t n)
{
    const char **arr = dj__malloc(h->alloc, (n ? n : 1) * sizeof *arr);
    if (own(h, (void *)arr))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(arr[i] = dj__heading_strndup(h, names[i], strlen(names[i]))))
            return NULL;
    return arr;
}

int dj__heading_add_foreign_key(dj_heading *h, const char *parent_schema,
                                const char *parent_table, const char *const *attrs,
                                const char *const *parent_attrs, size_t count, dj_error *err)
{
    void *items = h->fks;
    int rc = grow(h, &items, &h->fk_cap, h->fk_count, sizeof *h->fks, err);
    if (rc)
        return rc;
    h->fks = items;
    dj_foreign_key fk = {
        .parent_schema = dj__heading_strndup(h, parent_schema, strlen(parent_schema)),
        .parent_table = dj__heading_strndup(h, parent_table, strlen(parent_table)),
        .count = count,
        .attributes = copy_names(h, attrs, count),
        .parent_attributes = copy_names(h, parent_attrs, count),
    };
    if (!fk.parent_schema || !fk.parent_table || !fk.attributes || !fk.parent_attributes)
        return dj__err(err, DJ_ENOMEM, "out of memory building a heading");
    h->fks[h->fk_count++] = fk;
    return 0;
}

int dj__heading_add_index(dj_heading *h, int unique, const char *const *attrs, size_t count,
                          dj_error *err)
{
    void *items = h->indexes;
    int rc = grow(h, &items, &h->index_cap, h->index_count, sizeof *h->indexes, err);
    if (rc)
        return rc;
    h->indexes = items;
    dj_index ix = {.unique = unique, .count = count, .attributes = copy_names(h, attrs, count)};
    if (!ix.attributes)
        return dj__err(err, DJ_ENOMEM, "out of memory building a heading");
    h->indexes[h->index_count++] = ix;
    return 0;
}

int dj__heading_split_comment(dj_heading *h, dj_attribute *a, const char *comment,
                              dj_error *err)
{
    const char *end = comment[0] == ':' ? strchr(comment + 1, ':') : NULL;
    if (end && end > comment + 1) {
        a->type = dj__heading_strndup(h, comment + 1, (size_t)(end - comment - 1));
        a->comment = dj__heading_strndup(h, end + 1, strlen(end + 1));
    } else {
        a->type = a->sql_type;
        a->comment = dj__heading_strndup(h, comment, strlen(comment));
    }
    return a->type && a->comment ? 0 : dj__err(err, DJ_ENOMEM, "out of memory building a heading");
}

/* ---- public accessors ---- */

size_t dj_heading_count(const dj_heading *h) { return h ? h->count : 0; }

const dj_attribute *dj_heading_attribute(const dj_heading *h, size_t i)
{
    return h && i < h->count ? &h->attrs[i] : NULL;
}

const dj_attribute *dj_heading_find(const dj_heading *h, const char *name)
{
    if (!h || !name)
        return NULL;
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->attrs[i].name, name) == 0)
            return &h->attrs[i];
    return NULL;
}

size_t dj_heading_primary_key_count(const dj_heading *h)
{
    size_t n = 0;
    for (size_t i = 0; h && i < h->count; i++)
        n += h->attrs[i].in_key != 0;
    return n;
}

const char *dj_heading_comment(const dj_heading *h) { return h ? h->comment : ""; }
size_t dj_heading_foreign_key_count(const dj_heading *h) { return h ? h->fk_count : 0; }

const dj_foreign_key *dj_heading_foreign_key(const dj_heading *h, size_t i)
{
    return h && i < h->fk_count ? &h->fks[i] : NULL;
}

size_t dj_heading_index_count(const dj_heading *h) { return h ? h->index_count : 0; }

const dj_index *dj_heading_index(const dj_heading *h, size_t i)
{
    return h && i < h->index_count ? &h->indexes[i] : NULL;
}
