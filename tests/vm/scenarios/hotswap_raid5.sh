# SPDX-License-Identifier: LGPL-2.1-or-later
HOTSWAP_REQUIRED=1  # 1: an agent without the hot-swap flow FAILS this scenario
# vm scenario "hotswap_raid5": a RAID5 member fails, is pulled and replaced under the real agent.
# md0 = RAID5 over VSCSI-D0..3. mdadm --fail marks D1 faulty; the host hot-unplugs it (udev's
# mdadm rule runs "mdadm -If", md drops the member); a blank disk VSCSI-R1 is hot-plugged; the
# agent (hot-swap flow, add = "auto") or, without it, the scenario adds it; md rebuilds.
S0=$(sd_by_serial VSCSI-D0); S1=$(sd_by_serial VSCSI-D1); S2=$(sd_by_serial VSCSI-D2); S3=$(sd_by_serial VSCSI-D3)
mdadm --create /dev/md0 --run --assume-clean --level=5 --raid-devices=4 --metadata=1.2 \
      /dev/$S0 /dev/$S1 /dev/$S2 /dev/$S3 2>&1 | sed 's/^/@@LOG mdadm: /'
udevadm settle -t 10
# a rebuild of 64 MiB that lasts a few seconds: long enough for the agent to see it running
echo 16000 > /proc/sys/dev/raid/speed_limit_max

start_hotswap_agent

fail_member md0 $S1 VSCSI-D1
if have_cli_hotswap; then
  raidmon hotswap VSCSI-D1 --json > /tmp/workorder.json 2>/tmp/workorder.err; echo $? > /tmp/workorder.rc
  send workorder.json /tmp/workorder.json; send workorder.rc /tmp/workorder.rc
else
  log "SKIPPED: this raidmon has no 'hotswap' command (work order not checked)"
fi

log "PULL: hot-unplug vscsi1 ($S1)"
T=$(up)
req unplug vscsi1
check "$S1 disappeared" wait_for 30 sh -c "[ ! -e /sys/block/$S1 ]"
wait_for 10 sh -c "[ ! -e /sys/block/md0/md/dev-$S1 ]" && log "md0 let go of $S1 $(echo "$T $(up)" | awk '{printf "%.2f", $2-$1}')s after the unplug request"
mdlog md0
check "md0 no longer lists the pulled member (udev's mdadm -If)" sh -c "[ ! -e /sys/block/md0/md/dev-$S1 ]"
wait_event drive.removed VSCSI-D1
hs_wait_event hotswap.removed VSCSI-D1
hs_wait_event hotswap.awaiting_insertion VSCSI-D1

log "INSERT: hot-plug blank VSCSI-R1"
req plug vscsi-r1
check "replacement VSCSI-R1 appeared" wait_for 30 have_sd VSCSI-R1
NEW=$(sd_by_serial VSCSI-R1)
replacement_rebuilt md0 4 VSCSI-R1 "$NEW"
wait_event array.rebuild_started md0 30
mdadm --detail /dev/md0 > /tmp/md0.detail 2>&1; send md0.detail /tmp/md0.detail
