/* SPDX-License-Identifier: Apache-2.0 */
/*
 * naming.c - DataJoint's naming rules (datajoint-python 0.14): CamelCase
 * class names <-> snake_case table names with tier prefixes, recognising a
 * table's tier from its name, and the checks a schema name gets before it is
 * sent to the server.
 */
#include "core/internal.h"
#include "dj/naming.h"

/* Character classes in ASCII only: the C library's versions follow the
 * locale, and DataJoint's regexes are plain [A-Z], [a-z], [0-9]. */
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* ------------------------------------------------------------------------- */
/* Tiers                                                                      */

const char *dj_tier_name(dj_tier tier)
{
    /* in the order of dj_tier */
    static const char names[] = "manual\0lookup\0imported\0computed\0part\0hidden\0unknown";
    return dj__word_at(names, (unsigned)tier < DJ_TIER_UNKNOWN ? (size_t)tier : DJ_TIER_UNKNOWN);
}

/* The prefixes of the tiers a class can be declared in on its own (the
 * first four of dj_tier); NULL for the others (part, hidden). */
static const char *tier_prefix(dj_tier tier)
{
    static const char prefixes[] = "\0#\0_\0__";
    return (unsigned)tier <= DJ_TIER_COMPUTED ? dj__word_at(prefixes, tier) : NULL;
}

/* DataJoint's base regex [a-z][a-z0-9]*(_[a-z][a-z0-9]*)*: words of lower
 * case letters and digits, each starting with a letter, joined by single
 * underscores. So no "__", no trailing '_' and no word like "_2". */
static int matches_base(const char *s, size_t n)
{
    if (n == 0 || !is_lower(s[0]))
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '_') {
            if (i + 1 >= n || !is_lower(s[i + 1]))
                return 0;
        } else if (!is_lower(s[i]) && !is_digit(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Which master tier's regex s[0..n) fully matches; *prefix_len is that
 * tier's prefix length. DJ_TIER_UNKNOWN when none does. */
static dj_tier master_tier(const char *s, size_t n, size_t *prefix_len)
{
    /* A base starts with a letter, so the characters before it decide which
     * of DataJoint's regexes (manual, lookup, computed, imported) can match. */
    dj_tier tier = DJ_TIER_MANUAL;
    if (n > 0 && s[0] == '#')
        tier = DJ_TIER_LOOKUP;
    else if (n > 1 && s[0] == '_' && s[1] == '_')
        tier = DJ_TIER_COMPUTED;
    else if (n > 0 && s[0] == '_')
        tier = DJ_TIER_IMPORTED;
    size_t plen = strlen(tier_prefix(tier));
    if (!matches_base(s + plen, n - plen))
        return DJ_TIER_UNKNOWN;
    *prefix_len = plen;
    return tier;
}

/* Where the pieces of a recognised table name are. */
typedef struct table_parts {
    size_t master_len;  /* the whole name unless it is a part */
    size_t prefix_len;  /* tier prefix of the master */
} table_parts;

/*
 * DataJoint's Part regex is (master tier regex)__(base). The part may not
 * contain "__" nor start with '_', so the only possible split is at the last
 * "__" of the name; checking that one alone keeps this linear.
 */
static dj_tier classify(const char *s, size_t n, table_parts *p)
{
    p->master_len = n;
    p->prefix_len = 0;
    if (n > 1 && s[0] == '~')
        return DJ_TIER_HIDDEN;
    dj_tier tier = master_tier(s, n, &p->prefix_len);
    if (tier != DJ_TIER_UNKNOWN)
        return tier;
    for (size_t i = n; i >= 2; i--) {
        if (s[i - 1] == '_' && s[i - 2] == '_') {
            size_t master_len = i - 2;
            if (matches_base(s + i, n - i) &&
                master_tier(s, master_len, &p->prefix_len) != DJ_TIER_UNKNOWN) {
                p->master_len = master_len;
                return DJ_TIER_PART;
            }
            break;
        }
    }
    return DJ_TIER_UNKNOWN;
}

dj_tier dj_table_tier(const char *table_name)
{
    if (!table_name)
        return DJ_TIER_UNKNOWN;
    table_parts p;
    return classify(table_name, strlen(table_name), &p);
}

/* ------------------------------------------------------------------------- */
/* Writing names into a fixed buffer                                          */

/* len keeps counting past the end of buf, so a too small buffer is noticed
 * once, at the end, with the size that would have been needed. */
typedef struct name_writer {
    char *buf;
    size_t cap;
    size_t len;
} name_writer;

static void put_char(name_writer *w, char c)
{
    if (w->len + 1 < w->cap)
        w->buf[w->len] = c;
    w->len++;
}

static void put_bytes(name_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_char(w, s[i]);
}

/* NUL-terminates what fitted; returns non-zero when something did not fit. */
static int finish(name_writer *w)
{
    if (w->cap == 0)
        return 1;
    w->buf[DJ__MIN(w->len, w->cap - 1)] = '\0';
    return w->len >= w->cap;
}

/* DataJoint's from_camel_case: every capital is lower-cased and, except the
 * first character, gets a '_' before it. Digits do not start a word, so
 * "Scan3D" is "scan3_d" and "RGBImage" is "r_g_b_image". */
static void put_snake(name_writer *w, const char *class_name)
{
    for (size_t i = 0; class_name[i]; i++) {
        char c = class_name[i];
        if (is_upper(c)) {
            if (i > 0)
                put_char(w, '_');
            put_char(w, (char)(c - 'A' + 'a'));
        } else {
            put_char(w, c);
        }
    }
}

/* DataJoint's to_camel_case on a name matching the base regex: each word's
 * first letter is upper-cased and the underscores dropped. */
static void put_camel(name_writer *w, const char *s, size_t n)
{
    int word_start = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            word_start = 1;
            continue;
        }
        put_char(w, word_start && is_lower(s[i]) ? (char)(s[i] - 'a' + 'A') : s[i]);
        word_start = 0;
    }
}

