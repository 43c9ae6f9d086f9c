// SPDX-License-Identifier: LGPL-2.1-or-later
// The client side of raidmond's control socket (protocol: agent/daemon/servers.hpp).
#include <raidmon/agent_client.hpp>
#include <raidmon/hotswap.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/sockio.hpp"
#include "core/strutil.hpp"

namespace raidmon {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

Result<int> connectTo(const std::filesystem::path& socket) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (socket.native().size() >= sizeof sa.sun_path) return fail(errc::invalid_argument, socket.string() + ": socket path too long");
    std::memcpy(sa.sun_path, socket.c_str(), socket.native().size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail(fromErrno(errno), socket.string() + ": " + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(e == EACCES || e == EPERM ? errc::permission_denied : errc::io_error,
                    socket.string() + ": cannot reach raidmond: " + std::strerror(e) + (e == ENOENT || e == ECONNREFUSED ? " (is it running? --state-dir?)" : ""));
    }
    return fd;
}

/// Read lines until `onLine` returns false or the peer closes.
Result<void> readLines(int fd, const std::filesystem::path& socket, const std::function<bool(std::string_view)>& onLine) {
    std::string buf;
    char chunk[65536];
    for (;;) {
        std::size_t pos;
        while ((pos = buf.find('\n')) != std::string::npos) {
            if (!onLine(std::string_view(buf).substr(0, pos))) return {};
            buf.erase(0, pos + 1);
        }
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(fromErrno(errno), socket.string() + ": " + std::strerror(errno));
        if (n == 0) return fail(errc::io_error, socket.string() + ": raidmond closed the connection");
        buf.append(chunk, static_cast<std::size_t>(n));
        if (buf.size() > (64u << 20)) return fail(errc::parse_error, socket.string() + ": a line longer than 64 MiB");
    }
}

} // namespace

// Defined here, with the client: libraidmon declares it (agent_client.hpp) and the CLI and the
// bindings, which link only libraidmon, need it as much as the agent does.
std::filesystem::path defaultControlSocket(const std::filesystem::path& stateDir) { return stateDir / "raidmond.sock"; }

Result<std::vector<std::string>> askAgent(const std::filesystem::path& socket, std::string_view request) {
    if (request.find('\n') != std::string_view::npos) return fail(errc::invalid_argument, "askAgent: a request is one line");
    auto fd = connectTo(socket);
    if (!fd) return tl::unexpected(fd.error());
    Fd guard(*fd);
    if (!detail::sendAll(*fd, std::string(request) + "\n")) return fail(errc::io_error, socket.string() + ": cannot send: " + std::strerror(errno));
    std::vector<std::string> out;
    bool first = true, ended = false;
    std::optional<Error> err;
    auto r = readLines(*fd, socket, [&](std::string_view line) {
        if (first) {
            first = false;
            if (line != "OK") {
                const bool notFound = detail::startsWith(line, "ERROR not found");
                const bool denied = detail::startsWith(line, "ERROR permission denied");
                err = Error(notFound ? errc::not_found : denied ? errc::permission_denied : errc::command_failed,
                            socket.string() + ": raidmond: " + detail::printable(line));
                return false;
            }
            return true;
        }
        if (line == "END") {
            ended = true;
            return false;
        }
        out.emplace_back(line);
        return true;
    });
    if (err) return tl::unexpected(*err);
    if (!ended) return tl::unexpected(r ? Error(errc::parse_error, socket.string() + ": answer ended early") : r.error());
    return out;
}

Result<std::vector<std::string>> queryEvents(const std::filesystem::path& socket, std::optional<std::uint64_t> afterSeq,
                                             std::optional<std::chrono::system_clock::time_point> since) {
    return askAgent(socket, since ? "EVENTS SINCE " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(since->time_since_epoch()).count())
                                  : "EVENTS AFTER " + std::to_string(afterSeq.value_or(0)));
}

Result<void> watchEvents(const std::filesystem::path& socket, const std::function<bool(std::string_view)>& onEvent) {
    auto w = EventWatch::open(socket);
    if (!w) return tl::unexpected(w.error());
    for (;;) {
        auto line = (*w)->wait(std::chrono::milliseconds(-1));
        if (!line) return tl::unexpected(line.error());
        if (*line && !onEvent(**line)) return {};
    }
}

