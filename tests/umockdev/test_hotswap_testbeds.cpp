// SPDX-License-Identifier: LGPL-2.1-or-later
// The hot-swap assistant end to end inside the sas12 testbed: the real raidmond (real libudev
// uevents, the SES bay lights of the testbed, incidents.json in its state directory), the real
// raidmon CLI, and an mdadm stand-in on PATH that records what the agent asks of md. The testbed
// starts with sdd (bay Slot03) failed out of md0 (RAID6 over sda..sdh).
// Every branch of the state machine that a technician can cause: the whole replacement, the
// wrong drive, a too-small or used replacement, the failed drive put back, an agent restart in the
// middle, a rebuild that fails, the operator's confirmation.
#define BOOST_TEST_MODULE hotswap_testbeds
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <umockdev.h>

#include "agent_harness.hpp"
#include "sas12_bay3.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using namespace raidmon::test::agent;
using namespace raidmon::test::sas12;

namespace {

std::string readAttr(const Testbed& tb, const std::string& dev, const std::string& name) {
    return slurp(tb.root() / dev.substr(1) / name);
}

/// One agent over the testbed with a file sink, a hot-swap policy, and the mdadm stand-in first
/// on its PATH.
class Rig {
public:
    Rig(Testbed& tb, const std::string& hotswapToml) : tb_(tb) {
        events = t_.path / "events.jsonl";
        state = t_.path / "state";
        mdadmLog = t_.path / "mdadm.log";
        const auto bin = t_.path / "bin";
        fs::create_directories(bin);
        // Never the real mdadm: it would act on this machine's /dev/md0.
        std::ofstream(bin / "mdadm") << "#!/bin/sh\necho \"$*\" >> " << mdadmLog.string() << "\n"
                                     << "[ -f " << (t_.path / "mdadm.fail").string() << " ] && { echo 'mdadm: add new device failed' >&2; exit 1; }\nexit 0\n";
        fs::permissions(bin / "mdadm", fs::perms::owner_all);
        // Nor the real wipefs: it would erase a disk of this machine.
        std::ofstream(bin / "wipefs") << "#!/bin/sh\necho \"wipefs $*\" >> " << mdadmLog.string() << "\n"
                                      << "[ -f " << (t_.path / "wipefs.fail").string() << " ] && { cat " << (t_.path / "wipefs.fail").string() << " >&2; exit 1; }\nexit 0\n";
        fs::permissions(bin / "wipefs", fs::perms::owner_all);
        const char* path = std::getenv("PATH");
        oldPath_ = path ? path : "/usr/bin:/bin";
        ::setenv("PATH", (bin.string() + ":" + oldPath_).c_str(), 1);
        cfg_ = t_.path / "raidmond.toml";
        std::ofstream(cfg_) << "[agent]\nheartbeat = 0\nmd_poll = \"200ms\"\nsmart_interval = 0\ncontroller_interval = 0\n"
                            << "rate_limit_max = 1000\n[hotswap]\n" << hotswapToml << "\n[[sink]]\ntype = \"file\"\npath = \""
                            << events.string() << "\"\n";
        start();
    }
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;
    ~Rig() {
        agent_.reset();
        ::setenv("PATH", oldPath_.c_str(), 1);
    }
    void start() {
        agent_ = std::make_unique<Child>(agentArgs(cfg_, state, tb_), t_.path / "agent.log");
        waitControl(state);
    }
    int stop() { return agent_->stop(SIGTERM); }
    void failMdadm() { std::ofstream(t_.path / "mdadm.fail") << "1\n"; }
    /// The fake wipefs fails from now on, saying `why` on stderr.
    void failWipefs(const std::string& why = "wipefs: error: /dev/sdd: failed to erase ext4 magic string at offset 0x00000438: "
                                             "Input/output error") {
        std::ofstream(t_.path / "wipefs.fail") << why << "\n";
    }
    std::string log() const { return slurp(t_.path / "agent.log"); }
    std::string mdadm() const { return slurp(mdadmLog); }

