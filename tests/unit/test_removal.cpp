// SPDX-License-Identifier: LGPL-2.1-or-later
// Safe-to-remove over md and hardware-controller arrays, and the lookups of DRIVE/SLOT/ARRAY.
#define BOOST_TEST_MODULE removal
#include <boost/test/unit_test.hpp>

#include <string>

#include <raidmon/removal.hpp>

using namespace raidmon;

namespace raidmon {
std::ostream& operator<<(std::ostream& os, RemovalVerdict v) { return os << toString(v); }
} // namespace raidmon

namespace {

Drive drive(const std::string& kname, const std::string& serial, std::optional<DriveState> state = DriveState::online) {
    Drive d;
    d.id = "ST4000NM_" + serial;
    d.serial = serial;
    d.kernelName = kname;
    d.devnode = "/dev/" + kname;
    d.state = state;
    d.capacityBytes = 4000787030016ULL;
    return d;
}

ArrayMember member(const std::string& driveId, const std::string& device, const std::string& role, std::optional<int> slot) {
    ArrayMember m;
    m.drive = driveId;
    m.device = device;
    m.role = role;
    m.slot = slot;
    return m;
}

/// md0: raid5 over sda1..sdd1 (partitions, as md usually runs), sde a spare; sdf unused; sdg with
/// an ext4 filesystem; md1: raid10 (layout unknown) over sdh..sdk.
Inventory mdHost() {
    Inventory inv;
    for (auto [k, s] : {std::pair{"sda", "A"}, {"sdb", "B"}, {"sdc", "C"}, {"sdd", "D"}, {"sde", "E"}, {"sdh", "H"},
                        {"sdi", "I"}, {"sdj", "J"}, {"sdk", "K"}})
        inv.drives.push_back(drive(k, s));
    inv.drives.push_back(drive("sdf", "F"));
    inv.drives.back().role = "unused";
    inv.drives.push_back(drive("sdg", "G"));
    inv.drives.back().signatures.push_back({"sdg1", "ext4", "filesystem", std::nullopt, std::nullopt});
    inv.drives.back().wwn = "0x5000c500a1b2c3d4";

    Array md0;
    md0.id = "md-1111";
    md0.name = "md0";
    md0.kind = "md";
    md0.level = "raid5";
    md0.state = "optimal";
    md0.raidDisks = 4;
    md0.uuid = "aaaa:bbbb:cccc:dddd";
    const char* names[] = {"sda", "sdb", "sdc", "sdd"};
    for (int i = 0; i < 4; ++i)
        md0.members.push_back(member(std::string("ST4000NM_") + static_cast<char>('A' + i), std::string(names[i]) + "1", "active", i));
    md0.members.push_back(member("ST4000NM_E", "sde1", "spare", std::nullopt));
    inv.arrays.push_back(md0);

    Array md1;
    md1.id = "md-2222";
    md1.name = "md1";
    md1.kind = "md";
    md1.level = "raid10";
    md1.state = "optimal";
    md1.raidDisks = 4;
    const char* n1[] = {"sdh", "sdi", "sdj", "sdk"};
    const char* s1[] = {"H", "I", "J", "K"};
    for (int i = 0; i < 4; ++i) md1.members.push_back(member(std::string("ST4000NM_") + s1[i], n1[i], "active", i));
    inv.arrays.push_back(md1);
    return inv;
}

RemovalAssessment assess(const Inventory& inv, const std::string& spec) {
    auto t = resolveRemovalTarget(inv, spec);
    BOOST_TEST_REQUIRE(t.has_value(), spec << ": " << (t ? "" : t.error().message));
    return assessRemoval(inv, *t);
}

} // namespace

BOOST_AUTO_TEST_CASE(md_raid5_optimal_member_loses_last_redundancy) {
    auto inv = mdHost();
    auto a = assess(inv, "/dev/sdb");
    BOOST_TEST(a.verdict == RemovalVerdict::loses_last_redundancy);
    BOOST_TEST_REQUIRE(a.arrays.size() == 1u);
    BOOST_TEST(a.arrays[0].arrayName == "md0");
    BOOST_TEST(*a.arrays[0].redundancyBefore == 1);
    BOOST_TEST(*a.arrays[0].redundancyAfter == 0);
    BOOST_TEST(exitCode(a.verdict) == 1);
}

