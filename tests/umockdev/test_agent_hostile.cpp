// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond and raidmon — the real binaries, in umockdev testbeds — against a hostile host
// (docs/security.md): links planted in the state directory, a local user who is not root on the
// control socket, a thousand garbage and slow connections on /metrics, a second agent on the same
// state directory, sinks removed from the configuration, URLs that only look like loopback.
// The tests run as root; the "local user" is a child process switched to nobody (uid 65534).
#define BOOST_TEST_MODULE agent_hostile
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_harness.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using raidmon::test::TempDir;
using namespace raidmon::test::agent;
using namespace std::chrono_literals;

namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

/// Send one request to the control socket from a child process running as uid/gid (no
/// supplementary groups) and return what the agent answered, or "connect: <why>".
std::string askAs(uid_t uid, gid_t gid, const fs::path& socket, const std::string& request) {
    int pipefd[2];
    BOOST_REQUIRE(::pipe(pipefd) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipefd[0]);
        auto say = [&](const std::string& s) {
            (void)!::write(pipefd[1], s.data(), s.size());
            ::_exit(0);
        };
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) say("setuid failed");
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, socket.c_str(), sizeof sa.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) say(std::string("connect: ") + std::strerror(errno));
        const std::string line = request + "\n";
        (void)!::write(fd, line.data(), line.size());
        timeval tv{20, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string got;
        char buf[4096];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
        say(got);
    }
    ::close(pipefd[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(pipefd[0]);
    ::waitpid(child, nullptr, 0);
    return out;
}

/// One scrape of /metrics with a deadline; "" if it got no complete answer.
std::string scrape(int port, const std::string& accept = "", std::chrono::seconds timeout = 10s) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string page;
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (accept.empty() ? "" : "Accept: " + accept + "\r\n") + "\r\n";
        (void)!::write(s, req.data(), req.size());
        char buf[65536];
        for (ssize_t n; (n = ::read(s, buf, sizeof buf)) > 0;) page.append(buf, static_cast<std::size_t>(n));
    }
    ::close(s);
    return page;
}

/// A PCIe slot's attention indicator as the kernel shows it (0 off, 1 on, 2 blinking).
std::string attention(const fs::path& file) {
    const std::string v = slurp(file);
    return v.substr(0, v.find_last_not_of(" \n") + 1);
}

/// A config for the agent: the quiet [agent] section, `agentExtra` in it, then `rest`.
void writeConfig(const fs::path& cfg, const std::string& agentExtra, const std::string& rest) {
    std::ofstream(cfg) << kQuiet << agentExtra << "\n" << rest;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_symlink_planted_in_the_state_directory_is_refused) {
    // A state directory where someone left links to a file root must not overwrite (here a
    // stand-in for /etc/shadow): `raidmon locate` (root) refuses, names the link, writes nothing.
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    const auto state = t.path / "state";
    fs::create_directories(state);
    const auto victim = t.path / "shadow";
    std::ofstream(victim) << "root:$6$precious:19000:0:99999:7:::\n";
    fs::create_symlink(victim, state / "leds.json");
    const fs::path att0 = tb.root() / "sys/bus/pci/slots/0/attention";
    const std::string r = tb.root().string();
    const std::vector<std::string> locate = {RAIDMON_CLI, "locate", "nvme0n1", "on", "--for", "1m", "--state-dir", state.string(),
                                             "--proc", r + "/proc", "--etc", r + "/etc", "--no-device-io"};
    auto on = tb.run(locate);
    BOOST_TEST(on.exitStatus != 0, on.out << on.err);
    BOOST_TEST(on.err.find("leds.json: is a symbolic link: not followed") != std::string::npos, on.err);
    BOOST_TEST(slurp(victim) == "root:$6$precious:19000:0:99999:7:::\n");
    BOOST_TEST(attention(att0) == "0");  // the light was not touched either
    // The lock file, planted as a link instead: refused the same way.
    fs::remove(state / "leds.json");
    fs::remove(state / "leds.lock");
    fs::create_symlink(victim, state / "leds.lock");
    on = tb.run(locate);
    BOOST_TEST(on.exitStatus != 0);
    BOOST_TEST(on.err.find("leds.lock: is a symbolic link") != std::string::npos, on.err);
    BOOST_TEST(slurp(victim) == "root:$6$precious:19000:0:99999:7:::\n");
    // A state directory anyone can write: refused by the CLI and by raidmond, naming it.
    fs::remove(state / "leds.lock");
    fs::permissions(state, fs::perms::all);
    auto listing = [&] {
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(state)) names.insert(e.path().filename().string());
        return names;
    };
    const auto before = listing();
    on = tb.run(locate);
    BOOST_TEST(on.exitStatus != 0);
    BOOST_TEST(on.err.find(state.string() + " is writable by group or others") != std::string::npos, on.err);
    const auto cfg = t.path / "raidmond.toml";
    writeConfig(cfg, "", "");
    auto agent = tb.run(agentArgs(cfg, state, tb), 30s);
    BOOST_TEST(agent.exitStatus == 74, agent.err);
    BOOST_TEST(agent.err.find(state.string() + " is writable by group or others") != std::string::npos, agent.err);
    BOOST_TEST((listing() == before));  // no outbox, no socket, no lock file made there
    // Once it is the owner's alone, the same command works.
    fs::permissions(state, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                               fs::perms::others_exec);
    on = tb.run(locate);
    BOOST_TEST(on.exitStatus == 0, on.err);
    BOOST_TEST(attention(att0) != "0");
}

