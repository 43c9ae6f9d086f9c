// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon events [--since ID|TIME] and raidmon watch: the agent's events through its control socket.
#include <chrono>
#include <iostream>

#include <raidmon/agent_client.hpp>

#include "common.hpp"

namespace raidmon::cli {

namespace {

struct EventsOptions {
    std::string since;
    std::string socket;
};

std::filesystem::path socketPath(const Globals& g, const EventsOptions& o) { return agentSocket(g, o.socket); }

/// One line for a person: time, severity, type, message.
void printHuman(std::string_view line) {
    // The CLI does not link nlohmann; pick the fields with a tiny scan of the agent's own JSON.
    auto field = [&](std::string_view key) -> std::string {
        const std::string k = "\"" + std::string(key) + "\":\"";
        auto p = line.find(k);
        if (p == std::string_view::npos) return {};
        p += k.size();
        std::string out;
        for (; p < line.size() && line[p] != '"'; ++p) {
            if (line[p] == '\\' && p + 1 < line.size()) ++p;
            out += line[p];
        }
        return out;
    };
    std::string type = field("type");
    if (type.rfind("io.raidmon.", 0) == 0) type = type.substr(11);
    std::cout << field("time") << "  " << field("severity") << "  " << type << "  " << field("message") << '\n';
}

int runEvents(const Globals& g, const EventsOptions& o) {
    auto cursor = parseEventSince(o.since, std::chrono::system_clock::now());
    if (!cursor) {
        printError("events: " + cursor.error().message);
        return kExitUsage;
    }
    auto r = queryEvents(socketPath(g, o), cursor->afterSeq, cursor->since);
    if (!r) {
        printError("events: " + r.error().message);
        return 3;
    }
    for (const auto& l : *r) {
        if (g.json) std::cout << l << '\n';
        else printHuman(l);
    }
    return 0;
}

int runWatch(const Globals& g, const EventsOptions& o) {
    auto r = watchEvents(socketPath(g, o), [&](std::string_view l) {
        if (g.json) std::cout << l << '\n';
        else printHuman(l);
        std::cout.flush();
        return true;
    });
    if (!r) {
        printError("watch: " + r.error().message);
        return 3;
    }
    return 0;
}

} // namespace

void registerEvents(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<EventsOptions>();
    auto* sub = app.add_subcommand("events", "Events the agent (raidmond) committed, from its outbox");
    sub->add_option("--since", opts->since, "After sequence number N, or since TIME (RFC 3339, UTC) or AGE (10m, 2h, 1d)");
    sub->add_option("--socket", opts->socket, "raidmond's control socket (default STATE_DIR/raidmond.sock)");
    sub->callback([&g, &exitCode, opts] { exitCode = runEvents(g, *opts); });
}

void registerWatch(CLI::App& app, Globals& g, int& exitCode) {
    auto opts = std::make_shared<EventsOptions>();
    auto* sub = app.add_subcommand("watch", "Follow the agent's events as they happen");
    sub->add_option("--socket", opts->socket, "raidmond's control socket (default STATE_DIR/raidmond.sock)");
    sub->callback([&g, &exitCode, opts] { exitCode = runWatch(g, *opts); });
}

} // namespace raidmon::cli
