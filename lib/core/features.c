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
    return f;
}

const char *dj_features_string(void)
{
    return ""
#ifdef HAVE_OPENSSL
           "tls rsa"
#endif
#if defined(HAVE_OPENSSL) && defined(HAVE_LIBSODIUM)
           " "
#endif
#ifdef HAVE_LIBSODIUM
           "ed25519"
#endif
#if defined(HAVE_OPENSSL) && defined(HAVE_LIBSODIUM)
           " parsec"
#endif
#if (defined(HAVE_OPENSSL) || defined(HAVE_LIBSODIUM)) && defined(HAVE_ZLIB)
           " "
#endif
#ifdef HAVE_ZLIB
           "zlib"
#endif
        ;
}
