/* strutil.c - bounded string copies into fixed arrays. */
#include "core/internal.h"

int dj__strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size == 0)
        return -1;
    if (n >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

int dj__snprintf(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = dj__vfmt(dst, size, fmt, ap);
    va_end(ap);
    return n >= size ? -1 : 0;
}
