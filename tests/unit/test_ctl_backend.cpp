// SPDX-License-Identifier: LGPL-2.1-or-later
// Controller backends and actions through the CommandRunner seam: the commands in order, their
// output, and every way a tool goes wrong (missing, hanging, failing, printing garbage, lying).
#define BOOST_TEST_MODULE ctl_backend
#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>

#include <raidmon/controllers.hpp>
#include <raidmon/inventory.hpp>

#include "fake_runner.hpp"
#include "model_print.hpp"
#include "replay_runner.hpp"
#include "testdata.hpp"

using namespace raidmon;
using test::FakeCommandRunner;
namespace fs = std::filesystem;

namespace {

using Argv = std::vector<std::string>;

// storcli answers an action with a Command Status only; the shape is the one of the failure
// captures (storcli/storcli-c0-e252-s7-set-good-J-failure.json) with "Success".
const std::string kLocateOk =
    R"({"Controllers":[{"Command Status":{"Controller":0,"Status":"Success","Description":"Start Drive Locate Succeeded."}}]})";

const std::string kDrives = "storcli/storcli-call-eall-sall-show-all-J-m5015.json";
const Argv kRead = {"storcli64", "/c0/e252/s0", "show", "all", "J"};

Context contextWith(std::shared_ptr<CommandRunner> r) {
    Context ctx;
    ctx.runner = std::move(r);
    return ctx;
}

DriveAddress slot0() { return DriveAddress{"megaraid", "megaraid:c0", "/c0/e252/s0", std::string("ZL2PVFA8")}; }

} // namespace

BOOST_AUTO_TEST_CASE(locate_on_finds_the_tool_checks_identity_acts_and_reads_back) {
    auto fake = std::make_shared<FakeCommandRunner>();
    fake->expectError({"storcli64", "/c0/e252/s0", "show", "all", "J"}, errc::not_found, "storcli64: not found in PATH")
        .expect({"storcli", "/c0/e252/s0", "show", "all", "J"}, test::readData(kDrives))
        .expect({"storcli", "/c0/e252/s0", "start", "locate", "J"}, kLocateOk)
        .expect({"storcli", "/c0/e252/s0", "show", "all", "J"}, test::readData(kDrives));
    auto r = runControllerAction(contextWith(fake), slot0(), ControllerAction::locateOn);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->before.serial.value() == "ZL2PVFA8");
    BOOST_TEST(r->commands.size() == 3u);
    BOOST_TEST(r->commands[1] == "storcli /c0/e252/s0 start locate J");
}

BOOST_AUTO_TEST_CASE(destructive_actions_need_the_policy_and_run_nothing_without_it) {
    auto fake = std::make_shared<FakeCommandRunner>();  // no command may run
    for (auto a : {ControllerAction::setGood, ControllerAction::setOffline, ControllerAction::setMissing,
                   ControllerAction::startRebuild, ControllerAction::makeHotSpare}) {
        auto r = runControllerAction(contextWith(fake), slot0(), a);
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is(errc::refused));
    }
    BOOST_TEST(fake->calls().empty());
}

