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
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using namespace raidmon::test::agent;

namespace {

const std::string kMd0 = "/sys/devices/virtual/block/md0";
const std::string kScsi3 = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:3/"
                           "end_device-0:0:3/target0:0:3/0:0:3:0";
const std::string kSdd = kScsi3 + "/block/sdd";
const std::string kSlot03 = "/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/host0/port-0:0/expander-0:0/port-0:0:12/"
                            "end_device-0:0:12/target0:0:12/0:0:12:0/enclosure/0:0:12:0/Slot03";

/// A drive to put into bay Slot03 (as sdd, the kernel name the old one had).
struct NewDrive {
    std::string serial = "Z1Z3A9NEW0000";
    std::string naa = "5000c500a1b2c3ff";  ///< 16 hex digits
    std::uint64_t sectors = 7814037168;      ///< 4 TB, as the others
    std::string fsType;                      ///< a signature udev reports ("ext4"), empty for a blank drive
    std::uint32_t logicalBlock = 512;
};

std::string hex(std::string_view s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}

std::vector<unsigned char> unhex(const std::string& h) {
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

void setBinary(Testbed& tb, const std::string& dev, const char* name, const std::string& hexValue) {
    auto v = unhex(hexValue);
    umockdev_testbed_set_attribute_binary(tb.handle(), dev.c_str(), name, v.data(),
                                          static_cast<gint>(v.size()));
}

/// The technician pulls the drive of bay Slot03 (sdd): "remove", then the device goes.
void pullSdd(Testbed& tb) {
    tb.setAttribute(kSlot03, "status", "not installed");  // what the SES element reports then
    tb.uevent(kSdd, "remove");
    umockdev_testbed_remove_device(tb.handle(), kSdd.c_str());
}

/// A drive slides into bay Slot03: the SCSI device answers with the new drive's identity, its
/// block device appears, "add".
void insertSdd(Testbed& tb, const NewDrive& d) {
    tb.setAttribute(kSlot03, "status", "OK");
    tb.setAttribute(kScsi3, "wwid", "naa." + d.naa + "\n");
    std::string pg80len = hex(std::string(1, static_cast<char>(d.serial.size())));
    setBinary(tb, kScsi3, "vpd_pg80", "008000" + pg80len + hex(d.serial));
    setBinary(tb, kScsi3, "vpd_pg83", "0083000c01030008" + d.naa);
    std::string rec = "P: " + kSdd.substr(4) + "\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: DEVNAME=/dev/sdd\nE: MAJOR=8\nE: MINOR=48\n"
                      "E: ID_PATH=testbed\n";
    if (!d.fsType.empty()) rec += "E: ID_FS_TYPE=" + d.fsType + "\nE: ID_FS_USAGE=filesystem\n";
    rec += "A: dev=8:48\\n\nA: size=" + std::to_string(d.sectors) + "\\n\nA: ro=0\\n\nA: removable=0\\n\nA: queue/logical_block_size=" +
           std::to_string(d.logicalBlock) + "\\n\nA: queue/physical_block_size=4096\\n\nA: queue/rotational=1\\n\nL: device=../..\nN: sdd\n";
    // umockdev 0.17 leaves /sys/block/sdd behind when the device is removed; adding it again would
    // abort on the existing link.
    std::error_code ec;
    fs::remove(tb.root() / "sys" / "block" / "sdd", ec);
    GError* err = nullptr;
    BOOST_REQUIRE_MESSAGE(umockdev_testbed_add_from_string(tb.handle(), rec.c_str(), &err), (err ? err->message : "?"));
    tb.uevent(kSdd, "add");
}

/// What `mdadm --remove` does to md0 (the agent asked for it: md_remove_detached): the pulled
/// member's dev-sdd and rd3 entries go, md announces "change".
void mdDropsGhost(Testbed& tb) {
    std::error_code ec;
    const auto md = tb.root() / kMd0.substr(1) / "md";
    fs::remove_all(md / "dev-sdd", ec);
    fs::remove(md / "rd3", ec);
    tb.uevent(kMd0, "change");
    std::this_thread::sleep_for(200ms);
}

/// md takes the new sdd as member 3 and recovers onto it; `finish`: in sync, array clean.
void mdRecovers(Testbed& tb, bool finish) {
    umockdev_testbed_set_attribute_link(tb.handle(), kMd0.c_str(), "md/dev-sdd/block",
                                        ("../../../../.." + kSdd.substr(12)).c_str());
    tb.setAttribute(kMd0, "md/dev-sdd/state", "");
    tb.setAttribute(kMd0, "md/dev-sdd/slot", "3");
    tb.setAttribute(kMd0, "md/sync_action", "recover");
    tb.setAttribute(kMd0, "md/sync_completed", "3907018584 / 7814037168");
    tb.uevent(kMd0, "change");
    if (!finish) return;
    std::this_thread::sleep_for(300ms);
    tb.setAttribute(kMd0, "md/dev-sdd/state", "in_sync");
    tb.setAttribute(kMd0, "md/degraded", "0");
    tb.setAttribute(kMd0, "md/sync_action", "idle");
    tb.setAttribute(kMd0, "md/sync_completed", "none");
    tb.uevent(kMd0, "change");
}

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

    fs::path events, state, mdadmLog;

private:
    Testbed& tb_;
    TempDir t_;
    fs::path cfg_;
    std::string oldPath_;
    std::unique_ptr<Child> agent_;
};

const Json& snapshot(const Json& ev) { return ev["data"]["entity"]["snapshot"]; }

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
    BOOST_TEST(readAttr(tb, kSlot03, "locate").substr(0, 1) == "0");

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

    NewDrive used;
    used.serial = "Z1Z3A9USED000";
    used.naa = "5000c500a1b2c3fe";
    used.fsType = "ext4";
    insertSdd(tb, used);
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
    rig.waitHotswap("awaiting_removal");
    pullSdd(tb);
    rig.waitHotswap("awaiting_insertion");
    mdDropsGhost(tb);
    insertSdd(tb, NewDrive{});
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
    rig.waitHotswap("awaiting_removal");
    pullSdd(tb);
    rig.waitHotswap("awaiting_insertion");
    mdDropsGhost(tb);
    insertSdd(tb, NewDrive{});
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
