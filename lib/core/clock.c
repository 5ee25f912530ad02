/* SPDX-License-Identifier: Apache-2.0 */
/* clock.c - monotonic time for deadlines, and randomness for nonces. */
#include "core/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

int64_t dj__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dj__deadline(unsigned timeout_ms)
{
    return timeout_ms ? dj__now_ms() + timeout_ms : 0;
}

int dj__random_bytes(void *buf, size_t n, dj_error *err)
{
    uint8_t *p = buf;
#if defined(HAVE_GETRANDOM)
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        p += got;
        n -= (size_t)got;
    }
    if (n == 0)
        return 0;
#endif
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dj__err(err, DJ_ESYSTEM, "cannot read random bytes: /dev/urandom unavailable");
    long got = dj__read_upto(fd, p, n);
    close(fd);
    if (got != (long)n)
        return dj__err(err, DJ_ESYSTEM, "cannot read random bytes from /dev/urandom");
    return 0;
}
