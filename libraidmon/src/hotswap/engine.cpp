// SPDX-License-Identifier: LGPL-2.1-or-later
// The hot-swap incident state machine (docs/hotswap.md). Pure: inventories in, events and actions out.
#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <raidmon/events.hpp>
#include <raidmon/hotswap.hpp>
#include <raidmon/rebuild.hpp>
#include <raidmon/units.hpp>

#include "core/id_index.hpp"
#include "hotswap/common.hpp"

namespace raidmon {

namespace {

using Clock = std::chrono::system_clock;

constexpr std::array kStateNames = {"detected",  "assessed", "locating",  "awaiting_removal", "removed",  "awaiting_insertion",
                                    "inserted",  "verified", "rebuilding", "completed",       "failed",   "cancelled"};
constexpr std::array kCauseNames = {"drive_failed", "failure_predicted", "wrong_drive_removed", "unexpected_removal",
                                    "operator_request"};
constexpr std::array kActionNames = {"light_on",     "light_off",          "identify_on",  "identify_off",
                                     "md_add",       "md_remove_detached", "ctl_hot_spare", "md_readwrite"};
constexpr std::array kAddNames = {"auto", "confirm", "never"};

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<const char*, N>& names, E e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    return i < N ? std::string_view(names[i]) : std::string_view("unknown");
}

template <typename E, std::size_t N>
Result<E> parseName(const std::array<const char*, N>& names, std::string_view s, const char* what) {
    for (std::size_t i = 0; i < N; ++i)
        if (s == names[i]) return static_cast<E>(i);
    return fail(errc::invalid_argument, std::string("not ") + what + ": '" + std::string(s.substr(0, 64)) + "'");
}

bool isReturnCause(IncidentCause c) { return c == IncidentCause::wrong_drive_removed || c == IncidentCause::unexpected_removal; }

bool sameDrive(const IncidentDrive& a, const Drive& b) {
    if (!a.id.empty() && a.id == b.id) return true;
    if (a.serial && b.serial && !a.serial->empty() && *a.serial == *b.serial) return true;
    return a.wwn && b.wwn && !a.wwn->empty() && *a.wwn == *b.wwn;
}

bool bayKnown(const Incident& inc) { return inc.enclosure && inc.slot; }

/// Builds one step's events and actions for one incident.
class Stepper {
public:
    Stepper(HotswapStep& step, Clock::time_point now) : step_(step), now_(now) {}

    void emit(const Incident& inc, std::string type, Severity sev, std::string message) {
        Event ev;
        ev.id = newEventId();
        ev.type = "io.raidmon.hotswap." + std::move(type);
        ev.subject = "incident/" + inc.id;
        ev.time = now_;
        ev.severity = sev;
        ev.message = std::move(message);
        ev.entityJson = toJson(inc, -1);
        step_.events.push_back(std::move(ev));
    }

    void go(Incident& inc, IncidentState to, const std::string& reason) {
        inc.history.push_back({inc.state, to, now_, reason});
        inc.state = to;
        inc.updatedAt = now_;
        Severity sev = Severity::info;
        if (to == IncidentState::failed || (isReturnCause(inc.cause) && !isTerminal(to)))
            sev = Severity::critical;
        else if (!isTerminal(to) && static_cast<int>(to) <= static_cast<int>(IncidentState::awaiting_insertion))
            sev = Severity::warning;
        emit(inc, std::string(toString(to)), sev, sentence(inc, reason));
    }

    void light(const Incident& inc, HotswapActionKind kind, LedPattern pattern = LedPattern::locate) {
        if (!bayKnown(inc)) return;
        HotswapAction a;
        a.kind = kind;
        a.incidentId = inc.id;
        a.enclosure = inc.enclosure;
        a.slot = inc.slot;
        a.slotLabel = inc.slotLabel;
        a.pattern = kind == HotswapActionKind::light_off ? LedPattern::off : pattern;
        step_.actions.push_back(std::move(a));
    }

    void action(const Incident& inc, HotswapActionKind kind) {
        HotswapAction a;
        a.kind = kind;
        a.incidentId = inc.id;
        a.array = inc.arrayName;
        if (kind == HotswapActionKind::md_add && inc.replacement) {
            a.device = inc.replacement->devnode;
            a.wipeFirst = !inc.replacement->signaturesToWipe.empty();
        }
        if (kind == HotswapActionKind::ctl_hot_spare && inc.replacement) {
            a.driveId = inc.replacement->id;
            a.serial = inc.replacement->serial;
        }
        step_.actions.push_back(std::move(a));
    }

    /// Lights off at the end of an incident: the bay's if raidmon lit it (or asked to), and the server's.
    void lightsOff(const Incident& inc) {
        if (inc.lightOn || inc.state == IncidentState::locating || historyHas(inc, IncidentState::locating))
            light(inc, HotswapActionKind::light_off);
        if (inc.identifyOn) action(inc, HotswapActionKind::identify_off);
    }

    static std::string sentence(const Incident& inc, const std::string& reason) {
        std::string s = "Bay " + detail::bayName(inc) + ", drive " + detail::driveName(inc.drive);
        if (inc.arrayName) s += " of " + *inc.arrayName;
        s += ": " + reason;
        if (!s.empty() && s.back() != '.') s += '.';
        return s;
    }

    static bool historyHas(const Incident& inc, IncidentState st) {
        return std::any_of(inc.history.begin(), inc.history.end(), [&](const auto& t) { return t.to == st; });
    }

