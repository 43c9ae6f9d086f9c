#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One vm-tier scenario end to end:  run-scenario.sh NAME CACHE OUTDIR BINARY...
# Exit 77 (ctest: skipped) with a loud message when QEMU or the kernel cannot be had here.
set -euo pipefail
NAME=$1 CACHE=$2 OUT=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/prepare.sh" "$CACHE" || exit $?
mkdir -p "$OUT"
bash "$HERE/build-initramfs.sh" "$CACHE" "$HERE/scenarios/$NAME.sh" "$OUT/initramfs.cpio.zst" "$@"
exec python3 "$HERE/vmrun.py" --cache "$CACHE" --initrd "$OUT/initramfs.cpio.zst" --scenario "$NAME" --out "$OUT"
