/* SPDX-License-Identifier: Apache-2.0 */
/*
 * describe.c - a table's heading written back in DataJoint's definition
 * syntax, as dj.Table.describe() does: the comment, the primary key, "---",
 * the rest; a foreign key is written "-> Parent" (or Parent.proj(new="old"))
 * where its last attribute appears, instead of its attributes, with
 * [nullable] and [unique] as they apply; the other indexes come last.
 */
#include "dj/heading.h"
#include "dj/sqlbuf.h"
#include "wire/buf.h"

/* Text padded with spaces to width (DataJoint's "%-20s"). */
static void put_padded(dj__builder *b, const char *s, size_t width)
{
    dj__sqlbuf_text(b, s);
    for (size_t n = strlen(s); n < width; n++)
        dj__put_u8(b, ' ');
}

/* Drops trailing spaces of the current line. */
static void end_line(dj__builder *b)
{
    while (b->len && b->data[b->len - 1] == ' ')
        b->len--;
    dj__put_u8(b, '\n');
}

static int fk_has(const dj_foreign_key *fk, const char *name)
{
    for (size_t i = 0; i < fk->count; i++)
        if (strcmp(fk->attributes[i], name) == 0)
            return 1;
    return 0;
}

/* The index in the heading of the foreign key's last attribute. */
static size_t fk_last(const dj_heading *h, const dj_foreign_key *fk)
{
    size_t last = 0;
    for (size_t i = 0; i < h->count; i++)
        if (fk_has(fk, h->attrs[i].name))
            last = i;
    return last;
}

/* Whether an index has exactly the foreign key's attributes, in order. */
static int same_columns(const dj_index *ix, const dj_foreign_key *fk)
{
    if (ix->count != fk->count)
        return 0;
    for (size_t i = 0; i < ix->count; i++)
        if (strcmp(ix->attributes[i], fk->attributes[i]) != 0)
            return 0;
    return 1;
}

/* The index that belongs to a foreign key (the server's, or [unique]'s). */
static const dj_index *index_of(const dj_heading *h, const dj_foreign_key *fk)
{
    for (size_t i = 0; i < h->index_count; i++)
        if (same_columns(&h->indexes[i], fk))
            return &h->indexes[i];
    return NULL;
}

static int belongs_to_foreign_key(const dj_heading *h, const dj_index *ix)
{
    for (size_t i = 0; i < h->fk_count; i++)
        if (same_columns(ix, &h->fks[i]))
            return 1;
    return 0;
}

static void put_reference(dj__builder *b, const dj_heading *h, const dj_foreign_key *fk)
{
    int nullable = 0;
    for (size_t i = 0; i < h->count; i++)
        if (fk_has(fk, h->attrs[i].name) && h->attrs[i].nullable)
            nullable = 1;
    const dj_index *ix = index_of(h, fk);
    int unique = ix && ix->unique;
    dj__sqlbuf_text(b, "->");
    if (nullable || unique) {
        dj__sqlbuf_text(b, nullable && unique ? " [nullable, unique]"
                           : nullable         ? " [nullable]"
                                              : " [unique]");
    }
    dj__put_u8(b, ' ');
    char class_name[2 * DJ_NAME_MAX];
    if (dj_table_to_class(fk->parent_table, class_name, sizeof class_name, NULL) != 0)
        dj__snprintf(class_name, sizeof class_name, "`%s`", fk->parent_table);
    if (strcmp(fk->parent_schema, h->schema_name) != 0) {
        dj__sqlbuf_text(b, fk->parent_schema);
        dj__put_u8(b, '.');
    }
    dj__sqlbuf_text(b, class_name);
    int renamed = 0;
    for (size_t i = 0; i < fk->count; i++) {
        if (strcmp(fk->attributes[i], fk->parent_attributes[i]) == 0)
            continue;
        dj__sqlbuf_text(b, renamed ? ", " : ".proj(");
        renamed = 1;
        dj__sqlbuf_text(b, fk->attributes[i]);
        dj__sqlbuf_text(b, "=\"");
        dj__sqlbuf_text(b, fk->parent_attributes[i]);
        dj__put_u8(b, '"');
    }
    if (renamed)
        dj__put_u8(b, ')');
    end_line(b);
}

