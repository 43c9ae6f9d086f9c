// SPDX-License-Identifier: LGPL-2.1-or-later
// The hot-swap assistant on a hardware array: the real raidmond over the MegaRAID testbed (a
// ServeRAID M5015 whose RAID6 the kernel sees as one disk), with a storcli64 on PATH that answers
// from the real captures of that controller and lets the test play the drive in slot 3
// (fake-storcli.py): the controller takes it offline, a technician pulls it and inserts a blank
// drive, the controller does not rebuild by itself, raidmond makes the drive a hot spare after
// controller_rebuild_wait, the controller rebuilds, the VD is optimal again.
#define BOOST_TEST_MODULE hotswap_megaraid
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "agent_harness.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using namespace raidmon::test::agent;

namespace {

/// The agent with the storcli stand-in first on PATH; the test moves slot 3 through its phases.
class Rig {
public:
    explicit Rig(const std::string& hotswap) {
        state_ = t_.path / "storcli-state.json";
        events = t_.path / "events.jsonl";
        setPhase("failed");
        const auto bin = t_.path / "bin";
        fs::create_directories(bin);
        fs::create_symlink(RAIDMON_FAKE_STORCLI, bin / "storcli64");
        const char* path = std::getenv("PATH");
        oldPath_ = path ? path : "/usr/bin:/bin";
        ::setenv("PATH", (bin.string() + ":" + oldPath_).c_str(), 1);
        ::setenv("FAKE_STORCLI_STATE", state_.c_str(), 1);
        ::setenv("FAKE_STORCLI_DATA", RAIDMON_TEST_DATA, 1);
        const auto cfg = t_.path / "raidmond.toml";
        std::ofstream(cfg) << "[agent]\nheartbeat = 0\nmd_poll = \"200ms\"\nsmart_interval = 0\ncontroller_interval = \"1s\"\n"
                           << "rate_limit_max = 1000\nprogress_interval = 0\n[hotswap]\n" << hotswap << "\n[[sink]]\ntype = \"file\"\npath = \""
                           << events.string() << "\"\n";
        agent_ = std::make_unique<Child>(agentArgs(cfg, t_.path / "state", tb_), t_.path / "agent.log");
        waitControl(t_.path / "state");
    }
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;
    ~Rig() {
        agent_.reset();
        ::setenv("PATH", oldPath_.c_str(), 1);
    }
    void setPhase(const std::string& phase, int percent = 0) {
        const auto tmp = state_.string() + ".tmp";
        std::ofstream(tmp) << R"({"slot": 3, "phase": ")" << phase
                           << R"(", "serial": "ZNEW0001", "wwn": "5000C500DC79FFFF", "rebuild_percent": )" << percent << "}\n";
        fs::rename(tmp, state_);
    }
    std::string phase() const { return Json::parse(slurp(state_))["phase"].get<std::string>(); }
    std::string storcliLog() const { return fs::exists(state_.string() + ".log") ? slurp(state_.string() + ".log") : ""; }
    std::string unexpected() const { return fs::exists(state_.string() + ".unexpected") ? slurp(state_.string() + ".unexpected") : ""; }
    std::string log() const { return slurp(t_.path / "agent.log"); }
    int stop() { return agent_->stop(SIGTERM); }

    Json waitHotswap(const std::string& what, std::chrono::milliseconds timeout = 20s) {
        auto evs = waitEvents(events, [&](const auto& e) { return countType(e, "hotswap." + what) >= 1; }, timeout);
        for (const auto& e : evs)
            if (e["type"] == "io.raidmon.hotswap." + what) return e;
        std::string seen;
        for (const auto& e : evs) seen += e["type"].get<std::string>() + " ";
        BOOST_FAIL("no io.raidmon.hotswap." << what << "; events: " << seen << "\nstorcli: " << storcliLog() << "\nagent log: " << log());
        return {};
    }

    fs::path events;

private:
    Testbed tb_{testbedDir("megaraid")};
    TempDir t_;
    fs::path state_;
    std::string oldPath_;
    std::unique_ptr<Child> agent_;
};

const Json& snapshot(const Json& ev) { return ev["data"]["entity"]["snapshot"]; }

} // namespace

BOOST_AUTO_TEST_CASE(offline_drive_replaced_and_rebuilt_through_a_hot_spare) {
    Rig rig("add = \"auto\"\ncontroller_rebuild_wait = \"2s\"");
    // The controller took slot 3 offline: an incident for that drive, its bay lit by the controller.
    Json ev = rig.waitHotswap("awaiting_removal");
    BOOST_TEST(snapshot(ev)["drive"]["serial"] == "ZL2M2WQ3");
    BOOST_TEST(snapshot(ev)["array_kind"] == "megaraid");
    BOOST_TEST(snapshot(ev)["slot"] == 3);
    BOOST_TEST(snapshot(ev)["removal_verdict"] == "safe", snapshot(ev).dump());  // it no longer serves the VD
    BOOST_TEST(rig.storcliLog().find("storcli64 /c0/e252/s3 start locate J") != std::string::npos, rig.log());

    rig.setPhase("pulled");
    rig.waitHotswap("awaiting_insertion");
    rig.setPhase("inserted");
    ev = rig.waitHotswap("verified");
    BOOST_TEST(snapshot(ev)["replacement"]["serial"] == "ZNEW0001");
    // The controller does not rebuild by itself: after controller_rebuild_wait raidmond makes the
    // new drive a hot spare (the slot's serial checked first), which starts the rebuild.
    ev = rig.waitHotswap("rebuilding");
    const std::string log = rig.storcliLog();
    const auto check = log.find("storcli64 /c0/e252/s3 show all J");
    const auto spare = log.find("storcli64 /c0/e252/s3 add hotsparedrive J");
    BOOST_TEST_REQUIRE(spare != std::string::npos, log);
    BOOST_TEST(check < spare, "the drive is read before it is changed: " << log);
    BOOST_TEST(rig.phase() == "rebuilding");
    BOOST_TEST(snapshot(ev)["findings"].dump().find("made a hot spare") != std::string::npos, snapshot(ev).dump());

    rig.setPhase("rebuilding", 50);
    ev = rig.waitHotswap("progress");
    BOOST_TEST(ev["data"]["message"].get<std::string>().find("50 %") != std::string::npos, ev["data"]["message"]);
    rig.setPhase("done");
    ev = rig.waitHotswap("completed");
    BOOST_TEST(snapshot(ev)["state"] == "completed");
    // Lights off at the end, through the controller; nothing but known commands was asked of storcli.
    for (int i = 0; i < 100 && rig.storcliLog().find("/c0/e252/s3 stop locate J") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    BOOST_TEST(rig.storcliLog().find("storcli64 /c0/e252/s3 stop locate J") != std::string::npos, rig.log());
    BOOST_TEST(rig.unexpected().empty(), rig.unexpected());
    BOOST_TEST(rig.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_controller_that_rebuilds_by_itself_is_left_alone) {
    Rig rig("add = \"auto\"\ncontroller_rebuild_wait = \"2s\"");
    rig.waitHotswap("awaiting_removal");
    rig.setPhase("pulled");
    rig.waitHotswap("awaiting_insertion");
    rig.setPhase("rebuilding", 10);  // auto rebuild: the new drive goes straight to Rbld
    rig.waitHotswap("rebuilding");
    rig.setPhase("done");
    rig.waitHotswap("completed");
    BOOST_TEST(rig.storcliLog().find("hotsparedrive") == std::string::npos, rig.storcliLog());
    BOOST_TEST(rig.unexpected().empty(), rig.unexpected());
}
