/* SPDX-License-Identifier: Apache-2.0 */
/*
 * io.c - the only place the client touches the transport. Reads fill a
 * buffer of packet-stream bytes (inflating compressed frames first when
 * compression is on) until wire/packet.c finds a whole packet; writes frame
 * the payload and stage small pieces so that a command costs one write.
 */
#include "client/conn.h"

#include "net/socket.h"
#include "wire/compress.h"

/* A buffer that grew for one big packet is given back once it is empty. */
#define DJ__IN_SHRINK_ABOVE (1024u * 1024u)

int64_t dj__io_deadline(const dj_conn *c, int for_write)
{
    if (c->connect_deadline)
        return c->connect_deadline;
    return dj__deadline(for_write ? c->cfg.write_timeout_ms : c->cfg.read_timeout_ms);
}

static long transport_read(dj_conn *c, void *buf, size_t len, dj_error *err)
{
    int64_t deadline = dj__io_deadline(c, 0);
    if (c->tls)
        return dj__tls_read(c->tls, buf, len, deadline, err);
    return dj__sock_read(c->fd, buf, len, deadline, err);
}

static int transport_write(dj_conn *c, const void *buf, size_t len, dj_error *err)
{
    int64_t deadline = dj__io_deadline(c, 1);
    if (c->tls)
        return dj__tls_write(c->tls, buf, len, deadline, err);
    return dj__sock_write(c->fd, buf, len, deadline, err);
}

void dj__conn_drop(dj_conn *c)
{
    if (c->tls) {
        dj__tls_free(c->tls);
        c->tls = NULL;
    }
    if (c->fd >= 0) {
        dj__sock_close(c->fd);
        c->fd = -1;
    }
    c->state = DJ__CONN_CLOSED;
    c->generation++; /* prepared statements die with the session */
    c->in_start = c->in_end = c->in_consumed = 0;
    c->zin_start = c->zin_end = 0;
    c->stage_len = 0;
    c->compress = 0;
    /* in_transaction stays set: the retry rule must still see that a
     * transaction died with the link (dj_in_transaction already answers 0
     * for a closed connection, and opening one clears the flag). */
    c->result.phase = DJ__RES_FINISHED;
}

void dj__io_free(dj_conn *c)
{
    dj__free(c->alloc, c->in);
    dj__free(c->alloc, c->zin);
    dj__wipe(c->stage, c->stage_cap);
    dj__free(c->alloc, c->stage);
    dj__builder_free(&c->out, 1);
    dj__builder_free(&c->zout, 1);
    c->in = c->zin = c->stage = NULL;
    c->in_cap = c->zin_cap = c->stage_cap = 0;
}

/* Makes room for `need` bytes counted from *start, moving unread bytes to the
 * front first and growing only when that is not enough. */
static int reserve(dj_conn *c, uint8_t **buf, size_t *cap, size_t *start, size_t *end,
                   size_t need, dj_error *err)
{
    if (*cap - *start >= need)
        return 0;
    if (*start > 0) {
        memmove(*buf, *buf + *start, *end - *start);
        *end -= *start;
        *start = 0;
        if (*cap >= need)
            return 0;
    }
    size_t ncap = *cap ? *cap : DJ__IN_INITIAL;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    /* Doubling must not take the buffer far past what the largest packet
     * allowed needs: a server feeding 16 MiB fragments up to the cap would
     * otherwise make it twice the cap. */
    size_t bound = c->max_packet +
                   DJ__PACKET_HEADER * (c->max_packet / DJ__PACKET_MAX_FRAGMENT + 2);
    if (ncap > bound && bound >= c->max_packet)
        ncap = DJ__MAX(need, bound);
    uint8_t *p = dj__realloc(c->alloc, *buf, ncap);
    if (!p)
        return dj__err(err, DJ_ENOMEM, "out of memory growing the receive buffer to %zu bytes",
                       ncap);
    *buf = p;
    *cap = ncap;
    return 0;
}

void dj__io_wipe_send_buffers(dj_conn *c)
{
    dj__wipe(c->out.data, c->out.cap);
    c->out.len = 0;
    dj__wipe(c->stage, c->stage_cap);
    c->stage_len = 0;
}

