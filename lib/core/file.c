/* SPDX-License-Identifier: Apache-2.0 */
/* file.c - reading from a file descriptor without stdio, which a static
 * build would otherwise carry only for the library's few small files. */
#include "core/internal.h"

#include <errno.h>
#include <unistd.h>

long dj__read_upto(int fd, void *buf, size_t cap)
{
    char *p = buf;
    size_t n = 0;
    while (n < cap) {
        ssize_t got = read(fd, p + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    return (long)n;
}
