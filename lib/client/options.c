/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.c - what the client itself needs of a dj_config besides its
 * fields: the names of the TLS modes (its messages name them) and wiping a
 * configuration (the connection's copy holds the password). The DataJoint
 * layer's config.c builds on these; the client never calls up into it.
 */
#include "core/internal.h"

/* In the order of dj_tls_mode. */
static const char tls_mode_names[] = "disabled\0preferred\0required\0verify_ca\0"
                                     "verify_identity\0";

const char *dj_tls_mode_name(dj_tls_mode mode)
{
    return (unsigned)mode <= DJ_TLS_VERIFY_IDENTITY ? dj__word_at(tls_mode_names, mode)
                                                     : "unknown";
}

void dj_config_clear(dj_config *cfg)
{
    if (cfg)
        dj__wipe(cfg, sizeof *cfg);
}