    HotswapStep& step_;
    Clock::time_point now_;
};

/// The array `d` is a member of (by Drive::id, else by kernel name of the member device).
std::pair<const Array*, const ArrayMember*> membership(const Inventory& inv, const Drive& d) {
    for (const auto& a : inv.arrays)
        for (const auto& m : a.members) {
            if (m.drive && *m.drive == d.id) return {&a, &m};
            if (!m.drive && m.device && d.kernelName && m.device->rfind(*d.kernelName, 0) == 0) return {&a, &m};
        }
    return {nullptr, nullptr};
}

void setArray(Incident& inc, const Array& arr, const ArrayMember& mem) {
    inc.arrayId = arr.id;
    inc.arrayName = arr.name;
    inc.arrayKind = arr.kind;
    inc.arrayUuid = arr.uuid;
    inc.memberSlot = mem.slot;
}

void fillBay(Incident& inc, const Inventory& inv, const Drive& d) {
    inc.enclosure = d.location.enclosure;
    inc.slot = d.location.slot;
    inc.slotLabel = d.location.label;
    if (inc.enclosure && inc.slot) {
        for (const auto& e : inv.enclosures)
            if (e.id == *inc.enclosure)
                for (const auto& s : e.slots)
                    if (s.index == *inc.slot && !inc.slotLabel) inc.slotLabel = s.label;
        return;
    }
    for (const auto& e : inv.enclosures)
        for (const auto& s : e.slots)
            if (s.drive && *s.drive == d.id) {
                inc.enclosure = e.id;
                inc.slot = s.index;
                inc.slotLabel = s.label;
                return;
            }
}

std::string memberName(const Drive& d) { return d.kernelName ? *d.kernelName : d.id; }

std::string bayOfDrive(const Drive& d) {
    if (d.location.label) return *d.location.label;
    if (d.location.enclosure && d.location.slot) return *d.location.enclosure + ":" + std::to_string(*d.location.slot);
    return "unknown";
}

/// The sentence for a surviving member that makes a rebuild risky, or nothing.
std::optional<std::string> memberRisk(const Drive& d) {
    const SmartRisk sr = smartRisk(d.smart);
    const double mult = d.risk && d.risk->multiplier ? *d.risk->multiplier : sr.multiplier;
    const bool predicted = d.failurePredicted.value_or(false);
    if (d.health != Health::Warning && d.health != Health::Critical && !predicted && mult < 2) return std::nullopt;
    std::string what;
    if (d.smart && d.smart->pendingSectors.value_or(0) > 0)
        what = std::to_string(*d.smart->pendingSectors) + " pending sectors";
    else if (d.smart && d.smart->offlineUncorrectable.value_or(0) > 0)
        what = std::to_string(*d.smart->offlineUncorrectable) + " offline uncorrectable sectors";
    else if (d.smart && d.smart->reallocatedSectors.value_or(0) > 0)
        what = std::to_string(*d.smart->reallocatedSectors) + " reallocated sectors";
    else if (predicted)
        what = "a predicted failure";
    else
        what = "health " + std::string(toString(d.health)) + (d.reasons.empty() ? std::string() : " (" + d.reasons.front() + ")");
    return "the surviving member " + memberName(d) + " (serial " + d.serial.value_or("unknown") + ", bay " + bayOfDrive(d) +
           ") shows " + what + ": a rebuild may hit an unreadable sector";
}

/// Array membership, bay, requirements on the replacement, risks: everything known before anyone touches the server.
void assess(Incident& inc, const Inventory& inv, const Drive& d) {
    fillBay(inc, inv, d);
    inc.minCapacityBytes = d.capacityBytes;
    inc.maxLogicalBlockSize = d.logicalBlockSize;
    auto [arr, mem] = membership(inv, d);
    if (arr) {
        setArray(inc, *arr, *mem);
        std::optional<std::uint64_t> smallest;
        std::optional<std::uint32_t> largestBlock;
        for (const auto& m : arr->members) {
            if (!m.drive) continue;
            const Drive* o = detail::driveById(inv, *m.drive);
            if (!o) continue;
            if (o->capacityBytes) smallest = std::min(smallest.value_or(*o->capacityBytes), *o->capacityBytes);
            if (o->id != d.id && o->logicalBlockSize)
                largestBlock = std::max(largestBlock.value_or(*o->logicalBlockSize), *o->logicalBlockSize);
        }
        // md needs only the component size, which no member exceeds: the smallest member is the better bound.
        if (arr->kind == "md" && smallest) inc.minCapacityBytes = smallest;
        if (largestBlock) inc.maxLogicalBlockSize = largestBlock;

        for (const auto& m : arr->members) {
            if (!m.drive || *m.drive == d.id || m.role == "faulty" || m.role == "missing" || m.role == "spare") continue;
            if (const Drive* o = detail::driveById(inv, *m.drive))
                if (auto r = memberRisk(*o)) inc.risks.push_back(*r);
        }
        PlanOptions opts;
        const bool alreadyGone = mem->role == "faulty" || mem->role == "missing";
        if (!alreadyGone) opts.assumeFailed = d.id;
        auto input = rebuildInputFromArray(*arr, inv.drives, opts);
        auto result = input ? evaluateRebuild(*input) : tl::unexpected(input.error());
        if (!result) {
            inc.risks.push_back("the rebuild risk of " + arr->name + " could not be evaluated: " + result.error().message);
        } else {
            inc.recommendation = std::string(toString(result->recommendation));
            if (result->recommendation != Recommendation::rebuild_now && result->recommendation != Recommendation::not_degraded) {
                std::string s = "the rebuild model recommends " + *inc.recommendation + " for " + arr->name;
                if (!result->reasons.empty()) s += ": " + result->reasons.front();
                inc.risks.push_back(s);
            }
        }
    }
    auto verdict = detail::assessIncidentDrive(inv, inc);
    inc.removalVerdict = verdict.verdict;
    inc.removalReasons = verdict.reasons;
}

Incident& newIncident(std::vector<Incident>& incidents, const Drive& d, IncidentCause cause, Clock::time_point now) {
    Incident inc;
    inc.id = newEventId();
    inc.cause = cause;
    inc.drive = snapshotOf(d);
    inc.openedAt = inc.updatedAt = now;
    inc.history.push_back({IncidentState::detected, IncidentState::detected, now, "opened: " + std::string(toString(cause))});
    incidents.push_back(std::move(inc));
    return incidents.back();
}

/// detected -> assessed -> locating (-> awaiting_removal when no bay is known), with the lights.
void openAndLocate(std::vector<Incident>& incidents, const Inventory& inv, const Drive& d, IncidentCause cause,
                   const HotswapPolicy& policy, Stepper& st) {
    Incident& inc = newIncident(incidents, d, cause, st.now_);
    std::string why = cause == IncidentCause::drive_failed        ? "the drive has failed"
                      : cause == IncidentCause::failure_predicted ? "the drive predicts its own failure"
                                                                  : "an operator asked to replace it";
    // Assessed before the first event so even "detected" names the bay.
    assess(inc, inv, d);
    st.emit(inc, "detected", Severity::warning, Stepper::sentence(inc, why));
    static constexpr const char* kVerdictWords[] = {"is safe", "interrupts a rebuild", "reduces redundancy",
                                                    "leaves no redundancy", "loses data", "has an unknown effect"};
    const auto v = static_cast<std::size_t>(inc.removalVerdict);
    st.go(inc, IncidentState::assessed, std::string("pulling it now ") + (v < std::size(kVerdictWords) ? kVerdictWords[v] : "?") +
                                             (inc.risks.empty() ? std::string() : "; " + inc.risks.front()));
    if (bayKnown(inc)) {
        st.go(inc, IncidentState::locating, "lighting the locate light of the bay");
        st.light(inc, HotswapActionKind::light_on, LedPattern::locate);
        if (policy.identifyServer) st.action(inc, HotswapActionKind::identify_on);
    } else {
        inc.findings.push_back("no bay known: identify the drive by serial");
        st.go(inc, IncidentState::locating, "no bay known: identify the drive by serial");
        if (policy.identifyServer) st.action(inc, HotswapActionKind::identify_on);
        st.go(inc, IncidentState::awaiting_removal, "pull the drive with serial " + inc.drive.serial.value_or(inc.drive.id));
    }
}

bool hasOpenFor(const std::vector<Incident>& incidents, const std::string& driveId) {
    return std::any_of(incidents.begin(), incidents.end(),
                       [&](const Incident& i) { return !isTerminal(i.state) && i.drive.id == driveId; });
}

std::string consequence(RemovalVerdict v, const std::string& array, const std::string& bay) {
    switch (v) {
    case RemovalVerdict::loses_data: return array + " has now failed: put the drive back into bay " + bay + " now";
    case RemovalVerdict::loses_last_redundancy:
        return array + " has no redundancy left: put the drive back into bay " + bay + " now";
    case RemovalVerdict::reduces_redundancy: return array + " lost redundancy: put the drive back into bay " + bay;
    case RemovalVerdict::interrupts_rebuild: return "the rebuild of " + array + " was interrupted: put the drive back into bay " + bay;
    default: return "the effect on " + array + " is unknown: put the drive back into bay " + bay;
    }
}

/// A member pulled that nobody asked for: a wrong_drive_removed / unexpected_removal incident.
void openForPulled(std::vector<Incident>& incidents, const Inventory& before, const Drive& d, bool anotherOpen, Stepper& st) {
    auto [arr, mem] = membership(before, d);
    if (!arr) return;
    RemovalTarget t;
    t.driveId = d.id;
    const auto verdict = assessRemoval(before, t);
    if (verdict.verdict == RemovalVerdict::safe) return;
    const IncidentCause cause = anotherOpen ? IncidentCause::wrong_drive_removed : IncidentCause::unexpected_removal;
    Incident& inc = newIncident(incidents, d, cause, st.now_);
    fillBay(inc, before, d);
    setArray(inc, *arr, *mem);
    inc.minCapacityBytes = d.capacityBytes;
    inc.maxLogicalBlockSize = d.logicalBlockSize;
    inc.removalVerdict = verdict.verdict;
    inc.removalReasons = verdict.reasons;
    const std::string bay = detail::bayName(inc);
    std::string msg = std::string(anotherOpen ? "Wrong drive pulled" : "A member was pulled unexpectedly") + ": serial " +
                      d.serial.value_or("unknown") + " (" + d.model.value_or("model unknown") + ") from bay " + bay + "; " +
                      consequence(verdict.verdict, arr->name, bay) + ".";
    st.emit(inc, anotherOpen ? "wrong_drive_removed" : "unexpected_removal", Severity::critical, msg);
    st.go(inc, IncidentState::awaiting_insertion, consequence(verdict.verdict, arr->name, bay));
    st.light(inc, HotswapActionKind::light_on, LedPattern::fault);
}

const ArrayMember* memberOf(const Array& a, const std::string& driveId) {
    for (const auto& m : a.members)
        if (m.drive && *m.drive == driveId) return &m;
    return nullptr;
}

/// verified / rebuilding: follow the array.
/// When the incident last entered `s` (its history), if ever.
std::optional<std::chrono::system_clock::time_point> enteredAt(const Incident& inc, IncidentState s) {
    for (auto it = inc.history.rbegin(); it != inc.history.rend(); ++it)
        if (it->to == s) return it->at;
    return std::nullopt;
}

bool isMegaraid(const Incident& inc) { return inc.arrayKind && *inc.arrayKind == "megaraid"; }

/// The controller's own command that makes the replacement a hot spare (for a person to run).
std::string hotSpareCommand(const Drive* d) {
    const auto addr = d && d->controllerView ? d->controllerView->address : std::nullopt;
    return "storcli " + addr.value_or("/cX/eY/sZ") + " add hotsparedrive";
}

/// A verified replacement of a hardware array the controller has not taken: after
/// controller_rebuild_wait, MegaRAID (add = "auto") makes it a hot spare; the others are reported.
void nudgeController(Incident& inc, const Drive* repl, const HotswapPolicy& policy, Stepper& st) {
    if (inc.state != IncidentState::verified || inc.controllerAddRequested || !repl || inc.awaitingConfirmation) return;
    if (!repl->state || *repl->state != DriveState::unconfigured) return;  // rebuilding, spare, online: the controller has it
    const auto since = enteredAt(inc, IncidentState::verified);
    if (!since || st.now_ - *since < policy.controllerRebuildWait) return;
    inc.controllerAddRequested = true;
    const std::string waited = std::to_string(policy.controllerRebuildWait.count()) + " s";
    if (isMegaraid(inc) && policy.add == AddPolicy::automatic) {
        inc.findings.push_back("the controller did not start rebuilding onto the replacement within " + waited +
                               " (auto rebuild off?): it is made a hot spare");
        st.action(inc, HotswapActionKind::ctl_hot_spare);
        return;
    }
    inc.findings.push_back("the controller has not started rebuilding onto the replacement within " + waited);
    st.emit(inc, "awaiting_confirmation", Severity::warning,
            Stepper::sentence(inc, inc.findings.back() + ": " +
                                       (isMegaraid(inc) ? "make it a hot spare: " + hotSpareCommand(repl)
                                                        : "start the rebuild with the controller's tool (check its auto-rebuild setting)")));
}

/// The replacement is in its md array, but nothing recovers onto it because md assembled the array
/// auto-read-only (`read-auto`: what md does at boot and on incremental assembly until the first
/// write). md starts recovery only once the array is writable: under add = "auto" (the operator
/// already let raidmon change the array) raidmon switches it to read-write; otherwise it says so
/// and names the command. Once per incident.
void readAutoBlocksRecovery(Incident& inc, const Array& arr, const HotswapPolicy& policy, Stepper& st) {
    if (inc.readWriteRequested || !arr.arrayState || *arr.arrayState != "read-auto") return;
    inc.readWriteRequested = true;
    const std::string cmd = "mdadm --readwrite /dev/" + arr.name;
    if (policy.add == AddPolicy::automatic || inc.confirmed) {
        inc.findings.push_back(arr.name + " is auto-read-only (read-auto), so md does not recover onto the replacement: it is "
                               "switched to read-write (" + cmd + ")");
        st.action(inc, HotswapActionKind::md_readwrite);
        return;
    }
    inc.findings.push_back(arr.name + " is auto-read-only (read-auto): md does not recover onto the replacement until the "
                           "array is written to or switched to read-write");
    st.emit(inc, "awaiting_confirmation", Severity::warning, Stepper::sentence(inc, inc.findings.back() + ": " + cmd));
}

void followRebuild(Incident& inc, const Inventory& after, const HotswapPolicy& policy, Stepper& st) {
    const Array* arr = detail::arrayById(after, inc.arrayId);
    if (!arr || !inc.replacement) return;
    const ArrayMember* m = memberOf(*arr, inc.replacement->id);
    const Drive* repl = detail::driveById(after, inc.replacement->id);
    const bool hw = inc.arrayKind && *inc.arrayKind != "md";  // a controller's array
    if ((m && m->role == "faulty") || arr->state == "failed") {
        inc.failureReason = arr->state == "failed" ? arr->name + " has failed" : "the replacement became faulty in " + arr->name;
        st.go(inc, IncidentState::failed, *inc.failureReason);
        st.light(inc, HotswapActionKind::light_on, LedPattern::fault);
        return;
    }
    const auto& op = arr->operation;
    if (op && (op->kind == "recovery" || op->kind == "rebuild") && op->percent) {
        const double before = inc.rebuildPercent.value_or(0);
        inc.rebuildPercent = *op->percent;
        inc.etaSeconds = op->etaSeconds;
        inc.awaitingConfirmation = false;
        if (inc.state == IncidentState::verified) st.go(inc, IncidentState::rebuilding, arr->name + " is rebuilding onto the replacement");
        if (std::floor(*op->percent / 10) > std::floor(before / 10)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.0f %%", *op->percent);
            st.emit(inc, "progress", Severity::info, Stepper::sentence(inc, "rebuild " + std::string(buf) + " done"));
        }
        return;
    }
    // A controller rebuilding onto the replacement (storcli "Rbld", no percentage in its report).
    const bool ctlRebuilding = hw && ((m && m->role == "rebuilding") || (repl && repl->state == DriveState::rebuilding));
    if (ctlRebuilding) {
        inc.awaitingConfirmation = false;
        if (inc.state == IncidentState::verified) st.go(inc, IncidentState::rebuilding, arr->name + " is rebuilding onto the replacement");
        return;
    }
    // md says "in_sync" in the member's flags; a controller's active member ("Onln") is in sync.
    const bool inSync = m && m->role == "active" &&
                        (hw || m->flags.empty() || std::find(m->flags.begin(), m->flags.end(), "in_sync") != m->flags.end());
    if (inSync && arr->state == "optimal") {
        inc.rebuildPercent = 100.0;
        inc.etaSeconds.reset();
        inc.awaitingConfirmation = false;
        st.lightsOff(inc);
        st.go(inc, IncidentState::completed, arr->name + " is optimal again with the replacement in sync");
        return;
    }
    if (hw) nudgeController(inc, repl, policy, st);
    else if (m) readAutoBlocksRecovery(inc, *arr, policy, st);
}

/// What verifyReplacement() looks at, apart from identity, size and bay, differs.
bool verificationInputsChanged(const Drive& a, const Drive& b) {
    auto sigs = [](const Drive& d) {
        std::set<std::string> s;
        for (const auto& x : d.signatures) s.insert(x.device + "|" + x.type + "|" + x.uuid.value_or(""));
        return s;
    };
    auto passed = [](const Drive& d) { return d.smart ? d.smart->passed : std::optional<bool>(); };
    return sigs(a) != sigs(b) || std::set<std::string>(a.holders.begin(), a.holders.end()) !=
                                     std::set<std::string>(b.holders.begin(), b.holders.end()) ||
           a.health != b.health || a.failurePredicted != b.failurePredicted || passed(a) != passed(b) || a.state != b.state;
}

/// inserted -> verified (-> add by policy) or back to awaiting_insertion.
void insert(Incident& inc, const Drive& cand, const HotswapPolicy& policy, Stepper& st, bool recheck = false) {
    inc.replacement = snapshotOf(cand);
    st.go(inc, IncidentState::inserted,
          recheck ? "the drive with serial " + cand.serial.value_or(cand.id) + " left in the bay changed: it is checked again"
                  : "a drive with serial " + cand.serial.value_or(cand.id) + " was inserted");
    Verification v = verifyReplacement(inc, cand, policy);
    for (const auto& f : v.findings) inc.findings.push_back(f);
    inc.replacement->signaturesToWipe = v.signaturesToWipe;
    if (!v.ok) {
        std::string msg = "the replacement with serial " + cand.serial.value_or(cand.id) + " is rejected:";
        for (const auto& f : v.findings) msg += " " + f + ";";
        msg.back() = '.';
        st.emit(inc, "replacement_rejected", Severity::warning, Stepper::sentence(inc, msg));
        inc.lastRejected = cand.id;
        inc.replacement.reset();
        st.go(inc, IncidentState::awaiting_insertion, "replacement rejected: insert another drive");
        return;
    }
    st.go(inc, IncidentState::verified, "the replacement passed verification");
    inc.lastRejected.reset();
    const bool md = inc.arrayKind && *inc.arrayKind == "md" && inc.arrayName;
    const bool returning = isReturnCause(inc.cause);
    if (!md) {
        // Hardware arrays: the controller's automatic rebuild is awaited (nudgeController after
        // controller_rebuild_wait). MegaRAID can be told to take it; the operator is asked first
        // under "confirm", told the command under "never".
        if (isMegaraid(inc) && cand.state == DriveState::unconfigured && policy.add != AddPolicy::automatic) {
            if (policy.add == AddPolicy::confirm) inc.awaitingConfirmation = true;
            st.emit(inc, "awaiting_confirmation", returning ? Severity::critical : Severity::warning,
                    Stepper::sentence(inc, "the controller may rebuild onto it by itself; " +
                                               (policy.add == AddPolicy::confirm
                                                    ? "else confirm making it a hot spare: raidmon hotswap confirm " + inc.id.substr(0, 8)
                                                    : "else make it a hot spare: " + hotSpareCommand(&cand))));
        }
        return;
    }
    // Already in the array (someone ran mdadm --add while the agent was away): md's recovery moves it on.
    if (std::find(cand.holders.begin(), cand.holders.end(), *inc.arrayName) != cand.holders.end()) return;
    const std::string dev = cand.devnode.value_or("/dev/" + cand.kernelName.value_or("?"));
    const std::string cmd = (v.signaturesToWipe.empty() ? "" : "wipefs --all " + dev + " && ") + "mdadm /dev/" + *inc.arrayName + " --add " + dev;
    if (policy.add == AddPolicy::automatic) {
        st.action(inc, HotswapActionKind::md_add);
    } else if (policy.add == AddPolicy::confirm) {
        inc.awaitingConfirmation = true;
        st.emit(inc, "awaiting_confirmation", returning ? Severity::critical : Severity::warning,
                Stepper::sentence(inc, "confirm adding the replacement: raidmon hotswap confirm " + inc.id.substr(0, 8)));
    } else {
        st.emit(inc, "awaiting_confirmation", returning ? Severity::critical : Severity::warning,
                Stepper::sentence(inc, "add the replacement by hand: " + cmd));
    }
}

void step(Incident& inc, const Inventory& after, const HotswapPolicy& policy, Stepper& st) {
    const Drive* now = detail::driveById(after, inc.drive.id);
    switch (inc.state) {
    case IncidentState::detected:
    case IncidentState::assessed:
    case IncidentState::locating:
    case IncidentState::awaiting_removal:
    case IncidentState::removed: {
        if (!now) {
            if (inc.state != IncidentState::removed) st.go(inc, IncidentState::removed, "the drive was pulled");
            st.go(inc, IncidentState::awaiting_insertion, "insert the replacement into bay " + detail::bayName(inc));
            if (inc.arrayKind && *inc.arrayKind == "md" && inc.arrayName) st.action(inc, HotswapActionKind::md_remove_detached);
            return;
        }
        // Healthy again only if it is back at work: an active member of its array (md re-added it,
        // the controller brought it online). A drive whose array vanished (md stopped it after
        // another member was pulled) reads "online" only because nothing claims it any more.
        auto activeInItsArray = [&] {
            if (!inc.arrayId) return true;
            const auto a = std::find_if(after.arrays.begin(), after.arrays.end(), [&](const Array& x) { return x.id == *inc.arrayId; });
            if (a == after.arrays.end()) return false;
            return std::any_of(a->members.begin(), a->members.end(),
                               [&](const ArrayMember& m) { return m.drive == inc.drive.id && m.role == "active"; });
        };
        if (inc.state == IncidentState::awaiting_removal &&
            (inc.cause == IncidentCause::drive_failed || inc.cause == IncidentCause::failure_predicted) && now->state &&
            *now->state == DriveState::online && !now->failurePredicted.value_or(false) && activeInItsArray()) {
            st.lightsOff(inc);
            st.go(inc, IncidentState::cancelled, "the drive is online and healthy again: do not pull it");
        }
        return;
    }
    case IncidentState::verified:
    case IncidentState::rebuilding:
        if (inc.replacement && !detail::driveById(after, inc.replacement->id)) {
            inc.findings.push_back("the replacement with serial " + inc.replacement->serial.value_or(inc.replacement->id) +
                                   " was pulled before the rebuild finished");
            inc.replacement.reset();
            inc.rebuildPercent.reset();
            inc.etaSeconds.reset();
            inc.awaitingConfirmation = false;
            st.go(inc, IncidentState::awaiting_insertion, inc.findings.back() + ": insert a replacement into bay " + detail::bayName(inc));
            return;
        }
        followRebuild(inc, after, policy, st);
        return;
    default: return;
    }
}

} // namespace

