// SPDX-License-Identifier: LGPL-2.1-or-later
// The agent's surfaces to clients it does not trust, over real sockets on loopback and a real
// file system: the /metrics HTTP parser and content negotiation, the control request parser and
// the peer check, the servers' bounds (slow, silent, oversized and flooding clients), the file
// sink cut short by a full file system, and the webhook's bounded answer (docs/security.md).
#define BOOST_TEST_MODULE agent_servers
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/control_proto.hpp"
#include "daemon/http.hpp"
#include "daemon/peer.hpp"
#include "daemon/servers.hpp"
#include "daemon/sinks.hpp"
#include "temp_dir.hpp"

using namespace raidmon;
using namespace raidmon::agent;
namespace fs = std::filesystem;
namespace bdata = boost::unit_test::data;
namespace utf = boost::unit_test;
using namespace std::chrono_literals;
using raidmon::test::TempDir;

namespace {

struct Root {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        const bool root = ::geteuid() == 0;
        boost::test_tools::assertion_result r(root);
        r.message() << "needs root (a client process switched to the user nobody): run the unit tier as root";
        return r;
    }
};

/// Drive a server's poll loop for a while (as the agent's run loop does).
void pump(LineServer& s, std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        std::vector<pollfd> fds;
        s.addFds(fds);
        ::poll(fds.data(), fds.size(), 10);
        s.handle(fds, 0);
    }
}

int connectTcp(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Everything the server sends until it closes (the server runs in `pump` meanwhile).
std::string readAll(int fd, LineServer& s, std::chrono::milliseconds d = 2000ms) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        pump(s, 5ms);
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) break;
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

bool closedByServer(int fd) {
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

} // namespace

// ------------------------------------------------------------------------------------ HTTP

BOOST_AUTO_TEST_CASE(http_request_heads_parse_strictly) {
    auto r = parseHttpRequest("GET /metrics?x=1 HTTP/1.1\r\nHost: localhost:9598\r\nAccept:  text/plain;version=0.0.4 \r\nUser-Agent: t");
    BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    BOOST_TEST(r->method == "GET");
    BOOST_TEST(r->target == "/metrics");
    BOOST_TEST(r->query == "x=1");
    BOOST_TEST(r->minorVersion == 1);
    BOOST_REQUIRE(r->header("accept"));
    BOOST_TEST(*r->header("accept") == "text/plain;version=0.0.4");
    BOOST_TEST(!r->header("cookie"));
    // Bare LF line ends (RFC 9112, 2.2) and HTTP/1.0 without Host.
    BOOST_TEST(parseHttpRequest("GET /metrics HTTP/1.0\nAccept: */*").has_value());
    BOOST_TEST(parseHttpRequest("\r\nGET /metrics HTTP/1.0").has_value());  // an empty line first is ignored
}

struct BadHead {
    const char* head;
    const char* status;
};
std::ostream& operator<<(std::ostream& os, const BadHead& b) { return os << b.head; }

const BadHead badHeads[] = {
    {"", "400"},
    {"GET", "400"},
    {"GET /metrics", "400"},
    {"GET  /metrics HTTP/1.1\r\nHost: x", "400"},       // two spaces
    {"GET /metrics HTTP/1.1 x\r\nHost: x", "400"},
    {"G\x01T /metrics HTTP/1.1\r\nHost: x", "400"},
    {"GET metrics HTTP/1.1\r\nHost: x", "400"},         // not origin-form
    {"GET http://x/metrics HTTP/1.1\r\nHost: x", "400"},
    {"GET /met\x7fics HTTP/1.1\r\nHost: x", "400"},
    {"GET /metrics HTTP/2.0\r\nHost: x", "505"},
    {"GET /metrics HTTP/1.10\r\nHost: x", "400"},
    {"GET /metrics HTTP/1.1", "400"},                   // no Host
    {"GET /metrics HTTP/1.1\r\nHost : x", "400"},       // space before the colon
    {"GET /metrics HTTP/1.1\r\nHost: x\r\n folded", "400"},
    {"GET /metrics HTTP/1.1\r\nHost: x\r\nNoColon", "400"},
    {"GET /metrics HTTP/1.1\r\nHost: x\rInjected: y", "400"},
    {"GET /metrics HTTP/1.1\r\nHost: x\r\nX: a\x01z", "400"},
    {"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nX: y", "400"},
};

