// SPDX-License-Identifier: LGPL-2.1-or-later
// See operations.hpp. The JSON documents are built as agent/raidmon/cmd_smart.cpp,
// cmd_locate.cpp and cmd_hotswap.cpp build them (nlohmann::json, keys in its order), so that
// to_json() of a binding is byte for byte what `raidmon ... --json` prints.
#include "operations.hpp"

#include <nlohmann/json.hpp>

#include <raidmon/agent_client.hpp>
#include <raidmon/inventory.hpp>
#include <raidmon/json.hpp>
#include <raidmon/led.hpp>
#include <raidmon/removal.hpp>

namespace raidmon::bindings {

namespace {

using Json = nlohmann::json;

Error prefixed(const Error& e, const std::string& prefix) { return Error(e.code, prefix + e.message); }

Result<SmartVia> parseVia(const std::string& via) {
    if (via == "auto") return SmartVia::automatic;
    if (via == "native") return SmartVia::native;
    if (via == "smartctl") return SmartVia::smartctl;
    return fail(errc::invalid_argument, "smart: --via must be native, smartctl or auto, not '" + via + "'");
}

/// The control protocol is one line per request: a drive or a reason cannot carry another.
Result<void> oneLine(std::string_view text, const char* what) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return fail(errc::invalid_argument, std::string("hotswap: ") + what + ": control characters are not allowed");
    return {};
}

/// The agent's work order of incident `id` ("HOTSWAP WORKORDER ID").
Result<HotswapAnswer> agentWorkOrder(const std::filesystem::path& socket, const std::string& id) {
    auto wo = askAgent(socket, "HOTSWAP WORKORDER " + id);
    if (!wo) return tl::unexpected(prefixed(wo.error(), "hotswap: "));
    if (wo->empty()) return fail(errc::parse_error, "hotswap: " + socket.string() + ": no work order");
    const Json j = Json::parse(wo->front(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("work_order") || !j.contains("incident"))
        return fail(errc::parse_error, "hotswap: raidmond sent a work order raidmon cannot read");
    HotswapAnswer a;
    a.incidentJson = j["incident"].dump();
    auto inc = incidentFromJson(a.incidentJson);
    if (!inc) return tl::unexpected(prefixed(inc.error(), "hotswap: " + socket.string() + ": "));
    a.incident = std::move(*inc);
    a.workOrderJson = j["work_order"].dump();
    a.text = j.value("text", "");
    a.svg = j.value("svg", "");
    a.agent = true;
    return a;
}

/// The open incident WHAT names among the agent's.
Result<std::string> openIncidentId(const std::filesystem::path& socket, std::string_view what) {
    if (auto ok = oneLine(what, "incident"); !ok) return tl::unexpected(ok.error());
    auto incidents = askAgentIncidents(socket);
    if (!incidents) return tl::unexpected(prefixed(incidents.error(), "hotswap: "));
    const Incident* found = findIncident(*incidents, what);
    if (!found || isTerminal(found->state)) return fail(errc::not_found, "hotswap: no open incident for " + std::string(what));
    return found->id;
}

/// CONFIRM or CANCEL the open incident WHAT names, then its work order.
Result<HotswapAnswer> changeIncident(const std::filesystem::path& socket, std::string_view what, const std::string& verb,
                                     const std::string& suffix) {
    auto id = openIncidentId(socket, what);
    if (!id) return tl::unexpected(id.error());
    auto r = askAgent(socket, verb + " " + *id + suffix);
    if (!r) return tl::unexpected(prefixed(r.error(), "hotswap: "));
    return agentWorkOrder(socket, *id);
}

} // namespace

Result<Drive> readDriveSmart(const Context& ctx, const SmartRequest& req) {
    auto via = parseVia(req.via);
    if (!via) return tl::unexpected(via.error());
    if (req.timeoutSeconds <= 0) return fail(errc::invalid_argument, "smart: --timeout must be a positive number of seconds");
    if (req.timeoutSeconds > 24 * 3600) return fail(errc::invalid_argument, "smart: --timeout " + std::to_string(req.timeoutSeconds) + ": at most a day");
    SmartOptions so;
    so.via = *via;
    so.deviceType = req.deviceType;
    so.timeout = std::chrono::seconds(req.timeoutSeconds);
    ScanOptions scan;
    scan.probeSignatures = false;
    scan.crossCheckMdstat = false;
    auto inv = scanInventory(ctx, scan);
    if (!inv) return tl::unexpected(prefixed(inv.error(), "smart: "));
    auto d = findDrive(*inv, req.drive);
    if (!d) {
        if (d.error().is(errc::not_found))
            return fail(errc::not_found, "smart: no drive '" + req.drive +
                                             "' (give a device node, kernel name, serial, WWN or drive id; see raidmon status)");
        return tl::unexpected(prefixed(d.error(), "smart: "));
    }
    auto r = readSmart(ctx, **d, so);
    if (!r) return tl::unexpected(prefixed(r.error(), "smart: " + (*d)->devnode.value_or((*d)->id) + ": "));
    return r;
}

std::string smartJson(const Drive& drive) { return asDocument(toJson(drive, -1), 2); }

Result<IdentifyResult> identify(const Context& ctx, const std::filesystem::path& stateDir, bool on,
                                std::optional<std::chrono::seconds> duration, const std::string& reason) {
    if (duration && (duration->count() <= 0 || *duration > kMaxLease))
        return fail(errc::invalid_argument, "identify: --for " + std::to_string(duration->count()) + "s: between 1 s and 31 d");
    IdentifyResult out;
    out.on = on;
    // As the CLI: lights whose time is up go off first; what fails there is a warning (the CLI
    // prints it on stderr), not an error.
    if (auto expired = expireLeases(ctx, stateDir); !expired)
        out.warnings.push_back("leds: " + expired.error().message);
    else
        for (const auto& f : expired->failures) out.warnings.push_back("leds: lease not expired: " + f);
    LedOptions lo;
    lo.stateDir = stateDir;
    lo.duration = duration;
    lo.reason = reason;
    auto r = setServerIdentify(ctx, on, lo);
    if (!r) return tl::unexpected(prefixed(r.error(), "identify: "));
    out.notes = std::move(*r);
    return out;
}

std::string identifyJson(const IdentifyResult& r) {
    return asDocument(Json{{"identify", r.on ? "on" : "off"}, {"notes", r.notes}}.dump(), 2);
}

std::string incidentsJson(const std::vector<Incident>& incidents) {
    Json a = Json::array();
    for (const auto& i : incidents) a.push_back(Json::parse(toJson(i, -1)));
    return asDocument(Json{{"incidents", a}}.dump(), 2);
}

std::string hotswapJson(const HotswapAnswer& a) {
    return asDocument(Json{{"incident", Json::parse(a.incidentJson)}, {"work_order", Json::parse(a.workOrderJson)}, {"agent", a.agent}}.dump(), 2);
}

Result<HotswapAnswer> hotswapWorkOrder(const Context& ctx, const std::filesystem::path& stateDir,
                                       const std::filesystem::path& socket, std::string_view drive) {
    if (drive.empty()) return fail(errc::invalid_argument, "hotswap: name the drive (device, serial, WWN or id)");
    if (auto ok = oneLine(drive, "drive"); !ok) return tl::unexpected(ok.error());
    auto incidents = askAgentIncidents(socket);
    if (!incidents) {
        if (!incidents.error().is(errc::io_error)) return tl::unexpected(prefixed(incidents.error(), "hotswap: "));
        // No agent: the work order from a scan of this host, as `raidmon hotswap` prints it then.
        auto inv = scanInventory(ctx);
        if (!inv) return tl::unexpected(prefixed(inv.error(), "hotswap: "));
        std::vector<Incident> known;
        if (auto k = loadIncidents(stateDir)) known = std::move(*k);
        const Incident* open = findIncident(known, drive);
        const bool recorded = open && !isTerminal(open->state);  // in the agent's state, from before it stopped
        if (!recorded) {
            auto r = openIncident(known, *inv, drive, HotswapPolicy{}, ctx.clock->now());
            if (!r) return tl::unexpected(prefixed(r.error(), "hotswap: "));
            open = &known.back();
        }
        // As `raidmon hotswap` without the agent: steps without a light, an id only if recorded.
        WorkOrder wo = makeWorkOrder(*open, *inv, false);
        if (recorded) wo.incidentId = open->id;
        HotswapAnswer a;
        a.incident = *open;
        a.recorded = recorded;
        a.incidentJson = recorded ? toJson(*open, -1) : "null";
        a.workOrderJson = toJson(wo, -1);
        a.text = toText(wo);
        a.svg = toSvg(wo, *inv);
        a.agent = false;
        return a;
    }
    const Incident* found = findIncident(*incidents, drive);
    std::string id;
    if (found && !isTerminal(found->state)) {
        id = found->id;
    } else {
        auto r = askAgent(socket, "HOTSWAP OPEN " + std::string(drive));
        if (!r) return tl::unexpected(prefixed(r.error(), "hotswap: "));
        if (r->empty()) return fail(errc::command_failed, "hotswap: raidmond opened no incident");
        auto i = incidentFromJson(r->front());
        if (!i) return tl::unexpected(prefixed(i.error(), "hotswap: "));
        id = i->id;
    }
    return agentWorkOrder(socket, id);
}

Result<HotswapAnswer> hotswapConfirm(const std::filesystem::path& socket, std::string_view what) {
    return changeIncident(socket, what, "HOTSWAP CONFIRM", "");
}

Result<HotswapAnswer> hotswapCancel(const std::filesystem::path& socket, std::string_view what, const std::string& reason) {
    if (auto ok = oneLine(reason, "--reason"); !ok) return tl::unexpected(ok.error());
    return changeIncident(socket, what, "HOTSWAP CANCEL", reason.empty() ? "" : " " + reason);
}

} // namespace raidmon::bindings
