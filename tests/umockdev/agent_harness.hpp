// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What the tests that run raidmond inside a testbed share: the child process, reading the file
// sink's events, waiting for them, the agent's command line.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "testbed.hpp"

namespace raidmon::test::agent {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

/// A child process with its stderr in a file; killed (SIGKILL) if still running at the end.
class Child {
public:
    Child(std::vector<std::string> argv, const fs::path& errFile) {
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                ::dup2(fd, 2);
                ::dup2(fd, 1);
            }
            std::vector<char*> a;
            for (auto& s : argv) a.push_back(s.data());
            a.push_back(nullptr);
            ::execv(a[0], a.data());
            ::_exit(127);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    /// Send a signal and reap; the exit status (128+signal when killed).
    int stop(int sig) {
        ::kill(pid_, sig);
        int st = 0;
        ::waitpid(pid_, &st, 0);
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] bool running() const {
        int st = 0;
        return pid_ > 0 && ::waitpid(pid_, &st, WNOHANG) == 0;
    }

private:
    pid_t pid_ = -1;
};

using raidmon::test::slurp;

/// The events of a file sink's file. Only whole lines: the sink may be writing the last one while
/// this reads (a read racing a write sees part of it), so text after the last newline waits for
/// the next read. A whole line that is not JSON fails the test: the sink never writes one.
inline std::vector<Json> readEvents(const fs::path& file) {
    std::vector<Json> out;
    std::string text = slurp(file);
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        Json j = Json::parse(line, nullptr, false);
        BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << line.substr(0, 200));
        out.push_back(std::move(j));
    }
    return out;
}

/// Wait until `pred` holds over the events in `file`.
template <typename Pred>
std::vector<Json> waitEvents(const fs::path& file, Pred pred, std::chrono::milliseconds timeout = 15s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    std::vector<Json> evs;
    while (std::chrono::steady_clock::now() < end) {
        evs = fs::exists(file) ? readEvents(file) : std::vector<Json>{};
        if (pred(evs)) return evs;
        std::this_thread::sleep_for(20ms);
    }
    return evs;
}

/// The shared objects a process has mapped whose file name contains `part` (from /proc/PID/maps).
inline std::set<std::string> mappedLibraries(pid_t pid, std::string_view part) {
    std::set<std::string> out;
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    for (std::string line; std::getline(maps, line);) {
        const auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        const std::string file = line.substr(slash);
        if (fs::path(file).filename().string().find(part) != std::string::npos) out.insert(file);
    }
    return out;
}

inline std::size_t countType(const std::vector<Json>& evs, const std::string& type) {
    std::size_t n = 0;
    for (const auto& e : evs) n += e["type"] == "io.raidmon." + type ? 1 : 0;
    return n;
}

inline const Json* findEvent(const std::vector<Json>& evs, const std::string& type, const std::string& subjectPart = "") {
    for (const auto& e : evs)
        if (e["type"] == "io.raidmon." + type && e["subject"].get<std::string>().find(subjectPart) != std::string::npos) return &e;
    return nullptr;
}

inline std::string syspathOf(const Testbed& tb, const std::string& blockName) {
    auto link = tb.root() / "sys" / "block" / blockName;
    return "/sys" + fs::canonical(link).string().substr((tb.root() / "sys").string().size());
}

/// A test's agent never writes this machine's /run/issue.d nor runs its agetty: a config without a
/// [console] table of its own gets one that keeps no issue file (identity.json stays in the state
/// directory). Appended at the end, where a new table is always valid TOML.
/// The kernel boot id the agent reads in the testbed (/proc/sys/kernel/random/boot_id): a new one
/// is a reboot to it.
inline void setBootId(const Testbed& tb, const std::string& id) {
    const auto file = tb.root() / "proc" / "sys" / "kernel" / "random" / "boot_id";
    fs::create_directories(file.parent_path());
    std::ofstream(file) << id << "\n";
}

