// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/servers.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/strutil.hpp"

namespace raidmon::agent {

namespace {

using Clk = std::chrono::steady_clock;

/// Listen backlog: a burst of connections waits in the kernel instead of being refused while the
/// loop is busy (the kernel caps it at net.core.somaxconn).
constexpr int kBacklog = 1024;
/// After accept() ran out of descriptors, wait this long before trying again (the listening
/// socket stays readable: without a pause the loop would spin).
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

Error sysError(const std::string& what) { return Error(fromErrno(errno), what + ": " + std::strerror(errno)); }

/// Where a request ends (its text is buf[0, pos)); npos while incomplete.
std::size_t requestEnd(const std::string& buf, bool http) {
    if (!http) return buf.find('\n');
    return std::min(buf.find("\r\n\r\n"), buf.find("\n\n"));
}

} // namespace

LineServer::~LineServer() {
    for (auto& c : clients_) ::close(c.fd);
    if (listen_ >= 0) ::close(listen_);
    // Only the socket this server made: another agent's, bound since, is not ours to remove.
    struct stat st{};
    if (!unixPath_.empty() && ::lstat(unixPath_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == unixDev_ && st.st_ino == unixIno_)
        ::unlink(unixPath_.c_str());
}

Result<void> LineServer::listenTcp(const std::string& address, Handler h, bool http, ServerLimits limits) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) return fail(errc::invalid_argument, "metrics.listen: " + address + ": no port");
    std::string host = address.substr(0, colon);
    const std::string port = address.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
        return fail(errc::invalid_argument, "metrics.listen: " + address + ": " + gai_strerror(rc));
    int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        ::freeaddrinfo(res);
        return tl::unexpected(sysError("metrics.listen: " + address + ": socket"));
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
        auto e = sysError("metrics.listen: " + address + ": cannot listen");
        ::freeaddrinfo(res);
        ::close(fd);
        return tl::unexpected(e);
    }
    ::freeaddrinfo(res);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
        port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    listen_ = fd;
    handler_ = std::move(h);
    http_ = http;
    limits_ = limits;
    return {};
}

Result<void> LineServer::listenUnix(const std::filesystem::path& path, Handler h, UnixSocketOptions opts, ServerLimits limits) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof sa.sun_path) return fail(errc::invalid_argument, path.string() + ": socket path too long");
    std::memcpy(sa.sun_path, path.c_str(), path.native().size());
    // A socket file left by a killed agent is replaced; anything else is not ours to remove.
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return fail(errc::refused, path.string() + ": exists and is not a socket: not replaced");
        int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
        if (probe >= 0) ::close(probe);
        if (live) return fail(errc::refused, path.string() + ": another process (a raidmond?) answers on this socket: not replaced");
        ::unlink(path.c_str());
    }
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return tl::unexpected(sysError(path.string() + ": socket"));
    const mode_t old = ::umask(0177);
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::umask(old);
    auto bad = [&](const std::string& what) {
        auto e = sysError(path.string() + ": " + what);
        ::close(fd);
        return tl::unexpected(e);
    };
    if (rc != 0) return bad("cannot bind");
    if (::lstat(path.c_str(), &st) != 0) return bad("stat");
    unixPath_ = path;  // ours from here on: removed by the destructor
    unixDev_ = st.st_dev;
    unixIno_ = st.st_ino;
    // Group first, then the mode: the socket is never open to the group before it is the right one.
    if (opts.group && ::chown(path.c_str(), static_cast<uid_t>(-1), *opts.group) != 0) return bad("chown to group " + std::to_string(*opts.group));
    if (::chmod(path.c_str(), static_cast<mode_t>(opts.mode & 0777)) != 0) return bad("chmod");
    if (::listen(fd, kBacklog) != 0) return bad("cannot listen");
    listen_ = fd;
    unix_ = true;
    handler_ = std::move(h);
    limits_ = limits;
    return {};
}

void LineServer::addFds(std::vector<pollfd>& fds) const {
    if (listen_ < 0) return;
    fds.push_back({Clk::now() < acceptPausedUntil_ ? -1 : listen_, POLLIN, 0});
    for (const auto& c : clients_) {
        short ev = POLLRDHUP;
        if (c.phase == Phase::reading) ev |= POLLIN;
        if (c.sent < c.out.size()) ev |= POLLOUT;
        fds.push_back({c.fd, ev, 0});
    }
}

std::optional<Clk::time_point> LineServer::nextDeadline() const {
    std::optional<Clk::time_point> t;
    for (const auto& c : clients_) {
        if (c.phase == Phase::subscribed && c.sent >= c.out.size()) continue;  // idle watcher: no deadline
        if (!t || c.deadline < *t) t = c.deadline;
    }
    if (listen_ >= 0 && acceptPausedUntil_ > Clk::now() && (!t || acceptPausedUntil_ < *t)) t = acceptPausedUntil_;
    return t;
}

void LineServer::closeClient(std::size_t i) {
    ::close(clients_[i].fd);
    clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
}

