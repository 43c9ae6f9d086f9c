// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Socket I/O shared by the control socket's client (libraidmon) and server (the agent).

#include <string_view>

namespace raidmon::detail {

/// Send all of `s` on a connected socket (EINTR retried, no SIGPIPE); false on any failure (errno set).
bool sendAll(int fd, std::string_view s);

} // namespace raidmon::detail
