# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the vm scenario "status" (what raidmon printed inside the guest)."""
import json


def check(out, expect):
    h = json.load(open(out / "healthy.json"))
    d = json.load(open(out / "degraded.json"))
    expect(int((out / "healthy.rc").read_text()) == 0, "healthy host: exit 0")
    expect(int((out / "degraded.rc").read_text()) == 2, "RAID5 with a failed member: exit 2 (critical)")
    # identity: SMBIOS set by QEMU's -smbios, machine-id and hostname of the guest
    expect(h["host"]["machine_id"] == "5f0c2d9e8b7a4c3d9e1f2a3b4c5d6e7f", "machine-id")
    expect(h["host"]["hostname"] == "raidmon-vm", "hostname")
    expect(h["host"]["dmi"]["sys_vendor"] == "raidmon-test", "DMI vendor")
    expect(h["host"]["dmi"]["product_serial"] == "VM-0042-SERIAL", "DMI product serial")
    expect(h["host"]["dmi"]["uuid"] == "c0ffee00-0000-4000-8000-000000000042", "DMI uuid")
    expect(h["host"]["dmi"]["chassis_asset_tag"] == "ASSET-VM-42", "chassis asset tag")
    drives = {x["serial"]: x for x in h["drives"]}
    for s in ("VSCSI-D0", "VSCSI-D1", "VSCSI-D2", "VSCSI-D3", "NVME-D0", "NVME-D1", "AHCI-D0", "AHCI-D1"):
        expect(s in drives, "drive %s found by its serial" % s)
    expect(drives.get("NVME-D0", {}).get("protocol") == "NVMe", "NVMe protocol")
    expect(drives.get("AHCI-D0", {}).get("protocol") == "SATA", "AHCI disk is SATA")
    expect(drives.get("AHCI-D0", {}).get("model") == "AHCI-D0-MODEL", "ATA model from IDENTIFY, untruncated")
    expect(drives.get("VSCSI-D0", {}).get("capacity_bytes") == 64 * 1024 * 1024, "capacity in bytes")
    kinds = {c["kind"] for c in h["controllers"]}
    expect({"nvme", "ahci", "virtio"} <= kinds, "controllers nvme, ahci, virtio: %s" % sorted(kinds))
    arrays = {a["name"]: a for a in h["arrays"]}
    expect(arrays.get("md0", {}).get("level") == "raid5" and arrays["md0"]["state"] == "optimal", "md0 optimal RAID5")
    expect(arrays.get("md1", {}).get("level") == "raid1" and arrays["md1"]["state"] == "optimal", "md1 optimal RAID1")
    members = {m["drive"] for m in arrays.get("md0", {}).get("members", [])}
    expect(members == {drives[s]["id"] for s in ("VSCSI-D0", "VSCSI-D1", "VSCSI-D2", "VSCSI-D3") if s in drives},
           "md0 members joined to drives")
    expect(h["health"] == "OK", "healthy verdict OK")
    da = {a["name"]: a for a in d["arrays"]}
    md0 = da.get("md0", {})
    expect(md0.get("state") == "degraded" and md0.get("redundancy_left") == 0, "md0 degraded, no redundancy left")
    faulty = [m for m in md0.get("members", []) if m["role"] == "faulty"]
    expect(len(faulty) == 1 and faulty[0]["drive"] == drives.get("VSCSI-D1", {}).get("id"), "VSCSI-D1 is the faulty member")
    dd = {x["serial"]: x for x in d["drives"]}
    expect(dd.get("VSCSI-D1", {}).get("state") == "failed" and dd["VSCSI-D1"]["health"] == "Critical", "failed drive Critical")
    expect(d["health"] == "Critical", "degraded verdict Critical")
    txt = (out / "degraded.txt").read_text()
    expect("md0 is degraded" in txt, "human output names the degraded array")
