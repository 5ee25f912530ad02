/* SPDX-License-Identifier: Apache-2.0 */
/*
 * declare.c - DataJoint's declare() for a parsed definition: the CREATE
 * TABLE statement exactly as datajoint-python 0.14 writes it, and the
 * heading of the new table.
 *
 * The statement is
 *   CREATE TABLE IF NOT EXISTS `db`.`tbl` (\n<items joined by ",\n">\n)
 *   ENGINE=InnoDB, COMMENT "<table comment>"
 * where the items are the attributes in order, PRIMARY KEY (...), the
 * foreign keys, then the indexes. Attributes inherited through a foreign
 * key are written from the parent's heading: `name` type NOT NULL COMMENT
 * "<comment>" (the comment clause even when empty, no default, and no NOT
 * NULL for a nullable dependency). Own attributes get a COMMENT clause only
 * when they have a comment; defaults are double-quoted unless already
 * quoted or CURRENT_TIMESTAMP/NULL.
 */
#include "dj/declare.h"
#include "dj/sqlbuf.h"
#include "wire/buf.h"

/* DataJoint escapes only double quotes in comments. */
static void put_comment_text(dj__builder *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '"')
            dj__put_u8(b, '\\');
        dj__put_u8(b, (uint8_t)*s);
    }
}

/* ` COMMENT "<:type:>comment"`; type NULL for none. */
static void put_comment(dj__builder *b, const char *type, const char *comment)
{
    dj__sqlbuf_text(b, " COMMENT \"");
    if (type) {
        dj__put_u8(b, ':');
        dj__sqlbuf_text(b, type);
        dj__put_u8(b, ':');
    }
    put_comment_text(b, comment);
    dj__put_u8(b, '"');
}

/* Starts the next item of the column list. */
static void next_item(dj__builder *b)
{
    if (b->len)
        dj__sqlbuf_text(b, ",\n");
}

typedef struct compiler {
    const dj__definition *def;
    dj_heading *h;
    dj__builder attrs, fks, indexes;
    const dj_allocator *alloc;
} compiler;

static int oom(dj_error *err)
{
    return dj__err(err, DJ_ENOMEM, "out of memory declaring a table");
}

/* ---- the heading's view of an attribute's type ---- */

/* The type as the server reports it, for the common spellings: lower case
 * outside quotes, single spaces, no auto_increment, no integer widths,
 * bool -> tinyint, integer -> int. */
static char *server_type(dj_heading *h, const char *type)
{
    char buf[512];
    size_t o = 0;
    char quote = 0;
    for (const char *p = type; *p && o + 1 < sizeof buf; p++) {
        char c = *p;
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ' ' || c == '\t') {
            if (o && buf[o - 1] == ' ')
                continue;
            c = ' ';
        } else {
            c = dj__ascii_lower(c);
        }
        buf[o++] = c;
    }
    buf[o] = '\0';
    char *ai = strstr(buf, " auto_increment");
    if (ai)
        memmove(ai, ai + 15, strlen(ai + 15) + 1);
    if (strcmp(buf, "bool") == 0 || strcmp(buf, "boolean") == 0)
        return dj__heading_strndup(h, "tinyint", 7);
    if (strncmp(buf, "integer", 7) == 0)
        memmove(buf + 3, buf + 7, strlen(buf + 7) + 1);
    char *paren = strchr(buf, '(');
    if (paren && paren - buf >= 3 && strncmp(paren - 3, "int", 3) == 0) {
        char *close = strchr(paren, ')');
        if (close)
            memmove(paren, close + 1, strlen(close + 1) + 1);
    }
    return dj__heading_strndup(h, buf, strlen(buf));
}

static int contains_word_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (dj__ieq_n(s, word, n))
            return 1;
    return 0;
}

/* DataJoint's CONSTANT_LITERALS test: the default up to '(' is
 * CURRENT_TIMESTAMP or NULL, in any case. */
