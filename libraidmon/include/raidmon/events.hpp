// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file events.hpp
/// @brief Typed events of DESIGN.md "Events": a pure diff of two inventory snapshots into events,
/// their CloudEvents 1.0 JSON envelope, and the per-entity rate limiter that keeps a flapping
/// drive from flooding a panel.
///
/// The diff is a pure function: SMART results are part of the snapshot (readSmart() returns the
/// drive with smart, health and failure_predicted set; the caller puts it into the inventory).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/console.hpp>
#include <raidmon/context.hpp>
#include <raidmon/error.hpp>
#include <raidmon/model.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief How urgent an event is for the person reading the panel.
enum class Severity {
    /// Something changed that needs no action (a drive appeared, a rebuild progressed).
    info,
    /// Redundancy is reduced or a drive shows early failure signs: act soon.
    warning,
    /// Data is at risk now (a failed drive, an array without redundancy or failed): act now.
    critical,
};

/// @brief "info", "warning", "critical".
std::string_view toString(Severity s) noexcept;

/// @brief The prefix of every event type.
inline constexpr std::string_view kEventTypePrefix = "io.raidmon.";

/// @brief One event, before it is wrapped in a CloudEvents envelope.
struct Event {
    std::string id;       ///< UUID (RFC 4122 version 4); set by stampEvent()
    std::string type;     ///< full type, e.g. "io.raidmon.drive.removed"
    std::string subject;  ///< the entity: "drive/<Drive::id>", "array/<Array::id>", "controller/<id>", "host"
    std::chrono::system_clock::time_point time{};  ///< set by stampEvent()
    Severity severity = Severity::info;
    std::string message;     ///< one sentence for a person, naming the bay and the array where known
    std::string entityJson;  ///< snapshot of the entity (one-line JSON of json.hpp), empty if none
    std::string recommendationJson;  ///< toJson(RebuildResult) where an array degrades, else empty
    /// More members of the envelope's "data" (a one-line JSON object, e.g. console.attached's
    /// {"verification_code": "..."}); empty if none. Never replaces severity, message, host,
    /// entity or recommendation.
    std::string extraDataJson;
};

/// @brief A network interface's hardware address (the host's primary MACs, for the panel).
struct NetInterface {
    std::string name;  ///< "eno1"
    std::string mac;   ///< "ac:1f:6b:4c:01:42"
};

/// @brief Who sends the events: the host and its primary MAC addresses.
struct HostIdentity {
    Host host;
    std::vector<NetInterface> interfaces;  ///< physical interfaces only (those with a device link)
    /// The console devices attached now (raidmond keeps them; readHostIdentity() leaves it empty).
    std::vector<ConsoleDevice> consoles;
};

/// @brief Read the host's identity: readHost(), the BMC's LAN address (readBmc()) and the MACs
/// of physical interfaces under Paths::sys/class/net (virtual ones, bridges, bonds and loopback
/// are skipped).
/// @return the identity; never fails (unreadable parts stay empty).
HostIdentity readHostIdentity(const Context& ctx);

/// @brief Has this drive failed? The kernel, md or the controller failed it or took it offline,
/// or it is Critical for a reason other than its own prediction. A drive that still works but
/// whose SMART says it will fail (NVMe critical warning, smartctl "FAILED") has not: it is
/// `failurePredicted`, and is swapped while the array still has it.
bool isFailedDrive(const Drive& d);

/// @brief Options of diffInventories().
struct DiffOptions {
    /// Emit array.rebuild_progress each time a running rebuild crosses a multiple of this many
    /// percent. Must be > 0.
    double progressStepPercent = 5.0;
    /// Evaluate the rebuild model (evaluateRebuild) when an array degrades.
    bool recommendation = true;
};

/// @brief The events that take `before` to `after` (pure; no I/O; id and time left empty).
///
/// Drives are matched by Drive::id, never by kernel name: a replacement that reuses "sdc" is a
/// drive.removed and a drive.added. Arrays by Array::id, controllers by Controller::id. Events
/// come in a stable order: drives removed, drives added, drive changes, arrays, controllers.
/// @param[in] before the previous snapshot (empty Inventory at start: only problems are reported)
/// @param[in] after the new snapshot
/// @param[in] opts options
/// @return the events in the order they should be delivered.
std::vector<Event> diffInventories(const Inventory& before, const Inventory& after, const DiffOptions& opts = {});

