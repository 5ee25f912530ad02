/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_result.c - the client's whole response reader over a socket pair
 * (see result_harness.h for what is covered and the input format).
 */
#define _GNU_SOURCE 1
#include "result_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dj_fuzz_result_run(data, size);
    return 0;
}
