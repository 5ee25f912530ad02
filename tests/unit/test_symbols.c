/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_symbols.c - the library must be linkable anywhere: the shared library
 * exports only the public dj_ API, and every external symbol of the static
 * archive starts with dj_ or dj__, so a static link never collides with the
 * host program. Checked with nm, as a user's linker would see them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "datajoint.h"

#ifndef DJ_SHARED_LIB
#error "DJ_SHARED_LIB must name the built shared library"
#endif
#ifndef DJ_STATIC_LIB
#error "DJ_STATIC_LIB must name the built static archive"
#endif

/* Symbols the C library's start files put into every shared object it
 * links: musl's crti.o defines the _init and _fini entry points, global and
 * exported (glibc's hide them). They are the toolchain's, not ours, and the
 * loader calls them; any other name must carry the prefix. */
static const char *const libc_inserted[] = {"_init", "_fini"};

static int inserted_by_libc(const char *name)
{
    for (size_t i = 0; i < sizeof libc_inserted / sizeof libc_inserted[0]; i++)
        if (strcmp(name, libc_inserted[i]) == 0)
            return 1;
    return 0;
}

/* Runs nm and counts symbols; fails on any that lacks one of the prefixes
 * (in a shared library, libc_inserted are let through too). */
static size_t check_symbols(const char *cmd, const char *allowed1, const char *allowed2,
                            int shared)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run: %s", cmd);
    char line[512];
    size_t count = 0;
    while (fgets(line, sizeof line, p)) {
        char addr[64], type[8], name[400];
        if (sscanf(line, "%63s %7s %399s", addr, type, name) != 3)
            continue;
        if (shared && inserted_by_libc(name))
            continue;
        count++;
        /* AddressSanitizer adds an indicator named after each exported
         * variable (__odr_asan.<name>, sanitizer builds only): the name it
         * carries is what must have the prefix. */
        const char *own = strncmp(name, "__odr_asan.", 11) == 0 ? name + 11 : name;
        int ok = strncmp(own, allowed1, strlen(allowed1)) == 0 ||
                 (allowed2 && strncmp(own, allowed2, strlen(allowed2)) == 0);
        cr_expect(ok, "symbol %s (type %s) does not start with %s%s%s", name, type, allowed1,
                  allowed2 ? " or " : "", allowed2 ? allowed2 : "");
    }
    int rc = pclose(p);
    cr_assert_eq(rc, 0, "%s exited with %d (is binutils installed?)", cmd, rc);
    return count;
}

Test(symbols, shared_library_exports_only_the_public_api)
{
    size_t n = check_symbols("nm -D --defined-only " DJ_SHARED_LIB, "dj_", NULL, 1);
    cr_assert_gt(n, 50, "expected the public API in %s, found %zu symbols", DJ_SHARED_LIB, n);
}

Test(symbols, static_archive_defines_only_prefixed_external_symbols)
{
    size_t n = check_symbols("nm -g --defined-only " DJ_STATIC_LIB " | grep -v ':$'", "dj_", NULL, 0);
    cr_assert_gt(n, 100, "expected library symbols in %s, found %zu", DJ_STATIC_LIB, n);
}

Test(symbols, public_entry_points_are_present)
{
    /* Referencing them makes the link fail if one went missing from the build. */
    cr_assert_not_null((void *)dj_connect);
    cr_assert_not_null((void *)dj_schema_open);
    cr_assert_str_eq(dj_version(), DJ_VERSION_STRING);
}
