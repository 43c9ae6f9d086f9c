// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon status` — the real binary — on a server whose disks sit behind a MegaRAID controller:
// the kernel sees one virtual disk (umockdev testbed "megaraid"), storcli64 (a replaying tool put
// first in PATH, answering with the real captures of that controller) sees the rest. The
// controller's arrays and drives must appear in the same tree as the kernel's view.
#define BOOST_TEST_MODULE hwraid_testbed
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "testbed.hpp"

using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(megaraid_arrays_and_drives_in_the_status_tree) {
    Testbed tb(testbedDir("megaraid"));
    fs::path bin = tb.root() / "toolbin";
    fs::create_directories(bin);
    fs::create_symlink(RAIDMON_REPLAY_TOOL, bin / "storcli64");
    fs::path recording = tb.root() / "megaraid-m5015.json";
    fs::copy_file(fs::path(RAIDMON_TEST_DATA) / "cmd" / "megaraid-m5015.json", recording);
    const char* path = std::getenv("PATH");
    auto r = tb.run({RAIDMON_CLI, "status", "--json", "--no-device-io", "--proc", "@TB@/proc", "--etc", "@TB@/etc"},
                    std::chrono::seconds(60),
                    {"PATH=" + bin.string() + ":" + (path ? path : "/usr/bin:/bin"),
                     "RAIDMON_REPLAY=" + recording.string(), "RAIDMON_REPLAY_DATA=" RAIDMON_TEST_DATA});
    BOOST_TEST_INFO("stderr: " << r.err);
    Json j = Json::parse(r.out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "no JSON: " << r.out.substr(0, 300));
    BOOST_TEST(!fs::exists(recording.string() + ".unexpected"));  // raidmon ran only recorded commands
    BOOST_TEST(r.exitStatus == 0);
    BOOST_TEST(j["health"] == "OK");
    // The PCI function and storcli's controller are one controller (matched by PCI address 0a:00.0).
    BOOST_REQUIRE(j["controllers"].size() == 1u);
    const Json& c = j["controllers"][0];
    BOOST_TEST(c["id"] == "0000:0a:00.0");
    BOOST_TEST(c["kind"] == "megaraid");
    BOOST_TEST(c["model"] == "ServeRAID M5015 SAS/SATA Controller");
    BOOST_TEST(c["battery"]["status"] == "Optimal");
    // The virtual disk RAID6 with its six members, next to (no md arrays here) the kernel's view.
    const Json* vd = nullptr;
    for (const auto& a : j["arrays"])
        if (a["kind"] == "megaraid") vd = &a;
    BOOST_REQUIRE(vd);
    BOOST_TEST((*vd)["level"] == "raid6");
    BOOST_TEST((*vd)["state"] == "optimal");
    BOOST_TEST((*vd)["members"].size() == 6u);
    BOOST_TEST((*vd)["controller"] == "0000:0a:00.0");
    // The kernel's disk is the controller's virtual disk, not a drive of its own.
    for (const auto& d : j["drives"])
        if (d["kernel_name"] == "sda") {
            BOOST_TEST(d["role"] == "hw-raid-volume");
            BOOST_TEST(d["media"].is_null());
        }
    // Physical drives the kernel cannot see: enclosure 252, their slots, serials from storcli.
    int behind = 0;
    for (const auto& d : j["drives"]) {
        if (d["location"]["enclosure"].is_null() || d["location"]["enclosure"].get<std::string>().find("252") == std::string::npos)
            continue;
        ++behind;
        BOOST_TEST(!d["serial"].is_null());
        BOOST_TEST(d["location"]["controller"] == "0000:0a:00.0");
        BOOST_TEST(!d["location"]["megaraid_did"].is_null());
    }
    BOOST_TEST(behind == 6);
    // the member ids of the VD are those drives
    for (const auto& m : (*vd)["members"]) {
        bool found = false;
        for (const auto& d : j["drives"]) found = found || d["id"] == m["drive"];
        BOOST_TEST(found, "member " << m["drive"] << " is a listed drive");
    }
}