void dj__io_start_compression(dj_conn *c)
{
    c->compress = 1;
    /* Bytes already buffered were read before compression started. */
}

/* Reads one compressed frame and appends its stream bytes to the input. */
static int fill_compressed(dj_conn *c, dj_error *err)
{
    dj__cframe f;
    for (;;) {
        size_t have = c->zin_end - c->zin_start, need = DJ__COMPRESS_HEADER;
        if (have >= DJ__COMPRESS_HEADER) {
            dj__cframe_header_parse(c->zin + c->zin_start, &f);
            need += f.body_len;
            if (have >= need)
                break;
        }
        int rc = reserve(c, &c->zin, &c->zin_cap, &c->zin_start, &c->zin_end, need, err);
        if (rc)
            return rc;
        long n = transport_read(c, c->zin + c->zin_end, c->zin_cap - c->zin_end, err);
        if (n < 0)
            return (int)n;
        c->zin_end += (size_t)n;
    }
    /* An empty frame carries no stream bytes, and before the first packet
     * there is no input buffer to point into. */
    if (f.stream_len > 0) {
        int rc = reserve(c, &c->in, &c->in_cap, &c->in_start, &c->in_end,
                         c->in_end - c->in_start + f.stream_len, err);
        if (rc)
            return rc;
        rc = dj__cframe_inflate(&f, c->zin + c->zin_start + DJ__COMPRESS_HEADER,
                                c->in + c->in_end, err);
        if (rc)
            return rc;
        c->in_end += f.stream_len;
    }
    c->zin_start += DJ__COMPRESS_HEADER + f.body_len;
    c->cseq = (uint8_t)(f.seq + 1);
    return 0;
}

/* Gets more stream bytes so that at least `need` unread bytes can be held. */
static int fill(dj_conn *c, size_t need, dj_error *err)
{
    if (c->compress)
        return fill_compressed(c, err);
    int rc = reserve(c, &c->in, &c->in_cap, &c->in_start, &c->in_end, need, err);
    if (rc)
        return rc;
    long n = transport_read(c, c->in + c->in_end, c->in_cap - c->in_end, err);
    if (n < 0)
        return (int)n;
    c->in_end += (size_t)n;
    return 0;
}

/* The rest of dj__read_packet (conn.h), after its inline common case. */
int dj__read_packet_general(dj_conn *c, dj__packet *pkt, dj_error *err)
{
    if (c->in_start == c->in_end) {
        c->in_start = c->in_end = 0;
        if (c->in_cap > DJ__IN_SHRINK_ABOVE) {
            dj__free(c->alloc, c->in);
            c->in = NULL;
            c->in_cap = 0;
        }
    }
    for (;;) {
        size_t need = 0;
        /* Under compression the server numbers its packets from its count of
         * compressed frames, resyncing at every flush (after a request that
         * took many frames, and between result sets): packet ids are not
         * consecutive across packets there, only across the fragments of
         * one packet. MariaDB's own client does not check them either. */
        if (c->compress && c->in_end - c->in_start >= DJ__PACKET_HEADER)
            c->seq = c->in[c->in_start + 3];
        int rc = c->in && c->in_end > c->in_start
                     ? dj__packet_extract(c->in + c->in_start, c->in_end - c->in_start, &c->seq,
                                          c->max_packet, pkt, &need, err)
                     : (need = DJ__PACKET_HEADER, DJ__PACKET_NEED_MORE);
        if (rc == DJ__PACKET_READY) {
            c->in_consumed = pkt->consumed;
            return 0;
        }
        if (rc == DJ__PACKET_NEED_MORE)
            rc = fill(c, need, err);
        if (rc < 0) {
            dj__conn_drop(c);
            return rc;
        }
    }
}

void dj__begin_packet(dj_conn *c)
{
    dj__builder_reset(&c->out);
    dj__put_zeros(&c->out, DJ__PACKET_HEADER);
}