BOOST_AUTO_TEST_CASE(md_raid5_degraded_member_loses_data) {
    auto inv = mdHost();
    inv.arrays[0].members[3].role = "faulty";  // sdd1 failed
    inv.arrays[0].state = "degraded";
    auto a = assess(inv, "sdb");
    BOOST_TEST(a.verdict == RemovalVerdict::loses_data);
    BOOST_TEST(exitCode(a.verdict) == 2);
    // The failed one itself is harmless to pull, and so is the spare.
    BOOST_TEST(assess(inv, "D").verdict == RemovalVerdict::safe);  // by serial
    BOOST_TEST(assess(inv, "sde").verdict == RemovalVerdict::safe);
    // A slot that nobody occupies (md lists 3 of 4) counts as missing too.
    inv.arrays[0].members.erase(inv.arrays[0].members.begin() + 3);
    BOOST_TEST(assess(inv, "sda").verdict == RemovalVerdict::loses_data);
}

BOOST_AUTO_TEST_CASE(md_rebuild_target_and_failed_array) {
    auto inv = mdHost();
    inv.arrays[0].members[3].role = "rebuilding";
    BOOST_TEST(assess(inv, "sdd").verdict == RemovalVerdict::interrupts_rebuild);
    BOOST_TEST(assess(inv, "sda").verdict == RemovalVerdict::loses_data);  // sdd holds no redundancy yet
    inv.arrays[0].state = "failed";
    BOOST_TEST(assess(inv, "sda").verdict == RemovalVerdict::loses_data);
    inv.arrays[0].state = "inactive";
    BOOST_TEST(assess(inv, "sda").verdict == RemovalVerdict::unknown);
}

BOOST_AUTO_TEST_CASE(md_raid10_unknown_layout_judged_by_the_worse) {
    auto inv = mdHost();
    // Optimal: any one member leaves no redundancy for its data.
    BOOST_TEST(assess(inv, "sdh").verdict == RemovalVerdict::loses_last_redundancy);
    // sdi (slot 1) failed. Near layout: pairs (0,1),(2,3), so slot 2 would be fine; far layout:
    // slots 1 and 2 are neighbours, so pulling slot 2 loses data. The worse wins.
    inv.arrays[1].members[1].role = "faulty";
    auto a = assess(inv, "sdj");
    BOOST_TEST(a.verdict == RemovalVerdict::loses_data);
    bool explained = false;
    for (const auto& r : a.reasons) explained |= r.find("near and far") != std::string::npos;
    BOOST_TEST(explained);
}

BOOST_AUTO_TEST_CASE(drives_outside_arrays) {
    auto inv = mdHost();
    BOOST_TEST(assess(inv, "sdf").verdict == RemovalVerdict::safe);     // unused
    BOOST_TEST(assess(inv, "sdg").verdict == RemovalVerdict::unknown);  // ext4 outside any array
    BOOST_TEST(assess(inv, "wwn-0x5000C500A1B2C3D4").verdict == RemovalVerdict::unknown);  // by WWN
    inv.drives.back().state = DriveState::failed;
    inv.drives.back().signatures.clear();
    BOOST_TEST(assess(inv, "sdg").verdict == RemovalVerdict::safe);
}

