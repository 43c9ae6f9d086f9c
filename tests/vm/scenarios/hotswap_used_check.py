# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_used" (a used disk as the replacement)."""
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
        expect(len(rejected) >= 1, "hotswap.replacement_rejected for the used disk")
        msg = rejected[0]["data"]["message"] if rejected else ""
        expect("in use by md" in msg and "mdadm --stop" in msg, "rejected because its old array holds it: %r" % msg)
        verified = ev.incident("verified", "VSCSI-U1")
        expect(bool(verified), "hotswap.verified for VSCSI-U1 after its old array was stopped")
        if verified:
            findings = " ".join(ev.snap(verified[-1]).get("findings") or [])
            expect("linux_raid_member (foreign), allowed by policy: it will be wiped" in findings,
                   "the old md superblock is reported, allowed by policy, to be wiped")
        ev.before(rejected, verified, "rejected before verified")
        done = ev.incident("completed", "VSCSI-U1")
        expect(bool(done), "hotswap.completed with the used disk")
        expect(not ev.of("hotswap.failed"), "no hotswap.failed")
        log = (out / "raidmond.log").read_text() if (out / "raidmond.log").exists() else ""
        expect("wipefs --all" in log, "raidmond ran wipefs --all before mdadm --add (agent log)")
        expect(len({e["subject"] for e in ev.all if e["type"].startswith("io.raidmon.hotswap.")}) == 1,
               "one incident for the whole swap")
    ev.hotswap_checks(hotswap)
