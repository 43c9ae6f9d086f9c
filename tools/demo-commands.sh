#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demonstration's signed commands (docs/panel.md, "Commands"; tools/demo.sh runs this after
# building): the stand-in panel (tools/demo-panel.py) signs an `identify` and a `locate` of the
# failed drive's bay (Slot03) with its own Ed25519 key, as docs/panel.md's Python example does
# (examples/sign_command.py), and answers raidmond's first webhook POST with them. The real
# raidmond, inside the sas12 umockdev testbed, verifies them, runs them and reports
# command.accepted / command.done back to the panel; the bay's light is read back from the
# testbed's SES enclosure. The server identify light goes to an ipmitool stand-in that prints what
# it was asked (never this machine's BMC).
set -euo pipefail
cd "$(dirname "$0")/.."
TB=build/testbeds/sas12
RAIDMON="$PWD/build/agent/raidmon/raidmon"
RAIDMOND="$PWD/build/agent/raidmond/raidmond"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "The panel signs two commands; raidmond runs them and reports back (webhook answer, Ed25519 JWTs)"
D=$(mktemp -d)
PANEL=
trap '[ -n "$PANEL" ] && kill "$PANEL" 2>/dev/null; rm -rf "$D"' EXIT
# The panel's key pair: the private half stays with the panel, the public half goes into the
# agent's [[commands.key]] with the verbs it may use.
openssl genpkey -algorithm ed25519 -out "$D/panel-ed25519.key"
openssl pkey -in "$D/panel-ed25519.key" -pubout -out "$D/panel-ed25519.pem"
MACHINE_ID=$(umockdev-wrapper build/tests/umockdev/tbrun "$TB" -- /bin/cat @TB@/etc/machine-id)
# Signed by the panel for this host only (aud = its machine-id), valid 5 minutes.
examples/sign_command.py "$D/panel-ed25519.key" "$MACHINE_ID" identify state=on duration=10m > "$D/commands"
examples/sign_command.py "$D/panel-ed25519.key" "$MACHINE_ID" locate target=Slot03 duration=10m >> "$D/commands"
echo "   the panel's locate, as raidmond receives it: $(sed -n 2p "$D/commands" | cut -c1-72)..."
echo "   its claims: $(sed -n 2p "$D/commands" | cut -d. -f2 | python3 -c 'import base64,sys; s=sys.stdin.read().strip(); print(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode())')"
mv "$D/commands" "$D/commands.jwt"
echo "demo-token-0142" > "$D/token"; echo "demo-hmac-key-0142" > "$D/hmac"
python3 tools/demo-panel.py "$D/panel.port" "$D/panel.jsonl" demo-token-0142 demo-hmac-key-0142 "$D/commands.jwt" &
PANEL=$!
for _ in $(seq 50); do [ -s "$D/panel.port" ] && break; sleep 0.1; done
mkdir "$D/bin"
cat > "$D/bin/ipmitool" <<SH
#!/bin/sh
# ipmitool stand-in: the testbed's BMC. Prints what it was asked, keeps the identify state.
case "\$*" in 'chassis identify '*) echo "   [ipmitool stand-in] ipmitool \$*" >> "$D/bmc.log" ;; esac
case "\$*" in
  'chassis identify 0') echo Off > "$D/identify" ;;
  'chassis identify force') echo 'Indefinite On' > "$D/identify" ;;
  'chassis identify '*) echo 'Timed On' > "$D/identify" ;;
  'chassis status') echo "Chassis Identify State : \$(cat "$D/identify" 2>/dev/null || echo Off)" ;;
  *) exit 1 ;;
esac
SH
chmod +x "$D/bin/ipmitool"
cat > "$D/raidmond.toml" <<TOML
[agent]
heartbeat = 0
smart_interval = 0
controller_interval = 0
[hotswap]
enabled = false          # here the bay's light comes from the panel's command only
[console]
issue_file = "$D/issue"
agetty_reload = false
[[sink]]
type = "webhook"
url = "http://127.0.0.1:$(cat "$D/panel.port")/raidmon"
token_file = "$D/token"
hmac_secret_file = "$D/hmac"
[[sink]]
type = "file"
path = "$D/events.jsonl"
[[commands.key]]
file = "$D/panel-ed25519.pem"
allow = ["identify", "locate"]
TOML
grep -A2 'commands.key' "$D/raidmond.toml" | sed 's/^/   raidmond.toml: /'
# The agent in the testbed until the panel has both commands' outcome (at most 20 s).
umockdev-wrapper build/tests/umockdev/tbrun "$TB" -- /bin/sh -c "
  echo \"   bay Slot03 locate light before (SES sysfs): \$(cat @TB@/sys/class/enclosure/0:0:12:0/Slot03/locate)\"
  PATH='$D/bin':\$PATH '$RAIDMOND' --config '$D/raidmond.toml' --state-dir '$D/state' --proc @TB@/proc --etc @TB@/etc --no-device-io 2>'$D/agent.log' &
  pid=\$!
  for i in \$(seq 200); do n=\$(grep -c '\"io.raidmon.command.done\"' '$D/panel.jsonl' 2>/dev/null); [ \"\${n:-0}\" -ge 2 ] && break; sleep 0.1; done
  echo \"   bay Slot03 locate light after  (SES sysfs): \$(cat @TB@/sys/class/enclosure/0:0:12:0/Slot03/locate)\"
  '$RAIDMON' leds --state-dir '$D/state' --no-device-io --proc @TB@/proc --etc @TB@/etc | sed 's/^/   raidmon leds: /'
  kill \$pid; wait \$pid" || { echo "raidmond:"; cat "$D/agent.log"; exit 1; }
cat "$D/bmc.log" 2>/dev/null || true
echo "(what the panel received about its commands, each POST with a valid HMAC signature:)"
python3 - "$D/panel.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)["event"]
    if not e["type"].startswith("io.raidmon.command."):
        continue
    s = e["data"]["entity"]["snapshot"]
    print("  seq %s %-24s %-9s via %-14s %s" % (e["sequence"].lstrip("0"), e["type"].replace("io.raidmon.", ""), s["cmd"],
                                                s["transport"], e["data"]["message"]))
    r = s.get("result") or {}
    if s["cmd"] == "locate" and r:
        print("      result: bay %s, backend %s (%s), verified (read back) %s, lease until %s" % (
            r.get("label"), r.get("backend"), r.get("target", "").split("/enclosure/")[-1], r.get("verified"), r.get("expires_at")))
PY
