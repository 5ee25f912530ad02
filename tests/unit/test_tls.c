/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tls.c - the TLS transport against an in-process OpenSSL server.
 *
 * Each test gets freshly made certificates (a CA, a second unrelated CA, a
 * good server certificate for IP:127.0.0.1, IP:::1 and DNS:localhost, an expired
 * one, one for another name, and a client certificate) and talks to a
 * server thread over a socketpair. The server answers a length-prefixed
 * echo: 4 bytes little-endian length, then that many bytes, sent back whole.
 * A build without OpenSSL checks that every mode but disabled is refused.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "net/tls.h"

#ifdef HAVE_OPENSSL

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define PATH_SIZE 256

static struct {
    char dir[PATH_SIZE];
    char ca_file[PATH_SIZE];
    char other_ca_file[PATH_SIZE];
    char capath[PATH_SIZE];
    char capath_file[PATH_SIZE];
    char client_cert_file[PATH_SIZE];
    char client_key_file[PATH_SIZE];
    EVP_PKEY *ca_key, *other_ca_key, *server_key, *client_key;
    X509 *ca, *other_ca, *good, *expired, *wrong_name, *client;
    long next_serial;
} fx;

/* ---- certificates ------------------------------------------------------- */

struct cert_spec {
    const char *cn;
    const char *san; /* NULL for none */
    long from_days;  /* validity relative to now */
    long to_days;
    int is_ca;
};

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    cr_assert_not_null(key, "EC key generation failed");
    return key;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    cr_assert_not_null(ext, "extension %s", value);
    cr_assert_eq(X509_add_ext(cert, ext, -1), 1);
    X509_EXTENSION_free(ext);
}

/* issuer NULL makes a self-signed certificate. */
static X509 *make_cert(const struct cert_spec *spec, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key)
{
    X509 *cert = X509_new();
    cr_assert_not_null(cert);
    cr_assert_eq(X509_set_version(cert, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), ++fx.next_serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), spec->from_days * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(cert), spec->to_days * 86400L);
    cr_assert_eq(X509_set_pubkey(cert, key), 1);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)spec->cn, -1, -1,
                               0);
    X509 *signer = issuer ? issuer : cert;
    cr_assert_eq(X509_set_issuer_name(cert, X509_get_subject_name(signer)), 1);
    if (spec->is_ca) {
        add_ext(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(cert, signer, NID_basic_constraints, "CA:FALSE");
    }
    if (spec->san)
        add_ext(cert, signer, NID_subject_alt_name, spec->san);
    cr_assert(X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return cert;
}

static void write_cert(const char *path, X509 *cert)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(PEM_write_X509(f, cert), 1);
    fclose(f);
}

static void write_key(const char *path, EVP_PKEY *key)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
}

static void in_dir(char *out, const char *name)
{
    cr_assert(snprintf(out, PATH_SIZE, "%s/%s", fx.dir, name) < PATH_SIZE);
}

static void make_fixtures(void)
{
    memset(&fx, 0, sizeof fx);
    strcpy(fx.dir, "/tmp/dj_test_tls_XXXXXX");
    cr_assert_not_null(mkdtemp(fx.dir));
    fx.ca_key = new_key();
    fx.other_ca_key = new_key();
    fx.server_key = new_key();
    fx.client_key = new_key();

    const struct cert_spec ca = {"datajoint test CA", NULL, -1, 30, 1};
    const struct cert_spec other_ca = {"unrelated test CA", NULL, -1, 30, 1};
    const struct cert_spec good = {"localhost", "IP:127.0.0.1,IP:::1,DNS:localhost", -1, 30, 0};
    const struct cert_spec expired = {"localhost", "IP:127.0.0.1,DNS:localhost", -10, -1, 0};
    const struct cert_spec wrong = {"db.wrong.example", "DNS:db.wrong.example", -1, 30, 0};
    const struct cert_spec client = {"datajoint client", NULL, -1, 30, 0};
    fx.ca = make_cert(&ca, fx.ca_key, NULL, NULL);
    fx.other_ca = make_cert(&other_ca, fx.other_ca_key, NULL, NULL);
    fx.good = make_cert(&good, fx.server_key, fx.ca, fx.ca_key);
    fx.expired = make_cert(&expired, fx.server_key, fx.ca, fx.ca_key);
    fx.wrong_name = make_cert(&wrong, fx.server_key, fx.ca, fx.ca_key);
    fx.client = make_cert(&client, fx.client_key, fx.ca, fx.ca_key);

    in_dir(fx.ca_file, "ca.pem");
    in_dir(fx.other_ca_file, "other_ca.pem");
    in_dir(fx.client_cert_file, "client.pem");
    in_dir(fx.client_key_file, "client_key.pem");
    in_dir(fx.capath, "capath");
    write_cert(fx.ca_file, fx.ca);
    write_cert(fx.other_ca_file, fx.other_ca);
    write_cert(fx.client_cert_file, fx.client);
    write_key(fx.client_key_file, fx.client_key);
    /* A CA directory finds certificates by subject-name hash. */
    cr_assert_eq(mkdir(fx.capath, 0700), 0);
    cr_assert(snprintf(fx.capath_file, PATH_SIZE, "%s/%08lx.0", fx.capath,
                       X509_subject_name_hash(fx.ca)) < PATH_SIZE);
    write_cert(fx.capath_file, fx.ca);
}

