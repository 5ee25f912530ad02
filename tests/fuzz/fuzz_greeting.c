/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_greeting.c - the server greeting (dj__greeting_parse). */
#include <string.h>

#include "fuzz.h"
#include "wire/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj__greeting g;
    dj_error err;
    int rc = dj__greeting_parse(data, size, &g, &err);
    dj_fuzz_check(rc == 0 || rc == DJ_EPROTO || rc == DJ_EUNSUPPORTED);
    if (rc == 0) {
        dj_fuzz_check(g.protocol_version == 10);
        dj_fuzz_check(g.scramble_len <= sizeof g.scramble);
        dj_fuzz_check(memchr(g.server_version, 0, sizeof g.server_version) != NULL);
        dj_fuzz_check(memchr(g.auth_plugin, 0, sizeof g.auth_plugin) != NULL);
    }
    return 0;
}
