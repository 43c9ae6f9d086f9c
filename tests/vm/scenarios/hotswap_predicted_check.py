# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "hotswap_predicted" (NVMe SMART critical warning from QEMU)."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from vmevents import Events, find_key  # noqa: E402


def check(out, expect):
    before = json.load(open(out / "smart-before.json"))
    after = json.load(open(out / "smart-after.json"))
    expect(find_key(before, "critical_warning") == [0], "raidmon smart (native NVMe): critical_warning 0 before (%r)"
           % find_key(before, "critical_warning"))
    expect(find_key(after, "critical_warning") == [4], "raidmon smart (native NVMe): critical_warning 4 after qom-set (%r)"
           % find_key(after, "critical_warning"))
    expect(int((out / "smart-after.rc").read_text()) != 0, "raidmon smart exits non-zero for the warned drive")
    ev = Events(out, expect)
    ev.common()
    pred = ev.drive("drive.failure_predicted", "NVME-D0")
    expect(bool(pred), "drive.failure_predicted names serial NVME-D0")
    expect(not ev.drive("drive.failed", "NVME-D0"), "no drive.failed: the drive still works")
    expect(not ev.of("array.degraded"), "no array.degraded")

    def hotswap():
        ev.incident_shape("NVME-D0", "failure_predicted", "md1")
    ev.hotswap_checks(hotswap)