static int is_constant_literal(const char *d)
{
    size_t n = strcspn(d, "(");
    return dj__word_find("current_timestamp\0null\0", d, n) >= 0;
}

/* ---- attribute lines ---- */

static int compile_attribute(compiler *c, const dj__def_line *l, dj_error *err)
{
    const dj__def_attribute *a = &l->u.attr;
    dj_heading *h = c->h;
    if (dj_heading_find(h, a->name))
        return dj__err(err, DJ_EDEFINITION, "line %u: Duplicate attribute `%s` (it is already "
                                            "inherited through a foreign key)", l->lineno, a->name);
    dj__builder *b = &c->attrs;
    next_item(b);
    dj__sqlbuf_ident(b, a->name);
    dj__put_u8(b, ' ');
    dj__sqlbuf_text(b, a->sql_type);
    dj_attribute ha;
    memset(&ha, 0, sizeof ha);
    ha.in_key = l->in_key;
    ha.nullable = a->nullable;
    ha.default_kind = DJ_DEFAULT_NONE;
    if (a->nullable) {
        dj__sqlbuf_text(b, " DEFAULT NULL");
        ha.default_kind = DJ_DEFAULT_NULL;
    } else if (a->default_text) {
        const char *d = a->default_text;
        int quoted = d[0] == '"' || d[0] == '\'';
        int constant = is_constant_literal(d);
        dj__sqlbuf_text(b, " NOT NULL DEFAULT ");
        if (!quoted && !constant)
            dj__put_u8(b, '"');
        dj__sqlbuf_text(b, d);
        if (!quoted && !constant)
            dj__put_u8(b, '"');
        ha.default_kind = constant ? DJ_DEFAULT_EXPRESSION : DJ_DEFAULT_LITERAL;
        size_t n = strlen(d);
        ha.default_value = quoted && n >= 2 ? dj__heading_strndup(h, d + 1, n - 2)
                                            : dj__heading_strndup(h, d, n);
        if (!ha.default_value)
            return oom(err);
    } else {
        dj__sqlbuf_text(b, " NOT NULL");
    }
    int special = a->type_class == DJ__TYPE_SPECIAL;
    if (special || a->comment[0])
        put_comment(b, special ? a->type : NULL, a->comment);
    ha.name = dj__heading_strndup(h, a->name, strlen(a->name));
    ha.sql_type = server_type(h, a->sql_type);
    ha.comment = dj__heading_strndup(h, a->comment, strlen(a->comment));
    if (!ha.name || !ha.sql_type || !ha.comment)
        return oom(err);
    ha.type = special ? server_type(h, a->type) : ha.sql_type;
    ha.autoincrement = contains_word_ci(a->type, "auto_increment");
    if (!ha.type)
        return oom(err);
    return dj__heading_add_attribute(h, &ha, err);
}

/* ---- foreign keys ---- */

/* The name the child gives a parent attribute (renamed by .proj). */
static const char *child_name(const dj__definition *def, const dj__def_foreign_key *fk,
                              const char *parent_attr)
{
    for (size_t i = 0; i < fk->rename_count; i++) {
        const char *const *pair = &def->pieces[fk->first_rename + 2 * i];
        if (strcmp(pair[1], parent_attr) == 0)
            return pair[0];
    }
    return parent_attr;
}

/* An inherited attribute: `name` type NOT NULL COMMENT "<:type:>comment". */
static int inherit(compiler *c, const dj_attribute *pa, const char *name, const dj__def_line *l,
                   dj_error *err)
{
    int nullable = l->u.fk.nullable;
    dj__builder *b = &c->attrs;
    next_item(b);
    dj__sqlbuf_ident(b, name);
    dj__put_u8(b, ' ');
    dj__sqlbuf_text(b, pa->sql_type);
    if (!nullable)
        dj__sqlbuf_text(b, " NOT NULL");
    put_comment(b, strcmp(pa->type, pa->sql_type) != 0 ? pa->type : NULL, pa->comment);
    dj_attribute ha = *pa;
    ha.name = dj__heading_strndup(c->h, name, strlen(name));
    if (!ha.name)
        return oom(err);
    ha.in_key = l->in_key;
    ha.nullable = nullable;
    ha.default_kind = nullable ? DJ_DEFAULT_NULL : DJ_DEFAULT_NONE;
    ha.default_value = NULL;
    ha.autoincrement = 0;
    return dj__heading_add_attribute(c->h, &ha, err);
}

