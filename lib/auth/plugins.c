/* SPDX-License-Identifier: Apache-2.0 */
/*
 * plugins.c - the table of built-in authentication plugins. A plugin whose
 * library was not compiled in has no row, so the auth loop reports it as
 * unknown instead of failing halfway through the exchange. Adding a plugin
 * is one file that exports its dj__auth_plugin, one row here, and its line
 * in Makefile.am.
 */
#include "auth/auth.h"

#ifdef HAVE_LIBSODIUM
#define WITH_SODIUM(x) x
#else
#define WITH_SODIUM(x)
#endif
#if defined(HAVE_LIBSODIUM) && defined(HAVE_OPENSSL)
#define WITH_SODIUM_AND_OPENSSL(x) x
#else
#define WITH_SODIUM_AND_OPENSSL(x)
#endif

/* One row per plugin: the descriptor its file exports, in the order the
 * names are looked up. */
#define PLUGINS(X)                               \
    X(dj__auth_native)                           \
    X(dj__auth_csha2)                            \
    X(dj__auth_sha256)                           \
    WITH_SODIUM(X(dj__auth_ed25519))             \
    WITH_SODIUM_AND_OPENSSL(X(dj__auth_parsec))  \
    X(dj__auth_clear)

#define DECLARE_PLUGIN(d) extern const dj__auth_plugin d;
#define PLUGIN_ROW(d) &d,
PLUGINS(DECLARE_PLUGIN)
static const dj__auth_plugin *const builtin_plugins[] = {PLUGINS(PLUGIN_ROW)};

int dj__auth_challenge_fits(const dj__auth_plugin *p, size_t len)
{
    return p->nonce_len ? len == p->nonce_len : len >= 20;
}

const dj__auth_plugin *dj__auth_find(const char *name, size_t len)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < DJ__ARRAY_LEN(builtin_plugins); i++) {
        const dj__auth_plugin *p = builtin_plugins[i];
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
