#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generate a umockdev testbed from a compact description of a server.

Input: tests/data/testbeds/<name>.json (see README.md beside this script for the schema).
Output directory:
  description.umockdev   devices in umockdev-record's text format, with the sysfs topology the
                         Linux kernel builds for that hardware (mpt3sas with expanders and SES,
                         libata/AHCI, NVMe on PCIe root ports, md arrays)
  extra/                 files copied into the testbed root by the harness: sys/bus/pci/slots/*
                         (kobjects, not devices), proc/mdstat, proc/sys/kernel/hostname,
                         etc/machine-id

Faults for "broken tree" testbeds are part of the description (garbage values, missing
attributes, dangling links): see the "faults" keys.
"""
import json
import os
import sys


def hexbytes(b):
    return "".join("%02x" % x for x in b)


def vpd80(serial):
    s = serial.encode()
    return bytes([0, 0x80, 0, len(s)]) + s


def vpd83(wwn):
    naa = bytes.fromhex(wwn[2:] if wwn.startswith("0x") else wwn)
    return bytes([0, 0x83, 0, 4 + len(naa), 0x01, 0x03, 0, len(naa)]) + naa


def ata_string(s, words):
    s = s.ljust(words * 2)[: words * 2].encode()
    out = bytearray()
    for i in range(words):
        out += bytes([s[2 * i + 1], s[2 * i]])
    return out


def vpd89(model, serial, fw, rpm, wwn=None):
    page = bytearray(572)
    page[1] = 0x89
    page[2], page[3] = 0x02, 0x38
    ident = bytearray(512)
    ident[20:40] = ata_string(serial, 10)
    ident[46:54] = ata_string(fw, 4)
    ident[54:94] = ata_string(model, 20)
    if wwn:
        w = bytes.fromhex(wwn[2:])
        ident[87 * 2:87 * 2 + 2] = (0x4100).to_bytes(2, "little")  # word 87: valid, WWN supported
        for i in range(4):
            ident[(108 + i) * 2:(108 + i) * 2 + 2] = int.from_bytes(w[2 * i:2 * i + 2], "big").to_bytes(2, "little")
    ident[217 * 2:217 * 2 + 2] = rpm.to_bytes(2, "little")
    page[60:572] = ident
    return bytes(page)


def vpdb1(rpm):
    page = bytearray(64)
    page[1], page[3] = 0xB1, 0x3C
    page[4:6] = rpm.to_bytes(2, "big")
    return bytes(page)


class Desc:
    def __init__(self):
        self.blocks = []
        self.devnum = {"sd": 0}

    def dev(self, path, props=(), attrs=(), links=(), hexattrs=(), node=None):
        lines = ["P: " + path]
        lines += ["E: %s=%s" % kv for kv in props]
        lines += ["A: %s=%s\\n" % (k, v) if v is not None else None for k, v in attrs]
        lines = [l for l in lines if l is not None]
        lines += ["H: %s=%s" % (k, hexbytes(v)) for k, v in hexattrs]
        lines += ["L: %s=%s" % kv for kv in links]
        if node is not None:
            lines.append("N: " + node)
        self.blocks.append("\n".join(lines))

    def text(self):
        return "\n\n".join(self.blocks) + "\n"


def rel(frm, to):
    return os.path.relpath(to, frm)


def apply_faults(attrs, links, hexattrs, faults):
    """faults: {"garbage": {attr: value}, "omit": [attr...], "dangle": [link...]}"""
    if not faults:
        return attrs, links, hexattrs
    omit = set(faults.get("omit", []))
    garbage = faults.get("garbage", {})
    attrs = [(k, garbage.get(k, v)) for k, v in attrs if k not in omit]
    hexattrs = [(k, v) for k, v in hexattrs if k not in omit]
    links = [(k, ("../" * 12 + "nonexistent/" + k) if k in faults.get("dangle", []) else v) for k, v in links]
    return attrs, links, hexattrs


def pci_function(d, spec, bridge):
    addr = spec["address"]
    path = "/devices/%s/%s" % (bridge, addr)
    props = [("SUBSYSTEM", "pci"), ("PCI_SLOT_NAME", addr),
             ("PCI_ID", "%s:%s" % (spec["vendor"][2:].upper(), spec["device"][2:].upper())),
             ("PCI_CLASS", spec["class"][2:].upper())]
    links = []
    if spec.get("driver"):
        props.append(("DRIVER", spec["driver"]))
        links.append(("driver", rel(path, "/bus/pci/drivers/" + spec["driver"])))
    if spec.get("model"):
        props.append(("ID_MODEL_FROM_DATABASE", spec["model"]))
    if spec.get("vendor_name"):
        props.append(("ID_VENDOR_FROM_DATABASE", spec["vendor_name"]))
    d.dev(path, props, [("class", spec["class"]), ("vendor", spec["vendor"]), ("device", spec["device"])], links)
    return path


def scsi_disk(d, sdev, name, disk, hctl, tb, major_minor):
    """A SCSI device at sdev with a block device `name` below it."""
    maj, minr = major_minor
    sata = disk.get("protocol", "SAS") == "SATA"
    attrs = [("vendor", "ATA     " if sata else disk["vendor"].ljust(8)),
             ("model", (disk["model"][:16]).ljust(16)),
             ("rev", disk.get("rev", "0001")[:4]), ("type", "0"), ("scsi_level", "7"),
             ("state", disk.get("scsi_state", "running")), ("queue_depth", "32")]
    hexattrs = [("vpd_pg80", vpd80(disk["serial"]))]
    if "wwn" in disk:
        hexattrs.append(("vpd_pg83", vpd83(disk["wwn"])))
        attrs.append(("wwid", "naa." + disk["wwn"][2:]))
    if sata:
        hexattrs.append(("vpd_pg89", vpd89(disk["model"], disk["serial"], disk.get("rev", "0001"),
                                           disk.get("rpm", 1), disk.get("wwn"))))
    if disk.get("rpm"):
        hexattrs.append(("vpd_pgb1", vpdb1(disk["rpm"])))
    if disk.get("sas_address"):
        attrs.append(("sas_address", disk["sas_address"]))
    links = []
    if disk.get("_slot_link"):
        links.append(("enclosure_device:" + disk["_slot_label"], rel(sdev, disk["_slot_link"])))
    attrs, links, hexattrs = apply_faults(attrs, links, hexattrs, disk.get("faults", {}).get("scsi"))
    d.dev(sdev, [("SUBSYSTEM", "scsi"), ("DEVTYPE", "scsi_device"), ("DRIVER", "sd"), ("MODALIAS", "scsi:t-0x00")],
          attrs, links + [("driver", rel(sdev, "/bus/scsi/drivers/sd"))], hexattrs)
    d.dev(sdev + "/scsi_disk/" + hctl, [("SUBSYSTEM", "scsi_disk")], [("cache_type", "write back")])
    sgn = disk["_sg"]
    d.dev(sdev + "/scsi_generic/sg%d" % sgn, [("SUBSYSTEM", "scsi_generic"), ("DEVNAME", "/dev/sg%d" % sgn),
                                             ("MAJOR", "21"), ("MINOR", str(sgn))], [("dev", "21:%d" % sgn)])
    block_disk(d, sdev + "/block/" + name, name, disk, (maj, minr), sdev)


def block_disk(d, path, name, disk, major_minor, parent, more_attrs=()):
    maj, minr = major_minor
    disk["_bpath"], disk["_name"] = path, name
    sectors = int(disk["bytes"]) // 512
    attrs = [("dev", "%d:%d" % (maj, minr)), ("size", str(sectors)), ("ro", "0"), ("removable", "0"),
             ("queue/logical_block_size", str(disk.get("lbs", 512))),
             ("queue/physical_block_size", str(disk.get("pbs", 4096 if disk.get("rpm", 0) > 1 else 512))),
             ("queue/rotational", "1" if disk.get("rpm", 0) > 1 else "0")] + list(more_attrs)
    links = [("device", rel(path, parent))]
    props = [("SUBSYSTEM", "block"), ("DEVTYPE", "disk"), ("DEVNAME", "/dev/" + name),
             ("MAJOR", str(maj)), ("MINOR", str(minr))] + udev_blkid(disk, disk.get("_md_uuid"))
    for h in disk.get("_holders", []):
        links.append(("holders/" + h, rel(path + "/holders", "/devices/virtual/block/" + h)))
    attrs, links, _ = apply_faults(attrs, links, [], disk.get("faults", {}).get("block"))
    d.dev(path, props, attrs, links, node="%s" % name)
    for i, part in enumerate(disk.get("partitions", []), 1):
        pname = name + ("p%d" % i if name[-1].isdigit() else "%d" % i)
        ppath = path + "/" + pname
        plinks = [("holders/" + h, rel(ppath + "/holders", "/devices/virtual/block/" + h)) for h in part.get("_holders", [])]
        d.dev(ppath, [("SUBSYSTEM", "block"), ("DEVTYPE", "partition"), ("DEVNAME", "/dev/" + pname),
                      ("MAJOR", str(maj)), ("MINOR", str(minr + i))] + udev_blkid(part, part.get("_md_uuid"), True),
              [("dev", "%d:%d" % (maj, minr + i)), ("size", str(int(part["bytes"]) // 512)), ("partition", str(i)),
               ("start", "2048")], plinks, node=pname)


# sd majors: 8, 65-71, 128-135 (Documentation/admin-guide/devices.txt), 16 minors per disk.
SD_MAJORS = [8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135]


def sd_devnum(index):
    # drivers/scsi/sd.c: major sd_major((index & 0xf0) >> 4), first minor ((index & 0xf) << 4) |
    # (index & 0xfff00): beyond 256 disks the majors repeat with minors from 256 up (sdiw is 8:256).
    return SD_MAJORS[(index & 0xf0) >> 4], ((index & 0xf) << 4) | (index & 0xfff00)


def udev_blkid(dev, md_uuid, partition=False):
    """What udev's rules (60-persistent-storage.rules, blkid builtin) put in its database."""
    props = [("ID_PATH", "testbed")]
    if md_uuid:
        props += [("ID_FS_TYPE", "linux_raid_member"), ("ID_FS_USAGE", "raid"), ("ID_FS_UUID", md_uuid)]
    elif dev.get("partitions") and not partition:
        props += [("ID_PART_TABLE_TYPE", "gpt")]
    elif dev.get("fs"):
        props += [("ID_FS_TYPE", dev["fs"]), ("ID_FS_USAGE", "filesystem")]
    return props


def disk_name(i):
    s = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return "sd" + s


def expand_fill(enc, nslots):
    """"fill": one disk template repeated over every slot not listed in "except" or "disks"."""
    fill = enc.get("fill")
    if not fill:
        return
    taken = {d["slot"] for d in enc.get("disks", [])} | set(fill.get("except", []))
    base = int(fill["wwn_base"], 16)
    disks = list(enc.get("disks", []))
    for s in range(nslots):
        if s in taken:
            continue
        d = {k: v for k, v in fill.items() if k not in ("except", "wwn_base", "serial_fmt")}
        d["slot"] = s
        d["serial"] = fill["serial_fmt"] % (fill.get("serial_base", 0) + s)
        d["wwn"] = "0x%016x" % (base + 4 * s)
        disks.append(d)
    enc["disks"] = sorted(disks, key=lambda d: d["slot"])


def build(spec, out):
    d = Desc()
    extra = os.path.join(out, "extra")
    host = spec["host"]
    files = {"etc/machine-id": host["machine_id"] + "\n", "proc/sys/kernel/hostname": host["hostname"] + "\n"}
    dmi = host.get("dmi")
    if dmi:
        d.dev("/devices/virtual/dmi/id", [("SUBSYSTEM", "dmi")], [(k, v) for k, v in dmi.items()])

    # The server's network ports (the panel keys on their MACs too): a PCI function each, its
    # net device with the "device" link physical interfaces have.
    for nic in host.get("nics", []):
        npath = pci_function(d, dict(nic, **{"class": nic.get("class", "0x020000")}), nic.get("bridge", "pci0000:00"))
        d.dev(npath + "/net/" + nic["name"], [("SUBSYSTEM", "net"), ("INTERFACE", nic["name"])],
              [("address", nic["mac"]), ("operstate", nic.get("operstate", "up")), ("type", "1")],
              [("device", "../../../" + nic["address"])])

    disks_by_name = {}
    sd_index = 0
    sg_index = 0
    # md membership first: block devices need their holders links.
    member_of = {}
    md_uuid_of = {}
    for md in spec.get("md", []):
        for m in md["members"]:
            member_of.setdefault(m["dev"], []).append(md["name"])
            md_uuid_of[m["dev"]] = md["uuid"]

    def mark(dev, name, pfx):
        dev["_md_uuid"] = md_uuid_of.get(name)
        for i, part in enumerate(dev.get("partitions", []), 1):
            part["_md_uuid"] = md_uuid_of.get(name + pfx + str(i))

    for pci in spec.get("pci", []):
        bridge = pci.get("bridge", "pci0000:00")
        path = pci_function(d, pci, bridge)
        kind = pci.get("topology")
        if kind == "sas":
            hostn = pci["scsi_host"]
            hpath = path + "/host%d" % hostn
            d.dev(hpath, [("SUBSYSTEM", "scsi"), ("DEVTYPE", "scsi_host")])
            d.dev(hpath + "/scsi_host/host%d" % hostn, [("SUBSYSTEM", "scsi_host")],
                  [("proc_name", pci["driver"]), ("unique_id", str(hostn + 1))])
            phy = 0
            for exp_i, enc in enumerate(pci.get("enclosures", [])):
                exp = hpath + "/port-%d:%d/expander-%d:%d" % (hostn, exp_i, hostn, exp_i)
                d.dev(hpath + "/port-%d:%d" % (hostn, exp_i), [("SUBSYSTEM", "sas_port")])
                d.dev(exp, [("SUBSYSTEM", "sas_expander")])
                nslots = enc["slots"]
                expand_fill(enc, nslots)
                label = enc.get("label", "Slot%02d")
                target_base = enc.get("target_base", exp_i * 100)
                ses_t = target_base + nslots
                ses_dev = exp + "/port-%d:%d:%d/end_device-%d:%d:%d/target%d:0:%d/%d:0:%d:0" % (
                    hostn, exp_i, nslots, hostn, exp_i, nslots, hostn, ses_t, hostn, ses_t)
                enc_path = ses_dev + "/enclosure/%d:0:%d:0" % (hostn, ses_t)
                comp_attrs = []
                comp_links = []
                slot_disk = {}
                for disk in enc["disks"]:
                    name = disk.get("name") or disk_name(sd_index)
                    disk["_name"] = name
                    disk["_index"] = sd_index
                    sd_index += 1
                    slot_disk[disk["slot"]] = disk
                for s in range(nslots):
                    lab = label % s
                    disk = slot_disk.get(s)
                    st = enc.get("slot_status", {}).get(str(s), "OK" if disk else "not installed")
                    comp_attrs += [(lab + "/type", "array device"), (lab + "/slot", str(s)), (lab + "/status", st),
                                   (lab + "/locate", "0"), (lab + "/fault", str(enc.get("fault", {}).get(str(s), 0))),
                                   (lab + "/active", "1" if disk else "0"),
                                   (lab + "/power_status", "on" if disk else "off")]
                    if disk:
                        t = target_base + s
                        sdev = exp + "/port-%d:%d:%d/end_device-%d:%d:%d/target%d:0:%d/%d:0:%d:0" % (
                            hostn, exp_i, s, hostn, exp_i, s, hostn, t, hostn, t)
                        disk["_sdev"] = sdev
                        disk["_slot_link"] = enc_path + "/" + lab
                        disk["_slot_label"] = lab
                        if not disk.get("faults", {}).get("no_slot_device_link"):
                            comp_links.append((lab + "/device", rel(enc_path + "/" + lab, sdev)))
                comp_attrs = [("components", str(nslots)), ("id", enc["id"])] + comp_attrs
                d.dev(ses_dev, [("SUBSYSTEM", "scsi"), ("DEVTYPE", "scsi_device"), ("DRIVER", "ses"),
                                ("MODALIAS", "scsi:t-0x0d")],
                      [("vendor", enc["vendor"].ljust(8)), ("model", enc["model"].ljust(16)), ("rev", enc["rev"]),
                       ("type", "13"), ("scsi_level", "7"), ("state", "running")],
                      [("driver", rel(ses_dev, "/bus/scsi/drivers/ses"))])
                d.dev(enc_path, [("SUBSYSTEM", "enclosure")], comp_attrs, comp_links)
                for disk in enc["disks"]:
                    name = disk["_name"]
                    disk["_sg"] = sg_index
                    sg_index += 1
                    disk["_holders"] = member_of.get(name, [])
                    for i, part in enumerate(disk.get("partitions", []), 1):
                        part["_holders"] = member_of.get(name + str(i), [])
                    mark(disk, name, "")
                    scsi_disk(d, disk["_sdev"], name, disk, disk["_sdev"].rsplit("/", 1)[1], spec,
                              sd_devnum(disk["_index"]))
                    disks_by_name[name] = disk
        elif kind == "ahci":
            for port, disk in enumerate(pci.get("disks", [])):
                name = disk.get("name") or disk_name(sd_index)
                idx = sd_index
                sd_index += 1
                hostn = pci.get("scsi_host_base", 0) + port
                sdev = path + "/ata%d/host%d/target%d:0:0/%d:0:0:0" % (port + 1, hostn, hostn, hostn)
                d.dev(path + "/ata%d" % (port + 1), [("SUBSYSTEM", "ata_port")])
                disk["protocol"] = "SATA"
                disk["_sg"] = sg_index
                sg_index += 1
                disk["_holders"] = member_of.get(name, [])
                for i, part in enumerate(disk.get("partitions", []), 1):
                    part["_holders"] = member_of.get(name + str(i), [])
                mark(disk, name, "")
                scsi_disk(d, sdev, name, disk, "%d:0:0:0" % hostn, spec, sd_devnum(idx))
                disks_by_name[name] = disk
        elif kind == "nvme":
            n = pci["nvme_index"]
            ctrl = path + "/nvme/nvme%d" % n
            c = pci["nvme"]
            d.dev(ctrl, [("SUBSYSTEM", "nvme"), ("DEVNAME", "/dev/nvme%d" % n), ("MAJOR", "241"), ("MINOR", str(n))],
                  [("dev", "241:%d" % n), ("model", c["model"].ljust(40)), ("serial", c["serial"].ljust(20)),
                   ("firmware_rev", c["firmware"]), ("state", c.get("state", "live")), ("transport", "pcie"),
                   ("address", pci["address"]), ("cntlid", "1")],
                  [("device", rel(ctrl, path))], node="nvme%d" % n)
            name = "nvme%dn1" % n
            c["name"] = name
            c["_holders"] = member_of.get(name, [])
            for i, part in enumerate(c.get("partitions", []), 1):
                part["_holders"] = member_of.get(name + "p%d" % i, [])
            mark(c, name, "p")
            nsp = ctrl + "/" + name
            block_disk(d, nsp, name, c, (259, n * 8), ctrl, [("wwid", c["wwid"]), ("nsid", "1")])
            disks_by_name[name] = c
        elif kind == "raid":
            # A hardware RAID controller: the kernel sees only its virtual disks (megaraid_sas puts
            # them on SCSI channel 2); the physical drives are visible to the controller's tool only.
            hostn = pci["scsi_host"]
            hpath = path + "/host%d" % hostn
            d.dev(hpath, [("SUBSYSTEM", "scsi"), ("DEVTYPE", "scsi_host")])
            d.dev(hpath + "/scsi_host/host%d" % hostn, [("SUBSYSTEM", "scsi_host")],
                  [("proc_name", pci["driver"]), ("unique_id", str(hostn + 1))])
            for i, vd in enumerate(pci.get("virtual_disks", [])):
                name = vd.get("name") or disk_name(sd_index)
                idx = sd_index
                sd_index += 1
                hctl = "%d:%d:%d:0" % (hostn, pci.get("vd_channel", 2), i)
                sdev = hpath + "/target%s/%s" % (hctl.rsplit(":", 1)[0], hctl)
                vd["protocol"] = "SAS"
                vd["_sg"] = sg_index
                sg_index += 1
                vd["_holders"] = member_of.get(name, [])
                mark(vd, name, "")
                scsi_disk(d, sdev, name, vd, hctl, spec, sd_devnum(idx))
                disks_by_name[name] = vd

    for slot in spec.get("pci_slots", []):
        base = "sys/bus/pci/slots/%s/" % slot["name"]
        files[base + "address"] = slot["address"] + "\n"
        files[base + "attention"] = str(slot.get("attention", 0)) + "\n"
        files[base + "power"] = str(slot.get("power", 1)) + "\n"
        if "adapter" in slot:
            files[base + "adapter"] = str(slot["adapter"]) + "\n"

    mdstat = ["Personalities : [raid1] [raid6] [raid5] [raid4] [raid10]"]
    for i, md in enumerate(spec.get("md", [])):
        path = "/devices/virtual/block/" + md["name"]
        attrs = [("dev", "9:%d" % i), ("size", str(int(md["bytes"]) // 512)),
                 ("md/level", md["level"]), ("md/raid_disks", str(md["raid_disks"])),
                 ("md/array_state", md.get("array_state", "clean")), ("md/degraded", str(md.get("degraded", 0))),
                 ("md/sync_action", md.get("sync_action", "idle")),
                 ("md/sync_completed", md.get("sync_completed", "none")),
                 ("md/sync_speed", md.get("sync_speed", "none")),
                 ("md/metadata_version", "1.2"), ("md/uuid", md["uuid"]), ("md/chunk_size", "524288")]
        links = []
        toks = []
        for m in md["members"]:
            dv = m["dev"]
            attrs += [("md/dev-%s/state" % dv, m.get("state", "in_sync")),
                      ("md/dev-%s/slot" % dv, str(m["slot"]) if m.get("slot") is not None else "none"),
                      ("md/dev-%s/errors" % dv, str(m.get("errors", 0)))]
            base = dv.rstrip("0123456789")
            if base.endswith("p") and base.startswith("nvme"):
                base = base[:-1]
            disk = disks_by_name[base] if base in disks_by_name else disks_by_name[dv]
            bpath = disk["_bpath"]
            target = bpath if dv == base else bpath + "/" + dv
            links.append(("md/dev-%s/block" % dv, rel(path + "/md/dev-" + dv, target)))
            links.append(("slaves/" + dv, rel(path + "/slaves", target)))
            if m.get("slot") is not None:
                links.append(("md/rd%d" % m["slot"], "dev-" + dv))
            flag = "(F)" if "faulty" in m.get("state", "") else ("(S)" if m.get("slot") is None else "")
            toks.append("%s[%d]%s" % (dv, m.get("index", m["slot"] if m.get("slot") is not None else 9), flag))
        props = [("SUBSYSTEM", "block"), ("DEVTYPE", "disk"), ("DEVNAME", "/dev/" + md["name"]), ("MAJOR", "9"),
                 ("MINOR", str(i)), ("MD_LEVEL", md["level"]), ("MD_DEVICES", str(md["raid_disks"])),
                 ("MD_UUID", md["uuid"].replace("-", "")[:8] + ":" + md["uuid"].replace("-", "")[8:16] + ":" +
                  md["uuid"].replace("-", "")[16:24] + ":" + md["uuid"].replace("-", "")[24:32])]
        d.dev(path, props, attrs, links, node=md["name"])
        n = md["raid_disks"]
        working = n - md.get("degraded", 0)
        slots = {m["slot"]: m for m in md["members"] if m.get("slot") is not None}
        smap = "".join("U" if (s in slots and "in_sync" in slots[s].get("state", "in_sync")) else "_" for s in range(n))
        lvl = md["level"]
        mdstat.append("%s : %s %s %s" % (md["name"], "active", lvl, " ".join(toks)))
        extra_lvl = " level %s, 512k chunk, algorithm 2" % lvl[4:] if lvl in ("raid5", "raid6") else ""
        mdstat.append("      %d blocks super 1.2%s [%d/%d] [%s]" % (int(md["bytes"]) // 1024, extra_lvl, n, working, smap))
        if md.get("sync_action", "idle") != "idle" and md.get("sync_completed", "none") != "none":
            done, total = [int(x) for x in md["sync_completed"].split("/")]
            pct = 100.0 * done / total
            speed = int(md.get("sync_speed", "1000"))
            word = {"recover": "recovery", "resync": "resync", "check": "check", "reshape": "reshape"}[md["sync_action"]]
            bar = "=" * int(pct / 5) + ">" + "." * (19 - int(pct / 5))
            mdstat.append("      [%s]  %s = %4.1f%% (%d/%d) finish=%.1fmin speed=%dK/sec" % (
                bar, word, pct, done // 2, total // 2, (total - done) / 2 / speed / 60, speed))
        mdstat.append("")
    mdstat.append("unused devices: <none>")
    if spec.get("md") is not None:
        files["proc/mdstat"] = "\n".join(mdstat) + "\n"
        # md's rebuild rate limits, KiB/s per device (the kernel's defaults unless the spec says)
        files["proc/sys/dev/raid/speed_limit_min"] = "%d\n" % spec.get("speed_limit_min", 1000)
        files["proc/sys/dev/raid/speed_limit_max"] = "%d\n" % spec.get("speed_limit_max", 200000)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "description.umockdev"), "w") as f:
        f.write(d.text())
    for relp, content in files.items():
        p = os.path.join(extra, relp)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(content)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_testbed.py SPEC.json OUTDIR")
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    build(spec, sys.argv[2])


if __name__ == "__main__":
    main()
