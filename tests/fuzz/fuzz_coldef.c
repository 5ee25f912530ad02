/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_coldef.c - ColumnDefinition41 packets (dj__coldef_parse). */
#include "fuzz.h"
#include "wire/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj__coldef c;
    dj_error err;
    int rc = dj__coldef_parse(data, size, &c, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
    if (rc == 0) {
        dj_fuzz_check(dj_fuzz_inside(c.schema, c.schema_len, data, size));
        dj_fuzz_check(dj_fuzz_inside(c.table, c.table_len, data, size));
        dj_fuzz_check(dj_fuzz_inside(c.org_table, c.org_table_len, data, size));
        dj_fuzz_check(dj_fuzz_inside(c.name, c.name_len, data, size));
        dj_fuzz_check(dj_fuzz_inside(c.org_name, c.org_name_len, data, size));
    }
    return 0;
}
