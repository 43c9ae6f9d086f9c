// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The agent's two small servers, driven by its poll loop: the Prometheus /metrics endpoint
// (HTTP/1.1, one request per connection) and the control socket (unix, line protocol).
//
// Control protocol (one request line, then the answer; the client closes or the server does):
//   "EVENTS AFTER <seq>\n"     stored events with seq > <seq>, one JSON line each, then "END\n"
//   "EVENTS SINCE <ms>\n"      stored events at or after <ms> since the epoch, then "END\n"
//   "WATCH\n"                  every new event as it is committed, until the client goes away
//   "HOTSWAP ..."              the hot-swap assistant (docs/agent.md, "Control socket")
//
// Both serve clients they do not trust (a local user; anything that can reach the metrics
// address), from the agent's only thread of events: nothing here may block or grow without bound.
// Every socket is non-blocking; a request must be complete within `requestTimeout` of the connect
// and at most `maxRequest` bytes long; an answer is written as the client reads it, and a client
// that stops reading for `answerTimeout` is dropped; at most `maxClients` connections are open, and
// when a new one comes the oldest that has not finished its request makes room (a flood of slow
// or silent connections cannot keep a scrape out). docs/security.md.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/types.h>

#include <raidmon/error.hpp>

#include "daemon/peer.hpp"

namespace raidmon::agent {

/// Bounds of a LineServer (see the file comment).
struct ServerLimits {
    std::size_t maxClients = 64;
    std::size_t maxRequest = 8192;
    std::chrono::milliseconds requestTimeout{5000};
    std::chrono::milliseconds answerTimeout{10000};
    std::size_t maxSubscriberBacklog = 4u << 20;  ///< unsent bytes of a WATCH client before it is dropped
    std::size_t acceptBurst = 64;                 ///< connections accepted per poll round
};

/// The unix socket's file: its mode and group.
struct UnixSocketOptions {
    unsigned mode = 0600;
    std::optional<gid_t> group;
};

/// Counters of a server, for /metrics.
struct ServerStats {
    std::uint64_t accepted = 0;
    std::uint64_t evicted = 0;   ///< closed to make room for a newer connection
    std::uint64_t timedOut = 0;  ///< request not complete in time, or answer not read
    std::uint64_t tooLarge = 0;  ///< request longer than maxRequest
};

/// A listening socket plus its clients.
class LineServer {
public:
    /// A complete request: the text up to the first "\n" (line protocol) or the blank line that
    /// ends an HTTP head ("\r\n\r\n" or "\n\n"), and, on a unix socket, who sent it.
    struct Request {
        std::string text;
        const PeerCredentials* peer = nullptr;  ///< unix sockets only; nullptr when unknown
    };
    /// What to do with a complete request. Return the answer; `keep` true keeps the connection
    /// as a subscriber (it then receives broadcast()).
    using Handler = std::function<std::string(const Request& request, bool& keep)>;

    LineServer() = default;
    LineServer(const LineServer&) = delete;
    LineServer& operator=(const LineServer&) = delete;
    ~LineServer();

    /// Listen on TCP "ADDRESS:PORT" (numeric IPv4, [IPv6], or localhost).
    /// `http`: requests end at a blank line; an overlong one is answered 431.
    /// Errors: invalid_argument (bad address), io_error/permission_denied from the socket calls.
    Result<void> listenTcp(const std::string& address, Handler h, bool http, ServerLimits limits = {});
    /// Listen on a unix socket. A socket file left by a dead agent is replaced; one another
    /// process still answers on, or a file that is not a socket, is not (refused).
    /// Errors: refused, invalid_argument (path too long), io_error/permission_denied.
    Result<void> listenUnix(const std::filesystem::path& path, Handler h, UnixSocketOptions opts = {}, ServerLimits limits = {});

    /// Append this server's fds to a poll set.
    void addFds(std::vector<pollfd>& fds) const;
    /// Handle what poll reported for fds[from, from + n); also closes clients past their deadline.
    void handle(const std::vector<pollfd>& fds, std::size_t from);
    /// The earliest client deadline, for the poll timeout.
    [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> nextDeadline() const;
    /// Queue a line for every subscriber; drop subscribers that cannot keep up.
    void broadcast(const std::string& line);
    /// The bound TCP port (after listenTcp with port 0), else 0.
    [[nodiscard]] int port() const noexcept { return port_; }
    /// Open client connections.
    [[nodiscard]] std::size_t clients() const noexcept { return clients_.size(); }
    [[nodiscard]] const ServerStats& stats() const noexcept { return stats_; }

private:
    enum class Phase { reading, writing, subscribed };
    struct Client {
        int fd = -1;
        Phase phase = Phase::reading;
        std::string in;
        std::string out;
        std::size_t sent = 0;
        bool dead = false;  ///< closed by the next handle() (the current poll set still indexes it)
        std::chrono::steady_clock::time_point since;     ///< accepted
        std::chrono::steady_clock::time_point deadline;  ///< of the request, or of the next write progress
        std::optional<PeerCredentials> peer;
    };
    void accept();
    void closeClient(std::size_t i);
    /// Read what is there, answer a complete request, write what can be written; false: close it.
    bool service(Client& c, short revents);
    bool flush(Client& c);
    bool makeRoom();

    int listen_ = -1;
    bool http_ = false;
    bool unix_ = false;
    int port_ = 0;
    std::filesystem::path unixPath_;
    dev_t unixDev_ = 0;
    ino_t unixIno_ = 0;
    Handler handler_;
    ServerLimits limits_;
    ServerStats stats_;
    std::vector<Client> clients_;
    std::chrono::steady_clock::time_point acceptPausedUntil_{};
};

} // namespace raidmon::agent
