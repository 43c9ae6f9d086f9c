# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "console_reset" (issue 15): USB consoles hot-plugged by QMP,
then a hard reset and a clean reboot, with the agent's state on a disk that survives them."""
import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events  # noqa: E402

# What vmrun.py adds for this scenario: the xHCI controller, the state disk, reboots.
HARDWARE = ("usb", "state_disk", "reboot")

# The devices vmrun.py plugs (serial -> QEMU port, whose path the guest kernel calls "1-N").
DEVICES = {"RMVM-KBD-0001": "1-1", "RMVM-TAB-0002": "1-2"}
CODE = re.compile(r"^[3469ACDEFGHJKMNPQRTWXY]{3}-[3469ACDEFGHJKMNPQRTWXY]{3}$")
BOOT_FILES = ("events-boot1.jsonl", "events-boot2.jsonl", "events.jsonl")  # boot 3's: init's end sends it


def kernel_view(out):
    """usb.txt: "SERIAL key value" lines the guest wrote from sysfs."""
    view = {}
    for line in (out / "usb.txt").read_text().splitlines():
        serial, key, value = (line.split(None, 2) + [""])[:3]
        d = view.setdefault(serial, {"interfaces": []})
        if key == "interface":
            d["interfaces"].append(value.split())
        else:
            d[key] = value
    return view


def function_of(interface):
    """The function raidmon gives a HID interface by its boot protocol (raidmon/console.hpp)."""
    cls, proto = interface
    if cls != "03":
        return None
    return {"01": "keyboard", "02": "mouse"}.get(proto, "hid")


def data(e):
    return e.get("data") or {}


