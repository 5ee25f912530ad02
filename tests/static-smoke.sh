#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# static-smoke.sh BIN_DIR
#
# Proves the static programs of scripts/static work against a real server:
# for each variant, the static dj pings, creates a schema, finds it, the
# static rig program opens it, and dj drops it; the rig variant (built with
# --disable-declare) refuses to declare a table. The musl builds have no TLS,
# so they connect with TLS disabled. Runs under tests/server/with-server
# (or against DJ_TEST_HOST); prints a Criterion-style synthesis line.
set -uo pipefail

bin=${1:?usage: static-smoke.sh BIN_DIR}
here=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
if [ -z "${DJ_TEST_HOST:-}" ]; then
    exec "$here/server/with-server" "$0" "$@"
fi

export DJ_HOST=$DJ_TEST_HOST DJ_PORT=$DJ_TEST_PORT DJ_USER=$DJ_TEST_USER DJ_PASS=$DJ_TEST_PASS
# No developer configuration file may change what is tested.
HOME=$(mktemp -d "${TMPDIR:-/tmp}/dj-static-home.XXXXXX")
export HOME
trap 'rm -rf "$HOME"' EXIT

tested=0
failing=0
# check NAME EXPECTED-OUTPUT COMMAND... : the command must succeed and print
# exactly EXPECTED-OUTPUT.
check() {
    local name=$1 expected=$2
    shift 2
    tested=$((tested + 1))
    local out rc=0
    out=$("$@" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ] && [ "$out" = "$expected" ]; then
        echo "[PASS] $name"
    else
        echo "[FAIL] $name: exit $rc, output: $out"
        failing=$((failing + 1))
    fi
}

for variant in musl-minimal musl-rig glibc-minimal glibc-full; do
    dj=$bin/dj-$variant
    rig=$bin/rig-$variant
    # ping reports the transport: "alive (server V, no TLS, ...)" or "TLSv1.N".
    case $variant in
        musl-*|*-minimal) export DJ_USE_TLS=disabled tls_word="no TLS" ;;
        *) export DJ_USE_TLS=required tls_word="TLSv1" ;;
    esac
    schema=djt_static_${variant//-/_}_$$
    check "$variant: dj ping ($tls_word)" "$tls_word" sh -c "'$dj' ping | grep -o '$tls_word'"
    check "$variant: dj schema create" "created schema \`$schema\`" "$dj" schema create "$schema"
    check "$variant: dj schema exists" "yes" "$dj" schema exists "$schema"
    check "$variant: rig program opens the schema" "rig: recording into schema \`$schema\`" \
        sh -c "'$rig' '$schema' | cut -d' ' -f1-5"
    # A rig records: rows go into a table the lab declared, and come back.
    check "$variant: table made with dj query" "0 rows affected" "$dj" query \
        "CREATE TABLE \`$schema\`.reading (channel varchar(8) NOT NULL, value double NOT NULL, PRIMARY KEY (channel))"
    check "$variant: dj table insert" "2 rows inserted" \
        sh -c "printf 'ch1\t0.25\nch2\t-1e-05\n' | '$dj' table insert '$schema' Reading"
    check "$variant: dj query reads the rows" "$(printf 'ch1\t0.25\nch2\t-0.00001')" \
        "$dj" query "SELECT channel, value FROM \`$schema\`.reading ORDER BY channel"
    check "$variant: dj table describe" "$(printf 'channel              : varchar(8)\n---\nvalue                : double')" \
        "$dj" table describe "$schema" Reading
    # The rig variant has no table declaration: it says so and creates nothing.
    if [ "$variant" = musl-rig ]; then
        check "$variant: dj table declare is refused" \
            "dj: table declaration is not compiled in (configure --enable-declare)" \
            sh -c "echo 'x : int' | '$dj' table declare '$schema' Thing --definition -; test \$? -eq 4"
        check "$variant: no table was created" "reading" "$dj" query "SHOW TABLES FROM \`$schema\`"
    fi
    check "$variant: dj schema drop" "" "$dj" -q schema drop "$schema" --force
done

echo "[====] Synthesis: Tested: $tested | Passing: $((tested - failing)) | Failing: $failing | Crashing: 0"
[ "$failing" -eq 0 ]
