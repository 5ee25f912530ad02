#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# licence-check.sh - every source file of the distribution names its licence
# with an SPDX line in its first lines, so that a file copied out of the tree
# (a lab vendoring one file, a distribution splitting a package) keeps it.
# Data (test vectors, corpora, definitions) and prose (Markdown) are not
# source. Run by make check; prints a Criterion-style Synthesis line.
set -uo pipefail

top=${DJ_TOP_SRCDIR:?run through make check}
cd "$top" || exit 1
tested=0
missing=()
while IFS= read -r -d '' f; do
    case $f in
    tests/data/* | tests/fuzz/corpus/* | tests/fuzz/dict/* | */.deps/* | */.libs/*) continue ;;
    esac
    tested=$((tested + 1))
    head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || missing+=("$f")
done < <(find configure.ac Makefile.am datajoint.pc.in .ci bench completion docs include lib m4 \
    scripts tests tools -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.bash' \
    -o -name '*.am' -o -name '*.ac' -o -name '*.in' -o -name '*.awk' -o -name '*.1' -o -name '*.m4' \
    -o -name '*.supp' -o -path 'scripts/*' -o -path '.ci/*' -o -path 'completion/*' \
    -o -path 'tests/server/*' -o -path 'tests/cluster/run' -o -path 'tests/cluster/galera-cluster' \) \
    ! -name '*.o' ! -name '*.lo' ! -name '*.la' ! -name '*.log' ! -name '*.trs' \
    ! -name 'Makefile.in' ! -name 'libtool.m4' ! -name 'lt*.m4' -print0)

for f in "${missing[@]}"; do
    echo "[FAIL] licence: $f has no 'SPDX-License-Identifier: Apache-2.0' line in its first three lines"
done
[ -f LICENSE ] || { echo "[FAIL] licence: LICENSE is missing"; missing+=(LICENSE); tested=$((tested + 1)); }
echo "[----] licence: $tested files checked"
n=${#missing[@]}
echo "[====] Synthesis: Tested: 1 | Passing: $((n == 0)) | Failing: $((n != 0)) | Crashing: 0"
[ "$n" -eq 0 ]