BOOST_AUTO_TEST_CASE(a_different_drive_in_the_slot_is_refused_before_acting) {
    auto fake = std::make_shared<FakeCommandRunner>();
    fake->expect(kRead, test::readData(kDrives));
    auto addr = slot0();
    addr.expectedSerial = "WRONGSERIAL";
    auto r = runControllerAction(contextWith(fake), addr, ControllerAction::locateOn);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::refused));
    BOOST_TEST(r.error().message.find("ZL2PVFA8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tool_failure_status_is_an_error_even_with_exit_0) {
    auto fake = std::make_shared<FakeCommandRunner>();
    fake->expect(kRead, test::readData(kDrives))
        .expect({"storcli64", "/c0/e252/s0", "set", "good", "J"},
                test::readData("storcli/storcli-c0-e252-s7-set-good-J-failure.json"));
    auto r = runControllerAction(contextWith(fake), slot0(), ControllerAction::setGood, ActionPolicy{true});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::command_failed));
    BOOST_TEST(r.error().message.find("Operation not allowed") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(success_that_does_not_read_back_is_an_error) {
    auto fake = std::make_shared<FakeCommandRunner>();
    fake->expect(kRead, test::readData(kDrives))
        .expect({"storcli64", "/c0/e252/s0", "set", "offline", "J"}, kLocateOk)
        .expect(kRead, test::readData(kDrives));  // still "Onln"
    auto r = runControllerAction(contextWith(fake), slot0(), ControllerAction::setOffline, ActionPolicy{true});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().is(errc::command_failed));
    BOOST_TEST(r.error().message.find("'Onln'") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(hanging_missing_failing_and_garbage_tools) {
    {  // a tool that hangs: the runner kills it at the limit and says so
        auto fake = std::make_shared<FakeCommandRunner>();
        fake->expect(kRead, test::readData(kDrives))
            .expectError({"storcli64", "/c0/e252/s0", "start", "locate", "J"}, errc::command_timeout, "timed out after 60000 ms");
        auto r = runControllerAction(contextWith(fake), slot0(), ControllerAction::locateOn);
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is(errc::command_timeout));
        BOOST_TEST(r.error().message.find("storcli64 /c0/e252/s0 start locate J") != std::string::npos);
    }
    {  // no storcli at all
        auto fake = std::make_shared<FakeCommandRunner>();
        for (auto t : {"storcli64", "storcli", "perccli64", "perccli", "/opt/MegaRAID/storcli/storcli64",
                       "/opt/MegaRAID/perccli/perccli64", "/opt/lsi/storcli/storcli"})
            fake->expectError({t, "/call", "show", "all", "J"}, errc::not_found, std::string(t) + ": not found");
        auto r = scanMegaraid(contextWith(fake));
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is(errc::not_found));
        BOOST_TEST(r.error().message.find("perccli64") != std::string::npos);
    }
    {  // exits non-zero and prints no JSON
        auto fake = std::make_shared<FakeCommandRunner>();
        fake->expect({"storcli64", "/call", "show", "all", "J"}, "Segmentation fault\n", 139);
        auto r = scanMegaraid(contextWith(fake));
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is(errc::command_failed));
    }
    {  // exit 0 and garbage
        auto fake = std::make_shared<FakeCommandRunner>();
        fake->expect({"storcli64", "/call", "show", "all", "J"}, std::string("\x7f" "ELF\x01\x02\0 garbage", 15));
        auto r = scanMegaraid(contextWith(fake));
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().is(errc::parse_error));
        BOOST_TEST(r.error().message.find("storcli64 /call show all J") != std::string::npos);
    }
    {  // ssacli on a host without a Smart Array
        auto fake = std::make_shared<FakeCommandRunner>();
        fake->expect({"ssacli", "ctrl", "all", "show", "config", "detail"}, "\nError: No controllers detected.\n", 1);
        auto r = scanSmartArray(contextWith(fake));
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST(r->controllers.empty());
    }
}

BOOST_AUTO_TEST_CASE(smartarray_and_adaptec_locate_commands) {
    const std::string p400 = test::readData("ssacli/ssacli-ctrl-all-show-config-detail-P400i-battery-failed-unassigned.txt");
    auto fake = std::make_shared<FakeCommandRunner>();
    fake->expect({"ssacli", "ctrl", "slot=0", "pd", "1I:1:3", "show", "detail"}, p400)
        .expect({"ssacli", "ctrl", "slot=0", "pd", "1I:1:3", "modify", "led=on"}, "")
        .expect({"ssacli", "ctrl", "slot=0", "pd", "1I:1:3", "show", "detail"}, p400);
    auto r = runControllerAction(contextWith(fake), DriveAddress{"smartarray", "smartarray:slot0", "1I:1:3", std::nullopt},
                                 ControllerAction::locateOn);
    BOOST_TEST(r.has_value(), (r ? "" : r.error().message));

    const std::string arc = test::readData("arcconf/arcconf-getconfig-al-6405-optimal-issue47.txt");
    auto fa = std::make_shared<FakeCommandRunner>();
    fa->expect({"arcconf", "GETCONFIG", "1", "PD", "0", "3"}, arc)
        .expect({"arcconf", "IDENTIFY", "1", "DEVICE", "0", "3", "TIME", "3600", "noprompt"}, "Command completed successfully.\n")
        .expect({"arcconf", "GETCONFIG", "1", "PD", "0", "3"}, arc);
    auto ra = runControllerAction(contextWith(fa), DriveAddress{"adaptec", "adaptec:c1", "0 3", std::nullopt},
                                  ControllerAction::locateOn);
    BOOST_TEST(ra.has_value(), (ra ? "" : ra.error().message));
    auto fb = std::make_shared<FakeCommandRunner>();
    fb->expect({"arcconf", "GETCONFIG", "1", "PD", "0", "3"}, arc)
        .expect({"arcconf", "IDENTIFY", "1", "DEVICE", "0", "3", "STOP", "noprompt"}, "Command aborted.\n", 2);
    auto rb = runControllerAction(contextWith(fb), DriveAddress{"adaptec", "adaptec:c1", "0 3", std::nullopt},
                                  ControllerAction::locateOff);
    BOOST_TEST_REQUIRE(!rb.has_value());
    BOOST_TEST(rb.error().is(errc::command_failed));
}

