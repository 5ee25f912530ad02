/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rig_record_trace.c - a rig records one trial: a float32 trace and a
 * metadata struct, as DataJoint blobs that datajoint-python reads back as a
 * numpy array and a struct (dj.MatStruct), and MATLAB as a single matrix
 * and a struct. Both are written in the mYm protocol that both read.
 *
 * Usage: rig_record_trace SCHEMA   (server from DataJoint's configuration)
 * Declares (if missing) in SCHEMA:
 *     # one recorded trial
 *     recording_id : int
 *     ---
 *     trace : longblob   # float32 samples, one column
 *     meta : longblob    # struct: rate (Hz), probe, channels
 * inserts recording 1 (an existing one is kept), reads the trace back and
 * checks it. Exit: 0 recorded, 3 error.
 */
#include <stdio.h>
#include <string.h>

#include <datajoint.h>

#define SAMPLES 3000

static int fail(const char *what, const dj_error *err)
{
    fprintf(stderr, "rig: %s: %s\n", what, err->message);
    return 3;
}

/* {rate: 30000, probe: 'probe A', channels: int16 [1 2 3 4]} as a 1x1 struct. */
static int metadata(dj_val **out, dj_error *err)
{
    static const char *const fields[] = {"rate", "probe", "channels"};
    static const int16_t channels[] = {1, 2, 3, 4};
    static const char probe[] = "probe A";
    uint64_t one[2] = {1, 1}, row4[2] = {1, 4}, chars[2] = {1, sizeof probe - 1};
    dj_val *s, *rate, *name, *ch;
    int rc = dj_val_struct(NULL, 2, one, 3, fields, &s, err);
    if (rc)
        return rc;
    if ((rc = dj_val_array(NULL, DJ_BLOB_DOUBLE, 0, 2, one, &rate, err)) == 0) {
        *(double *)dj_val_array_mut(rate) = 30000.0;
        rc = dj_val_set_item(s, 0, rate, err);
    }
    if (rc == 0 && (rc = dj_val_array(NULL, DJ_BLOB_CHAR, 0, 2, chars, &name, err)) == 0) {
        uint16_t *u = dj_val_array_mut(name); /* MATLAB chars are 16-bit units */
        for (size_t i = 0; i < sizeof probe - 1; i++)
            u[i] = (uint16_t)probe[i];
        rc = dj_val_set_item(s, 1, name, err);
    }
    if (rc == 0 && (rc = dj_val_array(NULL, DJ_BLOB_INT16, 0, 2, row4, &ch, err)) == 0) {
        memcpy(dj_val_array_mut(ch), channels, sizeof channels);
        rc = dj_val_set_item(s, 2, ch, err);
    }
    if (rc)
        dj_val_free(s);
    else
        *out = s;
    return rc;
}

/* Reads recording 1's trace back and compares it with what was recorded. */
static int check(dj_conn *conn, const char *db, const float *trace, dj_error *err)
{
    static const char *const attrs[] = {"trace"};
    dj_param id = dj_param_int64(1);
    dj_result *res;
    int rc = dj_fetch(conn, db, "recording", attrs, 1, "recording_id = ?", &id, 1, &res, err);
    if (rc)
        return rc;
    const dj_value *row;
    dj_value bytes;
    dj_val *v = NULL;
    if ((rc = dj_result_fetch(res, &row, err)) == 1 &&
        (rc = dj_result_get_bytes(res, 0, &bytes, err)) == 1)
        rc = dj_blob_decode(bytes.ptr, bytes.len, 0, NULL, &v, err);
    else if (rc >= 0) {
        snprintf(err->message, sizeof err->message, "recording 1 is not there");
        rc = DJ_EINVAL;
    }
    if (rc == 0 && (dj_val_array_class(v) != DJ_BLOB_SINGLE || dj_val_array_count(v) != SAMPLES ||
                    memcmp(dj_val_array_data(v), trace, SAMPLES * sizeof *trace) != 0)) {
        snprintf(err->message, sizeof err->message, "the trace read back differs");
        rc = DJ_EINVAL;
    }
    dj_val_free(v);
    dj_result_close(res, NULL);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCHEMA\n", argv[0]);
        return 2;
    }
    dj_config cfg;
    dj_error err;
    dj_config_init(&cfg);
    if (dj_config_load(&cfg, NULL, &err) != 0)
        return fail("configuration", &err);
    dj_conn *conn;
    int rc = dj_connect(&conn, &cfg, &err);
    dj_config_clear(&cfg);
    if (rc != 0)
        return fail("cannot connect", &err);
    dj_schema_options opts;
    dj_schema_options_init(&opts);
    opts.connection = conn;
    dj_schema *schema = NULL;
    dj_table *table = NULL;
    rc = dj_schema_open(&schema, argv[1], &opts, &err);
    if (rc == 0)
        rc = dj_table_declare(schema, "Recording", DJ_TIER_MANUAL,
                              "# one recorded trial\n"
                              "recording_id : int\n"
                              "---\n"
                              "trace : longblob   # float32 samples, one column\n"
                              "meta : longblob    # struct: rate (Hz), probe, channels\n",
                              &table, &err);
    if (rc) {
        dj_schema_close(schema);
        dj_close(conn);
        return fail("cannot open the schema or declare the table", &err);
    }

    /* The samples as the acquisition card delivered them: encoded from this
     * buffer into the blob, one copy. */
    static float trace[SAMPLES];
    for (int i = 0; i < SAMPLES; i++)
        trace[i] = (float)(i % 200) / 100.0f - 1.0f; /* a sawtooth */
    uint64_t shape[2] = {SAMPLES, 1};
    dj_val *tv = NULL, *meta = NULL;
    uint8_t *tblob = NULL, *mblob = NULL;
    size_t tlen = 0, mlen = 0;
    rc = dj_val_array_wrap(NULL, DJ_BLOB_SINGLE, 0, 2, shape, trace, &tv, &err);
    if (rc == 0)
        rc = dj_blob_encode(tv, 0, &tblob, &tlen, &err);
    if (rc == 0)
        rc = metadata(&meta, &err);
    if (rc == 0)
        rc = dj_blob_encode(meta, 0, &mblob, &mlen, &err);
    if (rc == 0) {
        static const char *const names[] = {"recording_id", "trace", "meta"};
        dj_param row[3] = {dj_param_int64(1), dj_param_bytes(tblob, tlen),
                           dj_param_bytes(mblob, mlen)};
        dj_insert_options io;
        dj_insert_options_init(&io);
        io.skip_duplicates = 1;
        io.primary_key = "recording_id";
        rc = dj_insert(conn, dj_schema_name(schema), "recording", names, 3, row, 1, &io, NULL,
                       &err);
    }
    if (rc == 0)
        rc = check(conn, dj_schema_name(schema), trace, &err);
    if (rc == 0)
        printf("rig: recorded %d float32 samples (%zu-byte blob) and metadata into %s.recording\n",
               SAMPLES, tlen, dj_schema_name(schema));
    else
        fprintf(stderr, "rig: %s\n", err.message);
    dj_blob_free(tv, tblob);
    dj_blob_free(meta, mblob);
    dj_val_free(tv);
    dj_val_free(meta);
    dj_table_close(table);
    dj_schema_close(schema);
    dj_close(conn);
    return rc == 0 ? 0 : 3;
}
