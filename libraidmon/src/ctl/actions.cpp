// SPDX-License-Identifier: LGPL-2.1-or-later
// Controller actions on one drive: read the drive, check it is the one the caller means, act,
// check the tool's verdict, read the drive back and check the state the action must leave.
#include <raidmon/controllers.hpp>

#include <algorithm>

#include "adaptec/arcconf.hpp"
#include "backend.hpp"
#include "common.hpp"
#include "core/strutil.hpp"
#include "decoders.hpp"

namespace raidmon {

using namespace detail::ctl;

bool isDestructive(ControllerAction a) noexcept {
    return a != ControllerAction::locateOn && a != ControllerAction::locateOff;
}

std::optional<DriveAddress> addressOf(const Drive& d) {
    if (!d.controllerView || !d.controllerView->address) return std::nullopt;
    const auto& tool = d.controllerView->controller ? d.controllerView->controller : d.location.controller;
    if (!tool) return std::nullopt;
    const auto& c = *tool;
    DriveAddress a;
    if (detail::startsWith(c, "megaraid:")) a.kind = "megaraid";
    else if (detail::startsWith(c, "smartarray:slot")) a.kind = "smartarray";
    else if (detail::startsWith(c, "adaptec:c")) a.kind = "adaptec";
    else return std::nullopt;
    a.controller = c;
    a.address = *d.controllerView->address;
    a.expectedSerial = d.serial;
    return a;
}

namespace {

std::string_view actionName(ControllerAction a) {
    switch (a) {
    case ControllerAction::locateOn: return "locate on";
    case ControllerAction::locateOff: return "locate off";
    case ControllerAction::setGood: return "set good";
    case ControllerAction::setOffline: return "set offline";
    case ControllerAction::setMissing: return "set missing";
    case ControllerAction::startRebuild: return "start rebuild";
    case ControllerAction::makeHotSpare: return "make hot spare";
    }
    return "?";
}

/// One vendor's way of reading a drive and acting on it.
struct Vendor {
    std::span<const std::string_view> candidates;
    std::vector<std::string> readArgs;
    std::vector<std::string> actArgs;
};

Result<Vendor> vendorFor(const DriveAddress& a, ControllerAction action, const HwRaidOptions& opts) {
    Vendor v;
    if (a.kind == "megaraid") {
        // storcli addresses a drive as /cX/eY/sZ (or /cX/sZ when directly attached).
        if (!detail::startsWith(a.address, "/c") || a.address.find("/s") == std::string::npos)
            return fail(errc::invalid_argument, "'" + a.address + "' is not a storcli drive address (/cX/eY/sZ)");
        v.candidates = kStorcli;
        v.readArgs = {a.address, "show", "all", "J"};
        switch (action) {
        case ControllerAction::locateOn: v.actArgs = {a.address, "start", "locate", "J"}; break;
        case ControllerAction::locateOff: v.actArgs = {a.address, "stop", "locate", "J"}; break;
        case ControllerAction::setGood: v.actArgs = {a.address, "set", "good", "J"}; break;
        case ControllerAction::setOffline: v.actArgs = {a.address, "set", "offline", "J"}; break;
        case ControllerAction::setMissing: v.actArgs = {a.address, "set", "missing", "J"}; break;
        case ControllerAction::startRebuild: v.actArgs = {a.address, "start", "rebuild", "J"}; break;
        case ControllerAction::makeHotSpare: v.actArgs = {a.address, "add", "hotsparedrive", "J"}; break;
        }
        return v;
    }
    if (a.kind == "smartarray") {
        auto slot = a.controller.substr(std::string_view("smartarray:slot").size());
        if (slot.empty() || a.address.find(':') == std::string::npos)
            return fail(errc::invalid_argument, "'" + a.controller + " " + a.address + "' is not a Smart Array drive address");
        v.candidates = kSsacli;
        v.readArgs = {"ctrl", "slot=" + slot, "pd", a.address, "show", "detail"};
        if (action == ControllerAction::locateOn) v.actArgs = {"ctrl", "slot=" + slot, "pd", a.address, "modify", "led=on"};
        else if (action == ControllerAction::locateOff) v.actArgs = {"ctrl", "slot=" + slot, "pd", a.address, "modify", "led=off"};
        else
            return fail(errc::unsupported, "Smart Array: '" + std::string(actionName(action)) +
                                               "' has no per-drive ssacli command here (the controller rebuilds onto a replaced drive by itself)");
        return v;
    }
    if (a.kind == "adaptec") {
        auto n = a.controller.substr(std::string_view("adaptec:c").size());
        auto w = detail::splitWs(a.address);
        if (n.empty() || w.size() != 2)
            return fail(errc::invalid_argument, "'" + a.controller + " " + a.address + "' is not an arcconf drive address");
        v.candidates = kArcconf;
        v.readArgs = {"GETCONFIG", n, "PD", std::string(w[0]), std::string(w[1])};
        if (action == ControllerAction::locateOn)
            v.actArgs = {"IDENTIFY", n, "DEVICE", std::string(w[0]), std::string(w[1]), "TIME",
                         std::to_string(opts.adaptecIdentifyFor.count()), "noprompt"};
        else if (action == ControllerAction::locateOff)
            v.actArgs = {"IDENTIFY", n, "DEVICE", std::string(w[0]), std::string(w[1]), "STOP", "noprompt"};
        else
            return fail(errc::unsupported, "Adaptec: '" + std::string(actionName(action)) + "' is not implemented for arcconf");
        return v;
    }
    return fail(errc::unsupported, "no controller actions for kind '" + a.kind + "'");
}

/// The drive at the address in one read command's output.
Result<Drive> driveFrom(const ToolRun& run, const DriveAddress& a) {
    Result<Capture> cap = fail(errc::unsupported, "");
    if (a.kind == "megaraid") {
        auto trees = storcliAnswer(run, true);
        if (!trees) return tl::unexpected(trees.error());
        cap = detail::storcli::toCapture(*trees);
    } else {
        if (run.out.exitStatus != 0)
            return fail(errc::command_failed, run.commandLine + ": exit status " + std::to_string(run.out.exitStatus) + ": " +
                                                  detail::printable(run.out.out.substr(0, 200)));
        cap = a.kind == "smartarray" ? detail::decodeSsacli(run.out.out)
                                     : detail::arcconf::decode(run.out.out,
                                                               detail::parseInt<int>(a.controller.substr(9)).value_or(1));
        if (!cap) return tl::unexpected(Error(cap.error().code, run.commandLine + ": " + cap.error().message));
    }
    for (const auto& d : cap->drives)
        if (d.controllerView && d.controllerView->address == a.address) return d;
    return fail(errc::not_found, run.commandLine + ": no drive at " + a.address);
}

/// Whether the drive read back is in the state the action must leave. The tools do not report the
/// locate LED, so for locate only the drive's identity is re-checked (by the caller).
bool verified(ControllerAction a, const Drive& d) {
    switch (a) {
    case ControllerAction::locateOn:
    case ControllerAction::locateOff: return true;  // identity re-checked by the caller
    case ControllerAction::setGood: return d.state == DriveState::unconfigured;
    case ControllerAction::setOffline: return d.state == DriveState::offline;
    case ControllerAction::setMissing: return d.state == DriveState::missing;
    case ControllerAction::startRebuild: return d.state == DriveState::rebuilding || d.state == DriveState::online;
    case ControllerAction::makeHotSpare: return d.state == DriveState::spare || d.state == DriveState::rebuilding;
    }
    return false;
}

} // namespace

Result<ActionResult> runControllerAction(const Context& ctx, const DriveAddress& addr, ControllerAction action,
                                         const ActionPolicy& policy, const HwRaidOptions& opts) {
    const std::string what = std::string(actionName(action)) + " on " + addr.controller + " " + addr.address;
    if (isDestructive(action) && !policy.allowDestructive)
        return fail(errc::refused, what + ": destructive controller actions are not allowed by the policy");
    auto v = vendorFor(addr, action, opts);
    if (!v) return tl::unexpected(v.error());
    ActionResult res;
    // The first read also finds the tool; it is harmless.
    auto probe = runFirst(ctx, v->candidates, v->readArgs, opts.timeout);
    if (!probe) return tl::unexpected(probe.error());
    const std::string tool = probe->tool;
    res.commands.push_back(probe->commandLine);
    auto before = driveFrom(*probe, addr);
    if (!before) return tl::unexpected(before.error());
    if (addr.expectedSerial && before->serial && *before->serial != *addr.expectedSerial)
        return fail(errc::refused, what + ": the drive there has serial " + *before->serial + ", not " + *addr.expectedSerial +
                                       ": it is another drive; nothing was done");
    res.before = *before;
    auto act = runTool(ctx, tool, v->actArgs, opts.timeout);
    if (!act) return tl::unexpected(act.error());
    res.commands.push_back(act->commandLine);
    if (addr.kind == "megaraid") {
        auto t = storcliAnswer(*act, true);
        if (!t) return tl::unexpected(Error(t.error().code, what + ": " + t.error().message));
    } else if (act->out.exitStatus != 0) {
        return fail(errc::command_failed, what + ": " + act->commandLine + ": exit status " + std::to_string(act->out.exitStatus) +
                                              ": " + detail::printable(act->out.out.substr(0, 200)));
    }
    auto reread = runTool(ctx, tool, v->readArgs, opts.timeout);
    if (!reread) return tl::unexpected(reread.error());
    res.commands.push_back(reread->commandLine);
    auto after = driveFrom(*reread, addr);
    if (!after) return tl::unexpected(after.error());
    if (before->serial != after->serial)
        return fail(errc::command_failed, what + ": the drive read back has serial " + after->serial.value_or("?") +
                                              " where " + before->serial.value_or("?") + " was");
    if (!verified(action, *after))
        return fail(errc::command_failed, what + ": the tool reported success but the drive reads back as '" +
                                              after->controllerView->state.value_or("?") + "'");
    res.after = *after;
    return res;
}

} // namespace raidmon
