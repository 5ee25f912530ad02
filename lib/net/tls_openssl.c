/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls_openssl.c - the TLS transport through OpenSSL.
 *
 * Most of the CPU a TLS connect costs in other clients goes into building an
 * SSL_CTX and, above all, into loading the system CA bundle even when nothing
 * is verified. Here a dj__tls_ctx is built once per configuration and kept by
 * the connection, CAs are loaded only for the verify modes, and the last
 * session is kept so that a reconnect can resume it instead of running a full
 * key exchange.
 *
 * The socket is non-blocking: every SSL call that wants the socket readable
 * or writable is followed by a poll() bounded by the caller's deadline.
 */
#define _POSIX_C_SOURCE 200809L
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Where MSG_NOSIGNAL is missing the socket layer sets SO_NOSIGPIPE instead. */
#ifdef MSG_NOSIGNAL
#define DJ__SEND_FLAGS MSG_NOSIGNAL
#else
#define DJ__SEND_FLAGS 0
#endif

struct dj__tls_ctx {
    const dj_allocator *alloc;
    dj_tls_mode mode;
    SSL_CTX *ssl_ctx;
    BIO_METHOD *bio_method;
    SSL_SESSION *session;           /* latest resumable session, or NULL */
    char session_host[DJ_HOST_MAX]; /* the host it was made with */
};

struct dj__tls {
    dj__tls_ctx *ctx;
    SSL *ssl;
    int fd;
    int established; /* the handshake completed */
    int failed;      /* a fatal error: the session must not send close_notify */
    char host[DJ_HOST_MAX];
};

/* ---- socket BIO ------------------------------------------------------------
 * OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE when the
 * server has gone away, and a library must not touch the application's signal
 * handling. This BIO sends with MSG_NOSIGNAL instead. Its type is a fixed
 * source/sink value rather than BIO_get_new_index(), which draws from a small
 * process-wide range that one method per context would use up.
 */

static int bio_sock_write(BIO *bio, const char *data, int len)
{
    const dj__tls *t = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t n = send(t->fd, data, (size_t)len, DJ__SEND_FLAGS);
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_write(bio);
        return -1;
    }
}

static int bio_sock_read(BIO *bio, char *data, int len)
{
    const dj__tls *t = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t n = recv(t->fd, data, (size_t)len, 0);
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_read(bio);
        return -1;
    }
}

static long bio_sock_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    (void)bio;
    (void)num;
    (void)ptr;
    /* Data goes straight to the kernel, so a flush always succeeds; every
     * other control (kTLS, EOF queries, ...) is answered "not supported". */
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

/* ---- errors ---------------------------------------------------------------- */

/* Copies the first reason OpenSSL queued (the most specific one) into buf
 * and empties the queue, so nothing leaks into the next operation. */
static const char *take_openssl_reason(char *buf, size_t size)
{
    unsigned long e = ERR_peek_error();
    if (e == 0) {
        dj__strlcpy(buf, "no details from OpenSSL", size);
    } else {
        const char *reason = ERR_reason_error_string(e);
        if (reason) {
            dj__strlcpy(buf, reason, size);
        } else {
            /* Only the "error:code:library:function:" form is left (system
             * errors come this way); its last field is the readable part. */
            char full[256];
            ERR_error_string_n(e, full, sizeof full);
            const char *tail = strrchr(full, ':');
            dj__strlcpy(buf, tail && tail[1] ? tail + 1 : full, size);
        }
    }
    ERR_clear_error();
    return buf;
}

static int openssl_err(dj_error *err, int code, const char *what)
{
    char why[256];
    return dj__err(err, code, "%s: %s", what, take_openssl_reason(why, sizeof why));
}

static int openssl_err_file(dj_error *err, const char *what, const char *path)
{
    char why[256];
    return dj__err(err, DJ_ECONFIG, "cannot load %s %s: %s", what, path,
                   take_openssl_reason(why, sizeof why));
}

