// SPDX-License-Identifier: LGPL-2.1-or-later
// CommandRunner over posix_spawn: pipes for stdout/stderr, a deadline, and a kill of the whole
// process group on timeout (vendor tools such as storcli fork helpers that would otherwise linger).
#include <raidmon/context.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace raidmon {
namespace {

/// Output beyond this is cut: a tool that prints without end must not exhaust memory.
constexpr std::size_t kMaxOutput = 64u << 20;

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() = default;
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
    void closeEnd(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

class ProcessRunner final : public CommandRunner {
public:
    Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds timeout) override {
        if (argv.empty() || argv[0].empty()) return fail(errc::invalid_argument, "run: empty command line");
        Pipe out, err, devnull;
        if (!out.open() || !err.open())
            return fail(errc::io_error, argv[0] + ": pipe: " + std::strerror(errno));
        int nullfd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        if (nullfd >= 0) posix_spawn_file_actions_adddup2(&fa, nullfd, 0);
        posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        // Own process group, so a timeout can kill the tool and everything it started.
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        posix_spawnattr_setpgroup(&attr, 0);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);

        std::vector<char*> cargv;
        cargv.reserve(argv.size() + 1);
        for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);

        pid_t pid = -1;
        int rc = ::posix_spawnp(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (nullfd >= 0) ::close(nullfd);
        if (rc != 0) {
            if (rc == ENOENT) return fail(errc::not_found, argv[0] + ": not found in PATH");
            if (rc == EACCES) return fail(errc::permission_denied, argv[0] + ": " + std::strerror(rc));
            return fail(errc::io_error, argv[0] + ": cannot start: " + std::strerror(rc));
        }
        out.closeEnd(1);
        err.closeEnd(1);

        CommandOutput result;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        bool timedOut = false;
        pollfd pfd[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
        int open = 2;
        char buf[65536];
        while (open > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                timedOut = true;
                break;
            }
            int n = ::poll(pfd, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
            if (n < 0) {
                if (errno == EINTR) continue;
                break;
            }
            for (int i = 0; i < 2; ++i) {
                if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                ssize_t r = ::read(pfd[i].fd, buf, sizeof buf);
                if (r > 0) {
                    std::string& dst = i == 0 ? result.out : result.err;
                    if (dst.size() < kMaxOutput) dst.append(buf, static_cast<std::size_t>(r));
                } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                    pfd[i].fd = -1;
                    --open;
                }
            }
        }
        if (timedOut) ::kill(-pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (timedOut)
            return fail(errc::command_timeout, argv[0] + ": no answer within " + std::to_string(timeout.count()) +
                                                   " ms; killed");
        if (WIFEXITED(status))
            result.exitStatus = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
            result.exitStatus = 128 + WTERMSIG(status);
        return result;
    }
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
    std::chrono::steady_clock::time_point monotonic() const override { return std::chrono::steady_clock::now(); }
};

} // namespace

std::shared_ptr<CommandRunner> makeProcessRunner() { return std::make_shared<ProcessRunner>(); }
std::shared_ptr<Clock> makeSystemClock() { return std::make_shared<SystemClock>(); }

Paths Paths::underRoot(const std::filesystem::path& root) {
    Paths p;
    p.sys = root / "sys";
    p.proc = root / "proc";
    p.dev = root / "dev";
    p.etc = root / "etc";
    p.run = root / "run";
    return p;
}

std::optional<std::string> DeviceRecord::property(std::string_view key) const {
    auto it = properties.find(key);
    if (it == properties.end()) return std::nullopt;
    return it->second;
}

Context makeSystemContext() {
    Context ctx;
    ctx.devices = makeUdevDeviceSource();
    ctx.runner = makeProcessRunner();
    ctx.clock = makeSystemClock();
    return ctx;
}

Context makeRootContext(const std::filesystem::path& root) {
    Context ctx;
    ctx.paths = Paths::underRoot(root);
    ctx.devices = makeSysfsDeviceSource(ctx.paths);
    ctx.runner = makeProcessRunner();
    ctx.clock = makeSystemClock();
    ctx.deviceIo = DeviceIo::none;
    return ctx;
}

} // namespace raidmon
