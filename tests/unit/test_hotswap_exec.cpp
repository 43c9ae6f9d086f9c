// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's executor of hot-swap actions that reach tools (libraidmon/src/agent/hotswap_exec.cpp):
// the commands it runs through the CommandRunner seam, in order, and what it reports when they
// fail. The MegaRAID answers are the real M5015 capture with the drive's "State" field changed to
// the state the step needs (UGood before, Rbld after "add hotsparedrive").
#define BOOST_TEST_MODULE hotswap_exec
#include <boost/test/unit_test.hpp>

#include "daemon/hotswap_exec.hpp"
#include "fake_runner.hpp"
#include "temp_dir.hpp"
#include "testdata.hpp"

using namespace raidmon;
using raidmon::agent::runHotswapAction;
using test::FakeCommandRunner;

namespace {

using Argv = std::vector<std::string>;
const Argv kRead = {"storcli64", "/c0/e252/s0", "show", "all", "J"};
const std::string kOk = R"({"Controllers":[{"Command Status":{"Controller":0,"Status":"Success","Description":"Add Hot Spare Succeeded."}}]})";

/// The capture with drive /c0/e252/s0 (the first "State" of the file) in `state`.
std::string captureWith(const std::string& state) {
    std::string s = test::readData("storcli/storcli-call-eall-sall-show-all-J-m5015.json");
    const std::string from = "\"State\": \"Onln\"";
    const auto at = s.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), "\"State\": \"" + state + "\"");
}

struct Rig {
    std::shared_ptr<FakeCommandRunner> fake = std::make_shared<FakeCommandRunner>();
    Context ctx;
    Inventory inv;
    HotswapAction a;
    test::TempDir state;
    Rig() {
        ctx.runner = fake;
        Drive d;
        d.id = "ST16000NM001G-2KK103_ZL2PVFA8";
        d.serial = "ZL2PVFA8";
        d.location.controller = "megaraid:c0";
        d.controllerView = ControllerDriveInfo{};
        d.controllerView->address = "/c0/e252/s0";
        d.controllerView->state = "UGood";
        d.state = DriveState::unconfigured;
        inv.drives.push_back(d);
        a.kind = HotswapActionKind::ctl_hot_spare;
        a.incidentId = "0f1e2d3c-0000-4000-8000-000000000001";
        a.driveId = d.id;
        a.serial = d.serial;
    }
    agent::ActionOutcome run() { return runHotswapAction(ctx, inv, a, state.path); }
};

} // namespace

BOOST_AUTO_TEST_CASE(hot_spare_checks_the_serial_acts_and_reads_back) {
    Rig r;
    r.fake->expect(kRead, captureWith("UGood"))
        .expect({"storcli64", "/c0/e252/s0", "add", "hotsparedrive", "J"}, kOk)
        .expect(kRead, captureWith("Rbld"));
    auto out = r.run();
    BOOST_TEST(out.ok, out.message);
    BOOST_TEST(out.message.find("storcli64 /c0/e252/s0 add hotsparedrive J") != std::string::npos, out.message);
    BOOST_TEST(out.message.find("now Rbld") != std::string::npos, out.message);
    BOOST_TEST(r.fake->calls().size() == 3u);
}

BOOST_AUTO_TEST_CASE(another_drive_in_the_slot_is_not_touched) {
    Rig r;
    r.a.serial = "Z1Z3A9NEW0000";  // the verified replacement, but the slot now holds ZL2PVFA8
    r.fake->expect(kRead, captureWith("UGood"));
    auto out = r.run();
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.message.find("serial ZL2PVFA8, not Z1Z3A9NEW0000") != std::string::npos, out.message);
    BOOST_TEST(r.fake->calls().size() == 1u);  // read only
}

BOOST_AUTO_TEST_CASE(a_refusal_of_the_controller_is_reported_with_its_words) {
    Rig r;
    r.fake->expect(kRead, captureWith("UGood"))
        .expect({"storcli64", "/c0/e252/s0", "add", "hotsparedrive", "J"},
                test::readData("storcli/storcli-c0-e252-s7-set-good-J-failure.json"));
    auto out = r.run();
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.message.find("Operation not allowed") != std::string::npos, out.message);
}

BOOST_AUTO_TEST_CASE(a_replacement_gone_from_the_scan_runs_nothing) {
    Rig r;
    r.inv.drives.clear();
    auto out = r.run();
    BOOST_TEST(!out.ok);
    BOOST_TEST(out.message.find("not in the last scan") != std::string::npos, out.message);
    BOOST_TEST(r.fake->calls().empty());
}
