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

say "raidmond in the same testbed for 2 s: the events it reports at start (failed drive, degraded array) reaching a file sink"
RAIDMOND="$PWD/build/agent/raidmond/raidmond"
DEMO=$(mktemp -d)
trap 'rm -rf "$DEMO"' EXIT
cat > "$DEMO/raidmond.toml" <<TOML
[agent]
heartbeat = 0
smart_interval = 0
controller_interval = 0
[[sink]]
type = "file"
path = "$DEMO/events.jsonl"
TOML
# tbrun owns the testbed; the agent runs in it for two seconds. (Drive pulls and rebuilds are
# exercised with uevents in tests/umockdev/test_agent_testbeds.cpp.)
umockdev-wrapper build/tests/umockdev/tbrun "$TB" -- /bin/sh -c "
  '$RAIDMOND' --config '$DEMO/raidmond.toml' --state-dir '$DEMO/state' --proc @TB@/proc --etc @TB@/etc --no-device-io 2>'$DEMO/agent.log' &
  pid=\$!
  sleep 2
  '$RAIDMON' events --state-dir '$DEMO/state' --since 0
  kill \$pid; wait \$pid" || true
echo "(the panel receives each as CloudEvents JSON; the array.degraded one, with the rebuild recommendation:)"
grep array.degraded "$DEMO/events.jsonl" | head -1 | python3 -m json.tool | head -60 || true  # head closes the pipe early

say "A full hot replacement of the failed drive, guided by raidmond and raidmon hotswap"
echo "(the testbed plays the server: a drive is pulled and another inserted through its sysfs and"
echo " uevents, and md recovers onto it; mdadm is a stand-in that prints what the agent asked)"
HS=$(mktemp -d)
trap 'rm -rf "$DEMO" "$HS"' EXIT
umockdev-wrapper build/tests/umockdev/demo_hotswap "$TB" "$RAIDMOND" "$RAIDMON" "$HS"
cp "$HS/bays.svg" build/demo-bays.svg && echo "(the bay picture is kept as build/demo-bays.svg)"
