# SPDX-License-Identifier: LGPL-2.1-or-later
# vm scenario "console_reset" (issue 15): console devices and restart forensics on a real kernel.
# The guest boots three times; the agent's state directory is on a disk that survives (the host's
# "state_disk", ext4), and so does this script's progress (/persist/phase) and its failed checks.
#   boot 1  the host hot-plugs a USB keyboard and a USB tablet into the xHCI controller (QMP
#           device_add, with serials), the agent reports console.attached for each (the kernel's
#           own view of them goes to the host to compare), the issue file shows the code of the
#           last attach; both are pulled (device_del): console.detached. Then a hard reset (QMP
#           system_reset): the agent is not told.
#   boot 2  host.booted says the previous boot did not end cleanly. The agent is stopped in order
#           (host.shutdown), the state disk unmounted, the guest reboots itself.
#   boot 3  host.booted says the previous boot ended with a clean stop of the agent.
# Events of boots 1 and 2 go to the host as events-boot1.jsonl and events-boot2.jsonl, boot 3's as
# events.jsonl (init's end). Host checks: console_reset_check.py.
PERSIST=/persist
ISSUE=/run/issue.d/50-raidmon.issue

vd_by_serial() {
  for d in /sys/block/vd*; do
    [ -e "$d/serial" ] && [ "$(cat "$d/serial")" = "$1" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
usb_port_by_serial() {  # the kernel's name of the USB device with this serial: its port path
  for d in /sys/bus/usb/devices/*; do
    [ -f "$d/serial" ] && [ "$(cat "$d/serial")" = "$1" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
kernel_view() {  # kernel_view SERIAL: what sysfs says of the device, "SERIAL key value" lines
  p=$(usb_port_by_serial "$1") || return 1
  d=/sys/bus/usb/devices/$p
  echo "$1 port $p"
  for a in idVendor idProduct manufacturer product; do echo "$1 $a $(cat "$d/$a")"; done
  for i in "$d/$p":*; do echo "$1 interface $(cat "$i/bInterfaceClass") $(cat "$i/bInterfaceProtocol")"; done
}
ev_match() {  # ev_match TYPE REGEX: a line of that type matching the extended regex
  grep -E "\"type\": ?\"io\.raidmon\.$1\"" "$EVENTS" 2>/dev/null | grep -qE -- "$2"
}
code_of() {  # the verification_code of the console.attached event naming $1
  grep -E '"type": ?"io\.raidmon\.console\.attached"' "$EVENTS" | grep -F "$1" | tail -1 |
    sed -n 's/.*"verification_code": *"\([^"]*\)".*/\1/p'
}
persist_progress() {  # persist_progress PHASE: where the next boot goes on, and what failed so far
  echo "$1" > $PERSIST/phase
  printf '%s' "$FAILED" > $PERSIST/failed
  sync
}
await_reset() {  # the host resets the guest now; a deadline, not a wait for something in here
  if wait_for 60 false; then :; fi
  echo "@@CHECK FAILED the guest was reset within 60 s of $1"; FAILED="$FAILED [no reset after $1]"
}
stop_agent() {  # an orderly stop, as systemd does it (SIGTERM): host.shutdown, then the clean-stop record
  kill "$AGENT_PID"; wait "$AGENT_PID"; rc=$?
  check "raidmond exited 0 after SIGTERM (got $rc)" [ "$rc" = 0 ]
  AGENT_PID=""
}

modprobe -a virtio_blk ext4 xhci_pci usbhid hid_generic evdev || log "modprobe reported an error"
check "the state disk is there" wait_for 30 vd_by_serial RAIDMON-STATE
VD=$(vd_by_serial RAIDMON-STATE)
mkdir -p $PERSIST
check "the state disk ($VD) mounts" mount -t ext4 /dev/$VD $PERSIST
mkdir -p $PERSIST/raidmon
mount -o bind $PERSIST/raidmon /var/lib/raidmon
PHASE=$(cat $PERSIST/phase 2>/dev/null || echo first-boot)
[ -f $PERSIST/failed ] && FAILED="$(cat $PERSIST/failed)"
udevadm settle -t 10
log "boot id $(cat /proc/sys/kernel/random/boot_id), phase $PHASE${FAILED:+, failed before:$FAILED}"

case $PHASE in
first-boot)
  start_agent
  check "boot 1: host.booted, nothing recorded before" wait_for 10 ev_match host.booted '"end": ?"unknown"'
  : > /tmp/usb.txt
  for dev in usb-kbd:RMVM-KBD-0001 usb-tablet:RMVM-TAB-0002; do
    id=${dev%%:*} serial=${dev#*:}
    log "PLUG: $id (serial $serial)"
    req plug "$id"
    check "the kernel enumerated $serial" wait_for 30 usb_port_by_serial "$serial"
    wait_event console.attached "$serial"
    kernel_view "$serial" >> /tmp/usb.txt
  done
  udevadm settle -t 10
  CODE=$(code_of RMVM-TAB-0002)
  check "the host's screen shows the code of the last attach ($CODE)" wait_for 10 grep -q "Verification code: *$CODE" $ISSUE
  cp $ISSUE /tmp/issue-boot1.txt
  for dev in usb-kbd:RMVM-KBD-0001 usb-tablet:RMVM-TAB-0002; do
    id=${dev%%:*} serial=${dev#*:}
    log "PULL: $id (serial $serial)"
    req unplug "$id"
    check "the kernel let go of $serial" wait_for 30 sh -c "! grep -qx '$serial' /sys/bus/usb/devices/*/serial"
    wait_event console.detached "$serial"
  done
  send usb.txt /tmp/usb.txt
  send issue-boot1.txt /tmp/issue-boot1.txt
  send events-boot1.jsonl "$EVENTS"
  send raidmond-boot1.log /tmp/raidmond.log
  persist_progress hard-reset
  log "RESET: a hard reset of the running guest (QMP system_reset)"
  req reset
  await_reset "system_reset"
  ;;
hard-reset)
  start_agent
  wait_event host.booted unclean 30
  check "boot 2: no console device present at start" sh -c "! grep -q 'io.raidmon.console.attached' $EVENTS"
  stop_agent
  send events-boot2.jsonl "$EVENTS"
  send raidmond-boot2.log /tmp/raidmond.log
  persist_progress clean-reboot
  umount /var/lib/raidmon; umount $PERSIST
  log "REBOOT: the agent stopped in order, the guest reboots itself"
  reboot -f
  await_reset "reboot -f"
  ;;
clean-reboot)
  start_agent
  check "boot 3: host.booted says the previous boot ended cleanly" wait_for 30 ev_match host.booted '"end": ?"clean"'
  persist_progress done
  ;;  # init's end stops the agent and sends events.jsonl
*)
  echo "@@CHECK FAILED unexpected phase $PHASE on the state disk"; FAILED="$FAILED [phase $PHASE]"
  ;;
esac
