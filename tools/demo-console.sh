#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demonstration's console part (tools/demo.sh runs it last; alone, after tools/build.sh): a
# KVM-over-IP unit (a PiKVM, USB ID 1209:eda1) is plugged into the demo server (the sas12 testbed).
# The real raidmond reports it to the panel (tools/demo-panel.py, a webhook receiver on 127.0.0.1)
# with a verification code, and shows the same code on the server's own screen (its agetty issue
# file): the person at the remote console reads the code on the screen and compares it with the one
# the panel shows for the server they meant. tests/umockdev/demo_console.cpp plays the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
TB=build/testbeds/sas12
RAIDMOND="$PWD/build/agent/raidmond/raidmond"
DRIVER=build/tests/umockdev/demo_console
for f in "$RAIDMOND" "$DRIVER" "$TB/description.umockdev"; do
  [ -e "$f" ] || { echo "demo-console: $f is missing: run bash tools/build.sh first" >&2; exit 1; }
done
printf '\n\033[1m== %s\033[0m\n' "A KVM is plugged into the demo server: the panel's event and the server's own screen carry the same code"

DEMO=$(mktemp -d)
PANEL=
trap '[ -n "$PANEL" ] && kill "$PANEL" 2>/dev/null; rm -rf "$DEMO"' EXIT
echo "demo-console-token" > "$DEMO/token"; echo "demo-console-hmac-key" > "$DEMO/hmac"
python3 tools/demo-panel.py "$DEMO/panel.port" "$DEMO/panel.jsonl" demo-console-token demo-console-hmac-key &
PANEL=$!
for _ in $(seq 100); do [ -s "$DEMO/panel.port" ] && break; sleep 0.05; done
[ -s "$DEMO/panel.port" ] || { echo "demo-console: the panel did not start" >&2; exit 1; }
set +e
umockdev-wrapper "$DRIVER" "$TB" "$RAIDMOND" "$DEMO" "http://127.0.0.1:$(cat "$DEMO/panel.port")/raidmon" "$DEMO/token" "$DEMO/hmac"
rc=$?
set -e

echo
echo "   what the panel received (a webhook POST with a valid HMAC signature), the fields that matter here:"
echo
python3 - "$DEMO/panel.jsonl" "$DEMO/banner.txt" <<'PY'
import json, re, sys
posts = [json.loads(line) for line in open(sys.argv[1])]
att = [p for p in posts if p["event"]["type"] == "io.raidmon.console.attached"]
det = [p for p in posts if p["event"]["type"] == "io.raidmon.console.detached"]
if not att:
    sys.exit("demo-console: the panel received no console.attached")
e, d = att[-1]["event"], att[-1]["event"]["data"]
s, h = d["entity"]["snapshot"], d["host"]
print(json.dumps({
    "type": e["type"], "source": e["source"], "subject": e["subject"], "signature": att[-1]["signature"],
    "data": {"severity": d["severity"], "message": d["message"], "verification_code": d["verification_code"],
             "entity": {"snapshot": {k: s.get(k) for k in ("classification", "classification_name", "vendor_id", "product_id",
                                                           "manufacturer", "product", "serial", "port")}},
             "host": {"hostname": h["hostname"], "machine_id": h["machine_id"], "product_serial": h["dmi"]["product_serial"],
                      "consoles": [c["port"] for c in h["consoles"]]}}}, indent=2))
m = re.search(r"Verification code:\s*(\S+)", open(sys.argv[2]).read())
screen = m.group(1) if m else "(none)"
print("\n   the panel shows code %s for %s (serial %s); the server's screen shows %s: %s" % (
    d["verification_code"], h["hostname"], h["dmi"]["product_serial"], screen,
    "same code, the KVM is on this server" if screen == d["verification_code"] else "DIFFERENT: this is not the server the panel means"))
if det:
    print("   then %s: %s" % (det[-1]["event"]["type"], det[-1]["event"]["data"]["message"]))
if screen != d["verification_code"]:
    sys.exit(1)
PY
exit $rc