BOOST_AUTO_TEST_CASE(controller_arrays_and_slots) {
    Inventory inv;
    for (auto [k, s] : {std::pair{"sda", "P0"}, {"sdb", "P1"}, {"sdc", "P2"}, {"sdd", "P3"}, {"sde", "P4"}, {"sdf", "P5"}})
        inv.drives.push_back(drive(k, s));
    inv.drives[5].state = DriveState::spare;  // global hot spare
    Array vd;
    vd.id = "megaraid:0/vd1";
    vd.name = "VD 1";
    vd.kind = "megaraid";
    vd.level = "raid6";
    vd.state = "optimal";
    vd.raidDisks = 5;
    for (int i = 0; i < 5; ++i)
        vd.members.push_back(member(inv.drives[static_cast<std::size_t>(i)].id, "", "active", i));
    inv.arrays.push_back(vd);
    Enclosure e;
    e.id = "0x500605b0000272bf";
    e.kind = "ses";
    for (int i = 0; i < 8; ++i) {
        Slot s;
        s.index = i;
        s.label = "Slot " + std::to_string(i);
        if (i < 6) {
            s.drive = inv.drives[static_cast<std::size_t>(i)].id;
            s.device = inv.drives[static_cast<std::size_t>(i)].kernelName;
        } else {
            s.status = "not installed";
        }
        e.slots.push_back(s);
    }
    inv.enclosures.push_back(e);

    auto a = assess(inv, "0x500605b0000272bf:2");
    BOOST_TEST(a.verdict == RemovalVerdict::reduces_redundancy);
    BOOST_TEST(*a.target.slotIndex == 2);
    BOOST_TEST(*a.arrays[0].redundancyAfter == 1);
    BOOST_TEST(assess(inv, "slot 5").verdict == RemovalVerdict::safe);   // hot spare, by label
    BOOST_TEST(assess(inv, "Slot 7").verdict == RemovalVerdict::safe);   // empty
    inv.arrays[0].members[0].role = "missing";
    inv.arrays[0].members[1].role = "faulty";
    BOOST_TEST(assess(inv, "Slot 2").verdict == RemovalVerdict::loses_data);
    // RAID0 on a controller: any member loses data.
    inv.arrays[0].level = "raid0";
    inv.arrays[0].members[0].role = inv.arrays[0].members[1].role = "active";
    BOOST_TEST(assess(inv, "sdd").verdict == RemovalVerdict::loses_data);
    // Unknown level: cannot tell.
    inv.arrays[0].level.reset();
    BOOST_TEST(assess(inv, "sdd").verdict == RemovalVerdict::unknown);
    BOOST_TEST(toJson(assessRemoval(inv, *resolveRemovalTarget(inv, "sdd")), -1).find("\"verdict\":\"unknown\"") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_drive_target_names_its_bay) {
    auto inv = mdHost();
    // sdb in bay 2 of an SES enclosure whose slot carries the label; sdc's location has its own.
    Enclosure e;
    e.id = "0x500304801f3e2a7f";
    Slot sl;
    sl.index = 2;
    sl.label = "Slot02";
    e.slots.push_back(sl);
    inv.enclosures.push_back(e);
    inv.drives[1].location.enclosure = e.id;
    inv.drives[1].location.slot = 2;
    inv.drives[2].location.enclosure = "pcie";
    inv.drives[2].location.slot = 5;
    inv.drives[2].location.label = "NVMe bay 5";
    auto b = assess(inv, "sdb");
    BOOST_TEST(*b.target.driveId == "ST4000NM_B");
    BOOST_TEST(*b.target.enclosureId == e.id);
    BOOST_TEST(*b.target.slotIndex == 2);
    BOOST_TEST(*b.target.slotLabel == "Slot02");
    const std::string j = toJson(b, -1);
    BOOST_TEST(j.find("\"target\":{\"drive\":\"ST4000NM_B\",\"enclosure\":\"0x500304801f3e2a7f\",\"slot\":2,\"label\":\"Slot02\"}") !=
                   std::string::npos,
               j);
    auto c = assess(inv, "sdc");
    BOOST_TEST(*c.target.slotLabel == "NVMe bay 5");
    // a drive whose bay nobody knows: the bay stays null, never made up
    auto a = assess(inv, "sda");
    BOOST_TEST(!a.target.enclosureId.has_value());
    BOOST_TEST(toJson(a, -1).find("\"slot\":null") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lookups_fail_clearly) {
    auto inv = mdHost();
    auto t = resolveRemovalTarget(inv, "sdz");
    BOOST_TEST_REQUIRE(!t.has_value());
    BOOST_TEST(t.error().is(errc::not_found));
    inv.drives[1].serial = "A";  // two drives with serial A
    auto amb = findDrive(inv, "A");
    BOOST_TEST_REQUIRE(!amb.has_value());
    BOOST_TEST(amb.error().is(errc::invalid_argument));
    BOOST_TEST((*findArray(inv, "/dev/md0"))->id == "md-1111");
    BOOST_TEST((*findArray(inv, "md-2222"))->name == "md1");
    BOOST_TEST((*findArray(inv, "AAAA-BBBB-CCCC-DDDD"))->name == "md0");  // uuid in blkid form
    BOOST_TEST(findArray(inv, "md9").error().is(errc::not_found));
}

BOOST_AUTO_TEST_CASE(redundancy_left_by_level) {
    RaidLayout l{RaidLevel::raid60, 8, 2, 2, Raid10Layout::near};
    std::vector<bool> f(8, false);
    BOOST_TEST(*redundancyLeft(l, f) == 2);
    f[0] = f[4] = true;
    BOOST_TEST(*redundancyLeft(l, f) == 1);
    f[1] = f[2] = true;
    BOOST_TEST(*redundancyLeft(l, f) == -1);
    RaidLayout mirror{RaidLevel::raid1, 3, 1, 2, Raid10Layout::near};
    BOOST_TEST(*redundancyLeft(mirror, {true, false, false}) == 1);
    BOOST_TEST(!redundancyLeft(mirror, {true, false}));
}
