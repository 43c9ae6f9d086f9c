// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon hotswap DRIVE: the guided replacement. The agent (raidmond) owns the incident and its
// state machine (docs/hotswap.md); this command opens one (or finds the open one), prints the work
// order, and follows the agent's hotswap.* events step by step until the incident ends. Without a
// running agent it prints the work order the library computes from a scan, and says that nothing
// will follow the replacement.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include <raidmon/json.hpp>

#include <raidmon/agent_client.hpp>
#include <raidmon/hotswap.hpp>
#include <raidmon/inventory.hpp>

#include "common.hpp"

namespace raidmon::cli {

namespace {

using Json = nlohmann::json;

struct HotswapOptions {
    std::string drive;
    bool list = false;
    bool confirm = false;
    bool cancel = false;
    std::string reason;
    std::string svg;
    bool noFollow = false;
    std::string socket;
};

std::filesystem::path socketPath(const Globals& g, const HotswapOptions& o) { return agentSocket(g, o.socket); }

bool writeSvg(const std::string& file, const std::string& svg) {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << svg;
    f.close();
    if (!f) {
        printError("hotswap: --svg " + file + ": cannot write");
        return false;
    }
    std::cerr << "raidmon: bay picture written to " << file << '\n';
    return true;
}

int exitFor(IncidentState s) {
    switch (s) {
    case IncidentState::completed: return 0;
    case IncidentState::cancelled: return 1;
    case IncidentState::failed: return 2;
    default: return 0;
    }
}

int runList(const Globals& g, const HotswapOptions& o) {
    auto incidents = askAgentIncidents(socketPath(g, o));
    if (!incidents) {
        printError("hotswap: " + incidents.error().message);
        return 3;
    }
    if (g.json) {
        Json a = Json::array();
        for (const auto& i : *incidents) a.push_back(Json::parse(toJson(i, -1)));
        std::cout << asDocument(Json{{"incidents", a}}.dump(), 2) << '\n';
        return 0;
    }
    if (incidents->empty()) std::cout << "no hot-swap incidents\n";
    for (const auto& i : *incidents)
        std::cout << i.id.substr(0, 8) << "  " << toString(i.state) << "  " << toString(i.cause) << "  "
                  << i.drive.serial.value_or(i.drive.id) << "  bay " << i.slotLabel.value_or(i.slot ? std::to_string(*i.slot) : "?")
                  << (i.arrayName ? "  " + *i.arrayName : "") << '\n';
    return 0;
}

/// No agent: the work order from a scan of this host, through the same library calls.
int runLocal(const Globals& g, const HotswapOptions& o, const Error& why) {
    const Context ctx = makeContext(g);
    auto inv = scanInventory(ctx);
    if (!inv) {
        printError("hotswap: " + inv.error().message);
        return 3;
    }
    std::vector<Incident> incidents;
    if (auto known = loadIncidents(stateDirOf(g))) incidents = std::move(*known);
    const Incident* open = findIncident(incidents, o.drive);
    const bool recorded = open && !isTerminal(open->state);  // in the agent's state, from before it stopped
    if (!recorded) {
        auto r = openIncident(incidents, *inv, o.drive, HotswapPolicy{}, ctx.clock->now());
        if (!r) {
            printError("hotswap: " + r.error().message);
            return r.error().is(errc::not_found) ? 3 : kExitUsage;
        }
        open = &incidents.back();
    }
    // Without the agent nothing records the incident, lights the bay or verifies the replacement:
    // the work order says so (steps without a light; an id only for an incident raidmond recorded).
    WorkOrder wo = makeWorkOrder(*open, *inv, false);
    if (recorded) wo.incidentId = open->id;
    if (!o.svg.empty() && !writeSvg(o.svg, toSvg(wo, *inv))) return kExitNoInput;
    if (g.json) {
        std::cout << asDocument(Json{{"incident", recorded ? Json::parse(toJson(*open, -1)) : Json(nullptr)},
                                     {"work_order", Json::parse(toJson(wo, -1))},
                                     {"agent", false}}
                                    .dump(),
                                2)
                  << '\n';
    } else {
        std::cout << toText(wo);
        std::cout << "\nraidmond is not reachable (" << why.message << "):\nthis work order is computed from a scan now; nothing will "
                  << "follow the replacement, light the bay or add the new drive. Start raidmond for the guided flow.\n";
    }
    return 0;
}

/// Print each hotswap.* event of incident `id` as a step; return the exit code once it ends.
int follow(const std::filesystem::path& sock, const std::string& id, const std::string& driveSpec) {
    std::cout << "\nFollowing incident " << id.substr(0, 8) << " (Ctrl-C stops watching; the agent carries on):\n" << std::flush;
    int code = 0;
    int step = 0;
    auto r = watchEvents(sock, [&](std::string_view line) {
        const Json e = Json::parse(line, nullptr, false);
        if (e.is_discarded() || !e.contains("type") || !e["type"].is_string()) return true;
        const std::string type = e["type"];
        if (type.rfind("io.raidmon.hotswap.", 0) != 0 || e.value("subject", "") != "incident/" + id) return true;
        const std::string what = type.substr(19);
        const Json& data = e.contains("data") ? e["data"] : Json::object();
        std::cout << "  [" << ++step << "] " << e.value("time", "") << "  " << what << ": " << data.value("message", "") << '\n';
        if (what == "awaiting_confirmation")
            std::cout << "      to add it now: raidmon hotswap " << driveSpec << " --confirm\n";
        std::cout.flush();
        if (auto s = parseIncidentState(what); s && isTerminal(*s)) {
            code = exitFor(*s);
            return false;
        }
        return true;
    });
    if (!r) {
        printError("hotswap: " + r.error().message);
        return 3;
    }
    return code;
}

int runHotswap(const Globals& g, const HotswapOptions& o) {
    if (o.list) return runList(g, o);
    if (o.drive.empty()) {
        printError("hotswap: name the drive (device, serial, WWN or id), or --list");
        return kExitUsage;
    }
    if (o.confirm && o.cancel) {
        printError("hotswap: --confirm and --cancel exclude each other");
        return kExitUsage;
    }
    const auto sock = socketPath(g, o);
    auto incidents = askAgentIncidents(sock);
    if (!incidents) {
        if (incidents.error().is(errc::io_error) && !o.confirm && !o.cancel) return runLocal(g, o, incidents.error());
        printError("hotswap: " + incidents.error().message);
        return 3;
    }
    const Incident* found = findIncident(*incidents, o.drive);
    const bool open = found && !isTerminal(found->state);
    std::string id = open ? found->id : "";
    if (o.confirm || o.cancel) {
        if (!open) {
            printError("hotswap: no open incident for " + o.drive);
            return 3;
        }
        auto r = askAgent(sock, std::string(o.confirm ? "HOTSWAP CONFIRM " : "HOTSWAP CANCEL ") + id + (o.cancel && !o.reason.empty() ? " " + o.reason : ""));
        if (!r) {
            printError("hotswap: " + r.error().message);
            return kExitUsage;
        }
    } else if (!open) {
        auto r = askAgent(sock, "HOTSWAP OPEN " + o.drive);
        if (!r || r->empty()) {
            printError("hotswap: " + (r ? std::string("raidmond opened no incident") : r.error().message));
            return r && r->empty() ? 3 : (r.error().is(errc::not_found) ? 3 : kExitUsage);
        }
        auto i = incidentFromJson(r->front());
        if (!i) {
            printError("hotswap: " + i.error().message);
            return 3;
        }
        id = i->id;
    }
    auto wo = askAgent(sock, "HOTSWAP WORKORDER " + id);
    if (!wo || wo->empty()) {
        printError("hotswap: " + (wo ? std::string("no work order") : wo.error().message));
        return 3;
    }
    const Json j = Json::parse(wo->front(), nullptr, false);
    if (j.is_discarded() || !j.contains("work_order")) {
        printError("hotswap: raidmond sent a work order raidmon cannot read");
        return 3;
    }
    if (!o.svg.empty() && !writeSvg(o.svg, j.value("svg", ""))) return kExitNoInput;
    if (g.json) {
        std::cout << asDocument(Json{{"incident", j["incident"]}, {"work_order", j["work_order"]}, {"agent", true}}.dump(), 2) << '\n';
        return 0;
    }
    std::cout << j.value("text", "");
    const auto state = parseIncidentState(j["incident"].value("state", ""));
    if (state && isTerminal(*state)) return exitFor(*state);
    if (o.noFollow) return 0;
    return follow(sock, id, o.drive);
}

} // namespace

void registerHotswap(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<HotswapOptions>();
    auto* sub = app.add_subcommand("hotswap", "Guided replacement of a drive: work order, bay light, verification, rebuild (with raidmond)");
    sub->add_option("DRIVE", opts->drive, "The drive to replace: /dev/sdc, sdc, serial, WWN or drive id");
    sub->add_flag("--list", opts->list, "List the agent's hot-swap incidents");
    sub->add_flag("--confirm", opts->confirm, "Add the verified replacement now (policy add = \"confirm\")");
    sub->add_flag("--cancel", opts->cancel, "Cancel the open incident (the bay light goes off)");
    sub->add_option("--reason", opts->reason, "Why it is cancelled (recorded in the incident)");
    sub->add_option("--svg", opts->svg, "Write a picture of the bays with the target marked to FILE");
    sub->add_flag("--no-follow", opts->noFollow, "Print the work order and return; do not follow the steps");
    sub->add_option("--socket", opts->socket, "raidmond's control socket (default STATE_DIR/raidmond.sock)");
    sub->callback([&g, &exitCode, opts] { exitCode = runHotswap(g, *opts); });
}

} // namespace raidmon::cli
