#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every integration test program against one real MariaDB: a throwaway
# server started here (tests/server/with-server), or the server named by
# DJ_TEST_HOST. Each program's Criterion report is printed in full, so the
# log shows every test that ran; the exit status is non-zero if any failed.
# DJ_VALGRIND (set by make check-valgrind) runs each program under valgrind.
set -uo pipefail

top_src=${DJ_TOP_SRCDIR:?run through make check}
top_build=${DJ_TOP_BUILDDIR:?run through make check}

if [ -z "${DJ_TEST_HOST:-}" ] && [ -z "${DJ_INTEGRATION_INNER:-}" ]; then
    export DJ_INTEGRATION_INNER=1
    exec "$top_src/tests/server/with-server" "$0" "$@"
fi

if [ -z "${DJ_TEST_HOST:-}" ]; then
    echo "FAIL: no test server (DJ_TEST_HOST unset after starting one)" >&2
    exit 1
fi
echo "integration tests against ${DJ_TEST_HOST}:${DJ_TEST_PORT} (${DJ_TEST_SERVER_VERSION:-version unknown})"

status=0
for t in ${DJ_INTEGRATION_TESTS:?}; do
    echo "=== $t"
    # Criterion's own parallelism is enough for two cores; JUnit-free plain output.
    # shellcheck disable=SC2086  # DJ_VALGRIND is a command with options
    if ! ${DJ_VALGRIND:-} "$top_build/$t" --jobs "${DJ_TEST_JOBS:-2}"; then
        echo "FAIL: $t" >&2
        status=1
    fi
done
# Plain programs (tests/oom): they print their own synthesis line.
for t in ${DJ_PLAIN_INTEGRATION_TESTS:-}; do
    echo "=== $t"
    # shellcheck disable=SC2086
    if ! ${DJ_VALGRIND:-} "$top_build/$t"; then
        echo "FAIL: $t" >&2
        status=1
    fi
done
exit $status
