// SPDX-License-Identifier: LGPL-2.1-or-later
// The event engine: inventory snapshots in, typed events out (pure), the CloudEvents envelope and
// the per-entity rate limiter.
#define BOOST_TEST_MODULE events
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include <raidmon/events.hpp>

using namespace raidmon;
using Json = nlohmann::json;

namespace {

Drive drive(const std::string& id, const std::string& kname, int slot) {
    Drive d;
    d.id = id;
    d.kernelName = kname;
    d.serial = "SER" + id;
    d.model = "ST4000NM0023";
    d.capacityBytes = 4000787030016ULL;
    d.media = Media::HDD;
    d.protocol = Protocol::SAS;
    d.location.enclosure = "0x500304801";
    d.location.slot = slot;
    d.location.label = "Slot0" + std::to_string(slot);
    d.state = DriveState::online;
    d.health = Health::OK;
    d.role = "md-member";
    return d;
}

Array raid5(int members) {
    Array a;
    a.id = "md-1111";
    a.name = "md0";
    a.kind = "md";
    a.level = "raid5";
    a.state = "optimal";
    a.raidDisks = 4;
    a.activeDisks = members;
    a.redundancyLeft = 1;
    a.sizeBytes = 3 * 4000787030016ULL;
    for (int i = 0; i < 4; ++i) {
        ArrayMember m;
        m.slot = i;
        if (i < members) {
            m.drive = "d" + std::to_string(i);
            m.device = "sd" + std::string(1, static_cast<char>('a' + i));
            m.role = "active";
        } else {
            m.role = "missing";
        }
        a.members.push_back(m);
    }
    if (members < 4) {
        a.state = "degraded";
        a.redundancyLeft = 0;
    }
    return a;
}

Inventory host(int members) {
    Inventory inv;
    inv.host.hostname = "stor1";
    inv.host.machineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";
    for (int i = 0; i < members; ++i) inv.drives.push_back(drive("d" + std::to_string(i), "sd" + std::string(1, static_cast<char>('a' + i)), i));
    inv.arrays.push_back(raid5(members));
    return inv;
}

std::vector<std::string> types(const std::vector<Event>& evs) {
    std::vector<std::string> t;
    for (const auto& e : evs) t.push_back(e.type.substr(kEventTypePrefix.size()));
    return t;
}

class FixedClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::time_point(std::chrono::milliseconds(1764037200123)); }
    std::chrono::steady_clock::time_point monotonic() const override { return {}; }
};

} // namespace

namespace raidmon {
std::ostream& operator<<(std::ostream& os, Severity s) { return os << toString(s); }
} // namespace raidmon

BOOST_AUTO_TEST_CASE(no_change_no_events) {
    BOOST_TEST(diffInventories(host(4), host(4)).empty());
}

BOOST_AUTO_TEST_CASE(drive_pulled_degrades_the_array_with_a_recommendation) {
    auto evs = diffInventories(host(4), host(3));
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.removed", "array.degraded"}), boost::test_tools::per_element());
    BOOST_TEST(evs[0].subject == "drive/d3");
    BOOST_TEST(evs[0].message.find("bay Slot03") != std::string::npos);
    BOOST_TEST(evs[1].subject == "array/md-1111");
    BOOST_TEST(evs[1].severity == Severity::critical);  // RAID5 without redundancy
    BOOST_REQUIRE(!evs[1].recommendationJson.empty());
    auto rec = Json::parse(evs[1].recommendationJson);
    BOOST_TEST(rec.contains("recommendation"));
    BOOST_TEST(Json::parse(evs[1].entityJson)["state"] == "degraded");
}

BOOST_AUTO_TEST_CASE(array_stopped_after_a_member_left_is_critical) {
    // RAID5 already one down; another member is pulled and md stops the array.
    Inventory before = host(3), after = host(3);
    after.drives.erase(after.drives.begin() + 2);
    after.arrays.clear();
    auto evs = diffInventories(before, after);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.removed", "array.stopped"}), boost::test_tools::per_element());
    BOOST_TEST(evs[1].severity == Severity::critical);
    BOOST_TEST(evs[1].message.find("put the drive(s) back") != std::string::npos, evs[1].message);
    // An optimal array stopped by an administrator: a warning.
    Inventory quiet = host(4);
    quiet.arrays.clear();
    auto stop = diffInventories(host(4), quiet);
    BOOST_TEST(types(stop) == (std::vector<std::string>{"array.stopped"}), boost::test_tools::per_element());
    BOOST_TEST(stop[0].severity == Severity::warning);
}

BOOST_AUTO_TEST_CASE(replacement_reusing_the_kernel_name_is_a_new_drive) {
    Inventory before = host(4), after = host(4);
    after.drives[3].id = "d9";  // new disk, same sdd, same bay
    after.arrays[0].members[3].drive = "d9";
    auto evs = diffInventories(before, after);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.removed", "drive.added"}), boost::test_tools::per_element());
    BOOST_TEST(evs[0].subject == "drive/d3");
    BOOST_TEST(evs[1].subject == "drive/d9");
}

