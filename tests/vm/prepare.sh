#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Prepare the vm tier: QEMU and the tools the initramfs is built from, and a Debian 12 kernel
# (downloaded as a package and unpacked, never installed). Everything goes to CACHE (a directory
# in the build tree, never committed).
#   prepare.sh CACHE        exit 0 ready, 77 cannot be prepared here (the tests then SKIP, loudly)
set -uo pipefail
CACHE=$1
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)  # absolute: the download runs in it
mkdir -p "$CACHE"
skip() { echo "vm tier: SKIPPED: $*" >&2; exit 77; }

need=()
for c in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio zstd:zstd mdadm:mdadm mkfs.ext4:e2fsprogs; do
  command -v "${c%%:*}" >/dev/null || need+=("${c##*:}")
done
# busybox must be the static one: the guest has no libc for it
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically' || dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}") >"$CACHE/apt.log" 2>&1 ||
    skip "cannot install ${need[*]} (see $CACHE/apt.log)"
fi

if [ ! -f "$CACHE/kernel.ready" ]; then
  KPKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)
  if [ -z "$KPKG" ]; then
    apt-get update -qq >/dev/null 2>&1
    KPKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)
  fi
  [ -n "$KPKG" ] || skip "no linux-image-6.1.0-*-amd64 package is known to apt"
  KVER=${KPKG#linux-image-}
  rm -rf "$CACHE/kernel" "$CACHE"/*.deb
  (cd "$CACHE" && apt-get download "$KPKG" >"$CACHE/download.log" 2>&1) || skip "cannot download $KPKG (see $CACHE/download.log)"
  dpkg -x "$CACHE"/linux-image-*.deb "$CACHE/kernel" || skip "cannot unpack $KPKG"
  rm -f "$CACHE"/*.deb
  busybox depmod -b "$CACHE/kernel" "$KVER" || skip "depmod failed for $KVER"
  echo "$KVER" > "$CACHE/kernel.ready"
fi
echo "vm tier: kernel $(cat "$CACHE/kernel.ready"), $(qemu-system-x86_64 --version | head -1)"