    /// Wait for a hotswap event `what` (state or other word); the incident snapshot it carries.
    Json waitHotswap(const std::string& what, std::size_t nth = 1) {
        auto evs = waitEvents(events, [&](const auto& e) { return countType(e, "hotswap." + what) >= nth; });
        std::size_t seen = 0;
        for (const auto& e : evs)
            if (e["type"] == "io.raidmon.hotswap." + what && ++seen == nth) return e;
        BOOST_TEST_MESSAGE("events: " << [&] {
            std::string s;
            for (const auto& e : evs) {
                s += e["type"].get<std::string>() + " ";
                if (e["type"] == "io.raidmon.hotswap.replacement_rejected") s += "(" + e["data"]["message"].get<std::string>() + ") ";
            }
            return s;
        }());
        BOOST_FAIL("no io.raidmon.hotswap." << what << " (#" << nth << "); agent log: " << log());
        return {};
    }
    std::vector<Json> all() const { return readEvents(events); }

    /// The usual start: the failed sdd's incident waits, the technician pulls it, md lets go of
    /// it, a new blank drive goes into the bay.
    void replaceSdd(Testbed& tb, const NewDrive& replacement = NewDrive{}) {
        waitHotswap("awaiting_removal");
        pullSdd(tb);
        waitHotswap("awaiting_insertion");
        mdDropsGhost(tb);
        insertSdd(tb, replacement);
    }

    fs::path events, state, mdadmLog;

private:
    Testbed& tb_;
    TempDir t_;
    fs::path cfg_;
    std::string oldPath_;
    std::unique_ptr<Child> agent_;
};

const Json& snapshot(const Json& ev) { return ev["data"]["entity"]["snapshot"]; }

/// A drive that served elsewhere: an ext4 filesystem on it.
NewDrive usedExt4() {
    NewDrive used;
    used.serial = "Z1Z3A9USED000";
    used.naa = "5000c500a1b2c3fe";
    used.fsType = "ext4";
    return used;
}

} // namespace

