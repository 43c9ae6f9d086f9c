// SPDX-License-Identifier: LGPL-2.1-or-later
// A whole 60-bay shelf drops and comes back, inside the jbod120md testbed (a SAS HBA cabled to
// two 60-bay JBODs; md0 RAID1 and md1 RAID10 mirrored across the shelves), under the real
// raidmond: one io.raidmon.enclosure.lost naming the drives and both arrays, no per-drive
// drive.removed, no hot-swap incident, no fault light; then one io.raidmon.enclosure.restored.
// And the contrast: two disks pulled by hand at once are two pulls, reported drive by drive.
//
// The shelf goes as the kernel makes it go: the SAS transport blocks every device behind the
// expander that stopped answering (their SCSI `state` reads "blocked"), the kernel sends a
// "remove" for each disk and for the enclosure, and the expander's whole tree leaves sysfs at
// once (the test renames it away: umockdev can only send a uevent for a device that is still
// there); md fails the members it lost (degraded, mdstat).
#define BOOST_TEST_MODULE enclosure_drop
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <arpa/inet.h>
#include <umockdev.h>

#include "agent_harness.hpp"
#include "enclosure_lights.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using namespace raidmon::test::agent;

namespace {

const std::string kHost = "/sys/devices/pci0000:ae/0000:ae:00.0/0000:af:00.0/host1";
const std::string kShelfB = kHost + "/port-1:1";  // the HBA's port to shelf B's expander
const std::string kShelfBId = "0x5000ccab0405f23f";
const std::string kMd0 = "/sys/devices/virtual/block/md0";
const std::string kMd1 = "/sys/devices/virtual/block/md1";

/// The devices of one shelf, read from the testbed's description (what gen_testbed.py made).
struct Shelf {
    std::vector<std::string> disks;  ///< block devices' syspaths
    std::vector<std::string> scsi;   ///< their SCSI devices
    std::string ses, enclosure;      ///< the SES device and its enclosure-class device
};

Shelf shelfDevices(const std::string& portPrefix) {
    Shelf s;
    std::istringstream in(slurp(testbedDir("jbod120md") / "description.umockdev"));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("P: ", 0) != 0) continue;
        const std::string p = "/sys" + line.substr(3);
        if (p.rfind(portPrefix + "/", 0) != 0) continue;
        const auto blk = p.find("/block/");
        if (blk != std::string::npos && p.find('/', blk + 7) == std::string::npos) {
            s.disks.push_back(p);
            s.scsi.push_back(p.substr(0, blk));
        }
        if (const auto e = p.find("/enclosure/"); e != std::string::npos && p.find('/', e + 11) == std::string::npos) {
            s.enclosure = p;
            s.ses = p.substr(0, e);
        }
    }
    return s;
}

/// The current UTC time as the events write it ("2026-12-06T06:40:01.123Z"): event times compare
/// as strings.
std::string rfc3339Now(std::chrono::milliseconds ahead = std::chrono::milliseconds(0)) {
    const auto t = std::chrono::system_clock::now() + ahead;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];  // room for any int the fields could hold (-Wformat-truncation)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

/// One agent over jbod120md: a file sink, a heartbeat each second (the test's barrier), the
/// hot-swap assistant on with its defaults, the mdadm and wipefs stand-ins first on its PATH.
class Rig {
public:
    /// `agentKeys`: more lines for the configuration's [agent] table.
    explicit Rig(Testbed& tb, const std::string& agentKeys = "") : tb_(tb) {
        events = t_.path / "events.jsonl";
        state = t_.path / "state";
        const auto bin = t_.path / "bin";
        fs::create_directories(bin);
        for (const char* tool : {"mdadm", "wipefs"}) {  // never the real ones: they would act on this machine
            std::ofstream(bin / tool) << "#!/bin/sh\necho \"" << tool << " $*\" >> " << (t_.path / "tools.log").string() << "\nexit 0\n";
            fs::permissions(bin / tool, fs::perms::owner_all);
        }
        const char* path = std::getenv("PATH");
        oldPath_ = path ? path : "/usr/bin:/bin";
        ::setenv("PATH", (bin.string() + ":" + oldPath_).c_str(), 1);
        const auto cfg = t_.path / "raidmond.toml";
        port_ = freePort();
        std::ofstream(cfg) << "[agent]\nheartbeat = \"1s\"\nmd_poll = \"200ms\"\nsmart_interval = 0\ncontroller_interval = 0\n" << agentKeys
                           << "rate_limit_max = 1000\n[metrics]\nlisten = \"127.0.0.1:" << port_ << "\"\n[[sink]]\ntype = \"file\"\npath = \""
                           << events.string() << "\"\n";
        agent_ = std::make_unique<Child>(agentArgs(cfg, state, tb_), t_.path / "agent.log");
        waitControl(state);
        waitEvents(events, [](const auto& e) { return countType(e, "agent.started") == 1; });
    }
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;
    ~Rig() {
        agent_.reset();
        ::setenv("PATH", oldPath_.c_str(), 1);
    }
    std::string log() const { return slurp(t_.path / "agent.log"); }

