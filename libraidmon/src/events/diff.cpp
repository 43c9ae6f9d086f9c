// SPDX-License-Identifier: LGPL-2.1-or-later
// The diff engine: two inventory snapshots in, typed events out. Pure: no I/O, no clock.
#include <raidmon/events.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

#include <raidmon/rebuild.hpp>
#include <raidmon/version.hpp>

#include "core/id_index.hpp"
#include "core/json_model.hpp"

namespace raidmon {

namespace {

using detail::Json;

std::string type(std::string_view suffix) { return std::string(kEventTypePrefix) + std::string(suffix); }

std::string bay(const Drive& d) {
    std::string s;
    if (d.location.label) s = "bay " + *d.location.label;
    else if (d.location.slot) s = "slot " + std::to_string(*d.location.slot);
    if (d.location.enclosure && !s.empty()) s += " of enclosure " + *d.location.enclosure;
    return s;
}

std::string describe(const Drive& d) {
    std::string s = d.kernelName ? *d.kernelName : d.id;
    if (d.model) s += " (" + *d.model + (d.serial ? " serial " + *d.serial : std::string()) + ")";
    else if (d.serial) s += " (serial " + *d.serial + ")";
    if (auto b = bay(d); !b.empty()) s += " in " + b;
    return s;
}

std::string joinReasons(const std::vector<std::string>& r) {
    std::string s;
    for (const auto& x : r) {
        if (!s.empty()) s += "; ";
        s += x;
    }
    return s;
}

/// An event about one entity, with its snapshot ("drive/<id>", "array/<id>").
template <typename Entity>
Event entityEvent(std::string_view kind, std::string_view t, const Entity& x, Severity sev, std::string msg) {
    Event e;
    e.type = type(t);
    e.subject = std::string(kind) + "/" + x.id;
    e.severity = sev;
    e.message = std::move(msg);
    e.entityJson = detail::toJsonValue(x).dump();
    return e;
}

Event driveEvent(std::string_view t, const Drive& d, Severity sev, std::string msg) { return entityEvent("drive", t, d, sev, std::move(msg)); }
Event arrayEvent(std::string_view t, const Array& a, Severity sev, std::string msg) { return entityEvent("array", t, a, sev, std::move(msg)); }

Severity fromHealth(Health h) {
    switch (h) {
    case Health::OK: return Severity::info;
    case Health::Warning:
    case Health::Unknown: return Severity::warning;
    case Health::Critical: return Severity::critical;
    }
    return Severity::warning;
}

/// The array's condition as the events see it.
enum class Cond { optimal, degraded, failed, other };

Cond condition(const Array& a) {
    if (a.state == "failed" || (a.redundancyLeft && *a.redundancyLeft < 0)) return Cond::failed;
    if (a.state == "degraded" || a.state == "rebuilding") return Cond::degraded;
    if (a.state == "optimal" || a.state == "resyncing" || a.state == "checking" || a.state == "reshaping") return Cond::optimal;
    return Cond::other;
}

bool rebuilding(const Array& a) {
    return a.operation && (a.operation->kind == "recovery" || a.operation->kind == "rebuild") && !a.operation->delayed;
}

std::string arrayName(const Array& a) { return a.name.empty() ? a.id : a.name; }

std::string percentText(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", p);
    return buf;
}

std::string recommendationFor(const Array& a, const Inventory& inv) {
    auto in = rebuildInputFromArray(a, inv.drives, PlanOptions{});
    if (!in) return Json{{"error", in.error().message}}.dump();
    auto r = evaluateRebuild(*in);
    if (!r) return Json{{"error", r.error().message}}.dump();
    return toJson(*r, -1);
}

std::string missingMembers(const Array& a, const Inventory& before) {
    // Name the members that were active before and are not any more, by their drive and bay.
    std::string s;
    for (const auto& m : a.members) {
        if (m.role != "faulty" && m.role != "missing") continue;
        std::string who = m.device ? *m.device : (m.drive ? *m.drive : "a member");
        if (m.drive)
            for (const auto& d : before.drives)
                if (d.id == *m.drive) who = describe(d);
        if (!s.empty()) s += ", ";
        s += who + " " + m.role;
    }
    return s;
}

void arrayEvents(const Array* b, const Array& a, const Inventory& before, const Inventory& after, const DiffOptions& opts,
                 std::vector<Event>& out) {
    const Cond cb = b ? condition(*b) : Cond::optimal;
    const Cond ca = condition(a);
    const std::string name = arrayName(a);
    if (ca == Cond::failed && cb != Cond::failed) {
        out.push_back(arrayEvent("array.failed", a, Severity::critical,
                                 name + " has failed: " + (a.reasons.empty() ? a.state : joinReasons(a.reasons))));
        return;
    }
    if (ca == Cond::degraded && cb != Cond::degraded) {
        const bool none = a.redundancyLeft && *a.redundancyLeft == 0;
        std::string what = missingMembers(a, before.drives.empty() ? after : before);
        Event e = arrayEvent("array.degraded", a, none ? Severity::critical : Severity::warning,
                             name + " is degraded" + (what.empty() ? "" : ": " + what) +
                                 (a.redundancyLeft ? "; redundancy left: " + std::to_string(*a.redundancyLeft) : ""));
        if (opts.recommendation) e.recommendationJson = recommendationFor(a, after);
        out.push_back(std::move(e));
    }
    const bool rb = b && rebuilding(*b), ra = rebuilding(a);
    if (ra && !rb) {
        out.push_back(arrayEvent("array.rebuild_started", a, Severity::info,
                                 name + ": rebuild started" +
                                     (a.operation->percent ? " (" + percentText(*a.operation->percent) + " done)" : "")));
    } else if (ra && rb && a.operation->percent && opts.progressStepPercent > 0) {
        const double pb = b->operation->percent.value_or(0), pa = *a.operation->percent;
        if (std::floor(pa / opts.progressStepPercent) > std::floor(pb / opts.progressStepPercent)) {
            std::string eta;
            if (a.operation->etaSeconds) eta = ", about " + std::to_string(*a.operation->etaSeconds / 60) + " min left";
            out.push_back(arrayEvent("array.rebuild_progress", a, Severity::info, name + ": rebuild " + percentText(pa) + eta));
        }
    }
    if (rb && !ra) {
        const bool ok = ca == Cond::optimal;
        out.push_back(arrayEvent("array.rebuild_finished", a, ok ? Severity::info : Severity::warning,
                                 name + ": rebuild finished" + (ok ? "" : ", array is " + a.state)));
    }
    if (b && ca == Cond::optimal && (cb == Cond::degraded || cb == Cond::failed))
        out.push_back(arrayEvent("array.optimal", a, Severity::info, name + " is optimal again"));
}

Event controllerEvent(const Controller& c, Health before) {
    return entityEvent("controller", "controller.health_changed", c, fromHealth(c.health),
                       "controller " + c.id + (c.model ? " (" + *c.model + ")" : std::string()) + ": " +
                std::string(toString(before)) + " -> " + std::string(toString(c.health)) +
                           (c.reasons.empty() ? "" : ": " + joinReasons(c.reasons)));
}

} // namespace

bool isFailedDrive(const Drive& d) {
    if (d.state && (*d.state == DriveState::failed || *d.state == DriveState::offline)) return true;
    return d.health == Health::Critical && !d.failurePredicted.value_or(false);
}

std::string_view toString(Severity s) noexcept {
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
    }
    return "warning";
}