static int compile_foreign_key(compiler *c, const dj__def_line *l, dj__parent_fn resolve,
                               void *ud, dj_error *err)
{
    const dj__def_foreign_key *fk = &l->u.fk;
    const dj_heading *parent = NULL;
    int rc = resolve(ud, fk->ref, l->lineno, &parent, err);
    if (rc)
        return rc;
    size_t n = dj_heading_primary_key_count(parent);
    if (n == 0 || n > 64)
        return dj__err(err, DJ_EDEFINITION, "line %u: the primary key of %s cannot be referenced",
                       l->lineno, fk->ref);
    for (size_t i = 0; i < fk->rename_count; i++) {
        const char *old = c->def->pieces[fk->first_rename + 2 * i + 1];
        const dj_attribute *pa = dj_heading_find(parent, old);
        if (!pa || !pa->in_key)
            return dj__err(err, DJ_EDEFINITION, "line %u: `%s` is not a primary key attribute "
                                                "of %s", l->lineno, old, fk->ref);
    }
    const char *names[64], *pnames[64];
    size_t k = 0;
    for (size_t i = 0; i < parent->count; i++) {
        const dj_attribute *pa = &parent->attrs[i];
        if (!pa->in_key)
            continue;
        names[k] = child_name(c->def, fk, pa->name);
        pnames[k] = pa->name;
        if (!dj_heading_find(c->h, names[k]) && (rc = inherit(c, pa, names[k], l, err)) != 0)
            return rc;
        k++;
    }
    dj__builder *b = &c->fks;
    next_item(b);
    dj__sqlbuf_text(b, "FOREIGN KEY (");
    dj__sqlbuf_ident_list(b, names, (unsigned)k);
    dj__sqlbuf_text(b, ") REFERENCES ");
    dj__sqlbuf_ident(b, parent->schema_name);
    dj__put_u8(b, '.');
    dj__sqlbuf_ident(b, parent->table_name);
    dj__sqlbuf_text(b, " (");
    dj__sqlbuf_ident_list(b, pnames, (unsigned)k);
    dj__sqlbuf_text(b, ") ON UPDATE CASCADE ON DELETE RESTRICT");
    if (fk->unique) {
        next_item(&c->indexes);
        dj__sqlbuf_text(&c->indexes, "UNIQUE INDEX (");
        dj__sqlbuf_ident_list(&c->indexes, names, (unsigned)k);
        dj__put_u8(&c->indexes, ')');
        if ((rc = dj__heading_add_index(c->h, 1, names, k, err)) != 0)
            return rc;
    }
    return dj__heading_add_foreign_key(c->h, parent->schema_name, parent->table_name, names,
                                       pnames, k, err);
}

/* ---- indexes ---- */

static int compile_index(compiler *c, const dj__def_line *l, dj_error *err)
{
    const dj__def_index *ix = &l->u.index;
    const char *const *attrs = &c->def->pieces[ix->first_attr];
    for (size_t i = 0; i < ix->attr_count; i++)
        if (!dj_heading_find(c->h, attrs[i]))
            return dj__err(err, DJ_EDEFINITION, "line %u: index attribute `%s` is not declared "
                                                "above the index", l->lineno, attrs[i]);
    dj__builder *b = &c->indexes;
    next_item(b);
    dj__sqlbuf_text(b, ix->unique ? "unique index (" : "index (");
    dj__sqlbuf_ident_list(b, attrs, (unsigned)ix->attr_count);
    dj__put_u8(b, ')');
    return dj__heading_add_index(c->h, ix->unique, attrs, ix->attr_count, err);
}