std::string_view toString(IncidentState s) noexcept { return nameOf(kStateNames, s); }
Result<IncidentState> parseIncidentState(std::string_view s) { return parseName<IncidentState>(kStateNames, s, "an incident state"); }
bool isTerminal(IncidentState s) noexcept {
    return s == IncidentState::completed || s == IncidentState::failed || s == IncidentState::cancelled;
}
std::string_view toString(IncidentCause c) noexcept { return nameOf(kCauseNames, c); }
Result<IncidentCause> parseIncidentCause(std::string_view s) { return parseName<IncidentCause>(kCauseNames, s, "an incident cause"); }
std::string_view toString(AddPolicy p) noexcept { return nameOf(kAddNames, p); }
Result<AddPolicy> parseAddPolicy(std::string_view s) { return parseName<AddPolicy>(kAddNames, s, "auto, confirm or never"); }
std::string_view toString(HotswapActionKind k) noexcept { return nameOf(kActionNames, k); }

IncidentDrive snapshotOf(const Drive& d) {
    IncidentDrive s;
    s.id = d.id;
    s.serial = d.serial;
    s.wwn = d.wwn;
    s.model = d.model;
    s.kernelName = d.kernelName;
    s.devnode = d.devnode;
    s.capacityBytes = d.capacityBytes;
    s.logicalBlockSize = d.logicalBlockSize;
    return s;
}