static void remove_fixtures(void)
{
    unlink(fx.capath_file);
    rmdir(fx.capath);
    unlink(fx.ca_file);
    unlink(fx.other_ca_file);
    unlink(fx.client_cert_file);
    unlink(fx.client_key_file);
    rmdir(fx.dir);
    X509 *certs[] = {fx.ca, fx.other_ca, fx.good, fx.expired, fx.wrong_name, fx.client};
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        X509_free(certs[i]);
    EVP_PKEY *keys[] = {fx.ca_key, fx.other_ca_key, fx.server_key, fx.client_key};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        EVP_PKEY_free(keys[i]);
}

TestSuite(tls, .init = make_fixtures, .fini = remove_fixtures, .timeout = 20);

/* ---- the server --------------------------------------------------------- */

typedef enum {
    SERVE_ECHO,         /* length-prefixed echo until the client closes */
    SERVE_CLOSE_NOTIFY, /* handshake, then an orderly TLS close */
    SERVE_HANG_UP       /* handshake, then the socket is closed without close_notify */
} serve_mode;

struct server {
    SSL_CTX *ctx;
    int fd;
    serve_mode mode;
    int handshake_ok;
    char sni[64]; /* the server name the client sent, "" for none */
    pthread_t thread;
};

static SSL_CTX *server_ctx(X509 *cert)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    cr_assert_not_null(ctx);
    cr_assert_eq(SSL_CTX_use_certificate(ctx, cert), 1);
    cr_assert_eq(SSL_CTX_use_PrivateKey(ctx, fx.server_key), 1);
    return ctx;
}

