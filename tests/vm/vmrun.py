#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host side of the vm tier: boot Debian's kernel under QEMU (TCG) with the test hardware, stream
the guest's serial console, act on its requests through QMP, collect the files it sends, then run
the scenario's host-side checks.

    vmrun.py --cache DIR --initrd FILE --scenario NAME --out DIR [--timeout S]

Hardware: 4 virtio-scsi disks (serial VSCSI-D0..3), 2 NVMe controllers each on its own PCIe root
port (NVME-D0, NVME-D1), 2 AHCI disks (AHCI-D0, AHCI-D1), SMBIOS identity; spares that the guest
can ask to hot-plug. A scenario's check module may ask for more with HARDWARE (a tuple):
"usb" an xHCI controller (id xhci) for USB devices the guest asks to hot-plug; "state_disk" a
virtio-blk disk (serial RAIDMON-STATE, ext4, made fresh for each run) whose content survives the
guest's resets; "reboot" lets the guest reboot and the host reset it (otherwise a reboot ends QEMU).
Exit: 0 pass, 1 fail, 77 when QEMU cannot start here (skipped, loudly).
"""
import argparse
import base64
import importlib.util
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent


class QMP:
    """Minimal QMP client: commands are serialised; events are logged."""

    def __init__(self, path, log, proc):
        self.log = log
        for _ in range(200):
            if proc.poll() is not None:
                raise RuntimeError("QEMU exited (status %d) before its QMP socket was up" % proc.returncode)
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("QMP socket never appeared")
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())
        self.replies = []
        self.deleted = set()
        self.cv = threading.Condition()
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()
        self.cmd("qmp_capabilities")

    def _reader(self):
        try:
            for line in self.f:
                msg = json.loads(line)
                if "event" in msg:
                    self.log("QMP event %s %s" % (msg["event"], json.dumps(msg.get("data", {}))))
                    if msg["event"] == "DEVICE_DELETED":
                        with self.cv:
                            self.deleted.add(msg.get("data", {}).get("device"))
                            self.cv.notify_all()
                else:
                    with self.cv:
                        self.replies.append(msg)
                        self.cv.notify_all()
        except (OSError, ValueError):
            pass

    def cmd(self, name, **args):
        with self.lock:
            self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
            self.f.flush()
            with self.cv:
                self.cv.wait_for(lambda: self.replies, timeout=30)
                reply = self.replies.pop(0) if self.replies else {"error": "timeout"}
        if name != "qmp_capabilities":
            self.log("QMP %s %s -> %s" % (name, json.dumps(args), json.dumps(reply)))
        return reply

    def wait_deleted(self, dev, timeout=60):
        """Wait for QEMU's DEVICE_DELETED: the guest has released the device (for PCIe, powered the
        slot off). Until then the slot still holds it and a device_add there is lost with it."""
        with self.cv:
            ok = self.cv.wait_for(lambda: dev in self.deleted, timeout=timeout)
            self.deleted.discard(dev)  # the same id may be plugged in and pulled again
        self.log("QMP %s deleted%s" % (dev, "" if ok else ": NOT within %ds" % timeout))
        return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, type=pathlib.Path)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    out = a.out
    out.mkdir(parents=True, exist_ok=True)
    for f in out.iterdir():  # results of an earlier run, not the initramfs we are given
        if f.is_file() and f.resolve() != pathlib.Path(a.initrd).resolve():
            f.unlink()
    t0 = time.time()
    logf = open(out / "console.log", "w")

    def log(line):
        s = "%7.2f %s" % (time.time() - t0, line)
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    kver = (a.cache / "kernel.ready").read_text().strip()
    # The scenario's host-side checks, and the extra hardware they ask for.
    check_py = HERE / "scenarios" / (a.scenario + "_check.py")
    checks = None
    if check_py.exists():
        spec = importlib.util.spec_from_file_location("checks", check_py)
        checks = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(checks)
    hardware = set(getattr(checks, "HARDWARE", ()))
    unknown = hardware - {"usb", "state_disk", "reboot"}
    if unknown:
        log("HOST: %s asks for unknown hardware %s" % (check_py.name, sorted(unknown)))
        return 1
    images = out / "images"
    images.mkdir(exist_ok=True)

    def disk(node, name, size="64M"):
        img = images / (name + ".img")
        subprocess.run(["truncate", "-s", "0", str(img)], check=True)
        subprocess.run(["truncate", "-s", size, str(img)], check=True)
        return ["-blockdev", "driver=file,filename=%s,node-name=%s-f" % (img, node),
                "-blockdev", "driver=raw,file=%s-f,node-name=%s" % (node, node)]

    qmp_path = str(out / "qmp.sock")
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    args = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg,thread=multi", "-cpu", "max", "-smp", "2",
            "-m", "512M", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-monitor", "none", "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
            # Without "reboot", a guest reboot (or a kernel panic, panic=-1) ends QEMU.
            "-action", "reboot=%s" % ("reset" if "reboot" in hardware else "shutdown"),
            "-kernel", str(a.cache / "kernel" / "boot" / ("vmlinuz-" + kver)), "-initrd", a.initrd,
            "-append", "console=ttyS0 loglevel=3 panic=-1",
            "-smbios", "type=1,manufacturer=raidmon-test,product=VM-12,serial=VM-0042-SERIAL,"
                       "uuid=c0ffee00-0000-4000-8000-000000000042",
            "-smbios", "type=2,serial=VM-BOARD-0042",
            "-smbios", "type=3,asset=ASSET-VM-42",
            # Native PCIe hot-plug (pciehp) on the root ports instead of QEMU's ACPI hot-plug: the
            # slots then have the attention indicator raidmon uses as the NVMe bay's LED.
            "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
            "-device", "virtio-scsi-pci,id=scsi0"]
    for i in range(4):
        args += disk("vs%d" % i, "vscsi%d" % i)
        args += ["-device", "scsi-hd,bus=scsi0.0,scsi-id=%d,lun=0,drive=vs%d,id=vscsi%d,product=VSCSI-D%d,"
                            "serial=VSCSI-D%d" % (i, i, i, i, i)]
    for i in range(2):
        args += disk("ah%d" % i, "ahci%d" % i)
        args += ["-device", "ide-hd,bus=ide.%d,drive=ah%d,id=ahci%d,model=AHCI-D%d-MODEL,serial=AHCI-D%d" % (i, i, i, i, i)]
    for i in range(2):
        args += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d,bus=pcie.0" % (i, i + 1, i + 1)]
        args += disk("nv%d" % i, "nvme%d" % i)
        args += ["-device", "nvme,bus=rp%d,drive=nv%d,id=nvme%d,serial=NVME-D%d" % (i, i, i, i)]
    # Added after the hardware every scenario has, so that its PCI addresses stay as they were.
    if "usb" in hardware:
        args += ["-device", "qemu-xhci,id=xhci"]
    if "state_disk" in hardware:
        # ext4 made here, so the guest only mounts it; its journal is replayed after a hard reset
        state = images / "state.img"
        subprocess.run(["truncate", "-s", "0", str(state)], check=True)
        subprocess.run(["truncate", "-s", "32M", str(state)], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "raidmon-state", str(state)], check=True)
        args += ["-blockdev", "driver=file,filename=%s,node-name=state-f" % state,
                 "-blockdev", "driver=raw,file=state-f,node-name=state",
                 "-device", "virtio-blk-pci,drive=state,id=state,serial=RAIDMON-STATE"]
    spares = {
        "vscsi-r1": ("vsr1", dict(driver="scsi-hd", bus="scsi0.0", lun=0, id="vscsi-r1", product="VSCSI-R1",
                                  serial="VSCSI-R1", **{"scsi-id": 5})),
        "nvme-r1": ("nvr1", dict(driver="nvme", bus="rp1", id="nvme-r1", serial="NVME-R1")),
        # a disk the scenario uses, pulls and plugs in again (a used replacement)
        "vscsi-u1": ("vsu1", dict(driver="scsi-hd", bus="scsi0.0", lun=0, id="vscsi-u1", product="VSCSI-U1",
                                  serial="VSCSI-U1", **{"scsi-id": 6})),
    }
    # USB devices the guest can ask for ("usb" hardware): no block node; fixed ports of the xHCI
    # controller, so that the guest's USB port path is known ("1-1", "1-2" on its USB 2 root hub).
    usb = {
        "usb-kbd": dict(driver="usb-kbd", bus="xhci.0", port="1", id="usb-kbd", serial="RMVM-KBD-0001"),
        "usb-tablet": dict(driver="usb-tablet", bus="xhci.0", port="2", id="usb-tablet", serial="RMVM-TAB-0002"),
    }
    for name in spares:
        img = images / (name + ".img")
        subprocess.run(["truncate", "-s", "0", str(img)], check=True)
        subprocess.run(["truncate", "-s", "64M", str(img)], check=True)

    log("QEMU: " + " ".join(args))
    try:
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        print("vm tier: SKIPPED: cannot start QEMU: %s" % e, file=sys.stderr)
        return 77
    try:
        qmp = QMP(qmp_path, log, p)
    except RuntimeError as e:
        p.kill()
        log("HOST: %s; QEMU said: %s" % (e, p.stdout.read().decode(errors="replace")))
        return 1
    timer = threading.Timer(a.timeout, lambda: (log("HOST: timeout after %.0fs, killing QEMU" % a.timeout), p.kill()))
    timer.daemon = True
    timer.start()

    result = None
    guest_failed = []  # every failed guest check, also of a boot that a reset ended
    qmp_failures = 0
    receiving = None
    chunks = []
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\r\n")
        if receiving is not None:
            if line == "@@END":
                (out / receiving).write_bytes(base64.b64decode("".join(chunks)))
                log("HOST: received %s (%d bytes)" % (receiving, (out / receiving).stat().st_size))
                receiving = None
            else:
                chunks.append(line.strip())
            continue
        log(line)
        if line.startswith("@@FILE "):
            receiving = pathlib.Path(line.split(None, 1)[1]).name
            chunks = []
        elif line.startswith("@@REQ "):
            what = line.split()[1:]
            if what[0] == "unplug":
                r = qmp.cmd("device_del", id=what[1])
                qmp_failures += "error" in r
                # Requests are handled in order: the next one (a plug into the same slot) waits
                # until this device is really gone.
                qmp_failures += "error" not in r and not qmp.wait_deleted(what[1])
                if what[1] in spares:  # its image may be plugged in again: let go of the block node
                    qmp_failures += "error" in qmp.cmd("blockdev-del", **{"node-name": spares[what[1]][0]})
            elif what[0] == "plug" and what[1] in usb:
                qmp_failures += "error" in qmp.cmd("device_add", **usb[what[1]])
            elif what[0] == "plug":
                node, dev = spares[what[1]]
                qmp_failures += "error" in qmp.cmd("blockdev-add", driver="raw", **{"node-name": node},
                                                   file={"driver": "file", "filename": str(images / (what[1] + ".img"))})
                qmp_failures += "error" in qmp.cmd("device_add", drive=node, **dev)
            elif what[0] == "reset" and "reboot" in hardware:
                # a hard reset, as a BMC's chassis control does it: nothing in the guest is told
                qmp_failures += "error" in qmp.cmd("system_reset")
            elif what[0] == "smartwarn":
                qmp_failures += "error" in qmp.cmd("qom-set", path="/machine/peripheral/" + what[1],
                                                   property="smart_critical_warning", value=int(what[2], 0))
            else:
                log("HOST: unknown request %s" % what)
                qmp_failures += 1
        elif line.startswith("@@CHECK FAILED"):
            guest_failed.append(line[len("@@CHECK FAILED "):])
        elif line.startswith("@@RESULT"):
            result = line
        elif line.startswith("@@DONE"):
            break
    try:
        qmp.cmd("quit")
    except Exception:  # QEMU may already be gone
        pass
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
    timer.cancel()

    failures = []

    def expect(cond, what):
        log("HOST CHECK %s %s" % ("ok" if cond else "FAILED", what))
        if not cond:
            failures.append(what)

    expect(result == "@@RESULT PASS", "guest checks passed (%s)" % result)
    expect(not guest_failed, "no guest check failed (%s)" % "; ".join(guest_failed))
    expect(qmp_failures == 0, "every QMP request succeeded")
    if result is not None and checks is not None:
        try:
            checks.check(out, expect)
        except Exception as e:  # a missing file or field is a failure with its reason
            expect(False, "host checks raised %r" % e)
    log("HOST: scenario %s %s in %.1fs" % (a.scenario, "PASSED" if not failures else "FAILED", time.time() - t0))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
