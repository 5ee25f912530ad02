/*
 * plugins.c - the table of built-in authentication plugins. A plugin whose
 * library was not compiled in has no row, so the auth loop reports it as
 * unknown instead of failing halfway through the exchange.
 */
#include "auth/auth.h"

static const dj__auth_plugin builtin_plugins[] = {
    {"mysql_native_password", 0, dj__auth_native_start, NULL},
    {"caching_sha2_password", 0, dj__auth_csha2_start, dj__auth_csha2_more},
    {"sha256_password", 0, dj__auth_sha256_start, dj__auth_sha256_more},
#ifdef HAVE_LIBSODIUM
    {"client_ed25519", 32, dj__auth_ed25519_start, NULL},
#endif
#if defined(HAVE_LIBSODIUM) && defined(HAVE_OPENSSL)
    {"parsec", 32, dj__auth_parsec_start, dj__auth_parsec_more},
#endif
    {"mysql_clear_password", 0, dj__auth_clear_start, NULL},
};

int dj__auth_challenge_fits(const dj__auth_plugin *p, size_t len)
{
    return p->nonce_len ? len == p->nonce_len : len >= 20;
}

const dj__auth_plugin *dj__auth_find(const char *name, size_t len)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < DJ__ARRAY_LEN(builtin_plugins); i++) {
        const dj__auth_plugin *p = &builtin_plugins[i];
        if (strlen(p->name) == len && memcmp(p->name, name, len) == 0)
            return p;
    }
    return NULL;
}

void dj__auth_ctx_wipe(dj__auth_ctx *ctx)
{
    dj__wipe(ctx->out, sizeof ctx->out);
    ctx->out_len = 0;
    ctx->step = 0;
}

int dj__auth_need_scramble(const dj__auth_ctx *ctx, const char *plugin, dj_error *err)
{
    /* Servers send 20 bytes plus a NUL; only the 20 take part in the hashes. */
    if (ctx->challenge_len < 20)
        return dj__err(err, DJ_EPROTO, "%s: the server's scramble is %zu bytes, expected 20",
                       plugin, ctx->challenge_len);
    return 0;
}