static int read_all(SSL *ssl, unsigned char *buf, size_t len)
{
    while (len > 0) {
        int n = SSL_read(ssl, buf, len > 65536 ? 65536 : (int)len);
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void echo_messages(SSL *ssl)
{
    unsigned char hdr[4];
    while (read_all(ssl, hdr, 4) == 0) {
        size_t len = hdr[0] | (size_t)hdr[1] << 8 | (size_t)hdr[2] << 16 | (size_t)hdr[3] << 24;
        unsigned char *body = malloc(len + 1);
        if (!body || read_all(ssl, body, len) != 0 || SSL_write(ssl, hdr, 4) != 4 ||
            (len > 0 && SSL_write(ssl, body, (int)len) != (int)len)) {
            free(body);
            return;
        }
        free(body);
    }
}

static void *serve(void *arg)
{
    struct server *s = arg;
    /* The server uses OpenSSL's plain socket BIO: keep its SIGPIPE away from
     * the process, whose default disposition checks the client never raises one. */
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    SSL *ssl = SSL_new(s->ctx);
    SSL_set_fd(ssl, s->fd);
    if (SSL_accept(ssl) == 1) {
        s->handshake_ok = 1;
        const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        if (sni)
            snprintf(s->sni, sizeof s->sni, "%s", sni);
        if (s->mode == SERVE_ECHO)
            echo_messages(ssl);
        else if (s->mode == SERVE_CLOSE_NOTIFY)
            SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(s->fd);
    ERR_clear_error();
    return NULL;
}

/* Starts a server thread on one end of a socketpair; returns the client
 * end, non-blocking like the sockets of the library. */
static int start_server(struct server *s, SSL_CTX *ctx, serve_mode mode)
{
    int fds[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    struct timeval limit = {.tv_sec = 5};
    setsockopt(fds[1], SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fds[1], SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    cr_assert_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), 0);
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->fd = fds[1];
    s->mode = mode;
    cr_assert_eq(pthread_create(&s->thread, NULL, serve, s), 0);
    return fds[0];
}

/* ---- the client --------------------------------------------------------- */

struct client {
    struct server server;
    int fd;
    dj__tls *tls;
};

static dj_config config_for(dj_tls_mode mode)
{
    dj_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tls_mode = mode;
    return cfg;
}

static dj__tls_ctx *new_ctx(const dj_config *cfg)
{
    dj_error err;
    dj__tls_ctx *ctx = NULL;
    cr_assert_eq(dj__tls_ctx_new(&ctx, cfg, &err), 0, "%s", err.message);
    cr_assert_not_null(ctx);
    return ctx;
}

/* Connects through TLS to a server using server_ctx; returns dj__tls_start's status. */
static int client_open(struct client *c, SSL_CTX *server, serve_mode mode, dj__tls_ctx *ctx,
                       const char *host, dj_error *err)
{
    c->fd = start_server(&c->server, server, mode);
    return dj__tls_start(&c->tls, c->fd, host, ctx, dj__deadline(5000), err);
}

static void client_close(struct client *c)
{
    dj__tls_free(c->tls);
    c->tls = NULL;
    close(c->fd);
    pthread_join(c->server.thread, NULL);
}

/* Opens, expects the handshake to fail with DJ_ETLS, and returns the message. */
static void expect_tls_failure(SSL_CTX *server, dj__tls_ctx *ctx, const char *host,
                               dj_error *err)
{
    struct client c;
    int rc = client_open(&c, server, SERVE_ECHO, ctx, host, err);
    cr_assert_eq(rc, DJ_ETLS, "expected DJ_ETLS, got %d: %s", rc, err->message);
    cr_assert_null(c.tls);
    cr_assert_eq(ERR_peek_error(), 0, "OpenSSL errors were left queued");
    client_close(&c);
}

static void read_exact(dj__tls *t, unsigned char *buf, size_t len)
{
    dj_error err;
    while (len > 0) {
        long n = dj__tls_read(t, buf, len, dj__deadline(5000), &err);
        cr_assert_gt(n, 0, "read failed: %s", err.message);
        buf += n;
        len -= (size_t)n;
    }
}

static void round_trip(dj__tls *t, const unsigned char *data, size_t len)
{
    dj_error err;
    unsigned char hdr[4] = {(unsigned char)len, (unsigned char)(len >> 8),
                            (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
    cr_assert_eq(dj__tls_write(t, hdr, 4, dj__deadline(5000), &err), 0, "%s", err.message);
    cr_assert_eq(dj__tls_write(t, data, len, dj__deadline(5000), &err), 0, "%s", err.message);
    unsigned char back_hdr[4];
    read_exact(t, back_hdr, 4);
    cr_assert_eq(memcmp(hdr, back_hdr, 4), 0);
    unsigned char *back = malloc(len + 1);
    cr_assert_not_null(back);
    read_exact(t, back, len);
    cr_assert_eq(memcmp(back, data, len), 0, "echoed data differs");
    free(back);
}

static void connect_and_echo(SSL_CTX *server, dj__tls_ctx *ctx, const char *host, int verified)
{
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, host, &err), 0, "%s", err.message);
    cr_assert_eq(dj__tls_verified(c.tls), verified);
    round_trip(c.tls, (const unsigned char *)"select 1", 8);
    client_close(&c);
}

/* ---- modes and verification --------------------------------------------- */

Test(tls, preferred_connects_to_an_unverifiable_server_without_any_ca)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.expired);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, "127.0.0.1", &err), 0, "%s",
                 err.message);
    cr_assert_eq(dj__tls_verified(c.tls), 0);
    cr_assert_str_eq(dj__tls_version(c.tls), "TLSv1.3");
    client_close(&c);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, required_does_not_verify_the_certificate)
{
    dj_config cfg = config_for(DJ_TLS_REQUIRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.wrong_name);
    connect_and_echo(server, ctx, "localhost", 0);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_ca_passes_with_the_issuing_ca_and_ignores_the_name)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.wrong_name);
    connect_and_echo(server, ctx, "127.0.0.1", 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_ca_finds_the_ca_in_a_ca_directory)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_capath, fx.capath);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    connect_and_echo(server, ctx, "127.0.0.1", 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_ca_with_another_ca_fails_naming_unknown_ca)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_ca, fx.other_ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    dj_error err;
    expect_tls_failure(server, ctx, "127.0.0.1", &err);
    cr_assert(strstr(err.message, "certificate verification failed"), "%s", err.message);
    cr_assert(strstr(err.message, "unknown CA"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_ca_rejects_an_expired_certificate_naming_expiry)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.expired);
    dj_error err;
    expect_tls_failure(server, ctx, "127.0.0.1", &err);
    cr_assert(strstr(err.message, "certificate has expired"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_identity_accepts_the_ip_and_the_dns_name_of_the_certificate)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    connect_and_echo(server, ctx, "127.0.0.1", 1);
    connect_and_echo(server, ctx, "localhost", 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_identity_checks_ipv6_literals_with_or_without_brackets)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    connect_and_echo(server, ctx, "::1", 1);
    connect_and_echo(server, ctx, "[::1]", 1);
    dj_error err;
    expect_tls_failure(server, ctx, "::2", &err);
    cr_assert(strstr(err.message, "IP address mismatch"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, the_server_name_is_sent_for_names_but_not_for_ip_literals)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    const char *hosts[] = {"localhost", "127.0.0.1", "::1"};
    const char *sent[] = {"localhost", "", ""};
    for (size_t i = 0; i < 3; i++) {
        struct client c;
        dj_error err;
        cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, hosts[i], &err), 0, "%s",
                     err.message);
        round_trip(c.tls, (const unsigned char *)"x", 1);
        client_close(&c);
        cr_assert_str_eq(c.server.sni, sent[i], "host %s", hosts[i]);
    }
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_identity_rejects_a_certificate_for_another_name)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.wrong_name);
    dj_error err;
    expect_tls_failure(server, ctx, "localhost", &err);
    cr_assert(strstr(err.message, "hostname mismatch"), "%s", err.message);
    cr_assert(strstr(err.message, "not for localhost"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_identity_rejects_an_ip_the_certificate_does_not_name)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    dj_error err;
    expect_tls_failure(server, ctx, "127.0.0.2", &err);
    cr_assert(strstr(err.message, "IP address mismatch"), "%s", err.message);
    cr_assert(strstr(err.message, "not for 127.0.0.2"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, verify_identity_without_a_host_is_refused)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    dj__tls *t = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_start(&t, -1, "", ctx, 0, &err), DJ_EINVAL);
    cr_assert_null(t);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_server_below_tls_1_2_is_refused)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    SSL_CTX_set_security_level(server, 0);
    SSL_CTX_set_cipher_list(server, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(server, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(server, TLS1_1_VERSION);
    dj_error err;
    expect_tls_failure(server, ctx, "127.0.0.1", &err);
    cr_assert(strstr(err.message, "TLS handshake failed"), "%s", err.message);
    cr_assert(strstr(err.message, "protocol"), "%s", err.message);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, disabled_mode_needs_no_context_and_cannot_start)
{
    dj_config cfg = config_for(DJ_TLS_DISABLED);
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), 0);
    cr_assert_null(ctx);
    dj__tls *t = NULL;
    cr_assert_eq(dj__tls_start(&t, -1, "localhost", NULL, 0, &err), DJ_EINVAL);
    cr_assert_null(t);
    dj__tls_ctx_free(NULL);
}

