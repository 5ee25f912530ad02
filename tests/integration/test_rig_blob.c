/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_rig_blob.c - docs/examples/rig_record_trace against the test server:
 * the blobs it stored are read back with a plain query and decoded as
 * datajoint-python would see them (a float32 column and a 1x1 struct, both
 * mYm so that MATLAB reads them too).
 */
#include "itest.h"

#include <stdio.h>

static dj_val *column(dj_conn *c, const char *schema, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM `%s`.recording WHERE recording_id = 1", col, schema);
    dj_result *res;
    dj_error err;
    cr_assert_eq(dj_query(c, sql, strlen(sql), &res, &err), 0, "%s", err.message);
    const dj_value *row;
    cr_assert_eq(dj_result_fetch(res, &row, &err), 1);
    /* mYm, or mYm inside ZL123 compression (the trace compresses) */
    cr_assert(row[0].len >= 6 && (memcmp(row[0].ptr, "mYm", 4) == 0 ||
                                  memcmp(row[0].ptr, "ZL123", 6) == 0), "%s is no blob", col);
    dj_val *v;
    cr_assert_eq(dj_blob_decode(row[0].ptr, row[0].len, 0, NULL, &v, &err), 0, "%s", err.message);
    uint8_t *plain;
    size_t len;
    cr_assert_eq(dj_blob_encode(v, DJ_BLOB_NO_COMPRESS, &plain, &len, &err), 0);
    cr_expect(memcmp(plain, "mYm", 4) == 0, "%s is not in MATLAB's mYm protocol", col);
    dj_blob_free(v, plain);
    dj_result_close(res, NULL);
    return v;
}

Test(rig_blob, records_a_trace_and_metadata_that_datajoint_reads)
{
    char name[64], out[512];
    itest_unique_name(name, sizeof name, "rigblob");
    cr_assert_eq(itest_run_example("rig_record_trace", name, out, sizeof out), 0, "%s", out);
    cr_expect_not_null(strstr(out, "recorded 3000 float32 samples"), "%s", out);
    /* Again: the recording is there already and is kept. */
    cr_assert_eq(itest_run_example("rig_record_trace", name, out, sizeof out), 0, "%s", out);

    dj_conn *c = itest_connect();
    dj_val *trace = column(c, name, "trace");
    cr_expect_eq(dj_val_array_class(trace), DJ_BLOB_SINGLE);
    cr_expect(dj_val_ndims(trace) == 2 && dj_val_shape(trace)[0] == 3000 &&
              dj_val_shape(trace)[1] == 1);
    const float *x = dj_val_array_data(trace);
    cr_expect(x[0] == -1.0f && x[150] == 0.5f);
    dj_val_free(trace);

    dj_val *meta = column(c, name, "meta");
    char *json;
    size_t len;
    dj_error err;
    cr_assert_eq(dj_val_to_json(meta, &json, &len, &err), 0);
    cr_expect(strcmp(json, "{\"struct\": {\"fields\": [\"rate\", \"probe\", \"channels\"], \"items\": "
                           "[[{\"array\": {\"class\": \"float64\", \"complex\": false, \"data\": "
                           "[\"0x1.d4c0000000000p+14\"], \"shape\": [1, 1]}}, {\"array\": "
                           "{\"class\": \"char\", \"data\": [\"probe A\"], \"shape\": [1]}}, "
                           "{\"array\": {\"class\": \"int16\", \"complex\": false, \"data\": "
                           "[1, 2, 3, 4], \"shape\": [1, 4]}}]], \"shape\": [1, 1]}}") == 0,
              "%s", json);
    dj_blob_free(meta, (uint8_t *)json);
    dj_val_free(meta);
    char drop[128];
    snprintf(drop, sizeof drop, "DROP DATABASE `%s`", name);
    dj_exec(c, drop, NULL, &err);
    dj_close(c);
}