/* ------------------------------------------------------------------------- */
/* Class name -> table name                                                   */

/* DataJoint's is_camel_case: ^[A-Z][A-Za-z0-9]*$. */
static int is_camel_case(const char *s)
{
    if (!is_upper(s[0]))
        return 0;
    for (size_t i = 1; s[i]; i++)
        if (!is_upper(s[i]) && !is_lower(s[i]) && !is_digit(s[i]))
            return 0;
    return 1;
}

static int check_class_name(const char *class_name, dj_error *err)
{
    if (is_camel_case(class_name))
        return 0;
    return dj__err(err, DJ_ENAME,
                   "Table class name `%s` is invalid. Please use CamelCase. "
                   "Classes defining tables should be formatted in strict CamelCase.",
                   class_name);
}

/*
 * Writes the master's table name for a part. A class name alone does not
 * say which tier the master is in, so the caller may pass either the
 * master's class name, taken as a manual table ("Session" -> "session"), or
 * the master's table name with its prefix ("#subject_type", "__spikes",
 * "session"). Upper case first means a class name: table names never start
 * with a capital.
 */
static int put_master_table(name_writer *w, const char *master, dj_error *err)
{
    if (!master || !master[0])
        return dj__err(err, DJ_EINVAL, "a part table needs the class or table name of its master");
    if (is_upper(master[0])) {
        int rc = check_class_name(master, err);
        if (rc != 0)
            return rc;
        put_snake(w, master);
        return 0;
    }
    size_t n = strlen(master);
    size_t prefix_len;
    if (master_tier(master, n, &prefix_len) == DJ_TIER_UNKNOWN)
        return dj__err(err, DJ_ENAME,
                       "master `%s` of a part table is neither a CamelCase class name nor the "
                       "name of a manual, lookup, imported or computed table",
                       master);
    put_bytes(w, master, n);
    return 0;
}