Verification verifyReplacement(const Incident& inc, const Drive& c, const HotswapPolicy& policy) {
    Verification v;
    auto& f = v.findings;
    bool reject = false;
    auto no = [&](std::string s) {
        f.push_back(std::move(s));
        reject = true;
    };
    const bool same = sameDrive(inc.drive, c);
    const bool alreadyMember = inc.arrayName && std::find(c.holders.begin(), c.holders.end(), *inc.arrayName) != c.holders.end();
    if (isReturnCause(inc.cause)) {
        if (same) {
            f.push_back("the drive that was pulled by mistake is back");
            v.ok = true;
            return v;
        }
        f.push_back("this is not the drive that was pulled by mistake (serial " + inc.drive.serial.value_or(inc.drive.id) +
                    "): it is checked as a replacement");
    } else if (same) {
        no("this is the failed drive put back: insert a new drive");
    }
    if (inc.minCapacityBytes) {
        if (!c.capacityBytes)
            no("its capacity is unknown: cannot check it has at least " + formatSize(*inc.minCapacityBytes));
        else if (*c.capacityBytes < *inc.minCapacityBytes)
            no("too small: " + formatSize(*c.capacityBytes) + ", needs at least " + formatSize(*inc.minCapacityBytes));
    }
    if (inc.maxLogicalBlockSize && c.logicalBlockSize && *c.logicalBlockSize > *inc.maxLogicalBlockSize)
        no("its logical block size is " + std::to_string(*c.logicalBlockSize) + " bytes, larger than the " +
           std::to_string(*inc.maxLogicalBlockSize) + " bytes of the array's members");
    if (c.health == Health::Critical) no("its health is Critical" + (c.reasons.empty() ? std::string() : ": " + c.reasons.front()));
    if (c.failurePredicted.value_or(false)) no("it predicts its own failure (SMART)");
    if (c.smart && c.smart->passed && !*c.smart->passed) no("it failed its SMART overall health self-assessment");
    if (c.state && *c.state == DriveState::failed) no("it is in the failed state");
    // Another controller's configuration: importing or clearing it is a controller-wide decision.
    if (c.controllerView && c.controllerView->foreign.value_or(false))
        no("it carries a foreign configuration (another controller's array): import or clear it with the controller's "
           "tool (storcli /cX/fall show), or insert another drive");
    // Something the kernel built on it (an old array udev assembled from its superblock, an LVM
    // volume): adding it would fail (busy) or take it from under that user. Never overridden.
    for (const auto& h : c.holders)
        if (!inc.arrayName || h != *inc.arrayName)
            no("it is in use by " + h + " (assembled from what it carries): stop " + h +
               (h.rfind("md", 0) == 0 ? " (mdadm --stop /dev/" + h + ")" : "") + " or insert another drive");
    std::set<std::string> seen;
    for (const auto& sig : c.signatures) {
        const bool md = sig.type == "linux_raid_member";
        if (md && sig.uuid && inc.arrayUuid && *sig.uuid == *inc.arrayUuid) {
            if (alreadyMember) f.push_back("it is already a member of " + *inc.arrayName + " (added by hand)");
            else if (!same) no("it carries an md superblock of this very array on " + sig.device + ": wipe it first");
            continue;
        }
        if (policy.allowForeignSignatures) {
            if (seen.insert(sig.type).second) {
                f.push_back("carries " + sig.type + " (foreign), allowed by policy: it will be wiped before it is added");
                v.signaturesToWipe.push_back(sig.type);
            }
            continue;
        }
        if (seen.insert(sig.type).second) no("carries " + sig.type + " (foreign): wipe it first or set allow_foreign_signatures");
    }
    if (policy.requireSameBay && inc.enclosure && inc.slot && c.location.enclosure && c.location.slot &&
        (*c.location.enclosure != *inc.enclosure || *c.location.slot != *inc.slot))
        no("it is in bay " + bayOfDrive(c) + ", not in bay " + detail::bayName(inc) + " of the drive it replaces");
    v.ok = !reject;
    if (v.ok) f.push_back("the replacement with serial " + c.serial.value_or(c.id) + " is suitable");
    return v;
}

