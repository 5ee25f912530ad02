/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_binary_row.c - binary-protocol rows of prepared statements
 * (dj__binary_row_parse). Byte 0 gives the column count (1-16), the next
 * bytes pick each column's type from the types a server sends; the rest is
 * the row packet.
 */
#include "fuzz.h"
#include "wire/stmt.h"

static const uint8_t column_types[] = {
    DJ_TYPE_TINY, DJ_TYPE_SHORT, DJ_TYPE_LONG, DJ_TYPE_FLOAT, DJ_TYPE_DOUBLE,
    DJ_TYPE_TIMESTAMP, DJ_TYPE_LONGLONG, DJ_TYPE_INT24, DJ_TYPE_DATE, DJ_TYPE_TIME,
    DJ_TYPE_DATETIME, DJ_TYPE_YEAR, DJ_TYPE_VARCHAR, DJ_TYPE_BIT, DJ_TYPE_JSON,
    DJ_TYPE_NEWDECIMAL, DJ_TYPE_ENUM, DJ_TYPE_SET, DJ_TYPE_BLOB, DJ_TYPE_VAR_STRING,
    DJ_TYPE_STRING, DJ_TYPE_GEOMETRY,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned ncols = 1 + data[0] % 16;
    if (size < 1 + ncols)
        return 0;
    dj_column cols[16];
    dj_value values[16];
    for (unsigned i = 0; i < ncols; i++) {
        cols[i] = (dj_column){0};
        cols[i].type = column_types[data[1 + i] % sizeof column_types];
    }
    const uint8_t *row = data + 1 + ncols;
    size_t len = size - 1 - ncols;
    dj_error err;
    int rc = dj__binary_row_parse(row, len, cols, ncols, values, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
    if (rc == 0) {
        for (unsigned i = 0; i < ncols; i++) {
            dj_fuzz_check(!values[i].ptr || dj_fuzz_inside(values[i].ptr, values[i].len, row, len));
            if (values[i].ptr && dj__type_is_temporal(cols[i].type)) {
                dj_datetime dt;
                dj__binary_temporal_decode(cols[i].type, (const uint8_t *)values[i].ptr,
                                           values[i].len, &dt);
            }
        }
    }
    return 0;
}