    /// raidmon_agent_uevents_total from /metrics; -1 when it cannot be read.
    long uevents() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port_));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::string answer;
        if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
            if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
                char buf[65536];
                for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
            }
        }
        if (fd >= 0) ::close(fd);
        const std::string key = "\nraidmon_agent_uevents_total ";
        const auto at = answer.find(key);
        return at == std::string::npos ? -1 : std::stol(answer.substr(at + key.size()));
    }

    /// Send uevents a few at a time, each group once the agent has read the previous one: the
    /// testbed's emulated netlink socket holds only a few datagrams (a real one holds 128 MiB).
    void send(Testbed& tb, const std::vector<std::pair<std::string, std::string>>& evs) {
        long seen = uevents();
        for (std::size_t i = 0; i < evs.size(); i += 4) {
            const std::size_t n = std::min<std::size_t>(4, evs.size() - i);
            for (std::size_t k = i; k < i + n; ++k) tb.uevent(evs[k].first, evs[k].second);
            seen = waitRead(seen, static_cast<long>(n));
        }
    }
    /// Waits (at most 10 s) until the agent has counted `n` uevents more than `seen`; its count then.
    long waitRead(long seen, long n) const {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (uevents() < seen + n && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(5ms);
        return uevents();
    }
    std::string tools() const { return slurp(t_.path / "tools.log"); }

    /// Everything the agent will do about what the test did so far is in the sink: a heartbeat
    /// stamped later than any batch could still be held (the burst bound, 3 s, and a margin).
    std::vector<Json> settled() {
        const std::string after = rfc3339Now(std::chrono::milliseconds(4000));
        auto evs = waitEvents(
            events,
            [&](const auto& e) {
                return std::any_of(e.begin(), e.end(), [&](const Json& j) {
                    return j["type"] == "io.raidmon.host.heartbeat" && j["time"].get<std::string>() > after;
                });
            },
            std::chrono::seconds(20));
        return evs;
    }

    fs::path events, state;

private:
    Testbed& tb_;
    TempDir t_;
    std::string oldPath_;
    std::unique_ptr<Child> agent_;
    int port_ = 0;
};

std::size_t countPrefix(const std::vector<Json>& evs, const std::string& prefix, std::size_t from = 0) {
    std::size_t n = 0;
    for (std::size_t i = from; i < evs.size(); ++i) n += evs[i]["type"].get<std::string>().rfind("io.raidmon." + prefix, 0) == 0 ? 1 : 0;
    return n;
}

std::vector<Json> since(const std::vector<Json>& evs, std::size_t from) { return {evs.begin() + static_cast<long>(std::min(from, evs.size())), evs.end()}; }

std::string types(const std::vector<Json>& evs) {
    std::map<std::string, int> n;
    for (const auto& e : evs) ++n[e["type"].get<std::string>()];
    std::string s;
    for (const auto& [t, c] : n) s += t + " x" + std::to_string(c) + "; ";
    return s;
}

std::string readAttr(const Testbed& tb, const std::string& dev, const std::string& name) {
    std::ifstream f(tb.root() / dev.substr(1) / name);
    std::string s;
    std::getline(f, s);
    return s;
}

/// md fails the members it lost (or takes them back in sync), and says so.
void mdMembers(Testbed& tb, const std::string& md, const std::vector<std::string>& members, const std::string& state, int degraded) {
    for (const auto& m : members) tb.setAttribute(md, "md/dev-" + m + "/state", state);
    tb.setAttribute(md, "md/degraded", std::to_string(degraded));
}

