/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c - every allocation goes through the configured allocator. */
#include "core/internal.h"

#include <stdlib.h>

void *dj__malloc(const dj_allocator *a, size_t n)
{
    if (n == 0)
        n = 1;
    return a ? a->malloc_fn(n, a->ud) : malloc(n);
}

void *dj__realloc(const dj_allocator *a, void *p, size_t n)
{
    if (n == 0)
        n = 1;
    return a ? a->realloc_fn(p, n, a->ud) : realloc(p, n);
}

void dj__free(const dj_allocator *a, void *p)
{
    if (!p)
        return;
    if (a)
        a->free_fn(p, a->ud);
    else
        free(p);
}

char *dj__strndup(const dj_allocator *a, const char *s, size_t n)
{
    char *d = dj__malloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int dj__grow(const dj_allocator *a, void **items, size_t *cap, size_t count, size_t size,
             size_t first)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : first;
    void *p = dj__realloc(a, *items, ncap * size);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

void dj__wipe(void *p, size_t n)
{
    if (!p || n == 0)
        return;
#if defined(HAVE_EXPLICIT_BZERO)
    explicit_bzero(p, n);
#else
    /* A volatile function pointer keeps the compiler from proving the store dead. */
    static void *(*const volatile set)(void *, int, size_t) = memset;
    set(p, 0, n);
#endif
}
