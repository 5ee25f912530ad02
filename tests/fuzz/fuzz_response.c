/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_response.c - the generic responses: OK, ERR and EOF packets and the
 * end-of-rows test, each given the same bytes, as the client may see any of
 * them where it expects one of the others.
 */
#include <string.h>

#include "fuzz.h"
#include "wire/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj__ok ok;
    dj_error err;
    int rc = dj__ok_parse(data, size, &ok, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
    rc = dj__eof_parse(data, size, &ok, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO);
    rc = dj__err_packet_parse(data, size, &err);
    dj_fuzz_check(rc == DJ_ESERVER || rc == DJ_EPROTO);
    dj_fuzz_check(memchr(err.message, 0, sizeof err.message) != NULL);
    (void)dj__is_terminator(data, size, 0);
    (void)dj__is_terminator(data, size, 1);
    return 0;
}
