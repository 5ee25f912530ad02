/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fetch.c - rows of a table, restricted by an SQL condition, through a
 * prepared statement so that they arrive in the binary protocol: numbers,
 * dates and times decoded exactly by the typed getters, blobs as they are
 * stored. The statement is closed on the server when the result finishes.
 */
#include "client/client.h"
#include "dj/sqlbuf.h"

typedef struct fetch_job {
    dj__request req; /* first: run_fetch gets the job through it */
    const char *sql;
    size_t sql_len;
    const dj_param *params;
    unsigned nparams;
    dj_result *result;
} fetch_job;

static int run_fetch(dj_conn *c, dj__request *req, dj_error *err)
{
    fetch_job *j = (fetch_job *)req;
    dj_stmt *s;
    int rc = dj_stmt_prepare(c, j->sql, j->sql_len, &s, err);
    if (rc)
        return rc;
    rc = dj_stmt_execute(s, j->params, j->nparams, &j->result, NULL, err);
    if (rc) {
        dj_stmt_close(s);
        return rc;
    }
    dj__result_adopt_stmt(j->result, s);
    return 0;
}

int dj_fetch(dj_conn *c, const char *db, const char *table, const char *const *attrs,
             unsigned nattrs, const char *where_sql, const dj_param *params, unsigned nparams,
             dj_result **out, dj_error *err)
{
    if (out)
        *out = NULL;
    if (!c || !db || !db[0] || !table || !table[0] || !out || (nattrs && !attrs))
        return dj__err(err, DJ_EINVAL, "dj_fetch: connection, database, table and out are "
                                       "required");
    for (unsigned k = 0; k < nattrs; k++)
        if (!attrs[k] || !attrs[k][0])
            return dj__err(err, DJ_EINVAL, "dj_fetch: attribute name %u is empty", k + 1);
    dj__builder b;
    dj__builder_init(&b, dj__conn_alloc(c));
    dj__sqlbuf_text(&b, "SELECT ");
    if (nattrs)
        dj__sqlbuf_ident_list(&b, attrs, nattrs);
    else
        dj__put_u8(&b, '*');
    dj__sqlbuf_text(&b, " FROM ");
    dj__sqlbuf_table(&b, db, table);
    if (where_sql && where_sql[0]) {
        dj__sqlbuf_text(&b, " WHERE ");
        dj__sqlbuf_text(&b, where_sql);
    }
    int rc = dj__sqlbuf_check(&b, err);
    fetch_job j = {.req = {.run = run_fetch, .kind = DJ__STMT_READ},
                   .sql = (const char *)b.data, .sql_len = b.len, .params = params,
                   .nparams = nparams};
    if (rc == 0)
        rc = dj__request_run(c, &j.req, err);
    dj__builder_free(&b, 0);
    if (rc == 0)
        *out = j.result;
    return rc;
}
