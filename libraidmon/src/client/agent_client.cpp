// SPDX-License-Identifier: LGPL-2.1-or-later
// The client side of raidmond's control socket (protocol: agent/daemon/servers.hpp).
#include <raidmon/agent_client.hpp>

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/sockio.hpp"
#include "core/strutil.hpp"

namespace raidmon {

std::filesystem::path defaultControlSocket(const std::filesystem::path& stateDir) { return stateDir / "raidmond.sock"; }

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
                err = Error(notFound ? errc::not_found : errc::command_failed, socket.string() + ": raidmond: " + detail::printable(line));
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
    auto fd = connectTo(socket);
    if (!fd) return tl::unexpected(fd.error());
    Fd guard(*fd);
    if (!detail::sendAll(*fd, "WATCH\n")) return fail(errc::io_error, socket.string() + ": cannot send: " + std::strerror(errno));
    bool first = true;
    std::optional<Error> err;
    auto r = readLines(*fd, socket, [&](std::string_view line) {
        if (first) {
            first = false;
            if (line != "OK") err = Error(errc::command_failed, socket.string() + ": raidmond: " + detail::printable(line));
            return !err;
        }
        return onEvent(line);
    });
    if (err) return tl::unexpected(*err);
    return r;
}

} // namespace raidmon
