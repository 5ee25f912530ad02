/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.c - the name -> table registry that stands in for the Python
 * namespace DataJoint evaluates "-> Parent" in: entries name a table
 * (`schema`.`table`) or a schema ("-> name.Class" looks Class up there).
 */
#include "dj/context.h"

struct dj_context {
    const dj_allocator *alloc;
    dj__context_entry *items;
    size_t count, cap;
};

int dj_context_new(dj_context **out, const dj_allocator *alloc, dj_error *err)
{
    if (!out)
        return dj__err(err, DJ_EINVAL, "dj_context_new: out is required");
    dj_context *c = dj__malloc(alloc, sizeof *c);
    if (!c)
        return dj__err(err, DJ_ENOMEM, "out of memory allocating a context");
    memset(c, 0, sizeof *c);
    c->alloc = alloc;
    *out = c;
    return 0;
}

void dj_context_free(dj_context *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++) {
        dj__free(c->alloc, c->items[i].name);
        dj__free(c->alloc, c->items[i].schema);
        dj__free(c->alloc, c->items[i].table);
    }
    dj__free(c->alloc, c->items);
    dj__free(c->alloc, c);
}

static int add(dj_context *c, const char *name, const char *schema, const char *table,
               dj_error *err)
{
    if (!c || !name || !name[0] || !schema || !schema[0])
        return dj__err(err, DJ_EINVAL, "a context entry needs a name and a schema");
    void *items = c->items;
    if (dj__grow(c->alloc, &items, &c->cap, c->count, sizeof *c->items, 8))
        return dj__err(err, DJ_ENOMEM, "out of memory growing a context");
    c->items = items;
    dj__context_entry e = {
        .name = dj__strndup(c->alloc, name, strlen(name)),
        .schema = dj__strndup(c->alloc, schema, strlen(schema)),
        .table = table ? dj__strndup(c->alloc, table, strlen(table)) : NULL,
    };
    if (!e.name || !e.schema || (table && !e.table)) {
        dj__free(c->alloc, e.name);
        dj__free(c->alloc, e.schema);
        dj__free(c->alloc, e.table);
        return dj__err(err, DJ_ENOMEM, "out of memory adding to a context");
    }
    c->items[c->count++] = e;
    return 0;
}

int dj_context_add_table(dj_context *c, const char *name, const char *schema_name,
                         const char *table_name, dj_error *err)
{
    if (!table_name || !table_name[0])
        return dj__err(err, DJ_EINVAL, "a context table entry needs a table name");
    return add(c, name, schema_name, table_name, err);
}

int dj_context_add_schema(dj_context *c, const char *name, const char *schema_name,
                          dj_error *err)
{
    return add(c, name, schema_name, NULL, err);
}

const dj__context_entry *dj__context_find(const dj_context *c, const char *name, size_t len,
                                          int want_schema)
{
    if (!c)
        return NULL;
    for (size_t i = c->count; i-- > 0;) {
        const dj__context_entry *e = &c->items[i];
        if ((e->table == NULL) == (want_schema != 0) && strlen(e->name) == len &&
            memcmp(e->name, name, len) == 0)
            return e;
    }
    return NULL;
}
