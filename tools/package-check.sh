#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds raidmon's Debian packages (debian/), checks them with lintian, installs them, runs the
# installed programs, and purges them again. As root on Debian 12, after tools/deps.sh.
#
# The packages are built from a copy of the tree in a scratch directory (PACKAGE_CHECK_DIR, default
# /tmp/raidmon-package-check, removed at the end unless KEEP=1), so the source tree is left as it
# was and the .deb files do not land beside it.
# By default the check builds without optimisation and debug information (DEB_BUILD_OPTIONS noopt,
# -g0): the packages are checked, not shipped, and the build takes half the time. RELEASE=1 builds
# them as they ship (-O2 -g). OUT=DIR keeps the built packages in DIR.
#
# --skip-if-unable (ctest `package_check`, label `package`): where the check cannot run at all (not
# root, or no dpkg-buildpackage: not a Debian build host), say why and exit 77, which ctest reports
# as skipped. Everything else that is missing still fails.
#
# raidmond is neither enabled nor started by the installation here: a policy-rc.d that denies
# every start is in place while the packages are installed (this machine's disks are not the
# agent's business during a check), and the one that was there before is put back.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '== package-check: %s\n' "$*"; }
fail() { printf 'package-check: FAILED: %s\n' "$*" >&2; exit 1; }
skip_if_unable=0
[ "${1:-}" = --skip-if-unable ] && skip_if_unable=1
unable() {
  if [ "$skip_if_unable" = 1 ]; then printf 'package-check: SKIPPED: %s\n' "$*"; exit 77; fi
  fail "$*"
}
[ "$(id -u)" = 0 ] || unable "not root (it installs and purges packages)"
command -v dpkg-buildpackage >/dev/null || unable "dpkg-buildpackage is not installed: not a Debian build host (bash tools/deps.sh installs it)"
for t in dpkg-buildpackage dh lintian systemd-analyze apt-get; do
  command -v "$t" >/dev/null || fail "$t is not installed (bash tools/deps.sh)"
done

