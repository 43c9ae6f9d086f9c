#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demonstration: install, build, then run the real raidmon binary inside a umockdev testbed of
# a realistic server (tests/data/testbeds/sas12.json: 12-bay SAS backplane with SES, md RAID6 with
# a failed disk in bay 3, md RAID1 on SSDs). No RAID hardware needed; nothing touches this
# machine's disks: the testbed replaces /sys and /dev for the programs it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
TB=build/testbeds/sas12
RAIDMON="$PWD/build/agent/raidmon/raidmon"
run() { umockdev-wrapper build/tests/umockdev/tbrun "$TB" -- "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "raidmon status   (testbed: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"])' tests/data/testbeds/sas12.json))"
set +e
run "$RAIDMON" status --no-device-io --proc @TB@/proc --etc @TB@/etc
rc=$?
set -e
echo "(exit status $rc: 0 OK, 1 warning, 2 critical, 3 unknown)"

say "raidmon status --json: the failed drive, as a panel receives it"
run "$RAIDMON" status --json --no-device-io --proc @TB@/proc --etc @TB@/etc |
  python3 -c 'import json,sys; j=json.load(sys.stdin); d=[x for x in j["drives"] if x["state"]=="failed"][0]; print(json.dumps({"host": {k: j["host"][k] for k in ("hostname","machine_id")} | {"product_serial": j["host"]["dmi"]["product_serial"]}, "drive": {k: d[k] for k in ("id","serial","model","health","state","location","reasons")}}, indent=2))' || true

say "raidmon safe-to-remove: the failed drive in bay 3, then a healthy one in bay 4"
set +e
run "$RAIDMON" safe-to-remove Slot03 --no-device-io --proc @TB@/proc --etc @TB@/etc
run "$RAIDMON" safe-to-remove Slot04 --no-device-io --proc @TB@/proc --etc @TB@/etc
set -e

say "raidmon plan md0: will the rebuild onto a new disk succeed?"
run "$RAIDMON" plan md0 --no-device-io --proc @TB@/proc --etc @TB@/etc | sed -n '1,12p'

say "raidmon decode: a /proc/mdstat captured on another machine"
"$RAIDMON" decode tests/data/mdstat/mdstat-raid1-resync-DELAYED-recovery-pr28.txt

say "raidmond in the same testbed for 2 s: its events reach the panel (a webhook receiver on 127.0.0.1)"
RAIDMOND="$PWD/build/agent/raidmond/raidmond"
DEMO=$(mktemp -d)
HS=$(mktemp -d)
trap 'kill "$PANEL" 2>/dev/null; rm -rf "$DEMO" "$HS"' EXIT
# The panel: the demonstration's own HTTP receiver (tools/demo-panel.py) checking the bearer
# token and the HMAC-SHA256 signature of every POST, as a hosting panel would.
echo "demo-token-0142" > "$DEMO/token"; echo "demo-hmac-key-0142" > "$DEMO/hmac"
python3 tools/demo-panel.py "$DEMO/panel.port" "$DEMO/panel.jsonl" demo-token-0142 demo-hmac-key-0142 &
PANEL=$!
for _ in $(seq 50); do [ -s "$DEMO/panel.port" ] && break; sleep 0.1; done
METRICS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$DEMO/raidmond.toml" <<TOML
[agent]
heartbeat = 0
smart_interval = 0
controller_interval = 0
[console]
issue_file = "$DEMO/issue.d/50-raidmon.issue"
agetty_reload = false
[metrics]
listen = "127.0.0.1:$METRICS_PORT"
[[sink]]
type = "webhook"
url = "http://127.0.0.1:$(cat "$DEMO/panel.port")/raidmon"
token_file = "$DEMO/token"
hmac_secret_file = "$DEMO/hmac"
[[sink]]
type = "file"
path = "$DEMO/events.jsonl"
TOML
sed 's/^/   raidmond.toml: /' "$DEMO/raidmond.toml"
# tbrun owns the testbed; the agent runs in it for two seconds. (Drive pulls and rebuilds follow
# below, and are exercised with uevents in tests/umockdev/test_agent_testbeds.cpp.)
umockdev-wrapper build/tests/umockdev/tbrun "$TB" -- /bin/sh -c "
  '$RAIDMOND' --config '$DEMO/raidmond.toml' --state-dir '$DEMO/state' --proc @TB@/proc --etc @TB@/etc --no-device-io 2>'$DEMO/agent.log' &
  pid=\$!
  sleep 2
  kill -0 \$pid 2>/dev/null || { echo 'raidmond did not start:'; cat '$DEMO/agent.log'; exit 1; }
  '$RAIDMON' events --state-dir '$DEMO/state' --since 0
  echo; echo '(its Prometheus endpoint, http://127.0.0.1:$METRICS_PORT/metrics, an excerpt:)'
  python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    http://127.0.0.1:$METRICS_PORT/metrics | grep -E '^raidmon_(array_degraded|array_redundancy_left|agent_sink_delivered_total|agent_sink_up)' | head -8
  kill \$pid; wait \$pid" || true
echo
echo "(what the panel received: $(wc -l < "$DEMO/panel.jsonl" 2>/dev/null || echo 0) POSTs, each with a valid HMAC signature; per event the identity it carries:)"
python3 - "$DEMO/panel.jsonl" <<'PY' || true
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line); e = r["event"]; h = e["data"]["host"]
    print("  seq %-3s %-26s %-44s host %s serial %s signature %s" % (
        e["sequence"], e["type"].replace("io.raidmon.", ""), e["subject"][:44], h["hostname"],
        h["dmi"]["product_serial"], r["signature"]))
PY
echo "(the array.degraded one as the panel got it, with the rebuild recommendation:)"
grep -m1 array.degraded "$DEMO/panel.jsonl" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["event"], indent=2))' | head -60 || true

say "A full hot replacement of the failed drive, guided by raidmond and raidmon hotswap"
echo "(the testbed plays the server: a drive is pulled and another inserted through its sysfs and"
echo " uevents, and md recovers onto it; mdadm is a stand-in that prints what the agent asked)"
umockdev-wrapper build/tests/umockdev/demo_hotswap "$TB" "$RAIDMOND" "$RAIDMON" "$HS"
cp "$HS/bays.svg" build/demo-bays.svg && echo "(the bay picture is kept as build/demo-bays.svg)"
bash tools/demo-commands.sh   # the panel talks back: a signed identify and locate
bash tools/demo-console.sh   # a KVM plugged into the demo server: the panel's event and the server's screen show the same code
