// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's partial rescans (a disk that left or arrived, an md array that changed) must give
// exactly the inventory a full scan gives at that moment: the panel must never see a difference
// that only comes from which path the agent took. Over the sas12 testbed, with real libudev.
#define BOOST_TEST_MODULE partial_scan
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

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

void requireSame(const Json& partial, const Json& full) {
    BOOST_TEST_INFO("partial: " << partial.dump().substr(0, 400));
    BOOST_TEST_INFO("diff: " << Json::diff(full, partial).dump());
    BOOST_TEST(partial == full);
}

} // namespace

BOOST_AUTO_TEST_CASE(md_change_refreshes_only_that_array_and_matches_a_full_scan) {
    Testbed tb(testbedDir("sas12"));
    const Context ctx = testbedContext(tb);
    auto parts = detail::scanParts(ctx, agentOptions());
    BOOST_REQUIRE(parts);
    requireSame(fromParts(*parts), fullScan(ctx));

    tb.setAttribute("/sys/devices/virtual/block/md1", "md/degraded", "1");
    tb.setAttribute("/sys/devices/virtual/block/md1", "md/dev-sdj2/state", "faulty");
    detail::refreshMd(ctx, *parts, {"md1"});
    const Json partial = fromParts(*parts);
    requireSame(partial, fullScan(ctx));
    const auto md1 = std::find_if(partial["arrays"].begin(), partial["arrays"].end(), [](const Json& a) { return a["name"] == "md1"; });
    BOOST_REQUIRE(md1 != partial["arrays"].end());
    BOOST_TEST((*md1)["state"] == "degraded");
}

BOOST_AUTO_TEST_CASE(disk_removed_then_added_matches_a_full_scan) {
    Testbed tb(testbedDir("sas12"));
    const Context ctx = testbedContext(tb);
    auto parts = detail::scanParts(ctx, agentOptions());
    BOOST_REQUIRE(parts);
    const Json before = fromParts(*parts);
    auto rec = ctx.devices->lookup(kSdk);
    BOOST_REQUIRE_MESSAGE(rec, (rec ? "" : rec.error().message));

    detail::dropDrive(ctx, *parts, kSdk);
    const Json dropped = fromParts(*parts);
    BOOST_TEST(dropped["drives"].size() + 1 == before["drives"].size());
    for (const auto& d : dropped["drives"]) BOOST_TEST(d["kernel_name"] != "sdk");

    detail::addDrive(ctx, *parts, *rec);
    requireSame(fromParts(*parts), before);
    requireSame(fromParts(*parts), fullScan(ctx));
}
