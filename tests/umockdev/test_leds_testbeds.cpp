// SPDX-License-Identifier: LGPL-2.1-or-later
// `raidmon locate`, `leds` and `identify` — the real binary — inside umockdev testbeds: the light
// that changes is exactly the bay's (every locate/fault attribute of every enclosure is compared
// before and after), for a drive named by devnode, serial, WWN, slot label and ENCLOSURE:SLOT,
// and for a drive that has vanished (found through the slot memory a first run filled); a write
// that does not take is reported; PCIe attention on NVMe bays; a lease that expires across two
// invocations; the server identify light through a fake ipmitool first in PATH.
#define BOOST_TEST_MODULE leds_testbeds
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "enclosure_lights.hpp"
#include "testbed.hpp"

using raidmon::test::RunResult;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> cli(std::vector<std::string> args, bool json = false) {
    std::vector<std::string> a = {RAIDMON_CLI};
    a.insert(a.end(), args.begin(), args.end());
    for (const char* g : {"--no-device-io", "--proc", "@TB@/proc", "--etc", "@TB@/etc", "--state-dir", "@TB@/state"}) a.push_back(g);
    if (json) a.push_back("--json");
    return a;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::string s;
    std::getline(f, s);
    return s;
}

using raidmon::test::changedLights;
using raidmon::test::enclosureLights;

Json statusJson(Testbed& tb) {
    auto r = tb.run(cli({"status"}, true));
    Json j = Json::parse(r.out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "status printed no JSON: " << r.err);
    return j;
}

const Json& driveByName(const Json& j, const std::string& kname) {
    for (const auto& d : j["drives"])
        if (d["kernel_name"] == kname) return d;
    BOOST_FAIL("no drive " << kname);
    return j;
}

std::string findSyspath(const Testbed& tb, const std::string& name) {
    auto link = tb.root() / "sys" / "block" / name;
    return "/sys" + fs::canonical(link).string().substr((tb.root() / "sys").string().size());
}

