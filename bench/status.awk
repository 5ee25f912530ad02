# SPDX-License-Identifier: Apache-2.0
# status.awk - one function for bench/run and scripts/bench-report: whether a
# row of results.tsv meets its target. A target reads "ratio OP VALUE" or
# "ours OP VALUE" (OP one of < <= > >=); the answer is "met", "missed" or
# "n/a" when the measured side has no number (not in this build).
function status(ours, ratio, target,    t, v) {
    split(target, t, " ")
    v = t[1] == "ratio" ? ratio : ours
    if (v !~ /^[0-9.eE+-]+$/)
        return "n/a"
    v += 0
    if (t[2] == "<=") return v <= t[3] + 0 ? "met" : "missed"
    if (t[2] == "<") return v < t[3] + 0 ? "met" : "missed"
    if (t[2] == ">=") return v >= t[3] + 0 ? "met" : "missed"
    if (t[2] == ">") return v > t[3] + 0 ? "met" : "missed"
    return "?"
}
