# SPDX-License-Identifier: Apache-2.0
# Debian packages the scripts need, in one place (sourced, not run).
# Build: compiler driver bits, Autotools, pkg-config and the optional libraries.
DJ_BUILD_PACKAGES="gcc make autoconf automake libtool pkg-config binutils libssl-dev libsodium-dev zlib1g-dev"
# Tests: Criterion, and the throwaway MariaDB with its independent client;
# libmariadb-dev (Connector/C) checks the scripted test server as an independent client.
# mandoc and groff-base lint the man page (tests/man-lint.sh).
DJ_TEST_PACKAGES="libcriterion-dev mariadb-server-core mariadb-client-core openssl libmariadb-dev mandoc groff-base"
# Static builds (scripts/static): musl-gcc and strip; the glibc static build
# links Debian's libssl.a, libsodium.a and libz.a from the -dev packages above.
DJ_STATIC_PACKAGES="musl-tools binutils"
