// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The agent's two small servers, driven by its poll loop: the Prometheus /metrics endpoint
// (HTTP/1.1, one request per connection) and the control socket (unix, line protocol).
//
// Control protocol (one request line, then the answer; the client closes or the server does):
//   "EVENTS AFTER <seq>\n"     stored events with seq > <seq>, one JSON line each, then "END\n"
//   "EVENTS SINCE <ms>\n"      stored events at or after <ms> since the epoch, then "END\n"
//   "WATCH\n"                  every new event as it is committed, until the client goes away

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <poll.h>

#include <raidmon/error.hpp>

#include "core/sockio.hpp"

namespace raidmon::agent {

/// A listening socket plus its clients, each with a request buffer and a deadline.
class LineServer {
public:
    /// What to do with a complete request (the text up to the first "\n" or "\r\n\r\n").
    /// Return the answer; `keep` true keeps the connection as a subscriber.
    using Handler = std::function<std::string(const std::string& request, bool& keep)>;

    LineServer() = default;
    LineServer(const LineServer&) = delete;
    LineServer& operator=(const LineServer&) = delete;
    ~LineServer();

    /// Listen on TCP "ADDRESS:PORT" (numeric IPv4, [IPv6], or localhost).
    Result<void> listenTcp(const std::string& address, Handler h, bool http);
    /// Listen on a unix socket (mode 0600; a stale socket file is replaced).
    Result<void> listenUnix(const std::filesystem::path& path, Handler h);

    /// Append this server's fds to a poll set.
    void addFds(std::vector<pollfd>& fds) const;
    /// Handle what poll reported for fds[from, from + n).
    void handle(const std::vector<pollfd>& fds, std::size_t from);
    /// Number of fds addFds() adds.
    [[nodiscard]] std::size_t fdCount() const noexcept;
    /// Send a line to every subscriber; drop subscribers that cannot keep up.
    void broadcast(const std::string& line);
    /// The bound TCP port (after listenTcp with port 0), else 0.
    [[nodiscard]] int port() const noexcept { return port_; }

private:
    struct Client {
        int fd = -1;
        std::string buf;
        bool subscriber = false;
        bool dead = false;  ///< a broadcast failed: closed by the next handle()
        std::chrono::steady_clock::time_point deadline;
    };
    void accept();
    void closeClient(std::size_t i);

    int listen_ = -1;
    bool http_ = false;
    int port_ = 0;
    std::filesystem::path unixPath_;
    Handler handler_;
    std::vector<Client> clients_;
};

/// Write all of `s` to a blocking socket with a send timeout; false on error or timeout.
using detail::sendAll;

} // namespace raidmon::agent
