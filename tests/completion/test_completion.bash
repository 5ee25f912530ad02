#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_completion.bash - the bash completion for dj (completion/dj), sourced
# in a clean bash and asked what it offers for a line, as bash asks it at
# <Tab>: commands, subcommands, options and their values, and schema and
# class names read from a real server (a throwaway MariaDB started through
# tests/server/with-server, or the one DJ_TEST_HOST names). Prints one
# [PASS]/[FAIL] line per case and a synthesis line that scripts/check counts.
set -uo pipefail

top_src=${DJ_TOP_SRCDIR:?run through make check}
export top_src
top_build=${DJ_TOP_BUILDDIR:?run through make check}

# make check runs this through tests/server/with-server (BASH_LOG_COMPILER).
if [ -z "${DJ_TEST_HOST:-}" ]; then
    echo "FAIL: no test server: run through make check or tests/server/with-server" >&2
    exit 1
fi

# No config file of the user's or of the source tree may take part.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dj-completion.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home
mkdir -p "$HOME" "$scratch/cwd" "$scratch/bin"
cd "$scratch/cwd" || exit 1
unset DJ_CONFIG_FILE DJ_PORT
export PATH="$top_build/tools:$PATH"
export DJ_HOST=$DJ_TEST_HOST:$DJ_TEST_PORT DJ_USER=$DJ_TEST_USER DJ_PASS=$DJ_TEST_PASS

# Prints what the completion offers at the end of LINE, sorted, on one line.
# bash gives the function COMP_LINE, COMP_POINT and its own words, split at
# blanks and at the word breaks "=" and ":"; the completion reads the last
# of those words (the one it replaces), so that one is set here.
complete_line() { # LINE
    bash --norc --noprofile -c '
        . "$1" || exit 1
        COMP_LINE=$2
        COMP_POINT=${#COMP_LINE}
        COMP_WORDS=("${COMP_LINE##*[[:space:]=:]}")
        COMP_CWORD=0
        _dj
        printf "%s\n" "${COMPREPLY[@]}"
    ' completion "$top_src/completion/dj" "$1" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ' |
        sed 's/ $//'
}

tested=0 failed=0
expect() { # NAME LINE EXPECTED
    local got
    got=$(complete_line "$2")
    tested=$((tested + 1))
    if [ "$got" = "$3" ]; then
        echo "[PASS] completion::$1"
    else
        echo "[FAIL] completion::$1: after '$2' it offers '$got', expected '$3'"
        failed=$((failed + 1))
    fi
}

expect commands 'dj ' 'blob config ping query schema table'
expect command_prefix 'dj sch' 'schema'
expect schema_subcommands 'dj schema ' 'create drop exists list tables'
expect table_subcommands 'dj table d' 'declare describe'
expect blob_subcommands 'dj blob ' 'decode encode'
expect blob_options 'dj blob decode --' '--help --hex --npy'
expect global_option_prefix 'dj --co' '--compress --connect-timeout'
expect global_options_after_values 'dj -h somewhere -P 3306 --re' '--read-timeout'
expect tls_modes 'dj --tls v' 'verify_ca verify_identity'
expect tls_modes_after_equals 'dj --tls=r' 'required'
expect query_options 'dj query --' '--format --header --help --multi'
expect format_values 'dj query --format ' 'csv json tsv'
expect format_values_after_equals 'dj schema list --format=j' 'json'
expect insert_options 'dj table insert s C --' '--csv --format --header --help --skip-duplicates'
expect tier_values 'dj table declare s C --tier l' 'lookup'
expect nothing_after_the_arguments 'dj schema drop x ' ''

# Names from the server: a schema with two tables, made with dj itself.
schema=dj_completion_$$
dj -q schema create "$schema" >/dev/null || echo "setup: dj schema create $schema failed"
# The tables are made with SQL (DataJoint's names: `session` is the manual
# class Session, `#rig` the lookup class Rig), so that a build without
# declaration (configure --disable-declare) completes them too.
dj -q query "CREATE TABLE \`$schema\`.\`session\` (session_id int NOT NULL, PRIMARY KEY (session_id))" ||
    echo "setup: creating Session failed"
dj -q query "CREATE TABLE \`$schema\`.\`#rig\` (rig varchar(16) NOT NULL, PRIMARY KEY (rig))" ||
    echo "setup: creating Rig failed"

expect schema_names "dj schema tables dj_completion_$$" "$schema"
expect schema_names_for_database "dj --database=dj_completion_$$" "$schema"
expect schema_names_before_options "dj schema drop --force dj_completion_$$" "$schema"
expect class_names "dj table describe $schema " 'Rig Session'
expect class_name_prefix "dj table insert $schema Se" 'Session'
DJ_HOST='' expect schema_names_with_host_option \
    "dj -h $DJ_TEST_HOST -P $DJ_TEST_PORT schema exists dj_completion_$$" "$schema"

# Without a configured connection the server is not asked: no names.
DJ_HOST='' expect no_names_without_connection "dj schema drop dj_completion_$$" ''

# A server that never answers must not hold up the shell: a dj that sleeps
# stands in for it; the completion gives up (no names) instead of waiting.
printf '#!/bin/sh\nexec sleep 60\n' >"$scratch/bin/dj"
chmod +x "$scratch/bin/dj"
tested=$((tested + 1))
if got=$(PATH="$scratch/bin:$PATH" timeout 20 bash -c "$(declare -f complete_line); complete_line 'dj schema drop x'" 2>&1) &&
    [ -z "$got" ]; then
    echo "[PASS] completion::a_silent_server_does_not_hang_the_shell"
else
    echo "[FAIL] completion::a_silent_server_does_not_hang_the_shell: '$got' (status 124 = still waiting after 20 s)"
    failed=$((failed + 1))
fi

dj -q schema drop "$schema" --force >/dev/null || echo "cleanup: dj schema drop $schema failed"

echo "[====] Synthesis: Tested: $tested | Passing: $((tested - failed)) | Failing: $failed | Crashing: 0"
[ "$failed" -eq 0 ]
