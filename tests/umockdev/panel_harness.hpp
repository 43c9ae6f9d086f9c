// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What the signed-command tests share (docs/panel.md, "Commands"): a panel key made for the test,
// claims for the sas12 testbed's host, a real mosquitto broker on loopback with the panel's
// publisher, and raidmond over the testbed with a file sink, the panel's key and stand-ins for the
// tools a verb may run (ipmitool, mdadm, wipefs: never the real ones, which would act on this
// machine's BMC and disks).

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <mosquitto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "agent_harness.hpp"
#include "daemon/jwt.hpp"
#include "enclosure_lights.hpp"
#include "temp_dir.hpp"
#include "testbed.hpp"

namespace raidmon::test::panel {

namespace fs = std::filesystem;
namespace ra = raidmon::agent;
using namespace raidmon::test::agent;
using namespace std::chrono_literals;
using raidmon::test::changedLights;
using raidmon::test::enclosureLights;
using raidmon::test::TempDir;
using raidmon::test::Testbed;
using raidmon::test::testbedDir;

/// The sas12 testbed's /etc/machine-id.
inline constexpr const char* kMachineId = "8d3f2a6c41b94e0f9c1e5a7b2d4c6e80";

inline std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// An Ed25519 key pair made now: private.pem (PKCS#8) and public.pem.
struct KeyPair {
    fs::path priv, pub;
    std::shared_ptr<EVP_PKEY> key;
    KeyPair(const fs::path& dir, const std::string& name) : priv(dir / (name + ".pem")), pub(dir / (name + ".pub.pem")) {
        BOOST_REQUIRE(runCommand({"openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.string()}) == 0);
        BOOST_REQUIRE(runCommand({"openssl", "pkey", "-in", priv.string(), "-pubout", "-out", pub.string()}) == 0);
        auto k = ra::readEd25519Pem(slurp(priv), priv.string(), true);
        BOOST_REQUIRE_MESSAGE(k, (k ? "" : k.error().message));
        key = *k;
    }
    [[nodiscard]] std::string sign(const ra::JwtJson& claims) const {
        auto t = ra::signJwt(claims, key.get());
        BOOST_REQUIRE(t);
        return *t;
    }
};

/// Claims of a command for this host, valid for five minutes.
inline ra::JwtJson claimsFor(const std::string& jti, const std::string& cmd) {
    const auto now = nowSeconds();
    return ra::JwtJson{{"jti", jti}, {"aud", kMachineId}, {"iat", now}, {"exp", now + 300}, {"cmd", cmd}};
}

/// A mosquitto broker on loopback, and a publisher of the test's own (the panel).
class Broker {
public:
    explicit Broker(const fs::path& dir) : port_(freePort()) {
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
    /// The [[sink]] table of an MQTT sink on this broker (it subscribes to the command topic).
    [[nodiscard]] std::string sinkToml() const {
        return "\n[[sink]]\ntype = \"mqtt\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(port_) +
               "\nretry_initial = \"100ms\"\nretry_max = \"400ms\"\ntimeout = \"2s\"\n";
    }

private:
    int port_;
    std::unique_ptr<Child> broker_;
    mosquitto* pub_ = nullptr;
};

/// Events of a type for commands of one verb.
inline std::size_t countVerb(const std::vector<Json>& evs, const std::string& type, const std::string& verb) {
    std::size_t n = 0;
    for (const auto& e : evs) n += e["type"] == "io.raidmon." + type && e["data"]["entity"]["snapshot"]["cmd"] == verb ? 1 : 0;
    return n;
}

/// The snapshot an event carries (a command event's jti, cmd, key, transport, result).
inline const Json& snapshot(const Json& ev) { return ev["data"]["entity"]["snapshot"]; }

/// The agent over a testbed with a file sink, the sinks given, one panel key, its console issue
/// file in the test's directory (never /run/issue.d, no agetty reload) and stand-ins first on its
/// PATH: ipmitool (keeps the identify state in bin/identify and logs its arguments to
/// bin/ipmitool.log), mdadm and wipefs (log to bin/mdadm.log).
struct Agent {
    TempDir& t;
    Testbed& tb;
    fs::path events, cfg, state, issue, bin;
    std::unique_ptr<Child> child;
    int pings = 0;  ///< readiness pings sent

    /// `sinks`: [[sink]] tables beside the file sink (Broker::sinkToml(), a webhook); `extra`:
    /// more TOML ([hotswap] ...).
    Agent(TempDir& dir, Testbed& bed, const std::string& sinks, const KeyPair& key, const std::string& allow, const std::string& extra = "")
        : t(dir), tb(bed), events(dir.path / "events.jsonl"), cfg(dir.path / "raidmond.toml"), state(dir.path / "state"),
          issue(dir.path / "50-raidmon.issue"), bin(dir.path / "bin") {
        std::ofstream(cfg) << kQuiet << "\n[console]\nissue_file = \"" << issue.string() << "\"\nagetty_reload = false\n" << extra
                           << "\n[[sink]]\ntype = \"file\"\npath = \"" << events.string() << "\"\n"
                           << sinks << "\n[commands]\nrate_limit_max = 1000\n"
                           << "\n[[commands.key]]\nfile = \"" << key.pub.string() << "\"\nallow = " << allow << "\n";
        fs::create_directories(bin);
        const std::string b = bin.string();
        std::ofstream(bin / "ipmitool") << "#!/bin/sh\necho \"$*\" >> '" << b << "/ipmitool.log'\ncase \"$*\" in\n"
                                        << "  'chassis identify 0') echo Off > '" << b << "/identify' ;;\n"
                                        << "  'chassis identify force') echo 'Indefinite On' > '" << b << "/identify' ;;\n"
                                        << "  'chassis identify '*) echo 'Timed On' > '" << b << "/identify' ;;\n"
                                        << "  'chassis status') echo 'System Power         : on'; "
                                        << "echo \"Chassis Identify State : $(cat '" << b << "/identify' 2>/dev/null || echo Off)\" ;;\n"
                                        << "  *) echo \"ipmitool stand-in: $*\" >&2; exit 1 ;;\nesac\n";
        std::ofstream(bin / "mdadm") << "#!/bin/sh\necho \"$*\" >> '" << b << "/mdadm.log'\nexit 0\n";
        std::ofstream(bin / "wipefs") << "#!/bin/sh\necho \"wipefs $*\" >> '" << b << "/mdadm.log'\nexit 0\n";
        for (const char* f : {"ipmitool", "mdadm", "wipefs"}) fs::permissions(bin / f, fs::perms::owner_all);
    }
    /// The agent as the MQTT tests run it: a file sink and an MQTT sink on `broker`.
    Agent(TempDir& dir, Testbed& bed, const Broker& broker, const KeyPair& key, const std::string& allow, const std::string& extra = "")
        : Agent(dir, bed, broker.sinkToml(), key, allow, extra) {}

    void start() {
        // The stand-ins first on the agent's PATH only (the child inherits it at fork).
        const char* path = std::getenv("PATH");
        const std::string old = path ? path : "/usr/bin:/bin";
        ::setenv("PATH", (bin.string() + ":" + old).c_str(), 1);
        child = std::make_unique<Child>(agentArgs(cfg, state, tb), t.path / "agent.log");
        ::setenv("PATH", old.c_str(), 1);
    }
    int stop() { return child->stop(SIGTERM); }
    [[nodiscard]] std::string log() const { return slurp(t.path / "agent.log"); }

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
        BOOST_FAIL("the agent never answered a ping over MQTT; agent log: " << log());
    }

    static const Json* doneOrRejected(const std::vector<Json>& evs, const std::string& jti) {
        for (const auto& e : evs)
            if ((e["type"] == "io.raidmon.command.done" || e["type"] == "io.raidmon.command.rejected" ||
                 e["type"] == "io.raidmon.command.failed") &&
                e["subject"] == "command/" + jti)
                return &e;
        return nullptr;
    }

    /// Send a command and wait for its outcome: the events then, and its done event (required).
    std::vector<Json> runOk(Broker& broker, const KeyPair& key, const ra::JwtJson& claims, Json& done) {
        const std::string jti = claims["jti"].get<std::string>();
        broker.publish(key.sign(claims));
        auto evs = waitEvents(events, [&](const auto& e) { return doneOrRejected(e, jti) != nullptr; });
        BOOST_TEST_INFO("agent log: " << log());
        const Json* d = doneOrRejected(evs, jti);
        BOOST_REQUIRE(d);
        BOOST_TEST_REQUIRE((*d)["type"] == "io.raidmon.command.done", d->dump());
        BOOST_TEST(findEvent(evs, "command.accepted", "command/" + jti));
        done = *d;
        return evs;
    }

    /// Wait for the n-th io.raidmon.command.rejected event (1-based) and return it.
    Json nthRejection(std::size_t n) {
        auto evs = waitEvents(events, [&](const auto& e) { return countType(e, "command.rejected") >= n; });
        BOOST_TEST_INFO("agent log: " << log());
        BOOST_REQUIRE(countType(evs, "command.rejected") >= n);
        std::size_t k = 0;
        for (const auto& e : evs)
            if (e["type"] == "io.raidmon.command.rejected" && ++k == n) return e;
        return {};
    }
};

/// One test's world: the sas12 testbed, a broker, the panel's key, and the agent (MQTT and file
/// sinks, the key allowed `allow`) started and taking commands.
struct Rig {
    Testbed tb{testbedDir("sas12")};
    TempDir t;
    Broker broker{t.path};
    KeyPair panel{t.path, "panel"};
    Agent agent;
    explicit Rig(const std::string& allow, const std::string& extra = "") : agent(t, tb, broker, panel, allow, extra) {
        agent.start();
        agent.waitSubscribed(broker, panel);
    }
    /// Send a command and wait for its done event (required); the events then.
    std::vector<Json> runOk(const ra::JwtJson& claims, Json& done) { return agent.runOk(broker, panel, claims, done); }
};

} // namespace raidmon::test::panel
