// SPDX-License-Identifier: LGPL-2.1-or-later
// Signed commands from the panel (docs/panel.md, "Commands"), end to end: raidmond — the real
// binary — in the sas12 testbed, a real mosquitto broker on loopback carrying the JWTs, the
// results read from the file sink's events and the lights read back from the SES enclosure's
// sysfs. The keys are made for each test (openssl genpkey), never committed.
#define BOOST_TEST_MODULE panel_commands
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <mosquitto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "agent_harness.hpp"
#include "daemon/jwt.hpp"
#include "enclosure_lights.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

using raidmon::test::changedLights;
using raidmon::test::enclosureLights;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;
using raidmon::test::TempDir;
using namespace raidmon::test::agent;
using namespace std::chrono_literals;
namespace ra = raidmon::agent;

namespace {

/// The sas12 testbed's /etc/machine-id.
constexpr const char* kMachineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// An Ed25519 key pair made now: private.pem (PKCS#8) and public.pem.
struct KeyPair {
    std::filesystem::path priv, pub;
    std::shared_ptr<EVP_PKEY> key;
    KeyPair(const std::filesystem::path& dir, const std::string& name) : priv(dir / (name + ".pem")), pub(dir / (name + ".pub.pem")) {
        BOOST_REQUIRE(runCommand({"openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.string()}) == 0);
        BOOST_REQUIRE(runCommand({"openssl", "pkey", "-in", priv.string(), "-pubout", "-out", pub.string()}) == 0);
        auto k = ra::readEd25519Pem(slurp(priv), priv.string(), true);
        BOOST_REQUIRE_MESSAGE(k, (k ? "" : k.error().message));
        key = *k;
    }
    std::string sign(const ra::JwtJson& claims) const {
        auto t = ra::signJwt(claims, key.get());
        BOOST_REQUIRE(t);
        return *t;
    }
};

/// Claims of a command for this host, valid for five minutes.
ra::JwtJson claimsFor(const std::string& jti, const std::string& cmd) {
    const auto now = nowSeconds();
    return ra::JwtJson{{"jti", jti}, {"aud", kMachineId}, {"iat", now}, {"exp", now + 300}, {"cmd", cmd}};
}

/// A mosquitto broker on loopback, and a publisher of the test's own (the panel).
class Broker {
public:
    explicit Broker(const std::filesystem::path& dir) : port_(freePort()) {
        requireBroker();
        std::ofstream(dir / "mosquitto.conf") << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
        broker_ = std::make_unique<Child>(std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir / "mosquitto.conf").string()},
                                          dir / "broker.log");
        mosquitto_lib_init();
        pub_ = mosquitto_new("raidmon-test-panel", true, nullptr);
        BOOST_REQUIRE(pub_);
        int rc = MOSQ_ERR_UNKNOWN;
        for (int i = 0; i < 100 && rc != MOSQ_ERR_SUCCESS; ++i) {
            rc = mosquitto_connect(pub_, "127.0.0.1", port_, 30);
            if (rc != MOSQ_ERR_SUCCESS) std::this_thread::sleep_for(50ms);  // the broker is starting
        }
        BOOST_REQUIRE_MESSAGE(rc == MOSQ_ERR_SUCCESS, "broker did not come up: " << slurp(dir / "broker.log"));
        mosquitto_loop_start(pub_);
    }
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;
    ~Broker() {
        mosquitto_disconnect(pub_);
        mosquitto_loop_stop(pub_, true);
        mosquitto_destroy(pub_);
        mosquitto_lib_cleanup();
    }
    [[nodiscard]] int port() const { return port_; }
    void publish(const std::string& payload) {
        const std::string topic = std::string("raidmon/") + kMachineId + "/cmd";
        BOOST_REQUIRE(mosquitto_publish(pub_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false) ==
                      MOSQ_ERR_SUCCESS);
    }

private:
    int port_;
    std::unique_ptr<Child> broker_;
    mosquitto* pub_ = nullptr;
};

/// Events of a type for commands of one verb.
std::size_t countVerb(const std::vector<Json>& evs, const std::string& type, const std::string& verb) {
    std::size_t n = 0;
    for (const auto& e : evs) n += e["type"] == "io.raidmon." + type && e["data"]["entity"]["snapshot"]["cmd"] == verb ? 1 : 0;
    return n;
}

/// The agent over sas12 with a file sink and an MQTT sink on `broker`, one panel key.
struct Agent {
    TempDir& t;
    Testbed& tb;
    std::filesystem::path events, cfg, state;
    std::unique_ptr<Child> child;
    int pings = 0;  ///< readiness pings sent