/* ---- files ---------------------------------------------------------------- */

Test(tls, a_missing_ca_file_is_a_config_error_naming_the_file)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    in_dir(cfg.tls_ca, "no_such_ca.pem");
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), DJ_ECONFIG);
    cr_assert_null(ctx);
    cr_assert(strstr(err.message, cfg.tls_ca), "%s", err.message);
    cr_assert_eq(ERR_peek_error(), 0);
}

Test(tls, a_ca_directory_that_is_not_one_is_a_config_error)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_capath, fx.ca_file);
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, fx.ca_file), "%s", err.message);
}

Test(tls, ca_files_are_ignored_by_the_modes_that_do_not_verify)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    in_dir(cfg.tls_ca, "no_such_ca.pem");
    dj__tls_ctx *ctx = new_ctx(&cfg);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_client_certificate_is_presented_to_a_server_that_requires_one)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_CA);
    strcpy(cfg.tls_ca, fx.ca_file);
    strcpy(cfg.tls_cert, fx.client_cert_file);
    strcpy(cfg.tls_key, fx.client_key_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(server), fx.ca);
    SSL_CTX_set_verify(server, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, "localhost", &err), 0, "%s",
                 err.message);
    /* With TLS 1.3 the server judges the client certificate after the
     * client's handshake ends: the echo proves it was accepted. */
    round_trip(c.tls, (const unsigned char *)"whoami", 6);
    client_close(&c);
    cr_assert_eq(c.server.handshake_ok, 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_missing_client_key_is_a_config_error_naming_the_file)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    strcpy(cfg.tls_cert, fx.client_cert_file);
    in_dir(cfg.tls_key, "no_such_key.pem");
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), DJ_ECONFIG);
    cr_assert(strstr(err.message, cfg.tls_key), "%s", err.message);
}

