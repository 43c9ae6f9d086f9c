# SPDX-License-Identifier: LGPL-2.1-or-later
HOTSWAP_REQUIRED=1  # 1: an agent without the hot-swap flow FAILS this scenario
# vm scenario "hotswap_wrong": the technician pulls the wrong drive. md0 = RAID5 over VSCSI-D0..3;
# D1 fails (mdadm --fail), then D2 (healthy) is hot-unplugged: md0 loses a second member.
S0=$(sd_by_serial VSCSI-D0); S1=$(sd_by_serial VSCSI-D1); S2=$(sd_by_serial VSCSI-D2); S3=$(sd_by_serial VSCSI-D3)
mdadm --create /dev/md0 --run --assume-clean --level=5 --raid-devices=4 --metadata=1.2 \
      /dev/$S0 /dev/$S1 /dev/$S2 /dev/$S3 2>&1 | sed 's/^/@@LOG mdadm: /'
udevadm settle -t 10

# md0 is in use, as a mounted filesystem would hold it: with no holder, udev's "mdadm -If" on the
# wrong drive cannot fail it (the kernel refuses: EBUSY) and then stops the whole array instead.
exec 3</dev/md0

start_hotswap_agent

fail_member md0 $S1 VSCSI-D1

log "WRONG PULL: hot-unplug vscsi2 ($S2, healthy) instead of vscsi1"
req unplug vscsi2
check "$S2 disappeared" wait_for 30 sh -c "[ ! -e /sys/block/$S2 ]"
sleep 1
mdlog md0
# a read, as the filesystem would issue one (on 6.1 md has already failed the array by now)
dd if=/dev/md0 of=/dev/null bs=4k count=16 skip=1000 iflag=direct 2>&1 | sed 's/^/@@LOG dd: /'
sleep 1
mdlog md0
log "md0 after the wrong pull: $(grep -A2 '^md0' /proc/mdstat | tr '\n' ' ')"
wait_event drive.removed VSCSI-D2
array_lost() { ev_seen array.failed md0 || [ "$(grep -c '"type": *"io.raidmon.array.degraded"' "$EVENTS")" -ge 2 ]; }
check "array.failed for md0 (or a second array.degraded)" wait_for 30 array_lost
hs_wait_event hotswap.wrong_drive_removed VSCSI-D2
mdadm --detail /dev/md0 > /tmp/md0.detail 2>&1; send md0.detail /tmp/md0.detail
dmesg | grep -E 'md/raid|md0|md:' | tail -20 | sed 's/^/@@LOG dmesg: /'
exec 3<&-