/* The verification result in words, with a hint for the common causes. */
static int verify_err(const dj__tls *t, long result, dj_error *err)
{
    const char *what = X509_verify_cert_error_string(result);
    switch (result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return dj__err(err, DJ_ETLS,
                       "TLS certificate verification failed: %s (the server's certificate "
                       "is past its end date and must be renewed)", what);
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return dj__err(err, DJ_ETLS,
                       "TLS certificate verification failed: %s (check the clocks of the "
                       "client and the server)", what);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return dj__err(err, DJ_ETLS,
                       "TLS certificate verification failed: %s (unknown CA: no trusted CA "
                       "signed the server's certificate; set tls_ca to the CA that did)", what);
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return dj__err(err, DJ_ETLS,
                       "TLS certificate verification failed: %s (the certificate is not for %s)",
                       what, t->host);
    default:
        return dj__err(err, DJ_ETLS, "TLS certificate verification failed: %s", what);
    }
}

/* The peer closed the connection (close_notify, or plain EOF). */
static int closed_err(const dj__tls *t, dj_error *err)
{
    if (!t->established)
        return dj__err(err, DJ_ETLS,
                       "TLS handshake failed: the server closed the connection");
    return dj__err(err, DJ_ELOST, "connection closed by the server");
}

static int socket_err(const dj__tls *t, int os_errno, const char *what, dj_error *err)
{
    if (os_errno == 0)
        return closed_err(t, err);
    int code = t->established ? DJ_ELOST : DJ_ETLS;
    if (os_errno == ECONNRESET)
        dj__err(err, code, "%s failed: connection reset by the server", what);
    else if (os_errno == EPIPE)
        dj__err(err, code, "%s failed: the server closed the connection", what);
    else
        dj__err(err, code, "%s failed: socket error (errno %d)", what, os_errno);
    if (err)
        err->os_errno = os_errno;
    return code;
}

static int protocol_err(dj__tls *t, const char *what, dj_error *err)
{
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
    /* OpenSSL 3 reports an EOF without close_notify this way; MySQL servers
     * end connections like that, and the packets are length-framed, so it
     * is a lost connection, not an attack on the data. */
    unsigned long e = ERR_peek_error();
    if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return closed_err(t, err);
    }
#endif
    if (!t->established && t->ctx->mode >= DJ_TLS_VERIFY_CA) {
        long result = SSL_get_verify_result(t->ssl);
        if (result != X509_V_OK) {
            ERR_clear_error();
            return verify_err(t, result, err);
        }
    }
    char why[256];
    return dj__err(err, DJ_ETLS, "%s failed: %s", what, take_openssl_reason(why, sizeof why));
}

/* ---- waiting --------------------------------------------------------------- */

/* Before each SSL call: nothing queued by an earlier operation or connection
 * may be taken for this call's failure, and neither may a stale errno. */
static void clear_errors(void)
{
    ERR_clear_error();
    errno = 0;
}

static int wait_socket(int fd, short events, int64_t deadline_ms, const char *what,
                       dj_error *err)
{
    for (;;) {
        int timeout = -1;
        if (deadline_ms) {
            int64_t left = deadline_ms - dj__now_ms();
            if (left <= 0)
                return dj__err(err, DJ_ETIMEOUT, "%s timed out", what);
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, timeout);
        /* POLLERR / POLLHUP count as ready: the next SSL call reports them. */
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR) {
            int e = errno;
            dj__err(err, DJ_ESYSTEM, "%s: poll failed (errno %d)", what, e);
            if (err)
                err->os_errno = e;
            return DJ_ESYSTEM;
        }
    }
}

/*
 * Called after an SSL call returned ret <= 0, before anything else touches
 * errno: waits for the socket when OpenSSL only needs it to be ready (0), or
 * fills err with why the call failed.
 */
static int wait_or_fail(dj__tls *t, int ret, int64_t deadline_ms, const char *what,
                        dj_error *err)
{
    int os_errno = errno;
    switch (SSL_get_error(t->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return wait_socket(t->fd, POLLIN, deadline_ms, what, err);
    case SSL_ERROR_WANT_WRITE:
        return wait_socket(t->fd, POLLOUT, deadline_ms, what, err);
    case SSL_ERROR_ZERO_RETURN:
        return closed_err(t, err);
    case SSL_ERROR_SYSCALL:
        t->failed = 1;
        if (ERR_peek_error() != 0)
            return protocol_err(t, what, err);
        return socket_err(t, ret == 0 ? 0 : os_errno, what, err);
    case SSL_ERROR_SSL:
        t->failed = 1;
        return protocol_err(t, what, err);
    default:
        t->failed = 1;
        return openssl_err(err, DJ_ETLS, what);
    }
}

/* ---- context ----------------------------------------------------------------- */

/* Encrypted keys would make OpenSSL prompt on the terminal; a library must
 * not, so no passphrase is ever supplied. */
static int refuse_passphrase(char *buf, int size, int rwflag, void *ud)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)ud;
    return 0;
}

