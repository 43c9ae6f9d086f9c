#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# contrib/ is checked with the tools that will read it: the Prometheus alerting rules with
# `promtool check rules` and their unit tests with `promtool test rules`; every PromQL expression
# of the Grafana dashboard parses (as recording rules through promtool check rules) and names only
# metrics raidmond serves (agent/daemon/metrics.cpp), or `up`.
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
dash = json.load(open(f"{src}/contrib/grafana/raidmon-dashboard.json"))
served = set(re.findall(r'"(raidmon_[a-z_]+)"', open(f"{src}/agent/daemon/metrics.cpp").read()))
exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
assert exprs, "the dashboard has no query"
for e in exprs:
    for m in re.findall(r"\b(raidmon_[a-z_]+)", e):
        assert m in served, f"dashboard: {m} is not a metric raidmond serves (agent/daemon/metrics.cpp)"
with open(out, "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace('"$instance"', '".*"')
        f.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}\n")
print(f"dashboard: {len(exprs)} queries over served metrics")
PY
promtool check rules "$dir/dashboard.rules.yml"
# the alerting rules too name only served metrics
for m in $(grep -o 'raidmon_[a-z_]*' raidmon.rules.yml | sort -u); do
  grep -q "\"$m\"" "$src/agent/daemon/metrics.cpp" || { echo "raidmon.rules.yml: $m is not a metric raidmond serves"; exit 1; }
done
echo "contrib: OK"