def check(out, expect):
    boots = [Events(out, expect, (f,)) for f in BOOT_FILES]
    everything = Events(out, expect, BOOT_FILES)
    # One identity over the three boots, and the outbox (on the state disk) kept counting: the
    # sequence goes on across both resets, no event id repeats.
    everything.common()

    # ---- boot 1: the consoles
    b1 = boots[0]
    view = kernel_view(out)
    codes = []
    for serial, port in DEVICES.items():
        k = view.get(serial, {})
        expect(k.get("port") == port, "the guest kernel put %s at USB port %s (got %r)" % (serial, port, k.get("port")))
        att = b1.of("console.attached", lambda e, s=serial: Events.snap(e).get("serial") == s)
        det = b1.of("console.detached", lambda e, s=serial: Events.snap(e).get("serial") == s)
        expect(len(att) == 1, "exactly one console.attached for %s (got %d)" % (serial, len(att)))
        expect(len(det) == 1, "exactly one console.detached for %s (got %d)" % (serial, len(det)))
        if not att or not det:
            continue
        a, d = att[0], det[0]
        s = Events.snap(a)
        expect(a.get("subject") == "console/" + k.get("port", "?"), "%s: subject console/<the kernel's port> (%r)" % (serial, a.get("subject")))
        for field, attr in (("port", "port"), ("vendor_id", "idVendor"), ("product_id", "idProduct"),
                            ("manufacturer", "manufacturer"), ("product", "product")):
            expect(s.get(field) == k.get(attr), "%s: %s %r is the kernel's %s %r" % (serial, field, s.get(field), attr, k.get(attr)))
        want_functions = [f for f in dict.fromkeys(function_of(i) for i in k["interfaces"]) if f]
        expect(s.get("functions") == want_functions, "%s: functions %r from the kernel's interfaces %r" % (
            serial, s.get("functions"), k["interfaces"]))
        expect(s.get("classification") == "virtual_machine" and s.get("vendor_id") == "0627",
               "%s: QEMU's 0627:0001 classified virtual_machine (%r)" % (serial, s.get("classification")))
        expect(str(s.get("classification_source", "")).startswith("[usbids] 0627"), "%s: the table row's source is cited" % serial)
        code = data(a).get("verification_code", "")
        expect(bool(CODE.match(code)), "%s: attached carries a verification code (%r)" % (serial, code))
        codes.append(code)
        expect(serial in [c.get("serial") for c in data(a).get("host", {}).get("consoles", [])],
               "%s: the identity block of its attach lists it among the host's consoles" % serial)
        expect(int(d["sequence"]) > int(a["sequence"]), "%s: detached after attached" % serial)
        expect(Events.snap(d).get("port") == k.get("port") and d.get("subject") == a.get("subject"),
               "%s: detached names the same port" % serial)
        expect(serial not in [c.get("serial") for c in data(d).get("host", {}).get("consoles", [])],
               "%s: no longer among the host's consoles in its detach" % serial)
        expect("verification_code" not in data(d), "%s: detached carries no code" % serial)
    expect(len(codes) == 2 and codes[0] != codes[1], "each attach gave a new code (%r)" % codes)
    tab = b1.of("console.attached", lambda e: Events.snap(e).get("serial") == "RMVM-TAB-0002")
    if tab:
        both = sorted(c.get("port") for c in data(tab[0]).get("host", {}).get("consoles", []))
        expect(both == sorted(DEVICES.values()), "at the tablet's attach the host lists both consoles (%r)" % both)
    screen = (out / "issue-boot1.txt").read_text()
    shown = re.search(r"^Verification code:\s*(\S+)$", screen, re.M)
    expect(len(codes) == 2 and shown is not None and shown.group(1) == codes[1],
           "the host's screen shows the code of the last attach (%r, screen %r)" % (codes[1:], shown and shown.group(1)))
    for what in ("raidmon-vm", "VM-0042-SERIAL", "ASSET-VM-42", "5f0c2d9e8b7a"):
        expect(what in screen, "the host's screen names %s" % what)

    # ---- the three boots: host.booted in each, how the previous one ended
    booted = [b.of("host.booted") for b in boots]
    expect([len(x) for x in booted] == [1, 1, 1], "one host.booted in each boot (%r)" % [len(x) for x in booted])
    if [len(x) for x in booted] != [1, 1, 1]:
        return
    b = [data(x[0]) for x in booted]
    ids = [x.get("boot_id") for x in b]
    expect(len(set(ids)) == 3 and all(ids), "three boots, three boot ids (%r)" % ids)
    prev = [x.get("previous_boot") or {} for x in b]
    expect(prev[0].get("end") == "unknown", "boot 1: nothing recorded before (%r)" % prev[0].get("end"))

    expect(prev[1].get("end") == "unclean", "boot 2: the previous boot did not end cleanly (%r)" % prev[1].get("end"))
    expect(prev[1].get("boot_id") == ids[0], "boot 2: the previous boot is boot 1")
    expect(prev[1].get("agent_stopped_ms") is None, "boot 2: no stop of the agent recorded")
    expect(booted[1][0].get("data", {}).get("severity") == "warning", "boot 2: host.booted is a warning")
    last1 = boots[0].all[-1] if boots[0].all else {}
    expect((prev[1].get("last_event") or {}).get("id") == last1.get("id"),
           "boot 2: the last event committed before the reset is boot 1's last (%s %s)" % (
               (prev[1].get("last_event") or {}).get("type"), last1.get("type")))
    expect(b[1].get("restart_cause") is None and bool(b[1].get("restart_cause_error")),
           "boot 2: no BMC in this guest: restart cause null, with the reason (%r)" % b[1].get("restart_cause_error"))

    shutdown = boots[1].of("host.shutdown")
    expect(len(shutdown) == 1 and boots[1].all[-1] is shutdown[0], "boot 2 ends with host.shutdown (the orderly stop)")
    expect(prev[2].get("end") == "clean", "boot 3: the previous boot ended cleanly (%r)" % prev[2].get("end"))
    expect(prev[2].get("boot_id") == ids[1], "boot 3: the previous boot is boot 2")
    expect(isinstance(prev[2].get("agent_stopped_ms"), int), "boot 3: the agent's stop time is recorded")
    expect(bool(shutdown) and (prev[2].get("last_event") or {}).get("id") == shutdown[0].get("id"),
           "boot 3: the last event before the reboot is boot 2's host.shutdown")
    expect(booted[2][0].get("data", {}).get("severity") == "info", "boot 3: host.booted is info")

    # ---- what QEMU did, boot by boot: boot 1 ended by QMP's system_reset, boot 2 by the guest's
    # own reboot. (The firmware resets once more as it starts again: QEMU reports a guest-reset
    # right after each of them.)
    phase, resets = None, {}
    for line in (out / "console.log").read_text().splitlines():
        m = re.search(r"@@LOG \[[0-9.]+\] boot id \S+, phase ([a-z-]+)", line)
        if m:
            phase = m.group(1)
            resets[phase] = []
        m = re.search(r"QMP event RESET (\{.*\})", line)
        if m and phase:
            resets[phase].append(json.loads(m.group(1)).get("reason"))
    r1, r2 = resets.get("first-boot", []), resets.get("hard-reset", [])
    expect(list(resets) == ["first-boot", "hard-reset", "clean-reboot"], "three boots in order (%r)" % list(resets))
    expect(r1[:1] == ["host-qmp-system-reset"] and "host-qmp-system-reset" not in r1[1:],
           "QEMU: boot 1 ended by the QMP system_reset (%r)" % r1)
    expect(bool(r2) and set(r2) == {"guest-reset"}, "QEMU: boot 2 ended by the guest's own reboot (%r)" % r2)
    expect(not resets.get("clean-reboot"), "QEMU: no reset after boot 3 (%r)" % resets.get("clean-reboot"))
