// SPDX-License-Identifier: LGPL-2.1-or-later
// Signed commands (docs/panel.md, "Commands"; figures in docs/PERFORMANCE.md, "Signed commands"):
//   verify N           JWT verifications per second in one thread: a good locate, one signed by
//                      an unknown key, and garbage (refused before any signature check)
//   locate N           raidmond in the sas12 testbed; N signed locate commands (on, off, on, ...) handed
//                      over its control socket; each is timed from the request's send to the
//                      agent's answer, which comes after the light was written and read back from
//                      the enclosure; median, p90, p99, max; every light is checked in sysfs
// Run under umockdev's preload: umockdev-wrapper build/bench/bench_commands locate 1000
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <raidmon/agent_client.hpp>

#include "daemon/commands.hpp"
#include "testbed.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clk = std::chrono::steady_clock;
using namespace raidmon::agent;

namespace {

constexpr const char* kMachineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";  // sas12's

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Key {
    std::shared_ptr<EVP_PKEY> priv;
    std::string pubPem;
    Key() {
        priv.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
        std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
        PEM_write_bio_PUBKEY(b.get(), priv.get());
        char* p = nullptr;
        const long n = BIO_get_mem_data(b.get(), &p);
        pubPem.assign(p, static_cast<std::size_t>(n));
    }
    std::string locate(const std::string& jti, const std::string& target, const std::string& state) const {
        const auto now = nowSeconds();
        JwtJson c{{"jti", jti}, {"aud", kMachineId}, {"iat", now}, {"exp", now + 300}, {"cmd", "locate"}, {"target", target}, {"state", state}};
        return signJwt(c, priv.get()).value();
    }
};

void report(const char* what, std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
    std::printf("%s: n=%zu median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", what, ms.size(), at(0.5), at(0.9), at(0.99), ms.back());
}

int verify(int n) {
    Key k, stranger;
    const std::vector<CommandKey> keys{CommandKey::fromPem(k.pubPem, "bench.pem", {"locate"}).value()};
    const std::string good = k.locate("bench-1", "Slot08", "on"), unknown = stranger.locate("bench-2", "Slot08", "on");
    const std::string garbage(2000, 'x');
    const auto now = nowSeconds();
    for (const auto& [what, jwt, expectOk] : {std::tuple{"good locate", good, true}, std::tuple{"unknown key", unknown, false},
                                                std::tuple{"garbage", garbage, false}}) {
        const auto t0 = Clk::now();
        int ok = 0;
        for (int i = 0; i < n; ++i) ok += verifyCommand(jwt, keys, kMachineId, now) ? 1 : 0;
        const double s = std::chrono::duration<double>(Clk::now() - t0).count();
        if (ok != (expectOk ? n : 0)) {
            std::fprintf(stderr, "%s: %d of %d accepted\n", what, ok, n);
            return 1;
        }
        std::printf("verify %s: %.0f verifications/s (%d in %.3f s)\n", what, n / s, n, s);
    }
    return 0;
}

std::string firstLine(const fs::path& p) {
    std::ifstream f(p);
    std::string s;
    std::getline(f, s);
    return s;
}

int locate(int n) {
    const std::string testbed = "sas12";  // its machine-id and its bay Slot08 are named above
    raidmon::test::Testbed tb(raidmon::test::testbedDir(testbed));
    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("raidmon-bench-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir);
    Key k;
    std::ofstream(dir / "panel.pem") << k.pubPem;
    std::ofstream(dir / "raidmond.toml") << "[agent]\nheartbeat = 0\nmd_poll = \"1h\"\nsmart_interval = 0\ncontroller_interval = 0\n"
                                         << "rate_limit_max = 1000000\n[console]\nissue_file = \"\"\nagetty_reload = false\n[commands]\nrate_limit_max = 100000\n"
                                         << "[[commands.key]]\nfile = \"" << (dir / "panel.pem").string() << "\"\nallow = [\"locate\"]\n"
                                         << "[[sink]]\ntype = \"file\"\npath = \"" << (dir / "events.jsonl").string() << "\"\n";
    const std::string r = tb.root().string();
    const pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open((dir / "agent.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<std::string> argv{RAIDMOND, "--config", (dir / "raidmond.toml").string(), "--state-dir", (dir / "state").string(), "--proc",
                                      r + "/proc", "--etc", r + "/etc", "--no-device-io"};
        std::vector<char*> a;
        for (auto& s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    const fs::path sock = dir / "state" / "raidmond.sock";
    // The agent's first scan, then bind, chmod, listen: wait until it answers (not for the file,
    // which exists before the socket accepts connections).
    for (int i = 0; i < 1000 && !raidmon::askAgent(sock, "HOTSWAP LIST"); ++i) std::this_thread::sleep_for(10ms);
    const fs::path light = tb.root() / "sys/class/enclosure/0:0:12:0/Slot08/locate";
    std::vector<double> ms;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; ++i) {
        const std::string state = i % 2 ? "off" : "on";
        const std::string jwt = k.locate("bench-" + std::to_string(::getpid()) + "-" + std::to_string(i), "Slot08", state);
        const auto t0 = Clk::now();
        auto ans = raidmon::askAgent(sock, "COMMAND RUN " + jwt);
        const auto t1 = Clk::now();
        if (!ans) {
            std::fprintf(stderr, "command %d: %s\n", i, ans.error().message.c_str());
            rc = 1;
            break;
        }
        if (firstLine(light) != (i % 2 ? "0" : "1")) {
            std::fprintf(stderr, "command %d: Slot08/locate reads %s\n", i, firstLine(light).c_str());
            rc = 1;
            break;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    if (rc == 0) report(("locate over the control socket, command to light read back (" + testbed + ", Slot08 on/off)").c_str(), ms);
    else std::fprintf(stderr, "agent log in %s\n", (dir / "agent.log").c_str());
    if (rc == 0) fs::remove_all(dir);
    return rc;
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "verify" && argc == 3) return verify(std::atoi(argv[2]));
    if (mode == "locate" && argc == 3) return locate(std::atoi(argv[2]));
    std::fprintf(stderr, "usage: bench_commands verify N | locate N\n");
    return 64;
}