packages=(libraidmon0 libraidmon-dev raidmon raidmond python3-raidmon)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
# One fixed scratch directory: the compiler sees the same paths in every run, so ccache (when it is
# installed; CCACHE_DIR below, as debhelper gives the build a HOME of its own) serves a second run.
work=${PACKAGE_CHECK_DIR:-${TMPDIR:-/tmp}/raidmon-package-check}
rm -rf "$work"
mkdir -p "$work"
export CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir 2>/dev/null || echo "$HOME/.cache/ccache")}
policy=/usr/sbin/policy-rc.d
policy_saved=
cleanup() {
  if [ -n "$policy_saved" ]; then mv -f "$policy_saved" "$policy"; elif [ -f "$work/policy-installed" ]; then rm -f "$policy"; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "package-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

say "copying the tree to $work/raidmon-$version"
mkdir -p "$work/raidmon-$version"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  # Tracked files and new ones not ignored: what the next commit would hold (no build trees).
  git -C "$src" ls-files -z --cached --others --exclude-standard |
    (cd "$src" && xargs -0 tar --no-recursion --ignore-failed-read -cf - 2>/dev/null) |
    tar -xf - -C "$work/raidmon-$version"
else
  tar -C "$src" --exclude=./build --exclude='./build-*' --exclude=./obj-* -cf - . | tar -xf - -C "$work/raidmon-$version"
fi

opts="nocheck noddebs parallel=$(nproc)"
if [ "${RELEASE:-0}" != 1 ]; then
  opts="$opts noopt"
  export DEB_CFLAGS_APPEND=-g0 DEB_CXXFLAGS_APPEND=-g0
fi
say "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=\"$opts\")"
start=$(date +%s)
(cd "$work/raidmon-$version" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 ||
  { tail -n 60 "$work/build.log"; fail "dpkg-buildpackage (log above)"; }
say "built in $(( $(date +%s) - start )) s: $(cd "$work" && ls ./*.deb | tr '\n' ' ')"
changes=$(ls "$work"/raidmon_"${version}"_*.changes)

say "lintian (errors and warnings fail)"
lintian --fail-on error,warning --display-level '>=warning' "$changes" || fail "lintian"

debs=()
for p in "${packages[@]}"; do
  f=$(ls "$work/${p}_${version}"_*.deb 2>/dev/null) || fail "no package $p was built"
  debs+=("$f")
done
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT" && cp "${debs[@]}" "$OUT/"; fi

if [ -e "$policy" ]; then policy_saved="$work/policy-rc.d.saved"; cp -p "$policy" "$policy_saved"; fi
printf '#!/bin/sh\n# raidmon package-check: no service starts while the packages are checked\nexit 101\n' > "$policy"
chmod 755 "$policy"; touch "$work/policy-installed"

# What the packages create and purge removes: only checked when it was not there before.
state_dirs=()
for d in /var/lib/raidmon /var/log/raidmon; do [ -e "$d" ] || state_dirs+=("$d"); done
say "installing ${packages[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" > "$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "apt-get install"; }
purge() {
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${packages[@]}" > "$work/purge.log" 2>&1 ||
    { cat "$work/purge.log"; fail "apt-get purge"; }
}
trap 'purge; cleanup' EXIT

say "installed programs"
raidmon --version
raidmond --version
raidmond --check-config /etc/raidmon/raidmond.toml
dpkg-query -W -f='${Conffiles}\n' raidmond | grep -q '/etc/raidmon/raidmond.toml' || fail "/etc/raidmon/raidmond.toml is not a conffile"
unit=$(dpkg -L raidmond | grep '/systemd/system/raidmond.service$') || fail "raidmond ships no unit"
out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; fail "systemd-analyze verify $unit"; }
[ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify $unit complained"; }
echo "$unit verifies"
grep -q '^ExecStart=/usr/sbin/raidmond --config /etc/raidmon/raidmond.toml$' "$unit" || fail "$unit: ExecStart does not name /usr/sbin/raidmond"
doc=$(sed -n 's|^Documentation=.*file:\([^ ]*\).*|\1|p' "$unit")
[ -f "$doc" ] || fail "$unit names $doc, which is not installed"
[ -d /var/lib/raidmon ] || fail "tmpfiles.d did not create /var/lib/raidmon"
/usr/bin/python3 -c 'import raidmon; print("python3: import raidmon:", raidmon.__file__)'
lib=$(dpkg -L libraidmon0 | grep '/libraidmon\.so\.[0-9.]*$' | head -n 1)
if ldd "$lib" | grep -E 'curl|mosquitto|sqlite|libssl|libcrypto|tomlplus'; then fail "$lib links agent libraries (above)"; fi
echo "$lib links: $(ldd "$lib" | awk '{print $1}' | tr '\n' ' ')"
# raidmond and raidmon load libcurl, libmosquitto and libcrypto when configured (dlopen), so the
# packages must recommend them: dpkg-shlibdeps does not see them.
for b in /usr/sbin/raidmond /usr/bin/raidmon; do
  if ldd "$b" | grep -E 'curl|mosquitto|libssl|libcrypto|gnutls'; then fail "$b links a library it should load when configured (above)"; fi
done
rec=$(dpkg-query -W -f='${Recommends}' raidmond)
for p in libcurl4 libmosquitto1 libssl3; do
  grep -qw "$p" <<< "$rec" || fail "raidmond does not recommend $p, which it loads for a webhook, MQTT or a signature"
done
echo "raidmond recommends: $rec"
for m in raidmon.8 raidmond.8 raidmond.toml.5; do
  f=$(find /usr/share/man -name "$m.gz" | head -n 1)
  [ -n "$f" ] || fail "manual page $m is not installed"
  man -l "$f" > /dev/null 2> "$work/man.err" || fail "man -l $f"
  [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man -l $f warns"; }
done
[ -f /usr/share/bash-completion/completions/raidmon ] || fail "no bash completion for raidmon"
[ -f /usr/share/zsh/vendor-completions/_raidmon ] || fail "no zsh completion for raidmon"

say "purging"
trap cleanup EXIT
purge
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv 'not-installed'; then fail "$p is still installed after purge"; fi
done
[ ! -e /etc/raidmon/raidmond.toml ] || fail "/etc/raidmon/raidmond.toml survived the purge"
for d in "${state_dirs[@]}"; do [ ! -e "$d" ] || fail "$d survived the purge"; done
say "OK ($(( $(date +%s) - start )) s)"