/* Keeps the session OpenSSL just made (at the end of a TLS 1.2 handshake, or
 * with each TLS 1.3 ticket, which arrives after it) for the next connect. */
static int keep_new_session(SSL *ssl, SSL_SESSION *session)
{
    const dj__tls *t = SSL_get_app_data(ssl);
    if (!t)
        return 0;
    dj__tls_ctx *ctx = t->ctx;
    SSL_SESSION_free(ctx->session);
    ctx->session = session;
    memcpy(ctx->session_host, t->host, sizeof ctx->session_host);
    return 1; /* the reference is ours now */
}

static int load_trusted_cas(SSL_CTX *sc, const dj_config *cfg, dj_error *err)
{
    const char *file = cfg->tls_ca[0] ? cfg->tls_ca : NULL;
    const char *dir = cfg->tls_capath[0] ? cfg->tls_capath : NULL;
    if (!file && !dir) {
        if (SSL_CTX_set_default_verify_paths(sc) != 1)
            return openssl_err(err, DJ_ECONFIG, "cannot load the system CA certificates");
        return 0;
    }
    if (dir) {
        /* OpenSSL looks into the directory only during verification, where
         * a wrong path would show up as an unexplained unknown CA. */
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return dj__err(err, DJ_ECONFIG, "TLS CA directory %s is not a directory", dir);
    }
    if (SSL_CTX_load_verify_locations(sc, file, dir) != 1)
        return openssl_err_file(err, file ? "TLS CA file" : "TLS CA directory",
                                file ? file : dir);
    return 0;
}

static int load_client_cert(SSL_CTX *sc, const dj_config *cfg, dj_error *err)
{
    if (!cfg->tls_cert[0]) {
        if (cfg->tls_key[0])
            return dj__err(err, DJ_ECONFIG, "TLS client key %s is set without a certificate",
                           cfg->tls_key);
        return 0;
    }
    /* Without tls_key the key is expected in the certificate's PEM file. */
    const char *key = cfg->tls_key[0] ? cfg->tls_key : cfg->tls_cert;
    if (SSL_CTX_use_certificate_chain_file(sc, cfg->tls_cert) != 1)
        return openssl_err_file(err, "TLS client certificate", cfg->tls_cert);
    if (SSL_CTX_use_PrivateKey_file(sc, key, SSL_FILETYPE_PEM) == 1)
        return 0;
    unsigned long e = ERR_peek_error();
    if (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        return dj__err(err, DJ_ECONFIG, "TLS client key %s does not match certificate %s", key,
                       cfg->tls_cert);
    }
    return openssl_err_file(err, "TLS client key", key);
}

