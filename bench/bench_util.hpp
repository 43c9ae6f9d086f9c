// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Helpers of the process benchmarks (bench_status, bench_scale, bench_fleet): temporary
// directories, child processes, percentiles, a process's memory and CPU, a scrape of /metrics.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testbed.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace raidmon::bench {

namespace fs = std::filesystem;
using Clk = std::chrono::steady_clock;

/// A new directory under the system's temporary directory, removed by the caller.
inline fs::path makeTemp(const std::string& what) {
    std::random_device rd;
    auto p = fs::temp_directory_path() / ("raidmon-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(p);
    return p;
}

/// How a spawned process's stdout and stderr reach its log file.
enum class LogVia {
    file,  ///< the file itself (appended to)
    /// A pipe, drained into the file by a process of its own, as journald takes raidmond's stderr
    /// under systemd: the program's writes do not wait for the file system (an append to a file
    /// on ext4 may wait several ms for a journal commit under way).
    pipe,
};

/// fork + exec of argv (argv[0] a path), stdout and stderr appended to `log`; `env` entries
/// ("KEY=VALUE") set in the child first.
inline pid_t spawn(std::vector<std::string> argv, const fs::path& log, const std::vector<std::string>& env = {}, LogVia via = LogVia::file) {
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    std::vector<std::pair<std::string, std::string>> kv;
    for (const auto& e : env) kv.emplace_back(e.substr(0, e.find('=')), e.substr(e.find('=') + 1));
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out >= 0 && via == LogVia::pipe) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) == 0) {
            if (::fork() == 0) {  // the drain: ends when every writer closed the pipe
                ::close(p[1]);
                char buf[65536];
                for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR);)
                    for (ssize_t off = 0; n > 0 && off < n;) {
                        const ssize_t w = ::write(out, buf + off, static_cast<std::size_t>(n - off));
                        if (w <= 0) ::_exit(1);
                        off += w;
                    }
                ::_exit(0);
            }
            ::close(p[0]);
            ::close(out);
            out = p[1];
        }
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        for (const auto& [k, v] : kv) ::setenv(k.c_str(), v.c_str(), 1);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    if (out >= 0) ::close(out);
    return pid;
}

/// SIGTERM and wait; the exit status (128+signal when killed).
inline int stop(pid_t pid, int sig = SIGTERM) {
    ::kill(pid, sig);
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

inline off_t fileSize(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_size : 0;
}

/// Wait until `p` is larger than `from`; false after `timeout`. Polled every 50 µs, with fstat on
/// an open descriptor once the file exists (under umockdev's preload a stat by path costs several
/// system calls). Sleeping on inotify instead was tried: on this project's 2-vCPU test machines
/// waking the benchmark from an idle vCPU added up to 9 ms to some samples, a latency of the
/// observer, not of the agent.
inline bool waitGrowth(const fs::path& p, off_t from, std::chrono::milliseconds timeout) {
    const auto end = Clk::now() + timeout;
    int fd = -1;
    bool grown = false;
    while (Clk::now() < end) {
        if (fd < 0) fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if ((grown = fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size > from)) break;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    if (fd >= 0) ::close(fd);
    return grown;
}

/// Wait until `p` has not grown for `quiet`.
inline void waitQuiet(const fs::path& p, std::chrono::milliseconds quiet) {
    for (off_t last = -1; fileSize(p) != last;) {
        last = fileSize(p);
        std::this_thread::sleep_for(quiet);
    }
}

/// The q-quantile of v by nearest rank: the smallest value with at least q of the samples at or
/// below it, the ceil(q * n)-th smallest (of 100 samples: the 50th for the median, the 99th for
/// p99); 0 for an empty v.
inline double pct(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()) - 1e-9));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

inline double ms(Clk::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

/// VmRSS and VmHWM (KiB) and utime+stime (s) of a process.
struct Usage {
    long rssKiB = 0;
    long hwmKiB = 0;
    double cpuSeconds = 0;
};

inline Usage usage(pid_t pid) {
    Usage u;
    std::ifstream st("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(st, line);) {
        if (line.rfind("VmRSS:", 0) == 0) u.rssKiB = std::stol(line.substr(6));
        if (line.rfind("VmHWM:", 0) == 0) u.hwmKiB = std::stol(line.substr(6));
    }
    std::ifstream sf("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(sf)), {});
    auto close = all.rfind(')');
    if (close == std::string::npos) return u;
    std::istringstream rest(all.substr(close + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> f; ++i) {
        if (i == 14) utime = std::stol(f);
        if (i == 15) stime = std::stol(f);
    }
    u.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    return u;
}

using raidmon::test::freePort;  // tests/umockdev/testbed.hpp

/// GET /metrics from 127.0.0.1:port: the whole answer ("" if nobody answers).
inline std::string scrape(int port) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(s);
        return {};
    }
    const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    (void)!::write(s, req.data(), req.size());
    std::string body;
    char buf[65536];
    for (ssize_t n; (n = ::read(s, buf, sizeof buf)) > 0;) body.append(buf, static_cast<std::size_t>(n));
    ::close(s);
    return body;
}

/// The value of the first sample named `name` in the /metrics of 127.0.0.1:port.
inline std::optional<double> scrapeMetric(int port, const std::string& name) {
    const std::string body = scrape(port);
    for (std::size_t pos = 0; (pos = body.find("\n" + name, pos)) != std::string::npos; ++pos) {
        const std::size_t sp = pos + 1 + name.size();
        if (sp < body.size() && (body[sp] == ' ' || body[sp] == '{')) {
            const std::size_t v = body.find(' ', body[sp] == '{' ? body.find('}', sp) : sp);
            return std::stod(body.substr(v + 1));
        }
    }
    return std::nullopt;
}

/// The load averages of this machine ("0.52 0.61 0.70").
inline std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

} // namespace raidmon::bench