HotswapStep advanceIncidents(std::vector<Incident>& incidents, const Inventory& before, const Inventory& after,
                             const HotswapPolicy& policy, std::chrono::system_clock::time_point now) {
    HotswapStep out;
    Stepper st(out, now);
    const std::size_t existing = incidents.size();
    // A replacement pulled again is its incident's business, not a wrong drive.
    std::set<std::string> replacements;
    for (const auto& inc : incidents)
        if (!isTerminal(inc.state) && inc.replacement) replacements.insert(inc.replacement->id);
    for (std::size_t i = 0; i < existing; ++i)
        if (!isTerminal(incidents[i].state)) step(incidents[i], after, policy, st);

    // New drives: to the incident waiting in their bay, else to the first one waiting anywhere.
    // On the first scan (nothing before, e.g. the agent restarted) every drive looks new: only a
    // drive in the awaited bay counts then.
    const bool firstScan = before.drives.empty();
    const detail::IdIndex beforeById(before.drives), afterById(after.drives);
    for (const auto& d : after.drives) {
        // A disk udev is still processing is new once udev is done with it (its rules may yet
        // assemble an old array from it, which verification must see).
        if (d.id.empty() || d.udevPending) continue;
        if (const Drive* was = beforeById.find(d.id); was && !was->udevPending) continue;
        Incident* target = nullptr;
        for (auto& inc : incidents) {
            if (inc.state != IncidentState::awaiting_insertion) continue;
            const bool inBay = bayKnown(inc) && d.location.enclosure == inc.enclosure && d.location.slot == inc.slot;
            if (inBay || (isReturnCause(inc.cause) && sameDrive(inc.drive, d))) {
                target = &inc;
                break;
            }
            if (!target && !firstScan) target = &inc;
        }
        if (target) insert(*target, d, policy, st);
    }

    // A rejected replacement left in the server is checked again when what it was rejected for
    // changed: an operator wiped it, stopped the old array udev assembled from it, or its health
    // changed.
    for (std::size_t i = 0; i < existing; ++i) {
        Incident& inc = incidents[i];
        if (inc.state != IncidentState::awaiting_insertion || !inc.lastRejected) continue;
        const Drive* d = detail::driveById(after, *inc.lastRejected);
        const Drive* was = detail::driveById(before, *inc.lastRejected);
        if (d && was && verificationInputsChanged(*was, *d)) insert(inc, *d, policy, st, true);
    }

    // Members pulled that no incident expected.
    bool anyOpen = false;
    for (std::size_t i = 0; i < existing; ++i) anyOpen = anyOpen || !isTerminal(incidents[i].state);
    for (const auto& d : before.drives) {
        if (d.id.empty() || afterById.find(d.id) || hasOpenFor(incidents, d.id) || replacements.count(d.id)) continue;
        openForPulled(incidents, before, d, anyOpen, st);
    }

    for (const auto& d : after.drives) {
        if (d.id.empty() || hasOpenFor(incidents, d.id)) continue;
        const bool failed = isFailedDrive(d);
        const bool predicted = policy.openOnPredictedFailure && d.failurePredicted.value_or(false);
        // A replacement of an open incident is that incident's business.
        const bool isReplacement = std::any_of(incidents.begin(), incidents.end(), [&](const Incident& i) {
            return !isTerminal(i.state) && i.replacement && i.replacement->id == d.id;
        });
        if ((failed || predicted) && !isReplacement)
            openAndLocate(incidents, after, d, failed ? IncidentCause::drive_failed : IncidentCause::failure_predicted, policy, st);
    }
    return out;
}