/// Locate on, check that exactly `expect` changed to 1, then off and check all is as before.
void lightsExactly(Testbed& tb, const std::string& what, const std::string& expect, bool vanished = false) {
    BOOST_TEST_CONTEXT("locate " << what) {
        auto before = enclosureLights(tb);
        auto on = tb.run(cli({"locate", what, "on"}, true));
        BOOST_TEST_INFO("stderr: " << on.err);
        BOOST_REQUIRE(on.exitStatus == 0);
        Json j = Json::parse(on.out, nullptr, false);
        BOOST_REQUIRE(!j.is_discarded());
        BOOST_TEST(j["backend"] == "ses-sysfs");
        BOOST_TEST(j["verified"] == true);
        BOOST_TEST(j["from_slot_memory"] == vanished);
        BOOST_TEST(!j["expires_at"].is_null());
        auto diff = changedLights(before, enclosureLights(tb));
        BOOST_REQUIRE(diff.size() == 1u);
        BOOST_TEST(diff.begin()->first == expect);
        BOOST_TEST(diff.begin()->second == "1");
        auto off = tb.run(cli({"locate", what, "off"}));
        BOOST_TEST_INFO("stderr: " << off.err);
        BOOST_TEST(off.exitStatus == 0);
        BOOST_TEST(changedLights(before, enclosureLights(tb)).empty());
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(sas12_right_bay_by_every_name_and_after_the_drive_vanished) {
    Testbed tb(testbedDir("sas12"));
    Json st = statusJson(tb);  // fills the slot memory
    BOOST_REQUIRE(fs::exists(tb.root() / "state" / "slots.json"));
    const Json& sdf = driveByName(st, "sdf");
    const Json& sdg = driveByName(st, "sdg");
    const Json& sdh = driveByName(st, "sdh");
    BOOST_REQUIRE(sdf["location"]["slot"] == 5);
    lightsExactly(tb, "/dev/sdc", "0:0:12:0/Slot02/locate");
    lightsExactly(tb, "sde", "0:0:12:0/Slot04/locate");
    lightsExactly(tb, sdf["serial"].get<std::string>(), "0:0:12:0/Slot05/locate");
    lightsExactly(tb, sdg["wwn"].get<std::string>(), "0:0:12:0/Slot06/locate");
    lightsExactly(tb, "Slot08", "0:0:12:0/Slot08/locate");
    lightsExactly(tb, "0x5003048017b0f07f:10", "0:0:12:0/Slot10/locate");

    // bay 3's fault light was lit by someone else (the testbed's failed drive): off leaves it on
    auto before = enclosureLights(tb);
    BOOST_REQUIRE(before["0:0:12:0/Slot03/fault"] == "1");
    auto off = tb.run(cli({"locate", "sdd", "off"}));
    BOOST_TEST(off.exitStatus == 1);
    BOOST_TEST(off.out.find("CONFLICT") != std::string::npos);
    BOOST_TEST(enclosureLights(tb)["0:0:12:0/Slot03/fault"] == "1");

    // sdh is pulled: gone from sysfs; its bay is still found by serial and by WWN
    fs::remove_all(fs::path(tb.root() / findSyspath(tb, "sdh").substr(1)).parent_path().parent_path());
    BOOST_REQUIRE(!fs::exists(tb.root() / "sys" / "block" / "sdh" / "device"));
    lightsExactly(tb, sdh["serial"].get<std::string>(), "0:0:12:0/Slot07/locate", true);
    lightsExactly(tb, sdh["id"].get<std::string>(), "0:0:12:0/Slot07/locate", true);
    auto gone = tb.run(cli({"locate", "sdh", "on"}));  // kernel names are not remembered
    BOOST_TEST(gone.exitStatus == 3);  // not found: 3, as for every subcommand (raidmon(8))
    BOOST_TEST(gone.err.find("'sdh'") != std::string::npos);

    // a locate attribute that cannot be written is reported, naming backend and file
    auto slot9 = fs::canonical(tb.root() / "sys" / "class" / "enclosure" / "0:0:12:0") / "Slot09";
    fs::remove(slot9 / "locate");
    fs::create_directory(slot9 / "locate");
    auto bad = tb.run(cli({"locate", "sdj", "on"}));
    BOOST_TEST(bad.exitStatus == 2);
    BOOST_TEST(bad.err.find("ses-sysfs") != std::string::npos);
    BOOST_TEST(bad.err.find("Slot09/locate") != std::string::npos);

    // the leases list shows nothing left on by the runs above
    auto leds = tb.run(cli({"leds"}, true));
    Json lj = Json::parse(leds.out, nullptr, false);
    BOOST_REQUIRE(!lj.is_discarded());
    BOOST_TEST(lj["leases"].empty());
}

BOOST_AUTO_TEST_CASE(jbod120_same_label_in_two_enclosures) {
    Testbed tb(testbedDir("jbod120"));
    Json st = statusJson(tb);
    auto amb = tb.run(cli({"locate", "SLOT 006", "on"}));
    BOOST_TEST(amb.exitStatus == 64);
    BOOST_TEST(amb.err.find("0x5000ccab0405e17f:6") != std::string::npos);
    BOOST_TEST(amb.err.find("0x5000ccab0405f23f:6") != std::string::npos);
    // the enclosure's SCSI address, to name the component directory the light must land in
    std::map<std::string, std::string> scsi;
    for (const auto& e : st["enclosures"]) scsi[e["id"]] = e["scsi_address"];
    lightsExactly(tb, "0x5000ccab0405f23f:SLOT 006", scsi["0x5000ccab0405f23f"] + "/SLOT 006/locate");
    for (const auto& d : st["drives"]) {
        if (d["location"]["enclosure"] != "0x5000ccab0405f23f" || d["location"]["slot"] != 33) continue;
        lightsExactly(tb, d["serial"].get<std::string>(), scsi["0x5000ccab0405f23f"] + "/SLOT 033/locate");
        lightsExactly(tb, d["devnode"].get<std::string>(), scsi["0x5000ccab0405f23f"] + "/SLOT 033/locate");
    }
}

BOOST_AUTO_TEST_CASE(nvme2_pcie_attention_and_a_lease_that_expires_between_runs) {
    Testbed tb(testbedDir("nvme2"));
    const fs::path att0 = tb.root() / "sys/bus/pci/slots/0/attention";
    const fs::path att1 = tb.root() / "sys/bus/pci/slots/1/attention";
    auto on = tb.run(cli({"locate", "nvme1n1", "on"}));
    BOOST_TEST_INFO("stderr: " << on.err);
    BOOST_REQUIRE(on.exitStatus == 0);
    BOOST_TEST(on.out.find("pcie-attention") != std::string::npos);
    BOOST_TEST(slurp(att1) == "2");  // blink
    BOOST_TEST(slurp(att0) == "0");
    BOOST_TEST(tb.run(cli({"locate", "/dev/nvme1n1", "off"})).exitStatus == 0);
    BOOST_TEST(slurp(att1) == "0");
    auto fault = tb.run(cli({"locate", "PCIe slot 0", "on", "--pattern", "fault"}));
    BOOST_TEST(fault.exitStatus == 0);
    BOOST_TEST(slurp(att0) == "1");
    BOOST_TEST(tb.run(cli({"locate", "pcie:0", "off"})).exitStatus == 0);  // raidmon's own: no --force
    BOOST_TEST(slurp(att0) == "0");

    // a one-second lease, and a later invocation turning the light off
    BOOST_REQUIRE(tb.run(cli({"locate", "nvme0n1", "on", "--for", "1s"})).exitStatus == 0);
    BOOST_TEST(slurp(att0) == "2");
    auto human = tb.run(cli({"status"}));
    BOOST_TEST(human.out.find("Lights set by raidmon\n  pcie:0 PCIe slot 0  locate via pcie-attention") != std::string::npos);
    auto listed = tb.run(cli({"leds"}, true));
    Json lj = Json::parse(listed.out, nullptr, false);
    BOOST_REQUIRE(!lj.is_discarded());
    BOOST_REQUIRE(lj["leases"].size() == 1u);
    BOOST_TEST(lj["leases"][0]["backend"] == "pcie-attention");
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto exp = tb.run(cli({"leds", "--expire"}, true));
    BOOST_TEST_INFO("stderr: " << exp.err);
    BOOST_TEST(exp.exitStatus == 0);
    Json ej = Json::parse(exp.out, nullptr, false);
    BOOST_REQUIRE(!ej.is_discarded());
    BOOST_TEST(ej["expired"].size() == 1u);
    BOOST_TEST(ej["leases"].empty());
    BOOST_TEST(slurp(att0) == "0");

    // bad input: clear errors, exit 64
    auto badFor = tb.run(cli({"locate", "nvme0n1", "on", "--for", "10"}));
    BOOST_TEST(badFor.exitStatus == 64);
    BOOST_TEST(badFor.err.find("--for 10") != std::string::npos);
    auto badPattern = tb.run(cli({"locate", "nvme0n1", "on", "--pattern", "disco"}));
    BOOST_TEST(badPattern.exitStatus == 64);
    BOOST_TEST(badPattern.err.find("disco") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(server_identify_through_a_fake_ipmitool) {
    Testbed tb(testbedDir("nvme2"));
    // A fake ipmitool: records its arguments and keeps the identify state in a file.
    fs::create_directories(tb.root() / "fakebin");
    const fs::path tool = tb.root() / "fakebin" / "ipmitool";
    const fs::path stateFile = tb.root() / "fakebin" / "identify";
    {
        std::ofstream f(tool);
        f << "#!/bin/sh\n"
             "d=$(dirname \"$0\")\n"
             "echo \"$*\" >> \"$d/calls\"\n"
             "case \"$*\" in\n"
             "  'chassis identify 0') echo Off > \"$d/identify\"; echo 'Chassis identify interval: off' ;;\n"
             "  'chassis identify force') echo 'Indefinite On' > \"$d/identify\"; echo 'Chassis identify interval: indefinite' ;;\n"
             "  'chassis identify '*) echo 'Timed On' > \"$d/identify\"; echo \"Chassis identify interval: $3 seconds\" ;;\n"
             "  'chassis status') echo 'System Power         : on'; echo \"Chassis Identify State : $(cat \"$d/identify\" 2>/dev/null || echo Off)\" ;;\n"
             "  *) echo \"unexpected: $*\" >&2; exit 1 ;;\n"
             "esac\n";
    }
    fs::permissions(tool, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    const std::string oldPath = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", ((tb.root() / "fakebin").string() + ":" + oldPath).c_str(), 1);
    auto on = tb.run(cli({"identify", "on"}));
    BOOST_TEST_INFO("stderr: " << on.err);
    BOOST_TEST(on.exitStatus == 0);
    BOOST_TEST(slurp(stateFile) == "Indefinite On");
    auto listed = tb.run(cli({"leds"}));
    BOOST_TEST(listed.out.find("server:0") != std::string::npos);
    BOOST_TEST(listed.out.find("ipmitool") != std::string::npos);
    BOOST_TEST(tb.run(cli({"identify", "off"})).exitStatus == 0);
    BOOST_TEST(slurp(stateFile) == "Off");
    auto timed = tb.run(cli({"identify", "on", "--for", "2m"}));
    BOOST_TEST(timed.exitStatus == 0);
    BOOST_TEST(timed.out.find("turns the light off by itself after 120 s") != std::string::npos);
    BOOST_TEST(slurp(stateFile) == "Timed On");
    std::ifstream calls(tb.root() / "fakebin" / "calls");
    std::string all((std::istreambuf_iterator<char>(calls)), {});
    BOOST_TEST(all == "chassis identify force\nchassis status\nchassis identify 0\nchassis status\n"
                      "chassis identify 120\nchassis status\n");
    ::setenv("PATH", oldPath.c_str(), 1);
}

BOOST_AUTO_TEST_CASE(ledctl_as_the_last_resort_through_a_fake_ledctl) {
    Testbed tb(testbedDir("sas12"));
    // bay 4 shows no locate/fault attributes (an enclosure the kernel lists without them)
    auto slot4 = fs::canonical(tb.root() / "sys" / "class" / "enclosure" / "0:0:12:0") / "Slot04";
    fs::remove(slot4 / "locate");
    fs::remove(slot4 / "fault");
    fs::create_directories(tb.root() / "fakebin");
    const fs::path tool = tb.root() / "fakebin" / "ledctl";
    {
        std::ofstream f(tool);
        f << "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls\"\n";
    }
    fs::permissions(tool, fs::perms::owner_all);
    const std::string oldPath = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", ((tb.root() / "fakebin").string() + ":" + oldPath).c_str(), 1);
    auto before = enclosureLights(tb);
    auto on = tb.run(cli({"locate", "sde", "on"}));
    BOOST_TEST_INFO("stderr: " << on.err);
    BOOST_TEST(on.exitStatus == 1);  // done, but ledctl cannot read it back
    BOOST_TEST(on.out.find("via ledctl") != std::string::npos);
    BOOST_TEST(on.out.find("NOT verified") != std::string::npos);
    BOOST_TEST(changedLights(before, enclosureLights(tb)).empty());  // no sysfs attribute was touched
    BOOST_TEST(tb.run(cli({"locate", "sde", "off"})).exitStatus == 1);
    std::ifstream calls(tb.root() / "fakebin" / "calls");
    std::string all((std::istreambuf_iterator<char>(calls)), {});
    BOOST_TEST(all == "--listed-only locate=/dev/sde\n--listed-only locate_off=/dev/sde\n");
    ::setenv("PATH", oldPath.c_str(), 1);
}
