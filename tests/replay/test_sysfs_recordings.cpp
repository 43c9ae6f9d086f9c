// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon's scan over real /sys snapshots recorded on other machines (libnvme's test data):
//  - an IBM POWER host (4-digit PCI domains, slot names that are location codes) with a Samsung
//    PM1743 in one PCIe slot and a dual-port PM1735a reached through two slots (native NVMe
//    multipath: one namespace head, two hidden path devices);
//  - an Apple Silicon Mac (NVMe on a platform device, no PCI at all).
// The snapshots lack /sys/class/block, which a real sysfs always has; the test puts those links
// back from the block devices' own `subsystem` links before scanning.
#define BOOST_TEST_MODULE sysfs_recordings
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <raidmon/inventory.hpp>

#include "print.hpp"
#include "sysfs_builder.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace fs = std::filesystem;

namespace {

struct Snapshot {
    test::SysfsBuilder b;
    Inventory inv;
    explicit Snapshot(const std::string& tarball) {
        std::string cmd = "tar -xJf '" + (test::dataDir() / "sysfs-nvme" / tarball).string() + "' -C '" + b.root().string() + "'";
        BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
        for (auto it = fs::recursive_directory_iterator(b.sys() / "devices"); it != fs::recursive_directory_iterator(); ++it) {
            if (it->is_symlink()) {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_directory()) continue;
            std::error_code ec;
            auto sub = fs::read_symlink(it->path() / "subsystem", ec);
            if (ec || sub.filename() != "block") continue;
            auto rel = fs::relative(it->path(), b.root()).string();
            b.relLink("sys/class/block/" + it->path().filename().string(), rel);
        }
        Context ctx = makeRootContext(b.root());
        auto r = scanInventory(ctx);
        BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
        inv = std::move(*r);
    }
    const Drive* drive(const std::string& name) const {
        for (const auto& d : inv.drives)
            if (d.kernelName == name) return &d;
        return nullptr;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(power_host_with_native_nvme_multipath) {
    Snapshot s("libnvme-sysfs-tree-pcie-samsung-pm1743-pm1735a.tar.xz");
    // Namespace heads only: nvme1c1n1 and nvme1c2n1 are hidden paths of nvme1n1.
    BOOST_REQUIRE_EQUAL(s.inv.drives.size(), 2u);
    const Drive* pm1743 = s.drive("nvme0n1");
    const Drive* pm1735a = s.drive("nvme1n1");
    BOOST_REQUIRE(pm1743);
    BOOST_REQUIRE(pm1735a);
    BOOST_TEST(pm1743->serial.value() == "S7DFNG0W700063");  // nqn ...:PM1743:2.5-inch:S7DFNG0W700063
    BOOST_TEST(pm1743->model.value() == "3.2TB NVMe Gen4 U.2 SSD V");
    BOOST_TEST(pm1743->firmware.value() == "DNA8DNA8");
    BOOST_TEST(pm1743->wwn.value() == "eui.374446305770006300253847000002e1");
    BOOST_TEST(pm1743->capacityBytes.value() == 978143920ULL * 512);
    BOOST_TEST(pm1743->location.controller.value() == "0214:90:00.0");  // traddr in libnvme's tree
    BOOST_TEST(pm1735a->serial.value() == "S6RTNE0R900057");
    BOOST_TEST(pm1735a->wwn.value() == "eui.36525430529000570025384500000001");
    BOOST_TEST(pm1735a->location.controller.value() == "052e:78:00.0");  // its first path
    // The slots are named by location code; the drives are found in them by PCI address.
    auto pcie = std::find_if(s.inv.enclosures.begin(), s.inv.enclosures.end(),
                             [](const Enclosure& e) { return e.kind == "pcie-slots"; });
    BOOST_REQUIRE(pcie != s.inv.enclosures.end());
    BOOST_TEST(pcie->slots.size() == 4u);  // "control" is not a slot
    BOOST_TEST(pm1743->location.label.value() == "PCIe slot U78DA.ND0.WZS004R-P1-C4");
    BOOST_TEST(pm1735a->location.label.value() == "PCIe slot U50EE.001.WZS000E-P3-C14-R1");
    BOOST_TEST(s.inv.health == Health::OK);
}

BOOST_AUTO_TEST_CASE(apple_platform_nvme_without_pci) {
    Snapshot s("libnvme-sysfs-tree-apple-nvme.tar.xz");
    // One controller, three namespaces (libnvme's expected tree: nsid 1, 2, 3), partitions skipped.
    BOOST_REQUIRE_EQUAL(s.inv.drives.size(), 3u);
    std::set<std::string> ids;
    for (const auto& d : s.inv.drives) {
        BOOST_TEST(toString(d.protocol) == "NVMe");
        BOOST_TEST(d.model.value() == "APPLE SSD AP2048Z");
        BOOST_TEST(d.serial.value() == "0ba01e49841cc620");
        BOOST_TEST(!d.location.controller.has_value());  // no PCI function owns it
        ids.insert(d.id);
    }
    BOOST_TEST(ids.size() == 3u);  // namespaces that share a serial still have distinct ids
    BOOST_TEST(s.drive("nvme0n2")->nvmeNamespace.value() == 2u);
    BOOST_TEST(s.inv.controllers.empty());
}