static int is_numeric(const char *type)
{
    static const char words[] = "tinyint\0smallint\0mediumint\0bigint\0int\0"
                                "decimal\0numeric\0float\0double\0real\0";
    for (const char *w = words; *w; w += strlen(w) + 1)
        if (strncmp(type, w, strlen(w)) == 0)
            return 1;
    return 0;
}

/* name, name=null, name="text", name=20.5, name=CURRENT_TIMESTAMP */
static void put_name_default(dj__builder *b, const dj_attribute *a)
{
    dj__builder nd;
    dj__builder_init(&nd, b->alloc);
    dj__sqlbuf_text(&nd, a->name);
    if (a->default_kind == DJ_DEFAULT_NULL) {
        dj__sqlbuf_text(&nd, "=null");
    } else if (a->default_kind != DJ_DEFAULT_NONE && a->default_value) {
        int quote = a->default_kind == DJ_DEFAULT_LITERAL && !is_numeric(a->sql_type);
        dj__put_u8(&nd, '=');
        if (quote)
            dj__put_u8(&nd, '"');
        dj__sqlbuf_text(&nd, a->default_value);
        if (quote)
            dj__put_u8(&nd, '"');
    }
    dj__put_u8(&nd, 0);
    put_padded(b, nd.oom ? a->name : (const char *)nd.data, 20);
    dj__builder_free(&nd, 0);
}

static void put_attribute(dj__builder *b, const dj_attribute *a)
{
    put_name_default(b, a);
    dj__sqlbuf_text(b, " : ");
    char type[512];
    dj__snprintf(type, sizeof type, "%s%s", a->type, a->autoincrement ? " auto_increment" : "");
    put_padded(b, type, 28);
    if (a->comment[0]) {
        dj__sqlbuf_text(b, " # ");
        dj__sqlbuf_text(b, a->comment);
    }
    end_line(b);
}

int dj_table_describe(const dj_table *t, char *out, size_t outsize, size_t *needed,
                      dj_error *err)
{
    const dj_heading *h = dj_table_heading(t);
    if (!h)
        return dj__err(err, DJ_EINVAL, "dj_table_describe: table is required");
    dj__builder b;
    dj__builder_init(&b, h->alloc);
    if (h->comment[0]) {
        dj__sqlbuf_text(&b, "# ");
        dj__sqlbuf_text(&b, h->comment);
        end_line(&b);
    }
    int in_key = 1;
    for (size_t i = 0; i < h->count; i++) {
        const dj_attribute *a = &h->attrs[i];
        if (in_key && !a->in_key) {
            dj__sqlbuf_text(&b, "---\n");
            in_key = 0;
        }
        int inherited = 0;
        for (size_t k = 0; k < h->fk_count; k++) {
            if (!fk_has(&h->fks[k], a->name))
                continue;
            inherited = 1;
            if (fk_last(h, &h->fks[k]) == i)
                put_reference(&b, h, &h->fks[k]);
        }
        if (!inherited)
            put_attribute(&b, a);
    }
    for (size_t i = 0; i < h->index_count; i++) {
        const dj_index *ix = &h->indexes[i];
        if (belongs_to_foreign_key(h, ix))
            continue;
        dj__sqlbuf_text(&b, ix->unique ? "UNIQUE INDEX (" : "INDEX (");
        for (size_t k = 0; k < ix->count; k++) {
            if (k)
                dj__sqlbuf_text(&b, ", ");
            dj__sqlbuf_text(&b, ix->attributes[k]);
        }
        dj__sqlbuf_text(&b, ")\n");
    }
    dj__put_u8(&b, 0);
    int rc = 0;
    if (b.oom) {
        rc = dj__err(err, DJ_ENOMEM, "out of memory describing a table");
    } else {
        if (needed)
            *needed = b.len;
        if (!out || b.len > outsize)
            rc = dj__err(err, DJ_ETOOBIG, "the description needs %zu bytes, the buffer has %zu",
                         b.len, outsize);
        else
            memcpy(out, b.data, b.len);
    }
    dj__builder_free(&b, 0);
    return rc;
}
