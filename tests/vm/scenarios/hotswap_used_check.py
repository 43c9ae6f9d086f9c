# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_used" (a used disk as the replacement)."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events  # noqa: E402


def check(out, expect):
    ev = Events(out, expect)
    ev.common()
    expect(bool(ev.drive("drive.failed", "VSCSI-D1")), "drive.failed names serial VSCSI-D1")
    expect(bool(ev.drive("drive.added", "VSCSI-U1")), "drive.added names serial VSCSI-U1")
    expect("Active Devices : 2" in (out / "md0.detail").read_text(), "mdadm --detail: 2 active devices")

    def hotswap():
        ev.incident_shape("VSCSI-D1", "drive_failed", "md0")
        rejected = ev.of("hotswap.replacement_rejected")
        verified = ev.incident("verified", "VSCSI-U1")
        adds = [e for e in ev.of("hotswap.rebuilding") if "VSCSI-U1" in json.dumps(e)]
        if verified:
            findings = " ".join(ev.snap(verified[-1]).get("findings") or [])
            expect("linux_raid_member (foreign), allowed by policy: it will be wiped" in findings,
                   "the old md superblock is reported, allowed by policy, to be wiped")
        if (out / "order.txt").exists():
            # The agent saw the disk free before udev's mdadm -I and (policy) wiped and added it.
            expect(not rejected, "no rejection when the agent had the disk first")
            ev.before(verified, adds, "verified before added")
        else:
            expect(len(rejected) >= 1, "hotswap.replacement_rejected for the used disk")
            # udev's mdadm -I may assemble the old array only after the agent first saw the disk
            # free: then the agent's add finds it busy (one rejection saying so) and the next scan
            # names the holder. Either way one rejection names the old array and how to stop it.
            in_use = [e for e in rejected if "in use by md" in e["data"]["message"] and "mdadm --stop" in e["data"]["message"]]
            expect(bool(in_use), "rejected because its old array holds it: %r" % [e["data"]["message"] for e in rejected])
            expect(bool(verified), "hotswap.verified for VSCSI-U1 after its old array was stopped")
            ev.before(in_use, verified[-1:], "rejected as in use before the verification that led to the add")
            ev.before(in_use, adds, "nothing added to md0 before the old array was stopped")
        done = ev.incident("completed", "VSCSI-U1")
        expect(bool(done), "hotswap.completed with the used disk")
        expect(not ev.of("hotswap.failed"), "no hotswap.failed")
        log = (out / "raidmond.log").read_text() if (out / "raidmond.log").exists() else ""
        expect("wipefs --all" in log, "raidmond ran wipefs --all before mdadm --add (agent log)")
        expect(len({e["subject"] for e in ev.all if e["type"].startswith("io.raidmon.hotswap.")}) == 1,
               "one incident for the whole swap")
    ev.hotswap_checks(hotswap)
