#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The jbod120 testbed (tests/data/testbeds/jbod120.json) scaled up, for benchmarks.

    gen_jbod.py DISKS SPEC.json [--hostname NAME --machine-id HEX --serial SERIAL]

writes a testbed description of DISKS SAS disks (a multiple of 59): 60-bay JBODs (HGST H4060-J,
one SES enclosure each, one empty bay each), two per SAS3008 HBA, like jbod120. 118 disks = 2
JBODs on 1 HBA, 472 = 8 JBODs on 4 HBAs, 944 = 16 JBODs on 8 HBAs. Serials and WWNs are unique
across the host. tests/umockdev/gen_testbed.py turns the description into a umockdev testbed.
Large descriptions are generated when a benchmark runs, never committed.
"""
import argparse
import json

PER_JBOD = 59  # 60 bays, one empty


def spec(disks, hostname, machine_id, serial):
    if disks <= 0 or disks % PER_JBOD:
        raise SystemExit("gen_jbod.py: DISKS must be a positive multiple of %d, not %d" % (PER_JBOD, disks))
    jbods = disks // PER_JBOD
    pci = []
    for h in range((jbods + 1) // 2):
        bus = 0x18 + 0x10 * h
        encs = []
        for k in range(2):
            e = 2 * h + k
            if e >= jbods:
                break
            encs.append({
                "vendor": "HGST", "model": "H4060-J", "rev": "3010", "id": "0x5000ccab04%02x%04x" % (e, 0xe17f),
                "slots": 60, "label": "SLOT %03d", "target_base": 100 * k,
                "fill": {"except": [(17 + 13 * e) % 60], "protocol": "SAS", "vendor": "HGST", "model": "HUH721212AL5200",
                         "rev": "A3Z4", "bytes": 12000138625024, "rpm": 7200, "serial_fmt": "8D%02dH%%04dK" % e,
                         "wwn_base": "0x5000cca27%03x0000" % (0x100 + e)}})
        pci.append({
            "address": "0000:%02x:00.0" % (bus + 1), "bridge": "pci0000:%02x/0000:%02x:00.0" % (bus, bus),
            "class": "0x010700", "vendor": "0x1000", "device": "0x0097", "driver": "mpt3sas",
            "vendor_name": "Broadcom / LSI", "model": "SAS3008 PCI-Express Fusion-MPT SAS-3",
            "topology": "sas", "scsi_host": 1 + h, "enclosures": encs})
    return {
        "name": "jbod%d" % disks,
        "summary": "jbod120 scaled up: %d SAS disks in %d 60-bay JBODs (one SES enclosure each) on %d SAS3008 HBAs, no md"
                   % (disks, jbods, len(pci)),
        "host": {"hostname": hostname, "machine_id": machine_id,
                 "dmi": {"sys_vendor": "Supermicro", "product_name": "SSG-6049P-E1CR60L", "product_serial": serial,
                         "board_serial": "OM" + serial[-10:], "chassis_asset_tag": hostname.upper(),
                         "product_uuid": "00000000-0000-0000-0000-%012x" % int(machine_id[-12:], 16)}},
        "pci": pci,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("disks", type=int)
    ap.add_argument("out")
    ap.add_argument("--hostname", default="ceph-osd-lon1-42")
    ap.add_argument("--machine-id", default="5c0e9b2a7f3d48e1a6b4c2d9e8f1a942")
    ap.add_argument("--serial", default="A263018X9C10942")
    a = ap.parse_args()
    with open(a.out, "w") as f:
        json.dump(spec(a.disks, a.hostname, a.machine_id, a.serial), f, indent=1)


if __name__ == "__main__":
    main()
