#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shipped systemd unit parses cleanly: systemd-analyze verify over a copy whose binary paths
# point at the build tree, and any complaint (an unknown directive, an invalid DeviceAllow=) fails.
set -euo pipefail
unit=$1 raidmond=$2
[ -x "$raidmond" ] || { echo "no raidmond at $raidmond"; exit 1; }
if ! command -v systemd-analyze >/dev/null; then echo "systemd-analyze not installed"; exit 77; fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
sed "s|/usr/sbin/raidmond|$raidmond|g" "$unit" > "$dir/raidmond.service"
out=$(systemd-analyze verify "$dir/raidmond.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify complained:"; echo "$out"; exit 1; fi
grep -q '^ExecStart=.*raidmond --config' "$dir/raidmond.service"
echo "raidmond.service verifies"