BOOST_AUTO_TEST_CASE(megaraid_scan_joins_commands_and_maps_did_to_serial) {
    auto replay = std::make_shared<test::ReplayRunner>("megaraid-m5015.json");
    auto r = scanMegaraid(contextWith(replay));
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    BOOST_TEST(r->controllers.size() == 1u);
    BOOST_TEST(r->arrays.size() == 1u);
    BOOST_TEST(r->drives.size() == 6u);
    for (const auto& m : r->arrays[0].members) BOOST_TEST(m.drive.value().rfind("wwn-0x5000c500", 0) == 0u);
    auto targets = smartctlTargets(*r);
    auto t = std::find_if(targets.begin(), targets.end(), [](const SmartctlTarget& x) { return x.type == "megaraid,34"; });
    BOOST_TEST_REQUIRE((t != targets.end()));
    BOOST_TEST(t->serial.value() == "ZL2PVFA8");
    BOOST_TEST(t->slot.value() == 0);
    // The public smartctl --scan capture lists megaraid,0 and ,1: no drive of this host has those DIDs.
    auto none = joinSmartctlScan(test::readData("smartctl-json/scan-megaraid.json"), *r);
    BOOST_TEST_REQUIRE(none.has_value());
    BOOST_TEST(none->empty());
    auto one = joinSmartctlScan(R"({"devices":[{"name":"/dev/bus/0","type":"megaraid,34","protocol":"SCSI"}]})", *r);
    BOOST_TEST_REQUIRE(one.has_value());
    BOOST_TEST(one->at(0).device.value() == "/dev/bus/0");
    BOOST_TEST(one->at(0).serial.value() == "ZL2PVFA8");
    BOOST_TEST(!joinSmartctlScan("{\"devices\":[{\"type\":3}]}", *r).has_value());
}

namespace {

struct SysTree {
    fs::path root = fs::temp_directory_path() / ("raidmon-ctl-" + std::to_string(::getpid()));
    SysTree() {
        fs::remove_all(root);
        auto dev = root / "sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0";
        fs::create_directories(dev);
        fs::create_directories(root / "sys/bus/pci/devices");
        fs::create_directories(root / "sys/bus/pci/drivers/megaraid_sas");
        fs::create_directories(root / "sys/class/block");
        fs::create_directories(root / "proc");
        auto put = [](const fs::path& p, const std::string& v) { std::ofstream(p) << v << "\n"; };
        put(dev / "class", "0x010400");  // PCI class 01h/04h: RAID bus controller
        put(dev / "vendor", "0x1000");
        put(dev / "device", "0x0079");   // LSI SAS2108 (MegaRAID), the ServeRAID M5015 chip
        fs::create_directory_symlink(root / "sys/bus/pci/drivers/megaraid_sas", dev / "driver");
        fs::create_directory_symlink(root / "sys/bus/pci", dev / "subsystem");
        fs::create_directory_symlink(dev, root / "sys/bus/pci/devices/0000:0a:00.0");
        put(root / "proc/mdstat", "Personalities : \nunused devices: <none>");
    }
    ~SysTree() { fs::remove_all(root); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(status_shows_megaraid_arrays_and_drives, SysTree) {
    Context ctx = makeRootContext(root);
    ctx.runner = std::make_shared<test::ReplayRunner>("megaraid-m5015.json");
    ScanOptions so;
    so.probeSignatures = false;
    auto inv = scanInventory(ctx, so);
    BOOST_TEST_REQUIRE(inv.has_value(), (inv ? "" : inv.error().message));
    BOOST_TEST_REQUIRE(inv->controllers.size() == 1u);
    const auto& c = inv->controllers[0];
    BOOST_TEST(c.id == "0000:0a:00.0");
    BOOST_TEST(c.kind == "megaraid");
    BOOST_TEST(c.model.value() == "ServeRAID M5015 SAS/SATA Controller");
    BOOST_TEST(c.batteryStatus.value() == "Optimal");
    BOOST_TEST_REQUIRE(inv->arrays.size() == 1u);
    BOOST_TEST(inv->arrays[0].kind == "megaraid");
    BOOST_TEST(inv->arrays[0].controller.value() == "0000:0a:00.0");
    BOOST_TEST(inv->drives.size() == 6u);
    for (const auto& d : inv->drives) {
        BOOST_TEST(d.location.controller.value() == "0000:0a:00.0");
        BOOST_TEST(d.serial.has_value());
    }
    BOOST_TEST(inv->health == Health::OK);
}

BOOST_FIXTURE_TEST_CASE(status_with_no_tool_installed_is_a_note, SysTree) {
    Context ctx = makeRootContext(root);
    auto fake = std::make_shared<FakeCommandRunner>();
    for (auto t : {"storcli64", "storcli", "perccli64", "perccli", "/opt/MegaRAID/storcli/storcli64",
                   "/opt/MegaRAID/perccli/perccli64", "/opt/lsi/storcli/storcli"})
        fake->expectError({t, "/call", "show", "all", "J"}, errc::not_found, std::string(t) + ": not found");
    ctx.runner = fake;
    ScanOptions so;
    so.probeSignatures = false;
    auto inv = scanInventory(ctx, so);
    BOOST_TEST_REQUIRE(inv.has_value());
    BOOST_TEST(inv->arrays.empty());
    bool noted = false;
    for (const auto& n : inv->notes) noted = noted || n.find("hardware RAID (megaraid)") != std::string::npos;
    BOOST_TEST(noted);
}
