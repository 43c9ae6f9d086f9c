// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond's run loop: sources (udev monitor, md attributes with POLLPRI and a timer fallback,
// SMART and controller polls on their own thread, the heartbeat) -> the diff engine -> the
// rate limiter -> the durable outbox -> one delivery thread per sink. The loop also serves the
// control socket and the /metrics endpoint.
#include "daemon/agent.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <raidmon/controllers.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/led.hpp>
#include <raidmon/smart.hpp>
#include <raidmon/version.hpp>

#include "daemon/commands.hpp"
#include "daemon/common_cause.hpp"
#include "daemon/console.hpp"
#include "daemon/control_proto.hpp"
#include "daemon/delivery.hpp"
#include "daemon/hotswap_exec.hpp"
#include "daemon/http.hpp"
#include "daemon/metrics.hpp"
#include "daemon/outbox.hpp"
#include "daemon/peer.hpp"
#include "daemon/restart.hpp"
#include "daemon/servers.hpp"
#include "core/id_index.hpp"
#include "core/json_model.hpp"
#include "core/statedir.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"
#include "ctl/merge.hpp"
#include "inventory/parts.hpp"

namespace raidmon {

namespace agent {

namespace {

using Clk = std::chrono::steady_clock;
using WallTime = std::chrono::system_clock::time_point;

/// A burst (a shelf, a port, an HBA going or coming back) is gathered into one batch: the batch
/// waits until no uevent came for kBurstQuiet, and never longer than kBurstMax after its first.
constexpr auto kBurstQuiet = std::chrono::milliseconds(100);
constexpr auto kBurstMax = std::chrono::milliseconds(3000);

/// Neighbours of a removed disk whose SCSI state is read when the disk hung on an expander
/// (Agent::burstUnderWay); the others are only looked for in sysfs.
constexpr std::size_t kSiblingProbes = 3;

/// The sysfs path of the SAS expander a device hangs on (its path up to the last "expander-H:N"),
/// or empty: a device cabled to its HBA's phys, or not on SAS.
std::string_view parentExpander(std::string_view sysPath) {
    const auto at = sysPath.rfind("/expander-");
    if (at == std::string_view::npos) return {};
    return sysPath.substr(0, sysPath.find('/', at + 1));
}

/// An md attribute the kernel notifies with sysfs_notify (POLLPRI); read again at each timer tick
/// too, because umockdev (and some old kernels' attributes) never notify.
struct MdWatch {
    std::string array;
    std::filesystem::path path;
    int fd = -1;
    std::string last;
};

std::string readFd(int fd) {
    std::string s;
    char buf[256];
    if (::lseek(fd, 0, SEEK_SET) < 0) return s;
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        s.append(buf, static_cast<std::size_t>(n));
        if (s.size() > 4096) break;
    }
    return std::string(detail::trim(s));
}

/// SMART results and controller reports, produced by the poller thread.
struct PollResults {
    std::mutex m;
    std::map<std::string, Drive, std::less<>> smart;  ///< by Drive::id: the drive as readSmart returned it
    std::optional<ControllerReport> controllers;
    std::vector<Drive> toPoll;  ///< the drives of the latest snapshot
    bool changed = false;
};

/// What a rescan reads again: everything (a device came or went), some md arrays (an md uevent or
/// attribute change), or nothing (only new SMART or controller results to merge).
struct Reread {
    bool everything = false;
    std::set<std::string> md;           ///< array names
    std::vector<std::string> removed;   ///< syspaths of disks that left, in order
    std::vector<DeviceRecord> added;    ///< disks that arrived, in order
    /// Disks (syspaths) whose partitions came or went: read again, or dropped if they are leaving.
    std::vector<std::string> partitionsOf;
    std::vector<std::string> enclosures;  ///< enclosure-class devices that came, changed or went
    bool enclosureGone = false;         ///< an enclosure's "remove" came: more of a burst may follow
    /// When each disk's uevent was received (by syspath), and the batch's first uevent: the
    /// events it causes carry that time, not the time the scan ended.
    std::map<std::string, WallTime> receivedAt;
    std::optional<WallTime> firstAt;

    static Reread all() {
        Reread r;
        r.everything = true;
        return r;
    }
    static Reread arrays(std::set<std::string> names) {
        Reread r;
        r.md = std::move(names);
        return r;
    }
    void add(Reread o) {
        everything = everything || o.everything;
        md.insert(o.md.begin(), o.md.end());
        for (auto& r : o.removed) removed.push_back(std::move(r));
        for (auto& a : o.added) added.push_back(std::move(a));
        for (auto& p : o.partitionsOf) partitionsOf.push_back(std::move(p));
        for (auto& e : o.enclosures) enclosures.push_back(std::move(e));
        enclosureGone = enclosureGone || o.enclosureGone;
        receivedAt.merge(o.receivedAt);
        if (o.firstAt && (!firstAt || *o.firstAt < *firstAt)) firstAt = o.firstAt;
    }
};

/// What a uevent makes the agent read again:
/// - "change" of an md array (the kernel sends one on every array state change): that array;
/// - "add"/"remove" of a disk: that disk, then the enclosures and md arrays it may belong to;
/// - "add"/"remove"/"change" of a partition: its disk (a disk that leaves sends its partitions'
///   "remove" first; one that arrives, or gets a new partition table, their "add"s after its own);
/// - SCSI and NVMe devices without a block device of their own: nothing (the disk's own block
///   uevent follows; an SES enclosure also comes as an "enclosure" uevent);
/// - an enclosure-class device (ses.c's, one per SES device the driver bound): that enclosure;
/// - anything else (PCI, USB storage hosts, other "change"s): everything.
Reread rereadFor(const DeviceEvent& ev) {
    const auto& d = ev.device;
    Reread r;
    const bool md = detail::startsWith(d.sysname, "md");
    if (d.subsystem == "block" && d.devtype == "disk") {
        if (md && ev.action == "change") r.md.insert(d.sysname);
        else if (!md && ev.action == "remove") r.removed.push_back(d.syspath);
        else if (!md && ev.action == "add") r.added.push_back(d);
        else r.everything = true;
    } else if (d.subsystem == "block" && d.devtype == "partition") {
        const auto slash = d.syspath.rfind('/');
        if (slash != std::string::npos && slash > 0) r.partitionsOf.push_back(d.syspath.substr(0, slash));
        else r.everything = true;
    } else if (d.subsystem == "scsi" && ev.action == "add" && d.property("MODALIAS").value_or("").rfind("scsi:t-0x0d", 0) == 0) {
        r.everything = true;  // an SES device: without the ses driver it comes with no "enclosure" uevent
    } else if (d.subsystem == "enclosure") {
        r.enclosures.push_back(d.syspath);
        r.enclosureGone = ev.action == "remove";
    } else if (d.subsystem != "scsi" && d.subsystem != "nvme") {
        r.everything = true;
    }
    return r;
}

/// A control-socket answer: "OK", one line per item (`line(item)`), "END".
template <typename Items, typename Line>
std::string okAnswer(const Items& items, Line line) {
    std::string out = "OK\n";
    for (const auto& i : items) out += line(i) + "\n";
    return out + "END\n";
}

class Agent {
public:
    Agent(const Context& ctx, const AgentConfig& cfg, int stopFd) : ctx_(ctx), cfg_(cfg), stopFd_(stopFd), filter_(cfg.rateLimit), console_(ctx, cfg) {}
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;
    ~Agent() {
        stopPoller();
        for (auto& w : mdWatches_) ::close(w.fd);
        if (wakeFd_ >= 0) ::close(wakeFd_);
    }

    Result<void> run();

private:
    void log(LogLevel l, const std::string& s) const { ctx_.logAt(l, s); }

