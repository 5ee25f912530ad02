/* SPDX-License-Identifier: Apache-2.0 */
/* lists.c - dj_strlist and dj_table_list: allocation and release. */
#include "dj/lists.h"

/* Makes room for one more item. The public list structs have no capacity
 * field: it is implied by the count (8, then doubling), as dj__grow grows. */
static int reserve_one(const dj_allocator *a, void **items, size_t count, size_t elem,
                       dj_error *err)
{
    size_t cap = 0;
    if (count)
        for (cap = 8; cap < count; cap *= 2)
            ;
    if (dj__grow(a, items, &cap, count, elem, 8))
        return dj__err(err, DJ_ENOMEM, "out of memory growing a list to %zu entries",
                       cap ? cap * 2 : 8);
    return 0;
}

int dj__strlist_add(dj_strlist *list, const char *s, size_t n, dj_error *err)
{
    if (reserve_one(list->allocator, (void **)&list->items, list->count, sizeof *list->items, err))
        return DJ_ENOMEM;
    char *copy = dj__strndup(list->allocator, s, n);
    if (!copy)
        return dj__err(err, DJ_ENOMEM, "out of memory copying a name");
    list->items[list->count++] = copy;
    return 0;
}

void dj_strlist_free(dj_strlist *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        dj__free(list->allocator, list->items[i]);
    dj__free(list->allocator, list->items);
    list->items = NULL;
    list->count = 0;
}

int dj__table_list_add(dj_table_list *list, const char *name, size_t n, dj_error *err)
{
    if (reserve_one(list->allocator, (void **)&list->items, list->count, sizeof *list->items, err))
        return DJ_ENOMEM;
    dj_table_entry *e = &list->items[list->count];
    memset(e, 0, sizeof *e);
    e->table_name = dj__strndup(list->allocator, name, n);
    if (!e->table_name)
        return dj__err(err, DJ_ENOMEM, "out of memory copying a table name");
    e->tier = dj_table_tier(e->table_name);
    char cls[DJ_NAME_MAX * 2];
    /* Hidden and non-DataJoint tables have no class name. */
    if (dj_table_to_class(e->table_name, cls, sizeof cls, NULL) != 0)
        cls[0] = '\0';
    e->class_name = dj__strndup(list->allocator, cls, strlen(cls));
    if (!e->class_name) {
        dj__free(list->allocator, e->table_name);
        return dj__err(err, DJ_ENOMEM, "out of memory copying a class name");
    }
    list->count++;
    return 0;
}

void dj_table_list_free(dj_table_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        dj__free(list->allocator, list->items[i].table_name);
        dj__free(list->allocator, list->items[i].class_name);
    }
    dj__free(list->allocator, list->items);
    list->items = NULL;
    list->count = 0;
}
