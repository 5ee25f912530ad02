/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_blob.c - the DataJoint blob codec: any bytes through dj_blob_decode
 * (error codes from the documented set); a tree it accepts must re-encode,
 * decode again and describe itself identically. The same bytes are also
 * read as a JSON description.
 */
#include <stdlib.h>
#include <string.h>

#include "dj/blob.h"
#include "fuzz.h"

static char *describe(const dj_val *v)
{
    char *text = NULL;
    size_t len;
    dj_error err;
    int rc = dj_val_to_json(v, &text, &len, &err);
    /* A record array with nested record or char fields has no description. */
    dj_fuzz_check(rc == 0 || rc == DJ_EUNSUPPORTED || rc == DJ_ENOMEM);
    return text;
}

static void round_trip(const dj_val *v)
{
    uint8_t *b;
    size_t n;
    dj_error err;
    int rc = dj_blob_encode(v, 0, &b, &n, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_ENOMEM || rc == DJ_ETOOBIG);
    if (rc)
        return;
    dj_val *again;
    rc = dj_blob_decode(b, n, 0, NULL, &again, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_ENOMEM);
    if (rc == 0) {
        char *d1 = describe(v), *d2 = describe(again);
        dj_fuzz_check((d1 == NULL) == (d2 == NULL));
        dj_fuzz_check(!d1 || strcmp(d1, d2) == 0);
        free(d1);
        free(d2);
        dj_val_free(again);
    }
    dj_blob_free(v, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj_val *v;
    dj_error err;
    for (unsigned flags = 0; flags <= DJ_BLOB_BORROW; flags++) {
        int rc = dj_blob_decode(data, size, flags, NULL, &v, &err);
        dj_fuzz_check(rc == 0 || rc == DJ_EPROTO || rc == DJ_ETOOBIG || rc == DJ_EUNSUPPORTED ||
                      rc == DJ_ENOMEM);
        if (rc == 0) {
            round_trip(v);
            dj_val_free(v);
        }
    }
    int rc = dj_val_from_json((const char *)data, size, NULL, &v, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EINVAL || rc == DJ_ETOOBIG || rc == DJ_ENOMEM);
    if (rc == 0) {
        round_trip(v);
        dj_val_free(v);
    }
    return 0;
}
