// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Bay Slot03 of the sas12 testbed (sdd, failed out of md0, a RAID6 over sda..sdh) as a technician
// and the kernel would change it: the drive pulled, another one inserted, md dropping the pulled
// member and recovering onto the new one. Shared by the hot-swap tests and the demonstration.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <umockdev.h>

#include "testbed.hpp"

namespace raidmon::test::sas12 {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::string kMd0 = "/sys/devices/virtual/block/md0";
inline const std::string kScsi3 = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:3/"
                           "end_device-0:0:3/target0:0:3/0:0:3:0";
inline const std::string kSdd = kScsi3 + "/block/sdd";
inline const std::string kSlot03 = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:12/"
                            "end_device-0:0:12/target0:0:12/0:0:12:0/enclosure/0:0:12:0/Slot03";

/// A drive to put into bay Slot03 (as sdd, the kernel name the old one had).
struct NewDrive {
    std::string serial = "Z1Z3A9NEW0000";
    std::string naa = "5000c500a1b2c3ff";  ///< 16 hex digits
    std::uint64_t sectors = 7814037168;      ///< 4 TB, as the others
    std::string fsType;                      ///< a signature udev reports ("ext4"), empty for a blank drive
    std::uint32_t logicalBlock = 512;
};

inline std::string hex(std::string_view s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}

inline std::vector<unsigned char> unhex(const std::string& h) {
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

inline void setBinary(Testbed& tb, const std::string& dev, const char* name, const std::string& hexValue) {
    auto v = unhex(hexValue);
    umockdev_testbed_set_attribute_binary(tb.handle(), dev.c_str(), name, v.data(),
                                          static_cast<gint>(v.size()));
}

/// The technician pulls the drive of bay Slot03 (sdd): "remove", then the device goes.
inline void pullSdd(Testbed& tb) {
    tb.setAttribute(kSlot03, "status", "not installed");  // what the SES element reports then
    tb.uevent(kSdd, "remove");
    umockdev_testbed_remove_device(tb.handle(), kSdd.c_str());
}

/// A drive slides into bay Slot03: the SCSI device answers with the new drive's identity, its
/// block device appears, "add".
inline void insertSdd(Testbed& tb, const NewDrive& d) {
    tb.setAttribute(kSlot03, "status", "OK");
    tb.setAttribute(kScsi3, "wwid", "naa." + d.naa + "\n");
    std::string pg80len = hex(std::string(1, static_cast<char>(d.serial.size())));
    setBinary(tb, kScsi3, "vpd_pg80", "008000" + pg80len + hex(d.serial));
    setBinary(tb, kScsi3, "vpd_pg83", "0083000c01030008" + d.naa);
    std::string rec = "P: " + kSdd.substr(4) + "\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: DEVNAME=/dev/sdd\nE: MAJOR=8\nE: MINOR=48\n"
                      "E: ID_PATH=testbed\n";
    if (!d.fsType.empty()) rec += "E: ID_FS_TYPE=" + d.fsType + "\nE: ID_FS_USAGE=filesystem\n";
    rec += "A: dev=8:48\\n\nA: size=" + std::to_string(d.sectors) + "\\n\nA: ro=0\\n\nA: removable=0\\n\nA: queue/logical_block_size=" +
           std::to_string(d.logicalBlock) + "\\n\nA: queue/physical_block_size=4096\\n\nA: queue/rotational=1\\n\nL: device=../..\nN: sdd\n";
    // umockdev 0.17 leaves /sys/block/sdd behind when the device is removed; adding it again would
    // abort on the existing link.
    std::error_code ec;
    fs::remove(tb.root() / "sys" / "block" / "sdd", ec);
    GError* err = nullptr;
    if (!umockdev_testbed_add_from_string(tb.handle(), rec.c_str(), &err))
        throw std::runtime_error(std::string("umockdev cannot add sdd: ") + (err ? err->message : "?"));
    tb.uevent(kSdd, "add");
}

/// What `mdadm --remove` does to md0 (the agent asked for it: md_remove_detached): the pulled
/// member's dev-sdd and rd3 entries go, md announces "change".
inline void mdDropsGhost(Testbed& tb) {
    std::error_code ec;
    const auto md = tb.root() / kMd0.substr(1) / "md";
    fs::remove_all(md / "dev-sdd", ec);
    fs::remove(md / "rd3", ec);
    tb.uevent(kMd0, "change");
    std::this_thread::sleep_for(200ms);
}

/// md takes the new sdd as member 3 and recovers onto it; `finish`: in sync, array clean.
inline void mdRecovers(Testbed& tb, bool finish) {
    umockdev_testbed_set_attribute_link(tb.handle(), kMd0.c_str(), "md/dev-sdd/block",
                                        ("../../../../.." + kSdd.substr(12)).c_str());
    tb.setAttribute(kMd0, "md/dev-sdd/state", "");
    tb.setAttribute(kMd0, "md/dev-sdd/slot", "3");
    tb.setAttribute(kMd0, "md/sync_action", "recover");
    tb.setAttribute(kMd0, "md/sync_completed", "3907018584 / 7814037168");
    tb.uevent(kMd0, "change");
    if (!finish) return;
    std::this_thread::sleep_for(300ms);
    tb.setAttribute(kMd0, "md/dev-sdd/state", "in_sync");
    tb.setAttribute(kMd0, "md/degraded", "0");
    tb.setAttribute(kMd0, "md/sync_action", "idle");
    tb.setAttribute(kMd0, "md/sync_completed", "none");
    tb.uevent(kMd0, "change");
}

} // namespace raidmon::test::sas12
