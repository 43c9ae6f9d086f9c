// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The /metrics page: OpenMetrics text (https://github.com/OpenObservability/OpenMetrics/blob/main/
// specification/OpenMetrics.md) with Prometheus naming (base units, _total for counters).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <raidmon/model.hpp>

namespace raidmon::agent {

struct AgentMetrics {
    std::chrono::system_clock::time_point startTime{};
    std::map<std::string, std::uint64_t> eventsByType;
    std::uint64_t suppressed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t uevents = 0;
    std::uint64_t scans = 0;
    std::uint64_t partialScans = 0;  ///< rescans that re-read only what a uevent named (a disk, an md array)
    double lastScanSeconds = 0;
    std::size_t outboxEvents = 0;
};

struct SinkMetrics {
    std::string name;
    std::uint64_t delivered = 0;
    std::uint64_t failures = 0;
    std::uint64_t pending = 0;
    bool up = true;
};

/// The page, ending with "# EOF".
std::string renderMetrics(const Inventory& inv, const AgentMetrics& agent, const std::vector<SinkMetrics>& sinks);

/// A label value escaped as OpenMetrics requires (backslash, double quote, newline).
std::string escapeLabel(std::string_view v);

} // namespace raidmon::agent