std::vector<Event> diffInventories(const Inventory& before, const Inventory& after, const DiffOptions& opts) {
    std::vector<Event> out;
    const detail::IdIndex bDrives(before.drives), aDrives(after.drives);  // they view the ids: no copy of 1,000 ids per diff
    for (const auto& d : before.drives) {
        if (aDrives.contains(d.id)) continue;
        const bool member = d.role && *d.role == "md-member";
        out.push_back(driveEvent("drive.removed", d, member ? Severity::warning : Severity::info,
                                 describe(d) + " was removed" + (member ? " (it was an array member)" : "")));
    }
    for (const auto& d : after.drives) {
        if (bDrives.contains(d.id)) continue;
        out.push_back(driveEvent("drive.added", d, d.health == Health::Critical ? Severity::warning : Severity::info,
                                 describe(d) + " was added"));
    }
    for (const auto& d : after.drives) {
        const Drive* was = bDrives.find(d.id);
        if (!was) continue;
        const Drive& p = *was;
        if (isFailedDrive(d) && !isFailedDrive(p)) {
            out.push_back(driveEvent("drive.failed", d, Severity::critical,
                                     describe(d) + " has failed" + (d.reasons.empty() ? "" : ": " + joinReasons(d.reasons))));
            continue;
        }
        if (d.failurePredicted.value_or(false) && !p.failurePredicted.value_or(false)) {
            out.push_back(driveEvent("drive.failure_predicted", d, d.health == Health::Critical ? Severity::critical : Severity::warning,
                                     describe(d) + ": failure predicted" + (d.reasons.empty() ? "" : ": " + joinReasons(d.reasons))));
            continue;
        }
        if (d.health != p.health)
            out.push_back(driveEvent("drive.health_changed", d, fromHealth(d.health),
                                     describe(d) + ": health " + std::string(toString(p.health)) + " -> " +
                                         std::string(toString(d.health)) + (d.reasons.empty() ? "" : ": " + joinReasons(d.reasons))));
    }
    const detail::IdIndex bArrays(before.arrays);
    for (const auto& a : after.arrays) {
        arrayEvents(bArrays.find(a.id), a, before, after, opts, out);
    }
    // An array that is gone: stopped by an administrator, or by md itself after too many members
    // left (md stops an array it cannot run when nothing holds it open). Its data is unreachable.
    const detail::IdIndex aArrays(after.arrays);
    for (const auto& b : before.arrays) {
        if (aArrays.contains(b.id)) continue;
        std::string lost;
        for (const auto& m : b.members)
            if (m.drive && !aDrives.contains(*m.drive))
                for (const auto& d : before.drives)
                    if (d.id == *m.drive) lost += (lost.empty() ? "" : ", ") + describe(d);
        const bool risky = !lost.empty() || condition(b) != Cond::optimal;
        out.push_back(arrayEvent("array.stopped", b, risky ? Severity::critical : Severity::warning,
                                 arrayName(b) + " is no longer running" +
                                     (lost.empty() ? std::string(" (stopped or disassembled): its data is unavailable")
                                                   : " after " + lost + " left: put the drive(s) back; its data is unavailable until then")));
    }
    const detail::IdIndex bCtl(before.controllers);
    for (const auto& c : after.controllers) {
        const Controller* was = bCtl.find(c.id);
        if (was && was->health != c.health) out.push_back(controllerEvent(c, was->health));
    }
    return out;
}