    // Turn off the lights whose lease ended and report each as io.raidmon.led.changed.
    void expireLeaseLights() {
        auto r = expireLeases(ctx_, cfg_.stateDir);
        if (!r) {
            log(LogLevel::warning, "lease expiry failed error=" + r.error().message);
            return;
        }
        std::vector<Event> out;
        for (const auto& l : r->expired) {
            Event e;
            e.type = "io.raidmon.led.changed";
            e.subject = "slot/" + l.enclosure + ":" + std::to_string(l.slot);
            e.severity = Severity::info;
            e.message = "the " + std::string(toString(l.pattern)) + " light of bay " + l.label.value_or(std::to_string(l.slot)) +
                        " (" + l.enclosure + ") was turned off: its lease ended";
            e.entityJson = "{\"enclosure\":" + detail::Json(l.enclosure).dump() + ",\"slot\":" + std::to_string(l.slot) +
                           ",\"pattern\":\"off\",\"backend\":" + detail::Json(l.backend).dump() + "}";
            out.push_back(std::move(e));
        }
        for (const auto& f : r->failures) log(LogLevel::warning, "lease expiry: " + f);
        if (!out.empty()) emit(std::move(out));
    }
    // The hot-swap assistant (docs/hotswap.md): incidents persisted in state_dir/incidents.json.
    void loadHotswap();
    /// The hot-swap engine after a scan. Drives lost to a common cause (lost_) are shown to it as
    /// still there: unreachable is not pulled, so no wrong-drive alarm, no incident moves on, no
    /// light. `ghostsBefore`: those that were unreachable in `before`.
    void hotswapAfterScan(const Inventory& before, const std::vector<Drive>& ghostsBefore);
    /// The drives of lost_ not back yet.
    std::vector<Drive> unreachable() const;
    /// Does the batch `what` look like the start or the middle of a burst (siblings of a removed
    /// disk blocked or gone from sysfs, an enclosure gone, drives of a lost group returning)?
    /// Records blocked siblings in blocked_.
    bool burstUnderWay(const Reread& what);
    /// Common causes in the step current_ -> next: lost and restored events, and the per-drive
    /// removed/added events they replace taken out of `evs`.
    void commonCauses(const Inventory& next, std::vector<Event>& evs, WallTime when);
    void runActions(std::vector<HotswapAction> actions);
    /// Some drive may be polled for SMART (smart_interval, or a [smart_intervals] rule).
    bool smartPolls() const;
    void saveHotswap();
    std::string hotswapControl(const ControlRequest& req);
    /// Confirm or cancel an incident (the control socket's HOTSWAP, a panel's hotswap.* command):
    /// its events and actions run, the incidents are saved. The incident as JSON (one line).
    Result<std::string> changeIncident(ControlRequest::Kind kind, const std::string& id, const std::string& reason);
    /// A signed command (docs/panel.md, "Commands") from `transport`: verified, checked against
    /// replay and the key's rate, run, and reported as io.raidmon.command.* events. `size` is its
    /// size as received (a transport may keep only the first kMaxCommandBytes + 1). `run` false:
    /// only verified (COMMAND CHECK): nothing is recorded, run or reported.
    /// The control socket's answer: "OK", one JSON line, "END", or "ERROR rejected REASON: ...".
    std::string command(const std::string& transport, std::string_view text, std::size_t size, bool run);
    /// Carry out a verified command's verb; ok false with the reason when it could not.
    struct CommandOutcome {
        bool ok = false;
        std::string message;
        detail::Json result;
    };
    CommandOutcome runCommand(const Command& cmd);
    /// Slot memory for a locate (docs/leds.md): every drive's bay recorded (rememberSlots: a
    /// synced write) only when the drives' bays changed since the agent last recorded them, else
    /// read; so a locate costs no write of slots.json while the drives stay where they are.
    Result<SlotMemory> slotMemory();
    static Event commandEvent(const std::string& kind, const std::string& jti, const std::string& message, const detail::Json& entity);
    void emitCommandEvent(const std::string& kind, const std::string& jti, const std::string& message, const detail::Json& entity) {
        emit({commandEvent(kind, jti, message, entity)});
    }
    Result<Inventory> scan(const Reread& what);
    void rescan(const Reread& what);
    void emit(std::vector<Event> evs);
    void flush() { (void)commit(nullptr, std::nullopt); }
    /// Commit the events waiting in unsaved_ (one transaction); with `command`, also its replay
    /// record and `accepted` (its command.accepted event) in the same transaction: one sync for
    /// both. false: the command's jti is known (a replay), nothing was committed. An error leaves
    /// unsaved_ waiting (retried each second) and drops `accepted`: the command is not run.
    Result<bool> commit(const CommandRecord* command, std::optional<Event> accepted);
    void syncMdWatches();
    std::set<std::string> mdTick();
    void startPoller();
    void stopPoller();
    void pollerLoop();
    std::string statusJson() const;
    /// The status document every sink publishes (MQTT's retained status): built once, given to each.
    void publishStatus() {
        if (workers_.empty()) return;
        const std::string doc = statusJson();
        for (auto& w : workers_) w->setStatus(doc);
    }
    std::string control(const LineServer::Request& req, bool& keep);
    std::string metrics(const LineServer::Request& req, bool& keep);
    /// Wait (at most kLastGasp) until every sink delivered the last committed event.
    void lastGasp();
    /// Take STATE_DIR/raidmond.lock: one agent per state directory.
    Result<void> lockInstance(const detail::StateDir& dir);

