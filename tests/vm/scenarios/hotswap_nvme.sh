# SPDX-License-Identifier: LGPL-2.1-or-later
HOTSWAP_REQUIRED=1  # 1: an agent without the hot-swap flow FAILS this scenario
# vm scenario "hotswap_nvme": an NVMe RAID1 member fails and is replaced through its PCIe slot.
# md1 = RAID1 over NVME-D0/D1, each on its own pcie-root-port with native hot-plug (pciehp): the
# slot of rp1 (/sys/bus/pci/slots/N, with an attention indicator) is NVME-D1's bay and LED.
N0=$(nvme_by_serial NVME-D0); N1=$(nvme_by_serial NVME-D1)
mdadm --create /dev/md1 --run --assume-clean --level=1 --raid-devices=2 --metadata=1.2 \
      /dev/$N0 /dev/$N1 2>&1 | sed 's/^/@@LOG mdadm: /'
udevadm settle -t 10
echo 16000 > /proc/sys/dev/raid/speed_limit_max

PCI=$(basename "$(readlink -f /sys/block/$N1/device/device)")   # 0000:02:00.0
SLOT=""
for s in /sys/bus/pci/slots/*; do [ "$(cat "$s/address" 2>/dev/null)" = "${PCI%.*}" ] && SLOT=$s; done
log "NVME-D1 = $N1 at $PCI in PCIe slot ${SLOT:-none}"
check "NVME-D1 sits in a PCIe hot-plug slot" [ -n "$SLOT" ]
check "its slot has an attention indicator" [ -e "$SLOT/attention" ]
attn() { cat "$SLOT/attention" 2>/dev/null; }
attn_on() { [ -n "$(attn)" ] && [ "$(attn)" != 0 ]; }
attn_off() { [ "$(attn)" = 0 ]; }
# the kernel side of the LED: pciehp forwards attention writes to the slot control register
echo 1 > "$SLOT/attention" 2>/dev/null; A1=$(attn); echo 0 > "$SLOT/attention" 2>/dev/null; A0=$(attn)
log "attention write test: wrote 1 read $A1, wrote 0 read $A0"
check "slot attention indicator can be set and cleared (pciehp)" [ "$A1" = 1 ] && [ "$A0" = 0 ]
raidmon status --json > /tmp/status.json 2>/dev/null; send status.json /tmp/status.json

start_hotswap_agent

fail_member md1 $N1 NVME-D1
if have_cli_hotswap; then
  raidmon hotswap NVME-D1 --json > /tmp/workorder.json 2>/tmp/workorder.err; echo $? > /tmp/workorder.rc
  send workorder.json /tmp/workorder.json; send workorder.rc /tmp/workorder.rc
else
  log "SKIPPED: this raidmon has no 'hotswap' command (work order not checked)"
fi
hs_check "slot attention light on for the failed NVME-D1" wait_for 15 attn_on
log "slot attention = $(attn)"

log "PULL: hot-unplug nvme1 ($N1; pciehp: attention button, 5 s grace)"
T=$(up)
req unplug nvme1
check "$N1 disappeared" wait_for 60 sh -c "[ ! -e /sys/block/$N1 ]"
log "$N1 gone $(echo "$T $(up)" | awk '{printf "%.2f", $2-$1}')s after the unplug request"
wait_for 10 sh -c "[ ! -e /sys/block/md1/md/dev-$N1 ]"
mdlog md1
check "md1 no longer lists the pulled member (udev's mdadm -If)" sh -c "[ ! -e /sys/block/md1/md/dev-$N1 ]"
wait_event drive.removed NVME-D1
hs_wait_event hotswap.awaiting_insertion NVME-D1

log "INSERT: hot-plug blank NVME-R1 into the same slot"
req plug nvme-r1
check "replacement NVME-R1 appeared" wait_for 60 have_nvme NVME-R1
NEW=$(nvme_by_serial NVME-R1)
replacement_rebuilt md1 2 NVME-R1 "$NEW"
hs_check "slot attention light off at the end" wait_for 15 attn_off
log "slot attention at the end = $(attn)"
