// SPDX-License-Identifier: LGPL-2.1-or-later
#include "common.hpp"

#include <cstdio>
#include <iostream>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <raidmon/agent_client.hpp>
#include <raidmon/json.hpp>

namespace raidmon::cli {

Context makeContext(const Globals& g) {
    Context ctx = g.root.empty() ? makeSystemContext() : makeRootContext(g.root);
    if (!g.procDir.empty()) ctx.paths.proc = g.procDir;
    if (!g.etcDir.empty()) ctx.paths.etc = g.etcDir;
    if (g.noDeviceIo) ctx.deviceIo = DeviceIo::none;
    if (g.verbose > 0) {
        int v = g.verbose;
        ctx.log = [v](LogLevel level, std::string_view msg) {
            if (level == LogLevel::debug && v < 2) return;
            static constexpr const char* names[] = {"debug", "info", "warning", "error", "critical"};
            std::cerr << "raidmon[" << names[static_cast<int>(level)] << "]: " << msg << '\n';
        };
    }
    return ctx;
}

std::filesystem::path stateDirOf(const Globals& g) { return g.stateDir.empty() ? "/var/lib/raidmon" : g.stateDir; }

std::filesystem::path agentSocket(const Globals& g, const std::string& override) {
    return override.empty() ? defaultControlSocket(stateDirOf(g)) : std::filesystem::path(override);
}

namespace {
std::vector<std::string>& printedErrors() {
    static std::vector<std::string> errors;
    return errors;
}
} // namespace

void printError(std::string_view message) {
    std::cerr << "raidmon: " << message << '\n';
    printedErrors().emplace_back(message);
}

std::string jsonErrorDocument(int exitStatus, std::string_view fallback) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    for (const auto& m : printedErrors()) messages.push_back(m);
    if (messages.empty()) messages.push_back(std::string(fallback));
    nlohmann::ordered_json doc{{"format_version", kJsonFormatVersion},
                       {"error", {{"message", messages.front()}, {"messages", messages}}},
                       {"exit_status", exitStatus}};
    return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace raidmon::cli
