// SPDX-License-Identifier: LGPL-2.1-or-later
// tools/record-sysfs.sh records a host; `raidmon status --root` on the recording must see the same
// host as the live scan. Recorded inside the sas12 testbed (the tool runs under umockdev's
// preload, so its /sys is the testbed's), replayed from a plain directory.
#define BOOST_TEST_MODULE record_replay
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "testbed.hpp"

using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Everything but where the files were read from.
Json comparable(Json j) {
    j.erase("notes");
    for (auto* list : {&j["drives"], &j["enclosures"]})
        for (auto& e : *list) {
            e.erase("syspath");
            if (e.contains("slots"))
                for (auto& s : e["slots"]) s.erase("syspath");
        }
    for (auto& d : j["drives"]) d.erase("devnode");
    for (auto& a : j["arrays"]) a.erase("devnode");  // under the recording's own dev/
    return j;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_recording_replays_as_the_live_host) {
    Testbed tb(testbedDir("sas12"));
    fs::path tarball = tb.root() / "recording.tar.xz";
    auto rec = tb.run({"/bin/bash", RAIDMON_SOURCE "/tools/record-sysfs.sh", tarball.string()}, std::chrono::seconds(120),
                      {"RECORD_PROC=" + (tb.root() / "proc").string(), "RECORD_ETC=" + (tb.root() / "etc").string()});
    BOOST_REQUIRE_MESSAGE(rec.exitStatus == 0, rec.err);
    fs::path dir = tb.root() / "replay";
    fs::create_directories(dir);
    BOOST_REQUIRE(std::system(("tar -xJf '" + tarball.string() + "' -C '" + dir.string() + "'").c_str()) == 0);

    auto live = tb.run({RAIDMON_CLI, "status", "--json", "--no-device-io", "--proc", "@TB@/proc", "--etc", "@TB@/etc"});
    auto replay = tb.run({RAIDMON_CLI, "status", "--json", "--root", dir.string()});
    Json a = Json::parse(live.out, nullptr, false), b = Json::parse(replay.out, nullptr, false);
    BOOST_REQUIRE(!a.is_discarded());
    BOOST_REQUIRE_MESSAGE(!b.is_discarded(), replay.err);
    BOOST_TEST(live.exitStatus == replay.exitStatus);
    BOOST_TEST(b["drives"].size() == 11u);
    BOOST_TEST(b["enclosures"][0]["slots"][3]["device"] == "sdd");
    Json ca = comparable(a), cb = comparable(b);
    if (ca != cb) {
        auto patch = Json::diff(ca, cb);
        BOOST_ERROR("the replay differs from the live scan: " << patch.dump().substr(0, 2000));
    }
}
