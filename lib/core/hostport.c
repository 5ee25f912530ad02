/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostport.c - "host", "host:port", "[v6]" and "[v6]:port" split into host
 * and port. Pure text: the configuration checks a host list with it and the
 * client picks an entry of that list with it, neither needs the network.
 */
#include "core/internal.h"

int dj__parse_host_port(const char *text, size_t len, char *host, size_t host_size,
                        unsigned *port, unsigned default_port, dj_error *err)
{
    const char *end = text + len, *hs = text, *he, *ps = NULL;
    if (len > 0 && text[0] == '[') {
        const char *close_br = memchr(text, ']', len);
        if (!close_br)
            return dj__err(err, DJ_EINVAL, "bad host \"%.*s\": missing ']'", (int)len, text);
        hs = text + 1;
        he = close_br;
        if (close_br + 1 < end) {
            if (close_br[1] != ':')
                return dj__err(err, DJ_EINVAL, "bad host \"%.*s\": expected ':' after ']'",
                               (int)len, text);
            ps = close_br + 2;
        }
    } else {
        const char *colon = memchr(text, ':', len);
        /* Two colons without brackets is a bare IPv6 address, not host:port. */
        if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
            colon = NULL;
        he = colon ? colon : end;
        ps = colon ? colon + 1 : NULL;
    }
    size_t hlen = (size_t)(he - hs);
    if (hlen == 0)
        return dj__err(err, DJ_EINVAL, "bad host \"%.*s\": empty host name", (int)len, text);
    if (hlen >= host_size)
        return dj__err(err, DJ_EINVAL, "host name is too long");
    memcpy(host, hs, hlen);
    host[hlen] = '\0';
    *port = default_port;
    if (ps) {
        unsigned long v = 0;
        if (ps == end)
            return dj__err(err, DJ_EINVAL, "bad host \"%.*s\": empty port", (int)len, text);
        for (const char *c = ps; c < end; c++) {
            if (*c < '0' || *c > '9' || (v = v * 10 + (unsigned)(*c - '0')) > 65535)
                return dj__err(err, DJ_EINVAL, "bad port in \"%.*s\"", (int)len, text);
        }
        if (v == 0)
            return dj__err(err, DJ_EINVAL, "bad port in \"%.*s\"", (int)len, text);
        *port = (unsigned)v;
    }
    return 0;
}