static int build_ssl_ctx(dj__tls_ctx *ctx, const dj_config *cfg, dj_error *err)
{
    SSL_CTX *sc = SSL_CTX_new(TLS_client_method());
    if (!sc)
        return openssl_err(err, DJ_ENOMEM, "cannot create the TLS context");
    ctx->ssl_ctx = sc;
    if (SSL_CTX_set_min_proto_version(sc, TLS1_2_VERSION) != 1)
        return openssl_err(err, DJ_ETLS, "cannot require TLS 1.2");
    /* TLS-level compression leaks secrets (CRIME). */
    SSL_CTX_set_options(sc, SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(sc, SSL_MODE_ENABLE_PARTIAL_WRITE);
    SSL_CTX_set_default_passwd_cb(sc, refuse_passphrase);
    /* Client sessions are handed to keep_new_session and live in the
     * dj__tls_ctx, not in OpenSSL's cache. */
    SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(sc, keep_new_session);
    if (cfg->tls_mode >= DJ_TLS_VERIFY_CA) {
        int rc = load_trusted_cas(sc, cfg, err);
        if (rc < 0)
            return rc;
        SSL_CTX_set_verify(sc, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(sc, SSL_VERIFY_NONE, NULL);
    }
    return load_client_cert(sc, cfg, err);
}

static int build_bio_method(dj__tls_ctx *ctx, dj_error *err)
{
    BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "datajoint socket");
    if (!m)
        return openssl_err(err, DJ_ENOMEM, "cannot create the TLS socket method");
    ctx->bio_method = m;
    if (BIO_meth_set_write(m, bio_sock_write) != 1 || BIO_meth_set_read(m, bio_sock_read) != 1 ||
        BIO_meth_set_ctrl(m, bio_sock_ctrl) != 1)
        return openssl_err(err, DJ_ENOMEM, "cannot set up the TLS socket method");
    return 0;
}

int dj__tls_ctx_new(dj__tls_ctx **out, const dj_config *cfg, dj_error *err)
{
    *out = NULL;
    if (cfg->tls_mode == DJ_TLS_DISABLED)
        return 0;
    if (cfg->tls_mode < DJ_TLS_PREFERRED || cfg->tls_mode > DJ_TLS_VERIFY_IDENTITY)
        return dj__err(err, DJ_EINVAL, "unknown TLS mode %d", (int)cfg->tls_mode);
    dj__tls_ctx *ctx = dj__malloc(cfg->allocator, sizeof *ctx);
    if (!ctx)
        return dj__err(err, DJ_ENOMEM, "out of memory for the TLS context");
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = cfg->allocator;
    ctx->mode = cfg->tls_mode;
    ERR_clear_error();
    int rc = build_ssl_ctx(ctx, cfg, err);
    if (rc == 0)
        rc = build_bio_method(ctx, err);
    ERR_clear_error();
    if (rc < 0) {
        dj__tls_ctx_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

void dj__tls_ctx_free(dj__tls_ctx *ctx)
{
    if (!ctx)
        return;
    SSL_SESSION_free(ctx->session);
    SSL_CTX_free(ctx->ssl_ctx);
    BIO_meth_free(ctx->bio_method);
    dj__free(ctx->alloc, ctx);
}

/* ---- connection ---------------------------------------------------------------- */

/* Copies host into ip without IPv6 brackets or "%zone" and tells whether it
 * is an IPv4 or IPv6 literal (1) rather than a name (0). */
static int ip_literal(const char *host, char *ip, size_t size)
{
    unsigned char addr[16];
    if (host[0] == '[')
        host++;
    size_t n = strcspn(host, "%]");
    if (n >= size)
        return 0;
    memcpy(ip, host, n);
    ip[n] = '\0';
    return inet_pton(AF_INET, ip, addr) == 1 || inet_pton(AF_INET6, ip, addr) == 1;
}

/* Names go into SNI and, for verify_identity, into the check; IP literals
 * are never sent as SNI (RFC 6066) and are checked against IP SANs. */
static int set_peer_identity(dj__tls *t, dj_error *err)
{
    char ip[64];
    int is_ip = ip_literal(t->host, ip, sizeof ip);
    if (t->host[0] && !is_ip && SSL_set_tlsext_host_name(t->ssl, t->host) != 1)
        return openssl_err(err, DJ_ETLS, "cannot set the TLS server name");
    if (t->ctx->mode != DJ_TLS_VERIFY_IDENTITY)
        return 0;
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ip)
                   : X509_VERIFY_PARAM_set1_host(param, t->host, 0);
    if (ok != 1)
        return openssl_err(err, DJ_ETLS, "cannot set the host name to verify");
    return 0;
}

/* Offers the session kept from the last connect to this host. A TLS 1.3
 * ticket is offered only once (RFC 8446 C.4); the server sends fresh ones. */
static int offer_kept_session(dj__tls *t, dj_error *err)
{
    dj__tls_ctx *ctx = t->ctx;
    if (!ctx->session || strcmp(ctx->session_host, t->host) != 0)
        return 0;
    int usable = SSL_SESSION_is_resumable(ctx->session);
    if (usable && SSL_set_session(t->ssl, ctx->session) != 1)
        return openssl_err(err, DJ_ETLS, "cannot offer the previous TLS session");
    if (!usable || SSL_SESSION_get_protocol_version(ctx->session) == TLS1_3_VERSION) {
        SSL_SESSION_free(ctx->session);
        ctx->session = NULL;
    }
    return 0;
}

static int setup_ssl(dj__tls *t, dj_error *err)
{
    t->ssl = SSL_new(t->ctx->ssl_ctx);
    if (!t->ssl)
        return openssl_err(err, DJ_ENOMEM, "cannot create the TLS connection");
    BIO *bio = BIO_new(t->ctx->bio_method);
    if (!bio)
        return openssl_err(err, DJ_ENOMEM, "cannot create the TLS socket");
    BIO_set_data(bio, t);
    BIO_set_init(bio, 1);
    SSL_set_bio(t->ssl, bio, bio);
    SSL_set_app_data(t->ssl, t);
    int rc = set_peer_identity(t, err);
    if (rc == 0)
        rc = offer_kept_session(t, err);
    return rc;
}

static int handshake(dj__tls *t, int64_t deadline_ms, dj_error *err)
{
    for (;;) {
        clear_errors();
        int ret = SSL_connect(t->ssl);
        if (ret == 1)
            break;
        int rc = wait_or_fail(t, ret, deadline_ms, "TLS handshake", err);
        if (rc < 0)
            return rc;
    }
    /* SSL_VERIFY_PEER already stops a full handshake on a bad certificate;
     * this also covers a resumed session, whose stored result is reported. */
    if (t->ctx->mode >= DJ_TLS_VERIFY_CA) {
        long result = SSL_get_verify_result(t->ssl);
        if (result != X509_V_OK)
            return verify_err(t, result, err);
    }
    t->established = 1;
    return 0;
}

int dj__tls_start(dj__tls **out, int fd, const char *host, dj__tls_ctx *ctx,
                  int64_t deadline_ms, dj_error *err)
{
    *out = NULL;
    if (!ctx)
        return dj__err(err, DJ_EINVAL, "TLS is disabled in this configuration");
    if (!host)
        host = "";
    if (ctx->mode == DJ_TLS_VERIFY_IDENTITY && !host[0])
        return dj__err(err, DJ_EINVAL,
                       "verify_identity needs a host name to check the certificate against");
    dj__tls *t = dj__malloc(ctx->alloc, sizeof *t);
    if (!t)
        return dj__err(err, DJ_ENOMEM, "out of memory for the TLS connection");
    memset(t, 0, sizeof *t);
    t->ctx = ctx;
    t->fd = fd;
    if (dj__strlcpy(t->host, host, sizeof t->host) < 0) {
        dj__free(ctx->alloc, t);
        return dj__err(err, DJ_EINVAL, "TLS host name is too long");
    }
    ERR_clear_error();
    int rc = setup_ssl(t, err);
    if (rc == 0)
        rc = handshake(t, deadline_ms, err);
    if (rc < 0) {
        dj__tls_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

long dj__tls_read(dj__tls *t, void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    if (len == 0)
        return dj__err(err, DJ_EINVAL, "TLS read of 0 bytes");
    int chunk = len > INT_MAX ? INT_MAX : (int)len;
    for (;;) {
        clear_errors();
        int n = SSL_read(t->ssl, buf, chunk);
        if (n > 0)
            return n;
        int rc = wait_or_fail(t, n, deadline_ms, "TLS read", err);
        if (rc < 0)
            return rc;
    }
}

int dj__tls_write(dj__tls *t, const void *buf, size_t len, int64_t deadline_ms, dj_error *err)
{
    const unsigned char *p = buf;
    while (len > 0) {
        int chunk = len > INT_MAX ? INT_MAX : (int)len;
        clear_errors();
        int n = SSL_write(t->ssl, p, chunk);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        int rc = wait_or_fail(t, n, deadline_ms, "TLS write", err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

size_t dj__tls_pending(dj__tls *t)
{
    int n = SSL_pending(t->ssl);
    return n > 0 ? (size_t)n : 0;
}

const char *dj__tls_version(const dj__tls *t)
{
    return SSL_get_version(t->ssl);
}

int dj__tls_verified(const dj__tls *t)
{
    return t->ctx->mode >= DJ_TLS_VERIFY_CA;
}

int dj__tls_resumed(const dj__tls *t)
{
    return SSL_session_reused(t->ssl) == 1;
}

void dj__tls_free(dj__tls *t)
{
    if (!t)
        return;
    if (t->ssl) {
        /* One non-blocking attempt: a close_notify lets the server end
         * quietly and keeps the session resumable; waiting for its answer
         * would only slow closing down. */
        if (t->established && !t->failed) {
            ERR_clear_error();
            SSL_shutdown(t->ssl);
        }
        SSL_free(t->ssl);
        ERR_clear_error();
    }
    dj__free(t->ctx->alloc, t);
}