const char* kMdstatDegraded = R"(Personalities : [raid1] [raid6] [raid5] [raid4] [raid10]
md0 : active raid1 sda[0] sdbg[1](F)
      11718753200 blocks super 1.2 [2/1] [U_]

md1 : active raid10 sdb[0] sdbh[1](F) sdc[2] sdbi[3](F)
      23437506400 blocks super 1.2 [4/2] [U_U_]

unused devices: <none>
)";

} // namespace

BOOST_AUTO_TEST_CASE(a_whole_shelf_drops_one_enclosure_lost_then_it_returns_one_enclosure_restored) {
    Testbed tb(testbedDir("jbod120md"));
    const Shelf b = shelfDevices(kShelfB);
    BOOST_REQUIRE_EQUAL(b.disks.size(), 58u);
    BOOST_REQUIRE(!b.enclosure.empty());
    const std::string mdstatOk = slurp(tb.root() / "proc" / "mdstat");
    Rig rig(tb);
    const std::size_t startCount = readEvents(rig.events).size();
    const auto lightsBefore = raidmon::test::enclosureLights(tb);

    // The expander of shelf B stops answering: every device behind it is blocked, removed one
    // after another, the enclosure too; the expander's tree leaves sysfs; md fails the members.
    for (const auto& s : b.scsi) tb.setAttribute(s, "state", "blocked");
    tb.setAttribute(b.ses, "state", "blocked");
    std::vector<std::pair<std::string, std::string>> removes;
    for (const auto& d : b.disks) removes.emplace_back(d, "remove");
    removes.emplace_back(b.enclosure, "remove");
    removes.emplace_back(b.ses, "remove");
    rig.send(tb, removes);
    const fs::path away = tb.root() / "shelf-b-unplugged";
    fs::rename(tb.root() / kShelfB.substr(1), away);
    mdMembers(tb, kMd0, {"sdbg"}, "faulty", 1);
    mdMembers(tb, kMd1, {"sdbh", "sdbi"}, "faulty", 2);
    std::ofstream(tb.root() / "proc" / "mdstat") << kMdstatDegraded;
    tb.uevent(kMd0, "change");
    tb.uevent(kMd1, "change");

    auto evs = since(rig.settled(), startCount);
    BOOST_TEST_MESSAGE("after the drop: " << types(evs));
    BOOST_TEST(countType(evs, "enclosure.lost") == 1u, types(evs) << "\nlog: " << rig.log());
    BOOST_TEST(countType(evs, "path.lost") == 0u, types(evs));
    BOOST_TEST(countType(evs, "drive.removed") == 0u, types(evs));
    BOOST_TEST(countPrefix(evs, "hotswap.") == 0u, types(evs));
    // Both arrays are reported (md1, a RAID10 that lost one side of each mirror pair, is judged
    // failed by raidmon's md reader, which does not read md's RAID10 layout: a finding of its own).
    BOOST_TEST(countType(evs, "array.degraded") + countType(evs, "array.failed") == 2u, types(evs));
    const Json* lost = findEvent(evs, "enclosure.lost");
    BOOST_REQUIRE_MESSAGE(lost, "no enclosure.lost: " << types(evs) << "\nlog: " << rig.log());
    BOOST_TEST((*lost)["subject"] == "enclosure/" + kShelfBId);
    BOOST_TEST((*lost)["data"]["severity"] == "critical");
    const Json& snap = (*lost)["data"]["entity"]["snapshot"];
    BOOST_TEST(snap["kind"] == "enclosure");
    BOOST_TEST(snap["drives"].size() == 58u);
    BOOST_TEST(snap["enclosures"] == Json::array({kShelfBId}));
    BOOST_TEST(snap["cause"]["device"] == kShelfB, snap["cause"].dump());
    BOOST_TEST(snap["cause"]["kind"] == "sas_port");
    BOOST_TEST(snap["advice"] == "do not pull or replace anything, check the cable or shelf");
    std::set<std::string> arrays;
    for (const auto& a : snap["arrays"]) arrays.insert(a["name"].get<std::string>());
    BOOST_TEST((arrays == std::set<std::string>{"md0", "md1"}), snap["arrays"].dump());
    const std::string msg = (*lost)["data"]["message"];
    BOOST_TEST(msg.find("do not pull or replace anything, check the cable or shelf") != std::string::npos, msg);
    BOOST_TEST(msg.find("md0") != std::string::npos, msg);
    // The loss is dated by its first uevent, not by the end of the scan that followed.
    BOOST_REQUIRE(findEvent(evs, "array.degraded"));
    BOOST_TEST((*lost)["time"].get<std::string>() <= findEvent(evs, "array.degraded")->at("time").get<std::string>());
    // No light changed on the shelf that stayed, no incident was opened, mdadm was not run.
    BOOST_TEST(raidmon::test::changedLights(lightsBefore, raidmon::test::enclosureLights(tb)).empty());
    BOOST_TEST(rig.tools().empty(), rig.tools());
    BOOST_TEST(rig.log().find("hot-swap action=") == std::string::npos, rig.log());

    // The cable is back: the tree returns, the kernel announces the enclosure and every disk,
    // md takes its members back (udev's mdadm -I, the write-intent bitmap's short resync).
    const std::size_t dropCount = startCount + evs.size();
    fs::rename(away, tb.root() / kShelfB.substr(1));
    for (const auto& s : b.scsi) tb.setAttribute(s, "state", "running");
    tb.setAttribute(b.ses, "state", "running");
    // md has its members back by the time the agent reads them (udev's mdadm -I re-adds each
    // disk as it appears; a member still faulty when its disk returns is reported as failed).
    mdMembers(tb, kMd0, {"sdbg"}, "in_sync", 0);
    mdMembers(tb, kMd1, {"sdbh", "sdbi"}, "in_sync", 0);
    std::ofstream(tb.root() / "proc" / "mdstat") << mdstatOk;
    std::vector<std::pair<std::string, std::string>> adds = {{b.ses, "add"}, {b.enclosure, "add"}};
    for (const auto& d : b.disks) adds.emplace_back(d, "add");
    rig.send(tb, adds);
    tb.uevent(kMd0, "change");
    tb.uevent(kMd1, "change");

    evs = since(rig.settled(), dropCount);
    BOOST_TEST_MESSAGE("after the return: " << types(evs));
    BOOST_TEST(countType(evs, "enclosure.restored") == 1u, types(evs) << "\nlog: " << rig.log());
    BOOST_TEST(countType(evs, "drive.added") == 0u, types(evs));
    BOOST_TEST(countPrefix(evs, "hotswap.") == 0u, types(evs));
    BOOST_TEST(countType(evs, "array.optimal") == 2u, types(evs));
    const Json* back = findEvent(evs, "enclosure.restored");
    BOOST_REQUIRE(back);
    BOOST_TEST((*back)["subject"] == "enclosure/" + kShelfBId);
    BOOST_TEST((*back)["data"]["entity"]["snapshot"]["returned"].size() == 58u);
    BOOST_TEST((*back)["data"]["entity"]["snapshot"]["missing"].empty());
    BOOST_TEST(rig.tools().empty(), rig.tools());
}

