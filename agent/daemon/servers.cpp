// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/servers.hpp"

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

constexpr std::size_t kMaxRequest = 8192;
constexpr auto kClientTimeout = std::chrono::seconds(5);

Error sysError(const std::string& what) { return Error(fromErrno(errno), what + ": " + std::strerror(errno)); }

} // namespace

LineServer::~LineServer() {
    for (auto& c : clients_) ::close(c.fd);
    if (listen_ >= 0) ::close(listen_);
    if (!unixPath_.empty()) ::unlink(unixPath_.c_str());
}

Result<void> LineServer::listenTcp(const std::string& address, Handler h, bool http) {
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
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 16) != 0) {
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
    return {};
}

Result<void> LineServer::listenUnix(const std::filesystem::path& path, Handler h) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof sa.sun_path) return fail(errc::invalid_argument, path.string() + ": socket path too long");
    std::memcpy(sa.sun_path, path.c_str(), path.native().size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return tl::unexpected(sysError(path.string() + ": socket"));
    ::unlink(path.c_str());  // a socket left by a killed agent
    const mode_t old = ::umask(0177);
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::umask(old);
    if (rc != 0 || ::listen(fd, 16) != 0) {
        auto e = sysError(path.string() + ": cannot listen");
        ::close(fd);
        return tl::unexpected(e);
    }
    listen_ = fd;
    unixPath_ = path;
    handler_ = std::move(h);
    return {};
}

std::size_t LineServer::fdCount() const noexcept { return listen_ < 0 ? 0 : 1 + clients_.size(); }

void LineServer::addFds(std::vector<pollfd>& fds) const {
    if (listen_ < 0) return;
    fds.push_back({listen_, POLLIN, 0});
    for (const auto& c : clients_) fds.push_back({c.fd, static_cast<short>(c.subscriber ? POLLRDHUP : POLLIN | POLLRDHUP), 0});
}

void LineServer::closeClient(std::size_t i) {
    ::close(clients_[i].fd);
    clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
}

void LineServer::accept() {
    for (;;) {
        int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        // Answers are written blocking but bounded: a client that does not read is dropped.
        timeval tv{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (clients_.size() >= 64) {
            ::close(fd);
            continue;
        }
        clients_.push_back({fd, {}, false, false, std::chrono::steady_clock::now() + kClientTimeout});
    }
}

void LineServer::handle(const std::vector<pollfd>& fds, std::size_t from) {
    if (listen_ < 0) return;
    const std::size_t n = clients_.size();
    const auto now = std::chrono::steady_clock::now();
    // Walk the clients backwards so closing one does not shift those not yet visited.
    for (std::size_t k = n; k-- > 0;) {
        const pollfd& p = fds[from + 1 + k];
        Client& c = clients_[k];
        if (c.dead) {
            closeClient(k);
            continue;
        }
        if (c.subscriber) {
            if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) closeClient(k);
            continue;
        }
        if (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) {
            char buf[2048];
            const ssize_t r = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
            if (r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR))) {
                closeClient(k);
                continue;
            }
            if (r > 0) c.buf.append(buf, static_cast<std::size_t>(r));
        }
        const std::string_view end = http_ ? "\r\n\r\n" : "\n";
        const auto pos = c.buf.find(end);
        if (pos == std::string::npos) {
            if (c.buf.size() > kMaxRequest || now > c.deadline) closeClient(k);
            continue;
        }
        bool keep = false;
        const std::string answer = handler_(c.buf.substr(0, pos), keep);
        if (!sendAll(c.fd, answer) || !keep) {
            closeClient(k);
            continue;
        }
        c.subscriber = true;
        c.buf.clear();
    }
    if (fds[from].revents & POLLIN) accept();
}

void LineServer::broadcast(const std::string& line) {
    for (std::size_t k = clients_.size(); k-- > 0;) {
        // Closed by handle(): the poll set built before this call still indexes this client.
        if (!clients_[k].subscriber || clients_[k].dead) continue;
        if (!sendAll(clients_[k].fd, line)) clients_[k].dead = true;
    }
}

} // namespace raidmon::agent
