// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's partial rescans (a disk that left or arrived, an md array that changed) must give
// exactly the inventory a full scan gives at that moment: the panel must never see a difference
// that only comes from which path the agent took. Over the sas12 testbed, with real libudev.
#define BOOST_TEST_MODULE partial_scan
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <umockdev.h>

#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>

#include "inventory/parts.hpp"
#include "testbed.hpp"

using namespace raidmon;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;

namespace {

const std::string kSdk = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:10/"
                         "end_device-0:0:10/target0:0:10/0:0:10:0/block/sdk";

Context testbedContext(const Testbed& tb) {
    Context ctx = makeSystemContext();
    ctx.paths.proc = tb.root() / "proc";
    ctx.paths.etc = tb.root() / "etc";
    ctx.deviceIo = DeviceIo::none;
    return ctx;
}

ScanOptions agentOptions() {
    ScanOptions o;
    o.hardwareRaid = false;
    return o;
}

// The inventory as JSON with drives in a fixed order (a partial scan appends an arrived disk).
Json normalised(const Inventory& inv) {
    Json j = Json::parse(toJson(inv));
    auto& d = j["drives"];
    std::sort(d.begin(), d.end(), [](const Json& a, const Json& b) { return a["id"].dump() < b["id"].dump(); });
    auto& n = j["notes"];
    std::sort(n.begin(), n.end());
    return j;
}

Json fromParts(const detail::InventoryParts& p) {
    Inventory inv = detail::combine(p);
    detail::finishInventory(inv, p.partial);
    return normalised(inv);
}

Json fullScan(const Context& ctx) {
    auto inv = scanInventory(ctx, agentOptions());
    BOOST_REQUIRE_MESSAGE(inv, (inv ? "" : inv.error().message));
    return normalised(*inv);
}

/// A testbed, its context and raidmond's scan of it in parts (what each case starts from).
struct Scanned {
    Testbed tb;
    Context ctx;
    detail::InventoryParts parts;
    explicit Scanned(const std::string& testbed) : tb(testbedDir(testbed)), ctx(testbedContext(tb)) {
        auto p = detail::scanParts(ctx, agentOptions());
        BOOST_REQUIRE_MESSAGE(p, (p ? "" : p.error().message));
        parts = std::move(*p);
    }
};

void requireSame(const Json& partial, const Json& full) {
    BOOST_TEST_INFO("partial: " << partial.dump().substr(0, 400));
    BOOST_TEST_INFO("diff: " << Json::diff(full, partial).dump());
    BOOST_TEST(partial == full);
}

} // namespace

BOOST_AUTO_TEST_CASE(md_change_refreshes_only_that_array_and_matches_a_full_scan) {
    Scanned s("sas12");
    requireSame(fromParts(s.parts), fullScan(s.ctx));

    s.tb.setAttribute("/sys/devices/virtual/block/md1", "md/degraded", "1");
    s.tb.setAttribute("/sys/devices/virtual/block/md1", "md/dev-sdj2/state", "faulty");
    detail::refreshMd(s.ctx, s.parts, {"md1"});
    const Json partial = fromParts(s.parts);
    requireSame(partial, fullScan(s.ctx));
    const auto md1 = std::find_if(partial["arrays"].begin(), partial["arrays"].end(), [](const Json& a) { return a["name"] == "md1"; });
    BOOST_REQUIRE(md1 != partial["arrays"].end());
    BOOST_TEST((*md1)["state"] == "degraded");
}

BOOST_AUTO_TEST_CASE(disk_removed_then_added_matches_a_full_scan) {
    Scanned s("sas12");
    const Json before = fromParts(s.parts);
    auto rec = s.ctx.devices->lookup(kSdk);
    BOOST_REQUIRE_MESSAGE(rec, (rec ? "" : rec.error().message));

    detail::dropDrive(s.ctx, s.parts, kSdk);
    const Json dropped = fromParts(s.parts);
    BOOST_TEST(dropped["drives"].size() + 1 == before["drives"].size());
    for (const auto& d : dropped["drives"]) BOOST_TEST(d["kernel_name"] != "sdk");

    detail::addDrive(s.ctx, s.parts, *rec);
    requireSame(fromParts(s.parts), before);
    requireSame(fromParts(s.parts), fullScan(s.ctx));
}

namespace {

/// The drive of `inv` in bay `slot` of enclosure `enc` (by index in the inventory's list).
const Drive& inBay(const Inventory& inv, std::size_t enc, int slot) {
    const Enclosure& e = inv.enclosures.at(enc);
    auto s = std::find_if(e.slots.begin(), e.slots.end(), [&](const Slot& x) { return x.index == slot; });
    BOOST_REQUIRE(s != e.slots.end() && s->drive);
    auto d = std::find_if(inv.drives.begin(), inv.drives.end(), [&](const Drive& x) { return x.id == *s->drive; });
    BOOST_REQUIRE(d != inv.drives.end());
    return *d;
}

} // namespace

