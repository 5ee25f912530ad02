/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ddl_fixture.h - the datajoint-python 0.14 fixtures of
 * tests/data/datajoint-ddl (DJ_DDL_DIR): definition files and the CREATE
 * TABLE statements it sent for them, shared by the unit and integration
 * tests. Failures fail the calling test.
 */
#ifndef DJ_DDL_FIXTURE_H
#define DJ_DDL_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file DJ_DDL_DIR/name, NUL-terminated; the caller frees. */
static inline char *ddl_read(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DJ_DDL_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open fixture %s", path);
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/*
 * The CREATE TABLE statements of declared.sql after its "## " heading, in
 * order, without the ~log table, with <schema> replaced by `schema`. Fills
 * out (each freed by the caller) and returns how many there are.
 */
static inline size_t ddl_expected_statements(const char *schema, char **out, size_t max)
{
    char *text = ddl_read("declared.sql");
    char *p = strstr(text, "\n## ");
    cr_assert_not_null(p, "declared.sql has no \"## \" heading");
    p = strchr(p + 1, '\n');
    size_t count = 0;
    while (p && *p && count < max) {
        while (*p == '\n')
            p++;
        char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == '\n')
            len--;
        char *stmt = calloc(1, len + 8 * strlen(schema) + 1024);
        cr_assert_not_null(stmt);
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (strncmp(p + i, "<schema>", 8) == 0) {
                o += (size_t)sprintf(stmt + o, "`%s`", schema);
                i += 7;
            } else {
                stmt[o++] = p[i];
            }
        }
        if (strncmp(stmt, "CREATE TABLE", 12) == 0 && !strstr(stmt, "`~log`"))
            out[count++] = stmt;
        else
            free(stmt);
        p = end;
    }
    free(text);
    return count;
}

#endif