BOOST_AUTO_TEST_CASE(full_replacement_lights_verifies_adds_rebuilds_and_turns_the_light_off) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"");

    // The failed sdd gets an incident at start; its bay's locate light goes on and reads back.
    Json ev = rig.waitHotswap("awaiting_removal");
    const Json inc = snapshot(ev);
    BOOST_TEST(inc["cause"] == "drive_failed");
    BOOST_TEST(inc["drive"]["serial"] == "Z1Z3A003K0000");
    BOOST_TEST(inc["slot_label"] == "Slot03");
    BOOST_TEST(inc["array_name"] == "md0");
    BOOST_TEST(inc["light_on"] == true);
    BOOST_TEST(ev["data"]["message"].get<std::string>().find("Slot03") != std::string::npos);
    BOOST_TEST(readAttr(tb, kSlot03, "locate").substr(0, 1) == "1");
    BOOST_TEST(ev["data"]["host"]["dmi"]["product_serial"] == "S214879X9A01420");

    // The work order through the CLI, from the agent.
    auto wo = tb.run({RAIDMON_CLI, "hotswap", "sdd", "--state-dir", rig.state.string(), "--json"});
    BOOST_TEST(wo.exitStatus == 0, wo.err);
    Json w = Json::parse(wo.out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!w.is_discarded(), wo.out);
    BOOST_TEST(w["agent"] == true);
    BOOST_TEST(w["incident"]["id"] == inc["id"]);
    auto text = tb.run({RAIDMON_CLI, "hotswap", "sdd", "--state-dir", rig.state.string(), "--no-follow", "--svg",
                        (rig.state / "bay.svg").string()});
    BOOST_TEST(text.exitStatus == 0, text.err);
    BOOST_TEST(text.out.find("Z1Z3A003K0000") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("Slot03") != std::string::npos);
    BOOST_TEST(slurp(rig.state / "bay.svg").rfind("<svg", 0) == 0);

    // Pulled: removed, then awaiting a replacement; md drops the ghost member.
    pullSdd(tb);
    rig.waitHotswap("awaiting_insertion");
    mdDropsGhost(tb);
    BOOST_TEST(rig.mdadm().find("--manage /dev/md0 --fail detached --remove detached") != std::string::npos, rig.mdadm());

    // A new blank drive in the same bay: verified and added with mdadm, then md recovers.
    insertSdd(tb, NewDrive{});
    ev = rig.waitHotswap("rebuilding");
    BOOST_TEST(snapshot(ev)["replacement"]["serial"] == "Z1Z3A9NEW0000");
    BOOST_TEST(rig.mdadm().find("--manage /dev/md0 --add /dev/sdd") != std::string::npos, rig.mdadm());
    mdRecovers(tb, true);
    ev = rig.waitHotswap("completed");
    BOOST_TEST(snapshot(ev)["state"] == "completed");
    // The event is published when the engine decides; the light_off action runs right after it.
    waitEvents(rig.events, [&](const auto&) {
        return readAttr(tb, kSlot03, "locate").substr(0, 1) == "0" && readAttr(tb, kSlot03, "fault").substr(0, 1) == "0";
    });
    BOOST_TEST(readAttr(tb, kSlot03, "locate").substr(0, 1) == "0");
    // The fault light the enclosure showed for the old drive is cleared too: it would send the
    // next technician to a healthy drive.
    BOOST_TEST(readAttr(tb, kSlot03, "fault").substr(0, 1) == "0");

    // Every step is in the incident's persisted history, in order, and survives the agent.
    BOOST_TEST(rig.stop() == 0);
    auto saved = Json::parse(slurp(rig.state / "incidents.json"));
    std::vector<std::string> states;
    for (const auto& i : saved["incidents"])
        if (i["id"] == inc["id"])
            for (const auto& h : i["history"]) states.push_back(h["to"]);
    const std::vector<std::string> want = {"detected", "assessed", "locating", "awaiting_removal", "removed", "awaiting_insertion",
                                           "inserted", "verified", "rebuilding", "completed"};
    for (const auto& s : want) BOOST_TEST((std::find(states.begin(), states.end(), s) != states.end()), "history lacks " << s);
}

BOOST_AUTO_TEST_CASE(wrong_drive_pulled_raises_the_alarm_and_lights_its_bay) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"");
    rig.waitHotswap("awaiting_removal");
    // The technician pulls bay Slot04 (sde), a healthy member of md0 (RAID6, already one down).
    const std::string sde = syspathOf(tb, "sde");
    tb.uevent(sde, "remove");
    umockdev_testbed_remove_device(tb.handle(), sde.c_str());
    Json ev = rig.waitHotswap("wrong_drive_removed");
    BOOST_TEST(ev["data"]["severity"] == "critical");
    const std::string msg = ev["data"]["message"];
    BOOST_TEST(msg.find("Slot04") != std::string::npos, msg);
    BOOST_TEST(msg.find("md0") != std::string::npos, msg);
    // An incident for the pulled drive waits for it to come back, and its bay shows fault.
    const std::string slot04 = kSlot03.substr(0, kSlot03.size() - 2) + "04";
    const auto evs = waitEvents(rig.events, [&](const auto&) { return readAttr(tb, slot04, "fault").substr(0, 1) == "1"; });
    BOOST_TEST(readAttr(tb, slot04, "fault").substr(0, 1) == "1", rig.log());
}