/* ---- the statement ---- */

static int assemble(compiler *c, const char *schema, const char *table, char **sql,
                    dj_error *err)
{
    dj__builder out;
    dj__builder_init(&out, c->alloc);
    dj__sqlbuf_text(&out, "CREATE TABLE IF NOT EXISTS ");
    dj__sqlbuf_ident(&out, schema);
    dj__put_u8(&out, '.');
    dj__sqlbuf_ident(&out, table);
    dj__sqlbuf_text(&out, " (\n");
    dj__put_bytes(&out, c->attrs.data, c->attrs.len);
    dj__sqlbuf_text(&out, ",\nPRIMARY KEY (");
    int first = 1;
    for (size_t i = 0; i < c->h->count; i++) {
        if (!c->h->attrs[i].in_key)
            continue;
        if (!first)
            dj__put_u8(&out, ',');
        first = 0;
        dj__sqlbuf_ident(&out, c->h->attrs[i].name);
    }
    dj__put_u8(&out, ')');
    if (c->fks.len) {
        dj__sqlbuf_text(&out, ",\n");
        dj__put_bytes(&out, c->fks.data, c->fks.len);
    }
    if (c->indexes.len) {
        dj__sqlbuf_text(&out, ",\n");
        dj__put_bytes(&out, c->indexes.data, c->indexes.len);
    }
    dj__sqlbuf_text(&out, "\n) ENGINE=InnoDB, COMMENT \"");
    put_comment_text(&out, c->def->comment);
    dj__put_u8(&out, '"');
    dj__put_u8(&out, 0);
    if (out.oom) {
        dj__builder_free(&out, 0);
        return oom(err);
    }
    *sql = (char *)out.data;
    return 0;
}

int dj__declare_compile(const dj__definition *def, const char *schema, const char *table,
                        dj__parent_fn resolve, void *ud, const dj_allocator *alloc, char **sql,
                        dj_heading **heading, dj_error *err)
{
    *sql = NULL;
    if (heading)
        *heading = NULL;
    if (strlen(table) > 64)
        return dj__err(err, DJ_ENAME, "Table name `%s` exceeds the max length of 64", table);
    compiler c = {.def = def, .alloc = alloc};
    c.h = dj__heading_new(alloc, schema, table);
    if (!c.h)
        return oom(err);
    c.h->comment = dj__heading_strndup(c.h, def->comment, strlen(def->comment));
    dj__builder_init(&c.attrs, alloc);
    dj__builder_init(&c.fks, alloc);
    dj__builder_init(&c.indexes, alloc);
    int rc = c.h->comment ? 0 : oom(err);
    for (size_t i = 0; rc == 0 && i < def->count; i++) {
        const dj__def_line *l = &def->lines[i];
        if (l->kind == DJ__LINE_ATTRIBUTE)
            rc = compile_attribute(&c, l, err);
        else if (l->kind == DJ__LINE_FOREIGN_KEY)
            rc = compile_foreign_key(&c, l, resolve, ud, err);
        else
            rc = compile_index(&c, l, err);
    }
    if (rc == 0 && (c.attrs.oom || c.fks.oom || c.indexes.oom))
        rc = oom(err);
    if (rc == 0 && dj_heading_primary_key_count(c.h) == 0)
        rc = dj__err(err, DJ_EDEFINITION, "Table must have a primary key");
    if (rc == 0)
        rc = assemble(&c, schema, table, sql, err);
    dj__builder_free(&c.attrs, 0);
    dj__builder_free(&c.fks, 0);
    dj__builder_free(&c.indexes, 0);
    if (rc == 0 && heading)
        *heading = c.h;
    else
        dj__heading_free(c.h);
    return rc;
}
