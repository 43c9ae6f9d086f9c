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
/// @return the lines; io_error if the agent does not answer (naming the socket), not_found or
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

} // namespace raidmon
RAIDMON_API_END
