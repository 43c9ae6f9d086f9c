# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_nvme" (NVMe RAID1 member swapped through its PCIe slot)."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events  # noqa: E402


def check(out, expect):
    st = json.load(open(out / "status.json"))
    drives = {d["serial"]: d for d in st["drives"]}
    pcie = [e for e in st.get("enclosures", []) if e.get("id") == "pcie"]
    expect(bool(pcie), "raidmon status: the PCIe slots are an enclosure with id pcie")
    loc = drives.get("NVME-D1", {}).get("location") or {}
    expect(loc.get("enclosure") == "pcie" and loc.get("slot") == 2 and loc.get("label") == "PCIe slot 2",
           "raidmon status: NVME-D1's bay is PCIe slot 2 (rp1, slot=2): %r" % loc)
    slots = {s["index"]: s for s in pcie[0]["slots"]} if pcie else {}
    expect(slots.get(2, {}).get("device") == "nvme1n1" and slots.get(2, {}).get("attention") == 0,
           "PCIe slot 2 holds nvme1n1, attention indicator readable (0)")
    ev = Events(out, expect)
    ev.common()
    failed = ev.drive("drive.failed", "NVME-D1")
    removed = ev.drive("drive.removed", "NVME-D1")
    added = ev.drive("drive.added", "NVME-R1")
    expect(bool(failed), "drive.failed names serial NVME-D1")
    expect(bool(removed), "drive.removed names serial NVME-D1")
    expect(bool(added), "drive.added names serial NVME-R1")
    expect(bool(ev.array("array.degraded", "md1")), "array.degraded md1")
    expect(bool(ev.array("array.rebuild_finished", "md1")), "array.rebuild_finished md1")
    expect(bool(ev.array("array.optimal", "md1")), "array.optimal md1")
    ev.before(removed, added, "drive.removed before drive.added")

    def hotswap():
        s = ev.incident_shape("NVME-D1", "drive_failed", "md1")
        expect(s.get("enclosure") == "pcie", "incident enclosure pcie (got %r)" % s.get("enclosure"))
        expect(bool(s.get("slot_label")), "incident slot_label set (got %r)" % s.get("slot_label"))
        for state in ("awaiting_insertion", "verified", "rebuilding", "completed"):
            expect(bool(ev.incident(state, "NVME-D1") or ev.incident(state, "NVME-R1")), "hotswap.%s reported" % state)
        done = ev.incident("completed")
        expect(bool(done) and (ev.snap(done[-1]).get("replacement") or {}).get("serial") == "NVME-R1",
               "completed incident: replacement serial NVME-R1")
    if (out / "workorder.json").exists():  # only when the CLI has "raidmon hotswap"
        wo = (out / "workorder.json").read_text()
        expect(int((out / "workorder.rc").read_text()) == 0 and "NVME-D1" in wo and bool(json.loads(wo)),
               "raidmon hotswap NVME-D1 --json: a work order naming the drive")
    ev.hotswap_checks(hotswap)
