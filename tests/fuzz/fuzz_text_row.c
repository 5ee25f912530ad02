/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_text_row.c - text-protocol rows (dj__text_row_parse). Byte 0 gives the
 * column count (1-64); the rest is the row packet.
 */
#include "fuzz.h"
#include "wire/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned ncols = 1 + data[0] % 64;
    dj_value *values = calloc(ncols, sizeof *values);
    if (!values)
        return 0;
    dj_error err;
    const uint8_t *row = data + 1;
    int rc = dj__text_row_parse(row, size - 1, ncols, values, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
    if (rc == 0) {
        for (unsigned i = 0; i < ncols; i++)
            dj_fuzz_check(!values[i].ptr || values[i].len == 0 ||
                          dj_fuzz_inside(values[i].ptr, values[i].len, row, size - 1));
    }
    free(values);
    return 0;
}