BOOST_AUTO_TEST_CASE(too_small_used_and_the_failed_drive_again_are_rejected_then_a_good_one_is_taken) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"");
    rig.waitHotswap("awaiting_removal");
    pullSdd(tb);
    rig.waitHotswap("awaiting_insertion");
    mdDropsGhost(tb);

    NewDrive small;
    small.sectors = 1953525168;  // 1 TB into a 4 TB array
    insertSdd(tb, small);
    Json ev = rig.waitHotswap("replacement_rejected", 1);
    BOOST_TEST(ev["data"]["message"].get<std::string>().find("small") != std::string::npos, ev["data"]["message"]);
    pullSdd(tb);

    insertSdd(tb, usedExt4());
    ev = rig.waitHotswap("replacement_rejected", 2);
    BOOST_TEST(snapshot(ev)["findings"].dump().find("ext4") != std::string::npos, snapshot(ev)["findings"].dump());
    pullSdd(tb);

    NewDrive same;  // the failed drive itself, back in its bay
    same.serial = "Z1Z3A003K0000";
    same.naa = "5000c500a1b2c30c";
    insertSdd(tb, same);
    ev = rig.waitHotswap("replacement_rejected", 3);
    BOOST_TEST(snapshot(ev)["findings"].dump().find("failed drive") != std::string::npos, snapshot(ev)["findings"].dump());
    pullSdd(tb);
    BOOST_TEST(rig.mdadm().find("--add") == std::string::npos, "nothing may be added yet: " << rig.mdadm());

    insertSdd(tb, NewDrive{});
    rig.waitHotswap("rebuilding");
    BOOST_TEST(rig.mdadm().find("--add /dev/sdd") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_used_drive_allowed_by_policy_is_wiped_then_added) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"\nallow_foreign_signatures = true");
    rig.replaceSdd(tb, usedExt4());
    Json ev = rig.waitHotswap("rebuilding");
    BOOST_TEST(snapshot(ev)["findings"].dump().find("ext4 (foreign), allowed by policy: it will be wiped") != std::string::npos,
               snapshot(ev)["findings"].dump());
    const std::string log = rig.mdadm();
    const auto wipe = log.find("wipefs --all /dev/sdd"), add = log.find("--add /dev/sdd");
    BOOST_TEST_REQUIRE(wipe != std::string::npos, log);
    BOOST_TEST_REQUIRE(add != std::string::npos, log);
    BOOST_TEST(wipe < add, "wiped before it is added: " << log);
}

BOOST_AUTO_TEST_CASE(a_wipe_that_fails_adds_nothing_and_fails_the_incident) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"\nallow_foreign_signatures = true");
    rig.failWipefs();
    rig.replaceSdd(tb, usedExt4());
    Json ev = rig.waitHotswap("failed");
    BOOST_TEST(ev["data"]["severity"] == "critical");
    const std::string why = snapshot(ev)["failure_reason"].get<std::string>();
    BOOST_TEST(why.find("not added: 'wipefs --all /dev/sdd' exited 1") != std::string::npos, why);
    BOOST_TEST(why.find("Input/output error") != std::string::npos, why);
    BOOST_TEST(rig.mdadm().find("--add") == std::string::npos, rig.mdadm());
}

// Busy is not broken: something took the disk (udev assembled its old array) after it was
// verified. The disk is rejected as in use and the incident waits, not failed.
BOOST_AUTO_TEST_CASE(a_wipe_that_finds_the_disk_busy_rejects_it_and_the_incident_waits) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"\nallow_foreign_signatures = true");
    rig.failWipefs("wipefs: error: /dev/sdd: probing initialization failed: Device or resource busy");
    rig.replaceSdd(tb, usedExt4());
    Json ev = rig.waitHotswap("replacement_rejected");
    const std::string msg = ev["data"]["message"].get<std::string>();
    BOOST_TEST(msg.find("Device or resource busy") != std::string::npos, msg);
    ev = rig.waitHotswap("awaiting_insertion", 2);
    BOOST_TEST(snapshot(ev)["state"] == "awaiting_insertion");
    BOOST_TEST(rig.log().find("hotswap.failed") == std::string::npos, rig.log());
    BOOST_TEST(rig.mdadm().find("--add") == std::string::npos, rig.mdadm());
}