    Agent(TempDir& dir, Testbed& bed, const Broker& broker, const KeyPair& key, const std::string& allow)
        : t(dir), tb(bed), events(dir.path / "events.jsonl"), cfg(dir.path / "raidmond.toml"), state(dir.path / "state") {
        std::ofstream(cfg) << kQuiet << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n"
                           << "\n[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " << broker.port()
                           << "\nretry_initial = \"100ms\"\nretry_max = \"400ms\"\ntimeout = \"2s\"\n"
                           << "\n[commands]\nrate_limit_max = 1000\n"
                           << "\n[[commands.key]]\nfile = \"" << key.pub.string() << "\"\nallow = " << allow << "\n";
    }
    void start() { child = std::make_unique<Child>(agentArgs(cfg, state, tb), t.path / "agent.log"); }
    int stop() { return child->stop(SIGTERM); }

    /// Wait until the agent takes commands from the broker: a ping every 200 ms until one is done
    /// (the subscription is made by the agent's MQTT thread; a command before it would be lost).
    void waitSubscribed(Broker& broker, const KeyPair& key) {
        const auto end = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < end) {
            const std::string jti = "ready-" + std::to_string(++pings) + "-" + std::to_string(nowSeconds());
            broker.publish(key.sign(claimsFor(jti, "ping")));
            auto evs = waitEvents(events, [&](const auto& e) { return doneOrRejected(e, jti) != nullptr; }, 200ms);
            if (doneOrRejected(evs, jti)) return;
        }
        BOOST_FAIL("the agent never answered a ping over MQTT; agent log: " << slurp(t.path / "agent.log"));
    }

    static const Json* doneOrRejected(const std::vector<Json>& evs, const std::string& jti) {
        for (const auto& e : evs)
            if ((e["type"] == "io.raidmon.command.done" || e["type"] == "io.raidmon.command.rejected" ||
                 e["type"] == "io.raidmon.command.failed") &&
                e["subject"] == "command/" + jti)
                return &e;
        return nullptr;
    }

    /// Wait for the n-th io.raidmon.command.rejected event (1-based) and return it.
    Json nthRejection(std::size_t n) {
        auto evs = waitEvents(events, [&](const auto& e) { return countType(e, "command.rejected") >= n; });
        BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
        BOOST_REQUIRE(countType(evs, "command.rejected") >= n);
        std::size_t k = 0;
        for (const auto& e : evs)
            if (e["type"] == "io.raidmon.command.rejected" && ++k == n) return e;
        return {};
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_signed_locate_lights_exactly_its_bay_and_a_replay_is_refused_also_after_a_restart) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    Broker broker(t.path);
    KeyPair panel(t.path, "panel");
    Agent agent(t, tb, broker, panel, R"(["locate", "ping"])");
    agent.start();
    agent.waitSubscribed(broker, panel);