namespace {
Incident* findMutable(std::vector<Incident>& incidents, std::string_view id) {
    const Incident* f = findIncident(incidents, id);
    return f ? &incidents[static_cast<std::size_t>(f - incidents.data())] : nullptr;
}
} // namespace

std::vector<Event> actionDone(std::vector<Incident>& incidents, const HotswapAction& action, bool ok, const std::string& message,
                              std::chrono::system_clock::time_point now) {
    HotswapStep out;
    Stepper st(out, now);
    Incident* inc = nullptr;
    for (auto& i : incidents)
        if (i.id == action.incidentId) inc = &i;
    if (!inc) return {};
    inc->updatedAt = now;
    switch (action.kind) {
    case HotswapActionKind::light_on:
        if (ok) inc->lightOn = true;
        if (!ok) {
            inc->findings.push_back("the light could not be lit: " + message + "; find the bay by its label");
            st.emit(*inc, "light_failed", Severity::warning, Stepper::sentence(*inc, inc->findings.back()));
        }
        if (inc->state == IncidentState::locating)
            st.go(*inc, IncidentState::awaiting_removal,
                  ok ? "the bay's light is on: pull that drive" : "the light failed: find the bay by its label and the serial");
        break;
    case HotswapActionKind::light_off:
        if (ok) inc->lightOn = false;
        break;
    case HotswapActionKind::identify_on:
        if (ok) inc->identifyOn = true;
        else inc->findings.push_back("the server's identify light could not be lit: " + message);
        break;
    case HotswapActionKind::identify_off:
        if (ok) inc->identifyOn = false;
        break;
    case HotswapActionKind::md_add:
    case HotswapActionKind::ctl_hot_spare:
        if (isTerminal(inc->state)) break;
        inc->awaitingConfirmation = false;
        if (ok) {
            // Chosen: rebuilding at once (md starts recovery when --add returns); followRebuild
            // then completes or fails it from the array's state.
            if (inc->state != IncidentState::rebuilding) st.go(*inc, IncidentState::rebuilding, "the replacement was added");
        } else if (action.kind == HotswapActionKind::md_add && inc->replacement && inc->state == IncidentState::verified &&
                   message.find("Device or resource busy") != std::string::npos) {
            // Something took the disk between the scan that verified it and the add: udev's
            // incremental assembly of an old array from its superblock, most often. Not a failed
            // swap: the disk is rejected as in use and checked again when that changes.
            const std::string serial = inc->replacement->serial.value_or(inc->replacement->id);
            inc->findings.push_back("the replacement with serial " + serial + " became busy before it could be added (" + message + ")");
            st.emit(*inc, "replacement_rejected", Severity::warning,
                    Stepper::sentence(*inc, "the replacement with serial " + serial +
                                                " is rejected: something holds it (an old array assembled from it?): " + message));
            inc->lastRejected = inc->replacement->id;
            inc->replacement.reset();
            st.go(*inc, IncidentState::awaiting_insertion, "replacement in use: it is checked again when that changes");
        } else {
            inc->failureReason = "adding the replacement failed: " + message;
            st.go(*inc, IncidentState::failed, *inc->failureReason);
        }
        break;
    case HotswapActionKind::md_remove_detached:
        if (!ok) inc->findings.push_back("removing the detached member failed: " + message);
        break;
    case HotswapActionKind::md_readwrite:
        if (isTerminal(inc->state) || ok) break;  // ok: the next scan shows the recovery
        inc->findings.push_back("switching " + inc->arrayName.value_or("the array") + " to read-write failed: " + message);
        st.emit(*inc, "awaiting_confirmation", Severity::warning,
                Stepper::sentence(*inc, inc->findings.back() + ": run mdadm --readwrite /dev/" + inc->arrayName.value_or("mdX")));
        break;
    }
    return std::move(out.events);
}

