# SPDX-License-Identifier: LGPL-2.1-or-later
HOTSWAP_REQUIRED=1  # 1: an agent without the hot-swap flow FAILS this scenario
# vm scenario "hotswap_used": the replacement is a used disk. VSCSI-U1 was the member of another
# RAID1 (md9) on this server; it was pulled and now goes in for VSCSI-D1 of md0 (RAID1 over
# VSCSI-D0/D1). udev's incremental assembly takes it at once for its old array (inactive): the
# agent must refuse it while it is in use, check it again when the operator stops that array, and
# then (allow_foreign_signatures = true) wipe its old superblock with wipefs before mdadm --add.
S0=$(sd_by_serial VSCSI-D0); S1=$(sd_by_serial VSCSI-D1)
mdadm --create /dev/md0 --run --assume-clean --level=1 --raid-devices=2 --metadata=1.2 \
      /dev/$S0 /dev/$S1 2>&1 | sed 's/^/@@LOG mdadm: /'
echo 16000 > /proc/sys/dev/raid/speed_limit_max

log "PAST: VSCSI-U1 serves in md9, then is stopped and pulled"
req plug vscsi-u1
check "VSCSI-U1 appeared" wait_for 30 have_sd VSCSI-U1
U=$(sd_by_serial VSCSI-U1)
udevadm settle -t 10
mdadm --create /dev/md9 --run --level=1 --raid-devices=2 --metadata=1.2 /dev/$U missing 2>&1 | sed 's/^/@@LOG mdadm: /'
MD9_UUID=$(mdadm --detail --export /dev/md9 | sed -n 's/^MD_UUID=//p')
log "md9 uuid $MD9_UUID"
mdadm --stop /dev/md9 2>&1 | sed 's/^/@@LOG mdadm: /'
udevadm settle -t 10
req unplug vscsi-u1
gone_sd() { ! have_sd "$1"; }
check "VSCSI-U1 pulled" wait_for 30 gone_sd VSCSI-U1
udevadm settle -t 10

detect_hotswap
start_agent "$(printf '[hotswap]\nadd = "auto"\nallow_foreign_signatures = true')"
fail_member md0 $S1 VSCSI-D1
log "PULL: hot-unplug vscsi1 ($S1)"
req unplug vscsi1
check "$S1 disappeared" wait_for 30 sh -c "[ ! -e /sys/block/$S1 ]"
wait_event drive.removed VSCSI-D1
hs_wait_event hotswap.awaiting_insertion VSCSI-D1

log "INSERT: the used disk VSCSI-U1"
req plug vscsi-u1
check "VSCSI-U1 is back" wait_for 30 have_sd VSCSI-U1
NEW=$(sd_by_serial VSCSI-U1)
udevadm settle -t 10
holder() { ls /sys/block/$NEW/holders 2>/dev/null | grep '^md' | head -1; }
# Two orders are possible, and both are right: udev's incremental assembly (mdadm -I) takes the
# disk for its old array first, or the agent sees it free first and (allow_foreign_signatures)
# wipes it and adds it to md0 before mdadm -I finds a superblock. The agent must never add it
# while the old array holds it.
check "something took $NEW (its old array, or md0 through the agent)" wait_for 15 sh -c "[ -n \"\$(ls /sys/block/$NEW/holders)\" ]"
H=$(holder)
log "$NEW held by ${H:-nothing}: $(cat /proc/mdstat | tr '\n' ' ')"
if [ "$H" != md0 ]; then
  hs_wait_event hotswap.replacement_rejected "in use by $H"
  check "the agent added nothing while $NEW is in use" sh -c "[ ! -e /sys/block/md0/md/dev-$NEW ]"
  log "OPERATOR: mdadm --stop /dev/$H"
  mdadm --stop /dev/$H 2>&1 | sed 's/^/@@LOG mdadm: /'
else
  log "ORDER: the agent wiped and added $NEW before udev assembled its old array"
  echo agent-first > /tmp/order.txt; send order.txt /tmp/order.txt
fi
replacement_rebuilt md0 2 VSCSI-U1 "$NEW"
check "$NEW now carries md0's superblock, not md9's" sh -c "mdadm --examine --export /dev/$NEW | grep -q \"^MD_UUID=$(mdadm --detail --export /dev/md0 | sed -n 's/^MD_UUID=//p')\$\""
mdadm --examine /dev/$NEW 2>&1 | sed 's/^/@@LOG examine: /'
mdadm --detail /dev/md0 > /tmp/md0.detail 2>&1; send md0.detail /tmp/md0.detail
grep -E "wipefs|mdadm" /tmp/raidmond.log | sed 's/^/@@LOG raidmond: /' | tail -20