BOOST_DATA_TEST_CASE(malformed_heads_are_refused_with_a_status, bdata::make(badHeads), b) {
    auto r = parseHttpRequest(b.head);
    BOOST_REQUIRE(!r);
    BOOST_TEST(!r.error().message.empty());
    BOOST_TEST(httpStatusFor(r.error(), "").substr(0, 3) == b.status, r.error().message);
}

BOOST_AUTO_TEST_CASE(heads_beyond_the_limits_are_refused) {
    std::string many = "GET /metrics HTTP/1.1\r\nHost: x";
    for (int i = 0; i < 64; ++i) many += "\r\nX-" + std::to_string(i) + ": y";
    auto r = parseHttpRequest(many);
    BOOST_REQUIRE(!r);
    BOOST_TEST(httpStatusFor(r.error(), "") == "431 Request Header Fields Too Large");
    r = parseHttpRequest("GET /" + std::string(3000, 'a') + " HTTP/1.1\r\nHost: x");
    BOOST_REQUIRE(!r);
    BOOST_TEST(httpStatusFor(r.error(), "") == "414 URI Too Long");
    r = parseHttpRequest("GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + std::string(9000, 'a'));
    BOOST_REQUIRE(!r);
    BOOST_TEST(httpStatusFor(r.error(), "") == "431 Request Header Fields Too Large");
}

BOOST_AUTO_TEST_CASE(the_accept_header_picks_the_format) {
    auto pick = [](const char* a) {
        const std::string s = a;
        return negotiateMetricsFormat(&s);
    };
    BOOST_TEST((negotiateMetricsFormat(nullptr) == MetricsFormat::prometheusText));
    // What Prometheus 2.x sends.
    BOOST_TEST((pick("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == MetricsFormat::openMetrics));
    BOOST_TEST((pick("text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == MetricsFormat::prometheusText));
    BOOST_TEST((pick("application/openmetrics-text; version=1.0.0; q=0.2, text/plain; q=0.9") == MetricsFormat::prometheusText));
    BOOST_TEST((pick("application/openmetrics-text;q=0") == MetricsFormat::prometheusText));
    BOOST_TEST((pick("application/openmetrics-text;version=0.0.1") == MetricsFormat::prometheusText));  // a version we do not write
    BOOST_TEST((pick("APPLICATION/OpenMetrics-Text") == MetricsFormat::openMetrics));
    BOOST_TEST((pick("application/openmetrics-text;q=abc") == MetricsFormat::prometheusText));
    BOOST_TEST((pick("*/*") == MetricsFormat::prometheusText));
    BOOST_TEST(contentType(MetricsFormat::prometheusText) == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(contentType(MetricsFormat::openMetrics) == "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

// ------------------------------------------------------------------------- control protocol

BOOST_AUTO_TEST_CASE(control_requests_parse_and_say_whether_they_change_state) {
    using K = ControlRequest::Kind;
    auto r = parseControlRequest("EVENTS AFTER 42");
    BOOST_REQUIRE(r);
    BOOST_TEST((r->kind == K::eventsAfter));
    BOOST_TEST(r->number == 42u);
    r = parseControlRequest("HOTSWAP CANCEL 1a2b3c4d  wrong   bay\r");
    BOOST_REQUIRE(r);
    BOOST_TEST((r->kind == K::hotswapCancel));
    BOOST_TEST(r->subject == "1a2b3c4d");
    BOOST_TEST(r->reason == "wrong bay");
    BOOST_TEST(changesState(K::hotswapOpen));
    BOOST_TEST(changesState(K::hotswapConfirm));
    BOOST_TEST(changesState(K::hotswapCancel));
    BOOST_TEST(!changesState(K::hotswapList));
    BOOST_TEST(!changesState(K::hotswapWorkorder));
    BOOST_TEST(!changesState(K::watch));
    BOOST_TEST(!changesState(K::eventsSince));
    for (const char* bad : {"", "EVENTS", "EVENTS AFTER", "EVENTS AFTER -1", "EVENTS AFTER 1 2", "EVENTS BEFORE 1", "WATCH NOW",
                            "HOTSWAP", "HOTSWAP LIST x", "HOTSWAP OPEN", "HOTSWAP OPEN a b", "HOTSWAP REBOOT x", "hotswap list",
                            "HOTSWAP OPEN sd\x1b[2Jc", "EVENTS SINCE 99999999999999999999"}) {
        auto b = parseControlRequest(bad);
        BOOST_TEST_INFO(bad);
        BOOST_TEST(!b.has_value());
        if (!b) BOOST_TEST(!b.error().message.empty());
    }
    BOOST_TEST(!parseControlRequest("HOTSWAP OPEN " + std::string(300, 'x')));
}

BOOST_AUTO_TEST_CASE(who_may_do_what) {
    AccessPolicy p;
    p.self = 0;
    PeerCredentials root, nobody;
    nobody.uid = 65534;
    nobody.gid = 65534;
    BOOST_TEST((accessOf(p, root) == Access::change));
    BOOST_TEST((accessOf(p, nobody) == Access::none));
    p.everyoneReads = true;
    BOOST_TEST((accessOf(p, nobody) == Access::read));
    p.controlGroup = 4242;
    BOOST_TEST((accessOf(p, nobody) == Access::read));
    nobody.groups = {100, 4242};  // a supplementary member
    BOOST_TEST((accessOf(p, nobody) == Access::change));
    PeerCredentials agentUser;
    agentUser.uid = 990;
    p.self = 990;
    BOOST_TEST((accessOf(p, agentUser) == Access::change));
    BOOST_TEST(groupId("0").value() == 0u);
    BOOST_TEST(groupId("root").value() == 0u);
    BOOST_TEST(groupId("no-such-group-raidmon").error().is(errc::not_found));
}

BOOST_AUTO_TEST_CASE(the_kernel_names_the_peer_of_a_unix_socket, *utf::precondition(Root())) {
    // A client switched to nobody: the server sees uid 65534, whatever the client says.
    TempDir t;
    const auto path = t.path / "s.sock";
    LineServer s;
    std::optional<PeerCredentials> seen;
    UnixSocketOptions uo;
    uo.mode = 0666;
    BOOST_REQUIRE(::chmod(t.path.c_str(), 0755) == 0);
    BOOST_REQUIRE(s.listenUnix(path, [&](const LineServer::Request& q, bool&) {
        if (q.peer) seen = *q.peer;
        return std::string("OK\n");
    }, uo));
    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) ::_exit(3);
        const char req[] = "WATCH uid=0\n";
        (void)!::write(fd, req, sizeof req - 1);
        char buf[16];
        (void)!::read(fd, buf, sizeof buf);
        ::_exit(0);
    }
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!seen && std::chrono::steady_clock::now() < end) pump(s, 10ms);
    int st = 0;
    ::waitpid(child, &st, 0);
    BOOST_TEST(WEXITSTATUS(st) == 0);
    BOOST_REQUIRE(seen);
    BOOST_TEST(seen->uid == 65534u);
    BOOST_TEST(seen->gid == 65534u);
}

// --------------------------------------------------------------------------- server bounds

BOOST_AUTO_TEST_CASE(a_flood_of_silent_and_slow_connections_does_not_keep_a_scrape_out) {
    LineServer s;
    ServerLimits l;
    l.maxClients = 32;
    l.requestTimeout = 500ms;
    int answered = 0;
    BOOST_REQUIRE(s.listenTcp("127.0.0.1:0", [&](const LineServer::Request&, bool&) {
        ++answered;
        return httpResponse("200 OK", "text/plain", "up 1\n");
    }, true, l));
    // 200 connections that say nothing or dribble a header, far more than the server keeps.
    std::vector<int> hostile;
    for (int i = 0; i < 200; ++i) {
        int fd = connectTcp(s.port());
        BOOST_REQUIRE(fd >= 0);
        if (i % 2) (void)!::write(fd, "GET /metr", 9);
        hostile.push_back(fd);
        if (i % 20 == 0) pump(s, 1ms);
    }
    pump(s, 20ms);
    BOOST_TEST(s.clients() <= l.maxClients);
    BOOST_TEST(s.stats().evicted >= 200u - l.maxClients);
    // A scrape still gets its answer.
    int fd = connectTcp(s.port());
    const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    (void)!::write(fd, req.data(), req.size());
    const std::string a = readAll(fd, s);
    BOOST_TEST(a.find("HTTP/1.1 200 OK") == 0u, a);
    BOOST_TEST(a.find("up 1\n") != std::string::npos);
    ::close(fd);
    // The rest run out of time: nothing is kept past its deadline.
    pump(s, 700ms);
    BOOST_TEST(s.clients() == 0u);
    BOOST_TEST(s.stats().timedOut > 0u);
    for (int h : hostile) ::close(h);
}

BOOST_AUTO_TEST_CASE(an_oversized_request_is_answered_431_and_closed) {
    LineServer s;
    int answered = 0;
    BOOST_REQUIRE(s.listenTcp("127.0.0.1:0", [&](const LineServer::Request&, bool&) {
        ++answered;
        return std::string("HTTP/1.1 200 OK\r\n\r\n");
    }, true));
    int fd = connectTcp(s.port());
    const std::string junk(20000, 'A');
    (void)!::write(fd, junk.data(), junk.size());
    const std::string a = readAll(fd, s);
    BOOST_TEST(a.find("HTTP/1.1 431") == 0u, a.substr(0, 80));
    BOOST_TEST(answered == 0);
    BOOST_TEST(s.stats().tooLarge == 1u);
    ::close(fd);
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_read_its_answer_does_not_stall_the_loop) {
    // A large answer to a client that never reads: written as the socket takes it, the loop goes
    // on serving others, and the reader-that-never-reads is dropped after answerTimeout.
    LineServer s;
    ServerLimits l;
    l.answerTimeout = 300ms;
    const std::string big(8u << 20, 'x');
    BOOST_REQUIRE(s.listenTcp("127.0.0.1:0", [&](const LineServer::Request&, bool&) { return big; }, false, l));
    int stuck = connectTcp(s.port());
    int rcv = 4096;
    ::setsockopt(stuck, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    (void)!::write(stuck, "GIVE\n", 5);
    const auto t0 = std::chrono::steady_clock::now();
    pump(s, 50ms);
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1s));  // handle() never blocked on it
    int other = connectTcp(s.port());
    (void)!::write(other, "GIVE\n", 5);
    std::string got;
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (got.size() < big.size() && std::chrono::steady_clock::now() < end) {
        pump(s, 1ms);
        char buf[65536];
        for (ssize_t n; (n = ::recv(other, buf, sizeof buf, MSG_DONTWAIT)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    }
    BOOST_TEST(got.size() == big.size());
    pump(s, 600ms);
    BOOST_TEST(s.stats().timedOut >= 1u);
    BOOST_TEST((closedByServer(stuck) || s.clients() == 0u));
    ::close(stuck);
    ::close(other);
}

BOOST_AUTO_TEST_CASE(a_live_control_socket_is_not_taken_over) {
    TempDir t;
    const auto path = t.path / "raidmond.sock";
    LineServer first;
    BOOST_REQUIRE(first.listenUnix(path, [](const LineServer::Request&, bool&) { return std::string("OK\n"); }));
    {
        LineServer second;
        auto r = second.listenUnix(path, [](const LineServer::Request&, bool&) { return std::string("OK\n"); });
        BOOST_REQUIRE(!r);
        BOOST_TEST(r.error().is(errc::refused));
        BOOST_TEST(r.error().message.find("answers on this socket") != std::string::npos, r.error().message);
    }
    BOOST_TEST(fs::is_socket(path));  // the second did not delete the first's socket on its way out
    // A file that is not a socket is not replaced either.
    std::ofstream(t.path / "plain") << "x";
    LineServer third;
    auto r = third.listenUnix(t.path / "plain", [](const LineServer::Request&, bool&) { return std::string(); });
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.find("is not a socket") != std::string::npos);
}

// ------------------------------------------------------------------------------- file sink

BOOST_AUTO_TEST_CASE(the_file_sink_never_leaves_half_a_line) {
    // RLIMIT_FSIZE stops a write part-way through a line, like a file system filling up:
    // write(2) writes up to the limit and the next write fails (EFBIG; SIGXFSZ ignored).
    TempDir t;
    const auto file = t.path / "events.jsonl";
    SinkConfig cfg;
    cfg.type = "file";
    cfg.name = "file-1";
    cfg.path = file.string();
    HostIdentity host;
    auto sink = makeSink(cfg, host);
    BOOST_REQUIRE(sink);
    std::vector<StoredEvent> evs;
    for (int i = 1; i <= 3; ++i) evs.push_back({static_cast<std::uint64_t>(i), "id" + std::to_string(i), "t", 1, 0,
                                                "{\"sequence\":\"" + std::to_string(i) + "\",\"pad\":\"" + std::string(100, 'p') + "\"}"});
    auto d = (*sink)->deliver(std::span<const StoredEvent>(evs.data(), 1));
    BOOST_REQUIRE(d.delivered == 1u);
    const auto oneLine = fs::file_size(file);
    auto old = std::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    ::getrlimit(RLIMIT_FSIZE, &saved);
    rlimit lim = saved;
    lim.rlim_cur = oneLine + 50;  // the second line does not fit
    ::setrlimit(RLIMIT_FSIZE, &lim);
    d = (*sink)->deliver(std::span<const StoredEvent>(evs.data() + 1, 2));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old);
    BOOST_TEST(d.delivered == 0u);
    BOOST_REQUIRE(d.error);
    BOOST_TEST(d.error->message.find(file.string()) != std::string::npos);
    BOOST_TEST(fs::file_size(file) == oneLine);  // cut back to the last whole line
    // Space again: the retry appends whole lines, each event once.
    d = (*sink)->deliver(std::span<const StoredEvent>(evs.data() + 1, 2));
    BOOST_TEST(d.delivered == 2u);
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    BOOST_REQUIRE(lines.size() == 3u);
    for (int i = 0; i < 3; ++i) BOOST_TEST(lines[i] == evs[i].body);
}

BOOST_AUTO_TEST_CASE(a_partial_line_left_by_a_crash_is_cut_off_on_open) {
    TempDir t;
    const auto file = t.path / "events.jsonl";
    std::ofstream(file) << "{\"sequence\":\"1\"}\n{\"sequence\":\"2\",\"tru";
    SinkConfig cfg;
    cfg.type = "file";
    cfg.name = "file-1";
    cfg.path = file.string();
    auto sink = makeSink(cfg, HostIdentity{});
    BOOST_REQUIRE(sink);
    std::vector<StoredEvent> evs = {{2, "id2", "t", 1, 0, "{\"sequence\":\"2\",\"truncated\":false}"}};
    auto d = (*sink)->deliver(evs);
    BOOST_TEST(d.delivered == 1u);
    BOOST_REQUIRE(d.notes.size() == 1u);
    BOOST_TEST(d.notes[0].find("cut off a partial last line") != std::string::npos, d.notes[0]);
    std::ifstream in(file);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    BOOST_TEST(all == "{\"sequence\":\"1\"}\n{\"sequence\":\"2\",\"truncated\":false}\n");
}

// --------------------------------------------------------------------------------- webhook

BOOST_AUTO_TEST_CASE(a_receivers_answer_is_bounded_and_shown_printable) {
    WebhookAnswer a;
    const std::string chunk(16 * 1024, 'z');
    std::size_t taken = 0;
    for (int i = 0; i < 8; ++i) taken += a.take(chunk.data(), chunk.size());
    BOOST_TEST(taken == WebhookAnswer::kMaxBody);  // the fifth chunk is refused: curl stops there
    BOOST_TEST(a.text.size() == WebhookAnswer::kKept);
    SinkConfig cfg;
    cfg.name = "webhook-1";
    cfg.url = "https://panel.example.net/hook";
    WebhookAnswer evil;
    const std::string body = "\x1b]0;pwned\x07nope\r\nSet-Cookie: x";
    evil.take(body.data(), body.size());
    auto e = webhookOutcome(cfg, 500, evil);
    BOOST_REQUIRE(e);
    BOOST_TEST(e->message.find('\x1b') == std::string::npos);
    BOOST_TEST(e->message.find('\n') == std::string::npos);
    BOOST_TEST(e->message.find("HTTP 500") != std::string::npos);
    auto r = webhookOutcome(cfg, 302, WebhookAnswer{});
    BOOST_REQUIRE(r);
    BOOST_TEST(r->message.find("a redirect: not followed") != std::string::npos);
    BOOST_TEST(!webhookOutcome(cfg, 204, WebhookAnswer{}));
    BOOST_TEST(!webhookOutcome(cfg, 409, WebhookAnswer{}));
}