BOOST_AUTO_TEST_CASE(rebuild_started_progress_finished_optimal) {
    Inventory degraded = host(3);
    Inventory r10 = host(4);
    r10.arrays[0].state = "rebuilding";
    r10.arrays[0].redundancyLeft = 0;
    r10.arrays[0].members[3].role = "rebuilding";
    r10.arrays[0].operation = ArrayOperation{"recovery", 10.0, 3600, {}, {}, {}, false};
    auto evs = diffInventories(degraded, r10);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.added", "array.rebuild_started"}), boost::test_tools::per_element());

    Inventory r12 = r10, r16 = r10;
    r12.arrays[0].operation->percent = 12.0;
    r16.arrays[0].operation->percent = 16.0;
    BOOST_TEST(diffInventories(r10, r12).empty());  // 10 -> 12: no 5 % boundary crossed
    evs = diffInventories(r12, r16);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"array.rebuild_progress"}), boost::test_tools::per_element());
    BOOST_TEST(evs[0].message.find("16.0 %") != std::string::npos);
    BOOST_TEST(isDroppable(evs[0]));

    evs = diffInventories(r16, host(4));
    BOOST_TEST(types(evs) == (std::vector<std::string>{"array.rebuild_finished", "array.optimal"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(drive_failed_and_predicted_and_health) {
    Inventory before = host(4), after = host(4);
    after.drives[1].state = DriveState::failed;
    after.drives[1].health = Health::Critical;
    after.drives[2].failurePredicted = true;
    after.drives[2].health = Health::Warning;
    after.drives[0].health = Health::Warning;
    auto evs = diffInventories(before, after);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.health_changed", "drive.failed", "drive.failure_predicted"}),
               boost::test_tools::per_element());
    BOOST_TEST(evs[1].severity == Severity::critical);
    BOOST_TEST(evs[0].severity == Severity::warning);
}

// A working drive whose own SMART says it will fail (NVMe critical warning: health Critical,
// failure_predicted) is predicted, not failed; once md fails it, it is failed.
BOOST_AUTO_TEST_CASE(smart_critical_but_working_is_predicted) {
    Inventory before = host(4), after = host(4);
    after.drives[2].failurePredicted = true;
    after.drives[2].health = Health::Critical;
    auto evs = diffInventories(before, after);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"drive.failure_predicted"}), boost::test_tools::per_element());
    BOOST_TEST(evs[0].severity == Severity::critical);
    BOOST_TEST(types(initialEvents(after)) == (std::vector<std::string>{"drive.failure_predicted"}), boost::test_tools::per_element());
    Inventory failed = after;
    failed.drives[2].state = DriveState::failed;
    BOOST_TEST(types(diffInventories(after, failed)) == (std::vector<std::string>{"drive.failed"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(array_failed_and_controller_health) {
    Inventory before = host(4), after = host(4);
    after.arrays[0].state = "failed";
    Controller c;
    c.id = "0000:3b:00.0";
    c.health = Health::OK;
    before.controllers.push_back(c);
    c.health = Health::Warning;
    c.reasons = {"battery degraded"};
    after.controllers.push_back(c);
    auto evs = diffInventories(before, after);
    BOOST_TEST(types(evs) == (std::vector<std::string>{"array.failed", "controller.health_changed"}), boost::test_tools::per_element());
    BOOST_TEST(evs[1].message.find("battery degraded") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(initial_events_report_existing_problems_once) {
    auto evs = initialEvents(host(3));
    BOOST_TEST(types(evs) == (std::vector<std::string>{"array.degraded"}), boost::test_tools::per_element());
    BOOST_TEST(initialEvents(host(4)).empty());
}

BOOST_AUTO_TEST_CASE(cloudevent_envelope) {
    HostIdentity id;
    id.host.hostname = "stor1";
    id.host.machineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";
    id.host.dmi.productSerial = "S2148";
    id.interfaces.push_back({"eno1", "ac:1f:6b:4c:01:42"});
    auto evs = diffInventories(host(4), host(3));
    Event e = evs.at(1);
    FixedClock clock;
    stampEvent(e, clock);
    auto j = Json::parse(toCloudEvent(e, id, 42));
    BOOST_TEST(j["specversion"] == "1.0");
    BOOST_TEST(std::regex_match(j["id"].get<std::string>(),
                                std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
    BOOST_TEST(j["source"] == "raidmond://8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
    BOOST_TEST(j["type"] == "io.raidmon.array.degraded");
    BOOST_TEST(j["time"] == "2025-11-25T02:20:00.123Z");
    BOOST_TEST(j["subject"] == "array/md-1111");
    BOOST_TEST(j["sequence"] == "00000000000000000042");
    // the sequence extension orders by string: 9 < 10 < 2^64-1 as strings too
    const auto seqOf = [&](std::uint64_t n) { return Json::parse(toCloudEvent(e, id, n))["sequence"].get<std::string>(); };
    BOOST_TEST(seqOf(9) < seqOf(10));
    BOOST_TEST(seqOf(10) < seqOf(18446744073709551615ull));
    BOOST_TEST(seqOf(18446744073709551615ull) == "18446744073709551615");
    BOOST_TEST(j["data"]["severity"] == "critical");
    BOOST_TEST(j["data"]["host"]["dmi"]["product_serial"] == "S2148");
    BOOST_TEST(j["data"]["host"]["interfaces"][0]["mac"] == "ac:1f:6b:4c:01:42");
    BOOST_TEST(j["data"]["entity"]["kind"] == "array");
    BOOST_TEST(j["data"]["entity"]["id"] == "md-1111");
    BOOST_TEST(j["data"]["entity"]["snapshot"]["name"] == "md0");
    BOOST_TEST(j["data"]["recommendation"].is_object());
}

BOOST_AUTO_TEST_CASE(event_ids_are_unique) {
    std::set<std::string> ids;
    for (int i = 0; i < 10000; ++i) ids.insert(newEventId());
    BOOST_TEST(ids.size() == 10000u);
}

BOOST_AUTO_TEST_CASE(flapping_health_is_rate_limited_failures_never) {
    RateLimitOptions o;
    o.window = std::chrono::seconds(60);
    o.maxPerWindow = 3;
    EventFilter f(o);
    Inventory a = host(4), b = host(4);
    b.drives[0].health = Health::Warning;
    const Event flap = diffInventories(a, b).at(0);
    auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    int admitted = 0;
    for (int i = 0; i < 20; ++i) admitted += f.admit(flap, t0 + std::chrono::seconds(i)) ? 1 : 0;
    BOOST_TEST(admitted == 3);
    BOOST_TEST(f.suppressed() == 17u);
    BOOST_TEST(f.admit(flap, t0 + std::chrono::seconds(61)));  // the window slid
    b.drives[0].state = DriveState::failed;
    b.drives[0].health = Health::Critical;
    const Event failed = diffInventories(a, b).at(0);
    BOOST_TEST(failed.type == "io.raidmon.drive.failed");
    for (int i = 0; i < 50; ++i) BOOST_TEST(f.admit(failed, t0));
}

// md1 flaps: array.degraded is always admitted, array.optimal is rate-limited. The panel's last
// word must still be "optimal" when the array is optimal: the held-back one is released later.
BOOST_AUTO_TEST_CASE(the_last_event_held_back_is_released_when_the_window_has_room) {
    RateLimitOptions o;
    o.window = std::chrono::seconds(60);
    o.maxPerWindow = 2;
    EventFilter f(o);
    Event optimal;
    optimal.type = "io.raidmon.array.optimal";
    optimal.subject = "array/md1";
    optimal.message = "md1 is optimal again.";
    Event degraded = optimal;
    degraded.type = "io.raidmon.array.degraded";
    degraded.severity = Severity::warning;
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    using std::chrono::seconds;
    BOOST_TEST(!f.nextRelease().has_value());
    for (int i = 0; i < 4; ++i) {
        BOOST_TEST(f.admit(degraded, t0 + seconds(2 * i)));
        optimal.id = "id-" + std::to_string(i);
        BOOST_TEST(f.admit(optimal, t0 + seconds(2 * i + 1)) == (i < 2));
    }
    // Two optimal held back; the newest (id-3) is the entity's last word, the only one held
    // since md1's last admitted event (the degraded before it).
    BOOST_TEST(f.suppressed() == 2u);
    BOOST_TEST_REQUIRE(f.nextRelease().has_value());
    BOOST_TEST((*f.nextRelease() == t0 + seconds(1) + seconds(60)));
    BOOST_TEST(f.release(t0 + seconds(30)).empty());
    auto out = f.release(t0 + seconds(61));
    BOOST_TEST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].id == "id-3");
    BOOST_TEST(out[0].message.find("(1 similar event held back by the rate limit; this is the latest)") != std::string::npos, out[0].message);
    BOOST_TEST(!f.nextRelease().has_value());
    BOOST_TEST(f.release(t0 + seconds(200)).empty());

    // Held back, then superseded by a newer event of the same entity: never released.
    EventFilter g(o);
    for (int i = 0; i < 4; ++i) g.admit(optimal, t0 + seconds(i));
    BOOST_TEST(g.nextRelease().has_value());
    BOOST_TEST(g.release(t0 + seconds(61)).at(0).message.find("(2 similar events held back") != std::string::npos);
    for (int i = 0; i < 3; ++i) g.admit(optimal, t0 + seconds(70 + i));
    BOOST_TEST(g.admit(degraded, t0 + seconds(75)));
    BOOST_TEST(!g.nextRelease().has_value());
    BOOST_TEST(g.release(t0 + seconds(500)).empty());
}