    const Context& ctx_;
    const AgentConfig& cfg_;
    int stopFd_;
    EventFilter filter_;
    ConsoleWatch console_;  ///< console devices, the verification code, the issue file (daemon/console.hpp)
    BootRecord boot_;       ///< this run's STATE_DIR/boot.json (daemon/restart.hpp)
    HostIdentity id_;
    Inventory current_;
    Inventory spare_;  ///< the inventory the last rescan replaced: its storage is reused by the next
    std::vector<Incident> incidents_;
    std::vector<LostGroup> lost_;      ///< drives lost together, until they are back (daemon/common_cause.hpp)
    std::set<std::string> blocked_;    ///< Drive::id of drives seen blocked/offline while a burst was gathered
    std::optional<detail::InventoryParts> parts_;  ///< the last scan in parts, for partial rescans
    std::unique_ptr<Outbox> outbox_;
    CommandInbox commands_;                  ///< commands the sinks received (before workers_: they push into it)
    std::vector<CommandKey> commandKeys_;    ///< [[commands.key]], loaded at start
    std::string slotsRecorded_;              ///< the drives' bays as slotMemory() last recorded them
    CommandRateLimiter commandRate_{30, std::chrono::seconds(60)};
    std::vector<std::unique_ptr<DeliveryWorker>> workers_;
    std::unique_ptr<DeviceMonitor> monitor_;
    std::vector<MdWatch> mdWatches_;
    std::deque<Event> unsaved_;  ///< admitted but not yet committed (the disk was full, ...)
    /// Block devices a "remove" uevent announced. Trusted over sysfs until a scan no longer sees
    /// them or an "add" comes: the kernel sends "remove" after the device left sysfs, but a scan
    /// racing the removal (or umockdev, which needs "remove" sent first) can still find it.
    std::set<std::string, std::less<>> gone_;
    std::string unsavedError_;
    std::uint64_t unsavedDropped_ = 0;  ///< droppable events dropped from the in-memory backlog
    detail::Fd instanceLock_;           ///< flock on STATE_DIR/raidmond.lock, held while running
    AccessPolicy access_;               ///< who may do what on the control socket
    Clk::time_point lastRefusalLog_{};
    std::uint64_t refusalsUnlogged_ = 0;
    LineServer control_, metricsServer_;
    AgentMetrics stats_;
    PollResults poll_;
    int wakeFd_ = -1;
    std::thread poller_;
    std::mutex pollerM_;
    std::condition_variable pollerCv_;
    bool pollerStop_ = false;
};

Result<Inventory> Agent::scan(const Reread& what) {
    const auto t0 = Clk::now();
    if (what.everything || !parts_) {
        ScanOptions so;
        so.hardwareRaid = false;  // the poller runs the vendor tools, off the event path
        so.bmc = false;           // read once at start into the identity (readHostIdentity)
        auto p = detail::scanParts(ctx_, so);
        if (!p) return tl::unexpected(p.error());
        parts_ = std::move(*p);
        ++stats_.scans;
    } else {
        std::vector<std::string> removed = what.removed;
        std::vector<DeviceRecord> added = what.added;
        // A disk whose partitions changed: read again if it is there, else it is leaving (its own
        // "remove" follows, or came in this batch).
        std::set<std::string, std::less<>> named(removed.begin(), removed.end());
        for (const auto& a : added) named.insert(a.syspath);
        for (const auto& disk : what.partitionsOf) {
            if (!named.insert(disk).second) continue;  // the disk's own uevent, or another partition's, named it
            if (auto rec = ctx_.devices->lookup(disk); rec && rec->devtype == "disk") added.push_back(std::move(*rec));
            else removed.push_back(disk);
        }
        // An enclosure first: the slots of the disks that follow are looked up in it.
        if (!what.enclosures.empty()) detail::refreshEnclosures(ctx_, *parts_, what.enclosures);
        if (!removed.empty() || !added.empty()) detail::applyDiskChanges(ctx_, *parts_, removed, added);
        if (!what.md.empty() && removed.empty() && added.empty()) detail::refreshMd(ctx_, *parts_, what.md);
        if (!what.md.empty() || !removed.empty() || !added.empty() || !what.enclosures.empty()) ++stats_.partialScans;
    }
    Inventory inv = std::exchange(spare_, Inventory{});  // last time's storage, reused
    detail::combineInto(*parts_, inv);
    inv.host.bmc = id_.host.bmc;
    if (!gone_.empty()) {
        std::set<std::string_view> seen;
        for (const auto& d : inv.drives)
            if (d.sysPath && gone_.count(*d.sysPath)) seen.insert(*d.sysPath);
        std::erase_if(gone_, [&](const std::string& p) { return !seen.count(p); });
        std::erase_if(inv.drives, [&](const Drive& d) { return d.sysPath && gone_.count(*d.sysPath); });
    }
    {
        std::lock_guard lk(poll_.m);
        // Hardware RAID as its tools report it, merged as raidmon status merges it: the tool's
        // controller onto its PCI function, its drives onto the kernel's (JBOD), its arrays and
        // enclosures (the bays the hot-swap assistant lights through the controller).
        if (poll_.controllers) detail::mergeReport(inv, *poll_.controllers);
        for (auto& d : inv.drives) {
            auto it = poll_.smart.find(d.id);
            if (it == poll_.smart.end()) continue;
            d.smart = it->second.smart;
            applySmartAssessment(d);
        }
        if (smartPolls()) poll_.toPoll = inv.drives;  // what the poller reads SMART of (assigned into: its storage is reused)
    }
    detail::finishInventory(inv, parts_->partial);
    stats_.lastScanSeconds = std::chrono::duration<double>(Clk::now() - t0).count();
    return inv;
}

void Agent::rescan(const Reread& what) {
    auto inv = scan(what);
    if (!inv) {
        log(LogLevel::error, "scan failed error=\"" + inv.error().message + "\"");
        return;
    }
    DiffOptions d;
    d.progressStepPercent = cfg_.progressStepPercent;
    std::vector<Event> evs = diffInventories(current_, *inv, d);
    const WallTime when = what.firstAt.value_or(ctx_.clock->now());
    const std::vector<Drive> ghostsBefore = unreachable();
    commonCauses(*inv, evs, when);
    // Each event carries the time its uevent was received (a drive's own, else the batch's first).
    std::map<std::string, std::string> pathOf;  // subject -> syspath, for the drives whose uevent came
    if (!what.receivedAt.empty())
        for (const auto* side : {&current_, &*inv})
            for (const auto& dr : side->drives)
                if (dr.sysPath && what.receivedAt.count(*dr.sysPath)) pathOf["drive/" + dr.id] = *dr.sysPath;
    for (auto& e : evs) {
        if (e.time != WallTime{}) continue;
        auto p = pathOf.find(e.subject);
        auto at = p == pathOf.end() ? what.receivedAt.end() : what.receivedAt.find(p->second);
        e.time = at != what.receivedAt.end() ? at->second : when;
    }
    emit(std::move(evs));
    const bool healthChanged = inv->health != current_.health;
    Inventory before = std::exchange(current_, std::move(*inv));
    hotswapAfterScan(before, ghostsBefore);
    spare_ = std::move(before);  // the next scan assigns into its storage
    syncMdWatches();
    if (healthChanged)
        publishStatus();
}

std::vector<Drive> Agent::unreachable() const {
    std::vector<Drive> out;
    for (const auto& g : lost_)
        for (const auto& d : g.drives)
            if (std::find(g.missing.begin(), g.missing.end(), d.id) != g.missing.end()) out.push_back(d);
    return out;
}

void Agent::commonCauses(const Inventory& next, std::vector<Event>& evs, WallTime when) {
    std::set<std::string> replaced;  // "drive/<id>" whose drive.removed / drive.added a group event replaces
    std::vector<Event> out;
    // Returns first: a drive of a lost group that is back.
    const auto present = lost_.empty() ? detail::IdIndex<const Drive>() : detail::IdIndex(next.drives);
    for (auto& g : lost_) {
        std::vector<std::string> back;
        for (const auto& id : g.missing)
            if (present.contains(id)) back.push_back(id);
        if (back.empty()) continue;
        std::erase_if(g.missing, [&](const std::string& id) { return present.contains(id); });
        for (const auto& id : back) replaced.insert("drive/" + id);
        out.push_back(restoredEvent(g, back, next));
        log(LogLevel::info, g.kind + " restored id=" + g.id + " returned=" + std::to_string(back.size()) + " missing=" + std::to_string(g.missing.size()));
    }
    std::erase_if(lost_, [](const LostGroup& g) { return g.missing.empty(); });
    CauseEvidence ce;
    ce.exists = [](const std::string& p) { return detail::pathExists(p); };
    ce.blocked = std::exchange(blocked_, {});
    for (auto& g : findCommonCauses(current_, next, ce)) {
        g.lostAt = when;
        for (const auto& d : g.drives) replaced.insert("drive/" + d.id);
        // The rest of a loss already reported (a burst the kernel spread over more than kBurstMax):
        // the open group grows and is reported again, whole, under the same subject.
        auto same = std::find_if(lost_.begin(), lost_.end(), [&](const LostGroup& o) {
            if (!g.cause.empty() && o.cause == g.cause) return true;
            return std::any_of(g.enclosures.begin(), g.enclosures.end(),
                               [&](const std::string& e) { return std::find(o.enclosures.begin(), o.enclosures.end(), e) != o.enclosures.end(); });
        });
        if (same != lost_.end()) {
            for (auto& d : g.drives) same->drives.push_back(std::move(d));
            for (auto& m : g.missing) same->missing.push_back(std::move(m));
            for (auto& a : g.arrays)
                if (std::find(same->arrays.begin(), same->arrays.end(), a) == same->arrays.end()) same->arrays.push_back(std::move(a));
            if (g.kind == "enclosure") same->kind = "enclosure";
        }
        LostGroup& into = same != lost_.end() ? *same : lost_.emplace_back(std::move(g));
        out.push_back(lostEvent(into, next));
        log(LogLevel::warning, into.kind + " lost id=" + into.id + " cause=" + (into.cause.empty() ? into.causeKind : into.cause) +
                                   " drives=" + std::to_string(into.drives.size()) + " arrays=" + std::to_string(into.arrays.size()));
    }
    if (out.empty()) return;
    std::erase_if(evs, [&](const Event& e) {
        return (e.type == "io.raidmon.drive.removed" || e.type == "io.raidmon.drive.added") && replaced.count(e.subject);
    });
    for (auto& e : out) e.time = when;
    evs.insert(evs.begin(), std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
}

bool Agent::burstUnderWay(const Reread& what) {
    if (what.removed.empty()) return false;
    // The enclosures of the disks that left; their drives tell whether this is one pull or the
    // start of a shelf, port or HBA going: the transport blocks every device behind a port that
    // stopped answering, then the kernel removes them one after another. A disk pulled by hand
    // leaves its neighbours running. Under way while a neighbour is blocked or already gone from
    // sysfs without its "remove", or a disk that left is still in sysfs, blocked (being torn down).
    std::set<std::string> leaving(what.removed.begin(), what.removed.end()), encs;
    std::set<std::string_view> expanders;  // the expanders the disks that left hung on
    bool direct = false;                   // one of them had none (cabled to the HBA's phys)
    for (const auto& d : current_.drives) {
        if (!d.sysPath || !leaving.count(*d.sysPath)) continue;
        if (d.location.enclosure) encs.insert(*d.location.enclosure);
        const auto e = parentExpander(*d.sysPath);
        if (e.empty()) direct = true;
        else expanders.insert(e);
    }
    std::string state;
    // Whether the drive says something is going: a SCSI state other than running (recorded as
    // evidence in blocked_), or, for a neighbour, a state that cannot be read because the disk
    // left sysfs.
    auto going = [&](const Drive& d, bool left) {
        state.assign(*d.sysPath).append("/device/state");
        if (auto st = detail::readFile(state.c_str())) {
            const auto v = detail::trim(*st);
            if (v == "running" || v == "live") return false;
            blocked_.insert(d.id);
            return true;
        }
        return !left && !detail::pathExists(*d.sysPath);
    };
    // Every neighbour's state (a 60-bay shelf read whole), or, when every disk that left hung on
    // an expander, the state of kSiblingProbes neighbours on each of those expanders and only the
    // existence of the others. The transport blocks every device below an expander that stopped
    // answering before the first of them is removed, so a neighbour below it that runs shows the
    // path is there; a disk that left sysfs is seen either way (a driver that removes the devices
    // one after another without blocking them). Something going: the whole read, for the
    // evidence of the common cause.
    auto look = [&](bool whole) {
        bool under = false;
        std::map<std::string_view, std::size_t> probes;  // by expander: two pulls may be on two
        for (const auto& d : current_.drives) {
            if (!d.sysPath) continue;
            const bool left = leaving.count(*d.sysPath) > 0;
            if (!left && (!d.location.enclosure || !encs.count(*d.location.enclosure))) continue;
            bool read = whole || left;
            if (const auto e = parentExpander(*d.sysPath); !read && expanders.count(e) && probes[e] < kSiblingProbes) {
                ++probes[e];
                read = true;
            }
            if (read) under = going(d, left) || under;
            else if (!detail::pathExists(*d.sysPath)) under = true;
        }
        return under;
    };
    if (direct || expanders.empty()) return look(true);
    if (!look(false)) return false;
    (void)look(true);  // the evidence: every neighbour's state
    return true;
}

void Agent::emit(std::vector<Event> evs) {
    const auto now = Clk::now();
    for (auto& e : evs) {
        stampEvent(e, *ctx_.clock);  // before the filter: an event held back keeps when it happened
        if (!filter_.admit(e, now)) continue;
        unsaved_.push_back(std::move(e));
    }
    flush();
}

Result<bool> Agent::commit(const CommandRecord* command, std::optional<Event> accepted) {
    if (unsaved_.empty() && !command) return true;
    std::vector<Event> batch(unsaved_.begin(), unsaved_.end());
    if (accepted && filter_.admit(*accepted, Clk::now())) batch.push_back(std::move(*accepted));
    auto r = command ? outbox_->appendAccepted(*command, batch, id_)
                     : outbox_->append(batch, id_).map([](std::vector<AppendResult> v) { return std::optional(std::move(v)); });
    if (!r) {
        // Kept in memory and retried each second: a full disk loses nothing while we run. Bound
        // the backlog like the outbox: droppable events go first.
        if (r.error().message != unsavedError_)
            log(LogLevel::error, "cannot commit events error=\"" + r.error().message + "\" pending=" + std::to_string(unsaved_.size()));
        unsavedError_ = r.error().message;
        while (unsaved_.size() > cfg_.outboxMaxEvents) {
            auto it = std::find_if(unsaved_.begin(), unsaved_.end(), [](const Event& e) { return isDroppable(e); });
            if (it == unsaved_.end()) break;
            unsaved_.erase(it);
            ++unsavedDropped_;
        }
        return tl::unexpected(r.error());
    }
    if (!*r) return false;  // a replay: rolled back, unsaved_ still waits
    if (!unsavedError_.empty()) log(LogLevel::info, "events committed again after error=\"" + unsavedError_ + "\"");
    if (auto e = outbox_->takeCheckpointError()) log(LogLevel::warning, "outbox checkpoint failed (retried) error=\"" + *e + "\"");
    if (auto e = outbox_->takeFlushError()) log(LogLevel::error, "outbox flush failed (retried after the next commit) error=\"" + *e + "\"");
    unsavedError_.clear();
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto& a = (**r)[i];
        if (a.dropped) continue;  // counted by the outbox (Outbox::dropped)
        if (a.overBound) log(LogLevel::warning, "outbox over its bound (failures are never dropped) events=" + std::to_string(outbox_->size()));
        ++stats_.eventsByType[batch[i].type];
        control_.broadcast(a.body + "\n");
        log(LogLevel::info, "event type=" + batch[i].type + " subject=" + batch[i].subject + " seq=" + std::to_string(a.seq));
    }
    unsaved_.clear();
    stats_.suppressed = filter_.suppressed();
    stats_.dropped = unsavedDropped_ + outbox_->dropped();
    for (auto& w : workers_) w->notify();
    return true;
}

void Agent::syncMdWatches() {
    std::vector<std::string> names;
    for (const auto& a : current_.arrays)
        if (a.kind == "md") names.push_back(a.name);
    std::erase_if(mdWatches_, [&](MdWatch& w) {
        if (std::find(names.begin(), names.end(), w.array) != names.end()) return false;
        ::close(w.fd);
        return true;
    });
    for (const auto& n : names) {
        for (const char* attr : {"array_state", "degraded", "sync_action", "sync_completed"}) {
            auto p = ctx_.paths.sys / "block" / n / "md" / attr;
            if (std::any_of(mdWatches_.begin(), mdWatches_.end(), [&](const MdWatch& w) { return w.path == p; })) continue;
            int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            mdWatches_.push_back({n, p, fd, readFd(fd)});
        }
    }
}

std::set<std::string> Agent::mdTick() {
    std::set<std::string> changed;
    for (auto& w : mdWatches_) {
        // By path, not through the open fd: a file replaced under us (umockdev writes a new file)
        // would keep the old contents behind the fd. The fd is there for POLLPRI.
        auto r = detail::readFile(w.path);
        std::string v = r ? std::string(detail::trim(*r)) : std::string();
        if (v != w.last) {
            w.last = std::move(v);
            changed.insert(w.array);
        }
    }
    return changed;
}

std::string Agent::statusJson() const {
    detail::Json j{{"machine_id", detail::opt(id_.host.machineId)},
                   {"hostname", detail::opt(id_.host.hostname)},
                   {"health", toString(current_.health)},
                   {"reasons", current_.reasons},
                   {"drives", current_.drives.size()},
                   {"arrays", current_.arrays.size()},
                   {"online", true},
                   {"time", utcNow()},
                   {"agent_version", kVersion}};
    return j.dump();
}

bool Agent::smartPolls() const {
    return cfg_.smartInterval.count() > 0 ||
           std::any_of(cfg_.smartIntervals.begin(), cfg_.smartIntervals.end(), [](const SmartIntervalRule& r) { return r.interval.count() > 0; });
}

void Agent::startPoller() {
    if (!smartPolls() && cfg_.controllerInterval.count() == 0) return;
    poller_ = std::thread([this] { pollerLoop(); });
}

void Agent::stopPoller() {
    {
        std::lock_guard lk(pollerM_);
        pollerStop_ = true;
    }
    pollerCv_.notify_all();
    if (poller_.joinable()) poller_.join();
}

void Agent::pollerLoop() {
    // Its own context: the same paths, runner and clock, but no device source (libudev handles
    // are not shared between threads).
    Context pc = ctx_;
    pc.devices = nullptr;
    std::map<std::string, Clk::time_point> due;
    Clk::time_point ctlDue = Clk::now() + cfg_.controllerInterval;  // run() polled them before the first scan
    bool saidNoIo = false;
    for (;;) {
        std::vector<Drive> drives;
        {
            std::lock_guard lk(poll_.m);
            drives = poll_.toPoll;
        }
        const auto now = Clk::now();
        bool changed = false;
        if (smartPolls()) {
            if (ctx_.deviceIo == DeviceIo::none) {
                // smartctl opens the device node too: "no device I/O" covers it.
                if (!saidNoIo) log(LogLevel::info, "SMART polls off: device I/O is disabled");
                saidNoIo = true;
            } else {
                for (const auto& d : drives) {
                    const auto every = smartIntervalFor(cfg_, d);
                    auto& t = due[d.id];
                    if (every.count() == 0) continue;  // [smart_intervals] "..." = 0
                    // A drive that became at risk is polled at its new rate from now on.
                    if (t > now + every) t = now + every;
                    if (t > now) continue;
                    t = now + every;
                    SmartOptions so;
                    so.skipIfStandby = !cfg_.smartWakeStandby;
                    auto r = readSmart(pc, d, so);
                    if (!r) {
                        log(r.error().is(errc::refused) ? LogLevel::debug : LogLevel::warning,
                            "SMART poll drive=" + d.id + " error=\"" + r.error().message + "\"");
                        continue;
                    }
                    std::lock_guard lk(poll_.m);
                    poll_.smart[d.id] = std::move(*r);
                    changed = true;
                    std::unique_lock sl(pollerM_);
                    if (pollerStop_) return;
                }
            }
        }
        if (cfg_.controllerInterval.count() > 0 && now >= ctlDue) {
            ctlDue = now + cfg_.controllerInterval;
            auto rep = scanHardwareRaid(pc);
            if (rep) {
                std::lock_guard lk(poll_.m);
                const bool any = !rep->controllers.empty() || poll_.controllers;
                poll_.controllers = std::move(*rep);
                changed = changed || any;
            }
        }
        if (changed) {
            {
                std::lock_guard lk(poll_.m);
                poll_.changed = true;
            }
            const std::uint64_t one = 1;
            (void)!::write(wakeFd_, &one, sizeof one);
        }
        std::unique_lock lk(pollerM_);
        auto next = ctlDue;
        if (cfg_.controllerInterval.count() == 0) next = Clk::now() + std::chrono::hours(24);
        if (smartPolls()) next = std::min(next, Clk::now() + std::chrono::seconds(10));
        if (pollerCv_.wait_until(lk, next, [&] { return pollerStop_; })) return;
    }
}

void Agent::loadHotswap() {
    if (!cfg_.hotswap) return;
    auto r = loadIncidents(cfg_.stateDir);
    if (r) {
        incidents_ = std::move(*r);
        return;
    }
    // Never overwrite what cannot be read: keep it aside for a person, start with no incidents.
    // (A link planted in its place is moved aside too, never followed: renameat moves the link.)
    const std::string aside =
        "incidents.json.unreadable-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ctx_.clock->now().time_since_epoch()).count());
    std::string moved;
    if (auto dir = detail::StateDir::open(cfg_.stateDir, false); !dir) moved = dir.error().message;
    else if (auto m = dir->rename("incidents.json", aside); !m) moved = m.error().message;
    log(LogLevel::error, "hot-swap incidents unreadable error=\"" + r.error().message + "\" kept_as=" + (cfg_.stateDir / aside).string() +
                             (moved.empty() ? "" : " (cannot move it: " + moved + ")"));
}

void Agent::saveHotswap() {
    if (auto r = saveIncidents(cfg_.stateDir, incidents_); !r)
        log(LogLevel::error, "cannot save hot-swap incidents error=\"" + r.error().message + "\"");
}

void Agent::hotswapAfterScan(const Inventory& before, const std::vector<Drive>& ghostsBefore) {
    if (!cfg_.hotswap) return;
    const std::vector<Drive> ghostsAfter = unreachable();
    auto withGhosts = [](const Inventory& inv, const std::vector<Drive>& ghosts) {
        Inventory out = inv;
        for (const auto& g : ghosts)
            if (std::none_of(out.drives.begin(), out.drives.end(), [&](const Drive& d) { return d.id == g.id; })) out.drives.push_back(g);
        return out;
    };
    HotswapStep step;
    if (ghostsBefore.empty() && ghostsAfter.empty()) step = advanceIncidents(incidents_, before, current_, cfg_.hotswapPolicy, ctx_.clock->now());
    else step = advanceIncidents(incidents_, withGhosts(before, ghostsBefore), withGhosts(current_, ghostsAfter), cfg_.hotswapPolicy, ctx_.clock->now());
    if (step.events.empty() && step.actions.empty()) return;
    emit(std::move(step.events));
    runActions(std::move(step.actions));
    saveHotswap();
}

void Agent::runActions(std::vector<HotswapAction> actions) {
    for (const auto& a : actions) {
        const Incident* inc = findIncident(incidents_, a.incidentId);
        const bool completed = inc && inc->state == IncidentState::completed;
        const auto out = runHotswapAction(ctx_, current_, a, cfg_.stateDir, completed);
        log(out.ok ? LogLevel::info : LogLevel::error, std::string("hot-swap action=") + std::string(toString(a.kind)) + " incident=" +
                                                           a.incidentId + " ok=" + (out.ok ? "yes" : "no") + " detail=\"" + out.message + "\"");
        emit(actionDone(incidents_, a, out.ok, out.message, ctx_.clock->now()));
    }
}

// HOTSWAP LIST | HOTSWAP OPEN DRIVE | HOTSWAP CONFIRM ID | HOTSWAP CANCEL ID [REASON...] |
// HOTSWAP WORKORDER ID: answers "OK", one JSON document per line, "END".
std::string Agent::hotswapControl(const ControlRequest& req) {
    using K = ControlRequest::Kind;
    if (!cfg_.hotswap) return "ERROR the hot-swap assistant is off ([hotswap] enabled = false)\n";
    auto answer = [](const std::vector<std::string>& lines) { return okAnswer(lines, [](const std::string& l) { return l; }); };
    if (req.kind == K::hotswapList) return okAnswer(incidents_, [](const Incident& i) { return toJson(i, -1); });
    if (req.kind == K::hotswapWorkorder) {
        const Incident* i = findIncident(incidents_, req.subject);
        if (!i) return "ERROR not found: no incident " + detail::quoteForError(req.subject) + "\n";
        const WorkOrder wo = makeWorkOrder(*i, current_);
        detail::Json j{{"incident", detail::Json::parse(toJson(*i, -1))},
                       {"work_order", detail::Json::parse(toJson(wo, -1))},
                       {"text", toText(wo)},
                       {"svg", toSvg(wo, current_)}};
        return answer({j.dump()});
    }
    if (req.kind != K::hotswapOpen && req.kind != K::hotswapConfirm && req.kind != K::hotswapCancel) return "ERROR unknown request\n";
    auto r = changeIncident(req.kind, req.subject, req.reason.empty() ? "cancelled by an operator" : req.reason);
    if (!r) return std::string("ERROR ") + (r.error().is(errc::not_found) ? "not found: " : "") + r.error().message + "\n";
    return answer({*r});
}

Result<std::string> Agent::changeIncident(ControlRequest::Kind kind, const std::string& subject, const std::string& reason) {
    using K = ControlRequest::Kind;
    if (!cfg_.hotswap) return fail(errc::unsupported, "the hot-swap assistant is off ([hotswap] enabled = false)");
    const auto now = ctx_.clock->now();
    Result<HotswapStep> r = fail(errc::invalid_argument, "");
    std::string id = subject;
    if (kind == K::hotswapOpen) {
        r = openIncident(incidents_, current_, subject, cfg_.hotswapPolicy, now);
        if (r && !incidents_.empty()) id = incidents_.back().id;
    } else if (kind == K::hotswapConfirm) {
        r = confirmIncident(incidents_, subject, now);
    } else {
        r = cancelIncident(incidents_, subject, reason, now);
    }
    if (!r) return tl::unexpected(r.error());
    emit(std::move(r->events));
    runActions(std::move(r->actions));
    saveHotswap();
    const Incident* i = findIncident(incidents_, id);
    return i ? toJson(*i, -1) : std::string("{}");
}

Event Agent::commandEvent(const std::string& kind, const std::string& jti, const std::string& message, const detail::Json& entity) {
    Event e;
    e.type = "io.raidmon.command." + kind;
    e.subject = jti.empty() ? std::string("command") : "command/" + jti;
    e.severity = kind == "rejected" || kind == "failed" ? Severity::warning : Severity::info;
    e.message = message;
    e.entityJson = entity.dump(-1, ' ', false, detail::Json::error_handler_t::replace);
    return e;
}

std::string Agent::command(const std::string& transport, std::string_view text, std::size_t size, bool run) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(ctx_.clock->now().time_since_epoch()).count();
    CommandResult<Command> v = size > kMaxCommandBytes ? tl::unexpected(commandTooLarge(size))
                                                       : verifyCommand(text, commandKeys_, id_.host.machineId.value_or(""), now);
    detail::Json entity;
    if (v) entity = detail::Json{{"jti", v->jti}, {"cmd", v->verb}, {"key", v->key}, {"transport", transport}, {"exp", v->exp}};
    if (v && run) {
        // The key's rate first (a replayed flood costs no write), then the replay record and the
        // command.accepted event, committed in one transaction before anything is done: a crash
        // after it never runs the command twice, and no command is reported accepted without it.
        auto no = [&](std::string reason, std::string message) {
            return tl::unexpected(Rejection{std::move(reason), std::move(message), v->jti, v->verb, v->key});
        };
        if (!commandRate_.admit(v->key, Clk::now())) {
            v = no("rate_limited", "key " + v->key + " sent more than " + std::to_string(cfg_.commandRateMax) + " commands in " +
                                       std::to_string(cfg_.commandRateWindow.count()) + " s ([commands] rate_limit_max)");
        } else {
            Event accepted = commandEvent("accepted", v->jti, "command " + v->verb + " accepted from " + transport, entity);
            stampEvent(accepted, *ctx_.clock);
            const CommandRecord record{v->jti, v->exp, v->key, now};
            if (auto fresh = commit(&record, std::move(accepted)); !fresh)
                v = no("unavailable", "the replay record cannot be written, so the command is not run: " + fresh.error().message);
            else if (!*fresh)
                v = no("replay", "a command with jti " + detail::quoteForError(v->jti, 128) + " was accepted already");
        }
    }
    if (!v) {
        const Rejection& r = v.error();
        log(LogLevel::warning, "command rejected reason=" + r.reason + " transport=" + detail::printable(transport) +
                                   (r.jti.empty() ? "" : " jti=" + detail::quoteForError(r.jti, 128)) + " detail=\"" + detail::printable(r.message) + "\"");
        if (run)
            emitCommandEvent("rejected", r.jti, "command refused (" + r.reason + "): " + r.message,
                             detail::Json{{"jti", r.jti.empty() ? detail::Json(nullptr) : detail::Json(r.jti)},
                                          {"cmd", r.verb.empty() ? detail::Json(nullptr) : detail::Json(r.verb)},
                                          {"key", r.key.empty() ? detail::Json(nullptr) : detail::Json(r.key)},
                                          {"transport", transport},
                                          {"reason", r.reason},
                                          {"detail", r.message}});
        return "ERROR rejected " + r.reason + ": " + detail::printable(r.message) + "\n";
    }
    const Command& c = *v;
    if (!run) {
        entity["checked"] = true;
        return okAnswer(std::vector<std::string>{entity.dump()}, [](const std::string& l) { return l; });
    }
    log(LogLevel::info, "command accepted cmd=" + c.verb + " jti=" + detail::quoteForError(c.jti, 128) + " key=" + c.key + " transport=" +
                            detail::printable(transport));
    const CommandOutcome out = runCommand(c);
    entity["result"] = out.result;
    if (!out.ok) entity["reason"] = out.message;
    log(out.ok ? LogLevel::info : LogLevel::warning,
        "command " + std::string(out.ok ? "done" : "failed") + " cmd=" + c.verb + " jti=" + detail::quoteForError(c.jti, 128) + " detail=\"" +
            detail::printable(out.message) + "\"");
    emitCommandEvent(out.ok ? "done" : "failed", c.jti, c.verb + ": " + out.message, entity);
    const std::string line = entity.dump(-1, ' ', false, detail::Json::error_handler_t::replace);
    if (!out.ok) return "ERROR failed: " + detail::printable(out.message) + "\n";
    return okAnswer(std::vector<std::string>{line}, [](const std::string& l) { return l; });
}

Result<SlotMemory> Agent::slotMemory() {
    // What rememberSlots() records of each drive, but its time.
    std::string bays;
    for (const auto& d : current_.drives) {
        if (!d.location.enclosure || !d.location.slot) continue;
        bays += detail::Json{d.id, d.serial.value_or(""), d.wwn.value_or(""), d.model.value_or(""), *d.location.enclosure, *d.location.slot,
                             d.location.label.value_or(""), d.kernelName.value_or("")}
                    .dump(-1, ' ', false, detail::Json::error_handler_t::replace) +
                "\n";
    }
    if (bays == slotsRecorded_) return loadSlotMemory(cfg_.stateDir);
    auto m = rememberSlots(ctx_, cfg_.stateDir, current_);
    if (m) slotsRecorded_ = std::move(bays);
    return m;
}

Agent::CommandOutcome Agent::runCommand(const Command& c) {
    CommandOutcome out;
    const std::string why = "panel command " + c.verb + " jti=" + c.jti;
    auto failed = [&](std::string message) {
        out.ok = false;
        out.message = std::move(message);
        return out;
    };
    if (c.verb == "locate") {
        // As `raidmon locate` does: record every drive's bay, find the one asked for, light it
        // through the first backend that reaches it, read it back, lease it.
        std::vector<std::string> notes;
        SlotMemory memory;
        if (auto m = slotMemory()) memory = std::move(*m);
        else notes.push_back("slot memory not available: " + m.error().message);
        auto bay = resolveBay(current_, memory, c.target);
        if (!bay) return failed("target " + detail::quoteForError(c.target, 128) + ": " + bay.error().message);
        LedOptions lo;
        lo.stateDir = cfg_.stateDir;
        lo.duration = c.duration;
        lo.reason = why;
        const LedPattern pattern = c.state == "on" ? *parseLedPattern(c.pattern) : LedPattern::off;
        auto change = setSlotLed(ctx_, current_, *bay, pattern, lo);
        if (!change) return failed(change.error().message);
        out.result = detail::Json::parse(toJson(*change, -1));
        if (!notes.empty()) out.result["agent_notes"] = notes;
        out.ok = change->verified;
        out.message = std::string(toString(change->pattern)) + " on bay " + change->bay.label.value_or(std::to_string(change->bay.slot)) + " (" +
                      change->bay.enclosure + ") via " + change->backend + (change->verified ? ", read back" : ", NOT verified");
        if (!change->verified) return failed(out.message);
        return out;
    }
    if (c.verb == "identify") {
        LedOptions lo;
        lo.stateDir = cfg_.stateDir;
        lo.duration = c.duration;
        lo.reason = why;
        auto r = setServerIdentify(ctx_, c.state == "on", lo);
        if (!r) return failed("server identify light: " + r.error().message);
        out.ok = true;
        out.message = "server identify light " + c.state;
        out.result = detail::Json{{"identify", c.state}, {"notes", *r}};
        return out;
    }
    if (c.verb == "hotswap.confirm" || c.verb == "hotswap.cancel") {
        const bool confirm = c.verb == "hotswap.confirm";
        auto r = changeIncident(confirm ? ControlRequest::Kind::hotswapConfirm : ControlRequest::Kind::hotswapCancel, c.incident,
                                "cancelled by the panel (" + c.jti + ")");
        if (!r) return failed("incident " + detail::quoteForError(c.incident, 128) + ": " + r.error().message);
        out.ok = true;
        out.result = detail::Json{{"incident", detail::Json::parse(*r)}};
        out.message = "incident " + c.incident + (confirm ? " confirmed" : " cancelled") + "; state " +
                      out.result["incident"].value("state", std::string("unknown"));
        return out;
    }
    if (c.verb == "console.code") {
        if (!cfg_.console) return failed("console identity is off ([console] enabled = false): no verification code to rotate");
        Event changed = console_.rotateCode("command " + c.jti);
        out.result = detail::Json::parse(changed.extraDataJson);
        emit({std::move(changed)});
        console_.publish(id_, current_, incidents_);  // the screen shows the new code at once
        out.ok = true;
        out.message = "a new verification code is on the console";
        return out;
    }
    if (c.verb == "ping") {
        detail::Json ident = detail::Json::parse(toJson(id_.host, -1));
        detail::Json ifs = detail::Json::array();
        for (const auto& i : id_.interfaces) ifs.push_back({{"name", i.name}, {"mac", i.mac}});
        out.result = detail::Json{{"identity", ident}, {"interfaces", ifs}};
        emit({makeHeartbeat(current_)});
        out.ok = true;
        out.message = "pong; heartbeat sent";
        return out;
    }
    if (c.verb == "status") {
        out.result = detail::Json{{"status", detail::Json::parse(toJson(current_, -1))}};
        publishStatus();
        out.ok = true;
        out.message = "status snapshot: health " + std::string(toString(current_.health));
        return out;
    }
    return failed("no verb " + detail::quoteForError(c.verb));
}

std::string Agent::control(const LineServer::Request& q, bool& keep) {
    // Who asks decides first (the kernel's word, SO_PEERCRED), then what is asked.
    const Access a = q.peer ? accessOf(access_, *q.peer) : Access::none;
    auto refuse = [&](const std::string& what) {
        const auto now = Clk::now();
        if (now - lastRefusalLog_ >= std::chrono::seconds(10)) {
            log(LogLevel::warning, "control socket: refused peer=\"" + (q.peer ? q.peer->describe() : std::string("unknown")) + "\" request=" +
                                       detail::quoteForError(q.text, 60) +
                                       (refusalsUnlogged_ ? " (and " + std::to_string(refusalsUnlogged_) + " refusals not logged)" : ""));
            lastRefusalLog_ = now;
            refusalsUnlogged_ = 0;
        } else {
            ++refusalsUnlogged_;
        }
        return "ERROR permission denied: " + what + "\n";
    };
    const std::string who = cfg_.controlGroup.empty() ? "root" : "root or members of group " + cfg_.controlGroup;
    if (a == Access::none) return refuse("only " + who + " may use this socket");
    auto req = parseControlRequest(q.text);
    if (!req) return "ERROR " + req.error().message + "\n";
    if (changesState(req->kind) && a != Access::change) return refuse("this request changes state: only " + who + " may send it");
    using K = ControlRequest::Kind;
    switch (req->kind) {
    case K::watch: keep = true; return "OK\n";
    case K::commandRun:
    case K::commandCheck:
        return command("control:" + (q.peer ? q.peer->describe() : std::string("unknown")), req->subject, req->subject.size(),
                       req->kind == K::commandRun);
    case K::eventsAfter:
    case K::eventsSince: {
        auto r = req->kind == K::eventsAfter
                     ? outbox_->after(req->number, 100000)
                     : outbox_->since(std::chrono::system_clock::time_point(std::chrono::milliseconds(static_cast<std::int64_t>(req->number))), 100000);
        if (!r) return "ERROR " + r.error().message + "\n";
        return okAnswer(*r, [](const StoredEvent& e) { return e.body; });
    }
    default: return hotswapControl(*req);
    }
}

std::string Agent::metrics(const LineServer::Request& q, bool& keep) {
    keep = false;
    auto req = parseHttpRequest(q.text);
    if (!req) {
        const std::string status = httpStatusFor(req.error(), "");
        return httpResponse(status, "text/plain; charset=utf-8", status.substr(4) + ": " + detail::printable(req.error().message) + "\n");
    }
    const bool head = req->method == "HEAD";
    if (req->method != "GET" && !head)
        return httpResponse("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n", false, "Allow: GET, HEAD\r\n");
    if (req->target != "/metrics") return httpResponse("404 Not Found", "text/plain; charset=utf-8", "try /metrics\n", head);
    std::vector<SinkMetrics> sinks;
    const std::uint64_t last = outbox_->lastSeq().value_or(0);
    for (const auto& w : workers_) {
        const auto& s = w->stats();
        sinks.push_back({w->name(), s.delivered.load(), s.failures.load(), s.cursor.load() < last ? last - s.cursor.load() : 0, s.up.load()});
    }
    stats_.outboxEvents = outbox_->size();
    stats_.dropped = unsavedDropped_ + outbox_->dropped();
    stats_.metricsEvicted = metricsServer_.stats().evicted;
    stats_.metricsTimedOut = metricsServer_.stats().timedOut + metricsServer_.stats().tooLarge;
    const MetricsFormat f = negotiateMetricsFormat(req->header("accept"));
    return httpResponse("200 OK", contentType(f), renderMetrics(current_, stats_, sinks, f), head, "Vary: Accept\r\n");
}

void Agent::lastGasp() {
    // host.shutdown is committed; give the sinks a bounded moment to deliver it (and what came
    // before) while the network is still up. Each delivery thread acknowledges per event.
    auto last = outbox_->lastSeq();
    if (!last || workers_.empty()) return;
    const auto until = Clk::now() + kLastGasp;
    auto delivered = [&] {
        return std::all_of(workers_.begin(), workers_.end(), [&](const auto& w) { return w->stats().cursor.load() >= *last; });
    };
    while (!delivered() && Clk::now() < until) ::poll(nullptr, 0, 10);
    if (!delivered()) log(LogLevel::warning, "stopping before every sink delivered host.shutdown (last gasp of " + std::to_string(kLastGasp.count()) + " ms)");
}

Result<void> Agent::lockInstance(const detail::StateDir& dir) {
    auto fd = dir.openLockFile("raidmond.lock");
    if (!fd) return tl::unexpected(fd.error());
    const auto file = (dir.path() / "raidmond.lock").string();
    if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) return fail(fromErrno(errno), file + ": flock: " + std::strerror(errno));
        char pid[32] = {0};
        const ssize_t n = ::pread(fd->get(), pid, sizeof pid - 1, 0);
        const std::string other = n > 0 ? std::string(detail::trim(std::string_view(pid, static_cast<std::size_t>(n)))) : "";
        return fail(errc::refused, "another raidmond" + (other.empty() ? std::string() : " (pid " + detail::printable(other) + ")") +
                                       " is running on state directory " + dir.path().string() + " (it holds " + file +
                                       "): stop it first, or give this one its own --state-dir");
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd->get(), 0) != 0 || ::pwrite(fd->get(), me.data(), me.size(), 0) != static_cast<ssize_t>(me.size()))
        log(LogLevel::warning, file + ": cannot record the pid: " + std::strerror(errno));
    instanceLock_ = std::move(*fd);
    return {};
}

