# SPDX-License-Identifier: LGPL-2.1-or-later
# vm scenario "status": raidmon status on a real kernel with real md arrays, healthy then degraded.
S0=$(sd_by_serial VSCSI-D0); S1=$(sd_by_serial VSCSI-D1); S2=$(sd_by_serial VSCSI-D2); S3=$(sd_by_serial VSCSI-D3)
N0=$(nvme_by_serial NVME-D0); N1=$(nvme_by_serial NVME-D1)
# --assume-clean: no initial resync (the scenario is about reading state, not about md's speed)
mdadm --create /dev/md0 --run --assume-clean --level=5 --raid-devices=4 --metadata=1.2 \
      /dev/$S0 /dev/$S1 /dev/$S2 /dev/$S3 2>&1 | sed 's/^/@@LOG mdadm: /'
mdadm --create /dev/md1 --run --assume-clean --level=1 --raid-devices=2 --metadata=1.2 \
      /dev/$N0 /dev/$N1 2>&1 | sed 's/^/@@LOG mdadm: /'

raidmon status --json > /tmp/healthy.json; echo $? > /tmp/healthy.rc
send healthy.json /tmp/healthy.json; send healthy.rc /tmp/healthy.rc
raidmon status > /tmp/healthy.txt; send healthy.txt /tmp/healthy.txt

log "failing $S1 (VSCSI-D1) in md0"
mdadm /dev/md0 --fail /dev/$S1 2>&1 | sed 's/^/@@LOG mdadm: /'
check "md0 reports one degraded member" sh -c '[ "$(cat /sys/block/md0/md/degraded)" = 1 ]'
raidmon status --json > /tmp/degraded.json; echo $? > /tmp/degraded.rc
send degraded.json /tmp/degraded.json; send degraded.rc /tmp/degraded.rc
raidmon status > /tmp/degraded.txt; send degraded.txt /tmp/degraded.txt