    const auto before = enclosureLights(tb);
    auto claims = claimsFor("locate-slot08-1", "locate");
    claims["target"] = "Slot08";
    claims["state"] = "on";
    claims["duration"] = "10m";
    const std::string jwt = panel.sign(claims);
    broker.publish(jwt);
    auto evs = waitEvents(agent.events, [](const auto& e) { return Agent::doneOrRejected(e, "locate-slot08-1") != nullptr; });
    BOOST_TEST_INFO("agent log: " << slurp(t.path / "agent.log"));
    const Json* done = Agent::doneOrRejected(evs, "locate-slot08-1");
    BOOST_REQUIRE(done);
    BOOST_TEST((*done)["type"] == "io.raidmon.command.done");
    BOOST_TEST(findEvent(evs, "command.accepted", "command/locate-slot08-1"));
    const Json& result = (*done)["data"]["entity"]["snapshot"]["result"];
    BOOST_TEST(result["backend"] == "ses-sysfs");
    BOOST_TEST(result["verified"] == true);
    BOOST_TEST(result["label"] == "Slot08");
    // Exactly the named bay, read back from the enclosure.
    auto diff = changedLights(before, enclosureLights(tb));
    BOOST_REQUIRE(diff.size() == 1u);
    BOOST_TEST(diff.begin()->first == "0:0:12:0/Slot08/locate");
    BOOST_TEST(diff.begin()->second == "1");

    // The same JWT again: a replay, refused, nothing done.
    const auto lit = enclosureLights(tb);
    broker.publish(jwt);
    Json r = agent.nthRejection(1);
    BOOST_TEST(r["subject"] == "command/locate-slot08-1");
    BOOST_TEST(r["data"]["entity"]["snapshot"]["reason"] == "replay");
    BOOST_TEST(changedLights(lit, enclosureLights(tb)).empty());

    // After a restart the record is still there (SQLite, in the outbox's database).
    BOOST_TEST(agent.stop() == 0);
    agent.start();
    agent.waitSubscribed(broker, panel);
    broker.publish(jwt);
    r = agent.nthRejection(2);
    BOOST_TEST(r["subject"] == "command/locate-slot08-1");
    BOOST_TEST(r["data"]["entity"]["snapshot"]["reason"] == "replay");
    BOOST_TEST(changedLights(lit, enclosureLights(tb)).empty());
    evs = readEvents(agent.events);
    BOOST_TEST(countVerb(evs, "command.accepted", "locate") == 1u);
    BOOST_TEST(countVerb(evs, "command.done", "locate") == 1u);
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(refused_commands_each_name_their_reason_and_change_nothing) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    Broker broker(t.path);
    KeyPair panel(t.path, "panel");
    KeyPair stranger(t.path, "stranger");
    Agent agent(t, tb, broker, panel, R"(["locate", "ping"])");
    agent.start();
    agent.waitSubscribed(broker, panel);
    const auto before = enclosureLights(tb);
    const std::string leases = (agent.state / "leds.json").string();
    const bool hadLeases = std::filesystem::exists(leases);