bool LineServer::flush(Client& c) {
    while (c.sent < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (n <= 0) return false;
        c.sent += static_cast<std::size_t>(n);
        c.deadline = Clk::now() + limits_.answerTimeout;  // progress
    }
    c.out.clear();
    c.sent = 0;
    return true;
}

bool LineServer::service(Client& c, short revents) {
    bool eof = false;
    if (c.phase == Phase::reading && (revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) {
        char buf[4096];
        for (;;) {
            const ssize_t r = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            if (r < 0) return false;  // reset
            if (r == 0) {             // the client finished sending (maybe after a whole request)
                eof = true;
                break;
            }
            c.in.append(buf, static_cast<std::size_t>(r));
            if (c.in.size() > limits_.maxRequest) break;
        }
    }
    if (c.phase == Phase::reading) {
        const auto pos = requestEnd(c.in, http_);
        if (pos == std::string::npos || pos > limits_.maxRequest) {
            if (c.in.size() <= limits_.maxRequest) return !eof;  // wait for more (until its deadline)
            // Too long: say so (best effort), then close.
            ++stats_.tooLarge;
            c.out = http_ ? "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n"
                            "Connection: close\r\n\r\nrequest too large\n"
                          : "ERROR request too long\n";
            c.in.clear();
            c.phase = Phase::writing;
            c.deadline = Clk::now() + limits_.answerTimeout;
            return flush(c) && c.sent < c.out.size();
        }
        bool keep = false;
        Request req{c.in.substr(0, pos), c.peer ? &*c.peer : nullptr};
        c.out = handler_(req, keep);
        c.sent = 0;
        c.in.clear();
        c.in.shrink_to_fit();
        c.phase = keep ? Phase::subscribed : Phase::writing;
        c.deadline = Clk::now() + limits_.answerTimeout;
    }
    if (revents & POLLERR) return false;
    if (!flush(c)) return false;
    if (c.phase == Phase::writing && c.sent >= c.out.size()) return false;  // answered: one request per connection
    if (c.phase == Phase::subscribed && (revents & POLLRDHUP)) return false;  // the watcher went away
    return true;
}

void LineServer::handle(const std::vector<pollfd>& fds, std::size_t from) {
    if (listen_ < 0) return;
    const std::size_t n = clients_.size();
    const auto now = Clk::now();
    // Walk the clients backwards so closing one does not shift those not yet visited.
    for (std::size_t k = n; k-- > 0;) {
        const pollfd& p = fds[from + 1 + k];
        Client& c = clients_[k];
        if (c.dead) {
            closeClient(k);
            continue;
        }
        if (p.revents && !service(c, p.revents)) {
            closeClient(k);
            continue;
        }
        const bool waiting = c.phase != Phase::subscribed || c.sent < c.out.size();
        if (waiting && now > c.deadline) {
            ++stats_.timedOut;
            closeClient(k);
        }
    }
    if (fds[from].fd >= 0 && (fds[from].revents & POLLIN)) accept();
}

bool LineServer::makeRoom() {
    // The oldest connection that has not finished its request: a flood of slow or silent clients
    // pushes out its own oldest members, not an answer being written or a watcher.
    auto victim = clients_.end();
    for (auto it = clients_.begin(); it != clients_.end(); ++it)
        if (it->phase == Phase::reading && !it->dead && (victim == clients_.end() || it->since < victim->since)) victim = it;
    if (victim == clients_.end()) return false;
    ++stats_.evicted;
    ::close(victim->fd);
    clients_.erase(victim);
    return true;
}

void LineServer::accept() {
    for (std::size_t i = 0; i < limits_.acceptBurst; ++i) {
        int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                makeRoom();
                acceptPausedUntil_ = Clk::now() + kAcceptPause;
            }
            return;
        }
        if (clients_.size() >= limits_.maxClients && !makeRoom()) {
            ::close(fd);
            ++stats_.evicted;
            continue;
        }
        ++stats_.accepted;
        Client c;
        c.fd = fd;
        c.since = Clk::now();
        c.deadline = c.since + limits_.requestTimeout;
        if (unix_)
            if (auto p = peerCredentials(fd)) c.peer = std::move(*p);
        clients_.push_back(std::move(c));
        // The request is often there already (a local client writes it right after connect):
        // answer it now rather than after the next round of poll.
        if (!service(clients_.back(), POLLIN)) closeClient(clients_.size() - 1);
    }
}

void LineServer::broadcast(const std::string& line) {
    for (auto& c : clients_) {
        if (c.phase != Phase::subscribed || c.dead) continue;
        if (c.out.size() - c.sent + line.size() > limits_.maxSubscriberBacklog) {
            c.dead = true;  // a watcher that does not read: `raidmon events --since` is the durable way
            continue;
        }
        if (c.sent >= c.out.size()) c.deadline = Clk::now() + limits_.answerTimeout;
        c.out += line;
        if (!flush(c)) c.dead = true;
    }
}

} // namespace raidmon::agent