BOOST_AUTO_TEST_CASE(agent_restarted_mid_incident_carries_on) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"");
    const Json first = rig.waitHotswap("awaiting_removal");
    pullSdd(tb);
    rig.waitHotswap("awaiting_insertion");
    mdDropsGhost(tb);
    BOOST_TEST(rig.stop() == 0);

    rig.start();
    insertSdd(tb, NewDrive{});
    Json ev = rig.waitHotswap("rebuilding");
    BOOST_TEST(snapshot(ev)["id"] == snapshot(first)["id"]);  // the same incident, not a new one
    mdRecovers(tb, true);
    rig.waitHotswap("completed");
}

BOOST_AUTO_TEST_CASE(rebuild_failing_fails_the_incident) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"auto\"");
    rig.replaceSdd(tb);
    rig.waitHotswap("rebuilding");
    mdRecovers(tb, false);
    std::this_thread::sleep_for(300ms);
    tb.setAttribute(kMd0, "md/dev-sdd/state", "faulty");
    tb.setAttribute(kMd0, "md/sync_action", "idle");
    tb.uevent(kMd0, "change");
    Json ev = rig.waitHotswap("failed");
    BOOST_TEST(ev["data"]["severity"] == "critical");
    BOOST_TEST(snapshot(ev)["failure_reason"].is_string());
}

BOOST_AUTO_TEST_CASE(confirm_policy_waits_for_the_operator_and_mdadm_failure_fails) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"confirm\"");
    rig.replaceSdd(tb);
    rig.waitHotswap("awaiting_confirmation");
    BOOST_TEST(rig.mdadm().find("--add") == std::string::npos, "added without confirmation: " << rig.mdadm());

    rig.failMdadm();  // md refuses the new member
    auto r = tb.run({RAIDMON_CLI, "hotswap", "sdd", "--state-dir", rig.state.string(), "--confirm", "--no-follow"});
    BOOST_TEST(r.out.find("Slot03") != std::string::npos, r.out << r.err);
    Json ev = rig.waitHotswap("failed");
    BOOST_TEST(snapshot(ev)["failure_reason"].get<std::string>().find("mdadm") != std::string::npos, snapshot(ev)["failure_reason"]);
    BOOST_TEST(rig.mdadm().find("--add /dev/sdd") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(operator_opens_and_cancels_a_proactive_replacement) {
    Testbed tb(testbedDir("sas12"));
    Rig rig(tb, "add = \"confirm\"");
    rig.waitHotswap("awaiting_removal");  // sdd's, from the start
    auto r = tb.run({RAIDMON_CLI, "hotswap", "sdb", "--state-dir", rig.state.string(), "--json"});
    BOOST_TEST(r.exitStatus == 0, r.err);
    Json j = Json::parse(r.out, nullptr, false);
    BOOST_REQUIRE(!j.is_discarded());
    BOOST_TEST(j["incident"]["cause"] == "operator_request");
    // sdb's removal would leave md0 (RAID6, one down) without redundancy: the work order says so.
    BOOST_TEST(j["work_order"]["safe_to_remove"]["verdict"] == "loses_last_redundancy", j["work_order"].dump());
    auto c = tb.run({RAIDMON_CLI, "hotswap", "sdb", "--state-dir", rig.state.string(), "--cancel", "--reason", "wrong ticket"});
    BOOST_TEST(c.exitStatus == 1, c.out << c.err);  // the incident ended cancelled
    Json ev = rig.waitHotswap("cancelled");
    BOOST_TEST(snapshot(ev)["drive"]["kernel_name"] == "sdb");
    auto list = tb.run({RAIDMON_CLI, "hotswap", "--list", "--state-dir", rig.state.string()});
    BOOST_TEST(list.out.find("cancelled") != std::string::npos, list.out);
}
