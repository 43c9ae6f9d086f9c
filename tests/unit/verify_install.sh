#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `cmake --install` into a scratch prefix installs what the Debian packages ship, with the paths
# of that prefix: the unit names PREFIX/sbin/raidmond and PREFIX/etc/raidmon/raidmond.toml and
# passes systemd-analyze verify, the shipped configuration passes --check-config, the manual pages
# format without a warning, the completions load and complete. Also: a bare raidmond refuses to
# start (no configuration), naming --config and --foreground-defaults.
set -euo pipefail
build=$1
prefix=$(mktemp -d); trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# An absolute install directory (Debian's build passes CMAKE_INSTALL_SYSCONFDIR=/etc) would be
# written outside the scratch prefix, into this machine's /etc: refuse such a build.
abs=$(grep -E '^(CMAKE_INSTALL_(BIN|SBIN|LIB|INCLUDE|SYSCONF|DATAROOT|DATA|MAN|DOC)DIR|RAIDMON_[A-Z_]*DIR):[A-Z]*=/' "$build/CMakeCache.txt" || true)
[ -z "$abs" ] || { echo "$abs"; fail "$build installs to absolute directories (above): not installed, to keep this machine's files"; }
cmake --install "$build" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; fail "cmake --install"; }
rm -f "$prefix.log"
outside=$(grep -v "^$prefix/" "$build/install_manifest.txt" || true)
[ -z "$outside" ] || { echo "$outside"; fail "cmake --install wrote outside --prefix $prefix (above)"; }
for f in bin/raidmon sbin/raidmond etc/raidmon/raidmond.toml lib/systemd/system/raidmond.service \
         lib/tmpfiles.d/raidmond.conf share/doc/raidmond/agent.md share/man/man8/raidmon.8 share/man/man8/raidmond.8 \
         share/man/man5/raidmond.toml.5 share/bash-completion/completions/raidmon \
         share/bash-completion/completions/raidmond share/zsh/vendor-completions/_raidmon \
         share/zsh/vendor-completions/_raidmond include/raidmon/raidmon.h; do
  [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
done
lib=$(find "$prefix" -name libraidmon.so.0 | head -n 1)
[ -n "$lib" ] || fail "no libraidmon.so.0"
# raidmon finds the library through its RUNPATH ($ORIGIN-relative); a build configured for prefix
# /usr has none (the library is then where the dynamic linker looks): point it there instead.
if grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' "$build/CMakeCache.txt"; then export LD_LIBRARY_PATH=${lib%/*}; fi

unit=$prefix/lib/systemd/system/raidmond.service
grep -qx "ExecStart=$prefix/sbin/raidmond --config $prefix/etc/raidmon/raidmond.toml" "$unit" ||
  { grep ExecStart "$unit"; fail "the unit does not name the installed raidmond and configuration"; }
grep -qx "ExecStartPre=$prefix/sbin/raidmond --check-config $prefix/etc/raidmon/raidmond.toml" "$unit" || fail "ExecStartPre"
doc=$(sed -n 's|^Documentation=.*file:\([^ ]*\).*|\1|p' "$unit")
[ "$doc" = "$prefix/share/doc/raidmond/agent.md" ] && [ -f "$doc" ] || fail "Documentation= names '$doc', not the installed agent.md"
if grep -n '@[A-Z_]*@' "$unit"; then fail "unsubstituted template variables"; fi
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify --man=no "$unit" 2>&1) || { echo "$out"; fail "systemd-analyze verify"; }
  [ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify complained"; }
  echo "installed unit verifies"
fi

"$prefix/sbin/raidmond" --check-config "$prefix/etc/raidmon/raidmond.toml" || fail "the shipped configuration does not pass --check-config"
set +e
err=$("$prefix/sbin/raidmond" 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 64 ] || fail "bare raidmond exited $rc, not 64"
[[ $err == *--config* && $err == *--foreground-defaults* ]] || fail "bare raidmond's message: $err"
echo "bare raidmond: exit 64: $err"

if command -v man >/dev/null; then
  for m in man8/raidmon.8 man8/raidmond.8 man5/raidmond.toml.5; do
    w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$prefix/share/man/$m" 2>&1 >/dev/null)
    [ -z "$w" ] || { echo "$w"; fail "man $m warns"; }
  done
  # every subcommand of the binary has its entry in raidmon(8)
  page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$prefix/share/man/man8/raidmon.8" 2>/dev/null)
  subs=$("$prefix/bin/raidmon" --help | sed -n '/^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:/,$p' | awk 'NR>1 && NF {print $1}')
  [ "$(wc -w <<<"$subs")" -ge 12 ] || fail "raidmon --help lists no subcommands: '$subs'"
  for c in $subs; do
    grep -q "^       $c\b" <<<"$page" || fail "raidmon(8) has no entry for the subcommand '$c'"
  done
  echo "manual pages format cleanly and cover every subcommand"
fi

if [ -f /usr/share/bash-completion/bash_completion ]; then
  out=$(bash -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"/share/bash-completion/completions/raidmon
    source "$1"/share/bash-completion/completions/raidmond
    complete_line() {  # what bash sets before it calls the completion function
      COMP_LINE=$2; COMP_POINT=${#2}; read -ra COMP_WORDS <<<"$2"; COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
      "$1"; echo "$3:${COMPREPLY[*]}"
    }
    complete_line _raidmon "raidmon sta" 1
    complete_line _raidmon "raidmon locate sdc on --pat" 2
    complete_line _raidmond "raidmond --fore" 3
  ' _ "$prefix")
  grep -qx '1:status' <<<"$out" || { echo "$out"; fail "bash: raidmon sta<TAB>"; }
  grep -qx '2:--pattern' <<<"$out" || { echo "$out"; fail "bash: raidmon locate sdc on --pat<TAB>"; }
  grep -qx '3:--foreground-defaults' <<<"$out" || { echo "$out"; fail "bash: raidmond --fore<TAB>"; }
  echo "bash completion completes"
fi
if command -v zsh >/dev/null; then
  zsh -n "$prefix/share/zsh/vendor-completions/_raidmon" "$prefix/share/zsh/vendor-completions/_raidmond" || fail "zsh -n"
fi
echo "cmake --install --prefix $prefix: OK"
