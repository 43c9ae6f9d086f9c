// SPDX-License-Identifier: LGPL-2.1-or-later
// The hot-swap incident engine, replacement verification, incidents.json and the work order.
#define BOOST_TEST_MODULE hotswap
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>
#include <string>

#include <nlohmann/json.hpp>

#include <raidmon/hotswap.hpp>

using namespace raidmon;
namespace fs = std::filesystem;
namespace bdata = boost::unit_test::data;

namespace raidmon {
std::ostream& operator<<(std::ostream& os, IncidentState s) { return os << toString(s); }
std::ostream& operator<<(std::ostream& os, IncidentCause c) { return os << toString(c); }
std::ostream& operator<<(std::ostream& os, HotswapActionKind k) { return os << toString(k); }
std::ostream& operator<<(std::ostream& os, RemovalVerdict v) { return os << toString(v); }
std::ostream& operator<<(std::ostream& os, LedPattern p) { return os << toString(p); }
std::ostream& operator<<(std::ostream& os, Severity s) { return os << toString(s); }
std::ostream& operator<<(std::ostream& os, AddPolicy p) { return os << toString(p); }
} // namespace raidmon

namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point T0 = Clock::time_point(std::chrono::seconds(1'800'000'000));
Clock::time_point at(int s) { return T0 + std::chrono::seconds(s); }

constexpr std::uint64_t k4TB = 4000787030016ULL;
const std::string kEnc = "0x500304801f2a3b7f";

Drive drive(const std::string& kname, const std::string& serial, int slot) {
    Drive d;
    d.id = "ST4000NM_" + serial;
    d.serial = serial;
    d.model = "ST4000NM0035";
    d.kernelName = kname;
    d.devnode = "/dev/" + kname;
    d.state = DriveState::online;
    d.health = Health::OK;
    d.capacityBytes = k4TB;
    d.logicalBlockSize = 512;
    d.location.enclosure = kEnc;
    d.location.slot = slot;
    d.location.label = "Slot 0" + std::to_string(slot);
    d.role = "md-member";
    return d;
}

/// md0: raid5 over sda..sdd (Slot 00..03) of one SES enclosure with 6 bays; sdd has failed.
Inventory degradedHost() {
    Inventory inv;
    inv.host.hostname = "web42.example.net";
    inv.host.dmi.productSerial = "CZJ1234ABC";
    inv.host.dmi.productName = "ProLiant DL380 Gen10";
    inv.host.bmc.ip = "10.0.0.42";
    Enclosure e;
    e.id = kEnc;
    e.kind = "ses";
    for (int i = 0; i < 6; ++i) {
        Slot s;
        s.index = i;
        s.label = "Slot 0" + std::to_string(i);
        e.slots.push_back(s);
    }
    const char* k[] = {"sda", "sdb", "sdc", "sdd"};
    const char* s[] = {"A", "B", "C", "D"};
    Array md;
    md.id = "md-aaaa";
    md.name = "md0";
    md.kind = "md";
    md.level = "raid5";
    md.raidDisks = 4;
    md.state = "degraded";
    md.uuid = "aaaa:bbbb:cccc:dddd";
    md.sizeBytes = 3 * k4TB;
    for (int i = 0; i < 4; ++i) {
        inv.drives.push_back(drive(k[i], s[i], i));
        e.slots[static_cast<std::size_t>(i)].drive = inv.drives.back().id;
        ArrayMember m;
        m.drive = inv.drives.back().id;
        m.device = k[i];
        m.role = i == 3 ? "faulty" : "active";
        m.slot = i;
        if (i != 3) m.flags = {"in_sync"};
        md.members.push_back(m);
    }
    inv.drives[3].state = DriveState::failed;
    inv.drives[3].health = Health::Critical;
    inv.arrays.push_back(md);
    inv.enclosures.push_back(e);
    return inv;
}

Inventory optimalHost() {
    auto inv = degradedHost();
    inv.drives[3].state = DriveState::online;
    inv.drives[3].health = Health::OK;
    inv.arrays[0].members[3].role = "active";
    inv.arrays[0].members[3].flags = {"in_sync"};
    inv.arrays[0].state = "optimal";
    return inv;
}

Inventory without(Inventory inv, const std::string& kname) {
    std::erase_if(inv.drives, [&](const Drive& d) { return d.kernelName == kname; });
    for (auto& m : inv.arrays[0].members)
        if (m.device == kname) m.role = "missing", m.drive.reset();
    return inv;
}

Drive newDrive(int slot = 3, const std::string& serial = "NEW1") {
    Drive d = drive("sde", serial, slot);
    d.id = "WD4003_" + serial;
    d.model = "WD4003FRYZ";
    d.role = "unused";
    return d;
}

Inventory with(Inventory inv, const Drive& d) {
    inv.drives.push_back(d);
    return inv;
}

bool hasEvent(const HotswapStep& st, const std::string& type) {
    return std::any_of(st.events.begin(), st.events.end(), [&](const Event& e) { return e.type == "io.raidmon.hotswap." + type; });
}
const Event* event(const std::vector<Event>& evs, const std::string& type) {
    for (const auto& e : evs)
        if (e.type == "io.raidmon.hotswap." + type) return &e;
    return nullptr;
}
const HotswapAction* action(const HotswapStep& st, HotswapActionKind k) {
    for (const auto& a : st.actions)
        if (a.kind == k) return &a;
    return nullptr;
}

/// The failed sdd's incident, with the light reported lit: awaiting_removal.
struct Opened {
    HotswapPolicy policy;
    Inventory inv = degradedHost();
    std::vector<Incident> incidents;
    Opened() { open(); }
    void open() {
        auto st = advanceIncidents(incidents, inv, inv, policy, at(0));
        BOOST_TEST_REQUIRE(incidents.size() == 1u);
        for (const auto& a : st.actions) actionDone(incidents, a, true, "", at(1));
        BOOST_TEST_REQUIRE(incidents[0].state == IncidentState::awaiting_removal);
    }
    Incident& inc() { return incidents[0]; }
};

/// ... and the failed drive pulled: awaiting_insertion.
struct Pulled : Opened {
    Inventory gone = without(inv, "sdd");
    Pulled() {
        auto st = advanceIncidents(incidents, inv, gone, policy, at(10));
        BOOST_TEST_REQUIRE(inc().state == IncidentState::awaiting_insertion);
    }
    HotswapStep insert(const Drive& d, int t = 20) { return advanceIncidents(incidents, gone, with(gone, d), policy, at(t)); }
};

/// ... and a good replacement added (policy auto, md_add reported ok): rebuilding.
struct Rebuilding : Pulled {
    Drive repl = newDrive();
    Inventory arr;  // the array with the replacement as member
    Rebuilding() {
        policy.add = AddPolicy::automatic;
        auto st = insert(repl);
        const auto* add = action(st, HotswapActionKind::md_add);
        BOOST_TEST_REQUIRE(add != nullptr);
        actionDone(incidents, *add, true, "", at(21));
        BOOST_TEST_REQUIRE(inc().state == IncidentState::rebuilding);
        arr = with(gone, repl);
        arr.arrays[0].members[3].drive = repl.id;
        arr.arrays[0].members[3].role = "rebuilding";
        arr.arrays[0].state = "rebuilding";
    }
    HotswapStep progress(double pct, int t) {
        Inventory next = arr;
        next.arrays[0].operation = ArrayOperation{"recovery", pct, 3600, std::nullopt, std::nullopt, std::nullopt, false};
        auto st = advanceIncidents(incidents, arr, next, policy, at(t));
        arr = next;
        return st;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(names_round_trip) {
    for (int i = 0; i <= static_cast<int>(IncidentState::cancelled); ++i) {
        const auto s = static_cast<IncidentState>(i);
        BOOST_TEST(*parseIncidentState(toString(s)) == s);
    }
    for (int i = 0; i <= static_cast<int>(IncidentCause::operator_request); ++i) {
        const auto c = static_cast<IncidentCause>(i);
        BOOST_TEST(*parseIncidentCause(toString(c)) == c);
    }
    BOOST_TEST(toString(IncidentState::awaiting_removal) == "awaiting_removal");
    BOOST_TEST(toString(AddPolicy::automatic) == "auto");
    BOOST_TEST((*parseAddPolicy("never") == AddPolicy::never));
    BOOST_TEST(!parseAddPolicy("always"));
    BOOST_TEST(parseIncidentState("bogus").error().is(errc::invalid_argument));
    BOOST_TEST(isTerminal(IncidentState::completed));
    BOOST_TEST(isTerminal(IncidentState::cancelled));
    BOOST_TEST(!isTerminal(IncidentState::rebuilding));
    BOOST_TEST(toString(HotswapActionKind::md_remove_detached) == "md_remove_detached");
    BOOST_TEST(toString(HotswapActionKind::md_readwrite) == "md_readwrite");
}

BOOST_AUTO_TEST_CASE(opens_on_failed_drive_and_lights_the_bay) {
    std::vector<Incident> incidents;
    const auto inv = degradedHost();
    HotswapPolicy policy;
    policy.identifyServer = true;
    auto st = advanceIncidents(incidents, inv, inv, policy, at(0));
    BOOST_TEST_REQUIRE(incidents.size() == 1u);
    const auto& i = incidents[0];
    BOOST_TEST(i.cause == IncidentCause::drive_failed);
    BOOST_TEST(i.state == IncidentState::locating);
    BOOST_TEST(i.drive.serial.value() == "D");
    BOOST_TEST(i.arrayName.value() == "md0");
    BOOST_TEST(i.arrayKind.value() == "md");
    BOOST_TEST(i.memberSlot.value() == 3);
    BOOST_TEST(i.slotLabel.value() == "Slot 03");
    BOOST_TEST(i.minCapacityBytes.value() == k4TB);
    BOOST_TEST(i.maxLogicalBlockSize.value() == 512u);
    BOOST_TEST(i.removalVerdict == RemovalVerdict::safe);
    BOOST_TEST(i.recommendation.has_value());
    BOOST_TEST(i.history.size() == 3u);  // opened, assessed, locating
    BOOST_TEST(i.id.size() == 36u);
    for (const char* t : {"detected", "assessed", "locating"}) BOOST_TEST(hasEvent(st, t), t);
    const Event* ev = event(st.events, "detected");
    BOOST_TEST(ev->severity == Severity::warning);
    BOOST_TEST(ev->subject == "incident/" + i.id);
    BOOST_TEST(ev->message.find("Slot 03") != std::string::npos);
    BOOST_TEST(ev->message.find("serial D") != std::string::npos);
    BOOST_TEST(!ev->entityJson.empty());
    BOOST_TEST(ev->entityJson.find('\n') == std::string::npos);
    const auto* light = action(st, HotswapActionKind::light_on);
    BOOST_TEST_REQUIRE(light != nullptr);
    BOOST_TEST(light->pattern == LedPattern::locate);
    BOOST_TEST(light->slot.value() == 3);
    BOOST_TEST(light->enclosure.value() == kEnc);
    BOOST_TEST(action(st, HotswapActionKind::identify_on) != nullptr);
    // The next scan of the same state opens nothing more.
    auto again = advanceIncidents(incidents, inv, inv, policy, at(5));
    BOOST_TEST(incidents.size() == 1u);
    BOOST_TEST(again.events.empty());
}

BOOST_AUTO_TEST_CASE(opens_on_predicted_failure_by_policy) {
    auto inv = optimalHost();
    inv.drives[1].failurePredicted = true;
    HotswapPolicy policy;
    policy.openOnPredictedFailure = false;
    std::vector<Incident> incidents;
    advanceIncidents(incidents, inv, inv, policy, at(0));
    BOOST_TEST(incidents.empty());
    policy.openOnPredictedFailure = true;
    advanceIncidents(incidents, inv, inv, policy, at(0));
    BOOST_TEST_REQUIRE(incidents.size() == 1u);
    BOOST_TEST(incidents[0].cause == IncidentCause::failure_predicted);
    BOOST_TEST(incidents[0].drive.kernelName.value() == "sdb");
    // Pulling a member of an optimal RAID5 leaves no redundancy.
    BOOST_TEST(incidents[0].removalVerdict == RemovalVerdict::loses_last_redundancy);
}

BOOST_AUTO_TEST_CASE(risky_surviving_member_is_reported) {
    auto inv = degradedHost();
    inv.drives[1].health = Health::Warning;
    inv.drives[1].smart = Smart{};
    inv.drives[1].smart->pendingSectors = 12;
    std::vector<Incident> incidents;
    advanceIncidents(incidents, inv, inv, HotswapPolicy{}, at(0));
    BOOST_TEST_REQUIRE(incidents.size() == 1u);
    const auto& risks = incidents[0].risks;
    const bool found = std::any_of(risks.begin(), risks.end(), [](const std::string& r) {
        return r.find("surviving member sdb (serial B, bay Slot 01) shows 12 pending sectors") != std::string::npos;
    });
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(no_bay_known_goes_straight_to_awaiting_removal) {
    auto inv = degradedHost();
    inv.enclosures.clear();
    inv.drives[3].location = Location{};
    std::vector<Incident> incidents;
    auto st = advanceIncidents(incidents, inv, inv, HotswapPolicy{}, at(0));
    BOOST_TEST_REQUIRE(incidents.size() == 1u);
    BOOST_TEST(incidents[0].state == IncidentState::awaiting_removal);
    BOOST_TEST(action(st, HotswapActionKind::light_on) == nullptr);
    BOOST_TEST(incidents[0].findings.at(0) == "no bay known: identify the drive by serial");
}

BOOST_AUTO_TEST_CASE(light_ok_and_light_failure) {
    for (bool ok : {true, false}) {
        BOOST_TEST_CONTEXT("light ok=" << ok) {
            std::vector<Incident> incidents;
            const auto inv = degradedHost();
            auto st = advanceIncidents(incidents, inv, inv, HotswapPolicy{}, at(0));
            auto evs = actionDone(incidents, *action(st, HotswapActionKind::light_on), ok, "SES write failed", at(1));
            BOOST_TEST(incidents[0].state == IncidentState::awaiting_removal);
            BOOST_TEST(incidents[0].lightOn == ok);
            BOOST_TEST(event(evs, "awaiting_removal") != nullptr);
            BOOST_TEST((event(evs, "light_failed") != nullptr) == !ok);
            if (!ok)
                BOOST_TEST(incidents[0].findings.back() ==
                           "the light could not be lit: SES write failed; find the bay by its label");
        }
    }
}

BOOST_FIXTURE_TEST_CASE(right_drive_pulled, Opened) {
    const auto gone = without(inv, "sdd");
    auto st = advanceIncidents(incidents, inv, gone, policy, at(10));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(hasEvent(st, "removed"));
    BOOST_TEST(hasEvent(st, "awaiting_insertion"));
    BOOST_TEST(!hasEvent(st, "wrong_drive_removed"));
    const auto* rm = action(st, HotswapActionKind::md_remove_detached);
    BOOST_TEST_REQUIRE(rm != nullptr);
    BOOST_TEST(rm->array.value() == "md0");
    BOOST_TEST(incidents.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(wrong_drive_pulled_fails_the_array, Opened) {
    const auto gone = without(inv, "sdb");
    auto st = advanceIncidents(incidents, inv, gone, policy, at(10));
    BOOST_TEST(inc().state == IncidentState::awaiting_removal);  // the failed drive is still in
    BOOST_TEST_REQUIRE(incidents.size() == 2u);
    const auto& w = incidents[1];
    BOOST_TEST(w.cause == IncidentCause::wrong_drive_removed);
    BOOST_TEST(w.state == IncidentState::awaiting_insertion);
    BOOST_TEST(w.drive.serial.value() == "B");
    BOOST_TEST(w.removalVerdict == RemovalVerdict::loses_data);
    const Event* ev = event(st.events, "wrong_drive_removed");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->severity == Severity::critical);
    BOOST_TEST(ev->message.find("serial B") != std::string::npos);
    BOOST_TEST(ev->message.find("ST4000NM0035") != std::string::npos);
    BOOST_TEST(ev->message.find("md0 has now failed: put the drive back into bay Slot 01 now") != std::string::npos, ev->message);
    const auto* fault = action(st, HotswapActionKind::light_on);
    BOOST_TEST_REQUIRE(fault != nullptr);
    BOOST_TEST(fault->pattern == LedPattern::fault);
    BOOST_TEST(fault->slot.value() == 1);

    // Putting it back is exactly what is wanted.
    Drive back = inv.drives[1];
    auto st2 = advanceIncidents(incidents, gone, with(gone, back), policy, at(20));
    BOOST_TEST(incidents[1].state == IncidentState::verified);
    BOOST_TEST(incidents[1].findings.front() == "the drive that was pulled by mistake is back");
    BOOST_TEST(inc().state == IncidentState::awaiting_removal);
    BOOST_TEST(!hasEvent(st2, "replacement_rejected"));
}

BOOST_AUTO_TEST_CASE(unexpected_removal_without_incident) {
    const auto inv = optimalHost();
    std::vector<Incident> incidents;
    auto st = advanceIncidents(incidents, inv, without(inv, "sdc"), HotswapPolicy{}, at(0));
    BOOST_TEST_REQUIRE(incidents.size() == 1u);
    BOOST_TEST(incidents[0].cause == IncidentCause::unexpected_removal);
    BOOST_TEST(incidents[0].state == IncidentState::awaiting_insertion);
    BOOST_TEST(incidents[0].removalVerdict == RemovalVerdict::loses_last_redundancy);
    const Event* ev = event(st.events, "unexpected_removal");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->severity == Severity::critical);
    BOOST_TEST(ev->message.find("md0 has no redundancy left") != std::string::npos);
    // A spare or a drive outside any array pulled: nothing.
    auto inv2 = optimalHost();
    inv2.drives.push_back(newDrive(5, "LOOSE"));
    std::vector<Incident> none;
    advanceIncidents(none, inv2, optimalHost(), HotswapPolicy{}, at(0));
    BOOST_TEST(none.empty());
}

namespace {
struct Candidate {
    std::string name;
    std::function<void(Drive&, Incident&)> change;
    bool allowForeign;
    bool ok;
    std::string finding;  // a piece of one finding
};
std::ostream& operator<<(std::ostream& os, const Candidate& c) { return os << c.name; }

const std::vector<Candidate> kCandidates = {
    {"good", [](Drive&, Incident&) {}, false, true, "is suitable"},
    {"too small",
     [](Drive& d, Incident& i) {
         d.capacityBytes = 64ULL << 20;
         i.minCapacityBytes = 128ULL << 20;
     },
     false, false, "too small: 67.1 MB, needs at least 134.2 MB"},
    {"capacity unknown", [](Drive& d, Incident&) { d.capacityBytes.reset(); }, false, false, "capacity is unknown"},
    {"4Kn into 512", [](Drive& d, Incident&) { d.logicalBlockSize = 4096; }, false, false, "logical block size is 4096"},
    {"critical health", [](Drive& d, Incident&) { d.health = Health::Critical; }, false, false, "health is Critical"},
    {"predicts failure", [](Drive& d, Incident&) { d.failurePredicted = true; }, false, false, "predicts its own failure"},
    {"smart failed",
     [](Drive& d, Incident&) {
         d.smart = Smart{};
         d.smart->passed = false;
     },
     false, false, "SMART overall health"},
    {"ext4", [](Drive& d, Incident&) { d.signatures.push_back({"sde1", "ext4", "filesystem", "u-1", std::nullopt}); }, false, false,
     "carries ext4 (foreign): wipe it first or set allow_foreign_signatures"},
    {"ext4 allowed", [](Drive& d, Incident&) { d.signatures.push_back({"sde1", "ext4", "filesystem", "u-1", std::nullopt}); }, true,
     true, "allowed by policy"},
    {"foreign md",
     [](Drive& d, Incident&) { d.signatures.push_back({"sde", "linux_raid_member", "raid", "ffff:0000:1111:2222", std::nullopt}); },
     false, false, "carries linux_raid_member (foreign)"},
    {"foreign md allowed",
     [](Drive& d, Incident&) { d.signatures.push_back({"sde", "linux_raid_member", "raid", "ffff:0000:1111:2222", std::nullopt}); },
     true, true, "is suitable"},
    {"same array md superblock",
     [](Drive& d, Incident&) { d.signatures.push_back({"sde", "linux_raid_member", "raid", "aaaa:bbbb:cccc:dddd", std::nullopt}); },
     true, false, "md superblock of this very array"},
    {"failed drive put back",
     [](Drive& d, Incident& i) {
         d.id = i.drive.id;
         d.serial = i.drive.serial;
     },
     false, false, "this is the failed drive put back"},
    {"wrong bay", [](Drive& d, Incident&) { d.location.slot = 5, d.location.label = "Slot 05"; }, false, false,
     "it is in bay Slot 05, not in bay Slot 03"},
    // udev assembled the used drive's old array: busy, whatever the policy says of signatures.
    {"held by an old array",
     [](Drive& d, Incident&) {
         d.signatures.push_back({"sde", "linux_raid_member", "raid", "ffff:0000:1111:2222", std::nullopt});
         d.holders = {"md127"};
     },
     true, false, "in use by md127 (assembled from what it carries): stop md127 (mdadm --stop /dev/md127)"},
    {"held by device mapper", [](Drive& d, Incident&) { d.holders = {"dm-3"}; }, true, false, "in use by dm-3"},
    {"already a member of the incident's array",
     [](Drive& d, Incident&) {
         d.signatures.push_back({"sde", "linux_raid_member", "raid", "aaaa:bbbb:cccc:dddd", std::nullopt});
         d.holders = {"md0"};
     },
     false, true, "already a member of md0"},
};
} // namespace

BOOST_DATA_TEST_CASE(verify_replacement, bdata::make(kCandidates), c) {
    Pulled p;
    Incident inc = p.inc();
    Drive d = newDrive();
    c.change(d, inc);
    HotswapPolicy policy;
    policy.allowForeignSignatures = c.allowForeign;
    auto v = verifyReplacement(inc, d, policy);
    BOOST_TEST(v.ok == c.ok);
    std::string all;
    for (const auto& f : v.findings) all += f + " | ";
    BOOST_TEST(all.find(c.finding) != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(wrong_bay_allowed_when_policy_does_not_require_it) {
    Pulled p;
    Drive d = newDrive(5);
    HotswapPolicy policy;
    policy.requireSameBay = false;
    BOOST_TEST(verifyReplacement(p.inc(), d, policy).ok);
}

BOOST_FIXTURE_TEST_CASE(rejected_replacement_goes_back_to_awaiting_insertion, Pulled) {
    Drive small = newDrive();
    small.capacityBytes = 1'000'000'000ULL;
    auto st = insert(small);
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    const Event* ev = event(st.events, "replacement_rejected");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->severity == Severity::warning);
    BOOST_TEST(ev->message.find("too small") != std::string::npos);
    BOOST_TEST(!inc().replacement.has_value());
    const auto& h = inc().history;
    BOOST_TEST_REQUIRE(h.size() >= 2u);
    BOOST_TEST(h[h.size() - 2].to == IncidentState::inserted);
    BOOST_TEST(h.back().to == IncidentState::awaiting_insertion);
}

BOOST_FIXTURE_TEST_CASE(restart_sees_only_the_awaited_bay, Pulled) {
    // The agent restarts: nothing before, every drive looks new; only one in the awaited bay counts.
    auto st = advanceIncidents(incidents, Inventory{}, gone, policy, at(20));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(st.events.empty());
    advanceIncidents(incidents, Inventory{}, with(gone, newDrive()), policy, at(30));
    BOOST_TEST(inc().state == IncidentState::verified);
}

BOOST_FIXTURE_TEST_CASE(policy_auto_adds_at_once, Pulled) {
    policy.add = AddPolicy::automatic;
    auto st = insert(newDrive());
    BOOST_TEST(inc().state == IncidentState::verified);
    const auto* add = action(st, HotswapActionKind::md_add);
    BOOST_TEST_REQUIRE(add != nullptr);
    BOOST_TEST(add->array.value() == "md0");
    BOOST_TEST(add->device.value() == "/dev/sde");
    BOOST_TEST(!inc().awaitingConfirmation);
}

BOOST_FIXTURE_TEST_CASE(allowed_foreign_signatures_are_wiped_before_the_add, Pulled) {
    policy.add = AddPolicy::automatic;
    policy.allowForeignSignatures = true;
    Drive used = newDrive();
    used.signatures.push_back({"sde", "gpt", "partition_table", "pt-1", std::nullopt});
    used.signatures.push_back({"sde1", "ext4", "filesystem", "u-1", std::nullopt});
    auto st = insert(used);
    BOOST_TEST(inc().state == IncidentState::verified);
    const auto* add = action(st, HotswapActionKind::md_add);
    BOOST_TEST_REQUIRE(add != nullptr);
    BOOST_TEST(add->wipeFirst);
    BOOST_TEST((inc().replacement->signaturesToWipe == std::vector<std::string>{"gpt", "ext4"}));
    // A blank drive is not wiped.
    Pulled blank;
    blank.policy.add = AddPolicy::automatic;
    blank.policy.allowForeignSignatures = true;
    auto st2 = blank.insert(newDrive());
    BOOST_TEST_REQUIRE(action(st2, HotswapActionKind::md_add) != nullptr);
    BOOST_TEST(!action(st2, HotswapActionKind::md_add)->wipeFirst);
    // "never": the command to run by hand wipes first too.
    Pulled manual;
    manual.policy.add = AddPolicy::never;
    manual.policy.allowForeignSignatures = true;
    auto st3 = manual.insert(used);
    const Event* ev = event(st3.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->message.find("wipefs --all /dev/sde && mdadm /dev/md0 --add /dev/sde") != std::string::npos, ev->message);
}

BOOST_FIXTURE_TEST_CASE(a_rejected_drive_wiped_in_place_is_checked_again, Pulled) {
    policy.add = AddPolicy::automatic;
    Drive used = newDrive();
    used.signatures.push_back({"sde", "linux_raid_member", "raid", "ffff:0000:1111:2222", std::nullopt});
    used.holders = {"md127"};
    Inventory in = with(gone, used);
    auto st = advanceIncidents(incidents, gone, in, policy, at(20));
    BOOST_TEST(hasEvent(st, "replacement_rejected"));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    // Nothing changed: nothing said again.
    BOOST_TEST(advanceIncidents(incidents, in, in, policy, at(25)).events.empty());
    // The operator stops md127: still carries the foreign superblock, rejected again, for that only.
    Inventory stopped = in;
    stopped.drives.back().holders.clear();
    st = advanceIncidents(incidents, in, stopped, policy, at(30));
    const Event* again = event(st.events, "replacement_rejected");
    BOOST_TEST_REQUIRE(again != nullptr);
    BOOST_TEST(again->message.find("in use") == std::string::npos, again->message);
    BOOST_TEST(again->message.find("linux_raid_member (foreign)") != std::string::npos, again->message);
    // ... and wipes it: taken.
    Inventory wiped = stopped;
    wiped.drives.back().signatures.clear();
    st = advanceIncidents(incidents, stopped, wiped, policy, at(40));
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(action(st, HotswapActionKind::md_add) != nullptr);
}

// virtio-scsi, a bare HBA without SES: no bay is known; the rejected drive is followed by its id.
BOOST_FIXTURE_TEST_CASE(a_rejected_drive_is_checked_again_without_a_bay, Pulled) {
    policy.add = AddPolicy::automatic;
    policy.requireSameBay = false;
    inc().enclosure.reset();
    inc().slot.reset();
    Drive used = newDrive(6);
    used.holders = {"md9"};
    Inventory in = with(gone, used);
    BOOST_TEST(hasEvent(advanceIncidents(incidents, gone, in, policy, at(20)), "replacement_rejected"));
    BOOST_TEST(inc().lastRejected.value_or("") == used.id);
    Inventory stopped = in;
    stopped.drives.back().holders.clear();
    auto st = advanceIncidents(incidents, in, stopped, policy, at(30));
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(!inc().lastRejected.has_value());
    BOOST_TEST(inc().history[inc().history.size() - 2].reason.find("checked again") != std::string::npos);
    BOOST_TEST(action(st, HotswapActionKind::md_add) != nullptr);
}

BOOST_FIXTURE_TEST_CASE(a_replacement_added_by_hand_is_not_added_again, Pulled) {
    policy.add = AddPolicy::automatic;
    Drive added = newDrive();
    added.signatures.push_back({"sde", "linux_raid_member", "raid", "aaaa:bbbb:cccc:dddd", std::nullopt});
    added.holders = {"md0"};
    auto st = insert(added);
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(action(st, HotswapActionKind::md_add) == nullptr);
}

BOOST_FIXTURE_TEST_CASE(policy_confirm_then_confirm, Pulled) {
    policy.add = AddPolicy::confirm;
    auto st = insert(newDrive());
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(inc().awaitingConfirmation);
    BOOST_TEST(action(st, HotswapActionKind::md_add) == nullptr);
    BOOST_TEST(hasEvent(st, "awaiting_confirmation"));
    auto c = confirmIncident(incidents, inc().id.substr(0, 8), at(30));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(action(*c, HotswapActionKind::md_add) != nullptr);
    BOOST_TEST(!inc().awaitingConfirmation);
    BOOST_TEST(inc().confirmed);
    BOOST_TEST(confirmIncident(incidents, inc().id, at(31)).error().is(errc::invalid_argument));
    BOOST_TEST(confirmIncident(incidents, "no-such-incident", at(31)).error().is(errc::not_found));
}

BOOST_FIXTURE_TEST_CASE(policy_never_tells_the_command, Pulled) {
    policy.add = AddPolicy::never;
    auto st = insert(newDrive());
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(!inc().awaitingConfirmation);
    BOOST_TEST(action(st, HotswapActionKind::md_add) == nullptr);
    const Event* ev = event(st.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->message.find("mdadm /dev/md0 --add /dev/sde") != std::string::npos, ev->message);
}

BOOST_FIXTURE_TEST_CASE(cancel_turns_lights_off, Opened) {
    auto c = cancelIncident(incidents, "D", "the customer wants to do it himself", at(5));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(inc().state == IncidentState::cancelled);
    BOOST_TEST(inc().history.back().reason == "the customer wants to do it himself");
    const auto* off = action(*c, HotswapActionKind::light_off);
    BOOST_TEST_REQUIRE(off != nullptr);
    BOOST_TEST(off->slot.value() == 3);
    actionDone(incidents, *off, true, "", at(6));
    BOOST_TEST(!inc().lightOn);
    BOOST_TEST(cancelIncident(incidents, inc().id, "again", at(7)).error().is(errc::invalid_argument));
}

BOOST_FIXTURE_TEST_CASE(md_add_failure_fails_the_incident, Pulled) {
    policy.add = AddPolicy::automatic;
    auto st = insert(newDrive());
    auto evs = actionDone(incidents, *action(st, HotswapActionKind::md_add), false, "mdadm: add new device failed", at(21));
    BOOST_TEST(inc().state == IncidentState::failed);
    BOOST_TEST(inc().failureReason.value().find("mdadm: add new device failed") != std::string::npos);
    const Event* ev = event(evs, "failed");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->severity == Severity::critical);
}

BOOST_FIXTURE_TEST_CASE(rebuild_progress_and_completion, Rebuilding) {
    BOOST_TEST(!hasEvent(progress(5, 30), "progress"));
    auto st = progress(12.5, 40);
    BOOST_TEST(hasEvent(st, "progress"));
    BOOST_TEST(inc().rebuildPercent.value() == 12.5);
    BOOST_TEST(inc().etaSeconds.value() == 3600u);
    BOOST_TEST(!hasEvent(progress(15, 50), "progress"));
    BOOST_TEST(hasEvent(progress(31, 60), "progress"));
    BOOST_TEST(event(progress(45, 70).events, "progress")->severity == Severity::info);

    Inventory done = arr;
    done.arrays[0].operation.reset();
    done.arrays[0].state = "optimal";
    done.arrays[0].members[3].role = "active";
    done.arrays[0].members[3].flags = {"in_sync"};
    inc().identifyOn = true;
    auto fin = advanceIncidents(incidents, arr, done, policy, at(80));
    BOOST_TEST(inc().state == IncidentState::completed);
    const Event* ev = event(fin.events, "completed");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->severity == Severity::info);
    BOOST_TEST(action(fin, HotswapActionKind::light_off) != nullptr);
    BOOST_TEST(action(fin, HotswapActionKind::identify_off) != nullptr);
    // Closed incidents are left alone.
    BOOST_TEST(advanceIncidents(incidents, done, done, policy, at(90)).events.empty());
}

BOOST_FIXTURE_TEST_CASE(rebuild_failing, Rebuilding) {
    progress(40, 30);
    Inventory bad = arr;
    bad.arrays[0].operation.reset();
    bad.arrays[0].members[3].role = "faulty";
    auto st = advanceIncidents(incidents, arr, bad, policy, at(40));
    BOOST_TEST(inc().state == IncidentState::failed);
    BOOST_TEST(event(st.events, "failed")->severity == Severity::critical);
    const auto* fault = action(st, HotswapActionKind::light_on);
    BOOST_TEST_REQUIRE(fault != nullptr);
    BOOST_TEST(fault->pattern == LedPattern::fault);
}

BOOST_FIXTURE_TEST_CASE(replacement_pulled_during_rebuild, Rebuilding) {
    progress(40, 30);
    Inventory out = without(arr, "sde");
    auto st = advanceIncidents(incidents, arr, out, policy, at(40));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(!inc().replacement.has_value());
    BOOST_TEST(incidents.size() == 1u);  // not a wrong_drive_removed incident
    BOOST_TEST(!hasEvent(st, "wrong_drive_removed"));
    BOOST_TEST(inc().findings.back().find("pulled before the rebuild finished") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(drive_healthy_again_cancels, Opened) {
    auto healthy = optimalHost();
    auto st = advanceIncidents(incidents, inv, healthy, policy, at(5));
    BOOST_TEST(inc().state == IncidentState::cancelled);
    BOOST_TEST(action(st, HotswapActionKind::light_off) != nullptr);
    BOOST_TEST(incidents.size() == 1u);
}

// md stopped the array (another member was pulled and nothing held it open): the failed drive
// reads "online" only because no array claims it any more. The incident must stay open.
BOOST_FIXTURE_TEST_CASE(array_vanished_does_not_cancel, Opened) {
    auto stopped = optimalHost();
    stopped.arrays.clear();
    advanceIncidents(incidents, inv, stopped, policy, at(5));
    BOOST_TEST(inc().state == IncidentState::awaiting_removal);
}

BOOST_AUTO_TEST_CASE(hardware_array_waits_for_the_controller) {
    auto inv = degradedHost();
    inv.arrays[0].kind = "megaraid";
    inv.arrays[0].name = "VD 0";
    inv.arrays[0].uuid.reset();
    std::vector<Incident> incidents;
    HotswapPolicy policy;
    policy.add = AddPolicy::automatic;
    auto st = advanceIncidents(incidents, inv, inv, policy, at(0));
    for (const auto& a : st.actions) actionDone(incidents, a, true, "", at(1));
    const auto gone = without(inv, "sdd");
    auto st2 = advanceIncidents(incidents, inv, gone, policy, at(2));
    BOOST_TEST(action(st2, HotswapActionKind::md_remove_detached) == nullptr);
    auto st3 = advanceIncidents(incidents, gone, with(gone, newDrive()), policy, at(3));
    BOOST_TEST(incidents[0].state == IncidentState::verified);
    BOOST_TEST(st3.actions.empty());
}

namespace {
/// A MegaRAID (or other controller's) VD with sdd failed, pulled, and an unconfigured-good
/// replacement in its bay: verified at t=3.
struct HwSwap {
    Inventory inv = degradedHost();
    Inventory gone;
    Drive repl = newDrive();
    std::vector<Incident> incidents;
    HotswapPolicy policy;
    explicit HwSwap(const std::string& kind = "megaraid", AddPolicy add = AddPolicy::automatic) {
        inv.arrays[0].kind = kind;
        inv.arrays[0].name = "VD 0";
        inv.arrays[0].uuid.reset();
        policy.add = add;
        auto st = advanceIncidents(incidents, inv, inv, policy, at(0));
        for (const auto& a : st.actions) actionDone(incidents, a, true, "", at(1));
        gone = without(inv, "sdd");
        advanceIncidents(incidents, inv, gone, policy, at(2));
        repl.state = DriveState::unconfigured;
        repl.controllerView = ControllerDriveInfo{};
        repl.controllerView->state = "UGood";
        repl.controllerView->address = "/c0/e252/s3";
    }
    HotswapStep insertRepl() { return advanceIncidents(incidents, gone, with(gone, repl), policy, at(3)); }
    HotswapStep tick(int t) { return advanceIncidents(incidents, with(gone, repl), with(gone, repl), policy, at(t)); }
    Incident& inc() { return incidents.front(); }
};
} // namespace

BOOST_AUTO_TEST_CASE(megaraid_that_does_not_rebuild_by_itself_gets_a_hot_spare_after_the_wait) {
    HwSwap h;
    auto st = h.insertRepl();
    BOOST_TEST(h.inc().state == IncidentState::verified);
    BOOST_TEST(st.actions.empty());
    BOOST_TEST(h.tick(3 + 119).actions.empty());  // the controller's own auto rebuild gets its time
    auto late = h.tick(3 + 121);
    const auto* spare = action(late, HotswapActionKind::ctl_hot_spare);
    BOOST_TEST_REQUIRE(spare != nullptr);
    BOOST_TEST(spare->driveId.value() == h.repl.id);
    BOOST_TEST(spare->serial.value() == "NEW1");
    BOOST_TEST(h.inc().findings.back().find("did not start rebuilding onto the replacement within 120 s") != std::string::npos);
    BOOST_TEST(h.tick(3 + 200).actions.empty());  // asked once
    actionDone(h.incidents, *spare, true, "made a hot spare", at(125));
    BOOST_TEST(h.inc().state == IncidentState::rebuilding);
    // The controller rebuilds, then the VD is optimal with the replacement online.
    Inventory done = with(h.gone, h.repl);
    done.arrays[0].state = "optimal";
    done.arrays[0].members[3].drive = h.repl.id;
    done.arrays[0].members[3].role = "active";
    auto fin = advanceIncidents(h.incidents, with(h.gone, h.repl), done, h.policy, at(400));
    BOOST_TEST(h.inc().state == IncidentState::completed);
    BOOST_TEST(action(fin, HotswapActionKind::light_off) != nullptr);
}

BOOST_AUTO_TEST_CASE(megaraid_rebuilding_by_itself_is_followed_not_touched) {
    HwSwap h;
    h.insertRepl();
    Inventory rb = with(h.gone, h.repl);
    rb.drives.back().state = DriveState::rebuilding;  // storcli "Rbld"
    auto st = advanceIncidents(h.incidents, with(h.gone, h.repl), rb, h.policy, at(10));
    BOOST_TEST(h.inc().state == IncidentState::rebuilding);
    BOOST_TEST(st.actions.empty());
    BOOST_TEST(advanceIncidents(h.incidents, rb, rb, h.policy, at(500)).actions.empty());
}

BOOST_AUTO_TEST_CASE(megaraid_confirm_and_never_name_the_hot_spare_and_other_controllers_are_reported_once) {
    HwSwap c("megaraid", AddPolicy::confirm);
    auto st = c.insertRepl();
    const Event* ask = event(st.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(ask != nullptr);
    BOOST_TEST(ask->message.find("raidmon hotswap confirm") != std::string::npos, ask->message);
    BOOST_TEST(c.tick(1000).actions.empty());  // waits for the operator
    auto ok = confirmIncident(c.incidents, c.inc().id, at(1001));
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST(action(*ok, HotswapActionKind::ctl_hot_spare) != nullptr);

    HwSwap n("megaraid", AddPolicy::never);
    auto told = n.insertRepl();  // kept: event() returns a pointer into its vector
    const Event* tell = event(told.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(tell != nullptr);
    BOOST_TEST(tell->message.find("storcli /c0/e252/s3 add hotsparedrive") != std::string::npos, tell->message);

    HwSwap sa("smartarray");
    sa.insertRepl();
    auto nudge = sa.tick(3 + 121);
    BOOST_TEST(nudge.actions.empty());
    const Event* said = event(nudge.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(said != nullptr);
    BOOST_TEST(said->message.find("start the rebuild with the controller's tool") != std::string::npos, said->message);
    BOOST_TEST(!hasEvent(sa.tick(3 + 300), "awaiting_confirmation"));  // once
}

BOOST_AUTO_TEST_CASE(a_drive_with_a_foreign_configuration_is_rejected) {
    HwSwap h;
    h.repl.controllerView->foreign = true;
    auto st = h.insertRepl();
    BOOST_TEST(h.inc().state == IncidentState::awaiting_insertion);
    const Event* ev = event(st.events, "replacement_rejected");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->message.find("foreign configuration") != std::string::npos, ev->message);
}

BOOST_AUTO_TEST_CASE(operator_request_and_lookup) {
    const auto inv = optimalHost();
    std::vector<Incident> incidents;
    auto st = openIncident(incidents, inv, "/dev/sdc", HotswapPolicy{}, at(0));
    BOOST_TEST_REQUIRE(st.has_value());
    BOOST_TEST(incidents.at(0).cause == IncidentCause::operator_request);
    BOOST_TEST(incidents[0].state == IncidentState::locating);
    BOOST_TEST(openIncident(incidents, inv, "C", HotswapPolicy{}, at(1)).error().is(errc::invalid_argument));
    BOOST_TEST(openIncident(incidents, inv, "nonexistent", HotswapPolicy{}, at(1)).error().is(errc::not_found));
    BOOST_TEST(findIncident(incidents, incidents[0].id) == &incidents[0]);
    BOOST_TEST(findIncident(incidents, incidents[0].id.substr(0, 8)) == &incidents[0]);
    BOOST_TEST(findIncident(incidents, incidents[0].id.substr(0, 4)) == nullptr);
    BOOST_TEST(findIncident(incidents, "sdc") == &incidents[0]);
    BOOST_TEST(findIncident(incidents, "ST4000NM_C") == &incidents[0]);
    BOOST_TEST(findIncident(incidents, "zzz") == nullptr);
    // An operator's incident is not cancelled because the drive is healthy.
    for (const auto& a : st->actions) actionDone(incidents, a, true, "", at(1));
    advanceIncidents(incidents, inv, inv, HotswapPolicy{}, at(2));
    BOOST_TEST(incidents[0].state == IncidentState::awaiting_removal);
}

BOOST_AUTO_TEST_CASE(odd_inventories_do_not_crash) {
    Inventory odd;
    Drive nameless;  // no id, no bay, failed
    nameless.state = DriveState::failed;
    odd.drives.push_back(nameless);
    Drive bare;
    bare.id = "bare";
    bare.state = DriveState::failed;
    odd.drives.push_back(bare);
    Array a;  // no uuid, no level, a member without a drive
    a.id = "x";
    a.kind = "md";
    a.members.push_back(ArrayMember{});
    a.members.push_back(ArrayMember{"bare", std::nullopt, "faulty", std::nullopt, {}, std::nullopt});
    odd.arrays.push_back(a);
    std::vector<Incident> incidents;
    advanceIncidents(incidents, Inventory{}, odd, HotswapPolicy{}, at(0));
    advanceIncidents(incidents, odd, Inventory{}, HotswapPolicy{}, at(1));
    advanceIncidents(incidents, Inventory{}, odd, HotswapPolicy{}, at(2));
    BOOST_TEST(!incidents.empty());
    for (const auto& i : incidents) {
        BOOST_TEST(!toText(makeWorkOrder(i, odd)).empty());
        BOOST_TEST(!toSvg(makeWorkOrder(i, odd), odd).empty());
    }
    BOOST_TEST(actionDone(incidents, HotswapAction{}, true, "", at(3)).empty());
}

namespace {
struct TempDir {
    fs::path dir = fs::temp_directory_path() / ("raidmon-hotswap-" + std::to_string(::getpid()));
    TempDir() { fs::remove_all(dir); }
    ~TempDir() { fs::remove_all(dir); }
};
} // namespace

BOOST_FIXTURE_TEST_CASE(persistence_round_trip, TempDir) {
    Rebuilding r;
    r.progress(40, 30);
    auto incidents = r.incidents;
    incidents[0].replacement->wwn = "0x5000cca2\"quoted\"";
    Pulled p;  // a second, open incident
    incidents.push_back(p.inc());
    BOOST_TEST_REQUIRE(loadIncidents(dir).value().empty());  // absent: empty
    BOOST_TEST_REQUIRE(saveIncidents(dir, incidents).has_value());
    auto back = loadIncidents(dir);
    BOOST_TEST_REQUIRE(back.has_value(), back.error().message);
    BOOST_TEST_REQUIRE(back->size() == incidents.size());
    for (std::size_t i = 0; i < incidents.size(); ++i) BOOST_TEST(toJson((*back)[i]) == toJson(incidents[i]));
    auto one = incidentFromJson(toJson(incidents[0], -1));
    BOOST_TEST_REQUIRE(one.has_value());
    BOOST_TEST(toJson(*one) == toJson(incidents[0]));
    BOOST_TEST(one->history.size() == incidents[0].history.size());
    // A file of an earlier build has no "confirmed": a confirmation was recorded only as a finding.
    incidents[0].confirmed = true;
    auto legacy = nlohmann::json::parse(toJson(incidents[0], -1));
    legacy.erase("confirmed");
    BOOST_TEST(!incidentFromJson(legacy.dump()).value().confirmed);
    legacy["findings"].push_back("adding the replacement was confirmed");
    BOOST_TEST(incidentFromJson(legacy.dump()).value().confirmed);
    BOOST_TEST(incidentFromJson(toJson(incidents[0], -1)).value().confirmed);
}

BOOST_FIXTURE_TEST_CASE(keeps_open_and_last_50_closed, TempDir) {
    std::vector<Incident> many;
    for (int i = 0; i < 60; ++i) {
        Incident inc;
        inc.id = "closed-" + std::to_string(i);
        inc.state = IncidentState::completed;
        inc.updatedAt = at(i);
        many.push_back(inc);
    }
    Incident open;
    open.id = "open";
    open.state = IncidentState::awaiting_removal;
    many.insert(many.begin(), open);
    BOOST_TEST_REQUIRE(saveIncidents(dir, many).has_value());
    auto back = loadIncidents(dir).value();
    BOOST_TEST(back.size() == 51u);
    BOOST_TEST(back.front().id == "open");
    BOOST_TEST(findIncident(back, "closed-9") == nullptr);
    BOOST_TEST(findIncident(back, "closed-10") != nullptr);
}

BOOST_FIXTURE_TEST_CASE(garbage_incidents_json_is_a_parse_error, TempDir) {
    fs::create_directories(dir);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "not a JSON object"},
        {R"({"version": 2, "incidents": []})", "'version'"},
        {R"({"version": 1, "incidents": {}})", "'incidents'"},
        {R"({"version": 1, "incidents": [42]})", "incidents[0]"},
        {R"({"version": 1, "incidents": [{"id": "x", "cause": "drive_failed", "state": "bogus"}]})", "incidents[0].state"},
        {R"({"version": 1, "incidents": [{"id": "x", "cause": "drive_failed", "state": "failed", "drive": {"id": 7}}]})",
         "incidents[0].drive.id"},
    };
    for (const auto& [text, where] : cases) {
        std::ofstream(dir / "incidents.json") << text;
        auto r = loadIncidents(dir);
        BOOST_TEST_REQUIRE(!r.has_value(), text);
        BOOST_TEST(r.error().is(errc::parse_error));
        BOOST_TEST(r.error().message.find((dir / "incidents.json").string()) != std::string::npos, r.error().message);
        BOOST_TEST(r.error().message.find(where) != std::string::npos, r.error().message);
    }
    BOOST_TEST(incidentFromJson("[]").error().is(errc::parse_error));
    BOOST_TEST(incidentFromJson("\xff\xfe").error().is(errc::parse_error));
}

BOOST_FIXTURE_TEST_CASE(work_order_text_json_svg, Opened) {
    inv.enclosures[0].slots[2].label = "Slot <2> & co";
    inv.drives[2].location.label = "Slot <2> & co";
    auto wo = makeWorkOrder(inc(), inv);
    BOOST_TEST(wo.productSerial.value() == "CZJ1234ABC");
    BOOST_TEST(!wo.steps.empty());
    const std::string text = toText(wo);
    for (const char* s : {"serial D", "Slot 03", "4.0 TB", "CZJ1234ABC", "web42.example.net", "ST4000NM0035"})
        BOOST_TEST(text.find(s) != std::string::npos, s);
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        BOOST_TEST(end - start <= 80u, text.substr(start, end - start));
        start = end + 1;
    }
    auto j = nlohmann::json::parse(toJson(wo), nullptr, false);
    BOOST_TEST_REQUIRE(!j.is_discarded());
    BOOST_TEST(j["drive"]["serial"] == "D");
    BOOST_TEST(j["bay"]["label"] == "Slot 03");
    BOOST_TEST(j["replacement_requirements"]["min_capacity_bytes"] == k4TB);

    const std::string svg = toSvg(wo, inv);
    BOOST_TEST(svg.rfind("<svg", 0) == 0u);
    BOOST_TEST(svg.find("Slot &lt;2&gt; &amp; co") != std::string::npos);
    BOOST_TEST(svg.find("Slot <2>") == std::string::npos);
    BOOST_TEST(svg.find("class=\"bay target\" data-slot=\"3\"") != std::string::npos);
    BOOST_TEST(svg.find("CZJ1234ABC") != std::string::npos);
    BOOST_TEST(svg.find("</svg>") != std::string::npos);
    // Every element opened is closed (a light well-formedness check; no XML parser among the dependencies).
    const auto count = [&](const std::string& s) {
        std::size_t n = 0;
        for (std::size_t p = svg.find(s); p != std::string::npos; p = svg.find(s, p + 1)) ++n;
        return n;
    };
    BOOST_TEST(count("<g ") == count("</g>"));
    BOOST_TEST(count("<text") == count("</text>"));
    BOOST_TEST(count("<rect") == count("/>") - 0u);
}

BOOST_FIXTURE_TEST_CASE(work_order_without_the_agent_is_honest, Opened) {
    // raidmon hotswap with raidmond not running: nothing records the incident or lights the bay.
    const auto i = inc();
    const WorkOrder guided = makeWorkOrder(i, inv);
    const WorkOrder offline = makeWorkOrder(i, inv, false);
    BOOST_TEST(guided.guided);
    BOOST_TEST(!offline.guided);
    const std::string gt = toText(guided), ot = toText(offline);
    BOOST_TEST(gt.find("blinking locate light") != std::string::npos);
    BOOST_TEST(gt.find(i.id) != std::string::npos);
    BOOST_TEST(ot.find("blinking") == std::string::npos, ot);
    BOOST_TEST(ot.find("wait for the light") == std::string::npos, ot);
    BOOST_TEST(ot.find(i.id) == std::string::npos, ot);  // an id nobody recorded is never quoted
    BOOST_TEST(ot.find("none: computed without raidmond") != std::string::npos, ot);
    BOOST_TEST(ot.find("No light is lit for this work order") != std::string::npos, ot);
    BOOST_TEST(ot.find("Nothing verifies the replacement") != std::string::npos, ot);
    BOOST_TEST(toSvg(offline, inv).find(i.id) == std::string::npos);
    BOOST_TEST(toSvg(offline, inv).find("not recorded") != std::string::npos);
    auto j = nlohmann::json::parse(toJson(offline));
    BOOST_TEST(j["incident"]["id"].is_null());
    BOOST_TEST(j["guided"] == false);
    // nobody lights the bay: an incident the engine left locating awaits its removal offline
    BOOST_TEST(j["incident"]["state"] == "awaiting_removal");
    Incident locating = i;
    locating.state = IncidentState::locating;
    BOOST_TEST(nlohmann::json::parse(toJson(makeWorkOrder(locating, inv, false)))["incident"]["state"] == "awaiting_removal");
    BOOST_TEST(nlohmann::json::parse(toJson(makeWorkOrder(locating, inv)))["incident"]["state"] == "locating");
    // an incident raidmond recorded before it stopped keeps its id, and says the agent is away
    WorkOrder recorded = makeWorkOrder(i, inv, false);
    recorded.incidentId = i.id;
    BOOST_TEST(toText(recorded).find(i.id + " (") != std::string::npos);
    BOOST_TEST(toText(recorded).find("which is not running") != std::string::npos);
    BOOST_TEST(nlohmann::json::parse(toJson(recorded))["incident"]["id"] == i.id);
    BOOST_TEST(nlohmann::json::parse(toJson(guided))["incident"]["id"] == i.id);
}

BOOST_AUTO_TEST_CASE(work_order_warns_before_pulling_a_needed_drive) {
    auto inv = optimalHost();
    std::vector<Incident> incidents;
    auto st = openIncident(incidents, inv, "sdb", HotswapPolicy{}, at(0));
    BOOST_TEST_REQUIRE(st.has_value());
    auto wo = makeWorkOrder(incidents[0], inv);
    BOOST_TEST(wo.removalVerdict == RemovalVerdict::loses_last_redundancy);
    BOOST_TEST(!wo.warning.empty());
    BOOST_TEST(toText(wo).find("WARNING") != std::string::npos);
}

// A disk the kernel shows but udev has not finished with (its rules may still assemble an old
// array from it) is not judged yet: it is verified once udev is done, as a new drive.
BOOST_FIXTURE_TEST_CASE(a_disk_udev_is_still_processing_is_verified_when_udev_is_done, Pulled) {
    policy.add = AddPolicy::automatic;
    Drive early = newDrive();
    early.udevPending = true;
    const Inventory seen = with(gone, early);
    auto st = advanceIncidents(incidents, gone, seen, policy, at(20));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(st.actions.empty());
    BOOST_TEST(!hasEvent(st, "inserted"));
    // udev done: its incremental assembly took the disk for its old array md9.
    Drive done = newDrive();
    done.holders = {"md9"};
    done.signatures.push_back(Signature{"sde", "linux_raid_member", std::string("raid"), std::string("9999:9999:9999:9999"), std::nullopt});
    auto st2 = advanceIncidents(incidents, seen, with(gone, done), policy, at(21));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(action(st2, HotswapActionKind::md_add) == nullptr);
    const Event* rej = event(st2.events, "replacement_rejected");
    BOOST_TEST_REQUIRE(rej != nullptr);
    BOOST_TEST(rej->message.find("in use by md9") != std::string::npos, rej->message);
    BOOST_TEST(rej->message.find("mdadm --stop /dev/md9") != std::string::npos, rej->message);
}

// md assembles arrays auto-read-only after a reboot (and on incremental assembly): a replacement
// in such an array waits for nothing unless the array is made writable.
BOOST_FIXTURE_TEST_CASE(read_auto_array_is_switched_to_read_write_under_auto, Rebuilding) {
    Inventory stuck = arr;
    stuck.arrays[0].members[3].role = "spare";
    stuck.arrays[0].members[3].flags.clear();
    stuck.arrays[0].state = "degraded";
    stuck.arrays[0].arrayState = "read-auto";
    auto st = advanceIncidents(incidents, arr, stuck, policy, at(30));
    const auto* rw = action(st, HotswapActionKind::md_readwrite);
    BOOST_TEST_REQUIRE(rw != nullptr);
    BOOST_TEST(rw->array.value() == "md0");
    BOOST_TEST(inc().readWriteRequested);
    BOOST_TEST(inc().findings.back().find("auto-read-only (read-auto)") != std::string::npos, inc().findings.back());
    // once: the next scan (the array still read-auto while mdadm runs) asks nothing again
    BOOST_TEST(action(advanceIncidents(incidents, stuck, stuck, policy, at(31)), HotswapActionKind::md_readwrite) == nullptr);
    // a failure is said, with the command
    auto evs = actionDone(incidents, *rw, false, "'mdadm --readwrite /dev/md0' exited 1", at(32));
    const Event* ev = event(evs, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->message.find("mdadm --readwrite /dev/md0") != std::string::npos, ev->message);
    // recovery starts: followed as usual
    BOOST_TEST(progress(5, 40).actions.empty());
    BOOST_TEST(inc().state == IncidentState::rebuilding);
}

BOOST_FIXTURE_TEST_CASE(read_auto_array_is_reported_once_under_never, Pulled) {
    policy.add = AddPolicy::never;
    Drive repl = newDrive();
    insert(repl);
    BOOST_TEST_REQUIRE(inc().state == IncidentState::verified);
    // the operator added it by hand; the array is read-auto
    Inventory added = with(gone, repl);
    added.arrays[0].members[3].drive = repl.id;
    added.arrays[0].members[3].role = "spare";
    added.arrays[0].arrayState = "read-auto";
    auto st = advanceIncidents(incidents, with(gone, repl), added, policy, at(30));
    BOOST_TEST(action(st, HotswapActionKind::md_readwrite) == nullptr);
    const Event* ev = event(st.events, "awaiting_confirmation");
    BOOST_TEST_REQUIRE(ev != nullptr);
    BOOST_TEST(ev->message.find("auto-read-only (read-auto)") != std::string::npos, ev->message);
    BOOST_TEST(ev->message.find("mdadm --readwrite /dev/md0") != std::string::npos, ev->message);
    BOOST_TEST(!hasEvent(advanceIncidents(incidents, added, added, policy, at(31)), "awaiting_confirmation"));
}

// udev's incremental assembly may take the disk between the scan that verified it and the add:
// the add fails busy. That is a disk in use, not a failed swap: rejected, checked again.
BOOST_FIXTURE_TEST_CASE(an_add_that_finds_the_disk_busy_rejects_it_and_checks_it_again, Pulled) {
    policy.add = AddPolicy::automatic;
    policy.allowForeignSignatures = true;
    Drive used = newDrive();
    used.signatures.push_back(Signature{"sde", "linux_raid_member", std::string("raid"), std::string("9999:9999:9999:9999"), std::nullopt});
    auto st = insert(used);
    const auto* add = action(st, HotswapActionKind::md_add);
    BOOST_TEST_REQUIRE(add != nullptr);
    BOOST_TEST(add->wipeFirst);
    auto evs = actionDone(incidents, *add, false,
                          "not added: 'wipefs --all /dev/sde' exited 1: wipefs: error: /dev/sde: probing initialization failed: "
                          "Device or resource busy",
                          at(21));
    BOOST_TEST(inc().state == IncidentState::awaiting_insertion);
    BOOST_TEST(!inc().failureReason.has_value());
    BOOST_TEST(event(evs, "failed") == nullptr);
    const Event* rej = event(evs, "replacement_rejected");
    BOOST_TEST_REQUIRE(rej != nullptr);
    BOOST_TEST(rej->message.find("Device or resource busy") != std::string::npos, rej->message);

    // the next scan shows who holds it
    const Inventory free = with(gone, used);
    Drive held = used;
    held.holders = {"md9"};
    const Inventory busy = with(gone, held);
    auto st2 = advanceIncidents(incidents, free, busy, policy, at(22));
    const Event* inUse = event(st2.events, "replacement_rejected");
    BOOST_TEST_REQUIRE(inUse != nullptr);
    BOOST_TEST(inUse->message.find("in use by md9") != std::string::npos, inUse->message);
    BOOST_TEST(action(st2, HotswapActionKind::md_add) == nullptr);

    // the operator stops md9: verified and added again
    auto st3 = advanceIncidents(incidents, busy, free, policy, at(30));
    BOOST_TEST(inc().state == IncidentState::verified);
    BOOST_TEST(action(st3, HotswapActionKind::md_add) != nullptr);

    // any other failure still fails the incident
    auto evs2 = actionDone(incidents, *action(st3, HotswapActionKind::md_add), false, "'mdadm --manage /dev/md0 --add /dev/sde' exited 1",
                           at(31));
    BOOST_TEST(inc().state == IncidentState::failed);
    BOOST_TEST(event(evs2, "failed") != nullptr);
}
