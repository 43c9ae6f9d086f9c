// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmond — the real binary — inside umockdev testbeds: real libudev uevents, real sysfs reads,
// real SQLite outbox, real sinks (file, an HTTP receiver of the test's own on loopback, a real
// mosquitto broker on loopback), real signals (kill -9).
#define BOOST_TEST_MODULE agent_testbeds
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "agent_harness.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;
using raidmon::test::TempDir;
using namespace raidmon::test::agent;
using namespace std::chrono_literals;

namespace {

/// md1 (sas12's RAID1) loses sdj2 (odd i) or has it back in sync (even i), announced by "change".
void toggleMd1(Testbed& tb, int i, std::chrono::milliseconds pause) {
    const std::string md1 = "/sys/devices/virtual/block/md1";
    tb.setAttribute(md1, "md/degraded", i % 2 ? "1" : "0");
    tb.setAttribute(md1, "md/dev-sdj2/state", i % 2 ? "faulty" : "in_sync");
    tb.uevent(md1, "change");
    std::this_thread::sleep_for(pause);  // pace: umockdev 0.17 aborts past ~10 unread uevents
}

} // namespace

BOOST_AUTO_TEST_CASE(sas12_pull_degrade_rebuild_finish_into_a_file_sink) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");

    // Start: agent.started, then the problems already there (bay 3 failed, md0 degraded).
    auto evs = waitEvents(events, [](const auto& e) { return countType(e, "array.degraded") >= 1; });
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(!evs.empty());
    BOOST_TEST(evs[0]["type"] == "io.raidmon.agent.started");
    BOOST_TEST(evs[0]["source"] == "raidmond://8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
    BOOST_TEST(evs[0]["specversion"] == "1.0");
    BOOST_TEST(evs[0]["data"]["host"]["dmi"]["product_serial"] == "S214879X9A01420");
    // A file sink needs no network or crypto library: libcurl, libmosquitto and libcrypto (and
    // their dozens of dependencies) are loaded only by the sinks and keys that use them.
    for (const char* lib : {"libcurl", "libmosquitto", "libcrypto", "libssl", "libgnutls"})
        BOOST_TEST(mappedLibraries(agent.pid(), lib).empty(), lib << " mapped by a file-sink agent");
    const Json* failed = findEvent(evs, "drive.failed");
    BOOST_REQUIRE(failed);
    BOOST_TEST((*failed)["data"]["entity"]["snapshot"]["kernel_name"] == "sdd");
    BOOST_TEST((*failed)["data"]["severity"] == "critical");

    // A technician pulls the disk in bay 2 (sdc): "remove" first, then the device goes (umockdev 0.17).
    const std::string sdc = syspathOf(tb, "sdc");
    tb.uevent(sdc, "remove");
    umockdev_testbed_remove_device(tb.handle(), sdc.c_str());
    evs = waitEvents(events, [](const auto& e) { return countType(e, "drive.removed") >= 1; });
    const Json* removed = findEvent(evs, "drive.removed");
    BOOST_REQUIRE_MESSAGE(removed, "no drive.removed; log: " << slurp(t.path / "agent.log"));
    BOOST_TEST((*removed)["data"]["entity"]["snapshot"]["kernel_name"] == "sdc");
    BOOST_TEST((*removed)["data"]["entity"]["snapshot"]["location"]["label"] == "Slot02");
    BOOST_TEST((*removed)["subject"] == "drive/" + (*removed)["data"]["entity"]["snapshot"]["id"].get<std::string>());

    // md1 (RAID1 of SSDs) loses sdj2: md writes degraded and the member state, announces "change".
    const std::string md1 = "/sys/devices/virtual/block/md1";
    tb.setAttribute(md1, "md/dev-sdj2/state", "faulty");
    tb.setAttribute(md1, "md/degraded", "1");
    tb.uevent(md1, "change");
    evs = waitEvents(events, [](const auto& e) { return findEvent(e, "array.degraded", "a0d4e1b7") != nullptr; });
    const Json* deg = findEvent(evs, "array.degraded", "a0d4e1b7");
    BOOST_REQUIRE_MESSAGE(deg, "no array.degraded for md1; log: " << slurp(t.path / "agent.log"));
    BOOST_TEST((*deg)["data"]["entity"]["snapshot"]["name"] == "md1");
    BOOST_TEST((*deg)["data"]["severity"] == "critical");  // RAID1 with one side left
    BOOST_TEST((*deg)["data"]["recommendation"].is_object());

    // Rebuild onto the re-added member: md's timer fallback path (no uevent: md does not send one
    // for sync_completed, and POLLPRI never fires under umockdev).
    tb.setAttribute(md1, "md/dev-sdj2/state", "");
    tb.setAttribute(md1, "md/sync_completed", "93554 / 935544736");
    tb.setAttribute(md1, "md/sync_action", "recover");
    evs = waitEvents(events, [](const auto& e) { return countType(e, "array.rebuild_started") >= 1; });
    BOOST_REQUIRE_MESSAGE(findEvent(evs, "array.rebuild_started", "a0d4e1b7"), "log: " << slurp(t.path / "agent.log"));
    tb.setAttribute(md1, "md/sync_completed", "467772368 / 935544736");
    evs = waitEvents(events, [](const auto& e) { return countType(e, "array.rebuild_progress") >= 1; });
    const Json* prog = findEvent(evs, "array.rebuild_progress", "a0d4e1b7");
    BOOST_REQUIRE(prog);
    BOOST_TEST((*prog)["data"]["message"].get<std::string>().find("50.0 %") != std::string::npos);
    tb.setAttribute(md1, "md/dev-sdj2/state", "in_sync");
    tb.setAttribute(md1, "md/degraded", "0");
    tb.setAttribute(md1, "md/sync_completed", "none");
    tb.setAttribute(md1, "md/sync_action", "idle");
    evs = waitEvents(events, [](const auto& e) { return countType(e, "array.optimal") >= 1; });
    BOOST_REQUIRE_MESSAGE(findEvent(evs, "array.rebuild_finished", "a0d4e1b7"), "log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(findEvent(evs, "array.optimal", "a0d4e1b7"));

    // Delivery: in order, each id once, the sequence counting up without gaps.
    std::set<std::string> ids;
    for (std::size_t i = 0; i < evs.size(); ++i) {
        BOOST_TEST(evs[i]["sequence"] == sequenceString(i + 1));
        BOOST_TEST(ids.insert(evs[i]["id"].get<std::string>()).second);
    }

    // The same events through the control socket (raidmon events), and SIGTERM stops cleanly.
    auto cli = tb.run({RAIDMON_CLI, "events", "--state-dir", (t.path / "state").string(), "--since", "0", "--json"});
    BOOST_TEST(cli.exitStatus == 0, cli.err);
    // The agent may still be writing (a light's lease, a late step): the CLI's answer holds at
    // least what was read above and is, event by event, what the file sink holds after it.
    std::vector<std::string> cliIds;
    std::istringstream lines(cli.out);
    for (std::string line; std::getline(lines, line);) cliIds.push_back(Json::parse(line)["id"].get<std::string>());
    const auto after = waitEvents(events, [&](const auto& e) { return e.size() >= cliIds.size(); });
    BOOST_TEST(cliIds.size() >= evs.size());
    BOOST_TEST_REQUIRE(cliIds.size() <= after.size());
    for (std::size_t i = 0; i < cliIds.size(); ++i) BOOST_TEST(cliIds[i] == after[i]["id"].get<std::string>());
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

// md1 flaps faster than the rate limit allows: degraded is always sent, optimal is held back, and
// the last optimal still reaches the panel once the window has room: its last word is the truth.
BOOST_AUTO_TEST_CASE(a_flapping_array_ends_in_its_true_state_at_the_panel) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << "[agent]\nheartbeat = 0\nmd_poll = \"200ms\"\nsmart_interval = 0\ncontroller_interval = 0\n"
                       << "rate_limit_max = 1\nrate_limit_window = \"3s\"\n[[sink]]\ntype = \"file\"\npath = \"" << events.string()
                       << "\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    waitControl(t.path / "state");
    for (int i = 1; i <= 6; ++i) toggleMd1(tb, i, 300ms);  // ends in sync: optimal
    auto optimal = [](const std::vector<Json>& evs) {
        std::vector<const Json*> md1;
        for (const auto& e : evs)
            if (e["subject"].get<std::string>().find("a0d4e1b7") != std::string::npos) md1.push_back(&e);
        return md1;
    };
    auto evs = waitEvents(events, [&](const std::vector<Json>& e) {
        auto m = optimal(e);
        return !m.empty() && (*m.back())["type"] == "io.raidmon.array.optimal" &&
               (*m.back())["data"]["message"].get<std::string>().find("held back") != std::string::npos;
    });
    const auto md1 = optimal(evs);
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(!md1.empty());
    BOOST_TEST((*md1.back())["type"] == "io.raidmon.array.optimal");
    BOOST_TEST((*md1.back())["data"]["message"].get<std::string>().find("held back by the rate limit") != std::string::npos,
               (*md1.back())["data"]["message"]);
    BOOST_TEST(countType(evs, "array.degraded") >= 4u);  // md0 at start, md1 three times: never held back
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(kill_9_in_an_event_storm_then_restart_loses_nothing) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    auto toggle = [&](int i) { toggleMd1(tb, i, 3ms); };
    // One boot for both runs: a kill -9 keeps every commit in the page cache, so the restarted
    // agent goes on with the next sequence number (after a new boot it would skip ahead, as a
    // power cut may have taken commits a sink had: test_console_testbeds.cpp).
    setBootId(tb, "6e1f0c2a-4444-4c3e-9d2b-000000000004");
    {
        Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
        waitEvents(events, [](const auto& e) { return countType(e, "agent.started") >= 1; });
        for (int i = 1; i <= 60; ++i) toggle(i);
        BOOST_TEST(agent.stop(SIGKILL) == 128 + SIGKILL);
    }
    {
        Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
        // The storm goes on once the new agent is up. Not before: it listens before its first scan
        // (so that no change is missed), and umockdev aborts the sender when 10 uevents wait
        // unread, which a first scan under the sanitizers outlasts at this pace.
        waitEvents(events, [](const auto& e) { return countType(e, "agent.started") >= 2; });
        for (int i = 61; i <= 100; ++i) toggle(i);
        std::this_thread::sleep_for(500ms);
        // Everything the outbox holds was delivered, in order (a repeat after the kill is allowed).
        auto cli = tb.run({RAIDMON_CLI, "events", "--state-dir", (t.path / "state").string(), "--since", "0", "--json"});
        BOOST_REQUIRE_MESSAGE(cli.exitStatus == 0, cli.err);
        std::vector<std::string> stored;
        std::istringstream in(cli.out);
        for (std::string l; std::getline(in, l);)
            if (!l.empty()) stored.push_back(Json::parse(l)["id"].get<std::string>());
        auto evs = readEvents(events);
        std::vector<std::string> delivered;
        std::uint64_t lastSeq = 0;
        for (const auto& e : evs) {
            const std::uint64_t seq = std::stoull(e["sequence"].get<std::string>());
            BOOST_TEST(seq <= lastSeq + 1);  // never skips ahead
            if (seq == lastSeq + 1) delivered.push_back(e["id"].get<std::string>());
            lastSeq = std::max(lastSeq, seq);
        }
        BOOST_TEST(stored.size() > 20u);  // uevents faster than a scan coalesce: fewer events than toggles
        BOOST_TEST(delivered == stored, boost::test_tools::per_element());
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
}

BOOST_AUTO_TEST_CASE(webhook_panel_down_then_up_bearer_and_hmac) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const int port = freePort();
    std::ofstream(t.path / "token") << "s3cr3t-token\n";
    std::ofstream(t.path / "hmac") << "hmac-key-0123456789\n";
    const auto received = t.path / "received.jsonl";
    // The panel: a tiny HTTP server of the test's own, checking the bearer token and the HMAC.
    std::ofstream(t.path / "panel.py") << R"(
import hashlib, hmac, http.server, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sig = "sha256=" + hmac.new(b"hmac-key-0123456789", body, hashlib.sha256).hexdigest()
        if self.headers.get("Authorization") != "Bearer s3cr3t-token" or self.headers.get("X-Raidmon-Signature") != sig:
            self.send_response(401); self.end_headers(); return
        with open(out, "ab") as f: f.write(body + b"\n")
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
)";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:" << port << "/hooks\"\n"
                       << "token_file = \"" << (t.path / "token").string() << "\"\nhmac_secret_file = \"" << (t.path / "hmac").string()
                       << "\"\nretry_initial = \"100ms\"\nretry_max = \"400ms\"\ntimeout = \"2s\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    waitControl(t.path / "state");
    // Events while the panel is down.
    for (int i = 1; i <= 6; ++i) toggleMd1(tb, i, 300ms);
    BOOST_TEST(!fs::exists(received));
    const std::string log = slurp(t.path / "agent.log");
    BOOST_TEST(log.find("delivery failed sink=webhook-1") != std::string::npos, log);
    Child panel({"/usr/bin/python3", (t.path / "panel.py").string(), std::to_string(port), received.string()}, t.path / "panel.log");
    auto evs = waitEvents(received, [](const auto& e) { return countType(e, "array.optimal") >= 3; }, 20s);
    BOOST_TEST_INFO("panel log: " << slurp(t.path / "panel.log") << "\nagent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(countType(evs, "array.optimal") >= 3);
    // The webhook loaded libcurl, the HMAC libcrypto; nothing loaded libmosquitto.
    BOOST_TEST(!mappedLibraries(agent.pid(), "libcurl").empty());
    BOOST_TEST(!mappedLibraries(agent.pid(), "libcrypto").empty());
    BOOST_TEST(mappedLibraries(agent.pid(), "libmosquitto").empty());
    BOOST_TEST(countType(evs, "array.degraded") >= 4);  // md0 at start + md1 three times
    expectInSequence(evs);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

namespace {

/// A mosquitto broker on a free loopback port, for one test.
struct Broker {
    explicit Broker(const fs::path& dir) : port(freePort()) {
        std::ofstream(dir / "mosquitto.conf") << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
        process = std::make_unique<Child>(std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir / "mosquitto.conf").string()},
                                          dir / "broker.log");
    }
    int port;
    std::unique_ptr<Child> process;
};

/// The panel side: a libmosquitto subscriber of the test's own, collecting (topic, payload).
class Subscriber {
public:
    Subscriber(const char* id, int port, const std::string& pattern, const fs::path& brokerLog) {
        m_ = mosquitto_new(id, true, this);
        BOOST_REQUIRE(m_);
        mosquitto_message_callback_set(m_, [](mosquitto*, void* u, const mosquitto_message* msg) {
            auto* s = static_cast<Subscriber*>(u);
            std::lock_guard lk(s->mu_);
            s->msgs_.emplace_back(msg->topic, std::string(static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen)));
        });
        int rc = MOSQ_ERR_UNKNOWN;
        for (int i = 0; i < 50 && rc != MOSQ_ERR_SUCCESS; ++i) {  // the broker may still be starting
            rc = mosquitto_connect(m_, "127.0.0.1", port, 30);
            if (rc != MOSQ_ERR_SUCCESS) std::this_thread::sleep_for(100ms);
        }
        BOOST_REQUIRE_MESSAGE(rc == MOSQ_ERR_SUCCESS, "broker did not come up: " << slurp(brokerLog));
        mosquitto_subscribe(m_, nullptr, pattern.c_str(), 1);
        mosquitto_loop_start(m_);
    }
    Subscriber(const Subscriber&) = delete;
    Subscriber& operator=(const Subscriber&) = delete;
    ~Subscriber() {
        // Disconnect while the network thread runs, then cancel it. The other order can cancel it
        // inside a write with one of libmosquitto's mutexes held, and the disconnect then waits
        // for that mutex forever (this test hung so, in the sanitizer build).
        mosquitto_disconnect(m_);
        mosquitto_loop_stop(m_, true);
        mosquitto_destroy(m_);
    }
    std::vector<std::string> payloads(const std::string& topic) {
        std::lock_guard lk(mu_);
        std::vector<std::string> out;
        for (const auto& [k, v] : msgs_)
            if (k == topic) out.push_back(v);
        return out;
    }
    /// Waits (polling what the network thread collected) until `done` holds, at most `limit`.
    template <typename F>
    bool waitFor(F done, std::chrono::milliseconds limit = 20s) {
        for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;
             std::this_thread::sleep_for(20ms))
            if (done()) return true;
        return done();
    }