// Two shelves of 60 bays and md arrays mirrored across them: a disk change reads that disk's own
// slot and the arrays it is (was) in, not the 120 bays; the result must still be what a full scan
// gives, for a disk that left sysfs for real (its slot's link dangles, md lost a member's block
// link), for a batch across both shelves, and for disks that arrive again.
BOOST_AUTO_TEST_CASE(disk_changes_on_two_shelves_match_full_scans) {
    Scanned s("jbod120md");
    const Json before = fromParts(s.parts);
    requireSame(before, fullScan(s.ctx));
    auto inv = scanInventory(s.ctx, agentOptions());
    BOOST_REQUIRE(inv);
    BOOST_REQUIRE(inv->enclosures.size() >= 2u);
    // md0's member in shelf A's bay 0, an md1 member in shelf B's bay 2, a spare disk in shelf B's bay 30
    const Drive a0 = inBay(*inv, 0, 0), b2 = inBay(*inv, 1, 2), b30 = inBay(*inv, 1, 30);
    std::vector<DeviceRecord> records;
    for (const Drive* d : {&a0, &b2, &b30}) {
        auto rec = s.ctx.devices->lookup(*d->sysPath);
        BOOST_REQUIRE_MESSAGE(rec, (rec ? "" : rec.error().message));
        records.push_back(*rec);
    }

    // a batch across both shelves, the disks still in sysfs (a racing scan): dropped, then back
    detail::applyDiskChanges(s.ctx, s.parts, {*a0.sysPath, *b2.sysPath}, {});
    const Json dropped = fromParts(s.parts);
    BOOST_TEST(dropped["drives"].size() + 2 == before["drives"].size());
    detail::applyDiskChanges(s.ctx, s.parts, {}, {records[0], records[1]});
    requireSame(fromParts(s.parts), before);

    // shelf B's bays 2 and 30 leave sysfs for real: their slots' links dangle, md1's member link
    // too; a full scan agrees
    umockdev_testbed_remove_device(s.tb.handle(), b30.sysPath->c_str());
    umockdev_testbed_remove_device(s.tb.handle(), b2.sysPath->c_str());
    detail::applyDiskChanges(s.ctx, s.parts, {*b30.sysPath, *b2.sysPath}, {});
    const Json gone = fromParts(s.parts);
    requireSame(gone, fullScan(s.ctx));
    BOOST_TEST(gone["drives"].size() + 2 == before["drives"].size());

    // removed and re-added in one batch (the uevents of a quick re-seat): read again
    detail::applyDiskChanges(s.ctx, s.parts, {*a0.sysPath}, {records[0]});
    requireSame(fromParts(s.parts), gone);
}

// A disk with partitions in md arrays (sas12's sdj: sdj1 in md0's mirror, sdj2 in md1): read
// again by its disk record alone (what raidmond does for a partition's uevent), its partitions'
// udev records and the arrays they are in come with it.
BOOST_AUTO_TEST_CASE(partitioned_md_member_read_again_matches_a_full_scan) {
    Scanned s("sas12");
    const Json before = fromParts(s.parts);
    auto inv = scanInventory(s.ctx, agentOptions());
    BOOST_REQUIRE(inv);
    auto sdj = std::find_if(inv->drives.begin(), inv->drives.end(), [](const Drive& d) { return d.kernelName == "sdj"; });
    BOOST_REQUIRE(sdj != inv->drives.end());
    BOOST_REQUIRE_MESSAGE(!sdj->holders.empty(), "sdj's partitions are md members in sas12");
    auto rec = s.ctx.devices->lookup(*sdj->sysPath);
    BOOST_REQUIRE(rec);
    detail::applyDiskChanges(s.ctx, s.parts, {}, {*rec});
    requireSame(fromParts(s.parts), before);
    detail::applyDiskChanges(s.ctx, s.parts, {*sdj->sysPath}, {});
    const Json dropped = fromParts(s.parts);
    BOOST_TEST(dropped["drives"].size() + 1 == before["drives"].size());
    detail::applyDiskChanges(s.ctx, s.parts, {}, {*rec});
    requireSame(fromParts(s.parts), before);
}

// An enclosure's own uevent re-reads that enclosure: a slot's element status that changed, then
// the whole enclosure-class device gone from sysfs (its disks still there: the ses driver
// unbound), each against a full scan.
BOOST_AUTO_TEST_CASE(an_enclosure_read_again_alone_matches_a_full_scan) {
    Scanned s("jbod120md");
    auto inv = scanInventory(s.ctx, agentOptions());
    BOOST_REQUIRE(inv);
    BOOST_REQUIRE(inv->enclosures.size() >= 2u);
    const Enclosure shelfB = inv->enclosures.at(1);
    BOOST_REQUIRE(shelfB.sysPath && shelfB.slots.size() > 5u && shelfB.slots.at(5).sysPath);
    const std::string comp = *shelfB.slots.at(5).sysPath;
    const std::string rel = comp.substr(shelfB.sysPath->size() + 1);  // the component's name

    s.tb.setAttribute(*shelfB.sysPath, rel + "/status", "Critical");
    detail::refreshEnclosures(s.ctx, s.parts, {*shelfB.sysPath});
    const Json critical = fromParts(s.parts);
    requireSame(critical, fullScan(s.ctx));
    BOOST_TEST(critical["health"] == "Critical");

    umockdev_testbed_remove_device(s.tb.handle(), shelfB.sysPath->c_str());
    detail::refreshEnclosures(s.ctx, s.parts, {*shelfB.sysPath});
    const Json unbound = fromParts(s.parts);
    requireSame(unbound, fullScan(s.ctx));
    BOOST_TEST(unbound["enclosures"].size() + 1 == critical["enclosures"].size());
}
