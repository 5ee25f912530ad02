/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_cframe.c - the compressed protocol's frames: a stream of 7-byte
 * headers and bodies, each body inflated (or copied when stored) into an
 * exact-size buffer of the length the header announces, as the client does.
 * Frames announcing more than 1 MiB are skipped to keep runs fast; the
 * client's own cap is checked on the packets that come out.
 */
#include <string.h>

#include "fuzz.h"
#include "wire/compress.h"

#define FUZZ_MAX_STREAM (1024u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (size - pos >= DJ__COMPRESS_HEADER) {
        dj__cframe f;
        dj__cframe_header_parse(data + pos, &f);
        pos += DJ__COMPRESS_HEADER;
        if (f.body_len > size - pos || f.stream_len > FUZZ_MAX_STREAM)
            break;
        uint8_t *out = malloc(f.stream_len ? f.stream_len : 1);
        if (!out)
            break;
        dj_error err;
        int rc = dj__cframe_inflate(&f, data + pos, out, &err);
        dj_fuzz_check(rc == 0 || rc == DJ_EPROTO || rc == DJ_EUNSUPPORTED);
        free(out);
        if (rc)
            break;
        pos += f.body_len;
    }
    return 0;
}
