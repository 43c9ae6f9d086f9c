#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shipped systemd unit parses cleanly: agent/raidmond/unit.cmake writes it for a prefix whose
# sbin/raidmond is the build tree's, and systemd-analyze verify must not complain (an unknown
# directive, an invalid DeviceAllow=).
set -euo pipefail
srcdir=$1 raidmond=$2
[ -x "$raidmond" ] || { echo "no raidmond at $raidmond"; exit 1; }
if ! command -v systemd-analyze >/dev/null; then echo "systemd-analyze not installed"; exit 77; fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/sbin"
ln -s "$raidmond" "$dir/sbin/raidmond"
cmake -DCMAKE_INSTALL_PREFIX="$dir" -DSBINDIR=sbin -DSYSCONFDIR=etc -DDOCDIR=share/doc/raidmond \
      -DUNIT_IN="$srcdir/raidmond.service.in" -DUNIT_OUT="$dir/raidmond.service" -P "$srcdir/unit.cmake"
# --man=no: the manual pages of Documentation= are not installed here (unit_install_prefix formats
# them; tools/package-check.sh verifies the installed unit with them in place).
out=$(systemd-analyze verify --man=no "$dir/raidmond.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify complained:"; echo "$out"; exit 1; fi
grep -qx "ExecStart=$dir/sbin/raidmond --config $dir/etc/raidmon/raidmond.toml" "$dir/raidmond.service"
# prefix /usr: the configuration is in /etc (GNUInstallDirs' rule), the binary in /usr/sbin
cmake -DCMAKE_INSTALL_PREFIX=/usr -DSBINDIR=sbin -DSYSCONFDIR=etc -DDOCDIR=share/doc/raidmond \
      -DUNIT_IN="$srcdir/raidmond.service.in" -DUNIT_OUT="$dir/usr.service" -P "$srcdir/unit.cmake"
grep -qx "ExecStart=/usr/sbin/raidmond --config /etc/raidmon/raidmond.toml" "$dir/usr.service"
grep -q "^Documentation=.* file:/usr/share/doc/raidmond/agent.md" "$dir/usr.service"
echo "raidmond.service verifies"
