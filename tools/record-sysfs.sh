#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Record what raidmon reads on this host into a tarball, for a bug report or a replay test:
#   tools/record-sysfs.sh OUT.tar.xz
# then, anywhere:  raidmon status --root DIR   (after tar -xJf OUT.tar.xz -C DIR)
#
# Read-only. Copies, with their symlinks: the block, enclosure, nvme, nvme-subsystem, scsi_host
# and dmi classes, every device directory they lead to and that device's ancestors (attributes
# only, plus md/, queue/ and enclosure components), /sys/bus/pci/slots, /proc/mdstat, md's speed
# limits, /etc/machine-id and the hostname. The recording holds serial numbers and the
# machine-id: it identifies the machine, which is its purpose; share it accordingly.
set -euo pipefail
OUT=${1:?usage: record-sysfs.sh OUT.tar.xz}
SYS=${RECORD_SYS:-/sys}   # for tests; the recording always stores the tree as sys/
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
R=$TMP/root
mkdir -p "$R/sys" "$R/proc/sys/dev/raid" "$R/proc/sys/kernel" "$R/etc"

declare -A DONE
rel() { echo "${1#"$SYS"/}"; }

# copy_attrs DIR: readable regular files (at most 64 KiB each) and symlinks of one directory
copy_attrs() {
  local d=$1 dst="$R/sys/$(rel "$1")" f
  mkdir -p "$dst"
  for f in "$d"/* "$d"/.[!.]*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    if [ -L "$f" ]; then
      ln -sfn "$(readlink "$f")" "$dst/${f##*/}"
    elif [ -f "$f" ]; then   # no -r test: reading is the test (write-only attributes fail it)
      head -c 65536 "$f" > "$dst/${f##*/}" 2>/dev/null || rm -f "$dst/${f##*/}"
    fi
  done
}

# copy_tree DIR DEPTH: attributes of DIR and of its subdirectories down to DEPTH (not following links)
copy_tree() {
  local d=$1 depth=$2 s
  copy_attrs "$d"
  ((depth > 0)) || return 0
  for s in "$d"/*/; do
    s=${s%/}
    if [ -d "$s" ] && [ ! -L "$s" ]; then copy_tree "$s" $((depth - 1)); fi
  done
  return 0
}

# resolve LINK: its target as an absolute path, resolved lexically like the library does (sysfs
# device directories contain no symlinked components, and realpath() would leave a testbed)
resolve() {
  local t
  t=$(readlink "$1") || { realpath -m -s "$1"; return; }
  case $t in /*) ;; *) t="$(dirname "$1")/$t" ;; esac
  realpath -m -s "$t"
}

# record_device DIR: the device (with the subdirectories raidmon reads) and all its ancestors
record_device() {
  local d p
  d=$(resolve "$1")
  [ -d "$d" ] || return 0
  [ -n "${DONE[$d]:-}" ] && return 0
  DONE[$d]=1
  case $d in
    */md*) copy_tree "$d" 3 ;;                  # md/, md/dev-*/, md/rd* links
    */enclosure/*) copy_tree "$d" 1 ;;         # enclosure components
    *) copy_tree "$d" 1 ;;                     # queue/, scsi_disk/, partitions
  esac
  p=${d%/*}
  while [ "$p" != "$SYS/devices" ] && [ "$p" != "$SYS" ] && [ -n "$p" ]; do
    if [ -z "${DONE[$p]:-}" ]; then DONE[$p]=1; copy_attrs "$p"; fi
    p=${p%/*}
  done
  # the device's own device link (block -> SCSI device / NVMe controller) and its target
  if [ -L "$d/device" ]; then record_device "$d/device"; fi
  return 0
}

for class in block enclosure nvme nvme-subsystem scsi_host dmi; do
  [ -d "$SYS/class/$class" ] || continue
  mkdir -p "$R/sys/class/$class"
  for l in "$SYS/class/$class"/*; do
    [ -L "$l" ] || continue
    ln -sfn "$(readlink "$l")" "$R/sys/class/$class/${l##*/}"
    record_device "$l"
  done
done
# subsystem links point at /sys/bus/* and /sys/class/* directories: make them exist
for b in "$SYS"/bus/*; do mkdir -p "$R/sys/bus/${b##*/}"; done
if [ -d "$SYS/bus/pci/slots" ]; then
  for s in "$SYS/bus/pci/slots"/*; do [ -d "$s" ] && copy_attrs "$s"; done
fi
if [ -d "$SYS/bus/pci/devices" ]; then for l in "$SYS/bus/pci/devices"/*; do
  mkdir -p "$R/sys/bus/pci/devices"; ln -sfn "$(readlink "$l")" "$R/sys/bus/pci/devices/${l##*/}"
  cls=$(cat "$l/class" 2>/dev/null || true)
  case $cls in 0x01*) record_device "$l" ;; esac
done; fi

PROC=${RECORD_PROC:-/proc}
ETC=${RECORD_ETC:-/etc}
for f in mdstat sys/dev/raid/speed_limit_min sys/dev/raid/speed_limit_max sys/kernel/hostname; do
  if [ -e "$PROC/$f" ]; then cat "$PROC/$f" > "$R/proc/$f" 2>/dev/null || rm -f "$R/proc/$f"; fi
done
if [ -e "$ETC/machine-id" ]; then cp "$ETC/machine-id" "$R/etc/machine-id"; fi
tar -C "$R" -cJf "$OUT" .
echo "recorded $(find "$R" | wc -l) entries into $OUT"