int dj_class_to_table(const char *class_name, dj_tier tier, const char *master_class,
                      char *out, size_t outsize, dj_error *err)
{
    if (!class_name || !out)
        return dj__err(err, DJ_EINVAL, "dj_class_to_table: class_name and out must not be NULL");
    if (outsize > 0)
        out[0] = '\0';
    const char *prefix = tier_prefix(tier);
    if (!prefix && tier != DJ_TIER_PART)
        return dj__err(err, DJ_EINVAL, "tables cannot be declared in the %s tier (%d)",
                       dj_tier_name(tier), (int)tier);
    int rc = check_class_name(class_name, err);
    if (rc != 0)
        return rc;

    /* Table names are ASCII here, so the 64-character limit is 64 bytes. */
    char name[DJ__NAME_MAX_CHARS + 1];
    name_writer w = {name, sizeof name, 0};
    if (tier == DJ_TIER_PART) {
        rc = put_master_table(&w, master_class, err);
        if (rc != 0)
            return rc;
        put_bytes(&w, "__", 2);
    } else {
        put_bytes(&w, prefix, strlen(prefix));
    }
    put_snake(&w, class_name);
    if (finish(&w))
        return dj__err(err, DJ_ENAME,
                       "Table name `%s...` exceeds the max length of %d (it would be %zu characters)",
                       name, DJ__NAME_MAX_CHARS, w.len);
    if (w.len >= outsize)
        return dj__err(err, DJ_ETOOBIG, "table name `%s` needs %zu bytes, the buffer has %zu",
                       name, w.len + 1, outsize);
    memcpy(out, name, w.len + 1);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Table name -> class name                                                   */

int dj_table_to_class(const char *table_name, char *out, size_t outsize, dj_error *err)
{
    if (!table_name || !out)
        return dj__err(err, DJ_EINVAL, "dj_table_to_class: table_name and out must not be NULL");
    if (outsize > 0)
        out[0] = '\0';
    size_t n = strlen(table_name);
    table_parts p;
    dj_tier tier = classify(table_name, n, &p);
    if (tier == DJ_TIER_HIDDEN)
        return dj__err(err, DJ_ENAME, "table `%s` is one of DataJoint's hidden tables and has no class",
                       table_name);
    if (tier == DJ_TIER_UNKNOWN)
        return dj__err(err, DJ_ENAME, "The table `%s` does not follow DataJoint naming conventions",
                       table_name);

    name_writer w = {out, outsize, 0};
    put_camel(&w, table_name + p.prefix_len, p.master_len - p.prefix_len);
    if (tier == DJ_TIER_PART) {
        size_t part_start = p.master_len + 2;
        put_char(&w, '.');
        put_camel(&w, table_name + part_start, n - part_start);
    }
    if (finish(&w)) {
        if (outsize > 0)
            out[0] = '\0';
        return dj__err(err, DJ_ETOOBIG, "class name of table `%s` needs %zu bytes, the buffer has %zu",
                       table_name, w.len + 1, outsize);
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Schema names                                                               */

/* DataJoint MATLAB's createSchema rule ^[a-z][a-z0-9_-]*$. */
static int check_strict(const char *name, size_t len, const char *what, dj_error *err)
{
    if (!is_lower(name[0]))
        return dj__err(err, DJ_ENAME,
                       "%s name `%.*s` must begin with a lowercase letter "
                       "(strict names match ^[a-z][a-z0-9_-]*$)",
                       what, (int)len, name);
    for (size_t i = 1; i < len; i++) {
        char c = name[i];
        if (!is_lower(c) && !is_digit(c) && c != '_' && c != '-')
            return dj__err(err, DJ_ENAME,
                           "%s name `%.*s` has a character other than a lowercase letter, digit, "
                           "'_' or '-' at byte %zu (strict names match ^[a-z][a-z0-9_-]*$)",
                           what, (int)len, name, i);
    }
    return 0;
}

int dj__name_check_len(const char *name, size_t len, const char *what, int strict,
                       dj_error *err)
{
    if (!what)
        what = "object";
    if (!name || len == 0)
        return dj__err(err, DJ_ENAME, "%s name is empty", what);
    const unsigned char *bytes = (const unsigned char *)name;
    size_t chars = 0;
    for (size_t i = 0; i < len; chars++) {
        if (bytes[i] == 0)
            return dj__err(err, DJ_ENAME, "%s name contains a NUL byte at byte %zu", what, i);
        size_t step = dj__utf8_len(bytes + i, len - i);
        if (step == 0)
            return dj__err(err, DJ_ENAME, "%s name is not valid UTF-8 (at byte %zu)", what, i);
        i += step;
    }
    if (chars > DJ__NAME_MAX_CHARS)
        return dj__err(err, DJ_ENAME,
                       "%s name is %zu characters long; MySQL allows at most %d", what, chars,
                       DJ__NAME_MAX_CHARS);
    return strict ? check_strict(name, len, what, err) : 0;
}

/*
 * datajoint-python checks nothing here and leaves the rest to the server;
 * every name it accepts (upper case, digits first, quotes, backticks, '%',
 * spaces, non-ASCII letters) is accepted in the default mode, because the
 * callers quote names with dj_quote_identifier and escape literals.
 */
int dj_schema_name_check(const char *name, int strict, dj_error *err)
{
    return dj__name_check_len(name, name ? strlen(name) : 0, "schema", strict, err);
}