Test(tls, a_client_key_that_does_not_match_the_certificate_is_refused)
{
    char other_key[PATH_SIZE];
    in_dir(other_key, "other_key.pem");
    write_key(other_key, fx.server_key);
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    strcpy(cfg.tls_cert, fx.client_cert_file);
    strcpy(cfg.tls_key, other_key);
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    int rc = dj__tls_ctx_new(&ctx, &cfg, &err);
    unlink(other_key);
    cr_assert_eq(rc, DJ_ECONFIG);
    cr_assert(strstr(err.message, "does not match"), "%s", err.message);
}

/* ---- data, closing, timeouts ---------------------------------------------- */

Test(tls, a_megabyte_goes_through_and_comes_back_intact)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, "localhost", &err), 0, "%s",
                 err.message);
    size_t len = 1u << 20;
    unsigned char *data = malloc(len);
    cr_assert_not_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 131u + (i >> 9));
    round_trip(c.tls, data, len);
    free(data);
    client_close(&c);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, pending_counts_decrypted_bytes_not_yet_read)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, "localhost", &err), 0, "%s",
                 err.message);
    unsigned char msg[4 + 100] = {100};
    cr_assert_eq(dj__tls_write(c.tls, msg, sizeof msg, dj__deadline(5000), &err), 0);
    /* The server sends header and body as two records. */
    unsigned char hdr[4];
    read_exact(c.tls, hdr, 2);
    cr_assert_eq(dj__tls_pending(c.tls), 2);
    read_exact(c.tls, hdr + 2, 2);
    cr_assert_eq(dj__tls_pending(c.tls), 0);
    client_close(&c);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, close_notify_from_the_server_reads_as_connection_closed)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_CLOSE_NOTIFY, ctx, "localhost", &err), 0, "%s",
                 err.message);
    unsigned char buf[16];
    cr_assert_eq(dj__tls_read(c.tls, buf, sizeof buf, dj__deadline(5000), &err), DJ_ELOST);
    cr_assert_str_eq(err.message, "connection closed by the server");
    cr_assert_eq(err.kind, DJ_KIND_LOST_CONNECTION);
    client_close(&c);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_server_hanging_up_reads_as_lost_and_writes_raise_no_sigpipe)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_HANG_UP, ctx, "localhost", &err), 0, "%s",
                 err.message);
    pthread_join(c.server.thread, NULL);
    unsigned char buf[16];
    cr_assert_eq(dj__tls_read(c.tls, buf, sizeof buf, dj__deadline(5000), &err), DJ_ELOST,
                 "%s", err.message);
    /* The default SIGPIPE disposition would end this process here. */
    int rc = dj__tls_write(c.tls, "ping", 4, dj__deadline(5000), &err);
    cr_assert_eq(rc, DJ_ELOST, "got %d: %s", rc, err.message);
    dj__tls_free(c.tls);
    close(c.fd);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_silent_peer_makes_the_handshake_time_out_at_the_deadline)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    int fds[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    cr_assert_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), 0);
    dj__tls *t = NULL;
    dj_error err;
    int64_t start = dj__now_ms();
    int rc = dj__tls_start(&t, fds[0], "localhost", ctx, start + 200, &err);
    int64_t took = dj__now_ms() - start;
    cr_assert_eq(rc, DJ_ETIMEOUT, "%s", err.message);
    cr_assert_str_eq(err.message, "TLS handshake timed out");
    cr_assert_null(t);
    cr_assert_geq(took, 190);
    cr_assert_lt(took, 1000);
    close(fds[0]);
    close(fds[1]);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_read_with_nothing_to_read_times_out_at_the_deadline)
{
    dj_config cfg = config_for(DJ_TLS_PREFERRED);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, "localhost", &err), 0, "%s",
                 err.message);
    unsigned char buf[16];
    int64_t start = dj__now_ms();
    cr_assert_eq(dj__tls_read(c.tls, buf, sizeof buf, start + 100, &err), DJ_ETIMEOUT);
    int64_t took = dj__now_ms() - start;
    cr_assert_str_eq(err.message, "TLS read timed out");
    cr_assert_geq(took, 90);
    cr_assert_lt(took, 1000);
    /* A timeout is not fatal: the connection still works. */
    round_trip(c.tls, (const unsigned char *)"still here", 10);
    client_close(&c);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

