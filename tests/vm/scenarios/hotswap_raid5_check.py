# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_raid5" (the events raidmond wrote in the guest)."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events  # noqa: E402


def check(out, expect):
    ev = Events(out, expect)
    ev.common()
    failed = ev.drive("drive.failed", "VSCSI-D1")
    removed = ev.drive("drive.removed", "VSCSI-D1")
    added = ev.drive("drive.added", "VSCSI-R1")
    degraded = ev.array("array.degraded", "md0")
    finished = ev.array("array.rebuild_finished", "md0")
    optimal = ev.array("array.optimal", "md0")
    expect(bool(failed), "drive.failed names serial VSCSI-D1")
    expect(bool(removed), "drive.removed names serial VSCSI-D1")
    expect(bool(added), "drive.added names serial VSCSI-R1")
    expect(bool(degraded) and degraded[0]["data"]["severity"] == "critical", "array.degraded md0, critical")
    expect(bool(degraded) and "recommendation" in degraded[0]["data"], "array.degraded carries the rebuild model's recommendation")
    expect(not ev.drive("drive.removed", "VSCSI-D0") and not ev.drive("drive.removed", "VSCSI-D2"), "no other drive reported removed")
    ev.before(failed, removed, "drive.failed before drive.removed")
    ev.before(removed, added, "drive.removed before drive.added")
    ev.before(degraded, finished, "array.degraded before array.rebuild_finished")
    ev.before(finished, optimal, "array.rebuild_finished before array.optimal")
    expect("Active Devices : 4" in (out / "md0.detail").read_text(), "mdadm --detail: 4 active devices")

    def hotswap():
        s = ev.incident_shape("VSCSI-D1", "drive_failed", "md0")
        chain = [ev.incident(st, "VSCSI-D1") or ev.incident(st, "VSCSI-R1")
                 for st in ("awaiting_removal", "removed", "awaiting_insertion", "inserted", "verified", "rebuilding", "completed")]
        for st, evs in zip(("awaiting_removal", "removed", "awaiting_insertion", "inserted", "verified", "rebuilding", "completed"), chain):
            expect(bool(evs), "hotswap.%s reported" % st)
        seqs = [int(c[0]["sequence"]) for c in chain if c]
        expect(seqs == sorted(seqs), "hotswap states in order")
        done = ev.incident("completed")
        expect(bool(done) and (ev.snap(done[-1]).get("replacement") or {}).get("serial") == "VSCSI-R1",
               "completed incident: replacement serial VSCSI-R1")
        expect(len({e["subject"] for e in ev.all if e["type"].startswith("io.raidmon.hotswap.")
                    and e["type"] not in ("io.raidmon.hotswap.progress",)}) == 1, "one incident for the whole swap")
        expect(not ev.of("hotswap.failed") and not ev.of("hotswap.replacement_rejected"), "no hotswap.failed / replacement_rejected")
        expect("slot_label" in s and "enclosure" in s and "slot" in s, "incident has enclosure, slot, slot_label keys")
    if (out / "workorder.json").exists():  # only when the CLI has "raidmon hotswap"
        wo = (out / "workorder.json").read_text()
        expect(int((out / "workorder.rc").read_text()) == 0 and "VSCSI-D1" in wo and bool(json.loads(wo)),
               "raidmon hotswap VSCSI-D1 --json: a work order naming the drive")
    ev.hotswap_checks(hotswap)
