/* SPDX-License-Identifier: Apache-2.0 */
/* features.c - what this build carries. */
#include "core/internal.h"

const char *dj_version(void)
{
    return PACKAGE_VERSION;
}

unsigned dj_features(void)
{
    unsigned f = 0;
#ifdef HAVE_OPENSSL
    f |= DJ_FEATURE_TLS | DJ_FEATURE_RSA;
#endif
#ifdef HAVE_LIBSODIUM
    f |= DJ_FEATURE_ED25519;
#endif
#ifdef HAVE_ZLIB
    f |= DJ_FEATURE_COMPRESSION;
#endif
#ifdef HAVE_DECLARE
    f |= DJ_FEATURE_DECLARE;
#endif
    return f;
}

/* Each word with its leading space; the list drops the first space. */
#ifdef HAVE_OPENSSL
#define DJ__WORDS_OPENSSL " tls rsa"
#else
#define DJ__WORDS_OPENSSL ""
#endif
#ifdef HAVE_LIBSODIUM
#define DJ__WORDS_SODIUM " ed25519"
#else
#define DJ__WORDS_SODIUM ""
#endif
/* parsec needs PBKDF2 (OpenSSL) and ed25519 (libsodium). */
#if defined(HAVE_OPENSSL) && defined(HAVE_LIBSODIUM)
#define DJ__WORDS_PARSEC " parsec"
#else
#define DJ__WORDS_PARSEC ""
#endif
#ifdef HAVE_ZLIB
#define DJ__WORDS_ZLIB " zlib"
#else
#define DJ__WORDS_ZLIB ""
#endif
#ifdef HAVE_DECLARE
#define DJ__WORDS_DECLARE " declare"
#else
#define DJ__WORDS_DECLARE ""
#endif

const char *dj_features_string(void)
{
    static const char words[] = "" DJ__WORDS_OPENSSL DJ__WORDS_SODIUM DJ__WORDS_PARSEC
        DJ__WORDS_ZLIB DJ__WORDS_DECLARE;
    return words[0] ? words + 1 : words;
}
