/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blob.h - the DataJoint blob codec's value tree (see datajoint.h, "DataJoint
 * blobs", and ../docs/datajoint.md). Pure: bytes in, a tree out, and back.
 *
 * Every value is its own allocation. Array elements live either in the
 * value's own block (`own`), in a block the root keeps (the inflated blob,
 * elements aligned there are not copied again), in the caller's blob
 * (DJ_BLOB_BORROW) or in the caller's buffer (dj_val_array_wrap); `data`
 * points at them in every case.
 */
#ifndef DJ_DJ_BLOB_H
#define DJ_DJ_BLOB_H

#include "core/internal.h"

struct dj_val {
    dj_val_kind kind;
    const dj_allocator *alloc;
    /* BOOL: b; FLOAT: f[0]; COMPLEX: f[0], f[1]; DATE/TIME/DATETIME: t;
     * UUID: uuid. */
    int b;
    double f[2];
    dj_blob_time t;
    uint8_t uuid[16];
    /* INT: little-endian two's complement, shortest form (at least 1 byte);
     * STR, DECIMAL: text + NUL; BYTES. */
    uint8_t *bytes;
    size_t nbytes;
    /* ARRAY, STRUCT, CELL; RECARRAY copies its first field's shape. */
    dj_blob_class cls;
    int is_complex;
    size_t ndims;
    uint64_t *shape;
    size_t count;        /* product of the shape */
    const void *data;    /* numeric elements, host order */
    void *own;           /* data's block when the value owns it */
    void *keep;          /* a root's inflated or copied blob that arrays point into */
    /* Children (see dj_val_item) and STRUCT/RECARRAY field names. */
    dj_val **items;
    size_t nitems, cap;
    char **names;
    size_t nfields;
};

/* Bytes per element of a numeric class (LOGICAL 1, CHAR 2, DOUBLE 8 ...,
 * datetime64 8); 0 for OBJECT and unknown classes. */
size_t dj__blob_class_size(uint32_t cls);
/* 1 for the numeric classes DOUBLE .. UINT64 (those that may be complex). */
int dj__blob_class_numeric(uint32_t cls);
/* A fresh value of a kind, everything else zero; NULL when out of memory. */
dj_val *dj__val_new(const dj_allocator *alloc, dj_val_kind kind);
/* Sets the shape (copied) and count; DJ_EINVAL for too many dimensions,
 * DJ_ETOOBIG when the element count overflows. */
int dj__val_set_shape(dj_val *v, size_t ndims, const uint64_t *shape, dj_error *err);
/* Room for n items, all None-free NULL until set; 0 or DJ_ENOMEM. */
int dj__val_items(dj_val *v, size_t n, dj_error *err);
/* Copies the name list (each NUL-free); 0 or an error. */
int dj__val_names(dj_val *v, size_t n, const char *const *names, const size_t *lens,
                    dj_error *err);
/* An int from little-endian two's complement bytes (n may be 0: zero). */
int dj__val_int_le(const dj_allocator *alloc, const uint8_t *p, size_t n, dj_val **out,
                     dj_error *err);
/* Copies n elements of size bytes from little-endian src to host-order dst
 * (or back: the swap is its own inverse). */
void dj__blob_le_copy(void *dst, const void *src, size_t n, size_t size);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t dj__blob_days(int64_t y, int m, int d);
void dj__blob_civil(int64_t days, int64_t *y, int *m, int *d);
/* 1 when the date exists (year 1..9999) / the time of day is valid. */
int dj__blob_date_ok(int y, int m, int d);
int dj__blob_time_ok(int h, int mi, int s, int us);
/* numpy's datetime64 unit names by class - 65536 ("Y", "M", ...), and its
 * dtype names by class - DJ_BLOB_LOGICAL ("bool", "char", "object",
 * "float64", ...), as packed word lists (dj__word_at). */
extern const char dj__blob_dt_units[];
extern const char dj__blob_class_names[];
/* Position of the n bytes at s in such a list, matched exactly, or -1. */
int dj__blob_word(const char *words, const char *s, size_t n);

#endif
