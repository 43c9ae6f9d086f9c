// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sockio.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace raidmon::detail {

bool sendAll(int fd, std::string_view s) {
    while (!s.empty()) {
        const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace raidmon::detail