/* ---- session resumption ------------------------------------------------- */

/* Connects, echoes, closes; returns whether the session was resumed. */
static int connect_once(SSL_CTX *server, dj__tls_ctx *ctx, const char *host)
{
    struct client c;
    dj_error err;
    cr_assert_eq(client_open(&c, server, SERVE_ECHO, ctx, host, &err), 0, "%s", err.message);
    int resumed = dj__tls_resumed(c.tls);
    cr_assert_eq(dj__tls_verified(c.tls), 1, "a resumed session stays verified");
    round_trip(c.tls, (const unsigned char *)"ping", 4);
    client_close(&c);
    return resumed;
}

Test(tls, a_reconnect_resumes_the_tls_1_3_session_with_the_same_context)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 0);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 1);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_reconnect_resumes_the_tls_1_2_session_with_the_same_context)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    SSL_CTX_set_max_proto_version(server, TLS1_2_VERSION);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 0);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 1);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 1);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

Test(tls, a_session_is_not_offered_to_another_host)
{
    dj_config cfg = config_for(DJ_TLS_VERIFY_IDENTITY);
    strcpy(cfg.tls_ca, fx.ca_file);
    dj__tls_ctx *ctx = new_ctx(&cfg);
    SSL_CTX *server = server_ctx(fx.good);
    cr_assert_eq(connect_once(server, ctx, "localhost"), 0);
    cr_assert_eq(connect_once(server, ctx, "127.0.0.1"), 0);
    SSL_CTX_free(server);
    dj__tls_ctx_free(ctx);
}

#else /* !HAVE_OPENSSL */

Test(tls, without_openssl_only_disabled_is_accepted)
{
    dj_config cfg;
    memset(&cfg, 0, sizeof cfg);
    dj__tls_ctx *ctx = NULL;
    dj_error err;
    cfg.tls_mode = DJ_TLS_DISABLED;
    cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), 0);
    cr_assert_null(ctx);
    const dj_tls_mode others[] = {DJ_TLS_PREFERRED, DJ_TLS_REQUIRED, DJ_TLS_VERIFY_CA,
                                  DJ_TLS_VERIFY_IDENTITY};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        cfg.tls_mode = others[i];
        cr_assert_eq(dj__tls_ctx_new(&ctx, &cfg, &err), DJ_EUNSUPPORTED);
        cr_assert_null(ctx);
        cr_assert(strstr(err.message, "not compiled in"), "%s", err.message);
    }
}

Test(tls, without_openssl_a_handshake_is_unsupported)
{
    dj__tls *t = NULL;
    dj_error err;
    cr_assert_eq(dj__tls_start(&t, -1, "localhost", NULL, 0, &err), DJ_EUNSUPPORTED);
    cr_assert_null(t);
}

#endif
