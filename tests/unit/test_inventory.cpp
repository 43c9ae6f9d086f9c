// SPDX-License-Identifier: LGPL-2.1-or-later
// Inventory readers over sysfs trees built in code (makeRootContext walks them without libudev).
#define BOOST_TEST_MODULE inventory
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>

#include "print.hpp"
#include "sysfs_builder.hpp"

using namespace raidmon;
using raidmon::test::SysfsBuilder;

namespace {

const std::string kHba = "pci0000:00/0000:00:01.0/0000:01:00.0";
const std::string kNvmePci = "pci0000:00/0000:00:03.0/0000:02:00.0";

std::vector<unsigned char> vpd80(const std::string& serial) {
    std::vector<unsigned char> p(4 + serial.size());
    p[1] = 0x80;
    p[3] = static_cast<unsigned char>(serial.size());
    for (std::size_t i = 0; i < serial.size(); ++i) p[4 + i] = static_cast<unsigned char>(serial[i]);
    return p;
}

std::vector<unsigned char> vpd83Naa(const std::vector<unsigned char>& naa) {
    // one designator: code set binary, association LU, type NAA (SPC-5 7.7.6)
    std::vector<unsigned char> p(8 + naa.size());
    p[1] = 0x83;
    p[3] = static_cast<unsigned char>(4 + naa.size());
    p[4] = 0x01;
    p[5] = 0x03;
    p[7] = static_cast<unsigned char>(naa.size());
    for (std::size_t i = 0; i < naa.size(); ++i) p[8 + i] = naa[i];
    return p;
}

// ATA Information VPD page with an IDENTIFY DEVICE block (byte-swapped ATA strings).
std::vector<unsigned char> vpd89(const std::string& model, const std::string& serial, const std::string& fw, int rpm) {
    std::vector<unsigned char> p(572, 0);
    p[1] = 0x89;
    p[2] = 0x02;
    p[3] = 0x38;
    auto put = [&](std::size_t word, std::size_t words, std::string s) {
        s.resize(words * 2, ' ');
        for (std::size_t i = 0; i < words; ++i) {
            p[60 + (word + i) * 2] = static_cast<unsigned char>(s[i * 2 + 1]);
            p[60 + (word + i) * 2 + 1] = static_cast<unsigned char>(s[i * 2]);
        }
    };
    put(10, 10, serial);
    put(23, 4, fw);
    put(27, 20, model);
    p[60 + 217 * 2] = static_cast<unsigned char>(rpm & 0xff);
    p[60 + 217 * 2 + 1] = static_cast<unsigned char>(rpm >> 8);
    return p;
}

void pciFunction(SysfsBuilder& b, const std::string& path, const std::string& cls, const std::string& vendor,
                 const std::string& device, const std::string& driver) {
    b.device(path, "pci", "PCI_SLOT_NAME=" + std::filesystem::path(path).filename().string() + "\n", true);
    b.file("sys/devices/" + path + "/class", cls + "\n");
    b.file("sys/devices/" + path + "/vendor", vendor + "\n");
    b.file("sys/devices/" + path + "/device", device + "\n");
    if (!driver.empty()) {
        b.dir("sys/bus/pci/drivers/" + driver);
        b.relLink("sys/devices/" + path + "/driver", "sys/bus/pci/drivers/" + driver);
    }
}

// A SCSI disk below the HBA; returns the scsi_device path (relative to sys/devices).
std::string scsiDisk(SysfsBuilder& b, const std::string& hctl, const std::string& name, const std::string& vendor,
                     const std::string& model, std::uint64_t sectors) {
    std::string tgt = hctl.substr(0, hctl.rfind(':'));
    std::string sdev = kHba + "/host0/port-0:" + hctl.substr(4, 1) + "/end_device-0:" + hctl.substr(4, 1) + "/target" + tgt + "/" + hctl;
    b.device(sdev, "scsi", "DEVTYPE=scsi_device\n", true);
    b.file("sys/devices/" + sdev + "/vendor", vendor + "\n");
    b.file("sys/devices/" + sdev + "/model", model + "\n");
    b.file("sys/devices/" + sdev + "/rev", "0004\n");
    b.file("sys/devices/" + sdev + "/type", "0\n");
    b.file("sys/devices/" + sdev + "/scsi_level", "7\n");
    b.file("sys/devices/" + sdev + "/state", "running\n");
    std::string blk = sdev + "/block/" + name;
    b.device(blk, "block", "MAJOR=8\nMINOR=0\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
    b.relLink("sys/block/" + name, "sys/devices/" + blk);
    b.relLink("sys/devices/" + blk + "/device", "sys/devices/" + sdev);
    b.file("sys/devices/" + blk + "/size", std::to_string(sectors) + "\n");
    b.file("sys/devices/" + blk + "/queue/logical_block_size", "512\n");
    b.file("sys/devices/" + blk + "/queue/physical_block_size", "4096\n");
    b.file("sys/devices/" + blk + "/queue/rotational", "1\n");
    return sdev;
}

struct Host12 {
    SysfsBuilder b;
    std::string sdaDev, sdbDev, sesDev;
    Host12() {
        b.file("proc/sys/kernel/hostname", "stor-07\n");
        b.file("etc/machine-id", "4c4c4544004a3510804bb4c04f4d3232\n");
        b.file("sys/class/dmi/id/sys_vendor", "Supermicro\n");
        b.file("sys/class/dmi/id/product_name", "SSG-6029P-E1CR12L\n");
        b.file("sys/class/dmi/id/product_serial", "To Be Filled By O.E.M.\n");
        b.file("sys/class/dmi/id/board_serial", "ZM19BS012345\n");
        b.file("sys/class/dmi/id/chassis_asset_tag", "Default string\n");
        b.file("sys/class/dmi/id/product_uuid", "00000000-0000-0000-0000-AC1F6B0A1B2C\n");

        pciFunction(b, kHba, "0x010700", "0x1000", "0x0097", "mpt3sas");
        sdaDev = scsiDisk(b, "0:0:0:0", "sda", "SEAGATE", "ST4000NM0023", 7814037168ULL);
        b.bytes("sys/devices/" + sdaDev + "/vpd_pg80", vpd80("Z1Z2ABCD0000C4321"));
        b.bytes("sys/devices/" + sdaDev + "/vpd_pg83", vpd83Naa({0x50, 0x00, 0xc5, 0x00, 0xa1, 0xb2, 0xc3, 0xd4}));
        b.file("sys/devices/" + sdaDev + "/sas_address", "0x5000c500a1b2c3d5\n");
        sdbDev = scsiDisk(b, "0:0:1:0", "sdb", "ATA", "WDC WD4000FYYZ-0", 7814037168ULL);
        b.bytes("sys/devices/" + sdbDev + "/vpd_pg89", vpd89("WDC WD4000FYYZ-01UL1B2", "WD-WMC130F12345", "01.01K03", 7200));
        // the SES enclosure
        sesDev = kHba + "/host0/port-0:2/end_device-0:2/target0:0:2/0:0:2:0";
        b.device(sesDev, "scsi", "", true);
        b.file("sys/devices/" + sesDev + "/vendor", "LSI\n");
        b.file("sys/devices/" + sesDev + "/model", "SAS2X28\n");
        b.file("sys/devices/" + sesDev + "/rev", "0717\n");
        b.file("sys/devices/" + sesDev + "/type", "13\n");
        std::string enc = sesDev + "/enclosure/0:0:2:0";
        b.device(enc, "enclosure");
        b.file("sys/devices/" + enc + "/components", "4\n");
        b.file("sys/devices/" + enc + "/id", "0x500605B000000001\n");
        auto slot = [&](const std::string& label, int idx, const std::string& status, const std::string& dev) {
            std::string c = "sys/devices/" + enc + "/" + label;
            b.file(c + "/type", "array device\n");
            b.file(c + "/slot", std::to_string(idx) + "\n");
            b.file(c + "/status", status + "\n");
            b.file(c + "/locate", "0\n");
            b.file(c + "/fault", "0\n");
            b.file(c + "/active", dev.empty() ? "0\n" : "1\n");
            if (!dev.empty()) b.relLink(c + "/device", "sys/devices/" + dev);
        };
        slot("Slot 00", 0, "OK", sdaDev);
        slot("Slot 01", 1, "OK", "");  // no component->device link: joined from the disk side
        b.relLink("sys/devices/" + sdbDev + "/enclosure_device:Slot 01", "sys/devices/" + enc + "/Slot 01");
        slot("Slot 02", 2, "not installed", "");
        slot("Slot 03", 3, "Critical", "");
        // NVMe drive in PCIe slot 5
        pciFunction(b, kNvmePci, "0x010802", "0x144d", "0xa808", "nvme");
        std::string ctrl = kNvmePci + "/nvme/nvme0";
        b.device(ctrl, "nvme", "MAJOR=240\nMINOR=0\nDEVNAME=nvme0\n");
        b.file("sys/devices/" + ctrl + "/model", "Samsung SSD 970 EVO Plus 1TB            \n");
        b.file("sys/devices/" + ctrl + "/serial", "S4EWNX0R123456      \n");
        b.file("sys/devices/" + ctrl + "/firmware_rev", "2B2QEXM7\n");
        b.file("sys/devices/" + ctrl + "/state", "live\n");
        b.relLink("sys/devices/" + ctrl + "/device", "sys/devices/" + kNvmePci);
        std::string ns = ctrl + "/nvme0n1";
        b.device(ns, "block", "MAJOR=259\nMINOR=0\nDEVNAME=nvme0n1\nDEVTYPE=disk\n");
        b.relLink("sys/block/nvme0n1", "sys/devices/" + ns);
        b.relLink("sys/devices/" + ns + "/device", "sys/devices/" + ctrl);
        b.file("sys/devices/" + ns + "/size", "1953525168\n");
        b.file("sys/devices/" + ns + "/wwid", "eui.0025388b91b2a2a1\n");
        b.file("sys/devices/" + ns + "/queue/logical_block_size", "512\n");
        b.file("sys/devices/" + ns + "/queue/rotational", "0\n");
        b.file("sys/bus/pci/slots/5/address", "0000:02:00\n");
        b.file("sys/bus/pci/slots/5/attention", "0\n");
        b.file("sys/bus/pci/slots/5/power", "1\n");
        b.file("sys/bus/pci/slots/6/address", "0000:03:00\n");
        b.file("sys/bus/pci/slots/6/attention", "0\n");
        b.file("sys/bus/pci/slots/6/adapter", "0\n");
        // md0: RAID1 over sda and sdb, sdb faulty
        std::string md = "virtual/block/md0";
        b.device(md, "block", "MAJOR=9\nMINOR=0\nDEVNAME=md0\nDEVTYPE=disk\n");
        b.relLink("sys/block/md0", "sys/devices/" + md);
        b.file("sys/devices/" + md + "/size", "7813774336\n");
        b.file("sys/devices/" + md + "/md/level", "raid1\n");
        b.file("sys/devices/" + md + "/md/raid_disks", "2\n");
        b.file("sys/devices/" + md + "/md/array_state", "clean\n");
        b.file("sys/devices/" + md + "/md/degraded", "1\n");
        b.file("sys/devices/" + md + "/md/sync_action", "idle\n");
        b.file("sys/devices/" + md + "/md/uuid", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d\n");
        b.file("sys/devices/" + md + "/md/dev-sda/state", "in_sync\n");
        b.file("sys/devices/" + md + "/md/dev-sda/slot", "0\n");
        b.file("sys/devices/" + md + "/md/dev-sda/errors", "3\n");
        b.relLink("sys/devices/" + md + "/md/dev-sda/block", "sys/devices/" + sdaDev + "/block/sda");
        b.file("sys/devices/" + md + "/md/dev-sdb/state", "faulty\n");
        b.file("sys/devices/" + md + "/md/dev-sdb/slot", "1\n");
        b.relLink("sys/devices/" + md + "/md/dev-sdb/block", "sys/devices/" + sdbDev + "/block/sdb");
        b.file("proc/mdstat", "Personalities : [raid1]\nmd0 : active raid1 sdb[1](F) sda[0]\n"
                              "      3906887168 blocks super 1.2 [2/1] [U_]\n\nunused devices: <none>\n");
    }
    Inventory scan() {
        Context ctx = makeRootContext(b.root());
        auto inv = scanInventory(ctx);
        BOOST_REQUIRE_MESSAGE(inv.has_value(), (inv ? std::string() : inv.error().message));
        return *inv;
    }
};

const Drive* drive(const Inventory& inv, const std::string& name) {
    for (const auto& d : inv.drives)
        if (d.kernelName == name) return &d;
    return nullptr;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(host_identity_rejects_placeholders, Host12) {
    auto inv = scan();
    BOOST_TEST(inv.host.hostname.value() == "stor-07");
    BOOST_TEST(inv.host.machineId.value() == "4c4c4544004a3510804bb4c04f4d3232");
    BOOST_TEST(inv.host.dmi.sysVendor.value() == "Supermicro");
    BOOST_TEST(!inv.host.dmi.productSerial.has_value());     // "To Be Filled By O.E.M."
    BOOST_TEST(!inv.host.dmi.chassisAssetTag.has_value());   // "Default string"
    BOOST_TEST(inv.host.dmi.boardSerial.value() == "ZM19BS012345");
    BOOST_TEST(inv.host.dmi.uuid.value() == "00000000-0000-0000-0000-ac1f6b0a1b2c");
}

BOOST_FIXTURE_TEST_CASE(controllers_are_pci_storage_functions, Host12) {
    auto inv = scan();
    BOOST_REQUIRE_EQUAL(inv.controllers.size(), 2u);
    BOOST_TEST(inv.controllers[0].id == "0000:01:00.0");
    BOOST_TEST(inv.controllers[0].kind == "sas-hba");
    BOOST_TEST(inv.controllers[0].driver.value() == "mpt3sas");
    BOOST_TEST(inv.controllers[0].pciId.value() == "1000:0097");
    BOOST_TEST(inv.controllers[1].kind == "nvme");
}

BOOST_FIXTURE_TEST_CASE(sas_disk_identity_from_vpd, Host12) {
    auto inv = scan();
    const Drive* d = drive(inv, "sda");
    BOOST_REQUIRE(d);
    BOOST_TEST(d->serial.value() == "Z1Z2ABCD0000C4321");
    BOOST_TEST(d->wwn.value() == "0x5000c500a1b2c3d4");
    BOOST_TEST(d->id == "wwn-0x5000c500a1b2c3d4");
    BOOST_TEST(d->vendor.value() == "SEAGATE");
    BOOST_TEST(d->model.value() == "ST4000NM0023");
    BOOST_TEST(d->firmware.value() == "0004");
    BOOST_TEST(d->capacityBytes.value() == 7814037168ULL * 512);
    BOOST_TEST(d->logicalBlockSize.value() == 512u);
    BOOST_TEST(d->physicalBlockSize.value() == 4096u);
    BOOST_TEST(toString(d->protocol) == "SAS");
    BOOST_TEST(d->location.controller.value() == "0000:01:00.0");
    BOOST_TEST(d->devnode.value() == (std::filesystem::path(b.root()) / "dev" / "sda").string());
}

BOOST_FIXTURE_TEST_CASE(sata_disk_full_identity_from_ata_information_page, Host12) {
    auto inv = scan();
    const Drive* d = drive(inv, "sdb");
    BOOST_REQUIRE(d);
    BOOST_TEST(toString(d->protocol) == "SATA");
    BOOST_TEST(d->model.value() == "WDC WD4000FYYZ-01UL1B2");  // not the 16-byte INQUIRY truncation
    BOOST_TEST(d->serial.value() == "WD-WMC130F12345");
    BOOST_TEST(d->firmware.value() == "01.01K03");
    BOOST_TEST(d->rotationRpm.value() == 7200);
    BOOST_TEST(toString(d->media.value()) == "HDD");
    BOOST_TEST(d->id == "WDC_WD4000FYYZ-01UL1B2_WD-WMC130F12345");
}

BOOST_FIXTURE_TEST_CASE(nvme_namespace_identity, Host12) {
    auto inv = scan();
    const Drive* d = drive(inv, "nvme0n1");
    BOOST_REQUIRE(d);
    BOOST_TEST(toString(d->protocol) == "NVMe");
    BOOST_TEST(d->model.value() == "Samsung SSD 970 EVO Plus 1TB");
    BOOST_TEST(d->serial.value() == "S4EWNX0R123456");
    BOOST_TEST(d->wwn.value() == "eui.0025388b91b2a2a1");
    BOOST_TEST(d->id == "eui.0025388b91b2a2a1");
    BOOST_TEST(d->location.controller.value() == "0000:02:00.0");
    BOOST_TEST(toString(d->media.value()) == "SSD");
}

BOOST_FIXTURE_TEST_CASE(enclosure_slots_map_to_drives_both_ways, Host12) {
    auto inv = scan();
    auto enc = std::find_if(inv.enclosures.begin(), inv.enclosures.end(), [](const Enclosure& e) { return e.kind == "ses"; });
    BOOST_REQUIRE(enc != inv.enclosures.end());
    BOOST_TEST(enc->id == "0x500605b000000001");
    BOOST_TEST(enc->vendor.value() == "LSI");
    BOOST_TEST(enc->product.value() == "SAS2X28");
    BOOST_REQUIRE_EQUAL(enc->slots.size(), 4u);
    BOOST_TEST(enc->slots[0].device.value() == "sda");
    BOOST_TEST(enc->slots[1].device.value() == "sdb");  // from sdb's enclosure_device link
    BOOST_TEST(!enc->slots[2].drive.has_value());
    BOOST_TEST(enc->slots[2].status.value() == "not installed");
    BOOST_TEST(enc->health == Health::Critical);  // Slot 03 reports Critical
    const Drive* sda = drive(inv, "sda");
    BOOST_TEST(sda->location.enclosure.value() == "0x500605b000000001");
    BOOST_TEST(sda->location.slot.value() == 0);
    BOOST_TEST(sda->location.label.value() == "Slot 00");
}

BOOST_FIXTURE_TEST_CASE(pcie_slots_hold_nvme, Host12) {
    auto inv = scan();
    auto enc = std::find_if(inv.enclosures.begin(), inv.enclosures.end(), [](const Enclosure& e) { return e.kind == "pcie-slots"; });
    BOOST_REQUIRE(enc != inv.enclosures.end());
    BOOST_REQUIRE_EQUAL(enc->slots.size(), 2u);
    BOOST_TEST(enc->slots[0].index == 5);
    BOOST_TEST(enc->slots[0].device.value() == "nvme0n1");
    BOOST_TEST(enc->slots[0].attention.value() == 0);
    BOOST_TEST(enc->slots[1].status.value() == "empty");
    BOOST_TEST(drive(inv, "nvme0n1")->location.label.value() == "PCIe slot 5");
}

BOOST_FIXTURE_TEST_CASE(md_faulty_member_makes_array_and_drive_critical, Host12) {
    auto inv = scan();
    BOOST_REQUIRE_EQUAL(inv.arrays.size(), 1u);
    const Array& a = inv.arrays[0];
    BOOST_TEST(a.name == "md0");
    BOOST_TEST(a.id == "md-0a1b2c3d:4e5f6a7b:8c9d0e1f:2a3b4c5d");
    BOOST_TEST(a.level.value() == "raid1");
    BOOST_TEST(a.state == "degraded");
    BOOST_TEST(a.redundancyLeft.value() == 0);
    BOOST_TEST(a.health == Health::Critical);
    BOOST_REQUIRE_EQUAL(a.members.size(), 2u);
    BOOST_TEST(a.members[0].role == "active");
    BOOST_TEST(a.members[0].drive.value() == "wwn-0x5000c500a1b2c3d4");
    BOOST_TEST(a.members[1].role == "faulty");
    const Drive* sdb = drive(inv, "sdb");
    BOOST_TEST(sdb->health == Health::Critical);
    BOOST_TEST(toString(sdb->state.value()) == "failed");
    BOOST_TEST(inv.health == Health::Critical);
    BOOST_TEST(exitCode(inv.health) == 2);
}

BOOST_FIXTURE_TEST_CASE(vanished_and_broken_devices_are_skipped_with_notes, Host12) {
    // a drive whose device link dangles (pulled mid-scan), and one with garbage attributes
    std::string sdc = scsiDisk(b, "0:0:3:0", "sdc", "HGST", "HUH721212AL4200", 100);
    b.remove("sys/devices/" + sdc + "/vendor");
    b.remove("sys/devices/" + sdc + "/model");
    b.file("sys/devices/" + sdc + "/block/sdc/size", "12x\n");
    b.file("sys/devices/" + sdc + "/block/sdc/queue/logical_block_size", "\xff\xfe\n");
    std::string sdd = scsiDisk(b, "0:0:4:0", "sdd", "HGST", "HUH721212AL4200", 100);
    b.remove("sys/devices/" + sdd);
    b.relLink("sys/block/sdd", "sys/devices/" + sdd + "/block/sdd");  // dangling
    auto inv = scan();
    const Drive* c = drive(inv, "sdc");
    BOOST_REQUIRE(c);
    BOOST_TEST(!c->capacityBytes.has_value());  // unknown, never 0
    BOOST_TEST(!c->logicalBlockSize.has_value());
    BOOST_TEST(!c->model.has_value());
    BOOST_TEST(c->id == "name-sdc");
    BOOST_TEST(!drive(inv, "sdd"));
    bool noted = std::any_of(inv.notes.begin(), inv.notes.end(), [](const std::string& n) {
        return n.find("size: not a number: '12x'") != std::string::npos;
    });
    BOOST_TEST(noted);
}

// A SCSI disk at any place of the tree (sdev relative to sys/devices), for hosts scsiDisk() does not build.
void scsiDiskAt(SysfsBuilder& b, const std::string& sdev, const std::string& name, const std::string& model, int minor) {
    b.device(sdev, "scsi", "DEVTYPE=scsi_device\n", true);
    for (const auto& [attr, value] : {std::pair<const char*, std::string>{"vendor", "VENDOR"}, {"model", model}, {"rev", "1.0"},
                                      {"type", "0"}, {"scsi_level", "7"}, {"state", "running"}})
        b.file("sys/devices/" + sdev + "/" + attr, value + "\n");
    const std::string blk = sdev + "/block/" + name;
    b.device(blk, "block", "MAJOR=8\nMINOR=" + std::to_string(minor) + "\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
    b.relLink("sys/block/" + name, "sys/devices/" + blk);
    b.relLink("sys/devices/" + blk + "/device", "sys/devices/" + sdev);
    b.file("sys/devices/" + blk + "/size", "1953525168\n");
}

// Which disks are a RAID controller's volumes is decided by the SCSI host's driver (proc_name),
// read once per host for a whole scan: three hosts with three rules, each disk judged by its own.
BOOST_AUTO_TEST_CASE(raid_volumes_are_told_by_each_disks_own_scsi_host) {
    SysfsBuilder b;
    const std::string perc = "pci0000:00/0000:00:02.0/0000:03:00.0", pqi = "pci0000:40/0000:40:01.0/0000:41:00.0";
    pciFunction(b, kHba, "0x010700", "0x1000", "0x0097", "mpt3sas");
    pciFunction(b, perc, "0x010400", "0x1000", "0x005d", "megaraid_sas");
    pciFunction(b, pqi, "0x010700", "0x9005", "0x028f", "smartpqi");
    b.file("sys/devices/" + kHba + "/host0/scsi_host/host0/proc_name", "mpt3sas\n");
    b.file("sys/devices/" + perc + "/host1/scsi_host/host1/proc_name", "megaraid_sas\n");
    b.file("sys/devices/" + pqi + "/host2/scsi_host/host2/proc_name", "smartpqi\n");
    scsiDisk(b, "0:0:2:0", "sda", "SEAGATE", "ST4000NM0023", 7814037168ULL);            // behind an HBA's SAS port
    scsiDiskAt(b, perc + "/host1/target1:2:0/1:2:0:0", "sdb", "PERC H730P Adp", 16);   // a virtual disk (channel 2)
    scsiDiskAt(b, perc + "/host1/target1:0:4/1:0:4:0", "sdc", "ST2000NM0055", 32);     // a JBOD drive of the PERC
    scsiDiskAt(b, pqi + "/host2/target2:1:0/2:1:0:0", "sdd", "LOGICAL VOLUME", 48);    // a Smart Array logical drive
    scsiDiskAt(b, pqi + "/host2/port-2:0/end_device-2:0/target2:0:0/2:0:0:0", "sde", "MZ7KH960HAJR", 64);  // HBA mode
    Context ctx = makeRootContext(b.root());
    auto inv = scanInventory(ctx);
    BOOST_REQUIRE(inv.has_value());
    for (const char* n : {"sda", "sdb", "sdc", "sdd", "sde"}) BOOST_REQUIRE_MESSAGE(drive(*inv, n), n);
    BOOST_TEST(drive(*inv, "sda")->role.value_or("") != "hw-raid-volume");
    BOOST_TEST(drive(*inv, "sdb")->role.value_or("") == "hw-raid-volume");
    BOOST_TEST(drive(*inv, "sdc")->role.value_or("") != "hw-raid-volume");
    BOOST_TEST(drive(*inv, "sdd")->role.value_or("") == "hw-raid-volume");
    BOOST_TEST(drive(*inv, "sde")->role.value_or("") != "hw-raid-volume");
    BOOST_TEST(drive(*inv, "sdb")->location.controller.value_or("") == "0000:03:00.0");
    BOOST_TEST(drive(*inv, "sde")->location.controller.value_or("") == "0000:41:00.0");
    BOOST_TEST(drive(*inv, "sda")->location.controller.value_or("") == "0000:01:00.0");
}

BOOST_AUTO_TEST_CASE(empty_host_is_calm) {
    SysfsBuilder b;
    b.dir("sys/class/block");
    Context ctx = makeRootContext(b.root());
    auto inv = scanInventory(ctx);
    BOOST_REQUIRE(inv.has_value());
    BOOST_TEST(inv->drives.empty());
    BOOST_TEST(inv->health == Health::OK);
    BOOST_TEST(!inv->host.hostname.has_value());
    BOOST_TEST(toJson(*inv).find("\"health\": \"OK\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_sysfs_is_an_error_not_a_crash) {
    Context ctx = makeRootContext("/nonexistent-raidmon-root");
    auto inv = scanInventory(ctx);
    BOOST_REQUIRE(!inv.has_value());
    BOOST_TEST(inv.error().message.find("/nonexistent-raidmon-root/sys") != std::string::npos);
}

// Three disks that report one identity (a cloned serial and WWN): the first keeps it, the others
// are qualified by their kernel names, each with a note; none is merged away.
BOOST_AUTO_TEST_CASE(drives_with_one_identity_are_all_listed_and_named_apart) {
    SysfsBuilder b;
    pciFunction(b, kHba, "0x010700", "0x1000", "0x0097", "mpt3sas");
    for (const char* hctl : {"0:0:3:0", "0:0:4:0", "0:0:5:0"}) {
        const std::string name = std::string("sd") + static_cast<char>('a' + (hctl[4] - '3'));
        const auto dev = scsiDisk(b, hctl, name, "SEAGATE", "ST4000NM0023", 7814037168ULL);
        b.bytes("sys/devices/" + dev + "/vpd_pg80", vpd80("Z1Z2CLONE"));
        b.bytes("sys/devices/" + dev + "/vpd_pg83", vpd83Naa({0x50, 0x00, 0xc5, 0x00, 0x11, 0x22, 0x33, 0x44}));
    }
    Context ctx = makeRootContext(b.root());
    auto inv = scanInventory(ctx);
    BOOST_REQUIRE(inv.has_value());
    BOOST_REQUIRE(inv->drives.size() == 3u);
    const Drive* sda = drive(*inv, "sda");
    const Drive* sdb = drive(*inv, "sdb");
    const Drive* sdc = drive(*inv, "sdc");
    BOOST_REQUIRE(sda && sdb && sdc);
    BOOST_TEST(sda->id.find('#') == std::string::npos);
    BOOST_TEST(sdb->id == sda->id + "#sdb");
    BOOST_TEST(sdc->id == sda->id + "#sdc");
    const auto notes = std::count_if(inv->notes.begin(), inv->notes.end(), [](const std::string& n) {
        return n.find("reports the same identity as another drive") != std::string::npos;
    });
    BOOST_TEST(notes == 2);
}
