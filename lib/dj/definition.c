/* SPDX-License-Identifier: Apache-2.0 */
/*
 * definition.c - the parser of DataJoint table definitions (datajoint-python
 * 0.14's declare.py grammar, with the DataJoint 2.x core types added).
 *
 * The text is copied once; lines are cut out of the copy in place (trimmed,
 * NUL-terminated), so every string of the result points into that copy.
 * Pure code: no I/O and no server, so it can be fuzzed directly.
 */
#include "dj/definition.h"

/* ASCII only, as DataJoint's regexes: the C library's versions follow the locale. */
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_alpha(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int ieq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && dj__ieq_n(s, word, n);
}

/* Trims [*s, *e) of spaces. */
static void trim(char **s, char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

/* NUL-terminates the trimmed slice [s, e) in place and returns its start. */
static char *cut(char *s, char *e)
{
    trim(&s, &e);
    *e = '\0';
    return s;
}

/* First c in [s, e) outside '...' and "..." quotes, or NULL. */
static char *find_unquoted(char *s, char *e, char c)
{
    char quote = 0;
    for (char *p = s; p < e; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == c) {
            return p;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Types (DataJoint's match_type)                                             */

/* DataJoint 2.x core types that 0.14 does not know, each followed by its
 * MySQL type; like uuid they are recorded as ":type:" at the start of the
 * comment. */
static const char special_types[] = "uuid\0binary(16)\0int8\0tinyint\0int16\0smallint\0"
                                    "int32\0int\0int64\0bigint\0float32\0float\0"
                                    "float64\0double\0bytes\0longblob\0";

/* The native type families: their base words (each family's list ended by
 * an empty word), then per family whether "(...)" may or must follow, and
 * which words may come after it, in order. */
static const char family_bases[] = "tinyint\0smallint\0mediumint\0bigint\0int\0integer\0\0"
                                   "decimal\0numeric\0\0"
                                   "double\0float\0real\0\0"
                                   "char\0varchar\0\0"
                                   "enum\0\0"
                                   "json\0bool\0boolean\0serial\0\0"
                                   "date\0datetime\0time\0timestamp\0year\0\0"
                                   "tinyblob\0blob\0mediumblob\0longblob\0";

enum { NO_ARGS, OPTIONAL_ARGS, REQUIRED_ARGS };
enum { NO_SUFFIXES, UNSIGNED_ONLY, INTEGER_SUFFIXES };
static const char *const suffix_lists[] = {"", "unsigned\0", "unsigned\0auto_increment\0"};

typedef struct type_family {
    uint8_t args;
    uint8_t suffixes;
} type_family;

static const type_family families[] = {
    {OPTIONAL_ARGS, INTEGER_SUFFIXES}, {OPTIONAL_ARGS, UNSIGNED_ONLY},
    {OPTIONAL_ARGS, UNSIGNED_ONLY},    {REQUIRED_ARGS, NO_SUFFIXES},
    {REQUIRED_ARGS, NO_SUFFIXES},      {NO_ARGS, NO_SUFFIXES},
    {OPTIONAL_ARGS, NO_SUFFIXES},      {NO_ARGS, NO_SUFFIXES},
};
/* The last family is the blobs. */
#define BLOB_FAMILY (DJ__ARRAY_LEN(families) - 1)

/* Whether the words of [s, e) are an in-order subset of the allowed suffixes. */
static int suffixes_ok(const char *s, const char *e, const char *allowed)
{
    while (s < e) {
        while (s < e && is_space(*s))
            s++;
        const char *w = s;
        while (s < e && !is_space(*s))
            s++;
        if (w == s)
            break;
        int i = dj__word_find(allowed, w, (size_t)(s - w));
        if (i < 0)
            return 0;
        allowed = dj__word_at(allowed, (size_t)i + 1);
    }
    return 1;
}

/* Matches type (trimmed, n bytes) against one family whose base words are
 * bases. */
static int family_matches(const type_family *f, const char *bases, const char *type, size_t n)
{
    size_t base_len = 0;
    while (base_len < n && (is_alpha(type[base_len]) || type[base_len] == '_'))
        base_len++;
    if (dj__word_find(bases, type, base_len) < 0)
        return 0;
    const char *p = type + base_len, *e = type + n;
    const char *q = p;
    while (q < e && is_space(*q))
        q++;
    if (q < e && *q == '(') {
        const char *close = NULL;
        for (const char *r = e; r > q; r--)
            if (r[-1] == ')') {
                close = r - 1;
                break;
            }
        if (f->args == NO_ARGS || !close || close == q + 1)
            return 0;
        p = close + 1;
    } else if (f->args == REQUIRED_ARGS) {
        return 0;
    }
    if (p < e && !is_space(*p))
        return 0;
    return suffixes_ok(p, e, suffix_lists[f->suffixes]);
}

/* Classifies a type; fills sql_type. 0, or DJ_EDEFINITION for unknown types. */
static int classify_type(dj__def_attribute *a)
{
    size_t n = strlen(a->type);
    /* No MySQL type in the list is also the name of a special type. */
    int special = dj__word_find(special_types, a->type, n);
    if (special >= 0 && special % 2 == 0) {
        a->type_class = DJ__TYPE_SPECIAL;
        a->sql_type = dj__word_at(special_types, (size_t)special + 1);
        return 0;
    }
    const char *bases = family_bases;
    for (size_t i = 0; i < DJ__ARRAY_LEN(families); i++) {
        if (family_matches(&families[i], bases, a->type, n)) {
            a->type_class = i == BLOB_FAMILY ? DJ__TYPE_BLOB : DJ__TYPE_NATIVE;
            a->sql_type = a->type;
            return 0;
        }
        while (*bases)
            bases += strlen(bases) + 1;
        bases++;
    }
    return DJ_EDEFINITION;
}

/* ------------------------------------------------------------------------- */
/* Growing the result                                                         */

static int grow(const dj_allocator *alloc, void **items, size_t *cap, size_t count, size_t size,
                dj_error *err)
{
    if (dj__grow(alloc, items, cap, count, size, 16))
        return dj__err(err, DJ_ENOMEM, "out of memory parsing a table definition");
    return 0;
}

static dj__def_line *new_line(dj__definition *d, dj__line_kind kind, unsigned lineno, int in_key,
                              const char *text, dj_error *err)
{
    void *items = d->lines;
    if (grow(d->alloc, &items, &d->cap, d->count, sizeof *d->lines, err))
        return NULL;
    d->lines = items;
    dj__def_line *l = &d->lines[d->count++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->lineno = lineno;
    l->in_key = in_key;
    l->text = text;
    return l;
}

static int add_piece(dj__definition *d, const char *s, dj_error *err)
{
    void *items = (void *)d->pieces;
    if (grow(d->alloc, &items, &d->piece_cap, d->piece_count, sizeof *d->pieces, err))
        return DJ_ENOMEM;
    d->pieces = items;
    d->pieces[d->piece_count++] = s;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Attribute lines: name [= default] : type [# comment]                       */

static int parse_attribute(dj__definition *d, char *s, char *e, unsigned lineno, int in_key,
                           dj_error *err)
{
    char *line = s;
    char *p = s;
    if (!is_lower(*p))
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: Declaration error: an attribute name must start with a lower "
                       "case letter (names match [a-z][a-z0-9_]*) in line \"%.*s\"",
                       lineno, (int)(e - s), s);
    while (p < e && (is_lower(*p) || is_digit(*p) || *p == '_'))
        p++;
    char *name_end = p;
    while (p < e && is_space(*p))
        p++;
    char *default_text = NULL, *default_end = NULL;
    if (p < e && *p == '=') {
        default_text = p + 1;
        default_end = find_unquoted(default_text, e, ':');
        if (!default_end)
            return dj__err(err, DJ_EDEFINITION,
                           "line %u: Declaration error: expected ':' and a type in line \"%.*s\"",
                           lineno, (int)(e - s), s);
        p = default_end;
    }
    if (p >= e || *p != ':')
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: Declaration error: expected '=' or ':' after the attribute "
                       "name in line \"%.*s\"",
                       lineno, (int)(e - s), s);
    char *type = p + 1;
    char *hash = find_unquoted(type, e, '#');
    char *type_end = hash ? hash : e;
    char *comment = hash ? hash + 1 : e;

    /* Everything is sliced before anything is cut, since cutting writes NULs. */
    dj__def_line *l = new_line(d, DJ__LINE_ATTRIBUTE, lineno, in_key, line, err);
    if (!l)
        return DJ_ENOMEM;
    dj__def_attribute *a = &l->u.attr;
    a->comment = cut(comment, e);
    a->type = cut(type, type_end);
    a->default_text = default_text ? cut(default_text, default_end) : NULL;
    *name_end = '\0';
    a->name = line;

    if (!a->type[0] || !is_alpha(a->type[0]))
        return dj__err(err, DJ_EDEFINITION, "line %u: Declaration error: attribute `%s` has no "
                                            "type", lineno, a->name);
    if (a->default_text && !a->default_text[0])
        return dj__err(err, DJ_EDEFINITION, "line %u: Declaration error: attribute `%s` has an "
                                            "empty default", lineno, a->name);
    a->nullable = a->default_text && ieq(a->default_text, strlen(a->default_text), "null");
    if (a->nullable && in_key)
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: Primary key attributes cannot be nullable in line \"%s = %s : %s\"",
                       lineno, a->name, a->default_text, a->type);
    if (a->comment[0] == ':')
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: An attribute comment must not start with a colon in comment "
                       "\"%s\"",
                       lineno, a->comment);
    if (classify_type(a))
        return dj__err(err, DJ_EDEFINITION, "line %u: Unsupported attribute type %s", lineno,
                       a->type);
    int blob = a->type_class == DJ__TYPE_BLOB || strcmp(a->sql_type, "longblob") == 0;
    if (blob && a->default_text && !a->nullable)
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: The default value for a blob or attachment attributes can only "
                       "be NULL in: %s",
                       lineno, a->name);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Foreign keys: -> [nullable, unique] Ref[.proj(new='old', ...)]             */

/* DataJoint's is_foreign_key: "->" with no quote or '#' before it. */
static char *arrow_of(char *s, char *e)
{
    for (char *p = s; p + 1 < e; p++) {
        if (*p == '"' || *p == '\'' || *p == '#')
            return NULL;
        if (p[0] == '-' && p[1] == '>')
            return p;
    }
    return NULL;
}

static int is_ref_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '.';
}

/* name = 'old' pairs of a .proj(...) argument list in [s, e). */
static int parse_renames(dj__definition *d, dj__def_foreign_key *fk, char *s, char *e,
                         unsigned lineno, dj_error *err)
{
    fk->first_rename = d->piece_count;
    while (s < e) {
        char *comma = find_unquoted(s, e, ',');
        char *item_end = comma ? comma : e;
        char *eq = find_unquoted(s, item_end, '=');
        char *name_end = eq ? eq : item_end;
        char *t = s, *te = name_end;
        trim(&t, &te);
        if (t == te && !comma && !eq)
            break; /* proj() */
        if (!eq)
            return dj__err(err, DJ_EDEFINITION,
                           "line %u: Dependency projections may only rename attributes "
                           "(new='old'); got \"%.*s\"",
                           lineno, (int)(te - t), t);
        char *v = eq + 1, *ve = item_end;
        trim(&v, &ve);
        if (ve - v < 2 || (v[0] != '\'' && v[0] != '"') || ve[-1] != v[0])
            return dj__err(err, DJ_EDEFINITION,
                           "line %u: a renamed attribute must be a quoted name in \"%.*s\"",
                           lineno, (int)(item_end - s), s);
        for (char *c = t; c < te; c++)
            if (!is_lower(*c) && !is_digit(*c) && *c != '_')
                return dj__err(err, DJ_EDEFINITION, "line %u: invalid attribute name \"%.*s\" "
                                                    "in a projection", lineno, (int)(te - t), t);
        char *old = v + 1;
        ve[-1] = '\0';
        *te = '\0';
        if (add_piece(d, t, err) || add_piece(d, old, err))
            return DJ_ENOMEM;
        fk->rename_count++;
        s = comma ? comma + 1 : e;
    }
    return 0;
}

static int parse_options(dj__def_foreign_key *fk, char **pp, char *e, unsigned lineno,
                         dj_error *err)
{
    char *p = *pp;
    char *close = find_unquoted(p, e, ']');
    if (!close)
        return dj__err(err, DJ_EDEFINITION, "line %u: Parsing error: missing ']' after the "
                                            "foreign key options", lineno);
    for (char *s = p + 1; s < close;) {
        char *comma = find_unquoted(s, close, ',');
        char *oe = comma ? comma : close;
        char *o = s;
        trim(&o, &oe);
        if (ieq(o, (size_t)(oe - o), "nullable"))
            fk->nullable = 1;
        else if (ieq(o, (size_t)(oe - o), "unique"))
            fk->unique = 1;
        else
            return dj__err(err, DJ_EDEFINITION, "line %u: Invalid foreign key option \"%.*s\"",
                           lineno, (int)(oe - o), o);
        s = comma ? comma + 1 : close;
    }
    *pp = close + 1;
    return 0;
}

static int parse_foreign_key(dj__definition *d, char *s, char *e, char *arrow, unsigned lineno,
                             int in_key, dj_error *err)
{
    char *p = arrow + 2;
    /* Python evaluates the rest of the line: a '#' starts a comment there too. */
    char *hash = find_unquoted(p, e, '#');
    if (hash)
        e = hash;
    while (p < e && is_space(*p))
        p++;
    dj__def_line *l = new_line(d, DJ__LINE_FOREIGN_KEY, lineno, in_key, s, err);
    if (!l)
        return DJ_ENOMEM;
    dj__def_foreign_key *fk = &l->u.fk;
    if (p < e && *p == '[') {
        int rc = parse_options(fk, &p, e, lineno, err);
        if (rc)
            return rc;
    }
    if (fk->nullable && in_key)
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: Primary dependencies cannot be nullable in line \"%.*s\"", lineno,
                       (int)(e - s), s);
    char *ref = p, *ref_end = e;
    trim(&ref, &ref_end);
    char *q = ref;
    while (q < ref_end && is_ref_char(*q))
        q++;
    char *name_end = q;
    if (q < ref_end) {
        /* Only a projection may follow the name: Ref.proj(new='old', ...). */
        static const char proj[] = ".proj";
        size_t plen = sizeof proj - 1;
        if (*q != '(' || (size_t)(q - ref) <= plen || memcmp(q - plen, proj, plen) != 0 ||
            ref_end[-1] != ')')
            return dj__err(err, DJ_EDEFINITION,
                           "line %u: Dependency \"%.*s\" is not supported (yet). Use a base table "
                           "or its projection.",
                           lineno, (int)(ref_end - ref), ref);
        name_end = q - plen;
        int rc = parse_renames(d, fk, q + 1, ref_end - 1, lineno, err);
        if (rc)
            return rc;
    }
    if (ref == name_end || name_end[-1] == '.' || ref[0] == '.' || is_digit(ref[0]))
        return dj__err(err, DJ_EDEFINITION,
                       "line %u: Foreign key reference %.*s could not be resolved", lineno,
                       (int)(ref_end - ref), ref);
    *name_end = '\0';
    fk->ref = ref;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Indexes: [unique] index(a, b)                                              */

/* Length of "index" or "unique index" followed by '(' at s, or 0. *unique is set. */
static size_t index_prefix(const char *s, const char *e, int *unique)
{
    const char *p = s;
    *unique = 0;
    if (e - p > 6 && dj__ieq_n(p, "unique", 6) && is_space(p[6])) {
        p += 6;
        while (p < e && is_space(*p))
            p++;
        *unique = 1;
    }
    if (e - p < 5 || !dj__ieq_n(p, "index", 5))
        return 0;
    p += 5;
    while (p < e && is_space(*p))
        p++;
    return p < e && *p == '(' ? (size_t)(p - s) : 0;
}

static int parse_index(dj__definition *d, char *s, char *e, size_t prefix, int unique,
                       unsigned lineno, int in_key, dj_error *err)
{
    char *open = s + prefix;
    if (e[-1] != ')')
        return dj__err(err, DJ_EDEFINITION, "line %u: Table definition syntax error in line \"%.*s\"",
                       lineno, (int)(e - s), s);
    dj__def_line *l = new_line(d, DJ__LINE_INDEX, lineno, in_key, s, err);
    if (!l)
        return DJ_ENOMEM;
    l->u.index.unique = unique;
    l->u.index.first_attr = d->piece_count;
    char *p = open + 1, *end = e - 1;
    while (p <= end) {
        char *comma = find_unquoted(p, end, ',');
        char *ae = comma ? comma : end;
        char *a = p;
        trim(&a, &ae);
        if (a == ae)
            return dj__err(err, DJ_EDEFINITION, "line %u: an index needs attribute names "
                                                "separated by commas", lineno);
        for (char *c = a; c < ae; c++)
            if (!is_lower(*c) && !is_digit(*c) && *c != '_')
                return dj__err(err, DJ_EDEFINITION,
                               "line %u: index attribute \"%.*s\" is not an attribute name",
                               lineno, (int)(ae - a), a);
        *ae = '\0';
        if (add_piece(d, a, err))
            return DJ_ENOMEM;
        l->u.index.attr_count++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Lines                                                                      */

/* The name at the start of an attribute line, for the duplicate check. */
static int duplicate_name(const dj__definition *d, const char *s, const char *e)
{
    const char *p = s;
    while (p < e && (is_lower(*p) || is_digit(*p) || *p == '_'))
        p++;
    for (size_t i = 0; i < d->count; i++)
        if (d->lines[i].kind == DJ__LINE_ATTRIBUTE &&
            strlen(d->lines[i].u.attr.name) == (size_t)(p - s) &&
            memcmp(d->lines[i].u.attr.name, s, (size_t)(p - s)) == 0)
            return 1;
    return 0;
}

static int parse_line(dj__definition *d, char *s, char *e, unsigned lineno, int *in_key,
                      dj_error *err)
{
    if (s == e || *s == '#')
        return 0;
    if ((e - s >= 3 && memcmp(s, "---", 3) == 0) || (e - s >= 3 && memcmp(s, "___", 3) == 0)) {
        *in_key = 0;
        return 0;
    }
    char *arrow = arrow_of(s, e);
    if (arrow)
        return parse_foreign_key(d, s, e, arrow, lineno, *in_key, err);
    int unique;
    size_t prefix = index_prefix(s, e, &unique);
    if (prefix)
        return parse_index(d, s, e, prefix, unique, lineno, *in_key, err);
    if (duplicate_name(d, s, e))
        return dj__err(err, DJ_EDEFINITION, "line %u: Duplicate attribute in line \"%.*s\"",
                       lineno, (int)(e - s), s);
    return parse_attribute(d, s, e, lineno, *in_key, err);
}

void dj__definition_free(dj__definition *d)
{
    if (!d)
        return;
    dj__free(d->alloc, d->text);
    dj__free(d->alloc, d->lines);
    dj__free(d->alloc, (void *)d->pieces);
    memset(d, 0, sizeof *d);
}

int dj__definition_parse(const char *text, const dj_allocator *alloc, dj__definition *d,
                         dj_error *err)
{
    memset(d, 0, sizeof *d);
    d->alloc = alloc;
    d->comment = "";
    if (!text)
        return dj__err(err, DJ_EINVAL, "a table definition is required");
    d->text = dj__strndup(alloc, text, strlen(text));
    if (!d->text)
        return dj__err(err, DJ_ENOMEM, "out of memory copying a table definition");
    char *p = d->text;
    unsigned lineno = 0;
    int in_key = 1, first = 1;
    int rc = 0;
    while (*p && rc == 0) {
        char *nl = strchr(p, '\n');
        char *e = nl ? nl : p + strlen(p);
        char *s = p;
        lineno++;
        p = nl ? nl + 1 : e;
        trim(&s, &e);
        if (s == e)
            continue;
        if (first && *s == '#') {
            first = 0;
            d->comment = cut(s + 1, e);
            if (d->comment[0] == ':')
                rc = dj__err(err, DJ_EDEFINITION,
                             "line %u: Table comment must not start with a colon \":\"", lineno);
            continue;
        }
        first = 0;
        rc = parse_line(d, s, e, lineno, &in_key, err);
        if (rc == 0 && nl && e < nl)
            *e = '\0';
        else if (rc == 0 && !nl)
            *e = '\0';
    }
    if (rc)
        dj__definition_free(d);
    return rc;
}