BOOST_AUTO_TEST_CASE(a_local_user_who_is_not_root_cannot_change_a_light_through_the_control_socket) {
    // The socket is made connectable by everyone (control_socket_mode = "0666") so that the check
    // that matters is the agent's, on the kernel's word (SO_PEERCRED): nobody may read events, but
    // not open an incident (which lights the bay), confirm or cancel one.
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    const auto state = t.path / "state";
    const auto cfg = t.path / "raidmond.toml";
    const auto events = t.path / "events.jsonl";
    const fs::path att0 = tb.root() / "sys/bus/pci/slots/0/attention";
    writeConfig(cfg, "control_socket_mode = \"0666\"\n", "[[sink]]\ntype = \"file\"\npath = \"" + events.string() + "\"\n");
    {
        Child agent(agentArgs(cfg, state, tb), t.path / "agent.log");
        waitControl(state);
        waitEvents(events, [](const auto& e) { return countType(e, "agent.started") >= 1; });
        const auto sock = state / "raidmond.sock";
        BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
        const std::string read = askAs(kNobody, kNogroup, sock, "EVENTS AFTER 0");
        BOOST_TEST(read.rfind("OK\n", 0) == 0u, read.substr(0, 200));
        BOOST_TEST(read.find("io.raidmon.agent.started") != std::string::npos);
        for (const char* req : {"HOTSWAP OPEN nvme0n1", "HOTSWAP CANCEL nvme0n1", "HOTSWAP CONFIRM nvme0n1"}) {
            const std::string a = askAs(kNobody, kNogroup, sock, req);
            BOOST_TEST_INFO(req);
            BOOST_TEST(a.rfind("ERROR permission denied: this request changes state: only root may send it", 0) == 0u, a);
        }
        BOOST_TEST(attention(att0) == "0");  // the bay stays dark
        BOOST_TEST(askAs(kNobody, kNogroup, sock, "HOTSWAP LIST") == "OK\nEND\n");  // and no incident was opened
        BOOST_TEST(slurp(t.path / "agent.log").find("control socket: refused peer=\"uid 65534 gid 65534") != std::string::npos);
        // root may.
        const std::string opened = askAs(0, 0, sock, "HOTSWAP OPEN nvme0n1");
        BOOST_TEST(opened.rfind("OK\n", 0) == 0u, opened);
        BOOST_TEST(attention(att0) != "0");
        BOOST_TEST(askAs(0, 0, sock, "HOTSWAP CANCEL nvme0n1 test").rfind("OK\n", 0) == 0u);
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    BOOST_TEST(attention(att0) == "0");
    // Without control_socket_mode the socket is root's alone: nobody cannot even connect.
    writeConfig(cfg, "", "");
    {
        Child agent(agentArgs(cfg, state, tb), t.path / "agent2.log");
        waitControl(state);
        BOOST_TEST(askAs(kNobody, kNogroup, state / "raidmond.sock", "EVENTS AFTER 0") == "connect: Permission denied");
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    // A member of control_group may change state (here nobody's own group, nogroup).
    writeConfig(cfg, "control_group = \"nogroup\"\n", "");
    {
        Child agent(agentArgs(cfg, state, tb), t.path / "agent3.log");
        waitControl(state);
        struct stat st{};
        BOOST_REQUIRE(::stat((state / "raidmond.sock").c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 0777) == 0660u);
        BOOST_TEST(st.st_gid == kNogroup);
        BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent3.log"));
        const std::string opened = askAs(kNobody, kNogroup, state / "raidmond.sock", "HOTSWAP OPEN nvme0n1");
        BOOST_TEST(opened.rfind("OK\n", 0) == 0u, opened);
        BOOST_TEST(attention(att0) != "0");
        BOOST_TEST(askAs(kNobody, kNogroup, state / "raidmond.sock", "HOTSWAP CANCEL nvme0n1").rfind("OK\n", 0) == 0u);
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
}

BOOST_AUTO_TEST_CASE(metrics_survive_a_thousand_garbage_and_slow_connections) {
    // 1000 connections at once: silent ones, slow ones dribbling a header a byte at a time,
    // garbage, oversized junk, and a churn of new ones during the scrapes. Every scrape is
    // answered, in the format its Accept header asks for.
    rlimit nofile{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = std::min<rlim_t>(nofile.rlim_max, 8192);
    ::setrlimit(RLIMIT_NOFILE, &nofile);
    BOOST_TEST_REQUIRE(nofile.rlim_cur >= 1200u, "RLIMIT_NOFILE too low for 1000 client sockets: " << nofile.rlim_cur);

    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const int port = freePort();
    const auto cfg = t.path / "raidmond.toml";
    writeConfig(cfg, "", "[metrics]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n");
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    waitControl(t.path / "state");
    std::string first;
    for (int i = 0; i < 100 && first.find("raidmon_host_health") == std::string::npos; ++i) {
        std::this_thread::sleep_for(50ms);
        first = scrape(port);
    }
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(first.find("HTTP/1.1 200 OK") == 0u);

    auto open = [&]() {
        int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        (void)::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);  // EINPROGRESS: fine
        return s;
    };
    std::mt19937 rng(12);
    std::vector<int> silent, slow, garbage;
    for (int i = 0; i < 1000; ++i) {
        const int s = open();
        switch (i % 4) {
        case 0: silent.push_back(s); break;
        case 1: slow.push_back(s); break;
        case 2: garbage.push_back(s); break;
        case 3: garbage.push_back(s); break;
        }
    }
    std::this_thread::sleep_for(100ms);  // connected (loopback)
    for (std::size_t i = 0; i < garbage.size(); ++i) {
        std::string junk(i % 2 ? 64 * 1024 : 512, '\0');
        for (auto& c : junk) c = static_cast<char>(rng());
        if (i % 3 == 0) junk = "GET /metrics HTTP/1.1\r\nHost: x\r\n" + std::string(20000, 'X');  // never ends its head
        (void)!::send(garbage[i], junk.data(), junk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    std::atomic<bool> done{false};
    std::atomic<int> churned{0};
    std::thread dribble([&] {
        const std::string head = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        std::size_t k = 0;
        while (!done) {
            for (int s : slow) (void)!::send(s, &head[k % head.size()], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            ++k;
            // and a churn of new garbage connections, opened and left
            for (int j = 0; j < 20; ++j) {
                const int s = open();
                (void)!::send(s, "\x16\x03\x01\x02\x00", 5, MSG_NOSIGNAL | MSG_DONTWAIT);  // a TLS hello to a plain server
                ::close(s);
                ++churned;
            }
            std::this_thread::sleep_for(100ms);
        }
    });
    int answered = 0, openMetrics = 0, text = 0;
    std::vector<double> ms;
    for (int i = 0; i < 20; ++i) {
        const bool om = i % 2;
        const auto t0 = std::chrono::steady_clock::now();
        const std::string page = scrape(port, om ? "application/openmetrics-text;version=1.0.0,text/plain;q=0.5" : "");
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (page.find("HTTP/1.1 200 OK") == 0 && page.find("raidmon_host_health 2\n") != std::string::npos) ++answered;
        if (om && page.find("Content-Type: application/openmetrics-text; version=1.0.0") != std::string::npos &&
            page.size() > 6 && page.substr(page.size() - 6) == "# EOF\n")
            ++openMetrics;
        if (!om && page.find("Content-Type: text/plain; version=0.0.4") != std::string::npos && page.find("# EOF") == std::string::npos)
            ++text;
        std::this_thread::sleep_for(50ms);
    }
    done = true;
    dribble.join();
    BOOST_TEST(answered == 20);
    BOOST_TEST(openMetrics == 10);
    BOOST_TEST(text == 10);
    std::sort(ms.begin(), ms.end());
    const std::string after = scrape(port);
    auto counter = [&](const std::string& name) {
        const auto p = after.find("\n" + name + " ");
        return p == std::string::npos ? std::string("?") : after.substr(p + name.size() + 2, after.find('\n', p + 1) - p - name.size() - 2);
    };
    // Figures for docs/security.md and PERFORMANCE.md (informational: nothing here is timed).
    BOOST_TEST_MESSAGE("metrics under a flood: 1000 hostile connections + " << churned.load() << " churned; scrapes answered " << answered
                                                                            << "/20, median " << ms[ms.size() / 2] << " ms, max " << ms.back()
                                                                            << " ms; evicted " << counter("raidmon_agent_metrics_clients_evicted_total")
                                                                            << ", rejected " << counter("raidmon_agent_metrics_clients_rejected_total"));
    BOOST_TEST(after.find("raidmon_agent_metrics_clients_evicted_total") != std::string::npos);
    BOOST_TEST(after.find("raidmon_agent_metrics_clients_evicted_total 0\n") == std::string::npos, "no eviction counted?");
    BOOST_TEST(agent.running());
    for (auto* v : {&silent, &slow, &garbage})
        for (int s : *v) ::close(s);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(a_second_agent_on_the_same_state_directory_exits_and_leaves_the_first_reachable) {
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    const auto state = t.path / "state";
    const auto cfg = t.path / "raidmond.toml";
    writeConfig(cfg, "", "");
    Child first(agentArgs(cfg, state, tb), t.path / "first.log");
    waitControl(state);
    BOOST_REQUIRE(fs::exists(state / "raidmond.sock"));
    auto second = tb.run(agentArgs(cfg, state, tb), 30s);
    BOOST_TEST(second.exitStatus == 74, second.err);
    BOOST_TEST(second.err.find("another raidmond (pid ") != std::string::npos, second.err);
    BOOST_TEST(second.err.find("is running on state directory " + state.string()) != std::string::npos, second.err);
    // The first still answers on its socket, which the second neither took nor deleted.
    BOOST_TEST(fs::is_socket(state / "raidmond.sock"));
    auto ev = tb.run({RAIDMON_CLI, "events", "--state-dir", state.string(), "--json"});
    BOOST_TEST(ev.exitStatus == 0, ev.err);
    BOOST_TEST(ev.out.find("io.raidmon.agent.started") != std::string::npos);
    // Another state directory but the same control socket: refused too, the socket left alone.
    const auto cfg2 = t.path / "second.toml";
    writeConfig(cfg2, "control_socket = \"" + (state / "raidmond.sock").string() + "\"\n", "");
    second = tb.run(agentArgs(cfg2, t.path / "state2", tb), 30s);
    BOOST_TEST(second.exitStatus == 74, second.err);
    BOOST_TEST(second.err.find("answers on this socket") != std::string::npos, second.err);
    ev = tb.run({RAIDMON_CLI, "events", "--state-dir", state.string(), "--json"});
    BOOST_TEST(ev.exitStatus == 0, ev.err);
    BOOST_TEST(first.stop(SIGTERM) == 0);
    BOOST_TEST(!fs::exists(state / "raidmond.sock"));  // removed by its owner on the way out
}

BOOST_AUTO_TEST_CASE(the_cursor_of_a_removed_sink_is_dropped_at_start) {
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    const auto state = t.path / "state";
    const auto cfg = t.path / "raidmond.toml";
    const auto a = t.path / "a.jsonl";
    // "b" can never deliver (its directory does not exist): its cursor stays at the start.
    writeConfig(cfg, "", "[[sink]]\ntype = \"file\"\nname = \"a\"\npath = \"" + a.string() + "\"\n" + "[[sink]]\ntype = \"file\"\nname = \"b\"\npath = \"" +
                             (t.path / "missing/b.jsonl").string() + "\"\n");
    {
        Child agent(agentArgs(cfg, state, tb), t.path / "agent1.log");
        waitEvents(a, [](const auto& e) { return countType(e, "agent.started") >= 1; });
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    writeConfig(cfg, "", "[[sink]]\ntype = \"file\"\nname = \"a\"\npath = \"" + a.string() + "\"\n");
    {
        Child agent(agentArgs(cfg, state, tb), t.path / "agent2.log");
        auto evs = waitEvents(a, [](const auto& e) { return countType(e, "agent.started") >= 2; });
        BOOST_TEST(countType(evs, "agent.started") == 2u);
        expectInSequence(evs);  // the remaining sink lost nothing
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    const std::string log = slurp(t.path / "agent2.log");
    BOOST_TEST(log.find("outbox: dropped the cursor of sink=b, which is no longer configured cursor=0 undelivered=") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(urls_that_only_look_like_loopback_fail_check_config) {
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    struct Case {
        const char* sink;
        const char* key;
    };
    const Case cases[] = {
        {"type = \"webhook\"\nurl = \"http://127.0.0.1@evil.example/\"\ntoken_file = \"/etc/raidmon/panel.token\"\n", "key 'sink[1].url'"},
        {"type = \"webhook\"\nurl = \"http://localhost.evil.example/\"\n", "key 'sink[1].url'"},
        {"type = \"mqtt\"\nhost = \"broker.example.net\"\nusername = \"u\"\npassword_file = \"/etc/raidmon/mqtt.pw\"\n",
         "key 'sink[1].password_file'"},
    };
    for (const auto& c : cases) {
        std::ofstream(t.path / "c.toml") << "[[sink]]\n" << c.sink;
        auto r = tb.run({RAIDMOND, "--check-config", (t.path / "c.toml").string()});
        BOOST_TEST_INFO(c.sink);
        BOOST_TEST(r.exitStatus == 78, r.out << r.err);
        BOOST_TEST(r.err.find(c.key) != std::string::npos, r.err);
    }
    std::ofstream(t.path / "m.toml") << "[metrics]\nlisten = \"0.0.0.0:9598\"\n";
    auto r = tb.run({RAIDMOND, "--check-config", (t.path / "m.toml").string()});
    BOOST_TEST(r.exitStatus == 78);
    BOOST_TEST(r.err.find("metrics.allow_remote = true") != std::string::npos, r.err);
    std::ofstream(t.path / "g.toml") << "[agent]\ncontrol_group = \"no-such-group-raidmon\"\n";
    r = tb.run({RAIDMOND, "--check-config", (t.path / "g.toml").string()});
    BOOST_TEST(r.exitStatus == 78);
    BOOST_TEST(r.err.find("key 'agent.control_group': no group 'no-such-group-raidmon'") != std::string::npos, r.err);
}
