// SPDX-License-Identifier: LGPL-2.1-or-later
// Signed commands from the panel (docs/panel.md, "Commands"), end to end: raidmond — the real
// binary — in the sas12 testbed, a real mosquitto broker on loopback carrying the JWTs, the
// results read from the file sink's events and the lights read back from the SES enclosure's
// sysfs. The keys are made for each test (openssl genpkey), never committed.
#define BOOST_TEST_MODULE panel_commands
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "panel_harness.hpp"

using namespace raidmon::test::panel;

BOOST_AUTO_TEST_CASE(a_signed_locate_lights_exactly_its_bay_and_a_replay_is_refused_also_after_a_restart_or_a_crash) {
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
    // And after a crash (kill -9: no orderly stop): the record was committed, with the accepted
    // event in the same transaction, before the command ran.
    BOOST_TEST(agent.child->stop(SIGKILL) == 128 + SIGKILL);
    agent.start();
    agent.waitSubscribed(broker, panel);
    // The file sink may repeat the event it delivered when killed (at least once): count by id.
    auto rejections = [](const std::vector<Json>& all) {
        std::map<std::string, Json> byId;
        for (const auto& e : all)
            if (e["type"] == "io.raidmon.command.rejected") byId.emplace(e["id"].get<std::string>(), e);
        return byId;
    };
    const auto seen = rejections(readEvents(agent.events));
    broker.publish(jwt);
    evs = waitEvents(agent.events, [&](const auto& e) { return rejections(e).size() > seen.size(); });
    BOOST_TEST_INFO("agent log: " << agent.log());
    std::vector<Json> fresh;
    for (const auto& [id, e] : rejections(evs))
        if (!seen.count(id)) fresh.push_back(e);
    BOOST_REQUIRE(fresh.size() == 1u);
    BOOST_TEST(fresh[0]["subject"] == "command/locate-slot08-1");
    BOOST_TEST(fresh[0]["data"]["entity"]["snapshot"]["reason"] == "replay");
    BOOST_TEST(changedLights(lit, enclosureLights(tb)).empty());
    std::set<std::string> acceptedIds, doneIds;
    for (const auto& e : evs) {
        if (e["type"] == "io.raidmon.command.accepted" && e["subject"] == "command/locate-slot08-1") acceptedIds.insert(e["id"].get<std::string>());
        if (e["type"] == "io.raidmon.command.done" && e["subject"] == "command/locate-slot08-1") doneIds.insert(e["id"].get<std::string>());
    }
    BOOST_TEST(acceptedIds.size() == 1u);
    BOOST_TEST(doneIds.size() == 1u);
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