private:
    mosquitto* m_ = nullptr;
    std::mutex mu_;
    std::vector<std::pair<std::string, std::string>> msgs_;
};

const std::string kEventsTopic = "raidmon/8d3f2a6c41b94e0f9c1e5a7b2d4c6e80/events";
const std::string kStatusTopic = "raidmon/8d3f2a6c41b94e0f9c1e5a7b2d4c6e80/status";

fs::path mqttConfig(const fs::path& dir, int port) {
    const auto cfg = dir / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " << port
                       << "\nretry_initial = \"100ms\"\nretry_max = \"400ms\"\ntimeout = \"2s\"\nkeepalive = 5\n";
    return cfg;
}

/// sas12, a scratch directory and a broker: what each MQTT test starts from.
struct MqttRig {
    MqttRig() : tb(testbedDir("sas12")) {
        requireBroker();
        mosquitto_lib_init();
        broker = std::make_unique<Broker>(t.path);
    }
    Testbed tb;
    TempDir t;
    std::unique_ptr<Broker> broker;
};

} // namespace

BOOST_FIXTURE_TEST_CASE(mqtt_real_broker_qos1_and_retained_status, MqttRig) {
    {
        Subscriber sub("raidmon-test-sub", broker->port, "raidmon/#", t.path / "broker.log");
        Child agent(agentArgs(mqttConfig(t.path, broker->port), t.path / "state", tb), t.path / "agent.log");
        sub.waitFor([&] { return sub.payloads(kEventsTopic).size() >= 3 && !sub.payloads(kStatusTopic).empty(); });
        BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
        const auto events = sub.payloads(kEventsTopic);
        BOOST_REQUIRE(events.size() >= 3);  // started, drive.failed, array.degraded
        BOOST_TEST(!mappedLibraries(agent.pid(), "libmosquitto").empty());
        BOOST_TEST(mappedLibraries(agent.pid(), "libcurl").empty());
        std::vector<Json> evs;
        for (const auto& e : events) evs.push_back(Json::parse(e));
        BOOST_TEST(evs[0]["type"] == "io.raidmon.agent.started");
        expectInSequence(evs);
        const auto status = sub.payloads(kStatusTopic);
        BOOST_REQUIRE(!status.empty());
        const Json st = Json::parse(status.front());
        BOOST_TEST(st["health"] == "Critical");
        BOOST_TEST(st["online"] == true);
        BOOST_TEST(std::regex_match(st["time"].get<std::string>(), std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")));
        BOOST_TEST(agent.stop(SIGTERM) == 0);
    }
    // The status is retained: a subscriber that comes later gets it at once. A stopped agent said so
    // before it disconnected (a clean disconnect drops the Last Will).
    Subscriber late("raidmon-test-late", broker->port, kStatusTopic, t.path / "broker.log");
    BOOST_REQUIRE(late.waitFor([&] { return !late.payloads(kStatusTopic).empty(); }));
    const Json st = Json::parse(late.payloads(kStatusTopic).front());
    BOOST_TEST(st["online"] == false);
    BOOST_TEST(st["reason"] == "stopped");
    BOOST_TEST(st["health"] == "Unknown");
    BOOST_TEST(st["machine_id"] == "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
}

BOOST_FIXTURE_TEST_CASE(mqtt_last_will_when_the_agent_is_killed, MqttRig) {
    Subscriber sub("raidmon-test-will", broker->port, kStatusTopic, t.path / "broker.log");
    Child agent(agentArgs(mqttConfig(t.path, broker->port), t.path / "state", tb), t.path / "agent.log");
    BOOST_REQUIRE_MESSAGE(sub.waitFor([&] { return !sub.payloads(kStatusTopic).empty(); }), slurp(t.path / "agent.log"));
    BOOST_TEST(Json::parse(sub.payloads(kStatusTopic).back())["online"] == true);
    // An idle agent (no heartbeat, nothing to deliver) stays online: it sends its PINGREQs, so the
    // broker (keepalive 5 s: it gives up after 7.5 s of silence) never publishes the Will for it.
    auto offline = [&] {
        for (const auto& p : sub.payloads(kStatusTopic))
            if (Json::parse(p)["online"] == false) return true;
        return false;
    };
    BOOST_TEST(!sub.waitFor(offline, 9s), "a live agent was declared offline: " << slurp(t.path / "broker.log"));
    BOOST_TEST(agent.stop(SIGKILL) == 128 + SIGKILL);
    // The broker sees the connection break without a DISCONNECT and publishes the Will.
    BOOST_REQUIRE_MESSAGE(sub.waitFor([&] { return Json::parse(sub.payloads(kStatusTopic).back())["online"] == false; }),
                          "no Last Will after SIGKILL: " << slurp(t.path / "broker.log"));
    const Json will = Json::parse(sub.payloads(kStatusTopic).back());
    BOOST_TEST(will["reason"] == "connection lost");
    BOOST_TEST(will["health"] == "Unknown");
    BOOST_TEST(will["machine_id"] == "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80");
    BOOST_TEST(!will["time"].get<std::string>().empty());
    // and retained: a panel that starts now learns the host is offline
    Subscriber late("raidmon-test-will-late", broker->port, kStatusTopic, t.path / "broker.log");
    BOOST_REQUIRE(late.waitFor([&] { return !late.payloads(kStatusTopic).empty(); }));
    BOOST_TEST(Json::parse(late.payloads(kStatusTopic).front())["online"] == false);
}

BOOST_AUTO_TEST_CASE(metrics_endpoint_on_loopback) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const int port = freePort();
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[metrics]\nlisten = \"127.0.0.1:" << port << "\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    waitControl(t.path / "state");
    std::string page;
    for (int i = 0; i < 100 && page.find("# EOF") == std::string::npos; ++i) {
        std::this_thread::sleep_for(50ms);
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            const std::string req = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n";
            (void)!::write(s, req.data(), req.size());
            char buf[65536];
            page.clear();
            for (ssize_t n; (n = ::read(s, buf, sizeof buf)) > 0;) page.append(buf, static_cast<std::size_t>(n));
        }
        ::close(s);
    }
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_TEST(page.find("HTTP/1.1 200 OK") == 0u);
    BOOST_TEST(page.find("application/openmetrics-text") != std::string::npos);
    BOOST_TEST(page.find("raidmon_host_health 2\n") != std::string::npos);
    BOOST_TEST(page.find("raidmon_array_degraded{array=\"md-3f1c8a52:7b0e4d19:a6c29e5d:30b8f417\",name=\"md0\"} 1") != std::string::npos);
    BOOST_TEST(page.find("raidmon_agent_events_total{type=\"io.raidmon.agent.started\"} 1") != std::string::npos);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(garbage_config_exit_78_naming_key_and_line) {
    TempDir t;
    std::ofstream(t.path / "bad.toml") << "[agent]\nheartbeat = \"60s\"\n\n[[sink]]\ntype = \"webhook\"\nurl = \"ftp://panel\"\n";
    Testbed tb(testbedDir("sas12"));
    auto r = tb.run({RAIDMOND, "--check-config", (t.path / "bad.toml").string()});
    BOOST_TEST(r.exitStatus == 78);
    BOOST_TEST(r.err.find("bad.toml:6: key 'sink[1].url'") != std::string::npos, r.err);
    r = tb.run({RAIDMOND, "--config", (t.path / "bad.toml").string()});
    BOOST_TEST(r.exitStatus == 78);
    std::ofstream(t.path / "good.toml") << "[agent]\nheartbeat = \"60s\"\n";
    r = tb.run({RAIDMOND, "--check-config", (t.path / "good.toml").string()});
    BOOST_TEST(r.exitStatus == 0, r.err);
    // A sink whose token file is missing stops the start with a clear message.
    std::ofstream(t.path / "notoken.toml") << kQuiet << "[[sink]]\ntype = \"webhook\"\nurl = \"https://panel.example.net/\"\n"
                                           << "token_file = \"/nonexistent/panel.token\"\n";
    r = tb.run({RAIDMOND, "--config", (t.path / "notoken.toml").string(), "--state-dir", (t.path / "s").string(), "--no-device-io"});
    BOOST_TEST(r.exitStatus == 78);
    BOOST_TEST(r.err.find("/nonexistent/panel.token") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(full_disk_under_the_outbox_loses_nothing) {
    // A real full file system: a 1 MiB tmpfs holding the state directory (the tests run as root;
    // without the mount the test fails: it would prove nothing).
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto state = t.path / "state";
    Tmpfs fsys(state, "1m");
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    Child agent(agentArgs(cfg, state, tb), t.path / "agent.log");
    waitEvents(events, [](const auto& e) { return countType(e, "array.degraded") >= 1; });
    fsys.fill(state / "filler");
    for (int i = 1; i <= 6; ++i) toggleMd1(tb, i, 300ms);
    const std::string log = slurp(t.path / "agent.log");
    BOOST_TEST(log.find("cannot commit events") != std::string::npos, log);
    BOOST_TEST(log.find("full") != std::string::npos, log);
    // Space again: what was held in memory is committed and delivered, in order.
    fs::remove(state / "filler");
    auto evs = waitEvents(events, [](const auto& e) { return countType(e, "array.optimal") >= 3; });
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_TEST(countType(evs, "array.optimal") >= 3u);
    BOOST_TEST(countType(evs, "array.degraded") >= 4u);
    expectInSequence(evs);
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(full_disk_under_the_file_sink_leaves_no_half_line) {
    // The file sink's file on a tmpfs that fills up while events keep coming: the sink's writes
    // fail (ENOSPC, some part-way through a line) and are retried; once there is room every event
    // is in the file once, each on a whole line that is valid JSON, in sequence.
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    const auto out = t.path / "out";
    Tmpfs fsys(out, "256k");
    const auto events = out / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string()
                       << "\"\nretry_initial = \"100ms\"\nretry_max = \"300ms\"\n";
    Child agent(agentArgs(cfg, t.path / "state", tb), t.path / "agent.log");
    waitEvents(events, [](const auto& e) { return countType(e, "array.degraded") >= 1; });
    fsys.fill(out / "filler");
    for (int i = 1; i <= 6; ++i) toggleMd1(tb, i, 200ms);
    // The sink is stuck on ENOSPC: the agent says so, and the file holds only whole lines.
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (slurp(t.path / "agent.log").find("No space left on device") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    BOOST_TEST(slurp(t.path / "agent.log").find("delivery failed sink=file-1") != std::string::npos, slurp(t.path / "agent.log"));
    BOOST_TEST(slurp(t.path / "agent.log").find("No space left on device") != std::string::npos);
    std::this_thread::sleep_for(500ms);  // a few retries against the full file system
    const std::string stuck = slurp(events);
    BOOST_TEST((stuck.empty() || stuck.back() == '\n'), "a partial line is left in the file");
    (void)readEvents(events);  // every line is JSON
    fs::remove(out / "filler");
    auto evs = waitEvents(events, [](const auto& e) { return countType(e, "array.optimal") >= 3; });
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    BOOST_TEST(countType(evs, "array.optimal") >= 3u);
    BOOST_TEST(countType(evs, "array.degraded") >= 4u);
    expectInSequence(evs);  // none lost, none twice
    BOOST_TEST(agent.stop(SIGTERM) == 0);
    // Whether a write stopped part-way this time depends on the slack of the file's last page;
    // the cut-back itself is proven deterministically in tests/unit/test_agent_servers.cpp.
    BOOST_TEST_MESSAGE("partial line cut back during the run: "
                       << (slurp(t.path / "agent.log").find("cut back a partial line") != std::string::npos ? "yes" : "no"));
}

BOOST_AUTO_TEST_CASE(the_agent_turns_off_a_light_whose_lease_ended) {
    // A technician's `raidmon locate --for 1s` (the CLI, another process), then raidmond alone:
    // when the lease ends the agent turns the bay's light off and reports io.raidmon.led.changed.
    Testbed tb(testbedDir("nvme2"));
    TempDir t;
    const auto state = t.path / "state";
    const fs::path att0 = tb.root() / "sys/bus/pci/slots/0/attention";
    const std::string r = tb.root().string();
    auto on = tb.run({RAIDMON_CLI, "locate", "nvme0n1", "on", "--for", "1s", "--state-dir", state.string(), "--proc",
                      r + "/proc", "--etc", r + "/etc", "--no-device-io"});
    BOOST_TEST_INFO("stderr: " << on.err);
    BOOST_REQUIRE(on.exitStatus == 0);
    BOOST_TEST(slurp(att0) == "2");  // blinking
    const auto events = t.path / "events.jsonl";
    const auto cfg = t.path / "raidmond.toml";
    std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n";
    Child agent(agentArgs(cfg, state, tb), t.path / "agent.log");
    auto evs = waitEvents(events, [](const auto& e) { return countType(e, "led.changed") >= 1; }, 25s);
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    const Json* led = findEvent(evs, "led.changed", "slot/pcie:0");
    BOOST_REQUIRE(led);
    BOOST_TEST((*led)["data"]["entity"]["snapshot"]["pattern"] == "off");
    BOOST_TEST(slurp(att0) == "0");  // off, and read back by the LED backend
    BOOST_TEST(agent.stop(SIGTERM) == 0);
}