    auto locate = [](const std::string& jti) {
        auto c = claimsFor(jti, "locate");
        c["target"] = "Slot03";
        return c;
    };
    struct Case {
        std::string what, jwt, reason, jti;
    };
    std::vector<Case> cases;
    {
        auto c = locate("other-host");
        c["aud"] = "00000000000000000000000000000001";
        cases.push_back({"another machine-id", panel.sign(c), "audience", "other-host"});
    }
    {
        auto c = locate("expired");
        c["iat"] = nowSeconds() - 900;
        c["exp"] = nowSeconds() - 600;
        cases.push_back({"expired", panel.sign(c), "expired", "expired"});
    }
    cases.push_back({"an unknown key", stranger.sign(locate("stranger")), "signature", "stranger"});
    {
        auto c = claimsFor("identify-not-allowed", "identify");
        c["state"] = "on";
        cases.push_back({"a verb the key may not use", panel.sign(c), "not_allowed", "identify-not-allowed"});
    }
    {
        // alg "none": the same claims, no signature.
        const std::string unsigned_ = ra::base64urlEncode(R"({"alg":"none","typ":"JWT"})") + "." + ra::base64urlEncode(locate("none").dump()) + ".";
        cases.push_back({"unsigned (alg none)", unsigned_, "algorithm", "none"});
    }
    cases.push_back({"garbage", "\x01\x02 this is not a token \xff", "malformed", ""});
    cases.push_back({"1 MiB", std::string(1u << 20, 'A'), "too_large", ""});
    {
        auto c = locate("too-far");
        c["exp"] = nowSeconds() + 3600;
        cases.push_back({"exp an hour ahead", panel.sign(c), "lifetime", "too-far"});
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
        BOOST_TEST_CONTEXT(cases[i].what) {
            broker.publish(cases[i].jwt);
            Json r = agent.nthRejection(i + 1);
            const Json& s = r["data"]["entity"]["snapshot"];
            BOOST_TEST(s["reason"] == cases[i].reason);
            BOOST_TEST(r["subject"] == (cases[i].jti.empty() ? std::string("command") : "command/" + cases[i].jti));
            // The message never carries key material: no PEM text, no base64 of the key.
            BOOST_TEST(r.dump().find("BEGIN") == std::string::npos);
            BOOST_TEST(changedLights(before, enclosureLights(tb)).empty());
        }
    }
    const auto evs = readEvents(agent.events);
    BOOST_TEST(countVerb(evs, "command.accepted", "locate") == 0u);
    BOOST_TEST(countVerb(evs, "command.accepted", "identify") == 0u);
    BOOST_TEST(std::filesystem::exists(leases) == hadLeases);
    BOOST_TEST(agent.stop() == 0);
}

BOOST_AUTO_TEST_CASE(raidmon_command_sign_verify_and_send_over_the_control_socket) {
    Testbed tb(testbedDir("sas12"));
    TempDir t;
    Broker broker(t.path);
    KeyPair panel(t.path, "panel");
    Agent agent(t, tb, broker, panel, R"(["locate"])");
    agent.start();
    waitEvents(agent.events, [](const auto& e) { return countType(e, "agent.started") >= 1; });
    waitControl(agent.state);
    const std::string r = tb.root().string();
    // --aud defaults to the machine-id of the host --etc describes: the testbed's.
    auto sign = tb.run({RAIDMON_CLI, "command", "sign", "--key", panel.priv.string(), "--cmd", "locate", "--claim", "target=Slot05",
                        "--etc", r + "/etc"});
    BOOST_TEST_INFO("stderr: " << sign.err);
    BOOST_REQUIRE(sign.exitStatus == 0);
    const std::string jwt = sign.out.substr(0, sign.out.find('\n'));
    const auto before = enclosureLights(tb);
    auto verify = tb.run({RAIDMON_CLI, "command", "verify", jwt, "--state-dir", agent.state.string()});
    BOOST_TEST_INFO("stderr: " << verify.err);
    BOOST_TEST(verify.exitStatus == 0);
    BOOST_TEST(changedLights(before, enclosureLights(tb)).empty());  // verify runs nothing
    auto send = tb.run({RAIDMON_CLI, "command", "send", jwt, "--state-dir", agent.state.string()});
    BOOST_TEST_INFO("stderr: " << send.err << " agent log: " << slurp(t.path / "agent.log"));
    BOOST_REQUIRE(send.exitStatus == 0);
    auto diff = changedLights(before, enclosureLights(tb));
    BOOST_REQUIRE(diff.size() == 1u);
    BOOST_TEST(diff.begin()->first == "0:0:12:0/Slot05/locate");
    BOOST_TEST(diff.begin()->second == "1");
    auto again = tb.run({RAIDMON_CLI, "command", "send", jwt, "--state-dir", agent.state.string()});
    BOOST_TEST(again.exitStatus == 1);
    BOOST_TEST(again.err.find("rejected replay") != std::string::npos, again.err);
    BOOST_TEST(agent.stop() == 0);
}
