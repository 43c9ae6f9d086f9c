// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Restart forensics of the agent (docs/agent.md "Restart forensics"): io.raidmon.host.booted at
// start when the kernel's boot id changed (how the previous boot ended: the agent's own clean-stop
// record in STATE_DIR/boot.json, the last event it committed, the BMC's restart cause and SEL
// entries around the boot), and io.raidmon.host.shutdown at an orderly stop.

#include <chrono>
#include <optional>
#include <string>

#include <raidmon/context.hpp>
#include <raidmon/events.hpp>

#include "daemon/outbox.hpp"

namespace raidmon::agent {

/// How long an orderly stop waits for the sinks to deliver host.shutdown: long enough for a
/// webhook round trip on a LAN, short enough for systemd's stop timeout (90 s by default).
inline constexpr std::chrono::milliseconds kLastGasp{3000};

/// What STATE_DIR/boot.json records: the boot the agent ran in and whether it stopped cleanly.
struct BootRecord {
    std::string bootId;
    bool cleanStop = false;
    std::optional<std::int64_t> startedMs, stoppedMs;  ///< ms since the epoch
    std::optional<std::uint64_t> lastSeq;              ///< the last event committed before the stop
};

/// Parse boot.json. Errors: parse_error naming `origin` and the field.
Result<BootRecord> parseBootRecord(std::string_view json, std::string_view origin);
std::string toJson(const BootRecord& r);

/// The kernel's boot id (Paths::proc/sys/kernel/random/boot_id); errors name the file.
Result<std::string> readBootId(const Context& ctx);

/// At start: read the previous record, write this run's (clean_stop false), and return the
/// host.booted event when the boot id changed (or nothing was recorded before), else nullopt.
/// `outbox` gives the last event committed before this start. Failures to read the BMC are part
/// of the event's data; failures to write the record are logged.
std::optional<Event> bootedEvent(const Context& ctx, const std::filesystem::path& stateDir, Outbox& outbox, BootRecord& current);

/// The host.shutdown event of an orderly stop.
Event shutdownEvent(const Context& ctx, const BootRecord& current);

/// After the last gasp: record the clean stop (with the last committed event) in boot.json.
void recordCleanStop(const Context& ctx, const std::filesystem::path& stateDir, BootRecord current, Outbox& outbox);

} // namespace raidmon::agent
