// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/hotswap_exec.hpp"

#include <raidmon/controllers.hpp>
#include <raidmon/led.hpp>

#include "core/strutil.hpp"
#include "hotswap/common.hpp"

namespace raidmon::agent {

namespace {

using namespace std::chrono_literals;

// A bay light of an incident stays on until the incident ends; the lease only bounds a light an
// agent that died for good would leave behind.
constexpr std::chrono::seconds kIncidentLightLease = std::chrono::hours(7 * 24);

std::string commandLine(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
    return s;
}

/// mdadm or wipefs, with the command line and the tool's own words in the outcome.
ActionOutcome runTool(const Context& ctx, const std::vector<std::string>& argv) {
    if (!ctx.runner) return {false, "no command runner: run '" + commandLine(argv) + "' yourself"};
    auto r = ctx.runner->run(argv, 120s);
    if (!r) return {false, "'" + commandLine(argv) + "': " + r.error().message};
    if (r->exitStatus != 0) {
        std::string why = std::string(detail::trim(r->err.empty() ? r->out : r->err));
        if (why.size() > 400) why.resize(400);
        return {false, "'" + commandLine(argv) + "' exited " + std::to_string(r->exitStatus) + (why.empty() ? "" : ": " + detail::printable(why))};
    }
    return {true, "'" + commandLine(argv) + "' done"};
}

ActionOutcome light(const Context& ctx, const Inventory& inv, const HotswapAction& a, LedPattern pattern,
                    const std::filesystem::path& stateDir, bool force) {
    if (!a.enclosure || !a.slot) return {false, "no bay known for incident " + a.incidentId};
    Bay bay;
    bay.enclosure = *a.enclosure;
    bay.slot = *a.slot;
    bay.label = a.slotLabel;
    LedOptions o;
    o.stateDir = stateDir;
    o.duration = kIncidentLightLease;
    o.reason = "hot-swap incident " + a.incidentId;
    o.force = force;
    auto r = setSlotLed(ctx, inv, bay, pattern, o);
    if (!r) return {false, r.error().message};
    std::string msg = std::string(toString(pattern)) + " light of bay " + a.slotLabel.value_or(std::to_string(*a.slot)) + " via " +
                      r->backend + (r->verified ? ", read back" : ", not verifiable");
    for (const auto& c : r->conflicts) msg += "; " + c;
    return {true, msg};
}

} // namespace

ActionOutcome runHotswapAction(const Context& ctx, const Inventory& inv, const HotswapAction& a, const std::filesystem::path& stateDir,
                               bool completed) {
    switch (a.kind) {
    case HotswapActionKind::light_on: return light(ctx, inv, a, a.pattern, stateDir, false);
    case HotswapActionKind::light_off: return light(ctx, inv, a, LedPattern::off, stateDir, completed);
    case HotswapActionKind::identify_on:
    case HotswapActionKind::identify_off: {
        LedOptions o;
        o.stateDir = stateDir;
        o.reason = "hot-swap incident " + a.incidentId;
        const bool on = a.kind == HotswapActionKind::identify_on;
        if (on) o.duration = kIncidentLightLease;
        auto r = setServerIdentify(ctx, on, o);
        if (!r) return {false, r.error().message};
        return {true, std::string("server identify light ") + (on ? "on" : "off")};
    }
    case HotswapActionKind::md_add: {
        if (!a.array || !a.device) return {false, "md_add without an array or a device"};
        std::string wiped;
        if (a.wipeFirst) {
            // The policy let a drive with old signatures in: erase them (partition tables, old md
            // superblocks, filesystems) so nothing of the drive's past is found on it again.
            auto w = runTool(ctx, {"wipefs", "--all", *a.device});
            if (!w.ok) return {false, "not added: " + w.message};
            wiped = w.message + "; ";
        }
        auto r = runTool(ctx, {"mdadm", "--manage", (ctx.paths.dev / *a.array).string(), "--add", *a.device});
        return {r.ok, wiped + r.message};
    }
    case HotswapActionKind::ctl_hot_spare: {
        // The verified replacement, as the controller's tool addresses it; its serial is checked
        // by the tool's own read before anything is changed, and the result read back.
        const Drive* d = a.driveId ? detail::driveById(inv, *a.driveId) : nullptr;
        if (!d) return {false, "the replacement " + a.driveId.value_or("?") + " is not in the last scan"};
        auto addr = addressOf(*d);
        if (!addr) return {false, "the replacement " + d->id + " has no controller address"};
        addr->expectedSerial = a.serial ? a.serial : d->serial;
        ActionPolicy allow;
        allow.allowDestructive = true;  // [hotswap] add = "auto" or an operator's confirmation
        auto r = runControllerAction(ctx, *addr, ControllerAction::makeHotSpare, allow);
        if (!r) return {false, r.error().message};
        std::string cmds;
        for (const auto& c : r->commands) cmds += (cmds.empty() ? "" : "; ") + c;
        return {true, "made a hot spare (" + cmds + "): the drive is now " +
                          (r->after.controllerView && r->after.controllerView->state ? *r->after.controllerView->state : "?")};
    }
    case HotswapActionKind::md_readwrite: {
        if (!a.array) return {false, "md_readwrite without an array"};
        return runTool(ctx, {"mdadm", "--readwrite", (ctx.paths.dev / *a.array).string()});
    }
    case HotswapActionKind::md_remove_detached: {
        if (!a.array) return {false, "md_remove_detached without an array"};
        // A pulled member stays in the array as a ghost until it is failed and removed ("detached":
        // its device is gone). What udev's mdadm -If rule does on a Debian server; harmless if done.
        const std::string md = (ctx.paths.dev / *a.array).string();
        auto r = runTool(ctx, {"mdadm", "--manage", md, "--fail", "detached", "--remove", "detached"});
        auto f = runTool(ctx, {"mdadm", "--manage", md, "--remove", "failed"});
        return {r.ok || f.ok, r.message + "; " + f.message};
    }
    }
    return {false, "unknown action"};
}

} // namespace raidmon::agent