BOOST_AUTO_TEST_CASE(two_disks_pulled_by_hand_at_once_are_two_pulls) {
    Testbed tb(testbedDir("jbod120md"));
    Rig rig(tb);
    const std::size_t startCount = readEvents(rig.events).size();
    // A technician pulls sda (md0) and sdb (md1) of shelf A: their neighbours keep running, the
    // enclosure stays. Each is a member pulled that nobody asked for.
    for (const std::string name : {"sda", "sdb"}) {
        const std::string p = syspathOf(tb, name);
        tb.uevent(p, "remove");
        umockdev_testbed_remove_device(tb.handle(), p.c_str());
    }
    auto evs = since(rig.settled(), startCount);
    BOOST_TEST_MESSAGE("after two pulls: " << types(evs));
    BOOST_TEST(countType(evs, "enclosure.lost") == 0u, types(evs));
    BOOST_TEST(countType(evs, "path.lost") == 0u, types(evs));
    BOOST_TEST(countType(evs, "drive.removed") == 2u, types(evs) << "\nlog: " << rig.log());
    BOOST_TEST(countType(evs, "hotswap.unexpected_removal") + countType(evs, "hotswap.wrong_drive_removed") == 2u, types(evs));
    // Each pulled bay shows its fault light: that is where the drive must go back.
    const std::string encA = kHost + "/port-1:0/expander-1:0/port-1:0:60/end_device-1:0:60/target1:0:60/1:0:60:0/enclosure/1:0:60:0";
    waitEvents(rig.events, [&](const auto&) { return readAttr(tb, encA + "/SLOT 000", "fault") == "1" && readAttr(tb, encA + "/SLOT 001", "fault") == "1"; });
    BOOST_TEST(readAttr(tb, encA + "/SLOT 000", "fault") == "1", rig.log());
    BOOST_TEST(readAttr(tb, encA + "/SLOT 001", "fault") == "1");
}