Result<EventCursor> parseEventSince(std::string_view s, std::chrono::system_clock::time_point now) {
    EventCursor c;
    if (s.empty()) return c;
    const auto bad = [&] {
        return fail(errc::invalid_argument, "--since " + detail::printable(s) +
                                                ": not a sequence number, a time (2026-11-25T02:20:00Z) or an age (10m)");
    };
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits == s.size()) {
        auto v = detail::parseInt<std::uint64_t>(s);
        if (!v) return bad();
        c.afterSeq = *v;
        return c;
    }
    if (digits > 0 && digits + 1 == s.size()) {
        const char unit = s[digits];
        if (unit != 's' && unit != 'm' && unit != 'h' && unit != 'd') return bad();
        auto v = detail::parseInt<std::uint64_t>(s.substr(0, digits));
        const std::uint64_t mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
        // An age past the epoch is "everything": clamp rather than overflow.
        constexpr std::uint64_t kMaxSeconds = 100ull * 365 * 86400;
        if (!v || *v > kMaxSeconds / mult) return bad();
        c.since = now - std::chrono::seconds(static_cast<std::int64_t>(*v * mult));
        return c;
    }
    std::tm tm{};
    const std::string text(s);
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || (*end != '\0' && std::string_view(end) != "Z")) return bad();
    c.since = std::chrono::system_clock::from_time_t(timegm(&tm));
    return c;
}

struct EventWatch::Impl {
    std::filesystem::path socket;
    int fd = -1;
    std::string buf;
    bool greeted = false;
    ~Impl() {
        if (fd >= 0) ::close(fd);
    }
};

EventWatch::EventWatch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventWatch::~EventWatch() = default;

Result<std::unique_ptr<EventWatch>> EventWatch::open(const std::filesystem::path& socket) {
    auto fd = connectTo(socket);
    if (!fd) return tl::unexpected(fd.error());
    auto impl = std::make_unique<Impl>();
    impl->socket = socket;
    impl->fd = *fd;
    if (!detail::sendAll(*fd, "WATCH\n")) return fail(errc::io_error, socket.string() + ": cannot send: " + std::strerror(errno));
    const int flags = ::fcntl(*fd, F_GETFL);
    if (flags < 0 || ::fcntl(*fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return fail(errc::io_error, socket.string() + ": " + std::strerror(errno));
    return std::unique_ptr<EventWatch>(new EventWatch(std::move(impl)));
}

int EventWatch::fd() const noexcept { return impl_->fd; }

Result<std::optional<std::string>> EventWatch::next() {
    Impl& w = *impl_;
    for (;;) {
        std::size_t pos;
        while ((pos = w.buf.find('\n')) != std::string::npos) {
            std::string line = w.buf.substr(0, pos);
            w.buf.erase(0, pos + 1);
            if (!w.greeted) {
                if (line != "OK")
                    return fail(detail::startsWith(line, "ERROR permission denied") ? errc::permission_denied : errc::command_failed,
                                w.socket.string() + ": raidmond: " + detail::printable(line));
                w.greeted = true;
                continue;
            }
            return std::optional<std::string>(std::move(line));
        }
        char chunk[65536];
        const ssize_t n = ::read(w.fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::optional<std::string>();
        if (n < 0) return fail(fromErrno(errno), w.socket.string() + ": " + std::strerror(errno));
        if (n == 0) return fail(errc::io_error, w.socket.string() + ": raidmond closed the connection");
        w.buf.append(chunk, static_cast<std::size_t>(n));
        if (w.buf.size() > (64u << 20)) return fail(errc::parse_error, w.socket.string() + ": a line longer than 64 MiB");
    }
}

Result<std::optional<std::string>> EventWatch::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto line = next();
        if (!line || *line) return line;
        int ms = -1;
        if (timeout.count() >= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return line;
            ms = static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
        }
        pollfd p{impl_->fd, POLLIN, 0};
        if (::poll(&p, 1, ms) < 0 && errno != EINTR)
            return fail(fromErrno(errno), impl_->socket.string() + ": poll: " + std::strerror(errno));
    }
}

Result<std::vector<Incident>> askAgentIncidents(const std::filesystem::path& socket) {
    auto lines = askAgent(socket, "HOTSWAP LIST");
    if (!lines) return tl::unexpected(lines.error());
    std::vector<Incident> out;
    for (const auto& l : *lines) {
        auto i = incidentFromJson(l);
        if (!i) return fail(errc::parse_error, socket.string() + ": raidmond sent an incident raidmon cannot read: " + i.error().message);
        out.push_back(std::move(*i));
    }
    return out;
}

} // namespace raidmon
