#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Testbeds of a fleet, for bench_fleet: N copies of the ahci4 testbed (four SATA disks, md RAID5
and RAID1), each with its own identity (hostname, machine-id, DMI serials and UUID) and its own
disk serials and WWNs.

    gen_fleet.py N SOURCE_SPEC.json OUTDIR      -> OUTDIR/host000 ... OUTDIR/host{N-1}

Generated when the benchmark runs, never committed.
"""
import copy
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "umockdev"))
import gen_testbed  # noqa: E402


def host_spec(base, i):
    s = copy.deepcopy(base)
    mid = hashlib.sha256(b"raidmon-fleet-%d" % i).hexdigest()[:32]
    s["name"] = "fleet%03d" % i
    s["host"]["hostname"] = "fleet-%03d" % i
    s["host"]["machine_id"] = mid
    dmi = s["host"]["dmi"]
    dmi["product_serial"] = "FLT%07d" % i
    dmi["board_serial"] = "FLB%07d" % i
    dmi["chassis_asset_tag"] = "RACK%02d-U%02d" % (i // 40, i % 40)
    dmi["product_uuid"] = "%s-%s-%s-%s-%s" % (mid[:8], mid[8:12], mid[12:16], mid[16:20], mid[20:32])
    for pci in s["pci"]:
        for k, d in enumerate(pci.get("disks", [])):
            d["serial"] = "FLT%03d-D%d" % (i, k)
            d["wwn"] = "0x5000c5%05x%05x" % (i, k)
    return s


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_fleet.py N SOURCE_SPEC.json OUTDIR")
    n = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        base = json.load(f)
    for i in range(n):
        gen_testbed.build(host_spec(base, i), os.path.join(sys.argv[3], "host%03d" % i))


if __name__ == "__main__":
    main()