/// @brief The events that describe problems already present in a first snapshot (failed drives,
/// degraded or failed arrays, running rebuilds, unhealthy controllers), so a freshly started
/// agent reports them once.
std::vector<Event> initialEvents(const Inventory& inv, const DiffOptions& opts = {});

/// @brief io.raidmon.host.heartbeat with the overall health and counts.
Event makeHeartbeat(const Inventory& inv);

/// @brief io.raidmon.agent.started with the agent's version.
Event makeAgentStarted(const Inventory& inv, std::string_view version);

/// @brief A new random UUID (version 4), from the operating system's random source.
std::string newEventId();

/// @brief Set the id (a new UUID unless already set) and the time (clock.now() unless already
/// set: raidmond stamps an event with the time its uevent was received).
void stampEvent(Event& ev, const Clock& clock);

/// @brief True for events that may be dropped when the outbox is full: heartbeats and rebuild
/// progress. Failures and state changes are never droppable.
bool isDroppable(const Event& ev) noexcept;

/// @brief The CloudEvents 1.0 JSON envelope (one line): specversion, id, source
/// ("raidmond://<machine-id>", the hostname if there is no machine-id), type, time (RFC 3339,
/// UTC, milliseconds), subject, datacontenttype, the "sequence" extension when `sequence` is
/// given, and data {severity, message, host, entity, recommendation}.
std::string toCloudEvent(const Event& ev, const HostIdentity& id, std::optional<std::uint64_t> sequence = std::nullopt);

/// @brief Options of EventFilter.
struct RateLimitOptions {
    std::chrono::seconds window{60};  ///< the sliding window per entity and type
    int maxPerWindow = 6;             ///< events of one type for one entity admitted per window
    /// A rebuild_progress event for an array is admitted at most this often.
    std::chrono::seconds progressInterval{10};
};

/// @brief Debounces flapping entities and rate-limits per entity. Critical events, failures and
/// removals are always admitted; a drive whose health flips back and forth is reported
/// `maxPerWindow` times a window and then suppressed (counted) until the window slides.
///
/// The panel never keeps a stale state because of it: the last event held back for an entity
/// is released (release()) once the window has room again, unless a newer event for that entity
/// was admitted in between (which then is the entity's current state).
class EventFilter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    explicit EventFilter(RateLimitOptions opts = {});
    /// @brief Should `ev` be delivered, at monotonic time `now`? An event held back is kept as
    /// its entity's pending event (the newest one wins).
    bool admit(const Event& ev, TimePoint now);
    /// @brief The pending events whose window has room again at `now`, admitted now, each with
    /// "(N similar events held back by the rate limit)" added to its message. Their id and time
    /// are those they had when they were held back.
    std::vector<Event> release(TimePoint now);
    /// @brief When release() may next have something, if anything is pending.
    [[nodiscard]] std::optional<TimePoint> nextRelease() const;
    /// @brief How many events were suppressed so far.
    [[nodiscard]] std::uint64_t suppressed() const noexcept { return suppressed_; }

private:
    struct Pending {
        Event event;
        std::uint64_t held = 0;  ///< events of this entity held back since its last admitted one
    };
    [[nodiscard]] std::chrono::steady_clock::duration windowOf(const std::string& type) const;
    [[nodiscard]] std::size_t limitOf(const std::string& type) const;
    /// Room in the window of (type, subject) at `now`: taken (the time recorded) or not.
    bool take(const std::string& type, const std::string& subject, TimePoint now);
    RateLimitOptions opts_;
    std::map<std::string, std::vector<TimePoint>, std::less<>> recent_;
    std::map<std::string, Pending, std::less<>> pending_;  ///< by subject
    std::uint64_t suppressed_ = 0;
};

} // namespace raidmon
RAIDMON_API_END
