# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_wrong" (a healthy member pulled instead of the failed one)."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events  # noqa: E402


def check(out, expect):
    ev = Events(out, expect)
    ev.common()
    expect(bool(ev.drive("drive.failed", "VSCSI-D1")), "drive.failed names serial VSCSI-D1")
    removed = ev.drive("drive.removed", "VSCSI-D2")
    expect(bool(removed), "drive.removed names serial VSCSI-D2 (the wrong drive)")
    expect(not ev.drive("drive.removed", "VSCSI-D1"), "no drive.removed for VSCSI-D1 (still in its bay)")
    lost = ev.array("array.failed", "md0") or ev.array("array.degraded", "md0")[1:]
    expect(bool(lost), "array.failed (or a second array.degraded) for md0 after the wrong pull")
    ev.before(removed, lost, "the array event follows the removal") if lost else None

    def hotswap():
        ev.incident_shape("VSCSI-D1", "drive_failed", "md0")
        wrong = ev.of("hotswap.wrong_drive_removed")
        expect(bool(wrong), "hotswap.wrong_drive_removed reported")
        expect(bool(wrong) and "VSCSI-D2" in json.dumps(ev.snap(wrong[0])), "hotswap.wrong_drive_removed names VSCSI-D2")
        expect(bool(wrong) and wrong[0]["data"]["severity"] == "critical", "wrong_drive_removed is critical")
    ev.hotswap_checks(hotswap)