BOOST_AUTO_TEST_CASE(a_pull_on_one_shelf_as_the_other_drops_is_one_pull_and_one_loss) {
    Testbed tb(testbedDir("jbod120md"));
    const Shelf b = shelfDevices(kShelfB);
    BOOST_REQUIRE_EQUAL(b.disks.size(), 58u);
    // `settle`: the two removals below are one batch however the agent's reads fall.
    Rig rig(tb, "settle = \"300ms\"\n");
    const std::size_t startCount = readEvents(rig.events).size();
    // sdd (shelf A, in no array) is pulled by hand just as shelf B's expander stops answering:
    // sdd's "remove" and that of shelf B's first disk come together, each disk gone from sysfs as
    // its uevent leaves. Shelf B's other disks stay there, blocked, for a while before the kernel
    // removes them. The agent reads a few neighbours on each expander a removed disk hung on
    // (docs/agent.md, "Bursts are applied once"): shelf A's run, shelf B's are blocked, so the
    // batch waits for the whole shelf. Were the probes shared, shelf A's running disks would
    // answer for both, and shelf B's first disk would be a pull.
    const std::string sdd = syspathOf(tb, "sdd");
    BOOST_REQUIRE(sdd.rfind(kHost + "/port-1:0/", 0) == 0);
    for (const auto& s : b.scsi) tb.setAttribute(s, "state", "blocked");
    tb.setAttribute(b.ses, "state", "blocked");
    const long seen = rig.uevents();
    for (const auto& p : {sdd, b.disks[0]}) {
        tb.uevent(p, "remove");
        umockdev_testbed_remove_device(tb.handle(), p.c_str());
    }
    rig.waitRead(seen, 2);
    std::this_thread::sleep_for(600ms);  // the batch (300 ms) is looked at before the rest come
    std::vector<std::pair<std::string, std::string>> removes;
    for (std::size_t i = 1; i < b.disks.size(); ++i) removes.emplace_back(b.disks[i], "remove");
    removes.emplace_back(b.enclosure, "remove");
    removes.emplace_back(b.ses, "remove");
    rig.send(tb, removes);
    fs::rename(tb.root() / kShelfB.substr(1), tb.root() / "shelf-b-unplugged");
    mdMembers(tb, kMd0, {"sdbg"}, "faulty", 1);
    mdMembers(tb, kMd1, {"sdbh", "sdbi"}, "faulty", 2);
    std::ofstream(tb.root() / "proc" / "mdstat") << kMdstatDegraded;
    tb.uevent(kMd0, "change");
    tb.uevent(kMd1, "change");

    const auto evs = since(rig.settled(), startCount);
    BOOST_TEST_MESSAGE("after the pull and the drop: " << types(evs));
    BOOST_TEST(countType(evs, "enclosure.lost") == 1u, types(evs) << "\nlog: " << rig.log());
    BOOST_TEST(countType(evs, "path.lost") == 0u, types(evs));
    // The one drive.removed is sdd's; no drive of shelf B is reported pulled, and no hot-swap
    // event names one.
    BOOST_REQUIRE_MESSAGE(countType(evs, "drive.removed") == 1u, types(evs) << "\nlog: " << rig.log());
    const Json* removed = findEvent(evs, "drive.removed");
    BOOST_REQUIRE(removed);
    BOOST_TEST((*removed)["data"]["entity"]["snapshot"]["kernel_name"] == "sdd", removed->dump());
    for (const auto& e : evs) {
        if (e["type"].get<std::string>().rfind("io.raidmon.hotswap.", 0) != 0) continue;
        const std::string text = e.dump();
        BOOST_TEST(text.find("\"sdd\"") != std::string::npos, "a hot-swap event about another drive: " << text);
    }
    const Json* lost = findEvent(evs, "enclosure.lost");
    BOOST_REQUIRE(lost);
    BOOST_TEST((*lost)["subject"] == "enclosure/" + kShelfBId);
    BOOST_TEST((*lost)["data"]["entity"]["snapshot"]["drives"].size() == 58u);
    BOOST_TEST(rig.tools().empty(), rig.tools());
}