inline void keepConsoleInTest(const fs::path& config) {
    std::ifstream in(config);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("[console]") != std::string::npos) return;
    std::ofstream(config, std::ios::app) << "\n[console]\nissue_file = \"\"\nagetty_reload = false\n";
}

inline std::vector<std::string> agentArgs(const fs::path& config, const fs::path& state, const Testbed& tb) {
    keepConsoleInTest(config);
    const std::string r = tb.root().string();
    return {RAIDMOND, "--config", config.string(), "--state-dir", state.string(), "--proc", r + "/proc", "--etc", r + "/etc",
            "--no-device-io"};
}

using raidmon::test::freePort;  // testbed.hpp

/// An [agent] section for tests: no heartbeat, no SMART or controller polls, no rate limits.
inline constexpr const char* kQuiet = R"(
[agent]
heartbeat = 0
md_poll = "200ms"
smart_interval = 0
controller_interval = 0
rate_limit_max = 1000
progress_interval = 0
)";

/// The MQTT tests need the real broker (tools/deps.sh installs it): its absence is a failure, not a skip.
inline void requireBroker() {
    BOOST_TEST_REQUIRE(fs::exists("/usr/sbin/mosquitto"), "mosquitto (the broker) is not installed: bash tools/deps.sh installs it");
}

/// The CloudEvents `sequence` of outbox number `n`: zero-padded to 20 digits (docs/agent.md).
inline std::string sequenceString(std::uint64_t n) {
    std::string s = std::to_string(n);
    return std::string(20 - s.size(), '0') + s;
}

/// Delivered in order, nothing missing: the outbox sequence counts 1, 2, 3, ... through `evs`.
inline void expectInSequence(const std::vector<Json>& evs) {
    for (std::size_t i = 0; i < evs.size(); ++i) BOOST_TEST(evs[i]["sequence"] == sequenceString(i + 1));
}

/// Run a command (an argument vector, no shell) with its output discarded; its exit status.
inline int runCommand(std::vector<std::string> argv) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        std::vector<char*> a;
        for (auto& s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        ::execvp(a[0], a.data());
        ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/// A small tmpfs mounted at `dir` for the test's life: a real file system that fills up. The tests
/// run as root; where the mount is refused the test fails, loudly (it would prove nothing).
class Tmpfs {
public:
    Tmpfs(const fs::path& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir);
        const int rc = runCommand({"mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "raidmon-test", dir.string()});
        BOOST_TEST_REQUIRE(rc == 0, "cannot mount a tmpfs on " << dir.string() << " (exit " << rc
                                                               << "): this test needs root and mount(8); it cannot pass without them");
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;
    ~Tmpfs() { (void)runCommand({"umount", "-l", dir_.string()}); }

    /// Fill it: a file grown until the file system refuses more.
    void fill(const fs::path& file) const {
        int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        BOOST_TEST_REQUIRE(fd >= 0);
        const std::string block(4096, 'x');
        while (::write(fd, block.data(), block.size()) > 0) {
        }
        const std::string one(1, 'x');
        while (::write(fd, one.data(), 1) > 0) {
        }
        ::close(fd);
    }

private:
    fs::path dir_;
};

/// Wait until the agent answers on its control socket (it then has scanned and committed its
/// start events).
/// Wait until the agent's control socket accepts connections. Not merely until the file exists:
/// the agent binds (the file appears, mode 0600), then sets its group and mode, then listens; a
/// connection succeeds only after all three.
inline void waitControl(const fs::path& state) {
    const std::string path = (state / "raidmond.sock").string();
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof sa.sun_path) return;
    std::copy(path.begin(), path.end(), sa.sun_path);
    for (int i = 0; i < 500; ++i) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool up = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
        if (fd >= 0) ::close(fd);
        if (up) return;
        std::this_thread::sleep_for(10ms);
    }
}

} // namespace raidmon::test::agent
