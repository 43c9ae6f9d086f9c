// SPDX-License-Identifier: LGPL-2.1-or-later
#include "testbed.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <umockdev.h>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace raidmon::test {

namespace fs = std::filesystem;

Testbed::Testbed(const fs::path& dir) {
    tb_ = umockdev_testbed_new();
    // Checked after creating the testbed: umockdev 0.17 answers only then.
    if (!umockdev_in_mock_environment()) {
        g_object_unref(tb_);
        throw std::runtime_error("not running under umockdev's preload (use umockdev-wrapper): refusing to touch the real /sys and /dev");
    }
    GError* err = nullptr;
    auto desc = dir / "description.umockdev";
    if (!umockdev_testbed_add_from_file(tb_, desc.c_str(), &err)) {
        std::string msg = desc.string() + ": " + (err ? err->message : "cannot load");
        if (err) g_error_free(err);
        g_object_unref(tb_);
        throw std::runtime_error(msg);
    }
    auto extra = dir / "extra";
    if (fs::exists(extra)) fs::copy(extra, root(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

Testbed::~Testbed() {
    if (tb_) g_object_unref(tb_);
}

fs::path Testbed::root() const { return umockdev_testbed_get_root_dir(tb_); }

fs::path Testbed::defaultStateDir() const { return root() / "raidmon-state"; }

bool isRaidmonCli(const std::vector<std::string>& argv) { return !argv.empty() && fs::path(argv[0]).filename() == "raidmon"; }

bool namesStateDir(const std::vector<std::string>& argv) {
    return std::any_of(argv.begin(), argv.end(), [](const std::string& a) { return a == "--state-dir" || a.rfind("--state-dir=", 0) == 0; });
}

void Testbed::setAttribute(const std::string& syspath, const std::string& name, const std::string& value) {
    umockdev_testbed_set_attribute(tb_, syspath.c_str(), name.c_str(), value.c_str());
}

void Testbed::uevent(const std::string& syspath, const std::string& action) {
    umockdev_testbed_uevent(tb_, syspath.c_str(), action.c_str());
}

RunResult Testbed::run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                       const std::vector<std::string>& env) {
    const std::string r = root().string();
    for (auto& a : argv)
        for (auto pos = a.find("@TB@"); pos != std::string::npos; pos = a.find("@TB@", pos + r.size())) a.replace(pos, 4, r);
    if (isRaidmonCli(argv) && !namesStateDir(argv)) {
        // The CLI's default state directory is the machine's /var/lib/raidmon (status writes its
        // slot memory there when it exists): a test or benchmark gets the testbed's own.
        argv.push_back("--state-dir");
        argv.push_back(defaultStateDir().string());
    }
    // Everything the child needs is built before fork(): the testbed has a worker thread, so the
    // child may only call async-signal-safe functions.
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::vector<std::string> envStore;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto key = kv.substr(0, kv.find('=') + 1);
        bool overridden = false;
        for (const auto& o : env) overridden = overridden || o.rfind(key, 0) == 0;
        if (!overridden) envStore.push_back(std::move(kv));
    }
    for (const auto& o : env) envStore.push_back(o);
    std::vector<char*> cenv;
    for (auto& kv : envStore) cenv.push_back(kv.data());
    cenv.push_back(nullptr);
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::close(out[0]);
        ::close(err[0]);
        ::execve(cargv[0], cargv.data(), cenv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    RunResult res;
    pollfd pfd[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int open = 2;
    char buf[65536];
    bool killed = false;
    while (open > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            ::kill(pid, SIGKILL);
            killed = true;
            break;
        }
        if (::poll(pfd, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t n = ::read(pfd[i].fd, buf, sizeof buf);
            if (n > 0) (i ? res.err : res.out).append(buf, static_cast<std::size_t>(n));
            else {
                ::close(pfd[i].fd);
                pfd[i].fd = -1;
                --open;
            }
        }
    }
    for (auto& p : pfd)
        if (p.fd >= 0) ::close(p.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    res.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (killed) res.err += "\n[testbed: killed after timeout]\n";
    return res;
}

int freePort() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

fs::path testbedDir(const std::string& name) { return fs::path(RAIDMON_TESTBEDS) / name; }

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

} // namespace raidmon::test