Result<HotswapStep> openIncident(std::vector<Incident>& incidents, const Inventory& inv, std::string_view driveSpec,
                                 const HotswapPolicy& policy, std::chrono::system_clock::time_point now) {
    auto d = findDrive(inv, driveSpec);
    if (!d) return tl::unexpected(d.error());
    if (hasOpenFor(incidents, (*d)->id))
        return fail(errc::invalid_argument, "an incident is already open for drive " + (*d)->id);
    HotswapStep out;
    Stepper st(out, now);
    openAndLocate(incidents, inv, **d, IncidentCause::operator_request, policy, st);
    return out;
}

Result<HotswapStep> confirmIncident(std::vector<Incident>& incidents, std::string_view incidentId,
                                    std::chrono::system_clock::time_point now) {
    Incident* inc = findMutable(incidents, incidentId);
    if (!inc) return fail(errc::not_found, "no incident " + std::string(incidentId.substr(0, 64)));
    if (inc->state != IncidentState::verified || !inc->awaitingConfirmation)
        return fail(errc::invalid_argument, "incident " + inc->id + " is " + std::string(toString(inc->state)) +
                                                ", not verified and awaiting confirmation");
    HotswapStep out;
    Stepper st(out, now);
    inc->awaitingConfirmation = false;
    inc->confirmed = true;
    inc->updatedAt = now;
    inc->findings.push_back("adding the replacement was confirmed");
    if (inc->arrayKind && *inc->arrayKind == "md" && inc->arrayName) st.action(*inc, HotswapActionKind::md_add);
    else if (isMegaraid(*inc)) {
        inc->controllerAddRequested = true;
        st.action(*inc, HotswapActionKind::ctl_hot_spare);
    }
    return out;
}