std::vector<Event> initialEvents(const Inventory& inv, const DiffOptions& opts) {
    std::vector<Event> out;
    for (const auto& d : inv.drives) {
        if (isFailedDrive(d))
            out.push_back(driveEvent("drive.failed", d, Severity::critical,
                                     describe(d) + " has failed" + (d.reasons.empty() ? "" : ": " + joinReasons(d.reasons))));
        else if (d.failurePredicted.value_or(false))
            out.push_back(driveEvent("drive.failure_predicted", d, d.health == Health::Critical ? Severity::critical : Severity::warning,
                                     describe(d) + ": failure predicted" + (d.reasons.empty() ? "" : ": " + joinReasons(d.reasons))));
    }
    for (const auto& a : inv.arrays) arrayEvents(nullptr, a, inv, inv, opts, out);
    for (const auto& c : inv.controllers)
        if (c.health == Health::Warning || c.health == Health::Critical) out.push_back(controllerEvent(c, Health::OK));
    return out;
}

Event makeHeartbeat(const Inventory& inv) {
    Event e;
    e.type = type("host.heartbeat");
    e.subject = "host";
    e.severity = Severity::info;
    std::size_t degraded = 0;
    for (const auto& a : inv.arrays)
        if (condition(a) != Cond::optimal) ++degraded;
    e.message = "health " + std::string(toString(inv.health)) + ": " + std::to_string(inv.drives.size()) + " drives, " +
                std::to_string(inv.arrays.size()) + " arrays (" + std::to_string(degraded) + " not optimal)";
    e.entityJson = Json{{"health", toString(inv.health)},
                        {"reasons", inv.reasons},
                        {"drives", inv.drives.size()},
                        {"arrays", inv.arrays.size()},
                        {"arrays_not_optimal", degraded},
                        {"controllers", inv.controllers.size()}}
                       .dump();
    return e;
}

Event makeAgentStarted(const Inventory& inv, std::string_view version) {
    Event e;
    e.type = type("agent.started");
    e.subject = "host";
    e.severity = Severity::info;
    e.message = "raidmond " + std::string(version) + " started; health " + std::string(toString(inv.health));
    e.entityJson = Json{{"version", version}, {"library_version", kVersion}, {"health", toString(inv.health)}}.dump();
    return e;
}

bool isDroppable(const Event& ev) noexcept {
    return ev.type == "io.raidmon.host.heartbeat" || ev.type == "io.raidmon.array.rebuild_progress";
}

} // namespace raidmon
