// SPDX-License-Identifier: LGPL-2.1-or-later
// Drives lost together (agent/daemon/common_cause.cpp): which removals share a cause (a port, an
// HBA, an enclosure, a blocked path) and which are separate pulls, and the events that say so.
// sysfs is a set of paths that still exist.
#define BOOST_TEST_MODULE common_cause
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "daemon/common_cause.hpp"

using namespace raidmon;
using namespace raidmon::agent;
using Json = nlohmann::json;

namespace {

const std::string kHba = "/sys/devices/pci0000:ae/0000:ae:00.0/0000:af:00.0";
const std::string kHost = kHba + "/host1";

std::string port(int shelf) { return kHost + "/port-1:" + std::to_string(shelf); }
std::string diskPath(int shelf, int slot, const std::string& name) {
    const std::string t = std::to_string(shelf * 100 + slot);
    return port(shelf) + "/expander-1:" + std::to_string(shelf) + "/port-1:" + std::to_string(shelf) + ":" + std::to_string(slot) +
           "/end_device-1:" + std::to_string(shelf) + ":" + std::to_string(slot) + "/target1:0:" + t + "/1:0:" + t + ":0/block/" + name;
}
std::string shelfId(int shelf) { return "0x5000ccab0405f2" + std::to_string(30 + shelf); }

/// Two shelves of four disks behind one HBA; md0 mirrors slot 0 of each shelf.
Inventory twoShelves() {
    Inventory inv;
    for (int shelf = 0; shelf < 2; ++shelf) {
        Enclosure e;
        e.id = shelfId(shelf);
        e.kind = "ses";
        e.vendor = "HGST";
        e.product = "H4060-J";
        e.sysPath = port(shelf) + "/expander-1:" + std::to_string(shelf) + "/port-1:" + std::to_string(shelf) + ":60/enclosure/x";
        inv.enclosures.push_back(e);
        for (int slot = 0; slot < 4; ++slot) {
            Drive d;
            const std::string name = std::string("sd") + static_cast<char>('a' + shelf * 4 + slot);
            d.id = "wwn-" + std::to_string(shelf) + std::to_string(slot);
            d.kernelName = name;
            d.sysPath = diskPath(shelf, slot, name);
            d.location.enclosure = e.id;
            d.location.slot = slot;
            d.location.label = "SLOT 00" + std::to_string(slot);
            inv.drives.push_back(d);
        }
    }
    Array md0;
    md0.id = "md-0";
    md0.name = "md0";
    md0.kind = "md";
    md0.state = "optimal";
    md0.redundancyLeft = 1;
    for (const char* id : {"wwn-00", "wwn-10"}) {
        ArrayMember m;
        m.drive = id;
        m.role = "active";
        md0.members.push_back(m);
    }
    inv.arrays.push_back(md0);
    return inv;
}

/// `inv` without the drives whose id is in `ids` (and without the enclosures in `encs`).
Inventory without(Inventory inv, const std::set<std::string>& ids, const std::set<std::string>& encs = {}) {
    std::erase_if(inv.drives, [&](const Drive& d) { return ids.count(d.id) > 0; });
    std::erase_if(inv.enclosures, [&](const Enclosure& e) { return encs.count(e.id) > 0; });
    for (auto& a : inv.arrays)
        for (auto& m : a.members)
            if (m.drive && ids.count(*m.drive)) {
                m.drive.reset();
                m.role = "faulty";
                a.state = "degraded";
                a.redundancyLeft = 0;
            }
    return inv;
}

/// sysfs as a set of device paths that are gone: everything below them too.
CauseEvidence goneBelow(std::vector<std::string> gone, std::set<std::string> blocked = {}) {
    CauseEvidence ev;
    ev.exists = [gone](const std::string& p) {
        return std::none_of(gone.begin(), gone.end(), [&](const std::string& g) { return p == g || p.rfind(g + "/", 0) == 0; });
    };
    ev.blocked = std::move(blocked);
    return ev;
}

std::set<std::string> shelfIds(int shelf) {
    std::set<std::string> s;
    for (int slot = 0; slot < 4; ++slot) s.insert("wwn-" + std::to_string(shelf) + std::to_string(slot));
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_shelf_gone_with_its_port_is_one_enclosure_loss) {
    const Inventory before = twoShelves();
    const Inventory after = without(before, shelfIds(1), {shelfId(1)});
    const auto groups = findCommonCauses(before, after, goneBelow({port(1)}));
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    const LostGroup& g = groups[0];
    BOOST_TEST(g.kind == "enclosure");
    BOOST_TEST(g.id == shelfId(1));
    BOOST_TEST(g.cause == port(1));
    BOOST_TEST(g.causeKind == "sas_port");
    BOOST_TEST(g.drives.size() == 4u);
    BOOST_TEST(g.missing.size() == 4u);
    BOOST_TEST(g.arrays == std::vector<std::string>{"md0"});

    const Event e = lostEvent(g, after);
    BOOST_TEST(e.type == "io.raidmon.enclosure.lost");
    BOOST_TEST(e.subject == "enclosure/" + shelfId(1));
    BOOST_TEST(toString(e.severity) == "critical");
    BOOST_TEST(e.message.find("do not pull or replace anything, check the cable or shelf") != std::string::npos, e.message);
    BOOST_TEST(e.message.find("md0 (degraded)") != std::string::npos, e.message);
    BOOST_TEST(e.message.find("HGST H4060-J") != std::string::npos, e.message);
    const Json j = Json::parse(e.entityJson);
    BOOST_TEST(j["drives"].size() == 4u);
    BOOST_TEST(j["arrays"][0]["redundancy_left"] == 0);
    BOOST_TEST(j["advice"] == "do not pull or replace anything, check the cable or shelf");
}

BOOST_AUTO_TEST_CASE(the_enclosure_staying_makes_it_a_path_loss) {
    // A dual-expander shelf: the port to the disks' expander went, the SES device answers through the other.
    const Inventory before = twoShelves();
    const Inventory after = without(before, shelfIds(1));
    const auto groups = findCommonCauses(before, after, goneBelow({port(1) + "/expander-1:1"}));
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    BOOST_TEST(groups[0].kind == "path");
    BOOST_TEST(groups[0].causeKind == "sas_expander");
    BOOST_TEST(groups[0].enclosures == std::vector<std::string>{shelfId(1)});
    BOOST_TEST(lostEvent(groups[0], after).type == "io.raidmon.path.lost");
}

BOOST_AUTO_TEST_CASE(an_hba_gone_takes_both_shelves_in_one_event) {
    const Inventory before = twoShelves();
    std::set<std::string> all = shelfIds(0);
    all.merge(shelfIds(1));
    const Inventory after = without(before, all, {shelfId(0), shelfId(1)});
    const auto groups = findCommonCauses(before, after, goneBelow({kHba}));
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    BOOST_TEST(groups[0].kind == "enclosure");
    BOOST_TEST(groups[0].causeKind == "pci_function");
    BOOST_TEST(groups[0].enclosures.size() == 2u);
    BOOST_TEST(groups[0].drives.size() == 8u);
}

BOOST_AUTO_TEST_CASE(two_disks_pulled_from_a_shelf_that_stays_are_no_common_cause) {
    const Inventory before = twoShelves();
    const Inventory after = without(before, {"wwn-00", "wwn-02"});
    // Each disk's own expander phy went with it; the shelf and its other disks stay, nothing blocked.
    const auto groups = findCommonCauses(before, after, goneBelow({port(0) + "/expander-1:0/port-1:0:0", port(0) + "/expander-1:0/port-1:0:2"}));
    BOOST_TEST(groups.empty());
}

BOOST_AUTO_TEST_CASE(blocked_disks_of_one_shelf_are_a_path_loss_even_before_sysfs_shows_it) {
    const Inventory before = twoShelves();
    const Inventory after = without(before, {"wwn-10", "wwn-11", "wwn-12"});
    // Nothing has left sysfs yet; the transport had blocked the three before they went.
    const auto groups = findCommonCauses(before, after, goneBelow({}, {"wwn-10", "wwn-11", "wwn-12"}));
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    BOOST_TEST(groups[0].kind == "path");
    BOOST_TEST(groups[0].causeKind == "blocked_path");
    BOOST_TEST(groups[0].cause == port(1) + "/expander-1:1");
    // One blocked disk alone is a failing disk, not a path.
    BOOST_TEST(findCommonCauses(before, without(before, {"wwn-10"}), goneBelow({}, {"wwn-10"})).empty());
}

BOOST_AUTO_TEST_CASE(a_shelf_coming_back_is_restored_naming_what_is_still_missing) {
    const Inventory before = twoShelves();
    const Inventory after = without(before, shelfIds(1), {shelfId(1)});
    auto groups = findCommonCauses(before, after, goneBelow({port(1)}));
    BOOST_REQUIRE_EQUAL(groups.size(), 1u);
    LostGroup g = groups[0];
    g.missing = {"wwn-13"};
    const Event e = restoredEvent(g, {"wwn-10", "wwn-11", "wwn-12"}, without(before, {"wwn-13"}));
    BOOST_TEST(e.type == "io.raidmon.enclosure.restored");
    BOOST_TEST(e.subject == "enclosure/" + shelfId(1));
    BOOST_TEST(toString(e.severity) == "warning");  // one drive is still missing
    BOOST_TEST(e.message.find("3 of 4 drives returned") != std::string::npos, e.message);
    BOOST_TEST(e.message.find("still missing: sdh") != std::string::npos, e.message);
    const Json j = Json::parse(e.entityJson);
    BOOST_TEST(j["returned"].size() == 3u);
    BOOST_TEST(j["missing"] == Json::array({"wwn-13"}));
    g.missing.clear();
    BOOST_TEST(toString(restoredEvent(g, {"wwn-13"}, before).severity) == "info");
}