void dj__begin_command(dj_conn *c, uint8_t command)
{
    c->seq = 0;
    c->cseq = 0;
    /* Once the builder has room (after the first command), a command starts
     * with plain stores; the builder calls are the general way. */
    if (c->out.cap > DJ__PACKET_HEADER) {
        c->out.oom = 0;
        memset(c->out.data, 0, DJ__PACKET_HEADER);
        c->out.data[DJ__PACKET_HEADER] = command;
        c->out.len = DJ__PACKET_HEADER + 1;
        return;
    }
    dj__begin_packet(c);
    dj__put_u8(&c->out, command);
}

/* Writes the staged bytes: as they are, or as one compressed frame. */
static int stage_flush(dj_conn *c, dj_error *err)
{
    if (c->stage_len == 0)
        return 0;
    size_t len = c->stage_len;
    c->stage_len = 0;
    if (!c->compress)
        return transport_write(c, c->stage, len, err);
    dj__builder_reset(&c->zout);
    int rc = dj__cframe_build(&c->zout, c->stage, len, c->cseq++, err);
    return rc ? rc : transport_write(c, c->zout.data, c->zout.len, err);
}

static int stage_write(dj_conn *c, const uint8_t *p, size_t n, dj_error *err)
{
    while (n > 0) {
        if (c->stage_len == c->stage_cap) {
            int rc = stage_flush(c, err);
            if (rc)
                return rc;
        }
        /* Big uncompressed pieces skip the copy. */
        if (!c->compress && c->stage_len == 0 && n >= c->stage_cap)
            return transport_write(c, p, n, err);
        size_t k = DJ__MIN(n, c->stage_cap - c->stage_len);
        memcpy(c->stage + c->stage_len, p, k);
        c->stage_len += k;
        p += k;
        n -= k;
    }
    return 0;
}

/* Copies bytes [off, off+n) of the concatenation head ++ extra into the stage. */
static int write_span(dj_conn *c, const uint8_t *head, size_t head_len, const uint8_t *extra,
                      size_t off, size_t n, dj_error *err)
{
    if (off < head_len) {
        size_t k = DJ__MIN(n, head_len - off);
        int rc = stage_write(c, head + off, k, err);
        if (rc)
            return rc;
        off += k;
        n -= k;
    }
    return n ? stage_write(c, extra + (off - head_len), n, err) : 0;
}

int dj__send_packet(dj_conn *c, const void *extra, size_t extra_len, dj_error *err)
{
    if (c->out.oom)
        return dj__err(err, DJ_ENOMEM, "out of memory building a request");
    if (!c->stage) {
        c->stage = dj__malloc(c->alloc, DJ__STAGE_SIZE);
        if (!c->stage)
            return dj__err(err, DJ_ENOMEM, "out of memory allocating the send buffer");
        c->stage_cap = DJ__STAGE_SIZE;
    }
    const uint8_t *head = c->out.data + DJ__PACKET_HEADER;
    size_t head_len = c->out.len - DJ__PACKET_HEADER;
    size_t total = head_len + extra_len, off = 0, frag;
    int rc = 0;
    /* A whole small command fits the stage in one piece: one header, two
     * copies, one write. */
    if (c->stage_len == 0 && DJ__PACKET_HEADER + total <= c->stage_cap) {
        dj__packet_header(c->stage, total, c->seq++);
        memcpy(c->stage + DJ__PACKET_HEADER, head, head_len);
        if (extra_len)
            memcpy(c->stage + DJ__PACKET_HEADER + head_len, extra, extra_len);
        c->stage_len = DJ__PACKET_HEADER + total;
        rc = stage_flush(c, err);
        if (rc)
            dj__conn_drop(c);
        return rc;
    }
    /* A payload that is an exact multiple of the fragment size ends with an
     * empty fragment, which this loop produces naturally. */
    do {
        frag = DJ__MIN(total - off, (size_t)DJ__PACKET_MAX_FRAGMENT);
        uint8_t hdr[DJ__PACKET_HEADER];
        dj__packet_header(hdr, frag, c->seq++);
        rc = stage_write(c, hdr, sizeof hdr, err);
        if (!rc)
            rc = write_span(c, head, head_len, extra, off, frag, err);
        off += frag;
    } while (!rc && frag == DJ__PACKET_MAX_FRAGMENT);
    if (!rc)
        rc = stage_flush(c, err);
    if (rc)
        dj__conn_drop(c);
    return rc;
}
