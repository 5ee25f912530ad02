/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scan_alloc.h - a test allocator that looks into every block before freeing
 * it and counts the blocks that still hold a given secret. With it, a test
 * proves that the library wiped every copy of a password it made on the heap.
 * Its realloc always moves, so every outgrown block passes through the scan.
 * Needs _GNU_SOURCE (memmem) defined before the first system header.
 */
#ifndef DJ_TEST_SCAN_ALLOC_H
#define DJ_TEST_SCAN_ALLOC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datajoint.h"

#define SCAN_ALLOC_HEADER 16

typedef struct scan_alloc {
    const char *secret;
    int blocks_with_secret;
    unsigned long frees;
    dj_allocator allocator;
} scan_alloc;

static void *scan_alloc_malloc(size_t n, void *ud)
{
    (void)ud;
    uint8_t *b = malloc(n + SCAN_ALLOC_HEADER);
    if (!b)
        return NULL;
    memcpy(b, &n, sizeof n);
    return b + SCAN_ALLOC_HEADER;
}

static void scan_alloc_free(void *p, void *ud)
{
    scan_alloc *a = ud;
    uint8_t *b = (uint8_t *)p - SCAN_ALLOC_HEADER;
    size_t n;
    memcpy(&n, b, sizeof n);
    if (memmem(p, n, a->secret, strlen(a->secret)))
        a->blocks_with_secret++;
    a->frees++;
    free(b);
}

static void *scan_alloc_realloc(void *p, size_t n, void *ud)
{
    void *q = scan_alloc_malloc(n, ud);
    if (!q || !p)
        return q;
    size_t old;
    memcpy(&old, (uint8_t *)p - SCAN_ALLOC_HEADER, sizeof old);
    memcpy(q, p, old < n ? old : n);
    scan_alloc_free(p, ud);
    return q;
}

/* Sets up a and returns the allocator to put into a dj_config. */
static inline const dj_allocator *scan_alloc_init(scan_alloc *a, const char *secret)
{
    memset(a, 0, sizeof *a);
    a->secret = secret;
    a->allocator.malloc_fn = scan_alloc_malloc;
    a->allocator.realloc_fn = scan_alloc_realloc;
    a->allocator.free_fn = scan_alloc_free;
    a->allocator.ud = a;
    return &a->allocator;
}

#endif
