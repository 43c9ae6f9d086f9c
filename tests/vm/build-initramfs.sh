#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the guest's initramfs: static busybox, mdadm, the real raidmon binaries with the shared
# libraries they load (their absolute paths kept, so the build tree's RPATH still works), the
# kernel modules for the emulated hardware, and /init (tests/vm/init) plus one scenario script.
#   build-initramfs.sh CACHE SCENARIO.sh OUT.cpio.zst BINARY...
set -euo pipefail
CACHE=$1 SCENARIO=$2 OUT=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
KVER=$(cat "$CACHE/kernel.ready")
KROOT=$CACHE/kernel
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,run,tmp,etc/mdadm,root,var/lib/raidmon}

cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
for a in modprobe insmod lsmod depmod poweroff reboot halt; do ln -sf ../bin/busybox "$R/sbin/$a"; done

copy_with_libs() {  # copy_with_libs SOURCE DEST-IN-GUEST
  mkdir -p "$R/$(dirname "$2")"
  cp -L "$1" "$R/$2"
  ldd "$1" | awk '/=>/ {print $3} /^\t\// {print $1}' | while read -r lib; do
    [ -f "$lib" ] || continue
    case $lib in
      /lib/*|/lib64/*|/usr/lib/*|/usr/lib64/*) dst=$lib ;;
      # A library of the build tree (libraidmon): its path may lie under /tmp, which the guest
      # mounts over; put it where the loader looks by default.
      *) dst=/usr/lib/$(basename "$lib") ;;
    esac
    mkdir -p "$R/$(dirname "$dst")"
    [ -e "$R/$dst" ] || cp -L "$lib" "$R/$dst"
  done
}
copy_with_libs "$(command -v mdadm)" /sbin/mdadm
# what the hot-swap assistant runs on a used replacement the policy lets it overwrite
copy_with_libs "$(command -v wipefs)" /sbin/wipefs
for b in "$@"; do copy_with_libs "$b" "/bin/$(basename "$b")"; done
# Diagnostics in the console when they exist on the host (the scenarios do not depend on them).
for t in smartctl nvme; do
  p=$(command -v $t) && copy_with_libs "$p" "/sbin/$t" || true
done

# udev as a Debian server runs it: systemd-udevd (one binary with udevadm, told apart by argv[0]),
# its helpers, and the rules for block devices and md (including mdadm's incremental assembly and
# its remove rule, which runs "mdadm -If" when a member disappears).
if [ -x /lib/systemd/systemd-udevd ] || [ -x /usr/lib/systemd/systemd-udevd ]; then
  UDEVD=$(readlink -f /lib/systemd/systemd-udevd 2>/dev/null || readlink -f /usr/lib/systemd/systemd-udevd)
  copy_with_libs "$(command -v udevadm)" /bin/udevadm
  mkdir -p "$R/lib/systemd" "$R/lib/udev/rules.d" "$R/etc/udev"
  if [ "$(basename "$UDEVD")" = udevadm ]; then ln -s /bin/udevadm "$R/lib/systemd/systemd-udevd"
  else copy_with_libs "$UDEVD" /lib/systemd/systemd-udevd; fi
  for h in ata_id scsi_id; do [ -x /lib/udev/$h ] && copy_with_libs /lib/udev/$h /lib/udev/$h; done
  for r in 50-udev-default 60-block 60-persistent-storage 01-md-raid-creating 63-md-raid-arrays 64-md-raid-assembly; do
    f=/lib/udev/rules.d/$r.rules
    [ -f "$f" ] || f=/usr/lib/udev/rules.d/$r.rules
    [ -f "$f" ] && cp "$f" "$R/lib/udev/rules.d/" || echo "build-initramfs: no udev rule $r on this host" >&2
  done
  ln -sf /sbin/mdadm "$R/usr/sbin/mdadm"
  ln -sf /bin/udevadm "$R/sbin/udevadm"
  ln -sf /bin/basename "$R/usr/bin/basename"
else
  echo "build-initramfs: no systemd-udevd on this host: the guest runs without udev" >&2
fi

echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
echo 'root:x:0:' > "$R/etc/group"
# the groups udev's rules name (unknown ones only produce warnings, but keep the log clean)
for g in disk cdrom tape dialout kmem tty video audio input kvm render sgx lp; do echo "$g:x:$((100 + ${#g})):" >> "$R/etc/group"; done
echo 'DEVICE partitions' > "$R/etc/mdadm/mdadm.conf"
# A machine-id as systemd writes it: the host identity the panel keys on.
echo 5f0c2d9e8b7a4c3d9e1f2a3b4c5d6e7f > "$R/etc/machine-id"
echo raidmon-vm > "$R/etc/hostname"

# Kernel modules: the closure over modules.dep of what the emulated hardware needs.
MD=$KROOT/lib/modules/$KVER
WANT="md-mod raid1 raid456 raid10 libahci ahci sd_mod sg scsi_mod nvme nvme-core virtio_pci virtio_scsi
      ses enclosure crc32c_generic crct10dif_generic crc64_rocksoft_generic
      xhci-pci usbhid hid-generic evdev virtio_blk ext4"  # USB consoles, a state disk (loaded by the scenarios that use them)
declare -A SEEN
add_mod() {
  [ -n "${SEEN[$1]:-}" ] && return
  SEEN[$1]=1
  local d
  for d in $(grep "^$1:" "$MD/modules.dep" | cut -d: -f2-); do add_mod "$d"; done
}
for m in $WANT; do
  p=$(grep -E "(^|/)(${m}|${m//-/_})\.ko(\.[a-z]+)?:" "$MD/modules.dep" | head -1 | cut -d: -f1)
  [ -n "$p" ] || { echo "kernel $KVER has no module $m" >&2; exit 1; }
  add_mod "$p"
done
RM=$R/lib/modules/$KVER
for p in "${!SEEN[@]}"; do mkdir -p "$RM/$(dirname "$p")"; cp "$MD/$p" "$RM/$p"; done
cp "$MD"/modules.builtin "$MD"/modules.order "$RM/"
busybox depmod -b "$R" "$KVER"

# Debug information stays on the host: a RelWithDebInfo libraidmon and raidmond carry ~180 MB of
# it, which the guest would have to unpack into its 512 MiB of RAM ("Initramfs unpacking failed:
# write error", then ENOSPC for everything the scenario writes). Kernel modules are left alone.
find "$R" -path "$R/lib/modules" -prune -o -type f -print | while read -r f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "177ELF" ] || continue
  strip --strip-debug "$f" 2>/dev/null || true
done

cp "$HERE/init" "$R/init"
cp "$SCENARIO" "$R/scenario.sh"
chmod +x "$R/init" "$R/scenario.sh"
(cd "$R" && find . | cpio -o -H newc --quiet) | zstd -q -9 -T0 -f -o "$OUT"
