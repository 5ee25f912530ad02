#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# man-lint.sh - docs/dj.1 must pass `mandoc -T lint` and `groff -ww -man`
# without a single message, and render every synopsis line on a line of its
# own (each starts with "dj"). Run by make check; prints a Criterion-style
# Synthesis line so that scripts/check counts its three checks.
set -uo pipefail

page=${DJ_TOP_SRCDIR:?run through make check}/docs/dj.1
tested=0
failing=0

check() { # NAME COMMAND...: passes when the command succeeds and prints nothing
    local name=$1 out rc=0
    shift
    tested=$((tested + 1))
    out=$("$@" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
        echo "[PASS] man page: $name"
    else
        echo "[FAIL] man page: $name (exit $rc)"
        printf '%s\n' "$out"
        failing=$((failing + 1))
    fi
}

for tool in mandoc groff; do
    if ! command -v "$tool" >/dev/null; then
        echo "[FAIL] man page: $tool is not installed (Debian: apt-get install $tool)"
        echo "[====] Synthesis: Tested: 1 | Passing: 0 | Failing: 1 | Crashing: 0"
        exit 1
    fi
done

check "mandoc -T lint" mandoc -T lint "$page"
check "groff -ww -man" groff -ww -man -z "$page"

# The synopsis as rendered, wide enough that no line wraps: every line
# between SYNOPSIS and DESCRIPTION that is not empty starts with "dj" and
# names one command ("table describe ... table insert ..." on one line is
# what a missing .br does).
synopsis_lines_apart() {
    mandoc -T ascii -O width=300 "$page" | sed 's/.\x08//g' |
        sed -n '/^SYNOPSIS/,/^DESCRIPTION/{/^SYNOPSIS/d;/^DESCRIPTION/d;/^ *$/d;p}' |
        awk '!/^ *dj / || gsub(/(schema|table) [a-z]+|\] (ping|query|config)/, "&") > 1'
}
check "every synopsis line on its own line" synopsis_lines_apart

echo "[====] Synthesis: Tested: $tested | Passing: $((tested - failing)) | Failing: $failing | Crashing: 0"
[ "$failing" -eq 0 ]