Result<HotswapStep> cancelIncident(std::vector<Incident>& incidents, std::string_view incidentId, const std::string& reason,
                                   std::chrono::system_clock::time_point now) {
    Incident* inc = findMutable(incidents, incidentId);
    if (!inc) return fail(errc::not_found, "no incident " + std::string(incidentId.substr(0, 64)));
    if (isTerminal(inc->state))
        return fail(errc::invalid_argument, "incident " + inc->id + " is already " + std::string(toString(inc->state)));
    HotswapStep out;
    Stepper st(out, now);
    st.lightsOff(*inc);
    st.go(*inc, IncidentState::cancelled, reason.empty() ? std::string("cancelled by an operator") : reason);
    return out;
}

const Incident* findIncident(const std::vector<Incident>& incidents, std::string_view key) {
    if (key.empty()) return nullptr;
    for (const auto& i : incidents)
        if (i.id == key) return &i;
    const Incident* best = nullptr;
    auto consider = [&](const Incident& i) {
        if (!best || (isTerminal(best->state) && !isTerminal(i.state)) ||
            (isTerminal(best->state) == isTerminal(i.state) && i.updatedAt >= best->updatedAt))
            best = &i;
    };
    if (key.size() >= 8)
        for (const auto& i : incidents)
            if (i.id.compare(0, key.size(), key) == 0) consider(i);
    if (best) return best;
    for (const auto& i : incidents)
        if (i.drive.id == key || (i.drive.serial && *i.drive.serial == key) || (i.drive.kernelName && *i.drive.kernelName == key))
            consider(i);
    return best;
}

namespace detail {

std::string bayName(const Incident& inc) {
    if (inc.slotLabel) return *inc.slotLabel;
    if (inc.enclosure && inc.slot) return *inc.enclosure + ":" + std::to_string(*inc.slot);
    return "unknown";
}

std::string driveName(const IncidentDrive& d) { return d.serial ? "serial " + *d.serial : d.id; }

const Drive* driveById(const Inventory& inv, const std::string& id) {
    for (const auto& d : inv.drives)
        if (d.id == id) return &d;
    return nullptr;
}

RemovalAssessment assessIncidentDrive(const Inventory& inv, const Incident& inc) {
    RemovalTarget t;
    t.driveId = inc.drive.id;
    t.enclosureId = inc.enclosure;
    t.slotIndex = inc.slot;
    t.slotLabel = inc.slotLabel;
    return assessRemoval(inv, t);
}

const Array* arrayById(const Inventory& inv, const std::optional<std::string>& id) {
    if (!id) return nullptr;
    for (const auto& a : inv.arrays)
        if (a.id == *id) return &a;
    return nullptr;
}

} // namespace detail

} // namespace raidmon
