// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The /metrics page: OpenMetrics text or the Prometheus text format 0.0.4 (https://github.com/OpenObservability/OpenMetrics/blob/main/
// specification/OpenMetrics.md) with Prometheus naming (base units, _total for counters).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <raidmon/model.hpp>

#include "daemon/http.hpp"

namespace raidmon::agent {

struct AgentMetrics {
    std::chrono::system_clock::time_point startTime{};
    std::map<std::string, std::uint64_t> eventsByType;
    std::uint64_t suppressed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t uevents = 0;
    std::uint64_t ueventOverflows = 0;  ///< times the udev monitor's socket overflowed (ENOBUFS): each a full rescan
    std::uint64_t scans = 0;
    std::uint64_t partialScans = 0;  ///< rescans that re-read only what a uevent named (a disk, an md array)
    double lastScanSeconds = 0;
    std::size_t outboxEvents = 0;
    std::uint64_t metricsEvicted = 0;   ///< /metrics connections closed to make room for newer ones
    std::uint64_t metricsTimedOut = 0;  ///< /metrics connections closed for being too slow or too large
};

struct SinkMetrics {
    std::string name;
    std::uint64_t delivered = 0;
    std::uint64_t failures = 0;
    std::uint64_t pending = 0;
    bool up = true;
};

/// The page in one of the two exposition formats: OpenMetrics 1.0.0 (families without the
/// counters' _total, # UNIT lines, ending with "# EOF") or the Prometheus text format 0.0.4
/// (# HELP and # TYPE named as the samples, no # UNIT, no # EOF).
std::string renderMetrics(const Inventory& inv, const AgentMetrics& agent, const std::vector<SinkMetrics>& sinks,
                          MetricsFormat format = MetricsFormat::openMetrics);

/// A label value escaped as OpenMetrics requires (backslash, double quote, newline).
std::string escapeLabel(std::string_view v);

} // namespace raidmon::agent
