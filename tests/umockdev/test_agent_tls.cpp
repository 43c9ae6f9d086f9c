// SPDX-License-Identifier: LGPL-2.1-or-later
// The agent's network sinks over TLS, against real peers of the test's own on loopback: an HTTPS
// panel (Python's ssl module) and a mosquitto broker, both requiring a client certificate, with a
// throw-away PKI (make_test_pki.sh). The agent must verify the peer (a panel whose certificate the
// configured trust anchor did not sign gets nothing), present its client certificate (mTLS), and
// lose nothing while TLS fails: what was refused is delivered, in order, once the configuration is
// right.
#define BOOST_TEST_MODULE agent_tls
#include <boost/test/unit_test.hpp>

#include <mutex>

#include <mosquitto.h>

#include "agent_harness.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using namespace raidmon::test::agent;

namespace {

/// The PKI in `dir` (ca.pem, rogue-ca.pem, server.*, client.*).
void makePki(const fs::path& dir) {
    const std::string cmd = "bash " RAIDMON_TEST_SUPPORT_DIR "/make_test_pki.sh " + dir.string() + " >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, "make_test_pki.sh failed (is openssl installed? bash tools/deps.sh)");
}

/// Wait until `file` contains `what`; its text.
std::string waitText(const fs::path& file, const std::string& what, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    std::string s;
    while (std::chrono::steady_clock::now() < end) {
        s = fs::exists(file) ? slurp(file) : "";
        if (s.find(what) != std::string::npos) break;
        std::this_thread::sleep_for(50ms);
    }
    return s;
}

/// One agent run over the testbed with the given sink, until `logLine` appears in its log; its log.
std::string runAgentUntil(Testbed& tb, const fs::path& dir, const fs::path& state, const std::string& sink,
                          const std::string& logLine) {
    const auto cfg = dir / "raidmond.toml";
    const auto log = dir / "agent.log";
    fs::remove(log);
    std::ofstream(cfg) << kQuiet << "\n" << sink;
    Child agent(agentArgs(cfg, state, tb), log);
    const std::string text = waitText(log, logLine);
    const int rc = agent.stop(SIGTERM);
    BOOST_TEST(rc == 0, "raidmond exited " << rc << "; its log:\n" << slurp(log));
    return text;
}

/// Wait until something accepts TCP connections on 127.0.0.1:port (a peer of the test's own is up).
bool waitListening(int port) {
    for (int i = 0; i < 200; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

/// The agent's first "delivery failed" line, for the test's log.
std::string failureLine(const std::string& log) {
    const auto at = log.find("delivery failed");
    return at == std::string::npos ? "" : log.substr(at, log.find('\n', at) - at);
}

/// The whole lines of a file another process is appending to (the text after the last newline is
/// still being written).
std::vector<Json> jsonLines(std::string text) {
    std::vector<Json> out;
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(Json::parse(line));
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(https_webhook_verifies_the_panel_and_presents_a_client_certificate) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const fs::path pki = t.path / "pki";
    makePki(pki);
    const int port = freePort();
    const auto received = t.path / "received.jsonl";
    // The panel: HTTPS, client certificates of its own CA required; records the peer's CN.
    std::ofstream(t.path / "panel.py") << R"(
import http.server, json, ssl, sys
port, out, pki = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cn = dict(x[0] for x in self.connection.getpeercert()["subject"]).get("commonName")
        with open(out, "a") as f: f.write(json.dumps({"cn": cn, "event": json.loads(body)}) + "\n")
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(pki + "/server.pem", pki + "/server.key")
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(pki + "/ca.pem")
srv = http.server.HTTPServer(("127.0.0.1", port), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
)";
    Child panel({"/usr/bin/python3", (t.path / "panel.py").string(), std::to_string(port), received.string(), pki.string()},
                t.path / "panel.log");
    BOOST_TEST_REQUIRE(waitListening(port), "the panel did not come up: " << slurp(t.path / "panel.log"));
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/hooks";
    auto sink = [&](const std::string& ca, bool clientCert) {
        std::string s = "[[sink]]\ntype = \"webhook\"\nurl = \"" + url + "\"\nca_file = \"" + (pki / ca).string() +
                        "\"\nretry_initial = \"100ms\"\nretry_max = \"200ms\"\ntimeout = \"2s\"\n";
        if (clientCert)
            s += "client_cert = \"" + (pki / "client.pem").string() + "\"\nclient_key = \"" + (pki / "client.key").string() + "\"\n";
        return s;
    };
    const auto state = t.path / "state";  // one outbox for the three runs: nothing refused may be lost

    // 1. The trust anchor did not sign the panel's certificate: the agent does not talk to it.
    std::string log = runAgentUntil(tb, t.path, state, sink("rogue-ca.pem", true), "delivery failed sink=webhook-1");
    BOOST_TEST(log.find("delivery failed sink=webhook-1") != std::string::npos, log);
    BOOST_TEST_MESSAGE("rogue anchor: " << failureLine(log));
    BOOST_TEST((log.find("certificate") != std::string::npos || log.find("SSL") != std::string::npos), log);
    BOOST_TEST(!fs::exists(received), slurp(received));

    // 2. The right anchor but no client certificate: the panel refuses the handshake.
    log = runAgentUntil(tb, t.path, state, sink("ca.pem", false), "delivery failed sink=webhook-1");
    BOOST_TEST_MESSAGE("no client certificate: " << failureLine(log));
    BOOST_TEST(log.find("delivery failed sink=webhook-1") != std::string::npos, log);
    BOOST_TEST(!fs::exists(received), slurp(received));

    // 3. Both right: everything of the three runs arrives, in order, from raidmond's certificate.
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n" << sink("ca.pem", true);
    Child agent(agentArgs(cfg, state, tb), t.path / "agent.log");
    std::vector<Json> got;
    for (int i = 0; i < 200; ++i) {
        got = jsonLines(fs::exists(received) ? slurp(received) : "");
        std::size_t started = 0;
        for (const auto& g : got) started += g["event"]["type"] == "io.raidmon.agent.started" ? 1 : 0;
        if (started >= 3) break;
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log") << "\npanel log: " << slurp(t.path / "panel.log"));
    BOOST_TEST_REQUIRE(got.size() >= 9u);  // agent.started, drive.failed, array.degraded, ... per run
    std::size_t started = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        BOOST_TEST(got[i]["cn"] == "raidmond-test-client");
        BOOST_TEST(got[i]["event"]["sequence"] == sequenceString(i + 1));
        started += got[i]["event"]["type"] == "io.raidmon.agent.started" ? 1 : 0;
    }
    BOOST_TEST(started == 3u);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(mqtt_over_tls_with_a_client_certificate) {
    requireBroker();
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const fs::path pki = t.path / "pki";
    makePki(pki);
    fs::permissions(pki / "server.key", fs::perms::others_read | fs::perms::group_read, fs::perm_options::add);  // mosquitto drops root
    const int port = freePort();
    std::ofstream(t.path / "mosquitto.conf") << "listener " << port << " 127.0.0.1\ncafile " << (pki / "ca.pem").string()
                                             << "\ncertfile " << (pki / "server.pem").string() << "\nkeyfile "
                                             << (pki / "server.key").string()
                                             << "\nrequire_certificate true\nallow_anonymous true\npersistence false\n";
    Child broker({"/usr/sbin/mosquitto", "-c", (t.path / "mosquitto.conf").string()}, t.path / "broker.log");

    struct Got {
        std::mutex m;
        std::vector<std::string> events;
    } got;
    mosquitto_lib_init();
    mosquitto* sub = mosquitto_new("raidmon-tls-sub", true, &got);
    BOOST_REQUIRE(sub);
    BOOST_REQUIRE(mosquitto_tls_set(sub, (pki / "ca.pem").c_str(), nullptr, (pki / "client.pem").c_str(),
                                    (pki / "client.key").c_str(), nullptr) == MOSQ_ERR_SUCCESS);
    mosquitto_message_callback_set(sub, [](mosquitto*, void* u, const mosquitto_message* m) {
        auto* g = static_cast<Got*>(u);
        std::lock_guard lk(g->m);
        if (std::string(m->topic).ends_with("/events"))
            g->events.emplace_back(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
    });
    int rc = MOSQ_ERR_UNKNOWN;
    for (int i = 0; i < 50 && rc != MOSQ_ERR_SUCCESS; ++i) {
        rc = mosquitto_connect(sub, "127.0.0.1", port, 30);
        if (rc != MOSQ_ERR_SUCCESS) std::this_thread::sleep_for(100ms);
    }
    BOOST_REQUIRE_MESSAGE(rc == MOSQ_ERR_SUCCESS, "broker did not come up: " << slurp(t.path / "broker.log"));
    mosquitto_subscribe(sub, nullptr, "raidmon/#", 1);
    mosquitto_loop_start(sub);

    auto sink = [&](const std::string& ca) {
        return "[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(port) + "\ntls = true\nca_file = \"" +
               (pki / ca).string() + "\"\nclient_cert = \"" + (pki / "client.pem").string() + "\"\nclient_key = \"" +
               (pki / "client.key").string() + "\"\nretry_initial = \"100ms\"\nretry_max = \"200ms\"\ntimeout = \"2s\"\n";
    };
    const auto state = t.path / "state";
    // A broker whose certificate the anchor did not sign: nothing is published.
    std::string log = runAgentUntil(tb, t.path, state, sink("rogue-ca.pem"), "delivery failed sink=mqtt-1");
    BOOST_TEST(log.find("delivery failed sink=mqtt-1") != std::string::npos, log);
    BOOST_TEST_MESSAGE("rogue anchor (MQTT): " << failureLine(log));
    BOOST_TEST(failureLine(log).find("certificate verify failed") != std::string::npos, log);  // OpenSSL's reason, not just "TLS error"
    {
        std::lock_guard lk(got.m);
        BOOST_TEST(got.events.empty());
    }
    // The right anchor: the refused events and the new ones, in order.
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n" << sink("ca.pem");
    Child agent(agentArgs(cfg, state, tb), t.path / "agent.log");
    std::vector<Json> evs;
    for (int i = 0; i < 200; ++i) {
        {
            std::lock_guard lk(got.m);
            evs.clear();
            for (const auto& e : got.events) evs.push_back(Json::parse(e));
        }
        if (countType(evs, "agent.started") >= 2) break;
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log") << "\nbroker log: " << slurp(t.path / "broker.log"));
    BOOST_TEST(countType(evs, "agent.started") == 2u);
    expectInSequence(evs);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
    mosquitto_disconnect(sub);  // first: see ~Subscriber in test_agent_testbeds.cpp
    mosquitto_loop_stop(sub, true);
    mosquitto_destroy(sub);
    mosquitto_lib_cleanup();
}
