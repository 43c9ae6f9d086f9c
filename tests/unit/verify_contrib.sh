#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# contrib/ is checked with the tools that will read it: the Prometheus alerting rules with
# `promtool check rules` and their unit tests with `promtool test rules`; every PromQL expression
# of the Grafana dashboard parses (as recording rules through promtool check rules); the dashboard,
# the rules and the rules' test series name only metrics raidmond serves (agent/daemon/metrics.cpp),
# or `up`, with labels those metrics have (a label raidmond dropped, such as device= on
# raidmon_drive_health, fails here).
set -euo pipefail
src=$1
command -v promtool >/dev/null || { echo "promtool is not installed (bash tools/deps.sh installs prometheus)"; exit 77; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$src/contrib/prometheus"
promtool check rules raidmon.rules.yml
promtool test rules raidmon.rules.test.yml
/usr/bin/python3 - "$src" "$dir/dashboard.rules.yml" <<'PY'
import json, re, sys
src, out = sys.argv[1], sys.argv[2]
# What raidmond serves: each sample's name and label names, from agent/daemon/metrics.cpp.
code = open(f"{src}/agent/daemon/metrics.cpp").read()
labels = {}
for name, lbl in re.findall(r'p\.sample\(\s*"(raidmon_[a-z_]+)",\s*(\{\}|\{\{.*?\}\})', code, re.S):
    labels.setdefault(name, set()).update(re.findall(r'\{"([a-z_]+)",', lbl))
assert "raidmon_drive_health" in labels, "no sample found in agent/daemon/metrics.cpp"
target = {"job", "instance"}  # added by Prometheus
def check(where, expr):
    used = re.findall(r"\b(raidmon_[a-z_]+)\b", expr)
    for m in used:
        assert m in labels, f"{where}: {m} is not a metric raidmond serves (agent/daemon/metrics.cpp)"
    for m, sel in re.findall(r"\b(raidmon_[a-z_]+)\s*\{([^}]*)\}", expr):
        for l in re.findall(r"([a-z_]+)\s*(?:=~|!~|!=|=)", sel):
            assert l in labels[m] | target, f"{where}: {m} has no label {l} (it has {sorted(labels[m])})"
    # an aggregation straight over one metric keeps only that metric's labels
    for group, m in re.findall(r"\bby\s*\(([^)]*)\)\s*\(\s*(raidmon_[a-z_]+)\b", expr):
        for l in re.findall(r"[a-z_]+", group):
            assert l in labels[m] | target, f"{where}: {m} has no label {l} (it has {sorted(labels[m])})"
    known = set().union(target, *(labels[m] for m in used))
    for group in re.findall(r"\b(?:by|on|without|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        for l in re.findall(r"[a-z_]+", group):
            assert l in known, f"{where}: label {l} is on none of {sorted(set(used))} (expression: {expr})"
dash = json.load(open(f"{src}/contrib/grafana/raidmon-dashboard.json"))
exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
assert exprs, "the dashboard has no query"
for e in exprs:
    check("dashboard", e)
for e in re.findall(r"^\s+expr: (.*)$", open(f"{src}/contrib/prometheus/raidmon.rules.yml").read(), re.M):
    check("raidmon.rules.yml", e)
# the rules' unit tests feed series as raidmond serves them: its labels, no others
for m, sel in re.findall(r"series: '(raidmon_[a-z_]+)\{([^}]*)\}'", open(f"{src}/contrib/prometheus/raidmon.rules.test.yml").read()):
    assert m in labels, f"raidmon.rules.test.yml: {m} is not a metric raidmond serves"
    extra = set(re.findall(r'([a-z_]+)="', sel)) - labels[m] - target
    assert not extra, f"raidmon.rules.test.yml: {m} has no label {sorted(extra)} (it has {sorted(labels[m])})"
with open(out, "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace('"$instance"', '".*"')
        f.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}\n")
print(f"dashboard: {len(exprs)} queries; rules and their tests: over the metrics and labels raidmond serves")
PY
promtool check rules "$dir/dashboard.rules.yml"
echo "contrib: OK"
