# SPDX-License-Identifier: LGPL-2.1-or-later
HOTSWAP_REQUIRED=1  # 1: an agent without the hot-swap flow FAILS this scenario
# vm scenario "hotswap_predicted": an NVMe announces its own failure (SMART critical warning,
# injected by QEMU) while still working. md1 = RAID1 over NVME-D0/D1; raidmond reads SMART
# natively every 2 s; the host sets NVME-D0's critical warning to 0x04 (reliability degraded).
N0=$(nvme_by_serial NVME-D0); N1=$(nvme_by_serial NVME-D1)
mdadm --create /dev/md1 --run --assume-clean --level=1 --raid-devices=2 --metadata=1.2 \
      /dev/$N0 /dev/$N1 2>&1 | sed 's/^/@@LOG mdadm: /'
udevadm settle -t 10
raidmon smart /dev/$N0 --json > /tmp/smart-before.json 2>/tmp/smart-before.err; echo $? > /tmp/smart-before.rc
send smart-before.json /tmp/smart-before.json; send smart-before.rc /tmp/smart-before.rc

SMART_INTERVAL=2s
start_hotswap_agent

log "PREDICT: NVME-D0 critical warning 0x04 (NVM subsystem reliability degraded)"
req smartwarn nvme0 4
sleep 1
raidmon smart /dev/$N0 --json > /tmp/smart-after.json 2>/tmp/smart-after.err; echo $? > /tmp/smart-after.rc
send smart-after.json /tmp/smart-after.json; send smart-after.rc /tmp/smart-after.rc
[ -x /sbin/nvme ] && nvme smart-log /dev/${N0%n1} 2>&1 | grep -i critical_warning | sed 's/^/@@LOG nvme-cli: /'
wait_event drive.failure_predicted NVME-D0 45
hs_wait_event hotswap.awaiting_removal NVME-D0 45
check "md1 still optimal (a prediction is not a failure)" md_healthy md1 2
