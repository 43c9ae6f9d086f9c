// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The control socket's request line (docs/agent.md, "Control socket"), parsed apart from the
// server loop so that it can be tested and fuzzed on its own, and so that whether a request
// changes state is decided in one place (the peer check, peer.hpp, asks it).

#include <cstdint>
#include <string>
#include <string_view>

#include <raidmon/error.hpp>

namespace raidmon::agent {

/// One request of the control protocol.
struct ControlRequest {
    enum class Kind {
        eventsAfter,       ///< EVENTS AFTER <seq>
        eventsSince,       ///< EVENTS SINCE <unix-ms>
        watch,             ///< WATCH
        hotswapList,       ///< HOTSWAP LIST
        hotswapWorkorder,  ///< HOTSWAP WORKORDER <incident>
        hotswapOpen,       ///< HOTSWAP OPEN <drive>: opens an incident and lights its bay
        hotswapConfirm,    ///< HOTSWAP CONFIRM <incident>: adds the replacement (mdadm --add, ...)
        hotswapCancel,     ///< HOTSWAP CANCEL <incident> [reason...]: turns its lights off
        commandRun,        ///< COMMAND RUN <jwt>: a signed command (docs/panel.md), verified and run
        commandCheck,      ///< COMMAND CHECK <jwt>: verified against the configuration, not run, not recorded
    };
    Kind kind = Kind::watch;
    std::uint64_t number = 0;  ///< the sequence number or time of EVENTS
    std::string subject;       ///< the drive or incident of HOTSWAP requests; the JWT of COMMAND
    std::string reason;        ///< CANCEL's reason, its words joined by single spaces ("" if none)
};

/// The longest drive or incident name, and reason, a request may carry.
inline constexpr std::size_t kMaxControlArgument = 256;

/// Parse one request line (without its "\n"; a trailing "\r" is allowed). Words are separated
/// by spaces or tabs; any other control character, and arguments longer than kMaxControlArgument,
/// are refused.
/// Errors: invalid_argument with the line's "ERROR" text ("unknown request 'X'", "usage: ...",
/// "not a number: 'X'").
Result<ControlRequest> parseControlRequest(std::string_view line);

/// Whether a request changes the host or the agent's state (opens, confirms or cancels an
/// incident, lights or darkens a bay, runs mdadm): only peers with Access::change may send it.
bool changesState(ControlRequest::Kind k) noexcept;

} // namespace raidmon::agent
