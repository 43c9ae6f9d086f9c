// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <raidmon/export.hpp>

/// @file agent_client.hpp
/// @brief The client side of raidmond's control socket (docs/agent.md, "Control socket"): stored
/// events, following new ones, and the agent's requests (hot-swap incidents). A tool that only
/// reads events links nothing of the agent itself.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <raidmon/error.hpp>

RAIDMON_API_BEGIN
namespace raidmon {

/// @brief The control socket's path for a state directory (state_dir/raidmond.sock).
std::filesystem::path defaultControlSocket(const std::filesystem::path& stateDir);

/// @brief Send one request line to a running agent's control socket (docs/agent.md, "Control
/// socket") and return its answer: the lines between "OK" and "END".
/// @return the lines; io_error if the agent does not answer (naming the socket), not_found,
///         permission_denied (the agent refused this user: docs/agent.md, "Who may ask") or
///         command_failed with the agent's message if it refuses, parse_error if the answer ends early.
Result<std::vector<std::string>> askAgent(const std::filesystem::path& socket, std::string_view request);

/// @brief Ask a running agent for stored events: those after sequence number `afterSeq`, or at or
/// after `since`. Each is one CloudEvents JSON line.
/// @return the lines; io_error if the agent does not answer (naming the socket), parse_error if
///         its answer is not understood.
Result<std::vector<std::string>> queryEvents(const std::filesystem::path& socket, std::optional<std::uint64_t> afterSeq,
                                             std::optional<std::chrono::system_clock::time_point> since);

/// @brief Follow a running agent's new events; `onEvent` gets each CloudEvents JSON line and
/// returns false to stop.
/// @return success when onEvent returned false; io_error when the connection fails or closes.
Result<void> watchEvents(const std::filesystem::path& socket, const std::function<bool(std::string_view)>& onEvent);

/// @brief Where reading stored events starts: after a sequence number, or at or after a time.
struct EventCursor {
    std::optional<std::uint64_t> afterSeq;
    std::optional<std::chrono::system_clock::time_point> since;
};

/// @brief Parse what `raidmon events --since` takes: a sequence number ("42"), a time in RFC 3339
/// UTC ("2026-11-25T02:20:00Z") or an age ("90s", "10m", "2h", "1d": that long before `now`).
/// An empty text is the start of the outbox.
/// @return the cursor; invalid_argument naming the text for anything else.
Result<EventCursor> parseEventSince(std::string_view text, std::chrono::system_clock::time_point now);

/// @brief A subscription to a running agent's new events that an event loop can poll: fd() becomes
/// readable when data arrives, next() takes complete events without blocking.
/// Not thread-safe; one reader at a time.
class EventWatch {
public:
    /// @brief Connect to the control socket and ask for new events ("WATCH").
    /// @return the watch; io_error if the agent does not answer (naming the socket),
    ///         permission_denied if the socket may not be opened, invalid_argument for a path too
    ///         long for a unix socket.
    static Result<std::unique_ptr<EventWatch>> open(const std::filesystem::path& socket);
    ~EventWatch();
    EventWatch(const EventWatch&) = delete;
    EventWatch& operator=(const EventWatch&) = delete;

    /// @brief The connection's file descriptor (non-blocking), to poll for POLLIN. Owned by the watch.
    [[nodiscard]] int fd() const noexcept;
    /// @brief The next event (one CloudEvents JSON line) if one has fully arrived; reads what the
    /// socket has without blocking.
    /// @return the line, or nullopt when none is complete yet (poll fd() and call again);
    ///         command_failed with the agent's message if it refused the watch; io_error when the
    ///         agent closed the connection or reading failed; parse_error for a line over 64 MiB.
    Result<std::optional<std::string>> next();
    /// @brief next(), waiting up to `timeout` for an event (a negative timeout waits for ever).
    /// @return as next(); nullopt when the time ran out.
    Result<std::optional<std::string>> wait(std::chrono::milliseconds timeout);

private:
    struct Impl;
    explicit EventWatch(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace raidmon
RAIDMON_API_END