Result<void> Agent::run() {
    // The state directory first: checked (owned by root or this user, writable by nobody else,
    // reached without another user's links), then one agent per directory (docs/security.md).
    auto dir = detail::StateDir::open(cfg_.stateDir, true);
    if (!dir) return tl::unexpected(dir.error());
    if (auto r = lockInstance(*dir); !r) return r;
    const auto sock = cfg_.controlSocket.empty() ? defaultControlSocket(cfg_.stateDir) : cfg_.controlSocket;
    if (!cfg_.controlSocket.empty())  // its directory gets the same check
        if (auto sd = detail::StateDir::open(sock.parent_path(), true); !sd)
            return tl::unexpected(Error(sd.error().code, "agent.control_socket " + sock.string() + ": " + sd.error().message));
    access_.self = ::geteuid();
    access_.everyoneReads = (controlSocketMode(cfg_) & 0006) != 0;
    if (!cfg_.controlGroup.empty()) {
        auto g = groupId(cfg_.controlGroup);
        if (!g) return fail(errc::invalid_argument, "agent.control_group: " + g.error().message);
        access_.controlGroup = *g;
    }
    OutboxOptions oo;
    oo.maxEvents = cfg_.outboxMaxEvents;
    oo.keepDelivered = cfg_.outboxKeepDelivered;
    oo.durability = cfg_.outboxFsync ? Durability::full : Durability::normal;
    oo.checkpointInBackground = true;  // commits are on every event's path: no checkpoint in them
    // Nor a wait for the disk: the WAL is flushed beside the delivery (docs/agent.md, "Delivery
    // guarantees"), with a sequence guard for what a power cut takes.
    oo.flushBesideDelivery = !cfg_.outboxFlushBeforeDelivery;
    OutboxOptions appender = oo;
    appender.appender = true;
    if (auto b = readBootId(ctx_)) appender.bootId = *b;
    const auto db = cfg_.stateDir / "outbox.db";
    auto ob = Outbox::open(db, appender);
    if (!ob) return tl::unexpected(ob.error());
    outbox_ = std::move(*ob);
    if (const auto& s = outbox_->skipped())
        log(LogLevel::warning, "outbox: the last run ended without flushing its newest commits (a power cut or a crash of the kernel): "
                               "sequence numbers " + std::to_string(s->after + 1) + " to " + std::to_string(s->to) +
                                   " skipped; events a sink received just before the end may be missing from the outbox");
    id_ = readHostIdentity(ctx_);
    stats_.startTime = std::chrono::system_clock::now();

    // Command keys before the sinks that receive commands: a key that cannot be read stops the
    // start, naming its file (never its contents).
    for (const auto& kc : cfg_.commandKeys) {
        auto k = CommandKey::load(kc);
        if (!k) return tl::unexpected(Error(k.error().code, k.error().message + " (configured at line " + std::to_string(kc.line) + ")"));
        commandKeys_.push_back(std::move(*k));
    }
    commandRate_ = CommandRateLimiter(cfg_.commandRateMax, cfg_.commandRateWindow);
    if (!commandKeys_.empty()) {
        if (!id_.host.machineId)
            log(LogLevel::warning, "commands: this host has no machine-id (/etc/machine-id): every command will be refused (aud)");
        log(LogLevel::info, "commands: " + std::to_string(commandKeys_.size()) + " key(s); transports: control socket" +
                                std::string(std::any_of(cfg_.sinks.begin(), cfg_.sinks.end(), [](const SinkConfig& s) { return s.type == "mqtt" && !s.commandTopic.empty(); }) ? ", mqtt" : "") +
                                (std::any_of(cfg_.sinks.begin(), cfg_.sinks.end(), [](const SinkConfig& s) { return s.type == "webhook"; }) ? ", webhook answers" : ""));
    }

    // Sinks first: a sink that cannot be built (unreadable token) stops the start, loudly.
    std::vector<std::pair<SinkConfig, std::unique_ptr<Sink>>> sinks;
    std::vector<std::string> names;
    for (const auto& sc : cfg_.sinks) {
        auto s = makeSink(sc, id_, commandKeys_.empty() ? nullptr : &commands_);
        if (!s) return tl::unexpected(s.error());
        if (auto r = outbox_->registerSink(sc.name); !r) return tl::unexpected(r.error());
        sinks.emplace_back(sc, std::move(*s));
        names.push_back(sc.name);
    }
    // Cursors of sinks no longer configured (after the new ones took their place, so a renamed
    // sink goes on where the old name stopped): nobody would move them, and they would keep
    // every later event from being pruned.
    auto forgotten = outbox_->forgetSinksExcept(names);
    if (!forgotten) return tl::unexpected(forgotten.error());
    for (const auto& f : *forgotten)
        log(LogLevel::warning, "outbox: dropped the cursor of sink=" + detail::printable(f.name) + ", which is no longer configured cursor=" +
                                   std::to_string(f.cursor) + " undelivered=" + std::to_string(f.undelivered));
    std::random_device rd;
    for (auto& [sc, s] : sinks) workers_.push_back(std::make_unique<DeliveryWorker>(db, oo, sc, std::move(s), ctx_.log, rd()));

    UnixSocketOptions uo;
    uo.mode = controlSocketMode(cfg_);
    uo.group = access_.controlGroup;
    ServerLimits cl;
    cl.maxRequest = kMaxCommandBytes + 1024;  // COMMAND RUN with the largest JWT the verifier reads (and a little more, refused by it)
    if (auto r = control_.listenUnix(sock, [this](const LineServer::Request& q, bool& k) { return control(q, k); }, uo, cl); !r)
        return tl::unexpected(r.error());
    if (!cfg_.metricsListen.empty()) {
        // Sized for a hostile network: many connections at once, short deadlines, small requests.
        ServerLimits ml;
        ml.maxClients = 256;
        ml.requestTimeout = std::chrono::seconds(3);
        ml.answerTimeout = std::chrono::seconds(5);
        ml.maxRequest = HttpLimits{}.maxHead;
        if (auto r = metricsServer_.listenTcp(cfg_.metricsListen, [this](const LineServer::Request& q, bool& k) { return metrics(q, k); }, true, ml);
            !r)
            return tl::unexpected(r.error());
        log(LogLevel::info, "metrics listen=" + cfg_.metricsListen + " port=" + std::to_string(metricsServer_.port()));
        if (!isLoopbackHost(cfg_.metricsListen.substr(0, cfg_.metricsListen.rfind(':'))))
            log(LogLevel::warning, "metrics listen=" + cfg_.metricsListen + " is reachable beyond this host (metrics.allow_remote): /metrics "
                                   "has no authentication; keep it behind a firewall");
    }

    // Monitor before the first scan: nothing that happens in between is missed.
    std::vector<std::string> subsystems = {"block", "scsi", "enclosure", "nvme", "pci"};
    if (cfg_.console) subsystems.insert(subsystems.end(), std::begin(kConsoleSubsystems), std::end(kConsoleSubsystems));
    if (ctx_.devices) {
        auto m = ctx_.devices->monitor(subsystems);
        if (m) {
            monitor_ = std::move(*m);
            int rcvbuf = 0;
            socklen_t len = sizeof rcvbuf;
            if (::getsockopt(monitor_->fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) == 0)
                log(LogLevel::info, "device events: receive buffer=" + std::to_string(rcvbuf) + " bytes");
        } else {
            log(LogLevel::warning, "no device events, polling only error=\"" + m.error().message + "\"");
        }
    }
    // The controllers' tools once before the first scan: drives behind a RAID controller are in
    // the first inventory (the start events) instead of arriving later as "added".
    if (cfg_.controllerInterval.count() > 0) {
        if (auto rep = scanHardwareRaid(ctx_); rep && !rep->controllers.empty()) {
            std::lock_guard lk(poll_.m);
            poll_.controllers = std::move(*rep);
        }
    }
    auto first = scan(Reread::all());
    if (!first) return tl::unexpected(first.error());
    current_ = std::move(*first);
    syncMdWatches();
    loadHotswap();
    // Before the start events: their identity names the consoles.
    std::vector<Event> consoles = cfg_.console ? console_.start(id_) : std::vector<Event>{};
    {
        // Before anything is committed: the outbox's last event is still the previous run's.
        auto booted = bootedEvent(ctx_, cfg_.stateDir, *outbox_, boot_);
        std::vector<Event> evs{makeAgentStarted(current_, kVersion)};
        if (booted) evs.push_back(std::move(*booted));
        for (auto& e : consoles) evs.push_back(std::move(e));
        DiffOptions d;
        d.progressStepPercent = cfg_.progressStepPercent;
        for (auto& e : initialEvents(current_, d)) evs.push_back(std::move(e));
        emit(std::move(evs));
    }
    // Incidents carried over from an earlier run meet the host as it is now; failed drives
    // without one get one.
    hotswapAfterScan(Inventory{}, {});
    if (cfg_.console) console_.publish(id_, current_, incidents_);
    publishStatus();
    wakeFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakeFd_ < 0) return fail(errc::io_error, std::string("eventfd: ") + std::strerror(errno));
    startPoller();
    log(LogLevel::info, "started drives=" + std::to_string(current_.drives.size()) + " arrays=" + std::to_string(current_.arrays.size()) +
                            " sinks=" + std::to_string(workers_.size()) + " control=" + sock.string());

    auto nextHeartbeat = Clk::now() + cfg_.heartbeat;
    // The safety net: whatever a uevent did not say (or the kernel dropped) is found by a full scan.
    auto nextFullScan = Clk::now() + cfg_.fullScanInterval;
    auto nextMd = Clk::now() + cfg_.mdPoll;
    // Locate leases (docs/leds.md) run for minutes; checking every 10 s turns a light off at most
    // 10 s late, including leases set by the CLI or by an earlier run of the agent.
    constexpr auto kLeaseCheck = std::chrono::seconds(10);
    auto nextLeases = Clk::now();
    // A time point plus a flag, not std::optional: GCC 12 warns maybe-uninitialized on the latter here.
    Clk::time_point rescanAt{};
    bool rescanPending = false;
    Reread rescanWhat;
    Clk::time_point batchStart{}, lastUevent{}, lastArrival{};
    bool inBurst = false;  // the pending batch is (part of) a burst: it waits for quiet, at most kBurstMax
    bool siblingsRead = false;  // burstUnderWay() has looked at the pending batch's removals
    auto requestRescan = [&](Clk::time_point at, const Reread& what) {
        if (!rescanPending) {
            rescanAt = at;
            batchStart = Clk::now();
        }
        rescanPending = true;
        rescanWhat.add(what);
    };
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({stopFd_, POLLIN, 0});
        fds.push_back({wakeFd_, POLLIN, 0});
        const std::size_t monIdx = fds.size();
        if (monitor_) fds.push_back({monitor_->fd(), POLLIN, 0});
        const std::size_t mdIdx = fds.size();
        for (const auto& w : mdWatches_) fds.push_back({w.fd, POLLPRI | POLLERR, 0});
        const std::size_t cmdIdx = fds.size();
        fds.push_back({commands_.fd(), POLLIN, 0});
        const std::size_t ctlIdx = fds.size();
        control_.addFds(fds);
        const std::size_t metIdx = fds.size();
        metricsServer_.addFds(fds);

        auto now = Clk::now();
        auto next = std::min(nextMd, nextLeases);
        if (cfg_.heartbeat.count() > 0) next = std::min(next, nextHeartbeat);
        if (rescanPending) next = std::min(next, rescanAt);
        if (cfg_.fullScanInterval.count() > 0) next = std::min(next, nextFullScan);
        if (auto r = filter_.nextRelease()) next = std::min(next, std::max(*r, now));
        if (!unsaved_.empty()) next = std::min(next, now + std::chrono::seconds(1));
        if (cfg_.console) next = std::min(next, console_.nextRotation());
        // A slow client's deadline: closed on time even when nothing else wakes the loop.
        for (const auto* srv : {&control_, &metricsServer_})
            if (auto d = srv->nextDeadline()) next = std::min(next, std::max(*d, now));
        const auto waitMs = std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1);
        const int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(waitMs, 60000)));
        if (n < 0 && errno != EINTR) return fail(errc::io_error, std::string("poll: ") + std::strerror(errno));
        if (fds[0].revents & (POLLIN | POLLHUP)) break;
        now = Clk::now();
        if (fds[1].revents & POLLIN) {
            std::uint64_t v;
            (void)!::read(wakeFd_, &v, sizeof v);
            std::lock_guard lk(poll_.m);
            if (poll_.changed) requestRescan(now, Reread{});
            poll_.changed = false;
        }
        if (monitor_ && (fds[monIdx].revents & POLLIN)) {
            std::size_t got = 0, disks = 0;
            Reread what;
            const WallTime received = ctx_.clock->now();
            while (auto ev = monitor_->receive()) {
                ++got;
                if (isConsoleSubsystem(ev->device.subsystem)) {
                    if (cfg_.console) emit(console_.onEvent(*ev, id_));
                    continue;
                }
                ++disks;
                Reread r = rereadFor(*ev);
                for (const auto& p : r.removed) r.receivedAt.emplace(p, received);
                for (const auto& a : r.added) r.receivedAt.emplace(a.syspath, received);
                for (const auto& d : r.partitionsOf) r.receivedAt.emplace(d, received);
                r.firstAt = received;
                what.add(std::move(r));
                if (ev->device.subsystem != "block") continue;
                if (ev->action == "remove") gone_.insert(ev->device.syspath);
                else if (ev->action == "add") gone_.erase(ev->device.syspath);
            }
            stats_.uevents += got;
            if (monitor_->lostEvents()) {
                // The socket's buffer overflowed (ENOBUFS): some uevents are lost for good, so
                // nothing short of reading everything again is right.
                ++stats_.ueventOverflows;
                log(LogLevel::warning, "device events were dropped (udev monitor socket overflow, ENOBUFS): full rescan");
                Event e;
                e.type = "io.raidmon.agent.uevents_lost";
                e.subject = "host";
                e.severity = Severity::warning;
                e.message = "The kernel dropped device events (the udev monitor's receive buffer overflowed): raidmond read every "
                            "device again instead; the events that follow come from that full scan.";
                e.entityJson = detail::Json{{"overflows", stats_.ueventOverflows}, {"rescan", "full"}}.dump();
                emit({std::move(e)});
                Reread all = Reread::all();
                all.firstAt = received;
                what.add(std::move(all));
                ++disks;
            }
            if (disks) {
                lastUevent = now;
                // Arrivals gather too when they come in a run (a shelf powered on, a cable back):
                // several in one read, or one within kBurstQuiet / 4 of the last. Disks inserted by
                // hand come seconds apart and are reported at once.
                const bool arrivals = !what.added.empty() && (!lost_.empty() || what.added.size() >= 2 || now < lastArrival + kBurstQuiet / 4);
                if (!what.added.empty()) lastArrival = now;
                if (what.enclosureGone || what.removed.size() >= 2 || arrivals) inBurst = true;
                requestRescan(now + cfg_.settle, what);
            }
        }
        bool mdNotified = false;
        for (std::size_t i = 0; i < mdWatches_.size(); ++i)
            if (fds[mdIdx + i].revents & (POLLPRI | POLLERR)) mdNotified = true;
        if (mdNotified)
            if (auto md = mdTick(); !md.empty()) requestRescan(now, Reread::arrays(std::move(md)));
        if (now >= nextMd) {
            nextMd = now + cfg_.mdPoll;
            if (auto md = mdTick(); !md.empty()) requestRescan(now, Reread::arrays(std::move(md)));
        }
        if (fds[cmdIdx].revents & POLLIN)
            for (const auto& item : commands_.take()) (void)command(item.transport, item.text, item.size, true);
        if (cfg_.fullScanInterval.count() > 0 && now >= nextFullScan) {
            nextFullScan = now + cfg_.fullScanInterval;
            requestRescan(now, Reread::all());
        }
        if (rescanPending && now >= rescanAt) {
            // A burst is applied once: while the siblings of a removed disk are still blocked or
            // going, or uevents of a burst still flow, the batch waits (at most kBurstMax). The
            // siblings are read at the batch's first look (the transport blocks a dropped port's
            // devices together, before the kernel removes any: that look records them) and again
            // once the uevents pause; not while they flow, when the answer would not change the wait.
            const bool flowing = inBurst && now < lastUevent + kBurstQuiet;
            const bool siblings = now < batchStart + kBurstMax && (!flowing || !siblingsRead) && burstUnderWay(rescanWhat);
            siblingsRead = siblingsRead || !rescanWhat.removed.empty();
            inBurst = inBurst || siblings;
            if (now < batchStart + kBurstMax && (siblings || flowing)) {
                rescanAt = std::min(batchStart + kBurstMax, std::max(lastUevent + kBurstQuiet, now + kBurstQuiet / 5));
            } else {
                rescanPending = false;
                inBurst = false;
                siblingsRead = false;
                rescan(std::exchange(rescanWhat, Reread{}));
            }
        }
        if (now >= nextLeases) {
            nextLeases = now + kLeaseCheck;
            expireLeaseLights();
            // Steps that only time makes (a controller given controller_rebuild_wait to rebuild).
            hotswapAfterScan(current_, unreachable());
        }
        if (cfg_.heartbeat.count() > 0 && now >= nextHeartbeat) {
            nextHeartbeat = now + cfg_.heartbeat;
            emit({makeHeartbeat(current_)});
            publishStatus();
        }
        // The last word of a rate-limited entity, once its window has room again.
        for (auto& e : filter_.release(now)) unsaved_.push_back(std::move(e));
        if (!unsaved_.empty()) flush();
        if (cfg_.console) {
            if (now >= console_.nextRotation()) emit({console_.rotateCode("timer")});
            console_.publish(id_, current_, incidents_);  // rewrites only what changed
        }
        // Servers last: the indices above are still valid (no fd was added or removed).
        control_.handle(fds, ctlIdx);
        metricsServer_.handle(fds, metIdx);
    }
    log(LogLevel::info, "stopping");
    emit({shutdownEvent(ctx_, boot_)});
    lastGasp();
    recordCleanStop(ctx_, cfg_.stateDir, boot_, *outbox_);
    stopPoller();
    workers_.clear();  // each delivery thread finishes its current attempt and exits
    return {};
}

} // namespace

} // namespace agent

Result<void> runAgent(const Context& ctx, const AgentConfig& cfg, int stopFd) {
    if (!ctx.clock) return fail(errc::invalid_argument, "runAgent: the context has no clock");
    agent::Agent a(ctx, cfg, stopFd);
    return a.run();
}

} // namespace raidmon
